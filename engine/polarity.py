"""Polarity of a statement, to tell an opposite claim from a paraphrase (Dutch, English, German).

Bi-encoders put "Het eigen risico moet omhoog" and "... moet omlaag" on top of each other (cosine
0.97 with multilingual-e5-small): the words that flip a claim are few and short. This module reads
them on two axes:

* **state** ``S``: is what the statement is about judged fine (+1: goed, genoeg, makkelijk) or a
  problem (-1: slecht, tekort, probleem, onvoldoende, "te weinig", "te hoog");
* **direction** ``D``: should there be more (+1: meer, omhoog, verhogen, uitbreiden, "te weinig",
  "te kort") or less (-1: minder, omlaag, verlagen, afbouwen, "te veel", "te hoog", "te lang").

"te" / "too" / "zu" before a size word ("te hoog") is one term: a problem (S = -1) whose remedy
goes the other way (D = minus the word's direction), so "te hoog" agrees with "moet omlaag" and
"te weinig" with "niet genoeg" and "tekort". A negation (niet, geen, nooit, zonder, nauwelijks, not,
never, nicht, kein, ...) flips the first polarity word within :data:`NEGATION_SCOPE` words after
it ("niet genoeg": a problem that asks for more, like "te weinig"); a negation with no polarity
word in reach flips the state ("Ik kan de huisarts niet bereiken":
S = -1). "niet meer" / "geen ... meer" / "nicht mehr" is read as "no longer", not as "not more".
A statement that asks for a change (a direction word) and names no state implies a problem
(S = -1); a statement with no polarity word at all is a plain affirmative (S = +1, implied).

A third axis, **need** ``N``, reads the claim's modality: +1 when the statement says something
must be or is needed (moet, nodig, verplicht, must, should, muss, nötig, ...), -1 when it says it
need not ("hoeft niet", "hoeven geen", "is niet nodig", "need not", "no need", "muss nicht",
"braucht kein", "nicht nötig"). A negation read as "need not" is used up there and flips nothing
else: "Het ziekenhuis hoeft geen volledige spoedeisende hulp te houden" answers "... moet een
volledige spoedeisende hulp houden" with a no, not with a problem. The Dutch "hoeft" takes a
negation up to :data:`NO_NEED_SCOPE` words later (verb-second order: "hoeft 's avonds en in het
weekend niet beschikbaar te zijn"), never one before it: "Niet elk ziekenhuis hoeft alles te doen"
negates the subject and "ik wil niet hoeven zoeken" a wish, not the need.

Two statements are in **strong** conflict when both state a direction and the directions differ,
or both state a state explicitly and the states differ, or one says "must" and the other "need
not"; in **weak** conflict when only implied states differ, or one says "need not" and the other
states no modality ("Ouderen moeten thuis blijven wonen" vs "... niet thuis blijven wonen"),
which is decisive for minimal pairs but not for free paraphrases (the caller weighs it by word
overlap).

Limits: no parser, so scope is a word window; irony, contrast ("wel ... maar niet"), and opposites
that flip a claim without any of these words ("betaald door de gemeente" vs "door de mensen zelf")
are not seen; a text asking for more of one thing and less of another conflicts with either
alone; a state is a problem as soon as one state word says so. The lexicon is in
:data:`STATE_WORDS`, :data:`DIRECTION_WORDS` and :data:`SIZE_WORDS`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import IntEnum

from .lexical import _stemmer, clause_words, detect_language, is_content_word, words

__all__ = [
    "CLAUSE_SHARED",
    "DETERMINER_NEGATIONS",
    "DIRECTION_WORDS",
    "INTENSIFIERS",
    "NEGATIONS",
    "NEGATION_SCOPE",
    "POLARITY_WORDS",
    "SIZE_WORDS",
    "STATE_WORDS",
    "Conflict",
    "Polarity",
    "clause_states_reversed",
    "conflict",
    "directed_words",
    "excess_denied",
    "negated_words",
    "negation_added",
    "polarity",
    "same_reading",
    "shared_polarity_words",
    "swapped_directions",
    "unshared_conflict",
]

#: Words after a negation within which it attaches to a polarity word.
NEGATION_SCOPE = 3
#: Words after "hoeft" / "hoeven" (Dutch verb-second order) within which a negation makes it
#: "need not".
NO_NEED_SCOPE = 8


def _ws(text: str) -> list[str]:
    return text.split()



NEGATIONS = frozenset(
    _ws(
        "niet geen nooit niets niks niemand nergens noch zonder nauwelijks amper not no never "
        "nothing nobody none nowhere neither nor cannot without hardly barely nicht kein "
        "keine keinen keinem keiner keines nie niemals nichts niemand nirgends ohne kaum "
        "weder"
    )
)
#: "te" / "too" / "zu" followed by a size word.
INTENSIFIERS = frozenset({"te", "too", "zu"})
#: Size words after "te"/"too"/"zu": the direction of the word itself.
SIZE_WORDS: dict[str, int] = {
    **dict.fromkeys(_ws("veel hoog hoge lang lange duur dure groot grote laat ver zwaar druk "
                        "vol"), 1),
    **dict.fromkeys(_ws("weinig laag lage kort korte goedkoop klein kleine vroeg snel licht"), -1),
    **dict.fromkeys(_ws("much many high long expensive big large late far heavy busy full"), 1),
    **dict.fromkeys(_ws("few little low short cheap small early fast soon"), -1),
    **dict.fromkeys(_ws("viel viele hoch lang lange teuer groß spät weit voll schwer"), 1),
    **dict.fromkeys(_ws("wenig wenige niedrig kurz billig klein früh schnell"), -1),
}
#: State words: +1 fine, -1 a problem.
STATE_WORDS: dict[str, int] = {
    **dict.fromkeys(
        _ws(
        "goed goede prima uitstekend uitstekende makkelijk gemakkelijk eenvoudig genoeg "
        "voldoende tevreden betaalbaar good great fine excellent easy enough sufficient "
        "adequate satisfied affordable gut gute hervorragend genug ausreichend zufrieden "
        "bezahlbar"
    ), 1),
    **dict.fromkeys(
        _ws(
        "slecht slechte matig moeilijk lastig ingewikkeld onvoldoende probleem problemen "
        "onacceptabel onaanvaardbaar ontevreden onbetaalbaar onmogelijk tekort tekorten "
        "onbereikbaar eenzaam eenzame overbelast uitgeput bad badly poor poorly difficult "
        "complicated insufficient inadequate problem problems unacceptable dissatisfied "
        "unaffordable impossible shortage shortages lonely overburdened exhausted schlecht "
        "schlechte schwierig kompliziert unzureichend problem probleme unzumutbar "
        "inakzeptabel unzufrieden unbezahlbar unmöglich mangel einsam überlastet erschöpft"
    ), -1),
}
#: State words that also carry a direction: a shortage asks for more, "enough" for no more,
#: "unaffordable" for cheaper.
_STATE_DIRECTION: dict[str, int] = {
    **dict.fromkeys(_ws(
        "onvoldoende tekort tekorten insufficient inadequate shortage shortages unzureichend "
        "mangel"
    ), 1),
    **dict.fromkeys(_ws(
        "genoeg voldoende enough sufficient genug ausreichend onbetaalbaar unaffordable "
        "unbezahlbar"
    ), -1),
}
#: Words that count as "more" only when negated: "geen nieuwe verpleeghuizen" = no more of them.
_NEGATED_NEW = frozenset({"nieuw", "nieuwe", "new", "neue", "neuen", "neuer", "extra"})
#: Direction words: +1 more, -1 less.
DIRECTION_WORDS: dict[str, int] = {
    **dict.fromkeys(
        _ws(
        "meer omhoog hoger hogere verhogen verhoogd verhoging stijgen stijgt groter grotere "
        "uitbreiden uitgebreid uitbreiding langer langere duurder beter betere makkelijker "
        "eenvoudiger toenemen toename groeien groeit vergroten vergroot verruimen verruimd "
        "verdubbelen verdubbeld verbeteren verbeterd more increase increased raise raised "
        "higher expand expanded longer grow grows bigger larger better easier mehr erhöhen "
        "erhöht höher höhere steigen steigt ausbauen ausgebaut länger größer besser einfacher"
    ), 1),
    **dict.fromkeys(
        _ws(
        "minder omlaag lager lagere verlagen verlaagd verlaging dalen daalt kleiner kleinere "
        "afbouwen afgebouwd inkrimpen bezuinigen bezuinigd afschaffen afgeschaft korter "
        "kortere goedkoper slechter moeilijker ingewikkelder gratis afnemen afname krimpen "
        "krimpt verkleinen verkleind verminderen verminderd vermindering beperken "
        "inperken halveren gehalveerd verslechteren verslechterd less fewer decrease "
        "decreased reduce reduced cut lower lowered shrink abolish abolished shorter cheaper "
        "smaller worse weniger senken gesenkt sinken niedriger kürzen gekürzt abbauen "
        "abschaffen abgeschafft kürzer billiger günstiger kleiner kleinere schlechter "
        "kostenlos"
    ), -1),
}
#: Words that make a statement a demand or a need (need = +1).
NEED_WORDS = frozenset(_ws(
    "moet moeten moest moesten nodig noodzakelijk verplicht must should need needs needed "
    "necessary muss müssen sollte sollten soll sollen nötig notwendig"
))
#: Verbs that a negation after them turns into "need not", with how far after: Dutch "hoeven"
#: and German "brauchen", "müssen" ("muss nicht" is "need not") anywhere in a verb-second clause,
#: English "need" directly ("need not"; "we need more GPs, not fewer" is a need).
_NO_NEED_VERBS: dict[str, int] = {
    **dict.fromkeys(_ws("hoeft hoeven hoefde hoefden hoef muss müssen braucht brauchen"),
                    NO_NEED_SCOPE),
    **dict.fromkeys(_ws("need needs"), 1),
}
#: Words that a negation before them turns into "need not" ("niet nodig", "not necessary",
#: "does not need", "no need", "nicht nötig").
_NEGATED_NEED = frozenset(_ws("nodig noodzakelijk necessary need needs nötig notwendig"))
#: Words that say "not needed" themselves (session 9: the dictionary opposites of the need words
#: above; "overbodig" also occurs in the fifth held-out set): "need not" unless negated
#: ("niet overbodig" is a need).
UNNEEDED_WORDS = frozenset(_ws(
    "overbodig overbodige onnodig onnodige nodeloos nodeloze unnecessary needless superfluous "
    "überflüssig überflüssige unnötig unnötige"))
#: "meer" after a negation means "any more" (no longer), not "more".
_TEMPORAL_MORE = frozenset({"meer", "more", "mehr"})
#: Every word this module reads (the lexical overlap leaves them out).
POLARITY_WORDS: frozenset[str] = (
    NEGATIONS | INTENSIFIERS | frozenset(SIZE_WORDS) | frozenset(STATE_WORDS)
    | frozenset(DIRECTION_WORDS) | _NEGATED_NEW | NEED_WORDS | frozenset(_NO_NEED_VERBS)
    | UNNEEDED_WORDS
)


class Conflict(IntEnum):
    """How two statements' polarities disagree."""

    NONE = 0
    #: Only an implied state differs: decisive when the texts are otherwise the same.
    WEAK = 1
    #: Stated directions or stated states differ.
    STRONG = 2


@dataclass(frozen=True)
class Polarity:
    """The polarity of one statement."""

    #: +1 fine / -1 problem (-1 if any state word or free negation says so); None when there
    #: is neither.
    state: int | None
    #: Directions asked for: {+1} more, {-1} less, both when the text asks for both; empty when
    #: no direction word.
    direction: frozenset[int]
    #: +1 a demand or need (moet, nodig), -1 "need not" (hoeft niet, niet nodig), None neither.
    need: int | None = None

    @property
    def implied_state(self) -> int:
        """The state, or what the statement implies: a wanted change means a problem."""
        if self.state is not None:
            return self.state
        return -1 if self.direction else 1


def _terms(tokens: list[str]) -> list[tuple[int, int, int]]:
    """(position, state, direction) of each polarity term, "te"+size word as one term."""
    terms: list[tuple[int, int, int]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in INTENSIFIERS and nxt in SIZE_WORDS:
            terms.append((i, -1, -SIZE_WORDS[nxt]))
            i += 2
            continue
        if token in STATE_WORDS:
            terms.append((i, STATE_WORDS[token], _STATE_DIRECTION.get(token, 0)))
        elif token in DIRECTION_WORDS or token in _NEGATED_NEW:
            terms.append((i, 0, DIRECTION_WORDS.get(token, 1)))
        i += 1
    return terms


def _no_need(tokens: list[str], negations: list[int]) -> set[int]:
    """The negations that make the statement a "need not" (used up by it)."""
    used: set[int] = set()
    for i, token in enumerate(tokens):
        if token in _NO_NEED_VERBS:
            after = [n for n in negations if 0 < n - i <= _NO_NEED_VERBS[token]]
            if after:
                used.add(after[0])
            elif i - 1 in negations and token in _NEGATED_NEED:
                used.add(i - 1)  # "does not need"
        if token in _NEGATED_NEED and token not in _NO_NEED_VERBS:
            before = [n for n in negations if 0 < i - n <= NEGATION_SCOPE]
            if before:
                used.add(before[-1])
    return used


def _read_clause(tokens: list[str]) -> tuple[list[int], set[int], bool, bool, bool]:
    """One clause's reading: its states, its directions, whether it has an odd number of free
    negations (a negation attached to no polarity word), says "need not", names a need."""
    all_negations = [i for i, t in enumerate(tokens) if t in NEGATIONS]
    no_need = _no_need(tokens, all_negations)
    # "niet overbodig": a need, the negation used up by it.
    unneeded = [i for i, t in enumerate(tokens) if t in UNNEEDED_WORDS]
    negating_unneeded = {n for n in all_negations for i in unneeded
                         if 0 < i - n <= NEGATION_SCOPE}
    negations = [n for n in all_negations if n not in no_need and n not in negating_unneeded]
    # "niet meer", "geen patiënten meer": no longer. The negation stays, "meer" is dropped.
    tokens = [
        "" if t in _TEMPORAL_MORE and any(0 < i - n <= NEGATION_SCOPE for n in negations) else t
        for i, t in enumerate(tokens)
    ]
    terms = _terms(tokens)
    flips = [1] * len(terms)
    free = 0
    for n in negations:
        target = next((k for k, (pos, _, _) in enumerate(terms)
                       if 0 < pos - n <= NEGATION_SCOPE), None)
        if target is None:
            free += 1
        else:
            flips[target] *= -1
    kept = [(term, f) for term, f in zip(terms, flips, strict=True)
            if not (tokens[term[0]] in _NEGATED_NEW and f == 1)]
    states = [s * f for (_, s, _), f in kept if s]
    directions = {d * f for (_, _, d), f in kept if d}
    needless = bool(unneeded) and not negating_unneeded
    return (states, directions, bool(free % 2), bool(no_need) or needless,
            any(t in NEED_WORDS for t in tokens) or bool(negating_unneeded))


@functools.lru_cache(maxsize=8192)
def polarity(text: str, ignore: frozenset[str] = frozenset()) -> Polarity:
    """Read the state and direction of a statement, clause by clause
    (:func:`engine.lexical.clause_words`): a negation reaches polarity words of its own clause
    only, and free negations cancel in pairs only within a clause ("moeten geen vergoeding
    krijgen, anders is het geen vrijwilligerswerk meer" says no twice, not yes).

    ``ignore``: words read as absent (e.g. the polarity words two statements share, which then
    say nothing about how the two differ).

    >>> polarity("Er zijn te weinig huisartsen")
    Polarity(state=-1, direction=frozenset({1}), need=None)
    >>> polarity("Er zijn niet genoeg huisartsen")
    Polarity(state=-1, direction=frozenset({1}), need=None)
    >>> polarity("Het eigen risico moet omlaag").implied_state
    -1
    >>> polarity("Ik kan me bij de huisarts niet meer inschrijven")
    Polarity(state=-1, direction=frozenset(), need=None)
    >>> polarity("De wijkverpleging hoeft 's avonds niet beschikbaar te zijn").need
    -1
    >>> polarity("Ze moeten geen vergoeding krijgen, anders is het geen vrijwilligerswerk meer")
    Polarity(state=-1, direction=frozenset(), need=1)
    """
    states: list[int] = []
    direction: set[int] = set()
    no_need = need = False
    for clause in clause_words(text):
        tokens = ["" if t in ignore else t for t in clause]
        clause_states, clause_directions, odd_free, clause_no_need, clause_need = (
            _read_clause(tokens))
        states += clause_states + ([-1] if odd_free else [])
        direction |= clause_directions
        no_need |= clause_no_need
        need |= clause_need
    return Polarity(state=min(states) if states else None, direction=frozenset(direction),
                    need=-1 if no_need else 1 if need else None)


def conflict(a: Polarity, b: Polarity) -> Conflict:
    """How the polarities of two statements disagree.

    >>> conflict(polarity("Het eigen risico moet omlaag"), polarity("Het eigen risico is te hoog"))
    <Conflict.NONE: 0>
    >>> conflict(polarity("Het eigen risico moet omlaag"), polarity("Het eigen risico moet omhoog"))
    <Conflict.STRONG: 2>
    >>> conflict(polarity("Ouderen wonen thuis"), polarity("Ouderen wonen niet thuis"))
    <Conflict.WEAK: 1>
    >>> conflict(polarity("Er moet een inloophuis komen"), polarity("Een inloophuis is niet nodig"))
    <Conflict.STRONG: 2>
    """
    if a.direction and b.direction and a.direction != b.direction:
        return Conflict.STRONG
    if {a.need, b.need} == {1, -1}:
        return Conflict.STRONG
    if a.implied_state != b.implied_state:
        return Conflict.STRONG if a.state is not None and b.state is not None else Conflict.WEAK
    return Conflict.WEAK if -1 in (a.need, b.need) and a.need != b.need else Conflict.NONE


def same_reading(a: Polarity, b: Polarity) -> bool:
    """Whether two statements read the same polarity, a demand voiced without a need word
    counting as a demand: the same state and directions, and the same need, except that one
    side may say "must" (need +1) where the other names no modality (None).

    Dutch voices a demand in many ways the need words do not list: an imperative ("Laat een
    zorgbus langs de dorpen gaan"), "hoort ... te" ("Elke buurt hoort een speeltuin te hebben"),
    "dient ... te", or a plain statement of how it should be ("krijgt pas een contract als ...").
    None of these names the opposite of "moet" (:func:`conflict` never reads None against +1 as
    a conflict either); "need not" (-1) against None or +1 still differs. Session 17 (flag17p):
    the long-statement exception of the duplicate flag compared the full readings, so "hoort
    ... te" against "moet" stopped 13 long paraphrases of the 31 Dutch development sets.

    Limits: "hoort" also means "hears" or "belongs" ("hoort niet op de opvang"); that does not
    matter here, as only a missing need word is forgiven, not a word read as one.

    >>> same_reading(polarity("Elke buurt hoort een speeltuin te hebben"),
    ...              polarity("Elke buurt moet een speeltuin hebben"))
    True
    >>> same_reading(polarity("Elke buurt hoeft geen speeltuin te hebben"),
    ...              polarity("Elke buurt heeft een speeltuin"))
    False
    """
    return (a.state == b.state and a.direction == b.direction
            and (a.need == b.need or {a.need, b.need} == {None, 1}))


#: Polarity words that never count as shared (:func:`shared_polarity_words`): a negation's, a
#: "te"'s and a size word's meaning depends on the word they attach to ("te lang" / "lang").
_NEVER_SHARED = (NEGATIONS | INTENSIFIERS | frozenset(SIZE_WORDS)) - frozenset(
    STATE_WORDS) - frozenset(DIRECTION_WORDS)


@functools.lru_cache(maxsize=8192)
def _polarity_stems(text: str, language: str) -> dict[str, str]:
    """The shareable polarity words of ``text`` with their stems (cached: a statement is
    compared with every existing one)."""
    stem = _stemmer(language).stemWord
    return {w: stem(w) for w in words(text) if w in POLARITY_WORDS and w not in _NEVER_SHARED}


def shared_polarity_words(a: str, b: str) -> tuple[frozenset[str], frozenset[str]]:
    """The polarity words (state, direction, need; not negations, "te" or size words) of ``a``
    and of ``b`` whose stem the other text also has as a polarity word: topic words both statements
    use ("eenzame mensen", "lagere") that say nothing about how the two differ.

    >>> shared_polarity_words("Huisartsen moeten met een lagere huur gelokt worden",
    ...                       "Een lager huur is niet genoeg om huisartsen te lokken")
    (frozenset({'lagere'}), frozenset({'lager'}))
    """
    language = detect_language(a)
    pa, pb = _polarity_stems(a, language), _polarity_stems(b, language)
    common = set(pa.values()) & set(pb.values())
    return (frozenset(w for w, s in pa.items() if s in common),
            frozenset(w for w, s in pb.items() if s in common))


def unshared_conflict(a: str, b: str) -> Conflict:
    """How two statements' polarities disagree once the polarity words they share are read as
    absent (:func:`shared_polarity_words`).

    A shared topic word can mask the difference: "Vrijwilligers die eenzame mensen bezoeken,
    verdienen een vergoeding" is a "problem" statement through "eenzame" alone, and so agrees
    with the free negation of "... moeten geen vergoeding krijgen"; without "eenzame" the two
    differ (a weak conflict). Only ever adds to :func:`conflict` in
    :func:`engine.duplicates.claim_conflict`.

    >>> seed = "Vrijwilligers die eenzame mensen bezoeken, verdienen een vergoeding"
    >>> new = "Vrijwilligers die eenzame mensen bezoeken, moeten geen vergoeding krijgen"
    >>> conflict(polarity(seed), polarity(new)), unshared_conflict(seed, new)
    (<Conflict.NONE: 0>, <Conflict.WEAK: 1>)
    """
    ignore_a, ignore_b = shared_polarity_words(a, b)
    if not ignore_a:
        return conflict(polarity(a), polarity(b))
    return conflict(polarity(a, ignore_a), polarity(b, ignore_b))


@functools.lru_cache(maxsize=8192)
def directed_words(text: str) -> dict[str, frozenset[int]]:
    """The directions asked for each content word: a direction word (or "te" + size word, read
    as in :func:`polarity`, a negation within :data:`NEGATION_SCOPE` flipping it) applies to the
    next content word of its clause (Snowball stem; stop and polarity words skipped).

    >>> directed_words("Er moeten meer huisartsen en minder managers komen")
    {'huisarts': frozenset({1}), 'manager': frozenset({-1})}
    """
    language = detect_language(text)
    stem = _stemmer(language).stemWord
    out: dict[str, set[int]] = {}
    for clause in clause_words(text, language):
        tokens = list(clause)
        negations = [i for i, t in enumerate(tokens) if t in NEGATIONS]
        i = 0
        while i < len(tokens):
            token, width, direction = tokens[i], 1, 0
            negated = any(0 < i - n <= NEGATION_SCOPE for n in negations)
            if token in INTENSIFIERS and i + 1 < len(tokens) and tokens[i + 1] in SIZE_WORDS:
                direction, width = -SIZE_WORDS[tokens[i + 1]], 2
            elif token in DIRECTION_WORDS and not (token in _TEMPORAL_MORE and negated):
                direction = DIRECTION_WORDS[token]
            if direction:
                target = next((t for t in tokens[i + width:]
                               if is_content_word(t, POLARITY_WORDS)), None)
                if target is not None:
                    out.setdefault(stem(target), set()).add(-direction if negated else direction)
            i += width
    return {word: frozenset(directions) for word, directions in out.items()}


def swapped_directions(a: str, b: str) -> bool:
    """Whether a content word both statements name gets more in one and less in the other
    (:func:`directed_words`, one direction on each side).

    :func:`polarity` reads the directions of a whole statement, so "meer zzp'ers en minder
    vaste banen" and "minder zzp'ers en meer vaste banen" both ask for more and for less and do
    not conflict; read word by word they swap.

    >>> swapped_directions("Er moeten meer huisartsen en minder managers komen",
    ...                    "Er moeten minder huisartsen en meer managers komen")
    True
    >>> swapped_directions("Er moeten meer huisartsen komen", "Er zijn te weinig huisartsen")
    False
    """
    da, db = directed_words(a), directed_words(b)
    return any(len(da[w]) == 1 and len(db[w]) == 1 and da[w] != db[w] for w in da.keys() & db)


#: Words a negation can reach besides content words: the state and direction words.
_REACHABLE = frozenset(STATE_WORDS) | frozenset(DIRECTION_WORDS) | _NEGATED_NEW
#: Negations that are determiners: they negate their whole noun phrase, read (without a parser)
#: as the rest of the clause ("geen voorrang krijgen op een woning" negates the woning too).
DETERMINER_NEGATIONS = frozenset(_ws("geen no kein keine keinen keinem keiner keines"))


@functools.lru_cache(maxsize=8192)
def negated_words(text: str) -> tuple[frozenset[str], frozenset[str], int]:
    """The stems a negation reaches, the stems said plainly (content, state and direction
    words no negation reaches), and the number of negation words.

    A negation reaches the first state or direction word within :data:`NEGATION_SCOPE` words
    after it (as in :func:`polarity`: "niet overbelast", "niet genoeg"), else the first content
    word there ("niet vaak"); a determiner ("geen", :data:`DETERMINER_NEGATIONS`) reaches every
    content, state and direction word after it in its clause ("geen voorrang krijgen op een
    woning"); one used up by "need not" ("hoeft niet") reaches nothing.

    >>> reached, plain, count = negated_words("Mantelzorgers raken niet overbelast")
    >>> sorted(reached), sorted(plain), count
    (['overbelast'], ['mantelzorger', 'raak'], 1)
    """
    language = detect_language(text)
    stem = _stemmer(language).stemWord
    reached: set[str] = set()
    plain: set[str] = set()
    count = 0
    for clause in clause_words(text, language):
        tokens = list(clause)
        negations = [i for i, t in enumerate(tokens) if t in NEGATIONS]
        count += len(negations)
        used = _no_need(tokens, negations)
        hit: set[int] = set()
        for n in negations:
            if n in used:
                continue
            if tokens[n] in DETERMINER_NEGATIONS:
                phrase = [i for i in range(n + 1, len(tokens))
                          if is_content_word(tokens[i], POLARITY_WORDS) or tokens[i] in _REACHABLE]
                hit.update(phrase)
                reached.update(stem(tokens[i]) for i in phrase)
                continue
            window = range(n + 1, min(n + 1 + NEGATION_SCOPE, len(tokens)))
            k = next((i for i in window if tokens[i] in _REACHABLE or (
                tokens[i] in INTENSIFIERS and i + 1 < len(tokens)
                and tokens[i + 1] in SIZE_WORDS)), None)
            if k is None:
                k = next((i for i in window if is_content_word(tokens[i], POLARITY_WORDS)), None)
            if k is not None:
                k += int(tokens[k] in INTENSIFIERS)
                hit.add(k)
                reached.add(stem(tokens[k]))
        plain.update(stem(t) for i, t in enumerate(tokens) if i not in hit and (
            is_content_word(t, POLARITY_WORDS) or t in _REACHABLE or t in SIZE_WORDS))
    return frozenset(reached), frozenset(plain), count


def negation_added(a: str, b: str) -> bool:
    """Whether one statement has more negation words than the other and one of them reaches a
    word the other says plainly and never negates (:func:`negated_words`): "moeten geen extra
    eigen bijdrage betalen" against "moeten een extra eigen bijdrage betalen", "raken ook niet
    overbelast" against "raken overbelast".

    :func:`polarity` sums a statement up in one state, so a second negation or a shared
    negation word ("zonder verwijzing" in both) can hide the one that differs. Free paraphrases
    negate one thing where the other names its opposite ("niet genoeg" / "te weinig"), so the
    caller asks for this only when the two are largely one sentence
    (:func:`engine.details.negation_in_frame`).

    >>> negation_added("Mantelzorgers raken niet overbelast", "Mantelzorgers raken overbelast")
    True
    >>> negation_added("Er zijn niet genoeg huisartsen", "Er zijn te weinig huisartsen")
    False
    """
    reached_a, plain_a, count_a = negated_words(a)
    reached_b, plain_b, count_b = negated_words(b)
    if count_a == count_b:
        return False
    return (any(w in plain_b and w not in reached_b for w in reached_a)
            or any(w in plain_a and w not in reached_a for w in reached_b))


@functools.lru_cache(maxsize=8192)
def _excess_and_denied(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The size words (:data:`SIZE_WORDS`) a statement says there is too much of ("te lang",
    "veel te duur"; not "niet te lang") and those it negates without "te" ("helemaal niet lang",
    a negation within :data:`NEGATION_SCOPE` words before the word), clause by clause."""
    excess: set[str] = set()
    denied: set[str] = set()
    for clause in clause_words(text):
        for i, token in enumerate(clause):
            if token not in SIZE_WORDS:
                continue
            intensified = i > 0 and clause[i - 1] in INTENSIFIERS
            head = i - 1 if intensified else i
            negated = any(t in NEGATIONS for t in clause[max(0, head - NEGATION_SCOPE):head])
            if intensified and not negated:
                excess.add(token)
            elif negated and not intensified:
                denied.add(token)
    return frozenset(excess), frozenset(denied)


def excess_denied(a: str, b: str) -> bool:
    """Whether one statement says there is too much of a size word ("te lang", "te duur") and
    the other negates the same word ("niet lang", "helemaal niet duur"): a claim and its
    denial. :func:`polarity` reads a negation with no state or direction word in reach as a
    problem, like "te lang", so the two do not conflict there (session 14).

    >>> excess_denied("Kinderen staan veel te lang op de wachtlijst.",
    ...               "Kinderen staan helemaal niet lang op de wachtlijst.")
    True
    >>> excess_denied("Kinderen staan veel te lang op de wachtlijst.",
    ...               "De wachtlijst is niet te lang.")
    False
    """
    excess_a, denied_a = _excess_and_denied(a)
    excess_b, denied_b = _excess_and_denied(b)
    return bool(excess_a & denied_b) or bool(excess_b & denied_a)


#: Content stems two clauses share before they are compared on their own: their states
#: (:func:`clause_states_reversed`) or a negation one adds
#: (:func:`engine.details.negation_in_frame`).
CLAUSE_SHARED = 2


def _plain_state(clause: tuple[str, ...]) -> int | None:
    """The one state a clause names with a state word (:data:`STATE_WORDS`: +1 fine, -1 a
    problem), or None: no state word, states of both signs, a state word after "te" ("te
    makkelijk" is a problem), or a negation anywhere in the clause (its reach is
    :func:`polarity`'s business). "te" + a size word is left out: "te weinig" against
    "genoeg" is a problem against its remedy, not a reversal."""
    if any(t in NEGATIONS for t in clause):
        return None
    signs = {STATE_WORDS[t] for i, t in enumerate(clause)
             if t in STATE_WORDS and (i == 0 or clause[i - 1] not in INTENSIFIERS)}
    return signs.pop() if len(signs) == 1 else None


@functools.lru_cache(maxsize=8192)
def clause_states_reversed(a: str, b: str) -> bool:
    """Whether a clause of one statement says fine where a clause of the other, sharing at
    least :data:`CLAUSE_SHARED` content stems (polarity words left out), says a problem,
    both plainly (:func:`_plain_state`: one state word each, no negation in either clause):
    "omwonenden slapen prima" / "omwonenden slapen slecht". :func:`polarity` sums a statement's
    clauses into one state, a problem as soon as one clause says so, so "slapen prima, dat
    gezoem hoor je niet eens" (a free negation in the second clause) reads as a problem and
    agrees with "slapen slecht" (session 18, flag17r).

    >>> clause_states_reversed("Omwonenden van windmolens slapen prima, je hoort ze niet eens.",
    ...                        "Omwonenden van windmolens slapen slecht door het geluid.")
    True
    >>> clause_states_reversed("Omwonenden van windmolens slapen slecht.",
    ...                        "Omwonenden van windmolens slapen niet goed.")
    False
    """
    language = detect_language(a)
    stem = _stemmer(language).stemWord

    def read(text: str) -> list[tuple[frozenset[str], int]]:
        out = []
        for clause in clause_words(text, language):
            state = _plain_state(clause)
            if state is not None:
                out.append((frozenset(stem(t) for t in clause
                                      if is_content_word(t, POLARITY_WORDS)), state))
        return out

    return any(len(stems_a & stems_b) >= CLAUSE_SHARED and state_a != state_b
               for stems_a, state_a in read(a) for stems_b, state_b in read(b))

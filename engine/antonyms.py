"""Antonym pairs that flip a claim without a negation word (Dutch, English, German).

:mod:`engine.polarity` reads "more/less", "fine/problem" and "must/need not"; many opposite claims
use other pairs: "altijd dezelfde medewerker" answers "steeds andere gezichten", "de
spoedeisende hulp moet open blijven" answers "... kan dicht". Two statements **disagree on an
antonym** (:func:`antonym_conflict`) when one uses a word of a pair below and the other the
opposite word, and neither uses both (a text using both contrasts them itself).

Besides antonyms proper the list holds **reversal verbs**, which flip a claim while every other
word stays ("De supermarkt moet blijven" / "... moet verdwijnen", "het eigen risico moet blijven
bestaan" / "... moet worden afgeschaft", "invoeren" / "afschaffen", "zelf ophalen" /
"thuisbezorgen", "voor iedereen dezelfde bijdrage" / "afhankelijk van het inkomen"), and common
**civic reversals** (session 8, dup17e): steunen / zich verzetten tegen, centraal / dichtbij /
lokaal, online / digitaal against persoonlijk / aan het loket, automatisch / met toestemming,
openbaar / besloten, duur / goedkoop, jong / oud, tijdelijk / permanent, collectief /
individueel. The more/less verbs (uitbreiden / afbouwen, verhogen / verlagen, stijgen / dalen,
toenemen / afnemen) are direction words of :mod:`engine.polarity`. A **negating prefix** makes a
word its own opposite: "onveilig" / "veilig", "ontoegankelijk" / "toegankelijk", "unsafe" /
"safe" (only when one text has the prefixed word: "niet veilig" against "veilig" is a plain
negation, which :mod:`engine.polarity` weighs).

Words match by form or by Snowball stem of the statement's language (:mod:`engine.lexical`), so
"verbiedt", "verbieden" and "verbied" meet; a stem shorter than :data:`MIN_STEM` letters matches
by form only (the Dutch stemmer makes "gelijk" into "lijk", as it makes "lijken"). A few fixed
phrases are read as one word first ("dicht bij" and "vlak bij" are near, not closed or flat;
"openbaar vervoer" is transport).

Who pays (session 11, :func:`payer_reversal`): a statement that has people pay themselves ("zelf
betalen", "zichzelf bekostigen") reverses one that has the cost covered ("vergoed", "subsidie",
"gratis"), though neither has a word of a pair above.

Who acts (session 18, :func:`actor_withdrawn`): an actor that stays out in one statement ("de
gemeente moet daar buiten blijven") and is the subject of a claim in the other ("de gemeente moet
een deel betalen"). "op slot" is read as closed, the opposite of "open".

Two stances (session 20, flag17t), categories rather than word pairs, Dutch only
(:data:`STANCE_LANGUAGES`): **who decides** (:func:`choice_left`), a matter left to the person
("scholieren moeten zelf bepalen hoeveel uur ze werken", "eigen keuze", "vrijwillig") against a
statement that never speaks of the person's own part or choice ("mogen max 12 uur per week
werken", "moet automatisch geregeld worden"); and **the current state endorsed**
(:func:`status_quo_endorsed`), "dat kan zo blijven", "het is terecht dat ...", "prima zo"
against a statement that never speaks of keeping anything or of a state being fine ("moet
lager", "wordt bijna nooit vergoed, terwijl ..."). Each asks a named phrase of one side and only
the absence of a whole family of words of the other, so that a paraphrase, which keeps the
stance in some word, is not refused.

A text naming **both sides** of a reversal ("Medicijnen moet je zelf ophalen; thuisbezorgen is te
duur") takes one side against the other: it conflicts with a text naming one side, unless that
text names both too. For the contrast pairs (:data:`CONTRASTS`: dezelfde / andere, gelijk /
afhankelijk) and prefix pairs, a text naming both sides contrasts them itself and conflicts with
neither.

Limits: a pair only counts when both words are about the same thing, which this check cannot
see ("dezelfde huisarts, andere tijden" against "andere huisarts"; "blijven wonen" against "de
bus verdwijnt"; "jonge mantelzorgers" against "oude woningen"): it is one piece of evidence for
the near-duplicate flag, which it blocks, never a verdict, and a wrong block costs a flag, not a
suggestion. Reversals outside the list (an actor swapped: "de gemeente betaalt" / "mensen
betalen zelf") are not seen; a negation
flips a word only within :data:`engine.polarity.NEGATION_SCOPE` words before it. The lexicon was
built from the brief's civic pairs and the development sets (training pairs, held-out sets
1-4), not from the fifth held-out set.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from .lexical import _stemmer, clause_words, detect_language, is_content_word, words
from .polarity import NEGATION_SCOPE, NEGATIONS

__all__ = ["ANTONYMS", "CHOICE_PAIRS", "CHOICE_WORDS", "CONTRASTS", "COVERED_WORDS",
           "DECISION_WORDS", "MIN_PREFIX_REST", "MIN_STEM", "NEGATING_PREFIXES", "PAY_WORDS",
           "SELF_WORDS", "STANCE_LANGUAGES", "WITHDRAWAL_PHRASES", "actor_withdrawn",
           "antonym_conflict", "choice_left", "endorses_current_state", "leaves_choice",
           "payer_reversal", "pays_self", "status_quo_endorsed"]

#: Shortest stem that matches by stem; shorter ones match by word form only.
MIN_STEM = 5


def _pairs(spec: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """``"a1 a2 / b1 b2; ..."``: word forms of one side, slash, those of the other (a leading
    ``~`` marks a pair of :data:`CONTRASTS`, dropped here)."""
    out = []
    for pair in spec.split(";"):
        left, _, right = pair.strip().lstrip("~").partition("/")
        out.append((frozenset(left.split()), frozenset(right.split())))
    return tuple(out)


def _contrasts(spec: str) -> frozenset[int]:
    return frozenset(i for i, pair in enumerate(spec.split(";")) if pair.strip().startswith("~"))


#: Each entry: the word forms of one side, a slash, those of the opposite side; entries are
#: separated by semicolons, and a leading ``~`` marks a pair of :data:`CONTRASTS`.
_SPEC = (
    # Dutch
    "~dezelfde hetzelfde / andere ander;"
    "vaste / wisselende wisselend;"
    "open openen openblijven openhouden geopend / dicht sluiten gesloten sluit dichtgaan sluiting "
    "opslot;"
    "vroeg vroeger vroegtijdig / laat later;"
    "dichtbij dichterbij nabij vlakbij / ver verweg;"
    "verplicht verplichte verplichten / vrijwillig vrijwillige;"
    "toestaan toegestaan / verbieden verboden;"
    "behouden behoud handhaven gehandhaafd blijven blijft / verdwijnen verdwijnt verdwenen "
    "schrappen geschrapt opheffen opgeheven afschaffen afgeschaft;"
    "invoeren ingevoerd invoering / afschaffen afgeschaft afschaffing;"
    "ophalen afhalen opgehaald / bezorgen bezorgd thuisbezorgen thuisbezorgd bezorging;"
    "~afhangen afhankelijk inkomensafhankelijk / dezelfde hetzelfde gelijk gelijke;"
    "veilig veilige / onveilig onveilige gevaarlijk gevaarlijke;"
    "snel sneller / traag trager langzaam langzamer;"
    "samen gezamenlijk gezamenlijke / apart afzonderlijk afzonderlijke;"
    "zelfstandig zelfstandige / afhankelijk afhankelijke;"
    "voorstander / tegenstander;"
    "eens / oneens;"
    "steunen steunt gesteund voorstander voorstanders / verzetten verzet tegenhouden "
    "tegenwerken tegenstander tegenstanders;"
    "centraal centrale centraliseren gecentraliseerd / dichtbij nabij lokaal lokale "
    "decentraal decentrale kleinschalig kleinschalige;"
    "grootschalig grootschalige / kleinschalig kleinschalige;"
    "online digitaal digitale internet / persoonlijk persoonlijke fysiek fysieke loket "
    "balie;"
    "automatisch automatische / toestemming;"
    "openbaar openbare / privé besloten;"
    "duur dure / goedkoop goedkope;"
    "jong jonge / oud oude;"
    "tijdelijk tijdelijke / permanent permanente structureel structurele;"
    "collectief collectieve / individueel individuele;"
    # English
    "~same / different;"
    "support supports supported / oppose opposes opposed;"
    "central centralised centralized / local;"
    "online digital / person;"
    "automatic automatically / consent permission;"
    "public / private;"
    "expensive / cheap;"
    "temporary / permanent;"
    "fixed regular / changing;"
    "open opened / closed close shut;"
    "early sooner / late later;"
    "near nearby closer / far;"
    "compulsory mandatory / voluntary optional;"
    "allow allowed permitted / ban banned forbidden prohibited;"
    "keep kept stay stays remain / scrap scrapped disappear abolish abolished;"
    "introduce introduced / abolish abolished;"
    "safe / unsafe dangerous;"
    "agree / disagree;"
    # German
    "~gleiche gleichen derselbe dieselbe / andere anderen;"
    "unterstützen unterstützt / ablehnen lehnt;"
    "zentral zentrale / wohnortnah lokal lokale;"
    "automatisch / zustimmung einwilligung;"
    "öffentlich öffentliche / privat private;"
    "teuer teure / billig günstig;"
    "feste fester / wechselnde wechselnder;"
    "offen geöffnet öffnen / geschlossen schließen;"
    "früh frühzeitig / spät später;"
    "nah nahe näher / weit;"
    "verpflichtend / freiwillig;"
    "erlauben erlaubt / verbieten verboten;"
    "behalten bleiben bleibt / streichen abschaffen abgeschafft verschwinden;"
    "einführen eingeführt / abschaffen abgeschafft;"
    "sicher / unsicher gefährlich;"
    # Session 9 (dup17f): general opposites of continuation, acceptance and use, from a
    # textbook list of Dutch opposites (tegenstellingen), with their English and German forms;
    # added as vocabulary classes, not read from a held-out set ("stoppen" also occurs in the
    # fifth one: benchmarks/RESULTS.md gives its figures with and without these pairs).
    "doorgaan voortzetten voortgezet continueren blijven blijft / stoppen stopt gestopt "
    "ophouden beëindigen beëindigd staken;"
    "beginnen begint starten / stoppen stopt gestopt ophouden beëindigen beëindigd;"
    "accepteren geaccepteerd goedkeuren goedgekeurd toelaten toegelaten / weigeren geweigerd "
    "afwijzen afgewezen afkeuren afgekeurd;"
    "nuttig nuttige zinvol zinvolle / nutteloos nutteloze zinloos zinloze;"
    "continue continued / stop stopped end ended;"
    "accept accepted approve approved / refuse refused reject rejected;"
    "useful worthwhile / useless pointless;"
    "weitermachen fortsetzen / aufhören beenden stoppen;"
    "annehmen genehmigen genehmigt / ablehnen verweigern;"
    "sinnvoll nützlich / sinnlos nutzlos"
)
#: Session 14 (flag17m): more general Dutch opposites of policy statements, written from general
#: knowledge of the language (a textbook list of tegenstellingen and the common civic choices),
#: not from a held-out set; their reach on every labelled and held-out pair is in
#: benchmarks/RESULTS.md ("Session 14, flag17m"). Closing against keeping or staying ("kan
#: dicht" / "moet blijven"), running on or extending against stopping, sooner ("eerder"), a
#: ban, mixed against apart, non-committal against compulsory, national against local, paper
#: against online, secret against public, one-off against permanent, and new pairs.
_SPEC_SESSION_14 = (
    "behouden behoud handhaven gehandhaafd blijven blijft openhouden openblijven / dicht "
    "dichtgaan sluiten sluit gesloten sluiting;"
    "doorgaan voortzetten continueren blijven blijft doorlopen doorloopt verlengen verlengd / "
    "stoppen stopt gestopt ophouden beëindigen beëindigd staken;"
    "vroeg vroeger vroegtijdig eerder / laat later;"
    "toestaan toegestaan / verbod;"
    "samen gezamenlijk gezamenlijke gemengd gemengde / apart afzonderlijk afzonderlijke;"
    "verplicht verplichte verplichten / vrijblijvend vrijblijvende;"
    "centraal centrale nationaal nationale / lokaal lokale decentraal decentrale;"
    "online digitaal digitale / papier papieren;"
    "openbaar openbare / geheim geheime;"
    "tijdelijk tijdelijke eenmalig eenmalige / permanent permanente structureel structurele;"
    "vooraf / achteraf;"
    "streng strenge strenger strengere aanscherpen aangescherpt verscherpen / soepel soepele "
    "soepeler versoepelen versoepeld;"
    "bouwen bijbouwen gebouwd nieuwbouw / slopen gesloopt afbreken;"
    "belonen beloond beloning / straffen gestraft bestraffen beboeten boete;"
    "aanmoedigen aangemoedigd stimuleren gestimuleerd / ontmoedigen ontmoedigd;"
    "huren huur huurwoning huurwoningen / kopen koop koopwoning koopwoningen;"
    "voltijd fulltime / deeltijd parttime;"
    "legaal legale legaliseren gelegaliseerd / illegaal illegale;"
    "aannemen aangenomen / ontslaan ontslagen;"
    "arm arme / rijk rijke;"
    "publiek publieke / commercieel commerciële"
)
_ALL_SPEC = _SPEC + ";" + _SPEC_SESSION_14
#: Each entry: the word forms of one side and of the opposite side.
ANTONYMS = _pairs(_ALL_SPEC)
#: Pairs whose two sides one statement often names together without reversing anything
#: ("dezelfde huisarts, andere tijden"): a text naming both sides of one of these contrasts
#: them itself and conflicts with neither side. For every other pair (the reversals), a text
#: naming both sides ("zelf ophalen; thuisbezorgen is te duur") takes one of them against the
#: other and conflicts with a text naming only one, unless that text names both too.
CONTRASTS = _contrasts(_ALL_SPEC)
#: Fixed phrases read as one word before matching ("dicht bij" is near, not closed;
#: "openbaar vervoer" is transport, not public against private).
_PHRASES = (("dicht bij", "dichtbij"), ("dichter bij", "dichterbij"), ("vlak bij", "vlakbij"),
            ("openbaar vervoer", "ov"), ("in person", "inperson"), ("op slot", "opslot"))
#: Prefixes that make a word its own opposite ("onveilig", "ontoegankelijk", "unsafe"),
#: with the shortest rest that counts.
NEGATING_PREFIXES = ("on", "un")
MIN_PREFIX_REST = 5


@functools.lru_cache(maxsize=4)
def _stemmed(language: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """:data:`ANTONYMS` with each side's forms replaced by their stems of ``MIN_STEM`` letters
    or more (stemmed with ``language``'s stemmer)."""
    stem = _stemmer(language).stemWord

    def stems(forms: frozenset[str]) -> frozenset[str]:
        return frozenset(s for s in map(stem, forms) if len(s) >= MIN_STEM)

    return tuple((stems(left), stems(right)) for left, right in ANTONYMS)


@functools.lru_cache(maxsize=8192)
def _sides(text: str) -> frozenset[tuple[str, int]]:
    """(pair, side) of each antonym word in ``text``; a negation up to
    :data:`engine.polarity.NEGATION_SCOPE` words before it flips the side ("niet dicht" = open).

    A pair is an index of :data:`ANTONYMS` as text, or ``"on:" + stem`` for a word and the
    same word with a negating prefix ("veilig" side 0, "onveilig" side 1); such a pair counts
    only when one of the two texts has the prefixed word (``"prefixed:" + stem``), so a plain
    negation ("niet nodig" / "nodig") stays :mod:`engine.polarity`'s business.
    """
    lowered = text.lower()
    for phrase, word in _PHRASES:
        lowered = lowered.replace(phrase, word)
    tokens = words(lowered)
    language = detect_language(text)
    stem = _stemmer(language).stemWord
    stemmed = _stemmed(language)
    negations = [i for i, t in enumerate(tokens) if t in NEGATIONS]
    found = set()
    for position, token in enumerate(tokens):
        negated = any(0 < position - n <= NEGATION_SCOPE for n in negations)
        # Dutch present tense adds -t to the stem the stemmer leaves ("verbiedt" / "verbied").
        token_stems = {stem(token), stem(token[:-1])} if token.endswith("t") else {stem(token)}
        for i, pair in enumerate(ANTONYMS):
            for side in (0, 1):
                if token in pair[side] or token_stems & stemmed[i][side]:
                    found.add((str(i), side ^ negated))
        if token in NEGATIONS:
            continue
        prefix = next((p for p in NEGATING_PREFIXES
                       if token.startswith(p) and len(token) - len(p) >= MIN_PREFIX_REST), None)
        if prefix is not None:
            rest = stem(token[len(prefix):])
            found.add((f"on:{rest}", 1 ^ negated))
            found.add((f"prefixed:{rest}", 0))
        if len(token) >= MIN_PREFIX_REST:
            found.add((f"on:{stem(token)}", int(negated)))
    return frozenset(found)


def antonym_conflict(a: str, b: str) -> bool:
    """Whether one statement uses a word whose antonym the other uses (and neither uses both).

    >>> antonym_conflict("Er komen steeds andere gezichten van de thuiszorg",
    ...                  "Bij de thuiszorg komt altijd dezelfde medewerker")
    True
    >>> antonym_conflict("De spoedeisende hulp moet open blijven",
    ...                  "De spoedeisende hulp mag niet dicht")
    False
    >>> antonym_conflict("De supermarkt in het dorp moet blijven",
    ...                  "De supermarkt in het dorp mag verdwijnen")
    True
    >>> antonym_conflict("Roken op terrassen wordt verboden",
    ...                  "De gemeente verbiedt roken op terrassen")
    False
    """
    sa, sb = _sides(a), _sides(b)
    for pair, side in sa:
        if (pair, 1 - side) not in sb or pair.startswith("prefixed:"):
            continue
        if pair.startswith("on:"):
            marker = ("prefixed:" + pair[3:], 0)
            if marker not in sa and marker not in sb:
                continue
        both_a, both_b = (pair, 1 - side) in sa, (pair, side) in sb
        if both_a and both_b:
            continue  # each names both sides: no reversal between them
        if (both_a or both_b) and (pair.startswith("on:") or int(pair) in CONTRASTS):
            continue  # one contrasts the two sides itself
        return True
    return False


#: Who pays (session 11, dup17j): the person paying themselves against someone else covering the
#: cost, a reversal by actor that keeps every other word. Words that name the person themself,
#: paying verbs, and words that say the cost is covered (reimbursed, subsidised, free).
def _forms(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


SELF_WORDS = _forms("zelf zichzelf themselves themself yourself oneself selbst selber")
PAY_WORDS = _forms(
    "betalen betaalt betaal betaald bekostigen bekostigt financieren financiert pay pays paid "
    "fund funds zahlen zahlt bezahlen bezahlt finanzieren finanziert")
COVERED_WORDS = _forms(
    "vergoed vergoeden vergoedt vergoeding vergoedingen subsidie subsidies gesubsidieerd "
    "subsidiëren gratis kosteloos reimbursed reimburse reimbursement covered subsidy "
    "subsidised subsidized free erstattet erstatten erstattung zuschuss bezuschusst "
    "kostenlos")
#: Words on either side of a paying verb within which a self word makes it self-paying.
_PAYER_REACH = 3


@functools.lru_cache(maxsize=8192)
def pays_self(text: str) -> bool:
    """Whether the statement has someone pay themselves: a word of :data:`SELF_WORDS` within
    :data:`_PAYER_REACH` words of a paying verb (:data:`PAY_WORDS`): "moeten het zelf
    betalen", "betaalt de patiënt zelf", "zichzelf bekostigen".

    >>> pays_self("Een bril moeten mensen zelf betalen."), pays_self("De gemeente betaalt.")
    (True, False)
    """
    tokens = words(text)
    return any(t in SELF_WORDS and any(u in PAY_WORDS for u in
                                       tokens[max(0, i - _PAYER_REACH):i + _PAYER_REACH + 1])
               for i, t in enumerate(tokens))


def payer_reversal(a: str, b: str) -> bool:
    """Whether one statement has people pay themselves (:func:`pays_self`) and the other, which
    does not, says the cost is covered (:data:`COVERED_WORDS`: vergoed, subsidie, gratis), a word
    the first does not use: "De fysiotherapie moeten mensen zelf betalen" against "De
    fysiotherapie moet vergoed worden". The encoder and the word checks see the same subject
    and the same kind of claim; only the payer differs.

    Measured (session 11): true for none of the labelled pairs (benchmarks/data/pairs_nl.txt,
    pairs_de.txt, the first release's) and, among the held-out conversations' statements
    against their own seed, for three opposites only (sets 5, 11 and 12).

    >>> payer_reversal("De fysiotherapie moeten mensen zelf betalen.",
    ...                "De fysiotherapie moet vergoed worden.")
    True
    >>> payer_reversal("De fysiotherapie moeten mensen zelf betalen.",
    ...                "Mensen moeten de fysiotherapie uit eigen zak betalen.")
    False
    """
    for one, other in ((a, b), (b, a)):
        if (pays_self(one) and not pays_self(other)
                and COVERED_WORDS.intersection(words(other))
                and not COVERED_WORDS.intersection(words(one))):
            return True
    return False


#: Who acts (session 18, flag17r): phrases that take the subject of their clause out of the
#: matter ("de gemeente moet daar buiten blijven", "moet zich er afzijdig houden"), general
#: Dutch idioms of staying out, not read from a held-out line.
WITHDRAWAL_PHRASES = ("buiten blijven", "buiten houden", "erbuiten", "afzijdig",
                      "terugtrekken", "niets mee te maken", "niks mee te maken",
                      "niet mee bemoeien", "stay out", "keep out", "heraushalten",
                      "raushalten")
#: Modal and auxiliary verbs after a clause's subject: "X moet", "X mag", "X hoeft".
_MODALS = _forms(
    "moet moeten mag mogen hoeft hoeven kan kunnen zou zouden gaat gaan must should may can "
    "muss müssen soll sollen darf dürfen kann können")


@functools.lru_cache(maxsize=8192)
def _actors(text: str) -> tuple[tuple[frozenset[str], bool], ...]:
    """Per clause with a modal verb after its first word: the content stems before the modal
    (the subject: "de gemeente moet ...") and whether the clause withdraws it
    (:data:`WITHDRAWAL_PHRASES`)."""
    language = detect_language(text)
    stem = _stemmer(language).stemWord
    out = []
    for clause in clause_words(text, language):
        modal = next((i for i, t in enumerate(clause) if t in _MODALS), None)
        if not modal:
            continue
        subject = frozenset(stem(t) for t in clause[:modal] if is_content_word(t))
        if subject:
            joined = " ".join(clause)
            out.append((subject, any(p in joined for p in WITHDRAWAL_PHRASES)))
    return tuple(out)


def actor_withdrawn(a: str, b: str) -> bool:
    """Whether one statement has an actor stay out of the matter (the subject of a clause with
    a phrase of :data:`WITHDRAWAL_PHRASES`) whom the other has act (the subject of a clause
    with a modal verb and no such phrase), and the other never withdraws it: "de kosten zijn
    voor de familie zelf, de gemeente moet daar buiten blijven" against "de gemeente moet een
    deel van de kosten betalen". A reversal by actor that :func:`payer_reversal` does not see
    (no "zelf betalen", no "vergoed").

    >>> actor_withdrawn("De kosten zijn voor de familie, de gemeente moet erbuiten blijven.",
    ...                 "De gemeente moet een deel van de kosten betalen.")
    True
    >>> actor_withdrawn("De gemeente moet zich erbuiten houden.",
    ...                 "De gemeente moet zich er niet mee bemoeien.")
    False
    """
    actors_a, actors_b = _actors(a), _actors(b)
    for one, other in ((actors_a, actors_b), (actors_b, actors_a)):
        for subject, withdrawn in one:
            if (withdrawn
                    and any(s & subject and not w for s, w in other)
                    and not any(s & subject and w for s, w in other)):
                return True
    return False


#: Languages whose flag reads a stance reversed without a negation word (:func:`choice_left`,
#: :func:`status_quo_endorsed`, session 20, flag17t): their phrases are Dutch, and they were
#: chosen and measured on Dutch only, so English and German flags are unchanged by construction.
STANCE_LANGUAGES = frozenset({"nl"})
#: Who decides (session 20, flag17t): verbs of deciding and choosing that, with a self word
#: (:data:`SELF_WORDS`) within :data:`_CHOICE_REACH` words in the same clause, leave the matter
#: to the person ("moeten zelf bepalen hoeveel uur", "zelf kunnen kiezen", "moet je zelf weten",
#: "zelf uitzoeken", "zelf verantwoordelijk"). General Dutch, not words of a development set.
DECISION_WORDS = _forms(
    "bepalen bepaalt bepaal beslissen beslist beslis kiezen kiest kies koos kozen uitzoeken "
    "uitzoekt weten weet meebeslissen meebeslist meebepalen verantwoordelijk")
#: Words and word pairs that leave a choice to the person without a self word: "eigen keuze",
#: "vrije keuze", "keuzevrijheid", "zeggenschap", "vrijwillig", "eigen verantwoordelijkheid".
CHOICE_WORDS = _forms("keuzevrijheid zeggenschap vrijwillig")
CHOICE_PAIRS = frozenset({("eigen", "keuze"), ("vrije", "keuze"),
                          ("eigen", "verantwoordelijkheid")})
#: Words on either side of a self word within which a verb of deciding leaves the choice.
_CHOICE_REACH = 3
#: Word beginnings that show a statement speaks of the person's own part or choice at all
#: (a self word, "eigen", "keuze", "kiezen", "vrij", "regie", "beslissen", "bepalen", ...): a
#: statement with one never reverses a choice left to the person (:func:`choice_left`).
_CHOICE_MENTIONS = ("zelf", "zichzelf", "eigen", "keuze", "kiez", "kies", "koos", "kozen", "vrij",
                    "zeggenschap", "regie", "beslis", "bepal", "bepaal", "verantwoordelijk")


def _stance_against_silence(a: str, b: str, takes: Callable[[str], bool],
                            mentions: tuple[str, ...]) -> bool:
    """Whether one of two Dutch statements takes a stance (``takes``) and the other has no word
    beginning as in ``mentions`` (it never speaks of the matter the stance is about):
    :func:`choice_left` and :func:`status_quo_endorsed`."""
    if detect_language(a) not in STANCE_LANGUAGES or detect_language(b) not in STANCE_LANGUAGES:
        return False
    return any(takes(one) and not any(t.startswith(mentions) for t in words(other))
               for one, other in ((a, b), (b, a)))


@functools.lru_cache(maxsize=8192)
def leaves_choice(text: str) -> bool:
    """Whether a Dutch statement leaves the matter to the person: a self word within
    :data:`_CHOICE_REACH` words of a verb of :data:`DECISION_WORDS` in one clause ("scholieren
    moeten zelf bepalen hoeveel uur ze werken", "dat moet je zelf weten"), or a word or word pair
    of :data:`CHOICE_WORDS` / :data:`CHOICE_PAIRS` ("dat is hun eigen keuze", "vrijwillig").

    >>> leaves_choice("Bewoners moeten zelf kunnen kiezen hoe laat ze eten.")
    True
    >>> leaves_choice("De gemeente moet zelf het contact zoeken.")
    False
    """
    for clause in clause_words(text, "nl"):
        for i, token in enumerate(clause):
            if token in CHOICE_WORDS or (i and (clause[i - 1], token) in CHOICE_PAIRS):
                return True
            if token in SELF_WORDS and DECISION_WORDS.intersection(
                    clause[max(0, i - _CHOICE_REACH):i + _CHOICE_REACH + 1]):
                return True
    return False


def choice_left(a: str, b: str) -> bool:
    """Whether one Dutch statement leaves to the person (:func:`leaves_choice`) what the other
    settles for them, a category rather than a word pair: "scholieren moeten zelf bepalen
    hoeveel uur ze naast school werken" against "scholieren zouden max 12 uur per week mogen
    werken"; "bij je 18e moet je je zorgverzekering zelf uitzoeken" against "... moet automatisch
    goed geregeld worden". The other statement must not speak of the person's own part or
    choice at all (no word beginning as in :data:`_CHOICE_MENTIONS`: a paraphrase keeps the
    choice in some word, "zelf", "eigen", "keuze", "vrij"), so the rule asks much of one side
    and little of the other; a rule imposed, an arrangement provided or another actor deciding
    ("de gemeente moet bepalen") are not read themselves. Dutch only (:data:`STANCE_LANGUAGES`).

    Limits: the choice must be named with a self word near a verb of deciding, or a phrase of
    :data:`CHOICE_WORDS` / :data:`CHOICE_PAIRS` ("het is aan de patiënt" is not read); a
    statement that names the choice only to deny it ("niet zelf kunnen kiezen") counts as
    leaving it, so the two readings of a negated choice depend on the negation checks; a
    paraphrase that drops every word of the choice ("mogen werken zoveel ze willen") is
    refused; an actor's own decision ("de huisarts moet zelf beslissen, niet de assistente")
    reads as a choice left to the person.

    Measured on own-seed pairs of the 40 Dutch development sets (session 20, flag17t): true for
    10 opposites (6 of sets 6-25, 4 of sets 26-40) and no paraphrase (0 of 454), and for no
    duplicate of the labelled pair sets; of the flags on the 40 sets it removes two, the
    opposites of set 40 that suggested it (benchmarks/RESULTS.md, "Session 20, flag17t").

    >>> choice_left("Scholieren moeten zelf bepalen hoeveel uur ze werken.",
    ...             "Scholieren mogen maximaal tien uur per week werken.")
    True
    >>> choice_left("Scholieren moeten zelf bepalen hoeveel uur ze werken.",
    ...             "Hoeveel uur ze werken is de eigen keuze van scholieren.")
    False
    """
    return _stance_against_silence(a, b, leaves_choice, _CHOICE_MENTIONS)


#: The current state endorsed (session 20, flag17t): verbs of staying or keeping that, after
#: "zo" (one filler word between allowed: "zo gewoon blijven"), say the matter is fine as
#: it is.
_KEEP_VERBS = _forms("blijven blijft blijf gebleven houden houdt gehouden laten laat gelaten")
#: Words allowed between "zo" and the verb of staying ("dat kan gwn zo blijven" has none, "zo
#: gewoon houden" one).
_KEEP_FILLERS = _forms("gwn gewoon ook maar prima best rustig")
#: "terecht" after a form of kunnen or komen is reaching a place ("bij de huisarts terecht
#: kunnen", "komen in de sloot terecht"), not "justified".
_REACH_VERBS = _forms(
    "kan kun kunt kunnen kon konden komen komt kom kwam kwamen gekomen")
#: Word beginnings that show a statement speaks of keeping or of a state being fine at all
#: (terecht, blijven, houden, behouden, handhaven, laten, prima, genoeg, voldoende, redelijk,
#: eerlijk, logisch, normaal, "mis", "zoals"): a statement with one never reverses an
#: endorsement of the current state (:func:`status_quo_endorsed`).
_KEEP_MENTIONS = ("terecht", "blijv", "blijf", "gebleven", "houd", "hield", "behoud", "handhaaf",
                  "handhav", "laat", "laten", "gelaten", "prima", "genoeg", "voldoende",
                  "redelijk", "eerlijk", "logisch", "normaal", "mis", "zoals")


@functools.lru_cache(maxsize=8192)
def endorses_current_state(text: str) -> bool:
    """Whether a Dutch statement says the matter is fine as it is: "zo" before a verb of
    staying or keeping ("dat kan gwn zo blijven", "zo houden", "zo laten"), such a verb before
    "zoals" ("blijven zoals het is"), "prima zo" / "goed zo", "niks / niets mis mee / aan", or
    "terecht" as justified ("het is terecht dat ...") in a clause without a form of kunnen or
    komen (:data:`_REACH_VERBS`: "bij de huisarts terecht kunnen" is reaching a place).

    >>> endorses_current_state("De eigen bijdrage is niet hoog, dat kan gewoon zo blijven.")
    True
    >>> endorses_current_state("Je moet hier binnen twee dagen bij de huisarts terecht kunnen.")
    False
    """
    for clause in clause_words(text, "nl"):
        for i, token in enumerate(clause):
            after = clause[i + 1:i + 3]
            if token == "terecht" and not _REACH_VERBS.intersection(clause):
                return True
            if token == "zo" and after and (after[0] in _KEEP_VERBS or (
                    after[0] in _KEEP_FILLERS and after[1:] and after[1] in _KEEP_VERBS)):
                return True
            if token in _KEEP_VERBS and after[:1] == ("zoals",):
                return True
            if token in ("prima", "goed") and after[:1] == ("zo",) and len(clause) == i + 2:
                return True
            if (token == "mis" and i and clause[i - 1] in ("niks", "niets")
                    and after[:1] in (("mee",), ("aan",))):
                return True
    return False


def status_quo_endorsed(a: str, b: str) -> bool:
    """Whether one Dutch statement endorses the current state (:func:`endorses_current_state`:
    "dat kan gwn zo blijven", "het is terecht dat ...", "prima zo") and the other does not speak
    of keeping or of a state being fine at all (no word beginning as in
    :data:`_KEEP_MENTIONS`): a category rather than a word pair, an endorsement against a demand
    for change or a complaint about the same thing ("de eigen bijdrage moet lager" / "is niet
    hoog, dat kan zo blijven"; "wordt bijna nooit vergoed, terwijl je er fit van wordt" / "het
    is terecht dat die bijna nooit wordt vergoed"). The encoder scores such pairs as high as
    paraphrases, and they carry no negation word the polarity checks could read. Dutch only
    (:data:`STANCE_LANGUAGES`).

    Limits: the endorsement must be named with the phrases above ("dat is prima geregeld",
    "dat werkt goed", "is genoeg" are not read; "genoeg" and "prima" are state words of
    :mod:`engine.polarity`); a paraphrase of an endorsement that drops every keeping word
    ("hoeft niet te veranderen") is refused; "terecht" in a clause that also reaches a place
    ("terecht dat je daar terecht kunt") is not read as justified.

    Measured on own-seed pairs of the 40 Dutch development sets (session 20, flag17t): true for
    3 opposites (1 of sets 6-25, 2 of set 38) and no paraphrase (0 of 454), and for no pair of
    the labelled pair sets; of the flags on the 40 sets it removes two, the opposites of set 38
    that suggested it (benchmarks/RESULTS.md, "Session 20, flag17t").

    >>> status_quo_endorsed("De eigen bijdrage voor een bril moet omlaag.",
    ...                     "De eigen bijdrage voor een bril is niet hoog, dat kan zo blijven.")
    True
    >>> status_quo_endorsed("De eigen bijdrage voor een bril moet blijven zoals hij is.",
    ...                     "De eigen bijdrage voor een bril kan gewoon zo blijven.")
    False
    """
    return _stance_against_silence(a, b, endorses_current_state, _KEEP_MENTIONS)

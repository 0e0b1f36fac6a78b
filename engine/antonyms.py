"""Antonym pairs that flip a claim without a negation word (Dutch, English, German).

:mod:`engine.polarity` reads "more/less", "fine/problem" and "must/need not"; many opposite claims
use other pairs: "altijd dezelfde medewerker" answers "steeds andere gezichten", "de
spoedeisende hulp moet open blijven" answers "... kan dicht". Two statements **disagree on an
antonym** (:func:`antonym_conflict`) when one uses a word of a pair below and the other the
opposite word, and neither uses both (a text using both contrasts them itself).

Besides antonyms proper the list holds **reversal verbs**, which flip a claim while every other
word stays ("De supermarkt moet blijven" / "... moet verdwijnen", "het eigen risico moet blijven
bestaan" / "... moet worden afgeschaft", "invoeren" / "afschaffen", "zelf ophalen" /
"thuisbezorgen", "voor iedereen dezelfde bijdrage" / "afhankelijk van het inkomen"); the
more/less verbs (uitbreiden / afbouwen, verhogen / verlagen, stijgen / dalen, toenemen / afnemen)
are direction words of :mod:`engine.polarity`.

Words match by form or by Snowball stem of the statement's language (:mod:`engine.lexical`), so
"verbiedt", "verbieden" and "verbied" meet; a stem shorter than :data:`MIN_STEM` letters matches
by form only (the Dutch stemmer makes "gelijk" into "lijk", as it makes "lijken").

Limits: a pair only counts when both words are about the same thing, which this check cannot
see ("dezelfde huisarts, andere tijden" against "andere huisarts"; "blijven wonen" against "de
bus verdwijnt"): it is one piece of evidence for the near-duplicate flag, which it blocks, never
a verdict. Reversals outside the list ("steunen" / "zich verzetten tegen", "centraal" / "in de
wijk") are not seen; a negation flips a word only within
:data:`engine.polarity.NEGATION_SCOPE` words before it.
"""

from __future__ import annotations

import functools

from .lexical import _stemmer, detect_language, words
from .polarity import NEGATION_SCOPE, NEGATIONS

__all__ = ["ANTONYMS", "MIN_STEM", "antonym_conflict"]

#: Shortest stem that matches by stem; shorter ones match by word form only.
MIN_STEM = 5


def _pairs(spec: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """``"a1 a2 / b1 b2; ..."``: word forms of one side, slash, those of the other."""
    out = []
    for pair in spec.split(";"):
        left, _, right = pair.partition("/")
        out.append((frozenset(left.split()), frozenset(right.split())))
    return tuple(out)


#: Each entry: the word forms of one side and of the opposite side.
ANTONYMS = _pairs(
    # Dutch
    "dezelfde hetzelfde / andere ander;"
    "vaste / wisselende wisselend;"
    "open openen openblijven openhouden geopend / dicht sluiten gesloten sluit dichtgaan sluiting;"
    "vroeg vroeger vroegtijdig / laat later;"
    "dichtbij dichterbij nabij / ver verweg;"
    "verplicht verplichte verplichten / vrijwillig vrijwillige;"
    "toestaan toegestaan / verbieden verboden;"
    "behouden behoud handhaven gehandhaafd blijven blijft / verdwijnen verdwijnt verdwenen "
    "schrappen geschrapt opheffen opgeheven afschaffen afgeschaft;"
    "invoeren ingevoerd invoering / afschaffen afgeschaft afschaffing;"
    "ophalen afhalen opgehaald / bezorgen bezorgd thuisbezorgen thuisbezorgd bezorging;"
    "afhangen afhankelijk inkomensafhankelijk / dezelfde hetzelfde gelijk gelijke;"
    "veilig veilige / onveilig onveilige gevaarlijk gevaarlijke;"
    "snel sneller / traag trager langzaam langzamer;"
    "samen gezamenlijk gezamenlijke / apart afzonderlijk afzonderlijke;"
    "zelfstandig zelfstandige / afhankelijk afhankelijke;"
    "voorstander / tegenstander;"
    "eens / oneens;"
    # English
    "same / different;"
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
    "gleiche gleichen derselbe dieselbe / andere anderen;"
    "feste fester / wechselnde wechselnder;"
    "offen geöffnet öffnen / geschlossen schließen;"
    "früh frühzeitig / spät später;"
    "nah nahe näher / weit;"
    "verpflichtend / freiwillig;"
    "erlauben erlaubt / verbieten verboten;"
    "behalten bleiben bleibt / streichen abschaffen abgeschafft verschwinden;"
    "einführen eingeführt / abschaffen abgeschafft;"
    "sicher / unsicher gefährlich"
)


@functools.lru_cache(maxsize=4)
def _stemmed(language: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """:data:`ANTONYMS` with each side's forms replaced by their stems of ``MIN_STEM`` letters
    or more (stemmed with ``language``'s stemmer)."""
    stem = _stemmer(language).stemWord

    def stems(forms: frozenset[str]) -> frozenset[str]:
        return frozenset(s for s in map(stem, forms) if len(s) >= MIN_STEM)

    return tuple((stems(left), stems(right)) for left, right in ANTONYMS)


@functools.lru_cache(maxsize=8192)
def _sides(text: str) -> frozenset[tuple[int, int]]:
    """(pair index, side) of each antonym word in ``text``; a negation up to
    :data:`engine.polarity.NEGATION_SCOPE` words before it flips the side ("niet dicht" = open)."""
    tokens = words(text)
    language = detect_language(text)
    stem = _stemmer(language).stemWord
    stemmed = _stemmed(language)
    negations = [i for i, t in enumerate(tokens) if t in NEGATIONS]
    found = set()
    for position, token in enumerate(tokens):
        # Dutch present tense adds -t to the stem the stemmer leaves ("verbiedt" / "verbied").
        token_stems = {stem(token), stem(token[:-1])} if token.endswith("t") else {stem(token)}
        for i, pair in enumerate(ANTONYMS):
            for side in (0, 1):
                if token in pair[side] or token_stems & stemmed[i][side]:
                    negated = any(0 < position - n <= NEGATION_SCOPE for n in negations)
                    found.add((i, side ^ negated))
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
        if (pair, 1 - side) in sb and (pair, 1 - side) not in sa and (pair, side) not in sb:
            return True
    return False

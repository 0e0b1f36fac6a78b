"""Antonym pairs that flip a claim without a negation word (Dutch, English, German).

:mod:`engine.polarity` reads "more/less", "fine/problem" and "must/need not"; many opposite claims
use other pairs: "altijd dezelfde medewerker" answers "steeds andere gezichten", "de
spoedeisende hulp moet open blijven" answers "... kan dicht". Two statements **disagree on an
antonym** (:func:`antonym_conflict`) when one uses a word of a pair below and the other the
opposite word, and neither uses both (a text using both contrasts them itself).

Limits: word forms are listed, not stemmed; a pair only counts when both words are about the same
thing, which this check cannot see ("dezelfde huisarts, andere tijden" against "andere huisarts"):
it is one piece of evidence for the near-duplicate flag, which it blocks, never a verdict.
"""

from __future__ import annotations

import functools

from .lexical import words
from .polarity import NEGATION_SCOPE, NEGATIONS

__all__ = ["ANTONYMS", "antonym_conflict"]


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
    "behouden / verdwijnen verdwijnt schrappen opheffen;"
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
    "keep kept / scrap scrapped;"
    "agree / disagree;"
    # German
    "gleiche gleichen derselbe dieselbe / andere anderen;"
    "feste fester / wechselnde wechselnder;"
    "offen geöffnet öffnen / geschlossen schließen;"
    "früh frühzeitig / spät später;"
    "nah nahe näher / weit;"
    "verpflichtend / freiwillig;"
    "erlauben erlaubt / verbieten verboten;"
    "behalten / streichen abschaffen"
)


@functools.lru_cache(maxsize=8192)
def _sides(text: str) -> frozenset[tuple[int, int]]:
    """(pair index, side) of each antonym word in ``text``; a negation up to
    :data:`engine.polarity.NEGATION_SCOPE` words before it flips the side ("niet dicht" = open)."""
    tokens = words(text)
    negations = [i for i, t in enumerate(tokens) if t in NEGATIONS]
    found = set()
    for position, token in enumerate(tokens):
        for i, pair in enumerate(ANTONYMS):
            for side in (0, 1):
                if token in pair[side]:
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
    """
    sa, sb = _sides(a), _sides(b)
    for pair, side in sa:
        if (pair, 1 - side) in sb and (pair, 1 - side) not in sa and (pair, side) not in sb:
            return True
    return False

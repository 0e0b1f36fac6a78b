"""Lexical evidence for the near-duplicate check: language, content-word stems and their overlap.

A statement's *content stems* are its words minus stop words (:mod:`engine.stopwords`) and minus
the polarity words (:mod:`engine.polarity`, which are judged separately), reduced by the Snowball
stemmer of the statement's language (Dutch, English or German; Porter 1980, snowballstem.org), so
"huisartsen" and "huisarts", "wachtlijsten" and "wachtlijst" meet. Dutch and German write compounds
as one word, so a stem also matches a stem it begins or ends with when the shorter has at least
:data:`MIN_COMPOUND_PART` letters ("huisartsenpost" ~ "huisarts", "mantelzorg" ~ "zorg" does not:
too short).

The language of a statement is the one whose stop words it uses most (ties: Dutch, the residents'
language); it only picks the stemmer.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from .stopwords import STOP_WORDS, STOP_WORDS_BY_LANGUAGE

__all__ = [
    "CLAUSE_WORDS",
    "MIN_COMPOUND_PART",
    "clause_words",
    "content_stems",
    "detect_language",
    "is_content_word",
    "shared_stems",
    "stem_overlap",
    "unmatched_words",
    "words",
]

#: Shortest stem that matches as the head or tail of a compound; 5 letters keep "zorg" and
#: "arts" (in every Dutch care word) from matching everything.
MIN_COMPOUND_PART = 5
#: Shortest content word kept: 2-letter words are function words or abbreviations.
MIN_WORD_LENGTH = 3
#: Snowball stemmer of each supported language.
_STEMMER_NAMES = {"nl": "dutch", "en": "english", "de": "german"}
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def words(text: str) -> list[str]:
    """Lower-case words (letters and inner hyphens; "n't" read as "not"), NFC-normalised.

    >>> words("De GGZ-wachtlijst isn't kort!")
    ['de', 'ggz-wachtlijst', 'is', 'not', 'kort']
    """
    text = unicodedata.normalize("NFC", text).lower().replace("n't", " not").replace("’", "'")
    return _WORD.findall(text)


#: Conjunctions that start a new clause, per language: a negation or a polarity word of one
#: clause says nothing about the next ("..., maar krijgen veel minder aandacht").
CLAUSE_WORDS: dict[str, frozenset[str]] = {
    "nl": frozenset(["maar", "want", "omdat", "doordat", "zodat", "terwijl", "tenzij", "hoewel"]),
    "en": frozenset(["but", "because", "whereas", "unless", "although"]),
    "de": frozenset(["aber", "denn", "weil", "sodass", "obwohl"]),
}
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\u2013\u2014]|\s-\s")


@functools.lru_cache(maxsize=8192)
def clause_words(text: str, language: str | None = None) -> tuple[tuple[str, ...], ...]:
    """:func:`words` of each clause of ``text``: split at punctuation (, ; : . ! ? brackets,
    dashes) and before a conjunction of :data:`CLAUSE_WORDS` (of ``language``, detected when
    not given); empty clauses are left out.

    >>> clause_words("Jongeren zijn vaak eenzaam, maar krijgen minder aandacht.")
    (('jongeren', 'zijn', 'vaak', 'eenzaam'), ('maar', 'krijgen', 'minder', 'aandacht'))
    """
    conjunctions = CLAUSE_WORDS[language or detect_language(text)]
    out: list[tuple[str, ...]] = []
    for part in _CLAUSE_BREAK.split(text):
        current: list[str] = []
        for token in words(part):
            if token in conjunctions and current:
                out.append(tuple(current))
                current = []
            current.append(token)
        if current:
            out.append(tuple(current))
    return tuple(out)


@functools.lru_cache(maxsize=8192)
def detect_language(text: str) -> str:
    """``"nl"``, ``"en"`` or ``"de"``: the language whose stop words the text uses most.

    >>> detect_language("Er zijn te weinig huisartsen in de regio")
    'nl'
    >>> detect_language("There are too few GPs in the region")
    'en'
    >>> detect_language("Es gibt zu wenige Hausärzte in der Region")
    'de'
    """
    tokens = words(text)
    counts = {lang: sum(t in stop for t in tokens) for lang, stop in STOP_WORDS_BY_LANGUAGE.items()}
    best = max(counts.values())
    return next(lang for lang in ("nl", "en", "de") if counts[lang] == best)


@functools.lru_cache(maxsize=len(_STEMMER_NAMES))
def _stemmer(language: str) -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer(_STEMMER_NAMES[language])


@functools.lru_cache(maxsize=8192)
def is_content_word(token: str, ignore: frozenset[str] = frozenset()) -> bool:
    """Whether a word counts as content: at least :data:`MIN_WORD_LENGTH` letters, not a stop
    word and not in ``ignore`` (e.g. the polarity words)."""
    return len(token) >= MIN_WORD_LENGTH and token not in STOP_WORDS and token not in ignore


def content_stems(text: str, language: str | None = None,
                  ignore: frozenset[str] = frozenset()) -> frozenset[str]:
    """Stems of the content words of ``text``; hyphenated words count as their parts too.

    Parameters
    ----------
    text : str
    language : {"nl", "en", "de"}, optional
        Stemmer to use; detected when not given.
    ignore : frozenset of str
        Words left out besides the stop words (e.g. polarity words).

    >>> sorted(content_stems("De wachtlijsten in de ggz zijn veel te lang"))
    ['ggz', 'wachtlijst']
    """
    lang = language or detect_language(text)
    stem = _stemmer(lang).stemWord
    result: set[str] = set()
    for word in words(text):
        parts = [word, *word.split("-")] if "-" in word else [word]
        for part in parts:
            if not is_content_word(part, ignore):
                continue
            result.add(stem(part.replace("-", "")))
    return frozenset(result)


def _matches(stem: str, others: frozenset[str]) -> bool:
    if stem in others:
        return True
    for other in others:
        short, long = (stem, other) if len(stem) <= len(other) else (other, stem)
        if len(short) >= MIN_COMPOUND_PART and (long.startswith(short) or long.endswith(short)):
            return True
    return False


def stem_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice overlap of two stem sets in [0, 1], compound parts counting as matches.

    ``(matched(a in b) + matched(b in a)) / (|a| + |b|)``; 0 when both are empty.

    >>> stem_overlap(frozenset({"huisartsenpost", "ver"}), frozenset({"huisart", "ver", "nacht"}))
    0.8
    """
    if not a and not b:
        return 0.0
    matched = sum(_matches(s, b) for s in a) + sum(_matches(s, a) for s in b)
    return matched / (len(a) + len(b))


def shared_stems(a: frozenset[str], b: frozenset[str]) -> float:
    """How many content stems two texts share: the mean of the two directions' matched counts
    (compound parts counting, as in :func:`stem_overlap`, whose numerator this is, halved).

    >>> shared_stems(frozenset({"huisartsenpost", "ver"}), frozenset({"huisart", "ver", "nacht"}))
    2.0
    """
    return (sum(_matches(s, b) for s in a) + sum(_matches(s, a) for s in b)) / 2


def unmatched_words(text: str, other: frozenset[str], language: str,
                    ignore: frozenset[str] = frozenset()) -> list[str]:
    """The content words of ``text``, in order, whose stem has no match among ``other``'s stems
    (compound parts count, as in :func:`stem_overlap`): what ``text`` says beyond the other.

    >>> other = content_stems("Mantelzorgers moeten een vaste contactpersoon krijgen", "nl")
    >>> unmatched_words("Mantelzorgers moeten een vergoeding voor reiskosten krijgen", other, "nl")
    ['vergoeding', 'reiskosten']
    """
    stem = _stemmer(language).stemWord
    out = []
    for word in words(text):
        parts = [word, *word.split("-")] if "-" in word else [word]
        kept = [p for p in parts if is_content_word(p, ignore)]
        if kept and not any(_matches(stem(p.replace("-", "")), other) for p in kept):
            out.append(word)
    return out

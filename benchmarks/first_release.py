"""The first release's near-duplicate rule, kept to measure issue 17 against "today".

all-MiniLM-L6-v2 cosine minus the word overlap when the texts differ in negation parity or in a
small direction lexicon; flagged at 0.53; ranked by cosine (engine/duplicates.py before issue 17,
commit bbc694b).
"""

from __future__ import annotations

import re

import numpy as np

THRESHOLD = 0.53


def _ws(text: str) -> list[str]:
    return text.split()


_NEGATIONS = frozenset(_ws(
    "niet geen nooit niets niks niemand nergens noch zonder not no never nothing nobody none "
    "nowhere neither nor cannot without"))
_POLARITY = {
    **dict.fromkeys(_ws("meer goed beter genoeg voldoende makkelijk uitstekend more good better "
                        "well enough easy excellent"), 1),
    **dict.fromkeys(_ws("minder slecht slechter onvoldoende moeilijk less fewer bad worse badly "
                        "poorly difficult"), -1),
}
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("n't", " not"))


def _polarity(words: list[str]) -> tuple[int, frozenset[int]]:
    return sum(w in _NEGATIONS for w in words) % 2, frozenset(_POLARITY[w] for w in words
                                                              if w in _POLARITY)


def scores(new_text: str, texts: list[str], cosines: np.ndarray) -> np.ndarray:
    """The first release's score of ``new_text`` against each of ``texts``."""
    new_words = _words(new_text)
    out = np.asarray(cosines, dtype=np.float64).copy()
    for i, text in enumerate(texts):
        words = _words(text)
        if _polarity(new_words) != _polarity(words):
            a, b = set(new_words), set(words)
            out[i] -= len(a & b) / len(a | b) if a | b else 0.0
    return out

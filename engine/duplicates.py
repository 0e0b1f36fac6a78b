"""Near-duplicate check of a newly submitted statement against the existing ones.

The score of a pair is the cosine similarity of the statements' embeddings, lowered when the two
texts are a *minimal pair of opposite polarity*: bi-encoder embeddings such as all-MiniLM-L6-v2 put
"Mijn huisarts is goed bereikbaar" and "... slecht bereikbaar" almost on top of each other (cosine
0.94), yet for a moderator these are two statements, not one. So::

    score = cosine - OPPOSITE_PENALTY * mismatch * overlap

where ``mismatch`` is 1 when the texts differ in negation parity or in the direction words of a
small Dutch and English polarity lexicon (more/less, good/bad, enough...), and ``overlap`` is the
Jaccard overlap of their words: a paraphrase that happens to contain a "not" shares few words and
keeps its score, a minimal edit that flips the claim shares most words and loses it.

A pair is flagged when ``score >= threshold``; :data:`DUPLICATE_THRESHOLD` was measured on the
hand-labelled pairs in ``tests/data/duplicate_pairs.csv`` by ``benchmarks/duplicates.py`` (figures
per language in ``benchmarks/RESULTS.md``). The flag is advice for a moderator, who sees the closest
statements, never an automatic rejection.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .errors import InvalidSettingError
from .semantics import StatementEmbedder, cosine_similarities

__all__ = [
    "DUPLICATE_THRESHOLD",
    "OPPOSITE_PENALTY",
    "DuplicateCandidate",
    "DuplicateCheck",
    "duplicate_scores",
    "near_duplicates",
    "polarity_mismatch",
    "word_overlap",
]

#: Flag threshold on the score; chosen by ``benchmarks/duplicates.py`` (maximal balanced accuracy
#: over all 180 labelled pairs, Dutch and English together, all-MiniLM-L6-v2: 0.529). Measured
#: there at 0.53: precision 0.71 / recall 0.78 in Dutch, 0.82 / 0.72 in English; cross-validated
#: 0.70 / 0.75 and 0.81 / 0.69. Re-measure it when the model changes: another model has another
#: similarity scale.
DUPLICATE_THRESHOLD = 0.53
#: Weight of the opposite-polarity correction; 1 removes the whole word overlap (not tuned: 0.5 and
#: 1 measured alike in ``benchmarks/duplicates.py``).
OPPOSITE_PENALTY = 1.0
#: Closest statements returned by default: a moderator reads a few, not a list.
DEFAULT_TOP = 3

#: Negation words; an odd number of them flips a claim.
NEGATIONS = frozenset(
    {
        # Dutch
        "niet",
        "geen",
        "nooit",
        "niets",
        "niks",
        "niemand",
        "nergens",
        "noch",
        "zonder",
        # English ("n't" is rewritten to " not" before tokenising)
        "not",
        "no",
        "never",
        "nothing",
        "nobody",
        "none",
        "nowhere",
        "neither",
        "nor",
        "cannot",
        "without",
    }
)
#: Direction words: +1 for more / better / enough, -1 for their opposites.
POLARITY = {
    "meer": 1,
    "minder": -1,
    "goed": 1,
    "slecht": -1,
    "beter": 1,
    "slechter": -1,
    "genoeg": 1,
    "voldoende": 1,
    "onvoldoende": -1,
    "makkelijk": 1,
    "moeilijk": -1,
    "uitstekend": 1,
    "more": 1,
    "less": -1,
    "fewer": -1,
    "good": 1,
    "bad": -1,
    "better": 1,
    "worse": -1,
    "well": 1,
    "badly": -1,
    "poorly": -1,
    "enough": 1,
    "easy": 1,
    "difficult": -1,
    "excellent": 1,
}
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("n't", " not"))


def _polarity(words: Sequence[str]) -> tuple[int, frozenset[int]]:
    negations = sum(word in NEGATIONS for word in words)
    return negations % 2, frozenset(POLARITY[w] for w in words if w in POLARITY)


def polarity_mismatch(text_a: str, text_b: str) -> bool:
    """Whether two texts differ in negation parity or in the set of direction words.

    >>> polarity_mismatch("Mijn huisarts is goed bereikbaar.", "Mijn huisarts is slecht bereikbaar")
    True
    >>> polarity_mismatch("Mantelzorgers zijn overbelast.", "Mantelzorgers zijn vaak overbelast")
    False
    """
    return _polarity(_words(text_a)) != _polarity(_words(text_b))


def word_overlap(text_a: str, text_b: str) -> float:
    """Jaccard overlap of the two texts' lower-cased word sets, in [0, 1].

    >>> word_overlap("My GP is easy to reach.", "My GP is difficult to reach.")
    0.7142857142857143
    """
    a, b = set(_words(text_a)), set(_words(text_b))
    return len(a & b) / len(a | b) if a | b else 0.0


def duplicate_scores(
    new_text: str, cosines: np.ndarray, existing_texts: Sequence[str] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Duplicate scores from cosine similarities, with the opposite-polarity correction.

    Parameters
    ----------
    new_text : str
    cosines : numpy.ndarray, shape (n,)
        Cosine similarity of ``new_text`` with each existing statement.
    existing_texts : sequence of str of length n, or None
        Without texts no correction is possible and the scores are the cosines.

    Returns
    -------
    scores : numpy.ndarray, shape (n,)
    opposite : numpy.ndarray of bool, shape (n,)
        Where a polarity mismatch was found.
    """
    cosines = np.asarray(cosines, dtype=np.float64)
    if existing_texts is None:
        return cosines.copy(), np.zeros(cosines.shape, dtype=bool)
    if len(existing_texts) != cosines.shape[0]:
        raise InvalidSettingError(
            f"existing_texts has {len(existing_texts)} texts for {cosines.shape[0]} similarities"
        )
    opposite = np.array([polarity_mismatch(new_text, t) for t in existing_texts], dtype=bool)
    overlap = np.array(
        [
            word_overlap(new_text, t) if o else 0.0
            for t, o in zip(existing_texts, opposite, strict=True)
        ]
    )
    return cosines - OPPOSITE_PENALTY * overlap, opposite


@dataclass(frozen=True)
class DuplicateCandidate:
    """One existing statement close to the new one."""

    #: Position of the statement in the ``existing`` argument.
    index: int
    #: Score compared with the threshold (cosine with the opposite-polarity correction).
    score: float
    #: Raw cosine similarity of the embeddings.
    cosine: float
    #: The two texts differ in negation or direction words (a possible opposite claim).
    opposite_polarity: bool
    #: ``score >= threshold``.
    is_duplicate: bool


@dataclass(frozen=True)
class DuplicateCheck:
    """Result of :func:`near_duplicates`."""

    #: The closest existing statements by cosine, closest first (a moderator also wants to see a
    #: very close statement of opposite polarity, which is not flagged).
    candidates: tuple[DuplicateCandidate, ...]
    #: Whether any existing statement (not only the candidates shown) scores at the threshold.
    is_duplicate: bool
    #: Positions of all flagged statements, highest score first.
    flagged: tuple[int, ...]
    threshold: float
    model_name: str


def near_duplicates(
    new_text: str,
    existing: Sequence[str] | np.ndarray,
    threshold: float = DUPLICATE_THRESHOLD,
    top: int = DEFAULT_TOP,
    *,
    embedder: StatementEmbedder | None = None,
    existing_texts: Sequence[str] | None = None,
) -> DuplicateCheck:
    """The existing statements closest to ``new_text``, flagged when they are near-duplicates.

    Parameters
    ----------
    new_text : str
        The statement a participant submits.
    existing : sequence of str, or numpy.ndarray of shape (n, dim)
        Existing statements, as texts or as embeddings from the same model (e.g. stored ones).
    threshold : float
        Flag when the score is at least this (see :data:`DUPLICATE_THRESHOLD`).
    top : int
        Number of closest statements returned.
    embedder : StatementEmbedder, optional
        Embeds the texts; keep one per process so the model loads once and its cache is reused.
        By default a new one with the configured model (loads the model: seconds).
    existing_texts : sequence of str, optional
        Texts of ``existing`` when it holds embeddings; enables the opposite-polarity correction.

    Returns
    -------
    DuplicateCheck
        Up to ``top`` closest statements by cosine (ties by index), each with its score and flag,
        and the flagged statements among all of ``existing``.

    Examples
    --------
    With stored embeddings and a stand-in encoder (one-hot "embeddings"):

    >>> class Toy:
    ...     def encode(self, sentences, **kwargs):
    ...         return np.array([[1.0, 0.0] if "huisarts" in s else [0.0, 1.0] for s in sentences])
    >>> toy = StatementEmbedder(Toy(), model_name="toy")
    >>> stored = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> check = near_duplicates("Te weinig huisartsen", stored, embedder=toy, top=1)
    >>> check.is_duplicate, check.candidates[0].index
    (True, 1)
    """
    if not isinstance(new_text, str) or not new_text.strip():
        raise InvalidSettingError("new_text must be a non-empty string")
    if not -1.0 <= threshold <= 1.0:
        raise InvalidSettingError(f"threshold must be in [-1, 1], got {threshold!r}")
    if top < 1:
        raise InvalidSettingError(f"top must be >= 1, got {top!r}")
    embedder = embedder if embedder is not None else StatementEmbedder()
    query = embedder.embed([new_text])[0]
    if isinstance(existing, np.ndarray):
        embeddings = existing
        texts = list(existing_texts) if existing_texts is not None else None
    else:
        if isinstance(existing, str):
            raise InvalidSettingError("existing must be a sequence of texts, not one string")
        texts = list(existing)
        embeddings = embedder.embed(texts) if texts else np.zeros((0, query.shape[0]))
    if embeddings.ndim != 2:
        raise InvalidSettingError(f"existing embeddings must be 2-D, got shape {embeddings.shape}")
    cosines = cosine_similarities(query, embeddings)
    scores, opposite = duplicate_scores(new_text, cosines, texts)
    closest = sorted(range(len(scores)), key=lambda i: (-cosines[i], i))[:top]
    candidates = tuple(
        DuplicateCandidate(
            index=i,
            score=float(scores[i]),
            cosine=float(cosines[i]),
            opposite_polarity=bool(opposite[i]),
            is_duplicate=bool(scores[i] >= threshold),
        )
        for i in closest
    )
    flagged = sorted(np.flatnonzero(scores >= threshold).tolist(), key=lambda i: (-scores[i], i))
    return DuplicateCheck(
        candidates=candidates,
        is_duplicate=bool(flagged),
        flagged=tuple(int(i) for i in flagged),
        threshold=threshold,
        model_name=embedder.model_name,
    )

"""Near-duplicate check for submitted statements.

:func:`check_similar` uses sentence embeddings and the model's measured duplicate settings
(``engine.duplicates``, model configurable with ``MEEDENKEN_EMBEDDING_MODEL``, default the
multilingual E5; see benchmarks/RESULTS.md) and flags near-duplicates; :func:`check_texts` checks
a list (bulk seeds) against the existing statements and among itself. Both run without any
database lock held (the callers read, end their transaction, then call these). When embeddings
are switched off or the model cannot be loaded offline, it falls back to TF-IDF over character
n-grams (:func:`similar_statements`, robust to Dutch compounds, inflection and typos), which ranks
the closest statements but flags nothing: its scores have no measured threshold.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from meedenken.engine.duplicates import DuplicateCheck, duplicates_among, near_duplicates
from meedenken.engine.errors import InvalidSettingError
from meedenken.engine.semantics import ModelUnavailableError, StatementEmbedder

__all__ = ["EMBEDDING_THREADS", "NGRAM_RANGE", "Similar", "check_similar", "check_texts",
           "compared_with", "preload_embedder", "shared_embedder", "similar_statements"]

log = logging.getLogger(__name__)
_LOAD_LOCK = threading.Lock()

#: Character n-grams within word boundaries, 3 to 5 long: long enough to carry meaning, short
#: enough to match "huisarts" with "huisartsen" and "huisartsenpost".
NGRAM_RANGE = (3, 5)


def similar_statements(texts: Sequence[str], new_text: str, top: int = 3,
                       min_score: float = 0.0) -> list[tuple[int, float]]:
    """The existing statements most similar to ``new_text``.

    Parameters
    ----------
    texts : existing statement texts.
    new_text : the submitted text.
    top : how many to return at most.
    min_score : leave out matches below this cosine similarity (0..1).

    Returns
    -------
    list of (index into ``texts``, cosine similarity), most similar first.

    Examples
    --------
    >>> similar_statements(["De huisarts is slecht bereikbaar", "Meer groen in de wijk"],
    ...                    "Mijn huisarts is slecht bereikbaar", top=1)[0][0]
    0
    """
    if not texts or top <= 0 or not new_text.strip():
        return []
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE, lowercase=True,
                                 sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([*texts, new_text])
    except ValueError:  # no n-grams at all (e.g. only punctuation)
        return []
    scores = cosine_similarity(matrix[-1], matrix[:-1]).ravel()
    order = np.argsort(-scores, kind="stable")[:top]
    return [(int(i), float(scores[i])) for i in order if scores[i] >= min_score and scores[i] > 0]


@dataclass(frozen=True)
class Similar:
    """An existing statement close to a submitted one."""

    index: int
    score: float
    #: True or False with embeddings (measured threshold); None from the TF-IDF fallback.
    is_duplicate: bool | None


#: Threads the embedding model may use in the API process. One: a submission's embedding then
#: leaves the other core of a small server to the event loop and the vote writer (torch's
#: default, one thread per core, lets an attacker posting statement after statement keep both
#: cores busy; issue 18). One short text gains little from a second thread.
EMBEDDING_THREADS = 1


def _limit_threads() -> None:
    torch = sys.modules.get("torch")  # loaded by the model, if it is a torch model
    if torch is not None and torch.get_num_threads() > EMBEDDING_THREADS:
        torch.set_num_threads(EMBEDDING_THREADS)


@lru_cache(maxsize=4)
def _embedder(model: str | None) -> StatementEmbedder | None:
    """One embedder per model and process (the model loads once; its cache is reused)."""
    try:
        embedder = StatementEmbedder(model)
        embedder.embed(["warm-up"])  # load now, so a failure is found here, once
        _limit_threads()
    except ModelUnavailableError as exc:
        log.warning("near-duplicate check falls back to TF-IDF: %s", exc)
        return None
    return embedder


def shared_embedder(model: str | None = None) -> StatementEmbedder | None:
    """The process's embedder of ``model`` (loaded once), or None if it cannot be loaded."""
    with _LOAD_LOCK:
        return _embedder(model)


def preload_embedder(model: str | None = None) -> None:
    """Load the model now (e.g. at start-up), so the first submission does not wait for it."""
    with _LOAD_LOCK:
        _embedder(model)


def compared_with(embedder: StatementEmbedder, pool: Sequence[str], text: str,
                  most: int | None) -> list[int]:
    """Which of ``pool`` (oldest first) a check of ``text`` compares with: all of them when
    they are at most ``most``; else the ``most`` closest to ``text`` (cosine) among the newest
    ``most`` and every older one whose embedding is already in the embedder's cache.

    Why: the engine's check costs per compared statement, and an embedding costs far more, so
    the work per request is bounded (issue 18); but comparing with the newest statements only
    missed every duplicate of an older one, which in a dialogue of 2,000 statements is most of
    them. Embeddings are cached per text as statements are checked, listed as topics or marked
    in the moderation queue, so the older statements are usually known. Ranking and margin
    depend on the closest statements only, which this keeps.
    """
    n = len(pool)
    if most is None or n <= most:
        return list(range(n))
    model = embedder.model_name
    known = [i for i in range(n - most) if embedder.cache.get(model, pool[i]) is not None]
    pooled = known + list(range(n - most, n))
    vectors = embedder.embed([pool[i] for i in pooled])  # embeds only the newest, if new
    cosines = vectors @ embedder.embed([text])[0]
    closest = np.argsort(-cosines, kind="stable")[:most]
    return sorted(pooled[j] for j in closest)


def _flagged(check: DuplicateCheck, chosen: list[int], min_score: float = 0.0) -> list[Similar]:
    """Only real near-duplicates (flagged by the model's measured rule), best first, as indices
    into the pool; the score shown is the cosine (0..1), the order is the duplicate score's."""
    return [Similar(chosen[c.index], max(c.cosine, 0.0), True) for c in check.candidates
            if c.is_duplicate and c.cosine >= min_score]


def check_similar(
    texts: Sequence[str],
    new_text: str,
    *,
    top: int = 3,
    min_score: float = 0.0,
    use_embeddings: bool = True,
    model: str | None = None,
    most: int | None = None,
) -> list[Similar]:
    """The existing statements that ``new_text`` near-duplicates, best first.

    With embeddings: only flagged statements (at most ``top``; their cosine as the score),
    compared with at most ``most`` of ``texts`` (:func:`compared_with`). From the TF-IDF
    fallback: up to ``top`` closest among the newest ``most`` with a score of at least
    ``min_score``, none flagged (``is_duplicate`` None).
    """
    if not texts or top <= 0 or not new_text.strip():
        return []
    embedder = None
    if use_embeddings:
        with _LOAD_LOCK:
            embedder = _embedder(model)
    if embedder is None:
        start = 0 if most is None else max(0, len(texts) - most)
        return [Similar(start + i, score, None) for i, score
                in similar_statements(texts[start:], new_text, top, min_score)]
    chosen = compared_with(embedder, texts, new_text, most)
    check = near_duplicates(new_text, [texts[i] for i in chosen], top, embedder=embedder)
    return _flagged(check, chosen, min_score)


def check_texts(existing: Sequence[str], texts: Sequence[str], *, top: int = 3,
                use_embeddings: bool = True, model: str | None = None,
                most: int | None = None, embed_existing: bool = False
                ) -> list[list[Similar]] | None:
    """For each of ``texts``: its flagged near-duplicates among ``existing`` and the texts before
    it (index ``i >= len(existing)`` is ``texts[i - len(existing)]``), best first, each compared
    with at most ``most`` of them (:func:`compared_with`). ``embed_existing``: embed every
    existing statement first (the facilitator's moderation queue, which must see duplicates of
    old statements even before anything else embedded them; cached afterwards).

    None when embeddings are off or the model cannot be loaded (nothing can be flagged)."""
    embedder = None
    if use_embeddings:
        with _LOAD_LOCK:
            embedder = _embedder(model)
    if embedder is None:
        return None
    existing, texts = list(existing), list(texts)
    if most is None or len(existing) + len(texts) <= most:
        checks = duplicates_among(texts, existing, embedder=embedder, top=top)
        return [_flagged(check, list(range(len(existing) + k)))
                for k, check in enumerate(checks)]
    for k, text in enumerate(texts):
        if not text.strip():
            raise InvalidSettingError(f"text {k} is empty")
    # compared_with's rule, with the cache read once for all texts (a queue of hundreds of
    # pending statements against thousands): the newest `most` existing ones (and, for the
    # queue, all) are embedded first, so "known" covers every window below.
    embedder.embed(existing if embed_existing else existing[-most:])
    model = embedder.model_name
    known = [i for i in range(len(existing)) if embedder.cache.get(model, existing[i]) is not None]
    pooled = known + [len(existing) + k for k in range(len(texts))]
    everything = existing + texts
    vectors = embedder.embed([everything[i] for i in pooled])
    found = []
    for k, text in enumerate(texts):
        pool = everything[:len(existing) + k]
        upto = len(known) + k  # rows of `pooled` inside this text's pool
        if len(pool) <= most:
            chosen = list(range(len(pool)))
        else:
            cosines = vectors[:upto] @ vectors[len(known) + k]
            chosen = sorted(pooled[j] for j in np.argsort(-cosines, kind="stable")[:most])
        check = near_duplicates(text, [pool[i] for i in chosen], top, embedder=embedder)
        found.append(_flagged(check, chosen))
    return found

"""Synthetic vote matrices for the speed benchmarks, built directly as scipy CSR.

Two kinds:

* :func:`resample` — a scale-up of a real conversation: draw participants (rows) with
  replacement, drop a share of their votes and flip a share of the rest to another value, so the
  copies are not exact duplicates.
* :func:`planted` — a large conversation with planted opinion groups: each participant belongs to
  one group and votes on statements chosen at random, agreeing / passing / disagreeing with
  per-group, per-statement probabilities. Built in chunks of rows, so 1M x 2,000 with 50M votes
  takes seconds and about the memory of the result.

Agree = +1, disagree = -1, pass = 0 (explicit entry); unseen = no entry.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from meedenken.engine.matrix import VoteMatrix

__all__ = ["cached_planted", "matrix_from_csr", "planted", "resample"]

#: Default share of a resampled participant's votes that is dropped / flipped to another value.
DROP_SHARE = 0.05
FLIP_SHARE = 0.03
#: Rows generated per chunk by :func:`planted` (bounds its temporary memory).
CHUNK_ROWS = 100_000
#: Planted groups and their shares of participants.
GROUP_SHARES = (0.4, 0.3, 0.2, 0.1)
#: Share of statements on which the groups disagree with each other (the rest are shared).
DIVISIVE_SHARE = 0.5
#: Pass probability per statement is drawn uniformly from this range.
PASS_RANGE = (0.05, 0.25)
#: Votes per participant: log-normal spread (sigma of log), like real conversations' long tail.
VOTES_SIGMA = 0.8


def _rows_of(indptr: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))


def resample(X: sp.csr_matrix, n_participants: int, *, drop: float = DROP_SHARE,
             flip: float = FLIP_SHARE, random_state: int = 0) -> sp.csr_matrix:
    """Scale a real vote matrix up (or down) to ``n_participants`` rows by noisy resampling.

    Parameters
    ----------
    X : csr_matrix, shape (n, n_statements), int8 votes in {-1, 0, +1}
    n_participants : rows of the result
    drop : share of the drawn votes removed
    flip : share of the remaining votes replaced by one of the two other values
    random_state : seed

    Returns
    -------
    csr_matrix, shape (n_participants, n_statements), int8, sorted indices
    """
    rng = np.random.default_rng(random_state)
    Y = X[rng.integers(0, X.shape[0], size=n_participants)].tocsr()
    rows = _rows_of(Y.indptr)
    keep = rng.random(Y.nnz) >= drop
    rows, cols, data = rows[keep], Y.indices[keep], Y.data[keep].astype(np.int8)
    flipped = rng.random(len(data)) < flip
    # Adding 1 or 2 modulo 3 on {-1, 0, 1} moves a vote to one of the two other values.
    shift = rng.integers(1, 3, size=int(flipped.sum()))
    data[flipped] = ((data[flipped] + 1 + shift) % 3 - 1).astype(np.int8)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_participants))])
    out = sp.csr_matrix((data, cols, indptr), shape=(n_participants, X.shape[1]))
    out.sort_indices()
    return out


def _votes_per_row(rng: np.random.Generator, n_rows: int, mean: float, n_statements: int
                   ) -> np.ndarray:
    counts = rng.lognormal(0.0, VOTES_SIGMA, size=n_rows)
    counts = np.rint(counts * mean / np.exp(VOTES_SIGMA**2 / 2))
    return np.clip(counts, 1, n_statements).astype(np.int64)


def _distinct_columns(rng: np.random.Generator, counts: np.ndarray, n_statements: int
                      ) -> np.ndarray:
    """For row i, counts[i] distinct columns: offset_i + j * stride_i (mod n), stride coprime."""
    strides = np.flatnonzero(np.gcd(np.arange(n_statements), n_statements) == 1)
    offset = rng.integers(0, n_statements, size=len(counts))
    stride = rng.choice(strides, size=len(counts))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    j = np.arange(int(counts.sum())) - np.repeat(starts, counts)
    return ((np.repeat(offset, counts) + j * np.repeat(stride, counts)) % n_statements).astype(
        np.int32)


def planted(n_participants: int, n_statements: int, n_votes: int, *, random_state: int = 0,
            chunk_rows: int = CHUNK_ROWS) -> tuple[sp.csr_matrix, np.ndarray]:
    """A conversation with planted groups; about ``n_votes`` votes in total.

    Returns
    -------
    X : csr_matrix, shape (n_participants, n_statements), int8, sorted indices
    groups : ndarray of int8, shape (n_participants,), the planted group of each participant
    """
    rng = np.random.default_rng(random_state)
    n_groups = len(GROUP_SHARES)
    groups = rng.choice(n_groups, size=n_participants, p=GROUP_SHARES).astype(np.int8)
    p_pass = rng.uniform(*PASS_RANGE, size=n_statements)
    shared = rng.beta(2.0, 2.0, size=n_statements)
    own = rng.beta(0.6, 0.6, size=(n_groups, n_statements))
    divisive = rng.random(n_statements) < DIVISIVE_SHARE
    q_agree = np.where(divisive, own, shared)  # P(agree | not pass), (n_groups, n_statements)
    p_agree = ((1 - p_pass) * q_agree).astype(np.float32)
    p_agree_or_pass = (p_agree + p_pass).astype(np.float32)
    mean = n_votes / n_participants

    indptr = np.zeros(n_participants + 1, dtype=np.int64)
    indices, data = [], []
    for start in range(0, n_participants, chunk_rows):
        stop = min(start + chunk_rows, n_participants)
        counts = _votes_per_row(rng, stop - start, mean, n_statements)
        indptr[start + 1 : stop + 1] = indptr[start] + np.cumsum(counts)
        cols = _distinct_columns(rng, counts, n_statements)
        g = np.repeat(groups[start:stop], counts)
        u = rng.random(len(cols), dtype=np.float32)
        vote = np.where(u < p_agree[g, cols], 1, np.where(u < p_agree_or_pass[g, cols], 0, -1))
        indices.append(cols)
        data.append(vote.astype(np.int8))
    index_dtype = np.int32 if indptr[-1] < 2**31 else np.int64
    X = sp.csr_matrix(
        (np.concatenate(data), np.concatenate(indices), indptr.astype(index_dtype)),
        shape=(n_participants, n_statements),
    )
    X.sort_indices()
    return X, groups


def cached_planted(n_participants: int, n_statements: int, n_votes: int, *,
                   random_state: int = 0, cache_dir: str | Path) -> tuple[sp.csr_matrix, float]:
    """:func:`planted`, stored once as ``.npz`` in ``cache_dir``; returns (X, seconds to build).

    Seconds is 0.0 when the matrix came from the cache.
    """
    import time

    path = Path(cache_dir) / f"planted_{n_participants}x{n_statements}_{n_votes}_{random_state}.npz"
    if path.is_file():
        return sp.load_npz(path).tocsr(), 0.0
    start = time.perf_counter()
    X, _ = planted(n_participants, n_statements, n_votes, random_state=random_state)
    seconds = time.perf_counter() - start
    path.parent.mkdir(parents=True, exist_ok=True)
    sp.save_npz(path, X, compressed=False)
    return X, seconds


def matrix_from_csr(X: sp.csr_matrix, *, excluded: np.ndarray | None = None) -> VoteMatrix:
    """A :class:`VoteMatrix` around an existing CSR (ids 0..n-1), without per-record loops.

    ``VoteMatrix.from_records`` maps ids one record at a time in Python, which is fine for live
    votes but would dominate building a 50M-vote test matrix; this fills the same fields
    directly. Times are the entry order (one float per vote, as the real matrix keeps).
    """
    m = VoteMatrix()
    n_p, n_s = X.shape
    m.participant_ids = list(range(n_p))
    m.statement_ids = list(range(n_s))
    m.participant_index = {p: i for i, p in enumerate(m.participant_ids)}
    m.statement_index = {s: j for j, s in enumerate(m.statement_ids)}
    m.X = X.astype(np.int8, copy=False)
    m._times = np.arange(X.nnz, dtype=np.float64)
    m.excluded = np.zeros(n_s, dtype=bool) if excluded is None else np.asarray(excluded, bool)
    m.meta = np.zeros(n_s, dtype=bool)
    return m

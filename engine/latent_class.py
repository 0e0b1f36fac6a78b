"""Latent class model of the votes: opinion groups found in the votes themselves, not on the map.

The opinion map squeezes every participant into two dimensions; a small group whose votes differ
from the majority's on statements the map's axes do not weigh (a 10% minority) sits inside the
majority's spread there and no clustering of map positions finds it (benchmarks/RESULTS.md,
issue 15 sessions 5-6). A latent class model (Lazarsfeld 1950; Goodman 1974; the model of poLCA
and StepMix) reads the votes directly: each participant belongs to one of k classes, and votes
are independent given the class. Missing votes are simply not in the likelihood, and passes are
left out too (they say "no opinion", not which side; Pol.is's group figures also count only
agree and disagree).

**Leniency.** People differ in how readily they agree with anything (acquiescence, a response
style). A plain latent class model splits that continuous trait into classes ("agrees a lot",
"agrees less"): on planted two-group rooms at 30% density it found 3-4 classes, and exactly 2
once the planted leniency was switched off (benchmarks/RESULTS.md, issue 15 session 7). So the
model gives each participant a leniency ``u_i`` on the log-odds scale, a random intercept with a
normal prior (the latent-class-with-response-style model; Moors 2003, Quality & Quantity 37,
277-302):

    P(agree with s | class c, participant i) = 1 / (1 + exp(-(beta[c, s] + u_i))),
    u_i ~ N(0, tau^2).

Fitted by an EM whose M-step takes one Newton step per parameter (each beta[c, s] and each u_i
has one-dimensional score and information; a ridge keeps a statement everyone in a class agrees
with finite), and tau^2 updated from the u's and their precision (Laplace). All sums are sparse
products over the votes: an iteration costs a few passes over (votes x k) numbers.

A hand-written EM rather than StepMix or poLCA: those work on dense (n x S) arrays with missing
values and have no leniency term; here the votes stay sparse and every start is fixed.
Which k the votes support is decided in :mod:`engine.grouping`; this module fits, scores
held-out votes and assigns participants.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import TypeVar

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, logsumexp

T = TypeVar("T")
R = TypeVar("R")

__all__ = [
    "ClassPlacement",
    "ClassProfiles",
    "LatentClasses",
    "Votes",
    "assign",
    "concatenated_ranges",
    "fit_classes",
    "held_out_losses",
    "in_threads",
    "residual_positions",
    "side_by_side",
    "vote_fingerprints",
    "vote_log_loss",
    "votes_of",
]

#: Ridge (a normal prior with variance 1) on each class's log-odds beta[c, s]: a statement
#: every member of a class agreed with gets a finite log-odds, and one with two votes is
#: pulled towards even odds (continuum.py's per-statement fits use the same ridge).
RIDGE = 1.0
#: Starting leniency spread tau (log-odds) and its floor (tau is re-estimated every step).
TAU_START = 0.5
TAU_FLOOR = 0.05
#: (vote, class) cells placed at a time by :func:`assign`: its participants are placed a few
#: at a time, so that each (votes, classes) float64 temporary (1 MB) stays in the core's cache.
#: At a million participants (43M votes, 4 classes) chunks of 760 participants placed everyone
#: in 14 s, chunks of 100,000 (each temporary 140 MB, read from memory) in 31 s, with the same
#: numbers to the bit (benchmarks/RESULTS.md, session 26 lead).
ASSIGN_CELLS = 2**17
#: Where everyone in a large room is placed in the published classes (beyond the participants
#: the runs were compared on), :func:`assign` stops once no leniency of a chunk moves by this
#: much (log-odds) in a step. Each step shrinks the change about fivefold: on 100,000
#: participants of the million-participant room, 2 steps instead of 5 left every participant's
#: most probable class the same and moved no class probability by more than 0.002, in 1.1
#: instead of 2.2 s (benchmarks/RESULTS.md, session 27 lead).
PLACE_TOLERANCE = 1e-3
#: Votes summed at a time by :func:`vote_fingerprints` (for the cache, as above).
FINGERPRINT_VOTES = 2**18
#: Independent pieces of work done at once, in threads: :func:`assign`'s chunks,
#: :func:`held_out_losses`' refits, the trait's held-out fits and the class bootstrap's
#: resamples. NumPy's and SciPy's loops release the GIL, and the machines this is made for
#: have 2 cores (at a million participants, placing everyone took 41 s in one thread).
THREADS = 2
#: EM stops when the mean penalised log-likelihood per vote improves by less than this (or
#: after ``max_iterations``): far below any difference the held-out test can see.
TOLERANCE = 1e-4


@dataclass(frozen=True)
class Votes:
    """Agree (y = 1) / disagree (y = 0) votes of n participants on S statements, with the sparse
    summing matrices every step uses and a weight per participant (bootstrap resamples)."""

    row: np.ndarray
    col: np.ndarray
    y: np.ndarray
    n: int
    n_statements: int
    weight: np.ndarray

    @cached_property
    def _sums(self) -> tuple[sp.csc_matrix, sp.csc_matrix]:
        # Built where first needed: everyone's votes in a large room are only ever read in
        # samples and chunks (each with its own), so their own (2 GB at 50M votes) never are.
        return _summing(self.row, self.n, self.col, self.n_statements)

    @property
    def by_row(self) -> sp.csc_matrix:
        """(n, m) 0/1 matrix: its products sum over each participant's votes."""
        return self._sums[0]

    @property
    def by_col(self) -> sp.csc_matrix:
        """(S, m) 0/1 matrix: its products sum over each statement's votes."""
        return self._sums[1]

    @classmethod
    def of(
        cls,
        row: np.ndarray,
        col: np.ndarray,
        y: np.ndarray,
        n: int,
        n_statements: int,
        weight: np.ndarray | None = None,
    ) -> Votes:
        return cls(row, col, y, n, n_statements, np.ones(n) if weight is None else weight)

    def subset(self, keep: np.ndarray) -> Votes:
        """The votes where ``keep`` (a bool per vote) is true, same participants."""
        return Votes.of(
            self.row[keep], self.col[keep], self.y[keep], self.n, self.n_statements, self.weight
        )

    def participants(self, rows: np.ndarray) -> Votes:
        """The votes of participants ``rows`` (sorted, distinct), renumbered 0.. (where the
        votes are in participant order, as :func:`votes_of` gives them, read by ranges: a
        sample of a million participants' 50M votes without scanning them all)."""
        if self.in_participant_order:
            lo, hi = np.searchsorted(self.row, rows), np.searchsorted(self.row, rows + 1)
            take = concatenated_ranges(lo, hi - lo)
            return Votes.of(np.repeat(np.arange(len(rows)), hi - lo), self.col[take],
                            self.y[take], len(rows), self.n_statements, self.weight[rows])
        new = np.full(self.n, -1, dtype=np.int64)
        new[rows] = np.arange(len(rows))
        keep = new[self.row] >= 0
        return Votes.of(
            new[self.row[keep]], self.col[keep], self.y[keep], len(rows), self.n_statements,
            self.weight[rows],
        )

    def chunk(self, start: int, stop: int) -> Votes:
        """The votes of participants ``start`` to ``stop - 1``, renumbered 0.. (as
        :meth:`participants` gives them; a slice where the votes are in participant order, as
        :func:`votes_of` puts them).

        >>> v = Votes.of(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 0]), np.ones(4), 3, 2)
        >>> v.chunk(1, 3).row.tolist(), v.chunk(1, 3).col.tolist()
        ([0, 1], [1, 0])
        """
        if not self.in_participant_order:
            return self.participants(np.arange(start, stop))
        lo, hi = np.searchsorted(self.row, [start, stop])
        return Votes.of(self.row[lo:hi] - start, self.col[lo:hi], self.y[lo:hi], stop - start,
                        self.n_statements, self.weight[start:stop])

    @cached_property
    def in_participant_order(self) -> bool:
        """Whether the votes are sorted by participant (checked once per set of votes: placing
        a million participants reads ten chunks of the same votes)."""
        return bool(np.all(self.row[1:] >= self.row[:-1]))

    def weight_total(self) -> float:
        """The participants' total weight (the leniency's variance is a mean over it)."""
        total = self.weight.sum()
        if total == 0.0:
            raise ZeroDivisionError("the participants' weights sum to zero")
        return total

    def leniency_variance(self, second_moment: np.ndarray, total: float) -> float:
        """The leniency prior's variance at its EM update: the participants' weighted mean of
        ``second_moment`` (each leniency's estimate squared plus its posterior variance), floored
        at :data:`TAU_FLOOR` squared; ``total`` is :meth:`weight_total`. Computed as
        ``np.average(second_moment, weights=self.weight)`` does, without its checks."""
        return max(float((second_moment * self.weight).sum() / total), TAU_FLOOR**2)

    def weighted(self, weight: np.ndarray) -> Votes:
        """The same votes with other participant weights (sharing their summing matrices)."""
        other = Votes(self.row, self.col, self.y, self.n, self.n_statements, weight)
        other.__dict__["_sums"] = self._sums
        return other


class _SideBySide:
    """How many pieces of work run side by side (:func:`side_by_side`), each on a core."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0


_side = _SideBySide()


def in_threads(work: Callable[[T], R], items: Iterable[T], name: str) -> list[R]:
    """``[work(item) for item in items]``, :data:`THREADS` items at a time in threads named
    ``name`` (each piece of work must read only its own item and shared, unchanged data); in
    the calling thread, one after the other, while two or more callers run side by side
    (:func:`side_by_side`): the cores are taken.

    >>> in_threads(lambda x: x * x, range(5), "doctest")
    [0, 1, 4, 9, 16]
    """
    if _side.running > 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix=name) as pool:
        return list(pool.map(work, items))


@contextmanager
def side_by_side() -> Iterator[None]:
    """Marks a piece of work that runs beside others (the grouping's first runs, each in its
    own thread): while two or more are running, :func:`in_threads` does its work in the
    calling thread; once one is left, it uses the threads again (a run whose bootstrap goes
    on after the others finished gets both cores). The same results either way."""
    with _side.lock:
        _side.running += 1
    try:
        yield
    finally:
        with _side.lock:
            _side.running -= 1


def _summing(row: np.ndarray, n: int, col: np.ndarray, n_statements: int
             ) -> tuple[sp.csc_matrix, sp.csc_matrix]:
    """The (n, m) and (n_statements, m) 0/1 matrices whose products sum the m votes by
    participant (``row``) and by statement (``col``): column j holds vote j's one 1, so they
    are built without sorting the votes (at 50M votes a sort took seconds), and share their
    values and column pointers. Their products add each sum's terms in vote order, as the
    same matrices in CSR form do: the same numbers to the bit.

    >>> by_row, by_col = _summing(np.array([1, 0, 1]), 2, np.array([0, 0, 2]), 3)
    >>> (by_row @ np.array([1.0, 2.0, 4.0])).tolist(), (by_col @ np.ones(3)).tolist()
    ([2.0, 5.0], [2.0, 0.0, 1.0])
    """
    m = len(row)
    # The index type SciPy would choose (int32 while it holds every index), so it copies none.
    index = np.int32 if max(m, n, n_statements) < np.iinfo(np.int32).max else np.int64
    ones, pointers = np.ones(m), np.arange(m + 1, dtype=index)
    return (sp.csc_matrix((ones, row.astype(index), pointers), shape=(n, m)),
            sp.csc_matrix((ones, col.astype(index), pointers), shape=(n_statements, m)))


def concatenated_ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices ``starts[i], ..., starts[i] + lengths[i] - 1`` for each i in turn: the
    stored votes of some rows of a CSR matrix (``indptr``) or of participants whose votes are
    in participant order, read without scanning the others.

    >>> concatenated_ranges(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist()
    [5, 6, 9, 10, 11]
    """
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))


def votes_of(X: sp.csr_matrix, rows: np.ndarray, active: np.ndarray) -> Votes:
    """The agree / disagree votes of participants ``rows`` of ``X`` (agree +1, disagree -1,
    pass 0) on the ``active`` statements; participant j of the result is ``rows[j]``."""
    everyone = len(rows) == X.shape[0] and bool(np.array_equal(rows, np.arange(len(rows))))
    sub = X if everyone else X[rows]  # X itself: no copy of every vote
    keep = active[sub.indices]
    keep &= sub.data != 0
    # The votes kept per participant, from a running count read at the row pointers: only the
    # kept votes are widened to 64 bits (at 50M votes half the time of widening them all).
    kept = np.zeros(len(keep) + 1, dtype=np.int32 if len(keep) < 2**31 else np.int64)
    np.cumsum(keep, out=kept[1:])
    r = np.repeat(np.arange(len(rows)), kept[sub.indptr[1:]] - kept[sub.indptr[:-1]])
    c = sub.indices[keep].astype(np.int64)
    return Votes.of(r, c, (sub.data[keep] > 0).astype(np.float64), len(rows), X.shape[1])


@dataclass(frozen=True)
class LatentClasses:
    """A fitted latent class model with leniency."""

    #: (k,) class shares; (k, S) log-odds of agreeing of a participant of average leniency.
    weights: np.ndarray
    logit: np.ndarray
    #: Leniency spread (log-odds).
    tau: float
    #: (n,) class probabilities and leniency of the participants it was fitted on.
    resp: np.ndarray
    lean: np.ndarray
    #: Mean penalised log-likelihood per vote on those votes.
    loglik: float

    @property
    def k(self) -> int:
        return len(self.weights)


@dataclass(frozen=True)
class ClassProfiles:
    """What places a participant in a published latent class (kept for live updates): the
    class shares, each class's log-odds per statement (statement order of the analysis) and
    the leniency spread."""

    weights: np.ndarray
    logit: np.ndarray
    tau: float

    @classmethod
    def of(cls, model: LatentClasses) -> ClassProfiles:
        return cls(model.weights, model.logit, model.tau)


@dataclass(frozen=True)
class ClassPlacement:
    """Where an update placed each participant in the published classes (kept for the next
    live update): the class row per participant (-1: not placed) and the fingerprint of the
    votes it was placed by (:func:`vote_fingerprints`), both aligned with the participants of
    that update."""

    labels: np.ndarray
    fingerprints: np.ndarray


def vote_fingerprints(X: sp.csr_matrix, active: np.ndarray,
                      statement_ids: Sequence[Hashable]) -> np.ndarray:
    """(n_participants,) uint64 fingerprint of each participant's agree / disagree votes on the
    ``active`` statements: which statements (by id, so a renumbering does not matter) and
    which side. :func:`assign` places each participant from their own votes alone, so in the
    same classes a participant whose fingerprint has not changed is placed where they were
    (two different sets of votes share a fingerprint with chance about 2**-64: a sum of
    SplitMix64 hashes, one per vote).

    >>> X = sp.csr_matrix(np.array([[1, -1, 0], [1, -1, 0], [-1, 1, 0], [1, 0, 0]]))
    >>> fp = vote_fingerprints(X, np.array([True, True, True]), ["a", "b", "c"])
    >>> bool(fp[0] == fp[1]), bool(fp[0] == fp[2]), bool(fp[0] == fp[3])
    (True, False, False)
    >>> bool(vote_fingerprints(X, np.array([True, False, True]), ["a", "b", "c"])[0] == fp[3])
    True
    >>> vote_fingerprints(sp.csr_matrix((2, 3), dtype=np.int8), np.ones(3, bool), [1, 2, 3])
    array([0, 0], dtype=uint64)
    """
    keys = np.array([zlib.crc32(repr(sid).encode()) for sid in statement_ids], dtype=np.uint64)
    # One hash per statement and stored value (-1, 0, 1): 0 for a pass and on an inactive one.
    table = np.zeros((len(keys), 3), dtype=np.uint64)
    table[:, 0] = _splitmix64(keys * np.uint64(2))
    table[:, 2] = _splitmix64(keys * np.uint64(2) + np.uint64(1))
    table[~active] = 0
    flat = table.ravel()
    wide = np.int32 if 3 * len(keys) < 2**31 else np.int64
    out = np.empty(X.shape[0], dtype=np.uint64)
    # Summed a block of participants at a time (about FINGERPRINT_VOTES votes), so that the
    # temporaries stay in the cache: the same sums.
    cuts = np.searchsorted(X.indptr, np.arange(0, X.indptr[-1], FINGERPRINT_VOTES),
                           side="right") - 1
    bounds = [*np.unique(np.append(cuts, 0)).tolist(), X.shape[0]]
    for r0, r1 in pairwise(bounds):
        lo, hi = X.indptr[r0], X.indptr[r1]
        # Each stored vote's row of the table: 3 x statement + value + 1.
        code = X.indices[lo:hi].astype(wide)
        code *= 3
        code += X.data[lo:hi]
        code += 1
        sums = np.zeros(hi - lo + 1, dtype=np.uint64)
        np.cumsum(flat[code], out=sums[1:])
        ptr = X.indptr[r0:r1 + 1] - lo
        out[r0:r1] = sums[ptr[1:]] - sums[ptr[:-1]]  # modulo 2**64, as the sums
    return out


def _splitmix64(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser (Steele, Lea & Flood 2014) on uint64 values (NumPy wraps)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _eta(v: Votes, logit: np.ndarray, lean: np.ndarray) -> np.ndarray:
    """(m, k) log-odds of each vote under each class."""
    # np.take, not fancy indexing: the same rows, gathered 10-20x faster for k >= 2.
    return np.take(np.ascontiguousarray(logit.T), v.col, axis=0) + lean[v.row][:, None]


def _class_loglik(v: Votes, p: np.ndarray) -> np.ndarray:
    """(n, k) log-likelihood of each participant's votes under each class, from each vote's
    (m, k) probability of agreeing."""
    chance = 1.0 - p  # then p where the vote agrees: np.where's values, in place
    np.copyto(chance, p, where=(v.y > 0)[:, None])
    np.maximum(chance, 1e-300, out=chance)
    return np.asarray(v.by_row @ np.log(chance, out=chance))


def _log_sum_exp_rows(a: np.ndarray) -> np.ndarray:
    """(n, 1) log(sum(exp(a), axis=1)) of finite ``a`` (n, k), computed as SciPy 1.15+'s
    ``scipy.special.logsumexp(a, axis=1, keepdims=True)`` computes it (the same operations,
    so the same numbers to the bit): the row's largest value taken out exactly, the rest
    summed relative to it, log1p of that sum over the number of largest values. SciPy's
    array-API dispatch around those few operations cost a third of an EM step on a room of
    100 participants; where a row is not finite, SciPy's own answer is used.

    >>> a = np.array([[0.0, np.log(3.0)], [-1000.0, -1000.0]])
    >>> bool(np.array_equal(_log_sum_exp_rows(a), logsumexp(a, axis=1, keepdims=True)))
    True
    """
    a_max = a.max(axis=1, keepdims=True)
    is_max = a == a_max
    rest = a.copy()
    rest[is_max] = -np.inf
    n_max = is_max.sum(axis=1, keepdims=True, dtype=a.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.exp(rest - a_max).sum(axis=1, keepdims=True)
        s = np.where(s == 0, s, s / n_max)
        out = np.log1p(s) + np.log(n_max) + a_max
    if not np.isfinite(out).all():
        return np.asarray(logsumexp(a, axis=1, keepdims=True))
    return out


def _responsibilities(
    v: Votes, p: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    lj = _class_loglik(v, p) + np.log(weights)[None, :]
    total = _log_sum_exp_rows(lj)
    return np.exp(lj - total), total[:, 0]


def _newton_steps(
    v: Votes,
    p: np.ndarray,
    resp: np.ndarray,
    logit: np.ndarray,
    lean: np.ndarray,
    tau2: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Newton step of every class's log-odds per statement (weighted participants) and of
    every participant's leniency, both from the same (m, k) vote probabilities ``p``; returns
    (logit, lean, the leniencies' precision)."""
    resid, info = _residuals(v, p, resp)
    w = v.weight[v.row][:, None]
    g = np.asarray(v.by_col @ (w * resid)).T - RIDGE * logit
    h = np.asarray(v.by_col @ (w * info)).T + RIDGE
    lean, h_lean = _leniency_step(v, resid, info, lean, tau2)
    return logit + g / h, lean, h_lean


def _residuals(v: Votes, p: np.ndarray, resp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(m, k) each vote's residual and information under each class, weighted by its
    participant's class probability."""
    rv = np.take(resp, v.row, axis=0)
    return rv * (v.y[:, None] - p), rv * p * (1.0 - p)


def _leniency_step(
    v: Votes, resid: np.ndarray, info: np.ndarray, lean: np.ndarray, tau2: float
) -> tuple[np.ndarray, np.ndarray]:
    """One Newton step of every participant's leniency from :func:`_residuals`: (lean, its
    precision)."""
    ones = np.ones(resid.shape[1])
    g_lean = v.by_row @ (resid @ ones) - lean / tau2
    h_lean = v.by_row @ (info @ ones) + 1.0 / tau2
    return lean + g_lean / h_lean, h_lean


def em(
    v: Votes,
    resp: np.ndarray,
    *,
    max_iterations: int,
    lean: np.ndarray | None = None,
    logit: np.ndarray | None = None,
    tau: float = TAU_START,
    full_objective: bool = False,
) -> LatentClasses:
    """EM from the class probabilities ``resp`` (n, k) (and optionally a previous fit's
    leniencies and log-odds). It stops when a step gains less than :data:`TOLERANCE` in the
    mean penalised log-likelihood per vote (a step that lowers it included), the figure
    returned as ``loglik``. With ``full_objective`` that figure is the whole objective the steps
    climb: with the ridge on the classes' log-odds (:data:`RIDGE`) and the prior of the class
    shares (one participant's weight added to each). Without them (the default, as before) the
    figure zigzags over the first steps while the objective rises, and EM stops at the first
    dip: canadian-electoral-reform's two classes from a random start stop at step 8 instead of
    15, each start where it happened to dip (benchmarks/RESULTS.md, session 24 g15em)."""
    k = resp.shape[1]
    lean = np.zeros(v.n) if lean is None else lean.copy()
    logit = np.zeros((k, v.n_statements)) if logit is None else logit.copy()
    tau2 = tau**2
    n_votes = max(float(len(v.y)), 1.0)
    last, mean_ll, weights = -np.inf, -np.inf, np.full(k, 1.0 / k)
    weight_sum = v.weight_total()
    p = expit(_eta(v, logit, lean))
    for _ in range(max_iterations):
        mass = v.weight @ resp + 1.0
        weights = mass / mass.sum()
        logit, lean, precision = _newton_steps(v, p, resp, logit, lean, tau2)
        tau2 = v.leniency_variance(lean**2 + 1.0 / precision, weight_sum)
        p = expit(_eta(v, logit, lean))
        resp, ll = _responsibilities(v, p, weights)
        penalty = 0.5 * (lean**2 / tau2 + np.log(tau2))
        mean_ll = float(np.dot(v.weight, ll - penalty)) / n_votes
        if full_objective:
            mean_ll += (float(np.log(weights).sum())
                        - 0.5 * RIDGE * float(np.einsum("ij,ij->", logit, logit))) / n_votes
        if mean_ll - last < TOLERANCE:
            break
        last = mean_ll
    return LatentClasses(weights, logit, float(np.sqrt(tau2)), resp, lean, mean_ll)


def residual_positions(v: Votes, dims: int, *, seed: int, iterations: int = 30,
                       shuffles: int = 5) -> np.ndarray:
    """(v.n, dims) each participant's position on the leading components of the votes'
    *residuals* after the model with one class (each statement's own log-odds and each
    participant's leniency): what is left once how readily someone agrees with anything is
    taken out. Each vote's residual is standardised, (y - p) / sqrt(p (1 - p)); a statement
    not voted on counts 0 (no evidence either way). At most ``dims`` components, and only those
    whose singular value beats the largest of ``shuffles`` shuffles of the residuals (each
    statement's residuals permuted over its voters: parallel analysis, as the opinion space's
    axes, :mod:`engine.opinion_space`); (v.n, 0) when none does: nothing beyond chance is left
    once leniency is out, so no start is cut from it.

    Why: a participant's leniency is the strongest pattern in votes with wide response styles,
    so the opinion space's cells (and EM started from them) split the lenient from the strict
    while a 10% minority is spread over every cell. Leaving leniency out first lets k-means see
    the minority: on the common-fresh rooms (70/20/10, leniency sd 0.8, 12% density) the
    latent class model started from the k-means cells of these positions reached nearly the
    likelihood of the start from the planted groups (which kept a 10% class), where the
    opinion space's cells and random starts did not (benchmarks/RESULTS.md, "Session 11,
    cg16i").

    Examples
    --------
    Two camps of four who disagree on everything; a lenient and a strict participant in each:

    >>> y = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 0, 0, 0]] * 2, float)
    >>> y[4:] = 1 - y[4:]
    >>> row, col = np.nonzero(np.ones_like(y))
    >>> pos = residual_positions(Votes.of(row, col, y[row, col], 8, 4), 1, seed=0)
    >>> side = np.sign(pos[:, 0]) * np.sign(pos[0, 0])
    >>> side.astype(int).tolist()
    [1, 1, 1, 1, -1, -1, -1, -1]
    """
    # Imported here: the engine imports this module at start-up, sklearn (and pandas with
    # it) only when a step needs it (tests/test_imports.py).
    from sklearn.utils.extmath import randomized_svd

    one = em(v, np.ones((v.n, 1)), max_iterations=iterations)
    p = np.clip(expit(one.logit[0, v.col] + one.lean[v.row]), 1e-6, 1.0 - 1e-6)
    resid = sp.csr_matrix(((v.y - p) / np.sqrt(p * (1.0 - p)), (v.row, v.col)),
                          shape=(v.n, v.n_statements))
    from .opinion_space import _by_column, _shuffled_within_columns

    # No normalisation between the power iterations: the same subspace in exact arithmetic
    # (positions equal to 1e-13 on the planted rooms), without the LU factorisations that took
    # 0.9 of 1.2 CPU s on 1,500 x 2,000 residuals (the 50M-vote room's class sample).
    def leading(m: sp.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
        u, s, _ = randomized_svd(m, k, random_state=seed, power_iteration_normalizer="none")
        return u, s

    dims = max(min(dims, min(resid.shape) - 1), 1)
    u, s = leading(resid, dims)
    rng = np.random.default_rng(seed)
    slots = _by_column(resid.indices, resid.shape[1])
    null = max((float(leading(_shuffled_within_columns(resid, slots, rng), 1)[1][0])
                for _ in range(shuffles)), default=0.0)
    keep = s > null
    return np.asarray(u[:, keep] * s[keep])


def _hard(labels: np.ndarray, k: int) -> np.ndarray:
    resp = np.full((len(labels), k), 0.0)
    resp[np.arange(len(labels)), labels] = 1.0
    return resp


def fit_classes(
    v: Votes, starts: list[np.ndarray], *, max_iterations: int, screen_iterations: int,
    full_objective: bool = False,
) -> LatentClasses:
    """The best of several EM starts (each a labelling of the participants): every start runs
    ``screen_iterations``, the one with the highest likelihood then runs on to convergence
    (``full_objective``: :func:`em`'s, for both)."""
    k = int(max(int(s.max()) for s in starts)) + 1

    def screen(labels: np.ndarray) -> LatentClasses:
        return em(v, _hard(labels, k), max_iterations=screen_iterations,
                  full_objective=full_objective)

    best: LatentClasses | None = None
    for fit in in_threads(screen, starts, "class-start"):  # the first of equals, as in order
        if best is None or fit.loglik > best.loglik + 1e-12:
            best = fit
    assert best is not None
    return em(
        v, best.resp, max_iterations=max_iterations, lean=best.lean, logit=best.logit,
        tau=best.tau, full_objective=full_objective,
    )


def assign(
    v: Votes, model: LatentClasses | ClassProfiles, *, steps: int = 5,
    chunk: int | None = None, tolerance: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities (n, k) and leniency of participants the model was not fitted on
    (their leniency and class found together, ``steps`` alternations at most; fewer where
    no leniency of a chunk moved by ``tolerance`` or more in the last one).

    Each participant is placed from their own votes alone, so the participants are placed
    ``chunk`` at a time (default: about :data:`ASSIGN_CELLS` votes times classes),
    :data:`THREADS` chunks at once: the same numbers, with temporaries of a few chunks'
    votes."""
    if chunk is None:
        per_participant = max(len(v.y) / max(v.n, 1), 1.0) * len(model.weights)
        chunk = max(int(ASSIGN_CELLS / per_participant), 1)
    if v.n > chunk:
        if not v.in_participant_order:
            # Chunks are read as slices: the votes put in participant order once (a stable
            # sort keeps each participant's votes in their order, so the same sums).
            order = np.argsort(v.row, kind="stable")
            v = Votes.of(v.row[order], v.col[order], v.y[order], v.n, v.n_statements, v.weight)

        def place(start: int) -> tuple[np.ndarray, np.ndarray]:
            return assign(v.chunk(start, min(start + chunk, v.n)), model, steps=steps,
                          chunk=chunk, tolerance=tolerance)

        parts = in_threads(place, range(0, v.n, chunk), "class-assign")
        return (np.concatenate([resp for resp, _ in parts]),
                np.concatenate([lean for _, lean in parts]))
    lean = np.zeros(v.n)
    tau2 = model.tau**2
    p = expit(_eta(v, model.logit, lean))
    resp, _ = _responsibilities(v, p, model.weights)
    for _ in range(steps):
        # the log-odds stay the model's: only the leniency step of _newton_steps
        before = lean
        lean, _ = _leniency_step(v, *_residuals(v, p, resp), lean, tau2)
        p = expit(_eta(v, model.logit, lean))
        resp, _ = _responsibilities(v, p, model.weights)
        if tolerance > 0 and (v.n == 0 or float(np.abs(lean - before).max()) < tolerance):
            break
    return resp, lean


def held_out_losses(
    v: Votes,
    models: dict[int, LatentClasses],
    *,
    n_folds: int,
    iterations: int,
    rng: np.random.Generator,
    full_objective: bool = False,
) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Cross-validated log-loss of each agree / disagree vote under each model in ``models``
    (``full_objective``: :func:`em`'s, for the refits).

    The votes are cut in ``n_folds`` folds; for each fold every model is refitted on the other
    folds (EM warm-started from the model, ``iterations`` steps: class profiles and leniencies
    learnt without the fold) and each held-out vote is predicted from its participant's class
    probabilities and leniency given only their other votes. Returns (participant of each vote,
    k -> (m,) log-loss), for :func:`engine.choose_k.paired_participant_z`.
    """
    folds = rng.integers(n_folds, size=len(v.y))
    losses = {k: np.zeros(len(v.y)) for k in models}
    tests = [folds == f for f in range(n_folds)]
    trains = [v.subset(~test) for test in tests]

    def loss(f: int, k: int) -> np.ndarray:
        model, test = models[k], tests[f]
        refit = em(
            trains[f],
            model.resp,
            max_iterations=iterations,
            lean=model.lean,
            logit=model.logit,
            tau=model.tau,
            full_objective=full_objective,
        )
        r, c = v.row[test], v.col[test]
        p = (np.take(refit.resp, r, axis=0)
             * expit(np.take(refit.logit, c, axis=1).T + refit.lean[r][:, None])).sum(1)
        return vote_log_loss(v.y[test], np.clip(p, 1e-9, 1.0 - 1e-9))

    # Every fold's refit of each model is independent.
    fits = [(f, k) for f in range(n_folds) for k in models]
    for (f, k), fold_loss in zip(fits, in_threads(lambda fk: loss(*fk), fits, "class-fold"),
                                 strict=True):
        losses[k][tests[f]] = fold_loss
    return v.row, losses


def vote_log_loss(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Log-loss of each agree (1) / disagree (0) vote ``y`` under its predicted P(agree) ``p``
    (every held-out score of the grouping: groups, latent classes, latent trait)."""
    return np.asarray(-(y * np.log(p) + (1.0 - y) * np.log1p(-p)))

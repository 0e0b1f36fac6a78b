"""Synthetic conversations with planted opinion groups and planted statement kinds.

Used to test and benchmark bridging: we know which statements every group supports, so a ranking
can be scored (precision@k, AUC). Four statement kinds are planted:

``bridging``
    every group agrees with probability in ``BRIDGING_AGREE`` (broad, not unanimous, support);
``favourite``
    the largest group agrees with probability in ``FAVOURITE_AGREE``; the others mostly disagree
    (``FAVOURITE_OTHERS``). Its raw agree rate can beat a bridging statement's, which is the trap;
``divisive``
    a random half of the groups agree (``DIVISIVE_AGREE``), the rest disagree;
``vetoed``
    every group but one agrees with probability in ``VETOED_AGREE`` (strong support, stronger
    than a bridging statement's); that one group rejects it (``VETOED_MINORITY``): the smallest
    (``veto_group="smallest"``, the default) or, per statement, a random group other than the
    largest (``veto_group="random"``: a room whose minorities reject different statements).
    One factor axis cannot see a small third group, so a bridging score can rank these first;
    the common-ground rule (:mod:`engine.common_ground`) must not (issue 16);
``other``
    each group agrees with a probability in ``OTHER_AGREE`` (lukewarm, no structure).

Each participant also has a leniency (a shift on the log-odds of agreeing), and each statement a
pass probability around ``pass_rate``.

Who votes on what (``exposure``)
    ``"uniform"``: every cell is voted with probability ``density``, so every statement gets about
    the same number of votes (binomial, coefficient of variation about 0.1 at 1,000 participants
    and 10% density) and so does every participant. Real Pol.is conversations look nothing like
    that: on the ten shared exports the per-statement vote counts have a coefficient of variation
    of 0.31-0.80 (median 0.6), falling steadily with the statement's creation order (correlation
    -0.79 to -0.99: late statements are seen by fewer participants), and the per-participant counts
    one of 0.38-1.28 (median 1.0; many participants cast a handful of votes); measured by
    ``python -m benchmarks.bridging exposure``. ``"arrival"`` (the
    default) reproduces both: statement s, the s-th to be written, has exposure
    ``1 + spread x (1 - (2 s + 1) / n_statements)``; with ``STATEMENT_SPREAD`` = 1 that is linear
    from about 2 down to about 0, as when statements are written at uniform times and only later
    arrivals see them (coefficient of variation 0.58, the exports' median 0.6); each participant
    has an activity drawn from a gamma distribution with mean 1 and coefficient of variation
    ``ACTIVITY_CV`` (1.0, the exports' median); a cell is voted with probability
    ``min(1, k x activity x exposure)``, k set so the expected share of voted cells is ``density``.
    The planted kinds are shuffled over the statements, so exposure is independent of kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .errors import InvalidSettingError
from .matrix import VoteMatrix

__all__ = [
    "ACTIVITY_CV",
    "AGREE_RANGES",
    "EXPOSURES",
    "STATEMENT_KINDS",
    "STATEMENT_SPREAD",
    "VETO_GROUPS",
    "SyntheticConversation",
    "continuous_conversation",
    "synthetic_conversation",
]

STATEMENT_KINDS = ("bridging", "favourite", "divisive", "vetoed", "other")
EXPOSURES = ("arrival", "uniform")
#: Who rejects a ``vetoed`` statement (``synthetic_conversation``'s ``veto_group``).
VETO_GROUPS = ("smallest", "random")
#: Coefficient of variation of the participants' activity under ``exposure="arrival"``: the median
#: over the ten shared Pol.is exports of the per-participant vote counts' (0.38-1.28).
ACTIVITY_CV = 1.0
#: Statement exposure under ``exposure="arrival"`` runs linearly from 1 + spread to 1 - spread in
#: creation order; 1 (from 2 to 0, coefficient of variation 0.58) matches the exports' median
#: per-statement coefficient of variation (0.6; range 0.31-0.80).
STATEMENT_SPREAD = 1.0
#: Rows per block when cells are drawn with unequal probabilities (bounds the dense temporaries).
_BLOCK_CELLS = 2**22

#: Planted per-group agree probabilities (among non-pass votes), drawn uniformly in these ranges.
#: Bridging support is broad but moderate, so a single group's favourite can out-poll it.
BRIDGING_AGREE = (0.65, 0.85)
FAVOURITE_AGREE = (0.85, 0.97)
FAVOURITE_OTHERS = (0.10, 0.30)
DIVISIVE_AGREE = (0.75, 0.90)
OTHER_AGREE = (0.30, 0.60)
#: ``vetoed``: the issue-16 trap, about 90% support in the larger groups, about 10% in the
#: smallest (issue 16's planted sets: "about 90%" against "about 10%").
VETOED_AGREE = (0.85, 0.95)
VETOED_MINORITY = (0.05, 0.20)

#: Default shares: one large group (Pol.is conversations usually have a majority group).
DEFAULT_GROUP_SHARES = (0.6, 0.25, 0.15)
DEFAULT_KIND_SHARES: Mapping[str, float] = {
    "bridging": 0.1,
    "favourite": 0.1,
    "divisive": 0.3,
    "other": 0.5,
}


@dataclass(frozen=True)
class SyntheticConversation:
    """A generated conversation and its ground truth."""

    matrix: VoteMatrix
    #: (n_participants,) planted group of each participant; group 0 is the largest.
    group_labels: np.ndarray
    #: (n_statements,) planted kind of each statement, one of :data:`STATEMENT_KINDS`.
    kinds: np.ndarray
    #: (n_groups, n_statements) planted agree probability of a neutral member (no leniency).
    agree_probability: np.ndarray

    @property
    def is_bridging(self) -> np.ndarray:
        """(n_statements,) True for the planted bridging statements."""
        return self.kinds == "bridging"


def _sample_cells(n_cells: int, density: float, rng: np.random.Generator) -> np.ndarray:
    """Flat numbers of the voted cells: each cell independently with probability ``density``.

    Gaps between consecutive voted cells are geometric, so the cells come out sorted and
    distinct in O(votes), without sorting or materialising the dense grid.
    """
    expected = density * n_cells
    chunks: list[np.ndarray] = []
    position, drawn = -1, 0
    while position < n_cells - 1:
        size = int(expected - drawn + 6 * np.sqrt(expected) + 16)
        cells = position + np.cumsum(rng.geometric(density, size=max(size, 16)))
        chunks.append(cells)
        drawn += len(cells)
        position = int(cells[-1])
    cells = np.concatenate(chunks)
    return cells[cells < n_cells]


def _cell_probability_scale(
    activity: np.ndarray, exposure: np.ndarray, density: float
) -> float:
    """k such that mean over cells of min(1, k a_p e_s) = ``density`` (bisection, exact sums).

    For a statement of exposure e, the participants with a_p < 1 / (k e) contribute k a_p e and
    the rest 1; with the activities sorted and cumulated that is one binary search per statement.
    """
    a = np.sort(activity)
    cum = np.concatenate([[0.0], np.cumsum(a)])
    n_cells = len(a) * len(exposure)

    def mean_probability(k: float) -> float:
        with np.errstate(divide="ignore"):
            cut = np.searchsorted(a, 1.0 / (k * exposure))  # participants below the cap
        return float((k * exposure * cum[cut] + (len(a) - cut)).sum() / n_cells)

    low, high = 0.0, density / max(float(a.mean() * exposure.mean()), 1e-300)
    while mean_probability(high) < density:
        high *= 2.0
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if mean_probability(mid) < density else (low, mid)
    return (low + high) / 2


def _sample_unequal_cells(
    activity: np.ndarray, exposure: np.ndarray, density: float, rng: np.random.Generator
) -> np.ndarray:
    """Flat numbers of the voted cells, cell (p, s) with probability min(1, k a_p e_s).

    Drawn in blocks of rows on the dense grid: O(n_participants x n_statements) time, bounded
    memory. Cells come out sorted and distinct.
    """
    k = _cell_probability_scale(activity, exposure, density)
    n_s = len(exposure)
    step = max(_BLOCK_CELLS // max(n_s, 1), 1)
    chunks = []
    for start in range(0, len(activity), step):
        p = np.minimum(1.0, k * activity[start : start + step, None] * exposure[None, :])
        chunks.append(np.flatnonzero(rng.random(p.shape) < p) + start * n_s)
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)


#: The agree ranges ``agree_ranges`` may override (names as in the module doc).
AGREE_RANGES: Mapping[str, tuple[float, float]] = {
    "bridging": BRIDGING_AGREE,
    "vetoed": VETOED_AGREE,
    "vetoed_minority": VETOED_MINORITY,
    "other": OTHER_AGREE,
}


def _planted_probabilities(
    kinds: np.ndarray,
    n_groups: int,
    rng: np.random.Generator,
    ranges: Mapping[str, tuple[float, float]] = AGREE_RANGES,
    veto_group: str = "smallest",
) -> np.ndarray:
    n_s = len(kinds)
    p = rng.uniform(*ranges["other"], size=(n_groups, n_s))
    for s in np.flatnonzero(kinds == "bridging"):
        p[:, s] = rng.uniform(*ranges["bridging"], size=n_groups)
    for s in np.flatnonzero(kinds == "favourite"):
        p[:, s] = rng.uniform(*FAVOURITE_OTHERS, size=n_groups)
        p[0, s] = rng.uniform(*FAVOURITE_AGREE)
    for s in np.flatnonzero(kinds == "divisive"):
        pro = rng.permutation(n_groups) < max(n_groups // 2, 1)
        p[:, s] = np.where(
            pro,
            rng.uniform(*DIVISIVE_AGREE, size=n_groups),
            1.0 - rng.uniform(*DIVISIVE_AGREE, size=n_groups),
        )
    for s in np.flatnonzero(kinds == "vetoed"):  # the last group is the smallest
        p[:, s] = rng.uniform(*ranges["vetoed"], size=n_groups)
        g = n_groups - 1 if veto_group == "smallest" else int(rng.integers(1, n_groups))
        p[g, s] = rng.uniform(*ranges["vetoed_minority"])
    return p


def synthetic_conversation(
    n_participants: int = 1000,
    n_statements: int = 200,
    *,
    density: float = 0.1,
    group_shares: Sequence[float] = DEFAULT_GROUP_SHARES,
    kind_shares: Mapping[str, float] = DEFAULT_KIND_SHARES,
    pass_rate: float = 0.15,
    leniency_sd: float = 0.5,
    exposure: str = "arrival",
    statement_spread: float = STATEMENT_SPREAD,
    activity_cv: float = ACTIVITY_CV,
    agree_ranges: Mapping[str, tuple[float, float]] | None = None,
    veto_group: str = "smallest",
    random_state: int | None = 0,
) -> SyntheticConversation:
    """Generate a conversation with planted groups and statement kinds.

    Parameters
    ----------
    n_participants, n_statements : int
        Size of the vote matrix.
    density : float in (0, 1]
        Expected share of the cells that hold a vote (0.05 .. 0.5 in the benchmarks).
    group_shares : sequence of float
        Relative group sizes, largest first (normalised).
    kind_shares : mapping kind -> share
        Shares of the statement kinds (normalised); counts are rounded, remainder to ``other``.
    pass_rate : float
        Mean pass probability; each statement's is uniform in [0.5, 1.5] x ``pass_rate``.
    leniency_sd : float
        Standard deviation of each participant's shift on the log-odds of agreeing.
    exposure : {"arrival", "uniform"}
        Who votes on what (module docstring): ``"arrival"`` gives statements and participants
        unequal vote counts as in real Pol.is exports (statement s's exposure falls linearly with
        s, participants' activity is gamma with coefficient of variation ``ACTIVITY_CV``);
        ``"uniform"`` gives every cell the same probability ``density`` (O(votes) sampling, the
        generator of the earlier benchmark tables).
    statement_spread : float in [0, 1]
        Under ``"arrival"``: statement exposure runs from 1 + spread (first written) to
        1 - spread (last); 0 gives every statement the same exposure.
    activity_cv : float >= 0
        Under ``"arrival"``: coefficient of variation of the participants' gamma activity;
        0 makes every participant equally active.
    agree_ranges : mapping, optional
        Replaces some of :data:`AGREE_RANGES` (``bridging``, ``vetoed``, ``vetoed_minority``,
        ``other``): a generator variant with other agree levels (e.g. a milder veto).
    veto_group : {"smallest", "random"}
        Who rejects a ``vetoed`` statement: the smallest group (the last of ``group_shares``),
        or per statement a random group other than the first (largest).
    random_state : int or None

    Returns
    -------
    SyntheticConversation

    Examples
    --------
    >>> conv = synthetic_conversation(200, 40, density=0.5, random_state=1)
    >>> conv.matrix.n_participants, conv.matrix.n_statements
    (200, 40)
    >>> 3700 < conv.matrix.n_votes < 4300
    True
    >>> int(conv.is_bridging.sum())
    4
    """
    if n_participants < 1 or n_statements < 1:
        raise InvalidSettingError(
            f"n_participants and n_statements must be >= 1, got {n_participants}, {n_statements}"
        )
    if not 0 < density <= 1:
        raise InvalidSettingError(f"density must be in (0, 1], got {density!r}")
    shares = np.asarray(group_shares, dtype=float)
    if shares.ndim != 1 or len(shares) < 2 or (shares <= 0).any():
        raise InvalidSettingError(
            f"group_shares must be >= 2 positive numbers, got {group_shares!r}"
        )
    unknown = set(kind_shares) - set(STATEMENT_KINDS)
    if unknown or any(v < 0 for v in kind_shares.values()):
        raise InvalidSettingError(
            f"kind_shares must map {STATEMENT_KINDS} to >= 0, got {kind_shares!r}"
        )
    if not 0 <= pass_rate < 2 / 3:
        raise InvalidSettingError(f"pass_rate must be in [0, 2/3), got {pass_rate!r}")
    if exposure not in EXPOSURES:
        raise InvalidSettingError(f"exposure must be one of {EXPOSURES}, got {exposure!r}")
    if not 0 <= statement_spread <= 1:
        raise InvalidSettingError(f"statement_spread must be in [0, 1], got {statement_spread!r}")
    if veto_group not in VETO_GROUPS:
        raise InvalidSettingError(f"veto_group must be one of {VETO_GROUPS}, got {veto_group!r}")
    if activity_cv < 0:
        raise InvalidSettingError(f"activity_cv must be >= 0, got {activity_cv!r}")
    ranges = {**AGREE_RANGES, **(agree_ranges or {})}
    if set(ranges) != set(AGREE_RANGES) or any(
        not 0 < lo <= hi < 1 for lo, hi in ranges.values()
    ):
        raise InvalidSettingError(
            f"agree_ranges must map some of {tuple(AGREE_RANGES)} to (low, high) with "
            f"0 < low <= high < 1, got {agree_ranges!r}"
        )
    rng = np.random.default_rng(random_state)

    shares = shares / shares.sum()
    sizes = np.floor(shares * n_participants).astype(int)
    sizes[0] += n_participants - sizes.sum()
    labels = rng.permutation(np.repeat(np.arange(len(sizes)), sizes))

    total_share = sum(kind_shares.values())
    counts = {
        k: round(n_statements * kind_shares.get(k, 0.0) / total_share) for k in STATEMENT_KINDS[:-1]
    }
    counts["other"] = max(n_statements - sum(counts.values()), 0)
    kinds = np.concatenate([np.full(counts[k], k) for k in STATEMENT_KINDS])[:n_statements]
    kinds = rng.permutation(kinds)
    agree_p = _planted_probabilities(kinds, len(sizes), rng, ranges, veto_group)
    statement_pass = pass_rate * rng.uniform(0.5, 1.5, size=n_statements)
    leniency = rng.normal(0.0, leniency_sd, size=n_participants)

    if exposure == "uniform":
        cells = _sample_cells(n_participants * n_statements, density, rng)
    else:
        if activity_cv > 0:
            shape = 1.0 / activity_cv**2
            activity = rng.gamma(shape, 1.0 / shape, size=n_participants)
        else:
            activity = np.ones(n_participants)
        order = (2 * np.arange(n_statements) + 1) / n_statements  # creation order, 0..2
        exposure_s = 1.0 + statement_spread * (1.0 - order)
        cells = _sample_unequal_cells(activity, exposure_s, density, rng)
    n_votes = len(cells)
    rows, cols = cells // n_statements, cells % n_statements
    logit = np.log(agree_p / (1 - agree_p))[labels[rows], cols] + leniency[rows]
    agree = rng.random(n_votes) < 1.0 / (1.0 + np.exp(-logit))
    votes = np.where(agree, 1, -1).astype(np.int8)
    votes[rng.random(n_votes) < statement_pass[cols]] = 0
    del logit, agree, cells

    indptr = np.zeros(n_participants + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(rows, minlength=n_participants))
    index_dtype = np.int32 if n_votes < 2**31 else np.int64
    X = sp.csr_matrix(
        (votes, cols.astype(index_dtype), indptr.astype(index_dtype)),
        shape=(n_participants, n_statements),
    )
    return SyntheticConversation(
        matrix=_matrix_from_csr(X),
        group_labels=labels,
        kinds=kinds,
        agree_probability=agree_p,
    )


def continuous_conversation(
    n_participants: int = 1000,
    n_statements: int = 200,
    *,
    density: float = 0.1,
    strength: float = 1.5,
    pass_rate: float = 0.15,
    random_state: int | None = 0,
) -> VoteMatrix:
    """A conversation without opinion groups: participants spread continuously on two axes.

    Each participant has a position z ~ N(0, I_2), each statement loadings a ~ N(0, strength^2
    I_2) and an intercept b ~ N(0, 0.5^2); a vote agrees with probability
    1 / (1 + exp(-(b + a . z))), passes with ``pass_rate``. Cells are voted uniformly with
    probability ``density``. Issue 15: such a conversation must give no clear groups.

    Examples
    --------
    >>> m = continuous_conversation(100, 20, density=0.5, random_state=0)
    >>> m.n_participants, m.n_statements
    (100, 20)
    """
    if not 0 < density <= 1:
        raise InvalidSettingError(f"density must be in (0, 1], got {density!r}")
    rng = np.random.default_rng(random_state)
    z = rng.standard_normal((n_participants, 2))
    loadings = strength * rng.standard_normal((n_statements, 2))
    intercept = rng.normal(0.0, 0.5, n_statements)
    cells = _sample_cells(n_participants * n_statements, density, rng)
    rows, cols = cells // n_statements, cells % n_statements
    logit = intercept[cols] + (z[rows] * loadings[cols]).sum(axis=1)
    votes = np.where(rng.random(len(cells)) < 1.0 / (1.0 + np.exp(-logit)), 1, -1).astype(np.int8)
    votes[rng.random(len(cells)) < pass_rate] = 0
    indptr = np.zeros(n_participants + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(rows, minlength=n_participants))
    X = sp.csr_matrix((votes, cols.astype(np.int32), indptr), shape=(n_participants, n_statements))
    return _matrix_from_csr(X)


def _matrix_from_csr(X: sp.csr_matrix) -> VoteMatrix:
    """A VoteMatrix with integer ids 0..n-1 around a canonical CSR (one entry per cell).

    Building from records would loop over every vote in Python; the cells here are unique and
    sorted by construction, so the matrix is assembled directly.
    """
    m = VoteMatrix()
    m.participant_ids = list(range(X.shape[0]))
    m.statement_ids = list(range(X.shape[1]))
    m.participant_index = {i: i for i in range(X.shape[0])}
    m.statement_index = {s: s for s in range(X.shape[1])}
    m.X = X
    m._times = np.zeros(X.nnz)
    m.excluded = np.zeros(X.shape[1], dtype=bool)
    m.meta = np.zeros(X.shape[1], dtype=bool)
    return m

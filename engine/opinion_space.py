"""Cells of a many-dimensional opinion space: who may veto common ground besides the groups.

Why: the common-ground rule (:mod:`engine.common_ground`) gives every opinion group a veto, but a
per-group rule is only as good as the groups. On planted rooms with a 10% minority the engine
often publishes two groups (the minority merged into a larger one), and the two-dimensional map
blurs the minority over several of its base clusters (issue 16; benchmarks/RESULTS.md,
"Common ground with a minority veto"). The cells here do not depend on the groups at all:

1. **Axes.** A principal-component analysis of the centred votes (Pol.is's column-mean
   imputation: an unseen vote counts as the statement's mean, so the centred matrix stays
   sparse) with as many components as beat the noise: *parallel analysis* (Horn 1965) against
   the same matrix with each statement's votes shuffled over its voters, which keeps who voted
   on what and each statement's agree rate but breaks every pattern between statements. A
   component counts when its singular value exceeds the *largest* of five shuffles: the
   strongest pattern chance alone produces. Without any such component there are no cells.
   (Comparing rank with rank, as in Horn's original, keeps noise components: once the signal
   is removed, the votes' i-th noise value is about the shuffled matrix's (i - signal)-th,
   which beats its i-th by chance about half the time.)
2. **Positions.** Every participant placed is projected onto those axes with Pol.is's
   sparsity-aware scaling ``sqrt(n_statements / n_voted)``.
3. **Cells.** k-means (k-means++, a few restarts) in that space at several
   numbers of cells (``CommonGroundSettings.fine_levels``): a 5-10% minority that shares
   objections to several statements is one coherent cell at some level.

Large rooms: above ``CommonGroundSettings.space_rows`` (20,000) participants in conversation, a
random 20,000 of them are placed and form the cells (a 5% cell still holds about 1,000 of
them); the others are left out of the fine veto, which then costs O(their votes) whatever the
room's size. The axes, their noise bound and the k-means centres come from at most
:data:`FIT_ROWS` (1,500) of the placed participants (the centres weighted by their votes: a
participant with more votes has a surer position); everyone placed is projected and assigned.

References
----------
N. Halko, P.-G. Martinsson, J. A. Tropp, "Finding structure with randomness", SIAM Review 53,
2011 (randomized SVD).
J. L. Horn, "A rationale and test for the number of factors in factor analysis",
Psychometrika 30, 1965 (parallel analysis).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.extmath import randomized_svd

from .pca import centered_matrix, column_centers, votes_per_row

__all__ = ["FIT_ROWS", "OpinionSpace", "opinion_cells", "opinion_space"]

#: k-means restarts per level (the best of these by inertia is kept).
_KMEANS_RESTARTS = 3
#: The axes, their noise bound and the cells' centres are fitted on at most this many placed
#: participants (a random sample; everyone placed is then projected and assigned to a cell, and
#: every placed participant's votes count in the veto). Why 1,500: every planted benchmark room
#: (1,500 participants) and every shared Pol.is export but one (bowling-green, 1,579 in
#: conversation) is fitted on all of its participants; a larger room's sample still holds 75 of a
#: 5% minority, as many as the planted 75/20/5 rooms whose veto the benchmarks check, and 150 of
#: a 10% one, as the target rooms. The fit then costs O(1,500 participants' votes) instead of
#: O(20,000): most of the bridging step's 2.2 s on the 20,000-participant export
#: (benchmarks/RESULTS.md, "issue 16, session 7").
FIT_ROWS = 1_500
#: Randomized SVD: extra columns and power iterations (Halko et al. 2011 suggest 5-10 and a few
#: when singular values decay slowly, as in noisy votes).
_OVERSAMPLES = 10
_POWER_ITERATIONS = 5
#: Parallel analysis: a component counts when it beats the largest singular value of this many
#: shuffles (on votes without any pattern the votes' own largest beats the largest of 5 shuffles
#: 1 time in 6; one shuffle alone let 2 noise components through on a 300 x 30 random room).
_NULL_SHUFFLES = 5
#: Fewer participants than this in conversation: no cells (too few to form a 5% cell of 5).
_MIN_PARTICIPANTS = 20


@dataclass(frozen=True)
class OpinionSpace:
    """Participants' positions on the components that beat the noise."""

    #: (n_placed,) rows (participants) placed, in increasing order.
    placed: np.ndarray
    #: (n_placed, n_dims) their positions.
    positions: np.ndarray
    #: (n_placed,) votes each cast on the statements of the space.
    n_voted: np.ndarray
    #: Singular values of the votes' leading components, and the largest of the shuffles'.
    singular_values: np.ndarray
    null_singular_value: float
    #: Rows of ``positions`` the axes and the cells' centres were fitted on (None: all).
    fit: np.ndarray | None = None

    @property
    def n_dims(self) -> int:
        return int(self.positions.shape[1])


def _by_column(indices: np.ndarray, n_cols: int) -> np.ndarray:
    """Order that groups entries with these column numbers by column, keeping their order within
    a column: a stable sort, which numpy does as a radix sort, O(votes), on 16-bit keys (up to
    65,536 statements)."""
    key = indices.astype(np.uint16) if n_cols <= 2**16 else indices
    return np.argsort(key, kind="stable")


def _shuffled_within_columns(
    M: sp.csr_matrix, slots: np.ndarray, rng: np.random.Generator
) -> sp.csr_matrix:
    """M with each column's observed values permuted over the rows that hold them.

    ``slots``: ``_by_column(M.indices, ...)``, each column's positions. Why this way: the
    entries drawn in a uniformly random order and grouped by column with a *stable* sort keep
    that random order within each column, so each column's values land on its own positions in
    a uniformly random permutation, in O(votes) and without a CSC copy and back (a sort of
    random keys cost 0.2 s per shuffle at 2M votes)."""
    drawn = rng.permutation(len(M.data))
    drawn = drawn[_by_column(M.indices[drawn], M.shape[1])]
    data = np.empty_like(M.data)
    data[slots] = M.data[drawn]
    return sp.csr_matrix((data, M.indices, M.indptr), shape=M.shape)


def _leading(M: sp.csr_matrix, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The k largest singular values and right vectors: randomized subspace iteration (Halko et
    al. 2011), a few block products instead of ARPACK's hundreds of single ones.

    Its values are a little low, more so for a shuffled matrix's flat spectrum (largest 0.8%
    low, the votes' tenth 0.3%, on 2,000 x 896 votes of the 20,000-participant export), which
    makes the parallel analysis a little more lenient than exact values would. Exact Lanczos
    values (ARPACK) were tried: fewer structureless rooms keep a noise component (8 of 40
    planted 1,500 x 200 rooms instead of 13), but on planted 5-group rooms the veto lost
    minorities (19-23 group-rejected top-10 places in 20 seeds instead of 9-10;
    benchmarks/RESULTS.md, "issue 16, session 7"), so the randomized method stays."""
    _, s, vt = randomized_svd(M, k, n_oversamples=_OVERSAMPLES, n_iter=_POWER_ITERATIONS,
                              random_state=seed)
    return s, vt


def opinion_space(
    X: sp.csr_matrix,
    columns: np.ndarray,
    members: np.ndarray,
    *,
    max_dims: int,
    max_rows: int,
    rng: np.random.Generator,
    fit_rows: int = FIT_ROWS,
) -> OpinionSpace | None:
    """Positions of the members on the components that beat the noise (module doc).

    ``columns``: statements that take part; ``members``: (n_participants,) bool, the
    participants placed (those in conversation). Above ``max_rows`` members a random
    ``max_rows`` of them are placed and the others are left out (:attr:`OpinionSpace.placed`):
    the counts of the fine veto then cost O(their votes). The axes, the noise bound and the
    cells' centres come from at most ``fit_rows`` of the placed (:data:`FIT_ROWS`); everyone
    placed is projected. None when there are too few members or statements, or when no
    component beats the shuffled votes (no opinion structure to find cells in).
    """
    members = np.flatnonzero(members)
    n_cols = int(np.count_nonzero(columns))
    k = min(max_dims, n_cols - 1, min(len(members), max_rows, fit_rows) - 1)
    if len(members) < _MIN_PARTICIPANTS or k < 1:
        return None
    placed = members
    if len(members) > max_rows:
        placed = np.sort(rng.choice(members, max_rows, replace=False))
    fit = np.arange(len(placed))
    if len(placed) > fit_rows:
        fit = np.sort(rng.choice(len(placed), fit_rows, replace=False))
    X = sp.csr_matrix(X)
    Xs = X if len(placed) == X.shape[0] else X[placed]  # rows are sorted: all means X itself
    Xf = Xs if len(fit) == len(placed) else Xs[fit]
    center = column_centers(Xf, columns)
    Xfc = centered_matrix(Xf, center, columns)
    seed = int(rng.integers(2**31))
    s, vt = _leading(Xfc, k, seed)
    slots = _by_column(Xfc.indices, Xfc.shape[1])
    null = max(_leading(_shuffled_within_columns(Xfc, slots, rng), 1, seed)[0][0]
               for _ in range(_NULL_SHUFFLES))
    n_dims = int(np.count_nonzero(s > null))
    if n_dims == 0:  # no pattern beyond chance: cells would split noise, and their "vetoes"
        return None  # would fall on the very statements that define the noise axis
    Xc = Xfc if Xf is Xs else centered_matrix(Xs, center, columns)
    voted = votes_per_row(Xs, columns).astype(np.float64)
    scale = np.sqrt(n_cols / np.maximum(voted, 1.0))
    positions = np.asarray(Xc @ vt[:n_dims].T) * scale[:, None]
    return OpinionSpace(placed, positions, voted, s, float(null), fit)


def opinion_cells(
    space: OpinionSpace,
    n_participants: int,
    levels: tuple[int, ...],
    *,
    rng: np.random.Generator,
) -> np.ndarray:
    """(len(levels), n_participants) cell of each placed participant at each level (-1: not
    placed). The centres are fitted on the rows the axes were fitted on
    (:attr:`OpinionSpace.fit`), weighted by their votes; everyone placed is assigned.

    Examples
    --------
    >>> pos = np.array([[0.0], [0.1], [0.2], [5.0], [5.1], [5.2]])
    >>> space = OpinionSpace(np.arange(1, 7), pos, np.full(6, 10.0), np.ones(1), 0.0)
    >>> cells = opinion_cells(space, 7, (2,), rng=np.random.default_rng(0))
    >>> int(cells[0, 0]), len(set(cells[0, 1:4].tolist())), bool(cells[0, 1] != cells[0, 4])
    (-1, 1, True)
    """
    points = space.positions
    fit, weight = points, space.n_voted
    if space.fit is not None and len(space.fit) < len(points):
        fit, weight = points[space.fit], weight[space.fit]
    distinct = len(np.unique(fit, axis=0))
    out = np.full((len(levels), n_participants), -1, dtype=np.int64)
    for row, n_cells in enumerate(levels):
        m = min(n_cells, distinct)
        if m < 1:
            continue
        model = KMeans(
            n_clusters=m, n_init=_KMEANS_RESTARTS, random_state=int(rng.integers(2**31))
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(fit, sample_weight=weight)
        _, compact = np.unique(model.predict(points), return_inverse=True)
        out[row, space.placed] = compact
    return out

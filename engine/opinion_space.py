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
room's size. The k-means centres are fitted on at most 5,000 placed participants, weighted by
their votes (a participant with more votes has a surer position), and everyone placed is
assigned.

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

from .pca import centered_matrix, column_centers

__all__ = ["OpinionSpace", "opinion_cells", "opinion_space"]

#: k-means restarts per level (the best of these by inertia is kept), and at most this many
#: participants to fit the centres on (a 5% cell still has 250; everyone is then assigned).
_KMEANS_RESTARTS = 3
_KMEANS_ROWS = 5_000
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

    @property
    def n_dims(self) -> int:
        return int(self.positions.shape[1])


def _shuffled_within_columns(csc: sp.csc_matrix, rng: np.random.Generator) -> sp.csr_matrix:
    """The matrix with each column's observed values permuted over the rows that hold them."""
    data = csc.data
    # One sort instead of a loop over columns: column number plus a random fraction keeps each
    # column's block in place and shuffles within it.
    key = np.repeat(np.arange(csc.shape[1], dtype=np.float64), np.diff(csc.indptr))
    key += rng.random(len(data))
    data = data[np.argsort(key)]
    return sp.csc_matrix((data, csc.indices, csc.indptr), shape=csc.shape).tocsr()


def _leading(M: sp.csr_matrix, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The k largest singular values and right vectors: randomized subspace iteration (Halko et
    al. 2011), a few block products instead of ARPACK's hundreds of single ones; its accuracy
    is far below the gap parallel analysis asks for."""
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
) -> OpinionSpace | None:
    """Positions of the members on the components that beat the noise (module doc).

    ``columns``: statements that take part; ``members``: (n_participants,) bool, the
    participants placed (those in conversation). Above ``max_rows`` members a random
    ``max_rows`` of them are placed and the others are left out (:attr:`OpinionSpace.placed`):
    every step then costs O(their votes). None when there are too few members or statements,
    or when no component beats the shuffled votes (no opinion structure to find cells in).
    """
    members = np.flatnonzero(members)
    n_cols = int(np.count_nonzero(columns))
    k = min(max_dims, n_cols - 1, len(members) - 1)
    if len(members) < _MIN_PARTICIPANTS or k < 1:
        return None
    placed = members
    if len(members) > max_rows:
        placed = np.sort(rng.choice(members, max_rows, replace=False))
    Xs = sp.csr_matrix(X)[placed]
    Xc = centered_matrix(Xs, column_centers(Xs, columns), columns)
    seed = int(rng.integers(2**31))
    s, vt = _leading(Xc, k, seed)
    csc = Xc.tocsc()
    null = max(_leading(_shuffled_within_columns(csc, rng), 1, seed)[0][0]
               for _ in range(_NULL_SHUFFLES))
    n_dims = int(np.count_nonzero(s > null))
    if n_dims == 0:  # no pattern beyond chance: cells would split noise, and their "vetoes"
        return None  # would fall on the very statements that define the noise axis
    used = sp.csr_matrix((columns[Xs.indices].astype(np.float64), Xs.indices, Xs.indptr),
                         shape=Xs.shape)
    voted = np.asarray(used.sum(axis=1)).ravel()
    scale = np.sqrt(n_cols / np.maximum(voted, 1.0))
    positions = np.asarray(Xc @ vt[:n_dims].T) * scale[:, None]
    return OpinionSpace(placed, positions, voted, s, float(null))


def opinion_cells(
    space: OpinionSpace,
    n_participants: int,
    levels: tuple[int, ...],
    *,
    rng: np.random.Generator,
) -> np.ndarray:
    """(len(levels), n_participants) cell of each placed participant at each level (-1: not
    placed). The centres are fitted on at most 5,000 of them, weighted by their votes.

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
    if len(points) > _KMEANS_ROWS:
        pick = rng.choice(len(points), _KMEANS_ROWS, replace=False)
        fit, weight = points[pick], weight[pick]
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

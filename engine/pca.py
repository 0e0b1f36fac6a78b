"""Opinion map: Pol.is's column-mean-imputed PCA, computed on the sparse centred matrix.

Filling a missing vote with its column mean and then centring leaves a zero wherever nobody voted,
so the centred matrix ``Xc`` (observed entries minus their column mean) is exactly as sparse as
the votes, and its principal axes equal Pol.is's. Nothing is ever densified.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackError, LinearOperator, eigsh

from .result import OpinionMap

__all__ = [
    "centered_matrix",
    "column_centers",
    "default_axes",
    "opinion_map",
    "polis_axes",
    "power_iteration_components",
    "votes_per_row",
]

#: ARPACK relative tolerance on the eigenpairs: far below the noise of any vote sample.
ARPACK_TOL = 1e-7
#: Below this many multiply-adds (sum of squared votes per participant) the Gram matrix is
#: formed and solved exactly (bowling-green, 2,031 x 896 with 225k votes, costs 2.5e7 and goes to
#: ARPACK: forming the Gram matrix costs more than the few Lanczos products it saves).
GRAM_MAX_WORK = 2e7
#: Up to this many statements the dense Gram matrix is fully diagonalised (numpy ``eigh``).
DENSE_EIGH_MAX = 300


def column_centers(X: sp.csr_matrix, columns: np.ndarray) -> np.ndarray:
    """Mean of the observed votes per column (passes count as 0); 0 for unvoted or unused columns.

    Parameters
    ----------
    X : csr_matrix, shape (n_participants, n_statements)
    columns : bool array, shape (n_statements,); columns that take part (others get 0).

    Examples
    --------
    >>> import scipy.sparse as sp, numpy as np
    >>> X = sp.csr_matrix(np.array([[1, -1], [0, 0]], dtype=np.int8))
    >>> X.eliminate_zeros(); column_centers(X, np.array([True, True])).tolist()
    [1.0, -1.0]
    """
    n_s = X.shape[1]
    sums = np.bincount(X.indices, weights=X.data.astype(np.float64), minlength=n_s)
    counts = np.bincount(X.indices, minlength=n_s)
    center = np.divide(sums, counts, out=np.zeros(n_s), where=counts > 0)
    center[~columns] = 0.0
    return center


def centered_matrix(X: sp.csr_matrix, center: np.ndarray, columns: np.ndarray) -> sp.csr_matrix:
    """``Xc``: observed votes minus their column centre, entries of unused columns set to 0."""
    data = center[X.indices]  # the one allocation; the subtraction works in place
    np.subtract(X.data, data, out=data)
    if not columns.all():
        data[~columns[X.indices]] = 0.0
    return sp.csr_matrix((data, X.indices, X.indptr), shape=X.shape)


def _normalise(v: np.ndarray) -> tuple[np.ndarray, float]:
    norm = float(np.linalg.norm(v))
    return (v / norm if norm > 0 else v), norm


def power_iteration_components(
    Xc: sp.csr_matrix, starts: list[np.ndarray], iterations: int
) -> np.ndarray:
    """Pol.is's PCA: per component, power-iterate ``v <- XcᵀXc v / norm`` from a start vector.

    Pol.is runs ``iterations + 1`` products at most and stops early only when the norm repeats
    exactly; each further component is computed on the data deflated by the earlier ones
    (each row's projection removed). Returns shape (n_components, n_statements).
    """
    comps: list[np.ndarray] = []
    for start in starts:

        def gram(v: np.ndarray, done: list[np.ndarray] = comps) -> np.ndarray:
            u = Xc @ v
            for c in done:  # deflation: rows minus their projection on earlier components
                u = u - (Xc @ c) * float(c @ v)
            w = Xc.T @ u
            for c in done:
                w = w - c * float((Xc @ c) @ u)
            return np.asarray(w)

        v, _ = _normalise(np.asarray(start, dtype=np.float64))
        last_norm = -1.0
        for _ in range(iterations + 1):
            w, norm = _normalise(gram(v))
            if norm == 0.0 or norm == last_norm:
                break
            v, last_norm = w, norm
        comps.append(v)
    return np.vstack(comps)


def _flip_signs(comps: np.ndarray, reference: np.ndarray | None) -> np.ndarray:
    """Deterministic signs: agree with the previous components, else largest loading positive."""
    comps = comps.copy()
    for i in range(comps.shape[0]):
        if reference is not None and i < reference.shape[0] and np.any(reference[i]):
            sign = np.sign(comps[i] @ reference[i])
        else:
            sign = np.sign(comps[i][np.argmax(np.abs(comps[i]))])
        if sign < 0:
            comps[i] = -comps[i]
    return comps


def _refine_components(
    Xc: sp.csr_matrix, previous: np.ndarray, iterations: int
) -> tuple[np.ndarray, np.ndarray]:
    """Live update: a few block power steps from the previous axes, then Rayleigh-Ritz.

    A thousand new votes on millions barely turn the axes, so one step from the previous
    solution is as good as a full solve, at the cost of two sparse products.
    """
    V = previous.T.copy()
    for _ in range(iterations):
        V, _ = np.linalg.qr(Xc.T @ (Xc @ V))
    W = Xc @ V
    values, rotation = np.linalg.eigh(W.T @ W)
    order = np.argsort(values)[::-1]
    return (V @ rotation[:, order]).T, values[order]


def _gram_components(
    Xc: sp.csr_matrix, n_components: int, start: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Top eigenvectors of the statements' Gram matrix XcᵀXc, formed densely (n_statements²).

    Up to :data:`DENSE_EIGH_MAX` statements a full ``eigh`` is cheapest; above it Lanczos
    (``eigsh``) on the dense Gram matrix finds the top few far faster than all of them.
    """
    n_s = Xc.shape[1]
    G = (Xc.T @ Xc).toarray()
    values = vectors = None
    if n_s > DENSE_EIGH_MAX and n_components < n_s - 1:
        try:
            v0 = start if start is not None and np.any(start) else np.ones(n_s)
            values, vectors = eigsh(G, k=n_components, v0=v0, which="LA", tol=ARPACK_TOL)
        except ArpackError:
            values = vectors = None
    if values is None or vectors is None:
        values, vectors = np.linalg.eigh(G)
    order = np.argsort(values)[::-1][:n_components]
    comps = np.zeros((n_components, n_s))
    comps[: len(order)] = vectors[:, order].T
    out = np.zeros(n_components)
    out[: len(order)] = np.maximum(values[order], 0.0)
    return comps, out


def _arpack_components(
    Xc: sp.csr_matrix, n_components: int, start: np.ndarray | None, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Top right singular vectors of Xc, solved to convergence.

    Small problems (the Gram product costs under :data:`GRAM_MAX_WORK`) are solved exactly and
    densely; large ones by ARPACK on the Gram operator, never formed, warm-started from the
    previous axes. ARPACK gives up on rank-deficient cases; those fall back to the dense solve.
    """
    n_s = Xc.shape[1]
    row_nnz = np.diff(Xc.indptr).astype(np.float64)
    if float(row_nnz @ row_nnz) <= GRAM_MAX_WORK or n_s <= 2 * n_components + 1:
        return _gram_components(Xc, n_components, start)
    op = LinearOperator((n_s, n_s), matvec=lambda v: Xc.T @ (Xc @ v), dtype=np.float64)
    v0 = start if start is not None and np.any(start) else rng.uniform(-1, 1, n_s)
    try:
        values, vectors = eigsh(
            op, k=n_components, v0=v0, which="LA", tol=ARPACK_TOL, maxiter=n_s * 20
        )
    except ArpackError:
        return _gram_components(Xc, n_components)
    order = np.argsort(values)[::-1]
    return vectors[:, order].T.copy(), values[order]


def _no_votes(Xc: sp.csr_matrix) -> bool:
    return Xc.shape[0] == 0 or Xc.shape[1] == 0 or Xc.nnz == 0


def polis_axes(
    Xc: sp.csr_matrix,
    n_components: int,
    *,
    iterations: int,
    previous: np.ndarray | None,
    rng: np.random.Generator,
    converged_start: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Pol.is's axes: :func:`power_iteration_components` with a fixed budget.

    Each component starts from the previous update's (Pol.is pads new statements with 1.0), or,
    without one, from a uniform random vector (Pol.is's first tick) or, with
    ``converged_start``, from the converged axis (:func:`_arpack_components`, largest loading
    positive): the fixed point Pol.is's warm-started ticks approach, so a cold start gives the
    components a long-running Pol.is conversation has. Returns ``(components, variance)``.
    """
    n_s = Xc.shape[1]
    if _no_votes(Xc):
        return np.zeros((n_components, n_s)), np.zeros(n_components)
    missing = [
        i for i in range(n_components)
        if previous is None or i >= len(previous) or not np.any(previous[i])
    ]
    converged = None
    if converged_start and missing:
        converged = _flip_signs(_arpack_components(Xc, n_components, None, rng)[0], None)
    starts = []
    for i in range(n_components):
        if i not in missing and previous is not None:
            starts.append(previous[i])
        elif converged is not None and np.any(converged[i]):
            starts.append(converged[i])
        else:
            starts.append(rng.uniform(0, 1, n_s))
    comps = power_iteration_components(Xc, starts, iterations)
    return comps, np.array([float(np.sum((Xc @ c) ** 2)) for c in comps])


def _full_rank(previous: np.ndarray | None, n_components: int) -> bool:
    """The previous axes can be kept or refined: present and linearly independent."""
    return previous is not None and np.linalg.matrix_rank(previous[:n_components]) == n_components


def default_axes(
    Xc: sp.csr_matrix,
    n_components: int,
    *,
    previous: np.ndarray | None,
    rng: np.random.Generator,
    refine_iterations: int = 0,
    keep: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """The default mode's axes, solved to convergence (ARPACK or a dense solve).

    ``previous``: the previous update's components aligned to Xc's columns (0 for new ones);
    signs follow them. Live updates: ``keep`` returns them as they are (variance ``None``: the
    caller measures it on today's votes); ``refine_iterations > 0`` takes that many block power
    steps from them instead of solving afresh. Returns ``(components, variance)``.
    """
    n_s = Xc.shape[1]
    if _no_votes(Xc):
        return np.zeros((n_components, n_s)), np.zeros(n_components)
    if keep and _full_rank(previous, n_components) and previous is not None:
        return previous[:n_components].copy(), None
    if refine_iterations > 0 and _full_rank(previous, n_components) and previous is not None:
        comps, variance = _refine_components(Xc, previous[:n_components], refine_iterations)
        return _flip_signs(comps, previous), variance
    start = None
    if previous is not None and np.any(previous):
        start = previous.sum(axis=0)
    comps, variance = _arpack_components(Xc, n_components, start, rng)
    return _flip_signs(comps, previous), variance


def opinion_map(
    X: sp.csr_matrix,
    Xc: sp.csr_matrix,
    columns: np.ndarray,
    center: np.ndarray,
    components: np.ndarray,
    variance: np.ndarray | None,
    *,
    scale_columns: int | None = None,
    extra_voted: int = 0,
) -> OpinionMap:
    """Participant and statement positions on the axes ``components`` (shape (n_c, n_s)).

    Parameters
    ----------
    X : csr_matrix, shape (n_participants, n_statements), agree = +1.
    Xc : :func:`centered_matrix` of X with ``center`` and ``columns``.
    columns : bool array; statements that enter the map (others get zero loadings).
    center : column centres (see :func:`column_centers`).
    components, variance : from :func:`polis_axes` or :func:`default_axes` (variance ``None``:
        measured here on today's votes).
    scale_columns : n in the scaling sqrt(n / n_voted); default the number of used columns with
        at least one vote. extra_voted : added to every participant's n_voted (Pol.is counts its
        zero-filled moderated-out columns as voted).

    Notes
    -----
    Participant position (Pol.is "sparsity-aware projection"):
    ``p_i = sqrt(n / max(n_voted_i, 1)) * sum_{j voted by i} (x_ij - c_j) * pc_j``,
    so a participant with few votes is pushed outwards instead of collapsing to the middle.
    A statement's position is where a participant who agreed with it alone would land:
    ``sqrt(n) * (1 - c_j) * pc_j``; its extremity is the norm of that position.

    References
    ----------
    Pol.is ``math/src/polismath/math/pca.clj`` (summarised in shared/research/polis-math.md §1).
    """
    n_s = X.shape[1]
    comps = components.copy()  # never modify the caller's array
    comps[:, ~columns] = 0.0
    comps = np.ascontiguousarray(comps)
    voted = votes_per_row(X, columns) + extra_voted
    n_used = (
        scale_columns
        if scale_columns is not None
        else int(np.count_nonzero(np.bincount(X.indices, minlength=n_s)[columns]))
    )
    scale = np.sqrt(n_used / np.maximum(voted, 1))
    raw = np.asarray(Xc @ comps.T)
    if variance is None:  # kept axes: their variance on today's votes
        variance = (raw**2).sum(axis=0)
    coordinates = raw * scale[:, None]
    statement_coordinates = (np.sqrt(max(n_used, 1)) * (1.0 - center))[:, None] * comps.T
    statement_coordinates[~columns] = 0.0
    return OpinionMap(
        components=comps,
        center=center,
        coordinates=coordinates,
        statement_coordinates=statement_coordinates,
        extremity=np.linalg.norm(statement_coordinates, axis=1),
        explained_variance=np.asarray(variance, dtype=np.float64),
    )


def votes_per_row(X: sp.csr_matrix, columns: np.ndarray) -> np.ndarray:
    """Votes per participant on the used (or active) columns, passes included.

    >>> X = sp.csr_matrix(np.array([[1, 0, -1], [0, 1, 1]]))
    >>> votes_per_row(X, np.array([True, True, False])).tolist()
    [1, 1]
    """
    if columns.all():
        return np.diff(X.indptr)
    running = np.concatenate([[0], np.cumsum(columns[X.indices])])
    return running[X.indptr[1:]] - running[X.indptr[:-1]]

"""Regularised matrix factorisation of votes, fitted by alternating least squares.

The model is Community Notes' note-rating model (Wojcik et al. 2022) applied to votes::

    y_ps ~ mu + b_p + c_s + f_p . g_s

fitted on observed (weighted) votes only, with the loss written, as in Community Notes' code, on
*means*: the weighted mean squared error plus ``intercept_reg`` x (mean b_p^2 + mean c_s^2 + mu^2)
plus ``factor_reg`` x (mean |f_p|^2 + mean |g_s|^2).  Multiplying by the total weight W turns this
into an ordinary ridge problem whose per-parameter strengths are ``reg * W / n_participants`` (or
``/ n_statements``), so each half-step is a closed-form weighted ridge regression per row.

One deliberate difference from Community Notes: ``mu`` is not penalised. CN also penalises mu
with the intercept penalty, which splits the overall agree level evenly between mu, the mean
participant intercept and the mean statement intercept. That changes no ranking, but it leaves a
third of the conversation's mean vote inside every statement intercept, so a threshold on the
intercept would mean something different in every conversation. Unpenalised, ``c_s`` is support
beyond the average vote.

Each half-step is a handful of sparse-matrix x dense-matrix products (O(votes)) followed by a
batched (d+1) x (d+1) solve (O(rows)); there is no Python loop over participants or statements.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["FactorModel", "fit_factor_model"]

#: Subspace iterations of the spectral start (it only has to land in the right basin).
_SPECTRAL_ITERATIONS = 10
_OVERSAMPLING = 4
#: Participants (rows) the spectral start looks at, at most.
_SPECTRAL_ROWS = 50_000


@dataclass(frozen=True)
class FactorModel:
    """A fitted vote model ``mu + b_p + c_s + f_p . g_s``.

    ``statement_covariance[s]`` is the inverse of the ridge normal matrix of statement s with the
    participant parameters held fixed (unit noise variance): multiply by a noise variance to get
    the approximate posterior covariance of ``(c_s, g_s)``.
    """

    mu: float
    participant_intercepts: np.ndarray  # (n_participants,)
    participant_factors: np.ndarray  # (n_participants, n_factors)
    statement_intercepts: np.ndarray  # (n_statements,)
    statement_factors: np.ndarray  # (n_statements, n_factors)
    statement_covariance: np.ndarray  # (n_statements, n_factors + 1, n_factors + 1)
    n_iterations: int
    converged: bool


def _half_step(
    W: sp.spmatrix,
    WY: sp.spmatrix,
    row_weight: np.ndarray,
    row_wy: np.ndarray,
    offset: np.ndarray,
    factors: np.ndarray,
    alpha_intercept: float | np.ndarray,
    alpha_factor: float | np.ndarray,
    column_scale: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ridge-solve the rows' intercept and factors given the columns' offset and factors.

    Row r minimises sum_c W_rc (Y_rc - offset_c - b_r - f_r . z_c)^2 + a_b b_r^2 + a_f |f_r|^2;
    the normal matrix is sum_c W_rc [1, z_c][1, z_c]^T + diag(a_b, a_f, ...). ``row_weight`` and
    ``row_wy`` are the row sums of W and WY. ``W`` is the CSR matrix for the participant step and
    its transpose (a CSC view, no copy) for the statement step: one sparse x dense-block product
    gives every sum at once. ``column_scale`` multiplies every weight in a column (participant
    weights, seen from the statement step); the penalties may be per-row arrays.
    """
    n_rows, d = W.shape[0], factors.shape[1]
    pairs = [(k, m) for k in range(d) for m in range(k, d)]
    block = np.column_stack(
        [
            offset,
            *factors.T,
            *(factors * offset[:, None]).T,
            *(factors[:, k] * factors[:, m] for k, m in pairs),
        ]
    )
    weighted_factors = factors
    if column_scale is not None:
        block *= column_scale[:, None]
        weighted_factors = factors * column_scale[:, None]
    sums = W @ block  # (n_rows, 1 + 2d + len(pairs))
    sum_z, sum_zo, sum_zz = sums[:, 1 : d + 1], sums[:, d + 1 : 2 * d + 1], sums[:, 2 * d + 1 :]
    A = np.empty((n_rows, d + 1, d + 1))
    A[:, 0, 0] = row_weight + alpha_intercept
    A[:, 0, 1:] = sum_z
    A[:, 1:, 0] = sum_z
    for i, (k, m) in enumerate(pairs):
        A[:, k + 1, m + 1] = A[:, m + 1, k + 1] = sum_zz[:, i]
    idx = np.arange(1, d + 1)
    A[:, idx, idx] += np.reshape(alpha_factor, (-1, 1))
    rhs = np.empty((n_rows, d + 1))
    rhs[:, 0] = row_wy - sums[:, 0]
    rhs[:, 1:] = np.asarray(WY @ weighted_factors) - sum_zo
    if d == 1:  # closed-form 2 x 2 solve; np.linalg.solve on a million tiny systems is slower
        det = A[:, 0, 0] * A[:, 1, 1] - A[:, 0, 1] ** 2
        intercept = (A[:, 1, 1] * rhs[:, 0] - A[:, 0, 1] * rhs[:, 1]) / det
        factor = (A[:, 0, 0] * rhs[:, 1] - A[:, 0, 1] * rhs[:, 0]) / det
        return intercept, factor[:, None], A
    theta = np.linalg.solve(A, rhs[..., None])[..., 0]
    return theta[:, 0], theta[:, 1:], A


def _spectral_start(
    W: sp.csr_matrix,
    WY: sp.csr_matrix,
    col_weight: np.ndarray,
    n_factors: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Leading right singular vectors of the weighted, column-centred vote matrix (subspace
    iteration, O(votes) per step), scaled like factors of unit-variance participant scores.

    Above ``_SPECTRAL_ROWS`` participants a random subset of rows is used: the statement axis is
    well determined by them, and the start only has to land in the right basin.
    """
    col_mean = np.asarray(WY.sum(axis=0)).ravel() / np.maximum(col_weight, 1e-12)
    R = sp.csr_matrix((WY.data - W.data * col_mean[W.indices], W.indices, W.indptr), shape=W.shape)
    if R.shape[0] > _SPECTRAL_ROWS:
        R = R[np.sort(rng.choice(R.shape[0], _SPECTRAL_ROWS, replace=False))]
    # Oversampled block (Halko et al. 2011): the top vector converges at the rate of the gap to
    # the (n_factors + oversampling + 1)-th singular value, not to the next one.
    n_s = W.shape[1]
    V = rng.standard_normal((n_s, min(n_factors + _OVERSAMPLING, n_s)))
    for _ in range(_SPECTRAL_ITERATIONS):
        V, _ = np.linalg.qr(R.T @ (R @ V))
    _, _, vt = np.linalg.svd(R @ V, full_matrices=False)
    V = V @ vt.T[:, :n_factors]
    U = R @ V
    scale = np.sqrt(np.maximum((U * U).sum(axis=0), 0.0) / max(R.shape[0], 1))
    out = np.zeros((n_s, n_factors))  # fewer statements than factors: the rest stay zero
    out[:, : V.shape[1]] = V * scale
    return out


def fit_factor_model(
    W: sp.csr_matrix,
    WY: sp.csr_matrix,
    *,
    n_factors: int,
    intercept_reg: float,
    factor_reg: float,
    max_iterations: int,
    tolerance: float,
    rng: np.random.Generator,
    init: FactorModel | None = None,
    init_mask: tuple[np.ndarray, np.ndarray] | None = None,
    row_scale: np.ndarray | None = None,
) -> FactorModel:
    """Fit the model by alternating closed-form ridge updates.

    Parameters
    ----------
    W : csr_matrix, shape (n_participants, n_statements), float
        Weight of each observed vote (its sparsity pattern is the set of observed votes).
    WY : csr_matrix, same pattern and entry order as ``W``
        Weight times target of each observed vote.
    n_factors, intercept_reg, factor_reg : model size and Community-Notes-style mean-loss penalties.
    max_iterations, tolerance : stop when no statement parameter or ``mu`` moves more than
        ``tolerance`` in one sweep, or after ``max_iterations`` sweeps.
    rng : Generator used for the random initial statement factors.
    init : optional previous model with arrays aligned to this matrix (warm start); rows flagged
        False in ``init_mask = (participant_known, statement_known)`` get a cold initial value.
    row_scale : optional (n_participants,) multiplier of every weight in a row (participant
        weights, e.g. to balance the two sides of the factor axis): a participant of weight m
        counts as m participants, in the data and in the penalty means. It never touches the vote
        arrays: the statement step multiplies the participant columns of its dense block.

    Returns
    -------
    FactorModel
    """
    n_p, n_s = W.shape
    Wt, WYt = W.T, WY.T  # CSC views: the statement step runs on the same arrays
    scale = np.ones(n_p) if row_scale is None else np.asarray(row_scale, dtype=np.float64)
    row_weight = np.asarray(W.sum(axis=1)).ravel()
    row_wy = np.asarray(WY.sum(axis=1)).ravel()
    col_weight = Wt @ scale
    col_wy = WYt @ scale
    total = float(scale @ row_weight)
    wy_total = float(scale @ row_wy)
    # Means are over participants / statements that have any (weighted) vote, as in CN's tables.
    n_cols = max(int((col_weight > 0).sum()), 1)
    if total <= 0:  # no weighted vote at all: an empty fit, penalties as for one unit of weight
        total = 1.0
    # A participant's weight multiplies its penalties as well as its votes (as if it were m
    # participants), so its own ridge problem is unchanged; the penalty means are weighted means.
    n_weighted_rows = float(scale[row_weight > 0].sum()) or 1.0
    a_pb = intercept_reg * total / n_weighted_rows
    a_pf = factor_reg * total / n_weighted_rows
    a_sb, a_sf = intercept_reg * total / n_cols, factor_reg * total / n_cols

    # Cold start: intercepts 0, mu the mean, statement factors along the leading singular vectors
    # of the column-centred votes. CN starts from random factors; with 1 factor and 3+ groups
    # that lands in different local optima for different seeds, and ALS then needs hundreds of
    # sweeps at 5% density. The spectral start is the PCA axis Pol.is draws its map with.
    mu = wy_total / total
    b = np.zeros(n_p)
    f = np.zeros((n_p, n_factors))
    c = np.zeros(n_s)
    cold_statements = init is None or (init_mask is not None and not init_mask[1].all())
    g = (
        _spectral_start(W, WY, col_weight, n_factors, rng)
        if cold_statements and W.nnz and min(n_p, n_s) > 0
        else np.zeros((n_s, n_factors))
    )
    if init is not None:
        known_p, known_s = (
            init_mask if init_mask is not None else (np.ones(n_p, bool), np.ones(n_s, bool))
        )
        mu = init.mu
        b = np.where(known_p, init.participant_intercepts, 0.0)
        f = np.where(known_p[:, None], init.participant_factors, 0.0)
        c = np.where(known_s, init.statement_intercepts, 0.0)
        g = np.where(known_s[:, None], init.statement_factors, g)

    A_s = np.zeros((n_s, n_factors + 1, n_factors + 1))
    converged = False
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - reported below
        b, f, _ = _half_step(W, WY, row_weight, row_wy, mu + c, g, a_pb, a_pf)
        c_new, g_new, A_s = _half_step(
            Wt,
            WYt,
            col_weight,
            col_wy,
            mu + b,
            f,
            a_sb,
            a_sf,
            column_scale=None if row_scale is None else scale,
        )
        # sum_ps W_ps f_p . g_s, from the gram column A_s[:, 0, 1:] = Wt @ f already computed.
        interaction = float(np.sum(A_s[:, 0, 1:] * g_new))
        mu_new = (wy_total - (scale * b) @ row_weight - c_new @ col_weight - interaction) / total
        change = max(
            float(np.max(np.abs(c_new - c), initial=0.0)),
            float(np.max(np.abs(g_new - g), initial=0.0)),
            abs(mu_new - mu),
        )
        c, g, mu = c_new, g_new, mu_new
        if change < tolerance:
            converged = True
            break

    # Identification (CN): flip each factor axis so that most voting participants are negative.
    active = row_weight > 0
    flip = np.where((f[active] > 0).sum(axis=0) > active.sum() / 2, -1.0, 1.0)
    f, g = f * flip, g * flip
    # The last statement normal matrices depend only on the final participant factors; re-sign.
    sign = np.concatenate([[1.0], flip])
    cov = np.linalg.inv(A_s) * sign[None, :, None] * sign[None, None, :]
    return FactorModel(
        mu=float(mu),
        participant_intercepts=b,
        participant_factors=f,
        statement_intercepts=c,
        statement_factors=g,
        statement_covariance=cov,
        n_iterations=iteration,
        converged=converged,
    )

"""Bridging statements: support that the main opinion divide does not explain.

The Community Notes model (Wojcik et al. 2022) is fitted to the votes (see
:mod:`engine.factorization`)::

    y_ps ~ mu + b_p + c_s + f_p . g_s,    agree = 1, disagree = 0, pass = 1/2 (weighted)

The opinion factor ``f_p . g_s`` absorbs whatever one side likes and the other does not; the
statement intercept ``c_s``, held down five times harder than the factors, only grows when
participants on *both* sides of the factor axis agree. ``c_s`` is the bridging score and
``|g_s|`` the polarisation. Each score gets an approximate 95% interval, and a statement is only
*called* bridging with enough agrees on each side of the axis (Community Notes' rule).

How passes enter (``BridgingSettings.pass_weight``): a pass is a vote "between" agree and
disagree (target 1/2) with weight ``pass_weight`` relative to an agree or disagree. 0 drops passes,
1 (the default) treats them as full half-votes, as Pol.is counts passes among the votes a
statement has "seen": a statement many people pass on is not common ground. The comparison behind
the default is in ``benchmarks/RESULTS.md`` (section "Bridging").

Side balancing (``balance_sides``): a second fit weights participants so that both sides of the
factor axis carry the same total vote weight (Community Notes' side-balancing weights). Without
it the factor's zero point, where the intercept is read, sits near the majority group, and with
an 80/20 split that group's favourites rank as bridging (measured in the same section).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from statistics import NormalDist
from typing import Any

import numpy as np
import scipy.sparse as sp

from .breakdown import VoteBreakdown, count_votes, vote_breakdown
from .bridging_result import BridgingResult, BridgingSettings, BridgingStatement
from .class_veto import ClassRates
from .common_ground import NOT_ENOUGH_VOTES, CommonGround, common_ground
from .errors import InvalidVotesError
from .factorization import FactorModel, fit_factor_model
from .matrix import VoteMatrix

__all__ = [
    "BridgingResult",
    "BridgingSettings",
    "BridgingStatement",
    "FactorFit",
    "bridging",
    "fit_factors",
    "judge_common_ground",
]

#: Side balancing: at most this many refits, stopping once the side weights move less than this
#: (relative); the weights only change when participants cross the factor's zero.
_BALANCE_ROUNDS = 4
_BALANCE_TOLERANCE = 0.01
#: Participants of the subset a cold fit of a very large conversation starts from.
_PRESOLVE_ROWS = 100_000
#: Variance of a fair coin on the 0..1 vote scale: the noise assumed before any vote is seen.
_MAX_VOTE_VARIANCE = 0.25


def _targets(
    X: sp.csr_matrix, keep: np.ndarray, pass_weight: float
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Weight and weight x target matrices on X's pattern (inactive statements weighted 0).

    The target is (vote + 1) / 2: agree 1, pass 1/2, disagree 0. Computed in place: two fresh
    arrays of n_votes floats in all.
    """
    w = np.where(X.data == 0, pass_weight, 1.0)
    if not keep.all():
        w *= keep[X.indices]
    wy = np.add(X.data, 1.0, dtype=np.float64)
    wy *= 0.5
    wy *= w
    W = sp.csr_matrix((w, X.indices, X.indptr), shape=X.shape)
    WY = sp.csr_matrix((wy, X.indices, X.indptr), shape=X.shape)
    return W, WY


def _warm_start(
    previous: BridgingResult,
    participant_ids: Sequence[Hashable],
    statement_ids: Sequence[Hashable],
    n_factors: int,
) -> tuple[FactorModel, tuple[np.ndarray, np.ndarray], np.ndarray] | None:
    """Previous parameters re-indexed by id onto the new matrix (unknown ids flagged False)."""
    prev = previous.model
    if prev.statement_factors.shape[1] != n_factors:
        return None

    def align(
        ids: Sequence[Hashable], old_ids: Sequence[Hashable]
    ) -> tuple[np.ndarray, np.ndarray]:
        old = {key: i for i, key in enumerate(old_ids)}
        pos = np.array([old.get(key, -1) for key in ids], dtype=np.int64)
        return np.maximum(pos, 0), pos >= 0

    p_pos, p_known = align(participant_ids, previous.participant_ids)
    s_pos, s_known = align(statement_ids, previous.statement_ids)
    if not p_known.any() or not s_known.any():
        return None
    model = FactorModel(
        mu=prev.mu,
        participant_intercepts=prev.participant_intercepts[p_pos],
        participant_factors=prev.participant_factors[p_pos],
        statement_intercepts=prev.statement_intercepts[s_pos],
        statement_factors=prev.statement_factors[s_pos],
        statement_covariance=prev.statement_covariance[s_pos],
        n_iterations=0,
        converged=False,
    )
    weights = np.where(p_known, previous.participant_weights[p_pos], 1.0)
    return model, (p_known, s_known), weights


def _interval_halfwidth(
    W: sp.csr_matrix,
    WY: sp.csr_matrix,
    WYY: np.ndarray,
    scale: np.ndarray,
    model: FactorModel,
    settings: BridgingSettings,
) -> np.ndarray:
    """z x sqrt(sigma_s^2 [A_s^-1]_00): the ridge posterior sd of c_s with participants fixed.

    sigma_s^2 is the statement's weighted residual variance, shrunk towards the pooled one by
    ``noise_prior_votes`` pseudo-votes (and the pooled one towards 1/4 by as many). The residual
    sum of squares is expanded into sums over each statement's voters, so it takes two sparse
    products instead of a pass that materialises every prediction. ``WYY`` holds the per-statement
    sums of w y^2, ``scale`` the participant weights of the fit.
    """
    a = model.mu + model.participant_intercepts
    f, c, g = model.participant_factors, model.statement_intercepts, model.statement_factors
    d = f.shape[1]
    sums = W.T @ (
        scale[:, None]
        * np.column_stack(
            [
                np.ones_like(a),
                a,
                a * a,
                f,
                f * a[:, None],
                *(f[:, k] * f[:, m] for k in range(d) for m in range(d)),
            ]
        )
    )
    n, s_a, s_aa = sums[:, 0], sums[:, 1], sums[:, 2]
    s_f, s_fa = sums[:, 3 : 3 + d], sums[:, 3 + d : 3 + 2 * d]
    s_ff = sums[:, 3 + 2 * d :].reshape(-1, d, d)
    ysums = WY.T @ (scale[:, None] * np.column_stack([np.ones_like(a), a, f]))
    s_y, s_ya, s_yf = ysums[:, 0], ysums[:, 1], ysums[:, 2:]
    cross_y = s_ya + c * s_y + np.einsum("sk,sk->s", g, s_yf)
    square = (
        s_aa
        + c * c * n
        + np.einsum("sk,skm,sm->s", g, s_ff, g)
        + 2 * c * s_a
        + 2 * np.einsum("sk,sk->s", g, s_fa)
        + 2 * c * np.einsum("sk,sk->s", g, s_f)
    )
    ssr = np.maximum(WYY - 2 * cross_y + square, 0.0)
    prior = settings.noise_prior_votes
    pooled = (ssr.sum() + prior * _MAX_VOTE_VARIANCE) / max(n.sum() + prior, 1e-12)
    denominator = n + prior
    sigma2 = np.divide(
        ssr + prior * pooled, denominator, out=np.full(len(ssr), pooled), where=denominator > 0
    )
    z = NormalDist().inv_cdf(0.5 + settings.interval_level / 2)
    return z * np.sqrt(sigma2 * model.statement_covariance[:, 0, 0])


def _fit(
    W: sp.csr_matrix,
    WY: sp.csr_matrix,
    settings: BridgingSettings,
    rng: np.random.Generator,
    init: FactorModel | None,
    init_mask: tuple[np.ndarray, np.ndarray] | None,
    init_weights: np.ndarray | None,
) -> tuple[FactorModel, np.ndarray]:
    """The factor model, side-balanced if asked; returns it with the participant weights used.

    Side balancing is a fixed point: the sides are those of the balanced fit itself, so a cold
    and a warm start end at the same weights (sides rarely move after the first refit). Above
    ``2 * _PRESOLVE_ROWS`` participants a cold fit first solves a random subset of participants
    and starts from its statement parameters and sides (Community Notes likewise starts its full
    fit from a fit on a subset); the mean-form penalties make both problems alike.
    """
    n_p, n_s = W.shape
    row_weight = np.asarray(W.sum(axis=1)).ravel()

    def fit(**kwargs: Any) -> FactorModel:
        options = {"max_iterations": settings.max_iterations, **kwargs}
        return fit_factor_model(
            W,
            WY,
            n_factors=settings.n_factors,
            intercept_reg=settings.intercept_reg,
            factor_reg=settings.factor_reg,
            tolerance=settings.tolerance,
            rng=rng,
            **options,
        )

    scale, sweeps = np.ones(n_p), 0
    if settings.balance_sides and init_weights is not None:
        scale = init_weights  # a warm start keeps the previous side weights
    if init is None and n_p > 2 * _PRESOLVE_ROWS:
        rows = np.sort(rng.choice(n_p, _PRESOLVE_ROWS, replace=False))
        sub, _ = _fit(W[rows], WY[rows], settings, rng, None, None, None)
        init = replace(
            sub,
            participant_intercepts=np.zeros(n_p),
            participant_factors=np.zeros((n_p, settings.n_factors)),
        )
        init_mask = (np.zeros(n_p, dtype=bool), np.ones(n_s, dtype=bool))
        if settings.balance_sides:  # everyone's side from one sweep at the subset's statements
            probe = fit(init=init, init_mask=init_mask, max_iterations=1)
            scale = _side_weights(
                probe.participant_factors[:, 0], row_weight, settings.max_side_weight
            )
            sweeps += 1
    model = fit(init=init, init_mask=init_mask, row_scale=scale if settings.balance_sides else None)
    sweeps += model.n_iterations
    for _ in range(_BALANCE_ROUNDS if settings.balance_sides else 0):
        new_scale = _side_weights(
            model.participant_factors[:, 0], row_weight, settings.max_side_weight
        )
        if np.allclose(new_scale, scale, rtol=_BALANCE_TOLERANCE, atol=0.0):
            break
        scale = new_scale
        model = fit(init=model, row_scale=scale)
        sweeps += model.n_iterations
    return replace(model, n_iterations=sweeps), scale


def _side_weights(side: np.ndarray, row_weight: np.ndarray, cap: float) -> np.ndarray:
    """Participant weights that give both sides of the factor axis the same total vote weight
    (Community Notes' side-balancing re-weighting), each at most ``cap``."""
    pos, neg = side > 0, side < 0
    t_pos, t_neg = float(row_weight[pos].sum()), float(row_weight[neg].sum())
    scale = np.ones(len(side))
    if t_pos > 0 and t_neg > 0:
        half = (t_pos + t_neg) / 2
        scale[pos] = min(half / t_pos, cap)
        scale[neg] = min(half / t_neg, cap)
    return scale


def _validate(X: Any) -> sp.csr_matrix:
    if not sp.issparse(X):
        raise InvalidVotesError(
            f"X must be a scipy.sparse matrix or a VoteMatrix, got {type(X).__name__}"
        )
    X = sp.csr_matrix(X)
    data = X.data
    if X.nnz and (
        data.min() < -1
        or data.max() > 1
        or (data.dtype.kind not in "iub" and (data != np.round(data)).any())
    ):
        bad = data[(data < -1) | (data > 1) | (data != np.round(data))][0]
        raise InvalidVotesError(f"X: votes must be -1, 0 or +1, got {bad!r}")
    if X.dtype != np.int8:
        X = X.astype(np.int8)
    if not X.has_canonical_format:
        X = X.copy()  # never sort the caller's arrays in place
        X.sort_indices()
        if not X.has_canonical_format:
            raise InvalidVotesError(
                "X has duplicate entries; keep one vote per cell (VoteMatrix does)"
            )
    return X


@dataclass(frozen=True, eq=False)
class FactorFit:
    """The factor model of :func:`bridging` fitted to one vote matrix, with the weighted
    targets it was fitted on: everything of a bridging result that reads neither the opinion
    groups nor the fine cells (:func:`fit_factors`)."""

    X: sp.csr_matrix
    participant_ids: list[Hashable]
    statement_ids: list[Hashable]
    active: np.ndarray
    W: sp.csr_matrix
    WY: sp.csr_matrix
    population: np.ndarray
    model: FactorModel
    scale: np.ndarray


def fit_factors(
    X: sp.spmatrix | VoteMatrix,
    *,
    settings: BridgingSettings = BridgingSettings(),  # frozen, so safe as a default
    random_state: int | None = 0,
    previous: BridgingResult | None = None,
    participant_ids: Sequence[Hashable] | None = None,
    statement_ids: Sequence[Hashable] | None = None,
    active: np.ndarray | None = None,
    population_weights: np.ndarray | None = None,
) -> FactorFit:
    """The matrix-factorisation part of :func:`bridging` (parameters as there): validated
    votes, weighted targets and the side-balanced factor model. Its own random generator
    (seeded by ``random_state``), so the fit is the same wherever and whenever it runs."""
    if isinstance(X, VoteMatrix):
        participant_ids = list(X.participant_ids)
        statement_ids = list(X.statement_ids)
        active = X.active
        X = X.X
    X = _validate(X)
    n_p, n_s = X.shape
    participant_ids = list(range(n_p)) if participant_ids is None else list(participant_ids)
    statement_ids = list(range(n_s)) if statement_ids is None else list(statement_ids)
    if len(participant_ids) != n_p or len(statement_ids) != n_s:
        raise InvalidVotesError(
            f"ids do not match X's shape {X.shape}: "
            f"{len(participant_ids)} participant, {len(statement_ids)} statement ids"
        )
    active = np.ones(n_s, dtype=bool) if active is None else np.asarray(active, dtype=bool).copy()
    if active.shape != (n_s,):
        raise InvalidVotesError(f"active must have shape ({n_s},), got {active.shape}")

    W, WY = _targets(X, active, settings.pass_weight)
    pop = np.ones(n_p)
    if population_weights is not None:
        pop = np.asarray(population_weights, dtype=np.float64)
        if pop.shape != (n_p,) or not np.isfinite(pop).all() or (pop < 0).any():
            raise InvalidVotesError(
                f"population_weights must be {n_p} finite non-negative "
                f"numbers, got shape {pop.shape}"
            )
        # Scale the entries in place (fresh arrays from _targets): W and WY keep X's pattern,
        # which the factorisation relies on (a matrix product would drop WY's zeros).
        row_of_entry = pop[np.repeat(np.arange(n_p), np.diff(W.indptr))]
        W.data *= row_of_entry
        WY.data *= row_of_entry
    warm = (
        None
        if previous is None
        else _warm_start(previous, participant_ids, statement_ids, settings.n_factors)
    )
    model, scale = _fit(
        W,
        WY,
        settings,
        np.random.default_rng(random_state),
        *(warm if warm is not None else (None, None, None)),
    )
    return FactorFit(X, participant_ids, statement_ids, active, W, WY, pop, model, scale)


def bridging(
    X: sp.spmatrix | VoteMatrix,
    *,
    group_labels: Sequence[Hashable] | np.ndarray | None = None,
    attributes: Mapping[str, Sequence[Hashable] | np.ndarray] | None = None,
    settings: BridgingSettings = BridgingSettings(),  # frozen, so safe as a default
    random_state: int | None = 0,
    previous: BridgingResult | None = None,
    participant_ids: Sequence[Hashable] | None = None,
    statement_ids: Sequence[Hashable] | None = None,
    active: np.ndarray | None = None,
    population_weights: np.ndarray | None = None,
    fine_labels: Sequence[Hashable] | np.ndarray | None = None,
    fitted: FactorFit | None = None,
    classes: Sequence[ClassRates] = (),
) -> BridgingResult:
    """Score every statement for bridging support.

    Parameters
    ----------
    X : sparse matrix (n_participants, n_statements) or VoteMatrix
        Votes: agree +1, disagree -1, pass explicit 0, unseen no entry. A VoteMatrix brings its
        ids and leaves out its moderated-out and meta statements.
    group_labels : (n_participants,) opinion group per participant, -1 for none (e.g.
        ``AnalysisResult.clustering.labels``); used for the per-group explanations only.
    attributes : mapping name -> (n_participants,) category per participant (None = unknown),
        e.g. ``{"role": [...]}``; per-category rates with cells under ``min_cell_size`` hidden.
    settings : BridgingSettings
    random_state : int or None
        Seeds the spectral start; the result is identical for the same seed.
    previous : BridgingResult, optional
        Warm start from an earlier result, matched by participant and statement id.
    participant_ids, statement_ids, active : for a plain sparse X, the ids (default 0..n-1) and
        the mask of statements to score (default all).
    population_weights : (n_participants,) non-negative weights that make the room look like
        the population (e.g. ``engine.weighting.rake(...).weights``, mean 1); they multiply each
        participant's vote weights in the fit and enter the interval's sandwich correction like
        the side weights. None = all 1 (the unweighted fit). Vote counts stay unweighted.
    fine_labels : (n_participants,) or (n_partitions, n_participants) finer partitions than the
        groups (-1 for none; e.g. :func:`engine.opinion_space.opinion_cells`) whose cells can
        veto common ground and enter its order (:mod:`engine.common_ground`); None = no
        fine veto.
    fitted : FactorFit, optional
        The factor model already fitted by :func:`fit_factors` on the same votes, settings,
        seed and warm start (it reads neither the groups nor the fine cells, so an analysis
        can fit it beside its other steps); None = fit it here.
    classes : latent classes with their own agree rates (:func:`engine.class_veto.class_rates`)
        whose veto also holds (:mod:`engine.common_ground`); empty = none.

    Returns
    -------
    BridgingResult

    Notes
    -----
    Loss (Community Notes, mean form, mu unpenalised)::

        sum w (y - mu - b_p - c_s - f_p.g_s)^2 / sum w
            + 0.15 (mean b_p^2 + mean c_s^2) + 0.03 (mean |f_p|^2 + mean |g_s|^2)

    The interval is c_s +- z sd, with sd from the statement's ridge normal equations at the
    fitted participant parameters and the statement's (shrunk) residual variance. It ignores the
    uncertainty of the participant parameters; ``benchmarks/bridging.py`` compares it with a
    bootstrap over participants.

    References
    ----------
    Wojcik et al. (2022), "Birdwatch: Crowd Wisdom and Bridging Algorithms can Inform
    Understanding and Reduce the Spread of Misinformation", arXiv:2210.15723;
    twitter/communitynotes ``matrix_factorization.py`` and ``mf_base_scorer.py``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix([[1, 1, -1], [1, 1, -1], [1, -1, 1], [1, -1, 1]], dtype="int8")
    >>> r = bridging(X, group_labels=[0, 0, 1, 1], settings=BridgingSettings(min_side_agrees=1))
    >>> r.ranked()[0].statement_id, r.ranked()[0].group_agree
    (0, {0: 1.0, 1: 1.0})
    """
    if fitted is None:
        fitted = fit_factors(
            X, settings=settings, random_state=random_state, previous=previous,
            participant_ids=participant_ids, statement_ids=statement_ids, active=active,
            population_weights=population_weights,
        )
    X, W, WY, model, scale, pop = (
        fitted.X, fitted.W, fitted.WY, fitted.model, fitted.scale, fitted.population
    )
    participant_ids, statement_ids, active = (
        fitted.participant_ids, fitted.statement_ids, fitted.active
    )
    n_p, n_s = X.shape
    side = model.participant_factors[:, 0]
    both = scale * pop  # side and population weights together
    counts = count_votes(X, np.column_stack([np.ones(n_p), side > 0, side < 0, both, both * both]))
    n_agree, n_disagree, n_pass = np.rint(counts[:, 0].T).astype(np.int64)
    n_agree_positive, n_agree_negative = np.rint(counts[:, 1:3, 0].T).astype(np.int64)
    # sum of w y^2 per statement: agree 1 x 1, pass pass_weight x 1/4, disagree 0 (x scale).
    wyy = np.where(active, counts[:, 3, 0] + settings.pass_weight * 0.25 * counts[:, 3, 2], 0.0)
    # Participant weights are not precisions: a weighted mean's variance grows by
    # sum(w m^2) / sum(w m) over the ridge formula's (the sandwich correction; 1 when m = 1).
    vote_weight = np.array([1.0, 1.0, settings.pass_weight])
    sum_m, sum_m2 = counts[:, 3] @ vote_weight, counts[:, 4] @ vote_weight
    inflation = np.divide(sum_m2, sum_m, out=np.ones(n_s), where=sum_m > 0)
    half = _interval_halfwidth(W, WY, wyy, scale, model, settings) * np.sqrt(inflation)
    del W, WY, fitted

    score = np.where(active, model.statement_intercepts, np.nan)
    polarization = np.where(active, np.linalg.norm(model.statement_factors, axis=1), np.nan)
    low, high = score - half, score + half
    is_bridging = (
        active
        & (n_agree_positive >= settings.min_side_agrees)
        & (n_agree_negative >= settings.min_side_agrees)
        & (np.nan_to_num(low, nan=-np.inf) > settings.min_score)
        & (np.nan_to_num(polarization, nan=np.inf) < settings.max_polarization)
    )

    groups = None
    if group_labels is not None:
        labels = np.asarray(group_labels)
        groups = vote_breakdown(X, labels, name="group", min_cell_size=None)
    breakdowns = {
        name: vote_breakdown(X, values, name=name, min_cell_size=settings.min_cell_size)
        for name, values in (attributes or {}).items()
    }
    common = judge_common_ground(X, active, groups, breakdowns, fine_labels, settings, classes)
    return BridgingResult(
        statement_ids=statement_ids,
        participant_ids=participant_ids,
        settings=settings,
        active=active,
        score=score,
        low=low,
        high=high,
        polarization=polarization,
        n_votes=n_agree + n_disagree + n_pass,
        n_agree=n_agree,
        n_disagree=n_disagree,
        n_pass=n_pass,
        n_agree_positive=n_agree_positive,
        n_agree_negative=n_agree_negative,
        is_bridging=is_bridging,
        model=model,
        participant_weights=scale,
        groups=groups,
        attributes=breakdowns,
        common=common,
    )


def _fine_counts(X: sp.csr_matrix, levels: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per partition (row of ``levels``, cells 0..m-1, -1 none): its (m, n_s, 3) agree /
    disagree / pass counts and (m,) sizes, all partitions counted in one pass over the votes
    (one indicator matrix with every level's cells side by side)."""
    placed = (levels >= 0).any(axis=0)
    if not placed.all():  # a large room's sample (engine.opinion_space): count only its votes
        X, levels = X[placed], levels[:, placed]
    n_p = X.shape[0]
    widths = [int(row.max()) + 1 if row.size and row.max() >= 0 else 0 for row in levels]
    offsets = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)
    onehot = np.zeros((n_p, int(offsets[-1])))
    for row, start in zip(levels, offsets[:-1], strict=True):
        member = np.flatnonzero(row >= 0)
        onehot[member, start + row[member]] = 1.0
    counts = np.rint(count_votes(X, onehot)).transpose(1, 0, 2).astype(np.int64)
    sizes = onehot.sum(axis=0).astype(np.int64)
    return [(counts[a:b], sizes[a:b]) for a, b in pairwise(offsets.tolist())]


def judge_common_ground(
    X: sp.csr_matrix,
    active: np.ndarray,
    groups: VoteBreakdown | None,
    roles: Mapping[str, VoteBreakdown],
    fine_labels: Sequence[Hashable] | np.ndarray | None,
    settings: BridgingSettings,
    classes: Sequence[ClassRates] = (),
) -> CommonGround:
    """The common-ground rule (:mod:`engine.common_ground`) from the counts per group, per role
    and per fine cell; without groups everyone counts as one group. Inactive statements are
    never common ground."""
    if groups is None:
        groups = vote_breakdown(X, np.zeros(X.shape[0], dtype=np.int64), min_cell_size=None)
    fine = []
    if fine_labels is not None:
        fine = _fine_counts(X, np.atleast_2d(np.asarray(fine_labels, dtype=np.int64)))
    common = common_ground(
        groups.counts,
        groups.categories,
        roles={name: (b.categories, b.counts, b.visible) for name, b in roles.items()},
        fine=fine,
        classes=classes,
        settings=settings.common_ground,
    )
    common.status[~active] = NOT_ENOUGH_VOTES
    if common.status_no_classes is not None:
        common.status_no_classes[~active] = NOT_ENOUGH_VOTES
    if common.role_status is not None:
        common.role_status[~active] = NOT_ENOUGH_VOTES
    return common

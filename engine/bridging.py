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
from dataclasses import dataclass, field, replace
from statistics import NormalDist
from typing import Any

import numpy as np
import scipy.sparse as sp

from .breakdown import MIN_CELL_SIZE_FLOOR, VoteBreakdown, count_votes, vote_breakdown
from .errors import InvalidSettingError, InvalidVotesError
from .factorization import FactorModel, fit_factor_model
from .matrix import VoteMatrix

__all__ = ["BridgingResult", "BridgingSettings", "BridgingStatement", "bridging"]

#: Regression targets are (vote + 1) / 2 = agree 1, pass 1/2, disagree 0: Community Notes' rating
#: scale (helpful 1, "somewhat" 1/2, not helpful 0), so its penalties carry over unchanged.
#: Side balancing: at most this many refits, stopping once the side weights move less than this
#: (relative); the weights only change when participants cross the factor's zero.
_BALANCE_ROUNDS = 4
_BALANCE_TOLERANCE = 0.01
#: Participants of the subset a cold fit of a very large conversation starts from.
_PRESOLVE_ROWS = 100_000
#: Variance of a fair coin on that scale: the noise assumed before any vote is seen.
_MAX_VOTE_VARIANCE = 0.25


@dataclass(frozen=True)
class BridgingSettings:
    """Settings of :func:`bridging`; frozen, validated on construction."""

    #: Factor dimensions. Community Notes uses 1 ("to avoid overfitting").
    n_factors: int = 1
    #: Mean-loss penalty on intercepts (Community Notes: 0.15, five times the factors').
    intercept_reg: float = 0.15
    #: Mean-loss penalty on factors (Community Notes: 0.03).
    factor_reg: float = 0.03
    #: Weight of a pass (target 1/2) relative to an agree / disagree; see the module docstring.
    #: Measured (benchmarks/RESULTS.md): 1 ranks statements whose held-out support is broadest
    #: (mean lowest-group agree rate of the top 10 on the Pol.is exports 0.70, vs 0.68 at 1/2
    #: and 0.65 when passes are dropped), at a 3% worse Brier score on agree-vs-disagree.
    pass_weight: float = 1.0
    #: ALS sweeps at most, and the largest parameter change that counts as converged
    #: (scores are shown to two decimals; 1e-4 leaves them within ~1e-4 of the optimum).
    max_iterations: int = 300
    tolerance: float = 1e-4
    #: Two-sided coverage of the score interval.
    interval_level: float = 0.95
    #: Pseudo-votes with the pooled residual variance added to each statement's own (shrinkage,
    #: so a statement with 3 identical votes does not get a zero-width interval).
    noise_prior_votes: float = 10.0
    #: Evidence rule: agrees needed from each side of the factor axis (Community Notes, 2025:
    #: 5 positive- and 5 negative-factor raters must rate a note helpful).
    min_side_agrees: int = 5
    #: A bridging statement's interval must lie above this score (support beyond the average
    #: vote that the factor does not explain).
    min_score: float = 0.0
    #: ... and its polarisation below this (Community Notes' factor cap |f_n| < 0.5).
    max_polarization: float = 0.5
    #: Refit with both sides of the factor axis weighted equally (Community Notes' side-balancing
    #: weights, from its expanded-consensus trial). Without it, the factor's zero point - where
    #: the intercept is read - sits near the majority, and a large group's favourites score as
    #: bridging (measured in benchmarks/RESULTS.md, "Bridging").
    balance_sides: bool = True
    #: ... with no participant weighted more than this (our choice: a handful of participants on
    #: a tiny side must not outweigh everyone).
    max_side_weight: float = 5.0
    #: k-anonymity for declared attributes (roles...): cells with fewer participants are hidden.
    min_cell_size: int = 5

    def __post_init__(self) -> None:
        for name in ("n_factors", "max_iterations", "min_side_agrees"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < (0 if name == "min_side_agrees" else 1):
                raise InvalidSettingError(f"{name} must be a positive integer, got {value!r}")
        for name in ("intercept_reg", "factor_reg", "tolerance"):
            if not getattr(self, name) > 0:
                raise InvalidSettingError(f"{name} must be > 0, got {getattr(self, name)!r}")
        if not 0 <= self.pass_weight <= 1:
            raise InvalidSettingError(f"pass_weight must be in [0, 1], got {self.pass_weight!r}")
        if not 0 < self.interval_level < 1:
            raise InvalidSettingError(
                f"interval_level must be in (0, 1), got {self.interval_level!r}")
        if not self.max_side_weight >= 1:
            raise InvalidSettingError(
                f"max_side_weight must be >= 1, got {self.max_side_weight!r}")
        if self.noise_prior_votes < 0 or self.max_polarization <= 0:
            raise InvalidSettingError(
                "noise_prior_votes must be >= 0 and max_polarization > 0, got "
                f"{self.noise_prior_votes!r}, {self.max_polarization!r}")
        if not isinstance(self.min_cell_size, int) or self.min_cell_size < MIN_CELL_SIZE_FLOOR:
            raise InvalidSettingError(
                f"min_cell_size must be an integer >= {MIN_CELL_SIZE_FLOOR}, "
                f"got {self.min_cell_size!r}")


@dataclass(frozen=True)
class BridgingStatement:
    """One statement's bridging figures, as listed best first by :meth:`BridgingResult.ranked`."""

    statement_id: Hashable
    score: float
    low: float
    high: float
    polarization: float
    #: opinion group id -> agree rate (agrees / votes seen, passes included).
    group_agree: dict[Hashable, float]
    #: attribute name -> category -> agree rate, cells of fewer than ``min_cell_size`` hidden.
    role_agree: dict[str, dict[Hashable, float]]
    is_bridging: bool
    n_votes: int


@dataclass(frozen=True)
class BridgingResult:
    """Per-statement bridging arrays, indexed like the vote matrix's columns (agree = +1)."""

    statement_ids: list[Hashable]
    participant_ids: list[Hashable]
    settings: BridgingSettings
    #: (n_statements,) statements scored (not moderated out, not meta).
    active: np.ndarray
    #: (n_statements,) statement intercept c_s: the bridging score (NaN if not active).
    score: np.ndarray
    #: (n_statements,) interval around the score at ``settings.interval_level``.
    low: np.ndarray
    high: np.ndarray
    #: (n_statements,) |g_s|, the statement's loading on the opinion factor.
    polarization: np.ndarray
    #: (n_statements,) votes seen (agree, disagree, pass) and their split.
    n_votes: np.ndarray
    n_agree: np.ndarray
    n_disagree: np.ndarray
    n_pass: np.ndarray
    #: (n_statements,) agrees from participants on the positive / negative side of factor 1.
    n_agree_positive: np.ndarray
    n_agree_negative: np.ndarray
    #: (n_statements,) passes the evidence rule, the interval bound and the polarisation cap.
    is_bridging: np.ndarray
    #: The fitted model (participant and statement parameters) — also the warm start.
    model: FactorModel
    #: (n_participants,) participant weights of the side-balanced fit (ones without balancing).
    participant_weights: np.ndarray
    #: Per-opinion-group counts (None without group labels).
    groups: VoteBreakdown | None = None
    #: attribute name -> per-category counts, small cells hidden.
    attributes: dict[str, VoteBreakdown] = field(default_factory=dict)

    def order(self) -> np.ndarray:
        """Indices of active statements, best score first (ties: matrix order)."""
        idx = np.flatnonzero(self.active)
        return idx[np.lexsort((idx, -self.score[idx]))]

    def ranked(self, limit: int | None = None) -> list[BridgingStatement]:
        """Active statements, best first, with their explanations."""
        group_rates = self.groups.agree_rates() if self.groups is not None else None
        attr_rates = {name: b.agree_rates() for name, b in self.attributes.items()}
        def shown(categories: tuple[Hashable, ...], rates: np.ndarray) -> dict[Hashable, float]:
            return {c: float(r) for c, r in zip(categories, rates, strict=True) if not np.isnan(r)}

        out = []
        for s in self.order()[:limit]:
            group_agree: dict[Hashable, float] = {}
            if self.groups is not None and group_rates is not None:
                group_agree = shown(self.groups.categories, group_rates[:, s])
            role_agree = {name: shown(b.categories, attr_rates[name][:, s])
                          for name, b in self.attributes.items()}
            out.append(BridgingStatement(
                statement_id=self.statement_ids[s], score=float(self.score[s]),
                low=float(self.low[s]), high=float(self.high[s]),
                polarization=float(self.polarization[s]), group_agree=group_agree,
                role_agree=role_agree, is_bridging=bool(self.is_bridging[s]),
                n_votes=int(self.n_votes[s]),
            ))
        return out

    def to_json(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The ranked list as JSON-ready dicts (group and category keys as strings)."""
        return [
            {
                "statement_id": (st.statement_id.item() if isinstance(st.statement_id, np.generic)
                                 else st.statement_id),
                "score": round(st.score, 4),
                "low": round(st.low, 4),
                "high": round(st.high, 4),
                "polarization": round(st.polarization, 4),
                "group_agree": {str(g): round(r, 4) for g, r in st.group_agree.items()},
                "role_agree": {a: {str(c): round(r, 4) for c, r in cats.items()}
                               for a, cats in st.role_agree.items()},
                "is_bridging": st.is_bridging,
                "n_votes": st.n_votes,
            }
            for st in self.ranked(limit)
        ]


def _targets(X: sp.csr_matrix, keep: np.ndarray, pass_weight: float
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


def _warm_start(previous: BridgingResult, participant_ids: Sequence[Hashable],
                statement_ids: Sequence[Hashable], n_factors: int,
                ) -> tuple[FactorModel, tuple[np.ndarray, np.ndarray], np.ndarray] | None:
    """Previous parameters re-indexed by id onto the new matrix (unknown ids flagged False)."""
    prev = previous.model
    if prev.statement_factors.shape[1] != n_factors:
        return None

    def align(ids: Sequence[Hashable], old_ids: Sequence[Hashable]
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
        n_iterations=0, converged=False,
    )
    weights = np.where(p_known, previous.participant_weights[p_pos], 1.0)
    return model, (p_known, s_known), weights


def _interval_halfwidth(W: sp.csr_matrix, WY: sp.csr_matrix, WYY: np.ndarray, scale: np.ndarray,
                        model: FactorModel, settings: BridgingSettings) -> np.ndarray:
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
    sums = W.T @ (scale[:, None] * np.column_stack(
        [np.ones_like(a), a, a * a, f, f * a[:, None],
         *(f[:, k] * f[:, m] for k in range(d) for m in range(d))]))
    n, s_a, s_aa = sums[:, 0], sums[:, 1], sums[:, 2]
    s_f, s_fa = sums[:, 3:3 + d], sums[:, 3 + d:3 + 2 * d]
    s_ff = sums[:, 3 + 2 * d:].reshape(-1, d, d)
    ysums = WY.T @ (scale[:, None] * np.column_stack([np.ones_like(a), a, f]))
    s_y, s_ya, s_yf = ysums[:, 0], ysums[:, 1], ysums[:, 2:]
    cross_y = s_ya + c * s_y + np.einsum("sk,sk->s", g, s_yf)
    square = (s_aa + c * c * n + np.einsum("sk,skm,sm->s", g, s_ff, g) + 2 * c * s_a
              + 2 * np.einsum("sk,sk->s", g, s_fa) + 2 * c * np.einsum("sk,sk->s", g, s_f))
    ssr = np.maximum(WYY - 2 * cross_y + square, 0.0)
    prior = settings.noise_prior_votes
    pooled = (ssr.sum() + prior * _MAX_VOTE_VARIANCE) / max(n.sum() + prior, 1e-12)
    denominator = n + prior
    sigma2 = np.divide(ssr + prior * pooled, denominator, out=np.full(len(ssr), pooled),
                       where=denominator > 0)
    z = NormalDist().inv_cdf(0.5 + settings.interval_level / 2)
    return z * np.sqrt(sigma2 * model.statement_covariance[:, 0, 0])


def _fit(W: sp.csr_matrix, WY: sp.csr_matrix, settings: BridgingSettings,
         rng: np.random.Generator, init: FactorModel | None,
         init_mask: tuple[np.ndarray, np.ndarray] | None, init_weights: np.ndarray | None
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
            W, WY, n_factors=settings.n_factors, intercept_reg=settings.intercept_reg,
            factor_reg=settings.factor_reg, tolerance=settings.tolerance, rng=rng, **options)

    scale, sweeps = np.ones(n_p), 0
    if settings.balance_sides and init_weights is not None:
        scale = init_weights  # a warm start keeps the previous side weights
    if init is None and n_p > 2 * _PRESOLVE_ROWS:
        rows = np.sort(rng.choice(n_p, _PRESOLVE_ROWS, replace=False))
        sub, _ = _fit(W[rows], WY[rows], settings, rng, None, None, None)
        init = replace(sub, participant_intercepts=np.zeros(n_p),
                       participant_factors=np.zeros((n_p, settings.n_factors)))
        init_mask = (np.zeros(n_p, dtype=bool), np.ones(n_s, dtype=bool))
        if settings.balance_sides:  # everyone's side from one sweep at the subset's statements
            probe = fit(init=init, init_mask=init_mask, max_iterations=1)
            scale = _side_weights(probe.participant_factors[:, 0], row_weight,
                                  settings.max_side_weight)
            sweeps += 1
    model = fit(init=init, init_mask=init_mask,
                row_scale=scale if settings.balance_sides else None)
    sweeps += model.n_iterations
    for _ in range(_BALANCE_ROUNDS if settings.balance_sides else 0):
        new_scale = _side_weights(model.participant_factors[:, 0], row_weight,
                                  settings.max_side_weight)
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
            f"X must be a scipy.sparse matrix or a VoteMatrix, got {type(X).__name__}")
    X = sp.csr_matrix(X)
    data = X.data
    if X.nnz and (data.min() < -1 or data.max() > 1
                  or (data.dtype.kind not in "iub" and (data != np.round(data)).any())):
        bad = data[(data < -1) | (data > 1) | (data != np.round(data))][0]
        raise InvalidVotesError(f"X: votes must be -1, 0 or +1, got {bad!r}")
    if X.dtype != np.int8:
        X = X.astype(np.int8)
    if not X.has_canonical_format:
        X = X.copy()  # never sort the caller's arrays in place
        X.sort_indices()
        if not X.has_canonical_format:
            raise InvalidVotesError(
                "X has duplicate entries; keep one vote per cell (VoteMatrix does)")
    return X


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
            f"{len(participant_ids)} participant, {len(statement_ids)} statement ids")
    active = np.ones(n_s, dtype=bool) if active is None else np.asarray(active, dtype=bool).copy()
    if active.shape != (n_s,):
        raise InvalidVotesError(f"active must have shape ({n_s},), got {active.shape}")

    W, WY = _targets(X, active, settings.pass_weight)
    warm = None if previous is None else _warm_start(previous, participant_ids, statement_ids,
                                                     settings.n_factors)
    model, scale = _fit(W, WY, settings, np.random.default_rng(random_state),
                        *(warm if warm is not None else (None, None, None)))
    side = model.participant_factors[:, 0]
    counts = count_votes(X, np.column_stack([np.ones(n_p), side > 0, side < 0, scale,
                                             scale * scale]))
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
    del W, WY

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
    return BridgingResult(
        statement_ids=statement_ids, participant_ids=participant_ids, settings=settings,
        active=active, score=score, low=low, high=high, polarization=polarization,
        n_votes=n_agree + n_disagree + n_pass, n_agree=n_agree, n_disagree=n_disagree,
        n_pass=n_pass, n_agree_positive=n_agree_positive, n_agree_negative=n_agree_negative,
        is_bridging=is_bridging, model=model, participant_weights=scale, groups=groups,
        attributes=breakdowns,
    )

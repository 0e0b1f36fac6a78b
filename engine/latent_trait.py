"""A continuous latent trait model of the votes: the alternative to latent classes.

A latent class model cuts a continuum of opinions into classes however many votes there are;
whether the votes are classes or a continuum is a comparison of two models of the same votes
(Lubke & Neale 2006, Multivariate Behavioral Research 41, 499-532: latent class versus
factor models, told apart by fit). This module fits the continuum: each participant has a
position ``theta_i`` on ``d`` latent axes and the same leniency ``u_i`` as the class model
(:mod:`engine.latent_class`), each statement an intercept and loadings (a multidimensional
two-parameter logistic model, a logistic factor model with missing votes left out):

    P(agree with s | participant i) = lapse + (1 - 2 lapse) expit(a_s + b_s . theta_i + u_i),
    theta_i ~ N(0, I_d),  u_i ~ N(0, tau^2),  a_s, b_s ~ N(0, 1 / RIDGE).

The lapse is one share of the room's votes cast at random (agree or disagree alike), a floor
and a ceiling shared by every statement (the guessing and slipping asymptotes of a
four-parameter logistic item response model, Barton & Lord 1981, here one pair for the room and
symmetric): a step-like continuum (a Guttman scale with flipped votes) is a continuum with a
floor and a ceiling that a logistic link does not have, and a latent class model, whose class
profiles have both, would otherwise fit it better than the continuum it is (benchmarks/
RESULTS.md, session 14 g15t). The lapse is estimated with the rest (0 gives the two-parameter
logistic model); the step-like model is fitted with a weaker ridge (``STEP_RIDGE``).

Fitted by joint maximum a posteriori estimation, alternating one Newton step of every
participant's (theta_i, u_i) and one of every statement's (a_s, b_s) (each a small ridge
logistic regression with d + 1 parameters, solved for all of them at once; Fisher scoring
under the lapse), tau^2 updated from the leniencies and their precision as in the class model,
and the lapse by Newton steps on its (concave) log-likelihood. Started from the one-class model
(statement log-odds and leniency) and the leading singular vectors of its standardised
residuals.

:func:`fold_loss` scores one fold of held-out votes (the grouping uses the folds of
:func:`engine.latent_class.held_out_losses`): fitted on the other folds, each held-out vote
predicted from its participant's position and leniency learnt from their other votes only.
The position is integrated out under its Laplace posterior (the class model likewise averages
over its class probabilities) with the probit approximation of the logistic-normal integral
(MacKay 1992); the leniency is a point estimate in both models.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from . import latent_class as lc

__all__ = ["LatentTrait", "fit_trait", "fold_loss"]

#: Ridge on every statement's intercept and loadings: the class model's ``RIDGE`` (a normal
#: prior with variance 1 on the log-odds scale).
RIDGE = lc.RIDGE
#: ... of the step-like model (:func:`fit_trait` with the lapse): variance 10, sd 3.2. A
#: statement that splits the room sharply at a threshold t needs a steep loading b and an
#: intercept -b t, which variance 1 forbids (a Guttman scale with 5% of votes flipped: loadings
#: of median 2.3 at ridge 1; the 1-axis trait's held-out log-loss 0.350 at ridge 1 with or
#: without the lapse, 0.308 at ridge 0.1 with it). Chosen on one development room; on two axes
#: or without the lapse, 0.1 overfits sparse rooms (benchmarks/RESULTS.md, session 14 g15t).
STEP_RIDGE = 0.1
#: Stop when the mean penalised log-likelihood per vote improves by less than this (the class
#: model's tolerance), or after the given number of alternations.
TOLERANCE = lc.TOLERANCE
#: No Newton step moves a parameter by more than this (log-odds units): the first steps from
#: the singular-vector start can overshoot on statements everyone in a direction agrees with.
MAX_STEP = 2.0
#: One-class EM steps of the start (the same as :func:`engine.latent_class.residual_positions`).
START_STEPS = 30
#: The lapse at most: a quarter of the votes random would leave P(agree) within [0.25, 0.75],
#: no longer a model of opinions (the benchmark's Guttman scales flip 2-10%, i.e. a lapse of
#: 0.02-0.10, and the fitted lapse of logistic rooms stays near 0).
LAPSE_MAX = 0.25
#: Newton steps on the lapse per alternation (its log-likelihood is concave and one-dimensional).
LAPSE_STEPS = 5


@dataclass(frozen=True)
class LatentTrait:
    """A fitted latent trait model."""

    #: (S, d + 1) per statement: loadings on the d axes, then the intercept.
    statements: np.ndarray
    #: (n, d + 1) per participant: position on the d axes, then the leniency.
    participants: np.ndarray
    #: (n, d + 1, d + 1) each participant's posterior precision (Laplace, at the fit).
    precision: np.ndarray
    #: Leniency spread (log-odds).
    tau: float
    #: Share of the votes cast at random: P(agree) within [lapse, 1 - lapse].
    lapse: float
    #: Mean penalised log-likelihood per vote.
    loglik: float

    @property
    def d(self) -> int:
        return self.statements.shape[1] - 1


def _design(left: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(d + 1, m) each vote's regressors for the other side's parameters, one row per
    regressor: ``left[rows].T`` with its last row (the intercept's or the leniency's
    coefficient) set to 1. Held row by row so that every product of :func:`_newton` runs over
    contiguous memory (3-10x faster than over the columns of an (m, d + 1) array)."""
    x = np.take(left.T, rows, axis=1)  # a new, row-contiguous array
    x[-1] = 1.0
    return x


def _eta(
    statements: np.ndarray, participants: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """The agree log-odds of participants ``rows`` with statements ``cols`` at the estimates."""
    # Gathered as (d + 1, m) rows, and the products summed axis by axis: the order (and so the
    # numbers, to the bit) of ``(st[:, :d] * pa[:, :d]).sum(axis=1)`` on the (m, d + 1)
    # gathers, which NumPy reduces over a short row several times slower.
    st, pa = np.take(statements.T, cols, axis=1), np.take(participants.T, rows, axis=1)
    d = statements.shape[1] - 1
    dot = st[0] * pa[0] if d else np.zeros(len(cols))
    for j in range(1, d):
        dot = dot + st[j] * pa[j]
    return dot + st[d] + pa[d]


def _newton(
    group: np.ndarray,
    n_groups: int,
    x: np.ndarray,
    resid: np.ndarray,
    info: np.ndarray,
    params: np.ndarray,
    prior: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """One ridge-logistic Newton step of every row of ``params`` (n_groups, q) at once: the
    score and information are sums over each row's votes (``group``: the row of each vote) of
    the votes' residual and p (1 - p) (``resid``, ``info``, weighted) times their regressors
    ``x`` (q, m; :func:`_design`); ``prior`` (q,) the prior precision of each parameter.
    Returns (the new params, the (n_groups, q, q) precision).

    The sums are ``np.bincount``'s, which adds each group's votes in their order, one after
    the other, as the product with a sparse 0/1 (n_groups, m) matrix does (the same numbers to
    the bit, at less overhead). The information is symmetric: each product x_a x_b with a <= b
    is summed once and written to (a, b) and (b, a)."""
    q = len(x)

    def total(per_vote: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=per_vote, minlength=n_groups)

    grad = np.column_stack([total(resid * x[a]) for a in range(q)]) - params * prior
    hess = np.empty((n_groups, q, q))
    for a in range(q):
        for b in range(a, q):
            hess[:, a, b] = hess[:, b, a] = total(info * (x[a] * x[b]))
    hess = hess + np.diag(prior)
    step = np.linalg.solve(hess, grad[:, :, None])[:, :, 0]
    return params + np.clip(step, -MAX_STEP, MAX_STEP), hess


def _floored(p: np.ndarray, lapse: float) -> np.ndarray:
    """P(agree) with a share ``lapse`` of the votes random: within [lapse, 1 - lapse]."""
    return np.clip(lapse + (1.0 - 2.0 * lapse) * p, 1e-12, 1.0 - 1e-12)


def _scores(y: np.ndarray, s: np.ndarray, lapse: float) -> tuple[np.ndarray, np.ndarray]:
    """Each vote's score and Fisher information with respect to its log-odds eta under the
    lapse, from its logistic probability ``s`` = expit(eta): with P = lapse + (1 - 2 lapse) s
    and g = dP/deta, the score is (y - P) g / (P (1 - P)) and the information g^2 / (P (1 - P))
    (y - s and s (1 - s) at lapse 0)."""
    if lapse == 0.0:  # the logistic model's own (exact where s is within 1e-12 of 0 or 1)
        return y - s, s * (1.0 - s)
    p = _floored(s, lapse)
    g = (1.0 - 2.0 * lapse) * s * (1.0 - s)
    var = p * (1.0 - p)
    return (y - p) * g / var, g * g / var


def _fit_lapse(y: np.ndarray, s: np.ndarray, w: np.ndarray, lapse: float) -> float:
    """The lapse maximising sum w log P(y) with P = lapse + (1 - 2 lapse) s given the votes'
    logistic probabilities ``s``: Newton steps on a concave function of one variable, kept
    within [0, ``LAPSE_MAX``]."""
    s_y = np.where(y > 0.5, s, 1.0 - s)  # the logistic part's probability of the vote cast
    c = 1.0 - 2.0 * s_y  # dP(y) / dlapse
    for _ in range(LAPSE_STEPS):
        p_y = np.maximum(lapse + (1.0 - 2.0 * lapse) * s_y, 1e-12)
        grad = float(np.dot(w, c / p_y))
        hess = float(np.dot(w, (c / p_y) ** 2))
        if hess <= 0.0:
            break
        lapse = min(max(lapse + grad / hess, 0.0), LAPSE_MAX)
    return lapse


def _start(v: lc.Votes, d: int, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Statements (loadings 0, the one-class log-odds) and participants (positions from the
    leading d singular vectors of the standardised one-class residuals, unit variance;
    leniency from the one-class fit)."""
    from sklearn.utils.extmath import randomized_svd  # imported where needed (start-up time)

    one = lc.em(v, np.ones((v.n, 1)), max_iterations=START_STEPS)
    p = np.clip(expit(one.logit[0, v.col] + one.lean[v.row]), 1e-6, 1.0 - 1e-6)
    resid = sp.csr_matrix(
        ((v.y - p) / np.sqrt(p * (1.0 - p)), (v.row, v.col)), shape=(v.n, v.n_statements)
    )
    k = max(min(d, min(resid.shape) - 1), 1)
    u, _, _ = randomized_svd(resid, k, random_state=seed)
    theta = np.zeros((v.n, d))
    theta[:, :k] = u * np.sqrt(v.n)
    statements = np.column_stack([np.zeros((v.n_statements, d)), one.logit[0]])
    participants = np.column_stack([theta, one.lean])
    return statements, participants, one.tau


def fit_trait(
    v: lc.Votes,
    d: int,
    *,
    max_iterations: int,
    seed: int = 0,
    start: LatentTrait | None = None,
    tolerance: float = TOLERANCE,
    lapse: bool = False,
    ridge: float = RIDGE,
) -> LatentTrait:
    """The latent trait model on ``d`` axes of the votes ``v`` (weighted participants), from the
    one-class start or a previous fit ``start`` (same participants and statements); stops
    when an alternation gains less than ``tolerance`` per vote (0: runs ``max_iterations``).
    ``lapse``: the lapse is estimated (else held at 0: the two-parameter logistic model);
    ``ridge``: on the statements' intercepts and loadings.

    Examples
    --------
    Eight participants spread along one axis; half the statements are agreed with by those
    above their threshold, half by those below it (so agreeing more is not what sets them
    apart, as leniency would): their fitted positions keep that order.

    >>> n, s = 8, 12
    >>> row, col = np.nonzero(np.ones((n, s)))
    >>> above = np.arange(n)[row] * s > (np.arange(s)[col] + 0.5) * n
    >>> y = np.where(col % 2 == 0, above, ~above).astype(float)
    >>> fit = fit_trait(lc.Votes.of(row, col, y, n, s), 1, max_iterations=200)
    >>> order = np.argsort(fit.participants[:, 0] * np.sign(fit.participants[-1, 0]))
    >>> order.tolist()
    [0, 1, 2, 3, 4, 5, 6, 7]
    """
    if start is None:
        statements, participants, tau = _start(v, d, seed)
        eps = 0.0
    else:
        statements, participants, tau = start.statements, start.participants, start.tau
        eps = start.lapse
    tau2 = tau**2
    st_prior = np.full(d + 1, ridge)
    n_votes = max(float(len(v.y)), 1.0)
    w = v.weight[v.row]
    weight_sum = v.weight_total()
    last = -np.inf
    precision = np.zeros((v.n, d + 1, d + 1))
    mean_ll = -np.inf
    # The votes' log-odds and logistic probabilities at the current estimates: computed once
    # where the estimates change, and read again by the next alternation's first step.
    eta = _eta(statements, participants, v.row, v.col)
    prob = expit(eta)
    for _ in range(max_iterations):
        # Statements first: from the start the loadings are 0, and a participants' step taken
        # there would pull every position to the prior's 0 (a saddle both steps then keep).
        resid, info = _scores(v.y, prob, eps)
        statements, _ = _newton(
            v.col, v.n_statements, _design(participants, v.row), w * resid, w * info,
            statements, st_prior,
        )
        resid, info = _scores(v.y, expit(_eta(statements, participants, v.row, v.col)), eps)
        pa_prior = np.append(np.ones(d), 1.0 / tau2)
        participants, precision = _newton(
            v.row, v.n, _design(statements, v.col), resid, info, participants, pa_prior
        )
        lean_var = np.linalg.inv(precision)[:, d, d]
        tau2 = v.leniency_variance(participants[:, d] ** 2 + lean_var, weight_sum)
        eta = _eta(statements, participants, v.row, v.col)
        prob = expit(eta)
        if lapse:
            eps = _fit_lapse(v.y, prob, w, eps)
        ll = (
            -lc.vote_log_loss(v.y, _floored(prob, eps))
            if eps > 0.0
            else v.y * eta - np.logaddexp(0.0, eta)
        )
        penalty = (
            0.5 * (participants[:, :d] ** 2).sum(axis=1)
            + 0.5 * (participants[:, d] ** 2 / tau2 + np.log(tau2))
        )
        mean_ll = (
            float(np.dot(v.weight, np.bincount(v.row, weights=ll, minlength=v.n) - penalty))
            - 0.5 * float((st_prior * statements**2).sum())
        ) / n_votes
        if mean_ll - last < tolerance:
            break
        last = mean_ll
    return LatentTrait(statements, participants, precision, float(np.sqrt(tau2)), eps, mean_ll)


def predict(model: LatentTrait, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """P(agree) of participants ``rows`` with statements ``cols``: the position integrated out
    under its Laplace posterior (probit approximation), the leniency at its estimate, and the
    lapse's floor and ceiling."""
    d = model.d
    mean = _eta(model.statements, model.participants, rows, cols)
    loadings = model.statements[cols, :d]
    cov = np.linalg.inv(model.precision)[:, :d, :d]
    var = np.einsum("mi,mij,mj->m", loadings, cov[rows], loadings)
    return _floored(expit(mean / np.sqrt(1.0 + np.pi * var / 8.0)), model.lapse)


def fold_loss(
    v: lc.Votes,
    test: np.ndarray,
    d: int,
    *,
    max_iterations: int,
    seed: int = 0,
    lapse: bool = False,
    ridge: float = RIDGE,
) -> np.ndarray:
    """The log-loss of each held-out vote (``test``, a bool per vote: one fold) under the
    trait model on ``d`` axes fitted afresh on the other votes (from the one-class start of
    those votes, not warm from a fit that saw the fold: a warm start kept 0.006-0.012 of the
    two-axis model's log-loss per vote on one-axis rooms), each held-out vote predicted from
    its participant's position and leniency learnt from their other votes only; ``lapse`` and
    ``ridge`` as in :func:`fit_trait`."""
    fit = fit_trait(
        v.subset(~test), d, max_iterations=max_iterations, seed=seed, lapse=lapse, ridge=ridge
    )
    p = np.clip(predict(fit, v.row[test], v.col[test]), 1e-9, 1.0 - 1e-9)
    return lc.vote_log_loss(v.y[test], p)

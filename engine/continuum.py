"""Is a set of participants one continuous cloud of opinions or two groups? A SigClust-style
test against a *continuous* null fitted to their own votes.

A map of noisy votes is hard to read by its shape alone: participants with few votes are placed
far from where they belong (a long-tailed, unimodal blur that hides real groups), and strong
statements pile participants up at the ends of a continuum (a flat top that mimics two groups).
So the test simulates both. The null model is a continuum: every participant has a position
z ~ N(0, I_2), statement s is agreed with probability 1 / (1 + exp(-(b_s + a_s . z))) and
passed with the set's own pass share of s; (a_s, b_s) are fitted by logistic regression of the
set's votes on their standardised map positions. Votes are drawn for exactly the cells the
participants voted on, placed on the same map axes with the same scaling, and the 2-means
cluster index (best within / total sum of squares over lines, :func:`cluster_index`) of the
real positions is compared with the simulated ones'. Real groups give a smaller index than any
continuum with the same votes, noise and pile-up does.

References: Liu, Hayes, Nobel & Marron (2008), JASA 103, 1281-1293 (SigClust: a cluster index
against a simulated one-cluster null); the null here is a logistic latent-trait model instead
of a Gaussian in the data space.

**The same question in the latent class model's own terms** (:func:`class_continuum_test`). The
map's test looks only at the map's two axes: a 10% minority whose own statements weigh little on
them sits inside the majority's spread there, and the test says "one continuum" (issue 15,
session 7: every 90/10 room at 5-15% density). The second test reads the votes themselves: the
in-sample gain in log-likelihood per vote of two latent classes with leniency over one class
(:mod:`engine.latent_class`; one class with leniency is a Rasch model) is compared with the
gains of the *same* procedure on votes simulated from the continuum fitted to the same votes
(the null above, votes cast on exactly the same cells, passes at each statement's share). The
continuum's loadings are fitted on noisy map positions, which attenuates them (regression
dilution): a continuum of near-certain votes would be simulated too weak and a class model would
beat it on any cloud. So the loadings are calibrated by indirect inference: simulate, refit the
same way, and scale the loadings (and shift the intercepts) until the refit matches the fit to
the real votes (``CALIBRATION_STEPS``). A room has groups by this test when its gain is above
every simulated continuum's and its z against their mean and spread is at least ``z_crit``.

**Is there more than the map's two axes?** (:func:`third_axis_ratio`). Both tests above compare
the votes with a continuum on the map's two axes, and two latent classes. Four to six groups of
their own profiles span three to five axes: their 2-D map is one blur and two classes gain no
more than on a continuum, so both say "one continuum" (benchmarks/RESULTS.md, session 16
g16b). A cheap screen tells such rooms from the continua the tests were made for: Horn's (1965)
parallel analysis of the agree / disagree votes, the third singular value against that of the
same votes shuffled among each statement's voters.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, ndtr, ndtri
from scipy.stats import skew

from . import latent_class as lc
from .pca import votes_per_row

__all__ = [
    "AxisSkew",
    "ClassContinuumTest",
    "ContinuumTest",
    "axis_skew",
    "class_continuum_test",
    "cluster_index",
    "continuum_test",
    "double_centred",
    "map_positions",
    "shuffled_within_statements",
    "third_axis_ratio",
]

#: Directions tried for the best 2-means line of 2-D points (every 10 degrees; the index of a
#: cloud changes by well under 1% within 5 degrees of its best line, for data and null alike).
N_DIRECTIONS = 18
#: Ridge penalty of the per-statement logistic fits (keeps a statement everyone agrees with
#: finite) and IRLS steps (3 parameters per statement, ridge-damped: within 1e-3 after 8).
RIDGE = 1.0
IRLS_STEPS = 8
#: :func:`class_continuum_test`: indirect-inference steps calibrating the continuum's loadings
#: (secant steps on the log scale: settled within a few % after 3-4 on clouds of near-certain
#: votes at 5% density, where the scale ends near 1.8), and EM steps of the
#: one- and two-class fits (the same for the votes and every simulated continuum, so a fixed
#: budget is calibrated by construction), and power steps of the two-class start.
CALIBRATION_STEPS = 6
CLASS_TEST_STEPS = 25
POWER_STEPS = 10


@dataclass(frozen=True)
class ContinuumTest:
    """The test of one set: its 2-means index, the continuum's, and the p-value."""

    index: float
    null_mean: float
    #: One-sided normal p of the index against the simulated continua's mean and standard
    #: deviation: small when the set splits more cleanly than the continua do.
    p_value: float
    n_points: int
    n_null: int


def _best_index(points: np.ndarray) -> np.ndarray:
    """Best 2-means index over lines, for a stack of point sets (draws, n, 2) -> (draws,)."""
    pts = points - points.mean(axis=1, keepdims=True)
    total = (pts**2).sum(axis=(1, 2))
    n = pts.shape[1]
    left = np.arange(1, n)
    best = np.full(pts.shape[0], np.inf)
    # Each coordinate on its own (contiguous): the same sums in the same order as on the
    # (draws, n, 2) stack, a third of the time.
    x, y = np.ascontiguousarray(pts[..., 0]), np.ascontiguousarray(pts[..., 1])
    for a in np.pi * np.arange(N_DIRECTIONS) / N_DIRECTIONS:
        proj = x * np.cos(a) + y * np.sin(a)
        order = np.argsort(proj, axis=1)
        cx = np.cumsum(np.take_along_axis(x, order, axis=1), axis=1)[:, :-1]
        cy = np.cumsum(np.take_along_axis(y, order, axis=1), axis=1)[:, :-1]
        norm = cx**2 + cy**2  # centred: the right part's sum is minus the left's
        best = np.minimum(best, (total[:, None] - norm / left - norm / (n - left)).min(axis=1))
    return np.where(total > 0, best / np.where(total > 0, total, 1.0), 1.0)


def cluster_index(points: np.ndarray) -> float:
    """The 2-means cluster index of (n, 2) points: best within / total sum of squares.

    Examples
    --------
    >>> pts = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    >>> round(cluster_index(pts), 4)
    0.0099
    """
    if len(points) < 2:
        return 1.0
    return float(_best_index(np.asarray(points, dtype=np.float64)[None, :, :2])[0])


def map_positions(
    r: np.ndarray,
    c: np.ndarray,
    v: np.ndarray,
    n: int,
    center: np.ndarray,
    components: np.ndarray,
    scale_columns: int,
    extra_voted: int,
) -> np.ndarray:
    """Map positions of ``n`` participants from votes (row r, column c, value v): Pol.is's
    sqrt(n_columns / n_voted) x sum of (vote - centre) x loading (:func:`engine.pca.opinion_map`).
    """
    return _Mapper(r, c, n, center, components, scale_columns, extra_voted)(v)


class _Mapper:
    """:func:`map_positions` of any votes on the fixed cells (r, c): what does not depend on the
    votes (scaling, each cell's centre and loadings) is gathered once for the simulated
    continua drawn on the same cells; the same numbers as computing it afresh."""

    def __init__(self, r: np.ndarray, c: np.ndarray, n: int, center: np.ndarray,
                 components: np.ndarray, scale_columns: int, extra_voted: int) -> None:
        n_voted = np.bincount(r, minlength=n) + extra_voted
        self.scale = np.sqrt(scale_columns / np.maximum(n_voted, 1))
        self.r, self.n = r, n
        self.center = np.take(center, c)
        self.loadings = (np.take(components[0], c), np.take(components[1], c))

    def __call__(self, v: np.ndarray) -> np.ndarray:
        xc = v - self.center
        return np.column_stack(
            [np.bincount(self.r, weights=xc * a, minlength=self.n) * self.scale
             for a in self.loadings]
        )


def _fit_statements(
    z: np.ndarray, r: np.ndarray, c: np.ndarray, y: np.ndarray, n_s: int
) -> np.ndarray:
    """Per statement (b, a1, a2) of a ridge logistic regression of y on z (batched IRLS).

    The design is (1, z1, z2) per vote; the products with its constant 1 are left out (exact),
    and each column of beta is gathered on its own (contiguous) - the same numbers as the
    (votes, 3) products, in the same order, at a fifth of the cost."""
    c = np.asarray(c, dtype=np.intp)
    z1, z2 = z[r, 0], z[r, 1]
    beta = np.zeros((n_s, 3))
    eye = RIDGE * np.eye(3)

    def per_statement(weights: np.ndarray) -> np.ndarray:
        return np.bincount(c, weights=weights, minlength=n_s)

    for _ in range(IRLS_STEPS):
        b = np.ascontiguousarray(beta.T)
        eta = np.take(b[0], c) + np.take(b[1], c) * z1 + np.take(b[2], c) * z2
        p = 1.0 / (1.0 + np.exp(-eta))
        w = p * (1.0 - p)
        wz1, wz2 = w * z1, w * z2
        H = np.empty((n_s, 3, 3))
        H[:, 0, 0] = per_statement(w)
        H[:, 0, 1] = H[:, 1, 0] = per_statement(wz1)
        H[:, 0, 2] = H[:, 2, 0] = per_statement(wz2)
        H[:, 1, 1] = per_statement(wz1 * z1)
        H[:, 1, 2] = H[:, 2, 1] = per_statement(wz1 * z2)
        H[:, 2, 2] = per_statement(wz2 * z2)
        H += eye
        e = y - p
        grad = np.column_stack(
            [per_statement(e), per_statement(e * z1), per_statement(e * z2)]
        ) - RIDGE * beta
        beta = beta + np.linalg.solve(H, grad[..., None])[..., 0]
    return beta


def continuum_test(
    X: sp.csr_matrix,
    rows: np.ndarray,
    active: np.ndarray,
    center: np.ndarray,
    components: np.ndarray,
    *,
    scale_columns: int,
    extra_voted: int,
    n_null: int,
    max_points: int,
    rng: np.random.Generator,
    n_null_max: int | None = None,
    alpha: float = 0.05,
    margin: float = 3.0,
) -> ContinuumTest:
    """Are the participants ``rows`` of ``X`` better split in two than a fitted continuum?

    Parameters
    ----------
    X : (n_participants, n_statements) votes (agree +1, disagree -1, pass 0).
    rows : participants tested (above ``max_points`` a subsample drawn with ``rng``).
    active : (n_statements,) statements on the map; center, components : the map's column
        centres and (>= 2, n_statements) axes.
    scale_columns, extra_voted : the map's scaling (:func:`map_positions`).
    n_null : simulated continua.
    rng : numpy Generator (the caller's fixed grouping seed).
    n_null_max, alpha, margin : a sequential test (:func:`_needs_more_draws`): while the z of
        the index is within ``margin`` standard errors of the line of level ``alpha``, the
        simulated continua are doubled, up to ``n_null_max`` in all (None: ``n_null`` only).
        The first ``n_null`` draws are the same either way, so a test whose first draws are
        clear of the line gives the same p.
    """
    rows = np.asarray(rows)
    if len(rows) > max_points:
        rows = np.sort(rng.choice(rows, max_points, replace=False))
    n = len(rows)
    r, c, v = _cells(X, rows, active)
    comps = _two_axes(components)
    pos = _Mapper(r, c, n, center, comps, scale_columns, extra_voted)(v)
    if n < 4 or not np.isfinite(pos).all() or float(pos.var(axis=0).sum()) == 0.0:
        return ContinuumTest(1.0, 1.0, 1.0, n, 0)
    index = cluster_index(pos)
    n_s = X.shape[1]
    sided = v != 0
    beta = _fit_statements(_standard_positions(pos), r[sided], c[sided],
                           (v[sided] > 0).astype(np.float64), n_s)
    simulator = _Simulator(beta, r, c, n, _pass_share(c, v, n_s))
    positions = _Mapper(r, c, n, center, comps, scale_columns, extra_voted)

    def draws(count: int) -> np.ndarray:
        null = np.empty((count, n, 2))
        for d in range(count):
            null[d] = positions(simulator.votes(rng))
        return _best_index(null)

    null_index = draws(n_null)
    while (n_null_max is not None and len(null_index) < n_null_max
           and _needs_more_draws(index, null_index, alpha, margin)):
        more = min(len(null_index), n_null_max - len(null_index))
        null_index = np.concatenate([null_index, draws(more)])
    n_null = len(null_index)
    # The null's index is a mean over many participants: close to normal, so its mean and
    # spread give a p far less noisy than counting 20 draws (whose smallest p is 1/21).
    spread = float(null_index.std(ddof=1)) if n_null > 1 else 0.0
    if spread > 0:
        p = float(ndtr((index - float(null_index.mean())) / spread))
    else:
        p = 1.0 if index >= float(null_index.mean()) else 0.0
    return ContinuumTest(index, float(null_index.mean()), p, n, n_null)


def _needs_more_draws(index: float, null_index: np.ndarray, alpha: float,
                      margin: float) -> bool:
    """Whether the normal z of ``index`` against the simulated continua's indices lies within
    ``margin`` standard errors of the one-sided line of level ``alpha``: a sequential Monte
    Carlo test draws more continua only then (Besag & Clifford 1991, Biometrika 78, 301-304:
    stop drawing as soon as the verdict is clear; Gandy 2009, JASA 104, 1504-1511: a stopping
    boundary that keeps small the chance of a verdict other than the one infinitely many draws
    give). Their boundaries are for a p counted among the draws; the p here is the normal one
    of the draws' mean and spread, so the boundary is a normal one on z, with the draws doubled
    between looks (at most log2(cap / first) looks, each stopping on the wrong side at most
    about 0.3% of the time at 3).

    z = (mean - index) / sd of the draws; its standard error by the delta method, with the
    draws' own skewness g and kurtosis k (the index is a minimum over lines, so skewed):
    var z = (1 + z^2 (k - 1) / 4 - z g) / draws (1 + z^2 / 2 for normal draws).

    Examples
    --------
    >>> null = np.random.default_rng(0).normal(0.6, 0.02, 20)
    >>> _needs_more_draws(0.5, null, 0.05, 3.0), _needs_more_draws(0.57, null, 0.05, 3.0)
    (False, True)
    """
    n = len(null_index)
    sd = float(null_index.std(ddof=1)) if n > 1 else 0.0
    if sd <= 0:
        return False
    z = (float(null_index.mean()) - index) / sd
    d = (null_index - null_index.mean()) / sd
    g, k = float(np.mean(d**3)), float(np.mean(d**4))
    se = np.sqrt(max(1.0 + z * z * (k - 1.0) / 4.0 - z * g, 0.0) / n)
    return bool(abs(z - float(ndtri(1.0 - alpha))) < margin * se)


@dataclass(frozen=True)
class ClassContinuumTest:
    """:func:`class_continuum_test`: the votes' gain of two latent classes over one, the
    simulated continua's, and the verdict."""

    #: Gain in mean log-likelihood per vote of two classes over one (both with leniency).
    gain: float
    #: The same on each simulated continuum drawn (the draws stop at the first that reaches
    #: ``gain``: the verdict is then "no groups" whatever the later ones give).
    null_gains: tuple[float, ...]
    #: (gain - mean of null_gains) / their standard deviation (None with fewer than 2 draws).
    z: float | None
    #: True: all ``n_null`` draws below ``gain`` and z >= z_crit, i.e. the votes hold classes
    #: no continuum fitted to them gives.
    groups: bool
    n_points: int
    n_votes: int
    #: The calibrated loadings' scale against the fit on map positions.
    loading_scale: float


def _cells(X: sp.csr_matrix, rows: np.ndarray,
           active: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The votes of participants ``rows`` on the active statements, as (row in ``rows``,
    statement, vote) arrays."""
    sub = X[rows]
    r = np.repeat(np.arange(len(rows)), np.diff(sub.indptr))
    c = sub.indices.astype(np.int64)
    v = sub.data.astype(np.float64)
    keep = active[c]
    return r[keep], c[keep], v[keep]


def _two_axes(components: np.ndarray) -> np.ndarray:
    """The map's first two axes, a zero axis added where it has only one."""
    comps = components[:2]
    if comps.shape[0] < 2:
        comps = np.vstack([comps, np.zeros((2 - comps.shape[0], comps.shape[1]))])
    return comps


def _pass_share(c: np.ndarray, v: np.ndarray, n_statements: int) -> np.ndarray:
    """Per vote, the share of passes among its statement's votes (what the simulated
    continua pass at)."""
    votes = np.bincount(c, minlength=n_statements)
    passes = np.bincount(c, weights=(v == 0).astype(np.float64), minlength=n_statements)
    return (passes / np.maximum(votes, 1))[c]


def _sample_rows(X: sp.csr_matrix, rows: np.ndarray, active: np.ndarray, max_points: int,
                 max_votes: int, rng: np.random.Generator) -> np.ndarray:
    """Whole participants in random order while their votes stay within ``max_votes``."""
    rows = np.asarray(rows)
    # Each row's stored votes on active statements, read off X without copying it (on the
    # 20,000-participant export a copy of X[rows][:, active] took a fifth of the test).
    counts = votes_per_row(X, np.asarray(active, dtype=bool))[rows]
    order = rng.permutation(len(rows))
    keep = order[np.cumsum(counts[order]) <= max_votes][:max_points]
    return np.sort(rows[keep])


def _standard_positions(pos: np.ndarray) -> np.ndarray:
    """Map positions whitened to mean 0 and identity covariance."""
    cov = np.cov(pos.T) + 1e-12 * np.eye(2)
    vals, vecs = np.linalg.eigh(cov)
    return (pos - pos.mean(axis=0)) @ (vecs / np.sqrt(np.maximum(vals, 1e-300)))


def _simulate(
    beta: np.ndarray, r: np.ndarray, c: np.ndarray, n: int, pass_share: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Votes (1, -1, 0) of a simulated continuum on the cells (r, c)."""
    return _Simulator(beta, r, c, n, pass_share).votes(rng)


class _Simulator:
    """:func:`_simulate` with the continuum ``beta`` fixed: each cell's parameters gathered
    once for all draws (the same numbers, from the same random draws in the same order)."""

    def __init__(self, beta: np.ndarray, r: np.ndarray, c: np.ndarray, n: int,
                 pass_share: np.ndarray) -> None:
        b = np.ascontiguousarray(beta.T)
        self.b = (np.take(b[0], c), np.take(b[1], c), np.take(b[2], c))
        self.r, self.n = r, n
        self.pass_share, self.rest = pass_share, 1.0 - pass_share

    def votes(self, rng: np.random.Generator) -> np.ndarray:
        zs = rng.standard_normal((self.n, 2))
        z = np.ascontiguousarray(zs.T)
        b0, b1, b2 = self.b
        eta = b0 + b1 * np.take(z[0], self.r) + b2 * np.take(z[1], self.r)
        u = rng.random(len(self.r))
        agree_cut = self.pass_share + self.rest * expit(eta)
        out = np.where(u < agree_cut, 1.0, -1.0)
        out[u < self.pass_share] = 0.0
        return out


def _best_cut(score: np.ndarray) -> np.ndarray:
    """The exact 2-means split of 1-D scores (0/1 per score): a 90/10 split where the scores
    hold one, not the median's 50/50."""
    order = np.argsort(score)
    x = score[order] - score.mean()
    n = len(x)
    left = np.arange(1, n)
    cum = np.cumsum(x)[:-1]
    between = cum**2 / left + cum**2 / (n - left)
    labels = np.zeros(n, dtype=np.int64)
    labels[order[int(np.argmax(between)) + 1 :]] = 1
    return labels


def _class_gain(v: lc.Votes, full_objective: bool = False) -> float:
    """Mean log-likelihood per vote of two latent classes with leniency minus one class's.

    One class: a Rasch model (statement log-odds plus leniency). Two classes: EM started from
    the best 2-means cut of the participants' scores on the leading direction of the one-class
    residuals (power iteration from a fixed vector), so the start looks where one class fits
    worst, on any axis, and a small group gets a start of its own size. Deterministic, and the
    same for the votes and every simulation. ``full_objective``: both EM fits stop on the
    whole objective their steps climb (:func:`engine.latent_class.em`)."""
    if v.n < 4 or len(v.y) == 0:
        return 0.0
    one = lc.em(v, np.ones((v.n, 1)), max_iterations=CLASS_TEST_STEPS,
                full_objective=full_objective)
    resid = v.y - expit(one.logit[0][v.col] + one.lean[v.row])
    R = sp.csr_matrix((resid, (v.row, v.col)), shape=(v.n, v.n_statements))
    u = np.cos(np.arange(v.n_statements) + 1.0)
    score = R @ u
    for _ in range(POWER_STEPS):
        u = R.T @ score
        u = u / max(float(np.linalg.norm(u)), 1e-300)
        score = R @ u
    start = _best_cut(score)
    if start.min() == start.max():
        return 0.0
    two = lc.em(v, lc._hard(start, 2), max_iterations=CLASS_TEST_STEPS,
                full_objective=full_objective)
    return two.loglik - one.loglik


def class_continuum_test(
    X: sp.csr_matrix,
    rows: np.ndarray,
    active: np.ndarray,
    center: np.ndarray,
    components: np.ndarray,
    *,
    scale_columns: int,
    extra_voted: int,
    n_null: int,
    max_points: int,
    max_votes: int,
    z_crit: float,
    rng: np.random.Generator,
    full_objective: bool = False,
) -> ClassContinuumTest:
    """Do two latent classes fit the votes of participants ``rows`` better than they fit any
    continuum fitted to the same votes? (module docstring).

    Parameters are those of :func:`continuum_test`, and: n_null, the most simulated continua
    (drawn until one reaches the votes' gain); max_points and max_votes, whole participants
    sampled with ``rng`` while both bounds hold (the cost grows with the votes read); z_crit,
    the z the votes' gain must reach against the continua's; full_objective, the EM fits of
    :func:`_class_gain` stop on the whole objective
    (``GroupingSettings.class_test_full_objective``).
    """
    rows = _sample_rows(X, rows, active, max_points, max_votes, rng)
    n = len(rows)
    r, c, v = _cells(X, rows, active)
    n_s = X.shape[1]
    positions = _Mapper(r, c, n, center, _two_axes(components), scale_columns, extra_voted)

    def fit(values: np.ndarray) -> np.ndarray | None:
        """The continuum fitted to the votes ``values`` on their whitened map positions."""
        pos = positions(values)
        if not np.isfinite(pos).all() or float(pos.var(axis=0).min()) <= 0.0:
            return None
        s = values != 0
        return _fit_statements(
            _standard_positions(pos), r[s], c[s], (values[s] > 0).astype(np.float64), n_s
        )

    def gain(values: np.ndarray) -> float:
        s = values != 0
        return _class_gain(lc.Votes.of(r[s], c[s], (values[s] > 0).astype(np.float64), n, n_s),
                           full_objective)

    real = fit(v) if n >= 4 else None
    if real is None:
        return ClassContinuumTest(0.0, (), None, False, n, int((v != 0).sum()), 1.0)
    pass_share = _pass_share(c, v, n_s)
    # Indirect inference on the loadings' log scale: simulate at a scale, refit as the votes
    # were fitted, and move the scale by a secant step towards the refit matching the real fit
    # (attenuation makes the refit grow more slowly than the scale: plain ratio steps took 12
    # steps to settle on a 5%-density cloud of near-certain votes, the secant 3-4).
    model = real.copy()
    target = 0.5 * np.log(max(float((real[:, 1:] ** 2).sum()), 1e-300))
    log_scale, slope = 0.0, 1.0
    last: tuple[float, float] | None = None
    for _ in range(CALIBRATION_STEPS):
        model[:, 1:] = real[:, 1:] * np.exp(log_scale)
        refit = fit(_Simulator(model, r, c, n, pass_share).votes(rng))
        if refit is None:
            break
        got = 0.5 * np.log(max(float((refit[:, 1:] ** 2).sum()), 1e-300))
        if last is not None and abs(log_scale - last[0]) > 1e-3:
            slope = float(np.clip((got - last[1]) / (log_scale - last[0]), 0.25, 1.5))
        last = (log_scale, got)
        log_scale += (target - got) / slope
        model[:, 0] += real[:, 0] - refit[:, 0]
    model[:, 1:] = real[:, 1:] * np.exp(log_scale)
    scale = float(np.exp(log_scale))
    observed = gain(v)
    null: list[float] = []
    simulator = _Simulator(model, r, c, n, pass_share)
    for _ in range(n_null):
        null.append(gain(simulator.votes(rng)))
        if null[-1] >= observed:
            break
    z = None
    if len(null) >= 2:
        spread = float(np.std(null, ddof=1))
        z = (observed - float(np.mean(null))) / spread if spread > 0 else None
    groups = len(null) == n_null and max(null) < observed and z is not None and z >= z_crit
    return ClassContinuumTest(
        observed, tuple(null), z, groups, n, int((v != 0).sum()), float(scale)
    )


#: :func:`third_axis_ratio`: the third singular value is read (the map has two axes), with this
#: many more vectors in the randomised range finder and power iterations (Halko, Martinsson &
#: Tropp 2011): the ratio is then within about 1% of the one from exact singular values
#: (scipy's ``svds``) on planted and real rooms, and 6 power iterations instead of 4 moved it
#: by under 0.01 at a third more cost.
THIRD_AXIS = 3
AXIS_OVERSAMPLE = 8
AXIS_POWER_STEPS = 4
#: Shuffles of the votes whose third singular values are averaged (with one, the ratio's
#: spread over draws was about 0.02 on the shared exports; with two, 0.01-0.02).
AXIS_SHUFFLES = 2


def _orthonormal(y: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the columns of ``y`` (through their small Gram matrix: a QR of
    the tall matrix costs more, and the few columns are far from collinear)."""
    vals, vecs = np.linalg.eigh(y.T @ y)
    return y @ (vecs / np.sqrt(np.maximum(vals, 1e-12 * max(float(vals.max()), 1e-300))))


def _singular_values(m: sp.csr_matrix, k: int, rng: np.random.Generator) -> np.ndarray:
    """The ``k`` largest singular values of ``m``, by a randomised range finder."""
    mt = m.T.tocsr()
    y = m @ rng.standard_normal((m.shape[1], k + AXIS_OVERSAMPLE))
    for _ in range(AXIS_POWER_STEPS):
        y = m @ (mt @ _orthonormal(y))
    b = mt @ _orthonormal(y)
    return np.sqrt(np.maximum(np.linalg.eigvalsh(b.T @ b)[::-1][:k], 0.0))


def double_centred(values: np.ndarray, r: np.ndarray, c: np.ndarray, per_row: np.ndarray,
                   per_col: np.ndarray) -> np.ndarray:
    """The votes ``values`` of cells (``r``, ``c``) centred by statement and then by participant,
    twice (``per_row`` and ``per_col``: each row's and column's number of cells, at least 1):
    a participant's leniency and a statement's agree share are no axis.

    >>> r, c = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    >>> double_centred(np.array([1.0, 1.0, 1.0, -1.0]), r, c, np.array([2, 2]), np.array([2, 2]))
    array([-0.5,  0.5,  0.5, -0.5])
    """
    x = values.copy()
    n, n_s = len(per_row), len(per_col)
    for _ in range(2):
        x -= (np.bincount(c, x, n_s) / per_col)[c]
        x -= (np.bincount(r, x, n) / per_row)[r]
    return x


def shuffled_within_statements(values: np.ndarray, c: np.ndarray, by_statement: np.ndarray,
                               rng: np.random.Generator) -> np.ndarray:
    """The votes ``values`` shuffled among each statement's voters (``c``: each cell's statement;
    ``by_statement``: ``np.argsort(c, kind="stable")``): every voted cell and every statement's
    agree share is kept, what the votes have in common is taken away (the null of Horn's
    parallel analysis)."""
    shuffled = np.empty_like(values)
    shuffled[by_statement] = values[np.argsort(c + rng.random(len(c)))]
    return shuffled


class _ScreenedVotes:
    """The agree (+1) / disagree (-1) votes the screens read (:func:`third_axis_ratio`,
    :func:`axis_skew`), with one sparsity pattern for the real and the shuffled votes: the
    cells ``r``, ``c`` in the order the matrix keeps them, each participant's and statement's
    vote count, and each row's weight (one over the root of its vote count)."""

    def __init__(self, r: np.ndarray, c: np.ndarray, v: np.ndarray, n: int, n_s: int,
                 per_row: np.ndarray, per_col: np.ndarray) -> None:
        # The pattern's data are the votes' numbers (from 1, so none is dropped as a zero).
        self._m = sp.csr_matrix((np.arange(1.0, len(r) + 1), (r, c)), shape=(n, n_s))
        stored = self._m.data.astype(np.int64) - 1
        self.r, self.c, self.v = r[stored], c[stored], v[stored]
        self.per_row, self.per_col = per_row, per_col
        self._scale = 1.0 / np.sqrt(per_row[self.r])
        self._by_statement = np.argsort(self.c, kind="stable")

    def matrix(self, values: np.ndarray) -> sp.csr_matrix:
        """The votes ``values`` (in the pattern's order) double-centred and weighted, as the
        pattern's matrix (the same object each call: read it before the next)."""
        self._m.data = double_centred(values, self.r, self.c, self.per_row,
                                      self.per_col) * self._scale
        return self._m

    def shuffled(self, rng: np.random.Generator) -> np.ndarray:
        """The votes shuffled among each statement's voters."""
        return shuffled_within_statements(self.v, self.c, self._by_statement, rng)


def _screened_votes(X: sp.csr_matrix, rows: np.ndarray, active: np.ndarray, *, max_points: int,
                    rng: np.random.Generator, min_rows: int,
                    min_statements: int) -> _ScreenedVotes | None:
    """The votes of participants ``rows`` (a sample of at most ``max_points``, drawn with
    ``rng``) on the ``active`` statements, passes left out; None with fewer than ``min_rows``
    participants or ``min_statements`` voted statements."""
    rows = np.asarray(rows)
    if len(rows) > max_points:
        rows = np.sort(rng.choice(rows, max_points, replace=False))
    r, c, v = _cells(X, rows, active)
    voted = v != 0
    r, c, v = r[voted], c[voted], np.sign(v[voted])
    n, n_s = len(rows), X.shape[1]
    per_row = np.bincount(r, minlength=n)
    per_col = np.bincount(c, minlength=n_s)
    if n < min_rows or np.count_nonzero(per_col) < min_statements:
        return None
    return _ScreenedVotes(r, c, v, n, n_s, np.maximum(per_row, 1), np.maximum(per_col, 1))


def third_axis_ratio(X: sp.csr_matrix, rows: np.ndarray, active: np.ndarray, *,
                     max_points: int, rng: np.random.Generator) -> float:
    """How far the votes of participants ``rows`` have a third axis above noise: the third
    singular value of their agree (+1) / disagree (-1) votes against that of the same votes
    shuffled among each statement's voters (Horn's parallel analysis).

    The votes are centred by statement and then by participant, twice (a participant's
    leniency is no axis: the latent classes and the trait both model it), and each
    participant's row is divided by the root of their vote count, so a prolific voter weighs
    like any other. Shuffling a statement's votes among its voters keeps every voted cell and
    every statement's agree share, and takes away what the votes have in common. A continuum
    on two axes gives a ratio about 1 or below; k groups of their own profiles span k - 1
    axes, and from four groups on the third stands out (planted six-group rooms 1.17-1.36).
    At most ``max_points`` participants are read (a sample drawn with ``rng``, which also
    draws the shuffle and the range finder).
    """
    votes = _screened_votes(X, rows, active, max_points=max_points, rng=rng,
                            min_rows=THIRD_AXIS + 1, min_statements=THIRD_AXIS + 1)
    if votes is None:
        return 0.0

    def third(values: np.ndarray) -> float:
        return float(_singular_values(votes.matrix(values), THIRD_AXIS, rng)[-1])

    real = third(votes.v)
    noise = 0.0
    for _ in range(AXIS_SHUFFLES):
        noise += third(votes.shuffled(rng)) / AXIS_SHUFFLES
    return real / noise if noise > 0 else 0.0


#: :func:`axis_skew`: the axes whose participant scores are read (a minority of 10% lies on the
#: first axis with one other group, on the third with three), the least absolute skewness of
#: one of them for which its shuffled null is drawn at all (below it, nothing is drawn: a
#: continuum's axes reach 0.44 on the first axis and 0.63 on any, the start-up room 0.43,
#: planted 10% minorities 0.5-2.1), and how many shuffles that null has (its mean and sd:
#: with 2, a z swung by tens; with 30, by about 1; benchmarks/RESULTS.md, session 18 g15w).
SKEW_AXES = 3
SKEW_FLOOR = 0.5
SKEW_SHUFFLES = 30


@dataclass(frozen=True)
class AxisSkew:
    """:func:`axis_skew`: the largest absolute skewness of the participants' scores on the
    votes' first :data:`SKEW_AXES` axes, and the largest z of an axis's against the same axis of
    votes shuffled among each statement's voters (None: no axis reached :data:`SKEW_FLOOR`, no
    shuffle drawn)."""

    skew: float
    z: float | None


def _abs_skew(scores: np.ndarray) -> np.ndarray:
    """Absolute skewness of each column (:func:`scipy.stats.skew`; 0 for a column of one
    value)."""
    with warnings.catch_warnings():  # a column of one value: "precision loss", and nan
        warnings.simplefilter("ignore", RuntimeWarning)
        out = np.abs(skew(scores, axis=0))
    return np.nan_to_num(out, nan=0.0, posinf=0.0)


def _axis_scores(m: sp.csr_matrix, k: int, rng: np.random.Generator) -> np.ndarray:
    """The participants' scores (U S) on the ``k`` first axes of ``m``, by the randomised range
    finder of :func:`_singular_values`."""
    mt = m.T.tocsr()
    y = m @ rng.standard_normal((m.shape[1], k + AXIS_OVERSAMPLE))
    for _ in range(AXIS_POWER_STEPS):
        y = m @ (mt @ _orthonormal(y))
    q = _orthonormal(y)
    b = mt @ q
    vals, vecs = np.linalg.eigh(b.T @ b)
    top = np.argsort(vals)[::-1][:k]
    return (q @ vecs[:, top]) * np.sqrt(np.maximum(vals[top], 0.0))


def axis_skew(X: sp.csr_matrix, rows: np.ndarray, active: np.ndarray, *, max_points: int,
              rng: np.random.Generator) -> AxisSkew:
    """How lopsided the votes' first axes are: a minority of 10% (with one other group) lies on
    the first axis, and a third-axis screen (:func:`third_axis_ratio`) cannot see it, but the
    participants' scores on its axis are skewed, which a continuum of symmetric positions's are
    not (benchmarks/RESULTS.md, sessions 17 g15u and g15v).

    The same votes as :func:`third_axis_ratio` (the same sample of at most ``max_points``
    participants when ``rng`` is seeded alike), centred and weighted alike. Sparse, uneven
    voting skews the scores of shuffled votes too (0.1-1.4 on the shared exports), so each
    axis's absolute skewness is read against that of the same axis of :data:`SKEW_SHUFFLES`
    shufflings among each statement's voters, as a z; the shuffles are drawn only where some
    axis reaches :data:`SKEW_FLOOR`.

    >>> rng = np.random.default_rng(0)
    >>> n, n_s = 300, 40
    >>> side = np.where(np.arange(n) < 30, -1.0, 1.0)  # a 10% minority
    >>> p = np.outer(side, rng.choice([-1.0, 1.0], n_s))
    >>> X = sp.csr_matrix(np.where(rng.random((n, n_s)) < 0.9, p, -p))
    >>> a = axis_skew(X, np.arange(n), np.ones(n_s, bool), max_points=1000, rng=rng)
    >>> a.skew > 2 and a.z > 10
    True
    """
    votes = _screened_votes(X, rows, active, max_points=max_points, rng=rng,
                            min_rows=SKEW_AXES + 3, min_statements=SKEW_AXES + 1)
    if votes is None:
        return AxisSkew(0.0, None)

    def skews(values: np.ndarray) -> np.ndarray:
        return _abs_skew(_axis_scores(votes.matrix(values), SKEW_AXES, rng))

    real = skews(votes.v)
    if float(real.max()) < SKEW_FLOOR:
        return AxisSkew(float(real.max()), None)
    null = np.array([skews(votes.shuffled(rng)) for _ in range(SKEW_SHUFFLES)])
    z = (real - null.mean(axis=0)) / np.maximum(null.std(axis=0, ddof=1), 1e-9)
    return AxisSkew(float(real.max()), float(z.max()))

"""A minority veto from latent classes: each class's agree rate, freed from the mixing of members.

Why: at 15% density each member of a 10% minority votes on only about three of the statements
the minority rejects, so no partition of the participants isolates it: the best k-means cell
of the opinion space is a third to two thirds minority (benchmarks/RESULTS.md, "issue 16,
session 7"), and every cell's agree rate mixes the minority's 10% with the others' 90%. A
statement that a whole minority rejects then looks supported in every cell. Sharper cells do
not exist in such data; what does exist is each participant's *probability* of belonging to the
minority, and that is enough to undo the mixing:

1. **Classes.** A latent class model with a leniency per participant
   (:func:`engine.latent_class.fit_classes`, on the agree / disagree votes of the opinion
   space's fit sample), at each of ``CommonGroundSettings.class_levels`` numbers of classes
   the best of several starts: the opinion space's k-means cells, the opinion groups (when
   there are two or more; with fewer groups than classes, one start per group split first:
   ``engine.steps._group_starts``), two random labellings, and the k-means cells of the
   participants' positions with their leniency left out
   (:func:`engine.latent_class.residual_positions`, when a component beats the shuffled
   residuals). Each participant gets class probabilities ``r_i``.
2. **Leave the statement out.** For statement s, the classes and everyone's class
   probabilities come from the model refitted (warm-started) without the votes on s's fold of
   statements (five folds, s mod 5): who counts as minority, and what the minority is, are
   decided by other statements only, so the dissenters on s are not pulled into a "dissenting
   class" by that very dissent. (Dividing one vote's likelihood out of ``r_i`` would leave the
   classes themselves shaped by s, which matters most in rooms with few statements.)
3. **Undo the mixing.** Among the participants who took a side on s, each vote (agree 1,
   disagree 0) is a draw from the mixture ``sum_c r_ic Bernoulli(p_cs)`` with those
   leave-s-out probabilities ``r_ic`` known; the class rates ``p_cs`` are its maximum
   likelihood (EM), the agree rate of class c itself, not of the people most likely in it.
4. **Veto, by a likelihood-ratio test.** Class c rejects s when the likelihood with
   ``p_cs >= 1/2`` imposed (the other rates free) falls short of the unconstrained one by more
   than chance: the signed root ``sqrt(2 (log L - log L_constrained))`` exceeds
   ``CommonGroundSettings.z`` made Bonferroni over the level's classes (a one-sided test on the
   boundary: its null is a half chi-square). A class whose members cannot be told apart from
   the others' gets a flat likelihood, so no veto: an interval from a linear regression on
   ``r`` with a sandwich error (tried first) instead vetoed statements every participant
   supports in a room of strict and lenient participants. A class holding at least
   ``veto_min_share`` of the participants with ``min_group_votes`` expected votes on s may veto
   (``rejected_within_a_group``), as a fine cell does.

Only a veto: a class's evidence is too weak to be asked for proof of support.

The model reads the votes only (not the roles; the groups give one start, not the classes), so
it also holds when the groups merge the minority into a larger one (issue 16). Cost: per level
one EM (three or four starts)
and five warm refits on the opinion space's fit sample (at most
``engine.opinion_space.FIT_ROWS`` participants, and at most 60,000 of their votes:
``engine.steps._CLASS_VOTES``), then the mixture fits, each statement iterating only until its
own rates settle and the constrained fits reading only the statements where the class's rate is
below 1/2: on the 20,000-participant export 0.15-0.25 CPU s in all (the mixture fits 0.08 s,
down from 2.1 s when every statement iterated until the slowest settled).

References
----------
L. A. Goodman, "Exploratory latent structure analysis using both identifiable and
unidentifiable models", Biometrika 61, 1974.
A. Shapiro, "Towards a unified theory of inequality constrained testing in multivariate
analysis", International Statistical Review 56, 1988 (chi-bar-square).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .latent_class import em, fit_classes, votes_of

__all__ = ["ClassRates", "class_rates", "class_veto_z"]

#: EM iterations per level (the start is the k-means cells, already close).
_MAX_ITERATIONS = 200
_SCREEN_ITERATIONS = 20
#: Statement folds of the cross-fitting (statement s is in fold s mod 5) and the EM iterations
#: of each refit, warm-started from the model fitted on all statements.
_FOLDS = 5
_REFIT_ITERATIONS = 30
#: EM iterations of each statement's mixture fit, and the rates' distance from 0 and 1.
_MIXTURE_ITERATIONS = 60
_MIXTURE_TOLERANCE = 1e-4
_EPS = 1e-6


@dataclass(frozen=True)
class ClassRates:
    """Per latent class, its agree rate on each statement with the mixing undone."""

    #: (k,) class shares of the fitted participants.
    weights: np.ndarray
    #: (k, n_statements) estimated agree rate (maximum likelihood; 1/2 where nobody voted) and
    #: the evidence that it lies below 1/2: the signed root of the likelihood ratio against
    #: "at least 1/2" (a z: one-sided, chi-bar-square; 0 where the estimate is >= 1/2).
    rate: np.ndarray
    evidence: np.ndarray
    #: (k, n_statements) expected agree-or-disagree votes of each class (sum of the voters'
    #: leave-s-out class probabilities): a class needs ``min_group_votes`` of them to veto.
    votes: np.ndarray


def _mixture_fit(
    col: np.ndarray, y: np.ndarray, r: np.ndarray, n_s: int, floor: int | None = None,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per statement, the agree rates p (n_s, k) that maximise sum_i log sum_c r_ic
    p_c^y (1 - p_c)^(1 - y) over its votes (a Bernoulli mixture with known class probabilities
    r), by EM; with ``floor`` = c, class c's rate is held at >= 1/2 (the M-step's weighted mean
    clipped: the constrained maximum of a concave one-dimensional problem). ``start``: (n_s, k)
    rates to start from (default each class's r-weighted agree share). A statement whose rates
    moved less than the tolerance stops iterating (its votes leave the working set). Returns p
    and each statement's log-likelihood."""
    k = r.shape[1]
    agree = y > 0

    def cells(c: np.ndarray) -> np.ndarray:
        """Each vote's (statement, class) cells, flattened (votes x k)."""
        return (c[:, None] * k + np.arange(k)).ravel()

    def per_statement(cell: np.ndarray, w: np.ndarray) -> np.ndarray:
        return np.bincount(cell, w.ravel(), n_s * k).reshape(n_s, k)

    if start is None:
        cell = cells(col)
        den = per_statement(cell, r)
        p = np.where(den > 0, per_statement(cell, r * y[:, None]) / np.maximum(den, 1e-300), 0.5)
    else:
        p = np.array(start, dtype=np.float64)
    p = np.clip(p, _EPS, 1.0 - _EPS)
    if floor is not None:
        p[:, floor] = np.maximum(p[:, floor], 0.5)
    wc, wr, wa = col, r, agree  # the working set: votes on statements still moving
    wcell = cells(wc)
    for _ in range(_MIXTURE_ITERATIONS):
        pc = np.take(p, wc, axis=0)  # the rows of p[wc], gathered faster
        joint = wr * np.where(wa[:, None], pc, 1.0 - pc)
        w = joint / np.maximum(joint.sum(axis=1, keepdims=True), 1e-300)
        den = per_statement(wcell, w)
        w[~wa] = 0.0
        new = np.where(den > 0, per_statement(wcell, w) / np.maximum(den, 1e-300), p)
        new = np.clip(new, _EPS, 1.0 - _EPS)
        if floor is not None:
            new[:, floor] = np.maximum(new[:, floor], 0.5)
        moving = np.abs(new - p).max(axis=1) >= _MIXTURE_TOLERANCE
        p = new
        if not moving.any():
            break
        still = moving[wc]
        if still.mean() < 0.75:
            wc, wr, wa = wc[still], wr[still], wa[still]
            wcell = cells(wc)
    pc = np.take(p, col, axis=0)
    like = (r * np.where(agree[:, None], pc, 1.0 - pc)).sum(axis=1)
    return p, np.bincount(col, np.log(np.maximum(like, 1e-300)), n_s)


def _rates(col: np.ndarray, y: np.ndarray, r: np.ndarray, n_s: int) -> tuple[np.ndarray,
                                                                            np.ndarray]:
    """(k, n_s) each class's agree rate (maximum likelihood of the mixture) and the signed root
    of the likelihood ratio against "its rate is at least 1/2" (0 where the rate is >= 1/2).
    The constrained fit reads only the statements where the class's rate lies below 1/2, and
    starts from the unconstrained rates."""
    p, loglik = _mixture_fit(col, y, r, n_s)
    evidence = np.zeros_like(p)
    for c in range(r.shape[1]):
        below = p[:, c] < 0.5
        if not below.any():
            continue
        on = below[col]
        _, held = _mixture_fit(col[on], y[on], r[on], n_s, floor=c, start=p)
        evidence[:, c] = np.where(below, np.sqrt(np.maximum(2.0 * (loglik - held), 0.0)), 0.0)
    return p.T, evidence.T


def class_rates(
    X: sp.csr_matrix,
    active: np.ndarray,
    rows: np.ndarray,
    starts: Sequence[np.ndarray],
    candidates: np.ndarray | None = None,
) -> ClassRates | None:
    """Latent classes of participants ``rows`` from the best of the EM ``starts`` (labellings
    0..k-1 of the rows, the same k), and each class's leave-statement-out agree rate per
    statement (module doc). ``candidates``: the statements to estimate; default those at least
    half of whose agree-or-disagree votes (of these rows) agree: one most participants reject
    cannot be common ground anyway, so it need not be tested. The others get rate NaN and no
    evidence (the model still reads their votes). None when there are fewer than two classes
    or no side was taken."""
    labels = [np.unique(np.asarray(s, dtype=np.int64), return_inverse=True)[1] for s in starts]
    k = max((int(s.max()) + 1 for s in labels if len(s)), default=0)
    v = votes_of(sp.csr_matrix(X), np.asarray(rows), np.asarray(active, dtype=bool))
    if k < 2 or not len(v.y):
        return None
    model = fit_classes(v, labels, max_iterations=_MAX_ITERATIONS,
                        screen_iterations=_SCREEN_ITERATIONS)
    # Cross-fitting over statements: the class probabilities used for statement s come from a
    # model refitted (warm) without the votes on s's fold, so neither who is in a class nor what
    # the class is was shaped by the votes on s.
    fold = v.col % _FOLDS
    r = np.empty((len(v.y), k))
    for f in range(_FOLDS):
        held = fold == f
        if not held.any():
            continue
        refit = em(v.subset(~held), model.resp, max_iterations=_REFIT_ITERATIONS,
                   lean=model.lean, logit=model.logit, tau=model.tau)
        r[held] = refit.resp[v.row[held]]
    n_s = X.shape[1]
    if candidates is None:
        decided = np.bincount(v.col, minlength=n_s)
        candidates = 2 * np.bincount(v.col, v.y, n_s) >= np.maximum(decided, 1)
    asked = np.asarray(candidates, dtype=bool)[v.col]
    rate, evidence = _rates(v.col[asked], v.y[asked], r[asked], n_s)
    rate[:, ~np.asarray(candidates, dtype=bool)] = np.nan
    votes = np.stack([np.bincount(v.col, r[:, c], n_s) for c in range(k)])
    return ClassRates(np.asarray(model.weights), rate, evidence, votes)


def class_veto_z(z: float, k: int) -> float:
    """The one-sided ``z`` made Bonferroni over k classes (each class is one more chance to
    veto a statement that no class rejects)."""
    # Imported here: the engine's package imports this module (through bridging), and SciPy's
    # stats took 0.2-0.4 s of ``meedenken analyze`` before it could start reading the export;
    # by the time a class veto is computed, scikit-learn has imported it anyway.
    from scipy.stats import norm

    return float(norm.isf(norm.sf(z) / max(k, 1)))

"""The continuous latent trait the latent classes are held against (issue 15): its lapse, the
share of votes cast at random, is the floor and ceiling a step-like continuum has."""

from __future__ import annotations

import numpy as np

from meedenken.engine import latent_class as lc
from meedenken.engine import latent_trait as lt

#: The step-like trait as the grouping fits it (engine.grouping._trait_test_step).
STEP = {"lapse": True, "ridge": lt.STEP_RIDGE}


def _scale(step: bool, flip: float = 0.05, slope: float = 4.0, n: int = 200, s: int = 30,
           seed: int = 0) -> lc.Votes:
    """One axis and no groups: participants evenly spread on -1 to 1, statement thresholds
    evenly spread, sides alternating, everyone votes on everything. ``step``: a Guttman scale
    (agree exactly above / below the threshold) with a share ``flip`` of the votes flipped;
    otherwise agree with probability 1 / (1 + exp(-slope * side * (x - t)))."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-1.0, 1.0, n)[:, None]
    t = np.linspace(-0.9, 0.9, s)[None, :]
    side = np.where(np.arange(s) % 2 == 0, 1.0, -1.0)[None, :]
    if step:
        agree = side * (x - t) > 0
        agree = np.where(rng.random(agree.shape) < flip, ~agree, agree)
    else:
        agree = rng.random((n, s)) < 1.0 / (1.0 + np.exp(-slope * side * (x - t)))
    row, col = np.nonzero(np.ones((n, s)))
    return lc.Votes.of(row, col, agree[row, col].astype(float), n, s)


def test_the_lapse_of_a_guttman_scale_is_about_its_share_of_flipped_votes() -> None:
    """5% and 10% of a Guttman scale's votes flipped: the fitted lapse is of that size (a
    little under it: the fitted slopes take up the flips next to a threshold)."""
    five = lt.fit_trait(_scale(step=True, flip=0.05), 1, max_iterations=200, **STEP)
    ten = lt.fit_trait(_scale(step=True, flip=0.10), 1, max_iterations=200, **STEP)
    assert 0.025 <= five.lapse <= 0.06
    assert 0.06 <= ten.lapse <= 0.11


def test_a_logistic_continuum_has_no_lapse() -> None:
    """Votes drawn from the logistic model itself: the lapse stays at 0 (the two-parameter
    logistic model, the default)."""
    v = _scale(step=False)
    assert lt.fit_trait(v, 1, max_iterations=200, **STEP).lapse < 0.005
    assert lt.fit_trait(v, 1, max_iterations=200).lapse == 0.0


def test_the_lapse_predicts_held_out_votes_of_a_guttman_scale_better() -> None:
    """On the same held-out folds, the step-like trait predicts the Guttman scale's votes
    better than the logistic trait at the same ridge without the lapse (0.274 against 0.321
    per vote: the logistic is too sure far from a threshold, where a flipped vote costs it
    most), and better than the logistic trait at its own ridge."""
    v = _scale(step=True, flip=0.05)

    folds = np.random.default_rng(2).integers(5, size=len(v.y))

    def held_out(**model: object) -> float:
        losses = np.zeros(len(v.y))
        for f in range(5):
            losses[folds == f] = lt.fold_loss(v, folds == f, 1, max_iterations=200,
                                              **model)  # type: ignore[arg-type]
        return float(losses.mean())

    step = held_out(**STEP)
    assert step < held_out(ridge=lt.STEP_RIDGE) - 0.01
    assert step < held_out() - 0.01

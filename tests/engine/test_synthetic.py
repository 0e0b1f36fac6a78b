"""Tests of the synthetic conversation generator."""

from __future__ import annotations

import numpy as np
import pytest

from meedenken.engine.errors import InvalidSettingError
from meedenken.engine.synthetic import (
    EXPOSURES,
    STATEMENT_KINDS,
    _cell_probability_scale,
    synthetic_conversation,
)


def test_shapes_kinds_and_groups() -> None:
    conv = synthetic_conversation(
        500, 100, density=0.2, group_shares=(0.6, 0.3, 0.1), random_state=3
    )
    m = conv.matrix
    assert (m.n_participants, m.n_statements) == (500, 100)
    assert conv.group_labels.shape == (500,)
    assert np.bincount(conv.group_labels).tolist() == [300, 150, 50]
    counts = {k: int((conv.kinds == k).sum()) for k in STATEMENT_KINDS}
    assert counts == {"bridging": 10, "favourite": 10, "divisive": 30, "vetoed": 0, "other": 50}
    assert conv.is_bridging.sum() == 10
    assert set(np.unique(m.X.data)) <= {-1, 0, 1}
    assert m.X.has_canonical_format


def test_density_is_respected() -> None:
    for exposure in EXPOSURES:
        for density in (0.05, 0.5):
            conv = synthetic_conversation(
                400, 50, density=density, exposure=exposure, random_state=1
            )
            share = conv.matrix.n_votes / (400 * 50)
            assert abs(share - density) < 0.01


def test_uniform_exposure_gives_every_statement_about_the_same_votes() -> None:
    conv = synthetic_conversation(1000, 100, density=0.2, exposure="uniform", random_state=1)
    per_statement = np.diff(conv.matrix.X.tocsc().indptr)
    # Binomial(1000, 0.2): mean 200, sd 12.6, coefficient of variation 0.063.
    assert per_statement.std() / per_statement.mean() < 0.1
    assert abs(per_statement.mean() - 200) < 5


def test_arrival_exposure_gives_unequal_counts_like_real_exports() -> None:
    conv = synthetic_conversation(1000, 100, density=0.2, random_state=1)
    X = conv.matrix.X
    per_statement = np.diff(X.tocsc().indptr)
    per_participant = np.diff(X.indptr)
    # Exposure 2 - (2s + 1) / 100: the first statement is seen ~2x the mean, the last ~0.01x.
    first, last = per_statement[:10].mean(), per_statement[-10:].mean()
    assert first > 5 * last
    assert np.corrcoef(np.arange(100), per_statement)[0, 1] < -0.9
    # Coefficients of variation near the exposure's 0.58 and the activity's ACTIVITY_CV.
    assert 0.45 < per_statement.std() / per_statement.mean() < 0.7
    assert 0.7 < per_participant.std() / per_participant.mean() < 1.3


def test_cell_probability_scale_hits_the_density_with_the_cap() -> None:
    # No cap reached: mean of k a e over the 2 x 2 grid = k x mean(a) x mean(e) = k x 1.5 x 1.
    k = _cell_probability_scale(np.array([1.0, 2.0]), np.array([0.5, 1.5]), 0.3)
    assert k == pytest.approx(0.2)
    # Capped: cells min(1, k a e); with k = 1: 0.5, 1, 1, 1 -> mean 0.875.
    k = _cell_probability_scale(np.array([1.0, 2.0]), np.array([0.5, 1.5]), 0.875)
    assert k == pytest.approx(1.0)


def test_planted_probabilities_follow_the_kinds() -> None:
    conv = synthetic_conversation(300, 200, random_state=2)
    p = conv.agree_probability
    bridging = conv.kinds == "bridging"
    favourite = conv.kinds == "favourite"
    assert (p[:, bridging] >= 0.65).all()
    assert (p[0, favourite] >= 0.85).all() and (p[1:, favourite] <= 0.3).all()
    divisive = p[:, conv.kinds == "divisive"]
    assert ((divisive.max(axis=0) >= 0.75) & (divisive.min(axis=0) <= 0.25)).all()


def test_vetoed_statements_are_rejected_by_the_smallest_or_a_random_smaller_group() -> None:
    kinds = {"vetoed": 0.5, "other": 0.5}
    shares = (0.5, 0.25, 0.15, 0.1)
    smallest = synthetic_conversation(300, 200, group_shares=shares, kind_shares=kinds,
                                      random_state=3)
    p = smallest.agree_probability[:, smallest.kinds == "vetoed"]
    assert (p[3] <= 0.2).all() and (p[:3] >= 0.85).all()
    spread = synthetic_conversation(300, 200, group_shares=shares, kind_shares=kinds,
                                    veto_group="random", random_state=3)
    p = spread.agree_probability[:, spread.kinds == "vetoed"]
    # exactly one group rejects each, never the largest; each of the three others about 1/3
    assert ((p <= 0.2).sum(axis=0) == 1).all() and (p[0] >= 0.85).all()
    who = np.argmax(p <= 0.2, axis=0)
    assert all(20 <= (who == g).sum() <= 47 for g in (1, 2, 3))


def test_votes_follow_the_planted_groups() -> None:
    # Uniform exposure: every statement gets ~1,000 votes (under "arrival" the last has a few).
    conv = synthetic_conversation(
        2000, 40, density=0.5, pass_rate=0.0, leniency_sd=0.0, exposure="uniform", random_state=4
    )
    X = conv.matrix.X.toarray()
    seen = conv.matrix.seen().toarray()
    for g in range(3):
        rows = conv.group_labels == g
        agree = ((X[rows] == 1) & seen[rows]).sum(axis=0) / seen[rows].sum(axis=0)
        assert np.abs(agree - conv.agree_probability[g]).max() < 0.2


def test_same_seed_same_conversation_other_seed_differs() -> None:
    a = synthetic_conversation(200, 30, random_state=7)
    b = synthetic_conversation(200, 30, random_state=7)
    c = synthetic_conversation(200, 30, random_state=8)
    assert (a.matrix.X != b.matrix.X).nnz == 0
    assert (a.kinds == b.kinds).all() and (a.group_labels == b.group_labels).all()
    assert (a.matrix.X != c.matrix.X).nnz > 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"density": 0.0},
        {"density": 1.5},
        {"group_shares": (1.0,)},
        {"group_shares": (0.5, -1)},
        {"kind_shares": {"nonsense": 1.0}},
        {"pass_rate": 0.9},
        {"n_participants": 0},
        {"exposure": "zipf"},
        {"statement_spread": 1.5},
        {"activity_cv": -0.1},
        {"veto_group": "largest"},
    ],
)
def test_invalid_arguments_raise(kwargs: dict) -> None:
    with pytest.raises(InvalidSettingError):
        synthetic_conversation(**{"n_participants": 50, "n_statements": 10, **kwargs})


def test_arrival_knobs_at_zero_give_equal_counts_and_spread_orders_statements() -> None:
    flat = synthetic_conversation(
        1000, 100, density=0.2, statement_spread=0.0, activity_cv=0.0, random_state=1
    )
    per_statement = np.diff(flat.matrix.X.tocsc().indptr)
    per_participant = np.diff(flat.matrix.X.indptr)
    # Every cell has probability 0.2: binomial counts (CV 0.063 and 0.2 for 1000 and 100 cells).
    assert per_statement.std() / per_statement.mean() < 0.1
    assert per_participant.std() / per_participant.mean() < 0.3
    # Spread 0.5: exposure from about 1.5 to about 0.5, so the first tenth of the statements get
    # about (1.45 / 0.55) = 2.6 times the votes of the last tenth.
    half = synthetic_conversation(
        1000, 100, density=0.2, statement_spread=0.5, activity_cv=0.0, random_state=1
    )
    counts = np.diff(half.matrix.X.tocsc().indptr)
    assert 2.2 < counts[:10].mean() / counts[-10:].mean() < 3.0


def test_vetoed_statements_are_loved_by_all_but_the_smallest_group() -> None:
    conv = synthetic_conversation(
        300, 40, density=0.5, group_shares=(0.6, 0.3, 0.1),
        kind_shares={"vetoed": 0.5, "other": 0.5}, random_state=0,
    )
    vetoed = conv.kinds == "vetoed"
    assert vetoed.sum() == 20
    p = conv.agree_probability[:, vetoed]
    assert (p[:2] >= 0.85).all() and (p[2] <= 0.2).all()

"""The bridging benchmark's seed statistics compute what they claim (hand-checked numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.bridging import paired, precision_at, seed_scores, t_interval


def test_t_interval_by_hand() -> None:
    # Values 1, 2, 3: mean 2, sd 1, n 3, t(0.975, 2) = 4.3027 -> half-width 4.3027 / sqrt(3).
    mean, low, high = t_interval(np.array([1.0, 2.0, 3.0]))
    assert mean == 2.0
    assert high - mean == pytest.approx(4.302653 / np.sqrt(3), rel=1e-5)
    assert mean - low == pytest.approx(high - mean)


def test_t_interval_is_a_point_when_every_seed_agrees_and_nan_for_one_seed() -> None:
    assert t_interval(np.ones(20)) == (1.0, 1.0, 1.0)
    mean, low, high = t_interval(np.array([0.7]))
    assert mean == 0.7 and np.isnan(low) and np.isnan(high)


def test_paired_counts_wins_ties_losses_and_uses_differences() -> None:
    a = np.array([1.0, 1.0, 0.9, 1.0])
    b = np.array([0.9, 1.0, 1.0, 0.8])
    mean, low, high, wins, ties, losses = paired(a, b)
    assert (wins, ties, losses) == (2, 1, 1)
    # Differences 0.1, 0, -0.1, 0.2: mean 0.05; the interval is that of the differences.
    assert mean == pytest.approx(0.05)
    assert (low, high) == pytest.approx(t_interval(np.array([0.1, 0.0, -0.1, 0.2]))[1:])


def test_precision_at_counts_planted_statements_in_the_top() -> None:
    score = np.array([0.9, 0.8, 0.7, 0.1])
    truth = np.array([True, False, True, True])
    assert precision_at(score, truth, k=2) == 0.5
    assert precision_at(score, truth, k=3) == pytest.approx(2 / 3)


def test_seed_scores_gives_every_method_a_row_on_the_same_data() -> None:
    rows = seed_scores(300, 40, (0.6, 0.4), 0.3, "uniform", seed=1)
    assert "**MF bridging**" in rows and "GIC, engine.analyze groups" in rows
    for p10, auc, favourites, seconds in rows.values():
        assert 0.0 <= p10 <= 1.0 and 0.0 <= auc <= 1.0
        assert 0 <= favourites <= 10 and seconds >= 0.0
    # The oracle GIC uses the planted groups: on 30% density it ranks bridging above the rest.
    assert rows["GIC, planted groups (oracle)"][1] > 0.9


def test_real_over_splits_averages_splits_then_pairs_by_export() -> None:
    from benchmarks.bridging import REAL_METHODS, _real_over_splits

    # Two exports x two splits; MF's per-export means 0.8 and 0.6, every other method 0.5.
    mf = [[(0.7, 0.7), (0.9, 0.9)], [(0.6, 0.6), (0.6, 0.6)]]
    other = [[(0.5, 0.5), (0.5, 0.5)], [(0.5, 0.5), (0.5, 0.5)]]
    data = {k: (mf if k == REAL_METHODS[0] else other) for k in REAL_METHODS}
    lines = _real_over_splits(data, (0, 1))
    mf_row = next(line for line in lines if line.startswith(f"| {REAL_METHODS[0]} |"))
    assert mf_row.startswith(f"| {REAL_METHODS[0]} | 0.700 [")
    gic_row = next(line for line in lines if line.startswith(f"| {REAL_METHODS[2]} |"))
    # Differences 0.3 and 0.1 per export: mean +0.200, MF wins on both.
    assert "+0.200 [" in gic_row and "2/0/0" in gic_row


def test_vote_count_spread_by_hand() -> None:
    import scipy.sparse as sp

    from benchmarks.bridging import vote_count_spread

    # 4 participants x 2 statements (a stored 0 is a pass): statement 0 has 4 votes, 1 has 2.
    X = sp.csr_matrix(([1, -1, 1, -1, 1, 0], [0, 1, 0, 0, 0, 1], [0, 2, 3, 4, 6]), shape=(4, 2))
    cv, q10, q50, q90, corr, pcv, few = vote_count_spread(X)
    # Per statement 4, 2: mean 3, sd 1 -> CV 1/3; median 3 / 3 = 1; counts fall with position.
    assert cv == pytest.approx(1 / 3) and q50 == pytest.approx(1.0) and corr == pytest.approx(-1)
    # Linear percentiles of (2, 4): 10th 2.2, 90th 3.8, over the mean 3.
    assert (q10, q90) == pytest.approx((2.2 / 3, 3.8 / 3))
    # Per participant 2, 1, 1, 2: mean 1.5, sd 0.5 -> CV 1/3; all have <= 5 votes.
    assert pcv == pytest.approx(1 / 3) and few == 1.0

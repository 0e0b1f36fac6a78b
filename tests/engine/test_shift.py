"""Opinion shift between rounds (engine.shift): hand counts, interval properties, projection."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.stats import binomtest

from meedenken.engine.errors import InvalidSettingError
from meedenken.engine.intervals import wilson_interval
from meedenken.engine.shift import (
    first_round_axes,
    mcnemar_exact_p,
    newcombe_paired_interval,
    paired_shift,
    project_onto_axes,
    transition_table,
)


def test_small_case_by_hand():
    # Eight returning people on one statement (agree 1, disagree -1, pass 0):
    before = [1, 1, 1, -1, -1, -1, 0, 0]
    after = [1, 1, -1, 1, 1, -1, 1, 0]
    # By hand: agree->agree 2, agree->disagree 1, disagree->agree 2, disagree->disagree 1,
    # pass->agree 1, pass->pass 1. Changed: 1 + 2 + 1 = 4; into agree 3, into disagree 1.
    s = paired_shift(before, after)
    assert s.n_pairs == 8
    assert s.transitions.tolist() == [[2, 1, 0], [2, 1, 0], [1, 0, 1]]
    assert (s.changed, s.to_agree, s.to_disagree, s.to_pass) == (4, 3, 1, 0)
    assert s.agree_before == 3 / 8 and s.agree_after == 5 / 8
    assert s.agree_change == pytest.approx(2 / 8)
    assert s.disagree_before == 3 / 8 and s.disagree_after == 2 / 8
    # agree: left 1 (agree->disagree), joined 3: exact McNemar = binomial test of 1 of 4.
    assert s.agree_p_value == pytest.approx(binomtest(1, 4, 0.5).pvalue)
    assert s.agree_change_low < s.agree_change < s.agree_change_high


def test_no_pairs_and_no_change():
    empty = paired_shift([], [])
    assert empty.n_pairs == 0 and np.isnan(empty.agree_change)
    same = paired_shift([1, -1, 0] * 10, [1, -1, 0] * 10)
    assert same.changed == 0 and same.agree_p_value == 1.0
    assert same.agree_change_low < 0 < same.agree_change_high


def test_newcombe_interval_properties():
    # Symmetric: swapping before and after mirrors the interval.
    low, high = newcombe_paired_interval(30, 10, 4, 6)
    mlow, mhigh = newcombe_paired_interval(30, 4, 10, 6)
    assert (low, high) == pytest.approx((-mhigh, -mlow))
    # Wider with fewer people; always within [-1, 1]; contains the estimate.
    small = newcombe_paired_interval(3, 1, 0, 1)
    big = newcombe_paired_interval(300, 100, 0, 100)
    assert small[1] - small[0] > big[1] - big[0]
    assert -1 <= small[0] <= -1 / 5 <= small[1] <= 1
    # With phi = 0 (a margin empty) each half-width is the root of the two Wilson
    # half-widths squared (Newcombe's independent-samples square-and-add).
    a, b, c, d = 10, 0, 5, 0  # yes before for all: margin "no before" is empty
    (l1, l2), (u1, u2) = wilson_interval(np.array([10, 15]), np.array([15, 15]))
    p1, p2 = 10 / 15, 15 / 15
    low, high = newcombe_paired_interval(a, b, c, d)
    assert low == pytest.approx(p2 - p1 - np.hypot(p2 - l2, u1 - p1))
    assert high == pytest.approx(min(p2 - p1 + np.hypot(u2 - p2, p1 - l1), 1))
    assert np.isnan(newcombe_paired_interval(0, 0, 0, 0)[0])


def test_mcnemar_exact():
    assert mcnemar_exact_p(3, 9) == pytest.approx(binomtest(3, 12, 0.5).pvalue)
    assert mcnemar_exact_p(5, 5) == 1.0


def test_bad_votes_are_refused():
    with pytest.raises(InvalidSettingError, match="before"):
        transition_table([2], [1])
    with pytest.raises(InvalidSettingError, match="pair up"):
        transition_table([1, 1], [1])
    with pytest.raises(InvalidSettingError):
        newcombe_paired_interval(-1, 0, 0, 0)


def test_projection_uses_only_the_carried_columns_and_round_one_axes():
    rng = np.random.default_rng(4)
    sides = rng.integers(0, 2, 40) * 2 - 1  # two camps
    votes = np.column_stack([sides, sides, -sides, rng.integers(-1, 2, 40)])
    X1 = sp.csr_matrix(votes)
    center, components = first_round_axes(X1, 2, random_state=0)
    used = np.array([True, True, False, False])
    # A later round where everybody agrees with statement 0 and 1: all land on one side.
    later = sp.csr_matrix(np.ones((5, 4)))
    points = project_onto_axes(later, center, components, used)
    assert np.allclose(points, points[0])
    # Votes on unused statements do not move anyone.
    other = sp.csr_matrix(np.column_stack([np.ones(5), np.ones(5), -np.ones(5), -np.ones(5)]))
    assert np.allclose(project_onto_axes(other, center, components, used), points)
    # Same seed, same axes (randomness is an argument).
    again = first_round_axes(X1, 2, random_state=0)
    assert np.allclose(again[1], components)
    with pytest.raises(InvalidSettingError, match="match"):
        project_onto_axes(later, center[:2], components, used)

"""benchmarks.class_cores: the cores' Jaccard leaves out who is in no core, on either side."""

from __future__ import annotations

import numpy as np

from benchmarks.class_cores import _best_jaccard, _profile_r


def test_core_jaccard_counts_a_member_lost_from_the_core_against_the_class() -> None:
    # Fit: class 0 = {0, 1, 2}, class 1 = {3, 4}; participant 5 is in no core (-1).
    a = np.array([0, 0, 0, 1, 1, -1])
    # Resample's fit: participant 2 falls out of every core, 5 joins class 1's core.
    b = np.array([0, 0, -1, 1, 1, 1])
    jac, match = _best_jaccard(a, b, np.ones(6), 2)
    assert jac.tolist() == [2 / 3, 2 / 3] and match.tolist() == [0, 1]
    # Multiplicities weigh: participant 2 drawn twice.
    jac, _ = _best_jaccard(a, b, np.array([1.0, 1, 2, 1, 1, 1]), 2)
    assert jac[0] == 2 / 4


def test_profile_r_is_a_vote_weighted_correlation() -> None:
    p = np.array([0.2, 0.5, 0.8])
    assert abs(_profile_r(p, p, np.full(3, 1 / 3)) - 1.0) < 1e-12
    assert abs(_profile_r(p, 1 - p, np.full(3, 1 / 3)) + 1.0) < 1e-12
    # A statement nobody voted on does not count.
    assert abs(_profile_r(np.array([0.2, 0.8, 0.1]), np.array([0.2, 0.8, 0.9]),
                          np.array([0.5, 0.5, 0.0])) - 1.0) < 1e-12

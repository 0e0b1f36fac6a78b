import numpy as np
import pytest

from meedenken.engine.repness import (
    consensus,
    group_informed_consensus,
    prop_test,
    representative_statements,
    two_prop_test,
)


def test_prop_tests_by_hand():
    # 2 * sqrt(5) * (5/5 - 0.5) = sqrt(5)
    assert prop_test(np.array(4), np.array(4)) == pytest.approx(np.sqrt(5))
    assert prop_test(np.array(0), np.array(0)) == pytest.approx(1.0)  # Pol.is oddity
    # s1=5, s2=1, n1=n2=5 after pseudo-counts: p1=1, p2=0.2, pooled=0.6
    z = 0.8 / np.sqrt(0.6 * 0.4 * (1 / 5 + 1 / 5))
    assert two_prop_test(np.array(4), np.array(0), np.array(4), np.array(4)) == pytest.approx(z)
    assert two_prop_test(np.array(3), np.array(3), np.array(3), np.array(3)) == 0.0  # pooled = 1


def test_repness_values_by_hand():
    # Two groups, one statement: group 0 agrees 4/4, group 1 disagrees 4/4.
    A = np.array([[4.0], [0.0]])
    D = np.array([[0.0], [4.0]])
    S = np.array([[4.0], [4.0]])
    reps = representative_statements(A, D, S, ["s"], np.array([True]))
    r0 = reps[0][0]
    assert r0.repful_for == "agree"
    assert r0.p_success == pytest.approx(5 / 6)
    assert r0.p_test == pytest.approx(np.sqrt(5))
    assert r0.repness == pytest.approx((5 / 6) / (1 / 6))  # 5.0
    z = 0.8 / np.sqrt(0.6 * 0.4 * 0.4)
    assert r0.repness_test == pytest.approx(z)
    assert r0.metric == pytest.approx(5.0 * z * (5 / 6) * np.sqrt(5))
    assert r0.best_agree
    assert reps[1][0].repful_for == "disagree"


def test_repness_skips_excluded_and_orders_agree_first():
    rng = np.random.default_rng(0)
    A = rng.integers(0, 20, (2, 12)).astype(float)
    D = rng.integers(0, 20, (2, 12)).astype(float)
    S = A + D + rng.integers(0, 5, (2, 12))
    cols = np.ones(12, dtype=bool)
    cols[3] = False
    for group in representative_statements(A, D, S, list(range(12)), cols, per_group=5):
        assert len(group) <= 5
        assert all(r.statement_index != 3 for r in group)
        kinds = [r.repful_for for r in group]
        assert kinds == sorted(kinds)  # "agree" < "disagree": agrees first


def test_consensus_everyone_agrees_is_top():
    A = np.array([50.0, 30.0, 10.0, 0.0])
    D = np.array([0.0, 10.0, 30.0, 50.0])
    S = np.array([50.0, 50.0, 50.0, 50.0])
    agree, disagree = consensus(A, D, S, ["a", "b", "c", "d"], np.ones(4, bool))
    assert [c.statement_id for c in agree] == ["a", "b"]
    assert [c.statement_id for c in disagree] == ["d", "c"]
    assert agree[0].p_success == pytest.approx(51 / 52)


def test_group_informed_consensus_shrinks_with_groups():
    two = group_informed_consensus(np.array([[8.0], [8.0]]), np.array([[10.0], [10.0]]))
    three = group_informed_consensus(np.array([[8.0]] * 3), np.array([[10.0]] * 3))
    assert two[0] == pytest.approx((9 / 12) ** 2)
    assert three[0] < two[0]

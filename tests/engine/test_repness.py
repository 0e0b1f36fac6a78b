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


def _fallback_case():
    """Group 0 agrees 6 / disagrees 3 of 10; the other group agrees 50 / disagrees 1 of 100.

    By hand: pa = 7/12 > 0.5 and ra = (7/12) / (51/102) = 1.17 > 1, so #0 is group 0's best
    agree; its agree z = 2 sqrt(11) (7/11 - 1/2) = 0.90 < 1.2816, so nothing is sufficient and
    the best agree is the fallback. Its disagree two-proportion z (about 3.2) beats the agree one
    (about 0.8), so Pol.is writes it out as a *disagree* statement with a negative p_test
    (2 sqrt(11) (4/11 - 1/2) = -0.90): brexit-consensus group 1 #14.
    """
    A = np.array([[6.0], [50.0]])
    D = np.array([[3.0], [1.0]])
    S = np.array([[10.0], [100.0]])
    return A, D, S


def test_fallback_best_agree_is_labelled_agree_and_not_passing():
    A, D, S = _fallback_case()
    row = representative_statements(A, D, S, ["s"], np.array([True]))[0][0]
    assert row.best_agree
    assert row.repful_for == "agree"
    assert row.n_success == 6
    assert row.p_success == pytest.approx(7 / 12)
    assert row.p_test == pytest.approx(2 * np.sqrt(11) * (7 / 11 - 0.5))
    assert not row.passes_test


def test_fallback_keeps_polis_label_in_polis_mode_but_says_it_did_not_pass():
    A, D, S = _fallback_case()
    row = representative_statements(A, D, S, ["s"], np.array([True]), polis_sides=True)[0][0]
    assert row.repful_for == "disagree"  # Pol.is's quirk, kept in --polis-compatible
    assert row.p_test == pytest.approx(2 * np.sqrt(11) * (4 / 11 - 0.5))
    assert row.p_test < 0
    assert not row.passes_test


def test_sufficient_rows_pass_and_the_no_best_agree_fallback_does_not():
    A = np.array([[4.0], [0.0]])
    D = np.array([[0.0], [4.0]])
    S = np.array([[4.0], [4.0]])
    reps = representative_statements(A, D, S, ["s"], np.array([True]))
    assert reps[0][0].passes_test and reps[1][0].passes_test
    # One group, 2 agree / 2 disagree of 4: nothing sufficient, no best agree (pa = 1/2).
    weak = representative_statements(np.array([[2.0], [2.0]]), np.array([[2.0], [2.0]]),
                                     np.array([[4.0], [4.0]]), ["s"], np.array([True]))
    assert [r.passes_test for group in weak for r in group] == [False, False]

import numpy as np
import pytest

from meedenken.engine.routing import next_statement, priorities


def test_priority_formula_examples():
    z = np.zeros(1)
    # unseen, extremity 0: ((1 - 1/2) * 1 * 1/2 * 9)^2 = 5.0625
    assert priorities(z, z, z, z, np.array([False]))[0] == pytest.approx(5.0625)
    # extremity 1 doubles importance: 20.25
    assert priorities(z, z, z, np.ones(1), np.array([False]))[0] == pytest.approx(20.25)
    # A=50, P=10, S=100, E=0.5 -> about 0.45
    p = priorities(
        np.array([50.0]), np.array([40.0]), np.array([100.0]), np.array([0.5]), np.array([False])
    )
    assert p[0] == pytest.approx(0.45, abs=0.01)
    assert priorities(z, z, z, z, np.array([True]))[0] == 49.0


def test_next_statement_only_candidates_and_weighted():
    rng = np.random.default_rng(0)
    prio = np.array([1.0, 9.0, 100.0])
    cand = np.array([True, True, False])
    picks = [next_statement(prio, cand, rng) for _ in range(2000)]
    assert set(picks) == {0, 1}
    assert 0.85 < picks.count(1) / 2000 < 0.95
    assert next_statement(prio, np.zeros(3, bool), rng) is None


def test_unknown_priority_counts_as_one():
    rng = np.random.default_rng(0)
    picks = [next_statement(np.array([np.nan, 1.0]), np.ones(2, bool), rng) for _ in range(400)]
    assert 150 < picks.count(0) < 250

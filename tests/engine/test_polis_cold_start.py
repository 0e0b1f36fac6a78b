"""Issue 20, cold-start fixes of the Pol.is mode: converged axes, steady-state priorities."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from meedenken.engine import POLIS, analyze, update
from meedenken.engine.pca import centered_matrix, column_centers, polis_axes
from meedenken.engine.synthetic import synthetic_conversation

#: Relative tolerance of the comparisons (as red-dwarf's test suite compares with Pol.is).
RTOL = 1e-6


def _centred(seed: int) -> sp.csr_matrix:
    m = synthetic_conversation(120, 30, density=0.4, random_state=seed).matrix
    active = np.ones(m.X.shape[1], dtype=bool)
    return centered_matrix(m.X, column_centers(m.X, active), active)


def _dense_axes(Xc: sp.csr_matrix) -> np.ndarray:
    values, vectors = np.linalg.eigh((Xc.T @ Xc).toarray())
    return vectors[:, np.argsort(values)[::-1][:2]].T


def _sign_free_error(a: np.ndarray, b: np.ndarray) -> float:
    return max(min(np.abs(a[i] - b[i]).max(), np.abs(a[i] + b[i]).max()) for i in range(len(a)))


def test_converged_start_gives_the_converged_axes() -> None:
    Xc = _centred(3)
    comps, _ = polis_axes(Xc, 2, iterations=100, previous=None, rng=np.random.default_rng(0),
                          converged_start=True)
    assert _sign_free_error(comps, _dense_axes(Xc)) < 1e-9


def test_a_random_start_with_few_steps_is_not_converged() -> None:
    """The check above can fail: a short power iteration from a random start misses."""
    Xc = _centred(3)
    comps, _ = polis_axes(Xc, 2, iterations=1, previous=None, rng=np.random.default_rng(0))
    assert _sign_free_error(comps, _dense_axes(Xc)) > 1e-3


def test_cold_start_priorities_equal_the_steady_state() -> None:
    """One Pol.is-mode run gives the priorities a second run on the same votes gives."""
    m = synthetic_conversation(200, 40, density=0.3, random_state=4).matrix
    settings = POLIS.with_(bridging=False)
    first = analyze(m, settings, random_state=0)
    second = update(m, first, settings, random_state=0)
    assert first.priorities.min() < 0.5 * first.priorities.max()  # not all alike
    np.testing.assert_allclose(first.priorities, second.priorities, rtol=RTOL)

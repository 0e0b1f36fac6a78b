"""Small planted conversations shared by the engine tests."""

from __future__ import annotations

import numpy as np
import pytest

from meedenken.engine import VoteMatrix


def planted(
    sizes: tuple[int, ...] = (60, 40),
    n_statements: int = 24,
    density: float = 0.8,
    consistency: float = 0.95,
    seed: int = 0,
) -> tuple[np.ndarray, VoteMatrix, np.ndarray]:
    """Groups of the given sizes; each group agrees or disagrees with each statement.

    Returns (true group per participant id, matrix, preference (groups x statements)).
    Participant ids are their numbers, so ``truth[pid]`` is their planted group.
    """
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(len(sizes)), sizes)
    pref = rng.choice([-1, 1], size=(len(sizes), n_statements))
    if len(sizes) == 2:  # every other statement divides the two groups
        pref[1] = -pref[0]
    pref[:, 0] = 1  # statement 0: everybody agrees
    cells = rng.random((len(truth), n_statements)) < density
    p, s = np.nonzero(cells)
    votes = pref[truth[p], s] * np.where(rng.random(len(p)) < consistency, 1, -1)
    return truth, VoteMatrix.from_records(p, s, votes), pref


@pytest.fixture
def two_groups() -> tuple[np.ndarray, VoteMatrix, np.ndarray]:
    return planted()

"""The independent planted-room generator plants what it says (issue 16's examination)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from benchmarks.independent_rooms import (
    COMMON_LEVEL,
    SCENARIOS,
    PlantedRoom,
    RoomSpec,
    mixture_labels,
    planted_room,
)


def _vetoed(room: PlantedRoom) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vetoed statements' planted rates (G, n), their rejecting group and its rate."""
    v = np.flatnonzero(room.kind == "vetoed")
    rates = room.rates[:, v]
    rejecter = room.rejecter[v]
    return rates, rejecter, rates[rejecter, np.arange(v.size)]


@pytest.mark.parametrize("name", ["70/20/10 veto any", "50/25/15/10 veto middle",
                                  "side: 40/20/15/15/10 veto any"])
def test_group_shares_and_density_are_exact(name: str) -> None:
    spec = SCENARIOS[name]
    room = planted_room(spec, 3)
    shares = np.bincount(room.group, minlength=len(spec.shares)) / spec.n_participants
    assert shares == pytest.approx(spec.shares, abs=1 / spec.n_participants)
    X = room.matrix.X
    assert X.shape == (spec.n_participants, spec.n_statements)
    assert X.nnz / (spec.n_participants * spec.n_statements) == pytest.approx(spec.density,
                                                                              rel=0.01)
    # Heavy-tailed activity: the busiest voter casts many times the median's votes.
    per = np.diff(X.indptr)
    assert per.max() >= 4 * np.median(per)


def test_vetoed_statements_are_rejected_by_exactly_their_one_group() -> None:
    room = planted_room(SCENARIOS["70/20/10 veto any"], 5)
    rates, rejecter, own = _vetoed(room)
    assert rates.shape[1] == 30
    # Exactly one group below 1/2, and it is the planted rejecter, at 5-35% up to the pull
    # towards other groups; every other group supports it.
    assert ((rates < 0.5).sum(axis=0) == 1).all()
    assert (rates.argmin(axis=0) == rejecter).all()
    assert own.min() >= 0.04 and own.max() <= 0.42
    others = rates.copy()
    others[rejecter, np.arange(rejecter.size)] = np.inf
    assert others.min() >= 0.6
    # "any": every group rejects some.
    assert set(rejecter.tolist()) == {0, 1, 2}
    assert room.rejected[room.kind == "vetoed"].all()
    assert not room.common[room.kind == "vetoed"].any()


def test_the_votes_show_the_planted_rejection() -> None:
    """Pooled over the vetoed statements, the rejecting group's observed agree share among sides
    taken is below 1/2 and the other groups' above: the plant is in the votes, not only in the
    probabilities."""
    room = planted_room(SCENARIOS["70/20/10 veto smallest"], 2)
    X = room.matrix.X.tocsc()
    v = np.flatnonzero(room.kind == "vetoed")
    assert (room.rejecter[v] == 2).all()  # the 10% group
    for g, below in ((2, True), (0, False), (1, False)):
        sub = X[room.group == g][:, v]
        share = (sub == 1).sum() / ((sub == 1).sum() + (sub == -1).sum())
        assert bool(share < 0.5) is below, (g, share)


@pytest.mark.parametrize(("veto", "expected"), [("smallest", {3}), ("largest", {0}),
                                                ("middle", {1, 2})])
def test_which_group_vetoes(veto: str, expected: set[int]) -> None:
    room = planted_room(RoomSpec("t", (0.5, 0.25, 0.15, 0.1), veto=veto), 1)
    _, rejecter, _ = _vetoed(room)
    assert set(rejecter.tolist()) == expected


def test_mild_rejection_and_common_ground_levels() -> None:
    room = planted_room(SCENARIOS["mild: 70/20/10 veto any"], 4)
    _, _, own = _vetoed(room)
    assert own.min() >= 0.24 and own.max() < 0.5
    common = room.rates[:, room.kind == "common"]
    assert common.min() >= COMMON_LEVEL and common.max() <= 0.85
    assert room.common[room.kind == "common"].all()


def test_same_seed_same_room_other_seed_other_room() -> None:
    spec = SCENARIOS["60/30/10 veto any"]
    a, b, c = planted_room(spec, 7), planted_room(spec, 7), planted_room(spec, 8)
    assert (a.matrix.X != b.matrix.X).nnz == 0
    assert np.array_equal(a.rates, b.rates)
    assert not np.array_equal(a.rates, c.rates)


def test_bad_specs_fail_precisely() -> None:
    with pytest.raises(ValueError, match="veto"):
        RoomSpec("t", (0.7, 0.3), veto="minority")
    with pytest.raises(ValueError, match="sum to 1"):
        RoomSpec("t", (0.7, 0.2))
    with pytest.raises(ValueError, match="middle"):
        planted_room(RoomSpec("t", (0.9, 0.1), veto="middle"), 0)


def test_the_mixture_comparator_recovers_groups_that_the_votes_show() -> None:
    """On a small room with dense votes and no personal variation the plain latent-class EM finds
    the planted groups; on the default room, with its within-group positions and sparse
    heavy-tailed votes, it does not: the comparator measures recoverability, it is not blind."""
    easy = RoomSpec("easy", (0.6, 0.3, 0.1), n_participants=400, density=0.5, loading_sd=0.0,
                    leniency_sd=0.0, mix_mean=0.0, camp_share=1.0)
    room = planted_room(easy, 0)
    assert adjusted_rand_score(room.group, mixture_labels(room.matrix.X, 3, 0)) > 0.9
    hard = planted_room(SCENARIOS["70/20/10 veto any"], 0)
    assert adjusted_rand_score(hard.group, mixture_labels(hard.matrix.X, 3, 0)) < 0.5

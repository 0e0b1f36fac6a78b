"""The independent planted-group generator plants what it says (issue 15's examination)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from benchmarks.independent_groups import GroupSpec, oracle_labels, planted_groups

UNEQUAL = GroupSpec("test 60/30/10", (0.6, 0.3, 0.1), 400, 60, 0.2)


@pytest.mark.parametrize("density", [0.05, 0.15, 0.30])
def test_shares_and_density_are_as_asked(density: float) -> None:
    spec = GroupSpec("test", (0.6, 0.3, 0.1), 400, 100, density)
    room = planted_groups(spec, 1)
    shares = np.bincount(room.group, minlength=3) / spec.n_participants
    assert shares == pytest.approx(spec.shares, abs=1 / spec.n_participants)
    X = room.matrix.X
    assert X.shape == (spec.n_participants, spec.n_statements)
    assert X.nnz / X.shape[0] / X.shape[1] == pytest.approx(density, rel=0.05)
    # Heavy-tailed activity; agree, disagree and pass all occur.
    per = np.diff(X.tocsr().indptr)
    assert per.max() >= 4 * np.median(per)
    assert set(np.unique(X.data).tolist()) == {-1, 0, 1}


def test_statements_written_later_get_fewer_votes() -> None:
    room = planted_groups(UNEQUAL, 2)
    per_statement = np.diff(room.matrix.X.tocsc().indptr)
    first, last = per_statement[:10].mean(), per_statement[-10:].mean()
    assert last < 0.5 * first


def test_same_seed_same_room_and_another_seed_another() -> None:
    a, b, c = (planted_groups(UNEQUAL, s) for s in (5, 5, 6))
    assert (a.matrix.X != b.matrix.X).nnz == 0 and (a.group == b.group).all()
    assert (a.matrix.X != c.matrix.X).nnz > 0


def test_oracle_recovers_well_separated_groups_and_not_weak_ones() -> None:
    clear = GroupSpec("clear", (0.5, 0.3, 0.2), 400, 80, 0.30, separation=4.0, between=0.0)
    room = planted_groups(clear, 0)
    voted = np.diff(room.matrix.X.tocsr().indptr) >= 7
    assert adjusted_rand_score(room.group[voted], oracle_labels(room)[voted]) > 0.9
    weak = GroupSpec("weak", (0.5, 0.3, 0.2), 400, 80, 0.30, separation=0.3, between=0.0)
    room = planted_groups(weak, 0)
    voted = np.diff(room.matrix.X.tocsr().indptr) >= 7
    assert adjusted_rand_score(room.group[voted], oracle_labels(room)[voted]) < 0.5


def test_continuous_cloud_has_no_planted_groups() -> None:
    spec = GroupSpec("cloud", (), 300, 50, 0.2, family="cloud2d")
    room = planted_groups(spec, 0)
    assert spec.planted_k == 1
    assert (room.group == 0).all() and not room.between.any()
    assert room.matrix.X.shape == (300, 50)

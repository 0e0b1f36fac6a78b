"""Tests of the synthetic conversation generator."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import InvalidSettingError
from engine.synthetic import STATEMENT_KINDS, synthetic_conversation


def test_shapes_kinds_and_groups() -> None:
    conv = synthetic_conversation(
        500, 100, density=0.2, group_shares=(0.6, 0.3, 0.1), random_state=3
    )
    m = conv.matrix
    assert (m.n_participants, m.n_statements) == (500, 100)
    assert conv.group_labels.shape == (500,)
    assert np.bincount(conv.group_labels).tolist() == [300, 150, 50]
    counts = {k: int((conv.kinds == k).sum()) for k in STATEMENT_KINDS}
    assert counts == {"bridging": 10, "favourite": 10, "divisive": 30, "other": 50}
    assert conv.is_bridging.sum() == 10
    assert set(np.unique(m.X.data)) <= {-1, 0, 1}
    assert m.X.has_canonical_format


def test_density_is_respected() -> None:
    for density in (0.05, 0.5):
        conv = synthetic_conversation(400, 50, density=density, random_state=1)
        share = conv.matrix.n_votes / (400 * 50)
        assert abs(share - density) < 0.01


def test_planted_probabilities_follow_the_kinds() -> None:
    conv = synthetic_conversation(300, 200, random_state=2)
    p = conv.agree_probability
    bridging = conv.kinds == "bridging"
    favourite = conv.kinds == "favourite"
    assert (p[:, bridging] >= 0.65).all()
    assert (p[0, favourite] >= 0.85).all() and (p[1:, favourite] <= 0.3).all()
    divisive = p[:, conv.kinds == "divisive"]
    assert ((divisive.max(axis=0) >= 0.75) & (divisive.min(axis=0) <= 0.25)).all()


def test_votes_follow_the_planted_groups() -> None:
    conv = synthetic_conversation(
        2000, 40, density=0.5, pass_rate=0.0, leniency_sd=0.0, random_state=4
    )
    X = conv.matrix.X.toarray()
    seen = conv.matrix.seen().toarray()
    for g in range(3):
        rows = conv.group_labels == g
        agree = ((X[rows] == 1) & seen[rows]).sum(axis=0) / seen[rows].sum(axis=0)
        assert np.abs(agree - conv.agree_probability[g]).max() < 0.2


def test_same_seed_same_conversation_other_seed_differs() -> None:
    a = synthetic_conversation(200, 30, random_state=7)
    b = synthetic_conversation(200, 30, random_state=7)
    c = synthetic_conversation(200, 30, random_state=8)
    assert (a.matrix.X != b.matrix.X).nnz == 0
    assert (a.kinds == b.kinds).all() and (a.group_labels == b.group_labels).all()
    assert (a.matrix.X != c.matrix.X).nnz > 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"density": 0.0},
        {"density": 1.5},
        {"group_shares": (1.0,)},
        {"group_shares": (0.5, -1)},
        {"kind_shares": {"nonsense": 1.0}},
        {"pass_rate": 0.9},
        {"n_participants": 0},
    ],
)
def test_invalid_arguments_raise(kwargs: dict) -> None:
    with pytest.raises(InvalidSettingError):
        synthetic_conversation(**{"n_participants": 50, "n_statements": 10, **kwargs})

"""The factor mixture of benchmarks.factor_mixture: shapes on a small planted room and the class
vetoes on a hand-made fit."""

from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from benchmarks.factor_mixture import FactorMixture, bic, fit, jaccards, room_votes, veto_sets
from benchmarks.independent_rooms import SCENARIOS, planted_room


def test_fit_shapes_and_responsibilities() -> None:
    spec = replace(SCENARIOS["70/20/10 veto any"], n_participants=300, n_statements=40,
                   density=0.4)
    room = planted_room(spec, 3)
    v = room_votes(room.matrix.X)
    model = fit(v, 2, 2, seed=0, iterations=15)
    assert model.B.shape == (2, 40) and model.L.shape == (40, 2)
    assert model.Z.shape == (2, 300, 3)
    np.testing.assert_allclose(model.R.sum(axis=1), 1.0)
    assert np.isfinite(model.ll) and np.isfinite(bic(model, v))


def test_a_class_that_rejects_a_statement_vetoes_it() -> None:
    # 100 participants: the first 80 (class 0) agree with statements 0 and 1, the last 20
    # (class 1) agree with statement 0 and reject statement 1.
    n = 100
    votes = np.ones((n, 2), dtype=np.int8)
    votes[80:, 1] = -1
    v = room_votes(sp.csr_matrix(votes))
    R = np.zeros((n, 2))
    R[:80, 0] = R[80:, 1] = 1.0
    B = np.array([[3.0, 3.0], [3.0, -3.0]])
    model = FactorMixture(B=B, L=np.zeros((2, 0)), Z=np.zeros((2, n, 1)), R=R,
                          pi=R.mean(axis=0), tau2=0.1, ll=0.0, info=np.full((2, 2), 20.0),
                          iterations=1)
    for variant, vetoed in veto_sets(model, v).items():
        assert vetoed.tolist() == [False, True], variant
    assert jaccards(np.repeat([0, 1], [80, 20]), R.argmax(axis=1)) == [1.0, 1.0]

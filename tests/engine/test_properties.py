"""Property tests: any vote matrix, however odd, analyses without a crash, NaN or infinity."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meedenken.engine import POLIS, AnalysisSettings, VoteMatrix, analyze, update

records = st.lists(
    st.tuples(
        st.integers(0, 40),  # participant
        st.integers(0, 12),  # statement
        st.sampled_from([-1, 0, 1]),
        st.floats(0, 1e6, allow_nan=False),
    ),
    max_size=400,
)


def _finite(result) -> None:
    om = result.opinion_map
    for arr in (
        om.coordinates,
        om.components,
        om.center,
        om.statement_coordinates,
        om.extremity,
        result.priorities,
        result.group_informed_consensus,
    ):
        assert np.isfinite(arr).all()
    for reps in result.repness.values():
        for r in reps:
            assert np.isfinite([r.p_success, r.p_test, r.repness, r.repness_test, r.metric]).all()
    for c in result.consensus_agree + result.consensus_disagree:
        assert np.isfinite([c.p_success, c.p_test]).all()
    active = result.bridging.active
    for arr in (
        result.bridging.score,
        result.bridging.low,
        result.bridging.high,
        result.bridging.polarization,
    ):
        assert np.isfinite(arr[active]).all()
    labels = result.clustering.labels
    assert ((labels == -1) | np.isin(labels, result.clustering.group_ids)).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records, st.booleans(), st.sampled_from([-1, 0, 1]))
def test_any_matrix_analyses_cleanly(recs, polis, constant):
    if recs and constant != 0 and len(recs) % 3 == 0:  # sometimes: everyone votes the same
        recs = [(p, s, constant, t) for p, s, _, t in recs]
    p, s, v, t = zip(*recs, strict=True) if recs else ((), (), (), ())
    m = VoteMatrix.from_records(list(p), list(s), list(v), list(t))
    result = analyze(m, POLIS if polis else AnalysisSettings())
    _finite(result)
    assert result.n_votes == m.n_votes <= len(recs)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records, records)
def test_updates_stay_finite(first, second):
    p, s, v, t = zip(*first, strict=True) if first else ((), (), (), ())
    m = VoteMatrix.from_records(list(p), list(s), list(v), list(t))
    result = analyze(m)
    if second:
        p2, s2, v2, t2 = zip(*second, strict=True)
        m.append(list(p2), list(s2), list(v2), list(t2))
    _finite(update(m, result))


def test_duplicate_records_count_once():
    m = VoteMatrix.from_records(["a"] * 5, ["s"] * 5, [1, 1, -1, 1, 0], [1, 1, 1, 1, 1])
    assert m.n_votes == 1
    assert m.X[0, 0] == 0  # equal times: the last record wins


def test_large_sparse_matrix_is_fine():
    rng = np.random.default_rng(0)
    n = 20_000
    m = VoteMatrix.from_records(
        rng.integers(0, 3000, n), rng.integers(0, 400, n), rng.choice([-1, 0, 1], n)
    )
    _finite(analyze(m))

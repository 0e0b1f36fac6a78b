"""The dissent probe's statistics on a small hand-built room (issue 16 experiment)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from benchmarks.dissent_probe import probe_statistics


def _room(veto: bool, seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray]:
    """200 participants, 60 statements, 60% density. The last 40 participants are a minority:
    with ``veto`` they agree with statements 0-5 at 10% (everyone else 90%), otherwise they vote
    on them like everyone else; statements 6-29 are common ground (85% everywhere) and 30-59
    unpopular (30% everywhere, as half a real room is), apart from leniency noise. Returns the
    votes and the "vetoed" mask (statements 0-5)."""
    rng = np.random.default_rng(seed)
    n, s = 200, 60
    minority = np.arange(n) >= 160
    p = np.full((n, s), 0.85)
    p[:, :6] = 0.9
    p[:, 30:] = 0.3
    if veto:
        p[np.ix_(minority, np.arange(6))] = 0.1
    lenient = rng.normal(0, 0.05, (n, 1))
    p = np.clip(p + lenient, 0.01, 0.99)
    seen = rng.random((n, s)) < 0.6
    votes = np.where(rng.random((n, s)) < p, 1, -1) * seen
    X = sp.csr_matrix(votes.astype(np.int8))
    return X, np.arange(s) < 6


def test_codissent_and_prediction_flag_a_minority_veto_and_not_common_ground() -> None:
    X, vetoed = _room(veto=True)
    probe = probe_statistics(X, seed=0)
    common = np.arange(60) < 30
    common[:6] = False
    # co-dissent: every vetoed statement's dissenters are more coherent than any common one's
    assert probe.stats["codissent"][vetoed].min() > probe.stats["codissent"][common].max()
    assert probe.stats["codissent"][vetoed].mean() > 3.0
    assert not probe.flagged("codissent")[common].any()
    # cross-fitted prediction: a fifth of the room is predicted to disagree with a vetoed one
    assert probe.stats["pred_p10"][vetoed].max() < probe.stats["pred_p10"][common].min()
    assert probe.flagged("pred_low")[vetoed].all()
    assert not probe.flagged("pred_low")[common].any()


def test_no_flags_without_a_veto() -> None:
    X, vetoed = _room(veto=False)
    probe = probe_statistics(X, seed=0)
    assert not probe.flagged("codissent")[:30].any()
    assert not probe.flagged("pred_low")[:30].any()
    # the statistic does not separate the two kinds when nobody rejects anything
    assert abs(np.nanmean(probe.stats["codissent"][vetoed])) < 2.0

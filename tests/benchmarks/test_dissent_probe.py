"""The dissent probe's statistics on a small hand-built room (issue 16 experiment)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from benchmarks.dissent_probe import co_dissent, probe_statistics, relative_to_room


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


# Session 12 (cg16k): the vectorised co-dissent and its reading against the room.


def _drawn(p: np.ndarray, seed: int = 0, density: float = 1.0) -> sp.csr_matrix:
    """Votes drawn from agree probabilities ``p`` (participants x statements): agree 1 else
    disagree -1; with ``density`` < 1 each cell is seen with that probability."""
    rng = np.random.default_rng(seed)
    votes = np.where(rng.random(p.shape) < p, 1, -1)
    votes[rng.random(p.shape) >= density] = 0  # not seen (no entry)
    return sp.csr_matrix(votes)


def _minority_room(seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """600 participants, 30 statements at 50% density: statements 0-5 the last 20% reject
    (15% agree) while the rest agree 85%; 6-17 everyone agrees 80%; 18-29 everyone 30%.
    Returns the votes, the vetoed and the common statements."""
    p = np.tile(np.r_[[0.85] * 6, [0.8] * 12, [0.3] * 12], (600, 1))
    p[480:, :6] = 0.15
    vetoed = np.arange(30) < 6
    common = (np.arange(30) >= 6) & (np.arange(30) < 18)
    return _drawn(p, seed, density=0.5), vetoed, common


def test_the_vectorised_co_dissent_equals_the_loop_over_statements() -> None:
    # The definition written out for one statement (session 11's loop), statement 2 of the room.
    X, _, _ = _minority_room()
    Y = X.toarray()
    sides = Y != 0
    p = ((Y > 0).sum(0) / sides.sum(0))
    popular = p >= 0.6
    resid = np.where(sides, (Y > 0) - p, 0.0)
    voters = np.flatnonzero(sides[:, 2])
    others = np.arange(30) != 2
    on_pop = (resid[np.ix_(voters, others & popular)].sum(1)
              / sides[np.ix_(voters, others & popular)].sum(1))
    on_oth = (resid[np.ix_(voters, others & ~popular)].sum(1)
              / sides[np.ix_(voters, others & ~popular)].sum(1))
    known = (sides[np.ix_(voters, others & popular)].sum(1) >= 2) & (
        sides[np.ix_(voters, others & ~popular)].sum(1) >= 2)  # one voter has 1 other: left out
    assert (~known).sum() == 1
    c = (on_pop - on_oth)[known]
    agreed = Y[voters[known], 2] > 0
    z = (c[agreed].mean() - c[~agreed].mean()) / (
        c.std() * np.sqrt(1 / agreed.sum() + 1 / (~agreed).sum()))
    assert np.isclose(co_dissent(X)[2], z)


def test_a_minoritys_rejections_stand_out_and_the_common_statements_do_not() -> None:
    # Each vetoed statement's disagreers are mostly the minority (20% x 85% of them vs 80% x
    # 15%), who on the other vetoed (popular) statements also vote below the room: z far above
    # the rest. The common statements' disagreers are anyone: about standard normal, so by
    # chance one of 12 passes 1.5 (statement 14, 1.52). Against the room (median 0.33, spread
    # 1.4826 x MAD = 1.45) the vetoed ones stay above the level tried, 1.0 (1.76-3.19), and no
    # common one reaches it (at most 0.82).
    X, vetoed, common = _minority_room()
    z = co_dissent(X)
    assert z[vetoed].min() > 2.5
    assert (z[common] > 1.5).sum() == 1 and z[14] > 1.5
    assert np.isfinite(z).all()
    relative = relative_to_room(z)
    spread = 1.4826 * np.median(np.abs(z - np.median(z)))
    assert 1.4 < spread < 1.5
    assert np.allclose(relative, (z - np.median(z)) / spread)
    assert relative[vetoed].min() > 1.0 > relative[common].max()


def test_a_room_where_most_statements_show_co_dissent_is_read_against_itself() -> None:
    # Real rooms: one opinion side dissents from what the other makes popular, so most popular
    # statements have a high z. Against the room only the outliers remain: here z's of 3 +- 1
    # (median 3, MAD 1 x 1.4826) and one of 9.
    z = np.r_[3 + np.linspace(-1, 1, 20), 9.0]
    relative = relative_to_room(z)
    assert (z > 1.5).sum() == 21
    assert np.flatnonzero(relative > 1.0).tolist() == [20]


def test_without_a_minority_few_statements_pass_the_level() -> None:
    # Everyone alike, 40 statements at 80% or 30%: z is about standard normal, so about
    # 40 x 6.7% = 2.7 above 1.5 by chance; a wrong null (say the sd of the sum, not of the
    # mean difference) would put most of them there.
    p = np.tile(np.r_[[0.8] * 20, [0.3] * 20], (600, 1))
    z = co_dissent(_drawn(p, seed=1, density=0.5))
    assert (z > 1.5).sum() <= 5
    assert abs(np.nanmean(z)) < 0.6


def test_strict_and_lenient_voters_are_not_a_minority() -> None:
    # Wide response styles (a leniency of sd 1.5 on the log-odds) make the strict voters the
    # disagreers of every statement; their residual on the popular and on the other statements
    # is low alike, so the contrast cancels it.
    rng = np.random.default_rng(2)
    base = np.r_[[1.4] * 20, [-0.8] * 20]
    logit = base[None, :] + rng.normal(0, 1.5, size=(600, 1))
    z = co_dissent(_drawn(1 / (1 + np.exp(-logit)), seed=2, density=0.5))
    assert (z > 1.5).sum() <= 5


def test_too_few_votes_or_sides_give_no_z() -> None:
    p = np.tile(np.r_[[0.8] * 10, [0.3] * 10], (20, 1))  # 20 voters: under 30 sides
    assert np.isnan(co_dissent(_drawn(p))).all()
    p = np.tile(np.r_[[1.0] * 10, [0.3] * 10], (100, 1))  # nobody disagrees with 0-9
    z = co_dissent(_drawn(p))
    assert np.isnan(z[:10]).all()

"""Tests of engine.co_dissent and its hold on common ground (issue 16: a minority's rejection
seen without recovered groups)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from meedenken.engine.bridging import BridgingSettings, bridging
from meedenken.engine.co_dissent import co_dissent, relative_to_room
from meedenken.engine.common_ground import COMMON_GROUND, NOT_ENOUGH_VOTES, common_ground
from meedenken.engine.settings import AnalysisSettings, CommonGroundSettings
from meedenken.engine.synthetic import synthetic_conversation


def _room(p: np.ndarray, seed: int = 0, density: float = 1.0) -> sp.csr_matrix:
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
    return _room(p, seed, density=0.5), vetoed, common


def test_a_minoritys_rejections_stand_out_and_the_common_statements_do_not() -> None:
    # Each vetoed statement's disagreers are mostly the minority (20% x 85% of them vs 80% x
    # 15%), who on the other vetoed (popular) statements also vote below the room: z far above
    # the rest. The common statements' disagreers are anyone: about standard normal, so by
    # chance one of 12 passes 1.5 (statement 14, 1.52). Against the room (median 0.33, spread
    # 1.4826 x MAD = 1.45) the vetoed ones stay above the default level 1.0 (1.76-3.19) and no
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
    level = CommonGroundSettings().co_dissent_z
    assert level is not None
    assert relative[vetoed].min() > level > relative[common].max()


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
    z = co_dissent(_room(p, seed=1, density=0.5))
    assert (z > 1.5).sum() <= 5
    assert abs(np.nanmean(z)) < 0.6


def test_strict_and_lenient_voters_are_not_a_minority() -> None:
    # Wide response styles (a leniency of sd 1.5 on the log-odds) make the strict voters the
    # disagreers of every statement; their residual on the popular and on the other statements
    # is low alike, so the contrast cancels it.
    rng = np.random.default_rng(2)
    base = np.r_[[1.4] * 20, [-0.8] * 20]
    logit = base[None, :] + rng.normal(0, 1.5, size=(600, 1))
    z = co_dissent(_room(1 / (1 + np.exp(-logit)), seed=2, density=0.5))
    assert (z > 1.5).sum() <= 5


def test_too_few_votes_or_sides_give_no_z() -> None:
    p = np.tile(np.r_[[0.8] * 10, [0.3] * 10], (20, 1))  # 20 voters: under 30 sides
    assert np.isnan(co_dissent(_room(p))).all()
    p = np.tile(np.r_[[1.0] * 10, [0.3] * 10], (100, 1))  # nobody disagrees with 0-9
    z = co_dissent(_room(p))
    assert np.isnan(z[:10]).all()
    X, _, _ = _minority_room()
    inactive = np.ones(30, dtype=bool)
    inactive[3] = False
    assert np.isnan(co_dissent(X, inactive)[3])


def test_co_dissent_holds_a_statement_back_as_not_enough_votes() -> None:
    # Three groups all support statements 0-3 (40/5 each); the co-dissent z's are 2.0 (above
    # the default 1.0), 1.0 (not above), NaN (unknown) and 1.6: 0 and 3 are held back.
    counts = np.tile(np.array([40, 5]), (3, 4, 1))
    z = np.array([2.0, 1.0, np.nan, 1.6])
    cg = common_ground(counts, ["A", "B", "C"], co_dissent=z)
    assert cg.status.tolist() == [NOT_ENOUGH_VOTES, COMMON_GROUND, COMMON_GROUND, NOT_ENOUGH_VOTES]
    assert cg.dissent_doubts is not None and cg.dissent_doubts.tolist() == [True, False, False,
                                                                            True]
    off = CommonGroundSettings(co_dissent_z=None)
    assert set(common_ground(counts, ["A", "B", "C"], co_dissent=z, settings=off).status) == {
        COMMON_GROUND}
    assert set(common_ground(counts, ["A", "B", "C"]).status) == {COMMON_GROUND}


def test_one_opinion_group_still_keeps_a_hidden_minoritys_rejections_out() -> None:
    # The room above as one opinion group (everyone 0): pooled, the vetoed statements read
    # 71% agree (0.8 x 0.85 + 0.2 x 0.15), common ground by the groups alone; co-dissent (read
    # against the room, as the analysis does) holds them back as "not enough votes yet", every
    # common one stays, and the list shows the 12 common ones first, then the vetoed ones
    # (they come closest: most of their voters agree).
    X, vetoed, common = _minority_room()
    labels = np.zeros(X.shape[0], dtype=np.int64)
    settings = BridgingSettings(min_side_agrees=1)
    z = relative_to_room(co_dissent(X))
    with_z = bridging(X, group_labels=labels, settings=settings, co_dissent=z)
    without = bridging(X, group_labels=labels, settings=settings)
    assert without.is_common_ground[vetoed].all()
    assert not with_z.is_common_ground[vetoed].any()
    assert with_z.is_common_ground[common].all()
    assert with_z.common is not None
    assert set(with_z.common.status[vetoed]) == {NOT_ENOUGH_VOTES}
    listed = with_z.listed_order()
    assert common[listed[:12]].all() and vetoed[listed[12:18]].all()


def test_analysis_keeps_a_hidden_minority_out_with_co_dissent_alone() -> None:
    """The planted 70/20/10 room of test_common_ground's hidden-minority test, with the fine
    cells and latent classes switched off: without co-dissent vetoed statements reach the top
    10 (that test); with it none do, and at most 2 of the 20 are common ground."""
    from meedenken.engine import analyze

    conv = synthetic_conversation(
        1500, 200, density=0.15, group_shares=(0.7, 0.2, 0.1),
        kind_shares={"bridging": 0.1, "vetoed": 0.1, "favourite": 0.1, "divisive": 0.2,
                     "other": 0.5},
        random_state=0,
    )
    vetoed = conv.kinds == "vetoed"
    settings = AnalysisSettings(force_k=2, bridging_fit=BridgingSettings(
        common_ground=CommonGroundSettings(fine_levels=(), class_levels=())))
    result = analyze(conv.matrix, settings=settings, random_state=0).bridging
    assert result is not None and result.common is not None
    assert result.common.co_dissent is not None
    assert not vetoed[result.listed_order()[:10]].any()
    assert result.is_common_ground[vetoed].sum() <= 2

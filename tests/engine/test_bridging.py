"""Tests of engine.bridging: hand-checkable cases, invariants, uncertainty and k-anonymity."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from meedenken.engine.breakdown import vote_breakdown
from meedenken.engine.bridging import BridgingSettings, _side_weights, bridging
from meedenken.engine.errors import InvalidSettingError, InvalidVotesError
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.synthetic import synthetic_conversation


def _two_camps() -> tuple[sp.csr_matrix, np.ndarray]:
    """16 participants in camp A, 4 in camp B.

    s0: 3 of 4 agree in both camps (bridging, raw agree rate 0.75).
    s1: all of A agree, all of B disagree (raw agree rate 0.80: the majority's favourite).
    s2..s5: divisive along the camp line; s6: agreed by B, rejected by A.
    """
    a, b = 16, 4
    labels = np.array([0] * a + [1] * b)
    X = np.zeros((a + b, 7), dtype=np.int8)
    X[:, 0] = [1, 1, 1, -1] * 5
    X[:, 1] = np.where(labels == 0, 1, -1)
    for s in range(2, 6):
        X[:, s] = np.where(labels == 0, 1 if s % 2 else -1, -1 if s % 2 else 1)
    X[:, 6] = np.where(labels == 0, -1, 1)
    return sp.csr_matrix(X), labels


def test_statement_agreed_by_all_camps_ranks_first_not_the_majority_favourite() -> None:
    X, labels = _two_camps()
    raw = (X.toarray() == 1).mean(axis=0)
    assert raw[1] > raw[0]  # the raw agree rate would put the favourite first
    result = bridging(X, group_labels=labels, settings=BridgingSettings(min_side_agrees=1))
    ranked = result.ranked()
    assert ranked[0].statement_id == 0
    assert ranked[0].group_agree == {0: 0.75, 1: 0.75}
    assert result.score[0] > result.score[1]
    assert result.polarization[1] > result.polarization[0]
    assert result.is_bridging.tolist() == [True] + [False] * 6


def test_same_seed_identical_and_participant_order_irrelevant() -> None:
    conv = synthetic_conversation(300, 40, density=0.3, random_state=5)
    X = conv.matrix.X
    one = bridging(X, random_state=1)
    two = bridging(X, random_state=1)
    np.testing.assert_array_equal(one.score, two.score)
    np.testing.assert_array_equal(one.low, two.low)
    perm = np.random.default_rng(0).permutation(X.shape[0])
    shuffled = bridging(X[perm], random_state=1)
    np.testing.assert_allclose(shuffled.score, one.score, atol=1e-6)


def test_converges_to_the_same_answer_from_other_seeds_and_from_a_warm_start() -> None:
    # Uniform exposure: with statements seen by a handful of participants ("arrival"), the
    # side-balanced fit reached from the warm start differs from the cold one by up to ~2e-3.
    conv = synthetic_conversation(400, 60, density=0.2, exposure="uniform", random_state=6)
    m = conv.matrix
    settings = BridgingSettings(tolerance=1e-7)
    cold = bridging(m, settings=settings, random_state=0)
    assert cold.model.converged
    other_seed = bridging(m, settings=settings, random_state=9)
    np.testing.assert_allclose(other_seed.score, cold.score, atol=1e-4)
    # Warm start from an analysis of the first 80% of the votes, with ids in another order.
    rows, cols, votes, _ = m.records()
    keep = np.random.default_rng(1).random(len(votes)) < 0.8
    partial = VoteMatrix.from_records(
        rows[keep][::-1].tolist(), cols[keep][::-1].tolist(), votes[keep][::-1]
    )
    earlier = bridging(partial, settings=settings)
    warm = bridging(m, settings=settings, previous=earlier)
    np.testing.assert_allclose(warm.score, cold.score, atol=1e-4)
    again = bridging(m, settings=settings, previous=cold)
    assert again.model.n_iterations < cold.model.n_iterations


def test_intervals_contain_the_score_and_narrow_with_more_votes() -> None:
    # Same votes per participant, ten times the votes per statement.
    sparse_conv = synthetic_conversation(200, 50, density=0.2, random_state=2)
    dense_conv = synthetic_conversation(2000, 50, density=0.2, random_state=2)
    sparse_r, dense_r = bridging(sparse_conv.matrix), bridging(dense_conv.matrix)
    for r in (sparse_r, dense_r):
        assert (r.low < r.score).all() and (r.score < r.high).all()
    assert np.median(dense_r.high - dense_r.low) < 0.6 * np.median(sparse_r.high - sparse_r.low)


def test_evidence_rule_needs_agrees_on_both_sides() -> None:
    X, _labels = _two_camps()
    # Camp B has 3 agrees on s0: enough for min_side_agrees=3, not for the default 5.
    assert bridging(X, settings=BridgingSettings(min_side_agrees=3)).is_bridging[0]
    strict = bridging(X)
    assert not strict.is_bridging.any()
    assert strict.n_agree_positive[0] + strict.n_agree_negative[0] == 15
    assert min(strict.n_agree_positive[0], strict.n_agree_negative[0]) == 3


def test_planted_bridging_statements_top_the_ranking() -> None:
    conv = synthetic_conversation(1000, 200, density=0.1, exposure="uniform", random_state=0)
    result = bridging(conv.matrix, group_labels=conv.group_labels)
    top = result.order()[:10]
    assert conv.is_bridging[top].mean() >= 0.9
    assert not (conv.kinds[top] == "favourite").any()
    assert result.is_bridging[conv.is_bridging].mean() >= 0.9
    assert result.is_bridging[conv.kinds == "favourite"].mean() <= 0.1


def test_with_unequal_exposure_the_evidence_rule_misses_only_thinly_voted_statements() -> None:
    conv = synthetic_conversation(1000, 200, density=0.1, random_state=0)
    result = bridging(conv.matrix, group_labels=conv.group_labels)
    top = result.order()[:10]
    assert conv.is_bridging[top].all()
    missed = conv.is_bridging & ~result.is_bridging
    assert missed.any()  # some planted bridging statements have too few votes to be called
    assert result.n_votes[missed].max() < np.median(result.n_votes)


def test_roles_hide_small_cells() -> None:
    rng = np.random.default_rng(0)
    n = 40
    X = sp.csr_matrix(rng.choice([-1, 0, 1], size=(n, 3)).astype(np.int8))
    X = X.tolil()
    X[10:, 2] = 0  # statement 2: only the first 10 participants voted
    X = sp.csr_matrix(X)
    X.eliminate_zeros()
    role = ["resident"] * 20 + ["professional"] * 17 + ["board"] * 3
    role[0] = None  # unknown role
    result = bridging(X, attributes={"role": role})
    b = result.attributes["role"]
    assert b.categories == ("professional", "resident")  # 3 board members: hidden entirely
    assert b.n_members.tolist() == [17, 19]
    # statement 2: 9 residents voted (shown), 0 professionals (hidden)
    assert b.visible[:, 2].tolist() == [False, True]
    assert b.counts[0, 2].sum() == 0
    for st in result.ranked():
        assert set(st.role_agree["role"]) <= {"professional", "resident"}
    strict = vote_breakdown(X, role, name="role", min_cell_size=10)
    assert not strict.visible[1, 2]  # 9 voters < 10
    with pytest.raises(InvalidSettingError):
        vote_breakdown(X, role, min_cell_size=2)
    with pytest.raises(InvalidSettingError):
        BridgingSettings(min_cell_size=2)


def test_group_rates_are_the_vote_shares() -> None:
    rows, cols = np.divmod(np.arange(8), 2)
    votes = np.array([1, -1, 0, 1, -1, 1, 1, 1], dtype=np.int8)  # participant 1 passes s0
    X = sp.csr_matrix((votes, (rows, cols)), shape=(4, 2))
    assert X.nnz == 8
    b = vote_breakdown(X, np.array([0, 0, 1, -1]), min_cell_size=None)
    assert b.categories == (0, 1)
    rates = b.rates()
    np.testing.assert_allclose(rates[0, 0], [0.5, 0.0, 0.5])
    np.testing.assert_allclose(rates[1, 1], [1.0, 0.0, 0.0])
    assert b.min_agree().tolist() == [0.0, 0.5]


def test_moderated_statements_are_not_ranked_and_json_shape() -> None:
    conv = synthetic_conversation(200, 20, density=0.5, random_state=3)
    m = conv.matrix.copy()
    m.set_moderation(excluded=[4], meta=[5])
    result = bridging(m, group_labels=conv.group_labels)
    assert np.isnan(result.score[[4, 5]]).all()
    ids = [s.statement_id for s in result.ranked()]
    assert len(ids) == 18 and 4 not in ids and 5 not in ids
    rows = result.to_json(limit=3)
    assert len(rows) == 3
    assert set(rows[0]) == {
        "statement_id",
        "score",
        "low",
        "high",
        "polarization",
        "group_agree",
        "role_agree",
        "is_bridging",
        "n_votes",
        # added by issue 16 (common ground): why, and who supports it least
        "status",
        "weakest_group",
        "weakest_group_agree",
        "weakest_group_low",
        "role_status",
        "weakest_role",
        "group_support",
        "role_support",
    }
    assert set(rows[0]["group_agree"]) == {"0", "1", "2"}
    # listed order: common ground first, then by the weakest group's lower bound
    order = ["common_ground", "not_enough_votes", "rejected_within_a_group",
             "rejected_by_a_role", "rejected_by_a_group"]
    every = result.to_json()
    ranks = [order.index(e["status"]) for e in every]
    assert ranks == sorted(ranks)
    assert [e["is_bridging"] for e in every] == [e["status"] == "common_ground" for e in every]


def test_passes_weight_zero_is_the_same_as_dropping_them() -> None:
    conv = synthetic_conversation(300, 30, density=0.3, random_state=4)
    X = conv.matrix.X
    no_pass = X.copy()
    no_pass.data[no_pass.data == 0] = 0
    no_pass.eliminate_zeros()
    settings = BridgingSettings(pass_weight=0.0, tolerance=1e-8)
    np.testing.assert_allclose(
        bridging(X, settings=settings).score, bridging(no_pass, settings=settings).score, atol=1e-6
    )
    with_passes = bridging(X, settings=BridgingSettings(pass_weight=1.0))
    assert not np.allclose(with_passes.score, bridging(X, settings=settings).score, atol=1e-3)


def test_arguments_are_not_mutated() -> None:
    X = sp.csr_matrix(
        (np.array([1, -1, 0, 1], dtype=np.int8), np.array([1, 0, 1, 0]), np.array([0, 2, 4])),
        shape=(2, 2),
    )  # unsorted indices
    before = (X.data.copy(), X.indices.copy())
    bridging(X)
    np.testing.assert_array_equal(X.data, before[0])
    np.testing.assert_array_equal(X.indices, before[1])


@pytest.mark.parametrize(
    "bad",
    [
        {"n_factors": 0},
        {"intercept_reg": 0.0},
        {"pass_weight": 1.5},
        {"interval_level": 1.0},
        {"max_polarization": 0.0},
        {"min_side_agrees": -1},
    ],
)
def test_invalid_settings_raise(bad: dict) -> None:
    with pytest.raises(InvalidSettingError):
        BridgingSettings(**bad)


def test_invalid_votes_raise() -> None:
    with pytest.raises(InvalidVotesError):
        bridging(sp.csr_matrix(np.array([[2, 1]], dtype=np.int8)))
    with pytest.raises(InvalidVotesError):
        bridging(np.array([[1, -1]]))  # type: ignore[arg-type]
    with pytest.raises(InvalidVotesError):
        bridging(sp.csr_matrix(np.array([[1, -1]], dtype=np.int8)), group_labels=[0, 1, 2])


def test_analysis_carries_bridging_with_its_groups() -> None:
    from meedenken.engine import analyze, update

    conv = synthetic_conversation(300, 30, density=0.3, random_state=8)
    m = conv.matrix.copy()
    result = analyze(m)
    assert result.bridging is not None and result.state.bridging is result.bridging
    rows = result.bridging.to_json()
    assert len(rows) == 30
    assert set(rows[0]["group_agree"]) == {str(g) for g in result.clustering.group_ids}
    m.append([0, 1], [0, 0], [1, 1])
    updated = update(m, result)
    assert updated.bridging is result.bridging  # two votes: the live update carries the fit
    refit = bridging(m, group_labels=updated.clustering.labels, previous=result.bridging)
    assert refit.model.n_iterations < result.bridging.model.n_iterations  # warm start


def test_side_weights_balance_the_two_sides_with_a_cap() -> None:
    side = np.array([-1.0, -0.5, -0.2, -0.1, 0.3, 0.0])
    votes = np.array([10.0, 10.0, 10.0, 10.0, 10.0, 0.0])
    w = _side_weights(side, votes, cap=5.0)
    assert w[-1] == 1.0  # no side: untouched
    assert np.isclose((w * votes)[side < 0].sum(), (w * votes)[side > 0].sum())
    capped = _side_weights(side, votes, cap=2.0)
    assert capped[4] == 2.0 and np.allclose(capped[:4], 25 / 40)
    assert (_side_weights(np.array([-1.0, -2.0]), np.array([3.0, 4.0]), 5.0) == 1.0).all()


def test_side_balancing_keeps_a_large_groups_favourites_out() -> None:
    conv = synthetic_conversation(1000, 200, density=0.1, group_shares=(0.8, 0.2), random_state=1)
    balanced = bridging(conv.matrix).score
    top = np.argsort(-balanced)[:10]
    assert conv.is_bridging[top].mean() >= 0.9
    plain = bridging(conv.matrix, settings=BridgingSettings(balance_sides=False)).score
    fav = conv.kinds == "favourite"
    assert balanced[fav].mean() < plain[fav].mean()


def test_attribute_nobody_answered_gives_no_categories():
    """All participants without an answer (e.g. no roles declared yet): no cells, no crash."""
    import scipy.sparse as sp

    from meedenken.engine.breakdown import vote_breakdown

    X = sp.csr_matrix(np.array([[1, -1], [1, 1]], dtype=np.int8))
    b = vote_breakdown(X, [None, None], min_cell_size=5)
    assert b.categories == () or list(b.categories) == []


def test_a_factor_fit_made_beside_the_other_steps_gives_the_same_result() -> None:
    """The analysis fits the factor model in a thread while it maps and groups
    (engine.steps.start_factor_fit); handing that fit to bridging() must change nothing."""
    import threading

    from meedenken.engine import AnalysisSettings, analyze
    from meedenken.engine import steps as engine_steps
    from meedenken.engine.bridging import fit_factors

    m = synthetic_conversation(400, 30, density=0.4, random_state=3).matrix
    labels = np.arange(400) % 2
    alone = bridging(m, group_labels=labels, random_state=7)
    handed = bridging(m, group_labels=labels, random_state=7,
                      fitted=fit_factors(m, random_state=7))
    for field in ("score", "low", "high", "polarization", "is_bridging"):
        np.testing.assert_array_equal(getattr(alone, field), getattr(handed, field))
    assert alone.order().tolist() == handed.order().tolist()

    # and analyze() does fit it in another thread
    threads: list[str] = []
    original = engine_steps.fit_factors

    def spy(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return original(*args, **kwargs)

    engine_steps.fit_factors = spy  # type: ignore[assignment]
    try:
        result = analyze(m, AnalysisSettings(), random_state=0)
    finally:
        engine_steps.fit_factors = original
    assert result.bridging is not None
    assert len(threads) == 1 and threads[0].startswith("factor-fit")

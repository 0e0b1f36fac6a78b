import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from meedenken.engine import (
    POLIS,
    AnalysisSettings,
    InvalidSettingError,
    VoteMatrix,
    analyze,
    update,
)

from .conftest import planted

SETTINGS = [AnalysisSettings(), POLIS]


@pytest.fixture(scope="module")
def two_groups_analysed():
    """The planted two groups (conftest's ``two_groups``) and their analysis with the default
    settings, made once for the tests that only read it (an analysis takes seconds)."""
    truth, m, pref = planted()
    return truth, m, pref, analyze(m)


def _labels(result, truth):
    pids = np.array(result.participant_ids)
    mask = result.clustering.labels >= 0
    return truth[pids[mask]], result.clustering.labels[mask]


@pytest.mark.parametrize("settings", SETTINGS, ids=["default", "polis"])
def test_two_planted_groups_recovered_exactly(two_groups, two_groups_analysed, settings):
    truth, m, _ = two_groups
    r = two_groups_analysed[3] if settings == AnalysisSettings() else analyze(m, settings)
    assert r.k == 2
    t, got = _labels(r, truth)
    assert adjusted_rand_score(t, got) == 1.0
    # group 0 is the larger one (ids follow size on a cold start)
    assert np.bincount(got)[0] == 60


def test_default_finds_three_groups_where_silhouette_settles_for_two():
    truth, m, _ = planted(sizes=(50, 30, 20), n_statements=30, consistency=0.9, seed=3)
    r = analyze(m)
    assert r.k == 3
    assert adjusted_rand_score(*_labels(r, truth)) > 0.95


def test_statement_everyone_agrees_with_is_top_consensus(two_groups_analysed):
    *_, r = two_groups_analysed
    assert r.consensus_agree[0].statement_id == 0


def test_repness_picks_each_groups_own_statements(two_groups_analysed):
    truth, _, pref, r = two_groups_analysed
    for gid, reps in r.repness.items():
        members = np.array(r.participant_ids)[r.clustering.labels == gid]
        planted_group = np.bincount(truth[members]).argmax()
        for rep in reps:
            vote = 1 if rep.repful_for == "agree" else -1
            assert pref[planted_group, rep.statement_id] == vote


@pytest.mark.parametrize("settings", SETTINGS, ids=["default", "polis"])
def test_participant_order_does_not_change_groups(settings):
    _truth, m, _ = planted(seed=5)
    rows, cols, vals, _ = m.records()
    perm = np.random.default_rng(9).permutation(len(rows))
    pids = np.array(m.participant_ids)[rows][perm]
    sids = np.array(m.statement_ids)[cols][perm]
    shuffled = VoteMatrix.from_records(pids, sids, vals[perm], statement_ids=m.statement_ids)
    a, b = analyze(m, settings).groups(), analyze(shuffled, settings).groups()
    keys = sorted(a)
    assert adjusted_rand_score([a[k] for k in keys], [b[k] for k in keys]) == 1.0


@pytest.mark.parametrize("settings", SETTINGS, ids=["default", "polis"])
def test_same_seed_identical_output(settings):
    _, m, _ = planted(sizes=(40, 35, 25), seed=2)
    a, b = analyze(m, settings, random_state=7), analyze(m, settings, random_state=7)
    assert np.array_equal(a.opinion_map.coordinates, b.opinion_map.coordinates)
    assert np.array_equal(a.clustering.labels, b.clustering.labels)
    assert a.repness == b.repness
    assert np.array_equal(a.priorities, b.priorities)


def test_pca_equals_dense_column_mean_imputed_pca():
    _, m, _ = planted(density=0.5, seed=4)
    r = analyze(m)
    dense = np.full(m.X.shape, np.nan)
    rows, cols, vals, _ = m.records()
    dense[rows, cols] = vals
    filled = np.where(np.isnan(dense), np.nanmean(dense, axis=0), dense)
    centred = filled - filled.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    for i in range(2):
        assert abs(abs(vt[i] @ r.opinion_map.components[i]) - 1) < 1e-8
    assert np.allclose(r.opinion_map.center, np.nanmean(dense, axis=0))


def test_polis_projection_scaling():
    _, m, _ = planted(seed=6)
    r = analyze(m)
    om = r.opinion_map
    i = 3
    row = m.X.getrow(i)
    voted = row.indices
    expected = np.sqrt(m.n_statements / len(voted)) * (
        (row.data - om.center[voted]) @ om.components[:, voted].T
    )
    assert np.allclose(om.coordinates[i], expected)


@pytest.mark.parametrize("settings", SETTINGS, ids=["default", "polis"])
def test_update_vote_by_vote_ends_where_analyze_ends(settings):
    _truth, full, _ = planted(sizes=(30, 20), n_statements=12, seed=8)
    rows, cols, vals, _ = full.records()
    order = np.random.default_rng(1).permutation(len(rows))
    pids = np.array(full.participant_ids)[rows][order]
    sids = np.array(full.statement_ids)[cols][order]
    live = VoteMatrix.from_records(pids[:60], sids[:60], vals[order][:60], statement_ids=range(12))
    result = analyze(live, settings)
    for i in range(60, len(order), 25):  # batches keep the test fast; each is an update
        live.append(pids[i : i + 25], sids[i : i + 25], vals[order][i : i + 25])
        result = update(live, result, settings)
    final = analyze(live, settings)
    a, b = result.groups(), final.groups()
    assert set(a) == set(b)
    assert adjusted_rand_score([a[p] for p in a], [b[p] for p in a]) == 1.0


def test_group_ids_stable_across_updates():
    _truth, m, _ = planted(sizes=(50, 30, 20), n_statements=30, consistency=0.9, seed=3)
    first = analyze(m)
    m2 = m.copy()
    m2.append([1000, 1000], [0, 1], [1, -1])
    second = update(m2, first)
    a, b = first.groups(), second.groups()
    assert all(a[p] == b[p] for p in a)  # same people keep the same group ids


def test_in_conversation_rule_and_monotone():
    # p0 votes 7 times, p1 once: with fewer than 15 qualifying, p1 is added greedily
    m = VoteMatrix.from_records([0] * 7 + [1], [*list(range(7)), 0], [1] * 8)
    r = analyze(m)
    assert r.in_conversation.tolist() == [True, True]


@pytest.mark.parametrize("settings", SETTINGS, ids=["default", "polis"])
def test_in_conversation_argument_keeps_participants_in(settings):
    # 20 participants with 7+ votes fill the conversation; "late" has 2 votes and stays out by
    # the rule, but is kept in when an earlier state (e.g. a Pol.is export) says it was in.
    _truth, m, _ = planted(sizes=(10, 10), n_statements=12, consistency=0.9, seed=5)
    m.append(["late", "late"], [0, 1], [1, 1])
    late = m.participant_ids.index("late")
    by_rule = analyze(m, settings)
    assert not by_rule.in_conversation[late]
    kept = analyze(m, settings, in_conversation=["late", "nobody"])
    assert kept.in_conversation[late] and kept.clustering.labels[late] >= 0
    assert kept.in_conversation.sum() == by_rule.in_conversation.sum() + 1


@pytest.mark.parametrize("settings", SETTINGS, ids=["default", "polis"])
def test_excluded_and_meta_statements_leave_the_analysis(settings):
    _truth, m, _ = planted(seed=11)
    m.set_moderation(excluded=[1], meta=[2])
    r = analyze(m, settings)
    assert not r.opinion_map.components[:, [1, 2]].any()
    assert all(rep.statement_id not in (1, 2) for reps in r.repness.values() for rep in reps)
    assert r.priorities[2] == 49.0


@pytest.mark.parametrize(
    "records",
    [
        ([], [], []),
        (["a"], ["s"], [1]),
        (["a", "b"], ["s", "s"], [0, 0]),
        (["a", "b", "c"], ["s", "t", "s"], [1, -1, 1]),
    ],
    ids=["empty", "one-vote", "all-passes", "tiny"],
)
def test_degenerate_inputs_do_not_crash(records):
    m = VoteMatrix.from_records(*records)
    for settings in SETTINGS:
        r = analyze(m, settings)
        assert np.isfinite(r.opinion_map.coordinates).all()
        assert np.isfinite(r.priorities).all()


def test_force_k_and_setting_validation(two_groups):
    _, m, _ = two_groups
    assert analyze(m, AnalysisSettings(force_k=3)).k == 3
    with pytest.raises(InvalidSettingError, match="max_groups"):
        AnalysisSettings(max_groups=11)


def test_live_updates_carry_bridging_until_votes_grow_or_moderation_changes():
    _, m, _ = planted(seed=12)
    first = analyze(m)
    m.append([500], [1], [1])  # one vote: far below the 10% refit threshold
    second = update(m, first)
    assert second.bridging is first.bridging
    m.set_moderation(excluded=[3])  # moderation changed: refit
    third = update(m, second)
    assert third.bridging is not second.bridging
    assert not third.bridging.active[m.statement_index[3]]


def test_bridging_can_be_switched_off(two_groups):
    _, m, _ = two_groups
    assert analyze(m, AnalysisSettings(bridging=False)).bridging is None

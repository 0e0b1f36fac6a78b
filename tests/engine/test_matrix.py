import numpy as np
import pytest

from meedenken.engine import InvalidVotesError, VoteMatrix


def test_latest_vote_wins_by_time_not_order():
    m = VoteMatrix.from_records(["a", "a", "a"], [1, 1, 2], [1, -1, 0], [5.0, 3.0, 1.0])
    assert m.X.toarray().tolist() == [[1, 0]]
    assert m.X.nnz == 2  # the pass is an explicit entry
    assert m.n_votes == 2


def test_pass_is_stored_and_unseen_is_absent():
    m = VoteMatrix.from_records(["a", "b"], ["s", "t"], [0, 1])
    seen = m.seen().toarray()
    assert seen.tolist() == [[True, False], [False, True]]


def test_append_replaces_and_adds_without_rebuilding():
    m = VoteMatrix.from_records(["a", "b"], ["s", "s"], [1, -1], [0, 0])
    before = m.version
    m.append(["a", "c"], ["s", "t"], [-1, 1], [1, 1])
    assert m.participant_ids == ["a", "b", "c"]
    assert m.statement_ids == ["s", "t"]
    assert m.X.toarray().tolist() == [[-1, 0], [-1, 0], [0, 1]]
    assert m.version > before
    # an older record arriving late does not override a newer one
    m.append(["a"], ["s"], [1], [0.5])
    assert m.X[0, 0] == -1


def test_append_equals_build_from_all_records():
    rng = np.random.default_rng(1)
    p, s = rng.integers(0, 30, 400), rng.integers(0, 12, 400)
    v, t = rng.choice([-1, 0, 1], 400), rng.random(400)
    whole = VoteMatrix.from_records(p, s, v, t)
    parts = VoteMatrix.from_records(p[:100], s[:100], v[:100], t[:100])
    for i in range(100, 400, 50):
        parts.append(p[i : i + 50], s[i : i + 50], v[i : i + 50], t[i : i + 50])
    order_w = [whole.participant_index[x] for x in parts.participant_ids]
    cols_w = [whole.statement_index[x] for x in parts.statement_ids]
    assert (whole.X.toarray()[np.ix_(order_w, cols_w)] == parts.X.toarray()).all()


def test_declared_ids_and_moderation():
    m = VoteMatrix.from_records(
        ["a"], ["s2"], [1], statement_ids=["s1", "s2", "s3"], excluded=["s3"], meta=["s1"]
    )
    assert m.statement_ids == ["s1", "s2", "s3"]
    assert m.active.tolist() == [False, True, False]
    assert m.meta.tolist() == [True, False, False]


@pytest.mark.parametrize(
    ("votes", "message"), [([2], "vote must be -1, 0 or 1"), ([1, 1], "same length")]
)
def test_bad_records_raise_clear_errors(votes, message):
    with pytest.raises(InvalidVotesError, match=message):
        VoteMatrix.from_records(["a"], ["s"], votes)


def test_copy_is_independent():
    m = VoteMatrix.from_records(["a"], ["s"], [1])
    c = m.copy()
    c.append(["b"], ["s"], [-1])
    assert m.n_participants == 1 and c.n_participants == 2


def test_small_appends_take_the_in_place_path_and_match_a_rebuild():
    rng = np.random.default_rng(3)
    p, s = rng.integers(0, 300, 6000), rng.integers(0, 40, 6000)
    v, t = rng.choice([-1, 0, 1], 6000), rng.random(6000)
    whole = VoteMatrix.from_records(p, s, v, t)
    live = VoteMatrix.from_records(p[:5000], s[:5000], v[:5000], t[:5000])
    for i in range(5000, 6000, 20):  # 20 new votes on ~4,000 stored: the small path
        live.append(p[i : i + 20], s[i : i + 20], v[i : i + 20], t[i : i + 20])
        assert live.X.has_sorted_indices
    rows = [whole.participant_index[x] for x in live.participant_ids]
    cols = [whole.statement_index[x] for x in live.statement_ids]
    assert (whole.X.toarray()[np.ix_(rows, cols)] == live.X.toarray()).all()
    assert live.n_votes == whole.n_votes

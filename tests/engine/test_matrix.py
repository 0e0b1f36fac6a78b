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


# ------------------------------------------------------------ the vectorised build vs a reference
def _reference(participants, statements, votes, times, statement_ids=(), participant_ids=()):
    """The matrix a plain Python loop builds: rows and columns in order of first appearance
    (declared ids first), each cell's latest vote by time, the later record on equal times."""
    rows = list(dict.fromkeys([*participant_ids, *participants]))
    cols = list(dict.fromkeys([*statement_ids, *statements]))
    latest: dict[tuple, tuple[float, int, int]] = {}
    for i, cell in enumerate(zip(participants, statements, strict=True)):
        if cell not in latest or (times[i], i) >= latest[cell][:2]:
            latest[cell] = (times[i], i, votes[i])
    dense = np.full((len(rows), len(cols)), 9, dtype=np.int8)  # 9: unseen
    when = np.full((len(rows), len(cols)), np.nan)
    for (p, s), (t, _, v) in latest.items():
        dense[rows.index(p), cols.index(s)] = v
        when[rows.index(p), cols.index(s)] = t
    return rows, cols, dense, when


def _as_dense(m: VoteMatrix) -> tuple[np.ndarray, np.ndarray]:
    dense = np.full(m.X.shape, 9, dtype=np.int8)
    when = np.full(m.X.shape, np.nan)
    rows, cols, values, times = m.records()
    dense[rows, cols] = values
    when[rows, cols] = times
    return dense, when


@pytest.mark.parametrize("kind", ["small ints", "large ints", "negative ints", "strings"])
@pytest.mark.parametrize("seed", range(4))
def test_build_equals_a_plain_loop(kind, seed):
    """Re-votes (later by time wins, later record on equal times, an older record arriving
    late loses), declared statements without votes, votes on undeclared statements, declared
    participants who never voted: the same ids in the same order and the same votes."""
    rng = np.random.default_rng(seed)
    n = 600
    p = rng.integers(0, 40, n)
    s = rng.integers(0, 15, n)
    ids = {
        "small ints": lambda a: a.tolist(),
        "large ints": lambda a: (a * 10**12 + 7).tolist(),  # beyond the id table: sorted path
        "negative ints": lambda a: (-a).tolist(),
        "strings": lambda a: [f"id{x}" for x in a.tolist()],
    }[kind]
    participants, statements = ids(p), ids(s)
    votes = rng.choice([-1, 0, 1], n).tolist()
    times = rng.integers(0, 50, n).astype(float).tolist()  # many equal times
    declared = ids(np.array([20, 3, 99, 5]))  # 99: no votes; 20, 3, 5 also voted on
    people = ids(np.array([77, 1]))  # 77 never voted
    m = VoteMatrix.from_records(participants, statements, votes, times,
                                statement_ids=declared, participant_ids=people)
    rows, cols, dense, when = _reference(participants, statements, votes, times, declared,
                                         people)
    assert m.participant_ids == rows and m.statement_ids == cols
    assert [type(x) for x in m.participant_ids] == [type(x) for x in rows]
    got, got_when = _as_dense(m)
    assert (got == dense).all()
    assert np.array_equal(got_when, when, equal_nan=True)
    assert m.X.has_sorted_indices and m.X.dtype == np.int8
    # Numpy arrays in, as PolisExport.to_matrix passes them: the same matrix.
    if kind != "strings":
        again = VoteMatrix.from_records(np.asarray(participants), np.asarray(statements),
                                        np.asarray(votes), np.asarray(times),
                                        statement_ids=declared, participant_ids=people)
        assert again.participant_ids == rows and again.statement_ids == cols
        assert (again.X != m.X).nnz == 0


def test_latest_per_cell_without_packing_agrees():
    """Cells too large to pack with the record number take the argsort path: same records."""
    from meedenken.engine.matrix import _latest_per_cell

    rng = np.random.default_rng(5)
    cells = rng.integers(0, 30, 500)
    times = rng.integers(0, 5, 500).astype(float)
    packed = _latest_per_cell(cells, times)
    huge = _latest_per_cell(cells * 2**55, times)  # (max + 1) * n overflows int64
    assert packed.tolist() == huge.tolist()
    assert len(packed) == len(np.unique(cells))


def test_id_table_agrees_with_numpy_unique():
    from meedenken.engine.matrix import _unique

    rng = np.random.default_rng(2)
    for ids in (rng.integers(0, 50, 1000), rng.integers(0, 2**40, 1000), np.array([3, 3, 0])):
        for got, want in zip(_unique(ids), np.unique(ids, return_index=True,
                                                     return_inverse=True), strict=True):
            assert got.tolist() == want.reshape(-1).tolist()

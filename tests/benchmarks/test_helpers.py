"""The benchmark helpers compute what they claim (no timings here: those live in benchmarks/)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from benchmarks.common import (
    adjusted_rand,
    latest_per_cell,
    lowest_group_bound,
    markdown_table,
    write_section,
)
from benchmarks.quality import paired_difference, predict_agree
from benchmarks.speed_report import END, START
from benchmarks.synthetic_scale import matrix_from_csr, planted, resample


def test_predict_agree_uses_group_rate_with_pseudo_counts():
    # Group 0 ("a", "b") votes on s1: agree, agree, pass -> (2 + 1) / (3 + 2) = 0.6.
    train = (np.array(["a", "a", "b", "c"]), np.array(["s1", "s1", "s1", "s1"]),
             np.array([1, 1, 0, -1]))
    groups = {"a": 0, "b": 0, "c": 1}
    p = predict_agree(groups, train, (np.array(["b", "c", "z"]), np.array(["s1", "s1", "s1"])))
    # c's group: 0 agrees of 1 vote -> 1/3; z has no group: overall 2 agrees of 4 -> 3/6.
    assert p.tolist() == pytest.approx([0.6, 1 / 3, 0.5])


def test_paired_difference_mean_and_normal_interval():
    ours, other = np.array([0.5, 0.7, 0.2, 0.6]), np.array([0.6, 0.6, 0.4, 0.6])
    # Differences -0.1, 0.1, -0.2, 0.0: mean -0.05, sample sd 0.1291, n = 4.
    mean, lo, hi = paired_difference(ours, other)
    half = 1.959964 * np.std([-0.1, 0.1, -0.2, 0.0], ddof=1) / 2.0
    assert mean == pytest.approx(-0.05)
    assert (lo, hi) == pytest.approx((-0.05 - half, -0.05 + half))
    assert np.isnan(paired_difference(np.array([1.0]), np.array([0.5]))[1])


def test_lowest_group_bound_is_the_weakest_groups_wilson_bound():
    # Statement 0: group 0 agrees 2 of 2, group 1 1 of 2 (a pass does not count as a side);
    # statement 1: group 0 agrees 2 of 2, group 1 took no side -> 0.
    X = sp.csr_matrix(np.array([[1, 1], [1, 1], [1, 0], [-1, 0]]))
    z = 1.96
    # Wilson lower bound of 1 agree in 2 sides, written out.
    n, p = 2, 0.5
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    one_of_two = (p + z * z / (2 * n) - half) / (1 + z * z / n)
    assert lowest_group_bound(X, np.array([0, 0, 1, 1]), z).tolist() == pytest.approx(
        [one_of_two, 0.0])
    # One group of everyone: 3 agrees of 4 sides and 2 of 2.
    assert lowest_group_bound(X, np.zeros(4, dtype=int), z).round(3).tolist() == [0.301, 0.342]


def test_adjusted_rand_counts_ungrouped_as_own_group():
    ref = {1: 0, 2: 0, 3: 1, 4: 1}
    assert adjusted_rand(ref, {1: 5, 2: 5, 3: 7, 4: 7}) == pytest.approx(1.0)
    assert adjusted_rand(ref, {1: 5, 2: 5, 3: 7}) < 1.0


def test_latest_per_cell_keeps_latest_vote():
    p, _, v, _ = latest_per_cell(np.array([1, 1, 2]), np.array([9, 9, 9]), np.array([1, -1, 0]),
                                 np.array([5.0, 3.0, 1.0]))
    assert sorted(zip(p.tolist(), v.tolist(), strict=True)) == [(1, 1), (2, 0)]


def test_resample_shape_noise_and_values():
    rng = np.random.default_rng(1)
    X = sp.random(200, 30, density=0.5, format="csr", random_state=1, dtype=np.float64)
    X.data = rng.integers(-1, 2, X.nnz).astype(np.int8)
    X = X.astype(np.int8)
    Y = resample(X, 1000, drop=0.1, flip=0.0, random_state=0)
    assert Y.shape == (1000, 30)
    assert set(np.unique(Y.data).tolist()) <= {-1, 0, 1}
    per_row = X.nnz / X.shape[0]
    assert 0.85 * per_row < Y.nnz / 1000 < 0.95 * per_row  # about 10% dropped
    flipped = resample(X, 1000, drop=0.0, flip=1.0, random_state=0)
    same = resample(X, 1000, drop=0.0, flip=0.0, random_state=0)
    assert np.all(flipped.data != same.data)  # every vote moved to another value


def test_planted_is_sized_and_has_distinct_cells():
    X, groups = planted(3_000, 40, 30_000, random_state=0, chunk_rows=1_000)
    assert X.shape == (3_000, 40) and len(groups) == 3_000
    assert 0.8 * 30_000 < X.nnz < 1.2 * 30_000
    assert X.has_canonical_format  # sorted, no duplicate (participant, statement) cells
    # Planted groups differ: group agree rates on some statement are far apart.
    agrees = (X == 1).astype(float)
    seen = X.copy()
    seen.data[:] = 1
    rates = np.array([np.asarray(agrees[groups == g].sum(axis=0)).ravel()
                      / np.asarray(seen[groups == g].sum(axis=0)).ravel()
                      for g in np.unique(groups)])
    assert np.max(rates.max(axis=0) - rates.min(axis=0)) > 0.3
    m = matrix_from_csr(X)
    assert m.n_votes == X.nnz and m.participant_ids[:3] == [0, 1, 2]


def test_write_section_replaces_only_its_own_section(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text("# Results\n\nother helper's section\n")
    write_section(START, END, "first body", path=path)
    path.write_text(path.read_text() + "\nsection after ours\n")
    write_section(START, END, "second body", path=path)
    text = path.read_text()
    assert "other helper's section" in text and "section after ours" in text
    assert text.count(START) == 1 and text.count(END) == 1
    assert "second body" in text and "first body" not in text
    assert text.index("second body") < text.index("section after ours")  # replaced in place


def test_markdown_table():
    assert markdown_table(["a", "b"], [(1, 0.5)]).splitlines()[-1] == "| 1 | 0.500 |"


def test_load_export_restores_meta_only_where_the_flag_was_lost():
    from benchmarks.common import data_dir, load_export

    if not (data_dir() / "london.youth.policing").is_dir():
        pytest.skip("shared Pol.is exports not available")
    plain = load_export("london.youth.policing")
    restored = load_export("london.youth.policing", restore_meta=True)
    assert plain.restored_meta == () and plain.meta == ()
    assert restored.restored_meta == (1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)
    m = restored.to_matrix()
    meta = {s for s, f in zip(m.statement_ids, m.meta, strict=True) if f}
    assert meta == set(restored.restored_meta)
    assert (m.X != plain.to_matrix().X).nnz == 0  # same votes, only the flags differ
    # bg2050 keeps its is-meta column: nothing is added to it.
    assert load_export("bg2050-volunteers", restore_meta=True).restored_meta == ()

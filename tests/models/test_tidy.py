"""Tidy exports: table contents agree with the matrix and the analysis, CSV and Parquet read
back with plain pandas equal to the source, formula-like CSV cells are neutralised."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from meedenken.api.present.tidy import (
    TABLES,
    neutralise,
    read_tables,
    restore,
    tidy_tables,
    write_tables,
)
from meedenken.engine import AnalysisSettings, VoteMatrix, analyze

DANGEROUS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+31 6 1234", "-5 euro", "@SUM(A1)",
             "\tTab", "'already quoted", "<b>bold</b> & \"quotes\", commas", ""]


def _conversation(seed: int = 0) -> tuple[VoteMatrix, dict[int, str]]:
    rng = np.random.default_rng(seed)
    n_p, n_s = 40, 10
    truth = np.repeat([0, 1], n_p // 2)
    pref = rng.choice([-1, 1], size=(2, n_s))
    pref[1] = -pref[0]
    pref[:, 0] = 1
    p, s = np.nonzero(rng.random((n_p, n_s)) < 0.85)
    votes = pref[truth[p], s] * np.where(rng.random(len(p)) < 0.9, 1, -1)
    votes[rng.random(len(p)) < 0.1] = 0
    times = 1_700_000_000 + rng.random(len(p)) * 86_400
    matrix = VoteMatrix.from_records(p.tolist(), s.tolist(), votes, times, excluded=[9])
    texts = {i: DANGEROUS[i] if i < len(DANGEROUS) else f"statement {i}" for i in range(n_s)}
    return matrix, texts


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    matrix, texts = _conversation()
    result = analyze(matrix, random_state=0)
    polis = {pid: int(pid) % 2 for pid in matrix.participant_ids if pid != 3}
    return tidy_tables(matrix, result, texts=texts, polis_groups=polis)


def test_contents_match_matrix_and_result() -> None:
    matrix, texts = _conversation()
    result = analyze(matrix, random_state=0)
    t = tidy_tables(matrix, result, texts=texts)
    assert list(t) == [*TABLES, "bridging"]  # bridging: the analysis fitted it
    votes = t["votes"]
    assert len(votes) == matrix.n_votes
    dense = matrix.X.toarray()
    rows = votes["participant_id"].map(matrix.participant_index).to_numpy()
    cols = votes["statement_id"].map(matrix.statement_index).to_numpy()
    assert (votes["vote"].to_numpy() == dense[rows, cols]).all()
    assert votes["timestamp"].notna().all()
    st = t["statements"].set_index("statement_id")
    assert st.loc[9, "excluded"] and not st.loc[0, "excluded"]
    assert [st.loc[i, "text"] for i in range(10)] == [texts[i] for i in range(10)]
    assert st["n_votes"].sum() == matrix.n_votes
    assert (st["n_agree"] + st["n_disagree"] + st["n_pass"] == st["n_votes"]).all()
    part = t["participants"].set_index("participant_id")
    groups = result.groups()
    assert {p: g for p, g in part["group_id"].items() if g >= 0} == groups
    assert (part["n_votes"].to_numpy() == matrix.votes_per_participant()).all()
    np.testing.assert_array_equal(part[["x", "y"]].to_numpy(), result.opinion_map.coordinates)
    assert t["groups"]["n_participants"].sum() == len(groups)
    gv = t["group_votes"]
    assert len(gv) == result.k * matrix.n_statements
    assert (gv["agree_low"] <= gv["agree_rate"].fillna(0.5) + 1e-12).all()
    rep = t["repness"]
    assert len(rep) == sum(len(v) for v in result.repness.values())
    assert ((rep["low"] <= rep["share"]) & (rep["share"] <= rep["high"])).all()
    cons = t["consensus"]
    assert len(cons) == len(result.consensus_agree) + len(result.consensus_disagree)
    gic = t["group_informed_consensus"]
    assert 9 not in gic["statement_id"].tolist()  # moderated out
    assert gic["group_informed_consensus"].is_monotonic_decreasing
    bridging = t["bridging"]
    assert result.bridging is not None
    order = result.bridging.listed_order()  # the list every answer shows, not the MF order
    assert bridging["statement_id"].tolist() == [matrix.statement_ids[j] for j in order]
    np.testing.assert_array_equal(bridging["score"], result.bridging.score[order])
    assert bridging["rank"].tolist() == list(range(1, len(order) + 1))
    assert 9 not in bridging["statement_id"].tolist()  # moderated out: not scored


def test_no_bridging_table_without_bridging() -> None:
    matrix, texts = _conversation()
    result = analyze(matrix, AnalysisSettings(bridging=False), random_state=0)
    assert list(tidy_tables(matrix, result, texts=texts)) == list(TABLES)



def test_polis_group_column(tables: dict[str, pd.DataFrame]) -> None:
    part = tables["participants"].set_index("participant_id")
    assert part.loc[3, "polis_group_id"] == -1
    assert part.loc[4, "polis_group_id"] == 0 and part.loc[5, "polis_group_id"] == 1


def test_parquet_reads_back_equal_with_plain_pandas(tables, tmp_path: Path) -> None:
    write_tables(tables, tmp_path, formats=["parquet"])
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / f"{name}.parquet"), frame,
                                      check_exact=True)


def test_csv_reads_back_with_plain_pandas(tables, tmp_path: Path) -> None:
    write_tables(tables, tmp_path, formats=["csv"])
    for name, frame in tables.items():
        back = pd.read_csv(tmp_path / f"{name}.csv")
        assert list(back.columns) == list(frame.columns), name
        assert len(back) == len(frame), name
        for column in frame.columns:
            if pd.api.types.is_numeric_dtype(frame[column]):
                np.testing.assert_allclose(back[column].to_numpy(float),
                                           frame[column].to_numpy(float), rtol=0,
                                           err_msg=f"{name}.{column}")
    # Every text exactly, through the reader that undoes neutralising.
    exact = read_tables(tmp_path, "csv")
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(exact[name], frame, check_dtype=False, check_exact=True)
        for column in frame.columns:
            assert exact[name][column].dtype.kind == frame[column].dtype.kind or \
                frame[column].dtype.kind == "i", (name, column)


def test_csv_neutralises_formulas(tables, tmp_path: Path) -> None:
    write_tables(tables, tmp_path, formats=["csv"])
    with open(tmp_path / "statements.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert not row["text"].startswith(("=", "+", "-", "@", "\t", "\r")), row["text"]
    texts = [row["text"] for row in rows]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in texts
    assert "'-5 euro" in texts and "''already quoted" in texts
    # numbers stay numbers: votes of -1 are written as -1, not '-1
    votes = (tmp_path / "votes.csv").read_text(encoding="utf-8")
    assert ",-1," in votes and "'-1" not in votes


@pytest.mark.parametrize("text", [*DANGEROUS, "plain", "'", "''", "=", 5, None])
def test_neutralise_round_trip(text: object) -> None:
    assert restore(neutralise(text)) == text


def test_write_rejects_unknown_format(tables, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="xlsx"):
        write_tables(tables, tmp_path, formats=["xlsx"])


def test_result_must_match_matrix() -> None:
    matrix, _ = _conversation()
    other, _ = _conversation(seed=1)
    other.add_statements(["extra"])
    with pytest.raises(ValueError, match="ids differ"):
        tidy_tables(other, analyze(matrix))

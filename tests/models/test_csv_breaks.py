"""Issue 18, item 4: CSV through a bare CR. Every CSV the project writes quotes fields holding
CR or LF and neutralises formulas after any line break; the export round-trips through
meedenken's own reader for any text (hypothesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from meedenken.api.present.tidy import read_tables, write_tables
from meedenken.models._polis_write import neutralise_formula
from meedenken.models.polis_export import Comment, PolisExport, read_export, write_export

ATTACK = "resident\r=cmd|' /C calc'!A0"

#: Text made of the characters that break CSV or start formulas, and a few ordinary ones.
TRICKY = st.text(alphabet=st.sampled_from(list("\r\n\",'=+-@\t aZé;|")), max_size=12)


def _export(texts: list[str], xids: tuple[str, ...], description: str) -> PolisExport:
    comments = tuple(Comment(i + 1, text, moderated=1) for i, text in enumerate(texts))
    voters = list(range(10, 10 + len(xids)))
    return PolisExport(
        voter_ids=voters, comment_ids=[1] * len(voters), votes=[1] * len(voters),
        timestamps=[1.0] * len(voters), comments=comments,
        summary={"topic": "Zorg", "conversation-description": description},
        participant_ids=voters, group_ids=[-1] * len(voters), xids=xids)


def test_bare_cr_xid_stays_in_one_row(tmp_path: Path) -> None:
    """The attack of the issue: before, the row split at the CR and a new row began with the
    formula; reading the export back failed ("Expected 8 columns, got 2")."""
    export = _export(["Meer zorg"], ("gewoon", ATTACK), "regel een\rregel twee")
    back = read_export(write_export(export, tmp_path / "export"))
    assert back.xids == ("gewoon", neutralise_formula(ATTACK))
    assert back.summary["conversation-description"] == "regel een\rregel twee"
    raw = (tmp_path / "export" / "participants-votes.csv").read_bytes()
    assert b'"resident\r\'=cmd' in raw  # quoted, and the formula after the CR neutralised
    for name in ("participants-votes.csv", "summary.csv", "comments.csv"):
        lines = (tmp_path / "export" / name).read_bytes().split(b"\n")
        assert not any(line.startswith((b"=", b"+", b"-", b"@")) for line in lines), name


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(TRICKY, min_size=1, max_size=3),
       xids=st.lists(TRICKY.filter(bool), min_size=1, max_size=3, unique=True),
       description=TRICKY)
def test_export_round_trips_any_text(texts: list[str], xids: list[str], description: str) -> None:
    """write -> read_export -> the same data (text cells with their formula neutralised)."""
    export = _export(texts, tuple(xids), description)
    with tempfile.TemporaryDirectory() as folder:
        back = read_export(write_export(export, Path(folder) / "export.zip"))
    assert [c.text for c in back.comments] == [neutralise_formula(t) for t in texts]
    assert back.xids == tuple(neutralise_formula(x) for x in xids)
    assert back.summary["conversation-description"] == neutralise_formula(description)
    assert back.participant_ids.tolist() == export.participant_ids.tolist()


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(TRICKY.filter(bool), min_size=1, max_size=4))
def test_tidy_csv_round_trips_any_text(texts: list[str]) -> None:
    """The tidy tables' CSV: write -> read_tables -> the same texts, and no line of the file
    starts with a formula character. (A blank cell reads back as missing, by design.)"""
    frame = pd.DataFrame({"statement_id": range(len(texts)), "text": texts})
    with tempfile.TemporaryDirectory() as folder:
        write_tables({"statements": frame}, folder, formats=("csv",))
        raw = (Path(folder) / "statements.csv").read_bytes()
        back = read_tables(folder, "csv")["statements"]
    assert back["text"].tolist() == texts
    for line in raw.replace(b"\r", b"\n").split(b"\n"):
        assert not line.startswith((b"=", b"+", b"-", b"@"))

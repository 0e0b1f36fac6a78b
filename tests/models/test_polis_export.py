"""Reading and writing Pol.is exports: golden counts on the shared exports, hand-built cases,
round trips, and one clear error per kind of broken input."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from meedenken.models.polis_export import (
    Comment,
    ExportError,
    PolisExport,
    read_export,
    write_export,
)
from tests._polis_data import (
    DATA,
    README_TABLE,
    copy_export,
    needs_data,
    replace_in_line,
    truncate,
)

WITH_XID = {"austria-climate.5twd2jsnkf.2022-08-08", "bg2050-volunteers", "london.youth.policing"}
SMALL = "brexit-consensus"

pytestmark = needs_data


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _same(a: PolisExport, b: PolisExport) -> None:
    for name in ("voter_ids", "comment_ids", "votes", "timestamps", "participant_ids", "group_ids"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.comments == b.comments
    assert list(a.summary.items()) == list(b.summary.items())
    assert a.xids == b.xids


# ---------------------------------------------------------------------- golden: shared exports
@pytest.mark.parametrize("name", sorted(README_TABLE))
def test_shared_exports_match_readme(name: str) -> None:
    participants, comments, votes, groups = README_TABLE[name]
    export = read_export(DATA / name)
    assert export.n_participants == participants
    assert len(export.comments) == comments
    assert export.n_votes == votes
    assert int(export.summary["groups"]) == groups
    assert len(set(export.polis_groups().values())) == groups
    assert (export.xids is not None) == (name in WITH_XID)
    matrix = export.to_matrix()
    assert (matrix.n_participants, matrix.n_statements, matrix.n_votes) == (
        participants,
        comments,
        votes,
    )
    assert matrix.statement_ids == sorted(c.comment_id for c in export.comments)
    rejected = {c.comment_id for c in export.comments if c.moderated == -1}
    assert {s for s, x in zip(matrix.statement_ids, matrix.excluded, strict=True) if x} == rejected


def test_bowling_green_is_rebuilt_from_participants_votes() -> None:
    name = "american-assembly.bowling-green"
    assert not (DATA / name / "votes.csv").exists()
    export = read_export(DATA / name)
    assert export.n_records == export.n_votes == 225_524  # final votes only, no history
    assert not export.timestamps.any()  # unknown times are 0
    # Participant 0's first cells in the file: -1,-1,1,1 on comments 0..3.
    first = export.voter_ids == 0
    assert export.comment_ids[first][:4].tolist() == [0, 1, 2, 3]
    assert export.votes[first][:4].tolist() == [-1, -1, 1, 1]


@pytest.mark.parametrize(
    "name",
    ["15-per-hour-seattle", "london.youth.policing", "scoop-hivemind.ubi", "bg2050-volunteers"],
)
def test_votes_csv_and_participants_votes_agree(name: str, tmp_path: Path) -> None:
    """The latest vote per cell in votes.csv is the cell of participants-votes.csv."""
    full = read_export(DATA / name)
    rebuilt = read_export(copy_export(name, tmp_path, without=("votes.csv",)))
    assert full.n_records > full.n_votes  # votes.csv keeps re-votes
    for a, b in zip(full.final_votes(), rebuilt.final_votes(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(full.group_ids, rebuilt.group_ids)


def test_meta_and_seed_flags_are_read() -> None:
    export = read_export(DATA / "bg2050-volunteers")
    meta = [c.comment_id for c in export.comments if c.is_meta]
    assert len(meta) == 1
    assert sum(c.is_seed for c in export.comments) > 0
    matrix = export.to_matrix()
    assert matrix.meta.sum() == 1 and matrix.meta[matrix.statement_index[meta[0]]]


def test_to_matrix_can_keep_moderated_comments() -> None:
    export = read_export(DATA / "15-per-hour-seattle")
    assert export.to_matrix().excluded.sum() == 23
    assert export.to_matrix(exclude_moderated=False).excluded.sum() == 0


# ---------------------------------------------------------------------- hand-built exports
VOTES = """timestamp,datetime,comment-id,voter-id,vote
1000,x,0,7,1
2000,x,1,7,-1
1500,x,0,3,0
3000,x,0,7,-1
2500,x,1,3,1
"""
COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    '10,x,1,3,1,1,1,"Two lines,\nwith ""quotes"""\n'
    "20,x,0,7,0,1,-1,First\n"
)


def test_hand_built_export(tmp_path: Path) -> None:
    export = read_export(_write(tmp_path, {"votes.csv": VOTES, "comments.csv": COMMENTS}))
    assert export.n_records == 5 and export.n_votes == 4
    assert export.timestamps.tolist() == [1.0, 2.0, 1.5, 3.0, 2.5]  # milliseconds -> seconds
    assert export.participant_ids.tolist() == [7, 3]  # order of first vote
    assert export.group_ids.tolist() == [-1, -1] and export.xids is None and export.summary == {}
    assert export.comments[1] == Comment(
        comment_id=1,
        text='Two lines,\nwith "quotes"',
        author_id=3,
        agrees=1,
        disagrees=1,
        moderated=1,
        timestamp=0.01,
    )
    matrix = export.to_matrix()
    assert matrix.participant_ids == [7, 3] and matrix.statement_ids == [0, 1]
    # Latest vote wins: participant 7 changed their mind on comment 0.
    assert matrix.X.toarray().tolist() == [[-1, -1], [0, 1]]
    assert matrix.excluded.tolist() == [True, False]


def test_missing_optional_columns_get_defaults(tmp_path: Path) -> None:
    folder = _write(
        tmp_path,
        {
            "votes.csv": "comment-id,voter-id,vote\n0,1,1\n0,2,1\n0,3,-1\n1,1,0\n0,1,-1\n",
            "comments.csv": "comment-id,comment-body\n0,a\n1,\n",
        },
    )
    export = read_export(folder)
    assert not export.timestamps.any()
    first, second = export.comments
    # Counts come from the final votes (participant 1 switched to disagree).
    assert (first.agrees, first.disagrees) == (1, 2)
    assert (second.agrees, second.disagrees, second.text) == (0, 0, "")
    assert (first.author_id, first.moderated, first.is_meta, first.is_seed) == (-1, 0, False, False)
    assert export.to_matrix().X.toarray()[0].tolist() == [-1, 0]  # record order breaks ties


def test_new_server_file_name_and_zip_in_a_folder(tmp_path: Path) -> None:
    src = copy_export(SMALL, tmp_path / "src", without=("votes.csv",))
    (src / "participants-votes.csv").rename(src / "participant-votes.csv")
    assert read_export(src).n_votes == README_TABLE[SMALL][2]
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in src.iterdir():
            zf.write(f, f"brexit/{f.name}")
    assert read_export(archive).n_votes == README_TABLE[SMALL][2]


def test_export_is_immutable() -> None:
    export = PolisExport([1, 2], [0, 0], [1, -1], [0.0, 0.0])
    with pytest.raises(ValueError, match="read-only"):
        export.votes[0] = 0
    with pytest.raises(AttributeError):
        export.votes = np.zeros(2)  # type: ignore[misc]
    with pytest.raises(ValueError, match="-1, 0 or 1"):
        PolisExport([1], [0], [2], [0.0])


# ---------------------------------------------------------------------- round trips
@pytest.mark.parametrize("name", ["bg2050-volunteers", "london.youth.policing", SMALL])
@pytest.mark.parametrize("suffix", ["", ".zip"])
def test_round_trip_shared(name: str, suffix: str, tmp_path: Path) -> None:
    export = read_export(DATA / name)
    dest = write_export(export, tmp_path / f"out{suffix}")
    _same(export, read_export(dest))


def test_round_trip_rebuilt_export(tmp_path: Path) -> None:
    export = read_export(copy_export(SMALL, tmp_path / "src", without=("votes.csv",)))
    again = read_export(write_export(export, tmp_path / "out"))
    _same(export, again)
    assert (tmp_path / "out" / "votes.csv").read_text().splitlines()[1].startswith("0,,")


def test_round_trip_hand_built(tmp_path: Path) -> None:
    comments = (
        Comment(
            5,
            'commas, "quotes"\nand lines',
            author_id=9,
            agrees=1,
            moderated=1,
            is_seed=True,
            timestamp=1_700_000_000.123,
        ),
        Comment(2, "NA", is_meta=True),  # text that pandas would read as missing by default
        Comment(3, ""),
    )
    export = PolisExport(
        voter_ids=[9, 9, 4, 11, 4],
        comment_ids=[5, 5, 2, 3, 7],
        votes=[0, 1, -1, 1, 0],
        timestamps=[1.5, 2.25, 0.0, 1_700_000_000.001, 3.0],
        comments=comments,
        summary={"topic": "Zorg, dichtbij", "conversation-description": "twee\nregels"},
        participant_ids=[4, 9, 20],
        group_ids=[1, -1, 0],
        xids=("a,b", "", "c"),
    )
    assert export.participant_ids.tolist() == [4, 9, 20, 11]  # other voters appended
    assert export.xids == ("a,b", "", "c", "")
    for dest in (tmp_path / "folder", tmp_path / "out.zip"):
        _same(export, read_export(write_export(export, dest)))
    header = (tmp_path / "folder" / "participants-votes.csv").read_text().splitlines()[0]
    # Comments in id order, then the voted-on id 7 that comments.csv lacks.
    assert header == ("participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,2,3,5,7")
    row = (tmp_path / "folder" / "participants-votes.csv").read_text().splitlines()[2]
    assert row == "9,,,1,1,1,0,,,1,"  # final vote of 9 on 5 is the later agree


def test_sub_millisecond_times_round_trip_closely(tmp_path: Path) -> None:
    export = PolisExport([1, 2], [0, 0], [1, 1], [1.0000001, 2.5e-4], comments=(Comment(0, "a"),))
    back = read_export(write_export(export, tmp_path / "x"))
    np.testing.assert_allclose(back.timestamps, export.timestamps, rtol=1e-15, atol=0)


# ---------------------------------------------------------------------- errors


BREAKERS = {
    "missing folder": (lambda d: shutil.rmtree(d), "", "no such folder"),
    "no votes at all": (
        lambda d: [(d / f).unlink() for f in ("votes.csv", "participants-votes.csv")],
        "",
        "neither votes.csv nor participants-votes.csv",
    ),
    "no comments": (lambda d: (d / "comments.csv").unlink(), "", "comments.csv not found"),
    "truncated votes": (lambda d: truncate(d / "votes.csv", 2000), "votes.csv", "truncated CSV"),
    "empty votes": (lambda d: (d / "votes.csv").write_text(""), "votes.csv", "file is empty"),
    "extra field": (
        lambda d: (d / "votes.csv").open("a").write("1,x,0,1,1,9\n"),
        "votes.csv",
        "Expected 5 columns, got 6",
    ),
    "missing vote column": (
        lambda d: (d / "votes.csv").write_text("timestamp,voter-id\n1,2\n"),
        "votes.csv",
        "missing column(s) comment-id, vote",
    ),
    "vote 2": (
        lambda d: replace_in_line(d / "votes.csv", 3, ",0,2,-1", ",0,2,2"),
        "votes.csv",
        "data row 3: unknown value 2 in 'vote'",
    ),
    "non-numeric voter": (
        lambda d: replace_in_line(d / "votes.csv", 3, ",0,2,-1", ",0,abc,-1"),
        "votes.csv",
        "'voter-id' is not a number: 'abc'",
    ),
    "fractional comment id": (
        lambda d: replace_in_line(d / "votes.csv", 3, ",0,2,", ",0.5,2,"),
        "votes.csv",
        "'comment-id' is not a whole number",
    ),
    "truncated comments": (
        lambda d: truncate(d / "comments.csv", 400),
        "comments.csv",
        "does not end with a line break",
    ),
    "unclosed quote in comments": (
        lambda d: (d / "comments.csv").write_text('comment-id,comment-body\n1,"open\n2,b\n'),
        "comments.csv",
        "EOF inside string",
    ),
    "comments cut inside a text": (
        lambda d: truncate(d / "comments.csv", len((d / "comments.csv").read_bytes()) - 10),
        "comments.csv",
        "does not end with a line break",
    ),
    "comments without body": (
        lambda d: (d / "comments.csv").write_text("comment-id\n1\n"),
        "comments.csv",
        "missing column(s) comment-body",
    ),
    "moderated 5": (
        lambda d: replace_in_line(d / "comments.csv", 1, ",38,7,1,", ",38,7,5,"),
        "comments.csv",
        "unknown value 5 in 'moderated'",
    ),
    "duplicate comment": (
        lambda d: (d / "comments.csv").write_text("comment-id,comment-body\n1,a\n1,b\n"),
        "comments.csv",
        "more than one row",
    ),
    "malformed summary": (
        lambda d: (d / "summary.csv").write_text("topic,a,b\n"),
        "summary.csv",
        "row 1 has 3 fields",
    ),
    "not UTF-8": (
        lambda d: (d / "comments.csv").write_bytes(b"comment-id,comment-body\n1,\xff\n"),
        "comments.csv",
        "not UTF-8",
    ),
}
PV_BREAKERS = {
    "unknown layout": (
        lambda d: replace_in_line(d / "participants-votes.csv", 0, "group-id", "cluster"),
        "unknown column layout",
    ),
    "non-numeric comment column": (
        lambda d: replace_in_line(d / "participants-votes.csv", 0, ",49", ",comment49"),
        "column 'comment49' after n-disagree is not a comment id",
    ),
    "pv vote 2": (
        lambda d: replace_in_line(d / "participants-votes.csv", 2, ",18,8,9,-1,", ",18,8,9,2,"),
        "unknown vote value 2 in column 0",
    ),
    "pv non-numeric participant": (
        lambda d: replace_in_line(d / "participants-votes.csv", 2, "1,1,0,18,", "p1,1,0,18,"),
        "'participant' is not a number: 'p1'",
    ),
    "pv truncated": (lambda d: truncate(d / "participants-votes.csv", 3000), "truncated CSV"),
    "pv count mismatch": (
        lambda d: replace_in_line(d / "participants-votes.csv", 2, ",18,8,9,", ",19,8,9,"),
        "n-votes is 19 but the row holds 18",
    ),
}


def _assert_one_line(error: ExportError, file: str, text: str) -> None:
    message = str(error)
    assert "\n" not in message
    assert file in message and text in message, message


@pytest.mark.parametrize("case", sorted(BREAKERS))
def test_broken_export_raises_one_line(case: str, tmp_path: Path) -> None:
    folder = copy_export(SMALL, tmp_path / "export")
    breaker, file, text = BREAKERS[case]
    breaker(folder)
    with pytest.raises(ExportError) as info:
        read_export(folder)
    _assert_one_line(info.value, str(folder / file) if file else str(folder), text)


@pytest.mark.parametrize("case", sorted(PV_BREAKERS))
def test_broken_participants_votes_raises_one_line(case: str, tmp_path: Path) -> None:
    folder = copy_export(SMALL, tmp_path / "export", without=("votes.csv",))
    breaker, text = PV_BREAKERS[case]
    breaker(folder)
    with pytest.raises(ExportError) as info:
        read_export(folder)
    _assert_one_line(info.value, str(folder / "participants-votes.csv"), text)


def test_not_a_zip(tmp_path: Path) -> None:
    fake = tmp_path / "export.zip"
    fake.write_text("not a zip")
    with pytest.raises(ExportError, match=r"not a folder or a \.zip file"):
        read_export(fake)


def test_error_message_is_one_line() -> None:
    error = ExportError("a/votes.csv", "bad\nthing  here")
    assert str(error) == "a/votes.csv: bad thing here"
    assert (error.path, error.message) == ("a/votes.csv", "bad thing here")
    assert isinstance(error, ValueError)


# ---------------------------------------------------------------------- progress
def test_progress_bar_only_when_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("meedenken.models._csv.PROGRESS_MIN_BYTES", 0)  # every file counts as large
    read_export(DATA / SMALL)
    assert capsys.readouterr().err == ""
    read_export(DATA / SMALL, progress=True)
    assert "votes.csv" in capsys.readouterr().err


def test_participants_votes_beside_votes_csv(tmp_path: Path) -> None:
    """With votes.csv, participants-votes.csv gives groups only: its cells are not used, but a
    truncated file is still an error."""
    folder = copy_export(SMALL, tmp_path / "e")
    replace_in_line(folder / "participants-votes.csv", 2, ",18,8,9,-1,", ",18,8,9,7,")
    assert read_export(folder).n_votes == README_TABLE[SMALL][2]
    truncate(folder / "participants-votes.csv", 3000)
    with pytest.raises(ExportError, match="truncated CSV"):
        read_export(folder)


# ---------------------------------------------------------------------- meta flags from vote order
def _routed(n_voters: int, meta: list[int], regular: list[int], seed: int = 0) -> PolisExport:
    """Every voter votes the ``meta`` comments first (in random order), then the rest."""
    rng = np.random.default_rng(seed)
    voters, comments, times = [], [], []
    for p in range(n_voters):
        order = list(rng.permutation(meta)) + list(rng.permutation(regular))
        for r, c in enumerate(order):
            voters.append(p)
            comments.append(int(c))
            times.append(1000.0 * p + r)
    return PolisExport(voters, comments, [1] * len(voters), times)


def test_infer_meta_finds_the_comments_voted_first() -> None:
    from meedenken.models.polis_export import infer_meta_comments

    export = _routed(40, meta=[3, 7, 9], regular=[0, 1, 2, 4, 5, 6, 8, 10, 11, 12])
    assert infer_meta_comments(export) == (3, 7, 9)


def test_infer_meta_finds_nothing_without_a_block() -> None:
    from meedenken.models.polis_export import infer_meta_comments

    # Random order for everyone: no comment is systematically first.
    assert infer_meta_comments(_routed(40, meta=[], regular=list(range(12)))) == ()
    # No timestamps (votes rebuilt from participants-votes.csv): nothing can be inferred.
    untimed = PolisExport([0, 0, 1, 1], [0, 1, 0, 1], [1, -1, 1, 1], [0.0] * 4)
    assert infer_meta_comments(untimed) == ()


def test_infer_meta_on_the_shared_exports() -> None:
    """bg2050 keeps its is-meta column: the rule finds its meta comment (and a rejected one);
    london and biodiversity lost the column; their demographic questions come back; the
    pre-2018 exports (random routing) and austria give nothing."""
    from meedenken.models.polis_export import infer_meta_comments

    found = {name: infer_meta_comments(read_export(DATA / name)) for name in README_TABLE}
    bg = read_export(DATA / "bg2050-volunteers")
    assert {c.comment_id for c in bg.comments if c.is_meta} == {12}
    assert found["bg2050-volunteers"] == (12, 21)  # 21 is rejected (moderated -1)
    assert found["london.youth.policing"] == (1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)
    assert found["scoop-hivemind.biodiversity"] == (0, 1, 2, 5, 8, 9, 10)
    others = set(README_TABLE) - {
        "bg2050-volunteers", "london.youth.policing", "scoop-hivemind.biodiversity"
    }
    assert all(found[name] == () for name in others)


def test_with_inferred_meta_only_where_the_flags_were_lost(tmp_path: Path) -> None:
    london = read_export(DATA / "london.youth.policing")  # no is-meta column
    assert london.meta_known is False
    flagged, inferred = london.with_inferred_meta()
    assert inferred == (1, *range(4, 15)) and flagged.meta_known
    assert {c.comment_id for c in flagged.comments if c.is_meta} == set(inferred)
    assert int(flagged.to_matrix().meta.sum()) == len(inferred)
    assert flagged.participant_ids.tolist() == london.participant_ids.tolist()
    assert flagged.group_ids.tolist() == london.group_ids.tolist()
    assert not any(c.is_meta for c in london.comments)  # the original is not changed
    # bg2050 keeps its flags: nothing is inferred, the export comes back as it is.
    bg = read_export(DATA / "bg2050-volunteers")
    assert bg.meta_known and bg.with_inferred_meta() == (bg, ())
    # A written export carries the column, so reading it back knows its flags.
    from meedenken.models.polis_export import write_export

    again = read_export(write_export(flagged, tmp_path / "london"))
    assert again.meta_known and {c.comment_id for c in again.comments if c.is_meta} == set(inferred)


@pytest.mark.parametrize("seed", range(5))
def test_member_is_isin(seed: int) -> None:
    """The reader's id look-up (a table where ids are small) answers as ``np.isin`` does:
    negative, absent, huge and repeated ids, and no ids at all."""
    from meedenken.models.polis_export import DENSE_ID_SLACK, _member

    rng = np.random.default_rng(seed)
    values = rng.integers(-3, 60, 500)
    for ids in (rng.integers(0, 50, 20), np.array([], dtype=np.int64), np.array([0]),
                rng.integers(-5, 50, 20), np.array([3, DENSE_ID_SLACK + 600, 7]),
                np.unique(values)):
        assert _member(values, ids).tolist() == np.isin(values, ids).tolist()


def test_export_copies_writable_arrays_and_keeps_read_only_ones() -> None:
    """A caller's writable array is copied (changing it later leaves the export alone); a
    read-only array owning its memory, as the reader returns, is kept without a copy."""
    voters = np.array([7, 7, 3], dtype=np.int64)
    frozen = np.array([0, 1, 0], dtype=np.int64)
    frozen.setflags(write=False)
    export = PolisExport(voter_ids=voters, comment_ids=frozen, votes=[1, -1, 0],
                         timestamps=[1.0, 2.0, 1.5], comments=(Comment(0, "a"), Comment(1, "b")))
    voters[0] = 99
    assert export.voter_ids.tolist() == [7, 7, 3] and not export.voter_ids.flags.writeable
    assert export.comment_ids is frozen
    view = frozen[:]  # read-only, but not owning its memory: copied
    assert PolisExport(voters, view, [1, 1, 1], [0.0] * 3).comment_ids is not view


def test_read_votes_arrays_are_read_only(tmp_path: Path) -> None:
    from meedenken.models._csv import Source
    from meedenken.models._polis_read import read_votes

    (tmp_path / "votes.csv").write_text("timestamp,comment-id,voter-id,vote\n1500,1,5,1\n",
                                        encoding="utf-8")
    columns = read_votes(Source(tmp_path), False)
    assert [c.tolist() for c in columns] == [[5], [1], [1], [1.5]]
    assert not any(c.flags.writeable for c in columns)

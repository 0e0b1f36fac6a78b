"""Issue 20, item 1: Pol.is API JSON (votes.json, comments.json, conversation.json)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from meedenken.models.polis_api import (
    detect_agree_sign,
    is_polis_api,
    polis_api_export,
    read_conversation,
    read_polis_api,
)
from meedenken.models.polis_export import ExportError
from tests._polis_math_data import FAULTY, MATH_DATA, SOUND, needs_math_data


def _json(name: str, file: str) -> list | dict:
    return json.loads((MATH_DATA / name / file).read_text())


def _write(dest: Path, votes: object, comments: object, conversation: object = None) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "votes.json").write_text(json.dumps(votes))
    (dest / "comments.json").write_text(json.dumps(comments))
    if conversation is not None:
        (dest / "conversation.json").write_text(json.dumps(conversation))
    return dest


@needs_math_data
@pytest.mark.parametrize("name", [*SOUND, FAULTY])
def test_fixtures_keep_polis_ids_and_agree_is_plus_one(name: str) -> None:
    """Both namings (pid/tid and participant_id/statement_id) keep Pol.is's ids; every
    statement's agrees in the export equal comments.json's agree_count."""
    export = read_polis_api(MATH_DATA / name)
    raw_votes = _json(name, "votes.json")
    pkey = "pid" if "pid" in raw_votes[0] else "participant_id"
    assert set(export.participant_ids.tolist()) == {v[pkey] for v in raw_votes}
    comments = _json(name, "comments.json")
    tkey = "tid" if "tid" in comments[0] else "statement_id"
    assert [c.comment_id for c in export.comments] == sorted(c[tkey] for c in comments)
    _, cids, votes = export.final_votes()
    for c in comments:
        assert int(np.sum((cids == c[tkey]) & (votes == 1))) == c["agree_count"]
        assert int(np.sum((cids == c[tkey]) & (votes == -1))) == c["disagree_count"]
    assert export.summary["topic"] == _json(name, "conversation.json")["topic"]


@needs_math_data
def test_raw_api_sign_is_flipped(tmp_path: Path) -> None:
    """As the live API serves them (agree = -1), the same votes read the same."""
    name = SOUND[1]
    votes = _json(name, "votes.json")
    raw = [{**v, "vote": -v["vote"]} for v in votes]
    flipped = read_polis_api(_write(tmp_path, raw, _json(name, "comments.json")))
    saved = read_polis_api(MATH_DATA / name)
    assert flipped.votes.tolist() == saved.votes.tolist()
    assert read_polis_api(MATH_DATA / name, agree_sign=-1).votes.tolist() == (
        (-saved.votes).tolist())


def test_sign_without_counts_is_the_api_sign() -> None:
    export = polis_api_export([{"pid": 1, "tid": 0, "vote": -1}], [{"tid": 0, "txt": "a"}])
    assert export.votes.tolist() == [1]
    assert detect_agree_sign([0], [-1], export.comments) is None


def test_sign_from_counts() -> None:
    comments = [{"tid": 0, "txt": "a", "agree_count": 2, "disagree_count": 1}]
    votes = [{"pid": p, "tid": 0, "vote": v} for p, v in ((1, 1), (2, 1), (3, -1))]
    assert polis_api_export(votes, comments).votes.tolist() == [1, 1, -1]
    raw = [{**v, "vote": -v["vote"]} for v in votes]
    assert polis_api_export(raw, comments).votes.tolist() == [1, 1, -1]


def test_zip_and_dispatch(tmp_path: Path) -> None:
    folder = _write(tmp_path / "f", [{"participant_id": 4, "statement_id": 2, "vote": -1,
                                      "modified": 1714782753431.0}],
                    [{"statement_id": 2, "txt": "x", "moderated": -1, "is_meta": True,
                      "created": "2023-08-11T06:33:28.174000Z"}], {"topic": "t"})
    archive = tmp_path / "api.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in folder.iterdir():
            z.write(f, f"export/{f.name}")
    for path in (folder, archive):
        assert is_polis_api(path)
        export = read_conversation(path)
        assert export.participant_ids.tolist() == [4]
        assert export.comments[0].moderated == -1 and export.comments[0].is_meta
        assert export.timestamps.tolist() == [pytest.approx(1714782753.431)]
        assert export.to_matrix().meta.tolist() == [True]


@pytest.mark.parametrize(
    ("votes", "comments", "message"),
    [
        ([{"tid": 0, "vote": 1}], [], "no participant_id or pid"),
        ([{"pid": 0, "tid": 0, "vote": 2}], [], "vote 2 is not -1, 0 or 1"),
        ([{"pid": "x", "tid": 0, "vote": 1}], [], "participant id 'x'"),
        ([{"pid": True, "tid": 0, "vote": 1}], [], "participant id True"),
        ([], [{"tid": 0, "txt": "a"}, {"tid": 0, "txt": "b"}], "more than one entry"),
        ([], [{"tid": 0, "txt": "a", "mod": 5}], "moderation 5"),
        ([], [{"tid": 0, "txt": 3}], "txt is not text"),
        ({"pid": 0}, [], "expected a JSON list"),
        ([{"pid": 0, "tid": 0, "vote": 1, "modified": "soon"}], [], "is not a time"),
    ],
)
def test_bad_input_names_the_problem(votes: object, comments: object, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        polis_api_export(votes, comments)


def test_bad_files(tmp_path: Path) -> None:
    (tmp_path / "votes.json").write_text("[{")
    (tmp_path / "comments.json").write_text("[]")
    with pytest.raises(ExportError, match=r"votes\.json: not valid JSON"):
        read_polis_api(tmp_path)
    (tmp_path / "comments.json").unlink()
    with pytest.raises(ExportError, match=r"comments\.json not found"):
        read_polis_api(tmp_path)


JUNK = ["x", None, True, -1, 2**70, 1.5, float("nan"), [], {}, "1714782753431", "-"]


@needs_math_data
def test_any_corruption_is_an_export_error_or_reads() -> None:
    """One value anywhere replaced by junk: ExportError or a valid export, nothing else."""
    votes = _json(SOUND[0], "votes.json")[:40]
    comments = _json(SOUND[0], "comments.json")[:10]
    rng = np.random.default_rng(1)
    for _ in range(300):
        v, c = json.loads(json.dumps(votes)), json.loads(json.dumps(comments))
        rows = v if rng.random() < 0.5 else c
        row = rows[int(rng.integers(len(rows)))]
        row[list(row)[int(rng.integers(len(row)))]] = JUNK[int(rng.integers(len(JUNK)))]
        try:
            export = polis_api_export(v, c)
        except ExportError:
            continue
        export.to_matrix()

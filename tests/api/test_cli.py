"""The ``meedenken`` command line: ``analyze`` output (JSON and readable) and its error cases.

Most tests run :func:`api.cli.main` in-process; one runs the installed console script.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from meedenken.api.cli.main import SUBCOMMANDS, build_parser, main
from meedenken.models.polis_export import read_export
from tests._polis_data import (
    DATA,
    README_TABLE,
    copy_export,
    needs_data,
    replace_in_line,
    truncate,
)

pytestmark = needs_data
SMALL = "brexit-consensus"
KEYS = {
    "participants",
    "statements",
    "votes",
    "in_conv",
    "k",
    "groups",
    "repness",
    "consensus",
    "group_informed_consensus",
    "bridging",
    "seconds",
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    status, out, err = _run(capsys, "analyze", *argv, "--json")
    assert status == 0, err
    assert out.count("\n") == 1  # one JSON object, on one line
    return json.loads(out)


def _assert_error(status: int, out: str, err: str, *fragments: str) -> None:
    assert status == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err  # exactly one line
    for fragment in fragments:
        assert fragment in err, err


# ---------------------------------------------------------------------- --json
def test_json_has_every_key_and_consistent_values(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, str(DATA / SMALL))
    assert set(data) >= KEYS
    participants, statements, votes, _ = README_TABLE[SMALL]
    assert (data["participants"], data["statements"], data["votes"]) == (
        participants,
        statements,
        votes,
    )
    export = read_export(DATA / SMALL)
    voters = {str(p) for p in export.voter_ids.tolist()}
    statement_ids = {c.comment_id for c in export.comments}
    assert set(data["groups"]) <= voters
    assert len(data["groups"]) == data["in_conv"] <= participants
    assert set(data["groups"].values()) == {int(g) for g in data["repness"]}
    # Issue 15: this export has no clear opinion groups (one group, nothing representative).
    stability = data["group_stability"]
    assert stability["clear_groups"] is (data["k"] >= 2)
    assert stability["method"] and stability["steps"]
    # Each run of the grouping with its own seed, and the published k their consensus: groups
    # only where two thirds of the runs find groups (engine.grouping.consensus_k).
    from meedenken.engine.grouping import consensus_k
    from meedenken.engine.settings import GroupingSettings

    runs, most = stability["restarts"], GroupingSettings().restarts
    assert 1 <= len(runs) <= most and data["k"] == consensus_k(runs, most)
    assert stability["k_uncertain"] is (len(set(runs)) > 1)
    # The third-axis screen's ratio where the grouping read it (null: not computed).
    assert "third_axis" in stability
    assert stability["third_axis"] is None or stability["third_axis"] > 0
    assert len(data["repness"]) == data["k"] >= 1
    for ids in data["repness"].values():
        assert set(ids) <= statement_ids
        assert ids or not stability["clear_groups"]
    assert set(data["consensus"]) == {"agree", "disagree"}
    assert set(data["consensus"]["agree"]) <= statement_ids
    assert not set(data["consensus"]["agree"]) & set(data["consensus"]["disagree"])
    gic = data["group_informed_consensus"]
    analysed = {c.comment_id for c in export.comments if c.moderated != -1 and not c.is_meta}
    assert set(gic) == {str(s) for s in analysed}
    assert all(v is None or 0.0 <= v <= 1.0 for v in gic.values())
    assert {"read", "total"} <= set(data["seconds"])
    assert all(v >= 0 for v in data["seconds"].values())
    assert data["polis_compatible"] is False


def test_options_reach_the_engine(capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(DATA / SMALL)
    assert _json(capsys, folder, "--polis-compatible")["polis_compatible"] is True
    forced = _json(capsys, folder, "--k", "4", "--polis-compatible")
    assert forced["k"] == 4 and len(set(forced["groups"].values())) == 4
    assert _json(capsys, folder, "--max-groups", "2", "--polis-compatible")["k"] == 2
    assert _json(capsys, folder, "--polis-compatible")["group_stability"] is None


def test_infer_meta_flags_the_comments_routed_first(capsys: pytest.CaptureFixture[str]) -> None:
    # london.youth.policing's comments.csv has no is-meta column; its demographic questions
    # ("I am between 15 and 19 years old.", "My ethnicity is ...") were voted on first.
    folder = str(DATA / "london.youth.policing")
    plain = _json(capsys, folder, "--polis-compatible", "--k", "3")
    inferred = _json(capsys, folder, "--polis-compatible", "--k", "3", "--infer-meta")
    assert plain["meta_inferred"] == []
    assert inferred["meta_inferred"] == [1, *range(4, 15)]
    assert plain["groups"] != inferred["groups"]
    # An export that keeps its flags is left as it is.
    bg = _json(capsys, str(DATA / "bg2050-volunteers"), "--infer-meta")
    assert bg["meta_inferred"] == []
    status, out, _ = _run(capsys, "analyze", folder, "--infer-meta")
    assert status == 0 and "inferred from the vote order (--infer-meta): 1, 4, 5" in out


def test_keep_in_conv_starts_from_the_participants_the_export_grouped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # brexit-consensus grouped 8 participants with 1-6 votes, whom the >= 7 rule leaves out.
    folder = str(DATA / SMALL)
    grouped = {str(p) for p in read_export(DATA / SMALL).polis_groups()}
    plain = _json(capsys, folder, "--polis-compatible", "--k", "2")
    kept = _json(capsys, folder, "--polis-compatible", "--k", "2", "--keep-in-conv")
    assert len(grouped - set(plain["groups"])) == 8
    assert grouped <= set(kept["groups"]) and kept["in_conv"] == plain["in_conv"] + 8


def test_same_seed_same_output(capsys: pytest.CaptureFixture[str]) -> None:
    first = _json(capsys, str(DATA / SMALL), "--seed", "7")
    second = _json(capsys, str(DATA / SMALL), "--seed", "7")
    first.pop("seconds"), second.pop("seconds")
    assert first == second


def test_bowling_green_rebuilt_from_participants_votes(capsys: pytest.CaptureFixture[str]) -> None:
    name = "american-assembly.bowling-green"
    data = _json(capsys, str(DATA / name), "--polis-compatible")
    participants, statements, votes, groups = README_TABLE[name]
    assert (data["participants"], data["statements"], data["votes"]) == (
        participants,
        statements,
        votes,
    )
    assert data["k"] == groups


def test_zip_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    archive = shutil.make_archive(str(tmp_path / "export"), "zip", DATA / "london.youth.policing")
    assert _json(capsys, archive)["votes"] == README_TABLE["london.youth.policing"][2]


# ---------------------------------------------------------------------- readable summary
def test_readable_summary_shows_texts(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, str(DATA / SMALL), "--polis-compatible")
    status, out, err = _run(capsys, "analyze", str(DATA / SMALL), "--polis-compatible")
    assert status == 0 and err == ""
    texts = read_export(DATA / SMALL).texts()
    assert "Can there be consensus on Brexit?" in out
    assert f"{README_TABLE[SMALL][0]} participants" in out
    assert "5,303 votes" in out
    for group, ids in data["repness"].items():
        size = sum(1 for g in data["groups"].values() if g == int(group))
        # Named as the dashboard names it: group 0 is "Group A" (api/present/wording.py).
        assert f"Group {'ABCDEFGHIJ'[int(group)]}: {size} participants" in out
        assert f"Group {group}:" not in out
        first_words = " ".join(texts[ids[0]].split())[:40]
        assert first_words in " ".join(out.split())
    assert "% agree" in out and "% disagree" in out
    consensus = data["consensus"]["agree"][0]
    assert f"#{consensus}: " in out
    # Common ground: only statements meeting the rule (or the honest empty state), in words.
    section = out[out.index("Common ground: statements every opinion group supports:"):]
    common = [b for b in data["bridging"] if b["is_bridging"]]
    # As many as the dashboard and the report show: 10 common ground, else the 3 closest.
    shown = common[:10] if common else data["bridging"][:3]
    flat = " ".join(section.split())
    if not common:
        assert "No common ground yet; these come closest:" in section
        # ... each saying why it is not common ground, naming the group (issue 16), in the
        # words the report uses (why_not_sentence is checked by hand in test_report.py).
        from meedenken.api.present.analysis import why_not_sentence
        from meedenken.api.report.i18n import strings

        for b in shown:
            why = why_not_sentence(b["status"], b["why_not"], b["why_not_roles"], strings("en"))
            assert f"({why})" in flat
            assert b["status"] == "rejected_within_a_group" or "group " in why
    assert f"#{data['bridging'][len(shown)]['statement_id']}: " not in section
    for b in shown:
        assert f"#{b['statement_id']}: " in section and "% of group" in section
    assert "score" not in section.split("Read in")[0]


def test_common_ground_says_what_every_group_means_without_clear_groups(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 16: with no clear opinion groups (london.youth.policing: one group by default),
    the summary says beside the common ground that "every group" is everyone in conversation,
    in the report's words; Pol.is's mode (its groups, no stability judged) does not."""
    from meedenken.api.report.i18n import strings

    folder = str(DATA / "london.youth.policing")
    note = " ".join(strings("en")["common_one_group"].split())
    data = _json(capsys, folder)
    assert data["group_stability"]["clear_groups"] is False
    status, out, _ = _run(capsys, "analyze", folder)
    section = " ".join(out[out.index("Common ground:"):].split())
    assert status == 0 and section.startswith(
        f"Common ground: statements every opinion group supports: {note} #")
    status, out, _ = _run(capsys, "analyze", folder, "--polis-compatible")
    assert status == 0 and note not in " ".join(out.split())


def test_progress_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("meedenken.models._csv.PROGRESS_MIN_BYTES", 0)  # every file counts as large
    status, _, err = _run(capsys, "analyze", str(DATA / SMALL), "--json")
    assert status == 0 and err == ""  # captured stderr is not a TTY
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    status, _, err = _run(capsys, "analyze", str(DATA / SMALL), "--json")
    assert status == 0 and "votes.csv" in err


# ---------------------------------------------------------------------- errors
def test_missing_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    _assert_error(*_run(capsys, "analyze", str(missing), "--json"), str(missing), "no such folder")


def test_missing_votes_and_participants_votes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = copy_export(SMALL, tmp_path / "e", without=("votes.csv", "participants-votes.csv"))
    _assert_error(
        *_run(capsys, "analyze", str(folder)), str(folder), "votes.csv", "participants-votes.csv"
    )


def test_truncated_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = copy_export(SMALL, tmp_path / "e")
    truncate(folder / "votes.csv", 5_000)
    _assert_error(
        *_run(capsys, "analyze", str(folder), "--json"), str(folder / "votes.csv"), "truncated"
    )


def test_truncated_participants_votes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = copy_export(SMALL, tmp_path / "e", without=("votes.csv",))
    truncate(folder / "participants-votes.csv", 4_000)
    _assert_error(
        *_run(capsys, "analyze", str(folder)), str(folder / "participants-votes.csv"), "truncated"
    )


def test_unknown_column_layout(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = copy_export(SMALL, tmp_path / "e", without=("votes.csv",))
    replace_in_line(
        folder / "participants-votes.csv", 0, "participant,group-id", "participant,cluster"
    )
    _assert_error(
        *_run(capsys, "analyze", str(folder)),
        str(folder / "participants-votes.csv"),
        "unknown column layout",
    )


def test_unknown_vote_value(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = copy_export(SMALL, tmp_path / "e")
    replace_in_line(folder / "votes.csv", 3, ",0,2,-1", ",0,2,2")
    _assert_error(
        *_run(capsys, "analyze", str(folder)),
        str(folder / "votes.csv"),
        "unknown value 2 in 'vote'",
    )


def test_non_numeric_ids(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = copy_export(SMALL, tmp_path / "e")
    replace_in_line(folder / "votes.csv", 3, ",0,2,-1", ",0,anne,-1")
    _assert_error(
        *_run(capsys, "analyze", str(folder)),
        str(folder / "votes.csv"),
        "'voter-id' is not a number: 'anne'",
    )
    folder = copy_export(SMALL, tmp_path / "f", without=("votes.csv",))
    replace_in_line(folder / "participants-votes.csv", 0, ",49", ",c49")
    _assert_error(
        *_run(capsys, "analyze", str(folder)),
        str(folder / "participants-votes.csv"),
        "'c49'",
        "not a comment id",
    )


def test_missing_required_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = copy_export(SMALL, tmp_path / "e")
    (folder / "votes.csv").write_text("timestamp,comment-id,voter-id\n1,2,3\n")
    _assert_error(
        *_run(capsys, "analyze", str(folder)), str(folder / "votes.csv"), "missing column(s) vote"
    )


def test_export_without_votes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = copy_export(SMALL, tmp_path / "e")
    (folder / "votes.csv").write_text("timestamp,datetime,comment-id,voter-id,vote\n")
    _assert_error(*_run(capsys, "analyze", str(folder), "--json"), str(folder), "no votes")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        ([], "required: COMMAND"),
        (["analyze"], "required: folder"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["analyze", "X", "--k", "two"], "argument --k: invalid int value: 'two'"),
        (["analyze", "X", "--k", "11"], "argument --k: force_k must be in 1..10"),
        (
            ["analyze", "X", "--max-groups", "1"],
            "argument --max-groups: max_groups must be in 2..10",
        ),
        (["analyze", "X", "--seed", "1.5"], "argument --seed"),
        (["analyze", "X", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str, tmp_path: Path
) -> None:
    argv = [str(copy_export(SMALL, tmp_path / "e")) if a == "X" else a for a in argv]
    _assert_error(*_run(capsys, *argv), fragment)


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "analyze", "--help")
    assert status == 0 and "--polis-compatible" in out


def test_parser_lists_registered_subcommands() -> None:
    help_text = build_parser().format_help()
    for name in SUBCOMMANDS:
        assert name in help_text


# ---------------------------------------------------------------------- the console script
def test_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("meedenken")
    if not script.exists():
        pytest.skip("console script not installed (pip install -e .)")
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    }
    ok = subprocess.run(
        [str(script), "analyze", str(DATA / "london.youth.policing"), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert set(json.loads(ok.stdout)) >= KEYS
    bad = subprocess.run(
        [str(script), "analyze", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    _assert_error(bad.returncode, bad.stdout, bad.stderr, "no such folder")


def test_json_bridging_best_first_with_intervals(capsys):
    assert main(["analyze", str(DATA / "brexit-consensus"), "--json"]) == 0
    bridging = json.loads(capsys.readouterr().out)["bridging"]
    assert len(bridging) == 50  # every active statement, common ground first
    flags = [b["is_bridging"] for b in bridging]
    assert flags == sorted(flags, reverse=True)
    assert all(b["is_bridging"] == (b["status"] == "common_ground") for b in bridging)
    for b in bridging:
        assert b["low"] <= b["score"] <= b["high"]
        assert set(b["group_agree"]) <= {"0", "1", "2", "3", "4"}
        assert b["polarization"] >= 0


def test_serve_workers_need_postgresql(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["serve", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--workers", "2"]) == 2
    assert "needs PostgreSQL" in capsys.readouterr().err
    assert main(["serve", "--workers", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err


def test_migrate_brings_the_schema_to_head(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    from meedenken.models.db import make_engine, schema_revision

    url = f"sqlite:///{tmp_path / 'm.db'}"
    assert main(["migrate", "--db", url]) == 0
    current, head = schema_revision(make_engine(url))
    assert current == head and f"revision {head}" in capsys.readouterr().out
    assert main(["migrate", "--db", "postgresql://nobody@127.0.0.1:1/none"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("meedenken migrate: cannot migrate") and err.count("\n") == 1

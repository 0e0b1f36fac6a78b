"""Issue 15, items 5 and 6: representative statements labelled by the side they represent, the
fallback rows marked, consensus worded as its interval allows, every share with its denominator,
and moderation states counted - the same in ``analyze --json``, its text and the tidy tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from meedenken.api.cli.main import main
from meedenken.api.present.wording import (
    CLEAR_MAJORITY,
    MAJORITY_NOT_CERTAIN,
    NO_MAJORITY,
    majority_wording,
    share_interval,
)
from meedenken.engine.settings import Z_90
from meedenken.models.polis_export import Comment, PolisExport, write_export
from tests._polis_data import DATA, needs_data


def _analyze(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["analyze", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------- consensus wording
def test_a_majority_whose_interval_reaches_half_is_not_most() -> None:
    # 55 of 100: Wilson 95% interval 45.2% - 64.4% reaches 50%.
    share, low, high = share_interval(55, 100)
    assert share == 0.55 and low is not None and low < 0.5 < 0.644 < (high or 0) + 1e-3
    assert majority_wording(55, 100) == MAJORITY_NOT_CERTAIN
    # 70 of 100: 60.4% - 78.1%, wholly above one half.
    assert majority_wording(70, 100) == CLEAR_MAJORITY
    # 11 of 20 is above half but its interval (34% - 74%) is far from clear.
    assert majority_wording(11, 20) == MAJORITY_NOT_CERTAIN
    assert majority_wording(10, 20) == NO_MAJORITY
    assert majority_wording(0, 0) == NO_MAJORITY


def _moderated_export(folder: Path) -> Path:
    """40 participants; statement 0 everyone agrees with but moderators rejected it; statement 1
    everyone agrees with, unmoderated ("test"); statements 2-9 split two planted groups, accepted.
    """
    rng = np.random.default_rng(5)
    n_p, n_s = 40, 10
    half = np.repeat([1, -1], n_p // 2)
    rows, cols, votes = [], [], []
    for p in range(n_p):
        for s in range(n_s):
            rows.append(p)
            cols.append(s)
            if s < 2:
                votes.append(1)
            else:
                sign = 1 if s % 2 else -1
                votes.append(int(sign * half[p] * (1 if rng.random() < 0.9 else -1)))
    times = 1_700_000_000 + np.arange(len(rows), dtype=float)
    comments = (Comment(0, "Verworpen stelling", moderated=-1),
                Comment(1, "test ajisdfj", moderated=0),
                *(Comment(s, f"Stelling {s} over zorg", moderated=1) for s in range(2, n_s)))
    export = PolisExport(np.array(rows), np.array(cols), np.array(votes), times, comments,
                         {"topic": "Moderatie"})
    return write_export(export, folder)


def test_moderated_out_left_out_and_unmoderated_counted(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = _moderated_export(tmp_path / "export")
    data = _analyze(capsys, str(folder))
    assert data["moderation"] == {"moderated_out": 1, "moderated_out_kept": 0,
                                  "unmoderated_kept": 1, "unmoderated_dropped": 0,
                                  "accepted": 8}
    agreed = [c["statement_id"] for c in data["consensus_details"]["agree"]]
    assert 0 not in agreed and 0 not in data["consensus"]["agree"]
    assert 1 in agreed  # kept: everyone agrees with the unmoderated one
    assert all(b["statement_id"] != 0 for b in data["bridging"])
    assert all(0 not in ids for ids in data["repness"].values())
    # Not ranked by group-informed consensus either (it was 0.5 per group: no votes counted).
    assert "0" not in data["group_informed_consensus"]
    assert "1" in data["group_informed_consensus"]

    dropped = _analyze(capsys, str(folder), "--drop-unmoderated")
    assert dropped["moderation"]["unmoderated_kept"] == 0
    assert dropped["moderation"]["unmoderated_dropped"] == 1
    assert dropped["moderation"]["moderated_out"] == 1
    for key in ("agree", "disagree"):
        assert not {0, 1} & set(dropped["consensus"][key])
    assert all(b["statement_id"] not in (0, 1) for b in dropped["bridging"])
    assert not {"0", "1"} & set(dropped["group_informed_consensus"])

    kept = _analyze(capsys, str(folder), "--include-moderated")
    assert kept["moderation"]["moderated_out"] == 0
    assert kept["moderation"]["moderated_out_kept"] == 1
    assert 0 in kept["consensus"]["agree"]
    assert "0" in kept["group_informed_consensus"]

    assert main(["analyze", str(folder)]) == 0
    text = capsys.readouterr().out
    assert ("Moderation: 1 rejected statements left out; 1 unmoderated statements kept, "
            "0 left out (--drop-unmoderated).") in text


def test_group_shares_name_their_denominators(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    data = _analyze(capsys, str(_moderated_export(tmp_path / "export")))
    groups = data["group_details"]
    grouped = sum(g["size"] for g in groups)
    assert grouped == len(data["groups"])
    for g in groups:
        assert g["share_of_participants"] == pytest.approx(g["size"] / data["participants"])
        assert g["share_of_in_conversation"] == pytest.approx(g["size"] / data["in_conv"])
        assert g["share_of_grouped"] == pytest.approx(g["size"] / grouped)
    for c in data["consensus_details"]["agree"]:
        assert c["share_of_voters"] == pytest.approx(c["n_success"] / c["n_trials"])
        assert c["share_low"] <= c["share_of_voters"] <= c["share_high"]
        assert c["wording"] == majority_wording(c["n_success"], c["n_trials"])


# ---------------------------------------------------------------------- repness labels
@needs_data
@pytest.mark.parametrize("polis", [False, True])
def test_fallback_rows_are_marked_and_labelled_by_their_side(
        capsys: pytest.CaptureFixture[str], polis: bool) -> None:
    """brexit-consensus: group 1's #14 was written out as "2% of the group disagrees" under a
    heading claiming a one-sided 90% test, with a negative p_test (issue 15)."""
    # The default mode finds no clear groups on this export; two groups are forced to see its rows.
    argv = [str(DATA / "brexit-consensus"), *(["--polis-compatible"] if polis else ["--k", "2"])]
    data = _analyze(capsys, *argv)
    rows = [r for g in data["group_details"] for r in g["representative"]]
    assert rows
    fallback = [r for r in rows if not r["passes_test"]]
    if not polis:
        assert any(r["statement_id"] == 14 for r in fallback), "the row of the issue"
    for r in rows:
        passes = r["p_test"] > Z_90 and r["repness_test"] > Z_90
        assert r["passes_test"] == passes, r
        if not polis and r["best_agree"]:
            assert r["repful_for"] == "agree"
            assert r["n_success"] / r["n_trials"] > 0.5
    if not polis:  # never a statement shown as "disagree" that the group mostly agrees with
        assert all(r["p_test"] >= 0 or not r["passes_test"] for r in rows)
    assert main(["analyze", *argv]) == 0
    text = capsys.readouterr().out
    assert text.count("did not pass the test (Pol.is fallback)") == len(fallback)


# ---------------------------------------------------------------------- group size minimum
def _four_person_cluster(folder: Path) -> Path:
    """30 participants agree with the odd statements and reject the even ones; 4 do the
    opposite (a hand-checkable 4-person cluster)."""
    rng = np.random.default_rng(3)
    rows, cols, votes = [], [], []
    for p in range(34):
        side = -1 if p < 4 else 1
        for s in range(15):
            rows.append(p)
            cols.append(s)
            agree = (s % 2 == 1) == (side == 1)
            votes.append((1 if agree else -1) * (1 if rng.random() < 0.95 else -1))
    times = 1_700_000_000 + np.arange(len(rows), dtype=float)
    comments = tuple(Comment(s, f"Stelling {s}", moderated=1) for s in range(15))
    return write_export(PolisExport(np.array(rows), np.array(cols), np.array(votes), times,
                                    comments, {"topic": "Kleine groep"}), folder)


def test_group_size_minimum_is_an_option_never_below_three(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Issue 15, item 3: no published group under 5 by default; ``--min-group-size`` sets the
    minimum (analyze and report) and refuses 2 with one clear line."""
    folder = str(_four_person_cluster(tmp_path / "export"))
    default = _analyze(capsys, folder)
    assert default["group_stability"]["min_group_size"] == 5
    assert all(g["size"] >= 5 for g in default["group_details"])
    three = _analyze(capsys, folder, "--min-group-size", "3")
    assert three["group_stability"]["min_group_size"] == 3
    assert sorted(g["size"] for g in three["group_details"]) == [4, 30]
    for command, extra in (("analyze", []), ("report", ["--out", str(tmp_path / "r.html")])):
        assert main([command, folder, *extra, "--min-group-size", "2"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
        assert f"meedenken {command}: error: argument --min-group-size:" in err
        assert ">= 3, got 2" in err
    assert main(["analyze", folder, "--polis-compatible", "--min-group-size", "5"]) == 2
    assert "not with --polis-compatible" in capsys.readouterr().err


def test_readable_summary_says_how_stable_the_groups_are(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Issue 15, items 2 and 4, "shown the same way everywhere": the readable summary said only
    "1 opinion groups" where the JSON, the report and the dashboard say "no clear opinion
    groups"; it now gives the same sentence, the groups' Jaccard and the choice of k."""
    folder = str(_moderated_export(tmp_path / "two"))
    data = _analyze(capsys, folder)
    assert main(["analyze", folder]) == 0
    text = " ".join(capsys.readouterr().out.split())
    if data["group_stability"]["clear_groups"]:
        assert "Stability of the groups (clusterwise bootstrap Jaccard" in text
        for g, j in data["group_stability"]["per_group"].items():
            assert f"group {'ABCDEFGHIJ'[int(g)]} {j:.2f}" in text
    else:
        assert "No clear opinion groups" in text
    assert "Choice of the number of groups:" in text
    assert "No group smaller than 5 participants is published." in text
    cloud = str(_four_person_cluster(tmp_path / "cloud"))
    assert main(["analyze", cloud, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["group_stability"]["clear_groups"] is False
    assert main(["analyze", cloud]) == 0
    assert "No clear opinion groups" in " ".join(capsys.readouterr().out.split())

"""Issue 20, items 1-2: ``meedenken analyze`` on Pol.is API JSON, ``--polis-math``."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from meedenken.api.cli.main import main
from meedenken.models.polis_math import read_polis_math
from tests._polis_math_data import MATH_DATA, SOUND, fixtures, needs_math_data

pytestmark = needs_math_data


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    status, out, err = _run(capsys, "analyze", *argv, "--json")
    assert status == 0, err
    return json.loads(out)


@pytest.mark.parametrize("name", fixtures())
def test_polis_math_continues_polis(capsys: pytest.CaptureFixture[str], name: str) -> None:
    folder = MATH_DATA / name
    data = _json(capsys, str(folder), "--polis-compatible", "--polis-math",
                 str(folder / "math-pca2.json"))
    math = read_polis_math(folder / "math-pca2.json")
    assert data["k"] == math.k
    assert data["groups"] == {str(p): g for p, g in math.groups().items()}
    assert data["repness"] == {str(g): [r["tid"] for r in reps]
                               for g, reps in math.repness.items()}
    assert data["consensus"] == {side: [c["tid"] for c in math.consensus.get(side, [])]
                                 for side in ("agree", "disagree")}
    gic = data["group_informed_consensus"]
    assert {int(t): gic[str(t)] for t in math.group_aware_consensus} == pytest.approx(
        math.group_aware_consensus, rel=1e-6)
    prio = data["priorities"]
    assert {int(t): prio[str(t)] for t in math.comment_priorities} == pytest.approx(
        math.comment_priorities, rel=1e-6)


def test_api_json_folder_without_state(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, str(MATH_DATA / SOUND[0]))
    assert data["participants"] == 35 and data["priorities"] is None
    polis = _json(capsys, str(MATH_DATA / SOUND[0]), "--polis-compatible")
    assert set(polis["priorities"]) == set(polis["group_informed_consensus"])


def test_polis_math_needs_polis_compatible(capsys: pytest.CaptureFixture[str]) -> None:
    folder = MATH_DATA / SOUND[0]
    status, out, err = _run(capsys, "analyze", str(folder), "--polis-math",
                            str(folder / "math-pca2.json"))
    assert status == 2 and out == "" and "--polis-compatible" in err and err.count("\n") == 1


def test_bad_math_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "math-pca2.json"
    bad.write_text(json.dumps({"tids": [0]}))
    status, out, err = _run(capsys, "analyze", str(MATH_DATA / SOUND[0]), "--polis-compatible",
                            "--polis-math", str(bad))
    assert status == 2 and out == "" and "missing in-conv" in err and err.count("\n") == 1
    status, _, err = _run(capsys, "analyze", str(MATH_DATA / SOUND[0]), "--polis-compatible",
                          "--polis-math", str(tmp_path / "nothing.json"))
    assert status == 2 and "no such" in err


def test_faulty_fixture_warns(capsys: pytest.CaptureFixture[str],
                              caplog: pytest.LogCaptureFixture) -> None:
    folder = MATH_DATA / "50ptpt-3gp-strict-no-meta"
    with caplog.at_level(logging.WARNING):
        _json(capsys, str(folder), "--polis-compatible", "--polis-math",
              str(folder / "math-pca2.json"))
    assert "lack 4 vote(s)" in caplog.text

"""``meedenken analyze`` reports participation and opinion diversity (issue 5)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from meedenken.api.cli.main import main
from tests._polis_data import DATA, needs_data

pytestmark = needs_data


def _json(capsys: pytest.CaptureFixture[str], name: str) -> dict:
    assert main(["analyze", str(DATA / name), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_diversity_matches_the_export_summary(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "15-per-hour-seattle")
    part = data["diversity"]["participation"]
    # summary.csv of this export: voters 339, commenters 33, comments 54 (30 accepted,
    # 23 rejected, 1 unmoderated in comments.csv)
    assert (part["voted"], part["wrote"]) == (339, 33)
    assert part["statements_by_state"] == {"accepted": 30, "rejected": 23, "unmoderated": 1}
    assert part["votes"] == data["votes"]
    assert 0 < part["density"] < 1 and 0 < part["votes_per_voter"]["gini"] < 1
    opinion = data["diversity"]["opinion"]
    assert opinion["groups"] == data["k"]
    # effective number of groups lies between 1 and the number of groups
    assert 1 <= opinion["effective_groups_simpson"] <= opinion["effective_groups"] <= data["k"]
    assert len(opinion["bridging"]) == 5 and 0 <= opinion["coverage"] <= 1
    assert "diversity" in data["seconds"]


def test_readable_summary_has_participation_and_opinion(capsys) -> None:
    assert main(["analyze", str(DATA / "brexit-consensus")]) == 0
    out = capsys.readouterr().out
    assert "Participation:" in out and "Opinion diversity:" in out
    assert "voted" in out and "effectively" in out


@pytest.mark.parametrize("ids", [
    [7, 3, 5, 0],  # small ids: the table
    [-4, 10**12, 3],  # negative and huge ids: the binary search
    [],
])
def test_positions_find_each_value_or_minus_one(ids: list[int]) -> None:
    from meedenken.api.cli.diversity import _positions

    rng = np.random.default_rng(0)
    pool = np.array([*ids, 1, 2, -1, 11, 10**12 + 1], dtype=np.int64)
    values = rng.choice(pool, size=200)
    expected = [ids.index(v) if v in ids else -1 for v in values.tolist()]
    assert _positions(np.array(ids, dtype=np.int64), values).tolist() == expected

"""The presentation layer (api/present/): the answers are described field by field in the
OpenAPI document, the bridging list is one list everywhere, and an unknown figure is null in
every surface (JSON answer, ``meedenken analyze --json``, tidy tables)."""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

import meedenken.engine
from meedenken.api.cli.main import main
from meedenken.api.http.app import create_app
from meedenken.api.present.analysis import (
    analysis_to_json,
    analyze_answer,
    as_json,
    stored_analysis,
)
from meedenken.api.present.schemas import AnalyzeDiversity
from meedenken.api.present.tidy import tidy_tables, write_tables
from meedenken.api.settings import Settings
from meedenken.engine import AnalysisResult, VoteMatrix, analyze
from tests._polis_data import DATA, needs_data

SMALL = "brexit-consensus"


# ---------------------------------------------------------------------- OpenAPI
@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("openapi") / "meedenken.db"
    settings = Settings(database_url=f"sqlite:///{db}", analysis_in_process=True,
                        rate_limits=False)
    with TestClient(create_app(settings)) as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow a ``$ref`` (``#/components/schemas/Name``) to the schema it names."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _models(document: dict[str, Any], schema: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every named model reachable from ``schema`` (through lists, maps and nullable unions)."""
    seen: set[str] = set()
    todo = [schema]
    while todo:
        node = todo.pop()
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            if name not in seen:
                seen.add(name)
                model = document["components"]["schemas"][name]
                yield name, model
                todo.extend(model.get("properties", {}).values())
            continue
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                todo.append(node[key])
        todo.extend(node.get("anyOf", []) + node.get("allOf", []))


def _typed(document: dict[str, Any], prop: dict[str, Any]) -> bool:
    """A property says what it holds: a JSON type, a model, or a union of those."""
    if "type" in prop or "$ref" in prop:
        return True
    return bool(prop.get("anyOf")) and all(_typed(document, p) for p in prop["anyOf"])


def _answer_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    operation = document["paths"][f"/conversations/{{conversation_id}}/{path}"]["get"]
    schema: dict[str, Any] = operation["responses"]["200"]["content"]["application/json"][
        "schema"]
    return schema


@pytest.mark.parametrize(("path", "answer", "keys", "nested"), [
    ("analysis", "AnalysisAnswer",
     {"version", "created_at", "participants", "votes", "statements", "polis_compatible", "k",
      "coordinates", "statement_coordinates", "groups", "group_stability", "consensus",
      "group_informed_consensus", "participation", "bridging", "common_ground_roles",
      "map_cells"},
     {"Group": {"id", "size", "center", "representative"},
      "GroupStabilityAnswer": {"method", "clear_groups", "overall", "per_group", "held_out_z",
                               "min_group_size", "k_scores", "steps"},
      "KStepAnswer": {"k_before", "k_after", "p_value", "reason", "kind", "z"},
      "RepresentativeStatement": {"statement_id", "text", "repful_for", "p_success"},
      "ConsensusStatement": {"statement_id", "n_success", "n_trials", "p_success"},
      "BridgingEntry": {"statement_id", "score", "low", "high", "group_agree", "is_bridging",
                        "status", "weakest_group", "weakest_group_agree", "weakest_group_low",
                        "group_support", "role_status", "role_support"},
      "RoleCommonGroundEntry": {"statement_id", "is_common_ground", "status", "role_support"},
      "ParticipantPoint": {"id", "x", "y", "group"},
      "StatementVotes": {"statement_id", "agree", "disagree", "pass"}}),
    ("diversity", "DiversityAnswer",
     {"k", "participation", "attributes", "reference", "weights", "weighted", "opinion"},
     {"AttributeAnswer": {"respondents", "shares", "representation_ratio"},
      "WeightedStatement": {"statement_id", "agree", "agree_weighted"},
      "OpinionAnswer": {"effective_groups", "coverage", "top_group_informed_consensus"},
      "GroupDifference": {"statement_id", "cramers_v"},
      "VotesPerVoter": {"median", "gini", "histogram"}}),
])
def test_openapi_describes_the_answers_field_by_field(openapi: dict[str, Any], path: str,
                                                      answer: str, keys: set[str],
                                                      nested: dict[str, set[str]]) -> None:
    schema = _answer_schema(openapi, path)
    assert _resolve(openapi, schema) is openapi["components"]["schemas"][answer]
    models = dict(_models(openapi, schema))
    assert set(models[answer]["properties"]) == keys
    for name, fields in nested.items():
        assert fields <= set(models[name]["properties"]), name
    for name, model in models.items():
        assert model.get("description"), f"{name} has no description"
        for field, prop in model["properties"].items():
            assert prop.get("description"), f"{name}.{field} has no description"
            assert _typed(openapi, prop), f"{name}.{field} has no type"


def test_openapi_marks_nullable_figures_and_the_deprecated_key(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    score = schemas["BridgingEntry"]["properties"]["score"]
    assert {"type": "null"} in score["anyOf"]
    gic = schemas["GroupInformedConsensusEntry"]["properties"]["value"]
    assert {"type": "null"} in gic["anyOf"] and "null" in gic["description"]
    opinion = schemas["OpinionAnswer"]["properties"]
    assert opinion["bridging"].get("deprecated") is True
    assert not opinion["top_group_informed_consensus"].get("deprecated")
    reference = _resolve(openapi, openapi["paths"]["/conversations/{conversation_id}/reference"][
        "get"]["responses"]["200"]["content"]["application/json"]["schema"])
    assert set(reference["properties"]) == {"conversation_id", "attributes", "updated_at"}


# ---------------------------------------------------------------------- one bridging list
@needs_data
def test_report_bridging_table_is_the_analyze_json_list(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`meedenken report --tables` and `meedenken analyze --json`, same export and seed: the
    same bridging statements in the same order, with the same scores."""
    folder, seed = str(DATA / SMALL), "3"
    assert main(["analyze", folder, "--json", "--seed", seed]) == 0
    listed = json.loads(capsys.readouterr().out)["bridging"]
    tables = tmp_path / "tables"
    assert main(["report", folder, "--out", str(tmp_path / "report.html"), "--seed", seed,
                 "--no-topics", "--lang", "en", "--tables", str(tables)]) == 0
    capsys.readouterr()
    table = pd.read_parquet(tables / "bridging.parquet")
    assert len(listed) == len(table) > 10
    assert table["statement_id"].tolist() == [b["statement_id"] for b in listed]
    assert table["rank"].tolist() == list(range(1, len(listed) + 1))
    np.testing.assert_allclose(table["score"], [b["score"] for b in listed], atol=5e-5)
    assert table["is_bridging"].tolist() == [b["is_bridging"] for b in listed]
    # The page lists the top of the same table.
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="bridging">'):]
    section = section[:section.index("</section>")]
    shown = [int(part.split(" ", 1)[0]) for part in section.split("<tr><td>#")[1:]]
    assert shown == table["statement_id"].tolist()[:len(shown)] and len(shown) == 10


def test_the_report_does_not_fit_bridging_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The report takes result.bridging from its analysis: one fit, inside analyze()."""
    from meedenken.api.report.build import build_report
    from meedenken.api.report.source import ReportSource

    calls = []
    fit = sys.modules["meedenken.engine.bridging"].bridging

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return fit(*args, **kwargs)

    # Wherever the fitting function was imported (the engine's steps, the package, the report).
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("meedenken.") and any(
                value is fit for value in vars(module).values()):
            for name, value in list(vars(module).items()):
                if value is fit:
                    monkeypatch.setattr(module, name, counted)
    matrix, texts = _conversation()
    source = ReportSource(name="t", location="t", title="t", description="", matrix=matrix,
                          texts=texts)
    report = build_report(source, lang="en", topics=False)
    assert len(calls) == 1
    assert report.result is not None and report.result.bridging is not None
    order = report.result.bridging.listed_order()
    assert report.tables["bridging"]["statement_id"].tolist() == [
        matrix.statement_ids[j] for j in order]


# ---------------------------------------------------------------------- null, never NaN or 0
def _conversation() -> tuple[VoteMatrix, dict[int, str]]:
    rng = np.random.default_rng(1)
    n_p, n_s = 40, 8
    side = np.repeat([1, -1], n_p // 2)
    p, s = np.nonzero(rng.random((n_p, n_s)) < 0.9)
    votes = np.where(s % 2 == 0, 1, side[p]) * np.where(rng.random(len(p)) < 0.9, 1, -1)
    matrix = VoteMatrix.from_records(p.tolist(), s.tolist(), votes)
    return matrix, {j: f"statement {j}" for j in range(n_s)}


def _with_unknowns(result: AnalysisResult) -> tuple[AnalysisResult, int]:
    """``result`` with some figures not finite: the GIC and extremity of one statement, the
    bridging score of the best bridging one. Returns it and that statement's id."""
    assert result.bridging is not None
    j = int(result.bridging.listed_order()[0])
    gic = result.group_informed_consensus.astype(float).copy()
    gic[j] = np.nan
    extremity = result.opinion_map.extremity.astype(float).copy()
    extremity[j] = np.inf
    low = result.bridging.low.astype(float).copy()
    low[j] = np.nan
    return dataclasses.replace(
        result, group_informed_consensus=gic,
        opinion_map=dataclasses.replace(result.opinion_map, extremity=extremity),
        bridging=dataclasses.replace(result.bridging, low=low),
    ), result.statement_ids[j]


def test_unknown_is_null_in_the_api_answer() -> None:
    matrix, _ = _conversation()
    result, sid = _with_unknowns(analyze(matrix, random_state=0))
    body = analysis_to_json(result, matrix, version=1, created_at="t", statements={},
                            roles={})
    text = json.dumps(body, allow_nan=False)  # no NaN or Infinity anywhere
    gic = {e["statement_id"]: e["value"] for e in body["group_informed_consensus"]}
    assert gic[sid] is None and all(v is not None for k, v in gic.items() if k != sid)
    points = {p["id"]: p for p in body["statement_coordinates"]}
    assert points[sid]["extremity"] is None
    top = body["bridging"][0]
    assert top["statement_id"] == sid and top["low"] is None and top["score"] is not None
    # Stored, read back (GET /analysis and the stream) and served: still null.
    again = as_json(stored_analysis(json.loads(text)))
    assert again == body


def test_moderated_out_statements_are_not_in_the_api_group_informed_consensus() -> None:
    """Issue 15, item 6: a rejected (or meta) statement has no votes in the analysis, so its
    group-informed consensus is (1 + 0) / (2 + 0) per group; listed, it outranked real
    statements in GET /analysis. The default mode lists the statements it used, as the report
    does; Pol.is mode keeps every statement, as Pol.is does."""
    matrix, _ = _conversation()
    matrix.set_moderation(excluded=[3], meta=[5])
    body = analysis_to_json(analyze(matrix, random_state=0), matrix, version=1, created_at="t",
                            statements={}, roles={})
    listed = [e["statement_id"] for e in body["group_informed_consensus"]]
    assert sorted(listed) == [0, 1, 2, 4, 6, 7]
    polis = analysis_to_json(analyze(matrix, meedenken.engine.POLIS, random_state=0), matrix,
                             version=1, created_at="t", statements={}, roles={})
    assert sorted(e["statement_id"] for e in polis["group_informed_consensus"]) == list(range(8))


def test_unknown_is_null_in_analyze_json(capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    matrix, _ = _conversation()
    result, sid = _with_unknowns(analyze(matrix, random_state=0))
    answer = as_json(analyze_answer(result, {"read": 0.0}, diversity=_no_diversity()))
    assert answer["group_informed_consensus"][str(sid)] is None
    assert answer["bridging"][0]["low"] is None

    # And through the command itself (its analysis made to return unknowns).
    run = analyze

    def with_unknowns(*args: Any, **kwargs: Any) -> AnalysisResult:
        out, _ = _with_unknowns(run(*args, **kwargs))
        return out

    monkeypatch.setattr(meedenken.engine, "analyze", with_unknowns)
    monkeypatch.setattr("meedenken.api.cli.main.analyze", with_unknowns, raising=False)
    if not DATA.is_dir():
        pytest.skip("shared Pol.is exports not available")
    assert main(["analyze", str(DATA / SMALL), "--json"]) == 0
    out = capsys.readouterr().out
    assert "NaN" not in out and "Infinity" not in out
    data = json.loads(out)
    best = data["bridging"][0]
    assert best["low"] is None
    assert data["group_informed_consensus"][str(best["statement_id"])] is None


def _no_diversity() -> AnalyzeDiversity:
    return AnalyzeDiversity.model_validate({
        "participation": {"joined": 0, "voted": 0, "wrote": 0, "in_conversation": 0,
                          "votes": 0, "density": None,
                          "votes_per_voter": {"mean": None, "median": None, "p90": None,
                                              "max": 0, "gini": None, "top10_share": None},
                          "statements_by_state": {}, "days": 0, "votes_per_day": []},
        "opinion": {"groups": 0, "effective_groups": None, "effective_groups_simpson": None,
                    "total_variance": None, "mean_distance": None, "median_cramers_v": None,
                    "top_group_informed_consensus": [], "bridging": [], "coverage": None}})


def test_unknown_is_null_in_the_tidy_tables(tmp_path: Path) -> None:
    matrix, texts = _conversation()
    result, sid = _with_unknowns(analyze(matrix, random_state=0))
    tables = tidy_tables(matrix, result, texts=texts)
    write_tables(tables, tmp_path)
    for name, column in (("statements", "group_informed_consensus"),
                         ("statements", "extremity"), ("bridging", "low")):
        frame = tables[name].set_index("statement_id")
        assert pd.isna(frame.loc[sid, column]), (name, column)
        # Parquet: a null (not a NaN value); CSV: an empty cell.
        parquet = pq.read_table(tmp_path / f"{name}.parquet")
        ids = parquet.column("statement_id").to_pylist()
        assert parquet.column(column).to_pylist()[ids.index(sid)] is None, (name, column)
        with (tmp_path / f"{name}.csv").open(encoding="utf-8") as f:
            rows = {int(r["statement_id"]): r for r in csv.DictReader(f)}
        assert rows[sid][column] == "", (name, column)
    # Infinity is not a number either: the statements' extremity was +inf.
    assert not np.isinf(tables["statements"]["extremity"]).any()


# ---------------------------------------------------------------------- stored snapshots
#: A snapshot as the first service version stored it (before bridging was added).
OLD_SNAPSHOT = {
    "version": 1, "created_at": "2025-01-01T00:00:00", "participants": 2, "votes": 2,
    "statements": 1, "polis_compatible": False, "k": 0,
    "coordinates": [{"id": 1, "x": 0.0, "y": 0.0, "group": None}],
    "statement_coordinates": [{"id": 5, "x": 0.0, "y": 0.0, "extremity": 0.0}],
    "groups": [], "consensus": {"agree": [], "disagree": []},
    "group_informed_consensus": [{"statement_id": 5, "value": 0.0}],
    "participation": {"n_participants": 2, "n_votes": 2, "n_statements": 1,
                      "votes_per_participant_median": 1.0,
                      "participants_by_role": {"resident": 2},
                      "statements": [{"statement_id": 5, "agree": 2, "disagree": 0,
                                      "pass": 0}]},
}


def test_old_snapshots_still_read_back(client: TestClient) -> None:
    """A snapshot stored by an older version is served under the current schema: the same
    figures, and the parts added since (bridging, common ground across roles) empty."""
    from sqlmodel import Session

    from meedenken.api.present.analysis import empty_analysis
    from meedenken.models.tables import AnalysisSnapshot

    from .helpers import make_dialogue

    d = make_dialogue(client, participants=0)
    assert client.get(d.url("/analysis")).json() == empty_analysis()
    with Session(client.app.state.service.engine) as session:  # type: ignore[attr-defined]
        session.add(AnalysisSnapshot(conversation_id=d.id, version=1, result=OLD_SNAPSHOT))
        session.commit()
    response = client.get(d.url("/analysis"), headers=d.f)  # the facilitator's full answer
    assert response.status_code == 200
    assert response.json() == {**OLD_SNAPSHOT, "bridging": [], "common_ground_roles": [],
                               "map_cells": [], "group_stability": None}
    # The stream sends what GET /analysis answers (both read through stored_analysis).
    assert as_json(stored_analysis(OLD_SNAPSHOT)) == response.json()


@pytest.mark.parametrize("name", ["analysis", "tidy"])
def test_docstring_examples(name: str) -> None:
    """The examples in the presentation layer's docstrings (the NaN policy, CSV escaping)."""
    import doctest
    import importlib

    module = importlib.import_module(f"meedenken.api.present.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_common_ground_across_roles_is_its_own_list() -> None:
    """Issue 16: "common ground across roles" next to the groups' list, small cells hidden."""
    matrix, _ = _conversation()
    n = matrix.n_participants
    role = ["resident"] * (n - 24) + ["professional"] * 20 + ["board"] * 4  # board: hidden
    result = analyze(matrix, attributes={"role": role}, random_state=0)
    answer = as_json(analyze_answer(result, {"read": 0.0}, diversity=_no_diversity()))
    roles = answer["common_ground_roles"]
    assert len(roles) == matrix.n_statements
    flags = [e["is_common_ground"] for e in roles]
    assert flags == sorted(flags, reverse=True)  # common ground first
    assert all(e["is_common_ground"] == (e["status"] == "common_ground") for e in roles)
    assert any(flags)
    assert all(set(e["role_support"]["role"]) <= {"resident", "professional"} for e in roles)
    by_id = {e["statement_id"]: e for e in answer["bridging"]}
    assert all(by_id[e["statement_id"]]["role_status"] == e["status"] for e in roles)
    without = as_json(analyze_answer(analyze(matrix, random_state=0), {"read": 0.0},
                                     diversity=_no_diversity()))
    assert without["common_ground_roles"] == []

"""Issue 20, item 3: a facilitator creates a conversation from a Pol.is export or API data plus
its math state; the first snapshot carries Pol.is's groups on. Bad input: 422, nothing stored."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from meedenken.api import store
from meedenken.models.polis_math import read_polis_math
from meedenken.models.tables import Conversation, Participant, Statement, Vote, VoteHistory
from tests._polis_data import DATA as EXPORTS
from tests._polis_math_data import MATH_DATA, SOUND, needs_math_data

pytestmark = needs_math_data


def _body(name: str, *, math: bool = True) -> dict[str, Any]:
    folder = MATH_DATA / name
    body = {key: json.loads((folder / f"{key}.json").read_text())
            for key in ("votes", "comments", "conversation")}
    if math:
        body["math"] = json.loads((folder / "math-pca2.json").read_text())
    return body


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"export/{name}", data)
    return buffer.getvalue()


def _analysis(client: TestClient, answer: dict[str, Any]) -> dict[str, Any]:
    assert client.app.state.service.scheduler.wait_idle()  # type: ignore[attr-defined]
    r = client.get(f"/conversations/{answer['id']}/analysis",
                   headers={"Authorization": f"Bearer {answer['facilitator_token']}"})
    assert r.status_code == 200, r.text
    return r.json()


def _counts(client: TestClient) -> tuple[int, ...]:
    with Session(client.app.state.service.engine) as session:  # type: ignore[attr-defined]
        return tuple(session.exec(select(func.count()).select_from(t)).one()
                     for t in (Conversation, Participant, Statement, Vote, VoteHistory))


@pytest.mark.parametrize("name", [SOUND[0], SOUND[3]])
def test_first_snapshot_continues_polis(client: TestClient, name: str) -> None:
    r = client.post("/conversations/import", json=_body(name))
    assert r.status_code == 201, r.text
    answer = r.json()
    assert answer["polis_compatible"] is True and answer["warnings"] == []
    conversation = _body(name)["conversation"]
    assert (answer["topic"], answer["description"]) == (conversation["topic"],
                                                        conversation["description"])
    math = read_polis_math(MATH_DATA / name / "math-pca2.json")
    assert answer["polis_groups"] == math.k
    pid, sid = answer["participant_ids"], answer["statement_ids"]
    body = _analysis(client, answer)
    assert body["version"] == 1 and body["polis_compatible"] is True and body["k"] == math.k
    groups = {p["id"]: p["group"] for p in body["coordinates"] if p["group"] is not None}
    assert groups == {pid[str(p)]: g for p, g in math.groups().items()}
    reps = {g["id"]: [s["statement_id"] for s in g["representative"]] for g in body["groups"]}
    assert reps == {g: [sid[str(r["tid"])] for r in rs] for g, rs in math.repness.items()}
    gic = {e["statement_id"]: e["value"] for e in body["group_informed_consensus"]}
    assert {t: gic[sid[str(t)]] for t in math.group_aware_consensus} == pytest.approx(
        math.group_aware_consensus, rel=1e-6)
    with Session(client.app.state.service.engine) as session:  # type: ignore[attr-defined]
        prio = store.latest_priorities(session, answer["id"])
    assert {t: prio[str(sid[str(t)])] for t in math.comment_priorities} == pytest.approx(
        math.comment_priorities, rel=1e-6)


def test_zip_of_api_json_with_math(client: TestClient) -> None:
    folder = MATH_DATA / SOUND[1]
    data = _zip({f: (folder / f).read_bytes() for f in (
        "votes.json", "comments.json", "conversation.json", "math-pca2.json")})
    r = client.post("/conversations/import?topic=Vertrouwen&language=en", content=data,
                    headers={"Content-Type": "application/zip"})
    assert r.status_code == 201, r.text
    answer = r.json()
    assert answer["topic"] == "Vertrouwen" and answer["language"] == "en"
    assert answer["participants"] == 27 and answer["statements"] == 57
    body = _analysis(client, answer)
    math = read_polis_math(folder / "math-pca2.json")
    groups = {p["id"]: p["group"] for p in body["coordinates"] if p["group"] is not None}
    pid = answer["participant_ids"]
    assert groups == {pid[str(p)]: g for p, g in math.groups().items()}


@pytest.mark.skipif(not (EXPORTS / "brexit-consensus").is_dir(), reason="no shared exports")
def test_zip_of_a_csv_export_without_math(client: TestClient) -> None:
    folder = EXPORTS / "brexit-consensus"
    data = _zip({f.name: f.read_bytes() for f in folder.glob("*.csv")})
    r = client.post("/conversations/import", content=data,
                    headers={"Content-Type": "application/zip"})
    assert r.status_code == 201, r.text
    answer = r.json()
    assert answer["polis_compatible"] is False and answer["polis_groups"] == 0
    assert answer["participants"] >= 204 and answer["statements"] == 50
    body = _analysis(client, answer)
    assert body["votes"] == 5303 and body["k"] >= 2


def test_faulty_state_is_carried_with_a_warning(client: TestClient) -> None:
    r = client.post("/conversations/import", json=_body("50ptpt-3gp-strict-no-meta"))
    assert r.status_code == 201, r.text
    assert any("4 vote(s)" in w for w in r.json()["warnings"])


def _without_math_key(body: dict[str, Any], key: str) -> dict[str, Any]:
    body["math"].pop(key)
    return body


BAD = [
    ("not json", lambda: b"{", "application/json"),
    ("no votes", lambda: json.dumps({"comments": []}).encode(), "application/json"),
    ("bad vote", lambda: json.dumps({**_body(SOUND[0]), "votes": [
        {"pid": 0, "tid": 0, "vote": 7}]}).encode(), "application/json"),
    ("bad math", lambda: json.dumps(_without_math_key(_body(SOUND[0]), "pca")).encode(),
     "application/json"),
    ("vote on unknown statement", lambda: json.dumps({**_body(SOUND[0], math=False), "votes": [
        {"pid": 0, "tid": 999, "vote": 1}]}).encode(), "application/json"),
    ("math on unknown statement", lambda: json.dumps({**_body(SOUND[0]), "comments": [
        c for c in _body(SOUND[0])["comments"] if c["tid"] != 5]}).encode(), "application/json"),
    ("not a zip", lambda: b"PK\x03\x04broken", "application/zip"),
    ("zip without files", lambda: _zip({"readme.txt": b"hi"}), "application/zip"),
    ("text", lambda: b"votes", "text/plain"),
    ("empty text", lambda: json.dumps({"votes": [], "comments": [
        {"tid": 0, "txt": "   "}]}).encode(), "application/json"),
]


@pytest.mark.parametrize(("case", "make", "content_type"), BAD, ids=[b[0] for b in BAD])
def test_bad_upload_is_422_and_stores_nothing(client: TestClient, case: str, make: Any,
                                              content_type: str) -> None:
    before = _counts(client)
    r = client.post("/conversations/import", content=make(),
                    headers={"Content-Type": content_type})
    assert r.status_code == 422, (case, r.status_code, r.text)
    assert isinstance(r.json()["detail"], str) and r.json()["detail"]
    assert "meedenken-import" not in r.json()["detail"]  # no server path
    assert _counts(client) == before


def test_bad_query_is_422(client: TestClient) -> None:
    before = _counts(client)
    r = client.post("/conversations/import?language=xx", json=_body(SOUND[0]))
    assert r.status_code == 422
    assert _counts(client) == before


def test_sign_without_counts_follows_the_math(client: TestClient) -> None:
    body = _body(SOUND[1])
    for c in body["comments"]:
        del c["agree_count"], c["disagree_count"]
    r = client.post("/conversations/import", json=body)
    assert r.status_code == 201, r.text
    answer = r.json()
    assert answer["warnings"] == []
    math = read_polis_math(MATH_DATA / SOUND[1] / "math-pca2.json")
    sid = answer["statement_ids"]
    reps = {g["id"]: [s["statement_id"] for s in g["representative"]]
            for g in _analysis(client, answer)["groups"]}
    assert reps == {g: [sid[str(r["tid"])] for r in rs] for g, rs in math.repness.items()}


def test_unmoderated_statements_are_analysed_but_their_text_withheld(client: TestClient) -> None:
    """Pol.is-compatible and strict: a statement awaiting moderation counts in the math (as in
    Pol.is) but its text never reaches the snapshot."""
    comments = [{"tid": t, "txt": f"Stelling {t}", "mod": 0 if t == 2 else 1} for t in range(3)]
    votes = [{"pid": p, "tid": t, "vote": -1 if p % 2 else 1}  # API sign: agree = -1
             for p in range(20) for t in range(3)]
    r = client.post("/conversations/import?polis_compatible=true", json={
        "votes": votes, "comments": comments, "conversation": {"topic": "t",
                                                                "strict_moderation": True}})
    assert r.status_code == 201, r.text
    answer = r.json()
    assert answer["strict_moderation"] is True and answer["polis_compatible"] is True
    pending = answer["statement_ids"]["2"]
    reps = [s for g in _analysis(client, answer)["groups"] for s in g["representative"]]
    assert any(s["statement_id"] == pending for s in reps)
    assert all((s["text"] is None) == (s["statement_id"] == pending) for s in reps)


def test_a_newcomer_votes_and_polis_groups_stay(client: TestClient) -> None:
    """Nothing changes for the participants: after the import, a newcomer's votes give a second
    snapshot in which every participant Pol.is grouped keeps their group."""
    from .helpers import Dialogue

    r = client.post("/conversations/import", json=_body(SOUND[1]))
    assert r.status_code == 201, r.text
    answer = r.json()
    first = _analysis(client, answer)
    d = Dialogue(client, answer["id"], answer["facilitator_token"], [], [])
    d.join()
    sids = sorted(answer["statement_ids"].values())
    for n, sid in enumerate(sids[4:20]):  # past the meta statements
        assert d.vote(sid, (-1, 0, 1)[n % 3]).status_code == 201
    second = _analysis(client, answer)
    assert second["version"] > first["version"] and second["votes"] == first["votes"] + 16
    before = {p["id"]: p["group"] for p in first["coordinates"] if p["group"] is not None}
    after = {p["id"]: p["group"] for p in second["coordinates"]}
    assert {p: after.get(p) for p in before} == before

"""Conversations: create, read, settings, open/close, delete; auth of facilitator routes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from meedenken.models.tables import (
    AnalysisSnapshot,
    Conversation,
    Participant,
    Statement,
    Vote,
    VoteHistory,
)

from .helpers import bearer, make_dialogue


def test_health_and_ready(client):
    assert client.get("/health").json() == {"status": "ok"}
    r = client.get("/ready")
    assert r.status_code == 200 and r.json()["status"] == "ready"


def test_create_returns_id_and_token_once_and_stores_only_a_hash(client):
    r = client.post("/conversations", json={"topic": "Zorg", "language": "en", "max_groups": 3})
    assert r.status_code == 201
    body = r.json()
    assert body["language"] == "en" and body["max_groups"] == 3 and body["is_open"]
    token = body["facilitator_token"]
    assert len(token) >= 43  # 256 bits, url-safe base64
    engine = client.app.state.service.engine
    with Session(engine) as session:
        row = session.get(Conversation, body["id"])
    assert row.facilitator_token_hash != token and len(row.facilitator_token_hash) == 64
    assert "facilitator_token" not in client.get(f"/conversations/{body['id']}").json()


def test_create_rejects_bad_settings(client):
    for body in ({"topic": ""}, {"topic": "x", "max_groups": 11}, {"topic": "x", "max_groups": 1},
                 {"topic": "x", "language": "de"}, {}, {"topic": "x" * 201}):
        r = client.post("/conversations", json=body)
        assert r.status_code == 422, body
        assert r.json()["detail"]


def test_patch_settings_and_close(dialogue):
    c = dialogue.client
    r = c.patch(dialogue.url(), headers=dialogue.f,
                json={"strict_moderation": True, "max_groups": 4, "is_open": False})
    assert r.status_code == 200
    assert r.json()["strict_moderation"] and r.json()["max_groups"] == 4
    assert not c.get(dialogue.url()).json()["is_open"]
    assert c.patch(dialogue.url(), headers=dialogue.f, json={"max_groups": 12}).status_code == 422


def test_facilitator_routes_need_the_facilitator_token(dialogue):
    c = dialogue.client
    other = make_dialogue(c, participants=0)
    cases = [("patch", dialogue.url(), {"is_open": False}),
             ("delete", dialogue.url(), None),
             ("post", dialogue.url("/statements/bulk"), {"statements": [{"text": "x"}]}),
             ("patch", dialogue.url(f"/statements/{dialogue.statements[0]}"),
              {"moderation": "rejected"})]
    for method, url, body in cases:
        kwargs = {"json": body} if body is not None else {}
        assert getattr(c, method)(url, **kwargs).status_code == 401, url
        r = getattr(c, method)(url, headers=dialogue.p(), **kwargs)  # participant token
        assert r.status_code == 403 and "facilitator" in r.json()["detail"], url
        r = getattr(c, method)(url, headers=other.f, **kwargs)  # another conversation's
        assert r.status_code == 403, url
        r = getattr(c, method)(url, headers=bearer("forged"), **kwargs)
        assert r.status_code == 403, url
    r = c.patch(dialogue.url(), json={"is_open": False}, headers={"Authorization": "Basic abc"})
    assert r.status_code == 401
    assert c.get(dialogue.url()).json()["is_open"]  # nothing changed


def test_unknown_conversation_is_404(client):
    for method, url in [("get", "/conversations/999999"), ("patch", "/conversations/999999"),
                        ("delete", "/conversations/999999"),
                        ("post", "/conversations/999999/participants"),
                        ("get", "/conversations/999999/analysis"),
                        ("get", "/conversations/999999/next"),
                        ("post", "/conversations/999999/votes")]:
        kwargs = {"json": {"statement_id": 1, "vote": 1}} if url.endswith("votes") else (
            {"json": {}} if method in ("post", "patch") else {})
        r = getattr(client, method)(url, headers=bearer("x"), **kwargs)
        assert r.status_code == 404, (method, url, r.text)
        assert "not found" in r.json()["detail"]
    assert client.get("/conversations/abc").status_code == 422
    assert client.get(f"/conversations/{2**40}").status_code == 422  # not a 500 from overflow


def _count(engine, table, cid):
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)
                            .where(table.conversation_id == cid)).one()[0]


def test_delete_removes_every_row(dialogue):
    c = dialogue.client
    service = c.app.state.service
    keep = make_dialogue(c, participants=1)
    for d in (dialogue, keep):
        for sid in d.statements:
            assert d.vote(sid, 1).status_code == 201
    assert c.post(dialogue.url("/statements"), headers=dialogue.p(),
                  json={"text": "Een eigen stelling"}).status_code == 201
    service.scheduler.run_once(dialogue.id)
    assert service.scheduler.wait_idle()
    tables = (VoteHistory, Vote, AnalysisSnapshot, Statement, Participant)
    assert all(_count(service.engine, t, dialogue.id) > 0 for t in tables)
    before = {t: _count(service.engine, t, keep.id) for t in tables}
    assert c.delete(dialogue.url(), headers=dialogue.f).status_code == 204
    assert all(_count(service.engine, t, dialogue.id) == 0 for t in tables)
    with Session(service.engine) as session:
        assert session.get(Conversation, dialogue.id) is None
    assert {t: _count(service.engine, t, keep.id) for t in tables} == before
    assert c.get(dialogue.url()).status_code == 404
    assert dialogue.vote(dialogue.statements[0], 1).status_code == 404


def test_not_ready_while_the_schema_is_behind(tmp_path):
    from fastapi.testclient import TestClient

    from meedenken.api.http.app import create_app
    from meedenken.api.settings import Settings

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}", migrate_on_start=False,
                        analysis_in_process=True, embedding_similarity=False)
    with TestClient(create_app(settings)) as http:
        assert http.get("/health").status_code == 200
        r = http.get("/ready")
        assert r.status_code == 503 and "meedenken migrate" in r.json()["detail"]

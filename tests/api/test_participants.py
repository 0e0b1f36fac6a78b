"""Participants join anonymously, with optional xid, role and demographics."""

from __future__ import annotations

from sqlmodel import Session

from meedenken.models.tables import Participant


def test_join_returns_id_and_token(dialogue):
    c = dialogue.client
    r = c.post(dialogue.url("/participants"),
               json={"xid": "abc-1", "role": "carer", "demographics": {"leeftijd": "55-74"}})
    assert r.status_code == 201
    body = r.json()
    assert body["conversation_id"] == dialogue.id and len(body["token"]) >= 43
    with Session(c.app.state.service.engine) as session:
        row = session.get(Participant, body["id"])
    assert row.role == "carer" and row.demographics == {"leeftijd": "55-74"}
    assert row.token_hash != body["token"]
    assert c.post(dialogue.url("/participants"), json={}).status_code == 201  # fully anonymous


def test_xid_is_unique_per_conversation(dialogue):
    c = dialogue.client
    assert c.post(dialogue.url("/participants"), json={"xid": "x1"}).status_code == 201
    r = c.post(dialogue.url("/participants"), json={"xid": "x1"})
    assert r.status_code == 409 and "x1" in r.json()["detail"]
    other = c.post("/conversations", json={"topic": "ander"}).json()["id"]
    assert c.post(f"/conversations/{other}/participants", json={"xid": "x1"}).status_code == 201


def test_bad_join_bodies_are_422(dialogue):
    c = dialogue.client
    for body in ({"role": "king"}, {"xid": ""}, {"demographics": "old"},
                 {"demographics": {"k": {"nested": 1}}},
                 {"demographics": {f"k{i}": i for i in range(31)}},
                 {"demographics": {"k": "x" * 201}}):
        r = c.post(dialogue.url("/participants"), json=body)
        assert r.status_code == 422, body
        assert r.json()["detail"]


def test_closed_conversation_refuses_joins(dialogue):
    c = dialogue.client
    c.patch(dialogue.url(), headers=dialogue.f, json={"is_open": False})
    r = c.post(dialogue.url("/participants"), json={})
    assert r.status_code == 409

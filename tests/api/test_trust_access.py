"""Issue 8, access: tokens, facilitator-only routes, acting only as oneself, xid allow-lists,
revocation and rotation. SQLite and PostgreSQL (the ``client`` fixture)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from meedenken.api.security import TOKEN_BYTES, hash_token, new_token
from meedenken.models.tables import Conversation, Participant, Statement, Vote

from .helpers import bearer, make_dialogue

FORGED = "x" * 43  # as long as a real token, but not one

#: Every facilitator-only operation: (method, path tail, JSON body).
FACILITATOR_ROUTES = [
    ("PATCH", "", {"topic": "overgenomen"}),
    ("DELETE", "", None),
    ("POST", "/statements/bulk", {"statements": [{"text": "Ingevoegd"}]}),
    ("PATCH", "/statements/{sid}", {"moderation": "rejected"}),
    ("GET", "/export", None),
    ("PUT", "/xids", {"xids": ["a"]}),
    ("GET", "/xids", None),
    ("DELETE", "/xids", None),
    ("DELETE", "/participants/{pid}/token", None),
    ("POST", "/facilitator-token", None),
    ("GET", "/retention", None),
    ("PUT", "/retention", {"retention_days": 1}),
]


def _engine(client):
    return client.app.state.service.engine


def _participant_id(client, token: str) -> int:
    with Session(_engine(client)) as s:
        return s.exec(select(Participant.id)
                      .where(Participant.token_hash == hash_token(token))).one()


def test_tokens_are_random_256_bit_and_stored_only_as_hashes(client):
    tokens = {new_token()[0] for _ in range(1000)}
    assert len(tokens) == 1000 and TOKEN_BYTES * 8 >= 128
    assert all(len(t) >= 43 for t in tokens)  # 32 bytes in URL-safe base64
    d = make_dialogue(client, participants=3)
    with Session(_engine(client)) as s:
        stored = {c.facilitator_token_hash for c in s.exec(select(Conversation)).all()}
        stored |= {p.token_hash for p in s.exec(select(Participant)).all()}
    for token in [d.facilitator, *d.tokens]:
        assert token not in stored and hash_token(token) in stored


@pytest.mark.parametrize(("method", "tail", "body"), FACILITATOR_ROUTES)
def test_facilitator_routes_refuse_participant_forged_and_missing_tokens(client, method, tail,
                                                                         body):
    d = make_dialogue(client)
    other = make_dialogue(client)  # its facilitator is not this conversation's
    path = d.url(tail.format(sid=d.statements[0], pid=_participant_id(client, d.tokens[0])))
    for headers, expected in ((d.p(0), 403), (bearer(FORGED), 403), (other.f, 403), ({}, 401)):
        r = client.request(method, path, headers=headers, json=body)
        assert r.status_code == expected, (headers, r.text)
        assert "detail" in r.json()
    with Session(_engine(client)) as s:  # nothing changed
        conv = s.get(Conversation, d.id)
        assert conv is not None and conv.topic == "Zorg in de wijk"
        assert s.get(Statement, d.statements[0]).moderation == "accepted"  # type: ignore[union-attr]


def test_a_participant_votes_and_writes_only_as_themself(client):
    d = make_dialogue(client, participants=2)
    me, other = (_participant_id(client, t) for t in d.tokens)
    sid = d.statements[0]
    r = client.post(d.url("/votes"), headers=d.p(0),
                    json={"statement_id": sid, "vote": 1, "participant_id": other})
    assert r.status_code == 201 and r.json()["participant_id"] == me
    r = client.post(d.url("/statements"), headers=d.p(0),
                    json={"text": "Mijn eigen stelling", "author_id": other})
    assert r.status_code == 201 and r.json()["statement"]["author_id"] == me
    with Session(_engine(client)) as s:
        votes = s.exec(select(Vote.participant_id).where(Vote.conversation_id == d.id)).all()
    assert votes == [me]
    # A token of another conversation cannot vote here.
    elsewhere = make_dialogue(client)
    r = client.post(d.url("/votes"), headers=elsewhere.p(0), json={"statement_id": sid, "vote": 1})
    assert r.status_code == 403


def test_xid_allow_list_admits_only_listed_xids(client):
    d = make_dialogue(client, participants=1)
    r = client.put(d.url("/xids"), headers=d.f, json={"xids": ["bewoner-1", "bewoner-2",
                                                               "bewoner-1"]})
    assert r.status_code == 200 and r.json() == {"required": True, "count": 2}
    assert client.get(d.url("/xids"), headers=d.f).json() == {"required": True, "count": 2}
    r = client.post(d.url("/participants"), json={})
    assert r.status_code == 403 and "xid" in r.json()["detail"]
    r = client.post(d.url("/participants"), json={"xid": "indringer"})
    assert r.status_code == 403 and "not on the invitation list" in r.json()["detail"]
    assert client.post(d.url("/participants"), json={"xid": "bewoner-1"}).status_code == 201
    # Used: the same 403 as unlisted (no oracle of who took part; issue 18)
    assert client.post(d.url("/participants"), json={"xid": "bewoner-1"}).status_code == 403
    # Another conversation's list does not apply here, nor this one's there.
    other = make_dialogue(client, participants=0)
    assert client.post(other.url("/participants"), json={"xid": "indringer"}).status_code == 201
    assert client.delete(d.url("/xids"), headers=d.f).status_code == 204
    assert client.post(d.url("/participants"), json={"xid": "indringer"}).status_code == 201


def test_revoked_participant_token_stops_working(client):
    d = make_dialogue(client, participants=2)
    pid = _participant_id(client, d.tokens[0])
    assert d.vote(d.statements[0], 1).status_code == 201
    r = client.delete(d.url(f"/participants/{pid}/token"), headers=d.f)
    assert r.status_code == 204
    assert d.vote(d.statements[1], 1).status_code == 403
    assert client.get(d.url("/next"), headers=d.p(0)).status_code == 403
    r = client.post(d.url("/statements"), headers=d.p(0), json={"text": "Nog een stelling"})
    assert r.status_code == 403
    assert d.vote(d.statements[1], 1, i=1).status_code == 201  # the others still can
    with Session(_engine(client)) as s:  # the revoked participant's vote stays
        assert s.exec(select(Vote).where(Vote.participant_id == pid)).one().value == 1
    other = make_dialogue(client)
    r = client.delete(other.url(f"/participants/{pid}/token"), headers=other.f)
    assert r.status_code == 404  # not a participant of that conversation


def test_facilitator_token_rotation(client):
    d = make_dialogue(client)
    r = client.post(d.url("/facilitator-token"), headers=d.f)
    assert r.status_code == 200
    new = r.json()["facilitator_token"]
    assert new != d.facilitator and len(new) >= 43
    assert client.patch(d.url(), headers=d.f, json={"topic": "oud"}).status_code == 403
    assert client.patch(d.url(), headers=bearer(new), json={"topic": "nieuw"}).status_code == 200

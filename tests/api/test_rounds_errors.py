"""Dialogues in rounds (issue 21, item 6): bad input is a clear 4xx and stores nothing."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from meedenken.api.live.retention import purge_expired
from meedenken.models.tables import utcnow

from .helpers import Dialogue, bearer, make_dialogue


def _count(client: TestClient, table: str) -> int:
    with Session(client.app.state.service.engine) as session:  # type: ignore[attr-defined]
        return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _round(client: TestClient, d: Dialogue, **body: object) -> dict:
    r = client.post(d.url("/rounds"), headers=d.f, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_bad_carry_is_refused_and_nothing_is_made(client: TestClient) -> None:
    d = make_dialogue(client)
    other = make_dialogue(client)
    r = client.patch(d.url(f"/statements/{d.statements[1]}"), headers=d.f,
                     json={"moderation": "rejected"})
    assert r.status_code == 200
    before = {t: _count(client, t) for t in ("conversation", "statement", "trajectory")}
    cases = [
        ({"carry": [other.statements[0]]}, 422, "not a statement of conversation"),
        ({"carry": [d.statements[1]]}, 422, "rejected"),
        ({"carry": [d.statements[0], d.statements[0]]}, 422, "more than once"),
        ({"carry": ["5"]}, 422, ""),
        ({"carry": [2**31]}, 422, ""),
        ({"carry": [d.statements[0]], "statements": [{"text": " "}]}, 422, ""),
        ({"topic": ""}, 422, ""),
        ({"colour": "red"}, 422, ""),
    ]
    for body, code, words in cases:
        r = client.post(d.url("/rounds"), headers=d.f, json=body)
        assert r.status_code == code, (body, r.text)
        assert words in r.text
    assert {t: _count(client, t) for t in before} == before
    assert client.get(d.url("/trajectory")).json() == {"round": 1, "earlier": []}
    # a participant cannot make a round; nobody without a token can
    assert client.post(d.url("/rounds"), headers=d.p(0), json={}).status_code == 403
    assert client.post(d.url("/rounds"), json={}).status_code == 401


def test_default_carry_follows_the_analysis(client: TestClient) -> None:
    d = make_dialogue(client)
    made = _round(client, d)  # before any analysis: nothing to carry by default
    assert made["carried"] == []
    assert client.get(f"/conversations/{made['id']}/statements").json()["count"] == 0


def test_one_next_round_and_no_round_after_a_deleted_one(client: TestClient) -> None:
    carried_before = _count(client, "carried_statement")  # PostgreSQL: shared by the session
    d = make_dialogue(client)
    r2 = _round(client, d, carry=d.statements[:1])["id"]
    r = client.post(d.url("/rounds"), headers=d.f, json={})
    assert r.status_code == 409 and "latest round" in r.text
    assert client.delete(f"/conversations/{r2}", headers=d.f).status_code == 204
    r = client.post(f"/conversations/{r2}/rounds", headers=d.f, json={})
    assert r.status_code == 404
    # round 1 is the latest again: a new round 2 may follow it
    again = _round(client, d)
    assert again["round"] == 2
    assert _count(client, "carried_statement") == carried_before


def test_returning_tokens_that_do_not_belong(client: TestClient) -> None:
    a = make_dialogue(client, participants=2)
    b = make_dialogue(client, participants=1)
    a2 = _round(client, a, carry=a.statements[:2])["id"]
    b2 = _round(client, b)["id"]
    joined_before = _count(client, "participant")
    url = f"/conversations/{a2}/participants"
    for token, code in ((b.tokens[0], 403), ("not-a-token", 403), (a.facilitator, 403)):
        r = client.post(url, json={"returning_token": token})
        assert r.status_code == code, r.text
    # a token of a later round is not "earlier"
    later = client.post(f"/conversations/{b2}/participants", json={}).json()["token"]
    assert client.post(f"/conversations/{b.id}/participants",
                       json={"returning_token": later}).status_code == 403
    # a conversation in no trajectory has no earlier round to return from
    alone = make_dialogue(client, participants=0)
    assert client.post(alone.url("/participants"),
                       json={"returning_token": a.tokens[1]}).status_code == 422
    assert client.post(url, json={"returning_token": ""}).status_code == 422
    assert _count(client, "participant") == joined_before + 1  # only the b2 join above
    first = client.post(url, json={"returning_token": a.tokens[0]})
    assert first.status_code == 201 and first.json()["returning"] is True
    twice = client.post(url, json={"returning_token": a.tokens[0]})
    assert twice.status_code == 409
    # no token (raw or hashed) is stored with the link: only random person ids
    with Session(client.app.state.service.engine) as session:  # type: ignore[attr-defined]
        people = [row[0] for row in session.execute(
            text("SELECT person FROM round_person WHERE conversation_id IN (:a, :a2)"),
            {"a": a.id, "a2": a2})]
    assert len(people) == 2 and len(set(people)) == 1
    assert all(a.tokens[0] not in p and len(p) == 32 for p in people)


def test_retention_applies_per_round(client: TestClient) -> None:
    d = make_dialogue(client, participants=1)
    d.vote(d.statements[0], 1)
    r2 = _round(client, d, carry=d.statements[:1])["id"]
    back = client.post(f"/conversations/{r2}/participants",
                       json={"returning_token": d.tokens[0]})
    assert back.status_code == 201
    assert client.put(d.url("/retention"), headers=d.f,
                      json={"retention_days": 0}).status_code == 200
    assert client.patch(d.url(), headers=d.f, json={"is_open": False}).status_code == 200
    purged = purge_expired(client.app.state.service.engine,  # type: ignore[attr-defined]
                           utcnow() + timedelta(seconds=1))
    assert purged == [d.id]
    # round 1's tokens are gone: nobody can return with them any more; round 2 is untouched
    r = client.post(f"/conversations/{r2}/participants", json={"returning_token": d.tokens[0]})
    assert r.status_code == 403
    p = client.get(f"/conversations/{r2}/process", headers=d.f).json()
    assert [x["participants"] for x in p["rounds"]] == [1, 1]
    assert [x["returning"] for x in p["rounds"]] == [0, 1]


def test_process_answer_follows_every_change(client: TestClient) -> None:
    """The process cache never serves a stale count: a vote, a join, an answer, a close."""
    d = make_dialogue(client, participants=0)
    tokens = [d.join() for _ in range(6)]
    for i in range(6):
        d.vote(d.statements[0], 1, i)
    made = _round(client, d, carry=d.statements[:1])
    r2, s2 = made["id"], made["carried"][0]["id"]

    def process() -> dict:
        r = client.get(f"/conversations/{r2}/process", headers=d.f)
        assert r.status_code == 200, r.text
        return r.json()

    assert process()["carried"][0]["rounds"][0]["votes"]["agree"] == 6
    back = [client.post(f"/conversations/{r2}/participants",
                        json={"returning_token": t}).json()["token"] for t in tokens]
    assert [x["returning"] for x in process()["rounds"]] == [0, 6]
    for t in back:
        r = client.post(f"/conversations/{r2}/votes", headers=bearer(t),
                        json={"statement_id": s2, "vote": -1})
        assert r.status_code == 201
    p = process()
    assert p["carried"][0]["rounds"][1]["votes"]["disagree"] == 6
    assert p["carried"][0]["shifts"][0]["transitions"]["agree"]["disagree"] == 6
    assert p["carried"][0]["rounds"][1]["by_role"] == {}
    for t in back:  # answers to the join questions, given after joining
        r = client.patch(f"/conversations/{r2}/participants/me", headers=bearer(t),
                         json={"role": "carer"})
        assert r.status_code == 200
    assert process()["carried"][0]["rounds"][1]["by_role"] == {
        "carer": {"agree": 0, "disagree": 6, "pass": 0}}
    # closing round 1 and voting again in round 2 both show at once
    assert client.patch(d.url(), headers=d.f, json={"is_open": False}).status_code == 200
    assert [x["is_open"] for x in process()["rounds"]] == [False, True]
    assert client.post(f"/conversations/{r2}/votes", headers=bearer(back[0]),
                       json={"statement_id": s2, "vote": 1}).status_code == 201
    assert process()["carried"][0]["rounds"][1]["votes"]["agree"] == 1


def test_a_round_after_a_round_nobody_joined(client: TestClient) -> None:
    """The stateful fuzzer's find: a next round of a conversation without participants or
    statements warmed the process answer with an empty retention table and failed (500)."""
    r = client.post("/conversations", json={"topic": "Leeg gesprek"})
    assert r.status_code == 201
    first = r.json()
    f = bearer(first["facilitator_token"])
    r = client.post(f"/conversations/{first['id']}/rounds", headers=f, json={})
    assert r.status_code == 201, r.text
    second = r.json()["id"]
    process = client.get(f"/conversations/{second}/process", headers=f)
    assert process.status_code == 200, process.text
    body = process.json()
    assert [x["participants"] for x in body["rounds"]] == [0, 0]
    assert body["retention"][0]["overall"]["before"] in (0, None)

"""Issue 21, the close-out audit: attacks on the rounds routes. Each a clear 4xx with nothing
stored half-way, never a 500; no endless supply of rounds; two next rounds at once make one."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from meedenken.api.http.app import create_app
from meedenken.api.settings import Settings

from .helpers import Dialogue, bearer, make_dialogue


def _count(client: TestClient, table: str) -> int:
    with Session(client.app.state.service.engine) as session:  # type: ignore[attr-defined]
        return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


@pytest.fixture
def limited(settings: Settings) -> Iterator[TestClient]:
    tight = settings.model_copy(update={
        "rate_limits": True, "limit_conversations_address": "3/h",
        "limit_statements_participant": "2/10min"})
    with TestClient(create_app(tight)) as test_client:
        yield test_client


def test_rounds_are_new_conversations_to_the_address_limit(limited: TestClient) -> None:
    """A facilitator token is no endless supply of conversations: each next round counts as a
    new conversation (issue 18's per-address limit)."""
    made = limited.post("/conversations", json={"topic": "Pool"}).json()
    cid, f = made["id"], bearer(made["facilitator_token"])
    codes = []
    for _ in range(4):
        r = limited.post(f"/conversations/{cid}/rounds", headers=f, json={})
        codes.append(r.status_code)
        cid = r.json()["id"] if r.status_code == 201 else cid
    assert codes == [201, 201, 429, 429]


def test_the_trajectory_token_seeds_a_later_round_without_the_statement_limit(
        limited: TestClient) -> None:
    made = limited.post("/conversations", json={"topic": "Pool"}).json()
    f = bearer(made["facilitator_token"])
    r2 = limited.post(f"/conversations/{made['id']}/rounds", headers=f, json={}).json()["id"]
    codes = [limited.post(f"/conversations/{r2}/statements", headers=f,
                          json={"text": f"Stelling nummer {i} voor de tweede ronde."}).status_code
             for i in range(4)]
    assert codes == [201] * 4


def test_huge_and_malformed_bodies(client: TestClient, settings: Settings) -> None:
    d = make_dialogue(client)
    before = {t: _count(client, t) for t in ("conversation", "statement", "trajectory_round")}
    # as many new seeds as the bulk upload takes, each of 400 characters: accepted as one body
    seeds = [{"text": f"{i:04d} " + "x" * 395} for i in range(settings.bulk_max)]
    cases: list[tuple[object, int]] = [
        ({"statements": [*seeds, {"text": "een te veel"}]}, 422),  # bulk_max + 1
        ({"carry": list(range(1, 1002))}, 422),  # more ids than a round has room for
        ({"carry": None, "statements": None}, 422),
        ([], 422), ("rounds", 422), (None, 422),
        ({"topic": "x" * 10_000}, 422),
        ({"description": "\x00"}, 422),
        ({"carry": [d.statements[0]], "statements": [{"text": "x" * 401}]}, 422),
    ]
    for body, code in cases:
        r = client.post(d.url("/rounds"), headers=d.f, json=body)
        assert r.status_code == code, (str(body)[:80], r.text[:200])
    r = client.post(d.url("/rounds"), headers={**d.f, "Content-Type": "application/json"},
                    content=b'{"carry": [' + b"1," * 600_000 + b"1]}")
    assert r.status_code == 413
    r = client.post(d.url("/rounds"), headers={**d.f, "Content-Type": "application/json"},
                    content=b'{"carry": [')
    assert r.status_code == 422
    assert {t: _count(client, t) for t in before} == before
    r = client.post(d.url("/rounds"), headers=d.f, json={"statements": seeds})
    assert r.status_code == 201, r.text[:200]
    assert len(r.json()["statements"]) == settings.bulk_max


def test_rounds_of_closed_deleted_and_unknown_conversations(client: TestClient) -> None:
    d = make_dialogue(client)
    assert client.patch(d.url(), headers=d.f, json={"is_open": False}).status_code == 200
    r2 = client.post(d.url("/rounds"), headers=d.f, json={"carry": d.statements[:1]})
    assert r2.status_code == 201  # a closed round may be followed
    assert client.get(f"/conversations/{r2.json()['id']}").json()["is_open"] is True
    for path in ("/rounds", "/rounds/carry", "/process", "/process/map", "/trajectory"):
        method = client.post if path == "/rounds" else client.get
        kwargs = {"json": {}} if path == "/rounds" else {}
        assert method(f"/conversations/1999999999{path}", headers=d.f,
                      **kwargs).status_code == 404, path  # type: ignore[operator]
        assert method(f"/conversations/05{path}", headers=d.f,
                      **kwargs).status_code == 422, path  # type: ignore[operator]
    assert client.delete(f"/conversations/{r2.json()['id']}/trajectory",
                         headers=d.f).status_code == 204
    for path in ("/rounds/carry", "/process", "/process/map", "/trajectory"):
        assert client.get(d.url(path), headers=d.f).status_code == 404, path
    assert client.post(d.url("/rounds"), headers=d.f, json={}).status_code == 404
    assert client.delete(d.url("/trajectory"), headers=d.f).status_code == 404


def test_a_returning_token_is_no_key_to_someone_elses_trajectory(client: TestClient) -> None:
    """Tokens of another trajectory, of a round-2 participant used on round 1, of the
    facilitator, of a revoked participant: 403; nothing is linked or stored."""
    a = make_dialogue(client, participants=2)
    b = make_dialogue(client, participants=1)
    a2 = client.post(a.url("/rounds"), headers=a.f, json={}).json()["id"]
    b2 = client.post(b.url("/rounds"), headers=b.f, json={}).json()["id"]
    pid = client.post(a.url("/participants"), json={}).json()
    assert client.delete(a.url(f"/participants/{pid['id']}/token"),
                         headers=a.f).status_code == 204
    joined, linked = _count(client, "participant"), _count(client, "round_person")
    for token in (b.tokens[0], a.facilitator, b.facilitator, pid["token"], "x" * 200):
        r = client.post(f"/conversations/{a2}/participants", json={"returning_token": token})
        assert r.status_code == 403, r.text
    assert client.post(f"/conversations/{a2}/participants",
                       json={"returning_token": "x" * 201}).status_code == 422
    assert client.post(f"/conversations/{b2}/participants",
                       json={"returning_token": a.tokens[0]}).status_code == 403
    assert (_count(client, "participant"), _count(client, "round_person")) == (joined, linked)


def test_two_next_rounds_at_once_make_one(client: TestClient) -> None:
    """Two facilitator tabs press "next round" at the same moment: one round is made, the other
    request gets 409, and the trajectory has no half-made round."""
    def make(d: Dialogue, barrier: threading.Barrier, codes: list[int]) -> None:
        barrier.wait()
        r = client.post(d.url("/rounds"), headers=d.f, json={"carry": d.statements[:2]})
        codes.append(r.status_code)

    for _ in range(3):  # the race is won at different points; each time one round
        d = make_dialogue(client)
        barrier = threading.Barrier(2)
        codes: list[int] = []
        threads = [threading.Thread(target=make, args=(d, barrier, codes)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(codes) == [201, 409], codes
        with Session(client.app.state.service.engine) as session:  # type: ignore[attr-defined]
            rounds = session.execute(text(
                "SELECT number FROM trajectory_round WHERE trajectory_id = (SELECT trajectory_id "
                f"FROM trajectory_round WHERE conversation_id = {d.id}) ORDER BY number")).all()
            assert [n for (n,) in rounds] == [1, 2]
            orphans = session.execute(text(
                "SELECT count(*) FROM conversation c WHERE NOT EXISTS (SELECT 1 FROM "
                "trajectory_round r WHERE r.conversation_id = c.id) AND EXISTS (SELECT 1 FROM "
                "carried_statement s WHERE s.conversation_id = c.id)")).scalar_one()
            assert orphans == 0


def test_small_returning_counts_are_hidden_everywhere_in_the_process(client: TestClient) -> None:
    """Three of six come back with six new people: the returning / new split and the number
    of pairs behind a shift are cells under 5, so GET /process hides them (the participants
    of the round, their sum, stay)."""
    d = make_dialogue(client, participants=0)
    first = [d.join() for _ in range(6)]
    for i in range(6):
        assert d.vote(d.statements[0], 1, i).status_code == 201
    made = client.post(d.url("/rounds"), headers=d.f, json={"carry": d.statements[:1]}).json()
    r2, s2 = made["id"], made["carried"][0]["id"]
    bodies = [{"returning_token": t} for t in first[:3]] + [{}] * 6
    for body in bodies:
        token = client.post(f"/conversations/{r2}/participants", json=body).json()["token"]
        assert client.post(f"/conversations/{r2}/votes", headers=bearer(token),
                           json={"statement_id": s2, "vote": -1}).status_code == 201
    p = client.get(f"/conversations/{r2}/process", headers=d.f).json()
    assert [(x["participants"], x["returning"], x["new"]) for x in p["rounds"]] == [
        (6, 0, 6), (9, None, None)]
    shift = p["carried"][0]["shifts"][0]
    assert shift["n_pairs"] is None and shift["changed"] is None
    assert shift["transitions"] is None and shift["agree_change"] is None
    assert p["retention"][0]["overall"] == {"before": 6, "returned": None}
    # nothing public links the rounds' people: the trajectory tells round numbers only
    public = client.get(f"/conversations/{r2}/trajectory").json()
    assert public == {"round": 2, "earlier": [{"id": d.id, "round": 1}]}


def test_the_default_carry_is_chosen_without_the_write_lock(client: TestClient,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            db_url: str) -> None:
    """Choosing the default carry reads every vote of the round (two million at 20,000 people
    and 100 statements): on SQLite, doing it under the write lock would stall every vote."""
    from meedenken.api.routes import rounds
    from meedenken.models.db import sqlite_write_lock

    if not db_url.startswith("sqlite"):
        pytest.skip("the write lock is SQLite's")
    held = []
    real = rounds.proposed_carry

    def spy(*args: object) -> object:
        held.append(sqlite_write_lock.locked())
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(rounds, "proposed_carry", spy)
    d = make_dialogue(client)
    assert client.post(d.url("/rounds"), headers=d.f, json={}).status_code == 201
    assert held == [False]

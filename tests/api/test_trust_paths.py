"""Issue 18, item 2: rate limits bypassed through the path.

The limiter matched ``^/conversations/(\\d+)/`` while the routes parsed ``+5``, `` 5`` (``%205``),
``05`` and ``5.0`` as conversation 5: joins, votes and statements sent that way were never
counted. These tests replay the attack: every spelling but the canonical one is refused (422)
before any route does work, and none of them escapes a limit. Creating conversations is limited
per address too.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from meedenken.api.http.app import create_app
from meedenken.api.settings import Settings

from .helpers import bearer, make_dialogue

#: Other spellings of the same number that pydantic's lax ``int`` accepts.
SPELLINGS = ["+{id}", "%20{id}", "{id}%20", "0{id}", "{id}.0", "%2B{id}"]


@pytest.fixture
def limited(settings: Settings) -> Iterator[TestClient]:
    tight = settings.model_copy(update={
        "rate_limits": True, "limit_votes_participant": "1/min burst 3",
        "limit_statements_participant": "2/10min", "limit_joins_address": "5/min",
        "limit_conversations_address": "3/h"})
    with TestClient(create_app(tight)) as test_client:
        yield test_client


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_non_canonical_conversation_ids_are_refused_with_422(client, spelling):
    d = make_dialogue(client, participants=1)
    path = "/conversations/" + spelling.format(id=d.id)
    sid = d.statements[0]
    assert client.get(path).status_code == 422
    assert client.post(path + "/participants", json={}).status_code == 422
    r = client.post(path + "/votes", headers=d.p(0), json={"statement_id": sid, "vote": 1})
    assert r.status_code == 422, r.text
    r = client.post(path + "/statements", headers=d.p(0), json={"text": "Via een omweg"})
    assert r.status_code == 422
    assert client.get(path + "/next", headers=d.p(0)).status_code == 422
    assert client.patch(path, headers=d.f, json={"is_open": False}).status_code == 422
    # Statement ids in the path have one spelling too.
    r = client.patch(d.url(f"/statements/+{sid}"), headers=d.f, json={"moderation": "rejected"})
    assert r.status_code == 422
    # Nothing reached the database: no vote, no statement, the conversation still open.
    assert client.get(d.url()).json()["is_open"] is True
    assert client.get(d.url("/statements")).json()["count"] == len(d.statements)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_no_spelling_of_the_id_escapes_the_limits(limited, spelling):
    d = make_dialogue(limited, participants=2)  # two joins spent
    other = "/conversations/" + spelling.format(id=d.id)
    # Votes: the burst of 3 spent on the canonical path, then 20 more through the other spelling.
    assert [d.vote(s, 1).status_code for s in d.statements[:3]] == [201] * 3
    codes = {limited.post(other + "/votes", headers=d.p(0),
                          json={"statement_id": d.statements[3], "vote": 1}).status_code
             for _ in range(20)}
    assert 201 not in codes and codes <= {422, 429}
    # Joins: 5 per minute per address, whatever the spelling.
    codes = {limited.post(other + "/participants", json={}).status_code for _ in range(20)}
    assert 201 not in codes
    # Statements: 2 per 10 minutes per participant.
    codes = {limited.post(other + "/statements", headers=d.p(1),
                          json={"text": f"Idee {i}"}).status_code for i in range(10)}
    assert 201 not in codes
    listed = limited.get(d.url("/statements")).json()["count"]
    assert listed == len(d.statements)


def test_the_limiter_charges_every_spelling_to_the_same_bucket(limited):
    """Even where a route would accept the request, the limiter has already counted it: three
    votes through ``+id`` spend the burst the canonical path then lacks."""
    d = make_dialogue(limited, participants=1)
    for sid in d.statements[:3]:
        limited.post(f"/conversations/+{d.id}/votes", headers=d.p(0),
                     json={"statement_id": sid, "vote": 1})
    r = d.vote(d.statements[3], 1)
    assert r.status_code == 429 and "Retry-After" in r.headers


def test_creating_conversations_is_limited_per_address(limited):
    codes = [limited.post("/conversations", json={"topic": f"Wegwerp {i}"}).status_code
             for i in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    r = limited.post("/conversations/", json={"topic": "Met een schuine streep"})
    assert r.status_code in (307, 404, 405, 429)  # never a new conversation
    assert r.status_code != 201


def test_conversation_limit_is_a_setting(db_url):
    settings = Settings(database_url=db_url, analysis_in_process=True,
                        limit_conversations_address="off")
    assert ("conversations", "address") not in {k for k, v in
                                                settings.rate_limit_table().items() if v}
    with TestClient(create_app(settings)) as client:
        codes = {client.post("/conversations", json={"topic": f"T{i}"}).status_code
                 for i in range(8)}
        assert codes == {201}
        created = client.post("/conversations", json={"topic": "T"}).json()
        assert client.get(f"/conversations/{created['id']}",
                          headers=bearer(created["facilitator_token"])).status_code == 200

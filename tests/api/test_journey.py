"""Issue 19 over HTTP: settings kept in the conversation, the way back in for a facilitator,
duplicate seeds, the first answer of the participant page, the not-found page, the state
stream, compression and cache lifetimes."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from fastapi.testclient import TestClient

from meedenken.api.http.page_render import boot_json

from .helpers import SEEDS, Dialogue, bearer, make_dialogue


def _boot(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="boot">(.*?)</script>', page, re.S)
    assert match is not None
    return json.loads(match.group(1))


def test_settings_live_in_the_conversation(client: TestClient) -> None:
    r = client.post("/conversations", json={"topic": "t", "join_questions": ["area", "role",
                                                                              "area"],
                                            "organiser": "GGD Haaglanden",
                                            "contact": "privacy@ggd.example"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["join_questions"] == ["role", "area"]  # once each, in the page's order
    cid, f = body["id"], bearer(body["facilitator_token"])
    public = client.get(f"/conversations/{cid}").json()
    assert public["join_questions"] == ["role", "area"]
    assert public["organiser"] == "GGD Haaglanden" and public["privacy_purpose"] == ""
    r = client.patch(f"/conversations/{cid}", headers=f, json={"join_questions": []})
    assert r.status_code == 200 and r.json()["join_questions"] == []
    assert client.patch(f"/conversations/{cid}", headers=f,
                        json={"join_questions": ["shoe size"]}).status_code == 422
    assert client.post("/conversations", json={"topic": "t", "organiser": "x" * 201}
                       ).status_code == 422
    # The default asks all three, as before.
    assert client.post("/conversations", json={"topic": "t"}).json()["join_questions"] == [
        "role", "age", "area"]
    # The page says the same to every link: ?ask= no longer changes it.
    page = client.get(f"/c/{cid}?ask=role,age,area").text
    assert _boot(page)["conversation"]["join_questions"] == []


def test_recovery_code_trades_once_for_a_new_token(client: TestClient) -> None:
    body = client.post("/conversations", json={"topic": "t"}).json()
    cid, token, code = body["id"], body["facilitator_token"], body["recovery_code"]
    assert code and code != token
    url = f"/conversations/{cid}/facilitator-token/recover"
    assert client.post(url, json={"recovery_code": "wrong"}).status_code == 403
    assert client.post(url, json={}).status_code == 422
    r = client.post(url, json={"recovery_code": code})
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["facilitator_token"] != token and new["recovery_code"] != code
    xids = f"/conversations/{cid}/xids"
    assert client.get(xids, headers=bearer(token)).status_code == 403  # old token gone
    assert client.get(xids, headers=bearer(new["facilitator_token"])).status_code == 200
    assert client.post(url, json={"recovery_code": code}).status_code == 403  # used once
    # Nothing in plain text: the stored columns are SHA-256 hashes of neither secret's text.
    from sqlmodel import Session

    from meedenken.api.security import hash_token
    from meedenken.models.tables import Conversation
    with Session(client.app.state.service.engine) as session:  # type: ignore[attr-defined]
        row = session.get(Conversation, cid)
        assert row is not None
        assert row.facilitator_recovery_hash == hash_token(new["recovery_code"])
        assert new["recovery_code"] not in (row.facilitator_recovery_hash,
                                            row.facilitator_token_hash)


def test_duplicate_seeds_are_refused_and_nothing_is_stored(client: TestClient) -> None:
    body = client.post("/conversations", json={"topic": "t"}).json()
    cid, f = body["id"], bearer(body["facilitator_token"])
    url = f"/conversations/{cid}/statements/bulk"
    r = client.post(url, headers=f, json={"statements": [
        {"text": "Meer thuiszorg."}, {"text": "Minder regels"}, {"text": "meer  THUISZORG!"}]})
    assert r.status_code == 422 and "#1 = #3" in r.json()["detail"]
    assert client.get(f"/conversations/{cid}/statements").json()["count"] == 0
    assert client.post(url, headers=f, json={"statements": [{"text": "Meer thuiszorg."}]}
                       ).status_code == 201
    r = client.post(url, headers=f, json={"statements": [{"text": "meer thuiszorg"},
                                                         {"text": "Iets anders"}]})
    assert r.status_code == 422 and "an existing statement" in r.json()["detail"]
    assert client.get(f"/conversations/{cid}/statements").json()["count"] == 1


def test_participant_page_carries_its_first_statement(client: TestClient,
                                                      dialogue: Dialogue) -> None:
    r = client.get(f"/c/{dialogue.id}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    boot = _boot(r.text)
    assert boot["preview"]["text"] in SEEDS and boot["total"] == len(SEEDS)
    assert f'data-statement-id="{boot["preview"]["id"]}">{boot["preview"]["text"]}</p>' in r.text
    assert "<h1 id=\"topic\" lang=\"nl\">Zorg in de wijk</h1>" in r.text
    assert "{{" not in r.text
    # Closed: no statement handed out, the closed state in the first answer.
    client.patch(dialogue.url(), headers=dialogue.f, json={"is_open": False})
    closed = client.get(f"/c/{dialogue.id}").text
    assert _boot(closed)["preview"] is None
    assert re.search(r'<section id="vote-card"[^>]* hidden>', closed)
    assert not re.search(r'<section id="closed"[^>]* hidden>', closed)
    assert client.get(dialogue.url("/next"), headers=dialogue.p()).status_code == 409


def test_markup_in_a_topic_or_statement_stays_text(client: TestClient) -> None:
    evil = '</script><script>alert(1)</script><img src=x onerror="alert(2)">'
    d = make_dialogue(client, participants=0, description=evil)
    client.patch(d.url(), headers=d.f, json={"topic": evil})
    page = client.get(f"/c/{d.id}").text
    assert "<img src=x" not in page and "<script>alert" not in page
    assert _boot(page)["conversation"]["topic"] == evil  # the JSON block reads back exactly
    assert "</" not in boot_json({"x": evil})


@pytest.mark.parametrize("path", ["/c/999999", "/admin/999999", "/c/999999/results"])
def test_unknown_conversation_gets_a_designed_page(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Dit gesprek bestaat niet" in r.text and "does not exist" in r.text
    assert "detail" not in r.text


def test_results_page_serves_with_the_privacy_minimum(client: TestClient,
                                                      dialogue: Dialogue) -> None:
    r = client.get(f"/c/{dialogue.id}/results")
    assert r.status_code == 200
    boot = _boot(r.text)
    assert boot["min_group_size"] >= 2 and boot["conversation"]["id"] == dialogue.id


def test_state_stream_is_public_and_follows_closing(client: TestClient) -> None:
    d = make_dialogue(client, results_visible=False)
    # Hidden results: the analysis stream stays closed to the public, the state stream not.
    assert client.get(d.url("/stream")).status_code == 401
    with client.stream("GET", d.url("/stream?include=state")) as stream:
        lines = stream.iter_lines()
        first = _next_data(lines)
        assert first == ("state", {"is_open": True, "results_visible": False})
        assert client.patch(d.url(), headers=d.f, json={"is_open": False}).status_code == 200
        assert _next_data(lines) == ("state", {"is_open": False, "results_visible": False})
    assert client.get(d.url("/stream?include=bogus")).status_code == 422


def _next_data(lines) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    event = ""
    for line in lines:
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            return event, json.loads(line.split(":", 1)[1])
    raise AssertionError("stream ended")


def test_pages_and_assets_are_compressed_and_cached_but_not_the_api(
        client: TestClient, dialogue: Dialogue) -> None:
    asked = {"Accept-Encoding": "gzip"}
    css = client.get("/static/css/app.css", headers=asked)
    assert css.headers["content-encoding"] == "gzip"
    assert "max-age=" in css.headers["cache-control"] and "etag" in css.headers
    page = client.get(f"/c/{dialogue.id}", headers=asked)
    assert page.headers["content-encoding"] == "gzip"
    assert page.headers["cache-control"] == "no-cache"  # the page carries live state
    raw = client.get("/static/js/i18n.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert len(gzip.compress(raw.content)) < len(raw.content) / 2
    api = client.get(dialogue.url("/statements"), headers=asked)
    assert "content-encoding" not in api.headers
    vote = client.post(dialogue.url("/votes"), headers={**dialogue.p(), **asked},
                       json={"statement_id": dialogue.statements[0], "vote": 1})
    assert vote.status_code == 201 and "content-encoding" not in vote.headers

"""Issue 8, abuse: rate limits (429 + Retry-After), body and statement size, statement text
normalisation, markup kept inert, spreadsheet formulas neutralised in the export."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from meedenken.api.http.app import create_app
from meedenken.api.settings import Settings
from meedenken.models.tables import MAX_STATEMENT_LENGTH

from .helpers import Dialogue, make_dialogue


@pytest.fixture
def limited(settings: Settings) -> Iterator[TestClient]:
    """A client of an app with small, fast-to-reach limits."""
    tight = settings.model_copy(update={
        "rate_limits": True, "limit_votes_participant": "1/min burst 3",
        "limit_statements_participant": "2/10min", "limit_joins_address": "5/min",
        "max_body_bytes": 4096})
    with TestClient(create_app(tight)) as test_client:
        yield test_client


def test_votes_over_the_participant_limit_get_429_with_retry_after(limited):
    d = make_dialogue(limited, participants=2)
    codes = [d.vote(sid, 1).status_code for sid in d.statements[:4]]
    assert codes == [201, 201, 201, 429]
    r = d.vote(d.statements[4], 1)
    assert r.status_code == 429 and "too many votes" in r.json()["detail"]
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert d.vote(d.statements[0], 1, i=1).status_code == 201  # another participant is free


def test_joins_over_the_address_limit_get_429(limited):
    d = make_dialogue(limited, participants=2)  # two joins spent
    codes = [limited.post(d.url("/participants"), json={}).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]


def test_statements_limit_participants_but_not_the_facilitator(limited):
    d = make_dialogue(limited, participants=1)
    post = lambda h, t: limited.post(d.url("/statements"), headers=h, json={"text": t})  # noqa: E731
    assert [post(d.p(0), f"Idee {i}").status_code for i in range(3)] == [201, 201, 429]
    assert [post(d.f, f"Zaad {i}").status_code for i in range(5)] == [201] * 5


def test_rate_limits_off_from_the_environment(monkeypatch, db_url):
    monkeypatch.setenv("MEEDENKEN_RATE_LIMITS", "off")
    settings = Settings(database_url=db_url, limit_votes_participant="1/min burst 1",
                        analysis_in_process=True)
    assert settings.rate_limit_table() == {}
    with TestClient(create_app(settings)) as client:
        d = make_dialogue(client, participants=1)
        assert [d.vote(s, 1).status_code for s in d.statements] == [201] * len(d.statements)


def test_malformed_limit_setting_is_refused():
    with pytest.raises(ValueError, match="rate limit looks like"):
        Settings(limit_votes_participant="veel")


def test_body_too_large_gets_413_json(limited):
    d = make_dialogue(limited, participants=1)
    big = {"text": "a" * 5000}
    r = limited.post(d.url("/statements"), headers=d.p(0), json=big)
    assert r.status_code == 413 and "larger than 4096 bytes" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        yield b'{"text": "'
        for _ in range(10):
            yield b"b" * 1000
        yield b'"}'

    r = limited.post(d.url("/statements"), headers={**d.p(0), "Content-Type": "application/json"},
                     content=chunks())
    assert r.status_code == 413
    small = limited.post(d.url("/statements"), headers={**d.p(0),
                         "Content-Type": "application/json"},
                         content=iter([b'{"text": ', b'"klein maar fijn"}']))
    assert small.status_code == 201, small.text


def test_statement_length_limit_gives_422(client):
    d = make_dialogue(client, participants=1)
    r = client.post(d.url("/statements"), headers=d.p(0),
                    json={"text": "x" * (MAX_STATEMENT_LENGTH + 1)})
    assert r.status_code == 422
    r = client.post(d.url("/statements"), headers=d.p(0), json={"text": "\u200b\u202e \n"})
    assert r.status_code == 422  # nothing visible left


def test_statement_text_is_normalised_and_markup_is_a_plain_string(client):
    d: Dialogue = make_dialogue(client, participants=1)
    raw = ("  <script>alert('x')</script>\u202e  Cafe\u0301\u200b is\n\tte\x00 duur "
           "<img src=x onerror=alert(1)>  ")
    r = client.post(d.url("/statements"), headers=d.p(0), json={"text": raw})
    assert r.status_code == 201
    stored = r.json()["statement"]["text"]
    assert stored == ("<script>alert('x')</script> Caf\u00e9 is te duur "
                      "<img src=x onerror=alert(1)>")
    listed = client.get(d.url("/statements"))
    assert listed.headers["content-type"] == "application/json"
    assert stored in [s["text"] for s in listed.json()["data"]]
    # Seeds are normalised the same way, and the near-duplicate check sees the normal form.
    r = client.post(d.url("/statements/bulk"), headers=d.f,
                    json={"statements": [{"text": "Meer\u00a0geld\u200d naar  de thuiszorg."}]})
    assert r.json()["data"][0]["text"] == "Meer geld naar de thuiszorg."


def test_export_neutralises_spreadsheet_formulas_in_free_text(client):
    d = make_dialogue(client, participants=0)
    formulas = ['=HYPERLINK("http://evil.example","klik")', "+31 ziekenhuis", "-1 bed",
                "@SUM(A1)"]
    r = client.post(d.url("/statements/bulk"), headers=d.f,
                    json={"statements": [{"text": t} for t in formulas]})
    sids = [s["id"] for s in r.json()["data"]]
    token = client.post(d.url("/participants"), json={"xid": "=cmd|' /C calc'!A0"}).json()["token"]
    assert client.post(d.url("/votes"), headers={"Authorization": f"Bearer {token}"},
                       json={"statement_id": sids[0], "vote": -1}).status_code == 201
    archive = zipfile.ZipFile(io.BytesIO(client.get(d.url("/export"), headers=d.f).content))
    comments = list(csv.DictReader(io.StringIO(archive.read("comments.csv").decode())))
    bodies = {int(c["comment-id"]): c["comment-body"] for c in comments}
    for sid, text in zip(sids, formulas, strict=True):
        assert bodies[sid] == "'" + text
    assert not any(b.startswith(("=", "+", "-", "@")) for b in bodies.values())
    people = list(csv.reader(io.StringIO(archive.read("participants-votes.csv").decode())))
    assert people[0][1] == "xid" and people[1][1] == "'=cmd|' /C calc'!A0"
    # Ids and votes are untouched: the vote of -1 is written as -1.
    votes = list(csv.DictReader(io.StringIO(archive.read("votes.csv").decode())))
    assert [(int(v["comment-id"]), v["vote"]) for v in votes] == [(sids[0], "-1")]


def test_nul_characters_are_refused_with_422_not_a_database_error(client):
    """Found by the schemathesis run: PostgreSQL cannot store NUL in text (was a 500)."""
    assert client.post("/conversations", json={"topic": "\x00"}).status_code == 422
    d = make_dialogue(client, participants=0)
    assert client.patch(d.url(), headers=d.f, json={"description": "a\x00b"}).status_code == 422
    assert client.post(d.url("/participants"), json={"xid": "x\x00"}).status_code == 422
    r = client.post(d.url("/participants"), json={"demographics": {"wijk\x00": "Noord"}})
    assert r.status_code == 422
    r = client.post(d.url("/participants"), json={"demographics": {"wijk": "No\x00rd"}})
    assert r.status_code == 422
    assert client.put(d.url("/xids"), headers=d.f, json={"xids": ["\x00"]}).status_code == 422
    r = client.post(d.url("/statements"), headers=d.f, json={"text": "Zorg\x00 dichtbij"})
    assert r.status_code == 201 and r.json()["statement"]["text"] == "Zorg dichtbij"

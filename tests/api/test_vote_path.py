"""The vote's fast path (api/vote_path.py) answers exactly as the FastAPI route does."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from meedenken.api.http import vote_path
from meedenken.api.http.app import create_app
from meedenken.api.http.vote_path import VoteFastPath, _plain_vote, _token_if_plain
from meedenken.api.routes.votes import cast_vote
from meedenken.api.settings import Settings

from .helpers import Dialogue, bearer, make_dialogue

TOKEN = "A" * 43  # the shape of secrets.token_urlsafe(32)


def _scope(*headers: tuple[bytes, bytes]) -> dict:
    return {"type": "http", "method": "POST", "path": "/conversations/1/votes",
            "headers": list(headers)}


def test_plain_vote_takes_only_exact_integer_votes():
    assert _plain_vote(b'{"statement_id": 7, "vote": -1}') == (7, -1)
    assert _plain_vote(b'{"vote": 0, "statement_id": 2147483647}') == (2147483647, 0)
    for body in (b'{"statement_id": 7, "vote": 2}', b'{"statement_id": 7, "vote": true}',
                 b'{"statement_id": 7, "vote": 1.0}', b'{"statement_id": "7", "vote": 1}',
                 b'{"statement_id": 0, "vote": 1}', b'{"statement_id": 2147483648, "vote": 1}',
                 b'{"statement_id": 7}', b'{"statement_id": 7, "vote": 1, "x": 1}',
                 b'[7, 1]', b'{"statement_id": 7, "vote": 1', b"", b"[" * 100_000):
        assert _plain_vote(body) is None, body


def test_token_if_plain_needs_a_bearer_token_and_a_json_body():
    auth = (b"authorization", f"Bearer {TOKEN}".encode())
    json_type = (b"content-type", b"application/json")
    assert _token_if_plain(_scope(auth, json_type)) == TOKEN
    assert _token_if_plain(_scope(json_type, auth)) == TOKEN
    for headers in ([json_type], [auth], [auth, (b"content-type", b"text/plain")],
                    [(b"authorization", f"bearer {TOKEN}".encode()), json_type],
                    [(b"authorization", f"Bearer  {TOKEN}".encode()), json_type],
                    [(b"authorization", f"Basic {TOKEN}".encode()), json_type],
                    [(b"authorization", b"Bearer short"), json_type],
                    [(b"authorization", f"Bearer {TOKEN}!".encode()), json_type]):
        assert _token_if_plain(_scope(*headers)) is None, headers


@pytest.fixture
def route_only(settings: Settings) -> Iterator[TestClient]:
    """An app on the same database without the fast path: every vote goes through FastAPI."""
    app = create_app(settings)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not VoteFastPath]
    with TestClient(app) as test_client:
        yield test_client


def _cases(d: Dialogue, other: Dialogue) -> list[tuple[str, dict, bytes]]:
    """(conversation path, headers, body) of votes, well-formed or not."""
    sid = d.statements[0]
    p = {**d.p(), "Content-Type": "application/json"}

    def body(**fields: object) -> bytes:
        return json.dumps(fields).encode()

    ok = body(statement_id=sid, vote=1)
    return [
        (d.url(), p, ok),
        (d.url(), p, body(statement_id=sid, vote=-1)),
        (d.url(), {**p, "Content-Type": "application/json; charset=utf-8"}, ok),
        (d.url(), {**p, "Authorization": f"bearer {d.tokens[0]}"}, ok),
        (d.url(), {**p, "Content-Type": "text/plain"}, ok),
        (d.url(), {"Content-Type": "application/json"}, ok),
        (d.url(), {**p, **bearer(TOKEN)}, ok),
        (d.url(), {**p, **d.f}, ok),
        (d.url(), {**p, **other.p()}, ok),
        (other.url(), p, body(statement_id=other.statements[0], vote=1)),
        (d.url(), p, body(statement_id=other.statements[0], vote=1)),
        (d.url(), p, body(statement_id=999_999, vote=1)),
        (d.url(), p, body(statement_id=0, vote=1)),
        (d.url(), p, body(statement_id=2**40, vote=1)),
        (d.url(), p, body(statement_id=sid, vote=2)),
        (d.url(), p, body(statement_id=sid, vote=True)),
        (d.url(), p, body(statement_id=sid, vote=1.0)),
        (d.url(), p, body(statement_id=str(sid), vote=1)),
        (d.url(), p, body(statement_id=sid, vote=1, extra="x")),
        (d.url(), p, body(statement_id=sid)),
        (d.url(), p, b"[1, 2"),
        (d.url(), p, b""),
        ("/conversations/999999", p, ok),
        ("/conversations/2147483648", p, ok),
        ("/conversations/0", p, ok),
        ("/conversations/007", p, ok),
    ]


def _answer(client: TestClient, path: str, headers: dict, body: bytes) -> tuple:
    r = client.post(f"{path}/votes", headers=headers, content=body)
    content = r.json()
    if r.status_code == 201:
        assert set(content) == {"participant_id", "statement_id", "vote", "created_at"}
        content.pop("created_at")
    return (r.status_code, content, r.headers.get("content-type"),
            r.headers.get("www-authenticate"))


def test_fast_path_answers_as_the_route(client, route_only, monkeypatch):
    d = make_dialogue(client)
    other = make_dialogue(client, participants=1)
    cases = _cases(d, other)
    taken = []

    async def spy(*args: object) -> object:
        taken.append(args)
        return await cast_vote(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(vote_path, "cast_vote", spy)
    fast = [_answer(client, *case) for case in cases]
    # The well-formed ones took the fast path: two values, the JSON type with a charset, a forged
    # token, the facilitator's, another conversation's participant, a vote in the other
    # conversation, a foreign and an unknown statement, an unknown conversation.
    assert len(taken) == 10
    assert fast == [_answer(route_only, *case) for case in cases]
    assert len(taken) == 10
    codes = [answer[0] for answer in fast]
    assert codes[:4] == [201] * 4 and {401, 403, 404, 422} <= set(codes)

    client.patch(d.url(), headers=d.f, json={"is_open": False})
    closed = [_answer(c, *cases[0]) for c in (client, route_only)]
    assert closed[0] == closed[1] and closed[0][0] == 409

"""Failures answer JSON with a detail: database conflicts, bugs, malformed requests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError, OperationalError

from meedenken.api.http.app import create_app
from meedenken.engine.errors import InvalidSettingError


@pytest.fixture
def failing_client(settings):
    app = create_app(settings)

    @app.get("/boom/{kind}")
    def boom(kind: str) -> None:
        if kind == "integrity":
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        if kind == "busy":
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        if kind == "engine":
            raise InvalidSettingError("max_groups must be in 2..10, got 11")
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(("kind", "code", "words"), [
    ("integrity", 409, "conflicts"), ("busy", 503, "busy"), ("engine", 422, "max_groups"),
    ("bug", 500, "internal error"),
])
def test_exception_handlers_answer_json(failing_client, kind, code, words):
    r = failing_client.get(f"/boom/{kind}")
    assert r.status_code == code
    assert r.headers["content-type"] == "application/json"
    assert words in r.json()["detail"]


def test_malformed_requests_are_4xx_json(dialogue):
    c = dialogue.client
    cases = [
        c.post("/conversations", content=b"\xff\xfe", headers={"content-type": "application/json"}),
        c.post("/conversations", content=b"topic=x",
               headers={"content-type": "application/x-www-form-urlencoded"}),
        c.post("/conversations", json=["topic"]),
        c.post(dialogue.url("/votes"), headers=dialogue.p(), json=None),
        c.patch(dialogue.url(), headers=dialogue.f, json={"max_groups": "many"}),
        c.get(dialogue.url("/statements/abc")),
        c.post(dialogue.url("/participants"), json={"demographics": {"": 1}}),
    ]
    for r in cases:
        assert 400 <= r.status_code < 500, (r.request.url, r.status_code, r.text)
        assert r.json()["detail"], r.request.url


def test_openapi_lists_every_route(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/health", "/conversations", "/conversations/{conversation_id}",
            "/conversations/{conversation_id}/statements",
            "/conversations/{conversation_id}/statements/bulk",
            "/conversations/{conversation_id}/statements/{statement_id}",
            "/conversations/{conversation_id}/participants",
            "/conversations/{conversation_id}/next", "/conversations/{conversation_id}/votes",
            "/conversations/{conversation_id}/analysis",
            "/conversations/{conversation_id}/stream",
            "/conversations/{conversation_id}/export"} <= set(paths)
    assert client.get("/docs").status_code == 200

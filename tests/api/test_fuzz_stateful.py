"""Stateful fuzzing (issue 18, item 9): schemathesis follows links from the requests that
create things (a conversation, its seed statements, a participant) to the routes that use their
ids, with the tokens those requests handed out, so generated requests reach the state behind
the 401s and 404s that random ids and tokens get (tests/api/test_fuzz.py).

The links are added to the OpenAPI document here, where the test needs them; so are the page
routes (``/c/{id}``, ``/admin/{id}``, ``/c/{id}/qr.svg``), which the API document leaves out.
The stream (Server-Sent Events never end) is called through the ASGI app directly: its status
and first event are checked, then the client disconnects.

Checks on every response: no 5xx, and the answer keeps to the schema.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.transport import Response

from meedenken.api.http.app import create_app
from meedenken.api.present.schemas import AnalysisAnswer
from meedenken.api.settings import Settings

from .helpers import make_dialogue

#: State machine runs and steps per run: about 120-150 requests, 15-25 s on one core.
MAX_EXAMPLES = 8
STEPS = 15

PAGES = {
    "/c/{conversation_id}": ("participant_page", "text/html"),
    "/admin/{conversation_id}": ("dashboard_page", "text/html"),
    "/c/{conversation_id}/qr.svg": ("participant_qr", "image/svg+xml"),
}


def _document() -> dict[str, Any]:
    """The app's OpenAPI document with the page routes and the links added."""
    doc = create_app(Settings(database_url="sqlite://", migrate_on_start=False)).openapi()
    conversation = {"name": "conversation_id", "in": "path", "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}
    for path, (operation_id, media) in PAGES.items():
        doc["paths"][path] = {"get": {
            "operationId": operation_id, "parameters": [conversation],
            "responses": {"200": {"description": "page", "content": {media: {}}},
                          "404": {"description": "unknown conversation"}}}}
    uses: dict[str, list[str]] = {"conversation_id": [], "statement_id": [],
                                  "participant_id": []}
    for operations in doc["paths"].values():
        for operation in operations.values():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            for name in uses:
                if name in names:
                    uses[name].append(operation["operationId"])

    def link(path: str, method: str, target: str, parameters: dict[str, str]) -> None:
        responses = doc["paths"][path][method]["responses"]
        links = responses.setdefault("201", {"description": "created"}).setdefault("links", {})
        links[target] = {"operationId": target, "parameters": parameters}

    for target in uses["conversation_id"]:
        link("/conversations", "post", target, {"path.conversation_id": "$response.body#/id"})
    same = "$request.path.conversation_id"
    for target in uses["statement_id"]:
        link("/conversations/{conversation_id}/statements/bulk", "post", target,
             {"path.conversation_id": same, "path.statement_id": "$response.body#/data/0/id"})
    for target in uses["participant_id"]:
        link("/conversations/{conversation_id}/participants", "post", target,
             {"path.conversation_id": same, "path.participant_id": "$response.body#/id"})
    return doc


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stateful_client(request: pytest.FixtureRequest,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('stateful') / 'fuzz.db'}"
    else:
        url = str(request.getfixturevalue("pg_url"))
    with TestClient(create_app(Settings(database_url=url, analysis_debounce_seconds=0.05,
                                        rate_limits=False, analysis_in_process=True))) as client:
        # Warm up: one analysis imports what the analysis thread imports lazily (hypothesis
        # iterates sys.modules while it runs and fails if a thread imports at that moment).
        d = make_dialogue(client, participants=3)
        for i in range(3):
            for sid in d.statements:
                d.vote(sid, 1 if i % 2 else -1, i)
        assert client.app.state.service.scheduler.wait_idle()  # type: ignore[attr-defined]
        yield client


async def _first_event(app: Any, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """Status and first body chunk of a never-ending response, then a disconnect."""
    started: dict[str, Any] = {}
    first = asyncio.Event()

    async def receive() -> dict[str, Any]:
        if not started.get("requested"):
            started["requested"] = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await first.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started["status"] = message["status"]
        elif message["type"] == "http.response.body":
            started.setdefault("body", b"")
            started["body"] += message.get("body", b"")
            if started["body"] or not message.get("more_body"):
                first.set()

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "server": ("testserver", 80),
             "client": ("127.0.0.1", 1234),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    task = asyncio.ensure_future(app(scope, receive, send))
    await asyncio.wait_for(first.wait(), timeout=10)
    await asyncio.wait_for(task, timeout=10)
    return started["status"], started.get("body", b"")


def test_stateful_fuzzing_reaches_the_state(stateful_client: TestClient) -> None:
    client = stateful_client
    facilitator: dict[int, str] = {}
    participant: dict[int, str] = {}
    seen: dict[str, int] = {}

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Any) -> None:
            cid = (case.path_parameters or {}).get("conversation_id")
            pick = zlib.crc32(repr((case.path, case.method, case.body)).encode()) % 4
            wants_participant = case.path.endswith(("/votes", "/next", "/participants/me"))
            token = (participant if wants_participant or pick == 3 else facilitator).get(cid)
            if token is not None and pick != 0:  # one in four keeps no (or its own) token
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

        def call(self, case: Any, **kwargs: Any) -> Response:
            kwargs = case.as_transport_kwargs(base_url=str(client.base_url))
            if case.path.endswith("/stream"):
                status, body = client.portal.call(  # type: ignore[union-attr]
                    _first_event, client.app, kwargs["url"].removeprefix(str(client.base_url)),
                    kwargs.get("headers") or {})
                assert status < 500
                if status == 200:  # the first event is an analysis snapshot
                    data = next(line for line in body.decode().splitlines()
                                if line.startswith("data:"))
                    AnalysisAnswer.model_validate(json.loads(data.removeprefix("data:")))
                reply = httpx.Response(status, content=b"{}" if status != 200 else b"",
                                       request=httpx.Request("GET", kwargs["url"]))
                reply.elapsed = timedelta(0)
                seen["stream"] = seen.get("stream", 0) + 1
                return Response.from_any(reply)
            reply = client.request(**kwargs)
            return Response.from_any(reply)

        def after_call(self, response: Response, case: Any) -> None:
            seen[str(response.status_code)] = seen.get(str(response.status_code), 0) + 1
            if response.status_code != 201:
                return
            body = response.json()
            if case.path == "/conversations":
                facilitator[body["id"]] = body["facilitator_token"]
            elif case.path.endswith("/participants"):
                participant[body["conversation_id"]] = body["token"]

        def validate_response(self, response: Response, case: Any, **kwargs: Any) -> None:
            if case.path.endswith("/stream"):
                return  # checked in call()
            case.validate_response(response, checks=[not_a_server_error,
                                                     response_schema_conformance])

    Workflow.run(settings=settings(max_examples=MAX_EXAMPLES, stateful_step_count=STEPS,
                                   deadline=None, database=None,
                                   suppress_health_check=list(HealthCheck)))
    # The run reached the state: conversations were made and their routes answered 2xx.
    assert facilitator, seen
    assert sum(n for code, n in seen.items() if code.startswith("2")) > 20, seen

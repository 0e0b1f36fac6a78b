"""The vote's fast path: a plain ASGI handler for the well-formed ``POST .../votes``.

A vote is the request a live dialogue sends thousands of times a second. Through FastAPI it
pays for routing over every route, dependency solving, pydantic validation of the body and a
response object, which cost about three times the durable write itself. This middleware
answers the *well-formed* vote directly:

* the path is ``/conversations/{id}/votes`` with ``1 <= id <= ID_MAX``,
* the ``Authorization`` header is ``Bearer <token>`` with a URL-safe token (the shape
  :func:`api.security.new_token` hands out),
* the body is ``application/json``: an object with exactly the integer fields
  ``statement_id`` (``1 <= statement_id <= ID_MAX``) and ``vote`` (-1, 0 or 1).

Everything else -- no token, a malformed or unusual body, another content type, an id out of
range, a path under a ``root_path`` -- goes on unchanged (the body replayed) to the documented
FastAPI route in :mod:`api.routes.votes`, which answers it with its 4xx and a JSON ``detail``.
Both paths end in the same :func:`api.routes.votes.cast_vote`, so a vote has the same outcome
either way (the token, the conversation and the statement are checked by the vote writer, in
the transaction that stores the vote), and both answer with the same JSON: a refused vote's
domain error gets its status code from :func:`api.http.errors.error_answer` on both. The
middleware sits inside the body-size and rate-limit middlewares, so those limits apply to it as
to every request.
"""

from __future__ import annotations

import json
import re
from typing import Any

from meedenken.api.errors import DomainError
from meedenken.api.http.body import read_body, replay
from meedenken.api.http.errors import error_answer
from meedenken.api.http.limits import ASGIApp, Receive, Scope, Send
from meedenken.api.routes.votes import cast_vote, stored_json
from meedenken.models.tables import ID_MAX

__all__ = ["VoteFastPath"]

_PATH = re.compile(r"/conversations/([1-9][0-9]{0,9})/votes")
_BEARER = re.compile(rb"Bearer ([A-Za-z0-9_-]{16,128})")
_JSON_TYPES = (b"application/json", b"application/json; charset=utf-8")
_FIELDS = {"statement_id", "vote"}
_JSON_HEADER = (b"content-type", b"application/json")


class VoteFastPath:
    """ASGI middleware answering well-formed votes itself (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = (_PATH.fullmatch(scope["path"])
                 if scope["type"] == "http" and scope["method"] == "POST" else None)
        token = _token_if_plain(scope) if match else None
        if match is None or token is None or int(match[1]) > ID_MAX:
            await self.app(scope, receive, send)
            return
        body, complete = await read_body(receive)
        vote = _plain_vote(body) if complete else None
        if vote is None:
            await self.app(scope, replay(body, receive, complete=complete), send)
            return
        service = scope["app"].state.service
        try:
            stored = await cast_vote(service, int(match[1]), token, *vote)
        except DomainError as exc:  # refused: the same answer the app's handler gives
            await _send_json(send, *error_answer(exc))
            return
        await _send_json(send, 201, stored_json(stored))


def _token_if_plain(scope: Scope) -> str | None:
    """The Bearer token if the headers are the plain ones of a JSON vote, else None."""
    token = content_type = None
    for name, value in scope["headers"]:
        if name == b"authorization" and token is None:
            match = _BEARER.fullmatch(value)
            if match is None:
                return None
            token = match[1].decode("ascii")
        elif name == b"content-type" and content_type is None:
            content_type = value.lower()
    return token if content_type in _JSON_TYPES else None


def _plain_vote(body: bytes) -> tuple[int, int] | None:
    """``(statement_id, vote)`` if the body is exactly a valid vote object, else None."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if type(data) is not dict or data.keys() != _FIELDS:
        return None
    statement_id, value = data["statement_id"], data["vote"]
    # ``type(...) is int``: no bools, floats or strings, which pydantic would coerce.
    if (type(statement_id) is not int or type(value) is not int
            or not 1 <= statement_id <= ID_MAX or not -1 <= value <= 1):
        return None
    return statement_id, value


async def _send_json(send: Send, status: int, content: Any) -> None:
    """Answer ``content`` as JSON, byte for byte as FastAPI's ``JSONResponse`` renders it."""
    body = json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None,
                      separators=(",", ":")).encode("utf-8")
    raw = [(b"content-length", str(len(body)).encode("latin-1")), _JSON_HEADER]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})

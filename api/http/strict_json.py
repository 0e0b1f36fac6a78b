"""422 for a JSON body holding ``NaN``, ``Infinity`` or ``-Infinity``, before any route reads it.

Python's ``json.loads`` (which Starlette and FastAPI use) accepts those three words although JSON
does not: ``{"demographics": {"age": NaN}}`` was stored as a literal NaN on SQLite (201) and gave
a 500 on PostgreSQL, whose error was logged with the SQL parameters (issue 18, item 5). This
middleware refuses them for every body of every route, the vote fast path included, with the
same kind of 422 the routes give for invalid JSON.

Cheap on the hot path: the body is parsed a second time only when its bytes contain ``NaN`` or
``Infinity`` at all (text inside a JSON string may, and is then accepted). It sits inside the
body-size limit, so it never buffers more than that limit.
"""

from __future__ import annotations

import json

from meedenken.api.http.body import read_body, replay
from meedenken.api.http.limits import ASGIApp, Receive, Scope, Send

__all__ = ["StrictJSONMiddleware", "non_finite_constant"]

_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class _NonFinite(ValueError):
    pass


def _refuse(name: str) -> float:
    raise _NonFinite(name)


def non_finite_constant(body: bytes) -> str | None:
    """The first ``NaN``/``Infinity``/``-Infinity`` of a JSON body, or None (also for a body that
    is not JSON at all: the route answers that one).

    >>> non_finite_constant(b'{"demographics": {"age": NaN}}')
    'NaN'
    >>> non_finite_constant(b'{"text": "NaN is geen getal"}') is None
    True
    """
    if b"NaN" not in body and b"Infinity" not in body:
        return None
    try:
        json.loads(body, parse_constant=_refuse)
    except _NonFinite as exc:
        return str(exc)
    except (ValueError, RecursionError):
        return None
    return None


class StrictJSONMiddleware:
    """ASGI middleware: 422 for JSON bodies with non-finite numbers (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _METHODS or not _json(scope):
            await self.app(scope, receive, send)
            return
        body, complete = await read_body(receive)
        if not complete:  # the client went away
            return
        constant = non_finite_constant(body)
        if constant is not None:
            await _unprocessable(send, constant)
            return
        await self.app(scope, replay(body, receive), send)


def _json(scope: Scope) -> bool:
    """Whether a route may read the body as JSON: a JSON content type, or none at all."""
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return b"json" in value.lower()
    return True


async def _unprocessable(send: Send, constant: str) -> None:
    body = json.dumps({"detail": [{
        "loc": ["body"], "type": "json_invalid",
        "msg": f"{constant} is not a JSON number; send finite numbers only"}]}).encode()
    await send({"type": "http.response.start", "status": 422, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})

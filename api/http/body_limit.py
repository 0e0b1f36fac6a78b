"""Limit on the size of request bodies: 413 with a JSON ``detail`` above the limit.

A body announced larger than the limit (``Content-Length``) is refused before it is read. A body
sent without a length (chunked) is read up to the limit and refused as soon as it passes it, so
no request makes the server buffer more than the limit. The seed bulk upload
(``/statements/bulk``, up to ``bulk_max`` statements of 400 characters) has its own, larger limit,
and so has a next round (``/rounds``, issue 21), which takes as many new seeds.
"""

from __future__ import annotations

import json
import re

from meedenken.api.http.body import replay
from meedenken.api.http.limits import ASGIApp, Receive, Scope, Send

__all__ = ["BodySizeLimitMiddleware"]

_BULK = re.compile(r"^(/conversations/\d+)?/(statements/bulk|statements/check|xids|rounds)/?$")
#: Issue 20: a Pol.is conversation with its math state, imported in one request.
_IMPORT = re.compile(r"^/conversations/import/?$")


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int, max_bulk_bytes: int,
                 max_import_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_bulk_bytes = max_bulk_bytes
        self.max_import_bytes = max_import_bytes or max_bulk_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = (self.max_import_bytes if _IMPORT.match(path)
                 else self.max_bulk_bytes if _BULK.match(path) else self.max_bytes)
        length = _content_length(scope)
        if length is not None and length > limit:
            await _too_large(send, limit)
            return
        if length is not None:
            await self.app(scope, receive, send)  # the server enforces Content-Length itself
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _too_large(send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await self.app(scope, replay(b"".join(chunks), receive), send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"request body larger than {limit} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})

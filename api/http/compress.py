"""gzip for the pages and static assets only (issue 19, item 6).

Starlette's GZipMiddleware over the whole app would also wrap the Server-Sent-Events stream
(whose events must leave at once, not when a compressor's buffer fills) and the vote fast path
(answers of a hundred bytes, where compressing costs more than it saves). So only ``GET``
requests for the pages and ``/static/`` go through it; the JSON API and the stream under
``/conversations`` pass untouched.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["GZIP_MINIMUM_BYTES", "PageCompression", "compressible"]

#: Smaller answers are sent as they are (Starlette's default: a header costs ~20 bytes).
GZIP_MINIMUM_BYTES = 500
#: Paths under this prefix (the JSON API, the stream, the votes) are never compressed here.
API_PREFIX = "/conversations"


def compressible(scope: Scope) -> bool:
    """Whether a request is a page or asset (``GET``, not the API)."""
    return (scope["type"] == "http" and scope.get("method") in ("GET", "HEAD")
            and not str(scope.get("path", "")).startswith(API_PREFIX))


class PageCompression:
    """gzip the answers of :func:`compressible` requests; pass the rest through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=GZIP_MINIMUM_BYTES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if compressible(scope):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)

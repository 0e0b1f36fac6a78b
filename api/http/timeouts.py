"""Time limits on connections: a client must send a request's headers within a few seconds,
and its body within a bound.

uvicorn closes an idle keep-alive connection after ``timeout_keep_alive``, but it has no limit
on how long a client may take to *send* a request's headers: 1,000 connections that each send
one header byte now and then stayed open for good (issue 18, "slowloris"). The protocol class
here is uvicorn's h11 protocol with one timer more: from the moment a connection opens, and
again after each response, the next request's headers must be complete within
``header_timeout`` seconds, or the connection is closed. The number of connections is capped by
uvicorn's ``limit_concurrency`` (503 above it), set by ``meedenken serve`` from the settings.

The body has its own bound, :class:`BodyTimeoutMiddleware` (outermost ASGI middleware, so it
holds under any server): a client that sends the headers at once and then the body at a byte a
second held a request, and the route's worker, open for as long as it liked (issue 18, the
slowloris attack on the body). From the moment the headers are in, the body must be complete
within ``body_timeout_seconds``, or the answer is 408 and the connection is closed; the
application then sees the client as gone.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from meedenken.api.http.limits import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HEADER_TIMEOUT_SECONDS", "BodyTimeoutMiddleware", "HeaderTimeoutH11Protocol"]

#: Default seconds to send a request's headers (``MEEDENKEN_HEADER_TIMEOUT_SECONDS``; read from
#: the environment here too, because ``--workers`` processes import this module afresh).
HEADER_TIMEOUT_SECONDS = float(os.environ.get("MEEDENKEN_HEADER_TIMEOUT_SECONDS", "10"))


class HeaderTimeoutH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose request headers are too slow."""

    header_timeout: float = HEADER_TIMEOUT_SECONDS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._waiting_after: Any = self.cycle  # a new request makes a new cycle
        self._header_timer: asyncio.TimerHandle | None = self.loop.call_later(
            self.header_timeout, self._headers_due)

    def _disarm(self) -> None:
        timer = getattr(self, "_header_timer", None)
        if timer is not None:
            timer.cancel()
            self._header_timer = None

    def _headers_due(self) -> None:
        self._header_timer = None
        if self.cycle is self._waiting_after and not self.transport.is_closing():
            self.transport.close()  # no (complete) request since the timer was armed


_TIMEOUT_BODY = b'{"detail":"the request body did not arrive in time"}'


class BodyTimeoutMiddleware:
    """Answer 408 when a request's body is not complete ``seconds`` after its headers.

    Only the waiting for the body is timed: once the last body chunk (or a disconnect) has come,
    ``receive`` is passed through untimed (a stream's wait for the client to go away). On time
    out the 408 is sent at once (unless the application has started its own answer; then the
    application just sees a disconnect), the application's ``receive`` returns
    ``http.disconnect`` and whatever it sends afterwards is dropped.

    Parameters
    ----------
    app : the ASGI application.
    seconds : the bound on sending a body (``Settings.body_timeout_seconds``).
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.seconds
        body_done = timed_out = started = False

        async def timed_receive() -> Message:
            nonlocal body_done, timed_out
            if body_done or timed_out:
                return await receive() if body_done else {"type": "http.disconnect"}
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                timed_out = True
                if not started:
                    await _send_408(send)
                return {"type": "http.disconnect"}
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if timed_out:
                return  # the 408 was the answer
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, timed_receive, guarded_send)


async def _send_408(send: Send) -> None:
    await send({"type": "http.response.start", "status": 408,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(_TIMEOUT_BODY)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": _TIMEOUT_BODY})

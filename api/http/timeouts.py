"""Time limits on connections: a client must send a request's headers within a few seconds.

uvicorn closes an idle keep-alive connection after ``timeout_keep_alive``, but it has no limit
on how long a client may take to *send* a request's headers: 1,000 connections that each send
one header byte now and then stayed open for good (issue 18, "slowloris"). The protocol class
here is uvicorn's h11 protocol with one timer more: from the moment a connection opens, and
again after each response, the next request's headers must be complete within
``header_timeout`` seconds, or the connection is closed. The number of connections is capped by
uvicorn's ``limit_concurrency`` (503 above it), set by ``meedenken serve`` from the settings.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["HEADER_TIMEOUT_SECONDS", "HeaderTimeoutH11Protocol"]

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

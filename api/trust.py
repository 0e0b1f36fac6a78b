"""Installs the trust layer of issue 8 on an app: body-size and rate limits, access routes.

Kept in one place so :mod:`api.app` needs a single call, and the layer can be read as a whole:

* :mod:`api.body_limit` -- 413 for request bodies above ``max_body_bytes``;
* :mod:`api.limits` -- 429 with Retry-After on votes, statements and joins;
* :mod:`api.routes.access` -- xid allow-lists, token revocation and rotation, retention;
* :mod:`api.retention` -- the background purge (started by the app's lifespan);
* :mod:`models.text` -- statement text normalisation (in ``StatementCreate``).
"""

from __future__ import annotations

from fastapi import FastAPI

from .body_limit import BodySizeLimitMiddleware
from .limits import RateLimiter, RateLimitMiddleware, facilitator_check
from .retention import RetentionLoop
from .routes import access
from .service import Service
from .settings import Settings

__all__ = ["install_trust", "start_retention"]


def install_trust(app: FastAPI, settings: Settings) -> None:
    """Add the access routes and the limit middlewares (outermost: body size, then rates)."""
    app.include_router(access.router)
    limits = settings.rate_limit_table()
    if limits:
        def is_facilitator(conversation_id: int, token: str) -> bool:
            service: Service = app.state.service
            return facilitator_check(service.engine)(conversation_id, token)

        app.add_middleware(RateLimitMiddleware, limiter=RateLimiter(limits),  # type: ignore[arg-type]
                           is_facilitator=is_facilitator)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes,  # type: ignore[arg-type]
                       max_bulk_bytes=settings.max_bulk_body_bytes)


def start_retention(service: Service) -> RetentionLoop:
    loop = RetentionLoop(service.engine, service.settings.retention_check_seconds)
    loop.start()
    return loop

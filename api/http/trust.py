"""Installs the trust layer of issue 8 on an app: body-size and rate limits, access routes.

Kept in one place so :mod:`api.app` needs a single call, and the layer can be read as a whole:

* :mod:`api.body_limit` -- 413 for request bodies above ``max_body_bytes``;
* :mod:`api.limits` -- 429 with Retry-After on votes, statements and joins;
* :mod:`api.routes.access` -- xid allow-lists, token revocation and rotation, retention;
* :mod:`api.retention` -- the background purge (started by the app's lifespan);
* :mod:`models.text` -- statement text normalisation (in ``StatementCreate``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from meedenken.api.http.body_limit import BodySizeLimitMiddleware
from meedenken.api.http.limits import RateLimiter, RateLimitMiddleware, facilitator_check
from meedenken.api.live.retention import RetentionLoop
from meedenken.api.live.service import Service
from meedenken.api.routes import access
from meedenken.api.settings import Settings

__all__ = ["install_trust", "start_retention"]


def install_trust(app: FastAPI, settings: Settings) -> None:
    """Add the access routes and the limit middlewares (outermost: body size, then rates)."""
    app.include_router(access.router)
    _document_string_422(app)
    limits = settings.rate_limit_table()
    if limits:
        def is_facilitator(conversation_id: int, token: str) -> bool:
            service: Service = app.state.service
            return facilitator_check(service.engine)(conversation_id, token)

        app.add_middleware(RateLimitMiddleware, limiter=RateLimiter(limits),  # type: ignore[arg-type]
                           is_facilitator=is_facilitator)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes,  # type: ignore[arg-type]
                       max_bulk_bytes=settings.max_bulk_body_bytes,
                       max_import_bytes=settings.max_import_body_bytes)


def _document_string_422(app: FastAPI) -> None:
    """Say in the OpenAPI schema that a 422's ``detail`` is a list of validation errors *or* a
    sentence: routes answer 422 with a sentence for checks pydantic cannot make (too many seeds,
    a reference population that does not sum to 1). Found by the schemathesis run."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        error = schema.get("components", {}).get("schemas", {}).get("HTTPValidationError")
        if error and "detail" in error.get("properties", {}):
            listed = error["properties"]["detail"]
            error["properties"]["detail"] = {"title": "Detail", "anyOf": [
                {k: v for k, v in listed.items() if k != "title"}, {"type": "string"}]}
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def start_retention(service: Service) -> RetentionLoop:
    loop = RetentionLoop(service.engine, service.settings.retention_check_seconds)
    loop.start()
    return loop

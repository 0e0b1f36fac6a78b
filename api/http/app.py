"""The FastAPI application: routers, error handlers, start-up and shut-down.

``create_app(Settings(...))`` builds an app; ``uvicorn api.app:app`` serves one configured from
the environment. OpenAPI documentation is at ``/openapi.json``, listed at ``/docs``.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from meedenken.api.http.errors import install_domain_errors
from meedenken.api.http.pages import install_pages
from meedenken.api.http.strict_json import StrictJSONMiddleware
from meedenken.api.http.timeouts import BodyTimeoutMiddleware
from meedenken.api.http.trust import install_trust, start_retention
from meedenken.api.http.vote_path import VoteFastPath
from meedenken.api.live.service import Service
from meedenken.api.routes import (
    analysis,
    conversations,
    diversity,
    export,
    health,
    imports,
    participants,
    profile,
    rounds,
    statements,
    topics,
    votes,
)
from meedenken.api.settings import Settings
from meedenken.engine.errors import EngineError

__all__ = ["app", "create_app", "server_app"]

log = logging.getLogger(__name__)

DESCRIPTION = """Live dialogues: participants vote agree (1), disagree (-1) or pass (0) on
statements; the engine maps opinion groups in the background. Tokens travel as
`Authorization: Bearer <token>`: the facilitator token comes back from `POST /conversations`,
a participant token from `POST /conversations/{id}/participants`."""


def create_app(settings: Settings | None = None, *, server: bool = False) -> FastAPI:
    """The app; ``server``: it runs in a long-lived server process (``meedenken serve``), whose
    start-up objects are then kept out of the garbage collector's way
    (:func:`api.service.freeze_heap`)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = Service.build(settings)
        service.start(freeze=server)
        app.state.service = service
        retention = start_retention(service)  # issue 8
        try:
            yield
        finally:
            retention.stop()
            service.stop()

    # No Swagger UI or ReDoc: FastAPI loads them from a CDN. /docs is a local page
    # (api/http/pages.py); /openapi.json stays.
    app = FastAPI(title="Meedenken", version="0.1.0", description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    for module in (health, imports, conversations, statements, participants, profile, votes,
                   analysis, export, diversity, rounds, topics):
        app.include_router(module.router)
    app.include_router(statements.seed_checks)
    install_pages(app)
    # Innermost of the middlewares: the trust layer's limits apply to the fast path too.
    app.add_middleware(VoteFastPath)  # type: ignore[arg-type]
    # Outside the fast path, inside the limits: no body with NaN/Infinity reaches any route.
    app.add_middleware(StrictJSONMiddleware)  # type: ignore[arg-type]
    install_trust(app, settings)  # issue 8: limits, access routes (api/trust.py)
    # Outermost: a body sent too slowly gets 408 before any middleware waits on it (issue 18).
    app.add_middleware(BodyTimeoutMiddleware, seconds=settings.body_timeout_seconds)  # type: ignore[arg-type]
    _install_error_handlers(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    """Every failure answers JSON with a ``detail`` that says what is wrong; the domain errors
    of the layers below get their status codes in :mod:`meedenken.api.http.errors`."""
    install_domain_errors(app)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(IntegrityError)
    async def _conflict(_: Request, exc: IntegrityError) -> JSONResponse:
        # The driver's message can quote the row (an xid, a token hash): never logged.
        log.info("integrity error answered with 409: %s", _db_error_name(exc))
        return JSONResponse({"detail": "the request conflicts with existing data "
                                       "(duplicate, or a row that was deleted)"},
                            status_code=status.HTTP_409_CONFLICT)

    @app.exception_handler(OperationalError)
    async def _busy(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", _db_error_name(exc))
        return JSONResponse({"detail": "the database is busy or unavailable; try again"},
                            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
                            headers={"Retry-After": "1"})

    @app.exception_handler(EngineError)
    async def _engine(_: Request, exc: EngineError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)},
                            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, DBAPIError):
            # Where in the code, but not the driver's message: it can quote the request's data
            # (demographics, an xid, a token hash) and the SQL parameters (issue 18).
            log.error("unhandled database error %s in %s %s\n%s", _db_error_name(exc),
                      request.method, request.url.path,
                      "".join(traceback.format_tb(exc.__traceback__)))
        else:
            log.exception("unhandled error in %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; it has been logged"},
                            status_code=status.HTTP_500_INTERNAL_SERVER_ERROR)


def _db_error_name(exc: DBAPIError) -> str:
    """A database error named without its message: the driver's class and SQLSTATE code."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "sqlite_errorname", None)
    return f"{type(exc.orig).__name__}" + (f" ({code})" if code else "")


def server_app() -> FastAPI:
    """The app of a server process, configured from the environment (the factory that
    ``meedenken serve --workers N`` gives uvicorn: ``uvicorn --factory api.app:server_app``)."""
    return create_app(Settings(), server=True)


#: For ``uvicorn api.app:app`` (settings from the environment).
app = server_app()

"""Domain errors -> HTTP answers: the one place that gives each :mod:`meedenken.api.errors`
class its status code.

:func:`install_domain_errors` registers the exception handler of the app; the vote's fast path,
which answers without FastAPI, asks :func:`error_answer` for the same status and body.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from meedenken.api.errors import Conflict, DomainError, Forbidden, NotFound, Unprocessable

__all__ = ["STATUS_CODES", "error_answer", "install_domain_errors"]

log = logging.getLogger(__name__)

#: Status code of each domain error (a subclass answers its nearest listed base's code, so
#: ``Closed``, a ``Conflict``, answers 409).
STATUS_CODES: dict[type[DomainError], int] = {
    NotFound: status.HTTP_404_NOT_FOUND,
    Forbidden: status.HTTP_403_FORBIDDEN,
    Conflict: status.HTTP_409_CONFLICT,
    Unprocessable: status.HTTP_422_UNPROCESSABLE_CONTENT,
}


def error_answer(error: DomainError) -> tuple[int, dict[str, Any]]:
    """``(status code, JSON body)`` of a domain error; the body is ``{"detail": message}``,
    the shape of FastAPI's ``HTTPException`` answers.

    A domain error without a code of its own (none of its bases listed) is a bug: it answers
    500, as any unhandled error does."""
    for cls in type(error).__mro__:
        code = STATUS_CODES.get(cls)
        if code is not None:
            return code, {"detail": error.message}
    log.error("domain error without a status code: %r", error)
    return status.HTTP_500_INTERNAL_SERVER_ERROR, {"detail": "internal error; it has been logged"}


def install_domain_errors(app: FastAPI) -> None:
    """Answer every :class:`~meedenken.api.errors.DomainError` a route lets through."""

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        code, body = error_answer(exc)
        return JSONResponse(body, status_code=code)

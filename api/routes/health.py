"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import text
from sqlmodel import Session

from ..deps import ServiceDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is up (no database work: the load test's floor)."""
    return {"status": "ok"}


@router.get("/ready")
def ready(service: ServiceDep) -> dict[str, str]:
    """The database answers."""
    try:
        with Session(service.engine) as session:
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    except Exception as exc:  # any driver error means "not ready"; say which
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            f"database unavailable: {type(exc).__name__}") from exc
    return {"status": "ready", "database": service.engine.dialect.name}

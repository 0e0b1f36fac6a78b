"""Liveness (``/health``) and readiness (``/ready``) for load balancers and orchestrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status

from meedenken.api.http.deps import ServiceDep
from meedenken.models.db import schema_revision

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is up (no database work: the load test's floor)."""
    return {"status": "ok"}


@router.get("/ready", responses={503: {"description": "not ready; `detail` says why"}})
def ready(service: ServiceDep) -> dict[str, Any]:
    """Ready to take traffic: the database answers, its schema is at this code's newest
    migration, the vote writer runs and (PostgreSQL) this worker listens for other workers'
    changes, and the analysis worker process is alive. A load balancer sends requests only to
    ready workers."""
    try:
        current, head = schema_revision(service.engine)
    except Exception as exc:  # any driver error means "not ready"; say which
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            f"database unavailable: {type(exc).__name__}") from exc
    problems = []
    if current != head:
        problems.append(f"database schema at {current}, this code needs {head} "
                        "(run `meedenken migrate`)")
    if not service.writer.running:
        problems.append("the vote writer is not running")
    analysis_problem = getattr(service.scheduler.runner, "problem", None)
    if analysis_problem is not None and (reason := analysis_problem()) is not None:
        problems.append(reason)  # a dead analysis worker (issue 18); it is being respawned
    coordinator = service.coordinator
    if coordinator is not None and not coordinator.connected:
        problems.append("not listening to the other workers (PostgreSQL connection lost)")
    if problems:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "; ".join(problems))
    return {"status": "ready", "database": service.engine.dialect.name, "schema": current,
            "workers_coordinated": coordinator is not None,
            # How many conversations this worker analyses (not which: this route is public).
            "conversations_analysed_here": (len(coordinator.owned) if coordinator is not None
                                            else None)}

"""The analysis: latest snapshot, and a live Server-Sent-Events stream of new ones."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable
from typing import Any

from fastapi import APIRouter, HTTPException, Response, status
from sqlmodel import Session
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from meedenken.api.http.deps import ConversationDep, OptionalCallerDep, ReadSessionDep, ServiceDep
from meedenken.api.live.service import Service
from meedenken.api.present.schemas import AnalysisAnswer
from meedenken.api.store import latest_snapshot, latest_stamp, latest_version
from meedenken.engine.diversity_settings import DIVERSITY
from meedenken.models.tables import Conversation

router = APIRouter(prefix="/conversations/{conversation_id}", tags=["analysis"])


def _is_facilitator(caller: Any) -> bool:
    return caller is not None and caller.is_facilitator


def _own_id(caller: Any) -> int | None:
    """The calling participant's id (their own point stays in the public answer)."""
    return caller.participant.id if caller is not None and caller.participant else None


def _check_visible(conv: Conversation, caller: Any) -> None:
    if conv.results_visible or (caller is not None and caller.is_facilitator):
        return
    raise HTTPException(
        status.HTTP_403_FORBIDDEN if caller is not None else status.HTTP_401_UNAUTHORIZED,
        f"the results of conversation {conv.id} are visible to its facilitator only",
        headers=None if caller is not None else {"WWW-Authenticate": "Bearer"})


@router.get("/analysis", response_model=AnalysisAnswer)
def read_analysis(conv: ConversationDep, caller: OptionalCallerDep,
                  session: ReadSessionDep, service: ServiceDep) -> Response:
    """The latest analysis snapshot (version 0 and empty lists before the first one).

    Public while the conversation's results are visible; otherwise facilitator only. Only the
    facilitator gets every participant's point; everyone else gets the map as counts per group
    and square (cells of at least k) and, a participant, their own point (issue 18)."""
    _check_visible(conv, caller)
    cid: int = conv.id  # type: ignore[assignment]
    # Checked against AnalysisAnswer and written by pydantic's JSON writer (FastAPI's own
    # response_model path would turn a 20,000-participant map into Python dicts first, 3x
    # slower), once per snapshot version in this process: the version is a cheap query, the
    # snapshot is read only when this process has not rendered it yet (api/live/answers.py).
    # The response_model still documents the answer.
    _, text = service.answers.text(cid, latest_stamp(session, cid),
                                   lambda: _snapshot(session, cid),
                                   public=not _is_facilitator(caller), own=_own_id(caller),
                                   k=DIVERSITY.min_cell_size)
    return Response(text, media_type="application/json")


def _snapshot(session: Session,
              conversation_id: int) -> tuple[Hashable, int, dict[str, Any] | None]:
    snapshot = latest_snapshot(session, conversation_id)
    if snapshot is None:
        return (0, None), 0, None
    return (snapshot.version, snapshot.created_at), snapshot.version, snapshot.result


def _latest_version(service: Service, conversation_id: int) -> int:
    with Session(service.engine) as session:
        return latest_version(session, conversation_id)


def _load(service: Service, conversation_id: int, public: bool) -> tuple[int, str]:
    """The newest snapshot as (version, SSE data); ``public``: the aggregate answer."""
    with Session(service.engine) as session:
        # Rendered as GET /analysis renders it (older snapshots gain the newer keys), and
        # shared with it.
        return service.answers.text(conversation_id, latest_stamp(session, conversation_id),
                                    lambda: _snapshot(session, conversation_id),
                                    public=public, k=DIVERSITY.min_cell_size)


def _latest_text(service: Service, conversation_id: int, version: int,
                 public: bool) -> tuple[int, str]:
    return service.hub.latest_text(conversation_id, version,
                                   lambda: _load(service, conversation_id, public),
                                   "public" if public else "")


@router.get("/stream", response_class=EventSourceResponse,
            responses={200: {"content": {"text/event-stream": {}},
                             "description": "an `analysis` event per new snapshot version; "
                                            "its data is an AnalysisAnswer"}})
async def stream(conv: ConversationDep, caller: OptionalCallerDep,
                 service: ServiceDep) -> EventSourceResponse:
    """Server-Sent Events: the latest snapshot at once, then each new version (event
    ``analysis``, id = version, data = the JSON of ``GET /analysis``, schema
    ``AnalysisAnswer``). A reconnecting client gets the latest version again. Everyone but
    the facilitator gets the public answer of ``GET /analysis`` (no participant's point)."""
    _check_visible(conv, caller)
    cid: int = conv.id  # type: ignore[assignment]
    public = not _is_facilitator(caller)
    poll = service.settings.sse_poll_seconds

    async def events() -> AsyncIterator[dict[str, str]]:
        wake = service.hub.subscribe(cid)
        try:
            sent = -1
            while True:
                version = await run_in_threadpool(_latest_version, service, cid)
                if version > sent:
                    # Read and serialised once per version in this process, for all clients.
                    sent, data = await run_in_threadpool(_latest_text, service, cid, version,
                                                           public)
                    yield {"event": "analysis", "id": str(sent), "data": data}
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=poll)
                wake.clear()
        finally:
            service.hub.unsubscribe(cid, wake)

    return EventSourceResponse(events())

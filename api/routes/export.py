"""Export a conversation in the Pol.is export format (a zip) for ``meedenken analyze`` and
any tool that reads Pol.is exports. Its ``voter-id`` and ``comment-id`` are the API's
participant and statement ids."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import APIRouter, Response
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from meedenken.api.http.deps import FacilitatorDep, ServiceDep
from meedenken.api.live.service import Service
from meedenken.api.store import (
    conversation_statements,
    epoch_seconds,
    latest_snapshot,
    vote_history,
)
from meedenken.models.polis_export import Comment, PolisExport, write_export
from meedenken.models.tables import (
    Conversation,
    Moderation,
    Participant,
    Vote,
)

router = APIRouter(prefix="/conversations/{conversation_id}", tags=["export"])

#: Pol.is's ``moderated`` column: -1 rejected, 0 not yet moderated, 1 accepted.
MODERATED = {Moderation.rejected: -1, Moderation.pending: 0, Moderation.accepted: 1}


def _seconds(value: datetime) -> float:
    """Epoch seconds, whole milliseconds (the export's resolution)."""
    return round(epoch_seconds(value) * 1000) / 1000


def build_export(session: Session, conv: Conversation) -> PolisExport:
    """The conversation's votes (full history), statements, participants and summary."""
    cid = conv.id
    history = vote_history(session, cid, with_times=True)  # type: ignore[arg-type]
    # Timestamps never decrease in id (commit) order, so "latest by time" in any reader is
    # the latest committed vote even if the clock stepped back. Whole milliseconds.
    times = np.maximum.accumulate(np.maximum(np.round(history.cast_at * 1000) / 1000, 0.0))
    counts: dict[int, list[int]] = {}
    for sid, value in session.exec(select(Vote.statement_id, Vote.value)
                                   .where(Vote.conversation_id == cid)).all():
        tally = counts.setdefault(sid, [0, 0])
        if value == 1:
            tally[0] += 1
        elif value == -1:
            tally[1] += 1
    statements = conversation_statements(session, cid)  # type: ignore[arg-type]
    comments = tuple(
        Comment(comment_id=s.id, text=s.text,  # type: ignore[arg-type]
                agrees=counts.get(s.id, [0, 0])[0], disagrees=counts.get(s.id, [0, 0])[1],  # type: ignore[arg-type]
                moderated=MODERATED[Moderation(s.moderation)], is_meta=s.is_meta,
                is_seed=s.is_seed, timestamp=_seconds(s.created_at),
                **({"author_id": s.author_id} if s.author_id is not None else {}))
        for s in statements
    )
    participants = session.exec(select(Participant.id, Participant.xid)
                                .where(Participant.conversation_id == cid)
                                .order_by(col(Participant.id))).all()
    snapshot = latest_snapshot(session, cid)  # type: ignore[arg-type]
    result: dict[str, Any] = snapshot.result if snapshot else {}
    groups = {c["id"]: c["group"] for c in result.get("coordinates", [])
              if c.get("group") is not None}
    voters = set(history.participant_ids.tolist())
    summary = {
        "topic": conv.topic,
        "url": f"meedenken:conversation/{cid}",
        "views": str(len(participants)),
        "voters": str(len(voters)),
        "voters-in-conv": str(len(result.get("coordinates", []))),
        "commenters": str(len({s.author_id for s in statements if s.author_id is not None})),
        "comments": str(len(statements)),
        "groups": str(len(result.get("groups", []))),
        "conversation-description": conv.description,
    }
    return PolisExport(
        voter_ids=history.participant_ids, comment_ids=history.statement_ids,
        votes=history.values, timestamps=times, comments=comments, summary=summary,
        participant_ids=np.array([p for p, _ in participants], dtype=np.int64),
        group_ids=np.array([groups.get(p, -1) for p, _ in participants], dtype=np.int64),
        xids=tuple(x or "" for _, x in participants),
    )


def _zip(service: Service, conv: Conversation) -> bytes:
    with Session(service.engine) as session:
        export = build_export(session, conv)
    with tempfile.TemporaryDirectory(prefix="meedenken-export-") as folder:
        path = write_export(export, Path(folder) / "export.zip")
        return path.read_bytes()


@router.get("/export", response_class=Response,
            responses={200: {"content": {"application/zip": {}},
                             "description": "Pol.is export: votes.csv (vote history), "
                                            "comments.csv, participants-votes.csv, summary.csv"}})
async def export(conv: FacilitatorDep, service: ServiceDep) -> Response:
    """The conversation as a Pol.is export zip (facilitator only)."""
    data = await run_in_threadpool(_zip, service, conv)
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="meedenken-{conv.id}-export.zip"'})

"""Conversations: create, read, change settings, open/close, delete with all their data."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Response, status
from sqlalchemy import delete
from sqlmodel import Session

from meedenken.api.http.access import record_open_state
from meedenken.api.http.deps import ConversationDep, FacilitatorDep, ServiceDep, SessionDep
from meedenken.api.live.rounds import forget_round
from meedenken.models.db import erase_deleted, write_guard
from meedenken.models.tables import (
    ID_MAX,
    AllowedXid,
    AnalysisSnapshot,
    Conversation,
    ConversationCreate,
    ConversationCreated,
    ConversationPolicy,
    ConversationPublic,
    ConversationReference,
    ConversationUpdate,
    EngineState,
    Participant,
    Statement,
    Vote,
    VoteHistory,
)

from ..security import new_token

router = APIRouter(prefix="/conversations", tags=["conversations"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ConversationCreated)
def create_conversation(body: ConversationCreate, session: SessionDep) -> ConversationCreated:
    """Start a conversation. The facilitator token and the recovery code (which trades for a
    new token: ``POST /conversations/{id}/facilitator-token/recover``) are in this response
    only; keep them apart. Only their hashes are stored."""
    token, token_hash = new_token()
    recovery, recovery_hash = new_token()
    conv = Conversation.model_validate(body, update={"facilitator_token_hash": token_hash,
                                                     "facilitator_recovery_hash": recovery_hash,
                                                     "id": unused_random_id(session)})
    session.add(conv)
    session.commit()
    session.refresh(conv)
    return ConversationCreated.model_validate(conv, update={"facilitator_token": token,
                                                            "recovery_code": recovery})


def unused_random_id(session: Session) -> int:
    """A random conversation id not in use.

    Issue 18, item 8: with ids 1, 2, 3, ... and ``GET /conversations/{id}`` public (the
    participant page needs it before joining), anyone could list every conversation. A random
    id in 1 .. 2^31-1 keeps every route, URL and table as it was (the least invasive change);
    with a thousand conversations one guess in two million finds one, under the rate limits."""
    while True:
        candidate = secrets.randbelow(ID_MAX) + 1
        if session.get(Conversation, candidate) is None:
            return candidate


@router.get("/{conversation_id}", response_model=ConversationPublic)
def read_conversation(conv: ConversationDep) -> Conversation:
    return conv


@router.patch("/{conversation_id}", response_model=ConversationPublic)
def update_conversation(body: ConversationUpdate, conv: FacilitatorDep, session: SessionDep,
                        service: ServiceDep) -> Conversation:
    """Change settings, or open (``is_open: true``) / close (``false``) the conversation."""
    row = session.get(Conversation, conv.id)
    assert row is not None  # FacilitatorDep found it
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    row.sqlmodel_update(changes)
    session.add(row)
    if "is_open" in changes:  # issue 8: the retention clock starts at closing
        record_open_state(session, row.id, row.is_open)  # type: ignore[arg-type]
    session.commit()
    session.refresh(row)
    if "is_open" in changes:  # issue 19: every open page follows closing live (the stream)
        service.hub.publish(row.id)  # type: ignore[arg-type]
    if {"max_groups", "strict_moderation", "polis_compatible"} & changes.keys():
        service.mark_dirty([row.id])  # type: ignore[list-item]
    return row


@router.delete("/{conversation_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_conversation(conv: FacilitatorDep, service: ServiceDep) -> Response:
    """Delete the conversation and every row that belongs to it."""
    cid = conv.id
    with write_guard(service.engine) as engine, Session(engine) as session:
        delete_rows(session, cid)  # type: ignore[arg-type]
        session.commit()
    # After the write lock is released: no copy of the text left in the SQLite WAL (issue 18).
    erase_deleted(service.engine)
    service.forget(cid)  # type: ignore[arg-type]
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def delete_rows(session: Session, cid: int) -> None:
    """Delete a conversation and every row that belongs to it, without committing."""
    forget_round(session, cid)  # issue 21: its place in a trajectory
    # Children first; explicit so it does not depend on the database enforcing ON DELETE.
    for table in (VoteHistory, Vote, AnalysisSnapshot, EngineState, ConversationReference,
                  Statement, Participant, AllowedXid, ConversationPolicy):
        session.exec(delete(table).where(table.conversation_id == cid))  # type: ignore[call-overload,attr-defined,arg-type]
    session.exec(delete(Conversation).where(Conversation.id == cid))  # type: ignore[call-overload,arg-type]

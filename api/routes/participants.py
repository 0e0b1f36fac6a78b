"""Participants join anonymously and get a token."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlalchemy.exc import IntegrityError

from meedenken.api.http.access import policy_of, require_allowed_xid, xid_refused
from meedenken.api.http.deps import ConversationDep, SessionDep
from meedenken.models.tables import Participant, ParticipantCreate, ParticipantCreated

from ..security import new_token

router = APIRouter(prefix="/conversations/{conversation_id}/participants",
                   tags=["participants"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ParticipantCreated)
def join(body: ParticipantCreate, conv: ConversationDep, session: SessionDep) -> ParticipantCreated:
    """Join a conversation: optional external id (``xid``, unique per conversation), stakeholder
    role and demographic answers. The token is in this response only."""
    if not conv.is_open:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"conversation {conv.id} is closed; it takes no new participants")
    require_allowed_xid(session, conv.id, body.xid)  # type: ignore[arg-type]  # issue 8
    token, token_hash = new_token()
    participant = Participant.model_validate(
        body, update={"conversation_id": conv.id, "token_hash": token_hash})
    session.add(participant)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if policy_of(session, conv.id).xids_required:  # type: ignore[arg-type]
            raise xid_refused(conv.id) from exc  # type: ignore[arg-type]  # no 403/409 oracle
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"xid {body.xid!r} already joined conversation {conv.id}") from exc
    session.refresh(participant)
    return ParticipantCreated(id=participant.id, conversation_id=conv.id,  # type: ignore[arg-type]
                              token=token)

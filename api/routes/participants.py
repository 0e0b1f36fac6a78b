"""Participants join anonymously and get a token; a returning one is recognised (issue 21)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlalchemy.exc import IntegrityError

from meedenken.api.http.access import policy_of, require_allowed_xid, xid_refused
from meedenken.api.http.deps import ConversationDep, SessionDep
from meedenken.api.live.rounds import link_returning
from meedenken.api.present.trajectory import ParticipantJoin, ParticipantJoined
from meedenken.models.tables import Participant

from ..security import new_token

router = APIRouter(prefix="/conversations/{conversation_id}/participants",
                   tags=["participants"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ParticipantJoined)
def join(body: ParticipantJoin, conv: ConversationDep, session: SessionDep) -> ParticipantJoined:
    """Join a conversation: optional external id (``xid``, unique per conversation), stakeholder
    role and demographic answers. The token is in this response only.

    In a later round of a trajectory, a participant of an earlier round is recognised by
    ``returning_token`` (their earlier participant token, sent with their consent) or by the
    same ``xid``: their votes in both rounds then belong to one person (``returning: true``)."""
    if not conv.is_open:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"conversation {conv.id} is closed; it takes no new participants")
    require_allowed_xid(session, conv.id, body.xid)  # type: ignore[arg-type]  # issue 8
    token, token_hash = new_token()
    participant = Participant.model_validate(
        body.model_dump(exclude={"returning_token"}),
        update={"conversation_id": conv.id, "token_hash": token_hash})
    session.add(participant)
    try:
        session.flush()
        earlier = link_returning(session, participant, body.returning_token)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if policy_of(session, conv.id).xids_required:  # type: ignore[arg-type]
            raise xid_refused(conv.id) from exc  # type: ignore[arg-type]  # no 403/409 oracle
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"xid {body.xid!r} already joined conversation {conv.id}") from exc
    session.refresh(participant)
    return ParticipantJoined(id=participant.id, conversation_id=conv.id,  # type: ignore[arg-type]
                             token=token, returning=earlier is not None)

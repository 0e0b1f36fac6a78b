"""Access control (facilitator only): xid allow-lists, token revocation and rotation, retention."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response, status
from pydantic import Field, field_validator
from sqlalchemy import delete
from sqlmodel import SQLModel, col, func, select

from meedenken.api.http.access import policy_of
from meedenken.api.http.deps import (
    CanonicalId,
    ConversationDep,
    FacilitatorDep,
    ReadSessionDep,
    SessionDep,
    TokenDep,
)
from meedenken.api.live.rounds import credential_holder, recovery_holder
from meedenken.api.security import new_token, unusable_token_hash
from meedenken.models.tables import (
    ID_MAX,
    MAX_XID_LENGTH,
    AllowedXid,
    Participant,
)
from meedenken.models.text import reject_nul

router = APIRouter(prefix="/conversations/{conversation_id}", tags=["access"])

ParticipantId = Annotated[int, Path(ge=1, le=ID_MAX, description="participant id"),
                      CanonicalId]
#: Most xids in one allow-list (a regional dialogue invites at most tens of thousands).
MAX_ALLOWED_XIDS = 100_000


class XidAllowList(SQLModel):
    #: The xids allowed to join; replaces the previous list.
    xids: list[Annotated[str, Field(min_length=1, max_length=MAX_XID_LENGTH)]] = Field(
        max_length=MAX_ALLOWED_XIDS)
    #: Refuse every join without an xid from the list (false: keep the list, admit anyone).
    required: bool = True

    @field_validator("xids")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        for xid in value:
            reject_nul(xid)
        return list(dict.fromkeys(value))


class XidAllowListPublic(SQLModel):
    required: bool
    count: int


class RetentionUpdate(SQLModel):
    #: Days after closing when participant tokens, xids and demographics are purged (null: keep).
    retention_days: int | None = Field(ge=0, le=36_500)


class RetentionPublic(SQLModel):
    retention_days: int | None
    closed_at: datetime | None
    purged_at: datetime | None

    @field_validator("closed_at", "purged_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        """SQLite hands back naive datetimes; every time the service stores is UTC."""
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class FacilitatorToken(SQLModel):
    #: Shown once; only its hash is stored. The previous token stops working at once.
    facilitator_token: str


class RecoveryRequest(SQLModel):
    #: The recovery code shown once when the conversation was created (or last recovered).
    recovery_code: str = Field(min_length=1, max_length=200)


class RecoveredAccess(FacilitatorToken):
    #: A fresh recovery code (the one just used stops working); shown once, stored hashed.
    recovery_code: str


@router.put("/xids", response_model=XidAllowListPublic)
def put_xids(body: XidAllowList, conv: FacilitatorDep, session: SessionDep) -> XidAllowListPublic:
    """Upload the xid allow-list (replacing any earlier one). With ``required`` (the default)
    only participants who join with an xid on the list are admitted; others get 403.
    Participants who joined before keep their tokens (revoke them if need be)."""
    cid: int = conv.id  # type: ignore[assignment]
    session.exec(delete(AllowedXid).where(col(AllowedXid.conversation_id) == cid))  # type: ignore[call-overload]
    session.add_all(AllowedXid(conversation_id=cid, xid=x) for x in body.xids)
    policy = policy_of(session, cid)
    policy.xids_required = body.required
    session.add(policy)
    session.commit()
    return XidAllowListPublic(required=body.required, count=len(body.xids))


@router.get("/xids", response_model=XidAllowListPublic)
def get_xids(conv: FacilitatorDep, session: ReadSessionDep) -> XidAllowListPublic:
    """Whether an xid is required, and how many are allowed."""
    count = session.exec(select(func.count()).select_from(AllowedXid)
                         .where(AllowedXid.conversation_id == conv.id)).one()
    return XidAllowListPublic(required=policy_of(session, conv.id).xids_required,  # type: ignore[arg-type]
                              count=count)


@router.delete("/xids", status_code=status.HTTP_204_NO_CONTENT)
def delete_xids(conv: FacilitatorDep, session: SessionDep) -> Response:
    """Drop the allow-list: anyone may join again."""
    cid: int = conv.id  # type: ignore[assignment]
    session.exec(delete(AllowedXid).where(col(AllowedXid.conversation_id) == cid))  # type: ignore[call-overload]
    policy = policy_of(session, cid)
    policy.xids_required = False
    session.add(policy)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/participants/{participant_id}/token", status_code=status.HTTP_204_NO_CONTENT)
def revoke_participant_token(participant_id: ParticipantId, conv: FacilitatorDep,
                             session: SessionDep) -> Response:
    """Revoke a participant's token: it can no longer vote, write or read as that participant.
    The participant's votes and statements stay."""
    row = session.get(Participant, participant_id)
    if row is None or row.conversation_id != conv.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"participant {participant_id} not found in conversation {conv.id}")
    row.token_hash = unusable_token_hash()
    session.add(row)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/facilitator-token", response_model=FacilitatorToken)
def rotate_facilitator_token(conv: FacilitatorDep, session: SessionDep,
                             used: TokenDep) -> FacilitatorToken:
    """A new facilitator token; the one used for this request stops working at once. In a
    trajectory (issue 21) the token of every round is replaced: it is kept by one round."""
    token, token_hash = new_token()
    assert used is not None  # FacilitatorDep checked it
    row = credential_holder(session, conv.id, used)  # type: ignore[arg-type]
    assert row is not None  # FacilitatorDep found it in this conversation or its trajectory
    row.facilitator_token_hash = token_hash
    session.add(row)
    session.commit()
    return FacilitatorToken(facilitator_token=token)


@router.post("/facilitator-token/recover", response_model=RecoveredAccess,
             responses={403: {"description": "wrong recovery code"}})
def recover_facilitator_token(body: RecoveryRequest, conv: ConversationDep,
                              session: SessionDep) -> RecoveredAccess:
    """Issue 19: the way back in for a facilitator who lost the token (or wants it on a
    second device). The recovery code trades for a new facilitator token and a new recovery
    code; the old token and the used code stop working at once. Only hashes are stored. In a
    trajectory (issue 21) the code works on every round and renews the token of them all."""
    row = recovery_holder(session, conv.id, body.recovery_code)  # type: ignore[arg-type]
    if row is None:
        session.rollback()
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"this recovery code does not belong to conversation {conv.id}")
    token, token_hash = new_token()
    code, code_hash = new_token()
    row.facilitator_token_hash = token_hash
    row.facilitator_recovery_hash = code_hash
    session.add(row)
    session.commit()
    return RecoveredAccess(facilitator_token=token, recovery_code=code)


@router.get("/retention", response_model=RetentionPublic)
def get_retention(conv: FacilitatorDep, session: ReadSessionDep) -> RetentionPublic:
    return RetentionPublic.model_validate(policy_of(session, conv.id))  # type: ignore[arg-type]


@router.put("/retention", response_model=RetentionPublic)
def put_retention(body: RetentionUpdate, conv: FacilitatorDep,
                  session: SessionDep) -> RetentionPublic:
    """Set how many days after closing participants' tokens, xids and demographics are purged
    (``null``: never). The purge runs in the background (see api/retention.py)."""
    policy = policy_of(session, conv.id)  # type: ignore[arg-type]
    policy.retention_days = body.retention_days
    session.add(policy)
    session.commit()
    session.refresh(policy)
    return RetentionPublic.model_validate(policy)

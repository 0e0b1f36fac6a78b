"""A participant's own answers to the join questions, given after joining.

The participant page joins anonymously at once (so the first statement shows without delay) and
offers the optional join questions (stakeholder role, age band, area) beside the voting; the
answers arrive here later. They never gate voting.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import field_validator
from sqlmodel import SQLModel

from meedenken.api.http.deps import ConversationDep, ParticipantDep, SessionDep
from meedenken.models.tables import Participant, ParticipantCreate, Role

router = APIRouter(prefix="/conversations/{conversation_id}/participants",
                   tags=["participants"])


class ProfileUpdate(SQLModel):
    """Fields left out stay as they are; demographic answers are merged by key (``null``
    removes one)."""

    role: Role | None = None
    demographics: dict[str, str | int | float | bool | None] | None = None

    @field_validator("demographics")
    @classmethod
    def _small(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return ParticipantCreate._small_demographics(value)


class ProfilePublic(SQLModel):
    id: int
    conversation_id: int
    role: Role | None
    demographics: dict[str, Any] | None


@router.patch("/me", response_model=ProfilePublic,
              responses={409: {"description": "the conversation is closed"}})
def update_profile(body: ProfileUpdate, conv: ConversationDep, participant: ParticipantDep,
                   session: SessionDep) -> Participant:
    """Set the calling participant's role and demographic answers (participant token); 409
    once the conversation is closed (its data is final, and retention purges it)."""
    if not conv.is_open:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"conversation {conv.id} is closed; answers can no longer change")
    row = session.get(Participant, participant.id)
    assert row is not None  # ParticipantDep found it
    changes = body.model_dump(exclude_unset=True)
    if "role" in changes:
        row.role = body.role
    if body.demographics is not None:
        merged = {**(row.demographics or {}), **body.demographics}
        merged = {k: v for k, v in merged.items() if v is not None}
        try:
            ParticipantCreate._small_demographics(merged)
        except ValueError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
        row.demographics = merged or None
    session.add(row)
    session.commit()
    session.refresh(row)
    return row

"""Access rules kept apart from the routes: xid allow-lists, the close time.

(A revoked token's new hash, :func:`~meedenken.api.security.unusable_token_hash`, is in
:mod:`meedenken.api.security`: the retention purge below HTTP uses it too.)
"""

from __future__ import annotations

from datetime import datetime

from fastapi import HTTPException, status
from sqlmodel import Session, select

from meedenken.models.tables import AllowedXid, ConversationPolicy, utcnow

__all__ = ["policy_of", "record_open_state", "require_allowed_xid"]


def policy_of(session: Session, conversation_id: int) -> ConversationPolicy:
    """The conversation's policy row (a new, unsaved one with the defaults if it has none)."""
    policy = session.get(ConversationPolicy, conversation_id)
    return policy if policy is not None else ConversationPolicy(conversation_id=conversation_id)


def require_allowed_xid(session: Session, conversation_id: int, xid: str | None) -> None:
    """403 unless the conversation takes anyone or ``xid`` is on its allow-list."""
    policy = session.get(ConversationPolicy, conversation_id)
    if policy is None or not policy.xids_required:
        return
    if xid is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"conversation {conversation_id} is open to invited participants "
                            "only: join with the 'xid' you were given")
    allowed = session.exec(select(AllowedXid.id).where(
        AllowedXid.conversation_id == conversation_id, AllowedXid.xid == xid)).first()
    if allowed is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"xid {xid!r} is not on the invitation list of conversation "
                            f"{conversation_id}")


def record_open_state(session: Session, conversation_id: int, is_open: bool,
                      now: datetime | None = None) -> None:
    """Note when a conversation closes (the retention clock starts) or reopens (it stops).

    Adds to ``session`` without committing: the caller commits with its own change."""
    policy = policy_of(session, conversation_id)
    if is_open:
        policy.closed_at = None
    elif policy.closed_at is None:
        policy.closed_at = now or utcnow()
        policy.purged_at = None
    session.add(policy)

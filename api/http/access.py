"""Access rules kept apart from the routes: xid allow-lists, the close time.

(A revoked token's new hash, :func:`~meedenken.api.security.unusable_token_hash`, is in
:mod:`meedenken.api.security`: the retention purge below HTTP uses it too.)
"""

from __future__ import annotations

from datetime import datetime

from fastapi import HTTPException, status
from sqlmodel import Session, select

from meedenken.models.tables import AllowedXid, ConversationPolicy, utcnow

__all__ = ["policy_of", "record_open_state", "require_allowed_xid", "xid_refused"]


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
        raise xid_refused(conversation_id)


def xid_refused(conversation_id: int) -> HTTPException:
    """The one answer to an xid that is not on the allow-list *or* has already joined.

    Two answers (403 unlisted, 409 used) let an outsider test which residents were invited
    and which of them took part (issue 18, item 8); the facilitator sees both in the data."""
    return HTTPException(status.HTTP_403_FORBIDDEN,
                         f"this xid cannot join conversation {conversation_id}: it is not on "
                         "the invitation list or it has already been used")


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

"""Data retention: purge participants' tokens, xids and demographics after a conversation closes.

A conversation's policy may set ``retention_days`` (``PUT /conversations/{id}/retention``).
When the conversation has been closed for that many days, :func:`purge_expired`

* makes every participant token of the conversation unusable (its stored hash is replaced, see
  :func:`meedenken.api.security.unusable_token_hash`),
* erases every participant's ``xid`` and demographic answers, and the xid allow-list,

and records ``purged_at``. Votes, statements and the analysis stay: they are anonymous once
nothing links a participant row to a person, and they are the dialogue's result. Deleting the
conversation removes those too. A conversation reopened before the deadline is not purged.

:class:`RetentionLoop` runs :func:`purge_expired` in a background thread every
``retention_check_seconds`` (one hour by default), so a purge happens at most that late.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col, select

from meedenken.api.security import unusable_token_hash
from meedenken.models.db import write_guard
from meedenken.models.tables import (
    AllowedXid,
    Conversation,
    ConversationPolicy,
    Participant,
    utcnow,
)

__all__ = ["RetentionLoop", "purge_conversation", "purge_expired"]

log = logging.getLogger(__name__)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def purge_conversation(session: Session, conversation_id: int, now: datetime) -> int:
    """Purge one conversation's participant data (see the module docstring); commits nothing.
    Returns the number of participants purged."""
    ids = session.exec(select(Participant.id)
                       .where(Participant.conversation_id == conversation_id)).all()
    if ids:
        session.execute(update(Participant), [  # bulk update by primary key
            {"id": pid, "token_hash": unusable_token_hash(), "xid": None, "demographics": None}
            for pid in ids])
    session.exec(delete(AllowedXid).where(  # type: ignore[call-overload]
        col(AllowedXid.conversation_id) == conversation_id))
    policy = session.get(ConversationPolicy, conversation_id)
    if policy is not None:
        policy.purged_at = now
        session.add(policy)
    return len(ids)


def purge_expired(engine: Engine, now: datetime | None = None) -> list[int]:
    """Purge every closed conversation whose retention period has passed at ``now``.

    Returns the ids of the conversations purged (each only once)."""
    now = _aware(now or utcnow())
    with Session(engine) as session:
        due = session.exec(
            select(ConversationPolicy).join(Conversation)
            .where(col(ConversationPolicy.retention_days).is_not(None),
                   col(ConversationPolicy.closed_at).is_not(None),
                   col(ConversationPolicy.purged_at).is_(None),
                   col(Conversation.is_open).is_(False))).all()
        due_ids = [p.conversation_id for p in due
                   if _aware(p.closed_at) + timedelta(days=p.retention_days) <= now]  # type: ignore[arg-type,operator]
    purged = []
    for cid in due_ids:
        with write_guard(engine) as eng, Session(eng) as session:
            conv = session.get(Conversation, cid)
            if conv is None or conv.is_open:  # deleted or reopened meanwhile
                continue
            n = purge_conversation(session, cid, now)
            session.commit()
        log.info("retention: purged tokens, xids and demographics of %d participants of "
                 "conversation %d", n, cid)
        purged.append(cid)
    return purged


class RetentionLoop:
    """Runs :func:`purge_expired` every ``interval`` seconds in a daemon thread."""

    def __init__(self, engine: Engine, interval: float,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.interval = interval
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                purge_expired(self.engine, self.clock())
            except Exception:  # a failed run must not end the loop; the next one retries
                log.exception("retention purge failed; retrying in %.0f s", self.interval)

"""The queries that several parts of the service share, each written once.

The routes, the live analysis (:mod:`meedenken.api.live.analyser`), the diversity report
(:mod:`meedenken.api.present.diversity`), the Pol.is export and the report's database source
(:mod:`meedenken.api.report.db_source`) read the same things from the database: the latest
analysis snapshot of a conversation, the statements participants see, and a conversation's
votes. Each is a function here taking an open :class:`~sqlmodel.Session`; the caller owns the
session (and so the transaction), this module never commits.

Below the HTTP layer: nothing here knows about requests or status codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlmodel import Session, col, select

from meedenken.models.tables import (
    AnalysisSnapshot,
    Conversation,
    Moderation,
    Statement,
    VoteHistory,
)

__all__ = [
    "VoteRecords",
    "conversation_statements",
    "epoch_seconds",
    "hidden_states",
    "latest_priorities",
    "latest_result",
    "latest_snapshot",
    "latest_stamp",
    "latest_version",
    "visible_filter",
    "visible_statements",
    "vote_history",
]


def epoch_seconds(moment: datetime) -> float:
    """Seconds since the epoch of a stored time; SQLite hands back naive datetimes, which are
    UTC (the service stores UTC only)."""
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).timestamp()


# ---------------------------------------------------------------------------- snapshots
def _newest(column: Any, conversation_id: int) -> Any:
    """``column`` of the conversation's newest snapshot (the one query; the (conversation,
    version) unique index answers it without a scan)."""
    return (select(column)
            .where(AnalysisSnapshot.conversation_id == conversation_id)
            .order_by(col(AnalysisSnapshot.version).desc())
            .limit(1))


def latest_snapshot(session: Session, conversation_id: int) -> AnalysisSnapshot | None:
    """The newest stored snapshot of a conversation, or None before the first analysis.

    ``GET /analysis`` and its SSE stream serve its ``result``; the Pol.is export reads its
    groups."""
    return session.exec(_newest(AnalysisSnapshot, conversation_id)).first()


def latest_version(session: Session, conversation_id: int) -> int:
    """The newest snapshot's version, 0 before the first analysis.

    The SSE stream polls it (cheap: no JSON is read); the analyser numbers the next snapshot
    after it and notices when another worker analysed the conversation since."""
    return session.exec(_newest(AnalysisSnapshot.version, conversation_id)).first() or 0


def latest_stamp(session: Session, conversation_id: int) -> tuple[int, Any]:
    """(version, creation time) of the newest snapshot, (0, None) before the first analysis:
    what identifies it for a cache of rendered answers (api/live/answers.py) without reading
    its JSON. The time tells a new conversation's snapshot from one of a deleted conversation
    that had the same id (SQLite may give a deleted row's id again)."""
    row = session.exec(select(AnalysisSnapshot.version, AnalysisSnapshot.created_at)
                       .where(AnalysisSnapshot.conversation_id == conversation_id)
                       .order_by(col(AnalysisSnapshot.version).desc())
                       .limit(1)).first()
    return (0, None) if row is None else (int(row[0]), row[1])


def latest_priorities(session: Session, conversation_id: int) -> dict[str, float]:
    """The routing weights of the newest snapshot by statement id (as a string), empty before
    the first analysis. ``GET /next`` reads them on every call, so only this column is read."""
    return session.exec(_newest(AnalysisSnapshot.priorities, conversation_id)).first() or {}


def latest_result(session: Session, conversation_id: int) -> dict[str, Any] | None:
    """The newest snapshot's ``result`` (the analysis JSON), or None before the first analysis.

    The diversity report reads each participant's group and map position from it."""
    return session.exec(_newest(AnalysisSnapshot.result, conversation_id)).first()


# ---------------------------------------------------------------------------- statements
def hidden_states(strict_moderation: bool) -> list[str]:
    """Moderation states of the statements participants do not see, which the analysis leaves
    out too: rejected ones, and pending ones where the conversation moderates strictly."""
    hidden = [Moderation.rejected.value]
    if strict_moderation:
        hidden.append(Moderation.pending.value)
    return hidden


def visible_filter(conv: Conversation) -> list[Any]:
    """SQL conditions on :class:`Statement` for the statements participants see (and may vote
    on) in ``conv``; the statement list adds them to its own query."""
    return [Statement.conversation_id == conv.id,
            col(Statement.moderation).not_in(hidden_states(conv.strict_moderation))]


def visible_statements(session: Session, conv: Conversation,
                       newest: int | None = None) -> list[tuple[int, str]]:
    """``(id, text)`` of the statements participants see, in id order.

    ``GET /next`` routes among them; a submitted statement is compared with the ``newest`` of
    them for near-duplicates (the database returns only those: a conversation bulk-seeded with
    thousands of statements costs a submission no more than ``newest`` rows, issue 18)."""
    query = select(Statement.id, Statement.text).where(*visible_filter(conv))
    if newest is None:
        rows = session.exec(query.order_by(col(Statement.id))).all()
    else:
        rows = session.exec(query.order_by(col(Statement.id).desc()).limit(newest)).all()[::-1]
    return [(int(sid), text) for sid, text in rows]  # type: ignore[arg-type]


def conversation_statements(session: Session, conversation_id: int) -> Sequence[Statement]:
    """Every statement of a conversation (any moderation state), in id order.

    The analyser, the Pol.is export and the report's database source read them whole; which
    ones enter the analysis is :func:`hidden_states`'s rule."""
    return session.exec(select(Statement).where(Statement.conversation_id == conversation_id)
                        .order_by(col(Statement.id))).all()


# ---------------------------------------------------------------------------- votes
@dataclass(frozen=True)
class VoteRecords:
    """Votes of one conversation as arrays, one entry per vote cast, in commit order.

    A participant who changed a vote appears once per vote; the one with the highest id is the
    current one (``VoteMatrix`` keeps the latest per cell)."""

    #: ``vote_history`` ids (int64): the commit order.
    ids: np.ndarray
    participant_ids: np.ndarray
    statement_ids: np.ndarray
    #: agree = +1, disagree = -1, pass = 0 (int8).
    values: np.ndarray
    #: When each vote was cast, epoch seconds (float64); None unless asked for.
    times: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def cast_at(self) -> np.ndarray:
        """:attr:`times`, for a caller that read them (``with_times=True``)."""
        if self.times is None:
            raise ValueError("these votes were read without their times (with_times=False)")
        return self.times

    def where(self, keep: np.ndarray) -> VoteRecords:
        """The records where the boolean array ``keep`` is true."""
        return VoteRecords(self.ids[keep], self.participant_ids[keep], self.statement_ids[keep],
                           self.values[keep], None if self.times is None else self.times[keep])


def vote_history(session: Session, conversation_id: int, *, after_id: int = 0,
                 with_times: bool = False) -> VoteRecords:
    """The conversation's votes with a ``vote_history`` id above ``after_id``, in id order.

    ``with_times`` also reads when each was cast (slower: a datetime per vote). The analyser
    reads the votes it has not seen yet (it orders votes by id, no times); the report's database
    source, the Pol.is export and the diversity report read all of them with their times."""
    columns: list[Any] = [VoteHistory.id, VoteHistory.participant_id, VoteHistory.statement_id,
                          VoteHistory.value]
    if with_times:
        columns.append(VoteHistory.created_at)
    rows = session.exec(
        select(*columns)  # type: ignore[call-overload]
        .where(VoteHistory.conversation_id == conversation_id,
               col(VoteHistory.id) > after_id)
        .order_by(col(VoteHistory.id))).all()
    n = len(rows)
    ids, participants, statements, values = (
        np.fromiter((r[i] for r in rows), dtype=np.int64, count=n) for i in range(4))
    times = (np.fromiter((epoch_seconds(r[4]) for r in rows), dtype=np.float64, count=n)
             if with_times else None)
    return VoteRecords(ids, participants, statements, values.astype(np.int8), times)

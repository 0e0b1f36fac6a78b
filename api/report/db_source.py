"""A conversation of the Meedenken service database as a report source (read only).

Reads the conversation, its participants (join times), statements (text, author, moderation,
meta) and the full vote history (``vote_history``, in commit order; the latest vote per
participant and statement wins, as in the service's own analysis) through the service's shared
queries (:mod:`meedenken.api.store`). Needs the service's database layer (``models.db`` and
``models.tables``).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import UTC, datetime
from typing import Any

from meedenken.engine.matrix import VoteMatrix

from .source import ReportSource

__all__ = ["DatabaseSourceError", "from_database"]


class DatabaseSourceError(ValueError):
    """The database cannot be read or has no such conversation (one line)."""


def _seconds(moment: datetime | None) -> float:
    """Seconds since the epoch; naive datetimes (SQLite) are UTC, as the service stores them."""
    if moment is None:
        return float("nan")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def from_database(url: str, conversation_id: int) -> ReportSource:
    """Load conversation ``conversation_id`` from the database at ``url``.

    Raises
    ------
    DatabaseSourceError
        The database layer is not installed, the database cannot be opened, or the
        conversation does not exist.
    """
    try:
        from sqlalchemy.exc import SQLAlchemyError
        from sqlmodel import Session, select

        from meedenken.api.store import conversation_statements, hidden_states, vote_history
        from meedenken.models.db import make_engine
        from meedenken.models.tables import Conversation, Participant
    except ImportError as exc:
        raise DatabaseSourceError(
            f"--db needs the service's database layer (models.db, models.tables), which this "
            f"installation lacks ({exc.name})") from exc
    try:
        engine = make_engine(url)
        with Session(engine) as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise DatabaseSourceError(f"{url}: no conversation with id {conversation_id}")
            participants = session.exec(
                select(Participant.id, Participant.created_at, Participant.role)
                .where(Participant.conversation_id == conversation_id)
                .order_by(Participant.id)).all()  # type: ignore[arg-type]
            statements = conversation_statements(session, conversation_id)
            votes = vote_history(session, conversation_id, with_times=True)
        engine.dispose()
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseSourceError(f"cannot read the database: {first}") from exc
    # The statements participants do not see are left out, as in the service's own analysis.
    hidden = hidden_states(conversation.strict_moderation)
    excluded = [s.id for s in statements if s.moderation in hidden]
    matrix = VoteMatrix.from_records(
        votes.participant_ids, votes.statement_ids,  # type: ignore[arg-type]
        votes.values, votes.cast_at,
        statement_ids=[s.id for s in statements], participant_ids=[p[0] for p in participants],
        excluded=excluded, meta=[s.id for s in statements if s.is_meta],
    )
    authors: dict[Hashable, Hashable] = {s.id: s.author_id for s in statements
                                         if s.author_id is not None and not s.is_seed}
    return ReportSource(
        name=f"conversation {conversation_id}",
        location=f"{_redact(url)} conversation {conversation_id}",
        title=conversation.topic,
        description=conversation.description,
        matrix=matrix,
        texts={s.id: s.text for s in statements},
        authors=authors,
        statement_times={s.id: _seconds(s.created_at) for s in statements},
        states={s.id: str(s.moderation) for s in statements},
        join_times={p[0]: _seconds(p[1]) for p in participants},
        max_groups=conversation.max_groups,
        attributes=_roles(participants),
    )


def _roles(participants: Sequence[Any]) -> dict[str, dict[Hashable, str]]:
    """``{"role": participant id -> declared role}`` as the service's analysis reads it
    (:mod:`meedenken.api.live.analyser`); empty when nobody declared a role."""
    declared = {p[0]: str(p[2]) for p in participants if p[2] is not None}
    return {"role": declared} if declared else {}


def _redact(url: str) -> str:
    """The URL without its password, for the report's source line."""
    try:
        from sqlalchemy.engine import make_url
    except ImportError:  # pragma: no cover - sqlalchemy comes with sqlmodel
        return url
    return make_url(url).render_as_string(hide_password=True)

"""Where a vote goes: one writer thread that checks and commits votes in batches (group commit).

A vote request hashes its token, hands ``(conversation, token hash, statement, value)`` to
:meth:`VoteWriter.submit` and awaits the outcome; it never touches the database itself. The
writer thread takes every vote waiting in its queue, checks them all with three ``IN`` queries
(conversation open? token belongs to a participant of this conversation? statement visible in
this conversation?), appends the valid ones to ``vote_history``, upserts ``vote`` (one current
vote per participant and statement) and commits once. Only after the commit are the requests
answered, so **a 2xx vote is committed** (and, on SQLite with ``synchronous=FULL``, fsynced).
The answers go back to the event loop in one call per batch (one wake-up of the loop, not one
per vote).

Batching is what makes durable writes fast: under load the queue fills while a commit runs, so
one fsync covers hundreds of votes; when idle, a batch is a single vote and latency is one
commit.

If a batch fails as a whole (say a conversation was deleted between the checks and the insert),
it is rolled back and its votes are retried one at a time, so one bad vote cannot sink others.

A refused vote is answered with a domain error (:mod:`meedenken.api.errors`: ``NotFound``,
``Forbidden``, ``Closed``, ``Conflict``); the HTTP layer gives it its status code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from meedenken.api.errors import Closed, Conflict, DomainError, Forbidden, NotFound
from meedenken.models.db import write_guard
from meedenken.models.tables import Moderation, utcnow

__all__ = ["PG_WRITER_SETTINGS", "PendingVote", "StoredVote", "VoteWriter"]

log = logging.getLogger(__name__)

_VOTE_COLUMNS = "(conversation_id, participant_id, statement_id, value, created_at)"
#: The latest vote wins; same syntax in SQLite (3.24+) and PostgreSQL.
_UPSERT = ("ON CONFLICT (participant_id, statement_id) DO UPDATE "
           "SET value = excluded.value, created_at = excluded.created_at")
#: PostgreSQL: the writer's connections cut a vote transaction off long before the analysis's
#: look-back (api/analyser.py, READ_LOOKBACK_SECONDS) would miss one of its votes.
PG_WRITER_SETTINGS = {"statement_timeout": "2s", "idle_in_transaction_session_timeout": "2s"}
#: PostgreSQL: one notification per conversation in the batch, "<conversation>:<vote id>".
_PG_NOTIFY = ("SELECT pg_notify(%s, c::text || ':' || "
              "currval(pg_get_serial_sequence('vote_history', 'id'))::text) "
              "FROM unnest(%s::int[]) AS c")
#: How SQLAlchemy stores a DateTime in SQLite (UTC, no zone), so the ORM reads ours back.
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


@dataclass
class PendingVote:
    conversation_id: int
    token_hash: str
    statement_id: int
    value: int
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future = field(repr=False)


@dataclass(frozen=True)
class StoredVote:
    participant_id: int
    statement_id: int
    vote: int
    created_at: datetime


class VoteWriter:
    """The single writer of votes in this process (see the module docstring).

    Parameters
    ----------
    engine : the database engine.
    on_commit : called with the set of conversation ids that got votes, after each commit
        (the analysis scheduler's ``mark_dirty``).
    batch_max : most votes per transaction.
    """

    def __init__(self, engine: Engine, on_commit: Callable[[set[int]], None], *,
                 batch_max: int = 1000, notify_channel: str | None = None) -> None:
        self.engine = engine
        self.on_commit = on_commit
        self.notify_channel = notify_channel
        self.batch_max = batch_max
        self._queue: queue.SimpleQueue[PendingVote | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._postgres = engine.dialect.name == "postgresql"
        self.batches = 0  # committed transactions, for tests and the benchmark

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="vote-writer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ------------------------------------------------------------------ requests
    async def submit(self, conversation_id: int, token_hash: str, statement_id: int,
                     value: int) -> StoredVote:
        """Queue one vote and wait until it is committed.

        Raises
        ------
        NotFound, Forbidden, Closed, Conflict
            The vote is refused (see :func:`_check`), or clashed with a concurrent deletion.
        """
        loop = asyncio.get_running_loop()
        pending = PendingVote(conversation_id, token_hash, statement_id, value, loop,
                              loop.create_future())
        self._queue.put(pending)
        return await pending.future

    # ------------------------------------------------------------------ writer thread
    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self.batch_max:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[PendingVote]) -> None:
        try:
            outcomes = self._commit(batch)
        except SQLAlchemyError:
            log.warning("vote batch of %d failed; retrying one by one", len(batch), exc_info=True)
            outcomes = []
            for item in batch:
                try:
                    outcomes.extend(self._commit([item]))
                except SQLAlchemyError as exc:
                    log.warning("vote refused by the database: %s", exc)
                    outcomes.append(Conflict(
                        "the vote conflicts with a concurrent change (was the conversation, "
                        "statement or participant deleted?)"))
        touched = {item.conversation_id for item, outcome in zip(batch, outcomes, strict=True)
                   if isinstance(outcome, StoredVote)}
        _resolve(batch, outcomes)
        if touched:
            self.on_commit(touched)

    def _commit(self, batch: list[PendingVote]) -> list[StoredVote | DomainError]:
        """Check and store a batch in one transaction; returns one outcome per vote.

        Plain driver SQL (no ORM, no statement compilation), one ``fetchall`` per query and
        one multi-row ``INSERT`` per table: this runs once per batch on the hot path, and every
        driver step releases and retakes the GIL, which the event loop thread is competing
        for (retaking it can wait for the loop thread's switch interval, 5 ms).
        """
        now = utcnow()
        stamp: object = now if self._postgres else now.strftime(_SQLITE_TIME)
        ph = "%s" if self._postgres else "?"
        outcomes: list[StoredVote | DomainError] = []
        history: list[tuple] = []
        latest: dict[tuple[int, int], tuple] = {}
        with write_guard(self.engine) as engine, engine.begin() as conn:

            def lookup(sql: str, keys: set) -> dict:
                marks = ",".join([ph] * len(keys))
                rows = conn.exec_driver_sql(sql.format(marks), tuple(keys)).fetchall()
                return {r[0]: tuple(r[1:]) for r in rows}

            conversations = lookup("SELECT id, is_open, strict_moderation FROM conversation "
                                   "WHERE id IN ({})", {v.conversation_id for v in batch})
            participants = lookup("SELECT token_hash, id, conversation_id FROM participant "
                                  "WHERE token_hash IN ({})", {v.token_hash for v in batch})
            statements = lookup("SELECT id, conversation_id, moderation FROM statement "
                                "WHERE id IN ({})", {v.statement_id for v in batch})
            for item in batch:
                outcome = _check(item, conversations, participants, statements, now)
                outcomes.append(outcome)
                if isinstance(outcome, StoredVote):
                    row = (item.conversation_id, outcome.participant_id, item.statement_id,
                           item.value, stamp)
                    history.append(row)
                    # One row per pair: PostgreSQL refuses to update a row twice in one statement.
                    latest[(outcome.participant_id, item.statement_id)] = row
            if history:
                conn.exec_driver_sql(f"INSERT INTO vote_history {_VOTE_COLUMNS} "
                                     f"VALUES {_rows(ph, len(history))}", _flat(history))
                conn.exec_driver_sql(f"INSERT INTO vote {_VOTE_COLUMNS} "
                                     f"VALUES {_rows(ph, len(latest))} {_UPSERT}",
                                     _flat(latest.values()))
                if self.notify_channel is not None:
                    # Sent at commit to every worker (api/coordination.py), with the highest
                    # vote id this transaction drew.
                    conn.exec_driver_sql(_PG_NOTIFY, (self.notify_channel,
                                                      sorted({r[0] for r in history})))
        self.batches += 1
        return outcomes


def _rows(ph: str, n: int) -> str:
    """``(?,?,?,?,?),...`` for ``n`` rows: one statement (one driver step, one GIL hand-over on
    SQLite) instead of ``executemany``'s one step per row."""
    return ",".join(["(" + ",".join([ph] * 5) + ")"] * n)


def _flat(rows: Iterable[tuple]) -> tuple:
    return tuple(value for row in rows for value in row)


def _check(item: PendingVote, conversations: dict, participants: dict, statements: dict,
           now: datetime) -> StoredVote | DomainError:
    """Why a vote is refused, or what will be stored."""
    conv = conversations.get(item.conversation_id)
    if conv is None:
        return NotFound(f"conversation {item.conversation_id} not found")
    is_open, strict = conv
    who = participants.get(item.token_hash)
    if who is None or who[1] != item.conversation_id:
        return Forbidden("the token is not a participant token of this conversation")
    if not is_open:
        return Closed(f"conversation {item.conversation_id} is closed; it takes no votes")
    stmt = statements.get(item.statement_id)
    if stmt is None or stmt[0] != item.conversation_id:
        return NotFound(f"statement {item.statement_id} not found in conversation "
                        f"{item.conversation_id}")
    if stmt[1] == Moderation.rejected:
        return Conflict(f"statement {item.statement_id} was rejected by the moderator")
    if stmt[1] == Moderation.pending and strict:
        return Conflict(f"statement {item.statement_id} awaits moderation")
    return StoredVote(who[0], item.statement_id, item.value, now)


def _resolve(batch: list[PendingVote], outcomes: list[StoredVote | DomainError]) -> None:
    """Hand the outcomes to the waiting requests: one call into each event loop per batch
    (each ``call_soon_threadsafe`` wakes the loop with a system call)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future, object]]] = {}
    for item, outcome in zip(batch, outcomes, strict=True):
        by_loop.setdefault(item.loop, []).append((item.future, outcome))
    for loop, answers in by_loop.items():
        with contextlib.suppress(RuntimeError):  # the event loop is closed (shutting down)
            loop.call_soon_threadsafe(_settle, answers)


def _settle(answers: list[tuple[asyncio.Future, object]]) -> None:
    """In the event loop: complete each request's future with its outcome."""
    for future, outcome in answers:
        if future.done():  # the client went away and the request was cancelled
            continue
        if isinstance(outcome, DomainError):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

"""Where a snapshot comes from: the debounced background analysis of each conversation.

After each committed batch of votes the vote writer calls :meth:`AnalysisScheduler.mark_dirty`.
The scheduler runs an analysis of that conversation ``analysis_debounce_seconds`` later, in a
worker thread, never in a request:

* at most one analysis per conversation is in flight; votes arriving meanwhile mark it dirty
  again and cause exactly one more run afterwards, so a burst of 1,000 votes gives a handful of
  analyses, not 1,000;
* votes never wait for it (they only set a flag);
* the analysis reads the votes it has not seen yet from ``vote_history`` (by id), appends them to
  the conversation's :class:`~engine.matrix.VoteMatrix`, runs :func:`engine.analyze` (or
  :func:`engine.update`, warm-started from the previous result) and stores an
  :class:`~models.tables.AnalysisSnapshot` with the next version number.

The matrix and previous result kept in memory are only a cache: after a restart (or on another
worker) they are rebuilt from the database, and :meth:`AnalysisScheduler.recover` schedules every
conversation whose newest vote is newer than its newest snapshot.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, text
from sqlmodel import Session, col, select

import engine as meedenken_engine
from engine.matrix import VoteMatrix
from engine.result import AnalysisResult
from engine.settings import AnalysisSettings
from models.db import write_guard
from models.tables import (
    AnalysisSnapshot,
    Conversation,
    Moderation,
    Participant,
    Statement,
    VoteHistory,
    utcnow,
)

from .analysis_json import StatementInfo, analysis_to_json, priorities_by_id
from .hub import SnapshotHub

__all__ = ["AnalysisScheduler", "latest_snapshot"]

log = logging.getLogger(__name__)

#: First key of the PostgreSQL advisory lock that numbers snapshot versions ("MEED" in ASCII).
ADVISORY_LOCK_KEY = 0x4D454544


@dataclass
class _Cache:
    """What one conversation's next analysis starts from (rebuildable from the database)."""

    matrix: VoteMatrix
    last_vote_id: int = 0
    previous: AnalysisResult | None = None
    max_groups: int = 0


def latest_snapshot(session: Session, conversation_id: int) -> AnalysisSnapshot | None:
    """The newest stored snapshot of a conversation, or None before the first analysis."""
    return session.exec(
        select(AnalysisSnapshot)
        .where(AnalysisSnapshot.conversation_id == conversation_id)
        .order_by(AnalysisSnapshot.version.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()


class AnalysisScheduler:
    """Debounced background analyses (see the module docstring).

    Parameters
    ----------
    engine : database engine.
    hub : told about every new snapshot (wakes the SSE streams).
    debounce : seconds between the first vote of a burst and its analysis.
    random_state : seed passed to the engine.
    """

    def __init__(self, engine: Engine, hub: SnapshotHub, *, debounce: float = 0.5,
                 random_state: int = 0) -> None:
        self.engine = engine
        self.hub = hub
        self.debounce = debounce
        self.random_state = random_state
        self._cond = threading.Condition()
        self._due: dict[int, float] = {}  # conversation id -> monotonic time to run at
        self._running: set[int] = set()
        self._again: set[int] = set()  # dirtied while running
        self._cache: dict[int, _Cache] = {}
        self._locks: dict[int, threading.Lock] = {}  # one analysis per conversation at a time
        self._stop = False
        self._thread: threading.Thread | None = None
        #: Analyses run per conversation (tests check the debouncing with it).
        self.runs: dict[int, int] = {}
        #: Called after each stored snapshot (tests, metrics); gets (conversation id, version).
        self.on_snapshot: Callable[[int, int], None] | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="analysis", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def recover(self) -> list[int]:
        """Schedule every conversation with votes newer than its latest snapshot."""
        with Session(self.engine) as session:
            newest_vote = (
                select(VoteHistory.conversation_id, func.max(VoteHistory.id).label("v"))
                .group_by(col(VoteHistory.conversation_id)).subquery()
            )
            newest_snap = (
                select(AnalysisSnapshot.conversation_id,
                       func.max(AnalysisSnapshot.last_vote_id).label("s"))
                .group_by(col(AnalysisSnapshot.conversation_id)).subquery()
            )
            stale = list(session.exec(
                select(newest_vote.c.conversation_id)
                .join(newest_snap, newest_snap.c.conversation_id == newest_vote.c.conversation_id,
                      isouter=True)
                .where((newest_snap.c.s.is_(None)) | (newest_snap.c.s < newest_vote.c.v))
            ))
        self.mark_dirty(stale)
        return stale

    # ------------------------------------------------------------------ scheduling
    def mark_dirty(self, conversation_ids: Iterable[int]) -> None:
        """Ask for a fresh analysis of these conversations (cheap; never blocks on analysis)."""
        now = time.monotonic()
        with self._cond:
            for cid in conversation_ids:
                if cid in self._running:
                    self._again.add(cid)
                elif cid not in self._due:
                    self._due[cid] = now + self.debounce
            self._cond.notify_all()

    def forget(self, conversation_id: int) -> None:
        """Drop the cache of a deleted conversation."""
        with self._cond:
            self._cache.pop(conversation_id, None)
            self._locks.pop(conversation_id, None)
            self._due.pop(conversation_id, None)
            self._again.discard(conversation_id)

    def reset_cache(self, conversation_id: int) -> None:
        """Rebuild the matrix from the database at the next run (after settings change)."""
        with self._cond:
            self._cache.pop(conversation_id, None)

    def idle(self) -> bool:
        with self._cond:
            return not (self._due or self._running or self._again)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until nothing is scheduled or running (tests and shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.idle():
                return True
            time.sleep(0.01)
        return False

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._stop:
                        return
                    now = time.monotonic()
                    ready = [c for c, t in self._due.items() if t <= now]
                    if ready:
                        cid = min(ready, key=self._due.__getitem__)
                        del self._due[cid]
                        self._running.add(cid)
                        break
                    wait = min(self._due.values()) - now if self._due else None
                    self._cond.wait(wait)
            try:
                self.run_once(cid)
            except Exception:  # a failed analysis must not stop the scheduler: log and go on
                log.exception("analysis of conversation %s failed", cid)
                self.reset_cache(cid)
            finally:
                with self._cond:
                    self._running.discard(cid)
                    if cid in self._again:
                        self._again.discard(cid)
                        self._due[cid] = time.monotonic() + self.debounce
                    self._cond.notify_all()

    # ------------------------------------------------------------------ one analysis
    def run_once(self, conversation_id: int) -> AnalysisSnapshot | None:
        """Analyse one conversation now and store the snapshot; None if it no longer exists."""
        with self._cond:
            lock = self._locks.setdefault(conversation_id, threading.Lock())
        with lock:
            return self._analyse(conversation_id)

    def _analyse(self, conversation_id: int) -> AnalysisSnapshot | None:
        self.runs[conversation_id] = self.runs.get(conversation_id, 0) + 1
        with Session(self.engine) as session:
            conv = session.get(Conversation, conversation_id)
            if conv is None:
                self.forget(conversation_id)
                return None
            cache = self._cache.get(conversation_id)
            if cache is None or cache.max_groups != conv.max_groups:
                cache = _Cache(VoteMatrix(), max_groups=conv.max_groups)
            rows = session.exec(
                select(VoteHistory.id, VoteHistory.participant_id, VoteHistory.statement_id,
                       VoteHistory.value)
                .where(VoteHistory.conversation_id == conversation_id,
                       VoteHistory.id > cache.last_vote_id)  # type: ignore[operator]
                .order_by(VoteHistory.id)  # type: ignore[arg-type]
            ).all()
            statements: dict[Any, StatementInfo] = {
                s.id: StatementInfo(s.text, s.moderation, s.is_meta)
                for s in session.exec(
                    select(Statement).where(Statement.conversation_id == conversation_id))
            }
            roles = dict(session.exec(
                select(Participant.id, Participant.role)
                .where(Participant.conversation_id == conversation_id)).all())
            strict = conv.strict_moderation
        if rows:
            # The history id is the time: later votes win, exactly in commit order.
            ids, pids, sids, values = zip(*rows, strict=True)
            cache.matrix.append(list(pids), list(sids), list(values), [float(i) for i in ids])
            cache.last_vote_id = int(ids[-1])
        cache.matrix.add_statements(sorted(statements))
        excluded = [sid for sid, s in statements.items()
                    if s.moderation == Moderation.rejected
                    or (strict and s.moderation == Moderation.pending)]
        cache.matrix.set_moderation(excluded=excluded,
                                    meta=[sid for sid, s in statements.items() if s.is_meta])
        settings = AnalysisSettings(max_groups=cache.max_groups)
        if cache.previous is None:
            result = meedenken_engine.analyze(cache.matrix, settings,
                                              random_state=self.random_state)
        else:
            result = meedenken_engine.update(cache.matrix, cache.previous, settings,
                                             random_state=self.random_state)
        cache.previous = result
        snapshot = self._store(conversation_id, cache, result, statements, roles)
        with self._cond:
            self._cache[conversation_id] = cache
        if snapshot is not None:
            self.hub.publish(conversation_id)
            if self.on_snapshot is not None:
                self.on_snapshot(conversation_id, snapshot.version)
        return snapshot

    def _store(self, conversation_id: int, cache: _Cache, result: AnalysisResult,
               statements: dict, roles: dict) -> AnalysisSnapshot | None:
        created = utcnow()
        # Build the JSON before taking the write lock: votes wait for that lock, not for this.
        payload = analysis_to_json(result, cache.matrix, version=0,
                                   created_at=created.isoformat(), statements=statements,
                                   roles=roles)
        priorities = priorities_by_id(result)
        with write_guard(self.engine) as engine, Session(engine) as session:
            if engine.dialect.name == "postgresql":
                # Versions are numbered under a per-conversation lock held to the commit, so
                # several workers sharing one database never clash (issue 9's path).
                session.exec(text("SELECT pg_advisory_xact_lock(:k, :c)"),  # type: ignore[call-overload]
                             params={"k": ADVISORY_LOCK_KEY, "c": conversation_id})
            if session.get(Conversation, conversation_id) is None:
                return None
            latest = session.exec(
                select(func.max(AnalysisSnapshot.version))
                .where(AnalysisSnapshot.conversation_id == conversation_id)).first()
            version = (latest or 0) + 1
            snapshot = AnalysisSnapshot(conversation_id=conversation_id, version=version,
                                        last_vote_id=cache.last_vote_id, created_at=created,
                                        priorities=priorities,
                                        result={**payload, "version": version})
            session.add(snapshot)
            session.commit()
            session.refresh(snapshot)
        log.info("conversation %s: snapshot v%s (%s votes)", conversation_id, version,
                 result.n_votes)
        return snapshot

"""One analysis of one conversation: votes from the database -> engine -> stored snapshot.

:class:`Analyser` keeps, per conversation, the :class:`~engine.matrix.VoteMatrix` and the
previous result, so each run reads only the votes it has not seen (``vote_history`` ids) and
warm-starts the engine with :func:`engine.update`. That cache is only an optimisation: a new
process rebuilds it from the database on its first run.

Reading "ids above the last one seen" is exact while one vote writer commits in id order (one
API process, as now). With several API processes on PostgreSQL (issue 9) a lower id can commit
after a higher one; the scale-out work must then re-read a small window below the last id (or
rebuild when ``count(vote_history)`` disagrees with the matrix).

By default the analyses run in a separate worker process (:class:`ProcessRunner`), so the
engine's CPU work never holds the API process's GIL while votes are being answered; with
``analysis_in_process`` they run in a thread of the API process (:class:`ThreadRunner`; tests
and small set-ups).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, text
from sqlmodel import Session, select

import engine as meedenken_engine
from engine.matrix import VoteMatrix
from engine.result import AnalysisResult
from engine.settings import AnalysisSettings
from models.db import make_engine, write_guard
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

__all__ = ["ADVISORY_LOCK_KEY", "Analyser", "ProcessRunner", "ThreadRunner"]

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


class Analyser:
    """Runs analyses against one database, caching each conversation's matrix."""

    def __init__(self, engine: Engine, random_state: int = 0) -> None:
        self.engine = engine
        self.random_state = random_state
        self._cache: dict[int, _Cache] = {}

    def run(self, conversation_id: int) -> int | None:
        """Analyse one conversation and store a snapshot; its version, or None if the
        conversation no longer exists."""
        with Session(self.engine) as session:
            conv = session.get(Conversation, conversation_id)
            if conv is None:
                self._cache.pop(conversation_id, None)
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
        # Warm-start only from a result that has groups: engine.update keeps the number of
        # groups until the votes grow by 10%, so starting from "no groups yet" (too few votes
        # at the first run) could keep a conversation without groups for a long time.
        # Declared roles explain bridging per role (cells under 5 participants hidden).
        role_of: dict[Any, str | None] = dict(roles)
        attributes = {"role": [role_of.get(pid) for pid in cache.matrix.participant_ids]}
        if cache.previous is None or cache.previous.k < 2:
            result = meedenken_engine.analyze(cache.matrix, settings,
                                              random_state=self.random_state,
                                              attributes=attributes)
        else:
            result = meedenken_engine.update(cache.matrix, cache.previous, settings,
                                             random_state=self.random_state,
                                             attributes=attributes)
        cache.previous = result
        version = self._store(conversation_id, cache, result, statements, roles)
        self._cache[conversation_id] = cache
        return version

    def _store(self, conversation_id: int, cache: _Cache, result: AnalysisResult,
               statements: dict, roles: dict) -> int | None:
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
        log.info("conversation %s: snapshot v%s (%s votes)", conversation_id, version,
                 result.n_votes)
        return version


class ThreadRunner:
    """Runs analyses in the calling thread (the scheduler's), in this process."""

    def __init__(self, engine: Engine, random_state: int = 0) -> None:
        self.analyser = Analyser(engine, random_state)

    def warm_up(self) -> None:
        pass

    def __call__(self, conversation_id: int) -> int | None:
        return self.analyser.run(conversation_id)

    def close(self) -> None:
        pass


# The worker process keeps one Analyser (and so its caches) between calls.
_worker: Analyser | None = None


#: Seconds between the worker's checks that the API process is still alive.
PARENT_CHECK_SECONDS = 1.0
#: Niceness added to the worker process: when the cores are busy, the scheduler gives the API
#: process (answering votes) the CPU first and the analysis the rest. 10 is ``nice``'s
#: default; it slows an analysis only while the machine is saturated.
WORKER_NICENESS = 10


def _exit_with_parent(parent: int) -> None:
    """End the worker when the API process is gone (even after a SIGKILL), so no orphaned
    analysis process keeps running."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _worker_init(parent: int, database_url: str, sqlite_synchronous: str,
                 random_state: int) -> None:
    global _worker
    logging.basicConfig(level=logging.WARNING)
    os.nice(WORKER_NICENESS)
    # ``parent`` comes from the API process: it may have died while this one was starting.
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _worker = Analyser(make_engine(database_url, sqlite_synchronous=sqlite_synchronous,
                                   pool_size=1), random_state)


def _worker_ready() -> bool:
    return _worker is not None


def _worker_run(conversation_id: int) -> int | None:
    assert _worker is not None, "worker not initialised"
    return _worker.run(conversation_id)


class ProcessRunner:
    """Runs analyses in one long-lived worker process (started with ``spawn``: no inherited
    threads or database connections). A worker that dies is replaced on the next run."""

    def __init__(self, database_url: str, sqlite_synchronous: str = "FULL",
                 random_state: int = 0) -> None:
        self._args = (os.getpid(), database_url, sqlite_synchronous, random_state)
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init, initargs=self._args)
        return self._pool

    def warm_up(self) -> None:
        """Start the worker now (imports take seconds), not at the first analysis."""
        self._executor().submit(_worker_ready)

    def __call__(self, conversation_id: int) -> int | None:
        try:
            return self._executor().submit(_worker_run, conversation_id).result()
        except BrokenProcessPool:
            log.error("the analysis worker process died; starting a new one")
            self.close()
            raise

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

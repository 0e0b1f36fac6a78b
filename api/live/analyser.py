"""One analysis of one conversation: votes from the database -> engine -> stored snapshot.

:class:`Analyser` keeps, per conversation, the :class:`~engine.matrix.VoteMatrix` and the
previous result, so each run reads only the votes it has not seen (``vote_history`` ids) and
warm-starts the engine with :func:`engine.update`. That cache is only an optimisation: a new
process rebuilds it from the database on its first run.

Several API processes on PostgreSQL commit votes concurrently, so a vote with a lower
``vote_history`` id can become visible after one with a higher id. Each run therefore re-reads
the votes above a *floor*: the highest id seen by a read made at least
:data:`READ_LOOKBACK_SECONDS` ago (a vote transaction lasts milliseconds; the vote writer's
transactions are cut off by PostgreSQL long before that, see ``api/vote_writer.py``), and skips
the ids it has already applied. Re-applying a vote would be harmless anyway: the matrix keeps the
vote with the highest history id per cell.

With several workers (issue 9) exactly one process analyses a conversation at a time: the run
holds a PostgreSQL advisory lock (:data:`RUN_LOCK_KEY`, the conversation id) from reading the
votes to storing the snapshot, on its own connection, so the lock goes with the process if it
dies. The engine's warm-start state is stored beside each snapshot (table ``analysis_state``);
a process whose cache is not the latest snapshot's (another worker analysed since, or it has
just started) continues from the stored state, so group ids stay those of the published map.

By default the analyses run in a separate worker process (:class:`ProcessRunner`), so the
engine's CPU work never holds the API process's GIL while votes are being answered; with
``analysis_in_process`` they run in a thread of the API process (:class:`ThreadRunner`; tests
and small set-ups).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, text
from sqlmodel import Session, select

import meedenken.engine as meedenken_engine
from meedenken.api import store
from meedenken.api.live.channels import SNAPSHOT_CHANNEL
from meedenken.api.present.analysis import StatementInfo, analysis_to_json, priorities_by_id
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.result import AnalysisResult, AnalysisState
from meedenken.engine.settings import AnalysisSettings
from meedenken.models.db import make_engine, write_guard
from meedenken.models.tables import (
    AnalysisSnapshot,
    Conversation,
    EngineState,
    Participant,
    VoteHistory,
    utcnow,
)

__all__ = ["ADVISORY_LOCK_KEY", "RUN_LOCK_KEY", "Analyser", "ProcessRunner", "ThreadRunner",
           "worker_engine", "worker_label"]

log = logging.getLogger(__name__)

#: First key of the PostgreSQL advisory lock that numbers snapshot versions ("MEED" in ASCII).
ADVISORY_LOCK_KEY = 0x4D454544
#: First key of the advisory lock held while a conversation is analysed ("RUN!").
RUN_LOCK_KEY = 0x52554E21
#: Votes are re-read from the highest id seen by a read at least this many seconds old.
READ_LOOKBACK_SECONDS = 30.0
#: Seconds between checks that the cached matrix holds every vote of the conversation.
RECOUNT_SECONDS = 60.0


def worker_label() -> str:
    """``host:pid`` of this process, recorded in the snapshots it makes."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class _Cache:
    """What one conversation's next analysis starts from (rebuildable from the database)."""

    matrix: VoteMatrix
    last_vote_id: int = 0
    previous: AnalysisResult | None = None
    max_groups: int = 0
    #: Analysed with Pol.is's steps (``Conversation.polis_compatible``).
    polis_compatible: bool = False
    #: Snapshot version ``previous`` was stored as (0: none yet).
    version: int = 0
    #: Votes above ``floor`` are read again each run; ``recent`` holds the ids among them
    #: already applied, ``reads`` the (time, highest id) of recent reads.
    floor: int = 0
    recent: set[int] = field(default_factory=set)
    reads: deque[tuple[float, int]] = field(default_factory=deque)
    #: Vote history rows applied, and when that was last checked against the database.
    applied: int = 0
    counted_at: float = field(default_factory=time.monotonic)

    def take_new(self, ids: np.ndarray, now: float,
                 lookback: float = READ_LOOKBACK_SECONDS) -> np.ndarray:
        """Which of the ``vote_history`` ids just read are not applied yet (a boolean mask);
        advances the floor past reads older than ``lookback`` seconds (0: past this read, where
        ids become visible in order)."""
        ids = np.asarray(ids, dtype=np.int64)
        new = ~np.isin(ids, np.fromiter(self.recent, dtype=np.int64, count=len(self.recent)))
        fresh = ids[new]
        self.recent.update(fresh.tolist())
        self.applied += len(fresh)
        if len(fresh):
            self.last_vote_id = max(self.last_vote_id, int(fresh.max()))
        self.reads.append((now, self.last_vote_id))
        while self.reads and self.reads[0][0] <= now - lookback:
            self.floor = max(self.floor, self.reads.popleft()[1])
        self.recent = {i for i in self.recent if i > self.floor}
        return new


class Analyser:
    """Runs analyses against one database, caching each conversation's matrix.

    ``label`` names the process the snapshots are recorded as made by (``host:pid`` of the API
    worker that scheduled them).
    """

    def __init__(self, engine: Engine, random_state: int = 0, label: str | None = None) -> None:
        self.engine = engine
        self.random_state = random_state
        self.label = label or worker_label()
        self._cache: dict[int, _Cache] = {}

    def run(self, conversation_id: int) -> int | None:
        """Analyse one conversation and store a snapshot; its version, or None if the
        conversation no longer exists."""
        with self._exclusive(conversation_id):
            return self._run(conversation_id)

    @contextlib.contextmanager
    def _exclusive(self, conversation_id: int) -> Iterator[None]:
        """On PostgreSQL, hold the conversation's run lock on a connection of its own (a
        process that dies releases it with its connection); elsewhere one process analyses."""
        if self.engine.dialect.name != "postgresql":
            yield
            return
        with self.engine.connect() as raw:
            conn = raw.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("SELECT pg_advisory_lock(%s, %s)",
                                 (RUN_LOCK_KEY, conversation_id))
            try:
                yield
            finally:
                conn.exec_driver_sql("SELECT pg_advisory_unlock(%s, %s)",
                                     (RUN_LOCK_KEY, conversation_id))

    def _run(self, conversation_id: int) -> int | None:
        started = utcnow()
        with Session(self.engine) as session:
            conv = session.get(Conversation, conversation_id)
            if conv is None:
                self._cache.pop(conversation_id, None)
                return None
            cache = self._cache.get(conversation_id)
            if cache is not None and not self._complete(session, cache, conversation_id):
                cache = None
            if (cache is None or cache.max_groups != conv.max_groups
                    or cache.polis_compatible != conv.polis_compatible):
                cache = _Cache(VoteMatrix(), max_groups=conv.max_groups,
                               polis_compatible=conv.polis_compatible)
            records = store.vote_history(session, conversation_id, after_id=cache.floor)
            statements: dict[Any, StatementInfo] = {
                s.id: StatementInfo(s.text, s.moderation, s.is_meta)
                for s in store.conversation_statements(session, conversation_id)
            }
            roles = dict(session.exec(
                select(Participant.id, Participant.role)
                .where(Participant.conversation_id == conversation_id)).all())
            # Pol.is's math zeroes rejected and meta statements only: strict moderation hides
            # unmoderated ones from participants, not from its math (issue 20).
            hidden = store.hidden_states(conv.strict_moderation and not conv.polis_compatible)
            # ...but their texts stay hidden from the snapshot (null, as an unknown text).
            withheld = store.hidden_states(conv.strict_moderation)
            latest = store.latest_version(session, conversation_id)
            stored: AnalysisState | None = None
            if (latest and latest != cache.version) or (not latest and cache.previous is None):
                # Another process analysed this conversation since (or this one just started):
                # continue from the state stored with the latest snapshot, or, before the
                # first snapshot, from an imported state (Pol.is's, issue 20) if there is one.
                stored = _load_state(session, conversation_id)
        # SQLite has one writer at a time, so its ids become visible in order: no window.
        lookback = READ_LOOKBACK_SECONDS if self.engine.dialect.name == "postgresql" else 0.0
        new = records.where(cache.take_new(records.ids, time.monotonic(), lookback))
        if len(new):
            # The history id is the time: later votes win, exactly in commit order. (The matrix
            # takes id arrays as well as sequences; its signature names sequences only.)
            cache.matrix.append(new.participant_ids, new.statement_ids,  # type: ignore[arg-type]
                                new.values, new.ids.astype(np.float64))
        cache.matrix.add_statements(sorted(statements))
        # What participants do not see, the analysis leaves out (one rule, in the store).
        excluded = [sid for sid, s in statements.items() if s.moderation in hidden]
        cache.matrix.set_moderation(excluded=excluded,
                                    meta=[sid for sid, s in statements.items() if s.is_meta])
        settings = AnalysisSettings(max_groups=cache.max_groups,
                                    polis_compatible=cache.polis_compatible)
        # Declared roles explain bridging per role (cells under 5 participants hidden).
        role_of: dict[Any, str | None] = dict(roles)
        attributes = {"role": [role_of.get(pid) for pid in cache.matrix.participant_ids]}
        # Warm-start only from a result that has groups: engine.update keeps the number of
        # groups until the votes grow by 10%, so starting from "no groups yet" (too few votes
        # at the first run) could keep a conversation without groups for a long time.
        if stored is not None:
            result = meedenken_engine.analyze(cache.matrix, settings, previous=stored,
                                              random_state=self.random_state,
                                              attributes=attributes)
        elif cache.previous is None or cache.previous.k < 2:
            result = meedenken_engine.analyze(cache.matrix, settings,
                                              random_state=self.random_state,
                                              attributes=attributes)
        else:
            result = meedenken_engine.update(cache.matrix, cache.previous, settings,
                                             random_state=self.random_state,
                                             attributes=attributes)
        cache.previous = result
        shown = {sid: s for sid, s in statements.items() if s.moderation not in withheld}
        version = self._store(conversation_id, cache, result, shown, roles, started)
        if version is not None:
            cache.version = version
            self._cache[conversation_id] = cache
        return version

    @staticmethod
    def _complete(session: Session, cache: _Cache, conversation_id: int) -> bool:
        """Every minute, check that the cache applied every stored vote (a vote committed
        later than the look-back allows would otherwise be missed); if not, say so and
        rebuild from the database."""
        now = time.monotonic()
        if now - cache.counted_at < RECOUNT_SECONDS:
            return True
        cache.counted_at = now
        # Compare below the floor only: above it, a vote may still be on its way (re-read).
        stored = session.exec(
            select(func.count()).select_from(VoteHistory)
            .where(VoteHistory.conversation_id == conversation_id,
                   VoteHistory.id <= cache.floor)).one()  # type: ignore[operator]
        applied = cache.applied - len(cache.recent)
        if stored == applied:
            return True
        log.warning("conversation %s: the analysis missed %s votes; rebuilding its matrix",
                    conversation_id, stored - applied)
        return False

    def _store(self, conversation_id: int, cache: _Cache, result: AnalysisResult,
               statements: dict, roles: dict, started: Any) -> int | None:
        created = utcnow()
        # Build the JSON before taking the write lock: votes wait for that lock, not for this.
        payload = analysis_to_json(result, cache.matrix, version=0,
                                   created_at=created.isoformat(), statements=statements,
                                   roles=roles)
        priorities = priorities_by_id(result)
        state = pickle.dumps(result.state, protocol=pickle.HIGHEST_PROTOCOL)
        with write_guard(self.engine) as engine, Session(engine) as session:
            postgres = engine.dialect.name == "postgresql"
            if postgres:
                # Versions are numbered under a per-conversation lock held to the commit, so
                # several workers sharing one database never clash.
                session.exec(text("SELECT pg_advisory_xact_lock(:k, :c)"),  # type: ignore[call-overload]
                             params={"k": ADVISORY_LOCK_KEY, "c": conversation_id})
            if session.get(Conversation, conversation_id) is None:
                return None
            version = store.latest_version(session, conversation_id) + 1
            snapshot = AnalysisSnapshot(conversation_id=conversation_id, version=version,
                                        last_vote_id=cache.last_vote_id, created_at=created,
                                        priorities=priorities, analysed_by=self.label,
                                        started_at=started,
                                        result={**payload, "version": version})
            session.add(snapshot)
            row = session.get(EngineState, conversation_id)
            if row is None:
                session.add(EngineState(conversation_id=conversation_id, version=version,
                                        state=state))
            else:
                row.version, row.state = version, state
                session.add(row)
            if postgres:
                # Every worker's listener wakes its SSE clients (api/coordination.py); the
                # notification is sent at commit, so it never announces an uncommitted snapshot.
                session.exec(text("SELECT pg_notify(:channel, :payload)"),  # type: ignore[call-overload]
                             params={"channel": SNAPSHOT_CHANNEL,
                                     "payload": f"{conversation_id}:{version}:"
                                                f"{cache.last_vote_id}"})
            session.commit()
        log.info("conversation %s: snapshot v%s (%s votes)", conversation_id, version,
                 result.n_votes)
        return version


def _load_state(session: Session, conversation_id: int) -> AnalysisState | None:
    """The stored engine state of a conversation (None if missing or unreadable)."""
    row = session.get(EngineState, conversation_id)
    if row is None:
        return None
    try:
        state = pickle.loads(row.state)  # written by this service only
    except Exception:  # an older engine's state: start afresh rather than fail
        log.warning("stored analysis state of conversation %s is unreadable; recomputing",
                    conversation_id, exc_info=True)
        return None
    return state if isinstance(state, AnalysisState) else None


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
    # Snapshots are recorded as made by the API process that scheduled them.
    _worker = Analyser(worker_engine(database_url, sqlite_synchronous), random_state,
                       label=f"{socket.gethostname()}:{parent}")


def worker_engine(database_url: str, sqlite_synchronous: str) -> Engine:
    """The analysis worker's database engine. Its commits never checkpoint the SQLite WAL: a
    checkpoint in a snapshot's commit ran under the write lock, so every vote waited for the
    copy and the database's fsync (issue 18's vote p99); the API process's
    :class:`~meedenken.models.db.WalCheckpointer` checkpoints outside the lock."""
    return make_engine(database_url, sqlite_synchronous=sqlite_synchronous, pool_size=2,
                       sqlite_autocheckpoint=False)


def _worker_ready() -> bool:
    return _worker is not None


def _worker_run(conversation_id: int) -> int | None:
    assert _worker is not None, "worker not initialised"
    return _worker.run(conversation_id)


#: Seconds between the watchdog's checks that the worker process is alive.
WATCHDOG_SECONDS = 1.0


class ProcessRunner:
    """Runs analyses in one long-lived worker process (started with ``spawn``: no inherited
    threads or database connections).

    A worker that dies (killed by the OOM killer, a SIGKILL, a crash in native code) is replaced
    by itself (issue 18): a watchdog thread notices the dead process within
    :data:`WATCHDOG_SECONDS` and starts a new one, and an analysis that was running when it died
    is run again on the new one. Until the new worker is up, :meth:`problem` says so (``/ready``
    answers 503 with it)."""

    def __init__(self, database_url: str, sqlite_synchronous: str = "FULL",
                 random_state: int = 0, watchdog_seconds: float = WATCHDOG_SECONDS) -> None:
        self._args = (os.getpid(), database_url, sqlite_synchronous, random_state)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()  # guards swapping the pool
        #: After a respawn: the new worker's start-up (None: started at boot, or up again).
        self._restarting: Future[bool] | None = None
        self._watchdog_seconds = watchdog_seconds
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None
        #: Worker processes replaced so far (tests and logs).
        self.respawns = 0

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_worker_init, initargs=self._args)
            return self._pool

    def warm_up(self) -> None:
        """Start the worker now (imports take seconds), not at the first analysis, and the
        watchdog that replaces it if it dies."""
        self._executor().submit(_worker_ready)
        if self._watchdog is None:
            self._stop.clear()
            self._watchdog = threading.Thread(target=self._watch, name="analysis-watchdog",
                                              daemon=True)
            self._watchdog.start()

    def worker_pids(self) -> list[int]:
        """Process ids of the live worker (empty before it starts)."""
        pool = self._pool
        processes = getattr(pool, "_processes", None) or {}
        return [pid for pid, proc in list(processes.items()) if proc.is_alive()]

    def _dead(self) -> bool:
        pool = self._pool
        if pool is None:
            return False
        if getattr(pool, "_broken", False):
            return True
        # The executor's own table of its processes (no public API says whether they live).
        processes = getattr(pool, "_processes", None) or {}
        return bool(processes) and not all(p.is_alive() for p in list(processes.values()))

    def problem(self) -> str | None:
        """Why analyses cannot run right now, or None (what ``/ready`` reports)."""
        if self._dead():
            return "the analysis worker process died; a new one is being started"
        restarting = self._restarting
        if restarting is not None:
            if not restarting.done():
                return "the analysis worker process is restarting"
            self._restarting = None
        return None

    def _respawn(self, broken: ProcessPoolExecutor | None) -> None:
        """Replace ``broken`` (the pool whose worker died) by a new worker, once."""
        with self._lock:
            if self._pool is not broken or broken is None:
                return  # already replaced
            self._pool = None
        broken.shutdown(wait=True, cancel_futures=True)
        self.respawns += 1
        log.error("the analysis worker process died; starting a new one")
        self._restarting = self._executor().submit(_worker_ready)

    def _watch(self) -> None:
        while not self._stop.wait(self._watchdog_seconds):
            try:
                if self._dead():
                    self._respawn(self._pool)
            except Exception:  # the watchdog must outlive any one failure
                log.exception("analysis watchdog failed")

    def __call__(self, conversation_id: int) -> int | None:
        """Run one analysis in the worker; if the worker dies meanwhile, once more on a new
        one (an analysis only reads votes and writes a snapshot, so running it again is safe)."""
        for attempt in (1, 2):
            pool = self._executor()
            try:
                return pool.submit(_worker_run, conversation_id).result()
            except BrokenProcessPool:
                self._respawn(pool)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._stop.set()
        if self._watchdog is not None:
            self._watchdog.join()
            self._watchdog = None
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

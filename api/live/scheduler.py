"""Where a snapshot comes from: the debounced background analysis of each conversation.

After each committed batch of votes the vote writer calls :meth:`AnalysisScheduler.mark_dirty`.
The scheduler runs an analysis of that conversation ``analysis_debounce_seconds`` later, in a
worker thread, never in a request:

* at most one analysis per conversation is in flight; votes arriving meanwhile mark it dirty
  again and cause exactly one more run afterwards, so a burst of 1,000 votes gives a handful of
  analyses, not 1,000;
* votes never wait for it (they only set a flag);
* the analysis itself (:mod:`api.analyser`) reads the votes it has not seen from the database,
  runs the engine and stores an :class:`~models.tables.AnalysisSnapshot` with the next version;
  by default it runs in a separate worker process, so it never competes with vote handling for
  the API process's GIL.

Nothing here lives only in memory: snapshots are in the database, and after a restart
:meth:`AnalysisScheduler.recover` schedules every conversation whose newest vote is newer than
its newest snapshot.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from meedenken.api.live.hub import SnapshotHub
from meedenken.models.tables import AnalysisSnapshot, VoteHistory

__all__ = ["AnalysisScheduler"]

log = logging.getLogger(__name__)

#: Runs one analysis of a conversation and returns the stored version (None: conversation gone).
Runner = Callable[[int], "int | None"]


class AnalysisScheduler:
    """Debounced background analyses (see the module docstring).

    Parameters
    ----------
    engine : database engine (to find stale conversations and load snapshots).
    hub : told about every new snapshot (wakes the SSE streams).
    runner : runs one analysis (:class:`api.analyser.ThreadRunner` or ``ProcessRunner``).
    debounce : seconds between the first vote of a burst and its analysis.
    """

    def __init__(self, engine: Engine, hub: SnapshotHub, runner: Runner, *,
                 debounce: float = 0.5) -> None:
        self.engine = engine
        self.hub = hub
        self.runner = runner
        self.debounce = debounce
        self._cond = threading.Condition()
        self._due: dict[int, float] = {}  # conversation id -> monotonic time to run at
        self._running: set[int] = set()
        self._again: set[int] = set()  # dirtied while running
        #: Announced to the other workers, not yet routed back here or to its owner
        #: (PostgreSQL; see api/coordination.py): conversation id -> monotonic deadline.
        self._announced: dict[int, float] = {}
        self._run_lock = threading.Lock()  # one analysis at a time (one worker process)
        self._stop = False
        self._thread: threading.Thread | None = None
        #: Analyses run per conversation (tests check the debouncing with it).
        self.runs: dict[int, int] = {}

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        warm_up = getattr(self.runner, "warm_up", None)
        if warm_up is not None:
            warm_up()
        self._stop = False
        self._thread = threading.Thread(target=self._loop, name="analysis", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        close = getattr(self.runner, "close", None)
        if close is not None:
            close()

    def recover(self) -> list[int]:
        """Schedule every conversation with votes newer than its latest snapshot."""
        stale = self.stale_conversations()
        self.mark_dirty(stale)
        return stale

    def stale_conversations(self) -> list[int]:
        """Conversations with votes newer than their latest snapshot."""
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
        return stale

    # ------------------------------------------------------------------ scheduling
    def mark_dirty(self, conversation_ids: Iterable[int], delay: float | None = None) -> None:
        """Ask for a fresh analysis of these conversations (cheap; never blocks on analysis).

        ``delay``: seconds to wait instead of the debounce (a conversation taken over from a
        worker that died waits for that worker's analysis process to be gone)."""
        now = time.monotonic()
        wait = self.debounce if delay is None else max(delay, self.debounce)
        with self._cond:
            for cid in conversation_ids:
                if cid in self._running:
                    self._again.add(cid)
                elif cid not in self._due:
                    self._due[cid] = now + wait
            self._cond.notify_all()

    def announced(self, conversation_ids: Iterable[int], timeout: float = 5.0) -> None:
        """These conversations changed and the change was announced to every worker: count as
        busy (:meth:`idle`) until :meth:`routed` says which worker took it, or ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            for cid in conversation_ids:
                self._announced[cid] = deadline

    def routed(self, conversation_id: int) -> None:
        """The announcement reached this worker's coordinator (and was scheduled here if this
        worker analyses the conversation)."""
        with self._cond:
            self._announced.pop(conversation_id, None)

    def forget(self, conversation_id: int) -> None:
        """Stop scheduling a deleted conversation."""
        with self._cond:
            self._due.pop(conversation_id, None)
            self._again.discard(conversation_id)

    def idle(self) -> bool:
        with self._cond:
            now = time.monotonic()
            announced = any(deadline > now for deadline in self._announced.values())
            return not (self._due or self._running or self._again or announced)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until nothing is scheduled or running (tests and shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.idle():
                return True
            time.sleep(0.01)
        return False

    def _loop(self) -> None:
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
            finally:
                with self._cond:
                    self._running.discard(cid)
                    if cid in self._again:
                        self._again.discard(cid)
                        self._due[cid] = time.monotonic() + self.debounce
                    self._cond.notify_all()

    # ------------------------------------------------------------------ one analysis
    def run_once(self, conversation_id: int) -> AnalysisSnapshot | None:
        """Analyse one conversation now; the stored snapshot, or None if it no longer exists."""
        with self._run_lock:
            self.runs[conversation_id] = self.runs.get(conversation_id, 0) + 1
            version = self.runner(conversation_id)
        if version is None:
            self.forget(conversation_id)
            return None
        self.hub.publish(conversation_id)
        with Session(self.engine) as session:
            return session.exec(
                select(AnalysisSnapshot)
                .where(AnalysisSnapshot.conversation_id == conversation_id,
                       AnalysisSnapshot.version == version)).first()

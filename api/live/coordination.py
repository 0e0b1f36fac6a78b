"""Several API workers on one PostgreSQL: who analyses which conversation, and live fan-out.

Every ``meedenken serve`` process (a uvicorn worker, or a process on another host) that uses
PostgreSQL runs one :class:`Coordinator`. It holds one connection of its own, in autocommit,
which does three things:

* **LISTEN** on the two channels of :mod:`api.channels`. Votes, moderation and settings changes
  send ``meedenken_dirty`` inside their transaction; every stored snapshot sends
  ``meedenken_snapshot``. PostgreSQL delivers both at commit to every worker.
* **Ownership.** A conversation is analysed by the worker that holds the session advisory lock
  ``(OWNER_LOCK_KEY, conversation id)`` on its coordinator connection. The first worker to see a
  conversation dirty takes the lock (``pg_try_advisory_lock``) and keeps it while it lives; from
  then on only its :class:`~api.analysis.AnalysisScheduler` schedules that conversation, so the
  debouncing (a burst of votes, wherever they arrive, gives a handful of analyses) holds across
  workers, and the engine's in-memory warm start stays with one process.
* **Takeover.** A lock dies with its connection: when the owner's process dies, PostgreSQL
  drops the connection and the lock. Every other worker remembers the conversations it saw
  dirty that no snapshot has covered yet, retries their lock every ``retry_seconds``, and the
  first to get it schedules an analysis (after ``takeover_delay``, so the dead worker's analysis
  process -- which exits within a second of its parent -- has released the run lock). The new
  owner continues from the engine state stored with the latest snapshot (``api/analyser.py``).

Snapshot notifications wake this worker's SSE streams at once (:class:`~api.hub.SnapshotHub`);
the streams read the newest snapshot from the database, so a client that reconnects, or missed a
notification while the connection was down, still gets the latest version.

If the coordinator's connection breaks, the worker has lost its locks: it forgets what it owned,
reconnects with back-off, and re-checks every conversation whose votes are newer than its
latest snapshot. ``connected`` is false meanwhile, and ``GET /ready`` says so.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from meedenken.api.live.channels import DIRTY_CHANNEL, SNAPSHOT_CHANNEL
from meedenken.api.live.hub import SnapshotHub
from meedenken.api.live.scheduler import AnalysisScheduler

__all__ = ["OWNER_LOCK_KEY", "Coordinator", "notify_dirty", "parse_payload"]

log = logging.getLogger(__name__)

#: First key of the advisory lock that makes a worker a conversation's owner ("OWNR").
OWNER_LOCK_KEY = 0x4F574E52
#: Forget a conversation seen dirty when no vote came for it this long while another worker,
#: alive, owned it (its analysis has long covered those votes).
WATCH_EXPIRY_SECONDS = 120.0


def notify_dirty(engine: Engine, conversation_ids: Iterable[int]) -> None:
    """Tell every worker that these conversations need a new analysis (PostgreSQL)."""
    with engine.begin() as conn:
        for cid in conversation_ids:
            conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                         {"channel": DIRTY_CHANNEL, "payload": f"{cid}:0"})


def parse_payload(payload: str) -> list[int]:
    """``"12:34:56"`` -> ``[12, 34, 56]`` (a malformed payload gives ``[]``)."""
    try:
        return [int(part) for part in payload.split(":")]
    except ValueError:
        return []


def libpq_url(sqlalchemy_url: str) -> str:
    """A SQLAlchemy URL (``postgresql+psycopg://...``) as a libpq connection string."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@dataclass
class _Watch:
    """A conversation seen dirty while another worker owned it."""

    vote_id: int  # highest vote id announced
    seen_at: float  # monotonic time of the last announcement


class Coordinator:
    """Ownership of analyses and snapshot fan-out for one worker (see the module docstring).

    Parameters
    ----------
    database_url : the PostgreSQL URL the service uses.
    scheduler : this worker's analysis scheduler (gets the conversations this worker owns).
    hub : this worker's SSE wake-ups.
    retry_seconds : how often locks of watched conversations are retried (takeover time).
    takeover_delay : extra wait before analysing a conversation taken over from a dead worker.
    """

    def __init__(self, database_url: str, scheduler: AnalysisScheduler, hub: SnapshotHub, *,
                 retry_seconds: float = 1.0, takeover_delay: float = 1.5) -> None:
        self.conninfo = libpq_url(database_url)
        self.scheduler = scheduler
        self.hub = hub
        self.retry_seconds = retry_seconds
        self.takeover_delay = takeover_delay
        self.owned: set[int] = set()
        self.watched: dict[int, _Watch] = {}
        self.connected = False
        self._commands: queue.SimpleQueue[tuple[str, int]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: Conversations taken over from another worker (tests and logs).
        self.takeovers: list[int] = []

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="coordinator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def wait_connected(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.connected:
                return True
            time.sleep(0.01)
        return self.connected

    def release(self, conversation_id: int) -> None:
        """Give up a conversation (it was deleted)."""
        self._commands.put(("release", conversation_id))

    def claim(self, conversation_ids: Iterable[int]) -> None:
        """Analyse these conversations here if no other worker owns them (start-up recovery)."""
        for cid in conversation_ids:
            self._commands.put(("claim", cid))

    # ------------------------------------------------------------------ the thread
    def _loop(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True,
                                     application_name="meedenken-coordinator") as conn:
                    conn.execute(f"LISTEN {DIRTY_CHANNEL}")
                    conn.execute(f"LISTEN {SNAPSHOT_CHANNEL}")
                    self.owned.clear()  # a new connection holds no locks
                    self.connected = True
                    backoff = 0.5
                    self.claim(self._stale())
                    self._serve(conn)
            except psycopg.Error as exc:
                if self._stop.is_set():
                    break
                log.warning("coordinator connection lost (%s); reconnecting in %.1f s",
                            exc, backoff)
            except Exception:  # a bug must not end coordination for good: log, reconnect
                log.exception("coordinator failed; reconnecting in %.1f s", backoff)
            finally:
                self.connected = False
            self._stop.wait(backoff)
            backoff = min(backoff * 2, 10.0)

    def _stale(self) -> list[int]:
        try:
            return self.scheduler.stale_conversations()
        except Exception:  # e.g. the schema is not migrated yet: /ready reports it
            log.exception("could not look for conversations to re-analyse")
            return []

    def _serve(self, conn: psycopg.Connection) -> None:
        next_retry = time.monotonic()
        while not self._stop.is_set():
            unowned: dict[int, int] = {}  # conversation -> highest vote id announced
            for note in conn.notifies(timeout=0.2):
                parts = parse_payload(note.payload)
                if not parts:
                    continue
                if note.channel == SNAPSHOT_CHANNEL:
                    self._on_snapshot(parts)
                elif parts[0] in self.owned:
                    self.scheduler.mark_dirty([parts[0]])
                    self.scheduler.routed(parts[0])
                else:
                    vote_id = parts[1] if len(parts) > 1 else 0
                    unowned[parts[0]] = max(vote_id, unowned.get(parts[0], 0))
            for cid, vote_id in unowned.items():
                self._on_dirty_elsewhere(conn, cid, vote_id)
                self.scheduler.routed(cid)
            while True:
                try:
                    command, cid = self._commands.get_nowait()
                except queue.Empty:
                    break
                if command == "release":
                    self._release(conn, cid)
                elif cid not in self.owned and self._try_lock(conn, cid):
                    self.scheduler.mark_dirty([cid])
            if time.monotonic() >= next_retry:
                self._retry_watched(conn)
                next_retry = time.monotonic() + self.retry_seconds

    def _on_snapshot(self, parts: list[int]) -> None:
        cid = parts[0]
        self.hub.publish(cid)
        watch = self.watched.get(cid)
        if watch is not None and len(parts) > 2 and parts[2] >= watch.vote_id:
            del self.watched[cid]

    def _on_dirty_elsewhere(self, conn: psycopg.Connection, cid: int, vote_id: int) -> None:
        watch = self.watched.get(cid)
        if cid in self.owned:  # taken meanwhile (a claim)
            self.scheduler.mark_dirty([cid])
        elif watch is not None:
            # Known to be analysed by another worker: no lock query per announcement (that
            # worker's votes come many times a second); the periodic retry notices its death.
            watch.vote_id, watch.seen_at = max(vote_id, watch.vote_id), time.monotonic()
        elif self._try_lock(conn, cid):
            self.scheduler.mark_dirty([cid])
        else:
            self.watched[cid] = _Watch(vote_id, time.monotonic())

    def _retry_watched(self, conn: psycopg.Connection) -> None:
        now = time.monotonic()
        for cid, watch in list(self.watched.items()):
            if self._try_lock(conn, cid):
                del self.watched[cid]
                self.takeovers.append(cid)
                log.warning("conversation %s: its analysing worker is gone; taking over", cid)
                self.scheduler.mark_dirty([cid], delay=self.takeover_delay)
            elif now - watch.seen_at > WATCH_EXPIRY_SECONDS:
                del self.watched[cid]

    def _try_lock(self, conn: psycopg.Connection, cid: int) -> bool:
        if cid in self.owned:  # session locks stack: never take one twice
            return True
        row = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (OWNER_LOCK_KEY, cid)).fetchone()
        if row is not None and row[0]:
            self.owned.add(cid)
            return True
        return False

    def _release(self, conn: psycopg.Connection, cid: int) -> None:
        self.watched.pop(cid, None)
        if cid in self.owned:
            conn.execute("SELECT pg_advisory_unlock(%s, %s)", (OWNER_LOCK_KEY, cid))
            self.owned.discard(cid)

"""Where the demo keeps its database, without ever deleting one another process has open.

Issue 19, item 8: ``meedenken demo --data-dir D`` used to delete ``D/meedenken-demo.db`` before
seeding, even while a server from an earlier demo still had it open; that server then
acknowledged votes into a deleted file, and they were lost. Now a demo holds an advisory lock
(``flock``) on ``D/meedenken-demo.lock`` for as long as it runs, and a database is reused (cleared)
only when no other demo holds its lock *and* SQLite itself says nobody has the file open (a
connection in WAL mode keeps a shared lock that refuses a switch of the journal mode). Otherwise
the demo takes a fresh file next to it and leaves the open one alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = ["DemoDatabase", "claim_demo_database", "in_use_by_another"]

NAME = "meedenken-demo"
#: Try this many numbered names (meedenken-demo-2.db, ...) before giving up.
MAX_NAMES = 100
#: Seconds SQLite waits for a lock in the probe (short: a busy file counts as in use).
PROBE_TIMEOUT = 0.2


@dataclass
class DemoDatabase:
    path: Path
    #: The open lock file; the lock lasts while it stays open (the demo's lifetime).
    lock: IO[str]


def in_use_by_another(path: Path) -> bool:
    """Whether another process has the SQLite file ``path`` open (or it cannot be checked).

    A process with the database open in WAL mode holds a shared lock that makes
    ``PRAGMA journal_mode=DELETE`` fail (it answers ``wal`` still, or raises "locked")."""
    if not path.exists():
        return False
    try:
        conn = sqlite3.connect(path, timeout=PROBE_TIMEOUT)
    except sqlite3.Error:
        return True
    try:
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        return str(mode).lower() != "delete"
    except sqlite3.Error:
        return True
    finally:
        conn.close()


def _try_lock(path: Path) -> IO[str] | None:
    handle = path.open("a")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def claim_demo_database(folder: Path) -> DemoDatabase:
    """A database path in ``folder`` that no other process uses, cleared and locked for this
    demo. The usual name when it is free, else the first free numbered one."""
    for n in range(1, MAX_NAMES + 1):
        stem = NAME if n == 1 else f"{NAME}-{n}"
        lock = _try_lock(folder / f"{stem}.lock")
        if lock is None:
            continue  # another demo runs on this name
        db = folder / f"{stem}.db"
        if in_use_by_another(db):
            lock.close()
            continue
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{db}{suffix}").unlink()
        return DemoDatabase(db, lock)
    raise RuntimeError(f"no free demo database name in {folder} "
                       f"(tried {MAX_NAMES}); stop an older demo or use another --data-dir")

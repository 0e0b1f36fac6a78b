"""Database engines: an SQLite file by default, PostgreSQL when the URL says so.

SQLite durability, spelled out (the service promises that a vote acknowledged with 2xx is
committed):

* ``journal_mode=WAL``: readers never block the writer, and a commit is one append to the WAL.
* ``synchronous=FULL`` (our default): every commit fsyncs the WAL, so an acknowledged vote
  survives a crash of the process *and* of the machine (power loss, kernel panic).
* ``synchronous=NORMAL`` (setting ``sqlite_synchronous``): the WAL is fsynced only at
  checkpoints. A commit still survives a crash of the *process* (the data is in the OS page
  cache, which the kernel writes out), but the last transactions may be lost if the *machine*
  goes down. Choose it only where that is acceptable; the vote writer's group commit makes FULL
  cheap enough (one fsync per batch of votes, not per vote).
* ``busy_timeout``: another process holding the write lock (a CLI, a second server) makes a
  writer wait instead of failing at once.
* ``foreign_keys=ON``: SQLite ignores foreign keys without it.
* ``secure_delete=ON``: a deleted row's bytes are overwritten, and after a conversation is
  deleted :func:`erase_deleted` checkpoints the WAL and truncates it, so its text does not stay
  readable in the database file or the WAL (issue 18: it stayed in the WAL for minutes).
* ``hide_parameters=True`` (both databases): an error's message and SQLAlchemy's logging never
  carry the SQL parameters, which hold residents' data and token hashes (issue 18).
* Checkpoints (copying the WAL into the database file, with an fsync of the database) happen by
  default in whichever commit takes the WAL past 1,000 pages, which then waits for the copy. The
  API process turns that off (``sqlite_autocheckpoint=False``) and runs a
  :class:`WalCheckpointer` thread instead, so a vote's commit never waits for a checkpoint.

Within one process SQLite writes are serialised by :data:`sqlite_write_lock` (see
:func:`write_guard`), so concurrent requests queue on a fair in-process lock instead of sleeping
in SQLite's busy handler (whose back-off of up to 100 ms would ruin tail latency). Between
processes (the API process and its analysis worker) writers queue on an ``flock`` of a file
beside the database, ``<database>-writer.lock``, for the same reason: the kernel wakes the next
writer the moment the lock is free. Write transactions start with ``BEGIN IMMEDIATE`` so a
read-then-write transaction never fails on lock upgrade.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

__all__ = [
    "MIGRATIONS_DIR",
    "WalCheckpointer",
    "erase_deleted",
    "is_sqlite",
    "make_engine",
    "normalise_url",
    "schema_revision",
    "upgrade",
    "write_guard",
]

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
ALEMBIC_INI = Path(__file__).with_name("alembic.ini")

#: PostgreSQL advisory lock held while migrating ("MIGR").
MIGRATION_LOCK_KEY = 0x4D494752
#: Milliseconds a writer waits for another process's write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000
_SYNCHRONOUS_MODES = ("OFF", "NORMAL", "FULL", "EXTRA")
#: Seconds between the :class:`WalCheckpointer`'s checkpoints: at a few thousand votes a second
#: the WAL grows by a few MB between them (SQLite's own default is every 1,000 pages, 4 MB).
CHECKPOINT_SECONDS = 1.0

#: One in-process lock for all SQLite writes (SQLite allows one writer at a time anyway).
sqlite_write_lock = threading.Lock()
#: The file beside an SQLite database whose ``flock`` orders writers of several processes.
WRITER_LOCK_SUFFIX = "-writer.lock"


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, sqlite_synchronous: str = "FULL", pool_size: int = 10,
                sqlite_autocheckpoint: bool = True,
                postgres_settings: dict[str, str] | None = None) -> Engine:
    """Create the engine for ``url`` with the pragmas and pool settings described above.

    ``postgres_settings``: server settings for every connection of this engine (PostgreSQL),
    e.g. ``{"statement_timeout": "2s"}``.

    ``sqlite_autocheckpoint=False``: commits never checkpoint; run a :class:`WalCheckpointer`.
    """
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        mode = sqlite_synchronous.upper()
        if mode not in _SYNCHRONOUS_MODES:
            raise ValueError(
                f"sqlite_synchronous must be one of {_SYNCHRONOUS_MODES}, got {mode!r}")
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=pool_size,
            max_overflow=pool_size,
            hide_parameters=True,
        )
        _install_sqlite_hooks(engine, mode, sqlite_autocheckpoint)
        return engine
    options = " ".join(f"-c {name}={value}" for name, value in (postgres_settings or {}).items())
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True,
                         hide_parameters=True,
                         connect_args={"options": options} if options else {})


def _install_sqlite_hooks(engine: Engine, synchronous: str, autocheckpoint: bool) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" hook below issue BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        # Deleted rows are overwritten with zeros, not left in free pages (issue 18).
        cur.execute("PRAGMA secure_delete=ON")
        if not autocheckpoint:
            cur.execute("PRAGMA wal_autocheckpoint=0")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextlib.contextmanager
def write_guard(engine: Engine) -> Iterator[Engine]:
    """Serialise writers in this process on SQLite; yields the engine to bind a write session to.

    On SQLite the yielded engine begins transactions with ``BEGIN IMMEDIATE``. On PostgreSQL
    this is a no-op: it handles concurrent writers itself.
    """
    if not is_sqlite(engine):
        yield engine
        return
    database = engine.url.database
    with sqlite_write_lock, contextlib.ExitStack() as stack:
        if database and database != ":memory:":
            # Opened per transaction, so a fork never shares it; closing it releases the lock.
            fd = os.open(f"{database}{WRITER_LOCK_SUFFIX}", os.O_RDWR | os.O_CREAT, 0o600)
            stack.callback(os.close, fd)
            fcntl.flock(fd, fcntl.LOCK_EX)  # waits without the GIL
        yield engine.execution_options(sqlite_immediate=True)


def erase_deleted(engine: Engine, attempts: int = 20) -> bool:
    """After a delete: copy the WAL into the database file and truncate the WAL (SQLite).

    With ``secure_delete`` the delete overwrote the rows in the pages it wrote; the WAL still
    holds the earlier versions of those pages (the text as inserted) until it is checkpointed
    and reset. ``wal_checkpoint(TRUNCATE)`` does both, but only once no reader is still on an
    older snapshot: it is retried for up to ``attempts`` x 50 ms. Runs under the write lock, so
    this process's writers queue on it instead of in SQLite's busy handler. True when the WAL
    was emptied (always on other databases: nothing to do)."""
    if not is_sqlite(engine):
        return True
    for _ in range(attempts):
        with write_guard(engine):
            raw = engine.raw_connection()
            try:
                busy, _log, _done = raw.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                raw.close()
        if not busy:
            return True
        time.sleep(0.05)
    log.warning("the WAL could not be truncated after a delete (readers busy); the next "
                "checkpoints overwrite it")
    return False


class WalCheckpointer:
    """Checkpoints an SQLite database's WAL from a background thread every ``interval`` seconds.

    ``PRAGMA wal_checkpoint(PASSIVE)`` copies what it can without waiting for readers or the
    writer, who go on meanwhile (the driver releases the GIL while SQLite works). For engines
    made with ``sqlite_autocheckpoint=False``; a no-op on other databases.
    """

    def __init__(self, engine: Engine, interval: float = CHECKPOINT_SECONDS) -> None:
        self.engine = engine
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if is_sqlite(self.engine):
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="wal-checkpoint",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread after one last checkpoint."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None

    def checkpoint(self) -> None:
        # The raw connection: it runs in autocommit mode (no BEGIN), which a checkpoint needs.
        raw = self.engine.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]
        finally:
            raw.close()

    def _run(self) -> None:
        while True:
            stopping = self._stop.wait(self.interval)
            try:
                self.checkpoint()
            except (sqlite3.Error, SQLAlchemyError):  # nothing is lost; the next one catches up
                log.warning("WAL checkpoint failed", exc_info=True)
            if stopping:
                return


def alembic_config(url: str) -> Config:
    """The Alembic configuration shipped inside this package, pointed at ``url``."""
    cfg = Config(str(ALEMBIC_INI))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (``alembic upgrade head``), on ``engine``."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # Several workers or hosts may start at once: one migrates, the others wait for
            # its commit and then find the schema at head.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    log.info("database schema at head (%s)", engine.url.render_as_string(hide_password=True))


def schema_revision(engine: Engine) -> tuple[str | None, str]:
    """(the database's migration revision, the newest this code knows): equal when migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, _head_revision()


@functools.cache
def _head_revision() -> str:
    """The newest migration shipped with this code (read from the scripts once per process:
    ``/ready`` asks on every probe)."""
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head())

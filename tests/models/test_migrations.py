"""The Alembic migrations build exactly the schema the SQLModel tables describe."""

from __future__ import annotations

import fcntl
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import meedenken.models.tables  # noqa: F401
from meedenken.models.db import (
    WRITER_LOCK_SUFFIX,
    WalCheckpointer,
    make_engine,
    normalise_url,
    upgrade,
    write_guard,
)
from tests.pg import pg_unreachable, pg_url  # noqa: F401  (fixture)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    else:
        reason = pg_unreachable()
        if reason:
            pytest.skip(reason)
        eng = make_engine(request.getfixturevalue("pg_url"))
    yield eng
    eng.dispose()


def test_upgrade_head_matches_the_tables_and_is_idempotent(engine):
    upgrade(engine)
    upgrade(engine)  # already at head: nothing to do, no error
    tables = set(inspect(engine).get_table_names())
    assert {"conversation", "participant", "statement", "vote", "vote_history",
            "analysis_snapshot", "alembic_version"} <= tables
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_sqlite_pragmas(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    with pytest.raises(ValueError, match="sqlite_synchronous"):
        make_engine(f"sqlite:///{tmp_path / 'q.db'}", sqlite_synchronous="SOMETIMES")
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000


def test_sqlite_checkpoints_off_the_commit_path(tmp_path):
    """Without auto-checkpoints commits leave the WAL to grow; the checkpointer copies it."""
    path = tmp_path / "c.db"
    eng = make_engine(f"sqlite:///{path}", sqlite_autocheckpoint=False)
    with eng.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        conn.exec_driver_sql("CREATE TABLE t (x BLOB)")
    for _ in range(3):  # each commit > 1,000 pages of 4 KiB: SQLite would checkpoint
        with eng.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (randomblob(5000000))")
    wal = tmp_path / "c.db-wal"
    assert wal.stat().st_size > 15_000_000 and path.stat().st_size < 1_000_000
    checkpointer = WalCheckpointer(eng, interval=0.01)
    checkpointer.start()
    checkpointer.stop()
    assert path.stat().st_size > 15_000_000
    eng.dispose()


def test_sqlite_writers_of_other_processes_queue_on_the_lock_file(tmp_path):
    """``write_guard`` holds an flock that another open of the lock file (as in another
    process) cannot take until the transaction is over."""
    path = tmp_path / "w.db"
    eng = make_engine(f"sqlite:///{path}")

    def free() -> bool:
        fd = os.open(f"{path}{WRITER_LOCK_SUFFIX}", os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
        finally:
            os.close(fd)

    with write_guard(eng) as guarded, guarded.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        assert not free()
    assert free()
    eng.dispose()


def test_postgres_urls_use_psycopg3():
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"

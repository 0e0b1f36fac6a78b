"""Issue 19, item 8: the demo never deletes a database another process has open."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from meedenken.api.cli.demo_db import claim_demo_database, in_use_by_another

HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("CREATE TABLE IF NOT EXISTS vote (x)")
conn.execute("INSERT INTO vote VALUES (1)")
conn.commit()
print("ready", flush=True)
time.sleep(60)
"""


def test_a_database_open_in_another_process_is_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "meedenken-demo.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        assert in_use_by_another(db)
        claimed = claim_demo_database(tmp_path)
        assert claimed.path == tmp_path / "meedenken-demo-2.db"
        assert db.exists()  # the open database is untouched, its votes kept
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("SELECT count(*) FROM vote").fetchone() == (1,)
        finally:
            conn.close()
        # A second demo at the same time takes yet another name (the first holds its lock).
        assert claim_demo_database(tmp_path).path == tmp_path / "meedenken-demo-3.db"
        claimed.lock.close()
    finally:
        holder.kill()
        holder.wait()
    # Nobody has it open any more: the usual name is reused and cleared.
    deadline = time.monotonic() + 5
    while in_use_by_another(db) and time.monotonic() < deadline:
        time.sleep(0.05)
    again = claim_demo_database(tmp_path)
    assert again.path == db and not db.exists()
    again.lock.close()


def test_a_missing_database_is_free(tmp_path: Path) -> None:
    assert not in_use_by_another(tmp_path / "none.db")

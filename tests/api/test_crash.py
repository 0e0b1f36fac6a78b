"""Crash test: SIGKILL a real server in the middle of a vote load, restart it, and check that
every vote that got a 2xx is stored exactly once and that the analysis catches up."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from meedenken.models.db import make_engine
from meedenken.models.tables import Vote, VoteHistory

from .helpers import bearer

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
#: Acknowledged votes to wait for before the kill (the load keeps running past it).
KILL_AFTER = 300
STARTUP_TIMEOUT = 60.0
#: How long the restarted server may take to bring the analysis up to every stored vote. The
#: property is that it catches up by itself, not how fast: its first analysis starts a worker
#: process and runs the grouping, which took 23.5 s at load 13 on 2 cores (session 22), where
#: a 30 s wait failed on both backends.
CATCH_UP_TIMEOUT = 120.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(db_url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "MEEDENKEN_ANALYSIS_DEBOUNCE_SECONDS": "0.1",
           "MEEDENKEN_RATE_LIMITS": "off",  # these voters are faster than people
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "meedenken.api.cli", "serve", "--db", db_url, "--port", str(port),
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"server did not start:\n{log.read_text()}")


def _descendants(pid: int) -> set[int]:
    """The processes started by ``pid`` and by those (from /proc, read before a kill)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        children = {child for child, ppid in parents.items() if ppid == parent} - found
        found |= children
        todo.extend(children)
    return found


def _wait_gone(pids: set[int], timeout: float) -> None:
    """Wait until none of ``pids`` runs any more (an orphaned analysis worker ends itself within
    a second of its parent's death)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return
        time.sleep(0.05)
    raise AssertionError(f"processes {sorted(pids)} still run after the server's kill")


def test_sigkill_mid_load_loses_no_acknowledged_vote(db_url, tmp_path):
    port = _free_port()
    log = tmp_path / "server.log"
    proc = _start(db_url, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as http:
            r = http.post("/conversations", json={"topic": "crash"})
            cid, f = r.json()["id"], bearer(r.json()["facilitator_token"])
            sids = [s["id"] for s in http.post(
                f"/conversations/{cid}/statements/bulk", headers=f,
                json={"statements": [{"text": f"stelling {i}"} for i in range(40)]}
            ).json()["data"]]
            people = [http.post(f"/conversations/{cid}/participants", json={}).json()
                      for _ in range(16)]

        acked: list[tuple[int, int, int]] = []  # (participant id, statement id, vote)
        lock = threading.Lock()
        # Set at the kill: a voter thread starved of CPU under load must not wake after
        # the restart below and vote to the new server on the same port (the count checks after
        # the restart would then see a vote this test never recorded).
        killed = threading.Event()

        def voter(person: dict, offset: int) -> None:
            with httpx.Client(base_url=base, timeout=5, headers=bearer(person["token"])) as c:
                for k, sid in enumerate(sids):
                    if killed.is_set():
                        return
                    value = (offset + k) % 3 - 1
                    try:
                        r = c.post(f"/conversations/{cid}/votes",
                                   json={"statement_id": sid, "vote": value})
                    except httpx.HTTPError:
                        return  # the server is gone
                    if r.status_code == 201:
                        with lock:
                            acked.append((person["id"], sid, value))

        threads = [threading.Thread(target=voter, args=(p, i)) for i, p in enumerate(people)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(acked) < KILL_AFTER and time.monotonic() < deadline:
            time.sleep(0.005)
        children = _descendants(proc.pid)  # the analysis worker, multiprocessing's helper
        proc.send_signal(signal.SIGKILL)
        killed.set()
        proc.wait(timeout=10)
        # Read the database only when no process of the killed server holds it open: a vote
        # whose commit reached the SQLite WAL just before the kill, but not the WAL index,
        # becomes visible when the last connection closes and the next one recovers the WAL
        # (it was never acknowledged, so either outcome keeps the promise). Read while the
        # orphaned worker still held the index, the table had 306 votes; the restart counted 307.
        _wait_gone(children, timeout=30)
        for t in threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in threads), "a voter still runs after the kill"
        assert KILL_AFTER <= len(acked) < len(sids) * len(people), "the kill was not mid-load"
    finally:
        if proc.poll() is None:
            proc.kill()

    engine = make_engine(db_url)
    with Session(engine) as session:
        history = session.exec(
            select(VoteHistory.participant_id, VoteHistory.statement_id, VoteHistory.value)
            .where(VoteHistory.conversation_id == cid)).all()
        current = {(p, s): v for p, s, v in session.exec(
            select(Vote.participant_id, Vote.statement_id, Vote.value)
            .where(Vote.conversation_id == cid)).all()}
    engine.dispose()
    stored = [tuple(row) for row in history]
    assert len(stored) == len(set(stored)), "a vote was stored twice"
    missing = set(acked) - set(stored)
    assert not missing, f"{len(missing)} acknowledged votes lost"
    assert all(current[(p, s)] == v for p, s, v in acked)

    proc = _start(db_url, port, log)  # restart: the analysis must catch up by itself
    try:
        deadline = time.monotonic() + CATCH_UP_TIMEOUT
        body = {}
        while time.monotonic() < deadline:
            body = httpx.get(f"{base}/conversations/{cid}/analysis", timeout=5).json()
            if body["votes"] == len(current):
                break
            time.sleep(0.1)
        assert body["votes"] == len(current), body.get("votes")
        assert body["participants"] == len({p for p, _ in current})
    finally:
        proc.kill()
        proc.wait(timeout=10)
    engine = make_engine(db_url)
    with Session(engine) as session:
        total = session.exec(select(func.count()).select_from(VoteHistory)
                             .where(col(VoteHistory.conversation_id) == cid)).one()
    engine.dispose()
    assert total == len(stored)  # the restart added nothing

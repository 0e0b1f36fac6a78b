"""Several ``meedenken serve`` processes on one PostgreSQL (issue 9).

Three real servers (separate processes and ports, as on separate hosts) share a fresh database.
Votes are spread over all of them; the tests check that every acknowledged vote is stored
exactly once, that one conversation's analyses never overlap and stay debounced across the
workers, that an SSE client on every worker receives the final snapshot, and that when the
analysing worker is killed another one takes over.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from meedenken.api.cli.server import run_migrations
from meedenken.models.db import make_engine
from meedenken.models.tables import AnalysisSnapshot, Vote, VoteHistory

from .helpers import bearer

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
STARTUP_TIMEOUT = 90.0
STATEMENTS = 20
SETTLE_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Worker:
    proc: subprocess.Popen
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _start(db_url: str, log: Path) -> Worker:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           "MEEDENKEN_MIGRATE_ON_START": "false",  # migrated once, below
           "MEEDENKEN_ANALYSIS_DEBOUNCE_SECONDS": "0.2",
           "MEEDENKEN_TAKEOVER_CHECK_SECONDS": "0.5",
           "MEEDENKEN_EMBEDDING_SIMILARITY": "false",  # one sentence model per process is heavy
           "MEEDENKEN_RATE_LIMITS": "off"}  # these voters are faster than people
    proc = subprocess.Popen(
        [sys.executable, "-m", "meedenken.api.cli", "serve", "--db", db_url, "--port", str(port),
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    return Worker(proc, port)


def _wait_ready(worker: Worker, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        assert worker.proc.poll() is None, log.read_text()
        try:
            if httpx.get(f"{worker.base}/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"worker on port {worker.port} not ready:\n{log.read_text()}")


@dataclass
class Cluster:
    db_url: str
    workers: list[Worker]
    log: Path
    conversation: int = 0
    facilitator: str = ""
    statements: list[int] = field(default_factory=list)

    def alive(self) -> list[Worker]:
        return [w for w in self.workers if w.proc.poll() is None]


@pytest.fixture(scope="module")
def cluster(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    log = tmp_path_factory.mktemp("scale_out") / "servers.log"
    run_migrations(pg_url)  # once, as a deployment does before starting its workers
    workers = [_start(pg_url, log) for _ in range(WORKERS)]
    try:
        for worker in workers:
            _wait_ready(worker, log)
        first = workers[0].base
        created = httpx.post(f"{first}/conversations",
                             json={"topic": "Zorg in de wijk", "language": "nl"}).json()
        cl = Cluster(pg_url, workers, log, created["id"], created["facilitator_token"])
        for i in range(STATEMENTS):
            # Seeds through different workers too: any worker takes any request.
            base = workers[i % WORKERS].base
            r = httpx.post(f"{base}/conversations/{cl.conversation}/statements",
                           headers=bearer(cl.facilitator), json={"text": f"Stelling {i}"})
            assert r.status_code == 201, r.text
            cl.statements.append(r.json()["statement"]["id"])
        yield cl
    finally:
        for worker in workers:
            if worker.proc.poll() is None:
                worker.proc.terminate()
        for worker in workers:
            try:
                worker.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.proc.kill()


class StreamWatcher(threading.Thread):
    """An SSE client on one worker: records (version, votes) of every snapshot it receives."""

    def __init__(self, base: str, conversation: int) -> None:
        super().__init__(daemon=True)
        self.url = f"{base}/conversations/{conversation}/stream"
        self.events: list[tuple[int, int]] = []
        self.stop = threading.Event()
        self.connected = threading.Event()

    def run(self) -> None:
        with httpx.stream("GET", self.url, timeout=httpx.Timeout(5.0, read=None)) as response:
            self.connected.set()
            for line in response.iter_lines():
                if line.startswith("data:"):
                    payload = json.loads(line[5:])
                    self.events.append((payload["version"], payload["votes"]))
                if self.stop.is_set():
                    return

    def saw_votes(self, votes: int) -> bool:
        return any(v == votes for _, v in self.events)


def _vote_everything(cl: Cluster, participants: int, workers: list[Worker],
                     first_value: int) -> tuple[int, set[tuple[int, int]], float]:
    """Join ``participants`` (round robin over ``workers``) and have each vote on every
    statement, some of them twice; votes go to all workers. Returns (votes acknowledged with
    201, distinct (participant, statement) pairs, seconds the voting took)."""
    tokens: list[tuple[int, str]] = []
    for i in range(participants):
        r = httpx.post(f"{workers[i % len(workers)].base}/conversations/{cl.conversation}/"
                       "participants", json={})
        assert r.status_code == 201, r.text
        tokens.append((r.json()["id"], r.json()["token"]))
    jobs = []
    for p, (pid, token) in enumerate(tokens):
        for s, sid in enumerate(cl.statements):
            value = first_value if (p + s) % 3 else -first_value
            jobs.append((pid, token, sid, value))
            if (p * s) % 7 == 0:  # change the vote: history keeps both, current holds one
                jobs.append((pid, token, sid, 0))

    def send(job_index: int) -> tuple[int, int, int]:
        pid, token, sid, value = jobs[job_index]
        base = workers[job_index % len(workers)].base
        r = httpx.post(f"{base}/conversations/{cl.conversation}/votes",
                       headers=bearer(token), json={"statement_id": sid, "vote": value},
                       timeout=30)
        return r.status_code, pid, sid

    # Keep each participant's two votes on a statement in order: send the second round after.
    first_round = [i for i, j in enumerate(jobs) if j[3] != 0]
    second_round = [i for i, j in enumerate(jobs) if j[3] == 0]
    acknowledged = 0
    pairs: set[tuple[int, int]] = set()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=12) as pool:
        for round_ in (first_round, second_round):
            for code, pid, sid in pool.map(send, round_):
                assert code == 201
                acknowledged += 1
                pairs.add((pid, sid))
    return acknowledged, pairs, time.monotonic() - started


def _counts(cl: Cluster) -> tuple[int, int]:
    engine = make_engine(cl.db_url)
    try:
        with Session(engine) as session:
            history = session.exec(select(func.count()).select_from(VoteHistory).where(
                VoteHistory.conversation_id == cl.conversation)).one()
            current = session.exec(select(func.count()).select_from(Vote).where(
                Vote.conversation_id == cl.conversation)).one()
    finally:
        engine.dispose()
    return int(history), int(current)


def _snapshots(cl: Cluster) -> list[AnalysisSnapshot]:
    engine = make_engine(cl.db_url)
    try:
        with Session(engine) as session:
            return list(session.exec(
                select(AnalysisSnapshot)
                .where(AnalysisSnapshot.conversation_id == cl.conversation)
                .order_by(col(AnalysisSnapshot.version))))
    finally:
        engine.dispose()


def _wait_for_snapshot_with(cl: Cluster, votes: int, watchers: list[StreamWatcher]) -> float:
    started = time.monotonic()
    while time.monotonic() - started < SETTLE_TIMEOUT:
        if all(w.saw_votes(votes) for w in watchers):
            return time.monotonic() - started
        time.sleep(0.1)
    seen = {w.url: w.events[-3:] for w in watchers}
    raise AssertionError(f"not every SSE client got a snapshot with {votes} votes: {seen}\n"
                         f"{cl.log.read_text()[-3000:]}")


def _assert_never_overlapping(snapshots: list[AnalysisSnapshot]) -> None:
    for before, after in itertools.pairwise(snapshots):
        assert after.started_at is not None and before.created_at is not None
        assert after.started_at >= before.created_at, (
            f"analyses v{before.version} ({before.analysed_by}) and v{after.version} "
            f"({after.analysed_by}) overlapped")


def test_votes_spread_over_workers_are_counted_once_and_reach_every_stream(cluster: Cluster):
    watchers = [StreamWatcher(w.base, cluster.conversation) for w in cluster.workers]
    for watcher in watchers:
        watcher.start()
        assert watcher.connected.wait(10)

    acknowledged, pairs, seconds = _vote_everything(cluster, 40, cluster.workers, first_value=1)

    history, current = _counts(cluster)
    assert history == acknowledged  # every acknowledged vote stored, none twice
    assert current == len(pairs)  # one current vote per participant and statement
    _wait_for_snapshot_with(cluster, current, watchers)
    for watcher in watchers:
        watcher.stop.set()

    snapshots = _snapshots(cluster)
    _assert_never_overlapping(snapshots)
    # Debounced across workers: at most one analysis per debounce interval (0.2 s) while the
    # votes came in, as with one worker, not one per worker.
    assert len(snapshots) <= seconds / 0.2 + 3, (len(snapshots), seconds)
    # One worker analysed the conversation (no takeover happened).
    assert len({s.analysed_by for s in snapshots}) == 1
    # The final snapshot holds every current vote.
    assert snapshots[-1].result["votes"] == current


def test_another_worker_takes_over_when_the_analysing_worker_dies(cluster: Cluster):
    owner_label = _snapshots(cluster)[-1].analysed_by
    assert owner_label is not None
    owner_pid = int(owner_label.rsplit(":", 1)[1])
    owner = next(w for w in cluster.workers if w.proc.pid == owner_pid)
    survivors = [w for w in cluster.workers if w is not owner]

    watchers = [StreamWatcher(w.base, cluster.conversation) for w in survivors]
    for watcher in watchers:
        watcher.start()
        assert watcher.connected.wait(10)

    history_before, _ = _counts(cluster)
    # Votes are flowing when the analysing worker is killed.
    killer = threading.Timer(0.5, lambda: os.kill(owner_pid, signal.SIGKILL))
    killer.start()
    acknowledged, _, _ = _vote_everything(cluster, 30, survivors, first_value=-1)
    killer.join()
    owner.proc.wait(timeout=10)
    killed_at = time.monotonic()

    history, current = _counts(cluster)
    assert history - history_before == acknowledged  # the votes went to the survivors only
    waited = _wait_for_snapshot_with(cluster, current, watchers)
    for watcher in watchers:
        watcher.stop.set()

    snapshots = _snapshots(cluster)
    _assert_never_overlapping(snapshots)
    final = snapshots[-1]
    assert final.result["votes"] == current
    survivor_pids = {w.proc.pid for w in survivors}
    assert int(str(final.analysed_by).rsplit(":", 1)[1]) in survivor_pids
    # Taken over within seconds (retry 0.5 s + takeover delay 1.5 s + the analysis).
    assert time.monotonic() - killed_at < 30, waited

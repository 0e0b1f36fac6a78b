"""Loopback load test of the live service: sustained votes/s, p50 and p99, against the floor.

A real ``meedenken serve`` runs in its own process (uvicorn, one worker). The load generator
runs in separate processes and drives many keep-alive connections with a minimal asyncio
HTTP/1.1 client (so the generator spends as little of the shared CPU as possible). For each
database it measures, in one run:

1. the floor: ``GET /health`` (no database work) as fast as the server answers;
2. votes: ``POST /conversations/{id}/votes`` from many participants, each vote a real write
   (checked, appended to the history, current vote upserted, committed before the answer);
3. the check: every vote answered 201 is counted in ``vote_history`` -- none lost.

The analysis runs in the background during the vote phase, as in a live dialogue.

Usage::

    python -m benchmarks.load                        # SQLite and PostgreSQL, 10 s per phase
    python -m benchmarks.load --db sqlite --seconds 5 --connections 64
    python -m benchmarks.load --write-results        # also update benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("RESULTS.md")
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
SECTION_START = "<!-- load.py:start -->"
SECTION_END = "<!-- load.py:end -->"


# ----------------------------------------------------------------------------- HTTP client
async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                   raw: bytes) -> int:
    """Send one pre-built HTTP/1.1 request on a keep-alive connection; return the status."""
    writer.write(raw)
    status_line = await reader.readline()
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return int(status_line.split()[1])


def _get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()


def _post(path: str, token: str, body: dict) -> bytes:
    data = json.dumps(body).encode()
    return (f"POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
            ).encode() + data


async def _connection(port: int, requests: list[bytes], stop_at: float,
                      latencies: list[float], codes: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    try:
        while time.perf_counter() < stop_at:
            raw = requests[i % len(requests)]
            i += 1
            started = time.perf_counter()
            status = await _request(reader, writer, raw)
            latencies.append(time.perf_counter() - started)
            codes[status] = codes.get(status, 0) + 1
    finally:
        writer.close()


def _generator_process(port: int, request_sets: list[list[bytes]], start_at: float,
                       seconds: float, out: mp.Queue) -> None:
    async def main() -> tuple[list[float], dict[int, int]]:
        latencies: list[float] = []
        codes: dict[int, int] = {}
        await asyncio.sleep(max(0.0, start_at - time.time()))
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(_connection(port, reqs, stop_at, latencies, codes)
                               for reqs in request_sets))
        return latencies, codes

    out.put(asyncio.run(main()))


@dataclass(frozen=True)
class Phase:
    requests: int
    ok: int
    seconds: float
    p50_ms: float
    p99_ms: float
    codes: dict[int, int]

    @property
    def rate(self) -> float:
        return self.ok / self.seconds


def run_phase(port: int, request_sets: list[list[bytes]], seconds: float,
              processes: int) -> Phase:
    """Spread the connections over ``processes`` generator processes; run them together."""
    ctx = mp.get_context("fork")
    out: mp.Queue = ctx.Queue()
    start_at = time.time() + 0.5
    shares = [request_sets[i::processes] for i in range(processes)]
    procs = [ctx.Process(target=_generator_process, args=(port, share, start_at, seconds, out))
             for share in shares if share]
    for p in procs:
        p.start()
    latencies: list[float] = []
    codes: dict[int, int] = {}
    for _ in procs:
        lat, c = out.get()
        latencies += lat
        for k, v in c.items():
            codes[k] = codes.get(k, 0) + v
    for p in procs:
        p.join()
    ok = sum(v for k, v in codes.items() if 200 <= k < 300)
    lat_ms = np.asarray(latencies) * 1000
    return Phase(len(latencies), ok, seconds, float(np.percentile(lat_ms, 50)),
                 float(np.percentile(lat_ms, 99)), codes)


# ----------------------------------------------------------------------------- server
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db_url: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--db", db_url, "--port", str(port),
         "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited during start-up")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start in 120 s")


def _fresh_pg_database() -> tuple[str, str]:
    import psycopg

    name = f"meedenken_load_{random.randrange(16**8):08x}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, PG_URL.rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _count_votes(db_url: str, conversation_id: int) -> int:
    from sqlalchemy import func
    from sqlmodel import Session, col, select

    from models.db import make_engine
    from models.tables import VoteHistory

    engine = make_engine(db_url)
    with Session(engine) as session:
        n = session.exec(select(func.count()).select_from(VoteHistory)
                         .where(col(VoteHistory.conversation_id) == conversation_id)).one()
    engine.dispose()
    return int(n)


def bench_database(label: str, db_url: str, *, seconds: float, connections: int,
                   processes: int, participants: int, statements: int,
                   env: dict[str, str]) -> dict:
    port = _free_port()
    server = start_server(db_url, port, env)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as http:
            r = http.post("/conversations", json={"topic": "load"})
            cid, ftoken = r.json()["id"], r.json()["facilitator_token"]
            sids = [s["id"] for s in http.post(
                f"/conversations/{cid}/statements/bulk",
                headers={"Authorization": f"Bearer {ftoken}"},
                json={"statements": [{"text": f"stelling {i}"} for i in range(statements)]}
            ).json()["data"]]
            tokens = [http.post(f"/conversations/{cid}/participants", json={}).json()["token"]
                      for _ in range(participants)]
        rng = random.Random(0)
        health = [[_get("/health")] for _ in range(connections)]
        floor = run_phase(port, health, seconds, processes)
        vote_sets = []
        for c in range(connections):
            mine = tokens[c::connections]
            vote_sets.append([_post(f"/conversations/{cid}/votes", t,
                                    {"statement_id": s, "vote": rng.choice((-1, 0, 1))})
                              for t in mine for s in rng.sample(sids, len(sids))])
        votes = run_phase(port, vote_sets, seconds, processes)
        time.sleep(1.0)
        stored = _count_votes(db_url, cid)
        analysis = httpx.get(f"{base}/conversations/{cid}/analysis", timeout=30).json()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return {
        "database": label, "floor_rps": floor.rate, "floor_p99_ms": floor.p99_ms,
        "votes_per_s": votes.rate, "p50_ms": votes.p50_ms, "p99_ms": votes.p99_ms,
        "acknowledged": votes.ok, "stored": stored, "codes": votes.codes,
        "ratio_to_floor": votes.rate / floor.rate if floor.rate else 0.0,
        "analysis_version": analysis.get("version"), "analysis_votes": analysis.get("votes"),
    }


# ----------------------------------------------------------------------------- report
def _table(rows: list[dict]) -> str:
    lines = ["| database | floor GET /health (req/s) | votes/s | p50 (ms) | p99 (ms) | "
             "votes/s ÷ floor | 201s | in vote_history |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['database']} | {r['floor_rps']:,.0f} | {r['votes_per_s']:,.0f} | "
                     f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['ratio_to_floor']:.0%} | "
                     f"{r['acknowledged']:,} | {r['stored']:,} |")
    return "\n".join(lines)


def _machine() -> str:
    load = os.getloadavg()
    return (f"{os.cpu_count()}-core {platform.machine()}, "
            f"{round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB, "
            f"CPython {platform.python_version()}, load average at start "
            f"{load[0]:.1f}")


def write_results(rows: list[dict], command: str, machine: str, notes: str) -> None:
    section = "\n".join([
        SECTION_START,
        "## Live service: votes under load (`benchmarks/load.py`, issue 3)",
        "",
        f"Command: `{command}`  ",
        f"Machine: {machine}.",
        "",
        _table(rows),
        "",
        notes,
        SECTION_END,
    ])
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if SECTION_START in text:
        head, rest = text.split(SECTION_START, 1)
        tail = rest.split(SECTION_END, 1)[1] if SECTION_END in rest else ""
        text = head + section + tail
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "sqlite-normal", "postgres", "all"],
                        default="all")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--processes", type=int, default=2, help="load generator processes")
    parser.add_argument("--participants", type=int, default=640)
    parser.add_argument("--statements", type=int, default=50)
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args(argv)
    machine = _machine()
    targets = ["sqlite", "sqlite-normal", "postgres"] if args.db == "all" else [args.db]
    rows = []
    common = dict(seconds=args.seconds, connections=args.connections, processes=args.processes,
                  participants=args.participants, statements=args.statements,
                  env={"MEEDENKEN_ANALYSIS_DEBOUNCE_SECONDS": os.environ.get("LOAD_DEBOUNCE", "1")})
    for target in targets:
        if target.startswith("sqlite"):
            folder = tempfile.mkdtemp(prefix="meedenken-load-")
            sync = "NORMAL" if target == "sqlite-normal" else "FULL"
            env = {**common["env"], "MEEDENKEN_SQLITE_SYNCHRONOUS": sync}  # type: ignore[dict-item]
            label = f"SQLite (WAL, synchronous={sync})"
            rows.append(bench_database(label, f"sqlite:///{folder}/load.db",
                                       **{**common, "env": env}))  # type: ignore[arg-type]
        else:
            name, url = _fresh_pg_database()
            try:
                rows.append(bench_database("PostgreSQL 15", url, **common))  # type: ignore[arg-type]
            finally:
                _drop_pg_database(name)
        print(json.dumps(rows[-1]), flush=True)
    print(_table(rows))
    if args.write_results:
        command = "python -m benchmarks.load " + " ".join(argv or sys.argv[1:])
        write_results(rows, command.strip(), machine, NOTES)
    return 0


NOTES = """Each phase runs for the stated seconds against one `meedenken serve` process (uvicorn,
one worker, uvloop); the load generator (2 processes, a minimal keep-alive HTTP/1.1 client)
shares the same 2 cores, so both numbers are lower than on a dedicated server. Every vote is a
durable write answered only after its commit (the vote writer commits concurrent votes in one
transaction: group commit); "in vote_history" counts the stored votes afterwards and must equal
the 201s. The background analysis runs during the vote phase (debounce 1 s)."""


if __name__ == "__main__":
    sys.exit(main())

"""Scale-out on PostgreSQL (issue 9): votes with 1, 2 and 4 workers, and vote-to-SSE latency.

Two measurements, in one run, on a fresh PostgreSQL database (loopback):

1. **Votes by worker count.** ``meedenken serve --workers N`` (uvicorn worker processes on one
   socket, each with its own analysis process) for N = 1, 2, 4, side by side: the same closed-loop
   load as ``benchmarks/load.py`` (keep-alive connections, durable votes), reporting votes/s,
   p50/p99, the CPU the whole server (all workers and their analysis processes) spent per vote,
   and the check that every vote answered 201 is stored exactly once.
2. **Vote to snapshot on another worker.** Two separate ``meedenken serve`` processes (as on two
   hosts). An SSE client listens on worker B; one vote at a time goes to worker A; the time from
   sending the vote to B's client receiving the snapshot that includes it. It is the debounce
   (``MEEDENKEN_ANALYSIS_DEBOUNCE_SECONDS``, 0.5 s by default) + the analysis + LISTEN/NOTIFY.

Usage::

    python -m benchmarks.scale_out                      # 10 s per worker count, 20 latency trials
    python -m benchmarks.scale_out --seconds 5 --workers 1 2 --trials 10
    python -m benchmarks.scale_out --write-results      # also update benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import threading
import time

import httpx
import numpy as np

from benchmarks.load import (
    _count_votes,
    _drop_pg_database,
    _free_port,
    _fresh_pg_database,
    _machine,
    _post,
    create_conversation,
    run_phase,
    start_server,
    stop_server,
    write_section,
)

SECTION_START = "<!-- scale_out.py:start -->"
SECTION_END = "<!-- scale_out.py:end -->"
#: The environment of every server: rate limits off (a trusted load from one address), no
#: sentence model (statements are not submitted here; it would only slow the start of 4 workers).
SERVER_ENV = {"MEEDENKEN_RATE_LIMITS": "off", "MEEDENKEN_EMBEDDING_SIMILARITY": "false"}


def start(db_url: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    """``meedenken serve --workers N``; returns once ``/ready`` answers."""
    proc = start_server(db_url, port, {**SERVER_ENV, **env}, workers=workers,
                        ready_path="/ready", timeout=180)
    if workers > 1:
        time.sleep(2.0)  # one worker answered: give every one time to be up
    return proc


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and all its children (workers, analysis processes)."""
    import psutil

    total = 0.0
    root = psutil.Process(pid)
    for proc in [root, *root.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def bench_workers(db_url: str, workers: int, *, seconds: float, connections: int,
                  processes: int, participants: int, statements: int) -> dict:
    port = _free_port()
    server = start(db_url, port, workers, {"MEEDENKEN_ANALYSIS_DEBOUNCE_SECONDS": "1"})
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as http:
            cid, _, sids = create_conversation(http, f"workers {workers}", statements)
            tokens = [http.post(f"/conversations/{cid}/participants", json={}).json()["token"]
                      for _ in range(participants)]
        rng = random.Random(0)
        vote_sets = []
        for c in range(connections):
            vote_sets.append([_post(f"/conversations/{cid}/votes", t,
                                    {"statement_id": s, "vote": rng.choice((-1, 0, 1))})
                              for t in tokens[c::connections]
                              for s in rng.sample(sids, len(sids))])
        cpu = _tree_cpu(server.pid)
        phase = run_phase(port, vote_sets, seconds, processes)
        cpu = _tree_cpu(server.pid) - cpu
        time.sleep(1.0)
        stored = _count_votes(db_url, cid)
    finally:
        stop_server(server)
    return {"workers": workers, "votes_per_s": phase.rate, "p50_ms": phase.p50_ms,
            "p99_ms": phase.p99_ms, "acknowledged": phase.ok, "stored": stored,
            "codes": phase.codes, "cpu_ms_per_vote": 1000 * cpu / max(phase.requests, 1)}


class _Listener(threading.Thread):
    """SSE client: remembers when it first saw each vote count."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.first_seen: dict[int, float] = {}
        self.ready = threading.Event()
        self.cond = threading.Condition()

    def run(self) -> None:
        try:
            with httpx.stream("GET", self.url,
                              timeout=httpx.Timeout(5.0, read=None)) as response:
                self.ready.set()
                for line in response.iter_lines():
                    if line.startswith("data:"):
                        votes = int(json.loads(line[5:])["votes"])
                        with self.cond:
                            self.first_seen.setdefault(votes, time.perf_counter())
                            self.cond.notify_all()
        except httpx.HTTPError:  # the servers stop at the end of the run
            pass

    def wait_for(self, votes: int, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                seen = [t for v, t in self.first_seen.items() if v >= votes]
                if seen:
                    return min(seen)
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)


def bench_fan_out(db_url: str, trials: int, statements: int) -> dict:
    """One vote at a time to worker A; its snapshot on an SSE client of worker B."""
    env = {"MEEDENKEN_MIGRATE_ON_START": "false"}
    port_a, port_b = _free_port(), _free_port()
    a = start(db_url, port_a, 1, env)
    b = start(db_url, port_b, 1, env)
    try:
        base_a, base_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        with httpx.Client(base_url=base_a, timeout=30) as http:
            cid, _, sids = create_conversation(http, "fan-out", statements)
            # One more participant than trials: the first vote warms up (the first analysis
            # of a conversation starts its owner's engine) and is not counted.
            tokens = [http.post(f"/conversations/{cid}/participants", json={}).json()["token"]
                      for _ in range(trials + 1)]
        listener = _Listener(f"{base_b}/conversations/{cid}/stream")
        listener.start()
        listener.ready.wait(10)
        latencies = []
        with httpx.Client(base_url=base_a, timeout=30) as http:
            for i, token in enumerate(tokens):
                time.sleep(1.5)  # the previous analysis is over: each trial starts quiet
                sent = time.perf_counter()
                r = http.post(f"/conversations/{cid}/votes",
                              headers={"Authorization": f"Bearer {token}"},
                              json={"statement_id": sids[i % len(sids)], "vote": 1})
                if r.status_code != 201:
                    raise RuntimeError(f"trial {i}: vote answered {r.status_code}: {r.text}")
                seen = listener.wait_for(i + 1, timeout=30)
                if seen is None:
                    raise RuntimeError(f"trial {i}: no snapshot with {i + 1} votes on worker B")
                if i > 0:
                    latencies.append(seen - sent)
    finally:
        stop_server(a)
        stop_server(b)
    ms = np.asarray(latencies) * 1000
    return {"trials": trials, "p50_ms": float(np.percentile(ms, 50)),
            "p95_ms": float(np.percentile(ms, 95)), "max_ms": float(ms.max()),
            "debounce_s": 0.5}


def _tables(rows: list[dict], fan_out: dict) -> str:
    base = rows[0]["votes_per_s"] if rows else 0.0
    lines = ["| workers | votes/s | ÷ 1 worker | p50 (ms) | p99 (ms) | server CPU per vote (ms) "
             "| 201s | in vote_history |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['workers']} | {r['votes_per_s']:,.0f} | "
                     f"{r['votes_per_s'] / base if base else 0:.2f} | {r['p50_ms']:.1f} | "
                     f"{r['p99_ms']:.1f} | {r['cpu_ms_per_vote']:.2f} | "
                     f"{r['acknowledged']:,} | {r['stored']:,} |")
    lines += ["", "| vote on worker A -> snapshot on an SSE client of worker B | p50 (ms) | "
              "p95 (ms) | max (ms) |", "|---|---:|---:|---:|",
              f"| {fan_out['trials']} trials after a warm-up vote, debounce "
              f"{fan_out['debounce_s']} s | "
              f"{fan_out['p50_ms']:.0f} | {fan_out['p95_ms']:.0f} | {fan_out['max_ms']:.0f} |"]
    return "\n".join(lines)


NOTES = """Each worker count runs for `--seconds` (10 by default) against
`meedenken serve --workers N` on one PostgreSQL 15 database (loopback, default durability:
synchronous_commit on), 64 keep-alive connections from a load generator of 2 processes on the
same 2 cores. Every vote is answered
after its commit; "in vote_history" must equal the 201s (each vote stored exactly once). The
analysis runs during the load (debounce 1 s) in the process of the worker that owns the
conversation. "Server CPU per vote" sums every server process (uvicorn supervisor, workers, their
analysis processes). On this 2-core machine more workers cannot add cores: what they show is the
cost of coordination: one NOTIFY per vote batch, heard by every worker, and smaller batches per
worker (more transactions per vote). Workers are there to add cores, or hosts, that this machine
does not have; that gain is not measured here.

The latency is measured on an otherwise idle pair of servers: it is the debounce (0.5 s, the
default) plus one analysis plus PostgreSQL's NOTIFY to the other worker and its SSE write."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--processes", type=int, default=2, help="load generator processes")
    parser.add_argument("--participants", type=int, default=640)
    parser.add_argument("--statements", type=int, default=50)
    parser.add_argument("--trials", type=int, default=20, help="vote-to-SSE latency trials")
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args(argv)
    machine = _machine()
    name, url = _fresh_pg_database()
    try:
        rows = []
        for n in args.workers:
            rows.append(bench_workers(url, n, seconds=args.seconds, connections=args.connections,
                                      processes=args.processes, participants=args.participants,
                                      statements=args.statements))
            print(json.dumps(rows[-1]), flush=True)
        fan_out = bench_fan_out(url, args.trials, args.statements)
        print(json.dumps(fan_out), flush=True)
    finally:
        _drop_pg_database(name)
    table = _tables(rows, fan_out)
    print(table)
    if args.write_results:
        command = "python -m benchmarks.scale_out " + " ".join(argv or sys.argv[1:])
        write_section(SECTION_START, SECTION_END, "\n".join([
            "## Scale-out on PostgreSQL: workers and fan-out (`benchmarks/scale_out.py`, issue 9)",
            "", f"Command: `{command.strip()}`  ", f"Machine: {machine}.", "", table, "",
            NOTES]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

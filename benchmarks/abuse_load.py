"""Load under abuse: many participants voting at a human pace, with 10% bad requests mixed in.

Issue 8's version of the loopback load test (benchmarks/load.py, whose server start-up, HTTP
pieces and database helpers it reuses). One ``meedenken serve`` process runs with its
per-participant rate limits ON (defaults: votes 2/s, burst 20) and its per-address limits OFF
(``MEEDENKEN_ADDRESS_LIMITS=off``: every simulated resident shares 127.0.0.1). Then:

* ``--participants`` residents each vote about once every ``--pace`` seconds (uniform jitter
  0.5..1.5 x pace), each on distinct statements, so the offered valid rate is
  participants / pace;
* one request in ten (``--abuse``) is instead malformed JSON, an invalid vote value, an unknown
  statement, a forged token, a missing token, or a vote from one of a few "hammer" participants
  who vote as fast as the abuse share lets them (far above 2/s: mostly 429);
* afterwards every vote answered 201 is looked up: ``vote_history`` must hold exactly the
  acknowledged votes (count), and the set of (participant, statement) of the residents' 201s
  must equal the stored set (none lost, none doubled).

Usage::

    python -m benchmarks.abuse_load --db sqlite --seconds 20
    python -m benchmarks.abuse_load --db all --write-results
    python -m benchmarks.abuse_load --write-stall --seconds 30 --participants 100 --pace 1

``--write-stall`` runs issue 18's write-stall attack instead: residents vote at a human pace in
one conversation while one client bulk-seeds another and posts statement after statement (each
checked for near-duplicates); reported: the residents' vote latencies (target: every vote within
1 s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field

import httpx
import numpy as np

from .load import (
    _drop_pg_database,
    _free_port,
    _fresh_pg_database,
    _machine,
    _post,
    _request,
    create_conversation,
    start_server,
    stop_server,
    write_section,
)

SECTION_START = "<!-- abuse_load.py:start -->"
SECTION_END = "<!-- abuse_load.py:end -->"
ABUSE_KINDS = ("malformed", "bad_value", "unknown_statement", "forged", "no_token", "hammer")


@dataclass
class Plan:
    """What one generator process sends: its residents' tokens and the shared ids."""

    cid: int
    statements: list[int]
    residents: list[tuple[int, str]]  # (participant id, token)
    hammers: list[str]
    pace: float
    abuse: float
    seed: int


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # residents' 201s only
    acked: list[tuple[int, int]] = field(default_factory=list)  # residents' (pid, sid)
    codes: dict[str, dict[int, int]] = field(default_factory=dict)  # kind -> status -> n

    def count(self, kind: str, status: int) -> None:
        by_status = self.codes.setdefault(kind, {})
        by_status[status] = by_status.get(status, 0) + 1


def _abusive(kind: str, plan: Plan, rng: random.Random) -> bytes:
    """One abusive request; those with a valid token use a hammer's (residents stay polite)."""
    path = f"/conversations/{plan.cid}/votes"
    sid = rng.choice(plan.statements)
    if kind == "malformed":
        body = b'{"statement_id": 1, "vote": '
        return (f"POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer "
                f"{rng.choice(plan.hammers)}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    if kind == "bad_value":
        return _post(path, rng.choice(plan.hammers), {"statement_id": sid, "vote": 7})
    if kind == "unknown_statement":
        return _post(path, rng.choice(plan.hammers), {"statement_id": 2**31 - 1, "vote": 1})
    if kind == "forged":
        return _post(path, f"forged-{rng.getrandbits(128):032x}", {"statement_id": sid, "vote": 1})
    if kind == "no_token":
        data = json.dumps({"statement_id": sid, "vote": 1}).encode()
        return (f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n").encode() + data
    return _post(path, rng.choice(plan.hammers), {"statement_id": sid, "vote": rng.choice((-1, 1))})


async def _connection(port: int, plan: Plan, mine: list[tuple[int, str]], stop_at: float,
                      tally: Tally, rng: random.Random) -> None:
    """One keep-alive connection serving a few residents, each at a human pace."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    now = time.perf_counter()
    due = [now + rng.uniform(0, plan.pace) for _ in mine]
    todo = [rng.sample(plan.statements, len(plan.statements)) for _ in mine]
    path = f"/conversations/{plan.cid}/votes"
    try:
        while True:
            i = int(np.argmin(due))
            wait = due[i] - time.perf_counter()
            if due[i] >= stop_at:
                break
            if wait > 0:
                await asyncio.sleep(wait)
            if rng.random() < plan.abuse:
                kind = ABUSE_KINDS[rng.randrange(len(ABUSE_KINDS))]
                tally.count(kind, await _request(reader, writer, _abusive(kind, plan, rng)))
                continue
            pid, token = mine[i]
            due[i] += plan.pace * rng.uniform(0.5, 1.5)
            if not todo[i]:
                continue  # this resident has voted on everything
            sid = todo[i].pop()
            started = time.perf_counter()
            status = await _request(reader, writer,
                                    _post(path, token, {"statement_id": sid,
                                                        "vote": rng.choice((-1, 0, 1))}))
            tally.count("valid", status)
            if status == 201:
                tally.latencies.append(time.perf_counter() - started)
                tally.acked.append((pid, sid))
    finally:
        writer.close()


def _generator(port: int, plan: Plan, connections: int, start_at: float, seconds: float,
               out: mp.Queue) -> None:
    async def main() -> Tally:
        tally = Tally()
        rng = random.Random(plan.seed)
        await asyncio.sleep(max(0.0, start_at - time.time()))
        stop_at = time.perf_counter() + seconds
        shares = [plan.residents[c::connections] for c in range(connections)]
        await asyncio.gather(*(_connection(port, plan, share, stop_at, tally,
                                           random.Random(rng.getrandbits(64)))
                               for share in shares if share))
        return tally

    out.put(asyncio.run(main()))


async def _join_all(base: str, cid: int, n: int, concurrency: int = 16) -> list[tuple[int, str]]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        gate = asyncio.Semaphore(concurrency)

        async def join() -> tuple[int, str]:
            async with gate:
                r = await http.post(f"/conversations/{cid}/participants", json={})
                r.raise_for_status()
                return r.json()["id"], r.json()["token"]

        return list(await asyncio.gather(*(join() for _ in range(n))))


def _stored(db_url: str, cid: int,
            residents: set[int]) -> tuple[int, set[tuple[int, int]], int]:
    """Rows in vote_history, the residents' distinct (participant, statement) pairs, and how
    many of the residents' pairs are stored more than once (hammers repeat pairs on purpose)."""
    from sqlalchemy import text

    from meedenken.models.db import make_engine

    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT participant_id, statement_id FROM vote_history "
                                 "WHERE conversation_id = :c"), {"c": cid}).all()
    engine.dispose()
    pairs = [(int(p), int(s)) for p, s in rows if int(p) in residents]
    return len(rows), set(pairs), len(pairs) - len(set(pairs))


def bench(label: str, db_url: str, *, seconds: float, participants: int, pace: float,
          abuse: float, connections: int, processes: int, statements: int, hammers: int,
          limits: bool = True) -> dict:
    port = _free_port()
    env = {"MEEDENKEN_ANALYSIS_DEBOUNCE_SECONDS": "1", "MEEDENKEN_ADDRESS_LIMITS": "off",
           "MEEDENKEN_RATE_LIMITS": "on" if limits else "off"}
    server = start_server(db_url, port, env)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as http:
            cid, _, sids = create_conversation(http, "abuse", statements)
        people = asyncio.run(_join_all(base, cid, participants + hammers * processes))
        residents, hammer_people = people[:participants], people[participants:]
        ctx = mp.get_context("fork")
        out: mp.Queue = ctx.Queue()
        start_at = time.time() + 0.5
        load_average = os.getloadavg()[0]  # other work on the machine during the run
        procs = []
        for k in range(processes):
            plan = Plan(cid, sids, residents[k::processes],
                        [t for _, t in hammer_people[k * hammers:(k + 1) * hammers]],
                        pace, abuse, seed=k)
            procs.append(ctx.Process(target=_generator,
                                     args=(port, plan, connections // processes, start_at,
                                           seconds, out)))
        for p in procs:
            p.start()
        tallies = [out.get() for _ in procs]
        for p in procs:
            p.join()
        time.sleep(1.0)
        n_rows, stored_residents, duplicates = _stored(db_url, cid,
                                                       {pid for pid, _ in residents})
    finally:
        stop_server(server)
    codes: dict[str, dict[int, int]] = {}
    for t in tallies:
        for kind, by in t.codes.items():
            for status, n in by.items():
                codes.setdefault(kind, {})[status] = codes.setdefault(kind, {}).get(status, 0) + n
    acked = [pair for t in tallies for pair in t.acked]
    lat = np.asarray([x for t in tallies for x in t.latencies]) * 1000
    n_abuse = sum(sum(by.values()) for kind, by in codes.items() if kind != "valid")
    n_valid = sum(codes.get("valid", {}).values())
    acked_all = len(acked) + codes.get("hammer", {}).get(201, 0)
    return {
        "database": label + ("" if limits else ", limits off"), "seconds": seconds,
        "load_average": load_average,
        "participants": participants, "pace_s": pace,
        "offered_valid_per_s": participants / pace, "valid_sent": n_valid,
        "valid_201": len(acked), "valid_votes_per_s": len(acked) / seconds,
        "p50_ms": float(np.percentile(lat, 50)) if len(lat) else float("nan"),
        "p99_ms": float(np.percentile(lat, 99)) if len(lat) else float("nan"),
        "abusive_sent": n_abuse, "abusive_share": n_abuse / max(1, n_abuse + n_valid),
        "codes": {k: dict(sorted(v.items())) for k, v in sorted(codes.items())},
        "acknowledged_total": acked_all, "vote_history_rows": n_rows,
        "duplicates": duplicates, "residents_match": set(acked) == stored_residents,
        "exactly_once": n_rows == acked_all and duplicates == 0
                        and set(acked) == stored_residents,
    }


def _table(rows: list[dict]) -> str:
    lines = ["| database | residents (pace) | offered valid/s | valid votes/s | p50 (ms) | "
             "p99 (ms) | abusive share | 201s (all) | in vote_history | exactly once | "
             "load avg |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for r in rows:
        lines.append(
            f"| {r['database']} | {r['participants']:,} ({r['pace_s']:g} s) | "
            f"{r['offered_valid_per_s']:,.0f} | {r['valid_votes_per_s']:,.0f} | "
            f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['abusive_share']:.1%} | "
            f"{r['acknowledged_total']:,} | {r['vote_history_rows']:,} | "
            f"{'yes' if r['exactly_once'] else 'NO'} | {r['load_average']:.1f} |")
    return "\n".join(lines)


def _codes(rows: list[dict]) -> str:
    lines = []
    for r in rows:
        parts = [f"{kind}: " + ", ".join(f"{s}×{n:,}" for s, n in by.items())
                 for kind, by in r["codes"].items()]
        lines.append(f"* {r['database']}: " + "; ".join(parts))
    return "\n".join(lines)


def write_results(rows: list[dict], command: str, machine: str) -> None:
    write_section(SECTION_START, SECTION_END, "\n".join([
        "## Votes under abuse (`benchmarks/abuse_load.py`, issue 8)",
        "",
        f"Command: `{command}`  ",
        f"Machine: {machine}.",
        "",
        _table(rows),
        "",
        "Status codes by request kind (valid = residents' votes):",
        "",
        _codes(rows),
        "",
        NOTES,
    ]))


NOTES = """One `meedenken serve` process (uvicorn, one worker) with per-participant rate limits on
(defaults: votes 2/s burst 20 per participant) and per-address limits off; the load generator
shares the same 2 cores. Residents vote at a human pace (one vote per pace x U(0.5, 1.5)
seconds, each on a statement they have not voted on), so the valid rate is bounded by what they
offer; none of them should ever see a 429. One request in ten is abusive: malformed JSON (422),
vote value 7 (422), unknown statement (404), forged token (403), no token (401), or a vote by one
of a few hammer participants far above 2/s (201 within the burst and refill, then 429).
"exactly once": the rows in `vote_history` equal the 201s (residents' and hammers'), with no
(participant, statement) pair stored twice and the residents' acknowledged pairs equal to the
stored ones. Rate-limit state lives in the server process's memory (see api/limits.py)."""


# ---------------------------------------------------------------- the write-stall attack (18)
STALL_START = "<!-- abuse_load.py:write-stall:start -->"
STALL_END = "<!-- abuse_load.py:write-stall:end -->"


async def _stall_attacker(base: str, stop_at: float, seeds: int,
                          durations: list[float]) -> None:
    """The worst the API allows one client: a throwaway conversation bulk-seeded with ``seeds``
    statements of 400 characters, then one more statement after another (each needs the
    near-duplicate check against the seeds)."""
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        r = await http.post("/conversations", json={"topic": "wegwerp"})
        cid, token = r.json()["id"], r.json()["facilitator_token"]
        auth = {"Authorization": f"Bearer {token}"}
        for start in range(0, seeds, 500):
            batch = [{"text": f"Stelling {i} " + "x" * 380}
                     for i in range(start, min(seeds, start + 500))]
            r = await http.post(f"/conversations/{cid}/statements/bulk", headers=auth,
                                json={"statements": batch})
            r.raise_for_status()
        i = 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            r = await http.post(f"/conversations/{cid}/statements", headers=auth,
                                json={"text": f"Nog een stelling {i} " + "y" * 370})
            durations.append(time.perf_counter() - started)
            i += 1


async def _stall_resident(port: int, cid: int, token: str, sids: list[int], pace: float,
                          stop_at: float, latencies: list[float], codes: dict[int, int],
                          rng: random.Random) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    todo = rng.sample(sids, len(sids))
    try:
        await asyncio.sleep(rng.uniform(0, pace))
        while todo and time.perf_counter() < stop_at:
            started = time.perf_counter()
            status = await _request(reader, writer, _post(
                f"/conversations/{cid}/votes", token,
                {"statement_id": todo.pop(), "vote": rng.choice((-1, 0, 1))}))
            codes[status] = codes.get(status, 0) + 1
            if status == 201:
                latencies.append(time.perf_counter() - started)
            await asyncio.sleep(pace * rng.uniform(0.5, 1.5))
    finally:
        writer.close()


def write_stall(db_url: str, *, seconds: float, residents: int, pace: float,
                seeds: int) -> dict:
    """Residents vote in their conversation while an attacker does the write-stall attack of
    issue 18 item 1 in another: the residents' vote latencies."""
    port = _free_port()
    server = start_server(db_url, port, {"MEEDENKEN_ADDRESS_LIMITS": "off",
                                         "MEEDENKEN_RATE_LIMITS": "on"})
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as http:
            cid, _, sids = create_conversation(http, "bewoners", 60)
        people = asyncio.run(_join_all(base, cid, residents))
        latencies: list[float] = []
        durations: list[float] = []
        codes: dict[int, int] = {}

        async def run() -> None:
            stop_at = time.perf_counter() + seconds
            rng = random.Random(0)
            await asyncio.gather(
                _stall_attacker(base, stop_at, seeds, durations),
                *(_stall_resident(port, cid, token, sids, pace, stop_at, latencies, codes,
                                  random.Random(rng.getrandbits(64)))
                  for _, token in people))

        load_average = os.getloadavg()[0]
        asyncio.run(run())
    finally:
        stop_server(server)
    lat = np.asarray(latencies) * 1000
    return {"seconds": seconds, "residents": residents, "pace_s": pace, "seeds": seeds,
            "load_average": load_average, "votes_201": len(latencies), "codes": codes,
            "p50_ms": float(np.percentile(lat, 50)), "p99_ms": float(np.percentile(lat, 99)),
            "max_ms": float(lat.max()), "attacker_posts": len(durations),
            "attacker_post_median_s": float(np.median(durations)) if durations else None,
            "attacker_post_max_s": float(max(durations)) if durations else None}


def write_stall_results(row: dict, command: str, machine: str) -> None:
    write_section(STALL_START, STALL_END, "\n".join([
        "## Votes during the write-stall attack (`benchmarks/abuse_load.py --write-stall`, "
        "issue 18)",
        "",
        f"Command: `{command}`  ",
        f"Machine: {machine}.",
        "",
        "| database | residents (pace) | attacker's seeds | attacker's posts (median, max s) | "
        "residents' votes 201 | p50 (ms) | p99 (ms) | max (ms) | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| SQLite (WAL, synchronous=FULL) | {row['residents']} ({row['pace_s']:g} s) | "
        f"{row['seeds']} x 400 chars | {row['attacker_posts']} "
        f"({row['attacker_post_median_s'] or 0:.2f}, {row['attacker_post_max_s'] or 0:.2f}) | "
        f"{row['votes_201']:,} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | "
        f"{row['max_ms']:.1f} | {row['load_average']:.1f} |",
        "",
        "The attack of issue 18 item 1: one client makes a conversation, bulk-seeds it (400 "
        "characters each; facilitators are exempt from statement limits) and then posts one "
        "statement after another, each compared with the seeds for near-duplicates (sentence "
        "embeddings). Before the fix the post held SQLite's process-wide write lock during the "
        "embedding (34 s with 500 seeds), and a resident's vote in another conversation waited "
        "33.9 s. Now the embedding runs without the lock and compares at most "
        "`similar_max_compared` (300) statements; the residents (one `meedenken serve`, rate "
        "limits on, the load generator on the same 2 cores) vote at a human pace meanwhile.",
    ]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--participants", type=int, default=3000)
    parser.add_argument("--pace", type=float, default=2.0, help="seconds between one's votes")
    parser.add_argument("--abuse", type=float, default=0.1, help="share of abusive requests")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--statements", type=int, default=60)
    parser.add_argument("--hammers", type=int, default=2, help="hammer participants per process")
    parser.add_argument("--limits", choices=["on", "off", "both"], default="on",
                        help="off: the same load without rate limits, for comparison")
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--write-stall", action="store_true",
                        help="issue 18's write-stall attack instead (SQLite): residents' vote "
                             "latency while one client seeds and posts statements")
    parser.add_argument("--seeds", type=int, default=500, help="the attacker's seeds")
    args = parser.parse_args(argv)
    machine = _machine()
    if args.write_stall:
        folder = tempfile.mkdtemp(prefix="meedenken-stall-")
        row = write_stall(f"sqlite:///{folder}/stall.db", seconds=args.seconds,
                          residents=min(args.participants, 200), pace=args.pace,
                          seeds=args.seeds)
        print(json.dumps(row), flush=True)
        if args.write_results:
            command = "python -m benchmarks.abuse_load " + " ".join(argv or sys.argv[1:])
            write_stall_results(row, command.strip(), machine)
        return 0 if row["max_ms"] < 1000 else 1
    common = dict(seconds=args.seconds, participants=args.participants, pace=args.pace,
                  abuse=args.abuse, connections=args.connections, processes=args.processes,
                  statements=args.statements, hammers=args.hammers)
    modes = {"on": [True], "off": [False], "both": [True, False]}[args.limits]
    rows = []
    for target in (["sqlite", "postgres"] if args.db == "all" else [args.db]):
        for limits in modes:
            if target == "sqlite":
                folder = tempfile.mkdtemp(prefix="meedenken-abuse-")
                rows.append(bench("SQLite (WAL, synchronous=FULL)",
                                  f"sqlite:///{folder}/abuse.db", limits=limits,
                                  **common))  # type: ignore[arg-type]
            else:
                name, url = _fresh_pg_database()
                try:
                    rows.append(bench("PostgreSQL", url, limits=limits,
                                      **common))  # type: ignore[arg-type]
                finally:
                    _drop_pg_database(name)
            print(json.dumps(rows[-1]), flush=True)
    print(_table(rows))
    if args.write_results:
        command = "python -m benchmarks.abuse_load " + " ".join(argv or sys.argv[1:])
        write_results(rows, command.strip(), machine)
    return 0 if all(r["exactly_once"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

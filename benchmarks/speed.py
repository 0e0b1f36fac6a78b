"""Speed: red-dwarf vs ours side by side, then ours alone at a million participants.

1. The largest shared export (bowling-green, 2,031 x 896) and noisy resamples of its participants
   (:func:`benchmarks.synthetic_scale.resample`): red-dwarf 0.4.0's ``run_pipeline`` and our
   ``engine.analyze``, both with default settings (k chosen by each), each in its own process.
   red-dwarf is timed from its list of vote dicts; ours from a built ``VoteMatrix`` (building it
   from records is timed separately and shown). Target: >= 10x faster than red-dwarf at 20k.
2. Ours alone on a planted 1M x 2,000 matrix with 50M votes
   (:func:`benchmarks.synthetic_scale.planted`): full analysis < 60 s, peak memory < 8 GB
   (the whole process's peak RSS, matrix included).
3. Incremental ``engine.update`` after 1,000 new votes at 100k participants: median < 0.25 s.

Run: ``python -m benchmarks.speed [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from meedenken import engine
from meedenken.engine.matrix import VoteMatrix

from .common import ISSUE2_SETTINGS, load_export, reddwarf_groups, reddwarf_votes
from .isolate import Stopwatch, load_average, peak_rss_mb, run_isolated
from .speed_report import speed_section
from .synthetic_scale import cached_planted, matrix_from_csr, resample

__all__ = [
    "PLAN_FULL",
    "PLAN_QUICK",
    "SOURCE",
    "Plan",
    "planted_analysis",
    "side_by_side",
    "update_latency",
]

SOURCE = "american-assembly.bowling-green"
SEED = 0
#: Timed runs per measurement (median reported) at or below SMALL participants, else one.
REPEATS_SMALL = 3
SMALL = 5_000
TIMEOUT_S = 1800.0
#: Share of an update round's votes that come from new participants.
NEWCOMER_SHARE = 0.1


@dataclass(frozen=True)
class Plan:
    """What to measure: side-by-side scales, the planted matrix, the update test."""

    #: Participants of each side-by-side run (None: the export itself).
    scales: tuple[int | None, ...]
    #: (participants, statements, votes) of the planted matrix.
    planted: tuple[int, int, int]
    #: (participants, statements, votes, new votes per round, rounds) of the update test.
    update: tuple[int, int, int, int, int]


#: The issue's sizes.
PLAN_FULL = Plan(
    scales=(None, 5_000, 20_000),
    planted=(1_000_000, 2_000, 50_000_000),
    update=(100_000, 2_000, 5_000_000, 1_000, 9),
)
#: A few minutes less: a 10x smaller planted matrix, fewer update rounds.
PLAN_QUICK = Plan(
    scales=(None, 5_000, 20_000),
    planted=(100_000, 2_000, 5_000_000),
    update=(100_000, 2_000, 5_000_000, 1_000, 5),
)


# ----------------------------------------------------------------------------- child workers
def _source_matrix(n_participants: int | None) -> tuple[Any, np.ndarray]:
    """(csr X, excluded-or-meta mask): the export itself, or a noisy resample of it."""
    m = load_export(SOURCE).to_matrix()
    X = m.X if n_participants is None else resample(m.X, n_participants, random_state=SEED)
    return X.tocsr(), ~m.active


def _records(X: Any) -> tuple[list[int], list[int], list[int]]:
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    return rows.tolist(), X.indices.tolist(), X.data.tolist()


def _timed_runs(n_participants: int, call: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """Run ``call`` once, or REPEATS_SMALL times on small data; median wall and CPU seconds."""
    walls, cpus, out = [], [], None
    for _ in range(REPEATS_SMALL if n_participants <= SMALL else 1):
        with Stopwatch() as sw:
            out = call()
        walls.append(sw.wall)
        cpus.append(sw.cpu)
    return out, {
        "seconds": statistics.median(walls),
        "cpu_seconds": statistics.median(cpus),
        "load": load_average(),
    }


def reddwarf_worker(n_participants: int | None) -> dict[str, Any]:
    """Time red-dwarf's full pipeline (default k choice) on the source or a resample."""
    X, inactive = _source_matrix(n_participants)
    rows, cols, votes = _records(X)
    vote_dicts = reddwarf_votes(rows, cols, votes)
    excluded = np.flatnonzero(inactive).tolist()
    (groups, _), times = _timed_runs(
        X.shape[0],
        lambda: reddwarf_groups(vote_dicts, k=None, excluded=excluded, random_state=SEED),
    )
    return {
        "n_participants": X.shape[0],
        "n_votes": int(X.nnz),
        **times,
        "k": len(set(groups.values())),
    }


def ours_worker(n_participants: int | None) -> dict[str, Any]:
    """Time building our VoteMatrix from records, then ``engine.analyze`` with defaults."""
    X, inactive = _source_matrix(n_participants)
    rows, cols, votes = _records(X)
    with Stopwatch() as build:
        matrix = VoteMatrix.from_records(
            rows,
            cols,
            votes,
            statement_ids=range(X.shape[1]),
            excluded=np.flatnonzero(inactive).tolist(),
        )
    result, times = _timed_runs(
        X.shape[0], lambda: engine.analyze(matrix, ISSUE2_SETTINGS, random_state=SEED)
    )
    return {
        "n_participants": X.shape[0],
        "n_votes": int(X.nnz),
        "build_seconds": build.wall,
        **times,
        "k": result.clustering.k,
        "steps": dict(result.timings),
    }


def generate_worker(
    n_participants: int, n_statements: int, n_votes: int, cache_dir: str
) -> dict[str, Any]:
    """Build and cache the planted matrix (its own process, so measurements start clean)."""
    X, seconds = cached_planted(
        n_participants, n_statements, n_votes, random_state=SEED, cache_dir=cache_dir
    )
    return {"n_votes": int(X.nnz), "generate_seconds": seconds}


def planted_worker(
    n_participants: int, n_statements: int, n_votes: int, cache_dir: str
) -> dict[str, Any]:
    """Time one full default analysis of the cached planted matrix."""
    X, _ = cached_planted(
        n_participants, n_statements, n_votes, random_state=SEED, cache_dir=cache_dir
    )
    matrix = matrix_from_csr(X)
    del X
    rss_before = peak_rss_mb()
    with Stopwatch() as sw:
        result = engine.analyze(matrix, ISSUE2_SETTINGS, random_state=SEED)
    return {
        "n_participants": matrix.n_participants,
        "n_statements": matrix.n_statements,
        "n_votes": matrix.n_votes,
        "seconds": sw.wall,
        "cpu_seconds": sw.cpu,
        "load": load_average(),
        "k": result.clustering.k,
        "steps": dict(result.timings),
        "rss_before_mb": rss_before,
    }


def update_worker(
    n_participants: int,
    n_statements: int,
    n_votes: int,
    new_votes: int,
    rounds: int,
    cache_dir: str,
) -> dict[str, Any]:
    """Analyse once, then ``rounds`` times: append ``new_votes`` votes and time ``engine.update``.

    New votes come from random existing participants (90%) and new ones (10%), on random
    statements, with random values.
    """
    X, _ = cached_planted(
        n_participants, n_statements, n_votes, random_state=SEED, cache_dir=cache_dir
    )
    matrix = matrix_from_csr(X)
    settings = ISSUE2_SETTINGS
    with Stopwatch() as first:
        result = engine.analyze(matrix, settings, random_state=SEED)
    rng = np.random.default_rng(SEED)
    next_new = n_participants
    appends, updates, update_cpu = [], [], []
    for _ in range(rounds):
        who = rng.integers(0, n_participants, size=new_votes)
        newcomers = rng.random(new_votes) < NEWCOMER_SHARE
        who[newcomers] = next_new + np.arange(int(newcomers.sum()))
        next_new += int(newcomers.sum())
        what = rng.integers(0, n_statements, size=new_votes)
        value = rng.integers(-1, 2, size=new_votes)
        with Stopwatch() as add:
            matrix.append(who.tolist(), what.tolist(), value)
        with Stopwatch() as upd:
            result = engine.update(matrix, result, settings, random_state=SEED)
        appends.append(add.wall)
        updates.append(upd.wall)
        update_cpu.append(upd.cpu)
    return {
        "n_participants": matrix.n_participants,
        "n_votes": matrix.n_votes,
        "analyze_seconds": first.wall,
        "update_seconds": updates,
        "update_cpu_seconds": update_cpu,
        "append_seconds": appends,
        "load": load_average(),
        "k": result.clustering.k,
    }


# ----------------------------------------------------------------------------- parent side
def side_by_side(scales: Sequence[int | None]) -> list[dict[str, Any]]:
    """red-dwarf and ours at each scale (None = the export itself), one process each."""
    rows = []
    for n in scales:
        theirs = run_isolated(
            "benchmarks.speed:reddwarf_worker", timeout=TIMEOUT_S, n_participants=n
        )
        ours = run_isolated("benchmarks.speed:ours_worker", timeout=TIMEOUT_S, n_participants=n)
        rows.append(
            {
                "scale": "bowling-green" if n is None else f"resampled {n:,}",
                "reddwarf": theirs,
                "ours": ours,
            }
        )
    return rows


def _generate(n_participants: int, n_statements: int, n_votes: int,
              cache_dir: str) -> dict[str, Any]:
    """Generate (or find cached) the planted matrix in its own process."""
    return run_isolated(
        "benchmarks.speed:generate_worker",
        timeout=TIMEOUT_S,
        n_participants=n_participants,
        n_statements=n_statements,
        n_votes=n_votes,
        cache_dir=cache_dir,
    )


def planted_analysis(
    n_participants: int, n_statements: int, n_votes: int, cache_dir: str
) -> dict[str, Any]:
    """Generate (cached) then analyse the planted matrix, each in its own process."""
    gen = _generate(n_participants, n_statements, n_votes, cache_dir)
    if "error" in gen:
        return gen
    out = run_isolated(
        "benchmarks.speed:planted_worker",
        timeout=TIMEOUT_S,
        n_participants=n_participants,
        n_statements=n_statements,
        n_votes=n_votes,
        cache_dir=cache_dir,
    )
    out["generate_seconds"] = gen["generate_seconds"]
    return out


def update_latency(
    n_participants: int,
    n_statements: int,
    n_votes: int,
    new_votes: int,
    rounds: int,
    cache_dir: str,
) -> dict[str, Any]:
    """Generate (cached) then time incremental updates in a fresh process."""
    gen = _generate(n_participants, n_statements, n_votes, cache_dir)
    if "error" in gen:
        return gen
    return run_isolated(
        "benchmarks.speed:update_worker",
        timeout=TIMEOUT_S,
        n_participants=n_participants,
        n_statements=n_statements,
        n_votes=n_votes,
        new_votes=new_votes,
        rounds=rounds,
        cache_dir=cache_dir,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller planted matrix")
    args = parser.parse_args(argv)
    plan = PLAN_QUICK if args.quick else PLAN_FULL
    with tempfile.TemporaryDirectory(prefix="meedenken-bench-") as cache:
        print(
            speed_section(
                side_by_side(plan.scales),
                planted_analysis(*plan.planted, cache_dir=cache),
                update_latency(*plan.update, cache_dir=cache),
            )
        )


if __name__ == "__main__":
    main()

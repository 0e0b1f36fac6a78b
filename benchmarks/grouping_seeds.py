"""Issue 15: does the grouping's *own* seed decide the groups? (session 13, rs15)

``analyze --seed`` cannot move the published groups (:mod:`benchmarks.seed_audit`): the
grouping has its own fixed seed (``GroupingSettings.random_state``). Its tests are Monte Carlo
comparisons, though, so a borderline room's k could turn on that one fixed value. This runs every
room of :func:`benchmarks.seed_audit.rooms` at grouping seeds 0..N-1 (analysis seed 0, bridging
off), once as a single run of the grouping (``restarts=1``) and once with the default consensus of
runs (``GroupingSettings.restarts``), and prints each seed's k, the smallest and mean ARI over the
pairs of seeds (participants grouped by both) and the seconds per analysis.

Run: ``python -m benchmarks.grouping_seeds [--seeds N]`` (default 9; about 10 minutes on a quiet
2-core machine).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks.common import markdown_table
from benchmarks.seed_audit import pair_aris, rooms
from meedenken.engine import AnalysisSettings, VoteMatrix, analyze
from meedenken.engine.settings import GroupingSettings


def _over_seeds(matrix: VoteMatrix, seeds: range, restarts: int | None) -> tuple[str, str, float]:
    """(k per grouping seed, "min / mean" ARI, seconds per analysis)."""
    ks, labels = [], []
    start = time.perf_counter()
    for seed in seeds:
        grouping = GroupingSettings(random_state=seed)
        if restarts is not None:
            grouping = grouping.with_(restarts=restarts)
        found = analyze(matrix, AnalysisSettings(bridging=False, grouping=grouping),
                        random_state=0).clustering
        ks.append(found.k)
        labels.append(found.labels)
    aris = pair_aris(labels)
    return (" ".join(map(str, ks)), f"{min(aris):.2f} / {np.mean(aris):.2f}",
            (time.perf_counter() - start) / len(seeds))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=9, help="grouping seeds 0..N-1")
    seeds = range(parser.parse_args(argv).seeds)
    rows = []
    for name, matrix in rooms():
        single = _over_seeds(matrix, seeds, restarts=1)
        runs = _over_seeds(matrix, seeds, restarts=None)
        rows.append((name, *single, *runs))
        print(rows[-1], flush=True)
    print(markdown_table(
        ("room", "k, one run", "min / mean ARI", "s", "k, consensus of runs", "min / mean ARI",
         "s"), rows))


if __name__ == "__main__":
    main()

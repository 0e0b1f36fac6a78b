"""Issue 15: does the grouping's *own* seed decide the groups? (sessions 13 rs15, 19 g15x, 20 g15y)

``analyze --seed`` cannot move the published groups (:mod:`benchmarks.seed_audit`): the
grouping has its own seed (``GroupingSettings.random_state``). Its tests are Monte Carlo
comparisons, so a single run's verdict in a borderline room is a draw; the default publishes the
consensus of up to ``GroupingSettings.restarts`` runs (:func:`engine.grouping.consensus_k`).
This runs every room of :func:`benchmarks.seed_audit.rooms` at grouping seeds 0..N-1 with the
default settings (analysis seed 0, bridging off) and prints, per room: the published k at each
seed, the smallest and mean ARI over the pairs of seeds (participants grouped by both; k = 1
against k = 1 is 1), the CPU seconds per analysis (``time.process_time``: the machine is shared),
the fewest and most runs an analysis made, and every run's k over all seeds (``k x count``).
``--jsonl`` writes one line per room and seed (k, every run's k, steps, CPU s) for rules to be
recomputed from the recorded runs (the seeds of the first runs do not depend on ``restarts``).

Run: ``python -m benchmarks.grouping_seeds [--seeds N] [--jsonl OUT] [--rooms NAME,...]
[--set NAME=VALUE ...]``
(default 10 seeds, every room: about 15 CPU minutes; ``--rooms`` keeps the rooms whose name
contains one of the given parts, e.g. ``--rooms ubi,canadian``).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import markdown_table
from benchmarks.seed_audit import pair_aris, rooms
from meedenken.engine import AnalysisSettings, VoteMatrix, analyze
from meedenken.engine.settings import GroupingSettings

HEADERS = ("room", "k at grouping seeds", "min / mean ARI", "CPU s", "runs", "every run's k")


def run_counts(runs: Iterable[Sequence[int]]) -> str:
    """Every run's k over all analyses, most frequent first (ties: the smaller k).

    >>> run_counts([[1, 1], [2, 1, 2, 2], [2, 2, 2]])
    '2 x6, 1 x3'
    """
    counts = Counter(k for ks in runs for k in ks)
    return ", ".join(f"{k} x{n}" for k, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])))


def room_row(name: str, records: Sequence[dict[str, Any]],
             labels: Sequence[np.ndarray]) -> tuple[str, ...]:
    """One table row from a room's records (one per grouping seed) and published labels.

    >>> recs = [{"k": 1, "runs": [1, 1], "cpu_s": 0.5},
    ...         {"k": 1, "runs": [2, 1, 1, 1], "cpu_s": 1.5}]
    >>> room_row("r", recs, [np.array([0, 0, -1]), np.array([0, 0, 0])])
    ('r', '1 1', '1.00 / 1.00', '1.00', '2-4', '1 x5, 2 x1')
    """
    aris = pair_aris(list(labels)) or [1.0]
    sizes = [len(r["runs"]) for r in records]
    return (name, " ".join(str(r["k"]) for r in records),
            f"{min(aris):.2f} / {np.mean(aris):.2f}",
            f"{np.mean([r['cpu_s'] for r in records]):.2f}", f"{min(sizes)}-{max(sizes)}",
            run_counts(r["runs"] for r in records))


def chosen(name: str, parts: Sequence[str]) -> bool:
    """Whether room ``name`` is among those asked for (its name contains one of ``parts``;
    none given: every room).

    >>> chosen("scoop-hivemind.ubi", ["ubi", "canadian"]), chosen("brexit-consensus", ["ubi"])
    (True, False)
    >>> chosen("brexit-consensus", [])
    True
    """
    return not parts or any(part in name for part in parts)


def grouping_settings(pairs: Sequence[str],
                      base: GroupingSettings | None = None) -> GroupingSettings:
    """GroupingSettings (``base``, default the defaults) with fields ``NAME=VALUE`` changed (the
    value read as the field's current value's type).

    >>> s = grouping_settings(["split_null_max=2560", "sequential_margin=2.5"])
    >>> s.split_null_max, s.sequential_margin
    (2560, 2.5)
    """
    base = base or GroupingSettings()
    changes: dict[str, Any] = {}
    for pair in pairs:
        name, value = pair.split("=", 1)
        default = getattr(base, name)
        changes[name] = type(default)(value) if not isinstance(default, bool) else value == "True"
    return base.with_(**changes) if changes else base


def analyse_room(name: str, matrix: VoteMatrix, seeds: Iterable[int],
                 settings: GroupingSettings | None = None
                 ) -> tuple[list[dict[str, Any]], list[np.ndarray]]:
    """The room analysed at each grouping seed: a record per seed and the published labels."""
    base = settings or GroupingSettings()
    records, labels = [], []
    for seed in seeds:
        start = time.process_time()
        found = analyze(matrix, AnalysisSettings(bridging=False,
                                                 grouping=base.with_(random_state=seed)),
                        random_state=0).clustering
        cpu = time.process_time() - start
        st = found.stability
        records.append({
            "room": name, "seed": seed, "k": int(found.k),
            "clear": None if st is None else st.clear_groups,
            "runs": [] if st is None else [int(k) for k in st.restarts],
            "steps": [] if st is None else [f"{x.k_before}->{x.k_after}:{x.kind}"
                                            for x in st.steps],
            "cpu_s": cpu,
        })
        labels.append(found.labels)
    return records, labels


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="grouping seeds 0..N-1")
    parser.add_argument("--jsonl", type=Path, default=None,
                        help="write one line per room and seed here")
    parser.add_argument("--rooms", default="",
                        help="comma-separated parts of room names to keep (default: every room)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a GroupingSettings field other than the default, e.g. "
                        "split_null_max=2560 (repeatable)")
    args = parser.parse_args(argv)
    parts = [part for part in args.rooms.split(",") if part]
    settings = grouping_settings(args.set)
    rows = []
    out = args.jsonl.open("w") if args.jsonl is not None else None
    try:
        for name, matrix in rooms():
            if not chosen(name, parts):
                continue
            records, labels = analyse_room(name, matrix, range(args.seeds), settings)
            if out is not None:
                out.writelines(json.dumps(r) + "\n" for r in records)
                out.flush()
            rows.append(room_row(name, records, labels))
            print(" | ".join(rows[-1]), flush=True)
    finally:
        if out is not None:
            out.close()
    print(markdown_table(HEADERS, rows))


if __name__ == "__main__":
    main()

"""Issue 15 in small rooms (20-99 participants): camps must keep their k, continua be "no clear
groups" (session 15, g15s).

Camps (planted k): each camp has an agree / disagree side per statement (two camps: opposite on
every statement; three: random sides, every pair differing on at least a third of the
statements), a share of the votes flipped. Continua (planted 1): logistic on 1 or 2 axes
(positions N(0, I), loadings N(0, 3^2), intercepts N(0, 1), as the continua of
:mod:`benchmarks.independent_groups`), or a Guttman scale on 1 axis (positions uniform,
thresholds evenly spaced between the 5% and 95% quantiles, sides at random, a share flipped).
Each vote kept with the cell's density (each participant keeps at least 3); no passes.

Run ``python -m benchmarks.small_rooms [--seeds 0-9] [--sizes 20,30,50,80] [--cells a,b]
[--trait-min N] [--json F]``; ``--table F [F ...]`` prints the right-k counts of earlier JSON
files side by side (rooms in all of them). Default engine settings, bridging off, analysis
seed 0; ``--trait-min`` sets ``GroupingSettings.trait_min_participants``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score

from meedenken.engine import AnalysisSettings, analyze
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.settings import GroupingSettings

#: (name, family, k (camps) or axes, share flipped, statements, density, camp shares)
Cell = tuple[str, str, int, float, int, float, tuple[float, ...]]
CAMPS: list[Cell] = [
    ("C2 0% S5", "camps", 2, 0.0, 5, 1.0, (0.5, 0.5)),
    ("C2 5% S10", "camps", 2, 0.05, 10, 1.0, (0.5, 0.5)),
    ("C2 15% S20 d45", "camps", 2, 0.15, 20, 0.45, (0.5, 0.5)),
    ("C2 60/40 10% S30 d30", "camps", 2, 0.10, 30, 0.30, (0.6, 0.4)),
    ("C3 0% S10", "camps", 3, 0.0, 10, 1.0, (1 / 3, 1 / 3, 1 / 3)),
    ("C3 10% S20 d60", "camps", 3, 0.10, 20, 0.60, (1 / 3, 1 / 3, 1 / 3)),
    ("C3 15% S30 d45", "camps", 3, 0.15, 30, 0.45, (0.4, 0.35, 0.25)),
]
CONTINUA: list[Cell] = [
    ("L1 S20", "logistic", 1, 0.0, 20, 1.0, ()),
    ("L1 S30 d45", "logistic", 1, 0.0, 30, 0.45, ()),
    ("L2 S20", "logistic", 2, 0.0, 20, 1.0, ()),
    ("L2 S30 d45", "logistic", 2, 0.0, 30, 0.45, ()),
    ("G1 5% S20", "guttman", 1, 0.05, 20, 1.0, ()),
    ("G1 10% S30 d45", "guttman", 1, 0.10, 30, 0.45, ()),
    ("G1 15% S10", "guttman", 1, 0.15, 10, 1.0, ()),
]
CELLS = CAMPS + CONTINUA
SIZES = (20, 30, 50, 80)


def planted_k(cell: Cell) -> int:
    """The right answer: the number of camps, or 1 (no clear groups) for a continuum."""
    return cell[2] if cell[1] == "camps" else 1


def room(cell: Cell, n: int, seed: int) -> tuple[VoteMatrix, np.ndarray]:
    """One room of ``cell`` with ``n`` participants (deterministic in the seed): the votes and
    each participant's camp (0 for a continuum)."""
    name, family, k, flip, n_statements, density, shares = cell
    rng = np.random.default_rng([seed, n, sum(map(ord, name))])
    truth = np.zeros(n, dtype=int)
    if family == "camps":
        sizes = np.floor(np.asarray(shares) * n).astype(int)
        sizes[: n - sizes.sum()] += 1
        truth = np.repeat(np.arange(k), sizes)
        rng.shuffle(truth)
        while True:
            side = np.where(rng.random((k, n_statements)) < 0.5, 1, -1)
            if k == 2:
                side[1] = -side[0]
            apart = [(side[a] != side[b]).mean() for a in range(k) for b in range(a + 1, k)]
            if min(apart) >= 1 / 3:
                break
        votes = side[truth]
    elif family == "logistic":
        pos = rng.standard_normal((n, k))
        load = rng.normal(0.0, 3.0, (n_statements, k))
        intercept = rng.normal(0.0, 1.0, n_statements)
        p = 1.0 / (1.0 + np.exp(-(intercept[None, :] + pos @ load.T)))
        votes = np.where(rng.random((n, n_statements)) < p, 1, -1)
    else:  # guttman
        x = rng.uniform(-1.0, 1.0, n)
        lo, hi = np.quantile(x, [0.05, 0.95])
        threshold = lo + (hi - lo) * rng.permutation((np.arange(n_statements) + 0.5) / n_statements)
        sign = np.where(rng.random(n_statements) < 0.5, 1, -1)
        votes = np.where(sign[None, :] * (x[:, None] - threshold[None, :]) > 0, 1, -1)
    if flip > 0:
        votes = np.where(rng.random(votes.shape) < flip, -votes, votes)
    keep = rng.random(votes.shape) < density
    for i in range(n):
        if keep[i].sum() < 3:
            keep[i, rng.choice(n_statements, 3, replace=False)] = True
    rows, cols = np.nonzero(keep)
    matrix = VoteMatrix.from_records(rows.tolist(), cols.tolist(), votes[rows, cols].tolist(),
                                     participant_ids=range(n), statement_ids=range(n_statements))
    return matrix, truth


def run_room(cell: Cell, n: int, seed: int, settings: AnalysisSettings) -> dict[str, Any]:
    """Analyse one room; k published (1 where there are no clear groups), steps, seconds."""
    matrix, truth = room(cell, n, seed)
    start = time.perf_counter()
    r = analyze(matrix, settings, random_state=0)
    seconds = time.perf_counter() - start
    st = r.clustering.stability
    k = int(r.k) if (st.clear_groups if st is not None else r.k > 1) else 1
    steps = [(s.kind, None if s.z is None else round(float(s.z), 2))
             for s in (st.steps if st is not None else [])]
    inconv = r.in_conversation
    ari = (float(adjusted_rand_score(truth[inconv], r.clustering.labels[inconv]))
           if k > 1 and cell[1] == "camps" else None)
    return {"cell": cell[0], "n": n, "seed": seed, "k": k, "planted": planted_k(cell),
            "steps": steps, "ari": ari, "seconds": seconds}


def table(files: list[str]) -> None:
    """Right k per cell and size, one column entry per file (rooms in all files)."""
    runs = []
    for name in files:
        with open(name) as f:
            runs.append({(r["cell"], r["n"], r["seed"]): r for r in json.load(f)})
    common = set.intersection(*(set(r) for r in runs))
    print("| cell | " + " | ".join(f"n={n}" for n in SIZES) + " |")
    print("|---|" + "---|" * len(SIZES))
    for cell in CELLS:
        row = []
        for n in SIZES:
            keys = [key for key in common if key[0] == cell[0] and key[1] == n]
            right = [sum(run[key]["k"] == run[key]["planted"] for key in keys) for run in runs]
            row.append(" / ".join(map(str, right)) + f" of {len(keys)}" if keys else "-")
        print(f"| {cell[0]} | " + " | ".join(row) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="0-9", help="first-last")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--cells", default="", help="comma-separated cell names (default: all)")
    parser.add_argument("--trait-min", type=int, default=None,
                        help="GroupingSettings.trait_min_participants (default: the default)")
    parser.add_argument("--json", default=None, help="write the per-room figures here")
    parser.add_argument("--table", nargs="+", default=None, help="print earlier JSON files")
    args = parser.parse_args(argv)
    if args.table:
        table(args.table)
        return 0
    first, last = map(int, args.seeds.split("-"))
    sizes = [int(x) for x in args.sizes.split(",")]
    grouping = (GroupingSettings() if args.trait_min is None
                else GroupingSettings(trait_min_participants=args.trait_min))
    settings = AnalysisSettings(bridging=False, grouping=grouping)
    names = [x for x in args.cells.split(",") if x]
    out = []
    for cell in [c for c in CELLS if not names or c[0] in names]:
        for n in sizes:
            rooms = [run_room(cell, n, seed, settings) for seed in range(first, last + 1)]
            out += rooms
            ks = [r["k"] for r in rooms]
            right = sum(k == planted_k(cell) for k in ks)
            print(f"{cell[0]:22s} n={n:3d} right {right:2d}/{len(ks)} "
                  f"k:{dict(sorted(Counter(ks).items()))} "
                  f"s/room {np.mean([r['seconds'] for r in rooms]):.2f}", flush=True)
            if args.json:
                with open(args.json, "w") as f:
                    json.dump(out, f)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

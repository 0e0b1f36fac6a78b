"""Issue 15: could the skew of the first axis's scores screen a small minority? (session 17, g15v)

Measurement only: nothing here is read by the engine. A 10% minority on the first axis (planted
``G2 90/10`` rooms) gives no third axis above noise, so the third-axis screen
(:func:`engine.continuum.third_axis_ratio`) cannot see it (g15u). What it does give is a
lopsided first axis. This computes, per room, the skewness of the participants' scores on the
first three axes of the same votes that screen reads (agree +1 / disagree -1 on the active
statements, centred by statement and by participant twice, each row divided by the root of its
vote count; every participant in conversation, none sampled), and the same figure for those
votes shuffled among each statement's voters (the screen's null): mean and sd over
``--shuffles`` shuffles, so each skew is also read as a z against its own null.

Rooms: planted and continuous scenarios of :mod:`benchmarks.independent_groups`, the small-room
continua and camps of :mod:`benchmarks.small_rooms`, every shared Pol.is export (polis/ and
polis-math/, moderated-out statements left out) and, if present, the start-up room
(``/work/bench/export20k``, read only). No analysis is run (seconds per room, not minutes).

Run: ``python -m benchmarks.first_axis_skew [--seeds 10-19] [--shuffles 20] [--json OUT]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds
from scipy.stats import skew

from benchmarks.common import data_dir, markdown_table
from meedenken.engine.continuum import double_centred, shuffled_within_statements
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.participants import in_conversation

AXES = 3
#: Below this many cells (participants x statements) the SVD is dense.
DENSE_CELLS = 20_000
#: Scenarios of :mod:`benchmarks.independent_groups` read (planted minorities, other planted
#: rooms, every continuous family).
PLANTED = ("G2 90/10", "G2 90/10 moderate", "G3 60/30/10", "G4 40/30/20/10",
           "G4 40/30/20/10 d30", "G4 40/30/20/10 moderate", "G5 30/25/20/15/10",
           "G2 50/50", "G2 70/30 d30", "G6 25/20/17/15/13/10")
CONTINUA = ("G1 single", "cloud2d", "cloud3d", "cloud3d d30", "continuum1d", "normal1d",
            "guttman1d 5%", "guttman1d 2% d30", "guttman1d 10% d15",
            "guttman1d normal 5% d25", "guttman2d 5%", "guttman2d normal 10% d30")
START_UP = Path("/work/bench/export20k")


def prepared(matrix: VoteMatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """The screen's cells: (row, statement, sign of vote) of the voted cells of the participants
    in conversation on the active statements, with the number of rows and statements."""
    X = matrix.X.tocsr()
    n_s = X.shape[1]
    counts = np.diff(X.indptr)
    voted_cols = np.bincount(X.indices, minlength=n_s) > 0
    rows = np.flatnonzero(in_conversation(counts, int(voted_cols.sum())))
    active = np.asarray(matrix.active, dtype=bool) & voted_cols
    sub = X[rows]
    r = np.repeat(np.arange(len(rows)), np.diff(sub.indptr))
    c = sub.indices.astype(np.int64)
    v = sub.data.astype(np.float64)
    keep = active[c] & (v != 0)
    return r[keep], c[keep], np.sign(v[keep]), len(rows), n_s


def axis_skews(r: np.ndarray, c: np.ndarray, v: np.ndarray, n: int, n_s: int) -> np.ndarray:
    """|skew| of the participants' scores (U S) on the first ``AXES`` axes of the screen's
    double-centred, row-weighted votes."""
    per_row = np.maximum(np.bincount(r, minlength=n), 1)
    per_col = np.maximum(np.bincount(c, minlength=n_s), 1)
    x = double_centred(v, r, c, per_row, per_col)
    m = sp.csr_matrix((x / np.sqrt(per_row[r]), (r, c)), shape=(n, n_s))
    if n * n_s <= DENSE_CELLS:  # small rooms: ARPACK fails on a few statements
        u, s, _ = np.linalg.svd(m.toarray(), full_matrices=False)
        u, s = u[:, :AXES], s[:AXES]
    else:
        u, s, _ = svds(m, k=AXES, random_state=0)
    order = np.argsort(s)[::-1]
    scores = u[:, order] * s[order]
    return np.abs(np.nan_to_num(skew(scores, axis=0)))  # nan: an axis of one value


def room_skew(matrix: VoteMatrix, shuffles: int, seed: int = 0) -> dict[str, Any]:
    """Skew of axes 1-3, the shuffled null's mean and sd per axis, and z = (skew - mean) / sd."""
    r, c, v, n, n_s = prepared(matrix)
    real = axis_skews(r, c, v, n, n_s)
    rng = np.random.default_rng(seed)
    by_statement = np.argsort(c, kind="stable")
    nul = np.asarray([axis_skews(r, c, shuffled_within_statements(v, c, by_statement, rng), n,
                                 n_s) for _ in range(shuffles)])
    mean, sd = nul.mean(axis=0), nul.std(axis=0, ddof=1)
    return {"n": n, "statements": int(np.count_nonzero(np.bincount(c, minlength=n_s))),
            "skew": real.round(3).tolist(), "null_mean": mean.round(3).tolist(),
            "null_sd": sd.round(3).tolist(),
            "z": ((real - mean) / np.maximum(sd, 1e-9)).round(2).tolist()}


def rooms(seeds: range, small: bool) -> Iterator[tuple[str, str, str, VoteMatrix]]:
    """(kind, name, seed, votes) of every room read."""
    from benchmarks.independent_groups import SCENARIOS, planted_groups

    for name in PLANTED:
        for seed in seeds:
            yield "planted", name, str(seed), planted_groups(SCENARIOS[name], seed).matrix
    for name in CONTINUA:
        for seed in seeds:
            yield "continuum", name, str(seed), planted_groups(SCENARIOS[name], seed).matrix
    if small:
        from benchmarks.small_rooms import CELLS, SIZES, room

        for cell in CELLS:
            kind = "small camps" if cell[1] == "camps" else "small continuum"
            for size in SIZES:
                for seed in seeds:
                    yield kind, f"{cell[0]} n{size}", str(seed), room(cell, size, seed)[0]
    from meedenken.models.polis_api import read_conversation

    polis = data_dir()
    for folder in [*sorted(polis.iterdir()), *sorted((polis.parent / "polis-math").iterdir())]:
        if folder.is_dir():
            yield "export", folder.name, "-", read_conversation(folder).to_matrix(
                exclude_moderated=True)
    if START_UP.is_dir():
        yield "export", "start-up room (export20k)", "-", read_conversation(START_UP).to_matrix(
            exclude_moderated=True)


def _span(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}" if len(values) > 1 else f"{values[0]:.2f}"


def summary(records: list[dict[str, Any]]) -> str:
    """One row per scenario / export: ranges over seeds of axis-1 skew, its null and z, and the
    largest z of axes 1-3."""
    rows, seen = [], []
    for rec in records:
        if (rec["kind"], rec["name"]) not in seen:
            seen.append((rec["kind"], rec["name"]))
    for kind, name in seen:
        recs = [x for x in records if x["kind"] == kind and x["name"] == name]
        rows.append((kind, name, len(recs), _span([x["n"] for x in recs]),
                     _span([x["skew"][0] for x in recs]),
                     _span([x["null_mean"][0] for x in recs]),
                     _span([x["z"][0] for x in recs]),
                     _span([max(x["z"]) for x in recs])))
    return markdown_table(("kind", "room", "rooms", "n in conv.", "|skew| axis 1",
                           "null mean", "z axis 1", "max z axes 1-3"), rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="10-19", help="seed range a-b (inclusive)")
    parser.add_argument("--shuffles", type=int, default=20)
    parser.add_argument("--no-small", action="store_true", help="leave out the small rooms")
    parser.add_argument("--json", help="write every room's figures here")
    args = parser.parse_args(argv)
    lo, hi = (int(x) for x in args.seeds.split("-"))
    records = []
    for kind, name, seed, matrix in rooms(range(lo, hi + 1), not args.no_small):
        t0 = time.process_time()
        rec = {"kind": kind, "name": name, "seed": seed,
               **room_skew(matrix, args.shuffles), "cpu_s": 0.0}
        rec["cpu_s"] = round(time.process_time() - t0, 2)
        records.append(rec)
        print(json.dumps(rec), file=sys.stderr, flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(records, indent=1))
    print(summary(records))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time reading and writing Pol.is exports: the ten shared exports and a synthetic large one.

Run from the repository root: ``python -m benchmarks.polis_export_io [--votes N]``.
Prints a Markdown table (for benchmarks/RESULTS.md). Timings only, no assertions.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from meedenken.models.polis_export import Comment, PolisExport, read_export, write_export

_ROOT = Path(__file__).resolve().parents[1]
# ../shared/data/polis next to the main repository (worktrees sit one level deeper).
_CANDIDATES = (_ROOT.parent / "shared/data/polis", _ROOT.parent.parent / "shared/data/polis")
DATA = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0])


def _timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


def synthetic(n_votes: int, n_participants: int, n_comments: int, seed: int = 0) -> PolisExport:
    """Random vote events (10% re-votes) on ``n_comments`` comments, with timestamps."""
    rng = np.random.default_rng(seed)
    voters = rng.integers(0, n_participants, n_votes)
    comments = rng.integers(0, n_comments, n_votes)
    revotes = rng.random(n_votes) < 0.1
    comments[revotes] = comments[np.flatnonzero(revotes) - 1]  # same cell as the record before
    voters[revotes] = voters[np.flatnonzero(revotes) - 1]
    votes = rng.choice([-1, 0, 1], n_votes)
    times = np.sort(rng.uniform(1.6e9, 1.7e9, n_votes)).round(3)
    return PolisExport(
        voters,
        comments,
        votes,
        times,
        comments=tuple(Comment(c, f"Statement {c}") for c in range(n_comments)),
        summary={"topic": "synthetic"},
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--comments", type=int, default=500)
    args = parser.parse_args(argv)

    print("| export | vote events | read s | to_matrix s | write s | re-read s |")
    print("|---|---|---|---|---|---|")
    exports = {d.name: d for d in sorted(DATA.iterdir()) if d.is_dir()}
    with tempfile.TemporaryDirectory() as tmp:
        for name, folder in exports.items():
            export, read_s = _timed(read_export, folder)
            _, matrix_s = _timed(export.to_matrix)
            dest, write_s = _timed(write_export, export, Path(tmp) / name)
            _, reread_s = _timed(read_export, dest)
            print(
                f"| {name} | {export.n_records:,} | {read_s:.2f} | {matrix_s:.2f} | "
                f"{write_s:.2f} | {reread_s:.2f} |"
            )
        big = synthetic(args.votes, args.participants, args.comments)
        label = f"synthetic {args.participants:,} x {args.comments:,}"
        dest, write_s = _timed(write_export, big, Path(tmp) / "big")
        again, read_s = _timed(read_export, dest)
        _, matrix_s = _timed(again.to_matrix)
        (dest / "votes.csv").unlink()
        rebuilt, rebuild_s = _timed(read_export, dest)
        print(
            f"| {label} | {big.n_records:,} | {read_s:.2f} | {matrix_s:.2f} | {write_s:.2f} | "
            f"{rebuild_s:.2f} (from participants-votes.csv, {rebuilt.n_votes:,} votes) |"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak resident memory of the run: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()

"""Start-up and end to end: ``meedenken --help``, ``meedenken analyze --json`` against red-dwarf.

Measured in one run, each command in its own fresh process:

1. ``meedenken --help``: process wall time, median of ``--repeats`` runs. Target: < 0.5 s.
2. A 20,000-participant Pol.is export written to a temporary folder: the largest shared export
   (bowling-green, 2,031 x 896) resampled to 20,000 participants
   (:func:`benchmarks.synthetic_scale.resample`), written by ``models.polis_export.write_export``
   with timestamps and a share of re-votes (earlier votes on the same cell, which the latest vote
   replaces), so reading has ~2.2M vote events to reduce.
3. End to end on that export: ``meedenken analyze FOLDER --json`` (process start to exit, median
   of ``--repeats``) against a Python process that reads the same export with
   ``models.polis_export.read_export``, keeps each cell's latest vote and runs red-dwarf 0.4.0's
   ``run_pipeline`` with its defaults (k chosen by silhouette; rejected and meta comments zeroed,
   as ``analyze`` leaves them out). Target: ours >= 5x faster.
4. The analysis alone: ``analyze``'s ``seconds`` from its JSON, the matrix build plus the engine's
   steps from ``pca`` through ``priorities`` (what red-dwarf's pipeline computes; bridging and
   the diversity measures are extra work of ours, left out here but inside the end-to-end
   figure), against red-dwarf's ``run_pipeline`` seconds measured inside its process.
   Target: ours >= 10x faster.

Before measuring, the package's modules are compiled to bytecode (``compileall``), as installing
a wheel with pip does: with ``PYTHONDONTWRITEBYTECODE`` set (as in the development sandbox) an
editable install never writes its ``__pycache__``, and every process (ours and, for its export
reader, red-dwarf's) would compile some 40 modules afresh (about 0.05-0.09 s of CPU).

Run from the repository root: ``python -m benchmarks.startup [--participants N] [--repeats N]
[--export FOLDER]``. Prints Markdown for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["ANALYSIS_STEPS", "analysis_seconds", "main", "make_export", "reddwarf_child"]

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "american-assembly.bowling-green"
SEED = 0
#: Share of vote cells that get an earlier, different vote in votes.csv (a re-vote).
REVOTE_SHARE = 0.04
#: The engine's steps that red-dwarf's pipeline also computes (``result.timings`` keys).
ANALYSIS_STEPS = ("pca", "in_conv", "base_clusters", "groups", "repness", "consensus",
                  "priorities")
HELP_TARGET_S = 0.5
END_TO_END_TARGET = 5.0
ANALYSIS_TARGET = 10.0
TIMEOUT_S = 1800.0


def make_export(dest: Path, n_participants: int, seed: int = SEED) -> Path:
    """Write a Pol.is export of ``n_participants`` resampled from bowling-green to ``dest``."""
    import numpy as np

    from meedenken.models.polis_export import PolisExport, write_export

    from .common import load_export
    from .synthetic_scale import resample

    source = load_export(SOURCE)
    X = resample(source.to_matrix().X.tocsr(), n_participants, random_state=seed)
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    cols, votes = X.indices.astype(np.int64), X.data.astype(np.int8)
    # Whole milliseconds from 2020 on, in random order, so reading keeps them exactly.
    times = 1.6e9 + rng.permutation(len(rows)) * 1e-3
    again = rng.random(len(rows)) < REVOTE_SHARE
    earlier = ((votes[again] + 1 + rng.integers(1, 3, int(again.sum()))) % 3 - 1).astype(np.int8)
    statement_ids = np.asarray(source.statement_ids, dtype=np.int64)
    export = PolisExport(
        voter_ids=np.concatenate([rows, rows[again]]),
        comment_ids=statement_ids[np.concatenate([cols, cols[again]])],
        votes=np.concatenate([votes, earlier]),
        timestamps=np.concatenate([times, times[again] - 3600.0]),
        comments=source.export.comments,
        summary={"topic": f"bowling-green resampled to {n_participants:,} participants"},
    )
    return write_export(export, dest)


def analysis_seconds(seconds: dict[str, float]) -> float:
    """``analyze --json``'s analysis time comparable to red-dwarf's pipeline: the matrix build
    plus the steps in :data:`ANALYSIS_STEPS`."""
    return seconds["matrix"] + sum(seconds[step] for step in ANALYSIS_STEPS)


def reddwarf_child(folder: str) -> dict[str, Any]:
    """In the red-dwarf process: read the export, keep the latest votes, run the pipeline."""
    from reddwarf.implementations.polis import run_pipeline

    from meedenken.models.polis_export import read_export

    start = time.perf_counter()
    export = read_export(folder)
    voters, comments, votes = export.final_votes()
    vote_dicts = [
        {"participant_id": p, "statement_id": s, "vote": v}
        for p, s, v in zip(voters.tolist(), comments.tolist(), votes.tolist(), strict=True)
    ]
    read_seconds = time.perf_counter() - start
    meta = [c.comment_id for c in export.comments if c.is_meta]
    rejected = [c.comment_id for c in export.comments if c.moderated == -1]
    start = time.perf_counter()
    result = run_pipeline(
        votes=vote_dicts,
        mod_out_statement_ids=rejected + meta,
        meta_statement_ids=meta,
        random_state=SEED,
    )
    pipeline_seconds = time.perf_counter() - start
    groups = result.participants_df["cluster_id"].dropna()
    return {
        "read_seconds": read_seconds,
        "pipeline_seconds": pipeline_seconds,
        "k": int(groups.nunique()),
        "votes": len(vote_dicts),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: Sequence[str]) -> tuple[float, float, str]:
    """One process, start to exit: its wall seconds, its CPU seconds (user + system, all
    threads) and its stdout; raises if it fails. CPU seconds are what a busy shared machine
    stretches least."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, cwd=ROOT,
                          env=env, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        tail = " | ".join(proc.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"{' '.join(cmd)}: exit {proc.returncode}: {tail}")
    return wall, _children_cpu() - cpu, proc.stdout


def _meedenken() -> str:
    return str(Path(sys.executable).with_name("meedenken"))


def measure(folder: Path, repeats: int, reddwarf_repeats: int) -> dict[str, Any]:
    """All four figures; the commands alternate so a change in machine load hits both sides."""
    helps = [_run([_meedenken(), "--help"])[0] for _ in range(repeats)]
    ours_wall, ours_cpu, ours_seconds, theirs_wall, theirs_cpu, theirs = [], [], [], [], [], []
    for i in range(max(repeats, reddwarf_repeats)):
        if i < repeats:
            wall, cpu, out = _run([_meedenken(), "analyze", str(folder), "--json"])
            data = json.loads(out)
            ours_wall.append(wall)
            ours_cpu.append(cpu)
            ours_seconds.append(data["seconds"])
            k = data["k"]
        if i < reddwarf_repeats:
            wall, cpu, out = _run([sys.executable, "-m", "benchmarks.startup",
                                   "--reddwarf-child", str(folder)])
            theirs_wall.append(wall)
            theirs_cpu.append(cpu)
            theirs.append(json.loads(out.strip().splitlines()[-1]))
    median_seconds = {
        key: statistics.median(s[key] for s in ours_seconds) for key in ours_seconds[0]
    }
    return {
        "help": helps,
        "ours_wall": ours_wall,
        "ours_cpu": ours_cpu,
        "ours_seconds": median_seconds,
        "ours_analysis": statistics.median(analysis_seconds(s) for s in ours_seconds),
        "ours_k": k,
        "theirs_wall": theirs_wall,
        "theirs_cpu": theirs_cpu,
        "theirs_pipeline": statistics.median(t["pipeline_seconds"] for t in theirs),
        "theirs_read": statistics.median(t["read_seconds"] for t in theirs),
        "theirs_k": theirs[-1]["k"],
        "votes": theirs[-1]["votes"],
        "load": os.getloadavg(),
    }


def report(m: dict[str, Any], n_participants: int) -> str:
    """The figures as Markdown, each with its target and whether it is met."""
    med = statistics.median
    help_s = med(m["help"])
    wall_ratio = med(m["theirs_wall"]) / med(m["ours_wall"])
    cpu_ratio = med(m["theirs_cpu"]) / med(m["ours_cpu"])
    analysis_ratio = m["theirs_pipeline"] / m["ours_analysis"]
    s = m["ours_seconds"]

    def met(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    lines = [
        "| figure | ours | red-dwarf 0.4.0 | ratio | target |",
        "|---|---|---|---|---|",
        f"| `meedenken --help`, process wall s (median of {len(m['help'])}) | {help_s:.3f} | | | "
        f"< {HELP_TARGET_S} s: {met(help_s < HELP_TARGET_S)} |",
        f"| end to end, process wall s (median of {len(m['ours_wall'])} / "
        f"{len(m['theirs_wall'])}) | {med(m['ours_wall']):.2f} | {med(m['theirs_wall']):.2f} | "
        f"{wall_ratio:.1f}x | >= {END_TO_END_TARGET:.0f}x: "
        f"{met(wall_ratio >= END_TO_END_TARGET)} |",
        f"| end to end, process CPU s (user + system) | {med(m['ours_cpu']):.2f} | "
        f"{med(m['theirs_cpu']):.2f} | {cpu_ratio:.1f}x | (shown beside wall time) |",
        f"| analysis s: matrix build through priorities / `run_pipeline` | "
        f"{m['ours_analysis']:.3f} | {m['theirs_pipeline']:.2f} | {analysis_ratio:.1f}x | "
        f">= {ANALYSIS_TARGET:.0f}x: {met(analysis_ratio >= ANALYSIS_TARGET)} |",
        "",
        f"Export: {n_participants:,} participants, {m['votes']:,} final votes; k ours "
        f"{m['ours_k']} / red-dwarf {m['theirs_k']}. Process wall s, each run: help "
        + ", ".join(f"{x:.3f}" for x in m["help"])
        + "; analyze " + ", ".join(f"{x:.2f}" for x in m["ours_wall"])
        + "; red-dwarf " + ", ".join(f"{x:.2f}" for x in m["theirs_wall"]) + ".",
        "",
        "`analyze --json` `seconds` (median): "
        + ", ".join(f"{k} {v:.3f}" for k, v in s.items())
        + f". red-dwarf process: read and latest votes {m['theirs_read']:.2f} s, "
        f"`run_pipeline` {m['theirs_pipeline']:.2f} s.",
        "",
        "Load average at the end (1, 5, 15 min): "
        + ", ".join(f"{x:.1f}" for x in m["load"]) + ".",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5,
                        help="runs of --help and of analyze (median reported; default 5)")
    parser.add_argument("--reddwarf-repeats", type=int, default=1,
                        help="runs of the red-dwarf process (default 1: it takes ~20 s)")
    parser.add_argument("--export", type=Path, help="use this export folder instead of "
                                                    "generating one (kept)")
    parser.add_argument("--reddwarf-child", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reddwarf_child:
        print(json.dumps(reddwarf_child(args.reddwarf_child)))
        return
    for package in ("engine", "api", "models"):  # bytecode, as a pip install leaves it
        compileall.compile_dir(ROOT / package, quiet=2)
    with tempfile.TemporaryDirectory(prefix="meedenken-startup-") as tmp:
        folder = args.export or make_export(Path(tmp) / "export", args.participants)
        print(report(measure(folder, args.repeats, args.reddwarf_repeats), args.participants))


if __name__ == "__main__":
    main()

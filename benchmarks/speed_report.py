"""Markdown for the speed results and our section of ``benchmarks/RESULTS.md``."""

from __future__ import annotations

import statistics
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .common import machine_info, markdown_table

__all__ = ["END", "START", "engine_section", "speed_section"]

#: Targets of issue 2.
SPEEDUP_TARGET = 10.0
SPEEDUP_AT = "resampled 20,000"
BIG_SECONDS_TARGET = 60.0
BIG_MEMORY_TARGET_GB = 8.0
UPDATE_SECONDS_TARGET = 0.25

MIB, GB = 2**20, 10**9

START = "<!-- benchmarks.run_all:start -->"
END = "<!-- benchmarks.run_all:end -->"


def _fmt_s(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _steps(steps: dict[str, float]) -> str:
    return ", ".join(f"{k} {_fmt_s(v)}" for k, v in steps.items())


def _side_rows(rows: Sequence[dict[str, Any]]) -> tuple[str, float | None]:
    table, at_target = [], None
    for row in rows:
        rd, ours = row["reddwarf"], row["ours"]
        if "error" in rd or "error" in ours:
            table.append((row["scale"], "", "", rd.get("error", ""), ours.get("error", ""),
                          "", "", "", "", "", ""))
            continue
        total = ours["build_seconds"] + ours["seconds"]
        ratio = rd["seconds"] / ours["seconds"]
        if row["scale"] == SPEEDUP_AT:
            at_target = ratio
        table.append((
            row["scale"], f"{ours['n_participants']:,}", f"{ours['n_votes']:,}",
            f"{_fmt_s(rd['seconds'])} ({_fmt_s(rd['cpu_seconds'])})",
            f"{_fmt_s(ours['seconds'])} ({_fmt_s(ours['cpu_seconds'])})",
            _fmt_s(ours["build_seconds"]),
            f"{ratio:.1f}x", f"{rd['cpu_seconds'] / ours['cpu_seconds']:.1f}x",
            f"{rd['seconds'] / total:.1f}x", f"{rd['k']} / {ours['k']}",
            f"{rd['peak_rss_mb']:.0f} / {ours['peak_rss_mb']:.0f}",
        ))
    md = markdown_table(
        ["data", "participants", "votes", "red-dwarf s (CPU s)", "ours s (CPU s)",
         "ours build s", "speed-up", "speed-up CPU", "speed-up incl. build",
         "k red-dwarf / ours", "peak RSS MiB red-dwarf / ours"],
        table,
    )
    return md, at_target


def speed_section(side: Sequence[dict[str, Any]], big: dict[str, Any],
                  update: dict[str, Any]) -> str:
    """The speed results as markdown, each with its target and whether it is met."""
    side_md, ratio = _side_rows(side)
    lines = [side_md, ""]
    if ratio is None:
        lines.append(f"No figure at {SPEEDUP_AT} participants.")
    else:
        met = "**met**" if ratio >= SPEEDUP_TARGET else "**not met**"
        lines.append(f"At {SPEEDUP_AT} participants ours is {ratio:.1f}x faster than red-dwarf "
                     f"(target >= {SPEEDUP_TARGET:.0f}x: {met}).")
    lines.append("")
    if "error" in big:
        lines.append(f"Planted large matrix: **failed** ({big['error']}).")
    else:
        peak_gb = big["peak_rss_mb"] * MIB / GB
        ok = big["seconds"] < BIG_SECONDS_TARGET and peak_gb < BIG_MEMORY_TARGET_GB
        lines += [
            markdown_table(
                ["participants", "statements", "votes", "generate s", "analyze s (CPU s)",
                 "peak RSS GB (process)", "RSS before analyze GB", "k", "load"],
                [(f"{big['n_participants']:,}", f"{big['n_statements']:,}",
                  f"{big['n_votes']:,}", _fmt_s(big["generate_seconds"]) + (
                      " (cached)" if big["generate_seconds"] == 0 else ""),
                  f"{_fmt_s(big['seconds'])} ({_fmt_s(big['cpu_seconds'])})", f"{peak_gb:.2f}",
                  f"{big['rss_before_mb'] * MIB / GB:.2f}", big["k"], f"{big['load']:.1f}")],
            ),
            "",
            "Steps (s): " + _steps(big["steps"]),
            "",
            f"Target (< {BIG_SECONDS_TARGET:.0f} s, < {BIG_MEMORY_TARGET_GB:.0f} GB peak) at this "
            "size: " + ("**met**." if ok else "**not met**."),
        ]
    lines.append("")
    if "error" in update:
        lines.append(f"Incremental update: **failed** ({update['error']}).")
    else:
        ups = update["update_seconds"]
        median = statistics.median(ups)
        met = "**met**" if median < UPDATE_SECONDS_TARGET else "**not met**"
        lines += [
            markdown_table(
                ["participants", "votes", "full analyze s", "update rounds", "update median s",
                 "min s", "max s", "update median CPU s", "append median s", "load"],
                [(f"{update['n_participants']:,}", f"{update['n_votes']:,}",
                  _fmt_s(update["analyze_seconds"]), len(ups), f"{median:.3f}",
                  f"{min(ups):.3f}", f"{max(ups):.3f}",
                  f"{statistics.median(update['update_cpu_seconds']):.3f}",
                  f"{statistics.median(update['append_seconds']):.4f}",
                  f"{update['load']:.1f}")],
            ),
            "",
            f"Incremental update target (median < {UPDATE_SECONDS_TARGET} s): {met}.",
        ]
    return "\n".join(lines)


def _commit() -> str:
    """The checked-out commit (and whether the tree had changes), or "unknown"."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, check=True,
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "engine", "benchmarks"],
                               cwd=root, check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty.strip() else "")


def engine_section(command: str, body: str) -> str:
    """Our section of the results file (between :data:`START` and :data:`END`, written by
    :func:`benchmarks.common.write_section`): heading, command, machine and ``body``."""
    info = machine_info()
    return "\n".join([
        "## Engine benchmarks (issue 2): fidelity, quality, speed",
        "",
        f"Command: `{command}` at commit {_commit()}  ",
        f"Machine: {info['cores']} cores ({info['cpu']}), {info['memory']} memory, "
        f"{info['python']}; run {info['date']}. The machine may be shared: wall-clock figures "
        "come with CPU seconds (all threads) and the one-minute load average.",
        "",
        body.rstrip(),
    ])

"""Run one measurement in a fresh Python process, so its time and peak memory are its own.

:func:`run_isolated` starts ``python -m benchmarks.isolate module:function '{json kwargs}'``; the
child calls the function, adds its peak resident set size (``ru_maxrss``, the whole process:
interpreter, libraries, input data and the work) and prints one JSON line, which the parent reads.
A child that fails or runs out of time yields ``{"error": ...}``, which the reports show as such.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["Stopwatch", "load_average", "peak_rss_mb", "run_isolated"]

ROOT = Path(__file__).resolve().parents[1]
#: Lines of a failing child's stderr kept in the error message.
STDERR_TAIL = 5


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Stopwatch:
    """Wall-clock and process CPU seconds (all threads) of a ``with`` block.

    CPU time is shown beside wall time because the benchmark machine may be shared: other
    processes stretch wall time, not CPU time.
    """

    wall: float = 0.0
    cpu: float = 0.0

    def __enter__(self) -> Stopwatch:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def load_average() -> float:
    """One-minute load average (runnable processes), to judge how busy the machine was."""
    return os.getloadavg()[0]


def run_isolated(target: str, *, timeout: float, **kwargs: Any) -> dict[str, Any]:
    """Call ``target`` ("package.module:function") with ``kwargs`` in a child process.

    Returns the function's dict plus ``peak_rss_mb``, or ``{"error": message}``.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "benchmarks.isolate", target, json.dumps(kwargs)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                              env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        tail = " | ".join(proc.stderr.strip().splitlines()[-STDERR_TAIL:])
        return {"error": f"exit {proc.returncode}: {tail}"}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _child(target: str, kwargs_json: str) -> None:
    module_name, function_name = target.split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    result = dict(function(**json.loads(kwargs_json)))
    result["peak_rss_mb"] = peak_rss_mb()
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])

"""Run every engine benchmark of issue 2 and write the results into ``benchmarks/RESULTS.md``.

``python -m benchmarks.run_all`` (also ``make bench``) runs fidelity, quality (five hiding seeds)
and speed at the issue's sizes (1M participants x 2,000 statements x 50M votes); it needs about
15 minutes and a few GB of memory on a 2-core machine. ``--quick`` uses a 10x smaller planted
matrix and one hiding seed. ``--only`` picks parts; ``--no-write`` only prints.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from . import fidelity, fidelity_diagnostics, quality, speed
from .common import write_section
from .speed_report import END, START, engine_section, speed_section

__all__ = ["main"]

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
PARTS = ("fidelity", "quality", "speed")
log = logging.getLogger("benchmarks")

ATTRIBUTION = (
    "Data: ten Pol.is exports from the Pol.is open-data collection, gathered using the Polis "
    "software (compdemocracy.org/polis), sub-licensed under CC BY 4.0 with attribution to The "
    "Computational Democracy Project (see ../shared/data/polis/README.md)."
)


def _speed(plan: speed.Plan) -> str:
    with tempfile.TemporaryDirectory(prefix="meedenken-bench-") as cache:
        log.info("speed: side by side at %s", plan.scales)
        side = speed.side_by_side(plan.scales)
        log.info("speed: planted %s", plan.planted)
        big = speed.planted_analysis(*plan.planted, cache_dir=cache)
        log.info("speed: incremental update %s", plan.update)
        update = speed.update_latency(*plan.update, cache_dir=cache)
    return speed_section(side, big, update)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true",
                      help="10x smaller planted matrix, one hiding seed")
    size.add_argument("--full", action="store_true", help="the issue's sizes (default)")
    parser.add_argument("--only", default=",".join(PARTS),
                        help=f"comma-separated subset of {', '.join(PARTS)}")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file to update")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)

    plan = speed.PLAN_QUICK if args.quick else speed.PLAN_FULL
    sections = [ATTRIBUTION]
    start = time.perf_counter()
    if "fidelity" in parts:
        log.info("fidelity")
        sections += ["### Fidelity (`--polis-compatible`, Pol.is's k forced)",
                     fidelity.__doc__.split("\n\n")[1], fidelity.full_report(),
                     "#### Where the fidelity gap comes from",
                     fidelity_diagnostics.__doc__.split("\n\n", 1)[1].rsplit("\n\nRun:", 1)[0],
                     fidelity_diagnostics.report()]
    if "quality" in parts:
        log.info("quality")
        sections += ["### Quality of the default setting (10% of votes held out)",
                     quality.report(quality.run(seeds=range(1 if args.quick else quality.SEEDS)))]
    if "speed" in parts:
        sections += ["### Speed (default settings)", speed.__doc__.split("\n\n")[1], _speed(plan)]
    sections.append(f"Whole run: {time.perf_counter() - start:.0f} s.")
    body = "\n\n".join(sections)
    print(body)
    if not args.no_write:
        command = "python -m benchmarks.run_all" + (" " + shlex.join(list(argv or sys.argv[1:]))
                                                    if (argv or sys.argv[1:]) else "")
        write_section(START, END, engine_section(command, body), path=args.output)
        log.info("wrote %s", args.output)


if __name__ == "__main__":
    main()

"""Time ``meedenken report`` steps on shared Pol.is exports: analysis, tidy tables, figures, page.

Run from the repository root: ``python -m benchmarks.report [--topics] [NAME ...]``.
Prints a Markdown table (for benchmarks/RESULTS.md). Timings only, no assertions.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from meedenken.api.present.tidy import write_tables
from meedenken.api.report import build_report, from_polis_export, write_report

_ROOT = Path(__file__).resolve().parents[1]
# ../shared/data/polis next to the main repository (worktrees sit one level deeper).
_CANDIDATES = (_ROOT.parent / "shared/data/polis", _ROOT.parent.parent / "shared/data/polis")
DATA = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0])
DEFAULT = ("brexit-consensus", "canadian-electoral-reform", "vtaiwan.uberx",
           "american-assembly.bowling-green")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", default=DEFAULT)
    parser.add_argument("--topics", action="store_true", help="include the topics section")
    args = parser.parse_args()
    print("| export | participants x statements | votes | read s | build s | of which "
          "analysis s | write html+figures s | html KiB | tables s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in args.names:
        start = time.perf_counter()
        source = from_polis_export(DATA / name)
        read = time.perf_counter() - start
        start = time.perf_counter()
        report = build_report(source, lang="en", topics=args.topics)
        build = time.perf_counter() - start
        analysis = sum(v for k, v in (report.result.timings if report.result else {}).items()
                       if k != "total")
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            write_report(report, Path(folder) / "report.html")
            written = time.perf_counter() - start
            size = (Path(folder) / "report.html").stat().st_size / 1024
            start = time.perf_counter()
            write_tables(report.tables, Path(folder) / "tables")
            tables = time.perf_counter() - start
        m = source.matrix
        print(f"| {name} | {m.n_participants:,} x {m.n_statements:,} | {m.n_votes:,} | "
              f"{read:.2f} | {build:.2f} | {analysis:.2f} | {written:.3f} | {size:,.0f} | "
              f"{tables:.2f} |")


if __name__ == "__main__":
    main()

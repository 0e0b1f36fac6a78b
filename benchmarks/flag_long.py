"""The exception to the Dutch length limit of the duplicate flag (issue 17, session 15, flag17o):
the four targets per held-out set without and with it, and its cost per long candidate.

Each statement of the 25 Dutch held-out sets is submitted alone against its seeds (the protocol
of :func:`benchmarks.duplicates.heldout_targets`, the shipped model and settings), once with the
exception off (``long_max_frame=None``: the engine before flag17o) and once as shipped. The cost
is the time of :func:`engine.duplicates.clause_pairs`, the exception's only encoder work, per
long candidate that reaches it: the first of a set embeds the seeds' clauses (cold), the others
find them in the embedder's text cache (warm; only the new statement's clauses are encoded).

    PYTHONPATH=. .venv/bin/python -m benchmarks.flag_long
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.duplicates import BLIND_FILES, HELDOUT_FILES, heldout_targets, targets_met
from meedenken.engine import duplicates
from meedenken.engine.duplicates import duplicate_settings
from meedenken.engine.encoders import MULTILINGUAL_E5
from meedenken.engine.semantics import StatementEmbedder

FILES = (*HELDOUT_FILES, *BLIND_FILES)


def main(out: Callable[[str], None] = print) -> None:
    embedder = StatementEmbedder(MULTILINGUAL_E5)
    shipped = duplicate_settings(MULTILINGUAL_E5)
    assert shipped is not None and shipped.flag is not None
    off = dataclasses.replace(shipped, flag=dataclasses.replace(shipped.flag,
                                                                long_max_frame=None))
    timings: list[tuple[bool, float]] = []
    real = duplicates.clause_pairs
    seen: set[tuple[str, ...]] = set()

    def timed(new_text: str, texts: Any, *args: Any, **kwargs: Any) -> Any:
        cold = tuple(texts) not in seen
        seen.add(tuple(texts))
        start = time.perf_counter()
        result = real(new_text, texts, *args, **kwargs)
        timings.append((cold, time.perf_counter() - start))
        return result

    duplicates.clause_pairs = timed  # type: ignore[assignment]
    try:
        out("| set | partner first | before: flagged, flags, opposites, all four | "
            "after: flagged, flags, opposites, all four |")
        out("|---|---|---|---|")
        totals = {"before": [0, 0, 0, 0], "after": [0, 0, 0, 0]}
        for number, name in enumerate(FILES, 1):
            cells = []
            for label, settings in (("before", off), ("after", shipped)):
                c = heldout_targets(embedder, settings, name)  # the embedder caches the texts
                t = totals[label]
                t[0] += int(targets_met(c))
                t[1] += int(c["flags"])
                t[2] += int(c["partner_flagged"])
                t[3] += int(c["opposites_flagged"])
                cells.append(f"{c['partner_flagged']}/{c['P']}, {c['flags']}, "
                             f"{c['opposites_flagged']}, {'met' if targets_met(c) else 'not'}")
            out(f"| {number} | {c['first']}/{c['P']} | {cells[0]} | {cells[1]} |")
    finally:
        duplicates.clause_pairs = real  # type: ignore[assignment]
    for label, (sets, flags, right, opposites) in totals.items():
        out(f"{label}: all four met on {sets} of {len(FILES)} sets, {flags} flags, {right} "
            f"right, {opposites} opposites flagged")
    for label, cold in (("cold (first long candidate of a set)", True), ("warm", False)):
        ms = [1000 * s for c, s in timings if c == cold]
        if ms:
            out(f"clause_pairs, {label}: {len(ms)} calls, median {np.median(ms):.1f} ms, "
                f"90th percentile {np.percentile(ms, 90):.1f} ms, max {max(ms):.1f} ms")


if __name__ == "__main__":
    main()

"""The exception to the Dutch length limit of the duplicate flag (issue 17, session 15, flag17o):
the four targets per held-out set without and with it, and its cost per long candidate.

Each statement of the 25 Dutch held-out sets is submitted alone against its seeds (the protocol
of :func:`benchmarks.duplicates.heldout_targets`, the shipped model and settings), once with the
exception off (``long_max_frame=None``: the engine before flag17o) and once as shipped. The cost
is the time of :func:`engine.duplicates.clauses_nearest`, the exception's only encoder work, per
long candidate that reaches it: the first of a set embeds the seeds' clauses (cold), the others
find them in the seed-set cache (warm; the new statement's clauses are one encoder call).

    PYTHONPATH=. .venv/bin/python -m benchmarks.flag_long
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.duplicates import BLIND_FILES, HELDOUT_FILES, OPPOSITE_KINDS
from benchmarks.pairsets import DATA, heldout
from meedenken.engine import duplicates
from meedenken.engine.duplicates import _check, duplicate_settings
from meedenken.engine.encoders import MULTILINGUAL_E5
from meedenken.engine.semantics import StatementEmbedder

FILES = (*HELDOUT_FILES, *BLIND_FILES)


def _counts(seeds: list[str], subs: list[Any], vectors: np.ndarray, queries: np.ndarray,
            embedder: StatementEmbedder, settings: duplicates.DuplicateSettings
            ) -> dict[str, int]:
    out = {"P": 0, "first": 0, "right": 0, "flags": 0, "opposites": 0}
    for sub, q in zip(subs, queries, strict=True):
        cos = (vectors @ q).astype(np.float64)
        check = _check(sub.text, seeds, cos, 3, settings, embedder.model_name,
                       vectors=vectors, embed=embedder.embed)
        out["flags"] += len(check.flagged)
        if sub.kind == "P":
            out["P"] += 1
            out["first"] += int(check.candidates[0].index == sub.seed)
            out["right"] += int(sub.seed in check.flagged)
        elif sub.kind in OPPOSITE_KINDS:
            out["opposites"] += int(sub.seed in check.flagged)
    return out


def met(c: dict[str, int]) -> bool:
    return (c["first"] >= 0.7 * c["P"] and c["right"] >= 0.3 * c["P"] and c["flags"] > 0
            and c["right"] >= 0.8 * c["flags"] and c["opposites"] == 0)


def main(out: Callable[[str], None] = print) -> None:
    embedder = StatementEmbedder(MULTILINGUAL_E5)
    shipped = duplicate_settings(MULTILINGUAL_E5)
    assert shipped is not None and shipped.flag is not None
    off = dataclasses.replace(shipped, flag=dataclasses.replace(shipped.flag,
                                                                long_max_frame=None))
    timings: list[tuple[bool, float]] = []
    real = duplicates.clauses_nearest
    seen: set[tuple[str, ...]] = set()

    def timed(new_text: str, texts: Any, *args: Any, **kwargs: Any) -> bool:
        cold = tuple(texts) not in seen
        seen.add(tuple(texts))
        start = time.perf_counter()
        result = real(new_text, texts, *args, **kwargs)
        timings.append((cold, time.perf_counter() - start))
        return result

    duplicates.clauses_nearest = timed  # type: ignore[assignment]
    try:
        out("| set | partner first | before: flagged, flags, opposites, all four | "
            "after: flagged, flags, opposites, all four |")
        out("|---|---|---|---|")
        totals = {"before": [0, 0, 0, 0], "after": [0, 0, 0, 0]}
        for number, name in enumerate(FILES, 1):
            seeds, subs = heldout(DATA / name)
            vectors = embedder.embed(seeds)
            queries = embedder.embed([s.text for s in subs])
            cells = []
            for label, settings in (("before", off), ("after", shipped)):
                c = _counts(seeds, subs, vectors, queries, embedder, settings)
                t = totals[label]
                t[0] += int(met(c))
                t[1] += c["flags"]
                t[2] += c["right"]
                t[3] += c["opposites"]
                cells.append(f"{c['right']}/{c['P']}, {c['flags']}, {c['opposites']}, "
                             f"{'met' if met(c) else 'not'}")
            out(f"| {number} | {c['first']}/{c['P']} | {cells[0]} | {cells[1]} |")
    finally:
        duplicates.clauses_nearest = real  # type: ignore[assignment]
    for label, (sets, flags, right, opposites) in totals.items():
        out(f"{label}: all four met on {sets} of {len(FILES)} sets, {flags} flags, {right} "
            f"right, {opposites} opposites flagged")
    for label, cold in (("cold (first long candidate of a set)", True), ("warm", False)):
        ms = [1000 * s for c, s in timings if c == cold]
        if ms:
            out(f"clauses_nearest, {label}: {len(ms)} calls, median {np.median(ms):.1f} ms, "
                f"90th percentile {np.percentile(ms, 90):.1f} ms, max {max(ms):.1f} ms")


if __name__ == "__main__":
    main()

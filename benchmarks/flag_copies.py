"""A copy with one span changed and one opening continued in two ways, on the Dutch held-out sets
(issue 17, session 12, dup17k): :func:`engine.duplicates.changed_copy` per set before and after,
its constants chosen leave-one-set-out, and a length-limit exception tried for long statements.

Each held-out set's statements are submitted alone against its seeds (the protocol of
:func:`benchmarks.duplicates.heldout_targets`) with ``changed_copy`` and the length limit switched
off; every flag candidate the flag model flags is kept with its texts, so each rule below is
applied to the same candidates (a check only blocks the flag, it never moves the candidate).

1. Per set, before (shipped without ``changed_copy``) and after: flags, right flags, opposites
   flagged, whether all four targets are met.
2. Leave-one-set-out over ``COPY_FRAME`` (off, 0.6-0.9) x (``FRAME_SHARE``, ``FRAME_BLOCK``) (off,
   0.4-0.6 x 3-5): for each held-out set the pair with the most other sets meeting all targets,
   ties to fewer opposites, fewer wrong flags, more right flags, fewer checks on.
3. Long statements: the length limit lifted when both statements' content stems are covered by
   the other's (compound parts counting) at least C, the check above on.

    PYTHONPATH=. .venv/bin/python -m benchmarks.flag_copies
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from unittest import mock

import numpy as np

from benchmarks.duplicates import BLIND_FILES, HELDOUT_FILES, flag_model_accepts
from benchmarks.pairsets import DATA, heldout
from meedenken.engine import details, duplicates
from meedenken.engine.duplicates import (
    changed_copy,
    duplicate_settings,
    evidence,
    flag_candidate,
    score,
    too_long_to_flag,
)
from meedenken.engine.encoders import MULTILINGUAL_E5
from meedenken.engine.lexical import _matches, content_stems
from meedenken.engine.polarity import POLARITY_WORDS
from meedenken.engine.semantics import StatementEmbedder

FILES = (*HELDOUT_FILES, *BLIND_FILES)


@dataclasses.dataclass(frozen=True)
class Flag:
    set: int
    text: str
    seed: str
    right: bool
    opposite: bool
    long: bool


@dataclasses.dataclass(frozen=True)
class SetCounts:
    paraphrases: int
    first: int


def flags() -> tuple[list[Flag], dict[int, SetCounts]]:
    embedder = StatementEmbedder(MULTILINGUAL_E5)
    shipped = duplicate_settings(MULTILINGUAL_E5)
    assert shipped is not None and shipped.flag is not None
    settings = dataclasses.replace(shipped, flag=dataclasses.replace(shipped.flag, max_words=None))
    out: list[Flag] = []
    counts: dict[int, SetCounts] = {}
    with mock.patch.object(duplicates, "changed_copy", lambda a, b: False):
        for number, name in enumerate(FILES, 1):
            seeds, submissions = heldout(DATA / name)
            vectors = embedder.embed(seeds)
            first = 0
            for sub in submissions:
                cos = (vectors @ embedder.embed([sub.text])[0]).astype(np.float64)
                ev = evidence(sub.text, seeds, cos, settings.reference_cosine)
                scores, _ = score(ev, settings)
                first += sub.kind == "P" and int(np.argmax(scores)) == sub.seed
                j = flag_candidate(ev, scores, settings, sub.text, seeds)
                if j is None or not flag_model_accepts(sub.text, seeds, ev, j, vectors, embedder,
                                                       settings):
                    continue
                out.append(Flag(number, sub.text, seeds[j], sub.kind == "P" and j == sub.seed,
                                sub.kind in ("N", "O") and j == sub.seed,
                                too_long_to_flag(sub.text, seeds[j], shipped)))
            counts[number] = SetCounts(sum(s.kind == "P" for s in submissions), first)
    return out, counts


Figures = dict[int, tuple[int, int, int, bool]]


def figures(found: list[Flag], counts: dict[int, SetCounts], keep: Callable[[Flag], bool]
            ) -> Figures:
    """Per set: flags, right flags, opposites flagged, all four targets met."""
    out = {}
    for number, c in counts.items():
        mine = [f for f in found if f.set == number and keep(f)]
        right, opposite = sum(f.right for f in mine), sum(f.opposite for f in mine)
        met = (c.first >= 0.7 * c.paraphrases and right >= 0.3 * c.paraphrases
               and right >= 0.8 * max(len(mine), 1) and opposite == 0)
        out[number] = (len(mine), right, opposite, met)
    return out


def coverage(a: str, b: str) -> float:
    stems_a = content_stems(a, "nl", POLARITY_WORDS)
    stems_b = content_stems(b, "nl", POLARITY_WORDS)
    return min(sum(_matches(s, stems_b) for s in stems_a) / max(len(stems_a), 1),
               sum(_matches(s, stems_a) for s in stems_b) / max(len(stems_b), 1))


def row(name: str, table: Figures, counts: dict[int, SetCounts]) -> str:
    return f"| {name} | " + " | ".join(
        f"{right}/{counts[s].paraphrases}, {right}/{n}, {opp}{' *' if met else ''}"
        for s, (n, right, opp, met) in table.items()) + " |"


def main() -> None:
    found, counts = flags()
    sets = sorted(counts)
    print("| rule | " + " | ".join(f"set {s}" for s in sets) + " |\n|---|" + "---|" * len(sets))
    print(row("before (no changed_copy)", figures(found, counts, lambda f: not f.long), counts))
    print(row("after (changed_copy)", figures(
        found, counts, lambda f: not f.long and not changed_copy(f.text, f.seed)), counts))

    frames = [None, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9]
    openings = [None, *itertools.product((0.4, 0.5, 0.6), (3, 4, 5))]
    copies, complements = {}, {}
    for frame in frames[1:]:
        with mock.patch.object(details, "COPY_FRAME", frame):
            details.changed_in_copy.cache_clear()
            copies[frame] = {i for i, f in enumerate(found)
                             if details.changed_in_copy(f.text, f.seed) is not None}
    for opening in openings[1:]:
        assert opening is not None
        with (mock.patch.object(details, "FRAME_SHARE", opening[0]),
              mock.patch.object(details, "FRAME_BLOCK", opening[1])):
            details.new_complement.cache_clear()
            complements[opening] = {i for i, f in enumerate(found)
                                    if details.new_complement(f.text, f.seed) is not None}
    details.changed_in_copy.cache_clear()
    details.new_complement.cache_clear()
    tables = {}
    for frame, opening in itertools.product(frames, openings):
        blocked = copies.get(frame, set()) | complements.get(opening, set())
        keep = {i for i, f in enumerate(found) if not f.long and i not in blocked}
        tables[frame, opening] = figures(found, counts, lambda f, k=keep: found.index(f) in k)

    def rank(table: Figures, among: list[int], params: tuple) -> tuple:
        return (sum(table[s][3] for s in among), -sum(table[s][2] for s in among),
                -sum(table[s][0] - table[s][1] for s in among), sum(table[s][1] for s in among),
                -sum(p is not None for p in params))

    held: Figures = {}
    chosen = []
    for s in sets:
        others = [t for t in sets if t != s]
        best = max(tables, key=lambda p: rank(tables[p], others, p))
        chosen.append(best)
        held[s] = tables[best][s]
    print(row(f"leave-one-set-out (chosen: {sorted(set(chosen), key=str)})", held, counts))

    cover = {i: coverage(f.text, f.seed) for i, f in enumerate(found)}
    for c in (0.6, 0.7, 0.75, 0.8, 0.9, 1.0):
        print(row(f"after, and long pairs flagged at coverage >= {c}", figures(
            found, counts, lambda f, c=c: not changed_copy(f.text, f.seed) and (
                not f.long or cover[found.index(f)] >= c)), counts))


if __name__ == "__main__":
    main()

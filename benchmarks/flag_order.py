"""The session-14 checks of the Dutch duplicate flag on the 22 held-out sets (issue 17, flag17m):
order (:func:`engine.details.swapped_roles`, :func:`engine.details.reversed_comparison`), a
denied excess (:func:`engine.polarity.excess_denied`), compounds and labels in a copy
(:func:`engine.details._shared_classes`, :func:`engine.details._labels`), the session-14
antonyms (:data:`engine.antonyms._SPEC_SESSION_14`) and the runner-up gap
(:func:`engine.duplicates.close_runner_up`, ``DuplicateFlagModel.min_rank_gap``).

Each held-out set's statements are submitted alone against its seeds (the protocol of
:func:`benchmarks.duplicates.heldout_targets`, shipped model), once with every session-14 check
switched off (before: main's behaviour) and once with all on but the gap, whose ranking-score
lead is recorded so that any ``min_rank_gap`` can be applied to the same flags.

1. Per set, before and after: paraphrases flagged, flags, right flags, opposites flagged, the
   flag's two precision targets (>= 80% of flags right, no opposite) and all four targets.
2. Per check: the flags of "before" it removes (right, opposite, other) and on how many pairs it
   is true: every held-out submission against its own seed, by kind, and every labelled pair.
3. ``min_rank_gap`` from 0 to 2 and chosen leave-one-set-out (the value with the most other sets
   meeting all four targets, ties to fewer opposites, fewer wrong flags, more right flags, then
   the middle of the tied values).

    PYTHONPATH=. .venv/bin/python -m benchmarks.flag_order
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import Counter
from collections.abc import Callable, Iterator
from unittest import mock

import numpy as np

from benchmarks.duplicates import BLIND_FILES, HELDOUT_FILES, judged_submissions
from benchmarks.pairsets import labelled_pairs
from meedenken.engine import antonyms, details, duplicates
from meedenken.engine.duplicates import (
    changed_copy,
    duplicate_settings,
)
from meedenken.engine.encoders import MULTILINGUAL_E5
from meedenken.engine.semantics import StatementEmbedder

FILES = (*HELDOUT_FILES, *BLIND_FILES)
OPPOSITE_KINDS = ("N", "O")


def _clear_caches() -> None:
    for cached in (antonyms._stemmed, antonyms._sides, details.changed_in_copy,
                   details.new_complement, details.replaced_element):
        cached.cache_clear()


def _main_shared_classes(words_a: list[str], words_b: list[str]) -> frozenset[tuple[str, str]]:
    """Before session 14: any class both sides name, compound parts included."""
    return (frozenset().union(*map(details._word_classes, words_a))
            & frozenset().union(*map(details._word_classes, words_b)))


@contextlib.contextmanager
def session_14(on: bool) -> Iterator[None]:
    """Every session-14 check on (the gap aside, always off here) or all off (main)."""
    patches = [mock.patch.object(duplicates, "close_runner_up", lambda *args: False)]
    if not on:
        base = antonyms._SPEC
        patches += [
            mock.patch.object(duplicates, "swapped_roles", lambda a, b: None),
            mock.patch.object(duplicates, "reversed_comparison", lambda a, b: False),
            mock.patch.object(duplicates, "excess_denied", lambda a, b: False),
            mock.patch.object(details, "_shared_classes", _main_shared_classes),
            mock.patch.object(details, "_labels", lambda text: frozenset()),
            mock.patch.object(antonyms, "ANTONYMS", antonyms._pairs(base)),
            mock.patch.object(antonyms, "CONTRASTS", antonyms._contrasts(base)),
        ]
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        _clear_caches()
        try:
            yield
        finally:
            _clear_caches()


@dataclasses.dataclass(frozen=True)
class Row:
    """One submission: its set, kind, own seed's text, the flagged seed's text (or None) and the
    best-ranked seed's lead over the runner-up."""

    set: int
    kind: str
    text: str
    own: str | None
    first_is_own: bool
    flagged: str | None
    right: bool
    opposite: bool
    gap: float


def submissions(on: bool) -> list[Row]:
    embedder = StatementEmbedder(MULTILINGUAL_E5)
    settings = duplicate_settings(MULTILINGUAL_E5)
    assert settings is not None
    out = []
    with session_14(on):
        for judged in judged_submissions(FILES, embedder, settings):
            sub, seeds = judged.sub, judged.seeds
            top = np.sort(judged.scores)[::-1]
            j = judged.candidate if judged.accepted else None
            own = seeds[sub.seed] if sub.seed is not None else None
            out.append(Row(judged.number, sub.kind, sub.text, own,
                           sub.kind == "P" and int(np.argmax(judged.scores)) == sub.seed,
                           seeds[j] if j is not None else None,
                           j is not None and sub.kind == "P" and j == sub.seed,
                           j is not None and sub.kind in OPPOSITE_KINDS and j == sub.seed,
                           float(top[0] - top[1])))
    return out


#: Per set: paraphrases, partner first, paraphrases flagged (= right flags), flags, opposites
#: flagged.
Counts = dict[int, tuple[int, int, int, int, int]]


def per_set(rows: list[Row], keep: Callable[[Row], bool] = lambda r: True) -> Counts:
    out = {}
    for number in sorted({r.set for r in rows}):
        mine = [r for r in rows if r.set == number]
        flags = [r for r in mine if r.flagged is not None and keep(r)]
        out[number] = (sum(r.kind == "P" for r in mine), sum(r.first_is_own for r in mine),
                       sum(r.right for r in flags), len(flags), sum(r.opposite for r in flags))
    return out


def precise(c: tuple[int, int, int, int, int]) -> bool:
    """The flag's two precision targets: >= 80% of flags right (0 of 0 is not), no opposite."""
    _, _, right, flags, opposites = c
    return right >= 0.8 * max(flags, 1) and opposites == 0


def met(c: tuple[int, int, int, int, int]) -> bool:
    """All four targets of issue 17."""
    paraphrases, first, right, _, _ = c
    return first >= 0.7 * paraphrases and right >= 0.3 * paraphrases and precise(c)


def totals(counts: Counts) -> str:
    return (f"sets met {sum(map(met, counts.values()))}, precision targets met "
            f"{sum(map(precise, counts.values()))}; flags {sum(c[3] for c in counts.values())}, "
            f"right {sum(c[2] for c in counts.values())}, opposites "
            f"{sum(c[4] for c in counts.values())}")


def checks() -> dict[str, Callable[[str, str], bool]]:
    """Each session-14 check as (new, seed) -> blocks, switched on alone."""
    def antonyms_added(a: str, b: str) -> bool:
        with session_14(False):
            before = antonyms.antonym_conflict(a, b)
        return antonyms.antonym_conflict(a, b) and not before

    def copies(a: str, b: str) -> bool:
        with session_14(False):
            before = changed_copy(a, b) or details.replaced_element(a, b) is not None
        return (changed_copy(a, b) or details.replaced_element(a, b) is not None) and not before

    return {"swapped_roles": lambda a, b: details.swapped_roles(a, b) is not None,
            "reversed_comparison": details.reversed_comparison,
            "excess_denied": duplicates.excess_denied,
            "antonyms (session 14)": antonyms_added,
            "copy: compounds, labels": copies}


def reach(rows: list[Row], rule: Callable[[str, str], bool]) -> str:
    own, total = Counter(), Counter()
    for r in rows:
        if r.own is not None:
            total[r.kind] += 1
            own[r.kind] += rule(r.text, r.own)
    labelled, labelled_total = Counter(), Counter()
    for pairs in labelled_pairs().values():
        for p in pairs:
            kind = "paraphrase" if p.label else p.kind
            labelled_total[kind] += 1
            labelled[kind] += rule(p.text_a, p.text_b)
    return ("own seed: " + ", ".join(f"{k} {own[k]}/{total[k]}" for k in sorted(total))
            + "; labelled pairs: " + ", ".join(f"{k} {labelled[k]}/{labelled_total[k]}"
                                               for k in sorted(labelled_total)))


def main() -> None:
    settings = duplicate_settings(MULTILINGUAL_E5)
    assert settings is not None and settings.flag is not None
    shipped_gap = settings.flag.min_rank_gap or 0.0
    before_rows, after_rows = submissions(False), submissions(True)
    before = per_set(before_rows)
    after = per_set(after_rows, lambda r: r.gap >= shipped_gap)
    print("| set | partner first | before: flagged, flags, right, opposites | precision, all four "
          "| after | precision, all four |\n|---|---|---|---|---|---|")
    for number in before:
        b, a = before[number], after[number]
        print(f"| {number} | {a[1]}/{a[0]} | {b[2]}/{b[0]}, {b[3]}, {b[2]}, {b[4]} | "
              f"{'met' if precise(b) else 'not'}, {'met' if met(b) else 'not'} | "
              f"{a[2]}/{a[0]}, {a[3]}, {a[2]}, {a[4]} | "
              f"{'met' if precise(a) else 'not'}, {'met' if met(a) else 'not'} |")
    print(f"\nbefore: {totals(before)}\nafter: {totals(after)}")
    left = [r for r in after_rows if r.flagged is not None and r.gap >= shipped_gap
            and not r.right]
    for r in left:
        print(f"  wrong flag left, set {r.set} {r.kind}: {r.text} | {r.flagged}")

    print("\nPer check (session 14), on the flags before:")
    flagged_before = [r for r in before_rows if r.flagged is not None]
    for name, rule in {**checks(), "runner-up gap": None}.items():
        if rule is None:
            removed = Counter("right" if r.right else "opposite" if r.opposite else "other"
                              for r in flagged_before if r.gap < shipped_gap)
            print(f"- {name} (< {shipped_gap}): removes {dict(removed)}")
            continue
        flagged = [r for r in flagged_before if r.flagged is not None and rule(r.text, r.flagged)]
        removed = Counter("right" if r.right else "opposite" if r.opposite else "other"
                          for r in flagged)
        print(f"- {name}: removes {dict(removed)}; true for {reach(before_rows, rule)}")

    grid = [round(0.1 * i, 1) for i in range(21)]
    tables = {g: per_set(after_rows, lambda r, g=g: r.gap >= g) for g in grid}
    print("\n| min_rank_gap | sets met | flags | right | opposites |\n|---|---|---|---|---|")
    for g, table in tables.items():
        print(f"| {g} | {sum(map(met, table.values()))} | {sum(c[3] for c in table.values())} | "
              f"{sum(c[2] for c in table.values())} | {sum(c[4] for c in table.values())} |")

    def rank(table: Counts, among: list[int]) -> tuple[int, int, int, int]:
        return (sum(met(table[s]) for s in among), -sum(table[s][4] for s in among),
                -sum(table[s][3] - table[s][2] for s in among), sum(table[s][2] for s in among))

    held: Counts = {}
    chosen = []
    for number in tables[0.0]:
        others = [s for s in tables[0.0] if s != number]
        best = max(rank(t, others) for t in tables.values())
        tied = [g for g, t in tables.items() if rank(t, others) == best]
        pick = tied[len(tied) // 2]
        chosen.append(pick)
        held[number] = tables[pick][number]
    print(f"\nleave-one-set-out: chosen {dict(Counter(chosen))}; held out: {totals(held)}")


if __name__ == "__main__":
    main()

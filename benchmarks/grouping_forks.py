"""Issue 15: would pooling the runs' evidence where they part ways make groups seed-free? (g15z)

The default publishes groups where two thirds of up to nine runs of the grouping find them
(:func:`engine.grouping.consensus_k`): a count of verdicts, binomial around the two-thirds line
where single runs sit near the line of one of their Monte Carlo or held-out tests. The rule
measured here pools the runs' *evidence* instead: the runs make the same decisions in the same
order until their outcomes differ (a fork); there the mean of the statistic every run computed
for that decision is held against the decision's line, the runs on the other side are dropped,
and so on (:func:`pooled_k`). Its noise is a ninth of a run's variance at each fork, so it is
reproducible exactly where a room's mean statistic lies a few such standard errors from the line.

This records all nine runs at each grouping seed (no early stop; every run's steps and its
bootstrap Jaccards, which the steps record only where they fail), then prints per room the k at
each seed under the current rule (recomputed from the recorded runs: the seeds of the runs do
not depend on how many are made), under the pooled rule over all nine runs, and under the
current early stops (two first runs without groups; three first runs at one k) followed by the
pooled rule; and per decision the mean and spread of its statistic over all runs against its
line (``margin``: the distance in standard errors of a mean of nine runs).

Run: ``python -m benchmarks.grouping_forks --rooms ubi,canadian --seeds 24 --jsonl OUT``
(about 9 runs' CPU per room and seed), or ``--table-from OUT...`` to print the tables again.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, NamedTuple
from unittest import mock

import numpy as np
from scipy.special import ndtri

from benchmarks.common import markdown_table
from benchmarks.grouping_seeds import chosen
from benchmarks.seed_audit import rooms
from meedenken.engine import AnalysisSettings, VoteMatrix, analyze
from meedenken.engine import grouping as G
from meedenken.engine import variants as V
from meedenken.engine.settings import GroupingSettings

#: The line of each decision, its statistic oriented so that statistic >= line is the outcome
#: towards (more) groups: the map's split test (-probit p against split_alpha), the map's and
#: the classes' bootstrap (smallest mean Jaccard), the class-versus-continuum test (z; None,
#: the first simulated continuum already reached the votes' gain, counts as 0), another latent
#: class (held-out z), the classes against the trait (minus the best trait's z against minus
#: ``trait_test_z``, the default family of three models) and, where a third axis or a skewed
#: axis sent the classes on, the classes beating every trait (minus the best z against 3), as
#: on the map's path from ``trait_margin_k`` classes on (against ``trait_margin_z``). The
#: lines are the engine's default settings, read from them.
_DEFAULTS = GroupingSettings()
LINES = {"map_split": float(-ndtri(_DEFAULTS.split_alpha)), "map_jaccard": _DEFAULTS.min_jaccard,
         "class_test": _DEFAULTS.class_test_z, "class_add": _DEFAULTS.held_out_z,
         "class_jaccard": _DEFAULTS.min_jaccard, "trait": -_DEFAULTS.trait_test_z,
         "beat_trait": _DEFAULTS.classes_beat_trait_z,
         "trait_margin": _DEFAULTS.trait_margin_z}
MAP_KINDS = {"split", "continuum", "split_too_small"}


class Decision(NamedTuple):
    """One decision of a run: which (name and k), whether it went towards groups, and its
    statistic (None: decided without one, e.g. a class below the minimum size)."""

    key: tuple[str, int]
    towards_groups: bool
    stat: float | None


def decisions(run: dict[str, Any]) -> list[Decision]:
    """A recorded run's decisions in the order it made them.

    >>> run = {"steps": [["continuum", 1, 1, None, 0.08], ["classes", 1, 1, 3.4, None],
    ...                  ["class", 1, 2, 4.2, None], ["class_too_small", 2, 2, None, None],
    ...                  ["classes_not_trait", 2, 2, 1.1, None]],
    ...        "jac": [["class", 2, 0.9]]}
    >>> [(d.key, d.towards_groups) for d in decisions(run)]  # doctest: +NORMALIZE_WHITESPACE
    [(('map_split', 1), False), (('class_test', 1), True), (('class_add', 2), True),
     (('class_add', 3), False), (('class_jaccard', 2), True), (('trait', 2), True)]
    """
    out: list[Decision] = []
    map_jac = [(k, j) for kind, k, j in run["jac"] if kind == "map"]
    class_jac = [(k, j) for kind, k, j in run["jac"] if kind == "class"]
    in_map = True

    def jaccards(found: list[tuple[int, float]], name: str) -> None:
        out.extend(Decision((name, k), j >= LINES[name], j) for k, j in found)
        found.clear()

    screened = False
    for kind, k_before, k_after, z, p in run["steps"]:
        screened = screened or kind in ("third_axis", "skewed_axis")
        if in_map and kind not in MAP_KINDS | {"held_out", "unstable"}:
            jaccards(map_jac, "map_jaccard")
            in_map = False
        if kind in ("split", "continuum"):
            stat = float(-ndtri(min(max(p, 1e-12), 1 - 1e-12)))
            out.append(Decision(("map_split", k_before), kind == "split", stat))
        elif kind == "split_too_small":
            out.append(Decision(("map_split", k_before), False, None))
        elif kind in ("classes", "classes_continuum"):
            out.append(Decision(("class_test", 1), kind == "classes", 0.0 if z is None else z))
        elif kind == "class":
            out.append(Decision(("class_add", k_after), True, z))
        elif kind == "held_out" and not in_map:
            out.append(Decision(("class_add", k_before + 1), False, z))
        elif kind == "class_too_small":
            out.append(Decision(("class_add", k_before + 1), False, None))
        elif kind in ("trait", "classes_not_trait"):
            jaccards(class_jac, "class_jaccard")
            out.append(Decision(("trait", k_before), kind == "classes_not_trait", -z))
        elif kind in ("trait_not_beaten", "classes_beat_trait"):
            jaccards(class_jac, "class_jaccard")
            # On the map's path (no screen before it) the margin of trait_margin_k classes on.
            name = "beat_trait" if screened else "trait_margin"
            out.append(Decision((name, k_before), kind == "classes_beat_trait", -z))
    if in_map:
        jaccards(map_jac, "map_jaccard")
    return out


def _fork(at: list[Decision]) -> bool:
    """The pooled outcome of one decision made by several runs: the mean statistic against the
    line; where most runs decided it without a statistic, their majority (ties: no groups).

    >>> _fork([Decision(("map_split", 1), True, 2.0), Decision(("map_split", 1), False, 1.5),
    ...        Decision(("map_split", 1), False, 1.4)])  # mean 1.63 < 1.645
    False
    >>> _fork([Decision(("class_add", 3), False, None), Decision(("class_add", 3), True, 1.9)])
    False
    """
    stats = [d.stat for d in at if d.stat is not None]
    if 2 * len(stats) > len(at):
        return float(np.mean(stats)) >= LINES[at[0].key[0]]
    return 2 * sum(d.towards_groups for d in at) > len(at)


def pooled_k(runs: Sequence[dict[str, Any]]) -> tuple[int, list[tuple[str, float | None, int]]]:
    """The k of the runs' evidence pooled at each fork (module docstring), and the forks
    (decision, mean statistic, runs that made it). The survivors' k (ties: the smaller).

    >>> def run(k, split_z, class_z):
    ...     return {"k": k, "jac": [], "steps": [
    ...         ["continuum", 1, 1, None, 0.2],
    ...         ["classes" if class_z >= 3 else "classes_continuum", 1, 1, class_z, None]]}
    >>> pooled_k([run(2, 0, 3.5), run(1, 0, 2.0), run(1, 0, 2.9)])  # mean z 2.8 < 3: none
    (1, [('class_test 1', 2.8, 3)])
    >>> pooled_k([run(2, 0, 4.5), run(1, 0, 2.0), run(1, 0, 2.9)])[0]  # mean z 3.13
    2
    """
    paths = [decisions(r) for r in runs]
    alive = list(range(len(runs)))
    forks: list[tuple[str, float | None, int]] = []
    i = 0
    while True:
        here = [a for a in alive if len(paths[a]) > i]
        if not here:
            break
        key = Counter(paths[a][i].key for a in here).most_common(1)[0][0]
        at = [a for a in here if paths[a][i].key == key]
        if len(at) < len(alive) or len({paths[a][i].towards_groups for a in at}) > 1:
            made = [paths[a][i] for a in at]
            way = _fork(made)
            stats = [d.stat for d in made if d.stat is not None]
            forks.append((f"{key[0]} {key[1]}",
                          round(float(np.mean(stats)), 2) if stats else None, len(at)))
            alive = [a for a in at if paths[a][i].towards_groups == way] or at
        i += 1
    counts = Counter(runs[a]["k"] for a in alive)
    return min(counts, key=lambda k: (-counts[k], k)), forks


def current_k(ks: Sequence[int], total: int = 9) -> tuple[int, int]:
    """The default rule's k from the first recorded runs, and how many it made.

    >>> current_k([1, 1, 2, 2, 2, 2, 2, 2, 2]), current_k([2, 2, 2, 1, 1, 1, 1, 1, 1])
    ((1, 2), (2, 3))
    """
    for n in range(2, total + 1):
        if G.runs_settled(ks[:n], total):
            return G.consensus_k(ks[:n], total), n
    return G.consensus_k(ks, total), total


def _early_runs(ks: Sequence[int]) -> int:
    """Runs :func:`early_pooled_k` makes: 2 or 3 where the early stops apply, else 9."""
    if ks[0] < 2 and ks[1] < 2:
        return 2
    return 3 if len(set(ks[:3])) == 1 else len(ks)


def early_pooled_k(runs: Sequence[dict[str, Any]]) -> int:
    """The default rule's early stops (two first runs without groups: 1; three first runs at one
    k >= 2: that k), otherwise :func:`pooled_k` of all nine.

    >>> r = [{"k": k, "jac": [], "steps": []} for k in (2, 2, 2, 1, 1, 1, 1, 1, 1)]
    >>> early_pooled_k(r), early_pooled_k(r[3:] + r[:3]), pooled_k(r)[0]
    (2, 1, 1)
    """
    ks = [r["k"] for r in runs]
    if ks[0] < 2 and ks[1] < 2:
        return 1
    if len(set(ks[:3])) == 1:
        return ks[0]
    return pooled_k(runs)[0]


class _Inline:
    """A stand-in for the thread pool of :meth:`DefaultSteps.publish`: the second run is made
    before the first, in this thread (the same two runs; their Jaccards are recorded in order)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __enter__(self) -> _Inline:
        return self

    def __exit__(self, *args: Any) -> None:
        return None

    def submit(self, fn: Any, *args: Any) -> Future:
        done: Future = Future()
        done.set_result(fn(*args))
        return done


def record_room(name: str, matrix: VoteMatrix, seeds: Iterable[int]) -> list[dict[str, Any]]:
    """All nine runs of the grouping at each grouping seed: every run's k, seed, steps
    (kind, k before, k after, z, p) and bootstrap Jaccards (which, k, smallest group mean)."""
    jac: dict[int, list[tuple[str, int, float]]] = {}
    made: list[Sequence[G.StableGrouping]] = []
    map_boot, class_boot = G._bootstrap_jaccard, G._class_bootstrap

    def map_jaccard(*args: Any) -> np.ndarray:
        j = map_boot(*args)
        jac.setdefault(args[-1].random_state, []).append(("map", int(args[4]), float(j.min())))
        return j

    def class_jaccard(v: Any, model: Any, labels: Any, s: GroupingSettings) -> np.ndarray:
        j = class_boot(v, model, labels, s)
        jac.setdefault(s.random_state, []).append(("class", int(model.k), float(j.min())))
        return j

    def every_run(runs: Sequence[G.StableGrouping], members: Any,
                  at_most: int | None = None) -> G.StableGrouping:
        made.append(runs)
        return G.consensus(runs, members, len(runs))

    records = []
    with mock.patch.object(V, "ThreadPoolExecutor", _Inline), \
            mock.patch.object(V, "runs_settled", lambda ks, runs: len(ks) >= runs), \
            mock.patch.object(V, "consensus", every_run), \
            mock.patch.object(G, "_bootstrap_jaccard", map_jaccard), \
            mock.patch.object(G, "_class_bootstrap", class_jaccard):
        for seed in seeds:
            jac.clear()
            start = time.process_time()
            settings = GroupingSettings(random_state=seed)
            analyze(matrix, AnalysisSettings(bridging=False, grouping=settings), random_state=0)
            cpu = time.process_time() - start
            runs = [{"k": int(g.k), "seed": s, "jac": jac.get(s, []),
                     "steps": [[x.kind, x.k_before, x.k_after, x.z, x.p_value]
                               for x in g.stability.steps]}
                    for s, g in zip(G.restart_seeds(settings), made[-1], strict=True)]
            records.append({"room": name, "seed": seed, "cpu_s": cpu, "runs": runs})
    return records


def rule_rows(records: Sequence[dict[str, Any]]) -> list[tuple[str, ...]]:
    """Per room and rule: the k at each grouping seed, how often the most frequent k, and the
    mean runs of the grouping the rule makes."""
    by_room: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_room.setdefault(r["room"], []).append(r)
    rows = []
    for room, recs in by_room.items():
        counted = [current_k([x["k"] for x in r["runs"]]) for r in recs]
        early = [_early_runs([x["k"] for x in r["runs"]]) for r in recs]
        rules = {
            "default (counts)": ([k for k, _ in counted], [n for _, n in counted]),
            "pooled, 9 runs": ([pooled_k(r["runs"])[0] for r in recs], [9] * len(recs)),
            "early stops, then pooled": ([early_pooled_k(r["runs"]) for r in recs], early),
        }
        for rule, (ks, made) in rules.items():
            top = Counter(ks).most_common(1)[0]
            rows.append((room, rule, " ".join(map(str, ks)), f"{top[1]} of {len(ks)} at {top[0]}",
                         f"{np.mean(made):.1f}"))
    return rows


def statistic_rows(records: Sequence[dict[str, Any]]) -> list[tuple[str, ...]]:
    """Per room and decision, over every recorded run that made it: runs, the share towards
    groups, the statistic's mean and spread, its line, and ``margin``: (mean - line) over the
    standard error of a mean of nine runs."""
    stats: dict[tuple[str, tuple[str, int]], list[Decision]] = {}
    for r in records:
        for run in r["runs"]:
            for d in decisions(run):
                stats.setdefault((r["room"], d.key), []).append(d)
    rows = []
    for (room, key), made in sorted(stats.items()):
        values = np.array([d.stat for d in made if d.stat is not None])
        share = np.mean([d.towards_groups for d in made])
        if len(values) < 2:
            continue
        mean, sd, line = float(values.mean()), float(values.std(ddof=1)), LINES[key[0]]
        margin = (mean - line) / (sd / 3) if sd > 0 else float("inf")
        rows.append((room, f"{key[0]} {key[1]}", str(len(made)), f"{share:.2f}",
                     f"{mean:.2f} / {sd:.2f}", f"{line:.3g}", f"{margin:+.1f}"))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="grouping seeds 0..N-1")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--rooms", default="ubi,canadian",
                        help="comma-separated parts of room names (benchmarks.seed_audit.rooms)")
    parser.add_argument("--jsonl", type=Path, default=None, help="write one line per room and seed")
    parser.add_argument("--table-from", type=Path, nargs="+", default=None,
                        help="print the tables of earlier --jsonl files instead of running")
    args = parser.parse_args(argv)
    if args.table_from:
        records = [json.loads(line) for p in args.table_from for line in p.open()]
    else:
        records = []
        parts = [part for part in args.rooms.split(",") if part]
        out = args.jsonl.open("w") if args.jsonl is not None else None
        for name, matrix in rooms():
            if not chosen(name, parts):
                continue
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                records.extend(record_room(name, matrix, [seed]))
                print(name, seed, [x["k"] for x in records[-1]["runs"]], flush=True)
                if out is not None:
                    out.write(json.dumps(records[-1]) + "\n")
                    out.flush()
    print(markdown_table(("room", "rule", "k at grouping seeds", "most frequent k", "runs"),
                         rule_rows(records)))
    print()
    print(markdown_table(("room", "decision", "runs", "towards groups", "mean / sd", "line",
                          "margin (SE of 9 runs)"), statistic_rows(records)))


if __name__ == "__main__":
    main()

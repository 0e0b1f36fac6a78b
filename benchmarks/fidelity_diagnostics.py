"""Why an export's fidelity ARI falls short: is it the opinion map, or the k-means optimum?

For each export, on our ``polis_compatible`` map (k forced to Pol.is's), over the participants
both Pol.is and we grouped:

* **map ceiling** — ARI of assigning every participant to the nearest centroid of Pol.is's own
  groups on our map. This is what the best possible centroid clustering of our map could reach;
  a low value means Pol.is's groups are not separable on our map (the map, or who is clustered,
  differs), whatever the clustering does.
* **Pol.is is a fixed point** — ARI after k-means started at Pol.is's centroids; near the ceiling
  means Pol.is's partition is a k-means optimum on our map, so only our initialisation differs.
* **inertia** (within-group sum of squares on the map) of Pol.is's partition, ours, and the best
  of 50 k-means++ runs: Pol.is's result is a local optimum reached through its history of warm
  starts, not necessarily the lowest.
* **group-level starts** — ARI when the weighted k-means of our base-cluster centres starts from:
  the first k distinct centres (Pol.is's cold start, what the engine does), the lexicographically
  smallest centres (red-dwarf's ``np.unique`` start), maximin (farthest-point) centres, and the
  best of 20 k-means++ runs.

``--replay 30,100,300`` adds a history experiment (slow, not part of ``run_all``): the votes are
appended in time order in that many equal batches, each followed by a warm-started Pol.is-mode
``analyze`` (``previous=`` the last state, k forced), as Pol.is's ticks do; reported are the ARI
of the last tick, and of the last tick with the group centres dropped (a worker restart: Pol.is
does not persist them, so groups cold-start on the history's base clusters).

``--replay-seconds`` replays as Pol.is's ticks did (slower still): one tick per second that has
votes (Pol.is polls every second), each batch in Pol.is's poll order (comment, voter), every
candidate k fitted each tick with Pol.is's membership warm starts, and, after every pause longer
than the 4-hour worker restart period, a reload that keeps base clusters, in-conv and the PCA
but drops the per-k group clusterings and the k smoother (``conv_man.clj``
``restructure-json-conv``); the last tick reads out Pol.is's k.

Run: ``python -m benchmarks.fidelity_diagnostics [--replay N,...] [--replay-seconds]
[EXPORT ...]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from collections.abc import Hashable, Sequence

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from meedenken import engine
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.settings import POLIS

from .common import adjusted_rand, export_names, load_export, markdown_table

__all__ = ["diagnose", "nearest_centroid", "report"]

SEED = 0
#: k-means++ restarts for the "best inertia" reference and the group-level start.
BEST_OF = 50
GROUP_BEST_OF = 20


def _inertia(X: np.ndarray, labels: np.ndarray) -> float:
    return float(sum(((X[labels == g] - X[labels == g].mean(axis=0)) ** 2).sum()
                     for g in np.unique(labels)))


def _maximin(C: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """Farthest-point start: the centre farthest from the weighted mean, then farthest from all."""
    chosen = [int(np.argmax(np.linalg.norm(C - np.average(C, axis=0, weights=w), axis=1)))]
    dist = np.linalg.norm(C - C[chosen[0]], axis=1)
    while len(chosen) < k:
        chosen.append(int(np.argmax(dist)))
        dist = np.minimum(dist, np.linalg.norm(C - C[chosen[-1]], axis=1))
    return C[chosen]


def nearest_centroid(X: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The map ceiling's partition: (centroids of the groups in ``ref`` on the map ``X``, each
    point's nearest centroid, as an index into ``np.unique(ref)``)."""
    centroids = np.array([X[ref == g].mean(axis=0) for g in np.unique(ref)])
    return centroids, np.argmin(((X[:, None, :] - centroids[None]) ** 2).sum(axis=2), axis=1)


def diagnose(name: str) -> tuple[object, ...]:
    """One table row for ``name``."""
    exp = load_export(name, restore_meta=True)
    k = exp.polis_k
    result = engine.analyze(exp.to_matrix(), POLIS.with_(force_k=k), random_state=SEED,
                            in_conversation=list(exp.polis_groups))
    index = {p: i for i, p in enumerate(result.participant_ids)}
    labels = result.clustering.labels
    common = [p for p in exp.polis_groups if p in index and labels[index[p]] >= 0]
    rows = np.array([index[p] for p in common])
    X = result.opinion_map.coordinates[rows, :2]
    ref = np.array([exp.polis_groups[p] for p in common])
    ours = labels[rows]

    centroids, nearest = nearest_centroid(X, ref)
    from_polis = KMeans(len(centroids), init=centroids, n_init=1).fit(X).labels_
    best = KMeans(k, n_init=BEST_OF, random_state=SEED).fit(X)

    C, w = result.clustering.base_centers, result.clustering.base_sizes
    base = result.clustering.base_labels
    starts: dict[str, np.ndarray | str] = {
        "first distinct": C[:k],
        "sorted": np.unique(C, axis=0)[:k],
        "maximin": _maximin(C, w, k),
        "k-means++ best": "k-means++",
    }
    by_start = []
    for init in starts.values():
        n_init = GROUP_BEST_OF if isinstance(init, str) else 1
        fit = KMeans(k, init=init, n_init=n_init, max_iter=POLIS.group_iterations,
                     random_state=SEED).fit(C, sample_weight=w)
        groups = {p: int(fit.labels_[b]) for p, b in zip(result.participant_ids, base,
                                                           strict=True) if b >= 0}
        by_start.append(adjusted_rand(exp.polis_groups, groups))
    return (
        name, adjusted_rand_score(ref, ours), adjusted_rand_score(ref, nearest),
        adjusted_rand_score(ref, from_polis),
        f"{_inertia(X, ref):.0f} / {_inertia(X, ours):.0f} / {best.inertia_:.0f}",
        " / ".join(f"{a:.2f}" for a in by_start),
    )


def replay(name: str, ticks: int) -> tuple[float, float]:
    """(ARI warm, ARI with cold-started groups) after replaying the votes in ``ticks`` batches."""
    exp = load_export(name, restore_meta=True)
    order = np.argsort(exp.times, kind="stable")
    parts, stmts, votes, times = (a[order] for a in (exp.participants, exp.statements,
                                                     exp.votes, exp.times))
    bounds = np.unique(np.linspace(0, len(parts), ticks + 1).astype(int))
    matrix = VoteMatrix.from_records([], [], [], [], statement_ids=exp.statement_ids,
                                     excluded=exp.excluded, meta=exp.meta)
    settings = POLIS.with_(force_k=exp.polis_k)
    state = None
    for a, b in itertools.pairwise(bounds):
        matrix.append(parts[a:b].tolist(), stmts[a:b].tolist(), votes[a:b], times[a:b])
        result = engine.analyze(matrix, settings, previous=state, random_state=SEED)
        state = result.state
    assert state is not None
    restarted = dataclasses.replace(state, group_centers_by_k={}, group_centers=np.zeros((0, 2)),
                                    group_ids=np.zeros(0, dtype=np.int64),
                                    group_members_by_k={})
    cold = engine.analyze(matrix, settings, previous=restarted, random_state=SEED)
    return (adjusted_rand(exp.polis_groups, _groups(result)),
            adjusted_rand(exp.polis_groups, _groups(cold)))


#: Pol.is's math worker is killed and restarted every 4 hours (``math/bin/run``: ``timeout -s
#: KILL 14400``); a conversation idle for longer is reloaded from its stored state.
RESTART_SECONDS = 4 * 3600.0


def replay_seconds(name: str) -> tuple[float, int, int]:
    """Replay the votes as Pol.is's ticks saw them: (ARI of the last tick, ticks, reloads).

    Pol.is polls new votes every second and recomputes the conversation on each batch; so one
    tick per distinct second of the vote timestamps, each batch appended in Pol.is's poll order
    (comment id, voter id), each tick warm-started from the last (``previous=``), k forced.
    After a pause longer than :data:`RESTART_SECONDS` the worker has restarted in between:
    Pol.is reloads base clusters, in-conv and the PCA from its database but not the per-k group
    clusterings or the k smoother (``restructure-json-conv``), so groups cold-start from the
    first k base clusters. Restarts inside busy periods cannot be placed and are not modelled.
    """
    exp = load_export(name, restore_meta=True)
    seconds = np.floor(exp.times)
    order = np.lexsort((exp.participants, exp.statements, seconds))
    parts, stmts, votes, times = (a[order] for a in (exp.participants, exp.statements,
                                                     exp.votes, exp.times))
    sec = seconds[order]
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(sec)) + 1, [len(sec)]])
    matrix = VoteMatrix.from_records([], [], [], [], statement_ids=exp.statement_ids,
                                     excluded=exp.excluded, meta=exp.meta)
    # Every tick fits each candidate k as Pol.is does (a k's clustering starts cold the first
    # time k is a candidate, i.e. with 12 (k - 2) base clusters); only the last tick reads out
    # Pol.is's k.
    settings = POLIS.with_(bridging=False)
    state = None
    reloads = 0
    result = None
    last = len(bounds) - 2
    for tick, (a, b) in enumerate(itertools.pairwise(bounds)):
        if state is not None and a > 0 and sec[a] - sec[a - 1] > RESTART_SECONDS:
            reloads += 1
            state = dataclasses.replace(
                state, group_centers_by_k={}, group_centers=np.zeros((0, 2)),
                group_ids=np.zeros(0, dtype=np.int64), group_members_by_k={}, smoothed_k=0,
                last_k=0, last_k_count=0)
        matrix.append(parts[a:b].tolist(), stmts[a:b].tolist(), votes[a:b], times[a:b])
        tick_settings = settings.with_(force_k=exp.polis_k) if tick == last else settings
        result = engine.analyze(matrix, tick_settings, previous=state, random_state=SEED)
        state = result.state
    assert result is not None
    return adjusted_rand(exp.polis_groups, _groups(result)), len(bounds) - 1, reloads


def replay_seconds_report(names: Sequence[str]) -> str:
    rows = []
    for name in names:
        ari, ticks, reloads = replay_seconds(name)
        rows.append((name, ticks, reloads, f"{ari:.3f}"))
        print(*rows[-1], file=sys.stderr, flush=True)  # progress: the replays are slow
    return markdown_table(["export", "ticks (seconds with votes)", "reloads (pauses > 4 h)",
                           "ARI of the last tick"], rows)


def _groups(result: engine.AnalysisResult) -> dict[Hashable, int]:
    return {p: int(g) for p, g in zip(result.participant_ids, result.clustering.labels,
                                      strict=True) if g >= 0}


def replay_report(names: Sequence[str], ticks: Sequence[int]) -> str:
    rows = []
    for name in names:
        cells = [replay(name, t) for t in ticks]
        rows.append((name, *(f"{w:.2f} / {c:.2f}" for w, c in cells)))
    return markdown_table(["export", *(f"{t} ticks: warm / restarted" for t in ticks)], rows)


def report(names: Sequence[str] | None = None) -> str:
    rows = [diagnose(n) for n in (names or export_names())]
    ceiling = sum(float(r[2]) >= 0.9 for r in rows)  # type: ignore[arg-type]
    return "\n".join([
        markdown_table(
            ["export", "ARI ours (common)", "map ceiling", "Pol.is is a fixed point",
             "inertia Pol.is / ours / best", "group starts: first / sorted / maximin / best"],
            rows,
        ),
        "",
        f"Map ceiling >= 0.9 on {ceiling} of {len(rows)} exports.",
    ])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exports", nargs="*", help="export folder names (default: all)")
    parser.add_argument("--replay", default="", help="comma-separated tick counts, e.g. 30,100")
    parser.add_argument("--replay-seconds", action="store_true",
                        help="only replay one tick per second of votes, with restarts (slow)")
    args = parser.parse_args(argv)
    if args.replay_seconds:
        print(replay_seconds_report(args.exports or export_names()))
        return
    print(report(args.exports or None))
    if args.replay:
        ticks = [int(t) for t in args.replay.split(",")]
        print()
        print(replay_report(args.exports or export_names(), ticks))


if __name__ == "__main__":
    main()

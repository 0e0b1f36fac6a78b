"""Opinion groups: Pol.is's two-level k-means (base clusters, then groups of base clusters).

Participants in conversation are first grouped into about 100 *base clusters* on the opinion
map; the groups are then found by weighted k-means on the base-cluster centres (weights = sizes),
so choosing k costs the same at a thousand or a million participants.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import pairwise_distances_argmin, silhouette_score

from .settings import POLIS_KMEANS_TOLERANCE

__all__ = [
    "assign_to_base",
    "base_clusters",
    "candidate_ks",
    "first_distinct",
    "group_clusters",
    "match_group_ids",
    "polis_base_clusters",
    "polis_clean_start",
    "polis_group_clusters",
    "polis_kmeans",
    "silhouette",
    "smooth_k",
]

#: Default mode: base k-means is fitted on at most this many participants, then all are assigned
#: (a sample this size pins 100 centres in 2-D to well within the map's noise).
BASE_FIT_SAMPLE = 50_000
#: Default mode: k-means++ restarts for the groups (100 points: restarts are free).
KMEANS_RESTARTS = 4
#: Default mode: scikit-learn's k-means stops when the centres move less than this (relative to
#: the data's variance; far below the map's noise, so runs are as good as converged).
KMEANS_TOLERANCE = 1e-6
#: Above this many points the number of distinct positions is not counted (assumed plenty).
DISTINCT_CHECK_MAX = 20_000
#: Pol.is mode: nearest-centre search forms the dense distance array up to this many entries.
DENSE_NEAREST_MAX = 2_000_000


def first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` distinct rows of ``points`` in row order (Pol.is's cold-start centres)."""
    if len(points) == 0:
        return points[:0]
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]]


def _kmeans(
    points: np.ndarray,
    init: np.ndarray | str,
    *,
    n_clusters: int,
    max_iter: int,
    weights: np.ndarray | None = None,
    random_state: int | None = None,
) -> KMeans:
    n_init = 1 if not isinstance(init, str) or weights is None else KMEANS_RESTARTS
    model = KMeans(
        n_clusters=n_clusters,
        init=init,
        n_init=n_init,
        max_iter=max_iter,
        tol=KMEANS_TOLERANCE,
        algorithm="lloyd",
        random_state=random_state,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(points, sample_weight=weights)
    return model


def _fill_by_splitting(points: np.ndarray, centers: np.ndarray, target: int) -> np.ndarray:
    """Pol.is warm start: until there are enough clusters, the farthest point starts one."""
    chosen = list(centers) if len(centers) else [points[0]]
    dist = np.full(len(points), np.inf)
    for c in chosen:  # one centre at a time: no (points x centres) array at a million points
        dist = np.minimum(dist, np.linalg.norm(points - c, axis=1))
    while len(chosen) < target:
        far = int(np.argmax(dist))
        if dist[far] <= 0:
            break
        chosen.append(points[far])
        dist = np.minimum(dist, np.linalg.norm(points - points[far], axis=1))
    return np.asarray(chosen)


def _nearest(points: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of and distance to the nearest centre, per point (first of equals on ties).

    Small problems take one dense (n x k) distance array; large ones go through scikit-learn's
    chunked search, so no (n x k) array is formed at a million points.
    """
    if len(points) * len(centers) <= DENSE_NEAREST_MAX:
        # |p|^2 + |c|^2 - 2 p.c (one matrix product), as Pol.is's vectorz computes distances.
        d2 = (centers**2).sum(axis=1)[None, :] - 2.0 * (points @ centers.T)
        labels = np.argmin(d2, axis=1)
        best = d2[np.arange(len(points)), labels] + (points**2).sum(axis=1)
        return labels, np.sqrt(np.maximum(best, 0.0))
    labels = pairwise_distances_argmin(points, centers)
    return labels, np.linalg.norm(points - centers[labels], axis=1)


def _weighted_means(
    points: np.ndarray, labels: np.ndarray, n: int, weights: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """(sizes, centres): member count and (weighted) mean of the points per label 0..n-1."""
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    sizes = np.bincount(labels, minlength=n)
    mass = np.bincount(labels, weights=w, minlength=n)
    sums = np.column_stack(
        [np.bincount(labels, weights=w * points[:, d], minlength=n) for d in range(points.shape[1])]
    )
    centers = np.divide(sums, mass[:, None], out=np.zeros_like(sums), where=mass[:, None] > 0)
    return sizes, centers


def _same_clustering(old: np.ndarray, new: np.ndarray, threshold: float) -> bool:
    """Pol.is ``same-clustering?``: the sorted centres pairwise closer than ``threshold``.

    Centres are sorted lexicographically and zipped, so a clustering that lost an empty cluster is
    compared on its first centres only (as in Pol.is).
    """
    a = old[np.lexsort(old.T[::-1])]
    b = new[np.lexsort(new.T[::-1])]
    m = min(len(a), len(b))
    return bool(np.all(np.linalg.norm(a[:m] - b[:m], axis=1) < threshold))


def polis_kmeans(
    points: np.ndarray,
    centers: np.ndarray,
    ids: np.ndarray,
    *,
    max_iter: int,
    weights: np.ndarray | None = None,
    tolerance: float = POLIS_KMEANS_TOLERANCE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pol.is's k-means loop (``clusters.clj`` ``kmeans`` / ``cluster-step``), step for step.

    Each step assigns every point to its nearest centre, drops clusters left empty (they are not
    relocated, unlike scikit-learn) and moves each centre to the (weighted) mean of its members.
    The loop stops after ``max_iter + 1`` steps, or as soon as every sorted centre moved less
    than ``tolerance`` (``same-clustering?``, Pol.is 0.01); the labels returned are those of
    the last step, i.e. made against the centres before its update, as Pol.is keeps them.

    Returns ``(labels, centers, ids)``: a row of ``centers`` per point, the surviving centres,
    and their ids (taken from ``ids``).
    """
    centers = np.asarray(centers, dtype=np.float64)
    ids = np.asarray(ids, dtype=np.int64)
    remaining = max_iter
    while True:
        labels, _ = _nearest(points, centers)
        sizes, means = _weighted_means(points, labels, len(centers), weights)
        keep = np.flatnonzero(sizes > 0)
        remap = np.full(len(centers), -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        new_centers, new_ids, labels = means[keep], ids[keep], remap[labels]
        if remaining == 0 or _same_clustering(centers, new_centers, tolerance):
            return labels, new_centers, new_ids
        centers, ids = new_centers, new_ids
        remaining -= 1


def polis_clean_start(
    points: np.ndarray,
    members: np.ndarray,
    k: int,
    *,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pol.is's warm start (``clean-start-clusters``) from the previous clustering's members.

    ``members``: per point, the id of the previous cluster it belonged to (-1: none, e.g. a
    participant new in conversation). Each previous cluster is recentred on its members' current
    positions (clusters without members are dropped; if none is left, everything becomes one
    cluster); clusters with identical centres are merged (the one with more members keeps its
    id; the centre is their mean weighted by member counts); then, while there are fewer
    clusters than ``min(k, distinct points)``, the point farthest from its nearest centre is
    split off into a new cluster with id max id + 1. New points join a cluster only in the
    k-means steps that follow. Returns ``(centers, ids)`` to start :func:`polis_kmeans` from.
    """
    members = np.asarray(members, dtype=np.int64).copy()
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    present = np.unique(members[members >= 0])
    if len(present) == 0:
        mean = np.average(points, axis=0, weights=w) if len(points) else np.zeros(points.shape[1])
        return mean[None, :], np.zeros(1, dtype=np.int64)

    def recenter(ids: list[int]) -> np.ndarray:
        order = np.argsort(ids)
        sorted_ids = np.asarray(ids, dtype=np.int64)[order]
        rows = np.flatnonzero(np.isin(members, sorted_ids))
        lab = order[np.searchsorted(sorted_ids, members[rows])]
        _, centers = _weighted_means(points[rows], lab, len(ids), w[rows])
        return centers

    ids = [int(c) for c in present]
    centers = recenter(ids)
    # uniqify-clusters: merge clusters whose centres are identical.
    merged: list[int] = []
    merged_centers: list[np.ndarray] = []
    sizes = np.unique(members[members >= 0], return_counts=True)[1].tolist()
    counts = dict(zip(ids, sizes, strict=True))
    position: dict[tuple[float, ...], int] = {}
    for c, center in zip(ids, centers, strict=True):
        key = tuple(center.tolist())
        twin = position.get(key)
        if twin is None:
            position[key] = len(merged)
            merged.append(c)
            merged_centers.append(center)
            continue
        other = merged[twin]
        keep_id = other if counts[other] > counts[c] else c
        members[members == (c if keep_id == other else other)] = keep_id
        merged_centers[twin] = (counts[other] * merged_centers[twin] + counts[c] * center) / (
            counts[other] + counts[c]
        )
        counts[keep_id] = counts[other] + counts[c]
        merged[twin] = keep_id
    ids = merged
    n_distinct = len(np.unique(points, axis=0)) if len(points) <= DISTINCT_CHECK_MAX else k
    possible = min(k, n_distinct)
    while True:
        centers = recenter(ids)
        if possible <= len(ids):
            break
        _, dist = _nearest(points, centers)
        # Pol.is max-key: the last of equally distant points.
        far = len(dist) - 1 - int(np.argmax(dist[::-1]))
        if dist[far] <= 0:
            break
        new_id = max(ids) + 1
        members[far] = new_id
        ids.append(new_id)
    return centers, np.asarray(ids, dtype=np.int64)


def _sorted_by_id(
    labels: np.ndarray, centers: np.ndarray, ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pol.is keeps clusterings sorted by cluster id (``sort-by :id``)."""
    order = np.argsort(ids, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[labels], centers[order], ids[order]


def polis_base_clusters(
    points: np.ndarray,
    *,
    k: int,
    max_iter: int,
    previous_members: np.ndarray | None = None,
    tolerance: float = POLIS_KMEANS_TOLERANCE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pol.is base clusters: ``(labels, centers, ids)``, sorted by id.

    Cold start (no previous clustering): the first ``k`` distinct points in row order, ids 0, 1,
    ... (``init-clusters``). Warm start: ``previous_members`` gives each point's previous base
    id (-1 if it had none) and :func:`polis_clean_start` rebuilds the clusters from their
    members. Then :func:`polis_kmeans` with ``max_iter`` (Pol.is ``base-iters`` 100).
    """
    if len(points) == 0:
        return np.zeros(0, np.int64), np.zeros((0, points.shape[1])), np.zeros(0, np.int64)
    if previous_members is not None and np.any(previous_members >= 0):
        centers, ids = polis_clean_start(points, previous_members, k)
    else:
        centers = first_distinct(points, k)
        ids = np.arange(len(centers), dtype=np.int64)
    return _sorted_by_id(
        *polis_kmeans(points, centers, ids, max_iter=max_iter, tolerance=tolerance)
    )


def polis_group_clusters(
    centers: np.ndarray,
    sizes: np.ndarray,
    k: int,
    *,
    max_iter: int,
    previous_members: np.ndarray | None = None,
    tolerance: float = POLIS_KMEANS_TOLERANCE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pol.is groups for one k: weighted k-means of the base centres (rows in base-id order).

    Returns ``(labels per base cluster, group centres, group ids)``, sorted by id. Cold start:
    the first ``k`` distinct base centres (the base clusters with the smallest ids). Warm start
    (Pol.is keeps each k's clustering of the previous tick, in memory only): each base
    cluster's previous group id in ``previous_members`` (-1: new base cluster), rebuilt by
    :func:`polis_clean_start` weighted by base-cluster size. ``max_iter``: Pol.is runs
    ``kmeans``'s default 20 (its ``:cluster-iters`` option is never read), i.e. 21 steps.
    Clusters left empty are dropped, so fewer than ``k`` groups can come back (as in Pol.is).
    """
    if previous_members is not None and np.any(previous_members >= 0):
        start, ids = polis_clean_start(centers, previous_members, k, weights=sizes)
    else:
        start = first_distinct(centers, k)
        ids = np.arange(len(start), dtype=np.int64)
    return _sorted_by_id(
        *polis_kmeans(centers, start, ids, max_iter=max_iter, weights=sizes, tolerance=tolerance)
    )


def base_clusters(
    points: np.ndarray,
    *,
    k: int,
    max_iter: int,
    previous_centers: np.ndarray | None = None,
    previous_ids: np.ndarray | None = None,
    random_state: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Default mode: base k-means of the in-conversation participants' positions.

    Returns ``(labels, centers, ids)``: a base-cluster row per point, the centres of non-empty
    clusters, and their stable ids (kept from ``previous_ids``; new clusters get max id + 1).

    Cold start: k-means++ (seeded) on at most :data:`BASE_FIT_SAMPLE` points. Warm start:
    previous centres, topped up by splitting off the most distant points, then Lloyd
    iterations. Pol.is mode uses :func:`polis_base_clusters`.
    """
    n = len(points)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, points.shape[1])), np.zeros(0, np.int64)
    n_distinct = len(np.unique(points, axis=0)) if n <= DISTINCT_CHECK_MAX else k
    target = max(1, min(k, n_distinct))
    fit_points = points
    if n > BASE_FIT_SAMPLE:
        rng = np.random.default_rng(random_state)
        fit_points = points[np.sort(rng.choice(n, BASE_FIT_SAMPLE, replace=False))]
    if previous_centers is not None and len(previous_centers):
        init = _fill_by_splitting(fit_points, previous_centers[:target], target)
        ids = (
            list(previous_ids[: len(previous_centers[:target])]) if previous_ids is not None else []
        )
        next_id = (
            int(max(previous_ids)) + 1 if previous_ids is not None and len(previous_ids) else 0
        )
        while len(ids) < len(init):
            ids.append(next_id)
            next_id += 1
        init_arg: np.ndarray | str = init
    else:
        init_arg = "k-means++"
        ids = list(range(target))
    n_clusters = len(init_arg) if not isinstance(init_arg, str) else target
    model = _kmeans(
        fit_points,
        init_arg,
        n_clusters=n_clusters,
        max_iter=max_iter,
        random_state=random_state,
    )
    labels = model.predict(points) if fit_points is not points else model.labels_
    # Drop clusters left empty (sklearn may keep a relocated empty centre).
    sizes = np.bincount(labels, minlength=n_clusters)
    keep = np.flatnonzero(sizes > 0)
    remap = np.full(n_clusters, -1)
    remap[keep] = np.arange(len(keep))
    sums = np.column_stack(
        [
            np.bincount(labels, weights=points[:, d], minlength=n_clusters)
            for d in range(points.shape[1])
        ]
    )
    centers = sums[keep] / sizes[keep, None]
    return remap[labels], centers, np.asarray(ids, dtype=np.int64)[keep]


def assign_to_base(
    points: np.ndarray, centers: np.ndarray, ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Live update: each point joins its nearest previous base centre; centres move to the mean.

    One Lloyd step from the previous solution, so an update costs one pass over the points.
    Clusters left empty are dropped, like Pol.is does.
    """
    labels = pairwise_distances_argmin(points, centers)
    sizes = np.bincount(labels, minlength=len(centers))
    keep = np.flatnonzero(sizes > 0)
    remap = np.full(len(centers), -1)
    remap[keep] = np.arange(len(keep))
    sums = np.column_stack(
        [
            np.bincount(labels, weights=points[:, d], minlength=len(centers))
            for d in range(points.shape[1])
        ]
    )
    return remap[labels], sums[keep] / sizes[keep, None], ids[keep]


def candidate_ks(n_base: int, max_groups: int, per_extra_k: int) -> list[int]:
    """Pol.is: k in 2..min(max_groups, 2 + n_base // 12); never more groups than base clusters."""
    top = min(max_groups, 2 + n_base // per_extra_k, n_base)
    return list(range(2, top + 1))


def group_clusters(
    centers: np.ndarray,
    sizes: np.ndarray,
    k: int,
    *,
    max_iter: int,
    init: np.ndarray | None = None,
    random_state: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Default mode: weighted k-means of base-cluster centres.

    Returns (labels per base cluster, group centres). Seeded k-means++ with restarts, or a warm
    start from the previous centres for this k. Pol.is mode uses :func:`polis_group_clusters`.
    """
    start: np.ndarray | str = init if init is not None and len(init) == k else "k-means++"
    model = _kmeans(
        centers,
        start,
        n_clusters=k,
        max_iter=max_iter,
        weights=sizes,
        random_state=random_state,
    )
    return model.labels_.astype(np.int64), model.cluster_centers_


def silhouette(centers: np.ndarray, labels: np.ndarray) -> float:
    """Pol.is's k score: mean silhouette on the (unweighted) base-cluster centres."""
    n_labels = len(np.unique(labels))
    if n_labels < 2 or n_labels >= len(centers):
        return -1.0
    return float(silhouette_score(centers, labels))


def smooth_k(
    this_k: int,
    last_k: int,
    last_count: int,
    smoothed: int,
    buffer: int,
    candidates: list[int],
    first: bool,
) -> tuple[int, int, int]:
    """Pol.is's k smoother: a new k is adopted only after winning ``buffer`` updates in a row.

    Returns (smoothed_k, last_k, last_count). The first update adopts its k at once; a smoothed
    k that is no longer a candidate falls back to this update's k (Pol.is fix #2536).
    """
    count = last_count + 1 if this_k == last_k else 1
    if first or count >= buffer or smoothed not in candidates:
        smoothed = this_k
    return smoothed, this_k, count


def match_group_ids(
    centers: np.ndarray,
    sizes: np.ndarray,
    previous_centers: np.ndarray | None,
    previous_ids: np.ndarray | None,
) -> np.ndarray:
    """Stable group ids: match new groups to the previous ones by centre distance (Hungarian).

    Unmatched groups get the smallest unused ids. Without a previous update, ids follow size
    (group 0 is the largest), so equal data give equal ids whatever the participant order.
    """
    k = len(centers)
    if previous_centers is None or previous_ids is None or len(previous_centers) == 0:
        order = np.lexsort(
            (centers[:, 1] if centers.shape[1] > 1 else np.zeros(k), centers[:, 0], -sizes)
        )
        ids = np.empty(k, dtype=np.int64)
        ids[order] = np.arange(k)
        return ids
    cost = np.linalg.norm(centers[:, None, :] - previous_centers[None, :, :], axis=2)
    new_idx, old_idx = linear_sum_assignment(cost)
    ids = np.full(k, -1, dtype=np.int64)
    ids[new_idx] = np.asarray(previous_ids)[old_idx]
    free = (i for i in range(k + len(previous_ids) + 1) if i not in set(ids.tolist()))
    for g in np.flatnonzero(ids < 0):
        ids[g] = next(free)
    return ids

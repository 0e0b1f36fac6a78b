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

__all__ = [
    "assign_to_base",
    "base_clusters",
    "candidate_ks",
    "first_distinct",
    "group_clusters",
    "match_group_ids",
    "silhouette",
    "smooth_k",
]

#: Default mode: base k-means is fitted on at most this many participants, then all are assigned
#: (a sample this size pins 100 centres in 2-D to well within the map's noise).
BASE_FIT_SAMPLE = 50_000
#: Default mode: votes sampled for the cross-validated choice of k.
CV_MAX_VOTES = 1_000_000
#: Default mode: k-means++ restarts for the groups (100 points: restarts are free).
KMEANS_RESTARTS = 4
#: Above this many points the number of distinct positions is not counted (assumed plenty).
DISTINCT_CHECK_MAX = 20_000


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
    exact: bool = False,
) -> KMeans:
    n_init = 1 if not isinstance(init, str) or weights is None else KMEANS_RESTARTS
    model = KMeans(
        n_clusters=n_clusters,
        init=init,
        n_init=n_init,
        max_iter=max_iter,
        tol=0.0 if exact else 1e-6,
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


def base_clusters(
    points: np.ndarray,
    *,
    k: int,
    max_iter: int,
    polis_compatible: bool,
    previous_centers: np.ndarray | None = None,
    previous_ids: np.ndarray | None = None,
    random_state: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Base k-means of the in-conversation participants' positions.

    Returns ``(labels, centers, ids)``: a base-cluster row per point, the centres of non-empty
    clusters, and their stable ids (kept from ``previous_ids``; new clusters get max id + 1).

    Cold start: Pol.is takes the first ``k`` distinct points in matrix order; the default uses
    k-means++ (seeded) on at most :data:`BASE_FIT_SAMPLE` points. Warm start (both): previous
    centres, topped up by splitting off the most distant points, then Lloyd iterations.
    """
    n = len(points)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, points.shape[1])), np.zeros(0, np.int64)
    n_distinct = len(np.unique(points, axis=0)) if n <= DISTINCT_CHECK_MAX else k
    target = max(1, min(k, n_distinct))
    fit_points = points
    if not polis_compatible and n > BASE_FIT_SAMPLE:
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
    elif polis_compatible:
        init_arg = first_distinct(points, target)
        ids = list(range(len(init_arg)))
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
        exact=polis_compatible,
    )
    labels = model.predict(points) if fit_points is not points else model.labels_
    # Drop clusters left empty (Pol.is drops them; sklearn may keep a relocated empty centre).
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
    polis_compatible: bool,
    init: np.ndarray | None = None,
    random_state: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted k-means of base-cluster centres; returns (labels per base cluster, group centres).

    Pol.is cold-starts from the first ``k`` distinct centres and runs 20 iterations; the default
    uses seeded k-means++ with restarts. Both warm-start from the previous centres for this k.
    """
    if init is not None and len(init) == k:
        start: np.ndarray | str = init
    elif polis_compatible:
        start = first_distinct(centers, k)
        if len(start) < k:
            start = "k-means++"
    else:
        start = "k-means++"
    model = _kmeans(
        centers,
        start,
        n_clusters=k,
        max_iter=max_iter,
        weights=sizes,
        random_state=random_state,
        exact=polis_compatible,
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

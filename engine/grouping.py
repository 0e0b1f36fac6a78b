"""Default mode: the opinion groups that are published, and how stable they are (issue 15).

Pol.is picks k by the silhouette of base-cluster centres and starts k-means from the first
points in matrix order; the earlier default picked k by held-out log-loss, which always improves
a little with more groups. Here a group is published only when the votes support it:

1. **Split what is two groups, not one continuum.** Starting from everyone in one group,
   each group's base clusters are split in two by weighted k-means from a fixed seed
   (``GroupingSettings.random_state``, not the analysis's), and the group is tested against a
   continuum fitted to its own votes (:func:`engine.continuum.continuum_test`: its 2-means
   index against that of simulated continuous clouds with the same votes cast, the same noise
   and the same map). The split with the smallest p is made while p < ``split_alpha``, both
   halves have at least ``min_group_size`` participants and there are fewer than
   ``max_groups`` groups. A continuous cloud of opinions is not split.
2. **Refit and check reproducibility.** The groups are refitted by weighted k-means started at
   their centres, and a clusterwise bootstrap (Hennig 2007) refits k-means at that k on
   resampled participants: every group must be found again with mean Jaccard >=
   ``min_jaccard``, or the last split is undone and the step repeated.
3. **Predict better than one group.** The groups must predict held-out votes better than one
   group (a paired one-sided test over participants, ``held_out_z``); otherwise the
   conversation has *no clear opinion groups* and everyone in conversation forms one group.

4. **How many and who: latent classes of the votes** (:func:`class_groups`). Where steps 1-3
   find clear groups, a latent class model of the agree / disagree votes with a leniency per
   participant (:mod:`engine.latent_class`) decides k and membership: a class is added while it
   predicts held-out votes better and is not below ``min_group_size``, and every class must pass
   the same bootstrap test. A minority that sits inside the majority's spread on the map (its
   statements weigh little on the map's two axes) is found this way. A latent class model cuts
   a continuum into classes, so whether classes are sought at all is decided by a test against
   a continuum: the map's (steps 1-3), or, where the map sees one continuum, the votes' own
   (:func:`engine.continuum.class_continuum_test`: the gain of two latent classes over one
   against the gains of the same procedure on votes simulated from a continuum fitted to the
   same votes, its loadings calibrated; ``GroupingSettings.class_test``). Off with
   ``GroupingSettings.latent_classes=False``.
5. **Classes, not slices of a continuum.** A latent class model also cuts a strongly voted
   one-axis continuum into 2-3 classes that pass steps 1-4 (a map cannot tell such a continuum
   from two overlapping groups: benchmarks/RESULTS.md, session 12 cont15). So the k >= 2 classes
   are held against a continuous latent trait of the same votes (:mod:`engine.latent_trait`,
   logistic on one and two axes, and step-like on one axis: a Guttman scale with flipped votes,
   session 14 g15t) on the same held-out folds; where the trait predicts the held-out votes
   better (``GroupingSettings.trait_test_z``), there are no clear opinion groups (Lubke & Neale
   2006: latent classes against a continuous factor, told apart by fit). Where the votes'
   third axis passes the screen of step 6, the logistic trait is fitted on three axes as well
   (``trait_three_axes``; the line divides the same level among four models): the map cuts a
   three-axis continuum into groups whose classes beat a trait of one or two axes
   (benchmarks/RESULTS.md, session 17 g15u).
6. **More groups than the map's axes.** Four to six groups of their own profiles span three to
   five axes: on the map's two they blur into one cloud and two latent classes gain no more than
   on a continuum, so both tests say "one continuum". Where the votes' third axis stands well
   above noise (:func:`engine.continuum.third_axis_ratio`, ``classes_screen_axis``; a cheap
   screen, about 0.04 CPU s), the classes are sought all the same and published only when they
   beat every trait model, here also on three axes, by ``classes_beat_trait_z`` on held-out
   votes (:func:`_beat_trait_step`; benchmarks/RESULTS.md, session 16 g16b).
7. **A small minority.** A minority of about 10% lies on the first axis (with one other group)
   or on a weak third one: it stands out neither on the map nor in the third axis, but the
   participants' positions on its axis are lopsided. Where one of the votes' first three axes
   is skewed well beyond the same votes shuffled (:func:`engine.continuum.axis_skew`,
   ``classes_axis_skew_z``; step "skewed_axis"), the classes are sought as in step 6, on the
   same terms (benchmarks/RESULTS.md, session 18 g15w).
8. **Groups that the runs reproduce.** Steps 1-7 rest on simulations and resamples, so near a
   line a single run's verdict is a draw. The whole grouping is run up to
   ``GroupingSettings.restarts`` times with seeds of its own (:func:`restart_seeds`), and groups
   are published only where at least two thirds of the runs find groups, at the k most of those
   runs find (:func:`consensus_k`); otherwise there are no clear opinion groups and the step
   "runs_disagree" says how many runs found which k (benchmarks/RESULTS.md, session 19 g15x).
   The number of groups must be reproducible too, not only that there are groups: the runs stop
   once both are settled (:func:`runs_settled`): whether two thirds find groups, and which k
   most of the group-finding runs found, can no longer change whatever the remaining runs find
   (:func:`_k_settled`; before session 20, 2 3 4 2 3 4 stopped at k = 2, found by 2 of 6).
   Where the published k is still found by fewer than half of the group-finding runs, the step
   "runs_split" says that the number of groups is uncertain (:func:`_split_step`; the k most
   found is kept: a smaller k was found by even fewer runs; benchmarks/RESULTS.md, session 20
   g15y).

Every decision is recorded (:class:`engine.result.GroupStability`), so the JSON, the report
and the dashboard can say why there are k groups. All of it reads only the votes, the map and the
fixed grouping seed, so it is the same whatever the analysis's seed. Steps 1-3 cost a fraction of
a second; the class test 0.05-0.4 CPU s (it reads at most ``class_test_votes`` votes and stops
at the first simulated continuum that reaches the votes' gain); step 4 runs only where there are
groups and costs 0.3-2 CPU s, up to about 1 CPU s more on 1,000 fitted participants since its
bootstrap resamples all of them (benchmarks/RESULTS.md, issue 15 sessions 7-9).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri
from sklearn.metrics import adjusted_rand_score

from . import latent_class as lc
from . import latent_trait as lt
from .choose_k import paired_participant_z
from .continuum import SKEW_AXES, SKEW_FLOOR, AxisSkew, ClassContinuumTest
from .result import GroupStability, KStep
from .settings import GroupingSettings

__all__ = [
    "StableGrouping",
    "class_groups",
    "consensus",
    "consensus_k",
    "forced_groups",
    "restart_seeds",
    "runs_settled",
    "stable_groups",
    "third_axis_step",
    "trait_line",
    "weighted_kmeans",
    "with_class_test",
]

#: Method names written into :class:`GroupStability`.
METHOD = (
    "divisive 2-means splits kept when the group splits more cleanly than simulated continua "
    "fitted to its votes (SigClust-style); clusterwise bootstrap Jaccard (Hennig 2007) of "
    "weighted k-means at the chosen k; each split must predict held-out votes better (paired "
    "test over participants)"
)
#: k-means++ restarts of the fixed-seed fits (about 100 weighted points: restarts are cheap).
RESTARTS = 10
#: Lloyd iterations at most (on about 100 points k-means converges in far fewer).
LLOYD_ITERATIONS = 100

#: (rows of the scored votes, k -> per-vote held-out log-loss) for groupings k -> (labels per
#: base cluster, centres).
HeldOut = Callable[[dict[int, tuple[np.ndarray, np.ndarray]]], tuple[np.ndarray, dict]]
#: p of "the participants (rows of the points) are two groups, not one continuum".
SplitP = Callable[[np.ndarray, np.random.Generator], float]
#: Stand-in for the p of a split that was not tested because one part would be below the minimum
#: group size (never a real p, which lies in [0, 1]).
TOO_SMALL = -1.0


@dataclass(frozen=True)
class StableGrouping:
    """The published grouping of the base clusters."""

    k: int
    #: (n_base,) group row per base cluster; (k, 2) centres.
    labels: np.ndarray
    centers: np.ndarray
    stability: GroupStability
    #: Minus the held-out log-loss of one group and of the published k.
    scores: dict[int, float]
    #: Latent classes (:func:`class_groups`): the group row of each participant in conversation
    #: (rows of ``base_of``), which then need not follow the base clusters, and the class
    #: profiles that place participants in them; None when the groups are unions of base
    #: clusters.
    member_labels: np.ndarray | None = None
    profiles: lc.ClassProfiles | None = None
    #: A run of latent classes in a room larger than ``consensus_max_participants``: its
    #: classes are fitted, but only the consensus sample is placed (``member_labels`` are
    #: theirs, before groups below the minimum size are merged); ``place()`` places everyone and
    #: gives the grouping to publish (:func:`consensus` calls it for the chosen run only).
    place: Callable[[], StableGrouping] | None = None


def _lloyd(
    points: np.ndarray, w: np.ndarray, centers: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    labels = np.zeros(len(points), dtype=np.int64)
    for _ in range(LLOYD_ITERATIONS):
        d2 = ((points[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
        new = np.argmin(d2, axis=1)
        mass = np.bincount(new, weights=w, minlength=len(centers))
        sums = np.stack(
            [np.bincount(new, weights=w * points[:, i], minlength=len(centers)) for i in range(2)],
            axis=1,
        )
        moved = np.where(mass[:, None] > 0, sums / np.maximum(mass, 1e-300)[:, None], centers)
        if np.array_equal(new, labels) and np.allclose(moved, centers):
            break
        labels, centers = new, moved
    d2 = ((points - centers[labels]) ** 2).sum(axis=1)
    return labels, centers, float((w * d2).sum())


def weighted_kmeans(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    rng: np.random.Generator,
    *,
    restarts: int = RESTARTS,
    init: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted k-means of (n, 2) points: ``init`` centres, or the best of ``restarts``
    weighted k-means++ starts drawn from ``rng``. Returns (labels, centres).

    Examples
    --------
    >>> pts = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    >>> labels, _ = weighted_kmeans(pts, np.ones(4), 2, np.random.default_rng(0))
    >>> bool(labels[0] == labels[1] != labels[2] == labels[3])
    True
    """
    pts = np.asarray(points, dtype=np.float64)[:, :2]
    w = np.asarray(weights, dtype=np.float64)
    if init is not None:
        labels, centers, _ = _lloyd(pts, w, np.asarray(init, dtype=np.float64))
        return labels, centers
    best: tuple[np.ndarray, np.ndarray, float] | None = None
    p_first = w / w.sum()
    for _ in range(restarts):
        chosen = [int(rng.choice(len(pts), p=p_first))]
        d2 = ((pts - pts[chosen[0]]) ** 2).sum(axis=1)
        while len(chosen) < k:
            mass = w * d2
            total = mass.sum()
            nxt = int(rng.choice(len(pts), p=mass / total)) if total > 0 else len(chosen)
            chosen.append(nxt)
            d2 = np.minimum(d2, ((pts - pts[nxt]) ** 2).sum(axis=1))
        fit = _lloyd(pts, w, pts[chosen].copy())
        if best is None or fit[2] < best[2] - 1e-12:
            best = fit
    assert best is not None
    return best[0], best[1]


def _centres(points: np.ndarray, w: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    mass = np.bincount(labels, weights=w, minlength=k)
    sums = np.stack([np.bincount(labels, weights=w * points[:, i], minlength=k) for i in (0, 1)], 1)
    return sums / np.maximum(mass, 1e-300)[:, None]


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0..k-1 in order of their values."""
    return np.unique(labels, return_inverse=True)[1].astype(np.int64)


def _jaccard(a: np.ndarray, b: np.ndarray, w: np.ndarray, k: int, kb: int) -> np.ndarray:
    """Per group of ``a``: the best Jaccard agreement with a group of ``b`` (weights ``w``)."""
    inter = np.zeros((k, kb))
    np.add.at(inter, (a, b), w)
    size_a, size_b = inter.sum(axis=1), inter.sum(axis=0)
    union = size_a[:, None] + size_b[None, :] - inter
    return (inter / np.maximum(union, 1e-300)).max(axis=1)


def _split_test(
    base_of: np.ndarray,
    base_centers: np.ndarray,
    base_sizes: np.ndarray,
    group: np.ndarray,
    s: GroupingSettings,
    split_p: SplitP,
) -> tuple[float, np.ndarray] | None:
    """Split the base clusters ``group`` (indices) in two by weighted k-means (fixed seed) and
    test whether the group's participants are two groups rather than one continuum: (p, the half
    of each base cluster in ``group``); p is :data:`TOO_SMALL` when a half would be below
    ``min_group_size``, and None is returned when the group is too small to split at all."""
    if len(group) < 2 or base_sizes[group].sum() < 2 * s.min_group_size:
        return None
    rng = np.random.default_rng([s.random_state, int(group.min()), len(group)])
    halves, _ = weighted_kmeans(base_centers[group], base_sizes[group], 2, rng)
    sizes = np.bincount(halves, weights=base_sizes[group], minlength=2)
    if sizes.min() < s.min_group_size:
        return TOO_SMALL, halves
    return split_p(np.flatnonzero(np.isin(base_of, group)), rng), halves


def _divide(
    base_of: np.ndarray,
    base_centers: np.ndarray,
    base_sizes: np.ndarray,
    s: GroupingSettings,
    max_groups: int,
    steps: list[KStep],
    split_p: SplitP,
) -> list[np.ndarray]:
    """Step 1: split the group whose split is most clearly two groups, while p < ``split_alpha``;
    returns the partitions of the base clusters from 1 group to the last."""
    labels = np.zeros(len(base_centers), dtype=np.int64)
    path = [labels.copy()]
    tests: dict[tuple[int, ...], tuple[float, np.ndarray] | None] = {}
    while labels.max() + 1 < max_groups:
        best: tuple[float, int, np.ndarray] | None = None
        too_small = False  # some group's split would leave a part below the minimum size
        for g in range(int(labels.max()) + 1):
            group = np.flatnonzero(labels == g)
            key = tuple(group.tolist())
            if key not in tests:
                tests[key] = _split_test(base_of, base_centers, base_sizes, group, s, split_p)
            t = tests[key]
            if t is not None and t[0] == TOO_SMALL:
                too_small = True
            elif t is not None and (best is None or t[0] < best[0]):
                best = (t[0], g, t[1])
        if best is None or best[0] >= s.split_alpha:
            k = int(labels.max()) + 1
            if best is not None:
                steps.append(KStep(k, k, best[0], "no further split: one continuum", "continuum"))
            elif too_small:  # say so: a small cluster is never dropped silently
                steps.append(KStep(k, k, None, "a split would leave a group below the minimum "
                                   "size", "split_too_small"))
            break
        k = int(labels.max()) + 1
        group = np.flatnonzero(labels == best[1])
        labels[group[best[2] == 1]] = k
        steps.append(KStep(k, k + 1, best[0], "two groups, not a continuum", "split"))
        path.append(labels.copy())
    return path


def _unstable_step(k: int, jac: np.ndarray, line: float) -> KStep:
    """k drops by one: some group's mean bootstrap Jaccard is below ``line`` (the reason names
    the smallest, so the JSON says by how much).

    Examples
    --------
    >>> _unstable_step(3, np.array([0.9, 0.42, 0.8]), 0.75).reason
    'not reproducible (bootstrap Jaccard): smallest group mean 0.42 < 0.75'
    """
    return KStep(
        k,
        k - 1,
        None,
        f"not reproducible (bootstrap Jaccard): smallest group mean {float(jac.min()):.2f} "
        f"< {line:g}",
        "unstable",
    )


def _one_group(n_base: int, base_centers: np.ndarray, base_sizes: np.ndarray) -> np.ndarray:
    centre = _centres(base_centers, base_sizes, np.zeros(n_base, np.int64), 1)
    return centre


def stable_groups(
    points: np.ndarray,
    base_of: np.ndarray,
    base_centers: np.ndarray,
    base_sizes: np.ndarray,
    *,
    settings: GroupingSettings,
    max_groups: int,
    held_out: HeldOut,
    split_p: SplitP,
) -> StableGrouping:
    """The published grouping of the base clusters (module docstring, steps 1-4).

    Parameters
    ----------
    points : (n, 2) map positions of the participants in conversation.
    base_of : (n,) each one's base cluster (row of ``base_centers``).
    base_centers, base_sizes : (n_base, 2) and (n_base,) base clusters.
    settings : :class:`engine.settings.GroupingSettings`.
    max_groups : most groups published.
    held_out : scores groupings on held-out votes (:func:`engine.choose_k.held_out_losses`).
    split_p : p of "these participants (rows of ``points``) are two groups, not one continuum"
        (:func:`engine.continuum.continuum_test`), given a Generator.
    """
    s, n, n_base = settings, len(points), len(base_centers)
    steps: list[KStep] = []
    if n < s.min_group_size or n_base == 0:
        return StableGrouping(
            0,
            np.zeros(n_base, np.int64),
            np.zeros((0, 2)),
            GroupStability(METHOD, False, None, (), (), None, steps, s.min_group_size),
            {},
        )
    one, everyone = np.zeros(n_base, np.int64), _one_group(n_base, base_centers, base_sizes)
    if n < 2 * s.min_group_size:
        steps.append(KStep(1, 1, None, "too few participants for two groups", "too_few"))
        return _published_one(n_base, everyone, steps, {}, s.min_group_size)
    if n_base < 2:  # everyone sits on one point of the map (e.g. only passes)
        steps.append(KStep(1, 1, None, "the votes do not tell participants apart", "alike"))
        return _published_one(n_base, everyone, steps, {}, s.min_group_size)
    path = _divide(base_of, base_centers, base_sizes, s, max_groups, steps, split_p)
    scores: dict[int, float] = {}
    z_of: dict[int, float] = {}
    if len(path) > 1:
        # Refitted (Voronoi) groupings: the held-out votes' owners join their nearest centre.
        fits = {k: _refit(p, base_centers, base_sizes, k, s) for k, p in enumerate(path, 1)}
        rows, losses = held_out(fits)
        scores = {kk: -float(v.mean()) if len(v) else 0.0 for kk, v in losses.items()}
        for k in range(2, len(path) + 1):
            z_of[k] = paired_participant_z(rows, losses[k - 1], losses[k])
            if z_of[k] < s.held_out_z:
                steps.append(
                    KStep(
                        len(path),
                        k - 1,
                        None,
                        f"split {k - 1} -> {k} no better on held-out votes (z = {z_of[k]:.2f})",
                        "held_out",
                        z_of[k],
                    )
                )
                del path[k - 1 :]
                break
    labels, centers, jac = one, everyone, np.ones(1)
    while len(path) > 1:
        k = len(path)
        labels, centers = _refit(path[-1], base_centers, base_sizes, k, s)
        jac = _bootstrap_jaccard(labels, centers, base_centers, base_sizes, k, n, s)
        if float(jac.min()) >= s.min_jaccard:
            break
        steps.append(_unstable_step(k, jac, s.min_jaccard))
        path.pop()
        labels = one
    k = int(labels.max()) + 1
    if k < 2:
        return _published_one(n_base, everyone, steps, scores, s.min_group_size, z_of.get(2))
    z = z_of[k]
    stability = GroupStability(
        METHOD,
        True,
        float(jac.mean()),
        tuple(float(j) for j in jac),
        tuple(int(x) for x in np.bincount(labels, weights=base_sizes, minlength=k)),
        z,
        steps,
        s.min_group_size,
    )
    return StableGrouping(k, labels, centers, stability, scores)


def _published_one(
    n_base: int,
    centre: np.ndarray,
    steps: list[KStep],
    scores: dict[int, float],
    min_size: int,
    z: float | None = None,
    method: str = METHOD,
) -> StableGrouping:
    """Everyone in conversation as one group: no clear opinion groups (``centre`` (1, 2))."""
    stability = GroupStability(method, False, None, (), (), z, steps, min_size)
    return StableGrouping(1, np.zeros(n_base, np.int64), centre, stability, scores)


def _refit(
    merged: np.ndarray,
    base_centers: np.ndarray,
    base_sizes: np.ndarray,
    k: int,
    s: GroupingSettings,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted k-means started at the merged groups' centres; the merged groups themselves
    when the refit would leave a group below ``min_group_size``."""
    start = _centres(base_centers, base_sizes, merged, k)
    labels, centers = weighted_kmeans(
        base_centers, base_sizes, k, np.random.default_rng(0), init=start
    )
    sizes = np.bincount(labels, weights=base_sizes, minlength=k)
    if len(np.unique(labels)) < k or sizes.min() < s.min_group_size:
        return merged, start
    return labels, centers


def _bootstrap_jaccard(
    labels: np.ndarray,
    centers: np.ndarray,
    base_centers: np.ndarray,
    base_sizes: np.ndarray,
    k: int,
    n: int,
    s: GroupingSettings,
) -> np.ndarray:
    """Hennig's clusterwise stability: mean over bootstraps of each group's best Jaccard with
    a group of weighted k-means (k-means++ starts) refitted on resampled participants.

    Sequential where ``stability_boot_max`` > ``stability_boot``: while the verdict (every
    group's mean >= ``min_jaccard``) is within ``sequential_margin`` standard errors of the means,
    the resamples are doubled up to ``stability_boot_max`` (:func:`_jaccard_unsettled`); the
    first ``stability_boot`` resamples are the same either way."""
    rng = np.random.default_rng([s.random_state, k])
    share = base_sizes / base_sizes.sum()
    rows: list[np.ndarray] = []
    target = s.stability_boot
    while True:
        while len(rows) < target:
            w = rng.multinomial(n, share).astype(np.float64)
            seen = w > 0
            boot, _ = weighted_kmeans(base_centers[seen], w[seen], k, rng, restarts=3)
            rows.append(_jaccard(labels[seen], boot, base_sizes[seen], k, k))
        jac = np.array(rows)
        if target >= s.stability_boot_max or not _jaccard_unsettled(
                jac, s.min_jaccard, s.sequential_margin):
            total = np.zeros(k)
            for row in rows:  # summed in order, as before the test was sequential
                total += row
            return total / len(rows)
        target = min(2 * target, s.stability_boot_max)


def _jaccard_unsettled(jac: np.ndarray, line: float, margin: float) -> bool:
    """Whether more resamples could turn the bootstrap's verdict, ``jac`` (resamples, groups)
    of Jaccards: no group's mean is ``margin`` standard errors below ``line`` and some group's
    is within ``margin`` of it (a sequential Monte Carlo test, Besag & Clifford 1991).

    >>> j = np.array([[0.9, 0.70], [0.9, 0.80], [0.9, 0.76], [0.9, 0.78]])
    >>> _jaccard_unsettled(j, 0.75, 3.0), _jaccard_unsettled(j, 0.5, 3.0)
    (True, False)
    """
    mean = jac.mean(axis=0)
    se = jac.std(axis=0, ddof=1) / np.sqrt(len(jac)) if len(jac) > 1 else np.zeros_like(mean)
    if np.any(mean + margin * se < line):
        return False
    return bool(np.any(mean - margin * se < line))


def forced_groups(
    labels: np.ndarray,
    base_centers: np.ndarray,
    base_sizes: np.ndarray,
    *,
    settings: GroupingSettings,
) -> StableGrouping:
    """A grouping whose k the user forced (``force_k``): groups below ``min_group_size`` are
    merged into the nearest group (never published tiny), then the bootstrap stability of what
    is left is measured. ``labels``: group per base cluster of the forced fit."""
    s = settings
    labels = _relabel(np.asarray(labels, dtype=np.int64))
    asked = int(labels.max()) + 1 if len(labels) else 0
    steps: list[KStep] = []
    while True:
        k = int(labels.max()) + 1 if len(labels) else 0
        sizes = np.bincount(labels, weights=base_sizes, minlength=k)
        if k < 2 or sizes.min() >= s.min_group_size:
            break
        small = int(np.argmin(sizes))
        centers = _centres(base_centers, base_sizes, labels, k)
        d2 = ((centers - centers[small]) ** 2).sum(axis=1)
        d2[small] = np.inf
        labels = _relabel(np.where(labels == small, int(np.argmin(d2)), labels))
        steps.append(KStep(k, k - 1, None, "group below the minimum size merged", "too_small"))
    k = int(labels.max()) + 1 if len(labels) else 0
    centers = _centres(base_centers, base_sizes, labels, k)
    sizes = np.bincount(labels, weights=base_sizes, minlength=k)
    if k < 2:
        jac: np.ndarray = np.zeros(0)
    else:
        jac = _bootstrap_jaccard(
            labels, centers, base_centers, base_sizes, k, int(base_sizes.sum()), s
        )
    stability = GroupStability(
        "k forced by the user; " + METHOD.split("; ", 1)[1],
        k >= 2,
        float(jac.mean()) if len(jac) else None,
        tuple(float(j) for j in jac),
        tuple(int(x) for x in sizes) if k >= 2 else (),
        None,
        [KStep(asked, asked, None, "k forced", "forced"), *steps],
        s.min_group_size,
    )
    return StableGrouping(k, labels, centers, stability, {})


#: Method name of :func:`class_groups` in :class:`GroupStability`.
CLASS_METHOD = (
    "latent classes of the agree/disagree votes with a leniency per participant (EM; Lazarsfeld, "
    "Goodman), sought where the map's divisive test finds groups or, where it finds one "
    "continuum, two classes beat votes simulated from a continuum fitted to the same votes: "
    "a class is added while it "
    "predicts held-out votes better (paired test over participants) and no class is below the "
    "minimum size; clusterwise bootstrap Jaccard (Hennig 2007) of the refitted classes; centres "
    "are the members' mean map positions; the classes are published only where a continuous "
    "latent trait of the same votes (logistic on 1 or 2 axes, and on 3 where the votes' third "
    "axis stands above noise, or step-like on 1 axis with a share "
    "of votes cast at random) does not predict the same held-out votes better "
    "(Lubke & Neale 2006)"
)
#: Random EM starts per k beside the map's own grouping (fixed seed): the likeliest is kept.
CLASS_STARTS = 4
#: EM steps of each start before the likeliest is run on, and at most in all; steps of each
#: held-out refit (warm-started from the fit, so a few suffice).
CLASS_SCREEN_STEPS = 15
CLASS_MAX_STEPS = 200
CLASS_HELD_OUT_STEPS = 10
#: EM steps at most of each of the bootstrap's two starts. The bootstrap resamples all the
#: participants the classes were fitted on (at most ``class_max_participants``): a half sample
#: (session 7-8: 500) halves what a small class's members tell and refused planted 10% classes
#: (benchmarks/RESULTS.md, session 9 lc15e).
CLASS_BOOT_STEPS = 20
#: The latent trait model the classes are held against (:func:`_trait_test_step`): its axes
#: (the better of the two is taken), and its alternations at most on each fold (on the planted
#: rooms a fit meets the class model's tolerance after 5-7; a tolerance of 1e-7 moved the
#: held-out log-loss by under 2e-4 per vote: benchmarks/RESULTS.md, session 13 ct15a).
TRAIT_AXES = (1, 2)
TRAIT_MAX_STEPS = 200
#: ... and the axes of the step-like trait (a share of votes cast at random, the lapse: a floor
#: and a ceiling, :mod:`engine.latent_trait`), held against the classes beside them: a Guttman
#: scale with flipped votes is a continuum the logistic trait does not fit as well as classes
#: do (benchmarks/RESULTS.md, session 14 g15t). One axis: each model tried raises the line
#: ``trait_test_z`` (Bonferroni), and a two-axis step-like model, at its weak ridge, overfits
#: sparse rooms.
STEP_AXES = (1,)
#: Where the classes are sought because the votes have a third axis (:func:`_beat_trait_step`),
#: the logistic trait is also fitted on three: a continuum on three axes has that third axis
#: too, and its classes beat a trait of one or two axes (a three-axis cloud cut into six
#: classes, z = -3.07 against two axes, +17.6 against three; six planted groups -17.7;
#: benchmarks/RESULTS.md, session 16 g16b).
SCREENED_TRAIT_AXES = (1, 2, 3)


def _class_starts(
    map_labels: Callable[[int], np.ndarray], k: int, n: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """EM starts at k: the map's weighted k-means grouping and ``CLASS_STARTS`` random ones."""
    return [map_labels(k), *(rng.integers(k, size=n) for _ in range(CLASS_STARTS))]


def _fit_classes(
    v: lc.Votes, k: int, map_labels: Callable[[int], np.ndarray], s: GroupingSettings
) -> lc.LatentClasses:
    rng = np.random.default_rng([s.random_state, k])
    if k == 1:
        return lc.em(v, np.ones((v.n, 1)), max_iterations=CLASS_MAX_STEPS,
                     full_objective=s.class_full_objective)
    return lc.fit_classes(
        v,
        _class_starts(map_labels, k, v.n, rng),
        max_iterations=CLASS_MAX_STEPS,
        screen_iterations=CLASS_SCREEN_STEPS,
        full_objective=s.class_full_objective,
    )


def _class_bootstrap(
    v: lc.Votes,
    model: lc.LatentClasses,
    map_labels: Callable[[int], np.ndarray],
    s: GroupingSettings,
) -> np.ndarray:
    """Hennig's clusterwise stability of the classes: on ``class_boot`` multinomial resamples
    of the participants they were fitted on, EM is run from two starts, the published classes
    and the map's grouping, and the likelier kept; per class, the mean best
    Jaccard with a class of the resample (participants counted with their multiplicity). A class
    the resampled votes do not hold together dissolves, or loses to the map's start.

    Sequential where ``class_boot_max`` > ``class_boot``, as the map's bootstrap
    (:func:`_bootstrap_jaccard`): while the verdict is within ``sequential_margin`` standard
    errors of ``min_jaccard`` (:func:`_jaccard_unsettled`), the resamples are doubled up to
    ``class_boot_max``; the first ``class_boot`` resamples are the same either way."""
    k = model.k
    labels = np.argmax(model.resp, axis=1)
    rng = np.random.default_rng([s.random_state, k, 1])
    from_map = _hard_labels(map_labels(k), k)

    def jaccard(w: np.ndarray) -> np.ndarray:
        vw = v.weighted(w)
        kept = lc.em(
            vw,
            model.resp,
            max_iterations=CLASS_BOOT_STEPS,
            lean=model.lean,
            logit=model.logit,
            tau=model.tau,
            full_objective=s.class_full_objective,
        )
        other = lc.em(vw, from_map, max_iterations=CLASS_BOOT_STEPS,
                      full_objective=s.class_full_objective)
        boot = other if other.loglik > kept.loglik else kept
        seen = w > 0
        return _jaccard(labels[seen], np.argmax(boot.resp, axis=1)[seen], w[seen], k, k)

    rows: list[np.ndarray] = []
    target = s.class_boot
    while True:
        # Each batch's weights first (the same draws in the same order), then their fits, in
        # threads (each fit reads only its own weights).
        weights = [rng.multinomial(v.n, np.full(v.n, 1.0 / v.n)).astype(np.float64)
                   for _ in range(target - len(rows))]
        rows.extend(lc.in_threads(jaccard, weights, "class-boot"))
        if target >= s.class_boot_max or not _jaccard_unsettled(
                np.array(rows), s.min_jaccard, s.sequential_margin):
            break
        target = min(2 * target, s.class_boot_max)
    total = np.zeros(k)
    for row in rows:  # summed in order
        total += row
    return total / len(rows)


def _hard_labels(labels: np.ndarray, k: int) -> np.ndarray:
    resp = np.zeros((len(labels), k))
    resp[np.arange(len(labels)), labels] = 1.0
    return resp


def _no_tiny_classes(resp: np.ndarray, min_size: int) -> np.ndarray:
    """Most probable class per participant (the model's class numbers); a class with fewer
    than ``min_size`` members is emptied into its members' next most probable classes
    (repeated)."""
    resp = resp.copy()
    while True:
        labels = np.argmax(resp, axis=1)
        sizes = np.bincount(labels, minlength=resp.shape[1])
        small = np.flatnonzero((sizes > 0) & (sizes < min_size))
        if len(small) == 0 or (sizes > 0).sum() <= 1:
            return labels
        resp[:, small[np.argmin(sizes[small])]] = -1.0


def _class_test_step(t: ClassContinuumTest, z_crit: float) -> KStep:
    """The class-versus-continuum test as a decision on the way to k."""
    draws = len(t.null_gains)
    z = "n/a" if t.z is None else f"{t.z:.2f}"
    if t.groups:
        reason = (
            f"two latent classes fit the votes better than all {draws} simulated continua "
            f"(gain {t.gain:.4f} per vote, z = {z} >= {z_crit:g}): classes sought"
        )
    else:
        reason = (
            f"two latent classes fit the votes no better than simulated continua (gain "
            f"{t.gain:.4f} per vote, {draws} drawn, z = {z}; needs all below and z >= "
            f"{z_crit:g})"
        )
    return KStep(1, 1, None, reason, "classes" if t.groups else "classes_continuum", t.z)


def third_axis_step(third_axis: float | None, n: int, s: GroupingSettings,
                    skew: AxisSkew | None = None) -> KStep:
    """The third-axis screen (:func:`engine.continuum.third_axis_ratio`) as a decision, where the
    map and the class test saw one continuum: "third_axis" (at least ``classes_screen_axis``:
    the latent classes are sought, to beat every trait), "no_third_axis" (below: none sought)
    or, where the room is too small for that comparison (``third_axis`` None),
    "trait_too_few". Below the line, the skew of the votes' first axes (``skew``,
    :func:`engine.continuum.axis_skew`) may send them on all the same: "skewed_axis" where its
    z is at least ``classes_axis_skew_z`` (a small minority has no third axis but a lopsided
    one; z in the step).

    >>> third_axis_step(1.03, 500, GroupingSettings()).kind
    'no_third_axis'
    >>> third_axis_step(None, 60, GroupingSettings()).kind
    'trait_too_few'
    >>> third_axis_step(1.03, 500, GroupingSettings(), AxisSkew(1.4, 7.2)).kind
    'skewed_axis'
    >>> third_axis_step(1.03, 500, GroupingSettings(), AxisSkew(0.3, None)).kind
    'no_third_axis'
    """
    line = s.classes_screen_axis
    if third_axis is None:
        return KStep(1, 1, None, f"too few participants ({n} < {s.trait_min_participants}) for "
                     "the third-axis screen: latent classes could not be held against a "
                     "continuous latent trait", "trait_too_few")
    if third_axis >= line:
        return KStep(1, 1, None, f"the votes' third axis is {third_axis:.2f} x its shuffled "
                     f"votes' (>= {line:g}): latent classes sought, to beat every continuous "
                     "latent trait", "third_axis")
    axis = f"the votes' third axis is {third_axis:.2f} x its shuffled votes' (< {line:g})"
    if skew is not None and skew.z is not None and skew.z >= s.classes_axis_skew_z:
        return KStep(1, 1, None, f"{axis}, but one of their first {SKEW_AXES} axes is lopsided "
                     f"(absolute skewness {skew.skew:.2f}, z = {skew.z:.2f} against shuffled "
                     f"votes, >= {s.classes_axis_skew_z:g}): latent classes sought, to beat "
                     "every continuous latent trait", "skewed_axis", skew.z)
    lopsided = "" if skew is None else (
        f", nor a lopsided first axis (absolute skewness {skew.skew:.2f}"
        + (f" < {SKEW_FLOOR:g})" if skew.z is None
           else f", z = {skew.z:.2f} < {s.classes_axis_skew_z:g})"))
    return KStep(1, 1, None, f"{axis}: no third axis above noise{lopsided}, no latent classes "
                 "sought", "no_third_axis")


def with_class_test(
    mapped: StableGrouping, class_test: ClassContinuumTest | None, s: GroupingSettings,
    screen: KStep | None = None,
) -> StableGrouping:
    """The map's grouping with the class-versus-continuum test's verdict recorded (where it
    found no classes, so none are sought), and the third-axis screen's (``screen``,
    :func:`third_axis_step`) where it was asked."""
    if class_test is None:
        return mapped
    step = _class_test_step(class_test, s.class_test_z)
    return _with_steps(mapped, [*mapped.stability.steps, step,
                                *([] if screen is None else [screen])])


def _with_steps(g: StableGrouping, steps: list[KStep]) -> StableGrouping:
    st = g.stability
    return StableGrouping(
        g.k,
        g.labels,
        g.centers,
        GroupStability(
            st.method,
            st.clear_groups,
            st.overall,
            st.per_group,
            st.sizes,
            st.held_out_z,
            steps,
            st.min_group_size,
        ),
        g.scores,
    )


def _class_fold_rng(s: GroupingSettings) -> np.random.Generator:
    """The generator of the classes' held-out folds: the trait test scores the trait models on
    the very folds the classes were scored on, so both draw them from this."""
    return np.random.default_rng([s.random_state, 2])


def _trait_z(
    v: lc.Votes, rows: np.ndarray, class_loss: np.ndarray, s: GroupingSettings,
    axes: tuple[int, ...] = TRAIT_AXES, lines: tuple[float, ...] = (),
) -> tuple[dict[str, float], int]:
    """Each continuous latent trait model (:mod:`engine.latent_trait`: logistic on each number
    of ``axes``, and step-like on 1 axis, with a floor and a ceiling) against the classes whose
    held-out losses are ``class_loss``, on the classes' held-out folds: model name -> paired
    one-sided z over participants (positive: the trait predicts the held-out votes better),
    and the number of folds scored.

    The folds are scored one after the other. With decision ``lines`` (where the best model's
    z stands among them) and ``trait_curtail`` > 0, they stop early once the folds still to
    come could not plausibly change that (:func:`_trait_settled`, at every line); otherwise
    all are scored, with the same numbers as scoring them at once."""
    step_like: dict[str, Any] = {"lapse": True, "ridge": lt.STEP_RIDGE}
    models: dict[str, tuple[int, dict[str, Any]]] = {
        (f"{d} axis" if d == 1 else f"{d} axes"): (d, {}) for d in axes
    }
    models.update(
        ((f"{d} axis, step-like" if d == 1 else f"{d} axes, step-like"), (d, step_like))
        for d in STEP_AXES
    )
    # The classes' folds, drawn as :func:`engine.latent_class.held_out_losses` draws them.
    folds = _class_fold_rng(s).integers(s.class_folds, size=len(v.y))
    losses = {name: np.zeros(len(v.y)) for name in models}
    scored = np.zeros(len(v.y), dtype=bool)
    z: dict[str, float] = {}
    for f in range(s.class_folds):
        test = folds == f

        def loss(name: str, test: np.ndarray = test) -> np.ndarray:
            d, model = models[name]
            return lt.fold_loss(v, test, d, max_iterations=TRAIT_MAX_STEPS,
                                seed=s.random_state, **model)

        # Every model's fit on the fold is independent.
        for name, fold_losses in zip(models, lc.in_threads(loss, list(models), "trait-fold"),
                                     strict=True):
            losses[name][test] = fold_losses
        scored |= test
        every = bool(scored.all())
        z = {
            name: paired_participant_z(
                rows if every else rows[scored], class_loss if every else class_loss[scored],
                loss if every else loss[scored],
            )
            for name, loss in losses.items()
        }
        if (lines and f + 1 < s.class_folds
                and all(_trait_settled(z, float(scored.mean()), x, s.trait_curtail)
                        for x in lines)):
            return z, f + 1
    return z, s.class_folds


def _trait_settled(z: dict[str, float], done: float, line: float, alpha: float) -> bool:
    """Whether the trait test's verdict (the best model's z at or above ``line``, or not) is
    settled with a share ``done`` of the held-out votes scored: stochastic curtailment (Lan,
    Simon & Wittes 1982). Were the models to predict the votes still to score equally well,
    each model's final z would be about sqrt(done) z + sqrt(1 - done) N(0, 1); settled when,
    so, all the models together reach the line with probability below ``alpha``, or some
    model stays below it with probability below ``alpha``. A real difference on the rest of
    the votes follows the trend of the votes scored, which makes a change rarer still.

    >>> _trait_settled({"1 axis": -9.0, "2 axes": -8.1}, 0.2, 2.13, 1e-4)
    True
    >>> _trait_settled({"1 axis": -2.0, "2 axes": -1.5}, 0.2, 2.13, 1e-4)
    False
    >>> _trait_settled({"1 axis": 14.0, "2 axes": 3.0}, 0.2, 2.13, 1e-4)
    True
    >>> _trait_settled({"1 axis": -9.0, "2 axes": -8.1}, 0.2, 2.13, 0.0)
    False
    """
    if alpha <= 0.0 or done >= 1.0:
        return False
    at = (np.sqrt(done) * np.array(list(z.values())) - line) / np.sqrt(1.0 - done)
    reach = ndtr(at)  # each model's chance of ending at or above the line
    return bool(reach.sum() < alpha or (1.0 - reach).min() < alpha)


def _folds_note(used: int, s: GroupingSettings) -> str:
    """Where the trait test stopped early (:func:`_trait_settled`), says so."""
    if used >= s.class_folds:
        return ""
    return f"; settled on {used} of {s.class_folds} folds"


def _figures(z: dict[str, float]) -> str:
    return ", ".join(f"{name}: z = {value:.2f}" for name, value in z.items())


def trait_line(s: GroupingSettings, models: int) -> float:
    """The z the best of ``models`` trait models must reach: ``trait_test_z`` is the line for
    the default family (:data:`TRAIT_AXES` and :data:`STEP_AXES`, three models, Bonferroni);
    with more models the same family-wise level is divided among them.

    >>> round(trait_line(GroupingSettings(), 3), 2), round(trait_line(GroupingSettings(), 4), 2)
    (2.13, 2.24)
    """
    family = len(TRAIT_AXES) + len(STEP_AXES)
    if models <= family:
        return s.trait_test_z
    return float(-ndtri(ndtr(-s.trait_test_z) * family / models))


def _trait_test_step(
    v: lc.Votes, rows: np.ndarray, class_loss: np.ndarray, k: int, s: GroupingSettings,
    third_axis: float | None = None,
) -> KStep:
    """The k classes against a continuous latent trait of the same votes (:func:`_trait_z`):
    kind "trait" when the best trait model predicts held-out votes better than the classes at
    ``trait_test_z``, "classes_not_trait" otherwise. From ``trait_margin_k`` classes on, the
    classes must do better than every trait model by ``trait_margin_z``: "classes_beat_trait"
    when they do, "trait_not_beaten" (``k_after`` = k - 1, to be tried) when neither side is
    clearly better: a step-like continuum is cut into three or four classes that predict as
    well as the trait (benchmarks/RESULTS.md, session 28 lead). Where the votes' third axis
    stands above noise (``third_axis`` at least ``classes_third_axis``), the logistic trait is
    also fitted on three axes (:data:`SCREENED_TRAIT_AXES`; the line then divides the same level
    among four models, :func:`trait_line`): a continuum on three axes is cut into classes that
    beat a trait of one or two (benchmarks/RESULTS.md, session 17 g15u)."""
    three = third_axis is not None and third_axis >= s.classes_third_axis
    axes = SCREENED_TRAIT_AXES if three else TRAIT_AXES
    line = trait_line(s, len(axes) + len(STEP_AXES))
    margin = k >= s.trait_margin_k
    # With the margin the verdict has three outcomes: the folds stop early only once both of
    # its lines are settled.
    z, used = _trait_z(v, rows, class_loss, s, axes,
                       (line, -s.trait_margin_z) if margin else (line,))
    best = max(z.values())
    axis = "" if third_axis is None else f"; third axis {third_axis:.2f} x its shuffled votes'"
    axis += _folds_note(used, s)
    if best >= line:
        reason = (
            f"a continuous latent trait predicts held-out votes better than {k} latent classes "
            f"({_figures(z)}; >= {line:.2f}{axis}): one continuum, no clear opinion groups"
        )
        return KStep(k, 1, None, reason, "trait", best)
    if margin and best > -s.trait_margin_z:
        reason = (
            f"{k} latent classes do not predict held-out votes clearly better than every "
            f"continuous latent trait ({_figures(z)}; needs all <= -{s.trait_margin_z:g} from "
            f"{s.trait_margin_k} classes on{axis}): {k - 1} tried"
        )
        return KStep(k, k - 1, None, reason, "trait_not_beaten", best)
    if margin:
        reason = (
            f"{k} latent classes predict held-out votes better than every continuous latent "
            f"trait ({_figures(z)}; <= -{s.trait_margin_z:g}{axis})"
        )
        return KStep(k, k, None, reason, "classes_beat_trait", best)
    reason = (
        f"{k} latent classes predict held-out votes no worse than a continuous latent trait "
        f"({_figures(z)}; < {line:.2f}{axis})"
    )
    return KStep(k, k, None, reason, "classes_not_trait", best)


def _beat_trait_step(z: dict[str, float], k: int, third_axis: float,
                     line: float, folds: str = "") -> KStep:
    """Where the map and the class test saw one continuum but the votes have a third axis
    (``third_axis``, :func:`engine.continuum.third_axis_ratio`): the k classes stand only when
    they predict held-out votes better than every trait model by ``line`` (z <= -line), kind
    "classes_beat_trait"; otherwise "trait_not_beaten" (no clear groups). ``folds``: where
    the test stopped early (:func:`_folds_note`).

    >>> _beat_trait_step({"1 axis": -9.0, "2 axes": -4.1}, 4, 1.21, 3.0).kind
    'classes_beat_trait'
    >>> _beat_trait_step({"1 axis": -9.0, "2 axes": -2.9}, 4, 1.21, 3.0).k_after
    1
    """
    best = max(z.values())
    axis = f"third axis {third_axis:.2f} x its shuffled votes'{folds}"
    if best <= -line:
        reason = (
            f"{k} latent classes predict held-out votes better than every continuous latent "
            f"trait ({_figures(z)}; <= -{line:g}; {axis})"
        )
        return KStep(k, k, None, reason, "classes_beat_trait", best)
    reason = (
        f"{k} latent classes do not beat a continuous latent trait on held-out votes clearly "
        f"enough ({_figures(z)}; needs all <= -{line:g}; {axis}): no clear opinion groups"
    )
    return KStep(k, 1, None, reason, "trait_not_beaten", best)


def class_groups(
    votes: lc.Votes,
    points: np.ndarray,
    map_labels: Callable[[int], np.ndarray],
    base_of: np.ndarray,
    n_base: int,
    mapped: StableGrouping,
    *,
    settings: GroupingSettings,
    max_groups: int,
    class_test: ClassContinuumTest | None = None,
    third_axis: float | None = None,
    screen: KStep | None = None,
    axis_ratio: Callable[[], float] | None = None,
    consensus_rows: np.ndarray | None = None,
) -> StableGrouping:
    """The groups as latent classes of the votes (:mod:`engine.latent_class`), where the map's
    divisive test (``mapped``, :func:`stable_groups`) found clear groups at all.

    The map decides *whether* the room has groups: a continuum of opinions is what a latent class
    model cuts into classes however many votes there are, and the map's continuum test is
    calibrated against exactly that. The classes decide *how many* and *who*: k grows from one
    while the added class predicts held-out votes better (paired one-sided test over
    participants, ``held_out_z``, ``class_folds`` folds) and the classes' expected sizes are at
    least ``min_group_size``; then every class must be found again on bootstrap resamples (mean
    Jaccard >= ``min_jaccard``), else k drops; with ``trait_test``, the k classes must predict
    the held-out votes no worse than a continuous latent trait (:func:`_trait_test_step`), else
    there are no clear groups; from ``trait_margin_k`` classes on they must predict them
    better, by ``trait_margin_z``, else k steps down and is tried again. Fitted on at most
    ``class_max_participants`` participants (a fixed sample), then everyone in conversation is
    placed by their votes. When fewer than two classes survive the bootstrap, the map's groups
    stand.

    Parameters
    ----------
    votes : the agree / disagree votes of the participants in conversation (rows follow
        ``base_of``; :func:`engine.latent_class.votes_of`).
    points : (n, 2) their map positions (the published centres are the classes' mean positions).
    map_labels : k -> the map's grouping of them at k (an EM start).
    base_of, n_base : each one's base cluster, and how many there are.
    mapped : the map's grouping (:func:`stable_groups`).
    class_test : where the map found no clear groups, the votes' own test
        (:func:`engine.continuum.class_continuum_test`): classes are sought when it finds two
        classes that no fitted continuum gives, and its verdict is recorded either way.
    third_axis : where that test too found none, the votes' third axis against noise
        (:func:`engine.continuum.third_axis_ratio`) when the screen (``screen``) sent them
        on: the classes are sought all the same, and stand only when they
        beat every continuous latent trait on held-out votes by ``classes_beat_trait_z``
        (:func:`_beat_trait_step`), checked before their bootstrap (which then need not run)
        and again at the k it leaves. Four to six groups span more axes than the map's two and
        both tests say "one continuum" (benchmarks/RESULTS.md, session 16 g16b).
    screen : the screen's decision that sent the classes on where both tests saw one
        continuum (:func:`third_axis_step` of ``third_axis`` and, below its line, of the skew
        of the votes' first axes, :func:`engine.continuum.axis_skew`: a small minority lies on
        a lopsided axis; benchmarks/RESULTS.md, session 18 g15w), recorded among the steps.
    axis_ratio : where the classes are sought because the map or the class test found groups,
        the same ratio, computed when the trait test needs it: at or above
        ``classes_third_axis`` the trait is also fitted on three axes (:func:`_trait_test_step`;
        None: never).
    consensus_rows : where given (sorted rows of ``votes``), only these participants are placed
        in the classes, and everyone only when the run is published
        (:attr:`StableGrouping.place`); None: everyone now.
    """
    s = settings
    steps = list(mapped.stability.steps)
    map_found = mapped.k >= 2 and mapped.stability.clear_groups
    # The third axis that let the classes be sought where both tests saw one continuum: they
    # must then beat the trait (:func:`_beat_trait_step`).
    screened_axis: float | None = None
    if not map_found:
        if class_test is None:
            return mapped
        steps.append(_class_test_step(class_test, s.class_test_z))
        if not class_test.groups:
            if third_axis is None:
                return _with_steps(mapped, steps)
            screened_axis = third_axis
            if screen is not None:
                steps.append(screen)
    n = votes.n
    rng = np.random.default_rng([s.random_state, n])
    n_fit = class_sample_size(votes, s)
    fit_rows = (
        np.sort(rng.choice(n, n_fit, replace=False)) if n > n_fit else np.arange(n)
    )
    v = votes.participants(fit_rows)

    def sample_labels(k: int) -> np.ndarray:
        return map_labels(k)[fit_rows]

    models = {1: _fit_classes(v, 1, sample_labels, s)}

    def held_out(model: lc.LatentClasses) -> tuple[np.ndarray, np.ndarray]:
        rows, losses = lc.held_out_losses(
            v,
            {model.k: model},
            n_folds=s.class_folds,
            iterations=CLASS_HELD_OUT_STEPS,
            rng=_class_fold_rng(s),
            full_objective=s.class_full_objective,
        )
        return rows, losses[model.k]

    rows, last_loss = held_out(models[1])
    loss_of = {1: last_loss}
    z_of: dict[int, float] = {}
    scores = {1: -float(last_loss.mean())}
    for k in range(2, max_groups + 1):
        model = _fit_classes(v, k, sample_labels, s)
        if float(model.weights.min()) * n < s.min_group_size:
            steps.append(KStep(k - 1, k - 1, None, f"class {k} below the minimum size",
                               "class_too_small"))
            break
        _, loss = held_out(model)
        z = paired_participant_z(rows, last_loss, loss)
        if z < s.held_out_z:
            steps.append(
                KStep(
                    k - 1,
                    k - 1,
                    None,
                    f"class {k} no better on held-out votes (z = {z:.2f})",
                    "held_out",
                    z,
                )
            )
            break
        models[k], z_of[k], last_loss, loss_of[k] = model, z, loss, loss
        scores[k] = -float(loss.mean())
        steps.append(
            KStep(k - 1, k, None, "another latent class predicts held-out votes better", "class", z)
        )
    k = max(models)

    def beat_trait(k: int, axis: float) -> KStep:
        z, used = _trait_z(v, rows, loss_of[k], s, SCREENED_TRAIT_AXES,
                           (-s.classes_beat_trait_z,))
        return _beat_trait_step(z, k, axis, s.classes_beat_trait_z, _folds_note(used, s))

    # Before the bootstrap, which is the costlier part and need not run when the trait wins.
    beaten = beat_trait(k, screened_axis) if screened_axis is not None and k >= 2 else None
    if beaten is not None and beaten.kind == "trait_not_beaten":
        return _with_steps(mapped, [*steps, beaten])

    def stable(k: int) -> tuple[int, np.ndarray]:
        """k, lowered while some class is not found again on bootstrap resamples, and the
        classes' Jaccards at the k left."""
        jac = np.ones(1)
        while k >= 2:
            jac = _class_bootstrap(v, models[k], sample_labels, s)
            if float(jac.min()) >= s.min_jaccard:
                break
            steps.append(_unstable_step(k, jac, s.min_jaccard))
            k -= 1
        return k, jac

    def one_group() -> StableGrouping:
        return _published_one(n_base, points[:, :2].mean(axis=0)[None, :], steps, scores,
                              s.min_group_size, z_of.get(2), CLASS_METHOD)

    k, jac = stable(k)
    if k < 2:
        return _with_steps(mapped, steps)
    if screened_axis is not None and beaten is not None:
        if beaten.k_before != k:
            beaten = beat_trait(k, screened_axis)
        steps.append(beaten)
        if beaten.kind == "trait_not_beaten":
            return _with_steps(mapped, steps)
    elif s.trait_test and n < s.trait_min_participants:
        steps.append(KStep(k, k, None, f"too few participants ({n} < "
                           f"{s.trait_min_participants}) to hold the classes against a "
                           "continuous latent trait", "trait_too_few"))
    elif s.trait_test:
        ratio = None if axis_ratio is None else axis_ratio()
        while True:
            step = _trait_test_step(v, rows, loss_of[k], k, s, ratio)
            steps.append(step)
            if step.kind == "trait":
                return one_group()
            if step.kind != "trait_not_beaten":
                break
            # Fewer classes, tried as the k classes were: found again, then held against
            # the trait (by the margin only while k is at least trait_margin_k).
            k, jac = stable(step.k_after)
            if k < 2:
                return one_group()
    model, z_k = models[k], z_of.get(k)
    sample = votes if consensus_rows is None else votes.participants(consensus_rows)
    if s.class_refit and n > len(fit_rows):
        model = _refit_classes(sample, model, s)

    def place(tolerance: float = 0.0) -> StableGrouping:
        return _placed_classes(votes, model, jac, points, base_of, n_base, steps, scores, z_k, s,
                               tolerance)

    if consensus_rows is None:
        return place()
    resp, _ = lc.assign(sample, model)
    stability = GroupStability(CLASS_METHOD, True, float(jac.mean()),
                               tuple(float(j) for j in jac), (), z_k, steps, s.min_group_size)
    return StableGrouping(k, np.zeros(n_base, np.int64), np.zeros((k, 2)), stability, scores,
                          resp.argmax(axis=1), lc.ClassProfiles.of(model),
                          lambda: place(lc.PLACE_TOLERANCE))


def class_sample_size(votes: lc.Votes, s: GroupingSettings) -> int:
    """How many participants the classes are fitted on: ``class_max_participants``, or more
    where their votes would give the statements voted on fewer than
    ``class_votes_per_statement`` votes each on average (many statements, few votes each);
    never more than there are.

    >>> votes = lc.Votes.of(np.arange(5000) // 10, np.arange(5000) % 400, np.ones(5000), 500, 400)
    >>> class_sample_size(votes, GroupingSettings(class_max_participants=100))  # 10 votes each
    500
    >>> class_sample_size(votes, GroupingSettings(class_max_participants=100,
    ...                                           class_votes_per_statement=2))
    100
    """
    if votes.n <= s.class_max_participants or len(votes.y) == 0:
        return min(votes.n, s.class_max_participants)
    voted = int(np.count_nonzero(np.bincount(votes.col, minlength=votes.n_statements)))
    per_participant = len(votes.y) / votes.n
    wanted = int(np.ceil(s.class_votes_per_statement * voted / per_participant))
    return min(votes.n, max(s.class_max_participants, wanted))


def _refit_classes(v: lc.Votes, model: lc.LatentClasses, s: GroupingSettings
                   ) -> lc.LatentClasses:
    """The classes ``model`` (fitted on a sample) refitted on the participants ``v``: EM from
    their placement in those classes. The k and the classes stay; their profiles are learnt
    from more votes."""
    resp, lean = lc.assign(v, model)
    return lc.em(v, resp, max_iterations=CLASS_MAX_STEPS, lean=lean, logit=model.logit,
                 tau=model.tau, full_objective=s.class_full_objective)


def _placed_classes(
    votes: lc.Votes,
    model: lc.LatentClasses,
    jac: np.ndarray,
    points: np.ndarray,
    base_of: np.ndarray,
    n_base: int,
    steps: list[KStep],
    scores: dict[int, float],
    z: float | None,
    s: GroupingSettings,
    tolerance: float = 0.0,
) -> StableGrouping:
    """The published grouping of :func:`class_groups`: everyone in conversation placed in the
    classes of ``model`` (bootstrap Jaccards ``jac``; :func:`engine.latent_class.assign`'s
    ``tolerance``), groups below the minimum size merged."""
    k = model.k
    steps = list(steps)
    resp, _ = lc.assign(votes, model, tolerance=tolerance)
    kept_labels = _no_tiny_classes(resp, s.min_group_size)
    kept = np.unique(kept_labels)
    labels, jac, k_out = _relabel(kept_labels), jac[kept], len(kept)
    if k_out < k:
        steps.append(KStep(k, k_out, None, "group below the minimum size merged", "too_small"))
    sizes = np.bincount(labels, minlength=k_out)
    centers = np.stack([points[labels == g, :2].mean(axis=0) for g in range(k_out)])
    base_labels = np.zeros(n_base, np.int64)
    for b in range(n_base):
        members = labels[base_of == b]
        if len(members):
            base_labels[b] = np.bincount(members, minlength=k_out).argmax()
    stability = GroupStability(
        CLASS_METHOD,
        True,
        float(jac.mean()),
        tuple(float(j) for j in jac),
        tuple(int(x) for x in sizes),
        z,
        steps,
        s.min_group_size,
    )
    return StableGrouping(
        k_out,
        base_labels,
        centers,
        stability,
        scores,
        labels,
        lc.ClassProfiles.of(model),
    )


# ----------------------------------------------------------------------------- restarts
def restart_seeds(s: GroupingSettings) -> list[int]:
    """The grouping seed of each run: the first is ``random_state`` itself (one run is the
    grouping as before), the others are drawn from it."""
    more = np.random.SeedSequence([s.random_state, 15]).generate_state(max(s.restarts - 1, 0))
    return [s.random_state, *(int(x) for x in more)]


def _majority(ks: Sequence[int]) -> int:
    """The k most runs found; ties go to the smaller k (no more groups than the votes support)."""
    counts = Counter(ks)
    return min(counts, key=lambda k: (-counts[k], k))


#: Share of the runs (of ``GroupingSettings.restarts`` at most) that must find groups (k >= 2)
#: for groups to be published at all: a k that a third of the runs refuse is not reproducible
#: (benchmarks/RESULTS.md, session 19 g15x: the borderline exports' runs find groups in about
#: 40% of runs, canadian-electoral-reform's in 80%).
GROUPS_SHARE = 2 / 3
#: Runs that must agree on one k >= 2 before the runs stop early with groups: two runs agree by
#: chance too often where each finds groups 40% of the time (about 1 in 7).
CONFIRM_RUNS = 3


def _groups_needed(runs: int) -> int:
    """Runs of ``runs`` that must find groups (k >= 2) for groups to be published.

    >>> _groups_needed(9), _groups_needed(3), _groups_needed(1)
    (6, 2, 1)
    """
    return int(np.ceil(GROUPS_SHARE * runs - 1e-9))


def _early(ks: Sequence[int], runs: int) -> int | None:
    """The k decided before the share rule of :func:`runs_settled` applies: the first two runs
    both find no groups (k below 2: 1), or the first :data:`CONFIRM_RUNS` all find the same
    k >= 2."""
    if runs > 2 and len(ks) == 2 and ks[0] < 2 and ks[1] < 2:
        return 1
    if runs > CONFIRM_RUNS and len(ks) == CONFIRM_RUNS and len(set(ks)) == 1 and ks[0] >= 2:
        return ks[0]
    return None


def consensus_k(ks: Sequence[int], runs: int) -> int:
    """The published k of the runs' k's ``ks`` (of ``runs`` at most): groups only where at least
    :data:`GROUPS_SHARE` of ``runs`` find groups (k >= 2), or the runs stopped early on
    agreement (:func:`_early`); then the k most of those runs found (ties: the smaller);
    otherwise 1, no clear opinion groups.

    >>> consensus_k([2, 1, 2], 3), consensus_k([3, 2, 1], 3), consensus_k([2, 1], 2)
    (2, 2, 1)
    >>> consensus_k([4, 4, 4], 9), consensus_k([1, 1], 9), consensus_k([4, 1, 4, 1, 4, 3, 1], 9)
    (4, 1, 1)
    >>> consensus_k([2, 3, 2, 1, 2, 2, 3, 2], 9)
    2
    """
    early = _early(ks, runs)
    if early is not None:
        return early
    groups, none = [k for k in ks if k >= 2], [k for k in ks if k < 2]
    if len(groups) >= _groups_needed(max(runs, len(ks))):
        return _majority(groups)
    return _majority(none) if none else 1


def _k_settled(ks: Sequence[int], runs: int) -> bool:
    """True when the k most of the group-finding runs among ``ks`` found (ties: the smaller)
    can no longer be overtaken by another k, whatever the ``runs - len(ks)`` runs still to come
    find (each of them could find the same other k, one not found yet included).

    >>> _k_settled([2, 3, 2, 3, 2, 3], 9), _k_settled([2, 3, 2, 2, 2, 2], 9)
    (False, True)
    >>> _k_settled([3, 3, 3, 3, 2, 2], 9), _k_settled([3, 3, 3, 3, 2, 2, 1, 1], 9)
    (False, True)
    """
    found = [k for k in ks if k >= 2]
    if not found:
        return True
    counts, k = Counter(found), _majority(found)
    left = runs - len(ks)
    # Any other k: one found already, one not found yet below k (it would win a tie) or above.
    rivals = (set(counts) | set(range(2, k)) | {max(counts) + 1}) - {k}
    return all(counts[r] + left < counts[k] + (k < r) for r in rivals)


def runs_settled(ks: Sequence[int], runs: int) -> bool:
    """True when no outcome of the ``runs - len(ks)`` runs still to come can change
    :func:`consensus_k` of ``ks``: whether there are groups (at least :data:`GROUPS_SHARE` of
    ``runs`` find k >= 2, or that is out of reach), and where there are, which k most of the
    group-finding runs found (:func:`_k_settled`); or the runs stopped early (:func:`_early`).

    >>> runs_settled([2, 2], 9), runs_settled([1, 1], 9), runs_settled([2, 2, 2], 9)
    (False, True, True)
    >>> runs_settled([2, 2, 1], 9), runs_settled([2, 1, 1, 1, 1], 9)
    (False, True)
    >>> runs_settled([2, 2, 3, 2, 2, 2], 9), runs_settled([2, 3, 4, 2, 3, 4], 9)
    (True, False)
    """
    n = len(ks)
    if n >= runs or _early(ks, runs) is not None:
        return True
    if n < 3:
        return False
    need, found = _groups_needed(runs), sum(k >= 2 for k in ks)
    if n - found > runs - need:
        return True
    return found >= need and _k_settled(ks, runs)


def _disagree_step(ks: Sequence[int], runs: int) -> KStep:
    """Some runs found groups, too few of them to publish any (kind "runs_disagree").

    >>> print(_disagree_step([4, 1, 4, 1, 1], 9).reason)  # doctest: +NORMALIZE_WHITESPACE
    2 of 5 runs of the grouping found groups (k = 4, 1, 4, 1, 1; needs 6 of 9): not
    reproducible, no clear opinion groups
    """
    found = [k for k in ks if k >= 2]
    return KStep(
        _majority(found),
        1,
        None,
        f"{len(found)} of {len(ks)} runs of the grouping found groups (k = "
        f"{', '.join(map(str, ks))}; needs {_groups_needed(runs)} of {runs}): not reproducible, "
        "no clear opinion groups",
        "runs_disagree",
    )


def _split_step(ks: Sequence[int], k: int) -> KStep | None:
    """Groups are published at ``k``, but fewer than half of the runs that found groups found
    that many (kind "runs_split", ``k_before`` = ``k_after`` = ``k``): the groups are
    reproducible, their number is not. None where at least half did.

    >>> print(_split_step([2, 3, 4, 2, 3, 4, 2, 3, 4], 2).reason)  # doctest: +NORMALIZE_WHITESPACE
    3 of the 9 runs of the grouping that found groups found k = 2 (k = 2, 3, 4, 2, 3, 4, 2, 3,
    4): published as the k most of them found, but the number of groups is uncertain
    >>> _split_step([2, 3, 2, 1, 2, 3], 2) is None, _split_step([3, 3, 2, 2], 2) is None
    (True, True)
    """
    found = [x for x in ks if x >= 2]
    at_k = sum(x == k for x in found)
    if k < 2 or 2 * at_k >= len(found):
        return None
    return KStep(
        k,
        k,
        None,
        f"{at_k} of the {len(found)} runs of the grouping that found groups found k = {k} (k = "
        f"{', '.join(map(str, ks))}): published as the k most of them found, but the number of "
        "groups is uncertain",
        "runs_split",
    )


def consensus(runs: Sequence[StableGrouping],
              members: Callable[[StableGrouping], np.ndarray],
              at_most: int | None = None) -> StableGrouping:
    """One published grouping from runs of the grouping with different seeds (of ``at_most``
    runs at most; default: as many as given): the k of :func:`consensus_k`, and among the runs
    at that k the most typical one (largest mean adjusted Rand index against the others,
    participants grouped by both; ties: the earliest). ``members`` gives a run's group of each
    participant in conversation. The k of every run is recorded in its stability
    (``restarts``); where some runs found groups but too few to publish them, the step
    "runs_disagree" says so; where groups are published at a k that fewer than half of the
    group-finding runs found, the step "runs_split" (:func:`_split_step`). A chosen run whose
    participants are not all placed yet (:attr:`StableGrouping.place`) is placed now; then
    ``members`` must give every run's groups of the same participants (the consensus sample)."""
    ks = [g.k for g in runs]
    total = len(runs) if at_most is None else max(at_most, len(runs))
    if not runs_settled(ks, total):
        raise ValueError(f"the runs' k's {ks} do not settle the grouping of {total} runs yet")
    k = consensus_k(ks, total)
    at_k = [g for g in runs if g.k == k] or [g for g in runs if g.k < 2]
    chosen = at_k[0]
    if k >= 2 and len(at_k) > 2:
        labels = [members(g) for g in at_k]
        agreement = [sum(adjusted_rand_score(a, b) for b in labels) for a in labels]
        chosen = at_k[int(np.argmax(agreement))]
    if chosen.place is not None:
        chosen = chosen.place()
    steps = list(chosen.stability.steps)
    if k < 2 and any(x >= 2 for x in ks):
        steps.append(_disagree_step(ks, total))
    split = _split_step(ks, k)
    if split is not None:
        steps.append(split)
    return replace(chosen, stability=replace(chosen.stability, restarts=tuple(ks), steps=steps))

"""The analysis as named steps over a typed state; :func:`run` calls them in order.

Where a group comes from, step by step (each a function below):

1. :func:`tally` - per-statement counts of everyone's votes (the map's column centres);
2. :func:`map_votes` - the opinion map: principal axes and every participant's position;
3. :func:`who_is_in` - the participants in conversation (Pol.is's 7-vote rule, once in always in);
4. :func:`base_clusters` - about 100 base clusters of their positions;
5. :func:`choose_k` - candidate groupings of the base clusters, one k chosen and smoothed;
6. :func:`assign_groups` - stable group ids, and a group per participant;
7. :func:`count_group_votes` - agree / disagree / all votes per group and statement;
8. :func:`find_repness`, :func:`find_consensus`, :func:`route`, :func:`fit_bridging` - the
   figures read from those counts and groups.

Where Pol.is's way and the default differ, the step calls the :class:`engine.variants.Variant`
chosen once from the settings. Each step returns a small frozen record; none changes its inputs.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from . import clustering as cl
from .bridging import BridgingResult, FactorFit, bridging, fit_factors
from .class_veto import ClassRates, class_rates
from .counts import cell_keys, group_counts
from .grouping import forced_groups
from .latent_class import (
    ClassPlacement,
    ClassProfiles,
    assign,
    residual_positions,
    vote_fingerprints,
    votes_of,
)
from .matrix import VoteMatrix
from .opinion_space import opinion_cells, opinion_space
from .participants import in_conversation
from .pca import centered_matrix, opinion_map
from .repness import consensus, group_informed_consensus, representative_statements
from .result import (
    AnalysisResult,
    AnalysisState,
    ClusteringResult,
    ConsensusStatement,
    GroupStability,
    OpinionMap,
    RepStatement,
)
from .routing import priorities
from .settings import AnalysisSettings
from .variants import DEFAULT_STEPS, POLIS_STEPS, GroupFit, Variant, align_columns

__all__ = [
    "BaseClusters",
    "Groups",
    "KChoice",
    "MapStep",
    "Run",
    "assign_groups",
    "base_clusters",
    "choose_k",
    "count_group_votes",
    "find_consensus",
    "find_repness",
    "fit_bridging",
    "map_votes",
    "route",
    "run",
    "start_factor_fit",
    "tally",
    "who_is_in",
]

Attributes = Mapping[str, Sequence[Hashable] | np.ndarray]


@dataclass(frozen=True)
class Run:
    """What every step reads: the votes and their tallies, the settings, the previous state."""

    matrix: VoteMatrix
    settings: AnalysisSettings
    #: The state of the previous analysis of this conversation (warm starts), or None.
    previous: AnalysisState | None
    random_state: int | None
    rng: np.random.Generator
    #: A live update (:func:`engine.update`): the default variant keeps what has not gone stale.
    live: bool
    variant: Variant
    X: sp.csr_matrix
    ids: list[Hashable]
    participant_ids: list[Hashable]
    #: Per stored vote: its row, and its count cell (:func:`engine.counts.cell_keys`).
    rows: np.ndarray
    cells: np.ndarray
    #: (n_statements, 3) agree, disagree and all votes of everyone (float).
    everyone: np.ndarray
    #: Statements with a vote; those also not moderated out or meta (``active``).
    voted_cols: np.ndarray
    active: np.ndarray
    #: Mean vote per active statement (the map's column centres).
    center: np.ndarray


@dataclass(frozen=True)
class MapStep:
    """The opinion map and the projection's scaling (reused by the cross-validated k)."""

    omap: OpinionMap
    scale_columns: int
    extra_voted: int
    #: The number of votes when the axes were last solved.
    axes_votes: int


@dataclass(frozen=True)
class BaseClusters:
    """Base clusters of the members' positions (rows follow ``members``)."""

    members: np.ndarray
    labels: np.ndarray
    centers: np.ndarray
    ids: np.ndarray
    sizes: np.ndarray


@dataclass(frozen=True)
class KChoice:
    """The number of groups, the candidate fits and the smoother's memory."""

    k: int
    k_raw: int
    scores: dict[int, float]
    fits: dict[int, tuple[np.ndarray, np.ndarray]]
    last_k: int
    last_count: int
    k_scored_at: int
    #: Pol.is mode, per k fitted: group id per base cluster (warm start of the next tick).
    members_by_k: dict[int, np.ndarray]
    #: Default mode: how the published groups were chosen, in the fit's row order.
    stability: GroupStability | None = None
    #: Default mode, latent classes: the group row of each participant in conversation (rows of
    #: ``BaseClusters.members``) and the class profiles; None: groups follow the base clusters.
    member_labels: np.ndarray | None = None
    profiles: ClassProfiles | None = None
    #: ... and the fingerprint of every participant's votes, where this update computed it.
    fingerprints: np.ndarray | None = None


@dataclass(frozen=True)
class Groups:
    """Opinion groups: ids, centres, and each participant's group."""

    #: (n_participants,) group id, -1 outside; ``rows``: the group's row in per-group outputs.
    labels: np.ndarray
    rows: np.ndarray
    #: Group ids and centres, unsorted; ``order`` sorts them by id (the output row order).
    ids: np.ndarray
    centers: np.ndarray
    order: np.ndarray
    #: (n_participants,) base-cluster row and base-cluster id per participant (-1 outside).
    base_labels: np.ndarray
    base_label_ids: np.ndarray


def tally(
    matrix: VoteMatrix,
    settings: AnalysisSettings,
    previous: AnalysisState | None,
    random_state: int | None,
    live: bool,
) -> Run:
    """Step 1: count everyone's votes once; pick the variant (Pol.is or default) once."""
    X, ids = matrix.X, matrix.statement_ids
    n_p, n_s = X.shape
    if previous is not None and previous.statement_ids and not ids:
        previous = None
    rows = np.repeat(np.arange(n_p), np.diff(X.indptr))
    cells = cell_keys(X)
    everyone = group_counts(None, rows, cells, 1, n_s)[0].astype(float)
    voted_cols = everyone[:, 2] > 0
    active = matrix.active & voted_cols
    center = np.zeros(n_s)
    np.divide(everyone[:, 0] - everyone[:, 1], everyone[:, 2], out=center, where=active)
    return Run(
        matrix=matrix,
        settings=settings,
        previous=previous,
        random_state=random_state,
        rng=np.random.default_rng(random_state),
        live=live,
        variant=POLIS_STEPS if settings.polis_compatible else DEFAULT_STEPS,
        X=X,
        ids=ids,
        participant_ids=matrix.participant_ids,
        rows=rows,
        cells=cells,
        everyone=everyone,
        voted_cols=voted_cols,
        active=active,
        center=center,
    )


def map_votes(run: Run) -> MapStep:
    """Step 2: the opinion map (PCA of the centred votes, Pol.is's sparsity-aware projection)."""
    variant = run.variant
    scale_columns, extra = variant.map_scaling(run)
    keep = variant.keeps_axes(run)
    Xc = centered_matrix(run.X, run.center, run.active)
    components, variance = variant.axes(run, Xc, variant.previous_axes(run), keep)
    omap = opinion_map(
        run.X,
        Xc,
        run.active,
        run.center,
        components,
        variance,
        scale_columns=scale_columns,
        extra_voted=extra,
    )
    axes_votes = run.previous.axes_votes if keep and run.previous is not None else run.X.nnz
    return MapStep(omap, scale_columns, extra, int(axes_votes))


def who_is_in(run: Run, already_in: Collection[Hashable] | None) -> np.ndarray:
    """Step 3: participants in conversation, (n_participants,) bool (Pol.is's rule:
    :func:`engine.participants.in_conversation`; once in, always in)."""
    prev_in = None
    if run.previous is not None or already_in is not None:
        known = run.previous.in_conversation if run.previous is not None else frozenset()
        if already_in is not None:
            known = known | frozenset(already_in)
        pids = run.participant_ids
        prev_in = np.fromiter(map(known.__contains__, pids), dtype=bool, count=len(pids))
    return in_conversation(
        np.diff(run.X.indptr),
        int(run.voted_cols.sum()),
        previous=prev_in,
        min_votes=run.settings.min_votes,
        greedy_n=run.settings.greedy_n,
    )


def base_clusters(run: Run, omap: OpinionMap, in_conv: np.ndarray) -> BaseClusters:
    """Step 4: base clusters of the in-conversation participants' 2-D positions."""
    members = np.flatnonzero(in_conv)
    points = omap.coordinates[members, :2]
    if points.shape[1] < 2:
        points = np.column_stack([points, np.zeros(len(points))])
    labels, centers, ids = run.variant.base_clusters(run, points, members)
    sizes = np.bincount(labels, minlength=len(centers)).astype(np.float64)
    return BaseClusters(members, labels, centers, ids, sizes)


def _fit(run: Run, base: BaseClusters, k: int, max_iter: int) -> GroupFit:
    """k groups of the base clusters (below k = 2: one group, at the mean of the centres)."""
    if k < 2:
        n_base = len(base.centers)
        return np.zeros(n_base, dtype=np.int64), base.centers.mean(axis=0, keepdims=True), None
    return run.variant.fit_groups(run, base, k, max_iter)


def _candidates(run: Run, n_base: int) -> list[int]:
    """Pol.is's candidate ks (one more per 12 base clusters), or the forced k."""
    s = run.settings
    if s.force_k is not None:
        return [min(s.force_k, n_base)] if n_base else []
    return cl.candidate_ks(n_base, s.max_groups, s.base_per_extra_k)


def _smooth(run: Run, this_k: int, candidates: list[int], keep_k: bool) -> tuple[int, int, int]:
    """Pol.is's k smoother (:func:`engine.clustering.smooth_k`): a new k must win the variant's
    ``k_buffer`` updates in a row. A forced or kept k, or fewer than 2, is taken as it is.
    Returns (k in use, this update's k, how many updates in a row it won)."""
    prev = run.previous
    if run.settings.force_k is not None or keep_k or this_k < 2:
        return this_k, this_k, 1
    return cl.smooth_k(
        this_k,
        prev.last_k if prev else 0,
        prev.last_k_count if prev else 0,
        prev.smoothed_k if prev else 0,
        run.variant.k_buffer(run),
        candidates,
        prev is None or prev.smoothed_k == 0,
    )


def _published(run: Run, mapped: MapStep, base: BaseClusters) -> KChoice | None:
    """Step 5, default mode: the groups the votes support (:func:`engine.grouping.stable_groups`),
    or on a live update with little new the previous groups refitted from their centres (None
    when the variant does not choose this way or k is forced)."""
    s, prev, variant = run.settings, run.previous, run.variant
    if not variant.stable_groups:
        return None
    if s.force_k is not None:
        k = min(s.force_k, len(base.centers))
        if k < 1 or base.sizes.sum() < s.grouping.min_group_size:
            return None
        labels, _, _ = _fit(run, base, k, s.group_max_iterations)
        g = forced_groups(labels, base.centers, base.sizes, settings=s.grouping)
        return KChoice(
            g.k, g.k, {}, {g.k: (g.labels, g.centers)}, g.k, 1, run.X.nnz, {}, g.stability
        )
    if variant.keeps_grouping(run) and prev is not None:
        kept = _kept_classes(run, mapped, base, prev)
        if kept is not None:
            return kept
        k = prev.smoothed_k
        labels, centers, _ = _fit(run, base, k, s.group_max_iterations)
        sizes = np.bincount(labels, weights=base.sizes, minlength=k)
        if k >= 1 and len(sizes) == k and sizes.min() >= s.grouping.min_group_size:
            return KChoice(
                k,
                k,
                {},
                {k: (labels, centers)},
                k,
                1,
                prev.k_scored_at_votes,
                {},
                prev.group_stability,
            )
    g = variant.publish(run, mapped, base)
    return KChoice(
        g.k,
        g.k,
        g.scores,
        {g.k: (g.labels, g.centers)} if g.k else {},
        g.k,
        1,
        run.X.nnz,
        {},
        g.stability,
        g.member_labels,
        g.profiles,
    )


def _kept_classes(
    run: Run, mapped: MapStep, base: BaseClusters, prev: AnalysisState
) -> KChoice | None:
    """A live update that keeps latent-class groups: everyone in conversation is placed in the
    previous classes by their votes (profiles aligned to this update's statements; a new
    statement weighs on no class). None when the previous groups were not latent classes or a
    class would fall below the minimum size."""
    profiles = prev.group_profiles
    if profiles is None or prev.smoothed_k < 2 or profiles.logit.shape[0] != prev.smoothed_k:
        return None
    aligned = ClassProfiles(
        profiles.weights,
        align_columns(prev.statement_ids, profiles.logit, run.ids, 0.0),
        profiles.tau,
    )
    # Placed again: only those whose votes changed since the last update (assign places
    # each from their own votes alone, so the others would be placed where they were).
    fingerprints = vote_fingerprints(run.X, run.active, run.ids)
    labels = _placed_before(prev, run.participant_ids, base.members, fingerprints)
    again = np.flatnonzero(labels < 0)
    if len(again):
        resp, _ = assign(votes_of(run.X, base.members[again], run.active), aligned)
        labels[again] = np.argmax(resp, axis=1)
    k = aligned.logit.shape[0]
    sizes = np.bincount(labels, minlength=k)
    if sizes.min() < run.settings.grouping.min_group_size:
        return None
    points = mapped.omap.coordinates[base.members, :2]
    centers = np.stack([points[labels == g].mean(axis=0) for g in range(k)])
    base_labels = np.array(
        [np.bincount(labels[base.labels == b], minlength=k).argmax() if (base.labels == b).any()
         else 0 for b in range(len(base.centers))],
        dtype=np.int64,
    )
    return KChoice(
        k, k, {}, {k: (base_labels, centers)}, k, 1, prev.k_scored_at_votes, {},
        prev.group_stability, labels, aligned, fingerprints,
    )


def _placed_before(prev: AnalysisState, participant_ids: Sequence[Hashable],
                   members: np.ndarray, fingerprints: np.ndarray) -> np.ndarray:
    """The class row the previous update placed each of ``members`` (rows of
    ``participant_ids``) in, where their votes' fingerprint is unchanged; -1 elsewhere."""
    out = np.full(len(members), -1, dtype=np.int64)
    placed = prev.group_placement
    if placed is None:
        return out
    n_prev = len(prev.participant_ids)
    if tuple(participant_ids[:n_prev]) == prev.participant_ids:  # newcomers appended
        rows = np.where(members < n_prev, members, -1)
    else:
        pos = {pid: i for i, pid in enumerate(prev.participant_ids)}
        rows = np.array([pos.get(participant_ids[m], -1) for m in members.tolist()],
                        dtype=np.int64)
    known = np.flatnonzero(rows >= 0)
    same = placed.fingerprints[rows[known]] == fingerprints[members[known]]
    out[known[same]] = placed.labels[rows[known[same]]]
    return out


def choose_k(run: Run, mapped: MapStep, base: BaseClusters) -> KChoice:
    """Step 5: fit each candidate k, score them (the variant's way) and smooth the choice."""
    s, prev, variant = run.settings, run.previous, run.variant
    published = _published(run, mapped, base)
    if published is not None:
        return published
    candidates = _candidates(run, len(base.centers))
    keep_k = variant.keeps_k(run, candidates)
    to_fit = [prev.smoothed_k] if keep_k and prev is not None else candidates
    fitted = {k: _fit(run, base, k, s.group_max_iterations) for k in to_fit}
    this_k = to_fit[0] if fitted else 0
    scores: dict[int, float] = {}
    k_scored_at = prev.k_scored_at_votes if prev is not None else 0
    if len(to_fit) > 1 and not keep_k:
        fits = {k: (labels, centers) for k, (labels, centers, _) in fitted.items()}
        scores, this_k = variant.choose_k(run, mapped, base, fits)
        k_scored_at = run.X.nnz
    smoothed, last_k, last_count = _smooth(run, this_k, candidates, keep_k)
    # The smoother kept an earlier k that was not a candidate fitted now: fit it, with Pol.is's
    # group_iterations budget (in both modes).
    if smoothed and smoothed not in fitted:
        fitted[smoothed] = _fit(run, base, smoothed, s.group_iterations)
    return KChoice(
        k=smoothed,
        k_raw=this_k,
        scores=scores,
        fits={k: (labels, centers) for k, (labels, centers, _) in fitted.items()},
        last_k=last_k,
        last_count=last_count,
        k_scored_at=k_scored_at,
        members_by_k={k: g for k, (_, _, g) in fitted.items() if g is not None},
    )


def assign_groups(run: Run, base: BaseClusters, choice: KChoice) -> Groups:
    """Step 6: the chosen grouping, stable group ids (matched to the previous update's centres)
    and each participant's group through their base cluster."""
    k, n_p, prev = choice.k, run.X.shape[0], run.previous
    n_base = len(base.centers)
    group_of_base, centers = choice.fits[k] if k else (np.zeros(n_base, np.int64), np.zeros((0, 2)))
    # Each member's group row: through their base cluster, or their own (latent classes).
    member_group = (
        choice.member_labels if choice.member_labels is not None else group_of_base[base.labels]
    )
    sizes = np.bincount(member_group, minlength=len(centers)).astype(np.float64)
    group_ids = (
        cl.match_group_ids(
            centers,
            sizes,
            prev.group_centers if prev is not None else None,
            prev.group_ids if prev is not None else None,
        )
        if k
        else np.zeros(0, np.int64)
    )
    order = np.argsort(group_ids)  # rows of every per-group output follow ascending id
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    row_group = np.full(n_p, -1, dtype=np.int64)
    row_group[base.members] = rank[member_group] if k else -1
    labels = (
        np.where(row_group >= 0, group_ids[order][np.maximum(row_group, 0)], -1) if k else row_group
    )
    base_labels = np.full(n_p, -1, dtype=np.int64)
    base_labels[base.members] = base.labels
    base_label_ids = np.full(n_p, -1, dtype=np.int64)
    base_label_ids[base.members] = base.ids[base.labels]
    return Groups(labels, row_group, group_ids, centers, order, base_labels, base_label_ids)


def count_group_votes(run: Run, groups: Groups, k: int) -> np.ndarray:
    """Step 7: (k, n_statements, 3) agree / disagree / all votes per group, in one pass (row k,
    everyone not in conversation, is counted and dropped)."""
    outside = np.where(groups.rows >= 0, groups.rows, max(k, 0))
    return group_counts(outside, run.rows, run.cells, max(k, 0) + 1, len(run.ids))[:-1]


def find_repness(run: Run, groups: Groups, gv: np.ndarray) -> dict[int, list[RepStatement]]:
    """Step 8a: Pol.is's representative statements per group id."""
    A, D, S = (gv[..., i].astype(np.float64) for i in range(3))
    s = run.settings
    reps = representative_statements(
        A, D, S, run.ids, run.active, z=s.z_threshold, per_group=s.repness_per_group,
        polis_sides=s.polis_compatible,
    )
    return {int(groups.ids[groups.order][g]): reps[g] for g in range(len(reps))}


def find_consensus(
    run: Run, gv: np.ndarray
) -> tuple[list[ConsensusStatement], list[ConsensusStatement], np.ndarray]:
    """Step 8b: consensus over everyone (agree, disagree) and group-informed consensus."""
    e = run.everyone
    agree, disagree = consensus(
        e[:, 0],
        e[:, 1],
        e[:, 2],
        run.ids,
        run.active,
        z=run.settings.z_threshold,
        count=run.settings.consensus_count,
    )
    gic = group_informed_consensus(gv[..., 0].astype(np.float64), gv[..., 2].astype(np.float64))
    return agree, disagree, gic


def route(run: Run, omap: OpinionMap, gv: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Step 8c: routing priorities; returns (priorities, this update's group votes (3, n_s))."""
    current = gv.sum(axis=0).T.astype(np.float64) if k else np.zeros((3, len(run.ids)))
    votes = run.variant.routing_votes(run, current)
    s = run.settings
    prio = priorities(
        votes[0],
        votes[1],
        votes[2],
        omap.extremity,
        run.matrix.meta,
        meta_priority=s.meta_priority,
        novelty_boost=s.novelty_boost,
        novelty_half_life=s.novelty_half_life,
    )
    return prio, current


def _carried_bridging(run: Run) -> bool:
    """A live update keeps the last bridging fit until the votes grew by
    ``live.bridging_refit_growth`` (same statements, same active set)."""
    s, prev = run.settings, run.previous
    last = prev.bridging if prev is not None else None
    return (
        run.live
        and prev is not None
        and last is not None
        and list(last.statement_ids) == list(run.ids)
        and np.array_equal(last.active, run.matrix.active)
        and run.X.nnz < (1.0 + s.live.bridging_refit_growth) * max(prev.bridging_votes, 1)
    )


def start_factor_fit(run: Run, pool: ThreadPoolExecutor) -> Future[FactorFit] | None:
    """Step 8d's factor model, started beside steps 1-8c: it reads the votes only (neither
    the groups nor the opinion space), and SciPy's sparse products release the GIL, so on
    two cores it costs the analysis little wall time. None when bridging is off or carried."""
    if not run.settings.bridging or _carried_bridging(run):
        return None
    last = run.previous.bridging if run.previous is not None else None
    return pool.submit(fit_factors, run.matrix, settings=run.settings.bridging_fit,
                       random_state=run.random_state, previous=last)


def fit_bridging(
    run: Run, labels: np.ndarray, attributes: Attributes | None, base: BaseClusters | None = None,
    factors: Future[FactorFit] | None = None,
) -> tuple[BridgingResult | None, int]:
    """Step 8d: matrix-factorisation bridging and the common-ground rule; a live update carries
    the last fit until the votes grew by ``live.bridging_refit_growth``. The common-ground rule
    also hears the cells of a many-dimensional opinion space of the clustered participants
    (``base.members``; :mod:`engine.opinion_space`), so a minority the groups merged still
    vetoes. ``factors``: the factor model from :func:`start_factor_fit`, if started. Returns
    (fit, votes when fitted)."""
    s, prev = run.settings, run.previous
    if not s.bridging:
        return None, 0
    if _carried_bridging(run):
        assert prev is not None and prev.bridging is not None
        return prev.bridging, prev.bridging_votes
    last = prev.bridging if prev is not None else None
    fine: np.ndarray | None = None
    classes: list[ClassRates] = []
    if base is not None:
        fine, classes = _opinion_cells(run, base.members, labels)
    fit = bridging(
        run.matrix,
        group_labels=labels,
        attributes=attributes,
        settings=s.bridging_fit,
        random_state=run.random_state,
        previous=last,
        fine_labels=fine,
        fitted=factors.result() if factors is not None else None,
        classes=classes,
    )
    return fit, int(run.X.nnz)


#: The latent-class veto reads at most this many votes (whole participants of the opinion space's
#: fit sample, drawn at random): the planted 1,500-participant rooms at 15% density hold about
#: 45,000, all read; a 20,000-participant export's 1,500 at 12% of 900 statements hold 160,000,
#: which cost 0.45 CPU s of EM where a third costs 0.15.
_CLASS_VOTES = 60_000


def _within_votes(X: sp.csr_matrix, rows: np.ndarray, most: int,
                  rng: np.random.Generator) -> np.ndarray:
    """``rows`` (sorted), or a random subset of them, in their order, whose votes stay within
    ``most``."""
    counts = np.diff(X.indptr)[rows]
    if counts.sum() <= most:
        return rows
    order = rng.permutation(len(rows))
    keep = order[: max(int(np.searchsorted(np.cumsum(counts[order]), most, side="right")), 2)]
    return rows[np.sort(keep)]


#: Random EM starts of each latent-class level beside its k-means cells (the veto needs the
#: model to find a minority class; on planted 50/25/15/10 rooms one random start alone left 8
#: group-rejected top-10 places in 20 seeds, three 3).
_CLASS_RANDOM_STARTS = 2


def _opinion_cells(
    run: Run, members: np.ndarray, groups: np.ndarray | None = None
) -> tuple[np.ndarray | None, list[ClassRates]]:
    """(len(fine_levels), n_participants) cells of the opinion space (:mod:`engine.opinion_space`)
    for the common-ground veto (None when switched off or the room is too small), and the
    latent classes of its fit sample with their own agree rates (:mod:`engine.class_veto`),
    each level started from the k-means cells of the same number, from the opinion groups
    ``groups`` (each participant's group label, -1 for none; when there are two or more,
    :func:`_group_start`) and from two random labellings; the best screened start is fitted
    (:func:`engine.latent_class.fit_classes`). None when the space finds no pattern beyond
    chance."""
    cg = run.settings.bridging_fit.common_ground
    if not cg.fine_levels and not cg.class_levels:
        return None, []
    rng = np.random.default_rng(run.random_state)
    member = np.zeros(run.X.shape[0], dtype=bool)
    member[members] = True
    space = opinion_space(
        run.X, run.active, member, max_dims=cg.space_max_dims, max_rows=cg.space_rows, rng=rng
    )
    if space is None:
        return None, []
    levels = tuple(sorted(set(cg.fine_levels) | set(cg.class_levels)))
    cells = opinion_cells(space, run.X.shape[0], levels, rng=rng)
    rows = space.placed if space.fit is None else space.placed[space.fit]
    rows = _within_votes(run.X, rows, _CLASS_VOTES, rng)
    # Also start each level from the opinion groups, when there are two or more: a start that
    # already holds a minority the groups found. On planted 6-group rooms it took group-rejected
    # top-10 places from 46 to 37 in 10 seeds (benchmarks/RESULTS.md, session 9, cg16f); with
    # one group (the fresh rooms, the 20,000-participant export) nothing changes.
    in_groups = None
    if groups is not None:
        g = np.asarray(groups, dtype=np.int64)[rows]
        if len(np.unique(g[g >= 0])) >= 2:
            in_groups = g
    classes = []
    residual: np.ndarray | None = None
    for k in cg.class_levels:
        starts = [cells[levels.index(k), rows]]
        if in_groups is not None:
            starts += _group_starts(in_groups, cells[levels.index(k), rows], k)
        starts += [rng.integers(k, size=len(rows)) for _ in range(_CLASS_RANDOM_STARTS)]
        # And from k-means cells of the positions with each participant's leniency left out
        # (engine.latent_class.residual_positions): with wide response styles the opinion
        # space's cells split strict from lenient voters and the minority class is not found
        # from them (benchmarks/RESULTS.md, "Session 11, cg16i").
        seed = int(rng.integers(2**31))
        if residual is None:
            residual = _residual_space(run, rows, seed)
        if residual is not None and residual.shape[1] and len(residual) > k:
            starts.append(_kmeans_labels(residual, k, seed))
        rates = class_rates(run.X, run.active, rows, starts)
        if rates is not None:
            classes.append(rates)
    fine = cells[[levels.index(k) for k in cg.fine_levels]] if cg.fine_levels else None
    return fine, classes


#: Components of the leniency-free residual positions the class model's extra start is cut
#: from (k-means at each class level). On the 20 common-fresh rooms of seeds 0-9, 3, 6 and 10
#: components gave 38, 36 and 36 group-rejected top-10 places (benchmarks/RESULTS.md, "Session
#: 11, cg16i"): not sensitive.
_RESIDUAL_DIMS = 6


def _residual_space(run: Run, rows: np.ndarray, seed: int) -> np.ndarray | None:
    """(len(rows), <= _RESIDUAL_DIMS) positions of ``rows`` with each participant's leniency
    left out (:func:`engine.latent_class.residual_positions`); None without votes."""
    v = votes_of(run.X, rows, np.asarray(run.active, dtype=bool))
    if not len(v.y) or min(v.n, v.n_statements) < 2:
        return None
    with threadpool_limits(limits=1):  # small dense steps: threads only wait on each other
        return residual_positions(v, _RESIDUAL_DIMS, seed=seed)


def _kmeans_labels(points: np.ndarray, k: int, seed: int) -> np.ndarray:
    """k-means (three restarts) labels of ``points``: an EM start."""
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        return np.asarray(KMeans(k, n_init=3, random_state=seed).fit_predict(points))


def _group_starts(groups: np.ndarray, cells: np.ndarray, k: int) -> list[np.ndarray]:
    """EM starts from the opinion groups: :func:`_group_start`, and with fewer groups than k
    also one start per other group that splits *that* group first
    (its largest k-means cell a class of its own), each distinct labelling once.

    Why: when the groups merge a minority into one of them, the class that would hold it
    comes from splitting that group, not necessarily the largest; the screening keeps the
    start the votes fit best. On the robustness grid's 4-group rooms where the engine found
    3 groups (benchmarks/RESULTS.md, "Session 10, cg16g") splitting only the largest left
    the minority merged in the classes too, and 1-5 statements it rejects in the top 10.

    Examples
    --------
    >>> [s.tolist() for s in _group_starts(np.array([0, 0, 0, 0, 1, 1, 1]),
    ...                                     np.array([0, 0, 1, 1, 2, 2, 3]), 3)]
    [[2, 2, 0, 0, 1, 1, 1], [0, 0, 0, 0, 2, 2, 1]]
    """
    out = [_group_start(groups, cells, k)]
    g = np.asarray(groups)
    n = len(np.unique(g[g >= 0]))
    if 1 <= n < k:
        for first in range(1, n):
            start = _group_start(groups, cells, k, first=first)
            if not any(np.array_equal(start, o) for o in out):
                out.append(start)
    return out


def _group_start(groups: np.ndarray, cells: np.ndarray, k: int, first: int = 0) -> np.ndarray:
    """A labelling 0..k-1 from the opinion groups ``groups`` (-1: in none; they join the
    largest group): each group is a class; with more groups than k the smallest merges into
    the largest; with fewer, the largest class that can gives its largest k-means cell
    (``cells``, the same rows) to a new class, until there are k (or nothing can be split).
    ``first`` > 0: the first split is of the first-th largest group instead.

    Examples
    --------
    >>> _group_start(np.array([0, 0, 0, 0, 1, 1, -1]), np.array([0, 0, 1, 1, 2, 2, 1]), 3)
    array([0, 0, 2, 2, 1, 1, 2])
    >>> _group_start(np.array([0, 0, 0, 1, 2]), np.array([0, 0, 0, 0, 0]), 2)
    array([0, 0, 0, 0, 1])
    """
    labels = np.asarray(groups, dtype=np.int64).copy()
    if (labels >= 0).any():
        labels[labels < 0] = np.bincount(labels[labels >= 0]).argmax()
    labels = np.unique(labels, return_inverse=True)[1].astype(np.int64)
    n = int(labels.max()) + 1 if len(labels) else 0
    while n > k:
        sizes = np.bincount(labels, minlength=n)
        labels[labels == int(np.argmin(sizes))] = int(np.argmax(sizes))
        labels = np.unique(labels, return_inverse=True)[1].astype(np.int64)
        n -= 1
    cells = np.asarray(cells, dtype=np.int64)
    while n < k:
        by_size = np.argsort(-np.bincount(labels, minlength=n), kind="stable")
        if first:  # split the first-th largest group first (once)
            by_size = np.concatenate([[by_size[min(first, n - 1)]], by_size])
            first = 0
        for big in by_size:
            inside = labels == big
            best = int(np.argmax(np.bincount(cells[inside] - cells.min())) + cells.min())
            part = inside & (cells == best)
            if 0 < part.sum() < inside.sum():
                labels[part] = n
                n += 1
                break
        else:
            break
    return labels


T = TypeVar("T")


def _timed(timings: dict[str, float], name: str, step: Callable[[], T]) -> T:
    start = time.perf_counter()
    out = step()
    timings[name] = time.perf_counter() - start
    return out


def run(
    matrix: VoteMatrix,
    settings: AnalysisSettings,
    previous: AnalysisState | None,
    random_state: int | None,
    *,
    live: bool,
    attributes: Attributes | None = None,
    already_in: Collection[Hashable] | None = None,
) -> AnalysisResult:
    """Every step in order; ``timings`` records each one's seconds (bridging's: what is left
    of its factor fit when the step is reached, the fit having started beside the others)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="factor-fit") as pool:
        return _run_steps(matrix, settings, previous, random_state, live, attributes,
                          already_in, pool)


def _run_steps(
    matrix: VoteMatrix,
    settings: AnalysisSettings,
    previous: AnalysisState | None,
    random_state: int | None,
    live: bool,
    attributes: Attributes | None,
    already_in: Collection[Hashable] | None,
    pool: ThreadPoolExecutor,
) -> AnalysisResult:
    t0 = time.perf_counter()
    times: dict[str, float] = {}
    r = tally(matrix, settings, previous, random_state, live)
    factors = start_factor_fit(r, pool)
    mapped = map_votes(r)
    times["pca"] = time.perf_counter() - t0
    in_conv = _timed(times, "in_conv", lambda: who_is_in(r, already_in))
    base = _timed(times, "base_clusters", lambda: base_clusters(r, mapped.omap, in_conv))
    start = time.perf_counter()
    choice = choose_k(r, mapped, base)
    groups = assign_groups(r, base, choice)
    times["groups"] = time.perf_counter() - start
    start = time.perf_counter()
    gv = count_group_votes(r, groups, choice.k)
    repness = find_repness(r, groups, gv)
    if choice.stability is not None and not choice.stability.clear_groups:
        # No clear groups: one group of everyone, nothing to set it apart from.
        repness = {g: [] for g in repness}
    times["repness"] = time.perf_counter() - start
    agree, disagree, gic = _timed(times, "consensus", lambda: find_consensus(r, gv))
    prio, current = _timed(times, "priorities", lambda: route(r, mapped.omap, gv, choice.k))
    bridge, bridged_at = _timed(
        times, "bridging", lambda: fit_bridging(r, groups.labels, attributes, base, factors)
    )
    times["total"] = time.perf_counter() - t0
    state = _next_state(r, mapped, base, choice, groups, current, bridge, bridged_at)
    return AnalysisResult(
        participant_ids=list(matrix.participant_ids),
        statement_ids=list(r.ids),
        n_participants=r.X.shape[0],
        n_statements=r.X.shape[1],
        n_votes=int(r.X.nnz),
        polis_compatible=settings.polis_compatible,
        in_conversation=in_conv,
        opinion_map=mapped.omap,
        clustering=_clustering(base, choice, groups),
        repness=repness,
        consensus_agree=agree,
        consensus_disagree=disagree,
        group_informed_consensus=gic,
        group_votes=gv,
        priorities=prio,
        timings=times,
        state=state,
        bridging=bridge,
    )


def _clustering(base: BaseClusters, choice: KChoice, groups: Groups) -> ClusteringResult:
    k = choice.k
    return ClusteringResult(
        labels=groups.labels,
        base_labels=groups.base_labels,
        base_centers=base.centers,
        base_sizes=base.sizes,
        base_ids=base.ids,
        group_centers=groups.centers[groups.order] if k else groups.centers,
        group_ids=groups.ids[groups.order] if k else groups.ids,
        k=k,
        k_raw=choice.k_raw,
        k_scores=choice.scores,
        stability=_in_id_order(choice.stability, groups.order),
    )


def _in_id_order(stability: GroupStability | None, order: np.ndarray) -> GroupStability | None:
    """The per-group figures in the output's row order (ascending group id)."""
    if stability is None or not stability.per_group or len(order) != len(stability.per_group):
        return stability
    return replace(
        stability,
        per_group=tuple(stability.per_group[i] for i in order.tolist()),
        sizes=tuple(stability.sizes[i] for i in order.tolist()),
    )


def _next_state(
    r: Run,
    mapped: MapStep,
    base: BaseClusters,
    choice: KChoice,
    groups: Groups,
    statement_votes: np.ndarray,
    bridge: BridgingResult | None,
    bridged_at: int,
) -> AnalysisState:
    """What this analysis hands to the next one (warm starts, stable ids, the k smoother)."""
    pids = r.participant_ids
    return AnalysisState(
        statement_ids=tuple(r.ids),
        participant_ids=tuple(pids),
        components=mapped.omap.components,
        in_conversation=frozenset(map(pids.__getitem__, base.members.tolist())),
        base_ids=base.ids,
        base_centers=base.centers,
        group_centers_by_k={kk: fit[1] for kk, fit in choice.fits.items() if kk >= 2},
        group_ids=groups.ids,
        group_centers=groups.centers,
        smoothed_k=choice.k,
        last_k=choice.last_k,
        last_k_count=choice.last_count,
        statement_votes=statement_votes,
        k_scored_at_votes=choice.k_scored_at,
        bridging=bridge,
        bridging_votes=bridged_at,
        axes_votes=mapped.axes_votes,
        base_members=groups.base_label_ids if r.variant.remembers_members else None,
        group_members_by_k={kk: (base.ids, g) for kk, g in choice.members_by_k.items()},
        group_stability=choice.stability,
        group_profiles=choice.profiles,
        group_placement=_placement(r, base, choice),
    )


def _placement(r: Run, base: BaseClusters, choice: KChoice) -> ClassPlacement | None:
    """Where this update placed everyone in its latent classes (None: the groups are not
    classes, or some class was merged away and the profiles no longer match the groups)."""
    profiles, labels = choice.profiles, choice.member_labels
    if profiles is None or labels is None or profiles.logit.shape[0] != choice.k:
        return None
    fingerprints = (choice.fingerprints if choice.fingerprints is not None
                    else vote_fingerprints(r.X, r.active, r.ids))
    everyone = np.full(r.X.shape[0], -1, dtype=np.int64)
    everyone[base.members] = labels
    return ClassPlacement(everyone, fingerprints)

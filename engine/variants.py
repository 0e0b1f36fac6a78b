"""Pol.is's way and the default way of the steps where the two modes differ (strategies).

:func:`engine.steps.run` picks one of :data:`POLIS_STEPS` or :data:`DEFAULT_STEPS` once, from
``settings.polis_compatible``, and calls its methods at the steps named after them. Each method
says in its docstring what Pol.is does and what the default does instead (the list in
:mod:`engine.settings`' docstring is the short version).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

import numpy as np
import scipy.sparse as sp

from . import clustering as cl
from .choose_k import Fits, cross_validated_k, held_out_losses, silhouette_k
from .continuum import (
    AxisSkew,
    axis_skew,
    class_continuum_test,
    continuum_test,
    third_axis_ratio,
)
from .grouping import (
    StableGrouping,
    class_groups,
    consensus,
    restart_seeds,
    runs_settled,
    stable_groups,
    third_axis_step,
    weighted_kmeans,
    with_class_test,
)
from .latent_class import Votes, side_by_side, votes_of
from .pca import default_axes, polis_axes, votes_per_row
from .settings import DEFAULT_MODE_K_BUFFER, GroupingSettings

if TYPE_CHECKING:
    from .result import AnalysisState, OpinionMap
    from .steps import BaseClusters, MapStep, Run

T = TypeVar("T")

__all__ = [
    "DEFAULT_STEPS",
    "POLIS_STEPS",
    "DefaultSteps",
    "GroupFit",
    "HeldOutVotes",
    "PolisSteps",
    "Variant",
    "align_columns",
]

#: A fit of one k: (group per base cluster, group centres, Pol.is only: group id per base).
GroupFit = tuple[np.ndarray, np.ndarray, np.ndarray | None]


def align_columns(
    previous_ids: tuple[Hashable, ...], values: np.ndarray, ids: list[Hashable], fill: float
) -> np.ndarray:
    """Re-index per-statement columns of an earlier analysis to this matrix's columns."""
    pos = {sid: i for i, sid in enumerate(previous_ids)}
    out = np.full((*values.shape[:-1], len(ids)), fill, dtype=np.float64)
    for j, sid in enumerate(ids):
        i = pos.get(sid)
        if i is not None:
            out[..., j] = values[..., i]
    return out


@dataclass(frozen=True)
class HeldOutVotes:
    """What the default mode scores held-out votes with, both when it chooses k
    (:func:`engine.choose_k.cross_validated_k`) and when it publishes groups
    (:func:`engine.choose_k.held_out_losses`): the votes, the members and their opinion map
    with its scaling. One home for these arguments, so the two scorings cannot drift apart."""

    X: sp.csr_matrix
    rows: np.ndarray
    members: np.ndarray
    omap: OpinionMap
    active: np.ndarray
    scale_columns: int
    extra_voted: int

    @classmethod
    def of(cls, run: Run, mapped: MapStep, base: BaseClusters) -> HeldOutVotes:
        """The arguments as a run, its map and its base clusters give them."""
        return cls(
            run.X,
            run.rows,
            base.members,
            mapped.omap,
            run.active,
            mapped.scale_columns,
            mapped.extra_voted,
        )

    def losses(
        self, fits: Fits, *, n_folds: int, rng: np.random.Generator, max_votes: int
    ) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        """:func:`engine.choose_k.held_out_losses` of ``fits`` on these votes."""
        return held_out_losses(
            self.X,
            self.rows,
            self.members,
            self.omap,
            fits,
            self.active,
            scale_columns=self.scale_columns,
            extra_voted=self.extra_voted,
            n_folds=n_folds,
            rng=rng,
            max_votes=max_votes,
            n_active=self.active_per_row,
        )

    @cached_property
    def active_per_row(self) -> np.ndarray:
        """Each participant's votes on active statements (counted once for all the runs: at
        50M votes 2 s a count)."""
        return votes_per_row(self.X, self.active)

    def choose_k(
        self, fits: Fits, *, n_folds: int, rng: np.random.Generator
    ) -> tuple[dict[int, float], int]:
        """:func:`engine.choose_k.cross_validated_k` of ``fits`` on these votes."""
        return cross_validated_k(
            self.X,
            self.rows,
            self.members,
            self.omap,
            fits,
            self.active,
            scale_columns=self.scale_columns,
            extra_voted=self.extra_voted,
            n_folds=n_folds,
            rng=rng,
        )


class Variant(Protocol):
    """The steps where Pol.is's way and the default differ."""

    #: Remember each participant's base cluster and each k's group memberships (Pol.is warm
    #: starts from members; the default from centres).
    remembers_members: bool

    def map_scaling(self, run: Run) -> tuple[int, int]: ...
    def keeps_axes(self, run: Run) -> bool: ...
    def axes(
        self, run: Run, Xc: sp.csr_matrix, previous: np.ndarray | None, keep: bool
    ) -> tuple[np.ndarray, np.ndarray | None]: ...
    def previous_axes(self, run: Run) -> np.ndarray | None: ...
    def base_clusters(
        self, run: Run, points: np.ndarray, members: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...
    def fit_groups(self, run: Run, base: BaseClusters, k: int, max_iter: int) -> GroupFit: ...
    def keeps_k(self, run: Run, candidates: list[int]) -> bool: ...
    def choose_k(
        self, run: Run, mapped: MapStep, base: BaseClusters, fits: Fits
    ) -> tuple[dict[int, float], int]: ...
    def k_buffer(self, run: Run) -> int: ...

    #: The default chooses its groups by :func:`engine.grouping.stable_groups` (issue 15).
    stable_groups: bool

    def keeps_grouping(self, run: Run) -> bool: ...
    def publish(self, run: Run, mapped: MapStep, base: BaseClusters) -> StableGrouping: ...
    def routing_votes(self, run: Run, current: np.ndarray) -> np.ndarray: ...


class _Common:
    def previous_axes(self, run: Run) -> np.ndarray | None:
        """The previous update's axes aligned to this matrix's columns (warm start)."""
        prev = run.previous
        if prev is None or not prev.components.size:
            return None
        return align_columns(prev.statement_ids, prev.components, run.ids, self.new_loading)

    new_loading = 0.0


class PolisSteps(_Common):
    """Pol.is's variant of each step, quirks included (``shared/research/polis-math.md``)."""

    remembers_members = True
    stable_groups = False
    #: Pol.is pads a new statement's loading with 1.0 in the warm-start components.
    new_loading = 1.0

    def map_scaling(self, run: Run) -> tuple[int, int]:
        """Pol.is zero-fills moderated-out columns: they count as voted and in n_cmts."""
        return int(run.voted_cols.sum()), int((run.voted_cols & ~run.matrix.active).sum())

    def keeps_axes(self, run: Run) -> bool:
        """Pol.is recomputes everything on every tick."""
        return False

    def axes(
        self, run: Run, Xc: sp.csr_matrix, previous: np.ndarray | None, keep: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Power iteration with Pol.is's fixed budget (``pca-iters``); a cold start begins at
        the converged axes (``settings.pca_converged_start``)."""
        s = run.settings
        return polis_axes(
            Xc,
            s.n_components,
            iterations=s.pca_iterations,
            previous=previous,
            rng=run.rng,
            converged_start=s.pca_converged_start,
        )

    def base_clusters(
        self, run: Run, points: np.ndarray, members: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """First k distinct points, or a warm start from the previous tick's members."""
        s = run.settings
        return cl.polis_base_clusters(
            points,
            k=s.base_k,
            max_iter=s.base_iterations,
            previous_members=_previous_base_members(run.previous, run.participant_ids, members),
            tolerance=s.kmeans_tolerance,
        )

    def fit_groups(self, run: Run, base: BaseClusters, k: int, max_iter: int) -> GroupFit:
        """Pol.is warm-starts k's groups from the previous tick's memberships and always runs
        its 20 (+1) steps (``settings.group_iterations``; ``max_iter`` is the default's)."""
        prev_members = None
        prev = run.previous
        if prev is not None and k in prev.group_members_by_k:
            old_base, old_group = prev.group_members_by_k[k]
            lookup = dict(zip(old_base.tolist(), old_group.tolist(), strict=True))
            prev_members = np.array([lookup.get(b, -1) for b in base.ids.tolist()], np.int64)
        labels, centers, ids = cl.polis_group_clusters(
            base.centers,
            base.sizes,
            k,
            max_iter=run.settings.group_iterations,
            previous_members=prev_members,
            tolerance=run.settings.kmeans_tolerance,
        )
        return labels, centers, ids[labels]

    def keeps_k(self, run: Run, candidates: list[int]) -> bool:
        return False

    def keeps_grouping(self, run: Run) -> bool:
        return False

    def publish(self, run: Run, mapped: MapStep, base: BaseClusters) -> StableGrouping:
        """Pol.is publishes its silhouette k (:meth:`choose_k`); never called."""
        raise NotImplementedError("Pol.is mode chooses k by silhouette")

    def choose_k(
        self, run: Run, mapped: MapStep, base: BaseClusters, fits: Fits
    ) -> tuple[dict[int, float], int]:
        """Silhouette on the base centres; ties go to the larger k."""
        return silhouette_k(base.centers, fits)

    def k_buffer(self, run: Run) -> int:
        """Pol.is ``group-k-buffer``: 4 updates in a row."""
        return run.settings.k_buffer

    def routing_votes(self, run: Run, current: np.ndarray) -> np.ndarray:
        """Pol.is reads the previous tick's group votes (quirk Q2). Without a previous tick,
        this update's: what Pol.is's steady state gives (its very first tick reads zeros and
        scores every statement as unseen, up to 7e4 times off)."""
        prev = run.previous
        if prev is None or prev.statement_votes is None:
            return current
        return align_columns(prev.statement_ids, prev.statement_votes, run.ids, 0.0)


class DefaultSteps(_Common):
    """The default variant: converged axes, k-means++, cross-validated k, live warm starts."""

    remembers_members = False
    stable_groups = True

    def map_scaling(self, run: Run) -> tuple[int, int]:
        """Excluded statements are dropped: only active columns count."""
        return int(run.active.sum()), 0

    def keeps_axes(self, run: Run) -> bool:
        """Live update: keep the axes until the votes grew by ``live.rescore_growth`` or the
        statements changed."""
        prev = run.previous
        return (
            run.live
            and prev is not None
            and run.X.nnz < (1.0 + run.settings.live.rescore_growth) * max(prev.axes_votes, 1)
            and set(prev.statement_ids) == set(run.ids)
        )

    def axes(
        self, run: Run, Xc: sp.csr_matrix, previous: np.ndarray | None, keep: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Solved to convergence; a live update refines the previous axes instead."""
        return default_axes(
            Xc,
            run.settings.n_components,
            previous=previous,
            rng=np.random.default_rng(run.settings.grouping.random_state),
            refine_iterations=run.settings.live.pca_refine_steps if run.live else 0,
            keep=keep,
        )

    def base_clusters(
        self, run: Run, points: np.ndarray, members: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """k-means++ (seeded) or warm-started from the previous centres; a live update moves
        each participant to the nearest previous base centre (one Lloyd step)."""
        prev, s = run.previous, run.settings
        if run.live and prev is not None and len(prev.base_centers) > 0:
            return cl.assign_to_base(points, prev.base_centers, prev.base_ids)
        return cl.base_clusters(
            points,
            k=s.base_k,
            max_iter=s.base_iterations,
            previous_centers=prev.base_centers if prev is not None else None,
            previous_ids=prev.base_ids if prev is not None else None,
            random_state=s.grouping.random_state,
        )

    def fit_groups(self, run: Run, base: BaseClusters, k: int, max_iter: int) -> GroupFit:
        """Weighted k-means++ with restarts, or warm-started from the previous centres for k."""
        prev = run.previous
        labels, centers = cl.group_clusters(
            base.centers,
            base.sizes,
            k,
            max_iter=max_iter,
            init=prev.group_centers_by_k.get(k) if prev is not None else None,
            random_state=run.settings.grouping.random_state,
        )
        return labels, centers, None

    def keeps_k(self, run: Run, candidates: list[int]) -> bool:
        """Live update: keep k until the votes grew by ``live.rescore_growth``."""
        prev = run.previous
        return (
            run.live
            and prev is not None
            and run.settings.force_k is None
            and prev.smoothed_k in candidates
            and run.X.nnz
            < (1.0 + run.settings.live.rescore_growth) * max(prev.k_scored_at_votes, 1)
        )

    def choose_k(
        self, run: Run, mapped: MapStep, base: BaseClusters, fits: Fits
    ) -> tuple[dict[int, float], int]:
        """Cross-validated predictive log-loss (:func:`engine.choose_k.cross_validated_k`)."""
        return HeldOutVotes.of(run, mapped, base).choose_k(
            fits,
            n_folds=run.settings.k_cv_folds,
            rng=np.random.default_rng(run.settings.grouping.random_state),
        )

    def keeps_grouping(self, run: Run) -> bool:
        """Live update: keep the published groups (refitted from their centres) until the votes
        grew by ``live.rescore_growth``."""
        prev = run.previous
        return (
            run.live
            and prev is not None
            and prev.smoothed_k >= 1
            and run.X.nnz
            < (1.0 + run.settings.live.rescore_growth) * max(prev.k_scored_at_votes, 1)
        )

    def publish(self, run: Run, mapped: MapStep, base: BaseClusters) -> StableGrouping:
        """The groups the votes support, seed-free (:func:`engine.grouping.stable_groups`): the
        consensus of up to ``grouping.restarts`` runs, each with its own seed, stopped once
        whether there are groups is settled (:func:`engine.grouping.runs_settled`,
        :func:`engine.grouping.consensus`)."""
        s = run.settings.grouping
        seeds = restart_seeds(s)
        runs: list[StableGrouping] = []
        third_axis = _Once(lambda: third_axis_ratio(
            run.X, base.members, run.active, max_points=s.class_max_participants,
            rng=np.random.default_rng([s.random_state, 16])))
        # The same participants (the same generator seed draws the same sample first).
        lopsided = _Once(lambda: axis_skew(
            run.X, base.members, run.active, max_points=s.class_max_participants,
            rng=np.random.default_rng([s.random_state, 16])))
        # Everyone's agree/disagree votes, for the latent classes (the same for every run; at
        # 50M votes about 3 GB, once rather than once per run).
        everyone = _Once(lambda: votes_of(run.X, base.members, run.active))
        scoring = HeldOutVotes.of(run, mapped, base)  # the held-out votes' counts shared too
        # The runs are compared on a fixed sample of participants in a large room: a run of
        # latent classes then places only them, and everyone only if it is published.
        n = len(base.members)
        sample = (np.sort(np.random.default_rng([s.random_state, 17]).choice(
            n, s.consensus_max_participants, replace=False))
            if n > s.consensus_max_participants else None)
        # One run never settles whether there are groups, so the first two always run: the
        # second in a thread beside the first (NumPy's and SciPy's loops release the GIL; each
        # run reads only its own seed's generators and the shared votes), the same two runs
        # as one after the other, sooner on two cores.
        def one_run(seed: int) -> StableGrouping:
            return self._publish_once(run, mapped, base, s.with_(random_state=seed),
                                      third_axis, lopsided, everyone, scoring, sample)

        def beside(seed: int) -> StableGrouping:
            # Runs side by side fill the two cores; each does its parallel work itself while
            # another is still running.
            with side_by_side():
                return one_run(seed)

        # In a large room the third run starts beside them too: it is needed wherever the first
        # two find groups, and three runs at once leave no core idle while one run does work
        # that does not split (it is set aside, unused, where two settle it).
        at_once = seeds[:3] if sample is not None else seeds[:2]
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="grouping-run") as pool:
            others = [pool.submit(beside, seed) for seed in at_once[1:]]
            runs.append(beside(seeds[0]) if others else one_run(seeds[0]))
            runs.extend(f.result() for f in others)
        if len(runs) > 2 and runs_settled([g.k for g in runs[:2]], s.restarts):
            runs = runs[:2]
        for seed in seeds[len(runs):]:
            if runs_settled([g.k for g in runs], s.restarts):
                break
            runs.append(one_run(seed))

        def members(g: StableGrouping) -> np.ndarray:
            """A run's group of each participant in conversation (of the sample's, if any)."""
            if g.member_labels is None:
                labels = g.labels[base.labels]
            elif g.place is not None:  # only the sample is placed yet
                return g.member_labels
            else:
                labels = g.member_labels
            return labels if sample is None else labels[sample]

        chosen = consensus(runs, members, s.restarts)
        if third_axis.value is None:
            return chosen
        return replace(chosen, stability=replace(chosen.stability,
                                                 third_axis=third_axis.value))

    def _publish_once(
        self, run: Run, mapped: MapStep, base: BaseClusters, grouping: GroupingSettings,
        third_axis: Callable[[], float], lopsided: Callable[[], AxisSkew],
        everyone: Callable[[], Votes], scoring: HeldOutVotes, sample: np.ndarray | None,
    ) -> StableGrouping:
        """One run of the grouping with the seed in ``grouping``; ``third_axis`` gives the
        votes' third axis against noise, ``lopsided`` the skew of their first axes and
        ``everyone`` the participants' agree/disagree votes (the same for every run: computed
        once, where a run first needs it), ``scoring`` the held-out votes; latent classes place
        only the participants ``sample`` (rows of ``base.members``) where it is given."""
        s = run.settings
        points = mapped.omap.coordinates[base.members, :2]
        if points.shape[1] < 2:
            points = np.column_stack([points, np.zeros(len(points))])

        def held_out(fits: Fits) -> tuple[np.ndarray, dict[int, np.ndarray]]:
            return scoring.losses(
                fits,
                n_folds=grouping.held_out_folds,
                rng=np.random.default_rng(grouping.random_state),
                max_votes=grouping.held_out_max_votes,
            )

        def split_p(rows: np.ndarray, rng: np.random.Generator) -> float:
            return continuum_test(
                run.X,
                base.members[rows],
                run.active,
                mapped.omap.center,
                mapped.omap.components,
                scale_columns=mapped.scale_columns,
                extra_voted=mapped.extra_voted,
                n_null=grouping.split_null,
                max_points=grouping.max_test_points,
                rng=rng,
                n_null_max=grouping.split_null_max,
                alpha=grouping.split_alpha,
                margin=grouping.sequential_margin,
            ).p_value

        mapped_groups = stable_groups(
            points,
            base.labels,
            base.centers,
            base.sizes,
            settings=grouping,
            max_groups=s.max_groups,
            held_out=held_out,
            split_p=split_p,
        )
        if not grouping.latent_classes or mapped_groups.k < 1:
            return mapped_groups
        # Where the map finds no clear groups, the votes' own test may still find classes.
        class_test = None
        if (
            mapped_groups.k < 2
            and grouping.class_test
            and len(base.members) >= 2 * grouping.min_group_size
            and not any(step.kind == "alike" for step in mapped_groups.stability.steps)
        ):
            class_test = class_continuum_test(
                run.X,
                base.members,
                run.active,
                mapped.omap.center,
                mapped.omap.components,
                scale_columns=mapped.scale_columns,
                extra_voted=mapped.extra_voted,
                n_null=grouping.class_test_null,
                max_points=grouping.class_max_participants,
                max_votes=grouping.class_test_votes,
                z_crit=grouping.class_test_z,
                rng=np.random.default_rng([grouping.random_state, 15]),
                full_objective=grouping.class_test_full_objective,
            )
        # Where both say "one continuum", a third axis well above noise may still be four or
        # more groups: the classes are sought, and must beat the continuous trait.
        axis = None
        screen = None
        if mapped_groups.k < 2 and (class_test is None or not class_test.groups):
            if class_test is not None and grouping.classes_beat_trait:
                if len(base.members) >= grouping.trait_min_participants:
                    axis = third_axis()
                # A small minority has no third axis but a lopsided one (step 7).
                skew = (lopsided() if axis is not None and axis < grouping.classes_screen_axis
                        and grouping.classes_axis_skew else None)
                screen = third_axis_step(axis, len(base.members), grouping, skew)
            if screen is None or screen.kind not in ("third_axis", "skewed_axis"):
                return with_class_test(mapped_groups, class_test, grouping, screen)

        def map_labels(k: int) -> np.ndarray:
            """The map's grouping at k (weighted k-means of the base clusters, fixed seed);
            with no more base clusters than k, each its own class."""
            if len(base.centers) <= k:
                return base.labels % k
            rng = np.random.default_rng([grouping.random_state, k])
            labels, _ = weighted_kmeans(base.centers, base.sizes, k, rng)
            return labels[base.labels]

        return class_groups(
            everyone(),
            points,
            map_labels,
            base.labels,
            len(base.centers),
            mapped_groups,
            settings=grouping,
            max_groups=s.max_groups,
            class_test=class_test,
            third_axis=axis,
            screen=screen,
            axis_ratio=third_axis if grouping.trait_three_axes else None,
            consensus_rows=sample,
        )

    def k_buffer(self, run: Run) -> int:
        """At most :data:`engine.settings.DEFAULT_MODE_K_BUFFER` (2) updates in a row."""
        return min(run.settings.k_buffer, DEFAULT_MODE_K_BUFFER)

    def routing_votes(self, run: Run, current: np.ndarray) -> np.ndarray:
        """This update's group votes."""
        return current


class _Once(Generic[T]):
    """A value computed on the first call, by whichever run of the grouping (thread) asks
    first; the others wait for it and get the same."""

    def __init__(self, compute: Callable[[], T]) -> None:
        self._compute = compute
        self._lock = threading.Lock()
        self._value: T | None = None

    def __call__(self) -> T:
        with self._lock:
            if self._value is None:
                self._value = self._compute()
            return self._value

    @property
    def value(self) -> T | None:
        """The value if some run computed it, else None (never computes)."""
        with self._lock:
            return self._value


def _previous_base_members(
    previous: AnalysisState | None, participant_ids: list[Hashable], members: np.ndarray
) -> np.ndarray | None:
    """Pol.is mode: each member's base-cluster id in the previous update (-1: none)."""
    if previous is None or previous.base_members is None:
        return None
    pos = {pid: i for i, pid in enumerate(previous.participant_ids)}
    out = np.full(len(members), -1, dtype=np.int64)
    for j, row in enumerate(members.tolist()):
        i = pos.get(participant_ids[row])
        if i is not None:
            out[j] = previous.base_members[i]
    return out


POLIS_STEPS = PolisSteps()
DEFAULT_STEPS = DefaultSteps()

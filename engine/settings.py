"""Every threshold and constant of the analysis, named once, with where it comes from.

Two presets exist. :data:`POLIS` reproduces what Pol.is computes, its quirks included (see
``shared/research/polis-math.md``). The default, :class:`AnalysisSettings()`, keeps the Pol.is
pipeline shape but differs where Pol.is is knowingly weak:

* PCA is solved to convergence by ARPACK (``scipy.sparse.linalg.svds``) instead of a fixed 100
  power iterations, and signs are aligned with the previous components, so maps do not flip.
* Base clusters use k-means++ (seeded) instead of "the first k distinct points in matrix order".
* Only the groups the votes support are published (:mod:`engine.grouping`, issue 15): splits that
  beat simulated continua fitted to the votes, predict held-out votes better, leave no group under
  ``GroupingSettings.min_group_size`` and are reproducible under resampling; a fixed grouping seed
  makes them independent of ``random_state``. Where the map finds groups this way, latent classes
  of the votes themselves (with a leniency per participant, :mod:`engine.latent_class`) decide how
  many and who, so a small minority hidden on the map becomes a group. Pol.is's silhouette of
  base-cluster centres favours two groups regardless of the data.
* Excluded (moderated-out, meta) statements are dropped, not zero-filled, so they neither count as
  "voted" in the projection scaling nor shrink it.
* The k smoother needs 2 consecutive updates instead of 4.
* Common ground (issue 16; Pol.is has no veto): every group and role must support a statement
  with evidence, and a cell of at least 3% of the participants in an opinion space of as many
  dimensions as beat the noise can veto it, even when the groups merged a minority; so can a
  latent class of at least 3% whose own agree rate, with the mixing of its members undone, lies
  below one half by a likelihood-ratio test (:mod:`engine.class_veto`).

One tree holds every setting: :class:`AnalysisSettings` nests the bridging fit
(:class:`BridgingSettings`), the participation and diversity measures (:class:`DiversitySettings`)
and live updates (:class:`LiveSettings`). Each class declares the allowed values of its fields
once (``_constraints``) and :class:`_Validated` checks them on construction. The constants that
more than one module reads (Pol.is's 7 votes and its z for one-sided 90%, the k-anonymity floor)
are named here once, with their source.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from numbers import Integral, Real
from typing import Any, ClassVar, Self

from .errors import InvalidSettingError

__all__ = [
    "DIVERSITY",
    "DUPLICATE_PROFILES",
    "MIN_CELL_SIZE_FLOOR",
    "POLIS",
    "POLIS_KMEANS_TOLERANCE",
    "POLIS_MAX_GROUPS",
    "POLIS_MIN_VOTES",
    "Z_90",
    "AnalysisSettings",
    "BridgingSettings",
    "CommonGroundSettings",
    "DiversitySettings",
    "DuplicateFlagModel",
    "DuplicateSettings",
    "GroupingSettings",
    "Interval",
    "LiveSettings",
]

#: Pol.is ``min-votes``: a participant with this many votes (or as many as there are statements)
#: is in conversation, i.e. clustered (``conversation.clj``). Read by the clustering and by the
#: participation funnel.
POLIS_MIN_VOTES = 7
#: z for a one-sided 90% test, the standard normal's 0.9 quantile rounded as Pol.is writes it
#: (``stats.clj`` ``z-90``); repness and consensus keep statements whose z exceeds it.
Z_90 = 1.2816
#: Pol.is's largest number of opinion groups (max-k = min(5, 2 + n_base // 12); see
#: ``shared/research/polis-math.md``, group clusters).
POLIS_MAX_GROUPS = 5
#: Smallest k-anonymity threshold we accept. Below 3 a published cell plus the total lets a
#: reader single out one or two people (issue 5: "k configurable, never below 3").
MIN_CELL_SIZE_FLOOR = 3
#: Pol.is k-means convergence (``clusters.clj`` ``same-clustering?``): every centre moved less
#: than this.
POLIS_KMEANS_TOLERANCE = 0.01
#: Default mode: the k smoother needs this many updates in a row at most (Pol.is: 4).
DEFAULT_MODE_K_BUFFER = 2
#: Threads the native libraries under an analysis may use (OpenMP in scikit-learn's k-means,
#: BLAS under numpy and SciPy), set for the duration of :func:`engine.analysis.analyze` and
#: ``update``. One: the analysis is many small operations, where a second thread costs more in
#: hand-offs than it saves, and on a busy machine (the live service's web process beside the
#: analyser) OpenMP's idle threads spin. Measured on a 20,000-participant export on a loaded
#: 2-core machine: base clusters 2.06 -> 0.33 s, the analysis 9.8 -> 2.2 s; identical output
#: (benchmarks/RESULTS.md, "Start-up and end to end").
NATIVE_THREADS = 1


@dataclass(frozen=True)
class Interval:
    """Allowed values of one numeric setting (like scikit-learn's parameter constraints).

    ``kind`` is ``Integral`` or ``Real``; ``low`` / ``high`` are bounds (``None``: unbounded),
    ``closed`` says which bounds are included: "both", "left", "right" or "neither".
    ``optional`` also allows ``None``.
    """

    kind: type
    low: float | None = None
    high: float | None = None
    closed: str = "both"
    optional: bool = False

    def allows(self, value: Any) -> bool:
        if value is None:
            return self.optional
        if not isinstance(value, self.kind):
            return False
        number = float(value)  # type: ignore[arg-type]  # kind is Integral or Real
        low_ok = self.low is None or (
            number >= self.low if self.closed in ("both", "left") else number > self.low
        )
        high_ok = self.high is None or (
            number <= self.high if self.closed in ("both", "right") else number < self.high
        )
        return bool(low_ok and high_ok)

    def __str__(self) -> str:
        """The rule as the error message states it, e.g. "in 2..10", "a positive integer"."""
        text = self._describe()
        return text + " or None" if self.optional else text

    def _describe(self) -> str:
        low_in = self.closed in ("both", "left")
        high_in = self.closed in ("both", "right")
        if self.high is None and self.low is not None:
            if self.kind is Integral:
                return "a positive integer" if self.low == 1 else f"an integer >= {self.low:g}"
            return f">= {self.low:g}" if low_in else f"> {self.low:g}"
        if self.kind is Integral and self.closed == "both":
            return f"in {self.low:g}..{self.high:g}"
        left, right = "[" if low_in else "(", "]" if high_in else ")"
        return f"in {left}{self.low:g}, {self.high:g}{right}"


def _positive_int() -> Interval:
    return Interval(Integral, 1, None)


class _Validated:
    """Base of the settings classes: checks ``_constraints`` on construction; :meth:`with_`."""

    _constraints: ClassVar[dict[str, Interval]] = {}

    def __post_init__(self) -> None:
        for name, allowed in self._constraints.items():
            value = getattr(self, name)
            if not allowed.allows(value):
                raise InvalidSettingError(f"{name} must be {allowed}, got {value!r}")
        for f in fields(self):  # type: ignore[arg-type]
            default = f.default
            if isinstance(default, _Validated) and not isinstance(
                getattr(self, f.name), type(default)
            ):
                raise InvalidSettingError(
                    f"{f.name} must be a {type(default).__name__}, got {getattr(self, f.name)!r}"
                )

    def with_(self, **changes: object) -> Self:
        """A copy with some settings changed (validated again)."""
        return replace(self, **changes)  # type: ignore[type-var]


@dataclass(frozen=True)
class CommonGroundSettings(_Validated):
    """The common-ground rule (:mod:`engine.common_ground`): every group supports, any vetoes."""

    #: A group supports a statement when the lower bound of its agree share among those who took
    #: a side lies above this, and rejects it when the upper bound lies below: 0.5 is "a majority
    #: of the group agrees" (Pol.is' consensus asks the same of every group, ``repness.clj``).
    threshold: float = 0.5
    #: z of those bounds: one-sided 95% (1.6449), so each group's support, and each veto, is
    #: a one-sided test at the 5% level (Pol.is uses one-sided 90% for its consensus list; we ask
    #: more because a veto removes a statement for everyone).
    z: float = 1.6449
    #: A group needs at least this many agree-or-disagree votes before it can support or veto
    #: (the k-anonymity minimum of 5, as ``DiversitySettings.min_group_votes``); fewer is "not
    #: enough votes yet".
    min_group_votes: int = 5
    #: Cell counts of the finer partitions whose veto catches a minority the groups merged:
    #: k-means cells of the many-dimensional opinion space (:mod:`engine.opinion_space`), one
    #: partition per count. Coarse levels: on planted 70/20/10 and 50/25/15/10 rooms (1,500
    #: participants, 15% density, 12 seeds each) the levels (2, 3, 4, 5, 6, 8) left 3 and 1
    #: group-rejected statements in the top 10s, adding 10 and 12 cells 8 and 6 (a finer cell has
    #: fewer votes, so a wider interval; our choice; benchmarks/RESULTS.md, "issue 16, session
    #: 6"). Empty switches the fine veto off.
    fine_levels: tuple[int, ...] = (2, 3, 4, 5, 6, 8)
    #: ... and a fine cell vetoes (and enters the order within a status) only if it holds at
    #: least this share of the clustered participants. Issue 16 asks that minorities down to 5%
    #: keep their voice; a cell rarely catches a whole minority (about 80% of it, with some
    #: others), so the bar sits below 5%: on planted 75/20/5 rooms (8 seeds) 0.03 gave
    #: precision@10 0.75 with 20 group-rejected top-10 places, 0.05 0.40 with 119 (20 seeds), at
    #: no change on 70/20/10 rooms and a lowest held-out group agree of 0.676 against 0.683 on
    #: the Pol.is exports (benchmarks/RESULTS.md, "issue 16, session 6"). Below it one outlying
    #: handful could veto everything; and a cell needs ``min_group_votes`` votes on a statement
    #: to veto it, so never fewer than 5 people.
    veto_min_share: float = 0.03
    #: Most components of that opinion space; fewer are kept when fewer beat the noise
    #: (parallel analysis, :mod:`engine.opinion_space`). Planted rooms of 3-6 groups keep 3-7.
    space_max_dims: int = 10
    #: Above this many participants in conversation, a random this many are placed in the space
    #: and form the fine cells (the others are left out of the fine veto): bounds its cost on
    #: very large rooms to O(their votes); 20,000 still give a 5% cell about 1,000 members.
    #: (The axes and the cells' centres come from at most 1,500 of them,
    #: ``engine.opinion_space.FIT_ROWS``; everyone placed is assigned and counts.)
    space_rows: int = 20_000
    #: Numbers of latent classes whose agree rates, with the mixing of their members undone,
    #: can veto too (:mod:`engine.class_veto`): a 10% minority that no cell isolates at 15%
    #: density is still one class, and its own rate is estimated from each participant's class
    #: probability. 4 (our choice, not searched): on planted 70/20/10 and 50/25/15/10 rooms
    #: (1,500 participants, 15% density, 20 seeds) the group-rejected top-10 places went from 4
    #: and 9 to 4 and 6 (benchmarks/RESULTS.md, "Session 8, cg16d"). Empty switches it off.
    class_levels: tuple[int, ...] = (4,)

    _constraints: ClassVar[dict[str, Interval]] = {
        "threshold": Interval(Real, 0, 1, closed="neither"),
        "z": Interval(Real, 0, None, closed="neither"),
        "min_group_votes": _positive_int(),
        "veto_min_share": Interval(Real, 0, 1),
        "space_max_dims": _positive_int(),
        "space_rows": _positive_int(),
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        for name, least in (("fine_levels", 1), ("class_levels", 2)):
            levels = getattr(self, name)
            if not isinstance(levels, tuple) or not all(
                isinstance(n, Integral) and int(n) >= least for n in levels
            ):
                raise InvalidSettingError(
                    f"{name} must be a tuple of integers >= {least}, got {levels!r}"
                )


@dataclass(frozen=True)
class BridgingSettings(_Validated):
    """Settings of :func:`engine.bridging.bridging`; frozen, validated on construction."""

    #: Factor dimensions. Community Notes uses 1 ("to avoid overfitting").
    n_factors: int = 1
    #: Mean-loss penalty on intercepts (Community Notes: 0.15, five times the factors').
    intercept_reg: float = 0.15
    #: Mean-loss penalty on factors (Community Notes: 0.03).
    factor_reg: float = 0.03
    #: Weight of a pass (target 1/2) relative to an agree / disagree (see :mod:`engine.bridging`).
    #: Measured (benchmarks/RESULTS.md): 1 ranks statements whose held-out support is broadest
    #: (mean lowest-group agree rate of the top 10 on the Pol.is exports 0.70, vs 0.68 at 1/2
    #: and 0.65 when passes are dropped), at a 3% worse Brier score on agree-vs-disagree.
    pass_weight: float = 1.0
    #: ALS sweeps at most, and the largest parameter change that counts as converged
    #: (scores are shown to two decimals; 1e-4 leaves them within ~1e-4 of the optimum).
    max_iterations: int = 300
    tolerance: float = 1e-4
    #: Two-sided coverage of the score interval.
    interval_level: float = 0.95
    #: Pseudo-votes with the pooled residual variance added to each statement's own (shrinkage,
    #: so a statement with 3 identical votes does not get a zero-width interval).
    noise_prior_votes: float = 10.0
    #: Evidence rule: agrees needed from each side of the factor axis (Community Notes, 2025:
    #: 5 positive- and 5 negative-factor raters must rate a note helpful).
    min_side_agrees: int = 5
    #: A bridging statement's interval must lie above this score (support beyond the average
    #: vote that the factor does not explain).
    min_score: float = 0.0
    #: ... and its polarisation below this (Community Notes' factor cap |f_n| < 0.5).
    max_polarization: float = 0.5
    #: Refit with both sides of the factor axis weighted equally (Community Notes' side-balancing
    #: weights, from its expanded-consensus trial). Without it, the factor's zero point - where
    #: the intercept is read - sits near the majority, and a large group's favourites score as
    #: bridging (measured in benchmarks/RESULTS.md, "Bridging").
    balance_sides: bool = True
    #: ... with no participant weighted more than this (our choice: a handful of participants on
    #: a tiny side must not outweigh everyone).
    max_side_weight: float = 5.0
    #: k-anonymity for declared attributes (roles...): cells with fewer participants are hidden.
    min_cell_size: int = 5
    #: The common-ground rule that decides ``is_bridging`` in the ranked list (issue 16).
    common_ground: CommonGroundSettings = CommonGroundSettings()

    _constraints: ClassVar[dict[str, Interval]] = {
        "n_factors": _positive_int(),
        "max_iterations": _positive_int(),
        "min_side_agrees": Interval(Integral, 0, None),
        "intercept_reg": Interval(Real, 0, None, closed="neither"),
        "factor_reg": Interval(Real, 0, None, closed="neither"),
        "tolerance": Interval(Real, 0, None, closed="neither"),
        "pass_weight": Interval(Real, 0, 1),
        "interval_level": Interval(Real, 0, 1, closed="neither"),
        "max_side_weight": Interval(Real, 1, None),
        "noise_prior_votes": Interval(Real, 0, None),
        "max_polarization": Interval(Real, 0, None, closed="neither"),
        "min_cell_size": Interval(Integral, MIN_CELL_SIZE_FLOOR, None),
    }


@dataclass(frozen=True)
class DiversitySettings(_Validated):
    """Settings of the participation, diversity and weighting measures (:mod:`engine.participation`,
    :mod:`engine.diversity`, :mod:`engine.weighting`); frozen, change with :meth:`with_`."""

    #: k-anonymity: hide every breakdown cell with fewer participants than this. 5 is the minimum
    #: used by Dutch survey vendors and CBS microdata practice (research note section 5.6).
    min_cell_size: int = 5
    #: Reference shares of one attribute must sum to 1 within this (issue 5).
    share_tolerance: float = 0.01
    #: Raking stops when every weighted margin share is within this of its target
    #: (the usual IPF stopping rule; PyPI ``ipfn`` uses 1e-3 by default, we ask for more).
    raking_tolerance: float = 1e-6
    #: Raking gives up (reporting ``converged=False``) after this many sweeps over the margins.
    raking_max_iterations: int = 100
    #: Histogram of votes per voter: number of bins of equal width from 1 to the largest count
    #: (engine.participation.histogram_edges; the report's votes-per-participant figure too).
    histogram_bins: int = 20
    #: Longest time series: two years of hours. A longer dialogue gets no hourly series (only
    #: daily); a span of more daily bins than this (over 48 years) means bad timestamps, e.g.
    #: milliseconds given as seconds, and is an error.
    max_time_bins: int = 24 * 366 * 2
    #: Per-statement group differences use only groups with at least this many votes on the
    #: statement (Jigsaw's consensus rule asks 20; we ask the k-anonymity minimum of 5 so that no
    #: group rate rests on one or two votes).
    min_group_votes: int = 5
    #: Coverage: how many top statements by group-informed consensus count by default (Pol.is
    #: shows 5 consensus ones).
    coverage_top_n: int = 5
    #: Weighted figures are withheld when the Kish effective sample size of the weights behind
    #: them (n_eff = (sum w)^2 / sum w^2; Kish 1965, Survey Sampling 11.7) is below this or below
    #: min_cell_size, whichever is larger: a weighted figure must carry at least the information
    #: of the smallest unweighted cell we publish (k-anonymity, research note 5.6). Issue 18: a
    #: reference that put 99.9% of the weight on one person gave n_eff 1.002 and their votes.
    min_effective_sample_size: float = 5.0

    _constraints: ClassVar[dict[str, Interval]] = {
        "min_cell_size": Interval(Integral, MIN_CELL_SIZE_FLOOR, None),
        "min_effective_sample_size": Interval(Real, 1, None),
        "share_tolerance": Interval(Real, 0, 0.5, closed="neither"),
        "raking_tolerance": Interval(Real, 0, 0.1, closed="neither"),
        "raking_max_iterations": _positive_int(),
        "histogram_bins": _positive_int(),
        "max_time_bins": _positive_int(),
        "min_group_votes": _positive_int(),
        "coverage_top_n": _positive_int(),
    }


@dataclass(frozen=True)
class LiveSettings(_Validated):
    """Live updates (:func:`engine.update`) in the default mode; Pol.is mode recomputes all."""

    #: The map's axes and the number of groups are kept until the votes grew this much (or the
    #: statements changed); then both are solved again (our choice: a 10% change in the votes
    #: barely turns the axes, and rescoring k costs more than the rest of an update).
    rescore_growth: float = 0.10
    #: After that growth, block power steps taken from the previous axes instead of a full solve
    #: (one step from a nearly converged solution is as good as a full solve; 0: full solve).
    pca_refine_steps: int = 1
    #: Bridging is refitted once the votes grew this much (or a statement is new); in between
    #: updates carry the last fit, which costs far more than the rest of an update.
    bridging_refit_growth: float = 0.10

    _constraints: ClassVar[dict[str, Interval]] = {
        "rescore_growth": Interval(Real, 0, None),
        "pca_refine_steps": Interval(Integral, 0, None),
        "bridging_refit_growth": Interval(Real, 0, None),
    }


@dataclass(frozen=True)
class GroupingSettings(_Validated):
    """Default mode: which opinion groups are published (:mod:`engine.grouping`, issue 15).

    Pol.is mode ignores these (it keeps Pol.is's silhouette k and first-k starts).
    """

    #: The grouping's own fixed seed (base clusters, k-means starts, mode tests, bootstrap,
    #: held-out folds), so the published groups do not depend on the analysis's random_state
    #: (issue 15: the same groups for seeds 0-9). Our choice; any value gives a fixed answer.
    random_state: int = 0
    #: Runs of the whole grouping (every test, bootstrap and fold), each with its own seed drawn
    #: from ``random_state`` (at most this many). Groups are published only where at least two
    #: thirds of the runs find groups (k >= 2), at the k most of those find (ties: the smaller),
    #: the grouping the most typical run at that k; otherwise no clear opinion groups (step
    #: "runs_disagree"). The tests are Monte Carlo comparisons, so one run's verdict can turn on
    #: its seed where the votes are borderline (benchmarks/RESULTS.md, sessions 13 rs15 and 19
    #: g15x). The runs stop early where the first two find no groups or the first three the same
    #: k, and otherwise once groups or none are settled and, with groups, the k most of the
    #: group-finding runs found can no longer be overtaken (:func:`engine.grouping.runs_settled`;
    #: step "runs_split" where fewer than half of them found it; session 20 g15y); their k's are
    #: published beside the groups. 1: a single run.
    restarts: int = 9
    #: The runs' groupings are compared (the most typical run at the consensus k, by adjusted
    #: Rand index) on at most this many participants in conversation (a fixed sample), and
    #: their latent classes refitted on them (``class_refit``); where there are more, a run of
    #: latent classes places only them, and everyone is placed by the published run's classes
    #: alone. Placing a million participants took about 50 s a run (benchmarks/RESULTS.md,
    #: sessions 24 and 25 lead).
    consensus_max_participants: int = 20_000
    #: A group is split in two only when its 2-means index is below that of simulated continua
    #: fitted to its votes at this level (:mod:`engine.continuum`; the usual 5%, measured in
    #: benchmarks/RESULTS.md, "Stable groups").
    split_alpha: float = 0.05
    #: Simulated continua per test (their mean and spread give a normal p; each costs one pass
    #: over the tested votes).
    split_null: int = 20
    #: A sequential Monte Carlo test (:func:`engine.continuum.continuum_test`): while the
    #: index's z is within ``sequential_margin`` standard errors of the line of ``split_alpha``, the
    #: simulated continua are doubled, up to this many in all (``split_null``: no more draws).
    #: The default since session 24 (g15em), with ``stability_boot_max`` and
    #: ``class_full_objective``: together they give every shared export one grouping at grouping
    #: seeds 0-9 (scoop-hivemind.ubi's map test sits at its line; benchmarks/RESULTS.md).
    split_null_max: int = 2560
    #: ... and that many standard errors, for this test and the sequential bootstrap
    #: (``stability_boot_max``) alike (3: a verdict other than the one of infinitely many draws
    #: about 0.3% per look).
    sequential_margin: float = 3.0
    #: A split test reads at most this many participants (a fixed subsample beyond; 500 keeps
    #: a test near 0.2 s on a busy 2-core machine).
    max_test_points: int = 500
    #: No published group has fewer participants than this; a smaller one is merged into its
    #: nearest group (issue 15; the k-anonymity minimum of 5, never below 3).
    min_group_size: int = 5
    #: Clusterwise bootstrap (Hennig 2007): resamples of the participants (multinomial weights on
    #: the base clusters) refitted at the published k.
    stability_boot: int = 50
    #: Sequential: while every group's mean Jaccard is not clear of ``min_jaccard`` by
    #: ``sequential_margin`` standard errors (and none clearly below), the resamples are doubled up
    #: to this many (``stability_boot``: no more; the default since session 24 g15em, see
    #: ``split_null_max``).
    stability_boot_max: int = 800
    #: ... and the Jaccard agreement every published group must reach on average over them
    #: (Hennig 2007: 0.75 and above, "stable"; below 0.6 "dissolved").
    min_jaccard: float = 0.75
    #: Each split must predict held-out votes better than the groups before it: a one-sided
    #: paired test over participants at 5% (z 1.6449); the first split failing it leaves the
    #: conversation with no clear opinion groups.
    held_out_z: float = 1.6449
    #: Folds of that test. 10: each group's agree rates are learnt on 90% of the votes, so a
    #: real small group is not lost to estimation noise (the 300-participant demo room's third
    #: planted group: z 0.62 with 3 folds, 2.18 with 5, 3.51 with 10).
    held_out_folds: int = 10
    #: ... on at most this many votes (whole participants sampled beyond; 200,000 votes are
    #: thousands of participants, plenty for a paired test, and bound its cost).
    held_out_max_votes: int = 200_000
    #: Where the map finds clear groups, seek how many and who as latent classes of the votes
    #: with a leniency per participant (:func:`engine.grouping.class_groups`): a 10% minority
    #: that sits inside the majority's spread on the map is found (benchmarks/RESULTS.md, issue
    #: 15 session 7). False: the map's groups (session 5).
    latent_classes: bool = True
    #: The classes are fitted on at most this many participants (a fixed sample; everyone is then
    #: placed by their votes): bounds the cost on large rooms.
    class_max_participants: int = 1000
    #: ... or more, where the sample's votes would give the statements voted on fewer than
    #: this many votes each on average (:func:`engine.grouping.class_sample_size`). A planted
    #: room of a million participants, 2,000 statements and 50 votes each (42 agree or
    #: disagree) gives 1,000 people 21 votes a statement and its 10% group 2; every run then
    #: found 3 of the 4 planted groups, and 4 on 1,412 people (30 a statement) and on 2,353
    #: (50). At 100,000 participants 30 left the runs split (k 3, 4 and 5 in seven runs) where
    #: 50 gave 4 in the first three (benchmarks/RESULTS.md, session 25 lead). Denser rooms
    #: (every shared export) keep their sample.
    class_votes_per_statement: int = 50
    #: Where they were fitted on a sample, the classes that stand are refitted (EM from that
    #: fit) on the participants the runs are compared on (``consensus_max_participants``;
    #: below that many, everyone). On a 100,000-participant room of 2,000 statements (50 votes
    #: each) the 1,000 gave a 10% group 3% of the room (adjusted Rand index with the planted
    #: groups 0.64); refitted on 20,000, 9% (0.84, as the planted profiles themselves place
    #: them) for about a second (benchmarks/RESULTS.md, session 25 lead).
    class_refit: bool = True
    #: The classes' EM fits (:func:`engine.grouping.class_groups`: every start, the likeliest
    #: run on, the held-out refits and the bootstrap's) stop on the whole penalised objective
    #: their steps climb, the ridge on the classes' log-odds and the prior of their shares
    #: included (:func:`engine.latent_class.em`, ``full_objective``). Without them the figure
    #: watched dips over the first steps while the objective rises, and a fit stops at the
    #: first dip, where its start happened to be: runs on the same votes publish different
    #: members (canadian-electoral-reform: 258/23 or 245/36; benchmarks/RESULTS.md, session 24
    #: g15em).
    class_full_objective: bool = True
    #: Folds of the held-out test of each added class (each class's profile learnt on 80% of the
    #: votes; warm-started refits, so 5 folds cost little).
    class_folds: int = 5
    #: Bootstrap resamples of the classes' clusterwise stability (each a full refit at k) at
    #: the sequential bootstrap's first look (below). 10 since session 27 (20 before): where
    #: every class is settled after 10, as at a million participants, the bootstrap costs half
    #: (the analysis 57 -> 45-50 s there); elsewhere the next look, at 20, is the former
    #: bootstrap to the bit (benchmarks/RESULTS.md, session 27 lead).
    class_boot: int = 10
    #: Sequential, as the map's bootstrap (``stability_boot_max``): while some class's mean
    #: Jaccard is within ``sequential_margin`` standard errors of ``min_jaccard`` (and none is
    #: clearly below), the resamples are doubled up to this many (``class_boot``: no more). A
    #: class whose Jaccard is settled at a look costs nothing more; one at the line is no
    #: longer decided by the Monte Carlo noise of 20 resamples (planted 50/30/20: k 2 at every
    #: grouping seed where 20 gave 3 at one; no other planted or shared room's published k
    #: changed; benchmarks/RESULTS.md, sessions 25 and 26 g15s).
    class_boot_max: int = 320
    #: Where the map finds no clear groups, ask the votes themselves
    #: (:func:`engine.continuum.class_continuum_test`): when two latent classes fit them better
    #: than they fit every continuum simulated from a continuous model fitted to them, the
    #: classes are sought (k and who as above). A 10% minority off the map's axes is found so
    #: (benchmarks/RESULTS.md, issue 15 session 8). Needs ``latent_classes``.
    class_test: bool = True
    #: Simulated continua of that test at most (drawn until one reaches the votes' gain).
    class_test_null: int = 8
    #: ... the z the votes' gain must reach against them (one-sided 0.13%: real rooms have
    #: more than the map's two dimensions of continuous opinion, so a strict level).
    class_test_z: float = 3.0
    #: ... and the votes it reads at most (whole participants sampled, at most
    #: ``class_max_participants`` of them): its cost grows with the votes. 60,000 was measured
    #: and not adopted: more rooms of five or six groups are found, but a 10% minority is lost
    #: and the test costs 3-4 times more (benchmarks/RESULTS.md, session 12 lc15h).
    class_test_votes: int = 12_000
    #: ... and its two EM fits (one class and two, on the votes and on every simulated
    #: continuum) stop on the whole objective their steps climb, as ``class_full_objective``
    #: does for the classes' own fits (False: on the old figure, which dips while the
    #: objective rises; benchmarks/RESULTS.md, session 25 g15s25).
    class_test_full_objective: bool = False
    #: Where latent classes give k >= 2 groups, hold them against a continuous latent trait of
    #: the same votes (:mod:`engine.latent_trait`, logistic on 1 and 2 axes and step-like on 1
    #: axis, the same leniency; on 3 axes too where ``trait_three_axes``) on the same
    #: held-out folds (:func:`engine.grouping.class_groups`; the latent class versus factor
    #: model comparison of Lubke & Neale 2006): when the trait predicts held-out votes better
    #: at ``trait_test_z``, the votes are one continuum and there are no clear opinion groups.
    #: A latent class model cuts a one-axis continuum into 2-3 classes that every other test
    #: passes (benchmarks/RESULTS.md, session 12 audit15b and cont15; session 13 ct15a), and a
    #: step-like one (a Guttman scale with flipped votes) into 3-5 (session 14 g15t).
    trait_test: bool = True
    #: ... the paired one-sided z over participants the best trait model must reach: 5%
    #: one-sided, divided among the three trait models tried (Bonferroni), 2.13 (1.96 for the
    #: two logistic ones until session 14).
    trait_test_z: float = 2.13
    #: ... and only where at least this many participants are in conversation: with fewer,
    #: each class profile rests on a handful of people and its prior shrinks it more than the
    #: trait's loadings (each estimated from everyone), so two camps that vote without a single
    #: exception lose to the trait (20 participants in two camps of 10: trait z 44-166; 60:
    #: -37 to 75; 200: -104 to -294, the classes far better; benchmarks/RESULTS.md, session 14
    #: lead). Chosen after those rooms, in the last hour of the session; the rooms the trait test
    #: was made for have 200-2,000 participants.
    trait_min_participants: int = 100
    #: The trait test's folds are scored one after the other, and it stops once the folds
    #: still to come could change its verdict with a probability below this (stochastic
    #: curtailment, :func:`engine.grouping._trait_settled`; 0: every fold is scored). Where
    #: the classes win by far, as at a million participants (z -17 to -22), one fold of five
    #: settles it (benchmarks/RESULTS.md, session 26 lead).
    trait_curtail: float = 1e-4
    #: From this many latent classes on, where the map or the class test found groups, the
    #: classes must predict held-out votes *better* than every trait model by
    #: ``trait_margin_z``, not merely no worse; otherwise k steps down by one (the classes
    #: found again on bootstrap resamples at the smaller k) and the trait test is repeated
    #: there. Two classes are held to "no worse" only: a trait on one axis can place two
    #: camps exactly, and two camps of 50/50 or 70/30 predict as well as it (best trait z
    #: -0.2 to -1.6, seeds 40-44), whereas a step-like continuum with noise (a Guttman scale,
    #: 10% of votes flipped, 15% density) is cut into three or four classes that predict as
    #: well as the trait (z -0.7 to 1.8) and that the old rule published in 10 of 10 rooms;
    #: planted rooms of three to six groups beat the trait by z -2.9 to -11.8
    #: (benchmarks/RESULTS.md, session 28 lead). A number above ``max_groups``: the old rule.
    trait_margin_k: int = 3
    #: ... the paired z over participants by which they must: 5% one-sided. Each trait model
    #: must be beaten (an intersection-union test), so no share of the level per model.
    trait_margin_z: float = 1.645
    #: Where the map and the class test both see one continuum but the votes have a third axis
    #: well above noise (:func:`engine.continuum.third_axis_ratio` at least
    #: ``classes_screen_axis``), seek the latent classes all the same and publish them only when
    #: they predict held-out votes better than every continuous latent trait model (logistic
    #: on one to three axes, step-like on one) by ``classes_beat_trait_z``
    #: (:func:`engine.grouping.class_groups`). Four to six groups of
    #: their own profiles span more axes than the map's two, and both tests call them a
    #: continuum (benchmarks/RESULTS.md, sessions 14 g15m and 16 g16b). Only in rooms of at
    #: least ``trait_min_participants``.
    classes_beat_trait: bool = True
    #: ... the screen's ratio: the third singular value of the votes over that of the same
    #: votes shuffled among each statement's voters. Without a screen the classes and the
    #: trait were fitted in every room without groups, most real rooms, at 0.3-9 CPU s each
    #: (session 14 g15m); the ratio costs about 0.04 CPU s on 1,000 participants. This line
    #: decides where the trait is also fitted on three axes (``trait_three_axes``) and was the
    #: screen's line until session 28: the midpoint between the shared exports (at most 1.15,
    #: scoop-hivemind.ubi; austria-climate 1.11; grouping seeds 0-19) and planted six-group
    #: rooms (at least 1.17; seeds 10-19, grouping seeds 0-2); continua on one or two axes stay
    #: at or below 1.03 (session 16 g16b). The screen itself has its own line,
    #: ``classes_screen_axis``.
    classes_third_axis: float = 1.16
    #: ... and the line of the screen in front of the class path alone (the step "third_axis"
    #: of :func:`engine.grouping.third_axis_step`, where the map and the class test saw one
    #: continuum), apart from ``classes_third_axis``, which also decides where the trait is
    #: fitted on three axes (``trait_three_axes``, whose line then rises from 2.13 to 2.24).
    #: The screen only decides whether the classes are *sought*; they stand only where they
    #: beat every trait model, three axes included, by ``classes_beat_trait_z``. A line at the
    #: edge of the screen's own null (continua on the map's one or two logistic axes: at most
    #: 1.03 at seeds 10-19 and 40-49, Monte Carlo spread 0.01-0.02) is about 1.05. Measured in
    #: session 27 (g15m27): five- and six-group rooms at 1.07-1.15 said "no clear groups" at
    #: 1.16 and got their planted k at 1.05 (8 of 8; seeds 40-49: 74 of 80 rooms right, 72
    #: before, none lost); no null room it reaches (19 Guttman rooms) and no shared export
    #: (grouping seeds 0-2) changed k (benchmarks/RESULTS.md, session 27 g15m27). Adopted in
    #: session 28 (g15s28): the start-up room reads 0.995 at its default grouping seed and is
    #: not sent on; the shared exports it sends on keep their k at grouping seeds 0-9.
    classes_screen_axis: float = 1.05
    #: ... the paired z over participants by which the classes must beat the best trait model
    #: (the class test's level, for the same reason: real rooms have more continuous
    #: dimensions than the trait's two).
    classes_beat_trait_z: float = 3.0
    #: Where the votes' third axis stays below ``classes_screen_axis``, seek the latent classes
    #: all the same when one of the votes' first three axes is lopsided
    #: (:func:`engine.continuum.axis_skew`: the absolute skewness of the participants' scores
    #: against that of votes shuffled among each statement's voters, as a z, at least
    #: ``classes_axis_skew_z``), on the same terms: they must beat every continuous latent
    #: trait by ``classes_beat_trait_z``. A minority of 10% lies on the first axis (with one
    #: other group) or on a weak third one, where the third-axis screen cannot see it
    #: (benchmarks/RESULTS.md, session 17 g15u and g15v; session 18 g15w). The shuffles are
    #: drawn only where some axis's skewness is at least 0.5 (about 0.3 CPU s on 1,000
    #: participants); opening the screen altogether costs the start-up room 18 CPU s.
    classes_axis_skew: bool = True
    #: ... the line: the largest z of the three axes at least this. Continua of the planted
    #: benchmark reach 4.6 (4 of 120 rooms, seeds 10-19, at 4 or more: sent on, none moved);
    #: the planted rooms it gained reach 4.1-11.5; the shared exports up to 8.9 (vtaiwan.uberx;
    #: with the screen wide open none moved, grouping seeds 0-2). 30 shuffles leave the z about
    #: +-1.
    classes_axis_skew_z: float = 4.0
    #: Where the map or the class test found groups and the latent classes are held against the
    #: trait (``trait_test``), fit the trait on three axes as well when the votes' third axis
    #: reaches ``classes_third_axis`` (the screen's ratio, at the screen's old line, higher
    #: than ``classes_screen_axis``): a three-axis continuum is cut into
    #: groups by the map and its classes beat a trait of one or two axes (six groups, cloud3d
    #: d30 seed 53; benchmarks/RESULTS.md, session 17 g15u). The line then divides the same
    #: level among four models. Rooms below the screen are untouched.
    trait_three_axes: bool = True

    _constraints: ClassVar[dict[str, Interval]] = {
        "random_state": Interval(Integral, 0, None),
        "restarts": _positive_int(),
        "consensus_max_participants": Interval(Integral, 100, None),
        "split_alpha": Interval(Real, 0, 1, closed="neither"),
        "split_null": _positive_int(),
        "split_null_max": _positive_int(),
        "sequential_margin": Interval(Real, 0, None),
        "max_test_points": Interval(Integral, 10, None),
        "min_group_size": Interval(Integral, MIN_CELL_SIZE_FLOOR, None),
        "stability_boot": _positive_int(),
        "stability_boot_max": _positive_int(),
        "min_jaccard": Interval(Real, 0, 1),
        "held_out_z": Interval(Real, 0, None),
        "held_out_folds": Interval(Integral, 2, None),
        "held_out_max_votes": Interval(Integral, 100, None),
        "class_max_participants": Interval(Integral, 20, None),
        "class_votes_per_statement": Interval(Integral, 1, None),
        "class_folds": Interval(Integral, 2, None),
        "class_boot": _positive_int(),
        "class_boot_max": _positive_int(),
        "class_test_null": Interval(Integral, 2, None),
        "class_test_z": Interval(Real, 0, None),
        "class_test_votes": Interval(Integral, 100, None),
        "trait_test_z": Interval(Real, 0, None),
        "trait_min_participants": Interval(Integral, 0, None),
        "trait_curtail": Interval(Real, 0, 1),
        "trait_margin_k": Interval(Integral, 3, None),
        "trait_margin_z": Interval(Real, 0, None),
        "classes_third_axis": Interval(Real, 0, None),
        "classes_screen_axis": Interval(Real, 0, None),
        "classes_beat_trait_z": Interval(Real, 0, None),
        "classes_axis_skew_z": Interval(Real, 0, None),
    }


@dataclass(frozen=True)
class AnalysisSettings(_Validated):
    """Settings of :func:`engine.analyze`; frozen, validated on construction."""

    #: Reproduce Pol.is exactly (power iteration, first-k init, silhouette k, zero-filled columns).
    polis_compatible: bool = False
    #: Largest number of opinion groups considered; we allow up to 10. Pol.is uses 5
    #: (:data:`POLIS_MAX_GROUPS`, kept by the :data:`POLIS` preset); the default is 6 so that
    #: the six planted groups issue 15 asks for can be published (benchmarks/RESULTS.md,
    #: session 12 lc15h).
    max_groups: int = 6
    #: Force the number of groups (``None``: choose it).
    force_k: int | None = None
    #: Number of PCA components; Pol.is uses 2.
    n_components: int = 2
    #: Pol.is ``pca-iters``: power iterations per component (polis_compatible only).
    pca_iterations: int = 100
    #: Pol.is mode without a previous update: start the power iteration from the converged
    #: axes, which Pol.is's warm-started ticks reach over time, instead of a random vector (its
    #: very first tick); 100 steps from a random start leave up to 1e-5 in the components.
    pca_converged_start: bool = True
    #: Minimum votes to be clustered: min(7, n_statements) (Pol.is ``min-votes`` 7). Also the
    #: participation measures' "in conversation" count (``engine.participation``'s
    #: ``min_votes``), so the two never disagree.
    min_votes: int = POLIS_MIN_VOTES
    #: Pol.is "greedy-n": top voters added until this many participants are in conversation.
    greedy_n: int = 15
    #: Pol.is ``base-k``: number of base clusters.
    base_k: int = 100
    #: Pol.is ``base-iters``: Lloyd iterations for base clusters.
    base_iterations: int = 100
    #: Pol.is k-means convergence (``same-clustering?``): every centre moved less than this
    #: (polis_compatible only; the default mode's k-means uses scikit-learn's own test).
    kmeans_tolerance: float = POLIS_KMEANS_TOLERANCE
    #: Pol.is group k-means iterations (the intended 100 is misspelled; 20 is what runs).
    group_iterations: int = 20
    #: Default mode: Lloyd iterations at most for each candidate k's groups (scikit-learn's
    #: ``KMeans`` default; on ~100 weighted base centres it converges long before).
    group_max_iterations: int = 300
    #: Pol.is ``group-k-buffer``: a new k must win this many updates in a row.
    k_buffer: int = 4
    #: Pol.is max-k = min(5, 2 + n_base // 12): one more candidate k per this many base clusters.
    base_per_extra_k: int = 12
    #: One-sided 90% z threshold used for repness and consensus (Pol.is ``z-90``).
    z_threshold: float = Z_90
    #: Representative statements kept per group (Pol.is takes 5).
    repness_per_group: int = 5
    #: Consensus statements kept per direction (Pol.is takes 5).
    consensus_count: int = 5
    #: Routing: priority of meta statements (Pol.is: 7**2).
    meta_priority: float = 49.0
    #: Routing novelty boost: 1 + novelty_boost * 2**(-S / novelty_half_life) (Pol.is: 8 and 5).
    novelty_boost: float = 8.0
    novelty_half_life: float = 5.0
    #: Default-mode folds for choosing k by predictive log-loss.
    k_cv_folds: int = 3
    #: Fit matrix-factorisation bridging (engine.bridging) as part of the analysis.
    bridging: bool = True
    #: Settings of that bridging fit (Community Notes' model; see BridgingSettings).
    bridging_fit: BridgingSettings = BridgingSettings()
    #: Settings of the participation and diversity measures (see DiversitySettings).
    diversity: DiversitySettings = DiversitySettings()
    #: Live updates: when the map, k and bridging are solved again (see LiveSettings).
    live: LiveSettings = LiveSettings()
    #: Default mode: which opinion groups are published (see GroupingSettings).
    grouping: GroupingSettings = GroupingSettings()

    _constraints: ClassVar[dict[str, Interval]] = {
        "max_groups": Interval(Integral, 2, 10),
        "force_k": Interval(Integral, 1, 10, optional=True),
        "n_components": _positive_int(),
        "pca_iterations": _positive_int(),
        "min_votes": _positive_int(),
        "greedy_n": _positive_int(),
        "base_k": _positive_int(),
        "base_iterations": _positive_int(),
        "kmeans_tolerance": Interval(Real, 0, None, closed="neither"),
        "group_iterations": _positive_int(),
        "group_max_iterations": _positive_int(),
        "k_buffer": _positive_int(),
        "base_per_extra_k": _positive_int(),
        "repness_per_group": _positive_int(),
        "consensus_count": _positive_int(),
        "k_cv_folds": _positive_int(),
    }


#: The Pol.is-compatible preset (Pol.is's cap of 5 groups, not the default's 6).
POLIS = AnalysisSettings(polis_compatible=True, max_groups=POLIS_MAX_GROUPS)
#: The default diversity settings.
DIVERSITY = DiversitySettings()


@dataclass(frozen=True)
class DuplicateFlagModel(_Validated):
    """Whether the best-ranked statement is a duplicate (issue 17, session 7).

    A logistic model on five pieces of evidence about the new statement and its best-ranked
    existing one (:func:`engine.duplicates.flag_evidence`): ``intercept + cosine_weight * cosine
    + margin_weight * margin + shared_weight * shared + seed_margin_weight * seed_margin +
    residual_weight * residual_cosine``; flagged when it reaches ``threshold``. Fitted by
    ``benchmarks/duplicates.py --fit`` on the training pairs submitted one at a time to
    conversations of one statement per claim (as the service sees them); the threshold is the
    lowest whose out-of-fold flags' precision has a one-sided 90% lower bound of 0.8.
    """

    threshold: float
    intercept: float
    cosine_weight: float
    margin_weight: float
    shared_weight: float
    seed_margin_weight: float
    residual_weight: float
    #: Longest statement (content words of the longer of the two, :func:`engine.lexical.
    #: content_stems` without polarity words) the flag is given for; None: no limit. Session 10:
    #: in a longer statement a changed actor, place or direction is a smaller part of the
    #: averaged embedding and of the shared words, and opposites scored like paraphrases.
    max_words: int | None = None
    #: Smallest lead of the best-ranked statement's ranking score (a log-odds) over the
    #: runner-up's for the flag to be given; None: no such condition. Session 14 (flag17m): a
    #: new claim on a subject two statements share is near both, a repeated claim stands out
    #: from the second (:func:`engine.duplicates.close_runner_up`).
    min_rank_gap: float | None = None
    #: An exception to ``max_words`` (Dutch only, :func:`engine.duplicates.long_claim_kept`
    #: and :func:`engine.duplicates.clause_pairs`): a long candidate the model accepts is
    #: flagged all the same when every clause of the new statement is nearest to a clause of
    #: the candidate (among all existing statements' clauses), no negation has moved between
    #: the matched clauses (:func:`engine.duplicates.negation_moved`), the two read the same
    #: polarity (:func:`engine.polarity.same_reading`), they are at most ``long_max_frame``
    #: the same sentence (:func:`engine.details.same_sentence`) and the candidate's margin is
    #: at least ``long_min_margin``. None (either): no exception.
    long_max_frame: float | None = None
    long_min_margin: float | None = None
    #: The line for a new statement in Dutch, where it differs from ``threshold`` (None: the
    #: same line for every language; :func:`engine.duplicates.flag_threshold`).
    dutch_threshold: float | None = None

    _constraints: ClassVar[dict[str, Interval]] = {
        "max_words": Interval(Integral, 1, None, optional=True),
        "dutch_threshold": Interval(Real, None, None, optional=True),
        "min_rank_gap": Interval(Real, 0.0, None, optional=True),
        "long_max_frame": Interval(Real, 0.0, 1.0, optional=True),
        "long_min_margin": Interval(Real, None, None, optional=True),
    }


@dataclass(frozen=True)
class DuplicateSettings(_Validated):
    """The near-duplicate check of one embedding model (:mod:`engine.duplicates`, issue 17).

    ``score = intercept + cosine_weight * cosine + margin_weight * margin + lexical_weight *
    overlap`` (a logistic model: the score is the log-odds that the pair is a duplicate), where
    ``margin`` is the cosine minus that of the best *other* statement (at least
    ``reference_cosine``, the model's typical cosine of unrelated statements) and ``overlap`` the
    Dice overlap of content-word stems. A statement is flagged when its score reaches
    ``threshold`` and its polarity does not conflict (:mod:`engine.polarity`). Weights and
    thresholds are fitted per model by ``benchmarks/duplicates.py --fit`` on the Dutch, English
    and German labelled pairs (never on the held-out conversation); figures in RESULTS.md.
    """

    threshold: float
    intercept: float
    cosine_weight: float
    margin_weight: float
    lexical_weight: float
    #: Typical cosine of two unrelated statements under this model (median over the unrelated
    #: and related pairs of the Dutch set): the floor the margin is measured from.
    reference_cosine: float
    #: A weak polarity conflict (only an implied state differs) blocks the flag when the
    #: content-word overlap reaches this (a minimal pair: "wel" / "niet thuis wonen").
    weak_conflict_overlap: float = 0.5
    #: Ranking: a conflicting statement loses this much score per unit of overlap, so an
    #: opposite is not the first suggestion (it is still listed for the moderator).
    conflict_penalty: float = 4.0
    #: Ranking only: the penalty per unit of overlap for a *weak* conflict (only an implied
    #: state differs, often a paraphrase with a negation word: "mag niet dicht" / "moet open
    #: blijven"); None: ``conflict_penalty``. A weak conflict is still kept from the flag
    #: (``weak_conflict_overlap``).
    weak_conflict_penalty: float | None = None
    #: Ranking only: extra score per unit of content-stem overlap on top of ``lexical_weight``
    #: (the flag and the older rule's threshold read the fitted log-odds without it).
    rank_lexical_weight: float = 0.0
    #: The flag decision on the best-ranked statement; None: the older rule (``threshold`` on
    #: the ranking score), kept for models not refitted since.
    flag: DuplicateFlagModel | None = None

    _constraints: ClassVar[dict[str, Interval]] = {
        "reference_cosine": Interval(Real, -1.0, 1.0),
        "weak_conflict_overlap": Interval(Real, 0.0, 1.0),
        "conflict_penalty": Interval(Real, 0.0, None),
        "weak_conflict_penalty": Interval(Real, 0.0, None, optional=True),
        "rank_lexical_weight": Interval(Real, 0.0, None),
    }


#: Fitted by ``benchmarks/duplicates.py --model M --fit --precision 0.8`` (logistic regression
#: on the in-context cosine, margin and stem overlap of the nl, nl-legacy, en and de labelled
#: pairs, opposites left to the claim checks; threshold: the lowest whose flags' precision on all
#: those pairs has a one-sided 90% lower bound of 0.8, the issue's target for flags).
DUPLICATE_PROFILES: dict[str, DuplicateSettings] = {
    # Session 6 (claim checks: "need not", quantities, antonyms; one flag at most; threshold by
    # the lower bound). Held-out Dutch conversations (never fitted on): heldout_nl.txt
    # paraphrase first 15/20, flagged 12/20, 12 of 17 flags right, no opposite flagged;
    # heldout_nl_2.txt 19/20, 14/20, 14 of 24 right, no opposite (benchmarks/RESULTS.md).
    "multilingual-e5-small": DuplicateSettings(
        threshold=1.475, intercept=-26.795, cosine_weight=30.024, margin_weight=16.02,
        lexical_weight=0.295, reference_cosine=0.889,
        # Session 7: the flag decision (`benchmarks/duplicates.py --fit`; the ranking above is
        # unchanged). Session 8: refitted by the same rule on the rows left after the new claim
        # checks (reversal verbs, a changed detail, nearest statement an opposite); dup17e:
        # refitted again by the same rule after the broader reversal lexicon, the prefix
        # negation ("onveilig"), provider and place as one detail and strict group words.
        flag=DuplicateFlagModel(
            threshold=0.344, intercept=-35.532, cosine_weight=19.461, margin_weight=31.39,
            shared_weight=0.973, seed_margin_weight=6.934, residual_weight=16.915,
            # Session 10 (dup17g): the smallest limit that keeps >= 30% of the paraphrases
            # flagged on each of held-out sets 1-5 (chosen there, checked on sets 6 and 7).
            max_words=6,
            # Session 14 (flag17m): one unit of log-odds, the middle of the range (0.70-1.30)
            # in which the 22 Dutch development sets lose no right flag and keep the two wrong
            # flags on another seed out (chosen after seeing them; leave-one-set-out and the
            # sensitivity in benchmarks/RESULTS.md, "Session 14, flag17m").
            min_rank_gap=1.0,
            # Session 15 (flag17o, rule "A" fixed by the lead from helper flag17n's
            # benchmarks/flag_align.py, family "clause_nearest + same_polarity + frame +
            # margin", its in-sample best on the 25 Dutch development sets): 13 -> 16 sets
            # meeting all four targets, 122 -> 144 flags, 113 -> 135 right, opposites 6 -> 6
            # (leave-one-set-out: 15 sets, 7 opposites). The lead's one evaluation on new blind
            # sets: 5 more right flags, 1 more wrong, no new opposite (benchmarks/RESULTS.md,
            # "Session 15, flag17n" and "Session 15, flag17o").
            long_max_frame=0.4, long_min_margin=0.04,
            # Session 29 (lead): one unit of log-odds above ``threshold`` for Dutch. On the 50
            # Dutch held-out sets 6-55 (each statement alone against its seeds) it takes 26 ->
            # 29 sets to all four of issue 17's targets, flags 179 -> 165, right 164 -> 156,
            # opposites flagged 3 -> 1; every set that met them still does. Chosen on those
            # sets, the middle of the plateau +0.75..+1.25; leave-one-set-out (the line chosen
            # on the other 49 each time) also gives 29. Not for English and German: on their
            # pairs it would halve the flags (en 15 -> 11 of 20 paraphrases in conversations),
            # and issue 17 asks English to be no worse (benchmarks/RESULTS.md, "Session 29").
            dutch_threshold=1.344),
        # Session 10 (dup17i): the ranking only, Dutch only (duplicates.RANKING_LANGUAGES).
        # A weak conflict no longer lowers a statement (paraphrases with a negation word:
        # "mag niet dicht", "nergens meer mogen" were ranked below unrelated seeds), and the
        # stem overlap counts 3 more. Chosen by leave-one-set-out over the 11 held-out Dutch
        # sets (grid: weak penalty 0-4, extra overlap 0-6; the pair with the most partner-first
        # on the other sets, ties to the current ranking): partner first 142 -> 162 of 164 on
        # sets 1-11 (benchmarks/RESULTS.md, "Session 10, dup17i").
        weak_conflict_penalty=0.0, rank_lexical_weight=3.0),
    "use-multilingual-v3": DuplicateSettings(
        threshold=2.052, intercept=-1.973, cosine_weight=5.425, margin_weight=1.812,
        lexical_weight=-0.351, reference_cosine=0.331),
    "all-MiniLM-L6-v2": DuplicateSettings(
        threshold=1.72, intercept=-1.583, cosine_weight=2.741, margin_weight=1.58,
        lexical_weight=1.443, reference_cosine=0.573),
}

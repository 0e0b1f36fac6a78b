"""Typed, frozen results of the analysis.

Arrays are indexed like the vote matrix they came from: rows by participant number, columns by
statement number; ``participant_ids`` / ``statement_ids`` map back to ids. Agree = +1 throughout.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .bridging import BridgingResult
    from .latent_class import ClassPlacement, ClassProfiles

__all__ = [
    "STEP_KINDS",
    "AnalysisResult",
    "AnalysisState",
    "ClusteringResult",
    "ConsensusStatement",
    "GroupStability",
    "KStep",
    "OpinionMap",
    "RepStatement",
]


@dataclass(frozen=True)
class OpinionMap:
    """2-D PCA of the vote matrix (Pol.is's column-mean-imputed PCA)."""

    #: (n_components, n_statements) principal axes; zero for excluded statements.
    components: np.ndarray
    #: (n_statements,) column means of observed votes (the imputed values).
    center: np.ndarray
    #: (n_participants, n_components) participant positions, Pol.is-scaled sqrt(n_s / n_voted).
    coordinates: np.ndarray
    #: (n_statements, n_components) where a lone agree on each statement lands.
    statement_coordinates: np.ndarray
    #: (n_statements,) distance of each statement's position from the origin.
    extremity: np.ndarray
    #: (n_components,) variance of the centred matrix along each axis (0 if unknown).
    explained_variance: np.ndarray


#: Every :attr:`KStep.kind` the grouping records (the report writes each in its own words).
STEP_KINDS = (
    "split", "continuum", "split_too_small", "held_out", "class", "class_too_small", "unstable",
    "too_few", "alike", "too_small", "forced", "classes", "classes_continuum", "trait",
    "classes_not_trait", "trait_too_few", "classes_beat_trait", "trait_not_beaten",
    "third_axis", "no_third_axis", "skewed_axis", "runs_disagree",
    "runs_split",
)


@dataclass(frozen=True)
class KStep:
    """One decision on the way to the published k (default mode, :mod:`engine.grouping`)."""

    k_before: int
    k_after: int
    #: The mode test's p of the pair merged (None: not a mode-test decision).
    p_value: float | None
    #: Why, in words ("two groups, not a continuum", "no further split: one continuum", ...).
    reason: str
    #: The same as a code: "split", "continuum", "class" (another latent class kept,
    #: :func:`engine.grouping.class_groups`), "held_out", "unstable", "too_few" (fewer than
    #: twice the minimum size), "alike" (the votes do not tell participants apart), "too_small"
    #: (a group below the minimum size merged), "split_too_small" (a split refused because a part
    #: would be below the minimum size), "class_too_small" (a further latent class would be),
    #: "forced" (k set by hand), or the class-versus-continuum test where the map saw one continuum
    #: (:func:`engine.continuum.class_continuum_test`): "classes" (classes sought) or
    #: "classes_continuum" (none); the latent classes held against a continuous latent trait
    #: (:func:`engine.grouping.class_groups`): "trait" (the trait predicts held-out votes
    #: better: no clear groups) or "classes_not_trait" (the classes stand); where the map and
    #: the class test saw one continuum but the votes have a third axis, the classes sought all
    #: the same: "classes_beat_trait" (they beat every trait model clearly: published) or
    #: "trait_not_beaten" (no clear groups); the same two kinds on the map's path from
    #: ``GroupingSettings.trait_margin_k`` classes on, where the classes must beat the trait
    #: there too: "trait_not_beaten" then has ``k_after`` = ``k_before`` - 1 (one class fewer
    #: tried); the screen that decides whether they are sought
    #: there (:func:`engine.continuum.third_axis_ratio`, :attr:`GroupStability.third_axis`):
    #: "third_axis" (the votes' third axis stands above noise: classes sought) or
    #: "no_third_axis" (it does not: none sought); "trait_too_few" also where the room is too
    #: small for the screen to run; "skewed_axis" where the third axis does not stand out but one
    #: of the first three axes is lopsided (:func:`engine.continuum.axis_skew`: classes sought;
    #: its z against shuffled votes in ``z``); "runs_disagree" (appended after the published
    #: run's own steps: some runs of the grouping found groups, fewer than two thirds of them,
    #: :func:`engine.grouping.consensus_k`; its ``k_before`` is the k most of those runs found,
    #: not the previous step's ``k_after``); "runs_split" (appended likewise: groups are
    #: published at the k most of the group-finding runs found, but fewer than half of those runs
    #: found it, :func:`engine.grouping.consensus`; ``k_before`` = ``k_after`` = that k).
    kind: str = ""
    #: For "held_out" and "class": the paired z of that split or class; for "classes" and
    #: "classes_continuum": the test's z against the simulated continua (None: stopped early);
    #: for "trait", "classes_not_trait", "classes_beat_trait" and "trait_not_beaten": the
    #: paired z of the best trait model over the classes.
    z: float | None = None


@dataclass(frozen=True)
class GroupStability:
    """How far the published groups can be trusted (default mode; issue 15)."""

    method: str
    #: True when k >= 2 distinct, reproducible groups are published; False: no clear groups.
    clear_groups: bool
    #: Mean over groups of their bootstrap Jaccard (None without clear groups).
    overall: float | None
    #: Per group, in the fit's row order (``engine.steps`` maps them to group ids): mean
    #: bootstrap Jaccard, and size in participants.
    per_group: tuple[float, ...]
    sizes: tuple[int, ...]
    #: Paired z of the last split kept (k - 1 -> k groups) on held-out votes; without clear
    #: groups, of the first split tested (None: not tested).
    held_out_z: float | None
    #: The decisions from one group to the published k, in order.
    steps: list[KStep]
    #: No published group is smaller than this (smaller splits are not made).
    min_group_size: int = 0
    #: k found by each run of the grouping (``GroupingSettings.restarts``, each with its own
    #: seed; the runs stop once the published k is settled, :func:`engine.grouping.runs_settled`):
    #: groups where at least two thirds found groups, at the k most of those found.
    restarts: tuple[int, ...] = ()
    #: The votes' third axis against noise (:func:`engine.continuum.third_axis_ratio`: their
    #: third singular value over that of the same votes shuffled among each statement's voters),
    #: where the grouping read it: the screen where the map and the class test saw one
    #: continuum, or the trait test where latent classes were found; None: not computed.
    third_axis: float | None = None

    @property
    def k_uncertain(self) -> bool:
        """True when the grouping's runs found different numbers of groups: the published k
        is the most frequent of them, but the number of groups is uncertain."""
        return len(set(self.restarts)) > 1


@dataclass(frozen=True)
class ClusteringResult:
    """Base clusters and opinion groups of the in-conversation participants."""

    #: (n_participants,) group id per participant, -1 for those not in conversation.
    labels: np.ndarray
    #: (n_participants,) base-cluster number per participant, -1 if not in conversation.
    base_labels: np.ndarray
    #: (n_base, 2) base-cluster centres; (n_base,) their sizes; (n_base,) stable ids.
    base_centers: np.ndarray
    base_sizes: np.ndarray
    base_ids: np.ndarray
    #: (k, 2) group centres, row g is group id ``group_ids[g]``.
    group_centers: np.ndarray
    group_ids: np.ndarray
    #: Number of groups in use, and the best k of this update before smoothing.
    k: int
    k_raw: int
    #: Score per candidate k (silhouette in Pol.is mode, minus log-loss in the default).
    k_scores: dict[int, float]
    #: Default mode: how the groups were chosen and how stable they are (None in Pol.is mode).
    stability: GroupStability | None = None


@dataclass(frozen=True)
class RepStatement:
    """A statement that represents a group (Pol.is repness), against all other groups together."""

    statement_index: int
    statement_id: Hashable
    repful_for: str  # "agree" or "disagree"
    n_success: int  # agrees (or disagrees) in the group
    n_trials: int  # votes in the group, passes included
    p_success: float  # (n_success + 1) / (n_trials + 2)
    p_test: float  # one-proportion z
    repness: float  # ratio of p_success to the rest's
    repness_test: float  # two-proportion z, group vs rest
    metric: float  # repness * repness_test * p_success * p_test
    best_agree: bool = False
    #: Both z statistics of the side shown (p_test and repness_test) exceed the one-sided 90%
    #: threshold. False for Pol.is's fallback rows (its best-agree statement, or the one with the
    #: largest two-proportion z when no statement passes), which are shown without passing.
    passes_test: bool = True


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement most participants agree (or disagree) with."""

    statement_index: int
    statement_id: Hashable
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


@dataclass(frozen=True)
class AnalysisState:
    """What one analysis hands to the next for warm starts and stable ids (pass as ``previous``)."""

    statement_ids: tuple[Hashable, ...]
    participant_ids: tuple[Hashable, ...]
    components: np.ndarray
    in_conversation: frozenset[Hashable]
    #: Base clusters: ids, centres.
    base_ids: np.ndarray
    base_centers: np.ndarray
    #: Group centres and ids of the previous update, per candidate k (warm starts).
    group_centers_by_k: dict[int, np.ndarray]
    group_ids: np.ndarray
    group_centers: np.ndarray
    #: k smoother: the k in use, the last best k and how many updates in a row it won.
    smoothed_k: int
    last_k: int
    last_k_count: int
    #: Per-statement vote counts of in-conversation participants, (3, n_statements): agree,
    #: disagree, all (Pol.is routing reads the previous tick's).
    statement_votes: np.ndarray | None = None
    #: Default mode: the number of votes when k was last scored (updates rescore after growth).
    k_scored_at_votes: int = 0
    #: Bridging fit of this update (warm start of the next one).
    bridging: BridgingResult | None = None
    #: The number of votes when bridging was last fitted (live updates refit after growth).
    bridging_votes: int = 0
    #: The number of votes when the map's axes were last solved (live updates keep them until
    #: the votes grow by 10% or statements are added).
    axes_votes: int = 0
    #: Pol.is mode: each participant's base-cluster id (-1: not clustered), aligned with
    #: ``participant_ids``; Pol.is warm-starts base clusters from their members.
    base_members: np.ndarray | None = None
    #: Pol.is mode, per candidate k: (base-cluster ids, their group ids) of this update; Pol.is
    #: warm-starts each k's groups from these memberships.
    group_members_by_k: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    #: Default mode: the stability of the groups in use (carried while a live update keeps them).
    group_stability: GroupStability | None = None
    #: Default mode, groups that are latent classes (:func:`engine.grouping.class_groups`):
    #: their profiles, aligned with ``statement_ids``; a live update that keeps the groups places
    #: participants with them.
    group_profiles: ClassProfiles | None = None
    #: ... and where this update placed each participant in them, with the fingerprint of the
    #: votes it read: the next live update places again only those whose votes changed.
    group_placement: ClassPlacement | None = None


@dataclass(frozen=True)
class AnalysisResult:
    """Everything one analysis computes; see :func:`engine.analyze`."""

    participant_ids: list[Hashable]
    statement_ids: list[Hashable]
    n_participants: int
    n_statements: int
    n_votes: int
    polis_compatible: bool
    #: (n_participants,) participants who are clustered (Pol.is in-conv rule).
    in_conversation: np.ndarray
    opinion_map: OpinionMap
    clustering: ClusteringResult
    #: group id -> representative statements, best first, agrees before disagrees.
    repness: dict[int, list[RepStatement]]
    consensus_agree: list[ConsensusStatement]
    consensus_disagree: list[ConsensusStatement]
    #: (n_statements,) group-informed consensus: product over groups of (A_g + 1) / (S_g + 2).
    group_informed_consensus: np.ndarray
    #: (k, n_statements, 3) per-group counts of agree, disagree, all votes (passes included),
    #: in-conversation participants only; row order of ``clustering.group_ids``.
    group_votes: np.ndarray
    #: (n_statements,) routing priority (Pol.is formula; meta statements 49).
    priorities: np.ndarray
    #: Seconds per step.
    timings: dict[str, float]
    #: Hand this to the next ``analyze`` / ``update`` call.
    state: AnalysisState
    extras: dict[str, Any] = field(default_factory=dict)
    #: Bridging scores, intervals and per-group explanations (see :mod:`engine.bridging`);
    #: ``bridging.ranked()`` / ``bridging.to_json()`` list the statements best first.
    bridging: BridgingResult | None = None

    @property
    def k(self) -> int:
        return self.clustering.k

    def groups(self) -> dict[Hashable, int]:
        """participant id -> group id, for clustered participants."""
        labels = self.clustering.labels
        return {pid: int(labels[i]) for i, pid in enumerate(self.participant_ids) if labels[i] >= 0}

"""The public answers of Meedenken, field by field: what ``GET /analysis``, the ``/stream``
events, ``GET /diversity``, ``/reference`` and ``meedenken analyze --json`` return.

These pydantic models are the one description of each answer. The builders next to them
(:mod:`meedenken.api.present.analysis`, :mod:`meedenken.api.present.diversity`) fill them from an
engine result; FastAPI publishes them in the OpenAPI document (``/openapi.json``, ``/docs``).

Conventions, the same in every answer:

* **agree = +1**; rates and shares are fractions in [0, 1] (not percentages).
* **null means "not known"**: a figure the data cannot give (no votes, a single group, a cell
  hidden for k-anonymity, an undefined ratio) is ``null``, never ``0.0`` and never ``NaN``.
* ids are the service's ids (integers) or, for ``meedenken analyze``, the export's ids.
* **two lists, two names**: ``bridging`` is always the common-ground list (common ground
  across opinion groups first, :mod:`meedenken.engine.common_ground`, each entry with the
  matrix-factorisation score of :mod:`meedenken.engine.bridging`, Community-Notes style: support
  the opinion factor does not explain); ``group_informed_consensus`` is always Pol.is's
  product of per-group agree probabilities. The older diversity key ``opinion.bridging`` holds
  the top statements by group-informed consensus; it is kept for existing clients, marked
  deprecated, and has the clearer twin ``opinion.top_group_informed_consensus``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AnalysisAnswer",
    "AnalyzeAnswer",
    "AttributeAnswer",
    "BridgingEntry",
    "ConsensusLists",
    "ConsensusStatement",
    "CoverageAnswer",
    "DiversityAnswer",
    "Group",
    "GroupInformedConsensusEntry",
    "GroupStabilityAnswer",
    "KStepAnswer",
    "ModerationCounts",
    "ParticipantPoint",
    "Participation",
    "ReferenceAnswer",
    "RepresentativeStatement",
    "RoleCommonGroundEntry",
    "StatementPoint",
    "StatementVotes",
]

#: A statement id: the service's integer id, or the id a Pol.is export gives the comment.
StatementId = int | str
#: A participant id (service id, or the export's participant id).
ParticipantId = int | str

#: A number that may be unknown (null).
Maybe = float | None
#: A rate or share in [0, 1], or null when unknown. The range is documented, not enforced: a
#: stored figure off by a rounding error must still be served.
Rate = float | None


def _doc(text: str, **kwargs: Any) -> Any:
    """A field's description (``Field(description=...)``), kept short at the call site."""
    return Field(description=text, **kwargs)


class _Answer(BaseModel):
    """Shared config: answers are read-only values; a field named after a Python keyword
    (``pass``) is read and written under its alias."""

    model_config = ConfigDict(frozen=True, validate_by_name=True, validate_by_alias=True,
                              serialize_by_alias=True)


# ---------------------------------------------------------------------- analysis
class ParticipantPoint(_Answer):
    """One participant in the conversation, placed on the opinion map."""

    id: ParticipantId = _doc("participant id")
    x: Maybe = _doc("first map coordinate (principal component 1, in vote units; "
                    "0 when the map has no first axis yet); null if not finite")
    y: Maybe = _doc("second map coordinate (principal component 2; 0 when the map has one "
                    "axis); null if not finite")
    group: int | None = _doc("opinion group id; null when the participant is not grouped")


class MapCell(_Answer):
    """One cell of the public opinion map: how many participants of a group sit in a square of
    the map. Cells of fewer than k participants are left out (issue 18, item 7)."""

    x: float = _doc("centre of the cell, first map coordinate")
    y: float = _doc("centre of the cell, second map coordinate")
    group: int | None = _doc("opinion group id; null for participants in no group")
    count: int = _doc("participants of the group in the cell (at least k)", ge=1)


class StatementPoint(_Answer):
    """One statement on the opinion map (its loading on the map's axes)."""

    id: StatementId = _doc("statement id")
    x: Maybe = _doc("position on the first map axis (Pol.is: sqrt(n) (1 - c) times the "
                    "statement's loading; 0 without that axis); null if not finite")
    y: Maybe = _doc("position on the second map axis (0 without that axis); null if not "
                    "finite")
    extremity: Maybe = _doc("length of that position vector (>= 0; larger = further from "
                            "the centre); null if not finite")


class RepresentativeStatement(_Answer):
    """A statement that sets a group apart (Pol.is repness), most representative first."""

    statement_id: StatementId = _doc("statement id")
    text: str | None = _doc("statement text; null when the text is not known")
    repful_for: str = _doc('"agree" or "disagree": the side of the statement this row '
                           "represents (the best-agree row is always agree, except with "
                           "Pol.is-compatible settings, where Pol.is's label is kept)")
    n_success: int = _doc("group members who voted that way", ge=0)
    n_trials: int = _doc("votes of group members on the statement, passes included", ge=0)
    p_success: Rate = _doc("(n_success + 1) / (n_trials + 2): smoothed share of the group "
                           "members who voted on it (passes included) voting that way, in "
                           "[0, 1]; null if unknown")
    p_test: Maybe = _doc("one-proportion z statistic of that share; null if unknown")
    repness: Maybe = _doc("p_success divided by the same share among all other participants "
                          "(> 1 sets the group apart); null if unknown")
    repness_test: Maybe = _doc("two-proportion z statistic, group against the rest; null if "
                               "unknown")
    metric: Maybe = _doc("Pol.is ranking metric repness * repness_test * p_success * p_test; "
                         "null if unknown")
    best_agree: bool = _doc("chosen as the group's best agreed statement (Pol.is rule)")
    passes_test: bool = _doc(
        "p_test and repness_test both exceed the one-sided 90% z (1.2816). False for Pol.is's "
        "fallback rows (its best-agree statement, or the largest two-proportion z when no "
        "statement passes): shown, but not significant", default=True)


class Group(_Answer):
    """One opinion group."""

    id: int = _doc("group id (stable between snapshots where possible)")
    size: int = _doc("participants in the group", ge=0)
    center: list[Maybe] = _doc("group centre on the map, one number per map axis "
                               "(null if not finite); empty in public answers for a group "
                               "under the privacy minimum (its centre would nearly place "
                               "its members)")
    representative: list[RepresentativeStatement] = _doc(
        "statements that set this group apart, most representative first")
    share_of_participants: Rate = _doc(
        "size / all participants (everyone in the vote matrix); null if unknown", default=None)
    share_of_in_conversation: Rate = _doc(
        "size / participants in conversation (placed on the map); null if unknown",
        default=None)
    share_of_grouped: Rate = _doc(
        "size / participants in an opinion group; null if unknown", default=None)


class KStepAnswer(_Answer):
    """One decision on the way to the published number of groups (default mode)."""

    k_before: int = _doc("groups before this decision", ge=0)
    k_after: int = _doc("groups after it", ge=0)
    p_value: Maybe = _doc("p of the group being one continuum rather than two groups (simulated "
                          "continua fitted to its votes; small: two groups); null when the "
                          "decision was not that test")
    reason: str = _doc('why, in words, e.g. "two groups, not a continuum", "no further split: '
                       'one continuum", "not reproducible (bootstrap Jaccard)"')
    kind: str = _doc('the same as a code: "split", "continuum", "class" (another latent class '
                     'kept), "held_out", "unstable", "too_few", "alike" (the votes do not tell '
                     'participants apart), "too_small" (a group below the minimum merged), '
                     '"split_too_small" (a split refused: a part would be below the minimum), '
                     '"class_too_small", "forced" (k set by hand), "classes" / '
                     '"classes_continuum" (the class-versus-continuum test where the map saw one '
                     'continuum: classes sought / none), "trait" / "classes_not_trait" (the '
                     'latent classes against a continuous latent trait on held-out votes: '
                     'one continuum, no clear groups / the classes stand), "trait_too_few" '
                     '(too few participants for that comparison), "classes_beat_trait" / '
                     '"trait_not_beaten" (where the map and the class test saw one continuum '
                     'but the votes have a third axis above noise: the latent classes beat '
                     'every continuous trait clearly and are published / they do not: no '
                     'clear groups; also where the map found groups, from three latent '
                     'classes on, which must beat the trait there too: k_after one less, '
                     'one class fewer tried), "third_axis" / "no_third_axis" (the screen that '
                     'decides whether they are sought there: the votes\' third axis, '
                     'group_stability.third_axis, stands above noise / does not; '
                     '"trait_too_few" where the '
                     'room is too small for the screen), "skewed_axis" (below that screen, one '
                     'of the votes\' first three axes is lopsided, as a small minority makes '
                     'it: classes sought all the same), "runs_disagree" (some runs of the whole '
                     'grouping found groups, fewer than the two thirds needed: no clear '
                     'groups), "runs_split" (groups published at the number most of the '
                     'group-finding runs found, but fewer than half of those runs found that '
                     'number: it is uncertain)')
    z: Maybe = _doc('for "held_out" and "class": the paired z of that split or class; for '
                    '"classes" and "classes_continuum": the test\'s z against the simulated '
                    'continua (null: stopped early); for "trait", "classes_not_trait", '
                    '"classes_beat_trait" and "trait_not_beaten": the paired z of the best '
                    'trait model over the classes; for "skewed_axis": the largest z of an axis\'s '
                    'absolute skewness against shuffled votes; otherwise null')


class GroupStabilityAnswer(_Answer):
    """How far the opinion groups can be trusted (default mode; null in Pol.is mode)."""

    method: str = _doc("how groups were chosen and their stability measured")
    clear_groups: bool = _doc("true: two or more distinct, reproducible groups; false: no clear "
                              "opinion groups (everyone in conversation is shown as one group)")
    overall: Maybe = _doc("mean over the groups of their clusterwise bootstrap Jaccard (0..1; "
                          ">= 0.75 stable, Hennig 2007); null without clear groups")
    per_group: dict[str, Maybe] = _doc("group id -> its bootstrap Jaccard (0..1)")
    held_out_z: Maybe = _doc("paired z (over participants) of the groups predicting held-out "
                             "votes better than one group; null when not tested")
    min_group_size: int = _doc("no published group is smaller than this", ge=0)
    restarts: list[int] = _doc(
        "k found by each run of the whole grouping, each with its own seed "
        "(GroupingSettings.restarts at most; the runs stop once the published k is settled: "
        "groups or none, and which k most group-finding runs find, can no longer change): "
        "groups are published only where at least two thirds of the runs find groups, at the "
        "k most of those find, ties to the smaller; otherwise no clear groups (step "
        "runs_disagree); where fewer than half of the group-finding runs found that k, the "
        "step runs_split says so; runs that disagree mean the number of groups is uncertain",
        default_factory=list)
    k_uncertain: bool = _doc("true when the runs in ``restarts`` found different numbers of "
                             "groups: the number of groups is uncertain", default=False)
    third_axis: Maybe = _doc("the votes' third singular value over that of the same votes "
                             "shuffled among each statement's voters (Horn's parallel "
                             "analysis), where the grouping read it: the screen where the map "
                             "and the class test saw one continuum (steps \"third_axis\" / "
                             "\"no_third_axis\"), or the trait test where latent classes were "
                             "found (at GroupingSettings.classes_third_axis or above, the trait "
                             "is also fitted on three axes); null: not computed", default=None)
    k_scores: dict[str, Maybe] = _doc("k -> minus the cross-validated held-out log-loss of that "
                                      "grouping (k = 1: one group), for the k's scored")
    steps: list[KStepAnswer] = _doc("the decisions from one group to the published k, in order")


class ConsensusStatement(_Answer):
    """A statement most participants agree (or disagree) with, across the groups."""

    statement_id: StatementId = _doc("statement id")
    text: str | None = _doc("statement text; null when the text is not known")
    n_success: int = _doc("participants who voted that way", ge=0)
    n_trials: int = _doc("votes on it by all participants, passes included", ge=0)
    p_success: Rate = _doc("(n_success + 1) / (n_trials + 2), in [0, 1]; null if unknown")
    p_test: Maybe = _doc("one-proportion z statistic of that share; null if unknown")
    share_of_voters: Rate = _doc(
        "n_success / n_trials: share of all participants who voted on it (passes included) "
        "voting that way; null if unknown", default=None)
    share_low: Rate = _doc("lower end of that share's 95% Wilson interval", default=None)
    share_high: Rate = _doc("upper end of that share's 95% Wilson interval", default=None)
    wording: str = _doc(
        '"clear_majority" (the whole interval above 50%: "most participants"), '
        '"majority_not_certain" (share above 50%, interval reaching 50%) or "no_majority"',
        default="")


class ConsensusLists(_Answer):
    """Consensus statements by direction, strongest first."""

    agree: list[ConsensusStatement] = _doc("statements most agree with, strongest first")
    disagree: list[ConsensusStatement] = _doc("statements most disagree with, strongest first")


class GroupInformedConsensusEntry(_Answer):
    """Group-informed consensus of one statement (Pol.is): the product over the opinion groups
    of each group's smoothed agree probability. High = agreed in every group."""

    statement_id: StatementId = _doc("statement id")
    value: Rate = _doc("group-informed consensus in [0, 1]; null when it is not defined "
                       "(no groups yet, statement not analysed)")


class StatementVotes(_Answer):
    """Current vote counts of one statement."""

    statement_id: StatementId = _doc("statement id")
    agree: int = _doc("agree votes", ge=0)
    disagree: int = _doc("disagree votes", ge=0)
    pass_: int = Field(alias="pass", description="pass votes", ge=0)


class Participation(_Answer):
    """How many took part, and votes per statement."""

    n_participants: int = _doc("participants with at least one vote", ge=0)
    n_votes: int = _doc("current votes (one per participant and statement)", ge=0)
    n_statements: int = _doc("statements in the analysis' vote matrix", ge=0)
    votes_per_participant_median: Maybe = _doc(
        "median number of votes per participant; null when nobody voted")
    participants_by_role: dict[str, int] = _doc(
        "participants per declared stakeholder role (\"unknown\" when none); roles of fewer than "
        "5 participants are pooled under one key so no small group can be singled out")
    statements: list[StatementVotes] = _doc("vote counts per statement")


#: Why a statement is or is not common ground (engine.common_ground.STATUSES).
COMMON_GROUND_STATUS = (
    "common_ground: every opinion group (and declared role) supports it with evidence; "
    "not_enough_votes: some group has too few votes, or its support is not yet clear; "
    "rejected_within_a_group: a part of the map (a minority inside a group) rejects it; "
    "rejected_by_a_role / rejected_by_a_group: a whole role / opinion group rejects it")


#: Why a group or role does not carry a statement yet (api.present.analysis.WHY_NOT_ORDER).
_WHY_NOT = ("few_votes: fewer than min_group_votes (5) of them agreed or disagreed; unclear: "
            "enough did, but their agree share among those is not above 1/2 beyond chance "
            "(one-sided 95% Wilson bounds on both sides of 1/2); rejects: it is below 1/2 "
            "beyond chance (a veto)")
WHY_NOT_GROUPS = ("opinion group id -> why that group does not carry it yet (" + _WHY_NOT
                  + "); groups that support it are left out; empty for common ground")
WHY_NOT_ROLES = ("declared attribute -> category -> why that role does not carry it yet ("
                 + _WHY_NOT + "); empty when every shown role supports it")


class BridgingEntry(_Answer):
    """One statement of the bridging list ("common ground across opinion groups"): every
    common-ground statement first (every group supports it, no group rejects it; see
    engine.common_ground), ordered by its weakest group's support, then the rest. The score is
    the matrix-factorisation intercept (engine.bridging, Community-Notes style): support that
    the opinion factor (the main divide) does not explain."""

    statement_id: StatementId = _doc("statement id")
    score: Maybe = _doc("bridging score (statement intercept, in vote units, agree = +1; "
                        "higher = more support across the divide); null if not finite")
    low: Maybe = _doc("lower end of the score's 95% interval; null if not finite")
    high: Maybe = _doc("upper end of the score's 95% interval; null if not finite")
    polarization: Maybe = _doc("|loading| on the opinion factor (>= 0; 0 = not divisive); "
                               "null if not finite")
    group_agree: dict[str, float] = _doc(
        "opinion group id -> agree rate in [0, 1] (agrees / votes seen, passes included); "
        "groups without a vote on it are left out")
    role_agree: dict[str, dict[str, float]] = _doc(
        "declared attribute (e.g. role) -> category -> agree rate in [0, 1]; categories of "
        "fewer than 5 participants are left out")
    is_bridging: bool = _doc("common ground: every opinion group (and every declared role "
                             "with >= 5 participants) supports it with evidence (lower bound of "
                             "its agree share among those who took a side above 1/2) and no "
                             "group, role or part of the map rejects it (status common_ground)")
    n_votes: int = _doc("votes seen on the statement (agree, disagree, pass)", ge=0)
    status: str = _doc(COMMON_GROUND_STATUS, default="not_enough_votes")
    weakest_group: str | None = _doc(
        "the opinion group that supports it least (lowest lower bound); null without votes",
        default=None)
    weakest_group_agree: Rate = _doc(
        "that group's agree share among those who took a side (agree / (agree + disagree))",
        default=None)
    weakest_group_low: Rate = _doc("the lower end of that share's one-sided 95% Wilson bound",
                                   default=None)
    group_support: dict[str, float] = _doc(
        "opinion group id -> agree share among those who took a side (what the rule reads; "
        "group_agree counts passes as votes seen)", default_factory=dict)
    role_status: str | None = _doc(
        "the rule over the declared roles alone (common ground across roles); null without "
        "declared roles", default=None)
    role_support: dict[str, dict[str, float]] = _doc(
        "declared attribute -> category -> agree share among those who took a side; cells of "
        "fewer than 5 participants or voters are left out", default_factory=dict)
    why_not: dict[str, str] = _doc(WHY_NOT_GROUPS, default_factory=dict)
    why_not_roles: dict[str, dict[str, str]] = _doc(WHY_NOT_ROLES, default_factory=dict)


class RoleCommonGroundEntry(_Answer):
    """One statement of "common ground across roles": the common-ground rule over the declared
    roles alone (residents, professionals, managers...), cells under 5 participants hidden."""

    statement_id: StatementId = _doc("statement id")
    is_common_ground: bool = _doc("every shown role supports it with evidence, none rejects it")
    status: str = _doc("common_ground / not_enough_votes / rejected_by_a_role")
    role_support: dict[str, dict[str, float]] = _doc(
        "declared attribute -> category -> agree share among those who took a side; hidden "
        "cells left out")
    n_votes: int = _doc("votes seen on the statement (agree, disagree, pass)", ge=0)
    why_not_roles: dict[str, dict[str, str]] = _doc(WHY_NOT_ROLES, default_factory=dict)


class AnalysisAnswer(_Answer):
    """``GET /conversations/{id}/analysis`` and each ``analysis`` event of ``/stream``: the
    latest stored analysis snapshot (version 0 with empty lists before the first one)."""

    version: int = _doc("snapshot version, 1, 2, ... (0: no analysis yet)", ge=0)
    created_at: str | None = _doc("when the snapshot was made (ISO 8601, UTC); null before "
                                  "the first analysis")
    participants: int = _doc("participants in the vote matrix", ge=0)
    votes: int = _doc("votes in the vote matrix", ge=0)
    statements: int = _doc("statements in the vote matrix", ge=0)
    polis_compatible: bool = _doc("computed with Pol.is-compatible settings")
    k: int = _doc("number of opinion groups (0: not enough votes yet)", ge=0)
    coordinates: list[ParticipantPoint] = _doc(
        "participants in the conversation on the map: all of them for the facilitator; in the "
        "public answer only the calling participant's own point (none for anonymous callers)")
    map_cells: list[MapCell] = Field(
        default_factory=list,
        description="the public map: participants per group and square of the map, cells of "
                    "fewer than k left out; empty in the facilitator's answer, which has every "
                    "point")
    statement_coordinates: list[StatementPoint] = _doc("statements on the map")
    groups: list[Group] = _doc("the opinion groups with their representative statements")
    group_stability: GroupStabilityAnswer | None = Field(
        default=None, description="how the groups were chosen and how stable they are (null in "
                                  "Pol.is mode and in snapshots older than issue 15)")
    consensus: ConsensusLists = _doc("consensus statements (Pol.is)")
    group_informed_consensus: list[GroupInformedConsensusEntry] = _doc(
        "group-informed consensus of every statement the analysis used (Pol.is mode: every "
        "statement), in statement order")
    participation: Participation = _doc("participation counts")
    bridging: list[BridgingEntry] = Field(
        default_factory=list,
        description="common ground across opinion groups: every common-ground statement "
                    "first (is_bridging), then the rest, at most 50; empty when bridging did "
                    "not run (snapshots older than bridging also read back with an empty list)")
    common_ground_roles: list[RoleCommonGroundEntry] = Field(
        default_factory=list,
        description="common ground across roles: common-ground statements first, at most 50; "
                    "empty when no roles are declared")


# ---------------------------------------------------------------------- meedenken analyze --json
class AnalyzeOpinion(_Answer):
    """Opinion diversity of an analysed export."""

    groups: int = _doc("opinion groups", ge=0)
    effective_groups: Maybe = _doc("effective number of groups (exp Shannon of the group "
                                   "shares); null if undefined")
    effective_groups_simpson: Maybe = _doc("effective number of groups (inverse Simpson); "
                                           "null if undefined")
    total_variance: Maybe = _doc("spread of the map (total variance of the coordinates)")
    mean_distance: Maybe = _doc("mean distance between participants on the map")
    median_cramers_v: Maybe = _doc("median over statements of Cramér's V between the groups, "
                                   "in [0, 1]; null when no statement has one")
    top_group_informed_consensus: list[StatementId] = _doc(
        "the statements coverage counts: top statements by group-informed consensus, best first")
    bridging: list[StatementId] = Field(
        description="deprecated name of top_group_informed_consensus (same list; it is NOT the "
                    "matrix-factorisation `bridging` list of the answer's top level)",
        deprecated=True)
    coverage: Rate = _doc("share of voters who agree with at least one statement of "
                          "top_group_informed_consensus; null if undefined")


class AnalyzeVotesPerVoter(_Answer):
    """How many votes each voter cast (voters: participants with a vote)."""

    mean: Maybe = _doc("mean votes per voter")
    median: Maybe = _doc("median votes per voter")
    p90: Maybe = _doc("90th percentile of votes per voter")
    max: int = _doc("most votes by one voter", ge=0)
    gini: Rate = _doc("Gini coefficient of votes per voter, in [0, 1]; null if undefined")
    top10_share: Rate = _doc("share of the votes cast by the most active 10% of voters")


class _Funnel(_Answer):
    """The steps of the participation funnel every participation answer starts with."""

    joined: int = _doc("participants who joined (in an export: voted or wrote)", ge=0)
    voted: int = _doc("participants with a vote", ge=0)
    wrote: int = _doc("participants who wrote a statement", ge=0)
    in_conversation: int = _doc("participants with enough votes to be placed on the map", ge=0)


class AnalyzeParticipation(_Funnel):
    """The participation funnel of an export (a first vote stands in for joining)."""

    votes: int = _doc("vote events", ge=0)
    density: Rate = _doc("share of participant x statement cells with a vote")
    votes_per_voter: AnalyzeVotesPerVoter = _doc("distribution of votes per voter")
    statements_by_state: dict[str, int] = _doc("statements per moderation state (and meta)")
    days: int = _doc("days in the daily series (first to last dated activity)", ge=0)
    votes_per_day: list[int] = _doc("votes per day, from the first day")


class AnalyzeDiversity(_Answer):
    """Participation and opinion diversity of an analysed export."""

    participation: AnalyzeParticipation = _doc("participation funnel and activity")
    opinion: AnalyzeOpinion = _doc("opinion diversity")


class ModerationCounts(_Answer):
    """Statements by moderation state, as the analysis used them (Pol.is ``moderated``: -1 out,
    0 unmoderated, 1 accepted)."""

    moderated_out: int = _doc("statements moderators rejected, left out of the analysis", ge=0)
    moderated_out_kept: int = _doc("rejected statements kept anyway (--include-moderated)",
                                   ge=0)
    unmoderated_kept: int = _doc("statements nobody moderated, kept in the analysis", ge=0)
    unmoderated_dropped: int = _doc("statements nobody moderated, left out "
                                    "(--drop-unmoderated)", ge=0)
    accepted: int = _doc("statements moderators accepted", ge=0)


class AnalyzeAnswer(_Answer):
    """The object ``meedenken analyze FOLDER --json`` prints (ids as in the export; JSON object
    keys are strings). Scripts read these keys: they keep their names; new keys may be added."""

    participants: int = _doc("participants in the vote matrix", ge=0)
    statements: int = _doc("statements in the vote matrix", ge=0)
    votes: int = _doc("votes in the vote matrix", ge=0)
    in_conv: int = _doc("participants in conversation (placed on the map)", ge=0)
    k: int = _doc("number of opinion groups", ge=0)
    polis_compatible: bool = _doc("computed with Pol.is-compatible settings")
    groups: dict[str, int] = _doc("participant id -> opinion group id (grouped participants)")
    group_stability: GroupStabilityAnswer | None = _doc(
        "how the groups were chosen and how stable they are (null in Pol.is mode)", default=None)
    repness: dict[str, list[StatementId]] = _doc(
        "group id -> its representative statements, most representative first")
    consensus: dict[str, list[StatementId]] = _doc(
        '"agree" / "disagree" -> consensus statements, strongest first')
    group_informed_consensus: dict[str, Rate] = _doc(
        "statement id -> group-informed consensus in [0, 1]; null where not defined; the "
        "statements the analysis used (moderated-out and meta ones left out; Pol.is mode: every "
        "statement)")
    bridging: list[BridgingEntry] = _doc(
        "every scored statement: common ground across opinion groups first (is_bridging), "
        "then the rest (see BridgingEntry)")
    common_ground_roles: list[RoleCommonGroundEntry] = _doc(
        "common ground across declared roles, common ground first (empty without roles)",
        default_factory=list)
    seconds: dict[str, float] = _doc(
        "wall time per step: read (the CSV files), matrix, then the engine's steps (its total "
        "covers the analysis only), diversity")
    meta_inferred: list[StatementId] = _doc("statements flagged meta by --infer-meta")
    diversity: AnalyzeDiversity = _doc("participation and opinion diversity")
    group_details: list[Group] = _doc(
        "each opinion group with its size, its shares of all participants, of those in "
        "conversation and of the grouped, and its representative statements (passes_test "
        "marks Pol.is's fallback rows)", default_factory=list)
    consensus_details: ConsensusLists | None = _doc(
        "the consensus statements with their share of voters, 95% interval and wording",
        default=None)
    moderation: ModerationCounts | None = _doc(
        "statements left out or kept by their moderation state", default=None)
    priorities: dict[str, float | None] | None = _doc(
        "Pol.is-compatible mode: statement id -> routing priority (Pol.is comment-priorities; "
        "meta statements 49; null if not finite); null in the default mode", default=None)


# ---------------------------------------------------------------------- diversity
class Histogram(_Answer):
    """Voters binned by their number of votes."""

    edges: list[float] = _doc("bin edges (votes per voter), one more than counts")
    counts: list[int] = _doc("voters per bin")


class VotesPerVoter(_Answer):
    """How many votes each voter cast (voters: participants with a vote)."""

    mean: Maybe = _doc("mean votes per voter; null without voters")
    median: Maybe = _doc("median votes per voter; null without voters")
    p25: Maybe = _doc("25th percentile; null without voters")
    p75: Maybe = _doc("75th percentile; null without voters")
    p90: Maybe = _doc("90th percentile; null without voters")
    max: int = _doc("most votes by one voter", ge=0)
    gini: Rate = _doc("Gini coefficient of votes per voter in [0, 1]; null without voters")
    top10_share: Rate = _doc("share of votes cast by the most active 10% of voters")
    histogram: Histogram = _doc("histogram of votes per voter")


class TimeSeries(_Answer):
    """Activity per time bin (hour or day), bins in time order."""

    start: list[str] = _doc("start of each bin (ISO 8601, UTC)")
    joined: list[int] = _doc("participants who joined in the bin")
    new_voters: list[int] = _doc("participants whose first vote fell in the bin")
    new_writers: list[int] = _doc("participants whose first statement fell in the bin")
    votes: list[int] = _doc("votes cast in the bin (every vote event)")
    statements: dict[str, list[int]] = _doc("statements submitted per bin, by moderation state")


class DiversityParticipation(_Funnel):
    """The participation funnel, activity and time series of a conversation."""

    statements: int = _doc("statements", ge=0)
    votes: int = _doc("vote events (changed votes count again)", ge=0)
    density: Rate = _doc("share of participant x statement cells with a vote; null if empty")
    votes_per_voter: VotesPerVoter = _doc("distribution of votes per voter")
    statements_by_state: dict[str, int] = _doc("statements per moderation state")
    hourly: TimeSeries | None = _doc("hourly series; null when the conversation spans too "
                                     "long for hourly bins")
    daily: TimeSeries = _doc("daily series")


class AttributeAnswer(_Answer):
    """One attribute (the stakeholder role or a demographic question) of the participants."""

    respondents: int = _doc("participants who answered", ge=0)
    missing: int = _doc("participants who did not answer", ge=0)
    suppressed: bool = _doc("true when too few answered for any figure to be shown")
    counts: dict[str, int] = _doc("category -> participants; categories of fewer than k "
                                  "participants are left out (k-anonymity)")
    shares: dict[str, Rate] = _doc("category -> share of respondents in [0, 1]; null for a "
                                   "category hidden for k-anonymity")
    hidden_categories: list[str] = _doc("categories hidden for k-anonymity")
    hidden_share: Rate = _doc("share of respondents in hidden categories")
    shannon: Maybe = _doc("Shannon entropy of the shares (nats); null when suppressed")
    evenness: Rate = _doc("Pielou evenness in [0, 1]; null when suppressed or undefined")
    gini_simpson: Rate = _doc("Gini-Simpson index in [0, 1]; null when suppressed")
    effective_categories: Maybe = _doc("effective number of categories (inverse Simpson); "
                                       "null when suppressed")
    hill_shannon: Maybe = _doc("effective number of categories (exp Shannon); null when "
                               "suppressed")
    representation_ratio: dict[str, Maybe] | None = _doc(
        "category -> share / reference share (1 = as in the population); null without a "
        "reference for this attribute, null per category when hidden or not in the reference",
        default=None)
    dissimilarity: Rate = _doc("index of dissimilarity to the reference in [0, 1]; null "
                               "without a reference", default=None)
    cv: Maybe = _doc("coefficient of variation of the representation ratios; null without a "
                     "reference", default=None)
    chi2: Maybe = _doc("chi-square statistic against the reference; null without a reference",
                       default=None)
    chi2_p: Rate = _doc("p-value of the chi-square test; null without a reference",
                        default=None)
    unmatched: int | None = _doc("respondents whose category is not in the reference; null "
                                 "without a reference", default=None)


class WeightsAnswer(_Answer):
    """Raking (or post-stratification) of the voters to the reference; only summaries, never a
    participant's weight."""

    method: str | None = _doc('"raking", "poststratification", or null when not weighted')
    n: int = _doc("voters", ge=0)
    attributes: list[str] = _doc("reference attributes the weights match")
    effective_sample_size: Maybe = _doc("Kish effective sample size; null without voters")
    design_effect: Maybe = _doc("Kish design effect (>= 1; 1 unweighted); null without voters")
    converged: bool | None = _doc("raking converged; null when not weighted", default=None)
    iterations: int | None = _doc("raking iterations; null when not weighted", default=None)
    max_error: Maybe = _doc("largest remaining gap to a reference margin; null when not "
                            "weighted", default=None)
    uncovered_share: dict[str, Maybe] | None = _doc(
        "attribute -> share of the reference with no voter to stand for it; null when not "
        "weighted", default=None)
    collapsed: dict[str, dict[str, str]] | None = _doc(
        "attribute -> {category with fewer than k voters: category it was merged into before "
        "weighting}; null when not weighted", default=None)
    refused: str | None = _doc(
        "why weighted figures are withheld (effective sample size below the floor); null when "
        "they are published or nothing is weighted", default=None)


class WeightedStatement(_Answer):
    """One statement's agree rates and group-informed consensus, unweighted and weighted to
    the reference."""

    statement_id: StatementId = _doc("statement id")
    votes: int = _doc("current votes", ge=0)
    agree: Rate = _doc("agree rate (passes included); null without votes")
    disagree: Rate = _doc("disagree rate; null without votes")
    group_informed_consensus: Rate = _doc("group-informed consensus; null when undefined")
    agree_weighted: Rate = _doc("weighted agree rate; null without weights, with fewer than "
                                "k votes (would hint at voters' weights) or when the voters' "
                                "effective number of votes is below the floor")
    disagree_weighted: Rate = _doc("weighted disagree rate; null as agree_weighted")
    group_informed_consensus_weighted: Rate = _doc("weighted group-informed consensus; null as "
                                                   "agree_weighted")


class GroupDifference(_Answer):
    """How much the opinion groups differ on one statement."""

    statement_id: StatementId = _doc("statement id")
    agree_range: Rate = _doc("highest minus lowest group agree rate; null with fewer than two "
                             "groups voting")
    cramers_v: Rate = _doc("Cramér's V of vote by group in [0, 1]; null when undefined")


class TopConsensusEntry(_Answer):
    """One of the top statements by group-informed consensus."""

    statement_id: StatementId = _doc("statement id")
    group_informed_consensus: Rate = _doc("its group-informed consensus")


class CoverageAnswer(_Answer):
    """Voters who agree with at least one of the top statements by group-informed consensus."""

    statements: list[StatementId] = _doc("the statements counted (top by group-informed "
                                         "consensus)")
    voters: int = _doc("voters", ge=0)
    covered: int = _doc("voters who agree with at least one of them", ge=0)
    share: Rate = _doc("covered / voters; null without voters")
    by_group: dict[str, Rate] = _doc("opinion group id -> share of its voters covered")


class OpinionAnswer(_Answer):
    """Opinion diversity: how many groups, how spread, how much they differ, and how many
    voters the most agreed statements reach."""

    groups: int = _doc("opinion groups", ge=0)
    group_sizes: dict[str, int] = _doc("group id -> voters in it")
    effective_groups: Maybe = _doc("effective number of groups (exp Shannon); null if none")
    effective_groups_simpson: Maybe = _doc("effective number of groups (inverse Simpson)")
    total_variance: Maybe = _doc("spread of the map (total variance); null if undefined")
    mean_distance: Maybe = _doc("mean distance between voters on the map; null if undefined")
    statements: list[GroupDifference] = _doc("how much the groups differ, per statement")
    top_group_informed_consensus: list[TopConsensusEntry] = _doc(
        "top statements by group-informed consensus, best first (those coverage counts)")
    bridging: list[TopConsensusEntry] = Field(
        description="deprecated name of top_group_informed_consensus (same list, ranked by "
                    "group-informed consensus, not the matrix-factorisation bridging of "
                    "GET /analysis)",
        deprecated=True)
    coverage: CoverageAnswer | None = _doc("voters covered by top_group_informed_consensus; "
                                           "null without voters or statements")


class DiversityAnswer(_Answer):
    """``GET /conversations/{id}/diversity``: participation, heterogeneity and
    representativeness per attribute, weights and opinion diversity (cells of fewer than k
    participants hidden)."""

    k: int = _doc("smallest cell shown (k-anonymity)", ge=1)
    participation: DiversityParticipation = _doc("funnel, activity and time series")
    attributes: dict[str, AttributeAnswer] = _doc(
        "attribute name (\"role\" and each demographic question) -> its report; questions "
        "answered by fewer than k participants and not in the reference are left out")
    reference: dict[str, dict[str, float]] | None = _doc(
        "the reference population (attribute -> category -> share); null when none is set")
    weights: WeightsAnswer = _doc("weighting of the voters to the reference")
    weighted: list[WeightedStatement] = _doc("agree rates and group-informed consensus per "
                                             "statement, unweighted and weighted")
    opinion: OpinionAnswer = _doc("opinion diversity")


# ---------------------------------------------------------------------- reference
class ReferenceAnswer(_Answer):
    """The reference population of a conversation (``GET`` / ``PUT .../reference``)."""

    conversation_id: int = _doc("conversation id")
    attributes: dict[str, dict[str, float]] = _doc(
        "attribute -> category -> population share in [0, 1] (each attribute sums to 1)")
    updated_at: str = _doc("when it was last set (ISO 8601)")

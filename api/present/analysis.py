"""The one place where an engine result becomes an answer: ``GET /analysis`` and ``/stream``
(:func:`analysis_answer`), ``meedenken analyze --json`` (:func:`analyze_answer`), and the
bridging list every surface shows (:func:`bridging_entries`, also behind the tidy ``bridging``
table and the report).

The answers are the pydantic models of :mod:`meedenken.api.present.schemas`. One NaN policy:
:func:`finite` turns a figure that is not a finite number into ``None`` (JSON null), never 0.
Add new parts of the analysis here, as a field of the schema. Agree = +1 throughout.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from meedenken.engine.bridging_result import BridgingResult
from meedenken.engine.diversity import suppress_cells
from meedenken.engine.diversity_settings import DiversitySettings
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.result import AnalysisResult, ConsensusStatement, RepStatement

from .schemas import (
    AnalysisAnswer,
    AnalyzeAnswer,
    AnalyzeDiversity,
    BridgingEntry,
    ConsensusLists,
    Group,
    GroupInformedConsensusEntry,
    GroupStabilityAnswer,
    KStepAnswer,
    MapCell,
    ModerationCounts,
    ParticipantPoint,
    Participation,
    RepresentativeStatement,
    RoleCommonGroundEntry,
    StatementPoint,
    StatementVotes,
)
from .schemas import ConsensusStatement as ConsensusEntry
from .wording import group_letter, group_shares, majority_wording, share_interval

__all__ = ["BRIDGING_LISTED", "CLOSEST_SHOWN", "COMMON_GROUND_SHOWN", "FEW_VOTES", "REJECTS",
           "UNCLEAR", "StatementInfo", "analysis_answer", "analysis_to_json",
           "analyze_answer", "as_json", "bridging_entries", "common_ground_shown",
           "empty_analysis", "finite", "group_stability_answer",
           "plain_id", "priorities_by_id", "public_analysis", "role_common_ground_entries",
           "role_sentence", "stored_analysis", "support_sentence", "why_not_sentence"]


def finite(x: Any) -> float | None:
    """The one NaN policy of every answer: a finite number as a float, anything else None.

    >>> finite(0.25), finite(float("nan")), finite(np.inf), finite(np.float32(2))
    (0.25, None, None, 2.0)
    """
    value = float(x)
    return value if math.isfinite(value) else None


def as_json(answer: BaseModel) -> dict[str, Any]:
    """An answer as JSON-ready dicts, keys under their public names (``pass``).

    Serialised by pydantic's JSON writer and read back: several times faster than
    ``model_dump(mode="json")`` on a map of 20,000 participants.
    """
    data: dict[str, Any] = json.loads(answer.model_dump_json())
    return data


def plain_id(value: Hashable) -> Any:
    """An id as a plain Python value (numpy integers from arrays become ``int``)."""
    return value.item() if isinstance(value, np.generic) else value


@dataclass(frozen=True)
class StatementInfo:
    text: str
    moderation: str
    is_meta: bool


#: Smallest role count shown on its own (engine.diversity_settings: k = 5); smaller are pooled.
ROLE_MIN_CELL = DiversitySettings().min_cell_size
POOLED_ROLES = f"other roles (fewer than {ROLE_MIN_CELL} each)"
#: Bridging statements listed in a snapshot, best first (the dashboard shows the top ones).
BRIDGING_LISTED = 50
#: Common-ground statements each surface shows (dashboard, report, ``analyze``'s summary).
COMMON_GROUND_SHOWN = 10
#: With no common ground yet, the statements shown as coming closest (every surface).
CLOSEST_SHOWN = 3

#: Why one opinion group (or role) does not carry a statement yet (``why_not`` of the bridging
#: list), the rule of :mod:`engine.common_ground` read per group: too few of its members took a
#: side (fewer than ``min_group_votes``) ...
FEW_VOTES = "few_votes"
#: ... enough did, but the interval of its agree share still reaches the threshold (1/2) ...
UNCLEAR = "unclear"
#: ... or the whole interval lies below it: the group rejects it (a veto).
REJECTS = "rejects"
#: How far from the rule each reason is: a veto first when named, then "not clear", then votes.
WHY_NOT_ORDER = (REJECTS, UNCLEAR, FEW_VOTES)
#: The order of the role list's statuses, as the group list's (undecided before vetoed).
_ROLE_STATUS_RANK = {"common_ground": 0, "not_enough_votes": 1, "rejected_by_a_role": 2}


def _axis(points: np.ndarray, row: int, axis: int) -> float | None:
    """A map coordinate: 0 on an axis the map does not have yet (every point lies at 0 there),
    None if it is not finite."""
    return finite(points[row, axis]) if points.shape[1] > axis else 0.0


def _rep(r: RepStatement, statements: Mapping[Hashable, StatementInfo]) -> RepresentativeStatement:
    info = statements.get(r.statement_id)
    return RepresentativeStatement(
        statement_id=plain_id(r.statement_id),
        text=info.text if info else None,
        repful_for=r.repful_for,
        n_success=int(r.n_success),
        n_trials=int(r.n_trials),
        p_success=finite(r.p_success),
        p_test=finite(r.p_test),
        repness=finite(r.repness),
        repness_test=finite(r.repness_test),
        metric=finite(r.metric),
        best_agree=bool(r.best_agree),
        passes_test=bool(r.passes_test),
    )


def _consensus(c: ConsensusStatement,
               statements: Mapping[Hashable, StatementInfo]) -> ConsensusEntry:
    info = statements.get(c.statement_id)
    share, low, high = share_interval(int(c.n_success), int(c.n_trials))
    return ConsensusEntry(
        statement_id=plain_id(c.statement_id),
        text=info.text if info else None,
        n_success=int(c.n_success),
        n_trials=int(c.n_trials),
        p_success=finite(c.p_success),
        p_test=finite(c.p_test),
        share_of_voters=share,
        share_low=low,
        share_high=high,
        wording=majority_wording(int(c.n_success), int(c.n_trials)),
    )


def _consensus_lists(result: AnalysisResult,
                     statements: Mapping[Hashable, StatementInfo]) -> ConsensusLists:
    return ConsensusLists(agree=[_consensus(c, statements) for c in result.consensus_agree],
                          disagree=[_consensus(c, statements) for c in result.consensus_disagree])


def _groups(result: AnalysisResult,
            statements: Mapping[Hashable, StatementInfo]) -> list[Group]:
    """Each group with its size as a share of every denominator (all participants, those in
    conversation, the grouped) and its representative statements."""
    cl = result.clustering
    labels = cl.labels
    denominators = {"participants": int(result.n_participants),
                    "in_conversation": int(np.count_nonzero(result.in_conversation)),
                    "grouped": int(np.count_nonzero(labels >= 0))}
    groups = []
    for row, g in enumerate(cl.group_ids):
        size = int((labels == g).sum())
        shares = group_shares(size, denominators)
        groups.append(Group(
            id=int(g), size=size, center=[finite(v) for v in cl.group_centers[row]],
            representative=[_rep(r, statements) for r in result.repness.get(int(g), [])],
            share_of_participants=shares["participants"],
            share_of_in_conversation=shares["in_conversation"],
            share_of_grouped=shares["grouped"]))
    return groups


def _participation(matrix: VoteMatrix, roles: Mapping[Hashable, str | None]) -> Participation:
    """Vote counts per statement and participants per role."""
    X = matrix.X.tocsc()
    per_statement = []
    for j, sid in enumerate(matrix.statement_ids):
        col = X.data[X.indptr[j]:X.indptr[j + 1]]
        per_statement.append(StatementVotes.model_validate({
            "statement_id": plain_id(sid),
            "agree": int((col == 1).sum()),
            "disagree": int((col == -1).sum()),
            "pass": int((col == 0).sum()),
        }))
    counted: dict[str, int] = {}
    for pid in matrix.participant_ids:
        role = roles.get(pid) or "unknown"
        counted[role] = counted.get(role, 0) + 1
    # k-anonymous: roles with fewer than k people are pooled (secondary suppression included,
    # so no hidden count can be worked back from the total).
    names = sorted(counted)
    hide = suppress_cells(np.array([counted[r] for r in names], dtype=np.int64), ROLE_MIN_CELL)
    by_role = {r: counted[r] for r, h in zip(names, hide, strict=True) if not h}
    pooled = sum(counted[r] for r, h in zip(names, hide, strict=True) if h)
    if pooled:
        by_role[POOLED_ROLES] = pooled
    votes = matrix.votes_per_participant()
    return Participation(
        n_participants=matrix.n_participants,
        n_votes=matrix.n_votes,
        n_statements=matrix.n_statements,
        votes_per_participant_median=float(np.median(votes)) if votes.size else None,
        participants_by_role=by_role,
        statements=per_statement,
    )


def bridging_entries(bridging: BridgingResult | None, limit: int | None = None,
                     digits: int | None = 4) -> list[BridgingEntry]:
    """The bridging list, best first: ``result.bridging`` (matrix factorisation) as every
    surface shows it (``GET /analysis``, ``analyze --json``, the report's tidy table).

    Parameters
    ----------
    bridging : ``result.bridging`` of an analysis (None: bridging did not run -> empty list).
    limit : at most this many statements (None: every scored statement).
    digits : round the figures to this many decimals, as the JSON answers do (None: exact,
        for the tidy tables).
    """
    if bridging is None:
        return []
    num = _rounder(digits)
    why = _why_not_tables(bridging)
    return [
        BridgingEntry(
            statement_id=plain_id(st.statement_id),
            score=num(st.score),
            low=num(st.low),
            high=num(st.high),
            polarization=num(st.polarization),
            group_agree=_shares(st.group_agree, num),
            role_agree=_role_shares(st.role_agree, num),
            is_bridging=bool(st.is_bridging),
            n_votes=int(st.n_votes),
            status=st.status,
            weakest_group=None if st.weakest_group is None else str(st.weakest_group),
            weakest_group_agree=num(st.weakest_group_agree),
            weakest_group_low=num(st.weakest_group_low),
            group_support=_shares(st.group_support, num),
            role_status=st.role_status,
            role_support=_role_shares(st.role_support, num),
            why_not=why.groups_of(st.statement_id) if why and not st.is_bridging else {},
            why_not_roles=(why.roles_of(st.statement_id)
                           if why and st.role_status not in (None, "common_ground") else {}),
        )
        for st in bridging.ranked(limit)
    ]


@dataclass(frozen=True)
class _WhyNot:
    """Per opinion group and per shown role, why it does not carry each statement yet (one of
    :data:`WHY_NOT_ORDER`, "" where it supports it with evidence): the rule of
    :mod:`engine.common_ground` (``judge``) read category by category, from the same counts."""

    #: statement id -> column.
    column: dict[Hashable, int]
    #: (categories, (n_categories, n_statements) reasons) of the opinion groups; None: no groups.
    groups: tuple[tuple[Hashable, ...], np.ndarray] | None
    #: attribute -> (shown categories, reasons); hidden (small) cells have too few votes.
    roles: dict[str, tuple[tuple[Hashable, ...], np.ndarray]]

    @staticmethod
    def _of(table: tuple[tuple[Hashable, ...], np.ndarray], s: int) -> dict[str, str]:
        categories, reasons = table
        return {str(c): str(r) for c, r in zip(categories, reasons[:, s], strict=True) if r}

    def groups_of(self, statement_id: Hashable) -> dict[str, str]:
        return {} if self.groups is None else self._of(self.groups, self.column[statement_id])

    def roles_of(self, statement_id: Hashable) -> dict[str, dict[str, str]]:
        s = self.column[statement_id]
        return {name: why for name, table in self.roles.items() if (why := self._of(table, s))}


def _why_not_tables(bridging: BridgingResult) -> _WhyNot | None:
    """The reasons of :class:`_WhyNot` for every statement at once (None: not judged)."""
    cg = bridging.common
    if cg is None:
        return None
    rule = cg.settings

    def reasons(low: np.ndarray, high: np.ndarray, counts: np.ndarray) -> np.ndarray:
        decided = counts[..., 0] + counts[..., 1]
        out = np.full(low.shape, "", dtype=object)
        with np.errstate(invalid="ignore"):
            out[~(low > rule.threshold)] = UNCLEAR
            out[high < rule.threshold] = REJECTS
        out[decided < rule.min_group_votes] = FEW_VOTES
        return out

    groups = None
    if bridging.groups is not None and len(cg.groups.categories):
        groups = (cg.groups.categories,
                  reasons(cg.groups.low, cg.groups.high, bridging.groups.counts))
    roles = {}
    for name, verdict in cg.roles.items():
        shown = bridging.attributes.get(name)
        if shown is None or shown.categories != verdict.categories:
            continue
        counts = np.where(shown.visible[..., None], shown.counts[..., :2], 0)
        roles[name] = (verdict.categories, reasons(verdict.low, verdict.high, counts))
    return _WhyNot({sid: j for j, sid in enumerate(bridging.statement_ids)}, groups, roles)


def why_not_sentence(status: str, why_not: Mapping[str, str],
                     why_not_roles: Mapping[str, Mapping[str, str]],
                     words: Mapping[str, str]) -> str:
    """Why a statement shown as coming closest is not common ground yet, naming the groups and
    roles that hold it back: "group C disagrees; not enough votes yet in groups A and B"
    (``words``: a language's ``why_group(s)_*``, ``why_role_*``, ``role_*``, ``and`` and
    ``status_*`` of :mod:`meedenken.api.report.i18n`; the dashboard's ``whyNotSentence`` says
    the same). A veto comes first, then an unclear majority, then too few votes, groups (and
    roles) with the same reason named together; a part of the map that rejects it
    (``rejected_within_a_group``) is said as such; with no group or role to name (a hidden
    small group), the status alone.

    >>> words = {"why_group_rejects": "group {group} disagrees", "and": "and",
    ...          "why_groups_few_votes": "not enough votes yet in groups {groups}",
    ...          "why_role_unclear": "{role}: no clear majority yet", "role_resident": "resident"}
    >>> why = {"0": "few_votes", "1": "few_votes", "2": "rejects"}
    >>> why_not_sentence("rejected_by_a_group", why, {"role": {"resident": "unclear"}}, words)
    'group C disagrees; resident: no clear majority yet; not enough votes yet in groups A and B'
    """
    def listed(names: list[str]) -> str:
        return names[0] if len(names) == 1 else (
            ", ".join(names[:-1]) + f" {words['and']} " + names[-1])

    parts = [words["status_rejected_within_a_group"]] if status == "rejected_within_a_group" \
        else []
    for reason in WHY_NOT_ORDER:
        groups = [group_letter(g) for g, r in why_not.items() if r == reason]
        if len(groups) == 1:
            parts.append(words[f"why_group_{reason}"].format(group=groups[0]))
        elif groups:
            parts.append(words[f"why_groups_{reason}"].format(groups=listed(groups)))
        roles = [words.get(f"role_{c}", str(c)) for categories in why_not_roles.values()
                 for c, r in categories.items() if r == reason]
        if roles:
            parts.append(words[f"why_role_{reason}"].format(role=listed(roles)))
    if not parts:
        parts = [words.get(f"status_{status}", status)]
    return "; ".join(parts)


def common_ground_shown(entries: Sequence[Any], *, roles: bool = False) -> tuple[list[Any], bool]:
    """What every surface lists under a common-ground heading, from a list already in order
    (:func:`bridging_entries` or :func:`role_common_ground_entries`): the first
    :data:`COMMON_GROUND_SHOWN` common-ground statements, and False; with none, the first
    :data:`CLOSEST_SHOWN` (the nearest to meeting the rule come first) and True (the honest
    empty state, "no common ground yet; these come closest")."""
    common = [e for e in entries
              if (e.is_common_ground if roles else e.is_bridging)][:COMMON_GROUND_SHOWN]
    return (common, False) if common else (list(entries[:CLOSEST_SHOWN]), True)


def no_clear_groups(result: AnalysisResult) -> bool:
    """True when the analysis found no clear opinion groups (everyone in conversation is one
    group): every surface then says beside the common ground that "every group" means everyone
    there, and that a small group whose votes do not stand out may still disagree (the report
    and ``analyze``: ``common_one_group`` of :mod:`meedenken.api.report.i18n`; the dashboard and
    the results page: ``oneGroupNote``, read from ``group_stability.clear_groups``). False in
    the Pol.is-compatible mode, which judges no stability."""
    stability = result.clustering.stability
    return stability is not None and not stability.clear_groups


def _rounder(digits: int | None) -> Callable[[Any], float | None]:
    """:func:`finite` (None stays None), then rounded to ``digits`` decimals (None: exact)."""
    def num(x: Any) -> float | None:
        value = None if x is None else finite(x)
        return value if value is None or digits is None else round(value, digits)
    return num


def _shares(shares: Mapping[Hashable, float],
            num: Callable[[Any], float | None]) -> dict[str, float]:
    """Category -> share with string keys, unknown shares left out."""
    return {str(c): v for c, rate in shares.items() if (v := num(rate)) is not None}


def _role_shares(support: Mapping[str, Mapping[Hashable, float]],
                 num: Callable[[Any], float | None]) -> dict[str, dict[str, float]]:
    return {attribute: _shares(categories, num) for attribute, categories in support.items()}


def support_sentence(support: Mapping[Any, float], words: Mapping[str, str]) -> str:
    """Who supports a statement, in words: "82% of group A, 74% of group B and 69% of group C
    agree" (``words``: a language's ``support_part``, ``and`` and ``support_sentence`` of
    :mod:`meedenken.api.report.i18n`); "" when no group has a share. Never a bare score: the
    report and the command line both say common ground this way, and the dashboard's
    ``supportSentence`` too; groups are named by :func:`.wording.group_letter`.

    >>> words = {"support_part": "{pct}% of group {group}", "and": "and",
    ...          "support_sentence": "{list} agree"}
    >>> support_sentence({0: 0.82, 1: 0.74, "2": 0.69}, words)
    '82% of group A, 74% of group B and 69% of group C agree'
    """
    parts = [words["support_part"].format(pct=round(100 * r), group=group_letter(g))
             for g, r in support.items()]
    if not parts:
        return ""
    text = parts[0] if len(parts) == 1 else (
        ", ".join(parts[:-1]) + f" {words['and']} " + parts[-1])
    return words["support_sentence"].format(list=text)


def role_sentence(role_support: Mapping[str, Mapping[Any, float]],
                  words: Mapping[str, str]) -> str:
    """Each shown role's agree share in words: "Agree (of those who agreed or disagreed):
    resident 82% and board member 74%" (``words``: a language's ``role_part``, ``and``,
    ``role_sentence`` and ``role_<name>`` of :mod:`meedenken.api.report.i18n`, as the
    dashboard says it); "" when no role has a share. Small cells are already left out.

    >>> words = {"role_part": "{role} {pct}%", "and": "and", "role_resident": "resident",
    ...          "role_sentence": "Agree (of those who agreed or disagreed): {list}"}
    >>> role_sentence({"role": {"resident": 0.82, "manager": 0.74}}, words)
    'Agree (of those who agreed or disagreed): resident 82% and manager 74%'
    """
    parts = [words["role_part"].format(pct=round(100 * r), role=words.get(f"role_{c}", str(c)))
             for categories in role_support.values() for c, r in categories.items()]
    if not parts:
        return ""
    text = parts[0] if len(parts) == 1 else (
        ", ".join(parts[:-1]) + f" {words['and']} " + parts[-1])
    return words["role_sentence"].format(list=text)


def role_common_ground_entries(bridging: BridgingResult | None, limit: int | None = None,
                               digits: int | None = 4) -> list[RoleCommonGroundEntry]:
    """"Common ground across roles": the common-ground rule over the declared roles alone,
    common ground first, then the undecided ("not enough votes yet"), then those a role rejects,
    as the list across opinion groups is ordered (the engine's role order puts every statement
    that is not common ground in one rank, so a vetoed one came before one still short of
    votes); within each, the engine's order (the weakest role's lower bound). Empty without
    bridging or without declared roles."""
    cg = None if bridging is None else bridging.common
    status = None if cg is None else cg.role_status
    if bridging is None or cg is None or status is None:
        return []
    num = _rounder(digits)
    why = _why_not_tables(bridging)
    order = bridging.listed_order("roles")
    rank = np.array([_ROLE_STATUS_RANK.get(str(x), 1) for x in status[order]], dtype=np.int64)
    order = order[np.argsort(rank, kind="stable")][:limit]  # stable: the engine's order within

    def support(s: int) -> dict[str, dict[Hashable, float]]:
        return {name: {c: float(r) for c, r in zip(v.categories, v.rate[:, s], strict=True)
                       if not np.isnan(r)} for name, v in cg.roles.items()}

    return [
        RoleCommonGroundEntry(
            statement_id=plain_id(bridging.statement_ids[s]),
            is_common_ground=status[s] == "common_ground",
            status=str(status[s]),
            role_support=_role_shares(support(s), num),
            n_votes=int(bridging.n_votes[s]),
            why_not_roles=(why.roles_of(bridging.statement_ids[s])
                           if why and status[s] != "common_ground" else {}),
        )
        for s in order.tolist()
    ]


def group_stability_answer(result: AnalysisResult) -> GroupStabilityAnswer | None:
    """The groups' stability record (:class:`engine.result.GroupStability`) as served; None in
    Pol.is mode. Per-group figures are keyed by group id."""
    cl = result.clustering
    st = cl.stability
    if st is None:
        return None
    per_group = ({str(int(g)): finite(j) for g, j in zip(cl.group_ids, st.per_group, strict=True)}
                 if len(st.per_group) == len(cl.group_ids) else {})
    return GroupStabilityAnswer(
        method=st.method,
        clear_groups=st.clear_groups,
        overall=None if st.overall is None else finite(st.overall),
        per_group=per_group,
        held_out_z=None if st.held_out_z is None else finite(st.held_out_z),
        min_group_size=st.min_group_size,
        restarts=list(st.restarts),
        k_uncertain=st.k_uncertain,
        third_axis=None if st.third_axis is None else finite(st.third_axis),
        k_scores={str(k): finite(v) for k, v in sorted(cl.k_scores.items())},
        steps=[KStepAnswer(k_before=x.k_before, k_after=x.k_after,
                           p_value=None if x.p_value is None else finite(x.p_value),
                           reason=x.reason, kind=x.kind,
                           z=None if x.z is None else finite(x.z)) for x in st.steps],
    )


def analysis_answer(
    result: AnalysisResult,
    matrix: VoteMatrix,
    *,
    version: int,
    created_at: str,
    statements: Mapping[Hashable, StatementInfo],
    roles: Mapping[Hashable, str | None],
) -> AnalysisAnswer:
    """The analysis as served by the API (``GET /analysis``, ``/stream``; stored as the
    snapshot's JSON).

    Parameters
    ----------
    result : what ``engine.analyze`` returned for ``matrix``.
    matrix : the vote matrix the result was computed from.
    version, created_at : the snapshot's version and ISO time.
    statements : statement id -> text, moderation state, meta flag.
    roles : participant id -> stakeholder role (or None).
    """
    om, cl = result.opinion_map, result.clustering
    labels = cl.labels
    coords = om.coordinates
    participants = [
        ParticipantPoint(
            id=plain_id(pid),
            x=_axis(coords, i, 0),
            y=_axis(coords, i, 1),
            group=int(labels[i]) if labels[i] >= 0 else None,
        )
        for i, pid in enumerate(result.participant_ids)
        if result.in_conversation[i]
    ]
    scoords = om.statement_coordinates
    statement_points = [
        StatementPoint(id=plain_id(sid), x=_axis(scoords, j, 0), y=_axis(scoords, j, 1),
                       extremity=finite(om.extremity[j]))
        for j, sid in enumerate(result.statement_ids)
    ]
    groups = _groups(result, statements)
    gic = result.group_informed_consensus
    listed = _gic_listed(result, matrix.active)
    return AnalysisAnswer(
        version=version,
        created_at=created_at,
        participants=result.n_participants,
        votes=result.n_votes,
        statements=result.n_statements,
        polis_compatible=bool(result.polis_compatible),
        k=int(cl.k),
        coordinates=participants,
        statement_coordinates=statement_points,
        groups=groups,
        group_stability=group_stability_answer(result),
        consensus=_consensus_lists(result, statements),
        group_informed_consensus=[
            GroupInformedConsensusEntry(statement_id=plain_id(sid), value=finite(gic[j]))
            for j, sid in enumerate(result.statement_ids) if listed[j]
        ],
        participation=_participation(matrix, roles),
        bridging=bridging_entries(result.bridging, BRIDGING_LISTED),
        common_ground_roles=role_common_ground_entries(result.bridging, BRIDGING_LISTED),
    )


def analysis_to_json(result: AnalysisResult, matrix: VoteMatrix, *, version: int,
                     created_at: str, statements: Mapping[Hashable, StatementInfo],
                     roles: Mapping[Hashable, str | None]) -> dict[str, Any]:
    """:func:`analysis_answer` as JSON-ready dicts: what a snapshot stores."""
    return as_json(analysis_answer(result, matrix, version=version, created_at=created_at,
                                   statements=statements, roles=roles))


def stored_analysis(payload: Mapping[str, Any] | None) -> AnalysisAnswer:
    """A stored snapshot's JSON (None: no snapshot yet) read back as the answer.

    Snapshots written by older versions read back too: a part they lack (``bridging``, added
    later) is empty, and their figures are served as stored.
    """
    if payload is None:
        return EMPTY_ANALYSIS
    return AnalysisAnswer.model_validate(payload)


#: The public map is cut into MAP_BINS x MAP_BINS squares over the range of the points.
MAP_BINS = 8


def public_analysis(answer: AnalysisAnswer, own: int | None, k: int) -> AnalysisAnswer:
    """The analysis without participant-level data, for everyone but the facilitator.

    Issue 18, item 7: with every participant's id and map position public, two snapshots taken
    around one participant's votes showed how that participant moved, and an author id from
    ``GET /statements`` named them. The public answer therefore has no participant ids: the
    map is given as counts per opinion group and square (:class:`MapCell`) with cells of fewer
    than ``k`` participants left out, so no published figure rests on fewer than k people;
    ``coordinates`` holds only the caller's own point (``own``: the calling participant's id,
    None for anonymous callers), which the participant page needs to say where they stand.
    Consensus and participation are aggregates over the whole room and stay as they are. A group
    of fewer than ``k`` participants keeps its size and centre, but its own figures - its
    representative statements (its members' vote counts) and its agree shares in the bridging
    list - are left out (:func:`_without_small_groups`): two snapshots around one member's vote
    would otherwise show that vote.

    >>> pts = [ParticipantPoint(id=i, x=float(i % 2), y=0.0, group=i % 2) for i in range(13)]
    >>> a = public_analysis(EMPTY_ANALYSIS.model_copy(update={"coordinates": pts}), 3, 5)
    >>> [(c.group, c.count) for c in a.map_cells], [p.id for p in a.coordinates]
    ([(0, 7), (1, 6)], [3])
    """
    points = answer.coordinates
    xs = np.array([p.x if p.x is not None else 0.0 for p in points], dtype=np.float64)
    ys = np.array([p.y if p.y is not None else 0.0 for p in points], dtype=np.float64)
    cells: list[MapCell] = []
    if len(points):
        def bins(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            lo, hi = float(v.min()), float(v.max())
            width = (hi - lo) / MAP_BINS if hi > lo else 1.0
            index = np.clip(((v - lo) / width).astype(np.int64), 0, MAP_BINS - 1)
            return index, lo + (index + 0.5) * width
        ix, cx = bins(xs)
        iy, cy = bins(ys)
        counts: dict[tuple[int, int, int | None], int] = {}
        centre: dict[tuple[int, int, int | None], tuple[float, float]] = {}
        for i, p in enumerate(points):
            key = (int(ix[i]), int(iy[i]), p.group)
            counts[key] = counts.get(key, 0) + 1
            centre[key] = (float(cx[i]), float(cy[i]))
        cells = [MapCell(x=centre[key][0], y=centre[key][1], group=key[2], count=n)
                 for key, n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                      -1 if kv[0][2] is None
                                                                      else kv[0][2]))
                 if n >= k]
    mine = [p for p in points if own is not None and p.id == own]
    return _without_small_groups(answer, k).model_copy(
        update={"coordinates": mine, "map_cells": cells})


def _without_small_groups(answer: AnalysisAnswer, k: int) -> AnalysisAnswer:
    """``answer`` without the per-group figures of groups of fewer than ``k`` participants.

    >>> groups = [Group(id=0, size=9, center=[0.0], representative=[]),
    ...           Group(id=1, size=3, center=[1.0], representative=[
    ...               RepresentativeStatement(statement_id=4, text=None, repful_for="agree",
    ...                   n_success=3, n_trials=3, p_success=0.8, p_test=None, repness=None,
    ...                   repness_test=None, metric=None, best_agree=False)])]
    >>> entry = BridgingEntry(statement_id=4, score=0.1, low=0.0, high=0.2, polarization=0.1,
    ...     group_agree={"0": 0.9, "1": 1.0}, role_agree={}, is_bridging=False, n_votes=12,
    ...     weakest_group="1", weakest_group_agree=1.0, group_support={"0": 0.9, "1": 1.0})
    >>> a = _without_small_groups(EMPTY_ANALYSIS.model_copy(
    ...     update={"groups": groups, "bridging": [entry]}), 5)
    >>> [len(g.representative) for g in a.groups], a.bridging[0].group_agree
    ([0, 0], {'0': 0.9})
    >>> [g.center for g in a.groups]  # a small group's centre is nearly its members' places
    [[0.0], []]
    >>> a.bridging[0].weakest_group is None, a.bridging[0].group_support
    (True, {'0': 0.9})
    """
    small = {str(g.id) for g in answer.groups if g.size < k}
    if not small:
        return answer
    groups = [g.model_copy(update={"representative": [], "center": []}) if str(g.id) in small
              else g for g in answer.groups]

    def visible(shares: dict[str, float]) -> dict[str, float]:
        return {g: v for g, v in shares.items() if g not in small}

    bridging = []
    for entry in answer.bridging:
        update: dict[str, Any] = {"group_agree": visible(entry.group_agree),
                                  "group_support": visible(entry.group_support),
                                  "why_not": {g: r for g, r in entry.why_not.items()
                                              if g not in small}}
        if entry.weakest_group in small:
            update.update(weakest_group=None, weakest_group_agree=None, weakest_group_low=None)
        bridging.append(entry.model_copy(update=update))
    return answer.model_copy(update={"groups": groups, "bridging": bridging})


def priorities_by_id(result: AnalysisResult) -> dict[str, float]:
    """Routing weights keyed by statement id (as strings: JSON object keys).

    Routing needs a number for every statement: one that is not finite (the engine should not
    produce it) is 0, the lowest priority, not null.
    """
    return {str(sid): finite(result.priorities[j]) or 0.0
            for j, sid in enumerate(result.statement_ids)}


#: What ``GET /analysis`` returns before the first analysis (version 0, same keys).
EMPTY_ANALYSIS = AnalysisAnswer(
    version=0, created_at=None, participants=0, votes=0, statements=0, polis_compatible=False,
    k=0, coordinates=[], statement_coordinates=[], groups=[],
    consensus=ConsensusLists(agree=[], disagree=[]), group_informed_consensus=[],
    participation=Participation(n_participants=0, n_votes=0, n_statements=0,
                                votes_per_participant_median=None, participants_by_role={},
                                statements=[]),
    bridging=[],
)


def _gic_listed(result: AnalysisResult, active: np.ndarray | None) -> np.ndarray:
    """Statements whose group-informed consensus is listed: in the default mode those the
    analysis used (``active``: not moderated out, not meta), as in the report's table; a
    rejected statement has no votes in the analysis, and its (1 + 0) / (2 + 0) = 0.5 per group
    would rank it above real statements (issue 15, item 6). Pol.is mode lists every statement,
    as Pol.is does."""
    every = np.ones(len(result.statement_ids), dtype=bool)
    if result.polis_compatible or active is None:
        return every
    return np.asarray(active, dtype=bool)


def empty_analysis() -> dict[str, Any]:
    """:data:`EMPTY_ANALYSIS` as JSON-ready dicts."""
    return as_json(EMPTY_ANALYSIS)


def analyze_answer(result: AnalysisResult, seconds: Mapping[str, float], *,
                   meta_inferred: Sequence[Hashable] = (),
                   diversity: AnalyzeDiversity,
                   statements: Mapping[Hashable, StatementInfo] | None = None,
                   moderation: ModerationCounts | None = None,
                   active: np.ndarray | None = None) -> AnalyzeAnswer:
    """The object ``meedenken analyze --json`` prints; ids as in the export.

    ``active`` is ``VoteMatrix.active`` of the analysed matrix: in the default mode the
    group-informed consensus lists only those statements (:func:`_gic_listed`).

    ``seconds`` holds ``read`` (the CSV files), ``matrix`` (building the vote matrix), then the
    engine's own steps from ``result.timings`` (its ``total`` covers the analysis only), then
    ``diversity``. ``bridging`` lists every scored statement (no limit), best first.
    """
    return AnalyzeAnswer(
        participants=result.n_participants,
        statements=result.n_statements,
        votes=result.n_votes,
        in_conv=int(np.count_nonzero(result.in_conversation)),
        k=result.k,
        polis_compatible=result.polis_compatible,
        groups={str(pid): group for pid, group in result.groups().items()},
        group_stability=group_stability_answer(result),
        repness={str(group): [plain_id(s.statement_id) for s in statements]
                 for group, statements in result.repness.items()},
        consensus={"agree": [plain_id(s.statement_id) for s in result.consensus_agree],
                   "disagree": [plain_id(s.statement_id) for s in result.consensus_disagree]},
        group_informed_consensus={
            str(sid): finite(value)
            for sid, value, listed in zip(result.statement_ids, result.group_informed_consensus,
                                          _gic_listed(result, active), strict=True)
            if listed},
        bridging=bridging_entries(result.bridging),
        common_ground_roles=role_common_ground_entries(result.bridging),
        seconds={step: round(value, 6) for step, value in seconds.items()},
        meta_inferred=[plain_id(s) for s in meta_inferred],
        diversity=diversity,
        group_details=_groups(result, statements or {}),
        consensus_details=_consensus_lists(result, statements or {}),
        moderation=moderation,
        priorities={str(sid): finite(value) for sid, value in zip(
            result.statement_ids, result.priorities, strict=True)}
        if result.polis_compatible else None,
    )

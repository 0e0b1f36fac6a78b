"""The diversity report of ``GET /conversations/{id}/diversity``: database rows -> arrays ->
engine -> JSON.

What is computed (see ``engine.participation``, ``engine.diversity``, ``engine.weighting`` and
``engine.opinion_diversity``):

* ``participation``: funnel, votes per voter, Gini, density, statements by moderation state, and
  hourly / daily series, from every participant, statement and vote record (vote_history).
* ``attributes``: per attribute (the stakeholder ``role`` and every demographic question), shares,
  Shannon, evenness, Gini-Simpson, effective categories; with a reference also representation
  ratios, dissimilarity, CV and the chi-square p-value. Cells of fewer than k participants are
  hidden (``k`` query parameter, default 5, at least 3); attributes answered by fewer than k
  people, and not in the reference, are left out altogether, so a made-up question of one
  participant is never even named.
* ``weights``: raking weights of the voters to the reference margins (post-stratification when
  the reference has one attribute in common), reported only as the effective sample size, design
  effect and convergence; per-participant weights never leave the server. Reference categories
  held by fewer than k voters are collapsed into a neighbour (``collapsed``), and when the
  effective sample size stays below the floor (``DiversitySettings.min_effective_sample_size``,
  at least k) the weighting is refused (``refused``) and every weighted figure is null.
* ``weighted``: agree rate and group-informed consensus of every statement, unweighted and
  weighted (weighted figures of statements with fewer than k votes, or whose voters' effective
  number of votes is below the floor, are withheld: they would hint at those voters' weights,
  hence demographics, or read out one heavily weighted voter's votes).
* ``opinion``: effective number of opinion groups, map spread, per-statement group differences and
  coverage of the top statements by group-informed consensus (``top_group_informed_consensus``;
  the older key ``bridging`` holds the same list and is deprecated: "bridging" elsewhere means
  the matrix-factorisation list of ``GET /analysis``).

The answer is :class:`~meedenken.api.present.schemas.DiversityAnswer` (documented field by field
in the OpenAPI document); unknown figures are null (:func:`~.analysis.finite`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import scipy.sparse as sp
from sqlalchemy import select
from sqlmodel import Session, col

from meedenken.api.present.analysis import finite
from meedenken.api.present.schemas import DiversityAnswer
from meedenken.api.store import latest_result, vote_history
from meedenken.engine.diversity import AttributeReport, attribute_report
from meedenken.engine.diversity_settings import DiversitySettings
from meedenken.engine.opinion_diversity import (
    OpinionDiversity,
    opinion_diversity,
    top_by_consensus,
)
from meedenken.engine.participation import ParticipationResult, TimeSeries, participation
from meedenken.engine.weighting import Weighting, rake, weighted_agree_rates, weighted_bridging
from meedenken.models.tables import (
    ConversationReference,
    Participant,
    Statement,
    Vote,
)

__all__ = ["ConversationData", "diversity_answer", "load_conversation"]

ROLE_ATTRIBUTE = "role"


def _seconds(value: datetime) -> float:
    """Seconds since the epoch; SQLite hands back naive datetimes, which are UTC."""
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).timestamp()


@dataclass(frozen=True)
class ConversationData:
    """One conversation's rows as arrays (participants and statements in id order)."""

    participant_ids: list[int]
    join_times: np.ndarray
    attributes: dict[str, list[Any]]
    statement_ids: list[int]
    statement_times: np.ndarray
    statement_states: np.ndarray
    statement_authors: np.ndarray
    #: Statements that enter the analysis (not rejected, not meta).
    active: np.ndarray
    vote_participants: np.ndarray
    vote_statements: np.ndarray
    vote_times: np.ndarray
    #: Current votes, participants x statements (agree = +1, explicit 0 = pass).
    X: sp.csr_matrix
    #: Opinion group and map position per participant from the latest snapshot (-1: none).
    labels: np.ndarray
    coordinates: np.ndarray
    reference: dict[str, dict[str, float]] | None


def load_conversation(session: Session, conversation_id: int) -> ConversationData:
    """Read everything the diversity report needs in a handful of queries."""
    # sqlalchemy's select with session.execute: sqlmodel's typed select stops at 4 columns.
    people: list[Any] = list(session.execute(
        select(col(Participant.id), col(Participant.created_at), col(Participant.role),
               col(Participant.demographics))
        .where(col(Participant.conversation_id) == conversation_id)
        .order_by(col(Participant.id))).all())
    pids = [int(p[0]) for p in people]
    p_index = {pid: i for i, pid in enumerate(pids)}
    attributes: dict[str, list[Any]] = {
        ROLE_ATTRIBUTE: [None if p[2] is None else str(p[2]) for p in people]}
    for i, person in enumerate(people):
        for key, answer in (person[3] or {}).items():
            attributes.setdefault(str(key), [None] * len(people))[i] = (
                None if answer is None else str(answer))
    statements: list[Any] = list(session.execute(
        select(col(Statement.id), col(Statement.created_at), col(Statement.moderation),
               col(Statement.author_id), col(Statement.is_meta))
        .where(col(Statement.conversation_id) == conversation_id)
        .order_by(col(Statement.id))).all())
    sids = [int(s[0]) for s in statements]
    s_index = {sid: j for j, sid in enumerate(sids)}
    history = vote_history(session, conversation_id, with_times=True)
    current: list[Any] = list(session.execute(
        select(col(Vote.participant_id), col(Vote.statement_id), col(Vote.value))
        .where(col(Vote.conversation_id) == conversation_id)).all())
    rows = np.array([p_index[v[0]] for v in current], dtype=np.int64)
    cols = np.array([s_index[v[1]] for v in current], dtype=np.int64)
    X = sp.csr_matrix((np.array([v[2] for v in current], dtype=np.int8), (rows, cols)),
                      shape=(len(pids), len(sids)))
    labels = np.full(len(pids), -1, dtype=np.int64)
    xy = np.zeros((len(pids), 2))
    snapshot = latest_result(session, conversation_id)
    for point in (snapshot or {}).get("coordinates", []):
        row = p_index.get(point["id"])
        if row is not None:
            labels[row] = -1 if point.get("group") is None else int(point["group"])
            xy[row] = point.get("x") or 0.0, point.get("y") or 0.0
    ref = session.get(ConversationReference, conversation_id)
    return ConversationData(
        participant_ids=pids,
        join_times=np.array([_seconds(p[1]) for p in people]),
        attributes=attributes,
        statement_ids=sids,
        statement_times=np.array([_seconds(s[1]) for s in statements]),
        statement_states=np.array([str(s[2]) for s in statements], dtype=str),
        statement_authors=np.array([-1 if s[3] is None else p_index.get(s[3], -1)
                                    for s in statements], dtype=np.int64),
        active=np.array([str(s[2]) != "rejected" and not s[4] for s in statements], dtype=bool),
        vote_participants=np.array([p_index[p] for p in history.participant_ids.tolist()],
                                   dtype=np.int64),
        vote_statements=np.array([s_index[s] for s in history.statement_ids.tolist()],
                                 dtype=np.int64),
        vote_times=history.cast_at,
        X=X, labels=labels, coordinates=xy,
        reference=dict(ref.attributes) if ref is not None else None)


def _series(ts: TimeSeries) -> dict[str, Any]:
    return {
        "start": [datetime.fromtimestamp(int(t), UTC).isoformat() for t in ts.start],
        "joined": ts.joined.tolist(), "new_voters": ts.new_voters.tolist(),
        "new_writers": ts.new_writers.tolist(), "votes": ts.votes.tolist(),
        "statements": {state: counts.tolist() for state, counts in ts.statements.items()},
    }


def _participation(p: ParticipationResult) -> dict[str, Any]:
    d = p.votes_per_voter
    return {
        "joined": p.n_joined, "voted": p.n_voted, "wrote": p.n_wrote,
        "in_conversation": p.n_in_conversation, "statements": p.n_statements,
        "votes": p.n_votes, "density": finite(p.density),
        "votes_per_voter": {
            "mean": finite(d.mean), "median": finite(d.median), "p25": finite(d.p25),
            "p75": finite(d.p75), "p90": finite(d.p90), "max": d.max, "gini": finite(d.gini),
            "top10_share": finite(d.top10_share),
            "histogram": {"edges": d.edges.tolist(), "counts": d.counts.tolist()},
        },
        "statements_by_state": p.statements_by_state,
        "hourly": None if p.hourly is None else _series(p.hourly), "daily": _series(p.daily),
    }


def _attribute(r: AttributeReport) -> dict[str, Any]:
    out: dict[str, Any] = {
        "respondents": r.n_respondents, "missing": r.n_missing, "suppressed": r.suppressed,
        "counts": r.counts, "shares": {c: finite(v) for c, v in r.shares.items()},
        "hidden_categories": list(r.hidden_categories), "hidden_share": finite(r.hidden_share),
    }
    h = r.heterogeneity
    out.update({
        "shannon": finite(h.shannon) if h else None,
        "evenness": finite(h.evenness) if h else None,
        "gini_simpson": finite(h.gini_simpson) if h else None,
        "effective_categories": finite(h.effective_categories) if h else None,
        "hill_shannon": finite(h.hill_shannon) if h else None,
    })
    rep = r.representativeness
    if rep is not None:
        out.update({
            "representation_ratio": {c: finite(v) for c, v in r.representation_ratio.items()},
            "dissimilarity": finite(rep.dissimilarity), "cv": finite(rep.cv),
            "chi2": finite(rep.chi2), "chi2_p": finite(rep.chi2_p), "unmatched": r.n_unmatched,
        })
    return out


def _weights(w: Weighting | None, n_voters: int, used: Sequence[str],
             refused: str | None) -> dict[str, Any]:
    if w is None:
        return {"method": None, "n": n_voters, "effective_sample_size": finite(n_voters),
                "design_effect": 1.0 if n_voters else None, "attributes": []}
    return {
        "refused": refused, "collapsed": w.collapsed,
        "method": "raking" if len(used) > 1 else "poststratification", "n": n_voters,
        "attributes": list(used), "effective_sample_size": finite(w.effective_sample_size),
        "design_effect": finite(w.design_effect), "converged": w.converged,
        "iterations": w.n_iterations, "max_error": finite(w.max_error),
        "uncovered_share": {a: finite(v) for a, v in w.uncovered_share.items()},
    }


def _opinion(o: OpinionDiversity, sids: Sequence[int], top: Sequence[int],
             consensus: np.ndarray) -> dict[str, Any]:
    cover = o.coverage
    ranked = [{"statement_id": sids[j], "group_informed_consensus": finite(consensus[j])}
              for j in top]
    return {
        "groups": o.n_groups, "group_sizes": {str(g): s for g, s in o.group_sizes.items()},
        "effective_groups": finite(o.effective_groups),
        "effective_groups_simpson": finite(o.effective_groups_simpson),
        "total_variance": finite(o.total_variance), "mean_distance": finite(o.mean_distance),
        "statements": [
            {"statement_id": sid, "agree_range": finite(o.differences.agree_range[j]),
             "cramers_v": finite(o.differences.cramers_v[j])}
            for j, sid in enumerate(sids)],
        "top_group_informed_consensus": ranked,
        "bridging": ranked,  # deprecated name of the same list
        "coverage": None if cover is None else {
            "statements": [sids[j] for j in cover.statements], "voters": cover.n_voters,
            "covered": cover.n_covered, "share": finite(cover.share),
            "by_group": {str(g): finite(v) for g, v in cover.by_group.items()}},
    }


def diversity_answer(data: ConversationData, settings: DiversitySettings) -> DiversityAnswer:
    """The whole report (see the module docstring), checked against its schema."""
    k = settings.min_cell_size
    reference = data.reference or {}
    attributes: dict[str, Any] = {}
    for name, values in data.attributes.items():
        answered = sum(v is not None and v != "" for v in values)
        if answered < k and name not in reference:
            continue  # not even the name of a question answered by fewer than k is shown
        attributes[name] = _attribute(attribute_report(name, values, reference.get(name),
                                                       settings))

    voters = np.flatnonzero(np.diff(data.X.indptr) > 0)
    X = data.X[voters]
    used = [a for a in reference if a in data.attributes]
    weighting = None
    if used and len(voters):
        weighting = rake({a: [data.attributes[a][i] for i in voters] for a in used},
                         {a: reference[a] for a in used}, settings)
    w = weighting.weights if weighting is not None else None
    plain, weighted = weighted_agree_rates(X), weighted_agree_rates(X, w)
    # Issue 18: no weighted figure may rest on a few heavy weights (one person's votes).
    floor = max(settings.min_effective_sample_size, k)
    refused = None
    if weighting is not None and weighting.effective_sample_size < floor:
        refused = (f"effective sample size {weighting.effective_sample_size:.1f} is below "
                   f"{floor:g}: the reference leans on too few voters")
    # A weighted rate of fewer than k votes would hint at those voters' weights (demographics).
    few = (plain.n_votes < k) | (weighted.effective_votes < floor) | (refused is not None)

    labels = data.labels[voters]
    ids = np.unique(labels[labels >= 0])
    dense = np.full(len(labels), -1)
    dense[labels >= 0] = np.searchsorted(ids, labels[labels >= 0])
    consensus = weighted_bridging(X, dense, n_groups=len(ids)).group_informed_consensus
    consensus_w = weighted_bridging(X, dense, w, n_groups=len(ids)).group_informed_consensus
    top = top_by_consensus(consensus, data.active & (plain.n_votes > 0), settings.coverage_top_n)
    opinion = opinion_diversity(X, labels, data.coordinates[voters], top, settings)
    return DiversityAnswer.model_validate({
        "k": k,
        "participation": _participation(participation(
            data.join_times, data.vote_participants, data.vote_statements, data.vote_times,
            data.statement_times, data.statement_states, data.statement_authors, settings)),
        "attributes": attributes,
        "reference": reference or None,
        "weights": _weights(weighting, len(voters), used, refused),
        "weighted": [
            {"statement_id": sid, "votes": int(plain.n_votes[j]),
             "agree": finite(plain.agree[j]), "disagree": finite(plain.disagree[j]),
             "group_informed_consensus": finite(consensus[j]),
             "agree_weighted": None if few[j] else finite(weighted.agree[j]),
             "disagree_weighted": None if few[j] else finite(weighted.disagree[j]),
             "group_informed_consensus_weighted": None if few[j] else finite(consensus_w[j])}
            for j, sid in enumerate(data.statement_ids)],
        "opinion": _opinion(opinion, data.statement_ids, top, consensus),
    })

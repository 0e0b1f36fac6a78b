"""The one place where an engine result becomes the JSON of ``GET /analysis`` and ``/stream``.

Add new parts of the analysis (bridging, diversity, ...) here, as a key of the dict that
:func:`analysis_to_json` returns. Agree = +1 throughout; ids are the API's ids.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from meedenken.engine.diversity import suppress_cells
from meedenken.engine.diversity_settings import DiversitySettings
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.result import AnalysisResult, ConsensusStatement, RepStatement

__all__ = ["StatementInfo", "analysis_to_json", "empty_analysis", "priorities_by_id"]


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


def _num(x: Any) -> float:
    """A JSON-safe float (NaN and infinity become 0; the engine should not produce them)."""
    value = float(x)
    return value if np.isfinite(value) else 0.0


def _rep(r: RepStatement, statements: Mapping[Hashable, StatementInfo]) -> dict[str, Any]:
    info = statements.get(r.statement_id)
    return {
        "statement_id": r.statement_id,
        "text": info.text if info else None,
        "repful_for": r.repful_for,
        "n_success": int(r.n_success),
        "n_trials": int(r.n_trials),
        "p_success": _num(r.p_success),
        "p_test": _num(r.p_test),
        "repness": _num(r.repness),
        "repness_test": _num(r.repness_test),
        "metric": _num(r.metric),
        "best_agree": bool(r.best_agree),
    }


def _consensus(c: ConsensusStatement,
               statements: Mapping[Hashable, StatementInfo]) -> dict[str, Any]:
    info = statements.get(c.statement_id)
    return {
        "statement_id": c.statement_id,
        "text": info.text if info else None,
        "n_success": int(c.n_success),
        "n_trials": int(c.n_trials),
        "p_success": _num(c.p_success),
        "p_test": _num(c.p_test),
    }


def _participation(matrix: VoteMatrix, roles: Mapping[Hashable, str | None]) -> dict[str, Any]:
    """Vote counts per statement and participants per role."""
    X = matrix.X.tocsc()
    per_statement = []
    for j, sid in enumerate(matrix.statement_ids):
        col = X.data[X.indptr[j]:X.indptr[j + 1]]
        per_statement.append({
            "statement_id": sid,
            "agree": int((col == 1).sum()),
            "disagree": int((col == -1).sum()),
            "pass": int((col == 0).sum()),
        })
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
    return {
        "n_participants": matrix.n_participants,
        "n_votes": matrix.n_votes,
        "n_statements": matrix.n_statements,
        "votes_per_participant_median": float(np.median(votes)) if votes.size else 0.0,
        "participants_by_role": by_role,
        "statements": per_statement,
    }


def analysis_to_json(
    result: AnalysisResult,
    matrix: VoteMatrix,
    *,
    version: int,
    created_at: str,
    statements: Mapping[Hashable, StatementInfo],
    roles: Mapping[Hashable, str | None],
) -> dict[str, Any]:
    """The analysis as served by the API.

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
        {
            "id": pid,
            "x": _num(coords[i, 0]) if coords.shape[1] > 0 else 0.0,
            "y": _num(coords[i, 1]) if coords.shape[1] > 1 else 0.0,
            "group": int(labels[i]) if labels[i] >= 0 else None,
        }
        for i, pid in enumerate(result.participant_ids)
        if result.in_conversation[i]
    ]
    scoords = om.statement_coordinates
    statement_points = [
        {
            "id": sid,
            "x": _num(scoords[j, 0]) if scoords.shape[1] > 0 else 0.0,
            "y": _num(scoords[j, 1]) if scoords.shape[1] > 1 else 0.0,
            "extremity": _num(om.extremity[j]),
        }
        for j, sid in enumerate(result.statement_ids)
    ]
    sizes = {int(g): int((labels == g).sum()) for g in cl.group_ids}
    groups = [
        {
            "id": int(g),
            "size": sizes[int(g)],
            "center": [_num(v) for v in cl.group_centers[row]],
            "representative": [_rep(r, statements) for r in result.repness.get(int(g), [])],
        }
        for row, g in enumerate(cl.group_ids)
    ]
    gic = result.group_informed_consensus
    return {
        "version": version,
        "created_at": created_at,
        "participants": result.n_participants,
        "votes": result.n_votes,
        "statements": result.n_statements,
        "polis_compatible": bool(result.polis_compatible),
        "k": int(cl.k),
        "coordinates": participants,
        "statement_coordinates": statement_points,
        "groups": groups,
        "consensus": {
            "agree": [_consensus(c, statements) for c in result.consensus_agree],
            "disagree": [_consensus(c, statements) for c in result.consensus_disagree],
        },
        "group_informed_consensus": [
            {"statement_id": sid, "value": _num(gic[j])}
            for j, sid in enumerate(result.statement_ids)
        ],
        "participation": _participation(matrix, roles),
        "bridging": result.bridging.to_json(BRIDGING_LISTED) if result.bridging else [],
    }


def priorities_by_id(result: AnalysisResult) -> dict[str, float]:
    """Routing weights keyed by statement id (as strings: JSON object keys)."""
    return {str(sid): _num(result.priorities[j]) for j, sid in enumerate(result.statement_ids)}


def empty_analysis() -> dict[str, Any]:
    """What ``GET /analysis`` returns before the first analysis (version 0, same keys)."""
    return {
        "version": 0, "created_at": None, "participants": 0, "votes": 0, "statements": 0,
        "polis_compatible": False, "k": 0, "coordinates": [], "statement_coordinates": [],
        "groups": [], "consensus": {"agree": [], "disagree": []},
        "group_informed_consensus": [],
        "bridging": [],
        "participation": {"n_participants": 0, "n_votes": 0, "n_statements": 0,
                          "votes_per_participant_median": 0.0, "participants_by_role": {},
                          "statements": []},
    }

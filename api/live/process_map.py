"""Every round of a trajectory on round 1's opinion map (issue 21, item 5).

Round 1's axes are solved from round 1's votes (:func:`meedenken.engine.shift.first_round_axes`);
every round's participants are then placed on them with their votes on the carried statements
only (:func:`meedenken.engine.shift.project_onto_axes`), a later round's vote going into the
column of the round-1 statement it carries. A returning person's points in two rounds share a
``person`` number (made for this answer only), so the dashboard can draw who moved where.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from pydantic import BaseModel, Field
from sqlmodel import Session, select

from meedenken.api.store import latest_result, vote_history
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.shift import first_round_axes, project_onto_axes
from meedenken.models.trajectory import RoundPerson

from .process import carried_ids
from .process_cache import round_votes
from .rounds import round_of, rounds_of

__all__ = ["MAP_RANDOM_STATE", "MapPoint", "ProcessMap", "RoundMap", "process_map"]

#: Start of round 1's eigen-solver: fixed, so the same votes always give the same map.
MAP_RANDOM_STATE = 0


class MapPoint(BaseModel):
    x: float
    y: float
    group: int | None = Field(description="the participant's opinion group in that round")
    person: int | None = Field(description="same number = same returning person (this answer "
                                           "only); null for someone in one round only")


class RoundMap(BaseModel):
    round: int
    id: int
    points: list[MapPoint]


class ProcessMap(BaseModel):
    axes_round: int = Field(description="the round whose map axes are used (the first)")
    statements: list[int] = Field(description="round-1 ids of the carried statements used")
    rounds: list[RoundMap]


def process_map(session: Session, conversation_id: int) -> ProcessMap:
    """See the module docstring."""
    place = round_of(session, conversation_id)
    if place is None:
        return ProcessMap(axes_round=1, statements=[], rounds=[])
    rounds = rounds_of(session, place.trajectory_id)
    first = rounds[0]
    chains = {o: c for o, c in carried_ids(session, [r.conversation_id for r in rounds]).items()
              if first.conversation_id in c}
    records = vote_history(session, first.conversation_id)
    matrix = VoteMatrix.from_records(records.participant_ids, records.statement_ids,
                                     records.values, records.ids.astype(np.float64))
    column = {sid: i for i, sid in enumerate(matrix.statement_ids)}
    origins = sorted(o for o in chains if o in column)
    if not origins:
        return ProcessMap(axes_round=first.number, statements=[], rounds=[])
    center, components = first_round_axes(matrix.X, random_state=MAP_RANDOM_STATE)
    used = np.zeros(len(column), dtype=bool)
    used[[column[o] for o in origins]] = True
    person_rows = session.exec(select(RoundPerson.participant_id, RoundPerson.person).where(
        RoundPerson.trajectory_id == place.trajectory_id)).all()
    codes: dict[str, int] = {}
    person_of = {pid: codes.setdefault(p, len(codes)) for pid, p in person_rows}
    out = []
    for r in rounds:
        to_origin = {c[r.conversation_id]: o for o, c in chains.items()
                     if o in column and r.conversation_id in c}
        votes = round_votes(session, r.conversation_id, list(to_origin))
        who, rows = np.unique(votes.participant_ids, return_inverse=True)
        cols = np.array([column[to_origin[int(s)]] for s in votes.statement_ids], dtype=np.int64)
        X = sp.csr_matrix((votes.values.astype(np.float64), (rows, cols)),
                          shape=(len(who), len(column)))
        points = project_onto_axes(X, center, components, used)
        result = latest_result(session, r.conversation_id) or {}
        groups = {p.get("id"): p.get("group") for p in result.get("coordinates", [])}
        out.append(RoundMap(round=r.number, id=r.conversation_id, points=[
            MapPoint(x=round(float(points[i, 0]), 4),
                     y=round(float(points[i, 1]), 4) if points.shape[1] > 1 else 0.0,
                     group=groups.get(int(pid)), person=person_of.get(int(pid)))
            for i, pid in enumerate(who)]))
    return ProcessMap(axes_round=first.number, statements=origins, rounds=out)

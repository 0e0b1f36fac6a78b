"""Rounds of a trajectory (issue 21): the next round, the whole process, a returner's view.

* ``GET /conversations/{id}/rounds/carry`` (facilitator): the default carry of a next round
  (common ground and the most divisive statements) with every candidate, to edit.
* ``POST /conversations/{id}/rounds`` (facilitator): the next round, 201 with its id.
* ``GET /conversations/{id}/trajectory`` (public): the round number and the earlier rounds'
  ids (the participant page offers a returning resident to link their rounds).
* ``GET /conversations/{id}/process`` (facilitator): rounds, carried statements, retention.
* ``GET /conversations/{id}/process/map`` (facilitator): every round's participants on round
  1's opinion map (carried statements only), a returning person's points linked.
* ``DELETE /conversations/{id}/trajectory`` (facilitator): every round and all its data.
* ``GET /conversations/{id}/participants/me/rounds`` (participant): a returning participant's
  earlier votes on this round's carried statements beside the group's, then and now.
"""

from __future__ import annotations

import math

from fastapi import APIRouter, BackgroundTasks, Response, status
from sqlmodel import Session

from meedenken.api.http.deps import (
    ConversationDep,
    FacilitatorDep,
    ParticipantDep,
    ReadSessionDep,
    ServiceDep,
)
from meedenken.api.live.process import process_answer
from meedenken.api.live.process_map import ProcessMap, process_map
from meedenken.api.live.returning import ReturningView, returning_view
from meedenken.api.live.rounds import (
    create_round,
    proposed_carry,
    round_of,
    rounds_of,
    visible_ids,
)
from meedenken.api.live.service import Service
from meedenken.api.present.trajectory import (
    CarryCandidate,
    CarryProposal,
    ProcessAnswer,
    RoundCreate,
    RoundCreated,
    TrajectoryPublic,
    TrajectoryRoundRef,
)
from meedenken.engine.diversity_settings import DIVERSITY
from meedenken.models.db import erase_deleted, write_guard

from .conversations import delete_rows, unused_random_id

router = APIRouter(prefix="/conversations/{conversation_id}", tags=["rounds"])


@router.post("/rounds", status_code=status.HTTP_201_CREATED, response_model=RoundCreated,
             responses={409: {"description": "the round already has a next round"},
                        422: {"description": "a statement that cannot be carried"}})
def create_next_round(body: RoundCreate, conv: FacilitatorDep, service: ServiceDep,
                      background: BackgroundTasks) -> RoundCreated:
    """The next round of the trajectory of ``{id}`` (which must be its latest round): inherits
    the settings, reference population, access policy and invitation list; carries ``carry``
    (default: common ground and the most divisive statements) and adds ``statements``. All or
    nothing.

    The default carry reads every vote of the round, so it is chosen before the write lock is
    taken (on SQLite that lock would stall every vote meanwhile); the ids are then checked
    again inside the write like a list the facilitator sent."""
    if body.carry is None:
        with Session(service.engine) as read:
            body = body.model_copy(update={"carry": proposed_carry(read, conv)[0]})
    with write_guard(service.engine) as engine, Session(engine) as session:
        created = create_round(session, conv, body, unused_random_id(session),
                               service.settings.bulk_max)
        session.commit()
    service.mark_dirty([created.id])
    background.add_task(_warm_process, service, created.id)
    return created


@router.get("/rounds/carry", response_model=CarryProposal)
def read_carry_proposal(conv: FacilitatorDep, session: ReadSessionDep) -> CarryProposal:
    """What ``POST /rounds`` without ``carry`` would ask again: the round's common ground and
    its most divisive statements, and every other statement that may be carried, so the
    facilitator can edit the list first."""
    carry, common, spread = proposed_carry(session, conv)
    chosen = set(carry)

    def order(sid: int) -> tuple[bool, float, int]:
        d = spread.get(sid, math.nan)
        return (sid not in chosen, -d if math.isfinite(d) else math.inf, sid)

    rows = visible_ids(session, conv)
    return CarryProposal(carry=carry, statements=[
        CarryCandidate(id=sid, text=rows[sid].text, common_ground=sid in common,
                       divisiveness=(round(spread[sid], 4) if math.isfinite(
                           spread.get(sid, math.nan)) else None),
                       proposed=sid in chosen)
        for sid in sorted(rows, key=order)])


def _warm_process(service: Service, conversation_id: int) -> None:
    """After the answer: read the earlier rounds into the process cache (they rarely change
    again), so the new round's dashboard opens at once."""
    with Session(service.engine) as session:
        process_answer(session, conversation_id, DIVERSITY.min_cell_size)


@router.get("/trajectory", response_model=TrajectoryPublic)
def read_trajectory(conv: ConversationDep, session: ReadSessionDep) -> TrajectoryPublic:
    """Where this conversation stands in its trajectory (public, like the conversation)."""
    place = round_of(session, conv.id)  # type: ignore[arg-type]
    if place is None:
        return TrajectoryPublic(round=1, earlier=[])
    earlier = [TrajectoryRoundRef(id=r.conversation_id, round=r.number)
               for r in rounds_of(session, place.trajectory_id) if r.number < place.number]
    return TrajectoryPublic(round=place.number, earlier=earlier)


@router.get("/process", response_model=ProcessAnswer)
def read_process(conv: FacilitatorDep, session: ReadSessionDep) -> ProcessAnswer:
    """Rounds, carried statements (votes per round, group and role; paired shifts of the
    people who came back) and retention, cells under the small-cell minimum hidden."""
    return process_answer(session, conv.id, DIVERSITY.min_cell_size)  # type: ignore[arg-type]


@router.get("/process/map", response_model=ProcessMap)
def read_process_map(conv: FacilitatorDep, session: ReadSessionDep) -> ProcessMap:
    """Every round's participants in the coordinates of round 1's map (carried statements
    only), so who moved where is visible."""
    return process_map(session, conv.id)  # type: ignore[arg-type]


@router.delete("/trajectory", status_code=status.HTTP_204_NO_CONTENT)
def delete_trajectory(conv: FacilitatorDep, service: ServiceDep) -> Response:
    """Delete every round of the trajectory of ``{id}`` with all their data (``{id}`` alone
    when it is in no trajectory)."""
    with write_guard(service.engine) as engine, Session(engine) as session:
        place = round_of(session, conv.id)  # type: ignore[arg-type]
        ids = ([r.conversation_id for r in rounds_of(session, place.trajectory_id)]
               if place is not None else [conv.id])
        for cid in ids:
            delete_rows(session, cid)  # type: ignore[arg-type]
        session.commit()
    erase_deleted(service.engine)
    for cid in ids:
        service.forget(cid)  # type: ignore[arg-type]
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/participants/me/rounds", response_model=ReturningView)
def read_my_rounds(conv: ConversationDep, participant: ParticipantDep,
                   session: ReadSessionDep) -> ReturningView:
    """For a returning participant: their earlier vote on each carried statement of this round
    and how everyone voted then and votes now (shares hidden under the small-cell minimum or
    where a round's results are not visible)."""
    return returning_view(session, conv, participant, DIVERSITY.min_cell_size)

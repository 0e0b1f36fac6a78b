"""Rounds of a trajectory (issue 21): make the next round, recognise returning people.

Below HTTP: these functions take an open session, add rows without committing (the route
commits once, so a refused request stores nothing) and raise :mod:`meedenken.api.errors`.

* :func:`create_round`: the next round of ``{id}``, inheriting its settings, carrying chosen
  statements (default :func:`default_carry`) and adding new seeds.
* :func:`link_returning`: ties a new participant to their earlier round's participant (by a
  returning token or the same xid) through a random trajectory-scoped person id.
* :func:`facilitates`: the facilitator token of any round opens every round of its trajectory.
* :func:`forget_round`: the trajectory rows of a deleted conversation.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from meedenken.api.errors import Conflict, Forbidden, Unprocessable
from meedenken.api.present.trajectory import CarriedPair, RoundCreate, RoundCreated
from meedenken.api.security import hash_token, unusable_token_hash
from meedenken.api.store import hidden_states, latest_result
from meedenken.models.tables import (
    AllowedXid,
    Conversation,
    ConversationPolicy,
    ConversationReference,
    Moderation,
    Participant,
    Statement,
)
from meedenken.models.trajectory import (
    PERSON_KEY_LENGTH,
    CarriedStatement,
    RoundPerson,
    Trajectory,
    TrajectoryRound,
)

__all__ = [
    "DIVISIVE_CARRIED",
    "create_round",
    "default_carry",
    "facilitates",
    "forget_round",
    "link_returning",
    "round_of",
    "rounds_of",
]

#: Default carry: this many of the round's most divisive statements (largest polarisation on
#: the opinion factor) besides all of its common ground. Three: enough to see whether a divide
#: narrowed, few enough that the new round is mostly about its own theme.
DIVISIVE_CARRIED = 3
#: Columns of a conversation that a new round does not copy.
_NOT_INHERITED = {"id", "facilitator_token_hash", "created_at", "topic", "description", "is_open"}


def round_of(session: Session, conversation_id: int) -> TrajectoryRound | None:
    """The conversation's place in its trajectory, None if it is in none."""
    return session.get(TrajectoryRound, conversation_id)


def rounds_of(session: Session, trajectory_id: int) -> list[TrajectoryRound]:
    """The rounds of a trajectory in order."""
    return list(session.exec(select(TrajectoryRound)
                             .where(TrajectoryRound.trajectory_id == trajectory_id)
                             .order_by(col(TrajectoryRound.number))).all())


def facilitates(session: Session, conversation_id: int, token: str) -> bool:
    """True when ``token`` is the facilitator token of a round of ``conversation_id``'s
    trajectory (one indexed lookup by hash, then one by key)."""
    place = round_of(session, conversation_id)
    if place is None:
        return False
    owner = session.exec(select(Conversation.id).where(
        Conversation.facilitator_token_hash == hash_token(token))).first()
    if owner is None:
        return False
    other = round_of(session, owner)
    return other is not None and other.trajectory_id == place.trajectory_id


# ---------------------------------------------------------------------------- new round
def default_carry(result: Mapping[str, Any] | None, carryable: Sequence[int],
                  divisive: int = DIVISIVE_CARRIED) -> list[int]:
    """The statements a new round asks again unless the facilitator says otherwise.

    The common ground of the round's latest analysis (``is_bridging``) and its ``divisive``
    most divisive other statements (largest ``polarization``), among ``carryable`` (the
    statements participants saw), in id order. Empty before the first analysis.

    >>> result = {"bridging": [
    ...     {"statement_id": 1, "is_bridging": True, "polarization": 0.1},
    ...     {"statement_id": 2, "is_bridging": False, "polarization": 0.9},
    ...     {"statement_id": 3, "is_bridging": False, "polarization": 0.2},
    ...     {"statement_id": 4, "is_bridging": False, "polarization": 0.5}]}
    >>> default_carry(result, [1, 2, 3, 4], divisive=2)
    [1, 2, 4]
    """
    entries = [e for e in (result or {}).get("bridging", [])
               if e.get("statement_id") in set(carryable)]
    common = {e["statement_id"] for e in entries if e.get("is_bridging")}
    rest = sorted((e for e in entries if e["statement_id"] not in common
                   and e.get("polarization") is not None),
                  key=lambda e: (-e["polarization"], e["statement_id"]))
    return sorted(common | {e["statement_id"] for e in rest[:divisive]})


def _carryable(session: Session, conv: Conversation, ids: Sequence[int] | None) -> list[int]:
    """Check the ids the facilitator asked to carry (or choose the default)."""
    hidden = set(hidden_states(conv.strict_moderation))
    rows = {s.id: s for s in session.exec(select(Statement).where(
        Statement.conversation_id == conv.id)).all()}
    visible = [sid for sid, s in sorted(rows.items())
               if s.moderation not in hidden]  # type: ignore[type-var]
    if ids is None:
        return default_carry(latest_result(session, conv.id), visible)  # type: ignore[arg-type]
    for sid in ids:
        row = rows.get(sid)
        if row is None:
            raise Unprocessable(f"statement {sid} is not a statement of conversation {conv.id}; "
                                "only "
                          "the round's own statements can be carried into the next round")
        if row.moderation in hidden:
            raise Unprocessable(f"statement {sid} is {row.moderation}: participants do not see it, "
                          "so it cannot be carried into the next round")
    return list(ids)


def _inherit(session: Session, prev: Conversation, new_id: int) -> None:
    """Copy the round before's reference population, access policy and invitation list."""
    reference = session.get(ConversationReference, prev.id)
    if reference is not None:
        session.add(ConversationReference(conversation_id=new_id,
                                          attributes=dict(reference.attributes)))
    policy = session.get(ConversationPolicy, prev.id)
    if policy is not None:
        session.add(ConversationPolicy(conversation_id=new_id, xids_required=policy.xids_required,
                                       retention_days=policy.retention_days))
    for xid in session.exec(select(AllowedXid.xid).where(
            AllowedXid.conversation_id == prev.id)).all():
        session.add(AllowedXid(conversation_id=new_id, xid=xid))


def _place(session: Session, prev: Conversation) -> tuple[int, int]:
    """(trajectory id, number of the new round); makes the trajectory on its first new round."""
    place = round_of(session, prev.id)  # type: ignore[arg-type]
    if place is None:
        trajectory = Trajectory()
        session.add(trajectory)
        session.flush()
        session.add(TrajectoryRound(conversation_id=prev.id, trajectory_id=trajectory.id,  # type: ignore[arg-type]
                                    number=1))
        return trajectory.id, 2  # type: ignore[return-value]
    last = session.exec(select(func.max(TrajectoryRound.number)).where(
        TrajectoryRound.trajectory_id == place.trajectory_id)).one()
    if last != place.number:
        raise Conflict(f"conversation {prev.id} is round {place.number} of its trajectory and "
                       f"round {place.number + 1} already follows it: a new round follows the "
                       "latest round")
    return place.trajectory_id, place.number + 1


def create_round(session: Session, prev: Conversation, body: RoundCreate,
                 new_id: int, bulk_max: int) -> RoundCreated:
    """Add the round after ``prev`` (id ``new_id``) with its carried and new statements.

    Nothing is committed; raises :class:`~meedenken.api.errors.Unprocessable` for a statement that
    cannot be carried and :class:`~meedenken.api.errors.Conflict` when ``prev`` already has a
    next round."""
    if len(body.statements) > bulk_max:
        raise Unprocessable(f"at most {bulk_max} new statements per round, "
                            f"got {len(body.statements)}")
    carry = _carryable(session, prev, body.carry)
    trajectory_id, number = _place(session, prev)
    settings = {name: getattr(prev, name) for name in Conversation.model_fields
                if name not in _NOT_INHERITED}
    conv = Conversation(id=new_id, topic=body.topic or prev.topic,
                        description=prev.description if body.description is None
                        else body.description,
                        facilitator_token_hash=unusable_token_hash(), is_open=True, **settings)
    session.add(conv)
    session.flush()
    session.add(TrajectoryRound(conversation_id=new_id, trajectory_id=trajectory_id,
                                number=number))
    _inherit(session, prev, new_id)
    old = {s.id: s for s in session.exec(select(Statement).where(
        col(Statement.id).in_(carry))).all()} if carry else {}
    origins = dict(session.exec(select(CarriedStatement.statement_id, CarriedStatement.origin_id)
                                .where(col(CarriedStatement.statement_id).in_(carry))).all())
    copies = [Statement(conversation_id=new_id, text=old[sid].text, is_seed=True,
                        moderation=Moderation.accepted, is_meta=old[sid].is_meta)
              for sid in carry]
    seeds = [Statement(conversation_id=new_id, text=s.text, is_seed=True,
                       moderation=Moderation.accepted) for s in body.statements]
    session.add_all(copies + seeds)
    session.flush()
    for sid, copy in zip(carry, copies, strict=True):
        session.add(CarriedStatement(statement_id=copy.id, conversation_id=new_id,  # type: ignore[arg-type]
                                     previous_id=sid, origin_id=origins.get(sid, sid)))
    return RoundCreated(id=new_id, trajectory_id=trajectory_id, round=number,
                        previous_id=prev.id, topic=conv.topic,  # type: ignore[arg-type]
                        carried=[CarriedPair(from_id=sid, id=c.id)  # type: ignore[arg-type]
                                 for sid, c in zip(carry, copies, strict=True)],
                        statements=[s.id for s in seeds])  # type: ignore[misc]


# ---------------------------------------------------------------------------- returning people
def _earlier_by_token(session: Session, place: TrajectoryRound, token: str) -> Participant:
    earlier = session.exec(select(Participant).where(
        Participant.token_hash == hash_token(token))).first()
    where = round_of(session, earlier.conversation_id) if earlier is not None else None
    if where is None or where.trajectory_id != place.trajectory_id \
            or where.number >= place.number:
        raise Forbidden("the returning token is not a participant token of an earlier round of "
                        "this trajectory")
    return earlier  # type: ignore[return-value]


def _earlier_by_xid(session: Session, place: TrajectoryRound, xid: str) -> Participant | None:
    """The participant with this xid in the latest earlier round that has one."""
    return session.exec(
        select(Participant)
        .join(TrajectoryRound, col(TrajectoryRound.conversation_id) == Participant.conversation_id)
        .where(TrajectoryRound.trajectory_id == place.trajectory_id,
               TrajectoryRound.number < place.number, Participant.xid == xid)
        .order_by(col(TrajectoryRound.number).desc())).first()


def _person_of(session: Session, participant: Participant, trajectory_id: int) -> str:
    row = session.get(RoundPerson, participant.id)
    if row is not None:
        return row.person
    person = secrets.token_hex(PERSON_KEY_LENGTH // 2)
    session.add(RoundPerson(participant_id=participant.id,  # type: ignore[arg-type]
                            conversation_id=participant.conversation_id,
                            trajectory_id=trajectory_id, person=person))
    return person


def _same_person(session: Session, one: Participant, other: Participant) -> bool:
    if one.id == other.id:
        return True
    a, b = session.get(RoundPerson, one.id), session.get(RoundPerson, other.id)
    return a is not None and b is not None and a.person == b.person


def link_returning(session: Session, participant: Participant,
                   returning_token: str | None) -> Participant | None:
    """Recognise a participant who took part in an earlier round; returns that earlier
    participant (None: someone new). ``participant`` is flushed but not committed.

    A returning token (the earlier round's participant token, sent with the resident's
    consent) or the same xid as in an earlier round links the two through a random person id.
    Their role and answers to the join questions are carried over unless given anew."""
    place = round_of(session, participant.conversation_id)
    if place is None:
        if returning_token is not None:
            raise Unprocessable(f"conversation {participant.conversation_id} is not a later round "
                                "of a "
                          "trajectory: there is no earlier round to return from")
        return None
    earlier = None
    if returning_token is not None:
        earlier = _earlier_by_token(session, place, returning_token)
    if participant.xid is not None:
        by_xid = _earlier_by_xid(session, place, participant.xid)
        if earlier is not None and by_xid is not None and not _same_person(session, earlier,
                                                                          by_xid):
            raise Unprocessable("the returning token and the xid belong to different people")
        earlier = earlier or by_xid
    if earlier is None:
        return None
    person = _person_of(session, earlier, place.trajectory_id)
    taken = session.exec(select(RoundPerson.participant_id).where(
        RoundPerson.conversation_id == participant.conversation_id,
        RoundPerson.person == person)).first()
    if taken is not None:
        raise Conflict(f"this person already joined conversation {participant.conversation_id} "
                       "(use the token from that time)")
    session.add(RoundPerson(participant_id=participant.id,  # type: ignore[arg-type]
                            conversation_id=participant.conversation_id,
                            trajectory_id=place.trajectory_id, person=person))
    if participant.role is None and earlier.role is not None:
        participant.role = earlier.role
    if participant.demographics is None and earlier.demographics:
        participant.demographics = dict(earlier.demographics)
    session.add(participant)
    return earlier


# ---------------------------------------------------------------------------- deleting
def forget_round(session: Session, conversation_id: int) -> None:
    """Delete a conversation's trajectory rows (before the conversation itself); a trajectory
    left without rounds goes too. Adds to ``session`` without committing."""
    place = round_of(session, conversation_id)
    for table in (CarriedStatement, RoundPerson, TrajectoryRound):
        session.exec(delete(table).where(  # type: ignore[call-overload]
            col(table.conversation_id) == conversation_id))  # type: ignore[attr-defined]
    if place is not None:
        left = session.exec(select(func.count()).select_from(TrajectoryRound).where(
            TrajectoryRound.trajectory_id == place.trajectory_id)).one()
        if not left:
            session.exec(delete(RoundPerson).where(  # type: ignore[call-overload]
                col(RoundPerson.trajectory_id) == place.trajectory_id))
            session.exec(delete(Trajectory).where(  # type: ignore[call-overload]
                col(Trajectory.id) == place.trajectory_id))

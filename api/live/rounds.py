"""Rounds of a trajectory (issue 21): make the next round, recognise returning people.

Below HTTP: these functions take an open session, add rows without committing (the route
commits once, so a refused request stores nothing) and raise :mod:`meedenken.api.errors`.

* :func:`create_round`: the next round of ``{id}``, inheriting its settings, carrying chosen
  statements (default :func:`proposed_carry`: common ground and the most divisive, also shown
  to the facilitator before they edit it) and adding new seeds.
* :func:`link_returning`: ties a new participant to their earlier round's participant (by a
  returning token or the same xid) through a random trajectory-scoped person id.
* :func:`facilitates`: the facilitator token of any round opens every round of its trajectory.
* :func:`credential_holder`, :func:`recovery_holder`: the round whose row holds the token or the
  recovery code, so rotating or recovering on any round replaces the trajectory's credential
  (the one used stops working everywhere).
* :func:`forget_round`: the trajectory rows of a deleted conversation; the earliest round's
  credentials pass to the next round, so deleting round 1 locks nobody out of the others.

Where the credentials live: a new round gets an unusable token hash and no recovery code; the
trajectory's facilitator token and recovery code stay in the row of its earliest round.
"""

from __future__ import annotations

import hmac
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from meedenken.api.errors import Conflict, Forbidden, Unprocessable
from meedenken.api.present.trajectory import CarriedPair, RoundCreate, RoundCreated
from meedenken.api.security import hash_token, unusable_token_hash
from meedenken.api.store import hidden_states, latest_result
from meedenken.engine.counts import group_counts
from meedenken.engine.opinion_diversity import group_difference
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

from .process_cache import lookup, round_votes

__all__ = [
    "DIVISIVE_CARRIED",
    "create_round",
    "credential_holder",
    "default_carry",
    "divisiveness",
    "facilitates",
    "forget_round",
    "link_returning",
    "proposed_carry",
    "recovery_holder",
    "round_of",
    "rounds_of",
    "visible_ids",
]

#: Default carry: this many of the round's most divisive statements (largest spread of the
#: opinion groups' agree rates) besides all of its common ground. Three: enough to see whether
#: a divide narrowed, few enough that the new round is mostly about its own theme.
DIVISIVE_CARRIED = 3
#: Columns of a conversation that a new round does not copy (the credentials stay with the
#: trajectory's earliest round: see the module docstring).
_NOT_INHERITED = {"id", "facilitator_token_hash", "facilitator_recovery_hash", "created_at",
                  "topic", "description", "is_open"}


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


def _trajectory_rows(session: Session, conversation_id: int) -> list[Conversation]:
    """The conversation, or every round of its trajectory in round order."""
    place = round_of(session, conversation_id)
    ids = ([r.conversation_id for r in rounds_of(session, place.trajectory_id)]
           if place is not None else [conversation_id])
    rows = {c.id: c for c in session.exec(select(Conversation).where(
        col(Conversation.id).in_(ids))).all()}
    return [rows[i] for i in ids if i in rows]


def credential_holder(session: Session, conversation_id: int, token: str) -> Conversation | None:
    """The row (the conversation or a round of its trajectory) whose facilitator token is
    ``token``: the one to give a new token when the facilitator rotates it on any round."""
    wanted = hash_token(token)
    return next((c for c in _trajectory_rows(session, conversation_id)
                 if hmac.compare_digest(c.facilitator_token_hash, wanted)), None)


def recovery_holder(session: Session, conversation_id: int, code: str) -> Conversation | None:
    """The row (the conversation or a round of its trajectory) whose recovery code is
    ``code``; rounds made before the code stayed with the earliest round carried a copy of
    it, which loses its copy here, so the code is used once across the trajectory."""
    wanted = hash_token(code)
    found = [c for c in _trajectory_rows(session, conversation_id)
             if c.facilitator_recovery_hash is not None
             and hmac.compare_digest(c.facilitator_recovery_hash, wanted)]
    for copy in found[1:]:
        copy.facilitator_recovery_hash = None
        session.add(copy)
    return found[0] if found else None


# ---------------------------------------------------------------------------- new round
def default_carry(common: Iterable[int], divisiveness: Mapping[int, float],
                  carryable: Sequence[int], divisive: int = DIVISIVE_CARRIED) -> list[int]:
    """The statements a new round asks again unless the facilitator says otherwise.

    The round's common ground (``common``: ``is_bridging`` in its latest analysis) and its
    ``divisive`` most divisive other statements (largest ``divisiveness``: the spread of the
    opinion groups' agree rates), among ``carryable`` (the statements participants saw), in
    id order. Empty before the first analysis.

    >>> default_carry([1], {1: 0.1, 2: 0.9, 3: 0.2, 4: 0.5, 5: float("nan")},
    ...               [1, 2, 3, 4, 5], divisive=2)
    [1, 2, 4]
    """
    allowed = set(carryable)
    chosen = {sid for sid in common if sid in allowed}
    rest = sorted((sid for sid, d in divisiveness.items()
                   if sid in allowed and sid not in chosen and math.isfinite(d)),
                  key=lambda sid: (-divisiveness[sid], sid))
    return sorted(chosen | set(rest[:divisive]))


def divisiveness(session: Session, conv: Conversation,
                 statement_ids: Sequence[int]) -> dict[int, float]:
    """Per statement, how far apart the opinion groups of the latest analysis are: the largest
    minus the smallest group agree rate (:func:`meedenken.engine.opinion_diversity.
    group_difference`, groups with fewer than ``min_group_votes`` votes on it left out; NaN
    with fewer than two such groups). Counted from the votes of every listed statement, not
    from the analysis's bridging list, which keeps only its top 50."""
    result = latest_result(session, conv.id) or {}  # type: ignore[arg-type]
    points = sorted((p["id"], p["group"]) for p in result.get("coordinates", [])
                    if isinstance(p.get("id"), int) and isinstance(p.get("group"), int))
    if not points or not statement_ids:
        return {}
    pids = np.array([p for p, _ in points], dtype=np.int64)
    names, codes = np.unique(np.array([g for _, g in points], dtype=np.int64),
                             return_inverse=True)
    ordered = np.array(sorted(statement_ids), dtype=np.int64)
    votes = round_votes(session, conv.id, ordered.tolist())  # type: ignore[arg-type]
    group = lookup(votes.participant_ids, pids, codes.astype(np.int64))
    keep = group >= 0
    column = np.searchsorted(ordered, votes.statement_ids[keep])
    # each vote its own "row" with its voter's group; cells as engine.counts.cell_keys
    cells = 3 * column.astype(np.int64) + 1 - votes.values[keep].astype(np.int64)
    counts = group_counts(group[keep].astype(np.int64), np.arange(len(cells)), cells,
                          len(names), len(ordered))
    spread = group_difference(counts).agree_range
    return {int(sid): float(x) for sid, x in zip(ordered, spread, strict=True)}


def visible_ids(session: Session, conv: Conversation) -> dict[int, Statement]:
    """The conversation's statements, by id, that participants see (and so may be carried)."""
    hidden = set(hidden_states(conv.strict_moderation))
    return {s.id: s for s in session.exec(select(Statement).where(  # type: ignore[misc]
        Statement.conversation_id == conv.id).order_by(col(Statement.id))).all()
        if s.moderation not in hidden}


def proposed_carry(session: Session, conv: Conversation) -> tuple[list[int], set[int],
                                                                   dict[int, float]]:
    """The default carry of a next round of ``conv`` with what it rests on: (ids, the common
    ground among them, divisiveness of every visible statement)."""
    visible = list(visible_ids(session, conv))
    result = latest_result(session, conv.id) or {}  # type: ignore[arg-type]
    common = {e["statement_id"] for e in result.get("bridging", []) if e.get("is_bridging")}
    spread = divisiveness(session, conv, visible)
    return default_carry(common, spread, visible), common & set(visible), spread


def _carryable(session: Session, conv: Conversation, ids: Sequence[int] | None) -> list[int]:
    """Check the ids the facilitator asked to carry (or choose the default)."""
    if ids is None:
        return proposed_carry(session, conv)[0]
    rows = {s.id: s for s in session.exec(select(Statement).where(
        col(Statement.id).in_(list(ids)))).all()}
    hidden = set(hidden_states(conv.strict_moderation))
    for sid in ids:
        row = rows.get(sid)
        if row is None or row.conversation_id != conv.id:
            raise Unprocessable(f"statement {sid} is not a statement of conversation {conv.id}; "
                                "only the round's own statements can be carried into the next "
                                "round")
        if row.merged_into_id is not None:
            raise Unprocessable(f"statement {sid} was merged into statement "
                                f"{row.merged_into_id}: carry that one instead")
        if row.moderation in hidden:
            raise Unprocessable(f"statement {sid} is {row.moderation}: participants do not see "
                                "it, so it cannot be carried into the next round")
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
def _pass_credentials(session: Session, place: TrajectoryRound) -> None:
    """Before the earliest round of a trajectory is deleted: its facilitator token and
    recovery code pass to the next round, which would otherwise be left with none (a new
    round's token hash is unusable), locking the facilitator out of every later round."""
    rounds = rounds_of(session, place.trajectory_id)
    if len(rounds) < 2 or rounds[0].conversation_id != place.conversation_id:
        return
    gone = session.get(Conversation, place.conversation_id)
    heir = session.get(Conversation, rounds[1].conversation_id)
    if gone is None or heir is None:
        return
    token_hash, recovery_hash = gone.facilitator_token_hash, gone.facilitator_recovery_hash
    gone.facilitator_token_hash = unusable_token_hash()  # the column is unique: free it first
    gone.facilitator_recovery_hash = None
    session.add(gone)
    session.flush()
    heir.facilitator_token_hash = token_hash
    heir.facilitator_recovery_hash = recovery_hash
    session.add(heir)
    session.flush()


def forget_round(session: Session, conversation_id: int) -> None:
    """Delete a conversation's trajectory rows (before the conversation itself); a trajectory
    left without rounds goes too; the earliest round's credentials pass to the next round.
    Adds to ``session`` without committing."""
    place = round_of(session, conversation_id)
    if place is not None:
        _pass_credentials(session, place)
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

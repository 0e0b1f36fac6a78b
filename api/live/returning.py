"""A returning participant's own view of the trajectory (issue 21): the end screen's
"in round 1 you ...; the group ..." lines.

For each statement of this round carried from an earlier one, :func:`returning_view` gives the
participant's vote in the latest earlier round where they voted on it, and how everyone voted
then and votes now (shares of agree / disagree / pass), each hidden when fewer than the
small-cell minimum voted or when that round's results are not visible to participants.
The participant's own earlier votes are shown only when the link rests on a secret: their
earlier token, or an xid of a required invitation list (an xid anyone could send is not).
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from meedenken.models.tables import (
    Conversation,
    ConversationPolicy,
    Participant,
    Statement,
    Vote,
)
from meedenken.models.trajectory import CarriedStatement, RoundPerson

from .process import carried_ids
from .rounds import round_of, rounds_of

__all__ = ["ReturningItem", "ReturningView", "Shares", "returning_view"]


class Shares(BaseModel):
    voters: int
    agree: float
    disagree: float
    pass_: float = Field(alias="pass", serialization_alias="pass")


class ReturningItem(BaseModel):
    statement_id: int = Field(description="the statement in this round")
    text: str
    round: int = Field(description="the earlier round of your vote")
    your_vote: int = Field(description="your vote then: 1 agree, -1 disagree, 0 pass")
    then: Shares | None = Field(description="everyone in that round; null when hidden")
    now: Shares | None = Field(description="everyone in this round so far; null when hidden")
    your_vote_now: int | None = Field(description="your vote in this round, null before it")


class ReturningView(BaseModel):
    returning: bool = Field(description="you took part in an earlier round of this trajectory")
    round: int
    items: list[ReturningItem]
    earlier_votes_hidden: bool = Field(
        default=False,
        description="your earlier votes are not shown: you were recognised by an xid that "
                    "anyone could send (no invitation list), not by your earlier token")


def _recognised_by_a_secret(session: Session, conv: Conversation,
                            participant: Participant) -> bool:
    """Whether the participant's link to an earlier round rests on something only they hold:
    their earlier token (they joined without an xid), or an xid from the conversation's
    required invitation list. An xid without such a list is just a string anyone may send;
    showing the earlier votes it links to would hand one resident's votes to another."""
    if participant.xid is None:
        return True
    policy = session.get(ConversationPolicy, conv.id)
    return policy is not None and policy.xids_required


def _shares(session: Session, conv: Conversation, statement_id: int, k: int) -> Shares | None:
    if not conv.results_visible:
        return None
    rows = session.exec(select(Vote.value, func.count()).where(  # type: ignore[call-overload]
        Vote.conversation_id == conv.id, Vote.statement_id == statement_id)
        .group_by(col(Vote.value))).all()
    counts = {int(v): int(n) for v, n in rows}
    n = sum(counts.values())
    if n < k:
        return None
    return Shares(voters=n, agree=round(counts.get(1, 0) / n, 3),
                  disagree=round(counts.get(-1, 0) / n, 3),
                  **{"pass": round(counts.get(0, 0) / n, 3)})


def returning_view(session: Session, conv: Conversation, participant: Participant,
                   k: int) -> ReturningView:
    """See the module docstring; ``k`` is the small-cell minimum."""
    place = round_of(session, conv.id)  # type: ignore[arg-type]
    me = session.get(RoundPerson, participant.id)
    number = place.number if place is not None else 1
    if place is None or me is None:
        return ReturningView(returning=False, round=number, items=[])
    rounds = rounds_of(session, place.trajectory_id)
    numbers = {r.conversation_id: r.number for r in rounds}
    mine = {cid: pid for pid, cid in session.exec(
        select(RoundPerson.participant_id, RoundPerson.conversation_id).where(
            RoundPerson.trajectory_id == place.trajectory_id, RoundPerson.person == me.person))
        .all()}
    earlier = sorted((cid for cid in mine if numbers.get(cid, number) < number),
                     key=numbers.__getitem__, reverse=True)
    here = session.exec(select(CarriedStatement.origin_id, CarriedStatement.statement_id).where(
        CarriedStatement.conversation_id == conv.id)).all()
    if not here or not earlier:
        return ReturningView(returning=bool(earlier), round=number, items=[])
    if not _recognised_by_a_secret(session, conv, participant):
        return ReturningView(returning=True, round=number, items=[], earlier_votes_hidden=True)
    chains = carried_ids(session, list(numbers))
    convs = {c.id: c for c in session.exec(select(Conversation).where(
        col(Conversation.id).in_(earlier))).all()}
    texts = dict(session.exec(select(Statement.id, Statement.text).where(
        col(Statement.id).in_([sid for _, sid in here]))).all())
    items = []
    for origin, sid in sorted(here, key=lambda pair: pair[1]):
        chain = chains.get(origin, {})
        for cid in earlier:
            old = chain.get(cid)
            if old is None or cid not in convs:
                continue
            vote = session.exec(select(Vote.value).where(
                Vote.participant_id == mine[cid], Vote.statement_id == old)).first()
            if vote is None:
                continue
            now_vote = session.exec(select(Vote.value).where(
                Vote.participant_id == participant.id, Vote.statement_id == sid)).first()
            items.append(ReturningItem(
                statement_id=sid, text=texts.get(sid, ""), round=numbers[cid], your_vote=vote,
                then=_shares(session, convs[cid], old, k), now=_shares(session, conv, sid, k),
                your_vote_now=now_vote))
            break
    return ReturningView(returning=True, round=number, items=items)

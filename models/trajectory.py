"""Trajectories: dialogues in rounds (issue 21).

A trajectory is a run of conversations, one after another (round 1, round 2, ...), of one
facilitator. Three small tables tie the rounds together; each round stays an ordinary
conversation with its own statements, participants and votes:

* ``trajectory_round``: which trajectory a conversation belongs to and its round number (a
  conversation belongs to at most one trajectory: the conversation id is the key).
* ``carried_statement``: a statement of a later round that asks a statement of an earlier round
  again; ``origin_id`` is the id the statement had in the round where it first appeared, so
  one carried statement is followed through every round.
* ``round_person``: the trajectory-scoped person a participant is (set only for people who took
  part in more than one round). ``person`` is a random identifier made for this trajectory: it
  says "these participant rows are one person" and nothing else. No token, xid or answer is
  stored here; a returning participant is recognised by the hash the participant table already
  keeps (:mod:`meedenken.api.security`), by their xid, and only with their consent.

This module does not import :mod:`meedenken.models.tables` (which imports it, so that one
metadata holds every table); foreign keys name their targets as strings.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = ["PERSON_KEY_LENGTH", "CarriedStatement", "RoundPerson", "Trajectory",
           "TrajectoryRound"]

#: Length of a person identifier: 32 hex digits = 128 random bits (no collisions in practice).
PERSON_KEY_LENGTH = 32


def _now() -> datetime:
    return datetime.now(UTC)


class Trajectory(SQLModel, table=True):
    """One trajectory: the rounds of one process (a residents' pool consulted every few months)."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(
        default_factory=_now,
        sa_column=Column(DateTime(timezone=True), nullable=False, default=_now))


class TrajectoryRound(SQLModel, table=True):
    """A conversation as round ``number`` (1, 2, ...) of a trajectory."""

    __tablename__ = "trajectory_round"
    __table_args__ = (UniqueConstraint("trajectory_id", "number", name="uq_trajectory_round"),)

    conversation_id: int = Field(foreign_key="conversation.id", primary_key=True,
                                 ondelete="CASCADE")
    trajectory_id: int = Field(foreign_key="trajectory.id", ondelete="CASCADE", index=True)
    number: int = Field(ge=1)


class CarriedStatement(SQLModel, table=True):
    """A statement of a later round that asks an earlier round's statement again."""

    __tablename__ = "carried_statement"
    __table_args__ = (Index("ix_carried_statement_conversation", "conversation_id"),)

    statement_id: int = Field(foreign_key="statement.id", primary_key=True, ondelete="CASCADE")
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE")
    #: The statement it copies, in the round before (kept as a number: that round may be gone).
    previous_id: int
    #: The statement's id in the round where it was first asked (the key across all rounds).
    origin_id: int


class RoundPerson(SQLModel, table=True):
    """The trajectory-scoped person of a participant who took part in more than one round."""

    __tablename__ = "round_person"
    __table_args__ = (
        UniqueConstraint("conversation_id", "person", name="uq_round_person"),
        Index("ix_round_person_trajectory", "trajectory_id"),
    )

    participant_id: int = Field(foreign_key="participant.id", primary_key=True,
                                ondelete="CASCADE")
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE")
    trajectory_id: int = Field(foreign_key="trajectory.id", ondelete="CASCADE")
    #: Random, made for this trajectory (see the module docstring).
    person: str = Field(max_length=PERSON_KEY_LENGTH)

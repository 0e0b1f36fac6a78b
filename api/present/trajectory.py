"""Schemas of the trajectory routes (issue 21): a new round, and what changed across rounds.

``POST /conversations/{id}/rounds`` takes :class:`RoundCreate` and answers :class:`RoundCreated`;
``GET /conversations/{id}/process`` answers :class:`ProcessAnswer`. Counts of people are hidden
(null) where a cell holds fewer than the small-cell minimum (``DiversitySettings.min_cell_size``,
never below ``MIN_CELL_SIZE_FLOOR``); vote counts of a carried statement per group or role are
left out for groups or roles of fewer people than that.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from meedenken.models.tables import (
    ID_MAX,
    MAX_DESCRIPTION_LENGTH,
    MAX_TOPIC_LENGTH,
    ParticipantCreate,
    ParticipantCreated,
    StatementCreate,
)
from meedenken.models.text import reject_nul

__all__ = [
    "CarriedRound",
    "CarriedStatementAnswer",
    "CarryCandidate",
    "CarryProposal",
    "Counts",
    "ParticipantJoin",
    "ParticipantJoined",
    "ProcessAnswer",
    "RetentionAnswer",
    "RetentionCell",
    "RoundCreate",
    "RoundCreated",
    "RoundSummary",
    "ShiftAnswer",
    "TrajectoryPublic",
]

StatementRef = Annotated[StrictInt, Field(ge=1, le=ID_MAX)]


#: A participant token is ``secrets.token_urlsafe(32)``: 43 characters; longer is not a token.
MAX_TOKEN_LENGTH = 200


class ParticipantJoin(ParticipantCreate):
    """``POST /conversations/{id}/participants``: a new participant, or one returning from an
    earlier round of the trajectory (``returning_token``, sent with their consent)."""

    returning_token: str | None = Field(default=None, min_length=1, max_length=MAX_TOKEN_LENGTH)


class ParticipantJoined(ParticipantCreated):
    returning: bool = Field(default=False, description="recognised as a participant of an "
                                                       "earlier round of the trajectory")


class RoundCreate(BaseModel):
    """The next round: what changes; everything else is inherited from the round before."""

    model_config = ConfigDict(extra="forbid")

    topic: str | None = Field(default=None, min_length=1, max_length=MAX_TOPIC_LENGTH,
                              description="topic of the new round (default: the round before's)")
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION_LENGTH,
                                    description="description (default: the round before's)")
    carry: list[StatementRef] | None = Field(
        default=None, max_length=1000,
        description="statement ids of the round before to ask again; default: its common "
                    "ground and its most divisive statements (see default_carry)")
    statements: list[StatementCreate] = Field(default_factory=list,
                                              description="new seed statements")

    _no_nul = field_validator("topic", "description")(reject_nul)

    @field_validator("carry")
    @classmethod
    def _unique(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("carry lists a statement more than once")
        return value


class CarryCandidate(BaseModel):
    id: int = Field(description="a statement of the round participants saw")
    text: str
    common_ground: bool = Field(description="common ground in the round's latest analysis")
    divisiveness: float | None = Field(
        description="largest minus smallest opinion group's agree rate (null: fewer than two "
                    "groups with enough votes on it)")
    proposed: bool = Field(description="in the default carry")


class CarryProposal(BaseModel):
    """``GET /conversations/{id}/rounds/carry``: what a next round would ask again by default,
    to edit before ``POST /rounds`` (send the edited ids as ``carry``)."""

    carry: list[int] = Field(description="the default carry: common ground and the most "
                                         "divisive statements, in id order")
    statements: list[CarryCandidate] = Field(
        description="every statement that can be carried: the proposed ones first, then by "
                    "divisiveness")


class CarriedPair(BaseModel):
    from_id: int = Field(description="the statement in the round before")
    id: int = Field(description="the same statement in the new round")


class RoundCreated(BaseModel):
    """The new round (a conversation of its own; the trajectory's facilitator token opens it)."""

    id: int = Field(description="the new conversation's id")
    trajectory_id: int
    round: int = Field(description="its round number (1 is the first)")
    previous_id: int = Field(description="the round it follows")
    topic: str
    carried: list[CarriedPair]
    statements: list[int] = Field(description="ids of the new seed statements")


class TrajectoryRoundRef(BaseModel):
    id: int
    round: int


class TrajectoryPublic(BaseModel):
    """``GET /conversations/{id}/trajectory`` (public): where a conversation stands in its
    trajectory; the participant page uses it to offer a returning resident to link rounds."""

    round: int = Field(description="this conversation's round number (1 when alone)")
    earlier: list[TrajectoryRoundRef] = Field(description="earlier rounds, oldest first")


class Counts(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    agree: int
    disagree: int
    pass_: int = Field(alias="pass")


class ShiftAnswer(BaseModel):
    """Paired change among the people who voted on the statement in both rounds."""

    from_round: int
    to_round: int
    n_pairs: int | None = Field(description="returning people with a vote in both rounds "
                                             "(null: fewer than the small-cell minimum)")
    changed: int | None = Field(description="of them, how many changed their vote (null: hidden, "
                                            "fewer pairs than the small-cell minimum)")
    to_agree: int | None
    to_disagree: int | None
    to_pass: int | None
    transitions: dict[str, dict[str, int]] | None = Field(
        description="before -> after -> people (agree / disagree / pass); null when hidden")
    agree_before: float | None
    agree_after: float | None
    agree_change: float | None = Field(description="after minus before, share of the pairs")
    agree_change_low: float | None = Field(description="95% Newcombe interval (paired)")
    agree_change_high: float | None
    disagree_change: float | None
    disagree_change_low: float | None
    disagree_change_high: float | None
    agree_p_value: float | None = Field(description="exact McNemar test of the agree change")


class CarriedRound(BaseModel):
    round: int
    statement_id: int
    votes: Counts
    by_group: dict[str, Counts] = Field(description="opinion group of that round -> votes; "
                                                    "groups under the small-cell minimum left out")
    by_role: dict[str, Counts] = Field(description="declared role -> votes; roles under the "
                                                   "small-cell minimum left out")


class CarriedStatementAnswer(BaseModel):
    origin_id: int = Field(description="the statement's id in the round where it was first asked")
    text: str
    ids: dict[str, int] = Field(description="round number -> the statement's id in that round")
    rounds: list[CarriedRound]
    shifts: list[ShiftAnswer] = Field(description="from each round to the next one that asks it")


class RoundSummary(BaseModel):
    id: int
    round: int
    topic: str
    is_open: bool
    participants: int = Field(description="participants who joined the round")
    returning: int | None = Field(description="of them, people who took part in an earlier "
                                              "round (null: it or new is under the small-cell "
                                              "minimum)")
    new: int | None = Field(description="of them, people new to the trajectory (null: it or "
                                        "returning is under the small-cell minimum)")
    votes: int = Field(description="current votes (one per participant and statement)")


class RetentionCell(BaseModel):
    before: int | None = Field(description="participants of the earlier round (null: hidden)")
    returned: int | None = Field(description="of them, back in this round (null: hidden)")


class RetentionAnswer(BaseModel):
    from_round: int
    to_round: int
    overall: RetentionCell
    by_role: dict[str, RetentionCell]
    by_question: dict[str, dict[str, RetentionCell]] = Field(
        description="join question -> answer -> cell")


class ProcessAnswer(BaseModel):
    """``GET /conversations/{id}/process``: the whole trajectory of a round."""

    trajectory_id: int | None
    min_cell_size: int = Field(description="cells of fewer people than this are hidden")
    rounds: list[RoundSummary]
    carried: list[CarriedStatementAnswer]
    retention: list[RetentionAnswer]

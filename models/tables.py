"""The live service's tables and API schemas (SQLModel).

Naming follows the SQLModel tutorial and the FastAPI full-stack template (STYLE.md #11):
``XBase`` holds the fields a client may set, ``X(table=True)`` is the table, ``XCreate`` /
``XUpdate`` are request bodies (``XUpdate`` all optional, applied with ``exclude_unset``) and
``XPublic`` is what the API returns.

Ids are integers from the database. They are the ids the API uses *and* the ``voter-id`` /
``comment-id`` of the Pol.is export, so an export can be joined back to the service.

Secrets (facilitator and participant tokens) are never stored: only their SHA-256 hash is
(see :mod:`models.tokens`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import StrictInt, field_validator
from sqlalchemy import JSON, Column, DateTime, Index, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from .text import normalise_text, reject_control, reject_nul
from .trajectory import (  # noqa: F401  (issue 21: one metadata holds every table)
    CarriedStatement,
    RoundPerson,
    Trajectory,
    TrajectoryRound,
)

__all__ = [
    "MAX_DESCRIPTION_LENGTH",
    "MAX_STATEMENT_LENGTH",
    "MAX_TOPIC_LENGTH",
    "MAX_XID_LENGTH",
    "AllowedXid",
    "AnalysisSnapshot",
    "Conversation",
    "ConversationBase",
    "ConversationCreate",
    "ConversationCreated",
    "ConversationPolicy",
    "ConversationPublic",
    "ConversationReference",
    "ConversationUpdate",
    "EngineState",
    "JoinQuestion",
    "Language",
    "Moderation",
    "Participant",
    "ParticipantCreate",
    "ParticipantCreated",
    "Role",
    "Statement",
    "StatementCreate",
    "StatementPublic",
    "StatementUpdate",
    "Vote",
    "VoteCreate",
    "VoteHistory",
    "VotePublic",
    "utcnow",
]

#: Largest id of any row: ids are PostgreSQL ``integer`` (32 bits), so a larger one cannot exist
#: (and would overflow a query). Paths and bodies refuse larger ids before any query.
ID_MAX = 2**31 - 1
#: Statement length limit. Pol.is allows 140 characters; care statements in Dutch run longer
#: ("Ik kan mijn huisarts binnen twee werkdagen spreken als ik dat nodig heb"), so 400.
MAX_STATEMENT_LENGTH = 400
MAX_TOPIC_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000
#: Limits on a participant's external id and demographic answers (keep rows small).
MAX_XID_LENGTH = 200
MAX_DEMOGRAPHIC_KEYS = 30
MAX_DEMOGRAPHIC_VALUE_LENGTH = 200


def utcnow() -> datetime:
    """Timezone-aware now in UTC (every timestamp the service writes)."""
    return datetime.now(UTC)


def _timestamp_column(**kwargs: Any) -> Column:
    return Column(DateTime(timezone=True), nullable=False, default=utcnow, **kwargs)


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE",
        index: bool = True) -> Any:
    """A foreign key field with ``ON DELETE`` (the API's explicit deletes do the same work)."""
    return Field(default=None if nullable else ..., foreign_key=target,  # type: ignore[call-overload]
                 ondelete=ondelete, nullable=nullable, index=index)


class Language(StrEnum):
    nl = "nl"
    en = "en"


class Role(StrEnum):
    """Stakeholder role a participant may give (used for bridging across roles)."""

    resident = "resident"
    patient = "patient"
    carer = "carer"
    professional = "professional"
    manager = "manager"
    board_member = "board_member"
    other = "other"


class JoinQuestion(StrEnum):
    """The optional questions the participant page may ask (never required to vote)."""

    role = "role"
    age = "age"
    area = "area"


#: Limits of the organiser and privacy block shown on the participant page (issue 19).
MAX_ORGANISER_LENGTH = 200
MAX_PRIVACY_TEXT_LENGTH = 2000


def _unique_questions(value: list[JoinQuestion] | None) -> list[JoinQuestion] | None:
    """The join questions once each, in the page's order (role, age, area)."""
    if value is None:
        return None
    return [q for q in JoinQuestion if q in set(value)]


class Moderation(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"


# ----------------------------------------------------------------------------- conversations
class ConversationBase(SQLModel):
    topic: str = Field(min_length=1, max_length=MAX_TOPIC_LENGTH)
    description: str = Field(default="", max_length=MAX_DESCRIPTION_LENGTH)
    language: Language = Field(default=Language.nl, sa_type=String(8))
    #: Participants may submit statements of their own.
    participant_statements: bool = True
    #: Participants' statements wait for a facilitator before anyone sees them.
    strict_moderation: bool = False
    #: Largest number of opinion groups the analysis may find (engine allows 2..10); by default
    #: the engine's (``AnalysisSettings.max_groups``, 6; Pol.is's 5 is for a Pol.is-compatible
    #: conversation to set).
    max_groups: int = Field(default=6, ge=2, le=10)
    #: Open conversations accept votes, statements and new participants.
    is_open: bool = True
    #: Participants may read the analysis (the facilitator always can).
    results_visible: bool = True
    #: The join questions the participant page asks; kept in the conversation (issue 19), so
    #: every link and QR code of it asks the same ones.
    join_questions: list[JoinQuestion] = Field(
        default_factory=lambda: list(JoinQuestion), sa_column=Column(JSON, nullable=False))
    #: Organiser and privacy block of the participant page (issue 19, item 7); an empty field
    #: shows the page's default Dutch/English text.
    organiser: str = Field(default="", max_length=MAX_ORGANISER_LENGTH)
    contact: str = Field(default="", max_length=MAX_ORGANISER_LENGTH)
    privacy_purpose: str = Field(default="", max_length=MAX_PRIVACY_TEXT_LENGTH)
    privacy_retention: str = Field(default="", max_length=MAX_PRIVACY_TEXT_LENGTH)
    #: Analyse with Pol.is's steps (``engine.settings.POLIS``): a conversation imported from
    #: Pol.is with its math state continues exactly as Pol.is would (issue 20).
    polis_compatible: bool = False

    _no_nul = field_validator("topic", "description", "organiser", "contact",
                              "privacy_purpose", "privacy_retention")(reject_nul)
    _questions = field_validator("join_questions")(_unique_questions)


class Conversation(ConversationBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    facilitator_token_hash: str = Field(max_length=64, unique=True)
    #: SHA-256 of the recovery code (issue 19): exchanged once for a new facilitator token.
    facilitator_recovery_hash: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp_column())


class ConversationCreate(ConversationBase):
    pass


class ConversationUpdate(SQLModel):
    topic: str | None = Field(default=None, min_length=1, max_length=MAX_TOPIC_LENGTH)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION_LENGTH)
    language: Language | None = None
    participant_statements: bool | None = None
    strict_moderation: bool | None = None
    max_groups: int | None = Field(default=None, ge=2, le=10)
    is_open: bool | None = None
    results_visible: bool | None = None
    join_questions: list[JoinQuestion] | None = None
    organiser: str | None = Field(default=None, max_length=MAX_ORGANISER_LENGTH)
    contact: str | None = Field(default=None, max_length=MAX_ORGANISER_LENGTH)
    privacy_purpose: str | None = Field(default=None, max_length=MAX_PRIVACY_TEXT_LENGTH)
    privacy_retention: str | None = Field(default=None, max_length=MAX_PRIVACY_TEXT_LENGTH)
    polis_compatible: bool | None = None

    _no_nul = field_validator("topic", "description", "organiser", "contact",
                              "privacy_purpose", "privacy_retention")(reject_nul)
    _questions = field_validator("join_questions")(_unique_questions)


def _as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time the service stores is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class ConversationPublic(ConversationBase):
    id: int
    created_at: datetime

    _utc = field_validator("created_at")(_as_utc)


class ConversationCreated(ConversationPublic):
    #: Shown once; only its hash is stored.
    facilitator_token: str
    #: Shown once; only its hash is stored. Trades for a new facilitator token (issue 19).
    recovery_code: str


# ----------------------------------------------------------------------------- participants
class ParticipantBase(SQLModel):
    xid: str | None = Field(default=None, min_length=1, max_length=MAX_XID_LENGTH)
    role: Role | None = Field(default=None, sa_type=String(16))
    demographics: dict[str, str | int | float | bool | None] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )


class Participant(ParticipantBase, table=True):
    __table_args__ = (UniqueConstraint("conversation_id", "xid", name="uq_participant_xid"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = _fk("conversation.id")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp_column())


class ParticipantCreate(ParticipantBase):
    _no_nul = field_validator("xid")(reject_nul)
    _no_control = field_validator("xid")(reject_control)  # issue 18: a CR split the export

    @field_validator("demographics")
    @classmethod
    def _small_demographics(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return value
        if len(value) > MAX_DEMOGRAPHIC_KEYS:
            raise ValueError(
                f"at most {MAX_DEMOGRAPHIC_KEYS} demographic answers, got {len(value)}")
        for key, answer in value.items():
            reject_nul(key)
            if isinstance(answer, str):
                reject_nul(answer)
            if not 1 <= len(key) <= MAX_DEMOGRAPHIC_VALUE_LENGTH:
                raise ValueError(
                    f"demographic key length must be 1..{MAX_DEMOGRAPHIC_VALUE_LENGTH}")
            if isinstance(answer, str) and len(answer) > MAX_DEMOGRAPHIC_VALUE_LENGTH:
                raise ValueError(f"demographic answer for {key!r} is longer than "
                                 f"{MAX_DEMOGRAPHIC_VALUE_LENGTH} characters")
        return value


class ParticipantCreated(SQLModel):
    id: int
    conversation_id: int
    #: Shown once; only its hash is stored.
    token: str


# ----------------------------------------------------------------------------- statements
class StatementBase(SQLModel):
    text: str = Field(min_length=1, max_length=MAX_STATEMENT_LENGTH)


class Statement(StatementBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = _fk("conversation.id")
    author_id: int | None = _fk("participant.id", nullable=True, ondelete="SET NULL")
    is_seed: bool = False
    moderation: Moderation = Field(default=Moderation.accepted, sa_type=String(16))
    is_meta: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp_column())
    #: The statement this one was merged into as a duplicate (it is rejected then), so votes and
    #: reports can follow it to the statement that was kept (issue 17; migration 0009).
    merged_into_id: int | None = _fk("statement.id", nullable=True, ondelete="SET NULL",
                                     index=False)


class StatementCreate(StatementBase):
    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = normalise_text(value)  # NFC, no control/invisible characters (issue 8)
        if not value:
            raise ValueError("text must not be empty or only white space / invisible characters")
        return value


class StatementUpdate(SQLModel):
    moderation: Moderation | None = None
    is_meta: bool | None = None


class StatementPublic(StatementBase):
    id: int
    conversation_id: int
    author_id: int | None
    is_seed: bool
    moderation: Moderation
    is_meta: bool
    created_at: datetime
    #: The kept statement this one was merged into (a duplicate); null otherwise.
    merged_into_id: int | None = None

    _utc = field_validator("created_at")(_as_utc)


# ----------------------------------------------------------------------------- votes
class VoteBase(SQLModel):
    # No extra indexes: the vote tables are the hot write path; the unique pair and the
    # (conversation_id, id) indexes cover every read.
    participant_id: int = _fk("participant.id", index=False)
    statement_id: int = _fk("statement.id", index=False)
    #: agree = +1, disagree = -1, pass = 0 (the export's convention; Pol.is inverts it inside).
    value: int = Field(ge=-1, le=1)


class Vote(VoteBase, table=True):
    """The current vote of a participant on a statement: one row per pair, updated on a change."""

    __table_args__ = (
        UniqueConstraint("participant_id", "statement_id", name="uq_vote_pair"),
        # Leads with the conversation (every per-conversation read) and holds what the
        # trajectory's process counts, so reading a round's votes on some statements never
        # visits the table (issue 21: 1.2 million votes read within a second). It replaced the
        # index on conversation_id alone: still one index beside the pair (benchmarks/load.py).
        Index("ix_vote_conversation_statement", "conversation_id", "statement_id",
              "participant_id", "value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp_column())


class VoteHistory(VoteBase, table=True):
    """Every vote ever cast, in order; the export's votes.csv and the audit trail."""

    __tablename__ = "vote_history"
    __table_args__ = (Index("ix_vote_history_conversation", "conversation_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp_column())


class VoteCreate(SQLModel):
    """Strict types: ``"1"``, ``1.0`` and ``true`` are not votes (422), as on the fast path."""

    statement_id: StrictInt
    #: 1 agree, -1 disagree, 0 pass.
    vote: StrictInt = Field(ge=-1, le=1)


class VotePublic(SQLModel):
    participant_id: int
    statement_id: int
    vote: int
    created_at: datetime


# ----------------------------------------------------------------------------- analysis
class AnalysisSnapshot(SQLModel, table=True):
    """One stored analysis of a conversation; the latest version is served and streamed."""

    __tablename__ = "analysis_snapshot"
    __table_args__ = (UniqueConstraint("conversation_id", "version", name="uq_snapshot_version"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = _fk("conversation.id")
    version: int
    #: Highest vote_history id the analysis saw: newer votes mean the snapshot is stale.
    last_vote_id: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp_column())
    #: Routing weights by statement id (read on every GET /next, so kept apart from ``result``).
    priorities: dict[str, float] = Field(default_factory=dict,
                                         sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: Which process made it (``host:pid`` of the API worker) and when its analysis began:
    #: with several workers this shows that one conversation's analyses never overlap.
    analysed_by: str | None = Field(default=None, max_length=200)
    started_at: datetime | None = Field(default=None,
                                        sa_column=Column(DateTime(timezone=True), nullable=True))


class EngineState(SQLModel, table=True):
    """The engine's warm-start state after a conversation's latest snapshot (one row each).

    The process that analyses a conversation keeps this state in memory; it is stored too, so
    that any other worker taking over the conversation (a restart, a new worker, a worker that
    died) continues from it: same axes, group ids matched to the published groups. It is a
    pickled :class:`engine.result.AnalysisState`, written and read only by this service.
    """

    __tablename__ = "analysis_state"

    conversation_id: int = Field(foreign_key="conversation.id", primary_key=True,
                                 ondelete="CASCADE")
    #: The snapshot version this state belongs to.
    version: int
    state: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


# ----------------------------------------------------------------------------- reference population
class ConversationReference(SQLModel, table=True):
    """The population a conversation is compared with: category shares per attribute.

    Set by the facilitator (``PUT /conversations/{id}/reference``), validated by
    :func:`engine.reference.validate_reference` before it is stored; one row per conversation.
    """

    __tablename__ = "conversation_reference"

    conversation_id: int = Field(foreign_key="conversation.id", primary_key=True,
                                 ondelete="CASCADE")
    #: attribute -> category -> share (each attribute sums to 1).
    attributes: dict[str, dict[str, float]] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_timestamp_column())


# ----------------------------------------------------------------------------- trust (issue 8)
# Kept in their own tables (one row per conversation / per allowed xid) so the access rules
# and the retention policy stay apart from the conversation's dialogue settings.
class ConversationPolicy(SQLModel, table=True):
    """Access and retention policy of one conversation (absent row = the defaults)."""

    __tablename__ = "conversation_policy"

    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE",
                                 primary_key=True)
    #: Joining requires an ``xid`` from the conversation's allow-list (table ``allowed_xid``).
    xids_required: bool = False
    #: Days after closing when participant tokens, xids and demographics are purged (None: keep).
    retention_days: int | None = Field(default=None, ge=0, le=36_500)
    #: When the conversation was last closed (None while open).
    closed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    #: When the retention purge ran (None: not yet).
    purged_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class AllowedXid(SQLModel, table=True):
    """One external id allowed to join a conversation that requires an xid."""

    __tablename__ = "allowed_xid"
    __table_args__ = (UniqueConstraint("conversation_id", "xid", name="uq_allowed_xid"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = _fk("conversation.id", index=False)
    xid: str = Field(max_length=MAX_XID_LENGTH)

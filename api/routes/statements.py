"""Statements: seeds by the facilitator, submissions by participants, and moderation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import Field
from sqlmodel import Session, SQLModel, col, select

from meedenken.api.http.deps import (
    CallerDep,
    CanonicalId,
    ConversationDep,
    FacilitatorDep,
    OptionalCallerDep,
    ReadSessionDep,
    ServiceDep,
    SessionDep,
)
from meedenken.api.live.similarity import check_similar
from meedenken.api.store import visible_filter, visible_statements
from meedenken.models.db import write_guard
from meedenken.models.tables import (
    ID_MAX,
    Conversation,
    Moderation,
    Statement,
    StatementCreate,
    StatementPublic,
    StatementUpdate,
)

router = APIRouter(prefix="/conversations/{conversation_id}/statements", tags=["statements"])

StatementId = Annotated[int, Path(ge=1, le=ID_MAX, description="statement id"),
                      CanonicalId]


class SimilarStatement(SQLModel):
    id: int
    text: str
    score: float
    #: Flagged as a near-duplicate (sentence embeddings, measured threshold); null when the
    #: TF-IDF fallback ranked it, which flags nothing.
    is_duplicate: bool | None = None


class StatementSubmitted(SQLModel):
    statement: StatementPublic
    #: Existing statements most like this one (near-duplicate check), most similar first.
    similar: list[SimilarStatement]


class BulkStatements(SQLModel):
    statements: list[StatementCreate] = Field(min_length=1)


class StatementList(SQLModel):
    data: list[StatementPublic]
    count: int


def _similar(session: Session, conv: Conversation, text: str, top: int, min_score: float,
             use_embeddings: bool, most: int) -> list[SimilarStatement]:
    """The existing statements closest to ``text``, among the ``most`` newest visible ones.

    Runs with no write lock held (the caller takes it only for the insert): embedding hundreds of
    statements takes seconds, and on SQLite every vote of every conversation waits for the
    write lock (issue 18: 34 s of stalled votes). ``most`` bounds the work per request."""
    existing = visible_statements(session, conv, newest=most)
    session.rollback()  # end the read transaction before the slow part
    hits = check_similar([t for _, t in existing], text, top=top, min_score=min_score,
                         use_embeddings=use_embeddings)
    return [SimilarStatement(id=existing[h.index][0], text=existing[h.index][1],
                             score=round(h.score, 4), is_duplicate=h.is_duplicate)
            for h in hits]


def _require_open(conv: Conversation) -> None:
    if not conv.is_open:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"conversation {conv.id} is closed; it takes no new statements")


@router.post("", status_code=status.HTTP_201_CREATED, response_model=StatementSubmitted)
def create_statement(body: StatementCreate, caller: CallerDep, read: ReadSessionDep,
                     service: ServiceDep) -> StatementSubmitted:
    """A seed (facilitator token: accepted at once) or a submission (participant token: pending
    until moderated; shown to others meanwhile unless the conversation moderates strictly).
    The most similar existing statements come back so a client can point out near-duplicates."""
    conv = caller.conversation
    _require_open(conv)  # seeds too: a closed conversation takes nothing new (issue 18)
    if caller.participant is not None and not conv.participant_statements:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"conversation {conv.id} does not take participants' statements")
    settings = service.settings
    # The slow part first, without the write lock; then the lock only for the insert.
    similar = _similar(read, conv, body.text, settings.similar_top, settings.similar_min_score,
                       settings.embedding_similarity, settings.similar_max_compared)
    statement = Statement(
        conversation_id=conv.id,  # type: ignore[arg-type]
        text=body.text,
        author_id=caller.participant.id if caller.participant else None,
        is_seed=caller.is_facilitator,
        moderation=Moderation.accepted if caller.is_facilitator else Moderation.pending,
    )
    with write_guard(service.engine) as engine, Session(engine) as session:
        session.add(statement)
        session.commit()
        session.refresh(statement)
        public = StatementPublic.model_validate(statement)
    return StatementSubmitted(statement=public, similar=similar)


@router.post("/bulk", status_code=status.HTTP_201_CREATED, response_model=StatementList)
def create_seeds(body: BulkStatements, conv: FacilitatorDep, session: SessionDep,
                 service: ServiceDep) -> StatementList:
    """Many seed statements at once: all are stored, or (on any error) none."""
    _require_open(conv)
    if len(body.statements) > service.settings.bulk_max:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"at most {service.settings.bulk_max} statements per request, "
                            f"got {len(body.statements)}")
    rows = [Statement(conversation_id=conv.id, text=s.text, is_seed=True,  # type: ignore[arg-type]
                      moderation=Moderation.accepted) for s in body.statements]
    session.add_all(rows)
    session.commit()  # one transaction: all or nothing
    for row in rows:
        session.refresh(row)
    return StatementList(data=[StatementPublic.model_validate(r) for r in rows], count=len(rows))


@router.get("", response_model=StatementList)
def list_statements(
    conv: ConversationDep, caller: OptionalCallerDep, session: ReadSessionDep,
    moderation: Annotated[Moderation | None, Query(description="facilitator only")] = None,
) -> StatementList:
    """Statements participants can see; the facilitator sees all (optionally one state).
    ``author_id`` is shown to the facilitator and to the author of the statement only."""
    if caller is not None and caller.is_facilitator:
        query = select(Statement).where(Statement.conversation_id == conv.id)
        if moderation is not None:
            query = query.where(Statement.moderation == moderation.value)
    else:
        if moderation is not None:
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                "only the facilitator can list statements by moderation state")
        query = select(Statement).where(*visible_filter(conv))
    rows = session.exec(query.order_by(col(Statement.id))).all()
    data = [StatementPublic.model_validate(r) for r in rows]
    if caller is None or not caller.is_facilitator:
        # Issue 18, item 7: an author id joined the public map's coordinates to that
        # author's votes. Only the facilitator, and the author for their own, see it.
        own = caller.participant.id if caller is not None and caller.participant else None
        for statement in data:
            if statement.author_id != own:
                statement.author_id = None
    return StatementList(data=data, count=len(data))


@router.patch("/{statement_id}", response_model=StatementPublic)
def moderate_statement(statement_id: StatementId, body: StatementUpdate, conv: FacilitatorDep,
                       session: SessionDep, service: ServiceDep) -> Statement:
    """Accept or reject a statement, or mark it meta (facilitator)."""
    row = session.get(Statement, statement_id)
    if row is None or row.conversation_id != conv.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"statement {statement_id} not found in conversation {conv.id}")
    row.sqlmodel_update(body.model_dump(exclude_unset=True, exclude_none=True))
    session.add(row)
    session.commit()
    session.refresh(row)
    service.mark_dirty([conv.id])  # type: ignore[list-item]
    return row

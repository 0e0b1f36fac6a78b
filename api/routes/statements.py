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
from meedenken.api.live.similarity import check_similar, check_texts
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
from meedenken.models.text import duplicate_groups

router = APIRouter(prefix="/conversations/{conversation_id}/statements", tags=["statements"])
#: Checks of seeds before their conversation exists (the set-up page, issue 17).
seed_checks = APIRouter(prefix="/statements", tags=["statements"])

#: Texts a participant may check in one request: their own statement, before sending it. Each
#: text is embedded (and kept in the model's cache), so a participant's token was a way to make
#: the server embed up to ``bulk_max`` texts per request, without any rate limit.
PARTICIPANT_CHECK_TEXTS = 1

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


class DuplicateCheckRequest(SQLModel):
    #: Texts to check (e.g. seeds before saving them, or a statement before submitting it).
    texts: list[StatementCreate] = Field(min_length=1)


class DuplicateMatch(SQLModel):
    #: The existing statement's id, or null when it is another text of the same request.
    id: int | None
    #: Position in the request's ``texts`` when ``id`` is null.
    text_index: int | None
    text: str
    #: Cosine similarity of the two statements (0..1).
    score: float


class DuplicateCheckResult(SQLModel):
    #: One list per checked text, same order: its near-duplicates (flagged by the model's
    #: measured rule), best first; empty when there are none.
    duplicates: list[list[DuplicateMatch]]
    #: False when the embedding model is off or unavailable: nothing could be checked.
    checked: bool


class PendingDuplicates(SQLModel):
    statement_id: int
    duplicates: list[DuplicateMatch]


class DuplicateQueue(SQLModel):
    #: Pending statements that duplicate a visible one (or an earlier pending one).
    data: list[PendingDuplicates]
    checked: bool


class MergeRequest(SQLModel):
    #: The existing statement that the merged one duplicates.
    into: int = Field(ge=1, le=ID_MAX)


class MergeResult(SQLModel):
    #: The merged statement, now rejected.
    statement: StatementPublic
    #: The statement it was merged into: participants vote on this one.
    merged_into: StatementPublic


def _similar(session: Session, conv: Conversation, text: str, top: int, min_score: float,
             use_embeddings: bool, most: int, model: str | None = None
             ) -> list[SimilarStatement]:
    """The existing statements closest to ``text``, among the ``most`` newest visible ones (read
    from the database: anyone can be the facilitator of a conversation of their own, and a
    submission is not rate limited for them; issue 18).

    Runs with no write lock held (the caller takes it only for the insert): embedding hundreds of
    statements takes seconds, and on SQLite every vote of every conversation waits for the
    write lock (issue 18: 34 s of stalled votes). ``most`` bounds the work per request."""
    existing = visible_statements(session, conv, newest=most)
    session.rollback()  # end the read transaction before the slow part
    hits = check_similar([t for _, t in existing], text, top=top, min_score=min_score,
                         use_embeddings=use_embeddings, model=model, most=most)
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
                       settings.embedding_similarity, settings.similar_max_compared,
                       settings.embedding_model)
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
    _refuse_duplicates([s.text for s in body.statements],
                       [text for _, text in visible_statements(session, conv)])
    rows = [Statement(conversation_id=conv.id, text=s.text, is_seed=True,  # type: ignore[arg-type]
                      moderation=Moderation.accepted) for s in body.statements]
    session.add_all(rows)
    session.commit()  # one transaction: all or nothing
    for row in rows:
        session.refresh(row)
    return StatementList(data=[StatementPublic.model_validate(r) for r in rows], count=len(rows))


def _refuse_duplicates(new: list[str], existing: list[str]) -> None:
    """422 when seeds repeat each other or a statement already there (the same words, ignoring
    case, spaces and punctuation; issue 19). Nothing is stored then."""
    groups = duplicate_groups(existing + new)
    clashes = [[i - len(existing) for i in g] for g in groups if g[-1] >= len(existing)]
    if clashes:
        said = "; ".join(
            " = ".join(f"#{i + 1}" if i >= 0 else "an existing statement" for i in group)
            + f" ({new[group[-1]]!r})" for group in clashes)
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"duplicate statements (ignoring case, spaces and punctuation): "
                            f"{said}")


def _matches(hits: list, existing: list[tuple[int, str]], texts: list[str]
             ) -> list[DuplicateMatch]:
    out = []
    for h in hits:
        if h.index < len(existing):
            sid, text = existing[h.index]
            out.append(DuplicateMatch(id=sid, text_index=None, text=text, score=round(h.score, 4)))
        else:
            k = h.index - len(existing)
            out.append(DuplicateMatch(id=None, text_index=k, text=texts[k],
                                      score=round(h.score, 4)))
    return out


@router.post("/check", response_model=DuplicateCheckResult)
def check_duplicates(body: DuplicateCheckRequest, caller: CallerDep, read: ReadSessionDep,
                     service: ServiceDep) -> DuplicateCheckResult:
    """Near-duplicates of each text among the visible statements and the texts before it in the
    request; nothing is stored. The set-up page shows them before seeds are saved, the
    participant page asks "is uw stelling hetzelfde als ...?" before submitting."""
    settings = service.settings
    most = settings.bulk_max if caller.is_facilitator else PARTICIPANT_CHECK_TEXTS
    if len(body.texts) > most:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"at most {most} texts per request"
                            + ("" if caller.is_facilitator else " from a participant")
                            + f", got {len(body.texts)}")
    # A participant's text is compared with the newest statements (read from the database,
    # issue 18); the facilitator's seeds with the newest and the closest of the older ones that
    # are known (each check rate limited, api.http.limits).
    existing = visible_statements(read, caller.conversation,
                                  newest=None if caller.is_facilitator
                                  else settings.similar_max_compared)
    read.rollback()  # no transaction (and no lock) while embedding
    texts = [t.text for t in body.texts]
    found = check_texts([t for _, t in existing], texts, top=settings.similar_top or 1,
                        use_embeddings=settings.embedding_similarity,
                        model=settings.embedding_model, most=settings.similar_max_compared)
    if found is None:
        return DuplicateCheckResult(duplicates=[[] for _ in texts], checked=False)
    return DuplicateCheckResult(duplicates=[_matches(h, existing, texts) for h in found],
                                checked=True)


@seed_checks.post("/check", response_model=DuplicateCheckResult)
def check_new_seeds(body: DuplicateCheckRequest, service: ServiceDep) -> DuplicateCheckResult:
    """Near-duplicates among seeds typed on the set-up page, before their conversation exists
    (so no token yet): each text against the texts before it, as if submitted one at a time;
    nothing is stored. Limited per address like seed uploads (``limit_seed_checks_address``).
    The page shows them before saving; the facilitator may keep both."""
    settings = service.settings
    if len(body.texts) > settings.bulk_max:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            f"at most {settings.bulk_max} texts per request, "
                            f"got {len(body.texts)}")
    texts = [t.text for t in body.texts]
    found = check_texts([], texts, top=settings.similar_top or 1,
                        use_embeddings=settings.embedding_similarity,
                        model=settings.embedding_model)
    if found is None:
        return DuplicateCheckResult(duplicates=[[] for _ in texts], checked=False)
    return DuplicateCheckResult(duplicates=[_matches(h, [], texts) for h in found], checked=True)


@router.get("/duplicates", response_model=DuplicateQueue)
def pending_duplicates(conv: FacilitatorDep, read: ReadSessionDep,
                       service: ServiceDep) -> DuplicateQueue:
    """The moderation queue's duplicate marks: each pending statement's near-duplicates among
    the accepted ones and the pending ones before it (facilitator)."""
    settings = service.settings
    rows = read.exec(select(Statement.id, Statement.text, Statement.moderation)
                     .where(Statement.conversation_id == conv.id)
                     .order_by(col(Statement.id))).all()
    read.rollback()
    accepted = [(int(i or 0), t) for i, t, m in rows if m == Moderation.accepted]
    pending = [(int(i or 0), t) for i, t, m in rows if m == Moderation.pending]
    if not pending:
        return DuplicateQueue(data=[], checked=True)
    texts = [t for _, t in pending]
    # Every accepted statement is embedded (once; cached): the moderator must see duplicates of
    # old statements too. Each pending one is compared with at most similar_max_compared.
    found = check_texts([t for _, t in accepted], texts, top=settings.similar_top or 1,
                        use_embeddings=settings.embedding_similarity,
                        model=settings.embedding_model, most=settings.similar_max_compared,
                        embed_existing=True)
    if found is None:
        return DuplicateQueue(data=[], checked=False)
    data = []
    for (sid, _), hits in zip(pending, found, strict=True):
        matches = _matches(hits, accepted, texts)
        for m in matches:  # an earlier pending statement: give its id
            if m.id is None and m.text_index is not None:
                m.id, m.text_index = pending[m.text_index][0], None
        if matches:
            data.append(PendingDuplicates(statement_id=sid, duplicates=matches))
    return DuplicateQueue(data=data, checked=True)


@router.post("/{statement_id}/merge", response_model=MergeResult)
def merge_statement(statement_id: StatementId, body: MergeRequest, conv: FacilitatorDep,
                    session: SessionDep, service: ServiceDep) -> MergeResult:
    """Merge a duplicate into an existing statement: the duplicate is rejected (participants
    vote on the existing one) and keeps a pointer to it (``merged_into_id``), so its votes and
    reports can follow it; one click in the moderation queue (facilitator). Accepting the
    statement again (PATCH) undoes the merge."""
    if body.into == statement_id:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            "a statement cannot be merged into itself")
    row = session.get(Statement, statement_id)
    target = session.get(Statement, body.into)
    for sid, found in ((statement_id, row), (body.into, target)):
        if found is None or found.conversation_id != conv.id:
            raise HTTPException(status.HTTP_404_NOT_FOUND,
                                f"statement {sid} not found in conversation {conv.id}")
    assert row is not None and target is not None
    if target.moderation == Moderation.rejected:
        raise HTTPException(status.HTTP_409_CONFLICT,
                            f"statement {body.into} is rejected; merge into a visible statement")
    row.moderation = Moderation.rejected
    row.merged_into_id = target.id
    session.add(row)
    # Statements merged into this one earlier now point to the statement that is kept.
    for earlier in session.exec(select(Statement).where(
            Statement.merged_into_id == statement_id)).all():
        earlier.merged_into_id = target.id
        session.add(earlier)
    session.commit()
    session.refresh(row)
    session.refresh(target)
    service.mark_dirty([conv.id])  # type: ignore[list-item]
    return MergeResult(statement=StatementPublic.model_validate(row),
                       merged_into=StatementPublic.model_validate(target))


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
    if row.moderation != Moderation.rejected:
        row.merged_into_id = None  # accepted (or pending) again: no longer a merged duplicate
    session.add(row)
    session.commit()
    session.refresh(row)
    service.mark_dirty([conv.id])  # type: ignore[list-item]
    return row

"""Topics of a conversation's statements, for the dashboard (issue 17, item 5)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import SQLModel

from meedenken.api.http.deps import ConversationDep, ReadSessionDep, ServiceDep
from meedenken.api.live.similarity import shared_embedder
from meedenken.api.store import visible_statements

router = APIRouter(prefix="/conversations/{conversation_id}/topics", tags=["topics"])


class TopicPublic(SQLModel):
    topic_id: int
    #: Most distinctive words and two-word phrases (c-TF-IDF, stop words of nl/en/de removed).
    keywords: list[str]
    size: int
    statement_ids: list[int]
    #: The statement closest to the topic's centre.
    representative_id: int


class TopicList(SQLModel):
    data: list[TopicPublic]
    #: False when the embedding model is off or unavailable (no topics then).
    checked: bool


@router.get("", response_model=TopicList)
def list_topics(conv: ConversationDep, read: ReadSessionDep, service: ServiceDep) -> TopicList:
    """Topic groups of the visible statements (``engine.topics.find_topics``). Computed on
    request, with no transaction open while embedding; embeddings are cached per text."""
    from meedenken.engine.topics import find_topics

    existing = visible_statements(read, conv)
    read.rollback()
    settings = service.settings
    embedder = (shared_embedder(settings.embedding_model) if settings.embedding_similarity
                else None)
    if embedder is None:
        return TopicList(data=[], checked=False)
    if not existing:
        return TopicList(data=[], checked=True)
    texts = [t for _, t in existing]
    found = find_topics(texts, embedder.embed(texts))
    return TopicList(checked=True, data=[
        TopicPublic(topic_id=t.topic_id, keywords=list(t.keywords), size=t.size,
                    statement_ids=[existing[i][0] for i in t.statement_indices],
                    representative_id=existing[t.representative][0])
        for t in found.topics])

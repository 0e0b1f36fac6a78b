"""Voting: the next statement to show, and the vote itself."""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse
from sqlmodel import SQLModel, select

from meedenken.api.errors import Closed, NotFound
from meedenken.api.http.deps import (
    ConversationDep,
    ConversationId,
    ParticipantDep,
    ReadSessionDep,
    ServiceDep,
    TokenDep,
    unauthorised,
)
from meedenken.api.live.service import Service
from meedenken.api.live.vote_writer import StoredVote
from meedenken.api.security import hash_token
from meedenken.api.store import latest_priorities, visible_statements
from meedenken.engine.routing import next_statement
from meedenken.models.tables import (
    ID_MAX,
    Vote,
    VoteCreate,
    VotePublic,
)

router = APIRouter(prefix="/conversations/{conversation_id}", tags=["votes"])


class NextStatement(SQLModel):
    id: int
    text: str


@router.get("/next", response_model=NextStatement,
            responses={204: {"description": "the participant has voted on every statement"},
                       409: {"description": "the conversation is closed"}})
def next_for_participant(conv: ConversationDep, participant: ParticipantDep,
                         session: ReadSessionDep) -> NextStatement | Response:
    """The next statement for this participant, chosen by the engine's routing from the latest
    analysis' priorities (a statement never analysed weighs 1); 204 when none is left, 409
    when the conversation is closed (it takes no votes, so it hands out nothing to vote on)."""
    if not conv.is_open:
        raise Closed(f"conversation {conv.id} is closed; it takes no more votes")
    statements = visible_statements(session, conv)
    voted = set(session.exec(
        select(Vote.statement_id).where(Vote.participant_id == participant.id)).all())
    weights = latest_priorities(session, conv.id)  # type: ignore[arg-type]
    priorities = np.array([weights.get(str(sid), np.nan) for sid, _ in statements], dtype=float)
    candidates = np.array([sid not in voted for sid, _ in statements], dtype=bool)
    choice = next_statement(priorities, candidates, np.random.default_rng())
    if choice is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    sid, text = statements[choice]
    return NextStatement(id=sid, text=text)


@router.post("/votes", status_code=status.HTTP_201_CREATED, response_model=VotePublic,
             responses={409: {"description": "closed conversation, or rejected statement"}})
async def vote(conversation_id: ConversationId, body: VoteCreate, token: TokenDep,
               service: ServiceDep) -> JSONResponse:
    """Vote 1 (agree), -1 (disagree) or 0 (pass); voting again changes the vote.

    The answer comes after the vote is committed. The checks (token, conversation open,
    statement visible) run in the vote writer, in the same transaction as the write."""
    # Well-formed votes are answered by api/vote_path.py before they reach FastAPI; this route
    # answers the rest, and documents both (the docstring above is the OpenAPI description).
    if token is None:
        raise unauthorised("participant")
    stored = await cast_vote(service, conversation_id, token, body.statement_id, body.vote)
    # A Response skips FastAPI's second validation of the result (this is the hot path);
    # the schema stays documented by ``response_model``.
    return JSONResponse(stored_json(stored), status_code=status.HTTP_201_CREATED)


async def cast_vote(service: Service, conversation_id: int, token: str, statement_id: int,
                    value: int) -> StoredVote:
    """Store one vote and return it once committed.

    Shared by the route above and the fast path in :mod:`meedenken.api.http.vote_path`; a
    refused vote raises a domain error (:mod:`meedenken.api.errors`), which both answer with
    the status code :mod:`meedenken.api.http.errors` gives it."""
    if not 1 <= statement_id <= ID_MAX:
        raise NotFound(f"statement {statement_id} not found in conversation {conversation_id}")
    return await service.writer.submit(conversation_id, hash_token(token), statement_id, value)


def stored_json(stored: StoredVote) -> dict[str, object]:
    """The answer to a stored vote (the fields of ``VotePublic``)."""
    return {"participant_id": stored.participant_id, "statement_id": stored.statement_id,
            "vote": stored.vote, "created_at": stored.created_at.isoformat()}

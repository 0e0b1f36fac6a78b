"""Typed dependencies of the routes: sessions, the service, and who is calling.

``SessionDep`` is a write session (on SQLite it holds the in-process write lock and begins with
``BEGIN IMMEDIATE``); ``ReadSessionDep`` is for reads. ``FacilitatorDep`` and ``ParticipantDep``
check the Bearer token against the conversation in the path: unknown conversation 404, no token
401, a token that is not the right kind for this conversation 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator
from sqlmodel import Session, select

from meedenken.api.http.limits import CANONICAL_ID
from meedenken.api.live.rounds import facilitates
from meedenken.api.live.service import Service
from meedenken.api.security import hash_token, tokens_match
from meedenken.models.db import write_guard
from meedenken.models.tables import ID_MAX, Conversation, Participant

__all__ = [
    "Caller",
    "CallerDep",
    "CanonicalId",
    "ConversationDep",
    "ConversationId",
    "FacilitatorDep",
    "ParticipantDep",
    "ReadSessionDep",
    "ServiceDep",
    "SessionDep",
    "TokenDep",
    "get_conversation",
    "unauthorised",
]


def canonical_id(value: object) -> object:
    """An id in a path is written one way only: digits, no sign, space, leading zero or
    fraction. pydantic's lax ``int`` reads ``+5``, `` 5``, ``05`` and ``5.0`` as 5; the rate
    limiter (api/http/limits.py) once knew only digits, so those spellings bypassed it (issue
    18). Refused here with 422 before any route runs."""
    if isinstance(value, str) and CANONICAL_ID.fullmatch(value) is None:
        raise ValueError("an id is written in digits only (no sign, space, leading zero or "
                         "fraction)")
    return value


#: Refuses the other spellings of an id in a path (add it after the ``Path(...)``).
CanonicalId = BeforeValidator(canonical_id)
ConversationId = Annotated[int, Path(ge=1, le=ID_MAX, description="conversation id"),
                           CanonicalId]


# Dependencies without I/O are ``async def``: FastAPI runs plain ``def`` dependencies in a
# thread pool, a hop that costs more than the work on the hot vote path.
async def get_service(request: Request) -> Service:
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(get_service)]


def get_session(service: ServiceDep) -> Iterator[Session]:
    with write_guard(service.engine) as engine, Session(engine) as session:
        yield session


def get_read_session(service: ServiceDep) -> Iterator[Session]:
    with Session(service.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
ReadSessionDep = Annotated[Session, Depends(get_read_session)]

_bearer = HTTPBearer(auto_error=False, description="facilitator or participant token")


async def get_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str | None:
    return credentials.credentials if credentials else None


TokenDep = Annotated[str | None, Depends(get_token)]


def unauthorised(what: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED,
                         f"missing Bearer token: send 'Authorization: Bearer <{what} token>'",
                         headers={"WWW-Authenticate": "Bearer"})


def get_conversation(conversation_id: ConversationId, service: ServiceDep) -> Conversation:
    """The conversation in the path (404 if unknown); loaded in its own short session."""
    with Session(service.engine) as session:
        conv = session.get(Conversation, conversation_id)
    if conv is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"conversation {conversation_id} not found")
    return conv


ConversationDep = Annotated[Conversation, Depends(get_conversation)]


def _facilitates(service: Service, conv: Conversation, token: str) -> bool:
    """The conversation's own facilitator token, or that of a round of its trajectory (issue
    21: one token opens every round of a trajectory)."""
    if tokens_match(token, conv.facilitator_token_hash):
        return True
    with Session(service.engine) as session:
        return facilitates(session, conv.id, token)  # type: ignore[arg-type]


def require_facilitator(conv: ConversationDep, token: TokenDep,
                        service: ServiceDep) -> Conversation:
    if token is None:
        raise unauthorised("facilitator")
    if not _facilitates(service, conv, token):
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"the token is not the facilitator token of conversation {conv.id}")
    return conv


FacilitatorDep = Annotated[Conversation, Depends(require_facilitator)]


def _participant_by_token(service: Service, token: str) -> Participant | None:
    with Session(service.engine) as session:
        return session.exec(
            select(Participant).where(Participant.token_hash == hash_token(token))).first()


def require_participant(conv: ConversationDep, token: TokenDep,
                        service: ServiceDep) -> Participant:
    if token is None:
        raise unauthorised("participant")
    participant = _participant_by_token(service, token)
    # The lookup is by hash (indexed); the hash is of a 256-bit secret, so there is no timing
    # oracle to exploit in it.
    if participant is None or participant.conversation_id != conv.id:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            f"the token is not a participant token of conversation {conv.id}")
    return participant


ParticipantDep = Annotated[Participant, Depends(require_participant)]


@dataclass(frozen=True)
class Caller:
    """Who sent a request that either kind of token may send."""

    conversation: Conversation
    participant: Participant | None  # None: the facilitator

    @property
    def is_facilitator(self) -> bool:
        return self.participant is None


def require_caller(conv: ConversationDep, token: TokenDep, service: ServiceDep) -> Caller:
    if token is None:
        raise unauthorised("facilitator or participant")
    if _facilitates(service, conv, token):
        return Caller(conv, None)
    return Caller(conv, require_participant(conv, token, service))


CallerDep = Annotated[Caller, Depends(require_caller)]


def optional_caller(conv: ConversationDep, token: TokenDep, service: ServiceDep) -> Caller | None:
    """The caller if a token was sent (it must then be valid), else None (public reads)."""
    return None if token is None else require_caller(conv, token, service)


OptionalCallerDep = Annotated[Caller | None, Depends(optional_caller)]

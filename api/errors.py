"""Domain errors: why the service refuses a request, in words the caller can act on.

The layers below HTTP (the vote writer, the store, the live services) raise these and know
nothing of status codes; the HTTP layer turns each into its status code with one exception
handler (:mod:`meedenken.api.http.errors`), answering ``{"detail": message}`` as FastAPI's own
``HTTPException`` does. The vote's fast path (:mod:`meedenken.api.http.vote_path`) maps them
the same way, so a refused vote answers the same on both paths.

Each error's ``message`` is user-facing: it names the conversation, statement or token
concerned and says what is wrong.
"""

from __future__ import annotations

__all__ = ["Closed", "Conflict", "DomainError", "Forbidden", "NotFound", "Unprocessable"]


class DomainError(Exception):
    """A request the service refuses; ``message`` tells the caller why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The conversation, statement or participant does not exist (or not in this
    conversation)."""


class Forbidden(DomainError):
    """The caller's token does not allow this (say, a participant token of another
    conversation)."""


class Conflict(DomainError):
    """The request clashes with the current state: a rejected statement, a statement awaiting
    moderation, a row deleted while the request was handled."""


class Unprocessable(DomainError):
    """Uploaded data the service cannot read (a Pol.is import that is malformed or
    inconsistent); nothing of it is stored."""


class Closed(Conflict):
    """The conversation is closed: it takes no more votes."""

"""Rate limits on votes, statements, joins and new conversations (429 with Retry-After).

Each limit is a token bucket: a bucket holds at most ``burst`` requests and refills at ``rate``
per second; a request takes one token or is refused with ``429 Too Many Requests`` and a
``Retry-After`` header saying in how many whole seconds a token will be back. Limits apply

* per participant token (the SHA-256 of the Bearer token; the token's validity is checked later
  by the route, so a forged token only spends its own bucket and the address's), and
* per client address (``scope["client"]``: the peer of the TCP connection; behind a reverse
  proxy run uvicorn with ``--proxy-headers --forwarded-allow-ips=<proxy>`` so this is the
  resident's address, or switch address limits off and let the proxy limit).

Defaults suit a public dialogue: a person votes at most a few times a second, and a venue full
of phones shares one address (so the address limits are generous). Statement limits do not
apply to the facilitator (seeding is not abuse); creating conversations is limited per address,
so nobody gets an endless supply of throwaway conversations to seed without limits.

Which requests a limit applies to is decided on the path with *any* conversation segment
(``/conversations/<anything>/votes``), not only a canonical number: the routes once parsed
``+5`` and ``%205`` (a space, then 5) as conversation 5 while the limiter only knew digits,
so those spellings bypassed every limit (issue 18). The routes now refuse such ids with 422
(:data:`api.http.deps.ConversationId`), and the limiter charges them all the same.

Where the state lives: **in this process's memory**, and nowhere else (addresses are never
written to disk or logs; bucket keys are keyed hashes). With one server process this is exact.
With several workers or machines (issue 9) each has its own buckets, so a client may get up to
N times the limit; put the limits in a shared store (Redis ``INCR``/``EXPIRE`` or a proxy such as
nginx ``limit_req``) when scaling out.

``MEEDENKEN_RATE_LIMITS=off`` switches every limit off (a trusted load test from one machine,
or a proxy that limits instead); ``MEEDENKEN_ADDRESS_LIMITS=off`` only the per-address ones.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col
from starlette.concurrency import run_in_threadpool

from meedenken.api.live.rounds import facilitates
from meedenken.api.security import hash_token
from meedenken.api.settings import RateLimit
from meedenken.models.tables import ID_MAX, Conversation

__all__ = ["RateLimitMiddleware", "RateLimiter", "TokenBucket"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Idle buckets are forgotten after this many seconds of no use (bounds memory under a flood
#: of forged tokens); a forgotten bucket comes back full, which it would be by then anyway.
PRUNE_EVERY_SECONDS = 60.0


class TokenBucket:
    """Token buckets for many keys, with an injectable clock (seconds, monotonic)."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self._buckets: dict[bytes, tuple[float, float]] = {}  # key -> (tokens, at)
        self._pruned = clock()

    def take(self, key: bytes) -> float:
        """Take a token for ``key``: 0.0 if allowed, else the seconds until one is back."""
        now = self.clock()
        rate, burst = self.limit.rate, self.limit.burst
        tokens, at = self._buckets.get(key, (float(burst), now))
        tokens = min(float(burst), tokens + (now - at) * rate)
        if now - self._pruned > PRUNE_EVERY_SECONDS:
            self._prune(now)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / rate

    def _prune(self, now: float) -> None:
        full_after = self.limit.burst / self.limit.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}
        self._pruned = now

    def __len__(self) -> int:
        return len(self._buckets)


@dataclass(frozen=True)
class _Rule:
    method: str
    path: re.Pattern[str]
    #: "votes", "statements", "checks", "joins", "seed uploads", "seed checks", "conversations"
    action: str


# ``[^/]+``: the segment a route would take as the conversation id, however it is spelled.
_RULES = (
    _Rule("POST", re.compile(r"^/conversations/([^/]+)/votes/?$"), "votes"),
    _Rule("POST", re.compile(r"^/conversations/([^/]+)/statements/?$"), "statements"),
    # issue 17: "is uw stelling hetzelfde als ...?" and the facilitator's seed check embed texts
    _Rule("POST", re.compile(r"^/conversations/([^/]+)/statements/check/?$"), "checks"),
    _Rule("POST", re.compile(r"^/conversations/([^/]+)/participants/?$"), "joins"),
    _Rule("POST", re.compile(r"^/conversations/([^/]+)/statements/bulk/?$"), "seed uploads"),
    _Rule("POST", re.compile(r"^/conversations/?$"), "conversations"),
    # issue 21: a next round is a new conversation (with up to bulk_max seeds)
    _Rule("POST", re.compile(r"^/conversations/([^/]+)/rounds/?$"), "conversations"),
    _Rule("POST", re.compile(r"^/conversations/import/?$"), "conversations"),
    _Rule("POST", re.compile(r"^/statements/check/?$"), "seed checks"),
)
#: Actions whose limits do not apply to the conversation's facilitator (seeding is not abuse;
#: a check embeds up to bulk_max texts, so the facilitator's checks are limited too).
_FACILITATOR_FREE = ("statements",)
#: The one spelling of an id the routes accept (see :data:`api.http.deps.ConversationId`).
CANONICAL_ID = re.compile(r"[1-9][0-9]{0,9}")


class RateLimiter:
    """The buckets of every (action, per participant | per address) limit that is switched on.

    ``limits`` maps ``(action, "participant" | "address")`` to a :class:`RateLimit` (or None
    for no limit).
    """

    def __init__(self, limits: dict[tuple[str, str], RateLimit | None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.buckets = {key: TokenBucket(limit, clock)
                        for key, limit in limits.items() if limit is not None}
        self._salt = secrets.token_bytes(16)  # keys are keyed hashes: no raw address kept

    def _key(self, value: str) -> bytes:
        return hashlib.blake2b(value.encode(), key=self._salt, digest_size=16).digest()

    def check(self, action: str, token: str | None, address: str | None) -> float:
        """0.0 if the request may go ahead, else the seconds to wait.

        The participant bucket is checked first; a request it refuses takes nothing from the
        address bucket, so one eager participant does not use up a shared address."""
        for who, value in (("participant", token), ("address", address)):
            bucket = self.buckets.get((action, who))
            if bucket is None or value is None:
                continue
            wait = bucket.take(self._key(value))
            if wait > 0:
                return wait
        return 0.0


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() or None if scheme.lower() == "bearer" else None
    return None


class RateLimitMiddleware:
    """ASGI middleware applying a :class:`RateLimiter` to votes, statements and joins.

    ``is_facilitator(conversation_id, token)`` tells whether a token is the facilitator's (then
    statement limits do not apply); it is only called for statement submissions.
    """

    def __init__(self, app: ASGIApp, limiter: RateLimiter,
                 is_facilitator: Callable[[int, str], bool]) -> None:
        self.app = app
        self.limiter = limiter
        self.is_facilitator = is_facilitator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        path = _route_path(scope)
        for rule in _RULES:
            match = rule.path.match(path)
            if match is None:
                continue
            token = _bearer(scope)
            # Only a canonical id can be the facilitator's conversation (the route refuses
            # any other spelling); anything else is charged like a participant's statement.
            if (rule.action in _FACILITATOR_FREE and token is not None
                    and CANONICAL_ID.fullmatch(match[1]) is not None
                    and await run_in_threadpool(self.is_facilitator, int(match[1]), token)):
                break
            client = scope.get("client")
            wait = self.limiter.check(rule.action, token, client[0] if client else None)
            if wait > 0:
                await _too_many(send, rule.action, wait)
                return
            break
        await self.app(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path the router matches: ``path`` without the ``root_path`` it is mounted under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


async def _too_many(send: Send, action: str, wait: float) -> None:
    seconds = max(1, math.ceil(wait))
    body = json.dumps({"detail": f"too many {action}; try again in {seconds} s"}).encode()
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(seconds).encode())]})
    await send({"type": "http.response.body", "body": body})


def facilitator_check(engine: Any) -> Callable[[int, str], bool]:
    """``is_facilitator(conversation_id, token)`` against the database behind ``engine``."""

    def is_facilitator(conversation_id: int, token: str) -> bool:
        if not 1 <= conversation_id <= ID_MAX:  # the route answers 422 for it
            return False
        with Session(engine) as session:
            stored = session.exec(select(col(Conversation.facilitator_token_hash))  # type: ignore[call-overload]
                                  .where(col(Conversation.id) == conversation_id)).first()
            if stored is not None and secrets.compare_digest(stored[0], hash_token(token)):
                return True
            # issue 21: the trajectory's token is the facilitator's in every round
            return stored is not None and facilitates(session, conversation_id, token)

    return is_facilitator

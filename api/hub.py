"""Wakes Server-Sent-Event streams when a new snapshot is stored.

The hub only says "conversation C has a new version"; the stream then reads the newest snapshot
from the database. It is told by this process's scheduler after each analysis and, on
PostgreSQL, by the coordinator's LISTEN on ``meedenken_snapshot`` (api/coordination.py), so
snapshots made by any worker reach every worker's streams at once. Streams also check the
database every ``sse_poll_seconds`` as a safety net.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import defaultdict

__all__ = ["SnapshotHub"]


class SnapshotHub:
    """Per-conversation wake-up events, safe to publish from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = (
            defaultdict(set))

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

    def publish(self, conversation_id: int) -> None:
        with self._lock:
            subs = list(self._subscribers.get(conversation_id, ()))
        for loop, event in subs:
            with contextlib.suppress(RuntimeError):  # that loop has closed
                loop.call_soon_threadsafe(event.set)

"""The SSE hub: wake-ups and the per-process copy of the newest serialised snapshot."""

from __future__ import annotations

import asyncio

from meedenken.api.live.hub import SnapshotHub


def test_a_version_is_loaded_once_for_all_clients_and_dropped_with_the_last_client():
    hub = SnapshotHub()
    loads: list[int] = []
    stored = {"version": 3}

    def load() -> tuple[int, str]:
        loads.append(stored["version"])
        return stored["version"], f"snapshot {stored['version']}"

    async def scenario() -> None:
        a, b = hub.subscribe(7), hub.subscribe(7)
        assert hub.latest_text(7, 3, load) == (3, "snapshot 3")
        assert hub.latest_text(7, 3, load) == (3, "snapshot 3")  # second client: no load
        assert hub.latest_text(7, 2, load) == (3, "snapshot 3")  # older asked, newer given
        stored["version"] = 4
        assert hub.latest_text(7, 4, load) == (4, "snapshot 4")
        assert loads == [3, 4]
        hub.unsubscribe(7, a)
        hub.unsubscribe(7, b)
        # Nobody follows conversation 7 any more: its copy is gone, the next client loads.
        assert hub.latest_text(7, 4, load) == (4, "snapshot 4")
        assert loads == [3, 4, 4]

    asyncio.run(scenario())


def test_publish_wakes_every_subscriber_of_that_conversation_only():
    hub = SnapshotHub()

    async def scenario() -> None:
        mine, other = hub.subscribe(1), hub.subscribe(2)
        hub.publish(1)
        await asyncio.sleep(0)
        assert mine.is_set() and not other.is_set()

    asyncio.run(scenario())

"""Issue 18, item 1: one statement must not stall every vote (SQLite's write lock).

``POST /statements`` held the process-wide write lock while it embedded every existing
statement for the near-duplicate check: with 500 seeds, one post took 34 s and a vote in
*another* conversation waited 33.9 s. These tests replay it with an instrumented similarity
check: while it runs, the write lock must be free (a vote elsewhere gets it at once), and the
check sees at most ``similar_max_compared`` statements.
"""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from meedenken.api.http.app import create_app
from meedenken.api.routes import statements as statements_route
from meedenken.models.db import sqlite_write_lock, write_guard

from .helpers import make_dialogue


@pytest.fixture
def bounded(settings):
    with TestClient(create_app(settings.model_copy(update={"similar_max_compared": 20,
                                                           "embedding_similarity": False}))) as c:
        yield c


def test_the_near_duplicate_check_runs_without_the_write_lock(bounded, monkeypatch):
    client = bounded
    attacker = make_dialogue(client, participants=0)
    resident = make_dialogue(client, participants=1)
    r = client.post(attacker.url("/statements/bulk"), headers=attacker.f,
                    json={"statements": [{"text": f"Stelling {i} " + "x" * 380}
                                         for i in range(100)]})
    assert r.status_code == 201
    seen: dict[str, object] = {}
    real = statements_route.check_similar
    engine = client.app.state.service.engine  # type: ignore[attr-defined]

    def slow_check(texts, new_text, **kwargs):
        seen["compared"] = len(texts)
        seen["lock_held"] = sqlite_write_lock.locked()
        # A resident's vote in another conversation while the check runs: it must get the
        # write lock (in its own thread, as the vote writer does) without waiting for us.
        got = threading.Event()

        def other_writer() -> None:
            with write_guard(engine):
                got.set()

        thread = threading.Thread(target=other_writer, daemon=True)
        thread.start()
        seen["other_writer_went_ahead"] = got.wait(timeout=5.0)
        thread.join(timeout=5.0)
        return real(texts, new_text, **kwargs)

    monkeypatch.setattr(statements_route, "check_similar", slow_check)
    r = client.post(attacker.url("/statements"), headers=attacker.f,
                    json={"text": "Nog een stelling " + "y" * 380})
    assert r.status_code == 201, r.text
    assert seen["other_writer_went_ahead"] is True
    if engine.dialect.name == "sqlite":
        assert seen["lock_held"] is False
    # Bounded work: the newest 20 statements, not all 105.
    assert seen["compared"] == 20
    # The resident's vote goes through as usual, and the statement was stored.
    assert resident.vote(resident.statements[0], 1).status_code == 201
    listed = client.get(attacker.url("/statements")).json()["data"]
    assert listed[-1]["id"] == r.json()["statement"]["id"]


def test_bulk_seed_uploads_are_limited_per_time(settings):
    tight = settings.model_copy(update={"rate_limits": True, "limit_bulk_address": "2/h"})
    with TestClient(create_app(tight)) as client:
        d = make_dialogue(client, participants=0)  # one upload spent
        codes = [client.post(d.url("/statements/bulk"), headers=d.f,
                             json={"statements": [{"text": f"Zaad {i}"}]}).status_code
                 for i in range(3)]
        assert codes == [201, 429, 429]

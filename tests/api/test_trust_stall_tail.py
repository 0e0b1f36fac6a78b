"""Issue 18, item 1, the tail: what still held residents' votes up (p99 160 ms) while an
attacker posted statement after statement into a bulk-seeded conversation.

- The analysis worker's commits checkpointed the SQLite WAL (SQLite's default autocheckpoint)
  inside the write lock, so a vote waited for the copy and the database's fsync.
- A submission loaded every visible statement of the conversation (thousands after bulk seeds)
  and then kept the newest ``similar_max_compared``: work that grew with the seeds.
- The embedding model used one thread per core, so one submission could take both cores of a
  small server from the event loop and the vote writer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from meedenken.api import store
from meedenken.api.http.app import create_app
from meedenken.api.live import similarity
from meedenken.api.live.analyser import worker_engine
from meedenken.api.routes import statements as statements_route
from meedenken.models.tables import Conversation

from .helpers import make_dialogue


def test_the_analysis_worker_never_checkpoints_under_the_write_lock(tmp_path: Path) -> None:
    engine = worker_engine(f"sqlite:///{tmp_path}/w.db", "FULL")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


@pytest.fixture
def bounded(settings):
    with TestClient(create_app(settings.model_copy(update={"similar_max_compared": 20,
                                                           "embedding_similarity": False}))) as c:
        yield c


def test_a_submission_reads_only_the_statements_it_compares(bounded, monkeypatch) -> None:
    client = bounded
    attacker = make_dialogue(client, participants=0)
    r = client.post(attacker.url("/statements/bulk"), headers=attacker.f,
                    json={"statements": [{"text": f"Stelling {i} " + "x" * 380}
                                         for i in range(100)]})
    assert r.status_code == 201
    seeds = [s["id"] for s in r.json()["data"]]
    rows: list[int] = []
    real = store.visible_statements

    def counted(session, conv, newest=None):
        out = real(session, conv, newest=newest)
        rows.append(len(out))
        return out

    monkeypatch.setattr(statements_route, "visible_statements", counted)
    r = client.post(attacker.url("/statements"), headers=attacker.f,
                    json={"text": "Nog een stelling " + "y" * 380})
    assert r.status_code == 201, r.text
    assert rows == [20]  # read from the database: the newest 20, not all 10x as many
    engine = client.app.state.service.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        conv = session.get(Conversation, attacker.id)
        assert conv is not None
        newest = real(session, conv, newest=20)
        every = real(session, conv)
    assert newest == every[-20:]  # the same statements in the same (id) order as before
    assert len(every) > 100 and [sid for sid, _ in every if sid in set(seeds)] == seeds


def test_the_embedding_model_keeps_to_one_thread(monkeypatch) -> None:
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        similarity._limit_threads()
        assert torch.get_num_threads() == similarity.EMBEDDING_THREADS == 1
    finally:
        torch.set_num_threads(before)

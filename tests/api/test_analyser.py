"""The analyser's bookkeeping for several workers: the re-read window, the recount, and the
engine state stored with each snapshot (issue 9). Runs against SQLite and PostgreSQL."""

from __future__ import annotations

import numpy as np
import pytest
from sqlmodel import Session, col, select

from meedenken.api.live import analyser as analyser_module
from meedenken.api.live.analyser import Analyser, _Cache
from meedenken.engine.matrix import VoteMatrix
from meedenken.models.tables import AnalysisSnapshot, EngineState, VoteHistory

from .helpers import make_dialogue


def _ids(*ids: int) -> np.ndarray:
    return np.array(ids, dtype=np.int64)


def test_rows_read_again_are_applied_once_and_late_lower_ids_are_not_missed():
    cache = _Cache(VoteMatrix())
    read = _ids(5, 7)
    assert read[cache.take_new(read, now=0.0)].tolist() == [5, 7]
    # The next read starts at the same floor: 5 and 7 come again, and 6 committed late.
    again = _ids(5, 6, 7, 9)
    assert again[cache.take_new(again, now=1.0)].tolist() == [6, 9]
    assert cache.floor == 0 and cache.last_vote_id == 9 and cache.applied == 4
    # Once a read is older than the look-back, the floor moves to what that read had seen.
    lookback = analyser_module.READ_LOOKBACK_SECONDS
    assert cache.take_new(_ids(), now=1.0 + lookback).tolist() == []
    assert cache.floor == 9 and cache.recent == set()


def test_without_a_look_back_the_floor_follows_each_read():
    """SQLite: one writer at a time, so nothing below the last id read can still appear."""
    cache = _Cache(VoteMatrix())
    cache.take_new(_ids(5, 7), now=0.0, lookback=0.0)
    assert cache.floor == 7 and cache.recent == set() and cache.applied == 2


def _polarised(d, n_participants=12, n_statements=5):
    for _ in range(n_participants):
        d.join()
    for i in range(n_participants):
        for sid in d.statements[:n_statements]:
            assert d.vote(sid, 1 if i % 2 else -1, i=i).status_code == 201


def _snapshots(engine, cid):
    with Session(engine) as session:
        return list(session.exec(select(AnalysisSnapshot)
                                 .where(AnalysisSnapshot.conversation_id == cid)
                                 .order_by(col(AnalysisSnapshot.version))))


def test_a_new_worker_continues_from_the_stored_state(client):
    d = make_dialogue(client, participants=0)
    _polarised(d)
    service = client.app.state.service
    assert service.scheduler.wait_idle()
    engine = service.engine
    first = _snapshots(engine, d.id)[-1]
    with Session(engine) as session:
        state = session.get(EngineState, d.id)
        assert state is not None and state.version == first.version
    groups_before = {p["id"]: p["group"] for p in first.result["coordinates"]}

    # Another process (a fresh Analyser: empty cache) analyses next: it reads every vote and
    # starts from the stored state, so the groups keep their ids.
    other = Analyser(engine, label="other-host:1")
    version = other.run(d.id)
    latest = _snapshots(engine, d.id)[-1]
    assert version == latest.version == first.version + 1
    assert latest.analysed_by == "other-host:1" and latest.started_at is not None
    assert latest.result["votes"] == first.result["votes"] == 60
    assert {p["id"]: p["group"] for p in latest.result["coordinates"]} == groups_before


def test_a_vote_missed_below_the_floor_is_found_by_the_recount(client, monkeypatch):
    d = make_dialogue(client, participants=0)
    _polarised(d, n_participants=8, n_statements=3)
    engine = client.app.state.service.engine
    analyser = Analyser(engine)
    analyser.run(d.id)
    cache = analyser._cache[d.id]
    # Pretend the window has passed and a vote the reads never saw sits below the floor.
    cache.floor = cache.last_vote_id
    cache.recent.clear()
    cache.applied -= 1
    monkeypatch.setattr(analyser_module, "RECOUNT_SECONDS", 0.0)
    with Session(engine) as session:
        assert not Analyser._complete(session, cache, d.id)
    analyser.run(d.id)  # rebuilt from the database
    rebuilt = analyser._cache[d.id]
    with Session(engine) as session:
        stored = len(session.exec(select(VoteHistory.id)
                                  .where(VoteHistory.conversation_id == d.id)).all())
        assert rebuilt.applied == stored == 24
        assert Analyser._complete(session, rebuilt, d.id)


def test_vote_transactions_are_time_limited_below_the_look_back(client):
    """The re-read window is only safe if no vote transaction outlives it (PostgreSQL)."""
    writer_engine = client.app.state.service.writer.engine
    if writer_engine.dialect.name != "postgresql":
        pytest.skip("SQLite: one writer at a time, ids become visible in order")
    with writer_engine.connect() as conn:
        limits = [conn.exec_driver_sql(f"SHOW {name}").scalar_one()
                  for name in ("statement_timeout", "idle_in_transaction_session_timeout")]
    assert limits == ["2s", "2s"]
    # A batch: 6 statements and the commit, each at most 2 s, with at most 2 s idle before each.
    assert analyser_module.READ_LOOKBACK_SECONDS > 7 * 2 + 7 * 2

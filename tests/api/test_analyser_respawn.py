"""Issue 18, item 6: the analysis recovers by itself when its worker process is killed.

Replays the attack: SIGKILL the analysis worker. Before, the next analysis failed with
``BrokenProcessPool`` and was not retried (41 votes cast, 40 analysed until another vote came),
and ``/ready`` kept answering 200. Now ``/ready`` answers 503 naming the dead worker until a new
one is up, and the analysis catches up without another vote.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from meedenken.api.http.app import create_app
from meedenken.models.tables import AnalysisSnapshot, VoteHistory

from .helpers import make_dialogue


def _worker_pids(runner) -> list[int]:
    """The live worker's pid, read from the executor (works on the code before the fix too)."""
    processes = getattr(runner._pool, "_processes", None) or {}
    return [pid for pid, proc in list(processes.items()) if proc.is_alive()]


def _wait(predicate, timeout: float, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def _unready(client):
    answer = client.get("/ready")
    return answer if answer.status_code == 503 else None


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_killed_analysis_worker_is_respawned_and_the_analysis_catches_up(settings):
    worker_settings = settings.model_copy(update={"analysis_in_process": False})
    with TestClient(create_app(worker_settings)) as client:
        service = client.app.state.service  # type: ignore[attr-defined]
        runner = service.scheduler.runner
        d = make_dialogue(client, participants=3)
        for i in range(3):
            for sid in d.statements:
                assert d.vote(sid, 1 if (sid + i) % 2 else -1, i=i).status_code == 201
        assert service.scheduler.wait_idle(120)
        version = client.get(d.url("/analysis"), headers=d.f).json()["version"]
        assert client.get("/ready").status_code == 200
        pids = _wait(lambda: _worker_pids(runner), 60)
        assert len(pids) == 1

        # The attack: kill the worker, then one more vote while it is dead.
        os.kill(pids[0], signal.SIGKILL)
        killed_at = time.monotonic()
        # Keep the 503 answer itself: the worker may be back before a second call.
        down = _wait(lambda: _unready(client), 5, 0.02)
        assert down, "/ready did not report the dead worker"
        assert "analysis worker" in down.json()["detail"]
        assert d.vote(d.statements[0], 0, i=0).status_code == 201

        # It comes back by itself, and the snapshot catches up with the last vote.
        assert _wait(lambda: client.get("/ready").status_code == 200, 60, 0.2)
        recovered = time.monotonic() - killed_at
        assert service.scheduler.wait_idle(60)
        after = client.get(d.url("/analysis"), headers=d.f).json()
        assert after["version"] > version
        with Session(service.engine) as session:
            newest_vote = session.exec(select(func.max(VoteHistory.id))).one()
            analysed = session.exec(select(func.max(AnalysisSnapshot.last_vote_id))).one()
        assert analysed == newest_vote  # the vote cast while the worker was dead is analysed
        assert runner.respawns >= 1
        new_pids = _worker_pids(runner)
        assert new_pids and new_pids[0] != pids[0]
        assert recovered < 60

"""The analysis: snapshot JSON, visibility, debounced recomputes, Server-Sent Events."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from meedenken.api.http.app import create_app

from .helpers import SEEDS, bearer, make_dialogue

KEYS = {"version", "created_at", "participants", "votes", "statements", "polis_compatible", "k",
        "coordinates", "statement_coordinates", "groups", "group_stability", "consensus",
        "group_informed_consensus", "participation", "bridging", "common_ground_roles",
        "map_cells"}


def _polarised_votes(d, n_statements):
    """Half the participants agree with everything, half disagree: two clear groups."""
    for i in range(len(d.tokens)):
        for sid in d.statements[:n_statements]:
            assert d.vote(sid, 1 if i % 2 else -1, i=i).status_code == 201


def test_analysis_before_and_after_votes(client):
    d = make_dialogue(client, participants=0)
    r = client.get(d.url("/analysis"))
    assert r.status_code == 200
    assert r.json()["version"] == 0 and set(r.json()) == KEYS
    for _ in range(12):
        d.join(role="resident")
    _polarised_votes(d, 5)
    scheduler = client.app.state.service.scheduler
    assert scheduler.wait_idle()
    body = client.get(d.url("/analysis"), headers=d.f).json()  # the facilitator's answer
    assert set(body) == KEYS
    assert body["version"] >= 1 and body["votes"] == 60 and body["participants"] == 12
    assert len(body["coordinates"]) == 12
    assert {"id", "x", "y", "group"} <= set(body["coordinates"][0])
    # the public answer: no one's point, the map as cells of >= k (two camps of 6; issue 18)
    public = client.get(d.url("/analysis")).json()
    assert public["coordinates"] == [] and body["map_cells"] == []
    assert sorted(c["count"] for c in public["map_cells"]) == [6, 6]
    assert len(body["groups"]) == 2
    assert sorted(g["size"] for g in body["groups"]) == [6, 6]
    rep = body["groups"][0]["representative"][0]
    assert rep["text"] in SEEDS
    assert body["participation"]["participants_by_role"] == {"resident": 12}
    assert [s["agree"] + s["disagree"] for s in body["participation"]["statements"]] == [12] * 5
    assert len(body["group_informed_consensus"]) == 5


def test_hidden_results_are_for_the_facilitator(dialogue):
    c = dialogue.client
    c.patch(dialogue.url(), headers=dialogue.f, json={"results_visible": False})
    assert c.get(dialogue.url("/analysis")).status_code == 401
    assert c.get(dialogue.url("/analysis"), headers=dialogue.p()).status_code == 403
    assert c.get(dialogue.url("/analysis"), headers=bearer("forged")).status_code == 403
    assert c.get(dialogue.url("/analysis"), headers=dialogue.f).status_code == 200
    assert c.get(dialogue.url("/stream")).status_code == 401


def test_a_burst_of_1000_votes_gives_a_handful_of_analyses(settings):
    debounce = 0.5
    settings = settings.model_copy(update={"analysis_debounce_seconds": debounce})
    with TestClient(create_app(settings)) as client:
        scheduler = client.app.state.service.scheduler
        d = make_dialogue(client, participants=100)
        jobs = [(sid, i) for i in range(100) for sid in d.statements[:5]]
        jobs += [(sid, i) for i in range(100) for sid in d.statements[:5]]  # change every vote
        started = time.monotonic()
        with ThreadPoolExecutor(16) as pool:
            codes = list(pool.map(lambda job: d.vote(job[0], 1 if job[1] % 2 else -1,
                                                     i=job[1]).status_code, jobs))
        elapsed = time.monotonic() - started
        assert codes == [201] * 1000
        assert scheduler.wait_idle()
        runs = scheduler.runs[d.id]
        # At most one analysis per debounce interval of the burst, plus the trailing one.
        assert 1 <= runs <= elapsed / debounce + 2, (runs, elapsed)
        assert runs <= 25, (runs, elapsed)
        body = client.get(d.url("/analysis")).json()
        assert body["version"] == runs and body["votes"] == 500  # current votes
        assert client.app.state.service.writer.batches < 1000  # votes were group-committed


def test_votes_do_not_wait_for_the_analysis(settings, monkeypatch):
    """While an analysis runs, votes are still answered: every vote below is answered while the
    first analysis is held (it goes on only when the test lets it, or after 60 s)."""
    import meedenken.api.live.analyser as analysis_module

    real = analysis_module.meedenken_engine.analyze
    running, release, finished = threading.Event(), threading.Event(), threading.Event()

    def held(*args, **kwargs):
        running.set()
        release.wait(timeout=60)
        finished.set()
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis_module.meedenken_engine, "analyze", held)
    with TestClient(create_app(settings)) as client:
        d = make_dialogue(client, participants=1)
        d.vote(d.statements[0], 1)
        assert running.wait(timeout=30)  # the held analysis is now running
        for sid in d.statements[1:]:
            assert d.vote(sid, 1).status_code == 201
        # A vote that waited for the analysis would have waited the 60 s out.
        assert not finished.is_set(), "a vote waited for the running analysis"
        release.set()
        assert client.app.state.service.scheduler.wait_idle(timeout=60)


@pytest.fixture
def live_server(settings):
    """A real uvicorn server in a thread (SSE needs a real streaming connection)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", app
    server.should_exit = True
    thread.join(timeout=10)


def _events(response):
    """Parse an SSE stream into (event, id, data) tuples."""
    event = {}
    for line in response.iter_lines():
        if not line:
            if "data" in event:
                yield event.get("event"), event.get("id"), json.loads(event["data"])
            event = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(":")
            event[key] = value.lstrip(" ")


def test_stream_sends_latest_then_each_new_version(live_server):
    base, _ = live_server
    with httpx.Client(base_url=base, timeout=10) as http:
        r = http.post("/conversations", json={"topic": "live"})
        cid, f = r.json()["id"], bearer(r.json()["facilitator_token"])
        sids = [s["id"] for s in http.post(
            f"/conversations/{cid}/statements/bulk", headers=f,
            json={"statements": [{"text": f"stelling {i}"} for i in range(4)]}).json()["data"]]
        tokens = [http.post(f"/conversations/{cid}/participants", json={}).json()["token"]
                  for _ in range(4)]
        received = []
        with http.stream("GET", f"/conversations/{cid}/stream") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            events = _events(stream)
            kind, version, data = next(events)
            assert (kind, version, data["version"]) == ("analysis", "0", 0)
            for i, token in enumerate(tokens):
                for sid in sids:
                    http.post(f"/conversations/{cid}/votes", headers=bearer(token),
                              json={"statement_id": sid, "vote": 1 if i % 2 else -1})
            for _, _, data in events:
                received.append(data)
                if data["votes"] == 16:
                    break
        versions = [d["version"] for d in received]
        assert versions == sorted(set(versions)) and versions[0] >= 1
        assert received[-1]["votes"] == 16 and set(received[-1]) == KEYS


def test_stream_reconnect_gets_the_latest_version(live_server):
    base, app = live_server
    with httpx.Client(base_url=base, timeout=10) as http:
        r = http.post("/conversations", json={"topic": "live"})
        cid, f = r.json()["id"], bearer(r.json()["facilitator_token"])
        sid = http.post(f"/conversations/{cid}/statements", headers=f,
                        json={"text": "een"}).json()["statement"]["id"]
        token = http.post(f"/conversations/{cid}/participants", json={}).json()["token"]
        http.post(f"/conversations/{cid}/votes", headers=bearer(token),
                  json={"statement_id": sid, "vote": 1})
        assert app.state.service.scheduler.wait_idle()
        latest = http.get(f"/conversations/{cid}/analysis").json()["version"]
        assert latest >= 1
        with http.stream("GET", f"/conversations/{cid}/stream") as stream:
            _, version, data = next(_events(stream))
        assert int(version) == latest == data["version"]


def test_analysis_carries_bridging_with_role_explanations():
    """Bridging reaches the API snapshot, explained per group and per declared role."""
    from meedenken.api.present.analysis import analysis_to_json
    from meedenken.engine import VoteMatrix, analyze

    pids = [p for p in range(40) for _ in range(6)]
    sids = [s for _ in range(40) for s in range(6)]
    votes = [1 if s == 0 else (1 if (p < 20) == (s % 2 == 0) else -1)
             for p, s in zip(pids, sids, strict=True)]
    m = VoteMatrix.from_records(pids, sids, votes)
    roles = {p: ("resident" if p % 2 else "professional") for p in range(40)}
    result = analyze(m, attributes={"role": [roles[p] for p in m.participant_ids]})
    body = analysis_to_json(result, m, version=1, created_at="t",
                            statements={}, roles=roles)
    top = body["bridging"][0]
    assert top["statement_id"] == 0
    assert top["low"] <= top["score"] <= top["high"]
    assert set(top["role_agree"]["role"]) == {"resident", "professional"}


def test_participants_by_role_is_k_anonymous():
    """Roles held by fewer than 5 participants are pooled, never shown one by one."""
    from meedenken.api.present.analysis import POOLED_ROLES, _participation
    from meedenken.engine import VoteMatrix

    roles = ["resident"] * 8 + ["professional"] * 6 + ["carer"] * 3 + ["manager"] * 3
    m = VoteMatrix.from_records(list(range(20)), [0] * 20, [1] * 20)
    shown = _participation(m, dict(enumerate(roles))).participants_by_role
    assert shown == {"resident": 8, "professional": 6, POOLED_ROLES: 6}
    # two people in a rare role and one more: pooling 3 would reveal them, so all are pooled
    tiny = {0: "carer", 1: "carer", 2: "manager", **{i: "resident" for i in range(3, 20)}}
    shown = _participation(m, tiny).participants_by_role
    assert all(n >= 5 for n in shown.values()) and "carer" not in shown

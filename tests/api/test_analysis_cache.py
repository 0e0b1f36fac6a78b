"""GET /analysis renders a snapshot once per version and process (api/live/answers.py):
the answers are those of rendering it afresh, for the facilitator, an anonymous caller and a
participant (their own point only); a new snapshot is read again; a deleted conversation's
rendering never answers for another (issue 14's leftover: +40 ms per request on a large map)."""

from __future__ import annotations

import json

from sqlmodel import Session

from meedenken.api.present.analysis import public_analysis, stored_analysis
from meedenken.api.store import latest_snapshot
from meedenken.engine.diversity_settings import DIVERSITY

from .helpers import make_dialogue


def _fresh(client, cid: int, *, public: bool, own: int | None = None) -> dict:
    engine = client.app.state.service.engine
    with Session(engine) as session:
        snapshot = latest_snapshot(session, cid)
        answer = stored_analysis(snapshot.result if snapshot is not None else None)
    if public:
        answer = public_analysis(answer, own, DIVERSITY.min_cell_size)
    return json.loads(answer.model_dump_json())


def _vote_all(d, n: int) -> None:
    for i in range(len(d.tokens)):
        for sid in d.statements[:n]:
            assert d.vote(sid, 1 if i % 2 else -1, i=i).status_code == 201


def test_rendered_once_per_version_and_the_same_as_fresh(client):
    d = make_dialogue(client, participants=12)
    service = client.app.state.service
    _vote_all(d, 4)
    assert service.scheduler.wait_idle()
    loads = service.answers.loads
    full = client.get(d.url("/analysis"), headers=d.f).json()
    anonymous = client.get(d.url("/analysis")).json()
    mine = client.get(d.url("/analysis"), headers=d.p(3)).json()
    again = client.get(d.url("/analysis"), headers=d.f).json()
    [me] = [p["id"] for p in mine["coordinates"]]
    assert service.answers.loads == loads + 1  # one snapshot read for all four answers
    assert full == again == _fresh(client, d.id, public=False)
    assert anonymous == _fresh(client, d.id, public=True)
    assert mine == _fresh(client, d.id, public=True, own=me)
    assert me in {p["id"] for p in full["coordinates"]} and anonymous["coordinates"] == []
    assert len(full["coordinates"]) == 12
    # A new snapshot is read and rendered again.
    version = full["version"]
    _vote_all(d, 6)
    assert service.scheduler.wait_idle()
    newer = client.get(d.url("/analysis"), headers=d.f).json()
    assert newer["version"] > version and newer == _fresh(client, d.id, public=False)
    assert service.answers.loads == loads + 2


def test_a_deleted_conversation_never_answers_for_another(client):
    d = make_dialogue(client, participants=6)
    _vote_all(d, 3)
    service = client.app.state.service
    assert service.scheduler.wait_idle()
    old = client.get(d.url("/analysis"), headers=d.f).json()
    assert old["version"] >= 1
    assert client.delete(d.url(), headers=d.f).status_code == 204
    e = make_dialogue(client, participants=0)  # on SQLite it may get the deleted id again
    answer = client.get(e.url("/analysis"), headers=e.f).json()
    assert answer["version"] == 0 and answer["coordinates"] == []

"""Votes and routing: casting and changing votes, every refusal, and GET /next."""

from __future__ import annotations

from sqlmodel import Session, select

from meedenken.models.tables import Vote, VoteHistory

from .helpers import bearer, make_dialogue


def test_vote_and_change_keeps_history(dialogue):
    sid = dialogue.statements[0]
    r = dialogue.vote(sid, 1)
    assert r.status_code == 201
    assert r.json()["vote"] == 1 and r.json()["statement_id"] == sid
    assert dialogue.vote(sid, -1).status_code == 201
    assert dialogue.vote(sid, 0).status_code == 201
    engine = dialogue.client.app.state.service.engine
    with Session(engine) as session:
        current = session.exec(select(Vote).where(Vote.statement_id == sid)).all()
        history = session.exec(select(VoteHistory).where(VoteHistory.statement_id == sid)
                               .order_by(VoteHistory.id)).all()
    assert [(v.participant_id, v.value) for v in current] == [(r.json()["participant_id"], 0)]
    assert [h.value for h in history] == [1, -1, 0]


def test_bad_vote_values_are_422(dialogue):
    sid = dialogue.statements[0]
    c = dialogue.client
    for body in ({"statement_id": sid, "vote": 2}, {"statement_id": sid, "vote": -2},
                 {"statement_id": sid, "vote": "agree"}, {"statement_id": sid},
                 {"vote": 1}, {"statement_id": "one", "vote": 1}, {"statement_id": sid,
                                                                    "vote": 0.5}):
        r = c.post(dialogue.url("/votes"), headers=dialogue.p(), json=body)
        assert r.status_code == 422, body
        assert r.json()["detail"]
    r = c.post(dialogue.url("/votes"), headers=dialogue.p(), content=b"[1, 2")
    assert r.status_code == 422


def test_vote_on_unknown_or_foreign_statement_is_404(dialogue):
    other = make_dialogue(dialogue.client, participants=0)
    for sid in (999_999, other.statements[0], 2**40, 0, -3):
        r = dialogue.vote(sid, 1)
        assert r.status_code == 404, (sid, r.text)
        assert "not found" in r.json()["detail"]


def test_vote_on_rejected_statement_is_409(dialogue):
    sid = dialogue.statements[2]
    dialogue.client.patch(dialogue.url(f"/statements/{sid}"), headers=dialogue.f,
                          json={"moderation": "rejected"})
    r = dialogue.vote(sid, 1)
    assert r.status_code == 409 and "rejected" in r.json()["detail"]


def test_closed_conversation_refuses_votes_with_409(dialogue):
    dialogue.client.patch(dialogue.url(), headers=dialogue.f, json={"is_open": False})
    r = dialogue.vote(dialogue.statements[0], 1)
    assert r.status_code == 409 and "closed" in r.json()["detail"]
    dialogue.client.patch(dialogue.url(), headers=dialogue.f, json={"is_open": True})
    assert dialogue.vote(dialogue.statements[0], 1).status_code == 201


def test_vote_auth_rules(dialogue):
    c = dialogue.client
    other = make_dialogue(c, participants=1)
    body = {"statement_id": dialogue.statements[0], "vote": 1}
    r = c.post(dialogue.url("/votes"), json=body)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    for headers in (bearer("forged-token"), dialogue.f, other.p(), other.f):
        r = c.post(dialogue.url("/votes"), headers=headers, json=body)
        assert r.status_code == 403, headers
        assert "participant token" in r.json()["detail"]
    with Session(c.app.state.service.engine) as session:
        assert session.exec(select(Vote).where(Vote.statement_id == body["statement_id"])
                            ).all() == []


def test_next_routes_through_unvoted_statements_then_204(dialogue):
    c = dialogue.client
    seen = []
    for _ in dialogue.statements:
        r = c.get(dialogue.url("/next"), headers=dialogue.p())
        assert r.status_code == 200
        assert set(r.json()) == {"id", "text"}
        seen.append(r.json()["id"])
        assert dialogue.vote(r.json()["id"], 1).status_code == 201
    assert sorted(seen) == sorted(dialogue.statements)
    assert c.get(dialogue.url("/next"), headers=dialogue.p()).status_code == 204
    assert c.get(dialogue.url("/next"), headers=dialogue.p(1)).status_code == 200


def test_next_skips_rejected_and_strictly_pending(dialogue):
    c = dialogue.client
    for sid in dialogue.statements[1:]:
        c.patch(dialogue.url(f"/statements/{sid}"), headers=dialogue.f,
                json={"moderation": "rejected"})
    c.patch(dialogue.url(), headers=dialogue.f, json={"strict_moderation": True})
    c.post(dialogue.url("/statements"), headers=dialogue.p(1), json={"text": "wacht"})
    for _ in range(5):
        r = c.get(dialogue.url("/next"), headers=dialogue.p())
        assert r.json()["id"] == dialogue.statements[0]
    dialogue.vote(dialogue.statements[0], 0)
    assert c.get(dialogue.url("/next"), headers=dialogue.p()).status_code == 204


def test_next_needs_a_participant_token(dialogue):
    c = dialogue.client
    assert c.get(dialogue.url("/next")).status_code == 401
    assert c.get(dialogue.url("/next"), headers=dialogue.f).status_code == 403


def test_next_follows_the_snapshot_priorities(dialogue):
    """A statement with a huge priority in the latest snapshot is nearly always chosen."""
    c = dialogue.client
    service = c.app.state.service
    for sid in dialogue.statements:
        dialogue.vote(sid, 1, i=1)
    assert service.scheduler.wait_idle()
    snapshot = service.scheduler.run_once(dialogue.id)
    assert set(snapshot.priorities) == {str(s) for s in dialogue.statements}
    from sqlmodel import Session as S

    from meedenken.models.tables import AnalysisSnapshot

    with S(service.engine) as session:
        row = session.get(AnalysisSnapshot, snapshot.id)
        favourite = dialogue.statements[3]
        row.priorities = {**{str(s): 1e-9 for s in dialogue.statements}, str(favourite): 1e9}
        session.add(row)
        session.commit()
    picks = [c.get(dialogue.url("/next"), headers=dialogue.p()).json()["id"] for _ in range(10)]
    assert picks == [favourite] * 10

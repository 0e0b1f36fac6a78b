"""Statements: seeds, submissions, near-duplicates, bulk all-or-nothing, moderation."""

from __future__ import annotations

from meedenken.models.tables import MAX_STATEMENT_LENGTH

from .helpers import make_dialogue


def test_seed_is_accepted_and_submission_pending(dialogue):
    c = dialogue.client
    r = c.post(dialogue.url("/statements"), headers=dialogue.f, json={"text": "  Nieuwe seed  "})
    assert r.status_code == 201
    seed = r.json()["statement"]
    assert seed["text"] == "Nieuwe seed" and seed["is_seed"] and seed["moderation"] == "accepted"
    assert seed["author_id"] is None
    r = c.post(dialogue.url("/statements"), headers=dialogue.p(), json={"text": "Mijn idee"})
    assert r.status_code == 201
    mine = r.json()["statement"]
    assert mine["moderation"] == "pending" and not mine["is_seed"]
    assert mine["author_id"] is not None


def test_submission_returns_near_duplicates(dialogue):
    r = dialogue.client.post(dialogue.url("/statements"), headers=dialogue.p(),
                             json={"text": "De wachttijden voor de GGZ zijn veel te lang"})
    similar = r.json()["similar"]
    assert similar, "the GGZ seed should be found"
    assert similar[0]["text"] == "De wachttijd voor de GGZ is te lang."
    assert all(s["is_duplicate"] is True for s in similar)  # only real near-duplicates
    assert len(similar) <= 3


def test_bad_text_is_422(dialogue):
    c = dialogue.client
    for body in ({"text": ""}, {"text": "   \n\t "}, {"text": "x" * (MAX_STATEMENT_LENGTH + 1)},
                 {}, {"text": 12}, {"text": None}):
        r = c.post(dialogue.url("/statements"), headers=dialogue.p(), json=body)
        assert r.status_code == 422, body
        assert r.json()["detail"]
    r = c.post(dialogue.url("/statements"), headers=dialogue.p(),
               json={"text": "x" * MAX_STATEMENT_LENGTH})
    assert r.status_code == 201
    r = c.post(dialogue.url("/statements"), headers=dialogue.p(), content=b"{not json",
               )
    assert r.status_code == 422


def test_statement_needs_a_token_of_this_conversation(dialogue):
    c = dialogue.client
    other = make_dialogue(c, participants=1)
    assert c.post(dialogue.url("/statements"), json={"text": "x"}).status_code == 401
    r = c.post(dialogue.url("/statements"), headers=other.p(), json={"text": "x"})
    assert r.status_code == 403


def test_bulk_is_all_or_nothing(dialogue):
    c = dialogue.client
    before = c.get(dialogue.url("/statements"), headers=dialogue.f).json()["count"]
    r = c.post(dialogue.url("/statements/bulk"), headers=dialogue.f,
               json={"statements": [{"text": "goed"}, {"text": ""}, {"text": "ook goed"}]})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-3:] == ["statements", 1, "text"]
    assert c.post(dialogue.url("/statements/bulk"), headers=dialogue.f,
                  json={"statements": []}).status_code == 422
    assert c.get(dialogue.url("/statements"), headers=dialogue.f).json()["count"] == before
    r = c.post(dialogue.url("/statements/bulk"), headers=dialogue.f,
               json={"statements": [{"text": f"stelling {i}"} for i in range(20)]})
    assert r.status_code == 201 and r.json()["count"] == 20
    assert c.get(dialogue.url("/statements"), headers=dialogue.f).json()["count"] == before + 20


def test_participant_statements_can_be_switched_off(dialogue):
    c = dialogue.client
    c.patch(dialogue.url(), headers=dialogue.f, json={"participant_statements": False})
    r = c.post(dialogue.url("/statements"), headers=dialogue.p(), json={"text": "Mag dit?"})
    assert r.status_code == 403 and "participants' statements" in r.json()["detail"]
    assert c.post(dialogue.url("/statements"), headers=dialogue.f,
                  json={"text": "Seed mag wel"}).status_code == 201


def test_closed_conversation_takes_no_submissions(dialogue):
    c = dialogue.client
    c.patch(dialogue.url(), headers=dialogue.f, json={"is_open": False})
    r = c.post(dialogue.url("/statements"), headers=dialogue.p(), json={"text": "Te laat"})
    assert r.status_code == 409 and "closed" in r.json()["detail"]


def test_moderation(dialogue):
    c = dialogue.client
    sid = dialogue.statements[0]
    r = c.patch(dialogue.url(f"/statements/{sid}"), headers=dialogue.f,
                json={"moderation": "rejected"})
    assert r.status_code == 200 and r.json()["moderation"] == "rejected"
    public = c.get(dialogue.url("/statements")).json()
    assert sid not in [s["id"] for s in public["data"]]
    everything = c.get(dialogue.url("/statements"), headers=dialogue.f).json()
    assert sid in [s["id"] for s in everything["data"]]
    rejected = c.get(dialogue.url("/statements?moderation=rejected"), headers=dialogue.f).json()
    assert [s["id"] for s in rejected["data"]] == [sid]
    assert c.get(dialogue.url("/statements?moderation=rejected"),
                 headers=dialogue.p()).status_code == 403
    r = c.patch(dialogue.url(f"/statements/{dialogue.statements[1]}"), headers=dialogue.f,
                json={"is_meta": True})
    assert r.json()["is_meta"] and r.json()["moderation"] == "accepted"
    for body in ({"moderation": "maybe"}, {"is_meta": "often"}):
        assert c.patch(dialogue.url(f"/statements/{sid}"), headers=dialogue.f,
                       json=body).status_code == 422


def test_moderating_another_conversations_statement_is_404(dialogue):
    c = dialogue.client
    other = make_dialogue(c, participants=0)
    r = c.patch(dialogue.url(f"/statements/{other.statements[0]}"), headers=dialogue.f,
                json={"moderation": "rejected"})
    assert r.status_code == 404
    r = c.patch(dialogue.url("/statements/99999999"), headers=dialogue.f,
                json={"moderation": "rejected"})
    assert r.status_code == 404


def test_strict_moderation_hides_pending_statements(dialogue):
    c = dialogue.client
    c.patch(dialogue.url(), headers=dialogue.f, json={"strict_moderation": True})
    sid = c.post(dialogue.url("/statements"), headers=dialogue.p(),
                 json={"text": "Nog niet gemodereerd"}).json()["statement"]["id"]
    assert sid not in [s["id"] for s in c.get(dialogue.url("/statements")).json()["data"]]
    r = dialogue.vote(sid, 1, i=1)
    assert r.status_code == 409 and "moderation" in r.json()["detail"]
    c.patch(dialogue.url(f"/statements/{sid}"), headers=dialogue.f,
            json={"moderation": "accepted"})
    assert dialogue.vote(sid, 1, i=1).status_code == 201


def test_near_duplicate_is_flagged_by_embeddings(dialogue):
    """The embedding check (default on) flags a paraphrase and does not flag an unrelated text."""
    c = dialogue.client
    r = c.post(dialogue.url("/statements"), headers=dialogue.p(),
               json={"text": "De wachttijd voor de GGZ is echt te lang."})
    first = r.json()["similar"][0]
    assert first["text"] == "De wachttijd voor de GGZ is te lang."
    assert first["is_duplicate"] is True
    # An unrelated statement gets no suggestion at all (issue 17: only real near-duplicates).
    r = c.post(dialogue.url("/statements"), headers=dialogue.p(),
               json={"text": "De bibliotheek moet langer open blijven."})
    assert r.json()["similar"] == []


def test_tfidf_fallback_ranks_but_flags_nothing():
    from meedenken.api.live.similarity import check_similar

    hits = check_similar(["De huisarts is slecht bereikbaar", "Meer groen in de wijk"],
                         "Mijn huisarts is slecht bereikbaar", use_embeddings=False)
    assert hits[0].index == 0 and hits[0].is_duplicate is None

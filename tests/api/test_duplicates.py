"""Issue 17, item 4: the duplicate check before submitting or seeding, the moderation queue's
duplicate marks, one-click merge; item 5: the topics route."""

from __future__ import annotations


def test_check_reports_duplicates_against_visible_statements_and_among_the_texts(dialogue):
    c = dialogue.client
    texts = ["De wachttijden voor de GGZ zijn echt veel te lang.",
             "Er moet een nieuw zwembad in de wijk komen.",
             "In onze wijk moet een nieuw zwembad komen.",
             "De bibliotheek moet op zondag open zijn."]
    r = c.post(dialogue.url("/statements/check"), headers=dialogue.f,
               json={"texts": [{"text": t} for t in texts]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["checked"] is True and len(body["duplicates"]) == 4
    ggz = body["duplicates"][0]
    assert [m["text"] for m in ggz] == ["De wachttijd voor de GGZ is te lang."]
    assert ggz[0]["id"] == dialogue.statements[4] and ggz[0]["text_index"] is None
    assert body["duplicates"][1] == []
    assert [(m["id"], m["text_index"]) for m in body["duplicates"][2]] == [(None, 1)]
    assert body["duplicates"][3] == []
    # nothing was stored
    assert c.get(dialogue.url("/statements"), headers=dialogue.f).json()["count"] == 5


def test_check_takes_participants_and_refuses_bad_input(dialogue):
    c = dialogue.client
    r = c.post(dialogue.url("/statements/check"), headers=dialogue.p(),
               json={"texts": [{"text": "Het eigen risico moet omlaag."}]})
    assert r.status_code == 200 and r.json()["duplicates"] == [[]]
    for body in ({"texts": []}, {"texts": [{"text": "  "}]}, {}, {"texts": "tekst"}):
        assert c.post(dialogue.url("/statements/check"), headers=dialogue.f,
                      json=body).status_code == 422, body
    assert c.post(dialogue.url("/statements/check"),
                  json={"texts": [{"text": "x"}]}).status_code == 401


def test_seeds_are_checked_before_their_conversation_exists(dialogue):
    """Issue 17, item 4: the set-up page (/new) shows the seeds' near-duplicates among
    themselves before saving; there is no conversation and no token yet."""
    c = dialogue.client
    texts = ["Er moet een nieuw zwembad in de wijk komen.",
             "De bibliotheek moet op zondag open zijn.",
             "In onze wijk moet een nieuw zwembad komen.",
             "Er moet geen nieuw zwembad in de wijk komen."]
    r = c.post("/statements/check", json={"texts": [{"text": t} for t in texts]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["checked"] is True
    assert body["duplicates"][0] == [] and body["duplicates"][1] == []
    assert [(m["id"], m["text_index"]) for m in body["duplicates"][2]] == [(None, 0)]
    assert body["duplicates"][3] == []  # the opposite is not the same seed
    for bad in ({"texts": []}, {"texts": [{"text": " "}]}, {}, {"texts": "tekst"}):
        assert c.post("/statements/check", json=bad).status_code == 422, bad
    too_many = {"texts": [{"text": f"stelling {i}"} for i in range(501)]}
    assert c.post("/statements/check", json=too_many).status_code == 422


def test_opposite_is_not_shown_as_the_same_statement(dialogue):
    r = dialogue.client.post(dialogue.url("/statements/check"), headers=dialogue.p(),
                             json={"texts": [{"text": "Er moet minder geld naar de thuiszorg."}]})
    assert r.json()["duplicates"] == [[]]


def test_queue_marks_duplicates_and_merge_rejects_in_one_click(dialogue):
    c = dialogue.client
    dup = c.post(dialogue.url("/statements"), headers=dialogue.p(),
                 json={"text": "De wachttijd voor de GGZ is echt veel te lang."}).json()
    other = c.post(dialogue.url("/statements"), headers=dialogue.p(1),
                   json={"text": "De bibliotheek moet op zondag open zijn."}).json()
    assert dup["similar"] and dup["similar"][0]["is_duplicate"] is True
    assert other["similar"] == []
    queue = c.get(dialogue.url("/statements/duplicates"), headers=dialogue.f)
    assert queue.status_code == 200
    marks = {d["statement_id"]: d["duplicates"] for d in queue.json()["data"]}
    dup_id, other_id = dup["statement"]["id"], other["statement"]["id"]
    assert [m["id"] for m in marks[dup_id]] == [dialogue.statements[4]]
    assert other_id not in marks
    assert c.get(dialogue.url("/statements/duplicates"), headers=dialogue.p()).status_code == 403
    r = c.post(dialogue.url(f"/statements/{dup_id}/merge"), headers=dialogue.f,
               json={"into": dialogue.statements[4]})
    assert r.status_code == 200, r.text
    assert r.json()["statement"]["moderation"] == "rejected"
    assert r.json()["merged_into"]["id"] == dialogue.statements[4]
    assert r.json()["statement"]["merged_into_id"] == dialogue.statements[4]
    pending = c.get(dialogue.url("/statements?moderation=pending"), headers=dialogue.f).json()
    assert [s["id"] for s in pending["data"]] == [other_id]


def test_a_merge_is_stored_as_a_pointer_that_follows_the_kept_statement(dialogue):
    """Issue 17: merged statement -> kept statement, so votes and reports can follow it; merging
    the kept one later moves the pointer on; accepting a merged one again undoes its merge."""
    c = dialogue.client
    first, middle, last = dialogue.statements[0], dialogue.statements[1], dialogue.statements[2]
    assert c.post(dialogue.url(f"/statements/{first}/merge"), headers=dialogue.f,
                  json={"into": middle}).status_code == 200
    assert c.post(dialogue.url(f"/statements/{middle}/merge"), headers=dialogue.f,
                  json={"into": last}).status_code == 200
    rows = {s["id"]: s for s in
            c.get(dialogue.url("/statements"), headers=dialogue.f).json()["data"]}
    assert rows[first]["merged_into_id"] == last and rows[middle]["merged_into_id"] == last
    assert rows[last]["merged_into_id"] is None
    r = c.patch(dialogue.url(f"/statements/{first}"), headers=dialogue.f,
                json={"moderation": "accepted"})
    assert r.status_code == 200 and r.json()["merged_into_id"] is None


def test_merge_refuses_bad_ids_with_clear_4xx(dialogue):
    c = dialogue.client
    sid = dialogue.statements[0]
    url = dialogue.url(f"/statements/{sid}/merge")
    assert c.post(url, headers=dialogue.f, json={"into": sid}).status_code == 422
    assert c.post(url, headers=dialogue.f, json={"into": 999999}).status_code == 404
    assert c.post(url, headers=dialogue.f, json={"into": 0}).status_code == 422
    assert c.post(url, headers=dialogue.f, json={}).status_code == 422
    assert c.post(dialogue.url("/statements/999999/merge"), headers=dialogue.f,
                  json={"into": sid}).status_code == 404
    assert c.post(url, headers=dialogue.p(), json={"into": dialogue.statements[1]}
                  ).status_code == 403
    c.patch(dialogue.url(f"/statements/{dialogue.statements[1]}"), headers=dialogue.f,
            json={"moderation": "rejected"})
    assert c.post(url, headers=dialogue.f, json={"into": dialogue.statements[1]}
                  ).status_code == 409
    statuses = {s["id"]: s["moderation"] for s in
                c.get(dialogue.url("/statements"), headers=dialogue.f).json()["data"]}
    assert statuses[sid] == "accepted"  # nothing changed by the refused merges


def test_topics_route_lists_keywords_of_the_visible_statements(dialogue):
    r = dialogue.client.get(dialogue.url("/topics"), headers=dialogue.f)
    assert r.status_code == 200
    body = r.json()
    assert body["checked"] is True
    ids = sorted(i for t in body["data"] for i in t["statement_ids"])
    assert ids == sorted(dialogue.statements)
    assert all(t["size"] == len(t["statement_ids"]) for t in body["data"])

"""Dialogues in rounds (issue 21): a three-round trajectory through the API, on SQLite and
PostgreSQL, with every count of ``GET /process`` checked against a hand count."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .helpers import bearer, make_dialogue

AGES = ("65-74", "18-29")


def _role(i: int) -> str:
    return "professional" if i % 3 == 2 else "resident"


def _post(client: TestClient, url: str, token: str | None = None, **body: object) -> dict:
    r = client.post(url, json=body, headers=bearer(token) if token else {})
    assert r.status_code == 201, r.text
    return r.json()


def _vote(client: TestClient, cid: int, token: str, sid: int, value: int) -> None:
    r = client.post(f"/conversations/{cid}/votes", headers=bearer(token),
                    json={"statement_id": sid, "vote": value})
    assert r.status_code == 201, r.text


def test_three_rounds(client: TestClient) -> None:
    # ---- round 1: 60 people; 20 joined with an xid; five seeds
    d = make_dialogue(client, participants=0)
    r1, f = d.id, d.facilitator
    s = d.statements
    tokens1 = []
    for i in range(60):
        body = {"role": _role(i), "demographics": {"age": AGES[i % 2]}}
        if i < 20:
            body["xid"] = f"inw-{i}"
        tokens1.append(_post(client, f"/conversations/{r1}/participants", **body)["token"])
        votes = [1 if i < 36 else -1, 1 if i % 2 == 0 else -1, 0 if i % 5 == 0 else 1, -1, 1]
        for sid, value in zip(s, votes, strict=True):
            _vote(client, r1, tokens1[i], sid, value)

    # ---- round 2: carries s0, s1, s2 and adds one statement
    made = _post(client, f"/conversations/{r1}/rounds", f, topic="Ronde 2",
                 carry=s[:3], statements=[{"text": "Een nieuwe stelling voor ronde 2."}])
    r2 = made["id"]
    assert made["round"] == 2 and made["previous_id"] == r1
    assert [p["from_id"] for p in made["carried"]] == s[:3]
    s2 = [p["id"] for p in made["carried"]]
    conv2 = client.get(f"/conversations/{r2}").json()
    assert conv2["topic"] == "Ronde 2" and conv2["language"] == "nl" and conv2["is_open"]
    assert client.get(f"/conversations/{r2}/trajectory").json() == {
        "round": 2, "earlier": [{"id": r1, "round": 1}]}

    tokens2 = {}
    for i in range(40):  # 40 come back: 0..19 by their xid, 20..39 with their stored token
        body = {"xid": f"inw-{i}"} if i < 20 else {"returning_token": tokens1[i]}
        joined = _post(client, f"/conversations/{r2}/participants", **body)
        assert joined["returning"] is True
        tokens2[i] = joined["token"]
    new2 = []
    for j in range(20):  # 20 new people (one manager)
        joined = _post(client, f"/conversations/{r2}/participants",
                       role="manager" if j == 19 else "resident")
        assert joined["returning"] is False
        new2.append(joined["token"])
    for i, token in tokens2.items():
        first = (-1 if i % 4 == 0 else 1) if i < 36 else 1
        for sid, value in zip(s2, [first, 1 if i % 2 == 0 else -1, 1], strict=True):
            _vote(client, r2, token, sid, value)
    for token in new2:
        for sid, value in zip(s2, [1, -1, 0], strict=True):
            _vote(client, r2, token, sid, value)

    # ---- round 3 from round 2: carries s0' and s1'; the round-1 facilitator token opens it
    made3 = _post(client, f"/conversations/{r2}/rounds", f, carry=s2[:2])
    r3 = made3["id"]
    assert made3["round"] == 3
    s3 = [p["id"] for p in made3["carried"]]
    tokens3 = []
    for i in range(20):  # round-2 returners, with their round-2 token
        tokens3.append(_post(client, f"/conversations/{r3}/participants",
                             returning_token=tokens2[i])["token"])
    for j in range(10):  # round-2 newcomers
        tokens3.append(_post(client, f"/conversations/{r3}/participants",
                             returning_token=new2[j])["token"])
    skipped = _post(client, f"/conversations/{r3}/participants", returning_token=tokens1[50])
    assert skipped["returning"] is True  # round 1, not round 2: still one person
    tokens3.append(skipped["token"])
    for _ in range(5):
        tokens3.append(_post(client, f"/conversations/{r3}/participants")["token"])
    for token in tokens3:
        _vote(client, r3, token, s3[0], -1)

    # ---- the process, asked of round 3 with the round-1 token
    r = client.get(f"/conversations/{r3}/process", headers=bearer(f))
    assert r.status_code == 200, r.text
    p = r.json()
    assert [(x["id"], x["round"], x["participants"], x["returning"], x["new"], x["votes"])
            for x in p["rounds"]] == [(r1, 1, 60, 0, 60, 300), (r2, 2, 60, 40, 20, 180),
                                      (r3, 3, 36, 31, 5, 36)]
    carried = {c["origin_id"]: c for c in p["carried"]}
    assert set(carried) == set(s[:3])
    c0 = carried[s[0]]
    assert c0["ids"] == {"1": s[0], "2": s2[0], "3": s3[0]}
    votes = [x["votes"] for x in c0["rounds"]]
    # round 1: 0..35 agree; round 2: returners 0..35 agree except the nine i % 4 == 0,
    # 36..39 now agree, 20 newcomers agree; round 3: all 36 disagree.
    assert votes == [{"agree": 36, "disagree": 24, "pass": 0},
                     {"agree": 51, "disagree": 9, "pass": 0},
                     {"agree": 0, "disagree": 36, "pass": 0}]
    # by role, round 1: residents are i % 3 != 2
    assert c0["rounds"][0]["by_role"] == {
        "resident": {"agree": 24, "disagree": 16, "pass": 0},
        "professional": {"agree": 12, "disagree": 8, "pass": 0}}
    # round 2: the manager (one person) is left out; returners kept their role. Professionals
    # back: 2, 5, ..., 38 (13), of whom 8, 20, 32 now disagree; residents back: 27, of whom
    # 9 - 3 = 6 disagree; 19 resident newcomers agree.
    assert c0["rounds"][1]["by_role"] == {
        "resident": {"agree": 21 + 19, "disagree": 6, "pass": 0},
        "professional": {"agree": 10, "disagree": 3, "pass": 0}}
    for entry in c0["rounds"]:
        for cell in entry["by_group"].values():
            assert sum(cell.values()) >= p["min_cell_size"]
    one_two, two_three = c0["shifts"]
    assert (one_two["from_round"], one_two["to_round"], one_two["n_pairs"]) == (1, 2, 40)
    assert one_two["transitions"] == {
        "agree": {"agree": 27, "disagree": 9, "pass": 0},
        "disagree": {"agree": 4, "disagree": 0, "pass": 0},
        "pass": {"agree": 0, "disagree": 0, "pass": 0}}
    assert (one_two["changed"], one_two["to_agree"], one_two["to_disagree"]) == (13, 4, 9)
    assert one_two["agree_before"] == 0.9 and one_two["agree_after"] == round(31 / 40, 4)
    assert one_two["agree_change_low"] < one_two["agree_change"] < one_two["agree_change_high"]
    # 2 -> 3: the 30 who voted in both (the round-1 person back in round 3 skipped round 2)
    assert (two_three["n_pairs"], two_three["changed"], two_three["to_disagree"]) == (30, 25, 25)
    c2 = carried[s[2]]
    assert [x["votes"]["pass"] for x in c2["rounds"]] == [12, 20]
    assert c2["shifts"][0]["transitions"]["pass"]["agree"] == 8  # i % 5 == 0 among 0..39

    ret12, ret23 = p["retention"]
    assert ret12["overall"] == {"before": 60, "returned": 40}
    assert ret12["by_role"] == {"professional": {"before": 20, "returned": 13},
                                "resident": {"before": 40, "returned": 27}}
    assert ret12["by_question"] == {"age": {"18-29": {"before": 30, "returned": 20},
                                            "65-74": {"before": 30, "returned": 20}}}
    assert ret23["overall"] == {"before": 60, "returned": 30}
    # the one manager is hidden, and so is the next smallest cell (else total - shown = 1)
    assert ret23["by_role"] == {"manager": {"before": None, "returned": None},
                                "professional": {"before": None, "returned": None},
                                "resident": {"before": 46, "returned": 24}}
    assert ret23["by_question"] == {"age": {"18-29": {"before": 20, "returned": 10},
                                            "65-74": {"before": 20, "returned": 10}}}

    # the same answer from any round, with any round's facilitator token
    again = client.get(f"/conversations/{r1}/process", headers=bearer(f)).json()
    assert again["rounds"] == p["rounds"] and again["retention"] == p["retention"]

    # ---- the returning resident's own view: round 1's vote beside the group's
    mine = client.get(f"/conversations/{r2}/participants/me/rounds",
                      headers=bearer(tokens2[36])).json()
    assert mine["returning"] is True and mine["round"] == 2
    first = mine["items"][0]
    assert (first["statement_id"], first["round"], first["your_vote"], first["your_vote_now"]) \
        == (s2[0], 1, -1, 1)
    assert first["then"] == {"voters": 60, "agree": 0.6, "disagree": 0.4, "pass": 0.0}
    assert client.get(f"/conversations/{r2}/participants/me/rounds",
                      headers=bearer(new2[0])).json() == {"returning": False, "round": 2,
                                                          "items": [],
                                                          "earlier_votes_hidden": False}
    # recognised by an xid anyone could send (no invitation list): counted as returning, but
    # their earlier votes are not shown to whoever sent it
    by_xid = client.get(f"/conversations/{r2}/participants/me/rounds",
                        headers=bearer(tokens2[0])).json()
    assert by_xid == {"returning": True, "round": 2, "items": [], "earlier_votes_hidden": True}

    # ---- the map of later rounds in round 1's coordinates
    m = client.get(f"/conversations/{r3}/process/map", headers=bearer(f)).json()
    assert m["statements"] == s[:3] and [x["round"] for x in m["rounds"]] == [1, 2, 3]
    assert [len(x["points"]) for x in m["rounds"]] == [60, 60, 36]
    persons = [{pt["person"] for pt in x["points"] if pt["person"] is not None}
               for x in m["rounds"]]
    assert len(persons[0] & persons[1]) == 40 and len(persons[1] & persons[2]) == 30

    # ---- access: a participant token or another facilitator gets nothing
    assert client.get(f"/conversations/{r3}/process",
                      headers=bearer(tokens3[0])).status_code == 403
    other = make_dialogue(client, participants=0)
    assert client.get(f"/conversations/{r3}/process",
                      headers=bearer(other.facilitator)).status_code == 403
    assert client.post(f"/conversations/{r3}/rounds", json={},
                       headers=bearer(other.facilitator)).status_code == 403

    # ---- deleting the trajectory deletes every round
    assert client.delete(f"/conversations/{r2}/trajectory", headers=bearer(f)).status_code == 204
    for cid in (r1, r2, r3):
        assert client.get(f"/conversations/{cid}").status_code == 404
    assert client.get(f"/conversations/{other.id}").status_code == 200

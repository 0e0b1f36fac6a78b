"""Issue 21, item 1, the close-out audit: the default carry (common ground and the most
divisive statements, shown to the facilitator to edit), what a new round inherits, and the
trajectory's facilitator token and recovery code on every round."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from meedenken.models.tables import AnalysisSnapshot

from .helpers import Dialogue, bearer, make_dialogue


def _snapshot(client: TestClient, cid: int, groups: dict[int, int], common: list[int]) -> None:
    """Store an analysis of our own (a newer version than any the service made), so the test
    does not depend on the engine's grouping: ``groups`` participant -> opinion group, and a
    bridging list that names only the common ground (as a list cut off at its top entries
    would leave the divisive statements out)."""
    service = client.app.state.service  # type: ignore[attr-defined]
    assert service.scheduler.wait_idle()
    with Session(service.engine) as session:
        newest = session.exec(select(func.max(AnalysisSnapshot.version)).where(
            AnalysisSnapshot.conversation_id == cid)).one() or 0
        session.add(AnalysisSnapshot(conversation_id=cid, version=newest + 1, result={
            "coordinates": [{"id": p, "x": 0.0, "y": 0.0, "group": g} for p, g in groups.items()],
            "bridging": [{"statement_id": s, "is_bridging": True, "polarization": 0.0}
                         for s in common]}))
        session.commit()


def _two_camps(client: TestClient) -> tuple[Dialogue, dict[int, int]]:
    """12 people in two opinion groups of 6; per seed statement how far apart the groups are:
    s0 everyone agrees (common ground), s1 1.0, s2 0.5, s3 0.0, s4 1/3."""
    d = make_dialogue(client, participants=0)
    s = d.statements
    groups = {}
    for i in range(12):
        joined = client.post(d.url("/participants"), json={}).json()
        d.tokens.append(joined["token"])
        pid = joined["id"]
        g = i % 2
        groups[pid] = g
        k = i // 2  # 0..5 within the group
        votes = {s[0]: 1, s[1]: 1 if g == 0 else -1,
                 s[2]: 1 if g == 0 or k < 3 else -1, s[3]: -1,
                 s[4]: 1 if g == 0 or k < 4 else 0}
        for sid, value in votes.items():
            assert d.vote(sid, value, i).status_code == 201
    return d, groups


def test_default_carry_is_common_ground_and_the_most_divisive(client: TestClient) -> None:
    d, groups = _two_camps(client)
    s = d.statements
    _snapshot(client, d.id, groups, common=[s[0]])
    r = client.get(d.url("/rounds/carry"), headers=d.f)
    assert r.status_code == 200, r.text
    proposal = r.json()
    # the three most divisive besides the common ground, though the analysis's list (cut off)
    # named only the common ground
    assert proposal["carry"] == [s[0], s[1], s[2], s[4]]
    listed = {c["id"]: c for c in proposal["statements"]}
    assert [c["id"] for c in proposal["statements"]] == [s[1], s[2], s[4], s[0], s[3]]
    assert listed[s[0]]["common_ground"] and not listed[s[1]]["common_ground"]
    assert (listed[s[1]]["divisiveness"], listed[s[2]]["divisiveness"],
            listed[s[3]]["divisiveness"]) == (1.0, 0.5, 0.0)
    assert [listed[x]["proposed"] for x in s] == [True, True, True, False, True]
    # only the facilitator sees it
    assert client.get(d.url("/rounds/carry"), headers=d.p(0)).status_code == 403
    assert client.get(d.url("/rounds/carry")).status_code == 401
    # POST /rounds without carry asks exactly these again; an edited list is taken as sent
    made = client.post(d.url("/rounds"), headers=d.f, json={})
    assert made.status_code == 201, made.text
    assert [p["from_id"] for p in made.json()["carried"]] == proposal["carry"]


def test_merged_statements_are_not_carried(client: TestClient) -> None:
    d = make_dialogue(client)
    s = d.statements
    r = client.post(d.url(f"/statements/{s[1]}/merge"), headers=d.f, json={"into": s[2]})
    assert r.status_code == 200, r.text
    r = client.post(d.url("/rounds"), headers=d.f, json={"carry": [s[1]]})
    assert r.status_code == 422 and f"merged into statement {s[2]}" in r.text
    assert client.get(d.url("/trajectory")).json()["round"] == 1
    proposal = client.get(d.url("/rounds/carry"), headers=d.f).json()
    assert s[1] not in [c["id"] for c in proposal["statements"]]
    assert client.post(d.url("/rounds"), headers=d.f, json={"carry": [s[2]]}).status_code == 201


def test_a_new_round_inherits_every_setting(client: TestClient) -> None:
    settings = {"language": "en", "participant_statements": False, "strict_moderation": True,
                "max_groups": 3, "results_visible": False, "join_questions": ["role", "age"],
                "organiser": "Gemeente Zoetermeer", "contact": "zorg@example.nl",
                "privacy_purpose": "Advies over spoedzorg.", "privacy_retention": "Een jaar."}
    d = make_dialogue(client, **settings)
    assert client.put(d.url("/reference"), headers=d.f, json={"attributes": {
        "age": {"18-44": 0.4, "45+": 0.6}}}).status_code in (200, 201)
    assert client.put(d.url("/xids"), headers=d.f,
                      json={"xids": ["inw-1", "inw-2"], "required": True}).status_code == 200
    assert client.put(d.url("/retention"), headers=d.f,
                      json={"retention_days": 30}).status_code == 200
    made = client.post(d.url("/rounds"), headers=d.f,
                       json={"topic": "Ronde 2", "carry": d.statements[:1]}).json()
    r2 = made["id"]
    first, second = (client.get(f"/conversations/{c}").json() for c in (d.id, r2))
    for name, value in settings.items():
        assert second[name] == value == first[name], name
    assert second["topic"] == "Ronde 2" and second["description"] == first["description"]
    f2 = {"Authorization": d.f["Authorization"]}
    assert client.get(f"/conversations/{r2}/reference", headers=f2).json()["attributes"] == \
        {"age": {"18-44": 0.4, "45+": 0.6}}
    assert client.get(f"/conversations/{r2}/xids", headers=f2).json() == {"required": True,
                                                                          "count": 2}
    assert client.get(f"/conversations/{r2}/retention",
                      headers=f2).json()["retention_days"] == 30
    # the invitation list holds: without a listed xid nobody joins round 2
    assert client.post(f"/conversations/{r2}/participants", json={}).status_code == 403
    assert client.post(f"/conversations/{r2}/participants",
                       json={"xid": "inw-1"}).status_code == 201


def test_one_facilitator_token_and_recovery_code_for_every_round(client: TestClient) -> None:
    made = client.post("/conversations", json={"topic": "Pool"}).json()
    r1, token, code = made["id"], made["facilitator_token"], made["recovery_code"]
    r2 = client.post(f"/conversations/{r1}/rounds", headers=bearer(token), json={}).json()["id"]
    r3 = client.post(f"/conversations/{r2}/rounds", headers=bearer(token), json={}).json()["id"]

    def opens(t: str) -> list[bool]:
        return [client.get(f"/conversations/{c}/process", headers=bearer(t)).status_code == 200
                for c in (r1, r2, r3)]

    # "Nieuw token maken" on round 2's dashboard: the token used stops working everywhere
    rotated = client.post(f"/conversations/{r2}/facilitator-token", headers=bearer(token))
    assert rotated.status_code == 200
    new = rotated.json()["facilitator_token"]
    assert opens(token) == [False] * 3 and opens(new) == [True] * 3
    # "Token kwijt?" on round 3 with the code shown when round 1 was made
    recovered = client.post(f"/conversations/{r3}/facilitator-token/recover",
                            json={"recovery_code": code})
    assert recovered.status_code == 200, recovered.text
    again = recovered.json()
    assert opens(new) == [False] * 3 and opens(again["facilitator_token"]) == [True] * 3
    for c in (r1, r2, r3):  # the code was used once, on every round
        assert client.post(f"/conversations/{c}/facilitator-token/recover",
                           json={"recovery_code": code}).status_code == 403
    # deleting round 1 keeps the facilitator in rounds 2 and 3 (token and code pass on)
    latest = again["facilitator_token"]
    assert client.delete(f"/conversations/{r1}", headers=bearer(latest)).status_code == 204
    assert [client.get(f"/conversations/{c}/process", headers=bearer(latest)).status_code
            for c in (r2, r3)] == [200, 200]
    back = client.post(f"/conversations/{r3}/facilitator-token/recover",
                       json={"recovery_code": again["recovery_code"]})
    assert back.status_code == 200
    assert client.get(f"/conversations/{r2}/process",
                      headers=bearer(back.json()["facilitator_token"])).status_code == 200


def test_snapshot_groups_of_the_newest_snapshot(client: TestClient) -> None:
    """GET /process takes each participant's opinion group from the newest snapshot's JSON,
    the points without a whole-number id or group left out, sorted by participant."""
    from meedenken.api.live.process_cache import snapshot_groups

    d = make_dialogue(client, participants=0)
    coordinates = [{"id": 7, "x": 0.1, "y": 0.2, "group": 1}, {"id": 3, "group": 0},
                   {"id": 9, "group": None}, {"id": "12", "group": 1}, {"x": 1.0},
                   {"id": 5, "group": 2}]
    _snapshot(client, d.id, {}, common=[])
    with Session(client.app.state.service.engine) as session:  # type: ignore[attr-defined]
        newest = session.exec(select(func.max(AnalysisSnapshot.version)).where(
            AnalysisSnapshot.conversation_id == d.id)).one()
        session.add(AnalysisSnapshot(conversation_id=d.id, version=newest + 1,
                                     result={"coordinates": coordinates}))
        session.commit()
        ids, groups = snapshot_groups(session, d.id)
        assert (ids.tolist(), groups.tolist()) == ([3, 5, 7], [0, 2, 1])
        empty = make_dialogue(client, participants=0)
        ids, groups = snapshot_groups(session, empty.id)  # no snapshot yet
        assert (ids.tolist(), groups.tolist()) == ([], [])

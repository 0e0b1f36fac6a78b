"""Issue 18, part B: replays of the attacks that got through (items 3, 4, 7, 8, 9).

Each test replays an attack from the issue; on the code before the fix it fails.
"""

from __future__ import annotations

import io
import json
import zipfile

from fastapi.testclient import TestClient

from meedenken.api.http.app import create_app
from meedenken.api.settings import Settings

from .helpers import make_dialogue


def _wait(client: TestClient) -> None:
    assert client.app.state.service.scheduler.wait_idle()  # type: ignore[attr-defined]


def _lone_elder(client: TestClient, n_common: int = 24, n_rare: int = 1):
    """n_common residents aged 30-50 who disagree with everything, n_rare aged 80+ who agree."""
    d = make_dialogue(client, participants=0)
    for _ in range(n_common):
        d.join(demographics={"age": "30-50"})
    for _ in range(n_rare):
        d.join(demographics={"age": "80+"})
    for i in range(n_common + n_rare):
        for s in d.statements:
            assert d.vote(s, 1 if i >= n_common else -1, i).status_code < 300
    _wait(client)
    return d


ATTACK_REFERENCE = {"attributes": {"age": {"30-50": 0.001, "80+": 0.999}}}


def test_weights_never_rest_on_a_cell_below_k(client: TestClient):
    """Item 3: a reference putting 99.9% on the one person aged 80+ must not read out their
    votes through agree_weighted / disagree_weighted (before: agree_weighted 0.999)."""
    d = _lone_elder(client)
    assert client.put(d.url("/reference"), headers=d.f, json=ATTACK_REFERENCE).status_code == 200
    body = client.get(d.url("/diversity"), headers=d.f).json()
    assert body["weights"]["collapsed"] == {"age": {"80+": "30-50"}}
    assert body["weights"]["effective_sample_size"] > 24
    for row in body["weighted"]:
        assert row["votes"] == 25
        for key in ("agree", "disagree"):
            weighted = row[f"{key}_weighted"]
            # weights all 1 after the collapse: the weighted rate is the plain one (1/25)
            assert weighted is None or abs(weighted - row[key]) < 1e-9, row
    # The export's rows carry votes but no demographics or weights: with the weighted rates
    # safe, nothing ties the one row that agrees with everything to the person aged 80+.
    export = client.get(d.url("/export"), headers=d.f)
    with zipfile.ZipFile(io.BytesIO(export.content)) as archive:
        header = archive.read("participants-votes.csv").decode().splitlines()[0].split(",")
    assert not {"age", "80+", "weight"} & set(header)


def test_weighted_figures_refused_below_the_effective_sample_size_floor(client: TestClient):
    """Item 3: cells at the smallest k the API allows (3) but a reference on them: the
    weighting leans on three voters (n_eff ~3 < floor 5) and every weighted figure is null."""
    d = _lone_elder(client, n_common=22, n_rare=3)
    assert client.put(d.url("/reference"), headers=d.f, json=ATTACK_REFERENCE).status_code == 200
    body = client.get(d.url("/diversity?k=3"), headers=d.f).json()
    assert body["weights"]["effective_sample_size"] < 5
    assert "effective sample size" in body["weights"]["refused"]
    for row in body["weighted"]:
        assert row["agree_weighted"] is None and row["disagree_weighted"] is None
        assert row["group_informed_consensus_weighted"] is None
        assert row["agree"] is not None


def test_xid_with_control_characters_is_refused(client: TestClient):
    """Item 4: the xid that split the export's row at a bare CR is refused at join."""
    d = make_dialogue(client, participants=0)
    for xid in ("resident\r=cmd|' /C calc'!A0", "a\nb", "tab\there", "bell\x07", "nel\x85"):
        r = client.post(d.url("/participants"), json={"xid": xid})
        assert r.status_code == 422, (xid, r.text)
    assert client.post(d.url("/participants"), json={"xid": "bewoner-17"}).status_code == 201


def test_allow_list_does_not_tell_unlisted_from_used(client: TestClient):
    """Item 8: before, an unlisted xid got 403 and a used one 409, so an outsider could test
    who was invited and who took part. Now both get the same answer."""
    d = make_dialogue(client, participants=0)
    assert client.put(d.url("/xids"), headers=d.f,
                      json={"xids": ["inwoner-1", "inwoner-2"]}).status_code == 200
    assert client.post(d.url("/participants"), json={"xid": "inwoner-1"}).status_code == 201
    used = client.post(d.url("/participants"), json={"xid": "inwoner-1"})
    unlisted = client.post(d.url("/participants"), json={"xid": "onbekend"})
    assert (used.status_code, used.json()) == (unlisted.status_code, unlisted.json())
    assert used.status_code == 403


def _room_with_author(client: TestClient, n: int = 15):
    """n participants in three camps of identical votes on every seed; participant 0 writes a
    statement (accepted)."""
    d = make_dialogue(client, participants=0)
    ids = []
    for _ in range(n):
        joined = client.post(d.url("/participants"), json={}).json()
        d.tokens.append(joined["token"])
        ids.append(joined["id"])
    r = client.post(d.url("/statements"), headers=d.p(0),
                    json={"text": "Meer bankjes in het park."})
    assert r.status_code == 201, r.text
    sid = r.json()["statement"]["id"]
    assert client.patch(d.url(f"/statements/{sid}"), headers=d.f,
                        json={"moderation": "accepted"}).status_code == 200
    for i in range(n):
        for j, s in enumerate(d.statements):
            assert d.vote(s, 1 if (i + j) % 3 else -1, i).status_code < 300
    _wait(client)
    return d, sid, ids


def test_statement_author_is_shown_to_the_facilitator_and_the_author_only(client: TestClient):
    """Item 7: GET /statements gave anyone the author's participant id."""
    d, sid, ids = _room_with_author(client)
    author = ids[0]

    def author_seen(headers: dict[str, str]) -> int | None:
        data = client.get(d.url("/statements"), headers=headers).json()["data"]
        return next(s["author_id"] for s in data if s["id"] == sid)

    assert author_seen({}) is None
    assert author_seen(d.p(1)) is None
    assert author_seen(d.p(0)) == author
    assert author_seen(d.f) == author


def test_public_analysis_has_no_participant_ids(client: TestClient):
    """Item 7: two public snapshots around an author's votes gave that author's votes, since
    every participant's id and position was public. Now the public answer has no one's id but
    the caller's own, and the map only as cells of at least k participants."""
    d, _, ids = _room_with_author(client)
    author = ids[0]
    full = client.get(d.url("/analysis"), headers=d.f).json()
    assert author in {p["id"] for p in full["coordinates"]}  # the facilitator sees everyone
    anonymous = client.get(d.url("/analysis")).json()
    assert anonymous["version"] == full["version"] and anonymous["coordinates"] == []
    assert sum(c["count"] for c in anonymous["map_cells"]) <= len(full["coordinates"])
    assert all(c["count"] >= 5 for c in anonymous["map_cells"])
    other = client.get(d.url("/analysis"), headers=d.p(1)).json()
    assert [p["id"] for p in other["coordinates"]] == [ids[1]]
    # The stream's events for anyone but the facilitator are the public answer (no points).
    from meedenken.api.routes.analysis import _latest_text

    service = client.app.state.service  # type: ignore[attr-defined]
    _, public = _latest_text(service, d.id, 0, True)
    _, private = _latest_text(service, d.id, 0, False)
    assert json.loads(public)["coordinates"] == [] and json.loads(public)["map_cells"]
    assert len(json.loads(private)["coordinates"]) == len(full["coordinates"])


def test_qr_code_ignores_a_forged_host_header(settings: Settings):
    """Item 8: the QR code encoded the request's Host header and was cached for an hour, so a
    forged Host could poison a shared cache with a link to the attacker's site."""
    forged = {"Host": "evil.example"}
    with TestClient(create_app(settings)) as client:
        d = make_dialogue(client, participants=0)
        r = client.get(f"/c/{d.id}/qr.svg", headers=forged)
        assert r.status_code == 200
        # without a configured public address the host-derived code is never cached
        assert "max-age" not in r.headers["cache-control"]
        assert "no-store" in r.headers["cache-control"]
    configured = settings.model_copy(update={"public_url": "https://meedenken.example"})
    with TestClient(create_app(configured)) as client:
        d = make_dialogue(client, participants=0)
        r = client.get(f"/c/{d.id}/qr.svg", headers=forged)
        assert f"https://meedenken.example/c/{d.id}" in r.text
        assert "evil.example" not in r.text
        assert "max-age=3600" in r.headers["cache-control"]


def test_conversation_ids_cannot_be_listed(client: TestClient):
    """Item 8: ids 1, 2, 3, ... and a public GET /conversations/{id} let anyone list every
    conversation. Ids are now random in 1 .. 2^31-1: consecutive ones tell nothing."""
    ids = [make_dialogue(client, participants=0).id for _ in range(5)]
    assert len(set(ids)) == 5
    assert max(ids) - min(ids) > 1000  # not a sequence (fails with probability ~1e-20)
    for cid in ids:
        for probe in (cid - 1, cid + 1):
            if probe not in ids:
                assert client.get(f"/conversations/{probe}").status_code == 404


SMALL_GROUP_SNAPSHOT = {
    "version": 1, "created_at": "2025-01-01T00:00:00", "participants": 12, "votes": 24,
    "statements": 1, "polis_compatible": False, "k": 2, "coordinates": [],
    "statement_coordinates": [],
    "groups": [
        {"id": 0, "size": 9, "center": [0.0, 0.0], "representative": []},
        {"id": 1, "size": 3, "center": [1.0, 0.0], "representative": [
            {"statement_id": 5, "text": None, "repful_for": "agree", "n_success": 3,
             "n_trials": 3, "p_success": 0.8, "p_test": 1.7, "repness": 3.0,
             "repness_test": 2.0, "metric": 1.0, "best_agree": False}]}],
    "consensus": {"agree": [], "disagree": []}, "group_informed_consensus": [],
    "participation": {"n_participants": 12, "n_votes": 24, "n_statements": 1,
                      "votes_per_participant_median": 2.0, "participants_by_role": {},
                      "statements": [{"statement_id": 5, "agree": 4, "disagree": 8,
                                      "pass": 0}]},
    "bridging": [{"statement_id": 5, "score": 0.0, "low": -0.1, "high": 0.1,
                  "polarization": 0.5, "group_agree": {"0": 0.1, "1": 1.0}, "role_agree": {},
                  "is_bridging": False, "n_votes": 12, "status": "rejected_by_a_group",
                  "weakest_group": "1", "weakest_group_agree": 1.0, "weakest_group_low": 0.4,
                  "group_support": {"0": 0.1, "1": 1.0},
                  "why_not": {"0": "rejects", "1": "few_votes"}}],
}


def test_public_answer_hides_the_figures_of_groups_below_k(client: TestClient):
    """Item 7, group level: a group of 3 published its members' vote counts (representative
    statements) and agree shares, so two public snapshots around one member's vote showed it.
    The public answer keeps such a group's size, but not its figures; the facilitator keeps all."""
    from sqlmodel import Session

    from meedenken.models.tables import AnalysisSnapshot

    d = make_dialogue(client, participants=0)
    with Session(client.app.state.service.engine) as session:  # type: ignore[attr-defined]
        session.add(AnalysisSnapshot(conversation_id=d.id, version=1,
                                     result=SMALL_GROUP_SNAPSHOT))
        session.commit()
    public = client.get(d.url("/analysis")).json()
    assert [g["size"] for g in public["groups"]] == [9, 3]
    assert public["groups"][1]["representative"] == []
    assert public["groups"][1]["center"] == []  # the centre of 3 nearly places its members
    assert public["groups"][0]["center"] == [0.0, 0.0]
    assert public["bridging"][0]["group_agree"] == {"0": 0.1}
    assert public["bridging"][0]["group_support"] == {"0": 0.1}
    assert public["bridging"][0]["weakest_group"] is None
    assert public["bridging"][0]["why_not"] == {"0": "rejects"}  # not why group 1 holds back
    full = client.get(d.url("/analysis"), headers=d.f).json()
    assert len(full["groups"][1]["representative"]) == 1
    assert full["groups"][1]["center"] == [1.0, 0.0]
    assert full["bridging"][0]["group_agree"] == {"0": 0.1, "1": 1.0}
    assert full["bridging"][0]["why_not"] == {"0": "rejects", "1": "few_votes"}

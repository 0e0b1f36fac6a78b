"""PATCH /conversations/{id}/participants/me: join questions answered after joining."""

from __future__ import annotations

from sqlmodel import Session

from meedenken.models.tables import Participant

from .helpers import Dialogue


def _row(dialogue: Dialogue, token_index: int) -> Participant:
    service = dialogue.client.app.state.service  # type: ignore[attr-defined]
    r = dialogue.client.patch(dialogue.url("/participants/me"), headers=dialogue.p(token_index),
                              json={})
    assert r.status_code == 200, r.text
    with Session(service.engine) as session:
        row = session.get(Participant, r.json()["id"])
        assert row is not None
        return row


def test_answers_are_stored_and_merged(dialogue: Dialogue) -> None:
    url = dialogue.url("/participants/me")
    r = dialogue.client.patch(url, headers=dialogue.p(0),
                              json={"role": "carer", "demographics": {"age": "65-74"}})
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "carer" and r.json()["demographics"] == {"age": "65-74"}
    r = dialogue.client.patch(url, headers=dialogue.p(0), json={"demographics": {"area": "2711"}})
    assert r.json()["demographics"] == {"age": "65-74", "area": "2711"}
    assert r.json()["role"] == "carer"  # left out: unchanged
    r = dialogue.client.patch(url, headers=dialogue.p(0),
                              json={"role": None, "demographics": {"age": None}})
    assert r.json()["role"] is None and r.json()["demographics"] == {"area": "2711"}
    row = _row(dialogue, 0)
    assert row.demographics == {"area": "2711"}
    assert _row(dialogue, 1).demographics is None  # the other participant is untouched


def test_bad_requests(dialogue: Dialogue) -> None:
    url = dialogue.url("/participants/me")
    assert dialogue.client.patch(url, json={"role": "carer"}).status_code == 401
    assert dialogue.client.patch(url, headers=dialogue.f, json={}).status_code == 403
    r = dialogue.client.patch(url, headers=dialogue.p(0), json={"role": "king"})
    assert r.status_code == 422
    too_many = {f"q{i}": "x" for i in range(31)}
    r = dialogue.client.patch(url, headers=dialogue.p(0), json={"demographics": too_many})
    assert r.status_code == 422
    # Merged answers may not exceed the limit either.
    half = {f"a{i}": "x" for i in range(20)}
    assert dialogue.client.patch(url, headers=dialogue.p(0),
                                 json={"demographics": half}).status_code == 200
    other = {f"b{i}": "x" for i in range(20)}
    r = dialogue.client.patch(url, headers=dialogue.p(0), json={"demographics": other})
    assert r.status_code == 422 and "at most" in r.text
    assert dialogue.client.patch("/conversations/999999/participants/me",
                                 headers=dialogue.p(0), json={}).status_code == 404

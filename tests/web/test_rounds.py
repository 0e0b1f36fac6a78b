"""Dialogues in rounds in the browser (issue 21): a returning resident is recognised on round 2
(with consent, from the token stored on the device) and the dashboard shows the trajectory."""

from __future__ import annotations

import httpx
import pytest

from .conftest import DESKTOP, PHONE, Server, wait_until
from .helpers import SEEDS, add_voters, make_conversation
from .test_pages import _axe_violations, _pass_all

pytestmark = pytest.mark.browser


def _agree_all(page) -> None:  # type: ignore[no-untyped-def]
    while page.is_visible("#vote-card"):
        text = page.inner_text("#statement")
        page.keyboard.press("a")
        wait_until(page, "document.querySelector('#vote-card').hidden || "
                         f"document.querySelector('#statement').textContent !== {text!r}")
    page.wait_for_selector("#done:not([hidden])")


def test_returning_resident_and_trajectory_panel(server: Server, http: httpx.Client,
                                                 new_page) -> None:  # type: ignore[no-untyped-def]
    conv = make_conversation(http)
    add_voters(conv, 8)
    resident = new_page(PHONE, bypass_csp=True)  # one device: one localStorage for both rounds
    resident.goto(f"{server.base}/c/{conv.id}")
    resident.wait_for_selector("#statement:not(:empty)")
    _agree_all(resident)

    r = http.post(f"/conversations/{conv.id}/rounds", headers=conv.auth,
                  json={"topic": "Ronde 2", "carry": conv.statements[:3]})
    assert r.status_code == 201, r.text
    round2 = r.json()["id"]
    assert [p["from_id"] for p in r.json()["carried"]] == conv.statements[:3]

    # Round 2 on the same device: asked first, in Dutch, whether to link the rounds.
    resident.goto(f"{server.base}/c/{round2}")
    resident.wait_for_selector("#returning-offer")
    assert "ronde 1" in resident.inner_text("#returning-offer")
    assert resident.is_hidden("#vote-card")
    assert _axe_violations(resident) == []
    resident.click("#returning-yes")
    resident.wait_for_selector("#statement:not(:empty)")
    _pass_all(resident)
    resident.wait_for_selector("#earlier-rounds li")
    lines = resident.inner_text("#earlier-rounds")
    assert "In ronde 1 was u het eens met" in lines and "de groep toen" in lines
    assert _axe_violations(resident) == []
    process = http.get(f"/conversations/{round2}/process", headers=conv.auth).json()
    assert [x["returning"] for x in process["rounds"]] == [0, 1]

    # A resident who says no joins as someone new.
    other = new_page(PHONE, bypass_csp=True)
    other.goto(f"{server.base}/c/{conv.id}")
    other.wait_for_selector("#statement:not(:empty)")
    # The first statement comes with the page (issue 19); joining follows while one reads.
    other.wait_for_function(
        f"JSON.parse(localStorage.getItem('meedenken:c:{conv.id}') || '{{}}').token")
    other.goto(f"{server.base}/c/{round2}")
    other.wait_for_selector("#returning-no")
    other.click("#returning-no")
    other.wait_for_selector("#statement:not(:empty)")
    process = http.get(f"/conversations/{round2}/process", headers=conv.auth).json()
    # one back, one new: a split under 5 people, so GET /process hides both sides of it
    assert [(x["participants"], x["returning"], x["new"]) for x in process["rounds"]][1] == \
        (2, None, None)
    token = other.evaluate(f"JSON.parse(localStorage.getItem('meedenken:c:{round2}')).token")
    mine = http.get(f"/conversations/{round2}/participants/me/rounds",
                    headers={"Authorization": f"Bearer {token}"}).json()
    assert mine["returning"] is False

    # The dashboard of round 2, opened with round 1's facilitator token, shows the trajectory.
    dashboard = new_page(DESKTOP, bypass_csp=True)
    dashboard.goto(f"{server.base}/admin/{round2}#token={conv.token}")
    dashboard.wait_for_selector("#trajectory-card:not([hidden]) table")
    card = dashboard.inner_text("#trajectory-card")
    assert "Traject" in card and "Ronde 2" in card
    assert all(s in card for s in SEEDS[:3])  # the carried statements
    assert dashboard.locator("#trajectory-card tr").count() == 3  # header + two rounds
    assert "< 5" in dashboard.inner_text("#trajectory-card tr:nth-child(3)")  # 1 back, 1 new
    # round 2 drawn on round 1's map, the returning resident's move as a line
    dashboard.wait_for_selector("#trajectory-map[data-moved]")
    assert dashboard.get_attribute("#trajectory-map", "data-moved") == "1"
    assert _axe_violations(dashboard) == []
    assert not resident.js_errors and not dashboard.js_errors and not other.js_errors

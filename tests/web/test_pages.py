"""End-to-end tests of the web pages in Debian's headless Chromium against a real server."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import httpx
import pytest

from .conftest import DESKTOP, PHONE, ROOT, Server, screenshot, wait_until
from .helpers import SEEDS, add_voters, make_conversation

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "web" / "vendor" / "axe.min.js"
OWN_STATEMENT = "Er moet een wijkcentrum komen met huisarts, apotheek en welzijn onder één dak."
#: Seconds to wait for the live dashboard (debounced analysis plus the stream).
LIVE_TIMEOUT = 15.0


@pytest.fixture
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base, timeout=10) as client:
        yield client


def _vote_all(page, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Vote on ``n`` statements, alternating click and keyboard; return their texts."""
    seen = []
    for i in range(n):
        statement = page.locator("#statement")
        text = statement.inner_text()
        seen.append(text)
        if i % 2 == 0:
            page.get_by_role("button", name=["Eens", "Oneens", "Sla over"][i % 3], exact=True).click()
        else:
            page.keyboard.press(["a", "2", "p"][i % 3])
        wait_until(page, "document.querySelector('#vote-card').hidden || "
                         f"document.querySelector('#statement').textContent !== {text!r}")
    return seen


def test_resident_votes_adds_statement_and_dashboard_updates_live(
        server: Server, http: httpx.Client, new_page) -> None:  # type: ignore[no-untyped-def]
    conv = make_conversation(http, strict_moderation=True)
    add_voters(conv, 6)

    dashboard = new_page(DESKTOP)
    dashboard.goto(f"{server.base}/admin/{conv.id}#token={conv.token}")
    dashboard.wait_for_selector("#live.on")
    assert "token" not in dashboard.url  # the fragment is taken off the address bar
    wait_until(dashboard, "Number(document.querySelector('#stat-votes').textContent) >= 30")
    votes_before = int(dashboard.inner_text("#stat-votes"))
    points_before = int(dashboard.get_attribute("#map", "data-points") or 0)
    image_before = dashboard.evaluate("document.querySelector('#map').toDataURL()")
    dashboard.evaluate("window.__noReload = true")

    resident = new_page(PHONE)
    resident.goto(f"{server.base}/c/{conv.id}")
    # Topic and first statement at once, no questions first.
    assert resident.inner_text("h1") == "Zorg in de wijk"
    resident.wait_for_selector("#statement:not(:empty)")
    assert resident.inner_text("#statement") in SEEDS
    assert "0 van 5" in resident.inner_text("#progress")
    seen = _vote_all(resident, len(SEEDS))
    assert sorted(seen) == sorted(SEEDS)  # each seed once
    resident.wait_for_selector("#done:not([hidden])")

    resident.click("#add-own summary")
    resident.fill("#own-text", OWN_STATEMENT)
    resident.get_by_role("button", name="Insturen").click()
    resident.wait_for_selector("#own-result .ok")
    assert "goedkeuring" in resident.inner_text("#own-result")  # strict moderation: pending

    # The dashboard shows the new votes and a changed map, without a reload.
    wait_until(dashboard,
               f"Number(document.querySelector('#stat-votes').textContent) >= {votes_before + 5}",
               LIVE_TIMEOUT)
    wait_until(dashboard,
               f"Number(document.querySelector('#map').dataset.points) > {points_before}",
               LIVE_TIMEOUT)
    assert dashboard.evaluate("document.querySelector('#map').toDataURL()") != image_before
    assert dashboard.evaluate("window.__noReload") is True

    # The facilitator accepts the pending statement in one click ...
    item = dashboard.locator(".queue-item", has_text=OWN_STATEMENT)
    item.wait_for(timeout=LIVE_TIMEOUT * 1000)
    item.get_by_role("button", name=f"Accepteren: {OWN_STATEMENT}").click()
    wait_until(dashboard, "document.querySelector('#queue-count').textContent === '0'")
    # ... and it reaches the resident.
    resident.reload()
    resident.wait_for_selector("#statement:not(:empty)")
    assert resident.inner_text("#statement") == OWN_STATEMENT
    assert dashboard.evaluate("window.__noReload") is True
    assert not resident.js_errors and not dashboard.js_errors

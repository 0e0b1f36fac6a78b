"""Issue 17, item 4, in the browser (audit, session 8): the dashboard's moderation queue marks
a pending near-duplicate ("Lijkt hetzelfde als ...") and merges it in one click; an unrelated
pending statement gets no mark; the topics card lists keywords."""

from __future__ import annotations

import httpx
import pytest

from .conftest import DESKTOP, Server, wait_until
from .helpers import make_conversation

pytestmark = pytest.mark.browser

DUPLICATE = "De wachttijden voor de GGZ zijn echt veel te lang."
OTHER = "De bibliotheek moet op zondag open zijn."


# The first submission loads the sentence-embedding model: allow for a busy machine.
HTTP_TIMEOUT = 60


def test_queue_marks_a_duplicate_and_merges_it_in_one_click(
        server: Server, http: httpx.Client, new_page) -> None:  # type: ignore[no-untyped-def]
    conv = make_conversation(http, strict_moderation=True)
    ggz = conv.statements[-1]
    ids = {}
    for text in (DUPLICATE, OTHER):
        joined = http.post(f"/conversations/{conv.id}/participants", json={}).json()
        r = http.post(f"/conversations/{conv.id}/statements", json={"text": text},
                      headers={"Authorization": f"Bearer {joined['token']}"})
        assert r.status_code == 201, r.text
        ids[text] = r.json()["statement"]["id"]

    board = new_page(DESKTOP)
    board.goto(f"{server.base}/admin/{conv.id}#token={conv.token}")
    marked = board.locator(f".queue-item[data-statement-id='{ids[DUPLICATE]}']")
    marked.locator(".duplicate-of").wait_for(timeout=60_000)  # the model may still load
    assert marked.get_attribute("data-duplicate") == "true"
    assert "Lijkt hetzelfde als" in marked.inner_text()
    assert "De wachttijd voor de GGZ is te lang." in marked.inner_text()
    other = board.locator(f".queue-item[data-statement-id='{ids[OTHER]}']")
    assert other.get_attribute("data-duplicate") == "false"

    marked.get_by_role("button", name="Samenvoegen").click()
    wait_until(board, "document.querySelector('#queue-count').textContent === '1'", 30)
    rows = {s["id"]: s for s in http.get(f"/conversations/{conv.id}/statements",
                                          headers=conv.auth).json()["data"]}
    assert rows[ids[DUPLICATE]]["moderation"] == "rejected"
    assert rows[ids[DUPLICATE]]["merged_into_id"] == ggz
    assert rows[ids[OTHER]]["moderation"] == "pending"

    board.wait_for_selector("#topics-card:not([hidden]) #topics li", timeout=60_000)
    assert board.locator("#topics li").count() >= 1
    assert not board.js_errors

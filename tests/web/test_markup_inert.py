"""Issue 8: a statement full of markup and script is shown as text on the participant page and
the dashboard, and runs nothing (the pages build the DOM with textContent; the CSP forbids
inline script)."""

from __future__ import annotations

import httpx
import pytest

from .conftest import DESKTOP, PHONE, Server, wait_until
from .helpers import make_conversation

pytestmark = pytest.mark.browser

ATTACK = ('<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
          '<b id="injected">vet</b> \u202eevil\u200b')
STORED = ('<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
          '<b id="injected">vet</b> evil')


# The first submission loads the sentence-embedding model: allow for a busy machine.
HTTP_TIMEOUT = 60


def test_statement_markup_is_inert_on_both_pages(server: Server, http: httpx.Client,
                                                 new_page) -> None:  # type: ignore[no-untyped-def]
    conv = make_conversation(http, seeds=[ATTACK], strict_moderation=True)
    r = http.get(f"/conversations/{conv.id}/statements")
    assert [s["text"] for s in r.json()["data"]] == [STORED]  # normalised, markup kept as text
    # The same text submitted by a resident waits in the dashboard's moderation queue.
    token = http.post(f"/conversations/{conv.id}/participants", json={}).json()["token"]
    r = http.post(f"/conversations/{conv.id}/statements", json={"text": ATTACK + " 2"},
                  headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text

    resident = new_page(PHONE)
    resident.goto(f"{server.base}/c/{conv.id}")
    resident.wait_for_selector("#statement:not(:empty)")
    assert resident.inner_text("#statement") == STORED
    assert resident.query_selector("#injected") is None
    assert resident.query_selector("#statement img, #statement script") is None

    dashboard = new_page(DESKTOP)
    dashboard.goto(f"{server.base}/admin/{conv.id}#token={conv.token}")
    dashboard.wait_for_selector("#live.on")
    wait_until(dashboard, "document.querySelector('#queue').innerText.includes('onerror')")
    assert dashboard.query_selector("#injected") is None
    for page in (resident, dashboard):
        assert page.evaluate("window.__pwned") is None

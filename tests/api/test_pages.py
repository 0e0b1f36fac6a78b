"""The page routes over HTTP: pages, static assets, QR code, security headers."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from meedenken.api.http.pages import CONTENT_SECURITY_POLICY, STATIC_DIR

from .helpers import Dialogue


def test_pages_are_served_with_a_strict_policy(client: TestClient, dialogue: Dialogue) -> None:
    for path in (f"/c/{dialogue.id}", f"/admin/{dialogue.id}", "/new"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
        assert "<script" in r.text and "<main" in r.text


def test_unknown_conversation_page_is_404(client: TestClient) -> None:
    assert client.get("/c/999999").status_code == 404
    assert client.get("/admin/999999").status_code == 404
    assert client.get("/c/abc").status_code == 422


def test_every_asset_a_page_names_is_served_locally(client: TestClient,
                                                    dialogue: Dialogue) -> None:
    """No CDN: every src/href/import in the pages and scripts points at this app."""
    referenced: set[str] = set()
    for page in STATIC_DIR.glob("*.html"):
        text = page.read_text()
        referenced |= set(re.findall(r'(?:src|href)="(/static/[^"]+)"', text))
        assert "http://" not in text and "https://" not in text, page.name
    for script in (STATIC_DIR / "js").glob("*.js"):
        text = script.read_text()
        assert "http://" not in text and "https://" not in text, script.name
        for name in re.findall(r'from "\./([\w.]+)"', text):
            referenced.add(f"/static/js/{name}")
    assert len(referenced) >= 8
    for path in sorted(referenced):
        assert client.get(path).status_code == 200, path


def test_qr_code_encodes_the_participant_link(client: TestClient, dialogue: Dialogue) -> None:
    r = client.get(f"/c/{dialogue.id}/qr.svg", params={"ask": "role,age,bogus"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.text.lstrip().startswith("<?xml") or "<svg" in r.text[:200]
    # segno writes the title we give it: the one participant link; an old ?ask= is ignored
    # (issue 19: the join questions live in the conversation, every QR code is the same).
    assert f"/c/{dialogue.id}</title>" in r.text
    assert r.text == client.get(f"/c/{dialogue.id}/qr.svg").text
    assert client.get("/c/999999/qr.svg").status_code == 404

"""Issue 18, item 8: a closed conversation takes nothing new.

It still took seed statements (one and in bulk), profile updates, and handed out ``/next``.
Each is refused with 409 now, as joins, submissions and votes already were.
"""

from __future__ import annotations

from .helpers import make_dialogue


def test_a_closed_conversation_refuses_seeds_profiles_and_next(client):
    d = make_dialogue(client, participants=1)
    assert client.get(d.url("/next"), headers=d.p(0)).status_code == 200
    assert client.patch(d.url(), headers=d.f, json={"is_open": False}).status_code == 200
    before = client.get(d.url("/statements"), headers=d.f).json()["count"]

    r = client.post(d.url("/statements"), headers=d.f, json={"text": "Een late stelling"})
    assert r.status_code == 409 and "closed" in r.json()["detail"]
    r = client.post(d.url("/statements/bulk"), headers=d.f,
                    json={"statements": [{"text": "Nog een late stelling"}]})
    assert r.status_code == 409
    r = client.patch(d.url("/participants/me"), headers=d.p(0), json={"role": "resident"})
    assert r.status_code == 409
    r = client.patch(d.url("/participants/me"), headers=d.p(0),
                     json={"demographics": {"age": "30-50"}})
    assert r.status_code == 409
    r = client.get(d.url("/next"), headers=d.p(0))
    assert r.status_code == 409 and "closed" in r.json()["detail"]
    assert client.get(d.url("/statements"), headers=d.f).json()["count"] == before

    # Opened again, it takes them again.
    assert client.patch(d.url(), headers=d.f, json={"is_open": True}).status_code == 200
    r = client.post(d.url("/statements"), headers=d.f, json={"text": "Een late stelling"})
    assert r.status_code == 201
    assert client.get(d.url("/next"), headers=d.p(0)).status_code == 200


def test_docs_load_nothing_from_another_origin(client):
    """Issue 18, item 8: ``/docs`` loaded Swagger UI from a CDN. Now it is a page of this
    service, under its Content-Security-Policy, and every asset it names is served here."""
    import re

    r = client.get("/docs")
    assert r.status_code == 200
    assert "default-src 'self'" in r.headers["content-security-policy"]
    html = r.text
    assert "cdn" not in html.lower() and "https://" not in html and "http://" not in html
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert src.startswith("/"), src
        assert client.get(src).status_code == 200, src
    script = client.get("/static/js/docs.js").text
    assert "http" not in script.replace("/openapi.json", "")
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"] == "Meedenken"

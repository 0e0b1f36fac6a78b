"""The web pages: participant voting page, facilitator dashboard, conversation set-up.

The pages are static HTML with vanilla JavaScript modules (``api/static/``, no build step, no
CDN: every asset is served by this app). The page scripts talk to the JSON API like any other
client; this module only serves the files, the participant link's QR code, and a strict
Content-Security-Policy so a statement's text can never run as script.

Routes:

* ``GET /c/{conversation_id}`` participant page (optional ``?ask=role,age,area`` picks the join
  questions it offers; they are optional and never block voting);
* ``GET /admin/{conversation_id}`` facilitator dashboard (token entered once or passed as the
  ``#token=`` fragment, which never reaches the server);
* ``GET /new`` set-up page;
* ``GET /docs`` the API's operations, read from ``/openapi.json`` (no CDN);
* ``GET /c/{conversation_id}/qr.svg`` QR code of the participant link (server-side SVG, segno),
  built on the configured ``public_url`` (``MEEDENKEN_PUBLIC_URL``); without one, on the
  request's Host header and then not cached (a forged Host must not land in a cache);
* ``/static/...`` the assets.

The live dashboard follows ``GET /conversations/{id}/stream`` with ``fetch()`` and a small
Server-Sent-Events parser (``static/js/sse.js``) rather than the browser's ``EventSource``, which
cannot send headers: the facilitator token travels as ``Authorization: Bearer``, like on every
other route, so the stream route needs no token in its URL (where it would end up in logs).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import segno
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from meedenken.api.http.deps import ConversationDep, ServiceDep

__all__ = ["CONTENT_SECURITY_POLICY", "JOIN_QUESTIONS", "STATIC_DIR", "install_pages", "router"]

STATIC_DIR = Path(__file__).parents[1] / "static"  # api/static

#: Everything from this origin only; no inline script or style, no framing (clickjacking).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

#: The join questions a participant link may ask for (``?ask=``), in the page's order.
JOIN_QUESTIONS = ("role", "age", "area")

#: QR code module size in the SVG (CSS pixels) and quiet zone (the standard asks for 4 modules).
QR_SCALE = 8
QR_BORDER = 4

_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(tags=["pages"], include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC_DIR / name, media_type="text/html; charset=utf-8",
                        headers=_HEADERS)


@router.get("/c/{conversation_id}")
def participant_page(conv: ConversationDep) -> FileResponse:
    """The participant voting page (404 for an unknown conversation)."""
    return _page("participant.html")


@router.get("/admin/{conversation_id}")
def dashboard_page(conv: ConversationDep) -> FileResponse:
    """The facilitator dashboard; the page asks for the facilitator token."""
    return _page("dashboard.html")


@router.get("/new")
def setup_page() -> FileResponse:
    """Create a conversation without using the API directly."""
    return _page("setup.html")


@router.get("/docs")
def api_docs_page() -> FileResponse:
    """The API's operations, listed from ``/openapi.json`` by a script served here (FastAPI's
    own ``/docs`` loads Swagger UI from a CDN, which this service never does; issue 18)."""
    return _page("docs.html")


def participant_link(request: Request, conversation_id: int, ask: list[str],
                     public_url: str | None = None) -> str:
    """The absolute participant URL, with the join questions to ask (unknown ones dropped):
    on ``public_url`` when given, else on the request's own address (its Host header)."""
    if public_url:
        url = f"{public_url}/c/{conversation_id}"
    else:
        url = str(request.url_for("participant_page", conversation_id=conversation_id))
    chosen = [q for q in JOIN_QUESTIONS if q in ask]
    return f"{url}?ask={','.join(chosen)}" if chosen else url


@router.get("/c/{conversation_id}/qr.svg")
def participant_qr(conv: ConversationDep, request: Request, service: ServiceDep,
                   ask: Annotated[str, Query(max_length=100)] = "") -> Response:
    """QR code (SVG) of the participant link, for a slide or a poster."""
    public_url = service.settings.public_url
    link = participant_link(request, conv.id, ask.split(","), public_url)  # type: ignore[arg-type]
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=QR_SCALE, border=QR_BORDER,
                                     title=link, svgclass="qr")
    # Host-derived content is never cached: a forged Host header would poison a shared cache.
    cache = "max-age=3600" if public_url else "no-store"
    return Response(buffer.getvalue(), media_type="image/svg+xml",
                    headers={"Cache-Control": cache, "Vary": "Host"})


def install_pages(app: FastAPI) -> None:
    """Add the pages and mount the static assets on ``app``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

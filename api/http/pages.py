"""The web pages: participant voting page, facilitator dashboard, conversation set-up.

The pages are static HTML with vanilla JavaScript modules (``api/static/``, no build step, no
CDN: every asset is served by this app). The page scripts talk to the JSON API like any other
client; this module only serves the files, the participant link's QR code, and a strict
Content-Security-Policy so a statement's text can never run as script.

Routes:

* ``GET /c/{conversation_id}`` participant page, sent with its first state and statement in
  it (:mod:`meedenken.api.http.page_render`); the join questions it offers are the
  conversation's own (``join_questions``; a link's old ``?ask=`` is ignored, so every link and
  QR code asks the same); they are optional and never block voting;
* ``GET /c/{conversation_id}/results`` what each opinion group thinks and the common ground,
  for participants, during voting and after closing (when the results are visible);
* an unknown conversation gets a designed page with status 404, never raw JSON;
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
from typing import Annotated, Any

import numpy as np
import segno
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlmodel import Session
from starlette.types import Scope

from meedenken.api.http.compress import PageCompression
from meedenken.api.http.deps import ConversationDep, ConversationId, ServiceDep
from meedenken.api.http.page_render import boot_json, fill
from meedenken.api.store import latest_priorities, visible_statements
from meedenken.engine.diversity_settings import DIVERSITY
from meedenken.engine.routing import next_statement
from meedenken.models.tables import Conversation, ConversationPublic

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

#: Set by the participant page once it has joined (path ``/c/{id}``; the value says nothing).
JOINED_COOKIE = "meedenken_joined"

#: How long browsers may keep a static asset before asking again (then a cheap 304 by ETag).
#: No build step gives the files versioned names, so an hour, not a year.
STATIC_MAX_AGE_SECONDS = 3600

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


def _html(text: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status_code, headers=_HEADERS)


def _missing() -> HTMLResponse:
    """The designed not-found page (Dutch and English), status 404."""
    return _html(fill("missing.html", {}), 404)


def _load(service: Any, conversation_id: int) -> tuple[Conversation | None,
                                                       list[tuple[int, str]], dict[str, float]]:
    with Session(service.engine) as session:
        conv = session.get(Conversation, conversation_id)
        if conv is None or not conv.is_open:
            return conv, [], {}
        return conv, visible_statements(session, conv), latest_priorities(session, conv.id)  # type: ignore[arg-type]


def _boot(conv: Conversation, **extra: Any) -> dict[str, Any]:
    return {"conversation": ConversationPublic.model_validate(conv).model_dump(mode="json"),
            "min_group_size": DIVERSITY.min_cell_size, **extra}


@router.get("/c/{conversation_id}", response_model=None)
def participant_page(conversation_id: ConversationId, service: ServiceDep,
                     request: Request) -> HTMLResponse:
    """The participant voting page, with the topic, the state and a first statement (chosen as
    ``GET /next`` chooses for a newcomer) already in it; 404 page for an unknown one. A
    returning participant (the page's :data:`JOINED_COOKIE`, no token in it) gets no first
    statement: they may have voted on it; their page asks ``GET /next``."""
    conv, statements, weights = _load(service, conversation_id)
    if conv is None:
        return _missing()
    preview: tuple[int, str] | None = None
    if statements and request.cookies.get(JOINED_COOKIE) is None:
        priorities = np.array([weights.get(str(sid), np.nan) for sid, _ in statements])
        choice = next_statement(priorities, np.ones(len(statements), dtype=bool),
                                np.random.default_rng())
        if choice is not None:
            preview = statements[choice]
    lang = conv.language.value if hasattr(conv.language, "value") else str(conv.language)
    boot = _boot(conv, total=len(statements),
                 preview={"id": preview[0], "text": preview[1]} if preview else None)
    return _html(fill("participant.html", {
        "lang": lang, "topic": conv.topic, "description": conv.description,
        "statement": preview[1] if preview else "",
        "statement_id": str(preview[0]) if preview else "",
        "results": f"/c/{conv.id}/results",
    }, raw={"boot": boot_json(boot),
            "vote_hidden": "" if preview else "hidden",
            "closed_hidden": "" if not conv.is_open else "hidden"}))


@router.get("/c/{conversation_id}/results", response_model=None)
def results_page(conversation_id: ConversationId, service: ServiceDep) -> HTMLResponse:
    """What each opinion group thinks and the common ground, in plain words, for participants
    (during voting and after closing); the page says so when the results are not shared."""
    conv, _, _ = _load(service, conversation_id)
    if conv is None:
        return _missing()
    lang = conv.language.value if hasattr(conv.language, "value") else str(conv.language)
    return _html(fill("results.html", {"lang": lang, "topic": conv.topic,
                                       "back": f"/c/{conv.id}"},
                      raw={"boot": boot_json(_boot(conv))}))


@router.get("/admin/{conversation_id}", response_model=None)
def dashboard_page(conversation_id: ConversationId, service: ServiceDep) -> Response:
    """The facilitator dashboard; the page asks for the facilitator token."""
    with Session(service.engine) as session:
        if session.get(Conversation, conversation_id) is None:
            return _missing()
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


def participant_link(request: Request, conversation_id: int,
                     public_url: str | None = None) -> str:
    """The absolute participant URL: on ``public_url`` when given, else on the request's own
    address (its Host header). No settings in it: they live in the conversation (issue 19)."""
    if public_url:
        return f"{public_url}/c/{conversation_id}"
    return str(request.url_for("participant_page", conversation_id=conversation_id))


@router.get("/c/{conversation_id}/qr.svg")
def participant_qr(conv: ConversationDep, request: Request, service: ServiceDep,
                   ask: Annotated[str, Query(max_length=100,
                                             description="ignored (old links)")] = "",
                   ) -> Response:
    """QR code (SVG) of the participant link, for a slide or a poster: the same link as every
    other (an old link's ``?ask=`` is ignored; the join questions are the conversation's)."""
    public_url = service.settings.public_url
    link = participant_link(request, conv.id, public_url)  # type: ignore[arg-type]
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=QR_SCALE, border=QR_BORDER,
                                     title=link, svgclass="qr")
    # Host-derived content is never cached: a forged Host header would poison a shared cache.
    cache = "max-age=3600" if public_url else "no-store"
    return Response(buffer.getvalue(), media_type="image/svg+xml",
                    headers={"Cache-Control": cache, "Vary": "Host"})


class CachedStaticFiles(StaticFiles):
    """Static assets with a cache lifetime (issue 19, item 6); ETag and Last-Modified stay,
    so a browser revalidates cheaply after it."""

    def file_response(self, full_path: Any, stat_result: Any, scope: Scope,
                      status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE_SECONDS}"
        return response


def install_pages(app: FastAPI) -> None:
    """Add the pages, mount the static assets and compress the pages and assets on ``app``."""
    app.include_router(router)
    app.mount("/static", CachedStaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(PageCompression)  # type: ignore[arg-type]

"""Import a running Pol.is conversation with its math state (issue 20): ``POST
/conversations/import``.

The body is either a zip of a Pol.is export (its CSV files) or of the Pol.is API's JSON
(``votes.json``, ``comments.json``, ``conversation.json``), optionally with the math server's
``math-pca2.json`` beside them; or a JSON object ``{"votes": [...], "comments": [...],
"conversation": {...}, "math": {...}}`` of the API's data. Everything is checked before anything
is written, and written in one transaction: a bad upload answers 422 and stores nothing.

With a math state the conversation is analysed with Pol.is's steps (``polis_compatible``,
unless the query says otherwise) and its first snapshot continues from Pol.is's state: the same
groups with the same ids, the same representative statements and routing priorities, so
nothing changes for the participants. Pol.is's participant and statement ids become new ids
here (the answer maps them); votes keep their order.
"""

from __future__ import annotations

import json
import pickle
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import APIRouter, Request, status
from pydantic import ValidationError
from sqlalchemy import insert
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from meedenken.api.errors import Unprocessable
from meedenken.api.http.deps import ServiceDep
from meedenken.api.live.service import Service
from meedenken.engine import AnalysisSettings
from meedenken.models.db import write_guard
from meedenken.models.polis_api import polis_api_export, read_conversation
from meedenken.models.polis_export import ExportError, PolisExport
from meedenken.models.polis_math import (
    MATH_FILE,
    PolisMath,
    math_mismatches,
    parse_polis_math,
    polis_state,
    read_polis_math,
    with_math_sign,
)
from meedenken.models.tables import (
    MAX_DESCRIPTION_LENGTH,
    MAX_STATEMENT_LENGTH,
    MAX_TOPIC_LENGTH,
    MAX_XID_LENGTH,
    Conversation,
    ConversationCreate,
    ConversationCreated,
    EngineState,
    Moderation,
    Participant,
    Statement,
    Vote,
    VoteHistory,
)
from meedenken.models.text import normalise_text

from ..security import new_token
from .conversations import unused_random_id

__all__ = ["ConversationImported", "router"]

router = APIRouter(prefix="/conversations", tags=["conversations"])

#: Pol.is ``comments.mod`` -> moderation here (0: not yet moderated).
MODERATION = {-1: Moderation.rejected, 0: Moderation.pending, 1: Moderation.accepted}
#: Topic when neither the query nor the upload names one.
DEFAULT_TOPIC = "Pol.is import"
#: How error messages name an uploaded zip.
UPLOAD_NAME = "upload.zip"
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")


class ConversationImported(ConversationCreated):
    """The new conversation (its facilitator token shown once) and what was imported."""

    participants: int
    statements: int
    votes: int
    #: Pol.is's number of groups carried over (0: imported without a math state).
    polis_groups: int
    #: Pol.is participant / statement id -> the id here.
    participant_ids: dict[str, int]
    statement_ids: dict[str, int]
    #: Where the votes and the math state disagree (the state is carried over regardless).
    warnings: list[str]


@dataclass(frozen=True)
class _Upload:
    export: PolisExport
    math: PolisMath | None


def _from_json(body: bytes) -> _Upload:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Unprocessable(f"the body is not valid JSON ({exc})") from exc
    if not isinstance(data, Mapping) or not {"votes", "comments"} <= data.keys():
        raise Unprocessable('expected a JSON object with "votes" and "comments" (Pol.is API '
                            'data), optionally "conversation" and "math"')
    export = polis_api_export(data["votes"], data["comments"], data.get("conversation"),
                              labels=("votes", "comments", "conversation"))
    math = parse_polis_math(data["math"], "math") if data.get("math") is not None else None
    return _Upload(export, math)


def _from_zip(body: bytes) -> _Upload:
    with tempfile.TemporaryDirectory(prefix="meedenken-import-") as folder:
        path = Path(folder) / UPLOAD_NAME
        path.write_bytes(body)
        try:
            export = read_conversation(path)
            try:
                math = read_polis_math(path)
            except ExportError as exc:
                if f"{MATH_FILE} not found" not in exc.message:
                    raise
                math = None
        except ExportError as exc:  # name the upload, not the server's temporary folder
            raise ExportError(exc.path.replace(str(path), UPLOAD_NAME),
                              exc.message.replace(str(path), UPLOAD_NAME)) from exc
    return _Upload(export, math)


def _parse(body: bytes, content_type: str) -> _Upload:
    """The upload as an export and a math state; every problem an :class:`Unprocessable`."""
    try:
        if content_type == "application/json":
            upload = _from_json(body)
        elif content_type in ZIP_TYPES:
            upload = _from_zip(body)
        else:
            raise Unprocessable("send application/json (Pol.is API data) or application/zip "
                                f"(a Pol.is export or API data), not {content_type or 'nothing'}")
    except ExportError as exc:
        raise Unprocessable(str(exc)) from exc
    if upload.math is not None:
        upload = _Upload(with_math_sign(upload.math, upload.export)[0], upload.math)
    _check(upload)
    return upload


def _check(upload: _Upload) -> None:
    export, math = upload.export, upload.math
    if not export.comments:
        raise Unprocessable("the upload holds no statements")
    texts = {c.comment_id: c.text for c in export.comments}
    unknown = sorted(set(np.unique(export.comment_ids).tolist()) - texts.keys())
    if unknown:
        raise Unprocessable(f"votes on statement(s) missing from the comments: {unknown[:5]}")
    for sid, text in texts.items():
        clean = normalise_text(text)
        if not clean or len(clean) > MAX_STATEMENT_LENGTH:
            raise Unprocessable(f"statement {sid}: text must be 1..{MAX_STATEMENT_LENGTH} "
                                "characters")
    if math is not None:
        missing = sorted(set(math.tids) - texts.keys())
        if missing:
            raise Unprocessable(f"math: statement(s) {missing[:5]} are not in the comments")


def _participants(upload: _Upload) -> list[int]:
    """Pol.is participant ids: voters, then anyone else the math clustered, then authors."""
    export, math = upload.export, upload.math
    assert export.participant_ids is not None
    seen = dict.fromkeys(int(p) for p in export.participant_ids)
    if math is not None:
        seen.update(dict.fromkeys(sorted(math.in_conv)))
    seen.update(dict.fromkeys(c.author_id for c in export.comments if c.author_id >= 0))
    return list(seen)


def _when(seconds: float, fallback: datetime) -> datetime:
    return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else fallback


def _xids(export: PolisExport) -> dict[int, str]:
    if export.xids is None or export.participant_ids is None:
        return {}
    out: dict[int, str] = {}
    for p, x in zip(export.participant_ids.tolist(), export.xids, strict=True):
        # An xid is unique in a conversation: a repeated one stays with its first participant.
        if x and len(x) <= MAX_XID_LENGTH and x not in out.values():
            out[int(p)] = x
    return out


def _store(service: Service, upload: _Upload, create: ConversationCreate) -> ConversationImported:
    """Write the conversation, its people, statements, votes and the engine state at once."""
    export, math = upload.export, upload.math
    now = datetime.now(UTC)
    token, token_hash = new_token()
    recovery, recovery_hash = new_token()  # issue 19: the way back in, hashed only
    with write_guard(service.engine) as engine, Session(engine) as session:
        conv = Conversation.model_validate(create, update={
            "facilitator_token_hash": token_hash, "facilitator_recovery_hash": recovery_hash,
            "id": unused_random_id(session)})
        session.add(conv)
        session.flush()
        cid = conv.id
        assert cid is not None
        xids = _xids(export)
        people = {p: Participant(conversation_id=cid, token_hash=new_token()[1],
                                 xid=xids.get(p)) for p in _participants(upload)}
        session.add_all(people.values())
        session.flush()
        pid = {p: row.id for p, row in people.items()}
        statements = {c.comment_id: Statement(
            conversation_id=cid, text=normalise_text(c.text), author_id=pid.get(c.author_id),
            is_seed=c.is_seed, moderation=MODERATION[c.moderated], is_meta=c.is_meta,
            created_at=_when(c.timestamp, now)) for c in export.comments}
        session.add_all(statements.values())
        session.flush()
        sid = {s: row.id for s, row in statements.items()}
        # History in time order (the analysis reads its ids as time: the latest vote wins).
        order = np.lexsort((np.arange(export.n_records), export.timestamps))
        # Core inserts (not the ORM's bulk path): a quarter of the time on 225k votes.
        connection = session.connection()
        connection.execute(insert(VoteHistory.__table__), [  # type: ignore[attr-defined]
            {"conversation_id": cid, "participant_id": pid[int(export.voter_ids[i])],
             "statement_id": sid[int(export.comment_ids[i])], "value": int(export.votes[i]),
             "created_at": _when(float(export.timestamps[i]), now)} for i in order.tolist()])
        voters, comments, values = export.final_votes()
        connection.execute(insert(Vote.__table__), [  # type: ignore[attr-defined]
            {"conversation_id": cid, "participant_id": pid[int(p)], "statement_id": sid[int(s)],
             "value": int(v), "created_at": now}
            for p, s, v in zip(voters.tolist(), comments.tolist(), values.tolist(), strict=True)])
        warnings: list[str] = []
        if math is not None:
            warnings = math_mismatches(math, export)
            state = polis_state(math, k_buffer=AnalysisSettings().k_buffer,
                                participant_ids=pid, statement_ids=sid)  # type: ignore[arg-type]
            session.add(EngineState(conversation_id=cid, version=0,
                                    state=pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)))
        session.commit()
        session.refresh(conv)
        created = ConversationCreated.model_validate(conv, update={"facilitator_token": token,
                                                                   "recovery_code": recovery})
    return ConversationImported(
        **created.model_dump(), participants=len(pid), statements=len(sid),
        votes=len(voters), polis_groups=math.k if math is not None else 0,
        participant_ids={str(p): int(i) for p, i in pid.items() if i is not None},
        statement_ids={str(s): int(i) for s, i in sid.items() if i is not None},
        warnings=warnings)


def _settings(upload: _Upload, topic: str | None, language: str | None,
              polis_compatible: bool | None) -> ConversationCreate:
    summary = upload.export.summary
    fields: dict[str, Any] = {
        "topic": topic or (summary.get("topic") or DEFAULT_TOPIC)[:MAX_TOPIC_LENGTH],
        "description": summary.get("conversation-description", "")[:MAX_DESCRIPTION_LENGTH],
        "strict_moderation": summary.get("strict-moderation", "False") == "True",
        "polis_compatible": upload.math is not None if polis_compatible is None
        else polis_compatible,
    }
    if language is not None:
        fields["language"] = language
    try:
        return ConversationCreate.model_validate(fields)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise Unprocessable(problems) from exc


#: The request body in the OpenAPI document (the route reads the raw body itself).
REQUEST_BODY = {"required": True, "content": {
    "application/zip": {"schema": {"type": "string", "format": "binary"}},
    "application/json": {"schema": {"type": "object", "required": ["votes", "comments"],
                                    "properties": {"votes": {"type": "array"},
                                                   "comments": {"type": "array"},
                                                   "conversation": {"type": "object"},
                                                   "math": {"type": "object"}}}}}}


@router.post("/import", status_code=status.HTTP_201_CREATED, response_model=ConversationImported,
             responses={422: {"description": "the upload cannot be read; nothing was stored"}},
             openapi_extra={"requestBody": REQUEST_BODY})
async def import_conversation(request: Request, service: ServiceDep, topic: str | None = None,
                              language: str | None = None,
                              polis_compatible: bool | None = None) -> ConversationImported:
    """Start a conversation from a Pol.is export or Pol.is API data, with Pol.is's math state.

    Body: a zip (``Content-Type: application/zip``) of a Pol.is export or of the API's
    ``votes.json``, ``comments.json`` and ``conversation.json``, with ``math-pca2.json`` if the
    conversation should continue from Pol.is's groups; or ``application/json``: ``{"votes",
    "comments", "conversation", "math"}``. Query: ``topic`` and ``language`` override the
    upload's; ``polis_compatible`` (default: true when a math state is given) analyses with
    Pol.is's steps. The facilitator token is in this response only.
    """
    body = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    upload = await run_in_threadpool(_parse, body, content_type)
    create = _settings(upload, topic, language, polis_compatible)
    answer = await run_in_threadpool(_store, service, upload, create)
    service.mark_dirty([answer.id])
    return answer


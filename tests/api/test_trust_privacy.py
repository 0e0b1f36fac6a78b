"""Issue 8, privacy: no addresses or user agents stored or logged, demographics never exposed,
exports per conversation, deletion of every row, retention purge (with a fake clock)."""

from __future__ import annotations

import io
import logging
import time
import zipfile
from datetime import timedelta

from sqlalchemy import func, inspect, text
from sqlmodel import Session, SQLModel, select

from meedenken.api.cli.server import _shows_access_lines
from meedenken.api.http.log_config import PrivateAccessFormatter, log_config
from meedenken.api.live.retention import RetentionLoop, purge_expired
from meedenken.api.security import hash_token
from meedenken.models.tables import AllowedXid, ConversationPolicy, Participant, Vote

from .helpers import bearer, make_dialogue

SPY = {"User-Agent": "Spion/4.2 (geheim)", "X-Forwarded-For": "203.0.113.77",
       "X-Real-IP": "203.0.113.78"}
SECRET_ANSWER = "leeftijd-uniek-4711"


def _engine(client):
    return client.app.state.service.engine


def _all_rows_text(client) -> str:
    engine = _engine(client)
    out = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            out += [repr(tuple(r)) for r in conn.execute(table.select())]
    return "\n".join(out)


def _row_counts(client) -> dict[str, int]:
    with _engine(client).connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in SQLModel.metadata.sorted_tables}


def test_no_table_has_an_address_or_user_agent_column(client):
    names = inspect(_engine(client)).get_table_names()
    columns = [c["name"] for name in names for c in inspect(_engine(client)).get_columns(name)]
    suspicious = {"ip", "addr", "address", "agent", "ua", "host", "remote", "client"}
    assert columns and not [c for c in columns if suspicious & set(c.lower().split("_"))]


def test_addresses_user_agents_and_demographics_are_neither_stored_nor_shown(client, caplog):
    caplog.set_level(logging.DEBUG)
    d = make_dialogue(client, participants=0)
    r = client.post(d.url("/participants"), headers=SPY,
                    json={"demographics": {"leeftijd": SECRET_ANSWER}, "role": "carer"})
    token = r.json()["token"]
    for sid in d.statements:
        client.post(d.url("/votes"), headers={**SPY, **bearer(token)},
                    json={"statement_id": sid, "vote": 1})
    assert client.app.state.service.scheduler.wait_idle()
    stored = _all_rows_text(client)
    assert SECRET_ANSWER in stored  # the answer is kept (until the retention purge) ...
    for value in SPY.values():
        assert value not in stored and value not in caplog.text
    shown = [client.get(d.url(tail), headers=h).text for tail, h in
             (("", d.f), ("/statements", d.f), ("/analysis", d.f), ("/xids", d.f))]
    export = zipfile.ZipFile(io.BytesIO(client.get(d.url("/export"), headers=d.f).content))
    shown += [export.read(name).decode() for name in export.namelist()]
    assert not any(SECRET_ANSWER in page for page in shown)  # ... but never exposed


def test_access_log_line_has_no_client_address_or_query():
    formatter = PrivateAccessFormatter(fmt=log_config()["formatters"]["access"]["fmt"],
                                       use_colors=False)
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d',
                               ("203.0.113.9:51234", "GET", "/conversations/1/stream?token=abc",
                                "1.1", 200), None)
    line = formatter.format(record)
    assert "203.0.113.9" not in line and "token=abc" not in line
    assert '"GET /conversations/1/stream HTTP/1.1" 200' in line


def test_access_log_is_on_exactly_when_its_lines_are_shown():
    assert _shows_access_lines("info") and _shows_access_lines("DEBUG")
    assert not _shows_access_lines("warning") and not _shows_access_lines("error")


def test_a_facilitator_exports_only_their_own_conversation(client):
    a = make_dialogue(client, participants=1)
    b = make_dialogue(client, participants=1)
    client.post(b.url("/statements/bulk"), headers=b.f,
                json={"statements": [{"text": "Alleen in gesprek B"}]})
    assert client.get(b.url("/export"), headers=a.f).status_code == 403
    assert client.get(a.url("/export"), headers=b.f).status_code == 403
    own = zipfile.ZipFile(io.BytesIO(client.get(a.url("/export"), headers=a.f).content))
    assert "Alleen in gesprek B" not in own.read("comments.csv").decode()


def test_deleting_a_conversation_deletes_every_row_that_belongs_to_it(client):
    # Another conversation that must survive; without votes, so no analysis of it can add a
    # snapshot while the rows are counted.
    keep = make_dialogue(client, participants=2)
    before = _row_counts(client)
    d = make_dialogue(client, participants=3)
    for i in range(3):
        for sid in d.statements:
            assert d.vote(sid, (i + sid) % 3 - 1, i=i).status_code == 201
    d.vote(d.statements[0], 1)  # a changed vote: two history rows
    client.post(d.url("/statements"), headers=d.p(1), json={"text": "Eigen stelling"})
    client.put(d.url("/xids"), headers=d.f, json={"xids": ["a", "b"], "required": False})
    client.put(d.url("/retention"), headers=d.f, json={"retention_days": 30})
    r = client.put(d.url("/reference"), headers=d.f,
                   json={"attributes": {"leeftijd": {"jong": 0.4, "oud": 0.6}}})
    assert r.status_code == 200, r.text
    assert client.app.state.service.scheduler.wait_idle()
    during = _row_counts(client)
    filled = {"conversation", "participant", "statement", "vote", "vote_history",
              "analysis_snapshot", "allowed_xid", "conversation_policy",
              "conversation_reference"}
    assert filled <= {t.name for t in SQLModel.metadata.sorted_tables}
    assert all(during[t] > before[t] for t in filled), (before, during)
    assert client.delete(d.url(), headers=d.f).status_code == 204
    time.sleep(0.1)  # a late analysis of the deleted conversation must not write a snapshot
    assert client.app.state.service.scheduler.wait_idle()
    assert _row_counts(client) == before
    assert keep.vote(keep.statements[1], 1).status_code == 201  # the other one is untouched


def test_retention_purges_tokens_xids_and_demographics_after_closing(client):
    d = make_dialogue(client, participants=0)
    client.put(d.url("/xids"), headers=d.f, json={"xids": ["bewoner-1"], "required": False})
    token = client.post(d.url("/participants"), json={
        "xid": "bewoner-1", "demographics": {"wijk": "Noord"}}).json()["token"]
    d.tokens.append(token)
    assert d.vote(d.statements[0], -1).status_code == 201
    assert client.put(d.url("/retention"), headers=d.f,
                      json={"retention_days": 30}).status_code == 200
    engine = _engine(client)
    assert purge_expired(engine) == []  # still open
    assert client.patch(d.url(), headers=d.f, json={"is_open": False}).status_code == 200
    closed_at = client.get(d.url("/retention"), headers=d.f).json()["closed_at"]
    assert closed_at is not None
    with Session(engine) as s:
        closed = s.get(ConversationPolicy, d.id).closed_at  # type: ignore[union-attr]
    assert purge_expired(engine, closed + timedelta(days=29, hours=23)) == []
    assert purge_expired(engine, closed + timedelta(days=30)) == [d.id]
    assert purge_expired(engine, closed + timedelta(days=31)) == []  # once
    with Session(engine) as s:
        people = s.exec(select(Participant).where(Participant.conversation_id == d.id)).all()
        assert [(p.xid, p.demographics) for p in people] == [(None, None)]
        assert people[0].token_hash != hash_token(token)
        assert s.exec(select(func.count()).select_from(AllowedXid)
                      .where(AllowedXid.conversation_id == d.id)).one() == 0
        assert s.exec(select(Vote.value).where(Vote.conversation_id == d.id)).all() == [-1]
    body = client.get(d.url("/retention"), headers=d.f).json()
    assert body["purged_at"] is not None and body["retention_days"] == 30
    # The token is gone: reopening does not bring it back.
    client.patch(d.url(), headers=d.f, json={"is_open": True})
    assert d.vote(d.statements[1], 1).status_code == 403


def test_reopened_conversation_is_not_purged_and_the_loop_runs(client):
    d = make_dialogue(client, participants=1)
    client.put(d.url("/retention"), headers=d.f, json={"retention_days": 0})
    client.patch(d.url(), headers=d.f, json={"is_open": False})
    client.patch(d.url(), headers=d.f, json={"is_open": True})
    engine = _engine(client)
    assert d.id not in purge_expired(engine)
    client.patch(d.url(), headers=d.f, json={"is_open": False})
    loop = RetentionLoop(engine, interval=0.02)
    loop.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                purged = conn.execute(text("SELECT purged_at FROM conversation_policy "
                                           "WHERE conversation_id = :c"), {"c": d.id}).scalar()
            if purged is not None:
                break
            time.sleep(0.02)
    finally:
        loop.stop()
    assert purged is not None

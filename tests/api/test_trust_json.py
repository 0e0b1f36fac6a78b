"""Issue 18, item 5: NaN and Infinity in JSON bodies, loose vote types, parameters in logs.

``{"demographics": {"age": NaN}}`` was stored as a literal NaN on SQLite (201) and gave a 500 on
PostgreSQL whose logged error carried the SQL parameters (demographics, xid, token hash). The
vote route took ``"1"``, ``1.0`` and ``true`` as votes. Each test replays one of those.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from meedenken.models.db import make_engine

from .helpers import make_dialogue

CONSTANTS = ["NaN", "Infinity", "-Infinity"]


def _raw(client, method, url, body, headers=None):
    return client.request(method, url, content=body.encode(),
                          headers={"Content-Type": "application/json", **(headers or {})})


@pytest.mark.parametrize("constant", CONSTANTS)
def test_non_finite_numbers_in_any_body_get_422(client, caplog, constant):
    caplog.set_level(logging.DEBUG)
    d = make_dialogue(client, participants=1)
    secret_xid = "geheim-xid-4711"
    r = _raw(client, "POST", d.url("/participants"),
             f'{{"xid": "{secret_xid}", "demographics": {{"age": {constant}}}}}')
    assert r.status_code == 422, r.text
    assert constant in r.json()["detail"][0]["msg"]
    r = _raw(client, "PATCH", d.url("/participants/me"),
             f'{{"demographics": {{"age": {constant}}}}}', d.p(0))
    assert r.status_code == 422
    # The vote fast path and the documented route (no content type: FastAPI still reads JSON).
    r = _raw(client, "POST", d.url("/votes"),
             f'{{"statement_id": {d.statements[0]}, "vote": {constant}}}', d.p(0))
    assert r.status_code == 422
    r = client.post(d.url("/votes"), content=f'{{"statement_id": 1, "vote": {constant}}}',
                    headers=d.p(0))
    assert r.status_code == 422
    r = _raw(client, "PUT", d.url("/reference"), f'{{"age": {{"30-50": {constant}}}}}', d.f)
    assert r.status_code == 422
    # Nothing was stored, and no log line carries the request's data.
    assert client.get(d.url("/analysis"), headers=d.f).status_code in (200, 404)
    logged = "\n".join(rec.getMessage() for rec in caplog.records)
    assert secret_xid not in logged


def test_the_word_nan_inside_a_string_is_fine(client):
    d = make_dialogue(client, participants=1)
    r = client.post(d.url("/statements"), headers=d.p(0),
                    json={"text": "NaN en Infinity zijn geen getallen"})
    assert r.status_code == 201
    r = client.patch(d.url("/participants/me"), headers=d.p(0),
                     json={"demographics": {"wijk": "NaN-straat", "age": 42.5}})
    assert r.status_code == 200 and r.json()["demographics"]["age"] == 42.5


@pytest.mark.parametrize("loose", ['"1"', "1.0", "true", '"-1"', "0.0", "false"])
def test_votes_have_strict_types_on_both_paths(client, loose):
    d = make_dialogue(client, participants=1)
    body = f'{{"statement_id": {d.statements[0]}, "vote": {loose}}}'
    fast = _raw(client, "POST", d.url("/votes"), body, d.p(0))
    assert fast.status_code == 422, fast.text
    routed = client.post(d.url("/votes"), content=body,  # no content type: the FastAPI route
                         headers={**d.p(0), "Content-Type": "application/json; charset=latin-1"})
    assert routed.status_code == 422
    sid = f'{{"statement_id": "{d.statements[0]}", "vote": 1}}'
    assert _raw(client, "POST", d.url("/votes"), sid, d.p(0)).status_code == 422
    assert client.get(d.url("/next"), headers=d.p(0)).json()["id"] in d.statements
    assert d.vote(d.statements[0], 1).status_code == 201  # the strict form still works


def test_database_errors_never_carry_the_sql_parameters(db_url):
    """The engine hides parameters: SQLAlchemy's message of a failing statement (which
    SQLAlchemy logs, and a traceback prints) does not list the resident's data. The driver's
    own message may still quote a value; the app never logs it (next test)."""
    engine = make_engine(db_url)
    secret = "tokenhash-9f8e7d6c5b4a"
    try:
        with pytest.raises(DBAPIError) as info, engine.begin() as conn:
            conn.execute(text("INSERT INTO no_such_table VALUES (:secret)"), {"secret": secret})
    finally:
        engine.dispose()
    assert secret not in str(info.value)
    assert "SQL parameters hidden" in str(info.value)


def test_an_unhandled_database_error_is_logged_without_its_message(client, caplog, monkeypatch):
    """A 500 from the database logs where it happened, not the driver's message (which quotes
    the row: on PostgreSQL ``DETAIL: Token "NaN" is invalid ... {"age": NaN, "xid": ...}``)."""
    from sqlalchemy.exc import DataError

    from meedenken.api.routes import participants

    class _Orig(Exception):
        sqlstate = "22P02"

    secret = "-".join(["geheim", "xid"])  # not spelled out: the logged traceback quotes code

    def broken(*_args, **_kwargs):
        raise DataError("INSERT ...", {"xid": secret}, _Orig(f"DETAIL: {secret}"))

    d = make_dialogue(client, participants=0)
    monkeypatch.setattr(participants, "require_allowed_xid", broken)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(DataError):  # the TestClient re-raises; a server answers 500
        client.post(d.url("/participants"), json={"xid": secret})
    logged = "\n".join(rec.getMessage() + (str(rec.exc_info[1]) if rec.exc_info else "")
                       for rec in caplog.records)
    assert "unhandled database error _Orig (22P02)" in logged
    assert secret not in logged

"""Fixtures of the API tests: every test runs against SQLite and against PostgreSQL.

PostgreSQL: a fresh database ``meedenken_test_<random>`` on 127.0.0.1:5432 (user ``postgres``,
trust auth) is created for the test session and dropped afterwards. If the server cannot be
reached, the PostgreSQL variants are skipped with the reason.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

from .helpers import Dialogue, make_dialogue

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def _pg_reachable() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL at 127.0.0.1:5432 unreachable: {exc}".splitlines()[0]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    reason = _pg_reachable()
    if reason:
        pytest.skip(reason)
    name = f"meedenken_test_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'meedenken.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, analysis_debounce_seconds=0.05, sse_poll_seconds=0.2)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def dialogue(client: TestClient) -> Dialogue:
    return make_dialogue(client)

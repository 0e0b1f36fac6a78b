"""Fixtures of the API tests: every test runs against SQLite and against PostgreSQL.

PostgreSQL runs in a fresh database per test session (see tests/pg.py); it is skipped, with the
reason, only if the server cannot be reached.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from meedenken.api.http.app import create_app
from meedenken.api.settings import Settings
from tests.pg import pg_url  # noqa: F401  (fixture)

from .helpers import Dialogue, make_dialogue


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'meedenken.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def settings(db_url: str) -> Settings:
    # In-process analysis: no worker process to start per test (test_analysis covers both).
    # Rate limits off: these tests act fast from one address; tests/api/test_trust_abuse.py
    # turns them on.
    return Settings(database_url=db_url, analysis_debounce_seconds=0.05, sse_poll_seconds=0.2,
                    analysis_in_process=True, rate_limits=False)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def dialogue(client: TestClient) -> Dialogue:
    return make_dialogue(client)

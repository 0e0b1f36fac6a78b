"""A fresh PostgreSQL database for a test session (the ``pg_url`` fixture).

The database ``meedenken_test_<random>`` is created on 127.0.0.1:5432 (user ``postgres``, trust
auth) and dropped afterwards. If the server cannot be reached the tests that need it are skipped,
and the skip says why.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import psycopg
import pytest

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def pg_unreachable() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL at 127.0.0.1:5432 unreachable: {exc}".splitlines()[0]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    reason = pg_unreachable()
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

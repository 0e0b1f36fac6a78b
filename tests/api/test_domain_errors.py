"""Domain errors (api/errors.py) get their status codes in the HTTP layer only."""

from __future__ import annotations

import inspect

import pytest
from fastapi.testclient import TestClient

from meedenken.api import errors
from meedenken.api.http.app import create_app
from meedenken.api.http.errors import STATUS_CODES, error_answer


@pytest.mark.parametrize(("error", "code"), [
    (errors.NotFound("statement 7 not found in conversation 1"), 404),
    (errors.Forbidden("the token is not a participant token of this conversation"), 403),
    (errors.Conflict("statement 7 was rejected by the moderator"), 409),
    (errors.Closed("conversation 1 is closed; it takes no votes"), 409),
])
def test_each_domain_error_answers_its_code_with_its_message(settings, error, code):
    app = create_app(settings)

    @app.get("/refuse")
    def refuse() -> None:
        raise error

    with TestClient(app) as client:
        r = client.get("/refuse")
    assert r.status_code == code
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"detail": error.message}
    assert error_answer(error) == (code, {"detail": error.message})  # the fast path's answer


def test_every_domain_error_has_a_status_code():
    refusals = [cls for _, cls in inspect.getmembers(errors, inspect.isclass)
                if issubclass(cls, errors.DomainError) and cls is not errors.DomainError]
    assert refusals
    for cls in refusals:
        assert any(base in STATUS_CODES for base in cls.__mro__), cls


def test_an_unmapped_domain_error_is_a_500_not_a_crash():
    class Unlisted(errors.DomainError):
        pass

    assert error_answer(Unlisted("x"))[0] == 500

"""Issue 17, item 1: the sentence model is a setting (``MEEDENKEN_EMBEDDING_MODEL``); a name that
is not on this machine stops the service with one line, never a silent fallback that flags
nothing, a traceback, or a download (audit, session 8)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from meedenken.api.cli.main import main
from meedenken.api.http.app import create_app
from meedenken.api.live import similarity
from meedenken.api.settings import Settings
from meedenken.engine.encoders import MINILM

from .helpers import make_dialogue


def test_an_unknown_model_name_is_an_invalid_setting(tmp_path):
    with pytest.raises(ValidationError, match="MEEDENKEN_EMBEDDING_MODEL: unknown embedding model"):
        Settings(embedding_model="multilingual-e5-smal")
    with pytest.raises(ValidationError, match="does not exist"):
        Settings(embedding_model=str(tmp_path / "no-model"))
    assert Settings(embedding_model=f" {MINILM} ").embedding_model == MINILM
    assert Settings(embedding_model=" ").embedding_model is None
    assert Settings(embedding_model=str(tmp_path)).embedding_model == str(tmp_path)  # a folder
    # no check when the embedding check is off
    assert Settings(embedding_model="typo", embedding_similarity=False).embedding_model == "typo"


@pytest.fixture
def no_server(monkeypatch):
    import uvicorn

    def refuse(*args, **kwargs):
        raise AssertionError("the server was started")

    monkeypatch.setattr(uvicorn, "run", refuse)


def test_serve_with_a_misspelt_model_stops_with_one_line(monkeypatch, capsys, tmp_path,
                                                         no_server):
    monkeypatch.setenv("MEEDENKEN_EMBEDDING_MODEL", "multilingual-e5-smal")
    status = main(["serve", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--port", "1"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "MEEDENKEN_EMBEDDING_MODEL" in err and "'multilingual-e5-smal'" in err
    assert not (tmp_path / "x.db").exists()  # stopped before anything was made


def test_serve_with_an_invalid_number_stops_with_one_line(monkeypatch, capsys, tmp_path,
                                                          no_server):
    monkeypatch.setenv("MEEDENKEN_POOL_SIZE", "0")
    assert main(["serve", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "MEEDENKEN_POOL_SIZE" in err and "Traceback" not in err


def test_every_embedding_path_uses_the_configured_model(tmp_path, monkeypatch):
    asked: list[object] = []
    real = similarity._embedder

    def recording(model=None):
        asked.append(model)
        return real(model)

    monkeypatch.setattr(similarity, "_embedder", recording)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'm.db'}", rate_limits=False,
                        analysis_in_process=True, embedding_model=MINILM)
    with TestClient(create_app(settings)) as client:
        d = make_dialogue(client, participants=1)
        c = client
        assert c.post(d.url("/statements"), headers=d.p(),
                      json={"text": "De huisarts is slecht bereikbaar."}).status_code == 201
        assert c.post(d.url("/statements/check"), headers=d.f,
                      json={"texts": [{"text": "Meer geld voor de thuiszorg."}]}).json()["checked"]
        assert c.post("/statements/check",
                      json={"texts": [{"text": "a b c"}, {"text": "d e f"}]}).json()["checked"]
        assert c.get(d.url("/statements/duplicates"), headers=d.f).json()["checked"]
        assert c.get(d.url("/topics"), headers=d.f).json()["checked"]
    assert asked and set(asked) == {MINILM}, asked

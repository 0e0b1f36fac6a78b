"""Issue 17, item 1: a model named in settings is loaded from local files, and an unknown name is
a clear error without any attempt to reach the network (audit, session 8)."""

from __future__ import annotations

import socket

import pytest

from meedenken.engine import encoders
from meedenken.engine.encoders import ModelUnavailableError, load_encoder


@pytest.fixture
def no_network(monkeypatch):
    """Every outgoing connection is recorded and refused."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args[:2])
        raise OSError("network refused by the test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: refuse(self, address))
    try:  # huggingface_hub keeps its fetched registry in the process: fetch it afresh
        from huggingface_hub.utils import _detect_agent
    except ImportError:
        pass
    else:
        monkeypatch.setattr(_detect_agent, "_registry", None, raising=False)
    return attempts


@pytest.mark.parametrize("name", ["nonexistent-model", "some-org/some-model",
                                  "paraphrase-multilingual-MiniLM-L12-v2"])
def test_an_unknown_model_name_is_refused_without_touching_the_network(name, no_network,
                                                                       monkeypatch, tmp_path):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))  # an empty cache
    with pytest.raises(ModelUnavailableError, match="unknown embedding model") as caught:
        load_encoder(name)
    assert name in str(caught.value) and "multilingual-e5-small" in str(caught.value)
    assert no_network == []


def test_a_model_in_the_local_hugging_face_cache_is_loaded_from_its_folder(monkeypatch, tmp_path):
    from huggingface_hub import constants

    snapshot = tmp_path / "models--some-org--dutch-model" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    (snapshot / "modules.json").write_text("[]")
    (tmp_path / "models--some-org--dutch-model" / "refs").mkdir()
    (tmp_path / "models--some-org--dutch-model" / "refs" / "main").write_text("abc123")
    bare = tmp_path / "models--sentence-transformers--bare-model" / "snapshots" / "def456"
    bare.mkdir(parents=True)
    (bare / "config.json").write_text("{}")
    (tmp_path / "models--sentence-transformers--bare-model" / "refs").mkdir()
    (tmp_path / "models--sentence-transformers--bare-model" / "refs" / "main").write_text("def456")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    loaded: list[tuple[str, str]] = []
    monkeypatch.setattr(encoders.SentenceTransformerEncoder, "load",
                        classmethod(lambda cls, name, location, device="cpu":
                                    loaded.append((name, location)) or cls(object(), name)))
    assert load_encoder("some-org/dutch-model").name == "some-org/dutch-model"
    assert load_encoder("bare-model").name == "bare-model"
    assert loaded == [("some-org/dutch-model", str(snapshot)), ("bare-model", str(bare))]

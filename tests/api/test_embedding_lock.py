"""Issue 17, item 6: no statement is embedded while the database write lock is held.

Embedding 1,000 statements takes seconds; under SQLite's write lock every vote of every
conversation would wait that long (issue 18 measured 34 s). Every service path that embeds is
replayed here with a recording encoder in place of the model: at each ``encode`` the process's
write lock must be free and another writer must get it at once. The paths: a participant's
statement (the near-duplicate hint), a facilitator's seed, the check before saving seeds, the
moderation queue's duplicate marks, the topics, and the bulk seed upload.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from fastapi.testclient import TestClient

from meedenken.api.http.app import create_app
from meedenken.api.live import similarity
from meedenken.engine.encoders import MULTILINGUAL_E5
from meedenken.engine.semantics import EmbeddingCache, StatementEmbedder
from meedenken.models.db import sqlite_write_lock, write_guard

from .helpers import SEEDS, make_dialogue


class RecordingEncoder:
    """Deterministic unit vectors (by words); records whether a writer could go ahead."""

    name = MULTILINGUAL_E5

    def __init__(self, engine) -> None:
        self.engine = engine
        self.calls: list[dict[str, object]] = []

    def encode(self, sentences: list[str]) -> np.ndarray:
        got = threading.Event()

        def other_writer() -> None:
            with write_guard(self.engine):
                got.set()

        thread = threading.Thread(target=other_writer, daemon=True)
        thread.start()
        went_ahead = got.wait(timeout=5.0)
        thread.join(timeout=5.0)
        self.calls.append({"texts": len(sentences), "lock_held": sqlite_write_lock.locked(),
                           "other_writer_went_ahead": went_ahead})
        vectors = np.zeros((len(sentences), 64), dtype=np.float32)
        for i, text in enumerate(sentences):
            for word in text.lower().split():
                vectors[i, hash(word) % 64] += 1.0
        vectors[:, 0] += 0.1
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def recorded(tmp_path, monkeypatch):
    from meedenken.api.settings import Settings

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'embed.db'}",
                        analysis_debounce_seconds=0.05, sse_poll_seconds=0.2,
                        analysis_in_process=True, rate_limits=False, embedding_similarity=True)
    with TestClient(create_app(settings)) as client:
        engine = client.app.state.service.engine  # type: ignore[attr-defined]
        encoder = RecordingEncoder(engine)
        embedder = StatementEmbedder(encoder, model_name=MULTILINGUAL_E5)
        monkeypatch.setattr(similarity, "_embedder", lambda model=None: embedder)
        yield client, encoder, embedder


def _fresh_calls(encoder: RecordingEncoder, before: int) -> list[dict[str, object]]:
    return encoder.calls[before:]


def test_every_path_that_embeds_does_it_without_the_write_lock(recorded):
    client, encoder, embedder = recorded
    d = make_dialogue(client, participants=1)
    paths = {
        "participant statement": lambda: client.post(
            d.url("/statements"), headers=d.p(), json={"text": "Ik wacht te lang op de GGZ."}),
        "facilitator statement": lambda: client.post(
            d.url("/statements"), headers=d.f, json={"text": "Wijkteams moeten 's avonds open."}),
        "check before saving": lambda: client.post(
            d.url("/statements/check"), headers=d.f,
            json={"texts": [{"text": "Mantelzorgers krijgen te weinig hulp."},
                            {"text": "Er gaat te weinig geld naar thuiszorg."}]}),
        "moderation queue": lambda: client.get(d.url("/statements/duplicates"), headers=d.f),
        "topics": lambda: client.get(d.url("/topics"), headers=d.f),
    }
    for name, call in paths.items():
        embedder.cache = EmbeddingCache()  # each path embeds afresh, not from the cache
        before = len(encoder.calls)
        response = call()
        assert response.status_code in (200, 201), (name, response.text)
        calls = _fresh_calls(encoder, before)
        assert calls, f"{name}: embedded nothing (the check would prove nothing)"
        for record in calls:
            assert record["lock_held"] is False, name
            assert record["other_writer_went_ahead"] is True, name


def test_a_bulk_seed_upload_embeds_nothing_under_its_write_lock(recorded):
    """The upload holds the write lock for its one transaction; it compares texts word for word
    only (the set-up page runs the embedding check before, through /statements/check)."""
    client, encoder, _ = recorded
    d = make_dialogue(client, participants=0)
    before = len(encoder.calls)
    r = client.post(d.url("/statements/bulk"), headers=d.f,
                    json={"statements": [{"text": f"{t} Nummer {i}."}
                                         for i, t in enumerate(SEEDS * 4)]})
    assert r.status_code == 201, r.text
    assert all(c["lock_held"] is False for c in _fresh_calls(encoder, before))

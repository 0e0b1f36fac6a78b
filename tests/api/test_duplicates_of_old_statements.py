"""Issue 17, item 4, for a dialogue of thousands of statements: the moderation queue marks a
pending statement that repeats an *old* statement, not only one among the newest
``similar_max_compared`` (audit, session 8: with 2,000 statements and the default 300, the
queue could not see a duplicate of any of the first 1,700). The work per request stays bounded.
"""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient

from meedenken.api.http.app import create_app
from meedenken.api.live.similarity import compared_with
from meedenken.engine.semantics import StatementEmbedder

from .helpers import SEEDS, make_dialogue

LATER = ["Er moet een nieuw zwembad in de wijk komen.",
         "De bibliotheek moet op zondag open zijn.",
         "Fietspaden in het centrum moeten breder.",
         "Er moeten meer bankjes in het park komen."]


def test_the_queue_marks_a_duplicate_of_an_old_statement(settings):
    with TestClient(create_app(settings.model_copy(update={"similar_max_compared": 3}))) as c:
        d = make_dialogue(c, participants=1)
        ggz = d.statements[SEEDS.index("De wachttijd voor de GGZ is te lang.")]
        r = c.post(d.url("/statements/bulk"), headers=d.f,
                   json={"statements": [{"text": t} for t in LATER]})
        assert r.status_code == 201  # the GGZ statement is no longer among the newest 3
        dup = c.post(d.url("/statements"), headers=d.p(),
                     json={"text": "De wachttijd voor de GGZ is echt veel te lang."}).json()
        queue = c.get(d.url("/statements/duplicates"), headers=d.f).json()
        marks = {q["statement_id"]: [m["id"] for m in q["duplicates"]] for q in queue["data"]}
        assert marks == {dup["statement"]["id"]: [ggz]}
        merged = c.post(d.url(f"/statements/{dup['statement']['id']}/merge"), headers=d.f,
                        json={"into": ggz})
        assert merged.status_code == 200 and merged.json()["statement"]["merged_into_id"] == ggz
        # the facilitator's check of new seeds against the conversation sees it as well
        r = c.post(d.url("/statements/check"), headers=d.f,
                   json={"texts": [{"text": "De wachttijd voor de GGZ is echt veel te lang."}]})
        assert [m["id"] for m in r.json()["duplicates"][0]] == [ggz]


class Counting:
    """Unit vectors by word; records every text it embeds."""

    name = "counting"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, sentences: list[str]) -> np.ndarray:
        self.seen.extend(sentences)
        vectors = np.full((len(sentences), 8), 0.05)
        for i, text in enumerate(sentences):
            vectors[i, len(text.split()[0]) % 8] += 1.0
        return vectors


def test_compared_with_takes_the_newest_and_the_closest_known_older_ones():
    encoder = Counting()
    embedder = StatementEmbedder(encoder)
    pool = ["aaa old known", "b old unknown", "aaa old unknown", "cccc known far",
            "dd new 1", "eeeee new 2", "ffffff new 3"]
    embedder.embed([pool[0], pool[3]])
    encoder.seen.clear()
    chosen = compared_with(embedder, pool, "aaa query", 3)
    # the known old statement with the same first word beats two of the newest; unknown older
    # statements are never embedded here (bounded work)
    assert chosen[0] == 0 and len(chosen) == 3 and set(chosen) <= {0, 3, 4, 5, 6}
    assert set(encoder.seen) == {"dd new 1", "eeeee new 2", "ffffff new 3", "aaa query"}
    assert compared_with(embedder, pool[:3], "aaa query", 3) == [0, 1, 2]
    assert compared_with(embedder, pool, "aaa query", None) == list(range(len(pool)))



def test_check_texts_compares_each_text_like_compared_with(monkeypatch):
    """The queue's batched selection equals compared_with's for each pending text."""
    from meedenken.api.live import similarity

    embedder = StatementEmbedder(Counting())
    existing = [f"{'abcdefgh'[i % 8] * (1 + i % 5)} bestaande stelling {i}" for i in range(40)]
    texts = [f"{'abcdefgh'[i % 8] * (2 + i % 3)} nieuwe stelling {i}" for i in range(6)]
    everything = existing + texts
    embedder.embed(existing[::3])  # some older ones are known
    picked: list[list[int]] = []
    original = similarity.near_duplicates

    def recording(text, candidates, top, *, embedder):
        picked.append([everything.index(c) for c in candidates])
        return original(text, candidates, top, embedder=embedder)

    monkeypatch.setattr(similarity, "near_duplicates", recording)
    monkeypatch.setattr(similarity, "_embedder", lambda model=None: embedder)
    expected = [compared_with(embedder, everything[:len(existing) + k], text, 7)
                for k, text in enumerate(texts)]
    similarity.check_texts(existing, texts, most=7)
    assert picked == expected

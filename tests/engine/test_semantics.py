"""Statement embeddings and the near-duplicate check (engine.semantics, engine.duplicates)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from meedenken.engine.duplicates import (
    duplicate_settings,
    duplicates_among,
    evidence,
    flag_evidence,
    near_duplicates,
    polarity_mismatch,
)
from meedenken.engine.encoders import MINILM, MULTILINGUAL_E5, USE_MULTILINGUAL, Encoder
from meedenken.engine.errors import EngineError, InvalidSettingError
from meedenken.engine.semantics import (
    DEFAULT_MODEL,
    MODEL_ENV_VAR,
    EmbeddingCache,
    ModelUnavailableError,
    StatementEmbedder,
    cosine_similarities,
    load_encoder,
    resolve_model_name,
    text_key,
)
from meedenken.engine.settings import DuplicateFlagModel, DuplicateSettings

from .semantic_support import english_embedder, packaged_embedder


class CountingEncoder:
    """Stand-in model: a 3-d vector from letter counts; records every text it encodes."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, sentences: list[str], **kwargs: object) -> np.ndarray:
        self.seen.extend(sentences)
        return np.array([[s.count("a") + 1.0, s.count("e"), len(s)] for s in sentences])


# --- model choice and loading -------------------------------------------------------------------


def test_model_name_argument_beats_environment_beats_default(monkeypatch):
    monkeypatch.delenv(MODEL_ENV_VAR, raising=False)
    assert resolve_model_name() == DEFAULT_MODEL
    monkeypatch.setenv(MODEL_ENV_VAR, "/models/paraphrase-multilingual-MiniLM-L12-v2")
    assert resolve_model_name() == "/models/paraphrase-multilingual-MiniLM-L12-v2"
    assert resolve_model_name("sentence-transformers/all-MiniLM-L6-v2") == MINILM
    assert DEFAULT_MODEL == MULTILINGUAL_E5 == resolve_model_name("intfloat/multilingual-e5-small")
    with pytest.raises(InvalidSettingError):
        resolve_model_name("  ")


def test_missing_local_model_is_a_clear_engine_error(tmp_path):
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        load_encoder(str(tmp_path / "no-such-model"))
    with pytest.raises(ModelUnavailableError, match="offline"):
        load_encoder(str(tmp_path))  # a directory, but no model in it
    assert issubclass(ModelUnavailableError, EngineError)


def test_model_not_in_local_cache_is_not_downloaded(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))  # an empty cache
    with pytest.raises(ModelUnavailableError, match="paraphrase-multilingual"):
        load_encoder("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2")


@pytest.mark.parametrize("which", ["default", "english"])
def test_packaged_models_embed_unit_vectors_deterministically(which):
    embedder = packaged_embedder() if which == "default" else english_embedder()
    texts = ["Er zijn te weinig huisartsen.", "There are not enough GPs."]
    first = embedder.embed(texts)
    assert first.shape == (2, 384) and first.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    fresh = StatementEmbedder(embedder.encoder, model_name="again").embed(texts)
    np.testing.assert_allclose(fresh, first, atol=1e-5)


# --- cache --------------------------------------------------------------------------------------


def test_each_distinct_text_is_encoded_once():
    encoder = CountingEncoder()
    embedder = StatementEmbedder(encoder, model_name="counting")
    out = embedder.embed(["aa", "ee", "aa", " aa  "])
    assert encoder.seen == ["aa", "ee"]  # whitespace variants share the key
    np.testing.assert_array_equal(out[0], out[2])
    embedder.embed(["ee", "aaa"])
    assert encoder.seen == ["aa", "ee", "aaa"]
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0)


def test_cache_is_keyed_by_model_and_round_trips_through_arrays():
    cache = EmbeddingCache()
    StatementEmbedder(CountingEncoder(), model_name="m1", cache=cache).embed(["aa", "ee"])
    StatementEmbedder(CountingEncoder(), model_name="m2", cache=cache).embed(["aa"])
    assert len(cache) == 3 and cache.models() == ["m1", "m2"]
    assert ("m1", "ee") in cache and ("m2", "ee") not in cache
    keys, vectors = cache.to_arrays("m1")
    assert keys.tolist() == sorted([text_key("aa"), text_key("ee")]) and vectors.shape == (2, 3)
    restored = EmbeddingCache()
    restored.load_arrays("m1", keys, vectors)
    encoder = CountingEncoder()
    again = StatementEmbedder(encoder, model_name="m1", cache=restored).embed(["ee", "aa"])
    assert encoder.seen == []  # nothing recomputed after a restore
    np.testing.assert_array_equal(again[1], cache.get("m1", "aa"))


def test_cache_keeps_the_most_recently_used_within_its_bound():
    """A live service embeds every draft it checks: the cache drops the least recently used
    beyond ``max_entries``, and a batch larger than the cache still comes back whole."""
    cache = EmbeddingCache(max_entries=3)
    encoder = CountingEncoder()
    embedder = StatementEmbedder(encoder, model_name="m", cache=cache)
    embedder.embed(["aa", "ee", "ii"])
    assert cache.get("m", "aa") is not None  # used again: now the most recent
    embedder.embed(["oo"])
    assert len(cache) == 3 and ("m", "ee") not in cache and ("m", "aa") in cache
    encoder.seen.clear()
    out = embedder.embed(["uu", "aa", "yy", "ee", "uu"])  # five texts, four distinct, cache of 3
    assert out.shape == (5, 3) and sorted(encoder.seen) == ["ee", "uu", "yy"]
    np.testing.assert_array_equal(out[0], out[4])
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0)
    assert len(cache) == 3
    assert len(EmbeddingCache()) == 0 and EmbeddingCache().max_entries == 200_000
    with pytest.raises(InvalidSettingError):
        EmbeddingCache(max_entries=0)


def test_cache_copies_and_freezes_vectors():
    cache = EmbeddingCache()
    vector = np.array([1.0, 2.0])
    cache.put("m", "x", vector)
    vector[0] = 99.0
    stored = cache.get("m", "x")
    assert stored is not None and stored[0] == 1.0
    with pytest.raises(ValueError):
        stored[0] = 5.0
    with pytest.raises(InvalidSettingError):
        cache.load_arrays("m", ["k1", "k2"], np.zeros((3, 2)))


def test_embed_rejects_a_bare_string_and_non_strings():
    embedder = StatementEmbedder(CountingEncoder(), model_name="c")
    with pytest.raises(InvalidSettingError):
        embedder.embed("one text")
    with pytest.raises(InvalidSettingError):
        embedder.embed(["ok", 3])  # type: ignore[list-item]
    with pytest.raises(InvalidSettingError):
        StatementEmbedder(CountingEncoder())  # a loaded encoder needs a cache name


def test_cosine_similarities_checks_shapes():
    np.testing.assert_allclose(
        cosine_similarities(np.ones(2), np.array([[1.0, 1.0], [-1, -1]])), [1.0, -1.0]
    )
    with pytest.raises(InvalidSettingError):
        cosine_similarities(np.ones(3), np.ones((2, 2)))


# --- near-duplicates ----------------------------------------------------------------------------

EXISTING = [
    "Mantelzorgers krijgen te weinig steun van de gemeente.",
    "Er zijn te weinig huisartsen in onze regio.",
    "De wachtlijsten in de jeugdzorg zijn te lang.",
    "Ouderen moeten langer thuis kunnen blijven wonen.",
    "Het eigen risico moet omlaag.",
    "Het ziekenhuis moet zijn spoedeisende hulp houden.",
]


def test_every_candidate_model_has_measured_settings_and_unknown_ones_flag_nothing():
    for model in (MULTILINGUAL_E5, USE_MULTILINGUAL, MINILM):
        assert duplicate_settings(model) is not None
    alias = "sentence-transformers/all-MiniLM-L6-v2"
    assert duplicate_settings(alias) == duplicate_settings(MINILM)
    assert duplicate_settings("/srv/models/my-model") is None


def test_an_encoder_is_a_name_and_unit_vectors_and_sentence_transformers_style_objects_work():
    class Words:
        name = "words"

        def encode(self, sentences: list[str]) -> np.ndarray:
            return np.array([[len(s), s.count(" ") + 1.0] for s in sentences])

    assert isinstance(Words(), Encoder)
    vectors = StatementEmbedder(Words()).embed(["een twee", "drie"])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    # an object with sentence-transformers' encode(sentences, **kwargs) and no name
    assert StatementEmbedder(CountingEncoder(), model_name="st").embed(["aa"]).shape == (1, 3)


def test_an_encoder_that_bounds_its_own_passes_gets_larger_calls():
    class Calls(CountingEncoder):
        def __init__(self, texts_per_call: int | None = None) -> None:
            super().__init__()
            self.sizes: list[int] = []
            if texts_per_call is not None:
                self.texts_per_call = texts_per_call

        def encode(self, sentences: list[str], **kwargs: object) -> np.ndarray:
            self.sizes.append(len(sentences))
            return super().encode(sentences)

    texts = [f"stelling {i}" for i in range(10)]
    plain, own = Calls(), Calls(texts_per_call=8)
    StatementEmbedder(plain, model_name="plain", batch_size=3).embed(texts)
    StatementEmbedder(own, model_name="own", batch_size=3).embed(texts)
    assert plain.sizes == [3, 3, 3, 1]  # the embedder's batch_size
    assert own.sizes == [8, 2]  # the encoder's texts_per_call, when larger
    small = Calls(texts_per_call=2)
    StatementEmbedder(small, model_name="small", batch_size=3).embed(texts)
    assert small.sizes == [3, 3, 3, 1]


def test_dutch_paraphrase_is_the_first_suggestion_and_flagged():
    check = near_duplicates("Het eigen risico is te hoog.", EXISTING, embedder=packaged_embedder())
    assert check.candidates[0].index == 4 and check.is_duplicate and check.flagged == (4,)
    assert check.model_name == DEFAULT_MODEL
    settings = duplicate_settings(DEFAULT_MODEL)
    assert settings is not None and settings.flag is not None
    assert check.threshold == settings.flag.dutch_threshold  # the Dutch line


@pytest.mark.parametrize("new", [
    "Het eigen risico moet omhoog.",
    "Het ziekenhuis hoeft zijn spoedeisende hulp niet te houden.",
    "Mantelzorgers krijgen genoeg steun van de gemeente.",
    "Ouderen moeten niet langer thuis blijven wonen.",
])
def test_opposites_are_listed_as_opposite_and_never_flagged(new):
    check = near_duplicates(new, EXISTING, embedder=packaged_embedder(), top=len(EXISTING))
    assert not check.is_duplicate
    partner = max(check.candidates, key=lambda c: c.cosine)
    assert partner.opposite_polarity and not partner.is_duplicate


def test_unrelated_and_same_topic_statements_are_not_flagged():
    # Not here: a one-word swap such as "tandartsen" for "huisartsen" IS flagged (a known limit,
    # benchmarks/RESULTS.md): the embeddings put it at cosine 0.97.
    for new in ("Schools should pay more attention to healthy food.",
                "De bibliotheek moet op zondag open zijn.",
                "Er moet in onze gemeente een nieuw zwembad komen.",
                "Jongeren moeten op school les krijgen over gezonde voeding."):
        assert not near_duplicates(new, EXISTING, embedder=packaged_embedder()).is_duplicate


def test_stored_embeddings_with_texts_give_the_same_answer_and_without_texts_flag_nothing():
    embedder = packaged_embedder()
    stored = embedder.embed(EXISTING)
    new = "Het eigen risico is te hoog."
    with_texts = near_duplicates(new, stored, embedder=embedder, existing_texts=EXISTING)
    assert with_texts == near_duplicates(new, EXISTING, embedder=embedder)
    without = near_duplicates(new, stored, embedder=embedder, top=1)
    assert not without.is_duplicate and without.candidates[0].index == 4


def test_bulk_texts_are_checked_against_existing_and_each_other():
    texts = ["Het eigen risico moet flink verlaagd worden, het is te hoog.",
             "Er moet een nieuw zwembad komen.",
             "Er moet in onze gemeente een nieuw zwembad komen."]
    checks = duplicates_among(texts, EXISTING, embedder=packaged_embedder())
    assert checks[0].flagged == (4,)
    assert not checks[1].is_duplicate
    assert checks[2].flagged == (len(EXISTING) + 1,)
    with pytest.raises(InvalidSettingError):
        duplicates_among("one string", embedder=packaged_embedder())


class Topics:
    """Stand-in model: one axis per topic word, so statements on a topic score cosine 1."""

    name = "topics"

    def encode(self, sentences: list[str]) -> np.ndarray:
        return np.array([[float("risico" in s), float("huisarts" in s), 0.1] for s in sentences])


def _flagging(threshold: float) -> DuplicateSettings:
    """Settings whose flag model says yes to everything (threshold -inf) or no (inf)."""
    return DuplicateSettings(
        threshold=0.0, intercept=0.0, cosine_weight=1.0, margin_weight=0.0, lexical_weight=1.0,
        reference_cosine=0.0, conflict_penalty=0.0,  # an opposite keeps its rank
        flag=DuplicateFlagModel(threshold=threshold, intercept=0.0, cosine_weight=1.0,
                                margin_weight=0.0, shared_weight=0.0, seed_margin_weight=0.0,
                                residual_weight=0.0))


def test_the_flag_model_decides_on_the_best_ranked_statement_only():
    embedder = StatementEmbedder(Topics())
    existing = ["Het eigen risico moet omlaag.", "Het eigen risico is een probleem voor mensen.",
                "Er zijn te weinig huisartsen."]
    yes, no = _flagging(-np.inf), _flagging(np.inf)
    check = near_duplicates("Het eigen risico moet verlaagd worden.", existing,
                            embedder=embedder, settings=yes)
    assert check.flagged == (check.candidates[0].index,) and check.threshold == -np.inf
    assert not near_duplicates("Het eigen risico moet verlaagd worden.", existing,
                               embedder=embedder, settings=no).is_duplicate
    # The best-ranked statement is the opposite: nothing is flagged, not the runner-up either.
    opposite = near_duplicates("Het eigen risico moet omhoog.", existing[:2],
                               embedder=embedder, settings=yes, top=2)
    assert opposite.candidates[0].index == 0 and opposite.candidates[0].opposite_polarity
    assert not opposite.is_duplicate


def test_a_dutch_statement_is_flagged_on_the_dutch_line_others_on_the_common_one():
    # The flag model's log-odds here is the cosine: 1.0 for a statement on the same topic.
    embedder = StatementEmbedder(Topics())
    common = _flagging(0.5)
    stricter = replace(common, flag=replace(common.flag, dutch_threshold=1.5))
    dutch = ("Het eigen risico moet verlaagd worden.",
             ["Het eigen risico moet omlaag.", "Er zijn te weinig huisartsen."])
    english = ("Many people find the risico a heavy burden.",
               ["The risico weighs heavily on many people.", "There are too few huisarts places."])
    for settings, dutch_flagged in ((common, True), (stricter, False)):
        check = near_duplicates(dutch[0], dutch[1], embedder=embedder, settings=settings)
        assert check.candidates[0].cosine == pytest.approx(1.0)
        assert check.is_duplicate is dutch_flagged
        assert check.threshold == (0.5 if settings is common else 1.5)
        # English keeps the common line whatever the Dutch one is.
        check = near_duplicates(english[0], english[1], embedder=embedder, settings=settings)
        assert check.flagged == (0,) and check.threshold == 0.5


def test_flag_evidence_reads_the_words_that_differ():
    words_seen: list[str] = []

    def embed(texts: list[str]) -> np.ndarray:
        words_seen.extend(texts)
        return np.array([[1.0, 0.0], [0.6, 0.8]])

    texts = ["Mantelzorgers moeten een vaste contactpersoon krijgen.", "De bus rijdt te weinig."]
    new = "Mantelzorgers moeten een vergoeding voor reiskosten krijgen."
    ev = evidence(new, texts, np.array([0.95, 0.4]), 0.8)
    fe = flag_evidence(new, texts, ev, 0, np.array([1.0, 0.85]), embed, 0.8)
    assert words_seen == ["vergoeding reiskosten", "vaste contactpersoon"]
    assert fe.residual_cosine == pytest.approx(0.6) and fe.shared == 1.0
    assert fe.seed_margin == pytest.approx(0.95 - 0.85) and fe.cosine == 0.95


def test_near_duplicates_validates_its_arguments():
    embedder = StatementEmbedder(CountingEncoder(), model_name="c")
    with pytest.raises(InvalidSettingError):
        near_duplicates("tekst", ["a"], embedder=embedder, top=0)
    with pytest.raises(InvalidSettingError):
        near_duplicates("   ", ["a"], embedder=embedder)
    with pytest.raises(InvalidSettingError):
        near_duplicates("tekst", "a", embedder=embedder)
    assert near_duplicates("tekst", [], embedder=embedder).candidates == ()


def test_polarity_mismatch_reads_negations_and_direction_words():
    assert polarity_mismatch("My GP is easy to reach.", "My GP is difficult to reach.")
    assert polarity_mismatch("Youth care works well.", "Youth care doesn't work at all.")
    assert not polarity_mismatch("Youth care does not work.", "Youth care isn't working.")
    assert not polarity_mismatch("Het eigen risico moet omlaag.", "Het eigen risico is te hoog.")

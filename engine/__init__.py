"""Meedenken's analysis engine: pure math on sparse vote matrices (agree = +1).

Most public names are loaded on first use (PEP 562 ``__getattr__``), so ``import
meedenken.engine``, or importing one light module of it (``errors``, ``settings``, ``matrix``),
does not load scikit-learn (which imports pandas): ``meedenken --help`` and the service's
start-up stay fast. ``from meedenken.engine import analyze`` works as before and loads what
``analyze`` needs. The engine never imports ``meedenken.api`` or ``meedenken.models``, nor
torch, sentence-transformers, matplotlib, pandas or FastAPI at import time
(tests/test_imports.py checks both rules).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from .analysis import analyze, update
    from .bridging import BridgingResult, BridgingSettings, BridgingStatement, bridging
    from .errors import EngineError, InvalidSettingError, InvalidVotesError
    from .matrix import VoteMatrix
    from .result import AnalysisResult, AnalysisState, ClusteringResult, OpinionMap
    from .settings import POLIS, AnalysisSettings, DiversitySettings, LiveSettings

#: Public name -> the module of this package that defines it.
_EXPORTS = {
    "bridging": "bridging",
    "BridgingResult": "bridging",
    "BridgingSettings": "bridging",
    "BridgingStatement": "bridging",
    "analyze": "analysis",
    "update": "analysis",
    "EngineError": "errors",
    "InvalidSettingError": "errors",
    "InvalidVotesError": "errors",
    "VoteMatrix": "matrix",
    "AnalysisResult": "result",
    "AnalysisState": "result",
    "ClusteringResult": "result",
    "OpinionMap": "result",
    "POLIS": "settings",
    "AnalysisSettings": "settings",
    "DiversitySettings": "settings",
    "LiveSettings": "settings",
}

__all__ = [
    "POLIS",
    "AnalysisResult",
    "AnalysisSettings",
    "AnalysisState",
    "BridgingResult",
    "BridgingSettings",
    "BridgingStatement",
    "ClusteringResult",
    "DiversitySettings",
    "EngineError",
    "InvalidSettingError",
    "InvalidVotesError",
    "LiveSettings",
    "OpinionMap",
    "VoteMatrix",
    "analyze",
    "bridging",
    "update",
]


class _Package(types.ModuleType):
    """This package's module type: ``bridging`` names both a function and its module, and
    importing the module ``meedenken.engine.bridging`` binds it on the package as ``bridging``;
    the package keeps the name for the function, as it always had (loaded on first use like the
    other names, so that ``import meedenken.engine``, and reading ``engine.settings`` in
    ``meedenken analyze`` before the export, no longer load SciPy and the bridging modules)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "bridging" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use and keep the name here."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups find it without calling this
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

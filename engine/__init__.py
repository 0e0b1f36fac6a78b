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
from typing import TYPE_CHECKING, Any

# ``bridging`` names both a function and its module: imported lazily, a later ``import
# meedenken.engine.bridging`` would rebind the package's ``bridging`` to the module. Loaded here
# (numpy and SciPy only), the name stays the function, as it always was.
from .bridging import BridgingResult, BridgingSettings, BridgingStatement, bridging

if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from .analysis import analyze, update
    from .errors import EngineError, InvalidSettingError, InvalidVotesError
    from .matrix import VoteMatrix
    from .result import AnalysisResult, AnalysisState, ClusteringResult, OpinionMap
    from .settings import POLIS, AnalysisSettings, DiversitySettings, LiveSettings

#: Public name -> the module of this package that defines it.
_EXPORTS = {
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

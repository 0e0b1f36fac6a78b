"""Meedenken's analysis engine: pure math on sparse vote matrices (agree = +1)."""

from .analysis import analyze, update
from .bridging import BridgingResult, BridgingSettings, BridgingStatement, bridging
from .errors import EngineError, InvalidSettingError, InvalidVotesError
from .matrix import VoteMatrix
from .result import AnalysisResult, AnalysisState, ClusteringResult, OpinionMap
from .settings import POLIS, AnalysisSettings, DiversitySettings, LiveSettings

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

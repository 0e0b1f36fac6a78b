"""The engine's small exception hierarchy.

Every error raised on purpose by ``engine`` derives from :class:`EngineError`, and each names the
parameter and the offending value, so callers (the API, the CLI) can turn it into one clear line.
"""

from __future__ import annotations

__all__ = ["EngineError", "InvalidSettingError", "InvalidVotesError"]


class EngineError(ValueError):
    """Base class of every error the engine raises on purpose."""


class InvalidVotesError(EngineError):
    """Vote records that cannot be turned into a vote matrix (bad value, mismatched lengths...)."""


class InvalidSettingError(EngineError):
    """A setting outside its allowed range, e.g. ``max_groups=11``."""

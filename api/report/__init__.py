"""``meedenken report``: one self-contained HTML report of a conversation, with its figures.

Public names load on first use (matplotlib is heavy), so ``meedenken --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["SECTIONS", "Report", "ReportSource", "build_report", "from_polis_export",
           "write_report"]

_HOME = {"SECTIONS": "build", "Report": "build", "build_report": "build",
         "write_report": "build", "ReportSource": "source", "from_polis_export": "source"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

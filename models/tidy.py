"""Former home of the tidy tables; they now live in :mod:`meedenken.api.present.tidy`, beside
the other renderings of an analysis result.

``from meedenken.models.tidy import tidy_tables`` keeps working: names are looked up in the new
module when first used, so importing this module does not import ``meedenken.api`` (the
database models stay independent of the service).
"""

from __future__ import annotations

from typing import Any

#: The public names of :mod:`meedenken.api.present.tidy`, served from here too.
MOVED = frozenset({"FORMATS", "TABLES", "neutralise", "read_tables", "restore", "tidy_tables",
                   "write_tables"})


def __getattr__(name: str) -> Any:
    """``meedenken.models.tidy.X`` is ``meedenken.api.present.tidy.X`` (imported on first use)."""
    if name in MOVED:
        from meedenken.api.present import tidy

        return getattr(tidy, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

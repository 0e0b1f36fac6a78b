"""What every ``meedenken`` subcommand shares: the one-line error, and the analysis settings
from the common options.

Both ``meedenken analyze`` (:mod:`meedenken.api.cli.main`) and ``meedenken report``
(:mod:`meedenken.api.report.cli`) use them, so they live here rather than in either command:
the main command imports the report's, and the report's must not import it back.

Light on purpose: ``meedenken --help`` imports this module, so the engine is imported inside
:func:`analysis_settings`, not at the top.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from meedenken.engine import AnalysisSettings

__all__ = ["CommandError", "analysis_settings"]


class CommandError(Exception):
    """A problem a subcommand reports as one line (bad arguments, unusable input).

    ``prog`` names the (sub)command in the message, like argparse does.
    """

    def __init__(self, message: str, prog: str = "meedenken") -> None:
        super().__init__(message)
        self.prog = prog


def analysis_settings(args: argparse.Namespace) -> AnalysisSettings:
    """The engine settings of ``--polis-compatible``, ``--k`` and ``--max-groups``.

    Raises
    ------
    CommandError
        A value the engine refuses, naming the option (as argparse names a bad argument).
    """
    from meedenken.engine import POLIS, AnalysisSettings, EngineError

    settings = POLIS if args.polis_compatible else AnalysisSettings()
    for option, name, value in (
        ("--k", "force_k", args.k),
        ("--max-groups", "max_groups", args.max_groups),
    ):
        if value is not None:
            try:
                settings = settings.with_(**{name: value})
            except EngineError as exc:
                raise CommandError(f"argument {option}: {exc}", prog="meedenken analyze") from exc
    return settings

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

__all__ = ["CommandError", "add_min_group_size", "analysis_settings"]


class CommandError(Exception):
    """A problem a subcommand reports as one line (bad arguments, unusable input).

    ``prog`` names the (sub)command in the message, like argparse does.
    """

    def __init__(self, message: str, prog: str = "meedenken") -> None:
        super().__init__(message)
        self.prog = prog


def analysis_settings(args: argparse.Namespace,
                      prog: str = "meedenken analyze") -> AnalysisSettings:
    """The engine settings of ``--polis-compatible``, ``--k``, ``--max-groups`` and
    ``--min-group-size``.

    Raises
    ------
    CommandError
        A value the engine refuses, naming the option (as argparse names a bad argument); a
        group size minimum in Pol.is mode, which has none (Pol.is publishes any group).
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
                raise CommandError(f"argument {option}: {exc}", prog=prog) from exc
    minimum = getattr(args, "min_group_size", None)
    if minimum is not None:
        if args.polis_compatible:
            raise CommandError("argument --min-group-size: not with --polis-compatible (Pol.is "
                               "has no group size minimum)", prog=prog)
        try:
            settings = settings.with_(grouping=settings.grouping.with_(min_group_size=minimum))
        except EngineError as exc:
            raise CommandError(f"argument --min-group-size: {exc}", prog=prog) from exc
    return settings


def add_min_group_size(parser: argparse.ArgumentParser) -> None:
    """``--min-group-size N``, shared by ``analyze`` and ``report`` (issue 15, item 3)."""
    parser.add_argument(
        "--min-group-size", type=int, metavar="N",
        help="smallest opinion group published (default 5, the k-anonymity minimum; never "
             "below 3); smaller groups are merged into their nearest group")

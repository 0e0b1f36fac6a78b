"""``meedenken report SOURCE --out report.html``: the report subcommand (registered in api.cli).

Heavy imports (matplotlib, the engine) happen in :func:`run`, so ``meedenken --help`` stays fast.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from meedenken.api.cli.common import add_min_group_size

__all__ = ["configure", "run"]

logger = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``meedenken report``."""
    parser.add_argument("source", type=Path, nargs="?",
                        help="Pol.is export folder (or .zip) with votes.csv or "
                             "participants-votes.csv and comments.csv")
    parser.add_argument("--db", metavar="URL",
                        help="instead of SOURCE: the service database (sqlite:///file.db, "
                             "postgresql://...)")
    parser.add_argument("--conversation", type=int, metavar="ID",
                        help="with --db: the conversation to report on")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="the HTML file to write; figures go next to it as "
                             "<stem>-<figure>.png/.svg")
    parser.add_argument("--lang", choices=("nl", "en"), default="nl",
                        help="language of the report (default nl)")
    parser.add_argument("--polis-compatible", action="store_true",
                        help="reproduce what Pol.is computes (engine.settings.POLIS)")
    parser.add_argument("--k", type=int, metavar="K", help="force the number of groups")
    parser.add_argument("--max-groups", type=int, metavar="N",
                        help="largest number of groups considered (2..10, default 5)")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="random_state of the analysis (default 0)")
    add_min_group_size(parser)
    parser.add_argument("--include-moderated", action="store_true",
                        help="keep comments Pol.is moderators rejected")
    parser.add_argument("--drop-unmoderated", action="store_true",
                        help="leave out comments nobody moderated (kept by default, and "
                             "counted in the report)")
    parser.add_argument("--no-topics", action="store_true",
                        help="leave out the topics section (it loads the embedding model)")
    parser.add_argument("--tables", type=Path, metavar="DIR",
                        help="also write the tidy tables (CSV and Parquet) to DIR")


def run(args: argparse.Namespace) -> int:
    """Build and write the report; returns 0. Errors are raised for api.cli.main to report."""
    from meedenken.api.cli.common import CommandError, analysis_settings
    from meedenken.api.present.tidy import write_tables

    from .build import build_report, write_report
    from .db_source import DatabaseSourceError, from_database
    from .provenance import command_line
    from .source import from_polis_export

    prog = "meedenken report"
    if args.out.suffix.lower() not in (".html", ".htm"):
        raise CommandError(f"argument --out: expected an .html file, got '{args.out}'", prog=prog)
    if args.out.exists() and args.out.is_dir():
        raise CommandError(f"argument --out: '{args.out}' is a folder", prog=prog)
    if (args.source is None) == (args.db is None):
        raise CommandError("give either SOURCE (a Pol.is export) or --db URL --conversation ID",
                           prog=prog)
    if args.db is not None and args.conversation is None:
        raise CommandError("argument --db: --conversation ID is required with it", prog=prog)
    settings = analysis_settings(args, prog)
    progress = sys.stderr.isatty()
    if args.db is not None:
        try:
            source = from_database(args.db, args.conversation)
        except DatabaseSourceError as exc:
            raise CommandError(str(exc), prog=prog) from exc
        if args.max_groups is None and source.max_groups is not None:
            settings = settings.with_(max_groups=source.max_groups)
    else:
        source = from_polis_export(args.source, include_moderated=args.include_moderated,
                                   drop_unmoderated=args.drop_unmoderated, progress=progress)
    report = build_report(source, settings, lang=args.lang, seed=args.seed, progress=progress,
                          topics=not args.no_topics, command=command_line())
    if args.db is not None:  # issue 21: any round reports its whole trajectory
        from .trajectory import insert_section, trajectory_section

        section = trajectory_section(args.db, args.conversation, args.lang)
        if section is not None:
            report = replace(report, html=insert_section(report.html, section.html),
                             figures=report.figures + section.figures)
    try:
        written = write_report(report, args.out)
        if args.tables is not None:
            written += write_tables(report.tables, args.tables)
    except OSError as exc:
        raise CommandError(f"cannot write: {exc.strerror}: {exc.filename}", prog=prog) from exc
    logger.info("wrote %d files", len(written))
    print(args.out)
    return 0

"""The ``meedenken`` command line (console script ``meedenken = api.cli:main``).

``meedenken analyze FOLDER [--json]`` reads a Pol.is export and prints its opinion groups,
representative and consensus statements.

Adding a subcommand: write ``configure(parser)`` (adds its arguments) and ``run(args) -> int``
(the exit status), and add ``Subcommand(help, configure, run)`` to :data:`SUBCOMMANDS`; import
heavy modules inside ``run`` (and anything of ``meedenken.engine`` or ``meedenken.models``), so
``meedenken --help`` stays fast: tests/test_imports.py checks that it loads none of them. ``run``
may raise :class:`CommandError`, :class:`~models.polis_export.ExportError` or
:class:`~engine.errors.EngineError`; :func:`main` turns each into one line on stderr and exit
status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import textwrap
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from meedenken.api.cli.common import CommandError, add_min_group_size, analysis_settings
from meedenken.api.report import cli as report_cli

if TYPE_CHECKING:
    from meedenken.engine import AnalysisResult, AnalysisSettings, AnalysisState
    from meedenken.models.polis_export import PolisExport

__all__ = ["SUBCOMMANDS", "CommandError", "Subcommand", "build_parser", "main"]

logger = logging.getLogger(__name__)

#: Exit status for bad input (unreadable export, bad arguments), as argparse uses.
EXIT_USAGE = 2
#: Width of the readable summary's wrapped statement texts.
TEXT_WIDTH = 100


@dataclass(frozen=True)
class Subcommand:
    """One ``meedenken`` subcommand: its help line, its arguments and what it runs."""

    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error becomes one line (raised, reported by :func:`main`)."""

    def error(self, message: str) -> Any:  # argparse declares NoReturn; we raise instead
        raise CommandError(f"{message} (see '{self.prog} --help')", prog=self.prog)


# ---------------------------------------------------------------------- analyze
def _configure_analyze(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path,
                        help="Pol.is export folder (or .zip): the CSV export, or the Pol.is API's "
                        "votes.json, comments.json and conversation.json")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--polis-compatible",
        action="store_true",
        help="reproduce what Pol.is computes (engine.settings.POLIS)",
    )
    parser.add_argument("--k", type=int, metavar="K", help="force the number of groups")
    parser.add_argument(
        "--max-groups",
        type=int,
        metavar="N",
        help="largest number of groups considered (2..10, default 5)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="N", help="random_state of the analysis (default 0)"
    )
    add_min_group_size(parser)
    parser.add_argument(
        "--include-moderated",
        action="store_true",
        help="keep comments moderators rejected (moderated = -1)",
    )
    parser.add_argument(
        "--drop-unmoderated",
        action="store_true",
        help="leave out comments nobody moderated (moderated = 0; kept by default, and counted)",
    )
    parser.add_argument(
        "--infer-meta",
        action="store_true",
        help="where comments.csv has no is-meta column (older exports), flag as meta the "
        "comments participants voted on first (Pol.is routes meta comments first)",
    )
    parser.add_argument(
        "--keep-in-conv",
        action="store_true",
        help="keep the participants the export grouped in conversation (Pol.is's persisted "
        "once-in-always-in state), beside those the vote-count rule admits",
    )
    parser.add_argument(
        "--polis-math",
        type=Path,
        metavar="FILE",
        help="with --polis-compatible: continue from Pol.is's math state (its math-pca2.json: "
        "in-conv set, base clusters, groups, PCA, group votes) with one Pol.is update",
    )
    parser.add_argument(
        "--api-agree-sign",
        type=int,
        choices=(-1, 1),
        help="the vote value meaning agree in a Pol.is API votes.json (default: read from the "
        "comments' agree counts, else -1 as the Pol.is API serves it)",
    )


def _polis_state(args: argparse.Namespace, settings: AnalysisSettings,
                 export: PolisExport) -> tuple[PolisExport, AnalysisState | None]:
    """The engine state of ``--polis-math`` (None without it), and the export, its votes'
    sign settled by the math where the reader had to guess; mismatches are logged."""
    if args.polis_math is None:
        return export, None
    from meedenken.models.polis_math import (
        math_mismatches,
        polis_state,
        read_polis_math,
        with_math_sign,
    )

    math = read_polis_math(args.polis_math)
    export, flipped = with_math_sign(math, export)
    if flipped:
        logger.warning("%s: votes read with the sign the math state was computed on (the "
                       "comments' counts did not settle it)", args.folder)
    for problem in math_mismatches(math, export):
        logger.warning("%s: %s", args.polis_math, problem)
    return export, polis_state(math, k_buffer=settings.k_buffer)


def _run_analyze(args: argparse.Namespace) -> int:
    from meedenken.api.cli.process import (
        ANALYZE_MODULES,
        parse_on_one_core,
        pause_collector,
        preload,
    )
    from meedenken.models.polis_api import read_conversation  # NumPy and pyarrow only

    if args.polis_math is not None and not args.polis_compatible:
        raise CommandError("argument --polis-math: needs --polis-compatible (Pol.is's state "
                           "continues only with Pol.is's steps)", prog="meedenken analyze")
    settings = analysis_settings(args)  # the engine's settings only (no SciPy yet)
    pause_collector()  # a one-shot command: no collector passes over a million objects
    # pandas, scikit-learn and pydantic are imported in the background while this thread reads
    # the export, builds the matrix and counts participation (process.Preload).
    loading = preload(ANALYZE_MODULES)
    parse_on_one_core()
    start = time.perf_counter()
    export = read_conversation(args.folder, progress=sys.stderr.isatty(),
                               agree_sign=args.api_agree_sign)
    if args.polis_math is not None:
        loading.join()  # the math state's reader needs the engine's results
    export, previous = _polis_state(args, settings, export)
    inferred: tuple[int, ...] = ()
    if args.infer_meta:
        export, inferred = export.with_inferred_meta()
    read_seconds = time.perf_counter() - start

    loading.wait_for("meedenken.engine.matrix")  # so that the seconds are the build's alone
    start = time.perf_counter()
    matrix = export.to_matrix(exclude_moderated=not args.include_moderated,
                              drop_unmoderated=args.drop_unmoderated)
    moderation = export.moderation_counts(not args.include_moderated, args.drop_unmoderated)
    matrix_seconds = time.perf_counter() - start

    logger.info(
        "read %s: %d participants, %d statements, %d votes in %.2f s",
        args.folder,
        matrix.n_participants,
        matrix.n_statements,
        matrix.n_votes,
        read_seconds,
    )
    if matrix.n_votes == 0:
        raise CommandError(f"{args.folder}: the export holds no votes; nothing to analyse")
    loading.wait_for("meedenken.api.cli.diversity")
    from meedenken.api.cli.diversity import (
        diversity_json,
        diversity_lines,
        export_diversity,
        export_participation,
    )

    start = time.perf_counter()
    part = export_participation(export, settings.diversity, settings.min_votes)
    diversity_seconds = time.perf_counter() - start

    loading.wait_for("meedenken.engine.steps")
    from meedenken.engine import EngineError, analyze

    try:
        kept = list(export.polis_groups()) if args.keep_in_conv else None
        result = analyze(matrix, settings, previous=previous, random_state=args.seed,
                         in_conversation=kept)
    except EngineError as exc:
        raise CommandError(f"{args.folder}: cannot analyse: {exc}") from exc
    loading.join()  # the opinion measures and the presentation of the answer
    start = time.perf_counter()
    diversity = export_diversity(export, matrix, result, settings.diversity, settings.min_votes,
                                 part=part)
    diversity_seconds += time.perf_counter() - start
    seconds = {"read": read_seconds, "matrix": matrix_seconds, **result.timings,
               "diversity": diversity_seconds}
    if args.json:
        from meedenken.api.present.analysis import StatementInfo, analyze_answer, as_json
        from meedenken.api.present.schemas import ModerationCounts

        states = {-1: "rejected", 0: "pending", 1: "accepted"}  # Pol.is moderated -> ours
        infos: dict[Hashable, StatementInfo] = {
            c.comment_id: StatementInfo(c.text, states[c.moderated], c.is_meta)
            for c in export.comments}
        answer = analyze_answer(result, seconds, meta_inferred=inferred,
                                diversity=diversity_json(diversity), statements=infos,
                                moderation=ModerationCounts(**moderation),
                                active=matrix.active)
        print(json.dumps(as_json(answer), ensure_ascii=False, allow_nan=False))
    else:
        print(summary_text(result, export, matrix.excluded, matrix.meta, seconds, args.seed,
                           moderation, settings))
        if inferred:
            print("\nMeta statements inferred from the vote order (--infer-meta): "
                  + ", ".join(map(str, inferred)))
        print("\n" + "\n".join(diversity_lines(diversity)))
    return 0


def _statement(heading: str, text: str) -> list[str]:
    """A statement's heading line, then its text wrapped and indented below it."""
    body = textwrap.fill(
        " ".join(text.split()) or "(no text)",
        width=TEXT_WIDTH,
        initial_indent="      ",
        subsequent_indent="      ",
    )
    return [f"  {heading}", body]


def plain_support(support: Mapping[Hashable, float]) -> str:
    """'82% of group A, 74% of group B and 69% of group C agree' (shares among those who took
    a side, what the common-ground rule reads; groups named as the dashboard and the report name
    them); never a bare score.

    >>> plain_support({0: 0.82, 1: 0.74, 2: 0.69})
    '82% of group A, 74% of group B and 69% of group C agree'
    """
    from meedenken.api.present.analysis import support_sentence
    from meedenken.api.report.i18n import strings

    return support_sentence(support, strings("en")) or "no votes from the opinion groups yet"


def summary_text(
    result: AnalysisResult,
    export: PolisExport,
    excluded: np.ndarray,
    meta: np.ndarray,
    seconds: dict[str, float],
    seed: int,
    moderation: Mapping[str, int] | None = None,
    settings: AnalysisSettings | None = None,
) -> str:
    """The readable summary: counts, the groups' stability ("no clear opinion groups" as the
    report and the dashboard say it) and how k was chosen, each group with its representative
    statements (texts, agree/disagree % in the group; Pol.is's fallback rows marked as not
    passing the test), then the consensus statements worded as their interval allows."""
    from meedenken.api.present.analysis import (
        bridging_entries,
        common_ground_shown,
        no_clear_groups,
        why_not_sentence,
    )
    from meedenken.api.present.wording import WORDING_EN, group_name, majority_wording
    from meedenken.api.report.i18n import strings
    from meedenken.api.report.stability import stability_words

    texts: dict[Hashable, str] = {c.comment_id: c.text for c in export.comments}
    mode = "Pol.is-compatible" if result.polis_compatible else "default"
    lines = []
    topic = export.summary.get("topic")
    if topic:
        lines.append(f"Topic: {' '.join(topic.split())}")
    lines += [
        f"{result.n_participants:,} participants, {result.n_statements:,} statements "
        f"({int(excluded.sum()):,} moderated out, {int(meta.sum()):,} meta), "
        f"{result.n_votes:,} votes; {int(np.count_nonzero(result.in_conversation)):,} "
        "participants in conversation.",
        f"{result.k} opinion group{'' if result.k == 1 else 's'} ({mode} settings, seed {seed}).",
    ]
    stability = stability_words(result, strings("en"), settings)
    if stability is not None:  # default mode
        lines.append(textwrap.fill(f"{stability['text']} {stability['min_size']}", TEXT_WIDTH))
        choice = "; ".join(x for x in (stability["steps"], stability["scores"]) if x)
        if choice:
            lines.append(textwrap.fill(f"Choice of the number of groups: {choice}.", TEXT_WIDTH))
    if moderation is not None:
        lines.append(
            f"Moderation: {moderation['moderated_out']:,} rejected statements left out"
            + (f", {moderation['moderated_out_kept']:,} kept (--include-moderated)"
               if moderation["moderated_out_kept"] else "")
            + f"; {moderation['unmoderated_kept']:,} unmoderated statements kept, "
            f"{moderation['unmoderated_dropped']:,} left out (--drop-unmoderated).")
    labels = result.clustering.labels
    n_in = int(np.count_nonzero(result.in_conversation))
    n_grouped = int(np.count_nonzero(labels >= 0))
    for row, group in enumerate(result.clustering.group_ids.tolist()):
        size = int(np.count_nonzero(labels == group))
        shares = ", ".join(f"{100 * size / n:.0f}% of {name}" for name, n in (
            ("all participants", result.n_participants), ("those in conversation", n_in),
            ("the grouped", n_grouped)) if n)
        lines += ["", f"{group_name(group, capital=True)}: {size:,} participants ({shares})"]
        statements = result.repness.get(group, [])
        if not statements:
            lines.append("  (no statement represents this group significantly)")
        for rep in statements:
            agree, disagree, total = result.group_votes[row, rep.statement_index]
            share = (
                f"{100 * agree / total:.0f}% agree, {100 * disagree / total:.0f}% disagree "
                f"in the group ({total:,} votes)"
                if total
                else "no votes in the group"
            )
            side = f"represents {rep.repful_for}" + (
                "" if rep.passes_test else "; did not pass the test (Pol.is fallback)")
            lines += _statement(f"#{rep.statement_id}: {share}; {side}",
                                texts.get(rep.statement_id, ""))
    for title, items, verb in (
        ("Consensus, agree (shares of all votes on the statement)", result.consensus_agree,
         "agree"),
        ("Consensus, disagree (shares of all votes on the statement)",
         result.consensus_disagree, "disagree"),
    ):
        lines += ["", f"{title}:"]
        if not items:
            lines.append("  (none)")
        for item in items:
            percent = 100 * item.n_success / item.n_trials if item.n_trials else 0.0
            wording = WORDING_EN[majority_wording(item.n_success, item.n_trials)]
            lines += _statement(
                f"#{item.statement_id}: {percent:.0f}% {verb} ({item.n_trials:,} votes): "
                + wording.format(verb=verb),
                texts.get(item.statement_id, ""),
            )
    lines += ["", "Common ground: statements every opinion group supports:"]
    words = strings("en")
    if no_clear_groups(result):
        lines.append(textwrap.fill(words["common_one_group"], TEXT_WIDTH,
                                   initial_indent="  ", subsequent_indent="  "))
    # The list and the reasons the report and the dashboard show (api/present/analysis.py).
    shown, empty = common_ground_shown(bridging_entries(result.bridging, digits=None))
    if empty:
        lines.append("  No common ground yet; these come closest:")
    for b in shown:
        why = f" ({why_not_sentence(b.status, b.why_not, b.why_not_roles, words)})" if empty else ""
        lines += _statement(f"#{b.statement_id}: {plain_support(b.group_support)}{why}",
                            texts.get(b.statement_id, ""))
    total = sum(v for k, v in seconds.items() if k != "total")
    lines += [
        "",
        f"Read in {seconds['read']:.2f} s, analysed in {seconds.get('total', total):.2f} s.",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------- serve, demo
def _configure_serve(parser: argparse.ArgumentParser) -> None:
    from meedenken.api.cli.server import DEFAULT_HOST, DEFAULT_PORT

    parser.add_argument("--db", help="database URL (default: $DATABASE_URL, else "
                                     "sqlite:///meedenken.db); postgresql://... for PostgreSQL")
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--log-level", default="info",
                        choices=["critical", "error", "warning", "info", "debug"],
                        help="'warning' and above also turn off the per-request access log")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes sharing the port (PostgreSQL only; default 1)")


def _run_serve(args: argparse.Namespace) -> int:
    from meedenken.api.cli.server import run_serve

    if args.workers < 1:
        print("meedenken serve: --workers must be at least 1", file=sys.stderr)
        return 2
    return run_serve(args.db, args.host, args.port, log_level=args.log_level,
                     workers=args.workers)


def _configure_migrate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database URL (default: $DATABASE_URL, else "
                                     "sqlite:///meedenken.db)")


def _run_migrate(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from meedenken.api.cli.server import run_migrations, settings_for_db

    url = settings_for_db(args.db, prog="meedenken migrate").database_url
    try:
        revision = run_migrations(url)
    except (SQLAlchemyError, ValueError) as exc:
        print(f"meedenken migrate: cannot migrate {url}: {str(exc).splitlines()[0]}",
              file=sys.stderr)
        return 2
    print(f"database schema at revision {revision}")
    return 0


def _configure_demo(parser: argparse.ArgumentParser) -> None:
    from meedenken.api.cli.server import DEFAULT_HOST, DEFAULT_PORT

    parser.add_argument("--data-dir", help="folder for the demo database (default: a new "
                                           "temporary folder)")
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-serve", action="store_true", help="seed and print, do not serve")


def _run_demo(args: argparse.Namespace) -> int:
    from meedenken.api.cli.server import run_demo

    return run_demo(args.data_dir, args.host, args.port, participants=args.participants,
                    seed=args.seed, serve=not args.no_serve)


# ---------------------------------------------------------------------- the command
#: Subcommand name -> Subcommand. Others (serve, demo, report) are added here.
SUBCOMMANDS: dict[str, Subcommand] = {
    "analyze": Subcommand(
        help="analyse a Pol.is export: opinion groups, representative and consensus statements",
        configure=_configure_analyze,
        run=_run_analyze,
    ),
    "report": Subcommand(
        help="write one self-contained HTML report (map, groups, consensus, methods) with figures",
        configure=report_cli.configure,
        run=report_cli.run,
    ),
    "serve": Subcommand(
        help="run the live dialogue service (API documentation at /docs)",
        configure=_configure_serve,
        run=_run_serve,
    ),
    "migrate": Subcommand(
        help="bring the database schema to the newest migration (once per deployment)",
        configure=_configure_migrate,
        run=_run_migrate,
    ),
    "demo": Subcommand(
        help="serve a seeded Dutch health-care demo dialogue on embedded SQLite",
        configure=_configure_demo,
        run=_run_demo,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    """The ``meedenken`` argument parser with one sub-parser per entry of :data:`SUBCOMMANDS`."""
    parser = _Parser(
        prog="meedenken", description="Meedenken: large-group deliberation engine (Pol.is-like)."
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log progress (-v) or details (-vv) on stderr",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in SUBCOMMANDS.items():
        sub = commands.add_parser(name, help=command.help, description=command.help)
        command.configure(sub)
        sub.set_defaults(handler=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 fine, 2 bad input or arguments).

    Without ``argv`` (the console script, ``python -m meedenken.api.cli``) the process ends
    after this returns, so its objects are frozen for a fast exit
    (:func:`meedenken.api.cli.process.freeze_before_exit`); called with ``argv`` (tests, other
    programs) nothing is frozen.
    """
    from meedenken.api.cli.process import freeze_before_exit, own_process

    if argv is None:
        own_process()
    status = _main(argv)
    if argv is None:
        freeze_before_exit()
    return status


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except CommandError as exc:
        print(f"{exc.prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    from meedenken.engine.errors import EngineError
    from meedenken.models.polis_export import ExportError

    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="meedenken: %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.handler(args))
    except (CommandError, ExportError, EngineError) as exc:
        print(f"{getattr(exc, 'prog', 'meedenken')}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("meedenken: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())

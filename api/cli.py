"""The ``meedenken`` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="meedenken", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _add_service_commands(sub)
    return parser


def _add_service_commands(sub: argparse._SubParsersAction) -> None:
    from .server import DEFAULT_HOST, DEFAULT_PORT

    serve = sub.add_parser("serve", help="run the live dialogue service (API docs at /docs)")
    serve.add_argument("--db", help="database URL (default: $DATABASE_URL, else "
                                    "sqlite:///meedenken.db); postgresql://... for PostgreSQL")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--log-level", default="info",
                       choices=["critical", "error", "warning", "info", "debug"],
                       help="'warning' and above also turn off the per-request access log")
    serve.set_defaults(handler=lambda a: _serve(a))

    demo = sub.add_parser("demo", help="serve a seeded Dutch health-care demo dialogue")
    demo.add_argument("--data-dir", help="folder for the demo database (default: a new temp dir)")
    demo.add_argument("--host", default=DEFAULT_HOST)
    demo.add_argument("--port", type=int, default=DEFAULT_PORT)
    demo.add_argument("--participants", type=int, default=300)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--no-serve", action="store_true", help="seed and print, do not serve")
    demo.set_defaults(handler=lambda a: _demo(a))


def _serve(args: argparse.Namespace) -> int:
    from .server import run_serve

    return run_serve(args.db, args.host, args.port, log_level=args.log_level)


def _demo(args: argparse.Namespace) -> int:
    from .server import run_demo

    return run_demo(args.data_dir, args.host, args.port, participants=args.participants,
                    seed=args.seed, serve=not args.no_serve)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

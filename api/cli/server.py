"""The ``meedenken serve`` and ``meedenken demo`` commands.

The web stack (uvicorn, FastAPI, SQLAlchemy, the engine) is imported inside the functions that
use it: ``meedenken --help`` reads :data:`DEFAULT_HOST` and :data:`DEFAULT_PORT` from here and
must not load it.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from meedenken.api.settings import Settings

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "run_demo", "run_migrations", "run_serve",
           "server_options", "settings_for_db"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

log = logging.getLogger(__name__)


def settings_for_db(db: str | None, prog: str = "meedenken serve") -> Settings:
    """The service's settings (environment, ``db`` over ``DATABASE_URL``).

    Raises
    ------
    CommandError
        A setting is invalid (a misspelt embedding model, a limit out of range): one line per
        setting, naming its environment variable, instead of pydantic's traceback.
    """
    from pydantic import ValidationError

    from meedenken.api.cli.common import CommandError
    from meedenken.api.settings import Settings

    try:
        return Settings(database_url=db) if db else Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            names = [str(part) for part in error["loc"]]
            where = f"MEEDENKEN_{names[0].upper()}: " if names else ""
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}{message}")
        raise CommandError("invalid setting: " + "; ".join(problems), prog=prog) from None


def run_serve(db: str | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
              log_level: str = "info", workers: int = 1) -> int:
    """Serve the API (migrating the database first). ``db``: URL, else ``DATABASE_URL``.

    ``workers`` > 1 starts that many uvicorn worker processes on one socket (PostgreSQL only:
    they share the database, see api/coordination.py). The schema is migrated once here, before
    they start; the workers themselves do not migrate.
    """
    settings = settings_for_db(db)  # first: importing api.http.app reads them from the env

    import uvicorn

    from meedenken.api.http.app import create_app
    from meedenken.api.http.log_config import log_config

    if workers <= 1:
        app = create_app(settings, server=True)
        uvicorn.run(app, host=host, port=port, log_level=log_level, log_config=log_config(),
                    access_log=_shows_access_lines(log_level), **server_options(settings))
        return 0
    if settings.database_url.startswith("sqlite"):
        print("meedenken serve: --workers needs PostgreSQL (DATABASE_URL=postgresql://...); "
              "an SQLite file takes one writing process", file=sys.stderr)
        return 2
    run_migrations(settings.database_url)
    # The workers are new processes: they read their settings from the environment.
    os.environ["DATABASE_URL"] = settings.database_url
    os.environ["MEEDENKEN_MIGRATE_ON_START"] = "false"
    os.environ["MEEDENKEN_HEADER_TIMEOUT_SECONDS"] = str(settings.header_timeout_seconds)
    uvicorn.run("meedenken.api.http.app:server_app", factory=True, host=host, port=port,
                workers=workers, log_level=log_level, log_config=log_config(),
                access_log=_shows_access_lines(log_level), **server_options(settings))
    return 0


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's connection limits from the settings: a header timeout (slow clients are cut
    off, api/http/timeouts.py), the keep-alive timeout and a cap on connections (issue 18)."""
    from meedenken.api.http.timeouts import HeaderTimeoutH11Protocol

    HeaderTimeoutH11Protocol.header_timeout = settings.header_timeout_seconds
    return {"http": HeaderTimeoutH11Protocol, "timeout_keep_alive": settings.keep_alive_seconds,
            "limit_concurrency": settings.max_connections}


def run_migrations(database_url: str) -> str:
    """Bring the database's schema to the newest migration; the revision it is at."""
    from meedenken.models.db import make_engine, schema_revision, upgrade

    engine = make_engine(database_url)
    try:
        upgrade(engine)
        current, _ = schema_revision(engine)
    finally:
        engine.dispose()
    return str(current)


def _shows_access_lines(log_level: str) -> bool:
    """Whether ``log_level`` shows uvicorn's access lines (INFO). When it does not, the access
    log is switched off: uvicorn formats each line's arguments (client address, quoted path)
    before the logger drops it, on every request."""
    from uvicorn.config import LOG_LEVELS

    return LOG_LEVELS[log_level.lower()] <= logging.INFO


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def run_demo(data_dir: str | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
             participants: int = 300, seed: int = 0, serve: bool = True) -> int:
    """Create a demo dialogue in a fresh SQLite file, analyse it, print the URLs and serve."""
    import uvicorn

    from meedenken.api.cli.demo import TOPIC, seed_demo
    from meedenken.api.cli.demo_db import claim_demo_database
    from meedenken.api.http.app import create_app
    from meedenken.api.http.log_config import log_config
    from meedenken.api.live.service import Service

    folder = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="meedenken-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    # Never a database another process has open (issue 19): a fresh name beside it then.
    claimed = claim_demo_database(folder)
    db_path = claimed.path
    if db_path.name != "meedenken-demo.db":
        print(f"{folder / 'meedenken-demo.db'} is in use by another process; using {db_path}")
    settings = settings_for_db(f"sqlite:///{db_path}", prog="meedenken demo")

    # Seed and analyse once in this process (no worker process to start for one analysis).
    service = Service.build(settings.model_copy(update={"analysis_in_process": True}))
    service.start()
    try:
        demo = seed_demo(service.engine, n_participants=participants, random_state=seed)
        snapshot = service.scheduler.run_once(demo.conversation_id)
        service.scheduler.wait_idle()
    finally:
        service.stop()

    if not _port_free(host, port):
        taken, port = port, _free_port(host)
        print(f"port {taken} is in use; using {port}")
    base = f"http://{host}:{port}"
    cid = demo.conversation_id
    groups = len(snapshot.result["groups"]) if snapshot else 0
    lines = [
        "",
        f"Meedenken demo: \"{TOPIC}\"",
        f"  {demo.n_participants} simulated participants, {demo.n_votes} votes, "
        f"{groups} opinion groups",
        f"  database:          {db_path}",
        f"  vote (phone page): {base}/c/{cid}",
        f"  live dashboard:    {base}/admin/{cid}#token={demo.facilitator_token}",
        f"  new conversation:  {base}/new",
        f"  API docs:          {base}/docs",
        f"  conversation:      {base}/conversations/{cid}",
        f"  analysis:          {base}/conversations/{cid}/analysis",
        f"  live stream (SSE): {base}/conversations/{cid}/stream",
        f"  export (Pol.is):   {base}/conversations/{cid}/export   (facilitator token)",
        f"  facilitator token: {demo.facilitator_token}",
        f"  participant token: {demo.participant_token}   (one of the simulated participants)",
        "",
        "Try:",
        f"  curl -H 'Authorization: Bearer {demo.participant_token}' "
        f"{base}/conversations/{cid}/next",
        "",
    ]
    print("\n".join(lines), flush=True)
    if not serve:
        return 0
    app = create_app(settings, server=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", log_config=log_config(),
                access_log=_shows_access_lines("warning"), **server_options(settings))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_demo())

"""The running service's parts, built once per app and shared by the routes."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from sqlalchemy import Engine

from models.db import WalCheckpointer, make_engine, upgrade

from .analyser import ProcessRunner, ThreadRunner
from .analysis import AnalysisScheduler
from .hub import SnapshotHub
from .settings import Settings
from .similarity import preload_embedder
from .vote_writer import VoteWriter

__all__ = ["Service"]

log = logging.getLogger(__name__)


@dataclass
class Service:
    settings: Settings
    engine: Engine
    hub: SnapshotHub
    scheduler: AnalysisScheduler
    writer: VoteWriter
    checkpointer: WalCheckpointer

    @classmethod
    def build(cls, settings: Settings) -> Service:
        # Commits never checkpoint the SQLite WAL; the checkpointer thread does (models/db.py).
        engine = make_engine(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous,
                             pool_size=settings.pool_size, sqlite_autocheckpoint=False)
        hub = SnapshotHub()
        runner: ThreadRunner | ProcessRunner
        if settings.analysis_in_process:
            runner = ThreadRunner(engine, settings.analysis_random_state)
        else:
            runner = ProcessRunner(settings.database_url, settings.sqlite_synchronous,
                                   settings.analysis_random_state)
        scheduler = AnalysisScheduler(engine, hub, runner,
                                      debounce=settings.analysis_debounce_seconds)
        writer = VoteWriter(engine, scheduler.mark_dirty, batch_max=settings.vote_batch_max)
        return cls(settings, engine, hub, scheduler, writer, WalCheckpointer(engine))

    def start(self) -> None:
        """Migrate the schema, start the writer and the analysis, re-analyse what is stale."""
        if self.settings.migrate_on_start:
            upgrade(self.engine)
        self.writer.start()
        self.checkpointer.start()
        self.scheduler.start()
        if self.settings.embedding_similarity:
            # Load the sentence model in the background: the first submission need not wait.
            threading.Thread(target=preload_embedder, name="embedder-load", daemon=True).start()
        stale = self.scheduler.recover()
        if stale:
            log.info("re-analysing conversations with votes newer than their snapshot: %s", stale)

    def stop(self) -> None:
        self.writer.stop()  # answers every queued vote first
        self.scheduler.stop()
        self.checkpointer.stop()
        self.engine.dispose()

"""The running service's parts, built once per app and shared by the routes."""

from __future__ import annotations

import gc
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

__all__ = ["Service", "freeze_heap"]

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

    def start(self, *, freeze: bool = False) -> None:
        """Migrate the schema, start the writer and the analysis, re-analyse what is stale.

        ``freeze``: a long-running server's start; see :func:`freeze_heap`."""
        if self.settings.migrate_on_start:
            upgrade(self.engine)
        self.writer.start()
        self.checkpointer.start()
        self.scheduler.start()
        if self.settings.embedding_similarity:
            # Load the sentence model in the background: the first submission need not wait.
            threading.Thread(target=_preload_embedder, args=(freeze,), name="embedder-load",
                             daemon=True).start()
        stale = self.scheduler.recover()
        if stale:
            log.info("re-analysing conversations with votes newer than their snapshot: %s", stale)
        if freeze:
            freeze_heap(collect=True)

    def stop(self) -> None:
        self.writer.stop()  # answers every queued vote first
        self.scheduler.stop()
        self.checkpointer.stop()
        self.engine.dispose()


def freeze_heap(*, collect: bool) -> None:
    """Take every object alive now out of the garbage collector's full collections.

    A server imports numpy, scipy, scikit-learn, SQLAlchemy and (for near-duplicates) torch:
    hundreds of thousands of objects that live as long as the process. CPython's full
    collection walks all of them, a pause of 150-450 ms measured under the vote load (the
    whole event loop stops), which was the p99 of the votes. :func:`gc.freeze` moves them to
    a permanent generation that collections skip; objects made later are collected as usual.
    ``collect`` first frees what is already garbage (a pause of its own: only before serving).
    For a server process only: a test process that builds many apps would keep each one's
    garbage forever.
    """
    if collect:
        gc.collect()
    gc.freeze()


def _preload_embedder(freeze: bool) -> None:
    preload_embedder()
    if freeze:  # the model's objects live as long as the process too
        freeze_heap(collect=False)

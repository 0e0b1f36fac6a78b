"""The running service's parts, built once per app and shared by the routes."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from meedenken.api.live.analyser import ProcessRunner, ThreadRunner
from meedenken.api.live.answers import AnswerCache
from meedenken.api.live.channels import DIRTY_CHANNEL
from meedenken.api.live.coordination import Coordinator, notify_dirty
from meedenken.api.live.hub import SnapshotHub
from meedenken.api.live.scheduler import AnalysisScheduler
from meedenken.api.live.similarity import preload_embedder
from meedenken.api.live.vote_writer import PG_WRITER_SETTINGS, VoteWriter
from meedenken.api.settings import Settings
from meedenken.models.db import WalCheckpointer, make_engine, schema_revision, upgrade

__all__ = ["Service", "freeze_heap"]

log = logging.getLogger(__name__)


@dataclass
class Service:
    """The database engine, the vote writer, the analysis scheduler and the SSE hub.

    On PostgreSQL the service also runs a :class:`~api.coordination.Coordinator`, so that
    several workers (processes, hosts) share one database: changes are announced to every
    worker, one worker analyses each conversation, and every worker's SSE clients get each new
    snapshot. On SQLite one process serves, and the scheduler is told directly.
    """

    settings: Settings
    engine: Engine
    hub: SnapshotHub
    scheduler: AnalysisScheduler
    writer: VoteWriter
    checkpointer: WalCheckpointer
    coordinator: Coordinator | None = None
    #: The newest snapshot per conversation, rendered once per version (api/live/answers.py).
    answers: AnswerCache = field(default_factory=AnswerCache)

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
        if engine.dialect.name == "postgresql":
            coordinator = Coordinator(settings.database_url, scheduler, hub,
                                      retry_seconds=settings.takeover_check_seconds)
            # Votes announce themselves in their own transaction; the owner schedules them. The
            # writer has connections of its own, with time limits on its transactions.
            writer_engine = make_engine(settings.database_url, pool_size=2,
                                        postgres_settings=PG_WRITER_SETTINGS)
            writer = VoteWriter(writer_engine, scheduler.announced,
                                batch_max=settings.vote_batch_max, notify_channel=DIRTY_CHANNEL)
            return cls(settings, engine, hub, scheduler, writer, WalCheckpointer(engine),
                       coordinator)
        writer = VoteWriter(engine, scheduler.mark_dirty, batch_max=settings.vote_batch_max)
        return cls(settings, engine, hub, scheduler, writer, WalCheckpointer(engine))

    def start(self, *, freeze: bool = False) -> None:
        """Migrate the schema, start the writer and the analysis, re-analyse what is stale.

        ``freeze``: a long-running server's start; see :func:`freeze_heap`."""
        if self.settings.migrate_on_start:
            upgrade(self.engine)
        current, head = schema_revision(self.engine)
        schema_ready = current == head
        if not schema_ready:
            # Serve anyway: /ready answers 503 until `meedenken migrate` has run.
            log.error("database schema at %s, this code needs %s: run `meedenken migrate`",
                      current, head)
        self.writer.start()
        self.checkpointer.start()
        self.scheduler.start()
        if self.settings.embedding_similarity:
            # Load the sentence model in the background: the first submission need not wait.
            threading.Thread(target=_preload_embedder, name="embedder-load",
                             args=(freeze, self.settings.embedding_model),
                             daemon=True).start()
        if self.coordinator is not None:
            # It claims the stale conversations no other worker owns once it is connected.
            self.coordinator.start()
            self.coordinator.wait_connected()
        elif schema_ready:
            stale = self.scheduler.recover()
            if stale:
                log.info("re-analysing conversations with votes newer than their snapshot: %s",
                         stale)
        if freeze:
            freeze_heap(collect=True)

    def mark_dirty(self, conversation_ids: Iterable[int]) -> None:
        """A conversation changed (moderation, settings): have it analysed again, by whichever
        worker analyses it."""
        ids = list(conversation_ids)
        if self.coordinator is not None:
            self.scheduler.announced(ids)
            notify_dirty(self.engine, ids)
        else:
            self.scheduler.mark_dirty(ids)

    def forget(self, conversation_id: int) -> None:
        """A conversation was deleted: stop scheduling it."""
        self.scheduler.forget(conversation_id)
        if self.coordinator is not None:
            self.coordinator.release(conversation_id)

    def stop(self) -> None:
        self.writer.stop()  # answers every queued vote first
        if self.writer.engine is not self.engine:
            self.writer.engine.dispose()
        if self.coordinator is not None:
            self.coordinator.stop()  # its locks go with its connection
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


def _preload_embedder(freeze: bool, model: str | None = None) -> None:
    preload_embedder(model)
    if freeze:  # the model's objects live as long as the process too
        freeze_heap(collect=False)

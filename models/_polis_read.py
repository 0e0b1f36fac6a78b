"""The file readers behind :func:`models.polis_export.read_export`, one per CSV file.

Each returns arrays (or raises :class:`~models._csv.ExportError` naming the file and row).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ._csv import (
    MS_PER_SECOND,
    NOT_GROUPED,
    UNKNOWN_AUTHOR,
    ExportError,
    Source,
    booleans,
    check_columns,
    column_floats,
    column_integers,
    floats,
    integers,
    read_columns,
    read_header,
    read_table,
)

if TYPE_CHECKING:  # pandas is imported where a file needs it: votes.csv is read without it
    import pandas as pd

__all__ = [
    "COMMENTS_FILE",
    "PARTICIPANTS_FILE",
    "PARTICIPANTS_FILE_NEW",
    "SUMMARY_FILE",
    "VOTES_FILE",
    "VOTE_VALUES",
    "CommentColumns",
    "ParticipantTable",
    "latest_votes",
    "read_comments",
    "read_participants",
    "read_summary",
    "read_votes",
]

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


def latest_votes(
    voters: np.ndarray, comments: np.ndarray, votes: np.ndarray, times: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(voters, comments, votes) of each cell's latest vote, sorted by voter then comment.

    The latest by time wins; among equal times the later record wins, as in
    :class:`engine.matrix.VoteMatrix`.
    """
    order = np.lexsort((np.arange(len(votes)), times, comments, voters))
    v, c = voters[order], comments[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (v[1:] != v[:-1]) | (c[1:] != c[:-1])
    keep = order[last]
    return voters[keep], comments[keep], votes[keep]


def read_votes(source: Source, progress: bool) -> tuple[np.ndarray, ...]:
    """votes.csv: (voter ids, comment ids, votes, seconds) of every vote event, in file order."""
    label = source.label(VOTES_FILE)
    header = read_header(source, VOTES_FILE)
    check_columns(header, VOTE_COLUMNS, label)
    wanted = [c for c in ("timestamp", *VOTE_COLUMNS) if c in header]
    table = read_columns(source, VOTES_FILE, wanted, progress=progress)
    times = column_floats(table, "timestamp", label)  # a new array: divided in place
    times /= MS_PER_SECOND
    columns = (
        column_integers(table, "voter-id", label),
        column_integers(table, "comment-id", label),
        column_integers(table, "vote", label, allowed=VOTE_VALUES),
        times,
    )
    for column in columns:  # PolisExport keeps read-only arrays without copying them
        column.setflags(write=False)
    return columns


def _floats(frame: pd.DataFrame, name: str, label: str) -> np.ndarray:
    """A numeric column as float64 (blank = 0); absent column = all 0."""
    if name not in frame:
        return np.zeros(len(frame))
    return floats(frame[name], label, name)


@dataclass(frozen=True)
class ParticipantTable:
    """participants-votes.csv: participant rows, Pol.is groups, xids and the votes it holds."""

    participant_ids: np.ndarray
    group_ids: np.ndarray
    xids: tuple[str, ...] | None
    votes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def read_participants(
    source: Source, name: str, progress: bool, *, with_votes: bool = True
) -> ParticipantTable:
    """participants-votes.csv: participants, Pol.is's group-id, xids and (``with_votes``) the
    final votes of its comment columns, checked against each row's n-votes/n-agree/n-disagree.
    Without ``with_votes`` the comment columns are parsed but not kept (votes.csv has them)."""
    label = source.label(name)
    header = read_header(source, name)
    layout = next((lay for lay in PARTICIPANT_LAYOUTS if tuple(header[: len(lay)]) == lay), None)
    if layout is None:
        raise ExportError(
            label,
            "unknown column layout: expected "
            f"'{','.join(PARTICIPANT_LAYOUTS[0])},<comment ids>' (optionally with "
            f"xid after participant), found '{','.join(header[:8])}'",
        )
    comment_columns = header[len(layout) :]
    for column in comment_columns:
        if not column.isdigit():
            raise ExportError(label, f"column '{column}' after n-disagree is not a comment id")
    if len(set(header)) != len(header):
        raise ExportError(label, "a column name appears twice in the header")
    wanted = header if with_votes else list(layout)
    table = read_columns(source, name, wanted, progress=progress, strings=("xid",))
    pids = column_integers(table, "participant", label)
    if len(np.unique(pids)) != len(pids):
        raise ExportError(label, "a participant appears in more than one row")
    groups = column_integers(table, "group-id", label, default=NOT_GROUPED)
    xids = (tuple("" if x is None else x for x in table.column("xid").to_pylist())
            if "xid" in layout else None)
    if not with_votes:
        empty = np.zeros(0, dtype=np.int64)
        return ParticipantTable(
            pids, groups, xids, (empty, empty, empty.astype(np.int8), np.zeros(0))
        )
    frame = table.to_pandas()
    cells = _vote_cells(frame, comment_columns, label)
    _check_counts(frame, cells, label)
    rows, cols = np.nonzero(~np.isnan(cells))
    comment_ids = np.array([int(c) for c in comment_columns], dtype=np.int64)
    votes = (pids[rows], comment_ids[cols], cells[rows, cols].astype(np.int8), np.zeros(len(rows)))
    return ParticipantTable(pids, groups, xids, votes)


def _vote_cells(frame: pd.DataFrame, columns: list[str], label: str) -> np.ndarray:
    """The comment columns as a float matrix, NaN = unseen; every other cell -1, 0 or 1."""
    import pandas as pd

    if not all(pd.api.types.is_numeric_dtype(frame[c].dtype) for c in columns):
        for c in columns:  # find the offending cell for the message
            integers(frame[c], label, f"comment column {c}", default=0)
    cells = frame[columns].to_numpy(np.float64, na_value=np.nan).reshape(len(frame), len(columns))
    bad = ~np.isnan(cells) & ~np.isin(cells, VOTE_VALUES)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise ExportError(
            label,
            f"data row {r + 1}: unknown vote value {cells[r, c]:g} in "
            f"column {columns[c]} (expected -1, 0 or 1)",
        )
    return cells


def _check_counts(frame: pd.DataFrame, cells: np.ndarray, label: str) -> None:
    """n-votes, n-agree and n-disagree must match the row's cells: a short row is a truncated
    or edited file, and would otherwise lose votes silently."""
    for name, count in (
        ("n-votes", ~np.isnan(cells)),
        ("n-agree", cells == 1),
        ("n-disagree", cells == -1),
    ):
        stated = integers(frame[name], label, name)
        found = count.sum(axis=1)
        if (stated != found).any():
            r = int(np.argmax(stated != found))
            raise ExportError(
                label,
                f"data row {r + 1}: {name} is {stated[r]} but the row holds "
                f"{found[r]} (truncated or edited file?)",
            )


@dataclass(frozen=True)
class CommentColumns:
    """comments.csv as columns, one entry per row (defaults filled in)."""

    ids: np.ndarray
    texts: list[str]
    authors: np.ndarray
    agrees: np.ndarray
    disagrees: np.ndarray
    moderated: np.ndarray
    is_meta: np.ndarray
    is_seed: np.ndarray
    timestamps: np.ndarray
    #: Whether comments.csv has an ``is-meta`` column (older exports dropped it).
    has_meta: bool = True


def read_comments(
    source: Source, voters: np.ndarray, comment_ids: np.ndarray, votes: np.ndarray
) -> CommentColumns:
    """comments.csv; agrees/disagrees, when absent, are counted from the final votes."""
    import pandas as pd

    label = source.label(COMMENTS_FILE)
    if source.last_byte(COMMENTS_FILE) not in (b"\n", b""):
        # The text is the last column: a cut inside it would pass as a shorter text.
        raise ExportError(
            label,
            "does not end with a line break; the last comment's text may "
            "be cut off (truncated file?)",
        )
    frame = read_table(
        source, COMMENTS_FILE, strings=("comment-body", "is-meta", "is-seed", "datetime")
    )
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
        _, final_comments, final_votes = latest_votes(
            voters, comment_ids, votes, np.zeros(len(votes))
        )
        where = pd.Index(ids).get_indexer(pd.Index(final_comments))
        known = where >= 0
        agrees = np.bincount(where[known & (final_votes == 1)], minlength=n)
        disagrees = np.bincount(where[known & (final_votes == -1)], minlength=n)
    flags = {
        name: booleans(frame[name], label, name) if name in frame else np.zeros(n, bool)
        for name in ("is-meta", "is-seed")
    }
    return CommentColumns(
        ids=ids,
        texts=frame["comment-body"].fillna("").astype(str).tolist(),
        authors=column("author-id", UNKNOWN_AUTHOR),
        agrees=agrees,
        disagrees=disagrees,
        moderated=column("moderated", 0, MODERATION_VALUES),
        is_meta=flags["is-meta"],
        is_seed=flags["is-seed"],
        timestamps=_floats(frame, "timestamp", label) / MS_PER_SECOND,
        has_meta="is-meta" in frame,
    )


def read_summary(source: Source) -> dict[str, str]:
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

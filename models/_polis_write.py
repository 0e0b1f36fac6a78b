"""Writers of the four CSV files of a Pol.is export, for :func:`models.polis_export.write_export`.

Each takes a :class:`~models.polis_export.PolisExport` and an open text handle.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from ._csv import MS_PER_SECOND, NOT_GROUPED, UNKNOWN_AUTHOR

if TYPE_CHECKING:
    from .polis_export import PolisExport

__all__ = [
    "FORMULA_PREFIXES",
    "neutralise_formula",
    "write_comments",
    "write_participants",
    "write_summary",
    "write_votes",
]

#: A cell starting with one of these is read as a formula by Excel, LibreOffice and Google
#: Sheets ("CSV injection", OWASP). Tab and carriage return can start a formula after a
#: spreadsheet trims them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: A line break followed by a formula character: a reader that splits the cell at the break
#: (or a spreadsheet pasting it line by line) would start a new cell there (issue 18, item 4).
_FORMULA_AFTER_BREAK = re.compile(r"(?<=[\r\n])(?=[=+\-@\t])")


def neutralise_formula(text: str) -> str:
    """``text`` with an apostrophe before a formula at its start or after any line break.

    Applied to the free-text cells only (comment-body, xid, summary values), never to ids,
    votes or counts, so those round-trip exactly; a text that begins with a formula character
    comes back from :func:`~models.polis_export.read_export` with the apostrophe (the reader
    cannot tell it from one a person typed, so it does not strip it).

    >>> print(neutralise_formula('=HYPERLINK("http://x", "klik")'))
    '=HYPERLINK("http://x", "klik")
    >>> neutralise_formula("Meer geld naar de thuiszorg")
    'Meer geld naar de thuiszorg'
    >>> neutralise_formula("bewoner\r=cmd|' /C calc'!A0")
    "bewoner\r'=cmd|' /C calc'!A0"
    """
    text = _FORMULA_AFTER_BREAK.sub("'", text)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _RowWriter:
    """``csv.writer`` whose rows end in "\n" (as Pol.is's) yet quote every field holding a CR
    or LF. Python's writer quotes only the characters of its own line terminator, so with
    "\n" a bare CR went out unquoted and readers split the row there (issue 18, item 4). Each
    row is written with "\r\n", which makes the writer quote both, and the terminator is then
    swapped for "\n"."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(row)
        self._handle.write(self._buffer.getvalue()[:-2] + "\n")

#: Pol.is writes datetimes like "Wed Jun 18 08:16:54 WIB 2014" (server time); we write UTC.
_DATETIME_TEMPLATE = "Wed Jun 18 08:16:54 UTC 2014"
_TEMPLATE_CODES = np.array([ord(c) for c in _DATETIME_TEMPLATE], dtype=np.uint32)
_WEEKDAYS = np.array(
    [[ord(c) for c in d] for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")],
    dtype=np.uint32,
)
_MONTHS = np.array(
    [
        [ord(c) for c in m]
        for m in (
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        )
    ],
    dtype=np.uint32,
)
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)
_SECONDS_PER_DAY = 86_400
_LAST_SECOND = 253_402_300_800  # 10000-01-01T00:00:00Z
#: Cells of participants-votes.csv / rows of votes.csv built per block, to bound memory.
CELLS_PER_BLOCK = 4_000_000
ROWS_PER_BLOCK = 1_000_000
VOTES_HEADER = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
_CELL_TEXT = np.array(["-1", "0", "1", ""], dtype=object)  # indexed by vote + 1; 3 = unseen
_UNSEEN = 3
_EXACT_FLOAT = 2.0**53


def _milliseconds(seconds: np.ndarray) -> np.ndarray:
    """Timestamps in milliseconds: int64 when all are whole (as in Pol.is exports), else text
    (whole ones as integers, the others as the float's repr)."""
    ms = np.round(seconds * MS_PER_SECOND)
    whole = (ms / MS_PER_SECOND == seconds) & (np.abs(ms) < _EXACT_FLOAT)
    if whole.all():
        return ms.astype(np.int64)
    text = np.array([repr(float(v)) for v in seconds * MS_PER_SECOND], dtype=object)
    text[whole] = ms[whole].astype(np.int64).astype(str)
    return text


def _datetimes(seconds: np.ndarray) -> np.ndarray:
    """Readable UTC datetimes like Pol.is's ("Wed Jun 18 08:16:54 UTC 2014"); blank where the
    time is unknown (0) or outside years 1970..9999. Assembled from code points, because
    formatting datetimes one by one takes seconds on a few hundred thousand votes."""
    valid = (seconds > 0) & (seconds < _LAST_SECOND)
    whole = np.floor(np.where(valid, seconds, 0)).astype(np.int64)
    instants = whole.astype("datetime64[s]")
    iso = np.datetime_as_string(instants, unit="s")  # YYYY-MM-DDTHH:MM:SS
    chars = np.ascontiguousarray(iso, dtype="<U19").view(np.uint32).reshape(-1, 19)
    weekday = (whole // _SECONDS_PER_DAY + _EPOCH_WEEKDAY) % 7
    month = instants.astype("datetime64[M]").astype(np.int64) % 12
    out = np.empty((len(seconds), len(_DATETIME_TEMPLATE)), dtype=np.uint32)
    out[:] = _TEMPLATE_CODES
    out[:, 0:3] = _WEEKDAYS[weekday]
    out[:, 4:7] = _MONTHS[month]
    out[:, 8:10] = chars[:, 8:10]  # day
    out[:, 11:19] = chars[:, 11:19]  # time
    out[:, 24:28] = chars[:, 0:4]  # year
    text = out.view(f"<U{len(_DATETIME_TEMPLATE)}").ravel()
    text[~valid] = ""
    return text


def write_votes(export: PolisExport, handle: TextIO) -> None:
    """``votes.csv``: timestamp, datetime, comment-id, voter-id, vote; one row per vote event.

    Written by pyarrow in blocks (pandas takes seconds per million rows); no field here can hold
    a comma, quote or line break, so none is quoted.
    """
    handle.write(",".join(VOTES_HEADER) + "\n")
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
    for start in range(0, export.n_records, ROWS_PER_BLOCK):
        block = slice(start, start + ROWS_PER_BLOCK)
        times = export.timestamps[block]
        ms = _milliseconds(times)
        table = pa.table(
            {
                "timestamp": pa.array(ms, type=pa.int64() if ms.dtype == np.int64 else pa.string()),
                "datetime": pa.array(_datetimes(times), type=pa.string()),
                "comment-id": export.comment_ids[block],
                "voter-id": export.voter_ids[block],
                "vote": export.votes[block],
            }
        )
        sink = io.BytesIO()
        pa_csv.write_csv(table, sink, options)
        handle.write(sink.getvalue().decode("utf-8"))


def write_comments(export: PolisExport, handle: TextIO) -> None:
    """``comments.csv`` in comment-id order; an unknown author is written blank."""
    comments = export.comments
    times = np.array([c.timestamp for c in comments], dtype=np.float64)
    authors = pd.array(
        [None if c.author_id == UNKNOWN_AUTHOR else c.author_id for c in comments], dtype="Int64"
    )
    frame = pd.DataFrame(
        {
            "timestamp": _milliseconds(times),
            "datetime": _datetimes(times),
            "comment-id": [c.comment_id for c in comments],
            "author-id": authors,
            "agrees": [c.agrees for c in comments],
            "disagrees": [c.disagrees for c in comments],
            "moderated": [c.moderated for c in comments],
            "is-meta": ["true" if c.is_meta else "false" for c in comments],
            "is-seed": ["true" if c.is_seed else "false" for c in comments],
            "comment-body": [neutralise_formula(c.text) for c in comments],
        }
    )
    writer = _RowWriter(handle)
    writer.writerow(frame.columns)
    for row in frame.astype(object).itertuples(index=False):
        writer.writerow("" if pd.isna(v) else v for v in row)


def write_participants(export: PolisExport, handle: TextIO) -> None:
    """``participants-votes.csv``: one row per participant with Pol.is's group-id, counts, and
    the final vote on each comment (blank = unseen), one column per comment id."""
    assert export.participant_ids is not None and export.group_ids is not None
    voters, comments, votes = export.final_votes()
    known = [c.comment_id for c in export.comments]
    column_ids = known + sorted(set(np.unique(comments).tolist()) - set(known))
    rows = pd.Index(export.participant_ids).get_indexer(pd.Index(voters))
    cols = pd.Index(column_ids).get_indexer(pd.Index(comments))
    n_rows, n_cols = len(export.participant_ids), len(column_ids)
    n_votes = np.bincount(rows, minlength=n_rows)
    n_agree = np.bincount(rows[votes == 1], minlength=n_rows)
    n_disagree = np.bincount(rows[votes == -1], minlength=n_rows)
    authored = Counter(c.author_id for c in export.comments)

    writer = _RowWriter(handle)
    xid_header = ["xid"] if export.xids is not None else []
    writer.writerow(
        [
            "participant",
            *xid_header,
            "group-id",
            "n-comments",
            "n-votes",
            "n-agree",
            "n-disagree",
            *map(str, column_ids),
        ]
    )
    order = np.argsort(rows, kind="stable")
    rows, cols, codes = rows[order], cols[order], (votes[order] + 1).astype(np.int8)
    block_rows = max(1, CELLS_PER_BLOCK // max(n_cols, 1))
    for start in range(0, n_rows, block_rows):
        stop = min(start + block_rows, n_rows)
        lo, hi = np.searchsorted(rows, [start, stop])
        block = np.full((stop - start, n_cols), _UNSEEN, dtype=np.int8)
        block[rows[lo:hi] - start, cols[lo:hi]] = codes[lo:hi]
        cells = _CELL_TEXT[block]
        for i, row in enumerate(range(start, stop)):
            pid = int(export.participant_ids[row])
            group = int(export.group_ids[row])
            xid = [neutralise_formula(export.xids[row])] if export.xids is not None else []
            writer.writerow(
                [
                    pid,
                    *xid,
                    "" if group == NOT_GROUPED else group,
                    authored[pid],
                    n_votes[row],
                    n_agree[row],
                    n_disagree[row],
                    *cells[i],
                ]
            )


def write_summary(export: PolisExport, handle: TextIO) -> None:
    """``summary.csv``: the key,value rows of the export, in order."""
    writer = _RowWriter(handle)
    for key, value in export.summary.items():
        writer.writerow([key, neutralise_formula(value)])

"""Read and write Pol.is conversation exports (a folder or a ``.zip`` of CSV files).

An export holds ``votes.csv`` (one row per vote event), ``comments.csv``, ``participants-votes.csv``
(one row per participant with Pol.is's own ``group-id`` and each participant's final vote per
comment) and ``summary.csv`` (key,value rows); see ``shared/research/polis-math.md`` §6.4. Exports
use agree = +1, disagree = -1, pass = 0, like this project (the Pol.is database itself stores agree
as -1). Timestamps are milliseconds in the files and seconds in :class:`PolisExport`.

Examples
--------
>>> export = read_export("../shared/data/polis/brexit-consensus")  # doctest: +SKIP
>>> export.n_participants, len(export.comments), export.n_votes  # doctest: +SKIP
(204, 50, 5303)
>>> matrix = export.to_matrix()  # doctest: +SKIP
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._csv import NOT_GROUPED, UNKNOWN_AUTHOR, ExportError, Source
from ._polis_read import (
    COMMENTS_FILE,
    PARTICIPANTS_FILE,
    PARTICIPANTS_FILE_NEW,
    SUMMARY_FILE,
    VOTE_VALUES,
    VOTES_FILE,
    latest_votes,
    read_comments,
    read_participants,
    read_summary,
    read_votes,
)

if TYPE_CHECKING:
    from meedenken.engine.matrix import VoteMatrix

__all__ = [
    "Comment",
    "ExportError",
    "PolisExport",
    "infer_meta_comments",
    "read_export",
    "write_export",
]

logger = logging.getLogger(__name__)


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

    Arrays are read-only; compare two exports field by field (``eq=False``).

    Examples
    --------
    >>> export = PolisExport(voter_ids=[7, 7, 3], comment_ids=[0, 0, 0], votes=[1, -1, 0],
    ...                      timestamps=[1.0, 2.0, 1.5], comments=(Comment(0, "Meer zorg thuis"),))
    >>> export.n_records, export.n_votes, export.participant_ids.tolist()
    (3, 2, [7, 3])
    >>> export.to_matrix().X.toarray().tolist()  # participant 7's later disagree wins
    [[-1], [0]]
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
    #: Whether the comments' ``is_meta`` flags are known (False: comments.csv had no ``is-meta``
    #: column, as in older exports, so every comment reads as not meta).
    meta_known: bool = True

    def __post_init__(self) -> None:
        votes = np.asarray(self.votes)
        if votes.dtype.kind in "iu":  # two comparisons per vote instead of a set look-up
            valid = bool(((votes >= min(VOTE_VALUES)) & (votes <= max(VOTE_VALUES))).all())
        else:
            valid = bool(np.isin(votes, VOTE_VALUES).all())
        if not valid:
            raise ValueError("votes must be -1, 0 or 1")
        arrays = {
            "voter_ids": np.int64,
            "comment_ids": np.int64,
            "votes": np.int8,
            "timestamps": np.float64,
        }
        for name, dtype in arrays.items():
            object.__setattr__(self, name, _read_only(getattr(self, name), dtype))
        n = len(self.voter_ids)
        if any(len(getattr(self, name)) != n for name in arrays):
            raise ValueError("voter_ids, comment_ids, votes and timestamps must have equal lengths")
        comments = tuple(sorted(self.comments, key=lambda c: c.comment_id))
        if len({c.comment_id for c in comments}) != len(comments):
            raise ValueError("comment ids must be unique")
        object.__setattr__(self, "comments", comments)
        self._set_participants()

    def _set_participants(self) -> None:
        """Participant rows as given, then every other voter (ungrouped) in order of first vote."""
        given = np.array(
            [] if self.participant_ids is None else self.participant_ids, dtype=np.int64
        )
        groups = np.array(
            np.full(len(given), NOT_GROUPED) if self.group_ids is None else self.group_ids,
            dtype=np.int64,
        )
        if len(groups) != len(given) or (self.xids is not None and len(self.xids) != len(given)):
            raise ValueError("participant_ids, group_ids and xids must have equal lengths")
        if len(np.unique(given)) != len(given):
            raise ValueError("participant_ids must be unique")
        others = _first_seen(self.voter_ids[~_member(self.voter_ids, given)])
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
        return latest_votes(self.voter_ids, self.comment_ids, self.votes, self.timestamps)

    def texts(self) -> dict[int, str]:
        """comment id -> text."""
        return {c.comment_id: c.text for c in self.comments}

    def polis_groups(self) -> dict[int, int]:
        """participant id -> the group Pol.is assigned, for grouped participants only."""
        assert self.participant_ids is not None and self.group_ids is not None
        return {
            int(p): int(g)
            for p, g in zip(self.participant_ids, self.group_ids, strict=True)
            if g != NOT_GROUPED
        }

    def to_matrix(self, exclude_moderated: bool = True,
                  drop_unmoderated: bool = False) -> VoteMatrix:
        """The vote matrix: every comment a column (in comment-id order, then any other voted-on
        id), participants in order of first vote; rejected comments (``moderated == -1``, unless
        ``exclude_moderated`` is false), unmoderated ones (``moderated == 0``) when
        ``drop_unmoderated``, and meta comments are marked excluded/meta."""
        from meedenken.engine.matrix import VoteMatrix

        excluded = [c.comment_id for c in self.comments
                    if (c.moderated == -1 and exclude_moderated)
                    or (c.moderated == 0 and drop_unmoderated)]
        return VoteMatrix.from_records(
            self.voter_ids,
            self.comment_ids,
            self.votes,
            self.timestamps,
            statement_ids=[c.comment_id for c in self.comments],
            excluded=excluded,
            meta=[c.comment_id for c in self.comments if c.is_meta],
        )

    def moderation_counts(self, exclude_moderated: bool = True,
                          drop_unmoderated: bool = False) -> dict[str, int]:
        """Comments by moderation state as :meth:`to_matrix` with the same flags uses them:
        ``moderated_out`` (rejected, left out), ``moderated_out_kept``, ``unmoderated_kept``,
        ``unmoderated_dropped`` and ``accepted``."""
        states = [c.moderated for c in self.comments]
        rejected, unmoderated = states.count(-1), states.count(0)
        return {
            "moderated_out": rejected if exclude_moderated else 0,
            "moderated_out_kept": 0 if exclude_moderated else rejected,
            "unmoderated_kept": 0 if drop_unmoderated else unmoderated,
            "unmoderated_dropped": unmoderated if drop_unmoderated else 0,
            "accepted": states.count(1),
        }

    def with_inferred_meta(self) -> tuple[PolisExport, tuple[int, ...]]:
        """Where the meta flags were lost, a copy with the inferred ones set, and their ids.

        An export whose flags are known (``meta_known``) comes back unchanged with ``()``;
        otherwise :func:`infer_meta_comments` decides, and only comments not already meta count
        as inferred.
        """
        if self.meta_known:
            return self, ()
        found = set(infer_meta_comments(self))
        inferred = tuple(
            c.comment_id for c in self.comments if c.comment_id in found and not c.is_meta
        )
        comments = tuple(
            replace(c, is_meta=True) if c.comment_id in found else c for c in self.comments
        )
        return replace(self, comments=comments, meta_known=True), inferred


def _read_only(value: object, dtype: type) -> np.ndarray:
    """``value`` as a read-only array of ``dtype``: a copy, unless it already is a read-only
    array of that type owning its memory (the reader's, or another export's), which nobody
    writes to by mistake. Saves copying 2M-vote arrays once more after reading them."""
    if (isinstance(value, np.ndarray) and value.dtype == dtype and value.flags.owndata
            and not value.flags.writeable):
        return value
    out: np.ndarray = np.array(value, dtype=dtype)
    out.setflags(write=False)
    return out


#: :func:`_member` looks ids below ``len(values) + DENSE_ID_SLACK`` up in a table indexed by the
#: id (one bool array of that size); others go through ``np.isin``.
DENSE_ID_SLACK = 1_000_000


def _member(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """``np.isin(values, ids)`` for int64 arrays, by a table indexed by the id where the ids are
    small and non-negative (Pol.is numbers participants and comments from 0): two passes over
    the values instead of NumPy's six, which ``meedenken analyze`` makes twice over its 2M
    votes while the analysis libraries import.

    >>> _member(np.array([5, -1, 7, 3, 9]), np.array([7, 3, 5])).tolist()
    [True, False, True, True, False]
    """
    if not len(ids) or ids.min() < 0 or ids.max() >= len(values) + DENSE_ID_SLACK:
        return np.isin(values, ids)
    high = int(ids.max())
    table = np.zeros(high + 2, dtype=bool)  # table[-1] (the id high + 1) stays False
    table[ids] = True
    return table[np.clip(values, -1, high + 1)]


def _first_seen(ids: np.ndarray) -> np.ndarray:
    """The distinct ``ids`` in order of first appearance (``pandas.unique``)."""
    if not len(ids):
        return ids[:0]
    import pandas as pd

    return pd.unique(ids)


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
        pv_name = next(
            (n for n in (PARTICIPANTS_FILE, PARTICIPANTS_FILE_NEW) if source.has(n)), None
        )
        if not source.has(VOTES_FILE) and pv_name is None:
            raise ExportError(
                source.path,
                f"neither {VOTES_FILE} nor {PARTICIPANTS_FILE} found (one of them is needed)",
            )
        if not source.has(COMMENTS_FILE):
            raise ExportError(source.path, f"{COMMENTS_FILE} not found")
        has_votes = source.has(VOTES_FILE)
        table = (
            read_participants(source, pv_name, progress, with_votes=not has_votes)
            if pv_name
            else None
        )
        if has_votes:
            voters, comments, votes, times = read_votes(source, progress)
        else:
            assert table is not None
            voters, comments, votes, times = table.votes
        columns = read_comments(source, voters, comments, votes)
        summary = read_summary(source) if source.has(SUMMARY_FILE) else {}
    comment_rows = [
        Comment(
            comment_id=int(columns.ids[i]),
            text=columns.texts[i],
            author_id=int(columns.authors[i]),
            agrees=int(columns.agrees[i]),
            disagrees=int(columns.disagrees[i]),
            moderated=int(columns.moderated[i]),
            is_meta=bool(columns.is_meta[i]),
            is_seed=bool(columns.is_seed[i]),
            timestamp=float(columns.timestamps[i]),
        )
        for i in range(len(columns.ids))
    ]
    pids, groups, xids = (
        (None, None, None)
        if table is None
        else (table.participant_ids, table.group_ids, table.xids)
    )
    # isin first: one pass over the votes (a table look-up for comment ids), then sort the few
    # unknown ones only, instead of sorting every vote's comment id.
    known_ids = np.array([c.comment_id for c in comment_rows], dtype=np.int64)
    unknown = np.unique(comments[~_member(comments, known_ids)])
    if unknown.size:
        logger.warning(
            "%s: votes on %d comment id(s) missing from %s, e.g. %s",
            path,
            unknown.size,
            COMMENTS_FILE,
            unknown[:5].tolist(),
        )
    return PolisExport(
        voters,
        comments,
        votes,
        times,
        tuple(comment_rows),
        summary,
        pids,
        groups,
        xids,
        meta_known=columns.has_meta,
    )


# ---------------------------------------------------------------------- meta flags
#: :func:`infer_meta_comments`: a comment is judged only if this share of voters voted on it.
META_MIN_VOTER_SHARE = 0.2
#: :func:`infer_meta_comments`: the smallest gap in mean vote position that separates meta comments.
META_MIN_GAP = 0.07


def infer_meta_comments(
    export: PolisExport,
    *,
    min_voter_share: float = META_MIN_VOTER_SHARE,
    min_gap: float = META_MIN_GAP,
) -> tuple[int, ...]:
    """Meta comments recovered from the order of the votes, for exports that lost the flag.

    Older Pol.is exports have no ``is-meta`` column in ``comments.csv``, although Pol.is's math
    zeroes meta comments out of the map exactly like rejected ones. Pol.is routes a meta comment
    with the fixed priority 7² = 49 (``priority-metric`` in ``conversation.clj``, from January
    2018 until the March 2025 regression that gave every comment 49), far above a regular
    comment's, so participants vote on the meta comments before the rest. This finds that
    signature: per comment voted on by at least ``min_voter_share`` of the participants, the
    mean position of its vote in each voter's own time-ordered votes (0 first, 1 last); sorted,
    the meta comments are the ones before the widest gap below the median, if that gap is at
    least ``min_gap``. Otherwise (no such block, no timestamps) nothing is returned.

    On the shared exports the block stands out by a gap of 0.09-0.15 where meta comments exist
    (bg2050-volunteers, whose export keeps the flag: exactly its meta comment and one rejected
    comment; london.youth.policing and scoop-hivemind.biodiversity: their demographic questions),
    and no gap exceeds 0.045 elsewhere. Conversations from before 2018 (random routing) show no
    signature, so their meta comments cannot be recovered this way. Priority routing also favours
    some regular comments early on, so on a few voters the rule can flag opinion statements
    (vtaiwan.uberx's 51 voters after 2018-01-17 alone: four); check what it returns.

    Returns the comment ids, sorted (rejected or already flagged comments included; callers add
    them to the meta set).

    Examples
    --------
    Each of 30 voters votes comments 0 and 1 first, then 2-7 in a rotating order:

    >>> orders = [[p % 2, 1 - p % 2] + [2 + (p + i) % 6 for i in range(6)] for p in range(30)]
    >>> votes = [(p, c, 10.0 * p + r) for p, order in enumerate(orders)
    ...          for r, c in enumerate(order)]
    >>> ex = PolisExport([v[0] for v in votes], [v[1] for v in votes], [1] * len(votes),
    ...                  [v[2] for v in votes])
    >>> infer_meta_comments(ex)
    (0, 1)
    """
    times = export.timestamps
    if len(times) == 0 or not times.any():
        return ()
    import pandas as pd

    order = np.lexsort((np.arange(len(times)), times))
    frame = pd.DataFrame(
        {"p": export.voter_ids[order], "c": export.comment_ids[order]}
    ).drop_duplicates(keep="first")  # a voter's first vote on each comment, in time order
    rank = frame.groupby("p").cumcount().to_numpy()
    n = frame.groupby("p")["c"].transform("size").to_numpy()
    several = n >= 2
    frame = frame[several].assign(pos=rank[several] / (n[several] - 1))
    n_voters = frame["p"].nunique()
    stats = frame.groupby("c")["pos"].agg(["mean", "size"])
    stats = stats[stats["size"] >= max(5, min_voter_share * n_voters)].sort_values(
        ["mean"], kind="stable"
    )
    if len(stats) < 3:
        return ()
    means = stats["mean"].to_numpy()
    below = int(np.sum(means < np.median(means)))
    gaps = np.diff(means[: below + 1])
    if len(gaps) == 0 or gaps.max() < min_gap:
        return ()
    cut = int(np.argmax(gaps)) + 1
    return tuple(sorted(int(c) for c in stats.index[:cut]))


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
    from ._polis_write import write_comments, write_participants, write_summary, write_votes

    dest = Path(dest)
    files = {
        VOTES_FILE: write_votes,
        COMMENTS_FILE: write_comments,
        PARTICIPANTS_FILE: write_participants,
        SUMMARY_FILE: write_summary,
    }
    if dest.suffix.lower() == ".zip":
        dest.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, write in files.items():
                with (
                    archive.open(name, "w") as raw,
                    io.TextIOWrapper(raw, encoding="utf-8", newline="") as handle,
                ):
                    write(export, handle)
    else:
        dest.mkdir(parents=True, exist_ok=True)
        for name, write in files.items():
            with open(dest / name, "w", encoding="utf-8", newline="") as handle:
                write(export, handle)
    logger.info(
        "wrote %d vote records and %d comments to %s", export.n_records, len(export.comments), dest
    )
    return dest

"""The vote matrix: participants x statements, scipy.sparse, latest vote wins.

Agree = +1, disagree = -1, pass = 0 (stored as an explicit entry), unseen = no entry.
Pol.is stores agree as -1 internally; its exports (and this project) use agree = +1.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from .errors import InvalidVotesError

__all__ = ["VoteMatrix"]

_VALID_VOTES = (-1, 0, 1)
#: Appends smaller than nnz / this ratio take the in-place path (binary search per new vote).
SMALL_APPEND_RATIO = 50


#: :func:`_unique` finds integer ids below ``n_records + DENSE_ID_SLACK`` through two tables
#: indexed by the id itself (O(n); at most two int64 arrays the size of the records, plus 16 MB);
#: larger or other ids are sorted (O(n log n)).
DENSE_ID_SLACK = 1_000_000


def _valid_votes(values: np.ndarray) -> np.ndarray:
    """Which votes are -1, 0 or 1; integer arrays by two comparisons (millions of records at
    import), others by ``np.isin``."""
    if values.dtype.kind in "iu":
        return (values >= min(_VALID_VOTES)) & (values <= max(_VALID_VOTES))
    return np.isin(values, _VALID_VOTES)


def _unique(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(arr, return_index=True, return_inverse=True)``: distinct ids (sorted), the
    first record of each, and each record's position among the distinct ids.

    Ids are usually small non-negative integers (Pol.is numbers participants and comments from
    0), so a table indexed by the id finds them in one pass instead of sorting millions of
    records; any other ids take numpy's sort.
    """
    n = len(arr)
    if arr.dtype.kind in "iu" and n and arr.min() >= 0:
        high = int(arr.max())
        if high < n + DENSE_ID_SLACK:
            first = np.full(high + 1, n, dtype=np.int64)
            np.minimum.at(first, arr, np.arange(n))
            uniq = np.flatnonzero(first < n)
            position = np.empty(high + 1, dtype=np.int64)
            position[uniq] = np.arange(len(uniq))
            return uniq.astype(arr.dtype), first[uniq], position[arr]
    uniq, first, inverse = np.unique(arr, return_index=True, return_inverse=True)
    return uniq, first, inverse.reshape(-1)


def _as_index(
    ids: Sequence[Hashable] | np.ndarray, index: dict[Hashable, int], order: list[Hashable]
) -> np.ndarray:
    """Map ids to row/column numbers, adding unseen ids in order of first appearance.

    Works on the distinct ids only (:func:`_unique`), so a million records cost a few
    dictionary look-ups per distinct participant, not per record. Numpy scalars become Python
    values, so ids serialise as they came.
    """
    arr = np.asarray(ids) if len(ids) else np.zeros(0, dtype=np.int64)
    if arr.dtype == object or arr.ndim != 1:
        arr = np.asarray([str(x) if not isinstance(x, int | str) else x for x in ids], dtype=object)
        if arr.dtype == object and len({type(x) for x in arr}) > 1:
            raise InvalidVotesError("ids of one kind must be all integers or all strings")
    uniq, first, inverse = _unique(arr)
    keys = uniq.tolist()  # Python ints / strs, as ids are stored
    positions = np.empty(len(uniq), dtype=np.int64)
    appearance = np.argsort(first, kind="stable")  # first appearance order for new ids
    if not index and not order:  # every id is new (a matrix built from records): no loop
        positions[appearance] = np.arange(len(uniq))
        order.extend(keys[u] for u in appearance.tolist())
        index.update(zip(order, range(len(order)), strict=True))
        return positions[inverse]
    for u in appearance.tolist():
        key = keys[u]
        pos = index.get(key)
        if pos is None:
            pos = len(order)
            index[key] = pos
            order.append(key)
        positions[u] = pos
    return positions[inverse]


def _declare(ids: Iterable[Hashable], index: dict[Hashable, int], order: list[Hashable]) -> None:
    """Add ids known up front, each on its own (one id's type never changes another's).

    Python ints and strs are stored as they are; anything else as :func:`_as_index` stores it.
    """
    for key in ids:
        if type(key) is int or type(key) is str:
            if key not in index:
                index[key] = len(order)
                order.append(key)
        else:
            _as_index([key], index, order)


def _latest_per_cell(cells: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Which record each cell keeps: the latest by time, the later record among equal times.

    ``cells`` numbers each record's (row, column) cell (``row * n_columns + column``). Returns
    the kept records' positions, sorted by cell (row-major, the order of a CSR matrix).

    One sort of the records by cell, then vectorised passes over the groups of equal cells (no
    Python loop per vote): a million records take a fraction of a second.

    >>> _latest_per_cell(np.array([5, 2, 5, 5]), np.array([1.0, 0.0, 3.0, 3.0])).tolist()
    [1, 3]
    """
    n = len(cells)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if (int(cells.max()) + 1) * n < 2**63:
        # Cell and record position packed in one int64: a plain sort (much faster than an
        # argsort) orders the records by cell, then by position.
        packed = cells.astype(np.int64, copy=False) * n
        packed += np.arange(n)
        packed.sort()
        cell, record = np.divmod(packed, n)
    else:
        record = np.argsort(cells, kind="stable")
        cell = cells[record]
    repeated = cell[1:] == cell[:-1]  # record i + 1 is on the same cell as record i
    if not repeated.any():  # every cell voted once
        return record
    # Only the cells voted more than once (re-votes: a few percent) need a choice; the work
    # below is on their records alone.
    in_revoted = np.zeros(n, dtype=bool)
    in_revoted[1:] = repeated
    in_revoted[:-1] |= repeated
    candidates = np.flatnonzero(in_revoted)
    cell, t = cell[candidates], times[record[candidates]]
    starts = np.flatnonzero(np.concatenate([[True], cell[1:] != cell[:-1]]))
    sizes = np.diff(np.append(starts, len(candidates)))
    at_latest = t == np.repeat(np.maximum.reduceat(t, starts), sizes)
    # Among a cell's records at its latest time, the last one (records are in input order).
    last = np.maximum.reduceat(np.where(at_latest, np.arange(len(t)), -1), starts)
    keep = ~in_revoted
    keep[candidates[last]] = True
    return record[keep]


def _latest(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, times: np.ndarray, n_cols: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Keep one record per (row, col): the latest by time; later records win ties."""
    keep = _latest_per_cell(rows * n_cols + cols, times)
    return rows[keep], cols[keep], values[keep], times[keep]


class VoteMatrix:
    """Votes of a conversation as a sparse participants x statements matrix.

    Build it with :meth:`from_records`; add live votes with :meth:`append`, which updates the
    matrix in place in O(new votes + nnz) memory copies without re-reading old records.

    Attributes
    ----------
    X : scipy.sparse.csr_matrix, shape (n_participants, n_statements), int8
        Latest vote per cell; passes are explicit zeros, unseen cells have no entry.
    participant_ids, statement_ids : list
        Row and column labels, in order of first appearance (or as given).
    excluded : ndarray of bool, shape (n_statements,)
        Moderated-out or meta statements; the analysis leaves them out.
    meta : ndarray of bool, shape (n_statements,)
        Meta statements (routing still shows them).

    Examples
    --------
    >>> m = VoteMatrix.from_records(["a", "a", "b"], [1, 2, 1], [1, -1, 0], [0, 1, 2])
    >>> m.X.toarray().tolist(), m.n_votes
    ([[1, -1], [0, 0]], 3)
    """

    def __init__(self) -> None:
        self.participant_ids: list[Hashable] = []
        self.statement_ids: list[Hashable] = []
        self.participant_index: dict[Hashable, int] = {}
        self.statement_index: dict[Hashable, int] = {}
        self.X: sp.csr_matrix = sp.csr_matrix((0, 0), dtype=np.int8)
        self._times: np.ndarray = np.zeros(0)  # time of each stored entry, parallel to X.data
        self.excluded: np.ndarray = np.zeros(0, dtype=bool)
        self.meta: np.ndarray = np.zeros(0, dtype=bool)
        #: Bumped on every change, so callers can tell whether a cached analysis is stale.
        self.version = 0

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_records(
        cls,
        participants: Sequence[Hashable] | np.ndarray,
        statements: Sequence[Hashable] | np.ndarray,
        votes: Sequence[int] | np.ndarray,
        times: Sequence[float] | np.ndarray | None = None,
        *,
        statement_ids: Iterable[Hashable] | None = None,
        participant_ids: Iterable[Hashable] | None = None,
        excluded: Iterable[Hashable] = (),
        meta: Iterable[Hashable] = (),
    ) -> VoteMatrix:
        """Build a matrix from vote records (one per vote event).

        Parameters
        ----------
        participants, statements : sequences or arrays of ids, length n_records (integer arrays
            are fastest: their distinct ids are found without sorting)
        votes : sequence of int in {-1, 0, +1}, length n_records (agree = +1)
        times : sequence of float, optional; the latest vote per cell wins, later records win
            ties. Without times, record order decides.
        statement_ids, participant_ids : optional ids known up front (columns/rows in this order,
            even without votes); others are added in order of first appearance.
        excluded : statement ids moderated out (rejected); meta : meta statement ids. Both are
            left out of the analysis.
        """
        m = cls()
        _declare(statement_ids or (), m.statement_index, m.statement_ids)
        _declare(participant_ids or (), m.participant_index, m.participant_ids)
        m.X = sp.csr_matrix((len(m.participant_ids), len(m.statement_ids)), dtype=np.int8)
        m._times = np.zeros(0)
        m.excluded = np.zeros(len(m.statement_ids), dtype=bool)
        m.meta = np.zeros(len(m.statement_ids), dtype=bool)
        m.append(participants, statements, votes, times)
        m.set_moderation(excluded=excluded, meta=meta)
        return m

    def copy(self) -> VoteMatrix:
        """An independent copy (the engine never mutates a caller's matrix)."""
        m = VoteMatrix()
        m.participant_ids = list(self.participant_ids)
        m.statement_ids = list(self.statement_ids)
        m.participant_index = dict(self.participant_index)
        m.statement_index = dict(self.statement_index)
        m.X = self.X.copy()
        m._times = self._times.copy()
        m.excluded = self.excluded.copy()
        m.meta = self.meta.copy()
        m.version = self.version
        return m

    # ---------------------------------------------------------------- live updates
    def append(
        self,
        participants: Sequence[Hashable] | np.ndarray,
        statements: Sequence[Hashable] | np.ndarray,
        votes: Sequence[int] | np.ndarray,
        times: Sequence[float] | np.ndarray | None = None,
    ) -> None:
        """Add vote records in place; a later vote on the same cell replaces the earlier one."""
        n = len(participants)
        if len(statements) != n or len(votes) != n or (times is not None and len(times) != n):
            raise InvalidVotesError(
                "participants, statements, votes and times must have the same length, got "
                f"{n}, {len(statements)}, {len(votes)}, {None if times is None else len(times)}"
            )
        values = np.asarray(votes)
        if n and not _valid_votes(values).all():
            bad = values[~_valid_votes(values)][0]
            raise InvalidVotesError(f"vote must be -1, 0 or 1, got {bad!r}")
        values = values.astype(np.int8)
        if times is None:
            base = self._times.max() + 1 if self._times.size else 0.0
            t = base + np.arange(n, dtype=np.float64)
        else:
            t = np.asarray(times, dtype=np.float64)
            if np.isnan(t).any():
                raise InvalidVotesError("times must not contain NaN")
        rows = _as_index(participants, self.participant_index, self.participant_ids)
        cols = _as_index(statements, self.statement_index, self.statement_ids)
        self._grow()
        if n == 0:
            return
        if n * SMALL_APPEND_RATIO <= self.X.nnz:
            self._merge_small(*_latest(rows, cols, values, t, len(self.statement_ids)))
        else:  # _merge keeps the latest record per cell itself
            self._merge(rows, cols, values, t)
        self.version += 1

    def _grow(self) -> None:
        n_p, n_s = len(self.participant_ids), len(self.statement_ids)
        if self.X.shape != (n_p, n_s):
            X = self.X
            indptr = np.concatenate([X.indptr, np.full(n_p - X.shape[0], X.indptr[-1])])
            self.X = sp.csr_matrix((X.data, X.indices, indptr), shape=(n_p, n_s))
            self.excluded = np.concatenate(
                [self.excluded, np.zeros(n_s - len(self.excluded), bool)]
            )
            self.meta = np.concatenate([self.meta, np.zeros(n_s - len(self.meta), bool)])

    def _merge_small(
        self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, t: np.ndarray
    ) -> None:
        """Live path for a few new votes: find each cell in its row, replace or insert.

        Costs one binary search per new vote plus one memory copy of the arrays for the inserts,
        instead of re-sorting every stored vote.
        """
        X = self.X
        indptr, indices = X.indptr, X.indices
        pos = np.empty(len(rows), dtype=np.int64)
        for i, (r, c) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
            lo, hi = indptr[r], indptr[r + 1]
            pos[i] = lo + np.searchsorted(indices[lo:hi], c)
        found = (pos < indptr[rows + 1]) & (indices[np.minimum(pos, len(indices) - 1)] == cols)
        found &= pos < len(indices)
        hit = np.flatnonzero(found)
        newer = t[hit] >= self._times[pos[hit]]
        X.data[pos[hit[newer]]] = values[hit[newer]]
        self._times[pos[hit[newer]]] = t[hit[newer]]
        new = np.flatnonzero(~found)
        if len(new):
            order = new[np.lexsort((cols[new], rows[new]))]  # inserts in row-major order
            at = pos[order]
            data = np.insert(X.data, at, values[order])
            new_indices = np.insert(indices, at, cols[order].astype(indices.dtype))
            self._times = np.insert(self._times, at, t[order])
            counts = np.bincount(rows[order], minlength=X.shape[0])
            new_indptr = indptr + np.concatenate([[0], np.cumsum(counts)]).astype(indptr.dtype)
            self.X = sp.csr_matrix((data, new_indices, new_indptr), shape=X.shape)

    def _merge(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, t: np.ndarray) -> None:
        """Merge new records (duplicates allowed) into the CSR structure, keeping the latest
        per cell.

        The stored votes come first, so on equal times a new record wins. Also builds the matrix
        in :meth:`from_records` (merging into an empty one).
        """
        X = self.X
        n_s = X.shape[1]
        new_key = rows * n_s
        new_key += cols
        if X.nnz:
            old_rows = np.repeat(np.arange(X.shape[0], dtype=np.int64), np.diff(X.indptr))
            all_key = np.concatenate([old_rows * n_s + X.indices, new_key])
            all_t = np.concatenate([self._times, t])
            all_values = np.concatenate([X.data, values])
        else:  # a new matrix (from_records): no copies of the records
            all_key, all_t, all_values = new_key, t, values
        keep = _latest_per_cell(all_key, all_t)
        kept_rows, kept_cols = np.divmod(all_key[keep], n_s)
        indptr = np.zeros(X.shape[0] + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(np.bincount(kept_rows, minlength=X.shape[0]))
        index_dtype = np.int32 if max(len(keep), n_s) < 2**31 else np.int64
        self.X = sp.csr_matrix(
            (
                all_values[keep].astype(np.int8),
                kept_cols.astype(index_dtype),
                indptr.astype(index_dtype),
            ),
            shape=X.shape,
        )
        self._times = all_t[keep]

    def set_moderation(
        self, *, excluded: Iterable[Hashable] = (), meta: Iterable[Hashable] = ()
    ) -> None:
        """Mark statements as moderated out or meta, replacing earlier marks.

        Unknown ids become new, vote-less columns."""
        ex_ids, meta_ids = list(excluded), list(meta)
        _as_index(ex_ids + meta_ids, self.statement_index, self.statement_ids)
        self._grow()
        self.excluded = np.zeros(len(self.statement_ids), dtype=bool)
        self.meta = np.zeros(len(self.statement_ids), dtype=bool)
        self.excluded[[self.statement_index[s] for s in ex_ids]] = True
        self.meta[[self.statement_index[s] for s in meta_ids]] = True
        self.version += 1

    def add_statements(self, statement_ids: Iterable[Hashable]) -> None:
        """Declare statements (columns) before anyone votes on them."""
        _as_index(list(statement_ids), self.statement_index, self.statement_ids)
        self._grow()

    # ---------------------------------------------------------------- views
    @property
    def n_participants(self) -> int:
        return self.X.shape[0]

    @property
    def n_statements(self) -> int:
        return self.X.shape[1]

    @property
    def n_votes(self) -> int:
        return int(self.X.nnz)

    @property
    def active(self) -> np.ndarray:
        """Statements that enter the analysis (not moderated out, not meta)."""
        return ~(self.excluded | self.meta)

    def votes_per_participant(self) -> np.ndarray:
        return np.diff(self.X.indptr)

    def seen(self) -> sp.csr_matrix:
        """Boolean pattern of observed cells (passes included)."""
        return sp.csr_matrix(
            (np.ones(self.X.nnz, dtype=bool), self.X.indices, self.X.indptr), shape=self.X.shape
        )

    def records(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, vote, time) arrays of the current votes."""
        rows = np.repeat(np.arange(self.n_participants), np.diff(self.X.indptr))
        return rows, self.X.indices.astype(np.int64), self.X.data.copy(), self._times.copy()

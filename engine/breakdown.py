"""Agree / disagree / pass counts per statement, split by a categorical label of the participants.

The label can be an opinion group (from the clustering) or any declared attribute (role, age band,
municipality). For declared attributes, small cells are hidden (k-anonymity): a category with fewer
than ``min_cell_size`` participants is left out, and a (category, statement) cell with fewer than
``min_cell_size`` voters is hidden, its counts zeroed in the result, so no rate can reveal the votes
of one or two identifiable people. Statistics offices suppress cells under 5 (e.g. CBS); 3 is the
least we allow.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .errors import InvalidSettingError, InvalidVotesError
from .settings import MIN_CELL_SIZE_FLOOR

__all__ = ["MIN_CELL_SIZE_FLOOR", "VoteBreakdown", "count_votes", "vote_breakdown"]


@dataclass(frozen=True)
class VoteBreakdown:
    """Vote counts per (category, statement); hidden cells hold zeros and ``visible`` False."""

    #: Name of the label ("group", "role", ...).
    name: str
    #: Categories shown, in sorted order; categories below the size limit are left out.
    categories: tuple[Hashable, ...]
    #: (n_categories,) participants per category.
    n_members: np.ndarray
    #: (n_categories, n_statements, 3) agree, disagree and pass counts.
    counts: np.ndarray
    #: (n_categories, n_statements) cells that may be shown.
    visible: np.ndarray
    #: Smallest number of voters a cell needs to be shown (None: nothing hidden).
    min_cell_size: int | None

    def rates(self) -> np.ndarray:
        """(n_categories, n_statements, 3) agree, disagree, pass shares of the cell's votes;
        NaN where the cell is hidden or has no votes."""
        total = self.counts.sum(axis=2, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = self.counts / total
        out[~self.visible | (total[..., 0] == 0)] = np.nan
        return out

    def agree_rates(self) -> np.ndarray:
        """(n_categories, n_statements) agree share (passes count as votes seen, as in Pol.is)."""
        return self.rates()[..., 0]

    def min_agree(self) -> np.ndarray:
        """(n_statements,) lowest shown agree rate over the categories: cross-category support.
        NaN where no cell is shown."""
        rates = self.agree_rates()
        out = np.full(rates.shape[1], np.nan)
        shown = ~np.isnan(rates).all(axis=0)
        out[shown] = np.nanmin(rates[:, shown], axis=0)
        return out

    def statement_rates(self, statement: int, kind: int = 0) -> dict[Hashable, float]:
        """category -> rate (0 agree, 1 disagree, 2 pass) of one statement, shown cells only."""
        rates = self.rates()[:, statement, kind]
        return {
            cat: float(r) for cat, r in zip(self.categories, rates, strict=True) if not np.isnan(r)
        }


def count_votes(X: sp.csr_matrix, D: np.ndarray) -> np.ndarray:
    """(n_statements, n_columns, 3) sums of ``D[p, j]`` over the agrees, disagrees and passes of
    each statement: with a one-hot ``D`` these are vote counts per category.

    Three sparse (CSC view) x dense products on one float copy of the votes, rewritten in place:
    large temporaries are what costs most at tens of millions of votes.
    """
    buf = X.data.astype(np.float64)
    M = sp.csr_matrix((buf, X.indices, X.indptr), shape=X.shape)
    net = M.T @ D  # agree - disagree
    np.abs(buf, out=buf)
    decided = M.T @ D  # agree + disagree
    buf.fill(1.0)
    seen = M.T @ D
    return np.stack([(decided + net) / 2, (decided - net) / 2, seen - decided], axis=2)


def _sort_key(value: Hashable) -> tuple[str, str]:
    return (type(value).__name__, str(value))


def vote_breakdown(
    X: sp.csr_matrix,
    labels: Sequence[Hashable] | np.ndarray,
    *,
    name: str = "group",
    min_cell_size: int | None = 5,
    missing: Hashable = None,
) -> VoteBreakdown:
    """Count agree / disagree / pass votes per category and statement.

    Parameters
    ----------
    X : csr_matrix, shape (n_participants, n_statements), int8
        Votes (agree = +1, disagree = -1, pass = explicit 0, unseen = no entry).
    labels : sequence of length n_participants
        Category of each participant; ``missing`` (default None) and, for integer arrays, -1 mean
        "no category" and are left out.
    name : str
        Name of the label, kept in the result.
    min_cell_size : int or None
        Hide categories with fewer members and cells with fewer voters than this (>= 3);
        None shows everything (opinion groups, which are the engine's own output).

    Returns
    -------
    VoteBreakdown

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix([[1, -1], [1, 0], [-1, 1]], dtype="int8")
    >>> b = vote_breakdown(X, [0, 0, 1], min_cell_size=None)
    >>> b.agree_rates().tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    if min_cell_size is not None and min_cell_size < MIN_CELL_SIZE_FLOOR:
        raise InvalidSettingError(
            f"min_cell_size must be >= {MIN_CELL_SIZE_FLOOR} or None, got {min_cell_size!r}"
        )
    n_p, n_s = X.shape
    if len(labels) != n_p:
        raise InvalidVotesError(
            f"{name}: expected {n_p} labels (one per participant), got {len(labels)}"
        )
    arr = np.asarray(labels, dtype=object) if not isinstance(labels, np.ndarray) else labels
    if arr.dtype.kind in "iu":
        present = arr >= 0
    else:
        # v == v is False for NaN, which pandas uses for "unknown".
        present = np.array([v is not missing and v == v for v in arr], dtype=bool)
    categories = sorted({v for v in arr[present].tolist()}, key=_sort_key)
    code_of = {c: i for i, c in enumerate(categories)}
    codes = np.full(n_p, -1, dtype=np.int64)
    codes[present] = [code_of[v] for v in arr[present].tolist()]
    n_members = np.bincount(codes[present], minlength=len(categories))
    if min_cell_size is not None:
        keep = n_members >= min_cell_size
        remap = np.full(len(categories), -1, dtype=np.int64)
        remap[keep] = np.arange(int(keep.sum()))
        if len(categories):  # with no known category at all there is nothing to remap
            codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
        categories = [c for c, k in zip(categories, keep, strict=True) if k]
        n_members = n_members[keep]

    k = len(categories)
    onehot = np.zeros((n_p, k))
    member = codes >= 0
    onehot[np.flatnonzero(member), codes[member]] = 1.0
    counts = np.rint(count_votes(X, onehot)).transpose(1, 0, 2)
    visible = np.ones((k, n_s), dtype=bool)
    if min_cell_size is not None:
        visible = counts.sum(axis=2) >= min_cell_size
        counts[~visible] = 0
    return VoteBreakdown(
        name=name,
        categories=tuple(categories),
        n_members=n_members,
        counts=counts.astype(np.int64),
        visible=visible,
        min_cell_size=min_cell_size,
    )

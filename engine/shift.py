"""Opinion shift between two rounds of a trajectory, measured on the people who came back.

A statement asked in round 1 and again in round 2 (a *carried* statement) gets two votes from
each returning participant: before and after. Whether minds moved is a *paired* question:
comparing round 1's crowd with round 2's crowd mixes who came with what they think. These pure
functions take the paired votes of returning participants only.

* :func:`transition_table`: the 3 x 3 table of (before, after) votes: agree, disagree, pass.
* :func:`newcombe_paired_interval`: the interval of the difference of two paired proportions
  (Newcombe 1998, method 10: Wilson score intervals of both margins, combined with the phi
  correlation of the pairs).
* :func:`mcnemar_exact_p`: the exact McNemar test of "as many moved in as moved out".
* :func:`paired_shift`: all of it for one statement, as a frozen :class:`PairedShift`.
* :func:`project_onto_axes`: a later round's votes placed on round 1's opinion map (round 1's
  column centres and axes, carried statements only), so "who moved where" is drawn in one frame.

Votes use the project's convention: agree = +1, disagree = -1, pass = 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.stats import binom

from .errors import InvalidSettingError
from .intervals import Z_95, wilson_interval

__all__ = [
    "VOTE_ORDER",
    "PairedShift",
    "first_round_axes",
    "mcnemar_exact_p",
    "newcombe_paired_interval",
    "paired_shift",
    "project_onto_axes",
    "transition_table",
]

#: Row / column order of a transition table: agree, disagree, pass.
VOTE_ORDER = (1, -1, 0)
_INDEX = {value: i for i, value in enumerate(VOTE_ORDER)}


def _votes(values: np.ndarray | list[int], name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise InvalidSettingError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size and not np.isin(arr, VOTE_ORDER).all():
        raise InvalidSettingError(f"{name} holds values other than agree (1), disagree (-1) "
                                  "and pass (0)")
    return arr.astype(np.int64)


def transition_table(before: np.ndarray | list[int],
                     after: np.ndarray | list[int]) -> np.ndarray:
    """Counts of (vote before, vote after) pairs.

    Parameters
    ----------
    before, after : array_like of int, shape (n_pairs,)
        The votes of the same people on the same statement in the earlier and the later round
        (agree = +1, disagree = -1, pass = 0); element i of both is one person.

    Returns
    -------
    ndarray of int64, shape (3, 3)
        ``table[i, j]``: people who voted ``VOTE_ORDER[i]`` before and ``VOTE_ORDER[j]`` after.

    Examples
    --------
    >>> transition_table([1, 1, -1, 0], [1, -1, 1, 1]).tolist()
    [[1, 1, 0], [1, 0, 0], [1, 0, 0]]
    """
    b = _votes(before, "before")
    a = _votes(after, "after")
    if b.shape != a.shape:
        raise InvalidSettingError(f"before and after must pair up, got {b.size} and {a.size} "
                                  "votes")
    # value + 1 (0, 1, 2 for disagree, pass, agree) -> row / column in VOTE_ORDER
    lookup = np.array([_INDEX[-1], _INDEX[0], _INDEX[1]])
    cells = lookup[b + 1] * 3 + lookup[a + 1]
    return np.bincount(cells, minlength=9).reshape(3, 3)


def newcombe_paired_interval(both: int, only_before: int, only_after: int, neither: int,
                             z: float = Z_95) -> tuple[float, float]:
    """Interval of the change in a paired proportion, after minus before (Newcombe method 10).

    Parameters
    ----------
    both, only_before, only_after, neither : int
        The 2 x 2 table of pairs: yes in both rounds, yes only before, yes only after, in
        neither (n = their sum).
    z : float
        Normal quantile of the two-sided level (default 95%).

    Returns
    -------
    low, high : float
        Bounds for ``(only_after - only_before) / n``; (nan, nan) when n is 0.

    Notes
    -----
    With ``p1 = (both + only_before) / n`` (before) and ``p2 = (both + only_after) / n``
    (after), Wilson score intervals (l1, u1) and (l2, u2) and the phi coefficient of the table
    (0 when a margin is empty), for ``d = p2 - p1``:
    ``low = d - sqrt((p2 - l2)^2 - 2 phi (p2 - l2)(u1 - p1) + (u1 - p1)^2)`` and
    ``high = d + sqrt((u2 - p2)^2 - 2 phi (u2 - p2)(p1 - l1) + (p1 - l1)^2)``.
    It stays within [-1, 1], is sensible for small n and for no change at all, and accounts for
    the pairing (the same people answer twice), which the unpaired interval would ignore.

    References
    ----------
    R. G. Newcombe, "Improved confidence intervals for the difference between binomial
    proportions based on paired data", Statistics in Medicine 17 (1998), method 10.

    Examples
    --------
    Fifty pairs, twelve left "yes", two joined it: the share fell by 0.2.

    >>> low, high = newcombe_paired_interval(36, 12, 2, 0)
    >>> round(low, 4), round(high, 4)
    (-0.3404, -0.0569)
    """
    counts = np.array([both, only_before, only_after, neither], dtype=np.float64)
    if np.any(counts < 0):
        raise InvalidSettingError("the counts of a paired table must be >= 0")
    n = float(counts.sum())
    if n == 0:
        return float("nan"), float("nan")
    a, b, c, d = counts
    p1, p2 = (a + b) / n, (a + c) / n
    (l1, l2), (u1, u2) = wilson_interval(np.array([a + b, a + c]), np.array([n, n]), z)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    phi = 0.0 if margins == 0 else (a * d - b * c) / np.sqrt(margins)
    diff = p2 - p1
    below = np.sqrt(max((p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2, 0.0))
    above = np.sqrt(max((u2 - p2) ** 2 - 2 * phi * (u2 - p2) * (p1 - l1) + (p1 - l1) ** 2, 0.0))
    return float(max(diff - below, -1.0)), float(min(diff + above, 1.0))


def mcnemar_exact_p(only_before: int, only_after: int) -> float:
    """Two-sided exact McNemar p-value: were moves out as likely as moves in?

    Parameters
    ----------
    only_before, only_after : int
        Discordant pairs: yes before and no after, no before and yes after.

    Returns
    -------
    float
        ``min(1, 2 * P(X <= min(b, c)))`` for ``X ~ Binomial(b + c, 1/2)``; 1 when nobody moved.

    References
    ----------
    Q. McNemar, "Note on the sampling error of the difference between correlated proportions
    or percentages", Psychometrika 12 (1947); the exact (binomial) form.

    Examples
    --------
    >>> round(mcnemar_exact_p(12, 2), 4)
    0.0129
    >>> mcnemar_exact_p(0, 0)
    1.0
    """
    if only_before < 0 or only_after < 0:
        raise InvalidSettingError("discordant counts must be >= 0")
    moved = only_before + only_after
    if moved == 0:
        return 1.0
    return float(min(1.0, 2.0 * binom.cdf(min(only_before, only_after), moved, 0.5)))


@dataclass(frozen=True)
class PairedShift:
    """How the returning participants' votes on one statement moved between two rounds."""

    #: People with a vote on the statement in both rounds.
    n_pairs: int
    #: (before, after) counts in :data:`VOTE_ORDER` (agree, disagree, pass), shape (3, 3).
    transitions: np.ndarray
    #: People whose vote differs between the rounds.
    changed: int
    #: Of those, how many now agree / disagree / pass.
    to_agree: int
    to_disagree: int
    to_pass: int
    #: Agree share among the pairs, before and after, and its change with a Newcombe interval.
    agree_before: float
    agree_after: float
    agree_change: float
    agree_change_low: float
    agree_change_high: float
    #: The same for the disagree share.
    disagree_before: float
    disagree_after: float
    disagree_change: float
    disagree_change_low: float
    disagree_change_high: float
    #: Exact McNemar p-value of the agree share's change.
    agree_p_value: float


def _binary(table: np.ndarray, index: int) -> tuple[int, int, int, int]:
    """(both, only before, only after, neither) for "voted VOTE_ORDER[index]"."""
    yes_before = table[index].sum()
    yes_after = table[:, index].sum()
    both = int(table[index, index])
    n = int(table.sum())
    return (both, int(yes_before - both), int(yes_after - both),
            int(n - yes_before - yes_after + both))


def paired_shift(before: np.ndarray | list[int], after: np.ndarray | list[int],
                 z: float = Z_95) -> PairedShift:
    """The shift of one statement among the people who voted on it in both rounds.

    Parameters
    ----------
    before, after : array_like of int, shape (n_pairs,)
        Paired votes (agree = +1, disagree = -1, pass = 0), one element per returning person.
    z : float
        Normal quantile of the intervals (default two-sided 95%).

    Returns
    -------
    PairedShift
        Shares are nan when there are no pairs.

    Examples
    --------
    Five people; two move from disagree to agree, one from agree to pass:

    >>> s = paired_shift([-1, -1, 1, 1, 1], [1, 1, 1, 1, 0])
    >>> s.changed, s.to_agree, s.to_pass, s.agree_before, s.agree_after
    (3, 2, 1, 0.6, 0.8)
    """
    table = transition_table(before, after)
    n = int(table.sum())
    changed = n - int(np.trace(table))
    moved_into = table.sum(axis=0) - np.diag(table)

    def shares(index: int) -> tuple[float, float, float, float, float]:
        both, only_before, only_after, neither = _binary(table, index)
        if n == 0:
            nan = float("nan")
            return nan, nan, nan, nan, nan
        low, high = newcombe_paired_interval(both, only_before, only_after, neither, z)
        return ((both + only_before) / n, (both + only_after) / n,
                (only_after - only_before) / n, low, high)

    agree = shares(_INDEX[1])
    disagree = shares(_INDEX[-1])
    _, only_before, only_after, _ = _binary(table, _INDEX[1])
    return PairedShift(
        n_pairs=n, transitions=table, changed=changed,
        to_agree=int(moved_into[_INDEX[1]]), to_disagree=int(moved_into[_INDEX[-1]]),
        to_pass=int(moved_into[_INDEX[0]]),
        agree_before=agree[0], agree_after=agree[1], agree_change=agree[2],
        agree_change_low=agree[3], agree_change_high=agree[4],
        disagree_before=disagree[0], disagree_after=disagree[1], disagree_change=disagree[2],
        disagree_change_low=disagree[3], disagree_change_high=disagree[4],
        agree_p_value=mcnemar_exact_p(only_before, only_after),
    )


def project_onto_axes(X: sp.csr_matrix, center: np.ndarray, components: np.ndarray,
                      columns: np.ndarray) -> np.ndarray:
    """Place participants on a fixed opinion map using only some statements.

    Parameters
    ----------
    X : csr_matrix, shape (n_participants, n_statements)
        Votes in the columns of the map's round (agree = +1; a later round's votes on a carried
        statement go into the column of the statement it carries; no entry = not voted).
    center : ndarray, shape (n_statements,)
        The map's column centres (round 1's mean vote per statement).
    components : ndarray, shape (n_components, n_statements)
        The map's axes (round 1's principal components).
    columns : ndarray of bool, shape (n_statements,)
        The statements used (the carried ones): the others are ignored in both rounds, so a
        returning participant's two points differ only by how their votes changed.

    Returns
    -------
    ndarray, shape (n_participants, n_components)

    Notes
    -----
    Pol.is's sparsity-aware projection restricted to ``columns``:
    ``p_i = sqrt(n / max(n_voted_i, 1)) * sum_{j in columns voted by i} (x_ij - c_j) pc_j``
    with n the number of used columns. A participant without votes there sits at the origin.

    Examples
    --------
    >>> X = sp.csr_matrix(np.array([[1, -1], [0, 0]]))
    >>> project_onto_axes(X, np.zeros(2), np.array([[1.0, -1.0]]),
    ...                   np.array([True, True])).ravel().tolist()
    [2.0, 0.0]
    """
    X = sp.csr_matrix(X, dtype=np.float64)
    n_s = X.shape[1]
    if center.shape != (n_s,) or components.ndim != 2 or components.shape[1] != n_s \
            or columns.shape != (n_s,):
        raise InvalidSettingError(
            f"center ({center.shape}), components ({components.shape}) and columns "
            f"({columns.shape}) must match the matrix's {n_s} statements")
    used = columns.astype(bool)
    sub = X[:, used].tocsr()
    n_voted = np.diff(sub.indptr)
    centred = sub.copy()
    centred.data = centred.data - center[used][sub.indices]
    raw = np.asarray(centred @ components[:, used].T)
    scale = np.sqrt(max(int(used.sum()), 1) / np.maximum(n_voted, 1))
    return raw * scale[:, None]


def first_round_axes(X: sp.csr_matrix, n_components: int = 2,
                     random_state: int | np.random.Generator | None = None,
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Column centres and axes of a round's opinion map, for :func:`project_onto_axes`.

    Parameters
    ----------
    X : csr_matrix, shape (n_participants, n_statements)
        Round 1's votes (agree = +1, pass = 0 stored, unseen = no entry).
    n_components : int
        Map axes (Pol.is and this project use 2).
    random_state : int, Generator or None
        Start of the eigen-solver (:func:`engine.pca.default_axes`).

    Returns
    -------
    center : ndarray, shape (n_statements,)
    components : ndarray, shape (n_components, n_statements)

    Examples
    --------
    >>> X = sp.csr_matrix(np.array([[1, 1, -1], [-1, -1, 1], [1, 1, 1], [-1, -1, -1]]))
    >>> center, comps = first_round_axes(X, 1, random_state=0)
    >>> center.tolist(), round(abs(float(comps[0, 0])), 3)
    ([0.0, 0.0, 0.0], 0.707)
    """
    from .pca import centered_matrix, column_centers, default_axes

    X = sp.csr_matrix(X, dtype=np.float64)
    columns = np.ones(X.shape[1], dtype=bool)
    center = column_centers(X, columns)
    Xc = centered_matrix(X, center, columns)
    rng = random_state if isinstance(random_state, np.random.Generator) \
        else np.random.default_rng(random_state)
    components, _ = default_axes(Xc, n_components, previous=None, rng=rng)
    return center, components

"""Opinion diversity: how many opinion groups, how spread out, how differently they vote.

Inputs are the engine's own outputs: the vote matrix ``X`` (csr int8, agree = +1, explicit 0 =
pass, no entry = unseen), group labels per participant (-1 = not in conversation) and map
coordinates. See research note ``bridging-and-diversity.md`` section 5.5.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .diversity import heterogeneity
from .diversity_settings import DIVERSITY, DiversitySettings
from .errors import EngineError
from .weighting import vote_indicators, weighted_group_votes

__all__ = [
    "Coverage",
    "GroupDifference",
    "OpinionDiversity",
    "coverage",
    "group_difference",
    "map_spread",
    "opinion_diversity",
    "top_by_consensus",
]


@dataclass(frozen=True)
class GroupDifference:
    """How strongly the opinion groups differ, per statement (NaN: fewer than 2 groups voted)."""

    #: (n_statements,) max minus min agree rate over groups with enough votes.
    agree_range: np.ndarray
    #: (n_statements,) Cramer's V of the groups x (agree, disagree, pass) table, in [0, 1].
    cramers_v: np.ndarray
    #: (n_statements,) number of groups that entered the comparison.
    n_groups: np.ndarray


@dataclass(frozen=True)
class Coverage:
    """Share of voters who agree with at least one of the given statements."""

    statements: tuple[int, ...]
    #: Voters (at least one vote) and how many of them agree with one of ``statements``.
    n_voters: int
    n_covered: int
    share: float
    #: group id -> share of the group's members covered.
    by_group: dict[int, float]


@dataclass(frozen=True)
class OpinionDiversity:
    """Opinion diversity of one analysis."""

    n_groups: int
    #: group id -> members.
    group_sizes: dict[int, int]
    #: exp(Shannon entropy of group shares) and inverse Simpson 1 / sum s_g^2.
    effective_groups: float
    effective_groups_simpson: float
    #: Total variance of the map: mean squared distance to the centroid (trace of covariance).
    total_variance: float
    #: Mean Euclidean distance to the centroid.
    mean_distance: float
    differences: GroupDifference
    coverage: Coverage | None


def map_spread(coordinates: np.ndarray) -> tuple[float, float]:
    """Total variance and mean distance to the centroid of map positions.

    Notes
    -----
    c = mean_i x_i; total variance = mean_i ||x_i - c||^2 = trace of the (ddof = 0) covariance;
    mean distance = mean_i ||x_i - c||.

    Examples
    --------
    >>> map_spread(np.array([[0.0, 0.0], [2.0, 0.0]]))
    (1.0, 1.0)
    """
    xy = np.asarray(coordinates, dtype=np.float64)
    if xy.ndim != 2 or len(xy) == 0:
        return 0.0, 0.0
    d2 = ((xy - xy.mean(axis=0)) ** 2).sum(axis=1)
    return float(d2.mean()), float(np.sqrt(d2).mean())


def group_difference(
    group_votes: np.ndarray, min_votes: int = DIVERSITY.min_group_votes
) -> GroupDifference:
    """Per-statement difference between groups, from (k, n_statements, 3) vote counts.

    Parameters
    ----------
    group_votes : ndarray, shape (k, n_statements, 3)
        Agree, disagree and all votes (incl. passes) per group, as
        :func:`engine.weighting.weighted_group_votes` or ``AnalysisResult.group_votes``.
    min_votes : int
        Groups with fewer votes on a statement are left out for that statement.

    Notes
    -----
    Agree rate a_gs = agree_gs / votes_gs; range_s = max_g a_gs - min_g a_gs. Cramer's V of the
    table O (groups x {agree, disagree, pass}): E = row total x column total / n,
    X^2 = sum (O - E)^2 / E over cells with E > 0, V = sqrt(X^2 / (n (min(r, c) - 1))) with r, c
    the non-empty rows and columns.

    References
    ----------
    Cramer (1946), Mathematical Methods of Statistics, p. 282.

    Examples
    --------
    >>> gv = np.array([[[10, 0, 10]], [[0, 10, 10]]], dtype=float)
    >>> d = group_difference(gv)
    >>> d.agree_range.tolist(), d.cramers_v.tolist()
    ([1.0], [1.0])
    """
    gv = np.asarray(group_votes, dtype=np.float64)
    if gv.ndim != 3 or gv.shape[2] != 3:
        raise EngineError(f"group_votes must have shape (k, n_statements, 3), got {gv.shape}")
    enough = gv[:, :, 2] >= max(min_votes, 1)
    n_groups = enough.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(enough, gv[:, :, 0] / gv[:, :, 2], np.nan)
    two = n_groups >= 2
    high = np.max(np.where(enough, rate, -np.inf), axis=0, initial=-np.inf)
    low = np.min(np.where(enough, rate, np.inf), axis=0, initial=np.inf)
    agree_range = np.where(two, high - low, np.nan)

    table = np.stack([gv[:, :, 0], gv[:, :, 1], gv[:, :, 2] - gv[:, :, 0] - gv[:, :, 1]], axis=2)
    table = np.where(enough[:, :, None], table, 0.0)  # (k, n_s, 3)
    n = table.sum(axis=(0, 2))
    rows = table.sum(axis=2)  # (k, n_s)
    cols = table.sum(axis=0)  # (n_s, 3)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = rows[:, :, None] * cols[None, :, :] / n[None, :, None]
        chi2 = np.where(expected > 0, (table - expected) ** 2 / expected, 0.0).sum(axis=(0, 2))
        dof = np.minimum((rows > 0).sum(axis=0), (cols > 0).sum(axis=1)) - 1
        v = np.sqrt(chi2 / (n * dof))
    v = np.where(two & (dof > 0), np.clip(v, 0.0, 1.0), np.nan)
    # One answer category only (e.g. everybody agrees): groups cannot differ.
    v = np.where(two & (dof == 0), 0.0, v)
    return GroupDifference(agree_range=agree_range, cramers_v=v, n_groups=n_groups)


def coverage(
    X: sp.csr_matrix, statements: Sequence[int], labels: np.ndarray | None = None
) -> Coverage:
    """Share of voters who agree with at least one of ``statements`` (e.g. top bridging ones).

    Parameters
    ----------
    X : scipy.sparse matrix, shape (n_participants, n_statements)
    statements : sequence of int
        Statement numbers (columns of X).
    labels : ndarray of int, shape (n_participants,), optional
        Opinion group per participant (-1 = none), for the per-group shares.

    Examples
    --------
    >>> X = sp.csr_matrix(np.array([[1, 0], [-1, 1], [-1, -1]], dtype=np.int8))
    >>> coverage(X, [0, 1]).share
    0.6666666666666666
    """
    X = sp.csr_matrix(X)
    cols = np.asarray(list(statements), dtype=np.int64)
    if len(cols) and (cols.min() < 0 or cols.max() >= X.shape[1]):
        raise EngineError(f"statements must be in 0..{X.shape[1] - 1}, got {cols.tolist()}")
    voters = np.diff(X.indptr) > 0
    agree, _, _ = vote_indicators(X)
    covered = (np.asarray(agree[:, cols].sum(axis=1)).ravel() > 0) & voters
    n_voters = int(voters.sum())
    by_group: dict[int, float] = {}
    if labels is not None:
        labels = np.asarray(labels)
        for g in np.unique(labels[labels >= 0]):
            members = (labels == g) & voters
            if members.any():
                by_group[int(g)] = float(covered[members].mean())
    return Coverage(
        statements=tuple(int(c) for c in cols),
        n_voters=n_voters,
        n_covered=int(covered.sum()),
        share=float(covered.sum() / n_voters) if n_voters else math.nan,
        by_group=by_group,
    )


def top_by_consensus(consensus: np.ndarray, eligible: np.ndarray, n: int) -> list[int]:
    """The columns of the ``n`` statements with the highest group-informed consensus.

    The one definition of the list coverage counts (``DiversitySettings.coverage_top_n``), for
    ``meedenken analyze`` and ``GET /diversity`` alike: among the ``eligible`` statements with
    a finite score, highest first, ties in column order.

    Parameters
    ----------
    consensus : ndarray of float, shape (n_statements,)
        Group-informed consensus per statement (NaN: none).
    eligible : ndarray of bool, shape (n_statements,)
        Statements that may be listed (e.g. in the analysis, with votes).
    n : int
        How many at most.

    Returns
    -------
    list of int
        Column indices, best first.

    Examples
    --------
    >>> top_by_consensus(np.array([0.2, np.nan, 0.9, 0.2, 0.5]),
    ...                  np.array([True, True, True, True, False]), 3)
    [2, 0, 3]
    """
    consensus = np.asarray(consensus, dtype=np.float64)
    candidates = np.flatnonzero(np.asarray(eligible, dtype=bool) & np.isfinite(consensus))
    order = candidates[np.argsort(-consensus[candidates], kind="stable")]
    return [int(j) for j in order[:n]]


def opinion_diversity(
    X: sp.csr_matrix,
    labels: np.ndarray,
    coordinates: np.ndarray,
    bridging: Sequence[int] | None = None,
    settings: DiversitySettings = DIVERSITY,
) -> OpinionDiversity:
    """Effective number of groups, map spread, per-statement group differences and coverage.

    Parameters
    ----------
    X : scipy.sparse matrix, shape (n_participants, n_statements)
    labels : ndarray of int, shape (n_participants,)
        Opinion group per participant; -1 = not in conversation (left out of groups and spread).
    coordinates : ndarray, shape (n_participants, 2)
        Map positions.
    bridging : sequence of int, optional
        Statement numbers, best first; the first ``settings.coverage_top_n`` are used for coverage.
    settings : DiversitySettings

    Notes
    -----
    Effective groups: exp(H) and 1 / sum s_g^2 of group shares s_g = n_g / sum n_g (Hill numbers
    of order 1 and 2), see :func:`engine.diversity.heterogeneity`.
    """
    labels = np.asarray(labels, dtype=np.int64)
    xy = np.asarray(coordinates, dtype=np.float64)
    if labels.shape != (X.shape[0],) or len(xy) != X.shape[0]:
        raise EngineError(
            f"labels {labels.shape} and coordinates {xy.shape} must have "
            f"{X.shape[0]} rows, one per participant"
        )
    ids, sizes = np.unique(labels[labels >= 0], return_counts=True)
    if len(ids):
        h = heterogeneity(sizes)
        eff, eff_simpson = h.hill_shannon, h.effective_categories
    else:
        eff = eff_simpson = 0.0
    dense = np.full(len(labels), -1)
    dense[labels >= 0] = np.searchsorted(ids, labels[labels >= 0])
    votes = weighted_group_votes(X, dense, n_groups=len(ids))
    total_variance, mean_distance = map_spread(xy[labels >= 0])
    cover = None
    if bridging is not None:
        cover = coverage(X, list(bridging)[: settings.coverage_top_n], labels)
    return OpinionDiversity(
        n_groups=len(ids),
        group_sizes={int(g): int(s) for g, s in zip(ids, sizes, strict=True)},
        effective_groups=eff,
        effective_groups_simpson=eff_simpson,
        total_variance=total_variance,
        mean_distance=mean_distance,
        differences=group_difference(votes, settings.min_group_votes),
        coverage=cover,
    )

"""Weights that make the room look like the town, and vote rates read with them.

* :func:`poststratification_weights`: one attribute, w_k = p_k / s_k.
* :func:`rake`: several attributes whose population margins are known separately (iterative
  proportional fitting).
* :func:`effective_sample_size`: Kish's n_eff = (sum w)^2 / sum w^2.
* :func:`weighted_agree_rates` and :func:`weighted_group_votes`: agree rates per statement (and per
  group) with per-participant weights, from the vote matrix ``X`` (csr int8, agree = +1,
  disagree = -1, explicit 0 = pass, no entry = unseen). Bridging scorers take the same ``weights``
  argument (pass ``None`` for unweighted).

Missing answers (documented choice): a participant who did not answer an attribute, or gave a
category absent from the reference, keeps a neutral factor 1 for that attribute; the respondents
are scaled among themselves so their weighted shares match the reference while their total weight
stays their head count. Weights therefore always sum to n (mean 1). Reference categories with no
respondents cannot be represented by anyone: the targets are rescaled over the covered categories
and the uncovered population share is reported.

Small cells (issue 18, item 3): a reference category held by fewer than ``min_cell`` respondents
(default k = ``DiversitySettings.min_cell_size``) is never weighted on its own: it is collapsed
into its nearest neighbour in the reference's order (the next category, or the previous one for
the last), target shares added, until every cell has at least ``min_cell`` respondents or one
cell is left. Otherwise a reference such as ``{"30-50": 0.001, "80+": 0.999}`` gives the one
person aged 80+ nearly all the weight, and weighted rates read out that person's votes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .diversity import encode_categories
from .diversity_settings import DIVERSITY, DiversitySettings
from .errors import EngineError

__all__ = [
    "WeightedBridging",
    "WeightedRates",
    "Weighting",
    "effective_sample_size",
    "poststratification_weights",
    "rake",
    "vote_indicators",
    "weighted_agree_rates",
    "weighted_bridging",
    "weighted_group_votes",
]


@dataclass(frozen=True)
class Weighting:
    """Per-participant weights (internal: never publish them per participant) and diagnostics."""

    #: (n_participants,) weights, sum = n_participants.
    weights: np.ndarray
    effective_sample_size: float
    #: n / n_eff (Kish design effect due to weighting).
    design_effect: float
    converged: bool
    n_iterations: int
    #: Largest |weighted share - target| over all margins at the end.
    max_error: float
    #: attribute -> reference share of categories nobody in the room belongs to.
    uncovered_share: dict[str, float]
    #: attribute -> {small category: category it was collapsed into} (cells below min_cell).
    collapsed: dict[str, dict[str, str]]


@dataclass(frozen=True)
class WeightedRates:
    """Per-statement (weighted) agree and disagree rates; passes count in the denominator."""

    #: (n_statements,) sum w [agree] / sum w [voted]; NaN where nobody voted.
    agree: np.ndarray
    disagree: np.ndarray
    #: (n_statements,) sum of weights of those who voted (= vote count when unweighted).
    weight: np.ndarray
    #: (n_statements,) unweighted number of votes.
    n_votes: np.ndarray
    #: (n_statements,) Kish effective number of votes (sum w)^2 / sum w^2 of those who voted
    #: (= n_votes when unweighted): publish a weighted rate only when this is large enough.
    effective_votes: np.ndarray


@dataclass(frozen=True)
class WeightedBridging:
    """Group-aware bridging scores of every statement with per-participant weights."""

    #: (n_statements,) Pol.is group-informed consensus prod_g (A_g + 1) / (V_g + 2), weighted.
    group_informed_consensus: np.ndarray
    #: (n_statements,) lowest group agree rate A_g / V_g (the Jigsaw rule's quantity); NaN if a
    #: group has no votes on the statement.
    min_group_agree: np.ndarray
    #: (k, n_statements, 3) weighted agree, disagree, all votes per group.
    group_votes: np.ndarray


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of weights.

    Notes
    -----
    n_eff = (sum_i w_i)^2 / sum_i w_i^2; equals n for equal weights and shrinks as they spread.

    References
    ----------
    Kish (1965), Survey Sampling, section 11.7.

    Examples
    --------
    >>> effective_sample_size(np.array([1.0, 1.0, 2.0]))
    2.6666666666666665
    """
    w = np.asarray(weights, dtype=np.float64)
    square = float((w * w).sum())
    return float(w.sum() ** 2 / square) if square > 0 else 0.0


def _margins(
    values: Sequence[object] | np.ndarray,
    shares: Mapping[str, float],
    attribute: str,
    min_cell: int = 1,
) -> tuple[np.ndarray, np.ndarray, float, dict[str, str]]:
    """Codes into the covered reference categories (-1 = neutral), their rescaled targets, the
    uncovered share and the collapsed small cells (see the module docstring)."""
    names, codes = encode_categories(values)
    ref_names = [c for c, v in shares.items() if v > 0]
    if not ref_names:
        raise EngineError(f"attribute {attribute!r}: reference has no category with a share > 0")
    where = {c: i for i, c in enumerate(ref_names)}
    lookup = np.array([where.get(c, -1) for c in names] + [-1], dtype=np.int64)
    ref_codes = lookup[codes]  # code -1 (missing) picks the trailing -1
    p = np.array([float(shares[c]) for c in ref_names])
    counts = np.bincount(ref_codes[ref_codes >= 0], minlength=len(p))
    present = counts > 0
    uncovered = float(p[~present].sum() / p.sum())
    targets = np.where(present, p, 0.0)
    collapsed: dict[str, str] = {}
    while True:
        cells = np.flatnonzero(counts > 0)
        small = cells[counts[cells] < min_cell]
        if len(cells) < 2 or not len(small):
            break
        j = int(small[np.argmin(counts[small])])  # the smallest first
        later = cells[cells > j]
        into = int(later[0]) if len(later) else int(cells[cells < j][-1])
        collapsed[ref_names[j]] = ref_names[into]
        ref_codes[ref_codes == j] = into
        counts[into] += counts[j]
        counts[j] = 0
        targets[into] += targets[j]
        targets[j] = 0.0
    # Chains (a -> b, then b -> c) point at the cell that finally holds them.
    for small_name in collapsed:
        while collapsed[small_name] in collapsed:
            collapsed[small_name] = collapsed[collapsed[small_name]]
    total = targets.sum()
    return ref_codes, (targets / total if total > 0 else targets), uncovered, collapsed


def _result(
    w: np.ndarray,
    converged: bool,
    iterations: int,
    error: float,
    uncovered: dict[str, float],
    collapsed: dict[str, dict[str, str]],
) -> Weighting:
    n_eff = effective_sample_size(w)
    return Weighting(
        weights=w,
        effective_sample_size=n_eff,
        design_effect=len(w) / n_eff if n_eff > 0 else float("nan"),
        converged=converged,
        n_iterations=iterations,
        max_error=error,
        uncovered_share=uncovered,
        collapsed={a: c for a, c in collapsed.items() if c},
    )


def poststratification_weights(
    values: Sequence[object] | np.ndarray,
    shares: Mapping[str, float],
    attribute: str = "attribute",
    min_cell: int = DIVERSITY.min_cell_size,
) -> Weighting:
    """Post-stratification weights on one attribute: w_i = p_k / s_k for i in category k.

    Parameters
    ----------
    values : sequence, shape (n_participants,)
        Category per participant; None / NaN / "" = missing (weight 1).
    shares : mapping category -> population share p_k
    min_cell : int
        Categories with fewer respondents are collapsed into a neighbour (module docstring);
        1 turns that off (toy examples only).

    Notes
    -----
    s_k = n_k / n_r over the n_r respondents in reference categories; p_k rescaled over the
    categories that have respondents. Then sum over respondents of w_i = n_r and the weighted
    shares equal p_k exactly.

    Examples
    --------
    >>> poststratification_weights(["a", "a", "a", "b"], {"a": 0.5, "b": 0.5},
    ...                            min_cell=1).weights.round(4)
    array([0.6667, 0.6667, 0.6667, 2.    ])
    >>> poststratification_weights(["a", "a", "a", "b"], {"a": 0.5, "b": 0.5}).collapsed
    {'attribute': {'b': 'a'}}
    """
    codes, p, uncovered, collapsed = _margins(values, shares, attribute, min_cell)
    w = np.ones(len(codes))
    resp = codes >= 0
    if resp.any():
        s = np.bincount(codes[resp], minlength=len(p)) / resp.sum()
        factor = np.divide(p, s, out=np.ones_like(p), where=s > 0)
        w[resp] = factor[codes[resp]]
    return _result(w, True, 1, 0.0, {attribute: uncovered}, {attribute: collapsed})


def rake(
    attributes: Mapping[str, Sequence[object] | np.ndarray],
    reference: Mapping[str, Mapping[str, float]],
    settings: DiversitySettings = DIVERSITY,
    min_cell: int | None = None,
) -> Weighting:
    """Raking (iterative proportional fitting) of weights to several attributes' margins.

    Parameters
    ----------
    attributes : mapping attribute -> sequence, each of shape (n_participants,)
        Participants' categories; only attributes also in ``reference`` are used.
    reference : mapping attribute -> category -> share
        Validated reference (:func:`engine.reference.validate_reference`).
    settings : DiversitySettings
        ``raking_tolerance``, ``raking_max_iterations`` and ``min_cell_size``.
    min_cell : int, optional
        Smallest cell weighted on its own (default ``settings.min_cell_size``); smaller ones are
        collapsed into a neighbour (module docstring). 1 turns that off (toy examples only).

    Returns
    -------
    Weighting
        ``converged`` is False if the margins were not met within the iterations (e.g. margins
        that contradict each other given who is in the room); the weights are then the last ones.

    Notes
    -----
    Start with w_i = 1. One sweep visits every attribute a: with W_k = sum of w_i over respondents
    in category k and R = sum_k W_k, multiply w_i by p_k R / W_k. Stop when
    max_{a,k} |W_k / R - p_k| < tolerance after a sweep. Each step keeps R, so sum w = n.

    References
    ----------
    Deming & Stephan (1940), Annals of Mathematical Statistics 11(4); Battaglia et al. (2009),
    "Practical considerations in raking survey data", Survey Practice 2(5).

    Examples
    --------
    >>> r = rake({"a": ["x", "x", "y", "y"], "b": ["u", "v", "u", "v"]},
    ...          {"a": {"x": 0.75, "y": 0.25}, "b": {"u": 0.5, "v": 0.5}}, min_cell=1)
    >>> r.converged, r.n_iterations, r.weights.tolist()
    (True, 1, [1.5, 1.5, 0.5, 0.5])
    """
    used = [a for a in attributes if a in reference]
    if not used:
        raise EngineError("rake: no attribute appears in both the participants and the reference")
    n = {len(attributes[a]) for a in used}
    if len(n) != 1:
        raise EngineError(f"rake: attributes differ in length: {sorted(n)}")
    smallest = settings.min_cell_size if min_cell is None else min_cell
    margins = {a: _margins(attributes[a], reference[a], a, smallest) for a in used}
    w = np.ones(n.pop())

    def weighted(codes: np.ndarray, size: int) -> np.ndarray:
        resp = codes >= 0
        return np.bincount(codes[resp], weights=w[resp], minlength=size)

    error, iteration = np.inf, 0
    for iteration in range(1, settings.raking_max_iterations + 1):  # noqa: B007
        for codes, p, _, _ in margins.values():
            current = weighted(codes, len(p))
            factor = np.divide(p * current.sum(), current, out=np.ones_like(p), where=current > 0)
            resp = codes >= 0
            w[resp] *= factor[codes[resp]]
        error = 0.0
        for codes, p, _, _ in margins.values():
            current = weighted(codes, len(p))
            if current.sum() > 0:
                error = max(error, float(np.abs(current / current.sum() - p).max()))
        if error < settings.raking_tolerance:
            break
    return _result(
        w,
        bool(error < settings.raking_tolerance),
        iteration,
        float(error),
        {a: m[2] for a, m in margins.items()},
        {a: m[3] for a, m in margins.items()},
    )


def vote_indicators(X: sp.csr_matrix) -> tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix]:
    """Agree, disagree and voted (incl. pass) 0/1 matrices with X's sparsity pattern.

    ``X != 0`` would drop explicit passes, so the indicators are built from X's own structure.
    """
    X = sp.csr_matrix(X)
    shape, idx, ptr = X.shape, X.indices, X.indptr
    data = X.data
    agree = sp.csr_matrix(((data == 1).astype(np.float64), idx, ptr), shape=shape)
    disagree = sp.csr_matrix(((data == -1).astype(np.float64), idx, ptr), shape=shape)
    voted = sp.csr_matrix((np.ones(len(data)), idx, ptr), shape=shape)
    return agree, disagree, voted


def _check_weights(weights: np.ndarray | None, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (n,):
        raise EngineError(f"weights must have shape ({n},), got {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any():
        raise EngineError("weights must be finite and non-negative")
    return w


def weighted_agree_rates(X: sp.csr_matrix, weights: np.ndarray | None = None) -> WeightedRates:
    """(Weighted) agree and disagree rate of every statement.

    Parameters
    ----------
    X : scipy.sparse matrix, shape (n_participants, n_statements)
        Votes: +1 agree, -1 disagree, explicit 0 pass, no entry unseen.
    weights : ndarray, shape (n_participants,), optional
        Per-participant weights (e.g. :func:`rake`); None = all 1.

    Notes
    -----
    agree_s = sum_i w_i [x_is = +1] / sum_i w_i [i voted on s] (passes are votes).

    Examples
    --------
    >>> X = sp.csr_matrix((np.array([1, 0, -1, 1], dtype=np.int8),  # (0, 1) is a pass
    ...                    ([0, 0, 1, 1], [0, 1, 0, 1])), shape=(2, 2))
    >>> weighted_agree_rates(X, np.array([3.0, 1.0])).agree.tolist()
    [0.75, 0.25]
    """
    agree, disagree, voted = vote_indicators(X)
    w = _check_weights(weights, X.shape[0])
    total = voted.T @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        square = voted.T @ (w * w)
        return WeightedRates(
            agree=(agree.T @ w) / total,
            disagree=(disagree.T @ w) / total,
            weight=total,
            n_votes=np.asarray(voted.sum(axis=0)).ravel(),
            effective_votes=np.where(square > 0, total * total / np.where(square > 0, square, 1),
                                     0.0),
        )


def weighted_group_votes(
    X: sp.csr_matrix,
    labels: np.ndarray,
    weights: np.ndarray | None = None,
    n_groups: int | None = None,
) -> np.ndarray:
    """Weighted agree, disagree and all-vote sums per group and statement.

    Parameters
    ----------
    X : scipy.sparse matrix, shape (n_participants, n_statements)
    labels : ndarray of int, shape (n_participants,)
        Group number 0 .. k-1 per participant; -1 = in no group (left out).
    weights : ndarray, shape (n_participants,), optional
    n_groups : int, optional
        k; default ``labels.max() + 1``.

    Returns
    -------
    ndarray, shape (k, n_statements, 3)
        [..., 0] agree, [..., 1] disagree, [..., 2] all votes incl. passes: the layout of
        ``AnalysisResult.group_votes``; unweighted it holds the counts. Agree rate of group g on
        statement s = out[g, s, 0] / out[g, s, 2]. Callers publishing demographic groups must
        hide groups of fewer than k participants.
    """
    labels = np.asarray(labels, dtype=np.int64)
    w = _check_weights(weights, X.shape[0])
    if labels.shape != (X.shape[0],):
        raise EngineError(f"labels must have shape ({X.shape[0]},), got {labels.shape}")
    k = int(labels.max()) + 1 if n_groups is None else n_groups
    k = max(k, 0)
    member = labels >= 0
    if member.any() and labels.max() >= k:
        raise EngineError(f"labels go up to {labels.max()}, but n_groups={k}")
    rows = np.flatnonzero(member)
    G = sp.csr_matrix((w[member], (labels[member], rows)), shape=(k, X.shape[0]))
    agree, disagree, voted = vote_indicators(X)
    return np.stack([(G @ m).toarray() for m in (agree, disagree, voted)], axis=2)


def weighted_bridging(
    X: sp.csr_matrix,
    labels: np.ndarray,
    weights: np.ndarray | None = None,
    n_groups: int | None = None,
) -> WeightedBridging:
    """Weighted group-informed consensus and lowest group agree rate of every statement.

    Parameters
    ----------
    X : scipy.sparse matrix, shape (n_participants, n_statements)
    labels : ndarray of int, shape (n_participants,)
        Opinion group 0 .. k-1 per participant, -1 = none.
    weights : ndarray, shape (n_participants,), optional
        E.g. raking weights (sum n, so weighted counts stay on the scale of head counts and the
        Pol.is pseudo-counts keep their meaning); None = unweighted, which reproduces Pol.is.

    Notes
    -----
    With weighted sums A_g (agree) and V_g (all votes incl. passes) of group g:
    consensus_s = prod_g (A_gs + 1) / (V_gs + 2) (Pol.is ``group-aware-consensus``);
    min_group_agree_s = min_g A_gs / V_gs.

    Examples
    --------
    >>> X = sp.csr_matrix(np.array([[1], [1], [-1], [1]], dtype=np.int8))
    >>> b = weighted_bridging(X, np.array([0, 0, 1, 1]))
    >>> b.group_informed_consensus.tolist(), b.min_group_agree.tolist()
    ([0.375], [0.5])
    """
    gv = weighted_group_votes(X, labels, weights, n_groups)
    consensus = np.prod((gv[:, :, 0] + 1.0) / (gv[:, :, 2] + 2.0), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = gv[:, :, 0] / gv[:, :, 2]
    lowest = rates.min(axis=0) if len(gv) else np.full(X.shape[1], np.nan)
    return WeightedBridging(
        group_informed_consensus=consensus, min_group_agree=lowest, group_votes=gv
    )

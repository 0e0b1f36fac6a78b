"""Heterogeneity and representativeness of participants per attribute, with small cells hidden.

For one attribute (age band, gender, stakeholder role, neighbourhood, any join question), with
n_k participants in category k, n = sum n_k and shares s_k = n_k / n:

* heterogeneity (research note section 5.4): Shannon entropy H = -sum s_k ln s_k, Pielou evenness
  J = H / ln K, Gini-Simpson 1 - sum s_k^2, effective number of categories 1 / sum s_k^2 (inverse
  Simpson, Hill number of order 2) and exp(H) (Hill number of order 1);
* representativeness against reference shares p_k (section 5.2): representation ratio s_k / p_k,
  dissimilarity D = 1/2 sum |s_k - p_k|, coefficient of variation of response propensities
  CV = sqrt(sum p_k (s_k / p_k - 1)^2), and the chi-square goodness-of-fit test.

Privacy (k-anonymity): :func:`suppress_cells` hides every category with 1 .. k-1 participants and,
when that leaves fewer than k hidden people, also the smallest shown categories, so no hidden count
can be worked out from the total. :func:`attribute_report` computes every published measure on
the published table, in which the hidden categories are pooled into one cell
:data:`HIDDEN_CATEGORY`; nothing reported can therefore be solved back to a cell of fewer than k.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .diversity_settings import DIVERSITY, DiversitySettings
from .errors import EngineError

__all__ = [
    "HIDDEN_CATEGORY",
    "AttributeReport",
    "Heterogeneity",
    "Representativeness",
    "attribute_report",
    "encode_categories",
    "heterogeneity",
    "representativeness",
    "suppress_cells",
]

#: Name of the pooled cell of hidden categories in published tables.
HIDDEN_CATEGORY = "(hidden: fewer than k)"


@dataclass(frozen=True)
class Heterogeneity:
    """Diversity of one attribute's category shares (categories with n_k = 0 do not count)."""

    n: int
    #: Number of categories with at least one participant (K).
    richness: int
    shannon: float
    #: H / ln K; NaN when K < 2 (evenness is undefined for one category).
    evenness: float
    gini_simpson: float
    #: Effective number of categories: inverse Simpson 1 / sum s_k^2 (Hill number q = 2).
    effective_categories: float
    #: exp(H) (Hill number q = 1).
    hill_shannon: float


@dataclass(frozen=True)
class Representativeness:
    """Participants' shares s_k against reference shares p_k over the same K categories."""

    n: int
    shares: np.ndarray
    reference: np.ndarray
    #: (K,) s_k / p_k; 1 = proportional, < 1 under-represented.
    representation_ratio: np.ndarray
    dissimilarity: float
    cv: float
    chi2: float
    #: p-value of the chi-square goodness-of-fit test (K - 1 degrees of freedom); NaN if K < 2.
    chi2_p: float


@dataclass(frozen=True)
class AttributeReport:
    """What may be published about one attribute, small cells hidden."""

    attribute: str
    #: Participants who answered, and who did not (missing answer).
    n_respondents: int
    n_missing: int
    #: True when fewer than k answered: nothing else is reported.
    suppressed: bool
    #: Shown category -> count / share (categories of the reference with nobody show 0).
    counts: dict[str, int]
    shares: dict[str, float]
    #: Categories hidden by the k rule and their pooled share (0 if none).
    hidden_categories: tuple[str, ...]
    hidden_share: float
    heterogeneity: Heterogeneity | None
    #: Only with a reference; categories absent from it (or with share 0) are left out, unless
    #: hidden (the hidden pool is compared as one cell with the summed reference share).
    representativeness: Representativeness | None
    #: Category -> s_k / p_k for shown categories, plus :data:`HIDDEN_CATEGORY` for the pool.
    representation_ratio: dict[str, float]
    #: Respondents whose category is not in the reference (not hidden ones): left out of the test.
    n_unmatched: int


def _shares(counts: np.ndarray) -> np.ndarray:
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or (counts < 0).any():
        raise EngineError("counts must be a 1-d array of non-negative numbers")
    total = counts.sum()
    if total <= 0:
        raise EngineError("counts sum to 0: no participant answered")
    return counts / total


def heterogeneity(counts: np.ndarray) -> Heterogeneity:
    """Shannon, evenness, Gini-Simpson and effective number of categories of counts n_k.

    Parameters
    ----------
    counts : array_like, shape (K,)
        Participants per category; zeros are allowed and ignored.

    Returns
    -------
    Heterogeneity

    Notes
    -----
    s_k = n_k / n; H = -sum s_k ln s_k (natural log); J = H / ln K with K the categories present;
    Gini-Simpson = 1 - sum s_k^2 (chance two random participants differ, drawn with replacement);
    effective categories = 1 / sum s_k^2; Hill q=1 = exp(H).

    References
    ----------
    Shannon (1948); Pielou (1966); Simpson (1949); Hill (1973), Ecology 54(2).

    Examples
    --------
    >>> h = heterogeneity(np.array([5, 5]))
    >>> (round(h.shannon, 4), h.evenness, h.gini_simpson, h.effective_categories)
    (0.6931, 1.0, 0.5, 2.0)
    """
    s = _shares(counts)
    n = round(float(np.sum(counts)))
    s = s[s > 0]
    k = len(s)
    shannon = float(-(s * np.log(s)).sum())
    simpson = float((s * s).sum())
    return Heterogeneity(
        n=n,
        richness=k,
        shannon=shannon,
        evenness=shannon / math.log(k) if k > 1 else math.nan,
        gini_simpson=1.0 - simpson,
        effective_categories=1.0 / simpson,
        hill_shannon=math.exp(shannon),
    )


def representativeness(counts: np.ndarray, reference: np.ndarray) -> Representativeness:
    """Compare participant counts n_k with reference population shares p_k.

    Parameters
    ----------
    counts : array_like, shape (K,)
        Participants per category.
    reference : array_like, shape (K,)
        Population shares, all > 0; rescaled to sum to 1.

    Returns
    -------
    Representativeness

    Notes
    -----
    s_k = n_k / n. RR_k = s_k / p_k. D = 1/2 sum_k |s_k - p_k| (Duncan's dissimilarity, the share
    of participants that would have to change category to match the population).
    CV = sqrt(sum_k p_k (s_k / p_k - 1)^2): the coefficient of variation S(rho)/mean(rho) of the
    response propensities rho_k = n_k / N_k, written in shares (rho_k / mean rho = s_k / p_k).
    X^2 = sum_k (n_k - n p_k)^2 / (n p_k), p-value from chi-square with K - 1 degrees of freedom
    (:func:`scipy.stats.chisquare`).

    References
    ----------
    Duncan & Duncan (1955); Schouten, Cobben & Bethlehem (2009), Survey Methodology 35(1):
    partial R-indicators and the CV of response propensities.

    Examples
    --------
    >>> r = representativeness(np.array([30, 70]), np.array([0.5, 0.5]))
    >>> (r.representation_ratio.tolist(), round(r.dissimilarity, 2), round(r.cv, 2), r.chi2)
    ([0.6, 1.4], 0.2, 0.4, 16.0)
    """
    counts = np.asarray(counts, dtype=np.float64)
    p = np.asarray(reference, dtype=np.float64)
    if counts.shape != p.shape:
        raise EngineError(f"counts {counts.shape} and reference {p.shape} differ in shape")
    if (p <= 0).any() or not np.isfinite(p).all():
        raise EngineError("reference shares must be finite and > 0 in a comparison")
    s = _shares(counts)
    p = p / p.sum()
    n = counts.sum()
    ratio = s / p
    if len(p) > 1:
        test = stats.chisquare(counts, f_exp=n * p)
        chi2, chi2_p = float(test.statistic), float(test.pvalue)
    else:
        chi2, chi2_p = 0.0, math.nan
    return Representativeness(
        n=round(float(n)),
        shares=s,
        reference=p,
        representation_ratio=ratio,
        dissimilarity=float(0.5 * np.abs(s - p).sum()),
        cv=float(math.sqrt((p * (ratio - 1.0) ** 2).sum())),
        chi2=chi2,
        chi2_p=chi2_p,
    )


def suppress_cells(counts: np.ndarray, min_cell_size: int) -> np.ndarray:
    """Which cells to hide so that no published or derivable count lies in 1 .. k-1.

    Parameters
    ----------
    counts : array_like of int, shape (K,)
    min_cell_size : int
        k (at least 3; see :class:`DiversitySettings`).

    Returns
    -------
    ndarray of bool, shape (K,)
        True = hide. Primary: 0 < n_k < k. Secondary: while the hidden cells together hold fewer
        than k people, also hide the smallest shown non-empty cell (otherwise total minus shown
        would reveal them). Empty cells stay shown: a zero discloses nobody.

    Examples
    --------
    >>> suppress_cells(np.array([2, 10, 6, 0]), 5).tolist()
    [True, False, True, False]
    """
    counts = np.asarray(counts, dtype=np.int64)
    hidden = (counts > 0) & (counts < min_cell_size)
    while hidden.any() and counts[hidden].sum() < min_cell_size:
        candidates = np.flatnonzero(~hidden & (counts > 0))
        if not len(candidates):
            break
        hidden[candidates[np.argmin(counts[candidates])]] = True
    return hidden


def _is_missing(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def encode_categories(values: Sequence[object] | np.ndarray) -> tuple[list[str], np.ndarray]:
    """Category names (sorted) and a code per participant, -1 for a missing answer.

    None, NaN and the empty string are missing; every other value is compared as ``str``.

    Examples
    --------
    >>> encode_categories(["b", None, "a", "b"])
    (['a', 'b'], array([ 1, -1,  0,  1]))
    """
    array = np.asarray(values, dtype=object)
    missing = np.fromiter((_is_missing(v) for v in array), dtype=bool, count=len(array))
    codes = np.full(len(array), -1, dtype=np.int64)
    names, inverse = np.unique(array[~missing].astype(str), return_inverse=True)
    codes[~missing] = inverse.ravel()
    return [str(n) for n in names], codes


def attribute_report(
    attribute: str,
    values: Sequence[object] | np.ndarray,
    reference: Mapping[str, float] | None = None,
    settings: DiversitySettings = DIVERSITY,
) -> AttributeReport:
    """Publishable heterogeneity (and representativeness) of one attribute.

    Parameters
    ----------
    attribute : str
        Its name (for the report and error messages).
    values : sequence, shape (n_participants,)
        Each participant's category; None / NaN / "" = no answer (answers are optional).
    reference : mapping category -> share, optional
        One attribute of a validated reference (:func:`engine.reference.validate_reference`).
    settings : DiversitySettings
        ``min_cell_size`` is k.

    Returns
    -------
    AttributeReport
        Measures are computed on the published table: shown categories plus one pooled cell of the
        hidden ones (see :func:`suppress_cells`), so they can differ slightly from the measures of
        the raw table, which are never published.
    """
    names, codes = encode_categories(values)
    ref = {c: float(v) for c, v in (reference or {}).items() if v > 0}
    categories = sorted(set(names) | set(ref))
    position = {c: i for i, c in enumerate(categories)}
    remap = np.array([position[c] for c in names], dtype=np.int64)
    answered = codes >= 0
    counts = np.bincount(remap[codes[answered]], minlength=len(categories)).astype(np.int64)
    n = int(counts.sum())
    k = settings.min_cell_size
    empty = AttributeReport(attribute, n, len(codes) - n, True, {}, {}, (), 0.0, None, None, {}, 0)
    if n < k:
        return empty
    hidden = suppress_cells(counts, k)
    shown = ~hidden
    pooled = int(counts[hidden].sum())
    if not shown.any() or counts[shown].sum() == 0:
        return empty
    table = np.append(counts[shown], pooled)
    hetero = heterogeneity(table)
    report_counts = {categories[i]: int(counts[i]) for i in np.flatnonzero(shown)}
    rep, ratios, unmatched = None, {}, 0
    if ref:
        in_ref = np.array([c in ref for c in categories])
        p = np.array([ref.get(c, 0.0) for c in categories])
        compare = shown & in_ref
        unmatched = int(counts[shown & ~in_ref].sum())
        cell_counts = list(counts[compare])
        cell_p = list(p[compare])
        labels = [categories[i] for i in np.flatnonzero(compare)]
        if pooled and p[hidden].sum() > 0:
            cell_counts.append(pooled)
            cell_p.append(p[hidden].sum())
            labels.append(HIDDEN_CATEGORY)
        if sum(cell_counts) > 0:
            rep = representativeness(np.array(cell_counts), np.array(cell_p))
            ratios = {
                lab: float(r) for lab, r in zip(labels, rep.representation_ratio, strict=True)
            }
    return AttributeReport(
        attribute=attribute,
        n_respondents=n,
        n_missing=len(codes) - n,
        suppressed=False,
        counts=report_counts,
        shares={c: v / n for c, v in report_counts.items()},
        hidden_categories=tuple(categories[i] for i in np.flatnonzero(hidden)),
        hidden_share=pooled / n,
        heterogeneity=hetero,
        representativeness=rep,
        representation_ratio=ratios,
        n_unmatched=unmatched,
    )

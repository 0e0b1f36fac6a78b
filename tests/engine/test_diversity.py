"""Heterogeneity, representativeness, k-anonymity, reference validation and opinion diversity.

Every expected value is worked out by hand in the comments next to it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from meedenken.engine.diversity import (
    HIDDEN_CATEGORY,
    attribute_report,
    encode_categories,
    heterogeneity,
    representativeness,
    suppress_cells,
)
from meedenken.engine.diversity_settings import DiversitySettings
from meedenken.engine.errors import EngineError, InvalidSettingError
from meedenken.engine.opinion_diversity import (
    coverage,
    group_difference,
    map_spread,
    opinion_diversity,
)
from meedenken.engine.reference import InvalidReferenceError, validate_reference

# --------------------------------------------------------------------------- heterogeneity


def test_heterogeneity_by_hand():
    h = heterogeneity(np.array([6, 3, 1]))
    # s = 0.6, 0.3, 0.1
    # H = 0.6*ln(1/0.6) + 0.3*ln(1/0.3) + 0.1*ln(1/0.1)
    #   = 0.6*0.5108256 + 0.3*1.2039728 + 0.1*2.3025851 = 0.3064954 + 0.3611918 + 0.2302585
    #   = 0.8979457
    assert h.shannon == pytest.approx(0.8979457, abs=1e-7)
    # J = H / ln 3 = 0.8979457 / 1.0986123 = 0.8173454
    assert h.evenness == pytest.approx(0.8173454, abs=1e-6)
    # sum s^2 = 0.36 + 0.09 + 0.01 = 0.46 -> Gini-Simpson 0.54, inverse Simpson 1/0.46 = 2.173913
    assert h.gini_simpson == pytest.approx(0.54)
    assert h.effective_categories == pytest.approx(2.173913, abs=1e-6)
    # exp(0.8979457) = 2.4545...
    assert h.hill_shannon == pytest.approx(math.exp(0.8979457), abs=1e-6)
    assert (h.n, h.richness) == (10, 3)


def test_heterogeneity_ignores_empty_categories_and_single_category():
    # [4, 0, 4]: two categories of 0.5 -> H = ln 2, J = 1, effective 2
    h = heterogeneity(np.array([4, 0, 4]))
    assert (h.richness, h.evenness, h.effective_categories) == (2, pytest.approx(1.0), 2.0)
    # one category: H = 0, evenness undefined (0/0), effective number 1
    one = heterogeneity(np.array([7]))
    assert one.shannon == 0 and math.isnan(one.evenness) and one.effective_categories == 1.0


def test_heterogeneity_rejects_bad_counts():
    with pytest.raises(EngineError):
        heterogeneity(np.array([0, 0]))
    with pytest.raises(EngineError):
        heterogeneity(np.array([3, -1]))


# --------------------------------------------------------------------------- representativeness


def test_representativeness_by_hand():
    r = representativeness(np.array([30, 50, 20]), np.array([0.2, 0.5, 0.3]))
    # s = 0.3, 0.5, 0.2; ratios 0.3/0.2 = 1.5, 0.5/0.5 = 1, 0.2/0.3 = 0.6667
    assert r.representation_ratio == pytest.approx([1.5, 1.0, 2 / 3])
    # D = 1/2 (|0.3-0.2| + 0 + |0.2-0.3|) = 0.1
    assert r.dissimilarity == pytest.approx(0.1)
    # CV = sqrt(0.2*(1.5-1)^2 + 0.5*0 + 0.3*(2/3-1)^2) = sqrt(0.05 + 0.0333333) = 0.2886751
    assert r.cv == pytest.approx(0.2886751, abs=1e-7)
    # expected 20, 50, 30: X^2 = 10^2/20 + 0 + 10^2/30 = 5 + 3.333333 = 8.333333
    assert r.chi2 == pytest.approx(8.333333, abs=1e-6)
    # 2 degrees of freedom: P(X^2 > x) = exp(-x/2) = exp(-4.1666667) = 0.0155039
    assert r.chi2_p == pytest.approx(math.exp(-8.333333333 / 2), abs=1e-7)


def test_cv_matches_research_note_example():
    # bridging-and-diversity.md 5.2: populations 5k, 8k, 12k, 9k, 6k and participants
    # 20, 30, 80, 70, 60 give CV = 0.327 (= S(rho) / mean rho computed from propensities).
    population = np.array([5000, 8000, 12000, 9000, 6000])
    r = representativeness(np.array([20, 30, 80, 70, 60]), population / population.sum())
    rho = np.array([20, 30, 80, 70, 60]) / population
    p = population / population.sum()
    by_propensity = math.sqrt((p * (rho - 260 / 40000) ** 2).sum()) / (260 / 40000)
    assert r.cv == pytest.approx(0.327, abs=5e-4)
    assert r.cv == pytest.approx(by_propensity)


def test_perfect_match_and_bad_input():
    r = representativeness(np.array([25, 75]), np.array([0.25, 0.75]))
    assert (r.dissimilarity, r.cv, r.chi2) == (0.0, 0.0, 0.0) and r.chi2_p == pytest.approx(1.0)
    with pytest.raises(EngineError, match="differ in shape"):
        representativeness(np.array([1, 2]), np.array([1.0]))
    with pytest.raises(EngineError, match="> 0"):
        representativeness(np.array([1, 2]), np.array([1.0, 0.0]))


# --------------------------------------------------------------------------- k-anonymity


def test_suppression_primary_and_secondary():
    # 2 < 5 is hidden; alone it would be total - shown = 2, so the smallest shown (6) goes too
    assert suppress_cells(np.array([2, 10, 6, 0]), 5).tolist() == [True, False, True, False]
    # 4 is hidden, pooled 4 < 5 -> also hide 5 (smallest shown), pooled 9
    assert suppress_cells(np.array([4, 5, 30]), 5).tolist() == [True, True, False]
    # nothing small -> nothing hidden; zeros stay shown
    assert suppress_cells(np.array([5, 0, 9]), 5).tolist() == [False, False, False]
    # 1 + 1 + 1 = 3 >= k=3? no: each < 3 hidden, pool 3 >= 3 -> stop
    assert suppress_cells(np.array([1, 1, 1, 40]), 3).tolist() == [True, True, True, False]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=8), st.integers(3, 8))
def test_suppression_never_reveals_a_small_count(counts, k):
    counts = np.array(counts)
    hidden = suppress_cells(counts, k)
    shown = counts[~hidden]
    assert not ((shown > 0) & (shown < k)).any()
    pooled = counts[hidden].sum()
    # what can be derived (total minus shown) is 0 or at least k
    assert pooled == 0 or pooled >= k or not (~hidden & (counts > 0)).any()


def test_k_below_three_is_refused():
    with pytest.raises(InvalidSettingError, match="min_cell_size"):
        DiversitySettings(min_cell_size=2)
    assert DiversitySettings(min_cell_size=3).min_cell_size == 3


def test_attribute_report_pools_hidden_cells():
    values = ["a"] * 10 + ["b"] * 6 + ["c"] * 2 + [None, float("nan"), ""]
    report = attribute_report("age", values, {"a": 0.5, "b": 0.3, "c": 0.2})
    # c (2) is hidden; 2 < 5 so b (6, the smallest shown) is hidden too -> pool of 8
    assert report.counts == {"a": 10}
    assert report.hidden_categories == ("b", "c")
    assert (report.n_respondents, report.n_missing) == (18, 3)
    assert report.shares["a"] == pytest.approx(10 / 18)
    assert report.hidden_share == pytest.approx(8 / 18)
    # published table [10, 8] against [0.5, 0.3 + 0.2]:
    # ratios (10/18)/0.5 = 1.1111, (8/18)/0.5 = 0.8889; D = 1/2 (0.0556 + 0.0556) = 0.0556
    assert report.representation_ratio == pytest.approx({"a": 10 / 9, HIDDEN_CATEGORY: 8 / 9})
    assert report.representativeness is not None
    assert report.representativeness.dissimilarity == pytest.approx(1 / 18)
    # heterogeneity of [10, 8]: sum s^2 = (100 + 64)/324 = 0.5062 -> effective 1.9756
    assert report.heterogeneity is not None
    assert report.heterogeneity.effective_categories == pytest.approx(324 / 164)
    # no published number equals the hidden counts 2 or 6
    assert 2 not in report.counts.values() and 6 not in report.counts.values()


def test_attribute_report_too_few_respondents_and_unknown_categories():
    small = attribute_report("gender", ["m", "v", "v", None], None)
    assert small.suppressed and small.counts == {} and small.heterogeneity is None
    # "x" is not in the reference: shown in shares, left out of the comparison (n_unmatched)
    report = attribute_report("g", ["m"] * 5 + ["v"] * 5 + ["x"] * 5, {"m": 0.5, "v": 0.5})
    assert report.n_unmatched == 5
    assert report.representation_ratio == pytest.approx({"m": 1.0, "v": 1.0})
    # reference category nobody belongs to shows as 0 with ratio 0
    empty = attribute_report("g", ["m"] * 6, {"m": 0.5, "v": 0.5})
    assert empty.counts == {"m": 6, "v": 0}
    assert empty.representation_ratio == pytest.approx({"m": 2.0, "v": 0.0})


def test_encode_categories():
    names, codes = encode_categories(["b", None, "a", "b", 3])
    assert names == ["3", "a", "b"] and codes.tolist() == [2, -1, 1, 2, 0]


# --------------------------------------------------------------------------- references


def test_valid_reference_is_normalised_and_not_mutated():
    data = {"attributes": {"age": {"young": 0.3, "old": 0.705}}}
    ref = validate_reference(data)
    assert ref["age"]["young"] == pytest.approx(0.3 / 1.005)
    assert data["attributes"]["age"]["old"] == 0.705


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "must be an object"),
        ("age", "must be an object"),
        ({}, "no attributes"),
        ({"age": {}}, "'age': has no categories"),
        ({"age": [0.5, 0.5]}, "'age': must be an object"),
        ({"age": {"young": -0.1, "old": 1.1}}, "'age', category 'young': negative share"),
        ({"age": {"young": 0.5, "old": 0.3}}, "'age': shares sum to 0.8"),
        ({"age": {"young": 0.5, "old": 0.52}}, "'age': shares sum to 1.02"),
        ({"age": {"young": "half", "old": 0.5}}, "'young': share must be a finite number"),
        ({"age": {"young": True, "old": 0.0}}, "'young': share must be a finite number"),
        ({"age": {"young": float("nan"), "old": 1}}, "finite number"),
        ({"": {"a": 1.0}}, "attribute name"),
        ({"sex": {"m": 0.5, "v": 0.5}, "age": {"a": 2.0}}, "'age': shares sum to 2"),
    ],
)
def test_bad_references_name_the_problem(data, message):
    with pytest.raises(InvalidReferenceError, match=message):
        validate_reference(data)


# --------------------------------------------------------------------------- opinion diversity


def test_map_spread_by_hand():
    # square around (1, 1): every squared distance is 2 -> total variance 2, mean distance sqrt 2
    total, mean = map_spread(np.array([[0, 0], [2, 0], [0, 2], [2, 2]]))
    assert (total, mean) == (pytest.approx(2.0), pytest.approx(math.sqrt(2)))


def test_group_difference_by_hand():
    # group 0: 10 agree of 10; group 1: 5 agree, 5 disagree of 10; group 2: 2 votes (< 5, left out)
    gv = np.array([[[10, 0, 10]], [[5, 5, 10]], [[2, 0, 2]]], dtype=float)
    d = group_difference(gv, min_votes=5)
    # range = 1.0 - 0.5
    assert d.agree_range.tolist() == [0.5] and d.n_groups.tolist() == [2]
    # table [[10, 0], [5, 5]] (pass column empty); E = [[7.5, 2.5], [7.5, 2.5]]
    # X^2 = 2.5^2/7.5 * 2 + 2.5^2/2.5 * 2 = 1.6667 + 5 = 6.6667; V = sqrt(6.6667 / (20 * 1))
    assert d.cramers_v[0] == pytest.approx(math.sqrt(1 / 3))
    # a single group with enough votes: no difference to measure
    alone = group_difference(gv[:1], min_votes=5)
    assert math.isnan(alone.agree_range[0]) and math.isnan(alone.cramers_v[0])
    # everyone agrees in both groups: V = 0, range 0
    same = group_difference(np.array([[[6, 0, 6]], [[9, 0, 9]]], dtype=float))
    assert same.agree_range[0] == 0 and same.cramers_v[0] == 0


def test_coverage_by_hand():
    # p0 agrees with s0; p1 agrees with s2 only; p2 disagrees with all; p3 did not vote
    X = sp.csr_matrix(np.array([[1, 0, 0], [-1, -1, 1], [-1, -1, -1], [0, 0, 0]], dtype=np.int8))
    c = coverage(X, [0, 1], labels=np.array([0, 0, 1, -1]))
    # voters p0, p1, p2; covered p0 -> 1/3; group 0: 1 of 2, group 1: 0 of 1
    assert (c.n_voters, c.n_covered) == (3, 1)
    assert c.share == pytest.approx(1 / 3)
    assert c.by_group == {0: 0.5, 1: 0.0}
    assert coverage(X, [0, 2]).share == pytest.approx(2 / 3)
    with pytest.raises(EngineError):
        coverage(X, [3])


def test_opinion_diversity_by_hand():
    # participant 4 passed (an explicit 0, built through coo so the zero is kept)
    X = sp.csr_matrix(
        (np.array([1, 1, 1, -1, 0], dtype=np.int8), ([0, 1, 2, 3, 4], [0] * 5)), shape=(5, 1)
    )
    assert X.nnz == 5
    labels = np.array([0, 0, 0, 1, -1])
    xy = np.array([[0, 0], [2, 0], [0, 2], [2, 2], [50, 50]], dtype=float)
    one_vote = DiversitySettings(min_group_votes=1)
    o = opinion_diversity(X, labels, xy, bridging=[0], settings=one_vote)
    # group shares 3/4, 1/4: H = 0.75 ln(4/3) + 0.25 ln 4 = 0.2157616 + 0.3465736 = 0.5623351
    assert o.effective_groups == pytest.approx(math.exp(0.5623351), abs=1e-6)
    # inverse Simpson 1 / (0.5625 + 0.0625) = 1.6
    assert o.effective_groups_simpson == pytest.approx(1.6)
    assert o.group_sizes == {0: 3, 1: 1} and o.n_groups == 2
    # participant 4 (not in conversation) is left out of the spread: the square again
    assert o.total_variance == pytest.approx(2.0)
    # agree rates 1.0 and 0.0 -> range 1
    assert o.differences.agree_range.tolist() == [1.0]
    # coverage: voters 0..3 (the pass of 4 also counts as a vote): agree 0,1,2 -> 3/5
    assert o.coverage is not None and o.coverage.share == pytest.approx(3 / 5)
    # order of participants does not matter
    perm = np.array([4, 2, 0, 3, 1])
    o2 = opinion_diversity(
        X[perm], labels[perm], xy[perm], bridging=[0], settings=DiversitySettings(min_group_votes=1)
    )
    assert o2.effective_groups == pytest.approx(o.effective_groups)
    assert o2.total_variance == pytest.approx(o.total_variance)

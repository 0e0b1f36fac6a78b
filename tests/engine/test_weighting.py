"""Post-stratification, raking, effective sample size and weighted agree rates, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from meedenken.engine.diversity_settings import DiversitySettings
from meedenken.engine.errors import EngineError
from meedenken.engine.weighting import (
    effective_sample_size,
    poststratification_weights,
    rake,
    vote_indicators,
    weighted_agree_rates,
    weighted_bridging,
    weighted_group_votes,
)


def test_effective_sample_size_by_hand():
    # (1 + 1 + 2)^2 / (1 + 1 + 4) = 16 / 6 = 2.6667; equal weights give n
    assert effective_sample_size(np.array([1.0, 1.0, 2.0])) == pytest.approx(16 / 6)
    assert effective_sample_size(np.full(7, 0.3)) == pytest.approx(7.0)
    assert effective_sample_size(np.zeros(3)) == 0.0


def test_poststratification_by_hand_with_missing_answers():
    values = ["a"] * 6 + ["b"] * 2 + [None, None]
    # min_cell=1: the formula on toy cells (the default collapses cells below k = 5)
    w = poststratification_weights(values, {"a": 0.5, "b": 0.5}, "gender", min_cell=1)
    # 8 respondents: s_a = 6/8 = 0.75, s_b = 0.25 -> w_a = 0.5/0.75 = 2/3, w_b = 0.5/0.25 = 2;
    # the 2 without an answer keep 1
    assert w.weights == pytest.approx([2 / 3] * 6 + [2.0] * 2 + [1.0] * 2)
    # sum = 6 * 2/3 + 2 * 2 + 2 = 10 = n; sum w^2 = 6 * 4/9 + 2 * 4 + 2 = 12.6667
    # n_eff = 100 / 12.6667 = 7.8947, design effect 10 / 7.8947 = 1.2667
    assert w.weights.sum() == pytest.approx(10)
    assert w.effective_sample_size == pytest.approx(100 / (6 * 4 / 9 + 8 + 2))
    assert w.design_effect == pytest.approx(10 / (100 / (6 * 4 / 9 + 8 + 2)))
    assert w.uncovered_share == {"gender": 0.0}


def test_poststratification_with_an_uncovered_category():
    # nobody in c (20 % of the town): targets rescaled over a, b -> 0.5/0.8 = 0.625, 0.375
    w = poststratification_weights(["a", "a", "b", "b"], {"a": 0.5, "b": 0.3, "c": 0.2}, "age",
                                   min_cell=1)
    # s = 0.5, 0.5 -> w_a = 0.625/0.5 = 1.25, w_b = 0.375/0.5 = 0.75
    assert w.weights == pytest.approx([1.25, 1.25, 0.75, 0.75])
    assert w.uncovered_share == {"age": pytest.approx(0.2)}


def test_raking_two_by_two_known_answer():
    # cells (a1,b1)=40, (a1,b2)=10, (a2,b1)=20, (a2,b2)=30; targets 50/50 on both margins.
    # Raking keeps the odds ratio 40*30/(10*20) = 6 and meets the margins (50, 50 / 50, 50):
    # m11 = m22 = x, m12 = m21 = 50 - x with x^2/(50-x)^2 = 6 -> x = 50 sqrt6 / (1 + sqrt6)
    # = 35.505103. Cell weights: 35.505103/40 = 0.887628, 14.494897/10 = 1.449490,
    # 14.494897/20 = 0.724745, 35.505103/30 = 1.183503.
    a = ["a1"] * 50 + ["a2"] * 50
    b = ["b1"] * 40 + ["b2"] * 10 + ["b1"] * 20 + ["b2"] * 30
    r = rake({"A": a, "B": b}, {"A": {"a1": 0.5, "a2": 0.5}, "B": {"b1": 0.5, "b2": 0.5}})
    x = 50 * math.sqrt(6) / (1 + math.sqrt(6))
    expected = [x / 40] * 40 + [(50 - x) / 10] * 10 + [(50 - x) / 20] * 20 + [x / 30] * 30
    assert r.converged and r.max_error < 1e-6
    assert r.weights == pytest.approx(expected, abs=1e-5)
    # n_eff = 100^2 / sum m_ij^2 / n_ij = 10000 / (31.5153 + 21.0102 + 10.5051 + 42.0204)
    #       = 10000 / 105.0510 = 95.1918
    assert r.effective_sample_size == pytest.approx(95.1918, abs=1e-3)
    assert r.weights.sum() == pytest.approx(100)


def test_raking_with_missing_answers_known_answer():
    # (a1,b1) x2, (a2,b2) x2, (a1, missing) x2; targets A 50/50, B b1 25 % / b2 75 %.
    # A: 2 w1 + 2 w3 = 3 and 2 w2 = 3 -> w2 = 1.5; B among the 4 who answered:
    # 2 w1 / (2 w1 + 2 w2) = 0.25 -> w1 = w2 / 3 = 0.5; then w3 = (3 - 1) / 2 = 1.
    a = ["a1", "a1", "a2", "a2", "a1", "a1"]
    b = ["b1", "b1", "b2", "b2", None, None]
    r = rake({"A": a, "B": b}, {"A": {"a1": 0.5, "a2": 0.5}, "B": {"b1": 0.25, "b2": 0.75}},
             min_cell=1)
    assert r.converged
    assert r.weights == pytest.approx([0.5, 0.5, 1.5, 1.5, 1.0, 1.0], abs=1e-5)


def test_raking_one_attribute_equals_poststratification():
    values = ["x"] * 3 + ["y"] * 7 + [None]
    ref = {"g": {"x": 0.6, "y": 0.4}}
    r = rake({"g": values}, ref)
    p = poststratification_weights(values, ref["g"])
    assert r.weights == pytest.approx(p.weights)
    assert r.n_iterations == 1


def test_raking_reports_non_convergence():
    # (x,u), (x,v), (y,v): the margins need w(x,v) -> 0, reached only in the limit
    r = rake(
        {"a": ["x", "x", "y"], "b": ["u", "v", "v"]},
        {"a": {"x": 0.5, "y": 0.5}, "b": {"u": 0.5, "v": 0.5}},
        DiversitySettings(raking_max_iterations=20),
        min_cell=1,
    )
    assert not r.converged and r.n_iterations == 20 and r.max_error > 1e-6


def test_cells_below_k_are_collapsed_into_a_neighbour():
    """Issue 18, item 3: 24 aged 30-50 and one aged 80+, reference 0.1% / 99.9%. Weighted on
    its own, the 80+ cell gives its one member 99.9% of the weight (n_eff 1.002). Collapsed into
    its neighbour, all weights are equal."""
    values = ["30-50"] * 24 + ["80+"]
    reference = {"age": {"30-50": 0.001, "80+": 0.999}}
    r = rake({"age": values}, reference)
    assert r.collapsed == {"age": {"80+": "30-50"}}
    assert r.weights == pytest.approx(np.ones(25))
    unsafe = rake({"age": values}, reference, min_cell=1)  # what it was before
    assert unsafe.effective_sample_size < 1.01
    p = poststratification_weights(values, reference["age"], "age")
    assert p.weights == pytest.approx(np.ones(25))


def test_collapse_goes_to_the_next_category_in_reference_order():
    # b (2) joins c, its next neighbour; a (10) and the merged b+c (2 + 6) stay apart
    values = ["a"] * 10 + ["b"] * 2 + ["c"] * 6
    r = rake({"g": values}, {"g": {"a": 0.5, "b": 0.25, "c": 0.25}})
    assert r.collapsed == {"g": {"b": "c"}}
    # a 50% (10 people: w 0.9), b+c 50% (8 people: w 1.125)
    assert r.weights == pytest.approx([0.9] * 10 + [1.125] * 8)


def test_effective_votes_per_statement():
    X = sp.csr_matrix(np.array([[1, 1], [1, 0], [-1, 0]], dtype=np.int8))
    rates = weighted_agree_rates(X, np.array([1.0, 1.0, 2.0]))
    # statement 0: weights 1, 1, 2 -> 16 / 6; statement 1: one voter -> 1
    assert rates.effective_votes == pytest.approx([16 / 6, 1.0])


def test_raking_does_not_mutate_and_checks_input():
    values = {"a": ["x", "y"]}
    rake(values, {"a": {"x": 0.5, "y": 0.5}})
    assert values == {"a": ["x", "y"]}
    with pytest.raises(EngineError, match="no attribute"):
        rake({"a": ["x"]}, {"b": {"x": 1.0}})
    with pytest.raises(EngineError, match="differ in length"):
        rake({"a": ["x"], "b": ["u", "v"]}, {"a": {"x": 1.0}, "b": {"u": 1.0}})


def _votes() -> sp.csr_matrix:
    # p0: s0 agree, s1 pass; p1: s0 disagree, s1 agree; p2: s0 agree, s1 unseen
    return sp.csr_matrix(
        (np.array([1, 0, -1, 1, 1], dtype=np.int8), ([0, 0, 1, 1, 2], [0, 1, 0, 1, 0])),
        shape=(3, 2),
    )


def test_vote_indicators_keep_passes():
    agree, disagree, voted = vote_indicators(_votes())
    assert voted.toarray().tolist() == [[1, 1], [1, 1], [1, 0]]
    assert agree.toarray().tolist() == [[1, 0], [0, 1], [1, 0]]
    assert disagree.toarray().tolist() == [[0, 0], [1, 0], [0, 0]]


def test_weighted_agree_rates_by_hand():
    plain = weighted_agree_rates(_votes())
    # s0: agrees p0, p2 of 3 votes = 2/3; s1: agree p1 of 2 votes (pass counts) = 1/2
    assert plain.agree == pytest.approx([2 / 3, 1 / 2])
    assert plain.n_votes.tolist() == [3, 2]
    r = weighted_agree_rates(_votes(), np.array([2.0, 1.0, 1.0]))
    # s0: (2 + 1) / (2 + 1 + 1) = 0.75, disagree 1/4; s1: 1 / (2 + 1) = 1/3, disagree 0
    assert r.agree == pytest.approx([0.75, 1 / 3])
    assert r.disagree == pytest.approx([0.25, 0.0])
    assert r.weight == pytest.approx([4.0, 3.0])
    with pytest.raises(EngineError, match="shape"):
        weighted_agree_rates(_votes(), np.ones(2))
    with pytest.raises(EngineError, match="non-negative"):
        weighted_agree_rates(_votes(), np.array([1.0, -1.0, 1.0]))


def test_weighted_group_votes_and_bridging_by_hand():
    labels = np.array([0, 1, 1])
    w = np.array([2.0, 1.0, 1.0])
    gv = weighted_group_votes(_votes(), labels, w)
    # group 0 = p0 (weight 2): s0 agree 2 of 2; s1 pass -> agree 0 of 2
    # group 1 = p1, p2: s0 agree 1 (p2), disagree 1 (p1) of 2; s1 agree 1 of 1
    assert gv[0].tolist() == [[2, 0, 2], [0, 0, 2]]
    assert gv[1].tolist() == [[1, 1, 2], [1, 0, 1]]
    b = weighted_bridging(_votes(), labels, w)
    # s0: (2+1)/(2+2) * (1+1)/(2+2) = 0.75 * 0.5 = 0.375
    # s1: (0+1)/(2+2) * (1+1)/(1+2) = 0.25 * 0.6667 = 0.1667
    assert b.group_informed_consensus == pytest.approx([0.375, 1 / 6])
    # lowest group agree rate: s0 min(1, 0.5) = 0.5, s1 min(0, 1) = 0
    assert b.min_group_agree == pytest.approx([0.5, 0.0])
    # participants outside every group (-1) are left out
    gv2 = weighted_group_votes(_votes(), np.array([0, -1, -1]))
    assert gv2.shape == (1, 2, 3) and gv2[0, 0].tolist() == [1, 0, 1]


def test_raking_meets_every_margin_on_random_data():
    rng = np.random.default_rng(3)
    n = 500
    a = rng.choice(["x", "y", "z"], n, p=[0.6, 0.3, 0.1]).astype(object)
    b = rng.choice(["u", "v"], n, p=[0.7, 0.3]).astype(object)
    b[rng.uniform(size=n) < 0.1] = None
    ref = {"a": {"x": 0.2, "y": 0.3, "z": 0.5}, "b": {"u": 0.4, "v": 0.6}}
    r = rake({"a": a, "b": b}, ref)
    assert r.converged
    for name, values in (("a", a), ("b", b)):
        answered = np.array([v is not None for v in values])
        for category, share in ref[name].items():
            in_cat = np.array([v == category for v in values])
            assert r.weights[in_cat].sum() / r.weights[answered].sum() == pytest.approx(
                share, abs=1e-5
            )
    assert r.weights.sum() == pytest.approx(n)
    # same data in another order: the same weights, permuted
    perm = rng.permutation(n)
    r2 = rake({"a": a[perm], "b": b[perm]}, ref)
    assert r2.weights == pytest.approx(r.weights[perm])


def test_equal_weights_change_nothing():
    X = _votes()
    assert weighted_agree_rates(X, np.full(3, 2.5)).agree == pytest.approx(
        weighted_agree_rates(X).agree
    )
    labels = np.array([0, 1, 1])
    assert weighted_bridging(X, labels, np.ones(3)).group_informed_consensus == pytest.approx(
        weighted_bridging(X, labels).group_informed_consensus
    )


def test_population_weights_in_the_matrix_factorisation_bridging():
    from meedenken.engine.bridging import BridgingSettings, bridging

    rng = np.random.default_rng(0)
    # two camps of 30 and 10 that disagree on statements 1..5; statement 0 everybody likes
    camp = np.repeat([0, 1], [30, 10])
    pref = np.where(camp[:, None] == 0, 1, -1) * np.array([1, 1, -1, 1, -1, 1])
    pref[:, 0] = 1
    votes = np.where(rng.random(pref.shape) < 0.9, pref, -pref).astype(np.int8)
    X = sp.csr_matrix(votes)
    settings = BridgingSettings(min_side_agrees=1)
    plain = bridging(X, settings=settings)
    same = bridging(X, settings=settings, population_weights=np.ones(40))
    assert np.allclose(plain.score, same.score, equal_nan=True)
    # scaling every weight alike changes nothing (the loss is a weighted mean)
    double = bridging(X, settings=settings, population_weights=np.full(40, 2.0))
    assert np.allclose(plain.score, double.score, atol=1e-6, equal_nan=True)
    # weighting the small camp up (as if the town were half camp 1) moves camp-1 statements
    w = np.where(camp == 1, 3.0, 1.0)
    weighted = bridging(X, settings=settings, population_weights=w)
    assert not np.allclose(plain.score, weighted.score, atol=1e-3)
    assert weighted.n_votes.tolist() == plain.n_votes.tolist()  # counts stay unweighted
    with pytest.raises(EngineError, match="population_weights"):
        bridging(X, settings=settings, population_weights=np.ones(3))
    with pytest.raises(EngineError, match="population_weights"):
        bridging(X, settings=settings, population_weights=-np.ones(40))

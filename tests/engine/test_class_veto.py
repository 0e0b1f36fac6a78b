"""The latent-class veto of common ground (engine.class_veto, issue 16): hand-checkable rooms."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from meedenken.engine.class_veto import ClassRates, class_rates, class_veto_z
from meedenken.engine.common_ground import (
    COMMON_GROUND,
    NOT_ENOUGH_VOTES,
    REJECTED_WITHIN_A_GROUP,
    class_vetoes,
    common_ground,
)
from meedenken.engine.opinion_space import opinion_cells, opinion_space
from meedenken.engine.settings import CommonGroundSettings


def _room(p_agree: np.ndarray, density: float, seed: int) -> sp.csr_matrix:
    """Votes agree +1 / disagree -1 drawn with probabilities ``p_agree`` (n, S), each cell seen
    with probability ``density``."""
    rng = np.random.default_rng(seed)
    seen = rng.random(p_agree.shape) < density
    votes = np.where(rng.random(p_agree.shape) < p_agree, 1, -1) * seen
    return sp.csr_matrix(votes.astype(np.int8))


def _one_group_counts(X: sp.csr_matrix) -> np.ndarray:
    A = X.toarray()
    return np.stack([(A > 0).sum(0), (A < 0).sum(0), np.zeros(A.shape[1], int)], -1)[None]


def test_scattered_minority_that_rejects_a_statement_vetoes_it():
    """600 participants; the last 60 (10%) disagree with 20 "marker" statements everyone else
    agrees with (agree 10% against 90%), and all agree (85%) with 10 others; each votes on a
    fifth of them (about 4 markers): no participant is surely minority on their own.
    Statement 30: the others agree (90%), the minority disagrees (90%). Overall about 82%
    agree, so the one group supports it; the minority's own class rejects it."""
    n, S = 600, 31
    minority = np.arange(n) >= 540
    p = np.where(minority[:, None], 0.1, 0.9) * np.ones((1, S))
    p[:, 20:30] = 0.85
    votes = _room(p, 0.2, seed=1).toarray()
    votes[:, 30] = _room(p[:, 30:], 0.5, seed=2).toarray()[:, 0]  # the statement under test
    X = sp.csr_matrix(votes)
    rng = np.random.default_rng(0)
    rows = np.arange(n)
    # As the engine does (engine.steps): EM started from the opinion space's k-means cells.
    space = opinion_space(X, np.ones(S, bool), np.ones(n, bool), max_dims=5, max_rows=10_000,
                          rng=rng)
    assert space is not None
    cells = opinion_cells(space, n, (2,), rng=rng)[0]
    inside = cells == np.bincount(cells[minority]).argmax()
    assert (inside & minority).sum() / inside.sum() < 0.9  # the cell is not the minority
    rates = class_rates(X, np.ones(S, bool), rows, [cells])
    assert rates is not None
    small = int(np.argmin(rates.weights))
    assert 0.06 < rates.weights[small] < 0.14  # the class is the minority
    assert rates.rate[small, 30] < 0.3 and rates.rate[1 - small, 30] > 0.8
    counts = _one_group_counts(X)
    settings = CommonGroundSettings()
    without = common_ground(counts, ["all"], settings=settings)
    assert without.status[30] == COMMON_GROUND  # the group alone cannot see the minority
    with_classes = common_ground(counts, ["all"], classes=[rates], settings=settings)
    assert with_classes.status[30] == REJECTED_WITHIN_A_GROUP


def test_bridging_statement_with_lenient_dissenters_stays_common_ground():
    """A room of 30% strict participants (agree 60% with everything) and 70% lenient ones
    (90%): the dissent on every statement comes mostly from the strict ones, a coherent set,
    but a majority of them still agree. No class may veto: nothing is rejected. The strict
    class's own rate (true 0.6, about 50 expected votes) dips below 1/2 on some statements by
    chance, and those wait as "not enough votes yet" (class_doubts); at k = 2 four of 20 do
    (rates 0.31-0.49). At k = 4 from random starts alone (the engine also starts from the map's
    cells) the model splits each type in two and its rates scatter: most statements wait, none
    is rejected."""
    n, S = 400, 20
    strict = np.arange(n) < 120
    p = np.where(strict[:, None], 0.6, 0.9) * np.ones((1, S))
    X = _room(p, 0.3, seed=3)
    rng = np.random.default_rng(0)
    settings = CommonGroundSettings()
    for k in (2, 4):
        rates = class_rates(X, np.ones(S, bool), np.arange(n),
                            [rng.integers(k, size=n) for _ in range(3)])
        assert rates is not None
        assert not class_vetoes(rates, settings).any()
        cg = common_ground(_one_group_counts(X), ["all"], classes=[rates], settings=settings)
        assert set(cg.status) <= {COMMON_GROUND, NOT_ENOUGH_VOTES}
        assert (cg.status_without_classes() == COMMON_GROUND).all()
        if k == 2:
            assert (cg.status == COMMON_GROUND).sum() == 16


def test_leave_statement_out_keeps_a_lone_dissent_from_making_its_own_class():
    """Without structure (everyone agrees 80% with everything) no statement is vetoed at any
    number of classes: a class made of one statement's dissenters would reject it, which is why
    each vote is left out of its own class probabilities."""
    n, S = 300, 30
    X = _room(np.full((n, S), 0.8), 0.3, seed=4)
    rng = np.random.default_rng(1)
    for k in (2, 4, 6):
        rates = class_rates(X, np.ones(S, bool), np.arange(n),
                            [rng.integers(k, size=n) for _ in range(2)])
        assert rates is not None
        assert not class_vetoes(rates, CommonGroundSettings()).any()


def test_small_classes_and_classes_without_votes_do_not_veto():
    rates = ClassRates(np.array([0.98, 0.02]), np.array([[0.9], [0.0]]),
                       np.array([[0.0], [5.0]]), np.array([[100.0], [50.0]]))
    assert not class_vetoes(rates, CommonGroundSettings()).any()  # 2% < veto_min_share
    rates = ClassRates(np.array([0.8, 0.2]), np.array([[0.9], [0.0]]),
                       np.array([[0.0], [5.0]]), np.array([[100.0], [4.0]]))
    assert not class_vetoes(rates, CommonGroundSettings()).any()  # 4 expected votes < 5
    assert class_vetoes(rates, CommonGroundSettings(min_group_votes=4)).all()


def test_bonferroni_z():
    assert abs(class_veto_z(1.6449, 1) - 1.6449) < 1e-3
    assert abs(class_veto_z(1.6449, 4) - 2.2414) < 1e-3


def test_a_class_leaning_against_or_short_of_votes_holds_a_statement_back():
    """One group that supports all four statements (40 agree, 5 disagree, 5 pass each); two
    latent classes of 90% and 10%. Statement 0: the small class's own rate is 0.4 on 10
    expected votes, z 0.8 (no veto): it leans against it -> "not enough votes yet", and it is
    listed after statement 2, which waits only for votes (3 expected from the small class).
    Statement 1: every class supports it -> common ground. Statement 3: z 3 -> vetoed.
    Statement 4: the small class's rate is 0.2 on 2 expected votes: too few votes, and it
    leans against it, so it comes after statement 2. Without the classes all five are common
    ground."""
    counts = np.array([[[40, 5, 5]] * 5])
    rates = ClassRates(np.array([0.9, 0.1]),
                       np.array([[0.9, 0.9, 0.9, 0.9, 0.9], [0.4, 0.9, 0.9, 0.1, 0.2]]),
                       np.array([[0.0, 0.0, 0.0, 0.0, 0.0], [0.8, 0.0, 0.0, 3.0, 0.5]]),
                       np.array([[40.0, 40.0, 40.0, 40.0, 40.0], [10.0, 10.0, 3.0, 10.0, 2.0]]))
    cg = common_ground(counts, ["all"], classes=[rates])
    assert cg.status.tolist() == [NOT_ENOUGH_VOTES, COMMON_GROUND, NOT_ENOUGH_VOTES,
                                  REJECTED_WITHIN_A_GROUP, NOT_ENOUGH_VOTES]
    assert cg.class_leans is not None and cg.class_short is not None
    assert cg.class_leans.tolist() == [True, False, False, True, True]
    assert cg.class_short.tolist() == [False, False, True, False, True]
    key = cg.rank_key()
    # the same counts: outside common ground the order is the closeness, which the small
    # class's leaning (0.4 on 10 votes, 0.2 on 2) lowers more than its 3 votes at 0.9 do
    assert key[0] < key[2] and key[4] < key[2]
    assert (cg.status_without_classes() == COMMON_GROUND).all()
    # a class below veto_min_share neither vetoes nor holds back
    small = CommonGroundSettings(veto_min_share=0.2)
    assert (common_ground(counts, ["all"], classes=[rates], settings=small).status
            == COMMON_GROUND).all()


def test_a_class_too_small_to_gather_votes_holds_nothing_back():
    """A 10% class with 3 expected votes on most statements (a handful of people in a small
    room): its rate 0.2 on statement 0 neither holds it back nor moves it, and no statement
    waits for its votes; with 6 expected votes on most statements it does both."""
    counts = np.array([[[40, 5, 5]] * 3])
    rate = np.array([[0.9, 0.9, 0.9], [0.2, 0.9, 0.9]])
    evidence = np.array([[0.0, 0.0, 0.0], [0.6, 0.0, 0.0]])
    few = ClassRates(np.array([0.9, 0.1]), rate, evidence,
                     np.array([[40.0, 40.0, 40.0], [3.0, 3.0, 6.0]]))
    cg = common_ground(counts, ["all"], classes=[few])
    assert (cg.status == COMMON_GROUND).all()
    assert cg.rank_key()[0] == cg.rank_key()[1]
    enough = replace(few, votes=np.array([[40.0, 40.0, 40.0], [6.0, 6.0, 3.0]]))
    cg = common_ground(counts, ["all"], classes=[enough])
    assert cg.status.tolist() == [NOT_ENOUGH_VOTES, COMMON_GROUND, NOT_ENOUGH_VOTES]
    assert cg.rank_key()[0] < cg.rank_key()[2] - 2


def test_the_class_model_also_starts_from_the_opinion_groups(monkeypatch):
    """engine.steps._opinion_cells starts each class level from the opinion groups too (when
    there are two or more): the groups' labelling, the largest group's largest k-means cell
    split off until there are k classes, and the same with each other group split first (its
    largest cell, then by size); with one group (or none given) it does not. Every level also
    starts from the k-means cells of the leniency-free positions, groups or not."""
    from types import SimpleNamespace

    from meedenken.engine import steps
    from meedenken.engine.settings import AnalysisSettings

    n, S = 400, 30
    side = np.arange(n) < 100  # a 25% group that rejects half the statements
    p = np.full((n, S), 0.85)
    p[np.ix_(side, np.arange(15))] = 0.1
    X = _room(p, 0.4, seed=3)
    run = SimpleNamespace(settings=AnalysisSettings(), random_state=0, X=X,
                          active=np.ones(S, dtype=bool))
    seen: list[list[np.ndarray]] = []

    def capture(X, active, rows, starts, *a, **kw):  # type: ignore[no-untyped-def]
        seen.append([np.asarray(s)[np.argsort(rows)] for s in starts])
        return None

    monkeypatch.setattr(steps, "class_rates", capture)
    groups = np.where(side, 1, 0)
    steps._opinion_cells(run, np.arange(n), groups)  # type: ignore[arg-type]
    steps._opinion_cells(run, np.arange(n), np.zeros(n, dtype=int))  # type: ignore[arg-type]
    steps._opinion_cells(run, np.arange(n))  # type: ignore[arg-type]
    k = AnalysisSettings().bridging_fit.common_ground.class_levels[0]
    # k-means cells, the groups with the larger one split first, the groups with the 25% one
    # split first (session 10: a minority merged into a smaller group), two random, and the
    # k-means cells of the leniency-free positions (session 11)
    assert [len(s) for s in seen] == [6, 4, 4]
    for starts in seen:
        last = starts[-1]
        assert len(np.unique(last)) == k
        # the 25% group that rejects half the statements is what is left once leniency is
        # taken out: a class of this start holds only its members, and at least half of them
        held = np.bincount(last[side], minlength=k)
        best = int(held.argmax())
        assert held[best] >= 0.5 * side.sum() and side[last == best].mean() >= 0.95
    for start in seen[0][1:3]:
        assert len(np.unique(start)) == k
        # every class of a group start lies within one opinion group
        for c in np.unique(start):
            assert len(np.unique(groups[start == c])) == 1
    first, second = seen[0][1], seen[0][2]
    assert len(np.unique(first[side])) == 1 and len(np.unique(first[~side])) == 3
    assert len(np.unique(second[side])) == 2 and len(np.unique(second[~side])) == 2

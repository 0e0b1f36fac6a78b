"""The one exception to the Dutch length limit of the duplicate flag (issue 17, session 15,
flag17o): a long candidate the flag model accepts is flagged when every clause of the new
statement is nearest to a clause of the candidate (among all statements' clauses), the two read
the same polarity, are not largely the same sentence and the candidate's margin is large enough
(engine.duplicates.clause_pairs and long_claim_kept, settings long_max_frame and
long_min_margin); since session 16, not when a negation has moved between the matched clauses
(engine.duplicates.negation_moved).

The sentences are written for these tests and in no held-out set, except the last test's pair,
which is from development set 31 (benchmarks/data/heldout_nl_31.txt)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from meedenken.engine import duplicates
from meedenken.engine.duplicates import (
    clause_pairs,
    evidence,
    long_claim_kept,
    near_duplicates,
    statement_clauses,
    too_long_to_flag,
)
from meedenken.engine.polarity import polarity, same_reading
from meedenken.engine.settings import DUPLICATE_PROFILES, DuplicateFlagModel

from .semantic_support import packaged_embedder

E5 = DUPLICATE_PROFILES["multilingual-e5-small"]

SEEDS = [
    "Mantelzorgers moeten een vaste contactpersoon bij de gemeente krijgen, zodat ze niet steeds "
    "opnieuw hun verhaal hoeven te vertellen.",
    "De bus naar het ziekenhuis moet vaker rijden, omdat ouderen nu urenlang moeten wachten.",
    "Er moeten meer betaalbare woningen voor jongeren komen in ons dorp.",
    "Huisartsen moeten 's avonds een spreekuur houden voor mensen die overdag werken.",
    "De bibliotheek moet ook in het weekend open zijn.",
    "Eenzame ouderen moeten elke week bezoek kunnen krijgen van een vrijwilliger uit de buurt.",
]

#: Two clauses, both reworded: the second seed's claim and its reason, in the other order.
PARAPHRASE = ("Oudere mensen staan nu uren te wachten op vervoer naar het ziekenhuis, dus die bus "
              "zou veel vaker moeten gaan.")
#: The same, with a third clause that makes the third seed's claim.
OTHER_CLAIM = ("Oudere mensen staan nu uren te wachten op vervoer naar het ziekenhuis, dus die bus "
               "zou veel vaker moeten gaan, en ook jongeren moeten betaalbare woningen in ons "
               "dorp kunnen vinden.")
#: The second seed turned round, with a negation ("geen").
OPPOSITE = ("Er hoeven geen extra bussen naar het ziekenhuis te komen, want oudere mensen staan "
            "nu nauwelijks te wachten bij de halte.")


@pytest.fixture(scope="module")
def embedder():
    return packaged_embedder()


def test_the_settings_hold_the_exception_for_the_shipped_model_only():
    assert E5.flag is not None
    assert (E5.flag.long_max_frame, E5.flag.long_min_margin) == (0.4, 0.04)
    for name, settings in DUPLICATE_PROFILES.items():
        if name != "multilingual-e5-small" and settings.flag is not None:
            assert settings.flag.long_max_frame is None
    off = dataclasses.replace(E5.flag, long_max_frame=None)
    assert not long_claim_kept(PARAPHRASE, SEEDS[1], 0.5, off)
    assert long_claim_kept(PARAPHRASE, SEEDS[1], 0.5, E5.flag)


def test_the_examples_are_over_the_limit():
    for new in (PARAPHRASE, OTHER_CLAIM, OPPOSITE):
        seed = SEEDS[1]
        assert too_long_to_flag(new, seed, E5)
        assert len(statement_clauses(new, "nl")) >= 2


def test_a_long_reworded_paraphrase_of_two_clauses_is_flagged(embedder):
    check = near_duplicates(PARAPHRASE, SEEDS, embedder=embedder)
    assert check.candidates[0].index == 1
    assert check.flagged == (1,)
    # with the limit and no exception it was not flagged
    assert E5.flag is not None
    strict = dataclasses.replace(E5, flag=dataclasses.replace(E5.flag, long_max_frame=None))
    assert not near_duplicates(PARAPHRASE, SEEDS, embedder=embedder, settings=strict).is_duplicate


def test_a_long_statement_whose_second_clause_makes_another_claim_is_not_flagged(embedder):
    check = near_duplicates(OTHER_CLAIM, SEEDS, embedder=embedder)
    assert check.candidates[0].index == 1 and not check.is_duplicate
    # the polarity, frame and margin conditions hold: the third clause's nearest is another seed
    margin = _margin(OTHER_CLAIM, embedder)
    assert E5.flag is not None and long_claim_kept(OTHER_CLAIM, SEEDS[1], margin, E5.flag)
    assert clause_pairs(OTHER_CLAIM, SEEDS, 1, embedder.embed) is None
    assert clause_pairs(PARAPHRASE, SEEDS, 1, embedder.embed) is not None


def test_a_long_opposite_with_a_negation_is_not_flagged(embedder):
    assert polarity(OPPOSITE) != polarity(SEEDS[1])
    assert E5.flag is not None
    assert not long_claim_kept(OPPOSITE, SEEDS[1], _margin(OPPOSITE, embedder), E5.flag)
    check = near_duplicates(OPPOSITE, SEEDS, embedder=embedder)
    assert not check.is_duplicate
    assert check.candidates[0].index == 1  # still the first suggestion


def _margin(new: str, embedder) -> float:
    cosines = (embedder.embed(SEEDS) @ embedder.embed([new])[0]).astype(np.float64)
    return float(evidence(new, SEEDS, cosines, E5.reference_cosine).margin[1])


def test_the_seeds_clauses_and_the_new_ones_are_embedded_in_two_calls():
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.array([[1.0, 0.0] if "huisarts" in t else [0.0, 1.0] for t in texts])

    texts = ["Er zijn te weinig huisartsen, de wachttijd is lang", "De bus rijdt te weinig"]
    new = "Er is een tekort aan huisartsen in de regio"
    assert clause_pairs(new, texts, 0, embed) is not None
    assert calls == [["er zijn te weinig huisartsen", "de wachttijd is lang",
                      "de bus rijdt te weinig"], ["er is een tekort aan huisartsen in de regio"]]
    assert clause_pairs(new, texts, 1, embed) is None  # its nearest clause is in statement 0


def test_the_other_models_have_no_exception():
    model = DuplicateFlagModel(threshold=0.0, intercept=0.0, cosine_weight=1.0, margin_weight=1.0,
                               shared_weight=0.0, seed_margin_weight=0.0, residual_weight=0.0)
    assert model.long_max_frame is None and model.long_min_margin is None


def test_a_negation_moved_from_the_reason_to_the_claim_is_not_flagged(embedder, monkeypatch):
    """Set 31's opposite: the sentences hold one negation each, so they read the same polarity
    as a whole, but the seed negates its reason and the new statement its claim."""
    seeds = [*SEEDS, "De huisarts moet boeren een afspraak buiten kantoortijd kunnen geven, omdat "
                     "zij overdag en rond het melken niet van het erf weg kunnen."]
    new = ("Boeren hebben geen aparte afspraak buiten kantoortijd nodig bij de huisarts, want ze "
           "kunnen net als iedereen overdag even weg van het erf.")
    last = len(seeds) - 1
    assert polarity(new) == polarity(seeds[last])
    pairs = clause_pairs(new, seeds, last, embedder.embed)
    assert pairs is not None and len(pairs) == 2
    assert not near_duplicates(new, seeds, embedder=embedder).is_duplicate
    # Without the new condition the long-statement exception flags it (the test can fail).
    monkeypatch.setattr(duplicates, "negation_moved", lambda pairs: False)
    assert near_duplicates(new, seeds, embedder=embedder).flagged == (last,)


# Session 17 (flag17p): the exception's polarity condition reads a demand voiced without a
# need word ("hoort ... te", an imperative) like one with "moet" (engine.polarity.same_reading).
DEMAND_SEED = ("Op iedere basisschool moet een vaste vertrouwenspersoon zijn, zodat pesten "
               "eerder wordt gemeld.")
DEMAND_HOORT = ("Elke school hoort een eigen vertrouwenspersoon te hebben bij wie leerlingen "
                "melden dat ze gepest worden.")
DEMAND_IMPERATIVE = ("Geef elke basisschool een eigen vertrouwenspersoon bij wie kinderen "
                     "pesterijen kunnen melden.")
NO_NEED = ("Een basisschool hoeft geen eigen vertrouwenspersoon te hebben bij wie kinderen "
           "pesterijen melden.")


def test_a_long_demand_without_a_need_word_reads_like_one_with_moet():
    assert E5.flag is not None
    for new in (DEMAND_HOORT, DEMAND_IMPERATIVE):
        assert too_long_to_flag(new, DEMAND_SEED, E5)
        # the readings differ only in the need: None here, +1 ("moet") in the seed
        assert polarity(new).need is None and polarity(DEMAND_SEED).need == 1
        assert same_reading(polarity(new), polarity(DEMAND_SEED))
        assert long_claim_kept(new, DEMAND_SEED, 0.07, E5.flag)


def test_need_not_against_a_demand_still_breaks_the_long_exception():
    assert E5.flag is not None
    assert polarity(NO_NEED).need == -1
    assert not same_reading(polarity(NO_NEED), polarity(DEMAND_SEED))
    assert not long_claim_kept(NO_NEED, DEMAND_SEED, 0.07, E5.flag)
    # and "moet" against "hoeft niet" the other way round
    assert not same_reading(polarity(DEMAND_SEED), polarity(NO_NEED))

"""Reversals the claim checks read from the build of two statements (issue 17, session 11, dup17j):
each chooses the option the other rejects (engine.details.swapped_options), a word both name
gets more in one and less in the other (engine.polarity.swapped_directions), or one repeats the
other's sentence with a negation the other lacks (engine.details.negation_in_frame), or one has
people pay themselves where the other has the cost covered (engine.antonyms.payer_reversal).
Each keeps the statement from the near-duplicate flag, not from the list: it is still the first
suggestion.

The sentences are written for these tests, in the manner of the training pairs; none is in a
held-out set."""

from __future__ import annotations

import numpy as np
import pytest

from meedenken.engine import duplicates
from meedenken.engine.antonyms import antonym_conflict, payer_reversal, pays_self
from meedenken.engine.details import contrasted_options, negation_in_frame, swapped_options
from meedenken.engine.duplicates import evidence, flag_candidate, score
from meedenken.engine.polarity import (
    directed_words,
    negated_words,
    negation_added,
    swapped_directions,
)
from meedenken.engine.settings import DUPLICATE_PROFILES

E5 = DUPLICATE_PROFILES["multilingual-e5-small"]


@pytest.mark.parametrize(("a", "b"), [
    ("De weekmarkt moet op zaterdag komen in plaats van op woensdag.",
     "De weekmarkt moet op woensdag komen in plaats van op zaterdag."),
    ("In plaats van een nieuw zwembad, moet er een sporthal komen.",
     "Er moet een nieuw zwembad komen in plaats van een sporthal."),
    ("Het geld moet niet naar wegen, maar naar fietspaden.",
     "Het geld moet naar wegen, niet naar fietspaden."),
    ("The clinic should open in the village rather than in town.",
     "The clinic should open in town rather than in the village."),
    ("Die Praxis soll im Dorf statt in der Stadt öffnen.",
     "Die Praxis soll in der Stadt statt im Dorf öffnen."),
])
def test_each_choosing_what_the_other_rejects_is_swapped(a, b):
    assert swapped_options(a, b) and swapped_options(b, a)


@pytest.mark.parametrize(("a", "b"), [
    # the same choice in other words
    ("De weekmarkt moet op zaterdag komen in plaats van op woensdag.",
     "De weekmarkt hoort niet op woensdag, maar op zaterdag."),
    # one side contrasts nothing (one_sided_contrast's business)
    ("De weekmarkt moet op zaterdag komen in plaats van op woensdag.",
     "De weekmarkt moet op zaterdag komen."),
    # two contrasts of other options
    ("De bus moet 's avonds rijden in plaats van 's ochtends.",
     "De bibliotheek moet in het dorp blijven in plaats van naar de stad te gaan."),
])
def test_the_same_choice_or_no_second_contrast_is_not_swapped(a, b):
    assert not swapped_options(a, b)


def test_the_options_of_in_plaats_van_at_the_start_are_read_across_the_comma():
    chosen, rejected = contrasted_options("In plaats van een nieuw zwembad, meer groen.")
    assert "groen" in chosen and "zwembad" in rejected


@pytest.mark.parametrize(("a", "b"), [
    ("Het dorp heeft meer bomen en minder parkeerplaatsen nodig.",
     "Het dorp heeft minder bomen en meer parkeerplaatsen nodig."),
    ("Er moeten te weinig agenten en te veel boetes zijn.",
     "Er moeten minder agenten en meer boetes komen."),
    ("We need more nurses and fewer managers.", "We need fewer nurses and more managers."),
])
def test_more_of_one_and_less_of_the_other_swapped_is_a_reversal(a, b):
    assert swapped_directions(a, b)


@pytest.mark.parametrize(("a", "b"), [
    ("Het dorp heeft meer bomen en minder parkeerplaatsen nodig.",
     "In het dorp moeten meer bomen komen en minder parkeerplaatsen."),
    ("Er zijn te weinig huisartsen.", "Er moeten meer huisartsen komen."),
    ("Er moeten meer bomen komen.", "Er moeten minder parkeerplaatsen komen."),
])
def test_the_same_direction_per_word_or_no_shared_word_is_no_swap(a, b):
    assert not swapped_directions(a, b)


def test_a_negation_flips_the_direction_it_reaches():
    assert directed_words("Er moeten niet minder bussen rijden") == {"bus": frozenset({1})}
    # "niet meer" is "no longer", no direction
    assert directed_words("Er moeten niet meer bussen rijden") == {}


@pytest.mark.parametrize(("a", "b"), [
    ("Wie zonder afspraak komt, moet geen extra kosten betalen.",
     "Wie zonder afspraak komt, moet extra kosten betalen."),
    ("Buren van de fabriek raken door het lawaai niet overbelast.",
     "Buren van de fabriek raken door het lawaai overbelast."),
])
def test_a_negation_added_to_the_same_sentence_is_a_reversal(a, b):
    assert negation_added(a, b) and negation_in_frame(a, b) and negation_in_frame(b, a)


@pytest.mark.parametrize(("a", "b"), [
    # a paraphrase negates where the other names the opposite
    ("In het dorp zijn niet genoeg huisartsen.", "In het dorp zijn te weinig huisartsen."),
    # the same number of negations
    ("Ik kan de huisarts bijna nooit telefonisch bereiken.",
     "De huisarts is telefonisch bijna nooit te bereiken."),
    # a negation reaching a word the other does not have ("niet" reaches one word)
    ("Jongeren worden niet begeleid bij het zoeken naar werk.",
     "Jongeren moeten hulp krijgen bij het zoeken naar werk."),
])
def test_no_negation_added_where_a_paraphrase_moves_or_replaces_it(a, b):
    assert not negation_in_frame(a, b)


def test_geen_negates_its_whole_phrase():
    a = "Jonge artsen moeten geen voorrang krijgen op een woning in het dorp."
    b = "Jonge artsen moeten met een woning naar het dorp gelokt worden."
    reached, _, _ = negated_words(a)
    assert {"voorrang", "woon", "dorp"} <= reached  # Snowball stems
    assert negation_in_frame(a, b)
    # "niet" reaches the first word within three only
    reached, _, _ = negated_words("Jonge artsen mogen niet verhuizen naar een woning in het dorp.")
    assert "woon" not in reached and "dorp" not in reached


def test_a_negation_added_in_one_clause_counts_though_the_other_negates_another_clause():
    a = "Huisartsen mogen bij ouderen nooit zelf de bloeddruk meten, want dat doet de assistente."
    b = ("Huisartsen moeten bij ouderen de bloeddruk mogen meten, zodat die niet op de assistente "
         "hoeven te wachten.")
    # one negation each, so the statements as a whole add none; their first clauses do
    assert not negation_added(a, b)
    assert negation_in_frame(a, b) and negation_in_frame(b, a)


def test_a_negation_in_a_free_rewording_needs_the_same_sentence():
    a = "Veel ouderen vinden in dit dorp geen huis dat bij ze past."
    b = "Ouderen in het dorp moeten een passend huis kunnen vinden."
    assert negation_added(a, b) and not negation_in_frame(a, b)


@pytest.mark.parametrize(("a", "b"), [
    ("Een gehoorapparaat moeten ouderen zelf betalen.", "Een gehoorapparaat moet vergoed worden."),
    ("Sportclubs moeten zichzelf bekostigen.", "Sportclubs moeten subsidie krijgen."),
    ("Patients should pay themselves for the taxi.", "The taxi should be free for patients."),
])
def test_paying_oneself_against_a_covered_cost_is_a_reversal(a, b):
    assert pays_self(a) and payer_reversal(a, b) and payer_reversal(b, a)


@pytest.mark.parametrize(("a", "b"), [
    # both have the people pay
    ("Een gehoorapparaat moeten ouderen zelf betalen.",
     "Ouderen moeten hun gehoorapparaat zelf bekostigen."),
    # both have the cost covered
    ("Een gehoorapparaat moet vergoed worden.", "Een gehoorapparaat moet gratis zijn."),
    # "zelf" far from paying: the person does it themself
    ("Ouderen moeten zelf kunnen kiezen welk gehoorapparaat ze krijgen, dat wordt vergoed.",
     "Een gehoorapparaat moet vergoed worden."),
])
def test_the_same_payer_is_no_payer_reversal(a, b):
    assert not payer_reversal(a, b)


@pytest.mark.parametrize(("near", "far"), [
    ("De bushalte moet vlak bij het gezondheidscentrum komen.",
     "De bushalte mag best ver van het gezondheidscentrum liggen."),
])
def test_vlak_bij_is_near(near, far):
    assert antonym_conflict(near, far)


def _candidate(new: str, seeds: list[str]) -> tuple[int, int | None]:
    """The first suggestion and the flag candidate, the first seed the nearest by far."""
    cosines = np.array([0.97] + [0.85] * (len(seeds) - 1))
    ev = evidence(new, seeds, cosines, E5.reference_cosine)
    scores, _ = score(ev, E5)
    return int(np.argmax(scores)), flag_candidate(ev, scores, E5, new, seeds)


OTHER = "Er moet een nieuwe sporthal komen bij de school."


@pytest.mark.parametrize(("rule", "new", "seed"), [
    ("swapped_options", "De weekmarkt moet op zaterdag komen in plaats van op woensdag.",
     "De weekmarkt moet op woensdag komen in plaats van op zaterdag."),
    ("swapped_directions", "Het dorp heeft meer bomen en minder parkeerplaatsen nodig.",
     "Het dorp heeft minder bomen en meer parkeerplaatsen nodig."),
    ("negation_in_frame", "Wie zonder afspraak komt, moet geen extra kosten betalen.",
     "Wie zonder afspraak komt, moet extra kosten betalen."),
    ("payer_reversal", "Een gehoorapparaat moeten ouderen zelf betalen.",
     "Ouderen moeten een vergoeding krijgen voor hun gehoorapparaat."),
])
def test_a_reversal_keeps_the_statement_from_the_flag_not_from_the_list(monkeypatch, rule, new,
                                                                        seed):
    first, candidate = _candidate(new, [seed, OTHER])
    assert first == 0 and candidate is None
    # without the rule the pair is a flag candidate: no other check blocks it
    monkeypatch.setattr(duplicates, rule, lambda a, b: False)
    if rule == "swapped_options":  # the two options trade places: swapped roles too (session 14)
        assert duplicates.swapped_roles(new, seed) is not None
        monkeypatch.setattr(duplicates, "swapped_roles", lambda a, b: None)
        # and the words they share are exchanged: exchanged_elements too (session 18)
        assert duplicates.exchanged_elements(new, seed)
        monkeypatch.setattr(duplicates, "exchanged_elements", lambda a, b: False)
    first, candidate = _candidate(new, [seed, OTHER])
    assert first == 0 and candidate == 0

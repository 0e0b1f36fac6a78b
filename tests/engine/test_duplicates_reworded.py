"""Reversals reworded, which the Dutch duplicate flag reads since session 18 (issue 17, flag17r):
engine.details.swapped_options with a separable verb split around "te" ("af te stappen" /
"afstappen"), engine.details.swapped_roles with person words and size words as roles ("mensen",
"grote" / "kleine"), engine.details.exchanged_elements (the shared words exchanged around a part
that stays, in largely one sentence), engine.polarity.clause_states_reversed (fine in a clause of
one, a problem in the matching clause of the other), "op slot" as closed in engine.antonyms and
engine.antonyms.actor_withdrawn (an actor stays out in one and acts in the other). Each keeps
the statement from the flag, not from the list.

The sentences are written for these tests; none is in a held-out set."""

from __future__ import annotations

import pytest

from meedenken.engine.antonyms import actor_withdrawn, antonym_conflict
from meedenken.engine.details import exchanged_elements, swapped_options, swapped_roles
from meedenken.engine.polarity import clause_states_reversed
from meedenken.engine.settings import DUPLICATE_PROFILES

from .semantic_support import assert_rule_keeps_from_flag

E5 = DUPLICATE_PROFILES["multilingual-e5-small"]


def test_a_separable_verb_split_around_te_meets_the_whole_verb_in_swapped_options():
    # each chooses what the other rejects; "door te lopen" is "doorlopen" written apart
    assert swapped_options(
        "Leerlingen moeten eerst hun huiswerk maken in plaats van door te lopen.",
        "Leerlingen moeten doorlopen in plaats van eerst hun huiswerk te maken.")
    # the same choice, the verb split in one and whole in the other
    assert not swapped_options(
        "Buurtcoaches horen zelf op jongeren af te stappen in plaats van af te wachten.",
        "Buurtcoaches moeten op jongeren afstappen in plaats van af te wachten.")


@pytest.mark.parametrize(("a", "b", "x", "y"), [
    # a person word of the stop list as one role
    ("Mensen van buiten moeten eerder een huurwoning krijgen dan ouderen uit de wijk.",
     "Ouderen uit de wijk moeten eerder een huurwoning krijgen dan mensen van buiten.",
     ("mensen", "van", "buiten"), ("ouderen", "uit", "de", "wijk")),
    # two size words trade places around a comparison
    ("De provincie moet meer subsidie geven aan kleine musea dan aan de grote.",
     "De provincie moet meer subsidie geven aan grote musea dan aan de kleine.",
     ("kleine",), ("grote",)),
])
def test_person_and_size_words_can_trade_places(a, b, x, y):
    assert swapped_roles(a, b) == (x, y)


def test_a_negation_or_te_alone_is_no_role():
    assert swapped_roles("De bus moet niet vaak rijden en te laat komen.",
                         "De bus moet te vaak rijden en niet laat komen.") is None


@pytest.mark.parametrize(("a", "b", "expected"), [
    # the actor and the source of a transfer trade places, the verb reworded around them
    ("De stichting moet het beheer van de speeltuin weer overnemen van de ouders.",
     "Ouders moeten het beheer van de speeltuin kunnen overnemen van de stichting.", True),
    # one phrase moved to the front is no exchange
    ("De stichting moet het beheer van de speeltuin overnemen van de ouders.",
     "Van de ouders moet de stichting het beheer van de speeltuin overnemen.", False),
    # a passive names the actor after the object: the same claim
    ("De stichting moet het beheer van de speeltuin betalen voor de ouders.",
     "Voor de ouders moet het beheer van de speeltuin betaald worden door de stichting.", False),
    # a free rewording (not largely one sentence) is left alone
    ("Huisartsen moeten vaker doorverwijzen naar de fysiotherapeut in het dorp.",
     "De fysiotherapeut in het dorp krijgt te weinig patiënten van huisartsen.", False),
])
def test_shared_words_exchanged_around_a_part_that_stays(a, b, expected):
    assert exchanged_elements(a, b) is expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    # fine in a clause of one, a problem in the matching clause of the other; the free negation
    # of the second clause makes the whole of the first read as a problem
    ("Bewoners bij het spoor slapen prima, de treinen hoor je niet eens.",
     "Bewoners bij het spoor slapen slecht door de treinen.", True),
    ("De buurtbus werkt uitstekend voor ouderen.", "De buurtbus werkt slecht voor ouderen.", True),
    # the same state, or a state negated (polarity reads that), or clauses sharing one word
    ("Bewoners bij het spoor slapen slecht.", "Bewoners bij het spoor slapen niet goed.", False),
    ("Bewoners bij het spoor slapen slecht.", "Bij het spoor slapen bewoners matig.", False),
    ("Het eten is prima.", "De verpleging is slecht.", False),
    # "te" + a state word is a problem, not "fine"
    ("Het formulier is veel te makkelijk te vervalsen.", "Het formulier is slecht te lezen.",
     False),
])
def test_a_clause_states_fine_where_the_matching_clause_states_a_problem(a, b, expected):
    assert clause_states_reversed(a, b) is expected


def test_op_slot_is_closed():
    assert antonym_conflict("Het schoolplein moet 's avonds op slot.",
                            "Het schoolplein moet 's avonds open zijn.")
    assert not antonym_conflict("Het schoolplein moet 's avonds op slot.",
                                "Het schoolplein moet 's avonds dicht.")


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("De reiskosten zijn voor de ouders zelf, de school moet daar buiten blijven.",
     "De school moet een deel van de reiskosten betalen.", True),
    ("Het waterschap moet zich afzijdig houden van de dijkversterking.",
     "Het waterschap moet de dijkversterking zelf uitvoeren.", True),
    # both withdraw the actor, or neither does
    ("De school moet erbuiten blijven.", "De school moet zich er helemaal buiten houden.", False),
    ("De school moet een deel van de reiskosten betalen.",
     "De school moet de reiskosten voor een deel vergoeden.", False),
    # another actor withdrawn
    ("De ouders moeten erbuiten blijven.", "De school moet de reiskosten betalen.", False),
])
def test_an_actor_that_stays_out_in_one_and_acts_in_the_other(a, b, expected):
    assert actor_withdrawn(a, b) is expected


@pytest.mark.parametrize(("rule", "new", "seed"), [
    ("exchanged_elements",
     "De stichting moet het beheer van de speeltuin weer overnemen van de ouders.",
     "Ouders moeten het beheer van de speeltuin kunnen overnemen van de stichting."),
    ("clause_states_reversed", "Bewoners bij het spoor slapen prima, de treinen hoor je niet eens.",
     "Bewoners bij het spoor slapen slecht door de treinen."),
    ("actor_withdrawn",
     "De reiskosten zijn voor de ouders zelf, de school moet daar buiten blijven.",
     "De school moet een deel van de reiskosten betalen."),
])
def test_a_reworded_reversal_keeps_the_statement_from_the_flag_not_from_the_list(
        monkeypatch, rule, new, seed):
    assert_rule_keeps_from_flag(monkeypatch, rule, new, seed)

"""Reversals without a polarity word (engine.antonyms, engine.polarity) and changed details
(engine.details): the claim checks that keep a different claim from the near-duplicate flag."""

from __future__ import annotations

import numpy as np
import pytest

from meedenken.engine.details import detail_conflict, details
from meedenken.engine.duplicates import claim_conflict, evidence, flag_candidate, score
from meedenken.engine.polarity import Conflict
from meedenken.engine.settings import DUPLICATE_PROFILES

REVERSALS = [
    ("De supermarkt in het dorp moet blijven.", "De supermarkt in het dorp moet verdwijnen."),
    ("Het eigen risico moet behouden worden.", "Het eigen risico moet worden afgeschaft."),
    ("De wijkverpleging moet worden uitgebreid.", "De wijkverpleging moet worden afgebouwd."),
    ("De zorgpremie moet verhoogd worden.", "De zorgpremie moet verlaagd worden."),
    ("Het aantal huisartsen moet toenemen.", "Het aantal huisartsen mag afnemen."),
    ("Een griepprik moet verplicht zijn voor zorgpersoneel.",
     "Een griepprik moet vrijwillig zijn voor zorgpersoneel."),
    ("Roken op het schoolplein moet je toestaan.", "Roken op het schoolplein moet je verbieden."),
    ("De gemeente verbiedt roken bij de ingang van het ziekenhuis.",
     "De gemeente moet roken bij de ingang van het ziekenhuis toestaan."),
    ("Er moet een suikertaks worden ingevoerd.", "De suikertaks moet worden afgeschaft."),
    ("De eigen bijdrage moet voor iedereen gelijk zijn.",
     "De eigen bijdrage moet afhangen van het inkomen."),
    ("Medicijnen moet je zelf bij de apotheek ophalen.",
     "De apotheek moet medicijnen thuisbezorgen."),
    # dup17e: a text naming both sides of a reversal takes one against the other
    ("Medicijnen moet je zelf ophalen; thuisbezorgen is te duur.",
     "De apotheek moet medicijnen thuisbezorgen."),
    # dup17e: the broader reversal lexicon
    ("De gemeente moet een suikertaks steunen.",
     "De gemeente moet zich verzetten tegen een suikertaks."),
    ("Beschermd wonen moet centraal in de regio georganiseerd worden.",
     "Beschermd wonen moet dicht bij huis georganiseerd worden."),
    ("De gemeente moet mensen aan het loket persoonlijk helpen.",
     "De gemeente moet mensen online helpen."),
    ("Gegevens uit het dossier worden automatisch gedeeld.",
     "Gegevens uit het dossier worden alleen met toestemming gedeeld."),
    ("De vergadering van de zorgraad moet openbaar zijn.",
     "De vergadering van de zorgraad moet besloten zijn."),
    ("De opvang voor daklozen moet tijdelijk zijn.",
     "De opvang voor daklozen moet permanent zijn."),
    ("The council should support the sugar tax.", "The council should oppose the sugar tax."),
    # a negating prefix: "onveilig" against "veilig", "onafhankelijk" against "afhankelijk"
    ("Het fietspad naar school is veilig.", "Het fietspad naar school is onveilig."),
    ("Cliëntondersteuning moet onafhankelijk zijn van de gemeente.",
     "Cliëntondersteuning moet afhankelijk zijn van de gemeente."),
    ("Het gezondheidscentrum is toegankelijk voor rolstoelen.",
     "Het gezondheidscentrum is ontoegankelijk voor rolstoelen."),
]
NOT_REVERSED = [
    # a negation turns the reversal back: the same claim
    ("De supermarkt in het dorp moet blijven.", "De supermarkt in het dorp mag niet verdwijnen."),
    ("Het eigen risico moet behouden worden.", "Het eigen risico moet niet afgeschaft worden."),
    # both texts name both sides: no reversal between them
    ("Medicijnen moet je zelf ophalen; thuisbezorgen is te duur.",
     "Liever zelf ophalen bij de apotheek dan thuisbezorgen."),
    # a contrast pair named on both sides by one text ("dezelfde ..., andere ...")
    ("Ik wil dezelfde huisarts, maar op andere tijden.", "Ik wil altijd dezelfde huisarts."),
    # the negated prefix word is the same claim; a plain negation is polarity's business
    ("Cliëntondersteuning moet onafhankelijk zijn van de gemeente.",
     "Cliëntondersteuners mogen niet afhankelijk zijn van de gemeente."),
    ("Het fietspad is onveilig.", "Het fietspad is niet veilig."),
    # "dicht bij" is near, not closed
    ("De huisartsenpost moet dicht bij huis blijven.", "De huisartsenpost moet open blijven."),
    # "openbaar vervoer" is transport, not public against private
    ("Het openbaar vervoer naar het ziekenhuis moet beter.",
     "Het vervoer naar het ziekenhuis moet beter, ook met de eigen auto."),
]


def test_negation_without_a_prefixed_word_is_no_antonym_conflict():
    from meedenken.engine.antonyms import antonym_conflict

    assert not antonym_conflict("Een inloophuis is nodig.", "Een inloophuis is niet nodig.")
    assert antonym_conflict("Een inloophuis is nodig.", "Een inloophuis is onnodig.")


@pytest.mark.parametrize(("a", "b"), REVERSALS)
def test_reversal_without_a_negation_word_is_a_strong_conflict(a, b):
    assert claim_conflict(a, b) is Conflict.STRONG
    assert claim_conflict(b, a) is Conflict.STRONG


@pytest.mark.parametrize(("a", "b"), NOT_REVERSED)
def test_negated_or_contrasted_reversal_is_no_antonym_conflict(a, b):
    assert claim_conflict(a, b) is not Conflict.STRONG


CHANGED_DETAIL = [
    ("De huisarts moet ook 's avonds telefonisch bereikbaar zijn.",
     "De huisarts moet ook op zaterdagochtend telefonisch bereikbaar zijn.", "time"),
    ("Een afspraak bij de tandarts moet je via een app kunnen maken.",
     "Een afspraak bij de huisarts moet je via een app kunnen maken.", "provider"),
    ("Mensen die uit de gevangenis komen, wachten te lang op een woning.",
     "Mensen die uit een ggz-kliniek komen, wachten te lang op een woning.", "provider"),
    # dup17e: provider and place are one detail (a school against a practice)
    ("Elke middelbare school moet een praktijkondersteuner ggz hebben.",
     "Elke huisartsenpraktijk moet een praktijkondersteuner ggz hebben.", "provider"),
    # dup17e: a generic word against a named group is another group
    ("Ouderen moeten langer thuis kunnen wonen.", "Mensen moeten langer thuis kunnen wonen.",
     "group"),
    ("Er moeten meer plekken komen voor jongeren met een verstandelijke beperking.",
     "Er moeten meer plekken komen voor mensen met beginnende dementie.", "group"),
    # the place's generic word ("regio") no longer covers every provider
    ("De tandarts in de regio moet 's avonds open zijn.",
     "De huisarts moet 's avonds open zijn.", "provider"),
    ("Er moeten meer dagbestedingsplekken komen voor ouderen met dementie.",
     "Er moeten meer dagbestedingsplekken komen voor jongeren met een beperking.", "group"),
    ("De wijkverpleegkundige moet in het weekend wondzorg doen.",
     "De huisarts moet op zaterdagochtend spreekuur houden.", "provider"),
]
SAME_DETAIL = [
    ("De regiotaxi moet ook in het weekend rijden.",
     "Ook op zaterdag en zondag moet de regiotaxi rijden."),
    ("Er zijn in onze regio te weinig huisartsen.", "In deze streek zijn er te weinig dokters."),
    ("De thuiszorgverpleegkundige houdt zich niet aan de afgesproken tijd.",
     "De wijkverpleegkundige komt vaak op een ander tijdstip."),
    ("Buiten de dorpskernen is de ambulance pas na een half uur ter plaatse.",
     "De ambulance doet er in de buitengebieden een half uur over."),
    # one side adds a detail the other leaves out: no conflict
    ("De huisarts moet 's avonds spreekuur houden.", "Er moet een avondspreekuur komen."),
    # a named group beside a generic word names the group
    ("Oudere patiënten moeten langer thuis kunnen wonen.",
     "Ouderen moeten langer thuis kunnen wonen."),
    ("Patiënten en bezoekers betalen te veel voor parkeren.",
     "Voor patiënten is parkeren te duur."),
    ("Iedereen moet de huisarts kunnen bellen.", "Mensen moeten de huisarts kunnen bellen."),
    # a provider that belongs to a place, a class within another
    ("Een afspraak bij de specialist duurt te lang.",
     "Een afspraak in het ziekenhuis duurt te lang."),
    ("De praktijkondersteuner moet meer tijd krijgen.", "De huisarts moet meer tijd krijgen."),
]


@pytest.mark.parametrize(("a", "b", "slot"), CHANGED_DETAIL)
def test_one_detail_changed_is_another_claim(a, b, slot):
    assert detail_conflict(a, b) == slot
    assert detail_conflict(b, a) == slot


@pytest.mark.parametrize(("a", "b"), SAME_DETAIL)
def test_synonyms_containment_and_added_details_are_no_detail_conflict(a, b):
    assert detail_conflict(a, b) is None


def test_compounds_name_their_parts():
    assert details("Het avondspreekuur op zaterdagochtend") == {
        "time": frozenset({"avond", "ochtend", "zaterdag"})}


def test_no_flag_candidate_when_the_nearest_statement_is_an_opposite():
    settings = DUPLICATE_PROFILES["multilingual-e5-small"]
    new = "Er hoeft geen verpleeghuis in ons dorp te komen."
    texts = ["Er moet een verpleeghuis in ons dorp komen.",
             "In ons dorp zijn geen woningen voor ouderen."]
    cosines = np.array([0.97, 0.95])
    ev = evidence(new, texts, cosines, settings.reference_cosine)
    scores, _ = score(ev, settings)
    assert int(np.argmax(scores)) == 1  # the penalty lifts the runner-up to the top ...
    assert flag_candidate(ev, scores, settings, new, texts) is None  # ... but it is not flagged
    # without the opposite, the runner-up is the candidate
    ev2 = evidence(new, texts[1:], cosines[1:], settings.reference_cosine)
    scores2, _ = score(ev2, settings)
    assert flag_candidate(ev2, scores2, settings, new, texts[1:]) == 0


def test_a_changed_detail_blocks_the_flag_candidate():
    settings = DUPLICATE_PROFILES["multilingual-e5-small"]
    new = "De huisarts moet ook 's avonds spreekuur houden."
    texts = ["De huisarts moet ook op zaterdagochtend spreekuur houden.",
             "Het eigen risico moet omlaag."]
    ev = evidence(new, texts, np.array([0.97, 0.80]), settings.reference_cosine)
    scores, _ = score(ev, settings)
    assert flag_candidate(ev, scores, settings) == 0  # without the texts: no detail check
    assert flag_candidate(ev, scores, settings, new, texts) is None

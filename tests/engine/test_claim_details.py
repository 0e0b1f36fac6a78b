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
]
NOT_REVERSED = [
    # a negation turns the reversal back: the same claim
    ("De supermarkt in het dorp moet blijven.", "De supermarkt in het dorp mag niet verdwijnen."),
    ("Het eigen risico moet behouden worden.", "Het eigen risico moet niet afgeschaft worden."),
    # a text that names both sides contrasts them itself
    ("Medicijnen moet je zelf ophalen; thuisbezorgen is te duur.",
     "De apotheek moet medicijnen thuisbezorgen."),
]


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
     "Mensen die uit een ggz-kliniek komen, wachten te lang op een woning.", "place"),
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
    ("Ouderen moeten langer thuis kunnen wonen.", "Mensen moeten langer thuis kunnen wonen."),
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

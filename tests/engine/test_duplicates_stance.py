"""Stances reversed without a negation word, which the Dutch duplicate flag reads since session 20
(issue 17, flag17t): engine.antonyms.choice_left (one statement leaves to the person what the
other settles for them) and engine.antonyms.status_quo_endorsed (one endorses the current state,
the other never speaks of keeping it). Each keeps the statement from the flag, not from the list.

The sentences are written for these tests; none is in a held-out set."""

from __future__ import annotations

import pytest

from meedenken.engine.antonyms import (
    choice_left,
    endorses_current_state,
    leaves_choice,
    status_quo_endorsed,
)

from .semantic_support import assert_rule_keeps_from_flag


@pytest.mark.parametrize(("text", "expected"), [
    ("Huurders moeten zelf kunnen kiezen welke energieleverancier ze nemen.", True),
    ("Welke sport je kind doet, moet je als ouder zelf weten.", True),
    ("Studenten moeten hun stageplek helemaal zelf uitzoeken.", True),
    ("Meedoen aan de buurtpreventie moet vrijwillig zijn.", True),
    ("Of je een griepprik haalt is je eigen keuze.", True),
    ("Bewoners zijn zelf verantwoordelijk voor hun tuin.", True),
    # a self word without a verb of deciding, and a decision by another actor
    ("De gemeente moet zelf contact opnemen met de bewoners.", False),
    ("De gemeente moet bepalen welke school een kind krijgt.", False),
    # "vrijwilligers" is no choice
    ("Vrijwilligers in de bibliotheek moeten een vergoeding krijgen.", False),
])
def test_a_choice_left_to_the_person(text, expected):
    assert leaves_choice(text) is expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    # left to the person against a limit, an arrangement provided, a duty
    ("Huurders moeten zelf kunnen kiezen welke energieleverancier ze nemen.",
     "De woningcorporatie moet voor alle huurders één energieleverancier regelen.", True),
    ("Studenten moeten hun stageplek zelf uitzoeken.",
     "De hogeschool moet voor elke student een stageplek regelen.", True),
    ("Meedoen aan de buurtpreventie moet vrijwillig zijn.",
     "Elke bewoner moet verplicht een keer per jaar meelopen met de buurtpreventie.", True),
    # both leave the choice, in other words
    ("Huurders moeten zelf kunnen kiezen welke energieleverancier ze nemen.",
     "De keuze voor een energieleverancier hoort bij de huurder zelf te liggen.", False),
    ("Meedoen aan de buurtpreventie moet vrijwillig zijn.",
     "Bewoners moeten vrij zijn om wel of niet mee te doen aan de buurtpreventie.", False),
    # neither leaves a choice
    ("De hogeschool moet voor elke student een stageplek regelen.",
     "Elke student moet van de hogeschool een stageplek krijgen.", False),
    # English is not read
    ("Tenants should choose their energy supplier themselves.",
     "The housing association should arrange one supplier for all tenants.", False),
])
def test_one_leaves_to_the_person_what_the_other_settles(a, b, expected):
    assert choice_left(a, b) is expected
    assert choice_left(b, a) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("De parkeertarieven in het centrum zijn redelijk, dat kan gewoon zo blijven.", True),
    ("Het is terecht dat een zonnebril niet wordt vergoed.", True),
    ("De openingstijden van de bibliotheek moeten blijven zoals ze zijn.", True),
    ("Aan de busdienst op zondag is niks mis mee.", True),
    ("Het speelveld achter de school is prima zo.", True),
    # "terecht" as reaching a place, and a demand with "zo" elsewhere
    ("Met vragen over je huur moet je bij één loket terecht kunnen.", False),
    ("Jongeren komen na school vaak op straat terecht.", False),
    ("De wachttijd moet zo kort mogelijk blijven.", False),
    ("De bus moet zo snel mogelijk vaker gaan rijden.", False),
])
def test_an_endorsement_of_the_current_state(text, expected):
    assert endorses_current_state(text) is expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    # an endorsement against a demand for change and against a complaint
    ("De parkeertarieven in het centrum moeten omlaag, niemand komt er nog winkelen.",
     "De parkeertarieven in het centrum zijn niet hoog, dat kan gewoon zo blijven.", True),
    ("Een zonnebril op sterkte wordt nooit vergoed, terwijl je zonder niet kunt autorijden.",
     "Een zonnebril op sterkte is een luxe, dus het is terecht dat die nooit wordt vergoed.", True),
    # both endorse the current state, in other words
    ("De parkeertarieven in het centrum kunnen zo blijven.",
     "De parkeertarieven in het centrum moeten blijven zoals ze nu zijn.", False),
    ("Het is terecht dat een zonnebril niet wordt vergoed.",
     "Een zonnebril hoort niet vergoed te worden, dat is redelijk.", False),
    # neither endorses
    ("De parkeertarieven in het centrum moeten omlaag.",
     "Parkeren in het centrum moet goedkoper worden.", False),
    # English is not read
    ("Parking fees in the centre must come down.",
     "Parking fees in the centre are fine, they can stay as they are, it is justified.", False),
])
def test_one_endorses_the_current_state_the_other_never_speaks_of_keeping(a, b, expected):
    assert status_quo_endorsed(a, b) is expected
    assert status_quo_endorsed(b, a) is expected


@pytest.mark.parametrize(("rule", "new", "seed"), [
    ("choice_left", "Studenten moeten hun stageplek helemaal zelf uitzoeken en regelen.",
     "De hogeschool moet voor elke student automatisch een stageplek regelen."),
    ("status_quo_endorsed",
     "De parkeertarieven in het centrum zijn niet hoog, dat kan gewoon zo blijven.",
     "De parkeertarieven in het centrum moeten omlaag, niemand komt er nog winkelen."),
])
def test_a_stance_reversed_keeps_the_statement_from_the_flag_not_from_the_list(
        monkeypatch, rule, new, seed):
    assert_rule_keeps_from_flag(monkeypatch, rule, new, seed)

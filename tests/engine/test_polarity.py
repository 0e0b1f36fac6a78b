"""Polarity (engine.polarity) and lexical evidence (engine.lexical) of the duplicate check."""

from __future__ import annotations

import pytest

from meedenken.engine.lexical import content_stems, detect_language, stem_overlap
from meedenken.engine.polarity import Conflict, conflict, polarity

OPPOSITES = [
    ("Het eigen risico moet omlaag.", "Het eigen risico moet omhoog."),
    ("Er zijn te veel managers in de zorg.", "Er zijn te weinig managers in de zorg."),
    ("Er moet meer geld naar de wijkverpleging.", "Er moet minder geld naar de wijkverpleging."),
    ("Mijn huisarts is goed bereikbaar.", "Mijn huisarts is slecht bereikbaar."),
    ("Er zijn genoeg plekken in het verpleeghuis.", "Er zijn niet genoeg plekken."),
    ("Ouderen moeten thuis blijven wonen.", "Ouderen moeten niet thuis blijven wonen."),
    ("Jongeren krijgen wel hulp.", "Jongeren krijgen nooit hulp."),
    ("The deductible should go up.", "The deductible should go down and be lower."),
    ("There are too many forms.", "There are too few forms."),
    ("Die Zuzahlungen müssen steigen.", "Die Zuzahlungen müssen sinken."),
    ("Es gibt genug Hausärzte.", "Es gibt zu wenige Hausärzte."),
]
SAME = [
    ("Het eigen risico moet omlaag.", "Het eigen risico is veel te hoog."),
    ("Er zijn te weinig huisartsen.", "Er zijn niet genoeg huisartsen."),
    ("Er zijn te weinig huisartsen.", "Er is een groot tekort aan huisartsen."),
    ("Er moeten meer huisartsen komen.", "Er zijn te weinig huisartsen."),
    ("Ik kan mijn huisarts nooit bereiken.", "Mijn huisarts is slecht bereikbaar."),
    ("De praktijk neemt geen nieuwe patiënten meer aan.", "Je kunt je er niet meer inschrijven."),
    ("De wachttijd moet korter.", "Mensen moeten minder lang wachten."),
    ("Parkeren bij het ziekenhuis moet gratis.", "Het parkeergeld moet worden afgeschaft."),
    ("The waiting lists are too long.", "Waiting times should be shorter."),
    ("Die Wartezeiten sind zu lang.", "Die Wartezeiten müssen kürzer werden."),
]


@pytest.mark.parametrize(("a", "b"), OPPOSITES)
def test_opposites_conflict(a, b):
    assert conflict(polarity(a), polarity(b)) is not Conflict.NONE
    assert conflict(polarity(b), polarity(a)) is not Conflict.NONE


@pytest.mark.parametrize(("a", "b"), SAME)
def test_paraphrases_with_other_polarity_words_do_not_conflict(a, b):
    assert conflict(polarity(a), polarity(b)) is Conflict.NONE


def test_negation_only_pair_is_a_weak_conflict_and_stated_states_a_strong_one():
    assert conflict(polarity("Ouderen moeten thuis wonen."),
                    polarity("Ouderen moeten niet thuis wonen.")) is Conflict.WEAK
    assert conflict(polarity("De zorg is goed."), polarity("De zorg is slecht.")) is Conflict.STRONG


def test_language_detection_and_stemming_meet_inflections_and_compounds():
    assert [detect_language(t) for t in ("Er zijn te weinig huisartsen in de regio",
                                         "The GP is hard to reach for the elderly",
                                         "Die Wartezeiten sind für die Patienten zu lang")] == [
        "nl", "en", "de"]
    a = content_stems("De wachtlijsten voor huisartsen")
    b = content_stems("Een huisartsenpraktijk met een wachtlijst")
    assert stem_overlap(a, b) == 1.0
    assert stem_overlap(content_stems("De huisartsenpost"), content_stems("De tandarts")) == 0.0
    assert stem_overlap(frozenset(), frozenset()) == 0.0

"""A preference reversed in other words (session 19, flag17s): ``engine.details.preference`` and
``preference_reversed`` with the shipped encoder. The sentences are written for this test, none
is taken from a development set."""

from __future__ import annotations

import pytest

from meedenken.engine.details import preference, preference_reversed

from .semantic_support import packaged_embedder

SEED = "Ouders kiezen een speeltuin eerder op de veiligheid dan op de loopafstand."


def test_a_comparison_and_a_contrast_give_what_is_preferred_and_what_is_set_below():
    assert preference(SEED) == (("ouders", "kiezen", "speeltuin", "veiligheid"),
                                ("loopafstand",))
    assert preference("Subsidie moet naar de bibliotheek in plaats van naar het zwembad.") == (
        ("subsidie", "bibliotheek"), ("zwembad",))
    # a low-pole comparative prefers what follows "dan"
    assert preference("Een app werkt slechter dan een folder bij ouderen.") == (
        ("folder", "ouderen"), ("app", "werkt"))


@pytest.mark.parametrize("text", [
    "Je wacht in deze gemeente langer dan een half jaar op een traplift.",
    "Meer dan drie kinderen per klas hebben een leesachterstand.",
    "Er moet een speeltuin komen in de wijk.",
])
def test_a_bound_or_no_comparison_is_no_preference(text):
    assert preference(text) is None


@pytest.mark.parametrize("new, expected", [
    # the two items named in other words and exchanged: reversed
    ("Voor de meeste ouders telt hoe ver ze moeten lopen zwaarder dan de veiligheid van de "
     "speeltuin.", True),
    # the same order in other words: a paraphrase
    ("Voor de meeste ouders telt de veiligheid van de speeltuin zwaarder dan hoe ver ze moeten "
     "lopen.", False),
    # one side states no preference
    ("Ouders letten bij een speeltuin vooral op de veiligheid.", False),
])
def test_a_preference_reversed_in_other_words(new, expected):
    assert preference_reversed(new, SEED, packaged_embedder().embed) is expected


def test_the_same_words_in_the_same_order_are_no_reversal():
    assert not preference_reversed(SEED, SEED, packaged_embedder().embed)

"""A sentence copied with one span changed, or one opening continued in two ways, is another
claim (issue 17, session 12, dup17k): engine.details.changed_in_copy and
engine.details.new_complement, read together by engine.duplicates.changed_copy for Dutch. Each
keeps the statement from the near-duplicate flag, not from the list: it is still the first
suggestion.

The sentences are written for these tests; none is in a held-out set."""

from __future__ import annotations

import numpy as np
import pytest

from meedenken.engine import duplicates
from meedenken.engine.details import changed_in_copy, new_complement
from meedenken.engine.duplicates import changed_copy, evidence, flag_candidate, score
from meedenken.engine.settings import DUPLICATE_PROFILES

E5 = DUPLICATE_PROFILES["multilingual-e5-small"]


@pytest.mark.parametrize(("a", "b"), [
    # a number against words
    ("Zwemles moet ook na je 12e nog gratis zijn.",
     "Zwemles moet ook op zaterdag nog gratis zijn."),
    # a short word against a content word
    ("De kraamzorg moet na de bevalling langer thuis komen.",
     "De kraamzorg moet vóór de bevalling langer thuis komen."),
    # a noun narrowed into a compound
    ("Iedereen moet bij de apotheek een gesprek over zijn medicijnen kunnen krijgen.",
     "Iedereen moet bij de apotheek een gesprek over zijn slaapmedicijnen kunnen krijgen."),
    # another number
    ("De bibliotheek moet op zondag tot 5 uur open blijven.",
     "De bibliotheek moet op zondag tot 9 uur open blijven."),
])
def test_a_copy_with_one_span_changed(a, b):
    assert changed_in_copy(a, b) is not None
    assert changed_in_copy(b, a) is not None


@pytest.mark.parametrize(("a", "b"), [
    # inflection, accents, a compound written apart, a separable verb
    ("De cliënt moet zelf kunnen kiezen wie er komt.",
     "De client moet zelf kunnen kiezen wie er komen."),
    ("De thuis zorg moet vaker langskomen bij ouderen.",
     "De thuiszorg moet vaker langskomen bij ouderen."),
    ("Bewoners moeten mee kunnen praten over het nieuwe plein.",
     "Bewoners moeten meepraten over het nieuwe plein."),
    # known equivalents (one class of the detail lexicon)
    ("In het dorp moet de dokter vaker spreekuur houden.",
     "In het dorp moet de huisarts vaker spreekuur houden."),
    # words moved, nothing new
    ("Er zijn in onze regio echt te weinig huisartsen.",
     "Er zijn te weinig huisartsen in onze regio."),
    # a paraphrase that rewords: no copy
    ("De wachttijd voor de ggz is veel te lang.",
     "Wie psychische hulp zoekt, moet maanden wachten."),
])
def test_no_change_in_a_copy_that_only_respells_or_rewords(a, b):
    assert changed_in_copy(a, b) is None


def test_an_added_word_alone_is_no_changed_span():
    # one side adds a span, no span replaced: left to the other checks
    assert changed_in_copy("De bus naar het ziekenhuis moet vaker rijden.",
                           "De bus naar het ziekenhuis moet 's avonds vaker rijden.") is None


@pytest.mark.parametrize(("a", "b"), [
    ("Ouders van jonge kinderen moeten bij het consultatiebureau hulp krijgen bij slapen.",
     "Ouders van jonge kinderen moeten bij het consultatiebureau een vaste verpleegkundige "
     "zien."),
    ("Wie een rolstoel gebruikt moet in de trein zonder hulp kunnen instappen.",
     "Wie een rolstoel gebruikt moet in de trein een vaste plek kunnen reserveren."),
])
def test_one_opening_continued_in_two_ways(a, b):
    assert new_complement(a, b) is not None


@pytest.mark.parametrize(("a", "b"), [
    # the opening reworded: a paraphrase
    ("Ouders van jonge kinderen moeten hulp krijgen bij slaapproblemen.",
     "Bij het consultatiebureau moeten vaders en moeders steun krijgen als hun kind slecht "
     "slaapt."),
    # a shared opening, one side adds only function words
    ("Wie een rolstoel gebruikt moet in de trein zonder hulp kunnen instappen.",
     "Wie een rolstoel gebruikt moet in de trein echt zonder hulp kunnen instappen."),
    # the shared run is short against the statements
    ("Er moet in elke wijk een plek komen waar ouderen samen kunnen eten.",
     "Er moet in elke wijk iemand zijn die eenzame ouderen opzoekt en samen met hen wandelt."),
])
def test_no_new_complement_without_one_frame_and_new_words_on_both_sides(a, b):
    assert new_complement(a, b) is None


def test_changed_copy_is_dutch_only():
    english = ("The pharmacy should deliver medicines after 6 pm.",
               "The pharmacy should deliver medicines on Sundays.")
    assert changed_in_copy(*english) is not None
    assert not changed_copy(*english)


def _candidate(new: str, seeds: list[str]) -> tuple[int, int | None]:
    """The first suggestion and the flag candidate, the first seed the nearest by far."""
    cosines = np.array([0.97] + [0.85] * (len(seeds) - 1))
    ev = evidence(new, seeds, cosines, E5.reference_cosine)
    scores, _ = score(ev, E5)
    return int(np.argmax(scores)), flag_candidate(ev, scores, E5, new, seeds)


OTHER = "Er moet een nieuwe sporthal komen bij de school."


@pytest.mark.parametrize(("new", "seed"), [
    ("Zwemles moet ook na je 12e nog gratis zijn.",
     "Zwemles moet ook op zaterdag nog gratis zijn."),
    # less than half the words aligned (no replaced element), one opening of six words
    ("Buren moeten via de wijkapp kunnen melden dat er een lantaarnpaal kapot is.",
     "Buren moeten via de wijkapp kunnen melden wie er in de straat zo nu en dan een handje "
     "hulp nodig heeft."),
])
def test_a_changed_copy_keeps_the_statement_from_the_flag_not_from_the_list(monkeypatch, new,
                                                                           seed):
    first, candidate = _candidate(new, [seed, OTHER])
    assert first == 0 and candidate is None
    # without the check the pair is a flag candidate: no other check blocks it
    monkeypatch.setattr(duplicates, "changed_copy", lambda a, b: False)
    first, candidate = _candidate(new, [seed, OTHER])
    assert first == 0 and candidate == 0


@pytest.mark.parametrize(("new", "seed"), [
    ("De thuis zorg moet vaker langskomen bij ouderen.",
     "De thuiszorg moet vaker langskomen bij ouderen."),
    ("Bewoners moeten mee kunnen praten over het nieuwe plein.",
     "Bewoners moeten meepraten over het nieuwe plein."),
])
def test_a_respelled_copy_stays_a_flag_candidate(new, seed):
    assert _candidate(new, [seed, OTHER]) == (0, 0)

"""benchmarks.flag_refusals (session 21, flag17u): the checks of the Dutch duplicate flag that
refuse a pair, listed each on its own. Sentences written for these tests; the cosines are given,
so no encoder runs."""

from __future__ import annotations

import numpy as np

from benchmarks.flag_refusals import refusals, stage
from meedenken.engine.duplicates import duplicate_settings

SETTINGS = duplicate_settings("multilingual-e5-small")
SEEDS = ["Sportclubs moeten lessen aanbieden voor mensen met overgewicht.",
         "De bus naar het ziekenhuis moet vaker rijden.",
         "Er moeten meer huisartsen komen in ons dorp."]


def test_a_copy_with_an_element_replaced_names_the_copy_checks():
    assert SETTINGS is not None
    new = "Sportclubs moeten lessen aanbieden voor mensen met een beperking."
    reasons = refusals(new, SEEDS, np.array([0.95, 0.80, 0.80]), 0, SETTINGS)
    assert reasons == ["replaced_element", "changed_copy"]
    assert stage(reasons) == "a short-path check"


def test_an_opposite_names_its_conflict_and_a_wrong_first_seed_is_named():
    assert SETTINGS is not None
    opposite = "Er moeten minder huisartsen komen in ons dorp."
    reasons = refusals(opposite, SEEDS, np.array([0.80, 0.80, 0.95]), 2, SETTINGS)
    assert reasons[0] == "pair conflict strong"
    # ranked first by cosine is seed 0, not the paraphrase's own seed 2
    same = "Er moeten meer huisartsen komen in ons dorp."
    reasons = refusals(same, SEEDS, np.array([0.95, 0.80, 0.80]), 2, SETTINGS)
    assert reasons[0] == "other first" and stage(reasons) == "another seed ranked first"


def test_a_long_near_verbatim_copy_is_refused_by_the_frame_alone():
    """An opinion frame added to a long statement: no check fires, but the pair is largely the
    same sentence (frame 0.84 > 0.4), so the long-statement exception does not hold."""
    assert SETTINGS is not None
    seed = ("Elke gemeente moet een casemanager dementie hebben die het gezin vanaf de diagnose "
            "begeleidt.")
    new = "Ik vind dat " + seed[0].lower() + seed[1:]
    reasons = refusals(new, [seed, *SEEDS], np.array([0.97, 0.80, 0.80, 0.80]), 0, SETTINGS)
    assert reasons == ["long:frame"]
    assert stage(reasons) == "long path only: frame"

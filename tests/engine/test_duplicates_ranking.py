"""The ranking of suggestions (issue 17, session 10, dup17i): for multilingual-e5-small a weak
claim conflict (only an implied state differs, as in a paraphrase with a negation word) no longer
lowers a statement, and the content-stem overlap counts more (``rank_lexical_weight``); a strong
conflict (an opposite) is still lowered. The flag reads the fitted log-odds without either.

The sentences are written for these tests; none is in a held-out set. The cosines are given, so
each figure can be checked by hand from the profile's weights."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from meedenken.engine.duplicates import evidence, flag_candidate, score
from meedenken.engine.polarity import Conflict
from meedenken.engine.settings import DUPLICATE_PROFILES

E5 = DUPLICATE_PROFILES["multilingual-e5-small"]
BEFORE = E5.with_(weak_conflict_penalty=None, rank_lexical_weight=0.0)

NEW = "Het zwembad in ons dorp mag niet dicht."
#: A paraphrase that reads as a weak conflict ("niet" on one side only), an unrelated seed,
#: and the opposite (a strong conflict: "dicht" said on both sides, negated on one).
SEEDS = ["Het zwembad in ons dorp moet open blijven.",
         "De bibliotheek moet langer open zijn.",
         "Het zwembad in ons dorp moet dicht."]


def test_a_paraphrase_read_as_a_weak_conflict_is_the_first_suggestion():
    # The paraphrase has the higher cosine; the weak conflict cost it 4 x overlap before.
    ev = evidence(NEW, SEEDS[:2], np.array([0.92, 0.91]), E5.reference_cosine)
    assert ev.conflict.tolist() == [Conflict.WEAK, Conflict.NONE]
    assert int(np.argmax(score(ev, E5)[0])) == 0
    assert int(np.argmax(score(ev, BEFORE)[0])) == 1


def test_a_weak_conflict_is_still_kept_from_the_flag():
    ev = evidence(NEW, SEEDS[:2], np.array([0.92, 0.91]), E5.reference_cosine)
    assert ev.overlap[0] >= E5.weak_conflict_overlap
    assert flag_candidate(ev, score(ev, E5)[0], E5, NEW, SEEDS[:2]) is None


def test_an_opposite_is_still_lowered():
    # The opposite (strong conflict) has the highest cosine and shares every content word: it
    # loses conflict_penalty (4) per unit of overlap and gains rank_lexical_weight (3).
    ev = evidence(NEW, SEEDS, np.array([0.90, 0.91, 0.95]), E5.reference_cosine)
    assert ev.conflict[2] == Conflict.STRONG and ev.overlap[2] == 1.0
    scores = score(ev, E5)[0]
    unpenalised = score(dataclasses.replace(ev, conflict=np.zeros(3, dtype=np.int8)), E5)[0]
    assert scores[2] == pytest.approx(unpenalised[2] - 4.0)
    assert int(np.argmax(scores)) == 0


def test_shared_content_words_outweigh_a_small_cosine_lead():
    new = "Bij de fysiotherapeut wacht je veel te lang op een afspraak."
    seeds = ["Voor een afspraak bij de fysiotherapeut wacht je te lang.",
             "Bij de huisarts duurt het wachten te lang."]
    # The seed on another subject is 0.004 nearer by cosine (and so by margin).
    ev = evidence(new, seeds, np.array([0.920, 0.924]), E5.reference_cosine)
    assert ev.overlap[0] > ev.overlap[1]
    assert int(np.argmax(score(ev, E5)[0])) == 0
    assert int(np.argmax(score(ev, BEFORE)[0])) == 1


def test_english_and_german_keep_the_fitted_ranking():
    new = "The swimming pool in our village must not close."
    seeds = ["The swimming pool in our village must stay open.", "The library must open longer."]
    ev = evidence(new, seeds, np.array([0.92, 0.91]), E5.reference_cosine)
    assert ev.language == "en"
    assert score(ev, E5)[0].tolist() == score(ev, BEFORE)[0].tolist()


def test_the_flag_log_odds_are_unchanged_by_the_ranking_weights():
    ev = evidence(NEW, SEEDS[:2], np.array([0.92, 0.91]), E5.reference_cosine)
    # The older rule's flags read the fitted log-odds: the same under both profiles.
    assert score(ev, E5)[1].tolist() == score(ev, BEFORE)[1].tolist()

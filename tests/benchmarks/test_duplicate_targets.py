"""Issue 17's targets for the near-duplicate check, on Dutch statements it was not fitted on.

Two held-out conversations, never used for fitting (benchmarks/duplicates.py --fit reads the
pair sets only): benchmarks/data/heldout_nl.txt (session 5: 40 seeds, 20 paraphrases, 10
opposites, 10 same-topic claims, 5 unrelated statements) and heldout_nl_2.txt (session 6, written
before that session's changes: 30 seeds over ten care themes, 20 paraphrases, 17 opposites with
and without a negation word, 12 same-topic claims, 5 unrelated). Each statement is submitted
alone against the seeds, as the service sees it, with the shipped default model and its stored
settings.
"""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.duplicates import HELDOUT_FILES, heldout_targets
from benchmarks.pairsets import DATA, heldout, labelled_pairs
from meedenken.engine.duplicates import duplicate_settings
from meedenken.engine.semantics import DEFAULT_MODEL, StatementEmbedder


@pytest.fixture(scope="module")
def embedder() -> StatementEmbedder:
    return StatementEmbedder(DEFAULT_MODEL)


@pytest.fixture(scope="module", params=HELDOUT_FILES)
def targets(request, embedder) -> dict[str, float]:
    return heldout_targets(embedder, duplicate_settings(DEFAULT_MODEL), request.param)


def test_the_labelled_sets_are_as_large_as_the_issue_asks():
    sets = labelled_pairs()
    assert len(sets["nl"]) >= 300 and len(sets["de"]) >= 60 and len(sets["en"]) >= 90
    kinds = Counter(p.kind for p in sets["nl"])
    assert min(kinds[k] for k in ("paraphrase", "opposite", "opposite_negation", "related",
                                  "unrelated")) >= 40
    fitted = {t for pairs in sets.values() for p in pairs for t in (p.text_a, p.text_b)}
    for name in HELDOUT_FILES:
        seeds, submissions = heldout(DATA / name)
        held = {s.text for s in submissions} | set(seeds)
        assert not held & fitted  # nothing of a held-out conversation is in a fitted set
        counts = Counter(s.kind for s in submissions)
        assert counts["P"] >= 20 and counts["R"] >= 10 and counts["O"] + counts["N"] >= 10


def test_the_second_heldout_has_opposites_with_and_without_negation_words():
    _, submissions = heldout(DATA / HELDOUT_FILES[1])
    counts = Counter(s.kind for s in submissions)
    assert counts["N"] >= 8 and counts["O"] >= 8


def test_paraphrase_is_the_first_suggestion_for_seven_of_ten(targets):
    assert targets["first"] / targets["P"] >= 0.7


def test_at_least_three_of_ten_paraphrases_are_flagged_and_no_opposite(targets):
    assert targets["partner_flagged"] / targets["P"] >= 0.3
    assert targets["opposites_flagged"] == 0


@pytest.mark.xfail(strict=True, reason="issue 17 target not met: 12 of 17 flags correct (71%) on "
                   "heldout_nl.txt, 14 of 24 (58%) on heldout_nl_2.txt; the wrong flags are "
                   "same-topic claims; see benchmarks/RESULTS.md (session 6)")
def test_at_least_eighty_percent_of_flags_are_right(targets):
    assert targets["correct_flags"] / max(targets["flags"], 1) >= 0.8

"""Issue 17's targets for the near-duplicate check, on Dutch statements it was not fitted on.

The held-out conversation (benchmarks/data/heldout_nl.txt: 40 seeds, 20 paraphrases, 10
opposites, 10 same-topic claims, 5 unrelated statements) was written before the method was tuned
and is never used for fitting (benchmarks/duplicates.py --fit reads the pair sets only). Each
statement is submitted alone against the seeds, as the service sees it, with the shipped default
model and its stored settings.
"""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.duplicates import heldout_targets
from benchmarks.pairsets import heldout, labelled_pairs
from meedenken.engine.duplicates import duplicate_settings
from meedenken.engine.semantics import DEFAULT_MODEL, StatementEmbedder


@pytest.fixture(scope="module")
def targets() -> dict[str, float]:
    embedder = StatementEmbedder(DEFAULT_MODEL)
    return heldout_targets(embedder, duplicate_settings(DEFAULT_MODEL))


def test_the_labelled_sets_are_as_large_as_the_issue_asks():
    sets = labelled_pairs()
    assert len(sets["nl"]) >= 300 and len(sets["de"]) >= 60 and len(sets["en"]) >= 90
    kinds = Counter(p.kind for p in sets["nl"])
    assert min(kinds[k] for k in ("paraphrase", "opposite", "opposite_negation", "related",
                                  "unrelated")) >= 40
    seeds, submissions = heldout()
    held = {s.text for s in submissions} | set(seeds)
    fitted = {t for pairs in sets.values() for p in pairs for t in (p.text_a, p.text_b)}
    assert not held & fitted  # nothing of the held-out conversation is in a fitted set


def test_paraphrase_is_the_first_suggestion_for_seven_of_ten(targets):
    assert targets["first"] / targets["P"] >= 0.7


def test_at_least_three_of_ten_paraphrases_are_flagged_and_no_opposite(targets):
    assert targets["partner_flagged"] / targets["P"] >= 0.3
    assert targets["opposites_flagged"] == 0


@pytest.mark.xfail(strict=True, reason="issue 17 target not met: 9 of 12 flags correct (75%) on "
                   "the held-out conversation; see benchmarks/RESULTS.md")
def test_at_least_eighty_percent_of_flags_are_right(targets):
    assert targets["correct_flags"] / max(targets["flags"], 1) >= 0.8

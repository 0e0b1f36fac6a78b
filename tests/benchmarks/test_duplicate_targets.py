"""Issue 17's targets for the near-duplicate check, on Dutch statements it was not fitted on.

Five held-out conversations, never used for fitting (benchmarks/duplicates.py --fit reads the
pair sets only): benchmarks/data/heldout_nl.txt (session 5: 40 seeds, 20 paraphrases, 10
opposites, 10 same-topic claims, 5 unrelated statements), heldout_nl_2.txt (session 6, written
before that session's changes: 30 seeds over ten care themes, 20 paraphrases, 17 opposites with
and without a negation word, 12 same-topic claims, 5 unrelated) and heldout_nl_3.txt (session 7,
written and committed before that session's method was evaluated on it: 36 seeds on ouderenzorg,
wonen and huisartsen op het platteland, 20 paraphrases, 12 opposites, 13 same-topic claims, 5
unrelated) and heldout_nl_4.txt (session 8, written and committed on its own before that
session's method was evaluated on it: 36 seeds on ggz, jeugd, dementie, wonen en zorg, digitale
zorg, vervoer, preventie and kosten, 22 paraphrases, 17 opposites with and without a negation
word, 17 same-topic claims of which many repeat a seed with one detail changed, 5 unrelated)
and heldout_nl_5.txt (session 8, dup17e, written and committed on its own before that branch's
method changes and evaluated once after them: 36 seeds on armoede, eenzaamheid, sport,
statushouders, platteland, apotheek, mantelzorg en werk, 22 paraphrases, 8 opposites with a
negation word and 14 without, 18 same-topic claims, 5 unrelated).
Each statement is submitted alone against the seeds, as the service sees it, with the shipped
default model and its stored settings. A target not met on a file is a strict xfail with the
measured figure (benchmarks/RESULTS.md, issue 17 session 10, dup17g). Since session 9 all five are
development sets (the fifth was read after its one evaluation).

Two more, heldout_nl_6.txt and heldout_nl_7.txt (BLIND_FILES), were written blind in session 9
by someone who never saw the method (40 seeds, 10 paraphrases, 6 opposites with and 6 without a
negation word, 12 same-topic claims, 5 unrelated each; the seventh in residents' phone style) and
evaluated by the lead once the method was merged; development sets since (session 10, dup17g,
which meets both targets on them: 4 of 4 flags right each, no opposite flagged). Two more,
heldout_nl_8.txt (written style) and heldout_nl_9.txt (half in phone style), were written blind
in session 10 the same way and evaluated once after dup17g, and two more, heldout_nl_10.txt
(longer sentences) and heldout_nl_11.txt (short, half phone style), once after dup17h, and
heldout_nl_12.txt and heldout_nl_13.txt (short, phone style) once after dup17i: what they miss
is a strict xfail below.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from benchmarks.duplicates import BLIND_FILES, HELDOUT_FILES, heldout_targets
from benchmarks.pairsets import DATA, heldout, labelled_pairs
from meedenken.engine.duplicates import duplicate_settings
from meedenken.engine.semantics import DEFAULT_MODEL, StatementEmbedder


@pytest.fixture(scope="module")
def embedder() -> StatementEmbedder:
    return StatementEmbedder(DEFAULT_MODEL)


def _not_met(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"issue 17 target not met: {reason}")


def _held_out(fifth_not_met: str) -> list[Any]:
    """One case per held-out file: met on the first four, which the lexicons were developed on
    (session 8, dup17e); the fifth a strict xfail with ``fifth_not_met`` (dup17f)."""
    *met, fifth = HELDOUT_FILES
    return [*(pytest.param(name, id=name.removesuffix(".txt")) for name in met),
            pytest.param(fifth, id=fifth.removesuffix(".txt"), marks=_not_met(fifth_not_met))]


#: Flag precision per held-out file (dup17g: a one-sided contrast, an equal against an unequal
#: comparison and the length limit of the flag; dup17f: a replaced element in the same
#: sentence, polarity per clause and without shared polarity words, general opposites; dup17e's
#: flag model). The fifth met since session 14 (flag17m): 8 of 10 flags correct, the runner-up
#: gap keeps a same-topic claim on another seed out (8 of 11 before; dup17i: 8 of 13; dup17g: 7
#: of 12; dup17f: 16 of 25).
PRECISION = [pytest.param(name, id=name.removesuffix(".txt")) for name in HELDOUT_FILES]
#: No opposite flagged per held-out file: the fifth has reversals the claim checks miss.
OPPOSITES = _held_out(
    "1 of 22 opposites flagged (dup17i: 3; dup17f: 6): 'bij de gemeente ondergebracht' / "
    "'onafhankelijk' (an arrangement outside the word lists)")


@pytest.fixture(scope="module")
def all_targets(embedder) -> dict[str, dict[str, float]]:
    settings = duplicate_settings(DEFAULT_MODEL)
    _embed_together(embedder, HELDOUT_FILES)
    return {name: heldout_targets(embedder, settings, name) for name in HELDOUT_FILES}


def _embed_together(embedder: StatementEmbedder, names: tuple[str, ...]) -> None:
    """Embed every seed and submission of the files in one call, into the embedder's cache.

    Each submission is still checked alone against its seeds; only its vector comes from a pass
    shared with others, which is its vector alone within 1e-6 (``tests/engine/test_e5.py``), and
    about a third less CPU than one pass per submission (session 21)."""
    texts = []
    for name in names:
        seeds, submissions = heldout(DATA / name)
        texts += [*seeds, *(s.text for s in submissions)]
    embedder.embed(list(dict.fromkeys(texts)))


@pytest.fixture(params=HELDOUT_FILES)
def targets(request, all_targets) -> dict[str, float]:
    return all_targets[request.param]


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


@pytest.mark.parametrize("name", [HELDOUT_FILES[1], HELDOUT_FILES[3], HELDOUT_FILES[4]])
def test_later_heldouts_have_opposites_with_and_without_negation_words(name):
    _, submissions = heldout(DATA / name)
    counts = Counter(s.kind for s in submissions)
    assert counts["N"] >= 7 and counts["O"] >= 8


def test_paraphrase_is_the_first_suggestion_for_seven_of_ten(targets):
    assert targets["first"] / targets["P"] >= 0.7


def test_at_least_three_of_ten_paraphrases_are_flagged(targets):
    assert targets["partner_flagged"] / targets["P"] >= 0.3


@pytest.mark.parametrize("name", OPPOSITES)
def test_no_opposite_is_flagged(all_targets, name):
    assert all_targets[name]["opposites_flagged"] == 0


@pytest.mark.parametrize("name", PRECISION)
def test_at_least_eighty_percent_of_flags_are_right(all_targets, name):
    targets = all_targets[name]
    assert targets["correct_flags"] / max(targets["flags"], 1) >= 0.8


#: The blind sets' figures: on main 0a5517f 9 of 18 and 10 of 17 flags correct, 2 and 4
#: opposites flagged; after dup17f 8 of 12 and 9 of 12, 2 and 3; after dup17g (a one-sided
#: contrast and the length limit of the flag, sets 6 and 7 development sets by then) 4 of 4 and
#: 4 of 4, none: both targets met, no xfail left.
#: Sets 8 and 9 (session 10, evaluated once after dup17g; on main ef62169 before it: 6 of 12
#: and 6 of 10 flags correct, 3 and 2 opposites flagged): set 8 4 of 6 flags correct (the two
#: wrong flags same-topic claims), no opposite; set 9 no flag at all (its paraphrases are longer
#: than the flag's six content words), no opposite. After dup17h (another number before the same
#: unit is no flag: "65 jaar" / "75 jaar") set 8 4 of 5 flags correct (80%), met; set 9 unchanged.
#: Sets 10 (longer sentences) and 11 (short, half phone style), written blind in session 10 and
#: evaluated once after dup17h (the length limit kept, chosen before they were read); on main
#: ef62169 before: 6 of 15 and 4 of 5 flags correct, 8 and 1 opposites flagged; after: set 10 one
#: paraphrase flagged, 1 of 2 flags correct, 1 opposite flagged; set 11 partner first 6 of 10, 4 of
#: 4 flags correct, no opposite. After dup17i (the Dutch ranking: a weak conflict no longer lowers
#: a statement, the stem overlap counts more) set 11's partner first 10 of 10: met.
#: Sets 12 (mixed lengths) and 13 (short, mostly phone style), written blind in session 10 and
#: evaluated once, on main 44bd2b1 and after dup17i (the Dutch ranking: a weak conflict no longer
#: lowers a suggestion, shared stems weigh more): partner first 9 -> 10 and 10 -> 10 of 10, 7 and
#: 8 paraphrases flagged, 7 of 9 and 8 of 9 flags correct, 2 and 1 opposites flagged (unchanged).
#: After dup17j (session 11: each choosing the option the other rejects, a word getting more in one
#: and less in the other, a negation added to largely the same sentence; "vlak bij" read as near)
#: set 10 1 of 1 flags correct, no opposite; set 12 7 of 7, set 13 8 of 8, no opposite: met (set
#: 10 still flags 1 of 10 paraphrases).
#: Sets 14 (long, formal), 15 (short, phone style) and 16 (mixed lengths, numbers), written blind
#: in session 11 and evaluated once on main 51899cb: set 14 no flag, set 15 8 of 9 flags right,
#: set 16 3 of 5, no opposite on any. After dup17k (session 12: a sentence copied with one span
#: changed, or one opening continued in two ways, is no flag) set 15 8 of 8 and set 16 3 of 3:
#: met.
#: Sets 17 (residents, phone), 18 (long, formal) and 19 (numbers), written blind in session 12
#: and evaluated once on main 748a298: 0 of 4, no flag and 2 of 4 flags right; 2, 0 and 1
#: opposites flagged. After dup17k: 0 of 3 (2 opposites), no flag, 2 of 3 (no opposite).
#: Sets 20 (written), 21 (phone style) and 22 (long, with reasons), written blind in session 13
#: and evaluated once on main 09215fa: 3 of 5, 2 of 5 flags right and no flag; 1, 1 and 0
#: opposites flagged. A flag for long reworded pairs (branch dup17l, 16 of 19 earlier sets
#: met) gave set 22 7 flags with 4 opposites and was not merged.
#: After flag17m (session 14: two phrases trading places, the same comparative in the other
#: order, 'te lang' / 'niet lang', compounds sharing their first part and letter labels in a
#: copy, general Dutch antonyms, a close runner-up): set 17 no flag, no opposite; set 19 2 of 2
#: right; set 20 3 of 3, no opposite (met); set 21 2 of 3, no opposite.
#: Sets 23 (written), 24 (phone style) and 25 (formal, 16-30 words), written blind in session 14
#: and evaluated once on main 2b11fb3 (5 of 10, 2 of 6 flags right, no flag; 5, 4 and 0
#: opposites flagged) and then on flag17m (5 of 7, 2 of 5 right, no flag; 2, 3 and 0 opposites).
#: After flag17o (session 15: a long candidate flagged when each of its clauses is nearest to the
#: candidate, same polarity, frame <= 0.4, margin >= 0.04; chosen in-sample on all 25 sets, see
#: benchmarks/RESULTS.md "Session 15, flag17o"): set 14 4 of 10 paraphrases flagged, 4 of 4 right
#: (met); 17 2 of 2 right; 18 1 of 1; 19 4 of 10 flagged (met); 21 3 of 10 flagged, 3 of 4
#: right; 22 2 of 2 right; 23 6 of 8 right; 25 3 of 10 flagged, 3 of 3 right (met); no opposite
#: added on any set.
#: Sets 26 (written, reworded paraphrases), 27 (short and long, phone style) and 28 (formal, with
#: plain-language paraphrases), written blind in session 15 and evaluated once on main 4cd914c
#: (3 flags 2 right, 2 flags 2 right, no flag; 1, 0 and 0 opposites) and then on flag17o (6 flags
#: 5 right, 4 of 4 right (met), 1 flag wrong; 1, 0 and 0 opposites).
#: Sets 29 (formal), 30 (phone style) and 31 (mixed, long two-clause statements), written blind in
#: session 16 and evaluated once on main f465564: partner first 10 of 10 on each; 1 flag right,
#: 5 of 5 right (all four met), 3 flags 2 right; 0, 0 and 1 opposites. The opposite (a negation
#: moved from the reason to the claim) is no longer flagged since `negation_moved` (session 16,
#: lead; chosen on it: in-sample), so set 31 has 2 flags, both right.
#: Session 17 (flag17p): the long-statement exception reads "hoort ... te", "dient ... te" and an
#: imperative as a demand like "moet" (`engine.polarity.same_reading`): 10 more right flags on
#: the 31 Dutch sets, none wrong; set 22 now has 3 of 10 paraphrases flagged (all four met).
#: Sets 32 (phone style), 33 (formal) and 34 (older residents, numbers), written blind in session
#: 17 and evaluated once on main 7841fe3 and on flag17p (the same figures): partner first 10 of
#: 10 on each; 7 flags 6 right (1 opposite), no flag, 5 flags 4 right (all four met).
#: Session 18 (flag17r): reworded reversals kept from the flag (shared words exchanged, fine
#: against a problem in matching clauses, an actor that stays out, a separable verb joined in
#: swapped_options, person and size words as roles, "op slot" as closed): set 23 7 of 7 right,
#: no opposite (all four met); 24 2 of 2 right, no opposite (recall still 2 of 10); 26 5 of 5,
#: no opposite (met); 32 6 of 6, no opposite (met). Written after reading those opposites:
#: in-sample.
#: Session 19 (flag17s): a preference reversed in other words (`details.preference_reversed`,
#: its margin chosen on sets 6-25, checked on 26-37): set 37's opposite is no longer flagged
#: (3 flags, 2 right); no other flag changed on the 37 Dutch sets. Set 17's third paraphrase
#: (3 of 10, met) is flagged in this fixture after the change and was not before: the change
#: adds no flag, but the encoder cache's history (which batch a clause was first embedded in)
#: decided that long-path flag; set 17 alone on a fresh embedder gave 3 of 10 on main too.
#: Since dc06653 a pass of the e5 encoder holds windows of one token length only, so a text's
#: vector no longer depends on which texts were embedded with it.
#: Sets 38 (mixed, Rivierenland), 39 (long, formal) and 40 (short phone lines), written blind in
#: session 19 and evaluated once on main ff51bd3: 5 flags 3 right (2 opposites), 3 of 3 (all
#: four met), 8 flags 5 right (2 opposites). Session 20 (flag17t): a choice left to the person
#: against a statement that never speaks of it (`antonyms.choice_left`) and the current state
#: endorsed against one that never speaks of keeping it (`antonyms.status_quo_endorsed`),
#: categories suggested by the four opposites of sets 38 and 40 (in-sample for them): set 38 3
#: of 3 flags right, set 40 5 of 6, no opposite on either (all four met on both); no other flag
#: changed on the 40 Dutch sets.
#: Sets 41 (mixed, De Peel), 42 (older residents, numbers and the past) and 43 (long formal,
#: plain-language paraphrases), written blind in session 20 and evaluated once on main e684bf0
#: (the same figures before flag17t, on ea0b64b: its two categories fired on none of them): 5
#: flags 4 right (1 opposite), 1 flag 0 right (0 of 10 paraphrases flagged), 1 of 1 right (1 of
#: 10 flagged).
#: Sets 44 (formal, West-Brabant), 45 (phone style, Zaanstreek-Waterland) and 46 (mixed, long
#: statements of 28-40 words, Gelderse Vallei), written blind in session 21 and evaluated once on
#: main d3a7b68: partner first 10, 10 and 9 of 10; 2 of 2, 2 of 2 and no flag (2, 2 and 0 of 10
#: paraphrases flagged); no opposite flagged. The paraphrases are refused mostly on the
#: long-statement path and by the claim checks (the sets' headers count the reasons).
#: Sets 47 (older residents' plain language, Noord-Veluwe), 48 (mixed lengths, restructured
#: paraphrases, Midden-Holland) and 49 (policy language, paraphrases that change register,
#: Eemland), written blind in session 22 and evaluated once on main ea96e68 (AMD EPYC): partner
#: first 10 of 10 on each; 7 flags 4 right (an opposite in other words, a related claim sharing
#: "gratis", a role swap), 4 of 4 right (all four met), 1 flag 0 right (0 of 10 paraphrases
#: flagged: a narrower object).
#: Sets 50 (residents typing on a phone, Midden-Limburg), 51 (young people and young carers,
#: Kennemerland and IJmond) and 52 (professionals' jargon against plain words, Noordoost-Brabant),
#: written blind in session 23 and evaluated once on main fb14239 (AMD EPYC, Zen 4): partner
#: first 10, 10 and 7 of 10; 7 flags 6 right (all four met), 3 flags 2 right, no flag (6, 2 and 0
#: of 10 paraphrases flagged); no opposite flagged. Both wrong flags are same-topic claims (another
#: actor; the same goal by another route).
#: Sets 53 (numbers, amounts and times, Leiden and the Duin- en Bollenstreek), 54 (simple Dutch of
#: newcomers learning the language, Almere and Lelystad) and 55 (conditional and question-shaped
#: statements, Voorne-Putten and Goeree-Overflakkee), written blind in session 24 and evaluated once
#: on main 39b7fcb (AMD EPYC, Zen 4): partner first 9, 10 and 9 of 10; no flag, 3 of 3 right (all
#: four met), no flag (0, 3 and 0 of 10 paraphrases flagged); no opposite flagged.


#: Session 21 (lead): the e5 pass multiplies in float32 on every CPU (`e5.DEFAULT_PRECISION`).
#: Its bfloat16 products had made set 17's third flag depend on the CPU (flagged on session 19's
#: AMD EPYC with AVX512-BF16, not on session 20's Intel Xeon with AMX, where the target was then
#: a lax xfail) and on which texts shared a pass. In float32 the 46 Dutch sets flag exactly what
#: they flagged in bfloat16 on the Intel Xeon (set 17: 2 of 10), and heldout_nl.txt's partner is
#: first for 18 of 20 paraphrases instead of 19 (a near tie).


def _blind(not_met: dict[str, str]) -> list[Any]:
    """One case per blind file, a strict xfail where ``not_met`` names the file."""
    return [pytest.param(name, id=name.removesuffix(".txt"),
                         marks=[_not_met(not_met[name])] if name in not_met else [])
            for name in BLIND_FILES]


@pytest.fixture(scope="module")
def blind_targets(embedder) -> dict[str, dict[str, float]]:
    settings = duplicate_settings(DEFAULT_MODEL)
    _embed_together(embedder, BLIND_FILES)
    return {name: heldout_targets(embedder, settings, name) for name in BLIND_FILES}


def test_the_blind_sets_hold_what_their_header_says():
    for name in BLIND_FILES:
        seeds, submissions = heldout(DATA / name)
        counts = Counter(s.kind for s in submissions)
        assert len(seeds) == 40 and counts["P"] == 10 and counts["N"] >= 5 and counts["O"] >= 5
        assert counts["N"] + counts["O"] >= 10 and counts["R"] >= 10 and counts["U"] >= 5


@pytest.mark.parametrize("name", _blind({
    "heldout_nl_9.txt": "no paraphrase flagged (0 of 10; the flag's length limit of six content "
                        "words): at least 3 of 10 asked",
    "heldout_nl_10.txt": "1 of 10 paraphrases flagged (long statements; the length limit); "
                         "dup17j: its one wrong flag, an opposite, is gone (1 of 1 right)",
    "heldout_nl_18.txt": "1 of 10 paraphrases flagged (flag17o; 0 before): long formal "
                         "statements, the length limit",
    "heldout_nl_24.txt": "2 of 10 paraphrases flagged (phone style)",
    "heldout_nl_28.txt": "1 of 10 paraphrases flagged (flag17p; 0 before): formal statements "
                         "of 14-28 words paraphrased in plain language",
    "heldout_nl_29.txt": "1 of 10 paraphrases flagged: formal statements of 7-13 content words "
                         "(the length limit, its exception's conditions not met)",
    "heldout_nl_31.txt": "2 of 10 paraphrases flagged: long two-clause statements (the length "
                         "limit)",
    "heldout_nl_33.txt": "no paraphrase flagged: formal statements of 12-27 words (the length "
                         "limit, its exception's conditions not met)",
    "heldout_nl_37.txt": "2 of 10 paraphrases flagged (mixed styles, 7-27 words)",
    "heldout_nl_42.txt": "no paraphrase flagged, every one first: restructured in two "
                         "sentences or imperatives (cosines 0.94-0.98)",
    "heldout_nl_43.txt": "1 of 10 paraphrases flagged: long formal statements in plain "
                         "language",
    "heldout_nl_44.txt": "2 of 10 paraphrases flagged (formal; the long-statement path)",
    "heldout_nl_45.txt": "2 of 10 paraphrases flagged (phone style)",
    "heldout_nl_46.txt": "no paraphrase flagged: long statements of 28-40 words",
    "heldout_nl_49.txt": "no paraphrase flagged: policy language and plain replies, "
                         "paraphrased across registers",
    "heldout_nl_51.txt": "2 of 10 paraphrases flagged (young people's words; the long-statement "
                         "path, polarity conflicts, replaced elements)",
    "heldout_nl_52.txt": "no paraphrase flagged: professionals' jargon against plain words (7 of "
                         "10 first; the long-statement path's margin)",
    "heldout_nl_53.txt": "no paraphrase flagged: quantities restated in other units or words "
                         "(9 of 10 first)",
    "heldout_nl_55.txt": "no paraphrase flagged: questions and conditions restated as plain "
                         "claims (9 of 10 first)",
    "heldout_nl_17.txt": "2 of 10 paraphrases flagged in float32 (session 21; in bfloat16 3 of "
                         "10 on session 19's AMD EPYC, 2 on session 20's Intel Xeon): its third "
                         "flag sits at its margin"}))
def test_blind_sets_paraphrase_first_and_flagged(blind_targets, name):
    t = blind_targets[name]
    assert t["first"] >= 0.7 * t["P"] and t["partner_flagged"] >= 0.3 * t["P"]


@pytest.mark.parametrize("name", _blind({
    "heldout_nl_9.txt": "no flag at all (0 of 0 counts as not met: the target is flags that "
                        "are right, and there are none)",
    "heldout_nl_28.txt": "1 of 2 flags right (flag17p added the right one): a same-topic "
                         "claim over the length limit flagged by flag17o's exception (a contact "
                         "person / accessible letters for residents with a visual impairment)",
    "heldout_nl_33.txt": "no flag at all (0 of 0 counts as not met)",
    "heldout_nl_42.txt": "0 of 1 flag right: a same-frame claim (the advisor must help with the "
                         "forms / with finding a smaller home)",
    "heldout_nl_46.txt": "no flag at all (0 of 0 counts as not met)",
    "heldout_nl_47.txt": "3 of 5 flags right (4 of 7 before session 29's Dutch line): an "
                         "opposite in other words (a fair price / too expensive) and a role "
                         "swap (women / men choose who washes them)",
    "heldout_nl_49.txt": "0 of 1 flag right: a narrower object (travel costs / travel costs of "
                         "the companion)",
    "heldout_nl_51.txt": "2 of 3 flags right: the same goal by another route (a free van to the "
                         "walk-in in Haarlem / a walk-in in Beverwijk or IJmuiden too)",
    "heldout_nl_52.txt": "no flag at all (0 of 0 counts as not met)",
    "heldout_nl_53.txt": "no flag at all (0 of 0 counts as not met)",
    "heldout_nl_55.txt": "no flag at all (0 of 0 counts as not met)"}))
def test_blind_sets_eighty_percent_of_flags_are_right(blind_targets, name):
    t = blind_targets[name]
    assert t["correct_flags"] / max(t["flags"], 1) >= 0.8


@pytest.mark.parametrize("name", _blind({
    "heldout_nl_47.txt": "1 of 12 opposites flagged: the price is fair and people may pay it / "
                         "the card is too expensive and should be free (no negation word)"}))
def test_blind_sets_no_opposite_is_flagged(blind_targets, name):
    assert blind_targets[name]["opposites_flagged"] == 0

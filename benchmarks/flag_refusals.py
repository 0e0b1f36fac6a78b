"""Why the Dutch duplicate flag refuses a paraphrase (issue 17, session 21, flag17u).

Each paraphrase ("P" line) of the given held-out sets is submitted alone against its seeds (the
ranking of :func:`benchmarks.duplicates.heldout_targets`) and every check of
:func:`engine.duplicates.flag_candidate` that fires on its best-ranked seed is listed, each on its
own (the flag is their conjunction, so a paraphrase can have several): the pair's polarity
conflict, the conflict without the shared polarity words, each word check, the close runner-up,
and, for a pair over the length limit, which of the cheap conditions of the long-statement
exception fail (:func:`engine.duplicates.long_claim_kept`: margin, frame, reading). No check of
the flag model or the clause match is run (they need the encoder on words and clauses).

    PYTHONPATH=. .venv/bin/python -m benchmarks.flag_refusals heldout_nl_9.txt heldout_nl_10.txt

prints one line per paraphrase (set, reasons; ``-v`` adds the two texts and their readings) and a
count of the stage that refuses: a short-path check, the long path's cheap conditions only, or
none (then the pair is flagged or the flag model or the clause match refuses it).
"""

from __future__ import annotations

import argparse
import collections

import numpy as np

from benchmarks.pairsets import DATA, heldout
from meedenken.engine import duplicates
from meedenken.engine.encoders import MULTILINGUAL_E5
from meedenken.engine.polarity import Conflict, polarity
from meedenken.engine.semantics import StatementEmbedder

#: The word checks of ``flag_candidate``, in its order (its own list, written out there as one
#: condition; tests switch a check off by its module name, so keep the two in step by hand).
WORD_CHECKS = ("detail_conflict", "replaced_element", "one_sided_contrast",
               "comparison_conflict", "unit_number_changed", "swapped_options",
               "swapped_directions", "negation_in_frame", "payer_reversal", "changed_copy",
               "swapped_roles", "reversed_comparison", "excess_denied", "exchanged_elements",
               "clause_states_reversed", "actor_withdrawn", "choice_left",
               "status_quo_endorsed")


def refusals(new: str, seeds: list[str], cosines: np.ndarray, seed: int,
             settings: duplicates.DuplicateSettings) -> list[str]:
    """The checks that fire on ``new``'s best-ranked seed ("other first" when that is not
    ``seed``); a long pair adds ``long:`` and its failing cheap conditions."""
    ev = duplicates.evidence(new, seeds, cosines, settings.reference_cosine)
    scores, _ = duplicates.score(ev, settings)
    best = int(np.argmax(scores))
    text = seeds[best]
    out = [] if best == seed else ["other first"]
    blocked = duplicates._blocked(ev, settings)
    if blocked[best]:
        out.append(f"pair conflict {Conflict(int(ev.conflict[best])).name.lower()}")
    elif blocked[int(np.argmax(ev.cosine))]:
        out.append("nearest is an opposite")
    if duplicates.unshared_blocks(new, text, float(ev.overlap[best]), settings):
        out.append("unshared_conflict")
    for name in WORD_CHECKS:
        value = getattr(duplicates, name)(new, text)
        if value is not None and value is not False:
            out.append(name)
    if duplicates.close_runner_up(new, scores, settings):
        out.append("close_runner_up")
    if duplicates.too_long_to_flag(new, text, settings):
        assert settings.flag is not None
        out.append("long:" + ",".join(duplicates.long_claim_failures(
            new, text, float(ev.margin[best]), settings.flag)))
    return out


def stage(reasons: list[str]) -> str:
    """Which stage refuses, for the summary count."""
    if "other first" in reasons:
        return "another seed ranked first"
    short = [r for r in reasons if not r.startswith("long:")]
    long = [r for r in reasons if r.startswith("long:")]
    if short:
        return "a short-path check" + (" (pair over the length limit)" if long else "")
    if long and long[0] != "long:":
        return "long path only: " + long[0][5:]
    if long:
        return "long, cheap conditions hold (flagged, or the flag model / clause match refuses)"
    return "no check fires, short (flagged, or the flag model refuses)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="held-out set files in benchmarks/data")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    embedder = StatementEmbedder(MULTILINGUAL_E5)
    settings = duplicates.duplicate_settings(MULTILINGUAL_E5)
    assert settings is not None
    stages: collections.Counter[str] = collections.Counter()
    for name in args.files:
        seeds, submissions = heldout(DATA / name)
        vectors = embedder.embed(seeds)
        for sub in (s for s in submissions if s.kind == "P"):
            assert sub.seed is not None
            cosines = (vectors @ embedder.embed([sub.text])[0]).astype(np.float64)
            reasons = refusals(sub.text, seeds, cosines, sub.seed, settings)
            stages[stage(reasons)] += 1
            print(name, "; ".join(reasons))
            if args.verbose:
                print("    new: ", sub.text, polarity(sub.text))
                print("    seed:", seeds[sub.seed], polarity(seeds[sub.seed]))
    for key, count in stages.most_common():
        print(f"| {key} | {count} |")


if __name__ == "__main__":
    main()

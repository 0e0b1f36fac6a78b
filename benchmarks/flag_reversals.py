"""What the reversal checks of the Dutch duplicate flag remove, set by set (issue 17, session 11,
dup17j): :func:`engine.details.swapped_options`, :func:`engine.polarity.swapped_directions`,
:func:`engine.details.negation_in_frame`, :func:`engine.antonyms.payer_reversal` (and the
near / far lexicon entry "vlak bij", not switched off here).

For each held-out conversation, each statement is submitted alone against its seeds (the protocol
of :func:`benchmarks.duplicates.heldout_targets`, shipped model and settings); a flag the shipped
code does not give but would give with one check switched off is a flag that check removes, and is
counted as right (a paraphrase's own seed), an opposite (an N or O line's own seed) or other. The
checks have no parameter chosen on a held-out set (``NEGATION_FRAME`` was chosen on the labelled
pairs), so the leave-one-set-out question is whether each removes only wrong flags on every set.
Then, per check, on how many labelled pairs (benchmarks.pairsets: nl, de, en, nl-legacy) it is
true, by kind.

    PYTHONPATH=. .venv/bin/python -m benchmarks.flag_reversals [--no-limit]

``--no-limit`` switches the Dutch length limit (``max_words``) off, to show what the checks
remove among the long statements too.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections import Counter
from unittest import mock

import numpy as np

from benchmarks.duplicates import BLIND_FILES, HELDOUT_FILES, flag_model_accepts
from benchmarks.pairsets import DATA, heldout, labelled_pairs
from meedenken.engine import duplicates
from meedenken.engine.antonyms import payer_reversal
from meedenken.engine.details import negation_in_frame, swapped_options
from meedenken.engine.duplicates import (
    duplicate_settings,
    evidence,
    flag_candidate,
    score,
)
from meedenken.engine.encoders import MULTILINGUAL_E5
from meedenken.engine.polarity import swapped_directions
from meedenken.engine.semantics import StatementEmbedder

FILES = (*HELDOUT_FILES, *BLIND_FILES)
CHECKS = {"swapped_options": swapped_options, "swapped_directions": swapped_directions,
          "negation_in_frame": negation_in_frame, "payer_reversal": payer_reversal}


def removed_flags(limit: bool = True) -> dict[str, Counter]:
    """Per check, the flags it removes on each held-out set: (set, 'right'|'opposite'|'other')."""
    embedder = StatementEmbedder(MULTILINGUAL_E5)
    settings = duplicate_settings(MULTILINGUAL_E5)
    assert settings is not None and settings.flag is not None
    if not limit:
        settings = dataclasses.replace(settings, flag=dataclasses.replace(settings.flag,
                                                                            max_words=None))
        assert settings.flag is not None
    out: dict[str, Counter] = {name: Counter() for name in CHECKS}
    for number, name in enumerate(FILES, 1):
        seeds, submissions = heldout(DATA / name)
        vectors = embedder.embed(seeds)
        for sub in submissions:
            cos = (vectors @ embedder.embed([sub.text])[0]).astype(np.float64)
            ev = evidence(sub.text, seeds, cos, settings.reference_cosine)
            scores, _ = score(ev, settings)
            if flag_candidate(ev, scores, settings, sub.text, seeds) is not None:
                continue
            for check in CHECKS:
                with mock.patch.object(duplicates, check, lambda a, b: False):
                    j = flag_candidate(ev, scores, settings, sub.text, seeds)
                if j is None:
                    continue
                if not flag_model_accepts(sub.text, seeds, ev, j, vectors, embedder, settings):
                    continue
                kind = ("right" if sub.kind == "P" and j == sub.seed else "opposite"
                        if sub.kind in ("N", "O") and j == sub.seed else "other")
                out[check][number, kind] += 1
                print(f"set {number} {check} removes a flag ({kind}): {sub.text} || {seeds[j]}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-limit", action="store_true", help="no Dutch length limit")
    removed = removed_flags(limit=not parser.parse_args().no_limit)
    print("\n| check | " + " | ".join(f"set {n}" for n in range(1, len(FILES) + 1))
          + " |\n|---|" + "---|" * len(FILES))
    for check, found in removed.items():
        print(f"| {check} (right/opposite/other) | " + " | ".join(
            f"{found[n, 'right']}/{found[n, 'opposite']}/{found[n, 'other']}"
            for n in range(1, len(FILES) + 1)) + " |")
    print("\n| check | " + " | ".join(("paraphrase", "opposite", "opposite_negation", "related",
                                        "unrelated")) + " |\n|---|---|---|---|---|---|")
    sets = labelled_pairs()
    for check, fn in CHECKS.items():
        true, total = Counter(), Counter()
        for pairs in sets.values():
            for p in pairs:
                kind = "paraphrase" if p.label else p.kind
                total[kind] += 1
                true[kind] += bool(fn(p.text_a, p.text_b))
        print(f"| {check} | " + " | ".join(
            f"{true[k]}/{total[k]}" for k in ("paraphrase", "opposite", "opposite_negation",
                                              "related", "unrelated")) + " |")


if __name__ == "__main__":
    main()

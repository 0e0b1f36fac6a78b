"""Limits on the Dutch duplicate flag measured on the held-out conversations (issue 17, session 10,
dup17h): the whole-statement length limit (``max_words``) against limits on the words the two
statements do not share and on the longest clause, chosen leave-one-set-out.

Each held-out set's statements are submitted alone against its seeds (the protocol of
:func:`benchmarks.duplicates.heldout_targets`) with the length limit switched off; every flag
candidate that the flag model flags is kept with what the limits read. A limit family is a
threshold on one measure; for each held-out set the threshold is the smallest that keeps >= 30% of
the paraphrases flagged on every other set (dup17g's rule), and the held-out set's figures are
printed: paraphrases flagged, flags right, opposites flagged.

    PYTHONPATH=. .venv/bin/python -m benchmarks.flag_limits
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from benchmarks.duplicates import BLIND_FILES, HELDOUT_FILES, flag_model_accepts
from benchmarks.pairsets import DATA, heldout
from meedenken.engine.duplicates import (
    duplicate_settings,
    evidence,
    flag_candidate,
    score,
    statement_words,
)
from meedenken.engine.encoders import MULTILINGUAL_E5
from meedenken.engine.lexical import (
    _stemmer,
    clause_words,
    content_stems,
    detect_language,
    unmatched_words,
)
from meedenken.engine.polarity import POLARITY_WORDS
from meedenken.engine.semantics import StatementEmbedder
from meedenken.engine.stopwords import STOP_WORDS

FILES = (*HELDOUT_FILES, *BLIND_FILES)
MIN_SHARE = 0.3


@dataclasses.dataclass(frozen=True)
class Flag:
    set: int
    right: bool
    opposite: bool
    longer: int
    unmatched: int
    longest_clause: int


def longest_clause(text: str) -> int:
    """Content words (stems, no stop or polarity words, each once) of the longest clause."""
    language = detect_language(text)
    stem = _stemmer(language).stemWord
    return max((len({stem(w) for w in clause if len(w) >= 3 and w not in STOP_WORDS
                     and w not in POLARITY_WORDS}) for clause in clause_words(text, language)),
               default=0)


def flags() -> tuple[list[Flag], dict[int, int]]:
    embedder = StatementEmbedder(MULTILINGUAL_E5)
    settings = duplicate_settings(MULTILINGUAL_E5)
    assert settings is not None and settings.flag is not None
    settings = dataclasses.replace(settings, flag=dataclasses.replace(settings.flag,
                                                                        max_words=None))
    assert settings.flag is not None
    out: list[Flag] = []
    paraphrases: dict[int, int] = {}
    for number, name in enumerate(FILES, 1):
        seeds, submissions = heldout(DATA / name)
        vectors = embedder.embed(seeds)
        paraphrases[number] = sum(s.kind == "P" for s in submissions)
        for sub in submissions:
            cos = (vectors @ embedder.embed([sub.text])[0]).astype(np.float64)
            ev = evidence(sub.text, seeds, cos, settings.reference_cosine)
            scores, _ = score(ev, settings)
            j = flag_candidate(ev, scores, settings, sub.text, seeds)
            if j is None:
                continue
            if not flag_model_accepts(sub.text, seeds, ev, j, vectors, embedder, settings):
                continue
            language = detect_language(sub.text)
            a = content_stems(sub.text, language, POLARITY_WORDS)
            b = content_stems(seeds[j], language, POLARITY_WORDS)
            out.append(Flag(
                set=number, right=sub.kind == "P" and j == sub.seed,
                opposite=sub.kind in ("N", "O") and j == sub.seed,
                longer=max(statement_words(sub.text), statement_words(seeds[j])),
                unmatched=max(len(unmatched_words(sub.text, b, language, POLARITY_WORDS)),
                              len(unmatched_words(seeds[j], a, language, POLARITY_WORDS))),
                longest_clause=max(longest_clause(sub.text), longest_clause(seeds[j]))))
    return out, paraphrases


def figures(kept: list[Flag], number: int) -> tuple[int, int, int]:
    mine = [f for f in kept if f.set == number]
    return sum(f.right for f in mine), len(mine), sum(f.opposite for f in mine)


def main() -> None:
    found, paraphrases = flags()
    measures: dict[str, Callable[[Flag], int]] = {
        "longer statement's content words": lambda f: f.longer,
        "more unmatched words of the two": lambda f: f.unmatched,
        "longest clause's content words": lambda f: f.longest_clause,
    }
    sets = sorted(paraphrases)
    print("| rule (threshold chosen) | " + " | ".join(f"set {s}" for s in sets) + " |")
    print("|---|" + "---|" * len(sets))
    for name, measure in measures.items():
        cells, chosen = [], []
        for held in sets:
            training = [s for s in sets if s != held]
            limit = next(t for t in range(1, 30) if all(
                figures([f for f in found if measure(f) <= t], s)[0]
                >= MIN_SHARE * paraphrases[s] for s in training))
            right, n, opposite = figures([f for f in found if measure(f) <= limit], held)
            chosen.append(limit)
            cells.append(f"{right}/{paraphrases[held]}, {right}/{n}, {opposite}")
        print(f"| {name} ({', '.join(map(str, chosen))}) | " + " | ".join(cells) + " |")
    fixed = [figures([f for f in found if f.longer <= 6], s) for s in sets]
    print("| longer statement, fixed 6 (dup17g) | " + " | ".join(
        f"{r}/{paraphrases[s]}, {r}/{n}, {o}" for s, (r, n, o) in zip(sets, fixed, strict=True))
        + " |")


if __name__ == "__main__":
    main()

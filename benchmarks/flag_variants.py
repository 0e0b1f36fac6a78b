"""Three unadopted variants of the Dutch duplicate flag, measured (issue 17, session 22, flag17v).

Each variant changes one condition of :func:`engine.duplicates.flag_candidate` or of the long
path (:func:`engine.duplicates.long_claim_kept`):

* ``frames``: the long path's frame condition (:func:`engine.details.same_sentence` at most
  ``long_max_frame``) read without Dutch opinion frames (:data:`OPINION_FRAMES`: "ik vind dat",
  "volgens mij", "het is belangrijk dat", "wij willen dat", ...), and passed by a pair that,
  without them, has the same content words (:func:`engine.lexical.content_stems`): a copy with
  no part changed;
* ``frames_unshared``: only the frames one side has and the other lacks are left out, and the
  pass needs the same content words (polarity words kept) in the same order;
* ``main_reading``: the long path reads the polarity of the main clauses only (a clause opening
  with a subordinating conjunction, :data:`SUBORDINATORS`, is left out, unless all are);
* ``current_contrast``: a one-sided contrast (:func:`engine.details.one_sided_contrast`) does not
  block the flag when the rejected option is the current state (:data:`CURRENT_STATE`: "nu",
  "momenteel", "zoals het nu", ...).

Each submission of the given sets is ranked against its seeds as the service does; where the
variant decides the best-ranked seed differently from the shipped rule (its cheap condition, no
encoder), the flag is computed both ways (:func:`engine.duplicates._check`, the variant patched
in) and every such pair is printed with both flags; nothing else can change.

    PYTHONPATH=. .venv/bin/python -m benchmarks.flag_variants frames heldout_nl_9.txt
"""

from __future__ import annotations

import argparse
import itertools
import re
from collections.abc import Callable
from unittest import mock

import numpy as np

from benchmarks.pairsets import DATA, heldout
from meedenken.engine import details, duplicates
from meedenken.engine.encoders import MULTILINGUAL_E5
from meedenken.engine.lexical import _stemmer, clause_words, content_stems, is_content_word, words
from meedenken.engine.polarity import POLARITY_WORDS, polarity, same_reading
from meedenken.engine.semantics import StatementEmbedder
from meedenken.engine.settings import DuplicateFlagModel

#: Dutch opinion frames: whose view or wish the claim is, not what it claims.
OPINION_FRAMES = (
    r"(ik|wij|we) (vind|vinden|denk|denken)( het (heel |erg |echt |zeer )?(belangrijk|nodig))? dat",
    r"(ik|wij|we) (vind|vinden|denk|denken)", r"(vind|vinden|denk|denken) (ik|wij|we)",
    r"(ik ben|wij zijn|we zijn) van mening dat", r"naar (mijn|onze) mening", r"mijns inziens",
    r"wat (mij|ons) betreft", r"volgens (mij|ons)", r"als je het mij vraagt",
    r"het is (heel |erg |echt |zeer )?(belangrijk|nodig|noodzakelijk|wenselijk|tijd) (dat|om)",
    r"(ik|wij|we) (wil|willen|hoop|hopen|zou graag willen|zouden graag willen)( graag)? dat",
    r"(ik|wij|we) (pleit|pleiten) ervoor dat", r"eerlijk gezegd",
)
_FRAME = re.compile(r"(?<!\w)(?:" + "|".join(OPINION_FRAMES) + r")(?!\w)")
#: Conjunctions that open a subordinate clause (reason, purpose, condition, time, concession).
_SUBORDINATING = "omdat doordat zodat want terwijl tenzij hoewel als wanneer indien zodra voordat"
SUBORDINATORS = frozenset(_SUBORDINATING.split()) | {"nadat", "om", "zolang", "aangezien"}
#: Words and phrases that name the current state.
CURRENT_STATE = (("nu",), ("momenteel",), ("tegenwoordig",), ("huidige",), ("huidig",),
                 ("thans",), ("op", "dit", "moment"), ("zoals", "het", "nu"),
                 ("vandaag", "de", "dag"))

Kept = Callable[[str, str, float, DuplicateFlagModel], bool]


def _joined(text: str) -> str:
    return " ".join(words(text.replace("'s ", " ")))


def _without(joined: str, frames: set[str]) -> str:
    for frame in frames:
        joined = re.sub(r"(?<!\w)" + re.escape(frame) + r"(?!\w)", " ", joined)
    return " ".join(joined.split())


def _long_rule(condition: str, holds: Callable[[str, str, DuplicateFlagModel], bool]) -> Kept:
    """:func:`engine.duplicates.long_claim_kept` with one of its conditions
    (:func:`engine.duplicates.long_claim_failures`: "margin", "frame", "reading") replaced by
    ``holds``; a model without the exception still keeps nothing."""
    def kept(new: str, text: str, margin: float, model: DuplicateFlagModel) -> bool:
        failing = set(duplicates.long_claim_failures(new, text, margin, model))
        return not failing - {condition} and holds(new, text, model)
    return kept


def _frame_rule(frame_pass: Callable[[str, str, float], bool]) -> Kept:
    """The long path with ``frame_pass`` for its frame condition."""
    def holds(new: str, text: str, model: DuplicateFlagModel) -> bool:
        assert model.long_max_frame is not None  # a model without the exception failed before
        return frame_pass(new, text, model.long_max_frame)
    return _long_rule("frame", holds)


def frames_pass(new: str, text: str, max_frame: float) -> bool:
    a, b = (_without(_joined(t), {m.group(0) for m in _FRAME.finditer(_joined(t))})
            for t in (new, text))
    if content_stems(a, "nl", POLARITY_WORDS) == content_stems(b, "nl", POLARITY_WORDS):
        return True
    return details.same_sentence(a, b) <= max_frame


def frames_unshared_pass(new: str, text: str, max_frame: float) -> bool:
    ja, jb = _joined(new), _joined(text)
    fa = {m.group(0) for m in _FRAME.finditer(ja)}
    fb = {m.group(0) for m in _FRAME.finditer(jb)}
    a, b = _without(ja, fa - fb), _without(jb, fb - fa)
    stem = _stemmer("nl").stemWord
    if [stem(w) for w in a.split() if is_content_word(w)] == [
            stem(w) for w in b.split() if is_content_word(w)]:
        return True
    return details.same_sentence(a, b) <= max_frame


def main_clauses(text: str) -> str:
    clauses = clause_words(text, "nl")
    main = [c for c in clauses if c[0] not in SUBORDINATORS]
    return ". ".join(" ".join(c) for c in (main or clauses))


def main_reading(new: str, text: str, model: DuplicateFlagModel) -> bool:
    """The long path's reading condition on the main clauses only."""
    return same_reading(polarity(main_clauses(new)), polarity(main_clauses(text)))


def rejected_words(text: str) -> list[str] | None:
    """The words of the option a contrasting statement rejects (as
    :func:`engine.details.contrasted_options` reads it, stop words kept)."""
    clauses = details._contrast_clauses(text, "nl")
    for index in range(len(clauses)):
        sides = details._contrast_sides(clauses, index, "nl")
        if sides is not None:
            return sides[1]
    for previous, clause in itertools.pairwise(clauses):
        if clause[0] == "niet":
            return clause[1:]
        if (clause[0] == "maar" and clause[1:2] != ["ook"] and "niet" in previous
                and "alleen" not in previous and len(clause) <= details.MAX_CORRECTION_WORDS):
            return previous[previous.index("niet") + 1:]
    return None


def current_contrast(a: str, b: str) -> bool:
    if not details.one_sided_contrast(a, b):
        return False
    rejected = rejected_words(a if details.contrasts_options(a) else b) or []
    return not any(tuple(rejected[i:i + len(p)]) == p
                   for p in CURRENT_STATE for i in range(len(rejected)))


#: Each variant: the name patched in engine.duplicates and its replacement.
VARIANTS: dict[str, tuple[str, Callable[..., bool]]] = {
    "frames": ("long_claim_kept", _frame_rule(frames_pass)),
    "frames_unshared": ("long_claim_kept", _frame_rule(frames_unshared_pass)),
    "main_reading": ("long_claim_kept", _long_rule("reading", main_reading)),
    "current_contrast": ("one_sided_contrast", current_contrast),
}


def decides_differently(name: str, new: str, seed: str,
                        settings: duplicates.DuplicateSettings) -> bool:
    """Whether the variant's cheap condition differs from the shipped one on the pair (the
    margin condition left out: both sides share it)."""
    attribute, replacement = VARIANTS[name]
    if attribute == "one_sided_contrast":
        return duplicates.one_sided_contrast(new, seed) != replacement(new, seed)
    assert settings.flag is not None
    return (duplicates.too_long_to_flag(new, seed, settings)
            and duplicates.long_claim_kept(new, seed, 1.0, settings.flag)
            != replacement(new, seed, 1.0, settings.flag))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variant", choices=sorted(VARIANTS))
    parser.add_argument("files", nargs="+", help="held-out set files in benchmarks/data")
    args = parser.parse_args(argv)
    embedder = StatementEmbedder(MULTILINGUAL_E5)
    settings = duplicates.duplicate_settings(MULTILINGUAL_E5)
    assert settings is not None
    attribute, replacement = VARIANTS[args.variant]
    changed = rechecked = 0
    for file in args.files:
        seeds, submissions = heldout(DATA / file)
        vectors = embedder.embed(seeds)
        for sub in submissions:
            cosines = (vectors @ embedder.embed([sub.text])[0]).astype(np.float64)
            ev = duplicates.evidence(sub.text, seeds, cosines, settings.reference_cosine)
            best = int(np.argmax(duplicates.score(ev, settings)[0]))
            if not decides_differently(args.variant, sub.text, seeds[best], settings):
                continue
            rechecked += 1
            flags = []
            for patched in (False, True):
                with mock.patch.object(duplicates, attribute,
                                       replacement if patched else getattr(duplicates, attribute)):
                    flags.append(duplicates._check(
                        sub.text, seeds, cosines, 3, settings, embedder.model_name,
                        vectors=vectors, embed=embedder.embed).flagged)
            changed += flags[0] != flags[1]
            print(f"{file} {sub.kind} seed {sub.seed} best {best}: "
                  f"{list(flags[0])} -> {list(flags[1])}")
            print("    new: ", sub.text)
            print("    seed:", seeds[best])
    print(f"{args.variant}: {rechecked} pairs decided differently, {changed} flags changed")


if __name__ == "__main__":
    main()

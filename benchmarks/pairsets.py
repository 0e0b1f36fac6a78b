"""The labelled statement sets of the near-duplicate benchmark (issue 17).

* ``benchmarks/data/pairs_nl.txt`` (Dutch) and ``pairs_de.txt`` (German sample): blocks of an
  anchor with paraphrases, opposites and same-topic claims, turned into labelled pairs here;
* ``tests/data/duplicate_pairs.csv``: the 90 English pairs (and 90 older Dutch pairs) of the first
  release;
* ``benchmarks/data/heldout_nl.txt``: a Dutch conversation (seeds) and statements submitted to it,
  never used for fitting.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
LEGACY_PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "duplicate_pairs.csv"

__all__ = ["DATA", "Block", "Pair", "Submission", "block_groups", "block_pairs", "heldout",
           "labelled_pairs", "legacy_pairs"]

#: The block files of the labelled sets written as blocks.
BLOCK_FILES = {"nl": "pairs_nl.txt", "de": "pairs_de.txt"}


@dataclass(frozen=True)
class Pair:
    """Two statements and whether they make the same claim."""

    pair_id: str
    language: str
    kind: str
    label: int
    text_a: str
    text_b: str


@dataclass(frozen=True)
class Submission:
    """A statement submitted to the held-out conversation."""

    kind: str  # P paraphrase, O opposite, R related, U unrelated
    seed: int | None  # index of the seed it paraphrases / opposes / is about
    text: str


@dataclass(frozen=True)
class Block:
    """One claim of a block file: its paraphrase group (anchor first), opposites (with and
    without a negation word) and same-topic claims."""

    group: tuple[str, ...]
    opposites: tuple[str, ...]
    related: tuple[str, ...]


def block_groups(name: str) -> list[Block] | None:
    """The blocks of a labelled set written as blocks (``nl``, ``de``); None for the others."""
    if name not in BLOCK_FILES:
        return None
    return [Block((b["A"][0], *b["P"]), (*b["N"], *b["O"]), tuple(b["R"]))
            for b in _blocks(DATA / BLOCK_FILES[name])]


def _blocks(path: Path) -> list[dict[str, list[str]]]:
    blocks: list[dict[str, list[str]]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        role, _, text = line.partition(": ")
        if role == "A":
            blocks.append({"A": [text], "P": [], "N": [], "O": [], "R": []})
        else:
            blocks[-1][role].append(text)
    return blocks


def block_pairs(path: Path, language: str) -> list[Pair]:
    """Labelled pairs of a block file: A-P and P-P duplicates; A-, P- opposites; A-R; A with
    the anchor of the block half the file away (unrelated)."""
    blocks = _blocks(path)
    pairs: list[Pair] = []

    def add(kind: str, label: int, a: str, b: str) -> None:
        pairs.append(Pair(f"{language}{len(pairs) + 1:03d}", language, kind, label, a, b))

    for i, block in enumerate(blocks):
        anchor = block["A"][0]
        group = [anchor, *block["P"]]
        for j, a in enumerate(group):
            for b in group[j + 1:]:
                add("paraphrase", 1, a, b)
        for kind, role in (("opposite_negation", "N"), ("opposite", "O")):
            for opposite in block[role]:
                for a in group:
                    add(kind, 0, a, opposite)
        for related in block["R"]:
            add("related", 0, anchor, related)
        other = blocks[(i + len(blocks) // 2) % len(blocks)]["A"][0]
        add("unrelated", 0, anchor, other)
    return pairs


def legacy_pairs(language: str) -> list[Pair]:
    """The first release's hand-labelled pairs of one language."""
    with LEGACY_PAIRS.open(encoding="utf-8", newline="") as handle:
        return [Pair(r["pair_id"], r["language"], r["kind"], int(r["label"]), r["text_a"],
                     r["text_b"]) for r in csv.DictReader(handle) if r["language"] == language]


def labelled_pairs() -> dict[str, list[Pair]]:
    """The pair sets by name: ``nl`` (new Dutch set), ``en`` (first release), ``de`` (sample),
    ``nl-legacy`` (the first release's Dutch pairs)."""
    return {
        "nl": block_pairs(DATA / "pairs_nl.txt", "nl"),
        "en": legacy_pairs("en"),
        "de": block_pairs(DATA / "pairs_de.txt", "de"),
        "nl-legacy": legacy_pairs("nl"),
    }


def heldout(path: Path | None = None) -> tuple[list[str], list[Submission]]:
    """The held-out conversation: its seeds and the submitted statements."""
    seeds: dict[str, int] = {}
    texts: list[str] = []
    submissions: list[Submission] = []
    for raw in (path or DATA / "heldout_nl.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        head, _, text = line.partition(": ")
        if head.startswith("S"):
            seeds[head] = len(texts)
            texts.append(text)
        else:
            kind, _, seed = head.partition(" ")
            submissions.append(Submission(kind, seeds[seed] if seed != "-" else None, text))
    return texts, submissions

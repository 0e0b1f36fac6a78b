"""Topic groups of the statements of shared Pol.is exports, with timings.

Prints, per export, the number of topics chosen by silhouette, each topic's size, keywords and
representative statement, and how long embedding and clustering took.

Usage::

    PYTHONPATH=. python benchmarks/topics.py [--shared ../shared] [EXPORT ...]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from meedenken.engine.semantics import StatementEmbedder
from meedenken.engine.topics import find_topics

DEFAULT_EXPORTS = ("15-per-hour-seattle", "brexit-consensus", "scoop-hivemind.ubi",
                   "london.youth.policing", "canadian-electoral-reform")


def statements(folder: Path) -> list[str]:
    """Texts of the statements not moderated out (Pol.is ``moderated`` = -1)."""
    with (folder / "comments.csv").open(encoding="utf-8", newline="") as handle:
        return [row["comment-body"] for row in csv.DictReader(handle) if row["moderated"] != "-1"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exports", nargs="*", default=list(DEFAULT_EXPORTS))
    parser.add_argument("--shared", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--model", default=None)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    embedder = StatementEmbedder(args.model)
    embedder.embed(["warm-up"])
    print(f"model {embedder.model_name} loaded in {time.perf_counter() - start:.1f} s\n")
    for name in args.exports:
        texts = statements(args.shared / "data" / "polis" / name)
        start = time.perf_counter()
        embeddings = embedder.embed(texts)
        embedded = time.perf_counter() - start
        start = time.perf_counter()
        result = find_topics(texts, embeddings)
        clustered = time.perf_counter() - start
        scores = ", ".join(f"{k}: {v:.3f}" for k, v in result.silhouette.items())
        print(f"## {name}: {len(texts)} statements, embedded in {embedded:.2f} s, "
              f"topics in {clustered:.2f} s; k = {result.k} (silhouette {scores})")
        for topic in result.topics:
            print(f"- topic {topic.topic_id} ({topic.size}): {', '.join(topic.keywords)} | "
                  f"{texts[topic.representative][:90]!r}")
        print()


if __name__ == "__main__":
    main()

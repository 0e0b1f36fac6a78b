"""Topic groups of the statements of shared Pol.is exports, with timings; and, with ``--labelled``,
topics of the hand-labelled Dutch and German statements against their topics (adjusted Rand
index, ARI).

Prints, per export, the number of topics chosen (with each k's silhouette excess over a shuffled
reference, engine.topics), each topic's size, keywords and
representative statement, and how long embedding and clustering took.

Usage::

    PYTHONPATH=. python benchmarks/topics.py [--shared ../shared] [--model M] [EXPORT ...]
    PYTHONPATH=. python -m benchmarks.topics --labelled [--model M]
    PYTHONPATH=. python -m benchmarks.topics --file benchmarks/audit/topics_nl.tsv [--model M]

``--labelled`` reads the pair sets' statements, on which the topic method's weights were chosen
(``engine.topics.LEXICAL_WEIGHT``): an in-sample figure. ``--file`` reads a held-out set, one
``<theme><TAB><statement>`` a line (``#`` comments), such as the audit set
``benchmarks/audit/topics_nl.tsv`` (40 Dutch statements, 5 themes; its keywords motivated the
generic-word list of engine/topic_words.py, session 8) and ``benchmarks/audit/topics_nl_2.tsv``
(49 statements, 6 themes, written and committed before any topic change was measured on it)::

    PYTHONPATH=. python -m benchmarks.topics --labelled --file benchmarks/audit/topics_nl.tsv \
        --file benchmarks/audit/topics_nl_2.tsv
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


def hand_labelled(path: Path) -> tuple[list[str], list[str]]:
    """Statements of a block file (benchmarks/data/pairs_*.txt) and their "## topic"."""
    texts: list[str] = []
    topics: list[str] = []
    topic = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("## "):
            topic = line[3:]
        elif line and not line.startswith("#"):
            texts.append(line.partition(": ")[2])
            topics.append(topic)
    return texts, topics


def themed(path: Path) -> tuple[list[str], list[str]]:
    """Statements of a ``<theme><TAB><statement>`` file and their themes."""
    texts: list[str] = []
    topics: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            theme, _, text = raw.partition("\t")
            texts.append(text.strip())
            topics.append(theme.strip())
    return texts, topics


def against_labels(embedder: StatementEmbedder, name: str, texts: list[str],
                   truth: list[str]) -> None:
    """Chosen k, ARI at it and at the hand k, and each topic's keywords and hand themes."""
    from collections import Counter

    from sklearn.metrics import adjusted_rand_score

    embeddings = embedder.embed(texts)
    auto = find_topics(texts, embeddings)
    forced = find_topics(texts, embeddings, n_topics=len(set(truth)))
    scores = ", ".join(f"{k}: {v:.3f}" for k, v in auto.silhouette.items())
    print(f"## {name}: {len(texts)} statements, {len(set(truth))} hand topics; chosen k = "
          f"{auto.k} (excess {scores}); ARI {adjusted_rand_score(truth, auto.labels):.3f}"
          f"; ARI at k = {len(set(truth))}: {adjusted_rand_score(truth, forced.labels):.3f}")
    for topic in auto.topics:
        themes = Counter(truth[i] for i in topic.statement_indices).most_common()
        print(f"- topic {topic.topic_id} ({topic.size}): {', '.join(topic.keywords)} | "
              + ", ".join(f"{t} {n}" for t, n in themes))
    print()


def labelled(embedder: StatementEmbedder) -> None:
    data = Path(__file__).resolve().parent / "data"
    for name in ("pairs_nl.txt", "pairs_de.txt"):
        texts, truth = hand_labelled(data / name)
        against_labels(embedder, f"{name} (in-sample: the method was tuned on it)", texts, truth)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exports", nargs="*", default=list(DEFAULT_EXPORTS))
    parser.add_argument("--shared", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--model", default=None)
    parser.add_argument("--labelled", action="store_true",
                        help="the hand-labelled Dutch and German statements (ARI)")
    parser.add_argument("--file", type=Path, action="append", default=[],
                        help="a held-out <theme><TAB><statement> file (ARI); repeatable")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    embedder = StatementEmbedder(args.model)
    embedder.embed(["warm-up"])
    print(f"model {embedder.model_name} loaded in {time.perf_counter() - start:.1f} s\n")
    if args.labelled or args.file:
        if args.labelled:
            labelled(embedder)
        for path in args.file:
            texts, truth = themed(path)
            against_labels(embedder, f"{path.name} (held out)", texts, truth)
        return
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
              f"topics in {clustered:.2f} s; k = {result.k} (excess {scores})")
        for topic in result.topics:
            print(f"- topic {topic.topic_id} ({topic.size}): {', '.join(topic.keywords)} | "
                  f"{texts[topic.representative][:90]!r}")
        print()


if __name__ == "__main__":
    main()

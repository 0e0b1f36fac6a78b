"""Choose and check the near-duplicate threshold on the hand-labelled pairs.

Reads ``tests/data/duplicate_pairs.csv`` (statement pairs in Dutch and English, label 1 = same
claim, 0 = different or opposite claim), scores every pair with several methods, and reports for
each:

* the threshold chosen on all pairs and its precision / recall, per language and overall;
* cross-validated precision / recall (repeated stratified k-fold: the threshold is chosen on the
  training folds, counted on the held-out fold), the honest out-of-sample figure.

Methods: ``cosine`` (embedding cosine), ``shipped`` (cosine with the opposite-polarity correction of
``engine.duplicates``), ``char_tfidf`` (character 2-4-gram TF-IDF cosine, language-agnostic) and
``shipped+tfidf`` (mean of the two).

Usage::

    PYTHONPATH=. python benchmarks/duplicates.py [--model NAME_OR_DIR] [--criterion balanced|f1]
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import RepeatedStratifiedKFold

from meedenken.engine.duplicates import DUPLICATE_THRESHOLD, duplicate_scores
from meedenken.engine.semantics import StatementEmbedder

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "duplicate_pairs.csv"
N_SPLITS = 5
N_REPEATS = 20
HIGH_PRECISION_TARGETS = (0.85, 0.9)


def load_pairs(path: Path = PAIRS) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def precision_recall(labels: np.ndarray, flagged: np.ndarray) -> tuple[float, float]:
    true_pos = int(np.sum(flagged & (labels == 1)))
    precision = true_pos / max(int(flagged.sum()), 1)
    recall = true_pos / max(int(np.sum(labels == 1)), 1)
    return precision, recall


def _criterion_value(name: str, labels: np.ndarray, flagged: np.ndarray) -> float:
    precision, recall = precision_recall(labels, flagged)
    if name == "f1":
        return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    specificity = float(np.mean(~flagged[labels == 0])) if np.any(labels == 0) else 0.0
    return (recall + specificity) / 2  # balanced accuracy (Youden's J + 1) / 2


def choose_threshold(scores: np.ndarray, labels: np.ndarray, criterion: str) -> float:
    """Threshold (a midpoint between sorted scores) maximising the criterion; ties: the highest."""
    values = np.unique(scores)
    candidates = np.concatenate([(values[:-1] + values[1:]) / 2, [values[-1] + 1e-6]])
    best, best_value = float(candidates[0]), -1.0
    for threshold in candidates:
        value = _criterion_value(criterion, labels, scores >= threshold)
        if value >= best_value:
            best, best_value = float(threshold), value
    return best


def cross_validated_flags(scores: np.ndarray, labels: np.ndarray, criterion: str,
                          seed: int = 0) -> list[np.ndarray]:
    """One out-of-fold flag vector per repeat."""
    splitter = RepeatedStratifiedKFold(n_splits=N_SPLITS, n_repeats=N_REPEATS, random_state=seed)
    repeats: list[np.ndarray] = []
    flags = np.zeros(labels.shape, dtype=bool)
    for fold, (train, test) in enumerate(splitter.split(scores.reshape(-1, 1), labels)):
        threshold = choose_threshold(scores[train], labels[train], criterion)
        flags[test] = scores[test] >= threshold
        if (fold + 1) % N_SPLITS == 0:
            repeats.append(flags.copy())
    return repeats


def method_scores(pairs: list[dict[str, str]], embedder: StatementEmbedder
                  ) -> dict[str, np.ndarray]:
    texts_a = [p["text_a"] for p in pairs]
    texts_b = [p["text_b"] for p in pairs]
    emb_a, emb_b = embedder.embed(texts_a), embedder.embed(texts_b)
    cosine = np.sum(emb_a * emb_b, axis=1).astype(np.float64)
    shipped = np.array([duplicate_scores(a, np.array([c]), [b])[0][0]
                        for a, b, c in zip(texts_a, texts_b, cosine, strict=True)])
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    vectorizer.fit(texts_a + texts_b)
    tfidf = np.asarray(vectorizer.transform(texts_a).multiply(vectorizer.transform(texts_b))
                       .sum(axis=1)).ravel()
    return {"cosine": cosine, "shipped": shipped, "char_tfidf": tfidf,
            "shipped+tfidf": (shipped + tfidf) / 2}


def report(pairs: list[dict[str, str]], scores: dict[str, np.ndarray], criterion: str,
           out: Callable[[str], None] = print) -> dict[str, float]:
    labels = np.array([int(p["label"]) for p in pairs])
    language = np.array([p["language"] for p in pairs])
    subsets = {"nl": language == "nl", "en": language == "en", "all": np.ones(len(pairs), bool)}
    chosen: dict[str, float] = {}
    out(f"{len(pairs)} pairs ({int(labels.sum())} duplicates); criterion: {criterion}; "
        f"CV {N_REPEATS}x{N_SPLITS}-fold\n")
    out("| method | threshold (all pairs) | lang | P at it | R at it | CV P | CV R |")
    out("|---|---|---|---|---|---|---|")
    for name, s in scores.items():
        threshold = choose_threshold(s, labels, criterion)
        chosen[name] = threshold
        repeats = cross_validated_flags(s, labels, criterion)
        for lang, mask in subsets.items():
            p, r = precision_recall(labels[mask], s[mask] >= threshold)
            cv = np.array([precision_recall(labels[mask], f[mask]) for f in repeats])
            out(f"| {name} | {threshold:.3f} | {lang} | {p:.2f} | {r:.2f} | "
                f"{cv[:, 0].mean():.2f} | {cv[:, 1].mean():.2f} |")
    shipped = scores["shipped"]
    out("\nHigh-precision operating points of 'shipped' (all pairs, in-sample):")
    for target in HIGH_PRECISION_TARGETS:
        for threshold in np.sort(np.unique(shipped)):
            p, r = precision_recall(labels, shipped >= threshold)
            if p >= target:
                out(f"  precision >= {target}: threshold {threshold:.3f}, P {p:.2f}, R {r:.2f}")
                break
    out(f"\nShipped DUPLICATE_THRESHOLD = {DUPLICATE_THRESHOLD}:")
    for lang, mask in subsets.items():
        p, r = precision_recall(labels[mask], shipped[mask] >= DUPLICATE_THRESHOLD)
        out(f"  {lang}: precision {p:.3f}, recall {r:.3f}")
    return chosen


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None,
                        help="model name or directory (default: $MEEDENKEN_EMBEDDING_MODEL, "
                        "else all-MiniLM-L6-v2)")
    parser.add_argument("--criterion", choices=("balanced", "f1"), default="balanced")
    args = parser.parse_args(argv)
    pairs = load_pairs()
    embedder = StatementEmbedder(args.model)
    print(f"model: {embedder.model_name}")
    report(pairs, method_scores(pairs, embedder), args.criterion)


if __name__ == "__main__":
    main()

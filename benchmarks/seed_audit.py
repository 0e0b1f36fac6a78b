"""Issue 15, item 1, as an examiner checks it: ``meedenken analyze``'s own reading path (CSV
exports and Pol.is API JSON folders alike) at seeds 0-9, default settings, on every folder of
``shared/data/polis`` and ``shared/data/polis-math``, and on three synthetic rooms; the smallest
adjusted Rand index over the 45 pairs of seeds (participants grouped by both), and every
(k, group sizes) seen.

The published groups are seed-free by construction (``GroupingSettings.random_state``); this
checks that nothing on the way (reading, PCA signs, base clusters) lets ``--seed`` back in.
:mod:`benchmarks.groups` part (a) varies the grouping's own seed as well.

Run: ``python -m benchmarks.seed_audit`` (about 4 minutes on a quiet 2-core machine).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import numpy as np
from sklearn.metrics import adjusted_rand_score

from benchmarks.common import data_dir, markdown_table
from meedenken.engine import AnalysisSettings, VoteMatrix, analyze
from meedenken.engine.synthetic import continuous_conversation, synthetic_conversation

SEEDS = range(10)


def rooms() -> Iterator[tuple[str, VoteMatrix]]:
    """Every shared export (moderated-out statements left out) and three synthetic rooms."""
    from meedenken.models.polis_api import read_conversation

    polis = data_dir()
    for folder in [*sorted(polis.iterdir()), *sorted((polis.parent / "polis-math").iterdir())]:
        if folder.is_dir():
            yield folder.name, read_conversation(folder).to_matrix(exclude_moderated=True)
    yield "planted 50/30/20, 600 x 120, 15%", synthetic_conversation(
        600, 120, density=0.15, group_shares=(0.5, 0.3, 0.2), random_state=11).matrix
    yield "planted 90/10, 500 x 100, 20%", synthetic_conversation(
        500, 100, density=0.2, group_shares=(0.9, 0.1), random_state=12).matrix
    yield "continuous cloud, 600 x 120, 15%", continuous_conversation(
        600, 120, density=0.15, random_state=13)


def pair_aris(labels: list[np.ndarray]) -> list[float]:
    """ARI of every pair of groupings, on the participants both put in a group."""
    aris = []
    for a, b in itertools.combinations(range(len(labels)), 2):
        both = (labels[a] >= 0) & (labels[b] >= 0)
        aris.append(adjusted_rand_score(labels[a][both], labels[b][both]))
    return aris


def main() -> None:
    rows = []
    for name, matrix in rooms():
        start = time.perf_counter()
        labels, seen = [], set()
        for seed in SEEDS:
            found = analyze(matrix, AnalysisSettings(), random_state=seed).clustering.labels
            labels.append(found)
            seen.add(tuple(np.bincount(found[found >= 0]).tolist()))
        aris = pair_aris(labels)
        rows.append((name, f"{min(aris):.3f}",
                     "; ".join(f"k = {len(s)}: {', '.join(map(str, s))}" for s in sorted(seen)),
                     f"{time.perf_counter() - start:.0f}"))
        print(rows[-1], flush=True)
    print(markdown_table(("room", "min ARI, 45 seed pairs", "groups seen", "seconds"), rows))


if __name__ == "__main__":
    main()

"""What-if for the two exports that ended in 2017: Pol.is's algorithm of the time, meta restored.

brexit-consensus and scoop-hivemind.ubi received their last votes in July and August 2017. The
groups their exports record were computed then, and Pol.is's math changed afterwards
(``delphi/docs/MATH_ALGORITHM_HISTORY.md`` of compdemocracy/polis): until 2017-10-21 a missing
vote was filled with **0**, not with the column mean, before the PCA. Their exports also lost the
``is-meta`` flags, and in 2017 comments were routed at random, so
:func:`models.polis_export.infer_meta_comments` cannot recover them from the vote order.

This diagnostic rebuilds the map both ways (column-mean fill as today, zero fill as in 2017), with
and without treating the statements that describe the participant (who they are or what they did,
listed below with their texts) as meta, as the 2018-and-later exports of the same kind show
facilitators did (london.youth.policing, scoop-hivemind.biodiversity: their recovered meta
statements are exactly such self-descriptions). The rest is Pol.is's pipeline as the engine runs
it: moderated-out and meta columns zeroed and counted as voted, the sqrt(n_statements / n_voted)
projection, Pol.is's base clusters and groups (cold start, k forced), on the participants the
export grouped. Reported: the ARI with the export's group-id and the map ceiling (nearest
centroid of Pol.is's groups on that map).

The self-description lists are read from the comment texts, not from the data: they cannot be
confirmed from these exports, so the engine's fidelity figures do not use them. They show where
the remaining gap on these two exports most likely comes from.

Run: ``python -m benchmarks.fidelity_era``.
"""

from __future__ import annotations

import argparse
from collections.abc import Hashable, Sequence

import numpy as np

from meedenken.engine import clustering as cl
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.settings import POLIS

from .common import adjusted_rand, load_export, markdown_table
from .fidelity_diagnostics import nearest_centroid

__all__ = ["SELF_DESCRIPTIONS", "era_row", "report"]

#: Statements that describe the participant rather than state an opinion (by their text).
SELF_DESCRIPTIONS: dict[str, dict[int, str]] = {
    "brexit-consensus": {
        0: "I voted to Leave.",
        1: "I voted to Remain.",
        3: "I've changed my mind about my vote since the referendum.",
        10: "I consider myself working class.",
        11: "I consider myself middle class.",
        15: "I can speak a European language.",
    },
    "scoop-hivemind.ubi": {
        32: "I am 55 years of age or older",
        33: "I am 30 years of age or older but less than 55",
        34: "I am under 30 years of age",
        35: "I live in a rural area",
        36: "I live in a town",
        37: "I live in a city",
        38: "I am receiving or have received some form of WINZ allowance",
        39: "I am male",
        40: "I am Female",
        41: "I am currently working",
        42: "I am self employed or own a business",
    },
}


def era_map(matrix: VoteMatrix, meta: Sequence[Hashable], zero_fill: bool) -> np.ndarray:
    """Pol.is's 2-D positions of every participant (rows of ``matrix``).

    Dense: these exports are a few hundred participants. Columns without votes are dropped;
    moderated-out and ``meta`` columns are set to 0 for everyone and count as voted.
    """
    X = matrix.X.toarray().astype(np.float64)
    pattern = matrix.X.tocsr(copy=True)
    pattern.data[:] = 1  # stored passes are zeros: mark every stored vote
    voted = pattern.toarray().astype(bool)
    off = ~matrix.active.copy()
    ids = list(matrix.statement_ids)
    for sid in meta:
        off[ids.index(sid)] = True
    used = voted.any(axis=0)
    X, voted, off = X[:, used], voted[:, used], off[used]
    X[:, off] = 0.0
    voted[:, off] = True
    if zero_fill:
        filled = X
    else:
        means = X.sum(axis=0) / np.maximum(voted.sum(axis=0), 1)
        filled = np.where(voted, X, means)
    center = filled.mean(axis=0)
    _, _, vt = np.linalg.svd(filled - center, full_matrices=False)
    raw = ((X - center) * voted) @ vt[:2].T
    return raw * np.sqrt(X.shape[1] / np.maximum(voted.sum(axis=1), 1))[:, None]


def era_row(name: str, *, zero_fill: bool, with_meta: bool) -> tuple[object, ...]:
    """One table row: the export, the variant, the ARI and the map ceiling."""
    exp = load_export(name)
    meta = tuple(SELF_DESCRIPTIONS[name]) if with_meta else ()
    matrix = exp.to_matrix()
    points = era_map(matrix, exp.meta + meta, zero_fill)
    pids = matrix.participant_ids
    ref = exp.polis_groups
    rows = np.array([i for i, p in enumerate(pids) if p in ref])
    base, centers, _ = cl.polis_base_clusters(
        points[rows], k=POLIS.base_k, max_iter=POLIS.base_iterations
    )
    sizes = np.bincount(base, minlength=len(centers)).astype(np.float64)
    groups, _, _ = cl.polis_group_clusters(
        centers, sizes, exp.polis_k, max_iter=POLIS.group_iterations
    )
    ours = {pids[r]: int(g) for r, g in zip(rows.tolist(), groups[base], strict=True)}
    truth = np.array([ref[pids[r]] for r in rows])
    labels = np.unique(truth)
    _, nearest = nearest_centroid(points[rows], truth)
    closest = {pids[r]: int(labels[g]) for r, g in zip(rows, nearest, strict=True)}
    ceiling = adjusted_rand(ref, closest)
    return (
        name,
        "zero (2017)" if zero_fill else "column mean (today)",
        f"{len(meta)} self-descriptions" if with_meta else "none",
        adjusted_rand(ref, ours),
        ceiling,
    )


def report(names: Sequence[str] = tuple(SELF_DESCRIPTIONS)) -> str:
    rows = [
        era_row(name, zero_fill=zero, with_meta=meta)
        for name in names
        for zero in (False, True)
        for meta in (False, True)
    ]
    return markdown_table(
        ["export", "missing-vote fill", "extra meta", "ARI", "map ceiling"], rows
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    print(report())


if __name__ == "__main__":
    main()

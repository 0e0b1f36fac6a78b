"""Choosing the number of opinion groups k among candidate groupings of the base clusters.

Two strategies, one per mode: Pol.is scores each k by the silhouette of the base-cluster centres
(:func:`silhouette_k`); the default mode by how well each grouping predicts held-out votes
(:func:`cross_validated_k`), keeping the smallest k within one standard error of the best.
The k smoother that follows both is :func:`engine.clustering.smooth_k`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import pairwise_distances_argmin

from .clustering import silhouette
from .latent_class import concatenated_ranges, vote_log_loss
from .pca import votes_per_row
from .result import OpinionMap

__all__ = [
    "cross_validated_k",
    "held_out_losses",
    "one_standard_error_k",
    "paired_participant_z",
    "silhouette_k",
]

#: Default mode: votes sampled for the cross-validated choice of k.
CV_MAX_VOTES = 1_000_000

#: Candidate groupings: k -> (group per base cluster, group centres).
Fits = dict[int, tuple[np.ndarray, np.ndarray]]


def silhouette_k(base_centers: np.ndarray, fits: Fits) -> tuple[dict[int, float], int]:
    """Pol.is: the k with the best silhouette on the base centres; ties go to the larger k."""
    scores = {k: silhouette(base_centers, fits[k][0]) for k in fits}
    best = max(scores.values())
    return scores, max(k for k, v in scores.items() if v == best)


def _held_out_sample(
    X: sp.csr_matrix,
    members: np.ndarray,
    active: np.ndarray,
    rng: np.random.Generator,
    max_votes: int = CV_MAX_VOTES,
    n_active: np.ndarray | None = None,
) -> np.ndarray:
    """Indices of the stored votes scored: members' votes on active statements, at most
    ``max_votes`` (whole participants are kept, so their positions stay honest); in stored
    order (read by row ranges, so a million participants' 50M votes are not scanned for a
    sample of them). ``n_active``: :func:`engine.pca.votes_per_row`, where already counted."""
    if n_active is None:
        n_active = votes_per_row(X, active)
    total = int(n_active[members].sum())
    chosen = members
    if total > max_votes:
        chosen = rng.choice(members, max(1, int(len(members) * max_votes / total)), replace=False)
    chosen = np.sort(chosen)
    entries = concatenated_ranges(X.indptr[chosen], np.diff(X.indptr)[chosen])
    return entries[active[X.indices[entries]]]


def cross_validated_k(
    X: sp.csr_matrix,
    rows: np.ndarray,
    members: np.ndarray,
    omap: OpinionMap,
    fits: Fits,
    active: np.ndarray,
    *,
    scale_columns: int,
    extra_voted: int,
    n_folds: int,
    rng: np.random.Generator,
) -> tuple[dict[int, float], int]:
    """Default k choice: minus the cross-validated log-loss of each candidate grouping.

    Votes are split into folds. For each fold, every participant is placed on the map using only
    their *other* votes and joins the nearest group centre of the candidate grouping; the held-out
    votes are then predicted by that group's agree rate on the training votes. Placing people
    without their held-out votes keeps the score honest: more groups win only if they predict
    votes nobody used to form them. Returns (score per k, the k chosen by
    :func:`one_standard_error_k`).
    """
    _, losses = held_out_losses(
        X,
        rows,
        members,
        omap,
        fits,
        active,
        scale_columns=scale_columns,
        extra_voted=extra_voted,
        n_folds=n_folds,
        rng=rng,
    )
    scores = {k: -float(loss.mean()) if len(loss) else 0.0 for k, loss in losses.items()}
    return scores, one_standard_error_k(losses)


def held_out_losses(
    X: sp.csr_matrix,
    rows: np.ndarray,
    members: np.ndarray,
    omap: OpinionMap,
    fits: Fits,
    active: np.ndarray,
    *,
    scale_columns: int,
    extra_voted: int,
    n_folds: int,
    rng: np.random.Generator,
    max_votes: int = CV_MAX_VOTES,
    n_active: np.ndarray | None = None,
) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Cross-validated log-loss of each held-out vote under each grouping in ``fits``.

    Returns (the participant row of each scored vote, k -> (n_scored,) log-loss); see
    :func:`cross_validated_k` for how a vote is predicted without being seen. At most
    ``max_votes`` votes are scored (whole participants sampled beyond). ``n_active``:
    :func:`engine.pca.votes_per_row`, where already counted.
    """
    n_s = X.shape[1]
    entries = _held_out_sample(X, members, active, rng, max_votes, n_active)
    r, c = rows[entries], X.indices[entries].astype(np.int64)
    xc = X.data[entries].astype(np.float64) - omap.center[c]
    agree = (X.data[entries] > 0).astype(np.float64)
    folds = rng.integers(n_folds, size=len(entries))
    comps = omap.components[:2]
    losses = {k: np.zeros(len(entries)) for k in fits}
    # Positions of the scored participants only (numbered 0..; at a million participants,
    # the others' empty positions and nearest centres cost seconds per fold).
    scored, rs = np.unique(r, return_inverse=True)
    n_scored = len(scored)
    for f in range(n_folds):
        train, test = folds != f, folds == f
        n_voted = np.bincount(rs[train], minlength=n_scored) + extra_voted
        scale = np.sqrt(scale_columns / np.maximum(n_voted, 1))
        pos = np.column_stack(
            [
                np.bincount(rs[train], weights=xc[train] * comps[i, c[train]],
                            minlength=n_scored) * scale
                for i in range(comps.shape[0])
            ]
        )
        for k, (_, centers) in fits.items():
            group = pairwise_distances_argmin(pos, centers[:, : pos.shape[1]])
            key = group[rs] * n_s + c
            a = np.bincount(key[train], weights=agree[train], minlength=k * n_s)
            s = np.bincount(key[train], minlength=k * n_s)
            p = (a[key[test]] + 1.0) / (s[key[test]] + 2.0)
            losses[k][test] = vote_log_loss(agree[test], p)
    return r, losses


def paired_participant_z(rows: np.ndarray, loss_a: np.ndarray, loss_b: np.ndarray) -> float:
    """One-sided paired z of "b predicts held-out votes better than a", per participant.

    Each participant's mean held-out log-loss difference (a minus b) is one observation (votes
    of one participant are not independent); z = mean / standard error over participants.
    Returns 0 when fewer than two participants were scored or every difference is equal.

    Examples
    --------
    >>> rows = np.array([0, 0, 1, 2])
    >>> round(paired_participant_z(rows, np.array([1.0, 1.0, 1.0, 1.2]),
    ...                            np.array([0.5, 0.7, 0.6, 0.7])), 2)
    13.0
    """
    if len(rows) == 0:
        return 0.0
    n = int(rows.max()) + 1
    count = np.bincount(rows, minlength=n)
    scored = count > 0
    diff = np.bincount(rows, weights=loss_a - loss_b, minlength=n)[scored] / count[scored]
    if len(diff) < 2:
        return 0.0
    se = float(diff.std(ddof=1)) / np.sqrt(len(diff))
    return float(diff.mean() / se) if se > 0 else 0.0


def one_standard_error_k(losses: dict[int, np.ndarray]) -> int:
    """The smallest k whose held-out loss is within one standard error of the best k's.

    The standard error is that of the per-vote difference to the best k (paired, so it is
    small when both groupings predict the same votes equally). More groups must earn their
    place by predicting clearly better, not by noise.

    Examples
    --------
    >>> one_standard_error_k({2: np.array([0.5, 0.7]), 3: np.array([0.5, 0.69])})
    2
    """
    best = min(losses, key=lambda k: (float(losses[k].mean()) if len(losses[k]) else 0.0, k))
    for k in sorted(losses):
        diff = losses[k] - losses[best]
        if len(diff) < 2:
            return k
        if diff.mean() <= diff.std(ddof=1) / np.sqrt(len(diff)):
            return k
    return best

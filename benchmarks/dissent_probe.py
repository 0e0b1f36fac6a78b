"""Issue 16 probe: can a statement's group-rejection be seen *without recovered groups*?

An experiment, not an engine change. On rooms where the planted groups are barely recoverable
from the votes (``benchmarks.independent_rooms``' default and mild families: the engine mostly
finds k = 1), the common-ground list puts statements that a whole planted minority rejects in
its top 10. This module measures per-statement statistics that need no groups, each as

* a **ranking** among statements with at least ``MIN_SIDES`` agree/disagree votes (higher =
  more common ground), and
* a **veto** added to the engine's list: the first 10 entries of
  ``analyze(m, random_state=seed).bridging.listed_order()`` that the statistic does not flag,

against the planted truth (precision@10 against planted common ground, group-rejected
statements in the top 10), paired with the engine's own list per seed, plus the AUC with which
the statistic separates planted common ground from *popular* group-rejected statements (some
planted group below 1/2, yet >= 0.6 agree among all sides taken: the ones a level cannot see).

Statistics (all from the votes only; agree = 1, disagree = -1, pass = 0):

``cell_min``   (a) lowest shrunk agree rate over k-means cells (``CELLS``) of a
               ``DIMS``-dimensional truncated SVD of the row-normalised, column-centred votes;
               a cell's rate is (agree + m p) / (sides + m), p the statement's overall rate,
               m = ``SHRINK``; cells with fewer than 3 sides on the statement are ignored.
``cell_dev``   (a) heterogeneity over the same cells: binomial deviance G^2 against the pooled
               rate, as (G^2 - df) / sqrt(2 df) (a z; high = heterogeneous); veto only.
``knn_p10``    (a) k-nearest-neighbour smoothing: each active participant's ``KNN`` nearest
               neighbours on the map (own row excluded) give a shrunk agree rate on the
               statement; the statistic is the 10th percentile over participants.
``pred_p10``   (b) cross-fitted low-rank prediction: statements in ``FOLDS`` folds; for a fold,
               the map is fitted without its statements, and each statement's agree-vs-disagree
               is a ridge logistic regression (L2 1) on (map coordinates, leniency on the other
               folds); the statistic is the 10th percentile of the predicted agree over active
               participants (``pred_low``: minus the share predicted below 1/2, veto form).
``codissent``  (c) whether the disagreers of s dissent specifically from *popular* statements
               (residual vote on other statements with agree >= 0.6, minus the residual on the
               rest, so a participant's general leniency cancels) more than its agreers do,
               as a z against label permutations among the voters of s (their analytic sd)
               (high = a coherent dissenting subgroup); veto only.

Run (seeds 0-9 of the default family were used to design and set the veto thresholds; report on
100-119 and on the project's own target rooms)::

    PYTHONPATH=. .venv/bin/python -m benchmarks.dissent_probe --seeds 20 --first-seed 100
    PYTHONPATH=. .venv/bin/python -m benchmarks.dissent_probe --seeds 10 --first-seed 0 \\
        --scenarios "70/20/10 veto any"
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import NearestNeighbors

from benchmarks.bridging import COMMON_KINDS, paired, t_interval
from benchmarks.common import markdown_table
from benchmarks.independent_rooms import SCENARIOS, planted_room
from meedenken.engine import analyze
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.synthetic import synthetic_conversation

__all__ = ["VETO", "Probe", "co_dissent", "probe_statistics", "relative_to_room", "room_probe"]

TOP = 10
MIN_SIDES = 30
DIMS = 4
CELLS = 8
SHRINK = 10.0
KNN = 50
FOLDS = 5
POPULAR = 0.6
#: Veto thresholds (chosen on seeds 0-9 of "70/20/10 veto any" only): a statement is flagged
#: when the statistic is on the wrong side of the threshold.
VETO: dict[str, tuple[str, float]] = {
    "cell_min": ("<", 0.5),
    "cell_dev": (">", 3.0),
    "knn_p10": ("<", 0.5),
    "pred_p10": ("<", 0.4),
    "pred_low": ("<", -0.15),
    "codissent": (">", 3.0),
}
#: Statistics that are also a ranking (a level of support that reads the neighbourhoods).
RANKINGS = ("cell_min", "knn_p10", "pred_p10")
OWN_TARGET = {"own: 3 groups 70/20/10": (0.7, 0.2, 0.1),
              "own: 4 groups 50/25/15/10": (0.5, 0.25, 0.15, 0.1)}


@dataclass(frozen=True)
class Probe:
    """Per-statement statistics of one vote matrix (index = column)."""

    agree: np.ndarray
    sides: np.ndarray
    stats: dict[str, np.ndarray]

    @property
    def rate(self) -> np.ndarray:
        return np.where(self.sides > 0, self.agree / np.maximum(self.sides, 1), 0.5)

    def flagged(self, name: str) -> np.ndarray:
        """Statements the statistic ``name`` vetoes (NaN: not flagged)."""
        op, level = VETO[name]
        v = self.stats[name]
        with np.errstate(invalid="ignore"):
            out = v < level if op == "<" else v > level
        return np.where(np.isnan(v), False, out)


def _map(Y: sp.csr_matrix, dims: int, seed: int) -> np.ndarray:
    """Participants' coordinates: truncated SVD of the column-centred (on stored votes), row
    normalised (1 / sqrt(votes)) vote matrix."""
    Y = Y.tocsc(copy=True).astype(float)
    counts = np.diff(Y.indptr)
    sums = np.asarray(Y.sum(axis=0)).ravel()
    means = np.where(counts > 0, sums / np.maximum(counts, 1), 0.0)
    Y.data -= np.repeat(means, counts)
    Y = Y.tocsr()
    rows = np.diff(Y.indptr)
    Y = sp.diags(1.0 / np.sqrt(np.maximum(rows, 1))) @ Y
    d = min(dims, Y.shape[1] - 1, Y.shape[0] - 1)
    return TruncatedSVD(d, random_state=seed).fit_transform(Y)


def _ridge_logistic(x: np.ndarray, y: np.ndarray, lam: float = 1.0,
                    steps: int = 25) -> np.ndarray:
    """Intercept and weights of an L2-penalised (``lam``, intercept free) logistic regression by
    Newton steps (what sklearn's ``LogisticRegression(C=1/lam)`` fits, ~50x faster here)."""
    xa = np.column_stack([np.ones(len(x)), x])
    pen = np.full(xa.shape[1], lam)
    pen[0] = 0.0
    w = np.zeros(xa.shape[1])
    for _ in range(steps):
        p = expit(xa @ w)
        grad = xa.T @ (p - y) + pen * w
        hess = (xa * (p * (1 - p))[:, None]).T @ xa + np.diag(pen) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def _cell_stats(agree: sp.csr_matrix, disagree: sp.csr_matrix, labels: np.ndarray,
                n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    onehot = sp.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))),
                           shape=(n_cells, len(labels)))
    a = np.asarray((onehot @ agree).todense())
    d = np.asarray((onehot @ disagree).todense())
    n = a + d
    p = a.sum(0) / np.maximum(n.sum(0), 1)
    shrunk = (a + SHRINK * p) / (n + SHRINK)
    cell_min = np.where(n >= 3, shrunk, np.inf).min(axis=0)
    cell_min = np.where(np.isfinite(cell_min), cell_min, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ea, ed = n * p, n * (1 - p)
        g2 = 2 * (np.where(a > 0, a * np.log(a / ea), 0) + np.where(d > 0, d * np.log(d / ed), 0))
    g2 = np.nan_to_num(g2).sum(axis=0)
    df = np.maximum((n >= 1).sum(axis=0) - 1, 1)
    return cell_min, (g2 - df) / np.sqrt(2 * df)


def probe_statistics(X: sp.spmatrix, seed: int = 0, sample: int = 20_000,
                     which: Sequence[str] = ("cell", "knn", "pred", "codissent")) -> Probe:
    """All statistics of the votes ``X`` (participants x statements; 1 / -1 / stored 0 = pass).

    Participants with fewer than 3 votes are left out; above ``sample`` active participants a
    uniform sample of that many is used (the statistics are shares and percentiles)."""
    rng = np.random.default_rng(seed)
    X = sp.csr_matrix(X)
    active = np.flatnonzero(np.diff(X.indptr) >= 3)
    if len(active) > sample:
        active = np.sort(rng.choice(active, sample, replace=False))
    X = X[active]
    agree = (X == 1).astype(float).tocsr()
    disagree = (X == -1).astype(float).tocsr()
    a_tot = np.asarray(agree.sum(0)).ravel()
    s_tot = a_tot + np.asarray(disagree.sum(0)).ravel()
    n_st = X.shape[1]
    stats: dict[str, np.ndarray] = {}
    Y = (agree - disagree).tocsr()
    if "cell" in which or "knn" in which:
        emb = _map(Y, DIMS, seed)
        if "cell" in which:
            labels = KMeans(CELLS, n_init=4, random_state=seed).fit_predict(emb)
            stats["cell_min"], stats["cell_dev"] = _cell_stats(agree, disagree, labels, CELLS)
        if "knn" in which:
            k = min(KNN, len(active) - 1)
            nn = NearestNeighbors(n_neighbors=k + 1).fit(emb)
            idx = nn.kneighbors(emb, return_distance=False)[:, 1:]
            W = sp.csr_matrix((np.ones(idx.size), (np.repeat(np.arange(len(idx)), k),
                                                    idx.ravel())), shape=(len(idx), len(idx)))
            na = np.asarray((W @ agree).todense())
            nd = np.asarray((W @ disagree).todense())
            p = a_tot / np.maximum(s_tot, 1)
            smooth = (na + SHRINK * p) / (na + nd + SHRINK)
            stats["knn_p10"] = np.percentile(smooth, 10, axis=0)
    if "pred" in which:
        fold = rng.permutation(n_st) % FOLDS
        p10 = np.full(n_st, np.nan)
        low = np.full(n_st, np.nan)
        csc_a, csc_d = agree.tocsc(), disagree.tocsc()
        for f in range(FOLDS):
            keep = (fold != f).astype(float)
            Yf = (Y @ sp.diags(keep)).tocsr()
            emb = _map(Yf, DIMS, seed)
            n_other = np.asarray((abs(Yf)).sum(1)).ravel()
            len_other = np.asarray(Yf.sum(1)).ravel() / np.maximum(n_other, 1)
            feats = np.column_stack([emb / (emb.std(0) + 1e-9), len_other])
            for s in np.flatnonzero(fold == f):
                ia = csc_a[:, s].indices
                idd = csc_d[:, s].indices
                if len(ia) + len(idd) < MIN_SIDES or len(ia) == 0 or len(idd) == 0:
                    continue
                xs = np.vstack([feats[ia], feats[idd]])
                ys = np.r_[np.ones(len(ia)), np.zeros(len(idd))]
                w = _ridge_logistic(xs, ys)
                pr = expit(feats @ w[1:] + w[0])
                p10[s] = np.percentile(pr, 10)
                low[s] = -float((pr < 0.5).mean())
        stats["pred_p10"], stats["pred_low"] = p10, low
    if "codissent" in which:
        stats["codissent"] = _codissent(agree, disagree)
    return Probe(a_tot, s_tot, stats)


def _codissent(agree: sp.csr_matrix, disagree: sp.csr_matrix) -> np.ndarray:
    """(c) on the agree and disagree votes: :func:`co_dissent` of agree - disagree."""
    return co_dissent((agree - disagree).tocsr())


def co_dissent(X: sp.spmatrix) -> np.ndarray:
    """(n_statements,) co-dissent z per statement (NaN: fewer than ``MIN_SIDES`` sides, or fewer
    than 3 agreers or disagreers whose contrast is known).

    ``X``: votes (participants x statements; agree 1, disagree -1, pass a stored 0; passes are
    not sides and count nowhere). Per vote of participant i on statement s, i's *contrast* is
    the mean residual (agree 1 / disagree 0 minus the statement's agree share among sides) over
    the popular statements (share >= ``POPULAR``) minus that over the others, both without s
    (known with at least 2 of each). The z is (agreers' mean contrast - disagreers') / (pooled
    sd x sqrt(1/n_agree + 1/n_disagree)): the label-permutation null's mean 0 and sd. High =
    the dissenters of s are the room's habitual dissenters from what is popular. O(votes): one
    pass over the nonzeros grouped with ``np.bincount`` (session 12's vectorised form of
    session 11's loop over statements; the same numbers to 4e-15, 6x faster).

    Examples
    --------
    1,000 participants, the last 200 a minority that rejects statements 0-3 (which the others
    support, 80%); everyone supports 4-6 (80%) and dislikes 7-9 (30%):

    >>> rng = np.random.default_rng(0)
    >>> p = np.tile([0.8] * 7 + [0.3] * 3, (1000, 1))
    >>> p[800:, :4] = 0.15
    >>> z = co_dissent(sp.csr_matrix(np.where(rng.random(p.shape) < p, 1, -1)))
    >>> z.round(1).tolist()
    [6.3, 7.1, 6.7, 5.7, 1.0, -0.6, -1.2, -1.4, 0.2, -3.3]
    """
    X = sp.csr_matrix(X)
    X.sum_duplicates()
    n_p, n_s = X.shape
    rows = np.repeat(np.arange(n_p), np.diff(X.indptr))
    side = X.data != 0
    rows, cols, y = rows[side], X.indices[side], (X.data[side] > 0).astype(np.float64)
    sides = np.bincount(cols, minlength=n_s).astype(np.float64)
    agree = np.bincount(cols, weights=y, minlength=n_s)
    p = agree / np.maximum(sides, 1.0)
    pop = (p >= POPULAR)[cols]
    resid = y - p[cols]
    on_pop, on_oth = np.where(pop, resid, 0.0), np.where(pop, 0.0, resid)
    r_pop = np.bincount(rows, weights=on_pop, minlength=n_p)
    n_pop = np.bincount(rows, weights=pop.astype(np.float64), minlength=n_p)
    r_oth = np.bincount(rows, weights=on_oth, minlength=n_p)
    n_oth = np.bincount(rows, weights=(~pop).astype(np.float64), minlength=n_p)
    # each vote's contrast with the statement itself left out
    rp, np_ = r_pop[rows] - on_pop, n_pop[rows] - pop
    ro, no = r_oth[rows] - on_oth, n_oth[rows] - ~pop
    ok = (np_ >= 2) & (no >= 2)
    c = np.where(ok, rp / np.maximum(np_, 1) - ro / np.maximum(no, 1), 0.0)
    is_agree, is_dis = ok & (y > 0), ok & (y == 0)

    def per_statement(weights: np.ndarray) -> np.ndarray:
        return np.bincount(cols, weights=weights, minlength=n_s)

    n_a, n_d = per_statement(is_agree.astype(np.float64)), per_statement(is_dis.astype(np.float64))
    s_a, s_d = per_statement(np.where(is_agree, c, 0.0)), per_statement(np.where(is_dis, c, 0.0))
    ss = per_statement(np.where(ok, c * c, 0.0))
    enough = ((sides >= MIN_SIDES) & (agree >= 3) & (sides - agree >= 3)
              & (n_a >= 3) & (n_d >= 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (s_a + s_d) / (n_a + n_d)
        sd = np.sqrt(np.maximum(ss / (n_a + n_d) - mean * mean, 0.0)) * np.sqrt(1 / n_a + 1 / n_d)
        z = (s_a / n_a - s_d / n_d) / (sd + 1e-12)
    return np.where(enough, z, np.nan)


def relative_to_room(z: np.ndarray) -> np.ndarray:
    """``z`` read against the room's own statements: (z - median) / max(1, 1.4826 x MAD) over the
    statements with a z (all NaN with fewer than 10). On the real exports most popular
    statements have a high z (one opinion side dissents from what the other makes popular), so
    a plain level holds back their best common ground; read against the room it does not
    (benchmarks/RESULTS.md, "Session 12, cg16k").

    >>> relative_to_room(np.r_[np.arange(12.0), np.nan]).round(2).tolist()[:3]
    [-1.24, -1.01, -0.79]
    """
    z = np.asarray(z, dtype=np.float64)
    known = z[np.isfinite(z)]
    if len(known) < 10:
        return np.full(z.shape, np.nan)
    middle = float(np.median(known))
    return (z - middle) / max(1.4826 * float(np.median(np.abs(known - middle))), 1.0)


def _auc(score: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> float:
    """AUC of ``score`` ranking ``pos`` above ``neg`` (NaN scores dropped)."""
    keep = (pos | neg) & ~np.isnan(score)
    if pos[keep].sum() == 0 or neg[keep].sum() == 0:
        return float("nan")
    return float(roc_auc_score(pos[keep], score[keep]))


def _planted(name: str, seed: int) -> tuple[VoteMatrix, np.ndarray, np.ndarray]:
    """One room (an independent scenario or an ``own:`` target room): its vote matrix, its
    planted common ground and its group-rejected statements."""
    if name in OWN_TARGET:
        conv = synthetic_conversation(1500, 200, group_shares=OWN_TARGET[name], density=0.15,
                                      kind_shares=COMMON_KINDS, random_state=seed)
        return (conv.matrix, np.asarray(conv.is_bridging, bool),
                conv.agree_probability.min(axis=0) < 0.5)
    room = planted_room(SCENARIOS[name], seed)
    return room.matrix, room.common, room.rejected


def room_probe(name: str, seed: int) -> dict[str, Any]:
    """Generate one room (an independent scenario or an ``own:`` target room), analyse it with
    the engine (fit seed = ``seed``), compute the probe and score every list."""
    matrix, common, rejected = _planted(name, seed)
    result = analyze(matrix, random_state=seed)
    assert result.bridging is not None
    listed = np.asarray(result.bridging.listed_order())
    t = time.perf_counter()
    probe = probe_statistics(matrix.X, seed)
    seconds = time.perf_counter() - t
    popular_rej = rejected & (probe.rate >= POPULAR) & (probe.sides >= MIN_SIDES)
    enough = probe.sides >= MIN_SIDES
    out: dict[str, Any] = {"seed": seed, "k": int(result.k), "probe_s": seconds}

    def score(top: np.ndarray, key: str) -> None:
        out[f"{key}_p10"] = float(common[top].mean()) if len(top) else 0.0
        out[f"{key}_rej"] = int(rejected[top].sum())

    score(listed[:TOP], "engine")
    score(_top(np.where(enough, probe.rate, np.nan)), "raw")
    for stat in RANKINGS:
        score(_top(np.where(enough, probe.stats[stat], np.nan)), f"rank {stat}")
    for stat in VETO:
        flag = probe.flagged(stat)
        score(listed[~flag[listed]][:TOP], f"veto {stat}")
        out[f"auc {stat}"] = _auc(-probe.stats[stat] if VETO[stat][0] == ">"
                                  else probe.stats[stat], common & enough, popular_rej)
        out[f"flag_common {stat}"] = int((flag & common).sum())
        out[f"flag_poprej {stat}"] = int((flag & popular_rej).sum())
    out["auc raw"] = _auc(probe.rate, common & enough, popular_rej)
    # the same at matched levels: both sets cut to rates >= the planted common ground's lower
    # quartile (where a level alone cannot separate them)
    cut = np.percentile(probe.rate[common & enough], 25) if (common & enough).any() else 1.0
    hard = probe.rate >= cut
    out["hauc raw"] = _auc(probe.rate, common & enough & hard, popular_rej & hard)
    for stat in VETO:
        out[f"hauc {stat}"] = _auc(-probe.stats[stat] if VETO[stat][0] == ">"
                                   else probe.stats[stat], common & enough & hard,
                                   popular_rej & hard)
    out["n_common"], out["n_poprej"] = int((common & enough).sum()), int(popular_rej.sum())
    return out


#: Veto levels swept by :func:`sweep` (statistic, direction, levels).
SWEEP: tuple[tuple[str, str, tuple[float, ...]], ...] = (
    ("codissent", ">", (1.0, 1.5, 2.0, 2.5, 3.0)),
    ("cell_min", "<", (0.55, 0.6, 0.65)),
    ("pred_p10", "<", (0.5, 0.55, 0.6)),
)


def sweep(name: str, seeds: Sequence[int]) -> str:
    """The trade-off of a veto level: for each statistic and level, the engine's list with the
    flagged statements removed, its P@10 and rejected top-10 places summed over ``seeds`` (and
    how many planted common / group-rejected statements of the engine's first 20 are flagged)."""
    rooms = []
    for seed in seeds:
        matrix, common, rejected = _planted(name, seed)
        result = analyze(matrix, random_state=seed)
        assert result.bridging is not None
        rooms.append((np.asarray(result.bridging.listed_order()), common, rejected,
                      probe_statistics(matrix.X, seed, which=("cell", "pred", "codissent"))))
    rows: list[list[object]] = []
    base = [(lst[:TOP], c, r) for lst, c, r, _ in rooms]
    rows.append(["engine", "", f"{np.mean([c[t].mean() for t, c, _ in base]):.3f}",
                 sum(int(r[t].sum()) for t, _, r in base), "", ""])
    for stat, op, levels in SWEEP:
        for level in levels:
            p10, rej, fc, fr = [], 0, 0, 0
            for lst, c, r, pr in rooms:
                v = pr.stats[stat]
                with np.errstate(invalid="ignore"):
                    flag = np.nan_to_num(v < level if op == "<" else v > level).astype(bool)
                top = lst[~flag[lst]][:TOP]
                p10.append(c[top].mean())
                rej += int(r[top].sum())
                fc += int((flag[lst[:20]] & c[lst[:20]]).sum())
                fr += int((flag[lst[:20]] & r[lst[:20]]).sum())
            rows.append([stat, f"{op} {level}", f"{np.mean(p10):.3f}", rej, fc, fr])
    return markdown_table(["veto", "level", "P@10", "rejected in top 10 (total)",
                           "engine's first 20: planted common flagged",
                           "engine's first 20: group-rejected flagged"], rows)


def _top(score: np.ndarray, k: int = TOP) -> np.ndarray:
    s = np.where(np.isnan(score), -np.inf, score)
    return np.lexsort((np.arange(len(s)), -s))[:k]


def _fmt(mean_lo_hi: tuple[float, ...], digits: int = 2) -> str:
    m, lo, hi = mean_lo_hi[:3]
    return f"{m:+.{digits}f} [{lo:+.{digits}f}, {hi:+.{digits}f}]"


def tables(runs: dict[str, list[dict[str, Any]]]) -> str:
    """Per scenario: each list's P@10 and rejected places (paired with the engine), and each
    statistic's AUC (common vs popular group-rejected) and flags."""
    lists = ["engine", "raw", *(f"rank {s}" for s in RANKINGS), *(f"veto {s}" for s in VETO)]
    parts = []
    for name, rs in runs.items():
        eng_p = np.array([r["engine_p10"] for r in rs])
        eng_r = np.array([r["engine_rej"] for r in rs])
        rows: list[list[object]] = []
        for key in lists:
            p = np.array([r[f"{key}_p10"] for r in rs])
            rej = np.array([r[f"{key}_rej"] for r in rs])
            dp, dr = paired(p, eng_p), paired(eng_r, rej)
            stat = key.split(" ", 1)[-1]
            auc = (np.nanmean([r[f"auc {stat}"] for r in rs])
                   if f"auc {stat}" in rs[0] else float("nan"))
            flags = (f"{sum(r[f'flag_common {stat}'] for r in rs)} / "
                     f"{sum(r[f'flag_poprej {stat}'] for r in rs)}"
                     if key.startswith("veto") else "")
            hauc = (np.nanmean([r[f"hauc {stat}"] for r in rs])
                    if f"hauc {stat}" in rs[0] else float("nan"))
            rows.append([key, f"{t_interval(p)[0]:.2f}",
                         f"{int(rej.sum())}; {int((rej > 0).sum())}",
                         "" if key == "engine" else f"{_fmt(dp)} {dp[3]}/{dp[4]}/{dp[5]}",
                         "" if key == "engine" else f"{_fmt(dr)} {dr[3]}/{dr[4]}/{dr[5]}",
                         "" if np.isnan(auc) else f"{auc:.2f} / {hauc:.2f}", flags])
        n_common = np.mean([r["n_common"] for r in rs])
        n_poprej = np.mean([r["n_poprej"] for r in rs])
        head = (f"**{name}** ({len(rs)} rooms, seeds {rs[0]['seed']}-{rs[-1]['seed']}; engine "
                f"k: {_ks(rs)}; planted common with enough votes {n_common:.1f}, "
                f"popular group-rejected {n_poprej:.1f} per room; "
                f"raw-rate AUC {np.nanmean([r['auc raw'] for r in rs]):.2f} / "
                f"{np.nanmean([r['hauc raw'] for r in rs]):.2f}; probe "
                f"{np.mean([r['probe_s'] for r in rs]):.1f} s / room)")
        parts.append(head + "\n\n" + markdown_table(
            ["list", "P@10", "rejected in top 10; rooms", "Δ P@10 vs engine [CI] w/t/l",
             "engine - list: Δ rejected [CI] w/t/l",
             "AUC common vs popular rejected: all / matched levels",
             "flagged: planted common / popular rejected"], rows))
    return "\n\n".join(parts)


def _ks(rs: list[dict[str, Any]]) -> str:
    ks = np.array([r["k"] for r in rs])
    return ", ".join(f"k={k}: {(ks == k).sum()}" for k in np.unique(ks))


DEFAULT_SCENARIOS = ("70/20/10 veto any", "50/25/15/10 veto any", "mild: 70/20/10 veto any",
                     "distinct: 70/20/10 veto any", *OWN_TARGET)


def main(argv: list[str] | None = None,
         progress: Callable[[str], None] = lambda s: print(s, file=sys.stderr)) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=100)
    ap.add_argument("--scenarios", default=",".join(DEFAULT_SCENARIOS),
                    help="comma-separated names (independent_rooms.SCENARIOS or own: ...)")
    ap.add_argument("--jsonl", type=Path, default=None,
                    help="append each room's figures to this file as it finishes")
    ap.add_argument("--tables-from", type=Path, default=None,
                    help="print the tables from --jsonl files (comma-separated) and exit")
    ap.add_argument("--sweep", action="store_true",
                    help="print the veto-level trade-off per scenario instead")
    args = ap.parse_args(argv)
    if args.sweep:
        for name in [s.strip() for s in args.scenarios.split(",") if s.strip()]:
            seeds = range(args.first_seed, args.first_seed + args.seeds)
            print(f"**{name}**, seeds {seeds[0]}-{seeds[-1]}\n\n{sweep(name, seeds)}\n")
        return 0
    if args.tables_from is not None:
        loaded: dict[str, list[dict[str, Any]]] = {}
        for path in str(args.tables_from).split(","):
            for line in Path(path).read_text().splitlines():
                rec = json.loads(line)
                loaded.setdefault(rec.pop("scenario"), []).append(rec)
        print(tables(loaded))
        return 0
    runs: dict[str, list[dict[str, Any]]] = {}
    for name in [s.strip() for s in args.scenarios.split(",") if s.strip()]:
        if name not in SCENARIOS and name not in OWN_TARGET:
            ap.error(f"unknown scenario {name!r}")
        runs[name] = []
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            runs[name].append(room_probe(name, seed))
            r = runs[name][-1]
            if args.jsonl is not None:
                with args.jsonl.open("a") as fh:
                    fh.write(json.dumps({"scenario": name, **r}) + "\n")
            progress(f"{name} seed {seed}: engine {r['engine_p10']:.1f}/{r['engine_rej']} "
                     + " ".join(f"{s} {r[f'veto {s}_p10']:.1f}/{r[f'veto {s}_rej']}"
                                for s in VETO))
    print(tables(runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Issue 16: do latent classes fitted *jointly* with continuous factors find the planted minority?

Session 22 (cg16m) found that on :mod:`benchmarks.independent_rooms` no partition the common-
ground rule hears isolates the 10-15% group that rejects the group-rejected statements left in
the top 10: at k = 4 the engine's latent classes cut the room along its two continuous
within-group factors. This measures a factor mixture model (a mixture of logistic factor
analysers with shared loadings), which the grouping does not have:

    P(agree_is | class c) = expit(B[c, s] + z_i0 + z_i[1:] . L[s]),
    z_i ~ N(0, diag(tau^2, 1, .., 1)),

i.e. class-specific statement intercepts ``B``, a personal leniency ``z_i0`` and a position on
``D`` factors shared by every class. EM with a Laplace approximation: per participant and class
the MAP position (Newton), the class evidence the Laplace log marginal; the M-step per
statement a weighted logistic regression on ``(B[:, s], L[s])``. Passes and unseen statements
are left out. Fits start from a one-class fit (the continuous factors alone) and from latent
classes without factors (``D = 0``, leniency kept), best of ``starts`` by likelihood; the
*planted start* (responsibilities from the planted groups) is a ceiling for the search, not a
method.

Per room it reports the ARI of the classes with the planted groups, per planted group the best
class's Jaccard, and replays four class vetoes on the engine's own top 10 (a class of at least
5% of the room whose agree rate is below 1/2: the soft-count rate's Wilson upper bound, the soft
rate itself, the model's class rate at ``B + 1.96 se``, the model's class rate): how many of the
top-10 places whose statement some planted group rejects it would veto, and how many planted
common-ground statements in the engine's common ground it would veto wrongly.

Run ``python -m benchmarks.factor_mixture [--seeds N] [--first-seed S] [--starts K]
[--scenarios a,b] [--json OUT]`` (independent rooms; about 10-20 CPU s of fitting a room with
three starts and the planted start, plus the engine's analysis). Session 24 (cg16fm) measured
with scratch scripts around the same model code; see benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, logsumexp
from sklearn.metrics import adjusted_rand_score

from benchmarks.common import markdown_table
from benchmarks.independent_rooms import SCENARIOS, TOP, planted_room
from meedenken.engine import analyze
from meedenken.engine.intervals import wilson_interval
from meedenken.engine.latent_class import Votes, votes_of

__all__ = ["FactorMixture", "bic", "fit", "fit_room", "jaccards", "room_votes", "veto_sets"]

#: The default scenarios (issue 16's independent default rooms).
DEFAULT_SCENARIOS = ("70/20/10 veto any", "50/25/15/10 veto any")
#: Veto variants, in the order the tables print them.
VETOES = ("soft_up", "soft_pt", "model_up", "model_pt")
#: A class vetoes only if it holds at least this share of the room.
MIN_SHARE = 0.05


def room_votes(X: sp.spmatrix) -> Votes:
    """The agree (1) / disagree (0) votes of every participant of ``X`` on every statement, as
    the engine's latent classes read them (:func:`engine.latent_class.votes_of`)."""
    return votes_of(sp.csr_matrix(X), np.arange(X.shape[0]), np.ones(X.shape[1], dtype=bool))


@dataclass
class FactorMixture:
    """A fitted model: intercepts (K, S), loadings (S, D), positions (K, n, 1 + D),
    responsibilities (n, K), class shares, leniency variance, log-likelihood (Laplace), the
    intercepts' Fisher information (K, S) and the EM iterations run."""

    B: np.ndarray
    L: np.ndarray
    Z: np.ndarray
    R: np.ndarray
    pi: np.ndarray
    tau2: float
    ll: float
    info: np.ndarray
    iterations: int

    @property
    def k(self) -> int:
        return int(self.B.shape[0])

    @property
    def d(self) -> int:
        return int(self.L.shape[1])


def _sum(idx: np.ndarray, w: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(idx, weights=w, minlength=size)


def _positions(v: Votes, b: np.ndarray, L: np.ndarray, z: np.ndarray, prec: np.ndarray,
               steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Newton steps for every participant's (leniency, position) in one class; returns the
    positions, the Laplace log evidence per participant and the posterior variances."""
    d1 = z.shape[1]
    X = np.hstack([np.ones((v.n_statements, 1)), L])[v.col]
    pairs = [(a, c) for a in range(d1) for c in range(a, d1)]
    for step in range(steps + 1):
        eta = b[v.col] + (z[v.row] * X).sum(axis=1)
        p = expit(eta)
        w = p * (1 - p)
        H = np.zeros((v.n, d1, d1))
        for a, c in pairs:
            H[:, a, c] = H[:, c, a] = _sum(v.row, w * X[:, a] * X[:, c], v.n)
        H += np.diag(prec)[None]
        if step == steps:
            break
        g = np.stack([_sum(v.row, (v.y - p) * X[:, a], v.n) for a in range(d1)], axis=1)
        g -= z * prec[None]
        z = z + np.clip(np.linalg.solve(H, g[..., None])[..., 0], -3.0, 3.0)
    _, logdet = np.linalg.slogdet(H)
    ll = (_sum(v.row, v.y * eta - np.logaddexp(0.0, eta), v.n) - 0.5 * (z * z * prec[None]).sum(1)
          - 0.5 * logdet + 0.5 * np.log(prec).sum())
    return z, ll, np.linalg.inv(H).diagonal(axis1=1, axis2=2)


def _statements(v: Votes, R: np.ndarray, Z: np.ndarray, B: np.ndarray, L: np.ndarray,
                steps: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Newton steps for every statement's (B[:, s], L[s]) (ridge 0.1 on B, 1 on L)."""
    k, d, S = B.shape[0], L.shape[1], v.n_statements
    hB = np.zeros((k, S))
    for _ in range(steps):
        gB, hB = np.zeros((k, S)), np.zeros((k, S))
        gL, hL, hBL = np.zeros((S, d)), np.zeros((S, d, d)), np.zeros((k, S, d))
        for c in range(k):
            z = Z[c][v.row]
            eta = B[c][v.col] + z[:, 0] + (z[:, 1:] * L[v.col]).sum(axis=1)
            p = expit(eta)
            w = R[v.row, c]
            res, W = w * (v.y - p), w * p * (1 - p)
            gB[c], hB[c] = _sum(v.col, res, S), _sum(v.col, W, S)
            for a in range(d):
                gL[:, a] += _sum(v.col, res * z[:, 1 + a], S)
                hBL[c, :, a] = _sum(v.col, W * z[:, 1 + a], S)
                for e in range(a, d):
                    h = _sum(v.col, W * z[:, 1 + a] * z[:, 1 + e], S)
                    hL[:, a, e] += h
                    if e != a:
                        hL[:, e, a] += h
        gB -= 0.1 * B
        hB += 0.1
        if d == 0:
            B = B + np.clip(gB / hB, -2.0, 2.0)
            continue
        gL -= L
        hL += np.eye(d)[None]
        Hs, gs = np.zeros((S, k + d, k + d)), np.zeros((S, k + d))
        for c in range(k):
            Hs[:, c, c] = hB[c]
            Hs[:, c, k:] = Hs[:, k:, c] = hBL[c]
        Hs[:, k:, k:] = hL
        gs[:, :k], gs[:, k:] = gB.T, gL
        step = np.clip(np.linalg.solve(Hs, gs[..., None])[..., 0], -2.0, 2.0)
        B, L = B + step[:, :k].T, L + step[:, k:]
    return B, L, hB


def fit(v: Votes, k: int, d: int = 2, *, start: np.ndarray | None = None, seed: int = 0,
        base: FactorMixture | None = None, iterations: int = 150, tol: float = 1e-5,
        hold: int = 0) -> FactorMixture:
    """EM for ``k`` classes on ``d`` factors, from responsibilities ``start`` (else random) and
    the one-class fit ``base`` (its intercepts, loadings and positions). ``hold``: the first
    this many iterations keep the responsibilities at ``start`` (the factors are fitted around
    the start's classes before the classes may move)."""
    rng = np.random.default_rng(seed)
    n, S = v.n, v.n_statements
    if base is not None:
        b0, L, z0, tau2 = base.B[0], base.L[:, :d].copy(), base.Z[0][:, :1 + d], base.tau2
    else:
        rate = _sum(v.col, v.y, S) / np.maximum(_sum(v.col, np.ones_like(v.y), S), 1)
        b0 = np.log((rate + 0.02) / (1.02 - rate))
        L = rng.normal(0.0, 0.3, (S, d))
        z0 = np.hstack([np.zeros((n, 1)), rng.normal(0.0, 0.5, (n, d))])
        tau2 = 0.5
    R = start if start is not None else rng.dirichlet(np.ones(k), n)
    pi = R.mean(axis=0)
    B = np.repeat(b0[None], k, 0) + rng.normal(0.0, 0.05, (k, S))
    Z = np.repeat(z0[None], k, 0).copy()
    B, L, info = _statements(v, R, Z, B, L, steps=3)
    prev, ll, it = -np.inf, -np.inf, 0
    for it in range(1, iterations + 1):
        prec = np.concatenate([[1.0 / tau2], np.ones(d)])
        LL, second = np.zeros((n, k)), np.zeros((n, k))
        for c in range(k):
            Z[c], LL[:, c], var = _positions(v, B[c], L, Z[c], prec, 3 if it <= 3 else 2)
            second[:, c] = Z[c][:, 0] ** 2 + var[:, 0]
        logp = LL + np.log(pi)[None]
        total = logsumexp(logp, axis=1)
        if it > hold:
            R = np.exp(logp - total[:, None])
            pi = np.maximum(R.mean(axis=0), 1e-6)
        tau2 = max(float((R * second).sum() / n), 0.05**2)
        B, L, info = _statements(v, R, Z, B, L)
        ll = float(total.sum())
        if it > hold and abs(ll - prev) < tol * abs(ll):
            break
        prev = ll
    return FactorMixture(B, L, Z, R, pi, tau2, ll, info, it)


def bic(model: FactorMixture, v: Votes) -> float:
    """BIC with n = participants (intercepts, loadings, shares, leniency variance)."""
    params = model.k * v.n_statements + v.n_statements * model.d + model.k
    return -2.0 * model.ll + params * float(np.log(v.n))


def fit_room(v: Votes, k: int, d: int = 2, starts: int = 3,
             planted: np.ndarray | None = None) -> dict[str, Any]:
    """The one-class fit, latent classes without factors (``starts`` seeds), the joint model
    from each of those (best by likelihood) and, given ``planted`` groups, the planted start;
    CPU seconds of the method (everything but the planted start)."""
    t = time.process_time()
    base = fit(v, 1, d, iterations=60)
    lcs = [fit(v, k, 0, base=base, seed=s, iterations=100) for s in range(starts)]
    joint = max((fit(v, k, d, base=base, start=m.R) for m in lcs), key=lambda m: m.ll)
    out: dict[str, Any] = {"base": base, "lc": max(lcs, key=lambda m: m.ll), "joint": joint,
                           "cpu": time.process_time() - t}
    if planted is not None:
        groups = int(planted.max()) + 1
        out["planted"] = fit(v, groups, d, base=base,
                             start=np.eye(groups)[planted] * 0.9 + 0.1 / groups)
    return out


def class_rates(model: FactorMixture, v: Votes) -> dict[str, np.ndarray]:
    """(K, S) per class: the soft-count agree rate's Wilson upper bound and the rate, the
    model's mean agree probability over the class at ``B + 1.96 se`` and at ``B``."""
    S = v.n_statements
    agree = np.stack([_sum(v.col, model.R[v.row, c] * v.y, S) for c in range(model.k)])
    sides = np.stack([_sum(v.col, model.R[v.row, c], S) for c in range(model.k)])
    _, upper = wilson_interval(agree, np.maximum(sides, 1e-9), 1.96)
    X = np.hstack([np.ones((S, 1)), model.L])
    se = 1.0 / np.sqrt(model.info)
    up, pt = np.zeros((model.k, S)), np.zeros((model.k, S))
    for c in range(model.k):
        w = model.R[:, c] / model.R[:, c].sum()
        up[c] = w @ expit((model.B[c] + 1.96 * se[c])[None] + model.Z[c] @ X.T)
        pt[c] = w @ expit(model.B[c][None] + model.Z[c] @ X.T)
    return {"soft_up": upper, "soft_pt": agree / np.maximum(sides, 1e-9), "model_up": up,
            "model_pt": pt}


def veto_sets(model: FactorMixture, v: Votes) -> dict[str, np.ndarray]:
    """Per variant, the statements some class of at least :data:`MIN_SHARE` vetoes."""
    big = (model.pi >= MIN_SHARE)[:, None]
    return {name: ((rate < 0.5) & big).any(axis=0) for name, rate in class_rates(model, v).items()}


def jaccards(truth: np.ndarray, labels: np.ndarray) -> list[float]:
    """Per planted group, the best class's Jaccard index."""
    return [max(float(((truth == g) & (labels == c)).sum() / ((truth == g) | (labels == c)).sum())
                for c in np.unique(labels)) for g in range(int(truth.max()) + 1)]


def room_record(name: str, seed: int, starts: int) -> dict[str, Any]:
    """Fit one independent room and replay the vetoes on the engine's top 10."""
    room = planted_room(SCENARIOS[name], seed)
    v = room_votes(room.matrix.X)
    fits = fit_room(v, len(room.shares), starts=starts, planted=room.group)
    result = analyze(room.matrix, random_state=seed)
    assert result.bridging is not None
    top = np.asarray(result.bridging.listed_order())[:TOP]
    cg = np.asarray(result.bridging.is_common_ground, dtype=bool)
    rejected, common = room.rejected, room.common
    rec: dict[str, Any] = {"seed": seed, "engine_k": int(result.k), "cpu": fits["cpu"],
                           "top_rejected": int(rejected[top].sum()),
                           "cg_common": int((cg & common).sum())}
    for key in ("lc", "joint", "planted"):
        model = fits[key]
        labels = model.R.argmax(axis=1)
        rec[key] = {"ll": model.ll, "ari": float(adjusted_rand_score(room.group, labels)),
                    "jaccard": jaccards(room.group, labels)}
        for variant, vetoed in veto_sets(model, v).items():
            rec[key][variant] = (int((rejected[top] & vetoed[top]).sum()),
                                 int((cg & common & vetoed).sum()))
    return rec


def summary(name: str, recs: list[dict[str, Any]]) -> list[list[object]]:
    """One row per fit: ARI, Jaccards, and per variant top-10 rejected places vetoed / wrong."""
    rows: list[list[object]] = []
    for key in ("lc", "joint", "planted"):
        jac = np.mean([r[key]["jaccard"] for r in recs], axis=0)
        row: list[object] = [name, key, f"{np.mean([r[key]['ari'] for r in recs]):.2f}",
                             " / ".join(f"{x:.2f}" for x in jac)]
        for variant in VETOES:
            hit = sum(r[key][variant][0] for r in recs)
            wrong = sum(r[key][variant][1] for r in recs)
            row.append(f"{hit} / {sum(r['top_rejected'] for r in recs)}; "
                       f"{wrong} / {sum(r['cg_common'] for r in recs)}")
        rows.append(row)
    return rows


HEADERS = ("scenario", "fit", "ARI", "Jaccard per planted group",
           *(f"{v}: top-10 rejected vetoed; planted common wrongly vetoed" for v in VETOES))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--scenarios", default=",".join(DEFAULT_SCENARIOS))
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    rows: list[list[object]] = []
    runs: dict[str, list[dict[str, Any]]] = {}
    for name in [n.strip() for n in args.scenarios.split(",") if n.strip()]:
        runs[name] = []
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            rec = room_record(name, seed, args.starts)
            runs[name].append(rec)
            print(f"{name} seed {seed}: ARI joint {rec['joint']['ari']:.2f} planted start "
                  f"{rec['planted']['ari']:.2f}; top rejected {rec['top_rejected']}, model_up "
                  f"vetoes {rec['joint']['model_up'][0]} (wrong {rec['joint']['model_up'][1]});"
                  f" {rec['cpu']:.1f} CPU s", file=sys.stderr, flush=True)
            if args.json is not None:
                args.json.write_text(json.dumps(runs, indent=1))
        rows += summary(name, runs[name])
    print(markdown_table(HEADERS, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

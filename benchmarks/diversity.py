"""Cost of the participation, diversity and weighting measures at scale.

Synthetic conversation: 100,000 participants, 300 statements, 30 vote records per participant on
average (3 million, some re-votes), three demographic attributes (age 5 bands, gender 2, district
12) with 5 % missing answers, five opinion groups with 2-D map positions, two weeks of activity.
Each measure is timed as the best of ``--repeat`` runs.

Run from the repository root::

    PYTHONPATH=. python benchmarks/diversity.py [--participants 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from meedenken.engine.diversity import attribute_report
from meedenken.engine.opinion_diversity import opinion_diversity
from meedenken.engine.participation import participation
from meedenken.engine.weighting import (
    poststratification_weights,
    rake,
    weighted_agree_rates,
    weighted_bridging,
)

AGES = ["18-24", "25-44", "45-64", "65-79", "80+"]
AGE_SHARES = {"18-24": 0.11, "25-44": 0.32, "45-64": 0.33, "65-79": 0.18, "80+": 0.06}
GENDER_SHARES = {"man": 0.49, "vrouw": 0.51}
DISTRICTS = [f"wijk {i:02d}" for i in range(12)]
TWO_WEEKS = 14 * 86400.0


def synthetic(n_p: int, n_s: int, votes_per: int, seed: int = 0) -> dict[str, object]:
    """Arrays of a made-up conversation with skewed demographics."""
    rng = np.random.default_rng(seed)
    n_v = n_p * votes_per
    start = 1.7e9
    join = start + np.sort(rng.uniform(0, TWO_WEEKS, n_p))
    vp = rng.integers(0, n_p, n_v)
    vs = rng.integers(0, n_s, n_v)
    vt = join[vp] + rng.exponential(600, n_v)
    labels = rng.integers(0, 5, n_p)
    # votes lean by group so that groups differ
    lean = rng.uniform(-1, 1, (5, n_s))
    prob_agree = (lean[labels[vp], vs] + 1) / 2
    u = rng.uniform(size=n_v)
    value = np.where(u < prob_agree * 0.85, 1, np.where(u < 0.85, -1, 0)).astype(np.int8)
    # latest vote wins in X (sum duplicates would add up; take unique cells instead)
    key = vp * n_s + vs
    _, first = np.unique(key[::-1], return_index=True)
    keep = len(key) - 1 - first
    X = sp.csr_matrix((value[keep], (vp[keep], vs[keep])), shape=(n_p, n_s))
    age = rng.choice(AGES, n_p, p=[0.05, 0.2, 0.35, 0.3, 0.1]).astype(object)
    gender = rng.choice(["man", "vrouw"], n_p, p=[0.42, 0.58]).astype(object)
    district = rng.choice(DISTRICTS, n_p).astype(object)
    for column in (age, gender, district):
        column[rng.uniform(size=n_p) < 0.05] = None
    states = rng.choice(["accepted", "unmoderated", "rejected"], n_s, p=[0.8, 0.1, 0.1])
    return {
        "join": join, "vp": vp, "vs": vs, "vt": vt,
        "st": start + rng.uniform(0, TWO_WEEKS, n_s), "states": states,
        "authors": np.where(rng.uniform(size=n_s) < 0.3, -1, rng.integers(0, n_p, n_s)),
        "X": X, "labels": labels, "xy": rng.normal(size=(n_p, 2)) + labels[:, None],
        "age": age, "gender": gender, "district": district,
    }


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """Fastest of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--statements", type=int, default=300)
    parser.add_argument("--votes-per-participant", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    d = synthetic(args.participants, args.statements, args.votes_per_participant)
    X = d["X"]
    reference = {"age": AGE_SHARES, "gender": GENDER_SHARES,
                 "district": {c: 1 / 12 for c in DISTRICTS}}
    attributes = {"age": d["age"], "gender": d["gender"], "district": d["district"]}
    weights = rake(attributes, reference).weights
    measures: dict[str, Callable[[], object]] = {
        "participation (funnel, distribution, Gini, density, hourly + daily series)":
            lambda: participation(d["join"], d["vp"], d["vs"], d["vt"], d["st"], d["states"],
                                  d["authors"]),
        "attribute_report x3 (shares, heterogeneity, k-anonymity, representativeness)":
            lambda: [attribute_report(a, v, reference[a]) for a, v in attributes.items()],
        "poststratification_weights (age)":
            lambda: poststratification_weights(d["age"], AGE_SHARES),
        "rake (age x gender x district margins)": lambda: rake(attributes, reference),
        "weighted_agree_rates (every statement)": lambda: weighted_agree_rates(X, weights),
        "weighted_bridging (5 groups, every statement)":
            lambda: weighted_bridging(X, d["labels"], weights),
        "opinion_diversity (groups, spread, differences, coverage)":
            lambda: opinion_diversity(X, d["labels"], d["xy"], bridging=[0, 1, 2, 3, 4]),
    }
    print(f"# {args.participants:,} participants, {args.statements} statements, "
          f"{len(d['vp']):,} vote records ({X.nnz:,} cells); best of {args.repeat}")
    print(f"# {platform.python_implementation()} {platform.python_version()}, "
          f"numpy {np.__version__}")
    print("| measure | seconds |")
    print("|---|---:|")
    total = 0.0
    for name, run in measures.items():
        seconds = best_of(args.repeat, run)
        total += seconds
        print(f"| {name} | {seconds:.3f} |")
    print(f"| **all of the above** | **{total:.3f}** |")
    r = rake(attributes, reference)
    print(f"# raking: converged={r.converged} in {r.n_iterations} sweeps, "
          f"n_eff={r.effective_sample_size:,.0f} of {args.participants:,}")


if __name__ == "__main__":
    main()

"""Issue 15 examined on planted opinion groups from a generator of its own (not engine.synthetic).

Issue 15 asks for opinion groups that are stable across seeds, only as many as the votes
support, never tiny, "no clear opinion groups" for a continuous cloud, and "planted groups of
unequal size (including a 10% minority) recovered with the right k". This benchmark plants
groups with a generator written from the issue's words alone (its author read neither
``engine.synthetic`` nor ``benchmarks/groups.py`` nor the engine's grouping code first):

- participants in G planted groups with exact shares (G = 1..6, minorities down to 10%);
  each group has its own agree / disagree / pass profile over the statements: a statement is
  *divisive* with probability :data:`DIVISIVE_SHARE` (each group's agree logit drawn apart,
  spread ``separation``) or shared (all groups alike, small jitter); each group has its own
  pass logit per statement as well;
- nuisances: a personal leniency (added to every agree logit), a personal pass propensity,
  a heavy-tailed (lognormal) number of votes scaled to the room's density, a share of
  participants *between* two groups (their logits a mix of both profiles; planted label: the
  heavier one), and statements written over time (a participant sees only the statements
  written before they leave, so late statements get fewer votes);
- a continuous family without groups: positions on one to three latent axes (``cloud2d``:
  normal on two axes; ``cloud3d``: normal on three, more than the map's two and the trait's
  two, session 16; ``continuum1d``: uniform on one axis, a flat continuum; ``normal1d``:
  normal on one axis), statement loadings on those axes, the same nuisances;
- a step-like continuum without groups (``guttman``, issue 15 session 14): a Guttman scale with
  a share ``flip`` of the agree / disagree votes flipped. Positions on ``dims`` axes (evenly,
  uniform, or normally spread); each statement cuts the room along one direction (one of the
  axes, or a random direction on two axes) at a threshold, thresholds evenly spaced between the
  positions' 5% and 95% quantiles along it; its agree side is above or below the threshold at
  random. Agreeing is a step, with a floor and a ceiling of ``flip``, which a logistic link
  does not have. Passes as above; no leniency (it would blur the steps).

The ORACLE tells how recoverable the planted groups are at all: each participant is assigned
to the group of highest posterior under the true group profiles and the true shares (the
Bayes classifier given the profiles, ignoring the personal nuisances), scored by ARI against
the planted labels on the participants the engine put in conversation. A missed k in a room
whose oracle ARI is >= :data:`RECOVERABLE` is a defect of the engine; below it, the votes do
not carry the groups.

The engine runs with its default settings (``AnalysisSettings()``, bridging off: the
bridging fit runs after the groups and does not change them; ``--with-bridging`` checks that).

Run ``python -m benchmarks.independent_groups [--seeds N] [--first-seed S]
[--scenarios a,b] [--json F]``; ``--table-from F [F ...]`` prints the table of earlier runs;
``--class-test-votes N`` is a sensitivity run with that one grouping setting changed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import expit, log_expit
from sklearn.metrics import adjusted_rand_score

from benchmarks.common import markdown_table
from benchmarks.grouping_seeds import grouping_settings
from meedenken.engine import analyze
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.settings import AnalysisSettings, GroupingSettings

__all__ = [
    "RECOVERABLE",
    "SCENARIOS",
    "GroupSpec",
    "PlantedGroups",
    "oracle_labels",
    "planted_groups",
    "room_scores",
]

#: Oracle ARI from which the planted groups count as recoverable from the votes.
RECOVERABLE = 0.8
#: Share of the statements on which the groups differ (the rest: every group alike).
DIVISIVE_SHARE = 0.7
#: Spread (logits) of the groups' agree logits on shared statements.
SHARED_JITTER = 0.25
#: Spread of a group's pass logit around the statement's.
PASS_GROUP_SD = 0.5
#: Spread of the statements' base agree logit and mean base pass logit (about 20% passes).
BASE_SD = 1.0
PASS_BASE = -1.4
#: Personal nuisances: leniency (added to every agree logit) and pass propensity.
LENIENCY_SD = 0.5
PASS_PERSON_SD = 0.7
#: Lognormal spread of the number of votes per participant (heavy tail).
ACTIVITY_SIGMA = 1.0
#: Statements written before anyone arrives (the seed statements); the rest over time.
SEED_STATEMENTS = 12
#: How long a participant stays (as a share of the room's life) after arriving.
SESSION = 0.15
#: Seeds of the analysis for the seed-stability check (ARI between every pair).
ANALYSIS_SEEDS = (0, 1, 2, 3, 4)
#: Engine settings: the default, bridging off (it runs after the groups).
SETTINGS = AnalysisSettings(bridging=False)


@dataclass(frozen=True)
class GroupSpec:
    """One scenario: planted group shares (empty for a continuous family) and the room."""

    name: str
    shares: tuple[float, ...]
    n_participants: int
    n_statements: int
    density: float
    separation: float = 3.0
    between: float = 0.08
    #: "groups", or a continuous family without groups: "cloud2d", "cloud3d", "continuum1d",
    #: "normal1d", "guttman" (a step-like continuum).
    family: str = "groups"
    #: "guttman" only: axes, spread of the positions ("uniform" or "normal") and the share of
    #: agree / disagree votes flipped.
    dims: int = 1
    spread: str = "uniform"
    flip: float = 0.0

    @property
    def planted_k(self) -> int:
        """The k a right answer publishes: G, or 1 (no clear groups) without groups."""
        return len(self.shares) if self.family == "groups" else 1


@dataclass(frozen=True)
class PlantedGroups:
    """A planted room: the votes and the truth."""

    spec: GroupSpec
    matrix: VoteMatrix
    #: (n_participants,) planted group (heavier group for those between two; 0 without groups).
    group: np.ndarray
    #: (n_participants,) True for participants between two groups.
    between: np.ndarray
    #: (G, n_statements) true agree logit and pass logit per group (G = 1 without groups).
    agree_logit: np.ndarray
    pass_logit: np.ndarray


def _exact_sizes(shares: Sequence[float], n: int) -> np.ndarray:
    """Group sizes summing to n with the shares rounded by largest remainder."""
    raw = np.asarray(shares, dtype=float) / sum(shares) * n
    sizes = np.floor(raw).astype(int)
    sizes[np.argsort(raw - sizes)[::-1][: n - sizes.sum()]] += 1
    return sizes


def _votes_per_participant(available: np.ndarray, target_mean: float,
                           rng: np.random.Generator) -> np.ndarray:
    """Lognormal activity capped at what each participant can see, its mean solved so that the
    capped counts average ``target_mean`` (bisection on the log-scale location)."""
    z = rng.standard_normal(available.size)
    lo, hi = -5.0, 10.0
    for _ in range(60):
        mu = (lo + hi) / 2
        mean = np.minimum(np.exp(mu + ACTIVITY_SIGMA * z), available).mean()
        lo, hi = (mu, hi) if mean < target_mean else (lo, mu)
    counts = np.floor(np.exp(lo + ACTIVITY_SIGMA * z) + rng.random(available.size))
    return np.clip(counts, 1, available).astype(int)


def _profiles(spec: GroupSpec, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(G, n_statements) agree and pass logits of the planted groups."""
    g, s = len(spec.shares), spec.n_statements
    base = rng.normal(0.0, BASE_SD, s)
    divisive = rng.random(s) < DIVISIVE_SHARE
    spread = np.where(divisive, spec.separation, SHARED_JITTER)
    agree = base + rng.standard_normal((g, s)) * spread
    pass_ = PASS_BASE + rng.normal(0.0, 0.5, s) + rng.normal(0.0, PASS_GROUP_SD, (g, s))
    return agree, pass_


def _guttman_logits(spec: GroupSpec, rng: np.random.Generator) -> np.ndarray:
    """(n, S) agree logits of a Guttman scale with a share ``spec.flip`` of votes flipped:
    +-logit(1 - flip) on either side of each statement's threshold."""
    n, s = spec.n_participants, spec.n_statements
    position = (rng.uniform(-np.sqrt(3), np.sqrt(3), (n, spec.dims))  # unit variance
                if spec.spread == "uniform" else rng.standard_normal((n, spec.dims)))
    if spec.dims == 1:
        direction = np.ones((s, 1))
    else:
        angle = rng.uniform(0.0, 2 * np.pi, s)
        direction = np.column_stack([np.cos(angle), np.sin(angle)])
    along = position @ direction.T  # (n, S) each participant along each statement's direction
    lo, hi = np.quantile(along, [0.05, 0.95], axis=0)
    threshold = lo + (hi - lo) * rng.permutation((np.arange(s) + 0.5) / s)
    side = np.where(rng.random(s) < 0.5, 1.0, -1.0)  # agree above (+1) or below (-1)
    step = np.log((1.0 - spec.flip) / spec.flip)
    return np.where(side * (along - threshold) > 0, step, -step)


def planted_groups(spec: GroupSpec, seed: int) -> PlantedGroups:
    """Draw one planted room of ``spec`` (deterministic in ``seed``)."""
    rng = np.random.default_rng([seed, sum(map(ord, spec.name))])
    n, s = spec.n_participants, spec.n_statements
    if spec.family == "groups":
        agree_g, pass_g = _profiles(spec, rng)
        group = np.repeat(np.arange(len(spec.shares)), _exact_sizes(spec.shares, n))
        rng.shuffle(group)
        between = rng.random(n) < spec.between if len(spec.shares) > 1 else np.zeros(n, bool)
        other = (group + rng.integers(1, max(len(spec.shares), 2), n)) % len(spec.shares)
        weight = np.where(between, rng.uniform(0.5, 0.75, n), 1.0)  # on the planted group
        agree = weight[:, None] * agree_g[group] + (1 - weight[:, None]) * agree_g[other]
        pass_ = weight[:, None] * pass_g[group] + (1 - weight[:, None]) * pass_g[other]
    elif spec.family == "guttman":
        agree, agree_g = _guttman_logits(spec, rng), np.zeros((1, s))
        pass_st = PASS_BASE + rng.normal(0.0, 0.5, s)
        pass_ = np.broadcast_to(pass_st, (n, s)) + rng.normal(0.0, PASS_PERSON_SD, (n, 1))
        pass_g = pass_st[None, :]
        group = np.zeros(n, dtype=int)
        between = np.zeros(n, dtype=bool)
    else:
        dims = {"cloud2d": 2, "cloud3d": 3}.get(spec.family, 1)
        position = (rng.uniform(-np.sqrt(3), np.sqrt(3), (n, 1))  # unit variance
                    if spec.family == "continuum1d" else rng.standard_normal((n, dims)))
        base = rng.normal(0.0, BASE_SD, s)
        loading = rng.normal(0.0, spec.separation, (s, dims))
        agree = base + position @ loading.T
        pass_st = PASS_BASE + rng.normal(0.0, 0.5, s)
        pass_ = np.broadcast_to(pass_st, (n, s))
        agree_g, pass_g = base[None, :], pass_st[None, :]
        group = np.zeros(n, dtype=int)
        between = np.zeros(n, dtype=bool)
    if spec.family != "guttman":
        agree = agree + rng.normal(0.0, LENIENCY_SD, (n, 1))
        pass_ = pass_ + rng.normal(0.0, PASS_PERSON_SD, (n, 1))

    # Statements over time: the seed statements at 0, the rest written through the room's life;
    # a participant arrives at a uniform time and sees what is written before they leave.
    written = np.sort(np.r_[np.zeros(SEED_STATEMENTS), rng.random(s - SEED_STATEMENTS)])
    arrive = rng.random(n)
    visible = written[None, :] <= (arrive + SESSION)[:, None]
    counts = _votes_per_participant(visible.sum(axis=1), spec.density * s, rng)
    keys = np.where(visible, rng.random((n, s)), np.inf)  # random order among the visible
    chosen = np.argsort(keys, axis=1)
    rows = np.repeat(np.arange(n), counts)
    cols = np.concatenate([chosen[i, : counts[i]] for i in range(n)])
    passes = rng.random(rows.size) < expit(pass_[rows, cols])
    agrees = rng.random(rows.size) < expit(agree[rows, cols])
    votes = np.where(passes, 0, np.where(agrees, 1, -1))
    times = np.maximum(arrive[rows], written[cols]) + rng.random(rows.size) * 1e-3
    matrix = VoteMatrix.from_records(rows, cols, votes, times,
                                     participant_ids=range(n), statement_ids=range(s))
    return PlantedGroups(spec, matrix, group, between, agree_g, pass_g)


def oracle_labels(room: PlantedGroups) -> np.ndarray:
    """The Bayes classifier under the true group profiles and shares: per participant, the
    group of highest posterior given their votes (personal nuisances ignored)."""
    X = room.matrix.X.tocsr()
    log_share = np.log(np.asarray(room.spec.shares, dtype=float))
    lp_pass = log_expit(room.pass_logit)  # (G, S)
    lp_vote = log_expit(-room.pass_logit)
    lp_agree = lp_vote + log_expit(room.agree_logit)
    lp_disagree = lp_vote + log_expit(-room.agree_logit)
    score = np.tile(log_share, (X.shape[0], 1))
    for value, table in ((1, lp_agree), (-1, lp_disagree), (0, lp_pass)):
        score += _indicator(X, value) @ table.T
    return np.asarray(score.argmax(axis=1)).ravel()


def _indicator(X: Any, value: int) -> Any:
    """0/1 matrix of the stored entries equal to ``value`` (passes are stored zeros)."""
    hit = X.copy()
    hit.data = (hit.data == value).astype(float)
    hit.eliminate_zeros()
    return hit


def _ari(truth: np.ndarray, labels: np.ndarray) -> float:
    return float(adjusted_rand_score(truth, labels))


def _published(result: Any) -> tuple[int, np.ndarray, Any]:
    """(k found, labels of the in-conversation participants, stability record); k found is 1
    when the engine says there are no clear groups."""
    cl = result.clustering
    st = cl.stability
    labels = cl.labels[result.in_conversation]
    clear = st.clear_groups if st is not None else cl.k > 1
    return (int(cl.k) if clear else 1), labels, st


def room_scores(spec: GroupSpec, seed: int, *, seed_check: bool = False,
                settings: AnalysisSettings = SETTINGS) -> dict[str, Any]:
    """Plant one room, analyse it (default settings unless ``settings``), score it."""
    room = planted_groups(spec, seed)
    t0 = time.perf_counter()
    result = analyze(room.matrix, settings, random_state=0)
    seconds = time.perf_counter() - t0
    k_found, labels, st = _published(result)
    inconv = result.in_conversation
    truth = room.group[inconv]
    sizes = np.bincount(labels[labels >= 0]) if k_found > 1 else np.array([])
    sizes = sizes[sizes > 0]
    out: dict[str, Any] = {
        "scenario": spec.name, "seed": seed, "planted_k": spec.planted_k,
        "k_found": k_found, "k_raw": int(result.clustering.k),
        "right_k": k_found == spec.planted_k,
        "density": room.matrix.X.nnz / (spec.n_participants * spec.n_statements),
        "in_conv": int(inconv.sum()),
        "planted_sizes_in_conv": np.bincount(truth, minlength=len(spec.shares)).tolist(),
        "min_group": int(sizes.min()) if sizes.size else None,
        "group_sizes": sorted(sizes.tolist(), reverse=True),
        "ungrouped_in_conv": int((labels < 0).sum()),
        "clear_groups": None if st is None else st.clear_groups,
        "stability_overall": None if st is None else st.overall,
        "stability_min": (min(st.per_group) if st is not None and st.per_group and k_found > 1
                          else None),
        "held_out_z": None if st is None else st.held_out_z,
        "steps": [] if st is None else [f"{x.k_before}->{x.k_after}:{x.kind}" for x in st.steps],
        # Every run of the grouping's k (GroupingSettings.restarts; session 20 g15y).
        "runs": [] if st is None else [int(k) for k in st.restarts],
        # The classes against the continuous trait: each trait model's z, in words.
        "trait_step": None if st is None else next(
            (x.reason for x in st.steps if x.kind in (
                "trait", "classes_not_trait", "classes_beat_trait", "trait_not_beaten")), None),
        "seconds": seconds,
    }
    if spec.family == "groups" and spec.planted_k > 1:
        oracle = oracle_labels(room)[inconv]
        out["ari"] = _ari(truth, labels)
        out["oracle_ari"] = _ari(truth, oracle)
        out["oracle_acc"] = float((oracle == truth).mean())
        # How well each planted group is found: its best Jaccard with a published group.
        out["planted_jaccard"] = [
            max((float(((truth == g) & (labels == h)).sum() / ((truth == g) | (labels == h)).sum())
                 for h in np.unique(labels)), default=0.0)
            for g in range(spec.planted_k)]
    if seed_check:
        runs = [labels] + [analyze(room.matrix, settings, random_state=r).clustering.labels[inconv]
                           for r in ANALYSIS_SEEDS[1:]]
        out["seed_ari_min"] = min(_ari(a, b) for a, b in combinations(runs, 2))
        out["seed_k"] = [len(np.unique(x[x >= 0])) for x in runs]
    return out


# Sizes are chosen so the whole run (the 20 scenarios other than the Guttman scales x 10 seeds,
# 2 rooms each with 5 analysis seeds) stays within about 30 minutes on a shared 2-core machine
# (measured before session 16 added the two three-axis clouds, which take 10-30 s a room).
_SCENARIO_LIST = [
    GroupSpec("G1 single", (1.0,), 600, 100, 0.20),
    GroupSpec("cloud2d", (), 1000, 120, 0.15, family="cloud2d"),
    GroupSpec("cloud3d", (), 1000, 120, 0.15, family="cloud3d"),
    GroupSpec("cloud3d d30", (), 1000, 120, 0.30, family="cloud3d"),
    GroupSpec("continuum1d", (), 800, 100, 0.20, family="continuum1d"),
    GroupSpec("normal1d", (), 800, 100, 0.20, family="normal1d"),
    GroupSpec("guttman1d 5%", (), 800, 100, 0.20, family="guttman", flip=0.05),
    GroupSpec("guttman1d 2% d30", (), 600, 60, 0.30, family="guttman", flip=0.02),
    GroupSpec("guttman1d 10% d15", (), 800, 100, 0.15, family="guttman", flip=0.10),
    GroupSpec("guttman1d normal 5% d25", (), 800, 100, 0.25, family="guttman",
              spread="normal", flip=0.05),
    GroupSpec("guttman2d 5%", (), 1000, 120, 0.20, family="guttman", dims=2, flip=0.05),
    GroupSpec("guttman2d normal 10% d30", (), 1000, 120, 0.30, family="guttman", dims=2,
              spread="normal", flip=0.10),
    GroupSpec("G2 50/50", (0.5, 0.5), 500, 100, 0.25),
    GroupSpec("G2 90/10", (0.9, 0.1), 800, 120, 0.25),
    GroupSpec("G2 70/30 d30", (0.7, 0.3), 300, 80, 0.30),
    GroupSpec("G3 60/30/10", (0.6, 0.3, 0.1), 1000, 120, 0.25),
    GroupSpec("G3 50/35/15 d5", (0.5, 0.35, 0.15), 2000, 300, 0.05),
    GroupSpec("G3 45/35/20 between", (0.45, 0.35, 0.2), 1000, 120, 0.25, between=0.25),
    GroupSpec("G4 40/30/20/10", (0.4, 0.3, 0.2, 0.1), 1200, 150, 0.20),
    GroupSpec("G5 30/25/20/15/10", (0.3, 0.25, 0.2, 0.15, 0.1), 1500, 150, 0.20),
    GroupSpec("G6 25/20/17/15/13/10", (0.25, 0.2, 0.17, 0.15, 0.13, 0.1), 2000, 150, 0.20),
    GroupSpec("G4 40/30/20/10 d30", (0.4, 0.3, 0.2, 0.1), 1200, 150, 0.30),
    GroupSpec("G6 25/20/17/15/13/10 d30", (0.25, 0.2, 0.17, 0.15, 0.13, 0.1), 2000, 150, 0.30),
    GroupSpec("G2 90/10 moderate", (0.9, 0.1), 800, 120, 0.25, separation=2.0),
    GroupSpec("G4 40/30/20/10 moderate", (0.4, 0.3, 0.2, 0.1), 1200, 150, 0.20,
              separation=2.0),
    GroupSpec("G3 weak 50/30/20", (0.5, 0.3, 0.2), 1000, 120, 0.25, separation=1.0),
]
SCENARIOS = {s.name: s for s in _SCENARIO_LIST}

HEADERS = ["scenario", "n x S, density", "k found (k:rooms)", "right k",
           "right k where oracle >= 0.8",
           "ARI engine mean (min)", "ARI oracle mean (min)", "smallest planted: Jaccard mean",
           "smallest group (min)",
           "Jaccard overall mean / per-group min", "held-out z median", "seed ARI min (rooms)",
           "s/room"]


def _fmt(values: Sequence[float | None], how: str = "{:.2f}") -> str:
    vals = [v for v in values if v is not None]
    return how.format(float(np.mean(vals))) if vals else "n/a"


def summary_rows(runs: dict[str, list[dict[str, Any]]]) -> list[list[object]]:
    rows: list[list[object]] = []
    for name, rs in runs.items():
        spec = SCENARIOS[name]
        ks = Counter(r["k_found"] for r in rs)
        recoverable = [r for r in rs if r.get("oracle_ari", 1.0) >= RECOVERABLE]
        aris = [r["ari"] for r in rs if "ari" in r]
        oracles = [r["oracle_ari"] for r in rs if "oracle_ari" in r]
        mins = [r["min_group"] for r in rs if r["min_group"] is not None]
        seeds = [r["seed_ari_min"] for r in rs if "seed_ari_min" in r]
        per_min = [r["stability_min"] for r in rs if r["stability_min"] is not None]
        zs = [r["held_out_z"] for r in rs if r["held_out_z"] is not None]
        rows.append([
            f"{name} (planted k={spec.planted_k})",
            f"{spec.n_participants} x {spec.n_statements}, "
            f"{np.mean([r['density'] for r in rs]):.2f}",
            " ".join(f"{k}:{c}" for k, c in sorted(ks.items())),
            f"{sum(r['right_k'] for r in rs)}/{len(rs)}",
            f"{sum(r['right_k'] for r in recoverable)}/{len(recoverable)}",
            f"{np.mean(aris):.2f} ({min(aris):.2f})" if aris else "n/a",
            f"{np.mean(oracles):.2f} ({min(oracles):.2f})" if oracles else "n/a",
            _fmt([r["planted_jaccard"][-1] for r in rs if "planted_jaccard" in r]),
            str(min(mins)) if mins else "none",
            f"{_fmt([r['stability_overall'] for r in rs])} / "
            + (f"{min(per_min):.2f}" if per_min else "n/a"),
            f"{float(np.median(zs)):.1f}" if zs else "n/a",
            (f"{min(seeds):.2f} ({len(seeds)})" if seeds else "n/a"),
            f"{np.mean([r['seconds'] for r in rs]):.1f}",
        ])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--scenarios", default="",
                        help="comma-separated scenario names (default: all); see SCENARIOS")
    parser.add_argument("--seed-rooms", type=int, default=2,
                        help="rooms per scenario analysed at seeds 0-4 for seed stability")
    parser.add_argument("--json", type=Path, default=None,
                        help="write the per-room figures here (rewritten after each scenario)")
    parser.add_argument("--class-test-votes", type=int, default=None,
                        help="a sensitivity run: GroupingSettings.class_test_votes set to this")
    parser.add_argument("--max-groups", type=int, default=None,
                        help="a sensitivity run: AnalysisSettings.max_groups set to this")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a sensitivity run: a GroupingSettings field set to this, e.g. "
                        "split_null_max=2560 (repeatable)")
    parser.add_argument("--table-from", type=Path, nargs="+", default=None,
                        help="print the table of earlier --json files instead of running")
    args = parser.parse_args(argv)
    if args.table_from:
        loaded: dict[str, list[dict[str, Any]]] = {}
        for path in args.table_from:
            loaded.update(json.loads(path.read_text()))
        print(markdown_table(HEADERS, summary_rows(loaded)))
        return 0
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()] or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenarios {unknown}; known: {list(SCENARIOS)}")
    settings = SETTINGS
    if args.class_test_votes is not None:
        settings = settings.with_(grouping=GroupingSettings(
            class_test_votes=args.class_test_votes))
    if args.max_groups is not None:
        settings = settings.with_(max_groups=args.max_groups)
    if args.set:
        settings = settings.with_(grouping=grouping_settings(args.set, settings.grouping))
    runs: dict[str, list[dict[str, Any]]] = {}
    for name in names:
        runs[name] = []
        for i, seed in enumerate(range(args.first_seed, args.first_seed + args.seeds)):
            r = room_scores(SCENARIOS[name], seed, seed_check=i < args.seed_rooms,
                            settings=settings)
            runs[name].append(r)
            print(f"{name}:{seed} k={r['k_found']} sizes={r['group_sizes']} "
                  f"ari={r.get('ari', float('nan')):.2f} "
                  f"oracle={r.get('oracle_ari', float('nan')):.2f} "
                  f"seedARI={r.get('seed_ari_min', float('nan')):.2f} "
                  f"steps={r['steps']} {r['seconds']:.1f}s", file=sys.stderr, flush=True)
        if args.json is not None:
            args.json.write_text(json.dumps(runs, indent=1, default=float))
    print(markdown_table(HEADERS, summary_rows(runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

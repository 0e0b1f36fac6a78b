"""Issue 16 examined on planted rooms from a generator of its own (not ``engine.synthetic``).

Every common-ground figure so far was measured on ``engine.synthetic.synthetic_conversation``.
This benchmark plants opinion groups with a generator written from issue 16's words alone (its
author read neither that generator nor the common-ground rule), so that the rule is measured on
rooms it was not shaped on:

- participants in G planted groups with exact shares; each has a continuous position inside the
  room on two within-group factors (shared by all groups), a personal leniency, a personal pass
  propensity, a heavy-tailed activity, and a small pull towards one other group (mixed members);
- statements of seven kinds with per-group target agree shares (among those who take a side):
  supported by every group, vetoed (all groups but one support, one rejects; which one is a
  scenario setting), divisive, one group's favourite, lukewarm, near common ground, disliked;
  each statement has its own loading on the within-group factors, pass factor and exposure;
- a per-(group, statement) logistic shift is solved so that each group's mean agree probability
  is the target; a participant's probability is the logistic of their mixed groups' shifts plus
  their leniency plus their position times the statement's loading;
- statements are written over time and participants arrive over time, so later statements are
  seen by fewer; each participant votes on the statements open in their window, chosen by
  exposure (Gumbel top-k), with a lognormal activity scaled to the room's density.

The planted truth is read from the participants' own probabilities (not the targets): a group's
expected agree share on a statement is the mean over its members. A statement is
**group-rejected** when some planted group's expected share is below 1/2 and **planted common
ground** when every group's is at least :data:`COMMON_LEVEL`.

Run ``python -m benchmarks.independent_rooms [--seeds N] [--scenarios a,b] [--diagnose NAME:SEED]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import expit, logsumexp
from sklearn.metrics import adjusted_rand_score

from benchmarks.bridging import paired, t_interval
from benchmarks.common import lowest_group_bound, markdown_table
from meedenken.engine import analyze
from meedenken.engine.matrix import VoteMatrix

__all__ = [
    "COMMON_LEVEL",
    "KINDS",
    "SCENARIOS",
    "PlantedRoom",
    "RoomSpec",
    "mixture_labels",
    "planted_room",
    "room_scores",
]

#: Planted common ground: every group's expected agree share (among sides taken) at least this.
COMMON_LEVEL = 0.6
#: Group-rejected: some group's expected agree share below this.
REJECT_LEVEL = 0.5
#: The place cut-off of the list the issue measures.
TOP = 10
#: Within-group factors (continuous positions shared by every group).
N_WITHIN = 2

#: Kind -> share of the statements (the rest of 200 goes to the first kind by rounding).
KINDS: dict[str, float] = {
    "common": 0.15,
    "vetoed": 0.15,
    "divisive": 0.15,
    "favourite": 0.15,
    "lukewarm": 0.15,
    "near": 0.10,
    "disliked": 0.15,
}
#: Which planted group rejects a vetoed statement.
VETOES = ("any", "smallest", "middle", "largest")


@dataclass(frozen=True)
class RoomSpec:
    """One scenario: group shares, which group vetoes, and the mild variant's ranges."""

    name: str
    shares: tuple[float, ...]
    veto: str = "any"
    #: Mild: vetoed statements 65-80% in the other groups and 25-45% in the rejecting one,
    #: supported-by-all statements 65-80% (the strong default: 65-92% / 5-35% / 65-90%).
    mild: bool = False
    n_participants: int = 1500
    n_statements: int = 200
    density: float = 0.15
    #: Personal leniency sd (logit), within-group loading sd, mean pull to another group.
    leniency_sd: float = 0.6
    loading_sd: float = 0.7
    mix_mean: float = 0.08
    #: Mean personal pass propensity.
    pass_mean: float = 0.12
    #: Share of the divisive statements that split the groups along the room's one fixed
    #: division into two camps (0: every divisive statement splits them its own way). A fixed
    #: division gives the groups a consistent axis, so they separate on the map.
    camp_share: float = 0.0

    def __post_init__(self) -> None:
        if self.veto not in VETOES:
            raise ValueError(f"veto={self.veto!r}: expected one of {VETOES}")
        if abs(sum(self.shares) - 1.0) > 1e-9:
            raise ValueError(f"shares={self.shares}: they must sum to 1")


@dataclass(frozen=True)
class PlantedRoom:
    """A generated room and what was planted in it (statement index = matrix column)."""

    matrix: VoteMatrix
    #: (n_participants,) planted primary group (0 = first share), rows of ``matrix``.
    group: np.ndarray
    #: (G, n_statements) expected agree share among sides taken (mean of members' probabilities).
    rates: np.ndarray
    #: (G, n_statements) the generator's target shares before mixing.
    targets: np.ndarray
    #: (n_statements,) kind name per statement.
    kind: np.ndarray
    #: (n_statements,) the planted rejecting group of a vetoed statement, -1 otherwise.
    rejecter: np.ndarray
    shares: tuple[float, ...] = field(default=())

    @property
    def rejected(self) -> np.ndarray:
        return self.rates.min(axis=0) < REJECT_LEVEL

    @property
    def common(self) -> np.ndarray:
        return self.rates.min(axis=0) >= COMMON_LEVEL


def _group_sizes(shares: Sequence[float], n: int) -> np.ndarray:
    """Exact sizes by largest remainder (sum n)."""
    raw = np.asarray(shares, dtype=float) * n
    sizes = np.floor(raw).astype(np.int64)
    rest = n - int(sizes.sum())
    sizes[np.argsort(-(raw - sizes), kind="stable")[:rest]] += 1
    return sizes


def _veto_group(spec: RoomSpec, rng: np.random.Generator) -> int:
    shares = np.asarray(spec.shares)
    if spec.veto == "smallest":
        pool = np.flatnonzero(shares == shares.min())
    elif spec.veto == "largest":
        pool = np.flatnonzero(shares == shares.max())
    elif spec.veto == "middle":
        pool = np.flatnonzero((shares > shares.min()) & (shares < shares.max()))
        if pool.size == 0:
            raise ValueError(f"veto='middle' needs a group between the smallest and largest: "
                             f"{spec.shares}")
    else:
        pool = np.arange(len(shares))
    return int(rng.choice(pool))


def _targets(spec: RoomSpec, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray,
                                                                  np.ndarray]:
    """(G, S) target shares, kind per statement and the rejecting group of vetoed ones."""
    n_g, n_s = len(spec.shares), spec.n_statements
    counts = {k: round(f * n_s) for k, f in KINDS.items()}
    counts["common"] += n_s - sum(counts.values())
    kinds = np.array([k for k, c in counts.items() for _ in range(c)], dtype=object)
    kinds = kinds[rng.permutation(n_s)]
    t = np.empty((n_g, n_s))
    rejecter = np.full(n_s, -1)
    hi = (0.65, 0.80) if spec.mild else (0.65, 0.90)
    camp = np.zeros(n_g, dtype=bool)
    camp[rng.choice(n_g, max(1, n_g // 2), replace=False)] = True
    for s, kind in enumerate(kinds):
        if kind == "common":
            t[:, s] = rng.uniform(*hi, n_g)
        elif kind == "vetoed":
            t[:, s] = rng.uniform(*((0.65, 0.80) if spec.mild else (0.65, 0.92)), n_g)
            r = _veto_group(spec, rng)
            t[r, s] = rng.uniform(*((0.25, 0.45) if spec.mild else (0.05, 0.35)))
            rejecter[s] = r
        elif kind == "divisive":
            # A random nonempty proper subset of the groups for, the rest against.
            side = rng.random(n_g) < 0.5
            if side.all() or not side.any():
                side[rng.integers(n_g)] = not side[0]
            if rng.random() < spec.camp_share:
                side = camp if rng.random() < 0.5 else ~camp
            t[:, s] = np.where(side, rng.uniform(0.6, 0.9, n_g), rng.uniform(0.1, 0.4, n_g))
        elif kind == "favourite":
            t[:, s] = rng.uniform(0.2, 0.5, n_g)
            t[rng.integers(n_g), s] = rng.uniform(0.75, 0.95)
        elif kind == "lukewarm":
            t[:, s] = rng.uniform(0.35, 0.6, n_g)
        elif kind == "near":
            t[:, s] = rng.uniform(0.5, 0.66, n_g)
        else:  # disliked
            t[:, s] = rng.uniform(0.05, 0.35, n_g)
    return t, kinds, rejecter


def _solve_shifts(target: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Per statement, the shift b with mean over rows of expit(b + base[:, s]) = target[s]
    (bisection; ``base`` is (members, S))."""
    lo = np.full(target.shape, -15.0)
    hi = np.full(target.shape, 15.0)
    for _ in range(45):
        mid = (lo + hi) / 2
        above = expit(mid[None, :] + base).mean(axis=0) > target
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return (lo + hi) / 2


def planted_room(spec: RoomSpec, seed: int) -> PlantedRoom:
    """Generate one room of ``spec`` with ``seed`` (same seed, same room)."""
    rng = np.random.default_rng([seed, 16_016])
    n_p, n_s, n_g = spec.n_participants, spec.n_statements, len(spec.shares)

    # Participants: primary group, a pull to another group, positions, leniency, pass, activity.
    group = np.repeat(np.arange(n_g), _group_sizes(spec.shares, n_p))[rng.permutation(n_p)]
    other = (group + rng.integers(1, n_g, n_p)) % n_g if n_g > 1 else group
    mixed = n_g > 1 and spec.mix_mean > 0
    mix = rng.beta(1.0, 1.0 / spec.mix_mean - 1.0, n_p) if mixed else np.zeros(n_p)
    position = rng.standard_normal((n_p, N_WITHIN))
    leniency = rng.normal(0.0, spec.leniency_sd, n_p)
    pass_own = rng.beta(1.5, 1.5 / spec.pass_mean - 1.5, n_p)

    # Statements: targets, loadings on the within-group factors, pass factor, exposure, time.
    targets, kinds, rejecter = _targets(spec, rng)
    loading = rng.normal(0.0, spec.loading_sd, (n_s, N_WITHIN))
    pass_factor = rng.lognormal(0.0, 0.4, n_s) * np.where(kinds == "lukewarm", 1.6, 1.0)
    exposure = rng.lognormal(0.0, 0.6, n_s)
    n_seed = n_s // 5
    written = np.concatenate([np.zeros(n_seed), np.sort(rng.uniform(0.0, 0.8, n_s - n_seed))])

    # Shifts solved on each group's pure members, so a group's mean meets its target before the
    # pull to other groups moves it a little (the truth is read after the pull).
    personal = leniency[:, None] + position @ loading.T  # (n_p, n_s)
    shifts = np.vstack([_solve_shifts(targets[g], personal[group == g]) for g in range(n_g)])
    logit = (1.0 - mix)[:, None] * shifts[group] + mix[:, None] * shifts[other] + personal
    p_agree = expit(logit)
    rates = np.vstack([p_agree[group == g].mean(axis=0) for g in range(n_g)])
    p_pass = np.minimum(0.9, pass_own[:, None] * pass_factor[None, :])

    # Who sees what: arrival, a window, statements written before its end; exposure-weighted.
    arrival = rng.uniform(0.0, 1.0, n_p)
    end = np.minimum(1.0, arrival + rng.uniform(0.0, 0.3, n_p))
    open_ = written[None, :] <= end[:, None]
    n_open = open_.sum(axis=1)
    raw = rng.lognormal(0.0, 1.0, n_p)
    want = spec.density * n_s * n_p
    lo, hi = 0.0, 50.0 * n_s
    for _ in range(60):  # scale the activity so the room's votes meet its density
        mid = (lo + hi) / 2
        got = np.minimum(np.maximum(1, np.round(mid * raw)), n_open).sum()
        lo, hi = (mid, hi) if got < want else (lo, mid)
    n_votes = np.minimum(np.maximum(1, np.round(hi * raw)), n_open).astype(np.int64)
    # Older open statements were routed longer: weight exposure by how long they were open.
    weight = exposure[None, :] * (1.0 + np.clip(end[:, None] - written[None, :], 0.0, None))
    key = np.where(open_, np.log(weight) + rng.gumbel(size=(n_p, n_s)), -np.inf)
    order = np.argsort(-key, axis=1)
    rank = np.arange(n_s)[None, :]
    chosen = rank < n_votes[:, None]
    rows = np.broadcast_to(np.arange(n_p)[:, None], (n_p, n_s))[chosen]
    cols = order[chosen]
    step = np.broadcast_to(rank, (n_p, n_s))[chosen]
    times = arrival[rows] + (end[rows] - arrival[rows]) * (step + 1) / (n_votes[rows] + 1)
    u = rng.random(rows.size)
    pp, pa = p_pass[rows, cols], p_agree[rows, cols]
    votes = np.where(u < pp, 0, np.where(rng.random(rows.size) < pa, 1, -1)).astype(np.int8)
    matrix = VoteMatrix.from_records(rows, cols, votes, times, statement_ids=range(n_s),
                                     participant_ids=range(n_p))
    return PlantedRoom(matrix=matrix, group=group, rates=rates, targets=targets, kind=kinds,
                       rejecter=rejecter, shares=spec.shares)


# ---------------------------------------------------------------- scenarios
SCENARIOS: dict[str, RoomSpec] = {
    s.name: s
    for s in (
        RoomSpec("70/20/10 veto any", (0.7, 0.2, 0.1)),
        RoomSpec("60/30/10 veto any", (0.6, 0.3, 0.1)),
        RoomSpec("50/25/15/10 veto any", (0.5, 0.25, 0.15, 0.1)),
        RoomSpec("45/35/10/10 veto any", (0.45, 0.35, 0.1, 0.1)),
        RoomSpec("70/20/10 veto smallest", (0.7, 0.2, 0.1), veto="smallest"),
        RoomSpec("70/20/10 veto largest", (0.7, 0.2, 0.1), veto="largest"),
        RoomSpec("50/25/15/10 veto middle", (0.5, 0.25, 0.15, 0.1), veto="middle"),
        RoomSpec("side: 90/10 veto any", (0.9, 0.1)),
        RoomSpec("side: 40/20/15/15/10 veto any", (0.4, 0.2, 0.15, 0.15, 0.1)),
        RoomSpec("mild: 70/20/10 veto any", (0.7, 0.2, 0.1), mild=True),
        RoomSpec("mild: 50/25/15/10 veto any", (0.5, 0.25, 0.15, 0.1), mild=True),
        RoomSpec("mild: 70/20/10 veto smallest", (0.7, 0.2, 0.1), veto="smallest", mild=True),
        *(RoomSpec(f"clear: {name}", shares, veto=veto, camp_share=1.0, loading_sd=0.35,
                   leniency_sd=0.4)
          for name, shares, veto in (("70/20/10 veto any", (0.7, 0.2, 0.1), "any"),
                                     ("70/20/10 veto smallest", (0.7, 0.2, 0.1), "smallest"),
                                     ("50/25/15/10 veto any", (0.5, 0.25, 0.15, 0.1), "any"),
                                     ("45/35/10/10 veto any", (0.45, 0.35, 0.1, 0.1), "any"))),
        *(RoomSpec(f"distinct: {name}", shares, veto=veto, mild=mild, camp_share=1.0,
                   loading_sd=0.2, leniency_sd=0.3, mix_mean=0.02)
          for name, shares, veto, mild in (
              ("70/20/10 veto any", (0.7, 0.2, 0.1), "any", False),
              ("70/20/10 veto smallest", (0.7, 0.2, 0.1), "smallest", False),
              ("50/25/15/10 veto any", (0.5, 0.25, 0.15, 0.1), "any", False),
              ("45/35/10/10 veto any", (0.45, 0.35, 0.1, 0.1), "any", False),
              ("mild 70/20/10 veto smallest", (0.7, 0.2, 0.1), "smallest", True))),
    )
}


# ---------------------------------------------------------------- measuring
def _top_by(score: np.ndarray, k: int = TOP) -> np.ndarray:
    """Indices of the ``k`` highest scores (ties: lower index first; NaN last)."""
    s = np.where(np.isnan(score), -np.inf, score)
    idx = np.arange(len(s))
    return np.lexsort((idx, -s))[:k]


def _oracle(room: PlantedRoom, z: float = 1.96) -> np.ndarray:
    """Lowest Wilson lower bound over the *planted* groups of the agree share among sides taken
    (the per-group rule with perfect groups: a ceiling, not a method)."""
    return lowest_group_bound(room.matrix.X, room.group, z)


def mixture_labels(X: Any, n_classes: int, seed: int, restarts: int = 8,
                   max_iter: int = 500) -> np.ndarray:
    """Classes of a plain latent-class model (agree / disagree per statement, passes and unseen
    left out; EM, best of ``restarts``) with the planted number of groups given: how far the
    planted groups can be recovered from the votes at all (not a method under test)."""
    rng = np.random.default_rng(seed)
    agree = (X == 1).astype(float).tocsr()
    disagree = (X == -1).astype(float).tocsr()
    best, best_ll = np.zeros(X.shape[0], dtype=np.int64), -np.inf
    for _ in range(restarts):
        resp = rng.dirichlet(np.ones(n_classes), X.shape[0])
        prev = -np.inf
        for _ in range(max_iter):
            a = np.asarray(agree.T @ resp).T + 0.5
            d = np.asarray(disagree.T @ resp).T + 0.5
            theta = a / (a + d)
            ll = agree @ np.log(theta).T + disagree @ np.log1p(-theta).T + np.log(resp.mean(0))
            total = logsumexp(ll, axis=1)
            resp = np.exp(ll - total[:, None])
            loglik = float(total.sum())
            if loglik - prev < 1e-7 * abs(loglik):
                break
            prev = loglik
        if loglik > best_ll:
            best, best_ll = resp.argmax(axis=1), loglik
    return best


def room_scores(spec: RoomSpec, seed: int) -> dict[str, Any]:
    """Generate, analyse (fit seed = ``seed``) and score one room."""
    room = planted_room(spec, seed)
    t = time.perf_counter()
    result = analyze(room.matrix, random_state=seed)
    seconds = time.perf_counter() - t
    br = result.bridging
    assert br is not None
    common, rejected = room.common, room.rejected
    seen = np.asarray(br.n_votes, dtype=float)
    raw = np.where(seen > 0, np.asarray(br.n_agree) / np.maximum(seen, 1), 0.0)
    tops = {
        "engine": np.asarray(br.listed_order())[:TOP],
        "mf": np.asarray(br.order())[:TOP],
        "raw": _top_by(raw),
        "gic": _top_by(np.asarray(result.group_informed_consensus, dtype=float)),
        "oracle": _top_by(_oracle(room)),
    }
    cg = np.asarray(br.is_common_ground, dtype=bool)
    labels = np.asarray(result.clustering.labels)
    grouped = labels >= 0
    out: dict[str, Any] = {
        "ari_engine": float(adjusted_rand_score(room.group[grouped], labels[grouped])),
        "ari_mixture": float(adjusted_rand_score(
            room.group, mixture_labels(room.matrix.X, len(spec.shares), seed))),
        "seed": seed,
        "k": int(result.k),
        "seconds": seconds,
        "n_votes": int(room.matrix.n_votes),
        "planted_common": int(common.sum()),
        "planted_rejected": int(rejected.sum()),
        "cg": int(cg.sum()),
        "cg_rejected": int((cg & rejected).sum()),
        "cg_common": int((cg & common).sum()),
        "engine_top": [int(s) for s in tops["engine"]],
    }
    for name, top in tops.items():
        out[f"{name}_p10"] = float(common[top].mean())
        out[f"{name}_rej"] = int(rejected[top].sum())
    return out


def _mean_ci(values: Sequence[float]) -> str:
    mean, low, high = t_interval(np.asarray(values, dtype=float))
    return f"{mean:.2f} [{low:.2f}, {high:.2f}]"


def _paired(a: Sequence[float], b: Sequence[float]) -> str:
    mean, low, high, w, t, lo = paired(np.asarray(a), np.asarray(b))
    return f"{mean:+.2f} [{low:+.2f}, {high:+.2f}] {w}/{t}/{lo}"


def summary_rows(runs: dict[str, list[dict[str, Any]]]) -> tuple[list[list[object]],
                                                               list[list[object]]]:
    """Two tables: the methods per scenario, and the engine's paired differences and list."""
    main, more = [], []
    for name, rows in runs.items():
        col = {key: [r[key] for r in rows] for key in rows[0] if key != "engine_top"}
        seeds_rej = sum(1 for r in rows if r["engine_rej"] > 0)
        main.append([
            name, len(rows),
            _mean_ci(col["engine_p10"]), f"**{sum(col['engine_rej'])}**; {seeds_rej}",
            f"{np.mean(col['mf_p10']):.2f}; {sum(col['mf_rej'])}",
            f"{np.mean(col['raw_p10']):.2f}; {sum(col['raw_rej'])}",
            f"{np.mean(col['gic_p10']):.2f}; {sum(col['gic_rej'])}",
            f"{np.mean(col['oracle_p10']):.2f}; {sum(col['oracle_rej'])}",
        ])
        ks = np.bincount(col["k"], minlength=7)
        more.append([
            name,
            _paired(col["engine_p10"], col["raw_p10"]),
            _paired(col["raw_rej"], col["engine_rej"]),
            _paired(col["engine_p10"], col["mf_p10"]),
            _paired(col["mf_rej"], col["engine_rej"]),
            f"{np.mean(col['cg']):.1f} ({min(col['cg'])}-{max(col['cg'])})",
            f"{sum(col['cg_rejected'])}",
            f"{np.mean(col['planted_common']):.1f}",
            ", ".join(f"k={k}: {c}" for k, c in enumerate(ks) if c),
            f"{np.mean(col['ari_engine']):.2f} / {np.mean(col['ari_mixture']):.2f}",
            f"{np.mean(col['seconds']):.1f}",
        ])
    return main, more


MAIN_HEADERS = ["scenario", "seeds", "engine P@10 [95% CI]", "engine rejected in top 10; seeds",
                "MF P@10; rejected", "raw agree P@10; rejected", "GIC P@10; rejected",
                "planted-group oracle P@10; rejected"]
MORE_HEADERS = ["scenario", "engine - raw: Δ P@10 [CI] w/t/l",
                "raw - engine: Δ rejected [CI] w/t/l",
                "engine - MF: Δ P@10 [CI] w/t/l", "MF - engine: Δ rejected [CI] w/t/l",
                "is_common_ground: mean (range)", "of them group-rejected (total)",
                "planted common ground (mean)", "engine k",
                "ARI with planted groups: engine / mixture EM (G given)", "s / room"]


# ---------------------------------------------------------------- diagnosis
def diagnose(spec: RoomSpec, seed: int) -> str:
    """The engine's top 10 of one room: each entry's kind, planted shares per group, the
    engine's groups' agree / disagree / pass counts and statuses, and how its groups map to the
    planted ones."""
    room = planted_room(spec, seed)
    result = analyze(room.matrix, random_state=seed)
    br = result.bridging
    assert br is not None and br.groups is not None and br.common is not None
    labels = np.asarray(result.clustering.labels)
    lines = [f"### {spec.name}, seed {seed}: engine k = {result.k}", "",
             "Engine group -> planted group members (participants):"]
    for gid in np.unique(labels):
        members = np.bincount(room.group[labels == gid], minlength=len(spec.shares))
        lines.append(f"- engine {gid}: " + ", ".join(
            f"planted {g} ({spec.shares[g]:.0%}): {int(c)}" for g, c in enumerate(members)))
    lines += ["", "| place | statement | kind | planted shares by group | planted groups' votes: "
              "agree/disagree/pass | planted common / rejected | engine groups: "
              "agree/disagree/pass | status | is_common_ground |",
              "|---|---|---|---|---|---|---|---|---|"]
    counts = br.groups.counts
    cg = np.asarray(br.is_common_ground)
    X = room.matrix.X.tocsc()
    for place, s in enumerate(np.asarray(br.listed_order())[:TOP], start=1):
        planted = " / ".join(f"{r:.2f}" for r in room.rates[:, s])
        col = X[:, [s]]
        votes = " / ".join(
            f"{(col[room.group == g] == 1).sum()}/{(col[room.group == g] == -1).sum()}/"
            f"{col[room.group == g].nnz - (col[room.group == g] != 0).sum()}"
            for g in range(len(spec.shares)))
        cells = "; ".join(f"{c}: {int(counts[i, s, 0])}/{int(counts[i, s, 1])}/"
                          f"{int(counts[i, s, 2])}" for i, c in enumerate(br.groups.categories))
        kind = str(room.kind[s])
        if room.rejecter[s] >= 0:
            kind += f" (rejecter {room.rejecter[s]})"
        lines.append(f"| {place} | {s} | {kind} | {planted} | {votes} | "
                     f"{bool(room.common[s])} / {bool(room.rejected[s])} | {cells} | "
                     f"{br.common.status[s]} | {bool(cg[s])} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--scenarios", default="",
                        help="comma-separated scenario names (default: all); see SCENARIOS")
    parser.add_argument("--json", type=Path, default=None,
                        help="write the per-room figures here (appended per scenario)")
    parser.add_argument("--diagnose", default="",
                        help="'SCENARIO:SEED': print the engine's top 10 of one room")
    args = parser.parse_args(argv)
    if args.diagnose:
        name, seed = args.diagnose.rsplit(":", 1)
        print(diagnose(SCENARIOS[name], int(seed)))
        return 0
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()] or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenarios {unknown}; known: {list(SCENARIOS)}")
    runs: dict[str, list[dict[str, Any]]] = {}
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    for name in names:
        runs[name] = []
        for seed in seeds:
            runs[name].append(room_scores(SCENARIOS[name], seed))
            r = runs[name][-1]
            print(f"{name} seed {seed}: k={r['k']} engine {r['engine_p10']:.1f}/{r['engine_rej']}"
                  f" cg {r['cg']} (rej {r['cg_rejected']}) mf {r['mf_p10']:.1f}/{r['mf_rej']}"
                  f" raw {r['raw_p10']:.1f}/{r['raw_rej']} {r['seconds']:.1f}s",
                  file=sys.stderr, flush=True)
        if args.json is not None:
            args.json.write_text(json.dumps(runs, indent=1))
    main_rows, more_rows = summary_rows(runs)
    print(markdown_table(MAIN_HEADERS, main_rows))
    print()
    print(markdown_table(MORE_HEADERS, more_rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

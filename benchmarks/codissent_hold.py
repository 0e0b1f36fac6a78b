"""Issue 16, session 12 (cg16k): co-dissent as a hold on common ground, before and after in one run.

Each room is analysed once with the co-dissent z computed but nothing held back
(``co_dissent_z`` = 1e9); the "after" list is the same result with every common-ground statement
whose room-relative z (``CommonGround.co_dissent``) exceeds ``--level`` set to
``not_enough_votes``, ordered by the engine's own ``listed_order`` (so the order rule is the
engine's). Rooms: ``ind:NAME`` (``benchmarks.independent_rooms.SCENARIOS``), ``own:NAME`` and
``fresh:NAME`` (``benchmarks.bridging.COMMON_SCENARIOS``, the common-target / common-fresh
generators), ``few:NAME`` (3 planted common statements of 200), ``alike:`` (two groups with no
planted difference beyond the generator's lukewarm spread). ``--real``: common-real's first
column (lowest held-out Pol.is-group agree among the top 10) before and after.

    PYTHONPATH=. .venv/bin/python -m benchmarks.codissent_hold --level 1.0 \\
        --rooms "ind:70/20/10 veto any:400:20;fresh:3 groups 70/20/10:500:20"
    PYTHONPATH=. .venv/bin/python -m benchmarks.codissent_hold --level 1.0 --real
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

import numpy as np

from benchmarks.bridging import (
    COMMON_KINDS,
    COMMON_SCENARIOS,
    FRESH_GENERATOR,
    FRESH_KINDS,
    POLIS_DATA,
    REAL_SPLITS,
    TOP,
    _min_group_agree,
    _split,
    paired,
)
from benchmarks.independent_rooms import SCENARIOS, planted_room
from meedenken.engine import analyze
from meedenken.engine.bridging import BridgingResult
from meedenken.engine.common_ground import COMMON_GROUND, NOT_ENOUGH_VOTES
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.settings import AnalysisSettings
from meedenken.engine.synthetic import synthetic_conversation

_S = AnalysisSettings()
#: The z computed, nothing held back.
MEASURE = _S.with_(bridging_fit=_S.bridging_fit.with_(
    common_ground=_S.bridging_fit.common_ground.with_(co_dissent_z=1e9)))
FEW_KINDS = {"bridging": 0.015, "vetoed": 0.1, "favourite": 0.1, "divisive": 0.2, "other": 0.585}


def room(spec: str, seed: int) -> tuple[VoteMatrix, np.ndarray, np.ndarray]:
    """Votes, planted common ground, group-rejected statements of room ``kind:name``."""
    kind, _, name = spec.partition(":")
    if kind == "ind":
        r = planted_room(SCENARIOS[name], seed)
        return r.matrix, r.common, r.rejected
    shares = COMMON_SCENARIOS.get(name, (0.5, 0.5))
    generator = {"own": {"density": 0.15, "kind_shares": COMMON_KINDS},
                 "fresh": {**FRESH_GENERATOR, "kind_shares": FRESH_KINDS},
                 "few": {"density": 0.15, "kind_shares": FEW_KINDS},
                 "alike": {"density": 0.15, "kind_shares": {"bridging": 0.3, "other": 0.7}}}[kind]
    conv = synthetic_conversation(1500, 200, group_shares=shares, random_state=seed, **generator)
    return (conv.matrix, np.asarray(conv.is_bridging, bool),
            conv.agree_probability.min(axis=0) < 0.5)


def held(b: BridgingResult, level: float) -> BridgingResult:
    """``b`` with its common ground of room-relative co-dissent z above ``level`` held back."""
    assert b.common is not None and b.common.co_dissent is not None
    doubt = np.nan_to_num(b.common.co_dissent, nan=-np.inf) > level
    status = np.where(doubt & (b.common.status == COMMON_GROUND), NOT_ENOUGH_VOTES,
                      b.common.status).astype(object)
    return replace(b, common=replace(b.common, status=status))


def rooms_line(spec: str, seeds: range, level: float) -> str:
    rows = []
    for seed in seeds:
        m, common, rejected = room(spec, seed)
        res = analyze(m, MEASURE, random_state=seed)
        assert res.bridging is not None
        before, after = res.bridging, held(res.bridging, level)
        b, a = before.listed_order()[:TOP], after.listed_order()[:TOP]
        cg0, cg1 = before.is_common_ground, after.is_common_ground
        rows.append((common[b].mean(), rejected[b].sum(), common[a].mean(), rejected[a].sum(),
                     (cg0 & common).sum(), (cg1 & common).sum(), (cg0 & rejected).sum(),
                     (cg1 & rejected).sum(), common.sum(), res.k == 1, cg0.sum(), cg1.sum()))
        sys.stderr.write(f"{spec} {seed} k={res.k}\n")
    v = np.array(rows, dtype=float)
    dp, dr = paired(v[:, 2], v[:, 0]), paired(v[:, 1], v[:, 3])
    return (f"| {spec} {seeds.start}-{seeds.stop - 1} | {len(v)} (k=1: {int(v[:, 9].sum())}) | "
            f"{v[:, 0].mean():.3f} -> {v[:, 2].mean():.3f} | "
            f"{dp[0]:+.3f} [{dp[1]:+.3f}, {dp[2]:+.3f}] {dp[3]}/{dp[4]}/{dp[5]} | "
            f"**{int(v[:, 1].sum())} -> {int(v[:, 3].sum())}**; rooms {int((v[:, 1] > 0).sum())}"
            f" -> {int((v[:, 3] > 0).sum())} | {dr[0]:+.2f} [{dr[1]:+.2f}, {dr[2]:+.2f}] "
            f"{dr[3]}/{dr[4]}/{dr[5]} | {int(v[:, 4].sum())} -> {int(v[:, 5].sum())} (of "
            f"{int(v[:, 8].sum())} planted) | {int(v[:, 6].sum())} -> {int(v[:, 7].sum())} | "
            f"{int(v[:, 10].sum())} -> {int(v[:, 11].sum())} |")


HEAD = ["| rooms | n | P@10 before -> after | Δ P@10 [CI] w/t/l | group-rejected top-10 places "
        "before -> after; rooms with any | fewer rejected places [CI] w/t/l | planted common "
        "marked common ground | group-rejected marked common ground | all common ground |",
        "|---|---|---|---|---|---|---|---|---|"]


def real_lines(level: float) -> list[str]:
    from meedenken.models.polis_export import read_export

    per: list[tuple[float, float]] = []
    lines = ["| export | our k | common ground (5 splits) | of it held back | lowest held-out "
             "Pol.is-group agree, before -> after |", "|---|---|---|---|---|"]
    for folder in sorted(p for p in POLIS_DATA.iterdir() if p.is_dir()):
        export = read_export(folder)
        m = export.to_matrix()
        polis = export.polis_groups()
        labels = np.array([polis.get(pid, -1) for pid in m.participant_ids])
        vals, ks, n_cg, n_held = [], [], 0, 0
        for split in range(REAL_SPLITS):
            train, test = _split(m, split)
            res = analyze(train, MEASURE, random_state=0)
            assert res.bridging is not None
            before, after = res.bridging, held(res.bridging, level)
            vals.append((_min_group_agree(before.listed_order()[:TOP], test, labels),
                         _min_group_agree(after.listed_order()[:TOP], test, labels)))
            ks.append(res.k)
            n_cg += int(before.is_common_ground.sum())
            n_held += int((before.is_common_ground & ~after.is_common_ground).sum())
        mean = np.nanmean(np.array(vals, dtype=float), axis=0)
        per.append((float(mean[0]), float(mean[1])))
        lines.append(f"| {folder.name} | {min(ks)}-{max(ks)} | {n_cg} | {n_held} | "
                     f"{mean[0]:.3f} -> {mean[1]:.3f} |")
    v = np.array(per)
    d = paired(v[:, 1], v[:, 0])
    lines.append(f"| mean | | | | {v[:, 0].mean():.3f} -> {v[:, 1].mean():.3f}; after - before "
                 f"{d[0]:+.4f} [{d[1]:+.4f}, {d[2]:+.4f}] {d[3]}/{d[4]}/{d[5]} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--level", type=float, default=1.0)
    parser.add_argument("--rooms", default="", help='"kind:name:first:n;..."')
    parser.add_argument("--real", action="store_true")
    args = parser.parse_args(argv)
    lines = list(HEAD) if args.rooms else []
    for spec in filter(None, args.rooms.split(";")):
        name, first, n = spec.rsplit(":", 2)
        lines.append(rooms_line(name, range(int(first), int(first) + int(n)), args.level))
    if args.real:
        lines += real_lines(args.level)
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

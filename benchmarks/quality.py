"""Quality of the default setting: how well do the groups predict votes they never saw?

For each shared export: hide 10% of the votes on active statements at random (fixed seed),
analyse the remaining 90% with our DEFAULT settings, and predict each hidden vote's probability
of "agree" by its participant's group agree rate on that statement,
``(agrees + 1) / (votes + 2)`` within the group on the 90% (passes count as votes). A participant
without a group gets the statement's overall rate. Scored by held-out binary log-loss (agree vs
not) and accuracy (agree predicted when p > 0.5), for our groups, Pol.is's ``group-id`` and
red-dwarf 0.4.0's groups (default k choice, also on the 90%), beside a no-groups baseline.

Pol.is's groups were computed with the hidden votes in view, which can only help them: a hidden
vote moved its participant on the map towards the group that votes like it. Two like-for-like
comparisons measure that advantage: our groups computed on all votes, and *Pol.is's method on the
same 90%* (our ``polis_compatible`` mode, k chosen by its own silhouette rule), beside the same
method on all votes (whose score is close to that of Pol.is's group-ids: the gap between the two
is what seeing the hidden votes is worth). One split of a small export holds a few hundred votes,
so the mean over five hiding seeds is reported as well, with paired 95% intervals of the per-vote
log-loss difference (ours minus the other; negative favours ours; votes pooled over the seeds).

Target (issue 2): our log-loss at least as good as Pol.is's on every export.

Run: ``python -m benchmarks.quality [EXPORT ...]``.
"""

from __future__ import annotations

import argparse
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from meedenken import engine
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.settings import POLIS, AnalysisSettings

from .common import (
    ISSUE2_SETTINGS,
    BenchExport,
    load_export,
    markdown_table,
    reddwarf_groups,
    reddwarf_votes,
)
from .common import export_names as _export_names

__all__ = ["QualityRow", "predict_agree", "report", "run", "run_one", "split"]

#: Share of votes hidden.
HIDDEN_SHARE = 0.10
SEED = 0
#: Hiding seeds 0..SEEDS-1 for the mean over splits (one split of a small export is noisy).
SEEDS = 5
#: Pseudo-counts of the group agree rate (agrees + 1) / (votes + 2), as Pol.is's repness uses.
PRIOR_AGREE = 1.0
PRIOR_VOTES = 2.0
#: Probabilities are clipped this far from 0 and 1 before taking logs.
EPS = 1e-12
#: Two-sided 95% normal quantile for the paired intervals.
Z95 = 1.959964
#: Pol.is's method on the same votes: the Pol.is preset with its own k choice.
POLIS_METHOD = POLIS.with_(bridging=False)


@dataclass(frozen=True)
class Score:
    log_loss: float
    accuracy: float
    k: int
    #: Log-loss of each hidden vote, in record order (for paired comparisons).
    losses: np.ndarray


@dataclass(frozen=True)
class QualityRow:
    name: str
    seed: int
    n_hidden: int
    ours: Score
    polis: Score
    reddwarf: Score
    no_groups: Score
    #: Our default groups computed on all votes (hidden ones included, as Pol.is's were).
    ours_all_votes: Score
    #: Pol.is's method (our Pol.is preset, its own k) on the same 90% as ours.
    polis_method: Score
    #: Pol.is's method on all votes (hidden ones included, as Pol.is's group-ids were).
    polis_method_all_votes: Score


def split(
    exp: BenchExport, share: float = HIDDEN_SHARE, seed: int = SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (train, hidden) over the export's records; only active statements hide."""
    inactive = set(exp.excluded) | set(exp.meta)
    candidates = np.flatnonzero([s not in inactive for s in exp.statements.tolist()])
    rng = np.random.default_rng(seed)
    chosen = rng.choice(candidates, size=round(share * len(candidates)), replace=False)
    hidden = np.zeros(len(exp.votes), dtype=bool)
    hidden[chosen] = True
    return ~hidden, hidden


def predict_agree(
    groups: Mapping[Hashable, int],
    train: tuple[np.ndarray, np.ndarray, np.ndarray],
    query: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """Agree probability of each query (participant, statement) from its group's training votes.

    Parameters
    ----------
    groups : participant id -> group label; absent participants have no group.
    train : (participants, statements, votes) of the training records, agree = +1.
    query : (participants, statements) to predict.

    Returns
    -------
    ndarray of float, shape (n_query,): ``(agrees_g + 1) / (votes_g + 2)`` with g the
    participant's group (passes count as votes), or the statement's overall rate without a group.
    """
    t_part, t_stmt, t_vote = train
    q_part, q_stmt = query
    statements, codes = np.unique(np.concatenate([t_stmt, q_stmt]), return_inverse=True)
    t_s, q_s = codes[: len(t_stmt)], codes[len(t_stmt) :]
    n_s = len(statements)
    agree = (t_vote == 1).astype(np.float64)

    def group_codes(parts: np.ndarray) -> np.ndarray:
        return np.array([groups.get(p, -1) for p in parts.tolist()], dtype=np.int64)

    t_g, q_g = group_codes(t_part), group_codes(q_part)
    labels = np.unique(np.concatenate([t_g, q_g]))
    t_gi, q_gi = np.searchsorted(labels, t_g), np.searchsorted(labels, q_g)
    size = len(labels) * n_s
    g_agree = np.bincount(t_gi * n_s + t_s, weights=agree, minlength=size)
    g_votes = np.bincount(t_gi * n_s + t_s, minlength=size).astype(np.float64)
    all_agree = np.bincount(t_s, weights=agree, minlength=n_s)
    all_votes = np.bincount(t_s, minlength=n_s).astype(np.float64)
    key = q_gi * n_s + q_s
    p_group = (g_agree[key] + PRIOR_AGREE) / (g_votes[key] + PRIOR_VOTES)
    p_all = (all_agree[q_s] + PRIOR_AGREE) / (all_votes[q_s] + PRIOR_VOTES)
    return np.where(q_g >= 0, p_group, p_all)


def score(
    groups: Mapping[Hashable, int], exp: BenchExport, train: np.ndarray, hidden: np.ndarray
) -> Score:
    """Held-out log-loss and accuracy of predicting hidden votes from ``groups``."""
    p = predict_agree(
        groups,
        (exp.participants[train], exp.statements[train], exp.votes[train]),
        (exp.participants[hidden], exp.statements[hidden]),
    )
    y = exp.votes[hidden] == 1
    p = np.clip(p, EPS, 1 - EPS)
    losses = -np.where(y, np.log(p), np.log1p(-p))
    accuracy = float(np.mean((p > 0.5) == y))
    return Score(float(losses.mean()), accuracy, len(set(groups.values())), losses)


def paired_difference(ours: np.ndarray, other: np.ndarray) -> tuple[float, float, float]:
    """Mean per-vote log-loss difference ``ours - other`` and its 95% normal interval."""
    diff = np.asarray(ours, dtype=np.float64) - np.asarray(other, dtype=np.float64)
    mean = float(diff.mean())
    half = Z95 * float(diff.std(ddof=1)) / np.sqrt(len(diff)) if len(diff) > 1 else float("nan")
    return mean, mean - half, mean + half


def _our_groups(
    matrix: VoteMatrix, settings: AnalysisSettings = ISSUE2_SETTINGS
) -> dict[Hashable, int]:
    result = engine.analyze(matrix, settings, random_state=SEED)
    return {
        p: int(g)
        for p, g in zip(result.participant_ids, result.clustering.labels, strict=True)
        if g >= 0
    }


def run_one(name: str, seed: int = SEED) -> QualityRow:
    """Score one export with the votes hidden by ``seed``."""
    exp = load_export(name)
    train, hidden = split(exp, seed=seed)
    matrix = VoteMatrix.from_records(
        exp.participants[train],
        exp.statements[train],
        exp.votes[train],
        exp.times[train],
        statement_ids=exp.statement_ids,
        excluded=exp.excluded,
        meta=exp.meta,
    )
    rd_votes = reddwarf_votes(
        exp.participants[train].tolist(),
        exp.statements[train].tolist(),
        exp.votes[train].tolist(),
        exp.times[train].tolist(),
    )
    theirs, _ = reddwarf_groups(
        rd_votes, k=None, excluded=exp.excluded, meta=exp.meta, random_state=SEED
    )
    everything = exp.to_matrix()  # hidden votes included, as Pol.is's group-ids saw them
    return QualityRow(
        name=name,
        seed=seed,
        n_hidden=int(hidden.sum()),
        ours=score(_our_groups(matrix), exp, train, hidden),
        polis=score(exp.polis_groups, exp, train, hidden),
        reddwarf=score(theirs, exp, train, hidden),
        no_groups=score({}, exp, train, hidden),
        ours_all_votes=score(_our_groups(everything), exp, train, hidden),
        polis_method=score(_our_groups(matrix, POLIS_METHOD), exp, train, hidden),
        polis_method_all_votes=score(_our_groups(everything, POLIS_METHOD), exp, train, hidden),
    )


def run(names: Sequence[str] | None = None, seeds: Sequence[int] = (SEED,)) -> list[QualityRow]:
    """Score the given exports (default: all ten), once per hiding seed."""
    return [run_one(n, s) for s in seeds for n in (names or _export_names())]


def _mean(rows: Sequence[QualityRow], attr: str) -> float:
    return float(np.mean([getattr(r, attr).log_loss for r in rows]))


def _interval(diff: tuple[float, float, float]) -> str:
    mean, lo, hi = diff
    return f"{mean:+.3f} [{lo:+.3f}, {hi:+.3f}]"


def _pooled(rows: Sequence[QualityRow], attr: str) -> np.ndarray:
    return np.concatenate([getattr(r, attr).losses for r in rows])


def report(rows: Sequence[QualityRow]) -> str:
    """Markdown: log-loss and accuracy tables (first seed), means over seeds, the target."""
    seeds = sorted({r.seed for r in rows})
    first = [r for r in rows if r.seed == seeds[0]]
    loss = markdown_table(
        [
            "export",
            "hidden votes",
            "log-loss ours",
            "Pol.is",
            "red-dwarf",
            "no groups",
            "Pol.is's method, same 90%",
            "ours grouped on all votes",
            "Pol.is's method on all votes",
            "k ours / Pol.is / red-dwarf / Pol.is's method",
        ],
        [
            (
                r.name,
                r.n_hidden,
                r.ours.log_loss,
                r.polis.log_loss,
                r.reddwarf.log_loss,
                r.no_groups.log_loss,
                r.polis_method.log_loss,
                r.ours_all_votes.log_loss,
                r.polis_method_all_votes.log_loss,
                f"{r.ours.k} / {r.polis.k} / {r.reddwarf.k} / {r.polis_method.k}",
            )
            for r in first
        ],
    )
    acc = markdown_table(
        ["export", "accuracy ours", "Pol.is", "red-dwarf", "no groups", "Pol.is's method"],
        [
            (
                r.name,
                r.ours.accuracy,
                r.polis.accuracy,
                r.reddwarf.accuracy,
                r.no_groups.accuracy,
                r.polis_method.accuracy,
            )
            for r in first
        ],
    )
    worse = [r.name for r in first if r.ours.log_loss > r.polis.log_loss]
    beats_rd = sum(r.ours.log_loss <= r.reddwarf.log_loss for r in first)
    beats_method = sum(r.ours.log_loss <= r.polis_method.log_loss for r in first)
    lines = [
        f"Held-out binary log-loss, hiding seed {seeds[0]} (lower is better). Pol.is's group-ids "
        "saw the hidden votes; the columns 'Pol.is's method, same 90%' (our Pol.is preset, its "
        "own k) and the two 'on all votes' columns give the like-for-like comparisons:",
        "",
        loss,
        "",
        "Held-out accuracy (higher is better):",
        "",
        acc,
        "",
        f"Seed {seeds[0]}: ours at least as good as Pol.is's group-ids on "
        f"{len(first) - len(worse)} of {len(first)} exports; as Pol.is's method on the same "
        f"votes on {beats_method} of {len(first)}; as red-dwarf's on {beats_rd} of {len(first)}.",
        "Target (at least as good as Pol.is on every export): "
        + ("**met**." if not worse else "**not met** (worse on " + ", ".join(worse) + ")."),
    ]
    if len(seeds) > 1:
        names = list(dict.fromkeys(r.name for r in rows))
        table, paired, worse_mean, worse_method = [], [], [], []
        for name in names:
            mine = [r for r in rows if r.name == name]
            ours, polis = _mean(mine, "ours"), _mean(mine, "polis")
            method = _mean(mine, "polis_method")
            wins = sum(r.ours.log_loss <= r.polis.log_loss for r in mine)
            if ours > polis:
                worse_mean.append(name)
            if ours > method:
                worse_method.append(name)
            table.append(
                (
                    name,
                    ours,
                    polis,
                    _mean(mine, "reddwarf"),
                    _mean(mine, "no_groups"),
                    method,
                    _mean(mine, "ours_all_votes"),
                    _mean(mine, "polis_method_all_votes"),
                    f"{wins} of {len(mine)}",
                )
            )
            pooled_ours = _pooled(mine, "ours")
            paired.append(
                (
                    name,
                    len(pooled_ours),
                    _interval(paired_difference(pooled_ours, _pooled(mine, "polis"))),
                    _interval(paired_difference(pooled_ours, _pooled(mine, "polis_method"))),
                    _interval(
                        paired_difference(
                            _pooled(mine, "polis_method"), _pooled(mine, "polis_method_all_votes")
                        )
                    ),
                )
            )
        lines += [
            "",
            f"Mean held-out log-loss over hiding seeds {', '.join(map(str, seeds))}:",
            "",
            markdown_table(
                [
                    "export",
                    "ours",
                    "Pol.is",
                    "red-dwarf",
                    "no groups",
                    "Pol.is's method, same 90%",
                    "ours grouped on all votes",
                    "Pol.is's method on all votes",
                    "seeds ours <= Pol.is",
                ],
                table,
            ),
            "",
            "On the mean over seeds, ours is at least as good as Pol.is's group-ids on "
            f"{len(names) - len(worse_mean)} of {len(names)} exports"
            + (f" (worse on {', '.join(worse_mean)})" if worse_mean else "")
            + f", and as Pol.is's method on the same votes on {len(names) - len(worse_method)} "
            f"of {len(names)}"
            + (f" (worse on {', '.join(worse_method)})." if worse_method else "."),
            "",
            "Paired per-vote log-loss differences, votes of all seeds pooled, mean and 95% "
            "interval (negative favours the first). The last column is what seeing the hidden "
            "votes is worth to Pol.is's method:",
            "",
            markdown_table(
                [
                    "export",
                    "hidden votes",
                    "ours - Pol.is group-ids",
                    "ours - Pol.is's method, same votes",
                    "Pol.is's method: same 90% - all votes",
                ],
                paired,
            ),
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exports", nargs="*", help="export folder names (default: all)")
    parser.add_argument("--seeds", type=int, default=SEEDS, help="hiding seeds 0..N-1")
    args = parser.parse_args(argv)
    print(report(run(args.exports or None, range(args.seeds))))


if __name__ == "__main__":
    main()

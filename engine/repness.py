"""Group-representative statements (Pol.is "repness"), consensus, group-informed consensus.

All counts use agree = +1. ``A``, ``D``, ``S`` are agree, disagree and all-vote counts (passes
included in ``S``), shape (n_groups, n_statements) or (n_statements,).

References
----------
Pol.is ``math/src/polismath/math/repness.clj`` and ``stats.clj``; restated with every quirk in
shared/research/polis-math.md §3–4.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from .result import ConsensusStatement, RepStatement
from .settings import Z_90

__all__ = [
    "consensus",
    "group_informed_consensus",
    "prop_test",
    "representative_statements",
    "two_prop_test",
]


def prop_test(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """Pol.is's one-proportion z: ``2 sqrt(n + 1) ((s + 1) / (n + 1) - 0.5)``.

    Examples
    --------
    >>> float(prop_test(np.array(3), np.array(3)))  # sqrt(n + 1) when all succeed
    2.0
    """
    s = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    return 2.0 * np.sqrt(n + 1.0) * ((s + 1.0) / (n + 1.0) - 0.5)


def two_prop_test(s1: np.ndarray, s2: np.ndarray, n1: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Pol.is's two-proportion z with a pseudo-count of 1 on all four inputs (0 when p̂ = 1)."""
    s1, s2 = np.asarray(s1, float) + 1.0, np.asarray(s2, float) + 1.0
    n1, n2 = np.asarray(n1, float) + 1.0, np.asarray(n2, float) + 1.0
    pooled = (s1 + s2) / (n1 + n2)
    denom = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / denom
    return np.where(pooled >= 1.0, 0.0, np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0))


def _stats(A: np.ndarray, D: np.ndarray, S: np.ndarray) -> dict[str, np.ndarray]:
    """Per (group, statement): p, one-proportion z, ratio and two-proportion z against the rest."""
    rest_a, rest_d, rest_s = A.sum(0) - A, D.sum(0) - D, S.sum(0) - S
    pa, pd = (A + 1.0) / (S + 2.0), (D + 1.0) / (S + 2.0)
    return {
        "pa": pa,
        "pd": pd,
        "pat": prop_test(A, S),
        "pdt": prop_test(D, S),
        "ra": pa / ((1.0 + rest_a) / (2.0 + rest_s)),
        "rd": pd / ((1.0 + rest_d) / (2.0 + rest_s)),
        "rat": two_prop_test(A, rest_a, S, rest_s),
        "rdt": two_prop_test(D, rest_d, S, rest_s),
    }


def _finalize(
    st: dict[str, np.ndarray],
    A: np.ndarray,
    D: np.ndarray,
    S: np.ndarray,
    g: int,
    j: int,
    statement_id: Hashable,
    z: float,
    best_agree: bool = False,
    side: str | None = None,
) -> RepStatement:
    """Pol.is "finalize-cmt-stats": agree if its two-proportion z beats disagree's (``side``:
    the side this row represents instead, "agree" or "disagree"). ``passes_test``: both z
    statistics of that side exceed ``z``."""
    agree = st["rat"][g, j] > st["rdt"][g, j] if side is None else side == "agree"
    p, pt, r, rt = ("pa", "pat", "ra", "rat") if agree else ("pd", "pdt", "rd", "rdt")
    values = [float(st[name][g, j]) for name in (p, pt, r, rt)]
    return RepStatement(
        statement_index=j,
        statement_id=statement_id,
        repful_for="agree" if agree else "disagree",
        n_success=int(A[g, j] if agree else D[g, j]),
        n_trials=int(S[g, j]),
        p_success=values[0],
        p_test=values[1],
        repness=values[2],
        repness_test=values[3],
        metric=float(np.prod(values)),
        best_agree=best_agree,
        passes_test=bool(values[1] > z and values[3] > z),
    )


def representative_statements(
    A: np.ndarray,
    D: np.ndarray,
    S: np.ndarray,
    statement_ids: Sequence[Hashable],
    columns: np.ndarray,
    *,
    z: float = Z_90,
    per_group: int = 5,
    polis_sides: bool = False,
) -> list[list[RepStatement]]:
    """Pol.is repness: up to ``per_group`` statements per group, agrees listed first.

    Parameters
    ----------
    A, D, S : (n_groups, n_statements) counts of the groups' members.
    columns : bool (n_statements,); statements eligible (moderated-out and meta are skipped).
    polis_sides : label the "best agree" row as Pol.is does, by the larger two-proportion z
        (it can then be written out as a *disagree* statement with a negative p_test). Default
        False: it is shown as what it was chosen for, an agree statement.

    Notes
    -----
    A statement is *sufficient* for a group when both its one-proportion z and its
    two-proportion z (group vs all other groups) exceed ``z`` for agree, or both do for
    disagree. The "best agree" statement is tracked too and always shown first. Ranking metric:
    ``repness * repness_test * p_success * p_test``. With no sufficient statement the best
    agree (else the one with the largest two-proportion z) is returned alone.

    Every row says whether it passed the test on the side it shows (``passes_test``): the
    fallback rows, and a best-agree row shown beside sufficient ones, may not.
    """
    st = _stats(A, D, S)
    out: list[list[RepStatement]] = []
    eligible: list[int] = np.flatnonzero(columns).tolist()
    for g in range(A.shape[0]):
        sufficient_mask = ((st["rat"][g] > z) & (st["pat"][g] > z)) | (
            (st["rdt"][g] > z) & (st["pdt"][g] > z)
        )
        sufficient = [j for j in eligible if sufficient_mask[j]]
        # Plain lists: the scan below is sequential and numpy scalars are slow one at a time.
        pa, pat, ra, rat = (st[name][g].tolist() for name in ("pa", "pat", "ra", "rat"))
        rdt = st["rdt"][g]
        voted = ((A[g] + D[g]) > 0).tolist()
        best_agree = -1
        for j in eligible:  # sequential: the replace rule depends on the current holder
            if not voted[j]:
                continue
            if best_agree < 0:
                if pat[j] > z or (ra[j] > 1.0 and pa[j] > 0.5):
                    best_agree = j
            elif ra[best_agree] > 1.0:
                b = best_agree
                if ra[j] * rat[j] * pa[j] * pat[j] > ra[b] * rat[b] * pa[b] * pat[b]:
                    best_agree = j
            elif pa[j] * pat[j] > pa[best_agree] * pat[best_agree]:
                best_agree = j
        best_side = None if polis_sides else "agree"
        if not sufficient:
            if best_agree >= 0:
                out.append([_finalize(st, A, D, S, g, best_agree, statement_ids[best_agree], z,
                                      True, best_side)])
            elif len(eligible):
                best = eligible[int(np.argmax(np.maximum(st["rat"][g], rdt)[eligible]))]
                out.append([_finalize(st, A, D, S, g, best, statement_ids[best], z)])
            else:
                out.append([])
            continue
        # The finalized metric, vectorised, so only the few shown statements are built.
        agree_side = st["rat"][g] > st["rdt"][g]
        metric = np.where(
            agree_side,
            st["pa"][g] * st["pat"][g] * st["ra"][g] * st["rat"][g],
            st["pd"][g] * st["pdt"][g] * st["rd"][g] * st["rdt"][g],
        )
        rest = [j for j in sufficient if j != best_agree]
        top = sorted(rest, key=lambda j: -metric[j])[:per_group]
        chosen = [_finalize(st, A, D, S, g, j, statement_ids[j], z) for j in top]
        if best_agree >= 0:
            chosen.insert(0, _finalize(st, A, D, S, g, best_agree, statement_ids[best_agree], z,
                                       True, best_side))
        chosen = chosen[:per_group]
        out.append(
            [r for r in chosen if r.repful_for == "agree"]
            + [r for r in chosen if r.repful_for != "agree"]
        )
    return out


def consensus(
    A: np.ndarray,
    D: np.ndarray,
    S: np.ndarray,
    statement_ids: Sequence[Hashable],
    columns: np.ndarray,
    *,
    z: float = Z_90,
    count: int = 5,
) -> tuple[list[ConsensusStatement], list[ConsensusStatement]]:
    """Statements most participants agree (disagree) with, over all participants.

    A statement qualifies when ``p = (n + 1) / (S + 2) > 0.5`` and its one-proportion z exceeds
    ``z``; ranked by ``p * z``, top ``count`` each way (Pol.is).
    """
    result = []
    for n in (A, D):
        p = (n + 1.0) / (S + 2.0)
        pt = prop_test(n, S)
        ok = np.flatnonzero(columns & (p > 0.5) & (pt > z))
        ranked = ok[np.argsort(-(p * pt)[ok], kind="stable")][:count]
        result.append(
            [
                ConsensusStatement(
                    int(j), statement_ids[j], int(n[j]), int(S[j]), float(p[j]), float(pt[j])
                )
                for j in ranked
            ]
        )
    return result[0], result[1]


def group_informed_consensus(A: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Pol.is's group-informed consensus: product over groups of ``(A_g + 1) / (S_g + 2)``.

    Each factor is below 1, so values shrink as the number of groups grows and are not
    comparable across different k.

    Examples
    --------
    >>> group_informed_consensus(np.array([[3.0], [1.0]]), np.array([[4.0], [2.0]])).tolist()
    [0.3333333333333333]
    """
    if A.shape[0] == 0:
        return np.zeros(A.shape[1])
    return np.prod((A + 1.0) / (S + 2.0), axis=0)

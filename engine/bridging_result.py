"""Frozen results of :func:`engine.bridging.bridging` (its settings: :mod:`engine.settings`)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .breakdown import VoteBreakdown
from .common_ground import COMMON_GROUND, CommonGround, Verdict
from .factorization import FactorModel
from .intervals import wilson_interval
from .settings import BridgingSettings

__all__ = ["BridgingResult", "BridgingSettings", "BridgingStatement"]


@dataclass(frozen=True)
class BridgingStatement:
    """One statement's bridging figures, as listed best first by :meth:`BridgingResult.ranked`."""

    statement_id: Hashable
    score: float
    low: float
    high: float
    polarization: float
    #: opinion group id -> agree rate (agrees / votes seen, passes included).
    group_agree: dict[Hashable, float]
    #: attribute name -> category -> agree rate, cells of fewer than ``min_cell_size`` hidden.
    role_agree: dict[str, dict[Hashable, float]]
    #: Common ground (:mod:`engine.common_ground`): every opinion group and declared role
    #: supports it with evidence and no group, role or fine cell of the map rejects it.
    is_bridging: bool
    n_votes: int
    #: One of ``engine.common_ground.STATUSES``: why it is or is not common ground.
    status: str = "not_enough_votes"
    #: The opinion group with the lowest lower bound (the weakest supporter), its agree share
    #: among those who took a side and that share's lower bound (None: no votes in that group).
    weakest_group: Hashable | None = None
    weakest_group_agree: float | None = None
    weakest_group_low: float | None = None
    #: The same rule over the declared roles alone (None without roles): "common ground across
    #: roles" (``common_ground`` / ``not_enough_votes`` / ``rejected_by_a_role``).
    role_status: str | None = None
    #: attribute name -> (weakest shown category, its agree share among those who took a side).
    weakest_role: dict[str, tuple[Hashable, float]] = field(default_factory=dict)
    #: What the rule reads: group id -> agree share among those who took a side (agree /
    #: (agree + disagree)); groups where nobody did are left out.
    group_support: dict[Hashable, float] = field(default_factory=dict)
    #: attribute name -> category -> the same share; hidden (small) cells left out.
    role_support: dict[str, dict[Hashable, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class BridgingResult:
    """Per-statement bridging arrays, indexed like the vote matrix's columns (agree = +1)."""

    statement_ids: list[Hashable]
    participant_ids: list[Hashable]
    settings: BridgingSettings
    #: (n_statements,) statements scored (not moderated out, not meta).
    active: np.ndarray
    #: (n_statements,) statement intercept c_s: the bridging score (NaN if not active).
    score: np.ndarray
    #: (n_statements,) interval around the score at ``settings.interval_level``.
    low: np.ndarray
    high: np.ndarray
    #: (n_statements,) |g_s|, the statement's loading on the opinion factor.
    polarization: np.ndarray
    #: (n_statements,) votes seen (agree, disagree, pass) and their split.
    n_votes: np.ndarray
    n_agree: np.ndarray
    n_disagree: np.ndarray
    n_pass: np.ndarray
    #: (n_statements,) agrees from participants on the positive / negative side of factor 1.
    n_agree_positive: np.ndarray
    n_agree_negative: np.ndarray
    #: (n_statements,) the factor model's own rule (Community Notes): agrees from both sides of
    #: the axis, the interval bound and the polarisation cap. The listed ``is_bridging`` is the
    #: common-ground rule (``common``), which also hears groups the one axis cannot see.
    is_bridging: np.ndarray
    #: The fitted model (participant and statement parameters) — also the warm start.
    model: FactorModel
    #: (n_participants,) participant weights of the side-balanced fit (ones without balancing).
    participant_weights: np.ndarray
    #: Per-opinion-group counts (None without group labels).
    groups: VoteBreakdown | None = None
    #: attribute name -> per-category counts, small cells hidden.
    attributes: dict[str, VoteBreakdown] = field(default_factory=dict)
    #: The common-ground rule over groups, roles and the fine partition (None: not judged).
    common: CommonGround | None = None

    def order(self) -> np.ndarray:
        """Indices of active statements, best factor-model score first (ties: matrix order)."""
        idx = np.flatnonzero(self.active)
        return idx[np.lexsort((idx, -self.score[idx]))]

    @property
    def is_common_ground(self) -> np.ndarray:
        """(n_statements,) the common-ground rule (the factor model's rule if not judged)."""
        if self.common is None:
            return self.is_bridging & self.active
        return self.common.is_common_ground & self.active

    def listed_order(self, by: str = "groups") -> np.ndarray:
        """Indices of active statements as listed: every common-ground statement first, then
        the undecided, then the rejected; within each (outside common ground) the statements
        most of whose voters agree, on at least ``min_group_votes`` votes, before the rest,
        then by :meth:`CommonGround.rank_key` (the best-supported-by-everyone first), ties by
        the lower bound of the agree share among all votes seen (a statement nobody voted on
        does not come before one many agree with: the MF score of a statement without votes is
        its prior, 0, above most real ones), then the factor-model score, then matrix order.

        ``by="roles"`` orders by the rule over the roles alone (common ground across roles).
        """
        idx = np.flatnonzero(self.active)
        if self.common is None:
            return self.order()
        if by == "roles" and self.common.role_status is not None:
            rank = (self.common.role_status != COMMON_GROUND).astype(np.int64)
            key = _weakest_role_low(self.common)
        else:
            rank, key = self.common.status_rank(), self.common.rank_key()
        seen = np.asarray(self.n_votes)
        agree = np.asarray(self.n_agree)
        pooled, _ = wilson_interval(agree, seen, self.settings.common_ground.z)
        pooled = np.where(seen > 0, pooled, 0.0)
        # Outside common ground, a statement fewer than half of its voters agree with (or
        # nobody voted on) comes after the others: it is not close to common ground, however
        # its weakest group's bound reads (planted 3-4 group rooms: such a filler took the
        # 10th place when fewer than 10 statements were common ground).
        # So does one with fewer than ``min_group_votes`` votes in all: a single agree vote
        # does not bring a statement close to common ground (15-per-hour-seattle: a statement
        # with one vote was shown first as "coming closest", above 63% agree of 67 votes).
        # Nobody voted on it: the very last of its status (nothing is known).
        few = seen < self.settings.common_ground.min_group_votes
        minority = ((rank > 0) & ((2 * agree < seen) | few)).astype(np.int64)
        minority[seen == 0] = 2
        return idx[np.lexsort((idx, -self.score[idx], -pooled[idx], -key[idx], minority[idx],
                               rank[idx]))]

    def ranked(self, limit: int | None = None, by: str = "groups") -> list[BridgingStatement]:
        """Active statements in :meth:`listed_order`, with their explanations."""
        group_rates = self.groups.agree_rates() if self.groups is not None else None
        attr_rates = {name: b.agree_rates() for name, b in self.attributes.items()}
        cg = self.common

        def shown(categories: tuple[Hashable, ...], rates: np.ndarray) -> dict[Hashable, float]:
            return {c: float(r) for c, r in zip(categories, rates, strict=True) if not np.isnan(r)}

        out = []
        for s in self.listed_order(by)[:limit]:
            group_agree: dict[Hashable, float] = {}
            if self.groups is not None and group_rates is not None:
                group_agree = shown(self.groups.categories, group_rates[:, s])
            role_agree = {
                name: shown(b.categories, attr_rates[name][:, s])
                for name, b in self.attributes.items()
            }
            out.append(
                BridgingStatement(
                    statement_id=self.statement_ids[s],
                    score=float(self.score[s]),
                    low=float(self.low[s]),
                    high=float(self.high[s]),
                    polarization=float(self.polarization[s]),
                    group_agree=group_agree,
                    role_agree=role_agree,
                    is_bridging=bool(self.is_common_ground[s]),
                    n_votes=int(self.n_votes[s]),
                    **(_explain(cg, s) if cg is not None else {}),
                )
            )
        return out

    def to_json(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The ranked list as JSON-ready dicts (group and category keys as strings)."""
        return [
            {
                "statement_id": (
                    st.statement_id.item()
                    if isinstance(st.statement_id, np.generic)
                    else st.statement_id
                ),
                "score": round(st.score, 4),
                "low": round(st.low, 4),
                "high": round(st.high, 4),
                "polarization": round(st.polarization, 4),
                "group_agree": {str(g): round(r, 4) for g, r in st.group_agree.items()},
                "role_agree": {
                    a: {str(c): round(r, 4) for c, r in cats.items()}
                    for a, cats in st.role_agree.items()
                },
                "is_bridging": st.is_bridging,
                "n_votes": st.n_votes,
                "status": st.status,
                "weakest_group": _json_key(st.weakest_group),
                "weakest_group_agree": _rounded(st.weakest_group_agree),
                "weakest_group_low": _rounded(st.weakest_group_low),
                "role_status": st.role_status,
                "weakest_role": {
                    a: {"category": str(c), "agree": round(r, 4)}
                    for a, (c, r) in st.weakest_role.items()
                },
                "group_support": {str(g): round(r, 4) for g, r in st.group_support.items()},
                "role_support": {
                    a: {str(c): round(r, 4) for c, r in cats.items()}
                    for a, cats in st.role_support.items()
                },
            }
            for st in self.ranked(limit)
        ]


def _json_key(value: Hashable | None) -> str | None:
    return None if value is None else str(value)


def _rounded(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else round(value, 4)


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _weakest_role_low(cg: CommonGround) -> np.ndarray:
    """(n_statements,) lowest lower bound over every role's weakest category (-1: too few)."""
    n_s = cg.status.shape[0]
    key = np.full(n_s, np.inf)
    cols = np.arange(n_s)
    for verdict in cg.roles.values():
        if not verdict.categories:
            continue
        rows = np.maximum(verdict.weakest, 0)
        low = np.where(np.isnan(verdict.rate[rows, cols]), -1.0, verdict.low[rows, cols])
        key = np.minimum(key, low)
    return np.where(np.isfinite(key), key, -1.0)


def _explain(cg: CommonGround, s: int) -> dict[str, Any]:
    """The status and the weakest supporters of statement ``s`` (BridgingStatement fields)."""
    g = cg.groups

    def support(v: Verdict) -> dict[Hashable, float]:
        return {c: float(r) for c, r in zip(v.categories, v.rate[:, s], strict=True)
                if not np.isnan(r)}

    out: dict[str, Any] = {"status": str(cg.status[s]), "group_support": support(g)}
    w = int(g.weakest[s])
    if w >= 0 and not np.isnan(g.rate[w, s]):
        out.update(
            weakest_group=g.categories[w],
            weakest_group_agree=float(g.rate[w, s]),
            weakest_group_low=_finite(g.low[w, s]),
        )
    if cg.role_status is not None:
        out["role_status"] = str(cg.role_status[s])
        weakest: dict[str, tuple[Hashable, float]] = {}
        for name, verdict in cg.roles.items():
            r = int(verdict.weakest[s])
            if r >= 0 and not np.isnan(verdict.rate[r, s]):
                weakest[name] = (verdict.categories[r], float(verdict.rate[r, s]))
        out["weakest_role"] = weakest
        out["role_support"] = {name: support(v) for name, v in cg.roles.items()}
    return out

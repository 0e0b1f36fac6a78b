"""Frozen results of :func:`engine.bridging.bridging` (its settings: :mod:`engine.settings`)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .breakdown import VoteBreakdown
from .factorization import FactorModel
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
    is_bridging: bool
    n_votes: int


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
    #: (n_statements,) passes the evidence rule, the interval bound and the polarisation cap.
    is_bridging: np.ndarray
    #: The fitted model (participant and statement parameters) — also the warm start.
    model: FactorModel
    #: (n_participants,) participant weights of the side-balanced fit (ones without balancing).
    participant_weights: np.ndarray
    #: Per-opinion-group counts (None without group labels).
    groups: VoteBreakdown | None = None
    #: attribute name -> per-category counts, small cells hidden.
    attributes: dict[str, VoteBreakdown] = field(default_factory=dict)

    def order(self) -> np.ndarray:
        """Indices of active statements, best score first (ties: matrix order)."""
        idx = np.flatnonzero(self.active)
        return idx[np.lexsort((idx, -self.score[idx]))]

    def ranked(self, limit: int | None = None) -> list[BridgingStatement]:
        """Active statements, best first, with their explanations."""
        group_rates = self.groups.agree_rates() if self.groups is not None else None
        attr_rates = {name: b.agree_rates() for name, b in self.attributes.items()}

        def shown(categories: tuple[Hashable, ...], rates: np.ndarray) -> dict[Hashable, float]:
            return {c: float(r) for c, r in zip(categories, rates, strict=True) if not np.isnan(r)}

        out = []
        for s in self.order()[:limit]:
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
                    is_bridging=bool(self.is_bridging[s]),
                    n_votes=int(self.n_votes[s]),
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
            }
            for st in self.ranked(limit)
        ]

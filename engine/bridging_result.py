"""Settings and frozen results of :func:`engine.bridging.bridging`."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .breakdown import MIN_CELL_SIZE_FLOOR, VoteBreakdown
from .errors import InvalidSettingError
from .factorization import FactorModel

__all__ = ["BridgingResult", "BridgingSettings", "BridgingStatement"]


@dataclass(frozen=True)
class BridgingSettings:
    """Settings of :func:`engine.bridging.bridging`; frozen, validated on construction."""

    #: Factor dimensions. Community Notes uses 1 ("to avoid overfitting").
    n_factors: int = 1
    #: Mean-loss penalty on intercepts (Community Notes: 0.15, five times the factors').
    intercept_reg: float = 0.15
    #: Mean-loss penalty on factors (Community Notes: 0.03).
    factor_reg: float = 0.03
    #: Weight of a pass (target 1/2) relative to an agree / disagree (see :mod:`engine.bridging`).
    #: Measured (benchmarks/RESULTS.md): 1 ranks statements whose held-out support is broadest
    #: (mean lowest-group agree rate of the top 10 on the Pol.is exports 0.70, vs 0.68 at 1/2
    #: and 0.65 when passes are dropped), at a 3% worse Brier score on agree-vs-disagree.
    pass_weight: float = 1.0
    #: ALS sweeps at most, and the largest parameter change that counts as converged
    #: (scores are shown to two decimals; 1e-4 leaves them within ~1e-4 of the optimum).
    max_iterations: int = 300
    tolerance: float = 1e-4
    #: Two-sided coverage of the score interval.
    interval_level: float = 0.95
    #: Pseudo-votes with the pooled residual variance added to each statement's own (shrinkage,
    #: so a statement with 3 identical votes does not get a zero-width interval).
    noise_prior_votes: float = 10.0
    #: Evidence rule: agrees needed from each side of the factor axis (Community Notes, 2025:
    #: 5 positive- and 5 negative-factor raters must rate a note helpful).
    min_side_agrees: int = 5
    #: A bridging statement's interval must lie above this score (support beyond the average
    #: vote that the factor does not explain).
    min_score: float = 0.0
    #: ... and its polarisation below this (Community Notes' factor cap |f_n| < 0.5).
    max_polarization: float = 0.5
    #: Refit with both sides of the factor axis weighted equally (Community Notes' side-balancing
    #: weights, from its expanded-consensus trial). Without it, the factor's zero point - where
    #: the intercept is read - sits near the majority, and a large group's favourites score as
    #: bridging (measured in benchmarks/RESULTS.md, "Bridging").
    balance_sides: bool = True
    #: ... with no participant weighted more than this (our choice: a handful of participants on
    #: a tiny side must not outweigh everyone).
    max_side_weight: float = 5.0
    #: k-anonymity for declared attributes (roles...): cells with fewer participants are hidden.
    min_cell_size: int = 5

    def __post_init__(self) -> None:
        for name in ("n_factors", "max_iterations", "min_side_agrees"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < (0 if name == "min_side_agrees" else 1):
                raise InvalidSettingError(f"{name} must be a positive integer, got {value!r}")
        for name in ("intercept_reg", "factor_reg", "tolerance"):
            if not getattr(self, name) > 0:
                raise InvalidSettingError(f"{name} must be > 0, got {getattr(self, name)!r}")
        if not 0 <= self.pass_weight <= 1:
            raise InvalidSettingError(f"pass_weight must be in [0, 1], got {self.pass_weight!r}")
        if not 0 < self.interval_level < 1:
            raise InvalidSettingError(
                f"interval_level must be in (0, 1), got {self.interval_level!r}"
            )
        if not self.max_side_weight >= 1:
            raise InvalidSettingError(f"max_side_weight must be >= 1, got {self.max_side_weight!r}")
        if self.noise_prior_votes < 0 or self.max_polarization <= 0:
            raise InvalidSettingError(
                "noise_prior_votes must be >= 0 and max_polarization > 0, got "
                f"{self.noise_prior_votes!r}, {self.max_polarization!r}"
            )
        if not isinstance(self.min_cell_size, int) or self.min_cell_size < MIN_CELL_SIZE_FLOOR:
            raise InvalidSettingError(
                f"min_cell_size must be an integer >= {MIN_CELL_SIZE_FLOOR}, "
                f"got {self.min_cell_size!r}"
            )


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

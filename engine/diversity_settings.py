"""Settings of the participation, diversity and weighting measures, each with its source.

One frozen object, validated on construction, used by :mod:`engine.participation`,
:mod:`engine.diversity` and :mod:`engine.weighting`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import InvalidSettingError

__all__ = ["DIVERSITY", "MIN_CELL_SIZE_FLOOR", "DiversitySettings"]

#: Smallest k-anonymity threshold we accept. Below 3 a published cell plus the total lets a
#: reader single out one or two people (issue 5: "k configurable, never below 3").
MIN_CELL_SIZE_FLOOR = 3


@dataclass(frozen=True)
class DiversitySettings:
    """Named constants of the diversity measures (frozen; change with :meth:`with_`)."""

    #: k-anonymity: hide every breakdown cell with fewer participants than this. 5 is the minimum
    #: used by Dutch survey vendors and CBS microdata practice (research note section 5.6).
    min_cell_size: int = 5
    #: Reference shares of one attribute must sum to 1 within this (issue 5).
    share_tolerance: float = 0.01
    #: Raking stops when every weighted margin share is within this of its target
    #: (the usual IPF stopping rule; PyPI ``ipfn`` uses 1e-3 by default, we ask for more).
    raking_tolerance: float = 1e-6
    #: Raking gives up (reporting ``converged=False``) after this many sweeps over the margins.
    raking_max_iterations: int = 100
    #: Histogram of votes per participant: number of bins (log-spaced edges, see participation).
    histogram_bins: int = 20
    #: Participants in conversation have at least this many votes (Pol.is ``min-votes`` 7).
    in_conversation_votes: int = 7
    #: Longest time series: two years of hours. A longer dialogue gets no hourly series (only
    #: daily); a span of more daily bins than this (over 48 years) means bad timestamps, e.g.
    #: milliseconds given as seconds, and is an error.
    max_time_bins: int = 24 * 366 * 2
    #: Per-statement group differences use only groups with at least this many votes on the
    #: statement (Jigsaw's consensus rule asks 20; we ask the k-anonymity minimum of 5 so that no
    #: group rate rests on one or two votes).
    min_group_votes: int = 5
    #: Coverage: how many top bridging statements count by default (Pol.is shows 5 consensus ones).
    coverage_top_n: int = 5

    def __post_init__(self) -> None:
        if not isinstance(self.min_cell_size, int) or self.min_cell_size < MIN_CELL_SIZE_FLOOR:
            raise InvalidSettingError(
                f"min_cell_size must be an integer >= {MIN_CELL_SIZE_FLOOR}, "
                f"got {self.min_cell_size!r}"
            )
        if not 0 < self.share_tolerance < 0.5:
            raise InvalidSettingError(
                f"share_tolerance must be in (0, 0.5), got {self.share_tolerance!r}"
            )
        if not 0 < self.raking_tolerance < 0.1:
            raise InvalidSettingError(
                f"raking_tolerance must be in (0, 0.1), got {self.raking_tolerance!r}"
            )
        for name in (
            "raking_max_iterations",
            "histogram_bins",
            "in_conversation_votes",
            "max_time_bins",
            "coverage_top_n",
            "min_group_votes",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise InvalidSettingError(f"{name} must be a positive integer, got {value!r}")

    def with_(self, **changes: object) -> DiversitySettings:
        """A copy with some settings changed (validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]


#: The default settings.
DIVERSITY = DiversitySettings()

"""One entry point: :func:`analyze` a vote matrix; :func:`update` it live with warm starts.

Both run the same named steps (:mod:`engine.steps`); ``update`` marks the run as live, so the
default variant keeps what has not gone stale (see :class:`engine.settings.LiveSettings`). Both
hold the native libraries to ``settings.NATIVE_THREADS`` threads while they run.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from .matrix import VoteMatrix
from .result import AnalysisResult, AnalysisState
from .settings import NATIVE_THREADS, AnalysisSettings
from .steps import run

__all__ = ["analyze", "update"]


def analyze(
    matrix: VoteMatrix,
    settings: AnalysisSettings | None = None,
    *,
    previous: AnalysisState | None = None,
    random_state: int | None = 0,
    attributes: Mapping[str, Sequence[Hashable] | np.ndarray] | None = None,
    in_conversation: Collection[Hashable] | None = None,
) -> AnalysisResult:
    """Opinion map, groups, repness, consensus, bridging and routing priorities.

    Parameters
    ----------
    matrix : VoteMatrix (agree = +1); it is not modified.
    settings : AnalysisSettings; ``engine.settings.POLIS`` reproduces Pol.is. It holds the
        bridging fit's settings too (``settings.bridging_fit``; ``bridging=False`` skips it).
    previous : state of an earlier analysis of the same conversation (warm starts, stable group
        ids, once-in-always-in, the k smoother).
    random_state : seed; the same seed and input give identical output.
    attributes : optional name -> category per participant (rows of ``matrix``), e.g. declared
        roles; bridging explains each statement per category too (small cells hidden).
    in_conversation : participant ids already in conversation before this analysis, added to
        those of ``previous`` (Pol.is: once in, always in). A Pol.is export records this state:
        the participants it grouped.

    Returns
    -------
    AnalysisResult

    Examples
    --------
    >>> m = VoteMatrix.from_records([0, 0, 1, 1], ["s1", "s2", "s1", "s2"], [1, 1, -1, -1])
    >>> r = analyze(m)
    >>> r.n_votes, int(r.in_conversation.sum())
    (4, 2)
    """
    with threadpool_limits(limits=NATIVE_THREADS):
        return run(
            matrix,
            settings or AnalysisSettings(),
            previous,
            random_state,
            live=False,
            attributes=attributes,
            already_in=in_conversation,
        )


def update(
    matrix: VoteMatrix,
    previous: AnalysisResult,
    settings: AnalysisSettings | None = None,
    *,
    random_state: int | None = 0,
    attributes: Mapping[str, Sequence[Hashable] | np.ndarray] | None = None,
) -> AnalysisResult:
    """Live update after new votes: warm-started from ``previous``.

    Pol.is mode recomputes everything (as Pol.is does on every tick). The default keeps the
    map's axes, the number of groups and the bridging fit until the votes grow by 10% (or the
    statements change; ``settings.live``), re-projects everyone on the kept axes, moves
    participants to their nearest base cluster and refreshes every count, so an update costs a
    fraction of a full analysis; after growth it takes one power step from the previous axes
    and rescores k.
    """
    with threadpool_limits(limits=NATIVE_THREADS):
        return run(
            matrix,
            settings or AnalysisSettings(),
            previous.state,
            random_state,
            live=True,
            attributes=attributes,
        )

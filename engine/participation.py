"""Participation: how many took part, how much, and how the dialogue grew over time.

Pure functions on arrays of event records (no database rows). Times are seconds since the Unix
epoch (UTC); Pol.is exports give milliseconds, so divide by 1000 first. Participants are numbered
0 .. n_participants - 1 in the order of ``join_times``.

The measures follow the research note ``bridging-and-diversity.md`` section 5.1: the funnel
joined -> voted -> wrote a statement, votes per voter (distribution, Gini of contributions,
top-10 % share), matrix density and statements by moderation state, each also per hour and per day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .diversity_settings import DIVERSITY, DiversitySettings
from .errors import EngineError
from .settings import POLIS_MIN_VOTES

__all__ = [
    "DAY",
    "HOUR",
    "ParticipationResult",
    "TimeSeries",
    "VoteDistribution",
    "gini",
    "histogram_edges",
    "participation",
    "time_series",
]

#: Bin widths of the time series, in seconds (UTC hours and days).
HOUR = 3600
DAY = 86400
#: Share of the most active voters whose share of the votes is reported (top 10 %).
TOP_SHARE = 0.10


@dataclass(frozen=True)
class VoteDistribution:
    """Votes per voter (participants with at least one vote)."""

    n_voters: int
    mean: float
    median: float
    p25: float
    p75: float
    p90: float
    max: int
    #: Gini coefficient of votes per voter: 0 = everyone voted equally often, -> 1 = one did all.
    gini: float
    #: Share of all votes cast by the most active 10 % of voters.
    top10_share: float
    #: Histogram: ``counts[i]`` voters have ``edges[i] <= votes < edges[i + 1]`` (integer edges).
    edges: np.ndarray
    counts: np.ndarray


@dataclass(frozen=True)
class TimeSeries:
    """Counts per time bin; bins are contiguous (empty ones included) and aligned to UTC."""

    #: Width of a bin in seconds (:data:`HOUR` or :data:`DAY`).
    bin_seconds: int
    #: (n_bins,) start of each bin, seconds since the epoch.
    start: np.ndarray
    #: (n_bins,) participants who joined, cast their first vote, wrote their first statement.
    joined: np.ndarray
    new_voters: np.ndarray
    new_writers: np.ndarray
    #: (n_bins,) vote records (a changed vote counts again: this is activity).
    votes: np.ndarray
    #: state -> (n_bins,) statements submitted in the bin that are now in that moderation state.
    statements: dict[str, np.ndarray]


@dataclass(frozen=True)
class ParticipationResult:
    """The participation funnel, depth and growth of one conversation."""

    n_joined: int
    n_voted: int
    n_wrote: int
    #: Participants with at least min(min_votes, n_statements) distinct votes (``min_votes``:
    #: the analysis's ``AnalysisSettings.min_votes``).
    n_in_conversation: int
    n_statements: int
    #: Distinct (participant, statement) cells voted on, latest vote wins.
    n_votes: int
    #: n_votes / (n_voted * n_statements): share of the voters x statements matrix filled.
    density: float
    votes_per_voter: VoteDistribution
    #: Moderation state -> number of statements.
    statements_by_state: dict[str, int]
    #: Per hour; None when the dialogue spans more than ``max_time_bins`` hours.
    hourly: TimeSeries | None
    daily: TimeSeries
    #: The votes that count a participant in conversation: min(min_votes, n_statements).
    in_conversation_votes: int = POLIS_MIN_VOTES


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative amounts (e.g. votes per participant).

    Parameters
    ----------
    x : array_like, shape (n,)
        Non-negative amounts; not modified.

    Returns
    -------
    float
        G in [0, 1 - 1/n]; 0 for an empty or all-zero input.

    Notes
    -----
    G = sum_i sum_j |x_i - x_j| / (2 n^2 mean(x)), computed in O(n log n) from the sorted values
    x_(1) <= ... <= x_(n) as G = 2 sum_i i x_(i) / (n sum x) - (n + 1) / n.

    References
    ----------
    Gini (1912); the formula as in the research note section 5.1.

    Examples
    --------
    >>> round(gini(np.array([1, 1, 1, 5])), 4)
    0.375
    """
    values = np.sort(np.asarray(x, dtype=np.float64))
    n = len(values)
    total = values.sum()
    if n == 0 or total == 0:
        return 0.0
    if values[0] < 0:
        raise EngineError(f"gini needs non-negative amounts, got minimum {values[0]!r}")
    ranks = np.arange(1, n + 1, dtype=np.float64)
    return float(2.0 * (ranks @ values) / (n * total) - (n + 1) / n)


def histogram_edges(highest: int, n_bins: int) -> np.ndarray:
    """Edges of the votes-per-voter histogram: ``n_bins`` bins of equal width from 1 to
    ``highest + 1`` (rounded to whole votes, so fewer bins when ``highest`` is small).

    >>> histogram_edges(10, 5).tolist()
    [1, 3, 5, 7, 9, 11]
    """
    return np.unique(np.round(np.linspace(1, max(highest, 1) + 1, n_bins + 1))).astype(np.int64)


def _distribution(counts: np.ndarray, settings: DiversitySettings) -> VoteDistribution:
    """Summary and histogram of votes per voter (``counts`` > 0 only)."""
    n = len(counts)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return VoteDistribution(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, 0.0, 0.0, empty, empty)
    p25, median, p75, p90 = np.percentile(counts, [25, 50, 75, 90])
    top = math.ceil(TOP_SHARE * n)
    # partition instead of a full sort: only the top-n sum is needed.
    top_sum = np.partition(counts, n - top)[n - top :].sum()
    highest = int(counts.max())
    edges = histogram_edges(highest, settings.histogram_bins)
    hist, _ = np.histogram(counts, bins=edges)
    return VoteDistribution(
        n_voters=n,
        mean=float(counts.mean()),
        median=float(median),
        p25=float(p25),
        p75=float(p75),
        p90=float(p90),
        max=highest,
        gini=gini(counts),
        top10_share=float(top_sum / counts.sum()),
        edges=edges,
        counts=hist.astype(np.int64),
    )


def _bins(times: np.ndarray, origin: int, width: int, n_bins: int) -> np.ndarray:
    """Events per bin, for finite times only."""
    t = times[np.isfinite(times)]
    # origin is a multiple of width, so floor((t - origin) / width) is the bin of t
    idx = np.floor((t - origin) / width).astype(np.int64)
    return np.bincount(idx, minlength=n_bins)[:n_bins].astype(np.int64)


def time_series(
    bin_seconds: int,
    join_times: np.ndarray,
    first_vote_times: np.ndarray,
    first_statement_times: np.ndarray,
    vote_times: np.ndarray,
    statement_times: np.ndarray,
    statement_states: np.ndarray,
    settings: DiversitySettings = DIVERSITY,
) -> TimeSeries:
    """Count events per UTC-aligned bin of ``bin_seconds``; non-finite times are left out.

    The bins run from the bin of the earliest event to that of the latest, empty bins included.

    Raises
    ------
    EngineError
        If the span needs more than ``settings.max_time_bins`` bins (a sign of bad timestamps).
    """
    everything = [a[np.isfinite(a)] for a in (join_times, vote_times, statement_times)]
    finite = [a for a in everything if len(a)]
    if not finite:
        empty = np.zeros(0, dtype=np.int64)
        return TimeSeries(
            bin_seconds,
            empty,
            empty,
            empty,
            empty,
            empty,
            {str(s): empty for s in np.unique(statement_states)},
        )
    first = min(float(a.min()) for a in finite)
    last = max(float(a.max()) for a in finite)
    origin = int(math.floor(first / bin_seconds) * bin_seconds)
    n_bins = int((math.floor(last / bin_seconds) * bin_seconds - origin) // bin_seconds) + 1
    if n_bins > settings.max_time_bins:
        raise EngineError(
            f"times span {n_bins} bins of {bin_seconds} s (from {first:.0f} to {last:.0f} s since "
            f"the epoch); more than max_time_bins={settings.max_time_bins}: check the timestamps"
        )
    start = origin + bin_seconds * np.arange(n_bins, dtype=np.int64)
    by_state = {
        str(state): _bins(statement_times[statement_states == state], origin, bin_seconds, n_bins)
        for state in np.unique(statement_states)
    }
    return TimeSeries(
        bin_seconds=bin_seconds,
        start=start,
        joined=_bins(join_times, origin, bin_seconds, n_bins),
        new_voters=_bins(first_vote_times, origin, bin_seconds, n_bins),
        new_writers=_bins(first_statement_times, origin, bin_seconds, n_bins),
        votes=_bins(vote_times, origin, bin_seconds, n_bins),
        statements=by_state,
    )


#: :func:`_distinct_per_row` marks the cells in a (rows x columns) table of bytes up to this many
#: cells (64 MB; a 20,000 x 900 room takes 18 MB), else sums duplicates of a sparse matrix.
DENSE_CELLS = 64_000_000


def _distinct_per_row(rows: np.ndarray, cols: np.ndarray, n_rows: int,
                      n_cols: int) -> np.ndarray:
    """The number of distinct columns per row among the pairs (rows, cols).

    A table of the cells, marked and summed per row, where it is small enough: one pass over the
    pairs (a fifth of the time of the sparse matrix on the 20,000-participant export's 2.3
    million votes); else a sparse matrix whose duplicates are summed (sorting within rows only,
    several times faster than a global sort or np.unique of the keys). The same counts.

    >>> _distinct_per_row(np.array([0, 0, 0, 2]), np.array([1, 1, 0, 1]), 3, 2).tolist()
    [2, 0, 1]
    """
    if n_rows * n_cols <= DENSE_CELLS:
        seen = np.zeros(n_rows * n_cols, dtype=bool)
        seen[rows * n_cols + cols] = True
        return np.count_nonzero(seen.reshape(n_rows, n_cols), axis=1)
    cells = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)),
                          shape=(n_rows, n_cols))
    cells.sum_duplicates()
    return np.diff(cells.indptr)


def _first_time(who: np.ndarray, times: np.ndarray, n: int) -> np.ndarray:
    """Earliest known time per participant (inf if none)."""
    first = np.full(n, np.inf)
    np.fmin.at(first, who, times)  # fmin: unknown (NaN) times are skipped
    return first


def participation(
    join_times: np.ndarray,
    vote_participants: np.ndarray,
    vote_statements: np.ndarray,
    vote_times: np.ndarray,
    statement_times: np.ndarray,
    statement_states: np.ndarray,
    statement_authors: np.ndarray,
    settings: DiversitySettings = DIVERSITY,
    min_votes: int = POLIS_MIN_VOTES,
) -> ParticipationResult:
    """Participation funnel, depth and growth.

    Parameters
    ----------
    join_times : ndarray, shape (n_participants,)
        When each participant joined (seconds since the epoch; NaN if unknown).
    vote_participants, vote_statements : ndarray of int, shape (n_vote_records,)
        Who voted on which statement (numbers 0..n-1); re-votes may repeat a pair.
    vote_times : ndarray, shape (n_vote_records,)
    statement_times : ndarray, shape (n_statements,)
        When each statement was submitted.
    statement_states : ndarray of str, shape (n_statements,)
        Moderation state of each statement (e.g. "accepted", "unmoderated", "rejected").
    statement_authors : ndarray of int, shape (n_statements,)
        Participant number of the author, -1 for seed statements from the facilitator.
    settings : DiversitySettings
    min_votes : int
        A participant with at least min(min_votes, n_statements) distinct votes is in
        conversation: pass the analysis's ``AnalysisSettings.min_votes`` (the one home of the
        rule; default Pol.is's 7).

    Returns
    -------
    ParticipationResult

    Notes
    -----
    Votes per voter count distinct statements (the latest vote wins, as in the vote matrix);
    the time series count every vote record. density = n_votes / (n_voted x n_statements).
    Gini and the distribution are over voters only; non-voters show in the funnel instead.
    A dialogue longer than ``settings.max_time_bins`` hours has ``hourly = None``.

    Examples
    --------
    >>> r = participation(np.array([0., 10, 20]), np.array([0, 0, 1]), np.array([0, 1, 0]),
    ...                   np.array([5., 6, 25]), np.array([0., 7]), np.array(["accepted"] * 2),
    ...                   np.array([-1, 1]))
    >>> (r.n_joined, r.n_voted, r.n_wrote, r.n_votes, r.density)
    (3, 2, 1, 3, 0.75)
    """
    join_times = np.asarray(join_times, dtype=np.float64)
    vp = np.asarray(vote_participants, dtype=np.int64)
    vs = np.asarray(vote_statements, dtype=np.int64)
    vt = np.asarray(vote_times, dtype=np.float64)
    st = np.asarray(statement_times, dtype=np.float64)
    states = np.asarray(statement_states).astype(str)
    authors = np.asarray(statement_authors, dtype=np.int64)
    n_p, n_s = len(join_times), len(st)
    if not len(vp) == len(vs) == len(vt):
        raise EngineError(
            f"vote arrays differ in length: participants {len(vp)}, "
            f"statements {len(vs)}, times {len(vt)}"
        )
    if not len(states) == len(authors) == n_s:
        raise EngineError(
            f"statement arrays differ in length: times {n_s}, states {len(states)}, "
            f"authors {len(authors)}"
        )
    if len(vp) and (vp.min() < 0 or vp.max() >= n_p):
        raise EngineError(f"vote_participants must be in 0..{n_p - 1}, got {vp.min()}..{vp.max()}")
    if len(vs) and (vs.min() < 0 or vs.max() >= n_s):
        raise EngineError(f"vote_statements must be in 0..{n_s - 1}, got {vs.min()}..{vs.max()}")
    if n_s and authors.max() >= n_p:
        raise EngineError(f"statement_authors must be -1 or < {n_p}, got {authors.max()}")

    per_voter = _distinct_per_row(vp, vs, n_p, n_s)
    n_cells = int(per_voter.sum())
    voted = per_voter[per_voter > 0]
    wrote = authors[authors >= 0]
    needed = min(min_votes, n_s)
    n_voted = len(voted)
    states_count = {
        str(s): int(c) for s, c in zip(*np.unique(states, return_counts=True), strict=True)
    }

    first_vote = _first_time(vp, vt, n_p)
    first_statement = _first_time(wrote, st[authors >= 0], n_p)

    def series(width: int) -> TimeSeries:
        return time_series(width, join_times, first_vote, first_statement, vt, st, states, settings)

    daily = series(DAY)  # raises on absurd spans (bad timestamps)
    hourly = series(HOUR) if len(daily.start) * (DAY // HOUR) <= settings.max_time_bins else None
    return ParticipationResult(
        n_joined=n_p,
        n_voted=n_voted,
        n_wrote=len(np.unique(wrote)),
        n_in_conversation=int(np.count_nonzero(per_voter >= max(needed, 1))),
        n_statements=n_s,
        n_votes=n_cells,
        density=float(n_cells / (n_voted * n_s)) if n_voted and n_s else 0.0,
        votes_per_voter=_distribution(voted, settings),
        statements_by_state=states_count,
        hourly=hourly,
        daily=daily,
        in_conversation_votes=needed,
    )

"""Participation and opinion diversity of an analysed Pol.is export, for ``meedenken analyze``.

Exports carry no demographics, so only the participation funnel and the opinion diversity are
reported (see ``engine.participation`` and ``engine.opinion_diversity``). Exports have no join
time either: a participant's first vote (or first comment) stands in for it. Timestamps of 0
(unknown, e.g. votes rebuilt from participants-votes.csv) are left out of the time series.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from meedenken.engine.diversity_settings import DIVERSITY, DiversitySettings
from meedenken.engine.participation import ParticipationResult, participation
from meedenken.engine.settings import POLIS_MIN_VOTES

if TYPE_CHECKING:  # the opinion measures (SciPy's stats) and the schemas (pydantic) load late
    from meedenken.api.present.schemas import AnalyzeDiversity
    from meedenken.engine import AnalysisResult
    from meedenken.engine.matrix import VoteMatrix
    from meedenken.engine.opinion_diversity import OpinionDiversity
    from meedenken.models.polis_export import PolisExport

__all__ = ["DiversityReport", "diversity_json", "diversity_lines", "export_diversity",
           "export_participation"]

#: Pol.is ``moderated`` values -> moderation state names.
MODERATION = {1: "accepted", 0: "unmoderated", -1: "rejected"}

DiversityReport = tuple[ParticipationResult, "OpinionDiversity", list[Any]]


def export_diversity(export: PolisExport, matrix: VoteMatrix, result: AnalysisResult,
                     settings: DiversitySettings = DIVERSITY,
                     min_votes: int = POLIS_MIN_VOTES,
                     part: ParticipationResult | None = None) -> DiversityReport:
    """Participation (from the vote events) and opinion diversity (from the analysis).

    Coverage counts the top ``settings.coverage_top_n`` statements by group-informed consensus
    among those in the analysis (the third item returned, best first). They are not the
    ``bridging`` list (matrix factorisation, ``result.bridging``). ``part``: the participation
    already computed by :func:`export_participation` with the same settings (``meedenken
    analyze`` computes it while the analysis modules are still being imported).
    """
    from meedenken.engine.opinion_diversity import opinion_diversity, top_by_consensus

    if part is None:
        part = export_participation(export, settings, min_votes)
    active = result.in_conversation  # participants placed on the map
    labels = np.where(active, result.clustering.labels, -1)
    top = top_by_consensus(np.asarray(result.group_informed_consensus, dtype=float),
                           matrix.active, settings.coverage_top_n)
    opinion = opinion_diversity(matrix.X, labels, result.opinion_map.coordinates, top, settings)
    return part, opinion, [result.statement_ids[j] for j in top]


def export_participation(export: PolisExport, settings: DiversitySettings = DIVERSITY,
                         min_votes: int = POLIS_MIN_VOTES) -> ParticipationResult:
    """The participation funnel of an export, from its vote events and comments alone."""
    people = list(export.participant_ids if export.participant_ids is not None else [])
    index = {int(p): i for i, p in enumerate(people)}
    for comment in export.comments:  # authors who never voted still joined
        if comment.author_id >= 0 and comment.author_id not in index:
            index[comment.author_id] = len(index)
    times = np.where(export.timestamps > 0, export.timestamps, np.nan)
    # Every voter is one of export.participant_ids (PolisExport adds them), and comment ids
    # are distinct: both are looked up by _positions, not by a dictionary per vote.
    voters = _positions(np.asarray(people, dtype=np.int64), export.voter_ids)
    join = np.full(len(index), np.nan)
    np.fmin.at(join, voters, times)
    comment_ids = np.array([c.comment_id for c in export.comments], dtype=np.int64)
    columns = _positions(comment_ids, export.comment_ids)
    known = columns >= 0
    comment_times = np.array([c.timestamp if c.timestamp > 0 else np.nan
                              for c in export.comments])
    authors = np.array([index.get(c.author_id, -1) for c in export.comments], dtype=np.int64)
    np.fmin.at(join, authors[authors >= 0], comment_times[authors >= 0])
    return participation(
        join, voters[known], columns[known],
        times[known], comment_times,
        np.array(["meta" if c.is_meta else MODERATION.get(c.moderated, str(c.moderated))
                  for c in export.comments]),
        authors, settings, min_votes)


#: :func:`_positions` looks ids below ``len(values) + DENSE_ID_SLACK`` up in a table indexed by
#: the id (at most one int64 array of that size); others by binary search.
DENSE_ID_SLACK = 1_000_000


def _positions(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each of ``values``' position in ``ids`` (distinct integers), -1 where it is not one.

    Pol.is numbers participants and comments from 0, so a table indexed by the id answers
    millions of votes in one pass; any other ids take a binary search over the sorted ids.

    >>> _positions(np.array([7, 3, 5]), np.array([5, 7, 4, 3])).tolist()
    [2, 0, -1, 1]
    """
    values = np.asarray(values, dtype=np.int64)
    if not len(ids):
        return np.full(len(values), -1, dtype=np.int64)
    high = int(ids.max())
    if ids.min() >= 0 and high < len(values) + DENSE_ID_SLACK:
        table = np.full(high + 2, -1, dtype=np.int64)  # the last entry answers every other id
        table[ids] = np.arange(len(ids))
        return table[np.clip(values, -1, high + 1)]  # -1 and high + 1: the last entry
    order = np.argsort(ids, kind="stable")
    at = np.minimum(np.searchsorted(ids[order], values), len(ids) - 1)
    return np.where(ids[order][at] == values, order[at], -1)


def diversity_json(report: DiversityReport) -> AnalyzeDiversity:
    """The ``diversity`` object of ``meedenken analyze --json``.

    ``opinion.top_group_informed_consensus`` names the statements coverage counts (top by
    group-informed consensus); ``opinion.bridging`` is its older, deprecated name (the same
    list, not the matrix-factorisation ``bridging`` of the answer's top level).
    """
    from meedenken.api.present.analysis import finite, plain_id
    from meedenken.api.present.schemas import (
        AnalyzeDiversity,
        AnalyzeOpinion,
        AnalyzeParticipation,
        AnalyzeVotesPerVoter,
    )

    part, opinion, top = report
    d = part.votes_per_voter
    cover = opinion.coverage
    cramers = opinion.differences.cramers_v
    ids = [plain_id(s) for s in top]
    return AnalyzeDiversity(
        participation=AnalyzeParticipation(
            joined=part.n_joined, voted=part.n_voted, wrote=part.n_wrote,
            in_conversation=part.n_in_conversation, votes=part.n_votes,
            density=finite(part.density),
            votes_per_voter=AnalyzeVotesPerVoter(
                mean=finite(d.mean), median=finite(d.median), p90=finite(d.p90), max=d.max,
                gini=finite(d.gini), top10_share=finite(d.top10_share)),
            statements_by_state=part.statements_by_state,
            days=len(part.daily.start),
            votes_per_day=part.daily.votes.tolist(),
        ),
        opinion=AnalyzeOpinion(
            groups=opinion.n_groups,
            effective_groups=finite(opinion.effective_groups),
            effective_groups_simpson=finite(opinion.effective_groups_simpson),
            total_variance=finite(opinion.total_variance),
            mean_distance=finite(opinion.mean_distance),
            median_cramers_v=finite(float(np.nanmedian(cramers)))
            if np.isfinite(cramers).any() else None,
            top_group_informed_consensus=ids,
            bridging=ids,
            coverage=None if cover is None else finite(cover.share),
        ),
    )


def diversity_lines(report: DiversityReport) -> list[str]:
    """Readable lines for the summary of ``meedenken analyze``."""
    part, opinion, top = report
    d = part.votes_per_voter
    lines = [
        "Participation:",
        f"  {part.n_joined:,} joined, {part.n_voted:,} voted, {part.n_wrote:,} wrote a "
        f"statement; {part.n_in_conversation:,} cast at least "
        f"{part.in_conversation_votes} votes.",
        f"  Votes per voter: median {d.median:g}, mean {d.mean:.1f}, max {d.max:,}; "
        f"Gini {d.gini:.2f}; the most active 10% cast {100 * d.top10_share:.0f}% of the votes.",
        f"  Matrix density {100 * part.density:.1f}% over {len(part.daily.start):,} day(s).",
        "Opinion diversity:",
        f"  {opinion.n_groups} group{'' if opinion.n_groups == 1 else 's'}, "
        f"effectively {opinion.effective_groups:.2f} "
        f"(exp Shannon) / {opinion.effective_groups_simpson:.2f} (inverse Simpson); "
        f"map spread (total variance) {opinion.total_variance:.2f}.",
    ]
    cramers = opinion.differences.cramers_v
    if np.isfinite(cramers).any():
        lines.append(f"  Groups differ per statement with median Cramer's V "
                     f"{float(np.nanmedian(cramers)):.2f}.")
    if opinion.coverage is not None and math.isfinite(opinion.coverage.share):
        ids = ", ".join(f"#{s}" for s in top)
        lines.append(f"  {100 * opinion.coverage.share:.0f}% of voters agree with at least one "
                     f"of the top statements by group-informed consensus ({ids}).")
    return lines

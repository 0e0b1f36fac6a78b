"""Optional report sections: bridging, topics and diversity.

Each builder returns ``None`` when the engine module it needs is not installed (the page then says
so in that section), otherwise an :class:`Extra` with the template context, figures and tidy tables.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from meedenken.api.present.analysis import (
    bridging_entries,
    common_ground_shown,
    no_clear_groups,
    role_common_ground_entries,
    role_sentence,
    support_sentence,
    why_not_sentence,
)
from meedenken.api.present.wording import group_name
from meedenken.engine import AnalysisResult

from . import figures as fg
from .methods import setting_rows
from .source import ReportSource

__all__ = ["BRIDGING_SHOWN", "Extra", "bridging_extra", "diversity_extra", "topics_extra"]

logger = logging.getLogger(__name__)

#: Statements listed (and drawn) in the bridging section.
BRIDGING_SHOWN = 10
#: Most divisive statements (Cramér's V between the groups) listed in the diversity section.
DIVISIVE_SHOWN = 5


@dataclass(frozen=True)
class Extra:
    """What an optional section adds: template context, figures, tidy tables."""

    context: dict[str, Any]
    figures: list[fg.RenderedFigure] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Bridging only: statement positions, best bridging score first.
    order: list[int] | None = None


def _group_rates(result: AnalysisResult, column: int) -> list[dict[str, Any]]:
    colors = [fg.group_color(i) for i in range(result.k)]
    rows = []
    for row, group in enumerate(result.clustering.group_ids.tolist()):
        agree, disagree, total = (int(v) for v in result.group_votes[row, column])
        scale = 100.0 / total if total else 0.0
        rows.append({"group": group, "color": colors[row], "n": total, "agree": agree * scale,
                     "disagree": disagree * scale, "pass": (total - agree - disagree) * scale})
    return rows


# ---------------------------------------------------------------------- bridging
def _roles_context(source: ReportSource, listed: list[Any],
                   words: Mapping[str, str]) -> dict[str, Any]:
    """"Common ground across roles" (issue 16 item 3): the statements every shown role supports,
    in words; with none, the closest ones and why; ``roles`` empty when no role is declared
    (the page then leaves the list out, as the dashboard hides its card). ``listed``:
    :func:`role_common_ground_entries`, as ``GET /analysis`` serves it."""
    if not listed:
        return {"roles": [], "roles_empty": False}
    shown, empty = common_ground_shown(listed, roles=True)
    return {"roles_empty": empty,
            "roles": [{"id": e.statement_id, "text": source.texts.get(e.statement_id, ""),
                       "support": role_sentence(e.role_support, words) + (
                           f" ({why_not_sentence(e.status, {}, e.why_not_roles, words)})"
                           if empty else "")}
                      for e in shown]}


def bridging_extra(source: ReportSource, result: AnalysisResult,
                   tables: Mapping[str, pd.DataFrame], words: dict[str, str]) -> Extra | None:
    """The bridging section: ``result.bridging`` as the tidy ``bridging`` table ranks it (best
    first, the same list as ``meedenken analyze --json``), next to GIC and agree rate.

    Nothing is fitted here: the analysis already ran bridging. None when it did not
    (``AnalysisSettings(bridging=False)``): the page then says the section is missing.
    """
    scored = result.bridging
    if scored is None or "bridging" not in tables:
        return None
    ranked = tables["bridging"]
    index = {sid: i for i, sid in enumerate(result.statement_ids)}
    rows = [{"id": r["statement_id"], "text": source.texts.get(r["statement_id"], ""),
             "score": r["score"], "low": r["low"], "high": r["high"],
             "polarization": r["polarization"], "is_bridging": bool(r["is_bridging"]),
             "n": int(r["n_votes"]), "gic": r["group_informed_consensus"],
             "agree_rate": r["agree_rate"], "bars": _group_rates(result, index[r["statement_id"]])}
            for r in ranked.head(BRIDGING_SHOWN).to_dict("records")]
    figure = fg.interval_figure(
        [f"#{r['id']} {r['text']}" for r in rows], np.array([r["score"] for r in rows]),
        np.array([r["low"] for r in rows]), np.array([r["high"] for r in rows]),
        [fg.AGREE if r["is_bridging"] else fg.GREY for r in rows], words["bridging_score"],
        xlim=None)
    # The lists GET /analysis and `analyze` serve, shown as the dashboard shows them.
    shown, empty = common_ground_shown(bridging_entries(scored, digits=None))
    context = {"rows": rows, "n_bridging": int(np.count_nonzero(ranked["is_bridging"])),
               "common_empty": empty,
               # No clear opinion groups: "every group" is everyone in conversation, said so.
               "one_group": no_clear_groups(result),
               "common": [{"id": e.statement_id, "text": source.texts.get(e.statement_id, ""),
                           "support": support_sentence(e.group_support, words) + (
                               f" ({why_not_sentence(e.status, e.why_not, e.why_not_roles, words)})"
                               if empty else "")}
                          for e in shown],
               **_roles_context(source, role_common_ground_entries(scored, digits=None),
                                words),
               "settings": setting_rows(scored.settings, reference=None,
                                                lang=words["lang"]),
               "settings_name": f"meedenken.engine.bridging.{type(scored.settings).__name__}"}
    return Extra(context, [fg.render("bridging", words["bridging"], figure, lang=words["lang"])],
                 order=[index[sid] for sid in ranked["statement_id"].tolist()])


# ---------------------------------------------------------------------- topics
def topics_extra(source: ReportSource, result: AnalysisResult,
                 tables: Mapping[str, pd.DataFrame], words: dict[str, str],
                 seed: int, progress: bool = False, embedder: Any = None) -> Extra | None:
    """Topic groups of the statements (engine.semantics, engine.topics), votes per group."""
    try:
        from meedenken.engine.semantics import ModelUnavailableError, StatementEmbedder
        from meedenken.engine.topics import (
            DEFAULT_MAX_TOPICS,
            DEFAULT_N_KEYWORDS,
            find_topics,
            group_votes_by_topic,
        )
    except ImportError:
        return None
    if not progress:
        _quiet_model_loading()
    matrix = source.matrix
    active = np.flatnonzero(matrix.active)
    texts = [source.texts.get(matrix.statement_ids[i], "") for i in active]
    if len(texts) < 2:
        return _no_topics("fewer than 2 statements")
    embedder = embedder if embedder is not None else StatementEmbedder()
    try:
        embeddings = embedder.embed(texts)
    except ModelUnavailableError as exc:
        logger.warning("topics left out: %s", exc)
        return _no_topics(str(exc))
    found = find_topics(texts, embeddings)
    labels = np.full(matrix.n_statements, -1, dtype=np.int64)
    labels[active] = found.labels
    votes = group_votes_by_topic(matrix.X, result.clustering.labels, labels)
    colors = {g: fg.group_color(i) for i, g in enumerate(votes.group_ids.tolist())}
    topics = []
    for column, topic in enumerate(found.topics):
        representative = matrix.statement_ids[active[topic.representative]]
        topics.append({
            "id": topic.topic_id, "keywords": ", ".join(topic.keywords), "size": topic.size,
            "example_id": representative, "example": source.texts.get(representative, ""),
            "groups": [{"group": int(g), "color": colors[g],
                        "agree": 100 * float(np.nan_to_num(votes.agree_rate[row, column])),
                        "disagree": 100 * float(np.nan_to_num(votes.disagree_rate[row, column])),
                        "pass": 100 * float(np.nan_to_num(votes.pass_rate[row, column])),
                        "n": int(votes.n_votes[row, column])}
                       for row, g in enumerate(votes.group_ids.tolist())],
        })
    statement_topics = pd.DataFrame({"statement_id": tables["statements"]["statement_id"],
                                     "topic_id": labels})
    group_topics = pd.DataFrame([
        {"group_id": int(g), "topic_id": int(t), "agree_rate": votes.agree_rate[r, c],
         "disagree_rate": votes.disagree_rate[r, c], "pass_rate": votes.pass_rate[r, c],
         "n_votes": int(votes.n_votes[r, c])}
        for r, g in enumerate(votes.group_ids.tolist())
        for c, t in enumerate(votes.topic_ids.tolist())])
    figure = fg.topic_heatmap_figure(
        [f"{t['id']}: {t['keywords']}" for t in topics],
        [group_name(g, words["lang"], capital=True) for g in votes.group_ids.tolist()],
        votes.agree_rate,
        words["agree_rate_in"])
    method = {"k": found.k, "max_k": DEFAULT_MAX_TOPICS, "n_keywords": DEFAULT_N_KEYWORDS}
    return Extra({"topics": topics, "model": embedder.model_name, "method": method},
                 [fg.render("topics", words["topics"], figure, lang=words["lang"])],
                 {"statement_topics": statement_topics, "group_topic_votes": group_topics})


def _no_topics(reason: str) -> Extra:
    """The topics section saying why it is empty (the template reads ``topics`` and ``model``
    of every topics extra: without them a report whose model was missing failed to render)."""
    return Extra({"topics": [], "model": None, "unavailable": reason})


def _quiet_model_loading() -> None:
    """No progress bars from transformers / huggingface_hub when stderr is not a terminal."""
    try:
        from huggingface_hub.utils import disable_progress_bars
        from transformers.utils import logging as transformers_logging
    except ImportError:
        return
    disable_progress_bars()
    transformers_logging.disable_progress_bar()


# ---------------------------------------------------------------------- diversity
def diversity_extra(source: ReportSource, result: AnalysisResult,
                    tables: Mapping[str, pd.DataFrame], words: dict[str, str], seed: int,
                    bridging_order: list[int] | None = None) -> Extra | None:
    """Participation (engine.participation) and opinion diversity (engine.opinion_diversity).

    Without join times (Pol.is exports) a participant's first vote stands in for it.
    """
    try:
        from meedenken.engine.diversity_settings import DIVERSITY
        from meedenken.engine.opinion_diversity import opinion_diversity
        from meedenken.engine.participation import participation
    except ImportError:
        return None
    matrix = source.matrix
    rows, cols, _, times = matrix.records()
    vote_times = np.where(times > 0, times, np.nan)
    join = np.full(matrix.n_participants, np.inf)
    np.minimum.at(join, rows, np.where(np.isnan(vote_times), np.inf, vote_times))
    join[np.isinf(join)] = np.nan
    for pid, moment in source.join_times.items():
        if pid in matrix.participant_index:
            join[matrix.participant_index[pid]] = moment
    sids = matrix.statement_ids
    authors = np.array([matrix.participant_index.get(source.authors[s], -1)
                        if s in source.authors else -1 for s in sids], dtype=np.int64)
    statement_times = np.array([source.statement_times.get(s, np.nan) for s in sids])
    states = np.array([source.states.get(s, "accepted") for s in sids])
    funnel = participation(join, rows, cols, vote_times, statement_times, states, authors,
                           settings=DIVERSITY)
    spread = opinion_diversity(matrix.X, result.clustering.labels,
                               result.opinion_map.coordinates, bridging=bridging_order,
                               settings=DIVERSITY)
    dist = funnel.votes_per_voter
    differences = spread.differences.cramers_v
    finite = np.flatnonzero(np.isfinite(differences) & matrix.active)
    divisive = finite[np.argsort(-differences[finite], kind="stable")][:DIVISIVE_SHOWN]
    context: dict[str, Any] = {
        "funnel": {"joined": funnel.n_joined, "voted": funnel.n_voted, "wrote": funnel.n_wrote,
                   "in_conversation": funnel.n_in_conversation},
        "gini": dist.gini, "top10": dist.top10_share, "median": dist.median,
        "mean": dist.mean, "density": funnel.density, "states": funnel.statements_by_state,
        "effective_groups": spread.effective_groups,
        "effective_groups_simpson": spread.effective_groups_simpson,
        "mean_distance": spread.mean_distance,
        "divisive": [{"id": sids[i], "text": source.texts.get(sids[i], ""),
                      "v": float(differences[i]),
                      "range": float(spread.differences.agree_range[i]),
                      "bars": _group_rates(result, int(i))} for i in divisive],
        "coverage": (None if spread.coverage is None else
                     {"share": spread.coverage.share, "n": len(spread.coverage.statements)}),
        "settings": setting_rows(DIVERSITY, reference=None, lang=words["lang"]),
        "settings_name": "meedenken.engine.diversity_settings.DIVERSITY",
    }
    figures = []
    daily = funnel.daily
    if len(daily.start) > 1 and np.isfinite(vote_times).any():
        chart, period = fg.daily_figure(daily.start, daily.new_voters, daily.votes,
                                        words["new_voters"], words["votes"])
        caption = {"D": "per_day", "W": "per_week", "M": "per_month"}[period]
        figures.append(fg.render("daily", words[caption], chart, lang=words["lang"]))
    table = pd.DataFrame({"statement_id": tables["statements"]["statement_id"],
                          "cramers_v": differences,
                          "agree_range": spread.differences.agree_range,
                          "n_groups": spread.differences.n_groups})
    return Extra(context, figures, {"group_differences": table})

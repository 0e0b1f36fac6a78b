"""Build the report: analyse a conversation, tabulate, draw, render one self-contained HTML page.

:func:`build_report` returns a :class:`Report` in memory; :func:`write_report` writes the HTML file
and each figure as PNG and SVG next to it. The page requests nothing: CSS is inline and figures
are ``data:`` URIs. Every text from the conversation goes through Jinja2's autoescaping.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score
from tqdm import tqdm

from meedenken.api.present.tidy import tidy_tables
from meedenken.api.present.wording import group_name
from meedenken.engine import AnalysisResult, AnalysisSettings, analyze

from . import extras
from . import figures as fg
from .i18n import SEPARATORS, strings
from .methods import default_mode_changes, references, setting_rows
from .provenance import Provenance
from .provenance import provenance as make_provenance
from .source import POLIS_ATTRIBUTION, ReportSource
from .stability import stability_words

__all__ = ["SECTIONS", "Report", "build_report", "write_report"]

logger = logging.getLogger(__name__)

#: Section ids of the page, in order (each is an ``<section id=...>``; tests check them all).
SECTIONS = ("summary", "opinion-map", "groups", "representative", "consensus",
            "group-informed-consensus", "bridging", "topics", "participation", "diversity",
            "methods", "attribution")
#: Group-informed consensus: statements listed in the report.
GIC_SHOWN = 10
TEMPLATE = "report.html"


@dataclass(frozen=True)
class Report:
    """A built report: the HTML page, its figures and the tidy tables behind it."""

    html: str
    figures: tuple[fg.RenderedFigure, ...]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    result: AnalysisResult | None = None


def _environment(lang: str = "en") -> jinja2.Environment:
    """The template environment, with the number filters of ``lang``: ``n`` (a count with
    thousands separators) and ``d(k)`` (k decimals; "–" for a missing figure), and ``group``
    (a group id as every surface names it: "Group A", "Groep A")."""
    thousands, decimal = SEPARATORS[lang]

    def count(value: Any) -> str:
        return f"{int(value):,}".replace(",", thousands)

    def decimals(value: Any, digits: int = 2) -> str:
        if value is None or not np.isfinite(float(value)):
            return "–"
        return f"{float(value):,.{digits}f}".translate({ord(","): thousands, ord("."): decimal})

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("meedenken.api.report", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    def group(value: Any) -> str:
        return group_name(value, lang, capital=True)

    environment.filters.update(n=count, d=decimals, group=group)
    return environment


def _data_uri(figure: fg.RenderedFigure) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(figure.svg.encode()).decode("ascii")


def _bars(result: AnalysisResult, column: int, colors: list[str]) -> list[dict[str, Any]]:
    """Per-group agree / disagree / pass percentages of one statement (for CSS bars)."""
    bars = []
    for row, group in enumerate(result.clustering.group_ids.tolist()):
        agree, disagree, total = (int(v) for v in result.group_votes[row, column])
        scale = 100.0 / total if total else 0.0
        bars.append({"group": group, "color": colors[row], "n": total,
                     "agree": agree * scale, "disagree": disagree * scale,
                     "pass": (total - agree - disagree) * scale})
    return bars


def _polis_agreement(source: ReportSource, result: AnalysisResult) -> dict[str, Any] | None:
    """Adjusted Rand index of our groups against Pol.is's, on participants both grouped."""
    if not source.polis_groups:
        return None
    ours = result.groups()
    both = [p for p in ours if p in source.polis_groups]
    if len(both) < 2:
        return None
    ari = adjusted_rand_score([source.polis_groups[p] for p in both], [ours[p] for p in both])
    return {"k": len(set(source.polis_groups.values())), "ari": float(ari),
            "n": len(both)}


def moderation_counts(source: ReportSource) -> dict[str, int]:
    """Statements by moderation state as the analysis used them: rejected ones left out (or
    kept with --include-moderated), unmoderated ones kept (or left out with
    --drop-unmoderated). A Pol.is export says "unmoderated", the service "pending"."""
    excluded = dict(zip(source.matrix.statement_ids, source.matrix.excluded.tolist(),
                        strict=True))
    counts = {"moderated_out": 0, "moderated_out_kept": 0, "unmoderated_kept": 0,
              "unmoderated_dropped": 0}
    for sid, state in source.states.items():
        out = excluded.get(sid, True)
        if state == "rejected":
            counts["moderated_out" if out else "moderated_out_kept"] += 1
        elif state in ("unmoderated", "pending"):
            counts["unmoderated_dropped" if out else "unmoderated_kept"] += 1
    return counts


def _context(source: ReportSource, result: AnalysisResult, tables: Mapping[str, pd.DataFrame],
             settings: AnalysisSettings, seed: int, lang: str, words: dict[str, str],
             figures: dict[str, fg.RenderedFigure],
             provenance: Provenance | None = None) -> dict[str, Any]:
    texts = source.texts
    matrix = source.matrix
    groups = tables["groups"]
    colors = [fg.group_color(i) for i in range(len(groups))]
    index = {sid: i for i, sid in enumerate(result.statement_ids)}
    participants = tables["participants"]
    representative = []
    for position, row in enumerate(groups.itertuples(index=False)):
        rows = tables["repness"][tables["repness"]["group_id"] == row.group_id]
        representative.append({
            "group": row.group_id, "color": colors[position], "size": row.n_participants,
            "statements": [{"id": r.statement_id, "text": texts.get(r.statement_id, ""),
                            "direction": words[str(r.repful_for)], "share": r.share, "low": r.low,
                            "high": r.high, "n": r.n_trials, "passes": bool(r.passes_test),
                            "bars": _bars(result, index[r.statement_id], colors)}
                           for r in rows.itertuples(index=False)],
        })
    consensus = [{"id": r.statement_id, "text": texts.get(r.statement_id, ""),
                  "direction": words[str(r.direction)], "share": r.share, "low": r.low,
                  "high": r.high,
                  "wording": words[f"wording_{r.wording}"].format(
                      verb=words[f"verb_{r.direction}"]),
                  "n": r.n_trials, "z": r.p_test}
                 for r in tables["consensus"].itertuples(index=False)]
    gic = [{"id": r.statement_id, "text": texts.get(r.statement_id, ""),
            "value": r.group_informed_consensus,
            "bars": _bars(result, index[r.statement_id], colors)}
           for r in tables["group_informed_consensus"].head(GIC_SHOWN).itertuples(index=False)]
    n_voted = int(np.count_nonzero(participants["n_votes"] > 0))
    cells = matrix.n_participants * int(matrix.active.sum())
    active_votes = int(matrix.X[:, matrix.active].nnz)
    summary = {
        "participants": matrix.n_participants, "voters": n_voted,
        "in_conversation": int(result.in_conversation.sum()),
        "grouped": int(np.count_nonzero(result.clustering.labels >= 0)),
        "statements": matrix.n_statements, "moderated_out": int(matrix.excluded.sum()),
        "meta": int(matrix.meta.sum()), "votes": matrix.n_votes, "groups": result.k,
        "density": 100 * active_votes / cells if cells else None,
    }
    return {
        "w": words, "lang": lang,
        "title": source.title, "description": source.description,
        "source": source.location, "generated": dt.datetime.now(dt.UTC).strftime(
            "%Y-%m-%d %H:%M UTC"),
        "summary": summary, "figures": {name: _data_uri(f) for name, f in figures.items()},
        "captions": {name: f.caption for name, f in figures.items()},
        "groups": [{"id": r.group_id, "size": r.n_participants,
                    "share_all": r.share_of_participants,
                    "share_in_conversation": r.share_of_in_conversation,
                    "share_grouped": r.share_of_grouped,
                    "color": colors[i]} for i, r in enumerate(groups.itertuples(index=False))],
        "moderation": moderation_counts(source),
        "provenance": provenance,
        "not_grouped": int(np.count_nonzero(participants["group_id"] < 0)),
        "small_groups": _small_groups(groups, settings, words),
        "polis_agreement": _polis_agreement(source, result),
        "stability": stability_words(result, words, settings),
        "representative": representative, "consensus": consensus, "gic": gic,
        "group_colors": dict(zip(groups["group_id"].tolist(), colors, strict=True)),
        "has_times": bool(tables["votes"]["timestamp"].notna().any()),
        "settings_rows": setting_rows(settings, lang=lang),
        "polis_mode": settings.polis_compatible,
        "default_changes": default_mode_changes(lang), "seed": seed,
        "timings": dict(result.timings),
        "references": references(lang),
        "attribution": (words["polis_attribution"] if source.attribution == POLIS_ATTRIBUTION
                        else source.attribution), "links": source.links,
    }


def _small_groups(groups: pd.DataFrame, settings: AnalysisSettings,
                  words: Mapping[str, str]) -> str:
    """A warning naming every published group below the k-anonymity minimum
    (``DiversitySettings.min_cell_size``, 5): Pol.is mode publishes any group, and
    ``--min-group-size`` may be 3 or 4; the page then says so beside the groups ("" if none)."""
    k = settings.diversity.min_cell_size
    small = [g for g, n in zip(groups["group_id"], groups["n_participants"], strict=True)
             if n < k]
    if not small:
        return ""
    return str(words["small_groups"].format(
        groups=", ".join(group_name(g, words["lang"]) for g in small), n=k))


def _core_figures(source: ReportSource, tables: Mapping[str, pd.DataFrame],
                  words: dict[str, str], settings: AnalysisSettings) -> list[fg.RenderedFigure]:
    participants, groups = tables["participants"], tables["groups"]
    lang = words["lang"]
    drawn = [
        fg.render("opinion-map", words["opinion_map"], fg.opinion_map_figure(
            participants, groups, words["not_grouped"], lang=lang), lang=lang),
        fg.render("group-sizes", words["group_sizes"], fg.group_sizes_figure(
            groups, int(np.count_nonzero(participants["group_id"] < 0)),
            words["not_grouped"], words["size"], lang=lang), lang=lang),
    ]
    if len(tables["consensus"]):
        drawn.append(fg.render("consensus", words["consensus"], fg.consensus_figure(
            tables["consensus"], source.texts, words), lang=lang))
    bins = settings.diversity.histogram_bins
    drawn.append(fg.render("votes-per-participant", words["histogram_caption"].format(bins=bins),
                           fg.votes_per_participant_figure(participants,
                                                           words["votes_per_voter_axis"],
                                                           words["voters_axis"], bins),
                           lang=lang))
    if tables["votes"]["timestamp"].notna().any():
        drawn.append(fg.render("timeline", words["over_time"], fg.timeline_figure(
            tables["votes"], words["participants"], words["votes"]), lang=lang))
    return drawn


def build_report(source: ReportSource, settings: AnalysisSettings | None = None, *,
                 lang: str = "nl", seed: int = 0, progress: bool = False,
                 topics: bool = True, embedder: Any = None,
                 command: str | None = None) -> Report:
    """Analyse ``source`` and build its report.

    Parameters
    ----------
    source : ReportSource
    settings : AnalysisSettings, default ``AnalysisSettings()``; ``engine.POLIS`` for Pol.is.
    lang : "nl" or "en"
    seed : random_state of the analysis (and of bridging and topics when present).
    progress : show a tqdm bar of the steps on stderr.
    topics : group the statements into topics (loads the embedding model: slow on first use).
    embedder : an ``engine.semantics.StatementEmbedder`` to use for the topics (default: the
        configured model, see ``engine.semantics.resolve_model_name``).
    command : the command line that made the report, for its methods section (None: called
        from Python).
    """
    words = strings(lang)
    settings = settings or AnalysisSettings()
    steps = ("analysis", "tables", "figures", "bridging", "topics", "diversity", "page")
    with tqdm(total=len(steps), desc="report", unit="step", disable=not progress,
              leave=False) as bar:
        def step(done: str) -> None:
            """Count ``done`` as finished and name the step now running."""
            bar.update(1)
            following = steps.index(done) + 1
            bar.set_postfix_str(steps[following] if following < len(steps) else "")

        bar.set_postfix_str(steps[0])

        # Declared roles, as the service's own analysis reads them (same rule everywhere).
        attributes = {name: [values.get(pid) for pid in source.matrix.participant_ids]
                      for name, values in source.attributes.items()} or None
        result = analyze(source.matrix, settings, random_state=seed, attributes=attributes)
        step("analysis")
        tables = tidy_tables(source.matrix, result, texts=source.texts,
                             polis_groups=source.polis_groups)
        step("tables")
        drawn = _core_figures(source, tables, words, settings)
        step("figures")
        optional: dict[str, extras.Extra | None] = {}
        optional["bridging"] = extras.bridging_extra(source, result, tables, words)
        step("bridging")
        optional["topics"] = (extras.topics_extra(source, result, tables, words, seed,
                                                  progress=progress, embedder=embedder)
                              if topics else None)
        step("topics")
        order = optional["bridging"].order if optional["bridging"] else None
        optional["diversity"] = extras.diversity_extra(source, result, tables, words, seed,
                                                       bridging_order=order)
        step("diversity")
        for extra in optional.values():
            if extra is not None:
                drawn.extend(extra.figures)
                tables.update(extra.tables)
        by_name = {f.name: f for f in drawn}
        context = _context(source, result, tables, settings, seed, lang, words, by_name,
                           make_provenance(source.input_files, source.matrix, command))
        context.update({name: (extra.context if extra else None)
                        for name, extra in optional.items()})
        html = _environment(lang).get_template(TEMPLATE).render(context)
        step("page")
    return Report(html, tuple(drawn), dict(tables), result)


def write_report(report: Report, out: str | Path) -> list[Path]:
    """Write ``out`` (the HTML page) and ``<stem>-<figure>.png/.svg`` next to it."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.html, encoding="utf-8")
    written = [out]
    for figure in report.figures:
        png = out.with_name(f"{out.stem}-{figure.name}.png")
        svg = out.with_name(f"{out.stem}-{figure.name}.svg")
        png.write_bytes(figure.png)
        svg.write_text(figure.svg, encoding="utf-8")
        written += [png, svg]
    logger.info("wrote %s and %d figure files", out, len(written) - 1)
    return written


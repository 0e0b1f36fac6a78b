"""The report's figures, drawn with matplotlib's object API on the Agg canvas (no pyplot state,
no display needed), each rendered once as PNG bytes and SVG text.

Statement texts may appear in labels: ``$`` is escaped so matplotlib does not read it as math,
and the SVG writer escapes XML markup itself (texts stay text: ``svg.fonttype = none``, so a
browser draws any script, Chinese included).
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = [
    "GREY",
    "RenderedFigure",
    "consensus_figure",
    "group_color",
    "group_sizes_figure",
    "interval_figure",
    "opinion_map_figure",
    "render",
    "short_label",
    "timeline_figure",
    "topic_heatmap_figure",
    "votes_per_participant_figure",
]

logger = logging.getLogger(__name__)

#: PNG resolution: sharp on a laptop screen and in print at the figure sizes below.
DPI = 150
#: Group colours (matplotlib's tab10, colour-blind-aware ordering of Tableau).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#bcbd22", "#17becf", "#7f7f7f")
GREY = "#c8c8c8"
AGREE, DISAGREE, PASS = "#2e8b57", "#c0392b", "#b0b0b0"
#: Statement texts in figure labels are cut to this many characters.
LABEL_CHARS = 60
#: Deterministic SVG ids, no timestamp: the same input gives the same files.
SVG_RC: Any = {"svg.fonttype": "none", "svg.hashsalt": "meedenken"}


@dataclass(frozen=True)
class RenderedFigure:
    """One figure: file stem, caption, PNG bytes and SVG text."""

    name: str
    caption: str
    png: bytes
    svg: str


def group_color(position: int) -> str:
    """Colour of the group at ``position`` in the group order."""
    return PALETTE[position % len(PALETTE)]


def short_label(text: str, limit: int = LABEL_CHARS) -> str:
    """One-line label for matplotlib: whitespace collapsed, cut at ``limit``, ``$`` escaped."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text.replace("$", r"\$")


def render(name: str, caption: str, figure: Figure) -> RenderedFigure:
    """PNG bytes and SVG text of ``figure`` (closed afterwards)."""
    FigureCanvasAgg(figure)
    png, svg = io.BytesIO(), io.BytesIO()
    with matplotlib.rc_context(SVG_RC), warnings.catch_warnings():
        # Missing glyphs (e.g. Chinese in the PNG) are drawn as boxes; the SVG keeps the text.
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        figure.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
        figure.set_layout_engine("none")  # keep the layout just computed; do not solve it again
        figure.savefig(svg, format="svg", metadata={"Date": None})
    return RenderedFigure(name, caption, png.getvalue(), svg.getvalue().decode("utf-8"))


def opinion_map_figure(participants: pd.DataFrame, groups: pd.DataFrame,
                       group_label: str, not_grouped: str) -> Figure:
    """Participants on the two PCA axes, coloured by group; group centres as crosses."""
    figure = Figure(figsize=(6.4, 5.2), layout="constrained")
    ax = figure.add_subplot()
    outside = participants["group_id"] < 0
    if outside.any():
        ax.scatter(participants.loc[outside, "x"], participants.loc[outside, "y"], s=8,
                   c=GREY, label=f"{not_grouped} ({int(outside.sum()):,})", linewidths=0)
    columns = ("group_id", "n_participants", "centre_x", "centre_y")
    for position, (group, size, cx, cy) in enumerate(zip(*(groups[c].tolist() for c in columns),
                                                         strict=True)):
        members = participants["group_id"] == group
        color = group_color(position)
        ax.scatter(participants.loc[members, "x"], participants.loc[members, "y"], s=10,
                   c=color, alpha=0.75, linewidths=0,
                   label=f"{group_label} {group} ({size:,})")
        ax.scatter([cx], [cy], marker="X", s=120, c=color, edgecolors="black", linewidths=0.8)
    ax.axhline(0, color="#dddddd", linewidth=0.8, zorder=0)
    ax.axvline(0, color="#dddddd", linewidth=0.8, zorder=0)
    ax.set_xlabel("PC 1")
    ax.set_ylabel("PC 2")
    ax.legend(loc="best", fontsize="small", frameon=False)
    return figure


def group_sizes_figure(groups: pd.DataFrame, n_not_grouped: int, group_label: str,
                       not_grouped: str, ylabel: str) -> Figure:
    """Bars: participants per group, plus those not grouped."""
    figure = Figure(figsize=(6.4, 3.2), layout="constrained")
    ax = figure.add_subplot()
    names = [f"{group_label} {g}" for g in groups["group_id"]] + [not_grouped]
    sizes = [*groups["n_participants"].tolist(), n_not_grouped]
    colors = [group_color(i) for i in range(len(groups))] + [GREY]
    bars = ax.bar(names, sizes, color=colors)
    ax.bar_label(bars, labels=[f"{s:,}" for s in sizes], padding=2, fontsize="small")
    ax.set_ylabel(ylabel)
    ax.margins(y=0.15)
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def interval_figure(labels: Sequence[str], values: np.ndarray, low: np.ndarray,
                    high: np.ndarray, colors: Sequence[str], xlabel: str,
                    xlim: tuple[float, float] | None = (0.0, 1.0)) -> Figure:
    """A forest plot: one row per item, a dot at ``values`` and a line from ``low`` to ``high``."""
    n = len(labels)
    figure = Figure(figsize=(7.5, 0.9 + 0.38 * max(n, 1)), layout="constrained")
    ax = figure.add_subplot()
    rows = np.arange(n)[::-1]
    values, low, high = (np.asarray(a, dtype=float) for a in (values, low, high))
    ax.hlines(rows, low, high, colors=list(colors), linewidth=2.2)
    ax.scatter(values, rows, c=list(colors), s=30, zorder=3)
    ax.set_yticks(rows, [short_label(label) for label in labels], fontsize="small")
    if xlim is not None:
        ax.set_xlim(*xlim)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color="#eeeeee")
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def consensus_figure(consensus: pd.DataFrame, texts: Mapping[object, str],
                     words: Mapping[str, str]) -> Figure:
    """Consensus statements: the share agreeing (or disagreeing) with its 95% interval."""
    labels = [f"#{sid} {words[str(direction)]}: {texts.get(sid, '')}"
              for sid, direction in zip(consensus["statement_id"].tolist(),
                                        consensus["direction"].tolist(), strict=True)]
    colors = [AGREE if d == "agree" else DISAGREE for d in consensus["direction"]]
    return interval_figure(labels, consensus["share"].to_numpy(), consensus["low"].to_numpy(),
                           consensus["high"].to_numpy(), colors, words["share"])


def votes_per_participant_figure(participants: pd.DataFrame, xlabel: str,
                                 ylabel: str) -> Figure:
    """Histogram of votes per participant (participants with at least one vote)."""
    figure = Figure(figsize=(6.4, 3.2), layout="constrained")
    ax = figure.add_subplot()
    counts = participants.loc[participants["n_votes"] > 0, "n_votes"].to_numpy()
    bins = np.unique(np.linspace(1, max(int(counts.max(initial=1)), 1) + 1, 41).astype(int))
    ax.hist(counts, bins=bins.tolist(), color="#4c72b0")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def timeline_figure(votes: pd.DataFrame, participants_label: str, votes_label: str) -> Figure:
    """Cumulative participants (first vote) and votes over time (UTC days)."""
    timed = votes.dropna(subset=["timestamp"])
    times = pd.to_datetime(timed["timestamp"], unit="s", utc=True)
    figure = Figure(figsize=(6.4, 3.2), layout="constrained")
    ax = figure.add_subplot()
    ordered = np.sort(times.to_numpy())
    ax.plot(ordered, np.arange(1, len(ordered) + 1), color="#4c72b0", label=votes_label)
    ax.set_ylabel(votes_label)
    first = np.sort(times.groupby(timed["participant_id"].to_numpy()).min().to_numpy())
    twin = ax.twinx()
    twin.plot(first, np.arange(1, len(first) + 1), color="#dd8452", label=participants_label)
    twin.set_ylabel(participants_label)
    figure.autofmt_xdate()
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    ax.legend(handles, [votes_label, participants_label], loc="upper left", frameon=False,
              fontsize="small")
    return figure


def topic_heatmap_figure(topics: Sequence[str], groups: Sequence[str], agree_rate: np.ndarray,
                         title: str) -> Figure:
    """Agree rate of each opinion group (columns) on each topic (rows), as a heat map."""
    rates = np.asarray(agree_rate, dtype=float).T  # (n_topics, n_groups)
    figure = Figure(figsize=(7.5, 1.2 + 0.42 * max(len(topics), 1)), layout="constrained")
    ax = figure.add_subplot()
    image = ax.imshow(np.ma.masked_invalid(rates), cmap="RdYlGn", vmin=0, vmax=1,
                      aspect="auto")
    ax.set_xticks(range(len(groups)), list(groups), fontsize="small")
    ax.set_yticks(range(len(topics)), [short_label(t) for t in topics], fontsize="small")
    for (row, column), value in np.ndenumerate(rates):
        if np.isfinite(value):
            ax.text(column, row, f"{value:.0%}", ha="center",
                    va="center", fontsize="x-small")
    figure.colorbar(image, ax=ax, label=title)
    return figure


def daily_figure(start: np.ndarray, new_voters: np.ndarray, votes: np.ndarray,
                 voters_label: str, votes_label: str) -> Figure:
    """Per UTC day: participants who cast their first vote (bars) and votes cast (line)."""
    days = pd.to_datetime(np.asarray(start), unit="s", utc=True)
    figure = Figure(figsize=(6.4, 3.2), layout="constrained")
    ax = figure.add_subplot()
    ax.bar(days, new_voters, width=0.8, color="#dd8452", label=voters_label)
    ax.set_ylabel(voters_label)
    twin = ax.twinx()
    twin.plot(days, votes, color="#4c72b0", marker=".", label=votes_label)
    twin.set_ylabel(votes_label)
    figure.autofmt_xdate()
    return figure

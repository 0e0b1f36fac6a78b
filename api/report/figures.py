"""The report's figures, drawn with matplotlib's object API on the Agg canvas (no pyplot state,
no display needed), each rendered once as PNG bytes and SVG text.

Statement texts may appear in labels: ``$`` is escaped so matplotlib does not read it as math,
and the SVG writer escapes XML markup itself (texts stay text: ``svg.fonttype = none``, so a
browser draws any script, Chinese included).
"""

from __future__ import annotations

import io
import logging
import textwrap
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, PercentFormatter, ScalarFormatter

from meedenken.api.present.wording import group_name

from .i18n import format_number

__all__ = [
    "GREY",
    "RenderedFigure",
    "consensus_figure",
    "count_text",
    "group_color",
    "group_sizes_figure",
    "interval_figure",
    "localize_ticks",
    "opinion_map_figure",
    "period_for",
    "render",
    "timeline_figure",
    "topic_heatmap_figure",
    "votes_per_participant_figure",
    "wrap_label",
]

logger = logging.getLogger(__name__)

#: PNG resolution: sharp on a laptop screen and in print at the figure sizes below.
DPI = 150
#: Group colours (matplotlib's tab10, colour-blind-aware ordering of Tableau).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#bcbd22", "#17becf", "#7f7f7f")
GREY = "#c8c8c8"
AGREE, DISAGREE, PASS = "#2e8b57", "#c0392b", "#b0b0b0"
#: Statement texts in figure labels are wrapped at this many characters a line (never cut).
LABEL_WIDTH = 48
#: Axis titles are wrapped at this many characters a line, so none runs off the figure.
AXIS_TITLE_WIDTH = 70
#: Interval figures: inches per text line of a row's label, and per row for the gap.
LINE_INCHES, ROW_GAP_INCHES = 0.17, 0.14
#: The activity chart counts per day up to this many days, per week up to the second number,
#: per month beyond (a four-year dialogue has ~1,460 days: unreadable as daily bars).
DAILY_MAX_DAYS, WEEKLY_MAX_DAYS = 120, 730
#: The share a majority must exceed (drawn on the consensus figure).
HALF = 0.5
#: Group-size bars with more names than this get slanted names.
UPRIGHT_BARS = 6
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


def wrap_label(text: str, width: int = LABEL_WIDTH) -> str:
    """A label for matplotlib: whitespace collapsed, wrapped into lines of at most ``width``
    characters (a word longer than a line is split over lines), ``$`` escaped. Never cut.

    >>> wrap_label("a " * 30, 20).split("\\n")
    ['a a a a a a a a a a', 'a a a a a a a a a a', 'a a a a a a a a a a']
    """
    text = " ".join(str(text).split())
    lines = textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    return "\n".join(lines).replace("$", r"\$")


class LocalizedFormatter(Formatter):
    """A tick formatter that writes its numbers in a report language's separators: it asks
    ``base`` (matplotlib's own choice of digits) and rewrites the text with
    :func:`meedenken.api.report.i18n.format_number` (Dutch: 1.000 and 0,5)."""

    def __init__(self, base: Formatter, lang: str) -> None:
        self.base, self.lang = base, lang

    def set_axis(self, axis: Any) -> None:
        super().set_axis(axis)
        self.base.set_axis(axis)

    def set_locs(self, locs: Any) -> None:
        super().set_locs(locs)
        self.base.set_locs(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_number(self.base(x, pos), self.lang)

    def get_offset(self) -> str:
        return format_number(self.base.get_offset(), self.lang)

    def format_data_short(self, value: float) -> str:
        return format_number(self.base.format_data_short(value), self.lang)


def localize_ticks(figure: Figure, lang: str) -> None:
    """Every numeric tick label of ``figure`` (plain and percentage axes, colour bars included)
    in the separators of ``lang``. Dates, categories and labels set as text stay as they are.
    English keeps matplotlib's own labels."""
    if lang == "en":
        return
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            base = axis.get_major_formatter()
            if type(base) in (ScalarFormatter, PercentFormatter):
                if isinstance(base, ScalarFormatter):
                    base.set_useOffset(False)  # an offset ("+1e3") would read as a sum
                    base.set_scientific(False)
                axis.set_major_formatter(LocalizedFormatter(base, lang))


def count_text(n: int, lang: str) -> str:
    """A count with the thousands separator of ``lang`` (Dutch 1.234, English 1,234)."""
    return format_number(str(int(n)), lang)


def render(name: str, caption: str, figure: Figure, *, lang: str) -> RenderedFigure:
    """PNG bytes and SVG text of ``figure`` (closed afterwards), its tick labels in the number
    style of ``lang`` (:func:`localize_ticks`)."""
    localize_ticks(figure, lang)
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
                       not_grouped: str, *, lang: str = "en") -> Figure:
    """Participants on the two PCA axes, coloured by group (named "Group A" as on every surface);
    group centres as crosses."""
    figure = Figure(figsize=(6.4, 5.2), layout="constrained")
    ax = figure.add_subplot()
    outside = participants["group_id"] < 0
    if outside.any():
        ax.scatter(participants.loc[outside, "x"], participants.loc[outside, "y"], s=8,
                   c=GREY, label=f"{not_grouped} ({count_text(int(outside.sum()), lang)})",
                   linewidths=0)
    columns = ("group_id", "n_participants", "centre_x", "centre_y")
    for position, (group, size, cx, cy) in enumerate(zip(*(groups[c].tolist() for c in columns),
                                                         strict=True)):
        members = participants["group_id"] == group
        color = group_color(position)
        ax.scatter(participants.loc[members, "x"], participants.loc[members, "y"], s=10,
                   c=color, alpha=0.75, linewidths=0,
                   label=f"{group_name(group, lang, capital=True)} ({count_text(size, lang)})")
        ax.scatter([cx], [cy], marker="X", s=120, c=color, edgecolors="black", linewidths=0.8)
    ax.axhline(0, color="#dddddd", linewidth=0.8, zorder=0)
    ax.axvline(0, color="#dddddd", linewidth=0.8, zorder=0)
    ax.set_xlabel("PC 1")
    ax.set_ylabel("PC 2")
    if ax.get_legend_handles_labels()[0]:  # nobody to show: no empty legend (and no warning)
        ax.legend(loc="best", fontsize="small", frameon=False)
    return figure


def group_sizes_figure(groups: pd.DataFrame, n_not_grouped: int, not_grouped: str, ylabel: str,
                       *, lang: str = "en") -> Figure:
    """Bars: participants per group, plus those not grouped."""
    figure = Figure(figsize=(6.4, 3.2), layout="constrained")
    ax = figure.add_subplot()
    names = [group_name(g, lang, capital=True) for g in groups["group_id"]] + [not_grouped]
    sizes = [*groups["n_participants"].tolist(), n_not_grouped]
    colors = [group_color(i) for i in range(len(groups))] + [GREY]
    bars = ax.bar(names, sizes, color=colors)
    if len(names) > UPRIGHT_BARS:  # many groups: slanted names, so they do not overlap
        ax.tick_params(axis="x", labelrotation=30)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    ax.bar_label(bars, labels=[count_text(s, lang) for s in sizes], padding=2, fontsize="small")
    ax.set_ylabel(ylabel)
    ax.margins(y=0.15)
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def interval_figure(labels: Sequence[str], values: np.ndarray, low: np.ndarray,
                    high: np.ndarray, colors: Sequence[str], xlabel: str,
                    xlim: tuple[float, float] | None = (0.0, 1.0)) -> Figure:
    """A forest plot: one row per item, a dot at ``values`` and a line from ``low`` to ``high``."""
    wrapped = [wrap_label(label) for label in labels]
    lines = np.array([label.count("\n") + 1 for label in wrapped], dtype=float)
    # Each row is as tall as its label: row centres from the top, in units of text lines.
    heights = lines + ROW_GAP_INCHES / LINE_INCHES
    rows = heights.sum() - (np.cumsum(heights) - heights / 2)
    figure = Figure(figsize=(7.5, 1.0 + LINE_INCHES * max(float(heights.sum()), 2.0)),
                    layout="constrained")
    ax = figure.add_subplot()
    values, low, high = (np.asarray(a, dtype=float) for a in (values, low, high))
    ax.hlines(rows, low, high, colors=list(colors), linewidth=2.2)
    ax.scatter(values, rows, c=list(colors), s=30, zorder=3)
    ax.set_yticks(rows, wrapped, fontsize="small")
    if xlim is not None:
        ax.set_xlim(*xlim)
    ax.set_ylim(0, max(float(heights.sum()), 1.0))
    # wrap=True: matplotlib wraps the title at the figure's edge (the axes may be narrow).
    ax.set_xlabel(wrap_label(xlabel, len(xlabel) + 1), wrap=True)
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
    figure = interval_figure(labels, consensus["share"].to_numpy(), consensus["low"].to_numpy(),
                             consensus["high"].to_numpy(), colors, words["share"])
    # The line a majority must clear: an interval reaching it is "not certain" in the wording.
    figure.axes[0].axvline(HALF, color="#888888", linewidth=0.9, linestyle="--", zorder=0)
    return figure


def votes_per_participant_figure(participants: pd.DataFrame, xlabel: str,
                                 ylabel: str, n_bins: int) -> Figure:
    """Histogram of votes per voter (participants with at least one vote), with the bins the
    methods name: ``n_bins`` of equal width from 1 to the largest count
    (:func:`engine.participation.histogram_edges`, ``DiversitySettings.histogram_bins``)."""
    from meedenken.engine.participation import histogram_edges

    figure = Figure(figsize=(6.4, 3.2), layout="constrained")
    ax = figure.add_subplot()
    counts = participants.loc[participants["n_votes"] > 0, "n_votes"].to_numpy()
    bins = histogram_edges(int(counts.max(initial=1)), n_bins)
    ax.hist(counts, bins=bins.tolist(), color="#4c72b0", edgecolor="white", linewidth=0.5)
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
    ax.set_yticks(range(len(topics)), [wrap_label(t) for t in topics], fontsize="small")
    for (row, column), value in np.ndenumerate(rates):
        if np.isfinite(value):
            ax.text(column, row, f"{value:.0%}", ha="center",
                    va="center", fontsize="x-small")
    figure.colorbar(image, ax=ax, label=wrap_label(title, AXIS_TITLE_WIDTH // 2))
    return figure


def period_for(n_days: int) -> str:
    """The bin of the activity chart for a dialogue of ``n_days``: "D" (day), "W" (week) or
    "M" (month), so that a long dialogue still has readable bars.

    >>> period_for(30), period_for(365), period_for(4 * 365)
    ('D', 'W', 'M')
    """
    if n_days <= DAILY_MAX_DAYS:
        return "D"
    return "W" if n_days <= WEEKLY_MAX_DAYS else "M"


#: Bar width as a share of the bin, and the bins' lengths in days (a month taken as 30.4).
BAR_SHARE = 0.8
PERIOD_DAYS = {"D": 1.0, "W": 7.0, "M": 30.4}
#: pandas' names of the bins: weeks from Monday, months by their first day.
PANDAS_PERIOD = {"D": "D", "W": "W-MON", "M": "MS"}


def daily_figure(start: np.ndarray, new_voters: np.ndarray, votes: np.ndarray,
                 voters_label: str, votes_label: str) -> tuple[Figure, str]:
    """Per UTC day, week or month (:func:`period_for`): participants who cast their first vote
    (bars) and votes cast (line). Returns the figure and the period used."""
    days = pd.to_datetime(np.asarray(start), unit="s", utc=True)
    period = period_for(len(days))
    frame = pd.DataFrame({"voters": np.asarray(new_voters), "votes": np.asarray(votes)},
                         index=days)
    if period != "D":
        frame = frame.resample(PANDAS_PERIOD[period], label="left", closed="left").sum()
    figure = Figure(figsize=(6.4, 3.2), layout="constrained")
    ax = figure.add_subplot()
    ax.bar(frame.index, frame["voters"], width=BAR_SHARE * PERIOD_DAYS[period],
           align="edge" if period != "D" else "center", color="#dd8452", label=voters_label)
    ax.set_ylabel(voters_label)
    twin = ax.twinx()
    marker = "." if len(frame) <= DAILY_MAX_DAYS else None
    twin.plot(frame.index, frame["votes"], color="#4c72b0", marker=marker, label=votes_label)
    twin.set_ylabel(votes_label)
    figure.autofmt_xdate()
    return figure, period

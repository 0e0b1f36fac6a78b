"""The trajectory report's map (issue 21, item 5): every round on round 1's opinion map, so the
board sees who moved where.

The points are :func:`meedenken.api.live.process_map.process_map`'s (the same answer as
``GET /process/map``: each round's participants placed on round 1's axes with their votes on the
carried statements only). One panel per round, all on the same axes; in a later round, a person
who took part before is drawn in another colour than a newcomer, and a line joins their earlier
place (their latest earlier round) to where they are now. Nothing is refitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from meedenken.api.live.process_map import ProcessMap
from meedenken.engine.diversity_settings import DIVERSITY

from .figures import GREY, count_text, wrap_label

__all__ = ["MAX_MOVES", "RoundPoints", "round_points", "trajectory_map_figure"]

#: Lines drawn per panel at most (an even sample of the returning people beyond): thousands of
#: crossing lines read as a grey fog, a few hundred still show the direction of the movement.
MAX_MOVES = 400
#: Panels per row of the figure.
PANELS_PER_ROW = 3
#: Point clouds larger than this are drawn as an image inside the SVG (a round of 20,000 people
#: would otherwise be 20,000 vector markers in the page); axes and text stay text.
RASTER_POINTS = 2_000
#: Inches: the figure's width, and each row of panels' height.
WIDTH_INCHES, PANEL_INCHES = 7.5, 2.6
#: Panel titles are wrapped at this many characters a line (a panel is a third of the width).
TITLE_WIDTH = 30
NEW_COLOR, RETURNING_COLOR, MOVE_COLOR = "#dd8452", "#4c72b0", "#9a9a9a"


@dataclass(frozen=True)
class RoundPoints:
    """One round's points on round 1's map, and for its returning people their earlier place."""

    round: int
    xy: np.ndarray  # (n, 2)
    returning: np.ndarray  # (n,) bool: took part in an earlier round
    before: np.ndarray  # (n_returning, 2): their place in their latest earlier round


def round_points(answer: ProcessMap) -> list[RoundPoints]:
    """The map answer as arrays, each returning person paired with their latest earlier place."""
    last_place: dict[int, tuple[float, float]] = {}
    out = []
    for r in answer.rounds:
        xy = np.array([(p.x, p.y) for p in r.points], dtype=float).reshape(-1, 2)
        returning = np.array([p.person is not None and p.person in last_place
                              for p in r.points], dtype=bool)
        before = np.array([last_place[p.person] for p in r.points  # type: ignore[index]
                           if p.person is not None and p.person in last_place],
                          dtype=float).reshape(-1, 2)
        for p in r.points:
            if p.person is not None:
                last_place[p.person] = (p.x, p.y)
        out.append(RoundPoints(r.round, xy, returning, before))
    return out


def _sample(n: int, most: int) -> np.ndarray:
    """An even, deterministic choice of at most ``most`` of ``n`` rows."""
    if n <= most:
        return np.arange(n)
    return np.linspace(0, n - 1, most).round().astype(np.int64)


def _limits(rounds: list[RoundPoints]) -> tuple[float, float, float, float]:
    every = np.vstack([r.xy for r in rounds] + [np.zeros((1, 2))])
    low, high = every.min(axis=0), every.max(axis=0)
    pad = 0.05 * np.maximum(high - low, 1e-9)
    return float(low[0] - pad[0]), float(high[0] + pad[0]), float(low[1] - pad[1]), \
        float(high[1] + pad[1])


def trajectory_map_figure(answer: ProcessMap, words: Mapping[str, str], lang: str,
                          k: int = DIVERSITY.min_cell_size) -> Figure:
    """One panel per round on round 1's axes: newcomers and returning people in two colours, a
    line from a returning person's earlier place to their place now (:data:`MAX_MOVES` at most
    per panel). ``words`` holds the labels (``map_panel``, ``map_new``, ``map_returning``,
    ``map_earlier``, ``map_moved``, ``map_axis_x``, ``map_axis_y``). A panel's counts of
    returning and new people read "< k" when either is under the small-cell minimum ``k``, as
    in ``GET /process``."""
    rounds = round_points(answer)
    columns = max(1, min(len(rounds), PANELS_PER_ROW))
    rows = max(1, -(-len(rounds) // columns))
    figure = Figure(figsize=(WIDTH_INCHES, PANEL_INCHES * rows + 1.0), layout="constrained")
    axes = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
    x0, x1, y0, y1 = _limits(rounds)
    for ax, r in zip(axes.ravel(), rounds, strict=False):
        _panel(ax, r, words, lang, k)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
    for ax in axes.ravel()[len(rounds):]:
        ax.set_visible(False)
    figure.supxlabel(wrap_label(words["map_axis_x"], 2 * TITLE_WIDTH), fontsize="small")
    figure.supylabel(wrap_label(words["map_axis_y"], TITLE_WIDTH), fontsize="small")
    def dot(color: str) -> Line2D:
        return Line2D([], [], marker="o", markersize=5, linestyle="", color=color)

    handles = [dot(NEW_COLOR), dot(RETURNING_COLOR), dot(GREY),
               Line2D([], [], color=MOVE_COLOR, linewidth=1)]
    labels = [wrap_label(words[key], TITLE_WIDTH)
              for key in ("map_new", "map_returning", "map_earlier", "map_moved")]
    figure.legend(handles, labels, loc="outside upper center", ncols=2, fontsize="small",
                  frameon=False)
    return figure


def _panel_counts(returning: int, new: int, k: int, lang: str) -> tuple[str, str]:
    """The panel title's counts; both hidden when either is under ``k`` (their sum, the
    round's participants, is shown elsewhere)."""
    if returning > 0 and new > 0 and min(returning, new) < k:  # as in GET /process
        return f"< {k}", f"< {k}"
    return count_text(returning, lang), count_text(new, lang)


def _panel(ax: Axes, r: RoundPoints, words: Mapping[str, str], lang: str, k: int) -> None:
    raster = len(r.xy) > RASTER_POINTS
    back = r.xy[r.returning]
    chosen = _sample(len(back), MAX_MOVES)
    if len(chosen):
        ax.scatter(r.before[chosen, 0], r.before[chosen, 1], s=6, c=GREY, linewidths=0,
                   rasterized=raster, zorder=1)
        segments = list(np.stack([r.before[chosen], back[chosen]], axis=1))
        ax.add_collection(LineCollection(segments,
                                         colors=MOVE_COLOR, linewidths=0.5, alpha=0.6,
                                         zorder=2))
    new = r.xy[~r.returning]
    ax.scatter(new[:, 0], new[:, 1], s=8, c=NEW_COLOR, alpha=0.7, linewidths=0,
               rasterized=raster, zorder=3)
    ax.scatter(back[:, 0], back[:, 1], s=8, c=RETURNING_COLOR, alpha=0.8, linewidths=0,
               rasterized=raster, zorder=4)
    ax.axhline(0, color="#dddddd", linewidth=0.8, zorder=0)
    ax.axvline(0, color="#dddddd", linewidth=0.8, zorder=0)
    shown_back, shown_new = _panel_counts(len(back), len(new), k, lang)
    title = words["map_panel"].format(round=r.round, returning=shown_back, new=shown_new)
    ax.set_title(wrap_label(title, TITLE_WIDTH), fontsize="small")
    ax.tick_params(labelsize="x-small")

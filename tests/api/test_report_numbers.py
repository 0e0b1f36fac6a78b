"""Numbers in the report's figures follow the report's language (issue 15 item 7, left over):
a Dutch figure's ticks read 0,25 and 5.000, an English one 0.25 and 5000."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from meedenken.api.cli.main import main
from meedenken.api.report import figures as fg
from meedenken.api.report.i18n import format_number

from .test_report import _export

#: The text of every tick label in an SVG matplotlib wrote (texts stay text: svg.fonttype none).
TICK = re.compile(r'<g id="[xy]tick_\d+">.*?<text[^>]*>([^<]*)</text>', re.S)
#: A tick that is a plain number (dates and names are left out).
NUMBER = re.compile(r"^[−-]?[\d.,]+%?$")
#: A number as a Dutch reader writes it: thousands with a point, decimals after a comma.
DUTCH = re.compile(r"^[−-]?\d{1,3}(\.\d{3})*(,\d+)?%?$")


def _ticks(svg: str) -> list[str]:
    return [t.strip() for t in TICK.findall(svg) if NUMBER.match(t.strip())]


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("0.25", "nl", "0,25"), ("20000", "nl", "20.000"), ("−1234.5%", "nl", "−1.234,5%"),
    ("Groep 2 (1234)", "nl", "Groep 2 (1.234)"), ("0.25", "en", "0.25"),
    ("20000", "en", "20,000"),
])
def test_format_number(text: str, lang: str, expected: str) -> None:
    assert format_number(text, lang) == expected


def _plot(percent: bool = False) -> Figure:
    figure = Figure(figsize=(4, 3), layout="constrained")
    ax = figure.add_subplot()
    ax.plot([0, 20_000], [0.0, 0.35])
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    return figure


@pytest.mark.parametrize("percent", [False, True])
def test_ticks_in_dutch_and_english(percent: bool) -> None:
    dutch = _ticks(fg.render("t", "c", _plot(percent), lang="nl").svg)
    english = _ticks(fg.render("t", "c", _plot(percent), lang="en").svg)
    assert "20.000" in dutch and ("35,0%" if percent else "0,35") in dutch
    assert all(DUTCH.match(t) for t in dutch), dutch
    assert "20000" in english and ("35.0%" if percent else "0.35") in english
    assert not all(DUTCH.match(t) for t in english)  # the check tells the two apart


def test_every_figure_of_a_dutch_report(tmp_path: Path) -> None:
    source = _export(tmp_path / "export")
    ticks = {}
    for lang in ("nl", "en"):
        out = tmp_path / lang / "verslag.html"
        assert main(["report", str(source), "--out", str(out), "--lang", lang,
                     "--no-topics"]) == 0
        svgs = sorted(out.parent.glob("verslag-*.svg"))
        assert len(svgs) >= 4
        ticks[lang] = {svg.stem: _ticks(svg.read_text(encoding="utf-8")) for svg in svgs}
    for name, found in ticks["nl"].items():
        assert all(DUTCH.match(t) for t in found), (name, found)
    every = [t for found in ticks["nl"].values() for t in found]
    assert any("," in t for t in every), every  # decimals are there to check
    english = [t for found in ticks["en"].values() for t in found]
    assert any(not DUTCH.match(t) for t in english), english


def test_counts_in_legends_and_bars_follow_the_language() -> None:
    import pandas as pd

    groups = pd.DataFrame({"group_id": [0, 1], "n_participants": [1234, 56]})
    for lang, text in (("nl", "1.234"), ("en", "1,234")):
        figure = fg.group_sizes_figure(groups, 7, "niet", "Aantal", lang=lang)
        labels = [t.get_text() for t in figure.axes[0].texts]
        assert text in labels, labels
        # The groups are named as the dashboard names them (api/present/wording.group_name).
        names = [t.get_text() for t in figure.axes[0].get_xticklabels()]
        assert names[:2] == ([f"{'Groep' if lang == 'nl' else 'Group'} {x}" for x in "AB"]), names

"""``meedenken report``: every section, nothing fetched from outside, valid figures, escaped texts,
both languages, one-line errors."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import fields
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from meedenken.api.cli.main import main
from meedenken.api.report import SECTIONS
from meedenken.engine import AnalysisSettings
from meedenken.models.polis_export import Comment, PolisExport, write_export
from tests._polis_data import DATA, needs_data

MARKUP = '<script>alert("x")</script> <img src=http://evil.example/a.png> & $5 = "cheap"'
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _export(folder: Path) -> Path:
    """A small planted conversation whose statement 0 (agreed by all) carries markup."""
    rng = np.random.default_rng(3)
    n_p, n_s = 60, 12
    truth = np.repeat([0, 1], n_p // 2)
    pref = rng.choice([-1, 1], size=(2, n_s))
    pref[1] = -pref[0]
    pref[:, 0] = 1
    p, s = np.nonzero(rng.random((n_p, n_s)) < 0.9)
    votes = pref[truth[p], s] * np.where(rng.random(len(p)) < 0.93, 1, -1)
    votes[s == 0] = 1
    times = 1_700_000_000 + np.sort(rng.random(len(p))) * 3 * 86_400
    comments = tuple(Comment(i, MARKUP if i == 0 else f"Stelling {i}: zorg dichtbij huis")
                     for i in range(n_s))
    export = PolisExport(p, s, votes, np.round(times, 3), comments,
                         {"topic": "Zorg <b>in</b> de regio"})
    return write_export(export, folder)


class _Links(HTMLParser):
    """Collects every URL-valued attribute with its tag and the section it is in."""

    URL_ATTRIBUTES = frozenset({"src", "href", "srcset", "poster", "data", "action", "formaction",
                      "background", "xlink:href", "cite", "manifest"})

    def __init__(self) -> None:
        super().__init__()
        self.section: list[str] = []
        self.found: list[tuple[str, str, str, str]] = []
        self.sections: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        if tag == "section":
            self.section.append(values.get("id") or "")
            self.sections.append(values.get("id") or "")
        for name, value in attrs:
            if name in self.URL_ATTRIBUTES and value is not None:
                self.found.append((tag, name, value, self.section[-1] if self.section else ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.section:
            self.section.pop()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("report")
    source = _export(root / "export")
    out = root / "out" / "report.html"
    assert main(["report", str(source), "--out", str(out), "--lang", "en", "--tables",
                 str(root / "tables"), "--no-topics"]) == 0
    return out, out.read_text(encoding="utf-8")


def test_every_section_is_present(built: tuple[Path, str]) -> None:
    _, html = built
    parser = _Links()
    parser.feed(html)
    assert parser.sections == list(SECTIONS)
    for caption in ("Opinion map", "Group sizes", "Votes per participant",
                    "Participation over time", "Consensus"):
        assert f'alt="{caption}' in html, caption  # the histogram's caption goes on
    assert "Representative statements per group" in html
    assert 'class="bars"' in html  # per-group agree/disagree/pass bars


@pytest.mark.parametrize(("module", "section", "figure"), [
    ("meedenken.engine.bridging", "bridging", "bridging"),
    ("meedenken.engine.opinion_diversity", "diversity", "daily"),
])
def test_optional_sections_follow_the_engine(built: tuple[Path, str], module: str,
                                             section: str, figure: str) -> None:
    """A section is filled when its engine module is installed, and says so when it is not."""
    out, html = built
    start = html.index(f'<section id="{section}">')
    body = html[start:html.index("</section>", start)]
    if importlib.util.find_spec(module) is None:
        assert 'class="missing"' in body and module.rsplit(".", 1)[0] in body
    else:
        assert 'class="missing"' not in body, body[:500]
        assert (out.parent / f"report-{figure}.svg").is_file()
        assert "data:image/svg+xml;base64," in body


def test_common_ground_section_lists_only_common_ground_in_words(
        built: tuple[Path, str]) -> None:
    """Issue 16: the report's bridging section leads with common ground across all opinion
    groups, in words ("...% of group A and ...% of group B agree": named as the dashboard
    names them), never a bare score."""
    import pandas as pd

    out, html = built
    start = html.index('<section id="bridging">')
    body = html[start:html.index("</section>", start)]
    assert "<h2>Common ground across all opinion groups</h2>" in body
    common = body[body.index('<ol class="common-ground">'):body.index("</ol>")]
    listed = [int(part.split(" ", 1)[0]) for part in common.split("<li>#")[1:]]
    table = pd.read_parquet(out.parent.parent / "tables" / "bridging.parquet")
    is_common = dict(zip(table["statement_id"], table["is_bridging"], strict=True))
    assert listed and all(is_common[sid] for sid in listed)
    assert 0 in listed  # statement 0: every participant agrees
    assert "No common ground yet" not in body and "one-group" not in body  # clear groups
    assert "% of group A" in common and " agree" in common and "score" not in common
    assert "% of group 0" not in common
    assert "&lt;script&gt;" in common and "<script>" not in common


@needs_data
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_common_ground_says_what_every_group_means_without_clear_groups(
        tmp_path: Path, lang: str) -> None:
    """Issue 16: on an export without clear opinion groups (london.youth.policing: one group)
    the common-ground section says that "every group" is everyone in conversation, in the
    words ``analyze`` and the dashboard use; a report with clear groups does not."""
    from meedenken.api.report.i18n import strings

    out = tmp_path / "report.html"
    assert main(["report", str(DATA / "london.youth.policing"), "--out", str(out), "--lang", lang,
                 "--no-topics"]) == 0
    html = out.read_text(encoding="utf-8")
    start = html.index('<section id="bridging">')
    body = html[start:html.index("</section>", start)]
    note = strings(lang)["common_one_group"]
    assert f'<p class="note one-group">{note}</p>' in body
    assert body.index(note) < body.index('<ol class="common-ground">')


def test_no_external_requests(built: tuple[Path, str]) -> None:
    _, html = built
    parser = _Links()
    parser.feed(html)
    assert not parser.tags & {"script", "link", "iframe", "object", "embed", "base", "video",
                              "audio", "source"}
    for tag, name, value, section in parser.found:
        if value.startswith(("data:", "#")):
            continue
        # Only plain links of the attribution (never fetched) may point outside.
        assert (tag, name, section) == ("a", "href", "attribution"), (tag, name, value, section)
        assert value.startswith("https://")
    css = " ".join(re.findall(r"<style>(.*?)</style>", html, flags=re.S))
    assert "@import" not in css
    for url in re.findall(r"url\(([^)]*)\)", html):
        assert url.strip("'\" ").startswith("data:"), url
    # grep: an http(s) URL in a tag's src/href or in url() only in the attribution's anchors
    # (statement texts may mention URLs: they are escaped text, never inside a tag).
    attribution = html[html.index('<section id="attribution">'):]
    outside = html[:html.index('<section id="attribution">')]
    in_tag = re.compile(r"<[^>]*\b(?:src|href|srcset)\s*=\s*[\"']?\s*https?://[^>]*>", re.I)
    assert not in_tag.search(outside)
    assert not re.search(r"url\(\s*[\"']?\s*https?:", html, re.I)
    assert all(m.group(0).startswith("<a ") for m in in_tag.finditer(attribution))
    assert "creativecommons.org/licenses/by/4.0" in attribution
    assert "http-equiv=\"Content-Security-Policy\"" in html


def test_figures_are_valid_images(built: tuple[Path, str]) -> None:
    out, html = built
    pngs = sorted(out.parent.glob("report-*.png"))
    svgs = sorted(out.parent.glob("report-*.svg"))
    names = {p.stem.removeprefix("report-") for p in pngs}
    assert {"opinion-map", "group-sizes", "consensus", "votes-per-participant",
            "timeline"} <= names
    assert {p.stem for p in svgs} == {p.stem for p in pngs}
    for png in pngs:
        data = png.read_bytes()
        assert data.startswith(PNG_MAGIC), png
        image = mpimg.imread(io.BytesIO(data), format="png")
        assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
        assert image.std() > 0  # not blank
    for svg in svgs:
        root = ET.fromstring(svg.read_bytes())
        assert root.tag == "{http://www.w3.org/2000/svg}svg", svg
    # every figure is embedded in the page too
    assert html.count("data:image/svg+xml;base64,") == len(svgs)


def test_statement_markup_is_escaped(built: tuple[Path, str]) -> None:
    out, html = built
    assert "<script" not in html
    assert "evil.example" not in html.replace("&lt;img src=http://evil.example", "")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "Zorg &lt;b&gt;in&lt;/b&gt; de regio" in html
    # The consensus figure labels statement 0 by its text: escaped as XML, read back as text.
    svg = (out.parent / "report-consensus.svg").read_text(encoding="utf-8")
    assert "<script" not in svg and "&lt;script&gt;" in svg
    texts = "".join(ET.fromstring(svg).itertext())
    assert '<script>alert("x")' in texts


class _WordEncoder:
    """A tiny stand-in for a sentence-transformers model: bag of words, hashed (fast, offline)."""

    DIM = 64

    def encode(self, texts: list[str], **_: object) -> np.ndarray:
        out = np.zeros((len(texts), self.DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, sum(map(ord, word)) % self.DIM] += 1.0
        return out


@pytest.mark.skipif(importlib.util.find_spec("meedenken.engine.topics") is None,
                    reason="engine.topics (statement semantics) is absent")
def test_topics_section(tmp_path: Path) -> None:
    from meedenken.api.report import build_report, from_polis_export
    from meedenken.engine.semantics import StatementEmbedder

    embedder = StatementEmbedder(_WordEncoder(), model_name="test-words")
    report = build_report(from_polis_export(_export(tmp_path / "export")), lang="en",
                          embedder=embedder)
    start = report.html.index('<section id="topics">')
    body = report.html[start:report.html.index("</section>", start)]
    assert 'class="missing"' not in body and "test-words" in body
    assert 'class="bars"' in body and "data:image/svg+xml;base64," in body
    assert {"statement_topics", "group_topic_votes"} <= set(report.tables)
    assert "<script" not in report.html
    topics = report.tables["statement_topics"]
    assert (topics["topic_id"] >= 0).all()  # every (active) statement has a topic


def test_methods_state_every_setting(built: tuple[Path, str]) -> None:
    _, html = built
    methods = html[html.index('<section id="methods">'):html.index('<section id="attribution">')]
    for field in fields(AnalysisSettings):
        assert f"<code>{field.name}</code>" in methods, field.name
    assert "random_state" in methods and "Wilson" in methods
    assert "polismath" in methods  # the Pol.is source files


def test_tables_written(built: tuple[Path, str]) -> None:
    out, _ = built
    tables = out.parent.parent / "tables"
    assert (tables / "repness.parquet").is_file() and (tables / "votes.csv").is_file()


def test_dutch_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _export(tmp_path / "export")
    out = tmp_path / "verslag.html"
    assert main(["report", str(source), "--out", str(out), "--polis-compatible",
                 "--seed", "7", "--no-topics"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # piped: no progress bar
    assert captured.out.strip() == str(out)
    html = out.read_text(encoding="utf-8")
    assert '<html lang="nl">' in html
    assert "Kenmerkende stellingen per groep" in html and "Werkwijze" in html
    assert "Pol.is-compatibele instellingen" in html


@needs_data
def test_real_export_with_polis_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    out = tmp_path / "brexit.html"
    assert main(["report", str(DATA / "brexit-consensus"), "--out", str(out), "--lang",
                 "en", "--no-topics"]) == 0
    assert "report:" in terminal.getvalue() and "step" in terminal.getvalue()  # tqdm bar
    html = out.read_text(encoding="utf-8")
    assert "Can there be consensus on Brexit?" in html
    assert "adjusted Rand index" in html
    assert "The Computational Democracy Project" in html


@pytest.mark.parametrize(("argv", "message"), [
    (["report", "/nonexistent/folder", "--out", "{tmp}/r.html"], "no such folder"),
    (["report", "{tmp}", "--out", "{tmp}/r.html"], "neither votes.csv"),
    (["report", "{export}", "--out", "{tmp}/r.pdf"], "expected an .html file"),
    (["report", "{export}", "--out", "{tmp}/r.html", "--lang", "fr"], "invalid choice"),
    (["report", "{export}", "--out", "{tmp}/r.html", "--k", "40"], "force_k"),
    (["report", "{export}"], "--out"),
])
def test_errors_are_one_line_exit_2(argv: list[str], message: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    export = _export(tmp_path / "export")
    args = [a.format(tmp=tmp_path, export=export) for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert "Traceback" not in err


@pytest.mark.browser
def test_browser_requests_nothing_but_the_page(built: tuple[Path, str]) -> None:
    """Open the page in Debian's headless Chromium: the only request is the file itself."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.is_file():
        pytest.skip("Debian's chromium is missing (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api")
    out, _ = built
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium),
                                             args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.goto(out.as_uri(), wait_until="load")
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => e.complete && e.naturalWidth > 0)")
        finally:
            browser.close()
    assert requests == [out.as_uri()]
    assert images and all(images)  # every embedded figure decodes


def test_closest_statements_say_why_they_are_not_common_ground_in_both_languages() -> None:
    """Issue 16: in the empty state the report's closest statements (as the CLI's and the
    dashboard's) say in words why each is not common ground yet, naming the group or role that
    holds it back ("not enough votes yet in group C" is not "group C disagrees"); the status
    alone when there is nobody to name; never a code or a score."""
    from meedenken.api.present.analysis import why_not_sentence
    from meedenken.api.report.i18n import strings
    from meedenken.engine.common_ground import STATUSES

    en, nl = strings("en"), strings("nl")
    assert why_not_sentence("not_enough_votes", {"2": "few_votes"}, {}, en) == (
        "not enough votes yet in group C")
    assert why_not_sentence("not_enough_votes", {"2": "few_votes"}, {}, nl) == (
        "nog niet genoeg stemmen in groep C")
    assert why_not_sentence("rejected_by_a_group", {"2": "rejects"}, {}, nl) == (
        "groep C is het oneens")
    assert why_not_sentence("not_enough_votes", {"0": "unclear"}, {}, en) == (
        "no clear majority in group A yet")
    assert why_not_sentence("rejected_by_a_role", {}, {"role": {"board_member": "rejects"}},
                            nl) == "bestuurder: een meerderheid is het oneens"
    assert why_not_sentence("rejected_within_a_group", {"1": "few_votes"}, {}, nl) == (
        "een deel van een groep is het oneens; nog niet genoeg stemmen in groep B")
    for words in (en, nl):
        for status in STATUSES[1:]:  # nobody to name: the status in words
            said = why_not_sentence(status, {}, {}, words)
            assert said == words[f"status_{status}"] and "_" not in said

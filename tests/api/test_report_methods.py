"""Issue 15, item 7: a report fit to cite. The methods section names the software version and
commit, the key package versions, the input's sha256, the command line and every setting with
its source; the Dutch page is Dutch throughout; figure labels are wrapped and not clipped; the
activity chart bins weeks or months for a long dialogue; the histogram is the one the methods
describe."""

from __future__ import annotations

import hashlib
import re
from dataclasses import fields, is_dataclass
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from meedenken.api.report import figures as fg
from meedenken.api.report import provenance as prov
from meedenken.api.report.build import build_report
from meedenken.api.report.methods import default_mode_changes
from meedenken.api.report.settings_nl import DEFAULT_CHANGES_NL, SETTINGS_NL
from meedenken.api.report.source import ReportSource, from_polis_export
from meedenken.engine import AnalysisSettings
from meedenken.engine.participation import histogram_edges
from meedenken.models.polis_export import Comment, PolisExport, write_export

#: English text the Dutch report showed before issue 15 (the settings' meanings and sources,
#: the default mode's changes, the attribution, the topics' method, table headings); none may
#: appear on a Dutch page again.
ENGLISH_FOUND = (
    "Reproduce Pol.is exactly", "Largest number of opinion groups", "Force the number of groups",
    "Number of PCA components", "power iterations per component", "Minimum votes to be clustered",
    "top voters added", "number of base clusters", "Lloyd iterations", "every centre moved",
    "Representative statements kept", "Consensus statements kept", "Routing novelty boost",
    "priority of meta statements", "folds for choosing k", "Fit matrix-factorisation",
    "Settings of that bridging fit", "Factor dimensions", "Mean-loss penalty", "Weight of a pass",
    "ALS sweeps", "Two-sided coverage", "Pseudo-votes", "Evidence rule", "must lie above",
    "Refit with both sides", "k-anonymity", "common-ground rule", "A group supports a statement",
    "z of those bounds", "A group needs at least", "Cell counts of the finer partitions",
    "a fine cell vetoes", "hide every breakdown cell", "Reference shares", "Raking stops",
    "Raking gives up", "Histogram of votes per participant", "log-spaced", "in conversation have",
    "Longest time series", "Per-statement group differences", "Coverage: how many",
    "Weighted figures are withheld", "The map's axes", "block power steps", "Bridging is refitted",
    "PCA is solved to convergence", "Base clusters use", "The number of groups is chosen",
    "Excluded (moderated-out, meta)", "The k smoother", "(Engels)", "Data was gathered",
    "sub-licensed", "Meedenken research notes", "Pol.is source code", "Ward clustering",
    "TF-IDF keywords per topic", "Model:", ">score<", "Cramér's V", "Share", "Participants",
)
#: Common English words; with Dutch statement texts none may be left once code, the literature
#: list and the licence links are set aside.
ENGLISH_WORDS = re.compile(r"\b(the|and|with|which|this|that|from|when|than|only|every|"
                           r"statements?|groups?|votes?|participants?|settings?)\b")
#: Names that stay as they are: code identifiers (a dot or underscore in them), Pol.is's
#: constants, proper names.
NAMES = re.compile(r"\S*[._]\S*|\b(min-votes|group-k-buffer|greedy-n|pca-iters|base-k|"
                   r"base-iters|z-90)\b|The Computational Democracy Project|Community Notes|"
                   r"adjusted Rand index")


def _source(folder: Path, days: float = 3.0) -> ReportSource:
    """60 participants in two planted groups over ``days``, Dutch statement texts, one of them
    long (220 characters)."""
    rng = np.random.default_rng(3)
    n_p, n_s = 60, 12
    truth = np.repeat([0, 1], n_p // 2)
    pref = rng.choice([-1, 1], size=(2, n_s))
    pref[1] = -pref[0]
    pref[:, 0] = 1
    p, s = np.nonzero(rng.random((n_p, n_s)) < 0.9)
    votes = pref[truth[p], s] * np.where(rng.random(len(p)) < 0.93, 1, -1)
    votes[s == 0] = 1
    times = 1_700_000_000 + np.sort(rng.random(len(p))) * days * 86_400
    long = ("De huisarts moet ook in de kleinere dorpen van de regio elke werkdag bereikbaar "
            "blijven, ook als dat betekent dat praktijken samenwerken en patiënten soms naar een "
            "andere huisarts in de buurt gaan voor de avondzorg")
    comments = tuple(Comment(i, long if i == 0 else f"Stelling {i}: zorg dichtbij huis",
                             moderated=0 if i == 1 else 1) for i in range(n_s))
    export = PolisExport(p, s, votes, np.round(times, 3), comments, {"topic": "Zorg in de regio"})
    return from_polis_export(write_export(export, folder))


class _Text(HTMLParser):
    """The page's text, without <code>, <style>, the literature list and the licence links."""

    SKIP_CLASSES = frozenset({"references", "links"})

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth or tag in ("code", "style") or dict(attrs).get("class") in self.SKIP_CLASSES:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


@pytest.fixture(scope="module")
def dutch(tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportSource, str]:
    source = _source(tmp_path_factory.mktemp("nl") / "export")
    report = build_report(source, lang="nl", topics=False,
                          command="meedenken report export --out verslag.html")
    return source, report.html


def test_methods_name_version_commit_packages_inputs_command(
        dutch: tuple[ReportSource, str]) -> None:
    source, html = dutch
    assert f"<code>{prov.software_version()}</code>" in html
    commit, _ = prov.git_commit()
    if commit is not None:  # a source checkout: the full commit
        assert re.fullmatch(r"[0-9a-f]{40}", commit) and f"<code>{commit}</code>" in html
    for name in ("numpy", "scipy", "scikit-learn", "pandas", "matplotlib"):
        assert re.search(rf"<code>{name}</code> <code>\d+\.\d+", html), name
    assert "<code>meedenken report export --out verslag.html</code>" in html
    folder = Path(source.location)
    for path in sorted(folder.iterdir()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert f"<code>{path.name}</code>: <code class=\"hash\">{digest}</code>" in html


def test_every_setting_listed_with_its_dutch_meaning(dutch: tuple[ReportSource, str]) -> None:
    _, html = dutch

    def walk(settings: object) -> None:
        for f in fields(settings):  # type: ignore[arg-type]
            key = f"{type(settings).__name__}.{f.name}"
            assert key in SETTINGS_NL, f"no Dutch meaning for {key}"
            value = getattr(settings, f.name)
            if is_dataclass(value):
                walk(value)
    walk(AnalysisSettings())
    for text in ("Leg het aantal groepen vast", "Aantal factordimensies",
                 "De k-afvlakking vraagt 2"):
        assert text.replace("'", "&#39;") in html
    assert len(DEFAULT_CHANGES_NL) == len(default_mode_changes()), (
        "engine.settings' list of default-mode changes changed: translate it in settings_nl")


def test_dutch_report_has_no_english(dutch: tuple[ReportSource, str]) -> None:
    _, html = dutch
    parser = _Text()
    parser.feed(html)
    text = " ".join(" ".join(parser.parts).split())
    for phrase in ENGLISH_FOUND:
        assert phrase not in text, phrase
    text = NAMES.sub(" ", text)
    assert not ENGLISH_WORDS.findall(text), sorted(set(ENGLISH_WORDS.findall(text)))


def test_dutch_numbers_use_dutch_separators(dutch: tuple[ReportSource, str]) -> None:
    _, html = dutch
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    decimals = [c for c in cells if re.fullmatch(r"-?\d+[.,]\d+%?", c)]
    assert decimals, cells
    assert all("," in c for c in decimals), decimals  # 0,29 and 52,0%, not 0.29


def test_no_git_is_stated_not_a_failure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(prov, "REPOSITORY", tmp_path)  # an installed copy: not a checkout
    assert prov.git_commit() == (None, None)

    def no_git(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError("git")
    monkeypatch.setattr(prov.subprocess, "run", no_git)
    assert prov.git_commit() == (None, None)
    source = _source(tmp_path / "export")
    html = build_report(source, lang="nl", topics=False).html
    assert "onbekend (niet gedraaid vanuit een git-checkout)" in html
    assert "build_report() (Python)" in html


def test_database_source_fingerprints_its_votes(tmp_path: Path) -> None:
    source = _source(tmp_path / "export")
    digest = prov.votes_fingerprint(source.matrix)
    rows, cols, values, _ = source.matrix.records()
    order = np.random.default_rng(0).permutation(len(rows))
    from meedenken.engine.matrix import VoteMatrix
    shuffled = VoteMatrix.from_records(
        np.asarray(source.matrix.participant_ids)[rows[order]],
        np.asarray(source.matrix.statement_ids)[cols[order]], values[order])
    assert prov.votes_fingerprint(shuffled) == digest
    changed = VoteMatrix.from_records(
        np.asarray(source.matrix.participant_ids)[rows],
        np.asarray(source.matrix.statement_ids)[cols], np.where(order == 0, -values, values))
    assert prov.votes_fingerprint(changed) != digest


# ---------------------------------------------------------------------- figures
def _inside(figure: object) -> None:
    """Everything drawn (tick labels, axis titles, legends) lies within the figure: the tight
    box of what was drawn fits in the canvas, so nothing is clipped at an edge."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    canvas = FigureCanvasAgg(figure)  # type: ignore[arg-type]
    canvas.draw()
    tight = figure.get_tightbbox(canvas.get_renderer())  # type: ignore[attr-defined]
    width, height = figure.get_size_inches()  # type: ignore[attr-defined]
    slack = 0.01  # inches
    assert tight.x0 >= -slack and tight.y0 >= -slack, tight
    assert tight.x1 <= width + slack and tight.y1 <= height + slack, (tight, width, height)


def test_long_statements_wrapped_not_cut_and_labels_inside() -> None:
    words = " ".join(f"woord{i}" for i in range(40))  # 290 characters
    labels = [f"#1 {words}", "#2 kort", "#3 " + "x" * 70]
    figure = fg.interval_figure(labels, np.array([0.5, 0.6, 0.7]), np.array([0.4, 0.5, 0.6]),
                                np.array([0.6, 0.7, 0.8]), ["red"] * 3,
                                "verbindingsscore (95%-interval); groen: voldoet aan de regel "
                                "van gemeenschappelijke grond in elke groep")
    ticks = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert ticks[0].replace("\n", " ") == f"#1 {words}"  # every word kept
    assert max(len(line) for line in ticks[0].split("\n")) <= fg.LABEL_WIDTH
    assert "…" not in "".join(ticks)
    _inside(figure)


def test_votes_histogram_uses_the_bins_the_methods_name() -> None:
    counts = np.array([1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233])
    participants = pd.DataFrame({"n_votes": np.concatenate([counts, [0, 0]])})
    n_bins = AnalysisSettings().diversity.histogram_bins
    figure = fg.votes_per_participant_figure(participants, "Stemmen per stemmer", "Stemmers",
                                             n_bins)
    heights = [patch.get_height() for patch in figure.axes[0].patches]
    expected, _ = np.histogram(counts, bins=histogram_edges(int(counts.max()), n_bins))
    assert heights == expected.tolist()
    assert len(heights) == n_bins and sum(heights) == len(counts)  # voters only
    _inside(figure)


@pytest.mark.parametrize(("days", "period", "bars"), [(20, "D", 20), (365, "W", 53),
                                                      (4 * 365, "M", 48)])
def test_activity_chart_bins_long_dialogues(days: int, period: str, bars: int) -> None:
    start = 1_600_000_000 - 1_600_000_000 % 86_400 + 86_400 * np.arange(days)
    rng = np.random.default_rng(1)
    figure, used = fg.daily_figure(start, rng.integers(0, 5, days), rng.integers(0, 50, days),
                                   "nieuwe stemmers", "stemmen")
    assert used == period
    assert abs(len(figure.axes[0].patches) - bars) <= 1
    _inside(figure)


def test_four_year_dialogue_gets_a_monthly_chart(tmp_path: Path) -> None:
    source = _source(tmp_path / "export", days=4 * 365)
    report = build_report(source, lang="nl", topics=False)
    assert "Deelname per maand" in report.html
    assert any(f.name == "daily" for f in report.figures)


def test_ten_group_names_fit_and_consensus_shows_the_half() -> None:
    groups = pd.DataFrame({"group_id": range(10), "n_participants": np.arange(10) * 30 + 50})
    _inside(fg.group_sizes_figure(groups, 400, "niet ingedeeld", "Deelnemers", lang="nl"))
    consensus = pd.DataFrame({"statement_id": [1], "direction": ["agree"], "share": [0.55],
                              "low": [0.45], "high": [0.64]})
    figure = fg.consensus_figure(consensus, {1: "Stelling"}, {"agree": "eens",
                                                              "share": "Aandeel"})
    assert [line.get_xdata()[0] for line in figure.axes[0].get_lines()] == [fg.HALF]
    _inside(figure)


def _forced(result: object, per_group: tuple[float, ...]) -> object:
    """``result`` as a forced k leaves it: the given Jaccards, no held-out z, steps "forced"
    then "a further class too small" (engine.grouping's kinds)."""
    import dataclasses

    from meedenken.engine.result import KStep

    cl = result.clustering  # type: ignore[attr-defined]
    st = dataclasses.replace(
        cl.stability, clear_groups=True, overall=float(np.mean(per_group)), per_group=per_group,
        held_out_z=None, steps=[KStep(2, 2, None, "k forced", "forced"),
                                KStep(2, 2, None, "class 3 below the minimum size",
                                       "class_too_small")])
    return dataclasses.replace(result, clustering=dataclasses.replace(cl, stability=st))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_stability_note_is_in_the_page_language_and_warns_of_weak_groups(
        dutch: tuple[ReportSource, str], lang: str) -> None:
    """A forced k can publish a group below the stability line: the note says so, names no
    held-out z it does not have ("z = –"), says k was set by hand, writes its numbers in the
    page's language (0,68 on a Dutch page), and the k steps are in that language too (not
    "k forced", not "too few participants for two groups" for a class below the minimum)."""
    from meedenken.api.report.i18n import strings
    from meedenken.api.report.stability import stability_words as _stability
    from meedenken.engine import analyze

    source, _ = dutch
    settings = AnalysisSettings(force_k=2)
    result = _forced(analyze(source.matrix, settings, random_state=0), (0.97, 0.68))
    words = strings(lang)
    stability = _stability(result, words, settings)  # type: ignore[arg-type]
    assert stability is not None
    text, steps = stability["text"], stability["steps"]
    assert stability["weak"] == ["1"]
    assert "z = –" not in text and "z =" not in text
    assert "k forced" not in steps and "too few participants" not in steps
    assert words["k_step_class_too_small"] in steps
    if lang == "nl":
        assert "0,97" in text and "0,68" in text and "0,75" in text and "0.68" not in text
        assert "Let op: groep B onder de stabiliteitsgrens" in text
        assert "met de hand vastgelegd (k = 2" in text and "k = 2 met de hand" in steps
    else:
        assert "0.68" in text and "Caution: group B below the stability line" in text
        assert "set by hand (k = 2" in text


def test_bar_numbers_say_which_share_they_are(dutch: tuple[ReportSource, str]) -> None:
    """Issue 15, item 5: under a statement the group "disagrees" with, a bare "5% · n=40" read
    as the share disagreeing; each bar's number says it is the share agreeing, of n votes."""
    _, html = dutch
    numbers = re.findall(r'<span class="num">([^<]*· n=\d+)</span>', html)
    assert numbers
    assert all(re.fullmatch(r"eens \d+% · n=\d+", n) for n in numbers), numbers[:3]


def test_settings_table_says_which_values_were_set_and_what_the_mode_uses(
        dutch: tuple[ReportSource, str]) -> None:
    """Issue 15, item 7, "every setting with its source": a value the command line (or the
    caller) changed says so beside the default; k_buffer shows the 2 the default mode uses
    (its list of changes says 2, the table said 4); Pol.is has no grouping rule, so no Pol.is
    value is claimed for grouping.*; the page stays Dutch."""
    from meedenken.engine.settings import GroupingSettings

    source, default_html = dutch
    assert "voor deze analyse ingesteld" not in default_html
    k_buffer = ("<code>k_buffer</code></td><td><code>4</code> (deze werkwijze gebruikt "
                "<code>2</code>)")
    assert k_buffer in default_html
    assert "<code>grouping.min_group_size</code></td><td><code>5</code></td><td>–</td>" in (
        default_html)
    settings = AnalysisSettings(force_k=2, grouping=GroupingSettings(min_group_size=3))
    html = build_report(source, settings, lang="nl", topics=False).html
    assert ("<code>force_k</code></td><td><code>2</code> (voor deze analyse ingesteld; "
            "standaard <code>None</code>)") in html
    assert ("<code>grouping.min_group_size</code></td><td><code>3</code> (voor deze analyse "
            "ingesteld; standaard <code>5</code>)") in html
    assert html.count("voor deze analyse ingesteld") == 2
    parser = _Text()
    parser.feed(html)
    text = NAMES.sub(" ", " ".join(" ".join(parser.parts).split()))
    assert not ENGLISH_WORDS.findall(text), sorted(set(ENGLISH_WORDS.findall(text)))
    assert "k forced" not in text and "set by hand" not in text


def test_nobody_grouped_is_not_called_one_group() -> None:
    """Three participants (fewer than the group minimum of 5): the summary shows 0 groups, so
    the note must not say "everyone in conversation is shown as one group"."""
    from meedenken.api.report.i18n import strings
    from meedenken.api.report.stability import stability_words as _stability
    from meedenken.engine import VoteMatrix, analyze

    p, s = np.meshgrid(np.arange(3), np.arange(8), indexing="ij")
    votes = np.where((p + s) % 2 == 0, 1, -1).ravel()
    matrix = VoteMatrix.from_records(p.ravel().tolist(), s.ravel().tolist(), votes)
    result = analyze(matrix, random_state=0)
    assert result.k == 0
    for lang, nobody, one_group in (("nl", "niemand is ingedeeld", "in één groep"),
                                    ("en", "nobody is grouped", "as one group")):
        stability = _stability(result, strings(lang))
        assert stability is not None
        assert nobody in stability["text"] and one_group not in stability["text"]
        assert "5" in stability["text"]


def test_groups_below_the_k_anonymity_minimum_are_flagged(
        dutch: tuple[ReportSource, str], tmp_path: Path) -> None:
    """Issue 15, item 3: Pol.is mode publishes any group (london.youth.policing: 4 people with
    per-group vote bars) and --min-group-size may be 3; the page then warns beside the groups.
    The default report (no group under 5) has no such warning."""
    from meedenken.engine import POLIS

    source, default_html = dutch
    assert 'id="small-groups"' not in default_html
    report = build_report(source, POLIS.with_(force_k=5), lang="nl", topics=False)
    sizes = report.tables["groups"]["n_participants"].tolist()
    small = [g for g, n in zip(report.tables["groups"]["group_id"], sizes, strict=True) if n < 5]
    assert small, sizes  # five Pol.is groups of 60 people, two planted: some are tiny
    match = re.search(r'<p class="missing" id="small-groups">([^<]*)</p>', report.html)
    assert match, "no warning"
    assert "minder dan 5 deelnemers" in match.group(1)
    for g in small:
        assert f"groep {'ABCDE'[g]}" in match.group(1)  # named as on the dashboard


def test_stability_line_named_is_the_one_set(dutch: tuple[ReportSource, str]) -> None:
    """The note named "0,75 or more is stable" whatever ``GroupingSettings.min_jaccard`` was."""
    from meedenken.api.report.i18n import strings
    from meedenken.api.report.stability import stability_words
    from meedenken.engine import analyze
    from meedenken.engine.settings import GroupingSettings

    source, _ = dutch
    settings = AnalysisSettings(force_k=2, grouping=GroupingSettings(min_jaccard=0.6))
    result = _forced(analyze(source.matrix, settings, random_state=0), (0.97, 0.68))
    text = stability_words(result, strings("nl"), settings)["text"]  # type: ignore[arg-type,index]
    assert "0,60 of meer is stabiel" in text and "0,75" not in text
    assert "Let op" not in text  # 0.68 is above this line


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_k_method_is_written_from_the_settings_used(
        dutch: tuple[ReportSource, str], lang: str) -> None:
    """The methods name each test's figure from the settings of this analysis (not the
    defaults written into the text), and leave out a test that was switched off."""
    from meedenken.api.report.i18n import strings
    from meedenken.api.report.stability import stability_words
    from meedenken.engine import analyze
    from meedenken.engine.settings import GroupingSettings

    source, _ = dutch
    words = strings(lang)
    default = AnalysisSettings()
    result = analyze(source.matrix, default, random_state=0)
    text = stability_words(result, words, default)["method"]  # type: ignore[index]
    for key in ("k_method_class_test", "k_method_trait", "k_method_restarts",
                "k_method_trait_curtail"):
        assert words[key].split("{")[0] in text, key
    assert "3" in text and ("2.13" if lang == "en" else "2,13") in text
    assert ("0.0001" if lang == "en" else "0,0001") in text  # the curtailment's probability

    changed = AnalysisSettings(grouping=GroupingSettings(
        restarts=1, trait_test=False, class_test_null=11, class_test_z=2.5, min_jaccard=0.8,
        trait_min_participants=150, trait_curtail=0.0))
    text = stability_words(result, words, changed)["method"]  # type: ignore[index]
    assert words["k_method_trait"].split("{")[0] not in text  # switched off: not described
    assert words["k_method_trait_curtail"].split("{")[0] not in text
    assert words["k_method_restarts"].split("{")[0] not in text  # one run: nothing to count
    assert " 11 " in text and ("2.50" if lang == "en" else "2,50") in text
    assert ("0.80" if lang == "en" else "0,80") in text and "0,75" not in text
    assert "0.75" not in text and "2.13" not in text and "2,13" not in text


def test_an_empty_map_draws_without_a_warning() -> None:
    """A conversation without votes yet (a --db report early on): the map is drawn empty, and
    matplotlib's "No artists with labels found to put in legend" does not reach the terminal."""
    import warnings

    empty = pd.DataFrame({"group_id": pd.Series([], dtype=int), "x": [], "y": []})
    groups = pd.DataFrame({"group_id": [], "n_participants": [], "centre_x": [],
                           "centre_y": []})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = fg.opinion_map_figure(empty, groups, "niet ingedeeld", lang="nl")
    assert figure.axes[0].get_legend() is None



def test_every_k_step_kind_has_words_in_both_languages() -> None:
    """Each decision kind the grouping can record is written in the page's language, never as
    the engine's English reason on a Dutch page; and the grouping records no other kind."""
    import ast
    import inspect

    from meedenken.api.report.i18n import strings
    from meedenken.engine import grouping
    from meedenken.engine.result import STEP_KINDS

    recorded: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(grouping))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "KStep":
            kind = node.args[4]
            options = [kind.body, kind.orelse] if isinstance(kind, ast.IfExp) else [kind]
            recorded |= {o.value for o in options if isinstance(o, ast.Constant)}
    assert {"split", "split_too_small", "alike", "class_too_small", "classes_continuum"} <= recorded
    assert recorded <= set(STEP_KINDS), recorded - set(STEP_KINDS)
    for lang in ("en", "nl"):
        words = strings(lang)
        missing = sorted(k for k in STEP_KINDS if f"k_step_{k}" not in words)
        assert not missing, (lang, missing)


@pytest.mark.parametrize(("lang", "caution"), [("nl", "het aantal groepen is onzeker"),
                                               ("en", "the number of groups is uncertain")])
def test_runs_of_the_grouping_that_disagree_are_named_in_the_note(
        dutch: tuple[ReportSource, str], lang: str, caution: str) -> None:
    """Runs of the grouping with their own seeds that found different k's (issue 15): the note
    says the number of groups is uncertain and lists each run's k; runs that agree are counted."""
    import dataclasses

    from meedenken.api.report.i18n import strings
    from meedenken.api.report.stability import stability_words
    from meedenken.engine import analyze

    source, _ = dutch
    result = analyze(source.matrix, AnalysisSettings(), random_state=0)

    def with_runs(runs: tuple[int, ...]) -> object:
        cl = result.clustering
        st = dataclasses.replace(cl.stability, restarts=runs)
        return dataclasses.replace(result, clustering=dataclasses.replace(cl, stability=st))

    split = stability_words(with_runs((2, 1, 2)), strings(lang))  # type: ignore[arg-type]
    assert split is not None and split["uncertain"]
    assert caution in split["text"] and "k = 2, 1, 2" in split["text"]
    agreed = stability_words(with_runs((result.k, result.k)), strings(lang))  # type: ignore[arg-type]
    assert agreed is not None and not agreed["uncertain"] and caution not in agreed["text"]
    assert ("2 of 2 runs" if lang == "en" else "2 van de 2 herhalingen") in agreed["text"]


@pytest.mark.parametrize(("lang", "words_nl"), [("en", False), ("nl", True)])
def test_the_third_axis_screen_is_written_with_its_ratio(lang: str, words_nl: bool) -> None:
    """Where the third-axis screen stops a room, the report's list of decisions says so in the
    page's language with the ratio it read (session 17 g15u), and the methods name the
    three-axis trait with its line for four models (2.24), the screen with its line (1.05,
    session 28) and the three-axis trait's ratio with its own (1.16)."""
    from meedenken.api.report.i18n import strings
    from meedenken.api.report.stability import stability_words
    from meedenken.engine import analyze
    from meedenken.engine.synthetic import continuous_conversation

    m = continuous_conversation(200, 40, density=0.3, random_state=0)
    settings = AnalysisSettings(bridging=False)
    result = analyze(m, settings, random_state=0)
    st = result.clustering.stability
    assert st is not None and st.third_axis is not None
    words = strings(lang)
    text = stability_words(result, words, settings)
    assert text is not None
    ratio = f"{st.third_axis:.2f}".replace(".", "," if words_nl else ".")
    assert words["k_step_no_third_axis"] in text["steps"]
    assert words["k_third_axis"].format(ratio=ratio) in text["steps"]
    assert words["k_method_trait_three"].split("{")[0] in text["method"]
    assert ("2,24" if words_nl else "2.24") in text["method"]
    sep = "," if words_nl else "."
    beat = words["k_method_beat_trait"].split("{ratio}")
    assert f"{beat[0]}1{sep}05{beat[1].split('{')[0]}" in text["method"]
    three = words["k_method_trait_three"].split("{ratio}")
    assert f"{three[0]}1{sep}16{three[1].split('{')[0]}" in text["method"]


@pytest.mark.parametrize(("lang", "words_nl"), [("en", False), ("nl", True)])
def test_the_skew_screen_is_written_with_its_z(lang: str, words_nl: bool) -> None:
    """Where a lopsided axis sends a room on to the latent classes (session 18 g15w), the list
    of decisions says so in the page's language with the ratio and the step's z, and the methods
    name the screen with its line (4)."""
    from dataclasses import replace

    from meedenken.api.report.i18n import strings
    from meedenken.api.report.stability import stability_words
    from meedenken.engine import analyze
    from meedenken.engine.result import KStep
    from meedenken.engine.synthetic import continuous_conversation

    m = continuous_conversation(200, 40, density=0.3, random_state=0)
    settings = AnalysisSettings(bridging=False)
    result = analyze(m, settings, random_state=0)
    st = result.clustering.stability
    assert st is not None and st.third_axis is not None
    # The recorded decisions of a room the skew screen sent on (the step as the engine writes
    # it), on this room's result.
    steps = [*st.steps[:-1], KStep(1, 1, None, "lopsided", "skewed_axis", 6.57)]
    skewed = replace(result, clustering=replace(result.clustering,
                                                stability=replace(st, steps=steps)))
    words = strings(lang)
    text = stability_words(skewed, words, settings)
    assert text is not None
    sep = "," if words_nl else "."
    assert words["k_step_skewed_axis"] in text["steps"]
    ratio = f"{st.third_axis:.2f}".replace(".", sep)
    assert words["k_third_axis"].format(ratio=ratio) in text["steps"]
    assert f"z = 6{sep}57" in text["steps"]
    assert words["k_method_axis_skew"].split("{")[0] in text["method"]
    off = AnalysisSettings(bridging=False, grouping=settings.grouping.with_(
        classes_axis_skew=False))
    text_off = stability_words(skewed, words, off)
    assert text_off is not None
    assert words["k_method_axis_skew"].split("{")[0] not in text_off["method"]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_groups_too_few_runs_found_are_written_as_runs_disagree(lang: str) -> None:
    """Where some runs of the grouping found groups but fewer than two thirds (session 19 g15x),
    the list of decisions says so in the page's language, the stability line warns with every
    run's k, and the methods say that two thirds must find groups."""
    from dataclasses import replace

    from meedenken.api.report.i18n import strings
    from meedenken.api.report.stability import stability_words
    from meedenken.engine import analyze
    from meedenken.engine.result import KStep
    from meedenken.engine.synthetic import continuous_conversation

    m = continuous_conversation(200, 40, density=0.3, random_state=0)
    settings = AnalysisSettings(bridging=False)
    result = analyze(m, settings, random_state=0)
    st = result.clustering.stability
    assert st is not None and result.k == 1
    steps = [*st.steps, KStep(4, 1, None, "4 of 8 runs", "runs_disagree")]
    disagreeing = replace(result, clustering=replace(result.clustering, stability=replace(
        st, steps=steps, restarts=(4, 1, 4, 1, 4, 4, 1, 1))))
    words = strings(lang)
    text = stability_words(disagreeing, words, settings)
    assert text is not None and text["uncertain"] and not text["clear"]
    assert f"4 → 1: {words['k_step_runs_disagree']}" in text["steps"]
    assert "k = 4, 1, 4, 1, 4, 4, 1, 1" in text["text"]
    assert words["k_method_restarts"].format(n=settings.grouping.restarts) in text["method"]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_number_of_groups_few_group_runs_found_is_written_as_runs_split(lang: str) -> None:
    """Where groups are published at a k that fewer than half of the group-finding runs found
    (session 20 g15y), the list of decisions says so in the page's language and the stability
    line warns with every run's k (the step stands in for the grouping's own here: the room
    is the continuous one of the test above)."""
    from dataclasses import replace

    from meedenken.api.report.i18n import strings
    from meedenken.api.report.stability import stability_words
    from meedenken.engine import analyze
    from meedenken.engine.result import KStep
    from meedenken.engine.synthetic import continuous_conversation

    m = continuous_conversation(200, 40, density=0.3, random_state=0)
    settings = AnalysisSettings(bridging=False)
    result = analyze(m, settings, random_state=0)
    st = result.clustering.stability
    assert st is not None
    steps = [*st.steps, KStep(4, 4, None, "4 of the 9 runs", "runs_split")]
    split = replace(result, clustering=replace(result.clustering, stability=replace(
        st, steps=steps, restarts=(2, 3, 4, 2, 3, 4, 4, 4, 3))))
    words = strings(lang)
    text = stability_words(split, words, settings)
    assert text is not None and text["uncertain"]
    assert f"4 → 4: {words['k_step_runs_split']}" in text["steps"]
    assert "k = 2, 3, 4, 2, 3, 4, 4, 4, 3" in text["text"]

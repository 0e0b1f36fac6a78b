"""One name per opinion group on every surface (issue 16 item 4): the dashboard's ``groupLetter``
(api/static/js/i18n.js) and ``group_letter`` (api/present/wording.py, used by the report, the
command line and the notebooks) are one rule written twice; these tests hold them together."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from meedenken.api.present.analysis import support_sentence
from meedenken.api.present.wording import group_letter, group_name
from meedenken.api.report.i18n import strings

ROOT = Path(__file__).resolve().parents[2]
I18N_JS = ROOT / "api" / "static" / "js" / "i18n.js"
NODE = shutil.which("node")
#: Ids the two rules are compared on: every letter, the step past Z, JSON keys, numpy ints.
IDS = [*range(60), 77, 675, 676]


def test_python_rule_by_hand() -> None:
    assert [group_letter(g) for g in (0, 1, 2, 25)] == ["A", "B", "C", "Z"]
    # More than 26 ids (live ids of groups that came and went): never "[" or a control character.
    assert [group_letter(g) for g in (26, 27, 51, 52)] == ["A2", "B2", "Z2", "A3"]
    assert group_letter("3") == group_letter(np.int64(3)) == group_letter(3.0) == "D"
    assert group_name(0) == "group A" and group_name(1, "nl") == "groep B"
    assert group_name(2, "en", capital=True) == "Group C"
    assert group_name(2, "nl", capital=True) == "Groep C"


@pytest.mark.parametrize("bad", [-1, "-1", 1.5, "x", None, True])
def test_python_rule_refuses_what_is_not_a_group(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        group_letter(bad)


def test_every_language_of_the_report_has_the_group_word() -> None:
    """The report's words and group_name agree on what a group is called in each language."""
    for lang in ("en", "nl"):
        assert strings(lang)["group"] == group_name(0, lang, capital=True).split(" ")[0]


def _run_node(script: str) -> Any:
    """Run an ES-module ``script`` in Node; its last printed line, read as JSON."""
    assert NODE is not None
    done = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True,
                          text=True, timeout=30, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_javascript_rule_agrees_with_python() -> None:
    """Run the pages' own groupLetter in Node on integer ids and on JSON keys (the pages read
    group ids both ways) and compare with group_letter; null, -1 and junk give "?" there."""
    keys = [str(g) for g in IDS]
    script = (
        f"import({json.dumps(I18N_JS.as_uri())}).then((m) => {{\n"
        f"  const ids = {json.dumps(IDS)}, keys = {json.dumps(keys)};\n"
        "  console.log(JSON.stringify({ints: ids.map(m.groupLetter),\n"
        "    keys: keys.map(m.groupLetter),\n"
        "    junk: [null, undefined, -1, 1.5, 'x', ''].map(m.groupLetter)}));\n"
        "});\n")
    out = _run_node(script)
    expected = [group_letter(g) for g in IDS]
    assert out["ints"] == expected
    assert out["keys"] == expected
    assert out["junk"] == ["?"] * 6


def test_support_sentence_names_groups_by_letter() -> None:
    """"82% of group A, ..." in the report, the CLI and the dashboard (keys as in the JSON)."""
    for lang, expected in (
        ("en", "82% of group A, 74% of group B and 69% of group C agree"),
        ("nl", "82% van groep A, 74% van groep B en 69% van groep C is het eens"),
    ):
        assert support_sentence({"0": 0.82, "1": 0.74, "2": 0.69}, strings(lang)) == expected


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_javascript_sentences_agree_with_python() -> None:
    """The dashboard's and results page's supportSentence / whyNotSentence (api/static/js/
    panels.js) say what the report and the CLI say (api/present/analysis.py), word for word,
    in both languages, on JSON as GET /analysis serves it."""
    from meedenken.api.present.analysis import why_not_sentence

    panels = ROOT / "api" / "static" / "js" / "panels.js"
    support = {"0": 0.82, "1": 0.74, "2": 0.69}
    cases = [("rejected_by_a_group", {"1": "few_votes", "2": "rejects"},
              {"role": {"resident": "unclear"}}),
             ("not_enough_votes", {"0": "unclear", "27": "few_votes"}, {}),
             ("rejected_by_a_group", {"0": "few_votes", "1": "rejects", "2": "few_votes",
                                      "3": "rejects", "4": "few_votes"},
              {"role": {"resident": "few_votes", "manager": "few_votes"}}),
             ("rejected_within_a_group", {}, {}),
             ("rejected_by_a_role", {}, {"role": {"professional": "rejects"}}),
             ("not_enough_votes", {}, {})]
    script = (
        "globalThis.document = {documentElement: {}};\n"
        f"const i18n = await import({json.dumps(I18N_JS.as_uri())});\n"
        f"const p = await import({json.dumps(panels.as_uri())});\n"
        f"const cases = {json.dumps(cases)}, support = {json.dumps(support)};\n"
        "const out = {};\n"
        "for (const lang of ['en', 'nl']) {\n"
        "  i18n.setLanguage(lang);\n"
        "  out[lang] = {support: p.supportSentence(support),\n"
        "               why: cases.map(([s, g, r]) => p.whyNotSentence(s, g, r))};\n"
        "}\n"
        "console.log(JSON.stringify(out));\n")
    out = _run_node(script)
    for lang in ("en", "nl"):
        words = strings(lang)
        assert out[lang]["support"] == support_sentence(support, words)
        assert out[lang]["why"] == [why_not_sentence(s, g, r, words) for s, g, r in cases]
    assert out["en"]["why"][0] == ("group C disagrees; resident: no clear majority yet; "
                                   "not enough votes yet in group B")
    assert out["nl"]["why"][2] == (
        "groepen B en D zijn het oneens; nog niet genoeg stemmen in groepen A, C en E; "
        "inwoner en manager: nog niet genoeg stemmen")

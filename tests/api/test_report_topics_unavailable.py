"""Issue 17, item 5: a report whose embedding model cannot be loaded (a misspelt
MEEDENKEN_EMBEDDING_MODEL, a missing package) or that has too few statements still renders, with
the topics section saying why (audit, session 8: it failed with jinja2's UndefinedError)."""

from __future__ import annotations

from pathlib import Path

import pytest

from meedenken.api.cli.main import main

from .test_report import _export


@pytest.mark.parametrize("model", ["multilingual-e5-smal", "/no/such/model"])
def test_report_without_its_model_renders_and_says_why(model: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEEDENKEN_EMBEDDING_MODEL", model)
    source = _export(tmp_path / "export")
    out = tmp_path / "report.html"
    assert main(["report", str(source), "--out", str(out), "--lang", "nl"]) == 0
    html = out.read_text(encoding="utf-8")
    section = html[html.index('<section id="topics">'):]
    section = section[:section.index("</section>")]
    assert 'class="missing"' in section and model in section

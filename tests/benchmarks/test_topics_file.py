"""The held-out topic audit set reads as 40 statements in five themes (benchmarks/topics.py
--file; audit, session 8)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from benchmarks.topics import themed

AUDIT = Path(__file__).resolve().parents[2] / "benchmarks" / "audit" / "topics_nl.tsv"


def test_the_audit_set_has_forty_statements_in_five_themes():
    texts, themes = themed(AUDIT)
    assert len(texts) == 40 and len(set(texts)) == 40
    assert all(t and not t.startswith("#") and "\t" not in t for t in texts)
    assert Counter(themes) == {"huisarts": 9, "mantelzorg": 8, "jeugd": 8, "ziekenhuis": 8,
                               "wonen": 7}

"""The first answer of the participant and results pages, with their first state in it.

Issue 19, item 6: at 400 ms round trip a page that first loads its scripts and then asks the
API four times (conversation, join, statements, next) shows its first statement after about
4 s. The participant page is therefore sent with the conversation's topic, its state (open or
closed) and a first statement already in the HTML, and with the same data as a JSON block the
script reads instead of asking again; joining happens while the resident reads. Every value is
escaped: a statement is text, never markup.

The templates are the files in ``api/static`` with ``{{name}}`` placeholders.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["boot_json", "fill", "template"]

STATIC_DIR = Path(__file__).parents[1] / "static"


@lru_cache(maxsize=8)
def template(name: str) -> str:
    """The text of ``api/static/<name>`` (read once per process)."""
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def boot_json(data: dict[str, Any]) -> str:
    """``data`` as JSON safe inside ``<script type="application/json">``: no ``<`` (so no
    ``</script>``) and no line separators that would end the block early.

    >>> print(boot_json({"topic": "</script><b>&"}))
    {"topic":"\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def fill(name: str, values: dict[str, str], raw: dict[str, str] | None = None) -> str:
    """The template ``name`` with each ``{{key}}`` replaced by ``values[key]`` escaped for
    HTML (text and attribute values), and each of ``raw`` (already safe) as it is."""
    text = template(name)
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
    for key, value in (raw or {}).items():
        text = text.replace("{{" + key + "}}", value)
    return text

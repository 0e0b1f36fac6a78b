"""The methods section: every analysis setting with its value, the Pol.is value and its source.

The meaning and source of each setting are read from the ``#:`` comment above the field in
:mod:`engine.settings` (the one place they are written), so the report cannot drift from the code.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any

from meedenken.engine import settings as settings_module
from meedenken.engine.settings import DEFAULT_MODE_K_BUFFER, POLIS, AnalysisSettings

from .settings_nl import DEFAULT_CHANGES_NL, MISSING_NL, REFERENCES_NL, SETTINGS_NL

__all__ = ["REFERENCES", "SettingRow", "default_mode_changes", "field_comments", "references",
           "setting_rows"]

#: The Pol.is sources the engine follows (plain text, not fetched).
REFERENCES = (
    "Pol.is source code, compdemocracy/polis (snapshot 08e03eb1, 2024-10-23): "
    "math/src/polismath/math/{conversation,pca,clusters,repness,stats}.clj.",
    "C. Small, M. Bjorkegren, T. Erkkilä, L. Shaw, C. Megill, \"Polis: Scaling deliberation by "
    "mapping high dimensional opinion spaces\", Recerca 26(2), 2021.",
    "Meedenken research notes: shared/research/polis-math.md (every step, constant and quirk of "
    "the Pol.is math) and shared/research/bridging-and-diversity.md.",
    "E. B. Wilson, \"Probable inference, the law of succession, and statistical inference\", "
    "JASA 22, 1927 (intervals).",
)


def references(lang: str = "en") -> tuple[str, ...]:
    """The references of the methods section in ``lang``."""
    return REFERENCES_NL if lang == "nl" else REFERENCES


_FIELD = re.compile(r"^\s*(\w+)\s*:\s*[^=]+=")
_DOC = re.compile(r"^\s*#:\s?(.*)$")


#: Nested settings Pol.is mode ignores (it has no such rule): no Pol.is value is shown.
DEFAULT_MODE_ONLY = frozenset({"grouping"})
#: Pol.is's value where Pol.is has none.
NO_VALUE = "–"


@dataclass(frozen=True)
class SettingRow:
    name: str
    value: Any
    polis_value: Any
    about: str
    #: True where ``value`` is not this mode's default (a command-line option or the caller's
    #: Python set it): the setting's source; ``default`` is then the default's value.
    changed: bool = False
    default: Any = None
    #: The value the analysis used where it is not ``value`` (the default mode caps
    #: ``k_buffer`` at :data:`engine.settings.DEFAULT_MODE_K_BUFFER`), else None.
    effective: Any = None


def field_comments(cls: type = AnalysisSettings) -> dict[str, str]:
    """Field name -> its ``#:`` comment lines joined (a comment above two fields covers both)."""
    comments: dict[str, str] = {}
    pending: list[str] = []
    last = ""
    for line in inspect.getsource(cls).splitlines():
        doc = _DOC.match(line)
        if doc:
            pending.append(doc.group(1).strip())
            continue
        match = _FIELD.match(line)
        if match:
            last = _plain(" ".join(pending)) if pending else last
            comments[match.group(1)] = last
            pending = []
        elif not line.strip():
            pending, last = [], ""
    return comments


def setting_rows(settings: Any, reference: Any = POLIS, prefix: str = "",
                 lang: str = "en", defaults: Any = None) -> list[SettingRow]:
    """One row per field of the settings dataclass ``settings``, in declaration order, with the
    value in ``reference`` (Pol.is for :class:`AnalysisSettings`; None: no reference).

    A nested settings object (``bridging_fit``, ``diversity``, ``live``) gets a heading row with
    its comment and no value, then one row per field named ``parent.field``. ``lang`` "nl":
    the meaning in Dutch (:data:`api.report.settings_nl.SETTINGS_NL`). ``defaults``: the
    settings as they are by default in this mode (for :class:`AnalysisSettings` ``POLIS`` or
    ``AnalysisSettings()``; else the type's defaults); a value that differs from it carries the
    default, so the page says which settings the command line or the caller changed."""
    if defaults is None:
        if isinstance(settings, AnalysisSettings):
            defaults = POLIS if settings.polis_compatible else AnalysisSettings()
        else:
            try:
                defaults = type(settings)()
            except TypeError:  # a settings type without defaults: nothing to compare
                defaults = settings
    comments = field_comments(type(settings))
    rows = []
    for f in fields(settings):
        value = getattr(settings, f.name)
        ref = getattr(reference, f.name, None) if reference is not None else None
        default = getattr(defaults, f.name, None)
        about = comments.get(f.name, "")
        if lang == "nl":
            about = SETTINGS_NL.get(f"{type(settings).__name__}.{f.name}", MISSING_NL)
        if is_dataclass(value):
            rows.append(SettingRow(prefix + f.name, "", "", about))
            shown_ref = None if f.name in DEFAULT_MODE_ONLY and not prefix else ref
            rows.extend(setting_rows(value, shown_ref, prefix=f"{prefix}{f.name}.", lang=lang,
                                     defaults=default))
            if shown_ref is None and reference is not None:
                rows[-len(fields(value)):] = [replace(r, polis_value=NO_VALUE)
                                              for r in rows[-len(fields(value)):]]
            continue
        effective = None
        if (isinstance(settings, AnalysisSettings) and f.name == "k_buffer"
                and not settings.polis_compatible and value > DEFAULT_MODE_K_BUFFER):
            effective = DEFAULT_MODE_K_BUFFER
        rows.append(SettingRow(prefix + f.name, value, ref, about, changed=value != default,
                               default=default, effective=effective))
    return rows


def default_mode_changes(lang: str = "en") -> list[str]:
    """The bullet list in :mod:`engine.settings`' docstring: how the default departs from Pol.is
    (``lang`` "nl": its Dutch translation)."""
    if lang == "nl":
        return list(DEFAULT_CHANGES_NL)
    items: list[str] = []
    for line in (settings_module.__doc__ or "").splitlines():
        if line.startswith("* "):
            items.append(line[2:].strip())
        elif items and line.startswith("  ") and line.strip():
            items[-1] += " " + line.strip()
    return [_plain(item) for item in items]


def _plain(text: str) -> str:
    """reStructuredText literals (``x``) as plain text for the page."""
    return text.replace("``", "")


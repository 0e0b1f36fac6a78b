"""Normalising free text that the public submits (statements) before it is stored or compared.

Statement text is shown to every participant, compared for near-duplicates and exported, so
it is stored in one canonical form:

1. Unicode NFC, so "é" typed as one code point or as "e" + combining accent is one string
   (the near-duplicate check and the export see the same text);
2. control characters (category Cc: NUL, escape, bell, ...) and invisible format characters
   (category Cf: zero-width space and joiners, the byte-order mark, the bidirectional
   overrides and isolates U+202A..U+202E and U+2066..U+2069 that can make text display
   reversed, soft hyphens, ...) are removed; line breaks and tabs count as white space;
3. white space is collapsed to single spaces and stripped at both ends.

Markup is *not* removed: ``<script>`` stays the literal text it is, and every place that
renders a statement must escape it (the API returns it as a JSON string). Removing markup would
mangle honest statements ("zorg < 2 dagen") and give a false sense of safety.

>>> normalise_text("  Zorg\\u200b  in\\n de\\u202e wijk\\x00 ")
'Zorg in de wijk'
>>> normalise_text("Cafe\\u0301") == "Caf\\u00e9"
True
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["REMOVED_CATEGORIES", "duplicate_groups", "duplicate_key", "normalise_text",
           "reject_control", "reject_nul"]

#: Unicode general categories removed: Cc control, Cf format (zero-width, bidi controls, BOM).
#: Cs (surrogates) cannot occur in valid UTF-8 and Co/Cn are left alone (private use and
#: unassigned characters are visible, if odd).
REMOVED_CATEGORIES = frozenset({"Cc", "Cf"})

_WHITESPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """The canonical form of ``text``: NFC, no control or format characters, single spaces.

    White space characters that are also control characters (tab, line feed, carriage return)
    become spaces rather than vanishing, so "twee\\nwoorden" stays two words.
    """
    text = unicodedata.normalize("NFC", text)
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in REMOVED_CATEGORIES
    )
    # NFC again: removing a format character can bring a letter and its accent together.
    return unicodedata.normalize("NFC", _WHITESPACE.sub(" ", kept).strip())


def reject_nul(value: str | None) -> str | None:
    """``value`` unchanged, or ValueError if it holds a NUL character (PostgreSQL cannot store
    one in text; found by the schemathesis fuzzing of issue 8). A pydantic field validator."""
    if value is not None and "\x00" in value:
        raise ValueError("text must not contain NUL (\\u0000) characters")
    return value


def reject_control(value: str | None) -> str | None:
    """``value`` unchanged, or ValueError if it holds a control character (C0, DEL, C1) or a
    line/paragraph separator. For identifiers such as ``xid``: a bare CR in one split the
    export's rows and smuggled a spreadsheet formula into a new row (issue 18, item 4).
    A pydantic field validator.

    >>> reject_control("bewoner-17")
    'bewoner-17'
    """
    if value is not None and any(
        ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in value
    ):
        raise ValueError("must not contain control characters (tab, CR, LF, ...)")
    return value


def duplicate_key(text: str) -> str:
    """The form in which two statements count as the same (issue 19): NFKC, case folded,
    punctuation and symbols read as spaces, white space collapsed. The set-up page's
    ``duplicateKey`` (api/static/js/setup.js) does the same before saving. Near-duplicates in
    meaning are the similarity check's work (api/live/similarity.py), not this one's.

    >>> duplicate_key("  De huisarts is  bereikbaar!") == duplicate_key("de Huisarts is bereikbaar")
    True
    """
    folded = unicodedata.normalize("NFKC", normalise_text(text)).casefold()
    spaced = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in folded)
    return _WHITESPACE.sub(" ", spaced).strip()


def duplicate_groups(texts: list[str]) -> list[list[int]]:
    """Positions of ``texts`` that say the same by :func:`duplicate_key`, each group in order
    (only groups of two or more).

    >>> duplicate_groups(["Meer thuiszorg.", "Minder regels", "meer  THUISZORG"])
    [[0, 2]]
    """
    by_key: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        by_key.setdefault(duplicate_key(text), []).append(i)
    return [group for group in by_key.values() if len(group) > 1]

"""Statement normalisation (models.text) and formula neutralisation (models._polis_write)."""

from __future__ import annotations

import unicodedata

import pytest

from meedenken.models._polis_write import FORMULA_PREFIXES, neutralise_formula
from meedenken.models.text import normalise_text


@pytest.mark.parametrize(("raw", "expected"), [
    ("  a  b\t\tc\n\nd  ", "a b c d"),
    ("Cafe\u0301", "Caf\u00e9"),  # NFD -> NFC
    ("zero\u200bwidth\u200c\u200d\u2060\ufeff", "zerowidth"),
    ("\u202eevil\u202c \u2066iso\u2069", "evil iso"),  # bidi overrides and isolates
    ("bell\x07 nul\x00 esc\x1b[31m", "bell nul esc[31m"),
    ("soft\u00adhyphen", "softhyphen"),
    ("line\u2028sep\u2029para\x85nel", "line sep para nel"),
    ("nbsp\u00a0kept as space", "nbsp kept as space"),
    ("<b>vet</b> & 'quotes'", "<b>vet</b> & 'quotes'"),  # markup is text, escaped at render
    ("e\u200b\u0301", "\u00e9"),  # NFC after removal joins letter and accent
    ("\u200b\u202e\n", ""),
])
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_normalised_text_is_a_fixed_point_without_invisible_characters() -> None:
    samples = ["".join(chr(c) for c in range(0, 0x3000, 7)), "\u0065\u0301\u200b\u0301 x"]
    for raw in samples:
        once = normalise_text(raw)
        assert normalise_text(once) == once
        assert unicodedata.is_normalized("NFC", once)
        assert not any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in once)
        assert "  " not in once and once == once.strip()


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_formula_prefixes_are_neutralised(prefix: str) -> None:
    assert neutralise_formula(prefix + "1+1") == "'" + prefix + "1+1"


def test_plain_text_and_inner_formula_characters_are_untouched() -> None:
    for text in ("Zorg", "a=b", "e-mail", "", "'al gequote"):
        assert neutralise_formula(text) == text

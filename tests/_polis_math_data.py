"""Where Pol.is's math fixtures are (``../shared/data/polis-math``, MPL-2.0: read from there,
never copied), and which of them is faulty."""

from __future__ import annotations

from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[1]
_CANDIDATES = (_ROOT.parent / "shared/data/polis-math",
               _ROOT.parent.parent / "shared/data/polis-math")
MATH_DATA = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0])

SOUND = (
    "below-100-ptpts",
    "25ptpt-3gp-no-strict-with-meta",
    "150ptpt-3gp-no-strict-no-meta",
    "above-100-ptpts",
)
#: shared/data/polis-math/README.md: the faulty fixture and why it cannot be continued exactly.
FAULTY = "50ptpt-3gp-strict-no-meta"
FAULTY_REASON = (
    "faulty fixture: votes.json lacks participant 50's 4 votes that Pol.is's math counted, and "
    "every comment priority is 49 (a Pol.is bug of 2025)"
)

needs_math_data = pytest.mark.skipif(not MATH_DATA.is_dir(),
                                     reason="shared Pol.is math fixtures not available")


def fixtures() -> list[object]:
    """Every fixture as a pytest parameter; the faulty one skipped with its reason."""
    return [*SOUND, pytest.param(FAULTY, marks=pytest.mark.skip(reason=FAULTY_REASON))]

"""Amounts in statements (engine/quantities.py): odd characters never raise."""

from __future__ import annotations

import pytest

from meedenken.engine.quantities import quantities, quantity_conflict


def test_time_amounts_that_disagree_conflict_and_equal_ones_do_not() -> None:
    assert quantity_conflict("Binnen een week een afspraak bij de huisarts.",
                             "Pas na drie maanden een afspraak bij de huisarts.")
    assert not quantity_conflict("Binnen vier weken een plek in de GGZ.",
                                 "Binnen een maand een plek in de GGZ.")


@pytest.mark.parametrize(
    "text", ["¹²³ wachten", "m² en ½ uur", "٣ weken", "x\u00b2 = 4", "⁴ dagen"]
)
def test_digit_like_characters_are_not_read_as_numbers_and_do_not_raise(text: str) -> None:
    # str.isdigit() says yes to "¹", float() says no: the API fuzzer found this as a 500.
    quantities(text)
    quantity_conflict(text, "Binnen 2 weken wachten")

"""Reading reference populations (category shares per attribute) from CSV and JSON.

The shares are checked by :func:`engine.reference.validate_reference`; this module only turns
files into the ``{attribute: {category: share}}`` shape. An example reference for Zoetermeer, typed
in by hand from CBS figures, ships in ``models/data`` (see its README.md).
"""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path

from meedenken.engine.diversity_settings import DIVERSITY, DiversitySettings
from meedenken.engine.reference import InvalidReferenceError, Reference, validate_reference

__all__ = [
    "EXAMPLE_REFERENCES",
    "load_example_reference",
    "load_reference",
    "parse_reference_csv",
    "parse_reference_json",
]

#: Shipped example references: name -> file in models/data.
EXAMPLE_REFERENCES = {"zoetermeer-2017": "reference_zoetermeer_2017.csv"}
_COLUMNS = ("attribute", "category", "share")


def parse_reference_csv(text: str, settings: DiversitySettings = DIVERSITY) -> Reference:
    """Parse ``attribute,category,share`` CSV text (``#`` lines are comments) and validate it.

    Raises
    ------
    InvalidReferenceError
        Missing header, a row with the wrong number of fields, a share that is not a number, a
        category listed twice, or any problem :func:`validate_reference` finds.
    """
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip()
             .startswith("#")]
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    if not rows or tuple(c.strip().lower() for c in rows[0]) != _COLUMNS:
        raise InvalidReferenceError("reference CSV must start with the header "
                                    "'attribute,category,share'")
    data: dict[str, dict[str, object]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 3:
            raise InvalidReferenceError(f"reference CSV data row {number}: expected 3 fields "
                                        f"(attribute,category,share), got {len(row)}")
        attribute, category, share = (c.strip() for c in row)
        try:
            value: object = float(share)
        except ValueError:
            raise InvalidReferenceError(f"reference CSV data row {number}: attribute "
                                        f"{attribute!r}, category {category!r}: share "
                                        f"{share!r} is not a number") from None
        shares = data.setdefault(attribute, {})
        if category in shares:
            raise InvalidReferenceError(f"reference CSV data row {number}: attribute "
                                        f"{attribute!r}, category {category!r} listed twice")
        shares[category] = value
    return validate_reference(data, settings)


def parse_reference_json(text: str, settings: DiversitySettings = DIVERSITY) -> Reference:
    """Parse ``{"attributes": {...}}`` (other top-level keys such as "source" are ignored) or a
    bare ``{attribute: {category: share}}`` object, and validate it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidReferenceError(f"reference JSON is not valid JSON: {error}") from None
    if isinstance(data, dict) and "attributes" in data:
        data = data["attributes"]
    return validate_reference(data, settings)


def load_reference(path: str | Path, settings: DiversitySettings = DIVERSITY) -> Reference:
    """Read a reference from a ``.csv`` or ``.json`` file."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".csv":
        return parse_reference_csv(text, settings)
    if path.suffix.lower() == ".json":
        return parse_reference_json(text, settings)
    raise InvalidReferenceError(f"reference file {path.name!r}: expected .csv or .json")


def load_example_reference(name: str = "zoetermeer-2017") -> Reference:
    """One of the shipped example references (see models/data/README.md)."""
    if name not in EXAMPLE_REFERENCES:
        raise InvalidReferenceError(f"unknown example reference {name!r}; "
                                    f"known: {sorted(EXAMPLE_REFERENCES)}")
    data = resources.files("meedenken.models.data")
    text = data.joinpath(EXAMPLE_REFERENCES[name]).read_text("utf-8")
    return parse_reference_csv(text)

"""Reference populations: category shares per attribute, validated once at the boundary.

A reference says what the people a region serves look like, e.g. from CBS municipality figures::

    {"age": {"18-34": 0.3, "35-64": 0.5, "65+": 0.2}, "gender": {"man": 0.49, "vrouw": 0.51}}

:func:`validate_reference` accepts exactly that shape (optionally wrapped as
``{"attributes": {...}}``) and returns a clean copy whose shares sum to exactly 1 per attribute.
Reading CSV/JSON files is in ``models/reference.py``; this module does no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .diversity_settings import DIVERSITY, DiversitySettings
from .errors import EngineError

__all__ = ["InvalidReferenceError", "Reference", "validate_reference"]

#: A validated reference: attribute -> category -> population share (each attribute sums to 1).
Reference = dict[str, dict[str, float]]


class InvalidReferenceError(EngineError):
    """Reference shares that cannot be used: not an object, empty, negative, not summing to 1."""


def validate_reference(data: Any, settings: DiversitySettings = DIVERSITY) -> Reference:
    """Check a reference population and return a normalised copy.

    Parameters
    ----------
    data : mapping
        ``{attribute: {category: share}}``, or the API body ``{"attributes": {...}}``.
    settings : DiversitySettings
        ``share_tolerance`` (default 0.01): how far from 1 an attribute's shares may sum.

    Returns
    -------
    dict
        attribute -> category -> share, every attribute rescaled to sum to exactly 1 (so the
        chi-square expected counts add up to n). The argument is not modified.

    Raises
    ------
    InvalidReferenceError
        Naming the attribute (and category) and the problem: not an object, no attributes, an
        empty attribute, a share that is not a finite number, a negative share, or shares whose
        sum differs from 1 by more than the tolerance.

    Examples
    --------
    >>> validate_reference({"age": {"young": 0.4, "old": 0.6}})
    {'age': {'young': 0.4, 'old': 0.6}}
    >>> validate_reference({"age": {"young": 0.4, "old": 0.4}})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    meedenken.engine.reference.InvalidReferenceError: attribute 'age': shares sum to 0.8, not 1 ...
    """
    if isinstance(data, Mapping) and set(data) == {"attributes"}:
        data = data["attributes"]
    if not isinstance(data, Mapping):
        raise InvalidReferenceError(
            f"reference must be an object of attributes, got {type(data).__name__}"
        )
    if not data:
        raise InvalidReferenceError("reference has no attributes")
    out: Reference = {}
    for attribute, shares in data.items():
        if not isinstance(attribute, str) or not attribute.strip():
            raise InvalidReferenceError(
                f"attribute name must be a non-empty string, got {attribute!r}"
            )
        if not isinstance(shares, Mapping):
            raise InvalidReferenceError(
                f"attribute {attribute!r}: must be an object of category shares, "
                f"got {type(shares).__name__}"
            )
        if not shares:
            raise InvalidReferenceError(f"attribute {attribute!r}: has no categories (empty)")
        clean: dict[str, float] = {}
        for category, share in shares.items():
            if not isinstance(category, str) or not category.strip():
                raise InvalidReferenceError(
                    f"attribute {attribute!r}: category name must be a non-empty string, "
                    f"got {category!r}"
                )
            # bool is an int subclass; True as a share is certainly a mistake.
            if (
                isinstance(share, bool)
                or not isinstance(share, int | float)
                or not math.isfinite(share)
            ):
                raise InvalidReferenceError(
                    f"attribute {attribute!r}, category {category!r}: share must be a finite "
                    f"number, got {share!r}"
                )
            if share < 0:
                raise InvalidReferenceError(
                    f"attribute {attribute!r}, category {category!r}: negative share {share!r}"
                )
            clean[category] = float(share)
        total = math.fsum(clean.values())
        if abs(total - 1.0) > settings.share_tolerance:
            raise InvalidReferenceError(
                f"attribute {attribute!r}: shares sum to {total:.4g}, not 1 "
                f"(tolerance {settings.share_tolerance:g})"
            )
        out[attribute] = {k: v / total for k, v in clean.items()}
    return out

"""Quantities a statement names, to tell "binnen een week" from "maanden" (Dutch, English, German).

Sentence encoders read numbers badly: "Kinderen kunnen binnen een week terecht bij de jeugdzorg"
and "Kinderen wachten maanden op een plek in de jeugdzorg" score 0.95 with multilingual-e5-small,
higher than most paraphrases. A claim about a time, an amount of money, a percentage or a count is
a different claim when the number differs, whatever the other words say; the same number written
differently ("vier weken" / "een maand", "vijftien minuten" / "een kwartier") is not.

Each quantity is read as an interval of plausible values in one dimension:

* **time**, in days: a number before a unit (minuut, kwartier, uur, dag, week, maand, jaar and
  their English and German forms; "een half jaar", "anderhalf uur"), or a plural unit without a
  number ("maanden", "wekenlang": several, 2 to 11 of them);
* **money** (euro, €), **percent** (procent, %), and a bare **count** (a number with no unit).

An exact value ``q`` becomes ``[q / TOLERANCE, q * TOLERANCE]``; "meer dan", "langer dan",
"minstens", "ruim" open it upwards, "minder dan", "hooguit", "maximaal" downwards. Two statements
**disagree on a quantity** (:func:`quantity_conflict`) when both name one in the same dimension and
no interval of one overlaps an interval of the other.

Limits: "een" counts as one only directly before a unit; ordinals ("achttiende"), fractions other
than a half, ranges ("twee tot vier weken": two quantities) and quantities inside compounds
("tweewekelijks", "jaarlijks") are not read; rates ("per jaar") are not told from durations.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "TOLERANCE",
    "Quantity",
    "quantities",
    "quantity_conflict",
    "same_unit_numbers",
    "unit_number_changed",
]

#: Two exact values of one dimension are the same claim within this factor ("vier weken" = 28
#: days and "een maand" = 30 days agree; "een week" and "twee weken" do not).
TOLERANCE = 1.25
#: A plural unit without a number ("maanden", "weken") means from this many ...
SEVERAL_LOW = 2.0
#: ... to this many of the unit (a twelfth month is a year, an eighth week two months).
SEVERAL_HIGH = 11.0

_NUMBER_WORDS: dict[str, float] = {
    # Dutch
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
    "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19,
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70,
    "tachtig": 80, "negentig": 90, "honderd": 100, "duizend": 1000, "half": 0.5, "halve": 0.5,
    "anderhalf": 1.5, "anderhalve": 1.5, "paar": 3,
    # English
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "couple": 2, "few": 3,
    # German
    "ein": 1, "eine": 1, "einer": 1, "einem": 1, "einen": 1, "eins": 1, "zwei": 2, "drei": 3,
    "fünf": 5, "sechs": 6, "sieben": 7, "neun": 9, "zehn": 10, "zwölf": 12, "fünfzehn": 15,
    "zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70,
    "achtzig": 80, "neunzig": 90, "hundert": 100, "tausend": 1000, "halb": 0.5, "halbe": 0.5,
    "halben": 0.5, "anderthalb": 1.5,
}
#: Number words that are also articles or vague words: a number only directly before a unit.
_ONLY_BEFORE_UNIT = frozenset([
    "een", "a", "an", "ein", "eine", "einer", "einem", "einen", "half", "halve", "halb", "halbe",
    "halben", "paar", "couple", "few",
])

_DAY = 1.0
_MINUTE = 1 / 1440
_HOUR = 1 / 24
#: Unit words: (dimension, size in the dimension's base unit, plural).
_UNITS: dict[str, tuple[str, float, bool]] = {}
for _names, _size in (
    ("minuut minute minuten minutes minuten", _MINUTE),
    ("kwartier", 15 * _MINUTE),
    ("halfuur", 30 * _MINUTE),
    ("uur hour stunde", _HOUR),
    ("dag day tag tage", _DAY),
    ("week woche", 7 * _DAY),
    ("maand month monat", 30 * _DAY),
    ("jaar year jahr", 365 * _DAY),
):
    for _name in _names.split():
        _UNITS[_name] = ("time", _size, False)
for _names, _size in (
    ("uren urenlang hours stunden stundenlang", _HOUR),
    ("dagen dagenlang days tagen tagelang", _DAY),
    ("weken wekenlang weeks wochen wochenlang", 7 * _DAY),
    ("maanden maandenlang months monate monaten monatelang", 30 * _DAY),
    ("jaren jarenlang years jahre jahren jahrelang", 365 * _DAY),
):
    for _name in _names.split():
        _UNITS[_name] = ("time", _size, True)
for _name in ("euro", "euros", "eur", "€"):
    _UNITS[_name] = ("money", 1.0, False)
for _name in ("procent", "percent", "prozent", "%"):
    _UNITS[_name] = ("percent", 1.0, False)

#: Words before a number that open its interval upwards ("meer dan een jaar") ...
_AT_LEAST = frozenset([
    "meer", "langer", "ruim", "minstens", "minimaal", "more", "longer", "least", "mehr",
    "länger", "mindestens", "über",
])
#: ... or downwards ("hooguit twee weken").
_AT_MOST = frozenset([
    "minder", "korter", "hooguit", "maximaal", "hoogstens", "less", "fewer", "shorter", "most",
    "under", "weniger", "kürzer", "höchstens", "maximal", "unter",
])
#: Words after "meer" etc. that make it a comparison ("meer dan", "more than", "mehr als").
_THAN = frozenset({"dan", "than", "als"})
_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)?|[^\W\d_]+|[€%]")


@dataclass(frozen=True)
class Quantity:
    """One quantity of a statement: its dimension and the interval of values it allows."""

    dimension: str
    low: float
    high: float

    def overlaps(self, other: Quantity) -> bool:
        return (self.dimension == other.dimension and self.low <= other.high
                and other.low <= self.high)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFC", text).lower())


def _number(token: str) -> float | None:
    # ASCII digits only: "¹" or "²" are digits to str.isdigit but not to float().
    if token[0] in "0123456789":
        return float(token.replace(",", "."))
    return _NUMBER_WORDS.get(token)


def _bound(tokens: list[str], start: int) -> int:
    """-1 at most, +1 at least, 0 exact: the comparison word before position ``start``."""
    before = tokens[max(0, start - 2):start]
    if len(before) == 2 and before[1] in _THAN:
        before = before[:1]
    elif before and before[-1] not in _AT_LEAST | _AT_MOST:
        return 0
    word = before[-1] if before else ""
    return 1 if word in _AT_LEAST else -1 if word in _AT_MOST else 0


def _interval(dimension: str, value: float, bound: int) -> Quantity:
    low, high = value / TOLERANCE, value * TOLERANCE
    if bound > 0:
        high = math.inf
    elif bound < 0:
        low = 0.0
    return Quantity(dimension, low, high)


@functools.lru_cache(maxsize=8192)
def quantities(text: str) -> tuple[Quantity, ...]:
    """The quantities a statement names, in reading order.

    >>> [(q.dimension, round(q.low, 1), round(q.high, 1)) for q in quantities(
    ...     "Kinderen wachten maanden op hulp, soms meer dan een jaar")]
    [('time', 60.0, 330.0), ('time', 292.0, inf)]
    >>> [q.dimension for q in quantities("Een afspraak binnen 2 dagen en een eigen bijdrage "
    ...                                    "van 20 euro")]
    ['time', 'money']
    >>> quantities("Een huisarts in elk dorp")
    ()
    """
    tokens = _tokens(text)
    found: list[Quantity] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        value = _number(token)
        if value is not None:
            # "een half jaar", "een paar dagen": the last number word before the unit.
            j = i
            while j + 1 < len(tokens) and (following := _number(tokens[j + 1])) is not None:
                j += 1
                value = following
            unit = _UNITS.get(tokens[j + 1]) if j + 1 < len(tokens) else None
            if unit is not None:
                dimension, size, _ = unit
                found.append(_interval(dimension, value * size, _bound(tokens, i)))
                i = j + 2
                continue
            if tokens[j] not in _ONLY_BEFORE_UNIT and token not in _ONLY_BEFORE_UNIT:
                found.append(_interval("count", value, _bound(tokens, i)))
            i = j + 1
            continue
        unit = _UNITS.get(token)
        if unit is not None and token not in ("€", "%"):
            dimension, size, plural = unit
            if plural:  # "maanden": several months
                found.append(Quantity(dimension, SEVERAL_LOW * size, SEVERAL_HIGH * size))
            elif token in ("kwartier", "halfuur"):
                found.append(_interval(dimension, size, _bound(tokens, i)))
        i += 1
    return tuple(found)


def quantity_conflict(a: str, b: str) -> bool:
    """Whether two statements name different quantities of the same dimension.

    True when, for some dimension both name, no quantity of one overlaps one of the other.

    >>> quantity_conflict("Kinderen wachten maanden op jeugdzorg",
    ...                   "Kinderen kunnen binnen een week terecht bij de jeugdzorg")
    True
    >>> quantity_conflict("Hulp binnen vier weken", "Hulp binnen een maand")
    False
    >>> quantity_conflict("Een ambulance binnen vijftien minuten",
    ...                   "Een ambulance binnen een kwartier")
    False
    >>> quantity_conflict("Wachten op een operatie duurt maanden", "De wachtlijst is te lang")
    False
    """
    qa, qb = quantities(a), quantities(b)
    for dimension in {q.dimension for q in qa} & {q.dimension for q in qb}:
        mine = [q for q in qa if q.dimension == dimension]
        theirs = [q for q in qb if q.dimension == dimension]
        if not any(x.overlaps(y) for x in mine for y in theirs):
            return True
    return False


@functools.lru_cache(maxsize=8192)
def same_unit_numbers(text: str) -> dict[tuple[str, float], frozenset[float]]:
    """The numbers a statement writes before each unit, by unit ((dimension, size)): "65 jaar"
    gives ``{("time", 365.0): {65.0}}``. Singular and plural forms are one unit ("een jaar",
    "drie jaar", "twee jaren"); a plural unit without a number ("maanden") gives none.

    >>> same_unit_numbers("Inwoners van 65 jaar en ouder, binnen twee weken")
    {('time', 365.0): frozenset({65.0}), ('time', 7.0): frozenset({2.0})}
    """
    tokens = _tokens(text)
    found: dict[tuple[str, float], set[float]] = {}
    for i, token in enumerate(tokens):
        value = _number(token)
        if value is None or i + 1 >= len(tokens):
            continue
        if _number(tokens[i + 1]) is not None:  # "een half jaar": the last number word
            continue
        unit = _UNITS.get(tokens[i + 1])
        if unit is not None:
            found.setdefault((unit[0], unit[1]), set()).add(float(value))
    return {key: frozenset(values) for key, values in found.items()}


def unit_number_changed(a: str, b: str) -> bool:
    """Whether two statements write different numbers before the same unit ("65 jaar" / "75
    jaar", "twee dagen" / "drie dagen"): each names the unit with a number and no number is on
    both sides.

    :func:`quantity_conflict` allows :data:`TOLERANCE` between two values, so that the same
    quantity written in another unit agrees ("vier weken" / "een maand"); within one unit no
    rounding is needed, and someone repeating a claim keeps its number. Evidence against the
    near-duplicate flag only (it does not change the ranking).

    >>> unit_number_changed("Inwoners van 65 jaar en ouder", "Inwoners van 75 jaar en ouder")
    True
    >>> unit_number_changed("Hulp binnen vier weken", "Hulp binnen een maand")
    False
    >>> unit_number_changed("minstens acht dagen kraamzorg", "ten minste acht dagen kraamhulp")
    False
    """
    na, nb = same_unit_numbers(a), same_unit_numbers(b)
    return any(not (na[unit] & nb[unit]) for unit in na.keys() & nb.keys())

"""Reading reference populations from CSV/JSON and the shipped Zoetermeer example."""

from __future__ import annotations

import pytest

from meedenken.engine.reference import InvalidReferenceError
from meedenken.models.reference import (
    load_example_reference,
    load_reference,
    parse_reference_csv,
    parse_reference_json,
)


def test_example_reference_loads_and_sums_to_one():
    ref = load_example_reference()
    assert set(ref) == {"gender", "age"}
    # 60,923 / 124,763 = 0.4883 (typed in by hand, rounded)
    assert ref["gender"]["man"] == pytest.approx(0.4883, abs=1e-4)
    for shares in ref.values():
        assert sum(shares.values()) == pytest.approx(1.0)


def test_csv_and_json_files(tmp_path):
    csv_file = tmp_path / "ref.csv"
    csv_file.write_text("# comment\nattribute,category,share\nage,young,0.25\nage,old,0.75\n")
    assert load_reference(csv_file) == {"age": {"young": 0.25, "old": 0.75}}
    json_file = tmp_path / "ref.json"
    json_file.write_text('{"source": "CBS", "attributes": {"age": {"young": 0.25, "old": 0.75}}}')
    assert load_reference(json_file) == {"age": {"young": 0.25, "old": 0.75}}
    (tmp_path / "ref.txt").write_text("age,young,1")
    with pytest.raises(InvalidReferenceError, match=r"\.csv or \.json"):
        load_reference(tmp_path / "ref.txt")


@pytest.mark.parametrize(("text", "message"), [
    ("age,young,1.0\n", "header"),
    ("attribute,category,share\nage,young\n", "row 2: expected 3 fields"),
    ("attribute,category,share\nage,young,abc\n", "'young': share 'abc' is not a number"),
    ("attribute,category,share\nage,young,0.5\nage,young,0.5\n", "listed twice"),
    ("attribute,category,share\nage,young,0.5\nage,old,0.3\n", "'age': shares sum to 0.8"),
    ("attribute,category,share\nage,young,-0.5\nage,old,1.5\n", "negative share"),
])
def test_bad_csv(text, message):
    with pytest.raises(InvalidReferenceError, match=message):
        parse_reference_csv(text)


def test_bad_json():
    with pytest.raises(InvalidReferenceError, match="not valid JSON"):
        parse_reference_json("{")
    with pytest.raises(InvalidReferenceError, match="must be an object"):
        parse_reference_json("[1, 2]")
    with pytest.raises(InvalidReferenceError, match="'age': has no categories"):
        parse_reference_json('{"attributes": {"age": {}}}')

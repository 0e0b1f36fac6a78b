"""The export reader's Arrow columns (models._csv.column_integers / column_floats): the same
values and the same errors as the pandas-based ``integers`` / ``floats`` they replace on the
votes and participants files, and reading votes.csv imports no pandas (issue 14 item 6:
``meedenken analyze`` imports pandas in the background meanwhile)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from meedenken.models._csv import (
    ExportError,
    column_floats,
    column_integers,
    floats,
    integers,
)

#: Columns as pyarrow's CSV parser types them: whole numbers (int64), with blanks, with
#: 2**53 and more, floats, whole floats, text; several chunks and a sliced chunk.
COLUMNS = {
    "ints": pa.chunked_array([[3, -1, 0], [7, 1]]),
    "ints_blank": pa.chunked_array([[3, None, 0], [None, 2]]),
    "ints_huge_blank": pa.chunked_array([[2**60, None, 1]]),
    "ints_min_blank": pa.chunked_array([[-(2**63), None]], type=pa.int64()),
    "sliced": pa.chunked_array([pa.array([9, 8, 7, 6, None, 5])[1:4], pa.array([4, None])]),
    "floats": pa.chunked_array([[1.5, 2.0], [float("nan"), float("inf")]]),
    "whole_floats": pa.chunked_array([[1.0, 2.0, None]]),
    "text": pa.chunked_array([["1", "x", None]]),
    "empty": pa.chunked_array([], type=pa.int64()),
}


def _outcome(read):  # type: ignore[no-untyped-def]
    try:
        return ("ok", read().tolist(), None)
    except ExportError as exc:
        return ("error", None, str(exc))


@pytest.mark.parametrize("name", sorted(COLUMNS))
@pytest.mark.parametrize("default", [None, -1])
@pytest.mark.parametrize("allowed", [None, (-1, 0, 1), (0, 3, 7)])
def test_column_integers_is_integers(name: str, default: int | None,
                                     allowed: tuple[int, ...] | None) -> None:
    table = pa.table({name: COLUMNS[name]})
    ours = _outcome(lambda: column_integers(table, name, "f.csv", default=default,
                                            allowed=allowed))
    theirs = _outcome(lambda: integers(table.column(name).to_pandas(), "f.csv", name,
                                       default=default, allowed=allowed))
    assert ours == theirs


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_column_floats_is_floats(name: str) -> None:
    table = pa.table({name: COLUMNS[name]})
    ours = _outcome(lambda: column_floats(table, name, "f.csv"))
    theirs = _outcome(lambda: floats(table.column(name).to_pandas(), "f.csv", name))
    assert ours == theirs


def test_absent_float_column_is_zeros() -> None:
    table = pa.table({"a": [1, 2, 3]})
    assert column_floats(table, "timestamp", "f.csv").tolist() == [0.0, 0.0, 0.0]


def test_integer_columns_come_back_as_int64_in_file_order() -> None:
    table = pa.table({"a": COLUMNS["sliced"]})
    values = column_integers(table, "a", "f.csv", default=0)
    assert values.dtype == np.int64
    assert values.tolist() == [8, 7, 6, 4, 0]


def test_reading_votes_imports_no_pandas(tmp_path: Path) -> None:
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n"
        "1600000000000,x,1,5,1\n1600000001000,y,2,5,-1\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from meedenken.models._csv import Source\n"
        "from meedenken.models._polis_read import read_votes\n"
        f"voters, comments, votes, times = read_votes(Source({str(tmp_path)!r}), False)\n"
        "assert voters.tolist() == [5, 5] and votes.tolist() == [1, -1], voters\n"
        "assert times.tolist() == [1600000000.0, 1600000001.0], times\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_a_folder_file_is_parsed_without_calling_the_python_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow reads a folder's file from its memory map: calling the Python file's ``read``
    would hold the GIL the background imports of ``meedenken analyze`` need (issue 14)."""
    import io

    from meedenken.models import _csv

    (tmp_path / "votes.csv").write_text("comment-id,voter-id,vote\n1,5,1\n2,5,-1\n",
                                        encoding="utf-8")

    class NoRead(io.FileIO):
        def read(self, size: int = -1) -> bytes:
            raise AssertionError("pyarrow read the Python file")

        readinto = read  # type: ignore[assignment]

    real_open = _csv.Source.open

    def open_no_read(self: _csv.Source, name: str):  # type: ignore[no-untyped-def]
        with real_open(self, name) as handle, NoRead(handle.fileno(), closefd=False) as spy:
            yield spy

    monkeypatch.setattr(_csv.Source, "open", _csv.contextmanager(open_no_read))
    table = _csv.read_columns(_csv.Source(tmp_path), "votes.csv", ["voter-id", "vote"])
    assert table.column("vote").to_pylist() == [1, -1]


@pytest.mark.parametrize("content", [b"", b"vote\n1\n"])
def test_a_zip_member_or_an_empty_file_is_read_as_it_is(tmp_path: Path, content: bytes) -> None:
    import zipfile

    from meedenken.models._csv import _mapped

    (tmp_path / "a.csv").write_bytes(content)
    with open(tmp_path / "a.csv", "rb") as handle:
        mapped = _mapped(handle)
        assert (mapped is handle) == (content == b"")
        if content:
            assert isinstance(mapped, pa.Buffer) and mapped.to_pybytes() == content
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as archive:
        archive.writestr("a.csv", content)
    with zipfile.ZipFile(tmp_path / "a.zip") as archive, archive.open("a.csv") as member:
        assert _mapped(member) is member

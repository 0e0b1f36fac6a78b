"""Low-level helpers of the Pol.is export reader: where the files are, and checked columns.

Every problem becomes an :class:`ExportError` naming the file (and the row where it helps), so the
CLI and the API can show one clear line instead of a traceback.
"""

from __future__ import annotations

import csv
import mmap
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

if TYPE_CHECKING:  # pandas is imported where a file needs it (see read_columns)
    import pandas as pd

__all__ = [
    "MS_PER_SECOND",
    "NOT_GROUPED",
    "UNKNOWN_AUTHOR",
    "ExportError",
    "Source",
    "booleans",
    "check_columns",
    "column_floats",
    "column_integers",
    "floats",
    "integers",
    "read_columns",
    "read_header",
    "read_table",
]

#: Pol.is exports count time in milliseconds since the epoch.
MS_PER_SECOND = 1000.0
#: group-id of a participant Pol.is did not group (blank in the file).
NOT_GROUPED = -1
#: author-id when the export does not say (blank in the file).
UNKNOWN_AUTHOR = -1

#: A header line longer than this is not a Pol.is export (participants-votes.csv with 100k comments
#: stays well under it).
MAX_HEADER_BYTES = 10_000_000
#: Parser messages may quote a whole row; keep the one-line error readable.
MAX_REASON_CHARS = 200
#: Files at least this large get a progress bar when the caller asks for one (about 100k votes).
PROGRESS_MIN_BYTES = 5_000_000

_EXACT_FLOAT = 2.0**53  # integers beyond this are not exact in float64
_TRUE = frozenset({"true", "t", "1", "yes"})
_FALSE = frozenset({"false", "f", "0", "no", ""})


class ExportError(ValueError):
    """A Pol.is export that cannot be read; ``str()`` is one line naming the file and the problem.

    Parameters
    ----------
    path : str or Path
        The file (or folder) at fault.
    message : str
        What is wrong with it.
    """

    def __init__(self, path: str | Path, message: str) -> None:
        self.path = str(path)
        self.message = " ".join(str(message).split())  # always a single line
        super().__init__(f"{self.path}: {self.message}")


class Source:
    """A folder or a ``.zip`` file holding an export's CSV files (at its root or in one folder)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._names: dict[str, str] = {}
        if self.path.is_dir():
            return
        if not self.path.exists():
            raise ExportError(self.path, "no such folder or file")
        if not zipfile.is_zipfile(self.path):
            raise ExportError(self.path, "not a folder or a .zip file")
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ExportError(self.path, f"cannot open zip file ({exc})") from exc
        files = [n for n in self._zip.namelist() if not n.endswith("/")]
        folders = {str(PurePosixPath(n).parent) for n in files if n.endswith(".csv")}
        if len(folders) > 1:
            raise ExportError(self.path, f"CSV files in more than one folder: {sorted(folders)}")
        for name in files:
            self._names[PurePosixPath(name).name] = name

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._zip is not None:
            self._zip.close()

    def label(self, name: str) -> str:
        """How error messages name a file of the export."""
        if self._zip is None:
            return str(self.path / name)
        return f"{self.path}:{self._names.get(name, name)}"

    def has(self, name: str) -> bool:
        if self._zip is None:
            return (self.path / name).is_file()
        return name in self._names

    def size(self, name: str) -> int:
        if self._zip is None:
            return (self.path / name).stat().st_size
        return self._zip.getinfo(self._names[name]).file_size

    def last_byte(self, name: str) -> bytes:
        """The file's last byte (b"" when empty)."""
        if self._zip is None:
            with open(self.path / name, "rb") as handle:
                handle.seek(max(self.size(name) - 1, 0))
                return handle.read(1)
        with self._zip.open(self._names[name]) as member:
            member.seek(max(self.size(name) - 1, 0))
            return member.read(1)

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        try:
            if self._zip is None:
                handle: IO[bytes] = open(self.path / name, "rb")  # noqa: SIM115 (closed below)
            else:
                handle = self._zip.open(self._names[name])
        except OSError as exc:
            raise ExportError(self.label(name), f"cannot open ({exc.strerror or exc})") from exc
        with handle:
            yield handle


def read_header(source: Source, name: str) -> list[str]:
    """The column names on the first line of a CSV file of the export."""
    label = source.label(name)
    with source.open(name) as raw:
        first = raw.readline(MAX_HEADER_BYTES)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExportError(label, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if not text.strip():
        raise ExportError(label, "file is empty" if not first else "first line (header) is blank")
    return [column.strip() for column in next(csv.reader([text]))]


@contextmanager
def _progress(source: Source, name: str, raw: IO[bytes], show: bool) -> Iterator[IO[bytes]]:
    """``raw``, wrapped in a tqdm progress bar on stderr when ``show``."""
    if not show:
        yield raw
        return
    from tqdm import tqdm

    with tqdm.wrapattr(raw, "read", total=source.size(name), desc=name, unit="B",
                       unit_scale=True, leave=False) as stream:
        yield stream


def _mapped(raw: IO[bytes]) -> IO[bytes] | pa.Buffer:
    """A file of a folder as an Arrow buffer over its memory map; ``raw`` itself for a zip
    member or an empty file (neither can be mapped).

    pyarrow reads a Python file object by calling its ``read`` with the GIL held, one call per
    block; while ``meedenken analyze`` imports its libraries in another thread, each such call
    waited for that thread to let go of the GIL (votes.csv of a 2M-vote export: 115 calls).
    A mapped file is read without the GIL, and without copying it. The bytes are the same.
    """
    try:
        mapped = mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError, AttributeError):  # no file descriptor (zip member), or empty
        return raw
    return pa.py_buffer(mapped)


def read_columns(
    source: Source,
    name: str,
    columns: Sequence[str],
    *,
    progress: bool = False,
    strings: Sequence[str] = (),
) -> pa.Table:
    """Read ``columns`` of one CSV file of the export with pyarrow's strict, fast parser; only
    blank cells count as missing, and a row with too few or too many fields (a truncated file,
    say) is an error. Columns named in ``strings`` stay text.

    Returns the Arrow table itself: :func:`column_integers` and :func:`column_floats` turn its
    columns into checked NumPy arrays without pandas, which ``meedenken analyze`` then imports
    in the background while this parser runs (it releases the GIL).
    """
    label = source.label(name)
    show = progress and source.size(name) >= PROGRESS_MIN_BYTES
    options = pa_csv.ConvertOptions(
        include_columns=list(columns),
        null_values=[""],
        strings_can_be_null=True,
        column_types={c: pa.string() for c in strings if c in columns},
    )
    try:
        with source.open(name) as raw, _progress(source, name, raw, show) as stream:
            return pa_csv.read_csv(stream if show else _mapped(raw), convert_options=options)
    except pa.ArrowInvalid as exc:
        reason = str(exc)[:MAX_REASON_CHARS]
        raise ExportError(label, f"malformed or truncated CSV: {reason}") from exc
    except UnicodeDecodeError as exc:
        raise ExportError(label, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def read_table(
    source: Source,
    name: str,
    *,
    progress: bool = False,
    columns: Sequence[str] | None = None,
    strings: Sequence[str] = (),
) -> pd.DataFrame:
    """Read one CSV file of the export as a DataFrame; only blank cells count as missing.

    With ``columns``, only those are read, by :func:`read_columns`. Without, pandas's C parser
    reads every column (it handles quoted multi-line texts); short rows come back with blank
    cells, which the column checks report. Columns named in ``strings`` stay text.
    """
    if columns is not None:
        return read_columns(source, name, columns, progress=progress,
                            strings=strings).to_pandas()
    import pandas as pd

    label = source.label(name)
    show = progress and source.size(name) >= PROGRESS_MIN_BYTES
    try:
        with source.open(name) as raw, _progress(source, name, raw, show) as stream:
            return pd.read_csv(
                stream,
                keep_default_na=False,
                na_values=[""],
                encoding="utf-8-sig",
                dtype=dict.fromkeys(strings, str),
            )
    except pd.errors.EmptyDataError as exc:
        raise ExportError(label, "file is empty") from exc
    except pd.errors.ParserError as exc:
        reason = str(exc)[:MAX_REASON_CHARS]
        raise ExportError(label, f"malformed or truncated CSV: {reason}") from exc
    except UnicodeDecodeError as exc:
        raise ExportError(label, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


#: Arrow column types read straight from their buffers by :func:`_arrow_values`.
_NUMPY_TYPES = {pa.int64(): np.dtype(np.int64), pa.float64(): np.dtype(np.float64)}


def _arrow_values(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray | None] | None:
    """An int64 or float64 Arrow column as (values, valid), valid None when nothing is blank;
    None for any other type. Read from the Arrow buffers with NumPy: pyarrow's own
    ``to_numpy`` imports pandas. Blank cells hold arbitrary values (check ``valid``)."""
    dtype = _NUMPY_TYPES.get(column.type)
    if dtype is None:
        return None
    values, valid = [], []
    for chunk in column.chunks:
        n, offset = len(chunk), chunk.offset
        if n == 0:
            continue
        bitmap, data = chunk.buffers()
        values.append(np.frombuffer(data, dtype=dtype, count=offset + n)[offset:])
        if chunk.null_count:
            bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
            valid.append(bits[offset : offset + n].astype(bool))
        else:
            valid.append(np.ones(n, dtype=bool))
    out = np.concatenate(values) if values else np.zeros(0, dtype)
    return out, (np.concatenate(valid) if column.null_count else None)


def column_integers(
    table: pa.Table,
    name: str,
    label: str,
    *,
    default: int | None = None,
    allowed: tuple[int, ...] | None = None,
) -> np.ndarray:
    """:func:`integers` of a column of a :func:`read_columns` table: the same values and the
    same errors. Integer columns are read without pandas; any other column (text in a number
    column, say) goes through :func:`integers`, which finds the offending cell."""
    read = _arrow_values(table.column(name)) if table.column(name).type == pa.int64() else None
    if read is not None:
        values, valid = read
        if valid is None:
            return _check_allowed(values, label, name, allowed)
        kept = values[valid]
        # integers() reads a column with blanks as floats: whole numbers of 2**53 and more
        # are out of range there, so they take its path (and its error).
        if default is not None and ((kept > -_EXACT_FLOAT) & (kept < _EXACT_FLOAT)).all():
            return _check_allowed(np.where(valid, values, default), label, name, allowed)
    return integers(table.column(name).to_pandas(), label, name, default=default,
                    allowed=allowed)


def column_floats(table: pa.Table, name: str, label: str) -> np.ndarray:
    """:func:`floats` of a column of a :func:`read_columns` table (absent: all 0); numeric
    columns without blanks are read without pandas."""
    if name not in table.column_names:
        return np.zeros(table.num_rows)
    read = _arrow_values(table.column(name))
    if read is not None and read[1] is None:
        if read[0].dtype.kind == "i":  # whole numbers: no NaN or infinity to replace
            return read[0].astype(np.float64)
        return np.nan_to_num(read[0].astype(np.float64), nan=0.0)
    return floats(table.column(name).to_pandas(), label, name)


def floats(column: pd.Series, label: str, name: str) -> np.ndarray:
    """A numeric column as float64 (blank = 0)."""
    import pandas as pd

    numbers = pd.to_numeric(column, errors="coerce").to_numpy(np.float64, na_value=np.nan)
    bad = np.isnan(numbers) & column.notna().to_numpy()
    if bad.any():
        first = int(np.argmax(bad))
        raise ExportError(
            label, f"data row {first + 1}: '{name}' is not a number: {column.iloc[first]!r}"
        )
    return np.nan_to_num(numbers, nan=0.0)


def check_columns(header: Sequence[str], required: Sequence[str], label: str) -> None:
    """Raise if a required column is missing from ``header``."""
    missing = [c for c in required if c not in header]
    if missing:
        more = ", ..." if len(header) > 10 else ""
        found = ", ".join(map(str, header[:10])) + more
        raise ExportError(label, f"missing column(s) {', '.join(missing)} (found: {found})")


def _row(position: int) -> str:
    return f"data row {position + 1}"


def integers(
    column: pd.Series,
    label: str,
    name: str,
    *,
    default: int | None = None,
    allowed: tuple[int, ...] | None = None,
) -> np.ndarray:
    """A column as int64. Blank cells take ``default`` (an error when it is None); values outside
    ``allowed`` are an error."""
    import pandas as pd

    if pd.api.types.is_integer_dtype(column.dtype):
        values = column.to_numpy(np.int64)
    else:
        missing = column.isna().to_numpy()
        if missing.any() and default is None:
            raise ExportError(
                label,
                f"{_row(int(np.argmax(missing)))}: '{name}' is empty "
                "(truncated or malformed file?)",
            )
        numbers = pd.to_numeric(column, errors="coerce").to_numpy(
            np.float64, na_value=np.nan, copy=True
        )
        for bad, problem in (
            (np.isnan(numbers) & ~missing, "is not a number"),
            (~missing & ~(np.abs(numbers) < _EXACT_FLOAT), "is out of range"),
            (~missing & (numbers != np.round(numbers)), "is not a whole number"),
        ):
            if bad.any():
                first = int(np.argmax(bad))
                raise ExportError(
                    label, f"{_row(first)}: '{name}' {problem}: {column.iloc[first]!r}"
                )
        numbers[missing] = 0 if default is None else default
        values = numbers.astype(np.int64)
    return _check_allowed(values, label, name, allowed)


def _check_allowed(
    values: np.ndarray, label: str, name: str, allowed: tuple[int, ...] | None
) -> np.ndarray:
    """``values``, or an error naming the first one outside ``allowed``."""
    if allowed is not None:
        lo, hi = min(allowed), max(allowed)
        if sorted(allowed) == list(range(lo, hi + 1)):  # a range: two comparisons per value
            bad = (values < lo) | (values > hi)
        else:
            bad = ~np.isin(values, allowed)
        if bad.any():
            first = int(np.argmax(bad))
            raise ExportError(
                label,
                f"{_row(first)}: unknown value {values[first]} in '{name}' "
                f"(expected one of {', '.join(map(str, allowed))})",
            )
    return values


def booleans(column: pd.Series, label: str, name: str) -> np.ndarray:
    """A true/false column (Pol.is writes ``true``/``false``); blank is false."""
    text = column.fillna("").astype(str).str.strip().str.lower()
    bad = ~text.isin(_TRUE | _FALSE).to_numpy()
    if bad.any():
        first = int(np.argmax(bad))
        raise ExportError(
            label, f"{_row(first)}: '{name}' is not true/false: {column.iloc[first]!r}"
        )
    return text.isin(_TRUE).to_numpy()

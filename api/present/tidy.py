"""Tidy tables of a conversation and its analysis, written as CSV and Parquet for pandas.

One of the renderings of an :class:`~meedenken.engine.result.AnalysisResult` (beside the JSON
answers of :mod:`meedenken.api.present.analysis`), for researchers.

One row per observation, one column per variable, ids as in the source (Pol.is comment and
participant ids), agree = +1 as everywhere in this project. The tables:

``votes``
    participant_id, statement_id, vote (+1 agree, -1 disagree, 0 pass), timestamp (seconds since
    the epoch, UTC; NaN where the source has no time). The latest vote per participant and
    statement.
``statements``
    statement_id, text, excluded (moderated out), meta, vote counts and agree rate, position on the
    opinion map (x, y), extremity, routing priority, group-informed consensus.
``participants``
    participant_id, vote counts, in_conversation, group_id (-1 when not grouped), x, y,
    base_cluster (-1 when not grouped) and, for Pol.is exports, polis_group_id (-1 when not
    grouped).
``groups``
    group_id, n_participants, share (of the grouped participants; kept under its old name),
    share_of_participants (of everyone in the vote matrix), share_of_in_conversation,
    share_of_grouped, centre_x, centre_y.
``group_votes``
    group_id, statement_id, agree / disagree / pass counts of the group's members, rates and a 95%
    Wilson interval of the agree rate.
``repness``
    Representative statements per group (Pol.is repness), rank 1 = most representative, with the
    share of the group's votes on it (passes included) that went that way, its 95% Wilson
    interval, and passes_test (False: a Pol.is fallback row that did not pass the test).
``consensus``
    Consensus statements (direction "agree" or "disagree"), with the share of all votes on it
    (passes included), its interval and the wording that interval allows
    (:func:`~meedenken.api.present.wording.majority_wording`).
``group_informed_consensus``
    Every active statement's group-informed consensus, rank 1 = highest.
``bridging``
    When the analysis fitted bridging (``result.bridging``, matrix factorisation): every scored
    statement, rank 1 = best, with its score, 95% interval, polarisation, the evidence verdict
    and its vote count, beside its group-informed consensus and agree rate. The same statements
    in the same order as the ``bridging`` list of ``meedenken analyze --json`` and
    ``GET /analysis`` (both come from :func:`~meedenken.api.present.analysis.bridging_entries`);
    figures here are not rounded.

Missing values follow the one policy of :mod:`meedenken.api.present`: a figure that is not
known is null - NaN in pandas, an empty cell in CSV, a null in Parquet - never 0.

Until issue 14 this was ``models/tidy.py``; it moved here, beside the other renderings, so the
database models never import the presentation layer. (No alias is left behind: the
``meedenken.models`` name is itself new in issue 14, so no script knew the old one under it.)

CSV cells that start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are prefixed
with ``'`` so spreadsheet programs do not run them as formulas (OWASP "CSV injection"); a cell that
already starts with ``'`` gets one more, so :func:`read_tables` restores every text exactly. Only
text columns are touched: numbers such as -1 stay numbers. Parquet files keep every value as is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from meedenken.api.present.analysis import bridging_entries
from meedenken.api.present.wording import majority_wording
from meedenken.engine.intervals import wilson_interval
from meedenken.engine.matrix import VoteMatrix
from meedenken.engine.result import AnalysisResult

__all__ = ["FORMATS", "TABLES", "neutralise", "read_tables", "restore", "tidy_tables",
           "write_tables"]

logger = logging.getLogger(__name__)

#: The tables :func:`tidy_tables` builds, in this order (then ``bridging`` when it was fitted).
TABLES = ("votes", "statements", "participants", "groups", "group_votes", "repness", "consensus",
          "group_informed_consensus")
#: File formats :func:`write_tables` writes, by file suffix.
FORMATS = ("csv", "parquet")
#: First characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection),
#: plus the escape character itself, so that neutralising can be undone exactly.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
NOT_GROUPED = -1
#: Where a spreadsheet (or a reader that splits a cell at its line breaks) starts a cell: the
#: start of the text and after every CR or LF (issue 18, item 4: "resident\r=cmd|...").
_ESCAPE_AT = re.compile(r"(?:^|(?<=[\r\n]))(?=[=+\-@\t\r'])")
_ESCAPED_AT = re.compile(r"(?:^|(?<=[\r\n]))'(?=[=+\-@\t\r'])")


# ---------------------------------------------------------------------- building
def _counts(matrix: VoteMatrix, axis: int) -> dict[str, np.ndarray]:
    """Agree / disagree / pass counts per row (axis 1) or per column (axis 0)."""
    X = matrix.X
    index = (np.repeat(np.arange(X.shape[0]), np.diff(X.indptr)) if axis == 1
             else X.indices)
    size = X.shape[0] if axis == 1 else X.shape[1]
    out = {name: np.bincount(index[X.data == value], minlength=size).astype(np.int64)
           for name, value in (("n_agree", 1), ("n_disagree", -1), ("n_pass", 0))}
    out["n_votes"] = out["n_agree"] + out["n_disagree"] + out["n_pass"]
    return out


def _rate(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """successes / trials, NaN where there are no trials."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(trials > 0, successes / np.maximum(trials, 1), np.nan)


def _ids(values: Iterable[Hashable]) -> pd.Series:
    """Ids as a column: int64 when all are integers, otherwise strings."""
    values = list(values)
    if all(isinstance(v, int | np.integer) for v in values):
        return pd.Series(values, dtype="int64")
    return pd.Series([str(v) for v in values], dtype="object")


def tidy_tables(
    matrix: VoteMatrix,
    result: AnalysisResult,
    *,
    texts: Mapping[Hashable, str] | None = None,
    polis_groups: Mapping[Hashable, int] | None = None,
) -> dict[str, pd.DataFrame]:
    """The tidy tables of ``matrix`` and its analysis ``result`` (see the module docstring).

    Parameters
    ----------
    matrix : VoteMatrix
        The votes ``result`` was computed from (same participants and statements, same order).
    result : AnalysisResult
    texts : mapping of statement id to text, optional
        Missing texts are written as "".
    polis_groups : mapping of participant id to the group Pol.is assigned, optional
        Adds ``polis_group_id`` to ``participants`` (-1 where absent).

    Returns
    -------
    dict of str to DataFrame, keys in :data:`TABLES` order, then ``bridging`` when
    ``result.bridging`` was fitted (taken from the result, never fitted again here).
    """
    if (list(result.participant_ids) != list(matrix.participant_ids)
            or list(result.statement_ids) != list(matrix.statement_ids)):
        raise ValueError("result was not computed from this matrix (ids differ)")
    texts = texts or {}
    sids = _ids(matrix.statement_ids)
    pids = _ids(matrix.participant_ids)
    tables = {
        "votes": _votes(matrix, sids, pids),
        "statements": _statements(matrix, result, sids, texts),
        "participants": _participants(matrix, result, pids, polis_groups),
        "groups": _groups(result),
        "group_votes": _group_votes(result, sids),
        "repness": _repness(result, sids),
        "consensus": _consensus(result, sids),
        "group_informed_consensus": _gic(matrix, result, sids),
    }
    if result.bridging is not None:
        tables["bridging"] = _bridging(result, sids, tables["statements"])
    return {name: _unknown_as_missing(frame) for name, frame in tables.items()}


def _unknown_as_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """The one NaN policy in a table: a figure that is not finite (NaN, +-inf) is missing, so
    CSV writes an empty cell and Parquet a null."""
    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c].dtype)]
    if floats:
        frame[floats] = frame[floats].where(np.isfinite(frame[floats]))
    return frame


def _votes(matrix: VoteMatrix, sids: pd.Series, pids: pd.Series) -> pd.DataFrame:
    rows, cols, votes, times = matrix.records()
    return pd.DataFrame({
        "participant_id": pids.to_numpy()[rows],
        "statement_id": sids.to_numpy()[cols],
        "vote": votes.astype(np.int8),
        "timestamp": np.where(times > 0, times, np.nan),
    })


def _statements(matrix: VoteMatrix, result: AnalysisResult, sids: pd.Series,
                texts: Mapping[Hashable, str]) -> pd.DataFrame:
    counts = _counts(matrix, axis=0)
    coords = result.opinion_map.statement_coordinates
    frame = pd.DataFrame({
        "statement_id": sids,
        "text": [str(texts.get(s, "")) for s in matrix.statement_ids],
        "excluded": matrix.excluded.astype(bool),
        "meta": matrix.meta.astype(bool),
        **counts,
        "agree_rate": _rate(counts["n_agree"], counts["n_votes"]),
        "x": coords[:, 0],
        "y": coords[:, 1] if coords.shape[1] > 1 else np.nan,
        "extremity": result.opinion_map.extremity,
        "priority": result.priorities,
        "group_informed_consensus": result.group_informed_consensus,
    })
    return frame


def _participants(matrix: VoteMatrix, result: AnalysisResult, pids: pd.Series,
                  polis_groups: Mapping[Hashable, int] | None) -> pd.DataFrame:
    coords = result.opinion_map.coordinates
    frame = pd.DataFrame({
        "participant_id": pids,
        **_counts(matrix, axis=1),
        "in_conversation": result.in_conversation.astype(bool),
        "group_id": result.clustering.labels.astype(np.int64),
        "x": coords[:, 0],
        "y": coords[:, 1] if coords.shape[1] > 1 else np.nan,
        "base_cluster": result.clustering.base_labels.astype(np.int64),
    })
    if polis_groups is not None:
        frame["polis_group_id"] = np.array(
            [polis_groups.get(p, NOT_GROUPED) for p in matrix.participant_ids], dtype=np.int64)
    return frame


def _groups(result: AnalysisResult) -> pd.DataFrame:
    labels = result.clustering.labels
    ids = result.clustering.group_ids.astype(np.int64)
    sizes = np.array([np.count_nonzero(labels == g) for g in ids], dtype=np.int64)
    # No groups yet (too few votes): an empty table, not a reshape error (issue 21's report of
    # a young round hit it).
    centres = (result.clustering.group_centers.reshape(len(ids), -1) if len(ids)
               else np.zeros((0, 0)))

    def share_of(n: int) -> np.ndarray:
        return _rate(sizes, np.full(len(ids), n))

    grouped = share_of(int(np.count_nonzero(labels >= 0)))
    return pd.DataFrame({
        "group_id": ids,
        "n_participants": sizes,
        "share": grouped,
        "share_of_participants": share_of(int(result.n_participants)),
        "share_of_in_conversation": share_of(int(np.count_nonzero(result.in_conversation))),
        "share_of_grouped": grouped,
        "centre_x": centres[:, 0] if centres.shape[1] else np.nan,
        "centre_y": centres[:, 1] if centres.shape[1] > 1 else np.nan,
    })


def _group_votes(result: AnalysisResult, sids: pd.Series) -> pd.DataFrame:
    votes = result.group_votes.astype(np.int64)  # (k, n_s, 3): agree, disagree, all
    k, n_s = votes.shape[:2]
    agree, disagree, total = (votes[:, :, i].ravel() for i in range(3))
    low, high = wilson_interval(agree, total)
    return pd.DataFrame({
        "group_id": np.repeat(result.clustering.group_ids.astype(np.int64), n_s),
        "statement_id": np.tile(sids.to_numpy(), k),
        "n_agree": agree,
        "n_disagree": disagree,
        "n_pass": total - agree - disagree,
        "n_votes": total,
        "agree_rate": _rate(agree, total),
        "disagree_rate": _rate(disagree, total),
        "agree_low": low,
        "agree_high": high,
    })


def _repness(result: AnalysisResult, sids: pd.Series) -> pd.DataFrame:
    rows = [
        {"group_id": int(group), "rank": rank, "statement_id": sids.iloc[s.statement_index],
         "repful_for": s.repful_for, "n_success": int(s.n_success), "n_trials": int(s.n_trials),
         "p_success": float(s.p_success), "p_test": float(s.p_test),
         "repness": float(s.repness), "repness_test": float(s.repness_test),
         "metric": float(s.metric), "best_agree": bool(s.best_agree),
         "passes_test": bool(s.passes_test)}
        for group, statements in sorted(result.repness.items())
        for rank, s in enumerate(statements, 1)
    ]
    columns = ["group_id", "rank", "statement_id", "repful_for", "n_success", "n_trials",
               "p_success", "p_test", "repness", "repness_test", "metric", "best_agree",
               "passes_test"]
    return _with_interval(pd.DataFrame(rows, columns=columns), sids)


def _consensus(result: AnalysisResult, sids: pd.Series) -> pd.DataFrame:
    rows = [
        {"direction": direction, "rank": rank, "statement_id": sids.iloc[s.statement_index],
         "n_success": int(s.n_success), "n_trials": int(s.n_trials),
         "p_success": float(s.p_success), "p_test": float(s.p_test)}
        for direction, items in (("agree", result.consensus_agree),
                                 ("disagree", result.consensus_disagree))
        for rank, s in enumerate(items, 1)
    ]
    columns = ["direction", "rank", "statement_id", "n_success", "n_trials", "p_success",
               "p_test"]
    frame = _with_interval(pd.DataFrame(rows, columns=columns), sids)
    return frame.assign(wording=[majority_wording(int(n), int(t)) for n, t in
                                 zip(frame["n_success"], frame["n_trials"], strict=True)])


def _with_interval(frame: pd.DataFrame, sids: pd.Series) -> pd.DataFrame:
    """Add share = n_success / n_trials and its 95% Wilson interval (low, high)."""
    frame = frame.astype({"n_success": np.int64, "n_trials": np.int64,
                          "statement_id": sids.dtype})
    success, trials = frame["n_success"].to_numpy(), frame["n_trials"].to_numpy()
    low, high = wilson_interval(success, trials)
    return frame.assign(share=_rate(success, trials), low=low, high=high)


def _gic(matrix: VoteMatrix, result: AnalysisResult, sids: pd.Series) -> pd.DataFrame:
    active = matrix.active & np.isfinite(result.group_informed_consensus)
    values = result.group_informed_consensus[active]
    order = np.argsort(-values, kind="stable")
    counts = _counts(matrix, axis=0)
    index = np.flatnonzero(active)[order]
    return pd.DataFrame({
        "rank": np.arange(1, len(order) + 1, dtype=np.int64),
        "statement_id": sids.to_numpy()[index],
        "group_informed_consensus": values[order],
        "n_votes": counts["n_votes"][index],
        "agree_rate": _rate(counts["n_agree"], counts["n_votes"])[index],
    })


def _bridging(result: AnalysisResult, sids: pd.Series,
              statements: pd.DataFrame) -> pd.DataFrame:
    """``result.bridging`` ranked best first: the list every answer shows, figures unrounded."""
    entries = bridging_entries(result.bridging, digits=None)
    # Each entry's row in the statements table (ids are unique per matrix).
    row_of = {sid: i for i, sid in enumerate(sids.tolist())}
    rows = np.array([row_of[e.statement_id] for e in entries], dtype=np.int64)
    frame = pd.DataFrame({
        "rank": np.arange(1, len(entries) + 1, dtype=np.int64),
        "statement_id": sids.to_numpy()[rows],
        **{column: np.array([getattr(e, column) for e in entries], dtype=float)
           for column in ("score", "low", "high", "polarization")},
        "is_bridging": np.array([e.is_bridging for e in entries], dtype=bool),
        "n_votes": np.array([e.n_votes for e in entries], dtype=np.int64),
        "group_informed_consensus": statements["group_informed_consensus"].to_numpy()[rows],
        "agree_rate": statements["agree_rate"].to_numpy()[rows],
    })
    return frame


# ---------------------------------------------------------------------- files
def neutralise(value: object) -> object:
    """A text cell made safe for spreadsheets (``'`` before a formula character or ``'`` at the
    start or after any line break); other values unchanged.

    >>> neutralise("=HYPERLINK(\\"x\\")"), neutralise("-5 euro"), neutralise("ok"), neutralise(-1)
    ('\\'=HYPERLINK("x")', "'-5 euro", 'ok', -1)
    >>> neutralise("a\\r=cmd")
    "a\\r'=cmd"
    """
    if isinstance(value, str):
        return _ESCAPE_AT.sub(ESCAPE, value)
    return value


def restore(value: object) -> object:
    """Undo :func:`neutralise`.

    >>> restore(neutralise("'quoted")), restore(neutralise("@home"))
    ("'quoted", '@home')
    """
    if isinstance(value, str):
        return _ESCAPED_AT.sub("", value)
    return value


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns
            if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype)]


def write_tables(tables: Mapping[str, pd.DataFrame], dest: str | Path,
                 formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write each table as ``dest/<name>.csv`` and/or ``dest/<name>.parquet``.

    CSV: UTF-8, comma-separated, header row, no index, formula-like text cells neutralised,
    rows ending in CRLF (RFC 4180), so that every field holding a CR or LF is quoted (with "\\n"
    Python's writer left a bare CR unquoted; issue 18).
    Parquet: pyarrow, no index. Returns the paths written.
    """
    formats = tuple(formats)
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown format(s) {unknown}; expected some of {list(FORMATS)}")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        if "csv" in formats:
            safe = frame.copy()
            for column in _text_columns(safe):
                safe[column] = safe[column].map(neutralise)
            path = dest / f"{name}.csv"
            safe.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")
            written.append(path)
        if "parquet" in formats:
            path = dest / f"{name}.parquet"
            frame.to_parquet(path, index=False, engine="pyarrow")
            written.append(path)
    logger.info("wrote %d tidy table file(s) to %s", len(written), dest)
    return written


def read_tables(source: str | Path, fmt: str = "parquet") -> dict[str, pd.DataFrame]:
    """Read back every ``<name>.<fmt>`` in ``source`` (CSV texts restored)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {list(FORMATS)}")
    tables = {}
    for path in sorted(Path(source).glob(f"*.{fmt}")):
        if fmt == "parquet":
            tables[path.stem] = pd.read_parquet(path, engine="pyarrow")
            continue
        frame = pd.read_csv(path, keep_default_na=False,
                            na_values=[""], encoding="utf-8")
        for column in _text_columns(frame):
            frame[column] = frame[column].fillna("").map(restore)
        tables[path.stem] = frame
    return tables

"""Reading marks to build or merge a store: CSV, Parquet/Arrow, numpy arrays or rows.

Every source becomes :class:`TagArrays`; bad rows are collected with their line or
row number (:class:`RowError`) and rejected together in a :class:`BadRowsError`.
"""

from __future__ import annotations

import array
import csv
import datetime as _dt
import io
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from fraudnum.tags import format as fmt
from fraudnum.tags.categories import category_by_name
from fraudnum.tags.format import TagStoreError
from fraudnum.tags.tag import _NO_KEY, _int_key, _key_of_written
from fraudnum.types import choice

__all__ = ["BadRowsError", "RowError", "TagArrays"]


_MAX_ROW_ERRORS = 20


@attrs.frozen
class RowError:
    """A rejected input row: where (a line of a file, or a row index) and why."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@attrs.frozen(eq=False)
class TagArrays:
    """Columns of marks: numeric keys, category codes, counts and day numbers.

    Attributes:
        keys: ``uint64`` numeric keys (:func:`number_key`).
        categories: ``uint8`` category codes 1..15.
        counts: ``uint32`` mark counts (>= 1).
        days: ``int32`` last day marked, as days since 1970-01-01.
    """

    keys: npt.NDArray[np.uint64]
    categories: npt.NDArray[np.uint8]
    counts: npt.NDArray[np.uint32]
    days: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return int(self.keys.shape[0])


class _Progress:
    """A tqdm bar on stderr, or nothing (quiet, not a tty, or no tqdm)."""

    def __init__(self, total: int, desc: str, enabled: bool | None) -> None:
        if enabled is None:
            enabled = sys.stderr.isatty()
        self._bar: Any = None
        if enabled and total > 0:
            try:
                from tqdm import tqdm
            except ImportError:  # pragma: no cover - tqdm is a dependency
                return
            self._bar = tqdm(total=total, desc=desc, unit="num", unit_scale=True, file=sys.stderr)

    def update(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


class _Rows:
    """Accumulates parsed rows compactly, with their errors."""

    def __init__(self, on_error: str) -> None:
        self.keys = array.array("Q")
        self.cats = array.array("B")
        self.counts = array.array("I")
        self.days = array.array("i")
        self.removals = array.array("Q")
        self.errors: list[RowError] = []
        self.n_errors = 0
        self.on_error = on_error

    def error(self, where: str, message: str) -> None:
        self.n_errors += 1
        if len(self.errors) < _MAX_ROW_ERRORS:
            self.errors.append(RowError(where, message))

    def add(
        self, where: str, number: Any, category: Any, count: Any, day: Any, action: str
    ) -> None:
        key = _int_key(number) if isinstance(number, (int, np.integer)) else None
        if key is None and isinstance(number, str):
            key = _key_of_written(number)
        if key is None:
            self.error(where, f"{number!r} is not a phone number")
            return
        if action in ("remove", "delete"):
            self.removals.append(key)
            return
        if action not in ("", "add", "set"):
            self.error(where, f"action {action!r} is not add or remove")
            return
        try:
            code = int(category) if isinstance(category, int) else category_by_name(str(category))
            if not 1 <= code <= 15:
                raise TagStoreError(f"category code {code} is not in 1..15")
            n = int(count)
            if n < 1:
                raise TagStoreError(f"count {count!r} is not a positive number")
            d = _parse_day(day)
        except (TagStoreError, ValueError, TypeError) as e:
            self.error(where, str(e))
            return
        self.keys.append(key)
        self.cats.append(code)
        self.counts.append(min(n, 0xFFFFFFFF))
        self.days.append(d)

    def finish(self, origin: str) -> tuple[TagArrays, npt.NDArray[np.uint64]]:
        if self.n_errors and self.on_error == "raise":
            shown = "\n  ".join(str(e) for e in self.errors)
            more = (
                f"\n  ... and {self.n_errors - len(self.errors)} more"
                if (self.n_errors > len(self.errors))
                else ""
            )
            raise BadRowsError(
                f"{origin}: {self.n_errors} bad row(s):\n  {shown}{more}", tuple(self.errors)
            )
        arrays = TagArrays(
            np.frombuffer(self.keys, dtype=np.uint64) if self.keys else np.zeros(0, np.uint64),
            np.frombuffer(self.cats, dtype=np.uint8) if self.cats else np.zeros(0, np.uint8),
            np.frombuffer(self.counts, dtype=np.uint32) if self.counts else np.zeros(0, np.uint32),
            np.frombuffer(self.days, dtype=np.int32) if self.days else np.zeros(0, np.int32),
        )
        removals = (
            np.frombuffer(self.removals, dtype=np.uint64)
            if self.removals
            else np.zeros(0, np.uint64)
        )
        return arrays, removals


class BadRowsError(TagStoreError):
    """Input rows were rejected; ``errors`` lists the first of them."""

    def __init__(self, message: str, errors: tuple[RowError, ...]) -> None:
        super().__init__(message)
        self.errors = errors


_MIN_DAY = fmt.day_number(_dt.date(1990, 1, 1))
_MAX_DAY = fmt.day_number(_dt.date(2200, 1, 1))


def _parse_day(value: Any) -> int:
    if isinstance(value, _dt.datetime):
        d = value.date()
    elif isinstance(value, _dt.date):
        d = value
    elif isinstance(value, (int, np.integer)):
        d = fmt.day_date(int(value))
    else:
        text = str(value).strip()
        try:
            d = _dt.date.fromisoformat(text[:10])
        except ValueError:
            raise TagStoreError(f"last_marked {value!r} is not a date such as 2026-11-30") from None
    n = fmt.day_number(d)
    if not _MIN_DAY <= n < _MAX_DAY:
        raise TagStoreError(f"last_marked {d} is not between 1990 and 2200")
    return n


_COLUMNS = ("number", "category", "count", "last_marked")


def _read_csv(
    path: Path, on_error: str, progress: bool | None, delta: bool
) -> tuple[TagArrays, npt.NDArray[np.uint64], _Rows]:
    rows = _Rows(on_error)
    origin = str(path)
    size = path.stat().st_size
    bar = _Progress(size, f"reading {path.name}", progress)
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise TagStoreError(f"{origin}: empty file, expected a header row") from None
        missing = [c for c in _COLUMNS if c not in header]
        if missing:
            raise TagStoreError(
                f"{origin}:1: missing column(s) {', '.join(missing)}; the header must name "
                f"{', '.join(_COLUMNS)}" + (" (and optionally action)" if delta else "")
            )
        idx = {c: header.index(c) for c in (*_COLUMNS, "action") if c in header}
        width = len(header)
        done = 0
        for rec in reader:
            line = reader.line_num
            if not rec or (len(rec) == 1 and not rec[0].strip()):
                continue
            if len(rec) != width:
                rows.error(f"{origin}:{line}", f"{len(rec)} fields, the header has {width}")
                continue
            action = rec[idx["action"]].strip().lower() if "action" in idx else ""
            rows.add(
                f"{origin}:{line}",
                rec[idx["number"]],
                rec[idx["category"]],
                rec[idx["count"]],
                rec[idx["last_marked"]],
                action,
            )
            if line % 65536 == 0:
                pos = raw.tell()
                bar.update(max(0, pos - done))
                done = max(done, pos)
        bar.update(max(0, size - done))
    bar.close()
    arrays, removals = rows.finish(origin)
    if removals.size and not delta:
        raise TagStoreError(f"{origin}: remove rows belong in a delta, not a build source")
    return arrays, removals, rows


def _arrow_columns(table: Any, origin: str) -> Mapping[str, Any]:
    import pyarrow as pa
    import pyarrow.compute as pc

    names = table.column_names
    missing = [c for c in _COLUMNS if c not in names]
    if missing:
        raise TagStoreError(f"{origin}: missing column(s) {', '.join(missing)}")
    out: dict[str, Any] = {}
    num = table.column("number")
    if pa.types.is_integer(num.type):
        out["number"] = num.to_numpy().astype(np.uint64)
    else:
        text = pc.utf8_trim_whitespace(num.cast(pa.string()))
        fast = pc.and_(
            pc.and_(pc.equal(pc.utf8_length(text), 11), pc.starts_with(text, "1")),
            pc.utf8_is_digit(text),
        )
        fast_np = fast.to_numpy(zero_copy_only=False).astype(bool)
        keys = np.full(len(text), _NO_KEY, dtype=np.uint64)
        if fast_np.any():
            vals = pc.cast(pc.filter(text, fast), pa.uint64()).to_numpy()
            keys[fast_np] = vals | np.uint64(11 << fmt.LEN_SHIFT)
        slow = np.flatnonzero(~fast_np)
        if slow.size:
            slow_text = pc.take(text, pa.array(slow)).to_pylist()
            for i, s in zip(slow.tolist(), slow_text, strict=True):
                k = _key_of_written(s) if s is not None else None
                keys[i] = _NO_KEY if k is None else k
        out["number"] = keys
    cat = table.column("category")
    out["category"] = (
        cat.to_numpy() if pa.types.is_integer(cat.type) else cat.cast(pa.string()).to_pylist()
    )
    out["count"] = table.column("count").to_numpy(zero_copy_only=False)
    day = table.column("last_marked")
    try:
        if not pa.types.is_date32(day.type):
            day = pc.cast(day, pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        raise TagStoreError(f"{origin}: last_marked is not a date column: {e}") from None
    out["last_marked"] = pc.cast(day, pa.int32()).to_numpy(zero_copy_only=False)
    return out


def _from_columns(cols: Mapping[str, Any], origin: str, on_error: str) -> TagArrays:
    """Vectorised validation of column arrays; bad rows are reported by index."""
    number = cols.get("number", cols.get("key"))
    if number is None:
        raise TagStoreError(f"{origin}: no number column")
    n = len(number)
    for c in ("category", "count", "last_marked"):
        if c not in cols or len(cols[c]) != n:
            raise TagStoreError(f"{origin}: column {c} is missing or of another length")
    num = np.asarray(number)
    if num.dtype.kind in "iu":
        keys = num.astype(np.uint64)
        zero = (keys >> np.uint64(fmt.LEN_SHIFT)) == 0
        keys[zero] |= np.uint64(11 << fmt.LEN_SHIFT)
    else:
        keys = np.array([_key_of_written(str(s)) or _NO_KEY for s in num.tolist()], dtype=np.uint64)
    cat = np.asarray(cols["category"])
    if cat.dtype.kind not in "iu":
        codes: dict[Any, int] = {}
        vals = []
        for item in cat.tolist():
            code = codes.get(item)
            if code is None:
                try:
                    code = category_by_name(str(item))
                except TagStoreError:
                    code = 0
                codes[item] = code
            vals.append(code)
        cat = np.array(vals, dtype=np.int64)
    counts = np.asarray(cols["count"])
    days = np.asarray(cols["last_marked"])
    if days.dtype.kind == "M":
        days = days.astype("datetime64[D]").astype(np.int64)
    elif days.dtype.kind == "O":
        days = np.array([_parse_day(d) for d in days.tolist()], dtype=np.int64)
    elif days.dtype.kind in "US":
        days = np.array(days, dtype="datetime64[D]").astype(np.int64)
    lengths = keys >> np.uint64(fmt.LEN_SHIFT)
    limits = np.array([10**i for i in range(fmt.MAX_DIGITS + 1)] + [0] * 14, dtype=np.uint64)
    bad_key = (lengths > fmt.MAX_DIGITS) | (
        (keys & np.uint64(fmt.VALUE_MASK)) >= limits[np.minimum(lengths, 31).astype(np.intp)]
    )
    bad = bad_key | (cat < 1) | (cat > 15) | (counts < 1) | (days < _MIN_DAY) | (days >= _MAX_DAY)
    if bad.any():
        rows = np.flatnonzero(bad)
        if on_error == "raise":
            shown = []
            for i in rows[:_MAX_ROW_ERRORS].tolist():
                why = (
                    "not a phone number"
                    if bad_key[i]
                    else "bad category"
                    if not 1 <= cat[i] <= 15
                    else "count below 1"
                    if counts[i] < 1
                    else "last_marked out of range"
                )
                shown.append(RowError(f"{origin}: row {i}", why))
            raise BadRowsError(
                f"{origin}: {rows.size} bad row(s):\n  " + "\n  ".join(map(str, shown)),
                tuple(shown),
            )
        keep = ~bad
        keys, cat, counts, days = keys[keep], cat[keep], counts[keep], days[keep]
    return TagArrays(
        np.ascontiguousarray(keys, dtype=np.uint64),
        cat.astype(np.uint8),
        np.minimum(counts, 0xFFFFFFFF).astype(np.uint32),
        days.astype(np.int32),
    )


def _read_source(
    source: Any, on_error: str, progress: bool | None, delta: bool = False
) -> tuple[TagArrays, npt.NDArray[np.uint64], int, tuple[RowError, ...]]:
    """Arrays, removal keys, the number of rows skipped and the first of them."""
    on_error = choice(on_error, ("raise", "skip"), "on_error")
    if isinstance(source, TagArrays):
        return (
            _from_columns(
                {
                    "number": source.keys,
                    "category": source.categories,
                    "count": source.counts,
                    "last_marked": source.days,
                },
                "arrays",
                on_error,
            ),
            np.zeros(0, np.uint64),
            0,
            (),
        )
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        suffix = path.suffix.lower()
        if suffix in (".parquet", ".pq", ".arrow", ".feather", ".ipc"):
            try:
                import pyarrow.feather as feather
                import pyarrow.parquet as pq
            except ImportError:
                raise TagStoreError(f"{path}: reading {suffix} files needs pyarrow") from None
            try:
                table = (
                    pq.read_table(path)
                    if suffix in (".parquet", ".pq")
                    else feather.read_table(path)
                )
            except (OSError, ValueError) as e:
                raise TagStoreError(f"{path}: {e}") from None
            arrays = _from_columns(_arrow_columns(table, str(path)), str(path), on_error)
            return arrays, np.zeros(0, np.uint64), table.num_rows - len(arrays), ()
        # Bytes that are not UTF-8, or a field past the csv module's limit: a bad
        # file, reported as one (found by tools/fuzz, target tag_source).
        try:
            arrays, removals, rows = _read_csv(path, on_error, progress, delta)
        except UnicodeDecodeError as e:
            raise TagStoreError(f"{path}: not UTF-8 ({e.reason})") from None
        except csv.Error as e:
            raise TagStoreError(f"{path}: unreadable CSV: {e}") from None
        return arrays, removals, rows.n_errors, tuple(rows.errors)
    if hasattr(source, "column_names") and hasattr(source, "num_rows"):
        arrays = _from_columns(_arrow_columns(source, "table"), "table", on_error)
        return arrays, np.zeros(0, np.uint64), source.num_rows - len(arrays), ()
    if isinstance(source, Mapping):
        cols = dict(source)
        arrays = _from_columns(cols, "arrays", on_error)
        total = len(cols.get("number", cols.get("key", ())))
        return arrays, np.zeros(0, np.uint64), total - len(arrays), ()
    rows = _Rows(on_error)
    for i, row in enumerate(source):
        rec = tuple(row)
        if len(rec) == 2 and str(rec[1]).strip().lower() in ("remove", "delete"):
            rows.add(f"row {i}", rec[0], None, None, None, "remove")
        elif len(rec) in (4, 5):
            action = str(rec[4] or "").strip().lower() if len(rec) == 5 else ""
            rows.add(f"row {i}", rec[0], rec[1], rec[2], rec[3], action)
        else:
            rows.error(f"row {i}", "expected (number, category, count, last_marked[, action])")
    arrays, removals = rows.finish("rows")
    if removals.size and not delta:
        raise TagStoreError("rows: remove rows belong in a delta, not a build source")
    return arrays, removals, rows.n_errors, tuple(rows.errors)


def _dedup_last(
    keys: npt.NDArray[np.uint64], *cols: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.uint64], list[npt.NDArray[Any]], int]:
    """Sort by key; of repeated keys the last row wins. Returns the duplicates dropped."""
    n = keys.shape[0]
    if n > 1 and bool(np.all(keys[1:] > keys[:-1])):
        return keys, list(cols), 0
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    cols_s = [c[order] for c in cols]
    if n > 1:
        last = np.ones(n, dtype=bool)
        last[:-1] = keys[1:] != keys[:-1]
        if not last.all():
            return keys[last], [c[last] for c in cols_s], int(n - last.sum())
    return keys, cols_s, 0

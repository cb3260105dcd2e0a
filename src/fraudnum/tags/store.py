"""The crowd-tag store: every marked number of a country in one memory-mapped file.

:func:`build` writes a store from CSV, Parquet/Arrow, numpy arrays or rows;
:func:`open_store` (``TagStore.open``) maps it read-only; :func:`merge` applies a
day's delta (new marks, removed marks, expiry by age) into a new file. Files are
written to a temporary file beside the target, fsynced and renamed into place,
so processes that have the old file mapped keep reading it undisturbed.
"""

from __future__ import annotations

import array
import contextlib
import csv
import datetime as _dt
import functools
import io
import json
import mmap
import os
import sys
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Final, Literal, cast

import attrs
import numpy as np
import numpy.typing as npt

from fraudnum import _core
from fraudnum.tags import format as fmt
from fraudnum.tags._canonical import canonical_digits
from fraudnum.tags.categories import Category, builtin_categories, category_by_name
from fraudnum.tags.format import COUNT_BUCKETS, TagStoreError
from fraudnum.texts import builtin_reasons, fill
from fraudnum.types import choice

__all__ = [
    "BuildReport",
    "Delta",
    "MergeReport",
    "RowError",
    "Tag",
    "TagArrays",
    "TagBatch",
    "TagStore",
    "build",
    "merge",
    "number_key",
    "open_store",
]

Backend = Literal["auto", "compiled", "python"]
_NO_KEY = np.uint64(0xFFFFFFFFFFFFFFFF)  # length field 31: never a stored key
_MAX_ROW_ERRORS = 20
_CHUNK = 1 << 22


# --------------------------------------------------------------------------- tags


def _count_upper(bucket: int) -> int | None:
    return COUNT_BUCKETS[bucket + 1] - 1 if bucket + 1 < len(COUNT_BUCKETS) else None


@attrs.frozen
class Tag:
    """What the crowd said about one number.

    Attributes:
        category: the category most users chose.
        count: how many users marked it: the lower bound of its count bucket
            (exact up to 4; then 5+, 10+, 20+, 50+, 100+ ... 100,000+).
        count_exact: whether ``count`` is exact.
        last_marked: the last day anyone marked it (None if the store keeps no days).
            In a store of coarse days (``day_bits`` 1, 2 or 4) the last day of the
            period the last mark fell in (never past the store's newest mark).
        last_marked_from: in a store of coarse days, the first day of that period:
            the last mark was made between ``last_marked_from`` and ``last_marked``.
            None where days are exact.
    """

    category: Category
    count: int
    count_exact: bool
    last_marked: _dt.date | None
    last_marked_from: _dt.date | None = None

    @property
    def code(self) -> str:
        """The reason code, ``crowd_marked_<category>``."""
        return f"crowd_marked_{self.category.name}"

    def reason_texts(self) -> tuple[str, str]:
        """The reason in Chinese and English, from the ``crowd_marks*`` rows of reasons.csv.

        ``("被 1,000 位以上用户标记为诈骗（最近 2026-11-30）",
        "marked as fraud by 1,000+ users (last 2026-11-30)")``.
        """
        # The wording: an exact count, one user, or a bucket's lower bound; with the day or not.
        form = "crowd_marks" if self.count_exact else "crowd_marks_at_least"
        if self.count_exact and self.count == 1:
            form = "crowd_marks_one"
        if self.last_marked is not None:
            form += "_last" if self.last_marked_from is None else "_between"
        text = builtin_reasons()[form]
        params = {
            "count": f"{self.count:,}",
            "category_zh": self.category.zh,
            "category_en": self.category.en,
            "last": self.last_marked.isoformat() if self.last_marked is not None else "",
            "first": self.last_marked_from.isoformat() if self.last_marked_from else "",
        }
        return fill(text.zh, **params), fill(text.en, **params)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        zh, en = self.reason_texts()
        return {
            "category": self.category.name,
            "count": self.count,
            "count_exact": self.count_exact,
            "last_marked": self.last_marked.isoformat() if self.last_marked else None,
            "last_marked_from": self.last_marked_from.isoformat()
            if self.last_marked_from
            else None,
            "code": self.code,
            "zh": zh,
            "en": en,
        }


# ------------------------------------------------------------------- number keys


def number_key(digits: str) -> int:
    """The numeric key of canonical digits (see :mod:`fraudnum.tags.format`)."""
    return fmt.encode_key(digits)


def _fast_key(s: str) -> int | None:
    """The key of an already-canonical mobile number, skipping the parser."""
    if len(s) == 11 and s[0] == "1" and s.isascii() and s.isdigit():
        return (11 << fmt.LEN_SHIFT) | int(s)
    return None


def _int_key(number: int | np.integer[Any]) -> int | None:
    """A numeric key given as an int (length field 0: an 11-digit number), if valid."""
    key = int(number)
    if key < 0 or key >> 64:
        return None
    if key >> fmt.LEN_SHIFT == 0:
        key |= 11 << fmt.LEN_SHIFT
    try:
        fmt.decode_key(key)
    except TagStoreError:
        return None
    return key


def _key_of_written(raw: str) -> int | None:
    s = raw.strip()
    k = _fast_key(s)
    if k is not None:
        return k
    d = canonical_digits(s)
    if d is None or len(d) > fmt.MAX_DIGITS:
        return None
    return fmt.encode_key(d)


# ------------------------------------------------------------------------ inputs


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


_EPOCH = _dt.date(1970, 1, 1)
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


# ------------------------------------------------------------------------ writer


def _tag_bytes(
    categories: npt.NDArray[np.uint8], counts: npt.NDArray[np.uint32]
) -> npt.NDArray[np.uint8]:
    buckets = np.searchsorted(np.array(COUNT_BUCKETS, np.uint32), counts, side="right") - 1
    return ((categories.astype(np.uint8) << 4) | buckets.astype(np.uint8)).astype(np.uint8)


def _pack(
    suffixes: npt.NDArray[np.uint16],
    cum: npt.NDArray[np.uint32],
    bitpos: npt.NDArray[np.uint64],
    words: npt.NDArray[np.uint64],
    backend: Backend,
    bar: _Progress,
) -> None:
    packer = _pack_ef(backend)
    n_segs = cum.shape[0] - 1
    step = 1 << 16
    for a in range(0, n_segs, step):
        b = min(n_segs, a + step)
        packer(suffixes, cum[a : b + 1], bitpos[a : b + 1], words)
        bar.update(int(cum[b] - cum[a]))


def _day_bytes(values: npt.NDArray[np.int32] | None, bits: int) -> npt.NDArray[Any]:
    """A days section: values of 8 or 16 bits, or packed 1, 2 or 4 bits (empty: no days)."""
    if values is None or not bits:
        return np.zeros(0, np.uint8)
    if bits >= 8:
        return values.astype(np.uint8 if bits == 8 else "<u2")
    return fmt.pack_day_values(values, bits)


def _pack_blocks(
    suffixes: npt.NDArray[np.uint16],
    tags: npt.NDArray[np.uint8],
    days: npt.NDArray[np.uint16],
    seg_dir: npt.NDArray[np.uint32],
    words: npt.NDArray[np.uint64],
    day_bits: int,
    backend: Backend,
    bar: _Progress,
) -> None:
    packer = _cores(backend)[2]
    n_segs = seg_dir.shape[0] // 2 - 1
    step = 1 << 16
    for a in range(0, n_segs, step):
        b = min(n_segs, a + step)
        packer(suffixes, tags, days, seg_dir[2 * a : 2 * b + 2], words, day_bits)
        bar.update(int(seg_dir[2 * b] - seg_dir[2 * a]))


def _write_store(
    path: Path,
    keys: npt.NDArray[np.uint64],
    tags: npt.NDArray[np.uint8],
    days: npt.NDArray[np.int32] | None,
    params: dict[str, Any],
    *,
    progress: bool | None,
    backend: Backend,
    day_bits: int | None = None,
    day_step: int | None = None,
    step_of: int = 1,
    version: int = fmt.VERSION,
) -> int:
    """Write sorted unique keys and their tags; returns the file's size.

    ``day_bits``/``day_step``: see :func:`build`; ``step_of``: a chosen step must be
    a multiple of it (a merge keeps each stored period inside one new period);
    ``version``: the format version to write (3, or 2 for readers that predate 3).
    """
    if version not in (2, 3):
        raise TagStoreError(f"format_version={version} is not 2 or 3 (the versions written)")
    n = keys.shape[0]
    lo = int(np.searchsorted(keys, np.uint64(fmt.MOBILE_KEY_LO)))
    hi = int(np.searchsorted(keys, np.uint64(fmt.MOBILE_KEY_HI)))
    mobile = keys[lo:hi]
    other = np.concatenate([keys[:lo], keys[hi:]])
    n_mob = mobile.shape[0]
    if n_mob > 0xFFFFFFFF:
        raise TagStoreError("more than 4,294,967,295 mobile numbers")
    order_tags = np.concatenate([tags[lo:hi], tags[:lo], tags[hi:]])
    # Segments and suffixes, in chunks to bound the temporaries at 242 M numbers.
    seg = np.empty(n_mob, dtype=np.int32)
    suf = np.empty(n_mob, dtype=np.uint16)
    for a in range(0, n_mob, _CHUNK):
        v = mobile[a : a + _CHUNK] & np.uint64(fmt.VALUE_MASK)
        q = v // np.uint64(fmt.SUFFIX_UNIVERSE)
        seg[a : a + _CHUNK] = q - np.uint64(fmt.SEGMENT_BASE)
        suf[a : a + _CHUNK] = v - q * np.uint64(fmt.SUFFIX_UNIVERSE)
    if n_mob:
        starts = np.flatnonzero(seg[1:] != seg[:-1]) + 1
        starts = np.concatenate([np.zeros(1, np.intp), starts])
        seg_ids = seg[starts]
        counts = np.diff(np.concatenate([starts, [n_mob]]))
    else:
        seg_ids = np.zeros(0, np.int32)
        counts = np.zeros(0, np.intp)
    del seg
    n_segs = seg_ids.shape[0]
    cum = np.zeros(n_segs + 1, dtype=np.uint32)
    np.cumsum(counts, out=cum[1:])
    present = np.zeros(fmt.N_SEGMENTS, dtype=bool)
    present[seg_ids] = True
    bitmap = np.packbits(present, bitorder="little").view("<u8")
    # Days: offsets from the oldest (or their periods), in the bits asked for.
    values: npt.NDArray[np.int32] | None = None
    if days is not None and n:
        ordered_days = np.concatenate([days[lo:hi], days[:lo], days[hi:]])
        base_day, max_day = int(ordered_days.min()), int(ordered_days.max())
        bits, step = _day_format(base_day, max_day, day_bits, day_step, step_of)
        if bits:
            values = ordered_days // np.int32(step) - np.int32(base_day // step)
        del ordered_days
    else:
        base_day = max_day = int(days.max()) if days is not None and n else 0
        bits, step = 0, 1
    params = {**params, "categories": [[c.code, c.name, c.zh, c.en] for c in builtin_categories()]}
    params["count_buckets"] = list(COUNT_BUCKETS)
    payload = json.dumps(params, ensure_ascii=False, sort_keys=True).encode("utf-8")
    bar = _Progress(n_mob, f"packing {path.name}", progress)
    sections: list[bytes | npt.NDArray[Any]]
    if version >= 3:
        # One block a segment: its high bits, then a record (low bits, tag, day) a
        # number, in whole bytes; the directory pairs entries-before and byte offset.
        n_of = counts.astype(np.uint64)
        lows = fmt.EF_LOW_TABLE[counts].astype(np.uint64)
        sizes = (fmt.HIGH_BITS_TABLE[counts] + n_of * (lows + np.uint64(8 + bits)) + 7) // 8
        offs = np.zeros(n_segs + 1, dtype=np.uint64)
        np.cumsum(sizes, out=offs[1:])
        if int(offs[-1]) + 16 > 0xFFFFFFFF:
            raise TagStoreError("the segment blocks pass 4 GB, more than format version 3 holds")
        seg_dir = np.empty(2 * (n_segs + 1), dtype=np.uint32)
        seg_dir[0::2] = cum
        seg_dir[1::2] = offs
        words = np.zeros((int(offs[-1]) + 7) // 8 + 1 if n_segs else 0, dtype=np.uint64)
        mob_days = (
            values[:n_mob].astype(np.uint16) if values is not None else np.zeros(0, np.uint16)
        )
        _pack_blocks(suf, order_tags[:n_mob], mob_days, seg_dir, words, bits, backend, bar)
        del mob_days
        sections = [
            payload,
            bitmap,
            seg_dir,
            words,
            other.astype("<u8"),
            order_tags[n_mob:],
            _day_bytes(values[n_mob:] if values is not None else None, bits),
        ]
    else:
        bitpos = np.zeros(n_segs + 1, dtype=np.uint64)
        np.cumsum(fmt.EF_BITS_TABLE[counts], out=bitpos[1:])
        nwords = (int(bitpos[-1]) + 63) // 64 + 1 if n_segs else 0
        words = np.zeros(nwords, dtype=np.uint64)
        _pack(suf, cum, bitpos, words, backend, bar)
        sections = [
            payload,
            bitmap,
            cum,
            bitpos,
            words,
            other.astype("<u8"),
            order_tags,
            _day_bytes(values, bits),
        ]
    bar.close()
    del suf
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(b"\0" * fmt.header_size(version))
            table: list[tuple[int, int, int]] = []
            pos = fmt.header_size(version)
            for sec in sections:
                data = (
                    memoryview(sec)
                    if isinstance(sec, bytes)
                    else np.ascontiguousarray(sec).view(np.uint8).data
                ).cast("B")
                pad = -pos % 8
                f.write(b"\0" * pad)
                pos += pad
                f.write(data)
                table.append((pos, data.nbytes, zlib.crc32(data)))
                pos += data.nbytes
            f.seek(0)
            f.write(
                fmt.pack_header(
                    n_mobile=n_mob,
                    n_other=other.shape[0],
                    n_segs=n_segs,
                    day_bits=bits,
                    day_step=step,
                    base_day=base_day,
                    max_day=max_day,
                    file_size=pos,
                    sections=table,
                    version=version,
                )
            )
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - directories that cannot be opened
        return pos
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
    return pos


def _day_bits(day_width: int | None, day_bits: int | None) -> int | None:
    """The day bits asked for by either spelling (None: the narrowest exact width)."""
    if day_bits is not None:
        if day_bits not in fmt.DAY_BITS:
            raise TagStoreError(f"day_bits={day_bits} is not one of {fmt.DAY_BITS}")
        return day_bits
    if day_width is not None:
        if day_width not in (0, 1, 2):
            raise TagStoreError(f"day_width={day_width} is not 0, 1 or 2")
        return 8 * day_width
    return None


def _day_format(
    base_day: int, max_day: int, day_bits: int | None, day_step: int | None, step_of: int
) -> tuple[int, int]:
    """(bits, step) for marks from base_day to max_day; raises if they cannot fit."""
    span = max_day - base_day
    if day_bits is None:
        day_bits = 8 if span < 256 else 16
    if day_bits >= 8 or day_bits == 0:
        if day_step not in (None, 1):
            raise TagStoreError(f"day_step={day_step} needs day_bits 1, 2 or 4")
        if day_bits and span >= 1 << day_bits:
            raise TagStoreError(
                f"the marks span {span + 1} days, more than day_width={day_bits // 8} holds"
            )
        return day_bits, 1

    def fits(step: int) -> bool:
        return max_day // step - base_day // step < 1 << day_bits

    if day_step is not None:
        if not 1 <= day_step <= fmt.MAX_DAY_STEP or day_step % step_of or not fits(day_step):
            raise TagStoreError(
                f"the marks span {span + 1} days: {1 << day_bits} periods of day_step="
                f"{day_step} days (a multiple of {step_of}, at most {fmt.MAX_DAY_STEP}) "
                "do not hold them"
            )
        return day_bits, day_step
    # The shortest period that holds the span, in whole multiples of step_of.
    step = max(step_of, -(-(span + 1) // (1 << day_bits)) // step_of * step_of)
    while not fits(step):
        step += step_of
    if step > fmt.MAX_DAY_STEP:
        raise TagStoreError(
            f"the marks span {span + 1} days, too many for {day_bits} bits a day; "
            "expire the oldest (expire_before) or keep more bits"
        )
    return day_bits, step


def _cores(backend: Backend) -> tuple[Any, Any, Any]:
    backend = cast("Backend", choice(backend, ("auto", "compiled", "python"), "backend"))
    # "auto" follows FRAUDNUM_IMPLEMENTATION like the rest of the core, so the suite's
    # twin run (FRAUDNUM_IMPLEMENTATION=python) reads stores through the twin too.
    use_python = backend == "python" or (backend == "auto" and _core.IMPLEMENTATION == "python")
    if not use_python:
        try:
            from fraudnum.tags import _tagstore
        except ImportError:
            if backend == "compiled":
                raise
        else:
            return _tagstore.TagCore, _tagstore.pack_ef, _tagstore.pack_blocks
    from fraudnum.tags import _pystore

    return _pystore.PyTagCore, _pystore.pack_ef, _pystore.pack_blocks


def _pack_ef(backend: Backend) -> Any:
    return _cores(backend)[1]


# ------------------------------------------------------------------------- build


@attrs.frozen
class BuildReport:
    """What a build or merge wrote.

    Attributes:
        path: the store written.
        numbers: numbers in it.
        file_bytes: its size.
        skipped: input rows rejected (with ``on_error="skip"``).
        duplicates: repeated numbers (the last row won).
        errors: the first rejected rows.
        seconds: wall time.
    """

    path: str
    numbers: int
    file_bytes: int
    skipped: int
    duplicates: int
    errors: tuple[RowError, ...]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        d = attrs.asdict(self)
        d["errors"] = [str(e) for e in self.errors]
        d["bytes_per_number"] = round(self.file_bytes / self.numbers, 3) if self.numbers else None
        return d


def build(
    source: Any,
    path: str | os.PathLike[str],
    *,
    on_error: Literal["raise", "skip"] = "raise",
    progress: bool | None = None,
    day_width: int | None = None,
    backend: Backend = "auto",
    description: str = "",
    day_bits: int | None = None,
    day_step: int | None = None,
    format_version: int = fmt.VERSION,
) -> BuildReport:
    """Build a store file from marks.

    Args:
        source: a CSV file (header ``number,category,count,last_marked``; numbers in
            any written form, categories by code or name, ISO dates), a Parquet or
            Arrow/Feather file or ``pyarrow.Table`` with those columns, a mapping of
            column arrays, a :class:`TagArrays`, or an iterable of
            ``(number, category, count, last_marked)`` rows.
        path: the file to write (atomically replaced).
        on_error: ``"raise"`` (default) rejects the build if any row is bad, listing
            the first with their line numbers; ``"skip"`` leaves them out and reports them.
        progress: show a progress bar on stderr (default: when stderr is a terminal).
        day_width: bytes per last-marked day: 1 (marks within 256 days), 2, or 0 to
            store no days; default the narrowest that fits.
        day_bits: bits per last-marked day instead: 0, 8, 16 (exact days), or 1, 2,
            4 to keep only the period of ``day_step`` days the last mark fell in
            (periods aligned to 1970-01-01; the reason then says "between" two
            days). 1 bit is what keeps 242 M numbers under 2 bytes a number.
        day_step: days per period with ``day_bits`` 1, 2 or 4; default the
            shortest that holds the marks' span in ``2**day_bits`` periods.
        backend: ``"compiled"``, ``"python"`` or ``"auto"``.
        description: free text kept in the build parameters.
        format_version: 3 (default: each segment's code, tags and days in one
            block) or 2, the previous layout, for readers that predate version 3.

    Raises:
        BadRowsError: bad input rows (``on_error="raise"``).
        TagStoreError: unreadable input.
    """
    t0 = time.perf_counter()
    arrays, _, skipped, errors = _read_source(source, on_error, progress)
    keys, (cats, counts, days), dups = _dedup_last(
        arrays.keys, arrays.categories, arrays.counts, arrays.days
    )
    params = {
        "built_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "source": str(source) if isinstance(source, (str, os.PathLike)) else type(source).__name__,
        "description": description,
        "operation": "build",
    }
    size = _write_store(
        Path(path),
        keys,
        _tag_bytes(cats, counts),
        days,
        params,
        progress=progress,
        backend=backend,
        day_bits=_day_bits(day_width, day_bits),
        day_step=day_step,
        version=format_version,
    )
    return BuildReport(
        str(path), int(keys.shape[0]), size, skipped, dups, errors, time.perf_counter() - t0
    )


# ------------------------------------------------------------------------- store


# The count column of a tag byte (0 where not found: tag byte 0).
_COUNT_OF_TAG: Final = np.array(
    [COUNT_BUCKETS[t & 15] if t >> 4 else 0 for t in range(256)], np.uint32
)
_NAT_DAY: Final = np.iinfo(np.int64).min  # datetime64's NaT as an int64


class TagBatch:
    """Columns of a batch lookup.

    The lookup itself writes only each number's tag byte and stored day value (one
    to three bytes a number, filled in C without the GIL); every other column is
    derived from them with numpy when it is first read, and kept. A classifier's
    crowd tier reads ``tags`` alone.

    Attributes:
        tags: ``uint8`` tag byte per number: category << 4 | count bucket, 0 where
            not found (no store defines category 0).
        days: the stored day value per number (``uint8``, or ``uint16`` for 16-bit
            days; 0 where not found), or None for a store without days.
    """

    def __init__(
        self,
        tags: npt.NDArray[np.uint8],
        days: npt.NDArray[Any] | None,
        store: TagStore,
        keys: npt.NDArray[np.uint64],
    ) -> None:
        self.tags = tags
        self.days = days
        self._store = store
        self._keys = keys

    def __len__(self) -> int:
        return int(self.tags.shape[0])

    def __getitem__(self, i: int) -> Tag | None:
        """The full tag of row ``i``, or None."""
        t = int(self.tags[i])
        if not t:
            return None
        day = int(self.days[i]) if self.days is not None else 0
        return self._store._tag_of(t | day << 8)

    @functools.cached_property
    def found(self) -> npt.NDArray[np.bool_]:
        """``bool`` per number."""
        found: npt.NDArray[np.bool_] = self.tags != 0
        return found

    @functools.cached_property
    def categories(self) -> npt.NDArray[np.uint8]:
        """``uint8`` category code (0 where not found)."""
        cats: npt.NDArray[np.uint8] = self.tags >> np.uint8(4)
        return cats

    @functools.cached_property
    def counts(self) -> npt.NDArray[np.uint32]:
        """``uint32`` count bucket lower bound (0 where not found)."""
        counts: npt.NDArray[np.uint32] = _COUNT_OF_TAG[self.tags]
        return counts

    @functools.cached_property
    def last_marked(self) -> npt.NDArray[np.datetime64]:
        """``datetime64[D]`` last day marked (NaT where not found or not stored).

        In a store of coarse days, the last day of the period the mark fell in.
        """
        if self.days is None:
            out = np.full(len(self), _NAT_DAY, np.int64)
        else:
            out = self._store._day_numbers_of(self.days)
            out[self.tags == 0] = _NAT_DAY
        return out.view("datetime64[D]")

    @functools.cached_property
    def index(self) -> npt.NDArray[np.int64]:
        """``int64`` entry index in the store (-1 where not found), looked up on first read."""
        index = np.empty(len(self), dtype=np.int64)
        self._store._live().lookup_batch(self._keys, index)
        return index


class TagStore:
    """An open, immutable, memory-mapped crowd-tag store.

    Open one with :meth:`open`; many processes can map the same file and share its
    pages. A store pickles as its path and header checksum and is reopened (without
    re-verifying) on the other side; if the file was replaced in between,
    unpickling raises :class:`TagStoreError`.
    """

    def __init__(self, path: Path, buf: Any, layout: fmt.Layout, core: Any, backend: Backend):
        self._path = path
        self._buf = buf
        self._layout = layout
        self._core = core
        self._backend = backend
        self._categories = {int(c[0]): _category(c) for c in layout.params["categories"]}
        self._cache: dict[int, Tag] = {}
        self._day_table: npt.NDArray[np.int64] | None = None
        if core is not None:
            core.set_tag_factory(self._tag_of)

    # -- opening ---------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, verify: bool = True, backend: Backend = "auto"
    ) -> TagStore:
        """Map a store read-only, after checking it.

        Args:
            path: the store file.
            verify: also check every section's crc32 and decode every segment (a
                few hundred ms per GB). Without it the header, the section table, the
                segment directory and the other numbers are still checked, and no read
                can leave the file; use ``verify=False`` to reopen a file already
                verified (after download, before it was renamed into place).
            backend: ``"compiled"``, ``"python"`` (the pure-Python twin) or ``"auto"``.

        Raises:
            TagStoreError: the file is truncated, corrupt, hostile or not a store.
            OSError: it cannot be read.
        """
        return open_store(path, verify=verify, backend=backend)

    @classmethod
    def build(cls, source: Any, path: str | os.PathLike[str], **kwargs: Any) -> TagStore:
        """:func:`build` a store and open it (same arguments)."""
        build(source, path, **kwargs)
        return open_store(path, verify=False, backend=kwargs.get("backend", "auto"))

    def merge(
        self,
        delta: Any,
        out_path: str | os.PathLike[str],
        *,
        expire_before: _dt.date | None = None,
        **kwargs: Any,
    ) -> TagStore:
        """:func:`merge` a delta into a new file and open it."""
        merge(self, delta, out_path, expire_before=expire_before, **kwargs)
        return open_store(out_path, verify=False, backend=self._backend)

    def close(self) -> None:
        """Unmap the file (other open stores of it are unaffected)."""
        buf = self._buf
        self._core = None
        self._buf = None
        if isinstance(buf, mmap.mmap):
            # Arrays handed out may still view it; the map then goes with them.
            with contextlib.suppress(BufferError):
                buf.close()

    def __enter__(self) -> TagStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __reduce__(self) -> tuple[Any, tuple[str, int, str]]:
        return (_reopen, (str(self._path), self._layout.header_crc, self._backend))

    # -- lookups ---------------------------------------------------------------

    def _tag_of(self, packed: int) -> Tag:
        tag = self._cache.get(packed)
        if tag is None:
            b = packed & 0xFF
            cat = self._categories.get(b >> 4) or Category(
                b >> 4, f"code_{b >> 4}", "未知", "unknown"
            )
            day = first = None
            if self._layout.day_bits:
                lo, hi = self._layout.day_range(packed >> 8)
                day = fmt.day_date(hi)
                first = fmt.day_date(lo) if lo != hi else None
            bucket = b & 15
            tag = Tag(
                cat,
                COUNT_BUCKETS[bucket],
                _count_upper(bucket) == COUNT_BUCKETS[bucket],
                day,
                first,
            )
            if len(self._cache) < 1 << 16:
                self._cache[packed] = tag
        return tag

    def _live(self) -> Any:
        if self._core is None:
            raise TagStoreError(f"{self._path}: the store is closed")
        return self._core

    def lookup_key(self, key: int) -> Tag | None:
        """The tag of a numeric key (:func:`number_key`), or None."""
        core = self._core
        if core is None:
            raise TagStoreError(f"{self._path}: the store is closed")
        # The core returns the cached Tag itself: no second call, no dict lookup here.
        tag: Tag | None = core.tag(key)
        return tag

    def lookup_digits(self, canonical_digits: str) -> Tag | None:
        """The tag of canonical digits (``"13912345678"``, ``"01065612308"``), or None.

        Raises:
            TagStoreError: not a string of ASCII digits.
        """
        k = _fast_key(canonical_digits)
        if k is None:
            if len(canonical_digits) > fmt.MAX_DIGITS and canonical_digits.isdigit():
                return None
            k = fmt.encode_key(canonical_digits)
        tag: Tag | None = self._live().tag(k)
        return tag

    def lookup(self, number: str) -> Tag | None:
        """The tag of a number in any written form (``"+86 139-1234-5678"``), or None."""
        k = _key_of_written(number)
        if k is None:
            return None
        tag: Tag | None = self._live().tag(k)
        return tag

    def __contains__(self, number: object) -> bool:
        return isinstance(number, str) and self.lookup(number) is not None

    def keys_of(self, numbers: Sequence[str]) -> npt.NDArray[np.uint64]:
        """Numeric keys of written numbers (unparsable ones get a key never stored)."""
        out = np.empty(len(numbers), dtype=np.uint64)
        for i, s in enumerate(numbers):
            k = _key_of_written(s) if isinstance(s, str) else None
            out[i] = _NO_KEY if k is None else k
        return out

    def lookup_batch(self, numbers: npt.ArrayLike | Sequence[str]) -> TagBatch:
        """Look up many numbers: an integer array of numeric keys, or written numbers.

        Numeric keys (``uint64``/``int64``) are looked up in C without the GIL; plain
        integers such as ``13912345678`` count as 11-digit mobile numbers. The lookup
        writes each number's tag byte and day value only (:class:`TagBatch`); the
        other columns are derived when first read. The batch keeps its own copy of
        a caller's key array (for its ``index`` column).
        """
        arr = np.asarray(numbers)
        if arr.dtype.kind not in "iu":
            keys = self.keys_of([str(s) for s in arr.reshape(-1).tolist()])
        else:
            keys = np.ascontiguousarray(arr.reshape(-1)).astype(np.uint64, copy=False)
            fresh = arr is not numbers and arr.base is None  # made here (from a list)
            if not fresh and np.may_share_memory(keys, arr):
                # The batch keeps the keys for its index column: not the caller's
                # array, which may change after the call.
                keys = keys.copy()
        n = keys.shape[0]
        tags = np.empty(n, dtype=np.uint8)
        bits = self._layout.day_bits
        days = np.empty(n, np.uint16 if bits == 16 else np.uint8) if bits else None
        # One pass in C (sorting a large batch by segment first) writes the tag bytes
        # and day values; the other columns are derived when they are read.
        self._live().lookup_tags(keys, tags, days)
        return TagBatch(tags, days, self, keys)

    def _day_numbers_of(self, values: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
        """The day number (int64) each stored day value stands for (see TagBatch)."""
        lay = self._layout
        if lay.day_bits > 8:
            return _day_numbers(values, lay).astype(np.int64)
        table = self._day_table
        if table is None:
            table = _day_numbers(np.arange(256), lay).astype(np.int64)
            self._day_table = table
        out: npt.NDArray[np.int64] = table[values]
        return out

    # -- whole-store -----------------------------------------------------------

    def __len__(self) -> int:
        return self._layout.n_total

    @property
    def path(self) -> Path:
        """The file this store maps."""
        return self._path

    @property
    def categories(self) -> dict[int, Category]:
        """The store's category table (code -> category), as built."""
        return dict(self._categories)

    @property
    def as_of(self) -> _dt.date | None:
        """The newest last-marked day in the store (None if empty or no days)."""
        if not len(self) or not self._layout.day_bits:
            return None
        return fmt.day_date(self._layout.max_day)

    def to_arrays(self) -> TagArrays:
        """Every entry as columns, sorted by numeric key (counts are bucket lower bounds)."""
        lay = self._layout
        keys = np.empty(lay.n_total, dtype=np.uint64)
        core = self._live()
        core.decode_keys(keys)
        tags = np.empty(lay.n_total, dtype=np.uint8)
        values = np.empty(lay.n_total, dtype=np.uint16)
        core.decode_tags(tags, values)
        days = (
            _day_numbers(values, lay)
            if lay.day_bits and lay.n_total
            else np.zeros(lay.n_total, np.int32)
        )
        del values
        mob = lay.n_mobile
        other = keys[mob:]
        k = int(np.searchsorted(other, np.uint64(fmt.MOBILE_KEY_LO)))

        def order(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
            return np.concatenate([a[mob : mob + k], a[:mob], a[mob + k :]])

        tags_o = order(tags)
        return TagArrays(
            order(keys),
            (tags_o >> 4).astype(np.uint8),
            np.array(COUNT_BUCKETS, np.uint32)[tags_o & 15],
            order(days),
        )

    def items(self) -> Iterator[tuple[str, Tag]]:
        """``(canonical digits, tag)`` of every entry, in numeric-key order."""
        arr = self.to_arrays()
        tags = _tag_bytes(arr.categories, arr.counts)
        lay = self._layout
        base = lay.base_day // lay.day_step
        for key, t, d in zip(arr.keys.tolist(), tags.tolist(), arr.days.tolist(), strict=True):
            day = d // lay.day_step - base if lay.day_bits else 0
            yield fmt.decode_key(key), self._tag_of(t | (day << 8))

    def verify(self) -> None:
        """Check every checksum and decode every segment (what ``open`` does by default).

        Raises:
            TagStoreError: the file is corrupt.
        """
        _deep_verify(self._buf, self._layout, self._live(), str(self._path))

    def info(self) -> dict[str, Any]:
        """The header and build parameters, as a JSON-ready dict."""
        lay = self._layout
        p = dict(lay.params)
        p.pop("categories", None)
        return {
            "path": str(self._path),
            "format_version": lay.version,
            "numbers": lay.n_total,
            "mobile": lay.n_mobile,
            "other": lay.n_other,
            "segments": lay.n_segs,
            "bytes": lay.file_size,
            "bytes_per_number": round(lay.file_size / lay.n_total, 3) if lay.n_total else None,
            "day_width": lay.day_bits // 8 if lay.day_bits % 8 == 0 else lay.day_bits / 8,
            "day_bits": lay.day_bits,
            "day_step": lay.day_step,
            "oldest_mark": fmt.day_date(lay.base_day).isoformat()
            if lay.day_bits and len(self)
            else None,
            "newest_mark": fmt.day_date(lay.max_day).isoformat()
            if lay.day_bits and len(self)
            else None,
            "checksum": f"{lay.header_crc:08x}",
            "sections": {k: {"offset": o, "bytes": n} for k, (o, n, _) in lay.sections.items()},
            "params": p,
        }

    def __repr__(self) -> str:
        return f"<TagStore {str(self._path)!r}: {len(self)} numbers>"


def _day_numbers(values: npt.NDArray[Any], lay: fmt.Layout) -> npt.NDArray[np.int32]:
    """The last day each stored day value can stand for (see Layout.day_range)."""
    v: npt.NDArray[np.int32] = values.astype(np.int32)
    if lay.day_step == 1:
        exact: npt.NDArray[np.int32] = v + np.int32(lay.base_day)
        return exact
    step = np.int32(lay.day_step)
    ends: npt.NDArray[np.int32] = (v + np.int32(lay.base_day // lay.day_step + 1)) * step - 1
    clipped: npt.NDArray[np.int32] = np.minimum(ends, np.int32(lay.max_day))
    return clipped


def _category(row: Sequence[Any]) -> Category:
    code, name, zh, en = row
    for c in builtin_categories():
        if c.code == code and c.name == name:
            return c
    return Category(int(code), str(name), str(zh), str(en))


def _deep_verify(buf: Any, layout: fmt.Layout, core: Any, origin: str) -> None:
    fmt.verify_checksums(buf, layout, origin)
    codes = [int(c[0]) for c in layout.params["categories"]]
    try:
        # Version 3 blocks hold the mobile numbers' tags and days: checked there.
        core.check_segments(sum(1 << c for c in set(codes)), layout.max_period)
    except TagStoreError as e:
        raise TagStoreError(f"{origin}: {e}") from None
    n = layout.n_total if layout.version < 3 else layout.n_other
    if n:
        tags = np.frombuffer(buf, np.uint8, count=n, offset=layout.offset(layout.tags_section))
        known = np.zeros(16, dtype=bool)
        known[codes] = True
        if not known[tags >> 4].all():
            raise TagStoreError(f"{origin}: a tag names a category the store does not define")
        if layout.day_bits:
            days = fmt.day_values(buf, layout)
            if int(days.max()) > layout.max_period:
                raise TagStoreError(f"{origin}: a last-marked day is past the header's newest")


def open_store(
    path: str | os.PathLike[str], *, verify: bool = True, backend: Backend = "auto"
) -> TagStore:
    """Open a store; see :meth:`TagStore.open`."""
    p = Path(path)
    origin = str(p)
    with p.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size < fmt.HEADER_SIZE:
            raise TagStoreError(
                f"{origin}: {size} bytes is too short for a tag store (truncated or not one)"
            )
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    core_cls = _cores(backend)[0]
    try:
        layout = fmt.read_layout(buf, origin)
        if verify:
            fmt.verify_checksums(buf, layout, origin)
        try:
            core = core_cls(buf, layout)
        except TagStoreError as e:
            raise TagStoreError(f"{origin}: {e}") from None
        if layout.n_other:
            fmt.check_other_keys(fmt.u64_view(buf, layout, "other_keys"), origin)
        if verify:
            _deep_verify(buf, layout, core, origin)
    except BaseException:
        core = None
        with contextlib.suppress(BufferError):
            buf.close()
        raise
    return TagStore(p, buf, layout, core, backend)


def _reopen(path: str, header_crc: int, backend: Backend) -> TagStore:
    store = open_store(path, verify=False, backend=backend)
    if store._layout.header_crc != header_crc:
        store.close()
        raise TagStoreError(f"{path}: the file changed since the store was pickled")
    return store


# ------------------------------------------------------------------------- merge


@attrs.frozen(eq=False)
class Delta:
    """A day's changes: marks to add or replace, numbers to remove.

    Attributes:
        upserts: new or updated marks; each replaces the number's stored tag.
        removals: numeric keys whose marks are withdrawn.
    """

    upserts: TagArrays
    removals: npt.NDArray[np.uint64]

    @classmethod
    def read(
        cls,
        source: Any,
        *,
        on_error: Literal["raise", "skip"] = "raise",
        progress: bool | None = None,
    ) -> Delta:
        """Read a delta from a CSV, any build source, or rows.

        A delta CSV has the build columns and an optional ``action`` column:
        ``add`` (the default) or ``remove``; rows may carry the action as a fifth field.
        """
        if isinstance(source, Delta):
            return source
        arrays, removals, _, _ = _read_source(source, on_error, progress, delta=True)
        return cls(arrays, removals)


@attrs.frozen
class MergeReport:
    """What a merge did.

    Attributes:
        path: the store written.
        numbers: numbers in it.
        file_bytes: its size.
        added: numbers new to the store.
        updated: numbers whose tag was replaced.
        removed: numbers removed by the delta.
        removals_missing: removals of numbers the store did not have.
        expired: numbers dropped as marked before ``expire_before``.
        seconds: wall time.
    """

    path: str
    numbers: int
    file_bytes: int
    added: int
    updated: int
    removed: int
    removals_missing: int
    expired: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return attrs.asdict(self)


def merge(
    store: TagStore,
    delta: Any,
    out_path: str | os.PathLike[str],
    *,
    expire_before: _dt.date | None = None,
    progress: bool | None = None,
    day_width: int | None = None,
    backend: Backend = "auto",
    day_bits: int | None = None,
    day_step: int | None = None,
    format_version: int = fmt.VERSION,
) -> MergeReport:
    """Write ``store`` with ``delta`` applied to ``out_path`` (which may be the store's own path).

    Upserts replace a number's tag (the delta carries the current category,
    count and last day); removals drop numbers; ``expire_before`` drops every
    number (stored or new) last marked before that day. Within the delta a later
    row for a number wins, and a removal beats an upsert of the same number.

    The new file keeps the store's day format unless ``day_width``/``day_bits``/
    ``day_step`` (see :func:`build`) say otherwise; a store of coarse days stays
    coarse, in periods that are whole multiples of its own (an old period then
    lies inside one new period, so every stored range stays true). The new file is
    written in ``format_version`` (see :func:`build`), whatever the store's.
    """
    t0 = time.perf_counter()
    lay = store._layout
    coarse = 0 < lay.day_bits < 8
    bits = _day_bits(day_width, day_bits)
    if coarse and bits is not None and bits >= 8:
        raise TagStoreError(f"{store.path}: keeps coarse days; they cannot become exact days")
    d = Delta.read(delta, progress=progress)
    base = store.to_arrays()
    up_keys, (up_cats, up_counts, up_days), _ = _dedup_last(
        d.upserts.keys, d.upserts.categories, d.upserts.counts, d.upserts.days
    )
    rem = np.unique(d.removals)
    if rem.size and up_keys.size:
        keep_up = ~_member(up_keys, rem)
        up_keys, up_cats, up_counts, up_days = (
            up_keys[keep_up],
            up_cats[keep_up],
            up_counts[keep_up],
            up_days[keep_up],
        )
    keep = np.ones(len(base), dtype=bool)
    in_base_up = _positions(base.keys, up_keys)
    updated = int((in_base_up >= 0).sum())
    keep[in_base_up[in_base_up >= 0]] = False
    in_base_rm = _positions(base.keys, rem)
    removed = int((in_base_rm >= 0).sum())
    keep[in_base_rm[in_base_rm >= 0]] = False
    expired = 0
    if expire_before is not None and not lay.day_bits and len(base):
        raise TagStoreError(f"{store.path}: keeps no days, so it cannot expire marks by age")
    if expire_before is not None:
        cutoff = fmt.day_number(expire_before)
        old = base.days < cutoff
        expired = int((old & keep).sum())
        keep &= ~old
        fresh = up_days >= cutoff
        up_keys, up_cats, up_counts, up_days = (
            up_keys[fresh],
            up_cats[fresh],
            up_counts[fresh],
            up_days[fresh],
        )
    keys = base.keys[keep]
    tags = _tag_bytes(base.categories[keep], base.counts[keep])
    days = base.days[keep]
    at = np.searchsorted(keys, up_keys)
    keys = np.insert(keys, at, up_keys)
    tags = np.insert(tags, at, _tag_bytes(up_cats, up_counts))
    days = np.insert(days, at, up_days)
    params = {
        "built_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "source": f"merge of {store.path} (checksum {store._layout.header_crc:08x})",
        "operation": "merge",
        "expire_before": expire_before.isoformat() if expire_before else None,
        "description": store._layout.params.get("description", ""),
    }
    # A store without days stays without (its stored days are unknown).
    # An empty store has no day width of its own: the delta's days decide.
    keeps_days = bool(lay.day_bits) or len(base) == 0
    if bits is None:
        bits = lay.day_bits if coarse else None if keeps_days else 0
    size = _write_store(
        Path(out_path),
        keys,
        tags,
        days,
        params,
        progress=progress,
        backend=backend,
        day_bits=bits,
        day_step=day_step,
        step_of=lay.day_step if coarse else 1,
        version=format_version,
    )
    added = int(up_keys.shape[0]) - int((_positions(base.keys, up_keys) >= 0).sum())
    return MergeReport(
        str(out_path),
        int(keys.shape[0]),
        size,
        added,
        updated,
        removed,
        int(rem.shape[0]) - removed,
        expired,
        time.perf_counter() - t0,
    )


def _positions(
    sorted_keys: npt.NDArray[np.uint64], q: npt.NDArray[np.uint64]
) -> npt.NDArray[np.intp]:
    """Index of each of ``q`` in ``sorted_keys``, or -1."""
    if q.size == 0 or sorted_keys.size == 0:
        return np.full(q.shape[0], -1, dtype=np.intp)
    pos = np.searchsorted(sorted_keys, q)
    ok = pos < sorted_keys.shape[0]
    ok[ok] = sorted_keys[pos[ok]] == q[ok]
    return np.where(ok, pos, -1)


def _member(
    q: npt.NDArray[np.uint64], sorted_keys: npt.NDArray[np.uint64]
) -> npt.NDArray[np.bool_]:
    return _positions(sorted_keys, q) >= 0


def write_jsonl(objs: Iterable[dict[str, Any]], out: IO[str]) -> None:
    """Write dicts as JSON Lines."""
    for o in objs:
        out.write(json.dumps(o, ensure_ascii=False) + "\n")

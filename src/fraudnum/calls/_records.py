"""Call records: the typed record, and the numpy columns both detectors work on.

A number is kept as one ``uint64``: its digit count in the top bits and its value
below (``(ndigits << 57) | value``), so leading zeros survive (``010…`` is not
``10…``), the block of 10,000 it belongs to is one shift and one division away, and
grouping is integer work. ``0`` stands for a hidden or unreadable number.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from fraudnum.classifier import default_classifier
from fraudnum.types import Direction

__all__ = [
    "CallColumns",
    "CallRecord",
    "decode_number",
    "decode_numbers",
    "encode_numbers",
    "to_columns",
]

_SHIFT: Final = 57
_MAX_DIGITS: Final = 17
_VALUE_MASK: Final = np.uint64((1 << _SHIFT) - 1)
_POW10: Final = np.array([10**i for i in range(_MAX_DIGITS + 1)], dtype=np.uint64)
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]


def _seconds(value: object) -> float:
    """Seconds since the epoch from a number or a datetime (naive ones are UTC)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return (value - _EPOCH).total_seconds()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"start must be seconds since the epoch or a datetime, not {value!r}")
    return float(value)


def _non_negative(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{attribute.name} must be a finite number, 0 or more, got {value!r}")


def _finite(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{attribute.name} must be a finite time, got {value!r}")


def _direction(value: object) -> Direction | None:
    return None if value is None else Direction(value)


@attrs.frozen
class CallRecord:
    """One call attempt, as a switch's CDR or a phone's call log has it.

    Attributes:
        caller: the calling number as shown (any form :func:`fraudnum.classify` reads).
        callee: the called number.
        start: when the call started, seconds since the epoch (a ``datetime`` is
            converted; a naive one is taken as UTC).
        ring_s: how long it rang, in seconds.
        answered: whether the callee answered.
        talk_s: how long they talked, in seconds (0 when not answered).
        direction: from a phone's point of view, whether the phone received the
            call (``incoming``) or made it; informational, caller and callee say who
            called whom.
        called_back: whether the callee called the caller back afterwards, where
            known (the lure of one-ring calls).
    """

    caller: str = attrs.field(validator=attrs.validators.instance_of(str))
    callee: str = attrs.field(validator=attrs.validators.instance_of(str))
    start: float = attrs.field(converter=_seconds, validator=_finite)
    ring_s: float = attrs.field(converter=float, validator=_non_negative)
    answered: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    talk_s: float = attrs.field(default=0.0, converter=float, validator=_non_negative)
    direction: Direction | None = attrs.field(default=None, converter=_direction)
    called_back: bool | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(bool))
    )

    def __attrs_post_init__(self) -> None:
        if self.talk_s > 0 and not self.answered:
            raise ValueError(f"talk_s is {self.talk_s} but the call was not answered")


@attrs.frozen(eq=False)
class CallColumns:
    """Call records as numpy columns, validated (see :func:`to_columns`).

    Attributes:
        caller: encoded calling numbers (``0``: hidden or unreadable).
        callee: encoded called numbers.
        start: start times, seconds since the epoch.
        ring_s: ring durations in seconds.
        answered: whether each call was answered.
        talk_s: talk durations in seconds.
        called_back: 1 if the callee called back, 0 if not, -1 if unknown.
    """

    caller: U64
    callee: U64
    start: F64
    ring_s: npt.NDArray[np.float32]
    answered: npt.NDArray[np.bool_]
    talk_s: npt.NDArray[np.float32]
    called_back: npt.NDArray[np.int8]

    def __len__(self) -> int:
        return int(self.start.shape[0])

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis and IPython pretty-print attrs classes field by field: keep it short.
        printer.text(repr(self))

    def __repr__(self) -> str:
        return f"<CallColumns of {len(self):,} records>"

    def take(self, index: npt.NDArray[Any]) -> CallColumns:
        """The rows at ``index`` (an integer or boolean array)."""
        return CallColumns(
            self.caller[index],
            self.callee[index],
            self.start[index],
            self.ring_s[index],
            self.answered[index],
            self.talk_s[index],
            self.called_back[index],
        )

    @staticmethod
    def concat(parts: Sequence[CallColumns]) -> CallColumns:
        """The rows of ``parts`` one after another."""
        if len(parts) == 1:
            return parts[0]
        return CallColumns(
            *(
                np.concatenate([getattr(p, f.name) for p in parts])
                for f in attrs.fields(CallColumns)
            )
        )


def decode_number(code: int) -> str:
    """The digits an encoded number stands for (``""`` for hidden or unreadable)."""
    digits = code >> _SHIFT
    if digits == 0:
        return ""
    return str(code & ((1 << _SHIFT) - 1)).zfill(digits)


def decode_numbers(codes: U64) -> npt.NDArray[np.str_]:
    """The digits of many encoded numbers, as a numpy string array (``""`` for 0)."""
    values = (codes & _VALUE_MASK).astype(np.int64)
    ndigits = (codes >> np.uint64(_SHIFT)).astype(np.int64)
    out: npt.NDArray[np.str_] = values.astype(f"<U{_MAX_DIGITS}")
    short = np.flatnonzero(np.char.str_len(out) != ndigits)
    for i in short.tolist():  # leading zeros (landlines, 00 international) and hidden
        out[i] = decode_number(int(codes[i]))
    return out


def _encode_ints(values: npt.NDArray[Any], name: str) -> U64:
    if values.size and (values.min() < 0 or values.max() >= 10**_MAX_DIGITS):
        bad = int(np.flatnonzero((values < 0) | (values >= 10**_MAX_DIGITS))[0])
        raise ValueError(f"row {bad}: {name} {values[bad]} is not a number of 1-17 digits")
    v = values.astype(np.uint64)
    ndigits = np.searchsorted(_POW10, v, side="right").astype(np.uint64)
    out: U64 = (ndigits << np.uint64(_SHIFT)) | v
    out[v == 0] = 0  # "0" is no one's number
    return out


_canonical_cache: dict[str, int] = {}


def _encode_one(text: str) -> int:
    """Encode one caller ID through fraudnum's parser (hidden, malformed: 0)."""
    code = _canonical_cache.get(text)
    if code is None:
        digits = default_classifier().classify(text).number.digits
        ok = digits.isascii() and digits.isdigit() and 0 < len(digits) <= _MAX_DIGITS
        code = (len(digits) << _SHIFT) | int(digits) if ok else 0
        if len(_canonical_cache) >= 100_000:
            _canonical_cache.clear()
        _canonical_cache[text] = code
    return code


def encode_numbers(values: Any, name: str = "number") -> U64:
    """Encode a column of numbers: integers (digits as dialled) or strings.

    Plain digit strings (a switch's form) are converted in bulk; anything else
    (``+86 139 …``, ``Unknown``) goes through fraudnum's parser once per distinct
    value, and hidden or unreadable numbers become ``0``.

    Raises:
        ValueError: a value is missing, or an integer is negative or too long.
    """
    if hasattr(values, "null_count") and hasattr(values, "type"):
        return _encode_arrow(values, name)
    if not isinstance(values, np.ndarray):
        values = _to_numpy(values, name)
    if values.dtype.kind in "iu":
        return _encode_ints(values, name)
    if values.dtype.kind == "O":
        missing = [i for i, v in enumerate(values.tolist()) if not isinstance(v, str)]
        if missing:
            raise ValueError(f"row {missing[0]}: {name} is missing or not a string")
        values = values.astype(str) if values.size else np.zeros(0, dtype="<U1")
    if values.dtype.kind != "U":
        raise TypeError(f"{name} must hold numbers as integers or strings, not {values.dtype}")
    lengths = np.char.str_len(values)
    plain = np.char.isdigit(values) & (lengths <= _MAX_DIGITS) & (lengths > 0)
    out = np.zeros(values.shape[0], dtype=np.uint64)
    if plain.any():
        v = values[plain].astype(np.uint64)
        out[plain] = (lengths[plain].astype(np.uint64) << np.uint64(_SHIFT)) | v
    if not plain.all():
        rest = np.flatnonzero(~plain)
        out[rest] = _encode_rest(values[rest].tolist())
    return out


def _encode_text(text: str) -> int:
    """One number: plain digits directly, anything else through the parser (cached)."""
    if text.isascii() and text.isdigit() and 0 < len(text) <= _MAX_DIGITS:
        return (len(text) << _SHIFT) | int(text)
    return _encode_one(text)


def _encode_rest(texts: Sequence[str]) -> U64:
    """The slow path: each distinct caller ID read by fraudnum's parser once."""
    uniq: dict[str, int] = {}
    return np.array(
        [uniq[t] if t in uniq else uniq.setdefault(t, _encode_one(t)) for t in texts],
        dtype=np.uint64,
    )


def _encode_arrow(values: Any, name: str) -> U64:
    """Encode a pyarrow column in Arrow's own kernels: digit strings cast in bulk."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if values.null_count:
        _to_numpy(values, name)  # raises, naming the row
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    kind = values.type
    if pa.types.is_dictionary(kind):
        words = encode_numbers(values.dictionary, name)
        picked: U64 = words[values.indices.to_numpy(zero_copy_only=False)]
        return picked
    if pa.types.is_integer(kind):
        return _encode_ints(values.to_numpy(zero_copy_only=False), name)
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise TypeError(f"{name} must hold numbers as integers or strings, not {kind}")
    lengths = pc.utf8_length(values).to_numpy(zero_copy_only=False)
    mask = pc.utf8_is_decimal(values).to_numpy(zero_copy_only=False) & (lengths <= _MAX_DIGITS)
    out = np.zeros(len(values), dtype=np.uint64)
    if mask.any():
        plain = values if mask.all() else values.filter(pa.array(mask))
        try:
            digits = pc.cast(plain, pa.uint64()).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:
            # Decimal digits of other scripts (full-width ０-９): the parser reads those.
            mask &= pc.string_is_ascii(values).to_numpy(zero_copy_only=False)
            digits = pc.cast(values.filter(pa.array(mask)), pa.uint64()).to_numpy(
                zero_copy_only=False
            )
        n = lengths[mask].astype(np.uint64)
        out[mask] = (n << np.uint64(_SHIFT)) | digits
    if not mask.all():
        rest = np.flatnonzero(~mask)
        out[rest] = _encode_rest(values.filter(pa.array(~mask)).to_pylist())
    return out


def _to_numpy(values: Any, name: str) -> npt.NDArray[Any]:
    """A column as numpy: a pyarrow array (nulls refused), a pandas/polars series, a list."""
    if hasattr(values, "null_count") and hasattr(values, "to_numpy"):  # pyarrow
        if values.null_count:
            import pyarrow.compute as pc

            first = int(pc.index(pc.is_null(values), True).as_py())
            raise ValueError(f"row {first}: {name} is missing")
        if hasattr(values, "combine_chunks"):
            values = values.combine_chunks()
        out: npt.NDArray[Any] = values.to_numpy(zero_copy_only=False)
        return out
    if hasattr(values, "to_numpy"):  # pandas / polars series
        return np.asarray(values.to_numpy())
    arr = np.asarray(list(values) if not isinstance(values, Sequence) else values)
    if arr.dtype.kind == "f" and name in ("caller", "callee"):
        raise TypeError(f"{name} must hold integers or strings, not floats")
    return arr


def _times(values: Any) -> F64:
    """Start times as float seconds since the epoch, whatever form they come in."""
    if hasattr(values, "type") and hasattr(values, "null_count"):  # pyarrow
        import pyarrow as pa

        if values.null_count:
            _to_numpy(values, "start")  # raises with the row
        if pa.types.is_timestamp(values.type):
            unit = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}[values.type.unit]
            ints = values.cast(pa.int64())
            return _to_numpy(ints, "start").astype(np.float64) / unit
    arr = values if isinstance(values, np.ndarray) else _to_numpy(values, "start")
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[us]").astype(np.int64).astype(np.float64) / 1e6
    if arr.dtype.kind == "O":
        return np.array([_seconds(v) for v in arr.tolist()], dtype=np.float64)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"start must be seconds or timestamps, not {arr.dtype}")
    return arr.astype(np.float64)


def _check_finite(values: F64 | npt.NDArray[np.float32], name: str, *, non_negative: bool) -> None:
    bad = ~np.isfinite(values)
    if non_negative:
        bad |= values < 0
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        need = "a finite number, 0 or more" if non_negative else "a finite time"
        raise ValueError(f"row {row}: {name} must be {need}, got {values[row]!r}")


_REQUIRED = ("caller", "callee", "start", "ring_s", "answered")


def _columns_of(source: Any) -> Mapping[str, Any]:
    """Named columns from a pyarrow table, a pandas or polars frame, or a mapping."""
    if isinstance(source, Mapping):
        return source
    if hasattr(source, "column_names") and hasattr(source, "column"):  # pyarrow Table/Batch
        return {n: source.column(n) for n in source.column_names}
    if hasattr(source, "to_arrow") and callable(source.to_arrow):  # polars
        return _columns_of(source.to_arrow())
    if hasattr(source, "columns") and hasattr(source, "__getitem__"):  # pandas
        return {str(n): source[n] for n in source.columns}
    raise TypeError(
        "call records must be CallRecords, a pyarrow Table, a pandas or polars DataFrame "
        f"or a mapping of columns, not {type(source).__name__}"
    )


def _from_records(records: Sequence[CallRecord]) -> CallColumns:
    for i, r in enumerate(records):
        if not isinstance(r, CallRecord):
            raise TypeError(f"row {i}: expected a CallRecord, got {type(r).__name__}")
    if len(records) <= 64:  # a phone's log, a call at a time: numpy's bulk path costs more
        callers = np.array([_encode_text(r.caller) for r in records], dtype=np.uint64)
        callees = np.array([_encode_text(r.callee) for r in records], dtype=np.uint64)
    else:
        callers = encode_numbers(np.array([r.caller for r in records], dtype=object), "caller")
        callees = encode_numbers(np.array([r.callee for r in records], dtype=object), "callee")
    return CallColumns(
        callers,
        callees,
        np.array([r.start for r in records], dtype=np.float64),
        np.array([r.ring_s for r in records], dtype=np.float32),
        np.array([r.answered for r in records], dtype=np.bool_),
        np.array([r.talk_s for r in records], dtype=np.float32),
        np.array(
            [-1 if r.called_back is None else int(r.called_back) for r in records], dtype=np.int8
        ),
    )


def to_columns(source: Any) -> CallColumns:
    """Validated numpy columns from call records in any accepted form.

    ``source`` is a sequence of :class:`CallRecord`, a ``pyarrow.Table`` or record
    batch, a pandas or polars ``DataFrame``, or a mapping of column name to array.
    The columns are ``caller``, ``callee`` (integers or strings), ``start`` (seconds,
    numpy ``datetime64`` or Arrow timestamps), ``ring_s``, ``answered``, and
    optionally ``talk_s`` (0 if absent) and ``called_back``.

    Raises:
        ValueError: a column is missing, or a row has a missing or invalid value (the
            message names the row, counted from 0).
        TypeError: ``source`` or a column has the wrong type.
    """
    if isinstance(source, CallColumns):
        return source
    if (
        isinstance(source, Sequence)
        and not isinstance(source, (str, bytes, Mapping))
        and (len(source) == 0 or isinstance(source[0], CallRecord))
    ):
        return _from_records(source)
    if isinstance(source, Iterable) and not hasattr(source, "__getitem__"):
        return _from_records(list(source))
    cols = _columns_of(source)
    missing = [c for c in _REQUIRED if c not in cols]
    if missing:
        raise ValueError(f"call records lack the column(s): {', '.join(missing)}")
    caller = encode_numbers(cols["caller"], "caller")
    callee = encode_numbers(cols["callee"], "callee")
    start = _times(cols["start"])
    _check_finite(start, "start", non_negative=False)
    ring = _to_numpy(cols["ring_s"], "ring_s").astype(np.float32)
    _check_finite(ring, "ring_s", non_negative=True)
    answered_raw = _to_numpy(cols["answered"], "answered")
    if answered_raw.dtype.kind != "b":
        if answered_raw.dtype.kind == "O" and any(v is None for v in answered_raw.tolist()):
            row = next(i for i, v in enumerate(answered_raw.tolist()) if v is None)
            raise ValueError(f"row {row}: answered is missing")
        if answered_raw.dtype.kind not in "iu" or not np.isin(answered_raw, (0, 1)).all():
            raise TypeError("answered must hold booleans (or 0/1)")
    answered = answered_raw.astype(np.bool_)
    if "talk_s" in cols:
        talk = _to_numpy(cols["talk_s"], "talk_s").astype(np.float32)
        _check_finite(talk, "talk_s", non_negative=True)
    else:
        talk = np.zeros(len(start), dtype=np.float32)
    if "called_back" in cols:
        cb_col = cols["called_back"]
        if getattr(cb_col, "null_count", 0):
            # A null is "unknown", as a CallRecord's None is: -1, not a missing value.
            import pyarrow as pa
            import pyarrow.compute as pc

            cb_col = pc.fill_null(cb_col.cast(pa.int8()), -1)
        cb_raw = _to_numpy(cb_col, "called_back")
        if cb_raw.dtype.kind == "O":
            called_back = np.array(
                [-1 if v is None else int(bool(v)) for v in cb_raw.tolist()], dtype=np.int8
            )
        else:
            called_back = cb_raw.astype(np.int8)
    else:
        called_back = np.full(len(start), -1, dtype=np.int8)
    n = len(start)
    for name, col in (
        ("caller", caller),
        ("callee", callee),
        ("ring_s", ring),
        ("answered", answered),
        ("talk_s", talk),
        ("called_back", called_back),
    ):
        if len(col) != n:
            raise ValueError(f"column {name} has {len(col)} rows, start has {n}")
    talking = (talk > 0) & ~answered
    if talking.any():
        row = int(np.flatnonzero(talking)[0])
        raise ValueError(f"row {row}: talk_s is {talk[row]} but the call was not answered")
    return CallColumns(caller, callee, start, ring, answered, talk, called_back)


def segment_of(numbers: U64) -> U64:
    """The block of 10,000 each encoded number belongs to (its last four digits dropped)."""
    ndigits = (numbers >> np.uint64(_SHIFT)).astype(np.int64)
    shorter = np.maximum(ndigits - 4, 0).astype(np.uint64)
    out: U64 = (shorter << np.uint64(_SHIFT)) | ((numbers & _VALUE_MASK) // np.uint64(10_000))
    return out

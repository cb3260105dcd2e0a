"""Verdict columns for Arrow data: caller IDs or SMS texts in, a ``pyarrow`` table out.

Call records and SMS logs usually live in Parquet files and data frames; this
module classifies a whole column at once and gives the verdicts back as Arrow
columns, ready to join, filter or write. pyarrow is an optional dependency
(``pip install 'fraudnum[arrow]'``), imported only when a function here runs.

Number verdict columns: ``kind``, ``risk``, ``tier`` (dictionary-encoded
strings), ``reasons`` (``list<string>`` of reason codes, the deciding one
first) and ``blockable``. SMS verdict columns: ``category``, ``risk``,
``reasons``, ``tags`` (``list<string>``) and ``blockable``. A null input gives
an explicit verdict whose first reason is ``no_value``: a null caller ID is a
withheld number, a null text an empty message.

Inputs: a ``pyarrow`` Array or ChunkedArray of strings (``string``,
``large_string``, ``string_view``, or dictionary-encoded strings, whose
dictionary is classified once), integers (read as digits; a leading 0 is lost,
so keep numbers as strings where you can) or all nulls; or anything pyarrow turns
into one (a list, a pandas Series, a Polars Series). The output keeps the
input's chunks.

Polars and pandas, one line each::

    df.hstack(pl.from_arrow(fraudnum.arrow.classify_numbers(df["caller"])))  # Polars
    df.join(fraudnum.arrow.classify_numbers(df["caller"]).to_pandas())      # pandas
"""

from __future__ import annotations

from typing import Any

from fraudnum.arrow._columns import NO_VALUE as _NO_VALUE
from fraudnum.arrow._columns import (
    number_column_chunks,
    number_fields,
    pyarrow,
    sms_columns,
    sms_fields,
)
from fraudnum.classifier import Classifier, default_classifier
from fraudnum.types import Channel, Direction

__all__ = [
    "NO_VALUE",
    "add_number_verdicts",
    "add_sms_verdicts",
    "classify_numbers",
    "classify_sms",
    "number_schema",
    "sms_schema",
]

#: The reason code first on the verdict of a null input (``"no_value"``).
NO_VALUE: str = _NO_VALUE


def number_schema() -> Any:
    """The schema of :func:`classify_numbers`' output."""
    return pyarrow().schema(number_fields())


def sms_schema() -> Any:
    """The schema of :func:`classify_sms`' output."""
    return pyarrow().schema(sms_fields())


def _chunked(values: Any, name: str) -> Any:
    """``values`` as a ChunkedArray of strings (or dictionary-encoded strings)."""
    pa = pyarrow()
    if hasattr(values, "to_arrow"):  # a Polars Series
        values = values.to_arrow()
    try:
        if isinstance(values, pa.ChunkedArray):
            arr = values
        elif isinstance(values, pa.Array):
            arr = pa.chunked_array([values], values.type)
        elif hasattr(values, "__arrow_c_stream__"):
            arr = pa.chunked_array(values)
        else:  # a list, a pandas Series, a NumPy array ...
            arr = pa.chunked_array([pa.array(values)])
    except (pa.ArrowException, TypeError, ValueError) as e:
        raise TypeError(f"{name}: cannot read {type(values).__name__} as Arrow: {e}") from e
    t = arr.type
    if (pa.types.is_dictionary(t) and _is_text(t.value_type)) or _is_text(t):
        _check_utf8(arr, name)
        return arr
    if pa.types.is_null(t):
        return arr
    if pa.types.is_integer(t):
        return arr.cast(pa.string())
    raise TypeError(f"{name} must hold strings (or integers), not {t}")


def _check_utf8(arr: Any, name: str) -> None:
    """Refuse strings that are not UTF-8 (arrays built from raw buffers can hold them).

    One pass in C, about 1 ms for 4 MB; without it such a value failed deep inside.
    """
    pa = pyarrow()
    for i, chunk in enumerate(arr.chunks):
        try:
            chunk.validate(full=True)
        except pa.ArrowInvalid as e:
            raise ValueError(f"{name}: chunk {i} is not a valid string array: {e}") from None


def _is_text(t: Any) -> bool:
    pa = pyarrow()
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or _is_string_view(t))


def _is_string_view(t: Any) -> bool:
    is_view = getattr(pyarrow().types, "is_string_view", None)
    return bool(is_view is not None and is_view(t))


def _plain(chunk: Any) -> Any:
    """A chunk as ``string`` (the seam's input type)."""
    pa = pyarrow()
    if pa.types.is_string(chunk.type):
        return chunk
    return chunk.cast(pa.string())


def _per_chunk(chunk: Any, columns: Any) -> list[Any]:
    """Columns for one chunk; a dictionary chunk has its dictionary classified once."""
    pa = pyarrow()
    if pa.types.is_dictionary(chunk.type) and chunk.null_count == 0:
        per_value = columns(_plain(chunk.dictionary))
        return [c.take(chunk.indices) for c in per_value]
    if pa.types.is_dictionary(chunk.type):
        chunk = chunk.dictionary_decode()
    return list(columns(_plain(chunk)))


def _table(chunks: Any, fields: list[Any], columns: Any) -> Any:
    pa = pyarrow()
    schema = pa.schema(fields)
    batches = [
        pa.RecordBatch.from_arrays(_per_chunk(c, columns), schema=schema) for c in chunks.chunks
    ]
    return pa.Table.from_batches(batches, schema=schema)


def _number_table(chunks: Any, columns_of: Any) -> Any:
    """:func:`_table` for numbers: every chunk decided in one batch, the output chunked alike.

    A dictionary chunk without nulls contributes its dictionary (classified once)
    and takes its rows' columns from it.
    """
    pa = pyarrow()
    pieces, takes = [], []
    for chunk in chunks.chunks:
        if pa.types.is_dictionary(chunk.type) and chunk.null_count == 0:
            pieces.append(_plain(chunk.dictionary))
            takes.append(chunk.indices)
            continue
        if pa.types.is_dictionary(chunk.type):
            chunk = chunk.dictionary_decode()
        pieces.append(_plain(chunk))
        takes.append(None)
    schema = pa.schema(number_fields())
    batches = [
        pa.RecordBatch.from_arrays(
            cols if take is None else [c.take(take) for c in cols], schema=schema
        )
        for cols, take in zip(columns_of(pieces), takes, strict=True)
    ]
    return pa.Table.from_batches(batches, schema=schema)


def classify_numbers(
    numbers: Any,
    *,
    classifier: Classifier | None = None,
    channel: Channel | str = Channel.CALL,
    direction: Direction | str = Direction.INCOMING,
    expect_international: bool = False,
) -> Any:
    """Classify a column of caller IDs into a ``pyarrow.Table`` of verdict columns.

    Row ``i`` of the result is the verdict of ``numbers[i]``, as
    :meth:`fraudnum.Classifier.classify` gives it (``reasons`` are its ``codes``).

    Args:
        numbers: an Arrow array or chunked array of strings or integers, or
            anything pyarrow reads as one (list, pandas or Polars Series).
        classifier: the classifier to use (default: the built-in rules).
        channel: as for :meth:`fraudnum.Classifier.classify`.
        direction: as for :meth:`fraudnum.Classifier.classify`.
        expect_international: as for :meth:`fraudnum.Classifier.classify`.

    Returns:
        A table with :func:`number_schema`, one row per input, chunked like it.

    Raises:
        ImportError: pyarrow is not installed.
        TypeError: the values are neither strings nor integers.
        ValueError: ``channel`` or ``direction`` is not a known value, or a value is
            not UTF-8.

    Example:
        >>> t = classify_numbers(["95588", None])
        >>> t.column("risk").to_pylist(), t.column("reasons").to_pylist()[1]
        (['trusted', 'medium'], ['no_value', 'hidden_caller'])
    """
    clf = classifier or default_classifier()

    def columns_of(pieces: list[Any]) -> list[list[Any]]:
        return number_column_chunks(
            clf,
            pieces,
            channel=channel,
            direction=direction,
            expect_international=expect_international,
        )

    return _number_table(_chunked(numbers, "numbers"), columns_of)


def classify_sms(texts: Any, senders: Any = None, *, classifier: Classifier | None = None) -> Any:
    """Classify a column of SMS texts into a ``pyarrow.Table`` of verdict columns.

    Row ``i`` is the verdict of ``classify_sms(texts[i], sender=senders[i])``.

    Args:
        texts: an Arrow array or chunked array of strings, or anything pyarrow
            reads as one.
        senders: the senders' numbers, one per text (null: unknown), or None.
        classifier: the classifier to use (default: the built-in rules).

    Returns:
        A table with :func:`sms_schema`, one row per text, chunked like ``texts``.

    Raises:
        ImportError: pyarrow is not installed.
        TypeError: the values are not strings.
        ValueError: ``senders`` does not have one entry per text.

    Example:
        >>> t = classify_sms(["【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证"])
        >>> t.column("category").to_pylist(), t.column("blockable").to_pylist()
        (['fraud'], [True])
    """
    clf = classifier or default_classifier()
    text_chunks = _chunked(texts, "texts")
    if senders is None:
        return _table(text_chunks, sms_fields(), lambda c: sms_columns(clf, c))
    sender_arr = _chunked(senders, "senders")
    if len(sender_arr) != len(text_chunks):
        raise ValueError(f"senders has {len(sender_arr)} entries for {len(text_chunks)} texts")
    pa = pyarrow()
    # Align the senders to the texts' chunks (zero-copy slices).
    out = []
    offset = 0
    schema = pa.schema(sms_fields())
    for chunk in text_chunks.chunks:
        s = sender_arr.slice(offset, len(chunk)).combine_chunks()
        if pa.types.is_dictionary(s.type):
            s = s.dictionary_decode()
        offset += len(chunk)
        t = chunk.dictionary_decode() if pa.types.is_dictionary(chunk.type) else chunk
        out.append(pa.RecordBatch.from_arrays(sms_columns(clf, _plain(t), s), schema=schema))
    return pa.Table.from_batches(out, schema=schema)


def _append(data: Any, verdicts: Any, prefix: str) -> Any:
    """``data`` (Table or RecordBatch) with the verdict columns appended, names prefixed."""
    pa = pyarrow()
    fields = [f.with_name(prefix + f.name) for f in verdicts.schema]
    clash = sorted({f.name for f in fields} & set(data.column_names))
    if clash:
        raise ValueError(f"the input already has columns {clash}; pass another prefix")
    if isinstance(data, pa.RecordBatch):
        cols = [*data.columns, *(c.combine_chunks() for c in verdicts.columns)]
        return pa.RecordBatch.from_arrays(cols, schema=pa.schema([*data.schema, *fields]))
    for field, col in zip(fields, verdicts.columns, strict=True):
        data = data.append_column(field, col)
    return data


def _column(data: Any, name: str) -> Any:
    if name not in data.column_names:
        raise ValueError(f"no column {name!r}; the columns are {data.column_names}")
    return data.column(name)


def add_number_verdicts(
    data: Any,
    column: str,
    *,
    prefix: str = "",
    classifier: Classifier | None = None,
    channel: Channel | str = Channel.CALL,
    direction: Direction | str = Direction.INCOMING,
    expect_international: bool = False,
) -> Any:
    """A table (or record batch) with the verdict columns of its ``column`` of numbers appended.

    Args:
        data: a ``pyarrow.Table`` or ``RecordBatch``.
        column: the name of the caller-ID column.
        prefix: put before each verdict column's name (``"caller_"`` gives ``caller_risk``).
        classifier: the classifier to use (default: the built-in rules).
        channel: as for :meth:`fraudnum.Classifier.classify`.
        direction: as for :meth:`fraudnum.Classifier.classify`.
        expect_international: as for :meth:`fraudnum.Classifier.classify`.

    Returns:
        The same type as ``data``.

    Raises:
        ValueError: there is no such column, or a verdict column's name is taken.
        TypeError: the column holds neither strings nor integers.
    """
    verdicts = classify_numbers(
        _column(data, column),
        classifier=classifier,
        channel=channel,
        direction=direction,
        expect_international=expect_international,
    )
    return _append(data, verdicts, prefix)


def add_sms_verdicts(
    data: Any,
    text_column: str,
    *,
    sender_column: str | None = None,
    prefix: str = "",
    classifier: Classifier | None = None,
) -> Any:
    """A table (or record batch) with the SMS verdict columns of ``text_column`` appended.

    Args:
        data: a ``pyarrow.Table`` or ``RecordBatch``.
        text_column: the name of the message-text column.
        sender_column: the name of the sender column, if any.
        prefix: put before each verdict column's name.
        classifier: the classifier to use (default: the built-in rules).

    Returns:
        The same type as ``data``.

    Raises:
        ValueError: there is no such column, or a verdict column's name is taken.
        TypeError: a column does not hold strings.
    """
    senders = None if sender_column is None else _column(data, sender_column)
    verdicts = classify_sms(_column(data, text_column), senders, classifier=classifier)
    return _append(data, verdicts, prefix)

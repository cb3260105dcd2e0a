"""Verdict columns for Spark DataFrames, computed a whole Arrow batch at a time.

Both functions run one scalar Arrow UDF (iterator form) over the number or text
column: only that column travels to Python and only the verdict columns travel
back; the DataFrame's other columns stay in the JVM. Returning the whole row
through ``mapInArrow`` cost the width of the table on every row; strings cost
the most, so the caller may pick the verdict columns it needs and take the
enum columns as small integer codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from fraudnum.arrow._columns import number_columns, pyarrow, sms_columns
from fraudnum.classifier import Classifier, default_classifier
from fraudnum.spark._ship import payload, pyspark_sql, worker_classifier
from fraudnum.types import Channel, Direction, NumberKind, Risk, SmsCategory, Tier

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = [
    "NUMBER_COLUMNS",
    "SMS_COLUMNS",
    "add_number_verdicts",
    "add_sms_verdicts",
    "labels",
]

#: The verdict columns of a number, in their order: the default of ``columns``.
NUMBER_COLUMNS: tuple[str, ...] = ("kind", "risk", "tier", "reasons", "blockable")
#: The verdict columns of an SMS, in their order.
SMS_COLUMNS: tuple[str, ...] = ("category", "risk", "reasons", "tags", "blockable")

_ENUMS: dict[str, tuple[Any, ...]] = {
    "kind": tuple(NumberKind),
    "risk": tuple(Risk),
    "tier": tuple(Tier),
    "category": tuple(SmsCategory),
}


def labels(column: str) -> tuple[str, ...]:
    """What the integer codes of an enum column stand for: code ``i`` is ``labels(column)[i]``.

    ``column`` is ``"kind"``, ``"risk"``, ``"tier"`` or ``"category"`` (without
    the prefix). Risk codes follow the risk order (``trusted`` 0, ``low`` 1,
    ``medium`` 2, ``high`` 3), so ``risk >= 2`` means medium or worse.

    Raises:
        ValueError: ``column`` is not an enum column.
    """
    members = _ENUMS.get(column)
    if members is None:
        raise ValueError(f"{column!r} is not an enum column; they are {sorted(_ENUMS)}")
    return tuple(m.value for m in members)


def _wanted(columns: Sequence[str] | None, known: tuple[str, ...]) -> tuple[str, ...]:
    if columns is None:
        return known
    if isinstance(columns, str):
        raise TypeError("columns must be a sequence of column names, not one string")
    unknown = [c for c in columns if c not in known]
    if unknown or not columns:
        raise ValueError(f"columns must be some of {list(known)}, got {list(columns)}")
    return tuple(c for c in known if c in columns)  # always in the documented order


def _spark_type(name: str, codes: bool) -> Any:
    types = pyspark_sql().types
    if name in ("reasons", "tags"):
        return types.ArrayType(types.StringType(), containsNull=False)
    if name == "blockable":
        return types.BooleanType()
    return types.ByteType() if codes else types.StringType()


def _out_column(name: str, column: Any, codes: bool) -> Any:
    """A verdict column as Spark takes it: enum columns as codes or decoded strings."""
    pa = pyarrow()
    if pa.types.is_dictionary(column.type):
        return column.indices if codes else column.dictionary_decode()
    return column


def _run(
    df: DataFrame,
    inputs: Sequence[str],
    wanted: tuple[str, ...],
    prefix: str,
    codes: bool,
    clf: Classifier,
    verdicts: Callable[[Classifier, Sequence[Any]], dict[str, Any]],
) -> DataFrame:
    """``df`` with the ``wanted`` columns of ``verdicts`` (run per Arrow batch) appended."""
    sql = pyspark_sql()
    types, F = sql.types, sql.functions
    for name in inputs:
        if name not in df.columns:
            raise ValueError(f"no column {name!r}; the columns are {df.columns}")
    clash = sorted({prefix + c for c in wanted} & set(df.columns))
    if clash:
        raise ValueError(f"the DataFrame already has columns {clash}; pass another prefix")
    spark = df.sparkSession
    shared = spark.sparkContext.broadcast(payload(spark, clf))
    struct = types.StructType(
        [types.StructField(c, _spark_type(c, codes), nullable=False) for c in wanted]
    )
    pa = pyarrow()
    several = len(inputs) > 1

    def job(batches: Iterator[Any]) -> Iterator[Any]:
        worker_clf = worker_classifier(shared.value)
        for batch in batches:
            arrays = batch if several else (batch,)
            got = verdicts(worker_clf, arrays)
            yield pa.StructArray.from_arrays(
                [_out_column(c, got[c], codes) for c in wanted], names=list(wanted)
            )

    # The UDF's kind is read from its hints: an iterator of arrays (or of tuples of them).
    array: Any = pa.Array
    item: Any = tuple.__class_getitem__((array,) * len(inputs)) if several else array
    job.__annotations__ = {"batches": Iterator[item], "return": Iterator[array]}
    udf = F.arrow_udf(job, struct)
    tmp = "__fraudnum_verdict"
    while tmp in df.columns:
        tmp += "_"
    out = df.withColumn(tmp, udf(*[F.col(f"`{c}`") for c in inputs]))
    fields = [F.col(f"`{tmp}`.`{c}`").alias(prefix + c) for c in wanted]
    return out.select(*[F.col(f"`{c}`") for c in df.columns], *fields)


def add_number_verdicts(
    df: DataFrame,
    column: str,
    *,
    prefix: str = "",
    columns: Sequence[str] | None = None,
    codes: bool = False,
    classifier: Classifier | None = None,
    channel: Channel | str = Channel.CALL,
    direction: Direction | str = Direction.INCOMING,
    expect_international: bool = False,
) -> DataFrame:
    """``df`` with the verdict columns of its ``column`` of caller IDs appended.

    The columns (each name after ``prefix``) are those of
    :func:`fraudnum.arrow.add_number_verdicts`: ``kind``, ``risk``, ``tier``
    (strings), ``reasons`` (``array<string>``, the deciding one first) and
    ``blockable`` (boolean), none of them null. Lazy, like any transformation.

    Ask for only the columns you need (``columns=["risk", "blockable"]``) and take
    the enum columns as codes (``codes=True``: ``tinyint``, decoded by
    :func:`labels`) for the cheapest job: strings and string arrays are what
    costs most between Python and the JVM.

    Args:
        df: a Spark DataFrame.
        column: the name of its caller-ID column (strings, or integers).
        prefix: put before each verdict column's name.
        columns: the verdict columns wanted (default: all of
            :data:`fraudnum.spark.NUMBER_COLUMNS`); they come in that order whatever
            the order given.
        codes: enum columns as ``tinyint`` codes (``labels("risk")[code]``)
            instead of strings.
        classifier: the classifier (default: the built-in rules); broadcast once.
        channel: as for :meth:`fraudnum.Classifier.classify`.
        direction: as for :meth:`fraudnum.Classifier.classify`.
        expect_international: as for :meth:`fraudnum.Classifier.classify`.

    Raises:
        ImportError: pyspark or pyarrow is not installed.
        ValueError: no such column, an unknown verdict column, or a verdict
            column's name is taken.
    """
    wanted = _wanted(columns, NUMBER_COLUMNS)
    options: dict[str, Any] = {
        "channel": channel,
        "direction": direction,
        "expect_international": expect_international,
    }

    def verdicts(clf: Classifier, arrays: Sequence[Any]) -> dict[str, Any]:
        if "reasons" in wanted:
            return dict(zip(NUMBER_COLUMNS, number_columns(clf, arrays[0], **options), strict=True))
        return _number_codes(clf, arrays[0], options)

    clf = classifier or default_classifier()
    return _run(df, [column], wanted, prefix, codes, clf, verdicts)


def _number_codes(clf: Classifier, numbers: Any, options: dict[str, Any]) -> dict[str, Any]:
    """The verdict columns but the reasons, straight from the batch's integer columns."""
    import numpy as np

    pa = pyarrow()
    batch = clf.classify_batch(pa.compute.fill_null(numbers, ""), **options)
    cols = batch.columns
    out: dict[str, Any] = {}
    for name, values in (("kind", cols.kind), ("risk", cols.risk), ("tier", cols.tier)):
        # Batch codes are enum positions (fraudnum.numbers.columns), as are ours.
        dictionary = pa.array(labels(name), pa.string())
        indices = pa.array(np.asarray(values, np.int8))
        out[name] = pa.DictionaryArray.from_arrays(indices, dictionary)
    never = _ENUMS["tier"].index(Tier.NEVER_BLOCK)
    out["blockable"] = pa.array(np.asarray(cols.tier) != never, pa.bool_())
    return out


def add_sms_verdicts(
    df: DataFrame,
    text_column: str,
    *,
    sender_column: str | None = None,
    prefix: str = "",
    columns: Sequence[str] | None = None,
    codes: bool = False,
    classifier: Classifier | None = None,
) -> DataFrame:
    """``df`` with the SMS verdict columns of its ``text_column`` appended.

    The columns are those of :func:`fraudnum.arrow.add_sms_verdicts`:
    ``category``, ``risk`` (strings, or codes with ``codes=True``), ``reasons``,
    ``tags`` (``array<string>``) and ``blockable``.

    Args:
        df: a Spark DataFrame.
        text_column: the name of its message-text column.
        sender_column: the name of its sender column, if any.
        prefix: put before each verdict column's name.
        columns: the verdict columns wanted (default: all of
            :data:`fraudnum.spark.SMS_COLUMNS`).
        codes: enum columns as ``tinyint`` codes (see :func:`labels`).
        classifier: the classifier (default: the built-in rules); broadcast once.

    Raises:
        ImportError: pyspark or pyarrow is not installed.
        ValueError: no such column, an unknown verdict column, or a verdict
            column's name is taken.
    """
    wanted = _wanted(columns, SMS_COLUMNS)

    def verdicts(clf: Classifier, arrays: Sequence[Any]) -> dict[str, Any]:
        senders = arrays[1] if len(arrays) > 1 else None
        return dict(zip(SMS_COLUMNS, sms_columns(clf, arrays[0], senders), strict=True))

    clf = classifier or default_classifier()
    names = [text_column] if sender_column is None else [text_column, sender_column]
    return _run(df, names, wanted, prefix, codes, clf, verdicts)

"""Call patterns on Spark: the local detector's kernel, run per key on key-sorted partitions.

A pattern's windows are per key (the caller for 响一声 or 恶意群呼, the victim for
呼死你), and a window's finding depends only on that key's records. So the
records are split the way the patterns are keyed and each split runs the very
kernel of :class:`fraudnum.calls.CallDetector`:

1. one narrow pass (``mapInArrow``) reads the records as the local detector reads
   them (:func:`fraudnum.calls.to_columns`: every written form of a number becomes
   one integer code, timestamps become seconds, bad rows are refused), and emits
   each record once per key the patterns use, tagged with that key's code;
2. one shuffle partitions the records by that tag and sorts each partition by it,
   and a second ``mapInArrow`` hands the detector whole runs of keys at once: a
   batch is cut after its last complete key, whose records wait for the next
   batch. Many keys go to each call, so the cost per key is the kernel's, not a
   Python call per group (which ``groupBy().applyInArrow`` would be).

Partitioning by the code, not by the text, keeps ``+86 139…`` and ``139…`` one
caller, as locally.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from fraudnum.arrow._columns import pyarrow
from fraudnum.calls import CallColumns, CallDetector, CallFinding, PatternRule, to_columns
from fraudnum.classifier import Classifier, default_classifier
from fraudnum.spark._ship import once_per_worker, payload, pyspark_sql, worker_classifier

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["FINDING_COLUMNS", "detect_call_patterns"]

#: The columns of :func:`detect_call_patterns`' output, in order.
FINDING_COLUMNS: tuple[str, ...] = (
    "pattern",
    "key",
    "number",
    "risk",
    "window_start",
    "window_end",
    "first_call",
    "last_call",
    "calls",
    "distinct",
    "unanswered",
    "short",
    "ring_median",
    "talk_mean",
    "segment",
    "segment_callees",
    "pretty_callees",
    "called_back",
    "parties",
    "caller_risk",
    "reasons",
    "reasons_zh",
    "reasons_en",
)
_STRINGS = ("pattern", "key", "number", "risk")
_SECONDS = ("window_start", "window_end", "first_call", "last_call", "ring_median", "talk_mean")
_COUNTS = (
    "calls",
    "distinct",
    "unanswered",
    "short",
    "segment_callees",
    "pretty_callees",
    "called_back",
)
_LISTS = ("parties", "reasons", "reasons_zh", "reasons_en")
_NULLABLE = ("segment", "caller_risk")

# The coded records between the two passes: ``split`` is the key's code with the key's
# kind in bit 62 (number codes use 62 bits), so one sort puts each kind's keys together.
_CODED = (
    ("split", "LongType"),
    ("caller", "LongType"),
    ("callee", "LongType"),
    ("start", "DoubleType"),
    ("ring_s", "FloatType"),
    ("answered", "BooleanType"),
    ("talk_s", "FloatType"),
    ("called_back", "ByteType"),
)
_KEYS = ("caller", "callee")
_KIND_SHIFT = 62


def _column_class(name: str) -> str:
    """What a finding column holds: seconds, a count, a list of strings or a string."""
    if name in _SECONDS:
        return "seconds"
    if name in _COUNTS:
        return "count"
    return "list" if name in _LISTS else "string"


def _finding_schema() -> Any:
    types = pyspark_sql().types
    of = {
        "seconds": types.DoubleType(),
        "count": types.LongType(),
        "list": types.ArrayType(types.StringType(), containsNull=False),
        "string": types.StringType(),
    }
    return types.StructType(
        [
            types.StructField(name, of[_column_class(name)], nullable=name in _NULLABLE)
            for name in FINDING_COLUMNS
        ]
    )


def _arrow_finding_schema() -> Any:
    pa = pyarrow()
    of = {
        "seconds": pa.float64(),
        "count": pa.int64(),
        "list": pa.list_(pa.field("item", pa.string(), nullable=False)),
        "string": pa.string(),
    }
    return pa.schema(
        [
            pa.field(name, of[_column_class(name)], nullable=name in _NULLABLE)
            for name in FINDING_COLUMNS
        ]
    )


def finding_row(f: CallFinding) -> dict[str, Any]:
    """One finding as a row of :data:`fraudnum.spark.FINDING_COLUMNS` (what a Spark row holds)."""
    row: dict[str, Any] = {name: getattr(f, name) for name in (*_SECONDS, *_COUNTS)}
    row.update(
        pattern=f.pattern,
        key=f.key,
        number=f.number,
        risk=f.risk.value,
        segment=f.segment,
        parties=list(f.parties),
        caller_risk=None if f.caller_verdict is None else f.caller_verdict.risk.value,
        reasons=list(f.codes),
        reasons_zh=[r.zh for r in f.reasons],
        reasons_en=[r.en for r in f.reasons],
    )
    return {name: row[name] for name in FINDING_COLUMNS}


# -- the detector on the workers ----------------------------------------------------------

_WORKER_DETECTORS: dict[bytes, CallDetector] = {}


def _build_detector(data: bytes) -> CallDetector:
    clf_bytes, rules = pickle.loads(data)  # our own bytes, from the driver
    return CallDetector(patterns=rules, classifier=worker_classifier(clf_bytes))


def _worker_detector(data: bytes) -> CallDetector:
    return once_per_worker(_WORKER_DETECTORS, data, _build_detector)


# -- the two passes -----------------------------------------------------------------------


def _coded_batches(batches: Iterable[Any], keys: tuple[str, ...]) -> Iterator[Any]:
    """Records as the local detector reads them, once per key the patterns use.

    Numbers become their signed 64-bit codes; each record is emitted once for each
    of ``keys``, with that key's code (and kind) as its ``split`` value.
    """
    import numpy as np

    pa = pyarrow()
    for batch in batches:
        cols = to_columns(batch)
        rest = [
            pa.array(cols.caller.view(np.int64)),
            pa.array(cols.callee.view(np.int64)),
            pa.array(cols.start),
            pa.array(cols.ring_s),
            pa.array(cols.answered),
            pa.array(cols.talk_s),
            pa.array(cols.called_back),
        ]
        for key in keys:
            kind = np.int64(_KEYS.index(key)) << np.int64(_KIND_SHIFT)
            split = getattr(cols, key).view(np.int64) | kind
            yield pa.RecordBatch.from_arrays(
                [pa.array(split), *rest], names=[name for name, _ in _CODED]
            )


def _columns_of(table: Any) -> CallColumns:
    """Coded records back into the detector's numpy columns."""
    import numpy as np

    def col(name: str, dtype: str) -> Any:
        return np.asarray(table.column(name).to_numpy(), dtype=dtype)

    return CallColumns(
        col("caller", "int64").view(np.uint64),
        col("callee", "int64").view(np.uint64),
        col("start", "float64"),
        col("ring_s", "float32"),
        col("answered", "bool"),
        col("talk_s", "float32"),
        col("called_back", "int8"),
    )


def _key_runs(batches: Iterable[Any]) -> Iterator[Any]:
    """Batches sorted by ``split`` regrouped into tables that split no key."""
    import numpy as np

    pa = pyarrow()
    held: list[Any] = []
    held_key: int | None = None
    for batch in batches:
        if batch.num_rows == 0:
            continue
        keys = np.asarray(batch.column(0).to_numpy(), dtype=np.int64)
        last = int(keys[-1])
        if held_key == last:  # sorted: the whole batch is the held key
            held.append(batch)
            continue
        # The last key may go on in the next batch: its records wait.
        cut = int(np.searchsorted(keys, last, side="left"))
        ready = [*held, batch.slice(0, cut)] if cut else held
        if ready:
            yield pa.Table.from_batches(ready).combine_chunks()
        held, held_key = [batch.slice(cut)], last
    if held:
        yield pa.Table.from_batches(held).combine_chunks()


def _findings_batches(batches: Iterable[Any], data: bytes) -> Iterator[Any]:
    """The findings of key-sorted coded records: the local kernel on whole keys."""
    import numpy as np

    pa = pyarrow()
    detector = _worker_detector(data)
    schema = _arrow_finding_schema()
    for run in _key_runs(batches):
        split = np.asarray(run.column(0).to_numpy(), dtype=np.int64)
        # Sorted: the caller-keyed records (kind 0) come before the victim-keyed ones.
        at = int(np.searchsorted(split, np.int64(1) << np.int64(_KIND_SHIFT)))
        found: list[CallFinding] = []
        for key, part in (("caller", run.slice(0, at)), ("callee", run.slice(at))):
            if part.num_rows:
                found += detector.detect(_columns_of(part), keys=[key])
        if found:
            rows = [finding_row(f) for f in found]
            yield from pa.Table.from_pylist(rows, schema=schema).to_batches()


def _input_columns(df: DataFrame, names: dict[str, str | None], optional: set[str]) -> list[Any]:
    F = pyspark_sql().functions
    out = []
    for std, name in names.items():
        if name is None:
            continue
        if name not in df.columns:
            if std in optional and name == std:
                continue  # an optional column left at its default name and absent
            raise ValueError(f"no column {name!r} (for {std}); the columns are {df.columns}")
        out.append(F.col(f"`{name}`").alias(std))
    return out


def detect_call_patterns(
    df: DataFrame,
    *,
    caller: str = "caller",
    callee: str = "callee",
    start: str = "start",
    ring_s: str = "ring_s",
    answered: str = "answered",
    talk_s: str | None = "talk_s",
    called_back: str | None = "called_back",
    patterns: str | os.PathLike[str] | Iterable[PatternRule] | None = None,
    classifier: Classifier | None = None,
    partitions: int | None = None,
) -> DataFrame:
    """The call patterns of a DataFrame of call records, one row per finding.

    The same findings as :meth:`fraudnum.calls.CallDetector.detect` on the same
    records (sort by ``window_start, pattern, key, number`` for its order). The
    columns are :data:`fraudnum.spark.FINDING_COLUMNS`: those of
    :class:`~fraudnum.calls.CallFinding` (times in seconds since the epoch,
    ``parties`` as ``array<string>``), ``caller_risk`` (the risk of the caller's
    own verdict, null for a hidden caller), ``reasons`` (the reason codes) and
    their texts, ``reasons_zh`` and ``reasons_en``. Lazy, like any
    transformation.

    Args:
        df: a Spark DataFrame of call records, in any order.
        caller: the column of calling numbers (strings or integers).
        callee: the column of called numbers.
        start: the column of start times (timestamps, or seconds since the epoch).
        ring_s: the column of ring durations, seconds.
        answered: the column of booleans: was the call answered.
        talk_s: the column of talk durations, optional (None: not used; at its
            default name, used if the DataFrame has it).
        called_back: the column saying whether the callee called back, optional
            like ``talk_s``.
        patterns: the pattern table, as for :class:`~fraudnum.calls.CallDetector`
            (read here, on the driver, and shipped as rows).
        classifier: judges the callers (default: the built-in rules); broadcast once.
        partitions: how many partitions to split the records into by key
            (default: ``spark.sql.shuffle.partitions``).

    Raises:
        ImportError: pyspark or pyarrow is not installed.
        ValueError: a column is missing (a row with a missing or invalid value
            fails the job, the message naming the field).
        fraudnum.TableError: the patterns file is invalid.
    """
    sql = pyspark_sql()
    types = sql.types
    clf = classifier or default_classifier()
    detector = CallDetector(patterns=patterns, classifier=clf)  # checks the table here
    names = {
        "caller": caller,
        "callee": callee,
        "start": start,
        "ring_s": ring_s,
        "answered": answered,
        "talk_s": talk_s,
        "called_back": called_back,
    }
    records = df.select(*_input_columns(df, names, {"talk_s", "called_back"}))
    coded_schema = types.StructType(
        [types.StructField(name, getattr(types, t)(), nullable=False) for name, t in _CODED]
    )
    keys = tuple(k for k in _KEYS if any(p.key == k for p in detector.patterns))
    spark = df.sparkSession
    schema = _finding_schema()
    if not keys:  # a table with no patterns finds nothing
        return spark.createDataFrame([], schema)

    def code(batches: Iterator[Any]) -> Iterator[Any]:
        return _coded_batches(batches, keys)

    coded = records.mapInArrow(code, coded_schema)
    shared = spark.sparkContext.broadcast(pickle.dumps((payload(spark, clf), detector.patterns)))

    def find(batches: Iterator[Any]) -> Iterator[Any]:
        return _findings_batches(batches, shared.value)

    # One shuffle for both keys: each record once per key, partitioned and sorted by it.
    split = (
        coded.repartition("split") if partitions is None else coded.repartition(partitions, "split")
    )
    return split.sortWithinPartitions("split").mapInArrow(find, schema)

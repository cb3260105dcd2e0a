"""Verdict columns for Spark DataFrames, computed a whole Arrow batch at a time.

For jobs one machine cannot hold (a country's call records, years of SMS): the
functions here take a DataFrame and column names and return it with the verdict
columns of :mod:`fraudnum.arrow` appended (enum columns as strings, reason codes
and tags as ``array<string>``). They run on ``DataFrame.mapInArrow``, so each
executor hands whole Arrow record batches to the batch path: no Python object
per row crosses between the JVM and Python.

- The classifier is broadcast once (it pickles as the user's rules and
  phrases, a few hundred bytes without them) and rebuilt once per Python worker,
  not per batch or task.
- A :class:`fraudnum.tags.TagStore` given to the classifier is shipped as a file
  with ``SparkContext.addFile`` and memory-mapped on each worker (checked against
  the driver's header checksum), so workers share its pages instead of each
  receiving a copy.
- Call-pattern detection is not here yet.

Install with ``pip install 'fraudnum[spark]'``. Example::

    from fraudnum.spark import add_number_verdicts
    out = add_number_verdicts(spark.read.parquet("calls/"), "caller", prefix="caller_")
    out.filter("caller_risk = 'high'").write.parquet("high-risk/")
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from fraudnum.arrow import add_number_verdicts as _arrow_numbers
from fraudnum.arrow import add_sms_verdicts as _arrow_sms
from fraudnum.arrow._columns import number_fields, pyarrow, sms_fields
from fraudnum.classifier import Classifier, default_classifier
from fraudnum.tags import TagStore
from fraudnum.types import Channel, Direction

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["add_number_verdicts", "add_sms_verdicts"]


def _pyspark_sql() -> Any:
    try:
        import pyspark.sql as sql
    except ImportError as e:
        raise ImportError("fraudnum.spark needs pyspark: pip install 'fraudnum[spark]'") from e
    return sql


# -- the classifier on the workers ----------------------------------------------------

# One classifier per Python worker and payload: Spark reuses its Python workers
# between tasks, so the tables are built once per worker, not once per task.
_WORKER_CLASSIFIERS: dict[bytes, Classifier] = {}
_WORKER_LOCK = threading.Lock()
# Store files already given to addFile, per SparkContext (adding one twice warns).
_SHIPPED: set[tuple[int, str]] = set()


def _payload(spark: Any, clf: Classifier) -> bytes:
    """The classifier as bytes for the workers, its tag store shipped as a file."""
    state = clf.__getstate__()
    tags = state.pop("tags", None)
    store = None
    if isinstance(tags, TagStore):
        # A store pickles as (reopen, (path, header checksum, backend)): the path is
        # the driver's, so the file travels with addFile and is reopened by name.
        reopen, (path, crc, backend) = tags.__reduce__()
        sc = spark.sparkContext
        key = (id(sc), path)
        if key not in _SHIPPED:
            sc.addFile(path)
            _SHIPPED.add(key)
        store = (reopen, os.path.basename(path), crc, backend)
    else:
        state["tags"] = tags  # another CrowdMarks object travels by its own pickling
    return pickle.dumps((state, store))


def _worker_classifier(payload: bytes) -> Classifier:
    key = hashlib.sha256(payload).digest()
    clf = _WORKER_CLASSIFIERS.get(key)
    if clf is None:
        with _WORKER_LOCK:
            clf = _WORKER_CLASSIFIERS.get(key)
            if clf is None:
                clf = _WORKER_CLASSIFIERS[key] = _rebuild(payload)
    return clf


def _rebuild(payload: bytes) -> Classifier:
    state, store = pickle.loads(payload)  # our own bytes, from the driver
    if store is not None:
        from pyspark import SparkFiles

        reopen, name, crc, backend = store
        state["tags"] = reopen(SparkFiles.get(name), crc, backend)
    clf = Classifier.__new__(Classifier)
    clf.__setstate__(state)
    return clf


# -- the jobs ---------------------------------------------------------------------------


def _for_spark(batch: Any) -> Any:
    """A record batch as Spark takes it: the dictionary-encoded columns decoded."""
    pa = pyarrow()
    cols = [c.dictionary_decode() if pa.types.is_dictionary(c.type) else c for c in batch.columns]
    return pa.RecordBatch.from_arrays(cols, names=batch.schema.names)


def _spark_fields(fields: list[Any], prefix: str) -> list[Any]:
    """The Spark fields of the verdict columns."""
    types = _pyspark_sql().types
    pa = pyarrow()
    out = []
    for f in fields:
        if pa.types.is_list(f.type):
            t: Any = types.ArrayType(types.StringType(), containsNull=False)
        elif pa.types.is_boolean(f.type):
            t = types.BooleanType()
        else:
            t = types.StringType()
        out.append(types.StructField(prefix + f.name, t, nullable=False))
    return out


def _map(
    df: DataFrame,
    fields: list[Any],
    prefix: str,
    columns: list[str],
    run: Callable[[Classifier, Any], Any],
    clf: Classifier,
) -> DataFrame:
    types = _pyspark_sql().types
    for name in columns:
        if name not in df.columns:
            raise ValueError(f"no column {name!r}; the columns are {df.columns}")
    new = _spark_fields(fields, prefix)
    clash = sorted({f.name for f in new} & set(df.columns))
    if clash:
        raise ValueError(f"the DataFrame already has columns {clash}; pass another prefix")
    spark = df.sparkSession
    shared = spark.sparkContext.broadcast(_payload(spark, clf))

    def job(batches: Iterator[Any]) -> Iterator[Any]:
        worker_clf = _worker_classifier(shared.value)
        for batch in batches:
            yield _for_spark(run(worker_clf, batch))

    return df.mapInArrow(job, types.StructType([*df.schema.fields, *new]))


def add_number_verdicts(
    df: DataFrame,
    column: str,
    *,
    prefix: str = "",
    classifier: Classifier | None = None,
    channel: Channel | str = Channel.CALL,
    direction: Direction | str = Direction.INCOMING,
    expect_international: bool = False,
) -> DataFrame:
    """``df`` with the verdict columns of its ``column`` of caller IDs appended.

    The columns are those of :func:`fraudnum.arrow.add_number_verdicts`: ``kind``,
    ``risk``, ``tier`` (strings), ``reasons`` (``array<string>``) and
    ``blockable``, each name after ``prefix``. Lazy, like any transformation.

    Args:
        df: a Spark DataFrame.
        column: the name of its caller-ID column (strings, or integers).
        prefix: put before each verdict column's name.
        classifier: the classifier (default: the built-in rules); broadcast once.
        channel: as for :meth:`fraudnum.Classifier.classify`.
        direction: as for :meth:`fraudnum.Classifier.classify`.
        expect_international: as for :meth:`fraudnum.Classifier.classify`.

    Raises:
        ImportError: pyspark or pyarrow is not installed.
        ValueError: no such column, or a verdict column's name is taken.
    """

    def run(clf: Classifier, batch: Any) -> Any:
        return _arrow_numbers(
            batch,
            column,
            prefix=prefix,
            classifier=clf,
            channel=channel,
            direction=direction,
            expect_international=expect_international,
        )

    clf = classifier or default_classifier()
    return _map(df, number_fields(), prefix, [column], run, clf)


def add_sms_verdicts(
    df: DataFrame,
    text_column: str,
    *,
    sender_column: str | None = None,
    prefix: str = "",
    classifier: Classifier | None = None,
) -> DataFrame:
    """``df`` with the SMS verdict columns of its ``text_column`` appended.

    The columns are those of :func:`fraudnum.arrow.add_sms_verdicts`:
    ``category``, ``risk``, ``reasons``, ``tags`` and ``blockable``.

    Args:
        df: a Spark DataFrame.
        text_column: the name of its message-text column.
        sender_column: the name of its sender column, if any.
        prefix: put before each verdict column's name.
        classifier: the classifier (default: the built-in rules); broadcast once.

    Raises:
        ImportError: pyspark or pyarrow is not installed.
        ValueError: no such column, or a verdict column's name is taken.
    """

    def run(clf: Classifier, batch: Any) -> Any:
        return _arrow_sms(
            batch, text_column, sender_column=sender_column, prefix=prefix, classifier=clf
        )

    clf = classifier or default_classifier()
    names = [text_column] if sender_column is None else [text_column, sender_column]
    return _map(df, sms_fields(), prefix, names, run, clf)

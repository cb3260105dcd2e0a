"""fraudnum on Spark DataFrames: verdict columns and call patterns, an Arrow batch at a time.

For jobs one machine cannot hold (a country's call records, years of SMS): the
functions here take a DataFrame and column names and return a DataFrame.

- :func:`add_number_verdicts` and :func:`add_sms_verdicts` append the verdict
  columns of :mod:`fraudnum.arrow` (enum columns as strings, or as ``tinyint``
  codes decoded by :func:`labels`; reason codes and tags as ``array<string>``),
  computed by a scalar Arrow UDF: only the classified column goes to Python.
  The classifier is broadcast once and rebuilt once per Python worker; a
  :class:`fraudnum.tags.TagStore` is shipped as a file and memory-mapped there.
- :func:`detect_call_patterns` finds the call patterns of :mod:`fraudnum.calls`
  (呼死你, 响一声, 恶意群呼 ...) in a DataFrame of call records, one row per
  finding, the same findings as the local detector: the records are split by
  the pattern's key and each split runs the local kernel.

Install with ``pip install 'fraudnum[spark]'``. Example::

    from fraudnum.spark import add_number_verdicts
    out = add_number_verdicts(spark.read.parquet("calls/"), "caller", prefix="caller_")
    out.filter("caller_risk = 'high'").write.parquet("high-risk/")
"""

from __future__ import annotations

from fraudnum.spark import _calls, _verdicts
from fraudnum.spark._calls import detect_call_patterns, finding_row
from fraudnum.spark._verdicts import add_number_verdicts, add_sms_verdicts, labels

__all__ = [
    "FINDING_COLUMNS",
    "NUMBER_COLUMNS",
    "SMS_COLUMNS",
    "add_number_verdicts",
    "add_sms_verdicts",
    "detect_call_patterns",
    "finding_row",
    "labels",
]

#: The verdict columns of a number, in their order (``columns=`` picks among them).
NUMBER_COLUMNS: tuple[str, ...] = _verdicts.NUMBER_COLUMNS
#: The verdict columns of an SMS, in their order.
SMS_COLUMNS: tuple[str, ...] = _verdicts.SMS_COLUMNS
#: The columns of :func:`detect_call_patterns`' output, in order.
FINDING_COLUMNS: tuple[str, ...] = _calls.FINDING_COLUMNS

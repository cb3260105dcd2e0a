"""Spark local[2]: fraudnum.spark vs row-at-a-time Python UDFs, same data, same session.

Usage::

    PYSPARK_PYTHON=$PWD/.venv/bin/python python benchmarks/bench_spark.py
    python benchmarks/bench_spark.py --numbers 1000000 --calls 1000000 --batch 10000

Verdicts: a table like call records (caller, callee, start, ring_s; 1 M rows from
Parquet, cached) gets the caller's verdict columns from ``fraudnum.spark`` (all
five as strings, all five as codes, only risk and blockable as codes) and from a
row UDF returning the same columns; two floors say what Spark's Arrow round trip
costs with no work at all (``mapInArrow`` returning every row as it came, and a
scalar Arrow UDF returning a constant ``tinyint``). Call patterns:
``fraudnum.spark.detect_call_patterns`` vs the local detector on the same records.

The variants run in rounds (one run of each per round, best of the rounds kept),
so a burst of load from the rest of the machine hits them alike. Besides wall
time, each row has the CPU seconds of the whole process tree (driver, JVM and
Python workers), less disturbed by other processes than wall time. Spark's
start-up is stated on its own row, not in the others.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyarrow as pa
import pyarrow.parquet as pq

import fraudnum
from benchmarks import Row, Timing
from benchmarks.corpus import numbers_corpus

__all__ = ["call_pattern_rows", "main", "session", "verdict_rows"]


def _tree_cpu() -> float:
    """CPU seconds used so far by this process and all its descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        # utime, stime, and the same of reaped children.
        times[int(entry)] = sum(int(x) for x in fields[11:15]) / tick
    me = os.getpid()
    total = 0.0
    for pid, t in times.items():
        p = pid
        while p > 1 and p != me:
            p = parents.get(p, 0)
        if p == me:
            total += t
    return total


def _rounds(
    runs: Mapping[str, Callable[[], object]], rounds: int
) -> dict[str, tuple[Timing, float]]:
    """Each run once per round; per run the wall timings and the least CPU seconds seen."""
    walls: dict[str, list[float]] = {k: [] for k in runs}
    cpus: dict[str, float] = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):
        for name, fn in runs.items():
            c0, t0 = _tree_cpu(), time.perf_counter()
            fn()
            walls[name].append(time.perf_counter() - t0)
            cpus[name] = min(cpus[name], _tree_cpu() - c0)
    return {k: (Timing(tuple(walls[k])), cpus[k]) for k in runs}


def session(batch: int) -> tuple[Any, float]:
    """A local[2] session (its workers run this interpreter) and its start-up seconds."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    t0 = time.perf_counter()
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("fraudnum-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.range(1).count()
    return spark, time.perf_counter() - t0


def _noop(frame: Any) -> None:
    frame.write.format("noop").mode("overwrite").save()


def _records_table(n: int) -> pa.Table:
    """Call records: distinct callers and callees of every kind, a day of start times."""
    import numpy as np

    rng = np.random.default_rng(7)
    callers = numbers_corpus(n, seed=20240601)
    callees = numbers_corpus(n, seed=20240602)
    return pa.table(
        {
            "caller": callers,
            "callee": callees,
            "start": np.sort(rng.uniform(1.7e9, 1.7e9 + 86400, n)),
            "ring_s": rng.exponential(8.0, n).astype(np.float32),
        }
    )


def verdict_rows(spark: Any, n: int, rounds: int, batch: int) -> list[Row]:
    """Caller verdicts on ``n`` call records: fraudnum.spark variants, row UDFs, floors."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from fraudnum.spark import add_number_verdicts

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "calls.parquet")
        pq.write_table(_records_table(n), path, row_group_size=131072)
        df = spark.read.parquet(path).repartition(4).cache()
        df.count()

        def identity(batches: Iterator[Any]) -> Iterator[Any]:
            yield from batches

        def constant(arrays: Iterator[Any]) -> Iterator[Any]:
            for a in arrays:
                yield pa.nulls(len(a), pa.int8()).fill_null(0)

        constant.__annotations__ = {"arrays": Iterator[pa.Array], "return": Iterator[pa.Array]}
        functions: Any = F  # arrow_udf (Spark 4.1) is not in the installed stubs
        const_udf = functions.arrow_udf(constant, T.ByteType())

        full = T.StructType(
            [
                T.StructField("kind", T.StringType()),
                T.StructField("risk", T.StringType()),
                T.StructField("tier", T.StringType()),
                T.StructField("reasons", T.ArrayType(T.StringType())),
                T.StructField("blockable", T.BooleanType()),
            ]
        )

        @F.udf(returnType=full, useArrow=False)  # the classic pickled row UDF
        def verdict(number: str | None) -> tuple[str, str, str, list[str], bool]:
            v = fraudnum.classify(number or "")
            codes = list(v.codes) if number is not None else ["no_value", *v.codes]
            return (v.kind.value, v.risk.value, v.tier.value, codes, v.blockable)

        small = T.StructType(
            [T.StructField("risk", T.StringType()), T.StructField("blockable", T.BooleanType())]
        )

        @F.udf(returnType=small, useArrow=False)
        def risk_only(number: str | None) -> tuple[str, bool]:
            v = fraudnum.classify(number or "")
            return (v.risk.value, v.blockable)

        names = {
            "floor: `mapInArrow` returning each row as it came": lambda: _noop(
                df.mapInArrow(identity, df.schema)
            ),
            "floor: scalar Arrow UDF returning a constant `tinyint`": lambda: _noop(
                df.withColumn("c", const_udf("caller"))
            ),
            "`add_number_verdicts` (default: 5 columns, enums as strings)": lambda: _noop(
                add_number_verdicts(df, "caller")
            ),
            "`add_number_verdicts(codes=True)` (5 columns, enums as tinyint)": lambda: _noop(
                add_number_verdicts(df, "caller", codes=True)
            ),
            '`add_number_verdicts(columns=["risk", "blockable"], codes=True)`': lambda: _noop(
                add_number_verdicts(df, "caller", columns=["risk", "blockable"], codes=True)
            ),
            "row UDF, the same 5 columns as strings": lambda: _noop(
                df.withColumn("v", verdict("caller")).select("*", "v.*").drop("v")
            ),
            "row UDF, risk and blockable only": lambda: _noop(
                df.withColumn("v", risk_only("caller")).select("*", "v.*").drop("v")
            ),
        }
        results = _rounds(names, rounds)
        df.unpersist()
    table = (
        f"Spark local[2], {n:,} call records (4 columns) from Parquet, caller verdicts, "
        f"Arrow batches of {batch:,}, best of {rounds} rounds"
    )
    base = "row UDF, the same 5 columns as strings"
    base_wall, base_cpu = results[base][0].best, results[base][1]
    rows = []
    for name, (timing, cpu) in results.items():
        rows.append(
            Row.timed(
                table,
                name,
                n,
                timing,
                baseline=None if name == base else base,
                **{
                    "CPU µs a row (all processes)": f"{cpu / n * 1e6:.2f}",
                    "row UDF ÷ this, wall / CPU": (
                        f"{base_wall / timing.best:.1f}× / {base_cpu / cpu:.1f}×"
                    ),
                },
            )
        )
    return rows


def call_pattern_rows(spark: Any, n: int, rounds: int) -> list[Row]:
    """Call patterns on ``n`` generated records: fraudnum.spark vs the local detector."""
    from fraudnum.calls import CallDetector, synthetic_traffic
    from fraudnum.spark import detect_call_patterns

    # The generator of benchmarks/bench_calls.py, in the CDR form: string numbers, timestamps.
    records = synthetic_traffic(n, seed=1).to_arrow()
    n = records.num_rows
    detector = CallDetector()
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "records.parquet")
        pq.write_table(records, path, row_group_size=131072)
        df = spark.read.parquet(path).repartition(4).cache()
        df.count()
        found: dict[str, int] = {}

        def local() -> None:
            found["local"] = len(detector.detect(records))

        def on_spark() -> None:
            found["spark"] = detect_call_patterns(df).count()

        results = _rounds(
            {
                "local `CallDetector().detect(table)` (one process)": local,
                "`fraudnum.spark.detect_call_patterns(df)` (local[2])": on_spark,
            },
            rounds,
        )
        df.unpersist()
    if found["local"] != found["spark"]:
        raise AssertionError(f"findings differ: {found}")
    table = (
        f"Call patterns, {n:,} generated call records ({found['local']:,} findings), "
        f"best of {rounds} rounds"
    )
    base = "local `CallDetector().detect(table)` (one process)"
    return [
        Row.timed(
            table,
            name,
            n,
            timing,
            baseline=None if name == base else base,
            **{"CPU µs a record (all processes)": f"{cpu / n * 1e6:.2f}"},
        )
        for name, (timing, cpu) in results.items()
    ]


def run(numbers: int, calls: int, rounds: int, batch: int) -> list[Row]:
    """Start a session, run both tables, stop it."""
    spark, startup = session(batch)
    rows = [
        Row(
            "Spark local[2]",
            "session start-up (JVM, first job), not in the rows below",
            extra={"seconds": f"{startup:.1f}"},
        )
    ]
    try:
        if numbers:
            rows += verdict_rows(spark, numbers, rounds, batch)
        if calls:
            rows += call_pattern_rows(spark, calls, rounds)
    finally:
        spark.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints Markdown tables."""
    from benchmarks.run import print_report

    ap = argparse.ArgumentParser(description="fraudnum.spark on local[2]")
    ap.add_argument("--numbers", type=int, default=1_000_000, help="call records (0: none)")
    ap.add_argument("--calls", type=int, default=1_000_000, help="records for call patterns")
    ap.add_argument("--rounds", type=int, default=3, help="rounds (best kept)")
    ap.add_argument("--batch", type=int, default=10_000, help="maxRecordsPerBatch")
    ns = ap.parse_args(argv)
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    print_report(run(ns.numbers, ns.calls, ns.rounds, ns.batch))
    print(f"load average after: {os.getloadavg()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

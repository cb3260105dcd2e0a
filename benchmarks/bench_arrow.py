"""Bulk paths: fraudnum.arrow vs classify_batch on a list vs a plain loop, and Spark.

Usage::

    python benchmarks/bench_arrow.py                       # 1 M numbers, 1 M SMS, no Spark
    python benchmarks/bench_arrow.py --numbers 10000000 --sms 200000
    python benchmarks/bench_arrow.py --spark --spark-numbers 1000000   # adds Spark local[2]

Inputs are like real traffic: caller IDs from ``benchmarks.corpus.numbers_corpus``
(every kind and range of the plan, written as logs write them, almost all
distinct) and messages from ``benchmarks.bench_sms.messages`` (chat, notices, ads
and scams of 60-80 characters). ``run.py`` runs the quick form (100 k numbers,
20 k messages, no Spark), so a full benchmark run stays short.

Each row is one run (the issue's "one run each"); the per-row cost column is the
row's time over the baseline's, the figure the targets are stated in.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyarrow as pa

import fraudnum
import fraudnum.arrow as fa
from benchmarks import Row, Timing, measure
from benchmarks.bench_sms import SENDERS, messages, user_pipeline
from benchmarks.corpus import numbers_corpus
from benchmarks.sms_mix import realistic_mix

__all__ = ["main", "run"]


def _numbers(n: int) -> list[str]:
    # numbers_corpus builds ~1 M distinct IDs in a few seconds; larger sets repeat
    # it with a different seed per million, so they stay distinct.
    out: list[str] = []
    seed = 20240601
    while len(out) < n:
        out.extend(numbers_corpus(min(1_000_000, n - len(out)), seed=seed))
        seed += 1
    return out


def _once(fn: Callable[[], object]) -> Timing:
    return measure(fn, repeats=1, warmup=0)


def _cost_rows(table: str, n: int, timings: Sequence[tuple[str, Timing]], base: str) -> list[Row]:
    base_t = dict(timings)[base].best
    return [
        Row.timed(
            table,
            name,
            n,
            t,
            baseline=None if name == base else base,
            **{"per-row cost vs baseline": f"{t.best / base_t:.2f}×"},
        )
        for name, t in timings
    ]


def number_rows(n: int, loop_n: int, repeats: int = 1, workers: int = 0) -> list[Row]:
    """Numbers: the plain loop on ``loop_n`` of them, the bulk paths on all ``n``.

    The bulk paths run ``repeats`` times each (best kept): the machine is shared,
    and one run of a second or less is easily disturbed.
    """

    def bulk(fn: Callable[[], object]) -> Timing:
        return measure(fn, repeats=repeats, warmup=0)

    nums = _numbers(n)
    clf = fraudnum.Classifier()
    clf.classify_batch(nums[:100_000])  # warm the shared outcomes, as a long job has them
    arr = pa.array(nums, pa.string())
    chunked = pa.chunked_array([arr.slice(i, 65536) for i in range(0, n, 65536)])
    loop_part = nums[:loop_n]
    runs = "one run each" if repeats == 1 else f"best of {repeats} runs (the loop: one)"
    table = f"{n:,} caller IDs (corpus mix, distinct), {runs}"
    base = "`classify_batch(list)` (integer columns; verdicts and codes not read)"
    timings = [
        (
            f"plain loop `[classify(n) for n in numbers]` ({loop_n:,} of them)",
            _scaled(_once(lambda: [clf.classify(x) for x in loop_part]), n / loop_n),
        ),
        (base, bulk(lambda: clf.classify_batch(nums))),
        (
            "`classify_batch(list).to_arrow()` (4 columns)",
            bulk(lambda: clf.classify_batch(nums).to_arrow()),
        ),
        (
            "`fraudnum.arrow.classify_numbers(array)` (5 columns, Arrow in and out)",
            bulk(lambda: fa.classify_numbers(arr, classifier=clf)),
        ),
        (
            "`fraudnum.arrow.classify_numbers(chunked)` (64 k-row chunks, as Parquet gives)",
            bulk(lambda: fa.classify_numbers(chunked, classifier=clf)),
        ),
    ]
    if workers > 1:
        parts = [arr.slice(i, -(-n // (2 * workers))) for i in range(0, n, -(-n // (2 * workers)))]
        with ThreadPoolExecutor(workers) as threads:
            timings.append(
                (
                    f"`fraudnum.arrow.classify_numbers`, {workers} threads over chunks",
                    bulk(lambda: list(threads.map(lambda a: fa.classify_numbers(a), parts))),
                )
            )
        with ProcessPoolExecutor(workers) as procs:
            list(procs.map(_in_process, parts[:workers]))  # start and warm the workers
            timings.append(
                (
                    f"`fraudnum.arrow.classify_numbers`, {workers} processes over chunks"
                    " (chunks and results pickled)",
                    bulk(lambda: list(procs.map(_in_process, parts))),
                )
            )
    return _cost_rows(table, n, timings, base)


def _in_process(chunk: Any) -> Any:
    return fa.classify_numbers(chunk)


def _scaled(t: Timing, factor: float) -> Timing:
    """A timing of part of the input, scaled to the whole (the loop is linear in n)."""
    return Timing(tuple(r * factor for r in t.runs))


def sms_rows(n: int, mix: bool = True) -> list[Row]:
    """SMS texts with senders: a loop over ``classify_sms`` vs the Arrow column path.

    Texts are the realistic mix of :mod:`benchmarks.sms_mix` (short SMS, ~250-character texts,
    conversations), or only the 60-80-character messages with ``mix=False``. Each path gets a
    fresh classifier, so none inherits another's cached decisions. Two rows for scale: the
    automaton's scan alone (``find_batch``, GIL released: what a compiled scan of the Arrow
    buffers would take over) and the pipeline a user builds instead (NFKC + OpenCC t2s +
    pyahocorasick, ``benchmarks/bench_sms.py``).
    """
    short = messages(n)
    texts = realistic_mix(n, short) if mix else short
    senders = [SENDERS[i % len(SENDERS)] for i in range(n)]
    t_arr, s_arr = pa.array(texts), pa.array(senders)

    def fresh() -> fraudnum.Classifier:
        clf = fraudnum.Classifier()
        clf.classify_sms("")
        return clf

    loop_clf, arrow_clf = fresh(), fresh()
    kind = "realistic mix" if mix else "60-80 characters"
    avg = sum(map(len, texts)) / max(n, 1)
    table = f"{n:,} SMS ({kind}, {avg:.0f} characters on average, 6 senders), one run each"
    base = "list comprehension `[classify_sms(t, sender=s) ...]`"
    timings = [
        (
            base,
            _once(
                lambda: [
                    loop_clf.classify_sms(t, sender=s) for t, s in zip(texts, senders, strict=True)
                ]
            ),
        ),
        (
            "`fraudnum.arrow.classify_sms(texts, senders)` (5 columns)",
            _once(lambda: fa.classify_sms(t_arr, s_arr, classifier=arrow_clf)),
        ),
        (
            "phrase scan alone: `find_batch(texts)` (GIL released)",
            _once(lambda: arrow_clf._sms_engine()._automaton.find_batch(texts)),
        ),
    ]
    try:
        pipe = user_pipeline()
    except ImportError:  # OpenCC is in the bench extra only
        pass
    else:
        timings.append(
            (
                "user pipeline: NFKC + OpenCC t2s + pyahocorasick (no verdict)",
                _once(lambda: [pipe(t) for t in texts]),
            )
        )
    return _cost_rows(table, n, timings, base)


# -- Spark ------------------------------------------------------------------------------


def spark_rows(n: int, udf_n: int) -> list[Row]:
    """Spark local[2]: fraudnum.spark vs a row-at-a-time Python UDF; start-up on its own."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    t0 = time.perf_counter()
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("fraudnum-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.range(1).count()
    startup = time.perf_counter() - t0

    from fraudnum.spark import add_number_verdicts

    rows = [
        Row(
            "Spark local[2]",
            "session start-up (JVM, first job), not in the rows below",
            extra={"seconds": f"{startup:.1f}"},
        )
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "calls.parquet")
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"caller": _numbers(n)}), path, row_group_size=131072)
        df = spark.read.parquet(path).repartition(4).cache()
        df.count()

        def noop(frame: Any) -> None:
            frame.write.format("noop").mode("overwrite").save()

        # Two runs each, the best kept: the first also starts the Python workers and
        # builds their classifier (seconds on this machine), which a long job pays once.
        ours = measure(lambda: noop(add_number_verdicts(df, "caller")), repeats=2, warmup=0)

        verdict_type = T.StructType(
            [
                T.StructField("kind", T.StringType()),
                T.StructField("risk", T.StringType()),
                T.StructField("tier", T.StringType()),
                T.StructField("reasons", T.ArrayType(T.StringType())),
                T.StructField("blockable", T.BooleanType()),
            ]
        )

        @F.udf(returnType=verdict_type)
        def verdict(number: str | None) -> tuple[str, str, str, list[str], bool]:
            v = fraudnum.classify(number or "")
            codes = list(v.codes) if number is not None else ["no_value", *v.codes]
            return (v.kind.value, v.risk.value, v.tier.value, codes, v.blockable)

        small = df.limit(udf_n).repartition(4).cache()
        small.count()
        udf = measure(
            lambda: noop(small.withColumn("v", verdict("caller")).select("caller", "v.*")),
            repeats=2,
            warmup=0,
        )
        udf = _scaled(udf, n / udf_n)
    spark.stop()
    table = f"Spark local[2], {n:,} caller IDs from Parquet, best of 2 runs (start-up excluded)"
    base = f"row-at-a-time Python UDF ({udf_n:,} rows, scaled)"
    rows += _cost_rows(
        table, n, [("`fraudnum.spark.add_number_verdicts`", ours), (base, udf)], base
    )
    return rows


def run(quick: bool = False) -> list[Row]:
    """100 k numbers and 20 k messages when ``quick``, else 1 M and 200 k; no Spark."""
    if quick:
        return number_rows(100_000, 20_000, repeats=3) + sms_rows(20_000)
    return number_rows(1_000_000, 100_000, repeats=3, workers=2) + sms_rows(200_000)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints Markdown tables."""
    from benchmarks.run import print_report

    ap = argparse.ArgumentParser(description="fraudnum.arrow and fraudnum.spark throughput")
    ap.add_argument("--numbers", type=int, nargs="*", default=[1_000_000], help="sizes to run")
    ap.add_argument("--loop", type=int, default=100_000, help="numbers the plain loop runs on")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each bulk path (best kept)")
    ap.add_argument("--workers", type=int, default=2, help="threads / processes (0: none)")
    ap.add_argument("--sms", type=int, default=1_000_000, help="messages (0: none)")
    ap.add_argument(
        "--short-sms", action="store_true", help="only 60-80-character SMS, not the realistic mix"
    )
    ap.add_argument("--spark", action="store_true", help="also run Spark local[2]")
    ap.add_argument("--spark-numbers", type=int, default=1_000_000)
    ap.add_argument("--udf-rows", type=int, default=200_000, help="rows the row UDF runs on")
    ns = ap.parse_args(argv)
    rows: list[Row] = []
    for n in ns.numbers:
        rows += number_rows(n, min(ns.loop, n), ns.repeat, ns.workers)
    if ns.sms:
        rows += sms_rows(ns.sms, mix=not ns.short_sms)
    if ns.spark:
        rows += spark_rows(ns.spark_numbers, min(ns.udf_rows, ns.spark_numbers))
    print_report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
import sys
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
from benchmarks.bench_sms import SENDERS, messages
from benchmarks.corpus import numbers_corpus

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


def sms_rows(n: int) -> list[Row]:
    """SMS texts with senders: a loop over ``classify_sms`` vs the Arrow column path."""
    texts = messages(n)
    senders = [SENDERS[i % len(SENDERS)] for i in range(n)]
    clf = fraudnum.Classifier()
    clf.classify_sms("")
    t_arr, s_arr = pa.array(texts), pa.array(senders)
    table = f"{n:,} SMS (60-80 characters, 6 senders), one run each"
    base = "list comprehension `[classify_sms(t, sender=s) ...]`"
    timings = [
        (
            base,
            _once(
                lambda: [clf.classify_sms(t, sender=s) for t, s in zip(texts, senders, strict=True)]
            ),
        ),
        (
            "`fraudnum.arrow.classify_sms(texts, senders)` (5 columns)",
            _once(lambda: fa.classify_sms(t_arr, s_arr, classifier=clf)),
        ),
    ]
    return _cost_rows(table, n, timings, base)


# -- Spark ------------------------------------------------------------------------------


def spark_rows(n: int) -> list[Row]:
    """Spark local[2]: fraudnum.spark vs row UDFs on the same data (benchmarks/bench_spark.py)."""
    from benchmarks import bench_spark

    return bench_spark.run(n, 0, rounds=3, batch=10_000)


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
    ap.add_argument("--spark", action="store_true", help="also run Spark local[2]")
    ap.add_argument("--spark-numbers", type=int, default=1_000_000)
    ns = ap.parse_args(argv)
    rows: list[Row] = []
    for n in ns.numbers:
        rows += number_rows(n, min(ns.loop, n), ns.repeat, ns.workers)
    if ns.sms:
        rows += sms_rows(ns.sms)
    if ns.spark:
        rows += spark_rows(ns.spark_numbers)
    print_report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

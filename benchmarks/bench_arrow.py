"""Bulk paths: fraudnum.arrow vs classify_batch on a list vs a plain loop, and Spark.

Usage::

    python benchmarks/bench_arrow.py                       # 1 M numbers, 1 M SMS, no Spark
    python benchmarks/bench_arrow.py --numbers 10000000 --sms 200000
    python benchmarks/bench_arrow.py --spark --spark-numbers 1000000   # adds Spark local[2]
    python benchmarks/bench_arrow.py --scale 100000 1000000 10000000 --sms 0  # cost vs size
    python benchmarks/bench_arrow.py --instructions 200000 --sms 0  # callgrind counts

``--scale`` runs each path at each size in a fresh process (the inputs read from a
Parquet file made once), so every figure starts from a clean heap and the process's
peak resident memory above its input is that path's alone: per-row cost and peak
memory per row against size, in one run. The processes run one after another, not
side by side, so their cost is compared in CPU time (``time.process_time``), which a
busy machine disturbs far less than wall-clock time; rows a second are wall-clock.

Inputs are like real traffic: caller IDs from ``benchmarks.corpus.distinct_corpus``
(every kind and range of the plan, written as logs write them, no string twice)
and messages from ``benchmarks.bench_sms.messages`` (chat, notices, ads and scams
of 60-80 characters). ``run.py`` runs the quick form (100 k numbers,
20 k messages, no Spark), so a full benchmark run stays short.

Each row is one run (the issue's "one run each"); the per-row cost column is the
row's time over the baseline's, the figure the targets are stated in.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import subprocess
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
from benchmarks.corpus import distinct_corpus
from benchmarks.sms_mix import realistic_mix

__all__ = ["main", "run"]


def _numbers(n: int) -> list[str]:
    return distinct_corpus(n)


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


# -- cost and memory vs size, a fresh process per figure ------------------------------

CACHE = Path(__file__).resolve().parent.parent / "build" / "bench"

#: The paths ``--scale`` measures, by the name the child process knows them by.
SCALE_PATHS = {
    "batch": "`classify_batch(list)` (integer columns)",
    "arrow": "`fraudnum.arrow.classify_numbers(array)` (5 columns)",
    "chunked": "`fraudnum.arrow.classify_numbers(chunked)` (64 k-row chunks)",
    "loop": "plain loop `[classify(n) for n in numbers]` (a sample, scaled)",
}


def _corpus_file(n: int) -> Path:
    """A Parquet file of ``distinct_corpus(n)`` (made once: 10 M take minutes to draw)."""
    path = CACHE / f"distinct-{n}.parquet"
    if not path.exists():
        import pyarrow.parquet as pq

        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        pq.write_table(pa.table({"caller": distinct_corpus(n)}), tmp)
        tmp.replace(path)
    return path


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        m = re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.MULTILINE)
    return int(m.group(1)) if m else 0


def _reset_peak() -> None:
    """Restart the kernel's peak-RSS counter (VmHWM) at the current RSS (Linux)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")


def _child(path: str, corpus: str, n: int, loop_n: int, repeats: int) -> dict[str, Any]:
    """Measure one path on the first ``n`` rows of ``corpus``, in this (fresh) process."""
    import pyarrow.parquet as pq

    arr = pq.read_table(corpus).column(0).combine_chunks().slice(0, n)
    clf = fraudnum.Classifier()
    gc.collect()
    before = _status_kib("VmRSS")
    fn: Callable[[], object]
    rows = n
    if path == "arrow":
        fa.classify_numbers(arr.slice(0, 100_000), classifier=clf)  # warm shared outcomes
        input_kib = arr.nbytes / 1024
        fn = lambda: fa.classify_numbers(arr, classifier=clf)  # noqa: E731
    elif path == "chunked":
        chunked = pa.chunked_array([arr.slice(i, 65536) for i in range(0, n, 65536)], pa.string())
        fa.classify_numbers(chunked.slice(0, 100_000), classifier=clf)
        input_kib = arr.nbytes / 1024
        fn = lambda: fa.classify_numbers(chunked, classifier=clf)  # noqa: E731
    else:
        rows = n if path == "batch" else loop_n
        nums = arr.slice(0, rows).to_pylist()
        del arr
        gc.collect()
        input_kib = _status_kib("VmRSS") - before
        clf.classify_batch(nums[:100_000])
        if path == "batch":
            fn = lambda: clf.classify_batch(nums)  # noqa: E731
        else:
            fn = lambda: [clf.classify(x) for x in nums]  # noqa: E731
    # Peak memory: the high-water mark of one call (its result kept to the end) above
    # the resident size with the input loaded and the classifier warm.
    gc.collect()
    base = _status_kib("VmRSS")
    _reset_peak()
    out = fn()
    peak = _status_kib("VmHWM") - base
    del out
    runs, cpu = [], []
    for _ in range(1 if path == "loop" else repeats):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {
        "runs": runs,
        "cpu": cpu,
        "rows": rows,
        "peak_bytes_per_row": peak * 1024 / rows,
        "input_bytes_per_row": input_kib * 1024 / rows,
    }


def _count_child(path: str, corpus: str, n: int, call: bool) -> None:
    """Set ``path`` up on ``n`` rows (warmed on 20,000 others) and, if ``call``, run it once."""
    import pyarrow.parquet as pq

    arr = pq.read_table(corpus).column(0).combine_chunks()
    warm, arr = arr.slice(n, 20_000), arr.slice(0, n)
    clf = fraudnum.Classifier()
    fn: Callable[[], object]
    if path in ("arrow", "chunked"):
        fa.classify_numbers(warm, classifier=clf)
        if path == "chunked":
            arr = pa.chunked_array([arr.slice(i, 65536) for i in range(0, n, 65536)], pa.string())
        fn = lambda: fa.classify_numbers(arr, classifier=clf)  # noqa: E731
    else:
        nums = arr.to_pylist()
        clf.classify_batch(warm.to_pylist())
        fn = lambda: clf.classify_batch(nums)  # noqa: E731
    if call:
        fn()


_CALLGRIND_TOTAL = re.compile(r"^summary:\s+(\d+)", re.MULTILINE)


def instruction_rows(n: int) -> list[Row]:
    """Instructions a row under callgrind, exact whatever the load.

    Each path's run minus the same set-up without the call.
    """
    corpus = _corpus_file(max(n + 20_000, 1_000_000))
    counts: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for path in ("batch", "arrow", "chunked"):
            totals = []
            for call in (False, True):
                out = Path(tmp) / f"{path}-{call}.out"
                cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
                cmd += [sys.executable, __file__, "--count-child", path, str(corpus), str(n)]
                subprocess.run([*cmd, "1" if call else "0"], capture_output=True, check=True)
                m = _CALLGRIND_TOTAL.search(out.read_text(encoding="utf-8", errors="replace"))
                assert m is not None, f"no callgrind summary in {out}"
                totals.append(int(m.group(1)))
            counts[path] = (totals[1] - totals[0]) / n
    table = f"{n:,} distinct caller IDs: instructions a row under callgrind (one run each)"
    return [
        Row(
            table,
            SCALE_PATHS[path],
            extra={
                "instructions a row": f"{c:,.0f}",
                "vs batch": f"{c / counts['batch']:.2f}×",
            },
        )
        for path, c in counts.items()
    ]


def scale_rows(sizes: Sequence[int], loop_n: int, repeats: int) -> list[Row]:
    """Per-row cost and peak memory per row of each path at each size (one process each)."""
    corpus = _corpus_file(max(sizes))
    load0 = os.getloadavg()
    results: dict[tuple[int, str], dict[str, Any]] = {}
    for n in sizes:
        for path in SCALE_PATHS:
            cmd = [sys.executable, __file__, "--child", path, str(corpus), str(n)]
            cmd += [str(min(loop_n, n)), str(repeats)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True)
            results[n, path] = json.loads(done.stdout.strip().splitlines()[-1])
    load1 = os.getloadavg()
    loads = f"load average {load0[0]:.1f} at the start, {load1[0]:.1f} at the end"
    rows: list[Row] = []
    base_name = SCALE_PATHS["batch"]
    for n in sizes:
        table = (
            f"{n:,} distinct caller IDs, each path in its own process, best of {repeats} "
            f"(the loop: one run on {min(loop_n, n):,}); {loads}"
        )
        base_cpu = min(results[n, "batch"]["cpu"]) / n
        for path, name in SCALE_PATHS.items():
            r = results[n, path]
            cpu_row = min(r["cpu"]) / r["rows"]
            timing = Timing(tuple(x * n / r["rows"] for x in r["runs"]))
            rows.append(
                Row.timed(
                    table,
                    name,
                    n,
                    timing,
                    baseline=None if path == "batch" else base_name,
                    **{
                        "CPU µs a row": f"{cpu_row * 1e6:.3f}",
                        "CPU cost vs batch": f"{cpu_row / base_cpu:.2f}×",
                        "peak bytes a row": f"{r['peak_bytes_per_row']:.0f}",
                        "input bytes a row": f"{r['input_bytes_per_row']:.0f}",
                    },
                )
            )
    return rows


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
    ap.add_argument(
        "--scale", type=int, nargs="*", default=[], help="sizes for cost and memory vs size"
    )
    ap.add_argument(
        "--instructions", type=int, default=0, help="rows for callgrind instruction counts"
    )
    ap.add_argument(
        "--short-sms", action="store_true", help="only 60-80-character SMS, not the realistic mix"
    )
    ap.add_argument("--spark", action="store_true", help="also run Spark local[2]")
    ap.add_argument("--spark-numbers", type=int, default=1_000_000)
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:  # one measurement of --scale, printed as JSON
        path, corpus, n, loop_n, repeats = argv[1:6]
        print(json.dumps(_child(path, corpus, int(n), int(loop_n), int(repeats))))
        return 0
    if argv[:1] == ["--count-child"]:  # one callgrind run of --instructions
        path, corpus, n, call = argv[1:5]
        _count_child(path, corpus, int(n), call == "1")
        return 0
    ns = ap.parse_args(argv)
    rows: list[Row] = []
    if ns.instructions:
        rows += instruction_rows(ns.instructions)
        ns.numbers = []
    if ns.scale:
        rows += scale_rows(ns.scale, ns.loop, ns.repeat)
        ns.numbers = []
    for n in ns.numbers:
        rows += number_rows(n, min(ns.loop, n), ns.repeat, ns.workers)
    if ns.sms:
        rows += sms_rows(ns.sms, mix=not ns.short_sms)
    if ns.spark:
        rows += spark_rows(ns.spark_numbers)
    print_report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

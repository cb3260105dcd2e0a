"""Call patterns: the batch detector and the streaming monitor on generated switch traffic.

Traffic from :func:`fraudnum.calls.synthetic_traffic` (one day; ordinary callers with contact
books, diurnal load, redials, busy callers, never-block warning bursts; one instance of each
of the 8 patterns per 10,000 records). For each size, in one run:

* accuracy: per-pattern recall (an injected instance counts as found when a finding of its
  pattern names its number over its own calls) and the share of ordinary callers (and of
  ordinary callees, for call bombing) flagged by anything;
* the batch detector over ``CallColumns`` (numbers already integers, the kernel alone) and
  over a ``pyarrow.Table`` with string numbers and timestamps (the CDR form, conversion
  included), one core;
* the same counting done the way a user might without fraudnum: pyarrow's
  ``Table.group_by`` per (caller, window) with ``count_distinct``, for the one-hour windows of
  both offsets only (no thresholds, no evidence, no victims);
* the streaming monitor fed batches of 100,000 records (a switch) — same findings as the
  batch, checked — with the most records and bytes it held, and the process's peak RSS;
* the monitor fed one ``CallRecord`` at a time (a phone's log), on the first 20,000 records.

Usage::

    python benchmarks/bench_calls.py --sizes 1000000 --sizes 10000000 [--json out.json]
    python benchmarks/bench_calls.py --distinct-window 10000000   # monitor memory, 10 M callers
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import Row, Timing, measure  # noqa: E402
from fraudnum.calls import (  # noqa: E402
    CallDetector,
    CallFinding,
    CallMonitor,
    SyntheticTraffic,
    synthetic_traffic,
)

TABLE = "Call patterns on generated traffic (one day, 8 patterns injected per 10,000 records)"


def _fmt(rate: float) -> str:
    return f"{rate / 1e6:.2f} M/s"


def _key(f: CallFinding) -> tuple[float, str, str, str]:
    return (f.window_start, f.pattern, f.key, f.number)


def accuracy(traffic: SyntheticTraffic, found: list[CallFinding]) -> dict[str, Any]:
    """Per-pattern recall and the share of ordinary numbers flagged."""
    by_number: dict[tuple[str, str], list[CallFinding]] = defaultdict(list)
    for f in found:
        by_number[(f.pattern, f.number)].append(f)
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for t in traffic.injected:
        ok = any(
            f.first_call <= t.last_call and f.last_call >= t.first_call
            for f in by_number.get((t.pattern, t.number), ())
        )
        hits[t.pattern][0] += ok
        hits[t.pattern][1] += 1
    injected = {t.number for t in traffic.injected}
    flagged_callers = {f.number for f in found if f.key == "caller" and f.number not in injected}
    flagged_victims = {f.number for f in found if f.key == "callee" and f.number not in injected}
    callees = np.unique(traffic.calls.callee).size
    return {
        "recall": {p: h[0] / h[1] for p, h in sorted(hits.items())},
        "injected": {p: h[1] for p, h in sorted(hits.items())},
        "ordinary_callers": traffic.ordinary_callers,
        "ordinary_callers_flagged": len(flagged_callers),
        "ordinary_callers_flagged_share": len(flagged_callers) / max(1, traffic.ordinary_callers),
        "callees_flagged_share": len(flagged_victims) / max(1, callees),
        "findings": len(found),
    }


def pyarrow_groupby(table: Any) -> Any:
    """Calls and distinct callees per (caller, hour window), both offsets: pyarrow alone."""
    import pyarrow as pa
    import pyarrow.compute as pc

    secs = pc.divide(table["start"].cast(pa.int64()), 1000)
    out = []
    for offset in (0, 1800):
        win = pc.divide(pc.subtract(secs, offset), 3600)
        t = pa.table({"caller": table["caller"], "callee": table["callee"], "win": win})
        agg = t.group_by(["caller", "win"]).aggregate(
            [("callee", "count"), ("callee", "count_distinct")]
        )
        out.append(agg.filter(pc.greater_equal(agg["callee_count_distinct"], 30)))
    return out


def monitor_run(traffic: SyntheticTraffic, chunk: int) -> tuple[list[CallFinding], int, int]:
    """Feed in chunks; the findings, the most records and bytes held."""
    monitor = CallMonitor(CallDetector(), max_skew_s=60)
    cols = traffic.calls
    found: list[CallFinding] = []
    most = most_bytes = 0
    for lo in range(0, len(cols), chunk):
        found += monitor.feed(cols.take(np.arange(lo, min(lo + chunk, len(cols)))))
        if monitor.held > most:
            most, most_bytes = monitor.held, monitor.memory_bytes
    found += monitor.close()
    return found, most, most_bytes


def cpu_rate(fn: Any, items: int) -> float:
    """Items per CPU second of this process: the figure for one core on a shared machine."""
    t = time.process_time()
    fn()
    return items / max(1e-9, time.process_time() - t)


def _rss_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_size(n: int, repeats: int) -> tuple[list[Row], dict[str, Any]]:
    t0 = time.perf_counter()
    traffic = synthetic_traffic(n, seed=1)
    gen_s = time.perf_counter() - t0
    records = len(traffic)
    detector = CallDetector()
    found = detector.detect(traffic.calls)  # warm: classifies the flagged callers once
    acc = accuracy(traffic, found)
    batch = measure(lambda: detector.detect(traffic.calls), repeats=repeats)
    batch_cpu = cpu_rate(lambda: detector.detect(traffic.calls), records)
    table = traffic.to_arrow()
    arrow = measure(lambda: detector.detect(table), repeats=max(1, repeats - 1))
    arrow_cpu = cpu_rate(lambda: detector.detect(table), records)
    assert detector.detect(table) == found, "Arrow input gave other findings"
    baseline = measure(lambda: pyarrow_groupby(table), repeats=max(1, repeats - 1))
    baseline_cpu = cpu_rate(lambda: pyarrow_groupby(table), records)
    t0, c0 = time.perf_counter(), time.process_time()
    streamed, held, held_bytes = monitor_run(traffic, 100_000)
    monitor_s = time.perf_counter() - t0
    monitor_cpu = records / (time.process_time() - c0)
    same = sorted(streamed, key=_key) == found
    assert same, "the monitor and the batch disagree"
    phone = traffic.calls.take(np.arange(min(20_000, records)))
    phone_records = SyntheticTraffic(phone, (), 0).records()
    phone_monitor = CallMonitor(CallDetector())
    t0 = time.perf_counter()
    for r in phone_records:
        phone_monitor.feed(r)
    phone_monitor.close()
    phone_s = time.perf_counter() - t0
    size = f"{records / 1e6:.2f} M records"
    recall = acc["recall"]
    rows = [
        Row.timed(
            TABLE,
            f"batch, CallColumns ({size})",
            records,
            batch,
            findings=str(acc["findings"]),
            cpu=_fmt(batch_cpu),
            note="kernel alone: numbers already integers",
        ),
        Row.timed(
            TABLE,
            f"batch, pyarrow Table of strings ({size})",
            records,
            arrow,
            cpu=_fmt(arrow_cpu),
            note="CDR form: string numbers cast in Arrow, timestamps",
        ),
        Row.timed(
            TABLE,
            f"pyarrow group_by, hour windows only ({size})",
            records,
            baseline,
            cpu=_fmt(baseline_cpu),
            note="counts and distinct callees, no thresholds, no evidence",
        ),
        Row.timed(
            TABLE,
            f"monitor, batches of 100,000 ({size})",
            records,
            Timing((monitor_s,)),
            cpu=_fmt(monitor_cpu),
            note=(
                f"same findings as batch: {same}; held at most {held:,} records, "
                f"{held_bytes / 2**20:.0f} MiB"
            ),
        ),
        Row.timed(
            TABLE,
            f"monitor, one CallRecord at a time (first {len(phone_records):,})",
            len(phone_records),
            Timing((phone_s,)),
            note="a phone's log",
        ),
        Row(
            TABLE,
            f"recall per pattern ({size})",
            extra={"note": ", ".join(f"{p} {r:.3f}" for p, r in recall.items())},
        ),
        Row(
            TABLE,
            f"ordinary callers flagged ({size})",
            extra={
                "note": (
                    f"{acc['ordinary_callers_flagged']} of {acc['ordinary_callers']:,} "
                    f"({100 * acc['ordinary_callers_flagged_share']:.4f}%); callees flagged "
                    f"{100 * acc['callees_flagged_share']:.4f}%"
                )
            },
        ),
    ]
    summary = {
        "records": records,
        "generate_s": gen_s,
        "batch_per_s": records / batch.best,
        "batch_per_cpu_s": batch_cpu,
        "arrow_per_cpu_s": arrow_cpu,
        "pyarrow_groupby_per_cpu_s": baseline_cpu,
        "monitor_per_cpu_s": monitor_cpu,
        "arrow_per_s": records / arrow.best,
        "pyarrow_groupby_per_s": records / baseline.best,
        "monitor_per_s": records / monitor_s,
        "monitor_held_records": held,
        "monitor_held_mib": held_bytes / 2**20,
        "phone_feed_per_s": len(phone_records) / phone_s,
        "rss_peak_mib": _rss_peak_mib(),
        **acc,
    }
    return rows, summary


def distinct_window(n: int) -> dict[str, Any]:
    """The monitor fed ``n`` records from ``n`` distinct callers inside one hour: its memory."""
    from fraudnum.calls import CallColumns
    from fraudnum.calls._records import encode_numbers

    rng = np.random.default_rng(0)
    answered = rng.random(n) < 0.7
    cols = CallColumns(
        encode_numbers(13_000_000_000 + rng.permutation(n).astype(np.int64) * 97),
        encode_numbers(15_000_000_000 + rng.integers(0, 10**9, n)),
        np.sort(1_767_225_600 + rng.random(n) * 3600),
        np.full(n, 8, np.float32),
        answered,
        np.where(answered, 60, 0).astype(np.float32),
        np.full(n, -1, np.int8),
    )
    before = _rss_peak_mib()
    monitor = CallMonitor(max_skew_s=60)
    most = most_bytes = 0
    c0 = time.process_time()
    for lo in range(0, n, 500_000):
        monitor.feed(cols.take(np.arange(lo, min(n, lo + 500_000))))
        if monitor.held > most:
            most, most_bytes = monitor.held, monitor.memory_bytes
    monitor.close()
    return {
        "records": n,
        "held_records": most,
        "held_mib": most_bytes / 2**20,
        "rss_peak_rise_mib": _rss_peak_mib() - before,
        "per_cpu_s": n / (time.process_time() - c0),
    }


def run(quick: bool) -> list[Row]:
    """The benchmark at one size (100,000 records quick, else 1,000,000)."""
    rows, _ = bench_size(100_000 if quick else 1_000_000, 2 if quick else 3)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, action="append", help="ordinary records per run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--distinct-window",
        type=int,
        metavar="N",
        help="instead: the monitor's memory for N distinct callers in one hour",
    )
    args = parser.parse_args()
    if args.distinct_window:
        print(json.dumps(distinct_window(args.distinct_window), indent=1))
        return
    from benchmarks.run import render

    all_rows: list[Row] = []
    summaries = []
    for n in args.sizes or [1_000_000]:
        rows, summary = bench_size(n, args.repeats)
        all_rows += rows
        summaries.append(summary)
        print(json.dumps(summary, indent=1), file=sys.stderr, flush=True)
    print(render(all_rows))
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

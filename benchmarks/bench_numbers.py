"""``fraudnum.classify()`` against ``phonenumbers`` on the same mixed-format numbers.

In one run, on the same inputs from :func:`benchmarks.corpus.numbers_corpus`:

* ``phonenumbers.parse(s, "CN")`` + ``number_type`` + ``is_valid_number`` (the baseline);
* ``fraudnum.classify(s)`` one number at a time, ``Classifier.classify_many``, and
  ``Classifier.classify_batch`` (kinds and risks as columns, verdicts on demand);
* the pure-Python path (``FRAUDNUM_NO_EXTENSIONS=1``, in a subprocess), with a
  check that it gives the same kinds and risks as the compiled one;
* start-up: ``python -c "import fraudnum"`` and the first ``classify()``, each a
  fresh interpreter, median of several;
* memory of the default classifier (tracemalloc, and the rise in peak RSS).

Run it through ``python benchmarks/run.py --only numbers``, or directly.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import phonenumbers

import fraudnum
from benchmarks import Row, Timing, measure
from benchmarks.corpus import numbers_corpus

__all__ = ["run"]

ROOT = Path(__file__).resolve().parent.parent
THROUGHPUT = "Classifying {n:,} mixed-format numbers (one call each, results discarded)"
STARTUP = "Start-up and memory (fresh interpreter each time, median of {n})"
PN = "phonenumbers: parse + number_type + is_valid_number"


def _phonenumbers_all(numbers: Sequence[str]) -> int:
    """What a phonenumbers user does per caller ID; returns the count of valid numbers."""
    parse, number_type, is_valid = (
        phonenumbers.parse,
        phonenumbers.number_type,
        phonenumbers.is_valid_number,
    )
    error = phonenumbers.NumberParseException
    valid = 0
    for s in numbers:
        try:
            p = parse(s, "CN")
        except error:
            continue
        number_type(p)
        valid += is_valid(p)
    return valid


def _classify_all(numbers: Sequence[str]) -> None:
    classify = fraudnum.classify
    for s in numbers:
        classify(s)


def digest(numbers: Iterable[str]) -> str:
    """A hash of every number's (kind, risk, canonical digits), to compare two code paths."""
    h = hashlib.sha256()
    for v in fraudnum.default_classifier().classify_many(numbers):
        h.update(f"{v.kind.value}|{v.risk.value}|{v.number.digits}\n".encode())
    return h.hexdigest()


def _python(code: str, *, env: dict[str, str] | None = None) -> str:
    """Run ``code`` in a fresh interpreter from the repository root; return its stdout."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def _wall(code: str, repeats: int) -> float:
    """Median wall time of a fresh ``python -c code``, measured in a parent interpreter."""
    runs = json.loads(
        _python(
            "import json, subprocess, sys, time\n"
            "runs = []\n"
            f"for _ in range({repeats + 1}):\n"
            "    t = time.perf_counter()\n"
            f"    subprocess.run([sys.executable, '-c', {code!r}], check=True)\n"
            "    runs.append(time.perf_counter() - t)\n"
            "print(json.dumps(runs[1:]))\n"
        )
    )
    return float(statistics.median(runs))


_FIRST_CALL = """
import json, sys, time
t0 = time.perf_counter()
import fraudnum
t1 = time.perf_counter()
fraudnum.classify("+86 139 1234 5678")
t2 = time.perf_counter()
pn_after_import = "phonenumbers" in sys.modules
fraudnum.classify("+44 20 7946 0958")
t3 = time.perf_counter()
print(json.dumps([t1 - t0, t2 - t1, t3 - t2, pn_after_import]))
"""

_MEMORY = """
import json, resource, sys, tracemalloc
def hwm():
    # VmHWM (peak resident set) belongs to this process image; ru_maxrss can carry
    # over the parent's peak across fork+exec, so it is only the fallback.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
before = hwm()
if TRACE:
    tracemalloc.start()
import fraudnum
fraudnum.classify("+86 139 1234 5678")
size_domestic, peak_domestic = tracemalloc.get_traced_memory()
mid = hwm()
fraudnum.classify("+44 20 7946 0958")
size_all, peak_all = tracemalloc.get_traced_memory()
after = hwm()
print(json.dumps([size_domestic, peak_domestic, mid - before, size_all, peak_all, after - before]))
"""


def _startup_rows(repeats: int) -> list[Row]:
    table = STARTUP.format(n=repeats)
    bare = _wall("pass", repeats)
    imp = _wall("import fraudnum", repeats)
    pn_imp = _wall("import phonenumbers", repeats)
    firsts = [json.loads(_python(_FIRST_CALL)) for _ in range(repeats)]
    import_s = statistics.median(f[0] for f in firsts)
    first_s = statistics.median(f[1] for f in firsts)
    intl_s = statistics.median(f[2] for f in firsts)
    pn_loaded = any(f[3] for f in firsts)
    # tracemalloc's own bookkeeping inflates the RSS, so RSS comes from a run without it.
    mem = json.loads(_python("TRACE = True\n" + _MEMORY))
    rss = json.loads(_python("TRACE = False\n" + _MEMORY))

    def ms(s: float) -> str:
        return f"{s * 1e3:.1f} ms"

    def mib(b: float) -> str:
        return f"{b / 2**20:.2f} MiB"

    return [
        Row(table, '`python -c "pass"` (the interpreter alone)', extra={"value": ms(bare)}),
        Row(
            table,
            '`python -c "import fraudnum"`',
            extra={"value": ms(imp), "note": f"{ms(imp - bare)} over a bare interpreter"},
        ),
        Row(
            table,
            '`python -c "import phonenumbers"` (for scale)',
            extra={"value": ms(pn_imp), "note": f"{ms(pn_imp - bare)} over a bare interpreter"},
        ),
        Row(
            table,
            "`import fraudnum`, timed inside the process",
            extra={
                "value": ms(import_s),
                "note": "phonenumbers loaded by it: " + ("**yes**" if pn_loaded else "no"),
            },
        ),
        Row(
            table,
            "first `classify()` (a mobile: builds the default classifier)",
            extra={"value": ms(first_s)},
        ),
        Row(
            table,
            "first international `classify()` after that (loads phonenumbers)",
            extra={"value": ms(intl_s)},
        ),
        Row(
            table,
            "memory: import + default classifier + one domestic call",
            extra={
                "value": mib(mem[0]),
                "note": f"tracemalloc live (peak {mib(mem[1])}); peak RSS +{rss[2] / 1024:.1f} MiB",
            },
        ),
        Row(
            table,
            "memory: the same after one international call",
            extra={
                "value": mib(mem[3]),
                "note": f"tracemalloc live (peak {mib(mem[4])}); peak RSS +{rss[5] / 1024:.1f} MiB",
            },
        ),
    ]


def _pure_python(n: int, repeats: int) -> tuple[Timing, str, bool]:
    """Time classify() with FRAUDNUM_NO_EXTENSIONS=1 in a subprocess."""
    out = _python(
        f"from benchmarks.bench_numbers import _worker\n_worker({n}, {repeats})\n",
        env={"FRAUDNUM_NO_EXTENSIONS": "1"},
    )
    data: dict[str, Any] = json.loads(out)
    return Timing(tuple(data["runs"])), str(data["digest"]), bool(data["extensions"])


def _worker(n: int, repeats: int) -> None:
    """The subprocess side of :func:`_pure_python`: time, then print JSON."""
    from fraudnum._core import USING_EXTENSIONS

    numbers = numbers_corpus(n)
    timing = measure(lambda: _classify_all(numbers), repeats=repeats)
    print(
        json.dumps({"runs": timing.runs, "digest": digest(numbers), "extensions": USING_EXTENSIONS})
    )


def run(quick: bool = False) -> list[Row]:
    """Run the number benchmarks; ``quick`` uses 10,000 numbers and fewer repeats."""
    from fraudnum._core import USING_EXTENSIONS

    if not USING_EXTENSIONS:
        raise RuntimeError("the compiled core is not in use: unset FRAUDNUM_NO_EXTENSIONS")
    n = 10_000 if quick else 100_000
    repeats = 2 if quick else 5
    numbers = numbers_corpus(n)
    table = THROUGHPUT.format(n=n)

    pn = measure(lambda: _phonenumbers_all(numbers), repeats=max(2, repeats - 2))
    one = measure(lambda: _classify_all(numbers), repeats=repeats)
    clf = fraudnum.default_classifier()
    many = measure(lambda: clf.classify_many(numbers), repeats=repeats)
    batch = measure(lambda: clf.classify_batch(numbers), repeats=repeats)
    # The batch must be a faster way to the same answers, or it is not comparable.
    columns = clf.classify_batch(numbers)
    batch_agrees = [(k, r) for k, r in zip(columns.kinds, columns.risks, strict=True)] == [
        (v.kind, v.risk) for v in clf.classify_many(numbers)
    ]
    pure, pure_digest, pure_ext = _pure_python(n, max(2, repeats - 2))
    agrees = pure_digest == digest(numbers) and not pure_ext

    rows = [
        Row.timed(table, PN, n, pn),
        Row.timed(table, "`fraudnum.classify()`", n, one, baseline=PN),
        Row.timed(table, "`Classifier.classify_many()`", n, many, baseline=PN),
        Row.timed(
            table,
            "`Classifier.classify_batch()` (columns of kind and risk)",
            n,
            batch,
            baseline=PN,
            note="same kinds and risks as classify()"
            if batch_agrees
            else "**kinds/risks DIFFER from classify()**",
        ),
        Row.timed(
            table,
            "`fraudnum.classify()`, pure Python (`FRAUDNUM_NO_EXTENSIONS=1`)",
            n,
            pure,
            baseline=PN,
            note="same verdicts as compiled" if agrees else "**verdicts DIFFER from compiled**",
        ),
    ]
    return rows + _startup_rows(3 if quick else 7)


def profile(n: int = 100_000, top: int = 20) -> str:
    """Where classify() spends its time on the corpus, by cProfile.

    Lists the top functions by own time, then by cumulative time (which shows
    the split between parsing and verdict building under whatever names the
    engine uses today). The profiler's overhead inflates call-heavy code, so
    read the shares, not the seconds; the unprofiled figure comes first.
    """
    import cProfile
    import io
    import pstats

    numbers = numbers_corpus(n)
    out = io.StringIO()
    t = measure(lambda: _classify_all(numbers), repeats=5)
    print(f"classify() without the profiler: {t.best / n * 1e6:.2f} µs/number\n", file=out)
    prof = cProfile.Profile()
    prof.runcall(_classify_all, numbers)
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    """Run this module alone and print its tables (or, with --profile, the profile)."""
    from benchmarks.run import print_report

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="10,000 numbers, fewer repeats")
    parser.add_argument(
        "--profile", action="store_true", help="profile classify() on the corpus instead"
    )
    args = parser.parse_args(argv)
    if args.profile:
        print(profile(10_000 if args.quick else 100_000))
    else:
        print_report(run(args.quick))


if __name__ == "__main__":
    main()

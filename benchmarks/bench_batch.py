"""Batches at carrier scale: ``classify_batch`` on DISTINCT numbers, against ``phonenumbers``.

In one run, on the same inputs from :func:`benchmarks.corpus.distinct_corpus`
(no string repeats, every range and kind of ``data/prefixes.csv``, the written
forms of :func:`benchmarks.corpus.numbers_corpus`):

* ``phonenumbers.parse`` + ``number_type`` + ``is_valid_number`` per number (the baseline,
  timed on the first 100,000: its cost per number does not depend on how many);
* ``fraudnum.classify()`` one number at a time, on the same 100,000;
* ``classify_batch`` in ONE call of 10 k, 100 k, 1 M and 5 M numbers (cost per row
  must stay flat), from a list of str and from a pyarrow ``StringArray``;
* beside each of 100 k, 1 M and 5 M, the same rows through a classifier with a
  10 M-number tag store (:func:`_tag_store`: one in 20 of the corpus's numbers
  marked, the rest random mobiles over the real segments), and on the first
  100,000 the per-row Python path such a batch took before (:func:`_per_row`);
* the same 1 M rows on 1 thread and split over 2 threads (the C core runs without the GIL);
* peak memory per row of one call (tracemalloc, and the rise of peak RSS), each size
  in a fresh interpreter.

Run it through ``python benchmarks/run.py --only batch``, or directly.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fraudnum
from benchmarks import Row, Timing, measure
from benchmarks.bench_numbers import PN, _classify_all, _phonenumbers_all
from benchmarks.corpus import distinct_corpus
from fraudnum.numbers.columns import TIERS, BatchColumns
from fraudnum.types import Tier

__all__ = ["run"]

#: Numbers in the tag store of the store-backed rows, and one corpus number in
#: MARKED_EVERY is among them (a carrier's traffic hits its marks often).
STORE_NUMBERS = 10_000_000
MARKED_EVERY = 20

ROOT = Path(__file__).resolve().parent.parent
SPEED = (
    "Batches of distinct numbers (one call each; phonenumbers and classify() on the first {n:,})"
)
SCALE = "Threads and memory: classify_batch of distinct numbers in one call"


def _memory(n: int, arrow: bool, store: str | None = None) -> tuple[float, float, float]:
    """(tracemalloc peak, tracemalloc kept, peak-RSS rise) per row of one call, in bytes.

    With ``store`` (a tag store's path), through a classifier with that store.
    """
    code = f"""
import gc, json, tracemalloc
from benchmarks.corpus import distinct_corpus
import fraudnum
from fraudnum.tags import TagStore
def rss(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
nums = distinct_corpus({n})
store = {store!r}
if store:
    clf = fraudnum.Classifier(tags=TagStore.open(store, verify=False))
else:
    clf = fraudnum.default_classifier()
clf.classify_batch(nums[:1000])
if {arrow!r}:
    import pyarrow as pa
    nums = pa.array(nums)
gc.collect()
try:  # reset the peak RSS to now (Linux >= 4.0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
except OSError:
    pass
before = rss("VmRSS:")
batch = clf.classify_batch(nums)
rise = rss("VmHWM:") - before
del batch
gc.collect()
tracemalloc.start()
batch = clf.classify_batch(nums)
kept, peak = tracemalloc.get_traced_memory()
print(json.dumps([peak / {n}, kept / {n}, rise / {n}]))
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    peak, kept, rise = json.loads(out)
    return float(peak), float(kept), float(rise)


def _corpus_keys(numbers: Sequence[str]) -> Any:
    """The tag-store key of every row the C core resolves (NO_STORE_KEY for the rest)."""
    import numpy as np

    from fraudnum.numbers import columns as cm
    from fraudnum.types import Channel, Direction

    clf = fraudnum.default_classifier()
    ctx = cm._context(clf._parser, clf._precedence, Channel.CALL, Direction.INCOMING, False)
    cols = cm.empty_columns(len(numbers), filled=False)
    keys = np.empty(len(numbers), np.uint64)
    clf._parser.canonicaliser.classify_columns(
        ctx.rules, None, 0, *cols.core_outputs(), items=tuple(numbers), store_key=keys
    )
    return keys[keys != cm.NO_STORE_KEY]


def _tag_store(numbers: Sequence[str], path: Path) -> tuple[Any, int, float]:
    """A tag store of about STORE_NUMBERS numbers, some of them the corpus's.

    Every MARKED_EVERY-th number of the corpus, the rest random mobiles over the
    real 7-digit segments (as benchmarks/bench_tags.py draws them); random
    categories, geometric counts, days within 255 days.

    Returns (the open store, corpus numbers marked, seconds to draw and build).
    """
    import numpy as np

    from benchmarks.bench_tags import MOBILE
    from benchmarks.bench_tags import numbers as random_mobiles
    from fraudnum.tags import TagArrays, TagStore, build

    t0 = time.perf_counter()
    marked = np.unique(_corpus_keys(numbers))[::MARKED_EVERY]
    others = random_mobiles(STORE_NUMBERS - len(marked), seed=7) | MOBILE
    keys = np.unique(np.concatenate([marked, others]))
    rng = np.random.default_rng(12)
    n = len(keys)
    build(
        TagArrays(
            keys,
            rng.integers(1, 16, n).astype(np.uint8),
            rng.geometric(0.3, n).astype(np.uint32),
            rng.integers(20550, 20550 + 255, n).astype(np.int32),
        ),
        path,
        progress=False,
    )
    return TagStore.open(path, verify=False), len(marked), time.perf_counter() - t0


class _OneByOne:
    """A tag store seen without ``lookup_batch``: crowd marks asked one number at a time."""

    def __init__(self, store: Any) -> None:
        self.lookup_digits = store.lookup_digits


def _per_row(clf: fraudnum.Classifier, numbers: Sequence[str]) -> BatchColumns:
    """A batch's columns the way a classifier with a tag store made them before.

    Before the columnar crowd tier: every row through the Python parser and tiers
    (``fill_row``) and one ``lookup_digits`` per row the crowd may decide. ``clf``
    has a ``_OneByOne`` store.
    """
    import numpy as np

    from fraudnum.numbers import columns as cm
    from fraudnum.types import Channel, Direction

    n = len(numbers)
    cols = cm.empty_columns(n)
    keys = np.full(n, cm.NO_STORE_KEY, np.uint64)
    parser, precedence = clf._parser, clf._precedence
    ch, di = Channel.CALL, Direction.INCOMING
    for i, raw in enumerate(numbers):
        cm.fill_row(cols, i, raw, parser, precedence, ch, di, False, keys=keys)
    cm.crowd_tier(cols, keys, precedence)
    return cols


def _threads(numbers: Sequence[str], repeats: int) -> tuple[Timing, Timing]:
    """One thread on all rows against two threads on a half each (fastest repeats)."""
    clf = fraudnum.default_classifier()
    half = len(numbers) // 2
    parts = (tuple(numbers[:half]), tuple(numbers[half:]))
    whole = tuple(numbers)  # tuples: the batch then copies nothing
    one = measure(lambda: clf.classify_codes(whole), repeats=repeats)

    def two() -> None:
        threads = [threading.Thread(target=clf.classify_codes, args=(p,)) for p in parts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    return one, measure(two, repeats=repeats)


def _gil_share(numbers: Sequence[str], repeats: int) -> float:
    """The share of one ``classify_codes`` call that holds the GIL (Amdahl's serial part).

    Everything but the C loop over the rows holds it: the column allocation,
    the str check of every item, finding and parsing the rows left to Python.
    The check alone is timed by a tuple whose last item is no str (the C core
    raises after checking, before its GIL-free loop).
    """
    from fraudnum.numbers import columns as cm
    from fraudnum.types import Channel, Direction

    clf = fraudnum.default_classifier()
    rows = tuple(numbers)
    n = len(rows)
    ctx = cm._context(clf._parser, clf._precedence, Channel.CALL, Direction.INCOMING, False)
    canon = clf._parser.canonicaliser
    cols = cm.empty_columns(n + 1)
    out = cols.core_outputs()
    poisoned = (*rows, 0)

    def check_only() -> None:
        with contextlib.suppress(TypeError):
            canon.classify_columns(ctx.rules, None, 0, *out, items=poisoned)

    total = measure(lambda: clf.classify_codes(rows), repeats=repeats).best
    c_part = measure(
        lambda: canon.classify_columns(ctx.rules, None, 0, *out, items=rows), repeats=repeats
    ).best
    checked = measure(check_only, repeats=repeats).best
    serial = max(0.0, total - c_part) + checked
    return serial / total


def _control_threads(repeats: int) -> float:
    """How much 2 threads of a known GIL-free job (sha256 of 50 MB) beat 1 on this machine now."""
    import hashlib

    data = b"x" * 50_000_000

    def job() -> None:
        hashlib.sha256(data).digest()

    def sequential() -> None:
        job()
        job()

    one = measure(sequential, repeats=repeats)

    def two() -> None:
        threads = [threading.Thread(target=job) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    return one.best / measure(two, repeats=repeats).best


def run(quick: bool = False) -> list[Row]:
    """Run the batch benchmarks; ``quick`` stops at 100,000 rows."""
    from fraudnum._core import USING_EXTENSIONS

    if not USING_EXTENSIONS:
        raise RuntimeError("the compiled core is not in use: unset FRAUDNUM_IMPLEMENTATION")
    import numpy as np

    sizes = (10_000, 100_000) if quick else (10_000, 100_000, 1_000_000, 5_000_000)
    t0 = time.perf_counter()
    corpus = distinct_corpus(max(sizes))
    made = time.perf_counter() - t0
    base_n = min(100_000, len(corpus))
    sample = corpus[:base_n]
    table = SPEED.format(n=base_n)
    clf = fraudnum.default_classifier()

    pn = measure(lambda: _phonenumbers_all(sample), repeats=3)
    one = measure(lambda: _classify_all(sample), repeats=3)
    batch = clf.classify_batch(sample)
    agrees = [(k, r) for k, r in zip(batch.kinds, batch.risks, strict=True)] == [
        (v.kind, v.risk) for v in map(clf.classify, sample)
    ]
    rows = [
        Row.timed(table, PN, base_n, pn, note=f"corpus built in {made:.0f} s"),
        Row.timed(table, "`fraudnum.classify()`, one call per number", base_n, one, baseline=PN),
    ]
    tmp = tempfile.TemporaryDirectory(prefix="fraudnum-bench-")
    store, marked, built = _tag_store(corpus, Path(tmp.name) / "marks.fntags")
    with_store = fraudnum.Classifier(tags=store)
    stored = f"{len(store) / 1e6:.1f} M-number tag store"
    store_batch = with_store.classify_batch(sample)
    crowd = store_batch.columns.tier == TIERS.index(Tier.CROWD)
    store_agrees = [(v.kind, v.risk, v.tier) for v in map(with_store.classify, sample)] == list(
        zip(store_batch.kinds, store_batch.risks, store_batch.tiers, strict=True)
    )
    per_row_clf = fraudnum.Classifier(tags=_OneByOne(store))
    per_row = measure(lambda: _per_row(per_row_clf, sample), repeats=3)
    twin = _per_row(per_row_clf, sample).core_outputs()
    same_cols = all(
        np.array_equal(a, b) for a, b in zip(twin, store_batch.columns.core_outputs(), strict=True)
    )
    rows.append(
        Row.timed(
            table,
            f"with a {stored}: the per-row Python path it replaces (fill_row + lookup_digits)",
            base_n,
            per_row,
            baseline=PN,
            note=f"store of {len(store):,} built in {built:.0f} s, {marked:,} corpus numbers "
            "marked; " + ("same columns as the batch" if same_cols else "**columns DIFFER**"),
        )
    )
    for n in sizes:
        numbers = corpus[:n]
        t = measure(partial(clf.classify_batch, numbers), repeats=5 if n <= 100_000 else 3)
        note = ""
        if n == base_n:
            note = "same kinds and risks as classify()" if agrees else "**DIFFER from classify()**"
        rows.append(
            Row.timed(
                table, f"`classify_batch()` of {n:,} (list of str)", n, t, baseline=PN, note=note
            )
        )
        if n < 100_000:
            continue
        # The same rows with the store, measured right after the row above.
        t = measure(partial(with_store.classify_batch, numbers), repeats=5 if n <= 100_000 else 3)
        note = ""
        if n == base_n:
            note = f"{int(crowd.sum()):,} rows decided by crowd marks; " + (
                "same kinds, risks, tiers as classify()" if store_agrees else "**DIFFER**"
            )
        rows.append(
            Row.timed(
                table,
                f"`classify_batch()` of {n:,} (list of str) with a {stored}",
                n,
                t,
                baseline=PN,
                note=note,
            )
        )
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - optional
        pa = None
    if pa is not None:
        n = sizes[-2] if len(sizes) > 2 else sizes[-1]
        arr = pa.array(corpus[:n])
        t = measure(lambda: clf.classify_batch(arr), repeats=3)
        rows.append(
            Row.timed(
                table, f"`classify_batch()` of {n:,} (pyarrow StringArray)", n, t, baseline=PN
            )
        )

    scale: list[Row] = []
    n = 100_000 if quick else 1_000_000
    single, double = _threads(corpus[:n], repeats=5)
    share = _gil_share(corpus[:n], repeats=5)
    control = _control_threads(repeats=5)
    scale.append(
        Row(
            SCALE,
            f"{n:,} rows: 1 thread / 2 threads on a half each",
            extra={
                "value": f"{single.best * 1e3:.0f} ms / {double.best * 1e3:.0f} ms",
                "note": f"speed-up {single.best / double.best:.2f}× (fastest of 5; "
                f"medians {single.median * 1e3:.0f} / {double.median * 1e3:.0f} ms)",
            },
        )
    )
    scale.append(
        Row(
            SCALE,
            f"{n:,} rows: share of a call holding the GIL",
            extra={
                "value": f"{share * 100:.1f} %",
                "note": f"Amdahl bound for 2 threads {1 / (share + (1 - share) / 2):.2f}×; "
                f"control, sha256 (GIL-free) on 2 threads: {control:.2f}× here and now",
            },
        )
    )

    def memory_row(size: int, form: str, peak: float, kept: float, rise: float, pages: str) -> Row:
        return Row(
            SCALE,
            f"peak memory of one call, {size:,} rows ({form})",
            extra={
                "value": f"{peak:.1f} B/row",
                "note": f"tracemalloc peak{pages}; {kept:.1f} B/row kept by the batch; "
                f"peak RSS rose {rise:.1f} B/row",
            },
        )

    for size in (100_000,) if quick else (1_000_000, 5_000_000):
        for arrow in (False, True) if pa is not None else (False,):
            form = "pyarrow StringArray" if arrow else "list of str"
            scale.append(memory_row(size, form, *_memory(size, arrow), pages=""))
        form = f"list of str, with the {stored}"
        measured = _memory(size, False, str(store.path))
        scale.append(memory_row(size, form, *measured, pages=" (the store's pages not counted)"))
    store.close()
    tmp.cleanup()
    return rows + scale


def main(argv: list[str] | None = None) -> None:
    """Run this module alone and print its tables."""
    from benchmarks.run import print_report

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="up to 100,000 rows")
    args = parser.parse_args(argv)
    print_report(run(args.quick))


if __name__ == "__main__":
    main()

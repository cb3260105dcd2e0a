"""The crowd-tag store against numpy sorted uint64, pyroaring and a Python set.

N random mobile numbers spread uniformly over the real 7-digit segments under the
mobile prefixes of ``data/prefixes.csv``, each with a random category, a geometric
mark count and a last day within 255 days. For each size, in one run:

* fraudnum.tags: build time (from shuffled numpy columns), bytes per number on
  disk, open time (structural checks only, and with the full checksum), RSS rise
  after open and after a batch of lookups (in a fresh subprocess), single lookups/s
  (``lookup_key``, ``lookup_digits``, ``lookup`` of ``+86 ...``; and the first
  ``lookup_key``, core call + Python cache; and without the intra-lookup
  prefetch), batched lookups/s (half hits; the lean ``lookup_batch``, tag bytes
  and days only; the previous one, every column filled in C; the first one: keys
  in caller order, columns by numpy; and the core loop alone, in caller order and
  sorted by segment), and the merge of a 664,000-mark delta (500,000 new, 100,000
  updated, 64,000 removed); and the same marks with coarse days (``--day-bits``,
  default 1): size, build, batched and single lookups;
* the same marks in format version 2 (``v2_*``: code, tags and days in separate
  sections, as before version 3 co-located them in one block a segment): size,
  batched and single lookups, side by side with version 3 in the same rounds;
* numpy: sorted uint64 + uint8 tag (9 B/number), ``searchsorted`` batched and single;
* pyroaring ``BitMap64`` (if installed): serialized bytes, membership only;
* a Python ``set`` of ints, only up to ``--set-max`` numbers.

Usage::

    python benchmarks/bench_tags.py --sizes 10000000 [--sizes 100000000] [--json out.json]
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fraudnum.tags import Delta, TagArrays, TagStore, _tagstore, build, merge  # noqa: E402
from fraudnum.tags.format import COUNT_BUCKETS, LEN_SHIFT  # noqa: E402

MOBILE = np.uint64(11 << LEN_SHIFT)


def _sorted_unique(a: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """np.unique by sorting: numpy 2.4's hash-based unique took 14 minutes at 242 M."""
    a = np.sort(a)
    if a.size < 2:
        return a
    keep = np.empty(a.size, dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def segments() -> npt.NDArray[np.int64]:
    """Every 7-digit segment under a mobile prefix of data/prefixes.csv."""
    with open(ROOT / "data" / "prefixes.csv", encoding="utf-8", newline="") as f:
        prefixes = [r["prefix"] for r in csv.DictReader(f) if r["kind"] == "mobile"]
    out = []
    for p in prefixes:
        k = 7 - len(p)
        out.append(np.arange(int(p) * 10**k, (int(p) + 1) * 10**k))
    return _sorted_unique(np.concatenate(out))


def numbers(n: int, seed: int = 1) -> npt.NDArray[np.uint64]:
    """N distinct random mobile numbers, sorted."""
    segs = segments()
    rng = np.random.default_rng(seed)
    space = segs.size * 10_000
    pos = _sorted_unique(rng.integers(0, space, int(n * 1.03) + 1000, dtype=np.int64))
    while pos.size < n:
        pos = _sorted_unique(np.concatenate([pos, rng.integers(0, space, n, dtype=np.int64)]))
    if pos.size > n:  # drop a random few to get exactly n (pos stays sorted)
        pos = np.delete(pos, rng.choice(pos.size, pos.size - n, replace=False))
    return (segs[pos // 10_000] * 10_000 + pos % 10_000).astype(np.uint64)


def _rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def _rss() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) * 1024
    return 0


def _rss_child(path: str, probe: str) -> dict[str, float]:
    code = f"""
import json, resource, numpy as np
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1]) * 1024
from fraudnum.tags import TagStore
base = rss()
s = TagStore.open({path!r}, verify=False)
opened = rss()
s.lookup_batch(np.load({probe!r}))
after = rss()
print(json.dumps({{"rss_open": opened - base, "rss_after_1m_lookups": after - base}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout)
    return result


IN_ORDER = 1 << 62  # a min_partition no batch reaches: keys looked up in the caller's order


def _batch_in_order(s: TagStore, keys: npt.NDArray[np.uint64]) -> tuple[Any, ...]:
    """The first lookup_batch, on a version 2 store of exact days.

    The core in caller order, then the columns by numpy from the mapped tags and
    days sections.
    """
    lay = s._layout
    assert lay.version == 2
    assert lay.day_bits == 8
    tags_v = np.frombuffer(s._buf, np.uint8, count=lay.n_total, offset=lay.offset("tags"))
    days_v = np.frombuffer(s._buf, np.uint8, count=lay.n_total, offset=lay.offset("days"))
    index = np.empty(keys.shape[0], dtype=np.int64)
    s._core.lookup_batch(keys, index, IN_ORDER)
    found = index >= 0
    hit = index[found]
    tagb = tags_v[hit]
    cats = np.zeros(keys.shape[0], np.uint8)
    cats[found] = tagb >> 4
    counts = np.zeros(keys.shape[0], np.uint32)
    counts[found] = np.array(COUNT_BUCKETS, np.uint32)[tagb & 15]
    days = np.full(keys.shape[0], np.datetime64("NaT"), dtype="datetime64[D]")
    days[found] = (days_v[hit].astype(np.int64) + lay.base_day).astype("datetime64[D]")
    return found, cats, counts, days, index


def _batch_previous(s: TagStore, keys: npt.NDArray[np.uint64]) -> tuple[Any, ...]:
    """The previous lookup_batch: one C pass filling all five columns (22 B a key)."""
    n = keys.shape[0]
    cols = (
        np.empty(n, np.int64),
        np.empty(n, np.uint8),
        np.empty(n, np.uint8),
        np.empty(n, np.uint32),
        np.empty(n, np.int64),
    )
    s._core.lookup_columns(keys, *cols)
    return cols


ROUNDS = 3


def _batch_variant(s: TagStore, keys: npt.NDArray[np.uint64], ahead: int, walk: bool) -> Any:
    """lookup_batch with the sorted walk's block prefetch and cursor set (then restored)."""
    _tagstore._set_batch_ahead(ahead)
    _tagstore._set_merge_walk(walk)
    try:
        return s.lookup_batch(keys)
    finally:
        _tagstore._set_batch_ahead(8)
        _tagstore._set_merge_walk(True)


def _best_rates(modes: dict[str, Any], n: int) -> dict[str, float]:
    """Per mode, n / its fastest of ROUNDS timed calls, the modes taking turns."""
    best = dict.fromkeys(modes, float("inf"))
    for _ in range(ROUNDS):
        for name, fn in modes.items():
            t = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t)
    return {name: _rate(n, sec) for name, sec in best.items()}


def _lookup_key_v1(s: TagStore) -> Any:
    """The first lookup_key: the core's packed tag, then the store's cache in Python."""

    def lookup_key(key: int) -> Any:
        packed = s._live().lookup(key)
        return None if packed < 0 else s._tag_of(packed)

    return lookup_key


def bench(n: int, set_max: int, roaring_max: int, tmp: Path, day_bits: list[int]) -> dict[str, Any]:
    r: dict[str, Any] = {"n": n}
    t = time.perf_counter()
    nums = numbers(n)
    r["generate_s"] = time.perf_counter() - t
    rng = np.random.default_rng(2)
    keys = nums | MOBILE
    shuffled = keys.copy()
    rng.shuffle(shuffled)
    cats = rng.integers(1, 16, n).astype(np.uint8)
    counts = rng.geometric(0.3, n).astype(np.uint32)
    days = rng.integers(20550, 20550 + 255, n).astype(np.int32)
    path = tmp / f"bench-{n}.fntags"
    t = time.perf_counter()
    arrays = TagArrays(shuffled, cats, counts, days)
    build(arrays, path, progress=False)
    r["build_s"] = time.perf_counter() - t
    # The same marks in format version 2, to compare the layouts side by side.
    v2path = tmp / f"v2-{n}.fntags"
    t = time.perf_counter()
    build(arrays, v2path, progress=False, format_version=2)
    r["v2_build_s"] = time.perf_counter() - t
    r["v2_bytes_per_number"] = v2path.stat().st_size / n
    # The same marks with coarse days: the period of the last mark in day_bits bits.
    for bits in day_bits:
        cpath = tmp / f"coarse-{bits}-{n}.fntags"
        t = time.perf_counter()
        build(arrays, cpath, progress=False, day_bits=bits)
        r[f"days{bits}_build_s"] = time.perf_counter() - t
        r[f"days{bits}_bytes_per_number"] = cpath.stat().st_size / n
        c2path = tmp / f"coarse-v2-{bits}-{n}.fntags"
        build(arrays, c2path, progress=False, day_bits=bits, format_version=2)
        r[f"v2_days{bits}_bytes_per_number"] = c2path.stat().st_size / n
    del shuffled, cats, counts, days, arrays
    gc.collect()
    size = path.stat().st_size
    r["bytes"] = size
    r["bytes_per_number"] = size / n
    opens = []
    for _ in range(5):
        t = time.perf_counter()
        s = TagStore.open(path, verify=False)
        opens.append(time.perf_counter() - t)
        s.close()
    r["open_ms"] = sorted(opens)[2] * 1e3
    t = time.perf_counter()
    s = TagStore.open(path, verify=True)
    r["open_verify_ms"] = (time.perf_counter() - t) * 1e3
    # Probes: half hits, half random misses.
    m = min(n, 5_000_000)
    hits = keys[rng.integers(0, n, m // 2)]
    misses = (numbers(m // 2, seed=3) | MOBILE) if n > m else hits + np.uint64(1)
    probe = np.concatenate([hits, misses])
    rng.shuffle(probe)
    probe_path = tmp / "probe.npy"
    np.save(probe_path, probe[:1_000_000])
    r.update(_rss_child(str(path), str(probe_path)))
    s2 = TagStore.open(v2path, verify=False)
    s.lookup_batch(probe[:100_000])
    s2.lookup_batch(probe[:100_000])
    b = s.lookup_batch(probe)
    r["batch_hit_rate"] = float(b.found.mean())
    index = np.empty(probe.size, np.int64)
    # The variants take turns, ROUNDS times, and each keeps its best round: on a
    # shared machine that is the figure least disturbed by the other jobs.
    batch_modes = {
        "batch_lookups_per_s": lambda: s.lookup_batch(probe),
        "batch_previous_columns_per_s": lambda: _batch_previous(s, probe),
        "v2_batch_lookups_per_s": lambda: s2.lookup_batch(probe),
        "v2_batch_previous_columns_per_s": lambda: _batch_previous(s2, probe),
        "v2_batch_in_order_numpy_per_s": lambda: _batch_in_order(s2, probe),
        "batch_core_in_order_per_s": lambda: s._core.lookup_batch(probe, index, IN_ORDER),
        "batch_core_sorted_per_s": lambda: s._core.lookup_batch(probe, index),
        "v2_batch_core_sorted_per_s": lambda: s2._core.lookup_batch(probe, index),
        # What the sorted walk's two parts give: without the block prefetch, and the
        # search per key that came before the walk (neither prefetching).
        "batch_no_block_prefetch_per_s": lambda: _batch_variant(s, probe, 0, True),
        "batch_search_per_key_per_s": lambda: _batch_variant(s, probe, 0, False),
    }
    r.update(_best_rates(batch_modes, probe.size))
    single = probe[:300_000].tolist()
    lk, lk1, lk2 = s.lookup_key, _lookup_key_v1(s), s2.lookup_key

    def run_single(fn: Any) -> Any:
        def go() -> None:
            for k in single:
                fn(k)

        return go

    def without_prefetch(fn: Any) -> Any:
        def go() -> None:
            from fraudnum.tags import _tagstore

            _tagstore._set_prefetch(False)
            try:
                run_single(fn)()
            finally:
                _tagstore._set_prefetch(True)

        return go

    single_modes = {
        "single_lookup_key_per_s": run_single(lk),
        "v2_single_lookup_key_per_s": run_single(lk2),
        "single_lookup_key_v1_per_s": run_single(lk1),
        "single_lookup_key_no_prefetch_per_s": without_prefetch(lk),
        "v2_single_lookup_key_no_prefetch_per_s": without_prefetch(lk2),
    }
    r.update(_best_rates(single_modes, len(single)))
    digits = [str(k & ((1 << LEN_SHIFT) - 1)) for k in single]
    ld = s.lookup_digits
    t = time.perf_counter()
    for d in digits:
        ld(d)
    r["single_lookup_digits_per_s"] = _rate(len(digits), time.perf_counter() - t)
    written = ["+86 " + d for d in digits[:100_000]]
    t = time.perf_counter()
    for w in written:
        s.lookup(w)
    r["single_lookup_written_per_s"] = _rate(len(written), time.perf_counter() - t)
    # A day's delta: 500,000 new, 100,000 updated, 64,000 removed.
    new = numbers(500_000, seed=4) | MOBILE
    upd = keys[rng.integers(0, n, 100_000)]
    rem = keys[rng.integers(0, n, 64_000)]
    up_keys = np.concatenate([new, upd])
    delta = Delta(
        TagArrays(
            up_keys,
            np.full(up_keys.size, 1, np.uint8),
            np.full(up_keys.size, 3, np.uint32),
            np.full(up_keys.size, 20805, np.int32),
        ),
        rem,
    )
    t = time.perf_counter()
    rep = merge(s, delta, tmp / f"merged-{n}.fntags", progress=False)
    r["merge_664k_s"] = time.perf_counter() - t
    r["merge_numbers"] = rep.numbers
    s.close()
    s2.close()
    os.unlink(v2path)
    # The same marks with coarse days (built above, before the columns were dropped).
    for bits in day_bits:
        cpath = tmp / f"coarse-{bits}-{n}.fntags"
        c2path = tmp / f"coarse-v2-{bits}-{n}.fntags"
        with (
            TagStore.open(cpath, verify=False) as c,
            TagStore.open(c2path, verify=False) as c2,
        ):
            r[f"days{bits}_day_step"] = c.info()["day_step"]
            c.lookup_batch(probe[:100_000])
            c2.lookup_batch(probe[:100_000])
            batch = {
                f"days{bits}_batch_lookups_per_s": lambda c=c: c.lookup_batch(probe),
                f"v2_days{bits}_batch_lookups_per_s": lambda c=c2: c.lookup_batch(probe),
            }
            r.update(_best_rates(batch, probe.size))
            one = {
                f"days{bits}_single_lookup_key_per_s": run_single(c.lookup_key),
                f"v2_days{bits}_single_lookup_key_per_s": run_single(c2.lookup_key),
            }
            r.update(_best_rates(one, len(single)))
        os.unlink(cpath)
        os.unlink(c2path)
    os.unlink(tmp / f"merged-{n}.fntags")
    # numpy sorted uint64 + uint8 tag.
    tags = np.zeros(n, np.uint8)
    r["numpy_bytes_per_number"] = (keys.nbytes + tags.nbytes) / n
    t = time.perf_counter()
    pos = np.searchsorted(keys, probe)
    pos[pos >= n] = 0
    found = keys[pos] == probe
    _ = tags[pos[found]]
    r["numpy_batch_per_s"] = _rate(probe.size, time.perf_counter() - t)
    ss = keys.searchsorted
    t = time.perf_counter()
    for k in single[:100_000]:
        ss(np.uint64(k))
    r["numpy_single_per_s"] = _rate(100_000, time.perf_counter() - t)
    try:
        from pyroaring import BitMap64
    except ImportError:
        r["pyroaring"] = "not installed"
    if n > roaring_max:
        r["pyroaring"] = f"skipped above {roaring_max:,} numbers"
    elif "pyroaring" not in r:
        t = time.perf_counter()
        bm = BitMap64(nums)
        r["roaring_build_s"] = time.perf_counter() - t
        r["roaring_bytes_per_number"] = len(bm.serialize()) / n
        q = (probe & np.uint64((1 << LEN_SHIFT) - 1)).tolist()[:300_000]
        t = time.perf_counter()
        for x in q:
            _ = x in bm
        r["roaring_single_contains_per_s"] = _rate(len(q), time.perf_counter() - t)
        del bm
    if n <= set_max:
        lst = nums.tolist()
        before = _rss()
        t = time.perf_counter()
        py = set(lst)
        r["set_build_s"] = time.perf_counter() - t
        r["set_rss_bytes_per_number"] = (_rss() - before) / n
        del lst
        q = (probe & np.uint64((1 << LEN_SHIFT) - 1)).tolist()[:300_000]
        t = time.perf_counter()
        for x in q:
            _ = x in py
        r["set_single_contains_per_s"] = _rate(len(q), time.perf_counter() - t)
        del py
    os.unlink(path)
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, action="append", help="numbers (repeatable)")
    ap.add_argument("--set-max", type=int, default=10_000_000, help="largest N for the set")
    ap.add_argument("--roaring-max", type=int, default=250_000_000, help="largest N for roaring")
    ap.add_argument(
        "--day-bits", type=int, action="append", help="coarse day bits to compare (default 1)"
    )
    ap.add_argument("--dir", help="where to write the stores (default: a temp dir)")
    ap.add_argument("--json", help="also write the results here")
    ns = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(dir=ns.dir) as d:
        for n in ns.sizes or [1_000_000]:
            res = bench(n, ns.set_max, ns.roaring_max, Path(d), ns.day_bits or [1])
            print(json.dumps(res), flush=True)
            results.append(res)
    if ns.json:
        Path(ns.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

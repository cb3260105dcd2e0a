"""Single lookups of a version 3 tag store: the compact directory against the file's.

The compact directory (4 bytes a present segment, built in memory at open) and the
file's own (8 bytes a segment) take turns in alternating rounds on the same store,
each round on fresh keys (half hits, half random misses), so the other jobs of a
shared machine disturb both alike; a rate is the best round's. Also the open time
with the compact directory built, and the batched lookup (``lookup_batch``) both ways,
without the sorted walk's block prefetch, and with the search per key it replaced.

Usage::

    python benchmarks/bench_tags_dir.py --sizes 100000000 --day-bits 8 --day-bits 1
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_tags import MOBILE, numbers  # noqa: E402
from fraudnum.tags import TagArrays, TagStore, _tagstore, build  # noqa: E402


def _probe(keys: np.ndarray, n: int, rng: np.random.Generator, seed: int) -> np.ndarray:
    hits = keys[rng.integers(0, keys.size, n // 2)]
    misses = numbers(n // 2, seed=seed) | MOBILE
    p = np.concatenate([hits, misses])
    rng.shuffle(p)
    return p


def _single(s: TagStore, keys: list[int]) -> float:
    lk = s.lookup_key
    t = time.perf_counter()
    for k in keys:
        lk(k)
    return time.perf_counter() - t


def _batch(s: TagStore, keys: np.ndarray) -> float:
    t = time.perf_counter()
    s.lookup_batch(keys)
    return time.perf_counter() - t


def bench(n: int, day_bits: int, rounds: int, tmp: Path, store: str | None) -> dict[str, Any]:
    rng = np.random.default_rng(7)
    keys = numbers(n) | MOBILE
    path = Path(store) if store else tmp / f"dir-{n}-{day_bits}.fntags"
    if not store:
        sh = keys.copy()
        rng.shuffle(sh)
        arrays = TagArrays(
            sh,
            rng.integers(1, 16, n).astype(np.uint8),
            rng.geometric(0.3, n).astype(np.uint32),
            rng.integers(20550, 20550 + 255, n).astype(np.int32),
        )
        build(arrays, path, progress=False, day_bits=None if day_bits == 8 else day_bits)
        del sh, arrays
    opens = []
    for _ in range(7):
        t = time.perf_counter()
        s = TagStore.open(path, verify=False)
        opens.append(time.perf_counter() - t)
        s.close()
    s = TagStore.open(path, verify=False)
    r: dict[str, Any] = {
        "n": n,
        "day_bits": s.info()["day_bits"],
        "segments": s._layout.n_segs,
        "open_ms_median": sorted(opens)[3] * 1e3,
        "load_before": os.getloadavg(),
    }
    best: dict[str, float] = {}
    ns, nb = 300_000, 2_000_000
    for i in range(rounds):
        single = _probe(keys, ns, rng, 100 + i).tolist()
        batch = _probe(keys, nb, rng, 200 + i)
        order = (True, False) if i % 2 == 0 else (False, True)
        for on in order:
            _tagstore._set_compact(on)
            name = "compact" if on else "file_dir"
            sec = _single(s, single)
            best[f"single_{name}"] = min(best.get(f"single_{name}", 1e9), sec)
            sec = _batch(s, batch)
            best[f"batch_{name}"] = min(best.get(f"batch_{name}", 1e9), sec)
        # The sorted walk without its block prefetch, and the search per key before it.
        _tagstore._set_compact(True)
        for name, walk in (("batch_no_block_prefetch", True), ("batch_search_per_key", False)):
            _tagstore._set_batch_ahead(0)
            _tagstore._set_merge_walk(walk)
            sec = _batch(s, batch)
            _tagstore._set_batch_ahead(8)
            _tagstore._set_merge_walk(True)
            best[name] = min(best.get(name, 1e9), sec)
    _tagstore._set_compact(True)
    r.update({f"{k}_per_s": (ns if k.startswith("single") else nb) / v for k, v in best.items()})
    r["single_ratio"] = r["single_compact_per_s"] / r["single_file_dir_per_s"]
    r["batch_ratio"] = r["batch_compact_per_s"] / r["batch_file_dir_per_s"]
    r["block_prefetch_ratio"] = r["batch_compact_per_s"] / r["batch_no_block_prefetch_per_s"]
    r["load_after"] = os.getloadavg()
    s.close()
    if not store:
        os.unlink(path)
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, action="append", help="numbers (repeatable)")
    ap.add_argument("--day-bits", type=int, action="append", help="8 (exact, default) or coarse")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--store", help="an existing store of the same --sizes numbers (skip build)")
    ap.add_argument("--dir", help="where to write the stores (default: a temp dir)")
    ns = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=ns.dir) as d:
        for n in ns.sizes or [1_000_000]:
            for bits in ns.day_bits or [8]:
                print(json.dumps(bench(n, bits, ns.rounds, Path(d), ns.store)), flush=True)


if __name__ == "__main__":
    main()

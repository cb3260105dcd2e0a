"""The batch paths of the tag store: partitioned by segment, in order, and the twin agree.

Large batches are radix-sorted by segment in C before the lookups; these tests
force both paths (``min_partition``) on the same keys, across dense and sparse
segments, other numbers, keys of every odd shape, and a batch longer than one
partition chunk, and compare them with the pure-Python twin and with a dict.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from fraudnum.tags import TagArrays, TagStore, build, number_key
from fraudnum.tags.format import COUNT_BUCKETS, LEN_SHIFT

MOBILE = np.uint64(11 << LEN_SHIFT)
NEVER = 1 << 62  # a min_partition no batch reaches: the in-order path
OTHERS = ["95588", "01065612308", "4008108888", "0014155550123", "12345"]


def _numbers(rng: np.random.Generator) -> np.ndarray:
    """Segments from full (10,000) to one number, so the codes take every low-bit width."""
    parts = [np.arange(13900000000, 13900010000)]  # full: 0 low bits
    for seg, n in ((1390001, 9999), (1500000, 5000), (1861234, 700), (1700000, 37), (1999999, 1)):
        parts.append(seg * 10_000 + np.sort(rng.choice(10_000, n, replace=False)))
    parts.append(np.unique(rng.integers(1300000, 1999999, 3000)) * 10_000 + 4321)
    return np.unique(np.concatenate(parts)).astype(np.uint64)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(7)
    nums = _numbers(rng)
    keys = np.concatenate([nums | MOBILE, np.array([number_key(o) for o in OTHERS], np.uint64)])
    n = keys.size
    path = tmp_path_factory.mktemp("batch") / "s.fntags"
    build(
        TagArrays(
            keys,
            rng.integers(1, 16, n).astype(np.uint8),
            rng.geometric(0.05, n).astype(np.uint32),
            rng.integers(20400, 20650, n).astype(np.int32),
        ),
        path,
        progress=False,
    )
    return path


def _probe(path: Path, size: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    with TagStore.open(path) as s:
        stored = s.to_arrays().keys
    hits = stored[rng.integers(0, stored.size, size // 2)]
    near = hits[: size // 4] + np.uint64(1)  # mostly misses in present segments
    odd = np.array(
        [0, 1, 2**64 - 1, 13900000000, 19999999999, 20000000000, 9999999999]
        + [number_key(o) for o in OTHERS]
        + [13900000000 + 17, (11 << LEN_SHIFT) | 13900000017],  # length 0 and 11
        np.uint64,
    )
    rand = rng.integers(0, 2**63, size - hits.size - near.size, dtype=np.int64).astype(np.uint64)
    rand[::2] = rng.integers(10**10, 2 * 10**10, rand[::2].size).astype(np.uint64) | MOBILE
    probe = np.concatenate([hits, near, odd, rand])
    rng.shuffle(probe)
    return probe


def test_partitioned_batch_matches_in_order_and_twin(store_path: Path) -> None:
    probe = _probe(store_path, 60_000, 1)
    c = TagStore.open(store_path, backend="compiled")
    p = TagStore.open(store_path, backend="python")
    core = c._core
    cols = {}
    for label, mp in (("sorted", 0), ("in order", NEVER)):
        out = [np.empty(probe.size, d) for d in (np.int64, np.uint8, np.uint8, np.uint32, np.int64)]
        core.lookup_columns(probe, *out, mp)
        idx = np.empty(probe.size, np.int64)
        core.lookup_batch(probe, idx, mp)
        assert idx.tolist() == out[0].tolist(), label
        cols[label] = out
    for a, b in zip(cols["sorted"], cols["in order"], strict=True):
        assert a.tolist() == b.tolist()
    # The twin decodes a whole segment per lookup: keep it off the dense ones here.
    segs = (probe & np.uint64((1 << LEN_SHIFT) - 1)) // np.uint64(10_000)
    sub = probe[~np.isin(segs, [1390000, 1390001, 1500000])][::5]
    twin = p.lookup_batch(sub)
    comp = c.lookup_batch(sub)
    assert comp.index.tolist() == twin.index.tolist()
    assert comp.categories.tolist() == twin.categories.tolist()
    assert comp.counts.tolist() == twin.counts.tolist()
    assert comp.last_marked.tolist() == twin.last_marked.tolist()
    assert 0.1 < float(comp.found.mean()) < 0.9
    c.close()
    p.close()


def test_batch_columns_match_single_lookups(store_path: Path) -> None:
    probe = _probe(store_path, 20_000, 2)
    with TagStore.open(store_path, backend="compiled") as s:
        b = s.lookup_batch(probe)
        for i in range(0, probe.size, 13):
            tag = s.lookup_key(int(probe[i]))
            assert (tag is not None) == bool(b.found[i])
            if tag is None:
                assert b.index[i] == -1
                assert b.categories[i] == 0
                assert b.counts[i] == 0
                assert np.isnat(b.last_marked[i])
            else:
                assert tag == b[i]
                assert b.categories[i] == tag.category.code
                assert b.counts[i] == tag.count
                assert tag.count in COUNT_BUCKETS
                assert b.last_marked[i].astype(dt.date) == tag.last_marked


def test_every_number_of_dense_segments_is_found(store_path: Path) -> None:
    # Full and nearly full segments: the high-bit select crosses many words.
    with TagStore.open(store_path) as c, TagStore.open(store_path, backend="python") as p:
        keys = np.arange(13900000000, 13900020000, dtype=np.uint64) | MOBILE
        stored = set(c.to_arrays().keys.tolist())
        want = [int(k) in stored for k in keys.tolist()]
        b = c.lookup_batch(keys)
        assert b.found.tolist() == want
        assert sum(want) == 10_000 + 9_999
        assert p.lookup_batch(keys[::37]).index.tolist() == b.index[::37].tolist()
        for k in keys[::101].tolist():
            assert c.lookup_key(k) == p.lookup_key(k)


def test_batch_longer_than_one_chunk(store_path: Path) -> None:
    # 2**21 keys a chunk: a batch across the boundary keeps every key in its place.
    probe = _probe(store_path, (1 << 21) + 5_000, 3)
    with TagStore.open(store_path, backend="compiled") as s:
        idx = np.empty(probe.size, np.int64)
        s._core.lookup_batch(probe, idx, NEVER)
        b = s.lookup_batch(probe)
        assert b.index.tolist() == idx.tolist()


def test_batch_of_no_keys_and_of_a_store_without_mobiles(tmp_path: Path) -> None:
    path = tmp_path / "o.fntags"
    build([("95588", "fraud", 3, "2026-11-30")], path)
    with TagStore.open(path) as s:
        assert len(s.lookup_batch(np.zeros(0, np.uint64))) == 0
        probe = np.array([number_key("95588"), 13912345678] * 20_000, np.uint64)
        b = s.lookup_batch(probe)
        assert b.found.tolist() == [True, False] * 20_000
        assert b.last_marked[0] == np.datetime64("2026-11-30")


def test_columns_are_what_the_first_lookup_batch_gave(store_path: Path) -> None:
    # The first lookup_batch gathered the columns with numpy from the entry indices;
    # callers (the classifier's batch path) rely on the same dtypes and values.
    probe = _probe(store_path, 30_000, 4)
    with TagStore.open(store_path, backend="compiled") as s:
        b = s.lookup_batch(probe)
        index = np.empty(probe.size, np.int64)
        s._core.lookup_batch(probe, index, NEVER)
        found = index >= 0
        hit = index[found]
        every_tag = np.empty(len(s), np.uint8)
        every_day = np.empty(len(s), np.uint16)
        s._core.decode_tags(every_tag, every_day)
        tagb = every_tag[hit]
        cats = np.zeros(probe.size, np.uint8)
        cats[found] = tagb >> 4
        counts = np.zeros(probe.size, np.uint32)
        counts[found] = np.array(COUNT_BUCKETS, np.uint32)[tagb & 15]
        days = np.full(probe.size, np.datetime64("NaT"), dtype="datetime64[D]")
        days[found] = (every_day[hit].astype(np.int64) + s._layout.base_day).astype("datetime64[D]")
        for got, want in ((b.found, found), (b.categories, cats), (b.counts, counts)):
            assert got.dtype == want.dtype
            assert got.tolist() == want.tolist()
        assert b.last_marked.dtype == days.dtype
        assert b.last_marked.astype(np.int64).tolist() == days.astype(np.int64).tolist()
        assert b.index.tolist() == index.tolist()

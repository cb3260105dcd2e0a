"""The sorted batch's segment walk answers exactly as a search per key.

A sorted batch (``lookup_batch`` of ``PARTITION_MIN`` keys or more) sorts each
segment's keys by suffix and walks the segment's high bits once with one cursor,
with a look-ahead prefetch of the next keys' blocks. These tests hold it equal, key
by key and column by column, to the search per key (``_set_merge_walk(False)``) and
to the in-order path: on drawn stores and batches with repeated keys, many keys in
one segment (the qsort branch) and few (insertion sort), for every day width and
format version, and on corrupt files, where both must fail the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fraudnum.tags import TagArrays, TagStore, TagStoreError, _tagstore, build
from fraudnum.tags.format import LEN_SHIFT

MOBILE = np.uint64(11 << LEN_SHIFT)
NEVER = 1 << 62  # a min_partition no batch reaches: the in-order path


@pytest.fixture(autouse=True)
def _restore_walk() -> Iterator[None]:
    yield
    _tagstore._set_merge_walk(True)
    _tagstore._set_batch_ahead(8)


def _columns(s: TagStore, probe: np.ndarray, min_partition: int) -> list[list[int]]:
    out = [np.empty(probe.size, d) for d in (np.int64, np.uint8, np.uint8, np.uint32, np.int64)]
    s._core.lookup_columns(probe, *out, min_partition)
    batch = s.lookup_batch(probe)
    cols = [o.tolist() for o in out] + [batch.tags.tolist()]
    if batch.days is not None:
        cols.append(batch.days.tolist())
    return cols


def _store(path: Path, nums: np.ndarray, day_bits: int | None, version: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = nums.size
    build(
        TagArrays(
            nums | MOBILE,
            rng.integers(1, 16, n).astype(np.uint8),
            rng.geometric(0.1, n).astype(np.uint32),
            rng.integers(20400, 20650, n).astype(np.int32),
        ),
        path,
        progress=False,
        day_bits=day_bits,
        format_version=version,
    )


@st.composite
def _segments(draw: st.DrawFn) -> np.ndarray:
    """A few segments, from one number to full, so every low-bit width and bucket shape occurs."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    parts = []
    for seg in draw(st.lists(st.integers(1300000, 1999999), min_size=1, max_size=6, unique=True)):
        k = draw(st.sampled_from([1, 2, 7, 60, 700, 5000, 9999, 10000]))
        parts.append(seg * 10_000 + np.sort(rng.choice(10_000, k, replace=False)))
    return np.unique(np.concatenate(parts)).astype(np.uint64)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    nums=_segments(),
    day_bits=st.sampled_from([None, 0, 1, 4, 16]),
    version=st.sampled_from([2, 3]),
    seed=st.integers(0, 2**16),
)
def test_walk_matches_search_per_key(
    tmp_path: Path, nums: np.ndarray, day_bits: int | None, version: int, seed: int
) -> None:
    path = tmp_path / f"w{seed}-{version}-{day_bits}.fntags"
    _store(path, nums, day_bits, version, seed)
    rng = np.random.default_rng(seed)
    segs = np.unique(nums // np.uint64(10_000))
    # Hits, their neighbours (misses in present segments), repeats of the same key,
    # and random suffixes in the stores' segments: 20,000 keys, so the batch sorts.
    hits = nums[rng.integers(0, nums.size, 6_000)]
    near = hits[:3_000] + np.uint64(1)
    rand = segs[rng.integers(0, segs.size, 9_000)] * np.uint64(10_000) + rng.integers(
        0, 10_000, 9_000
    ).astype(np.uint64)
    probe = np.concatenate([hits, near, rand, np.repeat(hits[:20], 100)]) | MOBILE
    rng.shuffle(probe)
    with TagStore.open(path, backend="compiled") as s:
        want = _columns(s, probe, NEVER)
        for walk, ahead in ((True, 8), (True, 1), (True, 0), (False, 0)):
            _tagstore._set_merge_walk(walk)
            _tagstore._set_batch_ahead(ahead)
            assert _columns(s, probe, 0) == want, (walk, ahead)


def _outcome(path: Path, probe: np.ndarray) -> object:
    try:
        with TagStore.open(path, verify=False, backend="compiled") as s:
            b = s.lookup_batch(probe)
            return (b.tags.tolist(), None if b.days is None else b.days.tolist())
    except TagStoreError as e:
        return type(e)


def test_corrupt_blocks_fail_alike_walked_or_searched(tmp_path: Path) -> None:
    # Random bytes in the blocks section: the walk and the search per key give the
    # same columns or both refuse with TagStoreError (a corrupt payload), never
    # anything else.
    rng = np.random.default_rng(3)
    nums = np.unique(
        np.concatenate(
            [
                1391234 * 10_000 + np.sort(rng.choice(10_000, 3_000, replace=False)),
                1861234 * 10_000 + np.sort(rng.choice(10_000, 40, replace=False)),
            ]
        )
    ).astype(np.uint64)
    good = tmp_path / "good.fntags"
    _store(good, nums, None, 3, 3)
    with TagStore.open(good) as s:
        blocks = s.info()["sections"]["blocks"]
    off, size = blocks["offset"], blocks["bytes"]
    base = bytearray(good.read_bytes())
    probe = (
        np.concatenate([nums, nums + np.uint64(1), np.repeat(nums[:50], 200)]).astype(np.uint64)
        | MOBILE
    )
    seen = set()
    for trial in range(60):
        data = bytearray(base)
        for _ in range(1 + trial % 4):
            if trial % 2:
                data[off + int(rng.integers(0, size - 8))] = int(rng.integers(0, 256))
            else:
                # Ones over the first segment's high bits: it loses zeros, so the
                # keys of its last buckets run off its end (a corrupt payload).
                data[off + int(rng.integers(0, 1_000))] = 0xFF
        bad = tmp_path / f"bad{trial}.fntags"
        bad.write_bytes(bytes(data))
        _tagstore._set_merge_walk(True)
        walked = _outcome(bad, probe)
        _tagstore._set_merge_walk(False)
        searched = _outcome(bad, probe)
        assert walked == searched, trial
        seen.add(walked is TagStoreError)
    assert seen == {True, False}  # some flips are caught, some read as other marks
    # The last zeros of the first segment's high bits turned to ones: the keys of its
    # top buckets run off the end, which both paths must report.
    data = bytearray(base)
    data[off + 980 : off + 1000] = b"\xff" * 20
    bad = tmp_path / "no-zeros.fntags"
    bad.write_bytes(bytes(data))
    top = (np.arange(13912349900, 13912350000, dtype=np.uint64) | MOBILE).repeat(200)
    for walk in (True, False):
        _tagstore._set_merge_walk(walk)
        assert _outcome(bad, top) is TagStoreError, walk

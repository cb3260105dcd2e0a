"""The lean batch output: ``lookup_batch`` writes tag bytes and day values only.

Every other column of a :class:`TagBatch` is derived from those two when it is
read; these tests hold the derived columns equal to the previous path's
(``lookup_columns``, every column filled in C) for every day width, on both
twins, check that the batch keeps its own copy of the caller's keys, that a
found entry whose tag byte is 0 is reported as corrupt, and that threads sharing
one store (and its reusable sort scratch) get the answers a lone thread gets.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from fraudnum.tags import TagArrays, TagStore, build, number_key
from fraudnum.tags.format import (
    LEN_SHIFT,
    MOBILE_KEY_HI,
    MOBILE_KEY_LO,
    TagStoreError,
    ef_low_bits,
    high_bits,
)

MOBILE = np.uint64(11 << LEN_SHIFT)
NEVER = 1 << 62  # a min_partition no batch reaches: the in-order path
OTHERS = ["95588", "01065612308", "4008108888", "0014155550123"]


def _marks(rng: np.random.Generator, n: int, span: int) -> TagArrays:
    nums = np.unique(rng.integers(1300000, 1999999, n) * 10_000 + rng.integers(0, 10_000, n))
    keys = np.concatenate(
        [nums.astype(np.uint64) | MOBILE, np.array([number_key(o) for o in OTHERS], np.uint64)]
    )
    m = keys.size
    return TagArrays(
        keys,
        rng.integers(1, 16, m).astype(np.uint8),
        rng.geometric(0.05, m).astype(np.uint32),
        rng.integers(20400, 20400 + span, m).astype(np.int32),
    )


# (day_bits, span of days): exact 8 and 16 bits, coarse 1 and 4 bits, no days.
WIDTHS = [(None, 200), (16, 600), (1, 200), (4, 200), (0, 200)]


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"bits{w[0]}")
def store_path(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    bits, span = request.param
    path = tmp_path_factory.mktemp("lean") / "s.fntags"
    build(_marks(np.random.default_rng(5), 40_000, span), path, progress=False, day_bits=bits)
    return path


def _probe(path: Path, size: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    with TagStore.open(path) as s:
        stored = s.to_arrays().keys
    hits = stored[rng.integers(0, stored.size, size // 2)]
    rand = rng.integers(10**10, 2 * 10**10, size - hits.size).astype(np.uint64) | MOBILE
    probe = np.concatenate([hits, rand, np.array([0, 2**64 - 1, 13900000017], np.uint64)])
    rng.shuffle(probe)
    return probe


def _previous_columns(s: TagStore, keys: np.ndarray) -> dict[str, np.ndarray]:
    """The previous lookup_batch: every column filled by the core's lookup_columns."""
    n = keys.size
    cols: dict[str, np.ndarray] = {
        "index": np.empty(n, np.int64),
        "found": np.empty(n, np.uint8),
        "categories": np.empty(n, np.uint8),
        "counts": np.empty(n, np.uint32),
        "days": np.empty(n, np.int64),
    }
    s._core.lookup_columns(keys, *cols.values())
    return cols


@pytest.mark.parametrize("backend", ["compiled", "python"])
def test_derived_columns_equal_the_previous_path(store_path: Path, backend: str) -> None:
    probe = _probe(store_path, 30_000 if backend == "compiled" else 3_000, 1)
    with TagStore.open(store_path, backend="compiled") as ref:
        want = _previous_columns(ref, probe)
    with TagStore.open(store_path, backend=backend) as s:  # type: ignore[arg-type]
        b = s.lookup_batch(probe)
        assert b.tags.dtype == np.uint8
        assert b.found.dtype == np.bool_
        assert b.found.tolist() == want["found"].astype(bool).tolist()
        assert b.categories.dtype == np.uint8
        assert b.categories.tolist() == want["categories"].tolist()
        assert b.counts.dtype == np.uint32
        assert b.counts.tolist() == want["counts"].tolist()
        assert b.last_marked.dtype == np.dtype("datetime64[D]")
        assert b.last_marked.view(np.int64).tolist() == want["days"].tolist()
        assert b.index.tolist() == want["index"].tolist()
        assert (b.days is None) == (s._layout.day_bits == 0)
        for i in [*np.flatnonzero(b.found)[:200].tolist(), int(np.argmin(b.found))]:
            assert b[i] == s.lookup_key(int(probe[i]))


def test_twins_write_the_same_tag_bytes_and_days(store_path: Path) -> None:
    probe = _probe(store_path, 5_000, 2)
    with (
        TagStore.open(store_path, backend="compiled") as c,
        TagStore.open(store_path, backend="python") as p,
    ):
        for mp in (0, NEVER):  # sorted by segment, and in the caller's order
            tc, tp = np.empty(probe.size, np.uint8), np.empty(probe.size, np.uint8)
            bits = c._layout.day_bits
            dt = np.uint16 if bits == 16 else np.uint8
            dc = np.empty(probe.size, dt) if bits else None
            dp = np.empty(probe.size, dt) if bits else None
            c._core.lookup_tags(probe, tc, dc, mp)
            p._core.lookup_tags(probe, tp, dp, mp)
            assert tc.tolist() == tp.tolist()
            if bits:
                assert dc is not None
                assert dp is not None
                assert dc.tolist() == dp.tolist()


def test_the_batch_keeps_its_own_keys(store_path: Path) -> None:
    probe = _probe(store_path, 20_000, 3)
    with TagStore.open(store_path) as s:
        b = s.lookup_batch(probe)
        want = _previous_columns(s, probe)["index"].tolist()
        probe[:] = 0  # the caller reuses its array before reading the index
        assert b.index.tolist() == want
        from_list = s.lookup_batch([13900000017, 0])
        assert from_list.index.tolist() == [-1, -1]


@pytest.mark.parametrize("backend", ["compiled", "python"])
def test_column_sizes_are_checked(store_path: Path, backend: str) -> None:
    with TagStore.open(store_path, backend=backend) as s:  # type: ignore[arg-type]
        keys = np.zeros(3, np.uint64)
        with pytest.raises(ValueError, match="one slot per key"):
            s._core.lookup_tags(keys, np.empty(2, np.uint8))
        if s._layout.day_bits == 0:
            with pytest.raises(ValueError, match="no days"):
                s._core.lookup_tags(keys, np.empty(3, np.uint8), np.empty(3, np.uint8))
        else:
            dt = np.uint16 if s._layout.day_bits == 16 else np.uint8
            with pytest.raises(ValueError, match="one slot per key"):
                s._core.lookup_tags(keys, np.empty(3, np.uint8), np.empty(4, dt))


@pytest.mark.parametrize("version", [2, 3])
@pytest.mark.parametrize("backend", ["compiled", "python"])
def test_a_found_entry_with_tag_byte_zero_is_corrupt(
    tmp_path: Path, backend: str, version: int
) -> None:
    # No store defines category 0, so the lean form's "0 = not found" cannot hide a
    # real mark; a file whose payload says otherwise (not verified) is reported.
    path = tmp_path / "z.fntags"
    build(
        _marks(np.random.default_rng(9), 2_000, 100), path, progress=False, format_version=version
    )
    with TagStore.open(path) as s:
        keys = s.to_arrays().keys
        key = keys[(keys >= MOBILE_KEY_LO) & (keys < MOBILE_KEY_HI)][0]
        lay = s._layout
    raw = bytearray(path.read_bytes())
    # Entry 0 is the smallest mobile key: the first tag byte (v2), or the tag bits
    # of the first record of the first block (v3; that segment's count from seg_dir).
    if version == 2:
        raw[lay.offset("tags")] = 0
    else:
        n = int.from_bytes(raw[lay.offset("seg_dir") + 8 : lay.offset("seg_dir") + 12], "little")
        first = lay.offset("blocks") * 8 + high_bits(n) + ef_low_bits(n)
        for bit in range(first, first + 8):
            raw[bit // 8] &= ~(1 << bit % 8) & 0xFF
    path.write_bytes(bytes(raw))
    with TagStore.open(path, verify=False, backend=backend) as s:  # type: ignore[arg-type]
        with pytest.raises(TagStoreError, match="corrupt"):
            s.lookup_batch(np.array([key], np.uint64))
        with pytest.raises(TagStoreError, match="corrupt"):
            s.lookup_batch(np.repeat(np.array([key], np.uint64), 20_000))
    with pytest.raises(TagStoreError, match="checksum"):
        TagStore.open(path, verify=True, backend=backend)  # type: ignore[arg-type]


def test_threads_sharing_a_store_get_a_lone_threads_answers(store_path: Path) -> None:
    # A store's sort scratch is reused by one batch at a time; concurrent batches
    # (the lookups release the GIL) take their own, so no answer mixes with another's.
    probes = [_probe(store_path, 40_000 + 977 * i, 10 + i) for i in range(4)]
    with TagStore.open(store_path, backend="compiled") as s:
        want = [s.lookup_batch(p).tags.tolist() for p in probes]
        errors: list[str] = []

        def run(i: int) -> None:
            for _ in range(15):
                if s.lookup_batch(probes[i]).tags.tolist() != want[i]:
                    errors.append(f"thread {i}")

        threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []

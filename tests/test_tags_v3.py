"""Format version 3: one block a segment (high bits, then low bits + tag + day records).

The two packers must write the same bytes, the two readers must read them the
same way, a version 3 store must answer exactly as the version 2 store of the
same marks does (both still read), and no file, however hostile its blocks or
directory, may make a read leave the file.
"""

from __future__ import annotations

import datetime as dt
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fraudnum.tags import (
    TagArrays,
    TagStore,
    TagStoreError,
    _pystore,
    _tagstore,
    build,
    merge,
    number_key,
)
from fraudnum.tags import strategies as tst
from fraudnum.tags._backend import Backend
from fraudnum.tags.format import (
    EF_LOW_TABLE,
    HIGH_BITS_TABLE,
    SECTION_NAMES,
    block_bytes,
)

BACKENDS: list[Backend] = ["compiled", "python"]
DAY_BITS = [None, 0, 1, 2, 4, 16]


def _contents(store: TagStore) -> dict[str, tuple[int, int, dt.date | None, dt.date | None]]:
    return {
        d: (t.category.code, t.count, t.last_marked, t.last_marked_from) for d, t in store.items()
    }


def _section_bytes(path: Path) -> dict[str, bytes]:
    with TagStore.open(path) as s:
        secs = s.info()["sections"]
    raw = path.read_bytes()
    return {k: raw[v["offset"] : v["offset"] + v["bytes"]] for k, v in secs.items()}


@settings(max_examples=60, deadline=None)
@given(
    segments=st.lists(st.lists(st.integers(0, 9999), unique=True, min_size=1), max_size=10),
    day_bits=st.sampled_from([0, 1, 2, 4, 8, 16]),
    seed=st.integers(0, 2**32 - 1),
)
def test_block_packers_agree(segments: list[list[int]], day_bits: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    suffixes = np.array([s for seg in segments for s in sorted(seg)], dtype=np.uint16)
    counts = np.array([len(seg) for seg in segments], dtype=np.intp)
    n = int(counts.sum())
    tags = rng.integers(0, 256, n).astype(np.uint8)
    days = (
        rng.integers(0, 1 << day_bits, n).astype(np.uint16) if day_bits else np.zeros(0, np.uint16)
    )
    sizes = (
        HIGH_BITS_TABLE[counts]
        + counts.astype(np.uint64) * (EF_LOW_TABLE[counts].astype(np.uint64) + 8 + day_bits)
        + 7
    ) // 8
    assert sizes.tolist() == [block_bytes(int(c), day_bits) for c in counts]
    seg_dir = np.zeros(2 * (len(segments) + 1), np.uint32)
    np.cumsum(counts, out=seg_dir[2::2])
    np.cumsum(sizes, out=seg_dir[3::2])
    nwords = (int(seg_dir[-1]) + 7) // 8 + 1
    a = np.zeros(nwords, np.uint64)
    b = np.zeros(nwords, np.uint64)
    _tagstore.pack_blocks(suffixes, tags, days, seg_dir, a, day_bits)
    _pystore.pack_blocks(suffixes, tags, days, seg_dir, b, day_bits)
    assert a.tolist() == b.tolist()


def test_block_packers_refuse_a_directory_that_overruns() -> None:
    suffixes = np.array([1, 2, 3], np.uint16)
    tags = np.full(3, 0x11, np.uint8)
    days = np.zeros(3, np.uint16)
    short = np.array([0, 0, 3, 1], np.uint32)  # 1 byte for a block of 3 suffixes
    for packer in (_tagstore.pack_blocks, _pystore.pack_blocks):
        with pytest.raises(ValueError, match="block"):
            packer(suffixes, tags, days, short, np.zeros(4, np.uint64), 1)
        with pytest.raises(ValueError, match="too short"):
            packer(
                suffixes, tags, days, np.array([0, 0, 3, 800], np.uint32), np.zeros(4, np.uint64), 1
            )


@settings(max_examples=30, deadline=None)
@given(
    table=tst.mark_tables(max_size=60),
    probes=st.lists(tst.canonical_numbers(), max_size=20),
    day_bits=st.sampled_from(DAY_BITS),
)
def test_version_3_answers_as_version_2(
    table: dict[str, tst.Mark], probes: list[str], day_bits: int | None
) -> None:
    with tempfile.TemporaryDirectory() as d:
        arrays = tst.marks_arrays(table)
        paths = {}
        for version in (2, 3):
            for backend in BACKENDS:
                p = Path(d) / f"v{version}-{backend}.fntags"
                # (Marks span 200 days: every day width holds them.)
                build(arrays, p, backend=backend, day_bits=day_bits, format_version=version)
                paths[version, backend] = p
        # Both packers write the same sections (params carry the build time).
        for version in (2, 3):
            c = _section_bytes(paths[version, "compiled"])
            py = _section_bytes(paths[version, "python"])
            assert {k: v for k, v in c.items() if k != "params"} == {
                k: v for k, v in py.items() if k != "params"
            }
        keys = np.array([number_key(x) for x in [*table, *probes]], dtype=np.uint64)
        seen = []
        for version in (2, 3):
            for backend in BACKENDS:
                with TagStore.open(paths[version, backend], backend=backend) as s:
                    assert s.info()["format_version"] == version
                    b = s.lookup_batch(keys)
                    seen.append(
                        (
                            _contents(s),
                            [s.lookup_digits(x) for x in [*table, *probes]],
                            b.tags.tolist(),
                            None if b.days is None else b.days.tolist(),
                            b.index.tolist(),
                            s.to_arrays().keys.tolist(),
                        )
                    )
        assert all(x == seen[0] for x in seen[1:])
        assert all(t for t in seen[0][2][: len(table)])


@pytest.mark.parametrize("backend", BACKENDS)
def test_merges_write_version_3_or_what_is_asked(tmp_path: Path, backend: Backend) -> None:
    rng = np.random.default_rng(4)
    keys = (np.unique(rng.integers(13000000000, 19999999999, 500)) | (11 << 57)).astype(np.uint64)
    n = keys.size
    arr = TagArrays(
        keys,
        rng.integers(1, 16, n).astype(np.uint8),
        rng.integers(1, 50, n).astype(np.uint32),
        rng.integers(20400, 20500, n).astype(np.int32),
    )
    build(arr, tmp_path / "v2.fntags", format_version=2, backend=backend)
    delta = [("13912345678", "fraud", 3, "2026-03-01")]
    with TagStore.open(tmp_path / "v2.fntags", backend=backend) as old:
        merge(old, delta, tmp_path / "m3.fntags", backend=backend)
        merge(old, delta, tmp_path / "m2.fntags", backend=backend, format_version=2)
        with pytest.raises(TagStoreError, match="format_version"):
            merge(old, delta, tmp_path / "m4.fntags", backend=backend, format_version=4)
    with (
        TagStore.open(tmp_path / "m3.fntags", backend=backend) as m3,
        TagStore.open(tmp_path / "m2.fntags", backend=backend) as m2,
    ):
        assert m3.info()["format_version"] == 3
        assert m2.info()["format_version"] == 2
        assert _contents(m3) == _contents(m2)
        assert m3.lookup("13912345678") is not None


def _hostile_base() -> tuple[bytes, dict[str, tuple[int, int]]]:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "s.fntags"
        rng = np.random.default_rng(8)
        nums = [13912345678 + 7 * i for i in range(300)] + [18600000000, 18600009999]
        nums += list(rng.integers(13000000000, 19999999999, 200))
        keys = np.unique(np.array(nums, np.uint64)) | np.uint64(11 << 57)
        keys = np.concatenate([keys, np.array([number_key("95588")], np.uint64)])
        n = keys.size
        build(
            TagArrays(
                keys,
                rng.integers(1, 16, n).astype(np.uint8),
                rng.integers(1, 50, n).astype(np.uint32),
                rng.integers(20400, 20500, n).astype(np.int32),
            ),
            p,
            day_bits=1,
        )
        with TagStore.open(p) as s:
            secs = {k: (v["offset"], v["bytes"]) for k, v in s.info()["sections"].items()}
        return p.read_bytes(), secs


_BASE = _hostile_base()


def _use(path: Path, backend: Backend, verify: bool) -> None:
    try:
        s = TagStore.open(path, verify=verify, backend=backend)
    except TagStoreError:
        return
    try:
        probe = np.array(
            [13912345678 + i for i in range(0, 2100, 7)] + [18600000000, 18600009999, 0],
            np.uint64,
        )
        s.lookup_batch(probe)
        s.lookup_batch(np.repeat(probe, 60))  # sorted by segment
        for k in probe.tolist()[:40]:
            s.lookup_key(k)
        s.lookup("95588")
        s.to_arrays()
    except TagStoreError:
        pass
    finally:
        s.close()


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    section=st.sampled_from(["blocks", "seg_dir", "other_tags", "other_days"]),
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=12),
    backend=st.sampled_from(BACKENDS),
)
def test_hostile_blocks_never_read_out_of_bounds(
    tmp_path: Path, section: str, edits: list[tuple[int, int]], backend: Backend
) -> None:
    # Checksums are not recomputed, so verify must refuse any change; without
    # verify a store may answer wrongly or raise TagStoreError, never crash.
    good, secs = _BASE
    off, length = secs[section]
    data = bytearray(good)
    for pos, value in edits:
        data[off + pos % length] = value
    p = tmp_path / "h.fntags"
    p.write_bytes(bytes(data))
    _use(p, backend, verify=False)
    if bytes(data) != good:
        with pytest.raises(TagStoreError):
            TagStore.open(p, verify=True, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_blocks_section_longer_than_its_blocks_is_refused(
    tmp_path: Path, backend: Backend
) -> None:
    # The last block's end fixes the section's length (one padding word after it):
    # move every block offset back by 8 and the directory no longer fits the section.
    good, secs = _BASE
    off, length = secs["seg_dir"]
    data = bytearray(good)
    pairs = list(struct.unpack_from(f"<{length // 4}I", data, off))
    pairs[-1] -= 8
    struct.pack_into(f"<{length // 4}I", data, off, *pairs)
    p = tmp_path / "l.fntags"
    p.write_bytes(bytes(data))
    with pytest.raises(TagStoreError, match="directory"):
        TagStore.open(p, verify=False, backend=backend)


def test_sections_are_as_documented() -> None:
    assert SECTION_NAMES == (
        "params",
        "bitmap",
        "seg_dir",
        "blocks",
        "other_keys",
        "other_tags",
        "other_days",
    )
    secs = _BASE[1]
    assert list(secs) == list(SECTION_NAMES)

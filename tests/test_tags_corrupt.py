"""Truncated, corrupt and hostile store files: TagStoreError, never a crash or a wild read.

Every test runs on a file of the current format (version 3: one block a segment)
and of version 2 (separate code, tags and days sections), which is still read.
"""

from __future__ import annotations

import functools
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fraudnum.tags import TagArrays, TagStore, TagStoreError, build
from fraudnum.tags._backend import Backend
from fraudnum.tags.format import header_size, section_names

BACKENDS: list[Backend] = ["compiled", "python"]
_FIXED = struct.Struct("<8sHHIQQIB3xiiQI4x")
_SECTION = struct.Struct("<QQI4x")


def _store_bytes(tmp: Path, version: int) -> bytes:
    keys = [13912345678 + i * 7 for i in range(40)] + [18600000000, 18600009999, 17099990000]
    others = ["95588", "01065612308", "4008108888", "0014155550123"]
    from fraudnum.tags import number_key

    allkeys = np.array(
        [(11 << 57) | k for k in keys] + [number_key(o) for o in others], dtype=np.uint64
    )
    n = allkeys.size
    arr = TagArrays(
        allkeys,
        (np.arange(n) % 15 + 1).astype(np.uint8),
        (np.arange(n) * 37 % 2000 + 1).astype(np.uint32),
        (20400 + np.arange(n) % 200).astype(np.int32),
    )
    build(arr, tmp / "good.fntags", format_version=version)
    return (tmp / "good.fntags").read_bytes()


@functools.cache
def _good(version: int = 3) -> bytes:
    with tempfile.TemporaryDirectory() as d:
        return _store_bytes(Path(d), version)


@pytest.fixture(params=[3, 2], ids=["v3", "v2"])
def good(request: pytest.FixtureRequest) -> bytes:
    return _good(request.param)


def _version(data: bytes | bytearray) -> int:
    return int(_FIXED.unpack_from(data, 0)[1])


def _sections(data: bytes) -> dict[str, tuple[int, int]]:
    return {
        name: _SECTION.unpack_from(data, _FIXED.size + i * _SECTION.size)[:2]
        for i, name in enumerate(section_names(_version(data)))
    }


def _reheader(data: bytearray) -> bytearray:
    """Recompute the header checksum, as a hostile writer would."""
    size = header_size(_version(data))
    struct.pack_into("<I", data, size - 8, zlib.crc32(data[: size - 8]))
    return data


def _exercise(path: Path, backend: Backend, verify: bool) -> None:
    """Open and use a store; only TagStoreError may come out."""
    try:
        s = TagStore.open(path, verify=verify, backend=backend)
    except TagStoreError:
        return
    try:
        probe = np.array(
            [13912345678 + i for i in range(0, 300, 3)]
            + [18600000000, 18600009999, 17099990000, 0, 2**64 - 1],
            dtype=np.uint64,
        )
        s.lookup_batch(probe)
        for k in probe.tolist()[:20]:
            s.lookup_key(k)
        s.lookup("95588")
        s.lookup("01065612308")
        s.to_arrays()
    except TagStoreError:
        pass
    finally:
        s.close()


def _write(tmp_path: Path, data: bytes | bytearray, name: str = "bad.fntags") -> Path:
    p = tmp_path / name
    p.write_bytes(bytes(data))
    return p


def test_good_store_opens(good, tmp_path):
    for backend in BACKENDS:
        with TagStore.open(_write(tmp_path, good), backend=backend) as s:
            assert len(s) == 47
            s.verify()


@pytest.mark.parametrize("backend", BACKENDS)
def test_truncated_at_every_section_boundary(good, tmp_path, backend):
    size = header_size(_version(good))
    cuts = {0, 1, 7, 8, size - 1, size, len(good) - 1}
    for off, length in _sections(good).values():
        cuts.update({off, off + 1, off + length // 2, off + length - 1, off + length})
    cuts.discard(len(good))
    for cut in sorted(cuts):
        p = _write(tmp_path, good[:cut])
        for verify in (True, False):
            with pytest.raises(TagStoreError):
                TagStore.open(p, verify=verify, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_flipped_byte_is_caught_by_verify(good, tmp_path, backend):
    secs = _sections(good)
    bitmap_off, bitmap_len = secs["bitmap"]
    positions = [
        i
        for i in range(len(good))
        if not (bitmap_off <= i < bitmap_off + bitmap_len) or i % 211 == 0
    ]
    # Every bitmap byte that has a segment bit set.
    positions += [
        bitmap_off + j for j in range(bitmap_len) if good[bitmap_off + j] and j % 211 != 0
    ]
    for i in positions:
        data = bytearray(good)
        data[i] ^= 0x5A
        p = _write(tmp_path, data)
        with pytest.raises(TagStoreError):
            TagStore.open(p, verify=True, backend=backend)
        if backend == "compiled" or i % 17 == 0:
            _exercise(p, backend, verify=False)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "field",
    [
        "n_mobile",
        "n_other",
        "n_segs",
        "day_width",
        "days_range",
        "file_size",
        "offset_past_end",
        "length_past_end",
        "overlap",
        "misaligned",
        "huge_length",
    ],
)
def test_hostile_header_fields(good, tmp_path, backend, field):
    data = bytearray(good)
    fixed = list(_FIXED.unpack_from(data, 0))
    names = ["magic", "version", "hs", "flags", "n_mobile", "n_other", "n_segs", "day_width"]
    names += ["base_day", "max_day", "file_size", "n_sections"]
    f = dict(zip(names, fixed, strict=True))
    names_v = section_names(_version(data))
    sec_i = names_v.index("blocks" if "blocks" in names_v else "ef")
    off, length, crc = _SECTION.unpack_from(data, _FIXED.size + sec_i * _SECTION.size)
    if field in ("n_mobile", "n_other", "n_segs"):
        f[field] = f[field] + 1 if field != "n_mobile" else 2**32 + 5
    elif field == "day_width":
        f[field] = 3
    elif field == "days_range":
        f["max_day"] = f["base_day"] + 1000
    elif field == "file_size":
        f[field] += 8
    elif field == "offset_past_end":
        off = len(data) + 8
    elif field == "length_past_end":
        length = len(data)
    elif field == "overlap":
        off -= 8
    elif field == "misaligned":
        off += 1
    elif field == "huge_length":
        length = 2**63
    _FIXED.pack_into(data, 0, *(f[n] for n in names))
    _SECTION.pack_into(data, _FIXED.size + sec_i * _SECTION.size, off, length, crc)
    p = _write(tmp_path, _reheader(data))
    for verify in (True, False):
        with pytest.raises(TagStoreError):
            TagStore.open(p, verify=verify, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_hostile_directory_is_rejected_without_verify(good, tmp_path, backend):
    secs = _sections(good)
    if "seg_dir" in secs:
        _hostile_v3_directory(good, secs, tmp_path, backend)
        return
    cum_off, cum_len = secs["seg_cum"]
    pos_off, pos_len = secs["seg_bitpos"]
    hostile = []
    for i in range(cum_len // 4):
        for value in (0, 2**32 - 1, 10001, 3):
            data = bytearray(good)
            old = struct.unpack_from("<I", data, cum_off + 4 * i)[0]
            if old == value:
                continue
            struct.pack_into("<I", data, cum_off + 4 * i, value)
            hostile.append(data)
    for i in range(pos_len // 8):
        for value in (0, 2**64 - 1, 2**40, 5):
            data = bytearray(good)
            if struct.unpack_from("<Q", data, pos_off + 8 * i)[0] == value:
                continue
            struct.pack_into("<Q", data, pos_off + 8 * i, value)
            hostile.append(data)
    for data in hostile:
        p = _write(tmp_path, data)
        with pytest.raises(TagStoreError):
            TagStore.open(p, verify=False, backend=backend)


def _hostile_v3_directory(good: bytes, secs: dict[str, tuple[int, int]], tmp_path, backend):
    # Every entries-before count and every block offset, each set to values that
    # break the directory: all must be refused before any lookup.
    dir_off, dir_len = secs["seg_dir"]
    hostile = []
    for i in range(dir_len // 4):
        for value in (0, 2**32 - 1, 10001, 3, 1):
            data = bytearray(good)
            if struct.unpack_from("<I", data, dir_off + 4 * i)[0] == value:
                continue
            struct.pack_into("<I", data, dir_off + 4 * i, value)
            hostile.append(data)
    assert hostile
    for data in hostile:
        p = _write(tmp_path, data)
        with pytest.raises(TagStoreError):
            TagStore.open(p, verify=False, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_hostile_payload_never_reads_out_of_bounds(good, tmp_path, backend):
    secs = _sections(good)
    names = [n for n in secs if n not in ("params", "seg_cum", "seg_bitpos", "seg_dir")]
    for name in names:
        off, length = secs[name]
        for fill in (0x00, 0xFF, 0xA5):
            data = bytearray(good)
            data[off : off + length] = bytes([fill]) * length
            _exercise(_write(tmp_path, data), backend, verify=False)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
    rehead=st.booleans(),
)
@pytest.mark.parametrize("version", [3, 2])
def test_random_mutations(tmp_path, edits, rehead, version):
    good = _good(version)
    data = bytearray(good)
    for pos, value in edits:
        data[pos % len(data)] = value
    if rehead:
        _reheader(data)
    p = _write(tmp_path, data, "mut.fntags")
    _exercise(p, "compiled", verify=False)
    if rehead:
        # A rewritten header can describe a valid store (another day range, say).
        _exercise(p, "compiled", verify=True)
    elif bytes(data) != good:
        with pytest.raises(TagStoreError):
            TagStore.open(p, verify=True)


def test_not_a_store(tmp_path):
    for content in (b"", b"FNTAGS\r\n", b"PK\x03\x04" + b"\0" * 500, b"\0" * 4096):
        with pytest.raises(TagStoreError):
            TagStore.open(_write(tmp_path, content))
    with pytest.raises(FileNotFoundError):
        TagStore.open(tmp_path / "missing.fntags")

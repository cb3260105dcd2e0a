"""Coarse last-marked days (day_bits 1, 2, 4) and reading version 1 files.

A store of coarse days keeps only the period of ``day_step`` days the last mark
fell in. The property that matters: whatever the build, merge or expiry, the
day a number was really last marked lies inside the range its tag gives, and
the reason says "between" those two days.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fraudnum.tags import Delta, TagArrays, TagStore, TagStoreError, build, merge, number_key
from fraudnum.tags._backend import Backend
from fraudnum.tags.format import (
    HEADER_SIZE_V2,
    day_number,
    ef_low_bits,
    header_size,
    high_bits,
)

BACKENDS: list[Backend] = ["compiled", "python"]
_FIXED = struct.Struct("<8sHHIQQIB3xiiQI4x")
D0 = day_number(dt.date(2026, 3, 1))


def _arrays(n: int, span: int, seed: int) -> TagArrays:
    rng = np.random.default_rng(seed)
    mob = np.unique(rng.integers(13000000000, 19999999999, n)).astype(np.uint64)
    keys = np.concatenate([mob | np.uint64(11 << 57), np.array([number_key("95588")], np.uint64)])
    k = keys.size
    return TagArrays(
        keys,
        rng.integers(1, 16, k).astype(np.uint8),
        rng.geometric(0.2, k).astype(np.uint32),
        (D0 + rng.integers(0, span, k)).astype(np.int32),
    )


def _truth(arr: TagArrays) -> dict[int, int]:
    return dict(zip(arr.keys.tolist(), arr.days.tolist(), strict=True))


def _check_ranges(s: TagStore, truth: dict[int, int]) -> None:
    keys = np.array(list(truth), np.uint64)
    b = s.lookup_batch(keys)
    assert b.found.all()
    for i, (key, day) in enumerate(truth.items()):
        tag = s.lookup_key(key)
        assert tag is not None
        assert tag.last_marked is not None
        first = tag.last_marked_from or tag.last_marked
        assert first <= dt.date(1970, 1, 1) + dt.timedelta(days=day) <= tag.last_marked
        assert b.last_marked[i] == np.datetime64(tag.last_marked)
        assert tag == b[i]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("bits", [1, 2, 4])
def test_coarse_days_hold_the_true_day(tmp_path: Path, backend: Backend, bits: int) -> None:
    arr = _arrays(3000, 250, bits)
    path = tmp_path / "c.fntags"
    build(arr, path, day_bits=bits, backend=backend)
    with TagStore.open(path, backend=backend) as s:
        info = s.info()
        assert info["day_bits"] == bits
        # The shortest aligned period that holds 250 days in 2**bits periods.
        step = info["day_step"]
        assert step * (1 << bits) >= 250
        assert (D0 + 249) // step - D0 // step < 1 << bits
        assert (D0 + 249) // (step - 1) - D0 // (step - 1) >= 1 << bits
        _check_ranges(s, _truth(arr))
        assert s.as_of == max(t.last_marked for _, t in s.items() if t.last_marked)


def test_coarse_days_reason_says_between(tmp_path: Path) -> None:
    rows = [("13912345678", "fraud", 1234, "2026-11-30"), ("95588", "fraud", 1, "2026-10-01")]
    path = tmp_path / "c.fntags"
    build(rows, path, day_bits=2, day_step=30)
    with TagStore.open(path) as s:
        tag = s.lookup("13912345678")
        assert tag is not None
        assert tag.last_marked == dt.date(2026, 11, 30)  # the period's end is past the newest
        assert tag.last_marked_from is not None
        assert tag.last_marked_from <= dt.date(2026, 11, 30)
        assert (dt.date(2026, 11, 30) - tag.last_marked_from).days < 30
        zh, en = tag.reason_texts()
        assert f"最近一次在 {tag.last_marked_from.isoformat()} 至 2026-11-30 之间" in zh
        assert en.endswith(f"(last between {tag.last_marked_from.isoformat()} and 2026-11-30)")
        assert tag.to_dict()["last_marked_from"] == tag.last_marked_from.isoformat()
        one = s.lookup("95588")
        assert one is not None
        assert "between" in one.reason_texts()[1]
    # 180 days do not fit in 4 periods of 30 days.
    rows.append(("13912345679", "fraud", 3, "2026-05-01"))
    with pytest.raises(TagStoreError, match="day_step=30"):
        build(rows, tmp_path / "x.fntags", day_bits=2, day_step=30)


@pytest.mark.parametrize("version", [2, 3])
def test_coarse_days_cost_bits_not_bytes(tmp_path: Path, version: int) -> None:
    arr = _arrays(40_000, 200, 3)
    sizes = {}
    for bits in (0, 1, 2, 4, 8):
        build(arr, tmp_path / f"{bits}.fntags", day_bits=bits, format_version=version)
        sizes[bits] = (tmp_path / f"{bits}.fntags").stat().st_size
    n = len(arr)
    with TagStore.open(tmp_path / "0.fntags") as s:
        segments = s.info()["segments"]
    # Version 3 rounds each segment's block up to a whole byte.
    slack = 16 if version == 2 else segments + 16
    for bits in (1, 2, 4, 8):
        assert sizes[bits] - sizes[0] == pytest.approx(n * bits / 8, abs=slack)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bits=st.sampled_from([1, 2, 4]),
    span=st.integers(1, 300),
    shift=st.integers(0, 400),
    expire=st.integers(0, 300) | st.none(),
    seed=st.integers(0, 1000),
)
def test_merges_keep_every_range_true(
    tmp_path_factory: pytest.TempPathFactory,
    bits: int,
    span: int,
    shift: int,
    expire: int | None,
    seed: int,
) -> None:
    tmp = tmp_path_factory.mktemp("m")
    arr = _arrays(300, span, seed)
    build(arr, tmp / "a.fntags", day_bits=bits)
    truth = _truth(arr)
    rng = np.random.default_rng(seed)
    upd = arr.keys[rng.integers(0, len(arr), 50)]
    new = np.unique(rng.integers(13000000000, 19999999999, 50)).astype(np.uint64) | np.uint64(
        11 << 57
    )
    up = np.unique(np.concatenate([upd, new]))
    # The delta's marks are newer; the whole span may then need longer periods.
    up_days = (D0 + span + shift - rng.integers(0, 30, up.size)).clip(D0).astype(np.int32)
    delta = Delta(
        TagArrays(up, np.full(up.size, 2, np.uint8), np.full(up.size, 7, np.uint32), up_days),
        np.zeros(0, np.uint64),
    )
    cutoff = dt.date(1970, 1, 1) + dt.timedelta(days=D0 + expire) if expire is not None else None
    with TagStore.open(tmp / "a.fntags") as s:
        try:
            merge(s, delta, tmp / "b.fntags", expire_before=cutoff)
        except TagStoreError as e:
            assert "too many" in str(e)  # noqa: PT017 - a span no period of <= 366 days holds
            return
    truth.update(zip(up.tolist(), up_days.tolist(), strict=True))
    with TagStore.open(tmp / "b.fntags") as m:
        assert m.info()["day_bits"] == (bits if len(m) else 0)  # an empty store keeps no days
        kept = {k: d for k, d in truth.items() if m.lookup_key(k) is not None}
        # Expiry drops a mark only when its whole period is before the cutoff.
        for k, d in truth.items():
            if cutoff is None or d >= day_number(cutoff):
                assert k in kept
        _check_ranges(m, kept)


def test_coarse_store_does_not_become_exact(tmp_path: Path) -> None:
    arr = _arrays(100, 100, 4)
    build(arr, tmp_path / "a.fntags", day_bits=4)
    with TagStore.open(tmp_path / "a.fntags") as s:
        with pytest.raises(TagStoreError, match="coarse"):
            merge(s, [], tmp_path / "b.fntags", day_width=1)
        step = s.info()["day_step"]
        with pytest.raises(TagStoreError, match="multiple"):
            merge(s, [], tmp_path / "b.fntags", day_step=step + 1)


def _as_version_1(data: bytes) -> bytearray:
    """A version 2 file of exact days rewritten as the version 1 writer wrote it."""
    out = bytearray(data)
    f = list(_FIXED.unpack_from(out, 0))
    assert f[1] == 2
    assert f[3] == 1
    f[1], f[3], f[7] = 1, 0, f[7] // 8
    _FIXED.pack_into(out, 0, *f)
    struct.pack_into("<I", out, HEADER_SIZE_V2 - 8, zlib.crc32(out[: HEADER_SIZE_V2 - 8]))
    return out


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("span", [100, 1000])
def test_version_1_files_are_still_read(tmp_path: Path, backend: Backend, span: int) -> None:
    arr = _arrays(500, span, 5)
    build(arr, tmp_path / "v2.fntags", format_version=2)
    (tmp_path / "v1.fntags").write_bytes(_as_version_1((tmp_path / "v2.fntags").read_bytes()))
    with (
        TagStore.open(tmp_path / "v1.fntags", backend=backend) as v1,
        TagStore.open(tmp_path / "v2.fntags", backend=backend) as v2,
    ):
        assert dict(v1.items()) == dict(v2.items())
        assert v1.info()["day_width"] == (1 if span < 256 else 2)
        _check_ranges(v1, _truth(arr))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("version", "step", "bits"),
    [
        (2, 0, 2),
        (2, 367, 2),
        (2, 7, 8),
        (2, 1, 3),
        (2, 1, 32),
        (1, 0, 3),
        (1, 0, 8),
        (2, 1, 8),
        (3, 0, 2),
        (3, 367, 2),
        (3, 7, 8),
        (3, 1, 3),
        (3, 1, 32),
        (4, 1, 2),
    ],
)
def test_hostile_day_fields_are_rejected(
    tmp_path: Path, backend: Backend, version: int, step: int, bits: int
) -> None:
    # A file of the layout the header claims (version 4: the current one).
    layout = 2 if version <= 2 else 3
    build(_arrays(50, 10, 6), tmp_path / "a.fntags", day_bits=2, format_version=layout)
    data = bytearray((tmp_path / "a.fntags").read_bytes())
    f = list(_FIXED.unpack_from(data, 0))
    f[1], f[3], f[7] = version, step, bits
    _FIXED.pack_into(data, 0, *f)
    size = header_size(layout)
    struct.pack_into("<I", data, size - 8, zlib.crc32(data[: size - 8]))
    (tmp_path / "b.fntags").write_bytes(bytes(data))
    for verify in (True, False):
        with pytest.raises(TagStoreError):
            TagStore.open(tmp_path / "b.fntags", verify=verify, backend=backend)


def _fill_v3_days(data: bytearray, sections: dict[str, dict[str, int]], fill: int) -> None:
    """Overwrite the day bits (1 a record) of every version 3 block with fill's bits."""
    d_off, b_off = sections["seg_dir"]["offset"], sections["blocks"]["offset"]
    n_dir = sections["seg_dir"]["bytes"] // 8
    pairs = struct.unpack_from(f"<{2 * n_dir}I", data, d_off)
    k = 0
    for r in range(n_dir - 1):
        start, n, at = pairs[2 * r], pairs[2 * r + 2] - pairs[2 * r], pairs[2 * r + 1]
        lo = ef_low_bits(n)
        for idx in range(n):
            bit = b_off * 8 + at * 8 + high_bits(n) + idx * (lo + 9) + lo + 8
            want = (fill >> (k % 8)) & 1
            k += 1
            byte, sh = divmod(bit, 8)
            data[byte] = (data[byte] & ~(1 << sh)) | (want << sh)
        del start


@pytest.mark.parametrize("version", [2, 3])
@pytest.mark.parametrize("backend", BACKENDS)
def test_hostile_coarse_days_never_read_out_of_bounds(
    tmp_path: Path, backend: Backend, version: int
) -> None:
    build(_arrays(200, 100, 7), tmp_path / "a.fntags", day_bits=1, format_version=version)
    good = (tmp_path / "a.fntags").read_bytes()
    with TagStore.open(tmp_path / "a.fntags") as s:
        sections = s.info()["sections"]
    days = "days" if version == 2 else "other_days"
    off, length = sections[days].values()
    for fill in (0x00, 0xFF, 0xA5):
        data = bytearray(good)
        data[off : off + length] = bytes([fill]) * length
        if version == 3:
            _fill_v3_days(data, sections, fill)
        (tmp_path / "b.fntags").write_bytes(bytes(data))
        if fill:
            with pytest.raises(TagStoreError):
                TagStore.open(tmp_path / "b.fntags", backend=backend)
        with TagStore.open(tmp_path / "b.fntags", verify=False, backend=backend) as s:
            b = s.lookup_batch(s.to_arrays().keys)
            assert b.found.all()
            assert not np.isnat(b.last_marked).any()

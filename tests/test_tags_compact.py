"""The compiled core's compact segment directory (version 3, built in memory at open).

Lookups through it must answer exactly as through the file's directory: every
single-key path, batches sorted and in caller order, for every day width, and where
dense segments put a block too far from its bitmap word's base for the compact
entry (those segments go through the file's directory).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fraudnum.tags import TagArrays, TagStore, _tagstore, build, number_key
from fraudnum.tags import strategies as tst

IN_ORDER = 1 << 62  # a min_partition no batch reaches


@contextmanager
def _compact(on: bool) -> Iterator[None]:
    _tagstore._set_compact(on)
    try:
        yield
    finally:
        _tagstore._set_compact(True)


def _answers(s: TagStore, keys: np.ndarray) -> list[Any]:
    core = s._core
    out: list[Any] = []
    index = np.empty(keys.size, np.int64)
    for mp in (IN_ORDER, 1):
        core.lookup_batch(keys, index, mp)
        out.append(index.tolist())
        b = s.lookup_batch(keys)
        out.append((b.tags.tolist(), None if b.days is None else b.days.tolist()))
    ints = keys.tolist()
    out.append([core.find(k) for k in ints])
    out.append([core.lookup(k) for k in ints])
    out.append([s.lookup_key(k) for k in ints])
    return out


def _same_both_ways(path: Path, keys: np.ndarray, twin_keys: int = 300) -> list[Any]:
    with TagStore.open(path, backend="compiled") as s:
        with _compact(False):
            file_dir = _answers(s, keys)
        compact = _answers(s, keys)
    # The pure-Python twin (no compact directory) on a sample: it decodes bit by bit.
    step = max(1, keys.size // twin_keys)
    sample = keys[::step]
    with TagStore.open(path, backend="python", verify=False) as twin:
        twin_index = [twin._core.find(k) for k in sample.tolist()]
    assert compact == file_dir
    assert compact[-3][::step] == twin_index
    return compact


@settings(max_examples=25, deadline=None)
@given(
    table=tst.mark_tables(max_size=60),
    probes=st.lists(tst.canonical_numbers(), max_size=20),
    day_bits=st.sampled_from([None, 0, 1, 2, 4, 16]),
)
def test_compact_directory_answers_as_the_files(
    table: dict[str, tst.Mark], probes: list[str], day_bits: int | None
) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "s.fntags"
        build(tst.marks_arrays(table), p, day_bits=day_bits)
        keys = np.array([number_key(x) for x in [*table, *probes]], dtype=np.uint64)
        found = _same_both_ways(p, keys)[-3]
        assert all(i >= 0 for i in found[: len(table)])


@pytest.mark.parametrize("day_bits", [None, 16])
def test_dense_segments_fall_back_to_the_file_directory(
    tmp_path: Path, day_bits: int | None
) -> None:
    # 16 full segments in one bitmap word (22.5 KB a block with exact days): from
    # the 13th on, a block lies past the 18-bit offset of its word's base.
    rng = np.random.default_rng(3)
    dense = np.arange(13900000000, 13900160000, dtype=np.uint64)
    sparse = np.unique(rng.integers(13000000000, 19999999999, 3000)).astype(np.uint64)
    nums = np.unique(np.concatenate([dense, sparse]))
    n = nums.size
    keys = nums | np.uint64(11 << 57)
    build(
        TagArrays(
            keys,
            rng.integers(1, 16, n).astype(np.uint8),
            rng.integers(1, 50, n).astype(np.uint32),
            rng.integers(20400, 20500, n).astype(np.int32),
        ),
        tmp_path / "s.fntags",
        day_bits=day_bits,
    )
    with TagStore.open(tmp_path / "s.fntags", backend="compiled") as s:
        segs, escaped = s._core._compact_stats()
        assert segs == s.info()["segments"]
        assert 0 < escaped < 16
    probe = np.concatenate(
        [keys[rng.integers(0, n, 20000)], keys[:: max(1, n // 500)] + np.uint64(1), keys[-40:]]
    )
    found = _same_both_ways(tmp_path / "s.fntags", probe, twin_keys=8)[-3]
    assert sum(i >= 0 for i in found) > 20000


def test_version_2_stores_have_no_compact_directory(tmp_path: Path) -> None:
    build([("13912345678", "fraud", 3, "2026-03-01")], tmp_path / "v2.fntags", format_version=2)
    with TagStore.open(tmp_path / "v2.fntags", backend="compiled") as s:
        assert s._core._compact_stats() == (0, 0)
        assert s.lookup("13912345678") is not None

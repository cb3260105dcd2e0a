"""Writing a store file: packing keys and tags into blocks, and :func:`build`.

Files are written to a temporary file beside the target, fsynced and renamed into
place, so processes that have the old file mapped keep reading it undisturbed.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from fraudnum.tags import format as fmt
from fraudnum.tags._backend import Backend, _cores, _pack_ef
from fraudnum.tags.categories import builtin_categories
from fraudnum.tags.format import COUNT_BUCKETS, TagStoreError
from fraudnum.tags.inputs import RowError, _dedup_last, _Progress, _read_source

__all__ = ["BuildReport", "build"]


_CHUNK = 1 << 22


def _tag_bytes(
    categories: npt.NDArray[np.uint8], counts: npt.NDArray[np.uint32]
) -> npt.NDArray[np.uint8]:
    buckets = np.searchsorted(np.array(COUNT_BUCKETS, np.uint32), counts, side="right") - 1
    return ((categories.astype(np.uint8) << 4) | buckets.astype(np.uint8)).astype(np.uint8)


def _pack(
    suffixes: npt.NDArray[np.uint16],
    cum: npt.NDArray[np.uint32],
    bitpos: npt.NDArray[np.uint64],
    words: npt.NDArray[np.uint64],
    backend: Backend,
    bar: _Progress,
) -> None:
    packer = _pack_ef(backend)
    n_segs = cum.shape[0] - 1
    step = 1 << 16
    for a in range(0, n_segs, step):
        b = min(n_segs, a + step)
        packer(suffixes, cum[a : b + 1], bitpos[a : b + 1], words)
        bar.update(int(cum[b] - cum[a]))


def _day_bytes(values: npt.NDArray[np.int32] | None, bits: int) -> npt.NDArray[Any]:
    """A days section: values of 8 or 16 bits, or packed 1, 2 or 4 bits (empty: no days)."""
    if values is None or not bits:
        return np.zeros(0, np.uint8)
    if bits >= 8:
        return values.astype(np.uint8 if bits == 8 else "<u2")
    return fmt.pack_day_values(values, bits)


def _pack_blocks(
    suffixes: npt.NDArray[np.uint16],
    tags: npt.NDArray[np.uint8],
    days: npt.NDArray[np.uint16],
    seg_dir: npt.NDArray[np.uint32],
    words: npt.NDArray[np.uint64],
    day_bits: int,
    backend: Backend,
    bar: _Progress,
) -> None:
    packer = _cores(backend)[2]
    n_segs = seg_dir.shape[0] // 2 - 1
    step = 1 << 16
    for a in range(0, n_segs, step):
        b = min(n_segs, a + step)
        packer(suffixes, tags, days, seg_dir[2 * a : 2 * b + 2], words, day_bits)
        bar.update(int(seg_dir[2 * b] - seg_dir[2 * a]))


def _write_store(
    path: Path,
    keys: npt.NDArray[np.uint64],
    tags: npt.NDArray[np.uint8],
    days: npt.NDArray[np.int32] | None,
    params: dict[str, Any],
    *,
    progress: bool | None,
    backend: Backend,
    day_bits: int | None = None,
    day_step: int | None = None,
    step_of: int = 1,
    version: int = fmt.VERSION,
) -> int:
    """Write sorted unique keys and their tags; returns the file's size.

    ``day_bits``/``day_step``: see :func:`build`; ``step_of``: a chosen step must be
    a multiple of it (a merge keeps each stored period inside one new period);
    ``version``: the format version to write (3, or 2 for readers that predate 3).
    """
    if version not in (2, 3):
        raise TagStoreError(f"format_version={version} is not 2 or 3 (the versions written)")
    n = keys.shape[0]
    lo = int(np.searchsorted(keys, np.uint64(fmt.MOBILE_KEY_LO)))
    hi = int(np.searchsorted(keys, np.uint64(fmt.MOBILE_KEY_HI)))
    mobile = keys[lo:hi]
    other = np.concatenate([keys[:lo], keys[hi:]])
    n_mob = mobile.shape[0]
    if n_mob > 0xFFFFFFFF:
        raise TagStoreError("more than 4,294,967,295 mobile numbers")
    order_tags = np.concatenate([tags[lo:hi], tags[:lo], tags[hi:]])
    # Segments and suffixes, in chunks to bound the temporaries at 242 M numbers.
    seg = np.empty(n_mob, dtype=np.int32)
    suf = np.empty(n_mob, dtype=np.uint16)
    for a in range(0, n_mob, _CHUNK):
        v = mobile[a : a + _CHUNK] & np.uint64(fmt.VALUE_MASK)
        q = v // np.uint64(fmt.SUFFIX_UNIVERSE)
        seg[a : a + _CHUNK] = q - np.uint64(fmt.SEGMENT_BASE)
        suf[a : a + _CHUNK] = v - q * np.uint64(fmt.SUFFIX_UNIVERSE)
    if n_mob:
        starts = np.flatnonzero(seg[1:] != seg[:-1]) + 1
        starts = np.concatenate([np.zeros(1, np.intp), starts])
        seg_ids = seg[starts]
        counts = np.diff(np.concatenate([starts, [n_mob]]))
    else:
        seg_ids = np.zeros(0, np.int32)
        counts = np.zeros(0, np.intp)
    del seg
    n_segs = seg_ids.shape[0]
    cum = np.zeros(n_segs + 1, dtype=np.uint32)
    np.cumsum(counts, out=cum[1:])
    present = np.zeros(fmt.N_SEGMENTS, dtype=bool)
    present[seg_ids] = True
    bitmap = np.packbits(present, bitorder="little").view("<u8")
    # Days: offsets from the oldest (or their periods), in the bits asked for.
    values: npt.NDArray[np.int32] | None = None
    if days is not None and n:
        ordered_days = np.concatenate([days[lo:hi], days[:lo], days[hi:]])
        base_day, max_day = int(ordered_days.min()), int(ordered_days.max())
        bits, step = _day_format(base_day, max_day, day_bits, day_step, step_of)
        if bits:
            values = ordered_days // np.int32(step) - np.int32(base_day // step)
        del ordered_days
    else:
        base_day = max_day = int(days.max()) if days is not None and n else 0
        bits, step = 0, 1
    params = {**params, "categories": [[c.code, c.name, c.zh, c.en] for c in builtin_categories()]}
    params["count_buckets"] = list(COUNT_BUCKETS)
    payload = json.dumps(params, ensure_ascii=False, sort_keys=True).encode("utf-8")
    bar = _Progress(n_mob, f"packing {path.name}", progress)
    sections: list[bytes | npt.NDArray[Any]]
    if version >= 3:
        # One block a segment: its high bits, then a record (low bits, tag, day) a
        # number, in whole bytes; the directory pairs entries-before and byte offset.
        n_of = counts.astype(np.uint64)
        lows = fmt.EF_LOW_TABLE[counts].astype(np.uint64)
        sizes = (fmt.HIGH_BITS_TABLE[counts] + n_of * (lows + np.uint64(8 + bits)) + 7) // 8
        offs = np.zeros(n_segs + 1, dtype=np.uint64)
        np.cumsum(sizes, out=offs[1:])
        if int(offs[-1]) + 16 > 0xFFFFFFFF:
            raise TagStoreError("the segment blocks pass 4 GB, more than format version 3 holds")
        seg_dir = np.empty(2 * (n_segs + 1), dtype=np.uint32)
        seg_dir[0::2] = cum
        seg_dir[1::2] = offs
        words = np.zeros((int(offs[-1]) + 7) // 8 + 1 if n_segs else 0, dtype=np.uint64)
        mob_days = (
            values[:n_mob].astype(np.uint16) if values is not None else np.zeros(0, np.uint16)
        )
        _pack_blocks(suf, order_tags[:n_mob], mob_days, seg_dir, words, bits, backend, bar)
        del mob_days
        sections = [
            payload,
            bitmap,
            seg_dir,
            words,
            other.astype("<u8"),
            order_tags[n_mob:],
            _day_bytes(values[n_mob:] if values is not None else None, bits),
        ]
    else:
        bitpos = np.zeros(n_segs + 1, dtype=np.uint64)
        np.cumsum(fmt.EF_BITS_TABLE[counts], out=bitpos[1:])
        nwords = (int(bitpos[-1]) + 63) // 64 + 1 if n_segs else 0
        words = np.zeros(nwords, dtype=np.uint64)
        _pack(suf, cum, bitpos, words, backend, bar)
        sections = [
            payload,
            bitmap,
            cum,
            bitpos,
            words,
            other.astype("<u8"),
            order_tags,
            _day_bytes(values, bits),
        ]
    bar.close()
    del suf
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(b"\0" * fmt.header_size(version))
            table: list[tuple[int, int, int]] = []
            pos = fmt.header_size(version)
            for sec in sections:
                data = (
                    memoryview(sec)
                    if isinstance(sec, bytes)
                    else np.ascontiguousarray(sec).view(np.uint8).data
                ).cast("B")
                pad = -pos % 8
                f.write(b"\0" * pad)
                pos += pad
                f.write(data)
                table.append((pos, data.nbytes, zlib.crc32(data)))
                pos += data.nbytes
            f.seek(0)
            f.write(
                fmt.pack_header(
                    n_mobile=n_mob,
                    n_other=other.shape[0],
                    n_segs=n_segs,
                    day_bits=bits,
                    day_step=step,
                    base_day=base_day,
                    max_day=max_day,
                    file_size=pos,
                    sections=table,
                    version=version,
                )
            )
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - directories that cannot be opened
        return pos
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
    return pos


def _day_bits(day_width: int | None, day_bits: int | None) -> int | None:
    """The day bits asked for by either spelling (None: the narrowest exact width)."""
    if day_bits is not None:
        if day_bits not in fmt.DAY_BITS:
            raise TagStoreError(f"day_bits={day_bits} is not one of {fmt.DAY_BITS}")
        return day_bits
    if day_width is not None:
        if day_width not in (0, 1, 2):
            raise TagStoreError(f"day_width={day_width} is not 0, 1 or 2")
        return 8 * day_width
    return None


def _day_format(
    base_day: int, max_day: int, day_bits: int | None, day_step: int | None, step_of: int
) -> tuple[int, int]:
    """(bits, step) for marks from base_day to max_day; raises if they cannot fit."""
    span = max_day - base_day
    if day_bits is None:
        day_bits = 8 if span < 256 else 16
    if day_bits >= 8 or day_bits == 0:
        if day_step not in (None, 1):
            raise TagStoreError(f"day_step={day_step} needs day_bits 1, 2 or 4")
        if day_bits and span >= 1 << day_bits:
            raise TagStoreError(
                f"the marks span {span + 1} days, more than day_width={day_bits // 8} holds"
            )
        return day_bits, 1

    def fits(step: int) -> bool:
        return max_day // step - base_day // step < 1 << day_bits

    if day_step is not None:
        if not 1 <= day_step <= fmt.MAX_DAY_STEP or day_step % step_of or not fits(day_step):
            raise TagStoreError(
                f"the marks span {span + 1} days: {1 << day_bits} periods of day_step="
                f"{day_step} days (a multiple of {step_of}, at most {fmt.MAX_DAY_STEP}) "
                "do not hold them"
            )
        return day_bits, day_step
    # The shortest period that holds the span, in whole multiples of step_of.
    step = max(step_of, -(-(span + 1) // (1 << day_bits)) // step_of * step_of)
    while not fits(step):
        step += step_of
    if step > fmt.MAX_DAY_STEP:
        raise TagStoreError(
            f"the marks span {span + 1} days, too many for {day_bits} bits a day; "
            "expire the oldest (expire_before) or keep more bits"
        )
    return day_bits, step


# ------------------------------------------------------------------------- build


@attrs.frozen
class BuildReport:
    """What a build or merge wrote.

    Attributes:
        path: the store written.
        numbers: numbers in it.
        file_bytes: its size.
        skipped: input rows rejected (with ``on_error="skip"``).
        duplicates: repeated numbers (the last row won).
        errors: the first rejected rows.
        seconds: wall time.
    """

    path: str
    numbers: int
    file_bytes: int
    skipped: int
    duplicates: int
    errors: tuple[RowError, ...]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        d = attrs.asdict(self)
        d["errors"] = [str(e) for e in self.errors]
        d["bytes_per_number"] = round(self.file_bytes / self.numbers, 3) if self.numbers else None
        return d


def build(
    source: Any,
    path: str | os.PathLike[str],
    *,
    on_error: Literal["raise", "skip"] = "raise",
    progress: bool | None = None,
    day_width: int | None = None,
    backend: Backend = "auto",
    description: str = "",
    day_bits: int | None = None,
    day_step: int | None = None,
    format_version: int = fmt.VERSION,
) -> BuildReport:
    """Build a store file from marks.

    Args:
        source: a CSV file (header ``number,category,count,last_marked``; numbers in
            any written form, categories by code or name, ISO dates), a Parquet or
            Arrow/Feather file or ``pyarrow.Table`` with those columns, a mapping of
            column arrays, a :class:`TagArrays`, or an iterable of
            ``(number, category, count, last_marked)`` rows.
        path: the file to write (atomically replaced).
        on_error: ``"raise"`` (default) rejects the build if any row is bad, listing
            the first with their line numbers; ``"skip"`` leaves them out and reports them.
        progress: show a progress bar on stderr (default: when stderr is a terminal).
        day_width: bytes per last-marked day: 1 (marks within 256 days), 2, or 0 to
            store no days; default the narrowest that fits.
        day_bits: bits per last-marked day instead: 0, 8, 16 (exact days), or 1, 2,
            4 to keep only the period of ``day_step`` days the last mark fell in
            (periods aligned to 1970-01-01; the reason then says "between" two
            days). 1 bit is what keeps 242 M numbers under 2 bytes a number.
        day_step: days per period with ``day_bits`` 1, 2 or 4; default the
            shortest that holds the marks' span in ``2**day_bits`` periods.
        backend: ``"compiled"``, ``"python"`` or ``"auto"``.
        description: free text kept in the build parameters.
        format_version: 3 (default: each segment's code, tags and days in one
            block) or 2, the previous layout, for readers that predate version 3.

    Raises:
        BadRowsError: bad input rows (``on_error="raise"``).
        TagStoreError: unreadable input.
    """
    t0 = time.perf_counter()
    arrays, _, skipped, errors = _read_source(source, on_error, progress)
    keys, (cats, counts, days), dups = _dedup_last(
        arrays.keys, arrays.categories, arrays.counts, arrays.days
    )
    params = {
        "built_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "source": str(source) if isinstance(source, (str, os.PathLike)) else type(source).__name__,
        "description": description,
        "operation": "build",
    }
    size = _write_store(
        Path(path),
        keys,
        _tag_bytes(cats, counts),
        days,
        params,
        progress=progress,
        backend=backend,
        day_bits=_day_bits(day_width, day_bits),
        day_step=day_step,
        version=format_version,
    )
    return BuildReport(
        str(path), int(keys.shape[0]), size, skipped, dups, errors, time.perf_counter() - t0
    )

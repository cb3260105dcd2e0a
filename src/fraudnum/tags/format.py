"""The tag-store file format, shared by the compiled core and its pure-Python twin.

A store is one little-endian file. Version 3 (what this code writes)::

    header      fixed HEADER_SIZE bytes: magic, version, counts, day range,
                the section table (offset, length, crc32 of each section)
                and a crc32 of the header itself
    params      JSON: the build's parameters (categories, count buckets, source ...)
    bitmap      1,000,000 bits, one per 7-digit mobile segment 1000000..1999999
    seg_dir     uint32[2 * (n_segs + 1)]: per present segment, the numbers before
                it and the byte offset of its block, side by side (one cache line
                holds a segment's pair and the next's)
    blocks      per segment, one block of bytes, everything a lookup in it reads:
                the Elias-Fano high bits of its 4-digit suffixes (n + (9999 >> l) + 1
                bits, l = floor(log2(10000 / n))), then n records of l + 8 + day_bits
                bits, each the suffix's l low bits, its tag byte and its day value;
                then zero bits to the byte; one zero padding word after the last
    other_keys  uint64[n_other]: every other number (landline, 400, 95, international)
                as a numeric key, sorted
    other_tags  uint8[n_other]: their tag bytes
    other_days  their day values, day_bits each (as ``days`` below)

Version 3 puts a segment's code, tags and days in one block, so a single lookup
reads the directory and one or two cache lines of one page, where version 2 read
the directory, the code's high and low bits, the tags and the days in five places
of the file. Version 2 (and 1), still read::

    header, params, bitmap  as above
    seg_cum     uint32[n_segs + 1]: numbers before each present segment
    seg_bitpos  uint64[n_segs + 1]: bit offset of each segment's Elias-Fano code
    ef          uint64 words: per segment, the 4-digit suffixes Elias-Fano coded
                (n*l low bits, then n + (9999 >> l) + 1 high bits), one padding word
    other_keys  uint64[n_other]: every other number (landline, 400, 95, international)
                as a numeric key, sorted
    tags        uint8[n_mobile + n_other]: category << 4 | count bucket
    days        day_bits per entry (8 or 16: the last day marked, as days after
                base_day; 1, 2 or 4, packed from the low bits of each byte: its
                period of day_step days, day // day_step - base_day // day_step)

Version 2 has the day_bits and day_step fields (where version 1 had a day width in
bytes and a zero flags word); version 1 files are still read (day_bits = 8 x width,
day_step = 1).

Entry ``i < n_mobile`` is the i-th mobile number in numeric order, entry
``n_mobile + j`` is ``other_keys[j]``. Every section starts on an 8-byte boundary.

A numeric key packs canonical digits (up to 17) and their length so that leading
zeros survive: ``key = len(digits) << 57 | int(digits)``. A plain integer whose
length field is 0 is read as an 11-digit mobile number, so a column of mobile
numbers as ``int64`` can be looked up as it is.
"""

from __future__ import annotations

import datetime as _dt
import json
import struct
import sys
import zlib
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt

__all__ = [
    "COUNT_BUCKETS",
    "HEADER_SIZE",
    "MAGIC",
    "SECTION_NAMES",
    "VERSION",
    "Layout",
    "TagStoreError",
    "count_bucket",
    "decode_key",
    "ef_bits",
    "ef_low_bits",
    "encode_key",
    "pack_header",
    "read_layout",
]


class TagStoreError(ValueError):
    """A tag store file or its input is invalid; the message says what and where."""


#: What a lookup that met bits no valid store has says (both twins; the checksums tell where).
CORRUPT_PAYLOAD: Final = "corrupt segment payload (run verify)"


#: The first 8 bytes of every tag store file.
MAGIC: Final = b"FNTAGS\r\n"
#: The format version this code writes (it also reads versions 1 and 2, and writes 2 on request).
VERSION: Final = 3
#: The versions this code reads.
VERSIONS: Final = (1, 2, 3)
#: Bits a last-marked day may take: exact days (8, 16) or periods of days (1, 2, 4).
DAY_BITS: Final = (0, 1, 2, 4, 8, 16)
#: The longest period a coarse day may stand for (a year).
MAX_DAY_STEP: Final = 366
#: The sections of a version 3 file, in order.
SECTION_NAMES: Final = (
    "params",
    "bitmap",
    "seg_dir",
    "blocks",
    "other_keys",
    "other_tags",
    "other_days",
)
#: The sections of a version 1 or 2 file, in order.
SECTION_NAMES_V2: Final = (
    "params",
    "bitmap",
    "seg_cum",
    "seg_bitpos",
    "ef",
    "other_keys",
    "tags",
    "days",
)
N_SECTIONS: Final = len(SECTION_NAMES)
# magic, version, header_size, day_step (v1: flags, 0), n_mobile, n_other, n_segs,
# day_bits (v1: day width in bytes), pad, base_day, max_day, file_size, n_sections, pad
_FIXED = struct.Struct("<8sHHIQQIB3xiiQI4x")
_SECTION = struct.Struct("<QQI4x")
_CRC = struct.Struct("<I4x")
#: Bytes of the fixed header, the section directory and its checksum (version 3).
HEADER_SIZE: Final = _FIXED.size + N_SECTIONS * _SECTION.size + _CRC.size
#: The same for versions 1 and 2.
HEADER_SIZE_V2: Final = _FIXED.size + len(SECTION_NAMES_V2) * _SECTION.size + _CRC.size


def section_names(version: int) -> tuple[str, ...]:
    """The sections of a file of this format version, in order."""
    return SECTION_NAMES if version >= 3 else SECTION_NAMES_V2


def header_size(version: int) -> int:
    """Bytes of the header of a file of this format version."""
    return HEADER_SIZE if version >= 3 else HEADER_SIZE_V2


# 7-digit segments 1000000..1999999 of 11-digit mobile numbers; 4-digit suffixes.
N_SEGMENTS: Final = 1_000_000
SEGMENT_BASE: Final = 1_000_000
SUFFIX_UNIVERSE: Final = 10_000
BITMAP_WORDS: Final = N_SEGMENTS // 64
MOBILE_LO: Final = 10_000_000_000
MOBILE_HI: Final = 20_000_000_000
LEN_SHIFT: Final = 57
VALUE_MASK: Final = (1 << LEN_SHIFT) - 1
MAX_DIGITS: Final = 17
MOBILE_KEY_LO: Final = (11 << LEN_SHIFT) | MOBILE_LO
MOBILE_KEY_HI: Final = (11 << LEN_SHIFT) | MOBILE_HI
#: Lower bounds of the 16 count buckets (the low nibble of a tag byte).
COUNT_BUCKETS: Final = (1, 2, 3, 4, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 100000)
MAX_PARAMS_BYTES: Final = 1 << 20


def ef_low_bits(n: int) -> int:
    """Low bits per element of a segment of ``n`` suffixes: floor(log2(10000 / n))."""
    lo = 0
    while n > 0 and (n << (lo + 1)) <= SUFFIX_UNIVERSE:
        lo += 1
    return lo


def ef_bits(n: int) -> int:
    """Bits of the Elias-Fano code of a segment of ``n`` suffixes (0 for n = 0)."""
    if n <= 0:
        return 0
    lo = ef_low_bits(n)
    return n * lo + n + ((SUFFIX_UNIVERSE - 1) >> lo) + 1


def high_bits(n: int) -> int:
    """Bits of the Elias-Fano high part of a segment of ``n`` suffixes."""
    return n + ((SUFFIX_UNIVERSE - 1) >> ef_low_bits(n)) + 1 if n > 0 else 0


def block_bytes(n: int, day_bits: int) -> int:
    """Bytes of a version 3 segment block of ``n`` suffixes: high bits, then records."""
    if n <= 0:
        return 0
    return (high_bits(n) + n * (ef_low_bits(n) + 8 + day_bits) + 7) // 8


# Per-count tables for vectorised builds and checks.
EF_LOW_TABLE: Final = np.array([ef_low_bits(n) for n in range(SUFFIX_UNIVERSE + 1)], np.uint8)
EF_BITS_TABLE: Final = np.array([ef_bits(n) for n in range(SUFFIX_UNIVERSE + 1)], np.uint64)
HIGH_BITS_TABLE: Final = np.array([high_bits(n) for n in range(SUFFIX_UNIVERSE + 1)], np.uint64)


def encode_key(digits: str) -> int:
    """The numeric key of canonical digits (``"13912345678"``, ``"01065612308"``).

    Raises:
        TagStoreError: not 1 to 17 ASCII digits.
    """
    if not (0 < len(digits) <= MAX_DIGITS and digits.isascii() and digits.isdigit()):
        raise TagStoreError(f"{digits!r} is not 1 to {MAX_DIGITS} canonical digits")
    return (len(digits) << LEN_SHIFT) | int(digits)


def decode_key(key: int) -> str:
    """The canonical digits of a numeric key (length 0 is read as 11 digits).

    Raises:
        TagStoreError: the key's length field or value is out of range.
    """
    length = key >> LEN_SHIFT or 11
    value = key & VALUE_MASK
    if length > MAX_DIGITS or value >= 10**length:
        raise TagStoreError(f"{key} is not a valid numeric key")
    return str(value).zfill(length)


def count_bucket(count: int) -> int:
    """The count bucket (0..15) of a mark count >= 1."""
    b = 0
    for i, lo in enumerate(COUNT_BUCKETS):
        if count >= lo:
            b = i
    return b


def day_number(day: _dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - _dt.date(1970, 1, 1)).days


def day_date(n: int) -> _dt.date:
    """The date ``n`` days after 1970-01-01."""
    return _dt.date(1970, 1, 1) + _dt.timedelta(days=n)


class Layout:
    """A validated header: counts, day range and where each section lies.

    Attributes:
        n_mobile: mobile numbers (entries 0 .. n_mobile - 1).
        n_other: other numbers (entries n_mobile ..).
        n_segs: present 7-digit segments.
        day_bits: bits per last-marked day (0: days not stored; 8, 16: exact days;
            1, 2, 4: the period of ``day_step`` days it fell in).
        day_step: days per stored step (1: exact days).
        base_day: day number of day offset 0.
        max_day: the newest day (the store is "as of" this day).
        file_size: bytes in the file.
        sections: name -> (offset, length, crc32).
        params: the decoded build parameters.
        header_crc: crc32 of the header (the file's identity for pickling).
        version: the file's format version (1, 2 or 3).
    """

    __slots__ = (
        "base_day",
        "day_bits",
        "day_step",
        "file_size",
        "header_crc",
        "max_day",
        "n_mobile",
        "n_other",
        "n_segs",
        "params",
        "sections",
        "version",
    )

    def __init__(
        self,
        n_mobile: int,
        n_other: int,
        n_segs: int,
        day_bits: int,
        day_step: int,
        base_day: int,
        max_day: int,
        file_size: int,
        sections: dict[str, tuple[int, int, int]],
        params: dict[str, Any],
        header_crc: int,
        version: int = VERSION,
    ) -> None:
        self.n_mobile = n_mobile
        self.n_other = n_other
        self.n_segs = n_segs
        self.day_bits = day_bits
        self.day_step = day_step
        self.base_day = base_day
        self.max_day = max_day
        self.file_size = file_size
        self.sections = sections
        self.params = params
        self.header_crc = header_crc
        self.version = version

    @property
    def n_total(self) -> int:
        """All entries."""
        return self.n_mobile + self.n_other

    @property
    def tags_section(self) -> str:
        """The section of tag bytes: every entry's (v1, v2), the other numbers' (v3)."""
        return "other_tags" if self.version >= 3 else "tags"

    @property
    def days_section(self) -> str:
        """The section of day values, as :attr:`tags_section`."""
        return "other_days" if self.version >= 3 else "days"

    @property
    def max_period(self) -> int:
        """The largest stored day value the header's day range allows."""
        return self.max_day // self.day_step - self.base_day // self.day_step

    def day_range(self, value: int) -> tuple[int, int]:
        """The first and last day numbers a stored day value can stand for.

        Exact days: the day itself, twice. Periods: the period's first day and its
        last, but no later than the store's newest mark.
        """
        if self.day_step == 1:
            return self.base_day + value, self.base_day + value
        start = (self.base_day // self.day_step + value) * self.day_step
        return start, min(start + self.day_step - 1, self.max_day)

    def offset(self, name: str) -> int:
        """Byte offset of a section."""
        return self.sections[name][0]

    def length(self, name: str) -> int:
        """Byte length of a section."""
        return self.sections[name][1]


def pack_header(
    *,
    n_mobile: int,
    n_other: int,
    n_segs: int,
    day_bits: int,
    day_step: int,
    base_day: int,
    max_day: int,
    file_size: int,
    sections: Sequence[tuple[int, int, int]],
    version: int = VERSION,
) -> bytes:
    """Serialise a header (the crc32 of the header is computed here)."""
    if len(sections) != len(section_names(version)):
        raise ValueError("one (offset, length, crc32) per section of the version")
    head = _FIXED.pack(
        MAGIC,
        version,
        header_size(version),
        day_step,
        n_mobile,
        n_other,
        n_segs,
        day_bits,
        base_day,
        max_day,
        file_size,
        len(sections),
    )
    head += b"".join(_SECTION.pack(o, n, c) for o, n, c in sections)
    return head + _CRC.pack(zlib.crc32(head))


def days_bytes(n: int, day_bits: int) -> int:
    """Bytes of the days section of ``n`` entries."""
    return (n * day_bits + 7) // 8


def _expected_lengths(
    n_mobile: int, n_other: int, n_segs: int, day_bits: int, version: int
) -> dict[str, int]:
    n = n_mobile + n_other
    if version >= 3:
        # The blocks' length depends on the directory: the cores check it.
        return {
            "bitmap": BITMAP_WORDS * 8,
            "seg_dir": 8 * (n_segs + 1),
            "other_keys": 8 * n_other,
            "other_tags": n_other,
            "other_days": days_bytes(n_other, day_bits),
        }
    return {
        "bitmap": BITMAP_WORDS * 8,
        "seg_cum": 4 * (n_segs + 1),
        "seg_bitpos": 8 * (n_segs + 1),
        "other_keys": 8 * n_other,
        "tags": n,
        "days": days_bytes(n, day_bits),
    }


def read_layout(buf: Any, origin: str) -> Layout:
    """Validate a store's header and section table; the payload is checked by the cores.

    Args:
        buf: the whole file (bytes, mmap or memoryview).
        origin: the file's name, for messages.

    Raises:
        TagStoreError: wrong magic or version, truncated, a section out of bounds,
            overlapping or misaligned, a length that does not match the counts,
            a bad header or params checksum, or unreadable params.
    """
    if sys.byteorder != "little":  # pragma: no cover - no such machine here
        raise TagStoreError("tag stores are little-endian; this machine is not")
    size = len(buf)
    if size < HEADER_SIZE:
        raise TagStoreError(
            f"{origin}: {size} bytes is too short for a tag store (truncated or not one)"
        )
    if bytes(buf[:8]) != MAGIC:
        raise TagStoreError(f"{origin}: not a fraudnum tag store (bad magic)")
    fixed = _FIXED.unpack_from(buf, 0)
    _, version, size_field, day_step, n_mobile, n_other, n_segs, day_bits = fixed[:8]
    base_day, max_day, file_size, n_sections = fixed[8:]
    if version not in VERSIONS:
        raise TagStoreError(
            f"{origin}: tag store version {version}, this fraudnum reads 1 to {VERSION}"
        )
    names = section_names(version)
    head_size = header_size(version)
    if size < head_size:
        raise TagStoreError(f"{origin}: {size} bytes is too short for its header (truncated)")
    head_len = head_size - _CRC.size
    (crc,) = _CRC.unpack_from(buf, head_len)
    header_crc = zlib.crc32(buf[:head_len])
    if crc != header_crc or any(buf[head_len + 4 : head_size]):
        raise TagStoreError(f"{origin}: header checksum mismatch (corrupt file)")
    if size_field != head_size or n_sections != len(names):
        raise TagStoreError(f"{origin}: unexpected header size or section count")
    if file_size != size:
        raise TagStoreError(
            f"{origin}: file is {size} bytes but its header says {file_size} (truncated?)"
        )
    if version == 1:
        # Version 1: a day width in bytes, and a flags word that was always 0.
        if day_bits not in (0, 1, 2):
            raise TagStoreError(f"{origin}: day width {day_bits} is not 0, 1 or 2")
        day_bits, day_step = 8 * day_bits, 1
    if day_bits not in DAY_BITS:
        raise TagStoreError(f"{origin}: {day_bits} bits a day is not one of {DAY_BITS}")
    if not 1 <= day_step <= MAX_DAY_STEP or (day_bits >= 8 and day_step != 1):
        raise TagStoreError(f"{origin}: a day step of {day_step} days does not fit its bits")
    if not (0 <= n_segs <= N_SEGMENTS) or n_mobile > 0xFFFFFFFF or n_segs > n_mobile:
        raise TagStoreError(f"{origin}: impossible counts in the header")
    if (n_segs == 0) != (n_mobile == 0) or n_mobile > n_segs * SUFFIX_UNIVERSE:
        raise TagStoreError(f"{origin}: impossible counts in the header")
    if (
        day_bits
        and n_mobile + n_other
        and not (
            0 <= base_day <= max_day and max_day // day_step - base_day // day_step < 1 << day_bits
        )
    ):
        raise TagStoreError(f"{origin}: day range does not fit its width")
    sections: dict[str, tuple[int, int, int]] = {}
    end = head_size
    for i, name in enumerate(names):
        off, length, scrc = _SECTION.unpack_from(buf, _FIXED.size + i * _SECTION.size)
        if off % 8 or off < end or length > size or off > size - length:
            raise TagStoreError(
                f"{origin}: section {name} at {off}+{length} is out of bounds, "
                "misaligned or overlaps another"
            )
        if off - end > 7 or any(buf[end:off]):
            raise TagStoreError(f"{origin}: unexpected bytes before section {name}")
        sections[name] = (off, length, scrc)
        end = off + length
    if end != size:
        raise TagStoreError(f"{origin}: {size - end} unexpected bytes after the last section")
    expected = _expected_lengths(n_mobile, n_other, n_segs, day_bits, version)
    for name, want in expected.items():
        if sections[name][1] != want:
            raise TagStoreError(
                f"{origin}: section {name} is {sections[name][1]} bytes, the counts need {want}"
            )
    code = "blocks" if version >= 3 else "ef"
    ef_len = sections[code][1]
    if ef_len % 8 or (n_segs and ef_len < 16) or (not n_segs and ef_len):
        raise TagStoreError(f"{origin}: section {code} has a bad length {ef_len}")
    poff, plen, pcrc = sections["params"]
    if plen > MAX_PARAMS_BYTES:
        raise TagStoreError(f"{origin}: params section is too large")
    raw = bytes(buf[poff : poff + plen])
    if zlib.crc32(raw) != pcrc:
        raise TagStoreError(f"{origin}: params checksum mismatch (corrupt file)")
    try:
        params = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise TagStoreError(f"{origin}: params are not JSON: {e}") from None
    _check_params(params, origin)
    return Layout(
        n_mobile,
        n_other,
        n_segs,
        day_bits,
        day_step,
        base_day,
        max_day,
        size,
        sections,
        params,
        header_crc,
        version,
    )


def _check_params(params: Any, origin: str) -> None:
    if not isinstance(params, dict):
        raise TagStoreError(f"{origin}: params are not a JSON object")
    cats = params.get("categories")
    ok = isinstance(cats, list) and all(
        isinstance(c, list)
        and len(c) == 4
        and isinstance(c[0], int)
        and 1 <= c[0] <= 15
        and all(isinstance(s, str) for s in c[1:])
        for c in cats
    )
    if not ok:
        raise TagStoreError(f"{origin}: params carry no valid category table")
    buckets = params.get("count_buckets")
    if buckets != list(COUNT_BUCKETS):
        raise TagStoreError(f"{origin}: unknown count buckets {buckets!r}")


def section_crc(buf: Any, layout: Layout, name: str) -> int:
    """crc32 of one section's bytes."""
    off, length, _ = layout.sections[name]
    return zlib.crc32(memoryview(buf)[off : off + length])


def verify_checksums(buf: Any, layout: Layout, origin: str) -> None:
    """Check every section against its crc32.

    Raises:
        TagStoreError: naming the first section that does not match.
    """
    for name in section_names(layout.version):
        if section_crc(buf, layout, name) != layout.sections[name][2]:
            raise TagStoreError(f"{origin}: section {name} checksum mismatch (corrupt file)")


def u64_view(buf: Any, layout: Layout, name: str) -> npt.NDArray[np.uint64]:
    """A read-only uint64 view of a section."""
    off, length, _ = layout.sections[name]
    return np.frombuffer(buf, dtype="<u8", count=length // 8, offset=off)


def check_other_keys(keys: npt.NDArray[np.uint64], origin: str) -> None:
    """Other keys must be strictly increasing, valid and not mobile-shaped.

    Raises:
        TagStoreError: if they are not.
    """
    if keys.size == 0:
        return
    if keys.size > 1 and not bool(np.all(keys[1:] > keys[:-1])):
        raise TagStoreError(f"{origin}: other numbers are not strictly increasing")
    lengths = keys >> np.uint64(LEN_SHIFT)
    values = keys & np.uint64(VALUE_MASK)
    if bool(np.any((lengths == 0) | (lengths > MAX_DIGITS))):
        raise TagStoreError(f"{origin}: an other number has a bad length")
    limits = np.array([10**i for i in range(MAX_DIGITS + 1)], dtype=np.uint64)
    if bool(np.any(values >= limits[lengths.astype(np.intp)])):
        raise TagStoreError(f"{origin}: an other number does not fit its length")
    if bool(np.any((keys >= MOBILE_KEY_LO) & (keys < MOBILE_KEY_HI))):
        raise TagStoreError(f"{origin}: a mobile number is stored among the others")


def day_values(buf: Any, layout: Layout) -> npt.NDArray[Any]:
    """The day values of the days section, as uint8/uint16 (empty without days).

    Every entry's in versions 1 and 2, the other numbers' in version 3.
    """
    n = layout.n_total if layout.version < 3 else layout.n_other
    bits = layout.day_bits
    if not bits or not n:
        return np.zeros(0, np.uint8)
    off = layout.offset(layout.days_section)
    if bits >= 8:
        return np.frombuffer(buf, np.uint8 if bits == 8 else np.dtype("<u2"), count=n, offset=off)
    raw = np.frombuffer(buf, np.uint8, count=days_bytes(n, bits), offset=off)
    shifts = np.arange(0, 8, bits, dtype=np.uint8)
    values = (raw[:, None] >> shifts) & np.uint8((1 << bits) - 1)
    out: npt.NDArray[Any] = values.reshape(-1)[:n]
    return out


def pack_day_values(values: npt.NDArray[Any], bits: int) -> npt.NDArray[np.uint8]:
    """Pack day values of 1, 2 or 4 bits from the low bits of each byte."""
    per = 8 // bits
    v = np.zeros(-(-values.shape[0] // per) * per, np.uint8)
    v[: values.shape[0]] = values
    shifts = np.arange(0, 8, bits, dtype=np.uint8)
    packed: npt.NDArray[np.uint8] = np.bitwise_or.reduce(
        v.reshape(-1, per) << shifts, axis=1
    ).astype(np.uint8)
    return packed

"""The pure-Python twin of ``_tagstore.pyx``: the same API, a simpler algorithm.

Where the compiled core jumps to a suffix's bucket with popcounts, this twin
decodes the whole segment bit by bit (in version 3, its records' tags and days
too) and searches it, so the differential tests compare two independent readings
of the same bits. It is the reference, and the
fallback when ``FRAUDNUM_IMPLEMENTATION=python`` or the core is not compiled.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from fraudnum.tags.format import (
    BITMAP_WORDS,
    CORRUPT_PAYLOAD,
    COUNT_BUCKETS,
    LEN_SHIFT,
    MOBILE_HI,
    MOBILE_LO,
    N_SEGMENTS,
    SUFFIX_UNIVERSE,
    VALUE_MASK,
    Layout,
    TagStoreError,
    block_bytes,
    ef_bits,
    ef_low_bits,
    high_bits,
)

__all__ = ["PyTagCore", "pack_blocks", "pack_ef"]

_NAT = np.iinfo(np.int64).min  # datetime64's NaT as an int64


def _view(buf: Any, layout: Layout, name: str, fmt: Literal["B", "H", "I", "Q"]) -> memoryview:
    off, length, _ = layout.sections[name]
    view: memoryview = memoryview(buf)[off : off + length].cast("B").cast(fmt)
    return view


class PyTagCore:
    """Lookups over one store's sections, in Python.

    Args:
        buf: the whole file, as bytes, an mmap or a memoryview.
        layout: its validated :class:`~fraudnum.tags.format.Layout`.

    Raises:
        TagStoreError: the segment directory or bitmap is inconsistent.
    """

    def __init__(self, buf: Any, layout: Layout) -> None:
        self.n_mobile = layout.n_mobile
        self.n_other = layout.n_other
        self.n_segs = layout.n_segs
        self.day_bits = layout.day_bits
        self.day_step = layout.day_step
        self.base_day = layout.base_day
        self.version = layout.version
        self._layout = layout
        self._tag_factory: Callable[[int], Any] = int
        self._tag_cache: dict[int, Any] = {}
        self._bitmap = _view(buf, layout, "bitmap", "Q")
        v3 = self.version >= 3
        if v3:
            d = _view(buf, layout, "seg_dir", "I")
            self._cum: Any = d[0::2]
            self._bytepos: Any = d[1::2]
        else:
            self._cum = _view(buf, layout, "seg_cum", "I")
            self._bitpos = _view(buf, layout, "seg_bitpos", "Q")
        self._ef = _view(buf, layout, "blocks" if v3 else "ef", "Q")
        self._okeys = _view(buf, layout, "other_keys", "Q")
        # The tags and days sections hold entries from tag_base on (v3: the others').
        self._tag_base = self.n_mobile if v3 else 0
        self._tags = _view(buf, layout, layout.tags_section, "B")
        self._days = _view(buf, layout, layout.days_section, "H" if self.day_bits == 16 else "B")
        self._last: tuple[int, list[int], list[int]] | None = None
        self._rank: list[int] = []
        total = 0
        for w in range(BITMAP_WORDS):
            self._rank.append(total)
            total += int(self._bitmap[w]).bit_count()
        if total != self.n_segs:
            raise TagStoreError(
                "corrupt segment directory: the bitmap's segments do not match the header"
            )
        self._check_directory()

    def _check_directory(self) -> None:
        if self.n_segs == 0:
            return
        if self._cum[0] != 0 or self._seg_bit(0) != 0:
            raise TagStoreError("corrupt segment directory: it does not start at 0")
        limit = (len(self._ef) - 1) * 64
        v3 = self.version >= 3
        for i in range(self.n_segs):
            n = self._cum[i + 1] - self._cum[i]
            step = self._seg_bit(i + 1) - self._seg_bit(i)
            want = 8 * block_bytes(n, self.day_bits) if v3 else ef_bits(n)
            ok = 0 < n <= SUFFIX_UNIVERSE and step == want and self._seg_bit(i + 1) <= limit
            if not ok:
                raise TagStoreError(
                    f"corrupt segment directory: segment {i} has a bad count or bit offset"
                )
        if self._cum[self.n_segs] != self.n_mobile:
            raise TagStoreError(
                "corrupt segment directory: the segment counts do not add up to the header's"
            )
        if v3 and (self._bytepos[self.n_segs] + 7) // 8 + 1 != len(self._ef):
            raise TagStoreError(
                "corrupt segment directory: the blocks section is longer than its segments' blocks"
            )

    def _seg_bit(self, r: int) -> int:
        """Bit offset of the r-th present segment's code (v3: of its block)."""
        return int(self._bytepos[r]) * 8 if self.version >= 3 else int(self._bitpos[r])

    def _geometry(self, r: int) -> tuple[int, int, int, int, int, int, int]:
        """start, n, low bits, high bits [hb, he), first low bits, stride (see the core)."""
        start = int(self._cum[r])
        n = int(self._cum[r + 1]) - start
        lo_bits = ef_low_bits(n)
        if self.version >= 3:
            hb = self._seg_bit(r)
            he = hb + high_bits(n)
            return start, n, lo_bits, hb, he, he, lo_bits + 8 + self.day_bits
        base = self._seg_bit(r)
        return start, n, lo_bits, base + n * lo_bits, self._seg_bit(r + 1), base, lo_bits

    def _bit(self, pos: int) -> int:
        return (self._ef[pos >> 6] >> (pos & 63)) & 1

    def _bits(self, pos: int, width: int) -> int:
        value = 0
        for b in range(width):
            value |= self._bit(pos + b) << b
        return value

    def _segment(self, r: int) -> tuple[list[int], list[int]]:
        """The suffixes and (v3) packed tags of the r-th present segment.

        Packed tags are tag | day value << 8, empty before v3; the last segment
        decoded is kept.
        """
        if self._last is not None and self._last[0] == r:
            return self._last[1], self._last[2]
        out, packed = self._decode_segment(r)
        self._last = (r, out, packed)
        return out, packed

    def _decode_segment(self, r: int) -> tuple[list[int], list[int]]:
        """The suffixes (and v3 packed tags) of the r-th present segment, bit by bit."""
        _, n, lo_bits, hb, he, lowbase, stride = self._geometry(r)
        out: list[int] = []
        packed: list[int] = []
        pos, h = hb, 0
        while len(out) < n:
            if pos >= he:
                raise TagStoreError("corrupt segment payload: too few elements")
            if self._bit(pos):
                p = lowbase + len(out) * stride
                value = (h << lo_bits) | self._bits(p, lo_bits)
                if value >= SUFFIX_UNIVERSE or (out and value <= out[-1]):
                    raise TagStoreError("corrupt segment payload: suffixes not strictly increasing")
                out.append(value)
                if self.version >= 3:
                    tag = self._bits(p + lo_bits, 8)
                    packed.append(tag | self._bits(p + lo_bits + 8, self.day_bits) << 8)
            else:
                h += 1
            pos += 1
        return out, packed

    def _present(self, seg: int) -> int:
        """Rank of a segment among the present ones, or -1."""
        word = self._bitmap[seg >> 6]
        b = seg & 63
        if not (word >> b) & 1:
            return -1
        return self._rank[seg >> 6] + (word & ((1 << b) - 1)).bit_count()

    def _locate(self, key: int) -> tuple[int, int]:
        """(entry index, tag | day value << 8) of a numeric key, or (-1, -1)."""
        key &= (1 << 64) - 1
        length, value = key >> LEN_SHIFT, key & VALUE_MASK
        if length == 0:
            length, key = 11, (11 << LEN_SHIFT) | value
        if length == 11 and MOBILE_LO <= value < MOBILE_HI:
            if self.n_segs == 0:
                return -1, -1
            r = self._present(value // SUFFIX_UNIVERSE - N_SEGMENTS)
            if r < 0:
                return -1, -1
            suffixes, packed = self._segment(r)
            s = value % SUFFIX_UNIVERSE
            i = bisect_left(suffixes, s)
            if i < len(suffixes) and suffixes[i] == s:
                entry = int(self._cum[r]) + i
                return entry, packed[i] if self.version >= 3 else self._packed(entry)
            return -1, -1
        j = bisect_left(self._okeys, key)
        if j < self.n_other and self._okeys[j] == key:
            return self.n_mobile + j, self._packed(self.n_mobile + j)
        return -1, -1

    def _packed(self, i: int) -> int:
        """The tag | day value << 8 of entry i of the tags/days sections (i >= tag_base)."""
        return int(self._tags[i - self._tag_base]) | (self._day_value(i) << 8)

    def find(self, key: int) -> int:
        """Entry index of a numeric key, or -1."""
        return self._locate(key)[0]

    def lookup(self, key: int) -> int:
        """``tag | day_offset << 8`` of a numeric key, or -1."""
        return self._locate(key)[1]

    def _day_value(self, i: int) -> int:
        """Entry i's stored day value in the days section (0 without days)."""
        bits = self.day_bits
        i -= self._tag_base
        if bits >= 8:
            return int(self._days[i])
        if not bits:
            return 0
        byte, shift = divmod(i * bits, 8)
        return (int(self._days[byte]) >> shift) & ((1 << bits) - 1)

    def tag(self, key: int) -> Any:
        """The cached tag object of a numeric key (made by the tag factory once), or None."""
        packed = self.lookup(key)
        if packed < 0:
            return None
        tag = self._tag_cache.get(packed)
        if tag is None:
            tag = self._tag_factory(packed)
            if len(self._tag_cache) < 1 << 16:
                self._tag_cache[packed] = tag
        return tag

    def set_tag_factory(self, factory: Callable[[int], Any]) -> None:
        """Use ``factory(tag | day_offset << 8)`` to make the objects :meth:`tag` returns."""
        self._tag_factory = factory
        self._tag_cache = {}

    def lookup_batch(
        self,
        keys: npt.NDArray[np.uint64],
        out: npt.NDArray[np.int64],
        min_partition: int = 0,
    ) -> None:
        """Entry index (or -1) of every key into ``out`` (in order: no partitioning here)."""
        if out.shape[0] != keys.shape[0]:
            raise ValueError("out must have one slot per key")
        for i, key in enumerate(keys.tolist()):
            out[i] = self.find(key)

    def lookup_tags(
        self,
        keys: npt.NDArray[np.uint64],
        tags: npt.NDArray[np.uint8],
        days: npt.NDArray[np.uint8] | npt.NDArray[np.uint16] | None = None,
        min_partition: int = 0,
    ) -> None:
        """Every key's tag byte (0 where not found) and stored day value (0 there)."""
        n = keys.shape[0]
        if tags.shape[0] != n:
            raise ValueError("tags must have one slot per key")
        if days is not None:
            if not self.day_bits:
                raise ValueError("this store keeps no days")
            if days.shape[0] != n:
                raise ValueError("days must have one slot per key")
        corrupt = False
        for i, key in enumerate(keys.tolist()):
            try:
                j, p = self._locate(key)
            except TagStoreError:
                j, p, corrupt = -1, -1, True
            t = p & 0xFF if j >= 0 else 0
            # A found entry's tag byte is never 0 (no store defines category 0).
            corrupt |= j >= 0 and t == 0
            tags[i] = t
            if days is not None:
                days[i] = p >> 8 if j >= 0 else 0
        if corrupt:
            raise TagStoreError(CORRUPT_PAYLOAD)

    def lookup_columns(
        self,
        keys: npt.NDArray[np.uint64],
        index: npt.NDArray[np.int64],
        found: npt.NDArray[np.uint8],
        categories: npt.NDArray[np.uint8],
        counts: npt.NDArray[np.uint32],
        days: npt.NDArray[np.int64],
        min_partition: int = 0,
    ) -> None:
        """Every key's entry index, found flag, category, count bucket and day number."""
        n = keys.shape[0]
        if not (index.shape[0] == found.shape[0] == categories.shape[0] == n):
            raise ValueError("every column must have one slot per key")
        if not (counts.shape[0] == days.shape[0] == n):
            raise ValueError("every column must have one slot per key")
        for i, key in enumerate(keys.tolist()):
            j, p = self._locate(key)
            index[i] = j
            if j < 0:
                found[i] = categories[i] = counts[i] = 0
                days[i] = _NAT
                continue
            tag = p & 0xFF
            found[i] = 1
            categories[i] = tag >> 4
            counts[i] = COUNT_BUCKETS[tag & 15]
            days[i] = self._layout.day_range(p >> 8)[1] if self.day_bits else _NAT

    def decode_keys(self, out: npt.NDArray[np.uint64]) -> None:
        """Every entry's numeric key, in entry order, into ``out``."""
        if out.shape[0] != self.n_mobile + self.n_other:
            raise ValueError("out must have one slot per entry")
        r = 0
        for w in range(BITMAP_WORDS):
            word = self._bitmap[w]
            b = 0
            while word:
                if word & 1:
                    prefix = (w * 64 + b + N_SEGMENTS) * SUFFIX_UNIVERSE
                    start = self._cum[r]
                    for i, s in enumerate(self._segment(r)[0]):
                        out[start + i] = (11 << LEN_SHIFT) | (prefix + s)
                    r += 1
                word >>= 1
                b += 1
        for j in range(self.n_other):
            out[self.n_mobile + j] = self._okeys[j]

    def decode_tags(self, tags: npt.NDArray[np.uint8], days: npt.NDArray[np.uint16]) -> None:
        """Every entry's tag byte and stored day value (0 without days), in entry order."""
        n = self.n_mobile + self.n_other
        if tags.shape[0] != n or days.shape[0] != n:
            raise ValueError("tags and days must have one slot per entry")
        for r in range(self.n_segs):
            start = int(self._cum[r])
            if self.version >= 3:
                packed = self._segment(r)[1]
            else:
                packed = [self._packed(start + i) for i in range(int(self._cum[r + 1]) - start)]
            for i, p in enumerate(packed):
                tags[start + i] = p & 0xFF
                days[start + i] = p >> 8
        for j in range(self.n_mobile, n):
            p = self._packed(j)
            tags[j] = p & 0xFF
            days[j] = p >> 8

    def check_segments(self, known: int = 0, max_value: int = 0) -> None:
        """Decode every segment, checking its suffixes are increasing and in range.

        In a version 3 store, when ``known`` is not 0, also every block's tags (their
        categories must be bits of ``known``) and days (at most ``max_value``).
        """
        for r in range(self.n_segs):
            _, packed = self._decode_segment(r)
            for p in packed if known else ():
                if not (known >> ((p & 0xFF) >> 4)) & 1:
                    raise TagStoreError("a tag names a category the store does not define")
                if self.day_bits and p >> 8 > max_value:
                    raise TagStoreError("a last-marked day is past the header's newest")


def pack_ef(
    suffixes: npt.NDArray[np.uint16],
    cum: npt.NDArray[np.uint32],
    bitpos: npt.NDArray[np.uint64],
    words: npt.NDArray[np.uint64],
) -> None:
    """Elias-Fano code each segment's sorted suffixes into ``words`` (zeroed)."""
    n_segs = cum.shape[0] - 1
    if bitpos.shape[0] != cum.shape[0] or (n_segs and int(bitpos[n_segs]) + 64 > words.size * 64):
        raise ValueError("words too short for the directory")
    sl = suffixes.tolist()
    for r in range(n_segs):
        start, end = int(cum[r]), int(cum[r + 1])
        n = end - start
        lo_bits = ef_low_bits(n)
        base = int(bitpos[r])
        # The segment's bits as one int, shifted to its first word, then ORed in.
        acc = 0
        for idx in range(n):
            s = sl[start + idx]
            acc |= (s & ((1 << lo_bits) - 1)) << (idx * lo_bits)
            acc |= 1 << (n * lo_bits + (s >> lo_bits) + idx)
        acc <<= base & 63
        nwords = (acc.bit_length() + 63) // 64
        if nwords:
            first = base >> 6
            chunk = np.frombuffer(acc.to_bytes(nwords * 8, "little"), dtype="<u8")
            words[first : first + nwords] |= chunk


def pack_blocks(
    suffixes: npt.NDArray[np.uint16],
    tags: npt.NDArray[np.uint8],
    days: npt.NDArray[np.uint16],
    seg_dir: npt.NDArray[np.uint32],
    words: npt.NDArray[np.uint64],
    day_bits: int,
) -> None:
    """Write version 3 segment blocks into ``words`` (zeroed).

    Per segment its Elias-Fano high bits, then a record of low bits, tag byte and
    day value a suffix.
    """
    n_segs = seg_dir.shape[0] // 2 - 1
    if n_segs <= 0:
        return
    if int(seg_dir[2 * n_segs + 1]) * 8 + 64 > words.size * 64:
        raise ValueError("words too short for the directory")
    sl, tl = suffixes.tolist(), tags.tolist()
    dl = days.tolist() if day_bits else []
    for r in range(n_segs):
        start, end = int(seg_dir[2 * r]), int(seg_dir[2 * r + 2])
        n = end - start
        if not 0 < n <= SUFFIX_UNIVERSE or int(seg_dir[2 * r + 3]) - int(
            seg_dir[2 * r + 1]
        ) < block_bytes(n, day_bits):
            raise ValueError("a segment of the directory has a bad count or block size")
        lo_bits = ef_low_bits(n)
        width = lo_bits + 8 + day_bits
        records = high_bits(n)
        # The block's bits as one int, shifted to its first word, then ORed in.
        acc = 0
        for idx in range(n):
            s = sl[start + idx]
            rec = (s & ((1 << lo_bits) - 1)) | (tl[start + idx] << lo_bits)
            if day_bits:
                rec |= (dl[start + idx] & ((1 << day_bits) - 1)) << (lo_bits + 8)
            acc |= rec << (records + idx * width)
            acc |= 1 << ((s >> lo_bits) + idx)
        base = int(seg_dir[2 * r + 1]) * 8
        acc <<= base & 63
        nwords = (acc.bit_length() + 63) // 64
        if nwords:
            first = base >> 6
            chunk = np.frombuffer(acc.to_bytes(nwords * 8, "little"), dtype="<u8")
            words[first : first + nwords] |= chunk

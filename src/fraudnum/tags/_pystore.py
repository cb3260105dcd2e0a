"""The pure-Python twin of ``_tagstore.pyx``: the same API, a simpler algorithm.

Where the compiled core jumps to a suffix's bucket with popcounts, this twin
decodes the whole segment bit by bit and searches it, so the differential tests
compare two independent readings of the same bits. It is the reference, and the
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
    COUNT_BUCKETS,
    LEN_SHIFT,
    MOBILE_HI,
    MOBILE_LO,
    N_SEGMENTS,
    SUFFIX_UNIVERSE,
    VALUE_MASK,
    Layout,
    TagStoreError,
    ef_bits,
    ef_low_bits,
)

__all__ = ["PyTagCore", "pack_ef"]

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
        self._layout = layout
        self._tag_factory: Callable[[int], Any] = int
        self._tag_cache: dict[int, Any] = {}
        self._bitmap = _view(buf, layout, "bitmap", "Q")
        self._cum = _view(buf, layout, "seg_cum", "I")
        self._bitpos = _view(buf, layout, "seg_bitpos", "Q")
        self._ef = _view(buf, layout, "ef", "Q")
        self._okeys = _view(buf, layout, "other_keys", "Q")
        self._tags = _view(buf, layout, "tags", "B")
        self._days = _view(buf, layout, "days", "H" if self.day_bits == 16 else "B")
        self._last: tuple[int, list[int]] | None = None
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
        if self._cum[0] != 0 or self._bitpos[0] != 0:
            raise TagStoreError("corrupt segment directory: it does not start at 0")
        limit = (len(self._ef) - 1) * 64
        for i in range(self.n_segs):
            n = self._cum[i + 1] - self._cum[i]
            step = self._bitpos[i + 1] - self._bitpos[i]
            if not (0 < n <= SUFFIX_UNIVERSE) or step != ef_bits(n) or self._bitpos[i + 1] > limit:
                raise TagStoreError(
                    f"corrupt segment directory: segment {i} has a bad count or bit offset"
                )
        if self._cum[self.n_segs] != self.n_mobile:
            raise TagStoreError(
                "corrupt segment directory: the segment counts do not add up to the header's"
            )

    def _bit(self, pos: int) -> int:
        return (self._ef[pos >> 6] >> (pos & 63)) & 1

    def _segment(self, r: int) -> list[int]:
        """The suffixes of the r-th present segment (the last one decoded is kept)."""
        if self._last is not None and self._last[0] == r:
            return self._last[1]
        out = self._decode_segment(r)
        self._last = (r, out)
        return out

    def _decode_segment(self, r: int) -> list[int]:
        """The suffixes of the r-th present segment, decoded bit by bit."""
        start = self._cum[r]
        n = self._cum[r + 1] - start
        lo_bits = ef_low_bits(n)
        base = self._bitpos[r]
        hb = base + n * lo_bits
        he = self._bitpos[r + 1]
        out: list[int] = []
        pos, h = hb, 0
        while len(out) < n:
            if pos >= he:
                raise TagStoreError("corrupt segment payload: too few elements")
            if self._bit(pos):
                low = 0
                p = base + len(out) * lo_bits
                for b in range(lo_bits):
                    low |= self._bit(p + b) << b
                value = (h << lo_bits) | low
                if value >= SUFFIX_UNIVERSE or (out and value <= out[-1]):
                    raise TagStoreError("corrupt segment payload: suffixes not strictly increasing")
                out.append(value)
            else:
                h += 1
            pos += 1
        return out

    def _present(self, seg: int) -> int:
        """Rank of a segment among the present ones, or -1."""
        word = self._bitmap[seg >> 6]
        b = seg & 63
        if not (word >> b) & 1:
            return -1
        return self._rank[seg >> 6] + (word & ((1 << b) - 1)).bit_count()

    def find(self, key: int) -> int:
        """Entry index of a numeric key, or -1."""
        key &= (1 << 64) - 1
        length, value = key >> LEN_SHIFT, key & VALUE_MASK
        if length == 0:
            length, key = 11, (11 << LEN_SHIFT) | value
        if length == 11 and MOBILE_LO <= value < MOBILE_HI:
            if self.n_segs == 0:
                return -1
            r = self._present(value // SUFFIX_UNIVERSE - N_SEGMENTS)
            if r < 0:
                return -1
            suffixes = self._segment(r)
            s = value % SUFFIX_UNIVERSE
            i = bisect_left(suffixes, s)
            if i < len(suffixes) and suffixes[i] == s:
                return int(self._cum[r]) + i
            return -1
        j = bisect_left(self._okeys, key)
        if j < self.n_other and self._okeys[j] == key:
            return self.n_mobile + j
        return -1

    def lookup(self, key: int) -> int:
        """``tag | day_offset << 8`` of a numeric key, or -1."""
        i = self.find(key)
        if i < 0:
            return -1
        return int(self._tags[i]) | (self._day_value(i) << 8)

    def _day_value(self, i: int) -> int:
        """Entry i's stored day value (0 without days)."""
        bits = self.day_bits
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
                j = self.find(key)
            except TagStoreError:
                j, corrupt = -1, True
            t = int(self._tags[j]) if j >= 0 else 0
            # A found entry's tag byte is never 0 (no store defines category 0).
            corrupt |= j >= 0 and t == 0
            tags[i] = t
            if days is not None:
                days[i] = self._day_value(j) if j >= 0 else 0
        if corrupt:
            raise TagStoreError("corrupt segment payload (run verify)")

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
            j = self.find(key)
            index[i] = j
            if j < 0:
                found[i] = categories[i] = counts[i] = 0
                days[i] = _NAT
                continue
            tag = self._tags[j]
            found[i] = 1
            categories[i] = tag >> 4
            counts[i] = COUNT_BUCKETS[tag & 15]
            days[i] = self._layout.day_range(self._day_value(j))[1] if self.day_bits else _NAT

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
                    for i, s in enumerate(self._segment(r)):
                        out[start + i] = (11 << LEN_SHIFT) | (prefix + s)
                    r += 1
                word >>= 1
                b += 1
        for j in range(self.n_other):
            out[self.n_mobile + j] = self._okeys[j]

    def check_segments(self) -> None:
        """Decode every segment, checking its suffixes are increasing and in range."""
        for r in range(self.n_segs):
            self._decode_segment(r)


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

"""Type stubs for the compiled tag-store core (see ``_tagstore.pyx``)."""

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from fraudnum.tags.format import Layout

class TagCore:
    """Lookups over one store's sections (the buffer is kept alive by the core)."""

    n_mobile: int
    n_other: int
    n_segs: int
    day_bits: int
    day_step: int
    def __init__(self, buf: Any, layout: Layout) -> None: ...
    def find(self, key: int) -> int:
        """Entry index of a numeric key, or -1."""
    def lookup(self, key: int) -> int:
        """``tag | day_offset << 8`` of a numeric key, or -1."""
    def tag(self, key: int) -> Any:
        """The cached tag object of a numeric key (made by the tag factory once), or None."""
    def set_tag_factory(self, factory: Callable[[int], Any]) -> None:
        """Use ``factory(tag | day_offset << 8)`` to make the objects :meth:`tag` returns."""
    def lookup_batch(
        self, keys: npt.NDArray[np.uint64], out: npt.NDArray[np.int64], min_partition: int = ...
    ) -> None:
        """Entry index (or -1) of every key into ``out``, without the GIL.

        Batches of ``min_partition`` keys or more are sorted by segment first.
        """
    def lookup_tags(
        self,
        keys: npt.NDArray[np.uint64],
        tags: npt.NDArray[np.uint8],
        days: npt.NDArray[np.uint8] | npt.NDArray[np.uint16] | None = ...,
        min_partition: int = ...,
    ) -> None:
        """Every key's tag byte (0 where not found) and stored day value, without the GIL."""
    def lookup_columns(
        self,
        keys: npt.NDArray[np.uint64],
        index: npt.NDArray[np.int64],
        found: npt.NDArray[np.uint8],
        categories: npt.NDArray[np.uint8],
        counts: npt.NDArray[np.uint32],
        days: npt.NDArray[np.int64],
        min_partition: int = ...,
    ) -> None:
        """Every key's entry index, found flag, category, count bucket and day, without the GIL."""
    version: int
    def decode_keys(self, out: npt.NDArray[np.uint64]) -> None:
        """Every entry's numeric key, in entry order, into ``out``."""
    def decode_tags(self, tags: npt.NDArray[np.uint8], days: npt.NDArray[np.uint16]) -> None:
        """Every entry's tag byte and stored day value (0 without days), in entry order."""
    def _compact_stats(self) -> tuple[int, int]:
        """(segments in the compact directory, those of them it sends to the file's)."""
    def check_segments(self, known: int = ..., max_value: int = ...) -> None:
        """Decode every segment, checking its suffixes are increasing and in range."""

def pack_ef(
    suffixes: npt.NDArray[np.uint16],
    cum: npt.NDArray[np.uint32],
    bitpos: npt.NDArray[np.uint64],
    words: npt.NDArray[np.uint64],
) -> None:
    """Elias-Fano code each segment's sorted suffixes into ``words`` (zeroed)."""

def _set_prefetch(on: bool) -> None:
    """Turn the intra-lookup prefetch on or off (for side-by-side benchmarks)."""

def _set_batch_ahead(n: int) -> None:
    """Look-ahead distance of the sorted batch's prefetch, 0 for none (benchmarks)."""

def _set_merge_walk(on: bool) -> None:
    """Walk a sorted batch's segments with one cursor (on) or search per key (benchmarks)."""

def _set_compact(on: bool) -> None:
    """Make version 3 lookups read the compact directory (on) or the file's (benchmarks)."""

def pack_blocks(
    suffixes: npt.NDArray[np.uint16],
    tags: npt.NDArray[np.uint8],
    days: npt.NDArray[np.uint16],
    seg_dir: npt.NDArray[np.uint32],
    words: npt.NDArray[np.uint64],
    day_bits: int,
) -> None:
    """Write version 3 segment blocks into ``words`` (zeroed)."""

"""The crowd-tag store: every marked number of a country in one memory-mapped file.

:func:`open_store` (``TagStore.open``) maps a store read-only; :func:`merge` applies a
day's delta (new marks, removed marks, expiry by age) into a new file. Building one
is :func:`fraudnum.tags.writer.build`; reading its inputs, :mod:`fraudnum.tags.inputs`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import mmap
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final, Literal

import attrs
import numpy as np
import numpy.typing as npt

from fraudnum.tags import format as fmt
from fraudnum.tags._backend import Backend, _cores
from fraudnum.tags.categories import Category, builtin_categories
from fraudnum.tags.format import COUNT_BUCKETS, TagStoreError
from fraudnum.tags.inputs import TagArrays, _dedup_last, _read_source
from fraudnum.tags.tag import _NO_KEY, Tag, _count_upper, _fast_key, _key_of_written
from fraudnum.tags.writer import _day_bits, _tag_bytes, _write_store, build

__all__ = ["Delta", "MergeReport", "TagBatch", "TagStore", "merge", "open_store"]


# The count column of a tag byte (0 where not found: tag byte 0).
_COUNT_OF_TAG: Final = np.array(
    [COUNT_BUCKETS[t & 15] if t >> 4 else 0 for t in range(256)], np.uint32
)
_NAT_DAY: Final = np.iinfo(np.int64).min  # datetime64's NaT as an int64


class TagBatch:
    """Columns of a batch lookup.

    The lookup itself writes only each number's tag byte and stored day value (one
    to three bytes a number, filled in C without the GIL); every other column is
    derived from them with numpy when it is first read, and kept. A classifier's
    crowd tier reads ``tags`` alone.

    Attributes:
        tags: ``uint8`` tag byte per number: category << 4 | count bucket, 0 where
            not found (no store defines category 0).
        days: the stored day value per number (``uint8``, or ``uint16`` for 16-bit
            days; 0 where not found), or None for a store without days.
    """

    def __init__(
        self,
        tags: npt.NDArray[np.uint8],
        days: npt.NDArray[Any] | None,
        store: TagStore,
        keys: npt.NDArray[np.uint64],
    ) -> None:
        self.tags = tags
        self.days = days
        self._store = store
        self._keys = keys

    def __len__(self) -> int:
        return int(self.tags.shape[0])

    def __getitem__(self, i: int) -> Tag | None:
        """The full tag of row ``i``, or None."""
        t = int(self.tags[i])
        if not t:
            return None
        day = int(self.days[i]) if self.days is not None else 0
        return self._store._tag_of(t | day << 8)

    @functools.cached_property
    def found(self) -> npt.NDArray[np.bool_]:
        """``bool`` per number."""
        found: npt.NDArray[np.bool_] = self.tags != 0
        return found

    @functools.cached_property
    def categories(self) -> npt.NDArray[np.uint8]:
        """``uint8`` category code (0 where not found)."""
        cats: npt.NDArray[np.uint8] = self.tags >> np.uint8(4)
        return cats

    @functools.cached_property
    def counts(self) -> npt.NDArray[np.uint32]:
        """``uint32`` count bucket lower bound (0 where not found)."""
        counts: npt.NDArray[np.uint32] = _COUNT_OF_TAG[self.tags]
        return counts

    @functools.cached_property
    def last_marked(self) -> npt.NDArray[np.datetime64]:
        """``datetime64[D]`` last day marked (NaT where not found or not stored).

        In a store of coarse days, the last day of the period the mark fell in.
        """
        if self.days is None:
            out = np.full(len(self), _NAT_DAY, np.int64)
        else:
            out = self._store._day_numbers_of(self.days)
            out[self.tags == 0] = _NAT_DAY
        return out.view("datetime64[D]")

    @functools.cached_property
    def index(self) -> npt.NDArray[np.int64]:
        """``int64`` entry index in the store (-1 where not found), looked up on first read."""
        index = np.empty(len(self), dtype=np.int64)
        self._store._live().lookup_batch(self._keys, index)
        return index


class TagStore:
    """An open, immutable, memory-mapped crowd-tag store.

    Open one with :meth:`open`; many processes can map the same file and share its
    pages. A store pickles as its path and header checksum and is reopened (without
    re-verifying) on the other side; if the file was replaced in between,
    unpickling raises :class:`TagStoreError`.
    """

    def __init__(self, path: Path, buf: Any, layout: fmt.Layout, core: Any, backend: Backend):
        self._path = path
        self._buf = buf
        self._layout = layout
        self._core = core
        self._backend = backend
        self._categories = {int(c[0]): _category(c) for c in layout.params["categories"]}
        self._cache: dict[int, Tag] = {}
        self._day_table: npt.NDArray[np.int64] | None = None
        if core is not None:
            core.set_tag_factory(self._tag_of)

    # -- opening ---------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, verify: bool = True, backend: Backend = "auto"
    ) -> TagStore:
        """Map a store read-only, after checking it.

        Args:
            path: the store file.
            verify: also check every section's crc32 and decode every segment (a
                few hundred ms per GB). Without it the header, the section table, the
                segment directory and the other numbers are still checked, and no read
                can leave the file; use ``verify=False`` to reopen a file already
                verified (after download, before it was renamed into place).
            backend: ``"compiled"``, ``"python"`` (the pure-Python twin) or ``"auto"``.

        Raises:
            TagStoreError: the file is truncated, corrupt, hostile or not a store.
            OSError: it cannot be read.
        """
        return open_store(path, verify=verify, backend=backend)

    @classmethod
    def build(cls, source: Any, path: str | os.PathLike[str], **kwargs: Any) -> TagStore:
        """:func:`build` a store and open it (same arguments)."""
        build(source, path, **kwargs)
        return open_store(path, verify=False, backend=kwargs.get("backend", "auto"))

    def merge(
        self,
        delta: Any,
        out_path: str | os.PathLike[str],
        *,
        expire_before: _dt.date | None = None,
        **kwargs: Any,
    ) -> TagStore:
        """:func:`merge` a delta into a new file and open it."""
        merge(self, delta, out_path, expire_before=expire_before, **kwargs)
        return open_store(out_path, verify=False, backend=self._backend)

    def close(self) -> None:
        """Unmap the file (other open stores of it are unaffected)."""
        buf = self._buf
        self._core = None
        self._buf = None
        if isinstance(buf, mmap.mmap):
            # Arrays handed out may still view it; the map then goes with them.
            with contextlib.suppress(BufferError):
                buf.close()

    def __enter__(self) -> TagStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __reduce__(self) -> tuple[Any, tuple[str, int, str]]:
        return (_reopen, (str(self._path), self._layout.header_crc, self._backend))

    # -- lookups ---------------------------------------------------------------

    def _tag_of(self, packed: int) -> Tag:
        tag = self._cache.get(packed)
        if tag is None:
            b = packed & 0xFF
            cat = self._categories.get(b >> 4) or Category(
                b >> 4, f"code_{b >> 4}", "未知", "unknown"
            )
            day = first = None
            if self._layout.day_bits:
                lo, hi = self._layout.day_range(packed >> 8)
                day = fmt.day_date(hi)
                first = fmt.day_date(lo) if lo != hi else None
            bucket = b & 15
            tag = Tag(
                cat,
                COUNT_BUCKETS[bucket],
                _count_upper(bucket) == COUNT_BUCKETS[bucket],
                day,
                first,
            )
            if len(self._cache) < 1 << 16:
                self._cache[packed] = tag
        return tag

    def _live(self) -> Any:
        if self._core is None:
            raise TagStoreError(f"{self._path}: the store is closed")
        return self._core

    def lookup_key(self, key: int) -> Tag | None:
        """The tag of a numeric key (:func:`number_key`), or None."""
        core = self._core
        if core is None:
            raise TagStoreError(f"{self._path}: the store is closed")
        # The core returns the cached Tag itself: no second call, no dict lookup here.
        tag: Tag | None = core.tag(key)
        return tag

    def lookup_digits(self, canonical_digits: str) -> Tag | None:
        """The tag of canonical digits (``"13912345678"``, ``"01065612308"``), or None.

        Raises:
            TagStoreError: not a string of ASCII digits.
        """
        k = _fast_key(canonical_digits)
        if k is None:
            if len(canonical_digits) > fmt.MAX_DIGITS and canonical_digits.isdigit():
                return None
            k = fmt.encode_key(canonical_digits)
        tag: Tag | None = self._live().tag(k)
        return tag

    def lookup(self, number: str) -> Tag | None:
        """The tag of a number in any written form (``"+86 139-1234-5678"``), or None."""
        k = _key_of_written(number)
        if k is None:
            return None
        tag: Tag | None = self._live().tag(k)
        return tag

    def __contains__(self, number: object) -> bool:
        return isinstance(number, str) and self.lookup(number) is not None

    def keys_of(self, numbers: Sequence[str]) -> npt.NDArray[np.uint64]:
        """Numeric keys of written numbers (unparsable ones get a key never stored)."""
        out = np.empty(len(numbers), dtype=np.uint64)
        for i, s in enumerate(numbers):
            k = _key_of_written(s) if isinstance(s, str) else None
            out[i] = _NO_KEY if k is None else k
        return out

    def lookup_batch(self, numbers: npt.ArrayLike | Sequence[str]) -> TagBatch:
        """Look up many numbers: an integer array of numeric keys, or written numbers.

        Numeric keys (``uint64``/``int64``) are looked up in C without the GIL; plain
        integers such as ``13912345678`` count as 11-digit mobile numbers. The lookup
        writes each number's tag byte and day value only (:class:`TagBatch`); the
        other columns are derived when first read. The batch keeps its own copy of
        a caller's key array (for its ``index`` column).
        """
        arr = np.asarray(numbers)
        if arr.dtype.kind not in "iu":
            keys = self.keys_of([str(s) for s in arr.reshape(-1).tolist()])
        else:
            keys = np.ascontiguousarray(arr.reshape(-1)).astype(np.uint64, copy=False)
            fresh = arr is not numbers and arr.base is None  # made here (from a list)
            if not fresh and np.may_share_memory(keys, arr):
                # The batch keeps the keys for its index column: not the caller's
                # array, which may change after the call.
                keys = keys.copy()
        n = keys.shape[0]
        tags = np.empty(n, dtype=np.uint8)
        bits = self._layout.day_bits
        days = np.empty(n, np.uint16 if bits == 16 else np.uint8) if bits else None
        # One pass in C (sorting a large batch by segment first) writes the tag bytes
        # and day values; the other columns are derived when they are read.
        self._live().lookup_tags(keys, tags, days)
        return TagBatch(tags, days, self, keys)

    def _day_numbers_of(self, values: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
        """The day number (int64) each stored day value stands for (see TagBatch)."""
        lay = self._layout
        if lay.day_bits > 8:
            return _day_numbers(values, lay).astype(np.int64)
        table = self._day_table
        if table is None:
            table = _day_numbers(np.arange(256), lay).astype(np.int64)
            self._day_table = table
        out: npt.NDArray[np.int64] = table[values]
        return out

    # -- whole-store -----------------------------------------------------------

    def __len__(self) -> int:
        return self._layout.n_total

    @property
    def path(self) -> Path:
        """The file this store maps."""
        return self._path

    @property
    def categories(self) -> dict[int, Category]:
        """The store's category table (code -> category), as built."""
        return dict(self._categories)

    @property
    def as_of(self) -> _dt.date | None:
        """The newest last-marked day in the store (None if empty or no days)."""
        if not len(self) or not self._layout.day_bits:
            return None
        return fmt.day_date(self._layout.max_day)

    def to_arrays(self) -> TagArrays:
        """Every entry as columns, sorted by numeric key (counts are bucket lower bounds)."""
        lay = self._layout
        keys = np.empty(lay.n_total, dtype=np.uint64)
        core = self._live()
        core.decode_keys(keys)
        tags = np.empty(lay.n_total, dtype=np.uint8)
        values = np.empty(lay.n_total, dtype=np.uint16)
        core.decode_tags(tags, values)
        days = (
            _day_numbers(values, lay)
            if lay.day_bits and lay.n_total
            else np.zeros(lay.n_total, np.int32)
        )
        del values
        mob = lay.n_mobile
        other = keys[mob:]
        k = int(np.searchsorted(other, np.uint64(fmt.MOBILE_KEY_LO)))

        def order(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
            return np.concatenate([a[mob : mob + k], a[:mob], a[mob + k :]])

        tags_o = order(tags)
        return TagArrays(
            order(keys),
            (tags_o >> 4).astype(np.uint8),
            np.array(COUNT_BUCKETS, np.uint32)[tags_o & 15],
            order(days),
        )

    def items(self) -> Iterator[tuple[str, Tag]]:
        """``(canonical digits, tag)`` of every entry, in numeric-key order."""
        arr = self.to_arrays()
        tags = _tag_bytes(arr.categories, arr.counts)
        lay = self._layout
        base = lay.base_day // lay.day_step
        for key, t, d in zip(arr.keys.tolist(), tags.tolist(), arr.days.tolist(), strict=True):
            day = d // lay.day_step - base if lay.day_bits else 0
            yield fmt.decode_key(key), self._tag_of(t | (day << 8))

    def verify(self) -> None:
        """Check every checksum and decode every segment (what ``open`` does by default).

        Raises:
            TagStoreError: the file is corrupt.
        """
        _deep_verify(self._buf, self._layout, self._live(), str(self._path))

    def info(self) -> dict[str, Any]:
        """The header and build parameters, as a JSON-ready dict."""
        lay = self._layout
        p = dict(lay.params)
        p.pop("categories", None)
        return {
            "path": str(self._path),
            "format_version": lay.version,
            "numbers": lay.n_total,
            "mobile": lay.n_mobile,
            "other": lay.n_other,
            "segments": lay.n_segs,
            "bytes": lay.file_size,
            "bytes_per_number": round(lay.file_size / lay.n_total, 3) if lay.n_total else None,
            "day_width": lay.day_bits // 8 if lay.day_bits % 8 == 0 else lay.day_bits / 8,
            "day_bits": lay.day_bits,
            "day_step": lay.day_step,
            "oldest_mark": fmt.day_date(lay.base_day).isoformat()
            if lay.day_bits and len(self)
            else None,
            "newest_mark": fmt.day_date(lay.max_day).isoformat()
            if lay.day_bits and len(self)
            else None,
            "checksum": f"{lay.header_crc:08x}",
            "sections": {k: {"offset": o, "bytes": n} for k, (o, n, _) in lay.sections.items()},
            "params": p,
        }

    def __repr__(self) -> str:
        return f"<TagStore {str(self._path)!r}: {len(self)} numbers>"


def _day_numbers(values: npt.NDArray[Any], lay: fmt.Layout) -> npt.NDArray[np.int32]:
    """The last day each stored day value can stand for (see Layout.day_range)."""
    v: npt.NDArray[np.int32] = values.astype(np.int32)
    if lay.day_step == 1:
        exact: npt.NDArray[np.int32] = v + np.int32(lay.base_day)
        return exact
    step = np.int32(lay.day_step)
    ends: npt.NDArray[np.int32] = (v + np.int32(lay.base_day // lay.day_step + 1)) * step - 1
    clipped: npt.NDArray[np.int32] = np.minimum(ends, np.int32(lay.max_day))
    return clipped


def _category(row: Sequence[Any]) -> Category:
    code, name, zh, en = row
    for c in builtin_categories():
        if c.code == code and c.name == name:
            return c
    return Category(int(code), str(name), str(zh), str(en))


def _deep_verify(buf: Any, layout: fmt.Layout, core: Any, origin: str) -> None:
    fmt.verify_checksums(buf, layout, origin)
    codes = [int(c[0]) for c in layout.params["categories"]]
    try:
        # Version 3 blocks hold the mobile numbers' tags and days: checked there.
        core.check_segments(sum(1 << c for c in set(codes)), layout.max_period)
    except TagStoreError as e:
        raise TagStoreError(f"{origin}: {e}") from None
    n = layout.n_total if layout.version < 3 else layout.n_other
    if n:
        tags = np.frombuffer(buf, np.uint8, count=n, offset=layout.offset(layout.tags_section))
        known = np.zeros(16, dtype=bool)
        known[codes] = True
        if not known[tags >> 4].all():
            raise TagStoreError(f"{origin}: a tag names a category the store does not define")
        if layout.day_bits:
            days = fmt.day_values(buf, layout)
            if int(days.max()) > layout.max_period:
                raise TagStoreError(f"{origin}: a last-marked day is past the header's newest")


def open_store(
    path: str | os.PathLike[str], *, verify: bool = True, backend: Backend = "auto"
) -> TagStore:
    """Open a store; see :meth:`TagStore.open`."""
    p = Path(path)
    origin = str(p)
    with p.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size < fmt.HEADER_SIZE:
            raise TagStoreError(
                f"{origin}: {size} bytes is too short for a tag store (truncated or not one)"
            )
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    core_cls = _cores(backend)[0]
    try:
        layout = fmt.read_layout(buf, origin)
        if verify:
            fmt.verify_checksums(buf, layout, origin)
        try:
            core = core_cls(buf, layout)
        except TagStoreError as e:
            raise TagStoreError(f"{origin}: {e}") from None
        if layout.n_other:
            fmt.check_other_keys(fmt.u64_view(buf, layout, "other_keys"), origin)
        if verify:
            _deep_verify(buf, layout, core, origin)
    except BaseException:
        core = None
        with contextlib.suppress(BufferError):
            buf.close()
        raise
    return TagStore(p, buf, layout, core, backend)


def _reopen(path: str, header_crc: int, backend: Backend) -> TagStore:
    store = open_store(path, verify=False, backend=backend)
    if store._layout.header_crc != header_crc:
        store.close()
        raise TagStoreError(f"{path}: the file changed since the store was pickled")
    return store


# ------------------------------------------------------------------------- merge


@attrs.frozen(eq=False)
class Delta:
    """A day's changes: marks to add or replace, numbers to remove.

    Attributes:
        upserts: new or updated marks; each replaces the number's stored tag.
        removals: numeric keys whose marks are withdrawn.
    """

    upserts: TagArrays
    removals: npt.NDArray[np.uint64]

    @classmethod
    def read(
        cls,
        source: Any,
        *,
        on_error: Literal["raise", "skip"] = "raise",
        progress: bool | None = None,
    ) -> Delta:
        """Read a delta from a CSV, any build source, or rows.

        A delta CSV has the build columns and an optional ``action`` column:
        ``add`` (the default) or ``remove``; rows may carry the action as a fifth field.
        """
        if isinstance(source, Delta):
            return source
        arrays, removals, _, _ = _read_source(source, on_error, progress, delta=True)
        return cls(arrays, removals)


@attrs.frozen
class MergeReport:
    """What a merge did.

    Attributes:
        path: the store written.
        numbers: numbers in it.
        file_bytes: its size.
        added: numbers new to the store.
        updated: numbers whose tag was replaced.
        removed: numbers removed by the delta.
        removals_missing: removals of numbers the store did not have.
        expired: numbers dropped as marked before ``expire_before``.
        seconds: wall time.
    """

    path: str
    numbers: int
    file_bytes: int
    added: int
    updated: int
    removed: int
    removals_missing: int
    expired: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return attrs.asdict(self)


def merge(
    store: TagStore,
    delta: Any,
    out_path: str | os.PathLike[str],
    *,
    expire_before: _dt.date | None = None,
    progress: bool | None = None,
    day_width: int | None = None,
    backend: Backend = "auto",
    day_bits: int | None = None,
    day_step: int | None = None,
    format_version: int = fmt.VERSION,
) -> MergeReport:
    """Write ``store`` with ``delta`` applied to ``out_path`` (which may be the store's own path).

    Upserts replace a number's tag (the delta carries the current category,
    count and last day); removals drop numbers; ``expire_before`` drops every
    number (stored or new) last marked before that day. Within the delta a later
    row for a number wins, and a removal beats an upsert of the same number.

    The new file keeps the store's day format unless ``day_width``/``day_bits``/
    ``day_step`` (see :func:`build`) say otherwise; a store of coarse days stays
    coarse, in periods that are whole multiples of its own (an old period then
    lies inside one new period, so every stored range stays true). The new file is
    written in ``format_version`` (see :func:`build`), whatever the store's.
    """
    t0 = time.perf_counter()
    lay = store._layout
    coarse = 0 < lay.day_bits < 8
    bits = _day_bits(day_width, day_bits)
    if coarse and bits is not None and bits >= 8:
        raise TagStoreError(f"{store.path}: keeps coarse days; they cannot become exact days")
    d = Delta.read(delta, progress=progress)
    base = store.to_arrays()
    up_keys, (up_cats, up_counts, up_days), _ = _dedup_last(
        d.upserts.keys, d.upserts.categories, d.upserts.counts, d.upserts.days
    )
    rem = np.unique(d.removals)
    if rem.size and up_keys.size:
        keep_up = ~_member(up_keys, rem)
        up_keys, up_cats, up_counts, up_days = (
            up_keys[keep_up],
            up_cats[keep_up],
            up_counts[keep_up],
            up_days[keep_up],
        )
    keep = np.ones(len(base), dtype=bool)
    in_base_up = _positions(base.keys, up_keys)
    updated = int((in_base_up >= 0).sum())
    keep[in_base_up[in_base_up >= 0]] = False
    in_base_rm = _positions(base.keys, rem)
    removed = int((in_base_rm >= 0).sum())
    keep[in_base_rm[in_base_rm >= 0]] = False
    expired = 0
    if expire_before is not None and not lay.day_bits and len(base):
        raise TagStoreError(f"{store.path}: keeps no days, so it cannot expire marks by age")
    if expire_before is not None:
        cutoff = fmt.day_number(expire_before)
        old = base.days < cutoff
        expired = int((old & keep).sum())
        keep &= ~old
        fresh = up_days >= cutoff
        up_keys, up_cats, up_counts, up_days = (
            up_keys[fresh],
            up_cats[fresh],
            up_counts[fresh],
            up_days[fresh],
        )
    keys = base.keys[keep]
    tags = _tag_bytes(base.categories[keep], base.counts[keep])
    days = base.days[keep]
    at = np.searchsorted(keys, up_keys)
    keys = np.insert(keys, at, up_keys)
    tags = np.insert(tags, at, _tag_bytes(up_cats, up_counts))
    days = np.insert(days, at, up_days)
    params = {
        "built_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "source": f"merge of {store.path} (checksum {store._layout.header_crc:08x})",
        "operation": "merge",
        "expire_before": expire_before.isoformat() if expire_before else None,
        "description": store._layout.params.get("description", ""),
    }
    # A store without days stays without (its stored days are unknown).
    # An empty store has no day width of its own: the delta's days decide.
    keeps_days = bool(lay.day_bits) or len(base) == 0
    if bits is None:
        bits = lay.day_bits if coarse else None if keeps_days else 0
    size = _write_store(
        Path(out_path),
        keys,
        tags,
        days,
        params,
        progress=progress,
        backend=backend,
        day_bits=bits,
        day_step=day_step,
        step_of=lay.day_step if coarse else 1,
        version=format_version,
    )
    added = int(up_keys.shape[0]) - int((_positions(base.keys, up_keys) >= 0).sum())
    return MergeReport(
        str(out_path),
        int(keys.shape[0]),
        size,
        added,
        updated,
        removed,
        int(rem.shape[0]) - removed,
        expired,
        time.perf_counter() - t0,
    )


def _positions(
    sorted_keys: npt.NDArray[np.uint64], q: npt.NDArray[np.uint64]
) -> npt.NDArray[np.intp]:
    """Index of each of ``q`` in ``sorted_keys``, or -1."""
    if q.size == 0 or sorted_keys.size == 0:
        return np.full(q.shape[0], -1, dtype=np.intp)
    pos = np.searchsorted(sorted_keys, q)
    ok = pos < sorted_keys.shape[0]
    ok[ok] = sorted_keys[pos[ok]] == q[ok]
    return np.where(ok, pos, -1)


def _member(
    q: npt.NDArray[np.uint64], sorted_keys: npt.NDArray[np.uint64]
) -> npt.NDArray[np.bool_]:
    return _positions(sorted_keys, q) >= 0

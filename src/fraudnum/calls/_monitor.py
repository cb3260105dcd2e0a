"""The streaming call monitor: records in time order, windows closing as time passes.

The monitor keeps the records of the windows still open, in buckets of ``gcd`` of the
patterns' slides, and nothing else: when the stream's clock (the latest start seen, less
the allowed skew) passes a window's end, that window is scanned with the batch kernel,
its findings are returned, and buckets no open window needs are dropped. Memory is
therefore bounded by the traffic of the longest window and a half (plus the skew), about
34 bytes a record, whatever the length of the stream; ``max_records``
caps it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Final

import numpy as np

from fraudnum.calls._detect import CallDetector, CallFinding, _Config, _finding_order
from fraudnum.calls._records import CallColumns, CallRecord, to_columns

__all__ = ["BYTES_PER_RECORD", "CallMonitor"]

#: Bytes one buffered record takes: two numbers, the start, ring and talk times, flags.
BYTES_PER_RECORD: Final = 8 + 8 + 8 + 4 + 4 + 1 + 1


class CallMonitor:
    """Watches a stream of calls and reports each pattern once its window has closed.

    Usable on one phone's call log (feed each call as it ends) and at a switch (feed
    batches of records, many callers at once). Records should come in time order; a
    record up to ``max_skew_s`` older than the latest one seen is still counted, an
    older one whose windows were already reported is dropped and counted in
    :attr:`late`. The findings are those :meth:`CallDetector.detect` gives for the same
    records (the same kernel runs on each window).

    Memory: the records of the open windows, 34 bytes each (:attr:`memory_bytes`), at most
    the traffic of 1.5 times the longest window plus the skew; scanning a closing window
    needs about 80 bytes a record of that window for a moment.

    Args:
        detector: the patterns and the classifier (default: the built-in patterns).
        max_skew_s: how far out of order records may come (clock skew between switches,
            late CDRs), seconds.
        max_records: the most records held at once; one more raises ``OverflowError``
            rather than growing without bound.

    Example:
        >>> from fraudnum.calls import CallMonitor, CallRecord
        >>> m = CallMonitor()
        >>> for i in range(12):
        ...     callee = f"1{i * 7919 % 97 + 30}{i:08d}"
        ...     found = m.feed(CallRecord("17012345678", callee, 20.0 * i, 1.0, False))
        >>> sorted({f.pattern for f in m.close()})
        ['one_ring']
    """

    def __init__(
        self,
        detector: CallDetector | None = None,
        *,
        max_skew_s: float = 60.0,
        max_records: int = 50_000_000,
    ) -> None:
        if not (isinstance(max_skew_s, (int, float)) and math.isfinite(max_skew_s)):
            raise ValueError(f"max_skew_s must be a finite number of seconds, got {max_skew_s!r}")
        if max_skew_s < 0:
            raise ValueError(f"max_skew_s must be 0 or more, got {max_skew_s!r}")
        if not isinstance(max_records, int) or max_records < 1:
            raise ValueError(f"max_records must be a positive integer, got {max_records!r}")
        self.detector = detector if detector is not None else CallDetector()
        self.max_skew_s = float(max_skew_s)
        self.max_records = max_records
        self._configs: tuple[_Config, ...] = self.detector._configs
        hops = [c.hop for c in self._configs]
        self._bucket_s = math.gcd(*hops) if hops else 1
        self._buckets: dict[int, list[CallColumns]] = {}
        self._held = 0
        self._latest = -math.inf
        # The next window (instance number) of each config still to be reported.
        self._next: list[int | None] = [None] * len(self._configs)
        self._horizon = -math.inf  # records older than this fall in reported windows
        #: Records dropped because their windows had already been reported.
        self.late = 0
        #: Records counted so far.
        self.seen = 0

    @property
    def held(self) -> int:
        """How many records the monitor holds now."""
        return self._held

    @property
    def memory_bytes(self) -> int:
        """The bytes of the records held now."""
        return sum(
            sum(getattr(part, name).nbytes for name in _FIELDS)
            for parts in self._buckets.values()
            for part in parts
        )

    def feed(self, records: CallRecord | Any) -> list[CallFinding]:
        """Add records; return the findings of the windows that closed.

        Args:
            records: one :class:`CallRecord`, or a batch in any form
                :meth:`CallDetector.detect` takes.

        Raises:
            ValueError: a record has a missing or invalid field (nothing of the batch is
                added).
            OverflowError: more than ``max_records`` records would be held.
        """
        cols = to_columns([records] if isinstance(records, CallRecord) else records)
        if len(cols) == 0:
            return []
        fresh = cols.start >= self._horizon
        if not fresh.all():
            self.late += int((~fresh).sum())
            cols = cols.take(fresh)
            if len(cols) == 0:
                return []
        if self._held + len(cols) > self.max_records:
            raise OverflowError(
                f"the monitor would hold more than max_records={self.max_records:,} records; "
                "raise it, shorten the windows or feed fewer callers"
            )
        self._add(cols)
        self._latest = max(self._latest, float(cols.start.max()))
        self.seen += len(cols)
        return self._close_until(self._latest - self.max_skew_s)

    def close(self) -> list[CallFinding]:
        """Report every window still open (the end of the stream) and empty the monitor."""
        out = self._close_until(math.inf)
        self._buckets.clear()
        self._held = 0
        return out

    def peek(self) -> list[CallFinding]:
        """What the open windows would report if the stream ended now; nothing changes.

        For a phone that wants to warn while a call bombing is going on rather than
        when its window closes.
        """
        out: list[CallFinding] = []
        for i, config in enumerate(self._configs):
            first = self._next[i]
            if first is None:
                continue
            last = math.floor(self._latest / config.hop)
            for j in range(first, last + 1):
                out += self._scan_window(config, j)
        return sorted(out, key=_finding_order)

    # -- internals -------------------------------------------------------------------

    def _add(self, cols: CallColumns) -> None:
        bucket = np.floor(cols.start / self._bucket_s).astype(np.int64)
        values, inverse = np.unique(bucket, return_inverse=True)
        parts = (
            [cols]
            if values.shape[0] == 1
            else [cols.take(inverse == k) for k in range(values.shape[0])]
        )
        for b, part in zip(values.tolist(), parts, strict=True):
            held = self._buckets.setdefault(b, [])
            held.append(part)
            if len(held) >= 32:  # a call at a time: keep a bucket a few arrays, not thousands
                held[:] = [CallColumns.concat(held)]
        self._held += len(cols)
        for i, config in enumerate(self._configs):
            if self._next[i] is None:
                self._next[i] = math.floor(float(cols.start.min()) / config.hop) - 1

    def _window(self, config: _Config, j: int) -> CallColumns | None:
        """The held records that may fall in window ``j`` of ``config`` (a bucket either side)."""
        lo = (j * config.hop) // self._bucket_s - 1
        hi = (j * config.hop + config.window_s) // self._bucket_s + 1
        parts = [p for b in range(lo, hi + 1) for p in self._buckets.get(b, ())]
        return CallColumns.concat(parts) if parts else None

    def _scan_window(self, config: _Config, j: int) -> list[CallFinding]:
        cols = self._window(config, j)
        if cols is None:
            return []
        return self.detector._scan(cols, (config,), j)

    def _close_until(self, clock: float) -> list[CallFinding]:
        out: list[CallFinding] = []
        for i, config in enumerate(self._configs):
            j = self._next[i]
            if j is None:
                continue
            # Windows that have ended by the clock, up to the last one holding a record.
            while j * config.hop + config.window_s <= clock and j * config.hop <= self._latest:
                if not self._buckets:
                    break
                earliest = min(self._buckets) * self._bucket_s
                if j * config.hop + config.window_s <= earliest - self._bucket_s:
                    # Nothing held reaches this window: skip the empty ones (they count as
                    # reported, so a record for them that comes later is late).
                    reach = math.floor(earliest / config.hop) - 2
                    if math.isfinite(clock):
                        reach = min(reach, math.floor((clock - config.window_s) / config.hop) + 1)
                    j = max(j + 1, reach)
                    self._horizon = max(
                        self._horizon, float((j - 1) * config.hop + config.window_s)
                    )
                    continue
                out += self._scan_window(config, j)
                self._horizon = max(self._horizon, float(j * config.hop + config.window_s))
                j += 1
            self._next[i] = j
        self._evict()
        return sorted(out, key=_finding_order)

    def _evict(self) -> None:
        """Drop the buckets every open window starts after."""
        starts = [
            j * c.hop for c, j in zip(self._configs, self._next, strict=True) if j is not None
        ]
        if not starts:
            return
        # One bucket of margin: _window reads a bucket either side.
        keep_from = min(starts) // self._bucket_s - 1
        for b in [b for b in self._buckets if b < keep_from]:
            self._held -= sum(len(p) for p in self._buckets.pop(b))


_FIELDS: Final = ("caller", "callee", "start", "ring_s", "answered", "talk_s", "called_back")


def _feed_all(monitor: CallMonitor, batches: Iterable[Any]) -> list[CallFinding]:
    """Feed every batch, then close: all findings (used by tests and benchmarks)."""
    out: list[CallFinding] = []
    for batch in batches:
        out += monitor.feed(batch)
    return out + monitor.close()

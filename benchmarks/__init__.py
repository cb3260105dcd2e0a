"""fraudnum's benchmarks, and the small harness they share.

Each ``benchmarks/bench_*.py`` module exposes ``run(quick: bool) -> list[Row]``;
``benchmarks/run.py`` finds them, runs them and prints one Markdown table per
:attr:`Row.table`. A new module (``bench_sms.py``, say) plugs in by following
the same contract: time with :func:`measure`, report with :meth:`Row.timed` or
a plain :class:`Row`, and give every row the name of the table it belongs to.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["Row", "Timing", "machine_summary", "measure"]


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of several repeats of the same work."""

    runs: tuple[float, ...]

    @property
    def best(self) -> float:
        """The fastest repeat: the least disturbed by the rest of the machine."""
        return min(self.runs)

    @property
    def median(self) -> float:
        """The median repeat: what a caller can expect."""
        return statistics.median(self.runs)


def measure(fn: Callable[[], object], *, repeats: int, warmup: int = 1) -> Timing:
    """Time ``fn()`` ``repeats`` times with ``time.perf_counter``, after ``warmup`` calls.

    The garbage collector stays on (real callers run with it) but is emptied
    before each repeat, so one repeat does not pay for the garbage of another.
    """
    for _ in range(warmup):
        fn()
    runs = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return Timing(tuple(runs))


@dataclass(frozen=True)
class Row:
    """One line of a results table.

    Attributes:
        table: the table the row belongs to (rows are grouped by it, in order).
        name: what was measured, as the first column shows it.
        items: how many items (numbers, keys, messages) one repeat processed;
            0 for a row that is not a throughput (start-up time, memory).
        timing: the repeats, when the row is a timed throughput.
        baseline: the ``name`` of the row in the same table to compare with;
            the table then shows this row's speed as a multiple of that one's.
        extra: further columns, by header, already formatted.
    """

    table: str
    name: str
    items: int = 0
    timing: Timing | None = None
    baseline: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def timed(
        cls,
        table: str,
        name: str,
        items: int,
        timing: Timing,
        *,
        baseline: str | None = None,
        **extra: str,
    ) -> Row:
        """A throughput row: ``items`` processed per repeat, in ``timing``."""
        return cls(table, name, items, timing, baseline, dict(extra))

    @property
    def per_second(self) -> float | None:
        """Items per second in the best repeat."""
        if self.timing is None or not self.items:
            return None
        return self.items / self.timing.best

    @property
    def micros_each(self) -> float | None:
        """Microseconds per item in the best repeat."""
        if self.timing is None or not self.items:
            return None
        return self.timing.best / self.items * 1e6

    @property
    def micros_each_median(self) -> float | None:
        """Microseconds per item in the median repeat."""
        if self.timing is None or not self.items:
            return None
        return self.timing.median / self.items * 1e6


def machine_summary() -> str:
    """One line naming the machine and interpreter the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    impl = platform.python_implementation()
    return (
        f"{platform.platform()}; {cpu}; {os.cpu_count()} logical CPUs; "
        f"{impl} {platform.python_version()} ({sys.executable})"
    )

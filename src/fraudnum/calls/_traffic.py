"""Generated call traffic: ordinary calling with injected patterns, and the ground truth.

For tests, benchmarks and the strategies of :mod:`fraudnum.strategies`. Ordinary traffic
follows what a day of calls looks like: mobiles of every range of the numbering plan,
a few calls per caller (a geometric count, mean about 3.3), mostly to a
small book of contacts (Zipf), more by day than by night; about 70% answered after a
few seconds of ringing, the rest rejected, given up on, or hung up early; redials after
an unanswered call; and a few busy ordinary callers (shops, couriers, agents) with tens
of calls a day spread over working hours. The never-block numbers (96110, 110 ...) call
too, sometimes many people, as a warning centre does. Patterns are injected with the
shapes seed 004 and the public figures describe (see ``data/call_patterns.csv``), each
shorter than half its window so one window sees it whole.

Everything is drawn from one ``numpy.random.Generator`` seed, vectorised, so 10 million
records take seconds.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from fraudnum.calls._records import (
    _SHIFT,
    CallColumns,
    CallRecord,
    decode_number,
    decode_numbers,
    encode_numbers,
)
from fraudnum.numbers.plan import builtin_rules
from fraudnum.types import NumberKind

__all__ = ["PATTERN_CODES", "InjectedPattern", "SyntheticTraffic", "synthetic_traffic"]

#: The built-in patterns the generator can inject.
PATTERN_CODES: Final = (
    "call_bombing",
    "one_ring",
    "one_ring_international",
    "mass_calling",
    "high_frequency",
    "segment_sweep",
    "pretty_number_sweep",
    "one_ring_called_back",
)
_DAY: Final = 86_400
_START: Final = 1_767_225_600  # 2026-01-01 00:00 UTC, a round, realistic epoch
# Share of ordinary calls starting in each hour of the day (little at night, peaks at 10, 15, 20).
_HOURS: Final = np.array(
    [
        1,
        0.5,
        0.3,
        0.2,
        0.2,
        0.4,
        1,
        2.5,
        4,
        5.5,
        6.5,
        6,
        5,
        5,
        5.5,
        6.5,
        6,
        5.5,
        5,
        5,
        5.5,
        4.5,
        3,
        2,
    ]
)
_NEVER_BLOCK: Final = (96110, 110, 120, 12381)
_INTL: Final = ("882", "881", "44", "1", "675", "7", "234", "63")
_PRETTY_TAILS: Final = np.array(
    [int(f"{a}{a}{a}{a}") for a in range(10)]
    + [int(f"{a}{b}{b}{b}") for a in range(10) for b in (6, 8, 9)]
    + [int(f"{a}{a}{b}{b}") for a in range(1, 10) for b in (6, 8)]
    + [1234, 2345, 3456, 4567, 5678, 6789, 9876, 8765, 7654, 6543, 6868, 8989],
    dtype=np.int64,
)


@attrs.frozen
class InjectedPattern:
    """One pattern put into generated traffic: the ground truth a detector should find.

    Attributes:
        pattern: the pattern's code (``"call_bombing"`` ...).
        key: ``"caller"`` or ``"callee"`` (the victim of a call bombing).
        number: the number a finding should name, canonical digits.
        first_call: the first injected call's start, seconds since the epoch.
        last_call: the last one's.
        calls: how many calls were injected.
    """

    pattern: str
    key: str
    number: str
    first_call: float
    last_call: float
    calls: int


@attrs.frozen(eq=False)
class SyntheticTraffic:
    """Generated call records (in time order) and what was injected.

    Attributes:
        calls: the records as :class:`~fraudnum.calls.CallColumns` (numbers encoded),
            what :class:`~fraudnum.calls.CallDetector` takes without conversion.
        injected: the patterns put in, the ground truth.
        ordinary_callers: how many distinct ordinary numbers made calls.
    """

    calls: CallColumns
    injected: tuple[InjectedPattern, ...]
    ordinary_callers: int

    def __len__(self) -> int:
        return len(self.calls)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis and IPython pretty-print attrs classes field by field: keep it short.
        printer.text(repr(self))

    def __repr__(self) -> str:
        kinds = sorted({t.pattern for t in self.injected})
        return (
            f"<SyntheticTraffic of {len(self):,} records, {len(self.injected)} injected: {kinds}>"
        )

    def columns(self) -> dict[str, npt.NDArray[Any]]:
        """The records as numpy columns, numbers as digit strings (a switch's CDR form)."""
        c = self.calls
        return {
            "caller": decode_numbers(c.caller),
            "callee": decode_numbers(c.callee),
            "start": c.start,
            "ring_s": c.ring_s,
            "answered": c.answered,
            "talk_s": c.talk_s,
            "called_back": c.called_back,
        }

    def to_arrow(self) -> Any:
        """The records as a ``pyarrow.Table``, numbers as strings (needs pyarrow)."""
        import pyarrow as pa

        cols = self.columns()
        return pa.table(
            {
                **cols,
                "start": pa.array((cols["start"] * 1000).astype("datetime64[ms]")),
            }
        )

    def records(self) -> list[CallRecord]:
        """The records as :class:`~fraudnum.calls.CallRecord` objects (for small traffic)."""
        c = self.calls
        return [
            CallRecord(
                decode_number(int(c.caller[i])),
                decode_number(int(c.callee[i])),
                float(c.start[i]),
                float(c.ring_s[i]),
                bool(c.answered[i]),
                float(c.talk_s[i]),
                called_back=None if c.called_back[i] < 0 else bool(c.called_back[i]),
            )
            for i in range(len(self))
        ]


@functools.cache
def _prefixes(kind: NumberKind) -> tuple[int, ...]:
    """The 11-digit number ranges of ``kind`` in the numbering plan."""
    return tuple(
        int(r.prefix)
        for r in builtin_rules()
        if r.kind is kind and r.min_len == r.max_len == 11 and r.prefix.isdigit()
    )


def _mobiles(rng: np.random.Generator, n: int, kind: NumberKind = NumberKind.MOBILE) -> Any:
    prefixes = np.array(_prefixes(kind), dtype=np.int64)
    p = prefixes[rng.integers(0, prefixes.size, n)]
    width = np.where(p >= 1000, 7, 8)
    return (
        p * 10**width
        + rng.integers(0, 10**7, n) * np.where(width == 8, 10, 1)
        + np.where(width == 8, rng.integers(0, 10, n), 0)
    )


def _mobile_of(h: Any) -> Any:
    """A mobile number of the plan's ranges chosen by the non-negative integers ``h``."""
    prefixes = np.array(_prefixes(NumberKind.MOBILE), dtype=np.int64)
    p = prefixes[h % prefixes.size]
    room = np.where(p >= 1000, 10**7, 10**8)
    return p * room + (h // prefixes.size) % room


def _diurnal(rng: np.random.Generator, n: int, days: float) -> Any:
    day = rng.integers(0, max(1, int(np.ceil(days))), n)
    hour = rng.choice(24, n, p=_HOURS / _HOURS.sum())
    t = _START + day * _DAY + hour * 3600 + rng.random(n) * 3600
    return np.minimum(t, _START + days * _DAY - 1)


def _ordinary(rng: np.random.Generator, n: int, days: float) -> dict[str, Any]:
    """About ``n`` records of ordinary calling."""
    n_callers = max(1, int(n / (3.3 * max(days, 1.0) ** 0.5)))
    callers = _mobiles(rng, n_callers)
    calls = rng.geometric(0.3, n_callers)
    busy = rng.random(n_callers) < 0.005  # shops, couriers, agents: tens a day
    calls[busy] = rng.integers(15, 45, int(busy.sum()))
    scale = n / max(1, calls.sum())
    calls = np.maximum(1, np.round(calls * scale)).astype(np.int64)
    who = np.repeat(np.arange(n_callers), calls)[:n]
    m = who.size
    caller = callers[who]
    # A contact book per caller: contact k of caller c is a fixed number.
    contact = np.minimum(rng.zipf(1.6, m), 60)
    callee = _mobile_of((caller % 1_000_003) * 1_000_033 + contact * 7_919)
    start = _diurnal(rng, m, days)
    busy_rows = busy[who]
    # Busy callers work 9:00-18:00 and space their calls out.
    start[busy_rows] = (
        _START
        + rng.integers(0, max(1, int(np.ceil(days))), int(busy_rows.sum())) * _DAY
        + 9 * 3600
        + rng.random(int(busy_rows.sum())) * 9 * 3600
    )
    answered = rng.random(m) < 0.7
    outcome = rng.random(m)
    ring = np.where(
        answered,
        np.clip(rng.lognormal(np.log(7), 0.5, m), 1, 40),
        np.where(
            outcome < 0.6,
            rng.uniform(25, 45, m),
            np.where(outcome < 0.85, rng.uniform(3, 10, m), rng.uniform(0.5, 6, m)),
        ),
    )
    talk = np.where(answered, np.clip(rng.lognormal(np.log(60), 1.0, m), 1, 7200), 0.0)
    # Redials: a fifth of unanswered calls are tried again once to three times, soon after.
    redial = ~answered & (rng.random(m) < 0.2)
    idx = np.flatnonzero(redial)
    times = rng.integers(1, 4, idx.size)
    src = np.repeat(idx, times)
    k = np.concatenate([np.arange(1, t + 1) for t in times]) if idx.size else np.zeros(0, int)
    r_start = start[src] + k * rng.uniform(20, 120, src.size)
    r_answered = rng.random(src.size) < 0.4
    cols = {
        "caller": encode_numbers(np.concatenate([caller, caller[src]])),
        "callee": encode_numbers(np.concatenate([callee, callee[src]])),
        "start": np.concatenate([start, r_start]),
        "ring_s": np.concatenate([ring, np.where(r_answered, 6.0, rng.uniform(3, 40, src.size))]),
        "answered": np.concatenate([answered, r_answered]),
        "talk_s": np.concatenate(
            [talk, np.where(r_answered, rng.lognormal(np.log(60), 1, src.size), 0.0)]
        ),
    }
    # Warning centres and emergency services call many people: never a pattern.
    nb = max(1, m // 20_000)
    # Each calls its 10 people within half an hour: a burst any pattern would flag.
    hour = _START + rng.integers(0, max(1, int(days * 24)), nb * 4) * 3600
    nb_start = np.repeat(hour, 10) + rng.random(nb * 40) * 1800
    warners = encode_numbers(np.repeat(np.array(_NEVER_BLOCK), nb * 10)[: nb * 40])
    cols["caller"] = np.concatenate([cols["caller"], warners])
    cols["callee"] = np.concatenate([cols["callee"], encode_numbers(_mobiles(rng, nb * 40))])
    cols["start"] = np.concatenate([cols["start"], nb_start])
    cols["ring_s"] = np.concatenate([cols["ring_s"], rng.uniform(1, 3, nb * 40)])
    cols["answered"] = np.concatenate([cols["answered"], np.zeros(nb * 40, bool)])
    cols["talk_s"] = np.concatenate([cols["talk_s"], np.zeros(nb * 40)])
    cols["_ordinary_callers"] = np.array([n_callers])
    return cols


def _code(digits: str) -> int:
    return (len(digits) << _SHIFT) | int(digits)


def _attacker(rng: np.random.Generator, pattern: str) -> int:
    """The encoded number of an abuser: MVNO or mobile, long 95 or 400, or from abroad."""
    if pattern == "one_ring_international":
        cc = _INTL[int(rng.integers(0, len(_INTL)))]
        return _code("00" + cc + str(int(rng.integers(10**7, 10**8))))
    if pattern == "mass_calling" and rng.random() < 0.4:
        base = int(rng.choice([95_000_000_000, 4_000_000_000]))
        return _code(str(base + int(rng.integers(0, 10**8))))
    kind = NumberKind.MOBILE_VIRTUAL if rng.random() < 0.5 else NumberKind.MOBILE
    return _code(str(int(_mobiles(rng, 1, kind)[0])))


def _inject(
    rng: np.random.Generator, pattern: str, days: float
) -> tuple[dict[str, Any], InjectedPattern]:
    """One instance of ``pattern``: its records and its truth."""
    window = 600 if pattern in ("call_bombing", "one_ring") else 3600
    duration = rng.uniform(0.3, 0.95) * window / 2
    t0 = _START + rng.random() * max(0.0, days * _DAY - duration - 1)
    attacker = _attacker(rng, pattern)
    key, number = "caller", attacker
    if pattern == "call_bombing":
        n = int(rng.integers(14, 50))
        victim = int(_mobiles(rng, 1)[0])
        gang = np.array(
            [_attacker(rng, pattern) for _ in range(int(rng.integers(1, 5)))], dtype=np.uint64
        )
        caller = gang[rng.integers(0, gang.size, n)]
        callee = np.full(n, victim)
        victim = _code(str(victim))
        answered = rng.random(n) < 0.15
        # The victim picks up a few of the first calls, then stops answering: never more
        # than a quarter, so every injection is a bombing by the table's definition (most
        # calls unanswered); a free draw of 14 calls at 15% gave 6 answered now and then.
        answered &= np.cumsum(answered) <= max(1, n // 4)
        ring = np.where(answered, rng.uniform(1, 4, n), rng.uniform(1, 8, n))
        talk = np.where(answered, rng.uniform(1, 5, n), 0.0)
        key, number = "callee", victim
    else:
        low, high = {
            "one_ring": (12, 40),
            "one_ring_international": (6, 16),
            "mass_calling": (35, 120),
            "high_frequency": (65, 120),
            "segment_sweep": (12, 40),
            "pretty_number_sweep": (10, 25),
            # fewer numbers than plain one-ring needs: the call-backs are what give it away
            "one_ring_called_back": (5, 10),
        }[pattern]
        n = int(rng.integers(low, high))
        caller = np.full(n, attacker, dtype=np.uint64)
        callee = _mobiles(rng, n)
        answered = rng.random(n) < 0.3  # robot calls: most people do not pick up (seed 003)
        ring = rng.uniform(2, 20, n)
        talk = np.where(answered, rng.uniform(5, 30, n), 0.0)
        if pattern.startswith("one_ring"):
            # A robot hangs up before anyone answers; now and then one is picked up (<10%).
            answered = np.zeros(n, dtype=np.bool_)
            if n >= 10 and rng.random() < 0.3:
                answered[int(rng.integers(0, n))] = True
            ring = rng.uniform(0.5, 3.0, n)
            talk = np.where(answered, rng.uniform(1, 3, n), 0.0)
        elif pattern == "high_frequency":
            customers = _mobiles(rng, 30)
            callee = customers[rng.integers(0, customers.size, n)]
            answered = rng.random(n) < 0.5
            talk = np.where(answered, rng.uniform(5, 20, n), 0.0)
        elif pattern == "segment_sweep":
            base = int(_mobiles(rng, 1)[0]) // 10_000 * 10_000
            step = int(rng.integers(1, 30))
            first = int(rng.integers(0, 10_000 - step * n))
            callee = base + first + step * np.arange(n)
        elif pattern == "pretty_number_sweep":
            blocks = _mobiles(rng, n) // 10_000 * 10_000
            callee = blocks + _PRETTY_TAILS[rng.integers(0, _PRETTY_TAILS.size, n)]
    start = np.sort(t0 + rng.random(n) * duration)
    start[0], start[-1] = t0, t0 + duration
    called_back = np.where(rng.random(n) < 0.05, 1, 0).astype(np.int8)
    if pattern == "one_ring_called_back":
        called_back[rng.choice(n, size=int(rng.integers(2, 5)), replace=False)] = 1
    cols = {
        "caller": caller.astype(np.uint64),
        "callee": encode_numbers(callee.astype(np.int64)),
        "start": start,
        "ring_s": ring,
        "answered": answered,
        "talk_s": talk,
        "called_back": called_back,
    }
    truth = InjectedPattern(
        pattern, key, decode_number(number), float(start[0]), float(start[-1]), n
    )
    return cols, truth


def synthetic_traffic(
    n_records: int,
    *,
    inject: Mapping[str, int] | None = None,
    days: float = 1.0,
    seed: int = 0,
) -> SyntheticTraffic:
    """About ``n_records`` ordinary calls over ``days`` days, with patterns injected.

    Args:
        n_records: how many ordinary records to draw (redials and the never-block
            numbers' calls add a few per cent).
        inject: how many instances of each pattern to put in, by code (default: one
            per 10,000 records of each, at least one each).
        days: how long the traffic lasts.
        seed: the random seed; the same arguments give the same traffic.

    Returns:
        The records in time order and the ground truth.

    Raises:
        ValueError: an argument is out of range or names an unknown pattern.
    """
    if not isinstance(n_records, int) or n_records < 0:
        raise ValueError(f"n_records must be a whole number, 0 or more, got {n_records!r}")
    if not 0 < days <= 366:
        raise ValueError(f"days must be more than 0 and at most 366, got {days!r}")
    if inject is None:
        each = max(1, n_records // 10_000)
        inject = dict.fromkeys(PATTERN_CODES, each)
    unknown = sorted(set(inject) - set(PATTERN_CODES))
    if unknown:
        raise ValueError(f"unknown pattern(s) {unknown}; known: {', '.join(PATTERN_CODES)}")
    rng = np.random.default_rng(seed)
    parts: list[dict[str, Any]] = []
    ordinary = 0
    if n_records:
        base = _ordinary(rng, n_records, days)
        ordinary = int(base.pop("_ordinary_callers")[0])
        base["called_back"] = np.full(base["start"].shape[0], -1, dtype=np.int8)
        parts.append(base)
    truth: list[InjectedPattern] = []
    for pattern, count in inject.items():
        if not isinstance(count, int) or count < 0:
            raise ValueError(f"inject[{pattern!r}] must be a whole number, got {count!r}")
        for _ in range(count):
            cols, t = _inject(rng, pattern, days)
            parts.append(cols)
            truth.append(t)
    names = ("caller", "callee", "start", "ring_s", "answered", "talk_s", "called_back")
    if not parts:
        empty = CallColumns(
            np.zeros(0, np.uint64),
            np.zeros(0, np.uint64),
            np.zeros(0),
            np.zeros(0, np.float32),
            np.zeros(0, np.bool_),
            np.zeros(0, np.float32),
            np.zeros(0, np.int8),
        )
        return SyntheticTraffic(empty, (), 0)
    merged = {n: np.concatenate([p[n] for p in parts]) for n in names}
    order = np.argsort(merged["start"], kind="stable")
    calls = CallColumns(
        merged["caller"][order].astype(np.uint64),
        merged["callee"][order].astype(np.uint64),
        np.round(merged["start"][order], 3),
        np.round(merged["ring_s"][order], 1).astype(np.float32),
        merged["answered"][order].astype(np.bool_),
        np.round(merged["talk_s"][order]).astype(np.float32),
        merged["called_back"][order].astype(np.int8),
    )
    return SyntheticTraffic(calls, tuple(truth), ordinary)

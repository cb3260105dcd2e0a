"""A Hypothesis strategy for call traffic with injected patterns and their ground truth.

The traffic itself comes from :func:`fraudnum.calls.synthetic_traffic` (numpy, one seed);
Hypothesis draws its size, its seed and which patterns go in, so a failing example shrinks
to little traffic, few patterns and seed 0. Re-exported by :mod:`fraudnum.strategies`.
"""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import strategies as st

from fraudnum.calls import SyntheticTraffic, synthetic_traffic
from fraudnum.calls._traffic import PATTERN_CODES
from fraudnum.strategies._common import _invalid

__all__ = ["call_records"]


def call_records(
    *,
    min_records: int = 0,
    max_records: int = 2_000,
    patterns: Iterable[str] | None = None,
    max_each: int = 2,
    days: float = 1.0,
) -> st.SearchStrategy[SyntheticTraffic]:
    """Realistic ordinary call traffic with call patterns injected, and the ground truth.

    Args:
        min_records: the fewest ordinary records.
        max_records: the most ordinary records (keep it small: each example is scanned).
        patterns: the pattern codes that may be injected (default: every one the
            generator knows: ``call_bombing``, ``one_ring``, ``one_ring_international``,
            ``mass_calling``, ``high_frequency``, ``segment_sweep``, ``pretty_number_sweep``).
        max_each: the most instances of each pattern.
        days: how long the traffic lasts.

    Returns:
        A strategy for :class:`~fraudnum.calls.SyntheticTraffic`: its ``calls`` go to a
        :class:`~fraudnum.calls.CallDetector` or monitor, its ``injected`` say what they
        should find.

    Raises:
        hypothesis.errors.InvalidArgument: a bound is negative or out of order, or a
            pattern is unknown (the message lists the known ones).

    Example:
        >>> from hypothesis import given
        >>> from fraudnum.calls import detect_calls
        >>> @given(call_records(patterns=["one_ring"]))
        ... def test_one_ring_callers_are_found(traffic):
        ...     found = {f.number for f in detect_calls(traffic.calls)}
        ...     assert {p.number for p in traffic.injected} <= found
    """
    for name, value in (("min_records", min_records), ("max_records", max_records)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _invalid(f"{name}={value!r} must be a whole number, 0 or more")
    if min_records > max_records:
        raise _invalid(f"min_records={min_records} is more than max_records={max_records}")
    if not isinstance(max_each, int) or isinstance(max_each, bool) or max_each < 0:
        raise _invalid(f"max_each={max_each!r} must be a whole number, 0 or more")
    if not isinstance(days, (int, float)) or not 0 < days <= 366:
        raise _invalid(f"days={days!r} must be more than 0 and at most 366")
    codes = tuple(PATTERN_CODES if patterns is None else patterns)
    unknown = [c for c in codes if c not in PATTERN_CODES]
    if unknown or isinstance(patterns, str):
        raise _invalid(
            f"patterns={patterns!r}: unknown {unknown}; known: {', '.join(PATTERN_CODES)}"
        )
    counts = st.fixed_dictionaries({c: st.integers(0, max_each) for c in codes})
    return st.builds(
        synthetic_traffic,
        st.integers(min_records, max_records),
        inject=counts,
        days=st.just(float(days)),
        seed=st.integers(0, 2**32 - 1),
    )

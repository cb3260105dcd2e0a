"""Call patterns over time: 呼死你, 响一声, 恶意群呼, 高频呼叫, 号段盲呼 and 靓号盲呼.

A number's verdict (:func:`fraudnum.classify`) says what a caller ID is; this package
says what a number *does*, from call records. Seed 004 names what carriers must catch
by behaviour: call bombing (呼死你), ultra-short one-ring calls (超短骚扰, 响一声) that
lure call-backs, malicious mass calling (恶意群呼), high-frequency calling (高频通话)
and blind dialing through a block of numbers or through "pretty" numbers (按号段盲呼,
选择靓号盲呼). Each is a row of ``data/call_patterns.csv`` with its thresholds and
sources; a user's file of the same columns overrides them.

Two ways in, with the same results on the same records:

* :class:`CallDetector` (and :func:`detect_calls`) over a batch: a list of
  :class:`CallRecord`, a ``pyarrow.Table``, a pandas or polars ``DataFrame``, or a
  mapping of numpy columns; vectorised with numpy.
* :class:`CallMonitor` over a stream in time order, with bounded memory: it holds
  only the records of the windows still open and reports each window as it closes.

A finding (:class:`CallFinding`) names the pattern, the number, the risk (the
pattern's, combined with the caller's own verdict: a long 95 number mass-calling is
worse than a mobile) and reasons in Chinese and English citing the evidence. A number
that must never be blocked (96110, 110, 12381 ...) is never counted in any pattern.

Example:
    >>> from fraudnum.calls import CallRecord, detect_calls
    >>> calls = [CallRecord(f"1701234{i:04d}", "13912345678", 30.0 * i, 2.0, False)
    ...          for i in range(15)]
    >>> [(f.pattern, f.key, f.number) for f in detect_calls(calls)][:1]
    [('call_bombing', 'callee', '13912345678')]
"""

from __future__ import annotations

from fraudnum.calls._detect import CallDetector, CallFinding, detect_calls
from fraudnum.calls._monitor import CallMonitor
from fraudnum.calls._patterns import PatternRule, builtin_patterns, load_patterns, parse_patterns
from fraudnum.calls._records import CallColumns, CallRecord, to_columns
from fraudnum.calls._traffic import InjectedPattern, SyntheticTraffic, synthetic_traffic

__all__ = [
    "CallColumns",
    "CallDetector",
    "CallFinding",
    "CallMonitor",
    "CallRecord",
    "InjectedPattern",
    "PatternRule",
    "SyntheticTraffic",
    "builtin_patterns",
    "detect_calls",
    "load_patterns",
    "parse_patterns",
    "synthetic_traffic",
    "to_columns",
]

"""Call patterns as data: ``data/call_patterns.csv`` and the user's files of the same columns.

One row per behaviour (呼死你, 响一声, 恶意群呼 ...): whose calls are counted, the window,
the thresholds (a blank one is not used), the risk, the reason code whose zh/en template
explains a finding, and a ``source``. A user's file replaces built-in rows by code and may
add new ones; it is validated whole, with line numbers, before anything uses it.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Iterable, Mapping

import attrs

from fraudnum._tables import (
    TableError,
    data_text,
    parse_int,
    parse_kind,
    parse_risk,
    read_table,
    read_user_file,
)
from fraudnum.texts import ReasonText, builtin_reasons
from fraudnum.types import NumberKind, Risk

__all__ = [
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "PatternRule",
    "builtin_patterns",
    "load_patterns",
    "parse_patterns",
]

#: The columns of a pattern table, in order; every one is required in the header.
COLUMNS = (
    "code",
    "key",
    "window_s",
    "min_calls",
    "min_distinct",
    "min_unanswered_share",
    "short_ring_s",
    "min_short_share",
    "max_mean_talk_s",
    "min_segment_callees",
    "min_pretty_callees",
    "min_pretty_share",
    "min_called_back",
    "caller_kinds",
    "victim_kinds",
    "risk",
    "reason",
    "source",
)
#: Columns a file may leave out (added after the first release; blank when absent).
OPTIONAL_COLUMNS = ("min_called_back",)
_REQUIRED = tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)
_KEYS = ("caller", "callee")
#: The longest window a row may ask for: a week. Longer windows would hold weeks of traffic.
MAX_WINDOW_S = 7 * 86400


@attrs.frozen
class PatternRule:
    """One call pattern: whose calls, over which window, crossing which thresholds.

    A window of ``window_s`` seconds slides by half its length (windows start at
    multiples of ``window_s / 2`` seconds since the epoch), so a burst shorter than
    half a window is always seen whole in one of them. Every threshold that is not
    None must hold for the calls of one key in one window.

    Attributes:
        code: stable name of the pattern (``"call_bombing"``, ``"one_ring"`` ...).
        key: ``"caller"`` (one number's calls out) or ``"callee"`` (the calls one
            victim receives, from any callers: 呼死你).
        window_s: the window length in seconds (even, at least 2).
        min_calls: at least this many calls.
        min_distinct: at least this many distinct other parties (callees for a
            caller key, callers for a callee key).
        min_unanswered_share: at least this share (0-1) of the calls unanswered.
        short_ring_s: a call is *short* when unanswered and it rang at most this long.
        min_short_share: at least this share of the calls short (needs ``short_ring_s``).
        max_mean_talk_s: the answered calls talk at most this long on average.
        min_segment_callees: at least this many distinct callees in one block of
            10,000 numbers (the same number but its last four digits).
        min_pretty_callees: at least this many distinct "pretty" (靓号) callees.
        min_pretty_share: at least this share of the distinct callees pretty.
        min_called_back: at least this many of the calls were called back by their
            callee (records that do not say count as not called back).
        caller_kinds: the row applies only to callers of these kinds (empty: any).
        victim_kinds: a callee-keyed row applies only to victims of these kinds.
        risk: the risk of a finding before the caller's own verdict is combined in.
        reason: the reason code (``data/reasons.csv``) explaining a finding.
        source: where the pattern and its thresholds come from.
    """

    code: str
    key: str
    window_s: int
    min_calls: int | None = None
    min_distinct: int | None = None
    min_unanswered_share: float | None = None
    short_ring_s: float | None = None
    min_short_share: float | None = None
    max_mean_talk_s: float | None = None
    min_segment_callees: int | None = None
    min_pretty_callees: int | None = None
    min_pretty_share: float | None = None
    min_called_back: int | None = None
    caller_kinds: frozenset[NumberKind] = frozenset()
    victim_kinds: frozenset[NumberKind] = frozenset()
    risk: Risk = Risk.HIGH
    reason: str = ""
    source: str = ""

    @property
    def hop_s(self) -> int:
        """How far the window slides: half its length."""
        return self.window_s // 2

    @property
    def floor(self) -> int:
        """The fewest calls a key needs in a window before the pattern can hold."""
        counts = (self.min_calls, self.min_distinct, self.min_segment_callees)
        return max(1, self.min_pretty_callees or 0, *(c or 0 for c in counts))


def _opt_int(row: Mapping[str, str], column: str, origin: str, line: int) -> int | None:
    value = row[column]
    if value == "":
        return None
    number = parse_int(value, column, origin, line)
    if number < 1 or number > 10_000_000:
        raise TableError(origin, line, f"{column} must be between 1 and 10000000, got {value!r}")
    return number


def _opt_float(
    row: Mapping[str, str], column: str, origin: str, line: int, *, share: bool
) -> float | None:
    value = row[column]
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise TableError(origin, line, f"{column} must be a number, got {value!r}") from None
    if not math.isfinite(number) or number < 0 or (share and number > 1):
        limit = "between 0 and 1" if share else "a finite number of seconds, 0 or more"
        raise TableError(origin, line, f"{column} must be {limit}, got {value!r}")
    return number


def _kinds(value: str, origin: str, line: int) -> frozenset[NumberKind]:
    return frozenset(parse_kind(k, origin, line) for k in value.split())


def _row(
    row: Mapping[str, str], origin: str, line: int, reasons: Mapping[str, ReasonText]
) -> PatternRule:
    code = row["code"]
    if not code or not code.replace("_", "").isalnum() or not code.isascii():
        raise TableError(origin, line, f"code must be letters, digits and _, got {code!r}")
    if row["key"] not in _KEYS:
        raise TableError(origin, line, f"key must be caller or callee, got {row['key']!r}")
    window = parse_int(row["window_s"], "window_s", origin, line)
    if window < 2 or window % 2 or window > MAX_WINDOW_S:
        raise TableError(
            origin, line, f"window_s must be an even number of seconds, 2 to {MAX_WINDOW_S}"
        )
    if row["reason"] not in reasons:
        raise TableError(origin, line, f"reason {row['reason']!r} is not in reasons.csv")
    if not row["source"]:
        raise TableError(origin, line, "source is required (a publication, or 'ours')")
    rule = PatternRule(
        code=code,
        key=row["key"],
        window_s=window,
        min_calls=_opt_int(row, "min_calls", origin, line),
        min_distinct=_opt_int(row, "min_distinct", origin, line),
        min_unanswered_share=_opt_float(row, "min_unanswered_share", origin, line, share=True),
        short_ring_s=_opt_float(row, "short_ring_s", origin, line, share=False),
        min_short_share=_opt_float(row, "min_short_share", origin, line, share=True),
        max_mean_talk_s=_opt_float(row, "max_mean_talk_s", origin, line, share=False),
        min_segment_callees=_opt_int(row, "min_segment_callees", origin, line),
        min_pretty_callees=_opt_int(row, "min_pretty_callees", origin, line),
        min_pretty_share=_opt_float(row, "min_pretty_share", origin, line, share=True),
        min_called_back=_opt_int(row, "min_called_back", origin, line),
        caller_kinds=_kinds(row["caller_kinds"], origin, line),
        victim_kinds=_kinds(row["victim_kinds"], origin, line),
        risk=parse_risk(row["risk"], "risk", origin, line),
        reason=row["reason"],
        source=row["source"],
    )
    if (rule.min_short_share is None) != (rule.short_ring_s is None):
        raise TableError(origin, line, "short_ring_s and min_short_share go together")
    if rule.key == "callee" and (rule.min_segment_callees or rule.min_pretty_callees):
        raise TableError(origin, line, "segment and pretty thresholds need key caller")
    if rule.key == "callee" and rule.min_called_back:
        raise TableError(origin, line, "min_called_back needs key caller")
    if rule.key == "caller" and rule.victim_kinds:
        raise TableError(origin, line, "victim_kinds needs key callee")
    if rule.risk is Risk.TRUSTED:
        raise TableError(origin, line, "a call pattern cannot make a number trusted")
    if rule.min_calls is None and rule.min_distinct is None:
        raise TableError(origin, line, "min_calls or min_distinct is required")
    return rule


def parse_patterns(text: str, origin: str) -> tuple[PatternRule, ...]:
    """Read a pattern table (the columns of ``data/call_patterns.csv``), validated whole.

    Raises:
        fraudnum.TableError: a column is missing or unknown, a cell is invalid, a code
            repeats, or a reason code is not in ``data/reasons.csv``; the message
            names the file and the line.
    """
    reasons = builtin_reasons()
    out: dict[str, PatternRule] = {}
    for line, row in read_table(text, origin, _REQUIRED, known=COLUMNS):
        for column in OPTIONAL_COLUMNS:
            row.setdefault(column, "")
        rule = _row(row, origin, line, reasons)
        if rule.code in out:
            raise TableError(origin, line, f"duplicate code {rule.code!r}")
        out[rule.code] = rule
    return tuple(out.values())


@functools.cache
def builtin_patterns() -> tuple[PatternRule, ...]:
    """The patterns shipped in ``data/call_patterns.csv``."""
    origin = "call_patterns.csv"
    return parse_patterns(data_text(origin), origin)


def load_patterns(
    path: str | os.PathLike[str], *, base: Iterable[PatternRule] | None = None
) -> tuple[PatternRule, ...]:
    """The built-in patterns (or ``base``) with a user's file applied.

    A row of the file replaces the pattern of the same code and a new code adds
    one; the result keeps the built-in order, new codes last.

    Raises:
        fraudnum.TableError: the file cannot be read or is invalid (with the line).
    """
    origin, text = read_user_file(path)
    merged = {r.code: r for r in (builtin_patterns() if base is None else base)}
    merged.update({r.code: r for r in parse_patterns(text, origin)})
    return tuple(merged.values())

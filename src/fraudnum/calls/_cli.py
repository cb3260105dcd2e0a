"""``fraudnum calls --input records.csv``: call patterns from a CSV of call records.

The CSV has a header with ``caller, callee, start, ring_s, answered`` and optionally
``talk_s`` and ``called_back``; ``start`` is seconds since the epoch or an ISO time
(without an offset: Beijing time, as the other commands read times). Every row is checked
and a bad one is named by its line. Findings are printed as JSON Lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
from typing import Any, TextIO

from fraudnum._tables import TableError, parse_bool, read_table, read_user_file
from fraudnum.calls._detect import CallDetector
from fraudnum.calls._monitor import CallMonitor
from fraudnum.calls._records import CallRecord

__all__ = ["add_calls_parser", "read_records"]

_BEIJING = dt.timezone(dt.timedelta(hours=8))
_COLUMNS = ("caller", "callee", "start", "ring_s", "answered")
_OPTIONAL = ("talk_s", "called_back", "direction")


def _start(value: str, origin: str, line: int) -> float:
    try:
        number = float(value)
    except ValueError:
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            raise TableError(
                origin, line, f"start {value!r} is neither seconds nor an ISO time"
            ) from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=_BEIJING)
        return when.timestamp()
    if not math.isfinite(number):
        raise TableError(origin, line, f"start {value!r} is not a finite time")
    return number


def _seconds(value: str, column: str, origin: str, line: int) -> float:
    try:
        number = float(value or "0")
    except ValueError:
        raise TableError(origin, line, f"{column} must be seconds, got {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise TableError(origin, line, f"{column} must be 0 or more seconds, got {value!r}")
    return number


def read_records(text: str, origin: str) -> list[CallRecord]:
    """Call records from CSV text, every row checked.

    Raises:
        fraudnum.TableError: a column is missing or a row is invalid (with its line).
    """
    out: list[CallRecord] = []
    for line, row in read_table(text, origin, _COLUMNS, known=_OPTIONAL):
        if not row["caller"] and not row["callee"]:
            raise TableError(origin, line, "caller and callee are both empty")
        if not row["callee"]:
            raise TableError(origin, line, "callee is empty")
        answered = parse_bool(row["answered"], "answered", origin, line, default=False)
        if row["answered"] == "":
            raise TableError(origin, line, "answered is empty (yes or no)")
        back = row.get("called_back", "")
        try:
            out.append(
                CallRecord(
                    row["caller"],
                    row["callee"],
                    _start(row["start"], origin, line),
                    _seconds(row["ring_s"], "ring_s", origin, line),
                    answered,
                    _seconds(row.get("talk_s", ""), "talk_s", origin, line),
                    direction=row.get("direction") or None,
                    called_back=None
                    if back == ""
                    else parse_bool(back, "called_back", origin, line, default=False),
                )
            )
        except ValueError as e:
            if isinstance(e, TableError):
                raise
            raise TableError(origin, line, str(e)) from None
    return out


def _cmd_calls(ns: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    if ns.input == "-":
        origin, text = "<stdin>", stdin.read()
    else:
        origin, text = read_user_file(ns.input)
    records = read_records(text, origin)
    detector = CallDetector(patterns=ns.patterns)
    if ns.stream:
        monitor = CallMonitor(detector, max_skew_s=ns.max_skew)
        found = [f for r in records for f in monitor.feed(r)] + monitor.close()
        if monitor.late:
            out.write(json.dumps({"late_records_dropped": monitor.late}) + "\n")
    else:
        found = detector.detect(records)
    for f in found:
        obj: dict[str, Any] = f.to_dict()
        out.write(json.dumps(obj, ensure_ascii=False, indent=2 if ns.pretty else None) + "\n")
    return 0


def add_calls_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``calls`` command to a ``fraudnum`` parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "calls",
        help="find call patterns (呼死你, 响一声, 恶意群呼 ...) in a CSV of call records",
        description=(
            "Read call records (caller, callee, start, ring_s, answered[, talk_s, called_back])"
            " and print each call pattern found as one JSON line, with its evidence."
        ),
        epilog="Exit status: 0 on success; 2 for bad arguments or a bad row (named by line).",
    )
    p.add_argument("--input", required=True, metavar="CSV", help="the records; - for stdin")
    p.add_argument("--patterns", metavar="CSV", help="your thresholds (call_patterns.csv form)")
    p.add_argument("--stream", action="store_true", help="run the streaming monitor instead")
    p.add_argument("--max-skew", type=float, default=60.0, metavar="SECONDS")
    p.add_argument("--pretty", action="store_true", help="indented JSON")
    p.set_defaults(func=_cmd_calls)
    return p

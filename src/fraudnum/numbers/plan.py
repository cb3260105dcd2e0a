"""The numbering plan: prefix rules, carriers, hidden markers and dial prefixes.

``data/prefixes.csv`` and a user's rules file share one format; both are read
here into :class:`PrefixRule` rows and compiled into a :class:`RuleTable` (a
digit trie over the rows). Every problem is reported as a
:class:`~fraudnum.TableError` naming the file and line, and nothing is
half-loaded: a caller gets complete, valid rows or an exception, so a
classifier built before stays as it was.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Iterable, Mapping

import attrs

from fraudnum._core import DigitTrie
from fraudnum._tables import (
    IneffectiveRuleWarning,
    TableError,
    data_text,
    read_table,
    user_file_lines,
)
from fraudnum._tables import parse_bool as _bool
from fraudnum._tables import parse_int as _int
from fraudnum._tables import parse_kind as _kind
from fraudnum._tables import parse_risk as _risk
from fraudnum.numbers.kinds import INPUT_KINDS
from fraudnum.texts import ReasonText, builtin_reasons
from fraudnum.types import NumberKind, Organisation, Risk

__all__ = [
    "MAX_NUMBER_LEN",
    "PREFIX_COLUMNS",
    "Carrier",
    "PrefixRule",
    "RuleTable",
    "builtin_carriers",
    "builtin_dial_prefixes",
    "builtin_hidden_markers",
    "builtin_rules",
    "builtin_table",
    "load_rules",
    "never_block_numbers_under",
    "parse_rules",
    "warn_if_ineffective",
]

#: Longest number the plan can hold: ITU E.164 allows 15 digits, plus "00" and slack.
MAX_NUMBER_LEN = 32

#: The columns of ``prefixes.csv``; a user's rules file needs only ``prefix``.
PREFIX_COLUMNS = (
    "prefix",
    "min_len",
    "max_len",
    "kind",
    "risk_call",
    "risk_sms",
    "risk_out",
    "calls_out",
    "never_block",
    "urgent",
    "reason",
    "org_zh",
    "org_en",
    "carrier",
    "source",
)


@attrs.frozen
class PrefixRule:
    """One row of a prefix table: what numbers under ``prefix`` are and how risky.

    A ``None`` risk means the row says nothing for that context (user rules
    only); the built-in table always gives all three. ``imitates`` is set on
    the rows the built-in table derives for numbers that start with a named
    service number but are longer (``9558812345`` under ICBC's ``95588``).
    """

    prefix: str
    min_len: int
    max_len: int
    kind: NumberKind | None
    risk_call: Risk | None
    risk_sms: Risk | None
    risk_out: Risk | None
    calls_out: bool
    never_block: bool
    urgent: bool
    reason: str
    organisation: Organisation | None
    carrier: str | None
    source: str
    origin: str
    line: int
    imitates: PrefixRule | None = None


@attrs.frozen
class Carrier:
    """A mobile carrier, with the SMS port its own subscribers report spam to."""

    code: str
    zh: str
    en: str
    report_port: str | None


def parse_rules(
    text: str | Iterable[str],
    *,
    origin: str = "<rules>",
    builtin: bool = False,
    reasons: Mapping[str, ReasonText] | None = None,
    carriers: Mapping[str, Carrier] | None = None,
) -> tuple[PrefixRule, ...]:
    """Parse and validate a prefix table in the ``prefixes.csv`` format.

    The built-in table must fill every column. A user's table needs only
    ``prefix`` plus whatever it wants to say: blank lengths admit any number
    under the prefix, a blank kind keeps the built-in kind, a ``risk`` column
    sets all three risks, and a blank risk leaves that context to the
    built-in table. Users cannot mark rows ``never_block`` or ``urgent``:
    only official warnings and emergency numbers are.

    A user's row that would raise the risk of, or give a kind to, a never-block
    number (96110, 12381, 110 ...) is kept for the other numbers it covers, with an
    :class:`~fraudnum.IneffectiveRuleWarning` naming its line and those numbers.

    Args:
        text: the CSV text, header first, or its lines (read in one pass).
        origin: the file name used in error messages.
        builtin: validate as the built-in table (every column required).
        reasons: the reason codes a row may name (defaults to the built-in ones).
        carriers: the carrier codes a row may name (defaults to the built-in ones).

    Returns:
        The rows, in file order.

    Raises:
        TableError: with the line number, for the first problem found.

    """
    reasons = builtin_reasons() if reasons is None else reasons
    carriers = builtin_carriers() if carriers is None else carriers
    required = PREFIX_COLUMNS if builtin else ("prefix",)
    rules: list[PrefixRule] = []
    seen: dict[str, list[tuple[int, int, int]]] = {}
    for line, row in read_table(text, origin, required, known=(*PREFIX_COLUMNS, "risk")):
        prefix = row.get("prefix", "")
        if not prefix or not prefix.isascii() or not prefix.isdigit():
            raise TableError(origin, line, f"prefix must be ASCII digits, got {prefix!r}")
        if len(prefix) > MAX_NUMBER_LEN:
            raise TableError(origin, line, f"prefix longer than {MAX_NUMBER_LEN} digits")
        lo_text, hi_text = row.get("min_len", ""), row.get("max_len", "")
        lo = _int(lo_text, "min_len", origin, line) if lo_text else len(prefix)
        hi = _int(hi_text, "max_len", origin, line) if hi_text else MAX_NUMBER_LEN
        if not len(prefix) <= lo <= hi <= MAX_NUMBER_LEN:
            raise TableError(
                origin,
                line,
                f"lengths must satisfy len(prefix)={len(prefix)} <= min_len <= max_len"
                f" <= {MAX_NUMBER_LEN}, got {lo}..{hi}",
            )
        for other_lo, other_hi, other_line in seen.get(prefix, ()):
            if lo <= other_hi and other_lo <= hi:
                raise TableError(
                    origin,
                    line,
                    f"prefix {prefix} with lengths {lo}..{hi} duplicates line {other_line}"
                    f" ({other_lo}..{other_hi})",
                )
        seen.setdefault(prefix, []).append((lo, hi, line))
        kind_text = row.get("kind", "")
        # hidden and malformed describe input, not a prefix: refused, and not offered.
        kind = _kind(kind_text, origin, line, exclude=INPUT_KINDS) if kind_text else None
        risks: dict[str, Risk | None] = {}
        shared = row.get("risk", "")
        for col in ("risk_call", "risk_sms", "risk_out"):
            value = row.get(col, "") or shared
            risks[col] = _risk(value, col, origin, line) if value else None
        never_block = _bool(row.get("never_block", ""), "never_block", origin, line, False)
        urgent = _bool(row.get("urgent", ""), "urgent", origin, line, False)
        if not builtin and (never_block or urgent):
            raise TableError(
                origin,
                line,
                "never_block and urgent are reserved for the built-in table (official"
                " warnings and emergency numbers); use an allow list instead",
            )
        if builtin and kind is None:
            raise TableError(origin, line, "kind is required")
        if not builtin and kind is None and all(v is None for v in risks.values()):
            raise TableError(origin, line, "the row sets neither a kind nor a risk")
        reason = row.get("reason", "") or ("" if builtin else "user_rule")
        if reason not in reasons:
            raise TableError(origin, line, f"unknown reason code {reason!r}")
        carrier = row.get("carrier", "") or None
        if carrier is not None and carrier not in carriers:
            raise TableError(
                origin,
                line,
                f"unknown carrier {carrier!r}; known: {', '.join(sorted(carriers))}",
            )
        org_zh, org_en = row.get("org_zh", ""), row.get("org_en", "")
        if bool(org_zh) != bool(org_en):
            raise TableError(origin, line, "org_zh and org_en must be given together")
        source = row.get("source", "")
        if builtin and not source:
            raise TableError(origin, line, "every built-in row needs a source")
        rule = PrefixRule(
            prefix=prefix,
            min_len=lo,
            max_len=hi,
            kind=kind,
            risk_call=risks["risk_call"],
            risk_sms=risks["risk_sms"],
            risk_out=risks["risk_out"],
            calls_out=_bool(row.get("calls_out", ""), "calls_out", origin, line, True),
            never_block=never_block,
            urgent=urgent,
            reason=reason,
            organisation=Organisation(org_zh, org_en) if org_zh else None,
            carrier=carrier,
            source=source or origin,
            origin=origin,
            line=line,
        )
        if not builtin:
            warn_if_ineffective(rule, f"{origin}, line {line}")
        rules.append(rule)
    return tuple(rules)


@functools.cache
def _never_block_rows() -> tuple[PrefixRule, ...]:
    return tuple(r for r in builtin_rules() if r.never_block)


@functools.cache
def _never_block_index() -> tuple[frozenset[str], frozenset[str]]:
    """Every head of a never-block prefix ("9", "96" ... "96110"), and the prefixes."""
    rows = _never_block_rows()
    heads = frozenset(r.prefix[:k] for r in rows for k in range(1, len(r.prefix) + 1))
    return heads, frozenset(r.prefix for r in rows)


def never_block_numbers_under(prefix: str, min_len: int, max_len: int) -> tuple[str, ...]:
    """The never-block prefixes (96110, 12381, 110 ...) a rule's numbers reach.

    A rule covers the numbers of ``min_len..max_len`` digits starting with
    ``prefix``; it reaches a never-block row when some number is under both.
    """
    heads, numbers = _never_block_index()
    # Fast path for the usual rule: neither a head of a never-block prefix nor under one.
    if prefix not in heads and not any(prefix[:k] in numbers for k in range(1, len(prefix))):
        return ()
    out = []
    for r in _never_block_rows():
        shorter, longer = sorted((prefix, r.prefix), key=len)
        if not longer.startswith(shorter):
            continue
        if max(min_len, r.min_len, len(longer)) <= min(max_len, r.max_len):
            out.append(r.prefix)
    return tuple(sorted(out))


def warn_if_ineffective(rule: PrefixRule, where: str) -> None:
    """Warn when a user's rule tries to change a never-block number, which it cannot.

    The warning is an :class:`~fraudnum.IneffectiveRuleWarning`. A rule that only
    trusts (risk ``trusted``, no kind) agrees with the never-block tier and is left
    alone.
    """
    risks = (rule.risk_call, rule.risk_sms, rule.risk_out)
    if rule.kind is None and all(r in (None, Risk.TRUSTED) for r in risks):
        return
    reached = never_block_numbers_under(rule.prefix, rule.min_len, rule.max_len)
    if reached:
        warnings.warn(
            f"{where}: the rule for {rule.prefix} has no effect on {', '.join(reached)}:"
            " official warnings and emergency numbers are never blocked, whatever rules"
            " say (it still applies to the other numbers it covers)",
            IneffectiveRuleWarning,
            stacklevel=3,
        )


def load_rules(path: str | os.PathLike[str]) -> tuple[PrefixRule, ...]:
    """Read a user's prefix rules file (the ``prefixes.csv`` format).

    Raises:
        TableError: the file is unreadable or invalid (with the line number).

    """
    return parse_rules(user_file_lines(path), origin=os.fspath(path))


@functools.cache
def builtin_carriers() -> Mapping[str, Carrier]:
    """The carriers shipped in ``data/carriers.csv``, by code."""
    origin = "carriers.csv"
    out: dict[str, Carrier] = {}
    cols = ("code", "zh", "en", "report_port", "source")
    for line, row in read_table(data_text(origin), origin, cols):
        if row["code"] in out:
            raise TableError(origin, line, f"duplicate code {row['code']!r}")
        port = row["report_port"] or None
        if port is not None and not port.isdigit():
            raise TableError(origin, line, f"report_port must be digits, got {port!r}")
        out[row["code"]] = Carrier(row["code"], row["zh"], row["en"], port)
    return out


@functools.cache
def builtin_rules() -> tuple[PrefixRule, ...]:
    """The numbering plan shipped in ``data/prefixes.csv``."""
    return parse_rules(data_text("prefixes.csv"), origin="prefixes.csv", builtin=True)


@functools.cache
def builtin_hidden_markers() -> frozenset[str]:
    """Caller-ID texts that mean the number is withheld, case-folded."""
    origin = "hidden_markers.csv"
    return frozenset(
        row["marker"].casefold()
        for _, row in read_table(data_text(origin), origin, ("marker", "source"))
    )


@functools.cache
def builtin_dial_prefixes() -> tuple[str, ...]:
    """IP long-distance prefixes (``17951`` ...) that may precede a number, longest first."""
    origin = "dial_prefixes.csv"
    prefixes = []
    for line, row in read_table(data_text(origin), origin, ("prefix", "carrier", "source")):
        if not row["prefix"].isdigit():
            raise TableError(origin, line, f"prefix must be digits, got {row['prefix']!r}")
        prefixes.append(row["prefix"])
    return tuple(sorted(prefixes, key=len, reverse=True))


class RuleTable:
    """Prefix rules compiled into a :class:`~fraudnum._trie.DigitTrie` (rule index as the value)."""

    __slots__ = ("_lookup", "rules", "trie")

    def __init__(self, rules: Iterable[PrefixRule]) -> None:
        self.rules: tuple[PrefixRule, ...] = tuple(rules)
        self.trie = DigitTrie((r.prefix, r.min_len, r.max_len, i) for i, r in enumerate(self.rules))

    def lookup(self, digits: str) -> PrefixRule | None:
        """The row for the longest prefix of ``digits`` admitting its length."""
        i = self.trie.lookup(digits)
        return None if i < 0 else self.rules[i]

    def lookup_many(self, keys: list[str]) -> list[PrefixRule | None]:
        """Look up many canonical keys at once (the trie walk runs without the GIL)."""
        rules = self.rules
        return [None if i < 0 else rules[i] for i in self.trie.lookup_batch(keys)]


@functools.cache
def builtin_table() -> RuleTable:
    """The built-in numbering plan compiled into a :class:`RuleTable` (built once).

    Besides the rows of ``prefixes.csv`` it holds one derived row per named
    service number (``95588`` 中国工商银行): the longer numbers under it, which
    the plan calls long 95 numbers, imitate it (``9558812345``). So a new named
    row brings its imitations with it, and both parsers see them as rules.
    """
    rules = builtin_rules()
    plain = RuleTable(rules)
    return RuleTable((*rules, *_imitations(rules, plain)))


_IMITABLE = frozenset({NumberKind.SERVICE_95, NumberKind.SERVICE_95_LONG})


def _imitations(rules: tuple[PrefixRule, ...], plain: RuleTable) -> list[PrefixRule]:
    """Rows for the numbers that extend a named 95 number: the long-95 row's, citing it."""
    out = []
    for rule in rules:
        if (
            rule.kind not in _IMITABLE
            or rule.organisation is None
            or not rule.min_len == rule.max_len == len(rule.prefix)
        ):
            continue
        # The row that takes the longest numbers under this prefix: long 95, or none.
        base = plain.lookup(rule.prefix.ljust(MAX_NUMBER_LEN, "0")[: _longest(rules, rule)])
        if base is None or base.kind is not NumberKind.SERVICE_95_LONG or base is rule:
            continue
        out.append(
            attrs.evolve(
                base,
                prefix=rule.prefix,
                min_len=max(len(rule.prefix) + 1, base.min_len),
                source=(
                    f"derived from prefixes.csv line {rule.line} (ours: a longer number under"
                    f" {rule.organisation.en}'s {rule.prefix} is not theirs); {base.source}"
                ),
                imitates=rule,
            )
        )
    return out


def _longest(rules: tuple[PrefixRule, ...], named: PrefixRule) -> int:
    """The longest length any row under ``named``'s first digits admits (95: 12)."""
    return max(r.max_len for r in rules if named.prefix.startswith(r.prefix))

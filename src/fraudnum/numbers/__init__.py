"""Numbers: the numbering plan, parsing caller IDs, precedence tiers and batches.

The flow, each module using only those before it:
:mod:`~fraudnum.numbers.kinds` (groups of kinds) →
:mod:`~fraudnum.numbers.plan` (prefix rules, carriers, the rule table) →
:mod:`~fraudnum.numbers.regions` (calling codes) →
:mod:`~fraudnum.numbers.parse` (caller ID → canonical number and row) →
:mod:`~fraudnum.numbers.lists` (block/allow lists) →
:mod:`~fraudnum.numbers.outcome` (precedence tiers → kind, risk, reasons) →
:mod:`~fraudnum.numbers.quick` (single mainland verdicts filled in C) →
:mod:`~fraudnum.numbers.columns` (integer columns for many numbers, decided in C) →
:mod:`~fraudnum.numbers.batch` (``VerdictBatch``: the columns, verdicts when read).

The names below were ``fraudnum.numbers``'s before it became a package.
"""

from fraudnum.numbers.lists import list_entry_key
from fraudnum.numbers.parse import NumberParser, ParsedNumber, parse_number

__all__ = ["NumberParser", "ParsedNumber", "list_entry_key", "parse_number"]

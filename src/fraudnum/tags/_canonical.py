"""Written phone numbers to canonical digits: the one place the tag store uses the parser.

Canonical digits: mobile ``13912345678``, landline with its trunk 0 ``01065612308``,
service numbers as they are (``95588``, ``4008108888``), international ``00`` +
country code + number. When the parser moves, only the import below changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from fraudnum.numbers.parse import builtin_parser

__all__ = ["canonical_digits", "canonical_digits_batch"]


def canonical_digits(raw: str) -> str | None:
    """The canonical digits of a written number, or None if it does not parse."""
    p = builtin_parser().parse(raw)
    return p.info.digits if p.status == "ok" else None


def canonical_digits_batch(raws: Iterable[str]) -> list[str | None]:
    """:func:`canonical_digits` of each item."""
    parse = builtin_parser().parse
    out: list[str | None] = []
    for raw in raws:
        p = parse(raw)
        out.append(p.info.digits if p.status == "ok" else None)
    return out

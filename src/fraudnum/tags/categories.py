"""The crowd-mark categories (``data/tag_categories.csv``): code, names, suggested risk."""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources

import attrs

from fraudnum.tags.format import TagStoreError

__all__ = ["Category", "builtin_categories", "category_by_name"]

_RISKS = ("low", "medium", "high")


@attrs.frozen
class Category:
    """One crowd-mark category.

    Attributes:
        code: 1..15, the high nibble of a stored tag.
        name: the stable ASCII name (``"fraud"``, ``"debt_collection"``).
        zh: the Chinese name (诈骗).
        en: the English name.
        risk: the risk the category suggests on its own: ``low``, ``medium`` or ``high``.
        source: where the row comes from.
    """

    code: int
    name: str
    zh: str
    en: str
    risk: str = "medium"
    source: str = ""


def parse_categories(text: str, origin: str) -> tuple[Category, ...]:
    """Read a categories table (columns code, name, zh, en, risk, source).

    Raises:
        TagStoreError: naming the line of a bad row.
    """
    rows = csv.DictReader(io.StringIO(text))
    need = {"code", "name", "zh", "en", "risk", "source"}
    if rows.fieldnames is None or not need <= set(rows.fieldnames):
        raise TagStoreError(f"{origin}: needs the columns {', '.join(sorted(need))}")
    out: list[Category] = []
    seen: set[int] = set()
    names: set[str] = set()
    for line, row in enumerate(rows, start=2):
        try:
            code = int(row["code"])
        except ValueError:
            raise TagStoreError(f"{origin}:{line}: code {row['code']!r} is not a number") from None
        name = row["name"].strip()
        if not 1 <= code <= 15 or code in seen:
            raise TagStoreError(f"{origin}:{line}: code {code} is not a new code in 1..15")
        if not name or not name.isascii() or name in names:
            raise TagStoreError(f"{origin}:{line}: name {name!r} is empty, not ASCII or repeated")
        if row["risk"] not in _RISKS:
            raise TagStoreError(f"{origin}:{line}: risk must be one of {', '.join(_RISKS)}")
        if not row["source"].strip():
            raise TagStoreError(f"{origin}:{line}: every category needs a source")
        seen.add(code)
        names.add(name)
        out.append(Category(code, name, row["zh"], row["en"], row["risk"], row["source"]))
    return tuple(out)


@functools.cache
def builtin_categories() -> tuple[Category, ...]:
    """The built-in categories, in code order."""
    text = (
        resources.files("fraudnum")
        .joinpath("data")
        .joinpath("tag_categories.csv")
        .read_text(encoding="utf-8")
    )
    return parse_categories(text, "tag_categories.csv")


@functools.cache
def _lookup_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for c in builtin_categories():
        for key in (str(c.code), c.name, c.zh, c.en.casefold()):
            table[key] = c.code
    return table


def category_by_name(text: str) -> int:
    """The code of a category given by code, name, Chinese or English name.

    Raises:
        TagStoreError: no such category.
    """
    code = _lookup_table().get(text.strip()) or _lookup_table().get(text.strip().casefold())
    if code is None:
        names = ", ".join(c.name for c in builtin_categories())
        raise TagStoreError(f"unknown category {text!r}; the categories are {names} (or codes)")
    return code

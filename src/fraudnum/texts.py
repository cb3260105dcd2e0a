"""Reason texts: the zh/en templates behind every stable reason code.

``data/reasons.csv`` holds one row per code (``code, zh, en, source``); number
verdicts, SMS verdicts and call patterns all draw their wording from it, so a
reworded reason is a data change. Templates use ``{field}`` placeholders.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from typing import Any

import attrs

from fraudnum._tables import TableError, data_text, read_table

__all__ = ["ReasonText", "builtin_reasons", "fill"]


@attrs.frozen
class ReasonText:
    """The zh/en templates of one reason code, and where the wording comes from."""

    code: str
    zh: str
    en: str
    source: str = ""


class _Blank(string.Formatter):
    """Formats templates, leaving unknown fields empty rather than failing."""

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        return kwargs.get(str(key), "")


_FORMAT = _Blank()


def fill(template: str, **params: object) -> str:
    """Fill a reason template; a field the caller does not give comes out empty."""
    if "{" not in template:
        return template
    return _FORMAT.format(template, **params)


@functools.cache
def builtin_reasons() -> Mapping[str, ReasonText]:
    """The reason texts shipped in ``data/reasons.csv``, by code."""
    origin = "reasons.csv"
    out: dict[str, ReasonText] = {}
    for line, row in read_table(data_text(origin), origin, ("code", "zh", "en", "source")):
        if row["code"] in out:
            raise TableError(origin, line, f"duplicate code {row['code']!r}")
        if not (row["code"] and row["zh"] and row["en"] and row["source"]):
            raise TableError(origin, line, "code, zh, en and source are all required")
        out[row["code"]] = ReasonText(row["code"], row["zh"], row["en"], row["source"])
    return out

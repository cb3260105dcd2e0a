"""A crowd tag (a number's category, mark count and last mark) and the key it is stored under."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs
import numpy as np

from fraudnum.tags import format as fmt
from fraudnum.tags._canonical import canonical_digits
from fraudnum.tags.categories import Category
from fraudnum.tags.format import COUNT_BUCKETS, TagStoreError
from fraudnum.texts import builtin_reasons, fill

__all__ = ["Tag", "number_key"]


_NO_KEY = np.uint64(0xFFFFFFFFFFFFFFFF)  # length field 31: never a stored key


def _count_upper(bucket: int) -> int | None:
    return COUNT_BUCKETS[bucket + 1] - 1 if bucket + 1 < len(COUNT_BUCKETS) else None


@attrs.frozen
class Tag:
    """What the crowd said about one number.

    Attributes:
        category: the category most users chose.
        count: how many users marked it: the lower bound of its count bucket
            (exact up to 4; then 5+, 10+, 20+, 50+, 100+ ... 100,000+).
        count_exact: whether ``count`` is exact.
        last_marked: the last day anyone marked it (None if the store keeps no days).
            In a store of coarse days (``day_bits`` 1, 2 or 4) the last day of the
            period the last mark fell in (never past the store's newest mark).
        last_marked_from: in a store of coarse days, the first day of that period:
            the last mark was made between ``last_marked_from`` and ``last_marked``.
            None where days are exact.
    """

    category: Category
    count: int
    count_exact: bool
    last_marked: _dt.date | None
    last_marked_from: _dt.date | None = None

    @property
    def code(self) -> str:
        """The reason code, ``crowd_marked_<category>``."""
        return f"crowd_marked_{self.category.name}"

    def reason_texts(self) -> tuple[str, str]:
        """The reason in Chinese and English, from the ``crowd_marks*`` rows of reasons.csv.

        ``("被 1,000 位以上用户标记为诈骗（最近 2026-11-30）",
        "marked as fraud by 1,000+ users (last 2026-11-30)")``.
        """
        # The wording: an exact count, one user, or a bucket's lower bound; with the day or not.
        form = "crowd_marks" if self.count_exact else "crowd_marks_at_least"
        if self.count_exact and self.count == 1:
            form = "crowd_marks_one"
        if self.last_marked is not None:
            form += "_last" if self.last_marked_from is None else "_between"
        text = builtin_reasons()[form]
        params = {
            "count": f"{self.count:,}",
            "category_zh": self.category.zh,
            "category_en": self.category.en,
            "last": self.last_marked.isoformat() if self.last_marked is not None else "",
            "first": self.last_marked_from.isoformat() if self.last_marked_from else "",
        }
        return fill(text.zh, **params), fill(text.en, **params)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        zh, en = self.reason_texts()
        return {
            "category": self.category.name,
            "count": self.count,
            "count_exact": self.count_exact,
            "last_marked": self.last_marked.isoformat() if self.last_marked else None,
            "last_marked_from": self.last_marked_from.isoformat()
            if self.last_marked_from
            else None,
            "code": self.code,
            "zh": zh,
            "en": en,
        }


def number_key(digits: str) -> int:
    """The numeric key of canonical digits (see :mod:`fraudnum.tags.format`)."""
    return fmt.encode_key(digits)


def _fast_key(s: str) -> int | None:
    """The key of an already-canonical mobile number, skipping the parser."""
    if len(s) == 11 and s[0] == "1" and s.isascii() and s.isdigit():
        return (11 << fmt.LEN_SHIFT) | int(s)
    return None


def _int_key(number: int | np.integer[Any]) -> int | None:
    """A numeric key given as an int (length field 0: an 11-digit number), if valid."""
    key = int(number)
    if key < 0 or key >> 64:
        return None
    if key >> fmt.LEN_SHIFT == 0:
        key |= 11 << fmt.LEN_SHIFT
    try:
        fmt.decode_key(key)
    except TagStoreError:
        return None
    return key


def _key_of_written(raw: str) -> int | None:
    s = raw.strip()
    k = _fast_key(s)
    if k is not None:
        return k
    d = canonical_digits(s)
    if d is None or len(d) > fmt.MAX_DIGITS:
        return None
    return fmt.encode_key(d)

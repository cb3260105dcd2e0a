"""The rules a report SMS body follows: Beijing time, one 70-unit SMS, one ``*``.

See :mod:`fraudnum.report` for the rules in words; ``docs/reporting.md`` has them too.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone

__all__ = ["BEIJING", "SEPARATOR", "SMS_MAX_UNITS", "format_time", "sms_units"]

#: Beijing time, UTC+8 all year (China has had no daylight saving time since 1991).
BEIJING = timezone(timedelta(hours=8), "UTC+08:00")
#: What one single-segment UCS-2 SMS carries, in UTF-16 code units.
SMS_MAX_UNITS = 70
#: The separator between the number and the rest of a report SMS.
SEPARATOR = "*"
_ELLIPSIS = "\u2026"
# What a "*" in free text becomes: a star NFKC leaves alone, so no normalising
# gateway can turn it back into a separator.
_STAR_STANDIN = "\u2217"
# Every code point whose NFKC form contains "*" (a test checks the list is complete).
_STARS = frozenset("*\uff0a\ufe61")


def sms_units(text: str) -> int:
    """How many UTF-16 code units ``text`` takes in a UCS-2 SMS (2 for astral characters)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def format_time(when: datetime) -> str:
    """``when`` as the report messages write it: ``YYYY-MM-DD HH:MM`` in Beijing time.

    A naive ``when`` is taken to be Beijing time already.

    Example:
        >>> format_time(datetime(2026, 11, 20, 6, 3, 59, tzinfo=timezone.utc))
        '2026-11-20 14:03'
    """
    b = _beijing(when)
    return f"{b.year:04d}-{b.month:02d}-{b.day:02d} {b.hour:02d}:{b.minute:02d}"


def _beijing(dt: datetime) -> datetime:
    """``dt`` in Beijing time; a naive ``dt`` is taken to be Beijing time already."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        return dt.replace(tzinfo=BEIJING)
    return dt.astimezone(BEIJING)


_SPACE_RUN = re.compile(r" {2,}")


def _clean(text: str) -> str:
    """Free text made safe for a ``number*text`` body (the rules of :mod:`fraudnum.report`)."""
    out: list[str] = []
    for c in text:
        o = ord(c)
        if 0xD800 <= o <= 0xDFFF:
            out.append("\ufffd")  # a lone surrogate cannot be sent
        elif c in _STARS:
            out.append(_STAR_STANDIN)
        elif c.isspace() or unicodedata.category(c) == "Cc":
            out.append(" ")
        else:
            out.append(c)
    return _SPACE_RUN.sub(" ", "".join(out)).strip()


def _clings(c: str) -> bool:
    """Whether ``c`` belongs to the character before it (so no cut goes before it)."""
    o = ord(c)
    return (
        unicodedata.combining(c) != 0
        or unicodedata.category(c) in ("Mn", "Mc", "Me")
        or 0xFE00 <= o <= 0xFE0F
        or 0xE0100 <= o <= 0xE01EF
        or 0x1F3FB <= o <= 0x1F3FF
        or o == 0x200D
    )


def _fit(head: str, text: str) -> tuple[str, bool]:
    """``head*text`` cut to one SMS; returns the body and whether text was cut."""
    body = f"{head}{SEPARATOR}{text}"
    if sms_units(body) <= SMS_MAX_UNITS:
        return body, False
    room = SMS_MAX_UNITS - sms_units(head) - len(SEPARATOR) - len(_ELLIPSIS)
    cut = used = 0
    while cut < len(text):
        w = sms_units(text[cut])
        if used + w > room:
            break
        used += w
        cut += 1
    while cut > 0 and (_clings(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    return f"{head}{SEPARATOR}{text[:cut].rstrip()}{_ELLIPSIS}", True

"""Block and allow lists: entries as users write them, and list files.

An entry is a bare digit prefix of the canonical form (``"1709"``) or a number in
any written form (``"+86 139 1234 5678"``), which must parse.
"""

from __future__ import annotations

import os

from fraudnum._tables import TableError, check_controls, user_file_lines
from fraudnum.numbers.parse import Lookup, parse_number
from fraudnum.numbers.plan import builtin_table

__all__ = ["list_entry_key", "load_number_list"]


def list_entry_key(entry: str, lookup: Lookup | None = None) -> str:
    """Turn a block/allow list entry into the canonical digits it matches.

    A bare run of digits (``"1709"``, ``"4008108888"``) is a prefix of the
    canonical form and is kept as it is; anything else (``"+86 139 1234 5678"``)
    is parsed as a number and must parse.

    Raises:
        TypeError: ``entry`` is not a ``str``.
        ValueError: the entry is neither a digit prefix nor a valid number.

    """
    if not isinstance(entry, str):
        raise TypeError(f"a list entry must be a str, not {type(entry).__name__}")
    stripped = entry.strip()
    if stripped.isascii() and stripped.isdigit():
        if len(stripped) > 32:
            raise ValueError(f"{entry!r} is longer than 32 digits")
        return stripped
    if lookup is None:
        lookup = builtin_table().lookup
    parsed = parse_number(entry, lookup)
    if parsed.status != "ok":
        what = parsed.detail or "it is a hidden-number marker"
        raise ValueError(f"{entry!r} is neither a digit prefix nor a valid number: {what}")
    return parsed.info.digits


def load_number_list(path: str | os.PathLike[str]) -> list[str]:
    """Read a block or allow list: one number or digit prefix a line, ``#`` comments.

    Each entry is checked the way :class:`fraudnum.Classifier` checks list
    entries, so a bad line is reported with its number here rather than later.

    Raises:
        TableError: the file is unreadable or a line is not a number or prefix.

    """
    origin = os.fspath(path)
    entries = []
    # One pass over the file, a line at a time ("\r\n" and "\r" ends included).
    for line, raw in enumerate(user_file_lines(path), start=1):
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        check_controls([entry], origin, line)
        try:
            list_entry_key(entry)
        except ValueError as e:
            raise TableError(origin, line, str(e)) from None
        entries.append(entry)
    return entries

"""The one reader of CSV tables, built-in and the user's, and the errors it raises.

Every table fraudnum reads — the numbering plan, phrases, advice, report texts,
and the rules and lists users hand us — goes through :func:`read_table`, so all
of them accept the same things (a UTF-8 BOM, ``#`` comment lines, blank lines)
and report problems the same way: a :class:`TableError` naming the file and the
line. Nothing is half-loaded: a caller gets complete rows or an exception.

Built-in tables are found by :func:`data_text`. In a source checkout (the
package imported from ``src/fraudnum`` beside the repository's ``data/``, as an
editable install does) it reads ``data/`` where it is, so editing a row needs no
rebuild; an installed wheel carries a copy in ``fraudnum/data``.

This module sits just above :mod:`fraudnum.types` and imports nothing else of
fraudnum.
"""

from __future__ import annotations

import csv
import functools
import io
import os
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

from fraudnum.types import NumberKind, Risk

__all__ = [
    "MAX_USER_FILE_BYTES",
    "TableError",
    "check_controls",
    "data_dir",
    "data_text",
    "data_version",
    "parse_bool",
    "parse_int",
    "parse_kind",
    "parse_risk",
    "read_table",
    "read_user_file",
]

_YES = {"yes": True, "no": False, "true": True, "false": False, "1": True, "0": False}

#: The largest file a user may hand us (rules, lists, phrases): far above any real one,
#: small enough that a wrong file is refused before it is read into memory.
MAX_USER_FILE_BYTES = 64 * 1024 * 1024
# C0 controls but tab, line feed and carriage return, and DEL: never in a table.
_CONTROL = frozenset(chr(c) for c in (*range(9), 11, 12, *range(14, 32), 127))


class TableError(ValueError):
    """A data file is invalid; the message names the file and the line."""

    def __init__(self, origin: str, line: int | None, message: str) -> None:
        self.origin = origin
        self.line = line
        self.message = message
        where = origin if line is None else f"{origin}, line {line}"
        super().__init__(f"{where}: {message}")


# Shown (and documented) under the name users import it by.
TableError.__module__ = "fraudnum"


@functools.cache
def data_dir() -> Path:
    """The folder the built-in tables are read from.

    The repository's ``data/`` when fraudnum runs from a source checkout (so a
    row edited there takes effect at once), else the copy inside the package.
    """
    package = Path(__file__).resolve().parent
    checkout = package.parent.parent
    if package.parent.name == "src" and (checkout / "data" / "prefixes.csv").is_file():
        return checkout / "data"
    bundled = resources.files("fraudnum").joinpath("data")
    return Path(str(bundled))


def data_text(name: str) -> str:
    """The text of the built-in table ``name`` (``"prefixes.csv"`` ...)."""
    return (data_dir() / name).read_text(encoding="utf-8")


@functools.cache
def data_version() -> str:
    """The date of the bundled numbering and phrase tables (``YYYY-MM-DD``)."""
    return data_text("VERSION.txt").strip()


def read_table(
    text: str,
    origin: str,
    required: Iterable[str],
    *,
    known: Iterable[str] | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line number, row)`` from CSV text, checking the header first.

    Cells are stripped; blank lines and lines whose first cell starts with
    ``#`` are skipped, before the header too; a leading BOM is ignored.
    Quoting is strict: an unterminated quote is an error with its line.

    Args:
        text: the whole CSV text, header first.
        origin: the file name used in error messages.
        required: the columns the header must have.
        known: every column the table may have; a header column outside it is an
            error that lists them (a typo in an optional column must not pass
            unnoticed). None accepts any column.

    Raises:
        TableError: the header lacks, repeats or misspells a column, or a line is
            not CSV, holds a control character, or has another number of fields
            than the header.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    while header is None:
        try:
            cells = next(reader)
        except StopIteration:
            raise TableError(origin, None, "the file is empty; expected a header line") from None
        except csv.Error as e:
            raise TableError(origin, reader.line_num, f"unreadable CSV: {e}") from None
        if cells and any(c.strip() for c in cells) and not cells[0].lstrip().startswith("#"):
            header = [h.strip() for h in cells]
    header_line = reader.line_num
    check_controls(header, origin, header_line)
    missing = [c for c in required if c not in header]
    if missing:
        raise TableError(origin, header_line, f"missing column(s): {', '.join(missing)}")
    if known is not None:
        allowed = list(dict.fromkeys([*required, *known]))
        unknown = [h for h in header if h not in allowed]
        if unknown:
            raise TableError(
                origin,
                header_line,
                f"unknown column(s): {', '.join(unknown)}; known: {', '.join(allowed)}",
            )
    dupes = {h for h in header if header.count(h) > 1}
    if dupes:
        raise TableError(origin, header_line, f"repeated column(s): {', '.join(sorted(dupes))}")
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise TableError(origin, reader.line_num, f"unreadable CSV: {e}") from None
        line = reader.line_num
        if not cells or all(not c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        check_controls(cells, origin, line)
        if len(cells) != len(header):
            raise TableError(
                origin, line, f"expected {len(header)} fields as in the header, got {len(cells)}"
            )
        yield line, {h: c.strip() for h, c in zip(header, cells, strict=True)}


def check_controls(cells: Iterable[str], origin: str, line: int) -> None:
    """Raise a TableError for a control character (NUL and the like) in any cell."""
    for cell in cells:
        bad = next((c for c in cell if c in _CONTROL), None)
        if bad is not None:
            raise TableError(origin, line, f"control character U+{ord(bad):04X} in {cell!r}")


def read_user_file(
    path: str | os.PathLike[str], *, max_bytes: int = MAX_USER_FILE_BYTES
) -> tuple[str, str]:
    """Read a file a user hands us as UTF-8: ``(name for error messages, text)``.

    A leading BOM is dropped. A file over ``max_bytes`` is refused before it is read.

    Raises:
        TableError: the file cannot be read, is too large or is not UTF-8.
    """
    origin = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as e:
        raise TableError(origin, None, f"cannot read the file: {e}") from None
    if len(data) > max_bytes:
        raise TableError(
            origin, None, f"the file is larger than {max_bytes:,} bytes; is it the right file?"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise TableError(origin, line, f"not UTF-8: {e.reason} at byte {e.start}") from None
    return origin, text.removeprefix("\ufeff")


def parse_risk(value: str, column: str, origin: str, line: int) -> Risk:
    """A cell naming a :class:`~fraudnum.Risk`, or a TableError listing the valid ones."""
    try:
        return Risk(value.lower())
    except ValueError:
        allowed = ", ".join(m.value for m in Risk)
        raise TableError(origin, line, f"{column} {value!r} is not one of: {allowed}") from None


def parse_kind(value: str, origin: str, line: int) -> NumberKind:
    """A cell naming a :class:`~fraudnum.NumberKind`, or a TableError listing the valid ones."""
    try:
        return NumberKind(value.lower())
    except ValueError:
        allowed = ", ".join(m.value for m in NumberKind)
        raise TableError(origin, line, f"kind {value!r} is not one of: {allowed}") from None


def parse_bool(value: str, column: str, origin: str, line: int, default: bool) -> bool:
    """A yes/no cell (``yes``, ``no``, ``true``, ``false``, ``1``, ``0``); blank is ``default``."""
    if value == "":
        return default
    try:
        return _YES[value.lower()]
    except KeyError:
        raise TableError(origin, line, f"{column} must be yes or no, got {value!r}") from None


def parse_int(value: str, column: str, origin: str, line: int) -> int:
    """A cell holding a whole number in ASCII digits."""
    if not value.isascii() or not value.isdigit():
        raise TableError(origin, line, f"{column} must be a whole number, got {value!r}")
    return int(value)

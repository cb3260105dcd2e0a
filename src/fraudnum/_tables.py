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
import re
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

from fraudnum.types import NumberKind, Risk

__all__ = [
    "MAX_USER_FILE_BYTES",
    "IneffectiveRuleWarning",
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
    "user_file_lines",
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


class IneffectiveRuleWarning(UserWarning):
    """A user's rule or list entry that cannot change some verdict it names.

    Raised (as a warning, not an error: the rest of the rule still applies) for a
    rule or block-list entry covering a never-block number (96110, 12381, 110 ...):
    those numbers are never blocked, whatever a user adds. The message names the
    file or list, the line or entry, and the numbers it cannot touch. Turn it into
    an error with ``warnings.simplefilter("error", fraudnum.IneffectiveRuleWarning)``.
    """


# Shown (and documented) under the names users import them by.
TableError.__module__ = "fraudnum"
IneffectiveRuleWarning.__module__ = "fraudnum"


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
    text: str | Iterable[str],
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
        text: the whole CSV text, header first, or its lines (with their line
            ends, as :func:`user_file_lines` yields them): then the table is read
            in one pass and only the current row is held.
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
    lines = io.StringIO(text.removeprefix("\ufeff"), newline="") if isinstance(text, str) else text
    reader = csv.reader(lines, strict=True)
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
    The loaders stream with :func:`user_file_lines` instead; this is for callers
    that need the whole text.

    Raises:
        TableError: the file cannot be read, is too large or is not UTF-8.
    """
    origin = os.fspath(path)
    return origin, "".join(user_file_lines(path, max_bytes=max_bytes))


def user_file_lines(
    path: str | os.PathLike[str], *, max_bytes: int = MAX_USER_FILE_BYTES
) -> Iterator[str]:
    """The lines of a file a user hands us, decoded as UTF-8 one at a time.

    Each line keeps its line end; a leading BOM is dropped. The file is read in one
    pass and only the current line is held, so the last line of a file of any
    size is checked in bounded memory. A regular file over ``max_bytes`` is refused
    before anything is read; a pipe or device is refused once it has given more.

    Raises:
        TableError: (when iterated) the file cannot be read, is too large, or a
            line is not UTF-8 (with that line's number).
    """
    origin = os.fspath(path)
    too_big = f"the file is larger than {max_bytes:,} bytes; is it the right file?"
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed by the with below, in the generator
    except OSError as e:
        raise TableError(origin, None, f"cannot read the file: {e}") from None
    with fh:
        try:
            if os.fstat(fh.fileno()).st_size > max_bytes:
                raise TableError(origin, None, too_big)
            seen = 0
            # Lines end at b"\n"; a bare CR is split off below as text mode would.
            for number, raw in enumerate(fh, start=1):
                seen += len(raw)
                if seen > max_bytes:
                    raise TableError(origin, None, too_big)
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as e:
                    raise TableError(
                        origin, number, f"not UTF-8: {e.reason} at byte {seen - len(raw) + e.start}"
                    ) from None
                if number == 1:
                    line = line.removeprefix("\ufeff")
                # "a\r\r\n" is two lines, as text mode reads it (found by tools/fuzz, rules).
                if "\r" in line and not (line.endswith("\r\n") and line.count("\r") == 1):
                    yield from _bare_cr.split(line)
                else:
                    yield line
        except OSError as e:
            raise TableError(origin, None, f"cannot read the file: {e}") from None


# Split after a CR that does not start a CRLF: an old-Mac line end, as text mode reads it.
_bare_cr = re.compile(r"(?<=\r)(?!\n)(?=.)", re.DOTALL)


def parse_risk(value: str, column: str, origin: str, line: int) -> Risk:
    """A cell naming a :class:`~fraudnum.Risk`, or a TableError listing the valid ones."""
    try:
        return Risk(value.lower())
    except ValueError:
        allowed = ", ".join(m.value for m in Risk)
        raise TableError(origin, line, f"{column} {value!r} is not one of: {allowed}") from None


def parse_kind(
    value: str, origin: str, line: int, *, exclude: Iterable[NumberKind] = ()
) -> NumberKind:
    """A cell naming a :class:`~fraudnum.NumberKind`, or a TableError listing the valid ones.

    Kinds in ``exclude`` are refused, and left out of the list the error gives.
    """
    refused = frozenset(exclude)
    try:
        kind = NumberKind(value.lower())
    except ValueError:
        kind = None
    if kind is None or kind in refused:
        allowed = ", ".join(m.value for m in NumberKind if m not in refused)
        raise TableError(origin, line, f"kind {value!r} is not one of: {allowed}")
    return kind


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

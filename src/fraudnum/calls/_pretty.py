"""靓号 ("pretty" number) tails as data: ``data/pretty_tails.csv``.

A row is a shape of the last digits (``xAAA``, ``AABB``, ``ABCD`` going up ...). The
shapes are compiled once into digit comparisons that numpy runs over a whole column of
encoded numbers, so adding a shape to the table is a data change, not a code change.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from fraudnum._tables import TableError, data_text, read_table

__all__ = ["MAX_TAIL", "PrettyTail", "builtin_pretty_tails", "parse_pretty_tails", "pretty_mask"]

#: The longest tail a shape may describe.
MAX_TAIL: Final = 8
_COLUMNS: Final = ("shape", "step", "source")
_SHIFT: Final = 57
_VALUE_MASK: Final = np.uint64((1 << _SHIFT) - 1)


@attrs.frozen
class PrettyTail:
    """One 靓号 shape of a number's last digits.

    Attributes:
        shape: letters (the same letter is the same digit), ``x`` (any digit) and
            digits (themselves), the last one being the number's last digit.
        step: 0, or +1 / -1 when the letters, in the order they first appear, are
            consecutive digits going up or down.
        source: where the shape comes from.
    """

    shape: str
    step: int = 0
    source: str = ""

    def fits(self, digits: str) -> bool:
        """Whether a number written as ``digits`` ends in this shape (the reference)."""
        if len(digits) < len(self.shape):
            return False
        tail = digits[len(digits) - len(self.shape) :]
        seen: dict[str, str] = {}
        for want, got in zip(self.shape, tail, strict=True):
            if want.isdigit():
                if want != got:
                    return False
            elif want != "x" and seen.setdefault(want, got) != got:
                return False
        if self.step:
            values = [int(d) for d in seen.values()]
            return all(b - a == self.step for a, b in itertools.pairwise(values))
        return True


def _row(shape: str, step: str, source: str, origin: str, line: int) -> PrettyTail:
    if not 1 <= len(shape) <= MAX_TAIL:
        raise TableError(origin, line, f"shape must be 1 to {MAX_TAIL} characters, got {shape!r}")
    if not all((c.isdigit() and c.isascii()) or c == "x" or "A" <= c <= "Z" for c in shape):
        raise TableError(origin, line, f"shape takes A-Z, x and 0-9, got {shape!r}")
    if step not in ("", "+1", "-1"):
        raise TableError(origin, line, f"step must be blank, +1 or -1, got {step!r}")
    letters = [c for c in shape if "A" <= c <= "Z"]
    if step and len(set(letters)) != len(letters):
        raise TableError(origin, line, "with a step every letter must appear once")
    if step and len(letters) < 2:
        raise TableError(origin, line, "a step needs two letters or more")
    if not source:
        raise TableError(origin, line, "source is required (a publication, or 'ours')")
    return PrettyTail(shape, int(step or 0), source)


def parse_pretty_tails(text: str, origin: str) -> tuple[PrettyTail, ...]:
    """Read a table of 靓号 shapes (the columns of ``data/pretty_tails.csv``).

    Raises:
        fraudnum.TableError: a column is missing or unknown, a shape or step is
            invalid, or a row repeats; the message names the file and the line.
    """
    out: dict[tuple[str, int], PrettyTail] = {}
    for line, row in read_table(text, origin, _COLUMNS, known=_COLUMNS):
        tail = _row(row["shape"], row["step"], row["source"], origin, line)
        if (tail.shape, tail.step) in out:
            raise TableError(origin, line, f"duplicate shape {tail.shape!r}")
        out[tail.shape, tail.step] = tail
    return tuple(out.values())


@functools.cache
def builtin_pretty_tails() -> tuple[PrettyTail, ...]:
    """The shapes shipped in ``data/pretty_tails.csv``."""
    origin = "pretty_tails.csv"
    return parse_pretty_tails(data_text(origin), origin)


def pretty_mask(
    numbers: npt.NDArray[np.uint64], tails: Iterable[PrettyTail] | None = None
) -> npt.NDArray[np.bool_]:
    """Whether each encoded number (``ndigits << 57 | value``) ends in a 靓号 shape.

    ``0`` (a hidden number) is never pretty; a number shorter than a shape does not fit it.
    """
    rows = builtin_pretty_tails() if tails is None else tuple(tails)
    ndigits = (numbers >> np.uint64(_SHIFT)).astype(np.int64)
    value = numbers & _VALUE_MASK
    # digit[i] is the (i+1)-th digit from the right: one division per digit a shape uses
    longest = max((len(t.shape) for t in rows), default=0)
    digit = [((value // np.uint64(10**i)) % np.uint64(10)).astype(np.int8) for i in range(longest)]
    out = np.zeros(numbers.shape[0], dtype=np.bool_)
    for tail in rows:
        ok = ndigits >= len(tail.shape)
        first: dict[str, int] = {}
        for pos, want in enumerate(reversed(tail.shape)):
            if want.isdigit():
                ok &= digit[pos] == int(want)
            elif want != "x":
                if want in first:
                    ok &= digit[pos] == digit[first[want]]
                else:
                    first[want] = pos
        if tail.step:
            # letters in order of first appearance, left to right, each one step on
            order = sorted(first.values(), reverse=True)
            for a, b in itertools.pairwise(order):
                ok &= digit[b].astype(np.int16) - digit[a] == tail.step
        out |= ok
    out &= numbers != 0
    return out

"""靓号 tails as data: the table's shapes, the numpy kernel against its reference, validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fraudnum import TableError
from fraudnum.calls._pretty import (
    PrettyTail,
    builtin_pretty_tails,
    parse_pretty_tails,
    pretty_mask,
)
from fraudnum.calls._records import encode_numbers

HEADER = "shape,step,source\n"


def _old_rule(digits: str) -> bool:
    """The rule as docs/calls.md states it: x888, AABB, ABAB, ABBA, 1234 or 9876."""
    a, b, c, d = (int(x) for x in digits[-4:])
    return (
        b == c == d
        or (a == b and c == d)
        or (a == c and b == d)
        or (a == d and b == c)
        or (b - a, c - b, d - c) == (1, 1, 1)
        or (a - b, b - c, c - d) == (1, 1, 1)
    )


def _mask(numbers: list[str], tails: tuple[PrettyTail, ...] | None = None) -> list[bool]:
    return [bool(x) for x in pretty_mask(encode_numbers(numbers), tails)]


@pytest.mark.parametrize(
    ("number", "pretty"),
    [
        ("13812340888", True),  # xAAA
        ("13812347788", True),  # AABB
        ("13812343434", True),  # ABAB
        ("13812343443", True),  # ABBA
        ("13812341234", True),  # up
        ("13812349876", True),  # down
        ("13812348888", True),  # all four alike fits several shapes
        ("13812341357", False),
        ("13812340889", False),
        ("13812349878", False),
    ],
)
def test_builtin_table_keeps_the_documented_shapes(number: str, pretty: bool) -> None:
    assert _mask([number]) == [pretty]


@given(st.integers(min_value=0, max_value=99_999_999))
def test_builtin_table_equals_the_documented_rule(value: int) -> None:
    number = f"138{value:08d}"
    assert _mask([number]) == [_old_rule(number)]


_SHAPES = st.text(alphabet="ABCx07", min_size=1, max_size=6)


@given(
    shape=_SHAPES,
    step=st.sampled_from([0, 1, -1]),
    numbers=st.lists(st.from_regex(r"\A[0-9]{1,12}\Z"), min_size=1, max_size=30),
)
def test_kernel_equals_the_reference(shape: str, step: int, numbers: list[str]) -> None:
    letters = [c for c in shape if c.isalpha() and c != "x"]
    if step and (len(set(letters)) != len(letters) or len(letters) < 2):
        step = 0
    tail = PrettyTail(shape, step, "test")
    assert _mask(numbers, (tail,)) == [tail.fits(n) for n in numbers]


def test_hidden_and_short_numbers_are_never_pretty() -> None:
    codes = np.concatenate([np.zeros(1, dtype=np.uint64), encode_numbers(["888", "8888"])])
    assert pretty_mask(codes).tolist() == [False, False, True]


def test_a_new_shape_is_a_data_row() -> None:
    # a number-play tail (1688) and a five-digit run, with no code change
    tails = parse_pretty_tails(HEADER + "1688,,ours\nABCDE,+1,ours\n", "t.csv")
    assert _mask(["13800001688", "13801234567", "13800005234"], tails) == [True, True, False]
    assert builtin_pretty_tails()[0].shape == "xAAA"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("AB-C,,ours", "shape takes"),
        ("ABCDEFGHI,,ours", "1 to 8"),
        ("ABCD,+2,ours", "step must be"),
        ("AABC,+1,ours", "every letter must appear once"),
        ("xA,+1,ours", "two letters"),
        ("ABAB,,", "source is required"),
    ],
)
def test_bad_rows_are_refused_with_their_line(row: str, message: str) -> None:
    with pytest.raises(TableError, match=message) as err:
        parse_pretty_tails(HEADER + "AABB,,ours\n" + row + "\n", "tails.csv")
    assert "tails.csv" in str(err.value)
    assert err.value.line == 3


def test_a_repeated_shape_is_refused() -> None:
    with pytest.raises(TableError, match="duplicate"):
        parse_pretty_tails(HEADER + "AABB,,ours\nAABB,,again\n", "t.csv")

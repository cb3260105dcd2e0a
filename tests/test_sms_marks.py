"""RowMarks (compiled in fraudnum._smsrows, twin in fraudnum._pysmsrows): marks of found rows.

The SMS engine marks each phrase row with the row sets it belongs to and tests one bit of
the union before searching a set (fraudnum.sms.engine.SmsEngine._found); both
implementations must give the same union, read a dict's keys as any other iterable and
refuse a row number out of range.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import _pysmsrows

try:
    from fraudnum import _smsrows

    IMPLS: list[type] = [_pysmsrows.RowMarks, _smsrows.RowMarks]
except ImportError:  # pragma: no cover - extension not built
    IMPLS = [_pysmsrows.RowMarks]

MARKS = st.lists(st.integers(0, 2**63 - 1), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(MARKS, st.data())
def test_compiled_and_twin_give_the_same_union(marks: list[int], data: st.DataObject) -> None:
    rows = data.draw(st.lists(st.integers(0, len(marks) - 1), max_size=20))
    want = 0
    for v in rows:
        want |= marks[v]
    for impl in IMPLS:
        m = impl(marks)
        assert len(m) == len(marks)
        assert m.of(rows) == want
        assert m.of({v: [(0, 1)] for v in rows}) == want  # a dict of rows found: its keys
        assert m.of(tuple(rows)) == want


@pytest.mark.parametrize("impl", IMPLS)
def test_rows_out_of_range_and_bad_marks_are_errors(impl: type) -> None:
    m = impl([1, 2, 4])
    assert m.of([]) == 0
    assert m.of({}) == 0
    bads: list[list[int] | dict[int, list[tuple[int, int]]]] = [[3], [-1], {3: []}, {-1: []}]
    for bad in bads:
        with pytest.raises(IndexError):
            m.of(bad)
    with pytest.raises(ValueError, match="marks must be"):
        impl([2**63])
    with pytest.raises(ValueError, match="marks must be"):
        impl([-1])
    again = pickle.loads(pickle.dumps(m))
    assert type(again) is impl
    assert again.of([0, 2]) == 5  # type: ignore[attr-defined]


def test_engine_marks_a_row_with_every_set_it_belongs_to() -> None:
    clf = fraudnum.Classifier()
    clf.classify_sms("x")
    eng = clf._sms_engine()
    sets = (
        eng._senses.gate,
        eng._disclaimers,
        eng._maskers,
        eng._card_context,
        eng._report_frames,
        eng._addressed_demand_rows,
        eng._cancellers,
        eng._evasion_gate,
    )
    assert all(sets)  # every set holds rows of the shipped tables: each bit is tested
    marks = eng._marks
    for b, rows in enumerate(sets):
        for v in range(len(eng.phrases)):
            assert bool(marks.of([v]) >> b & 1) == (v in rows)

"""What the fuzzers found (tools/fuzz), each kept as a test once fixed.

Each input is also a seed (tools/fuzz/corpus/<target>/finding-*), replayed by
tests/test_fuzz_corpus.py; these tests say what was wrong in plain terms.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import fraudnum
from fraudnum.numbers.parse import builtin_parser, parse_number
from fraudnum.numbers.plan import builtin_table
from fraudnum.tags import TagStoreError, build


@pytest.mark.parametrize(
    "raw",
    [
        "+86 00 391 0065608",
        "tel:+86003(9100 65608",
        "+860039100 65608",
    ],
)
def test_a_second_trunk_zero_after_86_is_checked_like_the_first(raw: str):
    """Target parse: "+86 00 391 0065608" was accepted as 03910065608, which is malformed.

    After +86 and one redundant trunk zero, a second zero skipped the landline checks
    (a local number never starts with 0), in the C canonicaliser and the Python parser
    alike. Now both read the rest as the national number it is.
    """
    for parsed in (
        builtin_parser().parse(raw),
        parse_number(raw, builtin_table().lookup, _fast=False),
    ):
        assert parsed.status == "malformed"
    assert builtin_parser().parse("03910065608").status == "malformed"
    assert builtin_parser().canonical(raw) is None


@pytest.mark.parametrize("raw", ["+86 00 10 6561 2308", "+86 0 10 6561 2308", "+86 10 6561 2308"])
def test_valid_numbers_after_86_and_trunk_zeros_still_parse(raw: str):
    """The fix keeps the tolerated forms: their digits parse on their own, to the same."""
    v = fraudnum.classify(raw)
    assert v.number.digits == "01065612308"
    assert fraudnum.classify(v.number.digits).number.digits == "01065612308"


def test_a_marks_file_that_is_not_utf8_is_a_tag_store_error(tmp_path: Path):
    """Target tag_source: a byte that is not UTF-8 crashed build() with UnicodeDecodeError."""
    src = tmp_path / "marks.csv"
    src.write_bytes(b"number,category,count,last_marked\n\xff,fraud,1,2026-01-01\n")
    with pytest.raises(TagStoreError, match="not UTF-8"):
        build(src, tmp_path / "s.fntags")


def test_a_field_past_the_csv_limit_is_a_tag_store_error(tmp_path: Path):
    """Seen reading the code behind target tag_source: a field over csv's limit crashed build()."""
    src = tmp_path / "marks.csv"
    src.write_text(
        'number,category,count,last_marked\n"' + "1" * 200_000 + '",fraud,1,2026-01-01\n',
        encoding="utf-8",
    )
    with pytest.raises(TagStoreError, match="unreadable CSV"):
        build(src, tmp_path / "s.fntags")


def test_cr_cr_lf_is_two_lines_from_disk_as_in_memory(tmp_path: Path):
    """Target rules: a line ending CR CR LF was one line streamed, two read from a string.

    The streaming reader split a bare CR off only when no CR/LF followed it, so an
    error after it named another line than the in-memory read did.
    """
    from fraudnum import TableError
    from fraudnum.numbers.plan import load_rules, parse_rules

    data = b"# mine\r\r\nprefix,risk\r\n1709,extreme\r\n"
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    with pytest.raises(TableError) as streamed:
        load_rules(path)
    with pytest.raises(TableError) as whole:
        parse_rules(data.decode(), origin=str(path))
    assert streamed.value.line == whole.value.line == 4


def test_arrow_strings_that_are_not_utf8_are_refused_not_crashed_on():
    """Target arrow: an array from raw buffers with a 0xFF byte died in a UnicodeDecodeError.

    Seed tools/fuzz/corpus/arrow/seed-005-not-utf8; now a ValueError naming the chunk.
    """
    np = pytest.importorskip("numpy")
    pa = pytest.importorskip("pyarrow")
    import fraudnum.arrow

    offsets = pa.py_buffer(np.array([0, 11], np.int32).tobytes())
    bad = pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(b"1391234567\xff")])
    with pytest.raises(ValueError, match="not a valid string array"):
        fraudnum.arrow.classify_numbers(bad)


def test_a_null_called_back_in_arrow_is_unknown_as_none_is():
    """The same calls as records and as an Arrow table must find the same patterns."""
    pa = pytest.importorskip("pyarrow")
    from fraudnum.calls import CallRecord, detect_calls

    records = [
        CallRecord(f"1701234{i:04d}", "13912345678", 30.0 * i, 2.0, False, called_back=None)
        for i in range(15)
    ]
    table = pa.table(
        {
            "caller": [r.caller for r in records],
            "callee": [r.callee for r in records],
            "start": [r.start for r in records],
            "ring_s": [r.ring_s for r in records],
            "answered": [r.answered for r in records],
            "called_back": pa.array([None] * len(records), pa.bool_()),
        }
    )
    assert detect_calls(table) == detect_calls(records)


def test_an_international_number_imitating_96110_keeps_that_reason_in_a_batch():
    """Target arrow: +44 0796110 in a column with +44 20 7946 0958 lost imitates_warning_number.

    Batch codes were grouped by the integer columns, which are equal for the two; whether
    the digits dress up as 96110 is not among them (seed finding-imitating-international).
    """
    raws = ["+44 20 7946 0958", "+44 0796110"]
    batch = fraudnum.classify_batch(raws)
    assert batch.codes[1] == fraudnum.classify(raws[1]).codes
    assert "imitates_warning_number" in batch.codes[1]

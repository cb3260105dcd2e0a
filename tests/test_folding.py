"""Tests for the code-point fold table and its loader."""

from __future__ import annotations

import importlib.metadata
import pickle
import struct
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fraudnum.folding import (
    MAX_CODEPOINT,
    SKIP,
    FoldTable,
    fold_char,
    fold_text,
    load_fold_table,
    parse_fold_tsv,
)

REPO = Path(__file__).resolve().parents[1]
HEADER = "codepoint\tfolded\tsource"

any_char = st.integers(0, MAX_CODEPOINT).map(chr)  # lone surrogates included
any_text = st.text(alphabet=any_char, max_size=40)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("繁體", "繁体"),
        ("ＶＸ", "vx"),
        ("VX", "vx"),
        ("①", "1"),
        ("０１２", "012"),
        ("𝟘𝟙", "01"),
        ("ｖ", "v"),
        ("Ⓥⓧ", "vx"),
        ("微\u200b信", "微信"),
        ("微 信", "微信"),
        ("微-信", "微信"),
        ("微*信", "微信"),
        ("微.信", "微信"),
        ("微\u3000信", "微信"),
        ("微\ufeff\u2060\u200c\u200d信", "微信"),
        ("微\ufe0f\U000e0101信", "微信"),  # variation selectors
        ("微😀信", "微信"),  # emoji
        ("微\u0301信", "微信"),  # combining mark
        ("café", "cafe"),  # precomposed letter folds like letter + combining mark
        ("\u2fa8", "门"),  # Kangxi radical -> traditional -> simplified
        ("涉嫌違法犯罪", "涉嫌违法犯罪"),
        ("\ud800x", "\ud800x"),  # a lone surrogate is an ordinary character
        ("", ""),
    ],
)
def test_fold_text_sees_through_evasions(raw: str, folded: str) -> None:
    """Script, width, case, digit style and inserted noise all fold away."""
    assert fold_text(raw) == folded


def test_fold_char_marks_skipped_code_points_with_minus_one() -> None:
    """Skipped code points give -1; mapped ones their target; others themselves."""
    assert fold_char(0x200B) == SKIP == -1
    assert fold_char(ord("，")) == SKIP
    assert fold_char(ord("體")) == ord("体")
    assert fold_char(ord("体")) == ord("体")
    assert fold_char(0xDC00) == 0xDC00


def test_import_does_not_read_the_table() -> None:
    """Importing fraudnum.folding leaves the cached loader empty until first use."""
    code = (
        "import fraudnum.folding as f\n"
        "assert f.load_fold_table.cache_info().currsize == 0, 'read at import'\n"
        "f.fold_text('x')\n"
        "assert f.load_fold_table.cache_info().currsize == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_load_is_cached() -> None:
    """The table is read once and the same object returned afterwards."""
    assert load_fold_table() is load_fold_table()


def test_table_is_idempotent_and_never_maps_to_skipped() -> None:
    """Every target is a fixed point, so folding twice equals folding once."""
    table = load_fold_table()
    for cp, target in table.mapping.items():
        assert cp != target
        if target != SKIP:
            assert table.fold_char(target) == target, hex(cp)


def test_table_covers_the_documented_sources() -> None:
    """The built-in table holds OpenCC script folds, NFKC, casefold and the skip set."""
    table = load_fold_table()
    assert len(table) > 15_000
    skipped = {cp for cp, t in table.mapping.items() if t == SKIP}
    for cp in (0x20, 0x2C, 0x200B, 0x200C, 0x200D, 0xFEFF, 0x2060, 0xFE0F, 0x0301, 0x1F600, 0x09):
        assert cp in skipped, hex(cp)
    assert not any(0xD800 <= cp <= 0xDFFF for cp in table.mapping)
    for ch in "abc019微信体门":
        assert ord(ch) not in table.mapping


def test_committed_file_records_generator_versions_and_sources() -> None:
    """The header names the generator and versions; every row names its source."""
    text = (REPO / "data" / "fold.tsv").read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    joined = "\n".join(header)
    assert "tools/gen_fold.py" in joined
    assert "# unicode: " in joined
    assert "opencc-python-reimplemented" in joined
    assert "sha256" in joined
    rows = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    assert rows[0] == HEADER.split("\t")
    sources = {row[2] for row in rows[1:]}
    assert all(len(row) == 3 and row[2] for row in rows[1:])
    assert {"opencc:TSCharacters", "unicode:NFKC", "unicode:casefold"} <= sources
    assert "unicode:category=Po" in sources


def test_installed_table_matches_the_committed_file() -> None:
    """The package data is the committed data/fold.tsv, not a stale copy."""
    with (REPO / "data" / "fold.tsv").open(encoding="utf-8") as fh:
        assert parse_fold_tsv(fh) == load_fold_table()


@pytest.mark.skipif(
    unicodedata.unidata_version != "14.0.0", reason="table generated with Unicode 14.0.0"
)
def test_generator_reproduces_the_committed_file() -> None:
    """Rerunning tools/gen_fold.py gives the committed file byte for byte."""
    try:
        importlib.metadata.version("opencc-python-reimplemented")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        pytest.skip("opencc-python-reimplemented is not installed")
    if not Path("/usr/share/unicode/Unihan_Variants.txt.bz2").is_file():  # pragma: no cover
        pytest.skip("Unihan_Variants.txt (Debian package unicode-data) is not installed")
    proc = subprocess.run(
        [sys.executable, "tools/gen_fold.py", "--check"], cwd=REPO, capture_output=True
    )
    assert proc.returncode == 0, proc.stderr.decode()


def _tsv(*rows: str) -> list[str]:
    return ["# comment", HEADER, *rows]


@pytest.mark.parametrize(
    ("rows", "line", "message"),
    [
        (["0041\t0061"], 3, "3 tab-separated columns"),
        (["0041\t0061\tsrc\textra"], 3, "3 tab-separated columns"),
        (["0041\t0061\tsrc", "XYZ\t0061\tsrc"], 4, "not a hex code point"),
        (["0041\t0061\tsrc", "0042\t110000\tsrc"], 4, "out of range"),
        (["0041\t0061\t"], 3, "empty source"),
        (["0041..0043\t0061\tsrc"], 3, "only SKIP rows may give a range"),
        (["0043..0041\tSKIP\tsrc"], 3, "reversed"),
        (["0041\t0041\tsrc"], 3, "identity"),
        (["0041\t0061\tsrc", "0020\tSKIP\tsrc", "0041\t0062\tsrc"], 5, "already listed on line 3"),
        (["0020\tSKIP\tsrc", "0041\t0061\tsrc", "0061\t0062\tsrc"], 4, "itself folded on line 5"),
    ],
)
def test_bad_table_lines_raise_value_error_with_line_number(
    rows: list[str], line: int, message: str
) -> None:
    """A malformed row is rejected with its 1-based line number in the message."""
    with pytest.raises(ValueError, match=f"line {line}: .*{message}"):
        parse_fold_tsv(_tsv(*rows), name="t.tsv")


def test_missing_or_wrong_header_is_rejected() -> None:
    """The column header line is required and checked."""
    with pytest.raises(ValueError, match="line 1: expected the column header"):
        parse_fold_tsv(["cp\tfolded\tsource"])
    with pytest.raises(ValueError, match="no column header"):
        parse_fold_tsv(["# only a comment"])


def test_valid_rows_parse_including_skip_ranges() -> None:
    """Ranges expand to one SKIP entry per code point."""
    table = parse_fold_tsv(_tsv("0020..0022\tSKIP\tunicode:category=Po", "0041\t0061\tx"))
    assert dict(table.mapping) == {0x20: SKIP, 0x21: SKIP, 0x22: SKIP, 0x41: 0x61}
    assert table.fold_text("A! B") == "aB"


def test_fold_table_constructor_validates() -> None:
    """Bad mappings are rejected with ValueError or TypeError."""
    with pytest.raises(ValueError, match="itself folded"):
        FoldTable({1: 2, 2: 3})
    with pytest.raises(ValueError, match="out of range"):
        FoldTable({MAX_CODEPOINT + 1: 1})
    with pytest.raises(ValueError, match="out of range"):
        FoldTable({1: -2})
    with pytest.raises(TypeError, match="int -> int"):
        FoldTable({"a": 1})  # type: ignore[dict-item]


def test_fold_table_is_immutable() -> None:
    """Attributes cannot be set or deleted, and the mapping view is read-only."""
    table = load_fold_table()
    with pytest.raises(AttributeError):
        table._map = {}
    with pytest.raises(AttributeError):
        del table._map
    with pytest.raises(TypeError):
        table.mapping[0x41] = 0x62  # type: ignore[index]


def test_fold_text_rejects_non_str() -> None:
    """Non-str input raises TypeError naming the type."""
    with pytest.raises(TypeError, match="bytes"):
        fold_text(b"abc")  # type: ignore[arg-type]


def test_bytes_and_pickle_round_trip() -> None:
    """to_bytes/from_bytes and pickling reproduce an equal table."""
    table = load_fold_table()
    assert FoldTable.from_bytes(table.to_bytes()) == table
    assert pickle.loads(pickle.dumps(table)) == table


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00" * 7, "multiple of 8"),
        (struct.pack("<IIII", 5, 6, 4, 6), "not ascending"),
        (struct.pack("<II", 0x110000, 1), "out of range"),
        (struct.pack("<II", 1, 0x110000), "out of range"),
        (struct.pack("<IIII", 1, 2, 2, 3), "itself folded"),
    ],
)
def test_corrupt_bytes_raise_value_error(data: bytes, message: str) -> None:
    """Corrupted serialised tables (as from a bad pickle) give ValueError, never a crash."""
    with pytest.raises(ValueError, match=message):
        FoldTable.from_bytes(data)


@given(any_text)
def test_fold_text_is_idempotent(text: str) -> None:
    """Folding folded text changes nothing."""
    once = fold_text(text)
    assert fold_text(once) == once


@given(any_text, any_text)
def test_fold_text_is_a_per_character_map(a: str, b: str) -> None:
    """Folding works code point by code point: it distributes over concatenation."""
    assert fold_text(a + b) == fold_text(a) + fold_text(b)
    assert len(fold_text(a)) <= len(a)


@given(any_char)
def test_fold_char_agrees_with_fold_text(ch: str) -> None:
    """fold_char and fold_text describe the same map."""
    cp = fold_char(ord(ch))
    assert fold_text(ch) == ("" if cp == SKIP else chr(cp))

"""JSON Lines input streams in bounded blocks; blank lines are null rows; errors name lines."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import fraudnum
from fraudnum import _files
from fraudnum.cli import main

pa = pytest.importorskip("pyarrow", reason="file input needs pyarrow (the arrow extra)")
pq = pytest.importorskip("pyarrow.parquet", reason="file input needs pyarrow (the arrow extra)")
pajson = pytest.importorskip("pyarrow.json", reason="file input needs pyarrow (the arrow extra)")


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Blocks of ~64 bytes and batches of 3 rows; the sizes of the bytes pyarrow parses."""
    monkeypatch.setattr(_files, "JSON_BLOCK_BYTES", 64)
    monkeypatch.setattr(_files, "BATCH_ROWS", 3)
    parsed: list[int] = []
    read_json = pajson.read_json

    def spy(source: Any, **kw: Any) -> Any:
        parsed.append(source.size())
        return read_json(source, **kw)

    monkeypatch.setattr(pajson, "read_json", spy)
    return parsed


def _rows(path: Path) -> list[dict[str, Any]]:
    batches, total = _files.read_batches(str(path), "jsonl")
    assert total is None  # unknown before the file is read
    return [r for b in batches for r in b.to_pylist()]


def test_reads_in_bounded_blocks_and_batches(tmp_path: Path, small_blocks: list[int]) -> None:
    lines = [json.dumps({"caller": f"1391234{i:04d}", "n": i}) for i in range(40)]
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batches, _ = _files.read_batches(str(path), "jsonl")
    first = next(batches)
    # Lazy: one block parsed for the first batch, not the whole file.
    assert len(small_blocks) == 1
    rest = list(batches)
    longest = max(len(x) + 1 for x in lines)
    assert len(small_blocks) > 10
    assert all(size <= 64 + longest for size in small_blocks)
    assert all(b.num_rows <= 3 for b in [first, *rest])
    got = [r for b in [first, *rest] for r in b.to_pylist()]
    assert got == [json.loads(x) for x in lines]
    assert len({b.schema for b in [first, *rest]}) == 1


def test_a_blank_line_is_a_row_of_nulls(tmp_path: Path, small_blocks: list[int]) -> None:
    path = tmp_path / "calls.jsonl"
    body = '{"caller": "95588", "id": 1}\r\n\n   \n{"caller": "96110", "id": 4}\n \t'
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())  # a byte-order mark, no final newline
    assert _rows(path) == [
        {"caller": "95588", "id": 1},
        {"caller": None, "id": None},
        {"caller": None, "id": None},
        {"caller": "96110", "id": 4},
        {"caller": None, "id": None},
    ]


def test_a_field_null_in_the_first_block_is_text(tmp_path: Path, small_blocks: list[int]) -> None:
    path = tmp_path / "calls.jsonl"
    lines = ['{"caller": null}'] * 5 + ['{"caller": "13912345678"}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _rows(path)[-1] == {"caller": "13912345678"}
    assert len(small_blocks) > 1


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"caller": "1', "line 9: not JSON"),
        # Valid JSON that pyarrow refuses: the line is pyarrow's row, counted from the block.
        ('{"caller": 13912345678}', "line 9: field 'caller' changed from string to number"),
        ('{"caller": "1", "extra": 2}', "line 9: field 'extra' is not one of the fields"),
        ('{"caller": "1"} {"caller": "2"}', "line 9: more than one JSON value"),
        ('["13912345678"]', "line 9: not a JSON object"),
    ],
)
def test_errors_name_the_line(
    tmp_path: Path, small_blocks: list[int], bad: str, message: str
) -> None:
    lines = ['{"caller": "13912345678"}'] * 6 + ["", '{"caller": "95588"}', bad, "{}"]
    path = tmp_path / "calls.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message) as e:
        _rows(path)
    assert str(e.value).startswith(f"{path}: ")


def test_bad_bytes_name_the_line(tmp_path: Path, small_blocks: list[int]) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_bytes(b'{"caller": "1"}\n{"caller": "\xff"}\n')
    with pytest.raises(ValueError, match="line 2: not JSON"):
        _rows(path)


def test_cli_streams_a_jsonl_file(tmp_path: Path, small_blocks: list[int]) -> None:
    callers = ["13912345678", None, "96110", "01065612308", "4008108888"] * 5
    inp = tmp_path / "calls.jsonl"
    inp.write_text(
        "".join("\n" if c is None else json.dumps({"caller": c}) + "\n" for c in callers),
        encoding="utf-8",
    )
    out = tmp_path / "out.parquet"
    status = main(
        ["classify", "--input", str(inp), "--column", "caller", "--output", str(out), "--quiet"],
        stdin=io.StringIO(""),
        out=io.StringIO(),
    )
    assert status == 0
    table = pq.read_table(out)
    assert table.column("caller").to_pylist() == callers
    assert table.column("risk").to_pylist() == [
        fraudnum.classify(c or "").risk.value for c in callers
    ]
    assert table.column("reasons").to_pylist()[1][0] == "no_value"


def test_cli_bad_line_fails_with_no_output(
    tmp_path: Path, small_blocks: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    inp = tmp_path / "calls.jsonl"
    inp.write_text('{"caller": "95588"}\n' * 8 + "not json\n", encoding="utf-8")
    out = tmp_path / "out.parquet"
    status = main(
        ["classify", "--input", str(inp), "--column", "caller", "--output", str(out)],
        stdin=io.StringIO(""),
        out=io.StringIO(),
    )
    assert status == 2
    err = capsys.readouterr().err
    assert "line 9: not JSON" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert not list(tmp_path.glob(".*.tmp"))

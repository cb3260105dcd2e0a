"""``fraudnum calls``: findings from a CSV of call records, bad rows named by line."""

from __future__ import annotations

import io
import json
from pathlib import Path

from fraudnum.cli import main

HEADER = "caller,callee,start,ring_s,answered,talk_s\n"


def _bombing_csv(path: Path, extra: str = "") -> Path:
    rows = [
        f"1701234000{i % 3},13912345678,2026-01-01T08:00:{2 * i:02d},2,no,0\n" for i in range(15)
    ]
    path.write_text(HEADER + "".join(rows) + extra, encoding="utf-8")
    return path


def _run(*argv: str, stdin: str = "") -> tuple[int, list[dict[str, object]]]:
    out = io.StringIO()
    status = main(list(argv), stdin=io.StringIO(stdin), out=out)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def test_calls_prints_each_finding_as_json(tmp_path: Path) -> None:
    status, found = _run("calls", "--input", str(_bombing_csv(tmp_path / "r.csv")))
    assert status == 0
    assert {f["pattern"] for f in found} == {"call_bombing"}
    assert all(f["number"] == "13912345678" and f["calls"] == 15 for f in found)
    assert "15" in found[0]["reasons"][0]["en"]  # type: ignore[index]


def test_calls_stream_gives_the_batch_answer(tmp_path: Path) -> None:
    path = str(_bombing_csv(tmp_path / "r.csv"))
    assert _run("calls", "--input", path, "--stream") == _run("calls", "--input", path)


def test_calls_reads_stdin(tmp_path: Path) -> None:
    text = _bombing_csv(tmp_path / "r.csv").read_text(encoding="utf-8")
    status, found = _run("calls", "--input", "-", stdin=text)
    assert status == 0
    assert found


def test_calls_names_a_bad_row(tmp_path: Path, capsys) -> None:
    path = _bombing_csv(tmp_path / "r.csv", "13800000000,13900000000,soon,2,no,0\n")
    status, found = _run("calls", "--input", str(path))
    assert (status, found) == (2, [])
    assert "line 17: start 'soon'" in capsys.readouterr().err
    path = _bombing_csv(tmp_path / "r.csv", "13800000000,13900000000,1,2,maybe,0\n")
    assert _run("calls", "--input", str(path))[0] == 2
    assert "line 17: answered must be yes or no" in capsys.readouterr().err

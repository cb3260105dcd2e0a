"""The command line on data files: Parquet, CSV and JSON Lines in and out, progress on stderr."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import fraudnum
from fraudnum import _files
from fraudnum.cli import main
from fraudnum.tags import build

pa = pytest.importorskip("pyarrow", reason="file input needs pyarrow (the arrow extra)")
pq = pytest.importorskip("pyarrow.parquet", reason="file input needs pyarrow (the arrow extra)")

CALLERS = ["13912345678", "01065612308", None, "96110", "4008108888", "12"]
TEXTS = [
    "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证",
    "【12381】反诈预警：您可能正在遭遇诈骗，请立即停止转账",
    None,
    "今晚一起吃饭吗",
]
SENDERS = ["95588", "12381", None, "13912345678"]


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), stdin=io.StringIO(""), out=out)
    return status, out.getvalue()


def _expected_risks(callers: list[str | None]) -> list[str]:
    return [fraudnum.classify(c or "").risk.value for c in callers]


def _write(path: Path, table: Any) -> None:
    if path.suffix == ".parquet":
        pq.write_table(table, path)
    elif path.suffix == ".csv":
        from pyarrow import csv as pacsv

        pacsv.write_csv(table, path)
    else:
        path.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in table.to_pylist()),
            encoding="utf-8",
        )


def _read(path: Path, fmt: str) -> list[dict[str, Any]]:
    if fmt == "parquet":
        return list(pq.read_table(path).to_pylist())
    if fmt == "csv":
        import csv

        with open(path, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("src", ["parquet", "csv", "jsonl"])
@pytest.mark.parametrize("dst", ["parquet", "csv", "jsonl"])
def test_classify_a_file(tmp_path: Path, src: str, dst: str) -> None:
    table = pa.table({"caller": pa.array(CALLERS, pa.string()), "id": list(range(len(CALLERS)))})
    inp = tmp_path / f"calls.{src}"
    _write(inp, table)
    out = tmp_path / f"out.{dst}"
    status, printed = _run(
        "classify", "--input", str(inp), "--column", "caller", "--output", str(out)
    )
    assert (status, printed) == (0, "")
    rows = _read(out, dst)
    assert [r["risk"] for r in rows] == _expected_risks(CALLERS)
    # The input's columns come through; the leading 0 of a CSV caller ID is kept.
    assert str(rows[1]["caller"]) == "01065612308"
    assert [int(r["id"]) for r in rows] == list(range(len(CALLERS)))
    reasons = [r["reasons"] for r in rows]
    if dst == "csv":
        reasons = [r.split("|") for r in reasons]
    assert reasons[2] == ["no_value", "hidden_caller"]
    assert reasons[3][0] == "anti_fraud_call"


def test_classify_file_options_and_stdout(tmp_path: Path) -> None:
    inp = tmp_path / "calls.data"
    _write(tmp_path / "calls.parquet", pa.table({"caller": ["95588"]}))
    (tmp_path / "calls.parquet").rename(inp)
    status, printed = _run(
        "classify",
        "--input",
        str(inp),
        "--input-format",
        "parquet",
        "--column",
        "caller",
        "--prefix",
        "c_",
        "--direction",
        "outgoing",
    )
    assert status == 0
    row = json.loads(printed)
    assert row["c_risk"] == fraudnum.classify("95588", direction="outgoing").risk.value
    assert row["caller"] == "95588"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--column", "caller"], "need --input"),
        (["--input", "{inp}"], "needs --column"),
        (["--input", "{inp}", "--column", "nope"], "no column 'nope'"),
        (["--input", "{inp}", "--column", "caller", "13912345678"], "not both"),
        (["--input", "{inp}", "--column", "caller", "--output", "{dir}/x.txt"], "--format"),
        (["--input", "{inp}", "--column", "caller", "--format", "parquet"], "--output PATH"),
        (["--input", "{inp}", "--column", "caller", "--output", "{inp}"], "must not be"),
        (["--input", "{dir}/missing.csv", "--column", "caller"], "missing.csv"),
        (["--input", "{dir}/bad.parquet", "--column", "caller"], "not a Parquet file"),
        (["--input", "{dir}/ragged.csv", "--column", "caller"], "ragged.csv"),
        (["--input", "{inp}", "--column", "caller", "--prefix", ""], None),
    ],
)
def test_bad_file_jobs_fail_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str | None
) -> None:
    inp = tmp_path / "calls.csv"
    inp.write_text("caller,risk\n13912345678,x\n", encoding="utf-8")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    (tmp_path / "ragged.csv").write_text("caller\n1\n2,3\n", encoding="utf-8")
    args = [a.format(inp=inp, dir=tmp_path) for a in argv]
    status, _ = _run("classify", *args)
    err = capsys.readouterr().err
    assert status == 2
    # The input already has a risk column: the message says to pass a prefix.
    assert (message or "prefix") in err
    assert "Traceback" not in err
    assert not list(tmp_path.glob(".*.tmp"))  # no half-written output left behind


def test_sms_file_with_senders(tmp_path: Path) -> None:
    inp = tmp_path / "sms.jsonl"
    _write(inp, pa.table({"text": TEXTS, "from": SENDERS}))
    out = tmp_path / "sms.parquet"
    status, _ = _run(
        "sms",
        "--input",
        str(inp),
        "--column",
        "text",
        "--sender-column",
        "from",
        "--output",
        str(out),
    )
    assert status == 0
    rows = pq.read_table(out).to_pylist()
    expected = [
        fraudnum.classify_sms(t or "", sender=s) for t, s in zip(TEXTS, SENDERS, strict=True)
    ]
    assert [r["category"] for r in rows] == [v.category.value for v in expected]
    assert [r["tags"] for r in rows] == [list(v.tags) for v in expected]
    assert rows[1]["blockable"] is False  # the official 12381 warning
    assert rows[2]["reasons"][0] == "no_value"


def test_store_lookup_file(tmp_path: Path) -> None:
    store = tmp_path / "marks.fntags"
    build(
        [
            ("+86 139 1234 5678", "fraud", 1234, "2026-11-30"),
            ("95588", "marketing", 1, "2026-10-01"),
        ],
        store,
        progress=False,
    )
    inp = tmp_path / "numbers.csv"
    inp.write_text("number\n13912345678\n13800000000\n\n95588\n", encoding="utf-8")
    out = tmp_path / "tags.parquet"
    status, _ = _run(
        "store",
        "lookup",
        str(store),
        "--input",
        str(inp),
        "--column",
        "number",
        "--output",
        str(out),
    )
    assert status == 0
    rows = pq.read_table(out).to_pylist()
    assert [r["found"] for r in rows] == [True, False, False, True]
    assert [r["category"] for r in rows] == ["fraud", None, None, "marketing"]
    assert rows[0]["count"] == 1000  # the lower bound of its count bucket
    assert rows[1]["count"] is None
    assert str(rows[3]["last_marked"]) == "2026-10-01"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("quiet", [False, True])
def test_progress_bar_only_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet: bool
) -> None:
    inp = tmp_path / "calls.parquet"
    _write(inp, pa.table({"caller": ["13912345678"] * 10}))
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    argv = [
        "classify",
        "--input",
        str(inp),
        "--column",
        "caller",
        "--output",
        str(tmp_path / "o.csv"),
    ]
    assert _run(*argv, *(["--quiet"] if quiet else []))[0] == 0
    shown = terminal.getvalue()
    assert ("100%" in shown) is not quiet
    # stderr that is no terminal gets no bar.
    plain = io.StringIO()
    monkeypatch.setattr("sys.stderr", plain)
    assert _run(*argv)[0] == 0
    assert plain.getvalue() == ""


def test_format_of() -> None:
    assert _files.format_of("a/b.PARQUET", None) == "parquet"
    assert _files.format_of("x.ndjson", None) == "jsonl"
    assert _files.format_of("x.txt", "csv") == "csv"
    with pytest.raises(ValueError, match="unknown format"):
        _files.format_of("x.csv", "xlsx")

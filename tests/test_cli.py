"""The fraudnum command line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import fraudnum
from fraudnum.cli import main


def run(argv: list[str], stdin: str = "") -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    status = main(argv, stdin=io.StringIO(stdin), out=out)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def test_classify_arguments():
    """Numbers given as arguments print one JSON verdict a line, in order."""
    status, rows = run(["classify", "+86 400-810-8888", "95588"])
    assert status == 0
    assert [r["kind"] for r in rows] == ["enterprise_400", "service_95"]
    assert rows[0]["risk"] == "high"
    assert rows[0]["reasons"][1]["code"] == "inbound_only_number"
    assert rows[1]["organisation"]["zh"] == "中国工商银行"


def test_classify_stdin_skips_blank_lines():
    """Without arguments, stdin is read one number a line."""
    status, rows = run(["classify", "--channel", "sms"], "10690000123456\n\n12381\n")
    assert status == 0
    assert [r["kind"] for r in rows] == ["sms_port", "anti_fraud_sms"]
    assert rows[0]["channel"] == "sms"


def test_user_rules_options(tmp_path: Path):
    """--block/--allow/--rules reach the classifier, and never-block still wins."""
    rules = tmp_path / "r.csv"
    rules.write_text("prefix,risk\n95588,high\n", encoding="utf-8")
    status, rows = run(
        [
            "classify",
            "--block",
            "1709",
            "--block",
            "96110",
            "--rules",
            str(rules),
            "17091234567",
            "96110",
            "95588",
        ]
    )
    assert status == 0
    assert [r["risk"] for r in rows] == ["high", "trusted", "high"]
    assert [r["tier"] for r in rows] == ["user", "never_block", "user"]


def test_bad_rules_file_exits_2_with_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A bad rules file is a clear error naming the line, exit status 2."""
    rules = tmp_path / "r.csv"
    rules.write_text("prefix,risk\n95588,extreme\n", encoding="utf-8")
    status, rows = run(["classify", "--rules", str(rules), "95588"])
    assert status == 2
    assert rows == []
    assert "line 2" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]):
    """--version shows the package and data versions."""
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert fraudnum.__version__ in out
    assert fraudnum.data_version() in out


def test_installed_command_runs():
    """The installed entry point works as a program, reading stdin."""
    proc = subprocess.run(
        [sys.executable, "-m", "fraudnum", "classify"],
        input="匿名\n4008108888\n",
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    )
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["kind"] for r in rows] == ["hidden", "enterprise_400"]


def test_classify_streams_large_inputs_in_order():
    """More lines than one chunk come out complete and in input order."""
    numbers = [f"139{i:08d}" for i in range(5000)] + ["96110"]
    status, rows = run(["classify"], "\n".join(numbers) + "\n")
    assert status == 0
    assert [r["input"] for r in rows] == numbers
    assert rows[-1]["kind"] == "anti_fraud_call"


def test_closed_pipe_is_not_an_error():
    """Piping into `head` ends quietly with status 0, as Unix tools do."""
    numbers = "\n".join(f"139{i:08d}" for i in range(20000)) + "\n"
    proc = subprocess.run(
        f"{sys.executable} -m fraudnum classify | head -n 1",
        shell=True,
        input=numbers,
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    )
    assert proc.stdout.count("\n") == 1
    assert "error" not in proc.stderr
    assert "Broken pipe" not in proc.stderr

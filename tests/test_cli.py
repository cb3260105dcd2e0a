"""The fraudnum command line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import fraudnum
from fraudnum.cli import _Lines, main


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


def test_classify_stdin_one_verdict_per_line():
    """Without arguments, stdin is read one number a line; a blank line is a hidden verdict."""
    status, rows = run(["classify", "--channel", "sms"], "10690000123456\n\n12381\n")
    assert status == 0
    assert [r["kind"] for r in rows] == ["sms_port", "hidden", "anti_fraud_sms"]
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert rows[1]["input"] == ""
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


def run_bytes(argv: list[str], data: bytes) -> tuple[int, list[dict[str, Any]]]:
    """Run with stdin as a real byte stream (as a pipe gives it), text wrapper on top."""
    out = io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    status = main(argv, stdin=stdin, out=out)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.parametrize("command", ["classify", "sms"])
def test_every_input_line_gives_one_output_line(command: str):
    """Blank and whitespace lines, CRLF ends and a missing last newline: lines match."""
    data = "95588\r\n\n   \n96110\n\t\n12381"
    status, rows = run([command], data)
    assert status == 0
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5, 6]
    if command == "classify":
        assert [r["input"] for r in rows] == ["95588", "", "   ", "96110", "\t", "12381"]
        assert [r["kind"] for r in rows][1:3] == ["hidden", "hidden"]
    else:
        assert [r["text"] for r in rows] == ["95588", "", "   ", "96110", "\t", "12381"]


def test_invalid_utf8_is_counted_on_stderr(capsys: pytest.CaptureFixture[str]):
    """Bad bytes still give their verdict line, and stderr says how many lines had them."""
    status, rows = run_bytes(["classify"], b"95588\n\xff\xfe139\n12381\n\xc3\n")
    assert status == 0
    assert [r["line"] for r in rows] == [1, 2, 3, 4]
    assert rows[1]["input"] == "\ufffd\ufffd139"
    err = capsys.readouterr().err
    assert "2 input item(s) not UTF-8 (line 2, line 4)" in err


def test_strict_makes_invalid_utf8_an_error(capsys: pytest.CaptureFixture[str]):
    """--strict: the first line that is not UTF-8 ends the run with status 2 and its number."""
    status, rows = run_bytes(["sms", "--strict"], "你好\n".encode() + b"\xe4\xbd\n")
    assert status == 2
    assert [r["text"] for r in rows] == ["你好"]
    assert "input line 2 is not UTF-8" in capsys.readouterr().err


def test_strict_passes_clean_input(capsys: pytest.CaptureFixture[str]):
    """--strict changes nothing for valid UTF-8, and nothing is said on stderr."""
    status, rows = run_bytes(["classify", "--strict"], "95588\n匿名\n".encode())
    assert status == 0
    assert [r["kind"] for r in rows] == ["service_95", "hidden"]
    assert capsys.readouterr().err == ""


def test_json_has_the_python_verdict_fields():
    """The classify and sms JSON carry advice and blockable, equal to the Python verdicts'."""
    _, (number,) = run(["classify", "4008108888"])
    v = fraudnum.classify("4008108888")
    assert number["blockable"] is v.blockable is True
    assert number["advice"] == [a.to_dict() for a in v.advice]
    assert number["advice"]
    _, (warning,) = run(["classify", "96110"])
    assert warning["blockable"] is False
    text = "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证"
    _, (sms,) = run(["sms", text])
    sv = fraudnum.classify_sms(text)
    assert sms["blockable"] is sv.blockable is True
    assert sms["advice"] == [a.to_dict() for a in sv.advice]
    assert sms["advice"]
    _, (official,) = run(["sms", "--sender", "12381", "您好"])
    assert official["blockable"] is False


def test_negative_duration_names_the_option(capsys: pytest.CaptureFixture[str]):
    """--duration -5 is refused naming --duration, never report()'s duration_s."""
    with pytest.raises(SystemExit) as info:
        main(["report", "17012345678", "--when", "2026-11-20T14:03", "--reporter",
              "13912345678", "--duration", "-5"])  # fmt: skip
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--duration" in err
    assert "0 or more" in err
    assert "duration_s" not in err


def test_report_errors_name_the_options(capsys: pytest.CaptureFixture[str]):
    """An SMS report given --duration says --duration applies to calls only."""
    status, _ = run(
        ["report", "17012345678", "--when", "2026-11-20T14:03", "--reporter", "13912345678",
         "--channel", "sms", "--content", "点击链接领取", "--duration", "30",
         "--now", "2026-11-21T10:00"]
    )  # fmt: skip
    assert status == 2
    err = capsys.readouterr().err
    assert "--duration applies to call reports only" in err
    assert "duration_s" not in err


def test_bad_kind_lists_only_accepted_kinds(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A rules file with kind 'hidden' is refused, and the list offered leaves hidden out."""
    rules = tmp_path / "r.csv"
    rules.write_text("prefix,kind\n1709,hidden\n", encoding="utf-8")
    status, _ = run(["classify", "--rules", str(rules), "17091234567"])
    assert status == 2
    err = capsys.readouterr().err
    assert "line 2" in err
    assert "kind 'hidden' is not one of: mobile" in err
    listed = err.split("is not one of:")[1]
    assert "hidden" not in listed
    assert "malformed" not in listed


def test_ineffective_rule_is_one_warning_line(capsys: pytest.CaptureFixture[str]):
    """--block 96110 still runs, 96110 stays unblocked, and stderr says why in one line."""
    status, rows = run(["classify", "--block", "96110", "96110"])
    assert status == 0
    assert rows[0]["tier"] == "never_block"
    err = capsys.readouterr().err
    assert err.startswith("fraudnum: warning: block list, entry 1 ('96110')")
    assert "no effect on 96110" in err
    assert err.count("\n") == 1


def test_arguments_that_are_not_utf8_are_replaced_and_counted(
    capsys: pytest.CaptureFixture[str],
):
    """Undecodable bytes in an argument (surrogateescape) never break the JSON output."""
    out = io.StringIO()
    status = main(["classify", "95588", "\udcff139", "\ud800"], out=out)
    assert status == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["input"] for r in rows] == ["95588", "\ufffd139", "\ufffd\ufffd\ufffd"]
    out.getvalue().encode("utf-8")  # writable to any UTF-8 stream
    assert "2 input item(s) not UTF-8 (argument 2, argument 3)" in capsys.readouterr().err
    with pytest.raises(ValueError, match="input argument 2 is not UTF-8"):
        list(_Lines(["1", "\udcff"], io.StringIO(), strict=True))


def test_strict_exit_status_for_a_bad_argument(capsys: pytest.CaptureFixture[str]):
    """--strict: an argument that is not UTF-8 is an error with exit status 2."""
    status = main(["sms", "--strict", "ok", "\udcff"], out=io.StringIO())
    assert status == 2
    assert "input argument 2 is not UTF-8" in capsys.readouterr().err


def test_a_strict_utf8_stdout_gets_every_line():
    """Run as a program with a strict UTF-8 stdout, bad bytes in and every line out."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "fraudnum", "classify"],
        input=b"95588\n\xff139\n\n",
        capture_output=True,
        env=env,
        check=True,
    )
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert b"1 input item(s) not UTF-8 (line 2)" in proc.stderr


def test_strict_classify_prints_the_lines_before_the_bad_one(capsys: pytest.CaptureFixture[str]):
    """--strict on classify: every line before the bad one has its verdict, then exit 2."""
    status, rows = run_bytes(["classify", "--strict"], b"95588\n\n96110\n\xff\n110\n")
    assert status == 2
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert "input line 4 is not UTF-8" in capsys.readouterr().err

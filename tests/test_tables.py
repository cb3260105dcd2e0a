"""Validation of data tables: built-in and user files, with line numbers."""

from __future__ import annotations

import pytest

from fraudnum._tables import TableError, data_version
from fraudnum.numbers.plan import (
    builtin_carriers,
    builtin_dial_prefixes,
    builtin_hidden_markers,
    builtin_rules,
    parse_rules,
)
from fraudnum.texts import builtin_reasons

HEADER = (
    "prefix,min_len,max_len,kind,risk_call,risk_sms,risk_out,calls_out,never_block,urgent,"
    "reason,org_zh,org_en,carrier,source\n"
)
GOOD = "400,10,10,enterprise_400,high,medium,low,no,no,no,enterprise_400_number,,,,seed\n"


def test_builtin_tables_load():
    """The shipped tables validate and hold what the engine relies on."""
    rules = builtin_rules()
    assert len(rules) > 100
    assert {"inbound_only_number", "malformed_number", "hidden_caller"} <= set(builtin_reasons())
    assert builtin_carriers()["china_mobile"].report_port == "10086999"
    assert "未知号码" in builtin_hidden_markers()
    assert builtin_dial_prefixes()[0].isdigit()
    assert len(data_version()) == 10


def test_builtin_format_parses_strictly():
    """A full row in the built-in format parses to the expected rule."""
    (rule,) = parse_rules(HEADER + GOOD, origin="t.csv", builtin=True)
    assert rule.prefix == "400"
    assert (rule.min_len, rule.max_len) == (10, 10)
    assert not rule.calls_out
    assert rule.line == 2


@pytest.mark.parametrize(
    ("rows", "line", "message"),
    [
        (GOOD + GOOD, 3, "duplicates line 2"),
        (GOOD.replace("enterprise_400,", "premium,"), 2, "kind 'premium' is not one of"),
        (GOOD.replace(",high,", ",severe,"), 2, "risk_call 'severe'"),
        (GOOD.replace("400,10,10", "400,12,10"), 2, "lengths must satisfy"),
        (GOOD.replace("400,10,10", "400,2,10"), 2, "lengths must satisfy"),
        (GOOD.replace("400,10,10", "400,ten,10"), 2, "min_len must be a whole number"),
        (GOOD.replace("400,", "4O0,", 1), 2, "prefix must be ASCII digits"),
        (GOOD.replace(",no,no,no,", ",maybe,no,no,"), 2, "calls_out must be yes or no"),
        (GOOD.replace("enterprise_400_number", "made_up"), 2, "unknown reason code"),
        (GOOD.replace(",,,,seed", ",,,vodafone,seed"), 2, "unknown carrier"),
        (GOOD.replace(",,,,seed", ",某公司,,,seed"), 2, "org_zh and org_en"),
        (GOOD.replace(",seed", ","), 2, "needs a source"),
        (GOOD.replace("enterprise_400,", "hidden,"), 2, "kind 'hidden' is not one of: mobile,"),
        (GOOD.rstrip("\n") + ",extra\n", 2, "expected 15 fields"),
        (
            "\n# a comment\n"
            + GOOD
            + "800,10,10,,high,high,low,no,no,no,toll_free_800_number,,,,s\n",
            5,
            "kind is required",
        ),
    ],
)
def test_builtin_errors_carry_line_numbers(rows, line, message):
    """Every kind of bad row is reported with its file and line."""
    with pytest.raises(TableError, match=message) as info:
        parse_rules(HEADER + rows, origin="t.csv", builtin=True)
    assert info.value.line == line
    assert str(info.value).startswith(f"t.csv, line {line}: ")


def test_missing_columns_are_named():
    """A header without required columns fails on line 1 naming them."""
    with pytest.raises(TableError, match=r"line 1: missing column.*source"):
        parse_rules(HEADER.replace(",source", ""), origin="t.csv", builtin=True)
    with pytest.raises(TableError, match="repeated column"):
        parse_rules("prefix,prefix\n1,1\n", origin="u.csv")
    with pytest.raises(TableError, match="empty"):
        parse_rules("", origin="u.csv")


def test_user_rules_are_lenient_but_safe():
    """User files need only a prefix and something to say, and cannot mark rows never-block."""
    (rule,) = parse_rules("prefix,risk\n1709,high\n", origin="u.csv")
    assert (rule.risk_call, rule.risk_sms, rule.risk_out) == ("high", "high", "high")
    assert (rule.min_len, rule.max_len) == (4, 32)
    assert rule.reason == "user_rule"
    assert rule.kind is None
    with pytest.raises(TableError, match="line 2: the row sets neither a kind nor a risk"):
        parse_rules("prefix,source\n1709,me\n", origin="u.csv")
    with pytest.raises(TableError, match="line 3: never_block and urgent are reserved"):
        parse_rules("prefix,risk,never_block\n1709,high,no\n95588,trusted,yes\n", origin="u.csv")
    with pytest.raises(TableError, match="missing column"):
        parse_rules("number,risk\n1709,high\n", origin="u.csv")


def test_bom_and_blank_lines_are_tolerated():
    """Files saved by spreadsheet programs (BOM, CRLF, blank lines) load."""
    text = "\ufeffprefix,risk\r\n\r\n1709,high\r\n"
    (rule,) = parse_rules(text, origin="u.csv")
    assert rule.prefix == "1709"
    assert rule.line == 3


# -- files users hand us: the reader's strictness (issue 15) ---------------------


def _write(tmp_path, text: str | bytes):
    path = tmp_path / "rules.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_comment_lines_before_the_header_are_skipped(tmp_path):
    """A ``#`` comment above the header is a comment, not a header missing its columns."""
    from fraudnum.numbers.plan import load_rules

    path = _write(tmp_path, "# my rules, 2026-12\n\nprefix,risk,source\n1709,high,mine\n")
    (rule,) = load_rules(path)
    assert (rule.prefix, rule.line) == ("1709", 4)


def test_an_unterminated_quote_is_an_error_with_its_line():
    """Strict quoting: a quote that never closes is not silently swallowed."""
    with pytest.raises(TableError, match=r"line \d+: unreadable CSV"):
        parse_rules('prefix,risk,source\n1709,high,"mine\n')


def test_control_characters_are_rejected_with_their_line():
    """A NUL or other control character in a cell names the line and the code point."""
    with pytest.raises(TableError, match=r"line 2: control character U\+0000"):
        parse_rules("prefix,risk,source\n1709,high,mi\x00ne\n")


def test_unknown_columns_are_an_error_naming_the_known_ones():
    """A misspelt optional column is reported instead of being ignored."""
    with pytest.raises(TableError, match=r"line 1: unknown column\(s\): risc; known: prefix"):
        parse_rules("prefix,risc,source\n1709,high,mine\n")


def test_user_files_with_a_bom_and_lists_with_a_bom_load(tmp_path):
    """A BOM (as Windows editors write) is accepted by every user file."""
    from fraudnum.numbers.lists import load_number_list
    from fraudnum.numbers.plan import load_rules

    assert load_rules(_write(tmp_path, "\ufeffprefix,risk\n1709,high\n"))[0].prefix == "1709"
    lst = tmp_path / "block.txt"
    lst.write_text("\ufeff1709\n# comment\n+86 139 1234 5678\n", encoding="utf-8")
    assert load_number_list(lst) == ["1709", "+86 139 1234 5678"]


def test_a_list_with_a_nul_names_its_line(tmp_path):
    """Control characters in a list file are an error with the line number."""
    from fraudnum.numbers.lists import load_number_list

    lst = tmp_path / "block.txt"
    lst.write_bytes(b"1709\n17\x0009\n")
    with pytest.raises(TableError, match="line 2: control character"):
        load_number_list(lst)


def test_oversized_and_non_utf8_files_are_refused(tmp_path):
    """Too large a file is refused before it is read; bad UTF-8 names its line."""
    from fraudnum._tables import read_user_file

    big = _write(tmp_path, b"prefix\n" + b"1" * 200)
    with pytest.raises(TableError, match="larger than 100 bytes"):
        read_user_file(big, max_bytes=100)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"prefix,risk\n1709,high\n\xff\xfe\n")
    with pytest.raises(TableError, match="line 3: not UTF-8"):
        read_user_file(bad)


@pytest.mark.parametrize(
    ("rules", "reached"),
    [
        ("prefix,risk\n96110,high\n", "96110"),
        ("prefix,risk\n9611,high\n", "96110"),
        ("prefix,kind\n12381,sms_port\n", "12381"),
        ("prefix,min_len,max_len,risk\n11,3,3,high\n", "110, 112, 119"),
    ],
)
def test_a_rule_on_a_never_block_number_warns_with_its_line(tmp_path, rules, reached):
    """A user rule that cannot change 96110, 12381 or 110 says so, with file and line."""
    import fraudnum
    from fraudnum.numbers.plan import load_rules

    path = _write(tmp_path, "# my rules\n" + rules)
    with pytest.warns(fraudnum.IneffectiveRuleWarning) as record:
        rows = load_rules(path)
    (w,) = record
    assert f"{path}, line 3: the rule for {rows[0].prefix} has no effect on {reached}" in str(
        w.message
    )
    assert "never blocked" in str(w.message)
    assert w.category.__module__ == "fraudnum"
    with pytest.warns(fraudnum.IneffectiveRuleWarning):
        clf = fraudnum.Classifier(rules=path)
    for number in ("96110", "12381", "110"):
        assert clf.classify(number).tier.value == "never_block"


@pytest.mark.parametrize(
    "rules",
    [
        "prefix,risk\n961101,high\n",  # longer than 96110: another number
        "prefix,risk\n96110,trusted\n",  # agrees with the tier
        "prefix,min_len,max_len,risk\n1,11,11,high\n",  # 11-digit numbers only, no 110
        "prefix,risk\n95588,high\n",
    ],
)
def test_rules_that_do_not_touch_never_block_numbers_do_not_warn(rules):
    """No warning for rules beside the never-block numbers, or that only trust them."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert parse_rules(rules)


def test_a_blocked_never_block_number_warns_naming_the_entry():
    """Classifier(block=[... "96110"]) warns naming the list and the entry."""
    import fraudnum

    with pytest.warns(fraudnum.IneffectiveRuleWarning, match=r"block list, entry 2 \('110'\)"):
        clf = fraudnum.Classifier(block=["1709", "110"], allow=["96110"])
    assert not clf.classify("110").blockable
    assert clf.classify("17091234567").risk.value == "high"


def test_user_files_stream_in_one_pass(tmp_path):
    """A bad last line after megabytes of comments is found without holding the file."""
    import tracemalloc

    from fraudnum.numbers.plan import load_rules

    filler = ("# " + "x" * 98 + "\n") * 40_000  # 4 MB of comment lines
    path = _write(tmp_path, "prefix,risk\n1709,high\n" + filler + "1708,extreme\n")
    tracemalloc.start()
    try:
        with pytest.raises(TableError, match="line 40003: risk_call 'extreme'"):
            load_rules(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # the file is 4 MB; a line at a time stays far below


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_streamed_and_in_memory_reads_agree_on_line_ends(tmp_path, end):
    """LF, CRLF and old-Mac CR files read alike from disk and from a string."""
    from fraudnum.numbers.lists import load_number_list
    from fraudnum.numbers.plan import load_rules

    text = end.join(["prefix,risk", "# c", "1709,high", "", "1708,low", ""])
    assert load_rules(_write(tmp_path, text)) == parse_rules(
        text, origin=str(tmp_path / "rules.csv")
    )
    lst = tmp_path / "l.txt"
    lst.write_bytes(end.join(["1709", "# c", "", "1708 # mine", ""]).encode())
    assert load_number_list(lst) == ["1709", "1708"]


def test_a_pipe_over_the_limit_is_refused(tmp_path):
    """A file whose size the OS does not tell (a pipe) is cut off at the limit too."""
    import contextlib
    import os
    import threading

    from fraudnum._tables import user_file_lines

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        # The reader may stop early and close its end: the writer's pipe then breaks.
        with contextlib.suppress(BrokenPipeError), open(fifo, "wb") as fh:
            fh.write(b"prefix\n" + b"1709\n" * 100)

    t = threading.Thread(target=feed)
    t.start()
    with pytest.raises(TableError, match="larger than 64 bytes"):
        list(user_file_lines(fifo, max_bytes=64))
    t.join()

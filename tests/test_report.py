"""Reports: the SMS to 12321 and the carrier port, the 12321 form, channels, and bad input."""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
import textwrap
import typing
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fraudnum
from fraudnum import NothingToReport, Report, ReportError, Risk, Verdict
from fraudnum.cli import main
from fraudnum.numbers.plan import builtin_carriers, builtin_rules, builtin_table
from fraudnum.report import (
    BEIJING,
    SMS_MAX_UNITS,
    builtin_report_channels,
    format_time,
    sms_units,
)
from fraudnum.report import _compose as _report_compose
from fraudnum.report import _texts as _report_texts
from fraudnum.report._texts import builtin_report_texts
from fraudnum.types import NumberKind, Reason, SmsCategory, SmsVerdict

WHEN = datetime(2026, 11, 20, 14, 3)
NOW = datetime(2026, 11, 21, 9, 0)
MOBILE = "13912345678"  # China Mobile
TELECOM = "13312345678"
UNICOM = "13012345678"
BROADNET = "19212345678"
MVNO = "17091234567"


def call(number: str = "+86-10-12308", **kw: Any) -> Report:
    args: dict[str, Any] = {"when": WHEN, "reporter": MOBILE, "now": NOW}
    args.update(kw)
    return fraudnum.report(fraudnum.classify(number), **args)


def sms_report(content: str, sender: str = "10690000123456", **kw: Any) -> Report:
    args: dict[str, Any] = {"when": WHEN, "reporter": MOBILE, "now": NOW, "content": content}
    args.update(kw)
    return fraudnum.report(fraudnum.classify(sender, channel="sms"), **args)


def smsv(
    category: SmsCategory = SmsCategory.FRAUD,
    risk: Risk = Risk.HIGH,
    sender: str | None = "10690000123456",
) -> SmsVerdict:
    return SmsVerdict(
        category=category,
        risk=risk,
        reasons=(Reason("test", "测试", "test"),),
        sender=None if sender is None else fraudnum.classify(sender, channel="sms"),
    )


# -- calls ---------------------------------------------------------------------


def test_issue_example_call() -> None:
    r = call(duration_s=45)
    assert r.sms == (
        ("12321", "01012308*2026-11-20 14:03"),
        ("10086999", "01012308*疑似诈骗电话"),
    )
    assert r.channel is fraudnum.Channel.CALL
    assert r.reported_number == "01012308"
    assert r.reporter == MOBILE
    assert r.time_text == "2026-11-20 14:03"
    assert r.carrier_port == "10086999"
    assert r.reporter_carrier is not None
    assert r.reporter_carrier.code == "china_mobile"
    assert [n.code for n in r.notes] == ["carrier_from_range"]
    assert [a.code for a in r.advice][:3] == [
        "hang_up",
        "verify_via_official_number",
        "do_not_call_back",
    ]


def test_reported_number_is_what_was_shown() -> None:
    assert call("12308").reported_number == "12308"
    assert call("+86-10-65612308").reported_number == "01065612308"
    assert call("+86 400-810-8888").reported_number == "4008108888"
    assert call("+1 415 555 0123").reported_number == "0014155550123"
    assert call("136 0000 1111").reported_number == "13600001111"


@pytest.mark.parametrize(
    ("reporter", "port", "carrier"),
    [
        (MOBILE, "10086999", "china_mobile"),
        ("+86 150 1234 5678", "10086999", "china_mobile"),
        (TELECOM, "10000999", "china_telecom"),
        ("18912345678", "10000999", "china_telecom"),
        (UNICOM, "10010999", "china_unicom"),
        ("18612345678", "10010999", "china_unicom"),
    ],
)
def test_carrier_port_follows_the_reporters_carrier(reporter: str, port: str, carrier: str) -> None:
    r = call("4008108888", reporter=reporter)
    assert r.sms[1] == (port, "4008108888*疑似诈骗电话")
    assert r.reporter_carrier is not None
    assert r.reporter_carrier.code == carrier


def test_broadnet_reporter_gets_no_carrier_sms() -> None:
    r = call("4008108888", reporter=BROADNET)
    assert r.sms == (("12321", "4008108888*2026-11-20 14:03"),)
    assert r.carrier_port is None
    assert r.reporter_carrier is not None
    assert r.reporter_carrier.code == "china_broadnet"
    assert {n.code for n in r.notes} == {"carrier_from_range", "carrier_no_port"}
    note = next(n for n in r.notes if n.code == "carrier_no_port")
    assert "中国广电" in note.zh
    assert "China Broadnet" in note.en


def test_mvno_reporter_is_told_not_guessed() -> None:
    r = call("4008108888", reporter=MVNO)
    assert r.sms == (("12321", "4008108888*2026-11-20 14:03"),)
    assert r.reporter_carrier is None
    assert r.carrier_port is None
    (note,) = r.notes
    assert note.code == "carrier_virtual"
    assert "虚拟运营商" in note.zh
    assert "中国联通" in note.zh  # 1709 is hosted by China Unicom
    assert "MVNO" in note.en


def test_reporter_carrier_override() -> None:
    r = call("4008108888", reporter=MOBILE, reporter_carrier="china_telecom")
    assert r.sms[1][0] == "10000999"
    assert [n.code for n in r.notes] == ["carrier_given"]
    r = call("4008108888", reporter=MVNO, reporter_carrier="china_unicom")
    assert r.sms[1][0] == "10010999"
    with pytest.raises(ReportError, match="unknown carrier") as info:
        call("4008108888", reporter_carrier="vodafone")
    assert info.value.code == "unknown_carrier"


def test_low_and_medium_risk_are_harassment() -> None:
    r = call("13600001111")
    assert r.sms[1] == ("10086999", "13600001111*骚扰电话")
    assert r.form.type == "harassment_call"
    assert r.form.type_zh == "骚扰电话"
    assert call("17091234567").form.type == "harassment_call"
    assert call("4008108888").form.type == "fraud_call"


def test_fraud_type_and_content_make_the_reason() -> None:
    r = call("13600001111", fraud_type="冒充公检法", content="说我涉嫌洗钱，要我转账到安全账户")
    assert r.sms[1] == ("10086999", "13600001111*冒充公检法：说我涉嫌洗钱，要我转账到安全账户")
    assert r.form.type == "fraud_call"
    assert r.form["fraud_type"] == "冒充公检法"
    assert r.form["description"] == "说我涉嫌洗钱，要我转账到安全账户"
    assert call("13600001111", content="推销贷款").sms[1][1] == "13600001111*推销贷款"


def test_call_form_fields() -> None:
    r = call(duration_s=45)
    assert r.form.keys() == (
        "reporter_number",
        "reported_number",
        "fraud_type",
        "call_time",
        "call_duration",
        "description",
    )
    assert r.form["reporter_number"] == MOBILE
    assert r.form["reported_number"] == "01012308"
    assert r.form["call_time"] == "2026-11-20 14:03"
    assert r.form["call_duration"] == "45秒"
    assert r.form["fraud_type"] is None
    assert r.form.missing == ("fraud_type",)
    desc = r.form["description"]
    assert desc is not None
    assert desc.startswith("01012308：")
    assert "外交部" in desc
    assert "call_time" in r.form
    assert "sms_content" not in r.form
    with pytest.raises(KeyError):
        r.form["sms_content"]
    labels = {f.key: f.zh for f in r.form.fields}
    assert labels["call_time"] == "来电时间"
    assert labels["call_duration"] == "通话时长"


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0秒"), (59, "59秒"), (60, "1分00秒"), (125, "2分05秒")]
)
def test_duration_text(seconds: int, text: str) -> None:
    assert call(duration_s=seconds).form["call_duration"] == text


def test_no_duration_is_left_to_the_person() -> None:
    r = call()
    assert r.form["call_duration"] is None
    assert "call_duration" in r.form.missing


def test_negative_duration() -> None:
    with pytest.raises(ReportError, match=">= 0") as info:
        call(duration_s=-1)
    assert info.value.code == "bad_duration"


# -- SMS -----------------------------------------------------------------------------


def test_sms_report_from_a_sender_verdict() -> None:
    text = "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证"
    r = sms_report(text)
    assert r.channel is fraudnum.Channel.SMS
    assert r.sms == (("10086999", "10690000123456*" + text),)
    assert r.form.type == "spam_sms"
    assert r.form.type_zh == "垃圾短信"
    assert r.form.keys() == ("reporter_number", "sender_number", "receive_time", "sms_content")
    assert r.form["sender_number"] == "10690000123456"
    assert r.form["receive_time"] == "2026-11-20 14:03"
    assert r.form["sms_content"] == text
    assert r.form.missing == ()
    assert "sms_form_only" in {n.code for n in r.notes}


def test_sms_report_from_an_sms_verdict() -> None:
    r = fraudnum.report(smsv(), when=WHEN, reporter=TELECOM, now=NOW, content="中奖了 回复领取")
    assert r.sms == (("10000999", "10690000123456*中奖了 回复领取"),)
    assert r.form["sms_content"] == "中奖了 回复领取"
    assert "do_not_share_info" in [a.code for a in r.advice]


def test_sms_verdict_without_sender() -> None:
    with pytest.raises(ReportError, match="no sender") as info:
        fraudnum.report(smsv(sender=None), when=WHEN, reporter=MOBILE, now=NOW, content="x")
    assert info.value.code == "no_sender"


def test_trusted_sms_verdict_is_nothing_to_report() -> None:
    v = smsv(SmsCategory.WARNING, Risk.TRUSTED, sender="12381")
    with pytest.raises(NothingToReport):
        fraudnum.report(v, when=WHEN, reporter=MOBILE, now=NOW, content="预警")


@pytest.mark.parametrize("content", [None, "", "   \n\t "])
def test_sms_needs_content(content: str | None) -> None:
    with pytest.raises(ReportError, match="content") as info:
        fraudnum.report(
            fraudnum.classify("10690000123456", channel="sms"),
            when=WHEN,
            reporter=MOBILE,
            now=NOW,
            content=content,
        )
    assert info.value.code == "content_required"


@pytest.mark.parametrize("extra", [{"duration_s": 30}, {"fraud_type": "冒充客服"}])
def test_call_only_fields_are_refused_for_sms(extra: dict[str, Any]) -> None:
    with pytest.raises(ReportError, match="call reports only") as info:
        sms_report("hello", **extra)
    assert info.value.code == "not_for_sms"


def test_sms_from_mvno_reporter_has_no_message_but_a_form() -> None:
    r = sms_report("贷款秒批", reporter=MVNO)
    assert r.sms == ()
    assert r.form["sms_content"] == "贷款秒批"
    assert {"carrier_virtual", "sms_form_only"} <= {n.code for n in r.notes}


def test_sms_classified_with_classify_sms() -> None:
    text = "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证"
    r = fraudnum.report(
        fraudnum.classify_sms(text, sender="10690000123456"),
        when=WHEN,
        reporter=MOBILE,
        now=NOW,
        content=text,
    )
    assert r.sms == (("10086999", "10690000123456*" + text),)


# -- one SMS: the truncation rule, at its boundary ------------------------------------


def test_body_of_exactly_70_is_kept() -> None:
    head = "10690000123456*"  # 15 units
    text = "好" * (SMS_MAX_UNITS - len(head))
    r = sms_report(text)
    assert r.sms[0][1] == head + text
    assert sms_units(r.sms[0][1]) == SMS_MAX_UNITS
    assert "content_truncated" not in {n.code for n in r.notes}


def test_body_of_71_is_cut_to_70_with_an_ellipsis() -> None:
    head = "10690000123456*"
    text = "好" * (SMS_MAX_UNITS - len(head) + 1)
    r = sms_report(text)
    body = r.sms[0][1]
    assert body == head + "好" * (SMS_MAX_UNITS - len(head) - 1) + "…"
    assert sms_units(body) == SMS_MAX_UNITS
    assert "content_truncated" in {n.code for n in r.notes}
    assert r.form["sms_content"] == text  # the form keeps it whole


def test_astral_characters_count_two_and_are_never_split() -> None:
    head = "10690000123456*"
    room = SMS_MAX_UNITS - len(head)  # 55
    fits = "好" * (room - 2) + "😀"  # 53 + 2 = 55 units
    assert sms_report(fits).sms[0][1] == head + fits
    over = "好" * (room - 2) + "😀" + "好"  # 56 units: cut, and the emoji straddles the cut
    body = sms_report(over).sms[0][1]
    assert body == head + "好" * 53 + "…"
    assert sms_units(body) == 69  # the emoji did not fit in the last unit


def test_cut_keeps_combining_marks_with_their_base() -> None:
    head = "10690000123456*"
    room = SMS_MAX_UNITS - len(head) - 1  # 54 units before the ellipsis
    text = "a" * (room - 1) + "e\u0301" + "tail"
    body = sms_report(text).sms[0][1]
    assert body == head + "a" * (room - 1) + "…"
    flag = "a" * (room - 2) + "\U0001f469\u200d\U0001f4bb" + "tail"  # a ZWJ sequence
    body = sms_report(flag).sms[0][1]
    assert not body[:-1].endswith("\u200d")
    assert sms_units(body) <= SMS_MAX_UNITS


def test_long_call_reason_is_cut_too() -> None:
    r = call("4008108888", content="对方" * 60)
    body = r.sms[1][1]
    assert sms_units(body) == SMS_MAX_UNITS
    assert body.endswith("…")
    assert r.sms[0] == ("12321", "4008108888*2026-11-20 14:03")  # never cut


def test_separator_appears_once() -> None:
    r = sms_report("加微*信 领＊取﹡红包")
    body = r.sms[0][1]
    assert body == "10690000123456*加微∗信 领∗取∗红包"
    assert unicodedata.normalize("NFKC", body).count("*") == 1
    assert r.form["sms_content"] == "加微*信 领＊取﹡红包"


def test_whitespace_and_controls_collapse() -> None:
    body = sms_report("  第一行\r\n\n第二行\t\x00\x1b末尾  ").sms[0][1]
    assert body == "10690000123456*第一行 第二行 末尾"


def test_star_list_is_complete() -> None:
    """Every code point NFKC folds to something with '*' is replaced."""
    from fraudnum.report._body import _STARS

    stars = {chr(i) for i in range(0x110000) if "*" in unicodedata.normalize("NFKC", chr(i))}
    assert stars == _STARS


# -- time ------------------------------------------------------------------------------


def test_time_format() -> None:
    assert format_time(datetime(2026, 1, 2, 3, 4, 59, 999999)) == "2026-01-02 03:04"
    assert format_time(datetime(2026, 11, 20, 6, 3, tzinfo=timezone.utc)) == "2026-11-20 14:03"
    assert format_time(datetime(2026, 11, 20, 14, 3, tzinfo=BEIJING)) == "2026-11-20 14:03"
    assert format_time(datetime(2026, 12, 31, 20, 0, tzinfo=timezone.utc)) == "2027-01-01 04:00"


def test_aware_time_is_converted_and_noted() -> None:
    r = call(when=datetime(2026, 11, 20, 6, 3, 30, tzinfo=timezone.utc))
    assert r.time_text == "2026-11-20 14:03"
    assert r.sms[0][1] == "01012308*2026-11-20 14:03"
    assert r.when == datetime(2026, 11, 20, 14, 3, tzinfo=BEIJING)
    assert "time_converted" in {n.code for n in r.notes}
    r = call(when=datetime(2026, 11, 20, 14, 3, tzinfo=BEIJING))
    assert "time_converted" not in {n.code for n in r.notes}


def test_naive_time_is_beijing_time() -> None:
    r = call(when=datetime(2026, 11, 20, 14, 3, 45))
    assert r.time_text == "2026-11-20 14:03"
    assert r.when.tzinfo is BEIJING


def test_future_time_is_refused() -> None:
    with pytest.raises(ReportError, match="later than now") as info:
        call(when=datetime(2026, 11, 21, 9, 1))
    assert info.value.code == "future_time"
    assert "晚于现在" in info.value.zh
    call(when=NOW)  # exactly now is fine


def test_future_is_judged_across_time_zones() -> None:
    now_utc = datetime(2026, 11, 21, 1, 0, tzinfo=timezone.utc)  # 09:00 in Beijing
    call(when=datetime(2026, 11, 21, 8, 59), now=now_utc)  # naive Beijing: past
    with pytest.raises(ReportError):
        call(when=datetime(2026, 11, 21, 9, 1), now=now_utc)
    # 02:00 UTC is 10:00 in Beijing: an hour ahead of now.
    with pytest.raises(ReportError):
        call(when=datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc), now=now_utc)


def test_default_now_is_the_clock() -> None:
    past = datetime.now(timezone.utc) - timedelta(minutes=5)
    fraudnum.report(fraudnum.classify("4008108888"), when=past, reporter=MOBILE)
    with pytest.raises(ReportError):
        fraudnum.report(
            fraudnum.classify("4008108888"),
            when=datetime.now(timezone.utc) + timedelta(hours=1),
            reporter=MOBILE,
        )


@pytest.mark.parametrize("when", ["2026-11-20 14:03", date(2026, 11, 20), None, 1763618580])
def test_when_must_be_a_datetime(when: object) -> None:
    with pytest.raises(TypeError, match="when must be a datetime"):
        call(when=when)


# -- bad input -----------------------------------------------------------------


@pytest.mark.parametrize("number", ["96110", "025-96110", "12381", "110", "120", "95588", "10086"])
def test_trusted_numbers_have_nothing_to_report(number: str) -> None:
    with pytest.raises(NothingToReport, match="nothing to report") as info:
        call(number)
    assert info.value.code == "trusted_number"
    assert isinstance(info.value, ReportError)
    assert isinstance(info.value, ValueError)
    assert "无需举报" in info.value.zh


def test_allow_listed_number_has_nothing_to_report() -> None:
    v = fraudnum.Classifier(allow=["4008108888"]).classify("4008108888")
    with pytest.raises(NothingToReport):
        fraudnum.report(v, when=WHEN, reporter=MOBILE, now=NOW)


@pytest.mark.parametrize(
    "reporter",
    [
        "01065612308",  # landline
        "4008108888",
        "+14155550123",  # not mainland
        "+852 9123 4567",
        "1064712345678",  # IoT
        "12345",
        "Unknown",
        "not a number",
        "",
        "1391234567",  # 10 digits
    ],
)
def test_reporter_must_be_a_mainland_mobile(reporter: str) -> None:
    with pytest.raises(ReportError, match="not a mainland China mobile") as info:
        call(reporter=reporter)
    assert info.value.code == "reporter_not_mobile"


@pytest.mark.parametrize("reporter", [13912345678, None, b"13912345678"])
def test_reporter_must_be_a_str(reporter: object) -> None:
    with pytest.raises(TypeError, match="reporter"):
        call(reporter=reporter)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("duration_s", "45"),
        ("duration_s", 4.5),
        ("duration_s", True),
        ("content", 1),
        ("fraud_type", 1),
        ("reporter_carrier", 1),
        ("now", "2026-11-21"),
    ],
)
def test_wrong_argument_types(name: str, value: object) -> None:
    kwargs: dict[str, Any] = {name: value}
    with pytest.raises(TypeError, match=name):
        call(**kwargs)


def test_not_a_verdict() -> None:
    with pytest.raises(TypeError, match="Verdict"):
        fraudnum.report("4008108888", when=WHEN, reporter=MOBILE)  # type: ignore[arg-type]


def test_reporting_your_own_number() -> None:
    with pytest.raises(ReportError, match="itself") as info:
        call(MOBILE, reporter="+86 139-1234-5678")
    assert info.value.code == "reporting_own_number"


@pytest.mark.parametrize("number", ["Unknown", "匿名", "", "+0096110", "12ab34"])
def test_hidden_or_malformed_caller_cannot_be_reported_by_sms(number: str) -> None:
    v = fraudnum.classify(number)
    assert v.kind in (NumberKind.HIDDEN, NumberKind.MALFORMED)
    with pytest.raises(ReportError, match=r"hidden|not a number") as info:
        fraudnum.report(v, when=WHEN, reporter=MOBILE, now=NOW)
    assert info.value.code == "no_number"


# -- channels, output --------------------------------------------------------------------


def test_channels() -> None:
    r = call()
    by_code = {c.code: c for c in r.channels}
    assert set(by_code) == {"website", "app", "wechat", "sms", "phone", "email"}
    assert "www.12321.cn" in by_code["website"].address
    assert by_code["app"].address == "http://jbzs.12321.cn"
    assert by_code["wechat"].address == "12321举报中心"
    assert by_code["phone"].address == "010-12321"
    assert "咨询" in by_code["phone"].use_zh
    assert by_code["email"].address == "abuse@12321.cn"
    assert "eml" in by_code["email"].use_zh
    assert by_code["sms"].address == "12321"
    for c in r.channels:
        assert c.source.startswith("seed 00")
    assert r.channels == builtin_report_channels()


def test_to_dict_is_json() -> None:
    d = json.loads(json.dumps(call(duration_s=45).to_dict(), ensure_ascii=False))
    assert d["sms"][0] == {"to": "12321", "body": "01012308*2026-11-20 14:03"}
    assert d["reporter_carrier"]["report_port"] == "10086999"
    assert d["form"]["type"] == "fraud_call"
    assert d["form"]["fields"][4] == {
        "key": "call_duration",
        "zh": "通话时长",
        "en": "Call duration",
        "value": "45秒",
    }
    assert d["advice"][1]["params"] == {"official": "+86-10-12308"}
    assert d["time"] == "2026-11-20 14:03"


def test_to_text() -> None:
    r = call(duration_s=45)
    zh = r.to_text()
    assert "发送至 12321: 01012308*2026-11-20 14:03" in zh
    assert "通话时长: 45秒" in zh
    assert "诈骗类型: （请自行填写）" in zh
    en = r.to_text("en")
    assert "to 10086999: 01012308*疑似诈骗电话" in en
    assert "Hang up" in en or "hang up" in en
    with pytest.raises(ValueError, match="lang"):
        r.to_text("fr")
    assert "没有可直接发送的举报短信" in sms_report("x", reporter=MVNO).to_text()


def test_report_is_immutable() -> None:
    r = call()
    with pytest.raises(AttributeError):
        r.sms = ()  # type: ignore[misc]


def test_report_name_is_the_function_even_after_importing_the_module() -> None:
    """``fraudnum.report`` is the function; the module is reached with from-imports."""
    import sys

    from fraudnum.report import report as from_module

    module = sys.modules["fraudnum.report"]
    assert callable(fraudnum.report)
    assert fraudnum.report is module.report
    assert from_module is module.report


# -- never any network ---------------------------------------------------------------------


# report() is shown to need no network by running it where every way to the network
# raises; the guard itself is tested, so a guard that stopped guarding would fail too.
_NO_NETWORK = """
import socket
from datetime import datetime

calls = []

def refuse(name):
    def refused(*args, **kwargs):
        calls.append(name)
        raise OSError(f"network disabled: socket.{name}")
    return refused

for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
    setattr(socket, name, refuse(name))

def probe():
    try:
        socket.create_connection(("example.com", 80), timeout=1)
    except OSError:
        pass
    else:
        raise AssertionError("the guard let a connection through")

import fraudnum

WHEN, NOW = datetime(2026, 11, 20, 14, 3), datetime(2026, 11, 21, 9, 0)
{body}
print("calls", calls)
"""


def _run_without_network(body: str) -> list[str]:
    """Run ``body`` in a fresh interpreter with sockets disabled; the calls it attempted."""
    code = _NO_NETWORK.replace("{body}", textwrap.dedent(body))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("calls "), done.stdout
    attempted: list[str] = ast.literal_eval(last.removeprefix("calls "))
    return attempted


def test_report_works_with_the_network_disabled() -> None:
    """A fresh interpreter (nothing cached) with sockets disabled builds every kind of report."""
    attempted = _run_without_network(
        """
        r = fraudnum.report(
            fraudnum.classify("+86-10-12308"), when=WHEN, reporter="13912345678", now=NOW,
            duration_s=45,
        )
        assert r.sms[0] == ("12321", "01012308*2026-11-20 14:03"), r.sms
        text = "点击 http://icbc-vip.cc 领奖"
        r = fraudnum.report(
            fraudnum.classify_sms(text, sender="10690000123456"), when=WHEN,
            reporter="13912345678", now=NOW, content=text,
        )
        assert r.sms == (("10086999", "10690000123456*" + text),), r.sms
        r = fraudnum.report(
            fraudnum.classify("4008108888"), when=WHEN, reporter="17091234567", now=NOW
        )
        assert r.to_text() and r.to_dict()["channels"]
        """
    )
    assert attempted == []


def test_the_network_guard_catches_a_connection() -> None:
    """The same guard sees a connection attempt, so the test above could fail."""
    assert _run_without_network("probe()") == ["create_connection"]


# -- properties ----------------------------------------------------------------------------

_MOBILE_ROWS = [
    r for r in builtin_rules() if r.kind in (NumberKind.MOBILE, NumberKind.MOBILE_VIRTUAL)
]


@st.composite
def reporters(draw: st.DrawFn) -> str:
    row = draw(st.sampled_from(_MOBILE_ROWS))
    rest = draw(st.text("0123456789", min_size=11 - len(row.prefix), max_size=11 - len(row.prefix)))
    return row.prefix + rest


_CALLERS = [
    "4008108888",
    "+86-10-12308",
    "13600001111",
    "95588123456",
    "+14155550123",
    "17091234567",
]


@given(
    reporter=reporters(),
    caller=st.sampled_from(_CALLERS),
    content=st.none() | st.text(max_size=200),
    fraud_type=st.none() | st.text(max_size=40),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 365 * 5),
)
def test_call_report_properties(
    reporter: str, caller: str, content: str | None, fraud_type: str | None, minutes: int
) -> None:
    v = fraudnum.classify(caller)
    when = NOW - timedelta(minutes=minutes)
    if v.number.digits == reporter:
        with pytest.raises(ReportError) as info:
            fraudnum.report(v, when=when, reporter=reporter, now=NOW)
        assert info.value.code == "reporting_own_number"
        return
    r = fraudnum.report(
        v, when=when, reporter=reporter, now=NOW, content=content, fraud_type=fraud_type
    )
    _check_bodies(r)
    assert r.sms[0] == ("12321", f"{r.reported_number}*{format_time(when)}")
    _check_port(r, reporter)


@given(reporter=reporters(), content=st.text(min_size=1, max_size=300))
def test_sms_report_properties(reporter: str, content: str) -> None:
    v = fraudnum.classify("10690000123456", channel="sms")
    if not any(not ch.isspace() and unicodedata.category(ch) != "Cc" for ch in content):
        with pytest.raises(ReportError, match="content"):
            fraudnum.report(v, when=WHEN, reporter=reporter, now=NOW, content=content)
        return
    r = fraudnum.report(v, when=WHEN, reporter=reporter, now=NOW, content=content)
    _check_bodies(r)
    _check_port(r, reporter)
    assert r.form["sms_content"] == content.strip()


def _check_bodies(r: Report) -> None:
    for to, body in r.sms:
        assert to.isdigit()
        assert sms_units(body) <= SMS_MAX_UNITS
        assert body.count("*") == 1
        assert unicodedata.normalize("NFKC", body).count("*") == 1
        head, _, tail = body.partition("*")
        assert head == r.reported_number
        assert tail
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in body)
        assert "\n" not in body
        assert "\r" not in body


def _check_port(r: Report, reporter: str) -> None:
    rule = builtin_table().lookup(reporter)
    assert rule is not None
    carriers = builtin_carriers()
    if rule.kind is NumberKind.MOBILE_VIRTUAL or rule.carrier is None:
        expected = None
    else:
        expected = carriers[rule.carrier].report_port
    assert r.carrier_port == expected
    ports = [to for to, _ in r.sms if to != "12321"]
    assert ports == ([] if expected is None else [expected])


# -- CLI ---------------------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


def test_cli_report_json() -> None:
    status, out = run(
        "report",
        "+86-10-12308",
        "--when",
        "2026-11-20T14:03",
        "--reporter",
        MOBILE,
        "--duration",
        "45",
        "--now",
        "2026-11-21T00:00",
    )
    assert status == 0
    d = json.loads(out)
    assert d["sms"] == [
        {"to": "12321", "body": "01012308*2026-11-20 14:03"},
        {"to": "10086999", "body": "01012308*疑似诈骗电话"},
    ]


def test_cli_report_text_and_sms() -> None:
    status, out = run(
        "report",
        "10690000123456",
        "--channel",
        "sms",
        "--content",
        "您的积分即将清零",
        "--when",
        "2026-11-20 14:03",
        "--reporter",
        UNICOM,
        "--text",
        "--now",
        "2026-11-21T00:00",
    )
    assert status == 0
    assert "发送至 10010999: 10690000123456*您的积分即将清零" in out
    assert "短信内容: 您的积分即将清零" in out


def test_cli_nothing_to_report() -> None:
    status, out = run("report", "96110", "--when", "2026-11-20T14:03", "--reporter", MOBILE)
    assert status == 1
    d = json.loads(out)
    assert d["nothing_to_report"]["code"] == "trusted_number"
    assert d["advice"][0]["code"] == "answer_it"


def test_cli_sms_goes_through_classify_sms() -> None:
    """With --channel sms and --content the text is classified too (a warning: nothing to do)."""
    status, out = run(
        "report",
        "12381",
        "--channel",
        "sms",
        "--content",
        "【12381】反诈预警：您可能正在遭遇诈骗，请立即停止转账",
        "--when",
        "2026-11-20T14:03",
        "--reporter",
        MOBILE,
    )
    assert status == 1
    d = json.loads(out)
    assert d["nothing_to_report"]["code"] == "trusted_number"
    assert [a["code"] for a in d["advice"]] == ["read_it"]


def test_cli_errors(capsys: pytest.CaptureFixture[str]) -> None:
    status, _ = run(
        "report",
        "4008108888",
        "--when",
        "2026-11-22T14:03",
        "--reporter",
        MOBILE,
        "--now",
        "2026-11-21T00:00",
    )
    assert status == 2
    assert "later than now" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run("report", "4008108888", "--when", "yesterday", "--reporter", MOBILE)
    assert "ISO" in capsys.readouterr().err


def test_verdict_type_is_what_report_takes() -> None:
    """report() is typed to take both verdict types, and classify gives one of them."""
    hints = typing.get_type_hints(fraudnum.report)
    assert hints["verdict"] == Verdict | SmsVerdict
    assert hints["return"] is Report
    assert type(fraudnum.classify("4008108888")) is Verdict
    assert type(fraudnum.classify_sms("你好")) is SmsVerdict


# -- the texts table -------------------------------------------------------------------------


def test_every_report_text_has_both_languages_and_a_source() -> None:
    rows = builtin_report_texts()
    assert rows
    for code, row in rows.items():
        assert row.zh, code
        assert row.en, code
        assert row.source.startswith(("seed 0", "ours")), (code, row.source)


def test_every_report_text_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports of every kind, and every error, together read each row of report_texts.csv.

    A row nothing reads is dead wording; a code the code reads that the table lacks would
    raise KeyError in one of these reports.
    """
    rows = builtin_report_texts()
    used: set[str] = set()

    class Recording(dict[str, Any]):
        def __getitem__(self, code: str) -> Any:
            used.add(code)
            return rows[code]

    monkeypatch.setattr(_report_texts, "builtin_report_texts", lambda: Recording(rows))
    long = "贷款秒批" * 30
    call(duration_s=45).to_text()
    call(duration_s=125).to_text("en")
    call("13600001111", fraud_type="冒充客服", content=long)
    call("13600001111", reporter=BROADNET)
    call("4008108888", reporter=MVNO, when=datetime(2026, 11, 20, 6, 3, tzinfo=timezone.utc))
    call("4008108888", reporter_carrier="china_telecom")
    sms_report(long).to_text()
    sms_report("x", reporter=MVNO).to_text()
    failures: list[Callable[[], object]] = [
        lambda: call("96110"),
        lambda: fraudnum.report(
            smsv(SmsCategory.WARNING, Risk.TRUSTED), when=WHEN, reporter=MOBILE, now=NOW
        ),
        lambda: fraudnum.report(smsv(sender=None), when=WHEN, reporter=MOBILE, now=NOW),
        lambda: call("Unknown"),
        lambda: call("12ab"),
        lambda: call(reporter="4008108888"),
        lambda: call("13912345678"),
        lambda: call(when=NOW + timedelta(days=1)),
        lambda: call(duration_s=-1),
        lambda: call(reporter_carrier="vodafone"),
        lambda: sms_report("x", duration_s=3),
        lambda: sms_report(" "),
    ]
    for fail in failures:
        with pytest.raises(ReportError):
            fail()
    monkeypatch.setattr(_report_compose, "builtin_carriers", dict)
    assert [n.code for n in call().notes] == ["carrier_unknown"]
    assert used == set(rows), sorted(set(rows) - used)

"""Reasons say the right thing for the channel, in the language of the text, citing what fired."""

from __future__ import annotations

import re
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fraudnum
from fraudnum import Classifier, NumberKind, Risk
from fraudnum import strategies as fst
from fraudnum.numbers.plan import builtin_rules, builtin_table
from fraudnum.numbers.regions import region_names

# Wording that only fits a voice call.
CALL_WORDING_EN = ("such a call", "answer it", "calls out", "voice robots", "the caller")
CALL_WORDING_ZH = ("来电", "一定要接", "群呼", "呼出")


@given(fst.numbers(formatted=True))
def test_an_sms_sender_gets_no_call_wording(number):
    """Whatever the sender, its SMS verdict never speaks of calls; the codes stay the same."""
    sms = fraudnum.classify(number, channel="sms")
    for reason in sms.reasons:
        assert not any(w in reason.en.lower() for w in CALL_WORDING_EN), reason
        assert not any(w in reason.zh for w in CALL_WORDING_ZH), reason
    call = fraudnum.classify(number)
    # The same stable codes on both channels, but for the call-only ones.
    assert [c for c in call.codes if not c.startswith("inbound_only")] == list(sms.codes)
    assert fraudnum.classify_batch([number], channel="sms")[0] == sms


def test_96110_as_an_sms_sender_is_read_not_answered():
    """The issue's case: reason and advice alike."""
    v = fraudnum.classify("96110", channel="sms")
    assert v.codes == ("anti_fraud_call", "urgent_warning")
    assert "answer" not in v.reasons[0].en
    assert "message" in v.reasons[0].en
    assert "短信" in v.reasons[0].zh
    assert "answer_it" not in [a.code for a in v.advice]
    assert "read_96110_message" in [a.code for a in v.advice]
    call = fraudnum.classify("96110")
    assert "answer it" in call.reasons[0].en
    assert "answer_it" in [a.code for a in call.advice]


def test_a_withheld_sms_sender_is_not_called_a_caller():
    """Hidden senders: 'the sender', not 'the caller'."""
    assert "sender" in fraudnum.classify("Unknown", channel="sms").reasons[0].en
    assert "caller" in fraudnum.classify("Unknown").reasons[0].en


# -- region names in the language of the text ---------------------------------------


def test_every_phonenumbers_region_has_a_chinese_and_an_english_name():
    """data/regions.csv covers every region an international verdict can name."""
    names = region_names()
    assert set(phonenumbers.SUPPORTED_REGIONS) <= set(names)
    for code, (zh, en) in names.items():
        assert re.fullmatch(r"[A-Z]{2}", code)
        assert not re.search(r"[A-Za-z]", zh), code
        assert not re.search(r"[\u3000-\u9fff]", en), code


@given(fst.numbers(kind="international", formatted=True), st.sampled_from(["call", "sms"]))
def test_international_reasons_name_the_region_in_each_language(number, channel):
    """境外号码（美国）, never （US） or （Hong Kong）, in the Chinese text."""
    v = fraudnum.classify(number, channel=channel)
    first = v.reasons[0]
    assert first.code == "international_number"
    assert not re.search(r"[A-Za-z]", first.zh), first.zh
    region = v.number.region
    if region is not None and region in region_names():
        zh, en = region_names()[region]
        if v.organisation is None:  # 00852 ... rows name the region themselves
            assert f"（{zh}）" in first.zh
            assert f"({en})" in first.en


def test_hong_kong_in_chinese_is_香港():
    """The issue's example."""
    v = fraudnum.classify("+852 2123 4567")
    assert v.reasons[0].zh.startswith("境外号码（香港）")
    assert v.reasons[0].en.startswith("International number (Hong Kong)")


# -- imitations of a named service number -------------------------------------------

NAMED = [
    r
    for r in builtin_rules()
    if r.organisation is not None
    and r.kind in (NumberKind.SERVICE_95, NumberKind.SERVICE_95_LONG)
    and r.min_len == r.max_len == len(r.prefix)
]


def test_the_issue_s_example_imitates_icbc():
    """9558812345: long 95 (high), and said to imitate 95588 中国工商银行."""
    v = fraudnum.classify("9558812345")
    assert (v.kind, v.risk) == (NumberKind.SERVICE_95_LONG, Risk.HIGH)
    assert v.codes == ("service_95_long_number", "imitates_named_number")
    assert "95588" in v.reasons[1].zh
    assert "中国工商银行" in v.reasons[1].zh
    assert "Industrial and Commercial Bank of China" in v.reasons[1].en
    assert v.organisation is None  # the number is not ICBC's
    assert fraudnum.classify("95588").codes == ("service_95_known",)


@given(st.sampled_from(NAMED), st.data())
def test_every_longer_number_under_a_named_95_number_imitates_it(named, data):
    """On both paths, for calls and messages; the named number itself never does."""
    length = data.draw(st.integers(max(len(named.prefix) + 1, 7), 12))
    tail = data.draw(st.text("0123456789", min_size=length - len(named.prefix)).map(str))
    number = (named.prefix + tail)[:length]
    assert named.organisation is not None
    for channel in ("call", "sms"):
        v = fraudnum.classify(number, channel=channel)
        assert v.kind is NumberKind.SERVICE_95_LONG
        assert "imitates_named_number" in v.codes, number
        assert named.prefix in v.reasons[-1].en
        assert named.organisation.zh in v.reasons[-1].zh
        assert fraudnum.classify_batch([number], channel=channel)[0] == v
    assert "imitates_named_number" not in fraudnum.classify(named.prefix).codes


def test_imitation_rows_are_derived_from_named_rows_only():
    """One derived row per named 95 number, each citing the row it comes from."""
    derived = [r for r in builtin_table().rules if r.imitates is not None]
    assert {r.imitates for r in derived} == set(NAMED)
    for r in derived:
        assert r.kind is NumberKind.SERVICE_95_LONG
        assert r.organisation is None
        assert r.imitates is not None
        assert f"line {r.imitates.line}" in r.source


# -- user entries cited as what they are ---------------------------------------------


def test_list_entries_given_in_python_are_cited_as_entries():
    """block=[...] rows are 'entry N' of the list, not 'line N' of a file."""
    clf = Classifier(block=["13800000000", "1709"], allow=["+86 139 1234 5678"])
    blocked = clf.classify("17091234567").reasons[0]
    assert blocked.code == "user_blocked"
    assert blocked.en == "Your block list contains this number: 1709 (block list, entry 2)"
    assert blocked.zh == "你的拦截名单包含此号码：1709（拦截名单第 2 项）"
    allowed = clf.classify("13912345678").reasons[0]
    assert "(allow list, entry 1)" in allowed.en
    assert "信任名单第 1 项" in allowed.zh
    for reason in (blocked, allowed):
        assert "line" not in reason.en
        assert not re.search(r"[A-Za-z]", reason.zh)


def test_rows_of_a_rules_file_are_cited_by_file_and_line(tmp_path: Path):
    """A rules file's row is its file and line, in both languages."""
    path = tmp_path / "rules.csv"
    path.write_text("prefix,risk\n# a comment\n1709,high\n96110,high\n", encoding="utf-8")
    with pytest.warns(fraudnum.IneffectiveRuleWarning, match="line 4"):
        clf = Classifier(rules=path)
    reason = clf.classify("17091234567").reasons[0]
    assert reason.code == "user_rule"
    assert f"({path}, line 3)" in reason.en
    assert f"（{path} 第 3 行）" in reason.zh
    overridden = clf.classify("96110").reasons[-1]
    assert overridden.code == "never_block_overrides_user"
    assert f"96110 ({path}, line 4)" in overridden.en
    assert f"96110（{path} 第 4 行）" in overridden.zh


@pytest.mark.parametrize("channel", ["call", "sms"])
def test_never_block_numbers_stay_trusted_whatever_the_wording(channel):
    """The new wordings change no verdict of the never-block rows."""
    with pytest.warns(fraudnum.IneffectiveRuleWarning):
        clf = Classifier(block=["96110", "12381", "110"])
    for number in ("96110", "12381", "110"):
        v = clf.classify(number, channel=channel)
        assert v.risk is Risk.TRUSTED
        assert not v.blockable

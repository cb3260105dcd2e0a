"""Advice: ordered steps from data, with stable codes, zh and en, for numbers and SMS."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fraudnum
from fraudnum import Risk, TableError, Verdict
from fraudnum._tables import data_text
from fraudnum.advice import (
    Advice,
    AdviceRule,
    AdviceStep,
    advice_for,
    builtin_advice_rules,
    builtin_advice_steps,
    parse_advice_rules,
    verdict_facts,
)
from fraudnum.numbers.plan import builtin_rules
from fraudnum.texts import builtin_reasons
from fraudnum.types import Reason, SmsCategory, SmsVerdict, UrlFinding


def codes(v: Verdict | SmsVerdict, *, money_lost: bool = False) -> list[str]:
    return [a.code for a in advice_for(v, money_lost=money_lost)]


def test_spoofed_12308_follows_the_seed_order() -> None:
    """Seed 001: hang up, verify by dialing the hotline yourself, never call back."""
    for shown in ("+86-10-12308", "+86-10-65612308", "12308", "010-12308"):
        advice = fraudnum.classify(shown).advice
        assert [a.code for a in advice][:3] == [
            "hang_up",
            "verify_via_official_number",
            "do_not_call_back",
        ], shown
        verify = advice[1]
        assert verify.params == {"official": "+86-10-12308"}
        assert "+86-10-12308" in verify.zh
        assert "+86-10-12308" in verify.en
        assert "通话记录回拨" in advice[2].zh


def test_advice_property_equals_advice_for() -> None:
    v = fraudnum.classify("4008108888")
    assert v.advice == advice_for(v)
    assert isinstance(v.advice, tuple)
    assert all(isinstance(a, Advice) for a in v.advice)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("96110", ["answer_it"]),
        ("025-96110", ["answer_it"]),
        ("110", []),
        ("120", []),
        ("13912345678", []),
        ("95588", ["safe_to_answer"]),
    ],
)
def test_trusted_and_ordinary_numbers(number: str, expected: list[str]) -> None:
    assert codes(fraudnum.classify(number)) == expected


def test_12381_sms_sender_must_be_read() -> None:
    v = fraudnum.classify("12381", channel="sms")
    assert codes(v) == ["read_it"]
    assert "12381" in v.advice[0].zh


def test_answer_it_names_96110() -> None:
    (a,) = fraudnum.classify("96110").advice
    assert "96110" in a.zh
    assert "96110" in a.en


@pytest.mark.parametrize(
    "number", ["4008108888", "8008101234", "+14155550123", "95588123456", "10690000123456"]
)
def test_high_risk_calls_hang_up_first_and_report(number: str) -> None:
    """The four kinds of seed 001 (别接、别回、别点) and 800: hang up, no call back, report."""
    v = fraudnum.classify(number)
    assert v.risk is Risk.HIGH
    c = codes(v)
    assert c[0] == "hang_up"
    assert "do_not_call_back" in c
    assert c.index("hang_up") < c.index("do_not_call_back")
    for step in ("report_to_12321", "report_to_carrier", "block_number"):
        assert step in c
    report = next(a for a in v.advice if a.code == "report_to_12321")
    assert report.params == {"reported": v.number.digits}
    assert f"{v.number.digits}*来电时间" in report.zh


def test_400_is_verified_through_official_channels() -> None:
    c = codes(fraudnum.classify("4008108888"))
    assert c[:3] == ["hang_up", "verify_via_official_channel", "do_not_call_back"]
    assert "verify_via_official_number" not in c


def test_outgoing_call_to_400_needs_no_advice() -> None:
    assert codes(fraudnum.classify("4008108888", direction="outgoing")) == []


@pytest.mark.parametrize("number", ["Unknown", "17091234567", "96123"])
def test_medium_calls_verify_the_caller(number: str) -> None:
    v = fraudnum.classify(number)
    assert v.risk is Risk.MEDIUM
    assert codes(v) == ["verify_caller", "do_not_share_info", "do_not_transfer"]


def test_hidden_or_malformed_numbers_are_not_reported_by_number() -> None:
    """report_to_12321 needs a number to put before the '*'."""
    for raw in ("Unknown", "+0096110", "12ab"):
        v = fraudnum.classify(raw)
        assert "report_to_12321" not in codes(v)
        assert "report_to_carrier" not in codes(v)


def test_fake_96110_behind_a_prefix_is_hung_up() -> None:
    v = fraudnum.classify("+0096110")
    assert v.risk is Risk.HIGH
    assert codes(v)[:2] == ["hang_up", "do_not_call_back"]


def test_money_lost_starts_with_110_evidence_police() -> None:
    """Seed 001's three steps, in its order, before anything else."""
    for number in ("4008108888", "13912345678", "96110", "110"):
        c = codes(fraudnum.classify(number), money_lost=True)
        assert c[:3] == ["call_110_first", "keep_evidence", "report_at_police_station"], number
    assert codes(fraudnum.classify("+86-10-12308"), money_lost=True)[3] == "report_at_home_police"
    assert "report_at_home_police" not in codes(fraudnum.classify("4008108888"), money_lost=True)


def test_money_lost_texts_carry_the_seed_wording() -> None:
    a = advice_for(fraudnum.classify("13912345678"), money_lost=True)
    assert "110" in a[0].zh
    assert "紧急止付" in a[0].zh
    assert "聊天账号" in a[1].zh
    assert "转账" in a[1].zh
    assert "派出所" in a[2].zh


def test_user_block_list_gives_high_risk_advice() -> None:
    clf = fraudnum.Classifier(block=["13912345678"], allow=["4008108888"])
    assert codes(clf.classify("13912345678"))[0] == "hang_up"
    assert codes(clf.classify("4008108888")) == []  # the user trusts it


def test_advice_is_frozen_and_hashable() -> None:
    a = fraudnum.classify("+86-10-12308").advice[1]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.code = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        a.params["official"] = "x"  # type: ignore[index]
    assert hash(a) == hash(advice_for(fraudnum.classify("+86-10-12308"))[1])
    assert a.to_dict()["params"] == {"official": "+86-10-12308"}


def test_not_a_verdict_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="Verdict"):
        advice_for("4008108888")  # type: ignore[arg-type]


# -- SMS verdicts ------------------------------------------------------------


def sms_verdict(
    category: SmsCategory,
    risk: Risk,
    *,
    sender: str | None = "10690000123456",
    urls: bool = False,
    tags: tuple[str, ...] = (),
) -> SmsVerdict:
    return SmsVerdict(
        category=category,
        risk=risk,
        reasons=(Reason("test", "测试", "test"),),
        tags=tags,
        sender=None if sender is None else fraudnum.classify(sender, channel="sms"),
        urls=(UrlFinding("http://1.2.3.4/x", 0, 16, "1.2.3.4", ("ip_host",)),) if urls else (),
    )


def test_fraud_sms_with_a_link() -> None:
    c = codes(sms_verdict(SmsCategory.FRAUD, Risk.HIGH, urls=True))
    assert c[0] == "do_not_click_links"
    for step in (
        "do_not_share_info",
        "do_not_transfer",
        "officials_never_notify",
        "report_to_12321",
        "report_to_carrier",
        "block_number",
        "install_anti_fraud_app",
    ):
        assert step in c
    assert "hang_up" not in c  # it is a message, not a call


def test_warning_sms_is_read() -> None:
    assert codes(sms_verdict(SmsCategory.WARNING, Risk.TRUSTED, sender="12381")) == ["read_it"]


def test_marketing_sms_is_reported_and_blocked() -> None:
    c = codes(sms_verdict(SmsCategory.MARKETING, Risk.MEDIUM, sender="13912345678"))
    assert c == ["report_to_12321", "report_to_carrier", "block_number"]


def test_sms_without_sender_is_not_reported_by_number() -> None:
    c = codes(sms_verdict(SmsCategory.FRAUD, Risk.HIGH, sender=None))
    assert "report_to_12321" not in c
    assert "do_not_share_info" in c


def test_normal_sms_needs_nothing() -> None:
    assert codes(sms_verdict(SmsCategory.NORMAL, Risk.LOW, sender="13912345678")) == []


def test_sms_facts() -> None:
    v = sms_verdict(SmsCategory.FRAUD, Risk.HIGH, urls=True, tags=("link", "prize"))
    facts = verdict_facts(v, money_lost=True)
    assert {
        "channel:sms",
        "risk:high",
        "category:fraud",
        "tag:link",
        "tag:prize",
        "has_url",
        "money_lost",
        "kind:sms_port",
        "has_number",
        "number:10690000123456",
        "reason:test",
    } <= facts


def test_classify_sms_gets_advice_like_a_hand_built_verdict() -> None:
    """A real fraud SMS with a link is told not to click, first, and both paths agree."""
    v = fraudnum.classify_sms(
        "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证", sender="10690000123456"
    )
    assert v.category is SmsCategory.FRAUD
    assert v.urls
    c = codes(v)
    assert c[0] == "do_not_click_links"
    assert [a.code for a in v.advice] == c


# -- the data ------------------------------------------------------------------


def _csv(name: str) -> list[dict[str, str]]:
    text = data_text(name)
    return [r for r in csv.DictReader(io.StringIO(text)) if not r[next(iter(r))].startswith("#")]


def test_every_step_has_both_languages_and_a_source() -> None:
    steps = builtin_advice_steps()
    required = {
        "hang_up",
        "verify_via_official_number",
        "do_not_call_back",
        "answer_it",
        "read_it",
        "call_110_first",
        "keep_evidence",
        "report_at_police_station",
        "report_to_12321",
        "report_to_carrier",
    }
    assert required <= set(steps)
    for step in steps.values():
        assert step.zh
        assert step.en
        assert step.source
        assert step.source.startswith(("seed ", "ours"))
        assert any("\u4e00" <= ch <= "\u9fff" for ch in step.zh)


def test_every_step_is_reachable() -> None:
    """No step in advice.csv is dead data: some rule names each one."""
    used = {code for rule in builtin_advice_rules() for code in rule.steps}
    assert used == set(builtin_advice_steps())


def test_rules_name_only_known_kinds_and_reasons() -> None:
    kinds = {r.kind.value for r in builtin_rules() if r.kind is not None}
    reasons = set(builtin_reasons())
    checked = {"kind": 0, "reason": 0}
    for rule in builtin_advice_rules():
        for cond in rule.when:
            key, _, value = cond.lstrip("!").partition(":")
            if key == "kind":
                assert value in kinds, cond
                checked[key] += 1
            if key == "reason":
                assert value in reasons, cond
                checked[key] += 1
    # Both kinds of condition occur, so the loop above checked something.
    assert checked["kind"], checked
    assert checked["reason"], checked


def test_every_builtin_number_gets_advice_without_error() -> None:
    """Every row of the numbering plan, every context: advice builds and is consistent."""
    trusted = 0
    for row in builtin_rules():
        digits = row.prefix + "0" * (row.min_len - len(row.prefix))
        for channel in ("call", "sms"):
            for direction in ("incoming", "outgoing"):
                v = fraudnum.classify(digits, channel=channel, direction=direction)
                advice = v.advice
                assert len({a.code for a in advice}) == len(advice)
                if v.risk is Risk.TRUSTED:
                    trusted += 1
                    assert "hang_up" not in {a.code for a in advice}
                    assert "block_number" not in {a.code for a in advice}
    assert trusted, "no trusted row was checked"


@given(st.text(max_size=30))
def test_any_caller_id_gives_advice(raw: str) -> None:
    v = fraudnum.classify(raw)
    advice = v.advice
    c = [a.code for a in advice]
    assert len(set(c)) == len(c)
    for a in advice:
        assert "{" not in a.zh
        assert "{" not in a.en
    if v.risk >= Risk.HIGH and v.direction.value == "incoming":
        assert c
        assert c[0] == "hang_up"
    if "report_to_12321" in c:
        assert v.number.digits


@given(money_lost=st.booleans(), number=st.sampled_from(["4008108888", "96110", "Unknown"]))
def test_money_lost_only_adds_steps(money_lost: bool, number: str) -> None:
    v = fraudnum.classify(number)
    base = codes(v)
    with_loss = codes(v, money_lost=money_lost)
    assert [c for c in with_loss if c in base] == base


# -- the rules format ------------------------------------------------------------

HEADER = "when,steps,params,source\n"


def test_parse_rules_accepts_comments_and_params() -> None:
    (rule,) = parse_advice_rules(
        HEADER + "# a comment, with commas\nkind:gov_hotline,verify_via_official_number,"
        "official=12308,ours\n"
    )
    assert rule.when == ("kind:gov_hotline",)
    assert rule.steps == ("verify_via_official_number",)
    assert rule.params == {"official": "12308"}
    assert rule.line == 3


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("kind:nonsense,hang_up,,ours", "kind must be one of"),
        ("risk>=huge,hang_up,,ours", "unknown risk"),
        ("wibble,hang_up,,ours", "is not a condition"),
        ("risk:high,no_such_step,,ours", "unknown step"),
        ("risk:high,verify_via_official_number,,ours", "needs params: official"),
        ("risk:high,report_to_12321,,ours", "add has_number"),
        ("risk:high,hang_up,oops,ours", "not key=value"),
        ("risk:high,hang_up,,", "needs a source"),
        (",hang_up,,ours", "must not be empty"),
    ],
)
def test_parse_rules_rejects_with_line_numbers(row: str, message: str) -> None:
    with pytest.raises(TableError, match=message) as info:
        parse_advice_rules(HEADER + "risk:high,hang_up,,ours\n" + row + "\n", origin="x.csv")
    assert info.value.line == 3
    assert "x.csv, line 3" in str(info.value)


def test_custom_rules_and_steps() -> None:
    steps = {
        "ring_mum": AdviceStep("ring_mum", "给妈妈打电话 {reported}", "Ring mum {reported}", "ours")
    }
    rules = parse_advice_rules(HEADER + "risk>=high has_number,ring_mum,,ours\n", steps=steps)
    (a,) = advice_for(fraudnum.classify("4008108888"), rules=rules, steps=steps)
    assert a == Advice(
        "ring_mum",
        "给妈妈打电话 4008108888",
        "Ring mum 4008108888",
        {"reported": "4008108888"},
        "ours",
    )
    assert advice_for(fraudnum.classify("13912345678"), rules=rules, steps=steps) == ()


def test_negation_and_risk_bounds() -> None:
    rule = AdviceRule(("risk<=medium", "!kind:hidden"), ("hang_up",), {})
    assert rule.matches(frozenset({"kind:mobile"}), Risk.LOW)
    assert not rule.matches(frozenset({"kind:hidden"}), Risk.LOW)
    assert not rule.matches(frozenset({"kind:mobile"}), Risk.HIGH)
    assert not rule.matches(frozenset(), None)


def test_shipped_csvs_are_well_formed() -> None:
    steps = _csv("advice.csv")
    assert len({r["code"] for r in steps}) == len(steps)
    rules = _csv("advice_rules.csv")
    assert all(r["source"] for r in rules)


def test_advice_names_the_number_as_the_report_sends_it():
    """The SMS the advice tells you to write carries the same number the report sends."""
    v = fraudnum.classify("+86-10-12308")
    r = fraudnum.report(
        v, when=datetime(2026, 11, 20, 14, 3), reporter="13912345678", now=datetime(2026, 11, 21)
    )
    to_12321 = next(a for a in v.advice if a.code == "report_to_12321")
    assert v.number.national == "01012308"
    assert r.sms[0][1].startswith("01012308*")
    assert "01012308*" in to_12321.zh

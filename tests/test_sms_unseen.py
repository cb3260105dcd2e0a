"""The blind set of fraud scripts (tests/data/unseen_scripts.tsv, issue 11 round 4, branch unseen).

The set was written from public anti-fraud publications (公安部刑侦局 / 国家反诈中心 high-frequency
types and their 防骗提示; the source of each type is in its row) before the phrase tables were read;
see tests/data/README.md. Half A (every other row of each type) was then studied to fill the
tables; half B is measured by ``benchmarks/eval_unseen.py`` only. These tests hold half A at the
figures reached, keep every half-A look-alike out of ``fraud``, and check that anti-fraud advice,
the counter-signal added for the look-alikes, cannot hide a script that gives a way to act.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from benchmarks.eval_unseen import LOOKALIKE, Row, read_set, score
from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import Risk, SmsCategory

CLF = fraudnum.Classifier()
ROWS = read_set()
HALF_A = [r for r in ROWS if r.half == "A"]
CAUGHT = (SmsCategory.FRAUD, SmsCategory.ILLEGAL)

# Half-A recall per type reached in round 4 (benchmarks/eval_unseen.py --half A): a floor, so a
# table edit that loses a script of a type fails here. 虚假网络贷款 misses one bulk loan ad
# (无需征信 … 点击链接) that reads like the advertising of fraud_dev's AD_Loan.
FLOOR = {
    "刷单返利": 1.0,
    "虚假投资理财": 1.0,
    "虚假网络贷款": 12 / 13,
    "虚假征信": 1.0,
    "冒充电商物流客服": 1.0,
    "冒充公检法": 1.0,
    "冒充领导熟人": 1.0,
    "网络游戏虚假交易": 1.0,
    "网络婚恋交友/杀猪盘": 1.0,
    "虚假购物服务": 1.0,
    "冒充亲属/学生": 1.0,
    "医保/社保": 1.0,
}


def test_the_set_covers_every_type_and_kind() -> None:
    by_type: defaultdict[str, list[Row]] = defaultdict(list)
    for r in ROWS:
        by_type[r.type].append(r)
        assert r.source.strip(), r.text
        assert "\t" not in r.text
    fraud_types = {t for t in by_type if not t.startswith(LOOKALIKE)}
    assert fraud_types == set(FLOOR)
    assert all(len(by_type[t]) >= 24 for t in fraud_types)
    lookalikes = [r for r in ROWS if r.type.startswith(LOOKALIKE)]
    assert len(lookalikes) >= 80
    assert all(r.label is not SmsCategory.FRAUD for r in lookalikes)
    assert all(r.label is SmsCategory.FRAUD for t in fraud_types for r in by_type[t])
    # halves alternate inside each type, so both get short and long texts alike
    for members in by_type.values():
        assert [r.half for r in members[:4]] == ["A", "B", "A", "B"][: len(members[:4])]


def test_half_a_recall_per_type_stays_at_the_figure_reached() -> None:
    figures = score(HALF_A)
    for name, floor in FLOOR.items():
        got = figures["types"][name]["recall"]
        assert got >= floor - 1e-9, f"{name}: recall {got:.3f} < {floor:.3f}"
    assert figures["recall"] >= 0.99


@pytest.mark.parametrize(
    "row", [r for r in HALF_A if r.type.startswith(LOOKALIKE)], ids=lambda r: r.text[:24]
)
def test_half_a_lookalike_is_not_fraud(row: Row) -> None:
    v = CLF.classify_sms(row.text)
    assert v.category not in CAUGHT, (v.category, v.codes)
    assert not any(c.startswith("script_") for c in v.codes), v.codes


# The half-A script still missed (a bulk loan ad, 无需征信 … 点击链接, that reads like the
# advertising of fraud_dev's AD_Loan): strict xfail, so a table edit that catches it is noticed.
KNOWN_MISSES = frozenset(r.text for r in HALF_A if r.text.startswith("【急速贷】"))


def _half_a_scripts() -> list[object]:
    return [
        pytest.param(r, marks=pytest.mark.xfail(strict=True)) if r.text in KNOWN_MISSES else r
        for r in HALF_A
        if not r.type.startswith(LOOKALIKE)
    ]


@pytest.mark.parametrize("row", _half_a_scripts(), ids=lambda r: f"{r.type}:{r.text[:16]}")
def test_half_a_script_is_fraud_and_says_why(row: Row) -> None:
    v = CLF.classify_sms(row.text)
    assert v.category in CAUGHT, (v.category, v.codes)
    assert v.risk >= Risk.MEDIUM
    # the first reason says why: a script, a combination or fraud wording, never the
    # short-text / advertising rules that used to come first for polite scripts
    assert v.codes[0] not in {"combo_short_text", "combo_polite_ad", "combo_long_ad"}, v.codes
    assert v.codes[0] not in {c.code for c in v.counter_signals}


GENUINE_ADVICE = (
    "【12381】预警提示：凡是以取消会员、理赔为由要求屏幕共享或转账的都是诈骗，切勿操作。",
    "【国家反诈中心】公检法不会电话办案，不存在所谓的安全账户，接到此类电话请立即挂断。",
    "【某银行】温馨提示：本行工作人员不会索要您的密码或验证码，请勿泄露给任何人。",
    "朋友：他说是公安局的要你转账？肯定是骗子，公安局不会打电话让你转账",
)


@pytest.mark.parametrize("text", GENUINE_ADVICE)
def test_advice_that_names_the_script_is_not_fraud(text: str) -> None:
    v = CLF.classify_sms(text)
    assert v.category not in CAUGHT, v.codes
    assert not any(c.startswith("script_") for c in v.codes)


# Own scam texts, each giving one way to act (a link, a number, a chat id, an app with screen
# sharing, a credential, an account): advice quoted before or after must not hide them.
SCAMS_WITH_A_CHANNEL = (
    "您的账户涉嫌洗钱，请点击 http://gov-anquan.cc 核验身份并转账到安全账户。",
    "您的账户涉嫌洗钱，请立即致电 0755-88663322 联系办案民警，将资金转入监管账户。",
    "您的银行卡已被冻结，请加QQ 2856613390 联系客服解冻。",
    "您的账户存在风险，请下载“安全助手”APP并开启屏幕共享，按指导操作。",
    "【工商银行】您的账户异常，请回复您的银行卡号、密码和收到的验证码进行核验。",
    "您好，您的贷款需要先交解冻金3000元才能放款，请转到公司账户6222 0215 8864 3321。",
)
ADVICE_SENTENCES = (
    "凡是要求转账到安全账户的都是诈骗。",
    "不存在所谓的安全账户，请放心。",
    "本行不会索要验证码，谨防诈骗。",
    "陌生人让你转账的肯定是骗子。",
)


@settings(max_examples=60, deadline=None)
@given(
    scam=st.sampled_from(SCAMS_WITH_A_CHANNEL),
    advice=st.sampled_from(ADVICE_SENTENCES),
    before=st.booleans(),
)
def test_advice_cannot_hide_a_script_with_a_way_to_act(
    scam: str, advice: str, before: bool
) -> None:
    text = advice + scam if before else scam + advice
    v = CLF.classify_sms(text)
    assert v.category is SmsCategory.FRAUD, (text, v.codes)
    assert "notice_antifraud" not in v.codes


def test_cloned_teacher_fee_is_medium_and_a_parents_chat_is_not() -> None:
    notice = "各位家长好，我是班主任，本学期校服费和资料费共计368元，请扫描下方二维码缴费。"
    v = CLF.classify_sms(notice)
    assert (v.category, v.risk) == (SmsCategory.FRAUD, Risk.MEDIUM)
    assert v.codes[0] == "script_school_fee"
    chat = "老公：你先交一下孩子的校服费\n老婆：好，班主任在群里发了收款码，我扫一下"
    assert CLF.classify_sms(chat).category is not SmsCategory.FRAUD


def test_genuine_12381_sender_stays_a_warning() -> None:
    text = "您可能正在遭遇冒充客服诈骗，要求屏幕共享或转账到安全账户的都是诈骗，请立即停止操作。"
    v = CLF.classify_sms(text, sender="12381")
    assert v.category is SmsCategory.WARNING
    assert not v.blockable

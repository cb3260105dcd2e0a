"""Legitimate messages that carry fraud words (tests/data/lookalikes.tsv, issue 11 eighth pass).

The set was written from the public formats of honest senders (banks, payment apps, couriers,
shops, government services, genuine anti-fraud warnings, schools, hospitals, carriers, licensed
lenders, employers, news, chats) before the phrase tables were read; see tests/data/README.md.
Half A was studied to add the counter-signals (`notice_advice`, `notice_news`, `notice_official`,
`notice_licensed_loan` in data/sms_rules.csv); half B is measured only, by
``python benchmarks/eval_unseen.py --lookalikes``. These tests keep half A out of ``fraud`` and
check that the new vetoes cannot hide a scam that gives a way to act, nor a scam chat in which
the victim says the advice words.
"""

from __future__ import annotations

from collections import Counter

import pytest
from benchmarks.eval_unseen import LOOKALIKE, LOOKALIKE_SET, Row, read_set
from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import SmsCategory

CLF = fraudnum.Classifier()
ROWS = read_set(LOOKALIKE_SET)
HALF_A = [r for r in ROWS if r.half == "A"]
VETOES = ("notice_antifraud", "notice_news", "notice_official", "notice_licensed_loan")

# Half-A look-alikes still called fraud (strict xfails). The eighth pass left three, each for a
# reason the tables could not tell from a script without reading more than words; the tenth pass
# read that grammar and cleared them: a returned transfer's 户名不符 names no payee and 电子税务局
# is a channel, not a claimed role (tag masks_inner), and 押金不用再交 negates the demand (tag
# negates_demand). None is left.
KNOWN_FALSE: frozenset[str] = frozenset()


def _known(row: Row) -> bool:
    return row.text in KNOWN_FALSE


def test_the_set_is_large_enough_to_measure_a_small_rate() -> None:
    kinds = Counter(r.type for r in ROWS)
    assert len(ROWS) >= 300
    assert all(k.startswith(LOOKALIKE) for k in kinds)
    assert len(kinds) >= 15
    assert min(kinds.values()) >= 12
    assert all(r.label is not SmsCategory.FRAUD and r.source for r in ROWS)
    # halves alternate inside each kind, so each kind is split evenly
    for kind, n in kinds.items():
        in_a = sum(1 for r in HALF_A if r.type == kind)
        assert in_a == (n + 1) // 2, kind


@pytest.mark.parametrize(
    "row",
    [pytest.param(r, marks=pytest.mark.xfail(strict=True)) if _known(r) else r for r in HALF_A],
    ids=lambda r: f"{r.type}:{r.text[:16]}",
)
def test_half_a_lookalike_is_not_fraud(row: Row) -> None:
    v = CLF.classify_sms(row.text)
    assert v.category is not SmsCategory.FRAUD, v.codes


def test_each_veto_explains_an_honest_notice() -> None:
    cases = {
        "notice_news": (
            "本报讯 大学生小张在网上找兼职，被拉进点赞返利群，"
            "后被要求充值做任务，垫付1.8万元后对方失联。"
        ),
        "notice_official": (
            "【唯品会】您的订单异常：收货地址无法派送，请在唯品会App中修改地址，不会收取任何费用。"
        ),
        "notice_licensed_loan": (
            "【交通银行】惠民贷：最高30万，年化利率3.5%起，无需抵押，放款前不收取任何费用。退订回TD"
        ),
        "notice_antifraud": (
            "【国家反诈中心】预警：近期出现冒充领导通过新微信要求转账的诈骗，请务必电话或当面核实。"
        ),
    }
    for code, text in cases.items():
        v = CLF.classify_sms(text)
        assert v.category is not SmsCategory.FRAUD, (code, v.codes)
        assert code in v.codes, (code, v.codes)
        assert not any(c.startswith("script_") for c in v.codes), v.codes


# Own scam demands, each giving a way to act (a link, a number, a chat id, screen sharing with
# guidance, a credential, an account number).
DEMANDS = (
    "请点击 http://icbc-verify.cc 核验身份并转账到安全账户。",
    "请立即致电 0755-88663322 联系办案民警，将资金转入监管账户。",
    "您的银行卡已被冻结，请加QQ 2856613390 联系客服解冻。",
    "您的账户存在风险，请下载“安全助手”APP并开启屏幕共享，按指导操作。",
    "请回复您的银行卡号、密码和收到的验证码进行核验。",
    "需要先交解冻金3000元才能放款，请转到公司账户6222 0215 8864 3321。",
)
# Honest notices of half A that one of the vetoes now clears.
NOTICES = tuple(
    r.text
    for r in HALF_A
    if "\n" not in r.text and any(c in VETOES for c in CLF.classify_sms(r.text).codes)
)


def test_the_property_has_notices_and_demands_to_work_on() -> None:
    assert len(NOTICES) >= 40
    for demand in DEMANDS:
        assert CLF.classify_sms(demand).category is SmsCategory.FRAUD, demand


@settings(max_examples=80, deadline=None)
@given(notice=st.sampled_from(NOTICES), demand=st.sampled_from(DEMANDS), before=st.booleans())
def test_a_real_demand_beside_an_honest_notice_stays_fraud(
    notice: str, demand: str, before: bool
) -> None:
    text = demand + notice if before else notice + demand
    v = CLF.classify_sms(text)
    assert v.category is SmsCategory.FRAUD, (text, v.codes)
    assert not set(v.codes) & set(VETOES), v.codes


@pytest.mark.parametrize("advice", ["这是诈骗吧？", "你不要转账啊", "本报讯", "我在App内看了"])
def test_advice_words_in_a_scam_chat_do_not_veto_it(advice: str) -> None:
    chat = (
        "客服：您的快递丢失了，我们三倍理赔，请下载会议软件开启屏幕共享\n"
        f"我：{advice}\n客服：请按指导操作"
    )
    v = CLF.classify_sms(chat)
    assert v.category is SmsCategory.FRAUD, v.codes


def test_an_official_notice_from_a_personal_mobile_is_still_fraud() -> None:
    # The sender is part of what makes a notice official: the same bank notice sent by an
    # ordinary mobile number is the impersonation the bank rules look for.
    text = (
        "【中信银行】您尾号5531的信用卡因检测到异地异常交易已暂时冻结，为保障资金安全，"
        "请本人拨打卡片背面的官方客服电话核实，或在动卡空间App解冻，勿回拨来历不明的号码。"
    )
    assert CLF.classify_sms(text).category is SmsCategory.NORMAL
    assert CLF.classify_sms(text, sender="95558").category is SmsCategory.NORMAL
    spoofed = CLF.classify_sms(text, sender="13912345678")
    assert spoofed.category is SmsCategory.FRAUD
    assert "notice_official" not in spoofed.codes

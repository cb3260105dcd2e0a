"""Quoted advice is no distance between a script's role and its addressed demand (twelfth pass).

A scammer who quotes official warnings between claiming a role and demanding money pushed the
demand beyond a proximity rule's reach (``near`` 3). With ``demand_addressed`` set, a sentence
that holds only advice or frame rows is joined to the one before it
(:func:`fraudnum.sms.quoted_advice.without_advice_sentences`). The scripts are ours, after the
script steps of 公安部刑侦局's 十大高发电信网络诈骗类型 (cited per script); the advice sentences
after 国家反诈中心 / 公安部刑侦局 防骗提示.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import SmsCategory
from fraudnum.sms.quoted_advice import without_advice_sentences

CLF = fraudnum.Classifier()

SCRIPTS = [
    # 虚假征信类: 自称金融平台客服, 称校园贷未注销影响征信, 要求转账“完成注销”.
    (
        "我是某某金融平台的客服专员",
        "您大学期间开通的校园贷至今没有注销会影响征信",
        "您现在把钱转到我们的指定账户完成注销",
    ),
    # 冒充公检法类: 自称检察官, 称涉嫌非法集资, 要求转入“安全账户”.
    (
        "我是市检察院的工作人员",
        "你名下的银行卡涉嫌一起非法集资案",
        "请你马上把资金转入安全账户接受审查",
    ),
    # 冒充领导类: 自称老板, 要求先垫付货款给“客户”.
    ("我是你们公司的李总", "我现在在外面谈合同不方便接电话", "你现在先转三万元到客户这个账户"),
]
ADVICE = [
    "警方提醒：谨防电信诈骗",
    "切勿泄露验证码",
    "骗子往往冒充公检法",
    "公检法机关不会通过电话办案",
    "凡是要求转账到安全账户的都是诈骗",
]


def _text(script: tuple[str, str, str], advice: tuple[str, ...], where: int) -> str:
    parts = [*script[:where], *advice, *script[where:]]
    return "。".join(parts) + "。"


def test_every_script_alone_is_fraud() -> None:
    for script in SCRIPTS:
        assert CLF.classify_sms(_text(script, (), 0)).category is SmsCategory.FRAUD


def test_three_advice_sentences_never_push_the_demand_out_of_reach() -> None:
    # Exhaustive: every script, every ordered choice of three advice sentences, every place.
    for script in SCRIPTS:
        for advice in itertools.permutations(ADVICE, 3):
            for where in range(4):
                text = _text(script, advice, where)
                assert CLF.classify_sms(text).category is SmsCategory.FRAUD, text


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(SCRIPTS),
    st.lists(st.sampled_from(ADVICE), min_size=4, max_size=6),
    st.integers(0, 3),
)
def test_more_advice_never_cancels_an_addressed_demand(
    script: tuple[str, str, str], advice: list[str], where: int
) -> None:
    assert CLF.classify_sms(_text(script, tuple(advice), where)).category is SmsCategory.FRAUD


def test_advice_sentences_are_joined_to_the_one_before() -> None:
    starts = [0, 10, 20, 30]
    # row 1: advice in sentence 1 and in sentence 0 (which always stays); row 2: a role in
    # sentence 2 (kept); row 3: advice beside a demand in sentence 3 (joined).
    found = {1: [(2, 4), (12, 14)], 2: [(22, 24)], 3: [(32, 34)]}
    assert without_advice_sentences(starts, found, frozenset({1, 3})) == (0, 20)
    assert without_advice_sentences(starts, {}, frozenset({1})) == (0, 10, 20, 30)


def test_a_text_without_an_addressed_demand_keeps_its_distance() -> None:
    # 冒充公检法 role and a third-person demand, far apart, with advice between: nothing is
    # addressed to the reader, so the sentences still count (the joining needs the signal).
    text = (
        "我是市检察院的工作人员。警方提醒：谨防电信诈骗。切勿泄露验证码。骗子往往冒充公检法。"
        "公检法机关不会通过电话办案。有人把资金转入安全账户后被骗。"
    )
    assert CLF.classify_sms(text).category is not SmsCategory.FRAUD

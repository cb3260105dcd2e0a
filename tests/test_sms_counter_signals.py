"""Counter-signals of the legitimate look-alikes of a scam chat (issue 11 round 2, branch dialog).

Each look-alike below is written for these tests; none is taken from an evaluation data set. Each
pairs a legitimate conversation (a friend borrowing, a second-hand deal through the platform or
face to face, a listed company's earnings call, an anti-fraud talk) with the same conversation
given the part of the script that is genuinely different (a claimed emergency or a third-party
account, a private transfer, a link or an app to top up in, a demand for a card number and
code), after the typology and advice of 公安部刑侦局 / 国家反诈中心 (冒充领导熟人类,
虚假购物服务类, 虚假网络投资理财类, 刷单返利类 and their 防骗提示). The legitimate one must not be
fraud and must say why; the other must stay fraud, with the counter-signal never a reason.
"""

from __future__ import annotations

import pytest

import fraudnum
from fraudnum import Risk, SmsCategory

CLF = fraudnum.Classifier()

# name -> (legitimate chat, its counter-signal's reason code, the scripted variant)
PAIRS: dict[str, tuple[str, str, str]] = {
    # a friend borrowing: no new number, no made-up emergency, no third-party account
    "朋友借钱": (
        "阿杰: 兄弟，这个月房租交完手头有点紧，能借我点钱吗？两千就行\n"
        "小林: 行，我微信给你转过去\n"
        "阿杰: 谢了，下个月发工资就还给你",
        "chat_friend_loan",
        # 冒充熟人: a made-up emergency (车祸, 住院) is the script's pretext
        "阿杰: 兄弟，我出车祸了在医院，手头有点紧，能借我点钱吗？两千就行\n"
        "小林: 啊？严重吗\n"
        "阿杰: 先转我，下个月还给你",
    ),
    # a used-car deposit paid after viewing the car, the rest face to face
    "二手车定金": (
        "买家: 你好，你挂的那辆二手车还在吗？我想先看车\n"
        "车主: 在的，周六可以来看车，试驾没问题\n"
        "买家: 好的，看车满意的话我先交定金，余款过户的时候当面交易",
        "chat_deal_safe",
        # 虚假购物: the deposit goes off the platform, by a private transfer
        "买家: 你好，你挂的那辆二手车还在吗？\n"
        "车主: 在的，很多人要，你先交定金我给你留着，提车的时候再付余款\n"
        "买家: 怎么付定金？\n"
        "车主: 平台手续费高，你直接微信转账给我就行",
    ),
    # a listed company's results call: sales, margins, distributors paying in advance
    "业绩交流会": (
        "主持人: 请王总介绍一下三季度的经营情况\n"
        "王总: 三季度营收同比增长百分之十二，毛利率基本持平，产能利用率在八成左右\n"
        "分析师: 下游经销商的回款怎么样？预收款是不是让客户先把钱打过来\n"
        "王总: 对，经销商一般先打预收款，我们收到后发货，收益比去年好",
        "talk_earnings_call",
        # 虚假投资: the same talk turning into an app to top up in
        "主持人: 请王总介绍一下三季度的经营情况\n"
        "王总: 三季度营收同比增长百分之十二，毛利率基本持平\n"
        "王总: 想跟投的朋友下载我们的APP，先充值五千元，收益翻倍",
    ),
    # an anti-fraud talk telling, in the third person, how a 刷单 scam works
    "反诈宣讲": (
        "主持人: 今天请派出所的李警官讲讲刷单诈骗\n"
        "李警官: 诈骗分子通常先让你做几单小任务，返还本金和佣金，取得信任以后再让你垫付大额资金\n"
        "听众: 那怎么防范呢？\n"
        "李警官: 要提高警惕，凡是要求先垫付的刷单都是诈骗",
        "talk_antifraud",
        # a fake talk that ends by asking for the card number and the code
        "主持人: 今天请李警官讲讲刷单诈骗\n"
        "李警官: 诈骗分子通常先让你做几单小任务，要提高警惕\n"
        "李警官: 大家把银行卡号和验证码发给我，我帮你们查一下有没有风险",
    ),
}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_the_legitimate_look_alike_is_not_fraud_and_says_why_first(name: str) -> None:
    text, code, _scripted = PAIRS[name]
    v = CLF.classify_sms(text)
    assert v.category is SmsCategory.NORMAL, (name, v.to_dict())
    assert v.codes[0] == code, v.codes
    # the fraud rules it outweighed are counter signals, never reasons
    assert not any(c.startswith("script_") for c in v.codes), v.codes


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_the_scripted_variant_stays_fraud_and_the_counter_signal_is_no_reason(name: str) -> None:
    _text, code, scripted = PAIRS[name]
    v = CLF.classify_sms(scripted)
    assert v.category is SmsCategory.FRAUD, (name, v.to_dict())
    assert v.risk is Risk.HIGH
    assert code not in v.codes
    assert v.reasons[0].code != "sms_turn"


def test_a_third_party_account_keeps_a_friends_loan_fraud() -> None:
    """冒充熟人: the money is to go to someone else's card."""
    v = CLF.classify_sms(
        "阿杰: 兄弟，手头有点紧，能借我点钱吗？直接打到这个账户 6222021234567890123，户名王某\n"
        "小林: 这是谁的卡\n"
        "阿杰: 下个月还给你"
    )
    assert v.category is SmsCategory.FRAUD
    assert "chat_friend_loan" not in v.codes


def test_a_friends_loan_told_as_one_message_gets_no_chat_counter_signal() -> None:
    """The friend-loan counter-signal is about a chat between two people, not a lone message."""
    v = CLF.classify_sms("手头有点紧，能借我点钱吗？下个月还给你")
    assert "chat_friend_loan" not in v.codes + tuple(r.code for r in v.counter_signals)


def test_an_anti_fraud_talk_vetoes_the_script_rules_not_just_outweighs_them() -> None:
    """The talk names a role, a pretext and a demand many times; none of those rules applies."""
    v = CLF.classify_sms(PAIRS["反诈宣讲"][0])
    counter = {r.code for r in v.counter_signals}
    assert not any(c.startswith(("script_", "combo_authority")) for c in counter)


# -- recall: a chat window that stops before the demand --------------------------------------

SUSPECTS: dict[str, tuple[str, str, str]] = {
    # 虚假征信类 opening: the campus loan "must be cancelled or your credit suffers"
    "征信_开场": (
        "script_chat_credit",
        "script_chat_credit",
        "客服小李: 您好，您大学期间开通过校园贷账户，现在需要注销，不然会影响征信\n"
        "小王: 我不记得开过啊",
    ),
    # 冒充电商客服 opening: a membership "opened by mistake", the demand not yet made; the
    # older customer-service rule decides, the chat rule agrees
    "客服_误开会员": (
        "script_suspicious_service",
        "script_chat_role_pretext",
        "平台客服: 您好，您开通的会员是误开通的，每月会自动扣费\n小王: 我没开过啊",
    ),
}


@pytest.mark.parametrize("name", sorted(SUSPECTS))
def test_a_chat_opening_of_a_script_is_fraud_at_medium_risk(name: str) -> None:
    first, rule, text = SUSPECTS[name]
    v = CLF.classify_sms(text)
    assert v.category is SmsCategory.FRAUD, (name, v.to_dict())
    assert v.risk is Risk.MEDIUM
    assert v.codes[0] == first, v.codes
    assert rule in v.codes


def test_a_chat_opening_alone_is_not_enough_in_one_message_of_one_speaker() -> None:
    """The chat rules need two speakers: one line of a role and a pretext is no conversation."""
    v = CLF.classify_sms("您开通的会员是误开通的，每月会自动扣费")
    assert "script_chat_role_pretext" not in v.codes


def test_a_fee_to_release_money_in_a_chat_is_fraud_even_with_no_pretext_named() -> None:
    v = CLF.classify_sms("小王: 怎么还不到账？\n对方: 您需要先交解冻费才能到账\n小王: 还要交钱？")
    assert v.category is SmsCategory.FRAUD
    assert "script_chat_refee" in v.codes


def test_the_same_opening_in_an_anti_fraud_talk_is_not_fraud() -> None:
    v = CLF.classify_sms(
        "主持人: 请李警官讲讲虚假征信诈骗\n"
        "李警官: 诈骗分子通常冒充客服，说你的校园贷账户要注销，不然会影响征信\n"
        "听众: 那怎么防范？\n"
        "李警官: 提高警惕，征信没有修复一说"
    )
    assert v.category is not SmsCategory.FRAUD, v.to_dict()

"""Where a notice sends you, not what it says (issue 11, ninth pass).

An honest notice asks you to pay or act too, but through its sender's own channel: the texts
below (written for this test from the public formats of utility, hospital, school, social
insurance and property-management notices; no row of any evaluation set) give no destination
off that channel. ``notice_no_channel`` in data/sms_rules.csv vetoes the script rules for them;
the same notice with an off-channel destination added (a link, a phone number, a chat id, a
card number, a named account, an app with screen sharing, a code request) must lose the veto,
and a payment demand sent to a chat id, a suspicious link, a card or a named account is fraud
(``pay_offchannel_*``).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import SmsCategory

CLF = fraudnum.Classifier()

OWN_CHANNEL = (
    "【国网电力】您户号1234567的电费余额不足，当前欠费86.20元，请及时通过网上国网App缴费，以免停电。",
    "【XX燃气】尊敬的用户，您的燃气费已欠费，请于本月25日前通过支付宝生活缴费或营业厅缴纳，逾期将暂停供气。",
    "【XX医院】您预约的12月5日上午内科门诊，请提前30分钟到自助机取号缴费，如需取消请在医院公众号操作。",
    "【XX小学】各位家长：本学期校服费每套180元，请于本周五前通过学校缴费平台缴纳，不收取现金。",
    "【社保】您2026年度城乡居民医保费尚未缴纳，请于12月31日前通过税务App或银行柜台缴纳，缴费标准380元。",
    "【XX物业】2027年度物业费已开始收取，请通过物业App或到物业服务中心缴纳。",
)

# A way to pay off the sender's channel: each of these beside a payment demand is the script.
PAY_OFF_CHANNEL = (
    "缴费请点击 http://pay-verify.top/u 。",
    "缴费请添加微信 kefu_8899 。",
    "缴费请转账至 6222021234567890123 。",
)

# Any destination off the sender's channel: the veto must not apply beside one.
OFF_CHANNEL = (
    *PAY_OFF_CHANNEL,
    "缴费请添加客服QQ 2837465 。",
    "请致电专员 13812345678 办理。",
    "缴费请转入对公账户。",
    "请转账至 6222 0212 3456 7890 123，户名王强。",
    "请下载“安全助手”App并开启屏幕共享，按专员指导操作。",
    "请将资金转入安全账户核查。",
    "请提供短信验证码以便核实。",
)


def _codes(text: str, sender: str | None = None) -> list[str]:
    return [r.code for r in CLF.classify_sms(text, sender=sender).reasons]


@pytest.mark.parametrize("text", OWN_CHANNEL)
def test_a_demand_through_the_senders_own_channel_is_not_fraud(text: str) -> None:
    v = CLF.classify_sms(text)
    codes = [r.code for r in v.reasons]
    assert v.category is not SmsCategory.FRAUD
    assert "notice_no_channel" in codes
    assert codes[0] in ("notice_no_channel", "notice_official")  # the first reason says why
    assert not any(c.startswith("script_") for c in codes)


@settings(max_examples=60, deadline=None)
@given(
    notice=st.sampled_from(OWN_CHANNEL),
    dest=st.sampled_from(OFF_CHANNEL),
    before=st.booleans(),
)
def test_an_off_channel_destination_removes_the_veto(notice: str, dest: str, before: bool) -> None:
    text = dest + notice if before else notice + dest
    assert "notice_no_channel" not in _codes(text)


@settings(max_examples=40, deadline=None)
@given(
    notice=st.sampled_from(OWN_CHANNEL),
    dest=st.sampled_from(PAY_OFF_CHANNEL),
    before=st.booleans(),
)
def test_the_same_notice_paid_off_channel_is_fraud(notice: str, dest: str, before: bool) -> None:
    text = dest + notice if before else notice + dest
    v = CLF.classify_sms(text)
    assert v.category is SmsCategory.FRAUD, text
    assert not any(r.code.startswith("notice_") for r in v.reasons)


def test_every_combination_of_the_property_holds() -> None:
    """The two properties above, exhaustively (6 notices x 10 destinations x 2 orders)."""
    for notice in OWN_CHANNEL:
        for dest in OFF_CHANNEL:
            for text in (notice + dest, dest + notice):
                v = CLF.classify_sms(text)
                codes = [r.code for r in v.reasons]
                assert "notice_no_channel" not in codes, text
                if dest in PAY_OFF_CHANNEL:
                    assert v.category is SmsCategory.FRAUD, text


def test_a_personal_mobile_sender_gets_no_veto() -> None:
    text = OWN_CHANNEL[1]
    assert "notice_no_channel" in _codes(text)
    assert "notice_no_channel" not in _codes(text, sender="13812345678")


def test_a_claimed_role_gets_no_veto() -> None:
    text = "您好，我是燃气公司的客服专员，您的燃气费已欠费，请于今天之内缴纳，逾期将暂停供气。"
    assert "notice_no_channel" not in _codes(text)


def test_inside_a_chat_the_veto_does_not_apply() -> None:
    chat = "客服：您的燃气费已欠费，请今天之内缴纳。\n我：怎么交？\n客服：缴纳后把截图发给我。"
    assert "notice_no_channel" not in _codes(chat)


def test_a_reference_number_is_not_a_destination_but_a_number_to_call_is() -> None:
    notice = "【XX燃气】您户号1234567的燃气费已欠费86.20元，请于本月25日前通过燃气App缴纳。"
    assert "notice_no_channel" in _codes(notice)
    called = notice + "如有疑问请致电 13812345678 。"
    assert "notice_no_channel" not in _codes(called)

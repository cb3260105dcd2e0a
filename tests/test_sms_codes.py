"""An SMS verdict's reason codes are known without building its reasons, and agree with them.

``SmsVerdict.codes`` on a verdict whose reasons are not built yet reads the engine's layout of
the reasons (what the Arrow columns read); ``reasons`` builds that same layout. These tests
hold the codes read first equal to the codes of the reasons built, on generated texts and
senders and on texts that reach each kind of reason (rules, phrase groups, links, numbers,
the sender, an unverified warning, a conversation's turn pointer, the fallbacks).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

import fraudnum
from fraudnum import SmsVerdict
from fraudnum.strategies import sms_pairs

PLAIN = fraudnum.Classifier()
USER = fraudnum.Classifier(block=["13912345678"], allow=["95588"])


def _deferred(v: SmsVerdict) -> bool:
    return object.__getattribute__(v, "_explain") is not None


def _agree(clf: fraudnum.Classifier, text: str, sender: str | None) -> SmsVerdict:
    first = clf.classify_sms(text, sender=sender)
    codes = first.codes
    built = clf.classify_sms(text, sender=sender)
    assert codes == tuple(r.code for r in built.reasons)
    assert first.codes == codes  # read again, and after the reasons are built
    first.reasons  # noqa: B018
    assert first.codes == codes
    return first


@settings(max_examples=150, deadline=None)
@given(sms_pairs())
def test_codes_read_first_are_the_codes_of_the_reasons(pair):
    """Whatever the text and sender, with or without user lists."""
    sender, text = pair
    _agree(PLAIN, text, sender)
    _agree(USER, text, sender)


@pytest.mark.parametrize(
    ("text", "sender", "expect"),
    [
        (
            "您好，我是市公安局民警，您涉嫌洗钱案，请下载APP并开启屏幕共享，"
            "把资金转入安全账户配合调查，不要告诉家人。http://gov-check.top 13800138000",
            None,
            "sms_link",
        ),
        (
            "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证",
            "106901234567",
            "sms_link",
        ),
        ("您尾号1234的卡 6222020200112233445 收到转账，联系 13800138000", None, None),
        ("今晚一起吃饭吗", "13912345678", "sms_sender_blocked"),
        ("今晚一起吃饭吗", "95588", "sms_sender_allowed"),
        ("【反诈中心】提醒您：公检法不会要求转账到安全账户", None, None),
        ("", None, None),
    ],
)
def test_codes_of_each_kind_of_reason(text, sender, expect):
    """Rules, links, numbers, the sender's lists, warnings and the empty text."""
    v = _agree(USER, text, sender)
    if expect is not None:
        assert expect in v.codes


def test_a_conversation_gets_its_turn_pointer_code_without_its_reasons_built():
    """The turn pointer follows the spans of the deciding reason, built alone for the codes."""
    chat = "您好\n客服: 您的账户异常\n我: 怎么办\n客服: 请下载APP并开启屏幕共享，把钱转到安全账户"
    v = _agree(PLAIN, chat, None)
    assert v.category is not fraudnum.SmsCategory.NORMAL
    assert v.codes[1] == "sms_turn"
    w = PLAIN.classify_sms(chat)
    assert w.codes[1] == "sms_turn"
    assert _deferred(w)


def test_codes_of_a_plain_message_leave_its_reasons_unbuilt():
    """Reading the codes builds no reason (what makes the Arrow path cheap)."""
    v = PLAIN.classify_sms("【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证")
    assert _deferred(v)
    assert v.codes[0] != ""
    assert _deferred(v)

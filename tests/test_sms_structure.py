"""Structural SMS signals: message length, and the co-occurrence rules built on them.

The example texts are written for these tests (no row of any evaluation data).
"""

from __future__ import annotations

import fraudnum
from fraudnum import SmsCategory
from fraudnum.sms import LONG_TEXT, SHORT_TEXT


def _codes(v: fraudnum.SmsVerdict) -> list[str]:
    return [r.code for r in v.reasons]


def test_a_short_line_with_sale_words_and_nothing_to_act_on_is_not_an_ad():
    text = "百货新款特价包邮"
    assert len(text) < SHORT_TEXT
    v = fraudnum.classify_sms(text)
    assert v.category is SmsCategory.NORMAL
    assert "short_text" in v.tags
    assert "combo_short_text" in _codes(v)


def test_a_short_ad_with_a_link_or_opt_out_line_is_still_an_ad():
    for text in ("百货新款特价包邮 http://shop.example.com", "百货新款特价包邮，回T退订"):
        v = fraudnum.classify_sms(text)
        assert v.category is SmsCategory.MARKETING, text
        assert "combo_short_text" not in _codes(v)


def test_short_text_counts_characters_not_white_space():
    text = "特 价 包 邮 " * 3  # 24 characters written with spaces, 12 without
    assert "short_text" in fraudnum.classify_sms(text).tags


def test_short_text_rule_does_not_excuse_fraud():
    v = fraudnum.classify_sms("工商银行账户异常 http://icbc-vip.cc")
    assert v.category is SmsCategory.FRAUD


def test_sale_wording_filling_a_message_reads_as_an_ad():
    text = (
        "春季新品到店，全场满299减100，会员再享双倍积分，活动时间三月一日至三月十日，"
        "地址人民路88号，新老顾客均可参加，详询店员"
    )
    assert len(text) >= LONG_TEXT
    v = fraudnum.classify_sms(text)
    assert v.category is SmsCategory.MARKETING
    assert "long_text" in v.tags
    assert "combo_long_ad" in _codes(v)


def test_a_long_chat_without_sale_words_stays_normal():
    text = (
        "今天我们几个在讨论周末去哪里玩，小王说想去爬山，我觉得天气太热了，"
        "还是去看电影吃饭比较好，你觉得呢？晚上回家再慢慢商量吧"
    )
    assert len(text) >= LONG_TEXT
    v = fraudnum.classify_sms(text)
    assert v.category is SmsCategory.NORMAL

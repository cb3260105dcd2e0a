"""Structural SMS signals: message length, and the co-occurrence rules built on them.

The example texts are written for these tests (no row of any evaluation data).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import fraudnum
from fraudnum import SmsCategory, TableError
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


def test_substitute_characters_beside_a_link_make_an_illegal_bulk_text():
    # 洊 for 存 and 餸 for 送: a casino's deposit bonus written past keyword filters.
    v = fraudnum.classify_sms("新会员首洊即餸，详见 http://play.example.com 客服 13912345678")
    assert v.category is SmsCategory.ILLEGAL
    assert "disguise" in v.tags
    assert "combo_disguise" in _codes(v)


def test_a_substitute_character_alone_is_not_a_verdict():
    v = fraudnum.classify_sms("今天去饮茶，叫了几个餸，味道不错")
    assert v.category is SmsCategory.NORMAL


def test_a_one_character_phrase_is_a_signal_only(tmp_path: Path):
    path = tmp_path / "p.csv"
    path.write_text("phrase,category,tags\n餸,signal,disguise\n", encoding="utf-8")
    fraudnum.Classifier(phrases=path)  # accepted: a signal counts only through rules
    for row in ("餸,marketing,", "a,signal,x"):
        path.write_text("phrase,category,tags\n" + row + "\n", encoding="utf-8")
        with pytest.raises(TableError, match="two characters"):
            fraudnum.Classifier(phrases=path)


def test_casino_platform_code_with_a_link_and_a_number_is_illegal():
    v = fraudnum.classify_sms("本周PT电子新游戏上线 http://play.example.com 热线 13912345678")
    assert v.category is SmsCategory.ILLEGAL
    plain = fraudnum.classify_sms("本周PT课程调整，请留意 http://gym.example.com")
    assert plain.category is not SmsCategory.ILLEGAL


def test_a_slot_game_title_is_a_gambling_word():
    v = fraudnum.classify_sms("船长的宝藏本周返水加倍 http://play.example.com")
    assert v.category is SmsCategory.ILLEGAL
    assert "gambling" in v.tags


def test_a_bare_card_number_and_a_name_is_a_transfer_request():
    v = fraudnum.classify_sms("6222021234567890123 王红梅")
    assert v.category is SmsCategory.FRAUD
    assert "combo_bare_account" in _codes(v)


def test_a_shop_coupon_expiry_with_an_opt_out_line_is_not_phishing():
    text = "会员积分月底失效，登录 http://shop.example.com 兑换好礼"
    assert fraudnum.classify_sms(text).category is SmsCategory.FRAUD
    v = fraudnum.classify_sms(text + "，回T退订")
    assert v.category is SmsCategory.MARKETING
    assert "combo_optout_ad" in _codes(v)
    # the same wording from a 'bank' is still phishing
    bank = fraudnum.classify_sms("工商银行：账户即将失效，登录 http://icbc-vip.cc 验证，回T退订")
    assert bank.category is SmsCategory.FRAUD


def test_a_carriers_data_gift_is_its_own_promotion():
    v = fraudnum.classify_sms("恭喜您获得500M流量红包，点击 http://wap.example.com 领取")
    assert v.category is not SmsCategory.FRAUD
    assert "combo_carrier_prize" in _codes(v)


def test_stock_tip_group_lure_is_fraud():
    v = fraudnum.classify_sms("敢死队今晚建群，免费公布好股，人满即封，加微信 gp8888")
    assert v.category is SmsCategory.FRAUD
    assert "investment" in v.tags


# A card number as card faces and bank apps print it, in groups (ISO/IEC 7812 PANs of
# 16-19 digits). The texts are written for these tests, on the pattern of the 公安部刑侦局
# warning about "直接把钱打到这个卡上" messages.
_GROUPED_CARDS = (
    "6222 0212 3456 7890 123",
    "622202 123456 7890123",
    "6222-0212-3456-7890",
    "6222、0212、3456、7890、123",
    "6222/0212/3456/7890/123",
)


@pytest.mark.parametrize("card", _GROUPED_CARDS)
def test_a_card_number_in_groups_is_a_card_number(card: str) -> None:
    whole = card.translate({ord(c): None for c in " -、/"})
    text = f"房租直接打到这个卡上：农业银行 {card} 户名王红梅"
    grouped = fraudnum.classify_sms(text)
    joined = fraudnum.classify_sms(text.replace(card, whole))
    assert grouped.category is SmsCategory.FRAUD
    assert "bank_card" in grouped.tags
    # the same verdict, for the same first reason, as the card written in one run
    assert grouped.category is joined.category
    assert _codes(grouped)[0] == _codes(joined)[0]
    # a text that is little more than the card and a name is looked at too
    assert "bank_card" in fraudnum.classify_sms(f"{card} 王红梅").tags


@pytest.mark.parametrize("card", _GROUPED_CARDS[:3])
def test_a_bare_card_number_in_groups_and_a_name_is_a_transfer_request(card: str) -> None:
    v = fraudnum.classify_sms(f"{card} 王红梅")
    assert v.category is SmsCategory.FRAUD
    assert _codes(v)[0] == "combo_bare_account"


def test_grouped_numbers_that_are_not_a_card_stay_what_they_are() -> None:
    from fraudnum.sms.signals import find_numbers

    # a phone number in groups is 11 digits; a list of prices is not a card either
    for text in ("工行客服 138 1234 5678", "价格 1000 2000 3000 元", "0755 8888 8888 1234 工行"):
        numbers = find_numbers(text)
        assert numbers is None or not numbers.bank_card, text
        assert "bank_card" not in fraudnum.classify_sms(text).tags, text
    # a bank's own notice names a card by its last four digits, never in full
    v = fraudnum.classify_sms("【工商银行】您尾号1234的卡于12月1日消费100.00元，余额5,678.90元。")
    assert v.category is not SmsCategory.FRAUD
    assert "bank_card" not in v.tags


def test_a_calling_card_text_is_an_ad_however_short() -> None:
    # The carriers' hang-up "calling card" SMS (挂机短信/来电名片): a business welcomes the
    # reader to call and names what it offers. Written for this test.
    for text in ("欢迎致电平安锁业开锁服务部", "欢迎来电，本店专业提供搬家服务"):
        v = fraudnum.classify_sms(text)
        assert v.category is SmsCategory.MARKETING, text
        assert "combo_business_card" in _codes(v), text
        assert "combo_short_text" not in _codes(v), text
    # the same welcome as a chat line about a speech is not a calling card
    assert fraudnum.classify_sms("我刚才欢迎致辞的时候忘词了").category is SmsCategory.NORMAL

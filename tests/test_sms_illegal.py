"""Illegal services in SMS: gambling, fake documents, escort ads and banned propaganda.

The example texts are written for these tests (no row of any evaluation data).
"""

from __future__ import annotations

import fraudnum
from fraudnum import SmsCategory


def _codes(v: fraudnum.SmsVerdict) -> list[str]:
    return [r.code for r in v.reasons]


def _spans(v: fraudnum.SmsVerdict, code: str, text: str) -> list[str]:
    return [text[s:e] for r in v.reasons if r.code == code for s, e in r.spans]


def test_the_party_named_with_doom_wording_is_banned_propaganda():
    text = "朋友请看，中共作恶多端，天灾人祸接连不断，早日看清才能平安"
    v = fraudnum.classify_sms(text)
    assert v.category is SmsCategory.ILLEGAL
    assert "banned_propaganda" in v.tags
    words = _spans(v, "combo_regime_curse", text)
    assert "中共" in words
    assert "天灾人祸" in words


def test_news_naming_the_party_without_doom_wording_is_normal():
    for text in (
        "中共中央办公厅印发关于基层减负的通知，各地认真贯彻落实",
        "今年夏天天灾人祸不断，大家出门注意安全",
    ):
        v = fraudnum.classify_sms(text)
        assert v.category is SmsCategory.NORMAL, text
        assert "combo_regime_curse" not in _codes(v)


def test_propaganda_wording_of_its_own_is_illegal():
    v = fraudnum.classify_sms("好消息：又有很多人声明退出党团队，远离邪党保平安")
    assert v.category is SmsCategory.ILLEGAL


def test_fake_diplomas_and_plates_with_a_number_are_illegal():
    for text in (
        "本公司可办各类学历，货到给钱，联系电话13800138000",
        "专业订做车牌，质量保证，电话13800138000",
    ):
        v = fraudnum.classify_sms(text)
        assert v.category is SmsCategory.ILLEGAL, text
        assert "fake_document" in v.tags


def test_escort_euphemisms_with_a_contact_are_illegal():
    v = fraudnum.classify_sms("兄弟，会所新来一批各国美女，晚上过来坐坐，电话13800138000")
    assert v.category is SmsCategory.ILLEGAL
    assert "escort" in v.tags


def test_casino_backup_address_and_disguised_betting_word():
    v = fraudnum.classify_sms(
        "尊敬的会员，最新备用网址已更新，投柱无上限，登入 http://a1b2.example.com"
    )
    assert v.category is SmsCategory.ILLEGAL
    assert "gambling" in v.tags


def test_pinyin_for_characters_against_a_gambling_word_is_an_evasion():
    text = "您好lao会员，福利已派送请登入 http://x1.example.com 查看"
    v = fraudnum.classify_sms(text)
    assert v.category is SmsCategory.ILLEGAL
    assert "pinyin_mix" in v.tags
    assert _spans(v, "combo_pinyin_mix", text) == ["lao"]
    # the same text in plain characters stays below the line
    plain = fraudnum.classify_sms("您好会员，福利已派送请登入 http://x1.example.com 查看")
    assert plain.category is not SmsCategory.ILLEGAL
    assert "pinyin_mix" not in plain.tags


def test_pinyin_away_from_illegal_words_is_not_an_evasion():
    for text in (
        "联通wo音乐会员专享流量 http://x1.example.com",  # a brand two characters away
        "您好会员，pt福利已派送 http://x1.example.com",  # not a syllable
        "您好会员 http://lao.example.com/cai",  # inside a link
    ):
        v = fraudnum.classify_sms(text)
        assert "pinyin_mix" not in v.tags, text


def test_deposit_bonus_beside_gambling_words_is_illegal():
    text = "在线客服：存100送100，详询 http://x1.example.com"
    v = fraudnum.classify_sms(text)
    assert v.category is SmsCategory.ILLEGAL
    assert "存100送" in _spans(v, "combo_deposit_bonus", text)
    without = fraudnum.classify_sms("在线客服：活动详询 http://x1.example.com")
    assert without.category is not SmsCategory.ILLEGAL


def test_a_carriers_top_up_bonus_is_not_gambling():
    for text in (
        "移动话费充100送50，在线客服详询 http://x1.example.com",
        "会员充值100送20，欢迎光临 http://x1.example.com",
        "充100送50，活动详询营业厅",
    ):
        v = fraudnum.classify_sms(text)
        assert v.category is not SmsCategory.ILLEGAL, text

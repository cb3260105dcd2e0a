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
    assert "中共" in words and "天灾人祸" in words


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
    v = fraudnum.classify_sms("尊敬的会员，最新备用网址已更新，投柱无上限，登入 http://a1b2.example.com")
    assert v.category is SmsCategory.ILLEGAL
    assert "gambling" in v.tags

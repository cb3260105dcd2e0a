"""Schemes the public warnings name, each with an honest text that shares its words.

Written for these tests after: 郑州市公安局反诈中心 开学季防骗提示 (a cloned 班主任 collecting
fees by QR code), 公安部刑侦局 冒充军警购物类 (a big order, then a 'designated supplier'),
民政部《慈善组织公开募捐管理办法》 (public fundraising only through registered charities'
platforms), 最高检/公安部 打击整治养老诈骗专项行动 (care-home 'investments'). None is taken from
an evaluation set (issue 11, fresh-set pass).
"""

from __future__ import annotations

import pytest

import fraudnum
from fraudnum import SmsCategory

CLF = fraudnum.Classifier()

SCHEMES = {
    "班主任收费": (
        "各位家长好，我是二年级三班班主任，下学期教材费每人210元，"
        "请扫描群里的收款二维码缴纳，明早截止",
        "script_school_fee",
    ),
    "部队订餐": (
        "客户：老板，我们是部队的，要订30桌年夜饭。\n我：没问题。\n"
        "客户：另外部队规定酒水要从指定的供应商拿，你先帮我们垫付一下，结账时一起给你",
        "script_military",
    ),
    "个人码募捐": (
        "志愿者：我们在为山区孩子筹集善款，每人捐五十就行。\n我：怎么捐？\n"
        "志愿者：扫我这个收款码就可以，我们统一转给学校",
        "combo_donation_private",
    ),
    "养老投资": (
        "【颐年康养】养老公寓投资计划，年化回报16%，子女不用操心，签约送体检，咨询 13911112222",
        "combo_elder_invest",
    ),
    "点赞任务": (
        "兼职招募：给短视频点赞截图，一条2元，日结，加微信 dz8821 领任务",
        "sms_phrase_fraud",
    ),
    "粉丝福利": (
        "感谢大家一直支持哥哥，工作室推出粉丝福利，抽取50位粉丝送现金红包，"
        "添加助理微信 gzs-fan 登记",
        "combo_prize",
    ),
}


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_the_named_scheme_is_fraud(name: str) -> None:
    text, code = SCHEMES[name]
    v = CLF.classify_sms(text)
    assert v.category is SmsCategory.FRAUD
    assert code in v.codes


HONEST = {
    # the school's own payment system, no QR code in a chat
    "学校缴费": (
        "【某某小学】各位家长：本学期教材费请于本周内通过“智慧校园”App缴纳，学校不在家长群收费。"
    ),
    # a registered charity's platform, not a personal code
    "公益平台": (
        "【腾讯公益】您关注的“乡村儿童午餐”项目本月新增善款2.3万元，"
        "感谢您的爱心，详情见腾讯公益小程序。"
    ),
    # a restaurant talking with its real supplier
    "餐厅进货": (
        "店长：这周白酒快没了\n采购：我联系一下供应商，明天送货，货到付款\n店长：好，发票记得开"
    ),
    # a care home's price list, no investment
    "养老院": (
        "【阳光养老院】本院单人间每月4800元，含三餐与护理，欢迎周末带家人参观，"
        "咨询电话 010-66668888。"
    ),
    # a live-stream shop's giveaway inside its own stream, with an opt-out line
    "直播抽奖": (
        "【某某直播间】粉丝福利：今晚8点直播抽取粉丝送新品小样，进入直播间即可参与，退订回T"
    ),
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_the_honest_text_with_the_same_words_is_not_fraud(name: str) -> None:
    assert CLF.classify_sms(HONEST[name]).category is not SmsCategory.FRAUD

"""Chats that talk about a scam are not one (issue 11, fresh-set pass).

A family or colleagues who name a scheme a scam and tell each other to ignore it (一定是诈骗,
都是骗人的, 别上当, 打96110问问) are doing what 国家反诈中心's publicity asks; their chat
carries the scam's words without its demand. A victim's doubt inside a real script (你不会是
骗子吧？) is a hedged question and clears nothing. Every chat here is written for these
tests; none comes from an evaluation set.
"""

from __future__ import annotations

import pytest

import fraudnum
from fraudnum import SmsCategory

CLF = fraudnum.Classifier()

HONEST = {
    "奶奶中奖": (
        "女儿：妈，奶奶说有人打电话说她中了大奖，要先交个人所得税才能领\n"
        "我：那肯定是诈骗，让她别理会，千万不要转钱\n"
        "女儿：她还说对方知道她住哪\n"
        "我：信息泄露很常见，让她打96110问一下就放心了"
    ),
    "荐股群": (
        "同事甲：你那个群里的老师还在推股票吗\n"
        "同事乙：早退了，说什么内部消息稳赚不赔，都是骗人的\n"
        "同事甲：我也觉得，买基金还是在银行App里买靠谱"
    ),
    "刷单兼职": (
        "室友：我刷到一个兼职广告，点赞截图一单五块\n"
        "我：别上当，先给返利再让你垫钱，就是骗局\n"
        "室友：好吧，那我还是去奶茶店打工"
    ),
    # a bank's real service line: it sends you to the branch and disclaims the demands
    "银行客服": (
        "客服：您好，建设银行95533，请问有什么可以帮您？\n"
        "我：我的卡突然被限制了，转不了账。\n"
        "客服：系统检测到异常交易，暂时限制了非柜面业务，请您本人带身份证到网点办理解除，"
        "我们不会在电话中要求您转账或提供验证码。\n"
        "我：好的，谢谢。"
    ),
    # an e-commerce colleague advising against order boosting
    "店铺运营": "运营甲：这周销量不太好\n运营乙：别想着刷单，平台会降权，报个官方推广吧",
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_a_chat_that_names_the_scam_is_not_fraud(name: str) -> None:
    assert CLF.classify_sms(HONEST[name]).category is not SmsCategory.FRAUD


# Texts that retell or name a scam, in the forms 国家反诈中心 and local police publish them,
# and a shop's pre-sale whose deposit "doubles" at checkout (天猫/淘宝 预售规则).
RETOLD = {
    "新闻": (
        "一名女子在二手平台卖闲置时，被“买家”拉到一个陌生网站收款，页面称账户被冻结需交保证金。"
        "该女子先后缴纳两次共计4600元后才意识到被骗。警方提醒：交易请留在官方平台。"
    ),
    "防骗课堂": (
        "【防骗课堂】“猜猜我是谁”诈骗怎么防？骗子来电让你猜他是谁，随后冒充你的朋友借钱。"
        "接到这类电话，先挂断再用原号码回拨核实。"
    ),
    "民警劝阻": (
        "民警：您好，我是派出所民警，刚才给您打电话的“客服”是骗子，请不要下载他说的软件。\n"
        "我：啊，我差点就装了。\n"
        "民警：如已转账请马上拨打110报警，不要再回复对方。"
    ),
    "预售": (
        "【某品牌官方旗舰店】年货节预售：定金翻倍，付20抵40，1月5日晚8点付尾款，进店领券 退订回T"
    ),
}


@pytest.mark.parametrize("name", sorted(RETOLD))
def test_a_text_that_retells_or_names_a_scam_is_not_fraud(name: str) -> None:
    assert CLF.classify_sms(RETOLD[name]).category is not SmsCategory.FRAUD


SCRIPTS = {
    # 冒充公检法: the victim's doubt is a question; the demand still stands
    "公检法": (
        "对方：我是市公安局刑侦支队的，你的银行卡涉嫌洗钱，需要配合调查\n"
        "我：你不会是骗子吧？\n"
        "对方：你可以不信，但必须把资金转到安全账户接受审查，否则立刻冻结"
    ),
    # 冒充公检法: the disclaimer ends its clause; the demand comes in the next one
    "先否认再要钱": (
        "对方：我是公安局的，我们不会在电话里要求你转账。\n"
        "我：那你找我干什么？\n"
        "对方：你的账户涉嫌洗钱，现在必须把资金转到安全账户配合调查"
    ),
    # 刷单返利: the scheme named as a job, not as a scam
    "刷单招聘": "招聘兼职刷单员，一单一结，日赚300，加QQ 2837461 领任务",
    # 刷单返利: the scammer's own 'we are no scam' is negated, not a dismissal
    "刷单": (
        "客服：亲，我们是正规平台，不是骗局，做任务先返佣金\n"
        "我：要交钱吗？\n"
        "客服：第三单是联单任务，需要先垫付1280元，完成后连本带佣金返还"
    ),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_a_script_with_a_doubt_in_it_stays_fraud(name: str) -> None:
    assert CLF.classify_sms(SCRIPTS[name]).category is SmsCategory.FRAUD

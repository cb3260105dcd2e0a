"""Dialog pass (2) of issue 11: two steps of one script in a chat; chats that only mention words.

Every chat below is written for these tests after the script steps that 公安部刑侦局 /
国家反诈中心 publish for the high-frequency fraud types (十大高发电信网络诈骗类型: 刷单返利类,
虚假网络投资理财类, 虚假网络贷款类, 网络游戏虚假交易类, and the 防骗提示
"凡是让你充值刷单的都是诈骗"); none is taken from an evaluation data set. A window of a
chat often ends before the money is asked for, so two steps of one script are enough inside
a conversation; a chat that only names gambling, dating or photos, with no link, contact or
demand, is not the advertisement those words come from.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import SmsCategory

CLF = fraudnum.Classifier()

# name -> (chat, the reason codes one of which the verdict must give, source of the script)
SCRIPTS: dict[str, tuple[str, tuple[str, ...], str]] = {
    # 刷单返利类: the task lure (做任务, 佣金) with the script's pretext, before any demand
    "刷单任务": (
        "小周: 你好，我们这边招兼职，在家动动手指做任务就有佣金\n"
        "阿梅: 具体做什么？\n"
        "小周: 给商品点赞关注，刷单返利，一单一结",
        ("script_chat_pitch",),
        "公安部刑侦局 十大高发电信网络诈骗类型 刷单返利类",
    ),
    # 刷单返利类: the task pretext with any demand (add the receptionist)
    "刷单加人": (
        "客服: 兼职刷单，做任务返佣金，日结\n"
        "小王: 怎么开始？\n"
        "客服: 你先添加接待员的QQ，她给你派单",
        ("script_chat_task_demand", "script_chat_pitch"),
        "公安部刑侦局 十大高发电信网络诈骗类型 刷单返利类",
    ),
    # 虚假网络投资理财类: the investment pitch and pressure to enter now
    "投资催促": (
        "老师: 这只是内幕消息，稳赚不赔\n阿强: 真的假的？\n老师: 名额有限，你今天必须马上入场",
        ("script_chat_pitch",),
        "公安部刑侦局 十大高发电信网络诈骗类型 虚假网络投资理财类",
    ),
    # 虚假网络投资理财类: the pitch and an account to pay into
    "投资收款": (
        "导师: 跟着我带单，稳赚不赔\n小李: 那钱怎么投？\n导师: 钱打到这个账户，户名写我们公司",
        ("script_chat_demand",),
        "公安部刑侦局 十大高发电信网络诈骗类型 虚假网络投资理财类",
    ),
    # 虚假网络贷款类: a loan officer's role and the loan pretext, before the fee
    "贷款专员": (
        "小陈: 您好，我是贷款专员小陈，我们这边无抵押，低息，秒到账\n阿华: 利息多少？",
        ("script_chat_role_pretext",),
        "公安部刑侦局 十大高发电信网络诈骗类型 虚假网络贷款类",
    ),
    # 虚假网络投资理财类 / 刷单返利类: the victim has topped up the platform account
    "平台充值": (
        "客服: 你在平台的充值账户开好了，先充钱进去才能接单\n阿芳: 好的，我已经充值了",
        ("script_chat_paid",),
        "国家反诈中心 防骗提示: 凡是让你充值刷单的都是诈骗",
    ),
    # 虚假网络投资理财类: top-up urged now
    "充值催促": (
        "经理: 行情来了，你马上把钱充到平台\n阿明: 要充多少？",
        ("script_chat_demand",),
        "公安部刑侦局 十大高发电信网络诈骗类型 虚假网络投资理财类",
    ),
    # 受害人视角: the victim says they were cheated about the returns
    "受害人": (
        "阿兰: 说好的收益一直没到，你们平台是不是有问题\n"
        "客服: 请耐心等待\n"
        "阿兰: 我被骗了，我要去报警",
        ("script_victim",),
        "国家反诈中心 防骗提示 / 典型案例: 受害人发现无法提现后报警",
    ),
    # 冒充公检法类 / 虚假投资类: money moved to an account the other side names
    "指定账户": (
        "专员: 你的资金需要核查，必须转账到指定账户\n阿娟: 转多少？",
        ("script_chat_demand",),
        "国家反诈中心 防骗提示: 凡是要求把钱转到指定账户、安全账户的都是诈骗",
    ),
    # 网络游戏虚假交易类 / 虚假投资类: a top-up on a site the other side sends
    "网站充值": (
        "卖家: 装备在我们交易网站上架了，你点击链接登录后充值就能买\n小罗: 好的我看看",
        ("script_chat_demand",),
        "公安部刑侦局 十大高发电信网络诈骗类型 网络游戏虚假交易类",
    ),
    # 冒充客服类: card points about to expire, act now
    "积分清零": (
        "客服: 您的信用卡积分今天之内就清零了，赶紧兑换\n老赵: 怎么兑换？",
        ("script_chat_pitch",),
        "公安部刑侦局/国家反诈中心 冒充客服类; 工信部反诈提示: 积分兑换诈骗",
    ),
}

# name -> (legitimate chat, the category it must not be, the reason it must give or None)
LOOKALIKES: dict[str, tuple[str, SmsCategory, str | None]] = {
    # a son tops up his mother's phone bill: top-up and "done", but a phone bill (phone_bill)
    "话费充值": (
        "妈妈: 儿子，我手机话费没了，帮我充值一下\n儿子: 好的，已经充值了，你看看到账没",
        SmsCategory.FRAUD,
        None,
    ),
    # friends talking about a film about a casino and the lottery
    "聊电影": (
        "老王: 昨晚看了那部讲澳门赌场的电影，拍得不错\n小李: 我也看了，里面买彩票那段挺逗",
        SmsCategory.ILLEGAL,
        "chat_mention_only",
    ),
    # friends talking about holiday photos
    "聊照片": (
        "小敏: 你相册里那些旅游照片是在哪拍的\n阿雅: 去年在云南拍的，风景特别好",
        SmsCategory.FRAUD,
        "chat_mention_only",
    ),
    # a seller losing patience: 你自己看着办 holds 你自己看 (a lure word) but is an idiom
    "看着办": (
        "买家: 衣服和描述不符，我要退款\n卖家: 我发货前检查过，你自己看着办吧",
        SmsCategory.FRAUD,
        None,
    ),
    # a tenant sends their own ID card to the landlord
    "租客身份证": (
        "租客: 你好，房子还出租吗？这是我的身份证照片，你先看看\n房东: 好的，周末来看房吧",
        SmsCategory.FRAUD,
        None,
    ),
}


def _codes(text: str) -> list[str]:
    return [r.code for r in CLF.classify_sms(text).reasons]


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_two_steps_of_a_script_in_a_chat_are_fraud(name: str) -> None:
    chat, codes, _source = SCRIPTS[name]
    v = CLF.classify_sms(chat)
    assert v.category is SmsCategory.FRAUD, (name, v.category, _codes(chat))
    assert set(codes) & {r.code for r in v.reasons}, (name, _codes(chat))


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_the_pitch_rules_need_the_conversation(name: str) -> None:
    """The chat rules need two speakers: the same words as one bulk SMS are not judged by them."""
    chat, _codes_wanted, _source = SCRIPTS[name]
    flat = "，".join(line.split(": ", 1)[1] for line in chat.split("\n"))
    assert "script_chat_pitch" not in _codes(flat), (name, _codes(flat))


@pytest.mark.parametrize("name", sorted(LOOKALIKES))
def test_legitimate_look_alike_chats_are_not_the_scam(name: str) -> None:
    chat, not_category, code = LOOKALIKES[name]
    v = CLF.classify_sms(chat)
    assert v.category is not not_category, (name, v.category, _codes(chat))
    assert v.category is not SmsCategory.FRAUD
    if code is not None:
        assert code in [r.code for r in v.reasons] + [r.code for r in v.counter_signals], (
            name,
            _codes(chat),
        )


def test_a_gambling_chat_with_a_link_stays_illegal() -> None:
    """The mention counter-signal needs no link, contact or demand: with a link it is the funnel."""
    mention, _cat, _code = LOOKALIKES["聊电影"]
    v = CLF.classify_sms(mention)
    assert v.category is not SmsCategory.ILLEGAL
    funnel = (
        "阿杰: 我在一个博彩网站玩百家乐，充值送彩金\n"
        "阿杰: 网址 http://bc-888-vip.top 注册就送\n"
        "小吴: 真的能赚？"
    )
    v = CLF.classify_sms(funnel)
    assert v.category in (SmsCategory.ILLEGAL, SmsCategory.FRAUD), _codes(funnel)
    assert "chat_mention_only" not in _codes(funnel)


def test_an_anti_fraud_talk_telling_the_steps_is_not_the_script() -> None:
    """The new rules stand aside for advice (talk_advice) as the older chat rules do."""
    talk = (
        "民警: 诈骗分子通常以兼职刷单、做任务返佣金为由，要求你立即垫付\n"
        "居民: 那怎么防范？\n"
        "民警: 提高警惕，凡是让你刷单的都是诈骗"
    )
    assert CLF.classify_sms(talk).category is not SmsCategory.FRAUD, _codes(talk)


_NAMES = st.sampled_from(["小张", "阿美", "王姐", "老刘", "客服", "李先生"])
_FILLER = st.sampled_from(["嗯", "好的", "在吗", "你说", "哦哦", "明白了", "稍等一下"])


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(SCRIPTS)),
    filler=st.lists(st.tuples(st.integers(0, 10), _NAMES, _FILLER), max_size=3),
)
def test_small_talk_between_the_steps_never_hides_the_script(
    name: str, filler: list[tuple[int, str, str]]
) -> None:
    """Families meet across the turns of one chat: replies inserted anywhere change nothing."""
    lines = SCRIPTS[name][0].split("\n")
    for at, who, words in filler:
        lines.insert(min(at, len(lines)), f"{who}: {words}")
    chat = "\n".join(lines)
    assert CLF.classify_sms(chat).category is SmsCategory.FRAUD, (chat, _codes(chat))


@settings(max_examples=60, deadline=None)
@given(
    filler=st.lists(st.tuples(st.integers(0, 4), _NAMES, _FILLER), max_size=3),
    amount=st.integers(10, 500),
)
def test_a_phone_bill_top_up_in_a_family_chat_is_never_fraud(
    filler: list[tuple[int, str, str]], amount: int
) -> None:
    lines = [
        "妈妈: 我手机话费不够了，你帮我充值一下",
        f"儿子: 好的，充值了{amount}元话费，马上到账",
    ]
    for at, who, words in filler:
        lines.insert(min(at, len(lines)), f"{who}: {words}")
    chat = "\n".join(lines)
    assert CLF.classify_sms(chat).category is not SmsCategory.FRAUD, (chat, _codes(chat))

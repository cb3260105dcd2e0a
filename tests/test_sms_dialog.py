"""Conversations as first-class texts (issue 11, round 3): turns, proximity, late steps.

Every conversation below is written for these tests from the script steps that the Ministry
of Public Security's criminal investigation bureau (公安部刑侦局) and the National Anti-Fraud
Center (国家反诈中心) publish for their high-frequency fraud types (十大高发电信网络诈骗类型:
刷单返利, 虚假网络投资理财, 虚假网络贷款, 冒充电商物流客服, 冒充公检法, 网络婚恋交友) and in their
warnings on 传销/资金盘, 裸聊敲诈 and 二次诈骗 (追损), as 人民网 and 新华网 carry them; the late
steps (提现失败, 再交解冻费, 拉黑, 群解散) follow the same publications. None is copied from an
evaluation data set. Each is paired with the reason that must come first and the turns the
turn pointer (``sms_turn``, the second reason) must name.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import Risk, SmsCategory, TableError
from fraudnum.sms.tables import parse_combos
from fraudnum.sms.turns import Units, conversation, sentence_starts, turns, window_of

CLF = fraudnum.Classifier()

# name -> (first reason, turns the pointer names, conversation)
CHATS: dict[str, tuple[str, str, str]] = {
    # 刷单返利类, late step: the payout is refused until the victim "completes" more paid tasks.
    "刷单返利_收网": (
        "script_refee",
        "2",
        (
            "小周: 我前面三单都做完了，怎么佣金和本金还没有返还？\n"
            "派单员: 亲，您这是联单任务，系统显示您还差两单，需要继续完成任务才能一起返还。\n"
            "小周: 我卡里已经没钱了。\n"
            "派单员: 那您可以先想办法凑一下，超时未完成的话本金会被冻结，我们也没办法。"
        ),
    ),
    # 虚假网络投资理财类: a "teacher" leads the victim onto a platform and to top up.
    "虚假投资_导师带单": (
        "script_pretext_money",
        "1, 3",
        (
            "陈老师: 今天这只票明天还会涨停，群里跟着我做的都赚了。\n"
            "阿梅: 我没炒过股，不太会。\n"
            "陈老师: 没关系，我带你一起操作，你先在这个平台注册，先小额试试，充五千进去。\n"
            "阿梅: 好，我试试看。"
        ),
    ),
    # 虚假网络贷款类: a fee "to verify the account" before the loan is released.
    "虚假贷款_验证费": (
        "script_refee",
        "3",
        (
            "信贷专员: 您的申请已经审核通过了，额度五万元。\n"
            "刘先生: 那什么时候到账？\n"
            "信贷专员: 系统显示您的账户流水不足，资金被冻结了，需要先交两千元解冻金才能放款。\n"
            "刘先生: 还要交钱啊？"
        ),
    ),
    # 虚假网络投资理财类, aftermath: withdrawal refused, the group dissolved, the victim blocked.
    "投资平台_收网": (
        "script_victim",
        "1, 2, 3",
        (
            "老王: 我在平台上的二十万一直提现失败，客服说要再交百分之十的保证金。\n"
            "小李: 我也是，昨天群解散了，客服把我拉黑了，平台打不开了。\n"
            "老王: 这下钱都没了，我们得去报警。"
        ),
    ),
    # The victim's side alone: paid as told, then the scammer vanished.
    "受害人_被拉黑": (
        "script_victim",
        "3",
        (
            "阿强: 妈，我前几天按那个客服说的转了八千块做任务。\n"
            "妈妈: 然后呢？\n"
            "阿强: 现在他把我拉黑了，群也被踢出来了，我是不是被骗了？"
        ),
    ),
    # 网络婚恋交友类 (杀猪盘): a partner met online steers the victim to a "platform".
    "婚恋交友_杀猪盘": (
        "script_romance",
        "1, 3",
        (
            "阿杰: 宝贝，我们在交友软件上认识也三个月了，我想和你有个将来。\n"
            "小雨: 我也是。\n"
            "阿杰: 我舅舅在一个理财平台做内部数据，稳赚不赔，你跟着我投，先充一万试试。\n"
            "小雨: 真的稳赚吗？"
        ),
    ),
    # 冒充电商物流客服类: a parcel "lost", a refund, then a screen share and the code.
    "冒充快递客服_理赔": (
        "script_control",
        "1, 2, 3",
        (
            "客服: 您好，我是快递公司理赔专员，您的包裹在运输中丢失了，我们给您三倍理赔。\n"
            "周女士: 好的，怎么理赔？\n"
            "客服: 请您下载一个会议软件，开启屏幕共享，我一步步指导您操作，收到的验证码报给我。"
        ),
    ),
    # 冒充公检法类 told as a call transcript.
    "冒充公检法_通话": (
        "sms_phrase_fraud",
        "1, 3",
        (
            "来电人: 这里是市公安局刑侦大队，你名下的银行卡涉嫌洗钱，现在要对你进行资金核查。\n"
            "赵先生: 我没有做过这种事。\n"
            "来电人: 这是机密案件，不要告诉家人，把钱转到安全账户，核查完会退给你。"
        ),
    ),
    # 传销/资金盘 pitched in a chat.
    "传销_拉人头": (
        "script_pyramid",
        "3",
        (
            "张姐: 这个项目只要交三千八的入门费，你再发展下线，拉人头越多提成越高。\n"
            "小芳: 真的能赚钱吗？\n"
            "张姐: 我已经发展了二十个下线了，你赶紧加入。"
        ),
    ),
    # 裸聊敲诈.
    "裸聊敲诈": (
        "script_sextortion",
        "1, 3",
        (
            "陌生人: 刚才的视频裸聊我都录屏了。\n"
            "小刘: 你要干什么？\n"
            "陌生人: 转五万过来，不然我就把视频发给你的通讯录好友。"
        ),
    ),
    # 二次诈骗: "recovering" the victim's losses for a fee.
    "二次诈骗_追损": (
        "script_recovery",
        "1, 3",
        (
            "追损顾问: 您被骗的钱我们可以帮您追回损失，成功率很高。\n"
            "钱女士: 真的吗？要怎么做？\n"
            "追损顾问: 先交三千元手续费，再提供一下您的银行账户，我们马上启动追回。"
        ),
    ),
}

NOT_FRAUD_CHATS: dict[str, str] = {
    # a company earnings call: returns, fees and a video meeting are business talk
    "业绩会": (
        "发言人1: 今年我们的投资收益同比增长了百分之十二，主要来自理财产品。\n"
        "发言人2: 想问一下管理费用和销售费用的变化？\n"
        "发言人1: 费用率基本稳定，下季度的路演会通过视频会议进行。"
    ),
    # family chat: cannot reach someone, but nobody pitches or demands anything
    "家人联系不上": (
        "妈妈: 你昨天怎么联系不上了？打你电话一直不通。\n"
        "儿子: 手机没电了，今天刚充好，没事。\n"
        "妈妈: 那就好，周末回家吃饭吧。"
    ),
    # a buyer and a shop about a late parcel
    "网购催件": (
        "买家: 我上周买的鞋子怎么还没到？\n"
        "店家: 亲，物流这两天有点慢，我帮您催一下快递。\n"
        "买家: 好的，谢谢。"
    ),
    # colleagues splitting a dinner bill
    "同事AA": (
        "小王: 昨晚聚餐一共六百，我先付了。\n小李: 好的，我转给你一百五。\n小王: 收到，谢谢。"
    ),
    # a bank-branch talk warning about the late steps (an anti-fraud lesson, no demand)
    "反诈讲座": (
        "民警: 刷单返利诈骗最后都会以卡单、操作失误为由拒绝提现，然后把你拉黑、群解散。\n"
        "居民: 那遇到了怎么办？\n"
        "民警: 不要再转任何钱，马上拨打110报警。"
    ),
}


@pytest.mark.parametrize("name", sorted(CHATS))
def test_fraud_conversations_are_fraud_with_their_deciding_reason_first(name: str) -> None:
    first, _turns, text = CHATS[name]
    v = CLF.classify_sms(text)
    assert v.category is SmsCategory.FRAUD, (name, v.to_dict())
    assert v.risk is Risk.HIGH
    assert v.codes[0] == first, v.codes
    # what argued for another category is kept apart, never a reason
    assert not {"combo_long_ad", "combo_polite_ad", "combo_short_text"} & set(v.codes)


@pytest.mark.parametrize("name", sorted(CHATS))
def test_the_second_reason_points_at_the_deciding_turns(name: str) -> None:
    _first, numbers, text = CHATS[name]
    v = CLF.classify_sms(text)
    pointer = v.reasons[1]
    assert pointer.code == "sms_turn"
    assert f"第 {numbers} 轮" in pointer.zh
    assert f"turn {numbers} " in pointer.en
    chat = turns(text)
    wanted = [chat[int(n) - 1] for n in numbers.split(", ")]
    assert pointer.spans == tuple((t.start, t.end) for t in wanted)
    # the first reason's spans all lie in those turns
    assert all(any(t.start <= s and e <= t.end for t in wanted) for s, e in v.reasons[0].spans)


def test_the_police_script_names_its_rule_after_the_fraud_wording() -> None:
    """涉嫌洗钱 and 安全账户 weigh more than the rule: the wording comes first, the rule next."""
    v = CLF.classify_sms(CHATS["冒充公检法_通话"][2])
    assert "script_role_money" in v.codes[:4]


@pytest.mark.parametrize("name", sorted(NOT_FRAUD_CHATS))
def test_ordinary_conversations_sharing_the_words_are_not_fraud(name: str) -> None:
    v = CLF.classify_sms(NOT_FRAUD_CHATS[name])
    assert v.category is not SmsCategory.FRAUD, (name, v.to_dict())


def test_an_anti_fraud_talk_about_the_late_steps_reads_as_a_warning() -> None:
    v = CLF.classify_sms(NOT_FRAUD_CHATS["反诈讲座"])
    assert v.category is SmsCategory.WARNING
    assert v.codes[0] == "sms_warning_unverified"


def test_each_turn_alone_of_a_late_step_script_is_not_enough() -> None:
    """The refused payout and the fee are in different turns: the verdict is the whole chat's."""
    text = CHATS["虚假贷款_验证费"][2]
    assert CLF.classify_sms(text).category is SmsCategory.FRAUD
    first_turn = text.split("\n")[0]
    assert CLF.classify_sms(first_turn).category is not SmsCategory.FRAUD


# -- proximity --------------------------------------------------------------------------

_FILLER = (
    "今天上午天气晴朗，气温二十度左右。下午会有一阵小雨，记得带伞出门。"
    "明天转为多云，风力不大。周末气温还会回升一些。"
)
_ROLE, _DEMAND = "我是你们经理。", "你帮我转一笔钱过去。"


def test_in_one_message_role_and_demand_must_meet_within_a_few_sentences() -> None:
    far = CLF.classify_sms(_ROLE + _FILLER + _DEMAND)
    near = CLF.classify_sms(_ROLE + _DEMAND + _FILLER)
    assert far.category is not SmsCategory.FRAUD, far.to_dict()
    assert near.category is SmsCategory.FRAUD
    assert near.codes[0] == "script_role_money"
    # the reason reports the window where they met, not the filler
    assert near.reasons[0].spans == ((0, 6), (8, 11))


def test_across_the_turns_of_one_conversation_role_and_demand_combine() -> None:
    text = f"经理: {_ROLE}\n小张: 经理好。\n经理: {_FILLER}\n小张: 好的。\n经理: {_DEMAND}"
    v = CLF.classify_sms(text)
    assert v.category is SmsCategory.FRAUD
    assert v.codes[:2] == ("script_role_money", "sms_turn")
    assert "第 1, 5 轮" in v.reasons[1].zh


def test_near_is_validated_with_its_line() -> None:
    head = "rule,when,category,weight,risk,tags,reason,source,near\n"
    ok = parse_combos(
        head + "r1,script_role+script_demand_money,fraud,3,high,,script_role_money,x,2\n"
    )
    assert ok[0].near == 2
    blank = parse_combos(head + "r1,script_role,fraud,3,high,,script_role_money,x,\n")
    assert blank[0].near is None
    without = parse_combos(
        "rule,when,category,weight,risk,tags,reason,source\n"
        "r1,script_role,fraud,3,high,,script_role_money,x\n"
    )
    assert without[0].near is None
    for bad in ("0", "-1", "two", "1.5"):
        with pytest.raises(TableError, match=r"line 2.*near"):
            parse_combos(head + f"r1,script_role,fraud,3,high,,script_role_money,x,{bad}\n")


# -- turns and sentences ----------------------------------------------------------------


def test_speaker_lines_are_turns_and_form_labels_are_not() -> None:
    text = "张伟: 你好\n李娜：在吗\n 发言人2: 好的"
    got = turns(text)
    assert [t.speaker for t in got] == ["张伟", "李娜", "发言人2"]
    assert text[got[0].start : got[0].end] == "张伟: 你好\n"
    assert got[-1].end == len(text)
    assert conversation(got)
    assert turns("地址：北京市海淀区\n电话：010-12345678\n时间：周一") == ()
    assert turns("张伟: 只有一行") == ()


def test_one_speaker_is_not_a_conversation() -> None:
    assert not conversation(turns("王警官: 第一句\n王警官: 第二句"))


def test_sentences_split_at_end_marks_and_line_breaks() -> None:
    text = "第一句话在这里结束。第二句话？第三句话！\n第四句话；第五句话" * 3
    starts = sentence_starts(text)
    assert starts[0] == 0
    assert list(starts) == sorted(set(starts))
    assert all(text[s - 1] in "。？！\n；" for s in starts[1:])
    assert sentence_starts("太短了。一句。") == (0,)


def test_window_of_finds_the_tightest_window_within_reach() -> None:
    text = "甲在这里。乙丙丁戊己庚辛壬癸。子丑寅卯辰巳午未申酉。甲和乙在这一句里。" * 2
    units = Units(text)
    a1, b1 = text.index("甲"), text.index("乙")
    both = text.index("甲和乙")
    hits = [(a1, a1 + 1, "a"), (b1, b1 + 1, "b"), (both, both + 1, "a"), (both + 2, both + 3, "b")]
    assert window_of(units, hits, frozenset("ab"), 2) == (a1, b1 + 1)
    assert window_of(units, hits[2:], frozenset("ab"), 1) == (both, both + 3)
    assert (
        window_of(units, [(a1, a1 + 1, "a"), (both + 2, both + 3, "b")], frozenset("ab"), 2) is None
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("张伟李娜:：\n 。，？！转钱客服abc1")), max_size=200))
def test_turns_of_any_text_are_ordered_and_inside_it(text: str) -> None:
    got = turns(text)
    assert all(0 <= t.start < t.end <= len(text) for t in got)
    assert all(a.end == b.start for a, b in itertools.pairwise(got))
    CLF.classify_sms(text)  # never raises


# -- the never-block guarantee holds for the new families -------------------------------

_LATE_STEPS = [
    "提现失败",
    "无法兑现",
    "再交保证金",
    "解冻金",
    "才能提现",
    "客服失联",
    "群解散",
    "被拉黑",
    "联系不上你",
    "我被骗了",
    "继续完成任务",
    "追回损失",
    "带你一起操作",
    "已经转账",
]


@settings(max_examples=100, deadline=None)
@given(
    steps=st.lists(st.sampled_from(_LATE_STEPS), min_size=1, max_size=4),
    sender=st.sampled_from(["12381", "96110"]),
)
def test_a_genuine_warning_telling_the_late_steps_is_never_blocked(
    steps: list[str], sender: str
) -> None:
    """The 12381 SMS that retells a scam's aftermath, even laid out as a dialogue, stays trusted."""
    lines = [f"{'受害人' if i % 2 else '对方'}: {s}" for i, s in enumerate(steps)]
    text = "【反诈预警】您可能正在遭遇诈骗：\n" + "\n".join(lines) + "\n请立即停止转账。"
    v = CLF.classify_sms(text, sender=sender)
    assert v.category is SmsCategory.WARNING, v.to_dict()
    assert v.risk is Risk.TRUSTED
    assert not v.blockable

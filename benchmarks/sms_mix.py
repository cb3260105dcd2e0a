"""A realistic SMS mix for throughput: short messages, ~250-character scripts, conversations.

Real traffic is not 70-character notices alone: a phone app or a carrier also passes long
messages, chat windows and transcribed calls, which hit many more phrase rows and almost never
share a cached decision. :func:`realistic_mix` builds such a mix from text written for this
benchmark (never rows of the evaluation data):

* short SMS (``messages`` of :mod:`benchmarks.bench_sms`: chats, notices, ads, scams);
* scripts of about 250 characters, each a claimed role, a pretext, a demand and filler drawn
  from pools written from the public typology of fraud types (公安部刑侦局 / 国家反诈中心
  high-frequency types), and polite long advertisements and notices of the same length;
* conversations of 4-10 turns joined by line breaks (``客服: …`` / ``用户: …``), fraud and not.

Numbers, amounts and names vary per message, so signatures repeat about as rarely as in real
traffic. :func:`evaluation_texts` reads the labelled evaluation files instead (``--data``), for
a figure on real messages; they are only read, never copied.
"""

from __future__ import annotations

import random
from pathlib import Path

__all__ = ["conversation", "evaluation_texts", "realistic_mix", "script", "text_kind"]

_ROLE = [
    "您好，这里是{city}市公安局刑侦支队，我是办案民警{name}警官，警号{d6}。",
    "您好，我是某宝平台的售后客服专员，工号{d4}。",
    "尊敬的用户您好，我是{app}客服，来电是关于您账户的一项重要通知。",
    "我是{bank}信用卡中心的工作人员，负责您名下账户的风险核查。",
    "小{name}，我是你们{name}总，我换了个号码，你存一下。",
    "妈，我是小{name}，手机掉水里坏了，这是同学的手机号。",
    "您好，我是{app}金融的贷款专员，您在我们平台的申请已经初审通过。",
    "您好，这里是{city}市人民法院，您有一份传票尚未签收。",
]
_PRETEXT = [
    "经查，您名下的一张银行卡涉嫌一起跨境洗钱案件，案情重大，现已被列为失信人员。",
    "您上周购买的商品因质量问题被厂家召回，我们将为您办理双倍赔偿{p}元。",
    "系统显示您误开通了百万保障会员服务，下月起每月将自动扣费{p}元。",
    "您大学期间开通的校园贷账户未注销，按照国家规定会影响您的个人征信。",
    "有个客户的合同款急着要付，我在开会不方便接电话。",
    "您的快递在运输途中丢失，我们这边将按照物品价值的三倍为您理赔。",
    "您申请的{d}万元贷款已审核通过，但银行卡号填写错误，资金已被冻结。",
    "您的医保卡存在异常使用记录，涉嫌违规套取医保基金{b}元。",
]
_DEMAND = [
    "请在今天之内把名下资金转到我们指定的安全账户进行资金核查，核查完毕原路退还。",
    "请您下载我们的理赔APP，进入后开启屏幕共享，按照客服指引操作即可到账。",
    "如需关闭请加入我们的视频会议，会议号稍后发给您，我一步步指导您操作。",
    "你先帮我转{d}万给对方公司，账号我发你，下午财务回来就还你。",
    "请先缴纳解冻费{p}元到指定账户，解冻后马上放款。",
    "请把刚才收到的短信验证码告诉我，我帮您在后台取消。",
    "请添加我的微信{w}{d4}，我拉您进处理群，群里有专员为您办理。",
    "急需交学费，先转{p}0元到这个卡上，卡号{card}，户名{name}强。",
]
_SECRECY = [
    "此事属于机密，不要告诉家人和朋友，否则后果自负。",
    "这件事先别跟别人说，办完了我再跟你解释。",
    "请务必在两小时内办理，逾期系统将自动冻结您的全部账户。",
    "",
]
_FILLER = [
    "请您不要挂断电话，保持手机畅通。",
    "感谢您的配合，祝您生活愉快。",
    "为了您的资金安全，请按照我说的一步一步来。",
    "您可以先记一下我的工号，有问题随时找我。",
]
# Long, polite, legitimate texts of the same length: notices and advertisements.
_LONG_OK = [
    "【{bank}】尊敬的客户，您尾号{d4}的信用卡本期账单金额{p}.00元，最后还款日为{m}月{d}日，"
    "您可登录手机银行或拨打官方客服热线查询账单明细。为保障您的资金安全，请勿向任何人透露"
    "验证码和密码，本行工作人员不会以任何理由要求您转账到所谓的安全账户。感谢您的支持。",
    "【{app}】亲爱的会员，春季焕新节正式开启，全场服饰低至{d}折，满{p}减50，叠加会员积分"
    "翻倍，新品上市首日下单再送精美礼品一份。活动时间{m}月{d}日至{m}月2{d}日，数量有限，"
    "先到先得。详情请打开APP首页查看活动专区，欢迎您的光临。拒收请回复R，回T退订。",
    "各位家长好，本学期期末家长会定于{m}月{d}日下午两点在学校报告厅召开，请各位家长准时"
    "参加。会上将介绍本学期学生的学习情况、寒假安排和下学期的课程计划，并请家长签收成绩"
    "通知书。如确实不能到场，请提前与班主任{name}老师联系说明情况，谢谢大家的配合。",
    "【{city}市气象台】预计今天夜里到明天白天，我市大部分地区有中到大雨，局部暴雨，并伴有"
    "雷电和短时大风，气温下降{d}到{d}度。请市民出行注意安全，尽量避开低洼积水路段，"
    "关好门窗，妥善安置室外物品。户外作业人员注意防范雷电，驾车时减速慢行。",
]
_CHAT_TURNS = [
    "今天下班早吗？",
    "早，六点能到家",
    "那我买点菜回去",
    "好的，记得买鸡蛋",
    "周末去看电影吗",
    "可以啊，看几点的",
    "下午三点那场吧",
    "行，我来订票",
    "你把报表发我一下",
    "稍等，马上发",
    "收到了，谢谢",
    "不客气",
]
_NAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"]
_CITIES = ["杭州", "成都", "武汉", "西安", "南京", "苏州", "郑州", "长沙"]
_APPS = ["京东", "美团", "快手", "抖音", "淘宝", "拼多多"]
_BANKS = ["工商银行", "建设银行", "招商银行", "农业银行"]


def _filler(rng: random.Random, template: str) -> str:
    return template.format(
        d=rng.randint(2, 9),
        d4=f"{rng.randint(0, 9999):04d}",
        d6=f"{rng.randint(0, 999999):06d}",
        m=rng.randint(1, 12),
        p=rng.randint(100, 9999),
        b=rng.randint(1000, 99999),
        w="".join(rng.choice("abcdefghkmnpqrstuvwxyz") for _ in range(rng.randint(3, 6))),
        card=f"62{rng.randint(10**16, 10**17 - 1)}",
        name=rng.choice(_NAMES),
        city=rng.choice(_CITIES),
        app=rng.choice(_APPS),
        bank=rng.choice(_BANKS),
    )


def script(rng: random.Random) -> str:
    """One text of about 250 characters: a fraud script (60%) or a long legitimate text."""
    if rng.random() < 0.4:
        return _filler(rng, rng.choice(_LONG_OK))
    parts = [rng.choice(_ROLE), rng.choice(_PRETEXT)]
    parts += rng.sample(_FILLER, 2)
    parts += [rng.choice(_DEMAND), rng.choice(_SECRECY)]
    text = "".join(_filler(rng, p) for p in parts)
    while len(text) < 220:
        text += _filler(rng, rng.choice(_FILLER))
    return text


def conversation(rng: random.Random) -> str:
    """A chat or call of 4-10 turns joined by line breaks: a fraud (half) or small talk."""
    turns: list[str] = []
    if rng.random() < 0.5:
        steps = [rng.choice(_ROLE), rng.choice(_PRETEXT), rng.choice(_DEMAND)]
        replies = ["啊？我没有啊", "那怎么办", "真的吗？", "好的，你说", "要怎么操作"]
        for step in steps:
            turns.append("对方: " + _filler(rng, step))
            turns.append("我: " + rng.choice(replies))
        if rng.random() < 0.5:
            turns.append("对方: " + _filler(rng, rng.choice(_SECRECY) or rng.choice(_FILLER)))
    else:
        for i in range(rng.randint(4, 10)):
            turns.append(("A: " if i % 2 == 0 else "B: ") + rng.choice(_CHAT_TURNS))
    return "\n".join(turns)


def realistic_mix(n: int, short: list[str], seed: int = 11) -> list[str]:
    """``n`` texts: 60% the given short SMS, 25% ~250-character texts, 15% conversations."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        r = rng.random()
        if r < 0.6:
            out.append(short[i % len(short)])
        elif r < 0.85:
            out.append(script(rng))
        else:
            out.append(conversation(rng))
    return out


def evaluation_texts(data: Path) -> dict[str, list[str]]:
    """The texts of the evaluation files in ``data``, by file (labels dropped).

    ``fraud_dev`` placeholders become text of their kind as in ``benchmarks/eval_sms.py``;
    ``dialog_dev`` turns become real line breaks. Only for measuring.
    """
    from benchmarks.eval_sms import unmask

    out: dict[str, list[str]] = {}
    for name, column in (("sms_dev", 1), ("fraud_dev", 2), ("dialog_dev", 1)):
        path = data / f"{name}.tsv"
        if not path.exists():
            continue
        rows = [line.rstrip("\n").split("\t") for line in path.open(encoding="utf-8")]
        texts = [r[column] for r in rows if len(r) > column]
        if name == "fraud_dev":
            texts = [unmask(t) for t in texts]
        elif name == "dialog_dev":
            texts = [t.replace("\\n", "\n") for t in texts]
        out[name] = texts
    return out


def text_kind(text: str) -> str:
    """The kind of a text of the mix: ``chat`` (turns on lines), ``script`` (120+), ``short``."""
    if "\n" in text:
        return "chat"
    return "script" if len(text) >= 120 else "short"

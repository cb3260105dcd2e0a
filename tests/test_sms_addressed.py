"""Issue 11, eleventh pass: a demand addressed to the reader is never cancelled by advice wording.

A scammer's text often quotes an official warning (警方提醒谨防诈骗, 切勿泄露验证码, 凡是…都是诈骗)
and then demands money, a code or the screen from the reader in a sentence of its own (请你现在
把钱转到安全账户). Such a sentence — an address cue (``address_reader``: 请你, 你现在, 麻烦您 …)
before a money, credential or control demand, with no advice or reporting cue in it and outside
every reported span — gives the signal ``demand_addressed``; then the advice vetoes
(``notice_*`` rules, ``+!demand_addressed``) do not fire and the negative fraud weights of
advice and news rows do not count (``TagRules.tally(..., skip_negative)``).

The scripts are mine, written after the public formats cited beside each group; no row of
the evaluation data is used.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import Risk, SmsCategory
from fraudnum.sms.tables import PHRASE_CATEGORIES

CLF = fraudnum.Classifier()
ENGINE = CLF._sms_engine()

# Same-speaker scripts: a claimed role, a pretext and a money demand the speaker puts on the
# reader (公安部刑侦局 公布的十大高发电信网络诈骗类型 与 国家反诈中心 典型案例话术).
MONEY_SCRIPTS = [
    # 冒充公检法类: 自称民警, 称涉嫌洗钱, 要求转入“安全账户”.
    (
        "我是市公安局刑侦支队的民警",
        "你的银行账户涉嫌一起洗钱案件",
        "请你现在把钱转到安全账户配合调查",
    ),
    # 冒充领导熟人类: 自称老板, 称开会不便接电话, 要求先转账给“客户”.
    (
        "我是你们公司的王总，我是你们老板",
        "我在外面开会不方便接电话",
        "你现在先转两万元给客户这个账户",
    ),
    # 冒充公检法类 (检察院 资金审查).
    (
        "我是最高人民检察院的检察官",
        "你的身份信息涉嫌一起非法集资案",
        "你必须马上把资金转入安全账户接受资金审查",
    ),
    # 虚假征信类 (注销校园贷): 自称金融平台客服, 要求转账“完成注销”.
    (
        "我是京东金融的客服",
        "您的校园贷账户未注销会影响征信",
        "您现在把钱转到我们的指定账户完成注销",
    ),
]
# Advice and news wording a scammer quotes (国家反诈中心/公安部刑侦局 防骗提示, 12381 预警短信体例).
ADVICE = [
    "警方提醒：谨防电信诈骗",
    "切勿泄露验证码",
    "骗子往往冒充公检法",
    "公检法机关不会通过电话办案",
    "凡是要求转账到安全账户的都是诈骗",
    "国家反诈中心提醒您提高警惕",
]


def _script(parts: list[str], sep: str) -> str:
    return sep.join(parts) + "。"


@pytest.mark.parametrize("script", MONEY_SCRIPTS)
def test_each_script_is_fraud_and_its_demand_addressed_once_advice_could_cancel_it(
    script: tuple[str, ...],
) -> None:
    assert CLF.classify_sms(_script(list(script), "。")).category is SmsCategory.FRAUD
    # The sentences are searched only when a row that could cancel the demand is found (a
    # veto's family or a negative fraud weight): here the quoted warning.
    v = CLF.classify_sms(_script([ADVICE[0], *script], "。"))
    assert v.category is SmsCategory.FRAUD
    assert "demand_addressed" in v.tags


@settings(max_examples=200, deadline=None)
@given(
    script=st.sampled_from(MONEY_SCRIPTS),
    advice=st.lists(st.sampled_from(ADVICE), min_size=1, max_size=3, unique=True),
    where=st.integers(0, 3),
    sep=st.sampled_from(["。", "\n", "！"]),
    joined=st.booleans(),
)
def test_quoted_advice_never_cancels_an_addressed_money_demand_with_a_role(
    script: tuple[str, ...], advice: list[str], where: int, sep: str, joined: bool
) -> None:
    # On main before this pass (e0f8fc1), 1 775 of the 2 496 texts of these four scripts with
    # "。" (every ordered choice of 1-3 advice sentences at every position) were not fraud:
    # the advice vetoes or the negative weights of the quoted warning cancelled the demand.
    # Now 6 are not (checked exhaustively once): the loan script with three advice sentences
    # between its role and its demand, which then lie beyond the reach (near 3) of its rule.
    # That is proximity, not cancellation: so as separate sentences at most two are drawn;
    # joined by commas (one quoted warning) up to three.
    assume(joined or len(advice) <= 2)
    warning = "，".join(advice) if joined else sep.join(advice)
    parts = [*script[:where], warning, *script[where:]]
    v = CLF.classify_sms(_script(parts, sep))
    assert v.category is SmsCategory.FRAUD


def test_two_scripts_with_every_choice_of_advice_are_fraud() -> None:
    for script in MONEY_SCRIPTS[:2]:
        for k in (1, 2):
            for advice in itertools.permutations(ADVICE, k):
                for where in range(4):
                    text = _script([*script[:where], *advice, *script[where:]], "。")
                    assert CLF.classify_sms(text).category is SmsCategory.FRAUD, text


# A genuine warning that retells the scam: the addressed demand sits inside reported speech
# (国家反诈中心/各地公安 反诈预警体例: 骗子会…, 对方要求…), so it is not the warning's own.
FRAMES = ["警方提示", "反诈提醒", "防骗提示"]
CUES = ["骗子会说", "诈骗分子常说", "对方会要求"]
QUOTED = ["你现在把钱转到安全账户", "您马上把验证码告诉我", "你先下载会议软件开启屏幕共享"]


@settings(max_examples=60, deadline=None)
@given(
    frame=st.sampled_from(FRAMES),
    cue=st.sampled_from(CUES),
    quoted=st.sampled_from(QUOTED),
    sender=st.sampled_from([None, "95588", "12381", "96110"]),
)
def test_an_addressed_demand_inside_a_reported_span_is_not_the_warnings(
    frame: str, cue: str, quoted: str, sender: str | None
) -> None:
    text = f"【{frame}】{cue}{quoted}，这都是诈骗，请不要转账，不要透露验证码。"
    v = CLF.classify_sms(text, sender=sender)
    assert v.category is not SmsCategory.FRAUD
    assert "demand_addressed" not in v.tags
    if sender in ("12381", "96110"):
        assert v.category is SmsCategory.WARNING
        assert v.risk is Risk.TRUSTED


@settings(max_examples=40, deadline=None)
@given(
    script=st.sampled_from(MONEY_SCRIPTS),
    sender=st.sampled_from(["12381", "96110"]),
)
def test_a_genuine_warning_quoting_a_script_stays_trusted(
    script: tuple[str, ...], sender: str
) -> None:
    # 12381 涉诈预警劝阻短信 / 96110 预警: the sender is the warning; never blocked.
    text = f"【反诈预警】诈骗分子会冒充身份对您说：“{'，'.join(script)}”。这是诈骗，请勿转账。"
    v = CLF.classify_sms(text, sender=sender)
    assert v.category is SmsCategory.WARNING
    assert v.risk is Risk.TRUSTED


def test_a_negated_demand_is_not_addressed() -> None:
    # 银行风险提示体例: 请您不要向任何人透露验证码 — advice, not a demand.
    v = CLF.classify_sms("温馨提示：请您不要向任何人透露验证码，本行工作人员不会索要。")
    assert v.category is not SmsCategory.FRAUD
    assert "demand_addressed" not in v.tags


def test_a_cue_and_a_demand_in_different_sentences_are_not_addressed() -> None:
    text = "请您注意账户安全。凡是要求把钱转到安全账户的都是诈骗。"
    v = CLF.classify_sms(text)
    assert "demand_addressed" not in v.tags
    assert v.category is not SmsCategory.FRAUD


def test_negative_fraud_weights_are_skipped_only_under_the_flag() -> None:
    phrases = ENGINE.phrases
    fraud = [i for i, p in enumerate(phrases) if p.category == "fraud"]
    neg = next(i for i in fraud if phrases[i].weight < 0)
    pos = next(i for i in fraud if phrases[i].weight > 0)
    cat = PHRASE_CATEGORIES.index("fraud")
    plain, _m, union = ENGINE._tally.tally([pos, neg])
    skipped, _m2, union2 = ENGINE._tally.tally([pos, neg], cat)
    assert plain[cat] == phrases[pos].weight + phrases[neg].weight
    assert skipped[cat] == phrases[pos].weight
    assert union == union2  # the tags still count

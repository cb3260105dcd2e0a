"""The grammar of an honest notice (issue 11, tenth pass): who speaks, to whom, and what.

Four things an honest message does that a phrase list reads as a scam, each now read by the
SMS engine from data rows (``data/phrases.csv``, ``data/sms_patterns.csv``):

* it names **reference numbers** (订单号, 工单号, 流水号, a date, an amount) that are not
  numbers to call (``number_reference`` rows, ``reference_*`` patterns);
* a warning or a news report **quotes** the scam's steps (骗子会让您下载…，再要求您转账): a
  reporting cue (``report_cue``) in a text framed as a warning or a report
  (``report_frame`` and the advice/news frames) or sent by an official number quotes the
  demand up to the end of its sentence;
* it **negates** a demand (押金不用再交, 不会要求您提供验证码: ``negates_demand``);
* a brand or a **completed act** holds a demand word that is no demand (支付宝, 转过去了:
  ``masks_inner``), and a bill reminder names the credit record only as the consequence of
  paying late (rule ``notice_bill_due``).

The texts are ours, written after the public formats cited beside each group; none comes from
``../shared/data`` or from half B of the blind sets.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import Risk, SmsCategory
from fraudnum.sms.signals import Numbers, drop_references, find_numbers

CLF = fraudnum.Classifier()
ENGINE = CLF._sms_engine()
PHRASES = ENGINE.phrases


def _rows(tag: str) -> list[str]:
    return sorted({p.phrase for p in PHRASES if tag in p.tags})


# -- reference numbers ---------------------------------------------------------------------

# 国家邮政局《快递服务》运单号; 电商平台 订单通知; 12345 热线 工单回复; 银行交易提醒 (流水号, 日期);
# 医院 预约挂号短信 (预约号/就诊卡号).
REFERENCE_NOTICES = [
    "【京东】您的订单号 283746519283 已退款 129.00 元，款项将原路退回，预计1-3个工作日到账。",
    "【12345热线】您反映的问题已受理，工单号为 2026120300123，处理结果将短信告知。",
    "【顺丰速运】您的快件运单号SF1234567890123已到达丰巢柜，取件码 58213，请凭码取件。",
    "【中国银行】您于2026-12-01 10:23 转账5000.00元，如非本人操作请致电95566。",
    "【人民医院】您预约的12月08日门诊已成功，就诊卡号 0012345678，请携带身份证按时就诊。",
    "【国家电网】您的户号 3401234567 本月电费 236.50 元，请通过网上国网App缴纳。",
]


@pytest.mark.parametrize("text", REFERENCE_NOTICES)
def test_a_reference_number_is_not_a_contact(text: str) -> None:
    v = CLF.classify_sms(text)
    assert v.category is not SmsCategory.FRAUD
    assert "contact" not in v.tags
    assert "sms_contact_number" not in [r.code for r in v.reasons]


def test_drop_references_keeps_numbers_to_call() -> None:
    text = "订单号 283746519283，如有疑问请拨打 13812345678 联系客服"
    numbers = find_numbers(text)
    assert numbers is not None
    assert len(numbers.contact) == 2
    label_end = text.index("订单号") + 3
    drop_references(text, numbers, [label_end])
    assert [text[s:e] for s, e in numbers.contact] == ["13812345678"]
    assert [text[s:e] for s, e in numbers.reference] == ["283746519283"]


def test_a_label_far_from_the_number_does_not_make_it_a_reference() -> None:
    text = "订单号已失效，详情请拨打13812345678"
    numbers = find_numbers(text)
    assert numbers is not None
    drop_references(text, numbers, [text.index("订单号") + 3])
    assert [text[s:e] for s, e in numbers.contact] == ["13812345678"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("交易日期 2026-12-01 已入账", "date"),
        ("本次转账 1200000元 已到账", "amount after"),
        ("转账金额：¥ 3500000 已到账", "amount before"),
    ],
)
def test_dates_and_amounts_are_references(text: str, kind: str) -> None:
    numbers = find_numbers(text)
    assert numbers is not None, kind
    drop_references(text, numbers, [])
    assert numbers.contact == [], kind
    assert len(numbers.reference) == 1, kind


def test_drop_references_on_no_contact_is_a_no_op() -> None:
    numbers = Numbers()
    drop_references("", numbers, [3])
    assert numbers.contact == numbers.reference == []


def test_a_reference_number_in_a_refund_scam_with_a_number_to_call_is_still_fraud() -> None:
    # 公安部 十大高发类型 冒充电商物流客服类: 退款理赔, 让你拨打其提供的"客服电话".
    v = CLF.classify_sms(
        "您的订单号283746519283因质量问题可申请双倍退款理赔，请拨打客服电话13812345678办理。"
    )
    assert v.category is SmsCategory.FRAUD
    assert "contact" in v.tags


# -- reported speech -----------------------------------------------------------------------

# 国家反诈中心/各地公安 预警短信与新闻报道的体例 (转述诈骗分子的手法; 典型案例通报).
REPORTED = [
    "【反诈提醒】不法分子会以“注销校园贷”为由，要求您开启屏幕共享、提供验证码。请记住：凡是要求屏幕共享的都是诈骗。",
    "【人民网】近日，江苏一女子接到自称“公安局民警”的电话，称其涉嫌洗钱案，需将名下资金转入“安全账户”核查。",
    "【平安北京】警情通报：经查，嫌疑人冒充电商客服，以退款为由诱骗事主提供验证码，转走其银行卡内3万元。",
    "法院审理查明，被告人李某伙同他人冒充贷款平台客服，以“解冻资金”为由，先后骗取被害人共计86万元。",
    "【星島日報】騙徒冒充內地公安致電事主，聲稱其涉及刑事案件，要求事主把款項存入指定戶口以證清白。",
    "近日，市民王女士接到电话，对方称她的快递丢失可三倍理赔，"
    "让她添加QQ 2837465901，随后要求她开启屏幕共享。",
    "【市反诈中心】提醒：骗子常冒充公检法，称“您涉嫌洗钱，请将资金转入安全账户配合调查”，公检法不会电话办案。",
]


@pytest.mark.parametrize("text", REPORTED)
def test_a_reported_scam_is_not_the_scam(text: str) -> None:
    v = CLF.classify_sms(text)
    assert v.category is not SmsCategory.FRAUD
    assert not any(r.code.startswith("script_") for r in v.reasons)


def test_a_report_says_first_that_it_is_one() -> None:
    # The first reason says why it was decided; the scam words it quotes are not reasons.
    v = CLF.classify_sms(REPORTED[1])
    assert v.reasons[0].code == "notice_reported"
    assert "reported_speech" in v.tags
    assert not any(r.code.startswith(("script_", "combo_")) for r in v.reasons)


def test_a_conditional_that_names_the_speaker_as_payee_is_a_demand() -> None:
    # 公安部 十大高发类型 刷单返利/传销类: 发展下线, 让人把钱先转给自己.
    v = CLF.classify_sms("近日我们在招代理，如果有人想买，将钱先转给我，刷单返利，我再返佣金给你。")
    assert v.category is SmsCategory.FRAUD
    assert "reported_speech" not in v.tags


def test_a_number_quoted_in_reported_speech_is_not_a_contact() -> None:
    v = CLF.classify_sms(REPORTED[5])
    assert "contact" not in v.tags


def test_reported_speech_needs_a_frame() -> None:
    # The same demand, with a reporting word but no warning or news frame and no official
    # sender: a scam may say 对方 too (公安部 冒充公检法类: 称受害人涉嫌洗钱, 要求转入安全账户).
    v = CLF.classify_sms("对方要求您将名下资金转入安全账户配合调查，否则冻结您的银行卡。")
    assert v.category is SmsCategory.FRAUD


def test_reported_speech_ends_where_the_text_turns_to_the_reader() -> None:
    # A frame and a cue do not hide the demand the text itself makes after 请.
    v = CLF.classify_sms(
        "【警方提示】骗子会冒充公检法，请您立即将资金转入安全账户，账号6222021234567890123。"
    )
    assert v.category is SmsCategory.FRAUD


def test_reported_speech_is_not_read_inside_a_conversation() -> None:
    # The victim's side of a chat retells what the scammer asked: that is evidence, not news.
    chat = (
        "受害人：近日有人自称客服，对方要求我把钱转到安全账户。\n"
        "客服：对，您现在把资金转入安全账户，我们帮您核查。"
    )
    assert CLF.classify_sms(chat).category is SmsCategory.FRAUD


# 国家反诈中心「凡是…都是诈骗」与 12381 预警短信的体例: 假设句 (如果有人…) 和以“…的，是诈骗”收尾.
HYPOTHETICAL = [
    "【市反诈中心】如果有人打电话说您的快递丢了要三倍理赔，让您加QQ、下载会议软件开启屏幕共享，"
    "千万别信，直接挂断。",
    "【派出所】温馨提醒：如接到自称“公检法”的电话，称您涉嫌洗钱需要把钱转到安全账户，一定是诈骗。",
    "【反诈中心】网上购物时，卖家以“卡单”“未激活”为由让您扫码支付保证金的，是诈骗。",
    "【公安提醒】遇到网友推荐“内部投资平台”、承诺稳赚不赔并让您充值的，请立即停止。",
]


@pytest.mark.parametrize("text", HYPOTHETICAL)
def test_a_hypothetical_or_closed_demand_in_a_warning_is_not_the_scam(text: str) -> None:
    v = CLF.classify_sms(text)
    assert v.category is not SmsCategory.FRAUD
    assert not any(r.code.startswith("script_") for r in v.reasons)


@pytest.mark.parametrize("denial", ["这不是诈骗。", "这可不像是诈骗。", "我们不是骗子。"])
def test_a_scammer_saying_it_is_no_fraud_does_not_close_a_report(denial: str) -> None:
    # 公安部 冒充公检法类: 要求转入"安全账户"; a closing cue that is negated or hedged reports
    # nothing, so the demand before it still counts.
    text = "您涉嫌洗钱，需要您把名下资金转入安全账户配合调查，" + denial
    assert CLF.classify_sms(text).category is SmsCategory.FRAUD


FRAMES = ["警方提示", "反诈提醒", "防骗提示", "风险提示"]
CUES = ["骗子会", "诈骗分子常", "不法分子会", "对方要求", "犯罪嫌疑人以"]
# How such warnings retell a script (公安部刑侦局 十大高发类型: 冒充身份 + 编造事由 + 要求操作).
WARNING_SHAPES = [
    "【{frame}】{cue}{demand}。",
    "【{frame}】{cue}冒充客服，称您的账户异常，{cue}{demand}。",
    "{frame}：{cue}以退款为由让您{demand}。",
]
SENDERS = [None, "95588", "95555", "10086", "12345"]


@settings(max_examples=150, deadline=None)
@given(
    shape=st.sampled_from(WARNING_SHAPES),
    frame=st.sampled_from(FRAMES),
    cue=st.sampled_from(CUES),
    demand=st.sampled_from(_rows("demand_any")),
    sender=st.sampled_from(SENDERS),
)
def test_a_reported_demand_inside_a_warning_stays_non_fraud(
    shape: str, frame: str, cue: str, demand: str, sender: str | None
) -> None:
    # On main before the tenth pass (9419ee5), 845 of these 16 680 texts (3 shapes x 4 frames x
    # 5 cues x 278 demand rows) sent without a sender were fraud: the demand read as made to
    # the reader. All of them were checked exhaustively after the change: none is.
    text = shape.format(frame=frame, cue=cue, demand=demand)
    assert CLF.classify_sms(text, sender=sender).category is not SmsCategory.FRAUD


@settings(max_examples=60, deadline=None)
@given(
    frame=st.sampled_from(FRAMES),
    cue=st.sampled_from(CUES),
    sender=st.sampled_from(["12381", "96110"]),
)
def test_a_genuine_warning_that_quotes_a_scam_is_never_blocked(
    frame: str, cue: str, sender: str
) -> None:
    text = f"【{frame}】{cue}让您下载会议软件并开启屏幕共享，再要求您转到安全账户。"
    v = CLF.classify_sms(text, sender=sender)
    assert v.category is SmsCategory.WARNING
    assert v.risk is Risk.TRUSTED


@settings(max_examples=60, deadline=None)
@given(frame=st.sampled_from(FRAMES), cue=st.sampled_from(CUES))
def test_a_scam_demand_after_the_report_stays_fraud(frame: str, cue: str) -> None:
    # 国家反诈中心「凡是…都是诈骗」: 要求转入安全账户、指定账户的都是诈骗.
    text = (
        f"【{frame}】{cue}冒充客服。请您立即将资金转入安全账户，户名张伟，账号6222021234567890123。"
    )
    assert CLF.classify_sms(text).category is SmsCategory.FRAUD


# Scams dressed as warnings (公安部刑侦局 冒充公检法类/冒充客服类 话术): a frame, a reporting cue,
# then a demand the text puts on the reader itself, or a working destination.
DRESSED_SCAMS = [
    "【公安提醒】有人冒充您的身份办理了银行卡，涉嫌洗钱，需要您配合调查将资金转入安全账户。",
    "【风险提示】您的银行卡涉嫌洗钱，对方称需要您把资金转到安全账户核查，否则冻结。",
    "近日骗子称您涉嫌洗钱，您的资金必须立即转入安全账户6222021234567890123核查。",
    "【温馨提醒】王先生，您的快递丢失，可三倍理赔，添加理赔专员QQ 2837465901办理退款。",
    "【警方提示】市民王先生您好，您涉嫌一起洗钱案件，需将资金转入安全账户接受审查，请勿告知他人。",
]


@pytest.mark.parametrize("text", DRESSED_SCAMS)
def test_a_scam_dressed_as_a_warning_stays_fraud(text: str) -> None:
    assert CLF.classify_sms(text).category is SmsCategory.FRAUD


OWN_CUES = ["不法分子会", "对方要求", "犯罪嫌疑人以", "有人冒充", "对方称", "如有人", "市民王先生"]
OBLIGATIONS = ["需要您", "您需要", "需您", "必须", "务必", "请您", "请"]
PRETEXTS = ["涉嫌洗钱", "您的账户异常", "您的快递丢失可理赔", "您的校园贷未注销影响征信"]
SCAM_DEMANDS = [
    "将资金转入安全账户",
    "把钱转到指定账户",
    "下载会议软件开启屏幕共享",
    "提供短信验证码",
    "缴纳解冻保证金",
]


@settings(max_examples=150, deadline=None)
@given(
    frame=st.sampled_from([*FRAMES, "温馨提醒", "公安提醒"]),
    cue=st.sampled_from(OWN_CUES),
    pretext=st.sampled_from(PRETEXTS),
    obligation=st.sampled_from(OBLIGATIONS),
    demand=st.sampled_from(SCAM_DEMANDS),
)
def test_a_reporting_cue_never_hides_the_texts_own_demand(
    frame: str, cue: str, pretext: str, obligation: str, demand: str
) -> None:
    # A scam that puts its demand on the reader itself stays what it was without the cue.
    # (Checked exhaustively, 5264 texts. The cues 骗子会/诈骗分子 are left out: those words
    # weigh -1.5 as news wording since the seventh pass, which already moves some of these
    # texts below the threshold with or without the cue.)
    plain = f"【{frame}】{pretext}，{obligation}{demand}。"
    if CLF.classify_sms(plain).category is not SmsCategory.FRAUD:
        return
    text = f"【{frame}】{cue}{pretext}，{obligation}{demand}。"
    assert CLF.classify_sms(text).category is SmsCategory.FRAUD


# -- negation ------------------------------------------------------------------------------

NEGATIONS = _rows("negates") + _rows("negates_demand")
DEMANDS = sorted(
    {
        p.phrase
        for p in PHRASES
        if "demand_any" in p.tags
        or (p.category == "fraud" and {"money_request", "otp_request"} & set(p.tags))
    }
    - set(NEGATIONS)
)


@settings(max_examples=200, deadline=None)
@given(cue=st.sampled_from(NEGATIONS), demand=st.sampled_from(DEMANDS))
def test_a_negated_demand_alone_never_makes_fraud(cue: str, demand: str) -> None:
    # 国家反诈中心 防骗提示: 「不要转账」「不会要求您提供验证码」 is advice, not a demand.
    assert CLF.classify_sms(cue + demand).category is not SmsCategory.FRAUD


def test_negates_demand_does_not_mark_the_text_as_advice() -> None:
    v = CLF.classify_sms("房东：小王，押金不用再交了，下个月房租照常转我就行。")
    assert v.category is not SmsCategory.FRAUD
    assert "negates" not in v.tags


# -- brands and completed acts --------------------------------------------------------------


def test_a_payment_brand_is_not_a_demand_to_pay() -> None:
    # 支付宝 花呗 账单提醒的体例: 本期应还、还款日、逾期影响信用记录, 在支付宝App还款.
    v = CLF.classify_sms(
        "【支付宝】您的花呗账单已出，本期应还1,286.40元，还款日12月10日，"
        "请登录支付宝App还款，逾期将影响信用记录。"
    )
    assert v.category is not SmsCategory.FRAUD
    assert v.reasons[0].code == "notice_bill_due"
    assert "demand_pay" not in v.tags


def test_paying_through_a_brand_is_still_a_demand() -> None:
    # 公安部 十大高发类型 刷单返利类: 要求通过支付宝付款做任务.
    v = CLF.classify_sms("刷单返利任务，先垫付，请通过支付宝付款给我，完成后返佣金。")
    assert v.category is SmsCategory.FRAUD


def test_a_bill_reminder_with_a_link_gets_no_veto() -> None:
    v = CLF.classify_sms(
        "【京东】您的白条本期账单558.00元将于12月15日到期，逾期将影响征信，"
        "请点击 http://jd-baitiao.top/pay 还款。"
    )
    assert "notice_bill_due" not in [r.code for r in v.reasons]


CHATS = [
    "妈：儿子，下个月生活费我给你转过去了，2000，记得查收。\n我：收到了，谢谢妈。",
    "爸：闺女，学费我已经转到你卡上了，你自己去学校缴费平台交一下。\n我：好的爸，收到了。",
    "老公：我在医院给妈交了住院押金5000，你先别转钱给我了，够用。\n我：好，有事打电话。",
]


@pytest.mark.parametrize("chat", CHATS)
def test_money_a_relative_has_sent_is_not_a_demand(chat: str) -> None:
    assert CLF.classify_sms(chat).category is not SmsCategory.FRAUD


def test_a_relative_asking_for_money_to_a_new_card_is_still_fraud() -> None:
    # 公安部 十大高发类型 冒充领导熟人类: 假冒子女称手机坏了换号, 要求转账.
    v = CLF.classify_sms(
        "妈，我手机坏了，这是同学的号，急需交学费，先转5000到这个卡6222021234567890123"
    )
    assert v.category is SmsCategory.FRAUD

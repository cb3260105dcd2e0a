"""Texts that claim a public body, a utility or a carrier (issue 11, fresh-set pass).

The fraud texts below are written for these tests after the warnings the bodies themselves
publish: 国家税务总局 12366 (个税退税只通过个人所得税App办理，税务部门不会发送退税链接),
国家电网 / 南方电网 95598 (电费只通过网上国网App、95598 和营业厅缴纳), 人社部门 (职业技能
提升补贴只在政务平台申领), 台灣165全民防騙網 (假冒台電 電費逾期 釣魚簡訊). None is taken
from an evaluation set. The honest ones follow the real notices' format: the body's own site
(gov.cn, 95598.cn) or app, and no link at all for most of them.
"""

from __future__ import annotations

import pytest

import fraudnum
from fraudnum import SmsCategory

CLF = fraudnum.Classifier()

PHISHING_HOSTS = {
    "退税": (
        "【税务】您的年度汇算退税838.50元尚未领取，请24小时内访问 https://tuishui-gs.top 核对银行卡"
    ),
    "电费": (
        "【国网供电】尊敬的用户，您户号电费欠缴，今晚将停电，请立即在 http://95598-pay.cn 补缴"
    ),
    "补贴": ("【人力资源社会保障局】您可申领2025年技能补贴2400元，登记入口 http://butie-rs.com"),
    "台電": ("【台電】您的電費帳單逾期，明日起停止供電，請點擊 http://taipower-tw.cc 繳費"),
}


@pytest.mark.parametrize("name", sorted(PHISHING_HOSTS))
def test_a_public_body_behind_a_look_alike_host_is_phishing(name: str) -> None:
    v = CLF.classify_sms(PHISHING_HOSTS[name])
    assert v.category is SmsCategory.FRAUD
    assert v.codes[0] == "combo_lookalike_link"


OFFICIAL = {
    "网上国网": (
        "【国网北京电力】您户号电费余额不足20元，"
        "请及时通过网上国网App或 https://www.95598.cn 缴费，"
        "以免影响用电。"
    ),
    "个税": (
        "【国家税务总局】您的2024年度个人所得税综合所得汇算已办理完毕，"
        "退税将于近日到账，详情请登录个人所得税App或 https://etax.chinatax.gov.cn 查询。"
    ),
    "台電": (
        "【台電】您本期電費1,284元已於5/12自動扣繳成功，明細請至 https://www.taipower.com.tw 查詢。"
    ),
}


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_the_bodys_own_site_is_no_look_alike(name: str) -> None:
    v = CLF.classify_sms(OFFICIAL[name])
    assert v.category is not SmsCategory.FRAUD
    assert "combo_lookalike_link" not in v.codes


# name -> (text, the reason code that must come first); written after the warnings cited in
# data/sms_rules.csv ("Fresh-set pass"), not taken from any evaluation set.
STEPS = {
    "医保局回拨": (
        "【市医保中心】您的医保卡被系统判定违规使用，即日起暂停使用，请致电0755-26613380核实",
        "combo_authority_alert_contact",
    ),
    "运营商按1": (
        "【中国联通】您的手机号实名信息不全，今晚24点将被停机，详情请按1转人工。",
        "combo_ivr_alert",
    ),
    "征信修复": (
        "征信有逾期记录影响贷款？专业团队帮您修复逾期、删除逾期，3天见效，微信 zx-fix88",
        "combo_credit_repair",
    ),
    "导师带单": (
        "独家：某矿币下周上所，资深导师免费带单，翻倍不是梦，速加QQ 3390128877 进群",
        "combo_mentor_invest",
    ),
    "借呗退款": (
        "您好，我是京东售后，您买的电水壶被召回，我们给您退款两百元，"
        "麻烦打开支付宝找到借呗，按我说的操作领取退款",
        "combo_refund_borrow",
    ),
    "误开通转接": (
        "您好，这里是联通客服，您误开通了每月299元的会员服务，明天开始扣费，"
        "如需取消我帮您转接到银联中心",
        "script_handover",
    ),
    "领导新微信": (
        "王经理：小李，这是我的新微信，旧的不用了。\n我：好的王总\n"
        "王经理：等会儿有笔货款要打到对方的对公账户，你准备一下",
        "script_boss_new_account",
    ),
    "税务QQ": (
        "您好，我是税务局的，您有一笔个税退税还没有领，加我们的工作QQ 3312456 登记办理",
        "combo_authority_private_chat",
    ),
    "武警采购": (
        "老板您好，我是某部队后勤的，单位要采购200套床上用品，麻烦报个价，加我微信 bd-hq77 细谈",
        "script_military",
    ),
}


@pytest.mark.parametrize("name", sorted(STEPS))
def test_the_step_a_public_warning_names_is_fraud(name: str) -> None:
    text, code = STEPS[name]
    v = CLF.classify_sms(text)
    assert v.category is SmsCategory.FRAUD
    assert code in v.codes


HONEST = {
    # the carrier's own low-balance notice: its app and 10086, no key to press
    "话费不足": (
        "【中国移动】尊敬的客户，您的话费余额已不足5元，为避免停机影响使用，"
        "请及时通过中国移动App或拨打10086充值。"
    ),
    # the insurer's own counter and hotline
    "医保窗口": (
        "【医保局】您的医保卡因长期未使用已暂停使用，恢复请携带身份证到就近医保经办窗口办理，"
        "咨询电话12393。"
    ),
    # a bank's real credit notice: no contact to buy a repair from
    "征信提醒": (
        "【招商银行】您的信用卡已逾期3天，逾期记录将按规定报送征信系统，请尽快通过招商银行App还款。"
    ),
    # Alipay's own refund and repayment notices: a refund or a loan, never both at once
    "支付宝退款": "【支付宝】您的退款128.00元已原路退回，请在账单中查看。",
    "借呗还款": "【支付宝】您的借呗本月应还款1,020.00元，请于15日前保持余额充足。",
    # a tax office's own warning names QQ as the fake's channel
    "税务提醒": (
        "【国家税务总局】个税汇算请通过个人所得税App办理，税务部门不会通过QQ、微信群办理退税，"
        "谨防诈骗。"
    ),
    # a licensed broker's adviser, no chat id to add
    "投顾直播": (
        "【华泰证券】本周四晚8点，投资顾问直播解读市场，打开涨乐财富通App即可观看。"
        "投资有风险，入市需谨慎。退订回T"
    ),
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_the_bodys_own_notice_is_not_fraud(name: str) -> None:
    assert CLF.classify_sms(HONEST[name]).category is not SmsCategory.FRAUD

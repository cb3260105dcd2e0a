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
    "退税": "【税务】您的年度汇算退税838.50元尚未领取，请24小时内访问 https://tuishui-gs.top 核对银行卡",
    "电费": "【国网供电】尊敬的用户，您户号电费欠缴，今晚将停电，请立即在 http://95598-pay.cn 补缴",
    "补贴": "【人力资源社会保障局】您可申领2025年技能补贴2400元，登记入口 http://butie-rs.com",
    "台電": "【台電】您的電費帳單逾期，明日起停止供電，請點擊 http://taipower-tw.cc 繳費",
}


@pytest.mark.parametrize("name", sorted(PHISHING_HOSTS))
def test_a_public_body_behind_a_look_alike_host_is_phishing(name: str) -> None:
    v = CLF.classify_sms(PHISHING_HOSTS[name])
    assert v.category is SmsCategory.FRAUD
    assert v.codes[0] == "combo_lookalike_link"


OFFICIAL = {
    "网上国网": "【国网北京电力】您户号电费余额不足20元，请及时通过网上国网App或 https://www.95598.cn 缴费，以免影响用电。",
    "个税": "【国家税务总局】您的2024年度个人所得税综合所得汇算已办理完毕，退税将于近日到账，详情请登录个人所得税App或 https://etax.chinatax.gov.cn 查询。",
    "台電": "【台電】您本期電費1,284元已於5/12自動扣繳成功，明細請至 https://www.taipower.com.tw 查詢。",
}


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_the_bodys_own_site_is_no_look_alike(name: str) -> None:
    v = CLF.classify_sms(OFFICIAL[name])
    assert v.category is not SmsCategory.FRAUD
    assert "combo_lookalike_link" not in v.codes

"""Plans of fired rules (fraudnum.sms.plans): the reasons by code are pooled only when read.

The tags shown and the risk cap are worked out at once, the reasons when first read; the
result must be what the engine's single pass over the fired rules always gave (the oracle
below is that pass, written out), for any set of the shipped rules and any category.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum.sms.plans import Cap, Code, PendingCodes
from fraudnum.types import Risk, SmsCategory

ENGINE = fraudnum.Classifier()._sms_engine()
PLANS = ENGINE._rule_plans
FACTS = ENGINE._rule_facts


def _oracle(
    fired: tuple[int, ...], category: SmsCategory, risk: Risk
) -> tuple[int, tuple[Code, ...], Cap | None]:
    """The single pass the engine made before: shown, pooled codes and the cap together."""
    decided = category.value
    spam = category is not SmsCategory.NORMAL and category is not SmsCategory.WARNING
    shown = 0
    pooled: dict[str, tuple[set[str], list[float], list[int]]] = {}
    for i in fired:
        rule_cat, weight, reason, require, adds, extra, priority, _rank = FACTS[i]
        against = weight < 0 and (not spam or priority < ENGINE._rank[decided])
        supports = rule_cat == "none" or (rule_cat == decided and weight > 0) or against
        if supports:
            shown |= adds
        entry = pooled.setdefault(reason, (set(), [], [0]))
        entry[0].update(require)
        entry[2][0] |= extra
        if supports:
            entry[1].append(max(weight, 0.0))
    codes = tuple(
        (code, frozenset(req), bool(acc), sum(acc), ENGINE._templates[code], extra[0])
        for code, (req, acc, extra) in pooled.items()
    )
    return shown, codes, PLANS.cap(category, risk, fired)


FIRED = st.lists(st.integers(0, len(FACTS) - 1), max_size=12, unique=True).map(tuple)


@settings(max_examples=300, deadline=None)
@given(FIRED, st.sampled_from(list(SmsCategory)), st.sampled_from(list(Risk)))
def test_plan_equals_the_single_pass(fired, category, risk):
    """Shown tags, reasons by code (pooled when read) and cap are the single pass's."""
    shown, pending, cap = PLANS.plan(fired, category, risk)
    want_shown, want_codes, want_cap = _oracle(fired, category, risk)
    assert shown == want_shown
    assert cap == want_cap
    assert isinstance(pending, PendingCodes)
    assert pending.get() == want_codes
    assert pending.get() is pending.get()  # pooled once, then kept


def test_pending_codes_pool_only_when_read():
    """A plan's reasons are not pooled until read: a fired rule set nobody reads costs less."""
    calls = []

    class Counting(type(PLANS)):  # type: ignore[misc]
        __slots__ = ()

        def codes(self, fired, category):
            calls.append(fired)
            return super().codes(fired, category)

    plans = Counting(FACTS, ENGINE._rank, ENGINE._templates, ENGINE._decide, ("fraud",))
    fired = tuple(range(min(5, len(FACTS))))
    _shown, pending, _cap = plans.plan(fired, SmsCategory.FRAUD, Risk.HIGH)
    assert calls == []
    first = pending.get()
    assert calls == [fired]
    assert pending.get() == first
    assert calls == [fired]


def test_verdict_reasons_read_after_other_texts_match_a_fresh_classifier():
    """Reasons read late (after other texts shared the plan) equal a fresh classifier's."""
    texts = [
        "【公安局】您涉嫌洗钱，请立即将资金转入安全账户配合调查，不要告诉家人",
        "我是京东金融客服，您的校园贷账户未注销会影响征信，请下载会议软件共享屏幕操作",
        "您好，您的快递已到驿站，请凭取件码取件",
    ]
    clf = fraudnum.Classifier()
    unread = [clf.classify_sms(t) for t in texts]
    for t, v in zip(texts, unread, strict=True):
        fresh = fraudnum.Classifier().classify_sms(t)
        assert v.codes == fresh.codes
        assert v.reasons == fresh.reasons

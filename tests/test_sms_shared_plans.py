"""What the SMS engine shares between verdicts of one signature never leaks between texts.

Decisions, the order of reasons and the rows each rule reason reports are made once per
signature (the rows found in order, the kinds of link and number, the sender) and shared;
the spans and the words quoted are each text's own. A classifier that has seen many texts
must give exactly what a fresh one gives, and two texts of one signature share their codes,
not their spans.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum.strategies import sms_pairs

SHARED = fraudnum.Classifier()


@settings(max_examples=50, deadline=None)
@given(st.lists(sms_pairs(), min_size=1, max_size=2))
def test_a_classifier_that_saw_other_texts_gives_what_a_fresh_one_gives(pairs):
    """Reasons, counter signals and codes equal a fresh classifier's, read in any order."""
    for text, sender in pairs:
        fresh = fraudnum.Classifier().classify_sms(text, sender=sender)
        seen = SHARED.classify_sms(text, sender=sender)
        again = SHARED.classify_sms(text, sender=sender)
        assert again.codes == fresh.codes
        assert seen.to_dict() == fresh.to_dict()
        assert again == fresh


def test_texts_of_one_signature_share_codes_not_spans():
    """The same words at other places and another link host: the same codes, own spans."""
    clf = fraudnum.Classifier()
    a = "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证"
    b = "【工商银行】尊敬的客户，您的账户存在异常，请尽快点击 http://icbc-safe.cc 验证"
    va, vb = clf.classify_sms(a), clf.classify_sms(b)
    assert va.codes == vb.codes
    assert va.reasons != vb.reasons
    for v, text in ((va, a), (vb, b)):
        for r in v.reasons:
            for s, e in r.spans:
                assert 0 <= s < e <= len(text)
        assert v.urls[0].host in text
        assert v.to_dict() == fraudnum.Classifier().classify_sms(text).to_dict()

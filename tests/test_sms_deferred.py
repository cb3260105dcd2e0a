"""SMS verdicts build their reasons when first read: the same verdict either way.

A verdict from the classifier holds what its reasons are built from until ``reasons`` or
``counter_signals`` is read (fraudnum.types.SmsVerdict._deferred). These tests hold it
equal, field by field, to the verdict built eagerly by hand from what was read, whatever
is read first and however it is copied, pickled or shared between threads.
"""

from __future__ import annotations

import copy
import pickle
import threading
from collections.abc import Callable

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import SmsVerdict
from fraudnum.strategies import sms_pairs

CLF = fraudnum.Classifier(block=["13912345678"])
SCRIPT = (
    "您好，我是市公安局民警，您涉嫌洗钱案，请下载APP并开启屏幕共享，"
    "把资金转入安全账户配合调查，不要告诉家人。http://gov-check.top 13800138000"
)


def _eager(v: SmsVerdict) -> SmsVerdict:
    """The same verdict built by hand, every field given."""
    return SmsVerdict(
        v.category,
        v.risk,
        v.reasons,
        v.tags,
        v.sender,
        v.urls,
        v.scores,
        v.counter_signals,
        advisor=v.advisor,
    )


@settings(max_examples=60, deadline=None)
@given(sms_pairs(), st.sampled_from(["reasons", "counter_signals", "pickle", "eq", "repr"]))
def test_a_verdict_is_the_same_whatever_is_read_first(pair, first):
    """Reading either field, pickling, comparing or printing first gives one same verdict."""
    sender, text = pair
    v = CLF.classify_sms(text, sender=sender)
    w = CLF.classify_sms(text, sender=sender)
    if first == "pickle":
        v = pickle.loads(pickle.dumps(v))
    elif first == "eq":
        assert v == w
    elif first == "repr":
        assert repr(v) == repr(w)
    else:
        getattr(v, first)
    built = _eager(w)
    assert v == built
    assert hash(v) == hash(built)
    assert v.to_dict() == built.to_dict()
    if first != "pickle":  # a set unpickled may list its items in another order
        assert repr(v) == repr(built)
    assert v.reasons, "a verdict always has a reason"


def test_pickle_before_reading_keeps_the_reasons_not_the_recipe():
    """A pickle carries the built reasons; nothing of the text beyond them."""
    v = CLF.classify_sms(SCRIPT, sender="13912345678")
    back = pickle.loads(pickle.dumps(v))
    assert back.reasons == v.reasons
    assert back.counter_signals == v.counter_signals
    assert back.codes[0] == v.codes[0]
    assert back.risk is fraudnum.Risk.HIGH  # the user's block list decided the risk
    assert back.codes[-1] == "sms_sender_blocked"


def test_copies_and_evolve_build_the_reasons():
    """copy, deepcopy and attrs.evolve give verdicts equal to the original."""
    makers: list[Callable[[SmsVerdict], SmsVerdict]] = [copy.copy, copy.deepcopy, attrs.evolve]
    for make in makers:
        v = CLF.classify_sms(SCRIPT)
        c = make(v)
        assert c == v
        assert c.reasons == v.reasons


def _read_together(v: SmsVerdict, n: int) -> list[object]:
    out: list[object] = []
    barrier = threading.Barrier(n)

    def read() -> None:
        barrier.wait()
        out.append((v.counter_signals, v.reasons))

    threads = [threading.Thread(target=read) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_threads_reading_at_once_get_equal_reasons():
    """Several threads reading one fresh verdict's reasons all get the same tuple."""
    for _ in range(20):
        out = _read_together(CLF.classify_sms(SCRIPT), 4)
        assert len(out) == 4
        assert all(o == out[0] for o in out)


def test_other_missing_attributes_are_still_attribute_errors():
    """Only the two deferred fields are built; any other name is an AttributeError."""
    v = CLF.classify_sms(SCRIPT)
    assert not hasattr(v, "no_such_field")
    with pytest.raises(AttributeError, match="no_such_field"):
        _ = v.no_such_field  # type: ignore[attr-defined]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        v.risk = fraudnum.Risk.LOW  # type: ignore[misc]


def test_a_hand_built_verdict_is_unchanged():
    """A verdict built by hand has its fields as given; nothing is deferred."""
    r = fraudnum.Reason("sms_no_signal", "未发现可疑内容", "Nothing suspicious found")
    v = SmsVerdict(fraudnum.SmsCategory.NORMAL, fraudnum.Risk.LOW, (r,))
    assert v.reasons == (r,)
    assert v.counter_signals == ()
    assert pickle.loads(pickle.dumps(v)) == v

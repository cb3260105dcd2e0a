"""Single verdicts built in C (``QuickVerdicts``) are the Python path's, field for field."""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import _core
from fraudnum.advice import advice_for
from fraudnum.classifier import _coerce
from fraudnum.numbers.quick import INFO_FIELDS, VERDICT_FIELDS, quick_verdicts
from fraudnum.strategies import numbers as number_strategy
from fraudnum.types import Channel, Direction, NumberInfo, Verdict

compiled = pytest.mark.skipif(_core.canon is None, reason="needs the compiled core")

WRITTEN = st.one_of(
    number_strategy(formatted=True),
    number_strategy(),
    number_strategy(kind="hidden"),
    number_strategy(kind="malformed"),
)
_LISTS: list[fraudnum.Classifier] = []


def _with_lists() -> fraudnum.Classifier:
    if not _LISTS:
        _LISTS.append(
            fraudnum.Classifier(block=["1709", "13912345678", "010"], allow=["4008108888"])
        )
    return _LISTS[0]


def _python_path(
    clf: fraudnum.Classifier, raw: str, channel: str, direction: str, intl: bool
) -> Verdict:
    """The verdict as the Python path builds it (parser, tiers, attrs constructors)."""
    ch = _coerce(Channel, channel, "channel")
    di = _coerce(Direction, direction, "direction")
    parsed = clf._parser.parse(raw)
    outcome = clf._precedence.of_parsed(parsed, ch, di, intl)
    return outcome.verdict(parsed.info, ch, di, advice_for)


@settings(max_examples=200, deadline=None)
@given(
    WRITTEN,
    st.sampled_from(["call", "sms"]),
    st.sampled_from(["incoming", "outgoing"]),
    st.booleans(),
    st.booleans(),
)
def test_quick_verdicts_are_the_python_paths(raw, channel, direction, intl, lists):
    """Every field, the advice, equality, hashing and pickling: the same records."""
    clf = _with_lists() if lists else fraudnum.default_classifier()
    got = clf.classify(raw, channel=channel, direction=direction, expect_international=intl)
    want = _python_path(clf, raw, channel, direction, intl)
    assert type(got) is Verdict
    assert type(got.number) is NumberInfo
    for name in VERDICT_FIELDS:
        assert getattr(got, name) == getattr(want, name), name
    for name in INFO_FIELDS:
        assert getattr(got.number, name) == getattr(want.number, name), name
    assert got == want
    assert hash(got) == hash(want)
    assert repr(got) == repr(want)
    assert got.advice == want.advice
    assert pickle.loads(pickle.dumps(got)) == want
    assert attrs.evolve(got, risk=want.risk) == want


@compiled
def test_the_c_builder_serves_mainland_numbers():
    """With the compiled core a mainland number's verdict comes from C; others do not."""
    quick = fraudnum.default_classifier()._quick
    assert quick is not None
    v = quick.verdict("+86 139 1234 5678", False, False)
    assert v is not None
    assert v.number.digits == "13912345678"
    assert v.number.e164 == "+8613912345678"
    assert v.number.flags == frozenset({"plus"})
    assert quick.verdict("Unknown", False, False) is None
    assert quick.verdict("+1 415 555 0123", False, False) is None
    assert quick.verdict(b"13912345678", False, False) is None


@compiled
def test_the_c_builder_refuses_records_of_another_shape():
    """A record class whose fields are not the expected ones is refused, not written into."""

    @attrs.frozen
    class Other:
        raw: str
        digits: str

    clf = fraudnum.default_classifier()
    assert _core.canon is not None
    args: tuple[Any, ...] = (
        clf._parser.canonicaliser,
        None,
        tuple(r.carrier for r in clf.builtin_rules),
        clf._parser.dial_prefixes,
        (frozenset(),) * 256,
        lambda *a: None,
    )
    tail: tuple[Any, ...] = (Verdict, VERDICT_FIELDS, (Channel.CALL, Channel.SMS))
    tail += ((Direction.INCOMING, Direction.OUTGOING), None)
    with pytest.raises(ValueError, match="fields"):
        _core.canon.QuickVerdicts(*args, Other, INFO_FIELDS, *tail)
    with pytest.raises(ValueError, match="fields"):
        _core.canon.QuickVerdicts(*args, NumberInfo, INFO_FIELDS[::-1], *tail)


def test_no_c_builder_with_crowd_marks():
    """Crowd marks are looked up by digits in Python: such a classifier has no C builder."""

    class Marks:
        def lookup_digits(self, canonical_digits: str) -> None:
            return None

    clf = fraudnum.Classifier(tags=Marks())
    assert quick_verdicts(clf._parser, clf._precedence, advice_for) is None
    assert clf.classify("13912345678").kind is fraudnum.NumberKind.MOBILE

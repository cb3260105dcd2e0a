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

# Calling codes with one region (+81, +852, +961 ...), shared ones (+1, +7, +44),
# codes of no country (+292, +888?) and 86 itself, each after the usual prefixes
# and maybe ending in a warning number (0096110 imitates 96110).
_CODES = ["1", "7", "44", "81", "852", "853", "886", "961", "240", "998", "292", "86", "979"]
_INTL_PREFIXES = ["+", "00", "+ ", "tel:+", "tel:00", "17951 00", "１７９５１００", "＋", " 00"]
INTERNATIONAL = st.builds(
    lambda prefix, cc, sep, rest, tail, ext: f"{prefix}{cc}{sep}{rest}{tail}{ext}",
    st.sampled_from(_INTL_PREFIXES),
    st.sampled_from(_CODES),
    st.sampled_from(["", " ", "-"]),
    st.text("0123456789", min_size=2, max_size=12),
    st.sampled_from(["", "", "96110", "12381", "110"]),
    st.sampled_from(["", "", " x12", "-8001", " ext. 7", ";ext=3"]),
)
# Junk as logs hold it: letters, symbols, digits, maybe an extension, a scheme,
# a + or a warning number at the end (as dear as the number it imitates).
JUNK = st.builds(
    lambda head, tail: head + tail,
    st.text("0123456789abcqxyzEXTpw#!$%*@&^~ \t-.()+;:tel,\x1c\x01", max_size=20),
    st.sampled_from(["", "", "96110", "12381", " x12", "ext. 7", "#", "  "]),
)
WRITTEN = st.one_of(
    JUNK,
    number_strategy(formatted=True),
    number_strategy(),
    number_strategy(kind="hidden"),
    number_strategy(kind="hidden", formatted=True),
    number_strategy(kind="malformed"),
    number_strategy(kind="malformed", formatted=True),
    number_strategy(kind="international"),
    number_strategy(kind="international", formatted=True),
    INTERNATIONAL,
)
_LISTS: list[fraudnum.Classifier] = []


def _with_lists() -> fraudnum.Classifier:
    if not _LISTS:
        _LISTS.append(
            fraudnum.Classifier(
                block=["1709", "13912345678", "010", "0081", "00852512"], allow=["4008108888"]
            )
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


@settings(max_examples=400, deadline=None)
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
    _assert_same(got, want)
    if not lists:  # the module function's enum fast path, too
        ch = _coerce(Channel, channel, "channel")
        di = _coerce(Direction, direction, "direction")
        _assert_same(
            fraudnum.classify(raw, channel=ch, direction=di, expect_international=intl), want
        )


@settings(max_examples=300, deadline=None)
@given(
    INTERNATIONAL,
    st.sampled_from(["call", "sms"]),
    st.sampled_from(["incoming", "outgoing"]),
    st.booleans(),
    st.booleans(),
)
def test_international_verdicts_are_the_python_paths(raw, channel, direction, intl, lists):
    """Calling codes with one region or several, imitated warning numbers, user lists."""
    clf = _with_lists() if lists else fraudnum.default_classifier()
    got = clf.classify(raw, channel=channel, direction=direction, expect_international=intl)
    _assert_same(got, _python_path(clf, raw, channel, direction, intl))


@settings(max_examples=300, deadline=None)
@given(JUNK, st.sampled_from(["call", "sms"]), st.sampled_from(["incoming", "outgoing"]))
def test_junk_verdicts_are_the_python_paths(raw, channel, direction):
    """Malformed text with or without a +, a scheme, an extension or an imitated number."""
    clf = fraudnum.default_classifier()
    got = clf.classify(raw, channel=channel, direction=direction)
    _assert_same(got, _python_path(clf, raw, channel, direction, False))


def _assert_same(got: Verdict, want: Verdict) -> None:
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
    assert quick.verdict(b"13912345678", False, False) is None
    hidden = quick.verdict(" Unknown ", True, False)
    assert hidden is not None
    assert hidden.kind is fraudnum.NumberKind.HIDDEN
    assert hidden.channel is Channel.SMS
    assert hidden.number.digits == ""
    abroad = quick.verdict("+81 90 1234 5678", False, False, True)
    assert abroad is not None
    assert (abroad.number.region, abroad.number.country_code) == ("JP", 81)
    assert abroad.number.e164 == "+819012345678"
    assert abroad.risk is fraudnum.Risk.LOW  # expected, as the Python path says
    shared = quick.verdict("+1 604 555 0123", False, False)  # +1: the region lies further on
    assert shared is not None
    assert (shared.number.region, shared.number.country_code) == ("CA", 1)
    # Left to the Python path: folded markers (the parser flags them "normalised"),
    # malformed input it notes something about, no such calling code.
    assert quick.verdict("ＵＮＫＮＯＷＮ", False, False) is None
    assert quick.verdict("+999 1234 5678", False, False) is None
    assert quick.verdict("139#1234", False, False) is None  # an extension: Python decides
    junk = quick.verdict("689#98847c89a", False, False)
    assert junk is not None
    assert junk.kind is fraudnum.NumberKind.MALFORMED
    assert quick.verdict("tel:12a", False, False) is None
    assert quick.verdict("+12a", False, False) is None


def test_the_module_function_keeps_the_methods_errors():
    """The enum fast path of ``fraudnum.classify`` raises what the method raises."""
    with pytest.raises(TypeError, match="str"):
        fraudnum.classify(b"13912345678", channel=Channel.CALL)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="channel"):
        fraudnum.classify("13912345678", channel="fax")
    with pytest.raises(ValueError, match="direction"):
        fraudnum.classify("13912345678", direction="sideways")
    sms = fraudnum.classify("95588", channel="SMS", direction=Direction.OUTGOING)
    assert sms == fraudnum.classify("95588", channel=Channel.SMS, direction="outgoing")
    assert sms.channel is Channel.SMS


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

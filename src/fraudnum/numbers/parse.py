"""Parsing caller IDs, as people and logs write them, into one canonical form.

The canonical digits are the number as dialled from a mainland phone: mobiles as
11 digits, landlines with their trunk ``0`` and area code, service numbers as
they are, and international numbers as ``00`` + country code + number. The
prefix table is keyed on exactly this form, so a user rule written for
``4008108888`` also catches ``+86 400-810-8888``.

Where the digits alone are ambiguous the numbering table decides: after
``+86``, ``9558812345`` is the Ningxia landline 0955-8812345 (a long 95 line
shows in national form), while ``9558812345`` in national form is a long 95
number. That is why parsing takes a ``lookup`` function over the table.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from typing import Any, NamedTuple

import attrs

from fraudnum import _core
from fraudnum.numbers.kinds import MOBILE_KINDS, SERVICE_KINDS, WEAK_AFTER_CC
from fraudnum.numbers.plan import (
    PrefixRule,
    RuleTable,
    builtin_dial_prefixes,
    builtin_hidden_markers,
    builtin_table,
)
from fraudnum.numbers.regions import country_code_and_region
from fraudnum.types import NumberInfo, NumberKind

__all__ = [
    "MAX_INPUT_LEN",
    "Lookup",
    "NumberParser",
    "ParsedNumber",
    "builtin_parser",
    "parse_number",
]

#: Canonical digits -> the matching numbering-plan row, or None.
Lookup = Callable[[str], "PrefixRule | None"]

#: No caller ID is this long; longer input is malformed without further work,
#: which also bounds the cost of everything below.
MAX_INPUT_LEN = 128

_SEPARATORS = re.compile(
    r"[\s\-\u2010-\u2015\u2212.\u00b7\u30fb()\[\]{}\uff08\uff09\u3010\u3011/\\_'\"]+"
)
_DASH_EXTENSION = re.compile(r"^(.*\d)\s*[-\u2010-\u2015\uff0d]\s*(\d{1,5})\s*$", re.DOTALL)
_ASCII_SEPARATORS = str.maketrans("", "", " -.()\t")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_EXTENSION = re.compile(
    r"(?:ext\.?|extension|x|#|\u8f6c|\u8f49|\u5206\u673a|\u5206\u6a5f|,+|;|p|w)\s*(\d{1,8})\s*#?$",
    re.IGNORECASE,
)


class ParsedNumber(NamedTuple):
    """The outcome of parsing: a canonical number, or why there is none.

    A named tuple rather than an attrs class: one is built per classified
    number, and this is the cheapest immutable record Python has.

    Attributes:
        info: the canonical form (``digits`` empty unless ``status == "ok"``).
        status: ``"ok"``, ``"hidden"`` or ``"malformed"``.
        rule: the built-in table row that matched, when ``status == "ok"``.
        detail: for malformed input, what was wrong (English, for the reason text).
        detail_zh: the same in Chinese.

    """

    info: NumberInfo
    status: str
    rule: PrefixRule | None = None
    detail: str = ""
    detail_zh: str = ""


class _Malformed(Exception):
    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh


@attrs.define
class _State:
    raw: str
    flags: set[str] = attrs.field(factory=set)
    extension: str | None = None
    dial_prefix: str | None = None


def parse_number(
    raw: str,
    lookup: Lookup,
    *,
    hidden_markers: Collection[str] | None = None,
    dial_prefixes: tuple[str, ...] | None = None,
    _fast: bool = True,
) -> ParsedNumber:
    """Parse a caller ID or SMS sender into its canonical form.

    Args:
        raw: the caller ID as shown or logged: ``+86 400-123-4567``,
            ``0086 10 12308``, ``(010) 6561-2308``, ``tel:+8610...;ext=12``,
            full-width digits, a trailing extension, ``Unknown``, ``匿名`` ...
        lookup: canonical digits -> the matching built-in table row, or None.
        hidden_markers: case-folded texts meaning "withheld" (default: built-in).
        dial_prefixes: IP long-distance prefixes, longest first (default: built-in).

    Returns:
        The parsed number; never raises for any ``str``.

    Raises:
        TypeError: ``raw`` is not a ``str``.

    """
    if not isinstance(raw, str):
        raise TypeError(f"a number must be a str, not {type(raw).__name__}")
    markers = builtin_hidden_markers() if hidden_markers is None else hidden_markers
    prefixes = builtin_dial_prefixes() if dial_prefixes is None else dial_prefixes
    state = _State(raw)
    try:
        return _parse(raw, lookup, markers, prefixes, state, _fast)
    except _Malformed as e:
        # "010-65612308-8001": the usual way to write an extension (分机) is
        # one more dash group, which the digits alone cannot tell apart.
        # The length limit first: no regex runs over input no caller ID can be.
        m = _DASH_EXTENSION.match(raw) if len(raw) <= MAX_INPUT_LEN else None
        if m:
            head = parse_number(
                m.group(1), lookup, hidden_markers=markers, dial_prefixes=prefixes, _fast=_fast
            )
            if head.status == "ok" and head.info.extension is None:
                extension = unicodedata.normalize("NFKC", m.group(2))  # full-width digits too
                flags = head.info.flags
                # "normalised" describes the whole input, as the C path flags it:
                # the head alone misses a full-width or invisible character in the tail.
                if "normalised" not in flags and not raw.isascii() and _fold(raw) != raw:
                    flags = flags | {"normalised"}
                info = attrs.evolve(head.info, raw=raw, extension=extension, flags=flags)
                return head._replace(info=info)
        return ParsedNumber(
            _info(state, ""),
            "malformed",
            detail=e.en,
            detail_zh=e.zh,
        )


def _fold(text: str) -> str:
    """Fold a caller ID as NFKC does and drop invisible characters (not yet stripped)."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE)


def _info(state: _State, digits: str, **kw: object) -> NumberInfo:
    return NumberInfo(
        raw=state.raw,
        digits=digits,
        extension=state.extension,
        dial_prefix=state.dial_prefix,
        flags=frozenset(state.flags),
        **kw,  # type: ignore[arg-type]
    )


def _parse(
    raw: str,
    lookup: Lookup,
    markers: Collection[str],
    dial_prefixes: tuple[str, ...],
    state: _State,
    fast: bool,
) -> ParsedNumber:
    if len(raw) > MAX_INPUT_LEN:
        raise _Malformed(f"longer than {MAX_INPUT_LEN} characters", f"超过 {MAX_INPUT_LEN} 个字符")
    stripped = raw.strip()
    if not stripped or stripped.casefold() in markers:
        return ParsedNumber(_info(state, ""), "hidden")
    if fast and raw.isascii():
        # Fast path for what logs mostly hold: digits with spaces, dashes,
        # dots or brackets, maybe a leading +. Same logic, fewer steps.
        s = raw.translate(_ASCII_SEPARATORS)
        if s.isdigit():
            return _digits_only(s, lookup, dial_prefixes, state)
        if s[:1] == "+" and s[1:].isdigit():
            state.flags.add("plus")
            return _after_international_prefix(s[1:], lookup, state)
    s = raw
    if not s.isascii():
        folded = _fold(s)
        if folded != s:
            state.flags.add("normalised")
        s = folded
    s = s.strip()
    if not s or s.casefold() in markers:
        return ParsedNumber(_info(state, ""), "hidden")
    if s[:4].lower() == "tel:":
        state.flags.add("tel_uri")
        s, *params = s[4:].split(";")
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "ext" and value.strip().isdigit():
                state.extension = value.strip()
    m = _EXTENSION.search(s)
    if m and m.start() > 0:
        state.extension = m.group(1)
        s = s[: m.start()]
    s = _SEPARATORS.sub("", s)
    if s.startswith("+"):
        state.flags.add("plus")
        return _after_international_prefix(s[1:], lookup, state)
    if not s.isascii() or not s.isdigit():
        raise _Malformed("contains characters that are not digits", "含有非数字字符")
    return _digits_only(s, lookup, dial_prefixes, state)


def _digits_only(
    s: str, lookup: Lookup, dial_prefixes: tuple[str, ...], state: _State
) -> ParsedNumber:
    if s.startswith("00"):
        state.flags.add("00")
        return _after_international_prefix(s[2:], lookup, state)
    for p in dial_prefixes:
        rest = s[len(p) :]
        if s.startswith(p) and len(rest) >= 10 and rest[0] in "01":
            state.dial_prefix = p
            if rest.startswith("00"):
                state.flags.add("00")
                return _after_international_prefix(rest[2:], lookup, state)
            s = rest
            break
    if len(s) == 13 and s.startswith("861"):
        state.flags.add("country_code_86")
        return _domestic_after_country_code(s[2:], lookup, state)
    return _national(s, lookup, state)


def _after_international_prefix(d: str, lookup: Lookup, state: _State) -> ParsedNumber:
    if not d.isascii() or not d.isdigit():
        raise _Malformed("contains characters that are not digits", "含有非数字字符")
    if d.startswith("86"):
        return _domestic_after_country_code(d[2:], lookup, state)
    return _international(d, lookup, state)


def _international(d: str, lookup: Lookup, state: _State) -> ParsedNumber:
    if not 4 <= len(d) <= 17:
        raise _Malformed(
            "an international number needs 4 to 17 digits after the prefix",
            "国际号码在前缀后应有 4 至 17 位数字",
        )
    found = country_code_and_region(d)
    if found is None:
        raise _Malformed(
            f"no country has the calling code of +{d[:3]}", f"+{d[:3]} 不是有效的国家代码"
        )
    key = "00" + d
    rule = lookup(key)
    if rule is None:
        raise _Malformed("international number of an unexpected length", "国际号码长度异常")
    return _abroad(
        state.raw, d, rule, found, frozenset(state.flags), state.extension, state.dial_prefix
    )


def _abroad(
    raw: str,
    d: str,
    rule: PrefixRule,
    country: tuple[int, str | None],
    flags: frozenset[str],
    extension: str | None = None,
    dial_prefix: str | None = None,
) -> ParsedNumber:
    """The parsed form of an international number ``d`` (digits after + or 00)."""
    return ParsedNumber(
        NumberInfo(
            raw=raw,
            digits="00" + d,
            e164="+" + d,
            region=country[1],
            country_code=country[0],
            extension=extension,
            dial_prefix=dial_prefix,
            flags=flags,
        ),
        "ok",
        rule,
    )


def _domestic_after_country_code(nsn: str, lookup: Lookup, state: _State) -> ParsedNumber:
    if nsn.startswith("0"):
        # "+86 (0)10 ..." - the trunk zero does not belong after +86.
        state.flags.add("redundant_trunk_zero")
        nsn = nsn[1:]
        if nsn.startswith("0"):
            # "+86 00 391 ...": a second zero is still a trunk zero, so the rest is
            # checked as the national number it is (found by tools/fuzz, target parse:
            # "+86 00 391 0065608" passed as 03910065608, which is itself malformed).
            return _national(nsn, lookup, state)
    if not nsn:
        raise _Malformed("nothing after the country code 86", "国家代码 86 之后没有号码")
    rule = lookup(nsn)
    if rule is not None and rule.kind not in WEAK_AFTER_CC:
        return _domestic(nsn, rule, state)
    try:
        return _national("0" + nsn, lookup, state)
    except _Malformed:
        if rule is not None:
            return _domestic(nsn, rule, state)
        raise


def _national(s: str, lookup: Lookup, state: _State) -> ParsedNumber:
    if s.startswith("0"):
        return _with_trunk_zero(s, lookup, state)
    rule = lookup(s)
    if rule is None:
        raise _Malformed(
            f"no numbering-plan entry for a {len(s)}-digit number starting {s[:3]}",
            f"编号计划中没有以 {s[:3]} 开头的 {len(s)} 位号码",
        )
    return _domestic(s, rule, state)


def _with_trunk_zero(s: str, lookup: Lookup, state: _State) -> ParsedNumber:
    if len(s) == 12 and s[1] == "1":
        # A mobile dialled with a leading 0, as landlines in another city show it.
        rule = lookup(s[1:])
        if rule is not None and rule.kind in MOBILE_KINDS:
            state.flags.add("trunk_zero_mobile")
            return _domestic(s[1:], rule, state)
    area = s[:3] if s[1:2] in ("1", "2") else s[:4]
    rest = s[len(area) :]
    if rest[:1] in ("1", "9"):
        rule = lookup(rest)
        if rule is not None and rule.kind in SERVICE_KINDS:
            return _domestic(rest, rule, state, area_code=area)
    rule = lookup(s)
    if rule is None:
        raise _Malformed(
            f"not a landline: {len(s)} digits starting {s[:4]}",
            f"不是有效的固定电话：以 {s[:4]} 开头的 {len(s)} 位号码",
        )
    if rule.kind is NumberKind.FIXED_LINE and rest[:1] in ("0", "1"):
        raise _Malformed(
            "a local landline number never begins with 0 or 1",
            "固定电话的本地号码不会以 0 或 1 开头",
        )
    return _domestic(s, rule, state, area_code=area)


def _domestic(
    key: str, rule: PrefixRule, state: _State, area_code: str | None = None
) -> ParsedNumber:
    if rule.kind is NumberKind.INTERNATIONAL:
        # Only reachable through a national-looking "00..." key; parse it properly.
        raise _Malformed("international number without a country code", "境外号码缺少国家代码")
    return _mainland(
        state.raw,
        key,
        rule,
        area_code,
        frozenset(state.flags),
        state.extension,
        state.dial_prefix,
    )


def _mainland(
    raw: str,
    key: str,
    rule: PrefixRule,
    area_code: str | None,
    flags: frozenset[str],
    extension: str | None = None,
    dial_prefix: str | None = None,
) -> ParsedNumber:
    # e164 follows the shape of the digits, not the kind: the 12308 hotline's
    # landline 010-65612308 is a gov_hotline and still has an e164 form.
    e164 = None
    if key.startswith("0"):
        e164 = "+86" + key[1:]
        if area_code is None:
            area_code = key[:3] if key[1:2] in ("1", "2") else key[:4]
    elif rule.kind in MOBILE_KINDS or rule.kind is NumberKind.IOT:
        e164 = "+86" + key
    return ParsedNumber(
        NumberInfo(
            raw=raw,
            digits=key,
            e164=e164,
            region="CN",
            country_code=86,
            carrier=rule.carrier,
            area_code=area_code,
            extension=extension,
            dial_prefix=dial_prefix,
            flags=flags,
        ),
        "ok",
        rule,
    )


def _class_bits(kind: NumberKind | None, canon: Any) -> int:
    """What the C canonicaliser must know of a rule's kind (its ``CLASS_*`` bits)."""
    bits = 0
    if kind in MOBILE_KINDS:
        bits |= canon.CLASS_MOBILE
    if kind is NumberKind.FIXED_LINE:
        bits |= canon.CLASS_FIXED
    if kind in SERVICE_KINDS:
        bits |= canon.CLASS_SERVICE
    if kind in WEAK_AFTER_CC:
        bits |= canon.CLASS_WEAK
    if kind is NumberKind.INTERNATIONAL:
        bits |= canon.CLASS_INTERNATIONAL
    if kind is NumberKind.IOT:
        bits |= canon.CLASS_IOT
    return bits


# Batch row codes that are not rule matches: the compiled canonicaliser's own
# values (it produces them); without it every row is ROW_PARSE.
ROW_PARSE: int = _core.canon.ROW_PARSE if _core.canon is not None else -1
ROW_INTERNATIONAL: int = _core.canon.ROW_INTERNATIONAL if _core.canon is not None else -2
ROW_MALFORMED: int = _core.canon.ROW_MALFORMED if _core.canon is not None else -3


class NumberParser:
    """Parses caller IDs against one numbering table, the common forms in C.

    The compiled canonicaliser resolves ASCII caller IDs in the usual shapes
    without the GIL; everything else (and everything, without the compiled
    core) goes through :func:`parse_number`. Both give the same answers.

    Args:
        table: the numbering table (the built-in one for :func:`builtin_parser`).
    """

    def __init__(self, table: RuleTable) -> None:
        self._rules = table.rules
        self._lookup: Lookup = table.lookup
        self._markers = builtin_hidden_markers()
        self._dial_prefixes = builtin_dial_prefixes()
        self._flag_sets: dict[int, frozenset[str]] = {}
        self._canon = None
        self._flag_names: tuple[tuple[int, str], ...] = ()
        self._international_flag = 0
        # Hidden markers the C path would read as a number; normally none, so
        # the hot path skips the marker check after a C answer.
        self._c_markers: frozenset[str] = frozenset()
        canon = _core.canon
        if _core.Canonicaliser is not None and canon is not None:
            if canon.MAX_INPUT_LEN > MAX_INPUT_LEN:
                raise RuntimeError("the C canonicaliser reads more than the parser allows")
            classes = bytes(_class_bits(r.kind, canon) for r in self._rules)
            trie: Any = table.trie  # the compiled DigitTrie whenever a Canonicaliser exists
            self._canon = _core.Canonicaliser(trie, classes, self._dial_prefixes)
            self._flag_names = canon.FLAG_NAMES
            self._international_flag = canon.FLAG_INTERNATIONAL
            self._c_markers = frozenset(m for m in self._markers if self._canon.parse(m))

    @property
    def canonicaliser(self) -> Any:
        """The compiled canonicaliser (``fraudnum._canon.Canonicaliser``), or None."""
        return self._canon

    @property
    def hidden_markers(self) -> frozenset[str]:
        """The case-folded texts that mean a withheld number."""
        return frozenset(self._markers)

    @property
    def c_markers(self) -> frozenset[str]:
        """Hidden markers the C canonicaliser would read as a number (normally none)."""
        return self._c_markers

    @property
    def dial_prefixes(self) -> tuple[str, ...]:
        """The IP long-distance prefixes, longest first."""
        return self._dial_prefixes

    @property
    def lookup(self) -> Lookup:
        """Canonical digits -> the matching table row, or None."""
        return self._lookup

    def parse(self, raw: str) -> ParsedNumber:
        """Parse one caller ID; see :func:`parse_number`."""
        if self._canon is not None and isinstance(raw, str):
            found = self._canon.parse(raw)
            if found is not None and not (
                self._c_markers and raw.strip().casefold() in self._c_markers
            ):
                return self._from_canonical(raw, found)
        return self.parse_fallback(raw)

    def parse_fallback(self, raw: str) -> ParsedNumber:
        """Parse with the Python parser alone (the reference the C path must match)."""
        return parse_number(
            raw, self._lookup, hidden_markers=self._markers, dial_prefixes=self._dial_prefixes
        )

    def row_codes(
        self, raws: Sequence[str], user_trie: Any = None, *, parse_all: bool = False
    ) -> list[int]:
        """Which rules each caller ID matched, one int a row, for batch classification.

        Args:
            raws: the caller IDs.
            user_trie: the user's rule trie to look the canonical digits up in.
            parse_all: leave every row to :meth:`parse` (``ROW_PARSE``), as when
                something per row needs the canonical digits (crowd marks).

        Returns:
            Per row ``rule << 32 | (user_rule + 1)`` (``user_rule`` -1 for no match
            in ``user_trie``); ``ROW_PARSE`` where :meth:`parse` must decide;
            ``ROW_INTERNATIONAL`` for an international number; ``ROW_MALFORMED``
            for input the parser will call malformed, unless it is a hidden
            marker (check :meth:`is_hidden_marker`).
        """
        if self._canon is None or parse_all:
            for i, raw in enumerate(raws):
                if not isinstance(raw, str):
                    raise TypeError(f"raws[{i}] must be str, not {type(raw).__name__}")
            return [ROW_PARSE] * len(raws)
        codes = self._canon.classify_rows(raws, user_trie)
        if self._c_markers:
            for i, code in enumerate(codes):
                if code >= 0 and raws[i].strip().casefold() in self._c_markers:
                    codes[i] = ROW_PARSE
        return codes

    def is_hidden_marker(self, raw: str) -> bool:
        """Does ``raw`` say the number was withheld (``Unknown``, ``匿名``, ``-2`` ...)?

        Folded as the parser folds it (NFKC, invisible characters dropped), so
        ``-２`` and ``\u200b-2`` are markers here exactly when :meth:`parse` says hidden.
        """
        if raw.strip().casefold() in self._markers:
            return True
        if raw.isascii() or len(raw) > MAX_INPUT_LEN:
            return False
        return _fold(raw).strip().casefold() in self._markers

    def canonical(self, raw: str) -> tuple[str, int, str, int, str] | None:
        """The C canonicaliser's answer for one caller ID, or None (or no compiled core)."""
        if self._canon is None:
            return None
        return self._canon.parse(raw)

    def _from_canonical(self, raw: str, found: tuple[str, int, str, int, str]) -> ParsedNumber:
        key, index, area, bits, extension = found
        flags = self._flag_sets.get(bits)
        if flags is None:
            flags = frozenset(name for bit, name in self._flag_names if bits & bit)
            self._flag_sets[bits] = flags
        dial = bits >> 8
        dial_prefix = self._dial_prefixes[dial - 1] if dial else None
        if bits & self._international_flag:
            country = country_code_and_region(key[2:])
            if country is None:
                return self.parse_fallback(raw)
            return _abroad(
                raw, key[2:], self._rules[index], country, flags, extension or None, dial_prefix
            )
        return _mainland(
            raw,
            key,
            self._rules[index],
            area or None,
            flags,
            extension=extension or None,
            dial_prefix=dial_prefix,
        )


@functools.cache
def builtin_parser() -> NumberParser:
    """The parser over the built-in numbering plan (built once)."""
    return NumberParser(builtin_table())

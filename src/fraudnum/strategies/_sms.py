"""Hypothesis strategies for SMS texts and SMS verdicts, composed from the phrase tables.

Spam is built from ``data/phrases.csv`` weighed against ``data/sms_policy.csv``; the
evasions follow the fold table (``data/fold.tsv``), so a new phrase or fold row is
generated without code. The public functions are re-exported by :mod:`fraudnum.strategies`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Final

import attrs
from hypothesis import strategies as st

from fraudnum.sms.tables import SCORED_CATEGORIES as _SCORED
from fraudnum.strategies._common import _DIGITS, _check_bool, _classifier, _fill, _invalid
from fraudnum.strategies._numbers import numbers, verdicts
from fraudnum.types import SmsCategory, SmsVerdict

__all__ = ["sms", "sms_pairs", "sms_verdicts"]

_SCRIPTS: Final = ("simplified", "traditional")
# The spam categories are the scored phrase categories of fraudnum.sms.tables.
_SPAM: Final = _SCORED

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


_WARNING_NUMBERS: Final = frozenset({"12381", "96110"})


def _normal_text(template: str) -> st.SearchStrategy[str]:
    return st.builds(
        template.format_map,
        st.fixed_dictionaries(
            {
                # A code that is exactly a warning number (12381, 96110) reads as a
                # claim to be that warning; real codes are that only by rare chance.
                "code": st.text(_DIGITS, min_size=4, max_size=6).filter(
                    lambda c: c not in _WARNING_NUMBERS
                ),
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
    if isinstance(value, str):
        value = value.strip().lower()
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
    if isinstance(script, str):
        script = script.strip().lower()
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
    with_sender = sms_pairs(category=category).map(
        lambda p: _classifier().classify_sms(p[1], sender=p[0])
    )
    without = sms(category=category).map(_classifier().classify_sms)
    return st.one_of(without, with_sender)


def _reasons() -> st.SearchStrategy[object]:
    return st.one_of(verdicts(), sms_verdicts()).flatmap(lambda v: st.sampled_from(v.reasons))


def _url_findings() -> st.SearchStrategy[object]:
    texts = st.tuples(sms(category="fraud"), st.sampled_from(_FRAUD_HOSTS)).map(
        lambda t: t[0] + " http://" + t[1]
    )
    return texts.flatmap(lambda text: st.sampled_from(_classifier().classify_sms(text).urls))

"""Result types and enums: what a verdict says.

The bottom of the house: this module imports nothing of fraudnum, so every
other layer can depend on it. Everything here is immutable (frozen attrs
classes, enums) so verdicts can be shared across threads and cached freely.
"""

from __future__ import annotations

import enum
import types
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import attrs

__all__ = [
    "Advice",
    "Advisor",
    "Channel",
    "Direction",
    "NumberInfo",
    "NumberKind",
    "Organisation",
    "Reason",
    "Risk",
    "SmsCategory",
    "SmsVerdict",
    "Tier",
    "UrlFinding",
    "Verdict",
]


def _frozen_params(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return types.MappingProxyType(dict(value or {}))


@attrs.frozen
class Advice:
    """One step a person should take, with a stable code and text in Chinese and English.

    Attributes:
        code: stable machine-readable identifier (``"hang_up"``,
            ``"verify_via_official_number"``, ``"call_110_first"`` ...).
        zh: the step in Chinese, its template filled.
        en: the step in English, its template filled.
        params: the values filled into the template, by field name: for example
            ``{"official": "+86-10-12308"}`` for ``verify_via_official_number`` or
            ``{"reported": "4008108888"}`` for ``report_to_12321``. Read-only.
        source: where the wording comes from (a seed file, or ``ours``).
    """

    code: str
    zh: str
    en: str
    params: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_params, hash=False)
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"code": self.code, "zh": self.zh, "en": self.en, "params": dict(self.params)}


#: What a classifier attaches to its verdicts to give their advice when read
#: (:func:`fraudnum.advice_for`). A verdict only holds the function, so this
#: module needs nothing of the advice rules.
Advisor = Callable[[Any], tuple[Advice, ...]]

_ADVISOR_FIELD: Any = attrs.field(default=None, eq=False, hash=False, repr=False)


def choice(value: object, allowed: Iterable[str], name: str) -> str:
    """The allowed value ``value`` names, in any case and padding; else a ValueError listing them.

    Every public argument that takes one of a few words (``channel=``, ``lang=``,
    ``on_error=`` ...) goes through this, so all of them behave alike.

    Raises:
        ValueError: ``value`` is not a ``str`` naming one of ``allowed``.
    """
    options = tuple(allowed)
    if isinstance(value, str):
        folded = value.strip().casefold()
        for option in options:
            if option.casefold() == folded:
                return option
    raise ValueError(f"{name} must be one of {', '.join(options)}; got {value!r}")


def _find_member(cls: Any, value: object) -> Any:
    """Each enum's ``_missing_``: its members in any case (``Risk("HIGH")``), named when not."""
    return cls(choice(value, (m.value for m in cls), cls.__name__))


class NumberKind(str, enum.Enum):
    """What kind of number a caller ID or SMS sender is."""

    MOBILE = "mobile"
    MOBILE_VIRTUAL = "mobile_virtual"
    IOT = "iot"
    FIXED_LINE = "fixed_line"
    ENTERPRISE_400 = "enterprise_400"
    TOLL_FREE_800 = "toll_free_800"
    SERVICE_95 = "service_95"
    SERVICE_95_LONG = "service_95_long"
    SERVICE_96 = "service_96"
    ANTI_FRAUD_CALL = "anti_fraud_call"
    ANTI_FRAUD_SMS = "anti_fraud_sms"
    SMS_PORT = "sms_port"
    GOV_HOTLINE = "gov_hotline"
    EMERGENCY = "emergency"
    CARRIER_SERVICE = "carrier_service"
    INTERNATIONAL = "international"
    HIDDEN = "hidden"
    MALFORMED = "malformed"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return _find_member(cls, value)

    def __str__(self) -> str:
        return self.value


_RISK_RANK = {"trusted": 0, "low": 1, "medium": 2, "high": 3}


class Risk(str, enum.Enum):
    """How risky a number or message is; ordered ``TRUSTED < LOW < MEDIUM < HIGH``."""

    TRUSTED = "trusted"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """The position in the order, 0 for TRUSTED up to 3 for HIGH."""
        return _RISK_RANK[self.value]

    # str's own comparisons are alphabetical, so all four are defined by rank.
    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Risk):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Risk):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Risk):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Risk):
            return NotImplemented
        return self.rank >= other.rank

    def __hash__(self) -> int:
        return hash(self.value)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return _find_member(cls, value)

    def __str__(self) -> str:
        return self.value


class Channel(str, enum.Enum):
    """How the number reached the user."""

    CALL = "call"
    SMS = "sms"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return _find_member(cls, value)

    def __str__(self) -> str:
        return self.value


class Direction(str, enum.Enum):
    """Whether the number is calling the user or the user is contacting it."""

    INCOMING = "incoming"
    OUTGOING = "outgoing"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return _find_member(cls, value)

    def __str__(self) -> str:
        return self.value


class Tier(str, enum.Enum):
    """The precedence tier that decided a verdict, strongest first.

    ``NEVER_BLOCK`` (official warnings and emergency numbers) beats ``USER``
    (the user's block/allow lists and rules), which beats ``CROWD`` (marks from
    a :class:`~fraudnum.tags.TagStore` given to the classifier), which beats
    ``BUILTIN`` (the numbering plan in ``data/prefixes.csv``).
    """

    NEVER_BLOCK = "never_block"
    USER = "user"
    CROWD = "crowd"
    BUILTIN = "builtin"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return _find_member(cls, value)

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Reason:
    """One reason behind a verdict: a stable code and human text in Chinese and English.

    Attributes:
        code: stable machine-readable identifier (e.g. ``"inbound_only_number"``).
        zh: explanation in Chinese.
        en: explanation in English.
        spans: ``(start, end)`` offsets into the original input that triggered the
            reason (used by SMS verdicts; empty for numbers).

    """

    code: str
    zh: str
    en: str
    spans: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        d: dict[str, Any] = {"code": self.code, "zh": self.zh, "en": self.en}
        if self.spans:
            d["spans"] = [list(s) for s in self.spans]
        return d


@attrs.frozen
class Organisation:
    """The organisation a number belongs to, as the numbering table names it."""

    zh: str
    en: str


@attrs.frozen
class NumberInfo:
    """The canonical form of a parsed number.

    Attributes:
        raw: the input exactly as given.
        digits: the canonical digits as dialled from a mainland phone: mobile
            ``13912345678``, landline with trunk ``01065612308``, service numbers
            as they are (``95588``, ``4008108888``), international ``00`` + country
            code + number. Empty for hidden and malformed input.
        e164: ``+`` form where one exists (mobiles, landlines, international).
        region: ISO 3166 region (``"CN"``, ``"HK"``, ``"US"`` ...) where known.
        country_code: the calling code (86 for the mainland) where known.
        carrier: carrier code for mobile ranges (``"china_mobile"`` ...), else None.
        area_code: the area code written before a service number (``025-96110``)
            or of a landline, with its trunk 0.
        extension: a trailing extension, when one was given.
        dial_prefix: an IP long-distance prefix that was stripped (``17951``).
        flags: notes on how the input was written (``"fullwidth"``, ``"tel_uri"``,
            ``"plus"``, ``"00"``, ``"trunk_zero_mobile"`` ...).

    """

    raw: str
    digits: str
    e164: str | None = None
    region: str | None = None
    country_code: int | None = None
    carrier: str | None = None
    area_code: str | None = None
    extension: str | None = None
    dial_prefix: str | None = None
    flags: frozenset[str] = frozenset()

    @property
    def national(self) -> str:
        """The number in national form as it was shown, for reports and advice.

        The canonical digits, with the area code a service number was written
        with: ``+86-10-12308`` gives ``01012308``; ``12308`` stays ``12308``.
        """
        if self.area_code and not self.digits.startswith("0"):
            return self.area_code + self.digits
        return self.digits

    def location(self, lang: str = "zh") -> str | None:
        """Describe where the number is registered (province/city or country).

        Loads the ``phonenumbers`` geocoder data on first use, so ``import
        fraudnum`` stays light.

        Args:
            lang: ``"zh"`` or ``"en"``.

        Returns:
            The description, or None when the number has no geographic meaning.

        Raises:
            ValueError: ``lang`` is neither ``"zh"`` nor ``"en"``.

        """
        lang = choice(lang, ("zh", "en"), "lang")
        if self.e164 is None:
            return None
        import phonenumbers
        from phonenumbers import geocoder

        try:
            parsed = phonenumbers.parse(self.e164)
        except phonenumbers.NumberParseException:
            return None
        text: str = geocoder.description_for_number(parsed, lang)
        return text or None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "raw": self.raw,
            "digits": self.digits,
            "e164": self.e164,
            "region": self.region,
            "country_code": self.country_code,
            "carrier": self.carrier,
            "area_code": self.area_code,
            "extension": self.extension,
            "dial_prefix": self.dial_prefix,
            "flags": sorted(self.flags),
        }


@attrs.frozen
class Verdict:
    """What fraudnum concluded about a number, and why.

    Attributes:
        kind: the kind of number.
        risk: how risky it is in the given context.
        reasons: why, in order of importance; never empty.
        number: the canonical form of the input.
        tier: the precedence tier that decided the risk.
        channel: the channel the verdict was made for.
        direction: the direction the verdict was made for.
        urgent: True for official anti-fraud warnings (96110, 12381): act now.
        organisation: who the number belongs to, when the table knows.
        rule_source: the ``source`` of the table row that matched, for audit.
        advisor: gives :attr:`advice` when read; set by the classifier.

    """

    kind: NumberKind
    risk: Risk
    reasons: tuple[Reason, ...]
    number: NumberInfo
    tier: Tier = Tier.BUILTIN
    channel: Channel = Channel.CALL
    direction: Direction = Direction.INCOMING
    urgent: bool = False
    organisation: Organisation | None = None
    rule_source: str | None = None
    advisor: Advisor | None = _ADVISOR_FIELD

    @property
    def advice(self) -> tuple[Advice, ...]:
        """What to do about this verdict: ordered steps with stable codes, zh and en.

        Computed when read, by the advisor the classifier attached (the rules in
        ``data/advice_rules.csv``; see :func:`fraudnum.advice_for`, which also
        takes ``money_lost``). Empty when there is nothing to do, or for a
        verdict built by hand without an advisor.
        """
        return () if self.advisor is None else self.advisor(self)

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order."""
        return tuple(r.code for r in self.reasons)

    @property
    def blockable(self) -> bool:
        """False for numbers that must never be blocked (warnings, emergency)."""
        return self.tier is not Tier.NEVER_BLOCK

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "input": self.number.raw,
            "kind": self.kind.value,
            "risk": self.risk.value,
            "tier": self.tier.value,
            "channel": self.channel.value,
            "direction": self.direction.value,
            "urgent": self.urgent,
            "organisation": (
                None
                if self.organisation is None
                else {"zh": self.organisation.zh, "en": self.organisation.en}
            ),
            "reasons": [r.to_dict() for r in self.reasons],
            "number": self.number.to_dict(),
            "rule_source": self.rule_source,
        }


class SmsCategory(str, enum.Enum):
    """What kind of message an SMS is.

    ``WARNING`` is an official anti-fraud warning (12381, 96110): never blocked.
    ``MARKETING`` is commercial advertising, ``HARASSMENT`` unwanted or abusive
    text (debt collection, obscene or threatening messages), ``ILLEGAL`` an
    illegal service (gambling, fake documents, escort services) and ``FRAUD`` a
    scam.
    """

    NORMAL = "normal"
    WARNING = "warning"
    MARKETING = "marketing"
    HARASSMENT = "harassment"
    ILLEGAL = "illegal"
    FRAUD = "fraud"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return _find_member(cls, value)

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class UrlFinding:
    """A link found in a message, and what makes it suspicious (nothing is fetched).

    Attributes:
        text: the link exactly as written in the message.
        start: offset of the link's first character in the message.
        end: offset just past the link's last character.
        host: the host name (or IP address), lower-cased, full-width folded.
        flags: why the link is suspicious, as stable codes (``"ip_host"``,
            ``"shortener"``, ``"lookalike"``, ``"punycode"``, ``"odd_port"``,
            ``"unusual_tld"``); empty for an unremarkable link.
        official: the host is a known official domain (or under one).
        brand: the bank, government or other brand the host belongs to or imitates.

    """

    text: str
    start: int
    end: int
    host: str
    flags: tuple[str, ...] = ()
    official: bool = False
    brand: str | None = None

    @property
    def suspicious(self) -> bool:
        """True when any flag is set."""
        return bool(self.flags)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "text": self.text,
            "span": [self.start, self.end],
            "host": self.host,
            "flags": list(self.flags),
            "official": self.official,
            "brand": self.brand,
        }


class _Explanation(Protocol):
    """What builds a verdict's deferred reasons (see :meth:`SmsVerdict._deferred`)."""

    def __call__(self) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
        """The reasons and the counter signals."""
        ...

    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order, without building the reasons."""
        ...


@attrs.frozen
class SmsVerdict:
    """What fraudnum concluded about an SMS, and why.

    Attributes:
        category: what kind of message it is.
        risk: how risky it is (``TRUSTED < LOW < MEDIUM < HIGH``).
        reasons: every signal that contributed, each with its spans in the
            original text; never empty.
        tags: finer labels, sorted (e.g. ``("impersonate_bank", "link")``).
        sender: the number verdict of the sender, when one was given.
        urls: the links found in the text, in order.
        scores: the score each category reached (for audit and tuning).
        counter_signals: signals that were found but did not decide the verdict (they
            argued for another category, or against one that did not win), kept apart
            from :attr:`reasons` so they are never presented as its cause.
        advisor: gives :attr:`advice` when read; set by the classifier.

    A verdict from the classifier builds :attr:`reasons` and :attr:`counter_signals` when one
    of them is first read (most callers read only the category, the risk or the tags); they
    are the same either way, and equality, hashing, pickling and ``repr`` read them as any
    other field. Until then the verdict holds what they are built from (the text and the
    phrase spans found in it).

    """

    category: SmsCategory
    risk: Risk
    reasons: tuple[Reason, ...]
    tags: tuple[str, ...] = ()
    sender: Verdict | None = None
    urls: tuple[UrlFinding, ...] = ()
    scores: tuple[tuple[str, float], ...] = ()
    counter_signals: tuple[Reason, ...] = ()
    advisor: Advisor | None = _ADVISOR_FIELD
    # Builds (reasons, counter_signals) on first read; None once built or when given. Last,
    # so a pickle (attrs reads the fields in order) has built them before it reaches this.
    _explain: _Explanation | None = attrs.field(
        default=None, init=False, eq=False, hash=False, repr=False
    )

    @classmethod
    def _deferred(
        cls,
        category: SmsCategory,
        risk: Risk,
        tags: tuple[str, ...],
        sender: Verdict | None,
        urls: tuple[UrlFinding, ...],
        scores: tuple[tuple[str, float], ...],
        advisor: Advisor | None,
        explain: _Explanation,
    ) -> SmsVerdict:
        """A verdict whose reasons and counter signals ``explain()`` builds when first read."""
        self = object.__new__(cls)
        put = object.__setattr__
        put(self, "category", category)
        put(self, "risk", risk)
        put(self, "tags", tags)
        put(self, "sender", sender)
        put(self, "urls", urls)
        put(self, "scores", scores)
        put(self, "advisor", advisor)
        put(self, "_explain", explain)
        return self

    if not TYPE_CHECKING:  # mypy would otherwise accept any attribute name

        def __getattr__(self, name: str) -> Any:
            # Only called when normal lookup fails: the two deferred fields, not built yet.
            if name not in ("reasons", "counter_signals"):
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            explain = object.__getattribute__(self, "_explain")
            if explain is not None:
                reasons, counter = explain()
                # counter first, then reasons, then the builder cleared: a thread that finds
                # the builder gone finds both fields set.
                object.__setattr__(self, "counter_signals", counter)
                object.__setattr__(self, "reasons", reasons)
                object.__setattr__(self, "_explain", None)
            return object.__getattribute__(self, name)

    @property
    def advice(self) -> tuple[Advice, ...]:
        """What to do about this verdict: ordered steps with stable codes, zh and en.

        Computed when read, by the advisor the classifier attached (the rules in
        ``data/advice_rules.csv``; see :func:`fraudnum.advice_for`, which also
        takes ``money_lost``). Empty when there is nothing to do, or for a
        verdict built by hand without an advisor.
        """
        return () if self.advisor is None else self.advisor(self)

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order (known without building the reasons' texts and spans)."""
        explain = self._explain
        if explain is not None:
            return explain.codes()
        return tuple(r.code for r in self.reasons)

    @property
    def blockable(self) -> bool:
        """False for official warnings, which must never be blocked."""
        return self.category is not SmsCategory.WARNING

    @property
    def spam(self) -> bool:
        """True for every category but normal and warning."""
        return self.category not in (SmsCategory.NORMAL, SmsCategory.WARNING)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "category": self.category.value,
            "risk": self.risk.value,
            "tags": list(self.tags),
            "reasons": [r.to_dict() for r in self.reasons],
            "urls": [u.to_dict() for u in self.urls],
            "sender": None if self.sender is None else self.sender.to_dict(),
            "scores": {name: round(score, 3) for name, score in self.scores},
            "counter_signals": [r.to_dict() for r in self.counter_signals],
        }

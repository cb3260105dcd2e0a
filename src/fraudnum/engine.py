"""The number rule engine: tables -> tries -> verdicts, with precedence tiers.

Precedence, strongest first (a verdict names the tier that decided it):

1. ``never_block`` - built-in rows marked ``never_block`` (96110, 12381,
   emergency numbers) are TRUSTED whatever the user's lists and rules say.
2. ``user`` - the user's block/allow lists and rules file; the longest matching
   prefix wins among them.
3. ``builtin`` - the numbering plan in ``data/prefixes.csv``.

A :class:`Classifier` is immutable: building one validates everything first, so
a bad rules file raises and leaves any classifier built before untouched. It is
safe to share between threads.
"""

from __future__ import annotations

import functools
import os
import re
import string
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from fraudnum._core import DigitTrie
from fraudnum._regions import country_code_and_region
from fraudnum.advice import advice_for
from fraudnum.batch import VerdictBatch
from fraudnum.numbers import (
    ROW_INTERNATIONAL,
    ROW_MALFORMED,
    NumberParser,
    ParsedNumber,
    list_entry_key,
)
from fraudnum.phrases import Phrase, load_phrases
from fraudnum.tables import (
    MAX_NUMBER_LEN,
    PrefixRule,
    ReasonText,
    builtin_carriers,
    builtin_reasons,
    builtin_rules,
    load_rules,
)
from fraudnum.types import (
    Channel,
    Direction,
    NumberInfo,
    NumberKind,
    Organisation,
    Reason,
    Risk,
    SmsVerdict,
    Tier,
    Verdict,
)

if TYPE_CHECKING:
    from fraudnum.sms import SmsEngine

__all__ = ["Classifier", "RuleTable", "default_lookup"]


class _Blank(string.Formatter):
    """Formats reason templates, leaving unknown fields empty rather than failing."""

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        return kwargs.get(str(key), "")


_FORMAT = _Blank()


class RuleTable:
    """Prefix rules compiled into a :class:`DigitTrie` (rule index as the value)."""

    __slots__ = ("_lookup", "rules", "trie")

    def __init__(self, rules: Iterable[PrefixRule]) -> None:
        self.rules: tuple[PrefixRule, ...] = tuple(rules)
        self.trie = DigitTrie((r.prefix, r.min_len, r.max_len, i) for i, r in enumerate(self.rules))

    def lookup(self, digits: str) -> PrefixRule | None:
        """The row for the longest prefix of ``digits`` admitting its length."""
        i = self.trie.lookup(digits)
        return None if i < 0 else self.rules[i]

    def lookup_many(self, keys: list[str]) -> list[PrefixRule | None]:
        """Look up many canonical keys at once (the trie walk runs without the GIL)."""
        rules = self.rules
        return [None if i < 0 else rules[i] for i in self.trie.lookup_batch(keys)]


@functools.cache
def _builtin_table() -> RuleTable:
    return RuleTable(builtin_rules())


@functools.cache
def _builtin_parser() -> NumberParser:
    table = _builtin_table()
    return NumberParser(table.rules, table.trie, table.lookup)


def default_lookup() -> Any:
    """The built-in table's lookup function, as :func:`parse_number` takes it."""
    return _builtin_table().lookup


def _coerce(enum_cls: Any, value: object, name: str) -> Any:
    if value.__class__ is enum_cls:
        return value
    if isinstance(value, str):
        try:
            return enum_cls(value.lower())
        except ValueError:
            pass
    allowed = ", ".join(repr(m.value) for m in enum_cls)
    raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


_NON_DIGITS = re.compile(r"\D+")
# Distinct outcomes are few (rules x user rules x contexts); the bound only
# matters for huge user lists.
_OUTCOME_CACHE_SIZE = 65536


class _Outcome(NamedTuple):
    """Everything in a verdict except the number: shared between verdicts."""

    kind: NumberKind
    risk: Risk
    reasons: tuple[Reason, ...]
    tier: Tier
    urgent: bool
    organisation: Organisation | None
    rule_source: str | None

    def verdict(self, info: NumberInfo, channel: Channel, direction: Direction) -> Verdict:
        """The verdict on ``info`` with this outcome."""
        return Verdict(
            self.kind,
            self.risk,
            self.reasons,
            info,
            tier=self.tier,
            channel=channel,
            direction=direction,
            urgent=self.urgent,
            organisation=self.organisation,
            rule_source=self.rule_source,
            advisor=advice_for,
        )


class Classifier:
    """Classifies numbers (and, through :mod:`fraudnum.sms`, messages) with the user's rules.

    Args:
        block: numbers or digit prefixes the user wants blocked (risk HIGH).
            A bare run of digits is a prefix of the canonical form
            (``"1709"``); anything else is parsed as a full number.
        allow: numbers or prefixes the user trusts (risk TRUSTED).
        rules: a path to a rules file in the ``prefixes.csv`` format, or the
            already-loaded rows (see :func:`fraudnum.tables.parse_rules`).
        phrases: a path to the user's SMS phrase table in the ``phrases.csv``
            format (see :mod:`fraudnum.phrases`). It is read and validated here,
            so a bad file raises before the classifier exists; the SMS machinery
            itself is built on the first :meth:`classify_sms`.

    Raises:
        fraudnum.tables.TableError: the rules file is invalid (the message has the line number).
        ValueError: a list entry is invalid, or the same entry is both blocked
            and allowed, or two user rules overlap.
        TypeError: an argument has the wrong type.

    Example:
        >>> clf = Classifier(block=["1709"], allow=["4008108888"])
        >>> clf.classify("17091234567").risk
        <Risk.HIGH: 'high'>

    """

    def __init__(
        self,
        *,
        block: Iterable[str] = (),
        allow: Iterable[str] = (),
        rules: str | os.PathLike[str] | Iterable[PrefixRule] | None = None,
        phrases: str | os.PathLike[str] | None = None,
    ) -> None:
        if isinstance(block, str) or isinstance(allow, str):
            raise TypeError("block and allow take a list of numbers, not a single string")
        self._builtin = _builtin_table()
        self._parser = _builtin_parser()
        self._reasons: Mapping[str, ReasonText] = builtin_reasons()
        user_rules: list[PrefixRule] = []
        if rules is not None:
            if isinstance(rules, (str, os.PathLike)):
                user_rules.extend(load_rules(rules))
            else:
                user_rules.extend(rules)
        seen: dict[str, str] = {}
        for name, entries, risk, reason in (
            ("block", block, Risk.HIGH, "user_blocked"),
            ("allow", allow, Risk.TRUSTED, "user_allowed"),
        ):
            for i, entry in enumerate(entries):
                try:
                    key = list_entry_key(entry, self._builtin.lookup)
                except ValueError as e:
                    raise ValueError(f"{name}[{i}]: {e}") from None
                if key in seen:
                    if seen[key] != name:
                        raise ValueError(f"{entry!r} is in both the block and the allow list")
                    continue
                seen[key] = name
                user_rules.append(
                    PrefixRule(
                        prefix=key,
                        min_len=len(key),
                        max_len=MAX_NUMBER_LEN,
                        kind=None,
                        risk_call=risk,
                        risk_sms=risk,
                        risk_out=risk,
                        calls_out=True,
                        never_block=False,
                        urgent=False,
                        reason=reason,
                        organisation=None,
                        carrier=None,
                        source=f"{name} list",
                        origin=f"{name} list",
                        line=i + 1,
                    )
                )
        try:
            user = RuleTable(user_rules) if user_rules else None
        except ValueError as e:
            raise ValueError(f"user rules overlap: {e}") from None
        # SMS: the user's phrases are validated now; the automaton is built on first use.
        self._setup(user, () if phrases is None else load_phrases(phrases))

    def _setup(self, user: RuleTable | None, user_phrases: tuple[Phrase, ...]) -> None:
        self._user = user
        self._user_phrases = user_phrases
        self._outcomes: dict[tuple[object, ...], _Outcome] = {}
        self._batch_outcomes: dict[tuple[Channel, Direction], dict[int, _Outcome]] = {}
        self._sms: SmsEngine | None = None
        self._sms_lock = threading.Lock()
        self._urgent_numbers = tuple(
            r.prefix for r in self._builtin.rules if r.urgent and r.min_len == len(r.prefix)
        )

    # Pickling (for multiprocessing pools): the user's rules and phrases travel;
    # the built-in tables, caches and the lock are rebuilt on the other side.
    def __getstate__(self) -> dict[str, object]:
        return {"user_rules": self.user_rules, "user_phrases": self._user_phrases}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._builtin = _builtin_table()
        self._parser = _builtin_parser()
        self._reasons = builtin_reasons()
        rules = state["user_rules"]
        self._setup(RuleTable(rules) if rules else None, tuple(state["user_phrases"]))

    def classify_sms(self, text: str, *, sender: str | None = None) -> SmsVerdict:
        """Classify an SMS: fraud, illegal service, harassment, marketing, warning or normal.

        The first call builds the keyword automaton (once, thread-safely); number-only
        users never pay for it.

        Args:
            text: the message text. Any string gives a verdict (the empty one is normal).
            sender: the sender's number as displayed, if known; its number verdict is
                combined with the text (a 1069 port with a link, a mobile sending a bank
                notice, the official 12381 warning).

        Returns:
            The verdict, with every contributing signal as a reason with spans into ``text``.

        Raises:
            TypeError: ``text`` is not a ``str``, or ``sender`` is neither a ``str`` nor None.

        Example:
            >>> text = "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证"
            >>> v = Classifier().classify_sms(text)
            >>> v.category, v.risk
            (<SmsCategory.FRAUD: 'fraud'>, <Risk.HIGH: 'high'>)
        """
        engine = self._sms
        if engine is None:
            engine = self._sms_engine()
        return engine.classify(text, sender)

    def _sms_engine(self) -> SmsEngine:
        with self._sms_lock:
            if self._sms is None:
                from fraudnum.sms import build_engine

                self._sms = build_engine(
                    self._sms_sender, self._reasons, self._user_phrases, advisor=advice_for
                )
            return self._sms

    def _sms_sender(self, sender: str) -> Verdict:
        return self.classify(sender, channel=Channel.SMS)

    @property
    def user_rules(self) -> tuple[PrefixRule, ...]:
        """The user's rules, list entries included, in the order given."""
        return () if self._user is None else self._user.rules

    def classify(
        self,
        number: str,
        *,
        channel: Channel | str = Channel.CALL,
        direction: Direction | str = Direction.INCOMING,
        expect_international: bool = False,
    ) -> Verdict:
        """Classify a caller ID or SMS sender.

        Args:
            number: the number as written (``"+86 400-810-8888"``, ``"95588"``,
                ``"Unknown"`` ...). Any string gives a verdict.
            channel: ``"call"`` (default) or ``"sms"``.
            direction: ``"incoming"`` (default: the number contacts the user)
                or ``"outgoing"`` (the user dials or texts it).
            expect_international: the user has overseas business or family, so
                an international caller is not suspicious in itself.

        Returns:
            The verdict, with reasons in Chinese and English.

        Raises:
            TypeError: ``number`` is not a ``str``.
            ValueError: ``channel`` or ``direction`` is not a known value.

        """
        ch: Channel = _coerce(Channel, channel, "channel")
        di: Direction = _coerce(Direction, direction, "direction")
        return self._verdict(self._parser.parse(number), ch, di, bool(expect_international))

    def classify_many(
        self,
        numbers: Iterable[str],
        *,
        channel: Channel | str = Channel.CALL,
        direction: Direction | str = Direction.INCOMING,
        expect_international: bool = False,
    ) -> list[Verdict]:
        """Classify many numbers with the same context; see :meth:`classify`."""
        return list(
            self.classify_batch(
                numbers,
                channel=channel,
                direction=direction,
                expect_international=expect_international,
            )
        )

    def classify_batch(
        self,
        numbers: Iterable[str],
        *,
        channel: Channel | str = Channel.CALL,
        direction: Direction | str = Direction.INCOMING,
        expect_international: bool = False,
    ) -> VerdictBatch:
        """Classify a batch of numbers into columns of kinds and risks.

        For carrier-scale jobs: the common caller-ID forms are resolved in C
        without the GIL, and full explained verdicts are built only for the
        rows you index. Results are those of :meth:`classify`.

        Args:
            numbers: the caller IDs (strings).
            channel: as for :meth:`classify`.
            direction: as for :meth:`classify`.
            expect_international: as for :meth:`classify`.

        Returns:
            A :class:`~fraudnum.batch.VerdictBatch`.

        Raises:
            TypeError: an item is not a ``str``.
            ValueError: ``channel`` or ``direction`` is not a known value.
        """
        ch: Channel = _coerce(Channel, channel, "channel")
        di: Direction = _coerce(Direction, direction, "direction")
        expect = bool(expect_international)
        items = numbers if isinstance(numbers, list) else list(numbers)
        parser = self._parser
        codes = parser.row_codes(items, self._user.trie if self._user is not None else None)
        # Rows whose code names rules already seen get their shared outcome in one
        # C-level pass; the rest (new rule pairs, international numbers, inputs the
        # Python parser decides) are filled in below.
        cache = self._batch_outcomes.setdefault((ch, di), {})
        outcomes: list[_Outcome | None] = list(map(cache.get, codes))
        parsed_rows: dict[int, ParsedNumber] = {}
        deferred: set[int] = set()  # malformed rows: reasons built when the row is read
        for i in [i for i, o in enumerate(outcomes) if o is None]:
            code = codes[i]
            if code >= 0:
                outcomes[i] = cache[code] = self._code_outcome(code, ch, di)
                continue
            if code == ROW_INTERNATIONAL:
                outcome = self._international_outcome(items[i], ch, di, expect)
                if outcome is not None:
                    outcomes[i] = outcome
                    continue
            elif code == ROW_MALFORMED and not parser.is_hidden_marker(items[i]):
                # Digits that are no number: kind and risk now, the parse (for the
                # reason's detail) only if the row is read.
                deferred.add(i)
                outcomes[i] = self._malformed_column(items[i])
                continue
            parsed = parser.parse(items[i])
            parsed_rows[i] = parsed
            if parsed.status == "malformed":
                deferred.add(i)
                outcomes[i] = self._malformed_column(items[i])
            else:
                outcomes[i] = self._outcome_of(parsed, ch, di, expect)
        done = cast("list[_Outcome]", outcomes)

        def build(i: int) -> Verdict:
            parsed = parsed_rows.get(i) or parser.parse(items[i])
            outcome = self._outcome_of(parsed, ch, di, expect) if i in deferred else done[i]
            return outcome.verdict(parsed.info, ch, di)

        return VerdictBatch(
            items,
            [o.kind for o in done],
            [o.risk for o in done],
            [o.tier for o in done],
            build,
        )

    # -- verdict building -------------------------------------------------

    def reason(self, code: str, **params: object) -> Reason:
        """Build a :class:`Reason` from the reason table, filling its template."""
        text = self._reasons[code]
        return Reason(
            code,
            _FORMAT.format(text.zh, **params).strip(),
            _FORMAT.format(text.en, **params).strip(),
        )

    def _rule_reason(self, rule: PrefixRule, region: str | None) -> Reason:
        carrier = builtin_carriers().get(rule.carrier or "")
        org = rule.organisation
        return self.reason(
            rule.reason,
            carrier_zh=carrier.zh if carrier else "运营商未知",
            carrier_en=carrier.en if carrier else "carrier unknown",
            org_zh=org.zh if org else "",
            org_en=org.en if org else "",
            region=(org.en if org else None) or region or "unknown region",
            rule=f"{rule.origin}:{rule.line}",
        )

    def _verdict(
        self, parsed: ParsedNumber, channel: Channel, direction: Direction, expect_intl: bool
    ) -> Verdict:
        return self._outcome_of(parsed, channel, direction, expect_intl).verdict(
            parsed.info, channel, direction
        )

    def _outcome_of(
        self, parsed: ParsedNumber, channel: Channel, direction: Direction, expect_intl: bool
    ) -> _Outcome:
        """Everything in the verdict but the number itself."""
        info = parsed.info
        if parsed.status == "hidden":
            return self._hidden_outcome
        if parsed.status != "ok" or parsed.rule is None:
            return self._malformed_outcome(parsed)
        user_rule = self._user.lookup(info.digits) if self._user is not None else None
        return self._shared_outcome(
            parsed.rule, user_rule, info.digits, info.region, channel, direction, expect_intl
        )

    def _shared_outcome(
        self,
        rule: PrefixRule,
        user_rule: PrefixRule | None,
        digits: str,
        region: str | None,
        channel: Channel,
        direction: Direction,
        expect_intl: bool,
    ) -> _Outcome:
        """The outcome for a matched number, built once per combination and shared.

        Everything but the number itself depends on the rows, the context and,
        for an international number, its region and the warning it may imitate.
        """
        key: tuple[object, ...] = (id(rule), id(user_rule), channel, direction)
        imitated = None
        if rule.kind is NumberKind.INTERNATIONAL:
            incoming = direction is Direction.INCOMING
            imitated = self._imitated_warning(digits) if incoming else None
            expect_intl = expect_intl and incoming
            key += (expect_intl, imitated, region)
        else:
            expect_intl = False
        outcome = self._outcomes.get(key)
        if outcome is None:
            outcome = self._outcome(
                rule, user_rule, region, channel, direction, expect_intl, imitated
            )
            if len(self._outcomes) >= _OUTCOME_CACHE_SIZE:
                self._outcomes.clear()
            self._outcomes[key] = outcome
        return outcome

    def _outcome(
        self,
        rule: PrefixRule,
        user_rule: PrefixRule | None,
        region: str | None,
        channel: Channel,
        direction: Direction,
        expect_intl: bool,
        imitated: str | None,
    ) -> _Outcome:
        assert rule.kind is not None  # built-in rows always have a kind
        main = self._rule_reason(rule, region)
        if rule.never_block:
            reasons = [main]
            if rule.urgent:
                reasons.append(self.reason("urgent_warning"))
            if user_rule is not None:
                reasons.append(self.reason("never_block_overrides_user", rule=_describe(user_rule)))
            return _Outcome(
                rule.kind,
                Risk.TRUSTED,
                tuple(reasons),
                Tier.NEVER_BLOCK,
                rule.urgent,
                rule.organisation,
                rule.source,
            )
        user_risk = _context_risk(user_rule, channel, direction) if user_rule else None
        if user_rule is not None and (user_risk is not None or user_rule.kind is not None):
            decided = user_risk or _context_risk(rule, channel, direction)
            assert decided is not None  # built-in rows give every context a risk
            return _Outcome(
                user_rule.kind or rule.kind,
                decided,
                (self.reason(user_rule.reason, rule=_describe(user_rule)), main),
                Tier.USER,
                False,
                user_rule.organisation or rule.organisation,
                user_rule.source,
            )
        builtin_risk = _context_risk(rule, channel, direction)
        assert builtin_risk is not None  # built-in rows give every context a risk
        risk: Risk = builtin_risk
        reasons = [main]
        if direction is Direction.INCOMING and channel is Channel.CALL and not rule.calls_out:
            risk = max(risk, Risk.HIGH)
            org = rule.organisation
            reasons.append(
                self.reason(
                    "inbound_only_number",
                    who_zh=org.zh if org else "这类号码",
                    who_en=f"The {org.en}" if org else "A number of this kind",
                )
            )
        if imitated:
            risk = Risk.HIGH
            reasons.append(self.reason("imitates_warning_number", imitated=imitated))
        elif expect_intl:
            risk = min(risk, Risk.LOW)
            reasons.append(self.reason("international_expected"))
        return _Outcome(
            rule.kind, risk, tuple(reasons), Tier.BUILTIN, False, rule.organisation, rule.source
        )

    def _code_outcome(self, code: int, channel: Channel, direction: Direction) -> _Outcome:
        """The outcome of a batch row code (built-in rule << 32 | user rule + 1)."""
        rule = self._builtin.rules[code >> 32]
        u = (code & 0xFFFFFFFF) - 1
        user_rule = self._user.rules[u] if self._user is not None and u >= 0 else None
        return self._outcome(rule, user_rule, "CN", channel, direction, False, None)

    def _international_outcome(
        self, raw: str, channel: Channel, direction: Direction, expect_intl: bool
    ) -> _Outcome | None:
        """A batch row's outcome for an international number, without building its NumberInfo.

        None when the Python parser must decide (an unknown calling code).
        """
        found = self._parser.canonical(raw)
        if found is None:
            return None
        country = country_code_and_region(found[0][2:])
        if country is None:
            return None
        rule = self._builtin.rules[found[1]]
        user_rule = self._user.lookup(found[0]) if self._user is not None else None
        return self._shared_outcome(
            rule, user_rule, found[0], country[1], channel, direction, expect_intl
        )

    def _malformed_column(self, raw: str) -> _Outcome:
        """Kind, risk and tier of a malformed row, without formatting its reasons."""
        risk = Risk.HIGH if self._malformed_imitation(raw) else Risk.MEDIUM
        return _Outcome(NumberKind.MALFORMED, risk, (), Tier.BUILTIN, False, None, None)

    def _malformed_imitation(self, raw: str) -> str | None:
        """The warning number a malformed caller ID's digits dress up as, if any."""
        return self._imitated_warning(_NON_DIGITS.sub("", _nfkc(raw)))

    @functools.cached_property
    def _hidden_outcome(self) -> _Outcome:
        reasons = (self.reason("hidden_caller"),)
        return _Outcome(NumberKind.HIDDEN, Risk.MEDIUM, reasons, Tier.BUILTIN, False, None, None)

    def _malformed_outcome(self, parsed: ParsedNumber) -> _Outcome:
        template = self._reasons["malformed_number"]
        reasons = [
            Reason(
                "malformed_number",
                _FORMAT.format(template.zh, detail=parsed.detail_zh),
                _FORMAT.format(template.en, detail=parsed.detail),
            )
        ]
        risk = Risk.MEDIUM
        imitated = self._malformed_imitation(parsed.info.raw)
        if imitated:
            risk = Risk.HIGH
            reasons.append(self.reason("imitates_warning_number", imitated=imitated))
        return _Outcome(NumberKind.MALFORMED, risk, tuple(reasons), Tier.BUILTIN, False, None, None)

    def _imitated_warning(self, digits: str) -> str | None:
        """The warning number (96110, 12381) these digits dress up as, if any."""
        for urgent in self._urgent_numbers:
            if digits.endswith(urgent) and len(digits) > len(urgent):
                return urgent
        return None


def _nfkc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _context_risk(rule: PrefixRule, channel: Channel, direction: Direction) -> Risk | None:
    if direction is Direction.OUTGOING:
        return rule.risk_out
    if channel is Channel.SMS:
        return rule.risk_sms
    return rule.risk_call


def _describe(rule: PrefixRule) -> str:
    return f"{rule.prefix} ({rule.origin}, line {rule.line})"

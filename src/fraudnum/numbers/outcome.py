"""Precedence tiers: from the matched rows to a verdict's kind, risk and reasons.

Strongest first (a verdict names the tier that decided it):

1. ``never_block`` - built-in rows marked ``never_block`` (96110, 12381,
   emergency numbers) are TRUSTED whatever the user's lists and rules say.
2. ``user`` - the user's block/allow lists and rules file; the longest matching
   prefix wins among them.
3. ``crowd`` - crowd marks from a tag store (any object with ``lookup_digits``
   giving a tag with ``category.risk``, ``code`` and ``reason_texts()``, as
   :class:`fraudnum.tags.TagStore` does).
4. ``builtin`` - the numbering plan in ``data/prefixes.csv``.

Everything in a verdict but the number itself is an :class:`Outcome`, which
depends only on the rows that matched and the context; outcomes are built once
and shared between verdicts.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, NamedTuple, Protocol

from fraudnum._cache import remember
from fraudnum.numbers.parse import MAX_INPUT_LEN, ParsedNumber
from fraudnum.numbers.plan import PrefixRule, RuleTable, builtin_carriers
from fraudnum.numbers.regions import region_names
from fraudnum.texts import ReasonText, fill
from fraudnum.types import (
    Advisor,
    Channel,
    Direction,
    NumberInfo,
    NumberKind,
    Organisation,
    Reason,
    Risk,
    Tier,
    Verdict,
)

__all__ = ["CrowdMarks", "Outcome", "Precedence"]


class CrowdMarks(Protocol):
    """What the crowd tier needs of a tag store: canonical digits -> a tag, or None."""

    def lookup_digits(self, canonical_digits: str) -> Any:
        """The tag for these canonical digits (``category.risk``, ``code``, ``reason_texts()``)."""


_NON_DIGITS = re.compile(r"\D+")
# Distinct outcomes are few (rules x user rules x contexts); the bound only
# matters for huge user lists.
_OUTCOME_CACHE_SIZE = 65536


class Outcome(NamedTuple):
    """Everything in a verdict except the number: shared between verdicts."""

    kind: NumberKind
    risk: Risk
    reasons: tuple[Reason, ...]
    tier: Tier
    urgent: bool
    organisation: Organisation | None
    rule_source: str | None

    def verdict(
        self, info: NumberInfo, channel: Channel, direction: Direction, advisor: Advisor | None
    ) -> Verdict:
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
            advisor=advisor,
        )


class Precedence:
    """Decides outcomes from the built-in table and the user's rules, with caches.

    Args:
        builtin: the numbering plan.
        user: the user's rules and list entries, or None.
        reasons: the reason texts by code.
    """

    def __init__(
        self,
        builtin: RuleTable,
        user: RuleTable | None,
        reasons: Mapping[str, ReasonText],
        tags: CrowdMarks | None = None,
    ) -> None:
        self.builtin = builtin
        self.user = user
        self.tags = tags
        self._reasons = reasons
        self._outcomes: dict[tuple[object, ...], Outcome] = {}
        #: Batch decision tables per context, kept by :mod:`fraudnum.numbers.columns`.
        self.column_tables: dict[tuple[Channel, Direction, bool], object] = {}
        #: The warning numbers (96110, 12381) a longer number may imitate, in order.
        self.urgent_numbers: tuple[str, ...] = tuple(
            r.prefix for r in builtin.rules if r.urgent and r.min_len == len(r.prefix)
        )

    def reason(self, code: str, *, channel: Channel | None = None, **params: object) -> Reason:
        """Build a :class:`~fraudnum.Reason` from the reason table, filling its template.

        With ``channel``, the wording of a row ``<code>_<channel>`` where reasons.csv
        has one: a code's plain text may be written for a call ("answer it"), its
        ``_sms`` row words it for a message. The code stays the same.
        """
        text = self._reasons[self._worded(code, channel)]
        return Reason(code, fill(text.zh, **params).strip(), fill(text.en, **params).strip())

    def citing(self, code: str, user_rule: PrefixRule) -> Reason:
        """A reason citing the user's row: ``{rule_zh}``/``{rule_en}`` (``{rule}``: English)."""
        en = describe(user_rule)
        return self.reason(code, rule=en, rule_en=en, rule_zh=describe_zh(user_rule))

    def _worded(self, code: str, channel: Channel | None) -> str:
        if channel is None:
            return code
        own = f"{code}_{channel.value}"
        return own if own in self._reasons else code

    def _rule_reason(self, rule: PrefixRule, region: str | None, channel: Channel) -> Reason:
        carrier = builtin_carriers().get(rule.carrier or "")
        org = rule.organisation
        # A region in the language of the text: the row's own name (香港) or CLDR's.
        names = (org.zh, org.en) if org else region_names().get(region or "")
        if names is None:
            names = (region, region) if region else ("未知地区", "unknown region")
        return self.reason(
            rule.reason,
            channel=channel,
            carrier_zh=carrier.zh if carrier else "运营商未知",
            carrier_en=carrier.en if carrier else "carrier unknown",
            org_zh=org.zh if org else "",
            org_en=org.en if org else "",
            region_zh=names[0],
            region_en=names[1],
            rule=f"{rule.origin}:{rule.line}",
        )

    def of_parsed(
        self,
        parsed: ParsedNumber,
        channel: Channel,
        direction: Direction,
        expect_intl: bool,
        *,
        crowd: bool = True,
    ) -> Outcome:
        """The outcome of a parsed number.

        ``crowd=False`` leaves the crowd tier out (a batch applies it to all its rows
        at once, :func:`fraudnum.numbers.columns.crowd_tier`).
        """
        info = parsed.info
        if parsed.status == "hidden":
            return self.hidden_sms if channel is Channel.SMS else self.hidden
        if parsed.status != "ok" or parsed.rule is None:
            return self.malformed(parsed)
        user_rule = self.user.lookup(info.digits) if self.user is not None else None
        outcome = self.shared(
            parsed.rule, user_rule, info.digits, info.region, channel, direction, expect_intl
        )
        if crowd and self.tags is not None and self.crowd_overrides(outcome.tier):
            tag = self.tags.lookup_digits(info.digits)
            if tag is not None:
                return self._crowd(outcome, tag)
        return outcome

    @staticmethod
    def crowd_overrides(tier: Tier) -> bool:
        """Do crowd marks decide over an outcome of this tier?

        Only over the numbering plan's: the never-block rows (96110, 12381, 110)
        and the user's own rules and lists beat the crowd. The one place that
        says so, for single verdicts and batches alike.
        """
        return tier is Tier.BUILTIN

    @staticmethod
    def crowd_risk(tag: Any) -> Risk:
        """The risk crowd marks give a number: their category's."""
        return Risk(str(tag.category.risk))

    def _crowd(self, builtin: Outcome, tag: Any) -> Outcome:
        """The outcome of a crowd-marked number: the marks decide, the plan explains too."""
        key: tuple[object, ...] = ("crowd", builtin, tag)
        outcome = self._outcomes.get(key)
        if outcome is None:
            zh, en = tag.reason_texts()
            risk = self.crowd_risk(tag)
            outcome = Outcome(
                builtin.kind,
                risk,
                (Reason(tag.code, zh, en), *builtin.reasons),
                Tier.CROWD,
                False,
                builtin.organisation,
                "crowd marks",
            )
            remember(self._outcomes, key, outcome, _OUTCOME_CACHE_SIZE)
        return outcome

    def shared(
        self,
        rule: PrefixRule,
        user_rule: PrefixRule | None,
        digits: str,
        region: str | None,
        channel: Channel,
        direction: Direction,
        expect_intl: bool,
    ) -> Outcome:
        """The outcome for a matched number, built once per combination and shared.

        Everything but the number itself depends on the rows, the context and,
        for an international number, its region and the warning it may imitate.
        """
        key: tuple[object, ...] = (id(rule), id(user_rule), channel, direction)
        imitated = None
        if rule.kind is NumberKind.INTERNATIONAL:
            incoming = direction is Direction.INCOMING
            imitated = self.imitated_warning(digits) if incoming else None
            expect_intl = expect_intl and incoming
            key += (expect_intl, imitated, region)
        else:
            expect_intl = False
        outcome = self._outcomes.get(key)
        if outcome is None:
            outcome = self.decide(
                rule, user_rule, region, channel, direction, expect_intl, imitated
            )
            remember(self._outcomes, key, outcome, _OUTCOME_CACHE_SIZE)
        return outcome

    def decide(
        self,
        rule: PrefixRule,
        user_rule: PrefixRule | None,
        region: str | None,
        channel: Channel,
        direction: Direction,
        expect_intl: bool,
        imitated: str | None,
    ) -> Outcome:
        """Apply the tiers to a built-in row and the user's row for the same number."""
        assert rule.kind is not None  # built-in rows always have a kind
        main = self._rule_reason(rule, region, channel)
        if rule.never_block:
            reasons = [main]
            if rule.urgent:
                reasons.append(self.reason("urgent_warning"))
            if user_rule is not None:
                reasons.append(self.citing("never_block_overrides_user", user_rule))
            return Outcome(
                rule.kind,
                Risk.TRUSTED,
                tuple(reasons),
                Tier.NEVER_BLOCK,
                rule.urgent,
                rule.organisation,
                rule.source,
            )
        user_risk = context_risk(user_rule, channel, direction) if user_rule else None
        if user_rule is not None and (user_risk is not None or user_rule.kind is not None):
            decided = user_risk or context_risk(rule, channel, direction)
            assert decided is not None  # built-in rows give every context a risk
            return Outcome(
                user_rule.kind or rule.kind,
                decided,
                (self.citing(user_rule.reason, user_rule), main),
                Tier.USER,
                False,
                user_rule.organisation or rule.organisation,
                user_rule.source,
            )
        builtin_risk = context_risk(rule, channel, direction)
        assert builtin_risk is not None  # built-in rows give every context a risk
        risk: Risk = builtin_risk
        reasons = [main]
        if rule.imitates is not None and rule.imitates.organisation is not None:
            # 9558812345: a long 95 number dressed up as ICBC's 95588.
            named = rule.imitates.organisation
            reasons.append(
                self.reason(
                    "imitates_named_number",
                    imitated=rule.imitates.prefix,
                    org_zh=named.zh,
                    org_en=named.en,
                )
            )
        if direction is Direction.INCOMING and channel is Channel.CALL and not rule.calls_out:
            risk = max(risk, Risk.HIGH)
            org = rule.organisation
            # A kind may word it its own way: a row inbound_only_<kind> in reasons.csv.
            own = f"inbound_only_{rule.kind.value}"
            reasons.append(
                self.reason(
                    own if own in self._reasons else "inbound_only_number",
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
        return Outcome(
            rule.kind, risk, tuple(reasons), Tier.BUILTIN, False, rule.organisation, rule.source
        )

    def malformed_risk(self, raw: str) -> Risk:
        """The risk of a malformed caller ID, without building its reasons (for batches)."""
        return Risk.HIGH if self._malformed_imitation(raw) else Risk.MEDIUM

    def _malformed_imitation(self, raw: str) -> str | None:
        """The warning number a malformed caller ID's digits dress up as, if any.

        Input longer than any caller ID is not read (it is malformed for its length).
        """
        if len(raw) > MAX_INPUT_LEN:
            return None
        return self.imitated_warning(_NON_DIGITS.sub("", _nfkc(raw)))

    @functools.cached_property
    def hidden(self) -> Outcome:
        """The outcome of a withheld number."""
        reasons = (self.reason("hidden_caller"),)
        return Outcome(NumberKind.HIDDEN, Risk.MEDIUM, reasons, Tier.BUILTIN, False, None, None)

    @functools.cached_property
    def hidden_sms(self) -> Outcome:
        """The outcome of a withheld SMS sender (worded for a message, not a call)."""
        reasons = (self.reason("hidden_caller", channel=Channel.SMS),)
        return Outcome(NumberKind.HIDDEN, Risk.MEDIUM, reasons, Tier.BUILTIN, False, None, None)

    def malformed(self, parsed: ParsedNumber) -> Outcome:
        """The outcome of input that is no number, with what was wrong.

        Shared between inputs with the same detail and imitated number: its
        reason texts are formatted once per combination, not once per call.
        """
        imitated = self._malformed_imitation(parsed.info.raw)
        key: tuple[object, ...] = ("malformed", parsed.detail, parsed.detail_zh, imitated)
        outcome = self._outcomes.get(key)
        if outcome is not None:
            return outcome
        template = self._reasons["malformed_number"]
        reasons = [
            Reason(
                "malformed_number",
                fill(template.zh, detail=parsed.detail_zh),
                fill(template.en, detail=parsed.detail),
            )
        ]
        risk = Risk.MEDIUM
        if imitated:
            risk = Risk.HIGH
            reasons.append(self.reason("imitates_warning_number", imitated=imitated))
        outcome = Outcome(
            NumberKind.MALFORMED, risk, tuple(reasons), Tier.BUILTIN, False, None, None
        )
        remember(self._outcomes, key, outcome, _OUTCOME_CACHE_SIZE)
        return outcome

    def imitated_warning(self, digits: str) -> str | None:
        """The warning number (96110, 12381) these digits dress up as, if any."""
        for urgent in self.urgent_numbers:
            if digits.endswith(urgent) and len(digits) > len(urgent):
                return urgent
        return None


def _nfkc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def context_risk(rule: PrefixRule, channel: Channel, direction: Direction) -> Risk | None:
    """The risk a row gives a number in this context (None: the row says nothing)."""
    if direction is Direction.OUTGOING:
        return rule.risk_out
    if channel is Channel.SMS:
        return rule.risk_sms
    return rule.risk_call


#: The user's lists as the Classifier names them (origin of their rows), in Chinese.
_LISTS_ZH = {"block list": "拦截名单", "allow list": "信任名单"}


def describe(rule: PrefixRule) -> str:
    """How a reason cites a user's row in English: prefix and file line, or list entry."""
    if rule.origin in _LISTS_ZH:
        return f"{rule.prefix} ({rule.origin}, entry {rule.line})"
    return f"{rule.prefix} ({rule.origin}, line {rule.line})"


def describe_zh(rule: PrefixRule) -> str:
    """How a reason cites a user's row in Chinese."""
    if rule.origin in _LISTS_ZH:
        return f"{rule.prefix}（{_LISTS_ZH[rule.origin]}第 {rule.line} 项）"
    return f"{rule.prefix}（{rule.origin} 第 {rule.line} 行）"

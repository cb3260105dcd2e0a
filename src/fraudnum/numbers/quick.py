"""Single verdicts built in C (``fraudnum._canon.QuickVerdicts``).

:meth:`fraudnum.Classifier.classify` spends most of its time building the two result
records, :class:`~fraudnum.NumberInfo` and :class:`~fraudnum.Verdict`. For a
caller ID the compiled canonicaliser resolves to a mainland number, the
outcome (kind, risk, reasons, tier ...) depends only on the rules that matched
and the context, so it is cached per (rule, user rule, context) and the
records are filled in C; the number is the only per-call part. The same holds
for:

- hidden-number markers written in ASCII (one shared outcome per channel);
- international numbers, cached per rule, user rule, context, calling code,
  imitated warning number, expect-international and, for a code several
  regions share (+1, +7, +44), the region the parser's lookup names;
- junk text the parser calls malformed for its non-digit characters with
  nothing else noted (one outcome per imitated warning number).

Everything else (other malformed input, folded markers, crowd marks, the
pure-Python twins) takes the Python path, which gives the same verdicts (a
test holds them equal).
"""

from __future__ import annotations

from typing import Any

from fraudnum import _core
from fraudnum.numbers.outcome import Outcome, Precedence
from fraudnum.numbers.parse import NumberParser
from fraudnum.numbers.regions import calling_code_tables, country_code_and_region
from fraudnum.types import Advisor, Channel, Direction, NumberInfo, Verdict

__all__ = ["INFO_FIELDS", "VERDICT_FIELDS", "quick_verdicts"]

#: The record fields the C builder fills, in its order; it refuses classes with others.
INFO_FIELDS = (
    "raw",
    "digits",
    "e164",
    "region",
    "country_code",
    "carrier",
    "area_code",
    "extension",
    "dial_prefix",
    "flags",
)
#: The Verdict fields the C builder fills, in its order.
VERDICT_FIELDS = (
    "kind",
    "risk",
    "reasons",
    "number",
    "tier",
    "channel",
    "direction",
    "urgent",
    "organisation",
    "rule_source",
    "advisor",
)


def quick_verdicts(
    parser: NumberParser, precedence: Precedence, advisor: Advisor | None
) -> Any | None:
    """The C builder for this classifier, or None where only the Python path applies."""
    canon = parser.canonicaliser
    module = _core.canon
    if canon is None or module is None or precedence.tags is not None or parser.c_markers:
        return None
    rules = precedence.builtin.rules
    user = precedence.user

    def outcome(
        rule: int,
        user_rule: int,
        sms: bool,
        outgoing: bool,
        digits: str = "",
        region: str | None = "CN",
        expect_intl: bool = False,
    ) -> Outcome:
        return precedence.shared(
            rules[rule],
            user.rules[user_rule] if user is not None and user_rule >= 0 else None,
            digits,
            region,
            Channel.SMS if sms else Channel.CALL,
            Direction.OUTGOING if outgoing else Direction.INCOMING,
            expect_intl,
        )

    flag_sets = tuple(
        frozenset(name for bit, name in module.FLAG_NAMES if low & bit) for low in range(256)
    )
    try:
        return module.QuickVerdicts(
            canon,
            user.trie if user is not None else None,
            tuple(r.carrier for r in rules),
            parser.dial_prefixes,
            flag_sets,
            outcome,
            NumberInfo,
            INFO_FIELDS,
            Verdict,
            VERDICT_FIELDS,
            (Channel.CALL, Channel.SMS),
            (Direction.INCOMING, Direction.OUTGOING),
            advisor,
            # Hidden markers the C fold reads (ASCII), as the batch path takes them.
            tuple(m.encode("ascii") for m in sorted(parser.hidden_markers) if m.isascii() and m),
            (precedence.hidden, precedence.hidden_sms),
            tuple(u.encode("ascii") for u in precedence.urgent_numbers),
            calling_code_tables,
            lambda raw: precedence.malformed(parser.parse(raw)),
            country_code_and_region,
        )
    except ValueError:  # the records changed shape: the Python path serves
        return None

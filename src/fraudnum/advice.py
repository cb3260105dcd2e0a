"""What a person should do about a verdict: ordered advice steps, in Chinese and English.

The steps and their wording live in ``data/advice.csv`` (one row per step: a stable
code, zh and en templates, and the seed the wording comes from). Which steps apply
to which verdict lives in ``data/advice_rules.csv``: each row names a conjunction of
facts about the verdict (``kind:enterprise_400``, ``risk>=high``, ``money_lost`` ...)
and the steps it contributes. Every matching row adds its steps in file order; a
step already given is not repeated. So the order of the rows is the order of the
advice, and changing the advice is a data change, not a code change.

Example:
    >>> import fraudnum
    >>> [a.code for a in fraudnum.classify("+86-10-12308").advice][:3]
    ['hang_up', 'verify_via_official_number', 'do_not_call_back']
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from fraudnum._tables import TableError, data_text, read_table
from fraudnum.types import (
    Advice,
    Channel,
    Direction,
    NumberKind,
    Risk,
    SmsVerdict,
    Tier,
    Verdict,
)

__all__ = [
    "Advice",
    "AdviceRule",
    "AdviceStep",
    "advice_for",
    "builtin_advice_rules",
    "builtin_advice_steps",
    "parse_advice_rules",
    "verdict_facts",
]


def _frozen_params(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(value or {}))


@attrs.frozen
class AdviceStep:
    """One row of ``data/advice.csv``: a step's code, templates and source."""

    code: str
    zh: str
    en: str
    source: str

    @property
    def fields(self) -> frozenset[str]:
        """The ``{field}`` names its templates use."""
        return _fields(self.zh) | _fields(self.en)


@attrs.frozen
class AdviceRule:
    """One row of ``data/advice_rules.csv``: when it applies, and the steps it adds.

    Attributes:
        when: the facts that must all hold (``"risk>=high"``, ``"kind:sms_port"`` ...),
            each possibly negated with a leading ``!``.
        steps: the step codes it contributes, in order.
        params: template values for those steps.
        source: where the rule comes from.
        line: the line in the file, for error messages.
    """

    when: tuple[str, ...]
    steps: tuple[str, ...]
    params: Mapping[str, str] = attrs.field(converter=_frozen_params, hash=False)
    source: str = ""
    line: int = 0

    def matches(self, facts: frozenset[str], risk: Risk | None) -> bool:
        """Whether every condition of ``when`` holds for these facts and risk."""
        return all(_holds(cond, facts, risk) for cond in self.when)


_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Fields the verdict itself supplies; everything else must come from the rule's params.
_VERDICT_FIELDS = frozenset({"reported", "org_zh", "org_en"})
_FLAGS = frozenset({"urgent", "money_lost", "has_url", "has_number"})
_CMP = re.compile(r"^risk(>=|<=)([a-z]+)$")
_RISKS = frozenset(r.value for r in Risk)
_KEYED: dict[str, frozenset[str] | None] = {
    "kind": frozenset(k.value for k in NumberKind),
    "risk": _RISKS,
    "channel": frozenset(c.value for c in Channel),
    "direction": frozenset(d.value for d in Direction),
    "tier": frozenset(t.value for t in Tier),
    "reason": None,
    "number": None,
    "category": None,
    "tag": None,
}


def _fields(template: str) -> frozenset[str]:
    return frozenset(_FIELD.findall(template))


def _holds(cond: str, facts: frozenset[str], risk: Risk | None) -> bool:
    if cond.startswith("!"):
        return not _holds(cond[1:], facts, risk)
    m = _CMP.match(cond)
    if m:
        if risk is None:
            return False
        bound = Risk(m.group(2))
        return risk >= bound if m.group(1) == ">=" else risk <= bound
    return cond in facts


def _check_condition(cond: str, origin: str, line: int) -> None:
    bare = cond[1:] if cond.startswith("!") else cond
    m = _CMP.match(bare)
    if m:
        if m.group(2) not in _RISKS:
            raise TableError(origin, line, f"{cond!r}: unknown risk {m.group(2)!r}")
        return
    if bare in _FLAGS:
        return
    key, sep, value = bare.partition(":")
    if not sep or key not in _KEYED or not value:
        raise TableError(
            origin,
            line,
            f"{cond!r} is not a condition; use key:value with key in"
            f" {', '.join(sorted(_KEYED))}, risk>=R, risk<=R, or one of"
            f" {', '.join(sorted(_FLAGS))}",
        )
    allowed = _KEYED[key]
    if allowed is not None and value not in allowed:
        raise TableError(
            origin, line, f"{cond!r}: {key} must be one of {', '.join(sorted(allowed))}"
        )


def _parse_steps(text: str, origin: str) -> Mapping[str, AdviceStep]:
    out: dict[str, AdviceStep] = {}
    for line, row in read_table(text, origin, ("code", "zh", "en", "source")):
        code = row["code"]
        if code in out:
            raise TableError(origin, line, f"duplicate code {code!r}")
        if not (code and row["zh"] and row["en"] and row["source"]):
            raise TableError(origin, line, "code, zh, en and source are all required")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
            raise TableError(origin, line, f"code {code!r} must be lower_snake_case")
        step = AdviceStep(code, row["zh"], row["en"], row["source"])
        if _fields(step.zh) != _fields(step.en):
            raise TableError(origin, line, "zh and en must use the same {fields}")
        out[code] = step
    return MappingProxyType(out)


def parse_advice_rules(
    text: str,
    *,
    origin: str = "<advice rules>",
    steps: Mapping[str, AdviceStep] | None = None,
) -> tuple[AdviceRule, ...]:
    """Parse and validate a table in the ``advice_rules.csv`` format.

    Args:
        text: the CSV text, header first (lines starting ``#`` are comments).
        origin: the file name used in error messages.
        steps: the step codes rows may name (default: the built-in ones).

    Returns:
        The rules, in file order.

    Raises:
        TableError: with the line number, for an unknown step or condition, a
            malformed ``params`` cell, or a step template field nobody fills.
    """
    steps = builtin_advice_steps() if steps is None else steps
    rules: list[AdviceRule] = []
    for line, row in read_table(text, origin, ("when", "steps", "params", "source")):
        when = tuple(row["when"].split())
        codes = tuple(row["steps"].split())
        if not when or not codes:
            raise TableError(origin, line, "when and steps must not be empty")
        if not row["source"]:
            raise TableError(origin, line, "every rule needs a source")
        for cond in when:
            _check_condition(cond, origin, line)
        params: dict[str, str] = {}
        for item in filter(None, (p.strip() for p in row["params"].split(";"))):
            key, sep, value = item.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise TableError(origin, line, f"params item {item!r} is not key=value")
            params[key.strip()] = value.strip()
        for code in codes:
            step = steps.get(code)
            if step is None:
                raise TableError(origin, line, f"unknown step {code!r}")
            unfilled = step.fields - _VERDICT_FIELDS - params.keys()
            if unfilled:
                raise TableError(
                    origin, line, f"step {code!r} needs params: {', '.join(sorted(unfilled))}"
                )
            if "reported" in step.fields and "has_number" not in when:
                raise TableError(
                    origin,
                    line,
                    f"step {code!r} names the reported number; add has_number to when",
                )
        rules.append(AdviceRule(when, codes, params, row["source"], line))
    return tuple(rules)


@functools.cache
def builtin_advice_steps() -> Mapping[str, AdviceStep]:
    """The advice steps shipped in ``data/advice.csv``, by code."""
    return _parse_steps(data_text("advice.csv"), "advice.csv")


@functools.cache
def builtin_advice_rules() -> tuple[AdviceRule, ...]:
    """The rules shipped in ``data/advice_rules.csv``, in order."""
    return parse_advice_rules(data_text("advice_rules.csv"), origin="advice_rules.csv")


def _number_facts(v: Verdict) -> Iterable[str]:
    yield f"kind:{v.kind.value}"
    yield f"tier:{v.tier.value}"
    yield f"direction:{v.direction.value}"
    if v.number.digits:
        yield f"number:{v.number.digits}"
        yield "has_number"
    if v.urgent:
        yield "urgent"
    for r in v.reasons:
        yield f"reason:{r.code}"


def verdict_facts(verdict: Verdict | SmsVerdict, *, money_lost: bool = False) -> frozenset[str]:
    """The facts ``advice_rules.csv`` conditions test, for a number or SMS verdict.

    An SMS verdict contributes ``channel:sms``, its own risk and reasons,
    ``category:``, ``tag:`` and ``has_url``, plus the facts of its sender's
    number verdict (kind, number, tier, reasons ...).
    """
    facts: set[str] = set()
    if money_lost:
        facts.add("money_lost")
    if isinstance(verdict, Verdict):
        facts.update(_number_facts(verdict))
        facts.add(f"channel:{verdict.channel.value}")
        facts.add(f"risk:{verdict.risk.value}")
        return frozenset(facts)
    facts.add("channel:sms")
    facts.add(f"risk:{verdict.risk.value}")
    if verdict.sender is not None:
        facts.update(_number_facts(verdict.sender))
    facts.update(f"reason:{r.code}" for r in verdict.reasons)
    facts.add(f"category:{verdict.category.value}")
    facts.update(f"tag:{t}" for t in verdict.tags)
    if verdict.urls:
        facts.add("has_url")
    return frozenset(facts)


class _Strict(string.Formatter):
    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        return kwargs[str(key)]


_FORMAT = _Strict()


def _verdict_params(verdict: Verdict | SmsVerdict) -> dict[str, str]:
    number = verdict if isinstance(verdict, Verdict) else verdict.sender
    params = {"reported": "", "org_zh": "", "org_en": ""}
    if number is not None:
        params["reported"] = number.number.national
        if number.organisation is not None:
            params["org_zh"] = number.organisation.zh
            params["org_en"] = number.organisation.en
    return params


def advice_for(
    verdict: Verdict | SmsVerdict,
    *,
    money_lost: bool = False,
    rules: Iterable[AdviceRule] | None = None,
    steps: Mapping[str, AdviceStep] | None = None,
) -> tuple[Advice, ...]:
    """The ordered advice for a number or SMS verdict.

    Args:
        verdict: a number :class:`~fraudnum.Verdict` or an SMS verdict.
        money_lost: the person has already paid or transferred money; the advice
            then starts with calling 110, keeping evidence and reporting at a
            police station, as the seeds put it.
        rules: advice rules to use instead of ``data/advice_rules.csv``.
        steps: step texts to use instead of ``data/advice.csv``.

    Returns:
        The steps, most urgent first; empty when there is nothing to do (an
        ordinary low-risk number, an emergency number).

    Raises:
        TypeError: ``verdict`` is neither kind of verdict.

    Example:
        >>> import fraudnum
        >>> [a.code for a in advice_for(fraudnum.classify("96110"))]
        ['answer_it']
    """
    if rules is None and steps is None:
        return _builtin_advice(verdict, bool(money_lost))
    if not isinstance(verdict, (Verdict, SmsVerdict)):
        raise TypeError(f"advice needs a Verdict or an SmsVerdict, not {type(verdict).__name__}")
    return _advice(
        verdict,
        bool(money_lost),
        tuple(builtin_advice_rules() if rules is None else rules),
        builtin_advice_steps() if steps is None else steps,
    )


@functools.lru_cache(maxsize=4096)
def _builtin_advice_cached(verdict: Verdict, money_lost: bool) -> tuple[Advice, ...]:
    return _advice(verdict, money_lost, builtin_advice_rules(), builtin_advice_steps())


def _builtin_advice(verdict: Verdict | SmsVerdict, money_lost: bool) -> tuple[Advice, ...]:
    if isinstance(verdict, Verdict):
        return _builtin_advice_cached(verdict, money_lost)
    if not isinstance(verdict, SmsVerdict):
        raise TypeError(f"advice needs a Verdict or an SmsVerdict, not {type(verdict).__name__}")
    return _advice(verdict, money_lost, builtin_advice_rules(), builtin_advice_steps())


def _advice(
    verdict: Verdict | SmsVerdict,
    money_lost: bool,
    rules: tuple[AdviceRule, ...],
    steps: Mapping[str, AdviceStep],
) -> tuple[Advice, ...]:
    facts = verdict_facts(verdict, money_lost=money_lost)
    base = _verdict_params(verdict)
    seen: set[str] = set()
    out: list[Advice] = []
    for rule in rules:
        if not rule.matches(facts, verdict.risk):
            continue
        for code in rule.steps:
            if code in seen:
                continue
            seen.add(code)
            step = steps[code]
            values = {**base, **rule.params}
            used = {k: values[k] for k in sorted(step.fields)}
            out.append(
                Advice(
                    code,
                    _FORMAT.format(step.zh, **values),
                    _FORMAT.format(step.en, **values),
                    used,
                    step.source,
                )
            )
    return tuple(out)

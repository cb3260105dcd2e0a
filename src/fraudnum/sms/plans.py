"""What the co-occurrence rules that fired give a verdict of one category.

Three things, cached by the engine per (rules fired, category): the tags the supporting
rules show and the risk cap decide the verdict, so they are worked out at once; the reasons
by code (the rules' reasons pooled by code, with their required tags, weight, template and
extra spans) are needed only when a verdict's reasons or codes are read, so they are pooled
then (:class:`PendingCodes`), once per such key. A caller that never reads the reasons of
a text whose rules fired in a new combination pays for the first two only.

Nothing here names a rule or a tag: the facts come from ``data/sms_rules.csv`` through the
engine (:class:`fraudnum.sms.engine.SmsEngine`), which this module knows nothing of.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fraudnum.sms.explain import Template
from fraudnum.types import Risk, SmsCategory

__all__ = ["Cap", "Code", "PendingCodes", "Plan", "RuleFact", "RulePlans"]

#: Per rule: category, weight, reason, required tags, the mask of the tags it adds, the
#: extra-span bits of its required tags, its category's priority (0: none), its risk rank
#: (-1: none).
RuleFact = tuple[str, float, str, frozenset[str], int, int, int, int]
#: A reason of the rules before its rows are known: its code, the tags its rules require,
#: whether it argued for the verdict, its weight toward it, its template, its extra spans.
Code = tuple[str, frozenset[str], bool, float, Template, int]
#: The cap: the category's score index, its threshold, the summed weight of the rules of a
#: lower risk, and the highest risk rank among them.
Cap = tuple[int, float, float, int]
#: The tags shown (a mask), the reasons by code (pooled when read), the risk cap.
Plan = tuple[int, "PendingCodes", Cap | None]


class PendingCodes:
    """The reasons by code of the rules that fired, pooled when first read (then kept).

    Threads that read at once may each pool them: they get equal tuples.
    """

    __slots__ = ("_args", "_value")

    def __init__(self, plans: RulePlans, fired: tuple[int, ...], category: SmsCategory) -> None:
        self._args = (plans, fired, category)
        self._value: tuple[Code, ...] | None = None

    def get(self) -> tuple[Code, ...]:
        """The reasons by code, in the order their rules fired first."""
        value = self._value
        if value is None:
            plans, fired, category = self._args
            value = self._value = plans.codes(fired, category)
        return value


class RulePlans:
    """Plans of fired rules from the rules' facts (the engine's, fixed once built).

    Args:
        facts: per rule by position, its :data:`RuleFact`.
        rank: category priorities by name (smaller wins).
        templates: the reason templates by code.
        decide: the scored categories by priority: (score index, category, threshold).
        scored: the names of the scored categories, by score index.
    """

    __slots__ = ("_decide", "_facts", "_rank", "_scored", "_templates")

    def __init__(
        self,
        facts: Sequence[RuleFact],
        rank: Mapping[str, int],
        templates: Mapping[str, Template],
        decide: Sequence[tuple[int, SmsCategory, float]],
        scored: Sequence[str],
    ) -> None:
        self._facts = tuple(facts)
        self._rank = dict(rank)
        self._templates = templates
        self._decide = tuple(decide)
        self._scored = tuple(scored)

    def _supports(self, i: int, decided: str, spam: bool) -> bool:
        """Whether rule ``i`` argued for a verdict of category ``decided``.

        Rules of its category adding to it, neutral rules (category none), and a rule
        against a category that would have outranked the verdict (why not fraud); one
        against a category below it (short_text on fraud) is noise.
        """
        rule_cat, weight, _r, _q, _a, _x, priority, _k = self._facts[i]
        return (
            rule_cat == "none"
            or (rule_cat == decided and weight > 0)
            or (weight < 0 and (not spam or priority < self._rank[decided]))
        )

    def plan(self, fired: tuple[int, ...], category: SmsCategory, risk: Risk) -> Plan:
        """The tags shown, the reasons by code (pending) and the risk cap of ``fired``.

        ``fired``: the rules by position, in firing order; ``risk``: the category's own.
        """
        decided = category.value
        spam = category is not SmsCategory.NORMAL and category is not SmsCategory.WARNING
        shown = 0
        facts, supports = self._facts, self._supports
        for i in fired:
            if supports(i, decided, spam):
                shown |= facts[i][4]
        return shown, PendingCodes(self, fired, category), self.cap(category, risk, fired)

    def codes(self, fired: Sequence[int], category: SmsCategory) -> tuple[Code, ...]:
        """The reasons by code of ``fired``: rules sharing a reason pool their tags.

        What argued for the verdict sorts before what explains (a supporting rule's weight
        counts, negative ones as 0); a reason no supporting rule gives is a counter signal.
        """
        decided = category.value
        spam = category is not SmsCategory.NORMAL and category is not SmsCategory.WARNING
        pooled: dict[str, tuple[set[str], list[float], list[int]]] = {}
        facts, supports = self._facts, self._supports
        for i in fired:
            _c, weight, reason, require, _a, extra, _p, _k = facts[i]
            entry = pooled.get(reason)
            if entry is None:
                entry = pooled[reason] = (set(), [], [0])
            entry[0].update(require)
            entry[2][0] |= extra
            if supports(i, decided, spam):
                entry[1].append(max(weight, 0.0))
        return tuple(
            (code, frozenset(req), bool(acc), sum(acc), self._templates[code], extra[0])
            for code, (req, acc, extra) in pooled.items()
        )

    def cap(self, category: SmsCategory, risk: Risk, fired: Sequence[int]) -> Cap | None:
        """When a verdict is reached only through rules of a lower risk than its category's.

        A rule's ``risk`` below its category's (a claimed role with a fraud-only pretext and
        no demand yet: fraud at medium) caps the verdict when, without those rules, the score
        would stay under the threshold; any other rule or phrase that decides keeps the
        category's risk. None when no such rule fired.
        """
        name = category.value
        if name not in self._scored:
            return None
        rank = risk.rank
        facts = self._facts
        low = [
            facts[i]
            for i in fired
            if facts[i][0] == name and facts[i][1] > 0 and 0 <= facts[i][7] < rank
        ]
        if not low:
            return None
        i = self._scored.index(name)
        threshold = next(thr for j, _, thr in self._decide if j == i)
        top = max(f[7] for f in low)
        return i, threshold, sum(f[1] for f in low), top

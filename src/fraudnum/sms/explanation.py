"""How an SMS verdict explains itself: its reasons and counter signals, built when read.

A verdict keeps what it was decided on (:class:`Explanation`); its reasons, their spans
and texts, and its codes are laid out once per signature of signals and built only when a
caller reads them. :class:`Explaining` holds that machinery for
:class:`~fraudnum.sms.engine.SmsEngine`, which mixes it in.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

from fraudnum._cache import remember
from fraudnum._core import pool_spans
from fraudnum.sms._shared import (
    CAT_INDEX,
    CATEGORY_NAME,
    DECISION_CACHE_SIZE,
    SIGNAL_CAT,
    WARNING_CAT,
    Signature,
    url_flag_tags,
)
from fraudnum.sms.explain import Template
from fraudnum.sms.plans import PendingCodes
from fraudnum.sms.signals import (
    MAX_SPANS,
    Evasions,
    Numbers,
)
from fraudnum.sms.turns import (
    Turn,
    Units,
    window_of,
)
from fraudnum.types import (
    Reason,
    SmsCategory,
    UrlFinding,
)

# The reason code of rules that fired, the tags they required, the phrase rows whose
# spans it reports, whether it argued for the verdict, its weight toward it, its template
# and which other spans it reports (_EXTRA_* bits: links, numbers, evasions), found once
# per signature so a verdict does not test tag names again.
_Pooled = tuple[str, frozenset[str], tuple[int, ...], bool, float, Template, int]

EXTRA_LINK, _EXTRA_CONTACT, _EXTRA_CARD, _EXTRA_PINYIN, _EXTRA_DEPOSIT = 1, 2, 4, 8, 16

# A reason of the rules before its rows are known: _Pooled without the rows (cached per
# rules fired and verdict).
_Code = tuple[str, frozenset[str], bool, float, Template, int]

# What the rules that fired give a verdict of one category: the tags the supporting rules
# show, the reasons by code, and the risk cap (SmsEngine._cap).
# One reason or counter signal before it is built: its code, what kind (_ITEM_*), and an
# index (the rule's among the decision's reasons, the phrase category, the link).
_Item = tuple[str, int, int]

_ITEM_RULE, _ITEM_GROUP, _ITEM_LINK, _ITEM_UNVERIFIED, _ITEM_CONTACT, _ITEM_CARD, _ITEM_FIXED = (
    range(7)
)

# What _planned keeps per signature: the rule reasons with their rows (None until reasons
# are built), the order of the reasons and of the counter signals, and the codes.
Layout = list[Any]

# The extra spans a required tag asks for (a link's tags all start with "link").
EXTRA: Final = {
    "contact": _EXTRA_CONTACT,
    "bank_card": _EXTRA_CARD,
    "pinyin_mix": _EXTRA_PINYIN,
    "deposit_bonus": _EXTRA_DEPOSIT,
}


class Explaining:
    """The reason assembly of the SMS engine (mixed into :class:`SmsEngine`)."""

    # Set by SmsEngine.__init__: reason templates, the phrase rows' facts, the layout cache.
    _templates: dict[str, Template]
    _phrase_templates: tuple[Template, ...]
    _cat: tuple[int, ...]
    _weight: tuple[float, ...]
    _tags: tuple[tuple[str, ...], ...]
    _phrase_tags: frozenset[str]
    _rows_of_tag: dict[str, frozenset[int]]
    _layouts: dict[object, Layout]

    def _explain(self, x: Explanation) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
        """A verdict's reasons and counter signals (``x.chat``: the turns of a conversation)."""
        text, category, found, urls, numbers = x.text, x.category, x.found, x.urls, x.numbers
        windows, chat, note = x.windows, x.chat, x.note
        plan = self._planned(x)
        pooled: tuple[_Pooled, ...] = plan[0]
        order: tuple[_Item, ...] = plan[1]
        counter_order: tuple[_Item, ...] = plan[2]
        if chat and category not in (SmsCategory.NORMAL, SmsCategory.WARNING):
            windows = {**self._turn_windows(chat, found, pooled), **windows}
        build = self._builder(text, found, pooled, urls, numbers, x.evasions, windows)
        reasons = [build(item) for item in order]
        counter = [build(item) for item in counter_order]
        if chat and category is not SmsCategory.NORMAL:
            self._point_at_turns(chat, reasons)
        if note is not None:
            reasons.append(note)
        return tuple(reasons), tuple(counter)

    def _codes(self, x: Explanation) -> tuple[str, ...]:
        """The codes :meth:`_explain` gives, in order, without building its reasons.

        From the decision and the kinds of signal found (:meth:`_layout`), so a caller that
        reads only the codes (the Arrow columns) builds no text and no span. A conversation
        that is not normal gets the turn pointer only where its deciding reason has spans
        inside the turns: its reasons are built up to the first with spans, no further.
        """
        text, category, found, urls, numbers = x.text, x.category, x.found, x.urls, x.numbers
        windows, chat, note = x.windows, x.chat, x.note
        chatting = bool(chat) and category is not SmsCategory.NORMAL
        plan = self._planned(x, chatting)
        pooled: tuple[_Pooled, ...] = plan[0]
        order: tuple[_Item, ...] = plan[1]
        ordered: tuple[str, ...] = plan[3]
        if chatting:
            # The turn pointer follows the first reason with spans: build reasons up to it.
            if category is not SmsCategory.WARNING:
                windows = {**self._turn_windows(chat, found, pooled), **windows}
            build = self._builder(text, found, pooled, urls, numbers, x.evasions, windows)
            spans: tuple[tuple[int, int], ...] = ()
            for item in order:
                spans = build(item).spans
                if spans:
                    break
            if self._turns_at(chat, spans) and "sms_turn" in self._templates:
                ordered = (ordered[0], "sms_turn", *ordered[1:])
        if note is not None:
            return (*ordered, note.code)
        return ordered

    def _planned(self, x: Explanation, rows: bool = True) -> Layout:
        """The rule reasons with their rows, the order of reasons and counter signals, the codes.

        All of it follows from the signature the verdict was decided on (the rows found in
        their order, the kinds of link and number, the sender, the rules too far apart) and
        the kinds of the links reported, so it is made once per such key (:meth:`_layout`,
        :func:`_pool_rows`) and shared by the verdicts whose reasons or codes are read; the
        spans and texts are each verdict's own. The rows are found only when ``rows`` asks
        for them (None until then: reading the codes needs none).
        """
        key, urls, codes = x.key, x.urls, x.decision_codes.get()
        lkey: object = (key, tuple([(u.official, u.flags) for u in urls])) if urls else key
        got = self._layouts.get(lkey)
        if got is None:
            order, counter = self._layout(
                x.category, x.found, codes, urls, x.numbers, x.unverified_warning
            )
            got = [None, tuple(order), tuple(counter), tuple([item[0] for item in order])]
            remember(self._layouts, lkey, got, DECISION_CACHE_SIZE)
        if rows and got[0] is None:  # the rows only when reasons are built (not for codes)
            got[0] = _pool_rows(x.found, self._rows_of_tag, codes)
        return got

    def _turn_windows(
        self,
        chat: Sequence[Turn],
        found: Mapping[int, list[tuple[int, int]]],
        pooled: tuple[_Pooled, ...],
    ) -> dict[str, tuple[int, int]]:
        """For the weightiest deciding rules of a conversation, the fewest turns holding them.

        So the first reason reports the spans of those turns, and the turn pointer names
        them, rather than every occurrence of its words in the whole conversation.
        """
        top = max((p[4] for p in pooled if p[3]), default=None)
        if top is None:
            return {}
        units = Units.of_turns(chat)
        ptags, out = self._tags, {}
        for code, required, rows, supports, weight, _t, _x in pooled:
            need = required & self._phrase_tags
            if not supports or weight < top or len(need) < 2:
                continue
            hits = [(s, e, t) for v in rows for t in ptags[v] if t in need for s, e in found[v]]
            window = window_of(units, hits, need, len(units))
            if window is not None:
                out[code] = window
        return out

    def _point_at_turns(self, chat: Sequence[Turn], reasons: list[Reason]) -> None:
        """Add, after the deciding reason, the turns of the conversation it points at."""
        spans = next((r.spans for r in reasons if r.spans), ())
        idx = self._turns_at(chat, spans)
        if not idx:
            return
        template = self._templates.get("sms_turn")
        if template is None:  # a reason set without it (an older user copy): no pointer
            return
        turn = template.build(
            tuple((chat[n].start, chat[n].end) for n in idx[:MAX_SPANS]),
            turns=", ".join(str(n + 1) for n in idx[:MAX_SPANS]),
            speakers="、".join(dict.fromkeys(chat[n].speaker for n in idx)),
        )
        reasons.insert(1, turn)

    @staticmethod
    def _turns_at(chat: Sequence[Turn], spans: Sequence[tuple[int, int]]) -> list[int]:
        """The turns (by index, sorted) where ``spans`` start."""
        if not spans:
            return []
        starts = [t.start for t in chat]
        return sorted({bisect.bisect_right(starts, s) - 1 for s, _e in spans} - {-1})

    def _builder(
        self,
        text: str,
        found: Mapping[int, list[tuple[int, int]]],
        pooled: tuple[_Pooled, ...],
        urls: tuple[UrlFinding, ...],
        numbers: Numbers | None,
        evasions: Evasions | None,
        windows: Mapping[str, tuple[int, int]] | None,
    ) -> Callable[[_Item], Reason]:
        """What builds each reason of :meth:`_layout`, with its texts and spans."""
        t = self._templates
        windows = windows or None
        groups: dict[int, list[int]] = {}  # the rows found per category
        if found:
            cat = self._cat
            for v in found:
                g = groups.get(cat[v])
                if g is None:
                    groups[cat[v]] = [v]
                else:
                    g.append(v)

        def build(item: _Item) -> Reason:
            code, kind, arg = item
            if kind == _ITEM_RULE:
                return self._rule_reason(pooled[arg], found, urls, numbers, evasions, windows)
            if kind == _ITEM_GROUP:
                spans = pool_spans(found, groups[arg], None, (), MAX_SPANS)
                words = "、".join(dict.fromkeys([text[s:e] for s, e in spans]))
                return self._phrase_templates[arg].build_one(spans, "phrases", words)
            if kind == _ITEM_LINK:
                u = urls[arg]
                span = ((u.start, u.end),)
                if code == "sms_link" or code == "sms_link_official":
                    return t[code].build(span, host=u.host)
                return t[code].build(span, host=u.host, brand=u.brand or "")
            if kind == _ITEM_UNVERIFIED:
                claims: list[tuple[int, int]] = []
                tags = self._tags
                for v, row_spans in found.items():
                    if "claims_warning" in tags[v]:
                        claims.extend(row_spans)
                return t[code].build(tuple(claims))
            if kind == _ITEM_CONTACT:
                assert numbers is not None
                return t[code].build(tuple(numbers.contact[:MAX_SPANS]))
            if kind == _ITEM_CARD:
                assert numbers is not None
                return t[code].build(tuple(numbers.bank_card[:MAX_SPANS]))
            return t[code].build()

        return build

    def _layout(
        self,
        category: SmsCategory,
        found: Mapping[int, object],
        codes: Sequence[tuple[Any, ...]],  # _Code or _Pooled: the same order, the same tail
        urls: tuple[UrlFinding, ...],
        numbers: Numbers | None,
        unverified_warning: bool,
    ) -> tuple[list[_Item], list[_Item]]:
        """The reasons and the counter signals in order, each as (code, kind, argument).

        What :meth:`_explain` builds and :meth:`_codes` reads, so the codes of a verdict are
        known without its texts and spans, and the two never disagree. Reasons that argued for
        the verdict come first, by their weight toward it (a rule's weight, a phrase group's
        summed weight); then the neutral facts (cues, links, numbers). Rules and phrase groups
        that argued for another category are counter signals, never reasons. ``codes``: the
        decision's reasons of the rules (``_Code`` or ``_Pooled``, read for code, support and
        weight only).
        """
        lead: list[tuple[float, _Item]] = []
        out: list[_Item] = []
        counter: list[_Item] = []
        cat, weight = self._cat, self._weight
        spam = category not in (SmsCategory.NORMAL, SmsCategory.WARNING)
        decided = CAT_INDEX.get(CATEGORY_NAME[category], -1)
        for k, entry in enumerate(codes):
            item = (entry[0], _ITEM_RULE, k)
            if entry[-4]:  # supports (the weight follows)
                lead.append((entry[-3], item))
            else:
                counter.append(item)
        if unverified_warning:
            lead.append((float("inf"), ("sms_warning_unverified", _ITEM_UNVERIFIED, 0)))
        # Phrases grouped by category (their weights summed in the order found).
        group_weight: dict[int, float] = {}
        for v in found:
            c = cat[v]
            group_weight[c] = group_weight.get(c, 0.0) + weight[v]
        phrase = self._phrase_templates
        for c in sorted(group_weight) if len(group_weight) > 1 else group_weight:
            item = (phrase[c].code, _ITEM_GROUP, c)
            if c == decided:
                lead.append((group_weight[c], item))
            elif (c == SIGNAL_CAT and spam) or (c == WARNING_CAT and unverified_warning):
                out.append(item)
            else:
                counter.append(item)
        for k, u in enumerate(urls):
            if u.official:
                out.append(("sms_link_official", _ITEM_LINK, k))
                continue
            out.append(("sms_link", _ITEM_LINK, k))
            for flag in u.flags:
                out.append(("url_" + flag, _ITEM_LINK, k))
        if numbers is not None:
            if numbers.contact:
                out.append(("sms_contact_number", _ITEM_CONTACT, 0))
            if numbers.bank_card:
                out.append(("sms_bank_card", _ITEM_CARD, 0))
        lead.sort(key=lambda wr: -wr[0])  # stable: file order among equal weights
        reasons = [item for _, item in lead] + out
        if not reasons:
            code = "sms_below_threshold" if counter else "sms_no_signal"
            reasons.append((code, _ITEM_FIXED, 0))
        return reasons, counter

    def _rule_reason(
        self,
        pooled: _Pooled,
        found: Mapping[int, list[tuple[int, int]]],
        urls: tuple[UrlFinding, ...],
        numbers: Numbers | None,
        evasions: Evasions | None,
        windows: Mapping[str, tuple[int, int]] | None,
    ) -> Reason:
        """A reason of the rules, with the spans of the tags its rules required.

        A proximity rule reports the spans of the window where its families met (``windows``,
        by reason code), not every occurrence in the text.
        """
        code, required, rows, _supports, _weight, template, extra = pooled
        window = windows.get(code) if windows else None
        more: list[Sequence[tuple[int, int]]] = []
        if extra:
            if extra & EXTRA_LINK:
                links = []
                for url in urls:
                    own = "link_official" if url.official else "link"
                    flagged = url.flags and not required.isdisjoint(url_flag_tags(url.flags))
                    if own in required or flagged:
                        links.append((url.start, url.end))
                more.append(links)
            if numbers is not None:
                if extra & _EXTRA_CONTACT:
                    more.append(numbers.contact)
                if extra & _EXTRA_CARD:
                    more.append(numbers.bank_card)
            if evasions is not None:
                if extra & _EXTRA_PINYIN:
                    more.append(evasions.pinyin)
                if extra & _EXTRA_DEPOSIT:
                    more.append(evasions.deposit)
        # Pooled, inside the window if any is, sorted and bounded: in C (fraudnum._smsrows).
        return template.build(pool_spans(found, rows, window, more, MAX_SPANS))


class Explanation:
    """A verdict's deferred reasons: what ``Explaining._explain`` builds them from.

    Called, it builds the reasons and counter signals; :meth:`codes` gives their codes
    alone. ``chat`` holds the turns of a conversation (empty otherwise).
    """

    __slots__ = (
        "_engine",
        "category",
        "chat",
        "decision_codes",
        "evasions",
        "found",
        "key",
        "note",
        "numbers",
        "text",
        "unverified_warning",
        "urls",
        "windows",
    )

    def __init__(
        self,
        engine: Explaining,
        text: str,
        category: SmsCategory,
        found: Mapping[int, list[tuple[int, int]]],
        codes: PendingCodes,
        urls: tuple[UrlFinding, ...],
        numbers: Numbers | None,
        evasions: Evasions | None,
        unverified_warning: bool,
        windows: Mapping[str, tuple[int, int]],
        chat: Sequence[Turn],
        note: Reason | None,
        key: Signature,
    ) -> None:
        self._engine = engine
        self.text = text
        self.category = category
        self.found = found
        self.decision_codes = codes
        self.urls = urls
        self.numbers = numbers
        self.evasions = evasions
        self.unverified_warning = unverified_warning
        self.windows = windows
        self.chat = chat
        self.note = note
        self.key = key

    def __call__(self) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
        """The reasons and the counter signals (``Explaining._explain``)."""
        return self._engine._explain(self)

    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order (``Explaining._codes``)."""
        return self._engine._codes(self)


def _pool_rows(
    found: Iterable[int], rows_of_tag: Mapping[str, frozenset[int]], codes: Sequence[_Code]
) -> tuple[_Pooled, ...]:
    """Each reason of the rules with the phrase rows (by row number) that carry a tag it required.

    Found when the reasons are built: the phrase rows whose spans each reason reports, as the
    rows found that carry each required tag (a set intersection per tag, done in C; a long
    text finds dozens of rows and fires dozens of rules). The order of the rows does not
    matter: their spans are pooled and sorted.
    """
    if not codes:
        return ()
    have = set(found)
    out: list[_Pooled] = []
    get = rows_of_tag.get
    for code, req, supports, weight, template, extra in codes:
        hit: set[int] = set()
        for tag in req:
            rows = get(tag)
            if rows is not None:
                hit |= have & rows
        out.append((code, req, tuple(sorted(hit)), supports, weight, template, extra))
    return tuple(out)

"""Pure-Python twin of :mod:`fraudnum._smsrows`: which phrase hits of an SMS count.

The reference the compiled filter is tested against, and the one used under
``FRAUDNUM_IMPLEMENTATION=python``. Both give the same answers (semantics below); the
SMS engine (:mod:`fraudnum.sms.engine`) builds one per phrase table.

:meth:`RowFilter.keep` drops the hits of the automaton that are not prose words:

* a row starting (ending) with a Latin letter or digit (``bound`` bit 1, bit 2) where the
  text has a Latin letter or digit right before (after) it: ``vx`` inside ``vxworks``;
* a hit longer than its folded phrase (separators were skipped inside it) that runs over
  clause punctuation (``，。、；！？：`` or a line break): ``中心，水``;
* a numeric row matched with one extra character, where that character makes an amount
  (a digit, ``.`` ``,`` ``，`` or ``．``, a digit): ``961.10`` is not ``96110``;
* a hit inside a link (the links' ``(start, end)``, ordered, as hits are ordered by end);
* a ``negatable`` row (a demand) that lies after a ``negates`` row (切勿, 不会要求) and before
  the end of that cue's clause (clause punctuation, or ``negation_reach`` characters on).

:meth:`RowFilter.group` turns the kept hits into the rows found, each with its spans (at
most ``max_spans``), the last first: a hit inside a longer hit of the same category is not
counted again (walking back from the last end, a hit is inside another iff some hit already
seen of its category starts at or before it); hits of the ``free`` category all count.

:class:`NearRules` finds where the phrase families of proximity rules meet: for each rule,
the first window of at most ``reach`` sentences that holds a hit of every family it needs
(the tightest such window, from the first hit's start to the last hit's end), or None.
Families are tag ids numbered in the order of the tag names, so hits sort as the engine
always sorted them (sentence, start, end, tag name).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import Final, TypeVar

__all__ = [
    "NearRules",
    "RowFilter",
    "RowMarks",
    "TagRules",
    "blank_count",
    "dotted",
    "latin",
    "number_run",
    "pool_spans",
    "run_ends",
]

_AMOUNT_MARK: Final = re.compile(r"\d[.,，．]\d")
_CLAUSE: Final = re.compile("[\uff0c\u3002\u3001\uff1b\uff01\uff1f\uff1a\n]")

Hit = tuple[int, int, int]

_LATIN: Final = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
# A letter or digit on both sides of a dot (full-width and ideographic dots included).
_DOTTED: Final = re.compile(f"[{_LATIN}][.\\uff0e\\u3002\\uff61][{_LATIN}]")
# Seven number characters in a row (digits, x and * as a mask), single hyphens between.
_NUMBER_RUN: Final = re.compile(
    "[0-9\uff10-\uff19xX*\uff0a](?:[\\-\uff0d]?[0-9\uff10-\uff19xX*\uff0a]){6}"
)
_OTHER_BLANK: Final = re.compile(r"[^\S ]")


def latin(ch: str) -> bool:
    """True for an ASCII or full-width Latin letter or digit."""
    o = ord(ch)
    if o < 128:
        return ch.isalnum()
    return 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A


@functools.lru_cache(maxsize=16)
def _run_of(chars: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(chars)}]+")


def run_ends(text: str, chars: str) -> list[int]:
    """The end offsets of the maximal runs of characters of ``chars`` in ``text``, in order.

    What ``[m.end() for m in re.finditer("[chars]+", text)]`` gives, for a set of
    characters read from a data pattern (``sentence_end``; see fraudnum.sms.turns).
    """
    if not isinstance(text, str) or not isinstance(chars, str):
        raise TypeError("run_ends expects two str")
    if not chars:
        return []
    return [m.end() for m in _run_of(chars).finditer(text)]


def dotted(text: str) -> bool:
    """Whether a Latin letter or digit, a dot (``.`` ``．`` ``。`` ``｡``) and another follow.

    What a host needs (fraudnum.sms.links): a text without it holds no link.
    """
    if not isinstance(text, str):
        raise TypeError("dotted expects a str")
    return _DOTTED.search(text) is not None


def number_run(text: str) -> bool:
    """Whether seven number characters (digits, ``x`` ``X`` ``*`` ``＊``) follow each other.

    Full-width digits count; one hyphen (``-`` or ``－``) may stand between two of them.
    The cheap test before fraudnum.sms.signals.find_numbers looks for phone numbers.
    """
    if not isinstance(text, str):
        raise TypeError("number_run expects a str")
    return _NUMBER_RUN.search(text) is not None


def blank_count(text: str) -> int:
    """The white space characters of ``text`` (``str.isspace``: the plain space included)."""
    if not isinstance(text, str):
        raise TypeError("blank_count expects a str")
    return text.count(" ") + len(_OTHER_BLANK.findall(text))


class RowMarks:
    """Per phrase row a set of marks (bits of an int), and the marks of a set of rows.

    A caller that asks the same found rows several times whether they meet one of a few
    fixed row sets marks each row with the sets it belongs to, takes the union once, and
    tests a bit before the set (a row set no row found belongs to is disjoint from them).

    Args:
        marks: per row, its marks (``0 <= marks < 2**63``).
    """

    __slots__ = ("_marks",)

    def __init__(self, marks: Iterable[int]) -> None:
        values = tuple(int(m) for m in marks)
        if any(not 0 <= m < 2**63 for m in values):
            raise ValueError("a row's marks must be a non-negative int below 2**63")
        self._marks = values

    def __reduce__(self) -> tuple[type[RowMarks], tuple[tuple[int, ...]]]:
        return (type(self), (self._marks,))

    def __len__(self) -> int:
        return len(self._marks)

    def of(self, rows: Iterable[int]) -> int:
        """The union of the marks of ``rows`` (row numbers, e.g. a dict of rows found)."""
        marks, n = self._marks, len(self._marks)
        out = 0
        for v in rows:
            if not 0 <= v < n:
                raise IndexError(f"row {v} out of range")
            out |= marks[v]
        return out


class RowFilter:
    """The per-row facts the hit filter needs, fixed once built.

    Args:
        bound: per row, bit 1: starts with a Latin letter or digit, bit 2: ends with one.
        flen: per row, the length of its folded phrase.
        numeric: per row, whether it is a number (12381).
        negates: per row, whether it negates the words after it (停止转账).
        cat: per row, its category index (``0 <= cat < n_cats``).
        free: the category whose hits all count (signal rows), or -1.
        max_spans: the most spans kept per row.
        negatable: per row, whether a negating cue before it cancels it (none if omitted).
        negation_reach: how far a negating cue reaches when no clause punctuation ends it.
    """

    __slots__ = (
        "_bound",
        "_cat",
        "_flen",
        "_free",
        "_max",
        "_negatable",
        "_negates",
        "_numeric",
        "_reach",
        "_rows",
    )

    def __init__(
        self,
        bound: Sequence[int],
        flen: Sequence[int],
        numeric: Sequence[bool],
        negates: Sequence[bool],
        cat: Sequence[int],
        free: int,
        max_spans: int,
        negatable: Sequence[bool] | None = None,
        negation_reach: int = 24,
    ) -> None:
        n = len(bound)
        if negatable is None:
            negatable = [False] * n
        if not (len(flen) == len(numeric) == len(negates) == len(cat) == len(negatable) == n):
            raise ValueError("every per-row sequence must have one item per row")
        if max_spans < 1:
            raise ValueError("max_spans must be at least 1")
        if negation_reach < 0:
            raise ValueError("negation_reach must not be negative")
        self._negatable = tuple(bool(x) for x in negatable)
        self._reach = int(negation_reach)
        self._rows = n
        self._bound = tuple(int(b) for b in bound)
        self._flen = tuple(int(f) for f in flen)
        self._numeric = tuple(bool(x) for x in numeric)
        self._negates = tuple(bool(x) for x in negates)
        self._cat = tuple(int(c) for c in cat)
        if any(c < 0 for c in self._cat):
            raise ValueError("categories must not be negative")
        self._free = int(free)
        self._max = int(max_spans)

    def __reduce__(self) -> tuple[type[RowFilter], tuple[object, ...]]:
        facts = (self._bound, self._flen, self._numeric, self._negates, self._cat)
        return (type(self), (*facts, self._free, self._max, self._negatable, self._reach))

    def __len__(self) -> int:
        return self._rows

    def _check(self, text: str, hit: Hit) -> None:
        s, e, v = hit
        if not 0 <= v < self._rows:
            raise IndexError(f"row {v} out of range")
        if not 0 <= s <= e <= len(text):
            raise ValueError(f"span {s}..{e} outside the text")

    def keep(
        self, text: str, hits: Sequence[Hit], urls: Sequence[tuple[int, int]]
    ) -> tuple[list[Hit], bool]:
        """The hits that count, in order, and whether a negating row is among them."""
        bound, flen, numeric, negates = self._bound, self._flen, self._numeric, self._negates
        clause = _CLAUSE.search
        n = len(text)
        kept: list[Hit] = []
        negated = False
        n_urls = len(urls)
        u = 0  # hits come ordered by end: one pointer over the links skips words inside them
        for hit in hits:
            self._check(text, hit)
            s, e, v = hit
            b = bound[v]
            if b:
                if b & 1 and s > 0 and latin(text[s - 1]):
                    continue
                if b & 2 and e < n and latin(text[e]):
                    continue
            if e - s > flen[v] and clause(text, s, e):
                continue  # a phrase does not run across a comma or full stop: 中心，水
            if numeric[v] and e - s == flen[v] + 1 and _AMOUNT_MARK.search(text, s, e):
                continue  # 961.10, 12,381: an amount, not a number spelt out to evade
            if n_urls:
                while u < n_urls and urls[u][1] < e:
                    u += 1
                if u < n_urls and urls[u][0] <= s:
                    continue  # a word inside a link (icbc-VIP.cc) is not prose
            kept.append(hit)
            if negates[v]:
                negated = True
        if negated:
            # The demands after a negating cue up to the end of its clause do not count.
            reach, negatable = self._reach, self._negatable
            cues = []
            for _s, e, v in kept:
                if negates[v]:
                    m = clause(text, e, e + reach)
                    cues.append((e, m.start() if m is not None else min(n, e + reach)))
            kept = [
                h
                for h in kept
                if not negatable[h[2]] or not any(ns <= h[0] and h[1] <= ne for ns, ne in cues)
            ]
        return kept, negated

    def group(self, text_len: int, kept: Sequence[Hit]) -> dict[int, list[tuple[int, int]]]:
        """The rows found among ``kept`` (ordered by end), each with its spans, last first."""
        cat, free, most = self._cat, self._free, self._max
        found: dict[int, list[tuple[int, int]]] = {}
        first = [text_len + 1] * (max(self._cat, default=0) + 1)
        for s, e, v in reversed(kept):
            if not 0 <= v < self._rows:
                raise IndexError(f"row {v} out of range")
            c = cat[v]
            if c != free:
                if first[c] <= s:
                    continue
                first[c] = s
            lst = found.get(v)
            if lst is None:
                found[v] = [(s, e)]
            elif len(lst) < most:
                lst.append((s, e))
        return found


class NearRules:
    """Proximity rules over phrase families, fixed once built.

    Args:
        row_tags: per phrase row, the family ids it carries (``0 <= id < n_tags``).
        rules: per rule, the family ids it needs (distinct) and its reach in sentences (≥ 1).
        n_tags: how many families there are.
    """

    __slots__ = ("_n_tags", "_need", "_reach", "_row_mask", "_row_tags", "_rule_mask")

    def __init__(
        self,
        row_tags: Sequence[Sequence[int]],
        rules: Sequence[tuple[Sequence[int], int]],
        n_tags: int,
    ) -> None:
        self._n_tags = int(n_tags)
        self._row_tags = tuple(tuple(int(t) for t in tags) for tags in row_tags)
        for tags in self._row_tags:
            if any(not 0 <= t < self._n_tags for t in tags):
                raise ValueError("a family id is out of range")
        self._need = tuple(frozenset(int(t) for t in need) for need, _ in rules)
        self._reach = tuple(int(reach) for _, reach in rules)
        for need, (given, reach) in zip(self._need, rules, strict=True):
            if len(need) != len(given) or not need:
                raise ValueError("a rule needs distinct families, at least one")
            if any(not 0 <= t < self._n_tags for t in need):
                raise ValueError("a family id is out of range")
            if reach < 1:
                raise ValueError("a rule's reach must be at least 1")
        self._row_mask = tuple(sum(1 << t for t in set(tags)) for tags in self._row_tags)
        self._rule_mask = tuple(sum(1 << t for t in need) for need in self._need)

    def __reduce__(self) -> tuple[type[NearRules], tuple[object, ...]]:
        rules = tuple((tuple(sorted(n)), r) for n, r in zip(self._need, self._reach, strict=True))
        return (type(self), (self._row_tags, rules, self._n_tags))

    def __len__(self) -> int:
        return len(self._need)

    def present(self, rows: Iterable[int]) -> int:
        """The families the given rows carry, as a bit mask (bit ``id``)."""
        masks, n = self._row_mask, len(self._row_mask)
        out = 0
        for v in rows:
            if not 0 <= v < n:
                raise IndexError(f"row {v} out of range")
            out |= masks[v]
        return out

    def todo(self, present: int) -> tuple[int, ...]:
        """The rules (by position) whose families all occur in ``present``."""
        return tuple(i for i, m in enumerate(self._rule_mask) if m & present == m)

    def windows(
        self,
        found: Mapping[int, Sequence[tuple[int, int]]],
        starts: Sequence[int],
        todo: Sequence[int],
    ) -> list[tuple[int, int] | None]:
        """For each rule in ``todo``, where its families first meet within its reach, or None.

        ``found`` holds the spans of each row found, ``starts`` the offsets where the
        sentences start (ascending, the first 0).
        """
        row_tags, n_rows = self._row_tags, len(self._row_tags)
        where = bisect.bisect_right
        for v in found:
            if not 0 <= v < n_rows:
                raise IndexError(f"row {v} out of range")
        seq = sorted(
            [
                (where(starts, s) - 1, s, e, t)
                for v, spans in found.items()
                if row_tags[v]
                for t in row_tags[v]
                for s, e in spans
            ]
        )
        out: list[tuple[int, int] | None] = []
        for i in todo:
            need = self._need[i]
            out.append(_window([h for h in seq if h[3] in need], len(need), self._reach[i]))
        return out


_Family = TypeVar("_Family", bound=Hashable)


def _window(
    seq: Sequence[tuple[int, int, int, _Family]], needed: int, reach: int
) -> tuple[int, int] | None:
    """The sweep of :meth:`NearRules.windows` over one rule's hits, sorted.

    ``seq`` holds (sentence, start, end, family) sorted; ``needed`` families must meet
    within ``reach`` sentences. Also the sweep of ``fraudnum.sms.turns.window_of``.
    """
    count: dict[_Family, int] = {}
    lo = 0
    for hi, (u, _s, _e, tag) in enumerate(seq):
        count[tag] = count.get(tag, 0) + 1
        while seq[lo][0] <= u - reach:
            t = seq[lo][3]
            count[t] -= 1
            if not count[t]:
                del count[t]
            lo += 1
        if len(count) == needed:
            # shrink from the left while every family stays present: the tightest window
            while count[seq[lo][3]] > 1:
                count[seq[lo][3]] -= 1
                lo += 1
            return seq[lo][1], max(e for _u, _s2, e, _t in seq[lo : hi + 1])
    return None


class TagRules:
    """The tags and weights of the phrase rows and the co-occurrence rules, as bit masks.

    A tag is a bit (``1 << id``); a set of tags is an ``int``. The SMS engine numbers its
    tags in the order of their names, so the lowest id a rule requires is its first
    required tag by name.

    :meth:`tally` sums the weights of the rows found per category (in the order given, so
    each score is the same float whichever implementation adds it) and unites their tags
    per category. :meth:`fire` applies the rules in order: a rule is a candidate when the
    tags given hold its lowest required id; a candidate fires when the tags (with those the
    rules fired before it added) hold all it requires, none it forbids, and it is not in
    ``far``; it then adds its tags.

    Args:
        row_cat: per phrase row, its category index (``0 <= cat < n_cats``).
        row_weight: per phrase row, its weight.
        row_tags: per phrase row, its tag ids (``0 <= id < n_tags``).
        n_cats: how many categories there are.
        n_tags: how many tags there are.
        rules: per rule, the ids it requires (at least one), those it forbids, those it
            adds, and its risk rank (any ``int``; :meth:`fire` reports the highest above 0).
    """

    __slots__ = (
        "_absent",
        "_adds",
        "_args",
        "_first",
        "_n_cats",
        "_n_tags",
        "_rank",
        "_require",
        "_row_cat",
        "_row_mask",
        "_weight",
    )

    def __init__(
        self,
        row_cat: Sequence[int],
        row_weight: Sequence[float],
        row_tags: Sequence[Sequence[int]],
        n_cats: int,
        n_tags: int,
        rules: Sequence[tuple[Sequence[int], Sequence[int], Sequence[int], int]],
    ) -> None:
        if not len(row_cat) == len(row_weight) == len(row_tags):
            raise ValueError("every per-row sequence must have one item per row")
        if n_cats < 1 or n_tags < 0:
            raise ValueError("n_cats must be at least 1 and n_tags not negative")
        self._n_cats, self._n_tags = int(n_cats), int(n_tags)
        self._row_cat = tuple(int(c) for c in row_cat)
        if any(not 0 <= c < self._n_cats for c in self._row_cat):
            raise ValueError("a category is out of range")
        self._weight = tuple(float(w) for w in row_weight)
        tags = tuple(tuple(int(t) for t in ids) for ids in row_tags)
        rule_list = tuple(
            (
                tuple(int(t) for t in req),
                tuple(int(t) for t in ab),
                tuple(int(t) for t in ad),
                int(r),
            )
            for req, ab, ad, r in rules
        )
        for ids in (*tags, *(x for rule in rule_list for x in rule[:3])):
            if any(not 0 <= t < self._n_tags for t in ids):
                raise ValueError("a tag id is out of range")
        if any(not rule[0] for rule in rule_list):
            raise ValueError("a rule requires at least one tag")
        self._row_mask = tuple(_mask(ids) for ids in tags)
        self._require = tuple(_mask(rule[0]) for rule in rule_list)
        self._first = tuple(1 << min(rule[0]) for rule in rule_list)
        self._absent = tuple(_mask(rule[1]) for rule in rule_list)
        self._adds = tuple(_mask(rule[2]) for rule in rule_list)
        self._rank = tuple(rule[3] for rule in rule_list)
        self._args = (self._row_cat, self._weight, tags, self._n_cats, self._n_tags, rule_list)

    def __reduce__(self) -> tuple[type[TagRules], tuple[object, ...]]:
        return (type(self), self._args)

    def __len__(self) -> int:
        return len(self._require)

    def ids(self, mask: int) -> list[int]:
        """The tag ids set in ``mask``, ascending."""
        if mask < 0 or mask >> self._n_tags:
            raise ValueError("a tag id is out of range")
        return [t for t in range(mask.bit_length()) if mask >> t & 1]

    def tally(
        self, rows: Iterable[int], skip_negative: int = -1
    ) -> tuple[list[float], tuple[int, ...], int]:
        """Per category the summed weight and the tags of ``rows``, and all their tags.

        The rows of category ``skip_negative`` (``-1``: none) that weigh less than zero add
        their tags but not their weight (the other weights are summed in the order given).
        """
        cat, weight, row_mask, n = self._row_cat, self._weight, self._row_mask, len(self._row_cat)
        scores = [0.0] * self._n_cats
        masks = [0] * self._n_cats
        for v in rows:
            if not 0 <= v < n:
                raise IndexError(f"row {v} out of range")
            c = cat[v]
            if c != skip_negative or weight[v] >= 0:
                scores[c] += weight[v]
            masks[c] |= row_mask[v]
        union = 0
        for m in masks:
            union |= m
        return scores, tuple(masks), union

    def fire(self, tags: int, far: Collection[int]) -> tuple[tuple[int, ...], int, int]:
        """The rules that fire on ``tags`` (in order), their highest rank, the tags after."""
        if tags < 0 or tags >> self._n_tags:
            raise ValueError("a tag id is out of range")
        fired: list[int] = []
        floor = 0
        after = tags
        for i, first in enumerate(self._first):
            if not tags & first:
                continue
            req = self._require[i]
            if after & req == req and not after & self._absent[i] and i not in far:
                fired.append(i)
                if self._rank[i] > floor:
                    floor = self._rank[i]
                after |= self._adds[i]
        return tuple(fired), floor, after


def _mask(ids: Iterable[int]) -> int:
    out = 0
    for t in ids:
        out |= 1 << t
    return out


def pool_spans(
    found: Mapping[int, Sequence[tuple[int, int]]],
    rows: Iterable[int],
    window: tuple[int, int] | None,
    extra: Iterable[Iterable[tuple[int, int]]],
    limit: int,
) -> tuple[tuple[int, int], ...]:
    """The spans a reason reports: those of ``rows`` in ``found``, pooled, sorted, bounded.

    With a ``window`` (start, end), only the spans inside it, unless none is; then the spans
    of ``extra`` (links, numbers) are added. Each span once, in (start, end) order.
    """
    if limit < 0:
        raise ValueError("limit must not be negative")
    acc: set[tuple[int, int]] = set()
    for v in rows:
        acc.update(found[v])
    if window is not None:
        ws, we = window
        acc = {sp for sp in acc if ws <= sp[0] and sp[1] <= we} or acc
    for spans in extra:
        acc.update(spans)
    out = sorted(acc)
    return tuple(out[:limit])

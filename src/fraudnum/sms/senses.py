"""Word senses: where a matched phrase is part of another word, and how far a disclaimer reaches.

Phrase matching has no word boundaries: 账号 (a payee's account number) also matches in
注册一个账号 (the reader's own login), 加投 (invest more) in 增加投入. A row of
``data/word_senses.csv`` names a phrase row (by its phrase and one of its tags) and a context
that gives it another sense: a word before it (``side`` ``before``) or after it (``after``),
with at most ``gap`` characters between them inside one clause. A hit in such a context does
not count as that row; other rows found at the same place still count (账号密码 is still a
request for credentials).

The second step widens a negation over an enumeration: the compiled hit filter ends a negating
cue's reach at any clause mark, 、 included, so in 不会以退票、改签为由要求您转账 the demand is
not negated. Here a cue reaches over 、 (it lists, it does not end the clause) up to the next
clause end, within the same reach.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from fraudnum._tables import TableError, data_text, read_table
from fraudnum.folding import SKIP, FoldTable

__all__ = [
    "WordSense",
    "WordSenses",
    "disclaimed",
    "negated_over_lists",
    "spans_outside",
    "word_senses",
]

# What ends a clause for a context and for a widened negation: not 、, which lists.
_CLAUSE_ENDS: Final = frozenset("，。；！？：,;!?\n")
# Every clause mark the compiled filter ends a negation at (see fraudnum._pysmsrows._CLAUSE).
_LIST_MARK: Final = "、"
_SIDES: Final = ("before", "after")
_MAX_GAP: Final = 12
# One side of a row's senses: its rules (context, before, gap), the search for a character
# that folds to one of their contexts' first characters, and how far from the hit they read.
_Side = tuple[
    tuple[tuple[str, bool, int], ...], Callable[[str, int, int], "re.Match[str] | None"], int
]


@dataclass(frozen=True, slots=True)
class WordSense:
    """One row of ``data/word_senses.csv``: where ``phrase`` (its ``tag`` row) is another word.

    Attributes:
        phrase: the phrase of the row (as written in ``data/phrases.csv``).
        tag: which of the rows with that phrase loses the hit (one carrying this tag).
        context: the word that gives the phrase another sense.
        side: ``before`` (the context precedes the phrase) or ``after``.
        gap: at most this many characters between them, in one clause.
        source: the publication or reasoning behind the row.
    """

    phrase: str
    tag: str
    context: str
    side: str
    gap: int
    source: str


def word_senses(text: str | None = None, origin: str = "word_senses.csv") -> tuple[WordSense, ...]:
    """The rows of ``data/word_senses.csv`` (or of ``text``), validated with line numbers.

    Raises:
        TableError: a missing column, an empty cell, an unknown side or a gap out of range.
    """
    source = data_text(origin) if text is None else text
    out: list[WordSense] = []
    cols = ("phrase", "tag", "context", "side", "gap", "source")
    for line, row in read_table(source, origin, cols, known=cols):
        for c in cols:
            if not row[c]:
                raise TableError(origin, line, f"empty {c}")
        if row["side"] not in _SIDES:
            raise TableError(origin, line, f"side must be one of {_SIDES}, not {row['side']!r}")
        if not row["gap"].isdigit() or int(row["gap"]) > _MAX_GAP:
            raise TableError(origin, line, f"gap must be 0-{_MAX_GAP}, not {row['gap']!r}")
        out.append(
            WordSense(
                row["phrase"],
                row["tag"],
                row["context"],
                row["side"],
                int(row["gap"]),
                row["source"],
            )
        )
    return tuple(out)


class WordSenses:
    """The word-sense rows bound to an engine's phrase rows (by row index).

    Args:
        phrases: the engine's phrase rows, as (phrase folded, tags) pairs.
        senses: the rows of :func:`word_senses`.
        fold: the engine's fold table (contexts match folded text, as phrases do).

    A row whose phrase and tag no phrase row has binds to nothing (an engine built on a
    user's own phrase rows); :meth:`unbound` lists such rows.
    """

    def __init__(
        self,
        phrases: Sequence[tuple[str, Collection[str]]],
        senses: Sequence[WordSense],
        fold: FoldTable,
    ) -> None:
        self._fold = fold
        by_phrase: dict[str, list[int]] = {}
        for i, (folded, _tags) in enumerate(phrases):
            by_phrase.setdefault(folded, []).append(i)
        rules: dict[int, list[tuple[str, bool, int]]] = {}
        self._unbound: list[WordSense] = []
        for s in senses:
            rows = [
                i for i in by_phrase.get(fold.fold_text(s.phrase), ()) if s.tag in phrases[i][1]
            ]
            if not rows:
                self._unbound.append(s)
            ctx = fold.fold_text(s.context)
            for i in rows:
                rules.setdefault(i, []).append((ctx, s.side == "before", s.gap))
        self._rules: Mapping[int, tuple[tuple[str, bool, int], ...]] = {
            i: tuple(r) for i, r in rules.items()
        }
        # Per context, per character, the characters that fold to it (its own included): a
        # context is looked for only where each of its characters occurs in some spelling.
        contexts = {ctx for rs in self._rules.values() for ctx, _b, _g in rs}
        variants: dict[str, set[str]] = {ch: {ch} for ctx in contexts for ch in ctx}
        for cp, target in fold.mapping.items():
            if target != SKIP and chr(target) in variants:
                variants[chr(target)].add(chr(cp))
        self._spellings: Mapping[str, tuple[tuple[str, ...], ...]] = {
            ctx: tuple(tuple(sorted(variants[ch])) for ch in ctx) for ctx in contexts
        }
        #: The rows some sense can take a hit from: the step runs only when one is found.
        self.gate: frozenset[int] = frozenset(self._rules)
        # Per row and side, a necessary condition for any of its contexts there: the
        # characters that fold to a context's first character, as a character class, and the
        # widest window a context of that side is read in (see _other_word). A span whose
        # window holds none of them keeps its hit without folding anything.
        self._near: Mapping[int, tuple[_Side | None, _Side | None]] = {
            i: (self._side(rs, True), self._side(rs, False)) for i, rs in self._rules.items()
        }

    def _side(self, rules: Sequence[tuple[str, bool, int]], before: bool) -> _Side | None:
        """The rules of one side of a row, the class of their first characters, their reach."""
        mine = tuple(r for r in rules if r[1] == before)
        if not mine:
            return None
        first = sorted({ch for ctx, _b, _g in mine for ch in self._spellings[ctx][0]})
        starts = re.compile("[" + "".join(re.escape(ch) for ch in first) + "]")
        reach = max(gap + len(ctx) * 2 for ctx, _b, gap in mine)
        return mine, starts.search, reach

    def unbound(self) -> tuple[WordSense, ...]:
        """The rows that name a phrase and tag none of the phrase rows has."""
        return tuple(self._unbound)

    def _other_word(
        self, text: str, s: int, e: int, rules: Sequence[tuple[str, bool, int]]
    ) -> bool:
        for ctx, before, gap in rules:
            if before:
                lo = max(0, s - gap - len(ctx) * 2)
                window = text[lo:s]
                cut = max((window.rfind(c) for c in _CLAUSE_ENDS), default=-1)
                window = self._fold.fold_text(window[cut + 1 :])
                at = window.rfind(ctx)
                if at >= 0 and len(window) - (at + len(ctx)) <= gap:
                    return True
            else:
                window = text[e : e + gap + len(ctx) * 2]
                cut = min((i for i in (window.find(c) for c in _CLAUSE_ENDS) if i >= 0), default=-1)
                window = self._fold.fold_text(window if cut < 0 else window[:cut])
                at = window.find(ctx)
                if 0 <= at <= gap:
                    return True
        return False

    def drop(
        self, text: str, found: dict[int, list[tuple[int, int]]]
    ) -> dict[int, list[tuple[int, int]]]:
        """``found`` without the hits that a word-sense row reads as another word.

        ``found`` itself when no hit is dropped (the common case), else a new dict in the
        same order.
        """
        out = found
        near = self._near
        for v in self.gate.intersection(found):
            spans = found[v]
            kept = [(s, e) for s, e in spans if not self._sensed(text, s, e, near[v])]
            if len(kept) == len(spans):
                continue
            if out is found:
                out = dict(found)
            if kept:
                out[v] = kept
            else:
                del out[v]
        return out

    def _sensed(self, text: str, s: int, e: int, sides: tuple[_Side | None, _Side | None]) -> bool:
        """Whether a sense of the row reads the hit ``s..e`` as another word."""
        before, after = sides
        return (
            before is not None
            and before[1](text, max(0, s - before[2]), s) is not None
            and self._other_word(text, s, e, self._present(text, before[0]))
        ) or (
            after is not None
            and after[1](text, e, e + after[2]) is not None
            and self._other_word(text, s, e, self._present(text, after[0]))
        )

    def _present(
        self, text: str, rules: Sequence[tuple[str, bool, int]]
    ) -> tuple[tuple[str, bool, int], ...]:
        """The rules whose context's characters all occur in ``text`` (in some spelling)."""
        spell = self._spellings
        return tuple(r for r in rules if all(any(c in text for c in cs) for cs in spell[r[0]]))


def _reaches(
    text: str, found: Mapping[int, list[tuple[int, int]]], cues: frozenset[int], reach: int
) -> list[tuple[int, int, bool]]:
    """Per cue hit, the range it reaches and whether a 、 lies in it.

    The range runs from the cue's end to its clause's end (、 does not end it), within ``reach``.
    """
    out: list[tuple[int, int, bool]] = []
    for v in cues & found.keys():
        for _s, e in found[v]:
            stop = min(len(text), e + reach)
            j = e
            listed = False
            while j < stop and text[j] not in _CLAUSE_ENDS:
                listed |= text[j] == _LIST_MARK
                j += 1
            out.append((e, j, listed))
    return out


def spans_outside(
    found: Mapping[int, list[tuple[int, int]]],
    rows: frozenset[int],
    ranges: Sequence[tuple[int, int]],
) -> dict[int, list[tuple[int, int]]]:
    """``found`` without the spans of ``rows`` that lie inside one of ``ranges``.

    A row left with no span is dropped; the other rows keep every span.
    """
    out: dict[int, list[tuple[int, int]]] = {}
    for v, spans in found.items():
        if v in rows:
            spans = [(s, e) for s, e in spans if not any(a <= s and e <= b for a, b in ranges)]
            if not spans:
                continue
        out[v] = spans
    return out


def negated_over_lists(
    text: str,
    found: dict[int, list[tuple[int, int]]],
    cues: frozenset[int],
    negatable: frozenset[int],
    reach: int,
) -> dict[int, list[tuple[int, int]]]:
    """``found`` without the demands a negating cue reaches once 、 does not end its clause.

    Only cues whose compiled reach stopped at 、 can reach further, so a text without a cue
    followed by 、 in its clause is returned as it is.
    """
    ranges = [(a, b) for a, b, listed in _reaches(text, found, cues, reach) if listed]
    return spans_outside(found, negatable, ranges) if ranges else found


def disclaimed(
    text: str,
    found: dict[int, list[tuple[int, int]]],
    cues: frozenset[int],
    words: frozenset[int],
    reach: int,
) -> dict[int, list[tuple[int, int]]]:
    """``found`` without the scam words an institution's disclaimer names in its clause.

    A cue tagged ``disclaims`` (不会以, 不会通过, 不会主动联系您 …) says what the sender will never
    do: in 平台客服不会主动联系您办理退款理赔 the refund is disclaimed, not offered; the same
    words in the next clause (…，请您缴纳保证金) still count.
    """
    ranges = [(a, b) for a, b, _listed in _reaches(text, found, cues, reach)]
    return spans_outside(found, words, ranges) if ranges else found

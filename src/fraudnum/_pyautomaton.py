r"""Pure-Python twin of :mod:`fraudnum._automaton`: the same API, written plainly.

It is the reference that differential tests compare the compiled automaton with, and the
implementation used when ``FRAUDNUM_NO_EXTENSIONS=1``. Matching semantics (both versions):

* Text and patterns are folded code point by code point through a :class:`FoldTable`;
  skipped code points are ignored, so ``微 信``, ``微\u200b信`` and ``微信`` all match ``微信``.
* Every occurrence is reported, overlapping ones included, as ``(start, end, value)`` where
  ``text[start:end]`` runs from the first to the last matched code point of the *original*
  text (skipped code points inside the span are included, those around it are not).
* Order: by ``end``, then ``start``, then ``value``, then pattern index (so patterns that fold
  to the same string are reported in the order given when their values tie).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from fraudnum.folding import SKIP, FoldTable, load_fold_table

__all__ = ["KeywordAutomaton"]

_INT32_MAX = 2**31 - 1


def _validate(
    patterns: Sequence[str], values: Sequence[int], fold: FoldTable | None
) -> tuple[tuple[str, ...], tuple[int, ...], FoldTable, list[list[int]]]:
    """Check the constructor's arguments and fold the patterns (shared with the .pyx)."""
    if isinstance(patterns, (str, bytes)):
        raise TypeError("patterns must be a sequence of str, not a single string")
    if isinstance(values, (str, bytes)):
        raise TypeError("values must be a sequence of int")
    pats = tuple(patterns)
    vals = tuple(values)
    if len(pats) != len(vals):
        raise ValueError(f"got {len(pats)} patterns but {len(vals)} values")
    if fold is None:
        fold = load_fold_table()
    elif not isinstance(fold, FoldTable):
        raise TypeError(f"fold must be a FoldTable, not {type(fold).__name__}")
    folded: list[list[int]] = []
    for i, (p, v) in enumerate(zip(pats, vals, strict=True)):
        if not isinstance(p, str):
            raise TypeError(f"pattern {i} must be str, not {type(p).__name__}")
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"value {i} must be int, not {type(v).__name__}")
        if not 0 <= v <= _INT32_MAX:
            raise ValueError(f"value {i} = {v} is outside 0..2**31-1")
        cps = [t for t in (fold.fold_char(ord(c)) for c in p) if t != SKIP]
        if not cps:
            raise ValueError(f"pattern {i} ({p!r}) is empty once folded")
        folded.append(cps)
    return pats, tuple(int(v) for v in vals), fold, folded


class KeywordAutomaton:
    """Aho-Corasick automaton over folded code points (pure-Python reference).

    Args:
        patterns: Phrases to find; folded with ``fold`` at build time.
        values: One non-negative int32 per pattern, reported with its matches. Patterns that
            fold to the same string are allowed; each is reported with its own value.
        fold: The fold table; the built-in one (:func:`~fraudnum.folding.load_fold_table`)
            when None.

    Raises:
        TypeError: If an argument has the wrong type (the message names the index).
        ValueError: If the lengths differ, a value is out of range, or a pattern folds to the
            empty string (the message names its index).

    """

    __slots__ = ("_fail", "_fold", "_goto", "_outs", "_patterns", "_values")

    _patterns: tuple[str, ...]
    _values: tuple[int, ...]
    _fold: FoldTable
    _goto: tuple[dict[int, int], ...]
    _outs: tuple[tuple[tuple[int, int], ...], ...]
    _fail: tuple[int, ...]

    def __init__(
        self, patterns: Sequence[str], values: Sequence[int], fold: FoldTable | None = None
    ) -> None:
        if hasattr(self, "_patterns"):
            raise TypeError("KeywordAutomaton is immutable; it cannot be re-initialised")
        pats, vals, table, folded = _validate(patterns, values, fold)
        goto: list[dict[int, int]] = [{}]
        own: list[list[int]] = [[]]
        for i, cps in enumerate(folded):
            state = 0
            for cp in cps:
                nxt = goto[state].get(cp)
                if nxt is None:
                    nxt = len(goto)
                    goto[state][cp] = nxt
                    goto.append({})
                    own.append([])
                state = nxt
            own[state].append(i)
        # Breadth-first: failure links and the full output list of every state.
        fail = [0] * len(goto)
        out: list[list[tuple[int, int]]] = [[] for _ in goto]  # (pattern length, index)
        queue: deque[int] = deque(goto[0].values())  # depth 1: fail to the root
        while queue:
            state = queue.popleft()
            for cp, nxt in goto[state].items():
                f = fail[state]
                while f and cp not in goto[f]:
                    f = fail[f]
                fail[nxt] = goto[f].get(cp, 0)  # f is shallower than nxt, never nxt itself
                queue.append(nxt)
        for state in self._bfs_order(goto):
            mine = [(len(folded[i]), i) for i in own[state]]
            out[state] = mine + out[fail[state]] if state else mine
        object.__setattr__(self, "_patterns", pats)
        object.__setattr__(self, "_values", vals)
        object.__setattr__(self, "_fold", table)
        object.__setattr__(self, "_goto", tuple(goto))
        object.__setattr__(self, "_outs", tuple(tuple(o) for o in out))
        object.__setattr__(self, "_fail", tuple(fail))

    @staticmethod
    def _bfs_order(goto: list[dict[int, int]]) -> list[int]:
        order = [0]
        for state in order:
            order.extend(goto[state].values())
        return order

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("KeywordAutomaton is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("KeywordAutomaton is immutable")

    @property
    def count(self) -> int:
        """Number of patterns."""
        return len(self._patterns)

    @property
    def patterns(self) -> tuple[str, ...]:
        """The patterns as given (unfolded), in order."""
        return self._patterns

    @property
    def values(self) -> tuple[int, ...]:
        """The values, one per pattern."""
        return self._values

    @property
    def fold(self) -> FoldTable:
        """The fold table the automaton was built with."""
        return self._fold

    def __len__(self) -> int:
        return len(self._patterns)

    def __repr__(self) -> str:
        return f"KeywordAutomaton({len(self._patterns)} patterns)"

    def __reduce__(self) -> tuple[object, tuple[tuple[str, ...], tuple[int, ...], FoldTable]]:
        return (type(self), (self._patterns, self._values, self._fold))

    def find_all(self, text: str) -> list[tuple[int, int, int]]:
        """Find every occurrence of every pattern in ``text``, overlapping ones included.

        Args:
            text: The text to scan.

        Returns:
            ``(start, end, value)`` triples in ``text``'s own indices, ordered by ``end``, then
            ``start``, then ``value``.

        Raises:
            TypeError: If ``text`` is not a str.

        """
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        goto = self._goto
        outs = self._outs
        fail = self._fail
        fold_char = self._fold.fold_char
        values = self._values
        positions: list[int] = []  # original index of each non-skipped code point
        result: list[tuple[int, int, int]] = []
        state = 0
        for i, ch in enumerate(text):
            cp = fold_char(ord(ch))
            if cp == SKIP:
                continue
            positions.append(i)
            while state and cp not in goto[state]:
                state = fail[state]
            state = goto[state].get(cp, 0)
            if outs[state]:
                here = [
                    (positions[len(positions) - length], i + 1, values[idx], idx)
                    for length, idx in outs[state]
                ]
                here.sort()
                result.extend((s, e, v) for s, e, v, _ in here)
        return result

    def find_batch(self, texts: Sequence[str]) -> list[list[tuple[int, int, int]]]:
        """Run :meth:`find_all` on each text.

        Args:
            texts: The texts to scan.

        Returns:
            One result list per text, in order.

        Raises:
            TypeError: If ``texts`` is a single string or holds a non-str.

        """
        if isinstance(texts, (str, bytes)):
            raise TypeError("texts must be a sequence of str, not a single string")
        items = list(texts)
        for i, t in enumerate(items):
            if not isinstance(t, str):
                raise TypeError(f"text {i} must be str, not {type(t).__name__}")
        return [self.find_all(t) for t in items]

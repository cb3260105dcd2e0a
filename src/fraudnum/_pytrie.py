"""Pure-Python twin of :class:`fraudnum._trie.DigitTrie`.

It exists for differential tests against the compiled trie and as the fallback
when ``FRAUDNUM_NO_EXTENSIONS=1``; it favours plainness over speed.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Sequence

_MAX_KEY_LEN = 255
_Entry = tuple[str, int, int, int]


class DigitTrie:
    """An immutable digit trie: longest-prefix lookup that also checks the key length."""

    __slots__ = ("_children", "_count", "_rules")

    def __init__(self, entries: Iterable[_Entry] = ()) -> None:
        rows = _validated(entries)
        # Node 0 is the root; children[node] maps a digit to a node.
        self._children: list[dict[str, int]] = [{}]
        self._rules: list[list[tuple[int, int, int]]] = [[]]
        for prefix, lo, hi, value in rows:
            node = 0
            for ch in prefix:
                nxt = self._children[node].get(ch)
                if nxt is None:
                    nxt = len(self._children)
                    self._children[node][ch] = nxt
                    self._children.append({})
                    self._rules.append([])
                node = nxt
            self._rules[node].append((lo, hi, value))
        self._count = len(rows)

    def lookup(self, key: str) -> int:
        """Return the value for the longest prefix of ``key`` admitting ``len(key)``, or -1."""
        if not isinstance(key, str):
            raise TypeError(f"key must be str, not {type(key).__name__}")
        n = len(key)
        if n > _MAX_KEY_LEN:
            return -1
        best = -1
        node = 0
        i = 0
        while True:
            for lo, hi, value in self._rules[node]:
                if lo <= n <= hi:
                    best = value
                    break
            if i >= n:
                return best
            nxt = self._children[node].get(key[i])
            if nxt is None:
                return best
            node = nxt
            i += 1

    def lookup_batch(self, keys: Sequence[str]) -> list[int]:
        """Look up many keys."""
        out = []
        for i, key in enumerate(keys):
            if not isinstance(key, str):
                raise TypeError(f"keys[{i}] must be str, not {type(key).__name__}")
            out.append(self.lookup(key))
        return out

    def entries(self) -> list[_Entry]:
        """Return the entries as ``(prefix, min_len, max_len, value)``, sorted by prefix."""
        result: list[_Entry] = []
        stack = [(0, "")]
        while stack:
            node, prefix = stack.pop()
            result.extend((prefix, lo, hi, v) for lo, hi, v in self._rules[node])
            stack.extend((child, prefix + d) for d, child in self._children[node].items())
        result.sort()
        return result

    def __len__(self) -> int:
        return self._count

    @property
    def node_count(self) -> int:
        """Number of trie nodes, the root included."""
        return len(self._children)

    @property
    def nbytes(self) -> int:
        """Bytes held by the node and rule containers (their contents' objects not included)."""
        return sum(map(sys.getsizeof, self._children)) + sum(map(sys.getsizeof, self._rules))

    def __reduce__(self) -> tuple[type[DigitTrie], tuple[list[_Entry]]]:
        return (DigitTrie, (self.entries(),))

    def __repr__(self) -> str:
        return f"DigitTrie(<{self._count} entries, {self.node_count} nodes>)"


def _validated(entries: Iterable[_Entry]) -> list[_Entry]:
    """Check entries and return them sorted by prefix (shared with the compiled trie)."""
    rows = []
    for i, entry in enumerate(entries):
        try:
            prefix, lo, hi, value = entry
        except (TypeError, ValueError):
            raise TypeError(
                f"entry {i} must be (prefix, min_len, max_len, value), got {entry!r}"
            ) from None
        if not isinstance(prefix, str):
            raise TypeError(f"entry {i}: prefix must be str, not {type(prefix).__name__}")
        if not prefix or not prefix.isascii() or not prefix.isdigit():
            raise ValueError(
                f"entry {i}: prefix must be a non-empty string of ASCII digits, got {prefix!r}"
            )
        if len(prefix) > _MAX_KEY_LEN:
            raise ValueError(f"entry {i}: prefix longer than {_MAX_KEY_LEN} digits")
        for name, v in (("min_len", lo), ("max_len", hi), ("value", value)):
            if not isinstance(v, int) or isinstance(v, bool):
                raise TypeError(f"entry {i}: {name} must be int, not {type(v).__name__}")
        if not 0 <= lo <= hi <= _MAX_KEY_LEN:
            raise ValueError(
                f"entry {i}: need 0 <= min_len <= max_len <= {_MAX_KEY_LEN}, got {lo}..{hi}"
            )
        if not 0 <= value <= 0x7FFFFFFF:
            raise ValueError(f"entry {i}: value must be a non-negative int32, got {value}")
        rows.append((prefix, lo, hi, value, i))
    rows.sort()
    for a, b in itertools.pairwise(rows):
        if a[0] == b[0] and b[1] <= a[2]:
            raise ValueError(
                f"entries {a[4]} and {b[4]}: prefix {a[0]!r} has overlapping lengths "
                f"{a[1]}..{a[2]} and {b[1]}..{b[2]}"
            )
    return [(r[0], r[1], r[2], r[3]) for r in rows]

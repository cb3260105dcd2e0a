"""Type stubs for the compiled digit trie (see ``_trie.pyx``)."""

from collections.abc import Iterable, Sequence

class DigitTrie:
    """An immutable digit trie: longest-prefix lookup that also checks the key length."""

    def __init__(self, entries: Iterable[tuple[str, int, int, int]] = ()) -> None: ...
    def lookup(self, key: str) -> int:
        """Return the value for the longest prefix of ``key`` admitting ``len(key)``, or -1."""
    def lookup_batch(self, keys: Sequence[str]) -> list[int]:
        """Look up many keys, releasing the GIL while walking the trie."""
    def entries(self) -> list[tuple[str, int, int, int]]:
        """Return the entries as ``(prefix, min_len, max_len, value)``, sorted by prefix."""
    def __len__(self) -> int: ...
    @property
    def node_count(self) -> int:
        """Number of trie nodes, the root included."""
    @property
    def nbytes(self) -> int:
        """Bytes held by the flat arrays (the object header not included)."""
    def __reduce__(self) -> tuple[type[DigitTrie], tuple[list[tuple[str, int, int, int]]]]: ...

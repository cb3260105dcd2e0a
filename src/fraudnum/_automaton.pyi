"""Type stub for the compiled keyword automaton (see fraudnum._pyautomaton for semantics)."""

from collections.abc import Sequence
from typing import Any, final

from fraudnum.folding import FoldTable

__all__ = ["KeywordAutomaton"]

@final
class KeywordAutomaton:
    """Aho-Corasick automaton over folded code points (compiled)."""

    def __init__(
        self, patterns: Sequence[str], values: Sequence[int], fold: FoldTable | None = None
    ) -> None: ...
    def find_all(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence as ``(start, end, value)``, ordered by end, start, value."""
    def find_batch(self, texts: Sequence[str]) -> list[list[tuple[int, int, int]]]:
        """``find_all`` for each text; the scan runs without the GIL."""
    @property
    def count(self) -> int:
        """Number of patterns."""
    @property
    def patterns(self) -> tuple[str, ...]:
        """The patterns as given (unfolded), in order."""
    @property
    def values(self) -> tuple[int, ...]:
        """The values, one per pattern."""
    @property
    def fold(self) -> FoldTable:
        """The fold table the automaton was built with."""
    def __len__(self) -> int: ...
    def __reduce__(
        self,
    ) -> tuple[type[KeywordAutomaton], tuple[tuple[str, ...], tuple[int, ...], FoldTable]]: ...
    def _stats(self) -> dict[str, Any]: ...

"""Type stub for the compiled SMS hit filter (see fraudnum._pysmsrows for semantics)."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import final

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

def latin(ch: str) -> bool:
    """True for an ASCII or full-width Latin letter or digit."""

def run_ends(text: str, chars: str) -> list[int]:
    """The end offsets of the maximal runs of characters of ``chars`` in ``text``, in order."""

def dotted(text: str) -> bool:
    """Whether a Latin letter or digit, a dot (. ． 。 ｡) and another one follow each other."""

def number_run(text: str) -> bool:
    """Whether seven number characters follow each other, one hyphen allowed between two."""

def blank_count(text: str) -> int:
    """The white space characters of ``text`` (str.isspace: the plain space included)."""

@final
class RowMarks:
    """Per phrase row a set of marks (bits), and the marks of a set of rows (compiled)."""

    def __init__(self, marks: Iterable[int]) -> None: ...
    def __len__(self) -> int: ...
    def of(self, rows: Iterable[int]) -> int:
        """The union of the marks of ``rows`` (row numbers; a dict's keys are read in C)."""

@final
class RowFilter:
    """The per-row facts the hit filter needs, fixed once built (compiled)."""

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
    ) -> None: ...
    def keep(
        self, text: str, hits: Sequence[tuple[int, int, int]], urls: Sequence[tuple[int, int]]
    ) -> tuple[list[tuple[int, int, int]], bool]:
        """The hits that count, in order, and whether a negating row is among them."""
    def group(
        self, text_len: int, kept: Sequence[tuple[int, int, int]]
    ) -> dict[int, list[tuple[int, int]]]:
        """The rows found among ``kept`` (ordered by end), each with its spans, last first."""
    def __len__(self) -> int: ...
    def __reduce__(self) -> tuple[type[RowFilter], tuple[object, ...]]: ...

@final
class NearRules:
    """Proximity rules over phrase families, fixed once built (compiled)."""

    def __init__(
        self,
        row_tags: Sequence[Sequence[int]],
        rules: Sequence[tuple[Sequence[int], int]],
        n_tags: int,
    ) -> None: ...
    def present(self, rows: Iterable[int]) -> int:
        """The families the given rows carry, as a bit mask (bit ``id``)."""
    def todo(self, present: int) -> tuple[int, ...]:
        """The rules (by position) whose families all occur in ``present``."""
    def windows(
        self,
        found: Mapping[int, Sequence[tuple[int, int]]],
        starts: Sequence[int],
        todo: Sequence[int],
    ) -> list[tuple[int, int] | None]:
        """For each rule in ``todo``, where its families first meet within its reach, or None."""
    def __len__(self) -> int: ...
    def __reduce__(self) -> tuple[type[NearRules], tuple[object, ...]]: ...

@final
class TagRules:
    """Phrase rows' tags and weights and the co-occurrence rules as bit masks (compiled)."""

    def __init__(
        self,
        row_cat: Sequence[int],
        row_weight: Sequence[float],
        row_tags: Sequence[Sequence[int]],
        n_cats: int,
        n_tags: int,
        rules: Sequence[tuple[Sequence[int], Sequence[int], Sequence[int], int]],
    ) -> None: ...
    def ids(self, mask: int) -> list[int]:
        """The tag ids set in ``mask``, ascending."""
    def tally(
        self, rows: Iterable[int], skip_negative: int = -1
    ) -> tuple[list[float], tuple[int, ...], int]:
        """Per category the summed weight and the tags of ``rows``, and all their tags.

        The rows of category ``skip_negative`` (``-1``: none) that weigh less than zero add
        their tags but not their weight.
        """
    def fire(self, tags: int, far: Collection[int]) -> tuple[tuple[int, ...], int, int]:
        """The rules that fire on ``tags`` (in order), their highest rank, the tags after."""
    def __len__(self) -> int: ...
    def __reduce__(self) -> tuple[type[TagRules], tuple[object, ...]]: ...

def pool_spans(
    found: Mapping[int, Sequence[tuple[int, int]]],
    rows: Iterable[int],
    window: tuple[int, int] | None,
    extra: Iterable[Iterable[tuple[int, int]]],
    limit: int,
) -> tuple[tuple[int, int], ...]:
    """The spans a reason reports: those of ``rows`` in ``found``, pooled, sorted, bounded."""

"""Verdicts for whole batches of numbers, column by column.

Carrier jobs classify millions of call records and mostly need each number's
kind and risk; building a full explained :class:`~fraudnum.Verdict` object for
every row would cost more than the classification itself. A
:class:`VerdictBatch` keeps the kinds and risks as columns and builds a row's
full verdict only when it is asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast, overload

from fraudnum.numbers.outcome import Outcome, Precedence
from fraudnum.numbers.parse import (
    ROW_INTERNATIONAL,
    ROW_MALFORMED,
    NumberParser,
    ParsedNumber,
)
from fraudnum.types import Advisor, Channel, Direction, NumberKind, Risk, Tier, Verdict

__all__ = ["VerdictBatch", "classify_rows"]


class VerdictBatch(Sequence[Verdict]):
    """The verdicts of one :meth:`Classifier.classify_batch` call.

    Indexing or iterating gives full :class:`~fraudnum.Verdict` objects, built
    on first access and then kept; the columns are there at once.

    Attributes:
        numbers: the inputs, in order.
        kinds: each number's kind.
        risks: each number's risk.
        tiers: the precedence tier that decided each risk.
        codes: each number's reason codes, in order (what ``batch[i].codes``
            gives, without building the verdict).
    """

    __slots__ = ("_build", "_verdicts", "codes", "kinds", "numbers", "risks", "tiers")

    def __init__(
        self,
        numbers: Sequence[str],
        kinds: Sequence[NumberKind],
        risks: Sequence[Risk],
        tiers: Sequence[Tier],
        build: Callable[[int], Verdict],
        codes: Sequence[tuple[str, ...]] | None = None,
    ) -> None:
        if not len(numbers) == len(kinds) == len(risks) == len(tiers):
            raise ValueError("every column needs one entry per number")
        if codes is not None and len(codes) != len(numbers):
            raise ValueError("every column needs one entry per number")
        self.numbers: tuple[str, ...] = tuple(numbers)
        self.kinds: tuple[NumberKind, ...] = tuple(kinds)
        self.risks: tuple[Risk, ...] = tuple(risks)
        self.tiers: tuple[Tier, ...] = tuple(tiers)
        self._build = build
        self._verdicts: list[Verdict | None] = [None] * len(self.numbers)
        # Without a column given, the codes come from the verdicts (built for every row).
        self.codes: tuple[tuple[str, ...], ...] = (
            tuple(codes) if codes is not None else tuple(self[i].codes for i in range(len(self)))
        )

    def __len__(self) -> int:
        return len(self.numbers)

    @overload
    def __getitem__(self, index: int) -> Verdict: ...
    @overload
    def __getitem__(self, index: slice) -> list[Verdict]: ...
    def __getitem__(self, index: int | slice) -> Verdict | list[Verdict]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = range(len(self))[index]  # normalises negatives, raises IndexError
        verdict = self._verdicts[i]
        if verdict is None:
            verdict = self._build(i)
            self._verdicts[i] = verdict
        return verdict

    def __iter__(self) -> Iterator[Verdict]:
        return (self[i] for i in range(len(self)))

    def at_least(self, risk: Risk | str) -> list[int]:
        """Indexes of the numbers whose risk is ``risk`` or higher (e.g. what to block)."""
        floor = Risk(risk)
        return [i for i, r in enumerate(self.risks) if r >= floor]

    def risk_counts(self) -> dict[Risk, int]:
        """How many numbers got each risk."""
        counts = Counter(self.risks)
        return {r: counts.get(r, 0) for r in Risk}

    def kind_counts(self) -> dict[NumberKind, int]:
        """How many numbers are of each kind (kinds that occur only)."""
        return dict(Counter(self.kinds))

    def to_arrow(self) -> Any:
        """The columns as a ``pyarrow.Table`` (number, kind, risk, tier).

        Raises:
            ImportError: pyarrow is not installed (``pip install pyarrow``).
        """
        try:
            import pyarrow as pa
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("VerdictBatch.to_arrow() needs pyarrow: pip install pyarrow") from e
        return pa.table(
            {
                "number": list(self.numbers),
                "kind": pa.array([k.value for k in self.kinds]).dictionary_encode(),
                "risk": pa.array([r.value for r in self.risks]).dictionary_encode(),
                "tier": pa.array([t.value for t in self.tiers]).dictionary_encode(),
            }
        )

    def __repr__(self) -> str:
        counts = ", ".join(f"{r.value}={n}" for r, n in self.risk_counts().items() if n)
        return f"<VerdictBatch of {len(self)}: {counts}>"


def classify_rows(
    items: list[str],
    parser: NumberParser,
    precedence: Precedence,
    channel: Channel,
    direction: Direction,
    expect_intl: bool,
    advisor: Advisor | None,
) -> VerdictBatch:
    """Classify caller IDs into a :class:`VerdictBatch`, the common forms resolved in C.

    The results are those of classifying each item on its own.
    """
    user = precedence.user
    # Crowd marks are looked up by canonical digits, which the row codes do not
    # carry: with a store every row goes through the parser (slower, same answers).
    codes = parser.row_codes(
        items, user.trie if user is not None else None, parse_all=precedence.tags is not None
    )
    # Rows whose code names rules already seen get their shared outcome in one
    # C-level pass; the rest (new rule pairs, international numbers, inputs the
    # Python parser decides) are filled in below.
    cache = precedence.code_outcomes.setdefault((channel, direction), {})
    outcomes: list[Outcome | None] = list(map(cache.get, codes))
    parsed_rows: dict[int, ParsedNumber] = {}
    deferred: set[int] = set()  # malformed rows: reasons built when the row is read
    for i in [i for i, o in enumerate(outcomes) if o is None]:
        code = codes[i]
        if code >= 0:
            outcomes[i] = cache[code] = precedence.of_code(code, channel, direction)
            continue
        if code == ROW_INTERNATIONAL:
            outcome = precedence.international(items[i], parser, channel, direction, expect_intl)
            if outcome is not None:
                outcomes[i] = outcome
                continue
        elif code == ROW_MALFORMED and not parser.is_hidden_marker(items[i]):
            # Digits that are no number: kind and risk now, the parse (for the
            # reason's detail) only if the row is read.
            deferred.add(i)
            outcomes[i] = precedence.malformed_column(items[i])
            continue
        parsed = parser.parse(items[i])
        parsed_rows[i] = parsed
        if parsed.status == "malformed":
            deferred.add(i)
            outcomes[i] = precedence.malformed_column(items[i])
        else:
            outcomes[i] = precedence.of_parsed(parsed, channel, direction, expect_intl)
    done = cast("list[Outcome]", outcomes)

    def build(i: int) -> Verdict:
        parsed = parsed_rows.get(i) or parser.parse(items[i])
        if i in deferred:
            outcome = precedence.of_parsed(parsed, channel, direction, expect_intl)
        else:
            outcome = done[i]
        return outcome.verdict(parsed.info, channel, direction, advisor)

    return VerdictBatch(
        items,
        [o.kind for o in done],
        [o.risk for o in done],
        [o.tier for o in done],
        build,
        _codes_column(done, deferred),
    )


def _codes_column(done: list[Outcome], deferred: set[int]) -> list[tuple[str, ...]]:
    """Each row's reason codes from its (shared) outcome: one tuple per outcome, not per row."""
    by_outcome: dict[int, tuple[str, ...]] = {}
    codes = []
    for o in done:
        c = by_outcome.get(id(o))
        if c is None:
            c = by_outcome[id(o)] = tuple(r.code for r in o.reasons)
        codes.append(c)
    # A deferred malformed row's reasons are formatted when it is read; its codes
    # are known now (Precedence.malformed: HIGH only when it imitates a warning).
    for i in deferred:
        codes[i] = _MALFORMED_IMITATING if done[i].risk is Risk.HIGH else _MALFORMED
    return codes


# Shared, so a column of malformed rows holds two tuples, not one per row.
_MALFORMED = ("malformed_number",)
_MALFORMED_IMITATING = ("malformed_number", "imitates_warning_number")

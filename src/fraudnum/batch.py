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
from typing import Any, overload

from fraudnum.types import NumberKind, Risk, Tier, Verdict

__all__ = ["VerdictBatch"]


class VerdictBatch(Sequence[Verdict]):
    """The verdicts of one :meth:`Classifier.classify_batch` call.

    Indexing or iterating gives full :class:`~fraudnum.Verdict` objects, built
    on first access and then kept; the columns are there at once.

    Attributes:
        numbers: the inputs, in order.
        kinds: each number's kind.
        risks: each number's risk.
        tiers: the precedence tier that decided each risk.
    """

    __slots__ = ("_build", "_verdicts", "kinds", "numbers", "risks", "tiers")

    def __init__(
        self,
        numbers: Sequence[str],
        kinds: Sequence[NumberKind],
        risks: Sequence[Risk],
        tiers: Sequence[Tier],
        build: Callable[[int], Verdict],
    ) -> None:
        if not len(numbers) == len(kinds) == len(risks) == len(tiers):
            raise ValueError("every column needs one entry per number")
        self.numbers: tuple[str, ...] = tuple(numbers)
        self.kinds: tuple[NumberKind, ...] = tuple(kinds)
        self.risks: tuple[Risk, ...] = tuple(risks)
        self.tiers: tuple[Tier, ...] = tuple(tiers)
        self._build = build
        self._verdicts: list[Verdict | None] = [None] * len(self.numbers)

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

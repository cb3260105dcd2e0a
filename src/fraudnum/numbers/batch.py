"""Verdicts for whole batches of numbers, column by column.

Carrier jobs classify millions of call records and mostly need each number's
kind and risk; building a full explained :class:`~fraudnum.Verdict` object for
every row would cost more than the classification itself. A
:class:`VerdictBatch` keeps the rows' kind, risk and tier as integer columns
(:class:`~fraudnum.numbers.columns.BatchColumns`, numpy arrays decided in C
without the GIL) and builds a row's explained verdict only when it is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from fraudnum.numbers.columns import (
    KINDS,
    RISKS,
    TIERS,
    ArrowNumbers,
    BatchColumns,
    _context,
    decide_batch,
    row_source,
)
from fraudnum.numbers.outcome import _NON_DIGITS, Precedence, _nfkc
from fraudnum.numbers.parse import NumberParser
from fraudnum.types import Advisor, Channel, Direction, NumberKind, Risk, Tier, Verdict

__all__ = ["VerdictBatch", "classify_rows"]

# Distinct column combinations remembered per context: a million distinct numbers
# have ~3,400; the cap only bounds memory against pathological inputs.
_KNOWN_CODES_LIMIT = 1 << 16


class VerdictBatch(Sequence[Verdict]):
    """The verdicts of one :meth:`Classifier.classify_batch` call.

    Indexing or iterating gives full :class:`~fraudnum.Verdict` objects, built
    on first access and then kept; the columns are there at once.

    Attributes:
        numbers: the inputs, in order (a value of an Arrow input is made when read).
        columns: the integer columns (numpy arrays), for columnar consumers.
    """

    __slots__ = (
        "_build",
        "_code_groups",
        "_crowd",
        "_kinds",
        "_known_codes",
        "_risks",
        "_tiers",
        "_urgent",
        "_verdicts",
        "columns",
        "numbers",
    )

    def __init__(
        self,
        numbers: Sequence[str],
        columns: BatchColumns,
        build: Callable[[int], Verdict],
        known_codes: dict[tuple[int, ...], tuple[str, ...]] | None = None,
        *,
        crowd: Any = None,
        urgent: tuple[str, ...] = (),
    ) -> None:
        """Wrap decided columns; ``build(i)`` makes row ``i``'s verdict when it is read.

        ``crowd`` is :attr:`fraudnum.numbers.columns.DecidedRows.crowd` (None: rows
        decided by crowd marks are grouped one by one). ``urgent`` are the warning
        numbers an international number may imitate (``Precedence.urgent_numbers``).
        """
        if any(len(c) != len(numbers) for c in columns) or (
            crowd is not None and len(crowd) != len(numbers)
        ):
            raise ValueError("every column needs one entry per number")
        self.numbers: Sequence[str] = numbers
        self.columns: BatchColumns = columns
        self._build = build
        # Shared by the batches of one classifier and context (None: this batch alone).
        self._known_codes = known_codes
        self._crowd = crowd
        # The warning numbers an incoming international number may imitate (a reason
        # the columns do not show): rows that may get a grouping key of their own kind.
        self._urgent = urgent
        # Read rows only: a slot per row would cost 8 bytes a row up front.
        self._verdicts: dict[int, Verdict] = {}
        self._kinds: tuple[NumberKind, ...] | None = None
        self._risks: tuple[Risk, ...] | None = None
        self._tiers: tuple[Tier, ...] | None = None
        self._code_groups: tuple[Any, tuple[tuple[str, ...], ...]] | None = None

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
        verdict = self._verdicts.get(i)
        if verdict is None:
            verdict = self._verdicts[i] = self._build(i)
        return verdict

    def __iter__(self) -> Iterator[Verdict]:
        return (self[i] for i in range(len(self)))

    @property
    def kinds(self) -> tuple[NumberKind, ...]:
        """Each number's kind (decoded from :attr:`columns` on first read)."""
        if self._kinds is None:
            self._kinds = tuple(map(KINDS.__getitem__, self.columns.kind.tolist()))
        return self._kinds

    @property
    def risks(self) -> tuple[Risk, ...]:
        """Each number's risk (decoded from :attr:`columns` on first read)."""
        if self._risks is None:
            self._risks = tuple(map(RISKS.__getitem__, self.columns.risk.tolist()))
        return self._risks

    @property
    def tiers(self) -> tuple[Tier, ...]:
        """The precedence tier that decided each risk (decoded on first read)."""
        if self._tiers is None:
            self._tiers = tuple(map(TIERS.__getitem__, self.columns.tier.tolist()))
        return self._tiers

    def code_groups(self) -> tuple[Any, tuple[tuple[str, ...], ...]]:
        """Each row's reason codes as (numpy integer index per row, the distinct code tuples).

        ``distinct[index[i]]`` is ``batch[i].codes``. Rows whose columns are all equal
        share their codes (rule, user rule, tiers, flags and calling code decide them),
        so one verdict is built per distinct combination, and the classifier remembers
        it for later batches in the same context; for rows decided by crowd marks, whose
        category the columns do not hold, the batch's crowd column (category and the
        plan's risk) joins the key. Computed on first call, then kept.
        """
        if self._code_groups is None:
            self._code_groups = self._group_codes()
        return self._code_groups

    def _group_codes(self) -> tuple[Any, tuple[tuple[str, ...], ...]]:
        import numpy as np

        c = self.columns
        n = len(self)
        if n == 0:
            return np.zeros(0, np.int64), ()
        extra = [] if self._crowd is None else [self._crowd]
        key = _row_keys(c, *extra)
        own = np.zeros(n, bool)
        if self._crowd is None:
            # A crowd row's category is not in the columns: its key is its own row.
            own |= c.tier == TIERS.index(Tier.CROWD)
        intl = np.flatnonzero(c.kind == KINDS.index(NumberKind.INTERNATIONAL))
        if len(intl) and self._urgent:
            # Nor whether a foreign number imitates 96110 (a reason more than its
            # neighbours, at the same risk). The test finds a superset of those rows,
            # so each is built on its own rather than grouped with its look-alikes.
            own[intl[_may_imitate(self.numbers, intl, self._urgent)]] = True
        alone = np.flatnonzero(own)
        key[alone] = -1 - alone
        index, rep = _factorize(key)
        distinct: dict[tuple[str, ...], tuple[str, ...]] = {}
        rep_codes = self._rep_codes(rep, key[rep] < 0, [e[rep] for e in extra])
        codes = tuple(distinct.setdefault(t, t) for t in rep_codes)
        return index, codes

    def _rep_codes(self, rep: Any, alone: Any, extra: list[Any]) -> list[tuple[str, ...]]:
        """The codes of each representative row, from the classifier's memory where it can.

        ``alone`` marks the groups of one row whose codes the columns do not decide;
        ``extra`` are the representatives' values of the other grouping keys (crowd
        class, imitation), part of what the memory is keyed on.
        """
        import numpy as np

        build = self._build
        known = self._known_codes
        if known is None:
            return [build(i).codes for i in rep.tolist()]
        c = self.columns
        parts = [p[rep] for p in (c.rule, c.user_rule, c.kind, c.risk, c.tier, c.flags)]
        parts += [c.country_code[rep], *extra]
        values = np.stack([p.astype(np.int64) for p in parts], axis=1).tolist()
        out = []
        for i, v, single in zip(rep.tolist(), values, alone.tolist(), strict=True):
            if single:
                out.append(build(i).codes)
                continue
            k = tuple(v)
            codes = known.get(k)
            if codes is None:
                codes = build(i).codes
                if len(known) < _KNOWN_CODES_LIMIT:
                    known[k] = codes
            out.append(codes)
        return out

    @property
    def codes(self) -> list[tuple[str, ...]]:
        """Each row's reason codes (``batch[i].codes``) without building every verdict.

        Equal tuples are one shared object; see :meth:`code_groups` for the columnar form.
        """
        index, distinct = self.code_groups()
        return [distinct[j] for j in index.tolist()]

    def at_least(self, risk: Risk | str) -> list[int]:
        """Indexes of the numbers whose risk is ``risk`` or higher (e.g. what to block)."""
        floor = Risk(risk)
        import numpy as np

        indexes: list[int] = np.flatnonzero(self.columns.risk >= floor.rank).tolist()
        return indexes

    def risk_counts(self) -> dict[Risk, int]:
        """How many numbers got each risk."""
        import numpy as np

        counts = np.bincount(self.columns.risk, minlength=len(RISKS)).tolist()
        return {r: counts[r.rank] for r in Risk}

    def kind_counts(self) -> dict[NumberKind, int]:
        """How many numbers are of each kind (kinds that occur only)."""
        import numpy as np

        counts = np.bincount(self.columns.kind, minlength=len(KINDS)).tolist()
        return {KINDS[i]: n for i, n in enumerate(counts) if n}

    def to_arrow(self) -> Any:
        """The columns as a ``pyarrow.Table`` (number, kind, risk, tier).

        kind, risk and tier are dictionary arrays over the integer codes, so no
        per-row Python object is made; an Arrow input is the number column as is.

        Raises:
            ImportError: pyarrow is not installed (``pip install pyarrow``).
        """
        try:
            import pyarrow as pa
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("VerdictBatch.to_arrow() needs pyarrow: pip install pyarrow") from e
        import numpy as np

        def coded(codes: Any, members: Sequence[Any]) -> Any:
            values = pa.array([m.value for m in members])
            return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int8)), values)

        numbers = self.numbers
        return pa.table(
            {
                "number": numbers.array
                if isinstance(numbers, ArrowNumbers)
                else pa.array(numbers, pa.string()),
                "kind": coded(self.columns.kind, KINDS),
                "risk": coded(self.columns.risk, RISKS),
                "tier": coded(self.columns.tier, TIERS),
            }
        )

    def __repr__(self) -> str:
        counts = ", ".join(f"{r.value}={n}" for r, n in self.risk_counts().items() if n)
        return f"<VerdictBatch of {len(self)}: {counts}>"


def classify_rows(
    numbers: object,
    parser: NumberParser,
    precedence: Precedence,
    channel: Channel,
    direction: Direction,
    expect_intl: bool,
    advisor: Advisor | None,
    quick: Any = None,
) -> VerdictBatch:
    """Classify caller IDs (str items, or an Arrow string array) into a :class:`VerdictBatch`.

    The results are those of classifying each item on its own. ``quick`` is the
    classifier's compiled single-verdict builder (``numbers.quick``), if any: a row
    read is built by it where it can, else through the parser.
    """
    rows = row_source(numbers)
    decided = decide_batch(rows, parser, precedence, channel, direction, expect_intl)
    sms, outgoing = channel is Channel.SMS, direction is Direction.OUTGOING

    def build(i: int) -> Verdict:
        if quick is not None:
            verdict: Verdict | None = quick.verdict(rows[i], sms, outgoing, expect_intl)
            if verdict is not None:
                return verdict
        parsed = parser.parse(rows[i])
        outcome = precedence.of_parsed(parsed, channel, direction, expect_intl)
        return outcome.verdict(parsed.info, channel, direction, advisor)

    known = _context(parser, precedence, channel, direction, expect_intl).known_codes
    urgent = precedence.urgent_numbers if direction is Direction.INCOMING else ()
    return VerdictBatch(rows, decided.columns, build, known, crowd=decided.crowd, urgent=urgent)


def _may_imitate(numbers: Sequence[str], rows: Any, urgent: tuple[str, ...]) -> Any:
    """For each of ``rows``, whether its digits hold a warning number (numpy bool).

    A superset of the rows whose canonical digits end with one (``imitated_warning``):
    the canonical digits are a run of the written ones, after NFKC. In C (pyarrow) for
    Arrow input or when pyarrow is loaded, else one regex a row.
    """
    import sys

    import numpy as np

    pa = sys.modules.get("pyarrow")
    strings = None
    if isinstance(numbers, ArrowNumbers):
        strings = numbers.array.take(rows)
    elif pa is not None:
        try:
            strings = pa.array([numbers[i] for i in rows.tolist()], pa.string())
        except (pa.ArrowException, UnicodeError):  # a lone surrogate: not UTF-8
            strings = None
    if strings is not None:
        import pyarrow.compute as pc

        if not pc.all(pc.string_is_ascii(strings)).as_py():
            strings = pc.utf8_normalize(strings, "NFKC")
        # "9, 6, 1, 1, 0 with anything but digits between": one match, 5x faster than
        # deleting the non-digits and then searching.
        pattern = "|".join(r"\D*".join(u) for u in urgent)
        hit = pc.match_substring_regex(strings, pattern)
        return np.asarray(hit.to_numpy(zero_copy_only=False), bool)
    found = [_NON_DIGITS.sub("", _nfkc(numbers[i])) for i in rows.tolist()]
    return np.array([any(u in d for u in urgent) for d in found], bool)


def _row_keys(c: BatchColumns, *extra: Any) -> Any:
    """One int64 per row, equal exactly when all the row's columns (and ``extra``) are equal.

    The columns are packed at the widths their values need (a batch without user rules
    spends no bits on them); past 62 bits, each column is first replaced by its rank
    among the column's distinct values, which always fits (n² < 2⁶²).
    """
    import numpy as np

    # rule and user_rule are -1 for none: +1 makes them non-negative.
    parts: list[Any] = [c.rule, c.user_rule, c.kind, c.risk, c.tier, c.flags, c.country_code]
    offsets = [1, 1, 0, 0, 0, 0, 0]
    parts.extend(extra)  # non-negative
    offsets.extend(0 for _ in extra)
    widths = [(int(p.max()) + o).bit_length() for p, o in zip(parts, offsets, strict=True)]
    if sum(widths) > 62:
        ranks = [np.unique(p, return_inverse=True)[1].reshape(-1) for p in parts]
        key = np.zeros(len(c.kind), np.int64)
        for r in ranks:
            key = key * (int(r.max()) + 1) + r
            key = np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)
        return key
    key = np.zeros(len(c.kind), np.int64)
    for p, o, w in zip(parts, offsets, widths, strict=True):
        if w:
            # The low w bits are zero after the shift: adding the value sets them.
            np.left_shift(key, w, out=key)
            np.add(key, p, out=key, casting="unsafe")
            if o:
                key += o
    return key


def _factorize(key: Any) -> tuple[Any, Any]:
    """(index of each row's group, one row of each group) for int64 keys.

    A hash table (pyarrow's dictionary_encode) when pyarrow is loaded, else one sort.
    """
    import sys

    import numpy as np

    pa = sys.modules.get("pyarrow")
    if pa is not None:
        encoded = pa.array(key).dictionary_encode()
        index = encoded.indices.to_numpy(zero_copy_only=False)  # int32: half the traffic
        rows = np.int32 if len(key) < 2**31 else np.int64
        rep = np.empty(len(encoded.dictionary), np.int64)
        rep[index] = np.arange(len(key), dtype=rows)  # any row of a group will do
        return index, rep
    _, rep, index = np.unique(key, return_index=True, return_inverse=True)
    return index.reshape(-1).astype(np.int64), rep

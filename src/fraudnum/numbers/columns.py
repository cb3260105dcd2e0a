"""Batch verdicts as integer columns: the codes, the C core's tables and its Python twin.

A batch row's kind, risk and tier are small integer codes in numpy arrays
(:class:`BatchColumns`), with the matched rule, the user's rule, the parser's
flags and the calling code beside them. The compiled canonicaliser
(``fraudnum._canon.Canonicaliser.classify_columns``) fills them without the GIL
from per-context tables built here from ``Precedence.decide``, so it
applies the same tiers as :meth:`fraudnum.Classifier.classify`. Rows it cannot decide
(letters, unusual scripts, unknown calling codes) and, without the compiled
core, every row go through :func:`fill_row`, the pure-Python reference: the
Python parser and ``Precedence.of_parsed``, one row at a time.

With a tag store, both also give each row its store key (:func:`store_key` of
its canonical digits), and :func:`crowd_tier` then applies the crowd marks to
the whole batch: one ``lookup_batch`` per 262,144 rows, in C without the GIL
for a :class:`fraudnum.tags.TagStore`, instead of a lookup per row.

numpy is imported when a batch is first classified, not with ``fraudnum``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from fraudnum import _core
from fraudnum.numbers.outcome import Precedence, context_risk
from fraudnum.numbers.parse import NumberParser
from fraudnum.types import Channel, Direction, NumberKind, Risk, Tier

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "FLAG_BITS",
    "KINDS",
    "NO_STORE_KEY",
    "PENDING",
    "RISKS",
    "TIERS",
    "ArrowNumbers",
    "BatchColumns",
    "BatchContext",
    "DecidedRows",
    "crowd_tier",
    "decide_batch",
    "decide_rows",
    "empty_columns",
    "fill_row",
    "row_source",
    "store_key",
]

#: Kind code ``i`` is ``KINDS[i]``.
KINDS: tuple[NumberKind, ...] = tuple(NumberKind)
#: Risk code ``i`` is ``RISKS[i]``; the codes are the ranks, so they compare as risks do.
RISKS: tuple[Risk, ...] = tuple(sorted(Risk, key=lambda r: r.rank))
#: Tier code ``i`` is ``TIERS[i]``.
TIERS: tuple[Tier, ...] = tuple(Tier)
#: The kind code of a row not decided yet (never left in a finished batch).
PENDING = 255

#: The ``flags`` column's bits and the ``NumberInfo.flags`` name of each; bits 8-15
#: hold the IP-dial prefix's index + 1. The compiled core's own values where it is
#: built (a test holds these to them).
FLAG_BITS: tuple[tuple[int, str], ...] = (
    (1, "plus"),
    (2, "00"),
    (4, "country_code_86"),
    (8, "trunk_zero_mobile"),
    (16, "redundant_trunk_zero"),
    (32, "normalised"),
    (128, "tel_uri"),
)
if _core.canon is not None:
    FLAG_BITS = _core.canon.FLAG_NAMES

#: A tag store's numeric key (docs/tags.md, "Numeric keys"): ``len(digits) << 57 |
#: int(digits)`` for 1-17 digits. Numbers sit below the tag store in the layers, so
#: the formula is spelled here too; a test holds it to ``fraudnum.tags.number_key``.
_KEY_SHIFT = 57
_KEY_MAX_DIGITS = 17
#: The store key of a row with no number, or too many digits for a key: none is stored.
NO_STORE_KEY = (1 << 64) - 1
if _core.canon is not None:
    NO_STORE_KEY = _core.canon.NO_STORE_KEY
# Rows looked up in one lookup_batch call: bounds the lookup's temporaries.
_LOOKUP_CHUNK = 1 << 18

_KIND_CODE = {k: i for i, k in enumerate(KINDS)}
_TIER_CODE = {t: i for i, t in enumerate(TIERS)}
_FLAG_BIT = {name: bit for bit, name in FLAG_BITS}
_NO_CODE = 255


class BatchColumns(NamedTuple):
    """A batch's verdicts as integer columns, one entry per row (numpy arrays).

    The stable, copy-free view for columnar consumers (Arrow, Parquet, pandas):
    decode ``kind``/``risk``/``tier`` with :data:`KINDS`, :data:`RISKS` and
    :data:`TIERS`; ``rule`` indexes :attr:`fraudnum.Classifier.builtin_rules` and
    ``user_rule`` :attr:`fraudnum.Classifier.user_rules` (-1: none matched, or the row
    is hidden or malformed).

    Attributes:
        kind: uint8 kind codes.
        risk: uint8 risk codes (the rank: 0 trusted to 3 high).
        tier: uint8 tier codes.
        rule: int32 index of the numbering-plan row that matched, or -1.
        user_rule: int32 index of the user's rule that matched, or -1.
        flags: uint16 :data:`FLAG_BITS` of how the number was written.
        country_code: uint16 calling code (86 for the mainland), 0 for none.
    """

    kind: npt.NDArray[np.uint8]
    risk: npt.NDArray[np.uint8]
    tier: npt.NDArray[np.uint8]
    rule: npt.NDArray[np.int32]
    user_rule: npt.NDArray[np.int32]
    flags: npt.NDArray[np.uint16]
    country_code: npt.NDArray[np.uint16]

    def core_outputs(self) -> tuple[Any, ...]:
        """The columns in the order ``Canonicaliser.classify_columns`` takes them."""
        return (
            self.rule,
            self.user_rule,
            self.flags,
            self.country_code,
            self.kind,
            self.risk,
            self.tier,
        )


def empty_columns(n: int, *, filled: bool = True) -> BatchColumns:
    """Columns for ``n`` rows, every row pending.

    ``filled=False`` leaves the memory as it is, for a writer that sets every
    column of every row (the C core): its pages are then first touched in the
    GIL-free loop, not here.
    """
    import numpy as np

    if not filled:
        return BatchColumns(
            np.empty(n, np.uint8),
            np.empty(n, np.uint8),
            np.empty(n, np.uint8),
            np.empty(n, np.int32),
            np.empty(n, np.int32),
            np.empty(n, np.uint16),
            np.empty(n, np.uint16),
        )
    return BatchColumns(
        np.full(n, PENDING, np.uint8),
        np.zeros(n, np.uint8),
        np.zeros(n, np.uint8),
        np.full(n, -1, np.int32),
        np.full(n, -1, np.int32),
        np.zeros(n, np.uint16),
        np.zeros(n, np.uint16),
    )


def store_key(digits: str) -> int:
    """The tag-store key of canonical digits (:data:`NO_STORE_KEY` past 17 digits)."""
    if not 0 < len(digits) <= _KEY_MAX_DIGITS:
        return NO_STORE_KEY
    return (len(digits) << _KEY_SHIFT) | int(digits)


def _key_digits(key: int) -> str:
    return str(key & ((1 << _KEY_SHIFT) - 1)).zfill(key >> _KEY_SHIFT)


class _ArrowChunk(NamedTuple):
    offsets: Any  # numpy int32 or int64, one more than rows
    data: Any  # numpy uint8
    large: bool


class ArrowNumbers(Sequence[str]):
    """A pyarrow string array seen as a sequence of str (a value is made when read)."""

    __slots__ = ("array", "chunks")

    def __init__(self, array: Any, chunks: list[Any]) -> None:
        self.array = array
        self.chunks = chunks

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        value: str = self.array[range(len(self))[index]].as_py()
        return value


def row_source(numbers: object) -> Sequence[str]:
    """The batch's rows: a tuple of str, or :class:`ArrowNumbers` over an Arrow array.

    Raises:
        TypeError: an Arrow array that is not of strings, or has nulls.
    """
    module = type(numbers).__module__
    if module.startswith("pyarrow"):
        return _arrow_source(numbers)
    if isinstance(numbers, str):
        raise TypeError("numbers must be a list of str, not one str")
    return numbers if isinstance(numbers, tuple) else tuple(numbers)  # type: ignore[arg-type]


def _arrow_source(array: Any) -> ArrowNumbers:
    import numpy as np
    import pyarrow as pa

    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    out = []
    seen = 0
    for chunk in chunks:
        t = chunk.type
        if pa.types.is_string_view(t):
            chunk = chunk.cast(pa.large_string())
            t = chunk.type
        if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
            raise TypeError(f"numbers must be an Arrow array of strings, not {t}")
        if chunk.null_count:
            i = seen + chunk.is_null().index(True).as_py()
            raise TypeError(f"numbers[{i}] is null: every row needs a caller ID string")
        large = pa.types.is_large_string(t)
        _, offsets_buf, data_buf = chunk.buffers()
        offsets = np.frombuffer(offsets_buf, np.int64 if large else np.int32)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(data_buf, np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
        out.append(_ArrowChunk(offsets, data, large))
        seen += len(chunk)
    return ArrowNumbers(array, out)


class BatchContext:
    """What deciding rows needs in one context, built once and kept on the Precedence.

    Args:
        parser: the parser (its canonicaliser and hidden markers).
        precedence: the tiers (the C tables are built from them).
        channel: the channel of the context.
        direction: the direction of the context.
        expect_intl: whether international calls are expected.
    """

    def __init__(
        self,
        parser: NumberParser,
        precedence: Precedence,
        channel: Channel,
        direction: Direction,
        expect_intl: bool,
    ) -> None:
        self.rule_index = {id(r): i for i, r in enumerate(precedence.builtin.rules)}
        #: Reason codes by a row's column values (see VerdictBatch.code_groups), kept
        #: across batches: a stream of batches builds each combination's verdict once.
        self.known_codes: dict[tuple[int, ...], tuple[str, ...]] = {}
        self.user_trie = precedence.user.trie if precedence.user is not None else None
        self.rules: Any = None
        if _core.Canonicaliser is not None and _core.canon is not None:
            self.rules = _core.canon.BatchRules(
                _builtin_tables(precedence, channel, direction),
                _user_tables(precedence, channel, direction),
                _calling_codes(),
                tuple(u.encode("ascii") for u in precedence.urgent_numbers),
                tuple(
                    m.encode("ascii") for m in sorted(parser.hidden_markers) if m.isascii() and m
                ),
                (
                    _KIND_CODE[NumberKind.HIDDEN],
                    _KIND_CODE[NumberKind.MALFORMED],
                    _TIER_CODE[Tier.USER],
                    _TIER_CODE[Tier.BUILTIN],
                ),
                direction is Direction.INCOMING,
                expect_intl,
            )


def _builtin_tables(
    precedence: Precedence, channel: Channel, direction: Direction
) -> tuple[bytes, bytes, bytes, bytes]:
    kind, risk, tier, plain = bytearray(), bytearray(), bytearray(), bytearray()
    for rule in precedence.builtin.rules:
        # The rule's own outcome, as classify() decides it (the region only words reasons).
        outcome = precedence.decide(rule, None, None, channel, direction, False, None)
        kind.append(_KIND_CODE[outcome.kind])
        risk.append(outcome.risk.rank)
        tier.append(_TIER_CODE[outcome.tier])
        base = context_risk(rule, channel, direction)
        plain.append(base.rank if base is not None else outcome.risk.rank)
    return bytes(kind), bytes(risk), bytes(tier), bytes(plain)


def _user_tables(
    precedence: Precedence, channel: Channel, direction: Direction
) -> tuple[bytes, bytes]:
    if precedence.user is None:
        return b"", b""
    kind, risk = bytearray(), bytearray()
    for rule in precedence.user.rules:
        kind.append(_KIND_CODE[rule.kind] if rule.kind is not None else _NO_CODE)
        r = context_risk(rule, channel, direction)
        risk.append(r.rank if r is not None else _NO_CODE)
    return bytes(kind), bytes(risk)


def _calling_codes() -> bytes:
    """One byte per code 0-999: does phonenumbers know it (as regions.country_code_and_region)?"""
    import phonenumbers

    table = bytearray(1000)
    for cc, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
        if 0 < cc < 1000 and regions:
            table[cc] = 1
    return bytes(table)


def _context(
    parser: NumberParser,
    precedence: Precedence,
    channel: Channel,
    direction: Direction,
    expect_intl: bool,
) -> BatchContext:
    key = (channel, direction, expect_intl)
    ctx = precedence.column_tables.get(key)
    if ctx is None:
        ctx = precedence.column_tables[key] = BatchContext(
            parser, precedence, channel, direction, expect_intl
        )
    assert isinstance(ctx, BatchContext)
    return ctx


class DecidedRows(NamedTuple):
    """A batch's columns and what the crowd tier did to them.

    Attributes:
        columns: the rows' columns, crowd tier applied.
        crowd: None without a tag store; else an unsigned column (uint8 for a
            :class:`~fraudnum.tags.TagStore`), 0 for a row the crowd marks did not
            decide, else ``1 + 4 * c + r``: ``c`` a class of equal tags (the
            store's category code), ``r`` the risk code the row had below the
            crowd tier. Rows equal in every column and here share their reason codes.
    """

    columns: BatchColumns
    crowd: Any


def decide_rows(
    rows: Sequence[str],
    parser: NumberParser,
    precedence: Precedence,
    channel: Channel,
    direction: Direction,
    expect_intl: bool,
) -> BatchColumns:
    """Every row's columns: in C where the compiled core can decide, else :func:`fill_row`.

    ``rows`` comes from :func:`row_source`. The result is what classifying each
    row on its own would give.
    """
    return decide_batch(rows, parser, precedence, channel, direction, expect_intl).columns


def decide_batch(
    rows: Sequence[str],
    parser: NumberParser,
    precedence: Precedence,
    channel: Channel,
    direction: Direction,
    expect_intl: bool,
) -> DecidedRows:
    """:func:`decide_rows`, with what the crowd tier decided (for grouping reason codes)."""
    import numpy as np

    ctx = _context(parser, precedence, channel, direction, expect_intl)
    canon: Any = parser.canonicaliser
    in_c = canon is not None and ctx.rules is not None
    # The C core writes every column of every row (a pending row gets -1s and zeros).
    cols = empty_columns(len(rows), filled=not in_c)
    keys = None
    if precedence.tags is not None:
        keys = np.empty(len(rows), np.uint64)
        if not in_c:
            keys.fill(NO_STORE_KEY)
    if in_c:
        out = cols.core_outputs()
        if isinstance(rows, ArrowNumbers):
            start = 0
            for chunk in rows.chunks:
                offsets = {"offsets64" if chunk.large else "offsets32": chunk.offsets}
                canon.classify_columns(
                    ctx.rules,
                    ctx.user_trie,
                    start,
                    *out,
                    data=chunk.data,
                    store_key=keys,
                    **offsets,
                )
                start += len(chunk.offsets) - 1
        else:
            canon.classify_columns(ctx.rules, ctx.user_trie, 0, *out, items=rows, store_key=keys)
        pending = np.flatnonzero(cols.kind == PENDING).tolist()
    else:
        pending = range(len(rows))
    for i in pending:
        fill_row(cols, i, rows[i], parser, precedence, channel, direction, expect_intl, ctx, keys)
    crowd = crowd_tier(cols, keys, precedence) if keys is not None else None
    return DecidedRows(cols, crowd)


def crowd_tier(cols: BatchColumns, keys: npt.NDArray[np.uint64], precedence: Precedence) -> Any:
    """Apply the crowd marks of ``precedence.tags`` to a batch's columns, in place.

    ``keys`` holds each row's store key (from the C core or :func:`fill_row`).
    Rows whose tier the crowd may override (``Precedence.crowd_overrides``) are
    looked up with ``lookup_batch`` (a store's compiled core, without the GIL,
    which sorts a large batch by segment itself, so the store is read in order:
    sorting here as well cost 11-17 ns a key more, 47 against 59-64 ns at 10 M).
    A marked row gets its category's risk (``Precedence.crowd_risk``) and the
    crowd tier, as :meth:`Precedence.of_parsed` gives it one by one. A store
    without ``lookup_batch`` is asked row by row (``lookup_digits``).

    Returns:
        The ``crowd`` column of :class:`DecidedRows`.
    """
    import numpy as np

    tags: Any = precedence.tags
    n = len(keys)
    overridable = np.zeros(256, np.bool_)
    for code, tier in enumerate(TIERS):
        overridable[code] = precedence.crowd_overrides(tier)
    lookup_batch = getattr(tags, "lookup_batch", None)
    if not callable(lookup_batch):
        return _crowd_row_by_row(cols, keys, precedence, overridable)
    crowd_code = _TIER_CODE[Tier.CROWD]
    # 1 + 4 * category + risk: a store's category is 4 bits, so a byte holds it.
    crowd = np.zeros(n, np.uint8)
    risk_of = np.zeros(256, np.uint8)  # by category code, for those found so far
    known = np.zeros(256, np.bool_)
    # In slices, so the lookup's temporaries stay a few MB whatever the batch size.
    for s in range(0, n, _LOOKUP_CHUNK):
        part = slice(s, s + _LOOKUP_CHUNK)
        rows = s + np.flatnonzero(overridable[cols.tier[part]] & (keys[part] != NO_STORE_KEY))
        if not len(rows):
            continue
        found = lookup_batch(keys[rows])
        # The lean form: the tag bytes alone (0: not found, category in the high nibble).
        tag_bytes = found.tags
        hit = np.flatnonzero(tag_bytes)
        if not len(hit):
            continue
        cats = tag_bytes[hit] >> 4
        for c in np.unique(cats).tolist():
            if not known[c]:
                # The category's risk, as classify() reads it: from one of its tags.
                risk_of[c] = precedence.crowd_risk(found[int(hit[np.argmax(cats == c)])]).rank
                known[c] = True
        at = rows[hit]
        crowd[at] = 1 + 4 * cats + cols.risk[at]
        cols.risk[at] = risk_of[cats]
        cols.tier[at] = crowd_code
    return crowd


def _crowd_row_by_row(
    cols: BatchColumns, keys: npt.NDArray[np.uint64], precedence: Precedence, overridable: Any
) -> Any:
    """:func:`crowd_tier` for marks that have only ``lookup_digits`` (int32 crowd column)."""
    import numpy as np

    tags: Any = precedence.tags
    crowd = np.zeros(len(keys), np.int32)
    classes: dict[tuple[str, Risk], int] = {}
    rows = np.flatnonzero(overridable[cols.tier] & (keys != NO_STORE_KEY))
    for i in rows.tolist():
        tag = tags.lookup_digits(_key_digits(int(keys[i])))
        if tag is not None:
            risk = precedence.crowd_risk(tag)
            c = classes.setdefault((tag.code, risk), len(classes))
            crowd[i] = 1 + 4 * c + int(cols.risk[i])
            cols.risk[i] = risk.rank
            cols.tier[i] = _TIER_CODE[Tier.CROWD]
    return crowd


def fill_row(
    cols: BatchColumns,
    i: int,
    raw: str,
    parser: NumberParser,
    precedence: Precedence,
    channel: Channel,
    direction: Direction,
    expect_intl: bool,
    ctx: BatchContext | None = None,
    keys: npt.NDArray[np.uint64] | None = None,
) -> None:
    """Row ``i``'s columns from the Python parser and the tiers (the C core's reference).

    As the C core, it leaves out the crowd tier (:func:`crowd_tier` applies it
    to the whole batch) and, given ``keys``, writes the row's store key there.
    """
    if not isinstance(raw, str):
        raise TypeError(f"numbers[{i}] must be str, not {type(raw).__name__}")
    if ctx is None:
        ctx = _context(parser, precedence, channel, direction, expect_intl)
    parsed = parser.parse(raw)
    if parsed.status == "malformed":
        # Kind and risk only: the reasons (their detail) are built if the row is read.
        cols.kind[i] = _KIND_CODE[NumberKind.MALFORMED]
        cols.risk[i] = precedence.malformed_risk(raw).rank
        cols.tier[i] = _TIER_CODE[Tier.BUILTIN]
        return
    outcome = precedence.of_parsed(parsed, channel, direction, expect_intl, crowd=False)
    cols.kind[i] = _KIND_CODE[outcome.kind]
    cols.risk[i] = outcome.risk.rank
    cols.tier[i] = _TIER_CODE[outcome.tier]
    if parsed.status != "ok" or parsed.rule is None:
        return
    info = parsed.info
    if keys is not None:
        keys[i] = store_key(info.digits)
    cols.rule[i] = ctx.rule_index[id(parsed.rule)]
    if ctx.user_trie is not None:
        cols.user_rule[i] = ctx.user_trie.lookup(info.digits)
    bits = 0
    for name in info.flags:
        bits |= _FLAG_BIT.get(name, 0)
    if info.dial_prefix is not None:
        bits |= (parser.dial_prefixes.index(info.dial_prefix) + 1) << 8
    cols.flags[i] = bits
    cols.country_code[i] = info.country_code or 0

"""The seam: one Arrow string array in, verdict columns out.

Everything above this module (chunks, tables, dictionary inputs, Spark, files)
deals in Arrow arrays; only these two functions turn values into verdicts. They
run on the public batch API: numbers go to :meth:`~fraudnum.Classifier.classify_batch`
as the Arrow array itself, whose buffers the compiled core reads without making a
``str`` per value, and the verdict columns come from the batch's integer columns;
SMS texts are read with one ``to_pylist()`` per array and classified one by one
with :meth:`~fraudnum.Classifier.classify_sms`.

The outputs are built column-wise too: verdict parts are shared objects (enum
members, the reason-code tuples of shared outcomes), so each column is a few
distinct values; they are dictionary-encoded by identity in C and expanded
with ``take``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from fraudnum.classifier import Classifier
from fraudnum.numbers.columns import KINDS, RISKS, TIERS
from fraudnum.types import Channel, Direction, NumberKind, Risk, SmsCategory, Tier

__all__ = [
    "NO_VALUE",
    "enum_type",
    "number_column_chunks",
    "number_columns",
    "number_fields",
    "pyarrow",
    "sms_columns",
    "sms_fields",
]

_T = TypeVar("_T")

#: The reason code put first on the verdict of a null row.
NO_VALUE = "no_value"

# Dictionary indices: int8 holds every member of each enum (and the schema stays
# the same for every chunk, so chunks concatenate and stream into one file).
_ENUMS: dict[str, type[Any]] = {
    "kind": NumberKind,
    "risk": Risk,
    "tier": Tier,
    "category": SmsCategory,
}


def pyarrow() -> Any:
    """The ``pyarrow`` module, or an ImportError that says how to install it."""
    try:
        import pyarrow as pa
        import pyarrow.compute  # pa.compute is a submodule, loaded only by name
    except ImportError as e:
        raise ImportError(
            "fraudnum.arrow needs pyarrow: pip install 'fraudnum[arrow]' (or pip install pyarrow)"
        ) from e
    return pa


def enum_type(name: str) -> Any:
    """The Arrow type of an enum column: ``dictionary<int8, string>``."""
    pa = pyarrow()
    return pa.dictionary(pa.int8(), pa.string())


def _enum_dictionary(name: str) -> Any:
    pa = pyarrow()
    return pa.array([m.value for m in _ENUMS[name]], pa.string())


def number_fields() -> list[Any]:
    """The fields of a number verdict: kind, risk, tier, reasons, blockable."""
    pa = pyarrow()
    return [
        pa.field("kind", enum_type("kind"), nullable=False),
        pa.field("risk", enum_type("risk"), nullable=False),
        pa.field("tier", enum_type("tier"), nullable=False),
        pa.field("reasons", pa.list_(pa.string()), nullable=False),
        pa.field("blockable", pa.bool_(), nullable=False),
    ]


def sms_fields() -> list[Any]:
    """The fields of an SMS verdict: category, risk, reasons, tags, blockable."""
    pa = pyarrow()
    return [
        pa.field("category", enum_type("category"), nullable=False),
        pa.field("risk", enum_type("risk"), nullable=False),
        pa.field("reasons", pa.list_(pa.string()), nullable=False),
        pa.field("tags", pa.list_(pa.string()), nullable=False),
        pa.field("blockable", pa.bool_(), nullable=False),
    ]


def _by_identity(objs: Sequence[_T]) -> tuple[Any, list[_T]]:
    """Indices (NumPy int32) into the distinct objects of ``objs``, compared by identity."""
    import numpy as np

    pa = pyarrow()
    ids = np.fromiter(map(id, objs), np.int64, count=len(objs))
    encoded = pa.array(ids).dictionary_encode()
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    k = len(encoded.dictionary)
    # Where each distinct object first occurs, found in C: a scan per object while
    # they are few, one sort otherwise.
    if k <= 64:
        first = [int(np.argmax(indices == j)) for j in range(k)]
    else:
        first = np.unique(indices, return_index=True)[1].tolist()
    return indices, [objs[i] for i in first]


def _enum_column(name: str, members: Sequence[Any]) -> Any:
    pa = pyarrow()
    dictionary = _enum_dictionary(name)
    # The members are str enums: pyarrow reads them as their values, in C.
    indices = pa.compute.index_in(pa.array(members, pa.string()), value_set=dictionary)
    return pa.DictionaryArray.from_arrays(indices.cast(pa.int8()), dictionary)


def _list_column(tuples: Sequence[tuple[str, ...]], no_value_rows: Sequence[int] = ()) -> Any:
    """A ``list<string>`` column of per-row tuples (equal objects shared).

    ``no_value_rows`` get :data:`NO_VALUE` put first (the null rows of the input).
    """
    rows, distinct = _by_identity(tuples)
    if no_value_rows:
        rows, distinct = _mark_no_value(rows, distinct, no_value_rows)
    return _grouped_list_column(rows, distinct)


def _grouped_list_column(rows: Any, distinct: Sequence[tuple[str, ...]]) -> Any:
    """A ``list<string>`` column where row ``i`` is ``distinct[rows[i]]``.

    Built from offsets and one ``take`` of the distinct strings: no Python object per row.
    """
    return _list_builder(distinct)(rows)


def _list_builder(distinct: Sequence[tuple[str, ...]]) -> Any:
    """A function of ``rows`` (indices into ``distinct``) giving :func:`_grouped_list_column`.

    The distinct tuples become one small ``list<string>`` array, once; a column is then
    one ``take`` of it, in C (offsets and strings gathered together: 4x faster than
    building the offsets and the child indices with numpy at 10 M rows).
    """
    import numpy as np

    pa = pyarrow()
    lists = pa.array([list(t) for t in distinct], pa.list_(pa.string()))

    def build(rows: Any) -> Any:
        # int32 indices: take over int64 ones costs twice as much.
        return lists.take(pa.array(np.asarray(rows, np.int32)))

    return build


def _null_rows(array: Any) -> list[int]:
    if array.null_count == 0:
        return []
    pc = pyarrow().compute
    return list(pc.indices_nonzero(array.is_null()).to_pylist())


def number_columns(
    classifier: Classifier,
    numbers: Any,
    *,
    channel: Channel | str = Channel.CALL,
    direction: Direction | str = Direction.INCOMING,
    expect_international: bool = False,
) -> list[Any]:
    """Verdict columns (:func:`number_fields`) for an Arrow string array of caller IDs.

    A null is classified as a withheld number (what an empty caller-ID field
    means), with ``no_value`` as its first reason.
    """
    return number_column_chunks(
        classifier,
        [numbers],
        channel=channel,
        direction=direction,
        expect_international=expect_international,
    )[0]


def number_column_chunks(
    classifier: Classifier,
    pieces: Sequence[Any],
    *,
    channel: Channel | str = Channel.CALL,
    direction: Direction | str = Direction.INCOMING,
    expect_international: bool = False,
) -> list[list[Any]]:
    """:func:`number_columns` of each of several Arrow string arrays, decided as one batch.

    Reason codes come from one verdict per distinct combination of a row's columns;
    grouping the pieces together builds each combination once for the whole input
    instead of once a piece (a million rows in 64 k chunks share ~3,400 of them,
    but each chunk alone needs ~2,000).
    """
    import numpy as np

    pa = pyarrow()
    if not pieces:
        return []
    whole = pa.chunked_array(list(pieces), pa.string())
    # The Arrow buffers go to the compiled core as they are: no str per value.
    batch = classifier.classify_batch(
        pa.compute.fill_null(whole, ""),
        channel=channel,
        direction=direction,
        expect_international=expect_international,
    )
    cols = batch.columns
    index, grouped = batch.code_groups()
    distinct: Sequence[tuple[str, ...]] = grouped
    if whole.null_count:
        nulls = np.flatnonzero(whole.is_null().to_numpy(zero_copy_only=False))
        index, distinct = _mark_no_value(index, distinct, nulls)
    never = TIERS.index(Tier.NEVER_BLOCK)
    kind = _coded_column("kind", cols.kind, KINDS)
    risk = _coded_column("risk", cols.risk, RISKS)
    tier = _coded_column("tier", cols.tier, TIERS)
    blockable = pa.array(np.asarray(cols.tier) != never, pa.bool_())
    reasons = _list_builder(distinct)
    out = []
    start = 0
    for piece in pieces:
        n = len(piece)
        # Slices share the whole columns' buffers; the list column is built per
        # piece, so its string data never outgrows 32-bit offsets.
        out.append(
            [
                kind.slice(start, n),
                risk.slice(start, n),
                tier.slice(start, n),
                reasons(index[start : start + n]),
                blockable.slice(start, n),
            ]
        )
        start += n
    return out


def _coded_column(name: str, codes: Any, members: Sequence[Any]) -> Any:
    """A dictionary column from a batch's integer codes (``members[code]``), in C."""
    import numpy as np

    pa = pyarrow()
    enum: Any = _ENUMS[name]
    position = {m: i for i, m in enumerate(enum)}
    remap = np.array([position[m] for m in members], np.int8)
    return pa.DictionaryArray.from_arrays(pa.array(remap[codes]), _enum_dictionary(name))


def _mark_no_value(
    index: Any, distinct: Sequence[tuple[str, ...]], rows: Any
) -> tuple[Any, list[tuple[str, ...]]]:
    """The grouped codes with ``no_value`` first on the null ``rows`` (indices into ``index``)."""
    import numpy as np

    rows = np.asarray(rows, np.int64)
    index = index.copy()
    # One new group per group that has null rows, found in C (a column may be mostly null).
    groups, which = np.unique(index[rows], return_inverse=True)
    out = [*distinct, *((NO_VALUE, *distinct[j]) for j in groups.tolist())]
    index[rows] = len(distinct) + which.reshape(-1)
    return index, out


def sms_columns(classifier: Classifier, texts: Any, senders: Any = None) -> list[Any]:
    """Verdict columns (:func:`sms_fields`) for an Arrow string array of SMS texts.

    ``senders`` is an array of the same length or None; a null sender is an
    unknown one. A null text is classified as the empty message (with its
    sender, if any), with ``no_value`` as its first reason.
    """
    pa = pyarrow()
    pc = pa.compute
    text_values: list[str] = pc.fill_null(texts, "").to_pylist()
    sender_values: list[str | None] = (
        [None] * len(text_values) if senders is None else senders.to_pylist()
    )
    if len(sender_values) != len(text_values):
        raise ValueError("senders must have one entry per text")
    classify = classifier.classify_sms
    cats: list[SmsCategory] = []
    risks: list[Risk] = []
    codes: list[tuple[str, ...]] = []
    tags: list[tuple[str, ...]] = []
    # reasons/tags are fresh tuples per verdict: intern them so equal ones share.
    interned: dict[tuple[str, ...], tuple[str, ...]] = {}
    keep = interned.setdefault
    # Each verdict is dropped once read: a million live verdicts (reasons, spans,
    # URLs) would make the garbage collector rescan them all, again and again.
    for text, sender in zip(text_values, sender_values, strict=True):
        v = classify(text, sender=sender)
        cats.append(v.category)
        risks.append(v.risk)
        c = v.codes
        codes.append(keep(c, c))
        t = v.tags
        tags.append(keep(t, t))
    category = _enum_column("category", cats)
    warning = pa.scalar(list(SmsCategory).index(SmsCategory.WARNING), pa.int8())
    return [
        category,
        _enum_column("risk", risks),
        _list_column(codes, no_value_rows=_null_rows(texts)),
        _list_column(tags),
        pc.not_equal(category.indices, warning),
    ]

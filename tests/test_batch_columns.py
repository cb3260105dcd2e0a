"""The columnar batch path: C columns against the Python twin and against classify().

``Canonicaliser.classify_columns`` (compiled) decides rows into integer columns
without the GIL; :func:`fraudnum.numbers.columns.fill_row` is its pure-Python
reference. Every batch row must say what ``classify()`` says of that number,
for list and Arrow input alike.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fraudnum
from fraudnum import _core
from fraudnum.numbers import columns as colmod
from fraudnum.numbers.columns import KINDS, RISKS, TIERS, BatchColumns, empty_columns, fill_row
from fraudnum.strategies import numbers as number_strategy
from fraudnum.types import Channel, Direction, NumberKind, Risk, Tier

compiled = pytest.mark.skipif(_core.canon is None, reason="needs the compiled core")

WRITTEN = st.one_of(
    number_strategy(formatted=True),
    number_strategy(),
    number_strategy(kind="hidden"),
    number_strategy(kind="malformed"),
)
CONTEXTS = st.tuples(
    st.sampled_from(["call", "sms"]),
    st.sampled_from(["incoming", "outgoing"]),
    st.booleans(),
)
SAMPLE = [
    "13912345678",
    "+86 139 1234 5678",
    "0086-10-65612308",
    "(010) 6561-2308",
    "１３９１２３４５６７８",
    "tel:+8610-65612308",
    "010-65612308-8001",
    "17951 13912345678",
    "95588",
    "96110",
    "025-96110",
    "12381",
    "110",
    "4008108888",
    "1069012345",
    "+1 415 555 0123",
    "+1 415 559 6110",  # dressed as 96110, in columns equal to the row above
    "0044 20 7946 0958",
    "+999 1234 5678",
    "00196110",
    "Unknown",
    "匿名",
    "-2",
    "\u200b-2",
    "",
    "   ",
    "abc",
    "1234",
    "9996110",
    "1" * 200,
    "📞13912345678",
    # junk decided in C as surely malformed, and its near misses
    "138****5678",
    "400-xxx-xxxx",
    "#31#13912345678",
    "abc96110",
    "13912345678\x00",
    "\x1c13912345678\x1f",
    "tel:+8613912345678;phone-context=abc",
    "Unｋnown",
    "UNKNOWN",
    "No Caller ID",
    "+86 139 1234 5678 ext. 12",
    "010 6561 2308 Ext 12",
    "0755_8765_4321",
    "[010]65612308",
]


def _with_lists() -> fraudnum.Classifier:
    return fraudnum.Classifier(block=["1709", "13912345678"], allow=["4008108888"])


def _rows_of(clf: fraudnum.Classifier, raws: list[str], **ctx: Any) -> list[tuple[int, ...]]:
    cols = clf.classify_codes(raws, **ctx)
    return list(zip(*(c.tolist() for c in cols), strict=True))


def _twin_rows(clf: fraudnum.Classifier, raws: list[str], **ctx: object) -> list[tuple[int, ...]]:
    """Every row through the pure-Python reference (fill_row), then the crowd tier."""
    return list(zip(*(c.tolist() for c in _twin_columns(clf, raws, **ctx)[0]), strict=True))


def _twin_columns(
    clf: fraudnum.Classifier, raws: list[str], **ctx: object
) -> tuple[BatchColumns, Any, Any]:
    """The twin's columns, store keys (None without a store) and crowd column."""
    from fraudnum.classifier import _coerce

    ch = _coerce(Channel, ctx.get("channel", "call"), "channel")
    di = _coerce(Direction, ctx.get("direction", "incoming"), "direction")
    intl = bool(ctx.get("expect_international", False))
    cols = empty_columns(len(raws))
    keys = None
    if clf._precedence.tags is not None:
        keys = np.full(len(raws), colmod.NO_STORE_KEY, np.uint64)
    for i, raw in enumerate(raws):
        fill_row(cols, i, raw, clf._parser, clf._precedence, ch, di, intl, keys=keys)
    crowd = None
    if keys is not None:
        crowd = colmod.crowd_tier(cols, keys, clf._precedence)
    return cols, keys, crowd


@pytest.mark.parametrize("user", [False, True])
def test_columns_match_the_python_twin_on_the_sample(user):
    """C columns == the reference's columns, row for row, every column."""
    clf = _with_lists() if user else fraudnum.Classifier()
    for ctx in ({}, {"channel": "sms"}, {"direction": "outgoing"}, {"expect_international": True}):
        assert _rows_of(clf, SAMPLE, **ctx) == _twin_rows(clf, SAMPLE, **ctx)


@settings(max_examples=150, deadline=None)
@given(st.lists(WRITTEN, max_size=30), CONTEXTS, st.booleans())
def test_columns_match_the_python_twin(raws, context, user):
    """The compiled columns and the pure-Python twin agree on the strategies' written forms."""
    channel, direction, intl = context
    ctx = {"channel": channel, "direction": direction, "expect_international": intl}
    clf = _user_clf() if user else fraudnum.default_classifier()
    assert _rows_of(clf, raws, **ctx) == _twin_rows(clf, raws, **ctx)


_USER: list[fraudnum.Classifier] = []


def _user_clf() -> fraudnum.Classifier:
    if not _USER:
        _USER.append(_with_lists())
    return _USER[0]


@settings(max_examples=150, deadline=None)
@given(st.lists(WRITTEN, max_size=30), CONTEXTS, st.booleans())
def test_every_batch_row_says_what_classify_says(raws, context, user):
    """Kind, risk, tier, rule and calling code of each row are classify()'s; so is its verdict."""
    channel, direction, intl = context
    ctx = {"channel": channel, "direction": direction, "expect_international": intl}
    clf = _user_clf() if user else fraudnum.default_classifier()
    batch = clf.classify_batch(raws, **ctx)
    rules = {id(r): i for i, r in enumerate(clf.builtin_rules)}
    for i, raw in enumerate(raws):
        single = clf.classify(raw, **ctx)
        assert (batch.kinds[i], batch.risks[i], batch.tiers[i]) == (
            single.kind,
            single.risk,
            single.tier,
        ), raw
        parsed = clf._parser.parse(raw)
        want_rule = rules[id(parsed.rule)] if parsed.status == "ok" and parsed.rule else -1
        assert batch.columns.rule[i] == want_rule, raw
        assert batch.columns.country_code[i] == (single.number.country_code or 0), raw
        assert batch[i] == single


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(WRITTEN, st.sampled_from(SAMPLE)), max_size=40), CONTEXTS, st.booleans())
def test_batch_codes_are_each_rows_codes(raws, context, user):
    """The grouped codes column gives every row classify()'s reason codes, in order."""
    channel, direction, intl = context
    ctx = {"channel": channel, "direction": direction, "expect_international": intl}
    clf = _user_clf() if user else fraudnum.default_classifier()
    batch = clf.classify_batch(raws, **ctx)
    assert batch.codes == [clf.classify(raw, **ctx).codes for raw in raws]
    index, distinct = batch.code_groups()
    assert [distinct[j] for j in index] == batch.codes
    # Equal code tuples are one shared object, not one per row.
    assert len({id(t) for t in batch.codes}) == len(set(batch.codes))


def _counting_builds(batch: Any) -> list[int]:
    """The rows whose verdict ``batch`` builds from now on."""
    built: list[int] = []
    build = batch._build

    def counting(i: int) -> Any:
        built.append(i)
        return build(i)

    batch._build = counting
    return built


def test_later_batches_reuse_the_codes_of_earlier_ones():
    """A stream of batches builds each column combination's verdict once per context."""
    clf = _with_lists()  # a fresh classifier: nothing remembered yet
    first = clf.classify_batch(SAMPLE)
    assert first.codes == [clf.classify(raw).codes for raw in SAMPLE]
    again = clf.classify_batch(list(reversed(SAMPLE)))
    built = _counting_builds(again)
    assert again.codes == [clf.classify(raw).codes for raw in reversed(SAMPLE)]
    # Only rows the columns do not decide (an international number holding a warning
    # number's digits) are built again.
    international = KINDS.index(NumberKind.INTERNATIONAL)
    assert all(again.columns.kind[i] == international for i in built)
    assert len(built) < len(set(first.codes))
    # Another context has its own memory: its codes are built afresh.
    sms = clf.classify_batch(SAMPLE, channel="sms")
    built = _counting_builds(sms)
    assert sms.codes == [clf.classify(raw, channel="sms").codes for raw in SAMPLE]
    assert built


IMITATIONS = [
    "+44 20 7946 0958",
    "+44 0796110",  # found by the arrow fuzz target: grouped with the row above
    "+44 079 61 10",
    "+44 ０７９６１１０",
    "tel:+44-0796110;ext=1",
    "+1 415 961 1012",
    "+44 12381 000",
    "+44 7700 012381",
]


@pytest.mark.parametrize("form", ["list", "arrow", "list without pyarrow"])
@pytest.mark.parametrize("direction", ["incoming", "outgoing"])
def test_international_numbers_imitating_a_warning_number_keep_that_reason(
    monkeypatch, form, direction
):
    """The columns do not say whether +44 0796110 imitates 96110: such rows are not grouped."""
    import sys

    clf = fraudnum.Classifier()
    numbers: Any = IMITATIONS
    if form == "arrow":
        numbers = pytest.importorskip("pyarrow").array(IMITATIONS)
    elif form == "list without pyarrow":
        monkeypatch.delitem(sys.modules, "pyarrow", raising=False)
    batch = clf.classify_batch(numbers, direction=direction)
    expected = [clf.classify(raw, direction=direction).codes for raw in IMITATIONS]
    assert batch.codes == expected
    if direction == "incoming":
        assert sum("imitates_warning_number" in c for c in expected) == 5


def test_batch_codes_of_crowd_marked_rows_are_their_own(tmp_path):
    """Crowd rows are not grouped by columns: their category is not in them."""
    from fraudnum.tags import TagStore

    path = tmp_path / "marks.fnt"
    clf = fraudnum.Classifier(
        tags=TagStore.build(
            [
                ("13912345678", "fraud", 1200, "2026-11-30"),
                ("13912345679", "delivery", 3, "2026-11-02"),
            ],
            path,
        )
    )
    raws = ["13912345678", "13912345679", "13912345670"]
    batch = clf.classify_batch(raws)
    assert batch.codes == [clf.classify(r).codes for r in raws]
    assert batch.codes[0] != batch.codes[1]


def test_arrow_input_gives_the_columns_of_a_list():
    """String, large-string, sliced and chunked Arrow arrays: read in place, same columns."""
    pa = pytest.importorskip("pyarrow")
    clf = _with_lists()
    want = _rows_of(clf, SAMPLE)
    assert _rows_of(clf, pa.array(SAMPLE)) == want
    assert _rows_of(clf, pa.array(SAMPLE, pa.large_string())) == want
    sliced = pa.array(["x", *SAMPLE, "y"]).slice(1, len(SAMPLE))
    assert _rows_of(clf, sliced) == want
    chunked = pa.chunked_array([SAMPLE[:7], SAMPLE[7:], []])
    assert _rows_of(clf, chunked) == want
    batch = clf.classify_batch(pa.array(SAMPLE))
    assert list(batch.numbers) == SAMPLE
    assert [v.kind for v in batch] == [clf.classify(s).kind for s in SAMPLE]
    table = batch.to_arrow()
    assert table.column("number").to_pylist() == SAMPLE
    assert table.column("kind").to_pylist() == [k.value for k in batch.kinds]


def test_arrow_nulls_and_other_types_are_refused():
    """A null caller ID or a non-string array is a TypeError naming the row or type."""
    pa = pytest.importorskip("pyarrow")
    with pytest.raises(TypeError, match=r"numbers\[1\] is null"):
        fraudnum.classify_batch(pa.array(["110", None]))
    with pytest.raises(TypeError, match="strings"):
        fraudnum.classify_batch(pa.array([1, 2]))


def test_items_that_are_not_str_are_refused_with_their_index():
    """The error names the row, on the C path and the twin alike."""
    with pytest.raises(TypeError, match=r"numbers\[2\] must be str, not int"):
        fraudnum.classify_batch(["110", "95588", 3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="one str"):
        fraudnum.classify_batch("13912345678")


def test_columns_decode_to_the_enums():
    """Codes index KINDS/RISKS/TIERS; risks compare as ranks; dtypes are the documented ones."""
    cols = fraudnum.default_classifier().classify_codes(["96110", "4008108888", "Unknown"])
    assert isinstance(cols, BatchColumns)
    assert [KINDS[k] for k in cols.kind] == [
        NumberKind.ANTI_FRAUD_CALL,
        NumberKind.ENTERPRISE_400,
        NumberKind.HIDDEN,
    ]
    assert [RISKS[r] for r in cols.risk] == [Risk.TRUSTED, Risk.HIGH, Risk.MEDIUM]
    assert [TIERS[t] for t in cols.tier] == [Tier.NEVER_BLOCK, Tier.BUILTIN, Tier.BUILTIN]
    assert [r.rank for r in RISKS] == [0, 1, 2, 3]
    assert [c.dtype for c in cols] == [
        np.uint8,
        np.uint8,
        np.uint8,
        np.int32,
        np.int32,
        np.uint16,
        np.uint16,
    ]
    assert cols.rule[2] == -1
    assert fraudnum.default_classifier().builtin_rules[cols.rule[0]].prefix == "96110"


def test_batch_summaries_come_from_the_columns():
    """at_least, risk_counts and kind_counts agree with the verdicts."""
    batch = fraudnum.classify_batch(SAMPLE)
    verdicts = list(batch)
    assert batch.at_least("high") == [i for i, v in enumerate(verdicts) if v.risk is Risk.HIGH]
    counts = batch.risk_counts()
    assert counts == {r: sum(v.risk is r for v in verdicts) for r in Risk}
    assert sum(batch.kind_counts().values()) == len(SAMPLE)
    assert batch.kind_counts()[NumberKind.HIDDEN] == sum(
        v.kind is NumberKind.HIDDEN for v in verdicts
    )


def test_empty_batch():
    """No rows: empty columns, nothing to read."""
    batch = fraudnum.classify_batch([])
    assert len(batch) == 0
    assert batch.kinds == ()
    assert batch.risk_counts() == dict.fromkeys(Risk, 0)


def test_two_threads_on_halves_give_the_one_thread_answer():
    """The GIL-free core shares nothing writable between calls."""
    raws = SAMPLE * 300
    clf = fraudnum.default_classifier()
    want = clf.classify_codes(raws)
    half = len(raws) // 2
    got: dict[int, BatchColumns] = {}

    def work(k: int, part: list[str]) -> None:
        got[k] = clf.classify_codes(part)

    threads = [
        threading.Thread(target=work, args=(0, raws[:half])),
        threading.Thread(target=work, args=(1, raws[half:])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, b0, b1 in zip(want, got[0], got[1], strict=True):
        assert np.asarray(a).tolist() == np.asarray(b0).tolist() + np.asarray(b1).tolist()


def test_flag_bits_are_the_compiled_cores():
    """The twin's flag bits are the canonicaliser's own (FLAG_NAMES)."""
    if _core.canon is not None:
        assert colmod.FLAG_BITS == _core.canon.FLAG_NAMES
    names = {name for _, name in colmod.FLAG_BITS}
    assert {"plus", "00", "normalised", "tel_uri"} <= names


@compiled
def test_batch_rules_reject_bad_tables():
    """Tables that would let an index or a code run wild are refused when built."""
    assert _core.canon is not None
    rules = _core.canon.BatchRules
    ok = (b"\x00", b"\x01", b"\x03", b"\x01")
    args = ((b"", b""), bytes(1000), (), (), (0, 1, 1, 3), True, False)
    rules(ok, *args)
    with pytest.raises(ValueError, match="one byte per rule"):
        rules((b"\x00", b"", b"\x03", b"\x01"), *args)
    with pytest.raises(ValueError, match="rank"):
        rules((b"\x00", b"\x07", b"\x03", b"\x01"), *args)
    with pytest.raises(ValueError, match="1000"):
        rules(ok, (b"", b""), b"", *args[2:])


@compiled
def test_classify_columns_checks_its_buffers():
    """Short columns and offsets outside the data are errors, not reads out of bounds."""
    clf = fraudnum.default_classifier()
    canon = clf._parser.canonicaliser
    ctx = colmod._context(clf._parser, clf._precedence, *_default_context())
    cols = empty_columns(1)
    out = cols.core_outputs()
    with pytest.raises(ValueError, match="room"):
        canon.classify_columns(ctx.rules, None, 0, *out, items=("110", "110"))
    data = np.frombuffer(b"110", np.uint8)
    with pytest.raises(ValueError, match="outside"):
        canon.classify_columns(
            ctx.rules, None, 0, *out, offsets32=np.array([0, 9], np.int32), data=data
        )
    with pytest.raises(ValueError, match="outside"):
        canon.classify_columns(
            ctx.rules, None, 0, *out, offsets64=np.array([2, 1], np.int64), data=data
        )
    canon.classify_columns(
        ctx.rules, None, 0, *out, offsets32=np.array([0, 3], np.int32), data=data
    )
    assert KINDS[cols.kind[0]] is NumberKind.EMERGENCY


def _default_context() -> tuple[Channel, Direction, bool]:
    return Channel.CALL, Direction.INCOMING, False


def test_invalid_utf8_bytes_go_to_the_parser():
    """Bytes that are no UTF-8 never pass for digits (Arrow validates; the C reader does too)."""
    pa = pytest.importorskip("pyarrow")
    arr = pa.array(["1391234567\u00e9", "13912345678"])
    got = fraudnum.classify_batch(arr)
    assert got.kinds == (NumberKind.MALFORMED, NumberKind.MOBILE)


@pytest.mark.parametrize("with_arrow", [True, False])
def test_code_groups_factorize_with_and_without_pyarrow(monkeypatch, with_arrow):
    """The hash path (pyarrow loaded) and the sort path group rows alike."""
    import sys

    from fraudnum.numbers import batch as batch_module

    if with_arrow:
        pytest.importorskip("pyarrow")
    else:
        monkeypatch.delitem(sys.modules, "pyarrow", raising=False)
    key = np.array([5, -3, 5, 7, -3, 1 << 61, 5], np.int64)
    index, rep = batch_module._factorize(key)
    assert len(rep) == 4
    assert all(key[rep[index[i]]] == key[i] for i in range(len(key)))
    assert len({int(index[i]) for i in (0, 2, 6)}) == 1


def test_row_keys_past_62_bits_rank_the_columns():
    """Wide columns (big user-rule indexes, every flag) still give equal keys for equal rows."""
    from fraudnum.numbers import batch as batch_module

    cols = empty_columns(4)
    cols.rule[:] = [70000, 70000, 3, 70000]
    cols.user_rule[:] = [2**30, 2**30, 7, 2**30 - 1]
    cols.kind[:] = [1, 1, 2, 1]
    cols.flags[:] = [0xFFFF, 0xFFFF, 1, 0xFFFF]
    cols.country_code[:] = [999, 999, 86, 999]
    key = batch_module._row_keys(cols)
    assert key[0] == key[1]
    assert len({int(k) for k in key}) == 3


# -- with a tag store: the crowd tier over the whole batch ---------------------
#
# The store holds marks on the canonical digits of some of the drawn rows (so
# written forms such as "+86 139 …" or full-width digits hit), plus others.

BACKENDS = st.sampled_from(["auto", "python"])


def _store_of(digits: list[str], data: st.DataObject, backend: Any) -> Any:
    from fraudnum.tags import build, open_store
    from fraudnum.tags import strategies as tst

    table = data.draw(tst.mark_tables(max_size=6), label="other marks")
    if digits:
        marked = data.draw(st.lists(st.sampled_from(digits), unique=True), label="marked")
        for d in marked:
            table[d] = data.draw(tst.marks(), label=d)
    path = tst._tmpdir() / f"batch-{next(tst._COUNTER)}.fntags"
    # Exact days, or the coarse periods of format 2 (their reasons give a range).
    day_bits = data.draw(st.sampled_from([None, 1, 2, 4]), label="day_bits")
    build(tst.marks_arrays(table), path, progress=False, backend=backend, day_bits=day_bits)
    return open_store(path, backend=backend)


def _store_classifier(
    raws: list[str], data: st.DataObject, user: bool, backend: Any
) -> fraudnum.Classifier:
    parser = fraudnum.default_classifier()._parser
    digits = sorted(
        {p.info.digits for p in map(parser.parse, raws) if p.status == "ok" and p.info.digits}
        - {""}
    )
    # Storable digits only (a key holds 1-17); longer ones are never marked.
    store = _store_of([d for d in digits if len(d) <= 17], data, backend)
    if user:
        return fraudnum.Classifier(tags=store, block=["1709", "13912345678"], allow=["4008108888"])
    return fraudnum.Classifier(tags=store)


STORE_ROWS = st.lists(st.one_of(WRITTEN, st.sampled_from(SAMPLE)), max_size=30)


@settings(max_examples=120, deadline=None)
@given(STORE_ROWS, CONTEXTS, st.booleans(), BACKENDS, st.data())
def test_batch_with_a_store_says_what_classify_says(raws, context, user, backend, data):
    """Every row of a store-backed batch: classify()'s kind, risk, tier, codes and verdict."""
    channel, direction, intl = context
    ctx = {"channel": channel, "direction": direction, "expect_international": intl}
    clf = _store_classifier(raws, data, user, backend)
    batch = clf.classify_batch(raws, **ctx)
    singles = [clf.classify(raw, **ctx) for raw in raws]
    assert list(batch.kinds) == [v.kind for v in singles]
    assert list(batch.risks) == [v.risk for v in singles]
    assert list(batch.tiers) == [v.tier for v in singles]
    # The lazy paths: grouped codes first (before any row is read), then rows.
    assert batch.codes == [v.codes for v in singles]
    index, distinct = batch.code_groups()
    assert [distinct[j] for j in index] == batch.codes
    assert len({id(t) for t in batch.codes}) == len(set(batch.codes))
    for i, v in enumerate(singles):
        assert batch[i] == v, raws[i]
        assert batch[i].reasons == v.reasons
    codes = clf.classify_codes(raws, **ctx)
    assert [c.tolist() for c in codes] == [c.tolist() for c in batch.columns]


@settings(max_examples=100, deadline=None)
@given(STORE_ROWS, CONTEXTS, st.booleans(), st.data())
def test_columns_with_a_store_match_the_python_twin(raws, context, user, data):
    """C columns + store keys == fill_row's, and the crowd tier then gives both the same."""
    channel, direction, intl = context
    ctx = {"channel": channel, "direction": direction, "expect_international": intl}
    clf = _store_classifier(raws, data, user, "auto")
    assert _rows_of(clf, raws, **ctx) == _twin_rows(clf, raws, **ctx)
    if _core.canon is None:
        return
    ch, di = Channel(channel), Direction(direction)
    ctxt = colmod._context(clf._parser, clf._precedence, ch, di, intl)
    cols = empty_columns(len(raws), filled=False)
    keys = np.empty(len(raws), np.uint64)
    clf._parser.canonicaliser.classify_columns(
        ctxt.rules, ctxt.user_trie, 0, *cols.core_outputs(), items=tuple(raws), store_key=keys
    )
    _, twin_keys, _ = _twin_columns(clf, raws, **ctx)
    decided = cols.kind != colmod.PENDING
    assert keys[decided].tolist() == twin_keys[decided].tolist()
    assert all(k == colmod.NO_STORE_KEY for k in keys[~decided].tolist())


@settings(max_examples=200, deadline=None)
@given(st.text("0123456789", min_size=1, max_size=20))
def test_store_keys_are_the_tag_stores(digits):
    """The batch's key of canonical digits is fraudnum.tags.number_key's (none past 17)."""
    from fraudnum.tags import number_key

    want = number_key(digits) if len(digits) <= 17 else colmod.NO_STORE_KEY
    assert colmod.store_key(digits) == want
    if len(digits) <= 17:
        assert colmod._key_digits(want) == digits


def test_store_key_constants_are_the_formats():
    """Shift, width and the never-stored key agree with the store's format and the C core."""
    from fraudnum.tags import format as fmt

    assert (colmod._KEY_SHIFT, colmod._KEY_MAX_DIGITS) == (fmt.LEN_SHIFT, fmt.MAX_DIGITS)
    assert colmod.NO_STORE_KEY == (1 << 64) - 1
    assert colmod.NO_STORE_KEY >> fmt.LEN_SHIFT > fmt.MAX_DIGITS  # never a valid key
    if _core.canon is not None:
        assert _core.canon.NO_STORE_KEY == colmod.NO_STORE_KEY


def test_marks_without_lookup_batch_are_asked_row_by_row():
    """Any object with lookup_digits serves as crowd marks for a batch too."""
    from fraudnum.tags import Category, Tag

    fraud = Category(1, "fraud", "诈骗", "fraud", "high")
    tag = Tag(fraud, 1234, True, None)
    asked: list[str] = []

    class Marks:
        def lookup_digits(self, canonical_digits: str) -> Tag | None:
            asked.append(canonical_digits)
            return tag if canonical_digits in {"13912345678", "01065612308"} else None

    clf = fraudnum.Classifier(tags=Marks(), allow=["01065612308"])
    raws = ["+86 139 1234 5678", "13912345679", "010-65612308", "96110", "Unknown"]
    batch = clf.classify_batch(raws)
    assert [v == clf.classify(r) for v, r in zip(batch, raws, strict=True)] == [True] * 5
    assert batch.codes == [clf.classify(r).codes for r in raws]
    assert batch.tiers[:2] == (Tier.CROWD, Tier.BUILTIN)
    assert batch[0].reasons[0].zh == "被 1,234 位用户标记为诈骗"
    # Only the rows the crowd may decide were asked: not the allow-listed one, not 96110.
    assert sorted(set(asked)) == ["13912345678", "13912345679"]


def test_crowd_rows_share_codes_by_category(tmp_path):
    """Crowd rows group by category and by the plan's own risk: one verdict per group.

    harassment and marketing give the same risk (medium), so only the category
    tells their codes apart; the two +44 numbers (one ends in 96110) differ only
    in what the plan said below the crowd tier.
    """
    from fraudnum.tags import TagStore

    mobiles = [f"1391234{i:04d}" for i in range(40)]
    rows = [
        (m, "harassment" if i % 2 else "marketing", 3, "2026-11-30") for i, m in enumerate(mobiles)
    ]
    foreign = ["+44 20 7946 0958", "+44 20 7949 6110"]
    rows += [(n, "harassment", 9, "2026-11-30") for n in foreign]
    clf = fraudnum.Classifier(tags=TagStore.build(rows, tmp_path / "m.fntags", progress=False))
    raws = mobiles + foreign
    built: list[int] = []
    batch = clf.classify_batch(raws, expect_international=True)
    original = batch._build

    def counting(i: int) -> Any:
        built.append(i)
        return original(i)

    batch._build = counting
    assert batch.codes == [clf.classify(r, expect_international=True).codes for r in raws]
    assert len(built) == 4
    assert batch.columns.tier.tolist() == [TIERS.index(Tier.CROWD)] * len(raws)
    assert len(set(batch.risks)) == 1


@pytest.mark.parametrize("first", [0, 1])
@pytest.mark.parametrize("intl", [False, True])
def test_foreign_numbers_dressed_as_96110_keep_their_own_codes(first, intl):
    """+44 … 96110 imitates the warning number; a plain +44 number of the same columns does not.

    Both are HIGH from the plan (an international caller), so the columns alone cannot
    tell them apart; whichever row is read first, each keeps its own reason codes.
    """
    pair = ["+44 20 7946 0958", "+44 20 7949 6110"]
    raws = [pair[first], pair[1 - first], "+44 20 7946 0959", "１３９１２３４５６７８"]
    clf = fraudnum.default_classifier()
    batch = clf.classify_batch(raws, expect_international=intl)
    assert batch.codes == [clf.classify(r, expect_international=intl).codes for r in raws]

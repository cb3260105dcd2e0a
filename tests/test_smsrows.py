"""The SMS hit filter: compiled (fraudnum._smsrows) against its pure-Python twin.

The twin is the reference (its rules are written out plainly, ``fraudnum._pysmsrows``);
Hypothesis feeds both the same rows, texts and hits — Latin neighbours, clause marks,
amounts, links and overlapping hits are made likely — and the results must be equal.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fraudnum import _pysmsrows

try:
    from fraudnum import _smsrows

    COMPILED: type[_pysmsrows.RowFilter] | None = _smsrows.RowFilter  # type: ignore[assignment]
except ImportError:  # pragma: no cover - extension not built
    COMPILED = None

REFERENCE = _pysmsrows.RowFilter
IMPLS = [
    pytest.param(COMPILED, id="compiled", marks=pytest.mark.skipif(COMPILED is None, reason="")),
    pytest.param(REFERENCE, id="reference"),
]
needs_compiled = pytest.mark.skipif(COMPILED is None, reason="compiled extension not built")

# Characters that exercise every rule: Latin letters and digits (ASCII and full width),
# clause marks, amount separators, Chinese text, other scripts' digits (\d is Unicode).
ALPHABET = "aZ09０Ａｚ，。、；！？：\n.,，．转账中心9６١ -"

Row = tuple[int, int, bool, bool, int, bool]  # bound, flen, numeric, negates, cat, negatable
Hit = tuple[int, int, int]
Case = tuple[list[Row], str, list[Hit], list[tuple[int, int]]]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(0, 3),
                st.integers(1, 6),
                st.booleans(),
                st.booleans(),
                st.integers(0, 4),
                st.booleans(),
            ),
            min_size=1,
            max_size=8,
        )
    )
    text = draw(st.text(st.sampled_from(ALPHABET), max_size=40))
    n = len(text)
    raw = draw(
        st.lists(
            st.tuples(st.integers(0, n), st.integers(0, 7), st.integers(0, len(rows) - 1)),
            max_size=25,
        )
    )
    # Hits as the automaton gives them: ordered by end, start, row, spans inside the text.
    hits = sorted({(s, min(n, s + d), v) for s, d, v in raw}, key=lambda h: (h[1], h[0], h[2]))
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=6)))
    urls = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    return rows, text, hits, urls


def _build(
    impl: type[_pysmsrows.RowFilter],
    rows: list[Row],
    free: int = 2,
    most: int = 3,
    reach: int = 24,
) -> _pysmsrows.RowFilter:
    return impl(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
        [r[4] for r in rows],
        free,
        most,
        [r[5] for r in rows],
        reach,
    )


@needs_compiled
@settings(max_examples=400, deadline=None)
@given(cases(), st.integers(-1, 4), st.integers(1, 4), st.integers(0, 12))
def test_compiled_filter_equals_the_twin(case, free, most, reach):
    """keep() and group() give the same hits, flags and rows in both implementations."""
    rows, text, hits, urls = case
    assert COMPILED is not None
    a = _build(COMPILED, rows, free, most, reach)
    b = _build(REFERENCE, rows, free, most, reach)
    kept_a, neg_a = a.keep(text, hits, urls)
    kept_b, neg_b = b.keep(text, hits, urls)
    assert (kept_a, neg_a) == (kept_b, neg_b)
    assert a.group(len(text), kept_a) == b.group(len(text), kept_b)


@needs_compiled
@given(st.characters())
def test_latin_agrees(ch):
    """The compiled and the Python Latin test agree on every code point."""
    assert _smsrows.latin(ch) == _pysmsrows.latin(ch)


@pytest.mark.parametrize("impl", IMPLS)
def test_each_rule_drops_what_it_should(impl):
    """Latin neighbours, clause marks, amounts and links each drop a hit; others stay."""
    # rows: 0 "vx" (Latin both ends), 1 "中心水" (3 chars), 2 "96110" (numeric), 3 "转账"
    numeric = [False, False, True, False]
    f = impl([3, 0, 3, 0], [2, 3, 5, 2], numeric, [False] * 4, [0, 0, 1, 1], -1, 16)
    text = "vxworks 中心，水 余额961.10元 9.6.1.1.0 转账 http://转账.cn"

    def at(word: str, row: int, after: int = 0) -> tuple[int, int, int]:
        s = text.index(word, after)
        return (s, s + len(word), row)

    link = text.index("http")
    number, money = at("9.6.1.1.0", 2), at("转账", 3)
    hits = [
        at("vx", 0),  # vx inside vxworks: dropped
        at("中心，水", 1),  # runs across a comma: dropped
        at("961.10", 2),  # an amount: dropped
        number,  # 9.6.1.1.0: kept (separators inside a number)
        money,  # kept
        at("转账", 3, link),  # inside the link: dropped
    ]
    hits.sort(key=lambda h: (h[1], h[0]))
    kept, negated = f.keep(text, hits, [(link, len(text))])
    assert kept == [number, money]
    assert negated is False


@pytest.mark.parametrize("impl", IMPLS)
def test_group_counts_a_hit_inside_a_longer_one_once(impl):
    """回T inside 回T退订 (same category) is not counted again; a free category always is."""
    f = impl([0, 0, 0], [4, 2, 2], [False] * 3, [False, False, True], [0, 0, 1], 1, 16)
    kept = [(0, 2, 1), (0, 2, 2), (0, 4, 0)]
    assert f.group(4, kept) == {0: [(0, 4)], 2: [(0, 2)]}
    assert f.keep("回T退订", kept, ())[1] is True  # row 2 negates


@pytest.mark.parametrize("impl", IMPLS)
def test_spans_per_row_are_bounded(impl):
    """At most max_spans spans per row, the last ones first."""
    f = impl([0], [1], [False], [False], [0], 0, 2)
    kept = [(i, i + 1, 0) for i in range(5)]
    assert f.group(5, kept) == {0: [(4, 5), (3, 4)]}


@pytest.mark.parametrize("impl", IMPLS)
def test_bad_hits_are_clear_errors(impl):
    """A row out of range or a span outside the text is an error, never a bad read."""
    f = impl([0], [1], [False], [False], [0], -1, 4)
    with pytest.raises(IndexError):
        f.keep("abc", [(0, 1, 1)], ())
    with pytest.raises(IndexError):
        f.keep("abc", [(0, 1, -1)], ())
    with pytest.raises(ValueError, match="outside the text"):
        f.keep("abc", [(2, 9, 0)], ())
    with pytest.raises(ValueError, match="outside the text"):
        f.keep("abc", [(2, 1, 0)], ())
    with pytest.raises(IndexError):
        f.group(3, [(0, 1, 5)])
    with pytest.raises(ValueError, match="one item per row"):
        impl([0], [1, 2], [False], [False], [0], -1, 4)
    with pytest.raises(ValueError, match="max_spans"):
        impl([0], [1], [False], [False], [0], -1, 0)


@pytest.mark.parametrize("impl", IMPLS)
def test_filter_pickles(impl):
    """A filter pickles to one that gives the same answers."""
    f = impl([1, 0], [2, 1], [False, True], [True, False], [0, 3], 3, 5)
    g = pickle.loads(pickle.dumps(f))
    hits = [(0, 2, 0), (3, 4, 1)]
    assert g.keep("ab c", hits, ()) == f.keep("ab c", hits, ())
    assert len(g) == len(f) == 2


# -- proximity ----------------------------------------------------------------------------

try:
    NEAR_COMPILED: type[_pysmsrows.NearRules] | None = _smsrows.NearRules  # type: ignore[assignment]
except NameError:  # pragma: no cover - extension not built
    NEAR_COMPILED = None
NEAR_IMPLS = [
    pytest.param(
        NEAR_COMPILED, id="compiled", marks=pytest.mark.skipif(NEAR_COMPILED is None, reason="")
    ),
    pytest.param(_pysmsrows.NearRules, id="reference"),
]
NearCase = tuple[
    list[list[int]], list[tuple[list[int], int]], dict[int, list[tuple[int, int]]], list[int]
]


@st.composite
def near_cases(draw: st.DrawFn) -> NearCase:
    n_tags = 4
    row_tags = draw(
        st.lists(st.lists(st.integers(0, n_tags - 1), max_size=3), min_size=1, max_size=6)
    )
    rules = draw(
        st.lists(
            st.tuples(
                st.sets(st.integers(0, n_tags - 1), min_size=1, max_size=3).map(sorted),
                st.integers(1, 3),
            ),
            min_size=1,
            max_size=5,
        )
    )
    found = draw(
        st.dictionaries(
            st.integers(0, len(row_tags) - 1),
            st.lists(
                st.tuples(st.integers(0, 40), st.integers(0, 4)).map(lambda p: (p[0], p[0] + p[1])),
                min_size=1,
                max_size=4,
            ),
            max_size=6,
        )
    )
    starts = [0, *sorted(draw(st.sets(st.integers(1, 44), max_size=6)))]
    return row_tags, rules, found, starts


@needs_compiled
@settings(max_examples=400, deadline=None)
@given(near_cases())
def test_compiled_proximity_equals_the_twin_and_window_of(case):
    """Both implementations find the windows the engine's window_of always found."""
    from fraudnum.sms.turns import Units, window_of

    row_tags, rules, found, starts = case
    assert NEAR_COMPILED is not None
    a = NEAR_COMPILED(row_tags, rules, 4)
    b = _pysmsrows.NearRules(row_tags, rules, 4)
    have = b.present(found)
    assert a.present(found) == have
    assert a.todo(have) == b.todo(have)
    every = list(range(len(rules)))
    got = a.windows(found, starts, every)
    assert got == b.windows(found, starts, every)
    units = Units("")
    units.starts = tuple(starts)
    names = "abcd"  # family ids in the order of their names, as the engine numbers them
    for (need, reach), window in zip(rules, got, strict=True):
        hits = [(s, e, names[t]) for v, sp in found.items() for t in row_tags[v] for s, e in sp]
        needed = frozenset(names[t] for t in need)
        hits = [h for h in hits if h[2] in needed]
        assert window == window_of(units, hits, needed, reach)


@pytest.mark.parametrize("impl", NEAR_IMPLS)
def test_proximity_meets_within_reach_only(impl):
    """Two families two sentences apart meet at reach 2, not at reach 1."""
    near = impl([[0], [1]], [([0, 1], 1), ([0, 1], 2)], 2)
    found = {0: [(1, 3)], 1: [(12, 14)]}
    starts = [0, 10, 20]
    assert near.present(found) == 0b11
    assert near.todo(0b01) == ()
    assert near.windows(found, starts, (0, 1)) == [None, (1, 14)]
    assert len(near) == 2
    back = pickle.loads(pickle.dumps(near))
    assert back.windows(found, starts, (0, 1)) == [None, (1, 14)]


@pytest.mark.parametrize("impl", NEAR_IMPLS)
def test_proximity_rejects_bad_input(impl):
    """Bad ids, reaches and rows are clear errors."""
    with pytest.raises(ValueError, match="out of range"):
        impl([[5]], [([0], 1)], 2)
    with pytest.raises(ValueError, match="reach"):
        impl([[0]], [([0], 0)], 1)
    with pytest.raises(ValueError, match="distinct"):
        impl([[0]], [([0, 0], 1)], 1)
    near = impl([[0]], [([0], 1)], 1)
    with pytest.raises(IndexError):
        near.present([3])
    with pytest.raises(IndexError):
        near.windows({3: [(0, 1)]}, [0], (0,))
    with pytest.raises(IndexError):
        near.windows({0: [(0, 1)]}, [0], (4,))


@pytest.mark.parametrize("impl", IMPLS)
def test_a_negating_cue_cancels_the_demands_of_its_clause(impl):
    """切勿 cancels 转账 up to the end of its clause; a demand in the next clause counts."""
    # rows: 0 切勿 (negates), 1 转账 (negatable demand), 2 账户 (not negatable)
    f = impl(
        [0] * 3, [2] * 3, [False] * 3, [True, False, False], [0, 1, 2], -1, 16, [False, True, False]
    )
    text = "切勿转账账户，转账"
    hits = [(0, 2, 0), (2, 4, 1), (4, 6, 2), (7, 9, 1)]
    kept, negated = f.keep(text, hits, ())
    assert negated is True
    assert kept == [(0, 2, 0), (4, 6, 2), (7, 9, 1)]
    short = impl(
        [0] * 3,
        [2] * 3,
        [False] * 3,
        [True, False, False],
        [0, 1, 2],
        -1,
        16,
        [False, True, False],
        1,
    )
    assert short.keep(text, hits, ())[0] == hits  # reach 1: 转账 ends past the cue's reach

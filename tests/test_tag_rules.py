"""The compiled decision tables (fraudnum._smsrows.TagRules) against their pure-Python twin.

The twin is the reference (``fraudnum._pysmsrows.TagRules``); a plain set-based oracle
written here states the rules once more by tag names, as the SMS engine used to apply
them. Hypothesis draws rows, rules and tag sets wide enough to cross 64-bit words.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fraudnum import _pysmsrows

try:
    from fraudnum import _smsrows

    COMPILED: type[_pysmsrows.TagRules] | None = _smsrows.TagRules  # type: ignore[assignment]
except ImportError:  # pragma: no cover - extension not built
    COMPILED = None

REFERENCE = _pysmsrows.TagRules
IMPLS = [
    pytest.param(COMPILED, id="compiled", marks=pytest.mark.skipif(COMPILED is None, reason="")),
    pytest.param(REFERENCE, id="reference"),
]
needs_compiled = pytest.mark.skipif(COMPILED is None, reason="compiled extension not built")

N_CATS = 4
Rule = tuple[list[int], list[int], list[int], int]


@st.composite
def tables(draw: st.DrawFn) -> tuple[int, list[tuple[int, float, list[int]]], list[Rule]]:
    n_tags = draw(st.integers(1, 150))
    tag = st.integers(0, n_tags - 1)
    weight = st.sampled_from([0.0, 0.1, 0.3, 0.7, 1.0, 2.5, -1.0, -0.3, 1e-9])
    rows = draw(
        st.lists(
            st.tuples(st.integers(0, N_CATS - 1), weight, st.lists(tag, max_size=4)),
            min_size=1,
            max_size=12,
        )
    )
    rules = draw(
        st.lists(
            st.tuples(
                st.lists(tag, min_size=1, max_size=3),
                st.lists(tag, max_size=2),
                st.lists(tag, max_size=2),
                st.integers(-1, 3),
            ),
            max_size=12,
        )
    )
    return n_tags, rows, rules


def _build(
    impl: type[_pysmsrows.TagRules],
    n_tags: int,
    rows: list[tuple[int, float, list[int]]],
    rules: list[Rule],
) -> _pysmsrows.TagRules:
    return impl(
        [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], N_CATS, n_tags, rules
    )


def _bits(ids: Iterable[int]) -> int:
    return sum(1 << t for t in set(ids))


def _oracle_fire(
    rules: list[Rule], tags: set[int], far: set[int]
) -> tuple[list[int], int, set[int]]:
    """The rules as the engine applied them by name: candidates by first tag, in file order."""
    candidates = {i for i, r in enumerate(rules) if min(r[0]) in tags}
    now, fired, floor = set(tags), list[int](), 0
    for i in sorted(candidates):
        req, absent, adds, rank = rules[i]
        if set(req) <= now and now.isdisjoint(absent) and i not in far:
            fired.append(i)
            floor = max(floor, rank)
            now.update(adds)
    return fired, floor, now


@needs_compiled
@settings(max_examples=300, deadline=None)
@given(tables(), st.data())
def test_compiled_tables_equal_the_twin_and_the_oracle(table, data):
    """tally() and fire() give the same scores, masks and rules in both, and by the oracle."""
    n_tags, rows, rules = table
    assert COMPILED is not None
    a = _build(COMPILED, n_tags, rows, rules)
    b = _build(REFERENCE, n_tags, rows, rules)
    found = data.draw(st.lists(st.integers(0, len(rows) - 1), unique=True, max_size=len(rows)))
    got_a, got_b = a.tally(found), b.tally(found)
    assert got_a == got_b
    scores, masks, union = got_b
    # Scores are float sums in the order the rows were found: the exact same floats.
    expect = [0.0] * N_CATS
    for v in found:
        expect[rows[v][0]] += rows[v][1]
    assert scores == expect
    for c in range(N_CATS):
        assert masks[c] == _bits(t for v in found if rows[v][0] == c for t in rows[v][2])
    assert union == _bits(t for v in found for t in rows[v][2])
    assert a.ids(union) == b.ids(union) == sorted({t for v in found for t in rows[v][2]})
    # With one category's negative weights skipped (an addressed demand): the same in both,
    # the other weights summed in the order found, the tags unchanged.
    skip = data.draw(st.integers(-1, N_CATS - 1))
    got_a, got_b = a.tally(found, skip), b.tally(found, skip)
    assert got_a == got_b
    expect = [0.0] * N_CATS
    for v in found:
        if rows[v][0] != skip or rows[v][1] >= 0:
            expect[rows[v][0]] += rows[v][1]
    assert got_b == (expect, masks, union)
    tags = set(data.draw(st.lists(st.integers(0, n_tags - 1), max_size=20)))
    far = set(data.draw(st.lists(st.integers(0, len(rules) + 2), max_size=3)))
    fired_a = a.fire(_bits(tags), far)
    assert fired_a == b.fire(_bits(tags), tuple(far))
    fired, floor, after = _oracle_fire(rules, tags, far)
    assert fired_a == (tuple(fired), floor, _bits(after))


@pytest.mark.parametrize("impl", IMPLS)
def test_a_rule_added_tag_feeds_later_rules_but_makes_no_candidate(impl):
    """A tag a rule adds counts for later rules' requirements, not for their candidacy."""
    # rule 0: 1 -> adds 2; rule 1: needs {1, 2} (first id 1): fires; rule 2: needs {2}: its
    # first id 2 was not given, so it is not a candidate.
    rules: list[Rule] = [([1], [], [2], 2), ([1, 2], [], [], 1), ([2], [], [], 3)]
    t = impl([0], [1.0], [[0]], 1, 3, rules)
    assert t.fire(0b010, ()) == ((0, 1), 2, 0b110)
    assert t.fire(0b010, (1,)) == ((0,), 2, 0b110)
    assert t.fire(0b110, ()) == ((0, 1, 2), 3, 0b110)


@pytest.mark.parametrize("impl", IMPLS)
def test_a_forbidden_tag_stops_a_rule(impl):
    """A rule does not fire when a tag it forbids is present, even one added before it."""
    rules = [([0], [], [3], 0), ([0], [3], [1], 2)]
    t = impl([0], [0.5], [[0]], 1, 4, rules)
    assert t.fire(0b0001, ()) == ((0,), 0, 0b1001)


@pytest.mark.parametrize("impl", IMPLS)
def test_masks_cross_word_boundaries(impl):
    """Tag ids past 64 and 128 are kept apart and united exactly."""
    t = impl([0, 1, 0], [0.3, 0.7, 0.7], [[0, 63], [64], [129]], 2, 130, [([63, 129], [], [64], 1)])
    scores, masks, union = t.tally([2, 0, 1])
    assert scores == [0.7 + 0.3, 0.7]
    assert masks == ((1 << 129) | (1 << 63) | 1, 1 << 64)
    assert union == masks[0] | masks[1]
    assert t.fire(masks[0], ()) == ((0,), 1, union)


@pytest.mark.parametrize("impl", IMPLS)
def test_bad_input_is_a_clear_error(impl):
    """Rows and tags out of range are errors, never a bad read."""
    t = impl([0], [1.0], [[1]], 1, 2, [([0], [], [], 0)])
    with pytest.raises(IndexError):
        t.tally([1])
    with pytest.raises(IndexError):
        t.tally([-1])
    with pytest.raises(ValueError, match="out of range"):
        t.fire(1 << 2, ())
    with pytest.raises(ValueError, match="out of range"):
        t.fire(-1, ())
    with pytest.raises(ValueError, match="out of range"):
        t.ids(1 << 2)
    with pytest.raises(ValueError, match="out of range"):
        impl([0], [1.0], [[2]], 1, 2, [])
    with pytest.raises(ValueError, match="out of range"):
        impl([1], [1.0], [[0]], 1, 2, [])
    with pytest.raises(ValueError, match="requires at least one"):
        impl([0], [1.0], [[0]], 1, 2, [([], [], [], 0)])
    with pytest.raises(ValueError, match="one item per row"):
        impl([0, 0], [1.0], [[0]], 1, 2, [])


@pytest.mark.parametrize("impl", IMPLS)
def test_tables_pickle(impl):
    """A pickled table gives the same answers."""
    t = impl([0, 1], [0.3, 2.0], [[0], [1, 70]], 2, 71, [([0], [1], [70], 2)])
    u = pickle.loads(pickle.dumps(t))
    assert u.tally([1, 0]) == t.tally([1, 0])
    assert u.fire(1, ()) == t.fire(1, ()) == ((0,), 2, 1 | 1 << 70)
    assert len(u) == len(t) == 1


# -- the spans a reason reports -----------------------------------------------------------

POOL_IMPLS = [
    pytest.param(
        None if COMPILED is None else _smsrows.pool_spans,
        id="compiled",
        marks=pytest.mark.skipif(COMPILED is None, reason=""),
    ),
    pytest.param(_pysmsrows.pool_spans, id="reference"),
]
span = st.tuples(st.integers(0, 30), st.integers(0, 6)).map(lambda p: (p[0], p[0] + p[1]))


@needs_compiled
@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(st.integers(0, 6), st.lists(span, max_size=6), max_size=6),
    st.data(),
    st.none() | span,
    st.lists(st.lists(span, max_size=4), max_size=3),
    st.integers(0, 20),
)
def test_compiled_span_pool_equals_the_twin_and_the_set_oracle(found, data, window, extra, most):
    """pool_spans pools, filters by the window, adds the extras, sorts and bounds alike."""
    rows = data.draw(st.lists(st.sampled_from(sorted(found)), max_size=5) if found else st.just([]))
    got = _smsrows.pool_spans(found, rows, window, extra, most)
    assert got == _pysmsrows.pool_spans(found, rows, window, extra, most)
    acc = {sp for v in rows for sp in found[v]}
    if window is not None:
        acc = {sp for sp in acc if window[0] <= sp[0] and sp[1] <= window[1]} or acc
    acc.update(sp for spans in extra for sp in spans)
    assert got == tuple(sorted(acc))[:most]


@pytest.mark.parametrize("pool", POOL_IMPLS)
def test_span_pool_keeps_the_window_unless_it_is_empty(pool):
    """Inside the window when some span is; all of them when none is; extras always."""
    found = {0: [(5, 7), (1, 3)], 1: [(1, 3), (20, 22)]}
    assert pool(found, [0, 1], None, (), 16) == ((1, 3), (5, 7), (20, 22))
    assert pool(found, [0, 1], (4, 10), [[(30, 31)]], 16) == ((5, 7), (30, 31))
    assert pool(found, [1], (4, 10), (), 16) == ((1, 3), (20, 22))
    assert pool(found, [0, 1], None, (), 2) == ((1, 3), (5, 7))
    assert pool(found, [], None, [[(2, 3)], iter([(0, 1)])], 16) == ((0, 1), (2, 3))
    with pytest.raises(KeyError):
        pool(found, [2], None, (), 16)
    with pytest.raises(ValueError, match="limit"):
        pool(found, [0], None, (), -1)


@needs_compiled
@pytest.mark.parametrize("n_tags", [64, 65, 128, 2048, 2049, 5000])
def test_masks_of_every_width_convert_exactly(n_tags: int) -> None:
    """Masks are built from the words' bytes: the top word, the last bit, past 256 bytes."""
    assert COMPILED is not None
    top = n_tags - 1
    rows = [(0, 1.0, [0, top]), (1, 0.5, [top // 2]), (2, 0.0, [63 % n_tags, top])]
    rules: list[Rule] = [([0], [], [top], 1), ([top], [], [top // 3], 2)]
    a = _build(COMPILED, n_tags, rows, rules)
    b = _build(REFERENCE, n_tags, rows, rules)
    for found in ([], [0], [1], [2, 0], [0, 1, 2]):
        assert a.tally(found) == b.tally(found)
        _s, _m, union = b.tally(found)
        assert a.fire(union, ()) == b.fire(union, ())
        assert a.ids(union) == b.ids(union) == sorted({t for v in found for t in rows[v][2]})
    assert a.fire((1 << n_tags) - 1, [1]) == b.fire((1 << n_tags) - 1, [1])

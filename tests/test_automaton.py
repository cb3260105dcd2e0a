"""Tests for the keyword automaton: compiled core, pure-Python twin and a brute-force oracle."""

from __future__ import annotations

import pickle
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Protocol

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fraudnum import _pyautomaton
from fraudnum.folding import SKIP, FoldTable, fold_text, load_fold_table

Match = tuple[int, int, int]


class Automaton(Protocol):
    def find_all(self, text: str) -> list[Match]: ...
    def find_batch(self, texts: Sequence[str]) -> list[list[Match]]: ...
    def __len__(self) -> int: ...
    @property
    def count(self) -> int: ...
    @property
    def patterns(self) -> tuple[str, ...]: ...
    @property
    def values(self) -> tuple[int, ...]: ...


Factory = Callable[..., Automaton]

try:
    from fraudnum import _automaton

    COMPILED: Factory | None = _automaton.KeywordAutomaton
except ImportError:  # pragma: no cover - extension not built
    COMPILED = None

REFERENCE: Factory = _pyautomaton.KeywordAutomaton
IMPLS = [
    pytest.param(COMPILED, id="compiled", marks=pytest.mark.skipif(COMPILED is None, reason="")),
    pytest.param(REFERENCE, id="reference"),
]

FOLD = load_fold_table()

# A small alphabet that makes collisions likely: simplified/traditional pairs, full-width and
# upper/lower ASCII, digits in several styles, separators and invisible characters, a lone
# surrogate and a control character.
CJK = "微信體体門门违違法犯罪"
ASCII = "vxVXａｖｘＶＸab"
DIGITS = "1①１𝟙"
NOISE = " -*.\u200b\u200c\ufeff\u2060\ufe0f\u0301😀，\x00\n"
ODD = "\ud800\udfff\U0010ffff"
ALPHABET = CJK + ASCII + DIGITS + NOISE + ODD

small_text = st.text(alphabet=ALPHABET, max_size=30)
pattern = st.text(alphabet=ALPHABET, min_size=1, max_size=5).filter(lambda p: fold_text(p) != "")
patterns_and_values = st.lists(pattern, min_size=0, max_size=8).flatmap(
    lambda ps: st.tuples(
        st.just(ps), st.lists(st.integers(0, 2**31 - 1), min_size=len(ps), max_size=len(ps))
    )
)
any_char = st.integers(0, 0x10FFFF).map(chr)


def oracle(patterns: Sequence[str], values: Sequence[int], text: str) -> list[Match]:
    """Brute force: fold the text keeping an index map, then naive substring search."""
    kept = [(i, fc) for i, ch in enumerate(text) if (fc := FOLD.fold_char(ord(ch))) != SKIP]
    folded = [fc for _, fc in kept]
    found = []
    for idx, (pat, value) in enumerate(zip(patterns, values, strict=True)):
        fp = [fc for ch in pat if (fc := FOLD.fold_char(ord(ch))) != SKIP]
        n = len(fp)
        for j in range(len(folded) - n + 1):
            if folded[j : j + n] == fp:
                found.append((kept[j][0], kept[j + n - 1][0] + 1, value, idx))
    found.sort(key=lambda m: (m[1], m[0], m[2], m[3]))
    return [(s, e, v) for s, e, v, _ in found]


def build(factory: Factory | None, patterns: Sequence[str], values: Sequence[int]) -> Automaton:
    assert factory is not None
    return factory(patterns, values, FOLD)


# --------------------------------------------------------------------------- examples


@pytest.mark.parametrize("factory", IMPLS)
def test_example_spans_are_in_original_indices(factory: Factory) -> None:
    """Spans cover the original text from the first to the last matched code point."""
    a = build(factory, ["微信", "vx", "信用", "a", "aa"], [1, 2, 3, 4, 5])
    text = "加 微-信用卡 ＶＸ aaa"
    assert a.find_all(text) == [
        (2, 5, 1),  # 微-信
        (4, 6, 3),  # 信用
        (8, 10, 2),  # ＶＸ
        (11, 12, 4),
        (11, 13, 5),
        (12, 13, 4),
        (12, 14, 5),
        (13, 14, 4),
    ]
    assert text[2:5] == "微-信"


@pytest.mark.parametrize("factory", IMPLS)
def test_skipped_characters_around_a_match_are_not_in_the_span(factory: Factory) -> None:
    """Noise before the first and after the last matched code point stays outside the span."""
    a = build(factory, ["微信"], [7])
    assert a.find_all("\u200b 微\u200b信 \u200b") == [(2, 5, 7)]


@pytest.mark.parametrize("factory", IMPLS)
def test_duplicate_folded_patterns_each_report_their_value(factory: Factory) -> None:
    """Patterns that fold alike are both reported, ordered by value."""
    a = build(factory, ["微信", "微 信", "微信"], [9, 3, 9])
    assert a.find_all("x微信") == [(1, 3, 3), (1, 3, 9), (1, 3, 9)]


@pytest.mark.parametrize("factory", IMPLS)
def test_overlapping_matches_are_ordered_by_end_start_value(factory: Factory) -> None:
    """All overlapping occurrences are reported, ordered by end, then start, then value."""
    a = build(factory, ["he", "she", "his", "hers", "e"], [0, 1, 2, 3, 4])
    assert a.find_all("ushers") == [(1, 4, 1), (2, 4, 0), (3, 4, 4), (2, 6, 3)]


@pytest.mark.parametrize("factory", IMPLS)
def test_empty_automaton_and_empty_text(factory: Factory) -> None:
    """No patterns, or no text, gives no matches."""
    assert build(factory, [], []).find_all("微信") == []
    assert build(factory, ["微信"], [1]).find_all("") == []
    assert len(build(factory, [], [])) == 0


@pytest.mark.parametrize("factory", IMPLS)
def test_len_count_patterns_values(factory: Factory) -> None:
    """The automaton reports its size and its patterns and values as given."""
    a = build(factory, ["微信", "體"], [1, 2])
    assert len(a) == a.count == 2
    assert a.patterns == ("微信", "體")
    assert a.values == (1, 2)


@pytest.mark.parametrize("factory", IMPLS)
def test_default_fold_table_is_the_built_in_one(factory: Factory) -> None:
    """Omitting the fold table uses load_fold_table()."""
    assert factory(["微信"], [1]).find_all("微 信") == [(0, 3, 1)]


@pytest.mark.parametrize("factory", IMPLS)
def test_custom_fold_table_is_used(factory: Factory) -> None:
    """A caller-supplied table replaces the built-in one entirely."""
    table = FoldTable({ord("-"): SKIP, ord("X"): ord("x")})
    a = factory(["x y"], [1], table)
    assert a.find_all("X y x-y") == [(0, 3, 1)]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("factory", IMPLS)
@pytest.mark.parametrize("empty", ["", " ", "\u200b-*", "\ufe0f"])
def test_pattern_folding_to_empty_is_rejected_with_its_index(factory: Factory, empty: str) -> None:
    """A pattern with nothing left after folding raises ValueError naming its index."""
    with pytest.raises(ValueError, match="pattern 1"):
        build(factory, ["微信", empty], [1, 2])


@pytest.mark.parametrize("factory", IMPLS)
def test_bad_constructor_arguments(factory: Factory) -> None:
    """Wrong types and out-of-range values are rejected with clear messages."""
    with pytest.raises(ValueError, match="2 patterns but 1 values"):
        build(factory, ["a", "b"], [1])
    with pytest.raises(ValueError, match="value 0"):
        build(factory, ["a"], [-1])
    with pytest.raises(ValueError, match="value 0"):
        build(factory, ["a"], [2**31])
    with pytest.raises(TypeError, match="pattern 1 must be str"):
        build(factory, ["a", b"b"], [1, 2])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="value 0 must be int"):
        build(factory, ["a"], [1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="single string"):
        build(factory, "abc", [1, 2, 3])
    with pytest.raises(TypeError, match="FoldTable"):
        factory(["a"], [1], {1: 2})


@pytest.mark.parametrize("factory", IMPLS)
@pytest.mark.parametrize("bad", [b"abc", None, 5, ["a"]])
def test_non_str_text_raises_type_error(factory: Factory, bad: object) -> None:
    """find_all and find_batch reject non-str text with a message naming the type."""
    a = build(factory, ["a"], [1])
    with pytest.raises(TypeError, match=f"text must be str, not {type(bad).__name__}"):
        a.find_all(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=f"text 1 must be str, not {type(bad).__name__}"):
        a.find_batch(["ok", bad])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="single string"):
        a.find_batch("abc")


@pytest.mark.parametrize("factory", IMPLS)
def test_automaton_is_immutable(factory: Factory) -> None:
    """No attribute can be set and the automaton cannot be re-initialised."""
    a = build(factory, ["a"], [1])
    with pytest.raises(AttributeError):
        a.count = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        a.extra = 3  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="immutable"):
        a.__init__(["b"], [2], FOLD)  # type: ignore[misc]
    assert a.find_all("ab") == [(0, 1, 1)]


# --------------------------------------------------------------------------- pickling


@pytest.mark.parametrize("factory", IMPLS)
def test_pickle_round_trip(factory: Factory) -> None:
    """A pickled automaton finds exactly what the original finds."""
    a = build(factory, ["微信", "體", "vx"], [1, 2, 3])
    b = pickle.loads(pickle.dumps(a))
    assert type(b) is type(a)
    text = "加ＶＸ微 信体"
    assert b.find_all(text) == a.find_all(text) != []
    assert b.patterns == a.patterns
    assert b.values == a.values


@pytest.mark.parametrize("factory", IMPLS)
def test_corrupted_pickle_gives_value_error(factory: Factory) -> None:
    """A pickle whose fold table bytes were damaged is refused with ValueError."""
    a = build(factory, ["微信"], [1])
    data = pickle.dumps(a)
    table_bytes = FOLD.to_bytes()
    start = data.index(table_bytes[:64])
    damaged = bytearray(data)
    damaged[start + 4 : start + 8] = b"\x00\x00\x11\x00"  # target U+110000: out of range
    with pytest.raises(ValueError, match="out of range"):
        pickle.loads(bytes(damaged))


# --------------------------------------------------------------------------- differential


@pytest.mark.skipif(COMPILED is None, reason="compiled extension not built")
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(patterns_and_values, st.lists(small_text, max_size=4))
def test_compiled_reference_and_oracle_agree(
    pv: tuple[list[str], list[int]], texts: list[str]
) -> None:
    """Compiled and pure-Python automata and a brute-force oracle give identical results."""
    patterns, values = pv
    compiled = build(COMPILED, patterns, values)
    reference = build(REFERENCE, patterns, values)
    expected = [oracle(patterns, values, t) for t in texts]
    assert [compiled.find_all(t) for t in texts] == expected
    assert [reference.find_all(t) for t in texts] == expected
    assert compiled.find_batch(texts) == expected
    assert reference.find_batch(texts) == expected


@pytest.mark.parametrize("factory", IMPLS)
@given(patterns_and_values, small_text)
def test_spans_are_in_bounds_and_fold_to_the_pattern(
    factory: Factory, pv: tuple[list[str], list[int]], text: str
) -> None:
    """Spans lie in the text, start and end on kept code points, and fold to the pattern.

    Results are sorted by (end, start, value).
    """
    patterns, values = pv
    folded = defaultdict(set)
    for p, v in zip(patterns, values, strict=True):
        folded[v].add(fold_text(p))
    matches = build(factory, patterns, values).find_all(text)
    assert matches == sorted(matches, key=lambda m: (m[1], m[0], m[2]))
    for start, end, value in matches:
        assert 0 <= start < end <= len(text)
        assert fold_text(text[start:end]) in folded[value]
        assert fold_text(text[start]) != ""
        assert fold_text(text[end - 1]) != ""


# --------------------------------------------------------------------------- evasions

PHRASES = ["微信", "涉嫌违法犯罪", "vx", "保释金", "向指定账户转账汇款", "加v", "退订回n"]
INVERSE: dict[int, list[int]] = defaultdict(list)
for _cp, _target in FOLD.mapping.items():
    if _target != SKIP:
        INVERSE[_target].append(_cp)
SEPARATORS = [" ", "-", "*", ".", "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\ufe0f"]
SEPARATORS += ["😀", "\u0301", "\u3000", "，", "\U000e0100"]


@st.composite
def disguised(draw: st.DrawFn, phrase: str) -> str:
    """Disguise a phrase: swap characters for variants that fold to them, insert noise.

    Variants come from the fold table (traditional script, full-width, upper case, …).
    """
    out = []
    for k, ch in enumerate(phrase):
        out.append(draw(st.sampled_from([ch, *map(chr, sorted(INVERSE[ord(ch)]))])))
        if k < len(phrase) - 1:
            out.append("".join(draw(st.lists(st.sampled_from(SEPARATORS), max_size=3))))
    return "".join(out)


@pytest.mark.parametrize("factory", IMPLS)
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(range(len(PHRASES))), small_text, small_text)
def test_disguised_phrase_is_still_found(
    factory: Factory, data: st.DataObject, idx: int, prefix: str, suffix: str
) -> None:
    """Separators, zero-width characters, width, case and script changes keep the match."""
    phrase = PHRASES[idx]
    variant = data.draw(disguised(phrase))
    text = prefix + variant + suffix
    a = build(factory, PHRASES, list(range(len(PHRASES))))
    assert (len(prefix), len(prefix) + len(variant), idx) in a.find_all(text)


def test_traditional_and_full_width_examples_match() -> None:
    """Concrete evasions from the seeds: traditional script and full-width letters."""
    for factory in (f for f in (COMPILED, REFERENCE) if f is not None):
        a = build(factory, ["涉嫌违法犯罪", "加微信", "vx"], [0, 1, 2])
        assert a.find_all("您涉嫌違法犯罪") == [(1, 7, 0)]
        assert a.find_all("加 微 信：ＶＸ") == [(0, 5, 1), (6, 8, 2)]


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize("factory", IMPLS)
@given(
    st.lists(st.text(alphabet=any_char, min_size=1, max_size=4), max_size=5),
    st.text(alphabet=any_char, max_size=60),
)
def test_arbitrary_unicode_never_crashes(factory: Factory, pats: list[str], text: str) -> None:
    """Any code point, lone surrogates and controls included, is handled without crashing."""
    pats = [p for p in pats if fold_text(p)]
    a = build(factory, pats, list(range(len(pats))))
    assert a.find_all(text) == oracle(pats, list(range(len(pats))), text)


@pytest.mark.parametrize("factory", IMPLS)
def test_surrogates_in_patterns_and_text_match_as_ordinary_characters(factory: Factory) -> None:
    """Lone surrogates fold to themselves and can be matched."""
    a = build(factory, ["\ud800x"], [1])
    assert a.find_all("a\ud800 x\udc00") == [(1, 4, 1)]


@pytest.mark.parametrize("factory", IMPLS)
def test_one_megabyte_adversarial_text_completes(factory: Factory) -> None:
    """'a' * 10**6 against long 'a…' patterns finishes with the right match count."""
    n = 10**6
    a = build(factory, ["a" * 1000, "a" * 999 + "b", "b"], [0, 1, 2])
    matches = a.find_all("a" * n)
    assert len(matches) == n - 999
    assert matches[0] == (0, 1000, 0)
    assert matches[-1] == (n - 1000, n, 0)


@pytest.mark.skipif(COMPILED is None, reason="compiled extension not built")
def test_wide_text_kinds_and_long_texts_scan_the_same() -> None:
    """1-, 2- and 4-byte str kinds and texts long enough to release the GIL agree."""
    patterns = ["ab", "微信", "\U0001d7d8x"]
    compiled = build(COMPILED, patterns, [0, 1, 2])
    texts = ["xab" * 3000, "微 信ab" * 2000, "\U0001d7d8X微信ab" * 2000, "ab"]
    for text in texts:
        assert compiled.find_all(text) == oracle(patterns, [0, 1, 2], text)
    assert compiled.find_batch(texts) == [oracle(patterns, [0, 1, 2], t) for t in texts]


@pytest.mark.skipif(COMPILED is None, reason="compiled extension not built")
def test_find_batch_from_many_threads() -> None:
    """Concurrent find_batch calls (GIL released while scanning) return correct results."""
    patterns = ["微信", "vx", "保释金"]
    compiled = build(COMPILED, patterns, [0, 1, 2])
    texts = [f"{i}加微 信ＶＸ交保釋金" * (i % 50 + 1) for i in range(200)]
    expected = [oracle(patterns, [0, 1, 2], t) for t in texts]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(5):
                assert compiled.find_batch(texts) == expected
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.parametrize("factory", IMPLS)
def test_find_batch_accepts_any_sequence(factory: Factory) -> None:
    """Tuples and empty batches work and match find_all text by text."""
    a = build(factory, ["微信"], [1])
    assert a.find_batch(()) == []
    assert a.find_batch(("微信", "", "x微.信")) == [[(0, 2, 1)], [], [(1, 4, 1)]]


# States with many outgoing edges are searched by bisection rather than a linear
# scan; the small pattern sets above never reach that, so these draw wide fans.
WIDE = "包裹藏毒夜邮吃住过食宿租赁车房贷款息金卡号码账户安全验证"


@st.composite
def wide_fans(draw: st.DrawFn) -> tuple[list[str], list[int], list[str]]:
    """Many patterns sharing a first character (one state with up to 30 edges)."""
    head = draw(st.sampled_from(WIDE))
    tails = draw(st.lists(st.text(alphabet=WIDE, min_size=1, max_size=3), min_size=9, max_size=30))
    patterns = [head + t for t in tails]
    values = list(range(len(patterns)))
    texts = draw(
        st.lists(
            st.one_of(
                st.sampled_from(patterns).map(lambda p: "你的" + p + "。"),
                st.text(alphabet=WIDE + "的 ", max_size=20),
            ),
            max_size=5,
        )
    )
    return patterns, values, texts


@pytest.mark.skipif(COMPILED is None, reason="compiled extension not built")
@given(wide_fans())
def test_wide_states_agree_with_the_oracle(case: tuple[list[str], list[int], list[str]]) -> None:
    """States with more edges than the linear-scan limit find every transition."""
    patterns, values, texts = case
    compiled = build(COMPILED, patterns, values)
    expected = [oracle(patterns, values, t) for t in texts]
    assert [compiled.find_all(t) for t in texts] == expected
    assert [build(REFERENCE, patterns, values).find_all(t) for t in texts] == expected


@pytest.mark.parametrize("factory", IMPLS)
def test_ninth_sibling_is_found(factory: Factory) -> None:
    """The bisection keeps its upper bound: 包裹藏毒 among ten sibling words is found."""
    words = ["包裹藏毒", "包夜", "包邮", "包吃住", "包过", "包食宿", "包住", "包租", "包车", "包装"]
    automaton = build(factory, words, list(range(len(words))))
    assert automaton.find_all("包裹藏毒") == [(0, 4, 0)]

"""The SMS text scans made cheaper: the same answers as the regular expressions they replace.

* ``run_ends`` (compiled in fraudnum._smsrows, twin in fraudnum._pysmsrows) finds the ends
  of the maximal runs of a set of characters: what ``finditer("[set]+")`` finds.
* ``sentence_starts`` scans for the characters of the ``sentence_end`` data pattern when
  that pattern is one run of a plain set, and searches the pattern otherwise.
* ``NearRules.present`` ORs C words; ``NearRules.windows`` sorts few hits by insertion:
  both against the twin, with more families than one word holds and more hits than the
  insertion sort takes.
* ``turns`` and ``conversation`` build the same turns as the original finditer loop.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fraudnum import _pysmsrows
from fraudnum.sms import turns as turns_mod
from fraudnum.sms.turns import Turn, conversation, sentence_starts, turns

try:
    from fraudnum import _smsrows

    RUN_ENDS = _smsrows.run_ends
    NEAR = _smsrows.NearRules
except ImportError:  # pragma: no cover - extension not built
    RUN_ENDS = None  # type: ignore[assignment]
    NEAR = None  # type: ignore[assignment,misc]

needs_compiled = pytest.mark.skipif(RUN_ENDS is None, reason="compiled extension not built")

# Sentence marks, their low-byte twins (U+3102 shares 。's low byte), CJK, ASCII, astral.
ALPHABET = "。！？!?；;…\n\u3102\u2126a 中文\U00020000-]^\\"


def _regex_ends(text: str, chars: str) -> list[int]:
    if not chars:
        return []
    return [m.end() for m in re.finditer(f"[{re.escape(chars)}]+", text)]


@needs_compiled
@settings(max_examples=400, deadline=None)
@given(st.text(ALPHABET, max_size=80), st.text(ALPHABET, max_size=6))
def test_run_ends_compiled_equals_twin_and_regex(text, chars):
    """The compiled scan, the twin and the regular expression agree on every text."""
    want = _regex_ends(text, chars)
    assert _pysmsrows.run_ends(text, chars) == want
    assert RUN_ENDS(text, chars) == want


def test_run_ends_examples():
    """Runs end where the next character is not a mark, and at the end of the text."""
    for impl in filter(None, (RUN_ENDS, _pysmsrows.run_ends)):
        assert impl("你好。。我！", "。！") == [4, 6]
        assert impl("abc", "。") == []
        assert impl("", "。") == []
        assert impl("。", "") == []
    with pytest.raises(TypeError):
        _pysmsrows.run_ends(b"x", "。")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pattern", "chars"),
    [
        ("[。！][。！]*", "。！"),
        ("[。\\n]+", "。\n"),
        ("[\\]a]+", "]a"),
        ("[a-z]+", None),  # a range
        ("[\\s]+", None),  # a class escape
        ("[^。]+", None),  # a negation
        ("[。][！]*", None),  # two different sets
        ("[。]", None),  # not a run
        ("。+", None),  # not a set
    ],
)
def test_run_chars_reads_only_plain_sets(pattern, chars):
    """A pattern is scanned by its characters only when it is one run of a plain set."""
    assert turns_mod._run_chars(pattern) == chars
    if chars is not None:
        probe = "x" + "".join(chars) + "y" + chars[0]
        assert _regex_ends(probe, chars) == [m.end() for m in re.finditer(pattern, probe)]


def test_shipped_sentence_end_is_scanned():
    """The shipped ``sentence_end`` pattern is a plain run: its characters are scanned."""
    marks = turns_mod._sentence_marks()
    assert marks is not None
    assert "。" in marks
    assert "\n" in marks


SENTENCE_TEXT = st.text("。！？!?；;…\n\u3102中文ab ，", min_size=55, max_size=140)


@settings(max_examples=300, deadline=None)
@given(SENTENCE_TEXT)
def test_sentence_starts_equal_the_pattern_search(text):
    """The scan gives the sentence starts the ``sentence_end`` search gives."""
    pattern = turns_mod._patterns()[1]
    ends = [m.end() for m in pattern.finditer(text)] if len(text) >= turns_mod.MIN_SPLIT else []
    if ends and ends[-1] >= len(text):
        ends.pop()
    want = (0, *ends) if len(text) >= turns_mod.MIN_SPLIT else (0,)
    assert sentence_starts(text) == want


SPEAKERS = st.sampled_from(["张伟", "客服", "我", "对方", "地址", ""])
LINES = st.lists(
    st.tuples(
        SPEAKERS, st.sampled_from([": ", "：", " : ", ""]), st.text("转账好的，。a", max_size=12)
    ),
    min_size=1,
    max_size=8,
)


def _turns_oracle(text: str) -> tuple[Turn, ...]:
    if "\n" not in text or text.count(":") + text.count("\uff1a") < 2:
        return ()
    found = [(m.start(1), m.group(1)) for m in turns_mod._patterns()[0].finditer(text)]
    return tuple(
        Turn(s, found[i + 1][0] if i + 1 < len(found) else len(text), sp)
        for i, (s, sp) in enumerate(found)
    )


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_turns_and_conversation_equal_the_original_loop(lines):
    """Turns are the same named tuples; a conversation still needs two speakers."""
    text = "\n".join(f"{who}{colon}{words}" for who, colon, words in lines)
    got = turns(text)
    want = _turns_oracle(text)
    assert got == want
    assert all(type(t) is Turn for t in got)
    assert conversation(got) == (len(want) >= 2 and len({t.speaker for t in want}) >= 2)


N_TAGS = 150  # three 64-bit words


@st.composite
def wide_near_cases(draw: st.DrawFn):
    tag = st.integers(0, N_TAGS - 1)
    row_tags = draw(st.lists(st.lists(tag, max_size=3), min_size=1, max_size=8))
    rules = draw(
        st.lists(
            st.tuples(st.sets(tag, min_size=1, max_size=3).map(sorted), st.integers(1, 3)),
            min_size=1,
            max_size=4,
        )
    )
    # Rules whose families the rows carry, so windows are found, not only None.
    carried = sorted({t for tags in row_tags for t in tags})
    if carried:
        rules.append((carried[:2], 2))
    found = draw(
        st.dictionaries(
            st.integers(0, len(row_tags) - 1),
            st.lists(
                st.tuples(st.integers(0, 90), st.integers(0, 4)).map(lambda p: (p[0], p[0] + p[1])),
                min_size=1,
                max_size=16,
            ),
            max_size=8,
        )
    )
    starts = [0, *sorted(draw(st.sets(st.integers(1, 94), max_size=10)))]
    return row_tags, rules, found, starts


@needs_compiled
@settings(max_examples=300, deadline=None)
@given(wide_near_cases())
def test_near_rules_wide_masks_and_many_hits_equal_the_twin(case):
    """Masks across words and hit counts on both sides of the insertion-sort bound agree."""
    row_tags, rules, found, starts = case
    a = NEAR(row_tags, rules, N_TAGS)
    b = _pysmsrows.NearRules(row_tags, rules, N_TAGS)
    have = b.present(found)
    assert a.present(found) == have
    every = list(range(len(rules)))
    assert a.windows(found, starts, every) == b.windows(found, starts, every)


LINK_TEXT = st.text("aZ0９ｚＡ.．。｡:/-@中文 w", max_size=40)


@settings(max_examples=400, deadline=None)
@given(LINK_TEXT)
def test_link_precheck_rules_out_only_texts_without_links(text):
    """The dot precheck (a letter or digit on both sides) never hides a link."""
    from fraudnum.sms import links

    got = links.extract_urls(text)
    from unittest import mock

    with mock.patch.object(links, "dotted", return_value=True):  # every text: the full scan
        want = links.extract_urls(text)
    assert got == want


# -- the dot, number-run and blank scans (fraudnum._core.dotted / number_run / blank_count) ---
# The regular expressions they replace, as they were written in fraudnum.sms.links / signals.
_LATIN_SET = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_DOTS_RE = re.compile(f"[{_LATIN_SET}][.\\uff0e\\u3002\\uff61][{_LATIN_SET}]")
_NUMBER_RE = re.compile("[0-9\uff10-\uff19xX*\uff0a](?:[\\-\uff0d]?[0-9\uff10-\uff19xX*\uff0a]){6}")
# Digits (ASCII, full-width, another script's), masks, hyphens, dots, letters either side of
# the Latin ranges' ends, blanks of every kind, CJK and an astral character.
SCAN_ALPHABET = (
    "09０９٣xXx*＊-－.．。｡aZzＡｚ@/[`{\uff20\uff3b\uff40\uff5b"
    " \t\n\u3000\u00a0\u2028\u200b中\U00020000"
)
_SCANS = [_pysmsrows] + ([_smsrows] if RUN_ENDS is not None else [])


@settings(max_examples=600, deadline=None)
@given(st.text(SCAN_ALPHABET, max_size=40))
def test_text_scans_equal_their_regular_expressions(text):
    """Compiled scan, twin and the regular expression agree on every text."""
    blanks = text.count(" ") + len(re.findall(r"[^\S ]", text))
    for impl in _SCANS:
        assert impl.dotted(text) is (_DOTS_RE.search(text) is not None)
        assert impl.number_run(text) is (_NUMBER_RE.search(text) is not None)
        assert impl.blank_count(text) == blanks


def test_text_scans_examples():
    """The edges: seven in a row, a hyphen between two, two hyphens, a dot at either end."""
    for impl in _SCANS:
        assert impl.number_run("电话138-0013-8000")
        assert impl.number_run("１２３４５６７")
        assert impl.number_run("138****5678")
        assert not impl.number_run("123456")
        assert not impl.number_run("123--4567")
        assert not impl.number_run("-123-456-")
        assert impl.dotted("访问icbc.cc")
        assert impl.dotted("ｉｃｂｃ。ｃｃ")
        assert not impl.dotted(".cc")
        assert not impl.dotted("卡号6225。请")
        assert impl.blank_count("a b\tc\u3000d\n") == 4
        assert impl.blank_count("") == 0
        with pytest.raises(TypeError):
            impl.dotted(b"x")


def test_every_white_space_code_point_counts_as_a_blank():
    """blank_count and the regular expression agree on each code point of the BMP."""
    chars = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000)
    want = chars.count(" ") + len(re.findall(r"[^\S ]", chars))
    for impl in _SCANS:
        assert impl.blank_count(chars) == want


# The card_groups pattern as first written: a look-behind before the first number character.
# The shipped one matches that character first (the scan starts only at a number character);
# both must find the same spans in every text.
_N = "[0-9０-９xX*＊]"
_CARD_GROUPS_FIRST = re.compile(
    f"(?<!{_N}){_N}{{3,7}}(?:[ 　。、/，,.·\\-－]{_N}{{3,7}}){{2,4}}(?!{_N})"
)


@settings(max_examples=600, deadline=None)
@given(st.text("0９xX*＊ 　。、/，,.·-－a中", max_size=60))
def test_card_groups_finds_what_its_first_form_found(text):
    """The reordered card_groups pattern gives the spans of the look-behind-first one."""
    from fraudnum.sms.signals import sms_patterns

    got = [m.span() for m in sms_patterns()["card_groups"].finditer(text)]
    assert got == [m.span() for m in _CARD_GROUPS_FIRST.finditer(text)]

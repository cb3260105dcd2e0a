"""The cheaper scans of the SMS path find exactly what the plain scans found.

``turns`` tries the speaker marker at line starts only, and ``sentence_end`` is written as
one mark then any more so that the regular expression engine scans for the first mark
quickly; both must give the matches of the forms they replaced, on any text.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from fraudnum.sms.signals import sms_patterns
from fraudnum.sms.turns import _line_markers, _patterns, sentence_starts, turns

# Characters the patterns care about (marks, colons, blanks, line breaks, label words)
# mixed with plain ones, so texts hold many lines, speakers and sentence ends.
_ALPHABET = st.sampled_from(list("张伟客服我对方AB12 \t\n:：。！？!?；;…，,地址电话请转账"))
_TEXTS = st.text(_ALPHABET, max_size=80)


@given(_TEXTS)
def test_line_markers_are_the_finditer_matches(text: str) -> None:
    marker = _patterns()[0]
    expected = [(m.start(1), m.group(1)) for m in marker.finditer(text)]
    assert _line_markers(text, marker) == expected


def test_turns_of_a_chat() -> None:
    text = "客服: 您好\n我: 你好\n 客服：请转账\n地址: 北京"
    got = turns(text)
    assert [(t.speaker, text[t.start : t.end]) for t in got] == [
        ("客服", "客服: 您好\n"),
        ("我", "我: 你好\n "),
        ("客服", "客服：请转账\n地址: 北京"),
    ]


def test_a_marker_across_lines_falls_back() -> None:
    # A pattern whose match may hold a line break: the shortcut declines, not answers wrong.
    across = re.compile(r"^(a\nb):", re.MULTILINE)
    assert _line_markers("a\nb: x\nc", across) is None


@given(_TEXTS)
def test_sentence_end_matches_the_plus_form(text: str) -> None:
    pattern = sms_patterns()["sentence_end"]
    plus = re.compile("[。！？!?；;…\n]+")
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plus.finditer(text)]
    ends = [m.end() for m in plus.finditer(text)]
    if len(text) >= 60:
        assert sentence_starts(text) == (0, *[e for e in ends if e < len(text)])

"""The cheaper scans of the SMS path find exactly what the plain scans found.

``sentence_end`` is written as one mark then any more (not ``[...]+``) so that the regular
expression engine scans for the first mark quickly; it must give the matches of the form it
replaced, on any text. The number and link runs start only where a run is long enough for
what their callers keep (7 and 4 characters), instead of handing every short digit run
(工号6740, 满50) to Python to be skipped: they must be exactly the long runs of the old forms.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from fraudnum.sms import links, signals
from fraudnum.sms.signals import sms_patterns
from fraudnum.sms.turns import sentence_starts

# Characters the pattern cares about (end marks, line breaks) mixed with plain ones, so
# texts hold runs of marks, single marks and long stretches without any.
_ALPHABET = st.sampled_from(list("张伟客服我对方AB12 \t\n:：。！？!?；;…，,地址电话请转账"))
_TEXTS = st.text(_ALPHABET, max_size=120)


@given(_TEXTS)
def test_sentence_end_matches_the_plus_form(text: str) -> None:
    pattern = sms_patterns()["sentence_end"]
    plus = re.compile("[。！？!?；;…\n]+")
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plus.finditer(text)]
    ends = [m.end() for m in plus.finditer(text)]
    if len(text) >= 60:
        assert sentence_starts(text) == (0, *[e for e in ends if e < len(text)])


# The run patterns as they were, matching every run however short (the callers skipped
# runs shorter than they need: 7 characters for a number, 4 for a link).
_OLD_NUMBER_RUN = re.compile("[0-9\uff10-\uff19xX*\uff0a][0-9\uff10-\uff19xX*\uff0a\\-\uff0d]*")
_ALNUM = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_OLD_LINK_RUN = re.compile(
    f"[{_ALNUM}][{_ALNUM}\\-._~:/?#@$&*+=%\\uff0d\\uff0e\\uff1a\\uff0f\\uff1f\\uff03"
    "\\uff20\\uff06\\uff0a\\uff0b\\uff1d\\uff05\\u3002\\uff61]*"
)
_RUNS = st.text(st.sampled_from(list("12３xX*＊-－ aZｂ.。/:?#，送元号")), max_size=60)


@given(_RUNS)
def test_number_runs_are_the_long_old_runs(text: str) -> None:
    old = [m.span() for m in _OLD_NUMBER_RUN.finditer(text) if m.end() - m.start() >= 7]
    assert [m.span() for m in signals._NUMBER_RUN.finditer(text)] == old


@given(_RUNS)
def test_link_runs_are_the_long_old_runs(text: str) -> None:
    old = [m.span() for m in _OLD_LINK_RUN.finditer(text) if m.end() - m.start() >= 4]
    assert [m.span() for m in links._RUN.finditer(text)] == old

"""The cheaper scans of the SMS path find exactly what the plain scans found.

``sentence_end`` is written as one mark then any more (not ``[...]+``) so that the regular
expression engine scans for the first mark quickly; it must give the matches of the form it
replaced, on any text.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

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

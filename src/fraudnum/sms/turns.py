"""Turns and sentences of a long text: a chat, a transcribed call, a long message.

Issue 11 makes conversations first-class: a verdict covers the whole text, but the script
families a rule combines (a claimed role, a pretext, a demand) must meet within a few
sentences of each other — or across neighbouring turns of one conversation — not merely
somewhere in a long text. This module only cuts the text; it knows nothing of scores.

* A **turn** is a line that starts with a speaker's name and a colon (``张伟: …``,
  ``客服：…``), as chat logs and call transcripts are written (pattern ``speaker_turn`` of
  ``data/sms_patterns.csv``). A text is a conversation when at least two speakers take turns.
* A **sentence** ends at an end mark, a semicolon or a line break (pattern ``sentence_end``).
  Proximity is counted in sentences in a monologue (a long message, a notice, a news item);
  across the turns of one conversation the families combine wherever they occur, since a
  scammer claims the role in one turn and makes the demand several turns later.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from typing import Final, NamedTuple

# The sweep is the pure-Python proximity twin's own: one copy of it, which the compiled
# NearRules is tested against.
from fraudnum._pysmsrows import _window as tightest_window
from fraudnum._tables import TableError
from fraudnum.sms.signals import sms_patterns

__all__ = ["Turn", "Units", "conversation", "sentence_starts", "turns", "window_of"]

#: A text shorter than this is one sentence for proximity (an SMS, a short chat line).
MIN_SPLIT: Final = 60


class Turn(NamedTuple):
    """One turn of a conversation: where it starts and ends, and who speaks."""

    start: int
    end: int
    speaker: str


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    pats = sms_patterns()
    for name in ("speaker_turn", "sentence_end"):
        if name not in pats:
            raise TableError("sms_patterns.csv", None, f"the {name} pattern is missing")
    return (
        re.compile(pats["speaker_turn"].pattern, re.MULTILINE),
        pats["sentence_end"],
    )


def turns(text: str) -> tuple[Turn, ...]:
    """The speaker-marked turns of a text, in order (empty when no line has a speaker).

    A turn runs from its speaker's name to the next marked line (a turn may hold lines
    of its own without a marker).
    """
    if "\n" not in text or text.count(":") + text.count("\uff1a") < 2:
        return ()  # one line, or fewer than two colons: no two turns
    marker = _patterns()[0]
    found = [(m.start(1), m.group(1)) for m in marker.finditer(text)]
    out = []
    for i, (start, speaker) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        out.append(Turn(start, end, speaker))
    return tuple(out)


def conversation(found: Sequence[Turn]) -> bool:
    """Whether these turns make a conversation: at least two speakers take turns."""
    return len(found) >= 2 and len({t.speaker for t in found}) >= 2


def sentence_starts(text: str) -> tuple[int, ...]:
    """The offsets where the sentences of ``text`` start (the first is 0)."""
    if len(text) < MIN_SPLIT:
        return (0,)
    ends = [m.end() for m in _patterns()[1].finditer(text)]
    if ends and ends[-1] >= len(text):
        ends.pop()  # ends only grow: only the last can be the end of the text
    return (0, *ends)


class Units:
    """The sentence index of any offset of one text (a bisect over the sentence starts)."""

    __slots__ = ("starts",)

    def __init__(self, text: str) -> None:
        self.starts = sentence_starts(text)

    @classmethod
    def of_turns(cls, chat: Sequence[Turn]) -> Units:
        """Units that are the turns of a conversation (for pointing at the deciding turns)."""
        units = cls("")
        units.starts = (0, *(t.start for t in chat if t.start > 0))
        return units

    def __len__(self) -> int:
        return len(self.starts)

    def index(self, offset: int) -> int:
        """The sentence holding ``offset``."""
        return bisect.bisect_right(self.starts, offset) - 1


def window_of(
    units: Units, hits: Iterable[tuple[int, int, str]], needed: frozenset[str], reach: int
) -> tuple[int, int] | None:
    """The first text range of at most ``reach`` sentences holding a hit of every needed tag.

    Args:
        units: the sentences of the text.
        hits: ``(start, end, tag)`` of every phrase hit that carries a needed tag.
        needed: the tags that must all occur in the window.
        reach: the most sentences the window may span (1: one sentence).

    Returns:
        ``(start, end)`` from the first to the last hit of the tightest window found
        first, or None when the tags never meet within ``reach`` sentences.
    """
    seq = sorted((units.index(s), s, e, tag) for s, e, tag in hits)
    return tightest_window(seq, len(needed), reach)

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
from fraudnum._core import run_ends
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
    found = [m.span(1) for m in _patterns()[0].finditer(text)]
    if not found:
        return ()
    # Each turn ends where the next starts; tuple.__new__ builds the named tuples without
    # the Python-level __new__ a NamedTuple call runs (a chat has a dozen turns).
    ends = [s for s, _e in found[1:]]
    ends.append(len(text))
    new = tuple.__new__
    return tuple([new(Turn, (s, end, text[s:e])) for (s, e), end in zip(found, ends, strict=True)])


def conversation(found: Sequence[Turn]) -> bool:
    """Whether these turns make a conversation: at least two speakers take turns."""
    if len(found) < 2:
        return False
    first = found[0][2]
    return any(t[2] != first for t in found)


#: Escapes a sentence-end set may hold, and the character each stands for.
_SET_ESCAPES: Final = {"n": "\n", "t": "\t", "r": "\r"}


def _run_chars(pattern: str) -> str | None:
    r"""The characters of ``pattern`` when it is one run of a plain set (``[X][X]*``, ``[X]+``).

    Such a pattern's matches are the maximal runs of those characters, which a compiled
    scan finds without the regular-expression engine (fraudnum._core.run_ends). A set
    with a range, a class escape (``\s``) or a negation is not plain: None, and the
    pattern is searched as written.
    """
    for suffix in ("+", "*"):
        if pattern.endswith(suffix) and pattern.startswith("[") and len(pattern) > 3:
            body = pattern[1 : -len(suffix) - 1] if pattern[-len(suffix) - 1] == "]" else None
            if body is None:
                continue
            if suffix == "*":  # [X][X]*: the same set twice
                half = body.split("][")
                if len(half) != 2 or half[0] != half[1]:
                    continue
                body = half[0]
            chars = _plain_set(body)
            if chars is not None:
                return chars
    return None


def _plain_set(body: str) -> str | None:
    """The characters a set's body ``X`` (of ``[X]``) stands for, or None when not plain."""
    if not body or body.startswith("^"):
        return None
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body):
                return None
            nxt = body[i + 1]
            if nxt in _SET_ESCAPES:
                out.append(_SET_ESCAPES[nxt])
            elif nxt.isalnum():
                return None  # \s, \d, \w, \u…: a class or a code, not plain
            else:
                out.append(nxt)
            i += 2
            continue
        if ch in "[]-&~|":  # a range, a nested set or a set operation
            return None
        out.append(ch)
        i += 1
    return "".join(dict.fromkeys(out))


@functools.cache
def _sentence_marks() -> str | None:
    """The sentence-end characters, when ``sentence_end`` is a run of a plain set."""
    pattern = _patterns()[1]
    plain = pattern.flags & (re.VERBOSE | re.IGNORECASE) == 0
    chars = _run_chars(pattern.pattern) if plain else None
    if chars is not None and not all(pattern.fullmatch(c) for c in chars):
        return None  # a flag changed what the set means: search as written
    return chars


def sentence_starts(text: str) -> tuple[int, ...]:
    """The offsets where the sentences of ``text`` start (the first is 0)."""
    if len(text) < MIN_SPLIT:
        return (0,)
    marks = _sentence_marks()
    if marks is not None:
        ends = run_ends(text, marks)
    else:
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

"""Signals in an SMS text: phone and bank-card numbers, length, evasive writing.

Pure functions over the text, with no knowledge of scores or categories: the
engine (:mod:`fraudnum.sms.engine`) turns what they find into tags. What is
data lives in tables: the pinyin syllables in ``data/pinyin.csv`` and the
regular expressions in ``data/sms_patterns.csv``, each row with a source.
"""

from __future__ import annotations

import bisect
import enum
import functools
import re
from collections.abc import Mapping, Sequence
from typing import Final

from fraudnum._core import blank_count, number_run
from fraudnum._tables import TableError, data_text, read_table
from fraudnum.types import UrlFinding

__all__ = [
    "LONG_TEXT",
    "MAX_SPANS",
    "SHORT_TEXT",
    "SIGNAL_TAGS",
    "Evasions",
    "Numbers",
    "Signal",
    "count_blanks",
    "drop_references",
    "find_evasions",
    "find_numbers",
    "grouped_cards",
    "instructed_contacts",
    "length_signal",
    "pinyin_syllables",
    "sms_patterns",
]

#: At most this many spans are reported per reason (the verdict stays small on huge input).
MAX_SPANS: Final = 16


class Signal(enum.IntFlag):
    """Which text signals a message shows: part of the signature its decision is cached by."""

    CONTACT = 1
    BANK_CARD = 2
    SHORT_TEXT = 4
    LONG_TEXT = 8
    PINYIN_MIX = 16
    DEPOSIT_BONUS = 32
    CONVERSATION = 64  # two or more speakers take turns (fraudnum.sms.turns)
    REPORTED = 128  # a warning or a report quotes a scam's demands (issue 11, tenth pass)
    ADDRESSED_DEMAND = 256  # a demand made to the reader in one sentence (SmsEngine._addressed)


_SHORT, _LONG = int(Signal.SHORT_TEXT), int(Signal.LONG_TEXT)
_PINYIN_MIX, _DEPOSIT_BONUS = int(Signal.PINYIN_MIX), int(Signal.DEPOSIT_BONUS)

#: The tag each signal gives a message.
SIGNAL_TAGS: Final = tuple(
    (int(signal), tag)
    for signal, tag in (
        (Signal.CONTACT, "contact"),
        (Signal.BANK_CARD, "bank_card"),
        (Signal.SHORT_TEXT, "short_text"),
        (Signal.LONG_TEXT, "long_text"),
        (Signal.PINYIN_MIX, "pinyin_mix"),
        (Signal.DEPOSIT_BONUS, "deposit_bonus"),
        (Signal.CONVERSATION, "conversation"),
        (Signal.REPORTED, "reported_speech"),
        (Signal.ADDRESSED_DEMAND, "demand_addressed"),
    )
)


@functools.cache
def pinyin_syllables() -> frozenset[str]:
    """Every syllable of standard Mandarin pinyin, tones aside (``data/pinyin.csv``)."""
    origin = "pinyin.csv"
    out: set[str] = set()
    for line, row in read_table(data_text(origin), origin, ("initial", "finals", "source")):
        initial = row["initial"]
        if not ((initial.isascii() and initial.isalpha()) or initial == ""):
            raise TableError(origin, line, f"initial must be Latin letters, got {initial!r}")
        for final in row["finals"].split():
            if not final.isascii() or not final.isalpha():
                raise TableError(origin, line, f"final must be Latin letters, got {final!r}")
            out.add(initial + final)
    return frozenset(out)


_REQUIRED_PATTERNS: Final = (
    "report_subject",
    "sentence_end",
    "deposit_bonus",
    "call_instruction",
    "card_groups",
    "reference_gap",
    "reference_date",
    "reference_amount_before",
    "reference_amount_after",
    "report_scope_end",
)


@functools.cache
def sms_patterns() -> Mapping[str, re.Pattern[str]]:
    """The regular expressions of ``data/sms_patterns.csv``, compiled, by name."""
    origin = "sms_patterns.csv"
    out: dict[str, re.Pattern[str]] = {}
    for line, row in read_table(data_text(origin), origin, ("name", "pattern", "source")):
        if row["name"] in out:
            raise TableError(origin, line, f"duplicate name {row['name']!r}")
        try:
            out[row["name"]] = re.compile(row["pattern"])
        except re.error as e:
            raise TableError(origin, line, f"bad pattern: {e}") from None
    for name in _REQUIRED_PATTERNS:
        if name not in out:
            raise TableError(origin, None, f"the {name} pattern is missing")
    return out


def length_signal(text: str) -> int:
    """SHORT_TEXT or LONG_TEXT by the length in characters, blanks aside, or 0.

    Plain ints, not :class:`Signal` members, on this per-message path: flag
    arithmetic on enum members costs more than the check itself.
    """
    n = len(text)
    if n < 2 * SHORT_TEXT:
        if n < SHORT_TEXT or n - blank_count(text) < SHORT_TEXT:
            return _SHORT
    elif n >= LONG_TEXT and (n >= 2 * LONG_TEXT or n - blank_count(text) >= LONG_TEXT):
        return _LONG
    return 0


# Digit runs, possibly masked with x or * (138****5678, xxxxxxxxxxx) and split by hyphens,
# of 7 characters or more: a shorter run is never a number here, and matching it would only
# hand Python a match object to skip (every 工号6740 and 满50 of a script). A position inside
# a short run cannot start a long one, so these are exactly the long maximal runs.
_NUMBER_RUN: Final = re.compile(
    "[0-9\uff10-\uff19xX*\uff0a][0-9\uff10-\uff19xX*\uff0a\\-\uff0d]{6,}"
)
#: A message with fewer characters than this (white space aside) carries the ``short_text``
#: tag: a bulk advertisement names a sender, an offer and a way to reach it, which takes
#: more room, so rules can ask a short text for stronger evidence (``data/sms_rules.csv``).
SHORT_TEXT: Final = 25
#: A message of at least this many characters carries the ``long_text`` tag: it fills most
#: of an SMS, as bulk advertising does (an offer, terms, an address, a signature).
LONG_TEXT: Final = 60
_OTHER_BLANK: Final = re.compile(r"[^\S ]")


def count_blanks(text: str) -> int:
    """White space other than the plain space (tabs, newlines, full-width spaces)."""
    if text.isprintable():
        return 0  # str.isprintable: the plain space is the only blank it allows
    return len(_OTHER_BLANK.findall(text))


_NUMBER_FOLD: Final = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)} | {
    0xFF0A: ord("*"),
    ord("X"): ord("x"),
}


def _card_shaped(run: str, masked: int) -> bool:
    """Whether a folded run (digits, x and * only) reads as a bank card number.

    16-19 characters (ISO/IEC 7812), all masked or none, an unmasked one starting as card
    numbers do (3-6).
    """
    n = len(run)
    return 16 <= n <= 19 and (masked == n or (masked == 0 and run[0] in "3456"))


class Numbers:
    """Numbers found in a message, as tags with their spans."""

    __slots__ = ("bank_card", "contact", "reference")

    def __init__(self) -> None:
        self.contact: list[tuple[int, int]] = []
        self.bank_card: list[tuple[int, int]] = []
        # Numbers that identify something (an order, a date, an amount): not a way to act.
        self.reference: list[tuple[int, int]] = []


def find_numbers(text: str) -> Numbers | None:
    """Phone numbers (real or masked) and bank card numbers in ``text``; None if there are none.

    A card number written in groups is looked for here only in a text short enough to be
    little more than the card and a name; the engine looks in longer ones beside a bank
    or payee word (:func:`grouped_cards`).
    """
    if not number_run(text):  # seven number characters in a row (hyphens aside), in C
        return grouped_cards(text, None) if len(text) < 2 * SHORT_TEXT else None
    found: Numbers | None = None
    for m in _NUMBER_RUN.finditer(text):
        start, end = m.span()
        raw = m.group()
        # Trailing hyphens are not part of the number.
        while raw and raw[-1] in "-\uff0d":
            raw = raw[:-1]
            end -= 1
        run = raw.translate(_NUMBER_FOLD).replace("-", "").replace("\uff0d", "")
        n = len(run)
        if n < 7 or n > 20:
            continue
        masked = run.count("x") + run.count("*")
        if masked == n and n < 7:
            continue
        if 0 < masked < 3:
            continue  # an x or two among digits is text, not a masked number
        if found is None:
            found = Numbers()
        if _card_shaped(run, masked):
            found.bank_card.append((start, end))
        elif masked or n <= 13:
            found.contact.append((start, end))
    if len(text) < 2 * SHORT_TEXT and (found is None or not found.bank_card):
        found = grouped_cards(text, found)
    return found


def grouped_cards(text: str, numbers: Numbers | None) -> Numbers | None:
    """Add the bank card numbers written in groups (``6222 0212 3456 7890 123``) to ``numbers``.

    :func:`find_numbers` reads only unbroken runs, so a card number copied as its face
    prints it would be three or four short numbers, or none. A group run (pattern
    ``card_groups``) of 16-19 digits, all masked or none (an unmasked one starting as card
    numbers do, 3-6), is a card; a phone-like number it covers is part of it. Returns
    ``numbers`` (a new :class:`Numbers` when it was None and a card was found).
    """
    for m in sms_patterns()["card_groups"].finditer(text):
        run = "".join(ch for ch in m.group().translate(_NUMBER_FOLD) if ch.isalnum() or ch == "*")
        if not _card_shaped(run, run.count("x") + run.count("*")):
            continue
        start, end = m.span()
        if numbers is None:
            numbers = Numbers()
        if any(s < end and start < e for s, e in numbers.bank_card):
            continue
        numbers.contact = [(s, e) for s, e in numbers.contact if e <= start or s >= end]
        numbers.bank_card.append((start, end))
    return numbers


# A character every reference_amount_before form holds (¥, 人民币, RMB, CNY, HK$, 金额):
# most numbers have none before them, so the pattern is not run.
_AMOUNT_SIGNS: Final = frozenset("¥￥币BY$额")
#: How far after a reference label (订单号, 流水号 …) its number may start (characters).
REFERENCE_REACH: Final = 8


def drop_references(
    text: str,
    numbers: Numbers,
    label_ends: Sequence[int],
    quoted: Sequence[tuple[int, int]] = (),
) -> None:
    """Move the phone-like numbers that are references out of ``numbers.contact``.

    A notice identifies what it is about by a number: an order, a waybill, a ticket, a
    transaction (订单号 283746519283, 工单号 2026…), a date (2026-12-01), an amount
    (¥3500000, 1200000元). Such a number is information, not a number to call, so it does
    not make the text "give a contact". ``label_ends`` are the end offsets of the reference
    labels found in the text (phrase rows tagged ``number_reference``); what may stand
    between a label and its number, and the shapes of dates and amounts, are the
    ``reference_*`` patterns of ``data/sms_patterns.csv``. A number inside one of the
    ``quoted`` spans (reported speech in a warning: 对方让他拨打…) is quoted, not given.
    """
    if not numbers.contact:
        return
    pats = sms_patterns()
    gap, date = pats["reference_gap"], pats["reference_date"]
    before, after = pats["reference_amount_before"], pats["reference_amount_after"]
    ends = sorted(label_ends)
    n = len(text)
    kept: list[tuple[int, int]] = []
    for start, end in numbers.contact:
        i = bisect.bisect_right(ends, start) - 1
        lead = text[max(0, start - REFERENCE_REACH) : start]
        ref = (
            (i >= 0 and start - ends[i] <= REFERENCE_REACH and gap.fullmatch(text, ends[i], start))
            # cheap guards first: most numbers have no hyphen, no currency before, no unit after
            or ("-" in text[start:end] and date.fullmatch(text[start:end].translate(_NUMBER_FOLD)))
            or (not _AMOUNT_SIGNS.isdisjoint(lead) and before.search(lead))
            or (end < n and after.match(text, end))
            or any(a <= start and end <= b for a, b in quoted)
        )
        (numbers.reference if ref else kept).append((start, end))
    numbers.contact = kept


#: How many characters before a number an instruction to call it is looked for.
INSTRUCTION_REACH: Final = 12


def instructed_contacts(text: str, numbers: Numbers | None) -> list[tuple[int, int]]:
    """The spans of dialable phone numbers that the text tells the reader to call or add.

    A masked number (``138****5678``) cannot be dialled, and a date, a card number or a
    number merely quoted is information: only a number right after an instruction
    (``请拨打``, ``致电``, ``添加``; the ``call_instruction`` pattern) is returned.
    """
    if numbers is None or not numbers.contact:
        return []
    instruction = sms_patterns()["call_instruction"]
    out = []
    for start, end in numbers.contact:
        if any(c in "xX*\uff0a" for c in text[start:end]):
            continue
        if instruction.search(text[max(0, start - INSTRUCTION_REACH) : start]):
            out.append((start, end))
    return out


# A whole run of 2-6 Latin letters (a syllable is never longer).
_LATIN_RUN: Final = re.compile("(?<![A-Za-z])[A-Za-z]{2,6}(?![A-Za-z])")


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


class Evasions:
    """Evasive writing found in a message (looked for only beside illegal-service words)."""

    __slots__ = ("deposit", "pinyin")

    def __init__(self) -> None:
        self.pinyin: list[tuple[int, int]] = []
        self.deposit: list[tuple[int, int]] = []

    @property
    def sig(self) -> int:
        """The :class:`Signal` bits found: PINYIN_MIX and DEPOSIT_BONUS."""
        return (_PINYIN_MIX if self.pinyin else 0) | (_DEPOSIT_BONUS if self.deposit else 0)


def find_evasions(
    text: str, urls: tuple[UrlFinding, ...], words: Sequence[tuple[int, int]]
) -> Evasions:
    """Pinyin syllables glued to illegal-service words, and "deposit N get M" offers.

    ``words`` are the spans of the illegal-service phrases found: a syllable counts only
    when it touches one of them or stands one character away (``lao会员cai``,
    ``xin葡京``, ``代开发piao``), so a brand or a level (``wo音乐``, ``lv会员``) written
    elsewhere in an advertisement does not.
    """
    found = Evasions()
    if not text.isascii():
        n = len(text)
        pinyin = pinyin_syllables()
        for m in _LATIN_RUN.finditer(text):
            s, e = m.span()
            if m.group().lower() not in pinyin:
                continue
            if not ((s > 0 and _cjk(text[s - 1])) or (e < n and _cjk(text[e]))):
                continue
            if not any(0 <= s - we <= 1 or 0 <= ws - e <= 1 for ws, we in words):
                continue
            if any(u.start <= s and e <= u.end for u in urls):
                continue  # a host or path in a link is not prose
            if len(found.pinyin) < MAX_SPANS:
                found.pinyin.append((s, e))
        for m in sms_patterns()["deposit_bonus"].finditer(text):
            if len(found.deposit) < MAX_SPANS:
                found.deposit.append(m.span())
    return found

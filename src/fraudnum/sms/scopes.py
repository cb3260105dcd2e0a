"""Where a text's words reach: negation, reported speech, quotation, addressed demands.

A warning or a report retells a scam ("骗子会让您下载…，再要求您转账"): the demands it
reports are not made to the reader. A negation (切勿转账) cancels the demands after it in
its clause. A demand the speaker addresses to the reader (请你现在把钱转到…) is the
speaker's own whatever advice surrounds it. :class:`Scoping` holds these readings for
:class:`~fraudnum.sms.engine.SmsEngine`, which mixes it in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from fraudnum.sms.signals import (
    sms_patterns,
)

#: How far a negating cue reaches when no clause punctuation ends it first (characters).
NEGATION_REACH: Final = 24

#: How far reported speech reaches when no sentence end comes first (characters).
REPORT_REACH: Final = 80

#: The demands that, made by the text itself outside any reported span, make it act rather
#: than report (a call to 110 or a bill to pay in the sender's app does not).
OWN_DEMANDS: Final = (
    "script_demand_money",
    "script_demand_credential",
    "script_demand_control",
    "demand_app",
    "demand_refee",
    "demand_scan",
    "money_request",
    "otp_request",
)

#: The tags of the phrase rows that frame a text as a warning or a report, in which a
#: reporting cue (骗子会, 对方要求) quotes the scam rather than makes its demand.
REPORT_FRAMES: Final = (
    "news_frame",
    "advice_notice",
    "advice_formula",
    "advice_bank",
    "report_frame",
)


def unmasked(
    found: dict[int, list[tuple[int, int]]], maskers: frozenset[int], demands: frozenset[int]
) -> dict[int, list[tuple[int, int]]]:
    """``found`` without the scam words that lie strictly inside a hit of a ``masks_inner`` row.

    Only the words a scam is made of (``demands``: the rows reported speech quotes) are
    hidden: 支付宝 is no demand to 支付, 转过去了 (done) no demand to 转过去, 电子税务局 (a
    channel) no claim to be the 税务局; cues and frames inside still count.
    """
    spans = [sp for v in maskers & found.keys() for sp in found[v]]
    out: dict[int, list[tuple[int, int]]] = {}
    for v, hits in found.items():
        if v in demands:
            hits = [
                (s, e)
                for s, e in hits
                if not any(a <= s and e <= b and e - s < b - a for a, b in spans)
            ]
            if not hits:
                continue
        out[v] = hits
    return out


# Characters that negate or hedge a closing cue right before it (不是诈骗, 并非骗局, 像是诈骗),
# and what must follow a closing cue: it closes its clause (…的，都是诈骗。).
_HEDGING_CHARS: Final = "不非没未像"

_CLAUSE_ENDS: Final = "，。、；！？：,.;!?:…\n ”」』)）"

_OPENING_QUOTES: Final = "“「『‘\u300c\u300e"

_CLOSING_QUOTES: Final = "”」』’\u300d\u300f"


def _open_quotes(text: str, start: int, end: int) -> int:
    """How many quotations opened in ``text[start:end]`` are still open at ``end``."""
    part = text[start:end]
    return sum(part.count(q) for q in _OPENING_QUOTES) - sum(part.count(q) for q in _CLOSING_QUOTES)


class Scoping:
    """Reported speech and addressed demands (mixed into :class:`SmsEngine`)."""

    # Set by SmsEngine.__init__ (phrase row numbers by role, and the address pattern).
    _report_cues: frozenset[int]
    _report_closers: frozenset[int]
    _address_cue: re.Pattern[str]
    _addressed_demand_rows: frozenset[int]
    _not_addressed_rows: frozenset[int]
    _own_demands: frozenset[int]

    def _report_scopes(
        self, text: str, found: Mapping[int, list[tuple[int, int]]]
    ) -> list[tuple[int, int]]:
        """The spans of reported speech: from each reporting cue to the end of its sentence.

        A sentence ends at its end mark, or where the text turns to the reader (请, the
        ``report_scope_end`` pattern), and at most :data:`REPORT_REACH` characters on. A
        closing cue (…让您扫码支付保证金的，是诈骗) reports its sentence up to itself when it
        closes its clause and is not negated or hedged (这不是诈骗 is what a scammer says).
        """
        patterns = sms_patterns()
        end_at, sentence_end = patterns["report_scope_end"].finditer, patterns["sentence_end"]
        n = len(text)
        closers = self._report_closers
        # A third person named as the subject (市民陈先生, 被告人张某: the ``report_subject``
        # pattern) opens reported speech as a cue row does.
        cues = [(-1, m.span()) for m in patterns["report_subject"].finditer(text)]
        cues.extend((v, span) for v in self._report_cues & found.keys() for span in found[v])
        scopes = []
        for v, (s, e) in cues:
            if v in closers:
                if (s > 0 and text[s - 1] in _HEDGING_CHARS) or (
                    e < n and text[e] not in _CLAUSE_ENDS
                ):
                    continue  # 这不是诈骗, 像是诈骗, 是骗子群发的: not a closing verdict
                begin = max(0, s - REPORT_REACH)
                for m in sentence_end.finditer(text, begin, s):
                    begin = m.end()
                scopes.append((begin, s))
                continue
            stop = min(n, e + REPORT_REACH)
            for m in end_at(text, e, stop):
                # A quotation opened after the cue (骗子称“…，请将资金转入安全账户”) is the
                # scam's own words: the report ends after it closes.
                if _open_quotes(text, e, m.start()) <= 0:
                    stop = m.start()
                    break
            scopes.append((e, stop))
        scopes.sort()
        return scopes

    def _addressed(self, text: str, found: Mapping[int, list[tuple[int, int]]]) -> bool:
        """Whether one sentence speaks to the reader and then demands money, a code or control.

        The sentence holds an address cue (pattern ``address_reader``: 请您, 你现在, 麻烦你 …)
        before a demand that survived negation, and no cue of advice or of reported speech
        (骗子会, 警方提醒, 凡是…都是诈骗); the demand lies outside every reported span
        (:meth:`_report_scopes`). A line break ends a sentence, so in a conversation both are
        one speaker's words.
        """
        address = [m.start() for m in self._address_cue.finditer(text)]
        if not address:
            return False
        demands: list[int] = []
        reported: list[int] = []
        rows_d, rows_r = self._addressed_demand_rows, self._not_addressed_rows
        for v, spans in found.items():
            if v in rows_d:
                demands.extend(s for s, _e in spans)
            if v in rows_r:
                reported.extend(s for s, _e in spans)
        scopes = self._report_scopes(text, found) if not self._report_cues.isdisjoint(found) else []
        if scopes:
            demands = [d for d in demands if not any(a <= d < b for a, b in scopes)]
        # Two offsets share a sentence when no sentence end lies between them: a few short
        # searches, not a split of the whole text.
        end = sms_patterns()["sentence_end"].search
        for a in address:
            for d in demands:
                if (
                    a <= d
                    and end(text, a, d) is None
                    and not any(end(text, min(r, a), max(r, d)) is None for r in reported)
                ):
                    return True
        return False

    def _demands_outside(
        self, found: Mapping[int, list[tuple[int, int]]], scopes: Sequence[tuple[int, int]]
    ) -> bool:
        """Whether the text makes a demand of its own, outside every reported span.

        A warning retells the scam and then advises (its own demands are negated: 请不要转账);
        a scam dressed as a warning (【警方提示】有人冒充您的身份…，需要您将资金转入安全账户)
        makes one: then nothing in it is read as reported.
        """
        for v in self._own_demands & found.keys():
            for s, e in found[v]:
                if not any(a <= s and e <= b for a, b in scopes):
                    return True
        return False

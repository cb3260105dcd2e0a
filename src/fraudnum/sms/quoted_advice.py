"""Quoted advice does not count as distance between a script's role and its demand.

A proximity rule (``near`` N in ``data/sms_rules.csv``) needs its families within N sentences.
A scammer who quotes official warnings between claiming a role and demanding money
(我是公安局民警。警方提醒：谨防电信诈骗。切勿泄露验证码。凡是…都是诈骗。请你立即把钱转到安全账户)
pushes the demand out of reach with sentences that say nothing of the script. When the text
addresses a demand to the reader (``Signal.ADDRESSED_DEMAND``), a sentence whose rows are all
advice or frame rows, or rows no proximity rule locates, is joined to the sentence before it:
it is quoted advice, not a step of the script.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence

__all__ = ["without_advice_sentences"]


def without_advice_sentences(
    starts: Sequence[int],
    found: Mapping[int, list[tuple[int, int]]],
    advice: frozenset[int],
    located: frozenset[int],
) -> tuple[int, ...]:
    """``starts`` (sentence start offsets, ascending) without the starts of advice sentences.

    Args:
        starts: where each sentence begins (the first is 0).
        found: the phrase rows found, with their spans.
        advice: the advice, report and frame rows (谨防, 警方提醒, 凡是…都是诈骗 …).
        located: the rows that carry a family some proximity rule locates.

    A sentence is advice when it holds an ``advice`` row and no ``located`` row; the first
    sentence always stays.
    """
    n = len(starts)
    has_advice = [False] * n
    has_located = [False] * n
    for v, spans in found.items():
        is_advice = v in advice
        is_located = v in located and not is_advice
        if not (is_advice or is_located):
            continue
        for s, _e in spans:
            k = bisect_right(starts, s) - 1
            if k < 0:
                continue
            if is_advice:
                has_advice[k] = True
            if is_located:
                has_located[k] = True
    return tuple(
        start
        for k, start in enumerate(starts)
        if k == 0 or not (has_advice[k] and not has_located[k])
    )

"""Quoted advice does not count as distance between a script's role and its demand.

A proximity rule (``near`` N in ``data/sms_rules.csv``) needs its families within N sentences.
A scammer who quotes official warnings between claiming a role and demanding money
(我是公安局民警。警方提醒：谨防电信诈骗。切勿泄露验证码。凡是…都是诈骗。请你立即把钱转到安全账户)
pushes the demand out of reach with sentences that say nothing of the script. When the text
addresses a demand to the reader (``Signal.ADDRESSED_DEMAND``), a sentence that holds an advice,
frame or negating row is joined to the sentence before it: it is quoted advice, not a step of
the script, and it adds no distance.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence

__all__ = ["without_advice_sentences"]


def without_advice_sentences(
    starts: Sequence[int],
    found: Mapping[int, list[tuple[int, int]]],
    advice: frozenset[int],
) -> tuple[int, ...]:
    """``starts`` (sentence start offsets, ascending) without the starts of advice sentences.

    Args:
        starts: where each sentence begins (the first is 0).
        found: the phrase rows found, with their spans.
        advice: the advice, report, frame and negating rows (谨防, 警方提醒, 切勿, 凡是…都是诈骗 …).

    A sentence that holds an ``advice`` row is joined to the one before it (the first always
    stays). Joining only brings families closer, so it can make a rule meet, never part.
    """
    joined = [False] * len(starts)
    for v in advice & found.keys():
        for s, _e in found[v]:
            k = bisect_right(starts, s) - 1
            if k > 0:
                joined[k] = True
    return tuple(start for k, start in enumerate(starts) if not joined[k])

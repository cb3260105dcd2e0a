"""Rough throughput of KeywordAutomaton against pyahocorasick on SMS-sized texts.

pyahocorasick scans text that was folded beforehand (the fold is not timed); fraudnum folds on
the fly. Run: ``python benchmarks/automaton_quick.py`` after installing the package.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable

import ahocorasick

from fraudnum._automaton import KeywordAutomaton
from fraudnum.folding import load_fold_table

SEEDS = ["涉嫌违法犯罪", "接受调查", "保释金", "祝您中奖", "退款退货", "向指定账户转账汇款"]


def main() -> None:
    rng = random.Random(1)
    fold = load_fold_table()
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    phrases = {"".join(rng.choice(chars) for _ in range(rng.randint(2, 6))) for _ in range(1000)}
    patterns = sorted(phrases | set(SEEDS))
    values = list(range(len(patterns)))
    start = time.perf_counter()
    ours = KeywordAutomaton(patterns, values, fold)
    print(f"{len(patterns)} patterns, build {time.perf_counter() - start:.3f} s")
    theirs = ahocorasick.Automaton()
    for p, v in zip(patterns, values, strict=True):
        theirs.add_word(fold.fold_text(p), v)
    theirs.make_automaton()

    def sms() -> str:
        parts: list[str] = []
        while sum(map(len, parts)) < 70:
            r = rng.random()
            if r < 0.1:
                parts.append(rng.choice(SEEDS))
            elif r < 0.2:
                parts.append(rng.choice(patterns))
            elif r < 0.3:
                parts.append(rng.choice("，。！ 1234567890abcVX"))
            else:
                parts.append(rng.choice(chars))
        return "".join(parts)[:70]

    texts = [sms() for _ in range(20_000)]
    folded = [fold.fold_text(t) for t in texts]

    def run(name: str, fn: Callable[[], int]) -> None:
        best = min(_timed(fn) for _ in range(5))
        print(f"{name:45s} {best / len(texts) * 1e6:6.2f} us/SMS")

    run(
        "pyahocorasick iter, pre-folded text",
        lambda: sum(len(list(theirs.iter(t))) for t in folded),
    )
    run("fraudnum find_all, folding on the fly", lambda: sum(len(ours.find_all(t)) for t in texts))
    run("fraudnum find_batch", lambda: sum(map(len, ours.find_batch(texts))))
    gc.disable()
    run("fraudnum find_batch, gc disabled", lambda: sum(map(len, ours.find_batch(texts))))
    gc.enable()


def _timed(fn: Callable[[], int]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()

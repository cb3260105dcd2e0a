"""SMS throughput: fraudnum's folding automaton vs pyahocorasick and flashtext, and classify_sms.

Run after installing the package::

    python benchmarks/bench_sms.py              # the default mix, 20,000 messages
    python benchmarks/bench_sms.py --n 50000 --profile
    python benchmarks/run.py --only sms         # the same, as tables with the other benches

All three matchers get the same phrase list (every row of ``data/phrases.csv``) and the same
messages, in one run. fraudnum scans the *raw* text and folds each code point on the fly
(traditional script, full width, case, separators); pyahocorasick and flashtext scan text that
was folded beforehand with the same table, and that folding is **not** timed — so they are
given a head start. The messages are synthetic, written for this benchmark (never rows of the
evaluation data), about 70 characters each: chats, bank and courier notices, advertising and
scams, with numbers, links and some disguised spellings.

The second comparison is the one a user weighs: whole ``classify_sms`` verdicts against the
pipeline they would build instead — ``unicodedata.normalize("NFKC")``, OpenCC ``t2s``, lower
case, then pyahocorasick over 500 phrases — timed on the same texts in one run, each repeat
with a *fresh* classifier (its signature caches empty, as for distinct traffic). The texts are
the realistic mix of :mod:`benchmarks.sms_mix` (short SMS, ~250-character scripts and long
notices, conversations), and with ``--data DIR`` also the evaluation files read as they are.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ahocorasick
from flashtext import KeywordProcessor

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fraudnum
from benchmarks import Row, Timing, measure
from benchmarks.sms_mix import evaluation_texts, realistic_mix, text_kind
from fraudnum._core import USING_EXTENSIONS, KeywordAutomaton
from fraudnum.folding import load_fold_table
from fraudnum.sms.tables import builtin_phrases

_CHAT = [
    "晚上一起吃饭吗？我六点下班，在老地方等你",
    "妈，我这周末回家，帮我把阳台的衣服收一下",
    "会议改到下午三点，记得带上季度的报表",
    "孩子的家长会定在周五晚上七点，你能去吗",
    "刚到机场，航班延误了一个小时，别等我吃饭了",
    "周日去爬山吗？天气预报说是晴天，早上八点出发",
]
_NOTICE = [
    "您尾号{d4}的储蓄卡{m}月{d}日消费人民币{p}元，余额{b}元。【某某银行】",
    "您的验证码是{d6}，5分钟内有效，请勿泄露给他人。",
    "【快递】您的包裹已到小区驿站，取件码{d4}，请于今日18点前取件",
    "您本月话费账单{p}元，已从账户自动扣缴，感谢使用。",
]
_AD = [
    "【美妆店】春季新品上市，全场{d}折起，会员满{p}送{d}，欢迎莅临！回T退订",
    "您好，需要资金周转吗？无抵押信用贷款，低息快速放款，详询{phone}",
    "少儿英语暑假班火热招生中，名额有限，免费试听，咨询电话{phone}",
    "精装海景房，首付{d}万起，地铁口现房发售，看房热线{phone}，退订回N",
]
_SCAM = [
    "【工商银行】您的账户存在异常，请于今日登录 http://icbc-{w}.cc 重新验证，逾期冻结",
    "您好，我是市公安局民警，您涉嫌洗钱案，请将资金转入安全账户配合调查",
    "恭喜您被栏目组抽选为场外幸运观众，获得奖金{b}元，请登录 www.{w}.top 领取",
    "刷单返利，日结佣金，动动手指日赚{p}，加 薇 信 {w}{d4} 咨询",
    "新葡京百家乐，首存送彩金{p}元，登入 {w}.vip 立即开户",
    "代开各类正规发票，税点低，联系電話 {phone}",
]


def messages(n: int, seed: int = 7) -> list[str]:
    """``n`` synthetic messages of about 70 characters (40% chat, 25% notices, 20% ads)."""
    rng = random.Random(seed)

    def fill(template: str) -> str:
        return template.format(
            d=rng.randint(1, 9),
            d4=f"{rng.randint(0, 9999):04d}",
            d6=f"{rng.randint(0, 999999):06d}",
            m=rng.randint(1, 12),
            p=rng.randint(10, 999),
            b=rng.randint(1000, 99999),
            phone=f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}",
            w="".join(rng.choice("abcdefghkmnpqrstuvwxyz") for _ in range(rng.randint(3, 6))),
        )

    out = []
    for _ in range(n):
        r = rng.random()
        pool = _CHAT if r < 0.4 else _NOTICE if r < 0.65 else _AD if r < 0.85 else _SCAM
        text = fill(rng.choice(pool))
        while len(text) < 60:
            text += rng.choice("，。") + fill(rng.choice(_CHAT))
        out.append(text[:80])
    return out


def _best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


#: How many phrases the user's pipeline matches (a hand-made list is this size, not 2,700).
PIPELINE_PHRASES = 500


def user_pipeline() -> Callable[[str], list[tuple[int, int]]]:
    """What a user builds instead: NFKC, OpenCC t2s, lower case, pyahocorasick over 500 phrases.

    The phrases are a fixed sample of fraudnum's own (folded), so both find the same kind of
    words; OpenCC is the native converter (``pip install opencc``), the fastest a user has.
    """
    import opencc

    t2s = opencc.OpenCC("t2s").convert
    words = sorted({p.folded for p in builtin_phrases()})
    sample = random.Random(5).sample(words, min(PIPELINE_PHRASES, len(words)))
    aho = ahocorasick.Automaton()
    for i, w in enumerate(sample):
        aho.add_word(w, i)
    aho.make_automaton()
    matches, nfkc = aho.iter, unicodedata.normalize

    def run(text: str) -> list[tuple[int, int]]:
        return list(matches(t2s(nfkc("NFKC", text)).lower()))

    return run


def versus_pipeline(texts: Sequence[str], repeats: int) -> tuple[Timing, Timing, Timing, Timing]:
    """``classify_sms`` (fresh classifier each repeat; then warm) and the pipeline, interleaved.

    Returns the timings of: cold ``classify_sms`` (a fresh classifier per repeat, its SMS
    machinery built beforehand, untimed), the same classifier's second pass (caches warm), the
    user's pipeline, and cold ``classify_sms`` reading every verdict's ``reasons`` (another
    fresh classifier: a verdict builds its reasons when they are first read). Repeats
    alternate between them so load on the machine hits all alike.
    """
    pipe = user_pipeline()
    cold: list[float] = []
    warm: list[float] = []
    piped: list[float] = []
    read: list[float] = []
    for _ in range(repeats):
        classify = fraudnum.Classifier().classify_sms
        classify("")
        other = fraudnum.Classifier().classify_sms
        other("")

        def explained(text: str, other: Callable[[str], fraudnum.SmsVerdict] = other) -> object:
            return other(text).reasons

        for runs, fn in ((cold, classify), (warm, classify), (piped, pipe), (read, explained)):
            gc.collect()
            t0 = time.perf_counter()
            for t in texts:
                fn(t)
            runs.append(time.perf_counter() - t0)
    return Timing(tuple(cold)), Timing(tuple(warm)), Timing(tuple(piped)), Timing(tuple(read))


def chunked_ratios(texts: Sequence[str], repeats: int, chunk: int = 250) -> tuple[float, float]:
    """Pipeline ÷ ``classify_sms`` (reasons unread, then read), interleaved chunk by chunk.

    Each repeat takes two fresh classifiers and walks the texts in chunks of ``chunk``: the
    chunk through ``classify_sms``, the same chunk through the pipeline, the same chunk through
    the other classifier reading every verdict's reasons. Both sides of a ratio run within a few
    milliseconds of each other, so a load that changes by the second hits them alike (on a
    shared machine the whole-pass ratios of :func:`versus_pipeline` swing by 30-50%). Returns
    the median over the repeats of (total pipeline time ÷ total classify time), unread and read.
    """
    pipe = user_pipeline()
    for t in texts[:200]:
        pipe(t)
    unread: list[float] = []
    read: list[float] = []
    clock = time.perf_counter
    for _ in range(repeats):
        classify = fraudnum.Classifier().classify_sms
        classify("")
        other = fraudnum.Classifier().classify_sms
        other("")
        c_time = p_time = r_time = 0.0
        gc.collect()
        for i in range(0, len(texts), chunk):
            part = texts[i : i + chunk]
            t0 = clock()
            for t in part:
                classify(t)
            t1 = clock()
            for t in part:
                pipe(t)
            t2 = clock()
            for t in part:
                other(t).reasons  # noqa: B018
            t3 = clock()
            c_time += t1 - t0
            p_time += t2 - t1
            r_time += t3 - t2
        unread.append(p_time / c_time)
        read.append(p_time / r_time)
    return statistics.median(unread), statistics.median(read)


def decision_cost(n: int = 3_000, repeats: int = 5) -> None:
    """Print what deciding a signature costs: replaying those ``n`` texts of the mix decided.

    The signatures the texts of the mix decide are recorded on a fresh classifier, then each is
    decided again, with the rule and plan caches as they were left, and with them emptied before
    each decision (best of ``repeats``).
    """
    texts = realistic_mix(n, messages(n))
    clf = fraudnum.Classifier()
    clf.classify_sms("")
    engine = clf._sms_engine()
    keys: list[Any] = []
    decide = engine._decision

    def record(*key: Any) -> Any:
        keys.append(key)
        return decide(*key)

    engine._decision = record  # type: ignore[method-assign,assignment]
    for t in texts:
        clf.classify_sms(t)
    engine._decision = decide  # type: ignore[method-assign]
    names = ("_plans", "_fired", "_shown", "_neutral")
    caches = [getattr(engine, name) for name in names if isinstance(getattr(engine, name, 0), dict)]
    print(f"{len(keys)} signatures decided by {n} texts of the mix")
    for label, empty in (("rule and plan caches as left", False), ("emptied each time", True)):
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            for key in keys:
                if empty:
                    for cache in caches:
                        cache.clear()
                decide(*key)
            best = min(best, time.perf_counter() - t0)
        print(f"{label:30} {best / len(keys) * 1e6:7.2f} us a decision")


def _mix_rows(table: str, texts: Sequence[str], repeats: int) -> list[Row]:
    cold, warm, piped, read = versus_pipeline(texts, repeats)
    base = "user pipeline: NFKC + OpenCC t2s + lower + pyahocorasick (500 phrases)"
    n = len(texts)
    return [
        Row(table, "`classify_sms`, fresh classifier (cold caches)", n, cold, baseline=base),
        Row(table, "`classify_sms`, cold, every verdict's reasons read", n, read, baseline=base),
        Row(table, "`classify_sms`, second pass (warm caches)", n, warm, baseline=base),
        Row(table, base, n, piped),
    ]


def _describe(texts: Sequence[str]) -> str:
    lengths = sorted(map(len, texts))
    return (
        f"{len(texts)} texts, {statistics.mean(lengths):.0f} characters on average,"
        f" median {lengths[len(lengths) // 2]}, 90th percentile {lengths[len(lengths) * 9 // 10]}"
    )


def link_cost(sizes: Sequence[int] = (2_000, 20_000, 200_000)) -> None:
    """Print the cost a link of ``a.cn `` repeated (and of distinct links), by text size."""
    from fraudnum.sms.links import extract_urls

    classify = fraudnum.Classifier().classify_sms
    classify("")
    head = f"{'links':>8} {'text':10} {'extract us/link':>16} {'classify us/link':>17}"
    print(head, f"{'reasons':>8}")
    for n in sizes:
        for name, text in (
            ("a.cn", "a.cn " * n),
            ("distinct", " ".join(f"http://x{i}.icbc-{i}.top/p" for i in range(n))),
        ):
            t0 = time.perf_counter()
            extract_urls(text)
            t1 = time.perf_counter()
            v = classify(text)
            t2 = time.perf_counter()
            print(
                f"{n:8} {name:10} {(t1 - t0) / n * 1e6:16.2f} {(t2 - t1) / n * 1e6:17.2f}"
                f" {len(v.reasons):8}"
            )


def length_cost(
    sizes: Sequence[int] = (100, 250, 1_000, 4_000, 16_000), n_chars: int = 400_000
) -> None:
    """Print what a character costs by text length, classify_sms against the pipeline.

    ``classify_sms`` with its reasons read or not, and the user's pipeline, on scripts of the
    realistic mix joined up to each length (a fresh classifier each).
    """
    import random as _random

    from benchmarks.sms_mix import script

    rng = _random.Random(3)
    pipe = user_pipeline()
    head = f"{'chars':>7} {'texts':>6} {'classify ns/char':>17} {'+reasons ns/char':>17}"
    print(head, f"{'pipeline ns/char':>17} {'pipe/classify':>14}")
    for size in sizes:
        texts = []
        for _ in range(max(1, n_chars // size)):
            parts: list[str] = []
            while sum(map(len, parts)) < size:
                parts.append(script(rng))
            texts.append("".join(parts)[:size])
        chars = sum(map(len, texts))
        timings = []
        for read in (False, True, None):
            classify = fraudnum.Classifier().classify_sms
            classify("")
            gc.collect()
            t0 = time.perf_counter()
            for t in texts:
                if read is None:
                    pipe(t)
                elif read:
                    classify(t).reasons  # noqa: B018
                else:
                    classify(t)
            timings.append((time.perf_counter() - t0) / chars * 1e9)
        cold, explained, piped = timings
        print(
            f"{size:7} {len(texts):6} {cold:17.1f} {explained:17.1f} {piped:17.1f}"
            f" {piped / cold:13.2f}x"
        )


SENDERS = ("10690000123456", "95588", "13912345678", "1065712345", "12381", "4008123456")


def run(quick: bool = False) -> list[Row]:
    """Matching and whole-verdict throughput; ``quick`` uses 5,000 messages and fewer repeats.

    One table compares the matchers on the same phrases and messages (pyahocorasick as the
    baseline, scanning text folded beforehand, untimed); the other times ``classify_sms``.
    """
    if not USING_EXTENSIONS:
        raise RuntimeError("the compiled core is not in use: unset FRAUDNUM_NO_EXTENSIONS")
    n = 5_000 if quick else 20_000
    repeats = 3 if quick else 5
    fold = load_fold_table()
    phrases = builtin_phrases()
    patterns = [p.phrase for p in phrases]
    texts = messages(n)
    folded = [fold.fold_text(t) for t in texts]
    ours = KeywordAutomaton(patterns, list(range(len(patterns))), fold)
    aho = ahocorasick.Automaton()
    for i, p in enumerate(phrases):
        aho.add_word(p.folded, i)
    aho.make_automaton()
    flash = KeywordProcessor()
    for p in phrases:
        flash.add_keyword(p.folded)
    find_all, aho_iter, extract = ours.find_all, aho.iter, flash.extract_keywords
    avg = statistics.mean(map(len, texts))
    match = f"SMS phrase matching ({len(patterns)} phrases, {n} messages of {avg:.0f} characters)"
    base = "pyahocorasick `iter`, pre-folded text (folding not timed)"
    rows = [
        Row.timed(
            match,
            "fraudnum `find_all`, raw text (folds on the fly)",
            n,
            measure(lambda: [find_all(t) for t in texts], repeats=repeats),
            baseline=base,
        ),
        Row.timed(
            match,
            "fraudnum `find_batch` (GIL released), raw text",
            n,
            measure(lambda: ours.find_batch(texts), repeats=repeats),
            baseline=base,
        ),
        Row.timed(
            match, base, n, measure(lambda: [list(aho_iter(t)) for t in folded], repeats=repeats)
        ),
        Row.timed(
            match,
            "flashtext `extract_keywords`, pre-folded text",
            n,
            measure(lambda: [extract(t) for t in folded], repeats=repeats),
            baseline=base,
        ),
    ]
    clf = fraudnum.Classifier()
    classify = clf.classify_sms
    classify("")
    with_sender = [(t, SENDERS[i % len(SENDERS)]) for i, t in enumerate(texts)]
    whole = f"Whole `classify_sms` ({n} messages of {avg:.0f} characters, target 100 k/s)"
    cats: dict[str, int] = {}
    for t in texts:
        c = classify(t).category.value
        cats[c] = cats.get(c, 0) + 1
    mix = ", ".join(f"{k} {v / n:.0%}" for k, v in sorted(cats.items()))
    rows += [
        Row.timed(
            whole,
            "`classify_sms(text)`",
            n,
            measure(lambda: [classify(t) for t in texts], repeats=repeats),
            mix=mix,
        ),
        Row.timed(
            whole,
            "`classify_sms(text, sender=...)` (6 senders, cached)",
            n,
            measure(lambda: [classify(t, sender=s) for t, s in with_sender], repeats=repeats),
            mix=mix,
        ),
    ]
    mixed = realistic_mix(n, texts)
    rows += _mix_rows(
        f"`classify_sms` vs the pipeline a user builds: realistic mix ({_describe(mixed)})",
        mixed,
        repeats,
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(description="SMS matching and classification throughput")
    ap.add_argument("--n", type=int, default=20_000, help="number of messages")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement (best is kept)")
    ap.add_argument("--profile", action="store_true", help="profile classify_sms and print")
    ap.add_argument(
        "--data",
        type=Path,
        help="also compare on the evaluation files in DIR (sms_dev, fraud_dev, dialog_dev)",
    )
    ap.add_argument(
        "--mix-only", action="store_true", help="only the comparison with the user's pipeline"
    )
    ap.add_argument("--links", action="store_true", help="only the cost a link, by text size")
    ap.add_argument(
        "--lengths", action="store_true", help="only the cost a character, by text length"
    )
    ap.add_argument(
        "--decisions", action="store_true", help="only what deciding a new signature costs"
    )
    ap.add_argument(
        "--chunked",
        action="store_true",
        help="ratios only, classify and pipeline interleaved chunk by chunk (noisy machines)",
    )
    ap.add_argument(
        "--kinds",
        action="store_true",
        help="also compare on each kind of text of the mix (short SMS, scripts, chats)",
    )
    ns = ap.parse_args(argv)
    if ns.links:
        link_cost()
        return 0
    if ns.lengths:
        length_cost()
        return 0
    if ns.decisions:
        decision_cost()
        return 0
    texts = messages(ns.n)
    sets = {"realistic mix": realistic_mix(ns.n, texts)}
    if ns.kinds:
        for kind in ("short", "script", "chat"):
            sets[f"mix: {kind}"] = [t for t in sets["realistic mix"] if text_kind(t) == kind]
    if ns.data is not None:
        found = evaluation_texts(ns.data)
        sets.update(found)
        sets["evaluation files, all"] = [t for v in found.values() for t in v]
    if ns.chunked:
        print("pipeline time / classify_sms time, interleaved in chunks of 250 texts (median)")
        print(f"{'texts':24} {'n':>6} {'chars':>6} {'cold/pipe':>10} {'+reasons/pipe':>14}")
        for name, mixed in sets.items():
            ratio, ratio_read = chunked_ratios(mixed, ns.repeat)
            print(
                f"{name:24} {len(mixed):6} {statistics.mean(map(len, mixed)):6.0f}"
                f" {ratio:9.2f}x {ratio_read:13.2f}x"
            )
        return 0
    print("classify_sms vs NFKC + OpenCC t2s + lower + pyahocorasick (500 phrases), same texts")
    print(f"{'texts':24} {'n':>6} {'chars':>6} {'cold msg/s':>11} {'warm msg/s':>11}", end="")
    print(f" {'pipeline':>10} {'cold/pipe':>9} {'+reasons/pipe':>13}")
    for name, mixed in sets.items():
        cold, warm, piped, read = versus_pipeline(mixed, ns.repeat)
        n = len(mixed)
        print(
            f"{name:24} {n:6} {statistics.mean(map(len, mixed)):6.0f}"
            f" {n / cold.best:11,.0f} {n / warm.best:11,.0f} {n / piped.best:10,.0f}"
            f" {piped.best / cold.best:8.2f}x {piped.best / read.best:12.2f}x"
        )
    if ns.profile:
        clf = fraudnum.Classifier()
        clf.classify_sms("")
        prof = cProfile.Profile()
        prof.runcall(lambda: [clf.classify_sms(t) for t in sets["realistic mix"]])
        print("\nprofile of classify_sms on the realistic mix, fresh classifier:")
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    if ns.mix_only:
        return 0
    print()

    fold = load_fold_table()
    phrases = builtin_phrases()
    patterns = [p.phrase for p in phrases]
    folded = [fold.fold_text(t) for t in texts]  # for the others; not timed
    avg = statistics.mean(map(len, texts))
    print(f"{len(texts)} messages, {avg:.1f} characters on average; {len(patterns)} phrases")
    print(f"fraudnum compiled core: {USING_EXTENSIONS}\n")

    t0 = time.perf_counter()
    ours = KeywordAutomaton(patterns, list(range(len(patterns))), fold)
    build_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    aho = ahocorasick.Automaton()
    for i, p in enumerate(phrases):
        aho.add_word(p.folded, i)
    aho.make_automaton()
    build_aho = time.perf_counter() - t0
    t0 = time.perf_counter()
    flash = KeywordProcessor()
    for p in phrases:
        flash.add_keyword(p.folded)
    build_flash = time.perf_counter() - t0

    find_all = ours.find_all
    aho_iter = aho.iter
    extract = flash.extract_keywords
    rows: list[tuple[str, float, float, int]] = []

    def measure(name: str, fn: Callable[[], int], build: float) -> None:
        hits = fn()
        secs = _best(fn, ns.repeat)
        rows.append((name, secs, build, hits))

    measure(
        "fraudnum find_all, raw text (folds)",
        lambda: sum(len(find_all(t)) for t in texts),
        build_ours,
    )
    measure(
        "fraudnum find_batch, raw text (folds)",
        lambda: sum(map(len, ours.find_batch(texts))),
        build_ours,
    )
    measure(
        "pyahocorasick iter, pre-folded text",
        lambda: sum(1 for t in folded for _ in aho_iter(t)),
        build_aho,
    )
    measure(
        "flashtext extract, pre-folded text",
        lambda: sum(len(extract(t)) for t in folded),
        build_flash,
    )
    print(f"{'matcher':40} {'msg/s':>11} {'us/msg':>7} {'build s':>8} {'hits':>8}")
    for name, secs, build, hits in rows:
        rate, us = len(texts) / secs, secs / len(texts) * 1e6
        print(f"{name:40} {rate:11,.0f} {us:7.2f} {build:8.3f} {hits:8}")

    clf = fraudnum.Classifier()
    t0 = time.perf_counter()
    clf.classify_sms("")
    print(
        f"\nclassify_sms: first call builds the SMS machinery in {time.perf_counter() - t0:.3f} s"
    )
    with_sender = [(t, SENDERS[i % len(SENDERS)]) for i, t in enumerate(texts)]
    classify = clf.classify_sms

    def plain() -> None:
        for t in texts:
            classify(t)

    def senders_too() -> None:
        for t, s in with_sender:
            classify(t, sender=s)

    for name, fn in (
        ("classify_sms(text)", plain),
        ("classify_sms(text, sender=...)", senders_too),
    ):
        secs = _best(fn, ns.repeat)
        print(f"{name:40} {len(texts) / secs:11,.0f} msg/s  {secs / len(texts) * 1e6:6.2f} us/msg")
    cats: dict[str, int] = {}
    for t in texts:
        c = classify(t).category.value
        cats[c] = cats.get(c, 0) + 1
    print("categories in the mix:", dict(sorted(cats.items())))

    if ns.profile:
        prof = cProfile.Profile()
        prof.runcall(plain)
        pstats.Stats(prof).sort_stats("tottime").print_stats(12)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Every SMS verdict as JSON, to prove a speed change left behaviour byte-identical.

Usage::

    python benchmarks/sms_fingerprint.py --data ../shared/data > /tmp/before.jsonl
    # ... change the engine ...
    python benchmarks/sms_fingerprint.py --data ../shared/data > /tmp/after.jsonl
    cmp /tmp/before.jsonl /tmp/after.jsonl

One line per verdict: ``to_dict()`` (sorted keys, exact floats through ``scores`` as
``repr``), plus whether it pickles back equal and its hash is stable. The texts are the
evaluation files (``--data``, read only to measure, never copied), the realistic mix of
:mod:`benchmarks.sms_mix`, and a few built here (many links, empty, control characters).
Senders rotate over several kinds (none, a 1069 port, a mobile, a 95 bank line, the 12381
warning SMS, an international number, a hidden one), and a second classifier with a user
block list and user phrases checks the user paths. A last line prints a digest of all.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fraudnum
from benchmarks.bench_sms import messages
from benchmarks.fingerprint_io import arguments, write_digested
from benchmarks.sms_mix import evaluation_texts, realistic_mix

SENDERS = (None, "106901234567", "13912345678", "95588", None, "12381", "+85223456789", "")


def _built() -> list[str]:
    return [
        "",
        " ",
        "\x00\x01\u200b",
        "a.cn " * 40,
        "点击 http://icbc-vip.cc 与 www.taobao.com 和 " + "x.top/" * 20,
        "您好\n客服: 您的账户异常\n我: 怎么办\n客服: 请下载APP并开启屏幕共享，把钱转到安全账户",
        "12381提醒：2024-05-01 有人冒充公安，138****5678 不是警方号码",
        "12381提醒：请拨打 010-12345678 核实 http://a.cn",
    ]


def texts(data: Path | None, n_mix: int) -> Iterator[tuple[str, str]]:
    """Every text to fingerprint, with the name of its set."""
    if data is not None:
        for name, rows in evaluation_texts(data).items():
            for t in rows:
                yield name, t
    for t in realistic_mix(n_mix, messages(n_mix)):
        yield "mix", t
    for t in _built():
        yield "built", t


def _line(v: fraudnum.SmsVerdict, again: fraudnum.SmsVerdict) -> str:
    # ``again`` is the same text classified again, nothing of it read yet: it must pickle,
    # compare and hash as the verdict read through to_dict() (reasons built when first read).
    back = pickle.loads(pickle.dumps(again))
    d = v.to_dict()
    d["scores_exact"] = [[k, repr(s)] for k, s in v.scores]
    d["pickles"] = back == v and hash(back) == hash(v) and back.to_dict() == v.to_dict()
    return json.dumps(d, ensure_ascii=False, sort_keys=True)


def _lines(args: argparse.Namespace) -> Iterator[tuple[str, bool]]:
    plain = fraudnum.Classifier()
    user = fraudnum.Classifier(block=["13912345678"], allow=["95588"])
    for i, (name, text) in enumerate(texts(args.data, args.mix)):
        sender = SENDERS[i % len(SENDERS)]
        clf = user if i % 11 == 0 else plain
        first, again = clf.classify_sms(text, sender=sender), clf.classify_sms(text, sender=sender)
        yield f"{name}\t{i}\t{_line(first, again)}\n", True


def main(argv: list[str] | None = None) -> int:
    """Print one JSON line per verdict and a closing digest."""
    args = arguments(__doc__.splitlines()[0], argv)
    write_digested(_lines(args), sys.stdout, "verdicts", args.digest_only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

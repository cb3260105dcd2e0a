"""The ``fraudnum`` command: classify numbers (and messages) from arguments or stdin.

Output is JSON Lines, one object per input, so it pipes into ``jq`` or a batch
job; ``--pretty`` indents it for people.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TextIO

import fraudnum
from fraudnum._files import add_file_options, check_file_options, run_file_job
from fraudnum.calls._cli import add_calls_parser
from fraudnum.classifier import Classifier
from fraudnum.evaluation import evaluate
from fraudnum.numbers.plan import builtin_carriers
from fraudnum.tags.cli import add_store_parser

__all__ = ["main"]


def _inputs(args: Sequence[str], stdin: TextIO) -> Iterator[str]:
    """Arguments if any, else stdin one item a line (blank lines skipped)."""
    if args:
        yield from args
        return
    for line in stdin:
        line = line.rstrip("\r\n")
        if line.strip():
            yield line


def _emit(objs: Iterable[dict[str, Any]], out: TextIO, pretty: bool) -> None:
    for obj in objs:
        out.write(json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None))
        out.write("\n")


def _classifier(ns: argparse.Namespace) -> Classifier:
    block: list[str] = list(ns.block or [])
    allow: list[str] = list(ns.allow or [])
    for path in ns.block_file or []:
        block.extend(fraudnum.load_number_list(path))
    for path in ns.allow_file or []:
        allow.extend(fraudnum.load_number_list(path))
    phrases = getattr(ns, "phrases", None)
    return Classifier(block=block, allow=allow, rules=ns.rules, phrases=phrases)


# Lines classified together: large enough for the C batch path to pay off,
# small enough that output starts at once and memory stays flat on huge files.
_CHUNK = 4096


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _cmd_classify(ns: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    clf = _classifier(ns)
    if check_file_options(ns, ns.numbers):
        from fraudnum.arrow import add_number_verdicts

        def numbers(batch: Any) -> Any:
            return add_number_verdicts(
                batch,
                ns.column,
                prefix=ns.prefix,
                classifier=clf,
                channel=ns.channel,
                direction=ns.direction,
                expect_international=ns.expect_international,
            )

        return run_file_job(ns, numbers, out, desc="numbers")
    for chunk in _chunks(_inputs(ns.numbers, stdin), _CHUNK):
        batch = clf.classify_batch(
            chunk,
            channel=ns.channel,
            direction=ns.direction,
            expect_international=ns.expect_international,
        )
        _emit((v.to_dict() for v in batch), out, ns.pretty)
    return 0


def _add_user_rule_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("your own rules (they never override 96110, 12381 or 110)")
    g.add_argument("--block", action="append", metavar="NUMBER", help="block a number or prefix")
    g.add_argument("--allow", action="append", metavar="NUMBER", help="trust a number or prefix")
    g.add_argument("--block-file", action="append", metavar="PATH", help="block list file")
    g.add_argument("--allow-file", action="append", metavar="PATH", help="allow list file")
    g.add_argument("--rules", metavar="PATH", help="rules file in the prefixes.csv format")


def _datetime(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date and time such as 2026-11-20T14:03"
        ) from None


def _cmd_report(ns: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    clf = _classifier(ns)
    verdict: fraudnum.Verdict | fraudnum.SmsVerdict
    if ns.channel == "sms" and ns.content:
        verdict = clf.classify_sms(ns.content, sender=ns.number)
    else:
        verdict = clf.classify(ns.number, channel=ns.channel)
    try:
        r = fraudnum.report(
            verdict,
            when=ns.when,
            reporter=ns.reporter,
            duration_s=ns.duration,
            content=ns.content,
            fraud_type=ns.fraud_type,
            reporter_carrier=ns.carrier,
            now=ns.now,
        )
    except fraudnum.NothingToReport as e:
        if ns.text:
            out.write((e.zh if ns.lang == "zh" else e.en) + "\n")
            for a in fraudnum.advice_for(verdict):
                out.write(f"  - {a.zh if ns.lang == 'zh' else a.en}\n")
        else:
            obj = {
                "nothing_to_report": {"code": e.code, "zh": e.zh, "en": e.en},
                "advice": [a.to_dict() for a in fraudnum.advice_for(verdict)],
            }
            _emit([obj], out, ns.pretty)
        return 1
    if ns.text:
        out.write(r.to_text(ns.lang) + "\n")
    else:
        _emit([r.to_dict()], out, ns.pretty)
    return 0


def _add_report_parser(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="build the 12321 / carrier report messages for a call or SMS (never sends)",
        description=(
            "Print the SMS to send to 12321 and to your carrier's report port, and the"
            " 12321 form filled in, for a fraud or harassment call or SMS. Nothing is sent."
        ),
        epilog=(
            "Exit status: 0 with the report; 1 when the number is trusted (96110, 12381, 110,"
            " 95588 ...) and there is nothing to report; 2 for bad arguments."
        ),
    )
    p.add_argument("number", metavar="NUMBER", help="the caller or SMS sender to report")
    p.add_argument(
        "--when",
        type=_datetime,
        required=True,
        help="call or receive time, ISO (2026-11-20T14:03); without an offset: Beijing time",
    )
    p.add_argument("--reporter", required=True, help="your own mainland mobile number")
    p.add_argument("--duration", type=int, metavar="SECONDS", help="call length (calls only)")
    p.add_argument("--content", help="what the caller said, or the SMS text (required for sms)")
    p.add_argument("--fraud-type", help="the kind of fraud, for the form (calls only)")
    p.add_argument(
        "--channel",
        type=str.lower,
        choices=["call", "sms"],
        default="call",
        help="sms: report an SMS from NUMBER; --content is then classified as its text",
    )
    p.add_argument(
        "--carrier",
        type=str.lower,
        choices=sorted(builtin_carriers()),
        help="your carrier, if not the one your number range says (携号转网)",
    )
    p.add_argument("--now", type=_datetime, help=argparse.SUPPRESS)
    p.add_argument("--text", action="store_true", help="plain text for people, not JSON")
    p.add_argument(
        "--lang", type=str.lower, choices=["zh", "en"], default="zh", help="language of --text"
    )
    p.add_argument("--pretty", action="store_true", help="indented JSON")
    _add_user_rule_options(p)
    p.set_defaults(func=_cmd_report)


def _cmd_sms(ns: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    clf = _classifier(ns)
    if check_file_options(ns, ns.messages):
        from fraudnum.arrow import add_sms_verdicts

        def messages(batch: Any) -> Any:
            return add_sms_verdicts(
                batch, ns.column, sender_column=ns.sender_column, prefix=ns.prefix, classifier=clf
            )

        return run_file_job(ns, messages, out, desc="messages")
    sender = ns.sender or None
    verdicts = (
        {"text": text, **clf.classify_sms(text, sender=sender).to_dict()}
        for text in _inputs(ns.messages, stdin)
    )
    _emit(verdicts, out, ns.pretty)
    return 0


def _add_sms_parser(sub: Any) -> None:
    p = sub.add_parser(
        "sms",
        help="classify SMS texts: fraud, illegal, harassment, marketing, warning or normal",
        description=(
            "Classify SMS texts given as arguments, or one message a line on stdin."
            " Prints one JSON verdict a line with the reasons and their spans."
        ),
    )
    p.add_argument("messages", nargs="*", metavar="TEXT")
    p.add_argument("--sender", metavar="NUMBER", help="the sender of the messages, if known")
    p.add_argument("--pretty", action="store_true", help="indented JSON")
    _add_user_rule_options(p)
    p.add_argument(
        "--phrases", metavar="PATH", help="your own phrase table in the phrases.csv format"
    )
    files = add_file_options(p, "message texts")
    files.add_argument("--sender-column", metavar="NAME", help="the input column with the senders")
    p.set_defaults(func=_cmd_sms)


def _cmd_eval(ns: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    result = evaluate(ns.file, _classifier(ns))
    if ns.json:
        _emit([result.to_dict()], out, ns.pretty)
    else:
        out.write(result.format() + "\n")
    return 0


def _add_eval_parser(sub: Any) -> None:
    p = sub.add_parser(
        "eval",
        help="score SMS classification on your own labelled file, per category",
        description=(
            "Score SMS classification on a labelled file (label<TAB>text a line; label a"
            " category such as fraud or normal; \\n in a text is a line break): precision,"
            " recall and a confusion table per category."
        ),
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="the figures as one JSON object")
    p.add_argument("--pretty", action="store_true", help="indented JSON (with --json)")
    _add_user_rule_options(p)
    p.add_argument(
        "--phrases", metavar="PATH", help="your own phrase table in the phrases.csv format"
    )
    p.set_defaults(func=_cmd_eval)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``fraudnum`` command."""
    parser = argparse.ArgumentParser(
        prog="fraudnum",
        description="Tell whether a Chinese phone number or SMS is likely fraud or spam, and why.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"fraudnum {fraudnum.__version__} (data {fraudnum.data_version()})",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser(
        "classify",
        help="classify caller IDs / SMS senders",
        description="Classify numbers given as arguments, or one per line on stdin.",
    )
    p.add_argument("numbers", nargs="*", metavar="NUMBER")
    p.add_argument("--channel", type=str.lower, choices=["call", "sms"], default="call")
    p.add_argument(
        "--direction", type=str.lower, choices=["incoming", "outgoing"], default="incoming"
    )
    p.add_argument(
        "--expect-international",
        action="store_true",
        help="you have overseas business or family",
    )
    p.add_argument("--pretty", action="store_true", help="indented JSON")
    _add_user_rule_options(p)
    add_file_options(p, "numbers")
    p.set_defaults(func=_cmd_classify)
    _add_report_parser(sub)
    _add_sms_parser(sub)
    _add_eval_parser(sub)
    add_store_parser(sub)
    add_calls_parser(sub)
    return parser


def main(
    argv: Sequence[str] | None = None, stdin: TextIO | None = None, out: TextIO | None = None
) -> int:
    """Run the command line; returns the exit status (2 for bad arguments or files)."""
    parser = build_parser()
    ns = parser.parse_args(argv)
    try:
        status: int = ns.func(ns, stdin or sys.stdin, out or sys.stdout)
    except BrokenPipeError:
        # The reader went away (`fraudnum classify < big.txt | head`): not an error.
        # Point stdout at devnull so the interpreter's final flush stays quiet too.
        if out is None:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (fraudnum.TableError, ValueError, OSError) as e:
        print(f"fraudnum: error: {e}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Fuzz targets: one function per entry point, each taking the fuzzer's raw bytes.

Every target checks the promises of docs/guarantees.md for one entry point: no
exception but the documented ones, answers that hold together (spans inside the
text, batch equal to one by one, the C parser equal to the Python one), and the
never-block tier untouched by any user rule. A broken promise raises
:class:`Finding`; atheris (tools/fuzz/run.py) reports it with the input, and
tests/test_fuzz_corpus.py replays the seed corpus through the same functions
without atheris, so CI runs every target on every change.

Nothing here imports atheris: the targets are plain functions of ``bytes``.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fraudnum
from fraudnum import _core
from fraudnum.numbers.parse import builtin_parser, parse_number
from fraudnum.numbers.plan import builtin_rules, builtin_table, load_rules, parse_rules
from fraudnum.sms.tables import load_phrases
from fraudnum.tags import TagStore, TagStoreError
from fraudnum.types import Channel, Direction, Risk, SmsCategory, Tier

__all__ = ["CORPUS", "TARGETS", "Finding", "store_bytes", "text_of"]

#: The seed corpus, one folder per target.
CORPUS = Path(__file__).resolve().parent / "corpus"

# How many lines of one input the batch target classifies: enough for the C
# batch path and the chunking, few enough to keep executions fast.
_MAX_LINES = 64


class Finding(AssertionError):
    """A target found input that breaks a promise (the message says which)."""


def _require(ok: object, what: str, data: object) -> None:
    if not ok:
        raise Finding(f"{what}; input {data!r}")


def text_of(data: bytes) -> str:
    """The text a fuzz input stands for.

    UTF-8 where it decodes (so seed files stay readable). Bytes after a UTF-16
    little-endian BOM are read as UTF-16 code units with lone surrogates kept, so
    the fuzzer reaches every ``str`` Python can hold; other bytes that are not
    UTF-8 become lone surrogates (``surrogateescape``), as ``os.fsdecode`` gives.
    """
    if data.startswith(b"\xff\xfe"):
        body = data[2:]
        return body[: len(body) // 2 * 2].decode("utf-16-le", "surrogatepass")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", "surrogateescape")


@functools.cache
def _never_block() -> frozenset[str]:
    """The canonical digits of the never-block numbers (96110, 12381, 110 ...)."""
    return frozenset(r.prefix for r in builtin_rules() if r.never_block)


@functools.cache
def _hostile() -> fraudnum.Classifier:
    """A classifier whose user blocks every number it can name."""
    with warnings.catch_warnings():
        # Blocking "1" and "9" reaches 110 and 96110: the warning that says so is expected.
        warnings.simplefilter("ignore", fraudnum.IneffectiveRuleWarning)
        return fraudnum.Classifier(block=[str(d) for d in range(10)])


@functools.cache
def _scratch() -> Path:
    """A folder for the files the loaders read (in memory where the OS has one)."""
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="fraudnum-fuzz-", dir=base))


def _file_of(data: bytes, name: str) -> Path:
    path = _scratch() / name
    path.write_bytes(data)
    return path


def _check_verdict(v: fraudnum.Verdict, data: object) -> None:
    _require(v.reasons, "a verdict without reasons", data)
    _require(
        v.tier is not Tier.NEVER_BLOCK or v.risk is Risk.TRUSTED,
        f"a never-block verdict with risk {v.risk}",
        data,
    )
    _require(v.blockable == (v.tier is not Tier.NEVER_BLOCK), "blockable disagrees", data)
    json.dumps(v.to_dict(), ensure_ascii=False)
    for a in v.advice:
        _require(a.code and a.zh and a.en, "advice without text", data)


def fuzz_parse(data: bytes) -> None:
    """Parsing any text gives ok/hidden/malformed, canonical digits only when ok."""
    text = text_of(data)
    p = builtin_parser().parse(text)
    _require(p.status in ("ok", "hidden", "malformed"), f"status {p.status!r}", data)
    digits = p.info.digits
    if p.status == "ok":
        _require(digits.isascii() and digits.isdigit(), f"digits {digits!r}", data)
        _require(p.rule is not None or digits.startswith("00"), "ok without a rule", data)
        again = builtin_parser().parse(digits)
        _require(again.status == "ok", f"its own digits {digits!r} do not parse", data)
    else:
        _require(digits == "", f"{p.status} input with digits {digits!r}", data)
    _require(p.info.raw == text, "raw is not the input", data)


def fuzz_classify(data: bytes) -> None:
    """Any text, any context: a verdict that explains itself; never-block for any user."""
    text = text_of(data)
    context = data[-1] if data else 0
    channel = (Channel.CALL, Channel.SMS)[context & 1]
    direction = (Direction.INCOMING, Direction.OUTGOING)[(context >> 1) & 1]
    kw: dict[str, Any] = {
        "channel": channel,
        "direction": direction,
        "expect_international": bool(context & 4),
    }
    v = fraudnum.classify(text, **kw)
    _check_verdict(v, data)
    hostile = _hostile().classify(text, **kw)
    _check_verdict(hostile, data)
    if v.number.digits in _never_block() or v.tier is Tier.NEVER_BLOCK:
        _require(
            hostile.tier is Tier.NEVER_BLOCK and not hostile.blockable,
            f"a user rule changed never-block {v.number.digits}",
            data,
        )


def fuzz_batch(data: bytes) -> None:
    """classify_batch gives, row by row, what classify gives (C batch path included)."""
    lines = text_of(data).split("\n")[:_MAX_LINES]
    for clf in (fraudnum.default_classifier(), _hostile()):
        for channel in (Channel.CALL, Channel.SMS):
            batch = clf.classify_batch(lines, channel=channel)
            _require(len(batch) == len(lines), "batch length", data)
            one_by_one = [clf.classify(x, channel=channel) for x in lines]
            _require(list(batch) == one_by_one, "batch and classify disagree", data)
            _require(sum(batch.risk_counts().values()) == len(lines), "risk counts", data)


def fuzz_twins(data: bytes) -> None:
    """The C canonicaliser and the Python parser agree on kind, digits and flags."""
    text = text_of(data)
    parser = builtin_parser()
    reference = parse_number(text, builtin_table().lookup, _fast=False)
    got = parser.parse(text)
    if got != reference:

        def summary(p: Any) -> str:
            kind = None if p.rule is None else p.rule.kind
            return f"{p.status}/{kind}/{p.info.digits}/{sorted(p.info.flags)}"

        raise Finding(
            f"C and Python parsers disagree on {data!r}: {summary(got)} vs {summary(reference)}"
        )
    if _core.USING_EXTENSIONS:
        code = parser.row_codes([text])[0]
        if code >= 0:
            _require(parser.parse(text).rule is parser._rules[code >> 32], "row code", data)


_SENDERS: tuple[str | None, ...] = (None, "12381", "96110", "1069012345678", "+86 139 1234 5678")


def fuzz_sms(data: bytes) -> None:
    """Any SMS: spans inside the text, links as written, 12381 and 96110 never blocked."""
    text = text_of(data)
    sender = _SENDERS[data[0] % len(_SENDERS)] if data else None
    for clf in (fraudnum.default_classifier(), _hostile()):
        v = clf.classify_sms(text, sender=sender)
        _require(v.reasons, "an SMS verdict without reasons", data)
        for r in v.reasons:
            for start, end in r.spans:
                _require(0 <= start <= end <= len(text), f"span {start, end} of {r.code}", data)
        for u in v.urls:
            _require(text[u.start : u.end] == u.text, f"link {u.text!r} not where it says", data)
        if sender in ("12381", "96110"):
            # The number is never blocked; the message is an official warning unless it
            # carries a link or a number to call, which real warnings never do (spoofed).
            _require(v.sender is not None and not v.sender.blockable, f"{sender} blockable", data)
            _require(
                (v.category is SmsCategory.WARNING and not v.blockable)
                or v.codes == ("sms_fake_warning",),
                f"{sender} sent {v.category} ({v.codes})",
                data,
            )
        json.dumps(v.to_dict(), ensure_ascii=False)
        _ = v.advice


def _same_table_error(a: fraudnum.TableError, b: fraudnum.TableError, data: object) -> None:
    _require((a.line, a.message) == (b.line, b.message), f"{a} vs {b}", data)


def _quietly(load: Callable[[], Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fraudnum.IneffectiveRuleWarning)
        return load()


def fuzz_rules(data: bytes) -> None:
    """A rules file loads or raises TableError; streamed and in-memory reads agree."""
    path = _file_of(data, "rules.csv")
    try:
        rows = _quietly(lambda: load_rules(path))
    except fraudnum.TableError as e:
        streamed: fraudnum.TableError | None = e
        rows = None
    else:
        streamed = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _require(streamed is not None, "a file not UTF-8 was accepted", data)
        return
    try:
        whole = _quietly(lambda: parse_rules(text, origin=str(path)))
    except fraudnum.TableError as e:
        _require(streamed is not None, f"only the in-memory read refused it: {e}", data)
        assert streamed is not None
        _same_table_error(streamed, e, data)
        return
    _require(streamed is None, f"only the streamed read refused it: {streamed}", data)
    _require(rows == whole, "streamed and in-memory rows differ", data)
    try:
        clf = fraudnum.Classifier(rules=rows)
    except ValueError as e:
        _require("overlap" in str(e), f"unexpected error {e}", data)
        return
    for number in ("96110", "12381", "110"):
        _require(not clf.classify(number).blockable, f"rules made {number} blockable", data)


def fuzz_phrases(data: bytes) -> None:
    """A phrase file loads or raises TableError; a loaded one classifies messages."""
    path = _file_of(data, "phrases.csv")
    try:
        rows = load_phrases(path)
    except fraudnum.TableError:
        return
    # Building the automaton costs milliseconds: only for small tables.
    if len(rows) <= 8:
        clf = fraudnum.Classifier(phrases=path)
        for row in rows:
            clf.classify_sms(f"您好{row.phrase}。", sender="12381")
        v = clf.classify_sms("您好，请注意防范电信诈骗。", sender="12381")
        _require(v.category is SmsCategory.WARNING, "user phrases overrode 12381", data)


def fuzz_number_list(data: bytes) -> None:
    """A block list loads or raises TableError; what loads builds a classifier."""
    path = _file_of(data, "list.txt")
    try:
        entries = fraudnum.load_number_list(path)
    except fraudnum.TableError:
        return
    clf = _quietly(lambda: fraudnum.Classifier(block=entries))
    for number in ("96110", "12381", "110"):
        _require(not clf.classify(number).blockable, f"a block list made {number} blockable", data)


_PROBES = ("13912345678", "+86 139 1234 5685", "95588", "4008108888", "18600009999", "110")


@functools.cache
def _base_store() -> bytes:
    """A small valid store (the bitmap alone makes it ~126 kB, too big for a seed file)."""
    import numpy as np

    from fraudnum.tags import TagArrays, build, number_key

    numbers = ("13912345678", "13912345685", "95588", "4008108888", "18600009999", "01065612308")
    keys = np.array(sorted({number_key(n) for n in numbers}), dtype=np.uint64)
    n = keys.size
    arrays = TagArrays(
        keys,
        (np.arange(n) % 15 + 1).astype(np.uint8),
        (np.arange(n) * 37 + 1).astype(np.uint32),
        (20400 + np.arange(n)).astype(np.int32),
    )
    path = _scratch() / "base.fntags"
    build(arrays, path, backend="python")
    return path.read_bytes()


def store_bytes(data: bytes) -> bytes:
    """The store file a tagstore input stands for.

    ``P`` then patches: a flag byte (bit 0: a 3-byte truncation point follows),
    then 3-byte records (2-byte offset, new byte) applied to a small valid store.
    Offsets below 2048 fall in the header, the section table and the parameters;
    the others in the sections at the file's end. Any other input is the file itself.
    """
    if not data.startswith(b"P"):
        return data
    out = bytearray(_base_store())
    body = data[2:] if len(data) > 1 else b""
    flags = data[1] if len(data) > 1 else 0
    cut = None
    if flags & 1 and len(body) >= 3:
        cut = int.from_bytes(body[:3], "little") % (len(out) + 1)
        body = body[3:]
    tail = len(out) - 2048
    for i in range(0, len(body) - 2, 3):
        off = int.from_bytes(body[i : i + 2], "little")
        if off >= 2048:
            off = len(out) - 1 - (off - 2048) % tail if tail > 0 else off % len(out)
        out[off % len(out)] = body[i + 2]
    return bytes(out if cut is None else out[:cut])


def fuzz_tagstore(data: bytes) -> None:
    """Any file opens as a store or raises TagStoreError, alike in C and Python."""
    path = _file_of(store_bytes(data), "store.fntags")
    answers: list[object] = []
    backends = ("compiled", "python") if _core.USING_EXTENSIONS else ("python",)
    for backend in backends:
        try:
            with TagStore.open(path, backend=backend) as store:  # type: ignore[arg-type]
                tags = [store.lookup(n) for n in _PROBES]
                batch = store.lookup_batch(list(_PROBES))
                _require(
                    [batch[i] for i in range(len(batch))] == tags,
                    f"{backend}: batch and lookup differ",
                    data,
                )
                answers.append(tuple(None if t is None else t.to_dict() for t in tags))
        except TagStoreError:
            answers.append("error")
    _require(len(set(map(repr, answers))) == 1, f"the backends disagree: {answers}", data)


def fuzz_tag_source(data: bytes) -> None:
    """A marks CSV builds a store or raises TagStoreError (bad rows with their line)."""
    from fraudnum.tags import build

    source = _file_of(data, "marks.csv")
    out = _scratch() / "built.fntags"
    try:
        report = build(source, out, on_error="skip" if data[-1:] == b"\n" else "raise")
    except TagStoreError:
        return
    with TagStore.open(out) as store:
        _require(len(store) == report.numbers, "the store holds another count", data)


#: Target name -> function of the fuzzer's bytes (the corpus folder has the same name).
TARGETS: dict[str, Callable[[bytes], None]] = {
    "parse": fuzz_parse,
    "classify": fuzz_classify,
    "batch": fuzz_batch,
    "twins": fuzz_twins,
    "sms": fuzz_sms,
    "rules": fuzz_rules,
    "phrases": fuzz_phrases,
    "number_list": fuzz_number_list,
    "tagstore": fuzz_tagstore,
    "tag_source": fuzz_tag_source,
}

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
    """Any file opens as a store or raises TagStoreError, alike in C and Python.

    Single lookups, a batch in the caller's order and a sorted batch give the same tags.
    """
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
                # 66 keys: the compiled core sorts them and walks each segment once.
                walked = store.lookup_batch(list(_PROBES) * 11)
                _require(
                    [walked[i] for i in range(len(walked))] == tags * 11,
                    f"{backend}: sorted batch and lookup differ",
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


# -- the Arrow seam -------------------------------------------------------------------

_NULL_LINE = b"\x00"  # a line of just this byte is a null value


def _arrow_values(data: bytes) -> tuple[int, int, list[bytes | None]]:
    """(flags, shape byte, the values' bytes) of an arrow input."""
    flags = data[0] if data else 0
    shape = data[1] if len(data) > 1 else 0
    lines = data[2:].split(b"\n")[:_MAX_LINES]
    return flags, shape, [None if x == _NULL_LINE else x for x in lines]


def _raw_string_array(values: list[bytes | None]) -> Any:
    """A string array holding exactly these bytes (pyarrow does not check UTF-8 here)."""
    import numpy as np
    import pyarrow as pa

    data = b"".join(v or b"" for v in values)
    offsets = np.cumsum([0, *(len(v or b"") for v in values)], dtype=np.int64).astype(np.int32)
    valid = np.packbits([v is not None for v in values], bitorder="little").tobytes()
    nulls = sum(v is None for v in values)
    return pa.Array.from_buffers(
        pa.string(),
        len(values),
        [
            pa.py_buffer(valid) if nulls else None,
            pa.py_buffer(offsets.tobytes()),
            pa.py_buffer(data),
        ],
        null_count=nulls,
    )


def _arrow_input(flags: int, shape: int, values: list[str | None]) -> tuple[Any, list[int]]:
    """The values as an Arrow array or chunked array as ``flags`` and ``shape`` say.

    flags bits 0-1: string, large_string, dictionary (each chunk its own dictionary),
    string_view; bit 2: every chunk a slice with an offset; bit 3: chunked (chunks of
    1-8 values from ``shape``, with an empty one when shape bit 7 is set). shape bit 6:
    a dictionary whose *values* hold the nulls (its indices have none).
    """
    import pyarrow as pa

    kind = flags & 3
    if flags & 8:
        size = 1 + shape % 8
        parts = [values[i : i + size] for i in range(0, len(values), size)] or [[]]
        if shape & 0x80:
            parts.insert(len(parts) // 2, [])
    else:
        parts = [values]

    def one(part: list[str | None]) -> Any:
        if flags & 4:  # a slice: the chunk's buffers start before its first value
            arr = pa.array(["x", *part, "y"], pa.string()).slice(1, len(part))
        else:
            arr = pa.array(part, pa.string())
        if kind == 1:
            return arr.cast(pa.large_string())
        if kind == 3 and hasattr(pa, "string_view"):
            return arr.cast(pa.string_view())
        if kind == 2:
            if shape & 0x40:
                distinct = list(dict.fromkeys(part))
                index = pa.array([distinct.index(v) for v in part], pa.int32())
                return pa.DictionaryArray.from_arrays(index, pa.array(distinct, pa.string()))
            return arr.dictionary_encode()
        return arr

    chunks = [one(p) for p in parts]
    return pa.chunked_array(chunks, chunks[0].type), [len(p) for p in parts]


def _number_row(clf: fraudnum.Classifier, value: str | None, kw: dict[str, Any]) -> dict[str, Any]:
    v = clf.classify("" if value is None else value, **kw)
    _check_verdict(v, value)
    return {
        "kind": v.kind.value,
        "risk": v.risk.value,
        "tier": v.tier.value,
        "reasons": (["no_value"] if value is None else []) + list(v.codes),
        "blockable": v.blockable,
    }


def fuzz_arrow(data: bytes) -> None:
    """fraudnum.arrow.classify_numbers on any Arrow column equals classify, row by row.

    Byte 0: the array's form (string, large_string, dictionary, string_view, slices,
    chunks) and context (bit 4 SMS, bit 5 outgoing, bit 6 international expected, bit 7
    the user's block-everything classifier); byte 1: the chunks' shape. The rest: one
    value a line, a line of one NUL byte a null. Lines that are not UTF-8 go into an
    array built from raw buffers, which must be refused with a ValueError.
    """
    import pyarrow as pa

    import fraudnum.arrow as fa

    flags, shape, raw = _arrow_values(data)
    kw: dict[str, Any] = {
        "channel": Channel.SMS if flags & 16 else Channel.CALL,
        "direction": Direction.OUTGOING if flags & 32 else Direction.INCOMING,
        "expect_international": bool(flags & 64),
    }
    clf = _hostile() if flags & 128 else fraudnum.default_classifier()
    try:
        values = [None if v is None else v.decode("utf-8") for v in raw]
    except UnicodeDecodeError:
        try:
            fa.classify_numbers(_raw_string_array(raw), classifier=clf, **kw)
        except ValueError as e:
            _require("not a valid string array" in str(e), f"unclear error {e}", data)
            return
        raise Finding(f"strings that are not UTF-8 were classified; input {data!r}") from None
    arr, lengths = _arrow_input(flags, shape, values)
    table = fa.classify_numbers(arr, classifier=clf, **kw)
    _require(table.schema == fa.number_schema(), f"schema {table.schema}", data)
    got_lengths = [len(c) for c in table.column("reasons").chunks]
    _require(got_lengths == lengths, f"chunks {got_lengths} for {lengths}", data)
    for name in ("kind", "risk", "tier", "blockable"):
        got = [len(c) for c in table.column(name).chunks]
        _require(got == lengths, f"{name} chunks {got} for {lengths}", data)
    rows = table.to_pylist()
    expected = [_number_row(clf, v, kw) for v in values]
    if rows != expected:
        bad = next(i for i, (a, b) in enumerate(zip(rows, expected, strict=True)) if a != b)
        raise Finding(
            f"row {bad} ({values[bad]!r}): column {rows[bad]} vs classify {expected[bad]};"
            f" input {data!r}"
        )
    _require(len(pa.Table.from_batches(table.to_batches())) == len(values), "batches", data)


# -- call records: the batch detector and the streaming monitor -----------------------

_CALLERS = (
    "17012345678",
    "+86 170 1234 5679",
    "13912345678",
    "008617012345670",
    "+44 20 7946 0958",
    "4001234567",
    "95588",
    "96110",  # never-block callers are never counted
    "110",
    "12381",
    "1069012345678",
    "Unknown",
    "",
    "12",
    "01065612308",
    "+1 415 555 0123",
)
# Callee tails: 靓号 (pretty) ones and plain ones, in a few 10,000-number blocks.
_TAILS = (8888, 6666, 1234, 5678, 9999, 1688, 520, 1314, 3141, 2718, 4711, 8008, 7, 13, 42, 99)


@functools.cache
def _detector() -> Any:
    from fraudnum.calls import CallDetector

    return CallDetector()


def _call_records(data: bytes) -> list[Any]:
    """Call records, 5 bytes each, in time order (the monitor's promise needs it).

    Byte 0: caller (low 4 bits) and callee block (high 3 bits); byte 1: callee tail
    (low 4 bits) and the gap to the previous call (high 4 bits: 0-14 s, 15 a jump of
    an hour); byte 2: ring seconds / 8; byte 3: answered (bit 0), called back (bits
    1-2: unknown, yes, no), talk seconds (the rest, x4); byte 4: a callee digit.
    """
    from fraudnum.calls import CallRecord

    out = []
    clock = 1_700_000_000.0
    for i in range(0, len(data) - 4, 5):
        b0, b1, b2, b3, b4 = data[i : i + 5]
        gap = b1 >> 4
        clock += 3600.0 if gap == 15 else float(gap)
        answered = bool(b3 & 1)
        back = (None, True, False, None)[(b3 >> 1) & 3]
        tail = _TAILS[b1 & 15] if b4 & 1 else (b4 * 37 + (b1 & 15)) % 10_000
        callee = f"139{(b0 >> 4) & 7:04d}{tail:04d}"
        out.append(
            CallRecord(
                _CALLERS[b0 & 15],
                callee,
                clock,
                b2 / 8.0,
                answered,
                float(b3 >> 3) * 4.0 if answered else 0.0,
                called_back=back,
            )
        )
    return out


def fuzz_calls(data: bytes) -> None:
    """Fuzzed call records: the streaming monitor finds what the batch detector finds.

    Also: records, an Arrow table and numpy columns of the same calls give the same
    findings; never-block callers are never the number a caller pattern is about; a
    finding's evidence lies in its window. Byte 0 picks where the stream is cut into
    the monitor's batches; the rest are records (see ``_call_records``).
    """
    import pyarrow as pa

    from fraudnum.calls import CallMonitor, to_columns

    cut = data[0] if data else 0
    records = _call_records(data[1:])
    detector = _detector()
    expected = detector.detect(records)
    columns = {
        "caller": pa.array([r.caller for r in records], pa.string()),
        "callee": pa.array([r.callee for r in records], pa.string()),
        "start": pa.array([r.start for r in records], pa.float64()),
        "ring_s": pa.array([r.ring_s for r in records], pa.float64()),
        "answered": pa.array([r.answered for r in records], pa.bool_()),
        "talk_s": pa.array([r.talk_s for r in records], pa.float64()),
    }
    # A null called_back (unknown, as None is in a CallRecord) is refused by to_columns
    # today (tests/test_fuzz_findings.py): the Arrow form is compared when all are known.
    if all(r.called_back is not None for r in records):
        columns["called_back"] = pa.array([r.called_back for r in records], pa.bool_())
        table = pa.table(columns)
        _require(detector.detect(table) == expected, "an Arrow table finds otherwise", data)
    _require(detector.detect(to_columns(records)) == expected, "columns find otherwise", data)
    monitor = CallMonitor(detector, max_skew_s=0)
    step = 1 + cut % 16
    found = []
    for i in range(0, len(records), step):
        found += monitor.feed(records[i : i + step])
    found += monitor.close()
    order = sorted(found, key=lambda f: (f.window_start, f.pattern, f.key, f.number))
    if order != expected:
        raise Finding(
            f"monitor ({len(order)} findings) and detector ({len(expected)}) disagree:"
            f" {sorted({f.pattern for f in order} ^ {f.pattern for f in expected})};"
            f" input {data!r}"
        )
    _require(monitor.late == 0, f"{monitor.late} records late in time order", data)
    _require([f.reasons for f in order] == [f.reasons for f in expected], "reasons differ", data)
    never = _never_block()
    for f in expected:
        _require(
            not (f.key == "caller" and f.number in never),
            f"never-block {f.number} found {f.pattern}",
            data,
        )
        _require(
            f.window_start <= f.first_call <= f.last_call < f.window_end,
            f"evidence outside the window of {f.pattern}",
            data,
        )
        _require(f.calls >= 1 and f.distinct >= 1, f"{f.pattern} without calls", data)


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
    "arrow": fuzz_arrow,
    "calls": fuzz_calls,
}

"""Data files in and out for the command line: Parquet, CSV and JSON Lines, in batches.

A file job reads record batches, hands each to a function that appends columns
(verdicts, tag lookups) and writes them out; a progress bar on stderr shows the
rows done when stderr is a terminal. This module knows nothing of verdicts, so
both ``fraudnum classify``/``sms`` and ``fraudnum store lookup`` use it.

CSV is read with every column as text (a caller ID such as ``01065612308`` keeps
its leading 0); an empty field (or a blank line) is a null, a quoted empty one
(``""``) the empty string. JSON Lines are read in blocks of whole lines, each parsed
on its own, so a file of any size is read in bounded memory; a blank line is a row
of nulls, and an error names the file's line. In CSV output a list column is its
items joined by ``|``. Output is written to a temporary file beside the target
and renamed into place, so a job that fails leaves no half-written file.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

__all__ = [
    "FORMATS",
    "add_file_options",
    "format_of",
    "read_batches",
    "run_file_job",
    "write_batches",
]

#: The file formats, by name.
FORMATS = ("parquet", "csv", "jsonl")
_EXTENSIONS = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
# Rows per batch: large enough for the batch paths to pay off, small enough that
# memory stays flat and the progress bar moves.
BATCH_ROWS = 65536
# Bytes of JSON Lines parsed at once (a line longer than this is read whole): the
# reader's memory follows this, not the file's size.
JSON_BLOCK_BYTES = 4 << 20


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.compute  # pa.compute is a submodule, loaded only by name
    except ImportError as e:
        raise ImportError(
            "reading and writing data files needs pyarrow: pip install 'fraudnum[arrow]'"
        ) from e
    return pa


def format_of(path: str, given: str | None) -> str:
    """The format of ``path``: ``given`` if set, else by its extension.

    Raises:
        ValueError: no format given and the extension is not known.
    """
    if given is not None:
        if given not in FORMATS:
            raise ValueError(f"unknown format {given!r}; use one of {', '.join(FORMATS)}")
        return given
    fmt = _EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is None:
        raise ValueError(
            f"{path}: cannot tell the format from the extension; pass --format"
            f" ({', '.join(FORMATS)})"
        )
    return fmt


def _csv_header(path: str) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        row = next(csv.reader(f), None)
    if not row:
        raise ValueError(f"{path}: line 1: the CSV file has no header")
    return row


def read_batches(path: str, fmt: str) -> tuple[Iterator[Any], int | None]:
    """Record batches of ``path`` and its row count (None when unknown before reading).

    Raises:
        ValueError: the file cannot be read as ``fmt`` (the message names the file).
        OSError: it cannot be opened.
    """
    pa = _pyarrow()
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(path)
        except pa.ArrowException as e:
            raise ValueError(f"{path}: not a Parquet file: {e}") from None
        return _guarded(path, pf.iter_batches(batch_size=BATCH_ROWS)), pf.metadata.num_rows
    if fmt == "csv":
        from pyarrow import csv as pacsv

        names = _csv_header(path)
        convert = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        )
        # A blank line is a row (a null in a one-column file), not skipped in silence.
        parse = pacsv.ParseOptions(ignore_empty_lines=False)
        try:
            reader = pacsv.open_csv(path, parse_options=parse, convert_options=convert)
        except pa.ArrowException as e:
            raise ValueError(f"{path}: bad CSV: {e}") from None
        return _guarded(path, reader), None
    f = open(path, "rb")  # noqa: SIM115 - closed by the generator, when it is done
    return _jsonl_batches(path, f), None


def _jsonl_batches(path: str, f: Any) -> Iterator[Any]:
    """Record batches of a JSON Lines file, a block of lines at a time.

    The first block's fields and types are the file's (a field null throughout it
    is text); later blocks are parsed against them, so every batch has one schema.
    """
    pa = _pyarrow()
    schema = None
    line = 1
    with f:
        for block in _line_blocks(f):
            table = _parse_jsonl(path, block, line, schema)  # one row a line
            if schema is None:
                schema = pa.schema(
                    [
                        x.with_type(pa.string()) if pa.types.is_null(x.type) else x
                        for x in table.schema
                    ]
                )
                table = table.cast(schema)
            line += table.num_rows
            yield from table.combine_chunks().to_batches(max_chunksize=BATCH_ROWS)


def _line_blocks(f: Any) -> Iterator[bytes]:
    """Blocks of about :data:`JSON_BLOCK_BYTES` of whole lines, each ending in a newline."""
    first = True
    while True:
        block = f.read(JSON_BLOCK_BYTES)
        if not block:
            return
        if first and block.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark
            block = block[3:]
        first = False
        if not block.endswith(b"\n"):
            block += f.readline()  # the rest of the last line
        if not block.endswith(b"\n"):
            block += b"\n"  # the file's last line had no newline
        yield block


# A blank line (spaces at most) is a row of nulls: it becomes an empty object.
_BLANK_LINE = re.compile(rb"^[ \t\r]*\n", re.MULTILINE)
_BLANK_AFTER = re.compile(rb"\n[ \t\r]*\n")  # finds one ten times faster than .sub looks
_ARROW_ROW = re.compile(r"\s*in row (\d+)$")
_ARROW_FIELD = re.compile(r"Column\(/([^)]*)\)")
# pyarrow parses blocks of this size in parallel; a line must fit in one.
_ARROW_BLOCK = 1 << 20


def _parse_jsonl(path: str, block: bytes, line: int, schema: Any) -> Any:
    """One block of lines (starting at file line ``line``) as a table, one row a line."""
    pa = _pyarrow()
    from pyarrow import json as pajson

    data = block
    if _BLANK_LINE.match(data) or _BLANK_AFTER.search(data):
        data = _BLANK_LINE.sub(b"{}\n", data)
    lines = data.count(b"\n")
    parse = pajson.ParseOptions(
        explicit_schema=schema, unexpected_field_behavior="infer" if schema is None else "error"
    )

    def read(block_size: int) -> Any:
        table = pajson.read_json(
            pa.BufferReader(data),
            read_options=pajson.ReadOptions(block_size=block_size),
            parse_options=parse,
        )
        table.validate(full=True)  # pyarrow keeps bytes that are not UTF-8 as they are
        return table

    try:
        table = read(_ARROW_BLOCK)
    except pa.ArrowException:
        # A line longer than pyarrow's block, or a bad line: all of it as one block,
        # whose row numbers are then ours.
        try:
            table = read(len(data) + 1)
        except pa.ArrowException as e:
            raise ValueError(_jsonl_error(path, data, line, schema, str(e))) from None
    if table.num_rows != lines:
        raise ValueError(_jsonl_error(path, data, line, schema, "a line is not one JSON object"))
    return table


def _jsonl_error(path: str, data: bytes, line: int, schema: Any, arrow_error: str) -> str:
    """The message for a block pyarrow could not read, naming the first bad line.

    The block is read again line by line here (slow, but only on the way to an error).
    """
    fields = None if schema is None else set(schema.names)
    decoder = json.JSONDecoder()
    for n, raw in enumerate(data.split(b"\n")[:-1], start=line):
        try:
            text = raw.decode("utf-8")
            value, end = decoder.raw_decode(text.strip())
        except ValueError as e:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            return f"{path}: line {n}: not JSON: {e}"
        if text.strip()[end:].strip():
            return f"{path}: line {n}: more than one JSON value on the line"
        if not isinstance(value, dict):
            return f"{path}: line {n}: not a JSON object"
        extra = sorted(set(value) - fields) if fields is not None else []
        if extra:
            return (
                f"{path}: line {n}: field {extra[0]!r} is not one of the fields"
                f" of the first lines ({', '.join(sorted(fields or ()))})"
            )
    message = arrow_error.removeprefix("JSON parse error: ")
    message = _ARROW_FIELD.sub(lambda m: f"field {m.group(1)!r}", message)
    m = _ARROW_ROW.search(message)
    if m:
        return f"{path}: line {line + int(m.group(1))}: {message[: m.start()]}"
    last = line + data.count(b"\n") - 1
    return f"{path}: lines {line}-{last}: {message}"


def _guarded(path: str, batches: Any) -> Iterator[Any]:
    """The batches, with a read error (found mid-file) named after the file."""
    pa = _pyarrow()
    it = iter(batches)
    while True:
        try:
            batch = next(it)
        except StopIteration:
            return
        except pa.ArrowException as e:
            raise ValueError(f"{path}: {e}") from None
        yield batch


def _for_csv(batch: Any) -> Any:
    """A batch CSV can hold: list columns joined by ``|``, dictionaries decoded."""
    pa = _pyarrow()
    pc = pa.compute
    cols = []
    for col in batch.columns:
        t = col.type
        if pa.types.is_dictionary(t):
            col = col.dictionary_decode()
        elif pa.types.is_list(t) or pa.types.is_large_list(t):
            col = pc.binary_join(col, "|")
        cols.append(col)
    return pa.RecordBatch.from_arrays(cols, names=batch.schema.names)


def _json_value(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _write_jsonl(batches: Iterator[Any], out: TextIO) -> None:
    for batch in batches:
        for row in batch.to_pylist():
            out.write(json.dumps(row, ensure_ascii=False, default=_json_value))
            out.write("\n")


def write_batches(batches: Iterator[Any], path: str | None, fmt: str, stdout: TextIO) -> None:
    """Write record batches to ``path`` in ``fmt`` (JSON Lines on ``stdout`` if path is None).

    The file appears only when every batch is written (a temporary file is renamed).
    """
    if path is None:
        if fmt != "jsonl":
            raise ValueError(f"{fmt} output needs --output PATH (stdout takes JSON Lines)")
        _write_jsonl(batches, stdout)
        return
    pa = _pyarrow()
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        if fmt == "jsonl":
            with open(tmp, "w", encoding="utf-8") as f:
                _write_jsonl(batches, f)
        else:
            writer: Any = None
            try:
                for batch in batches:
                    b = _for_csv(batch) if fmt == "csv" else batch
                    if writer is None:
                        writer = _writer(tmp, fmt, b.schema)
                    writer.write_batch(b)
                if writer is None:  # no batch at all: an empty file (CSV: no header known)
                    tmp.write_bytes(b"")
            finally:
                if writer is not None:
                    writer.close()
        os.replace(tmp, target)
    except pa.ArrowException as e:
        raise ValueError(f"{path}: cannot write {fmt}: {e}") from None
    finally:
        tmp.unlink(missing_ok=True)


def _writer(path: Path, fmt: str, schema: Any) -> Any:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetWriter(path, schema)
    from pyarrow import csv as pacsv

    return pacsv.CSVWriter(path, schema)


def _progress(total: int | None, enabled: bool, desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total, desc=desc, unit=" rows", unit_scale=True, disable=not enabled, file=sys.stderr
    )


def run_file_job(
    ns: argparse.Namespace,
    transform: Callable[[Any], Any],
    stdout: TextIO,
    *,
    desc: str,
) -> int:
    """Read ``ns.input``, ``transform`` every batch, write ``ns.output``; returns 0.

    ``ns`` carries the options :func:`add_file_options` adds. The progress bar is
    on when stderr is a terminal and ``--quiet`` is not given.

    Raises:
        ValueError: a bad option, file or column (the message says which).
        OSError: a file cannot be read or written.
    """
    in_fmt = format_of(ns.input, ns.input_format)
    out_fmt = (ns.format or "jsonl") if ns.output is None else format_of(ns.output, ns.format)
    if ns.output is not None and Path(ns.output).resolve() == Path(ns.input).resolve():
        raise ValueError("--output must not be the --input file")
    batches, total = read_batches(ns.input, in_fmt)
    enabled = not ns.quiet and sys.stderr.isatty()
    bar = _progress(total, enabled, desc)

    def done() -> Iterator[Any]:
        for batch in batches:
            out = transform(batch)
            bar.update(batch.num_rows)
            yield out

    try:
        write_batches(done(), ns.output, out_fmt, stdout)
    finally:
        bar.close()
    return 0


def add_file_options(p: argparse.ArgumentParser, what: str) -> argparse._ArgumentGroup:
    """Add ``--input``, ``--column``, ``--output``, ``--format`` ... to a command's parser."""
    g = p.add_argument_group(
        "files (Parquet, CSV or JSON Lines; the format from the extension or --format)"
    )
    g.add_argument("--input", metavar="PATH", help=f"read the {what} from this file")
    g.add_argument("--column", metavar="NAME", help=f"the input column with the {what}")
    g.add_argument(
        "--output",
        metavar="PATH",
        help="write the input's columns and the new ones here (default: JSON Lines on stdout)",
    )
    g.add_argument("--format", choices=FORMATS, help="the output format (default: by extension)")
    g.add_argument(
        "--input-format", choices=FORMATS, help="the input format (default: by extension)"
    )
    g.add_argument("--prefix", default="", help="put before each new column's name")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    return g


def check_file_options(ns: argparse.Namespace, positional: list[str]) -> bool:
    """True for a file job; raises ValueError for a half-given one."""
    if ns.input is None:
        if ns.column is not None or ns.output is not None:
            raise ValueError("--column and --output need --input")
        return False
    if positional:
        raise ValueError("give either --input or values on the command line, not both")
    if ns.column is None:
        raise ValueError("--input needs --column (the column to read)")
    return True

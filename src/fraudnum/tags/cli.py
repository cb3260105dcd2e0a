"""``fraudnum store build|info|lookup|merge``: the crowd-tag store from the command line.

Output is JSON Lines. Errors (a bad file, bad rows, a corrupt store) print one
clear message on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from fraudnum._files import add_file_options, check_file_options, run_file_job
from fraudnum.tags.format import TagStoreError
from fraudnum.tags.inputs import BadRowsError
from fraudnum.tags.store import TagStore, merge
from fraudnum.tags.writer import build

__all__ = ["add_store_parser", "cmd_build", "cmd_info", "cmd_lookup", "cmd_merge", "main"]


def _emit(obj: dict[str, Any], out: TextIO, pretty: bool = False) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None) + "\n")


def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-06-01") from None


def _fail(message: str) -> int:
    print(f"fraudnum: error: {message}", file=sys.stderr)
    return 2


def cmd_build(ns: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    """``store build SOURCE OUT``: write a store; prints its build report."""
    try:
        report = build(
            ns.source,
            ns.out,
            on_error="skip" if ns.skip_bad_rows else "raise",
            progress=False if ns.quiet else None,
            day_width=ns.day_width,
            day_bits=ns.day_bits,
            day_step=ns.day_step,
            description=ns.description or "",
        )
    except BadRowsError as e:
        return _fail(f"{e}\n(use --skip-bad-rows to build without them)")
    except (TagStoreError, OSError) as e:
        return _fail(str(e))
    for err in report.errors:
        print(f"fraudnum: skipped {err}", file=sys.stderr)
    _emit(report.to_dict(), out, ns.pretty)
    return 0


def cmd_info(ns: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    """``store info STORE``: header, counts and build parameters."""
    try:
        with TagStore.open(ns.store, verify=not ns.no_verify) as store:
            info = store.info()
            info["verified"] = not ns.no_verify
            _emit(info, out, ns.pretty)
    except (TagStoreError, OSError) as e:
        return _fail(str(e))
    return 0


def _inputs(args: list[str], stdin: TextIO) -> Iterator[str]:
    if args:
        yield from args
        return
    for line in stdin:
        line = line.strip()
        if line:
            yield line


def cmd_lookup(ns: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    """``store lookup STORE [NUMBER ...]``: one JSON line per number (stdin if none)."""
    try:
        store = TagStore.open(ns.store, verify=ns.verify)
    except (TagStoreError, OSError) as e:
        return _fail(str(e))
    with store:
        if check_file_options(ns, ns.numbers):
            return run_file_job(
                ns, lambda b: lookup_columns(store, b, ns.column, ns.prefix), out, desc="numbers"
            )
        for number in _inputs(ns.numbers, stdin):
            tag = store.lookup(number)
            obj: dict[str, Any] = {"number": number, "found": tag is not None}
            if tag is not None:
                obj.update(tag.to_dict())
            _emit(obj, out, ns.pretty)
    return 0


def lookup_columns(store: TagStore, batch: Any, column: str, prefix: str = "") -> Any:
    """``batch`` (a pyarrow RecordBatch) with the tags of its ``column`` of numbers appended.

    The new columns: ``found`` (bool), ``category`` (its name), ``count`` and
    ``last_marked``, null where the number is not in the store.

    Raises:
        ValueError: no such column, or a new column's name is taken.
    """
    import numpy as np
    import pyarrow as pa

    if column not in batch.schema.names:
        raise ValueError(f"no column {column!r}; the columns are {batch.schema.names}")
    values = batch.column(column)
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    tags = store.lookup_batch(values.to_pylist())
    missing = ~tags.found
    cats = store.categories
    names = [cats[c].name if c in cats else f"code_{c}" for c in range(16)]
    new = {
        "found": pa.array(tags.found),
        "category": pa.DictionaryArray.from_arrays(
            pa.array(tags.categories.astype(np.int8), mask=missing), pa.array(names)
        ),
        "count": pa.array(tags.counts, mask=missing),
        "last_marked": pa.array(tags.last_marked, pa.date32(), mask=np.isnat(tags.last_marked)),
    }
    names_out = [prefix + n for n in new]
    clash = sorted(set(names_out) & set(batch.schema.names))
    if clash:
        raise ValueError(f"the input already has columns {clash}; pass --prefix")
    return pa.RecordBatch.from_arrays(
        [*batch.columns, *new.values()], names=[*batch.schema.names, *names_out]
    )


def cmd_merge(ns: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    """``store merge STORE DELTA OUT``: apply a day's delta into a new store."""
    try:
        with TagStore.open(ns.store, verify=not ns.no_verify) as store:
            report = merge(
                store,
                ns.delta,
                ns.out,
                expire_before=ns.expire_before,
                progress=False if ns.quiet else None,
            )
    except BadRowsError as e:
        return _fail(str(e))
    except (TagStoreError, OSError) as e:
        return _fail(str(e))
    _emit(report.to_dict(), out, ns.pretty)
    return 0


def add_store_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``store`` command and its subcommands to a ``fraudnum`` parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "store",
        help="build, inspect, query and update a crowd-tag store (marked numbers)",
        description=(
            "A crowd-tag store holds every number users marked (fraud, harassment,"
            " marketing ...) in one memory-mapped file. Output is JSON Lines."
        ),
        epilog="Exit status: 0 on success; 2 for bad arguments, bad rows or a bad store.",
    )
    sub = p.add_subparsers(dest="store_command", required=True, metavar="SUBCOMMAND")

    b = sub.add_parser(
        "build",
        help="build a store from CSV, Parquet or Arrow",
        description=(
            "Build a store. CSV needs the header number,category,count,last_marked"
            " (numbers in any written form, categories by code or name, ISO dates);"
            " Parquet and Arrow/Feather files need the same columns."
        ),
    )
    b.add_argument("source", metavar="SOURCE", help="a .csv, .parquet or .arrow/.feather file")
    b.add_argument("out", metavar="OUT", help="the store file to write (replaced atomically)")
    b.add_argument("--skip-bad-rows", action="store_true", help="leave bad rows out, listing them")
    b.add_argument(
        "--day-width",
        type=int,
        choices=[0, 1, 2],
        help="bytes per last-marked day (0: keep no days); default the narrowest that fits",
    )
    b.add_argument(
        "--day-bits",
        type=int,
        choices=[1, 2, 4],
        help="keep only the period of the last mark, in this many bits a number"
        " (1: under 2 bytes a number at 242 M); docs/tags.md has the trade-off",
    )
    b.add_argument(
        "--day-step",
        type=int,
        help="days per period with --day-bits; default the shortest that holds the marks",
    )
    b.add_argument("--description", help="free text kept in the store's parameters")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--pretty", action="store_true", help="indented JSON")
    b.set_defaults(func=cmd_build)

    i = sub.add_parser("info", help="print a store's header, counts and build parameters")
    i.add_argument("store", metavar="STORE")
    i.add_argument("--no-verify", action="store_true", help="skip the full checksum")
    i.add_argument("--pretty", action="store_true", help="indented JSON")
    i.set_defaults(func=cmd_info)

    lk = sub.add_parser("lookup", help="look numbers up (arguments, or one a line on stdin)")
    lk.add_argument("store", metavar="STORE")
    lk.add_argument("numbers", nargs="*", metavar="NUMBER")
    lk.add_argument("--verify", action="store_true", help="check the full checksum first")
    lk.add_argument("--pretty", action="store_true", help="indented JSON")
    add_file_options(lk, "numbers")
    lk.set_defaults(func=cmd_lookup)

    m = sub.add_parser(
        "merge",
        help="apply a day's delta (new, updated and removed marks) into a new store",
        description=(
            "Write STORE with DELTA applied to OUT (OUT may be STORE: it is replaced"
            " atomically, and readers of the old file are not disturbed). DELTA is a"
            " CSV like a build source with an optional action column (add or remove)."
        ),
    )
    m.add_argument("store", metavar="STORE")
    m.add_argument("delta", metavar="DELTA")
    m.add_argument("out", metavar="OUT")
    m.add_argument(
        "--expire-before", type=_date, metavar="DATE", help="drop marks last made before DATE"
    )
    m.add_argument("--no-verify", action="store_true", help="skip the full checksum of STORE")
    m.add_argument("--quiet", action="store_true", help="no progress bar")
    m.add_argument("--pretty", action="store_true", help="indented JSON")
    m.set_defaults(func=cmd_merge)
    return p


def main(
    argv: list[str] | None = None, stdin: TextIO | None = None, out: TextIO | None = None
) -> int:
    """Run ``store`` alone (as ``python -m fraudnum.tags.cli``); returns the exit status."""
    parser = argparse.ArgumentParser(prog="fraudnum")
    add_store_parser(parser.add_subparsers(dest="command", required=True))
    ns = parser.parse_args(argv)
    status: int = ns.func(ns, stdin or sys.stdin, out or sys.stdout)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

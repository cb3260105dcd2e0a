"""Every column of ``fraudnum.arrow.classify_sms`` as JSON, to prove a change left it identical.

Usage::

    python benchmarks/arrow_fingerprint.py --data ../shared/data > /tmp/before.jsonl
    # ... change the engine ...
    python benchmarks/arrow_fingerprint.py --data ../shared/data > /tmp/after.jsonl
    cmp /tmp/before.jsonl /tmp/after.jsonl

The texts are those of :mod:`benchmarks.sms_fingerprint` (the evaluation files, read only to
measure, the realistic mix, a few built ones), in batches of 1,000 with the senders rotating
as there, once with the default classifier and once with a user one (block and allow lists).
One line per row (every output column, and the schema once); a last line prints a digest.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyarrow as pa

import fraudnum
import fraudnum.arrow
from benchmarks.fingerprint_io import arguments, write_digested
from benchmarks.sms_fingerprint import SENDERS, texts

BATCH = 1000


def _lines(args: argparse.Namespace) -> Iterator[tuple[str, bool]]:
    rows = [t for _name, t in texts(args.data, args.mix)]
    senders = [SENDERS[i % len(SENDERS)] for i in range(len(rows))]
    for label, clf in (
        ("plain", fraudnum.Classifier()),
        ("user", fraudnum.Classifier(block=["13912345678"], allow=["95588"])),
    ):
        for lo in range(0, len(rows), BATCH):
            t = pa.array(rows[lo : lo + BATCH], pa.string())
            s = pa.array(senders[lo : lo + BATCH], pa.string())
            table = fraudnum.arrow.classify_sms(t, s, classifier=clf)
            if lo == 0:
                yield f"{label}\tschema\t{table.schema}\n", False
            cols = {name: table.column(name).to_pylist() for name in table.column_names}
            for j in range(table.num_rows):
                row = {name: col[j] for name, col in cols.items()}
                yield (
                    f"{label}\t{lo + j}\t{json.dumps(row, ensure_ascii=False, sort_keys=True)}\n",
                    True,
                )


def main(argv: list[str] | None = None) -> int:
    """Print one JSON line per output row and a closing digest."""
    args = arguments(__doc__.splitlines()[0], argv)
    write_digested(_lines(args), sys.stdout, "rows", args.digest_only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

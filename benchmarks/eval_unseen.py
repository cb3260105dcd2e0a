r"""Score ``fraudnum.classify_sms`` on the project's own blind set of fraud scripts.

Usage::

    python benchmarks/eval_unseen.py                # half A and half B, per type and kind
    python benchmarks/eval_unseen.py --half A       # one half only
    python benchmarks/eval_unseen.py --errors 20    # misses and false alarms of half A
    python benchmarks/eval_unseen.py --json         # machine-readable figures
    python benchmarks/eval_unseen.py --lookalikes   # tests/data/lookalikes.tsv instead

The set is ``tests/data/unseen_scripts.tsv`` (``text<TAB>label<TAB>type<TAB>source``, a
header line; ``\n`` in a text stands for a line break between the turns of a chat). It
was written from public anti-fraud publications before the phrase tables were looked at,
see ``tests/data/README.md``. ``--lookalikes`` scores ``tests/data/lookalikes.tsv``, the
larger set of legitimate messages that carry fraud words (issue 11, eighth pass); it has
no fraud rows, so only the look-alike figures are printed. Each message is scored through
:func:`fraudnum.evaluate`, one group (a fraud type, a look-alike kind) at a time, so the
figures are those a user
gets from ``fraudnum eval`` on the same rows.

Halves: within each type (or look-alike kind), rows in file order alternate A, B, A, B …
Half A may be studied row by row (``--errors`` prints half A only); half B is measured,
never read case by case.

Caught = a fraud row given ``fraud`` or ``illegal``. False fraud = a look-alike given
``fraud`` (``illegal`` is counted apart). A ``fraud`` verdict at any risk counts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, NamedTuple

import fraudnum
from fraudnum import SmsCategory

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DEFAULT_SET = DATA / "unseen_scripts.tsv"
LOOKALIKE_SET = DATA / "lookalikes.tsv"
HALVES = ("A", "B")
LOOKALIKE = "look-alike:"
_CAUGHT = ("fraud", "illegal")


class Row(NamedTuple):
    """One labelled message of the blind set."""

    text: str
    label: SmsCategory
    type: str
    source: str
    half: str


def read_set(path: Path = DEFAULT_SET) -> list[Row]:
    r"""Read the blind set; ``\n`` becomes a line break and each row gets its half."""
    rows: list[Row] = []
    seen: defaultdict[str, int] = defaultdict(int)
    with path.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header != ["text", "label", "type", "source"]:
            raise ValueError(f"{path}: unexpected header {header}")
        for n, line in enumerate(fh, 2):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                raise ValueError(f"{path}:{n}: want 4 tab-separated columns")
            text, label, kind, source = parts
            half = HALVES[seen[kind] % 2]
            seen[kind] += 1
            rows.append(Row(text.replace("\\n", "\n"), SmsCategory(label), kind, source, half))
    return rows


def score(rows: list[Row]) -> dict[str, Any]:
    """Figures per fraud type and per look-alike kind, and over all of them."""
    clf = fraudnum.default_classifier()
    groups: defaultdict[str, list[Row]] = defaultdict(list)
    for r in rows:
        groups[r.type].append(r)
    types: dict[str, dict[str, Any]] = {}
    kinds: dict[str, dict[str, Any]] = {}
    for name, members in groups.items():
        result = fraudnum.evaluate([(r.label, r.text) for r in members], clf)
        verdicts: defaultdict[str, int] = defaultdict(int)
        for label_row in result.confusion.values():
            for verdict, count in label_row.items():
                verdicts[verdict] += count
        if name.startswith(LOOKALIKE):
            kinds[name[len(LOOKALIKE) :]] = {
                "n": result.rows,
                "fraud": verdicts["fraud"],
                "illegal": verdicts["illegal"],
                "false_fraud": verdicts["fraud"] / result.rows,
            }
        else:
            caught = sum(verdicts[c] for c in _CAUGHT)
            types[name] = {"n": result.rows, "caught": caught, "recall": caught / result.rows}
    n_fraud = sum(t["n"] for t in types.values())
    n_look = sum(k["n"] for k in kinds.values())
    caught = sum(t["caught"] for t in types.values())
    false = sum(k["fraud"] for k in kinds.values())
    return {
        "recall": caught / n_fraud if n_fraud else 0.0,
        "fraud_rows": n_fraud,
        "caught": caught,
        "false_fraud": false / n_look if n_look else 0.0,
        "lookalike_rows": n_look,
        "false": false,
        "false_illegal": sum(k["illegal"] for k in kinds.values()),
        "types": types,
        "kinds": kinds,
    }


def recall_by_length(rows: list[Row]) -> dict[str, dict[str, float]]:
    """Recall of the fraud rows by text length (characters)."""
    clf = fraudnum.default_classifier()
    bands = {"<100": (0, 100), "100-149": (100, 150), ">=150": (150, 1 << 30)}
    out: dict[str, dict[str, float]] = {}
    for band, (lo, hi) in bands.items():
        sel = [r for r in rows if r.label is SmsCategory.FRAUD and lo <= len(r.text) < hi]
        hit = sum(clf.classify_sms(r.text).category.value in _CAUGHT for r in sel)
        out[band] = {"n": len(sel), "recall": hit / len(sel) if sel else 0.0}
    return out


def _print(half: str, fig: dict[str, Any], lengths: dict[str, dict[str, float]]) -> None:
    recall = f"{fig['recall']:.3f} ({fig['caught']}/{fig['fraud_rows']})"
    false = f"{fig['false_fraud']:.3f} ({fig['false']}/{fig['lookalike_rows']})"
    head = f"fraud+illegal recall {recall}, " if fig["fraud_rows"] else ""
    print(
        f"half {half}: {head}look-alikes called fraud {false},"
        f" called illegal {fig['false_illegal']}"
    )
    if fig["types"]:
        print(f"  {'type':22} {'n':>3} {'recall':>7}")
    for name, t in fig["types"].items():
        print(f"  {name:22} {t['n']:3} {t['recall']:7.3f}")
    print(f"  {'look-alike kind':22} {'n':>3} {'fraud':>5} {'illegal':>7}")
    for name, k in fig["kinds"].items():
        print(f"  {name:22} {k['n']:3} {k['fraud']:5} {k['illegal']:7}")
    bands = (f"{b} {v['recall']:.3f} (n {v['n']:.0f})" for b, v in lengths.items() if v["n"])
    if fig["fraud_rows"]:
        print("  recall by length: " + ", ".join(bands))


def _errors(rows: list[Row], limit: int) -> None:
    clf = fraudnum.default_classifier()
    shown = 0
    for r in rows:
        if r.half != "A" or shown >= limit:
            continue
        v = clf.classify_sms(r.text)
        fraud_row = r.label is SmsCategory.FRAUD
        wrong = (v.category.value not in _CAUGHT) if fraud_row else v.category.value == "fraud"
        if wrong:
            shown += 1
            codes = ",".join(v.codes[:4])
            text = r.text.replace("\n", " / ")
            print(f"[{r.type}] {v.category.value}/{v.risk.value} {codes}\n    {text}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--set", type=Path, default=DEFAULT_SET, help="the labelled TSV")
    p.add_argument(
        "--lookalikes", action="store_true", help=f"score {LOOKALIKE_SET.name} instead of --set"
    )
    p.add_argument("--half", choices=(*HALVES, "all"), help="score one half (default: A and B)")
    p.add_argument("--errors", type=int, default=0, help="print up to N errors of half A")
    p.add_argument("--json", action="store_true", help="figures as JSON")
    ns = p.parse_args(argv)
    rows = read_set(LOOKALIKE_SET if ns.lookalikes else ns.set)
    halves = (ns.half,) if ns.half else HALVES
    out: dict[str, Any] = {}
    for half in halves:
        sel = rows if half == "all" else [r for r in rows if r.half == half]
        out[half] = {"figures": score(sel), "by_length": recall_by_length(sel)}
    if ns.json:
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for half, v in out.items():
            _print(half, v["figures"], v["by_length"])
    if ns.errors:
        _errors(rows, ns.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())

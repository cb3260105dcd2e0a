r"""Score ``fraudnum.classify_sms`` on the labelled evaluation data in ``../shared/data``.

Usage::

    python benchmarks/eval_sms.py                 # both files, summary tables
    python benchmarks/eval_sms.py --data DIR      # another copy of the data
    python benchmarks/eval_sms.py --errors 20     # print some misclassified rows too
    python benchmarks/eval_sms.py --json          # machine-readable figures
    python benchmarks/eval_sms.py --split tune    # only the rows phrases may be tuned on

Every row belongs to one of two slices, fixed by a hash of its text: ``holdout`` (about 20%)
and ``tune`` (the rest). Weights and thresholds are studied on ``tune`` only (``--errors``
prints errors of the tune slice alone); ``holdout`` shows how far that carries over, the
way the unseen part of the same sources will. Figures are printed for both slices.

The data are third-party (see ``../shared/data/README.md``): they are read here, never
copied into the package or its tests.

* ``sms_dev.tsv`` (``label<TAB>text``): spam = any category but normal/warning. Digits in
  its spam were masked to ``x`` by the source; the library treats a masked run of seven
  or more like a phone number, exactly as it treats real digits in the ham, so the masking
  gives it no extra handle.
* ``fraud_dev.tsv`` (``label<TAB>category<TAB>text``): per-category figures. Its entity
  placeholders are turned back into text of the same kind *here*, not in the library:
  ``URL`` -> a neutral link on an ordinary ``.com`` host (never a suspicious one, so link
  flags give nothing away), ``CELLPHONE`` / ``PHONE`` / ``HOTLINE`` -> numbers of that
  shape, ``WECHAT`` / ``QQ`` -> account ids, ``DIGIT`` -> a digit, ``NAME`` / ``PLACE`` ->
  a name / a place, ``BANK`` -> a bank card number (its contexts show it stands for an
  account number: 卡号BANK, 户名NAME ...).
* ``dialog_dev.tsv`` (``label<TAB>text``): conversation windows, 1 = an economic fraud
  attempt. Its turns are joined by the two characters ``\n``; they become real line breaks
  here (a chat or a transcribed call as an app would pass it). Caught = ``fraud`` or
  ``illegal``; false fraud = a negative window given either. Recall is also given per
  window length, since a short window often ends before the demand for money.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import fraudnum
from fraudnum import SmsCategory
from fraudnum.sms.turns import conversation, turns

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

_PLACEHOLDERS = {
    "URL": " http://www.example-site.com/p ",
    "CELLPHONE": " 13912345678 ",
    "PHONE": " 0571-87654321 ",
    "HOTLINE": " 4008123456 ",
    "WECHAT": " wx_lily2016 ",
    "QQ": " 123456789 ",
    "DIGIT": "8",
    "NAME": "张明",
    "PLACE": "杭州",
    "BANK": " 6222021234567890123 ",
}
# Placeholders, sometimes glued together (URLWECHAT) or followed by random lower-case
# suffixes (URLgxizje): the suffix is dropped with the placeholder.
_PLACEHOLDER_RE = re.compile(
    "(" + "|".join(sorted(_PLACEHOLDERS, key=len, reverse=True)) + ")[a-z0-9]{0,8}"
)


def unmask(text: str) -> str:
    """Replace fraud_dev placeholders by text of the same kind."""
    return _PLACEHOLDER_RE.sub(lambda m: _PLACEHOLDERS[m.group(1)], text)


SPLITS = ("tune", "holdout")


def split_of(text: str) -> str:
    """The slice a row belongs to: ``holdout`` for about one row in five, by a hash of its text."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return "holdout" if int.from_bytes(digest, "big") % 5 == 0 else "tune"


def _read(path: Path, columns: int) -> Iterator[tuple[str, list[str]]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t", columns - 1)
            if len(parts) == columns:
                yield split_of(parts[-1]), parts


def _sms_dev_figures(c: Counter[str]) -> dict[str, float]:
    tp, fp, fn, tn = c["tp"], c["fp"], c["fn"], c["tn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": precision, "recall": recall, "tp": tp, "fp": fp, "fn": fn, "tn": tn}


def eval_sms_dev(path: Path, errors: int, splits: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """Spam precision and recall on ``sms_dev.tsv``, per slice and over both."""
    clf = fraudnum.default_classifier()
    counts: dict[str, Counter[str]] = {s: Counter() for s in splits}
    by_cat: Counter[str] = Counter()
    shown_fp: list[str] = []
    shown_fn: list[str] = []
    t0 = time.perf_counter()
    n = 0
    for split, (label, text) in _read(path, 2):
        if split not in counts:
            continue
        n += 1
        v = clf.classify_sms(text)
        spam = v.spam
        truth = label == "1"
        by_cat[f"{label}:{v.category.value}"] += 1
        c = counts[split]
        if spam and truth:
            c["tp"] += 1
        elif spam:
            c["fp"] += 1
            if split == "tune" and len(shown_fp) < errors:
                shown_fp.append(f"FP {v.category.value} {_scores(v)} {v.tags} {text[:120]}")
        elif truth:
            c["fn"] += 1
            if split == "tune" and len(shown_fn) < errors:
                shown_fn.append(f"FN {_scores(v)} {v.tags} {text[:120]}")
        else:
            c["tn"] += 1
    dt = time.perf_counter() - t0
    for line in shown_fp + shown_fn:
        print(line)
    out = {split: _sms_dev_figures(c) for split, c in counts.items()}
    out["all"] = _sms_dev_figures(sum(counts.values(), Counter()))
    print(f"\nsms_dev.tsv: {n} rows, {n / dt:,.0f} msg/s (spam = not normal/warning)")
    for split, f in out.items():
        print(
            f"  {split:8} spam precision {f['precision']:.4f}  recall {f['recall']:.4f}"
            f"  (TP {f['tp']:.0f} FP {f['fp']:.0f} FN {f['fn']:.0f} TN {f['tn']:.0f})"
        )
    print("  categories given (label:category):", dict(sorted(by_cat.items())))
    return out


def _scores(v: fraudnum.SmsVerdict) -> str:
    return " ".join(f"{c[:2]}{s:g}" for c, s in v.scores if s)


def eval_fraud_dev(
    path: Path, errors: int, splits: tuple[str, ...], only: str | None = None
) -> dict[str, dict[str, dict[str, float]]]:
    """Per source category, the share given each verdict, per slice and over both."""
    clf = fraudnum.default_classifier()
    rows: dict[str, dict[str, Counter[str]]] = {s: {} for s in splits}
    shown: list[str] = []
    for split, (_label, cat, text) in _read(path, 3):
        if split not in rows:
            continue
        v = clf.classify_sms(unmask(text))
        rows[split].setdefault(cat, Counter())[v.category.value] += 1
        group = cat.split("/")[1][:2]
        own = {"AD": SmsCategory.MARKETING, "FR": SmsCategory.FRAUD, "IL": SmsCategory.ILLEGAL}
        wrong = (group == "AD" and v.category is SmsCategory.FRAUD) or (
            group in ("FR", "IL") and v.category is not own[group]
        )
        if only is not None and only not in cat:
            continue
        if wrong and split == "tune" and len(shown) < errors:
            shown.append(f"{cat} -> {v.category.value} {_scores(v)} {v.tags} {unmask(text)[:110]}")
    for line in shown:
        print(line)
    out: dict[str, dict[str, dict[str, float]]] = {}
    merged: dict[str, Counter[str]] = {}
    for by in rows.values():
        for cat, c in by.items():
            merged.setdefault(cat, Counter()).update(c)
    views = dict(rows)
    if len(rows) > 1:
        views["all"] = merged
    for split, by in views.items():
        out[split] = _fraud_table(split, by)
    return out


def _fraud_table(split: str, rows: dict[str, Counter[str]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    total = sum(sum(c.values()) for c in rows.values())
    print(f"\nfraud_dev.tsv [{split}]: {total} rows")
    print(f"  {'category':32} {'n':>5} {'fraud':>6} {'illegal':>7} {'either':>6} {'spam':>6}")
    totals: dict[str, Counter[str]] = {"AD": Counter(), "FR": Counter(), "IL": Counter()}
    for cat in sorted(rows):
        c = rows[cat]
        n = sum(c.values())
        fr, il = c["fraud"] / n, c["illegal"] / n
        spam = 1 - (c["normal"] + c["warning"]) / n
        out[cat] = {"n": n, "fraud": fr, "illegal": il, "either": fr + il, "spam": spam}
        print(f"  {cat:32} {n:5} {fr:6.3f} {il:7.3f} {fr + il:6.3f} {spam:6.3f}")
        totals[cat.split("/")[1][:2]].update(c)
    print("  --")
    for group, c in totals.items():
        n = sum(c.values())
        if not n:
            continue
        own = {"AD": "marketing", "FR": "fraud", "IL": "illegal"}[group]
        fr, il = c["fraud"] / n, c["illegal"] / n
        out[group] = {"n": n, "fraud": fr, "illegal": il, "either": fr + il, "own": c[own] / n}
        print(
            f"  {group:4} n={n:5}  as fraud {fr:.3f}  as illegal {il:.3f}  "
            f"fraud-or-illegal {fr + il:.3f}  own category ({own}) {c[own] / n:.3f}"
        )
    return out


#: Window lengths (characters) dialog_dev recall is broken down by.
DIALOG_LENGTHS = ((0, 100), (100, 250), (250, 500), (500, 1000), (1000, 10**9))
_CAUGHT = frozenset({SmsCategory.FRAUD, SmsCategory.ILLEGAL})


def eval_dialog_dev(
    path: Path, errors: int, splits: tuple[str, ...]
) -> dict[str, dict[str, float]]:
    """Fraud recall and false-fraud rate on conversation windows, per slice and length."""
    clf = fraudnum.default_classifier()
    counts: dict[str, Counter[str]] = {s: Counter() for s in splits}
    shown: list[str] = []
    for split, (label, text) in _read(path, 2):
        if split not in counts:
            continue
        chat = text.replace("\\n", "\n")
        v = clf.classify_sms(chat)
        caught = v.category in _CAUGHT
        c = counts[split]
        # conversation (two speakers or more) or one speaker's side only
        kind = "conv" if conversation(turns(chat)) else "mono"
        c[f"{label}_{kind}"] += 1
        c[f"{label}_{kind}_caught"] += caught
        if label == "1":
            lo, _hi = next(b for b in DIALOG_LENGTHS if b[0] <= len(chat) < b[1])
            c["pos"] += 1
            c[f"pos_{lo}"] += 1
            c[v.category.value] += 1
            if caught:
                c["tp"] += 1
                c[f"tp_{lo}"] += 1
            elif split == "tune" and len(shown) < errors:
                shown.append(f"FN {v.category.value} {_scores(v)} {v.tags} {chat[:160]!r}")
        else:
            c["neg"] += 1
            if caught:
                c["fp"] += 1
                if split == "tune" and len(shown) < errors:
                    shown.append(f"FP {v.category.value} {_scores(v)} {v.tags} {chat[:160]!r}")
    for line in shown:
        print(line)
    views = dict(counts)
    if len(counts) > 1:
        views["all"] = sum(counts.values(), Counter())
    out: dict[str, dict[str, float]] = {}
    print("\ndialog_dev.tsv (caught = fraud or illegal; turns joined by line breaks)")
    heads = " ".join(
        f"{'<' + str(hi) if hi < 10**9 else str(lo) + '+':>7}" for lo, hi in DIALOG_LENGTHS
    )
    print(
        f"  {'slice':8} {'n+':>5} {'recall':>7} {'n-':>5} {'false':>6}  recall by length: {heads}"
    )
    for split, c in views.items():
        recall = c["tp"] / c["pos"] if c["pos"] else 0.0
        false = c["fp"] / c["neg"] if c["neg"] else 0.0
        f: dict[str, float] = {
            "pos": c["pos"],
            "neg": c["neg"],
            "recall": recall,
            "false_fraud": false,
        }
        cells = []
        for lo, _hi in DIALOG_LENGTHS:
            n = c[f"pos_{lo}"]
            r = c[f"tp_{lo}"] / n if n else 0.0
            f[f"recall_len_{lo}"] = r
            f[f"n_len_{lo}"] = n
            cells.append(f"{r:7.3f}" if n else "      -")
        for kind in ("conv", "mono"):
            for label, name in (("1", "recall"), ("0", "false_fraud")):
                n = c[f"{label}_{kind}"]
                f[f"{name}_{kind}"] = c[f"{label}_{kind}_caught"] / n if n else 0.0
                f[f"n_{label}_{kind}"] = n
        out[split] = f
        print(
            f"  {split:8} {c['pos']:5} {recall:7.3f} {c['neg']:5} {false:6.3f}  "
            f"{'':18}{' '.join(cells)}"
        )
    print("  by window kind (conversation = two speakers or more; one side = a single speaker):")
    for split, f in out.items():
        print(
            f"  {split:8} conversation: recall {f['recall_conv']:.3f} (n {f['n_1_conv']:.0f})"
            f" false {f['false_fraud_conv']:.3f} (n {f['n_0_conv']:.0f});"
            f"  one side: recall {f['recall_mono']:.3f} (n {f['n_1_mono']:.0f})"
            f" false {f['false_fraud_mono']:.3f} (n {f['n_0_mono']:.0f})"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the TSV files")
    ap.add_argument("--errors", type=int, default=0, help="print up to N tune errors per file")
    ap.add_argument("--split", choices=(*SPLITS, "both"), default="both", help="slices to score")
    ap.add_argument("--only", help="print errors only for fraud_dev categories containing this")
    ap.add_argument(
        "--file",
        choices=("sms_dev", "fraud_dev", "dialog_dev", "both"),
        default="both",
        help="one file, or all three (both: the name predates dialog_dev)",
    )
    ap.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    ns = ap.parse_args(argv)
    splits = SPLITS if ns.split == "both" else (ns.split,)
    results: dict[str, object] = {}
    if ns.file in ("sms_dev", "both"):
        results["sms_dev"] = eval_sms_dev(ns.data / "sms_dev.tsv", ns.errors, splits)
    if ns.file in ("fraud_dev", "both"):
        results["fraud_dev"] = eval_fraud_dev(ns.data / "fraud_dev.tsv", ns.errors, splits, ns.only)
    if ns.file in ("dialog_dev", "both"):
        results["dialog_dev"] = eval_dialog_dev(ns.data / "dialog_dev.tsv", ns.errors, splits)
    if ns.json:
        json.dump(results, sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

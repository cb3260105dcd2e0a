"""Generate ``data/fold.tsv``, the code-point folding table used by keyword matching.

Spammers evade keyword filters by switching script (traditional/simplified), width
(full-width/half-width), case, digit style (``①``, ``𝟘``) and by inserting separators or
invisible characters between the characters of a phrase. Matching sees through all of this by
folding every code point 1:1 through this table, or skipping it.

The table is derived, never typed by hand, from two well-kept sources:

* OpenCC's single-character Traditional→Simplified table ``TSCharacters.txt`` as shipped in
  the ``opencc-python-reimplemented`` package (first candidate where several are given);
* Unicode's Unihan database, ``Unihan_Variants.txt`` (the Debian/Ubuntu ``unicode-data``
  package ships it as ``/usr/share/unicode/Unihan_Variants.txt.bz2``; ``--unihan`` names
  another copy): the pairs listed in ``tools/fold_variants.tsv`` are checked against its
  ``kSemanticVariant`` / ``kZVariant`` fields and their two sides folded together (帳 and 賬 are
  semantic variants, so 帐 folds like 账). Only listed pairs: applied wholesale, Unihan's
  semantic variants would merge unrelated everyday characters (只/子, 坏/坯);
* Python's :mod:`unicodedata`: NFKC (where the result, once characters of the skip set are
  dropped, is exactly one code point; NFKD is tried second so that precomposed letters fold like
  a base letter followed by a combining mark, which is skipped), then ``str.casefold`` (1:1
  results only), and general categories for the skip set.

For each code point the steps run in this order: NFKC (or NFKD without marks), casefold,
Traditional→Simplified, then the Unihan variant step, repeated until nothing changes, so a
full-width traditional character folds to its simplified form. Code points with no
compatibility mapping whose general category is in the skip set (``Z*``, ``P*``, ``S*``,
``Cf``, ``Cc``, ``Mn``, ``Me``, plus variation selectors) are SKIP. Surrogates, private use
and unassigned code points stay identity.

Output format (tab-separated; ``#`` lines are comments; one column header line)::

    codepoint   folded      source
    0000..0008  SKIP        unicode:category=Cc
    FF21        0061        unicode:NFKC+unicode:casefold
    7E41        7E41 ...

``codepoint`` is one hex code point, or an inclusive ``START..END`` range (SKIP rows only, all
with the same source); ``folded`` is a hex code point or ``SKIP``; ``source`` names every step
that produced the row, joined by ``+``. Only non-identity folds are listed.

Run from the repository root: ``python tools/gen_fold.py`` (``--check`` exits 1 if the committed
file is stale).
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import importlib.metadata
import sys
import unicodedata
from pathlib import Path

MAX_CP = 0x10FFFF
SKIP = -1

#: General categories whose code points are noise for matching.
SKIP_CATEGORIES = frozenset(
    {"Zs", "Zl", "Zp", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"}
    | {"Cf", "Cc", "Mn", "Me"}
)
#: Variation selectors (already Mn, listed so the intent survives a Unicode change).
VARIATION_SELECTORS = (
    range(0x180B, 0x1810),  # Mongolian free variation selectors (+ vowel separator)
    range(0xFE00, 0xFE10),
    range(0xE0100, 0xE01F0),
)

OPENCC_DIST = "opencc-python-reimplemented"
OPENCC_FILE = "opencc/dictionary/TSCharacters.txt"
HEADER = ("codepoint", "folded", "source")
UNIHAN_DEFAULT = Path("/usr/share/unicode/Unihan_Variants.txt.bz2")
VARIANTS_FILE = Path(__file__).with_name("fold_variants.tsv")
VARIANT_FIELDS = frozenset({"kSemanticVariant", "kZVariant"})


def is_surrogate(cp: int) -> bool:
    """Return True for UTF-16 surrogate code points, which stay identity."""
    return 0xD800 <= cp <= 0xDFFF


def is_variation_selector(cp: int) -> bool:
    """Return True for variation selectors."""
    return any(cp in r for r in VARIATION_SELECTORS)


def skip_reason(cp: int) -> str | None:
    """Return the source tag that makes ``cp`` a skipped code point, or None."""
    if is_surrogate(cp):
        return None
    if is_variation_selector(cp):
        return "unicode:variation-selector"
    cat = unicodedata.category(chr(cp))
    if cat in SKIP_CATEGORIES:
        return f"unicode:category={cat}"
    return None


def opencc_path() -> Path:
    """Locate TSCharacters.txt inside the installed OpenCC Python package."""
    dist = importlib.metadata.distribution(OPENCC_DIST)
    path = Path(str(dist.locate_file(OPENCC_FILE)))
    if not path.is_file():
        raise SystemExit(f"{OPENCC_FILE} not found in {OPENCC_DIST}")
    return path


def load_ts(path: Path) -> dict[int, int]:
    """Read OpenCC's single-character Traditional→Simplified table (first candidate)."""
    table: dict[int, int] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        key, _, cands = line.partition("\t")
        first = cands.split(" ")[0].strip()
        if len(key) != 1 or len(first) != 1:
            raise SystemExit(f"{path}:{lineno}: not a single-character row: {line!r}")
        if key != first:
            table[ord(key)] = ord(first)
    return table


def _cp(field: str) -> int:
    return int(field.split("<")[0].removeprefix("U+"), 16)


def load_unihan_pairs(path: Path) -> set[tuple[int, int, str]]:
    """Every ``(cp, variant, field)`` of Unihan's kSemanticVariant and kZVariant fields."""
    opener = bz2.open if path.suffix == ".bz2" else open
    pairs: set[tuple[int, int, str]] = set()
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            cp, field, value = line.rstrip("\n").split("\t")
            if field in VARIANT_FIELDS:
                for v in value.split():
                    pairs.add((_cp(cp), _cp(v), field))
    return pairs


def load_variants(unihan: Path, ts: dict[int, int]) -> tuple[dict[int, int], str]:
    """The variant step, from the pairs of ``tools/fold_variants.tsv`` attested in Unihan.

    The folded form of a pair's first side maps to the folded form of its second. Returns
    the map and a digest of the Unihan file for the header.
    """
    if not unihan.is_file():
        raise SystemExit(f"{unihan} not found: install unicode-data or pass --unihan")
    attested = load_unihan_pairs(unihan)
    out: dict[int, int] = {}
    for lineno, line in enumerate(VARIANTS_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if cols[0] == "from":
            continue  # the column header
        if len(cols) != 3:
            raise SystemExit(f"{VARIANTS_FILE}:{lineno}: want from<TAB>to<TAB>why")
        a, b = _cp(cols[0]), _cp(cols[1])
        if not any((a, b, f) in attested or (b, a, f) in attested for f in VARIANT_FIELDS):
            raise SystemExit(f"{VARIANTS_FILE}:{lineno}: U+{a:04X} U+{b:04X} is not in Unihan")
        fa, fb = ts.get(a, a), ts.get(b, b)
        if fa != fb:
            out[fa] = fb
    digest = hashlib.sha256(unihan.read_bytes()).hexdigest()
    return out, digest


def _strip_skipped(text: str) -> str:
    return "".join(c for c in text if skip_reason(ord(c)) is None)


def compat_step(cp: int) -> tuple[int, str] | None:
    """Fold ``cp`` by NFKC (else NFKD without marks) when that yields one code point."""
    ch = chr(cp)
    nfkc = _strip_skipped(unicodedata.normalize("NFKC", ch))
    if len(nfkc) == 1 and nfkc != ch:
        return ord(nfkc), "unicode:NFKC"
    nfkd = _strip_skipped(unicodedata.normalize("NFKD", ch))
    if len(nfkd) == 1 and nfkd != ch:
        return ord(nfkd), "unicode:NFKD-marks"
    return None


def case_step(cp: int) -> tuple[int, str] | None:
    """Fold ``cp`` by casefold when the result is exactly one code point."""
    folded = chr(cp).casefold()
    if len(folded) == 1 and folded != chr(cp):
        return ord(folded), "unicode:casefold"
    return None


def fold_one(
    cp: int, ts: dict[int, int], variants: dict[int, int] | None = None
) -> tuple[int, list[str]] | None:
    """Return ``(folded, sources)`` for a non-identity fold of ``cp``, else None."""
    if is_surrogate(cp):
        return None
    cur = cp
    sources: list[str] = []
    for _ in range(8):  # each step only moves towards a fixed point; 8 is ample
        changed = False
        for step in (compat_step, case_step):
            res = step(cur)
            if res is not None:
                cur = res[0]
                if res[1] not in sources:
                    sources.append(res[1])
                changed = True
        if cur in ts:
            cur = ts[cur]
            if "opencc:TSCharacters" not in sources:
                sources.append("opencc:TSCharacters")
            changed = True
        if variants and cur in variants:
            cur = variants[cur]
            if "unihan:variant" not in sources:
                sources.append("unihan:variant")
            changed = True
        if not changed:
            break
    else:
        raise SystemExit(f"U+{cp:04X}: fold does not converge")
    if cur == cp:
        return None
    return cur, sources


def build(ts: dict[int, int], variants: dict[int, int] | None = None) -> dict[int, tuple[int, str]]:
    """Build the full table ``cp -> (folded or SKIP, source)`` of non-identity folds."""
    table: dict[int, tuple[int, str]] = {}
    for cp in range(MAX_CP + 1):
        res = fold_one(cp, ts, variants)
        if res is not None:
            table[cp] = (res[0], "+".join(res[1]))
            continue
        reason = skip_reason(cp)
        if reason is not None:
            table[cp] = (SKIP, reason)
    # Every target must be a fixed point so that folding is idempotent.
    for cp, (target, _) in table.items():
        if target != SKIP and target in table:
            raise SystemExit(f"U+{cp:04X} folds to U+{target:04X}, which folds again")
    return table


def render(table: dict[int, tuple[int, str]], ts_path: Path, unihan: str = "") -> str:
    """Render the table as TSV text, merging runs of SKIP rows with the same source."""
    digest = hashlib.sha256(ts_path.read_bytes()).hexdigest()
    version = importlib.metadata.version(OPENCC_DIST)
    try:
        opencc_native = importlib.metadata.version("OpenCC")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - optional
        opencc_native = "not installed"
    rows: list[str] = []
    cps = sorted(table)
    i = 0
    while i < len(cps):
        cp = cps[i]
        target, source = table[cp]
        if target == SKIP:
            j = i
            while (
                j + 1 < len(cps)
                and cps[j + 1] == cps[j] + 1
                and table[cps[j + 1]] == (SKIP, source)
            ):
                j += 1
            key = f"{cp:04X}" if j == i else f"{cp:04X}..{cps[j]:04X}"
            rows.append(f"{key}\tSKIP\t{source}")
            i = j + 1
        else:
            rows.append(f"{cp:04X}\t{target:04X}\t{source}")
            i += 1
    n_skip = sum(1 for t, _ in table.values() if t == SKIP)
    header = [
        "# fraudnum fold table: code point -> folded code point, or SKIP (ignored by matching).",
        "# generator: tools/gen_fold.py (do not edit by hand; rerun the generator)",
        f"# unicode: {unicodedata.unidata_version} (unicodedata of Python "
        f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro})",
        f"# opencc: TSCharacters.txt from {OPENCC_DIST} {version}, sha256 {digest} "
        f"(OpenCC package {opencc_native})",
        f"# unihan: Unihan_Variants.txt sha256 {unihan}, pairs of tools/fold_variants.tsv",
        "# steps per code point: NFKC (else NFKD without marks) -> casefold -> "
        "Traditional-to-Simplified -> Unihan variant, to a fixed point; "
        "skip set: Z*, P*, S*, Cf, Cc, Mn, Me, variation selectors",
        f"# code points: {len(table)} ({len(table) - n_skip} mapped, {n_skip} skipped); "
        f"rows: {len(rows)}",
        "\t".join(HEADER),
    ]
    return "\n".join(header + rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("data/fold.tsv"))
    parser.add_argument("--check", action="store_true", help="fail if the output is stale")
    parser.add_argument("--unihan", type=Path, default=UNIHAN_DEFAULT, help="Unihan_Variants.txt")
    args = parser.parse_args(argv)
    ts_path = opencc_path()
    ts = load_ts(ts_path)
    variants, unihan = load_variants(args.unihan, ts)
    text = render(build(ts, variants), ts_path, unihan)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale; rerun tools/gen_fold.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Deterministic, realistic benchmark inputs: caller IDs as people and logs write them.

Everything comes from a seeded :class:`random.Random`, so two runs (or a parent
and its subprocess) see the same inputs. The number kinds and prefixes are
drawn from the repository's ``data/prefixes.csv``, so a row added there is
covered the next time the benchmark runs; hidden markers and IP-dial prefixes
come from ``data/hidden_markers.csv`` and ``data/dial_prefixes.csv``.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DATA_DIR",
    "KIND_WEIGHTS",
    "PlanRow",
    "distinct_corpus",
    "numbers_corpus",
    "plan_rows",
    "trie_corpus",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Share of each kind in the mix, roughly what a phone or a call log sees: mostly
# mobiles and landlines, a tail of service numbers, ports and oddities. A kind
# that appears in prefixes.csv but not here gets DEFAULT_WEIGHT.
KIND_WEIGHTS: dict[str, float] = {
    "mobile": 44.0,
    "mobile_virtual": 5.0,
    "iot": 1.0,
    "fixed_line": 18.0,
    "enterprise_400": 5.0,
    "toll_free_800": 2.0,
    "service_95": 4.0,
    "service_95_long": 2.0,
    "service_96": 1.0,
    "anti_fraud_call": 0.5,
    "anti_fraud_sms": 0.5,
    "gov_hotline": 1.5,
    "emergency": 0.5,
    "carrier_service": 1.5,
    "sms_port": 4.0,
    "international": 5.0,
    "hidden": 2.0,
    "junk": 2.5,
}
DEFAULT_WEIGHT = 1.0

_FULL_WIDTH = str.maketrans("0123456789+-() ", "０１２３４５６７８９＋－（）\u3000")

# Realistic foreign numbers (national significant numbers; the tail is randomised).
_FOREIGN = (
    ("1", "4155550123"),
    ("1", "2125550188"),
    ("1", "6045550142"),
    ("44", "2079460958"),
    ("44", "7911123456"),
    ("81", "312345678"),
    ("81", "9012345678"),
    ("82", "1023456789"),
    ("852", "21234567"),
    ("852", "51234567"),
    ("853", "28212345"),
    ("886", "223456789"),
    ("886", "912345678"),
    ("65", "61234567"),
    ("60", "123456789"),
    ("66", "21234567"),
    ("84", "912345678"),
    ("63", "9171234567"),
    ("855", "12345678"),
    ("95", "9212345678"),
    ("61", "412345678"),
    ("49", "15123456789"),
    ("33", "612345678"),
    ("7", "9123456789"),
    ("62", "8123456789"),
    ("234", "8031234567"),
    ("971", "501234567"),
)

_JUNK = (
    "abc",
    "call me",
    "13912",
    "139123456789012345",
    "1391234567a",
    "+",
    "++8613912345678",
    "+999 12345",
    "０",
    "N/A",
    "null",
    "None",
    "-",
    "#31#13912345678",
    "☎ 稍后回电",
    "138****5678",
    "400-xxx-xxxx",
    "9" * 40,
    "1" * 200,
    "0000000000",
    "+86",
    "tel:",
    "010-",
    "(010)",
    "95588 95588",
    "\u200b13912345678\u200b",
)


@dataclass(frozen=True)
class PlanRow:
    """The columns of one ``prefixes.csv`` row that shape generated numbers."""

    prefix: str
    min_len: int
    max_len: int
    kind: str


def plan_rows(path: Path | None = None) -> list[PlanRow]:
    """The numbering-plan rows, in file order (``data/prefixes.csv`` by default)."""
    with open(path or DATA_DIR / "prefixes.csv", encoding="utf-8", newline="") as f:
        return [
            PlanRow(r["prefix"], int(r["min_len"]), int(r["max_len"]), r["kind"])
            for r in csv.DictReader(f)
        ]


def _column(name: str, column: str) -> list[str]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return [r[column] for r in csv.DictReader(f)]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _fill(rng: random.Random, prefix: str, length: int) -> str:
    return prefix + _digits(rng, max(0, length - len(prefix)))


def _sep(rng: random.Random) -> str:
    return rng.choice((" ", "-", "-", " ", ".", ""))


def _split(digits: str, sizes: tuple[int, ...]) -> list[str]:
    out, i = [], 0
    for s in sizes:
        out.append(digits[i : i + s])
        i += s
    if i < len(digits):
        out[-1] += digits[i:]
    return [p for p in out if p]


class _Gen:
    """Turns plan rows into canonical digits and the digits into written forms."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.dial_prefixes = _column("dial_prefixes.csv", "prefix")
        self.markers = _column("hidden_markers.csv", "marker")

    # -- canonical digits -------------------------------------------------

    def mobile(self, row: PlanRow) -> str:
        length = self.rng.randint(row.min_len, row.max_len)
        return _fill(self.rng, row.prefix, length)

    def fixed(self, row: PlanRow) -> tuple[str, str]:
        """(area code with trunk 0, local number) for a landline row."""
        rng = self.rng
        p = row.prefix
        if p == "010" or p.startswith("02"):
            area = p if len(p) == 3 else p + rng.choice("0123456789")
            local_len = 8
        else:
            area = _fill(rng, p, 4)
            local_len = rng.choice((7, 8))
        local_len = max(1, min(local_len, row.max_len - len(area)))
        local = rng.choice("23456789") + _digits(rng, local_len - 1)
        return area, local

    # -- written forms ----------------------------------------------------

    def decorate(self, text: str) -> str:
        """Sometimes full-width, sometimes a tel: URI, sometimes an extension."""
        rng = self.rng
        r = rng.random()
        if r < 0.05:
            text = text.translate(_FULL_WIDTH)
        elif r < 0.09:
            text = "tel:" + text.replace(" ", "-")
        if rng.random() < 0.04:
            ext = _digits(rng, rng.randint(1, 4))
            text += rng.choice((f" ext. {ext}", f" x{ext}", f"转{ext}", f",{ext}", f" #{ext}"))
        if rng.random() < 0.03:
            text = rng.choice(("  ", " ", "\t")) + text + rng.choice(("", " ", "\n"))
        return text

    def write_mobile(self, digits: str) -> str:
        rng = self.rng
        sep = _sep(rng)
        grouped = sep.join(_split(digits, (3, 4, 4)))
        form = rng.random()
        if form < 0.30:
            text = digits
        elif form < 0.50:
            text = grouped
        elif form < 0.65:
            text = f"+86 {grouped}" if rng.random() < 0.7 else f"+86{digits}"
        elif form < 0.72:
            text = rng.choice(("0086", "0086 ", "0086-")) + grouped
        elif form < 0.77:
            text = "86" + digits
        elif form < 0.80:
            text = f"(+86) {grouped}"
        elif form < 0.85:
            text = rng.choice(self.dial_prefixes) + rng.choice(("", " ")) + digits
        elif form < 0.88:
            text = "0" + digits
        else:
            text = digits
        return self.decorate(text)

    def write_fixed(self, area: str, local: str) -> str:
        rng = self.rng
        half = (len(local) + 1) // 2 if len(local) == 7 else 4
        loc_grouped = _sep(rng).join(_split(local, (half, len(local) - half)))
        form = rng.random()
        if form < 0.25:
            text = area + local
        elif form < 0.45:
            text = f"{area}-{local}"
        elif form < 0.55:
            text = f"({area}) {loc_grouped}"
        elif form < 0.68:
            text = f"+86 {area[1:]} {loc_grouped}"
        elif form < 0.73:
            text = f"+86-{area[1:]}-{local}"
        elif form < 0.80:
            text = f"0086-{area[1:]}-{local}"
        elif form < 0.83:
            text = f"+86 (0){area[1:]} {local}"
        elif form < 0.88:
            text = rng.choice(self.dial_prefixes) + area + local
        elif form < 0.92:
            text = f"{area}-{local}-{_digits(rng, rng.randint(2, 4))}"
        else:
            text = f"{area} {loc_grouped}"
        return self.decorate(text)

    def write_ten(self, digits: str) -> str:
        """400 / 800 numbers: 3-3-4 groups, or plain, or with +86."""
        rng = self.rng
        grouped = _sep(rng).join(_split(digits, (3, 3, 4)))
        form = rng.random()
        if form < 0.35:
            text = digits
        elif form < 0.75:
            text = grouped
        elif form < 0.9:
            text = f"+86 {grouped}"
        else:
            text = f"{digits[:3]}-{digits[3:]}"
        return self.decorate(text)

    def write_service(self, digits: str, area_ok: bool) -> str:
        """Short service numbers, sometimes behind an area code or +86."""
        rng = self.rng
        form = rng.random()
        if area_ok and form < 0.12:
            area = rng.choice(("010", "021", "025", "0755", "0571", "028", "027"))
            text = f"{area}{rng.choice(('-', ' ', ''))}{digits}"
        elif area_ok and form < 0.16:
            text = f"+86-10-{digits}"
        elif form < 0.22:
            text = f"+86 {digits}"
        elif form < 0.3 and len(digits) > 6:
            text = " ".join(_split(digits, (4, 4, 4, 4, 4)))
        else:
            text = digits
        return self.decorate(text)

    def write_international(self) -> str:
        rng = self.rng
        cc, nsn = rng.choice(_FOREIGN)
        nsn = nsn[:-4] + _digits(rng, 4)
        parts = _split(nsn, (3, 3, 4)) if len(nsn) >= 9 else _split(nsn, (4, 4))
        form = rng.random()
        if form < 0.35:
            text = f"+{cc} {' '.join(parts)}"
        elif form < 0.5:
            text = f"+{cc}{nsn}"
        elif form < 0.7:
            text = f"00{cc}{nsn}"
        elif form < 0.85:
            text = f"00{cc}-{'-'.join(parts)}"
        elif form < 0.92:
            text = rng.choice(self.dial_prefixes) + f"00{cc}{nsn}"
        else:
            text = f"+{cc}-{'-'.join(parts)}"
        return self.decorate(text)

    def hidden(self) -> str:
        rng = self.rng
        m = rng.choice([*self.markers, "", " "])
        return rng.choice((m, m.upper(), m.title(), f" {m} "))

    def junk(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.6:
            return rng.choice(_JUNK)
        if r < 0.8:
            return _digits(rng, rng.randint(1, 25))
        return "".join(rng.choice("0123456789-+ ()abcx#*") for _ in range(rng.randint(1, 20)))


def _by_kind(rows: list[PlanRow]) -> dict[str, list[PlanRow]]:
    out: dict[str, list[PlanRow]] = {}
    for r in rows:
        out.setdefault(r.kind, []).append(r)
    return out


def numbers_corpus(n: int = 100_000, seed: int = 20240601) -> list[str]:
    """``n`` caller IDs in a realistic mix of kinds and written forms.

    Covers every kind and prefix in ``data/prefixes.csv`` (mobiles across all
    carrier ranges, landlines with area codes, 400/800, 95 short and long,
    96110, 12381, 12308, 106/1069 ports, international), plus hidden-number
    markers and junk, written as people and logs write them: ``+86 139 1234
    5678``, ``0086-10-65612308``, ``(010) 6561-2308``, full-width digits,
    ``tel:`` URIs, dots, dashes, extensions and IP-dial prefixes.
    """
    rng = random.Random(seed)
    gen = _Gen(rng)
    groups = _by_kind(plan_rows())
    kinds = [*groups, "hidden", "junk"]
    weights = [KIND_WEIGHTS.get(k, DEFAULT_WEIGHT) for k in kinds]
    writers: dict[str, Callable[[PlanRow], str]] = {
        "mobile": lambda r: gen.write_mobile(gen.mobile(r)),
        "mobile_virtual": lambda r: gen.write_mobile(gen.mobile(r)),
        "fixed_line": lambda r: gen.write_fixed(*gen.fixed(r)),
        "enterprise_400": lambda r: gen.write_ten(gen.mobile(r)),
        "toll_free_800": lambda r: gen.write_ten(gen.mobile(r)),
        "international": lambda r: gen.write_international(),
        "sms_port": lambda r: gen.decorate(
            _fill(rng, r.prefix, rng.randint(max(r.min_len, 8), min(r.max_len, 20)))
        ),
        "iot": lambda r: gen.decorate(gen.mobile(r)),
    }
    out: list[str] = []
    for kind in rng.choices(kinds, weights, k=n):
        if kind == "hidden":
            out.append(gen.hidden())
        elif kind == "junk":
            out.append(gen.junk())
        else:
            row = rng.choice(groups[kind])
            write = writers.get(kind)
            if write is not None:
                out.append(write(row))
            else:
                digits = _fill(rng, row.prefix, rng.randint(row.min_len, row.max_len))
                area_ok = kind not in ("service_95_long", "sms_port") and len(digits) <= 8
                out.append(gen.write_service(digits, area_ok))
    return out


def trie_corpus(
    n_prefixes: int = 2_000,
    n_keys: int = 100_000,
    seed: int = 20240602,
    hit_share: float = 0.7,
) -> tuple[list[str], list[str]]:
    """Distinct random digit prefixes of 3-8 digits, and 11-13 digit lookup keys.

    About ``hit_share`` of the keys are built on a prefix (so they hit it, or a
    longer prefix that extends it); the rest are random digits, which still hit
    the shorter prefixes now and then.
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    prefixes: list[str] = []
    while len(prefixes) < n_prefixes:
        p = _digits(rng, rng.randint(3, 8))
        if p not in seen:
            seen.add(p)
            prefixes.append(p)
    keys = []
    for _ in range(n_keys):
        length = rng.randint(11, 13)
        if rng.random() < hit_share:
            keys.append(_fill(rng, rng.choice(prefixes), length))
        else:
            keys.append(_digits(rng, length))
    return prefixes, keys


def distinct_corpus(n: int = 500_000, seed: int = 20261203) -> list[str]:
    """``n`` DISTINCT caller IDs in the mix of :func:`numbers_corpus`, first-seen order.

    Real carrier traffic spans hundreds of thousands of number segments, so a
    corpus that repeats a few numbers flatters anything that caches per
    number; this one never repeats a string. Drawn in rounds from
    :func:`numbers_corpus` with fresh seeds until ``n`` are distinct (the kinds
    with few forms, hidden markers and fixed junk, end up rarer than in the mix).
    """
    seen: dict[str, None] = {}
    round_ = 0
    while len(seen) < n:
        for s in numbers_corpus(max(1000, (n - len(seen)) * 11 // 10), seed + round_):
            seen.setdefault(s)
        round_ += 1
    return list(seen)[:n]

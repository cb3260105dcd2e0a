"""Compare data/prefixes.csv's mobile ranges with phonenumbers' carrier data.

Run it when phonenumbers or the numbering plan changes: every mainland mobile
prefix phonenumbers names a carrier for must come out as a mobile number here,
with the same carrier. Exits 1 and lists the differences otherwise.

    python tools/check_mobile_ranges.py
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import phonenumbers.carrierdata

import fraudnum

CARRIERS = {
    "China Mobile": "china_mobile",
    "China Unicom": "china_unicom",
    "China Telecom": "china_telecom",
    "China Broadnet": "china_broadnet",
}


def main() -> int:
    """Print the mismatches; return 1 if there are any."""
    prefixes: dict[str, str] = {}
    for module in pkgutil.iter_modules(phonenumbers.carrierdata.__path__):
        data = importlib.import_module(f"phonenumbers.carrierdata.{module.name}").data
        for prefix, names in data.items():
            if prefix.startswith("861"):
                prefixes[prefix[2:]] = names.get("en", "")
    problems = []
    for prefix, name in sorted(prefixes.items()):
        number = (prefix + "0" * 11)[:11]
        v = fraudnum.classify(number)
        want = CARRIERS.get(name)
        if v.kind.value not in ("mobile", "mobile_virtual", "iot"):
            problems.append(f"{prefix} ({name}): classified {v.kind.value}")
        elif want and v.kind.value == "mobile" and v.number.carrier != want:
            problems.append(f"{prefix}: phonenumbers says {name}, prefixes.csv {v.number.carrier}")
    print(f"{len(prefixes)} phonenumbers prefixes checked, {len(problems)} differences")
    for line in problems:
        print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Compare data/prefixes.csv's mobile ranges with phonenumbers' carrier data.

Run it when phonenumbers or the numbering plan changes. phonenumbers names a
carrier for mainland mobile prefixes of 3 to 7 digits; each prefix stands for
all the 7-digit segments (号段: the first 7 digits of an 11-digit number) under
it. The script reports:

- coverage: the share of those segments that fraudnum recognises as numbers of
  the mobile network (kind ``mobile``, ``mobile_virtual`` or ``iot``), and the
  share where the carrier agrees too;
- every prefix that is not recognised, or whose carrier differs;
- what fraudnum knows beyond phonenumbers: 11-digit segments it recognises as
  mobile-network numbers that phonenumbers has no carrier for (data-card and
  IoT ranges, mostly), by kind and reason.

It exits 1 if any phonenumbers segment is unrecognised or carried differently.

    python tools/check_mobile_ranges.py
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from collections import Counter

import phonenumbers
import phonenumbers.carrierdata

import fraudnum

CARRIERS = {
    "China Mobile": "china_mobile",
    "China Unicom": "china_unicom",
    "China Telecom": "china_telecom",
    "China Broadnet": "china_broadnet",
}
NETWORK_KINDS = ("mobile", "mobile_virtual", "iot")
SEGMENT = 7  # digits of a 号段


def phonenumbers_prefixes() -> dict[str, str]:
    """Mainland mobile prefixes (without 86) -> phonenumbers' English carrier name."""
    prefixes: dict[str, str] = {}
    for module in pkgutil.iter_modules(phonenumbers.carrierdata.__path__):
        data = importlib.import_module(f"phonenumbers.carrierdata.{module.name}").data
        for prefix, names in data.items():
            if prefix.startswith("861"):
                prefixes[prefix[2:]] = names.get("en", "")
    return prefixes


def segments_of(prefixes: dict[str, str]) -> dict[str, str]:
    """Each allocated 7-digit segment -> its carrier name, the longest prefix deciding.

    A carrier prefix can be a default for a wider block (``15`` is China Mobile,
    with ``153``, ``155`` ... overriding it), so a segment counts as allocated only
    where phonenumbers' own mobile pattern admits its numbers too (no ``154``).
    """
    mobile = re.compile(
        phonenumbers.PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern
    )
    out: dict[str, str] = {}
    for prefix in sorted(prefixes, key=len):
        for n in range(10 ** (SEGMENT - len(prefix))):
            tail = str(n).zfill(SEGMENT - len(prefix)) if len(prefix) < SEGMENT else ""
            out[prefix + tail] = prefixes[prefix]
    return {s: name for s, name in out.items() if mobile.fullmatch(s + "0000")}


def main() -> int:
    """Print coverage and the differences; return 1 if there are any."""
    prefixes = phonenumbers_prefixes()
    segments = segments_of(prefixes)
    keys = sorted(segments)
    numbers = [s + "0000" for s in keys]
    batch = fraudnum.classify_batch(numbers)
    recognised = carried = 0
    problems: Counter[str] = Counter()
    for i, segment in enumerate(keys):
        kind = batch.kinds[i].value
        if kind not in NETWORK_KINDS:
            problems[f"{segment[:4]}… ({segments[segment]}): classified {kind}"] += 1
            continue
        recognised += 1
        want = CARRIERS.get(segments[segment])
        got = batch[i].number.carrier
        if want is None or got == want:
            carried += 1
        else:
            problems[f"{segment[:4]}…: phonenumbers says {segments[segment]}, fraudnum {got}"] += 1
    total = len(keys)
    print(f"phonenumbers {phonenumbers.__version__}: {len(prefixes)} mainland mobile prefixes")
    print(f"= {total} allocated 7-digit segments ({total * 10_000:,} numbers)")
    print(f"recognised as mobile-network numbers: {recognised}/{total} = {recognised / total:.2%}")
    print(f"with the same carrier:                {carried}/{total} = {carried / total:.2%}")
    for line, n in sorted(problems.items()):
        print(f"  {line} ({n} segments)")

    # Beyond phonenumbers: every 11-digit 1xxxxxx segment fraudnum calls a mobile-network number.
    known = set(segments)
    extra: Counter[tuple[str, str, str, str]] = Counter()
    candidates = [f"1{n:06d}" for n in range(10**6) if f"1{n:06d}" not in known]
    verdicts = fraudnum.classify_batch([c + "0000" for c in candidates])
    for i, kind in enumerate(verdicts.kinds):
        if kind.value in NETWORK_KINDS:
            v = verdicts[i]
            extra[(candidates[i][:3], kind.value, v.reasons[0].code, v.number.carrier or "-")] += 1
    print(
        f"segments fraudnum recognises that phonenumbers has no carrier for: {sum(extra.values())}"
    )
    for (block, kind, reason, carrier), n in sorted(extra.items()):
        print(f"  {block}… {kind:15} {reason:22} {carrier:15} {n} segments")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

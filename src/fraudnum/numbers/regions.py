"""Country calling codes and regions, from ``phonenumbers``'s metadata.

``phonenumbers`` is loaded on the first international number, so ``import
fraudnum`` does not pay for it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["country_code_and_region"]

# The answer depends only on the calling code (1-3 digits) and, for codes shared
# by several regions (+1, +7, +44 ...), the next 4 digits (NANP area codes and
# the like): so it is learnt once per leading block of 7 digits.
_LEADING = 7
_CACHE_LIMIT = 65536
_KNOWN: dict[str, tuple[int, str | None] | None] = {}


def country_code_and_region(digits: str) -> tuple[int, str | None] | None:
    """Split the calling code off an international number (digits after ``+``/``00``).

    Returns:
        ``(country_code, region)``, region being None for non-geographic codes or
        where phonenumbers cannot tell; or None for no such calling code.
    """
    leading = digits[:_LEADING]
    if leading in _KNOWN:
        return _KNOWN[leading]
    found = _look_up(digits)
    if len(_KNOWN) < _CACHE_LIMIT:
        _KNOWN[leading] = found
    return found


def _look_up(digits: str) -> tuple[int, str | None] | None:
    import phonenumbers

    for n in (1, 2, 3):
        cc = int(digits[:n])
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(cc)
        if regions:
            if len(regions) == 1:
                return cc, _region_name(regions[0])
            return cc, _region_of(phonenumbers, digits)
    return None


def _region_name(region: str) -> str | None:
    # "001" marks non-geographic entities (satellite, global services).
    return None if region == "001" else region


def _region_of(phonenumbers: Any, digits: str) -> str | None:
    try:
        number = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        return None
    region: str | None = phonenumbers.region_code_for_number(number)
    return region

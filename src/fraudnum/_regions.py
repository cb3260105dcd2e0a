"""Country calling codes and regions, from ``phonenumbers``'s metadata.

Imported only when an international number is seen, so ``import fraudnum``
does not pay for loading ``phonenumbers``.
"""

from __future__ import annotations

import phonenumbers

__all__ = ["country_code_and_region"]


def country_code_and_region(digits: str) -> tuple[int, str | None] | None:
    """Split the calling code off an international number (digits after ``+``/``00``).

    Returns:
        ``(country_code, region)``, region being None where the code is shared
        and the number does not say which region; or None for no such code.

    """
    for n in (1, 2, 3):
        cc = int(digits[:n])
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(cc)
        if regions:
            if len(regions) == 1:
                return cc, _region_name(regions[0])
            # Codes shared by several regions (+1, +7, +44 ...) split on the
            # leading national digits (NANP area codes and the like); asking
            # phonenumbers once per leading block keeps this cheap.
            leading = digits[: n + 4]
            region = _SHARED_CODE_REGIONS.get(leading, _UNSEEN)
            if region is _UNSEEN:
                region = _region_of(digits)
                if len(_SHARED_CODE_REGIONS) < 65536:
                    _SHARED_CODE_REGIONS[leading] = region
            return cc, region  # type: ignore[return-value]
    return None


_UNSEEN = object()
# Calling code + 4 national digits -> region, learnt from the first number seen.
_SHARED_CODE_REGIONS: dict[str, object] = {}


def _region_name(region: str) -> str | None:
    # "001" marks non-geographic entities (satellite, global services).
    return None if region == "001" else region


def _region_of(digits: str) -> str | None:
    try:
        number = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        return None
    region: str | None = phonenumbers.region_code_for_number(number)
    return region

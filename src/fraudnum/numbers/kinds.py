"""Groups of number kinds the parser, the classifier and the strategies agree on.

Each group is defined here once; everything that needs one imports it.
"""

from __future__ import annotations

from typing import Final

from fraudnum.types import NumberKind

__all__ = ["INPUT_KINDS", "MOBILE_KINDS", "SERVICE_KINDS", "WEAK_AFTER_CC"]

#: Subscriber numbers of the mobile network (MNO and MVNO ranges).
MOBILE_KINDS: Final = frozenset({NumberKind.MOBILE, NumberKind.MOBILE_VIRTUAL})

#: Kinds that may follow an area code: ``025-96110``, ``010-12308``, ``0755-95588``.
SERVICE_KINDS: Final = frozenset(
    {
        NumberKind.SERVICE_95,
        NumberKind.SERVICE_96,
        NumberKind.ANTI_FRAUD_CALL,
        NumberKind.ANTI_FRAUD_SMS,
        NumberKind.GOV_HOTLINE,
        NumberKind.EMERGENCY,
        NumberKind.CARRIER_SERVICE,
    }
)

#: Kinds a ``+86`` number only falls back to when it is not a landline: after
#: +86, "10 6561 2308" is a Beijing line, not the 106 port 1065612308.
WEAK_AFTER_CC: Final = frozenset(
    {NumberKind.SERVICE_95_LONG, NumberKind.SERVICE_96, NumberKind.SMS_PORT}
)

#: Kinds that describe the input rather than a numbering-plan row.
INPUT_KINDS: Final = frozenset({NumberKind.HIDDEN, NumberKind.MALFORMED})

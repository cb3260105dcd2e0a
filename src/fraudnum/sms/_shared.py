"""What the SMS engine, its explanation and its scopes share.

Category positions, cache sizes, the signature a decision is cached by, and the tags of a
link's flags.
"""

from __future__ import annotations

import functools
from typing import Final

from fraudnum.sms.tables import PHRASE_CATEGORIES, SCORED_CATEGORIES
from fraudnum.types import SmsCategory

# Decisions (category, scores, tags, rules) per signature of signals, and filled reason texts.
DECISION_CACHE_SIZE: Final = 65536
SCORED: Final = SCORED_CATEGORIES
PHRASE_ORDER: Final = PHRASE_CATEGORIES
CAT_INDEX: Final = {c: i for i, c in enumerate(PHRASE_ORDER)}
SIGNAL_CAT: Final = CAT_INDEX["signal"]
WARNING_CAT: Final = CAT_INDEX["warning"]
# SmsCategory.value is a property: a dict on the per-message path.
CATEGORY_NAME: Final = {c: c.value for c in SmsCategory}
# The signature of a message: phrase rows found, link flags, number/length/evasion bits,
# the sender's tags and the proximity rules whose families do not meet in the text.
Signature = tuple[
    tuple[int, ...],
    tuple[tuple[bool, tuple[str, ...]], ...],
    int,  # Signal bits
    tuple[str, ...],
    tuple[int, ...],  # rules too far apart
]


@functools.lru_cache(maxsize=256)
def url_flag_tags(flags: tuple[str, ...]) -> frozenset[str]:
    """The tags a suspicious link's flags give (``link_suspicious`` and ``link_<flag>``)."""
    return frozenset(["link_suspicious", *("link_" + f for f in flags)])

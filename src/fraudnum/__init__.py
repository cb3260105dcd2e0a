"""Tell whether a Chinese phone number or SMS is likely fraud, harassment or spam, and why.

The easy path::

    >>> import fraudnum
    >>> v = fraudnum.classify("+86 400-810-8888")
    >>> v.kind, v.risk
    (<NumberKind.ENTERPRISE_400: 'enterprise_400'>, <Risk.HIGH: 'high'>)
    >>> v.codes
    ('enterprise_400_number', 'inbound_only_number')

For your own lists and rules, build a :class:`Classifier` once and reuse it;
it is immutable and thread-safe.
"""

from __future__ import annotations

import functools
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version

from fraudnum.advice import Advice, advice_for
from fraudnum.batch import VerdictBatch
from fraudnum.engine import Classifier
from fraudnum.report import NothingToReport, Report, ReportError, report
from fraudnum.tables import TableError, data_version, load_number_list
from fraudnum.types import (
    Channel,
    Direction,
    NumberInfo,
    NumberKind,
    Organisation,
    Reason,
    Risk,
    SmsCategory,
    SmsVerdict,
    Tier,
    Verdict,
)

try:
    __version__ = _dist_version("fraudnum")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "Advice",
    "Channel",
    "Classifier",
    "Direction",
    "NothingToReport",
    "NumberInfo",
    "NumberKind",
    "Organisation",
    "Reason",
    "Report",
    "ReportError",
    "Risk",
    "SmsCategory",
    "SmsVerdict",
    "TableError",
    "Tier",
    "Verdict",
    "VerdictBatch",
    "__version__",
    "advice_for",
    "classify",
    "classify_sms",
    "data_version",
    "default_classifier",
    "load_number_list",
    "report",
]


@functools.cache
def default_classifier() -> Classifier:
    """The shared classifier with the built-in tables and no user rules (built on first use)."""
    return Classifier()


def classify(
    number: str,
    *,
    channel: Channel | str = Channel.CALL,
    direction: Direction | str = Direction.INCOMING,
    expect_international: bool = False,
) -> Verdict:
    """Classify a caller ID or SMS sender with the built-in rules.

    See :meth:`Classifier.classify` for the arguments.

    Example:
        >>> classify("4008108888", direction="outgoing").risk
        <Risk.LOW: 'low'>

    """
    return default_classifier().classify(
        number,
        channel=channel,
        direction=direction,
        expect_international=expect_international,
    )


def classify_sms(text: str, *, sender: str | None = None) -> SmsVerdict:
    """Classify an SMS with the built-in tables.

    See :meth:`Classifier.classify_sms` for the arguments.

    Example:
        >>> text = "【12381】反诈预警：您可能正在遭遇诈骗，请立即停止转账"
        >>> classify_sms(text, sender="12381").category
        <SmsCategory.WARNING: 'warning'>
    """
    return default_classifier().classify_sms(text, sender=sender)

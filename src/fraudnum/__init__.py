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

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version

from fraudnum._tables import IneffectiveRuleWarning, TableError, data_version
from fraudnum.advice import advice_for
from fraudnum.classifier import (
    Classifier,
    classify,
    classify_batch,
    classify_sms,
    default_classifier,
)
from fraudnum.evaluation import evaluate
from fraudnum.numbers.batch import VerdictBatch
from fraudnum.numbers.lists import load_number_list
from fraudnum.report import NothingToReport, Report, ReportError, report
from fraudnum.types import (
    Advice,
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
    "IneffectiveRuleWarning",
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
    "classify_batch",
    "classify_sms",
    "data_version",
    "default_classifier",
    "evaluate",
    "load_number_list",
    "report",
]

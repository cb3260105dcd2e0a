"""SMS: phrase tables, links and text signals, combined and explained by the engine.

The flow, each module using only those before it:
:mod:`~fraudnum.sms.tables` (phrases, co-occurrence rules, category policy) →
:mod:`~fraudnum.sms.links` (links found and flagged; nothing is fetched) →
:mod:`~fraudnum.sms.signals` (numbers, length, evasive writing) →
:mod:`~fraudnum.sms.explain` (reason templates) →
:mod:`~fraudnum.sms.engine` (scores, decision, verdict).

The names below were ``fraudnum.sms``'s before it became a package.
"""

from fraudnum.sms.engine import SmsEngine, build_engine

# Documented in fraudnum.sms.signals; importable from here as before.
from fraudnum.sms.signals import LONG_TEXT as LONG_TEXT
from fraudnum.sms.signals import MAX_SPANS as MAX_SPANS
from fraudnum.sms.signals import SHORT_TEXT as SHORT_TEXT

__all__ = ["SmsEngine", "build_engine"]

"""SMS: phrase tables, links and text signals, combined and explained by the engine.

The flow, each module using only those before it:
:mod:`~fraudnum.sms.tables` (phrases, co-occurrence rules, category policy) →
:mod:`~fraudnum.sms.links` (links found and flagged; nothing is fetched) →
:mod:`~fraudnum.sms.signals` (numbers, length, evasive writing) →
:mod:`~fraudnum.sms.explain` (reason templates) →
:mod:`~fraudnum.sms.engine` (scores, decision, verdict).

Importing the package loads none of them: number-only users never pay for the
SMS machinery. The names ``fraudnum.sms`` had before it became a package
(``SmsEngine``, ``build_engine``, ``LONG_TEXT``, ``MAX_SPANS``, ``SHORT_TEXT``)
still import from here, loaded on first use.
"""

from __future__ import annotations

from typing import Any

__all__: list[str] = []

_MOVED = {
    "SmsEngine": "fraudnum.sms.engine",
    "build_engine": "fraudnum.sms.engine",
    "LONG_TEXT": "fraudnum.sms.signals",
    "MAX_SPANS": "fraudnum.sms.signals",
    "SHORT_TEXT": "fraudnum.sms.signals",
}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module 'fraudnum.sms' has no attribute {name!r}")

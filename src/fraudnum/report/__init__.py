"""Ready-to-send reports of a fraud or harassment call or SMS: 12321, the carrier, the web form.

:func:`report` turns a verdict into what a person sends, as the seeds describe it
(``data/report_channels.csv`` names every channel with its source):

- an SMS ``<number>*<time>`` to ``12321`` for a call (seed ``002``:
  「恶意来电号码*来电时间」发送至12321);
- an SMS ``<number>*<reason>`` (call) or ``<number>*<content>`` (SMS) to the report
  port of the **reporter's own** carrier: 10086999 (China Mobile), 10000999 (China
  Telecom), 10010999 (China Unicom) (seed ``002``);
- the fields of the 12321 web / app / WeChat form, filled as far as known (seed ``000``);
- the other channels: website, app, WeChat, phone 010-12321, e-mail.

It never sends anything and never touches the network: it builds what the user's
app may send. Every text a report shows is a row of ``data/report_texts.csv``, with
its source.

Rules (documented in ``docs/reporting.md``):

- **Time**: ``YYYY-MM-DD HH:MM`` in Beijing time (UTC+8, 24-hour clock, seconds
  dropped), e.g. ``2026-11-20 14:03``. A naive ``when`` is taken to be Beijing
  time already; an aware one is converted.
- **One SMS**: every body fits one single-segment UCS-2 SMS, 70 UTF-16 code
  units (a character outside the Basic Multilingual Plane, such as most emoji,
  counts 2). Only the free text (reason or content) is ever cut, never the number:
  it is cut at a character boundary (never inside a surrogate pair, never
  between a character and the combining marks, variation selectors or joiners
  that follow it) and ``…`` (U+2026, one unit) marks the cut.
- **Separator**: the body has exactly one ``*``. In free text, whitespace runs
  and control characters become one space, and ``*`` and its look-alikes that
  NFKC folds to ``*`` (``＊``, ``﹡``) become ``∗`` (U+2217).
- **Carrier**: taken from the reporter's number range in ``data/prefixes.csv``
  unless ``reporter_carrier`` is given. Virtual-operator (MVNO) ranges, carriers
  without a known port (China Broadnet) and ranges without a carrier give no
  carrier SMS, and a note says why; nothing is guessed.
"""

from __future__ import annotations

from fraudnum.report._body import BEIJING, SEPARATOR, SMS_MAX_UNITS, format_time, sms_units
from fraudnum.report._channels import ReportChannel, builtin_report_channels
from fraudnum.report._compose import report
from fraudnum.report._model import (
    FormField,
    NothingToReport,
    Report,
    ReportError,
    ReportForm,
    ReportNote,
)

__all__ = [
    "BEIJING",
    "SEPARATOR",
    "SMS_MAX_UNITS",
    "FormField",
    "NothingToReport",
    "Report",
    "ReportChannel",
    "ReportError",
    "ReportForm",
    "ReportNote",
    "builtin_report_channels",
    "format_time",
    "report",
    "sms_units",
]

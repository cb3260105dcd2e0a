"""The zh/en texts of reports, from ``data/report_texts.csv``.

One row per text (``code, zh, en, source``): the 12321 form's type names and field
labels, the reason a carrier SMS gives, every note and error message, and the headings
of :meth:`~fraudnum.report.Report.to_text`. Codes are namespaced by what they are
(``form.``, ``field.``, ``value.``, ``label.``, ``note.``, ``error.``, ``text.``);
templates use ``{field}`` placeholders, filled by :func:`text`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from fraudnum._tables import TableError, data_text, read_table
from fraudnum.texts import ReasonText, fill

__all__ = ["builtin_report_texts", "text"]

_ORIGIN = "report_texts.csv"
_COLUMNS = ("code", "zh", "en", "source")


@functools.cache
def builtin_report_texts() -> Mapping[str, ReasonText]:
    """The report texts shipped in ``data/report_texts.csv``, by code.

    Raises:
        fraudnum.TableError: a row lacks a column or repeats a code.
    """
    out: dict[str, ReasonText] = {}
    for line, row in read_table(data_text(_ORIGIN), _ORIGIN, _COLUMNS):
        if not all(row[c] for c in _COLUMNS):
            raise TableError(_ORIGIN, line, "code, zh, en and source are all required")
        if row["code"] in out:
            raise TableError(_ORIGIN, line, f"duplicate code {row['code']!r}")
        out[row["code"]] = ReasonText(row["code"], row["zh"], row["en"], row["source"])
    return out


def text(code: str, /, **params: object) -> tuple[str, str]:
    """The ``(zh, en)`` text of ``code`` with its placeholders filled from ``params``.

    Raises:
        KeyError: the table has no row ``code`` (a test checks every code used exists).
    """
    row = builtin_report_texts()[code]
    return fill(row.zh, **params), fill(row.en, **params)

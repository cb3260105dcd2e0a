"""The ways to reach the 12321 centre, from ``data/report_channels.csv``."""

from __future__ import annotations

import functools

import attrs

from fraudnum._tables import TableError, data_text, read_table

__all__ = ["ReportChannel", "builtin_report_channels"]


@attrs.frozen
class ReportChannel:
    """A way to reach the 12321 centre, from ``data/report_channels.csv``.

    Attributes:
        code: ``"website"``, ``"app"``, ``"wechat"``, ``"sms"``, ``"phone"`` or ``"email"``.
        kind: the kind of channel (the same values).
        address: the URL, account name, number or e-mail address.
        zh: its name in Chinese.
        en: its name in English.
        use_zh: what it is for, in Chinese.
        use_en: what it is for, in English.
        source: the seed it comes from.
    """

    code: str
    kind: str
    address: str
    zh: str
    en: str
    use_zh: str
    use_en: str
    source: str

    def to_dict(self) -> dict[str, str]:
        """Return a JSON-ready dict."""
        return attrs.asdict(self)


@functools.cache
def builtin_report_channels() -> tuple[ReportChannel, ...]:
    """The 12321 channels shipped in ``data/report_channels.csv``, in file order."""
    origin = "report_channels.csv"
    cols = ("code", "kind", "address", "zh", "en", "use_zh", "use_en", "source")
    out: list[ReportChannel] = []
    for line, row in read_table(data_text(origin), origin, cols):
        if any(not row[c] for c in cols):
            raise TableError(origin, line, "every column is required")
        if any(ch.code == row["code"] for ch in out):
            raise TableError(origin, line, f"duplicate code {row['code']!r}")
        out.append(ReportChannel(**{c: row[c] for c in cols}))
    return tuple(out)

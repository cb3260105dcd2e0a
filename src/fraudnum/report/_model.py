"""What a report is made of: :class:`Report`, its form, notes and errors.

The types only; :func:`fraudnum.report.report` builds them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from fraudnum.numbers.plan import Carrier
from fraudnum.report._channels import ReportChannel
from fraudnum.report._texts import text
from fraudnum.types import Advice, Channel, choice

__all__ = [
    "FormField",
    "NothingToReport",
    "Report",
    "ReportError",
    "ReportForm",
    "ReportNote",
]


class ReportError(ValueError):
    """A report cannot be built from these arguments; the message says why.

    Attributes:
        code: stable identifier of the problem: ``"future_time"``,
            ``"reporter_not_mobile"``, ``"reporting_own_number"``, ``"no_number"``,
            ``"no_sender"``, ``"content_required"``, ``"not_for_sms"``,
            ``"bad_duration"``, ``"unknown_carrier"``, or (for
            :class:`NothingToReport`) ``"trusted_number"``.
        zh: the message in Chinese.
        en: the message in English (also the exception's text).
    """

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code = code
        self.zh = zh
        self.en = en


class NothingToReport(ReportError):
    """The verdict is of a trusted number (96110, 12381, 110, 95588, your allow list ...).

    It is an explicit answer rather than a malfunction: there is nothing to
    report, and ``verdict.advice`` says what to do instead (answer 96110, read
    12381 ...). It subclasses :class:`ReportError` (and so ``ValueError``).
    """


@attrs.frozen
class ReportNote:
    """Something the person should know about a report (why a message is missing ...).

    Attributes:
        code: stable identifier (``"carrier_from_range"``, ``"carrier_virtual"``,
            ``"carrier_no_port"``, ``"carrier_unknown"``, ``"carrier_given"``,
            ``"content_truncated"``, ``"sms_form_only"``, ``"time_converted"``).
        zh: the note in Chinese.
        en: the note in English.
    """

    code: str
    zh: str
    en: str

    def to_dict(self) -> dict[str, str]:
        """Return a JSON-ready dict."""
        return {"code": self.code, "zh": self.zh, "en": self.en}


@attrs.frozen
class FormField:
    """One field of the 12321 report form.

    Attributes:
        key: stable identifier (``"reporter_number"``, ``"reported_number"``,
            ``"fraud_type"``, ``"call_time"``, ``"call_duration"``,
            ``"description"``; for an SMS ``"sender_number"``, ``"receive_time"``,
            ``"sms_content"``).
        zh: the field's label as the form words it.
        en: the label in English.
        value: the value to enter, or None when it is not known and the person
            must fill it in.
    """

    key: str
    zh: str
    en: str
    value: str | None


@attrs.frozen
class ReportForm:
    """The 12321 web / app / WeChat form, filled as far as known.

    Attributes:
        type: the report type to choose: ``"fraud_call"`` (诈骗电话),
            ``"harassment_call"`` (骚扰电话) or ``"spam_sms"`` (垃圾短信).
        type_zh: the type as the form names it.
        fields: the fields in the form's order.
    """

    type: str
    type_zh: str
    fields: tuple[FormField, ...]

    def __getitem__(self, key: str) -> str | None:
        """The value of field ``key``; KeyError for a field this form does not have."""
        for f in self.fields:
            if f.key == key:
                return f.value
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return any(f.key == key for f in self.fields)

    def keys(self) -> tuple[str, ...]:
        """The field keys, in the form's order."""
        return tuple(f.key for f in self.fields)

    @property
    def missing(self) -> tuple[str, ...]:
        """The keys of the fields the person still has to fill in."""
        return tuple(f.key for f in self.fields if f.value is None)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "type": self.type,
            "type_zh": self.type_zh,
            "fields": [attrs.asdict(f) for f in self.fields],
        }


@attrs.frozen
class Report:
    """Everything needed to report one call or SMS; built by :func:`report`, never sent.

    Attributes:
        channel: ``Channel.CALL`` or ``Channel.SMS``: what is being reported.
        reported_number: the caller or sender as reported: its canonical digits,
            with the area code a service number was shown with (``+86-10-12308``
            is ``01012308``).
        reporter: the reporter's mobile number, 11 digits.
        reporter_carrier: the carrier whose port the report goes to, or None when
            it is not known (see :attr:`notes`).
        when: the call or receive time in Beijing time, seconds dropped.
        time_text: ``when`` as written in the messages (``2026-11-20 14:03``).
        sms: ``(destination, body)`` pairs, in the order to send them; each body
            fits one SMS and has exactly one ``*``.
        form: the 12321 form, filled as far as known.
        channels: every way to reach the 12321 centre.
        notes: what the person should know (missing carrier port, truncation ...).
        advice: what to do about the verdict, as ``verdict.advice`` gives it.
    """

    channel: Channel
    reported_number: str
    reporter: str
    reporter_carrier: Carrier | None
    when: datetime
    time_text: str
    sms: tuple[tuple[str, str], ...]
    form: ReportForm
    channels: tuple[ReportChannel, ...]
    notes: tuple[ReportNote, ...] = ()
    advice: tuple[Advice, ...] = ()

    @property
    def carrier_port(self) -> str | None:
        """The carrier report port the SMS goes to, or None when there is none."""
        return None if self.reporter_carrier is None else self.reporter_carrier.report_port

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        c = self.reporter_carrier
        return {
            "channel": self.channel.value,
            "reported_number": self.reported_number,
            "reporter": self.reporter,
            "reporter_carrier": (
                None
                if c is None
                else {"code": c.code, "zh": c.zh, "en": c.en, "report_port": c.report_port}
            ),
            "time": self.time_text,
            "sms": [{"to": to, "body": body} for to, body in self.sms],
            "form": self.form.to_dict(),
            "channels": [ch.to_dict() for ch in self.channels],
            "notes": [n.to_dict() for n in self.notes],
            "advice": [a.to_dict() for a in self.advice],
        }

    def to_text(self, lang: str = "zh") -> str:
        """The report for people to read, in Chinese (``"zh"``) or English (``"en"``).

        Raises:
            ValueError: ``lang`` is neither ``"zh"`` nor ``"en"``.
        """
        zh = choice(lang, ("zh", "en"), "lang") == "zh"

        def t(code: str, **params: object) -> str:
            pair = text(code, **params)
            return pair[0] if zh else pair[1]

        lines: list[str] = []
        if self.sms:
            lines.append(t("text.sms_heading"))
            for to, body in self.sms:
                lines.append(f"  {t('text.send_to')} {to}: {body}")
        else:
            lines.append(t("text.no_sms"))
        lines.append("")
        lines.append(t("text.form_heading", type=self.form.type, type_zh=self.form.type_zh))
        fill_in = t("text.fill_in")
        for f in self.form.fields:
            label = f.zh if zh else f.en
            lines.append(f"  {label}: {f.value if f.value is not None else fill_in}")
        if self.notes:
            lines.append("")
            lines.append(t("text.notes"))
            lines.extend(f"  - {n.zh if zh else n.en}" for n in self.notes)
        if self.advice:
            lines.append("")
            lines.append(t("text.advice"))
            lines.extend(
                f"  {i}. {a.zh if zh else a.en}" for i, a in enumerate(self.advice, start=1)
            )
        lines.append("")
        lines.append(t("text.channels"))
        for ch in self.channels:
            use = ch.use_zh if zh else ch.use_en
            lines.append(f"  {ch.zh if zh else ch.en} ({ch.address}): {use}")
        return "\n".join(lines)

"""How :func:`report` builds a report, in named steps.

The steps run in this order, and the first that fails raises: argument types, a trusted
verdict (:class:`NothingToReport`), the reported number, the reporter's number, the time,
the reporter's carrier and its port, then the parts that differ between a call and an SMS
(the messages, each fitted into one SMS, and the 12321 form) and the notes. Every text
comes from ``data/report_texts.csv`` (``fraudnum.report._texts``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from fraudnum.advice import advice_for
from fraudnum.numbers.kinds import MOBILE_KINDS as _MOBILE_KINDS
from fraudnum.numbers.parse import parse_number
from fraudnum.numbers.plan import Carrier, builtin_carriers, builtin_table
from fraudnum.report._body import (
    _ELLIPSIS,
    BEIJING,
    SEPARATOR,
    SMS_MAX_UNITS,
    _beijing,
    _clean,
    _fit,
    format_time,
)
from fraudnum.report._channels import builtin_report_channels
from fraudnum.report._model import (
    FormField,
    NothingToReport,
    Report,
    ReportError,
    ReportForm,
    ReportNote,
)
from fraudnum.report._texts import text
from fraudnum.types import Channel, NumberInfo, NumberKind, Risk, SmsVerdict, Verdict

__all__ = ["report"]

# Punctuation inside messages and the form, not words: fraud type and what was said are
# joined by a full-width colon in the carrier reason, reasons by a semicolon.
_REASON_JOIN = "："
_REASONS_JOIN = "；"


def report(
    verdict: Verdict | SmsVerdict,
    *,
    when: datetime,
    reporter: str,
    duration_s: int | None = None,
    content: str | None = None,
    fraud_type: str | None = None,
    reporter_carrier: str | None = None,
    now: datetime | None = None,
) -> Report:
    """Build the report of a call or SMS: the messages to send and the 12321 form.

    A number :class:`~fraudnum.Verdict` made for ``channel="call"`` reports a
    call; one made for ``channel="sms"``, or an :class:`~fraudnum.SmsVerdict`
    (its sender is the reported number), reports an SMS, and needs ``content``.
    Nothing is sent and no network is used.

    Args:
        verdict: the verdict on the caller, the SMS sender, or the SMS.
        when: when the call came or the SMS arrived. A naive datetime is taken
            to be Beijing time; an aware one is converted to it.
        reporter: the reporter's own mainland mobile number (any format
            :func:`fraudnum.classify` reads); its carrier picks the report port.
        duration_s: the call's length in seconds (calls only), for the form.
        content: for a call, what the caller said (the form's description and
            the carrier message's reason); for an SMS, its text (required).
        fraud_type: the kind of fraud, as the person would pick it on the form
            (calls only); it also leads the carrier message's reason.
        reporter_carrier: a carrier code from ``data/carriers.csv``
            (``"china_mobile"`` ...) overriding the one the number range gives,
            e.g. after moving the number to another carrier (携号转网).
        now: the current time, for the "not in the future" check (default: the
            clock); naive means Beijing time, as for ``when``.

    Returns:
        The report.

    Raises:
        TypeError: an argument has the wrong type (``when`` not a datetime ...).
        NothingToReport: the verdict is of a trusted number or message (96110,
            12381, 110, 95588, the user's allow list).
        ReportError: ``when`` is in the future; ``reporter`` is not a mainland
            mobile or is the reported number itself; the caller ID is hidden or
            malformed, or the SMS verdict has no sender; an SMS without
            ``content``; ``duration_s`` or ``fraud_type`` given for an SMS; a
            negative ``duration_s``; an unknown ``reporter_carrier``.

    Example:
        >>> import fraudnum
        >>> r = report(fraudnum.classify("4008108888"), when=datetime(2026, 11, 20, 14, 3),
        ...            reporter="13912345678", now=datetime(2026, 11, 21))
        >>> r.sms[0]
        ('12321', '4008108888*2026-11-20 14:03')
    """
    _check_arguments(
        verdict, when, now, reporter, duration_s, content, fraud_type, reporter_carrier
    )
    _refuse_trusted(verdict)
    is_sms = isinstance(verdict, SmsVerdict) or verdict.channel is Channel.SMS
    number = _reported_verdict(verdict)
    reported = _reported_number(number)
    info = _reporter_info(reporter)
    if info.digits == reported:
        raise _error("reporting_own_number")
    when_b, time_text, notes = _report_time(when, now)
    if duration_s is not None and duration_s < 0:
        raise _error("bad_duration", duration_s=duration_s)
    carrier, carrier_notes = _carrier(info, reporter_carrier)
    notes.extend(carrier_notes)
    port = None if carrier is None else carrier.report_port
    if is_sms:
        parts = _sms_parts(reported, info.digits, time_text, port, content, duration_s, fraud_type)
    else:
        parts = _call_parts(
            number, reported, info.digits, time_text, port, content, fraud_type, duration_s
        )
    return Report(
        channel=Channel.SMS if is_sms else Channel.CALL,
        reported_number=reported,
        reporter=info.digits,
        reporter_carrier=carrier,
        when=when_b,
        time_text=time_text,
        sms=parts.sms,
        form=parts.form,
        channels=builtin_report_channels(),
        notes=(*notes, *parts.notes),
        advice=advice_for(verdict),
    )


# -- the steps, in the order report() takes them ----------------------------------------


def _error(code: str, /, *, text_code: str | None = None, **params: object) -> ReportError:
    """The ReportError ``code``, worded by ``error.<text_code or code>`` of the table."""
    return ReportError(code, *text(f"error.{text_code or code}", **params))


def _note(code: str, /, **params: object) -> ReportNote:
    """The note ``code``, worded by ``note.<code>`` of the table."""
    return ReportNote(code, *text(f"note.{code}", **params))


def _check_type(value: object, types: type | tuple[type, ...], name: str, what: str) -> None:
    if not isinstance(value, types) or isinstance(value, bool):
        raise TypeError(f"{name} must be {what}, not {type(value).__name__}")


def _check_arguments(
    verdict: object,
    when: object,
    now: object,
    reporter: object,
    duration_s: object,
    content: object,
    fraud_type: object,
    reporter_carrier: object,
) -> None:
    """Raise TypeError for an argument of the wrong type, naming it."""
    if not isinstance(verdict, (Verdict, SmsVerdict)):
        raise TypeError(f"report needs a Verdict or an SmsVerdict, not {type(verdict).__name__}")
    if not isinstance(when, datetime):
        raise TypeError(f"when must be a datetime, not {type(when).__name__}")
    if now is not None and not isinstance(now, datetime):
        raise TypeError(f"now must be a datetime or None, not {type(now).__name__}")
    _check_type(reporter, str, "reporter", "a str")
    if duration_s is not None:
        _check_type(duration_s, int, "duration_s", "an int or None")
    for name, value in (
        ("content", content),
        ("fraud_type", fraud_type),
        ("reporter_carrier", reporter_carrier),
    ):
        if value is not None:
            _check_type(value, str, name, "a str or None")


def _refuse_trusted(verdict: Verdict | SmsVerdict) -> None:
    """Raise NothingToReport for a trusted number or message."""
    if verdict.risk is not Risk.TRUSTED:
        return
    if isinstance(verdict, Verdict):
        first = verdict.reasons[0]
        zh, en = text(
            "error.trusted_number",
            who=verdict.number.digits or verdict.number.raw,
            reason_zh=first.zh,
            reason_en=first.en,
        )
    else:
        zh, en = text("error.trusted_message", category=verdict.category.value)
    raise NothingToReport("trusted_number", zh, en)


def _reported_verdict(verdict: Verdict | SmsVerdict) -> Verdict:
    """The number verdict being reported: the verdict itself, or the SMS's sender."""
    number = verdict.sender if isinstance(verdict, SmsVerdict) else verdict
    if number is None:
        raise _error("no_sender")
    return number


def _reported_number(number: Verdict) -> str:
    """The reported number as shown (with the area code of a service number)."""
    reported = number.number.national
    if reported:
        return reported
    if number.kind is NumberKind.HIDDEN:
        raise _error("no_number", text_code="no_number_hidden")
    raise _error("no_number", text_code="no_number_malformed", raw=repr(number.number.raw))


def _reporter_info(reporter: str) -> NumberInfo:
    """The reporter's number, parsed; ReportError unless it is a mainland mobile."""
    parsed = parse_number(reporter, builtin_table().lookup)
    rule = parsed.rule
    if parsed.status != "ok" or rule is None or rule.kind not in _MOBILE_KINDS:
        raise _error("reporter_not_mobile", reporter=repr(reporter))
    return parsed.info


def _report_time(when: datetime, now: datetime | None) -> tuple[datetime, str, list[ReportNote]]:
    """``when`` in Beijing time (seconds dropped), as written, and a note if it was converted."""
    now_b = _beijing(now) if now is not None else datetime.now(BEIJING)
    if _beijing(when) > now_b:
        raise _error("future_time", when=format_time(when), now=format_time(now_b))
    time_text = format_time(when)
    notes: list[ReportNote] = []
    if when.tzinfo is not None and when.utcoffset() not in (None, timedelta(hours=8)):
        notes.append(_note("time_converted", time=time_text))
    return _beijing(when).replace(second=0, microsecond=0), time_text, notes


def _reporter_kind(info: NumberInfo) -> NumberKind | None:
    rule = builtin_table().lookup(info.digits)
    return None if rule is None else rule.kind


def _carrier(info: NumberInfo, override: str | None) -> tuple[Carrier | None, list[ReportNote]]:
    """The reporter's carrier (given, or from the number range) and the notes that explain it."""
    carriers = builtin_carriers()
    notes: list[ReportNote] = []
    if override is not None:
        # Carrier codes are lower case; "China_Mobile" names one just as well.
        carrier = carriers.get(override.strip().lower() if isinstance(override, str) else "")
        if carrier is None:
            known = sorted(carriers)
            raise _error(
                "unknown_carrier",
                given=repr(override),
                known_zh="、".join(known),
                known_en=", ".join(known),
            )
        notes.append(_note("carrier_given", carrier_zh=carrier.zh, carrier_en=carrier.en))
    else:
        carrier = carriers.get(info.carrier or "")
        if carrier is None:
            return None, [_note("carrier_unknown")]
        names = {"carrier_zh": carrier.zh, "carrier_en": carrier.en}
        if _reporter_kind(info) is NumberKind.MOBILE_VIRTUAL:
            return None, [_note("carrier_virtual", **names)]
        notes.append(_note("carrier_from_range", **names))
    if carrier.report_port is None:
        notes.append(_note("carrier_no_port", carrier_zh=carrier.zh, carrier_en=carrier.en))
    return carrier, notes


class _Parts(NamedTuple):
    """What differs between a call report and an SMS report."""

    sms: tuple[tuple[str, str], ...]
    form: ReportForm
    notes: tuple[ReportNote, ...]


def _carrier_message(
    port: str | None, reported: str, free_text: str
) -> tuple[list[tuple[str, str]], list[ReportNote]]:
    """The ``reported*free_text`` message to the carrier port, cut to one SMS, and its note."""
    if port is None:
        return [], []
    body, cut = _fit(reported, free_text)
    notes = [_note("content_truncated", units=SMS_MAX_UNITS, ellipsis=_ELLIPSIS)] if cut else []
    return [(port, body)], notes


def _field(key: str, value: str | None) -> FormField:
    """Form field ``key``, labelled by ``field.<key>`` of the table."""
    return FormField(key, *text(f"field.{key}"), value)


def _sms_parts(
    reported: str,
    reporter: str,
    time_text: str,
    port: str | None,
    content: str | None,
    duration_s: int | None,
    fraud_type: str | None,
) -> _Parts:
    """The carrier message and the 12321 spam-SMS form."""
    call_only: tuple[tuple[str, object], ...] = (
        ("duration_s", duration_s),
        ("fraud_type", fraud_type),
    )
    for name, given in call_only:
        if given is not None:
            raise _error("not_for_sms", name=name)
    cleaned = _clean(content or "")
    if not cleaned or content is None:
        raise _error("content_required")
    zh, _ = text("form.spam_sms")
    form = ReportForm(
        "spam_sms",
        zh,
        (
            _field("reporter_number", reporter),
            _field("sender_number", reported),
            _field("receive_time", time_text),
            _field("sms_content", content.strip()),
        ),
    )
    sms, notes = _carrier_message(port, reported, cleaned)
    return _Parts(tuple(sms), form, (*notes, _note("sms_form_only")))


def _call_parts(
    number: Verdict,
    reported: str,
    reporter: str,
    time_text: str,
    port: str | None,
    content: str | None,
    fraud_type: str | None,
    duration_s: int | None,
) -> _Parts:
    """The ``number*time`` message to 12321, the carrier message and the 12321 call form."""
    fraud = _clean(fraud_type or "") or None
    said = _clean(content or "") or None
    if fraud is None and said is None:
        label = "label.fraud" if number.risk >= Risk.HIGH else "label.harassment"
        reason = text(label)[0]
    else:
        reason = _REASON_JOIN.join(x for x in (fraud, said) if x)
    to_carrier, notes = _carrier_message(port, reported, reason)
    sms = [("12321", f"{reported}{SEPARATOR}{time_text}"), *to_carrier]
    high = number.risk >= Risk.HIGH or fraud is not None
    if content and content.strip():
        description = content.strip()
    else:
        reasons = _REASONS_JOIN.join(r.zh for r in number.reasons)
        description = text("value.description", reported=reported, reasons=reasons)[0]
    form_type = "fraud_call" if high else "harassment_call"
    form = ReportForm(
        form_type,
        text(f"form.{form_type}")[0],
        (
            _field("reporter_number", reporter),
            _field("reported_number", reported),
            _field("fraud_type", fraud_type.strip() if fraud_type and fraud_type.strip() else None),
            _field("call_time", time_text),
            _field("call_duration", None if duration_s is None else _duration_text(duration_s)),
            _field("description", description),
        ),
    )
    return _Parts(tuple(sms), form, tuple(notes))


def _duration_text(seconds: int) -> str:
    """A call's length as the (Chinese) form takes it: ``1分05秒``, ``45秒``."""
    m, s = divmod(seconds, 60)
    if m:
        return text("value.duration_minutes", minutes=m, seconds=f"{s:02d}")[0]
    return text("value.duration_seconds", seconds=s)[0]

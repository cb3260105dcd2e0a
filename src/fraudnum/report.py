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
app may send.

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

import functools
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs

from fraudnum._tables import TableError, data_text, read_table
from fraudnum.advice import Advice, advice_for
from fraudnum.numbers.parse import parse_number
from fraudnum.numbers.plan import Carrier, builtin_carriers, builtin_table
from fraudnum.types import (
    Channel,
    NumberInfo,
    NumberKind,
    Risk,
    SmsVerdict,
    Verdict,
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

#: Beijing time, UTC+8 all year (China has had no daylight saving time since 1991).
BEIJING = timezone(timedelta(hours=8), "UTC+08:00")
#: What one single-segment UCS-2 SMS carries, in UTF-16 code units.
SMS_MAX_UNITS = 70
#: The separator between the number and the rest of a report SMS.
SEPARATOR = "*"
_ELLIPSIS = "\u2026"
# What a "*" in free text becomes: a star NFKC leaves alone, so no normalising
# gateway can turn it back into a separator.
_STAR_STANDIN = "\u2217"
# Every code point whose NFKC form contains "*" (a test checks the list is complete).
_STARS = frozenset("*\uff0a\ufe61")
_MOBILE = frozenset({NumberKind.MOBILE, NumberKind.MOBILE_VIRTUAL})
_LABEL_FRAUD = ("疑似诈骗电话", "suspected fraud call")
_LABEL_HARASSMENT = ("骚扰电话", "harassment call")


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
        if lang not in ("zh", "en"):
            raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
        zh = lang == "zh"
        lines: list[str] = []
        if self.sms:
            lines.append("可发送的举报短信：" if zh else "Report messages to send:")
            for to, body in self.sms:
                lines.append(f"  {'发送至' if zh else 'to'} {to}: {body}")
        else:
            lines.append("没有可直接发送的举报短信。" if zh else "No report SMS to send.")
        lines.append("")
        lines.append(
            f"12321 举报表单（{self.form.type_zh}）：" if zh else f"12321 form ({self.form.type}):"
        )
        for f in self.form.fields:
            label = f.zh if zh else f.en
            value = f.value if f.value is not None else ("（请自行填写）" if zh else "(fill in)")
            lines.append(f"  {label}: {value}")
        if self.notes:
            lines.append("")
            lines.append("注意：" if zh else "Notes:")
            lines.extend(f"  - {n.zh if zh else n.en}" for n in self.notes)
        if self.advice:
            lines.append("")
            lines.append("建议：" if zh else "Advice:")
            lines.extend(
                f"  {i}. {a.zh if zh else a.en}" for i, a in enumerate(self.advice, start=1)
            )
        lines.append("")
        lines.append("其他举报渠道：" if zh else "Other channels:")
        for ch in self.channels:
            use = ch.use_zh if zh else ch.use_en
            lines.append(f"  {ch.zh if zh else ch.en} ({ch.address}): {use}")
        return "\n".join(lines)


# -- data ------------------------------------------------------------------


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


# -- text rules ------------------------------------------------------------


def sms_units(text: str) -> int:
    """How many UTF-16 code units ``text`` takes in a UCS-2 SMS (2 for astral characters)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def format_time(when: datetime) -> str:
    """``when`` as the report messages write it: ``YYYY-MM-DD HH:MM`` in Beijing time.

    A naive ``when`` is taken to be Beijing time already.

    Example:
        >>> format_time(datetime(2026, 11, 20, 6, 3, 59, tzinfo=timezone.utc))
        '2026-11-20 14:03'
    """
    b = _beijing(when)
    return f"{b.year:04d}-{b.month:02d}-{b.day:02d} {b.hour:02d}:{b.minute:02d}"


def _beijing(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        return dt.replace(tzinfo=BEIJING)
    return dt.astimezone(BEIJING)


_SPACE_RUN = re.compile(r" {2,}")


def _clean(text: str) -> str:
    """Free text made safe for a ``number*text`` body (see the module docstring)."""
    out: list[str] = []
    for c in text:
        o = ord(c)
        if 0xD800 <= o <= 0xDFFF:
            out.append("\ufffd")  # a lone surrogate cannot be sent
        elif c in _STARS:
            out.append(_STAR_STANDIN)
        elif c.isspace() or unicodedata.category(c) == "Cc":
            out.append(" ")
        else:
            out.append(c)
    return _SPACE_RUN.sub(" ", "".join(out)).strip()


def _clings(c: str) -> bool:
    """Whether ``c`` belongs to the character before it (so no cut goes before it)."""
    o = ord(c)
    return (
        unicodedata.combining(c) != 0
        or unicodedata.category(c) in ("Mn", "Mc", "Me")
        or 0xFE00 <= o <= 0xFE0F
        or 0xE0100 <= o <= 0xE01EF
        or 0x1F3FB <= o <= 0x1F3FF
        or o == 0x200D
    )


def _fit(head: str, text: str) -> tuple[str, bool]:
    """``head*text`` cut to one SMS; returns the body and whether text was cut."""
    body = f"{head}{SEPARATOR}{text}"
    if sms_units(body) <= SMS_MAX_UNITS:
        return body, False
    room = SMS_MAX_UNITS - sms_units(head) - len(SEPARATOR) - len(_ELLIPSIS)
    cut = used = 0
    while cut < len(text):
        w = sms_units(text[cut])
        if used + w > room:
            break
        used += w
        cut += 1
    while cut > 0 and (_clings(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    return f"{head}{SEPARATOR}{text[:cut].rstrip()}{_ELLIPSIS}", True


# -- report ----------------------------------------------------------------


def _duration_text(seconds: int) -> str:
    m, s = divmod(seconds, 60)
    return f"{m}分{s:02d}秒" if m else f"{s}秒"


def _check_type(value: object, types: type | tuple[type, ...], name: str, what: str) -> None:
    if not isinstance(value, types) or isinstance(value, bool):
        raise TypeError(f"{name} must be {what}, not {type(value).__name__}")


def _reporter_info(reporter: str) -> NumberInfo:
    parsed = parse_number(reporter, builtin_table().lookup)
    rule = parsed.rule
    if parsed.status != "ok" or rule is None or rule.kind not in _MOBILE:
        raise ReportError(
            "reporter_not_mobile",
            f"举报人号码 {reporter!r} 不是中国大陆手机号码；短信举报须用大陆手机号发送",
            f"the reporter {reporter!r} is not a mainland China mobile number;"
            " report messages are sent from one",
        )
    return parsed.info


def _carrier(info: NumberInfo, override: str | None) -> tuple[Carrier | None, list[ReportNote]]:
    carriers = builtin_carriers()
    notes: list[ReportNote] = []
    if override is not None:
        carrier = carriers.get(override)
        if carrier is None:
            raise ReportError(
                "unknown_carrier",
                f"未知的运营商代码 {override!r}；可选：{'、'.join(sorted(carriers))}",
                f"unknown carrier code {override!r}; known: {', '.join(sorted(carriers))}",
            )
        notes.append(
            ReportNote(
                "carrier_given",
                f"按你指定的运营商（{carrier.zh}）选择举报端口",
                f"The report port follows the carrier you gave ({carrier.en})",
            )
        )
    else:
        carrier = carriers.get(info.carrier or "")
        host_zh = carrier.zh if carrier else "未知运营商"
        host_en = carrier.en if carrier else "an unknown carrier"
        if carrier is None:
            notes.append(
                ReportNote(
                    "carrier_unknown",
                    "无法从你的号码判断所属运营商，因此没有生成运营商举报短信；"
                    "请向你的运营商客服咨询举报方式，或只向12321举报",
                    "Your carrier cannot be told from your number, so there is no carrier"
                    " report SMS; ask your carrier how to report, or report to 12321 only",
                )
            )
            return None, notes
        if _reporter_kind(info) is NumberKind.MOBILE_VIRTUAL:
            notes.append(
                ReportNote(
                    "carrier_virtual",
                    f"你的号码属于虚拟运营商号段（由{host_zh}网络承载）；资料未说明虚拟运营商用户"
                    "应向哪个端口举报，因此没有生成运营商举报短信。请咨询你的虚拟运营商客服，"
                    "或向12321举报",
                    f"Your number is in a virtual-operator (MVNO) range on {host_en}'s network;"
                    " the sources do not say which port MVNO subscribers report to, so there"
                    " is no carrier report SMS. Ask your virtual operator, or report to 12321",
                )
            )
            return None, notes
        notes.append(
            ReportNote(
                "carrier_from_range",
                f"运营商按你的号段判断为{carrier.zh}；如你办理过携号转网，"
                "请改发到现在所用运营商的举报端口",
                f"Your carrier is taken from your number range ({carrier.en}); if you moved"
                " your number to another carrier, send to that carrier's port instead",
            )
        )
    if carrier.report_port is None:
        notes.append(
            ReportNote(
                "carrier_no_port",
                f"资料中没有{carrier.zh}的短信举报端口，因此没有生成运营商举报短信；"
                f"请向{carrier.zh}客服咨询，或向12321举报",
                f"The sources give no report port for {carrier.en}, so there is no carrier"
                f" report SMS; ask {carrier.en}, or report to 12321",
            )
        )
    return carrier, notes


def _reporter_kind(info: NumberInfo) -> NumberKind | None:
    rule = builtin_table().lookup(info.digits)
    return None if rule is None else rule.kind


def _trusted(verdict: Verdict | SmsVerdict) -> NothingToReport | None:
    if verdict.risk is not Risk.TRUSTED:
        return None
    if isinstance(verdict, Verdict):
        who = verdict.number.digits or verdict.number.raw
        first = verdict.reasons[0]
        return NothingToReport(
            "trusted_number",
            f"{who} 是可信号码，无需举报：{first.zh}",
            f"{who} is a trusted number, nothing to report: {first.en}",
        )
    return NothingToReport(
        "trusted_number",
        f"这条短信可信（{verdict.category.value}），无需举报",
        f"this message is trusted ({verdict.category.value}), nothing to report",
    )


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

    nothing = _trusted(verdict)
    if nothing is not None:
        raise nothing

    is_sms = isinstance(verdict, SmsVerdict) or verdict.channel is Channel.SMS
    number = verdict.sender if isinstance(verdict, SmsVerdict) else verdict
    if number is None:
        raise ReportError(
            "no_sender",
            "这条短信没有发送方号码，无法生成“号码*内容”；请通过12321网站或App举报",
            "the SMS verdict has no sender number, so there is no 'number*content' to send;"
            " report it through the 12321 website or app",
        )
    reported = number.number.national
    if not reported:
        hidden = number.kind is NumberKind.HIDDEN
        raise ReportError(
            "no_number",
            ("来电未显示号码" if hidden else f"号码 {number.number.raw!r} 无法识别")
            + "，无法生成“号码*时间”短信；请拨打运营商客服或通过12321网站描述举报",
            ("the caller ID is hidden" if hidden else f"{number.number.raw!r} is not a number")
            + ", so there is no 'number*time' to send; call your carrier or describe it"
            " on the 12321 website",
        )

    info = _reporter_info(reporter)
    if info.digits == reported:
        raise ReportError(
            "reporting_own_number",
            "举报人号码与被举报号码相同",
            "the reporter's number is the reported number itself",
        )

    when_b = _beijing(when).replace(second=0, microsecond=0)
    now_b = _beijing(now) if now is not None else datetime.now(BEIJING)
    if _beijing(when) > now_b:
        raise ReportError(
            "future_time",
            f"时间 {format_time(when)} 晚于现在（{format_time(now_b)}），请检查日期和时区",
            f"the time {format_time(when)} is later than now ({format_time(now_b)});"
            " check the date and the time zone",
        )
    time_text = format_time(when)
    notes: list[ReportNote] = []
    if when.tzinfo is not None and when.utcoffset() not in (None, timedelta(hours=8)):
        notes.append(
            ReportNote(
                "time_converted",
                f"时间已换算为北京时间：{time_text}",
                f"The time was converted to Beijing time: {time_text}",
            )
        )

    if duration_s is not None and duration_s < 0:
        raise ReportError(
            "bad_duration", "通话时长不能为负数", f"duration_s must be >= 0, got {duration_s}"
        )
    carrier, carrier_notes = _carrier(info, reporter_carrier)
    notes.extend(carrier_notes)
    port = None if carrier is None else carrier.report_port
    reporter_digits = info.digits

    if is_sms:
        call_only: tuple[tuple[str, object], ...] = (
            ("duration_s", duration_s),
            ("fraud_type", fraud_type),
        )
        for name, given in call_only:
            if given is not None:
                raise ReportError(
                    "not_for_sms",
                    f"{name} 只适用于来电举报；12321 的垃圾短信表单没有这一项",
                    f"{name} applies to call reports only; the 12321 spam-SMS form has no"
                    " such field",
                )
        text = _clean(content or "")
        if not text:
            raise ReportError(
                "content_required",
                "举报短信需要短信内容（content）",
                "an SMS report needs the message text (content)",
            )
        sms: list[tuple[str, str]] = []
        if port is not None:
            body, cut = _fit(reported, text)
            sms.append((port, body))
            if cut:
                notes.append(_truncated_note())
        notes.append(
            ReportNote(
                "sms_form_only",
                "资料给出的12321短信举报格式（号码*时间）只适用于来电；垃圾短信请用表单"
                "（网站、App或微信公众号）向12321举报",
                "The 12321 SMS format in the sources (number*time) is for calls; report a"
                " spam SMS to 12321 through the form (website, app or WeChat)",
            )
        )
        assert content is not None
        form = ReportForm(
            "spam_sms",
            "垃圾短信",
            (
                FormField("reporter_number", "您的手机号", "Your mobile number", reporter_digits),
                FormField("sender_number", "发送方号码", "Sender number", reported),
                FormField("receive_time", "短信接收时间", "Time received", time_text),
                FormField("sms_content", "短信内容", "SMS content", content.strip()),
            ),
        )
        channel = Channel.SMS
    else:
        fraud = _clean(fraud_type or "") or None
        said = _clean(content or "") or None
        if fraud is None and said is None:
            reason = (_LABEL_FRAUD if number.risk >= Risk.HIGH else _LABEL_HARASSMENT)[0]
        else:
            reason = "：".join(x for x in (fraud, said) if x)
        sms = [("12321", f"{reported}{SEPARATOR}{time_text}")]
        if port is not None:
            body, cut = _fit(reported, reason)
            sms.append((port, body))
            if cut:
                notes.append(_truncated_note())
        high = number.risk >= Risk.HIGH or fraud is not None
        description = (
            content.strip()
            if content and content.strip()
            else f"{reported}：" + "；".join(r.zh for r in number.reasons)
        )
        form = ReportForm(
            "fraud_call" if high else "harassment_call",
            "诈骗电话" if high else "骚扰电话",
            (
                FormField("reporter_number", "您的手机号", "Your mobile number", reporter_digits),
                FormField("reported_number", "举报号码", "Reported number", reported),
                FormField(
                    "fraud_type",
                    "诈骗类型",
                    "Fraud type",
                    fraud_type.strip() if fraud_type and fraud_type.strip() else None,
                ),
                FormField("call_time", "来电时间", "Call time", time_text),
                FormField(
                    "call_duration",
                    "通话时长",
                    "Call duration",
                    None if duration_s is None else _duration_text(duration_s),
                ),
                FormField("description", "举报描述", "Description", description),
            ),
        )
        channel = Channel.CALL

    return Report(
        channel=channel,
        reported_number=reported,
        reporter=reporter_digits,
        reporter_carrier=carrier,
        when=when_b,
        time_text=time_text,
        sms=tuple(sms),
        form=form,
        channels=builtin_report_channels(),
        notes=tuple(notes),
        advice=advice_for(verdict),
    )


def _truncated_note() -> ReportNote:
    return ReportNote(
        "content_truncated",
        f"内容超过一条短信（{SMS_MAX_UNITS} 字）已截断，以“{_ELLIPSIS}”结尾；完整内容见表单",
        f"The text was longer than one SMS ({SMS_MAX_UNITS} characters) and was cut,"
        f" ending in '{_ELLIPSIS}'; the form has it in full",
    )

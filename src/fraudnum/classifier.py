"""The :class:`Classifier`: the numbering plan, the user's rules and the SMS tables, combined.

Building one validates everything first, so a bad rules file raises and leaves
any classifier built before untouched. A classifier is immutable and safe to
share between threads; it pickles as the user's rules and phrases.

Numbers go parse (:mod:`fraudnum.numbers.parse`) → precedence tiers
(:mod:`fraudnum.numbers.outcome`) → verdict; batches go through
:mod:`fraudnum.numbers.batch`; messages through :mod:`fraudnum.sms`. Advice is
attached here (:func:`fraudnum.advice_for`), so both verdict types give it alike.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from fraudnum.advice import advice_for
from fraudnum.numbers.batch import VerdictBatch, classify_rows
from fraudnum.numbers.columns import BatchColumns, decide_rows, row_source
from fraudnum.numbers.lists import list_entry_key
from fraudnum.numbers.outcome import CrowdMarks, Precedence
from fraudnum.numbers.parse import builtin_parser
from fraudnum.numbers.plan import (
    MAX_NUMBER_LEN,
    PrefixRule,
    RuleTable,
    builtin_table,
    load_rules,
    warn_if_ineffective,
)
from fraudnum.numbers.quick import quick_verdicts
from fraudnum.sms.tables import Phrase, load_phrases
from fraudnum.texts import ReasonText, builtin_reasons
from fraudnum.types import Channel, Direction, Risk, SmsVerdict, Verdict, choice

if TYPE_CHECKING:
    from fraudnum.sms.engine import SmsEngine

__all__ = ["Classifier", "classify", "classify_batch", "classify_sms", "default_classifier"]


def _coerce(enum_cls: Any, value: object, name: str) -> Any:
    if value.__class__ is enum_cls:
        return value
    return enum_cls(choice(value, [m.value for m in enum_cls], name))


class Classifier:
    """Classifies numbers and messages with the built-in tables and the user's rules.

    Args:
        block: numbers or digit prefixes the user wants blocked (risk HIGH).
            A bare run of digits is a prefix of the canonical form
            (``"1709"``); anything else is parsed as a full number.
        allow: numbers or prefixes the user trusts (risk TRUSTED).
        rules: a path to a rules file in the ``prefixes.csv`` format, or the
            already-loaded rows (see :func:`fraudnum.numbers.plan.parse_rules`).
        phrases: a path to the user's SMS phrase table in the ``phrases.csv``
            format (see :mod:`fraudnum.sms.tables`). It is read and validated here,
            so a bad file raises before the classifier exists; the SMS machinery
            itself is built on the first :meth:`classify_sms`.
        tags: crowd marks, a :class:`fraudnum.tags.TagStore`: a marked number's
            verdict is decided by its marks (tier ``crowd``), below the user's lists
            and rules and never above the never-block numbers (96110, 12381, 110).
            Batches with a store parse every row in Python (slower, same answers).

    Raises:
        fraudnum.TableError: the rules file is invalid (the message has the line number).
        ValueError: a list entry is invalid, or the same entry is both blocked
            and allowed, or two user rules overlap.
        TypeError: an argument has the wrong type.

    Example:
        >>> clf = Classifier(block=["1709"], allow=["4008108888"])
        >>> clf.classify("17091234567").risk
        <Risk.HIGH: 'high'>

    """

    def __init__(
        self,
        *,
        block: Iterable[str] = (),
        allow: Iterable[str] = (),
        rules: str | os.PathLike[str] | Iterable[PrefixRule] | None = None,
        phrases: str | os.PathLike[str] | None = None,
        tags: CrowdMarks | None = None,
    ) -> None:
        if tags is not None and not callable(getattr(tags, "lookup_digits", None)):
            raise TypeError(
                f"tags must be a fraudnum.tags.TagStore (or have lookup_digits), not {tags!r}"
            )
        self._tags = tags
        if isinstance(block, str) or isinstance(allow, str):
            raise TypeError("block and allow take a list of numbers, not a single string")
        self._builtin = builtin_table()
        self._parser = builtin_parser()
        self._reasons: Mapping[str, ReasonText] = builtin_reasons()
        user_rules: list[PrefixRule] = []
        if rules is not None:
            if isinstance(rules, (str, os.PathLike)):
                user_rules.extend(load_rules(rules))
            else:
                user_rules.extend(rules)
        seen: dict[str, str] = {}
        for name, entries, risk, reason in (
            ("block", block, Risk.HIGH, "user_blocked"),
            ("allow", allow, Risk.TRUSTED, "user_allowed"),
        ):
            for i, entry in enumerate(entries):
                try:
                    key = list_entry_key(entry, self._builtin.lookup)
                except ValueError as e:
                    raise ValueError(f"{name}[{i}]: {e}") from None
                if key in seen:
                    if seen[key] != name:
                        raise ValueError(f"{entry!r} is in both the block and the allow list")
                    continue
                seen[key] = name
                rule = PrefixRule(
                    prefix=key,
                    min_len=len(key),
                    max_len=MAX_NUMBER_LEN,
                    kind=None,
                    risk_call=risk,
                    risk_sms=risk,
                    risk_out=risk,
                    calls_out=True,
                    never_block=False,
                    urgent=False,
                    reason=reason,
                    organisation=None,
                    carrier=None,
                    source=f"{name} list",
                    origin=f"{name} list",
                    line=i + 1,
                )
                warn_if_ineffective(rule, f"{name} list, entry {i + 1} ({entry!r})")
                user_rules.append(rule)
        try:
            user = RuleTable(user_rules) if user_rules else None
        except ValueError as e:
            raise ValueError(f"user rules overlap: {e}") from None
        # SMS: the user's phrases are validated now; the automaton is built on first use.
        self._setup(user, () if phrases is None else load_phrases(phrases))

    def _setup(self, user: RuleTable | None, user_phrases: tuple[Phrase, ...]) -> None:
        self._user = user
        self._user_phrases = user_phrases
        self._precedence = Precedence(self._builtin, user, self._reasons, self._tags)
        # Mainland numbers' verdicts built in C (None: the Python path serves all).
        self._quick = quick_verdicts(self._parser, self._precedence, advice_for)
        self._sms: SmsEngine | None = None
        self._sms_lock = threading.Lock()

    # Pickling (for multiprocessing pools): the user's rules and phrases travel;
    # the built-in tables, caches and the lock are rebuilt on the other side.
    def __getstate__(self) -> dict[str, object]:
        return {
            "user_rules": self.user_rules,
            "user_phrases": self._user_phrases,
            "tags": self._tags,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._builtin = builtin_table()
        self._parser = builtin_parser()
        self._reasons = builtin_reasons()
        self._tags = state.get("tags")
        rules = state["user_rules"]
        self._setup(RuleTable(rules) if rules else None, tuple(state["user_phrases"]))

    def classify_sms(self, text: str, *, sender: str | None = None) -> SmsVerdict:
        """Classify an SMS: fraud, illegal service, harassment, marketing, warning or normal.

        The first call builds the keyword automaton (once, thread-safely); number-only
        users never pay for it.

        Args:
            text: the message text. Any string gives a verdict (the empty one is normal).
            sender: the sender's number as displayed, if known; its number verdict is
                combined with the text (a 1069 port with a link, a mobile sending a bank
                notice, the official 12381 warning).

        Returns:
            The verdict, with every contributing signal as a reason with spans into ``text``.

        Raises:
            TypeError: ``text`` is not a ``str``, or ``sender`` is neither a ``str`` nor None.

        Example:
            >>> text = "【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证"
            >>> v = Classifier().classify_sms(text)
            >>> v.category, v.risk
            (<SmsCategory.FRAUD: 'fraud'>, <Risk.HIGH: 'high'>)
        """
        engine = self._sms
        if engine is None:
            engine = self._sms_engine()
        return engine.classify(text, sender)

    def _sms_engine(self) -> SmsEngine:
        with self._sms_lock:
            if self._sms is None:
                from fraudnum.sms.engine import build_engine

                self._sms = build_engine(
                    self._sms_sender, self._reasons, self._user_phrases, advisor=advice_for
                )
            return self._sms

    def _sms_sender(self, sender: str) -> Verdict:
        return self.classify(sender, channel=Channel.SMS)

    @property
    def user_rules(self) -> tuple[PrefixRule, ...]:
        """The user's rules, list entries included, in the order given."""
        return () if self._user is None else self._user.rules

    def classify(
        self,
        number: str,
        *,
        channel: Channel | str = Channel.CALL,
        direction: Direction | str = Direction.INCOMING,
        expect_international: bool = False,
    ) -> Verdict:
        """Classify a caller ID or SMS sender.

        Args:
            number: the number as written (``"+86 400-810-8888"``, ``"95588"``,
                ``"Unknown"`` ...). Any string gives a verdict.
            channel: ``"call"`` (default) or ``"sms"``.
            direction: ``"incoming"`` (default: the number contacts the user)
                or ``"outgoing"`` (the user dials or texts it).
            expect_international: the user has overseas business or family, so
                an international caller is not suspicious in itself.

        Returns:
            The verdict, with reasons in Chinese and English.

        Raises:
            TypeError: ``number`` is not a ``str``.
            ValueError: ``channel`` or ``direction`` is not a known value.

        """
        ch: Channel = (
            channel if channel.__class__ is Channel else _coerce(Channel, channel, "channel")
        )
        di: Direction = (
            direction
            if direction.__class__ is Direction
            else _coerce(Direction, direction, "direction")
        )
        quick = self._quick
        if quick is not None:
            verdict: Verdict | None = quick.verdict(
                number, ch is _SMS, di is _OUTGOING, expect_international
            )
            if verdict is not None:
                return verdict
        parsed = self._parser.parse(number)
        outcome = self._precedence.of_parsed(parsed, ch, di, bool(expect_international))
        return outcome.verdict(parsed.info, ch, di, advice_for)

    def classify_many(
        self,
        numbers: Iterable[str],
        *,
        channel: Channel | str = Channel.CALL,
        direction: Direction | str = Direction.INCOMING,
        expect_international: bool = False,
    ) -> list[Verdict]:
        """Classify many numbers with the same context; see :meth:`classify`."""
        return list(
            self.classify_batch(
                numbers,
                channel=channel,
                direction=direction,
                expect_international=expect_international,
            )
        )

    def classify_batch(
        self,
        numbers: Iterable[str],
        *,
        channel: Channel | str = Channel.CALL,
        direction: Direction | str = Direction.INCOMING,
        expect_international: bool = False,
    ) -> VerdictBatch:
        """Classify a batch of numbers into columns of kinds and risks.

        For carrier-scale jobs: the common caller-ID forms are canonicalised and
        decided in C without the GIL into integer columns
        (:attr:`fraudnum.VerdictBatch.columns`), and full explained verdicts are built
        only for the rows you read. Results are those of :meth:`classify`.

        Args:
            numbers: the caller IDs: str items, or a pyarrow ``StringArray``,
                ``LargeStringArray`` or ``ChunkedArray`` of them, whose bytes are
                read in place (pyarrow is imported only for such input).
            channel: as for :meth:`classify`.
            direction: as for :meth:`classify`.
            expect_international: as for :meth:`classify`.

        Returns:
            A :class:`~fraudnum.VerdictBatch`.

        Raises:
            TypeError: an item is not a ``str``.
            ValueError: ``channel`` or ``direction`` is not a known value.
        """
        ch: Channel = _coerce(Channel, channel, "channel")
        di: Direction = _coerce(Direction, direction, "direction")
        return classify_rows(
            numbers,
            self._parser,
            self._precedence,
            ch,
            di,
            bool(expect_international),
            advice_for,
            self._quick,
        )

    def classify_codes(
        self,
        numbers: Iterable[str],
        *,
        channel: Channel | str = Channel.CALL,
        direction: Direction | str = Direction.INCOMING,
        expect_international: bool = False,
    ) -> BatchColumns:
        """Classify a batch into integer columns only: no verdict, no per-row Python object.

        The entry point for columnar consumers (Arrow, Parquet, pandas): the
        same columns as ``classify_batch(...).columns``. Decode them with
        :data:`fraudnum.numbers.columns.KINDS`, ``RISKS`` and ``TIERS``; ``rule``
        indexes :attr:`builtin_rules`, ``user_rule`` :attr:`user_rules`.

        Args:
            numbers: as for :meth:`classify_batch` (str items, or a pyarrow
                ``StringArray`` / ``LargeStringArray`` / ``ChunkedArray`` of them,
                read in place).
            channel: as for :meth:`classify`.
            direction: as for :meth:`classify`.
            expect_international: as for :meth:`classify`.

        Returns:
            A :class:`~fraudnum.numbers.columns.BatchColumns` of numpy arrays.

        Raises:
            TypeError: an item is not a ``str`` (or an Arrow value is null).
            ValueError: ``channel`` or ``direction`` is not a known value.
        """
        ch: Channel = _coerce(Channel, channel, "channel")
        di: Direction = _coerce(Direction, direction, "direction")
        rows = row_source(numbers)
        return decide_rows(rows, self._parser, self._precedence, ch, di, bool(expect_international))

    @property
    def builtin_rules(self) -> tuple[PrefixRule, ...]:
        """The numbering plan's rows, in the order ``BatchColumns.rule`` indexes them."""
        return self._builtin.rules


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
    clf = _DEFAULT[0] if _DEFAULT else _default()
    quick = clf._quick
    # Enums (the defaults included) go straight to the C builder: no second
    # frame, no keyword re-packing. Strings and anything it declines take the
    # method, which coerces them and raises its errors.
    if quick is not None and channel.__class__ is Channel and direction.__class__ is Direction:
        verdict: Verdict | None = quick.verdict(
            number, channel is _SMS, direction is _OUTGOING, expect_international
        )
        if verdict is not None:
            return verdict
    return clf.classify(
        number,
        channel=channel,
        direction=direction,
        expect_international=expect_international,
    )


# The default classifier once built: classify() then skips the cache's call.
_DEFAULT: list[Classifier] = []
# Module constants: one global lookup on the hot path, not a global and an attribute.
_SMS = Channel.SMS
_OUTGOING = Direction.OUTGOING


def _default() -> Classifier:
    clf = default_classifier()
    _DEFAULT[:] = [clf]
    return clf


def classify_batch(
    numbers: Iterable[str],
    *,
    channel: Channel | str = Channel.CALL,
    direction: Direction | str = Direction.INCOMING,
    expect_international: bool = False,
) -> VerdictBatch:
    """Classify a batch of numbers into columns with the built-in rules.

    See :meth:`Classifier.classify_batch` for the arguments.

    Example:
        >>> classify_batch(["95588", "4008108888"]).risks
        (<Risk.TRUSTED: 'trusted'>, <Risk.HIGH: 'high'>)

    """
    return default_classifier().classify_batch(
        numbers,
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

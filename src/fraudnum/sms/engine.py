"""SMS verdicts: phrases, links, numbers in the text and the sender, combined and explained.

How a message is judged (every step is data in ``data/``, none of it is buried here):

1. **Official warnings first.** A message whose sender is the anti-fraud warning SMS 12381
   (or the warning line 96110) is ``warning`` / TRUSTED and never blocked, whatever the
   user's phrase tables say — unless it carries a link or tells the reader to call or add
   a number, which the real ones never do: then it is an impersonation, ``fraud`` / HIGH.
   A date, a masked number, a card number or a landline quoted in it changes nothing.
2. **Phrases.** One pass of the keyword automaton over the text, folding each code point
   on the fly (traditional to simplified, full-width to half-width, case, separators and
   noise skipped). Each phrase row found adds its weight to its category's score once and
   contributes its tags (``data/phrases.csv`` plus the user's file).
3. **Links and numbers.** Links are found and flagged (:mod:`fraudnum.sms.links`); phone
   numbers (masked ones such as ``138****5678`` included) and bank card numbers are found
   in the same spirit. They become tags: ``link``, ``link_suspicious``, ``link_lookalike``,
   ``contact``, ``bank_card`` ...
4. **Sender.** The sender's number verdict (cached per sender) becomes tags:
   ``sender_sms_port``, ``sender_mobile``, ``sender_official`` ...
5. **Co-occurrence rules** (``data/sms_rules.csv``): when tags appear together, they add to
   a category's score and may raise the risk (an authority plus a money request; a bank
   name, an account problem and a link; a 1069 port and a link).
6. **Policy** (``data/sms_policy.csv``): the first category by priority whose score reaches
   its threshold wins; it gives the risk. The user's block or allow list on the sender has
   the last word on the risk (never on a genuine warning).

Every contributing signal is a :class:`~fraudnum.types.Reason` whose spans are offsets into
the original text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final

from fraudnum._cache import remember
from fraudnum._core import KeywordAutomaton, NearRules, RowFilter, RowMarks, TagRules
from fraudnum._pysmsrows import latin as _latin
from fraudnum._tables import TableError
from fraudnum.folding import FoldTable, load_fold_table
from fraudnum.sms._shared import (
    CAT_INDEX,
    DECISION_CACHE_SIZE,
    PHRASE_ORDER,
    SCORED,
    SIGNAL_CAT,
    WARNING_CAT,
    Signature,
)
from fraudnum.sms.explain import Template
from fraudnum.sms.explanation import EXTRA, EXTRA_LINK, Explaining, Explanation, Layout
from fraudnum.sms.links import MAX_LINKS, UrlRules, builtin_url_rules, extract_urls
from fraudnum.sms.plans import PendingCodes, Plan, RulePlans
from fraudnum.sms.quoted_advice import without_advice_sentences
from fraudnum.sms.scopes import NEGATION_REACH, OWN_DEMANDS, REPORT_FRAMES, Scoping, unmasked
from fraudnum.sms.senses import (
    WordSenses,
    disclaimed,
    negated_over_lists,
    spans_outside,
    word_senses,
)
from fraudnum.sms.signals import (
    MAX_SPANS,
    SIGNAL_TAGS,
    Evasions,
    Numbers,
    Signal,
    drop_references,
    find_evasions,
    find_numbers,
    grouped_cards,
    instructed_contacts,
    length_signal,
    sms_patterns,
)
from fraudnum.sms.tables import (
    CategoryPolicy,
    ComboRule,
    Phrase,
    builtin_combos,
    builtin_phrases,
    builtin_policy,
    merge_phrases,
)
from fraudnum.sms.turns import (
    MIN_SPLIT,
    Units,
    conversation,
    turns,
)
from fraudnum.texts import ReasonText
from fraudnum.types import (
    Advisor,
    NumberKind,
    Reason,
    Risk,
    SmsCategory,
    SmsVerdict,
    Tier,
    UrlFinding,
    Verdict,
)

__all__ = ["SmsEngine", "build_engine"]

_SENDER_CACHE_SIZE: Final = 65536

_CONTACT, _BANK_CARD = int(Signal.CONTACT), int(Signal.BANK_CARD)
_CONVERSATION, _REPORTED = int(Signal.CONVERSATION), int(Signal.REPORTED)
_ADDRESSED = int(Signal.ADDRESSED_DEMAND)
# An addressed demand (SmsEngine._addressed): a cue that speaks to the reader (请您, 你现在 …:
# the ``address_reader`` pattern) before a money, credential or control demand (these phrase
# families) in one sentence.
_ADDRESSED_DEMAND_TAGS: Final = (
    "script_demand_money",
    "script_demand_credential",
    "script_demand_control",
)
# Tags that make contact_any: a way to reach the sender is given.
_CONTACT_TRIGGER: Final = ("contact", "contact_channel", "link")
_ILLEGAL: Final = CAT_INDEX["illegal"]
_FRAUD_ROWS: Final = CAT_INDEX["fraud"]
_SCORED_ILLEGAL: Final = SCORED.index("illegal")
# Categories no evasion signal can change (fraud outranks illegal).
_FRAUD, _ILLEGAL_CAT = SmsCategory.FRAUD, SmsCategory.ILLEGAL
# Each category's position, so a per-message key holds an int (an enum hashes in Python).
_CATEGORY_POS: Final = {c: n for n, c in enumerate(SmsCategory)}
# Marks of the row sets found rows are tested against (SmsEngine._found): a set none of
# whose rows was grouped is not searched (rows only leave ``found`` after grouping).
_M_SENSES, _M_DISCLAIMS, _M_MASKS, _M_CARD, _M_FRAMES = 1, 2, 4, 8, 16
_M_ADDRESSED, _M_CANCELS, _M_EVASION = 32, 64, 128
# Tags of the evasion signals (see _find_evasions).
_EVASION_TAGS: Final = frozenset({"pinyin_mix", "deposit_bonus"})


_RISKS: Final = tuple(sorted(Risk, key=lambda r: r.rank))

_SENDER_KIND_TAGS: Final[Mapping[NumberKind, str]] = {
    NumberKind.SMS_PORT: "sender_sms_port",
    NumberKind.MOBILE: "sender_mobile",
    NumberKind.MOBILE_VIRTUAL: "sender_mobile",
    NumberKind.IOT: "sender_mobile",
    NumberKind.FIXED_LINE: "sender_fixed_line",
    NumberKind.INTERNATIONAL: "sender_international",
    NumberKind.HIDDEN: "sender_hidden",
    NumberKind.MALFORMED: "sender_malformed",
}
_OFFICIAL_KINDS: Final = frozenset(
    {
        NumberKind.SERVICE_95,
        NumberKind.CARRIER_SERVICE,
        NumberKind.GOV_HOTLINE,
        NumberKind.EMERGENCY,
    }
)
_WARNING_KINDS: Final = frozenset({NumberKind.ANTI_FRAUD_SMS, NumberKind.ANTI_FRAUD_CALL})
# A decided category for _decision: the category, its risk and the risk's rank, its phrase
# category index (-1: none), whether it is spam, its position (SmsEngine._outcome).
_Outcome = tuple[SmsCategory, Risk, int, int, bool, int]
# What a signature of signals decides: category, risk (before the sender's lists), sorted
# tags (those of the deciding category and of neutral signals only), scores, the rules
# that fired, and whether the text is an unverified warning.
_Decision = tuple[
    SmsCategory,
    Risk,
    tuple[str, ...],
    tuple[tuple[str, float], ...],
    PendingCodes,
    bool,
]


class SmsEngine(Explaining, Scoping):
    """The compiled SMS machinery of one :class:`~fraudnum.Classifier`.

    Immutable once built and safe to share between threads (the only mutable part is a
    bounded cache of sender verdicts, a plain dict whose single operations are atomic).

    Args:
        classify_sender: gives the number verdict of a sender (the classifier's
            ``classify(number, channel="sms")``).
        reasons: the reason texts by code.
        phrases: the phrase rows (built-in merged with the user's).
        combos: the co-occurrence rules.
        policy: the category policy.
        url_rules: the link lists.
        fold: the fold table the automaton matches through.
        automaton: the keyword automaton class (the compiled one, or the pure-Python
            twin under ``FRAUDNUM_NO_EXTENSIONS=1``); tests pass either explicitly.
    """

    def __init__(
        self,
        classify_sender: Callable[[str], Verdict],
        reasons: Mapping[str, ReasonText],
        phrases: Sequence[Phrase],
        combos: Sequence[ComboRule] | None = None,
        policy: Mapping[SmsCategory, CategoryPolicy] | None = None,
        url_rules: UrlRules | None = None,
        fold: FoldTable | None = None,
        automaton: type[KeywordAutomaton] | None = None,
        advisor: Advisor | None = None,
    ) -> None:
        self._classify_sender = classify_sender
        self._advisor = advisor
        self._templates = {code: Template(t) for code, t in reasons.items()}
        self._fold = load_fold_table() if fold is None else fold
        self._phrases = tuple(phrases)
        self._combos = tuple(builtin_combos() if combos is None else combos)
        self._policy = builtin_policy() if policy is None else policy
        self._url_rules = builtin_url_rules() if url_rules is None else url_rules
        for rule in self._combos:
            if rule.reason not in self._templates:
                raise ValueError(f"rule {rule.name}: unknown reason code {rule.reason!r}")
        factory = KeywordAutomaton if automaton is None else automaton
        self._automaton = factory(
            [p.phrase for p in self._phrases], list(range(len(self._phrases))), self._fold
        )
        self._cat = tuple(CAT_INDEX[p.category] for p in self._phrases)
        self._weight = tuple(p.weight for p in self._phrases)
        self._tags = tuple(p.tags for p in self._phrases)
        self._bound = tuple(self._boundary(p) for p in self._phrases)
        self._flen = tuple(len(p.folded) for p in self._phrases)
        # Rows that are a number (12381, 96110): matched through separators (9.6.1.1.0)
        # but not through one decimal point or comma, which makes an amount (余额961.10元).
        self._numeric = frozenset(i for i, p in enumerate(self._phrases) if p.folded.isdigit())
        # Rows that negate the words inside them (tag ``negates``: 停止转账, 切勿下载), and
        # negations that cancel a demand without making the text advice (``negates_demand``:
        # 押金不用再交): both cancel the demands after them in their clause.
        self._negates = frozenset(
            i
            for i, p in enumerate(self._phrases)
            if "negates" in p.tags or "negates_demand" in p.tags
        )
        # What a negating cue can cancel: the demands (script families, money and code
        # requests: 不会要求您提供验证码 asks for no code).
        self._negatable = frozenset(
            i
            for i, p in enumerate(self._phrases)
            if i not in self._negates
            and (
                "demand_any" in p.tags
                or (
                    p.category == "fraud"
                    and not {"money_request", "otp_request"}.isdisjoint(p.tags)
                )
            )
        )
        # Which hits count and the rows they find, in one compiled pass (fraudnum._smsrows).
        n_rows = len(self._phrases)
        self._rows = RowFilter(
            self._bound,
            self._flen,
            [i in self._numeric for i in range(n_rows)],
            [i in self._negates for i in range(n_rows)],
            self._cat,
            SIGNAL_CAT,
            MAX_SPANS,
            [i in self._negatable for i in range(n_rows)],
            NEGATION_REACH,
        )
        # Rows beside which evasive writing is looked for (illegal services, disguises).
        self._evasion_gate = frozenset(
            i
            for i, p in enumerate(self._phrases)
            if p.category == "illegal" or "disguise" in p.tags or "game_platform" in p.tags
        )
        # The score index each rule adds to (-1: none).
        self._combo_cat = tuple(
            -1 if r.category == "none" else SCORED.index(r.category) for r in self._combos
        )
        # Proximity rules (``near``): the phrase families they require must meet within
        # that many sentences; only tags some phrase row carries are located in the text.
        phrase_tags = frozenset(t for p in self._phrases for t in p.tags)
        rows_of_tag: dict[str, set[int]] = {}
        for i, p in enumerate(self._phrases):
            for t in p.tags:
                rows_of_tag.setdefault(t, set()).add(i)
        # The phrase rows that carry each tag (a reason reports the spans of those found).
        self._rows_of_tag = {t: frozenset(rows) for t, rows in rows_of_tag.items()}
        self._phrase_tags = phrase_tags
        # Words that hide the scam words inside them (tag ``masks_inner``): a brand (支付宝
        # is not a demand to 支付), a channel (电子税务局) or a completed act (转过去了).
        self._maskers = self._rows_of_tag.get("masks_inner", frozenset())
        # Where a phrase is part of another word (data/word_senses.csv: 账号 in 注册一个账号).
        self._senses = WordSenses(
            [(p.folded, p.tags) for p in self._phrases], word_senses(), self._fold
        )
        # Disclaimers (tag ``disclaims``: 不会以, 不会主动联系): see fraudnum.sms.senses.disclaimed.
        self._disclaimers = self._rows_of_tag.get("disclaims", frozenset())
        # Rows beside which a card number written in groups is looked for (signals.grouped_cards).
        self._card_context = frozenset().union(
            *(self._rows_of_tag.get(t, frozenset()) for t in ("bank", "payee", "money_request"))
        )
        # The labels a reference number follows (订单号, 流水号): tag ``number_reference``.
        self._reference_rows = self._rows_of_tag.get("number_reference", frozenset())
        # Reported speech (tag ``report_cue``: 骗子会, 对方要求, 犯罪嫌疑人以 …) counts only in a
        # text framed as a warning or a report (REPORT_FRAMES) or sent by an official number;
        # what it cancels: the demands a negation cancels, and the destinations named.
        self._report_cues = self._rows_of_tag.get("report_cue", frozenset())
        # Closing cues (tag ``report_close``: …的，都是诈骗) report what comes before them.
        self._report_closers = self._rows_of_tag.get("report_close", frozenset())
        self._report_cues |= self._report_closers
        self._report_frames = frozenset().union(
            *(self._rows_of_tag.get(t, frozenset()) for t in REPORT_FRAMES),
            self._report_closers,
        )
        # An addressed demand (see _addressed): the cue pattern that speaks to the reader, the
        # demands it may lead, and the cues of advice or reported speech that make a sentence
        # a report.
        patterns = sms_patterns()
        if "address_reader" not in patterns:
            raise TableError("sms_patterns.csv", None, "the address_reader pattern is missing")
        self._address_cue = patterns["address_reader"]
        self._addressed_demand_rows = frozenset().union(
            *(self._rows_of_tag.get(t, frozenset()) for t in _ADDRESSED_DEMAND_TAGS)
        )
        self._not_addressed_rows = self._report_cues | self._report_frames
        # The rows that make a sentence quoted advice (see quoted_advice): no distance.
        self._quoted_advice = self._not_addressed_rows | self._negates
        # It changes a verdict only through what it disables: a rule that needs
        # !demand_addressed (its required families) or a negative fraud weight. Without such a
        # row the sentences are not searched.
        vetoed = frozenset(
            t for r in self._combos if "demand_addressed" in r.absent for t in r.require
        )
        self._cancellers = frozenset(
            i
            for i, p in enumerate(self._phrases)
            if (p.category == "fraud" and p.weight < 0) or not vetoed.isdisjoint(p.tags)
        )
        # The demands that make a text a scam when it makes them itself (outside reported
        # speech): money, codes, control of the phone, an app, a fee again, a code to scan.
        self._own_demands = self._negatable & frozenset().union(
            *(self._rows_of_tag.get(t, frozenset()) for t in OWN_DEMANDS)
        )
        # What reported speech quotes: the scam's own words, i.e. the fraud rows that argue
        # for fraud and the rows of any family a fraud rule needs (a claimed role, a
        # pretext, a demand, a destination); never the cues and frames themselves.
        scam_tags = frozenset(
            t for r in self._combos if r.category == "fraud" and r.weight > 0 for t in r.require
        )
        self._reportable = frozenset(
            i
            for i, p in enumerate(self._phrases)
            if (p.category == "fraud" and p.weight > 0)
            or (p.category == "signal" and not scam_tags.isdisjoint(p.tags))
        ) - (self._report_cues | self._report_frames)
        self._near_rules = tuple(
            (i, r.near, r.require & phrase_tags)
            for i, r in enumerate(self._combos)
            if r.near is not None and len(r.require & phrase_tags) >= 2
        )
        # Per phrase row, the tags of it that some proximity rule locates (most rows: none).
        near_tags = frozenset(t for _i, _n, need in self._near_rules for t in need)
        # Families are numbered in the order of their names: hits sort as they always did.
        family = {t: n for n, t in enumerate(sorted(near_tags))}
        self._near = NearRules(
            [[family[t] for t in p.tags if t in near_tags] for p in self._phrases],
            [([family[t] for t in sorted(need)], reach) for _i, reach, need in self._near_rules],
            len(family),
        )
        self._near_todo: dict[int, tuple[int, ...]] = {}
        # Per tag a rule requires, which other spans its reason reports (_EXTRA_* bits).
        self._extra_of = {
            t: EXTRA_LINK if t.startswith("link") else EXTRA.get(t, 0)
            for r in self._combos
            for t in r.require
        }
        self._risk_of = {c: pol.risk for c, pol in self._policy.items()}
        # Category priorities by name (smaller wins), for telling reasons from counter signals.
        self._rank = {c.value: pol.priority for c, pol in self._policy.items()}
        # Per rule what _plan and _cap read: category, weight, reason, required tags, the
        # mask of the tags it adds, the extra-span bits of its required tags, its category's
        # priority (0 when it has none), its risk rank (-1: none).
        self._rule_facts: tuple[
            tuple[str, float, str, frozenset[str], int, int, int, int], ...
        ] = ()
        # The decision on bit masks (fraudnum._smsrows.TagRules): every tag a phrase row or
        # a rule names, and those the engine tests, numbered in the order of their names (a
        # rule's lowest id is its first required tag by name, its candidate test).
        # Link and sender tags no rule names need no bit: they are shown by name only.
        universe = sorted(
            phrase_tags.union(
                *(r.require | r.absent | frozenset(r.tags) for r in self._combos),
                (tag for _s, tag in SIGNAL_TAGS),
                _CONTACT_TRIGGER,
                ("contact_any", "claims_warning", "port_link"),
            )
        )
        self._bit = {t: 1 << n for n, t in enumerate(universe)}
        self._tag_names = tuple(universe)
        bit = self._bit
        self._contact_trigger = sum(bit[t] for t in _CONTACT_TRIGGER)
        self._contact_any = bit["contact_any"]
        self._claims_warning = bit["claims_warning"]
        self._port_link = bit["port_link"]
        tag_id = {t: n for n, t in enumerate(universe)}
        self._tally = TagRules(
            self._cat,
            self._weight,
            [[tag_id[t] for t in p.tags] for p in self._phrases],
            len(PHRASE_ORDER),
            len(universe),
            [
                (
                    [tag_id[t] for t in sorted(r.require)],
                    [tag_id[t] for t in sorted(r.absent)],
                    [tag_id[t] for t in r.tags],
                    -1 if r.risk is None else r.risk.rank,
                )
                for r in self._combos
            ],
        )
        facts = []
        for r in self._combos:
            extra = 0
            for t in r.require:
                extra |= self._extra_of[t]
            facts.append(
                (
                    r.category,
                    r.weight,
                    r.reason,
                    r.require,
                    sum(bit[t] for t in set(r.tags)),
                    extra,
                    self._rank.get(r.category, 0),
                    -1 if r.risk is None else r.risk.rank,
                )
            )
        self._rule_facts = tuple(facts)
        # Sorted tag names per (neutral tag names, mask of the other tags shown).
        self._shown: dict[tuple[frozenset[str], int], tuple[str, ...]] = {}
        scored = [
            (pol.priority, pol.category, pol.threshold)
            for pol in self._policy.values()
            if pol.threshold is not None
        ]
        self._decide = tuple(
            (SCORED.index(cat.value), cat, float(thr)) for _, cat, thr in sorted(scored)
        )
        # What the rules that fired give (tags shown, risk cap; reasons pooled when read).
        self._rule_plans = RulePlans(facts, self._rank, self._templates, self._decide, SCORED)
        # What each outcome of the thresholds gives, worked out once: (category, its risk,
        # the risk's rank, the category's phrase index or -1, spam, the category's position).
        self._outcome_normal = self._outcome(SmsCategory.NORMAL, self._risk_of[SmsCategory.NORMAL])
        self._outcome_warning = self._outcome(SmsCategory.WARNING, Risk.LOW)
        self._outcomes = tuple(
            (i, threshold, self._outcome(cat, self._risk_of[cat]))
            for i, cat, threshold in self._decide
        )
        # The illegal score below which the evasion rules cannot reach the threshold.
        illegal = self._policy.get(SmsCategory.ILLEGAL)
        lift = sum(
            max(rule.weight, 0.0)
            for rule in self._combos
            if rule.category == "illegal" and not rule.require.isdisjoint(_EVASION_TAGS)
        )
        self._evasion_floor = (
            float("inf")
            if illegal is None or illegal.threshold is None
            else illegal.threshold - lift
        )
        marked: tuple[frozenset[int], ...] = (self._senses.gate, self._disclaimers)
        marked += (self._maskers, self._card_context, self._report_frames)
        marked += (self._addressed_demand_rows, self._cancellers, self._evasion_gate)  # _M_*
        self._marks = RowMarks(
            [sum(1 << b for b, r in enumerate(marked) if i in r) for i in range(n_rows)]
        )
        self._sender_cache: dict[str, Verdict] = {}
        self._decisions: dict[Signature, _Decision] = {}
        # Rules fired per set of tags (and rules too far apart): fired rows, floor, tags after.
        self._plans: dict[tuple[tuple[int, ...], int], Plan] = {}
        self._neutral: dict[
            tuple[tuple[tuple[bool, tuple[str, ...]], ...], int, tuple[str, ...]],
            tuple[int, frozenset[str], frozenset[str]],
        ] = {}
        self._phrase_templates = tuple(self._templates["sms_phrase_" + c] for c in PHRASE_ORDER)
        self._sender_tags: dict[int, tuple[Verdict, tuple[str, ...]]] = {}
        # Per signature (and kinds of the links reported): _planned's rows and order.
        self._layouts: dict[object, Layout] = {}
        self._normal = SmsVerdict(
            SmsCategory.NORMAL,
            self._policy[SmsCategory.NORMAL].risk,
            (self._templates["sms_no_signal"].build(),),
            advisor=advisor,
        )

    # -- set-up helpers ----------------------------------------------------

    def _boundary(self, phrase: Phrase) -> int:
        """Bit 1: the phrase starts with a Latin letter or digit, bit 2: it ends with one.

        Such a phrase only matches where the text has no Latin letter or digit right
        before (after) it, so ``vx`` does not fire inside ``vxworks`` nor ``12381`` inside
        a longer number.
        """
        f = phrase.folded
        return (1 if _latin(f[0]) else 0) | (2 if _latin(f[-1]) else 0)

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        """The phrase rows the automaton was built from."""
        return self._phrases

    # -- classification ----------------------------------------------------

    def _sender_tag_cache(self, sv: Verdict) -> tuple[str, ...]:
        got = self._sender_tags.get(id(sv))
        if got is None or got[0] is not sv:
            got = (sv, tuple(_sender_tags(sv)))
            remember(self._sender_tags, id(sv), got, _SENDER_CACHE_SIZE)
        return got[1]

    def sender_verdict(self, sender: str) -> Verdict:
        """The number verdict of a sender, cached."""
        v = self._sender_cache.get(sender)
        if v is None:
            v = remember(
                self._sender_cache, sender, self._classify_sender(sender), _SENDER_CACHE_SIZE
            )
        return v

    def classify(self, text: str, sender: str | None = None) -> SmsVerdict:
        """Classify one message.

        Args:
            text: the message text (any string).
            sender: the sender's number as displayed, if known.

        Returns:
            The verdict.

        Raises:
            TypeError: ``text`` is not a ``str`` or ``sender`` is neither a ``str`` nor None.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        sv: Verdict | None = None
        if sender is not None:
            if not isinstance(sender, str):
                raise TypeError(f"sender must be str or None, not {type(sender).__name__}")
            sv = self.sender_verdict(sender)
            if sv.tier is Tier.NEVER_BLOCK and sv.urgent and sv.kind in _WARNING_KINDS:
                return self._official_warning(text, sv)
        hits = self._automaton.find_all(text) if text else []
        urls = extract_urls(text, self._url_rules) if text else ()
        numbers = find_numbers(text) if text else None
        if not hits and not urls and numbers is None and sv is None:
            return self._normal
        return self._judge(text, sv, hits, urls, numbers)

    def _official_warning(self, text: str, sv: Verdict) -> SmsVerdict:
        # Only a link or an instruction to call or add a number makes it fake: a date, a
        # masked number, a card number or a landline quoted in a real warning is not.
        urls = _report_links(extract_urls(text, self._url_rules))
        spans = [(u.start, u.end) for u in urls]
        spans.extend(instructed_contacts(text, find_numbers(text)))
        t = self._templates
        if spans:
            spans.sort()
            return SmsVerdict(
                SmsCategory.FRAUD,
                Risk.HIGH,
                (t["sms_fake_warning"].build(tuple(spans[:MAX_SPANS])),),
                ("fake_warning",),
                sv,
                urls,
                advisor=self._advisor,
            )
        return SmsVerdict(
            SmsCategory.WARNING,
            Risk.TRUSTED,
            (t["sms_official_warning"].build(sender=sv.number.digits),),
            ("official_warning",),
            sv,
            (),
            advisor=self._advisor,
        )

    def _judge(
        self,
        text: str,
        sv: Verdict | None,
        hits: list[tuple[int, int, int]],
        urls: tuple[UrlFinding, ...],
        numbers: Numbers | None,
    ) -> SmsVerdict:
        # 1. phrase hits: spans per phrase row, each row counted once.
        found, marks = self._found(text, hits, urls)
        if (
            marks & _M_CARD
            and (numbers is None or not numbers.bank_card)
            and not self._card_context.isdisjoint(found)
        ):
            # A card number in groups matters only beside a bank, a payee or a money request.
            numbers = grouped_cards(text, numbers)
        chat = turns(text) if "\n" in text else ()
        chatting = conversation(chat) if chat else False
        scopes: list[tuple[int, int]] = []
        if (
            not chatting
            and not urls
            and (numbers is None or not numbers.bank_card)
            and (
                (marks & _M_FRAMES and not self._report_frames.isdisjoint(found))
                or (sv is not None and "sender_official" in self._sender_tag_cache(sv))
            )
        ):
            # A warning or a report that retells a scam ("骗子会让您下载…，再要求您转账") quotes
            # the demand: the demands and destinations it reports are not made to the reader.
            # A text that gives a working destination (a link, a card number) acts, it does
            # not report.
            scopes = self._report_scopes(text, found)
            if scopes and not self._demands_outside(found, scopes):
                found = spans_outside(found, self._reportable, scopes)
            else:
                scopes = []
        if numbers is not None and numbers.contact:
            # An order, ticket or transaction number, a date or an amount is not a contact;
            # neither is a number quoted inside reported speech.
            label_ends = [e for v in self._reference_rows & found.keys() for _s, e in found[v]]
            drop_references(text, numbers, label_ends, scopes)
        # 2. the decision depends only on which rows were found (in this order), on what
        # the links were flagged, on which kinds of number occur and on the sender's tags:
        # decided once per such signature, then reused.
        url_sig: tuple[tuple[bool, tuple[str, ...]], ...] = ()
        if urls:
            # Each kind of link once (the decision reads only which kinds occur), and the
            # verdict reports a bounded number of links (all were used to skip words above).
            url_sig = tuple(dict.fromkeys([(u.official, u.flags) for u in urls]))
            if len(urls) > MAX_LINKS:
                urls = _report_links(urls)
        num_sig = length_signal(text)
        if chatting:
            num_sig |= _CONVERSATION
        if scopes:
            num_sig |= _REPORTED
        elif (
            marks & _M_ADDRESSED
            and marks & _M_CANCELS
            and not self._addressed_demand_rows.isdisjoint(found)
            and not self._cancellers.isdisjoint(found)
            and self._addressed(text, found)
        ):
            # Reported speech left no demand of the text's own standing; an addressed one is
            # the speaker's: advice and news wording around it cancel nothing (_decision).
            num_sig |= _ADDRESSED
        if numbers is not None:
            if numbers.contact:
                num_sig |= _CONTACT
            if numbers.bank_card:
                num_sig |= _BANK_CARD
        sender_tags = self._sender_tag_cache(sv) if sv is not None else ()
        far, windows = self._proximity(text, found, chatting, bool(num_sig & _ADDRESSED))
        key = (tuple(found), url_sig, num_sig, sender_tags, far)
        decision = self._decisions.get(key)
        if decision is None:
            decision = self._decided(key)
        # Evasive writing is looked for only where it could still tip the verdict to
        # illegal: beside an illegal-service word, in a message not already fraud or
        # illegal whose illegal score the evasion rules could lift over the threshold.
        evasions: Evasions | None = None
        if (
            decision[0] is not _FRAUD
            and decision[0] is not _ILLEGAL_CAT
            and decision[3][_SCORED_ILLEGAL][1] >= self._evasion_floor
            and marks & _M_EVASION
            and not self._evasion_gate.isdisjoint(found)
        ):
            gate, cat = self._evasion_gate, self._cat
            words = [
                sp for v, spans in found.items() if v in gate and cat[v] == _ILLEGAL for sp in spans
            ]
            evasions = find_evasions(text, urls, words)
            if evasions.sig:
                num_sig |= evasions.sig
                key = (key[0], url_sig, num_sig, sender_tags, far)
                decision = self._decided(key)
        category, risk, tags, scores, codes, unverified_warning = decision
        note = None
        if sv is not None:
            risk, note = self._sender_risk(sv, risk)
        # The reasons are built when first read (SmsVerdict._deferred): from these, unchanged.
        explain = Explanation(
            self,
            text,
            category,
            found,
            codes,
            urls,
            numbers,
            evasions,
            unverified_warning,
            windows,
            chat if num_sig & _CONVERSATION else (),
            note,
            key,
        )
        return SmsVerdict._deferred(category, risk, tags, sv, urls, scores, self._advisor, explain)

    def _decided(self, key: Signature) -> _Decision:
        """The decision for a signature of signals, from the cache or made now."""
        decision = self._decisions.get(key)
        if decision is None:
            decision = remember(self._decisions, key, self._decision(*key), DECISION_CACHE_SIZE)
        return decision

    def _found(
        self, text: str, hits: list[tuple[int, int, int]], urls: tuple[UrlFinding, ...]
    ) -> tuple[dict[int, list[tuple[int, int]]], int]:
        """The phrase rows found, each with its spans (at most :data:`MAX_SPANS`), and marks.

        The marks (``_M_*``) are those of every row the hits grouped into, before any was
        dropped: a row set whose mark is absent holds none of the rows found.

        A hit counts where it is a prose word (not inside a Latin word, a link or an amount,
        not across clause punctuation; see :mod:`fraudnum._pysmsrows`), and a hit inside a
        longer hit of the same category is not counted again (退订 in 回T退订); signal rows
        weigh nothing and each names its own family (收到的验证码 holds the otp cue 验证码).
        """
        # A negated demand (切勿下载陌生APP, 不会要求转账) is advice, not a demand: the demand
        # words after a negating cue up to the end of its clause do not count. Only demands
        # are negated (demand cues and money requests): 防止套现…冻结 is still an account
        # alert. A row starting with the cue (不要告诉) still counts.
        rows = self._rows
        kept, negated = rows.keep(text, hits, [(u.start, u.end) for u in urls] if urls else ())
        found = rows.group(len(text), kept)
        marks = self._marks.of(found)
        if negated and "、" in text:
            # A negation reaches over an enumeration (不会以退票、改签为由要求您转账).
            found = negated_over_lists(text, found, self._negates, self._negatable, NEGATION_REACH)
        if marks & _M_SENSES and not self._senses.gate.isdisjoint(found):
            found = self._senses.drop(text, found)
        if marks & _M_DISCLAIMS and not self._disclaimers.isdisjoint(found):
            # What the sender says it will never do names scam words, it does not use them.
            found = disclaimed(text, found, self._disclaimers, self._reportable, NEGATION_REACH)
        if marks & _M_MASKS and not self._maskers.isdisjoint(found):
            found = unmasked(found, self._maskers, self._reportable)
        return found, marks

    def _decision(
        self,
        found: Sequence[int],
        url_sig: tuple[tuple[bool, tuple[str, ...]], ...],
        num_sig: int,
        sender_tags: tuple[str, ...],
        far: tuple[int, ...] = (),
    ) -> _Decision:
        """Scores, tags, rules, category and risk for one signature of signals."""
        # Scores and tags per category of the rows found, summed in the order found, and the
        # rules that fire: in C over bit masks (fraudnum._smsrows.TagRules).
        # A demand the speaker addresses to the reader is no report about fraud: the negative
        # fraud weights of advice and news rows around it (谨防, 警方提醒, 切勿泄露) do not count.
        scores, by_cat, union = self._tally.tally(
            found, _FRAUD_ROWS if num_sig & _ADDRESSED else -1
        )
        base, neutral, with_contact = self._neutral_of(url_sig, num_sig, sender_tags)
        tags = base | union  # base: links, numbers, length, the sender: facts, not a category
        if tags & self._contact_trigger:
            tags |= self._contact_any
            neutral = with_contact
        # co-occurrence rules, in file order (a candidate holds its first tag by name).
        fired_rows, floor, after = self._tally.fire(tags, far)
        combos, combo_cat = self._combos, self._combo_cat
        for i in fired_rows:  # in firing order, as the scores were always summed
            if combo_cat[i] >= 0:
                scores[combo_cat[i]] += combos[i].weight
        # the category and the risk: the first category by priority over its threshold.
        outcome = self._outcome_normal
        for i, threshold, reached in self._outcomes:
            if scores[i] >= threshold:
                outcome = reached
                break
        unverified_warning = outcome is self._outcome_normal and bool(after & self._claims_warning)
        if unverified_warning:
            outcome = self._outcome_warning
        category, risk, rank, decided, spam, pos = outcome
        # The reasons of the rules and the risk cap depend only on which rules fired and on
        # the verdict: cached.
        plan_key = (fired_rows, pos)
        plan = self._plans.get(plan_key)
        if plan is None:
            plan = self._plan(fired_rows, category, risk)
            remember(self._plans, plan_key, plan, DECISION_CACHE_SIZE)
        rule_shown, codes, cap = plan
        # A rule's risk floor applies once the message is spam (or a port sent a link).
        if spam and cap is not None:
            # Reached only through rules of a lower risk than its category's (see _cap).
            i, threshold, low_weight, low_rank = cap
            if scores[i] - low_weight < threshold:
                risk, rank = _RISKS[low_rank], low_rank
        if floor > rank and (spam or after & self._port_link):
            risk = _RISKS[floor]
        # What argued for the verdict: rules of its category adding to it, neutral rules
        # (category none), and for a normal or warning verdict the rules that argued
        # against spam. The rest argued for another category: counter signals.
        # Cues (signal rows) are shown on spam only: on a warning or a normal text they
        # would read as a cause (反诈中心 is a claimed role only in a scammer's demand).
        shown = by_cat[WARNING_CAT] | rule_shown
        if spam:
            shown |= by_cat[SIGNAL_CAT]
        if decided >= 0:
            shown |= by_cat[decided]
        shown_key = (neutral, shown)
        shown_tags = self._shown.get(shown_key)
        if shown_tags is None:
            names = self._tag_names
            shown_tags = tuple(sorted(neutral.union([names[n] for n in self._tally.ids(shown)])))
            remember(self._shown, shown_key, shown_tags, DECISION_CACHE_SIZE)
        return (
            category,
            risk,
            shown_tags,
            tuple(zip(SCORED, scores[:4], strict=True)),
            codes,
            unverified_warning,
        )

    @staticmethod
    def _outcome(category: SmsCategory, risk: Risk) -> _Outcome:
        """What a decided category gives _decision (see ``_outcomes``)."""
        spam = category is not SmsCategory.NORMAL and category is not SmsCategory.WARNING
        decided = CAT_INDEX.get(category.value, -1)
        return category, risk, risk.rank, decided, spam, _CATEGORY_POS[category]

    def _plan(self, fired: tuple[int, ...], category: SmsCategory, risk: Risk) -> Plan:
        """What the rules that fired give a verdict of ``category`` (see fraudnum.sms.plans)."""
        return self._rule_plans.plan(fired, category, risk)

    def _neutral_of(
        self,
        url_sig: tuple[tuple[bool, tuple[str, ...]], ...],
        num_sig: int,
        sender_tags: tuple[str, ...],
    ) -> tuple[int, frozenset[str], frozenset[str]]:
        """The tags of the links, signals and sender (as a mask), their names, and with contact_any.

        Only tags with a bit are in the mask (a link flag no rule names has none); the
        names hold them all, and the last adds ``contact_any`` (cached per key).
        """
        key = (url_sig, num_sig, sender_tags)
        got = self._neutral.get(key)
        if got is not None:
            return got
        tags: set[str] = set()
        for official, flags in url_sig:
            tags.add("link_official" if official else "link")
            if flags:
                tags.add("link_suspicious")
                tags.update("link_" + f for f in flags)
        for signal, tag in SIGNAL_TAGS:
            if num_sig & signal:
                tags.add(tag)
        tags.update(sender_tags)
        bit = self._bit
        mask = sum(bit[t] for t in tags if t in bit)
        got = (mask, frozenset(tags), frozenset({*tags, "contact_any"}))
        return remember(self._neutral, key, got, _SENDER_CACHE_SIZE)

    def _proximity(
        self,
        text: str,
        found: Mapping[int, list[tuple[int, int]]],
        chatting: bool = False,
        addressed: bool = False,
    ) -> tuple[tuple[int, ...], dict[str, tuple[int, int]]]:
        """The proximity rules whose families do not meet, and the windows of those that do.

        Only rules whose required families all occur are located; a text of one sentence
        and a conversation (the role claimed in one turn, the demand turns later) meet every
        rule. The windows are keyed by the rule's reason code (the first rule
        of a code wins, as reasons pool by code).
        """
        if not self._near_rules or len(text) < MIN_SPLIT or chatting:
            return (), {}  # across the turns of one conversation, families combine anywhere
        near = self._near
        have = near.present(found)
        if not have:
            return (), {}
        # The rules whose families all occur, per set of families present (few sets recur).
        todo = self._near_todo.get(have)
        if todo is None:
            todo = remember(self._near_todo, have, near.todo(have), DECISION_CACHE_SIZE)
        if not todo:
            return (), {}
        starts = Units(text).starts
        if addressed:
            # Quoted advice between a role and an addressed demand is no distance.
            starts = without_advice_sentences(starts, found, self._quoted_advice)
        if len(starts) == 1:
            return (), {}
        far: list[int] = []
        windows: dict[str, tuple[int, int]] = {}
        near_rules, combos = self._near_rules, self._combos
        for k, window in zip(todo, near.windows(found, starts, todo), strict=True):
            i = near_rules[k][0]
            if window is None:
                far.append(i)
            else:
                windows.setdefault(combos[i].reason, window)
        return tuple(far), windows

    def _sender_risk(self, sv: Verdict, risk: Risk) -> tuple[Risk, Reason | None]:
        """The risk after the sender's lists and verdict, and the reason that says so (last)."""
        t = self._templates
        if sv.tier is Tier.USER:
            if sv.risk is Risk.HIGH:
                return Risk.HIGH, t["sms_sender_blocked"].build()
            if sv.risk is Risk.TRUSTED:
                return min(risk, Risk.LOW), t["sms_sender_allowed"].build()
        elif sv.risk is Risk.HIGH and risk < Risk.MEDIUM:
            return Risk.MEDIUM, t["sms_sender_risky"].build(sender_reason=sv.reasons[-1].zh)
        return risk, None


def _report_links(urls: tuple[UrlFinding, ...]) -> tuple[UrlFinding, ...]:
    """The links a verdict reports (a bounded number, however many the text holds).

    The first :data:`MAX_LINKS`, then the first of every other kind (official or not, and its
    flags), so each kind of link that decided is explained.
    """
    if len(urls) <= MAX_LINKS:
        return urls
    kinds = {(u.official, u.flags) for u in urls[:MAX_LINKS]}
    out = list(urls[:MAX_LINKS])
    for u in urls[MAX_LINKS:]:
        kind = (u.official, u.flags)
        if kind not in kinds:
            kinds.add(kind)
            out.append(u)
    return tuple(out)


def _sender_tags(sv: Verdict) -> list[str]:
    out = []
    tag = _SENDER_KIND_TAGS.get(sv.kind)
    if tag is not None:
        out.append(tag)
    if sv.kind in _OFFICIAL_KINDS and sv.risk <= Risk.LOW and sv.tier is not Tier.USER:
        out.append("sender_official")
    if sv.risk is Risk.HIGH:
        out.append("sender_risky")
    return out


def build_engine(
    classify_sender: Callable[[str], Verdict],
    reasons: Mapping[str, ReasonText],
    user_phrases: Sequence[Phrase] = (),
    advisor: Advisor | None = None,
) -> SmsEngine:
    """Build the SMS machinery from the built-in tables and the user's phrases.

    Args:
        classify_sender: the classifier's sender verdict function.
        reasons: the reason texts by code.
        user_phrases: the user's validated phrase rows (they replace built-in rows with
            the same folded phrase and category, and add the others).
        advisor: what the verdicts' ``advice`` calls (the classifier's advice rules).

    Returns:
        The engine.
    """
    return SmsEngine(
        classify_sender,
        reasons,
        merge_phrases(builtin_phrases(), user_phrases),
        advisor=advisor,
    )

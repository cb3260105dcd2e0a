"""Finding call patterns in records: the one kernel both the batch detector and the monitor run.

How a table of calls is scanned, for each (key, window length) of the pattern table:

1. records are put in time order (if they are not already) and then grouped by key
   with one ``np.sort`` of packed ``hash << bits | row`` integers (numpy's vectorised
   sort, several times faster than ``argsort``; hash collisions are detected and
   their few rows re-sorted exactly), so each key's calls are one run, in time order;
2. for each of the two window offsets, a window number per row splits the runs into
   (key, window) groups with one pass, and ``bincount`` counts each group's calls;
3. only groups with at least as many calls as the pattern's smallest threshold (the
   *floor*) are looked at further — in real traffic a few per cent of the rows — and
   for them everything is exact: duplicate records dropped, never-block callers
   removed, distinct parties, shares, talk times, blocks of numbers and 靓号 counted.

A group's result depends only on its own records, in any order, which is why the
streaming :class:`~fraudnum.calls.CallMonitor` (the same kernel, one window at a time)
gives the same findings as :meth:`CallDetector.detect` over the whole table.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from fraudnum._cache import remember
from fraudnum.calls._patterns import PatternRule, builtin_patterns, load_patterns
from fraudnum.calls._pretty import pretty_mask
from fraudnum.calls._records import (
    _POW10,
    _SHIFT,
    CallColumns,
    decode_number,
    segment_of,
    to_columns,
)
from fraudnum.classifier import Classifier, default_classifier
from fraudnum.texts import builtin_reasons, fill
from fraudnum.types import NumberKind, Reason, Risk, Tier, Verdict

__all__ = ["CallDetector", "CallFinding", "detect_calls"]

_MAX_PARTIES: Final = 10
_CALLER_CACHE: Final = 1_000_000
I64 = npt.NDArray[np.int64]
IDX = npt.NDArray[np.intp]


@attrs.frozen
class CallFinding:
    """A call pattern found in one window, with its evidence and explanation.

    Attributes:
        pattern: the pattern's code (``"call_bombing"``, ``"one_ring"`` ...).
        key: ``"caller"`` when :attr:`number` made the calls, ``"callee"`` when it
            received them (呼死你: :attr:`number` is the victim).
        number: the number the pattern is about, canonical digits.
        risk: the pattern's risk combined with the caller's own verdict.
        window_start: the window the evidence was counted in, seconds since the epoch.
        window_end: its end (exclusive).
        first_call: the first counted call's start.
        last_call: the last counted call's start.
        calls: how many calls were counted (duplicates and never-block callers left out).
        distinct: distinct other parties (callees of a caller, callers of a victim).
        unanswered: calls not answered.
        short: unanswered calls that rang at most the pattern's ``short_ring_s`` (0 if unused).
        ring_median: the median ring time of the calls, seconds.
        talk_mean: the mean talk time of the answered calls, seconds (0 if none).
        segment: the block of 10,000 numbers most dialed (digits but the last four),
            for caller patterns.
        segment_callees: distinct callees in that block.
        pretty_callees: distinct callees with a 靓号 tail.
        called_back: calls whose callee called back (where the records say).
        parties: up to ten of the other parties, smallest first.
        caller_verdict: the verdict of the calling number (for a victim, of the caller
            who called most), whose risk was combined in.
        explain: words the reasons when :attr:`reasons` is first read (set by the
            detector).
    """

    pattern: str
    key: str
    number: str
    risk: Risk
    window_start: float
    window_end: float
    first_call: float
    last_call: float
    calls: int
    distinct: int
    unanswered: int
    short: int
    ring_median: float
    talk_mean: float
    segment: str | None
    segment_callees: int
    pretty_callees: int
    called_back: int
    parties: tuple[str, ...]
    caller_verdict: Verdict | None = attrs.field(default=None, eq=False, repr=False)
    # The reasons are worded when first read: a switch's batch may find thousands.
    explain: Callable[[], tuple[Reason, ...]] | None = attrs.field(
        default=None, eq=False, repr=False
    )
    _reasons: tuple[Reason, ...] | None = attrs.field(
        default=None, init=False, eq=False, repr=False
    )

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Why, first the pattern with its evidence, then the caller's own number."""
        if self._reasons is None:
            worded = () if self.explain is None else self.explain()
            object.__setattr__(self, "_reasons", worded)
            return worded
        return self._reasons

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order."""
        return tuple(r.code for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        hidden = ("explain", "_reasons")
        out = {
            f.name: getattr(self, f.name) for f in attrs.fields(CallFinding) if f.name not in hidden
        }
        out["risk"] = self.risk.value
        out["reasons"] = [r.to_dict() for r in self.reasons]
        out["parties"] = list(self.parties)
        out["caller_verdict"] = (
            None if self.caller_verdict is None else self.caller_verdict.risk.value
        )
        return out


@attrs.frozen
class _Config:
    """The patterns that share a key and a window length: scanned together."""

    key: str
    window_s: int
    patterns: tuple[PatternRule, ...]

    @property
    def hop(self) -> int:
        return self.window_s // 2

    @property
    def floor(self) -> int:
        return min(p.floor for p in self.patterns)


@attrs.frozen
class _Caller:
    verdict: Verdict | None
    never_block: bool
    kind: NumberKind | None


def _configs(patterns: Sequence[PatternRule]) -> tuple[_Config, ...]:
    grouped: dict[tuple[str, int], list[PatternRule]] = {}
    for p in patterns:
        grouped.setdefault((p.key, p.window_s), []).append(p)
    return tuple(_Config(k, w, tuple(ps)) for (k, w), ps in grouped.items())


def _mix(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """SplitMix64's finaliser: spreads numbers that differ in a few digits over 64 bits."""
    z = keys ^ (keys >> np.uint64(30))
    z = z * np.uint64(0xBF58476D1CE4E5B9)
    z = z ^ (z >> np.uint64(27))
    z = z * np.uint64(0x94D049BB133111EB)
    out: npt.NDArray[np.uint64] = z ^ (z >> np.uint64(31))
    return out


def _packed_order(values: npt.NDArray[np.uint64], top_bits: int) -> tuple[IDX, Any]:
    """Row order sorting ``values`` (already < 2**top_bits), ties by row: one np.sort."""
    n = values.shape[0]
    shift = np.uint64(64 - top_bits)
    packed = (values << shift) | np.arange(n, dtype=np.uint64)
    packed.sort()
    order = (packed & np.uint64((1 << (64 - top_bits)) - 1)).astype(np.intp)
    return order, packed >> shift


def _key_order(keys: npt.NDArray[np.uint64]) -> IDX:
    """An order of the rows putting equal keys together, rows of a key in their own order."""
    n = keys.shape[0]
    row_bits = max(1, (n - 1).bit_length())
    if row_bits > 40:  # pragma: no cover - beyond any one batch
        return np.lexsort((np.arange(n), keys)).astype(np.intp)
    hash_bits = 64 - row_bits
    order, hashes = _packed_order(_mix(keys) >> np.uint64(row_bits), hash_bits)
    sk = keys[order]
    collide = np.flatnonzero((hashes[1:] == hashes[:-1]) & (sk[1:] != sk[:-1]))
    if collide.size:
        # Two keys share a hash: re-sort each such run of equal hashes exactly.
        for at in np.unique(hashes[collide]):
            lo, hi = np.searchsorted(hashes, [at, at + np.uint64(1)])
            seg = order[lo:hi]
            order[lo:hi] = seg[np.lexsort((seg, keys[seg]))]
    return order


def _time_order(start: npt.NDArray[np.float64]) -> IDX | None:
    """None if ``start`` is in order already, else a stable order by time."""
    if start.shape[0] < 2 or bool(np.all(start[1:] >= start[:-1])):
        return None
    n = start.shape[0]
    row_bits = max(1, (n - 1).bit_length())
    ms = np.floor((start - start.min()) * 1000.0)
    time_bits = 64 - row_bits
    if float(ms.max()) < float(2**time_bits) and time_bits >= 20:
        # Milliseconds packed above the row number: rows of one millisecond keep their order.
        order, _ = _packed_order(ms.astype(np.uint64), time_bits)
        # Sub-millisecond differences: make the order exact where it matters.
        st = start[order]
        if bool(np.all(st[1:] >= st[:-1])):
            return order
    return np.argsort(start, kind="stable").astype(np.intp)


def _abroad_only(p: PatternRule) -> bool:
    return p.caller_kinds == {NumberKind.INTERNATIONAL}


def _is_abroad(numbers: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
    """Numbers whose canonical digits start with 00: international (NumberInfo.digits)."""
    ndigits = (numbers >> np.uint64(_SHIFT)).astype(np.int64)
    values = numbers & np.uint64((1 << _SHIFT) - 1)
    limit = _POW10[np.clip(ndigits - 2, 0, _POW10.size - 1)]
    out: npt.NDArray[np.bool_] = (ndigits > 2) & (values < limit)
    return out


def _combine(risk: Risk, verdict: Verdict | None) -> Risk:
    """The pattern's risk with the caller's: a risky number makes the pattern worse."""
    if verdict is None:
        return risk
    ranks = list(Risk)
    if verdict.risk is Risk.HIGH:
        return Risk.HIGH
    if verdict.risk is Risk.MEDIUM:
        return ranks[min(risk.rank + 1, Risk.HIGH.rank)]
    if verdict.risk is Risk.TRUSTED:
        return ranks[max(risk.rank - 1, Risk.LOW.rank)]
    return risk


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _first_of_runs(*cols: npt.NDArray[Any]) -> tuple[IDX, npt.NDArray[np.bool_]]:
    """The lexsort order of ``cols`` (last is primary) and where each distinct tuple starts."""
    order = np.lexsort(cols).astype(np.intp)
    n = order.shape[0]
    first = np.ones(n, dtype=np.bool_)
    if n > 1:
        same = np.ones(n - 1, dtype=np.bool_)
        for c in cols:
            s = c[order]
            same &= s[1:] == s[:-1]
        first[1:] = ~same
    return order, first


class CallDetector:
    """Finds call patterns (呼死你, 响一声, 恶意群呼 ...) in call records.

    Args:
        patterns: the pattern table: None for the built-in ``data/call_patterns.csv``,
            a path to a user's file of the same columns (its rows replace the built-in
            ones of the same code and add new ones), or the rows themselves.
        classifier: judges the calling numbers (default: the shared classifier). A
            caller it says must never be blocked (96110, 110, 12381 ...) is never
            counted towards any pattern, whatever the table says.

    Raises:
        fraudnum.TableError: the patterns file is invalid (the message has the line).

    Example:
        >>> from fraudnum.calls import CallDetector, CallRecord
        >>> callees = [f"1{i * 7919 % 97 + 30}{i:08d}" for i in range(12)]
        >>> calls = [CallRecord("17012345678", n, 20.0 * i, 1.0, False)
        ...          for i, n in enumerate(callees)]
        >>> sorted({f.pattern for f in CallDetector().detect(calls)})
        ['one_ring']
    """

    def __init__(
        self,
        *,
        patterns: str | os.PathLike[str] | Iterable[PatternRule] | None = None,
        classifier: Classifier | None = None,
    ) -> None:
        if patterns is None:
            rules = builtin_patterns()
        elif isinstance(patterns, (str, os.PathLike)):
            rules = load_patterns(patterns)
        else:
            rules = tuple(patterns)
            bad = [r for r in rules if not isinstance(r, PatternRule)]
            if bad:
                raise TypeError(f"patterns must be PatternRule rows, got {bad[0]!r}")
        if len({r.code for r in rules}) != len(rules):
            raise ValueError("two patterns share a code")
        self.patterns: tuple[PatternRule, ...] = rules
        self._configs = _configs(rules)
        self._classifier = classifier if classifier is not None else default_classifier()
        self._callers: dict[int, _Caller] = {}
        self._texts = builtin_reasons()
        missing = [r.reason for r in rules if r.reason not in self._texts]
        if missing:
            raise ValueError(f"reason code(s) not in reasons.csv: {', '.join(missing)}")

    def detect(
        self, records: Any, *, keys: Sequence[str] = ("caller", "callee")
    ) -> list[CallFinding]:
        """Every pattern in a batch of call records, per caller and per victim.

        Args:
            records: :class:`CallRecord` objects, a ``pyarrow.Table``, a pandas or
                polars ``DataFrame``, or a mapping of columns (see
                :func:`fraudnum.calls.to_columns`), in any order.
            keys: only the patterns of these keys: ``"caller"`` (what a number
                does) and ``"callee"`` (what is done to a victim). A pattern's
                windows are per key, so records split by key (as
                :func:`fraudnum.spark.detect_call_patterns` splits them) give the
                same findings.

        Returns:
            The findings, ordered by window, pattern and number. A pattern that
            holds in two overlapping windows is found in each.

        Raises:
            ValueError: a row has a missing or invalid field (the message names it).
            TypeError: ``records`` is of no accepted type.
        """
        unknown = sorted(set(keys) - {"caller", "callee"})
        if unknown or isinstance(keys, str):
            raise ValueError(f"keys must be some of 'caller', 'callee', got {keys!r}")
        configs = [c for c in self._configs if c.key in keys]
        findings = self._scan(to_columns(records), configs, None)
        return sorted(findings, key=_finding_order)

    # -- the kernel -----------------------------------------------------------------

    def _scan(
        self, cols: CallColumns, configs: Sequence[_Config], instance: int | None
    ) -> list[CallFinding]:
        """Findings of ``configs`` in ``cols``: every window, or only window ``instance``."""
        n = len(cols)
        if n == 0:
            return []
        by_time = _time_order(cols.start)
        if by_time is not None:
            cols = cols.take(by_time)
        out: list[CallFinding] = []
        for key in ("caller", "callee"):
            wanted = [c for c in configs if c.key == key]
            if not wanted:
                continue
            keys = cols.caller if key == "caller" else cols.callee
            order = _key_order(keys)
            sk = keys[order]
            st = cols.start[order]
            new_key = np.ones(n, dtype=np.bool_)
            new_key[1:] = sk[1:] != sk[:-1]
            for config in wanted:
                parities = (0, 1) if instance is None else (instance % 2,)
                for parity in parities:
                    win = np.floor((st - parity * config.hop) / config.window_s).astype(np.int64)
                    new = new_key.copy()
                    new[1:] |= win[1:] != win[:-1]
                    gid = np.cumsum(new) - 1
                    row_counts = np.bincount(gid)[gid]
                    # Rows of groups some pattern may hold for: enough calls, and from
                    # abroad where the pattern is about callers from abroad.
                    cand = np.zeros(n, dtype=np.bool_)
                    for p in config.patterns:
                        c = row_counts >= p.floor
                        if _abroad_only(p):
                            # Only the rows past the count floor need the digits looked at.
                            at = np.flatnonzero(c)
                            c[at] = _is_abroad(cols.caller[order[at]])
                        cand |= c
                    cand &= sk != 0
                    if instance is not None:
                        cand &= win == instance // 2
                    if cand.any():
                        out += self._evaluate(
                            cols,
                            order[cand],
                            gid[cand],
                            win[cand],
                            row_counts[cand],
                            config,
                            parity,
                        )
        return out

    def _caller(self, code: int) -> _Caller:
        info = self._callers.get(code)
        if info is None:
            digits = decode_number(code)
            if not digits:
                info = _Caller(None, False, NumberKind.HIDDEN)
            else:
                v = self._classifier.classify(digits)
                info = _Caller(v, v.tier is Tier.NEVER_BLOCK, v.kind)
            remember(self._callers, code, info, _CALLER_CACHE)
        return info

    def _evaluate(
        self,
        cols: CallColumns,
        rows: IDX,
        group: I64,
        win: I64,
        row_counts: I64,
        config: _Config,
        parity: int,
    ) -> list[CallFinding]:
        """Exact evidence for the candidate groups; the findings of ``config``'s patterns."""
        caller_key = config.key == "caller"
        keys_all = cols.caller if caller_key else cols.callee
        others_all = cols.callee if caller_key else cols.caller
        # A record seen twice (same key, other party and start) is one call.
        order, first = _first_of_runs(cols.start[rows], others_all[rows], group)
        keep = order[first]
        rows, group, win, row_counts = rows[keep], group[keep], win[keep], row_counts[keep]
        callers, inverse = np.unique(cols.caller[rows], return_inverse=True)
        infos = [self._caller(int(c)) for c in callers]
        never = np.array([i.never_block for i in infos], dtype=np.bool_)[inverse]
        out: list[CallFinding] = []
        for pattern in config.patterns:
            mask = ~never & (row_counts >= pattern.floor)
            if pattern.caller_kinds:
                fits = np.array([i.kind in pattern.caller_kinds for i in infos], dtype=np.bool_)
                mask &= fits[inverse]
            if mask.any():
                out += self._pattern(
                    cols,
                    rows[mask],
                    group[mask],
                    win[mask],
                    config,
                    parity,
                    pattern,
                    keys_all,
                    others_all,
                )
        return out

    def _pattern(
        self,
        cols: CallColumns,
        rows: IDX,
        group: I64,
        win: I64,
        config: _Config,
        parity: int,
        p: PatternRule,
        keys_all: npt.NDArray[np.uint64],
        others_all: npt.NDArray[np.uint64],
    ) -> list[CallFinding]:
        groups, gi = np.unique(group, return_inverse=True)
        ng = groups.shape[0]
        calls = np.bincount(gi, minlength=ng)
        ok = calls >= (p.min_calls or 1)
        if not ok.any():
            return []
        answered = cols.answered[rows]
        ring = cols.ring_s[rows]
        others = others_all[rows]
        unanswered = np.bincount(gi, weights=~answered, minlength=ng)
        if p.min_unanswered_share is not None:
            ok &= unanswered >= p.min_unanswered_share * calls - 1e-9
        short: npt.NDArray[Any] = np.zeros(ng)
        if p.short_ring_s is not None and p.min_short_share is not None:
            is_short = ~answered & (ring <= np.float32(p.short_ring_s))
            short = np.bincount(gi, weights=is_short, minlength=ng)
            ok &= short >= p.min_short_share * calls - 1e-9
        n_answered = np.bincount(gi, weights=answered, minlength=ng)
        talk = np.bincount(gi, weights=cols.talk_s[rows].astype(np.float64), minlength=ng)
        talk_mean = np.divide(talk, n_answered, out=np.zeros(ng), where=n_answered > 0)
        if p.max_mean_talk_s is not None:
            ok &= talk_mean <= p.max_mean_talk_s + 1e-9
        order, first = _first_of_runs(others, gi)
        distinct = np.bincount(gi[order][first], minlength=ng)
        if p.min_distinct is not None:
            ok &= distinct >= p.min_distinct
        pretty_flags = pretty_mask(others)
        pretty = np.bincount(gi[order][first & pretty_flags[order]], minlength=ng)
        if p.min_pretty_callees is not None:
            ok &= pretty >= p.min_pretty_callees
        if p.min_pretty_share is not None:
            ok &= pretty >= p.min_pretty_share * distinct - 1e-9
        segs = segment_of(others)
        seg_max = np.zeros(ng, dtype=np.int64)
        if config.key == "caller":
            so, sfirst = _first_of_runs(others, segs, gi)
            s_gi, s_seg = gi[so], segs[so]
            new_seg = np.ones(so.shape[0], dtype=np.bool_)
            new_seg[1:] = (s_gi[1:] != s_gi[:-1]) | (s_seg[1:] != s_seg[:-1])
            sid = np.cumsum(new_seg) - 1
            per_seg = np.bincount(sid, weights=sfirst).astype(np.int64)
            np.maximum.at(seg_max, s_gi[new_seg], per_seg)
        if p.min_segment_callees is not None:
            ok &= seg_max >= p.min_segment_callees
        backs = np.bincount(gi, weights=cols.called_back[rows] == 1, minlength=ng)
        if p.min_called_back is not None:
            ok &= backs >= p.min_called_back
        fired = np.flatnonzero(ok)
        if fired.size == 0:
            return []
        # Per-group values for the fired groups, vectorised: median ring, span, call-backs.
        by_ring = np.lexsort((ring, gi))
        bounds = np.searchsorted(gi[by_ring], np.arange(ng + 1))
        sorted_ring = ring[by_ring].astype(np.float64)
        lo, c = bounds[fired], calls[fired]
        medians = (sorted_ring[lo + (c - 1) // 2] + sorted_ring[lo + c // 2]) / 2
        start_all = cols.start[rows]
        first_call = np.full(ng, np.inf)
        last_call = np.full(ng, -np.inf)
        np.minimum.at(first_call, gi, start_all)
        np.maximum.at(last_call, gi, start_all)
        out: list[CallFinding] = []
        for k, g in enumerate(fired.tolist()):
            idx = by_ring[bounds[g] : bounds[g + 1]]
            r = rows[idx]
            number_code = int(keys_all[r[0]])
            top_caller = number_code
            if config.key == "callee":
                if p.victim_kinds and self._victim_kind(number_code) not in p.victim_kinds:
                    continue
                values, counts = np.unique(cols.caller[r], return_counts=True)
                top_caller = int(values[int(np.argmax(counts))])
            verdict = self._caller(top_caller).verdict
            party_codes = np.unique(others[idx])
            top_seg: str | None = None
            if config.key == "caller" and seg_max[g] > 1:
                seg_vals, seg_counts = np.unique(segment_of(party_codes), return_counts=True)
                top_seg = decode_number(int(seg_vals[int(np.argmax(seg_counts))]))
            window_start = float(win[idx[0]] * config.window_s + parity * config.hop)
            evidence: dict[str, Any] = {
                "calls": int(calls[g]),
                "distinct": int(distinct[g]),
                "unanswered": round(float(unanswered[g])),
                "short": round(float(short[g])),
                "ring_median": float(medians[k]),
                "talk_mean": float(talk_mean[g]),
                "segment_callees": int(seg_max[g]),
                "pretty_callees": int(pretty[g]),
            }
            called_back = round(float(backs[g]))
            span = float(last_call[g] - first_call[g])
            out.append(
                CallFinding(
                    pattern=p.code,
                    key=config.key,
                    number=decode_number(number_code),
                    risk=_combine(p.risk, verdict),
                    window_start=window_start,
                    window_end=window_start + config.window_s,
                    first_call=float(first_call[g]),
                    last_call=float(last_call[g]),
                    segment=top_seg,
                    called_back=called_back,
                    parties=tuple(decode_number(int(c)) for c in party_codes[:_MAX_PARTIES]),
                    caller_verdict=verdict,
                    explain=functools.partial(
                        self._reasons,
                        p,
                        {**evidence, "called_back": called_back},
                        span,
                        top_seg,
                        number_code,
                        verdict,
                    ),
                    **evidence,
                )
            )
        return out

    def _victim_kind(self, code: int) -> NumberKind | None:
        return self._caller(code).kind

    def _reasons(
        self,
        p: PatternRule,
        ev: dict[str, Any],
        span: float,
        segment: str | None,
        number: int,
        verdict: Verdict | None,
    ) -> tuple[Reason, ...]:
        calls = max(1, ev["calls"])
        params = {
            **{k: str(v) for k, v in ev.items()},
            "minutes": str(max(1, math.ceil(span / 60))),
            "unanswered_pct": str(round(100 * ev["unanswered"] / calls)),
            "short_pct": str(round(100 * ev["short"] / calls)),
            "short_ring_s": _num(p.short_ring_s or 0),
            "ring_median": _num(ev["ring_median"]),
            "talk_mean": _num(ev["talk_mean"]),
            "pretty_pct": str(round(100 * ev["pretty_callees"] / max(1, ev["distinct"]))),
            "segment": segment or "",
            "victim": decode_number(number),
        }
        text = self._texts[p.reason]
        out = [Reason(p.reason, fill(text.zh, **params), fill(text.en, **params))]
        if verdict is not None and verdict.reasons:
            first = verdict.reasons[0]
            tmpl = self._texts["call_pattern_caller"]
            out.append(
                Reason(
                    "call_pattern_caller",
                    fill(tmpl.zh, caller_reason=first.zh),
                    fill(tmpl.en, caller_reason=first.en),
                )
            )
        return tuple(out)


def _finding_order(f: CallFinding) -> tuple[float, str, str, str]:
    return (f.window_start, f.pattern, f.key, f.number)


def detect_calls(
    records: Any, *, patterns: str | os.PathLike[str] | Iterable[PatternRule] | None = None
) -> list[CallFinding]:
    """Every call pattern in a batch of records; see :meth:`CallDetector.detect`.

    Example:
        >>> from fraudnum.calls import CallRecord, detect_calls
        >>> bombing = [CallRecord(f"1391234{i % 3:04d}", "13800138000", 100.0 * i, 2.0, False)
        ...            for i in range(5)]
        >>> detect_calls(bombing)
        []
    """
    detector = CallDetector() if patterns is None else CallDetector(patterns=patterns)
    return detector.detect(records)

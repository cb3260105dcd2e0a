"""Loading and validating the SMS tables: phrases, co-occurrence rules and category policy.

Three tables drive :func:`fraudnum.classify_sms`, all data, all with a ``source`` per row:

* ``data/phrases.csv`` — one row per phrase: ``phrase,category,tags,weight,script,source``.
  A user's phrase file has the same columns (``phrase`` and ``category`` required).
* ``data/sms_rules.csv`` — co-occurrence rules: when all the tags in ``when`` are present
  (and none marked ``!``), add ``weight`` to ``category`` and raise the risk to ``risk``; a
  ``risk`` below the category's caps a verdict that only such rules decided (fraud at medium).
* ``data/sms_policy.csv`` — per category: the score threshold, the priority among
  categories and the risk a message of that category gets.

Every problem raises :class:`fraudnum.TableError` naming the file and the line, before
anything is built, so a bad user file never leaves a half-made classifier behind.
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Iterable, Mapping
from typing import Final

import attrs

from fraudnum._tables import TableError, data_text, read_table, user_file_lines
from fraudnum._tables import parse_risk as _risk
from fraudnum.folding import SKIP, FoldTable, load_fold_table
from fraudnum.texts import ReasonText, builtin_reasons
from fraudnum.types import Risk, SmsCategory

__all__ = [
    "PHRASE_CATEGORIES",
    "PHRASE_COLUMNS",
    "SCORED_CATEGORIES",
    "SCRIPTS",
    "CategoryPolicy",
    "ComboRule",
    "Phrase",
    "builtin_combos",
    "builtin_phrases",
    "builtin_policy",
    "load_phrases",
    "merge_phrases",
    "parse_combos",
    "parse_phrases",
    "parse_policy",
]

#: The columns of a phrase table, in the order the built-in file uses.
PHRASE_COLUMNS = ("phrase", "category", "tags", "weight", "script", "source")
#: What a phrase may count towards: a spam category, ``warning`` (the text claims to be an
#: official warning) or ``signal`` (a cue that only counts through ``sms_rules.csv``).
PHRASE_CATEGORIES = ("fraud", "illegal", "harassment", "marketing", "warning", "signal")
#: The ``script`` values: simplified, traditional, Latin letters, or a mix.
SCRIPTS = ("hans", "hant", "latin", "mixed")
#: Largest absolute weight a row may carry.
MAX_WEIGHT = 20.0

_TAG = re.compile(r"[a-z][a-z0-9_]{0,39}")
#: The categories a message's phrases score toward, in the order of the scores.
SCORED_CATEGORIES: Final = ("fraud", "illegal", "harassment", "marketing")
_SCORED = SCORED_CATEGORIES


@attrs.frozen
class Phrase:
    """One phrase row.

    Attributes:
        phrase: the phrase as written in the table (matching folds it).
        category: what the phrase counts towards (see :data:`PHRASE_CATEGORIES`).
        tags: finer labels; rules in ``sms_rules.csv`` combine them.
        weight: added to the category's score when the phrase occurs (once per
            message however often it occurs); may be negative.
        script: ``hans``, ``hant``, ``latin`` or ``mixed`` (informational: matching
            folds traditional to simplified anyway).
        source: where the phrase comes from, for audit.
        origin: the file it was read from.
        line: its line in that file.
        folded: the phrase folded as the automaton sees it.
    """

    phrase: str
    category: str
    tags: tuple[str, ...]
    weight: float
    script: str
    source: str
    origin: str
    line: int
    folded: str

    @property
    def key(self) -> tuple[str, str]:
        """What identifies a row: its folded phrase and category.

        A user row with the same key replaces the built-in one.
        """
        return (self.folded, self.category)


@attrs.frozen
class ComboRule:
    """A co-occurrence rule: tags that together say more than each alone.

    Attributes:
        name: a stable identifier.
        require: tags that must all be present.
        absent: tags that must all be missing.
        category: the category whose score the rule changes.
        weight: added to that score when the rule fires (may be negative).
        risk: the least risk a message firing the rule gets, if any.
        tags: tags the rule adds to the verdict.
        reason: the reason code it reports (a row of ``reasons.csv``).
        source: why the rule exists.
        line: its line in ``sms_rules.csv``.
        near: the most sentences the rule's phrase families may span (a claimed role and a
            demand within a few sentences, or neighbouring turns of a chat); None: anywhere
            in the text.
    """

    name: str
    require: frozenset[str]
    absent: frozenset[str]
    category: str
    weight: float
    risk: Risk | None
    tags: tuple[str, ...]
    reason: str
    source: str
    line: int
    near: int | None = None


@attrs.frozen
class CategoryPolicy:
    """How a category is decided and how risky it is.

    Attributes:
        category: the category.
        priority: smaller wins when several categories pass their thresholds.
        threshold: the score a message needs to be put in the category (none for
            ``normal`` and ``warning``, which are not scored).
        risk: the risk of a message in this category.
        source: why.
    """

    category: SmsCategory
    priority: int
    threshold: float | None
    risk: Risk
    source: str


def _fold(text: str, table: FoldTable) -> str:
    out = []
    for ch in text:
        cp = table.fold_char(ord(ch))
        if cp != SKIP:
            out.append(chr(cp))
    return "".join(out)


def _weight(value: str, origin: str, line: int, default: float) -> float:
    if value == "":
        return default
    try:
        w = float(value)
    except ValueError:
        raise TableError(origin, line, f"weight must be a number, got {value!r}") from None
    if not math.isfinite(w) or abs(w) > MAX_WEIGHT:
        raise TableError(origin, line, f"weight must be within ±{MAX_WEIGHT:g}, got {value!r}")
    return w


def _tags(value: str, origin: str, line: int) -> tuple[str, ...]:
    tags = []
    for raw in value.split(";"):
        tag = raw.strip()
        if not tag:
            continue
        if not _TAG.fullmatch(tag):
            raise TableError(
                origin, line, f"tag {tag!r} must be lower-case ASCII letters, digits and _"
            )
        if tag not in tags:
            tags.append(tag)
    return tuple(tags)


def parse_phrases(
    text: str | Iterable[str],
    *,
    origin: str = "<phrases>",
    builtin: bool = False,
    fold: FoldTable | None = None,
) -> tuple[Phrase, ...]:
    """Parse and validate a phrase table.

    Args:
        text: the CSV text, header first (``phrase,category,tags,weight,script,source``;
            a user's file needs only ``phrase`` and ``category``), or its lines.
        origin: the file name used in error messages.
        builtin: validate as the built-in table (every column, a source on every row).
        fold: the fold table phrases are matched through (the built-in one by default).

    Returns:
        The rows, in file order.

    Raises:
        TableError: with the line number, for the first problem found (unknown
            category or script, bad weight or tag, a phrase that folds to nothing or
            to fewer than two characters (one non-ASCII character is allowed for a
            ``signal`` row, which only counts through rules), a duplicate).
    """
    table = load_fold_table() if fold is None else fold
    required = PHRASE_COLUMNS if builtin else ("phrase", "category")
    rows: list[Phrase] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in read_table(text, origin, required, known=PHRASE_COLUMNS):
        phrase = row["phrase"]
        if not phrase:
            raise TableError(origin, line, "phrase is empty")
        if len(phrase) > 200:
            raise TableError(origin, line, "phrase longer than 200 characters")
        category = row["category"].lower()
        if category not in PHRASE_CATEGORIES:
            raise TableError(
                origin,
                line,
                f"category {row['category']!r} is not one of: {', '.join(PHRASE_CATEGORIES)}",
            )
        folded = _fold(phrase, table)
        # One character is a phrase only as a signal (a rare substitute character such as
        # 餸 for 送), never a scoring row, and never a Latin letter or digit.
        single_ok = len(folded) == 1 and category == "signal" and not folded.isascii()
        if len(folded) < 2 and not single_ok:
            raise TableError(
                origin,
                line,
                f"phrase {phrase!r} folds to {folded!r}: matching ignores punctuation and"
                " spaces, and needs at least two characters (one non-ASCII character for"
                " a signal row)",
            )
        script = row.get("script", "").lower() or "mixed"
        if script not in SCRIPTS:
            raise TableError(
                origin, line, f"script {row.get('script')!r} is not one of: {', '.join(SCRIPTS)}"
            )
        weight = _weight(row.get("weight", ""), origin, line, 0.0 if category == "signal" else 1.0)
        if category in ("signal", "warning") and weight != 0.0:
            raise TableError(
                origin, line, f"a {category} phrase carries no weight of its own; leave it 0"
            )
        source = row.get("source", "")
        if builtin and not source:
            raise TableError(origin, line, "every built-in row needs a source")
        key = (folded, category)
        if key in seen:
            raise TableError(
                origin,
                line,
                f"phrase {phrase!r} ({category}) duplicates line {seen[key]} once folded",
            )
        seen[key] = line
        rows.append(
            Phrase(
                phrase=phrase,
                category=category,
                tags=_tags(row.get("tags", ""), origin, line),
                weight=weight,
                script=script,
                source=source or origin,
                origin=origin,
                line=line,
                folded=folded,
            )
        )
    return tuple(rows)


def load_phrases(path: str | os.PathLike[str]) -> tuple[Phrase, ...]:
    """Read a user's phrase file (the ``phrases.csv`` format).

    Args:
        path: the file to read (UTF-8, a BOM is accepted).

    Returns:
        The validated rows.

    Raises:
        TableError: the file is unreadable or invalid (with the line number).
        TypeError: ``path`` is not a path.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"phrases must be a path, not {type(path).__name__}")
    return parse_phrases(user_file_lines(path), origin=os.fspath(path))


def merge_phrases(builtin: Iterable[Phrase], user: Iterable[Phrase]) -> tuple[Phrase, ...]:
    """The built-in rows with the user's on top.

    A user row replaces the built-in row with the same folded phrase and category; other
    user rows are added.

    Args:
        builtin: the built-in rows.
        user: the user's rows.

    Returns:
        The merged rows, built-in order first.
    """
    merged: dict[tuple[str, str], Phrase] = {p.key: p for p in builtin}
    for p in user:
        merged[p.key] = p
    return tuple(merged.values())


@functools.cache
def builtin_phrases() -> tuple[Phrase, ...]:
    """The phrases shipped in ``data/phrases.csv``."""
    return parse_phrases(data_text("phrases.csv"), origin="phrases.csv", builtin=True)


def parse_combos(
    text: str, *, origin: str = "sms_rules.csv", reasons: Mapping[str, ReasonText] | None = None
) -> tuple[ComboRule, ...]:
    """Parse and validate the co-occurrence rules (``sms_rules.csv``).

    Columns: ``rule,when,category,weight,risk,tags,reason,source`` and optionally ``near``;
    ``when`` lists tags joined by ``+``, a ``!`` before a tag meaning it must be absent;
    ``near`` (a whole number ≥ 1, or blank) is how many sentences the phrase families of
    ``when`` may span at most.

    Args:
        text: the CSV text.
        origin: the file name for error messages.
        reasons: the known reason codes (the built-in ones by default).

    Returns:
        The rules, in file order.

    Raises:
        TableError: with the line number, for the first problem found.
    """
    reasons = builtin_reasons() if reasons is None else reasons
    cols = ("rule", "when", "category", "weight", "risk", "tags", "reason", "source")
    out: list[ComboRule] = []
    names: dict[str, int] = {}
    for line, row in read_table(text, origin, cols, known=(*cols, "near")):
        name = row["rule"]
        if not _TAG.fullmatch(name):
            raise TableError(origin, line, f"rule name {name!r} must be lower-case ASCII")
        if name in names:
            raise TableError(origin, line, f"rule {name!r} duplicates line {names[name]}")
        names[name] = line
        require: set[str] = set()
        absent: set[str] = set()
        for raw in row["when"].split("+"):
            tag = raw.strip()
            neg = tag.startswith("!")
            tag = tag.lstrip("!").strip()
            if not _TAG.fullmatch(tag):
                raise TableError(origin, line, f"bad tag {raw!r} in when")
            (absent if neg else require).add(tag)
        if not require:
            raise TableError(origin, line, "when needs at least one required tag")
        category = row["category"]
        if category not in _SCORED and category != "none":
            raise TableError(
                origin, line, f"category {category!r} is not one of: {', '.join(_SCORED)}, none"
            )
        if row["reason"] not in reasons:
            raise TableError(origin, line, f"unknown reason code {row['reason']!r}")
        if not row["source"]:
            raise TableError(origin, line, "every rule needs a source")
        near_cell = row.get("near", "")
        if near_cell and (not near_cell.isdigit() or not 1 <= int(near_cell) <= 1000):
            raise TableError(origin, line, f"near must be a whole number 1-1000, got {near_cell!r}")
        out.append(
            ComboRule(
                name=name,
                require=frozenset(require),
                absent=frozenset(absent),
                category=category,
                weight=_weight(row["weight"], origin, line, 0.0),
                risk=_risk(row["risk"], "risk", origin, line) if row["risk"] else None,
                tags=_tags(row["tags"], origin, line),
                reason=row["reason"],
                source=row["source"],
                line=line,
                near=int(near_cell) if near_cell else None,
            )
        )
    return tuple(out)


def parse_policy(
    text: str, *, origin: str = "sms_policy.csv"
) -> Mapping[SmsCategory, CategoryPolicy]:
    """Parse and validate the category policy (``sms_policy.csv``).

    Columns: ``category,priority,threshold,risk,source``; every category appears once, the
    scored ones with a positive threshold.

    Args:
        text: the CSV text.
        origin: the file name for error messages.

    Returns:
        The policy of each category.

    Raises:
        TableError: with the line number, for the first problem found.
    """
    cols = ("category", "priority", "threshold", "risk", "source")
    out: dict[SmsCategory, CategoryPolicy] = {}
    for line, row in read_table(text, origin, cols):
        try:
            cat = SmsCategory(row["category"])
        except ValueError:
            raise TableError(origin, line, f"unknown category {row['category']!r}") from None
        if cat in out:
            raise TableError(origin, line, f"category {cat.value} listed twice")
        if not row["priority"].isdigit():
            raise TableError(origin, line, "priority must be a whole number")
        threshold: float | None = None
        if cat.value in _SCORED:
            threshold = _weight(row["threshold"], origin, line, 0.0)
            if threshold <= 0:
                raise TableError(origin, line, "a scored category needs a positive threshold")
        elif row["threshold"]:
            raise TableError(origin, line, f"{cat.value} is not scored; leave threshold empty")
        out[cat] = CategoryPolicy(
            category=cat,
            priority=int(row["priority"]),
            threshold=threshold,
            risk=_risk(row["risk"], "risk", origin, line),
            source=row["source"],
        )
    missing = [c.value for c in SmsCategory if c not in out]
    if missing:
        raise TableError(origin, None, f"missing categories: {', '.join(missing)}")
    return out


@functools.cache
def builtin_combos() -> tuple[ComboRule, ...]:
    """The co-occurrence rules shipped in ``data/sms_rules.csv``."""
    return parse_combos(data_text("sms_rules.csv"))


@functools.cache
def builtin_policy() -> Mapping[SmsCategory, CategoryPolicy]:
    """The category policy shipped in ``data/sms_policy.csv``."""
    return parse_policy(data_text("sms_policy.csv"))

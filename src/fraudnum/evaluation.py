r"""Measure :meth:`Classifier.classify_sms` on your own labelled messages.

A phone app or a carrier knows its own traffic better than any built-in figure: this
module scores the classifier on a labelled file of theirs, per category, with a
confusion table, so a change of phrase table or version can be judged on real inputs.

The file is UTF-8, one message a line: ``label<TAB>text``. ``label`` is a category
(``fraud``, ``illegal``, ``harassment``, ``marketing``, ``warning``, ``normal``); a line
starting with ``#`` is a comment and blank lines are skipped. A line cannot hold a line
break, so the two characters ``\n`` in a text stand for one (turns of a conversation).
Command line: ``fraudnum eval FILE`` (``--json`` for machine-readable figures).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from fraudnum._tables import TableError, read_user_file
from fraudnum.classifier import Classifier, default_classifier
from fraudnum.types import SmsCategory

__all__ = ["CategoryFigures", "Evaluation", "evaluate", "read_labelled"]

#: Largest labelled file read (bytes): an 800 000-message corpus is about 60 MB.
MAX_EVAL_BYTES: Final = 1 << 30
_CATEGORIES: Final = tuple(c.value for c in SmsCategory)


@attrs.frozen
class CategoryFigures:
    """Precision and recall of one category.

    Attributes:
        category: the category.
        support: how many messages carry this label.
        predicted: how many messages the classifier put in it.
        correct: how many of those carry the label.
    """

    category: SmsCategory
    support: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float:
        """Share of the messages put in the category that carry its label (0 if none)."""
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Share of the messages labelled with the category that were put in it (0 if none)."""
        return self.correct / self.support if self.support else 0.0


@attrs.frozen
class Evaluation:
    """The figures of one evaluation.

    Attributes:
        rows: how many messages were scored.
        categories: figures per category, in :class:`~fraudnum.SmsCategory` order.
        confusion: ``confusion[label][verdict]``: how many messages with that label got
            that verdict (every category as both keys, zeros included).
    """

    rows: int
    categories: tuple[CategoryFigures, ...]
    confusion: Mapping[str, Mapping[str, int]]

    @property
    def accuracy(self) -> float:
        """Share of all messages given their own label (0 for an empty file)."""
        return sum(c.correct for c in self.categories) / self.rows if self.rows else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "rows": self.rows,
            "accuracy": self.accuracy,
            "categories": {
                c.category.value: {
                    "support": c.support,
                    "predicted": c.predicted,
                    "correct": c.correct,
                    "precision": c.precision,
                    "recall": c.recall,
                }
                for c in self.categories
            },
            "confusion": {k: dict(v) for k, v in self.confusion.items()},
        }

    def format(self) -> str:
        """The figures as a plain-text table (per category, then the confusion table)."""
        lines = [f"{self.rows} messages, accuracy {self.accuracy:.3f}", ""]
        lines.append(
            f"{'category':12} {'support':>8} {'predicted':>9} {'precision':>9} {'recall':>7}"
        )
        for c in self.categories:
            lines.append(
                f"{c.category.value:12} {c.support:8} {c.predicted:9}"
                f" {c.precision:9.3f} {c.recall:7.3f}"
            )
        lines += ["", "label \\ verdict " + " ".join(f"{k[:10]:>10}" for k in _CATEGORIES)]
        for label in _CATEGORIES:
            row = self.confusion[label]
            lines.append(f"{label:15} " + " ".join(f"{row[k]:10}" for k in _CATEGORIES))
        return "\n".join(lines)


def read_labelled(path: str | os.PathLike[str]) -> list[tuple[SmsCategory, str]]:
    r"""Read a labelled file (``label<TAB>text`` a line).

    Args:
        path: the file.

    Returns:
        ``(label, text)`` pairs in file order, ``\n`` in a text turned into a line break.

    Raises:
        TableError: the file is unreadable, too large or not UTF-8, or a line has no tab
            or an unknown label (with the line number).
        TypeError: ``path`` is not a path.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a path, not {type(path).__name__}")
    origin, text = read_user_file(path, max_bytes=MAX_EVAL_BYTES)
    out: list[tuple[SmsCategory, str]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, tab, message = line.partition("\t")
        if not tab:
            raise TableError(origin, n, "want label<TAB>text")
        try:
            category = SmsCategory(label.strip().lower())
        except ValueError:
            raise TableError(
                origin, n, f"unknown label {label!r}; use one of: {', '.join(_CATEGORIES)}"
            ) from None
        out.append((category, message.replace("\\n", "\n")))
    return out


def evaluate(
    data: str | os.PathLike[str] | Iterable[tuple[SmsCategory, str]],
    classifier: Classifier | None = None,
) -> Evaluation:
    """Score the SMS classifier on labelled messages.

    Args:
        data: a labelled file (see :func:`read_labelled`) or ``(label, text)`` pairs.
        classifier: the classifier to score (the default one if None).

    Returns:
        Precision, recall and the confusion table per category.

    Raises:
        TableError: the file is invalid (with the line number).
        TypeError: ``data`` is neither a path nor pairs of a category and a text.
    """
    pairs: Sequence[tuple[SmsCategory, str]]
    if isinstance(data, (str, os.PathLike)):
        pairs = read_labelled(data)
    else:
        pairs = list(data)
        for item in pairs:
            if not (
                isinstance(item, tuple)
                and len(item) == 2
                and isinstance(item[0], SmsCategory)
                and isinstance(item[1], str)
            ):
                raise TypeError(f"want (SmsCategory, str) pairs, got {item!r}")
    clf = default_classifier() if classifier is None else classifier
    confusion = {label: dict.fromkeys(_CATEGORIES, 0) for label in _CATEGORIES}
    for label, text in pairs:
        confusion[label.value][clf.classify_sms(text).category.value] += 1
    figures = tuple(
        CategoryFigures(
            category=SmsCategory(cat),
            support=sum(confusion[cat].values()),
            predicted=sum(confusion[label][cat] for label in _CATEGORIES),
            correct=confusion[cat][cat],
        )
        for cat in _CATEGORIES
    )
    return Evaluation(rows=len(pairs), categories=figures, confusion=confusion)

"""Typical code of a program that embeds fraudnum, checked with ``mypy --strict``.

``tests/test_typing.py`` type-checks this file against the *installed* package (its
``py.typed`` and the ``.pyi`` stubs of the compiled modules) and compares every
``reveal_type`` with the ``# revealed:`` comment on its line, then runs the file, so the
annotations, the stubs and the runtime cannot drift apart. The ``reveal_type`` calls sit
under ``TYPE_CHECKING``: only the checker sees them. Expectations are written the way current
mypy prints types; older versions' ``builtins.`` qualifiers are ignored by the comparison.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import fraudnum
from fraudnum import Classifier, Risk, SmsCategory, Verdict
from fraudnum._automaton import KeywordAutomaton
from fraudnum._trie import DigitTrie
from fraudnum.folding import load_fold_table

if TYPE_CHECKING:
    from typing_extensions import reveal_type  # the checker's own; never imported at run time


def should_block(number: str, clf: Classifier) -> bool:
    """A phone app's decision: block high-risk callers, never the warning lines."""
    verdict = clf.classify(number)
    return verdict.blockable and verdict.risk >= Risk.HIGH


def explain(verdict: Verdict, lang: str = "zh") -> list[str]:
    """The reasons as text for the user."""
    return [r.zh if lang == "zh" else r.en for r in verdict.reasons]


def high_risk(numbers: Iterable[str]) -> list[str]:
    """A carrier pipeline's filter over a batch."""
    clf = fraudnum.default_classifier()
    batch = clf.classify_batch(list(numbers))
    return [n for n, r in zip(batch.numbers, batch.risks, strict=True) if r is Risk.HIGH]


def main() -> None:
    """Use the public API the way an embedding program does."""
    v = fraudnum.classify("+86 400-810-8888")
    clf = Classifier(block=["1709"], allow=["4008108888"])
    s = fraudnum.classify_sms("【工商银行】您的账户存在异常，请点击 http://icbc-vip.cc 验证")
    report = fraudnum.report(v, when=datetime(2024, 11, 20, 14, 3), reporter="13912345678")
    trie = DigitTrie([("400", 10, 10, 1), ("95", 5, 6, 2)])
    automaton = KeywordAutomaton(["中奖", "保释金"], [0, 1], load_fold_table())
    if TYPE_CHECKING:
        reveal_type(fraudnum.__version__)  # revealed: str
        reveal_type(fraudnum.data_version())  # revealed: str
        reveal_type(v)  # revealed: fraudnum.types.Verdict
        reveal_type(v.kind)  # revealed: fraudnum.types.NumberKind
        reveal_type(v.risk)  # revealed: fraudnum.types.Risk
        reveal_type(v.codes)  # revealed: tuple[str, ...]
        reveal_type(v.number.digits)  # revealed: str
        reveal_type(v.number.e164)  # revealed: str | None
        reveal_type(v.organisation)  # revealed: fraudnum.types.Organisation | None
        reveal_type(v.advice)  # revealed: tuple[fraudnum.types.Advice, ...]
        reveal_type(v.to_dict())  # revealed: dict[str, Any]
        reveal_type(clf.classify_many(["95588"]))  # revealed: list[fraudnum.types.Verdict]
        reveal_type(s)  # revealed: fraudnum.types.SmsVerdict
        reveal_type(s.category)  # revealed: fraudnum.types.SmsCategory
        reveal_type(report.sms)  # revealed: tuple[tuple[str, str], ...]
        reveal_type(trie.lookup("4008108888"))  # revealed: int
        reveal_type(trie.lookup_batch(["95588"]))  # revealed: list[int]
        reveal_type(trie.entries())  # revealed: list[tuple[str, int, int, int]]
        reveal_type(trie.node_count)  # revealed: int
        reveal_type(automaton.find_all("恭喜中奖"))  # revealed: list[tuple[int, int, int]]
        reveal_type(automaton.patterns)  # revealed: tuple[str, ...]
    assert should_block("+86 400-810-8888", clf) is False  # allowed by the user
    assert should_block("17091234567", clf) is True
    assert should_block("96110", Classifier(block=["96110"])) is False
    assert explain(v, "en")[0].startswith("Enterprise 400")
    assert high_risk(["4008108888", "13912345678"]) == ["4008108888"]
    assert s.category is SmsCategory.FRAUD
    assert report.sms[0][0] == "12321"
    assert trie.lookup("4008108888") == 1
    assert trie.lookup("9558812") == -1
    assert [m[2] for m in automaton.find_all("恭喜 中 獎")] == [0]


if __name__ == "__main__":
    main()

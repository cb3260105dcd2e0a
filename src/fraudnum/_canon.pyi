"""Type stubs for the compiled caller-ID canonicaliser (see ``_canon.pyx``)."""

from collections.abc import Sequence
from typing import Any, Final

from fraudnum._trie import DigitTrie

CLASS_MOBILE: Final[int]
CLASS_FIXED: Final[int]
CLASS_SERVICE: Final[int]
CLASS_WEAK: Final[int]
CLASS_INTERNATIONAL: Final[int]
CLASS_IOT: Final[int]
FLAG_NAMES: Final[tuple[tuple[int, str], ...]]
FLAG_INTERNATIONAL: Final[int]
ROW_PARSE: Final[int]
ROW_INTERNATIONAL: Final[int]
ROW_MALFORMED: Final[int]
MAX_INPUT_LEN: Final[int]
NO_STORE_KEY: Final[int]

class BatchRules:
    """The decision tables of one context for :meth:`Canonicaliser.classify_columns`."""

    def __init__(
        self,
        builtin: tuple[bytes, bytes, bytes, bytes],
        user: tuple[bytes, bytes],
        calling_codes: bytes,
        urgent: tuple[bytes, ...],
        markers: tuple[bytes, ...],
        codes: tuple[int, int, int, int],
        incoming: bool,
        expect_intl: bool,
    ) -> None: ...

class Canonicaliser:
    """Resolves common caller-ID forms to canonical digits and a rule, in C."""

    def __init__(self, trie: DigitTrie, classes: bytes, dial_prefixes: Sequence[str]) -> None: ...
    def parse(self, raw: str) -> tuple[str, int, str, int, str] | None:
        """Canonicalise one caller ID: ``(key, rule, area_code, flags, extension)`` or None."""
    def classify_rows(self, raws: Sequence[str], user: DigitTrie | None = None) -> list[int]:
        """Per caller ID ``rule << 32 | (user_rule + 1)``, or -1, -2, -3 (see the .pyx)."""
    def classify_columns(
        self,
        rules: BatchRules,
        user: DigitTrie | None,
        start: int,
        rule: Any,
        user_rule: Any,
        flags: Any,
        calling_code: Any,
        kind: Any,
        risk: Any,
        tier: Any,
        items: tuple[str, ...] | None = None,
        offsets64: Any = None,
        offsets32: Any = None,
        data: Any = None,
        store_key: Any = None,
    ) -> None:
        """Decide rows into integer columns from ``start`` on (kind 255: Python decides).

        With ``store_key`` (uint64), each row's tag-store key too (``NO_STORE_KEY``: none).
        """
    def __reduce__(
        self,
    ) -> tuple[type[Canonicaliser], tuple[DigitTrie, bytes, tuple[str, ...]]]: ...

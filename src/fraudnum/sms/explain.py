"""Reason templates for SMS verdicts: zh/en texts filled fast, with spans.

An SMS verdict carries one :class:`~fraudnum.Reason` per contributing signal;
building them is most of a verdict's cost, so each template is split at its
``{fields}`` once and its filled texts are cached (bounded) per parameter values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from fraudnum._cache import remember
from fraudnum.texts import ReasonText
from fraudnum.types import Reason

__all__ = ["Template", "fill_parts"]

_TEXT_CACHE_SIZE: Final = 4096


class Template:
    """A reason text with ``{name}`` fields, filled by plain replacement (fast, never fails).

    Filled texts are cached per parameter values (bounded), so a verdict built again for
    the same host or the same words only pays for the :class:`Reason` itself.
    """

    __slots__ = ("_texts", "code", "en", "fixed", "zh")

    def __init__(self, text: ReasonText) -> None:
        self.code = text.code
        # Split at the fields once: even parts are literal text, odd parts field names.
        self.zh = tuple(re.split(r"\{(\w+)\}", text.zh))
        self.en = tuple(re.split(r"\{(\w+)\}", text.en))
        self.fixed = (
            Reason(self.code, text.zh, text.en) if len(self.zh) == len(self.en) == 1 else None
        )
        self._texts: dict[tuple[str, ...], tuple[str, str]] = {}

    def build(self, spans: tuple[tuple[int, int], ...] = (), **params: str) -> Reason:
        """The reason with its fields filled from ``params`` and the given spans."""
        if self.fixed is not None:
            if not spans:
                return self.fixed
            return Reason(self.code, self.fixed.zh, self.fixed.en, spans)
        key = tuple(params.values())
        texts = self._texts.get(key)
        if texts is None:
            texts = (fill_parts(self.zh, params), fill_parts(self.en, params))
            remember(self._texts, key, texts, _TEXT_CACHE_SIZE)
        return Reason(self.code, texts[0], texts[1], spans)

    def build_one(self, spans: tuple[tuple[int, int], ...], name: str, value: str) -> Reason:
        """:meth:`build` with one field (``build_one(spans, "phrases", w)``), for hot paths."""
        if self.fixed is not None:
            return self.build(spans)
        key = (value,)
        texts = self._texts.get(key)
        if texts is None:
            params = {name: value}
            texts = (fill_parts(self.zh, params), fill_parts(self.en, params))
            remember(self._texts, key, texts, _TEXT_CACHE_SIZE)
        return Reason(self.code, texts[0], texts[1], spans)


def fill_parts(parts: tuple[str, ...], params: Mapping[str, str]) -> str:
    """Join a split template, its odd parts (field names) replaced from ``params``."""
    if len(parts) == 1:
        return parts[0]
    out = list(parts)
    for i in range(1, len(out), 2):
        out[i] = params.get(out[i], "")
    return "".join(out)

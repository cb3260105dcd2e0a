"""Registers fraudnum's types with :func:`hypothesis.strategies.from_type`.

Hypothesis runs :func:`_hypothesis_setup_hook` when it is imported, through the
``hypothesis`` entry point in ``pyproject.toml`` (Hypothesis's documented way for libraries
to register strategies). Nothing here runs, and nothing imports Hypothesis, unless the test
suite already uses it.

The registered strategies are deferred: they import :mod:`fraudnum.strategies` (its
``_numbers`` and ``_sms`` halves) only when a test first draws from them, so the hook
stays cheap and never meets a half-imported module.
"""

from __future__ import annotations

__all__ = ["_hypothesis_setup_hook"]


def _hypothesis_setup_hook() -> None:
    """Register strategies for fraudnum's result types and enums.

    ``st.from_type(fraudnum.Verdict)`` then draws real verdicts (see
    :func:`fraudnum.strategies.verdicts`), never objects built field by field.

    Example:
        >>> from hypothesis import strategies as st
        >>> import fraudnum
        >>> st.from_type(fraudnum.Verdict).example().reasons  # doctest: +SKIP
        (Reason(code='mobile_number', ...),)
    """
    from hypothesis import strategies as st

    from fraudnum import types

    def deferred(module: str, name: str) -> st.SearchStrategy[object]:
        def build() -> st.SearchStrategy[object]:
            from fraudnum.strategies import _numbers, _sms

            half = _numbers if module == "_numbers" else _sms
            made: st.SearchStrategy[object] = getattr(half, name)()
            return made

        return st.deferred(build)

    st.register_type_strategy(types.Verdict, deferred("_numbers", "verdicts"))
    st.register_type_strategy(types.NumberInfo, deferred("_numbers", "number_infos"))
    st.register_type_strategy(types.SmsVerdict, deferred("_sms", "sms_verdicts"))
    st.register_type_strategy(types.Reason, deferred("_sms", "_reasons"))
    st.register_type_strategy(types.Organisation, deferred("_numbers", "_organisations"))
    st.register_type_strategy(types.UrlFinding, deferred("_sms", "_url_findings"))
    st.register_type_strategy(types.NumberKind, deferred("_numbers", "_all_kinds"))
    for enum in (types.Risk, types.Channel, types.Direction, types.Tier, types.SmsCategory):
        st.register_type_strategy(enum, st.sampled_from(list(enum)))

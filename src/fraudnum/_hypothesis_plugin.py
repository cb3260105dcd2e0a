"""Registers fraudnum's types with :func:`hypothesis.strategies.from_type`.

Hypothesis runs :func:`_hypothesis_setup_hook` when it is imported, through the
``hypothesis`` entry point in ``pyproject.toml`` (Hypothesis's documented way for libraries
to register strategies). Nothing here runs, and nothing imports Hypothesis, unless the test
suite already uses it.

The registered strategies are deferred: they import :mod:`fraudnum.strategies` only when
a test first draws from them, so the hook stays cheap and never meets a half-imported module.
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

    from fraudnum import types as model

    def deferred(name: str) -> st.SearchStrategy[object]:
        def build() -> st.SearchStrategy[object]:
            from fraudnum import strategies

            made: st.SearchStrategy[object] = getattr(strategies, name)()
            return made

        return st.deferred(build)

    st.register_type_strategy(model.Verdict, deferred("verdicts"))
    st.register_type_strategy(model.NumberInfo, deferred("number_infos"))
    st.register_type_strategy(model.SmsVerdict, deferred("sms_verdicts"))
    st.register_type_strategy(model.Reason, deferred("_reasons"))
    st.register_type_strategy(model.Organisation, deferred("_organisations"))
    st.register_type_strategy(model.UrlFinding, deferred("_url_findings"))
    st.register_type_strategy(model.NumberKind, deferred("_all_kinds"))
    for enum in (model.Risk, model.Channel, model.Direction, model.Tier, model.SmsCategory):
        st.register_type_strategy(enum, st.sampled_from(list(enum)))

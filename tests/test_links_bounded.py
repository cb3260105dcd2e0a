"""Link work stays linear and verdicts stay small, with the same answers as before.

The look-alike test uses an index of the long brand tokens instead of one startswith/endswith
per token, and parsed runs are cached per rule set: both must give exactly what the plain
definitions give. A verdict reports a bounded number of links, yet every kind of link found
still decides and is explained.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import fraudnum
from fraudnum._tables import data_text
from fraudnum.sms import links
from fraudnum.sms.links import MAX_LINKS, UrlRules, builtin_url_rules, extract_urls

RULES = builtin_url_rules()
TOKENS = sorted(RULES.tokens)


def _lookalike_reference(labels: list[str], rules: UrlRules) -> str | None:
    """The look-alike test as first written: every token tried in list order."""
    for label in labels:
        for part in links._PARTS.findall(label):
            brand = rules.tokens.get(part)
            if brand is not None and (len(part) >= 4 or part != label):
                return brand
            for token, brand in rules.tokens.items():
                if len(token) >= 4 and (part.startswith(token) or part.endswith(token)):
                    return brand
    return None


_piece = st.one_of(
    st.sampled_from(TOKENS),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6),
)
_label = st.lists(_piece, min_size=1, max_size=4).map("".join) | st.lists(
    _piece, min_size=2, max_size=3
).map("-".join)


@given(st.lists(_label, min_size=1, max_size=3))
def test_lookalike_index_gives_what_trying_every_token_gives(labels: list[str]) -> None:
    assert links._lookalike(labels, RULES) == _lookalike_reference(labels, RULES)


def test_a_token_listed_first_wins_when_several_fit() -> None:
    # Both long tokens fit the part; the one listed first in the table names the brand.
    rules = links.parse_url_rules(
        "kind,value,brand,source\n"
        "brand_token,bankx,first,test\n"
        "brand_token,xbank,second,test\n"
        "tld,cc,,test\n"
    )
    assert links._lookalike(["xbankx"], rules) == _lookalike_reference(["xbankx"], rules)
    assert links._lookalike(["xbankx"], rules) == "first"


def test_a_repeated_link_is_found_at_every_place_with_the_cache() -> None:
    text = "点击 icbc-vip.cc 或 a.cn，再点 icbc-vip.cc" * 3
    fresh = links.parse_url_rules(data_text("url_rules.csv"))
    first = extract_urls(text, fresh)
    again = extract_urls(text, fresh)  # every run now comes from the cache
    assert first == again
    assert [text[u.start : u.end] for u in first] == [u.text for u in first]
    assert [u.start for u in first] == sorted({u.start for u in first})
    assert len(first) == 9


def test_a_text_of_many_links_reports_a_bounded_number_of_them() -> None:
    v = fraudnum.Classifier().classify_sms("a.cn " * 2000)
    assert len(v.urls) == MAX_LINKS
    assert sum(r.code == "sms_link" for r in v.reasons) == MAX_LINKS
    assert all(len(r.spans) <= 16 for r in v.reasons)


def test_a_late_link_of_another_kind_still_decides_and_is_reported() -> None:
    clf = fraudnum.Classifier()
    text = "a.cn " * 40 + "请登录 http://icbc-vip.cc 验证"
    v = clf.classify_sms(text)
    assert len(v.urls) == MAX_LINKS + 1
    assert v.urls[-1].host == "icbc-vip.cc"
    assert "link_lookalike" in v.tags
    assert any(r.code == "url_lookalike" for r in v.reasons)
    # the same kinds of link in a list under the bound decide the same way
    short = clf.classify_sms("a.cn " * 10 + "请登录 http://icbc-vip.cc 验证")
    assert len(short.urls) == 11
    assert (short.category, short.risk, short.tags) == (v.category, v.risk, v.tags)

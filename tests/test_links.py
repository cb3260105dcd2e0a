"""Link extraction and scoring: disguises seen through, suspicious features flagged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fraudnum import TableError
from fraudnum.sms.links import builtin_url_rules, extract_urls, parse_url_rules


@pytest.mark.parametrize(
    ("text", "host", "flags"),
    [
        ("请点击 http://icbc-vip.cc 验证", "icbc-vip.cc", ("lookalike", "unusual_tld")),
        ("登录 icbc95588.com 领取", "icbc95588.com", ("lookalike",)),
        ("访问ｗｗｗ．ｃｃｂ－ｖｉｐ．ｃｏｍ", "www.ccb-vip.com", ("lookalike",)),
        ("网址 icbc-vip。cc 速登", "icbc-vip.cc", ("lookalike", "unusual_tld")),
        ("http://192.168.10.1:8080/login", "192.168.10.1", ("ip_host", "odd_port")),
        ("详见 t.cn/A6abcd", "t.cn", ("shortener",)),
        ("打开 http://xn--fiq228c.com", "xn--fiq228c.com", ("punycode",)),
        ("http://www.icbc.com.cn@evil.top/x", "evil.top", ("userinfo", "unusual_tld")),
        ("政务 www.gov-cn.top 查询", "www.gov-cn.top", ("lookalike", "unusual_tld")),
        ("官网 www.example.com 了解", "www.example.com", ()),
    ],
)
def test_flags(text: str, host: str, flags: tuple[str, ...]):
    """Each suspicious feature is flagged; an ordinary link is not."""
    (u,) = extract_urls(text)
    assert u.host == host
    assert u.flags == flags
    assert text[u.start : u.end] == u.text


@pytest.mark.parametrize(
    "text", ["www.icbc.com.cn", "https://m.icbc.com.cn/x", "http://www.gov.cn", "12321.cn"]
)
def test_official_domains_are_recognised(text: str):
    """Official domains (and their subdomains) are official, never look-alikes."""
    (u,) = extract_urls(text)
    assert u.official
    assert not u.flags


@pytest.mark.parametrize(
    "text", ["x.xx元", "2015.10.1", "Hello.world", "约3.5折", "版本v1.2", "回T退订", "abc"]
)
def test_non_links_are_ignored(text: str):
    """Prices, dates, versions and words with a dot are not links."""
    assert extract_urls(text) == ()


def test_short_brand_tokens_need_digits_or_hyphens():
    """abc.com is not flagged as the Agricultural Bank, abc-95599.com is."""
    assert extract_urls("www.abc.com")[0].flags == ()
    assert "lookalike" in extract_urls("abc-95599.com")[0].flags


def test_type_error():
    """Only str is accepted."""
    with pytest.raises(TypeError):
        extract_urls(b"http://x.cn")  # type: ignore[arg-type]


@given(st.text(max_size=200))
def test_spans_always_point_into_the_text(text: str):
    """Whatever the text, a link's span is a slice of it."""
    for u in extract_urls(text):
        assert 0 <= u.start < u.end <= len(text)
        assert text[u.start : u.end] == u.text


def test_rules_table_validates_with_line_numbers():
    """A bad url_rules row is reported with its line."""
    with pytest.raises(TableError, match="line 3"):
        parse_url_rules("kind,value,brand,source\ntld,com,,x\nofficial_domain,bank,,x\n")
    assert "icbc.com.cn" in builtin_url_rules().official

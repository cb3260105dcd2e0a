"""Links in SMS text: find them (whatever their disguise) and say what is suspicious.

Nothing is ever fetched or resolved: every judgement comes from the text of the link and
the lists in ``data/url_rules.csv`` (official domains, brand tokens, shorteners, unusual
and known TLDs, each row with a source).

Links are found in one linear pass: a regular expression picks maximal runs of URL-like
characters that start with a letter or digit (full-width forms and the ideographic full
stop ``。`` included, since spammers write ``icbc-vip。cc``), then each run is folded to
ASCII *one character for one character* (so offsets stay those of the original text) and
parsed by hand.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Mapping

import attrs

from fraudnum._cache import remember
from fraudnum._core import dotted
from fraudnum._tables import TableError, data_text, read_table
from fraudnum.types import UrlFinding

__all__ = ["MAX_LINKS", "UrlRules", "builtin_url_rules", "extract_urls", "parse_url_rules"]

#: At most this many links a verdict reports one by one (plus the first link of every other
#: kind), so a text of a million links gives a small verdict; every link is still scanned.
MAX_LINKS = 16
# Parsed runs kept per rule set: the same link repeated is parsed once.
_PARSE_CACHE_SIZE = 4096

_KINDS = ("official_domain", "brand_token", "shortener", "unusual_tld", "tld")
# Longest run examined; links in SMS are short, and the cap keeps the work linear.
_MAX_RUN = 512

_ALNUM = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
# Runs of 4 characters or more only (a shorter one is never a link): the digits of an
# amount or a date before a dot would otherwise each be a match for Python to skip.
_RUN = re.compile(
    f"[{_ALNUM}][{_ALNUM}\\-._~:/?#@$&*+=%\\uff0d\\uff0e\\uff1a\\uff0f\\uff1f\\uff03"
    "\\uff20\\uff06\\uff0a\\uff0b\\uff1d\\uff05\\u3002\\uff61]{3,}"
)
# Full-width ASCII and the ideographic full stops, one character to one character.
_TO_ASCII = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_TO_ASCII[0x3002] = ord(".")
_TO_ASCII[0xFF61] = ord(".")
# A host has a letter or digit on both sides of a dot (full-width and ideographic dots
# included): its labels start and end with one (_LABEL), and folding keeps them in place.
# A sentence that ends after a number (卡号6225…。请) has none after its full stop. One scan
# in C says whether a text has such a dot (fraudnum._core.dotted).
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_PARTS = re.compile(r"[a-z]+|[0-9]+")
_TRAIL = ".-_~:?#@$&*+=%/"


# What parsing a run gives, offsets aside: how much of the run is the link, the host, the
# flags, whether it is official and the brand.
_Parsed = tuple[int, str, tuple[str, ...], bool, str | None]


@attrs.frozen
class UrlRules:
    """The link lists, validated.

    Attributes:
        official: official domain -> brand.
        tokens: brand token -> brand.
        shorteners: shortener hosts.
        unusual_tlds: TLDs that count as suspicious.
        tlds: every TLD a bare host (no scheme, no ``www.``) may end in.
    """

    official: Mapping[str, str]
    tokens: Mapping[str, str]
    shorteners: frozenset[str]
    unusual_tlds: frozenset[str]
    tlds: frozenset[str]
    # Derived, not part of the value: the tokens of four characters or more by text, with
    # their order in ``tokens`` (the first listed wins) and their lengths, so a label part is
    # tested with a few slices instead of one startswith/endswith per token; and the parsed
    # runs (a bounded cache, see _parse).
    _long: Mapping[str, tuple[int, str]] = attrs.field(init=False, repr=False, eq=False)
    _long_lengths: tuple[int, ...] = attrs.field(init=False, repr=False, eq=False)
    _parsed: dict[str, _Parsed | None] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        long = {t: (i, b) for i, (t, b) in enumerate(self.tokens.items()) if len(t) >= 4}
        object.__setattr__(self, "_long", long)
        object.__setattr__(self, "_long_lengths", tuple(sorted({len(t) for t in long})))
        object.__setattr__(self, "_parsed", {})


def parse_url_rules(text: str, *, origin: str = "url_rules.csv") -> UrlRules:
    """Parse and validate ``url_rules.csv`` (columns ``kind,value,brand,source``).

    Args:
        text: the CSV text.
        origin: the file name for error messages.

    Returns:
        The lists.

    Raises:
        TableError: with the line number, for the first problem found.
    """
    official: dict[str, str] = {}
    tokens: dict[str, str] = {}
    lists: dict[str, set[str]] = {"shortener": set(), "unusual_tld": set(), "tld": set()}
    for line, row in read_table(text, origin, ("kind", "value", "brand", "source")):
        kind, value, brand = row["kind"], row["value"].lower(), row["brand"]
        if kind not in _KINDS:
            raise TableError(origin, line, f"kind {kind!r} is not one of: {', '.join(_KINDS)}")
        if not row["source"]:
            raise TableError(origin, line, "every row needs a source")
        labels = value.split(".")
        if not value.isascii() or not all(_LABEL.fullmatch(lb) for lb in labels):
            raise TableError(origin, line, f"value {value!r} is not a lower-case host or label")
        if kind in ("official_domain", "brand_token") and not brand:
            raise TableError(origin, line, f"a {kind} row needs a brand")
        if kind == "official_domain":
            if len(labels) < 2:
                raise TableError(origin, line, "an official domain has at least two labels")
            official[value] = brand
        elif kind == "brand_token":
            if len(labels) != 1:
                raise TableError(origin, line, "a brand token is one label")
            tokens[value] = brand
        else:
            if kind != "shortener" and len(labels) != 1:
                raise TableError(origin, line, "a TLD is one label")
            lists[kind].add(value)
    return UrlRules(
        official=official,
        tokens=tokens,
        shorteners=frozenset(lists["shortener"]),
        unusual_tlds=frozenset(lists["unusual_tld"]),
        tlds=frozenset(lists["tld"] | lists["unusual_tld"]),
    )


@functools.cache
def builtin_url_rules() -> UrlRules:
    """The link lists shipped in ``data/url_rules.csv``."""
    return parse_url_rules(data_text("url_rules.csv"))


def _official(host: str, rules: UrlRules) -> str | None:
    """The brand whose official domain ``host`` is or is under, if any."""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        brand = rules.official.get(".".join(labels[i:]))
        if brand is not None:
            return brand
    return None


def _lookalike(labels: list[str], rules: UrlRules) -> str | None:
    """The brand a host imitates, if any.

    A token counts as a letter or digit part of a label, or (tokens of four characters or
    more) at either end of a label, like ``icbc-vip`` or ``icbcvip``.
    """
    long, lengths = rules._long, rules._long_lengths
    for label in labels:
        for part in _PARTS.findall(label):
            brand = rules.tokens.get(part)
            # A short token (abc, ccb, boc) only counts beside digits or hyphens (abc-95599).
            if brand is not None and (len(part) >= 4 or part != label):
                return brand
            # The first long token (in list order) the part starts or ends with.
            best: tuple[int, str] | None = None
            n = len(part)
            for k in lengths:
                if k > n:
                    break
                for hit in (long.get(part[:k]), long.get(part[n - k :])):
                    if hit is not None and (best is None or hit[0] < best[0]):
                        best = hit
            if best is not None:
                return best[1]
    return None


def _parse(run: str, start: int, text: str, rules: UrlRules) -> UrlFinding | None:
    """Parse one run of URL-like characters (``run`` already folded to ASCII)."""
    cache = rules._parsed
    if run in cache:
        parsed = cache[run]
    else:
        parsed = remember(cache, run, _parse_run(run, rules), _PARSE_CACHE_SIZE)
    if parsed is None:
        return None
    end_in_run, host, flags, official, brand = parsed
    end = start + end_in_run
    return UrlFinding(
        text=text[start:end],
        start=start,
        end=end,
        host=host,
        flags=flags,
        official=official,
        brand=brand,
    )


def _parse_run(run: str, rules: UrlRules) -> _Parsed | None:
    """What a run is as a link, wherever it stands (None: not a link)."""
    low = run.lower()
    scheme = False
    rest = low
    if low.startswith(("http://", "https://")):
        scheme = True
        rest = low.split("://", 1)[1]
    cut = len(rest)
    for sep in "/?#":
        i = rest.find(sep)
        if 0 <= i < cut:
            cut = i
    authority = rest[:cut]
    flags: list[str] = []
    if "@" in authority:
        authority = authority.rsplit("@", 1)[1]
        flags.append("userinfo")
    host, _, port = authority.partition(":")
    host = host.strip(".")
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(lb) for lb in labels):
        return None
    is_ip = len(labels) == 4 and all(lb.isdigit() for lb in labels)
    if is_ip:
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return None
        flags.append("ip_host")
    else:
        tld = labels[-1]
        if tld.isdigit():
            return None
        if not (scheme or labels[0] == "www" or tld in rules.tlds):
            return None
        if any(lb.startswith("xn--") for lb in labels):
            flags.append("punycode")
    if port:
        if not port.isdigit():
            if scheme:
                port = ""
            else:
                return None
        elif port not in ("80", "443"):
            flags.append("odd_port")
    # How much of the run is the link: the whole run unless a bare host ends in junk.
    end_in_run = len(run)
    while end_in_run > 0 and run[end_in_run - 1] in _TRAIL:
        end_in_run -= 1
    brand = None
    official = False
    if not is_ip:
        brand = _official(host, rules)
        official = brand is not None
        if not official:
            imitated = _lookalike(labels[:-1], rules)
            if imitated is not None:
                brand = imitated
                flags.append("lookalike")
            if host in rules.shorteners or ".".join(labels[-2:]) in rules.shorteners:
                flags.append("shortener")
            if labels[-1] in rules.unusual_tlds:
                flags.append("unusual_tld")
    return (end_in_run, host, tuple(flags), official, brand)


def extract_urls(text: str, rules: UrlRules | None = None) -> tuple[UrlFinding, ...]:
    """Find the links in ``text`` and flag what is suspicious about each.

    Recognises ``http(s)://`` links, ``www.`` hosts, bare hosts with a known TLD
    (``icbc-vip.cc``) and IPv4 hosts, written in full-width characters or with ``。`` as
    the dot. Spans are offsets into ``text`` itself.

    Args:
        text: the message.
        rules: the link lists (the built-in ones by default).

    Returns:
        The links, in order.

    Raises:
        TypeError: ``text`` is not a ``str``.

    Example:
        >>> u = extract_urls("请点击 http://icbc-vip.cc 验证")[0]
        >>> u.host, u.flags, u.brand
        ('icbc-vip.cc', ('lookalike', 'unusual_tld'), 'icbc')
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if not dotted(text):
        return ()  # no dot between letters or digits: no link (the common case, one C scan)
    rules = builtin_url_rules() if rules is None else rules
    found: list[UrlFinding] = []
    for m in _RUN.finditer(text):
        raw = m.group()
        if len(raw) > _MAX_RUN:
            raw = raw[:_MAX_RUN]
        run = raw if raw.isascii() else raw.translate(_TO_ASCII)
        if "." not in run:
            continue
        finding = _parse(run, m.start(), text, rules)
        if finding is not None:
            found.append(finding)
    return tuple(found)

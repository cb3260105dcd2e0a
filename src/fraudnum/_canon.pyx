# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Canonicalising caller IDs in C, over the numbering plan's digit trie.

A separate concern from the trie (``_trie.pyx``): this module reads caller IDs
as logs write them and walks the trie's flat arrays directly, through the
declarations in ``_trie.pxd``. Its constants (rule-class bits, result flags,
batch row codes) are exported below, so the Python side reads them from here
instead of retyping them. The Python parser (:mod:`fraudnum.numbers.parse`) is
its reference twin: it handles every input, and a property test holds the two
to the same answers.
"""

from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.unicode cimport PyUnicode_GET_LENGTH, PyUnicode_READ, PyUnicode_KIND, PyUnicode_DATA
from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memcmp, memset

from cpython.object cimport PyObject
from cpython.type cimport PyType_GenericAlloc
from cpython.dict cimport PyDict_GetItem

from fraudnum._trie cimport DigitTrie, MAX_KEY_LEN, _walk

# The storage of a str that is known to be one (and kept alive by its tuple):
# plain field reads, callable without the GIL.
cdef extern from "Python.h":
    PyObject* _tuple_item "PyTuple_GET_ITEM" (PyObject* p, Py_ssize_t i) nogil
    const void* _str_data "PyUnicode_DATA" (PyObject* o) nogil
    int _str_kind "PyUnicode_KIND" (PyObject* o) nogil
    Py_ssize_t _str_length "PyUnicode_GET_LENGTH" (PyObject* o) nogil

# -- canonicalising caller IDs in C --------------------------------------------
#
# The common caller-ID forms (ASCII digits with separators, +86/0086, area code
# + service number, IP-dial prefixes) are resolved here without the GIL. It
# mirrors fraudnum.numbers.parse step for step; anything it does not handle (letters,
# full-width digits, tel: URIs, extensions, international numbers, malformed
# input) is left to the Python parser, which also explains it. A property test
# holds the two to the same answers.

# Rule classes: what the canonicaliser must know of a rule's kind.
cdef enum:
    C_MOBILE = 1           # mobile and MVNO ranges
    C_FIXED = 2            # landlines
    C_SERVICE = 4          # may follow an area code (025-96110)
    C_WEAK = 8             # after +86, read as a landline when one fits
    C_INTERNATIONAL = 16
    C_IOT = 32

# Flags reported with a result; bits 8-15 hold the dial prefix index + 1.
cdef enum:
    F_PLUS = 1
    F_00 = 2
    F_CC86 = 4
    F_TRUNK_ZERO_MOBILE = 8
    F_REDUNDANT_TRUNK = 16
    F_NORMALISED = 32      # full-width or invisible characters were folded
    F_INTERNATIONAL = 64   # key is "00" + an international number
    F_TEL = 128            # written as a tel: URI

# Batch row codes of classify_rows that are not rule matches.
cdef enum:
    R_PARSE = -1           # the Python parser must decide
    R_INTERNATIONAL = -2   # an international number: its calling code is checked in Python
    R_MALFORMED = -3       # every character read, the digits are no number

cdef enum:
    MAX_DIAL = 16
    MAX_DIAL_LEN = 8
    MAX_RAW = 128          # longer input is the Python parser's (malformed) business

cdef struct Parsed:
    Py_ssize_t key_off
    Py_ssize_t key_len
    Py_ssize_t area_off
    Py_ssize_t area_len
    Py_ssize_t ext_off     # into the folded text, not the digit buffer
    Py_ssize_t ext_len
    int32_t rule
    int flags
    bint clean             # every character was read: a failure is then the digits'


# Folded bytes for the CJK extension markers 转/轉 and 分机/分機 (NFKC leaves
# them alone, so they do not count as normalisation).
cdef enum:
    B_ZHUAN = 0x81
    B_FEN = 0x82
    B_JI = 0x83
    B_INVISIBLE = 0x84     # zero-width and soft-hyphen characters


cdef inline bint _is_space(unsigned char c) noexcept nogil:
    return c == c' ' or c == c'\t' or c == c'\n' or c == c'\r' or c == 0x0B or c == 0x0C


cdef inline bint _is_strip_space(unsigned char c) noexcept nogil:
    """What Python's ``str.strip`` removes among ASCII bytes: _is_space and 0x1C-0x1F."""
    return _is_space(c) or (c >= 0x1C and c <= 0x1F)


cdef inline bint _is_separator(unsigned char c) noexcept nogil:
    """What the scan skips between digits (the Python parser's ASCII separators, folded)."""
    return (c == c' ' or c == c'-' or c == c'.' or c == c'(' or c == c')' or c == c'\t'
            or c == c'\n' or c == c'\r' or c == 0x0B or c == 0x0C or c == B_INVISIBLE)


cdef inline unsigned char _lower(unsigned char c) noexcept nogil:
    return c + 32 if c >= c'A' and c <= c'Z' else c


cdef Py_ssize_t _tail_digits(const unsigned char* s, Py_ssize_t q, Py_ssize_t end,
                             Py_ssize_t* digits_at) noexcept nogil:
    """Match ``\\s*(\\d{1,8})\\s*#?$`` at q; the number of digits, 0 for no match."""
    cdef Py_ssize_t d, k
    while q < end and _is_space(s[q]):
        q += 1
    d = q
    while q < end and s[q] >= c'0' and s[q] <= c'9':
        q += 1
    k = q - d
    if k < 1 or k > 8:
        return 0
    while q < end and _is_space(s[q]):
        q += 1
    if q < end and s[q] == c'#':
        q += 1
    if q != end:
        return 0
    digits_at[0] = d
    return k


cdef inline Py_ssize_t _keep_digits(const unsigned char* raw, Py_ssize_t start, Py_ssize_t end,
                                    unsigned char* buf, Parsed* res, Py_ssize_t* m) noexcept nogil:
    """Append the digits of raw[start:end] to buf[2 + m:], noting one + before them.

    Separators are skipped; returns where the first other character is (end: none).
    """
    cdef Py_ssize_t i
    cdef unsigned char c
    for i in range(start, end):
        c = raw[i]
        if c >= c'0' and c <= c'9':
            buf[2 + m[0]] = c
            m[0] += 1
        elif c == c'+' and m[0] == 0 and not (res.flags & F_PLUS):
            res.flags |= F_PLUS
        elif not _is_separator(c):
            return i
    return end


cdef Py_ssize_t _extension_at(const unsigned char* s, Py_ssize_t p, Py_ssize_t end,
                              Py_ssize_t* digits_at) noexcept nogil:
    """Does an extension (marker, then digits to the end) start at p? Its digit count or 0.

    The markers are fraudnum.numbers.parse._EXTENSION's: ext. ext extension x # 转 轉
    分机 分機 ,+ ; p w (ASCII letters in any case).
    """
    cdef Py_ssize_t k, q
    cdef unsigned char c = _lower(s[p])
    if c == c'e':
        if (end - p >= 9 and _lower(s[p + 1]) == c'x' and _lower(s[p + 2]) == c't'
                and _lower(s[p + 3]) == c'e' and _lower(s[p + 4]) == c'n'
                and _lower(s[p + 5]) == c's' and _lower(s[p + 6]) == c'i'
                and _lower(s[p + 7]) == c'o' and _lower(s[p + 8]) == c'n'):
            k = _tail_digits(s, p + 9, end, digits_at)
            if k:
                return k
        if end - p >= 3 and _lower(s[p + 1]) == c'x' and _lower(s[p + 2]) == c't':
            if end - p >= 4 and s[p + 3] == c'.':
                k = _tail_digits(s, p + 4, end, digits_at)
                if k:
                    return k
            return _tail_digits(s, p + 3, end, digits_at)
        return 0
    if c == c'x' or c == c'#' or c == B_ZHUAN or c == c';' or c == c'p' or c == c'w':
        return _tail_digits(s, p + 1, end, digits_at)
    if c == B_FEN and end - p >= 2 and s[p + 1] == B_JI:
        return _tail_digits(s, p + 2, end, digits_at)
    if c == c',':
        q = p
        while q < end and s[q] == c',':
            q += 1
        return _tail_digits(s, q, end, digits_at)
    return 0


# -- deciding batch rows in C ---------------------------------------------------
#
# classify_columns goes one step past the canonical digits: it applies the
# precedence tiers of fraudnum.numbers.outcome (never-block rows, the user's
# rules, the plan) through per-rule tables built from Precedence.decide in
# Python, and writes a row's kind, risk and tier as small integer codes. Rows
# it cannot decide get kind code K_PENDING and are left to the Python parser.

cdef enum:
    K_PENDING = 255        # kind code of a row the Python parser must decide
    NO_CODE = 255          # a user rule that sets no kind / no risk in this context
    RISK_TRUSTED = 0       # risk codes are the ranks of fraudnum.Risk
    RISK_LOW = 1
    RISK_MEDIUM = 2
    RISK_HIGH = 3
    B_NEVER_BLOCK = 1      # per-rule bits in BatchRules
    MAX_MARKERS = 64
    MAX_URGENT = 16
    KEY_LEN_SHIFT = 57     # a tag store's numeric key: len(digits) << 57 | int(digits)
    KEY_MAX_DIGITS = 17

# The key of a row with no number, or with more digits than a key holds (length
# field 31): never stored, so a tag store finds nothing for it.
cdef uint64_t NO_KEY = 0xFFFFFFFFFFFFFFFFULL


cdef struct Tables:
    const unsigned char* b_kind       # per built-in rule: its kind code
    const unsigned char* b_risk       # ... the risk its own tier gives (Precedence.decide)
    const unsigned char* b_tier       # ... that tier's code (never-block or built-in)
    const unsigned char* b_plain      # ... the context risk the user tier falls back to
    Py_ssize_t n_builtin
    const unsigned char* u_kind       # per user rule: kind code or NO_CODE
    const unsigned char* u_risk       # ... risk code in this context or NO_CODE
    Py_ssize_t n_user
    const unsigned char* cc_valid     # 1000 bytes: is this a calling code (phonenumbers)?
    bint incoming
    bint expect_intl
    unsigned char kind_hidden
    unsigned char kind_malformed
    unsigned char tier_user
    unsigned char tier_builtin
    Py_ssize_t n_urgent
    const unsigned char* urgent[MAX_URGENT]
    Py_ssize_t urgent_len[MAX_URGENT]
    Py_ssize_t n_markers
    unsigned char marker_start[256]   # non-zero: some marker begins with this byte
    const unsigned char* marker[MAX_MARKERS]
    Py_ssize_t marker_len[MAX_MARKERS]


cdef struct TrieRef:
    const uint16_t* mask
    const int32_t* first_child
    const int32_t* rule_start
    const uint16_t* rule_count
    const uint8_t* rule_min
    const uint8_t* rule_max
    const int32_t* rule_value


cdef struct Columns:
    int32_t* rule
    int32_t* user
    uint16_t* flags
    uint16_t* cc
    uint8_t* kind
    uint8_t* risk
    uint8_t* tier
    uint64_t* key          # NULL: not wanted (no tag store)


cdef inline uint64_t _store_key(const unsigned char* d, Py_ssize_t n) noexcept nogil:
    """The tag store's numeric key of canonical digits (fraudnum.tags.number_key)."""
    cdef uint64_t v = 0
    cdef Py_ssize_t k
    if n <= 0 or n > KEY_MAX_DIGITS:
        return NO_KEY
    for k in range(n):
        v = v * 10 + (d[k] - 48)
    return (<uint64_t>n << KEY_LEN_SHIFT) | v


cdef class BatchRules:
    """The decision tables of one context (channel, direction, user rules) for batches.

    Built by :mod:`fraudnum.numbers.columns` from the precedence tiers, so the
    C rows get the kind, risk and tier :meth:`Precedence.decide` would give.

    Args:
        builtin: four byte strings with one byte per built-in rule: kind code,
            risk code of its own tier, that tier's code, context risk code.
        user: two byte strings with one byte per user rule: kind code and risk
            code (255: the rule sets none).
        calling_codes: 1000 bytes, non-zero where the index is a calling code.
        urgent: the warning numbers a longer number may imitate (ASCII digits).
        markers: hidden-number markers, case-folded, that are pure ASCII.
        codes: kind code of hidden, of malformed; tier code of user, of built-in.
        incoming: the numbers contact the user.
        expect_intl: the user expects international calls.
    """

    cdef Tables t
    cdef tuple _keep

    def __init__(self, tuple builtin not None, tuple user not None, bytes calling_codes not None,
                 tuple urgent not None, tuple markers not None, tuple codes not None,
                 bint incoming, bint expect_intl):
        cdef Py_ssize_t i
        cdef bytes b
        if len(builtin) != 4 or len(user) != 2 or len(codes) != 4:
            raise ValueError("builtin needs 4 tables, user 2, codes 4")
        for b in builtin + user:
            if not isinstance(b, bytes):
                raise TypeError("the rule tables must be bytes")
        if not len(builtin[0]) == len(builtin[1]) == len(builtin[2]) == len(builtin[3]):
            raise ValueError("every built-in table needs one byte per rule")
        if len(user[0]) != len(user[1]):
            raise ValueError("every user table needs one byte per rule")
        for b in builtin[1:2] + builtin[3:] + user[1:]:
            for i in range(len(b)):
                if b[i] > RISK_HIGH and b[i] != NO_CODE:
                    raise ValueError("a risk code is a rank 0-3 (or 255 for none)")
        if len(calling_codes) != 1000:
            raise ValueError("calling_codes needs 1000 bytes")
        if len(urgent) > MAX_URGENT or len(markers) > MAX_MARKERS:
            raise ValueError(f"at most {MAX_URGENT} urgent numbers and {MAX_MARKERS} markers")
        for b in urgent + markers:
            if not isinstance(b, bytes) or not 0 < len(b) <= MAX_RAW:
                raise ValueError("urgent numbers and markers are 1-128 bytes")
        self._keep = (builtin, user, calling_codes, urgent, markers)
        self.t.b_kind = builtin[0]
        self.t.b_risk = builtin[1]
        self.t.b_tier = builtin[2]
        self.t.b_plain = builtin[3]
        self.t.n_builtin = len(builtin[0])
        self.t.u_kind = user[0]
        self.t.u_risk = user[1]
        self.t.n_user = len(user[0])
        self.t.cc_valid = calling_codes
        self.t.incoming = incoming
        self.t.expect_intl = expect_intl
        self.t.kind_hidden = codes[0]
        self.t.kind_malformed = codes[1]
        self.t.tier_user = codes[2]
        self.t.tier_builtin = codes[3]
        self.t.n_urgent = len(urgent)
        for i in range(len(urgent)):
            self.t.urgent[i] = urgent[i]
            self.t.urgent_len[i] = len(urgent[i])
        self.t.n_markers = len(markers)
        memset(self.t.marker_start, 0, 256)
        for i in range(len(markers)):
            self.t.marker_start[markers[i][0]] = 1
            self.t.marker[i] = markers[i]
            self.t.marker_len[i] = len(markers[i])


cdef bint _is_marker(const Tables* t, const unsigned char* s, Py_ssize_t n) noexcept nogil:
    """Is the folded text, stripped and case-folded, an ASCII hidden marker (``-2``, ``unknown``)?

    As the parser: invisible characters dropped, surrounding whitespace stripped as
    ``str.strip`` strips it (0x1C-0x1F too: ``Unknown\\x1f`` is hidden, as classify says).
    """
    cdef unsigned char low[MAX_RAW]
    cdef Py_ssize_t i, m = 0, a = 0, b, k
    # Most rows start with a digit or +, which no marker does: answered by one byte.
    while a < n and (_is_strip_space(s[a]) or s[a] == B_INVISIBLE):
        a += 1
    if a == n:
        return True  # nothing but whitespace: the parser says hidden
    if not t.marker_start[_lower(s[a])]:
        return False
    a = 0
    for i in range(n):
        if s[i] != B_INVISIBLE:
            low[m] = _lower(s[i])
            m += 1
    b = m
    while a < b and _is_strip_space(low[a]):
        a += 1
    while b > a and _is_strip_space(low[b - 1]):
        b -= 1
    if a == b:
        return True  # nothing but whitespace: the parser says hidden
    for k in range(t.n_markers):
        if t.marker_len[k] == b - a and memcmp(low + a, t.marker[k], b - a) == 0:
            return True
    return False


# Bytes no step of the Python parser removes or reads as anything but "not a
# digit": ASCII letters that spell no extension marker (ext, extension, x, p, w)
# or tel:, symbols that are no separator, and control characters that are not
# whitespace. A row holding one (and no character the C fold does not know,
# and no ';' that could start tel: URI parameters) is malformed whatever else
# it holds; deciding that here keeps junk rows off the Python parser.
cdef unsigned char _POISON[256]


cdef void _init_poison():
    cdef int c
    memset(_POISON, 0, 256)
    for c in range(256):
        if (c'a' <= c <= c'z' or c'A' <= c <= c'Z') and _lower(c) not in b"extnsiopwl":
            _POISON[c] = 1
        elif c < 9 or 14 <= c < 28 or c == 127:
            _POISON[c] = 1
    for c in b"!$%&*<=>?@^`|~":
        _POISON[c] = 1


_init_poison()


cdef bint _surely_malformed(const unsigned char* s, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    cdef bint poison = False
    for i in range(n):
        if s[i] == 0xFF or s[i] == c';':
            return False
        if _POISON[s[i]]:
            poison = True
    return poison


cdef bint _plain_junk(const unsigned char* s, Py_ssize_t n) noexcept nogil:
    """Is this ASCII text one the parser calls malformed for "characters that are not
    digits" with nothing noted on the way (no flags, extension or dial prefix)?

    It holds a byte no parser step removes (_surely_malformed), and none of what
    would note something first: a ``+``, a ``tel:`` scheme, a trailing extension
    (``_EXTENSION``: a marker, digits, the end) or a byte Python's ``str.strip``
    treats as space and the C fold does not (0x1C-0x1F). A dash extension cannot
    rescue it: the byte stays in the head.
    """
    cdef Py_ssize_t i, a = 0, q = n
    if not _surely_malformed(s, n):
        return False
    for i in range(n):
        if s[i] == c'+' or s[i] >= 0x80 or (s[i] >= 0x1C and s[i] <= 0x1F):
            return False
    while a < n and _is_space(s[a]):
        a += 1
    if (n - a >= 4 and _lower(s[a]) == c't' and _lower(s[a + 1]) == c'e'
            and _lower(s[a + 2]) == c'l' and s[a + 3] == c':'):
        return False
    # _EXTENSION ends "\s*(\d{1,8})\s*#?$": walk it back from the end; any marker
    # byte before the digits (the last byte of ext. ext extension x # , ; p w) -> no.
    while q > 0 and _is_space(s[q - 1]):
        q -= 1
    if q > 0 and s[q - 1] == c'#':
        q -= 1
    while q > 0 and _is_space(s[q - 1]):
        q -= 1
    i = q
    while q > 0 and s[q - 1] >= c'0' and s[q - 1] <= c'9':
        q -= 1
    if q == i:
        return True  # no digits at the end: no extension
    while q > 0 and _is_space(s[q - 1]):
        q -= 1
    return q == 0 or _lower(s[q - 1]) not in b".tnx#,;pw"


cdef bint _imitates(const Tables* t, const unsigned char* d, Py_ssize_t n) noexcept nogil:
    """Do the digits end with a warning number (96110 ...) and have more? (Precedence.imitated_warning)"""
    cdef Py_ssize_t k, L
    for k in range(t.n_urgent):
        L = t.urgent_len[k]
        if n > L and memcmp(d + n - L, t.urgent[k], L) == 0:
            return True
    return False


cdef int _calling_code(const Tables* t, const unsigned char* d, Py_ssize_t n) noexcept nogil:
    """The calling code at the start of these digits (1-3 of them), or 0 for none."""
    cdef int cc = 0
    cdef Py_ssize_t k
    for k in range(3):
        if k >= n:
            break
        cc = cc * 10 + (d[k] - 48)
        if t.cc_valid[cc]:
            return cc
    return 0


cdef class Canonicaliser:
    """Resolves common caller-ID forms to canonical digits and a rule, in C.

    Args:
        trie: the numbering-plan trie (values are rule indexes).
        classes: one byte of class bits per rule index (the ``CLASS_*`` constants of this module).
        dial_prefixes: IP long-distance prefixes, longest first (at most 16).
    """

    cdef DigitTrie trie
    cdef bytes _classes
    cdef const unsigned char* cls
    cdef Py_ssize_t n_cls
    cdef unsigned char dial[MAX_DIAL][MAX_DIAL_LEN]
    cdef Py_ssize_t dial_len[MAX_DIAL]
    cdef Py_ssize_t n_dial
    cdef tuple _dial_prefixes

    def __init__(self, DigitTrie trie not None, bytes classes not None, dial_prefixes):
        cdef Py_ssize_t i, j
        values = [v for _, _, _, v in trie.entries()]
        if values and max(values) >= len(classes):
            raise ValueError("classes must have one byte for every rule index in the trie")
        prefixes = tuple(dial_prefixes)
        if len(prefixes) > MAX_DIAL:
            raise ValueError(f"at most {MAX_DIAL} dial prefixes")
        for i, p in enumerate(prefixes):
            if not isinstance(p, str) or not p.isascii() or not p.isdigit() or not 0 < len(p) <= MAX_DIAL_LEN:
                raise ValueError(f"dial prefix {i} must be 1-{MAX_DIAL_LEN} ASCII digits, got {p!r}")
        self.trie = trie
        self._classes = classes
        self.cls = classes
        self.n_cls = len(classes)
        self._dial_prefixes = prefixes
        self.n_dial = len(prefixes)
        for i, p in enumerate(prefixes):
            self.dial_len[i] = len(p)
            for j in range(len(p)):
                self.dial[i][j] = ord(p[j])

    def __reduce__(self):
        return (Canonicaliser, (self.trie, self._classes, self._dial_prefixes))

    cdef inline int32_t walk(self, const unsigned char* s, Py_ssize_t n) noexcept nogil:
        if n <= 0 or n > MAX_KEY_LEN:
            return -1
        return _walk(self.trie.mask, self.trie.first_child, self.trie.rule_start,
                     self.trie.rule_count, self.trie.rule_min, self.trie.rule_max,
                     self.trie.rule_value, s, n)

    cdef inline int klass(self, int32_t r) noexcept nogil:
        if r < 0 or r >= self.n_cls:
            return 0
        return self.cls[r]

    cdef bint domestic(self, Py_ssize_t off, Py_ssize_t n, int32_t r,
                       Py_ssize_t area_off, Py_ssize_t area_len, Parsed* res) noexcept nogil:
        if self.klass(r) & C_INTERNATIONAL:
            return False
        res.key_off = off
        res.key_len = n
        res.rule = r
        res.area_off = area_off
        res.area_len = area_len
        return True

    cdef bint national(self, unsigned char* buf, Py_ssize_t off, Py_ssize_t n, Parsed* res) noexcept nogil:
        cdef int32_t r
        if n >= 1 and buf[off] == c'0':
            return self.trunk(buf, off, n, res)
        r = self.walk(buf + off, n)
        if r < 0:
            return False
        return self.domestic(off, n, r, 0, 0, res)

    cdef bint trunk(self, unsigned char* buf, Py_ssize_t off, Py_ssize_t n, Parsed* res) noexcept nogil:
        cdef unsigned char* s = buf + off
        cdef int32_t r
        cdef Py_ssize_t area, rest
        if n == 12 and s[1] == c'1':
            r = self.walk(s + 1, 11)
            if r >= 0 and self.klass(r) & C_MOBILE:
                if self.domestic(off + 1, 11, r, 0, 0, res):
                    res.flags |= F_TRUNK_ZERO_MOBILE
                    return True
                return False
        area = 3 if n >= 2 and (s[1] == c'1' or s[1] == c'2') else 4
        if area > n:
            area = n
        rest = n - area
        if rest >= 1 and (s[area] == c'1' or s[area] == c'9'):
            r = self.walk(s + area, rest)
            if r >= 0 and self.klass(r) & C_SERVICE:
                return self.domestic(off + area, rest, r, off, area, res)
        r = self.walk(s, n)
        if r < 0:
            return False
        if self.klass(r) & C_FIXED and rest >= 1 and (s[area] == c'0' or s[area] == c'1'):
            return False
        return self.domestic(off, n, r, off, area, res)

    cdef bint after_country_code(self, unsigned char* buf, Py_ssize_t off, Py_ssize_t n,
                                 Parsed* res) noexcept nogil:
        cdef int32_t r
        if n >= 1 and buf[off] == c'0':
            res.flags |= F_REDUNDANT_TRUNK
            off += 1
            n -= 1
            if n >= 1 and buf[off] == c'0':
                # A second zero: the national number with its trunk zero, as in parse.py.
                return self.national(buf, off, n, res)
        if n <= 0:
            return False
        r = self.walk(buf + off, n)
        if r >= 0 and not (self.klass(r) & C_WEAK):
            return self.domestic(off, n, r, 0, 0, res)
        # The landline reading: "0" + the national number. off >= 4 here (digits
        # start at 2 and "86" was consumed), so the byte before is ours to use.
        buf[off - 1] = c'0'
        if self.national(buf, off - 1, n + 1, res):
            return True
        if r >= 0:
            return self.domestic(off, n, r, 0, 0, res)
        return False

    cdef bint after_international_prefix(self, unsigned char* buf, Py_ssize_t off, Py_ssize_t n,
                                         Parsed* res) noexcept nogil:
        cdef int32_t r
        if n >= 2 and buf[off] == c'8' and buf[off + 1] == c'6':
            return self.after_country_code(buf, off + 2, n - 2, res)
        # Another country: key "00" + digits, written into the two bytes before
        # them (off >= 2 always); the caller checks the country code.
        if n < 4 or n > 17:
            return False
        buf[off - 2] = c'0'
        buf[off - 1] = c'0'
        r = self.walk(buf + off - 2, n + 2)
        if r < 0 or not (self.klass(r) & C_INTERNATIONAL):
            return False
        res.key_off = off - 2
        res.key_len = n + 2
        res.rule = r
        res.area_off = 0
        res.area_len = 0
        res.flags |= F_INTERNATIONAL
        return True

    cdef bint resolve(self, unsigned char* buf, Py_ssize_t n, Parsed* res) noexcept nogil:
        """buf[2:2+n] holds the digits; buf[0:2] is scratch space."""
        cdef Py_ssize_t off = 2, i, L
        cdef unsigned char* s = buf + 2
        if res.flags & F_PLUS:
            return self.after_international_prefix(buf, 2, n, res)
        if n >= 2 and s[0] == c'0' and s[1] == c'0':
            res.flags |= F_00
            return self.after_international_prefix(buf, 4, n - 2, res)
        for i in range(self.n_dial):
            L = self.dial_len[i]
            if n - L >= 10 and memcmp(s, self.dial[i], L) == 0 and (s[L] == c'0' or s[L] == c'1'):
                res.flags |= (i + 1) << 8
                if n - L >= 2 and s[L] == c'0' and s[L + 1] == c'0':
                    res.flags |= F_00
                    return self.after_international_prefix(buf, 2 + L + 2, n - L - 2, res)
                off = 2 + L
                n -= L
                break
        s = buf + off
        if n == 13 and s[0] == c'8' and s[1] == c'6' and s[2] == c'1':
            res.flags |= F_CC86
            return self.after_country_code(buf, off + 2, n - 2, res)
        return self.national(buf, off, n, res)

    cdef bint scan(self, const unsigned char* raw, Py_ssize_t n, bint normalised,
                   unsigned char* buf, Parsed* res) noexcept nogil:
        """Keep digits (and one leading +) of a caller ID; False if it has anything else.

        ``raw`` comes from _fold_to_ascii (0xFF: a character it could not fold).
        """
        cdef Py_ssize_t i, m = 0, start = 0, end = n, k, digits_at = 0
        res.flags = F_NORMALISED if normalised else 0
        res.ext_len = 0
        res.clean = False
        # As the Python parser: strip, a tel: URI without parameters, then the
        # leftmost trailing extension (not at the very start).
        while start < end and (_is_space(raw[start]) or raw[start] == B_INVISIBLE):
            start += 1
        while end > start and (_is_space(raw[end - 1]) or raw[end - 1] == B_INVISIBLE):
            end -= 1
        if (end - start >= 4 and _lower(raw[start]) == c't' and _lower(raw[start + 1]) == c'e'
                and _lower(raw[start + 2]) == c'l' and raw[start + 3] == c':'):
            res.flags |= F_TEL
            start += 4
            for i in range(start, end):
                if raw[i] == c';':
                    return False  # URI parameters (;ext=, ;phone-context=): Python's
        # Most rows hold digits, separators and a leading + only: then no
        # extension marker starts anywhere and one pass reads the digits.
        if _keep_digits(raw, start, end, buf, res, &m) < end:
            # Something else: cut a trailing extension off, then read again.
            m = 0
            res.flags &= ~F_PLUS
            for i in range(start, end):
                k = _extension_at(raw, i, end, &digits_at)
                if k:
                    if i == start:
                        return False  # Python ignores a match at the start; it is then malformed
                    res.ext_off = digits_at
                    res.ext_len = k
                    end = i
                    break
            if _keep_digits(raw, start, end, buf, res, &m) < end:
                return False
        if m == 0:
            return False
        res.clean = True
        return self.resolve(buf, m, res)

    cdef bint scan_or_dash(self, const unsigned char* raw, Py_ssize_t n, bint normalised,
                           unsigned char* buf, Parsed* res) noexcept nogil:
        """:meth:`scan`, then, if that fails, the parser's dash-extension retry.

        ``010-65612308-8001``: when the digits fit no number, fraudnum.numbers.parse
        reads a last dash group of 1-5 digits as the extension (its
        ``_DASH_EXTENSION``) and parses the rest, which must carry no extension
        of its own. Mirrored here step for step; invisible characters, which that
        pattern does not take for whitespace, end the attempt.
        """
        cdef Py_ssize_t j = n, k, t, u
        cdef bint clean
        if self.scan(raw, n, normalised, buf, res):
            return True
        clean = res.clean
        if not self.dash_retry(raw, n, normalised, buf, res):
            # Whether the digits were all read decides "malformed" versus "ask Python".
            res.clean = clean
            return False
        return True

    cdef bint dash_retry(self, const unsigned char* raw, Py_ssize_t n, bint normalised,
                         unsigned char* buf, Parsed* res) noexcept nogil:
        cdef Py_ssize_t j = n, k, t, u
        while j > 0 and _is_space(raw[j - 1]):
            j -= 1
        k = j
        while k > 0 and raw[k - 1] >= c'0' and raw[k - 1] <= c'9':
            k -= 1
        if not 1 <= j - k <= 5:
            return False
        t = k
        while t > 0 and _is_space(raw[t - 1]):
            t -= 1
        if t == 0 or raw[t - 1] != c'-':
            return False
        u = t - 1
        while u > 0 and _is_space(raw[u - 1]):
            u -= 1
        if u == 0 or not (raw[u - 1] >= c'0' and raw[u - 1] <= c'9'):
            return False
        if not self.scan(raw, u, normalised, buf, res) or res.ext_len:
            return False
        res.ext_off = k
        res.ext_len = j - k
        return True

    cdef void column_row(self, const Tables* t, const TrieRef* u, const unsigned char* text,
                         Py_ssize_t n, bint normalised, unsigned char* buf, Py_ssize_t i,
                         Columns* out) noexcept nogil:
        """Decide row i of a batch from its folded text (n < 0: too long to be a caller ID)."""
        cdef Parsed res
        cdef int32_t r, ur = -1
        cdef int cc = 86
        cdef unsigned char risk, kind
        cdef unsigned char dig[MAX_RAW]
        cdef const unsigned char* key
        cdef Py_ssize_t k, m = 0
        cdef bint intl
        out.rule[i] = -1
        out.user[i] = -1
        out.flags[i] = 0
        out.cc[i] = 0
        out.tier[i] = t.tier_builtin
        out.risk[i] = RISK_MEDIUM
        if out.key != NULL:
            out.key[i] = NO_KEY
        if n < 0:
            out.kind[i] = t.kind_malformed  # longer than any caller ID, read no further
            return
        if _is_marker(t, text, n):
            out.kind[i] = t.kind_hidden
            return
        if not self.scan_or_dash(text, n, normalised, buf, &res):
            if not res.clean and not _surely_malformed(text, n):
                out.kind[i] = K_PENDING
                return
            # Digits that are no number; as dear as a warning number they end with.
            for k in range(n):
                if text[k] >= c'0' and text[k] <= c'9':
                    dig[m] = text[k]
                    m += 1
            out.kind[i] = t.kind_malformed
            if _imitates(t, dig, m):
                out.risk[i] = RISK_HIGH
            return
        r = res.rule
        key = buf + res.key_off
        intl = (res.flags & F_INTERNATIONAL) != 0
        if r < 0 or r >= t.n_builtin:
            out.kind[i] = K_PENDING
            return
        if intl:
            cc = _calling_code(t, key + 2, res.key_len - 2)
            if cc == 0:
                out.kind[i] = K_PENDING  # no such calling code: the parser explains it
                return
        if u.mask != NULL:
            ur = _walk(u.mask, u.first_child, u.rule_start, u.rule_count, u.rule_min,
                       u.rule_max, u.rule_value, key, res.key_len)
            if ur >= t.n_user:
                ur = -1
        out.rule[i] = r
        out.user[i] = ur
        out.flags[i] = <uint16_t>(res.flags & ~F_INTERNATIONAL)
        out.cc[i] = <uint16_t>cc
        if out.key != NULL:
            # For the crowd tier, decided after the loop (numbers/columns.py).
            out.key[i] = _store_key(key, res.key_len)
        kind = t.b_kind[r]
        out.kind[i] = kind
        if t.b_tier[r] != t.tier_builtin:  # never-block: nothing overrides it
            out.risk[i] = t.b_risk[r]
            out.tier[i] = t.b_tier[r]
            return
        if ur >= 0 and (t.u_risk[ur] != NO_CODE or t.u_kind[ur] != NO_CODE):
            if t.u_kind[ur] != NO_CODE:
                out.kind[i] = t.u_kind[ur]
            out.risk[i] = t.u_risk[ur] if t.u_risk[ur] != NO_CODE else t.b_plain[r]
            out.tier[i] = t.tier_user
            return
        risk = t.b_risk[r]
        if intl and t.incoming:
            if _imitates(t, key, res.key_len):
                risk = RISK_HIGH
            elif t.expect_intl and risk > RISK_LOW:
                risk = RISK_LOW
        out.risk[i] = risk

    def classify_columns(self, BatchRules rules not None, DigitTrie user, Py_ssize_t start,
                         int32_t[::1] rule, int32_t[::1] user_rule, uint16_t[::1] flags,
                         uint16_t[::1] calling_code, uint8_t[::1] kind, uint8_t[::1] risk,
                         uint8_t[::1] tier, items=None, const int64_t[::1] offsets64=None,
                         const int32_t[::1] offsets32=None, const uint8_t[::1] data=None,
                         uint64_t[::1] store_key=None):
        """Decide rows into integer columns, writing rows ``start`` onwards; the GIL is released.

        The rows are ``items`` (a tuple of str, read in place) or an Arrow string
        array's ``data`` bytes cut by its ``offsets32`` / ``offsets64`` (one more
        offset than rows; the UTF-8 bytes are read in place, no str is made).
        Rows the Python parser must decide get kind code 255. With ``store_key``,
        each row's tag-store key (``fraudnum.tags.number_key`` of its canonical
        digits) is written there too; a row with no number gets ``2**64 - 1``.

        Raises:
            TypeError: an item is not a str.
            ValueError: a column is too short, or an offset lies outside ``data``.
        """
        cdef Py_ssize_t count, i, j, m, a, b, size
        cdef Columns out
        cdef TrieRef uref
        cdef unsigned char text[MAX_RAW]
        cdef unsigned char buf[MAX_RAW + 2]
        cdef bint normalised
        cdef Py_ssize_t n
        cdef tuple tup
        cdef const uint8_t* bytes_at
        if items is not None:
            if not isinstance(items, tuple):
                raise TypeError("items must be a tuple of str")
            tup = <tuple>items
            count = len(tup)
        elif offsets64 is not None:
            count = offsets64.shape[0] - 1
        elif offsets32 is not None:
            count = offsets32.shape[0] - 1
        else:
            raise TypeError("give items, or offsets and data")
        if count < 0:
            raise ValueError("offsets need one entry more than there are rows")
        if (rule is None or user_rule is None or flags is None or calling_code is None
                or kind is None or risk is None or tier is None):
            raise TypeError("every column is needed")
        if start < 0 or min(rule.shape[0], user_rule.shape[0], flags.shape[0],
                            calling_code.shape[0], kind.shape[0], risk.shape[0],
                            tier.shape[0]) < start + count:
            raise ValueError("every column needs room for the rows from start on")
        if store_key is not None and store_key.shape[0] < start + count:
            raise ValueError("every column needs room for the rows from start on")
        if count == 0:
            return
        out.rule = &rule[start]
        out.user = &user_rule[start]
        out.flags = &flags[start]
        out.cc = &calling_code[start]
        out.kind = &kind[start]
        out.risk = &risk[start]
        out.tier = &tier[start]
        out.key = NULL if store_key is None else &store_key[start]
        if user is None:
            uref.mask = NULL
        else:
            uref.mask = user.mask
            uref.first_child = user.first_child
            uref.rule_start = user.rule_start
            uref.rule_count = user.rule_count
            uref.rule_min = user.rule_min
            uref.rule_max = user.rule_max
            uref.rule_value = user.rule_value
        if items is None:
            size = 0 if data is None else data.shape[0]
            bytes_at = NULL if size == 0 else &data[0]
            # Every offset checked before any is used: input decides these indexes.
            for i in range(count + 1):
                a = offsets64[i] if offsets64 is not None else offsets32[i]
                if a < 0 or a > size or (i > 0 and a < b):
                    raise ValueError(f"offset {i} lies outside the data buffer")
                b = a
            with nogil:
                for i in range(count):
                    if offsets64 is not None:
                        a = offsets64[i]
                        b = offsets64[i + 1]
                    else:
                        a = offsets32[i]
                        b = offsets32[i + 1]
                    normalised = False
                    n = _fold_utf8(bytes_at + a, b - a, text, MAX_RAW, &normalised)
                    self.column_row(&rules.t, &uref, text, n, normalised, buf, i, &out)
            return
        # str rows: every item checked with the GIL, then read without it. The
        # tuple keeps each str alive and a str never changes, so its storage can
        # be read while other threads run (nothing here touches a refcount).
        for i in range(count):
            if not isinstance(tup[i], str):
                raise TypeError(f"numbers[{start + i}] must be str, not {type(tup[i]).__name__}")
        cdef PyObject* items_ptr = <PyObject*>tup
        cdef PyObject* o
        with nogil:
            for i in range(count):
                o = _tuple_item(items_ptr, i)
                normalised = False
                n = _fold_ucs(_str_data(o), _str_kind(o), _str_length(o), text, MAX_RAW,
                              &normalised)
                self.column_row(&rules.t, &uref, text, n, normalised, buf, i, &out)

    def parse(self, str raw not None):
        """Canonicalise one caller ID.

        Returns:
            ``(key, rule, area_code, flags, extension)`` (``area_code`` and
            ``extension`` may be empty), or None when the Python parser must decide.
        """
        cdef unsigned char text[MAX_RAW]
        cdef unsigned char buf[MAX_RAW + 2]
        cdef Parsed res
        cdef bint normalised = False
        cdef Py_ssize_t n = _fold_to_ascii(raw, text, MAX_RAW, &normalised)
        if n < 0 or not self.scan_or_dash(text, n, normalised, buf, &res):
            return None
        return _result(buf, text, &res)

    def classify_rows(self, raws, DigitTrie user=None):
        """One int per caller ID saying which rules it matched: no tuples or strings.

        For batch classification, which needs only which rows matched: the
        canonical digits are not built (call :meth:`parse` for a row that needs
        them). The GIL is released for the work.

        Args:
            raws: the caller IDs.
            user: a second trie (the user's rules) to look the canonical digits up in.

        Returns:
            A list with, per input, ``rule << 32 | (user_rule + 1)`` (``user_rule``
            is -1 where the user trie has no entry, or none was given); -1 where
            the Python parser must decide; -2 for an international number (its
            calling code is checked in Python); -3 where every character was read
            but the digits are no number (malformed, unless the input is a
            hidden-number marker, which the caller checks).
        """
        cdef list items = list(raws)
        cdef Py_ssize_t count = len(items), i, n
        cdef unsigned char* text = NULL
        cdef unsigned char* bufs = NULL
        cdef Parsed* results = NULL
        cdef int32_t* rule_out = NULL
        cdef int32_t* user_out = NULL
        cdef bint normalised
        cdef bint has_user = user is not None
        cdef DigitTrie u = user
        for i in range(count):
            if not isinstance(items[i], str):
                raise TypeError(f"raws[{i}] must be str, not {type(items[i]).__name__}")
        text = <unsigned char*>PyMem_Malloc(count * MAX_RAW + 1)
        bufs = <unsigned char*>PyMem_Malloc(count * (MAX_RAW + 2) + 1)
        results = <Parsed*>PyMem_Malloc((count + 1) * sizeof(Parsed))
        rule_out = <int32_t*>PyMem_Malloc((count + 1) * sizeof(int32_t))
        user_out = <int32_t*>PyMem_Malloc((count + 1) * sizeof(int32_t))
        try:
            if (text == NULL or bufs == NULL or results == NULL or rule_out == NULL
                    or user_out == NULL):
                raise MemoryError()
            # Folding reads the str objects and needs the GIL; the rest does not.
            for i in range(count):
                normalised = False
                results[i].key_len = _fold_to_ascii(items[i], text + i * MAX_RAW, MAX_RAW,
                                                    &normalised)
                rule_out[i] = normalised  # carried into the scan below
            with nogil:
                for i in range(count):
                    n = results[i].key_len
                    normalised = rule_out[i]
                    rule_out[i] = -1
                    user_out[i] = -1
                    results[i].clean = False  # too long to read: Python's to explain
                    if n >= 0 and self.scan_or_dash(text + i * MAX_RAW, n, normalised,
                                            bufs + i * (MAX_RAW + 2), &results[i]):
                        rule_out[i] = results[i].rule
                        if has_user:
                            user_out[i] = _walk(
                                u.mask, u.first_child, u.rule_start, u.rule_count,
                                u.rule_min, u.rule_max, u.rule_value,
                                bufs + i * (MAX_RAW + 2) + results[i].key_off,
                                results[i].key_len)
            return [
                (R_MALFORMED if results[i].clean else R_PARSE) if rule_out[i] < 0
                else R_INTERNATIONAL if results[i].flags & F_INTERNATIONAL
                else (<long long>rule_out[i] << 32) | (user_out[i] + 1)
                for i in range(count)]
        finally:
            PyMem_Free(text)
            PyMem_Free(bufs)
            PyMem_Free(results)
            PyMem_Free(rule_out)
            PyMem_Free(user_out)


cdef inline unsigned char _fold_char(unsigned int c, bint* normalised) noexcept nogil:
    """One character as ASCII, folded as NFKC folds it (0xFF: a character it cannot fold)."""
    if c < 128:
        return <unsigned char>c
    if c == 0x8F6C or c == 0x8F49:        # 转 轉 (NFKC keeps them: not "normalised")
        return B_ZHUAN
    if c == 0x5206:                      # 分
        return B_FEN
    if c == 0x673A or c == 0x6A5F:        # 机 機
        return B_JI
    normalised[0] = True
    if 0xFF10 <= c <= 0xFF19:            # full-width digits
        return <unsigned char>(c - 0xFF10 + 48)
    if c == 0xFF0B:
        return c'+'
    if c == 0xFF0D:
        return c'-'
    if c == 0xFF08:
        return c'('
    if c == 0xFF09:
        return c')'
    if c == 0xFF0E:
        return c'.'
    if c == 0x3000 or c == 0x00A0:
        return c' '                      # spaces
    if (c == 0x200B or c == 0x200C or c == 0x200D or c == 0x2060 or c == 0xFEFF
            or c == 0x00AD):
        return B_INVISIBLE               # dropped by the parser, yet not whitespace
    return 0xFF


cdef inline Py_ssize_t _fold_ucs(const void* data, int kind, Py_ssize_t n, unsigned char* out,
                                 Py_ssize_t cap, bint* normalised) noexcept nogil:
    """Fold a str's code points (PEP 393 storage of ``kind`` bytes each); -1 past ``cap``."""
    cdef Py_ssize_t i
    if n > cap:
        return -1
    if kind == 1:
        for i in range(n):
            out[i] = _fold_char((<const uint8_t*>data)[i], normalised)
    elif kind == 2:
        for i in range(n):
            out[i] = _fold_char((<const uint16_t*>data)[i], normalised)
    else:
        for i in range(n):
            out[i] = _fold_char((<const uint32_t*>data)[i], normalised)
    return n


cdef Py_ssize_t _fold_to_ascii(str raw, unsigned char* out, Py_ssize_t cap, bint* normalised):
    """Copy a caller ID as ASCII, folding the full-width and invisible characters NFKC folds.

    Characters it cannot fold become 0xFF (the scan then leaves the input to
    the Python parser). Sets ``normalised`` when it folded anything, as the
    Python parser flags NFKC changes. Returns the length, or -1 past ``cap``.
    """
    return _fold_ucs(PyUnicode_DATA(raw), PyUnicode_KIND(raw), PyUnicode_GET_LENGTH(raw),
                     out, cap, normalised)


cdef Py_ssize_t _fold_utf8(const uint8_t* s, Py_ssize_t size, unsigned char* out,
                           Py_ssize_t cap, bint* normalised) noexcept nogil:
    """:func:`_fold_to_ascii` for UTF-8 bytes (an Arrow string): -1 past ``cap`` characters.

    Invalid UTF-8 becomes 0xFF, which leaves the row to the Python parser.
    """
    cdef Py_ssize_t i = 0, n = 0
    cdef unsigned int c, b
    cdef int more
    while i < size:
        if n >= cap:
            return -1
        b = s[i]
        if b < 0x80:
            out[n] = <unsigned char>b
            n += 1
            i += 1
            continue
        if b >= 0xF0 and b < 0xF8:
            c = b & 0x07
            more = 3
        elif b >= 0xE0:
            c = b & 0x0F
            more = 2
        elif b >= 0xC0:
            c = b & 0x1F
            more = 1
        else:
            c = 0xFFFFFFFF
            more = 0
        i += 1
        while more > 0 and i < size and (s[i] & 0xC0) == 0x80:
            c = (c << 6) | (s[i] & 0x3F)
            i += 1
            more -= 1
        if more > 0 or b >= 0xF8:
            out[n] = 0xFF
        else:
            out[n] = _fold_char(c, normalised)
        n += 1
    return n


cdef inline object _result(unsigned char* buf, const unsigned char* text, Parsed* res):
    key = (<char*>buf)[res.key_off:res.key_off + res.key_len].decode("ascii")
    area = (<char*>buf)[res.area_off:res.area_off + res.area_len].decode("ascii") if res.area_len else ""
    ext = (<char*>text)[res.ext_off:res.ext_off + res.ext_len].decode("ascii") if res.ext_len else ""
    return (key, res.rule, area, res.flags, ext)



# -- single verdicts built in C ---------------------------------------------------
#
# Classifier.classify on a mainland number: the C scan, an outcome cached per
# (rule, user rule, context), and the NumberInfo and Verdict records filled in
# here. They are the ordinary attrs classes of fraudnum.types: an instance is
# allocated as object.__new__ would and each slot is written at the offset its
# member descriptor gives, which QuickVerdicts checks against the attrs fields
# when it is built (any mismatch and it refuses, the Python path then serves).

cdef extern from "Python.h":
    ctypedef struct PyMemberDef:
        const char* name
        int type
        Py_ssize_t offset
        int flags
    ctypedef struct PyMemberDescrObject:
        PyMemberDef* d_member
    void Py_INCREF(PyObject* o)

cdef extern from *:
    """
    #ifndef Py_T_OBJECT_EX
    #define Py_T_OBJECT_EX 16
    #endif
    #ifndef Py_READONLY
    #define Py_READONLY 1
    #endif
    """
    int Py_T_OBJECT_EX
    int Py_READONLY

cdef enum:
    MAX_SLOTS = 16
    # NumberInfo slots, in the order of the names given to QuickVerdicts
    N_RAW = 0
    N_DIGITS
    N_E164
    N_REGION
    N_COUNTRY_CODE
    N_CARRIER
    N_AREA_CODE
    N_EXTENSION
    N_DIAL_PREFIX
    N_FLAGS
    # Verdict slots
    V_KIND = 0
    V_RISK
    V_REASONS
    V_NUMBER
    V_TIER
    V_CHANNEL
    V_DIRECTION
    V_URGENT
    V_ORGANISATION
    V_RULE_SOURCE
    V_ADVISOR


cdef inline void _put(PyObject* obj, Py_ssize_t offset, object value) noexcept:
    cdef PyObject* v = <PyObject*>value
    Py_INCREF(v)
    (<PyObject**>(<char*>obj + offset))[0] = v


cdef _slot_offsets(cls, tuple names, Py_ssize_t* out):
    """The slot offsets of ``names`` in ``cls``; ValueError unless they are exactly its fields."""
    import attrs

    if tuple(f.name for f in attrs.fields(cls)) != names:
        raise ValueError(f"{cls.__name__}'s fields are not {names}")
    if cls.__new__ is not object.__new__ or len(names) > MAX_SLOTS:
        raise ValueError(f"{cls.__name__} is not a plain slotted class")
    member = type(cls.__dict__[names[0]])
    for i, name in enumerate(names):
        d = cls.__dict__.get(name)
        if type(d) is not member or member.__name__ != "member_descriptor":
            raise ValueError(f"{cls.__name__}.{name} is not a slot")
        m = (<PyMemberDescrObject*><PyObject*>d).d_member
        if m.type != Py_T_OBJECT_EX or m.flags & Py_READONLY:
            raise ValueError(f"{cls.__name__}.{name} is not a writable object slot")
        if m.offset < <Py_ssize_t>sizeof(PyObject) or m.offset + <Py_ssize_t>sizeof(PyObject*) > cls.__basicsize__:
            raise ValueError(f"{cls.__name__}.{name} lies outside the instance")
        out[i] = m.offset


cdef class QuickVerdicts:
    """Builds single verdicts in C, or says None (the Python path decides).

    Served: mainland and international numbers the scan resolves (a calling code of
    one region from a table, of several through ``region_of``), ASCII hidden markers
    and plain junk (``_plain_junk``); each outcome shared per what decides it.

    Args:
        canon: the canonicaliser over the built-in plan.
        user: the user's rule trie, or None.
        carriers: per built-in rule, its carrier code (or None).
        dial_prefixes: the IP-dial prefixes the canonicaliser was given.
        flag_sets: 256 frozensets, the ``NumberInfo.flags`` of each low flag byte.
        outcome: ``outcome(rule, user_rule, sms, outgoing)`` -> the shared Outcome
            (called once per combination, then cached here).
        info_cls: :class:`fraudnum.NumberInfo`; its fields must be ``info_fields``.
        verdict_cls: :class:`fraudnum.Verdict`; its fields must be ``verdict_fields``.
        channels: (call, sms); directions: (incoming, outgoing); advisor: the advice function.
        markers: the ASCII hidden-number markers, case-folded (bytes), as BatchRules takes them.
        hidden: (outcome of a hidden caller, of a hidden SMS sender), or None: no hidden
            verdicts here.
        urgent: the warning numbers an international number may imitate (bytes, in
            ``Precedence.urgent_numbers`` order).
        calling_codes: ``calling_codes()`` -> (1000 bytes: is a calling code, 1000 bytes:
            it has a single region, 1000 regions), called on the first international
            number (it loads phonenumbers); None: no international verdicts here.
            ``outcome`` is then also called as ``outcome(rule, user_rule, sms, outgoing,
            digits, region, expect_intl)``.
        region_of: ``region_of(digits after 00)`` -> ``(calling code, region)`` or None, as
            the parser asks it, for a code several regions share (+1, +7, +44); None:
            those numbers take the Python path.
        malformed: ``malformed(raw)`` -> the Outcome the Python path gives ``raw``,
            called for the first junk text (see ``_plain_junk``) imitating each warning
            number (or none), then shared; None: no malformed verdicts here.
    """

    cdef Canonicaliser canon
    cdef DigitTrie user
    cdef TrieRef uref
    cdef Py_ssize_t n_rules
    cdef tuple carriers, dial_prefixes, flag_sets, channels, directions
    cdef object outcome, info_cls, verdict_cls, advisor, region, country_code, plus86
    cdef dict cache, intl_cache
    cdef Py_ssize_t n_off[MAX_SLOTS]
    cdef Py_ssize_t v_off[MAX_SLOTS]
    # Only the marker, urgent and cc_valid parts are used (_is_marker, _imitates, _calling_code).
    cdef Tables t
    cdef tuple hidden, _keep, cc_regions
    cdef object calling_codes, empty, malformed, region_of
    cdef list malformed_cache
    cdef bytes cc_valid, cc_single

    def __init__(self, Canonicaliser canon not None, DigitTrie user, tuple carriers not None,
                 tuple dial_prefixes not None, tuple flag_sets not None, outcome not None,
                 info_cls not None, tuple info_fields not None, verdict_cls not None,
                 tuple verdict_fields not None, tuple channels not None,
                 tuple directions not None, advisor, tuple markers=(), tuple hidden=None,
                 tuple urgent=(), calling_codes=None, malformed=None, region_of=None):
        cdef Py_ssize_t i
        if len(carriers) != canon.n_cls:
            raise ValueError("one carrier per built-in rule")
        if tuple(dial_prefixes) != canon._dial_prefixes:
            raise ValueError("the canonicaliser's dial prefixes")
        if len(flag_sets) != 256 or len(channels) != 2 or len(directions) != 2:
            raise ValueError("256 flag sets, 2 channels, 2 directions")
        if len(info_fields) != N_FLAGS + 1 or len(verdict_fields) != V_ADVISOR + 1:
            raise ValueError("the NumberInfo and Verdict fields, in order")
        _slot_offsets(info_cls, info_fields, self.n_off)
        _slot_offsets(verdict_cls, verdict_fields, self.v_off)
        self.canon = canon
        self.user = user
        self.uref.mask = NULL
        if user is not None:
            self.uref.mask = user.mask
            self.uref.first_child = user.first_child
            self.uref.rule_start = user.rule_start
            self.uref.rule_count = user.rule_count
            self.uref.rule_min = user.rule_min
            self.uref.rule_max = user.rule_max
            self.uref.rule_value = user.rule_value
        self.n_rules = canon.n_cls
        self.carriers = carriers
        self.dial_prefixes = dial_prefixes
        self.flag_sets = flag_sets
        self.outcome = outcome
        self.info_cls = info_cls
        self.verdict_cls = verdict_cls
        self.channels = channels
        self.directions = directions
        self.advisor = advisor
        self.region = "CN"
        self.country_code = 86
        self.plus86 = "+86"
        self.cache = {}
        self.intl_cache = {}
        if hidden is not None and (len(hidden) != 2 or not all(
                isinstance(o, tuple) and len(o) == 7 for o in hidden)):
            raise ValueError("hidden: two Outcomes (7-tuples)")
        if len(urgent) > MAX_URGENT or len(markers) > MAX_MARKERS:
            raise ValueError(f"at most {MAX_URGENT} urgent numbers and {MAX_MARKERS} markers")
        for b in urgent + markers:
            if not isinstance(b, bytes) or not 0 < len(b) <= MAX_RAW:
                raise ValueError("urgent numbers and markers are 1-128 bytes")
        self.hidden = hidden
        self.calling_codes = calling_codes
        self.malformed = malformed
        self.region_of = region_of
        self.malformed_cache = [None] * (len(urgent) + 1)
        self.empty = ""
        self._keep = (urgent, markers)
        memset(&self.t, 0, sizeof(Tables))
        self.t.n_urgent = len(urgent)
        for i in range(len(urgent)):
            self.t.urgent[i] = urgent[i]
            self.t.urgent_len[i] = len(urgent[i])
        self.t.n_markers = len(markers)
        for i in range(len(markers)):
            self.t.marker_start[markers[i][0]] = 1
            self.t.marker[i] = markers[i]
            self.t.marker_len[i] = len(markers[i])

    cdef bint _load_calling_codes(self) except -1:
        """Read the calling-code tables on the first international number (phonenumbers)."""
        valid, single, regions = self.calling_codes()
        if (not isinstance(valid, bytes) or not isinstance(single, bytes)
                or not isinstance(regions, tuple) or len(valid) != 1000 or len(single) != 1000
                or len(regions) != 1000):
            raise ValueError("calling_codes() must give 1000 bytes, 1000 bytes, 1000 regions")
        self.cc_valid = valid
        self.cc_single = single
        self.cc_regions = regions
        self.t.cc_valid = self.cc_valid
        return True

    cdef object _record(self, raw, digits, e164, region, country_code, carrier, area, ext,
                        dial_prefix, flags, tuple o, bint sms, bint outgoing):
        """A NumberInfo and its Verdict, allocated as object.__new__ does, filled slot by slot."""
        # Zeroed and tracked by the GC; every slot is written before the next
        # allocation could run a collection.
        info_obj = PyType_GenericAlloc(self.info_cls, 0)
        cdef PyObject* info = <PyObject*>info_obj
        _put(info, self.n_off[N_RAW], raw)
        _put(info, self.n_off[N_DIGITS], digits)
        _put(info, self.n_off[N_E164], e164)
        _put(info, self.n_off[N_REGION], region)
        _put(info, self.n_off[N_COUNTRY_CODE], country_code)
        _put(info, self.n_off[N_CARRIER], carrier)
        _put(info, self.n_off[N_AREA_CODE], area)
        _put(info, self.n_off[N_EXTENSION], ext)
        _put(info, self.n_off[N_DIAL_PREFIX], dial_prefix)
        _put(info, self.n_off[N_FLAGS], flags)
        verdict_obj = PyType_GenericAlloc(self.verdict_cls, 0)
        cdef PyObject* v = <PyObject*>verdict_obj
        _put(v, self.v_off[V_KIND], o[0])
        _put(v, self.v_off[V_RISK], o[1])
        _put(v, self.v_off[V_REASONS], o[2])
        _put(v, self.v_off[V_NUMBER], info_obj)
        _put(v, self.v_off[V_TIER], o[3])
        _put(v, self.v_off[V_CHANNEL], self.channels[sms])
        _put(v, self.v_off[V_DIRECTION], self.directions[outgoing])
        _put(v, self.v_off[V_URGENT], o[4])
        _put(v, self.v_off[V_ORGANISATION], o[5])
        _put(v, self.v_off[V_RULE_SOURCE], o[6])
        _put(v, self.v_off[V_ADVISOR], self.advisor)
        return verdict_obj

    cdef object _international(self, raw, const unsigned char* text, const unsigned char* buf,
                               Parsed* res, int32_t ur, bint sms, bint outgoing,
                               bint expect_intl):
        """The verdict of an international number whose calling code has one region, or None."""
        cdef const unsigned char* key = buf + res.key_off
        cdef int cc
        cdef Py_ssize_t k, imitated = 0
        cdef PyObject* found
        if self.calling_codes is None or res.key_len < 3:
            return None
        if self.cc_valid is None:
            self._load_calling_codes()
        cc = _calling_code(&self.t, key + 2, res.key_len - 2)
        if cc <= 0 or cc >= 1000:
            return None  # no such code: the parser explains it
        if not self.cc_single[cc] and self.region_of is None:
            return None  # shared (+1, +7, +44) and no way to tell the region here
        # What Precedence.shared keys an international outcome on, besides the rules
        # and the context: its region (one per code here), the warning number it
        # imitates (only calling in) and whether the user expects such calls.
        if not outgoing:
            for k in range(self.t.n_urgent):
                if (res.key_len > self.t.urgent_len[k] and memcmp(
                        key + res.key_len - self.t.urgent_len[k], self.t.urgent[k],
                        self.t.urgent_len[k]) == 0):
                    imitated = k + 1
                    break
        expect_intl = expect_intl and not outgoing
        ckey = ((((<long long>res.rule << 32) | <long long>(ur + 1)) << 2) | (sms << 1) | outgoing,
                (cc << 8) | (imitated << 1) | expect_intl)
        digits = (<char*>buf)[res.key_off:res.key_off + res.key_len].decode("ascii")
        if self.cc_single[cc]:
            region = self.cc_regions[cc]
        else:
            # The region of a shared code lies in the next digits (NANP area codes):
            # asked as the parser asks it (cached per leading block there), and
            # part of the key, as Precedence.shared keys on it.
            found_cc = self.region_of(digits[2:])
            if not isinstance(found_cc, tuple) or len(found_cc) != 2 or found_cc[0] != cc:
                return None
            region = found_cc[1]
            ckey = ckey + (region,)
        found = PyDict_GetItem(self.intl_cache, ckey)
        if found == NULL:
            outcome = self.outcome(res.rule, ur, sms, outgoing, digits, region, expect_intl)
            if not isinstance(outcome, tuple) or len(outcome) != 7:
                raise TypeError("outcome() must give an Outcome (a 7-tuple)")
            if len(self.intl_cache) < 65536:
                self.intl_cache[ckey] = outcome
        else:
            outcome = <object>found
        ext = (<char*>text)[res.ext_off:res.ext_off + res.ext_len].decode("ascii") if res.ext_len else None
        dial = (res.flags >> 8) & 0xFF
        return self._record(raw, digits, "+" + digits[2:], region, cc, None, None, ext,
                            self.dial_prefixes[dial - 1] if dial else None,
                            self.flag_sets[res.flags & 0xFF & ~F_INTERNATIONAL],
                            <tuple>outcome, sms, outgoing)

    cdef object _junk(self, raw, const unsigned char* text, Py_ssize_t n, bint sms,
                      bint outgoing):
        """The malformed verdict of junk text: one outcome per warning number it ends with."""
        cdef unsigned char dig[MAX_RAW]
        cdef Py_ssize_t i, k, m = 0, imitated = 0
        for i in range(n):
            if text[i] >= c'0' and text[i] <= c'9':
                dig[m] = text[i]
                m += 1
        # Precedence.imitated_warning over the digits, first match in its order.
        for k in range(self.t.n_urgent):
            if m > self.t.urgent_len[k] and memcmp(
                    dig + m - self.t.urgent_len[k], self.t.urgent[k], self.t.urgent_len[k]) == 0:
                imitated = k + 1
                break
        outcome = self.malformed_cache[imitated]
        if outcome is None:
            outcome = self.malformed(raw)
            if not isinstance(outcome, tuple) or len(outcome) != 7:
                raise TypeError("malformed() must give an Outcome (a 7-tuple)")
            self.malformed_cache[imitated] = outcome
        return self._record(raw, self.empty, None, None, None, None, None, None, None,
                            self.flag_sets[0], <tuple>outcome, sms, outgoing)

    def verdict(self, raw, bint sms, bint outgoing, bint expect_intl=False):
        """The verdict of ``raw`` in this context, or None where the Python path must decide."""
        cdef unsigned char text[MAX_RAW]
        cdef unsigned char buf[MAX_RAW + 2]
        cdef Parsed res
        cdef bint normalised = False
        cdef Py_ssize_t n
        cdef int32_t ur = -1
        cdef int cls
        cdef long long ckey
        cdef PyObject* found
        cdef PyObject* info
        cdef PyObject* v
        if type(raw) is not str:
            return None
        n = _fold_to_ascii(<str>raw, text, MAX_RAW, &normalised)
        if n < 0:
            return None
        # A marker in plain ASCII: the parser's first check says hidden, with no flags
        # (folded input may be flagged "normalised": the Python path decides that).
        if self.hidden is not None and not normalised and _is_marker(&self.t, text, n):
            return self._record(raw, self.empty, None, None, None, None, None, None, None,
                                self.flag_sets[0], <tuple>self.hidden[sms], sms, outgoing)
        if not self.canon.scan_or_dash(text, n, normalised, buf, &res):
            if self.malformed is not None and not normalised and _plain_junk(text, n):
                return self._junk(raw, text, n, sms, outgoing)
            return None
        if res.rule < 0 or res.rule >= self.n_rules:
            return None
        if self.uref.mask != NULL:
            ur = _walk(self.uref.mask, self.uref.first_child, self.uref.rule_start,
                       self.uref.rule_count, self.uref.rule_min, self.uref.rule_max,
                       self.uref.rule_value, buf + res.key_off, res.key_len)
        if res.flags & F_INTERNATIONAL:
            return self._international(raw, text, buf, &res, ur, sms, outgoing, expect_intl)
        # A C integer (rule, user rule + 1, context): no Python arithmetic on the way.
        ckey = (((<long long>res.rule << 32) | <long long>(ur + 1)) << 2) | (sms << 1) | outgoing
        key = ckey
        found = PyDict_GetItem(self.cache, key)
        if found == NULL:
            outcome = self.outcome(res.rule, ur, sms, outgoing)
            if not isinstance(outcome, tuple) or len(outcome) != 7:
                raise TypeError("outcome() must give an Outcome (a 7-tuple)")
            if len(self.cache) < 65536:
                self.cache[key] = outcome
        else:
            outcome = <object>found
        digits = (<char*>buf)[res.key_off:res.key_off + res.key_len].decode("ascii")
        area = None
        e164 = None
        cls = self.canon.klass(res.rule)
        if buf[res.key_off] == c'0':
            e164 = self.plus86 + digits[1:]
            if res.area_len:
                area = (<char*>buf)[res.area_off:res.area_off + res.area_len].decode("ascii")
            else:
                area = digits[:3] if res.key_len > 1 and (buf[res.key_off + 1] == c'1' or buf[res.key_off + 1] == c'2') else digits[:4]
        else:
            if res.area_len:
                area = (<char*>buf)[res.area_off:res.area_off + res.area_len].decode("ascii")
            if cls & (C_MOBILE | C_IOT):
                e164 = self.plus86 + digits
        ext = (<char*>text)[res.ext_off:res.ext_off + res.ext_len].decode("ascii") if res.ext_len else None
        dial = (res.flags >> 8) & 0xFF
        return self._record(raw, digits, e164, self.region, self.country_code,
                            self.carriers[res.rule], area, ext,
                            self.dial_prefixes[dial - 1] if dial else None,
                            self.flag_sets[res.flags & 0xFF & ~F_INTERNATIONAL],
                            <tuple>outcome, sms, outgoing)


# -- constants for the Python side ----------------------------------------------
# Exported so fraudnum.numbers reads them from here rather than retyping them.

#: Rule-class bits: one byte of these per rule index is given to Canonicaliser.
CLASS_MOBILE = C_MOBILE
CLASS_FIXED = C_FIXED
CLASS_SERVICE = C_SERVICE
CLASS_WEAK = C_WEAK
CLASS_INTERNATIONAL = C_INTERNATIONAL
CLASS_IOT = C_IOT
#: Result flag bits and the NumberInfo.flags name of each (bits 8-15: dial prefix index + 1).
FLAG_NAMES = (
    (F_PLUS, "plus"),
    (F_00, "00"),
    (F_CC86, "country_code_86"),
    (F_TRUNK_ZERO_MOBILE, "trunk_zero_mobile"),
    (F_REDUNDANT_TRUNK, "redundant_trunk_zero"),
    (F_NORMALISED, "normalised"),
    (F_TEL, "tel_uri"),
)
#: Set in a result whose key is "00" + an international number.
FLAG_INTERNATIONAL = F_INTERNATIONAL
#: classify_rows codes that are not rule matches.
ROW_PARSE = R_PARSE
ROW_INTERNATIONAL = R_INTERNATIONAL
ROW_MALFORMED = R_MALFORMED
#: Longest caller ID the canonicaliser reads; longer input is the Python parser's.
MAX_INPUT_LEN = MAX_RAW

#: classify_columns' store key of a row with no number (a key no store holds).
NO_STORE_KEY = NO_KEY

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
from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t
from libc.string cimport memcmp, memset

from fraudnum._trie cimport DigitTrie, MAX_KEY_LEN, _walk

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
        cdef unsigned char c
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
        for i in range(start, end):
            k = _extension_at(raw, i, end, &digits_at)
            if k:
                if i == start:
                    return False  # Python ignores a match at the start; it is then malformed
                res.ext_off = digits_at
                res.ext_len = k
                end = i
                break
        for i in range(start, end):
            c = raw[i]
            if c >= c'0' and c <= c'9':
                buf[2 + m] = c
                m += 1
            elif c == c'+' and m == 0 and not (res.flags & F_PLUS):
                res.flags |= F_PLUS
            elif not (c == c' ' or c == c'-' or c == c'.' or c == c'(' or c == c')' or c == c'\t'
                      or c == c'\n' or c == c'\r' or c == 0x0B or c == 0x0C
                      or c == B_INVISIBLE):
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


cdef Py_ssize_t _fold_to_ascii(str raw, unsigned char* out, Py_ssize_t cap, bint* normalised):
    """Copy a caller ID as ASCII, folding the full-width and invisible characters NFKC folds.

    Characters it cannot fold become 0xFF (the scan then leaves the input to
    the Python parser). Sets ``normalised`` when it folded anything, as the
    Python parser flags NFKC changes. Returns the length, or -1 past ``cap``.
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(raw)
    cdef int kind = PyUnicode_KIND(raw)
    cdef void* data = PyUnicode_DATA(raw)
    cdef Py_ssize_t i
    cdef unsigned int c  # not Py_UCS4: Cython treats that as a str in arithmetic
    if n > cap:
        return -1
    for i in range(n):
        c = <unsigned int>PyUnicode_READ(kind, data, i)
        if c < 128:
            out[i] = <unsigned char>c
            continue
        if c == 0x8F6C or c == 0x8F49:        # 转 轉 (NFKC keeps them: not "normalised")
            out[i] = B_ZHUAN
            continue
        if c == 0x5206:                      # 分
            out[i] = B_FEN
            continue
        if c == 0x673A or c == 0x6A5F:        # 机 機
            out[i] = B_JI
            continue
        normalised[0] = True
        if 0xFF10 <= c <= 0xFF19:            # full-width digits
            out[i] = <unsigned char>(c - 0xFF10 + 48)
        elif c == 0xFF0B:
            out[i] = c'+'
        elif c == 0xFF0D:
            out[i] = c'-'
        elif c == 0xFF08:
            out[i] = c'('
        elif c == 0xFF09:
            out[i] = c')'
        elif c == 0xFF0E:
            out[i] = c'.'
        elif c == 0x3000 or c == 0x00A0:
            out[i] = c' '                    # spaces
        elif (c == 0x200B or c == 0x200C or c == 0x200D or c == 0x2060 or c == 0xFEFF
              or c == 0x00AD):
            out[i] = B_INVISIBLE             # dropped by the parser, yet not whitespace
        else:
            out[i] = 0xFF
    return n


cdef inline object _result(unsigned char* buf, const unsigned char* text, Parsed* res):
    key = (<char*>buf)[res.key_off:res.key_off + res.key_len].decode("ascii")
    area = (<char*>buf)[res.area_off:res.area_off + res.area_len].decode("ascii") if res.area_len else ""
    ext = (<char*>text)[res.ext_off:res.ext_off + res.ext_len].decode("ascii") if res.ext_len else ""
    return (key, res.rule, area, res.flags, ext)


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

# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""A compact, immutable digit trie with length-aware longest-prefix lookup.

The numbering plan maps digit prefixes to rule rows, and one prefix may carry
several rows that differ by the length of the whole number (``95`` with 5-6
digits is a service number, with more it is a rented "long 95" line). So each
entry is ``(prefix, min_len, max_len, value)`` and a lookup returns the value of
the *longest* prefix of the key that has an entry admitting the key's length.

Layout: nodes are numbered breadth-first so the children of a node are
contiguous; a node stores a 10-bit child mask and the index of its first child,
and the child for digit ``d`` is ``first_child + popcount(mask & ((1 << d) - 1))``.
That is 10 bytes a node plus 6 a rule, with no Python object per node.
"""

from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.unicode cimport PyUnicode_GET_LENGTH, PyUnicode_READ, PyUnicode_KIND, PyUnicode_DATA
from libc.stdint cimport int32_t, uint8_t, uint16_t
from libc.string cimport memcmp, memset

cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define FRAUDNUM_POPCOUNT(x) __builtin_popcount(x)
    #else
    static int FRAUDNUM_POPCOUNT(unsigned int x) { int c = 0; while (x) { x &= x - 1; c++; } return c; }
    #endif
    """
    int FRAUDNUM_POPCOUNT(unsigned int x) nogil

# Keys longer than this cannot be numbers; they also bound the uint8 length fields.
cdef enum:
    MAX_KEY_LEN = 255


cdef inline int32_t _walk(const uint16_t* mask, const int32_t* first_child,
                          const int32_t* rule_start, const uint16_t* rule_count,
                          const uint8_t* rule_min, const uint8_t* rule_max,
                          const int32_t* rule_value,
                          const unsigned char* key, Py_ssize_t n) noexcept nogil:
    """Value of the longest prefix of key[:n] whose rules admit length n, or -1."""
    cdef int32_t node = 0
    cdef int32_t best = -1
    cdef int32_t r, r_end
    cdef Py_ssize_t i = 0
    cdef unsigned int d, m
    while True:
        r = rule_start[node]
        r_end = r + rule_count[node]
        while r < r_end:
            if rule_min[r] <= n <= rule_max[r]:
                best = rule_value[r]
                break
            r += 1
        if i >= n:
            break
        d = <unsigned int>(key[i] - 48)  # wraps for bytes below '0'
        if d > 9:
            break
        m = mask[node]
        if not (m >> d) & 1u:
            break
        node = first_child[node] + FRAUDNUM_POPCOUNT(m & ((1u << d) - 1u))
        i += 1
    return best


cdef Py_ssize_t _key_to_ascii(str key, unsigned char* out, Py_ssize_t cap):
    """Copy key into out as ASCII, mapping non-ASCII code points to 0xFF.

    Returns the key length, or -1 when it exceeds cap (no number is that long).
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(key)
    cdef int kind = PyUnicode_KIND(key)
    cdef void* data = PyUnicode_DATA(key)
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    if n > cap:
        return -1
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        out[i] = <unsigned char>c if c < 128 else 0xFF
    return n


cdef class DigitTrie:
    """An immutable digit trie: longest-prefix lookup that also checks the key length.

    Args:
        entries: ``(prefix, min_len, max_len, value)`` tuples. ``prefix`` is a
            non-empty string of ASCII digits; ``0 <= min_len <= max_len <= 255``;
            ``value`` is a non-negative int32. Two entries for the same prefix
            must not admit a common length.

    Raises:
        ValueError: an entry is malformed or overlaps another.
        TypeError: an entry has the wrong types.
    """

    cdef int32_t n_nodes
    cdef int32_t n_rules
    cdef uint16_t* mask
    cdef int32_t* first_child
    cdef int32_t* rule_start
    cdef uint16_t* rule_count
    cdef uint8_t* rule_min
    cdef uint8_t* rule_max
    cdef int32_t* rule_value

    def __cinit__(self):
        self.mask = NULL
        self.first_child = NULL
        self.rule_start = NULL
        self.rule_count = NULL
        self.rule_min = NULL
        self.rule_max = NULL
        self.rule_value = NULL
        self.n_nodes = 0
        self.n_rules = 0

    def __dealloc__(self):
        PyMem_Free(self.mask)
        PyMem_Free(self.first_child)
        PyMem_Free(self.rule_start)
        PyMem_Free(self.rule_count)
        PyMem_Free(self.rule_min)
        PyMem_Free(self.rule_max)
        PyMem_Free(self.rule_value)

    def __init__(self, entries=()):
        if self.mask != NULL:
            raise TypeError("DigitTrie is immutable; build a new one")
        rows = _validated(entries)
        self._build(rows)

    cdef _build(self, list rows):
        # Pass 1: a temporary dense trie (10 children a node) in creation order.
        cdef Py_ssize_t cap = 64
        cdef Py_ssize_t n = 1
        cdef int32_t* dense = <int32_t*>PyMem_Malloc(cap * 10 * sizeof(int32_t))
        cdef int32_t* grown
        cdef Py_ssize_t node, i, d, child
        if dense == NULL:
            raise MemoryError()
        memset(dense, 0xFF, cap * 10 * sizeof(int32_t))
        node_of_row = []
        try:
            for prefix, _, _, _ in rows:
                node = 0
                for ch in prefix:
                    d = ord(ch) - 48
                    child = dense[node * 10 + d]
                    if child < 0:
                        if n == cap:
                            grown = <int32_t*>PyMem_Malloc(cap * 2 * 10 * sizeof(int32_t))
                            if grown == NULL:
                                raise MemoryError()
                            memset(grown, 0xFF, cap * 2 * 10 * sizeof(int32_t))
                            for i in range(cap * 10):
                                grown[i] = dense[i]
                            PyMem_Free(dense)
                            dense = grown
                            cap *= 2
                        child = n
                        dense[node * 10 + d] = <int32_t>child
                        n += 1
                    node = child
                node_of_row.append(node)
            self._compact(dense, n, rows, node_of_row)
        finally:
            PyMem_Free(dense)

    cdef _compact(self, int32_t* dense, Py_ssize_t n, list rows, list node_of_row):
        # Pass 2: renumber breadth-first so siblings are contiguous.
        cdef Py_ssize_t i, d, head = 0, tail = 1, old, new_id
        cdef Py_ssize_t n_rules = len(rows)
        cdef int32_t* order = <int32_t*>PyMem_Malloc(n * sizeof(int32_t))
        cdef int32_t* new_of_old = <int32_t*>PyMem_Malloc(n * sizeof(int32_t))
        cdef unsigned int m
        if order == NULL or new_of_old == NULL:
            PyMem_Free(order)
            PyMem_Free(new_of_old)
            raise MemoryError()
        try:
            self.mask = <uint16_t*>PyMem_Malloc(n * sizeof(uint16_t))
            self.first_child = <int32_t*>PyMem_Malloc(n * sizeof(int32_t))
            self.rule_start = <int32_t*>PyMem_Malloc(n * sizeof(int32_t))
            self.rule_count = <uint16_t*>PyMem_Malloc(n * sizeof(uint16_t))
            self.rule_min = <uint8_t*>PyMem_Malloc((n_rules + 1) * sizeof(uint8_t))
            self.rule_max = <uint8_t*>PyMem_Malloc((n_rules + 1) * sizeof(uint8_t))
            self.rule_value = <int32_t*>PyMem_Malloc((n_rules + 1) * sizeof(int32_t))
            if (self.mask == NULL or self.first_child == NULL or self.rule_start == NULL
                    or self.rule_count == NULL or self.rule_min == NULL
                    or self.rule_max == NULL or self.rule_value == NULL):
                raise MemoryError()
            order[0] = 0
            new_of_old[0] = 0
            while head < tail:
                old = order[head]
                m = 0
                self.first_child[head] = <int32_t>tail
                for d in range(10):
                    if dense[old * 10 + d] >= 0:
                        m |= 1u << d
                        order[tail] = dense[old * 10 + d]
                        new_of_old[dense[old * 10 + d]] = <int32_t>tail
                        tail += 1
                self.mask[head] = <uint16_t>m
                head += 1
            self.n_nodes = <int32_t>n
            # Rules grouped by their node's new id, in the order given.
            new_ids = [new_of_old[<Py_ssize_t>x] for x in node_of_row]
            by_node = sorted(range(n_rules), key=new_ids.__getitem__)
            for i in range(n):
                self.rule_start[i] = 0
                self.rule_count[i] = 0
            for i, r in enumerate(by_node):
                new_id = new_ids[r]
                if self.rule_count[new_id] == 0:
                    self.rule_start[new_id] = <int32_t>i
                if self.rule_count[new_id] == 0xFFFF:
                    raise ValueError(f"too many entries for prefix {rows[r][0]!r}")
                self.rule_count[new_id] += 1
                _, lo, hi, value = rows[r]
                self.rule_min[i] = <uint8_t>lo
                self.rule_max[i] = <uint8_t>hi
                self.rule_value[i] = <int32_t>value
            self.n_rules = <int32_t>n_rules
        finally:
            PyMem_Free(order)
            PyMem_Free(new_of_old)

    def lookup(self, str key not None):
        """Return the value for the longest prefix of ``key`` admitting ``len(key)``.

        Args:
            key: a string of digits (any other character ends the walk).

        Returns:
            The entry's value, or -1 when no entry matches.
        """
        cdef unsigned char buf[MAX_KEY_LEN]
        cdef Py_ssize_t n = _key_to_ascii(key, buf, MAX_KEY_LEN)
        if n < 0:
            return -1
        return _walk(self.mask, self.first_child, self.rule_start, self.rule_count,
                     self.rule_min, self.rule_max, self.rule_value, buf, n)

    def lookup_batch(self, keys):
        """Look up many keys, releasing the GIL while walking the trie.

        Args:
            keys: a sequence of strings.

        Returns:
            A list of values, one per key, -1 where nothing matches.
        """
        cdef list items = list(keys)
        cdef Py_ssize_t count = len(items), i, total = 0, n
        cdef Py_ssize_t* offsets = NULL
        cdef Py_ssize_t* lengths = NULL
        cdef unsigned char* buf = NULL
        cdef int32_t* out = NULL
        for i in range(count):
            if not isinstance(items[i], str):
                raise TypeError(f"keys[{i}] must be str, not {type(items[i]).__name__}")
            n = PyUnicode_GET_LENGTH(items[i])
            total += n if n <= MAX_KEY_LEN else 0
        offsets = <Py_ssize_t*>PyMem_Malloc((count + 1) * sizeof(Py_ssize_t))
        lengths = <Py_ssize_t*>PyMem_Malloc((count + 1) * sizeof(Py_ssize_t))
        buf = <unsigned char*>PyMem_Malloc(total + 1)
        out = <int32_t*>PyMem_Malloc((count + 1) * sizeof(int32_t))
        try:
            if offsets == NULL or lengths == NULL or buf == NULL or out == NULL:
                raise MemoryError()
            total = 0
            for i in range(count):
                offsets[i] = total
                lengths[i] = _key_to_ascii(items[i], buf + total, MAX_KEY_LEN)
                if lengths[i] > 0:
                    total += lengths[i]
            with nogil:
                for i in range(count):
                    if lengths[i] < 0:
                        out[i] = -1
                    else:
                        out[i] = _walk(self.mask, self.first_child, self.rule_start,
                                       self.rule_count, self.rule_min, self.rule_max,
                                       self.rule_value, buf + offsets[i], lengths[i])
            return [out[i] for i in range(count)]
        finally:
            PyMem_Free(offsets)
            PyMem_Free(lengths)
            PyMem_Free(buf)
            PyMem_Free(out)

    def entries(self):
        """Return the entries as ``(prefix, min_len, max_len, value)``, sorted by prefix."""
        result = []
        stack = [(0, "")]
        cdef int32_t node, child, r
        cdef int d
        while stack:
            node, prefix = stack.pop()
            for r in range(self.rule_start[node], self.rule_start[node] + self.rule_count[node]):
                result.append((prefix, self.rule_min[r], self.rule_max[r], self.rule_value[r]))
            child = self.first_child[node]
            for d in range(10):
                if (self.mask[node] >> d) & 1:
                    stack.append((child, prefix + chr(48 + d)))
                    child += 1
        result.sort()
        return result

    def __len__(self):
        return self.n_rules

    @property
    def node_count(self):
        """Number of trie nodes, the root included."""
        return self.n_nodes

    @property
    def nbytes(self):
        """Bytes held by the flat arrays (the object header not included)."""
        return self.n_nodes * (2 + 4 + 4 + 2) + self.n_rules * (1 + 1 + 4)

    def __reduce__(self):
        # Rebuilding from entries re-runs validation, so a tampered pickle
        # cannot smuggle in out-of-range indices.
        return (DigitTrie, (self.entries(),))

    def __repr__(self):
        return f"DigitTrie(<{self.n_rules} entries, {self.n_nodes} nodes>)"


def _validated(entries):
    """Check entries and return them as a list of tuples sorted by prefix."""
    rows = []
    for i, entry in enumerate(entries):
        try:
            prefix, lo, hi, value = entry
        except (TypeError, ValueError):
            raise TypeError(f"entry {i} must be (prefix, min_len, max_len, value), got {entry!r}") from None
        if not isinstance(prefix, str):
            raise TypeError(f"entry {i}: prefix must be str, not {type(prefix).__name__}")
        if not prefix or not prefix.isascii() or not prefix.isdigit():
            raise ValueError(f"entry {i}: prefix must be a non-empty string of ASCII digits, got {prefix!r}")
        if len(prefix) > MAX_KEY_LEN:
            raise ValueError(f"entry {i}: prefix longer than {MAX_KEY_LEN} digits")
        for name, v in (("min_len", lo), ("max_len", hi), ("value", value)):
            if not isinstance(v, int) or isinstance(v, bool):
                raise TypeError(f"entry {i}: {name} must be int, not {type(v).__name__}")
        if not 0 <= lo <= hi <= MAX_KEY_LEN:
            raise ValueError(f"entry {i}: need 0 <= min_len <= max_len <= {MAX_KEY_LEN}, got {lo}..{hi}")
        if not 0 <= value <= 0x7FFFFFFF:
            raise ValueError(f"entry {i}: value must be a non-negative int32, got {value}")
        rows.append((prefix, lo, hi, value, i))
    rows.sort()
    for a, b in zip(rows, rows[1:]):
        if a[0] == b[0] and b[1] <= a[2]:
            raise ValueError(
                f"entries {a[4]} and {b[4]}: prefix {a[0]!r} has overlapping lengths "
                f"{a[1]}..{a[2]} and {b[1]}..{b[2]}")
    return [r[:4] for r in rows]


# -- canonicalising caller IDs in C --------------------------------------------
#
# The common caller-ID forms (ASCII digits with separators, +86/0086, area code
# + service number, IP-dial prefixes) are resolved here without the GIL. It
# mirrors fraudnum.numbers step for step; anything it does not handle (letters,
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

    The markers are fraudnum.numbers._EXTENSION's: ext. ext extension x # 转 轉
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
        classes: one byte of class bits per rule index (see ``fraudnum.numbers``).
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

        ``010-65612308-8001``: when the digits fit no number, fraudnum.numbers
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
                (-3 if results[i].clean else -1) if rule_out[i] < 0
                else -2 if results[i].flags & F_INTERNATIONAL
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

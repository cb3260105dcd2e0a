# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""Compiled filter of an SMS's phrase hits (which count, the rows they find) and proximity.

Same API and results as :mod:`fraudnum._pysmsrows` (see there for the semantics). The
per-row facts are flat C arrays, built once and freed in ``__dealloc__``; the row number of
each hit is checked against the row count before it indexes them, and every span against
the text's length before a code point is read. Pickling stores the facts and rebuilds.
"""

cimport cython
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from libc.stdint cimport int32_t, uint32_t, uint64_t, uint8_t
from libc.stdlib cimport qsort
from libc.string cimport memset

__all__ = [
    "NearRules", "RowFilter", "RowMarks", "TagRules", "blank_count", "dotted", "latin", "number_run",
    "pool_spans", "run_ends",
]

cdef extern from "Python.h":
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    uint32_t PyUnicode_READ(int kind, const void* data, Py_ssize_t index) nogil
    bint Py_UNICODE_ISDECIMAL(uint32_t ch) nogil
    bint Py_UNICODE_ISALNUM(uint32_t ch) nogil
    bint Py_UNICODE_ISSPACE(uint32_t ch) nogil
    unsigned long long PyLong_AsUnsignedLongLongMask(object o) except? <unsigned long long>-1
    object _PyLong_FromByteArray(const unsigned char* bytes, size_t n, int little_endian,
                                 int is_signed)

cdef extern from *:
    """
    #if PY_VERSION_HEX < 0x030C0000
    #define FN_UNICODE_READY(o) PyUnicode_READY(o)
    #else
    #define FN_UNICODE_READY(o) 0
    #endif
    """
    int FN_UNICODE_READY(object o) except -1


cdef inline bint _latin(uint32_t o) noexcept nogil:
    if o < 128:
        return (48 <= o <= 57) or (65 <= o <= 90) or (97 <= o <= 122)
    return (0xFF10 <= o <= 0xFF19) or (0xFF21 <= o <= 0xFF3A) or (0xFF41 <= o <= 0xFF5A)


cdef inline bint _clause(uint32_t o) noexcept nogil:
    return (o == 0xFF0C or o == 0x3002 or o == 0x3001 or o == 0xFF1B or o == 0xFF01
            or o == 0xFF1F or o == 0xFF1A or o == 10)


cdef inline bint _amount_sep(uint32_t o) noexcept nogil:
    return o == 46 or o == 44 or o == 0xFF0C or o == 0xFF0E


cdef inline bint _number_char(uint32_t o) noexcept nogil:
    return ((48 <= o <= 57) or (0xFF10 <= o <= 0xFF19) or o == 120 or o == 88 or o == 42
            or o == 0xFF0A)


def dotted(str text not None):
    """Whether a Latin letter or digit, a dot (. ． 。 ｡) and another one follow each other."""
    cdef Py_ssize_t n, i
    cdef int kind
    cdef const void* data
    cdef uint32_t o
    FN_UNICODE_READY(text)
    kind = PyUnicode_KIND(text)
    data = PyUnicode_DATA(text)
    n = PyUnicode_GET_LENGTH(text)
    for i in range(1, n - 1):
        o = PyUnicode_READ(kind, data, i)
        if ((o == 46 or o == 0xFF0E or o == 0x3002 or o == 0xFF61)
                and _latin(PyUnicode_READ(kind, data, i - 1))
                and _latin(PyUnicode_READ(kind, data, i + 1))):
            return True
    return False


def number_run(str text not None):
    """Whether seven number characters follow each other, one hyphen allowed between two."""
    cdef Py_ssize_t n, i, count = 0
    cdef int kind
    cdef const void* data
    cdef uint32_t o
    cdef bint last = False, hyphen = False  # the previous character: a number, or a hyphen after one
    FN_UNICODE_READY(text)
    kind = PyUnicode_KIND(text)
    data = PyUnicode_DATA(text)
    n = PyUnicode_GET_LENGTH(text)
    for i in range(n):
        o = PyUnicode_READ(kind, data, i)
        if _number_char(o):
            count = count + 1 if (last or hyphen) else 1
            if count >= 7:
                return True
            last = True
            hyphen = False
        elif (o == 45 or o == 0xFF0D) and last:
            last = False
            hyphen = True
        else:
            count = 0
            last = False
            hyphen = False
    return False


def blank_count(str text not None):
    """The white space characters of ``text`` (str.isspace: the plain space included)."""
    cdef Py_ssize_t n, i, count = 0
    cdef int kind
    cdef const void* data
    FN_UNICODE_READY(text)
    kind = PyUnicode_KIND(text)
    data = PyUnicode_DATA(text)
    n = PyUnicode_GET_LENGTH(text)
    for i in range(n):
        if Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)):
            count += 1
    return count


def latin(str ch):
    """True for an ASCII or full-width Latin letter or digit."""
    if len(ch) != 1:
        raise TypeError("latin() expects one character")
    return _latin(ord(ch))


def run_ends(str text not None, str chars not None):
    """The end offsets of the maximal runs of characters of ``chars`` in ``text``, in order."""
    cdef Py_ssize_t n, i, k, m
    cdef int kind, ckind
    cdef const void* data
    cdef const void* cdata
    cdef uint32_t o
    cdef uint32_t* marks
    cdef bint inside = False, hit
    cdef list out = []
    cdef uint8_t low[32]  # bit (o & 255) set for some mark: most characters fail this test
    FN_UNICODE_READY(text)
    FN_UNICODE_READY(chars)
    m = PyUnicode_GET_LENGTH(chars)
    if m == 0:
        return out
    marks = <uint32_t*>PyMem_Malloc(m * sizeof(uint32_t))
    if marks == NULL:
        raise MemoryError()
    try:
        ckind = PyUnicode_KIND(chars)
        cdata = PyUnicode_DATA(chars)
        memset(low, 0, sizeof(low))
        for k in range(m):
            marks[k] = PyUnicode_READ(ckind, cdata, k)
            low[(marks[k] & 255) >> 3] |= 1 << (marks[k] & 7)
        kind = PyUnicode_KIND(text)
        data = PyUnicode_DATA(text)
        n = PyUnicode_GET_LENGTH(text)
        for i in range(n):
            o = PyUnicode_READ(kind, data, i)
            hit = False
            if low[(o & 255) >> 3] & (1 << (o & 7)):
                for k in range(m):
                    if marks[k] == o:
                        hit = True
                        break
            if hit:
                inside = True
            elif inside:
                inside = False
                out.append(i)
        if inside:
            out.append(n)
        return out
    finally:
        PyMem_Free(marks)


@cython.final
cdef class RowFilter:
    """The per-row facts the hit filter needs, fixed once built (see fraudnum._pysmsrows)."""

    cdef Py_ssize_t _rows
    cdef int32_t* _flen
    cdef int32_t* _cat
    cdef uint8_t* _flags  # bit 1/2: Latin bound at start/end, 4: numeric, 8: negates,
    # 16: negatable
    cdef int _free
    cdef Py_ssize_t _reach
    cdef int _max
    cdef int _n_cats
    cdef tuple _args

    def __cinit__(self):
        self._flen = NULL
        self._cat = NULL
        self._flags = NULL

    def __init__(self, bound, flen, numeric, negates, cat, int free, int max_spans,
                 negatable=None, Py_ssize_t negation_reach=24):
        cdef Py_ssize_t i, n
        cdef int c, f, b
        bound, flen, numeric, negates, cat = (
            tuple(bound), tuple(flen), tuple(numeric), tuple(negates), tuple(cat)
        )
        n = len(bound)
        negatable = (False,) * n if negatable is None else tuple(negatable)
        if not (len(flen) == len(numeric) == len(negates) == len(cat) == len(negatable) == n):
            raise ValueError("every per-row sequence must have one item per row")
        if max_spans < 1:
            raise ValueError("max_spans must be at least 1")
        if negation_reach < 0:
            raise ValueError("negation_reach must not be negative")
        if self._flen != NULL:
            raise TypeError("RowFilter is immutable once built")
        self._flen = <int32_t*>PyMem_Malloc((n if n else 1) * sizeof(int32_t))
        self._cat = <int32_t*>PyMem_Malloc((n if n else 1) * sizeof(int32_t))
        self._flags = <uint8_t*>PyMem_Malloc((n if n else 1) * sizeof(uint8_t))
        if self._flen == NULL or self._cat == NULL or self._flags == NULL:
            raise MemoryError()
        self._n_cats = 1
        for i in range(n):
            c = cat[i]
            f = flen[i]
            b = bound[i]
            if c < 0:
                raise ValueError("categories must not be negative")
            self._cat[i] = c
            self._flen[i] = f
            self._flags[i] = ((b & 3) | (4 if numeric[i] else 0) | (8 if negates[i] else 0)
                              | (16 if negatable[i] else 0))
            if c + 1 > self._n_cats:
                self._n_cats = c + 1
        self._rows = n
        self._free = free
        self._max = max_spans
        self._reach = negation_reach
        self._args = (
            tuple(int(x) for x in bound), tuple(int(x) for x in flen),
            tuple(bool(x) for x in numeric), tuple(bool(x) for x in negates),
            tuple(int(x) for x in cat), free, max_spans,
            tuple(bool(x) for x in negatable), negation_reach,
        )

    def __dealloc__(self):
        PyMem_Free(self._flen)
        PyMem_Free(self._cat)
        PyMem_Free(self._flags)

    def __reduce__(self):
        return (RowFilter, self._args)

    def __len__(self):
        return self._rows

    def keep(self, str text not None, hits, urls):
        """The hits that count, in order, and whether a negating row is among them."""
        cdef int kind
        cdef const void* data
        cdef Py_ssize_t n, s, e, v, i, u = 0, n_urls, us, ue
        cdef uint8_t fl
        cdef bint negated = False, skip
        cdef list kept = []
        cdef tuple hit
        cdef list spans = []
        FN_UNICODE_READY(text)
        kind = PyUnicode_KIND(text)
        data = PyUnicode_DATA(text)
        n = PyUnicode_GET_LENGTH(text)
        for pair in urls:
            us, ue = pair
            spans.append((us, ue))
        n_urls = len(spans)
        for obj in hits:
            hit = <tuple?>obj
            s, e, v = hit
            if v < 0 or v >= self._rows:
                raise IndexError(f"row {v} out of range")
            if not (0 <= s <= e <= n):
                raise ValueError(f"span {s}..{e} outside the text")
            fl = self._flags[v]
            if fl & 1 and s > 0 and _latin(PyUnicode_READ(kind, data, s - 1)):
                continue
            if fl & 2 and e < n and _latin(PyUnicode_READ(kind, data, e)):
                continue
            if e - s > self._flen[v]:
                skip = False
                for i in range(s, e):
                    if _clause(PyUnicode_READ(kind, data, i)):
                        skip = True
                        break
                if skip:
                    continue
            if fl & 4 and e - s == self._flen[v] + 1:
                skip = False
                for i in range(s, e - 2):
                    if (Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, i))
                            and _amount_sep(PyUnicode_READ(kind, data, i + 1))
                            and Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, i + 2))):
                        skip = True
                        break
                if skip:
                    continue
            if n_urls:
                while u < n_urls and (<tuple>spans[u])[1] < e:
                    u += 1
                if u < n_urls and (<tuple>spans[u])[0] <= s:
                    continue
            kept.append(hit)
            if fl & 8:
                negated = True
        if negated:
            kept = self._negate(kind, data, n, kept)
        return kept, negated

    cdef list _negate(self, int kind, const void* data, Py_ssize_t n, list kept):
        """The demands after a negating cue up to the end of its clause do not count."""
        cdef Py_ssize_t i, j, m = len(kept), n_cues = 0, e, stop, s2, e2, v
        cdef Py_ssize_t* cue_s = <Py_ssize_t*>PyMem_Malloc((m or 1) * sizeof(Py_ssize_t))
        cdef Py_ssize_t* cue_e = <Py_ssize_t*>PyMem_Malloc((m or 1) * sizeof(Py_ssize_t))
        cdef tuple hit
        cdef list out = []
        cdef bint inside
        if cue_s == NULL or cue_e == NULL:
            PyMem_Free(cue_s)
            PyMem_Free(cue_e)
            raise MemoryError()
        try:
            for i in range(m):
                hit = <tuple>kept[i]
                v = hit[2]
                if self._flags[v] & 8:
                    e = hit[1]
                    stop = e + self._reach
                    if stop > n:
                        stop = n
                    j = e
                    while j < stop and not _clause(PyUnicode_READ(kind, data, j)):
                        j += 1
                    cue_s[n_cues] = e
                    cue_e[n_cues] = j
                    n_cues += 1
            for i in range(m):
                hit = <tuple>kept[i]
                v = hit[2]
                if self._flags[v] & 16:
                    s2 = hit[0]
                    e2 = hit[1]
                    inside = False
                    for j in range(n_cues):
                        if cue_s[j] <= s2 and e2 <= cue_e[j]:
                            inside = True
                            break
                    if inside:
                        continue
                out.append(hit)
            return out
        finally:
            PyMem_Free(cue_s)
            PyMem_Free(cue_e)

    def group(self, Py_ssize_t text_len, kept):
        """The rows found among ``kept`` (ordered by end), each with its spans, last first."""
        cdef dict found = {}
        cdef list seq = list(kept)
        cdef Py_ssize_t i, s, v, c
        cdef Py_ssize_t* first = <Py_ssize_t*>PyMem_Malloc(self._n_cats * sizeof(Py_ssize_t))
        cdef tuple hit, span
        cdef object lst, key
        if first == NULL:
            raise MemoryError()
        try:
            for i in range(self._n_cats):
                first[i] = text_len + 1
            for i in range(len(seq) - 1, -1, -1):
                hit = <tuple?>seq[i]
                if len(hit) != 3:
                    raise ValueError("a hit is (start, end, row)")
                s = hit[0]
                key = hit[2]
                v = key
                if v < 0 or v >= self._rows:
                    raise IndexError(f"row {v} out of range")
                c = self._cat[v]
                if c != self._free:
                    if first[c] <= s:
                        continue
                    first[c] = s
                span = PyTuple_New(2)
                Py_INCREF(hit[0])
                PyTuple_SET_ITEM(span, 0, hit[0])
                Py_INCREF(hit[1])
                PyTuple_SET_ITEM(span, 1, hit[1])
                lst = found.get(key)
                if lst is None:
                    found[key] = [span]
                elif len(<list>lst) < self._max:
                    (<list>lst).append(span)
            return found
        finally:
            PyMem_Free(first)


cdef extern from "Python.h":
    bint PyDict_Next(object p, Py_ssize_t* ppos, PyObject** pkey, PyObject** pvalue)


@cython.final
cdef class RowMarks:
    """Per phrase row a set of marks (bits), and the marks of a set of rows (see the twin)."""

    cdef Py_ssize_t _rows
    cdef uint64_t* _marks
    cdef tuple _args

    def __cinit__(self):
        self._marks = NULL

    def __init__(self, marks):
        cdef Py_ssize_t i
        cdef tuple values = tuple(int(m) for m in marks)
        for m in values:
            if not 0 <= m < 2 ** 63:
                raise ValueError("a row's marks must be a non-negative int below 2**63")
        if self._marks != NULL:
            raise TypeError("RowMarks is immutable once built")
        self._marks = <uint64_t*>PyMem_Malloc((len(values) or 1) * sizeof(uint64_t))
        if self._marks == NULL:
            raise MemoryError()
        for i in range(len(values)):
            self._marks[i] = <uint64_t>values[i]
        self._rows = len(values)
        self._args = values

    def __dealloc__(self):
        PyMem_Free(self._marks)

    def __reduce__(self):
        return (RowMarks, (self._args,))

    def __len__(self):
        return self._rows

    def of(self, rows):
        """The union of the marks of ``rows`` (row numbers; a dict's keys are read in C)."""
        cdef uint64_t out = 0
        cdef Py_ssize_t pos = 0, v
        cdef PyObject* key
        cdef PyObject* value
        if type(rows) is dict:
            while PyDict_Next(rows, &pos, &key, &value):
                v = <object>key
                if v < 0 or v >= self._rows:
                    raise IndexError(f"row {v} out of range")
                out |= self._marks[v]
        else:
            for obj in rows:
                v = obj
                if v < 0 or v >= self._rows:
                    raise IndexError(f"row {v} out of range")
                out |= self._marks[v]
        return out


cdef struct NearHit:
    Py_ssize_t unit
    Py_ssize_t start
    Py_ssize_t end
    int32_t tag


cdef int _cmp_hits(const void* a, const void* b) noexcept nogil:
    cdef const NearHit* x = <const NearHit*>a
    cdef const NearHit* y = <const NearHit*>b
    if x.unit != y.unit:
        return -1 if x.unit < y.unit else 1
    if x.start != y.start:
        return -1 if x.start < y.start else 1
    if x.end != y.end:
        return -1 if x.end < y.end else 1
    if x.tag != y.tag:
        return -1 if x.tag < y.tag else 1
    return 0


cdef inline void _sort_small(NearHit* hits, Py_ssize_t n) noexcept nogil:
    # The order _cmp_hits defines: equal hits are equal in every field, so any sort agrees.
    cdef Py_ssize_t i, j
    cdef NearHit x
    for i in range(1, n):
        x = hits[i]
        j = i - 1
        while j >= 0 and _cmp_hits(&hits[j], &x) > 0:
            hits[j + 1] = hits[j]
            j -= 1
        hits[j + 1] = x


@cython.final
cdef class NearRules:
    """Proximity rules over phrase families, fixed once built (see fraudnum._pysmsrows)."""

    cdef Py_ssize_t _rows
    cdef Py_ssize_t _n_rules
    cdef int _n_tags
    cdef int32_t* _row_start  # row v's family ids: _row_ids[_row_start[v]:_row_start[v + 1]]
    cdef int32_t* _row_ids
    cdef uint8_t* _need  # rule i needs family t: _need[i * _n_tags + t]
    cdef int32_t* _n_need
    cdef int32_t* _reach
    cdef tuple _row_mask
    cdef tuple _rule_mask
    cdef tuple _args
    cdef int _words
    cdef uint64_t* _row_bits  # row v's families: _row_bits[v * _words : (v + 1) * _words]

    def __cinit__(self):
        self._row_start = NULL
        self._row_ids = NULL
        self._need = NULL
        self._n_need = NULL
        self._reach = NULL
        self._row_bits = NULL

    def __init__(self, row_tags, rules, int n_tags):
        cdef Py_ssize_t i, k, n_ids = 0
        cdef int t
        if self._row_start != NULL:
            raise TypeError("NearRules is immutable once built")
        if n_tags < 0:
            raise ValueError("n_tags must not be negative")
        rows = tuple(tuple(int(t) for t in tags) for tags in row_tags)
        rule_list = tuple((tuple(int(t) for t in need), int(reach)) for need, reach in rules)
        for tags in rows:
            for t in tags:
                if not 0 <= t < n_tags:
                    raise ValueError("a family id is out of range")
            n_ids += len(tags)
        for need, reach in rule_list:
            if len(set(need)) != len(need) or not need:
                raise ValueError("a rule needs distinct families, at least one")
            for t in need:
                if not 0 <= t < n_tags:
                    raise ValueError("a family id is out of range")
            if reach < 1:
                raise ValueError("a rule's reach must be at least 1")
        self._rows = len(rows)
        self._n_rules = len(rule_list)
        self._n_tags = n_tags
        self._row_start = <int32_t*>PyMem_Malloc((self._rows + 1) * sizeof(int32_t))
        self._row_ids = <int32_t*>PyMem_Malloc((n_ids if n_ids else 1) * sizeof(int32_t))
        self._need = <uint8_t*>PyMem_Malloc((self._n_rules * n_tags or 1) * sizeof(uint8_t))
        self._n_need = <int32_t*>PyMem_Malloc((self._n_rules or 1) * sizeof(int32_t))
        self._reach = <int32_t*>PyMem_Malloc((self._n_rules or 1) * sizeof(int32_t))
        if (self._row_start == NULL or self._row_ids == NULL or self._need == NULL
                or self._n_need == NULL or self._reach == NULL):
            raise MemoryError()
        k = 0
        for i in range(self._rows):
            self._row_start[i] = k
            for t in rows[i]:
                self._row_ids[k] = t
                k += 1
        self._row_start[self._rows] = k
        memset(self._need, 0, self._n_rules * n_tags)
        for i in range(self._n_rules):
            need, reach = rule_list[i]
            for t in need:
                self._need[i * n_tags + t] = 1
            self._n_need[i] = len(need)
            self._reach[i] = reach
        self._row_mask = tuple(sum(1 << t for t in set(tags)) for tags in rows)
        self._words = (n_tags + 63) // 64 or 1
        self._row_bits = <uint64_t*>PyMem_Malloc((self._rows or 1) * self._words * sizeof(uint64_t))
        if self._row_bits == NULL:
            raise MemoryError()
        memset(self._row_bits, 0, (self._rows or 1) * self._words * sizeof(uint64_t))
        for i in range(self._rows):
            for t in rows[i]:
                self._row_bits[i * self._words + t // 64] |= (<uint64_t>1) << (t % 64)
        self._rule_mask = tuple(sum(1 << t for t in need) for need, _ in rule_list)
        self._args = (rows, tuple((tuple(sorted(n)), r) for n, r in rule_list), n_tags)

    def __dealloc__(self):
        PyMem_Free(self._row_start)
        PyMem_Free(self._row_ids)
        PyMem_Free(self._need)
        PyMem_Free(self._n_need)
        PyMem_Free(self._reach)
        PyMem_Free(self._row_bits)

    def __reduce__(self):
        return (NearRules, self._args)

    def __len__(self):
        return self._n_rules

    def present(self, rows):
        """The families the given rows carry, as a bit mask (bit ``id``)."""
        cdef Py_ssize_t v, w, words = self._words
        cdef uint64_t acc[4]
        cdef uint64_t* bits
        if words > 4:  # more than 256 families: Python ints
            out = 0
            for obj in rows:
                v = obj
                if v < 0 or v >= self._rows:
                    raise IndexError(f"row {v} out of range")
                out |= self._row_mask[v]
            return out
        memset(acc, 0, sizeof(acc))
        for obj in rows:
            v = obj
            if v < 0 or v >= self._rows:
                raise IndexError(f"row {v} out of range")
            bits = &self._row_bits[v * words]
            for w in range(words):
                acc[w] |= bits[w]
        if words == 1:
            return acc[0]
        out = 0
        for w in range(words):
            if acc[w]:
                out |= (<object>acc[w]) << (64 * w)
        return out

    def todo(self, present):
        """The rules (by position) whose families all occur in ``present``."""
        return tuple(i for i, m in enumerate(self._rule_mask) if m & present == m)

    def windows(self, found, starts, todo):
        """For each rule in ``todo``, where its families first meet within its reach, or None."""
        cdef Py_ssize_t n_hits = 0, n_starts, i, j, k, v, r, s, e, lo, hi, m, best_e
        cdef Py_ssize_t lo_s, hi_u
        cdef int distinct, needed, reach, t
        cdef NearHit* hits = NULL
        cdef NearHit* sel = NULL
        cdef Py_ssize_t* st = NULL
        cdef int* count = NULL
        cdef uint8_t* need
        cdef list out = []
        cdef object window
        for key, spans in found.items():
            v = key
            if v < 0 or v >= self._rows:
                raise IndexError(f"row {v} out of range")
            n_hits += len(spans) * (self._row_start[v + 1] - self._row_start[v])
        st_list = list(starts)
        n_starts = len(st_list)
        try:
            hits = <NearHit*>PyMem_Malloc((n_hits or 1) * sizeof(NearHit))
            sel = <NearHit*>PyMem_Malloc((n_hits or 1) * sizeof(NearHit))
            st = <Py_ssize_t*>PyMem_Malloc((n_starts or 1) * sizeof(Py_ssize_t))
            count = <int*>PyMem_Malloc((self._n_tags or 1) * sizeof(int))
            if hits == NULL or sel == NULL or st == NULL or count == NULL:
                raise MemoryError()
            for i in range(n_starts):
                st[i] = st_list[i]
            k = 0
            for key, spans in found.items():
                v = key
                if self._row_start[v] == self._row_start[v + 1]:
                    continue
                for span in spans:
                    s, e = span
                    # the sentence holding s: bisect_right(starts, s) - 1
                    lo = 0
                    hi = n_starts
                    while lo < hi:
                        m = (lo + hi) // 2
                        if s < st[m]:
                            hi = m
                        else:
                            lo = m + 1
                    for j in range(self._row_start[v], self._row_start[v + 1]):
                        if k >= n_hits:
                            raise RuntimeError("found changed while it was read")
                        hits[k].unit = lo - 1
                        hits[k].start = s
                        hits[k].end = e
                        hits[k].tag = self._row_ids[j]
                        k += 1
            n_hits = k
            if n_hits <= 48:  # a text's few hits: insertion sort, no allocation, no callback
                _sort_small(hits, n_hits)
            else:
                qsort(hits, n_hits, sizeof(NearHit), _cmp_hits)
            for obj in todo:
                r = obj
                if r < 0 or r >= self._n_rules:
                    raise IndexError(f"rule {r} out of range")
                need = &self._need[r * self._n_tags]
                needed = self._n_need[r]
                reach = self._reach[r]
                m = 0
                for i in range(n_hits):
                    if need[hits[i].tag]:
                        sel[m] = hits[i]
                        m += 1
                memset(count, 0, self._n_tags * sizeof(int))
                distinct = 0
                lo = 0
                window = None
                for hi in range(m):
                    t = sel[hi].tag
                    if count[t] == 0:
                        distinct += 1
                    count[t] += 1
                    hi_u = sel[hi].unit
                    while sel[lo].unit <= hi_u - reach:  # reach >= 1: stops at hi
                        t = sel[lo].tag
                        count[t] -= 1
                        if count[t] == 0:
                            distinct -= 1
                        lo += 1
                    if distinct == needed:
                        while count[sel[lo].tag] > 1:
                            count[sel[lo].tag] -= 1
                            lo += 1
                        best_e = sel[lo].end
                        for i in range(lo + 1, hi + 1):
                            if sel[i].end > best_e:
                                best_e = sel[i].end
                        window = (sel[lo].start, best_e)
                        break
                out.append(window)
            return out
        finally:
            PyMem_Free(hits)
            PyMem_Free(sel)
            PyMem_Free(st)
            PyMem_Free(count)


@cython.final
cdef class TagRules:
    """Phrase rows' tags and weights and the co-occurrence rules as bit masks (see the twin).

    A set of tags is a Python ``int`` at the interface, ``_words`` 64-bit words inside; every
    row and rule is a fixed-size slice of flat C arrays.
    """

    cdef Py_ssize_t _rows
    cdef Py_ssize_t _n_rules
    cdef int _n_cats
    cdef int _n_tags
    cdef int _words
    cdef int32_t* _row_cat
    cdef double* _weight
    cdef uint64_t* _row_mask  # row v: _row_mask[v * _words : (v + 1) * _words]
    cdef uint64_t* _require  # rule i: [i * _words : (i + 1) * _words], likewise below
    cdef uint64_t* _absent
    cdef uint64_t* _adds
    cdef int32_t* _first  # the lowest id rule i requires
    cdef int32_t* _rank
    cdef tuple _args

    def __cinit__(self):
        self._row_cat = NULL
        self._weight = NULL
        self._row_mask = NULL
        self._require = NULL
        self._absent = NULL
        self._adds = NULL
        self._first = NULL
        self._rank = NULL

    def __init__(self, row_cat, row_weight, row_tags, int n_cats, int n_tags, rules):
        cdef Py_ssize_t v, i
        cdef int c, t, w
        if self._row_cat != NULL:
            raise TypeError("TagRules is immutable once built")
        cats = tuple(int(c) for c in row_cat)
        weights = tuple(float(x) for x in row_weight)
        tags = tuple(tuple(int(t) for t in ids) for ids in row_tags)
        if not len(cats) == len(weights) == len(tags):
            raise ValueError("every per-row sequence must have one item per row")
        if n_cats < 1 or n_tags < 0:
            raise ValueError("n_cats must be at least 1 and n_tags not negative")
        rule_list = tuple(
            (tuple(int(t) for t in req), tuple(int(t) for t in ab), tuple(int(t) for t in ad),
             int(r))
            for req, ab, ad, r in rules
        )
        for c in cats:
            if not 0 <= c < n_cats:
                raise ValueError("a category is out of range")
        for ids in (*tags, *(x for rule in rule_list for x in rule[:3])):
            for t in ids:
                if not 0 <= t < n_tags:
                    raise ValueError("a tag id is out of range")
        for rule in rule_list:
            if not rule[0]:
                raise ValueError("a rule requires at least one tag")
        self._rows = len(cats)
        self._n_rules = len(rule_list)
        self._n_cats = n_cats
        self._n_tags = n_tags
        self._words = (n_tags + 63) // 64 or 1
        w = self._words
        self._row_cat = <int32_t*>PyMem_Malloc((self._rows or 1) * sizeof(int32_t))
        self._weight = <double*>PyMem_Malloc((self._rows or 1) * sizeof(double))
        self._row_mask = <uint64_t*>PyMem_Malloc((self._rows or 1) * w * sizeof(uint64_t))
        self._require = <uint64_t*>PyMem_Malloc((self._n_rules or 1) * w * sizeof(uint64_t))
        self._absent = <uint64_t*>PyMem_Malloc((self._n_rules or 1) * w * sizeof(uint64_t))
        self._adds = <uint64_t*>PyMem_Malloc((self._n_rules or 1) * w * sizeof(uint64_t))
        self._first = <int32_t*>PyMem_Malloc((self._n_rules or 1) * sizeof(int32_t))
        self._rank = <int32_t*>PyMem_Malloc((self._n_rules or 1) * sizeof(int32_t))
        if (self._row_cat == NULL or self._weight == NULL or self._row_mask == NULL
                or self._require == NULL or self._absent == NULL or self._adds == NULL
                or self._first == NULL or self._rank == NULL):
            raise MemoryError()
        memset(self._row_mask, 0, (self._rows or 1) * w * sizeof(uint64_t))
        memset(self._require, 0, (self._n_rules or 1) * w * sizeof(uint64_t))
        memset(self._absent, 0, (self._n_rules or 1) * w * sizeof(uint64_t))
        memset(self._adds, 0, (self._n_rules or 1) * w * sizeof(uint64_t))
        for v in range(self._rows):
            self._row_cat[v] = cats[v]
            self._weight[v] = weights[v]
            for t in tags[v]:
                self._row_mask[v * w + t // 64] |= (<uint64_t>1) << (t % 64)
        for i in range(self._n_rules):
            req, ab, ad, r = rule_list[i]
            for t in req:
                self._require[i * w + t // 64] |= (<uint64_t>1) << (t % 64)
            for t in ab:
                self._absent[i * w + t // 64] |= (<uint64_t>1) << (t % 64)
            for t in ad:
                self._adds[i * w + t // 64] |= (<uint64_t>1) << (t % 64)
            self._first[i] = min(req)
            self._rank[i] = r
        self._args = (cats, weights, tags, n_cats, n_tags, rule_list)

    def __dealloc__(self):
        PyMem_Free(self._row_cat)
        PyMem_Free(self._weight)
        PyMem_Free(self._row_mask)
        PyMem_Free(self._require)
        PyMem_Free(self._absent)
        PyMem_Free(self._adds)
        PyMem_Free(self._first)
        PyMem_Free(self._rank)

    def __reduce__(self):
        return (TagRules, self._args)

    def __len__(self):
        return self._n_rules

    cdef object _to_int(self, const uint64_t* words):
        # One conversion from little-endian bytes: shifting and or-ing Python ints word by
        # word allocated a new int at every step.
        cdef int k, b, top = -1
        cdef unsigned char small[256]
        cdef unsigned char* buf = small
        for k in range(self._words - 1, -1, -1):
            if words[k]:
                top = k
                break
        if top < 0:
            return 0
        if top == 0:
            return words[0]
        if (top + 1) * 8 > 256:
            buf = <unsigned char*>PyMem_Malloc((top + 1) * 8)
            if buf == NULL:
                raise MemoryError()
        try:
            for k in range(top + 1):
                for b in range(8):
                    buf[k * 8 + b] = <unsigned char>((words[k] >> (8 * b)) & 0xFF)
            return _PyLong_FromByteArray(buf, (top + 1) * 8, 1, 0)
        finally:
            if buf != small:
                PyMem_Free(buf)

    def ids(self, mask):
        """The tag ids set in ``mask``, ascending."""
        cdef int w = self._words, k, b
        cdef uint64_t word
        cdef list out = []
        if mask < 0 or mask >> self._n_tags:
            raise ValueError("a tag id is out of range")
        rest = mask
        for k in range(w):
            if not rest:
                break
            word = PyLong_AsUnsignedLongLongMask(rest)  # the low 64 bits (rest >= 0)
            if k + 1 < w:
                rest = rest >> 64
            b = 0
            while word:
                if word & 1:
                    out.append(k * 64 + b)
                word >>= 1
                b += 1
        return out

    def tally(self, rows, Py_ssize_t skip_negative=-1):
        """Per category the summed weight and the tags of ``rows``, and all their tags.

        The rows of category ``skip_negative`` (``-1``: none) that weigh less than zero add
        their tags but not their weight (the other weights are summed in the order given).
        """
        cdef int w = self._words, n_cats = self._n_cats, k
        cdef Py_ssize_t v, c
        cdef double* scores = <double*>PyMem_Malloc(n_cats * sizeof(double))
        cdef uint64_t* masks = <uint64_t*>PyMem_Malloc((n_cats + 1) * w * sizeof(uint64_t))
        cdef uint64_t* union_ = NULL
        cdef const uint64_t* row
        if scores == NULL or masks == NULL:
            PyMem_Free(scores)
            PyMem_Free(masks)
            raise MemoryError()
        try:
            memset(masks, 0, (n_cats + 1) * w * sizeof(uint64_t))
            for k in range(n_cats):
                scores[k] = 0.0
            for obj in rows:
                v = obj
                if v < 0 or v >= self._rows:
                    raise IndexError(f"row {v} out of range")
                c = self._row_cat[v]
                if c != skip_negative or self._weight[v] >= 0:
                    scores[c] += self._weight[v]
                row = &self._row_mask[v * w]
                for k in range(w):
                    masks[c * w + k] |= row[k]
            union_ = &masks[n_cats * w]
            for c in range(n_cats):
                for k in range(w):
                    union_[k] |= masks[c * w + k]
            score_list = [scores[k] for k in range(n_cats)]
            mask_tuple = PyTuple_New(n_cats)
            for c in range(n_cats):
                m = self._to_int(&masks[c * w])
                Py_INCREF(m)
                PyTuple_SET_ITEM(mask_tuple, c, m)
            return score_list, mask_tuple, self._to_int(union_)
        finally:
            PyMem_Free(scores)
            PyMem_Free(masks)

    def fire(self, tags, far):
        """The rules that fire on ``tags`` (in order), their highest rank, the tags after."""
        cdef int w = self._words, k, t, floor = 0
        cdef Py_ssize_t i, f
        cdef bint ok
        cdef uint64_t* start = <uint64_t*>PyMem_Malloc(2 * w * sizeof(uint64_t))
        cdef uint64_t* after
        cdef uint8_t* skip = <uint8_t*>PyMem_Malloc(self._n_rules or 1)
        cdef list fired = []
        if start == NULL or skip == NULL:
            PyMem_Free(start)
            PyMem_Free(skip)
            raise MemoryError()
        try:
            if tags < 0 or tags >> self._n_tags:
                raise ValueError("a tag id is out of range")
            rest = tags
            for k in range(w):
                start[k] = PyLong_AsUnsignedLongLongMask(rest)  # the low 64 bits (rest >= 0)
                if k + 1 < w:
                    rest = rest >> 64
            after = &start[w]
            for k in range(w):
                after[k] = start[k]
            memset(skip, 0, self._n_rules or 1)
            for obj in far:
                f = obj
                if 0 <= f < self._n_rules:
                    skip[f] = 1
            for i in range(self._n_rules):
                t = self._first[i]
                if not (start[t // 64] >> (t % 64)) & 1 or skip[i]:
                    continue
                ok = True
                for k in range(w):
                    if (after[k] & self._require[i * w + k]) != self._require[i * w + k]:
                        ok = False
                        break
                    if after[k] & self._absent[i * w + k]:
                        ok = False
                        break
                if not ok:
                    continue
                fired.append(i)
                if self._rank[i] > floor:
                    floor = self._rank[i]
                for k in range(w):
                    after[k] |= self._adds[i * w + k]
            return tuple(fired), floor, self._to_int(after)
        finally:
            PyMem_Free(start)
            PyMem_Free(skip)


cdef struct PooledSpan:
    Py_ssize_t start
    Py_ssize_t end
    PyObject* span  # borrowed: kept alive by the lists the caller passed


cdef int _cmp_spans(const void* a, const void* b) noexcept nogil:
    cdef const PooledSpan* x = <const PooledSpan*>a
    cdef const PooledSpan* y = <const PooledSpan*>b
    if x.start != y.start:
        return -1 if x.start < y.start else 1
    if x.end != y.end:
        return -1 if x.end < y.end else 1
    return 0


def pool_spans(found, rows, window, extra, Py_ssize_t limit):
    """The spans a reason reports: those of ``rows`` in ``found``, pooled, sorted, bounded.

    Same as the twin's (see fraudnum._pysmsrows.pool_spans).
    """
    cdef list groups = []
    cdef list extras = []
    cdef Py_ssize_t n = 0, n_rows, i, j, k, m, ws = 0, we = 0, inside = 0
    cdef PooledSpan* buf = NULL
    cdef bint windowed = window is not None
    cdef tuple span
    if limit < 0:
        raise ValueError("limit must not be negative")
    for v in rows:
        lst = found[v]
        groups.append(lst)
        n += len(lst)
    n_rows = n
    for spans in extra:
        lst = spans if isinstance(spans, (list, tuple)) else list(spans)
        extras.append(lst)
        n += len(lst)
    if windowed:
        ws, we = window
    buf = <PooledSpan*>PyMem_Malloc((n or 1) * sizeof(PooledSpan))
    if buf == NULL:
        raise MemoryError()
    try:
        k = 0
        for lst in groups:
            for obj in lst:
                if k >= n_rows:
                    raise RuntimeError("found changed while it was read")
                span = <tuple?>obj
                buf[k].start, buf[k].end = span
                buf[k].span = <PyObject*>span
                if windowed and ws <= buf[k].start and buf[k].end <= we:
                    inside += 1
                k += 1
        m = k
        if windowed and inside:
            # only the spans inside the window (when some are)
            j = 0
            for i in range(m):
                if ws <= buf[i].start and buf[i].end <= we:
                    buf[j] = buf[i]
                    j += 1
            m = j
        for lst in extras:
            for obj in lst:
                if m >= n:
                    raise RuntimeError("extra changed while it was read")
                span = <tuple?>obj
                buf[m].start, buf[m].end = span
                buf[m].span = <PyObject*>span
                m += 1
        qsort(buf, m, sizeof(PooledSpan), _cmp_spans)
        j = 0
        for i in range(m):
            if j and buf[j - 1].start == buf[i].start and buf[j - 1].end == buf[i].end:
                continue
            if j >= limit:
                break
            buf[j] = buf[i]
            j += 1
        out = PyTuple_New(j)
        for i in range(j):
            Py_INCREF(<object>buf[i].span)
            PyTuple_SET_ITEM(out, i, <object>buf[i].span)
        return out
    finally:
        PyMem_Free(buf)

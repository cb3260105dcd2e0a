# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""Compiled filter of an SMS's phrase hits: which count, and the rows they find.

Same API and results as :mod:`fraudnum._pysmsrows` (see there for the semantics). The
per-row facts are flat C arrays, built once and freed in ``__dealloc__``; the row number of
each hit is checked against the row count before it indexes them, and every span against
the text's length before a code point is read. Pickling stores the facts and rebuilds.
"""

cimport cython
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from libc.stdint cimport int32_t, uint32_t, uint8_t

__all__ = ["RowFilter", "latin"]

cdef extern from "Python.h":
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    uint32_t PyUnicode_READ(int kind, const void* data, Py_ssize_t index) nogil
    bint Py_UNICODE_ISDECIMAL(uint32_t ch) nogil
    bint Py_UNICODE_ISALNUM(uint32_t ch) nogil

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


def latin(str ch):
    """True for an ASCII or full-width Latin letter or digit."""
    if len(ch) != 1:
        raise TypeError("latin() expects one character")
    return _latin(ord(ch))


@cython.final
cdef class RowFilter:
    """The per-row facts the hit filter needs, fixed once built (see fraudnum._pysmsrows)."""

    cdef Py_ssize_t _rows
    cdef int32_t* _flen
    cdef int32_t* _cat
    cdef uint8_t* _flags  # bit 1/2: Latin bound at start/end, 4: numeric, 8: negates
    cdef int _free
    cdef int _max
    cdef int _n_cats
    cdef tuple _args

    def __cinit__(self):
        self._flen = NULL
        self._cat = NULL
        self._flags = NULL

    def __init__(self, bound, flen, numeric, negates, cat, int free, int max_spans):
        cdef Py_ssize_t i, n
        cdef int c, f, b
        bound, flen, numeric, negates, cat = (
            tuple(bound), tuple(flen), tuple(numeric), tuple(negates), tuple(cat)
        )
        n = len(bound)
        if not (len(flen) == len(numeric) == len(negates) == len(cat) == n):
            raise ValueError("every per-row sequence must have one item per row")
        if max_spans < 1:
            raise ValueError("max_spans must be at least 1")
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
            self._flags[i] = (b & 3) | (4 if numeric[i] else 0) | (8 if negates[i] else 0)
            if c + 1 > self._n_cats:
                self._n_cats = c + 1
        self._rows = n
        self._free = free
        self._max = max_spans
        self._args = (
            tuple(int(x) for x in bound), tuple(int(x) for x in flen),
            tuple(bool(x) for x in numeric), tuple(bool(x) for x in negates),
            tuple(int(x) for x in cat), free, max_spans,
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
        return kept, negated

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

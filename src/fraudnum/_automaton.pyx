# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""Compiled Aho-Corasick keyword automaton over folded code points.

Same API and results as :mod:`fraudnum._pyautomaton` (see there for the matching semantics).

Layout (all flat C arrays, freed in ``__dealloc__``):

* The fold table and the automaton's alphabet are composed into one two-level table:
  ``sym = blocks[top[cp >> 8] + (cp & 0xFF)]`` gives ``-1`` for a skipped code point, ``0`` for
  one that folds to a code point no pattern contains (the walk returns to the root), else the
  symbol id (1..n_symbols) of its folded code point. Blocks with nothing in them share block 0,
  identical blocks are stored once. ``cp >> 8 <= 0x10FF`` for every code point a ``str`` can
  hold, and ``top`` has 0x1100 entries, so the lookup is in bounds.
* The root's transitions are a dense array indexed by symbol; the other states keep their
  edges sorted by symbol in one array (``edge_start[s]..edge_start[s + 1]``), searched
  linearly when short and by bisection otherwise.
* ``fail[s]`` is the failure link; ``out_head[s]`` is ``s`` if patterns end at ``s``, else the
  nearest state on the failure chain where some do, else -1; ``out_next[s]`` continues that
  chain from a state with outputs, so each match costs O(1) to find.
* ``depth[s]`` is the folded length of the patterns ending at ``s``; a ring of the original
  indices of the last ``ring_size`` non-skipped code points turns it back into a start index.

Every index stored in these arrays is produced here from the patterns, never read from
outside; pickling stores the patterns, values and fold table and rebuilds.
"""

cimport cython
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.stdint cimport int32_t, uint32_t
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy, memset

from array import array
from collections import deque

from fraudnum._pyautomaton import _validate
from fraudnum.folding import SKIP as _SKIP

__all__ = ["KeywordAutomaton"]

cdef extern from "Python.h":
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    uint32_t PyUnicode_READ(int kind, const void* data, Py_ssize_t index) nogil

cdef extern from *:
    """
    #if PY_VERSION_HEX < 0x030C0000
    #define FN_UNICODE_READY(o) PyUnicode_READY(o)
    #else
    #define FN_UNICODE_READY(o) 0
    #endif
    """
    int FN_UNICODE_READY(object o) except -1

cdef enum:
    N_TOP = 0x1100
    LINEAR_EDGES = 8
    STACK_RING = 256
    # Texts shorter than this are scanned without releasing the GIL (releasing costs more).
    NOGIL_MIN_LEN = 4096


cdef struct Match:
    Py_ssize_t start
    Py_ssize_t end
    int32_t value


cdef struct MatchBuf:
    Match* data
    Py_ssize_t size
    Py_ssize_t cap


cdef int buf_push(MatchBuf* buf, Py_ssize_t start, Py_ssize_t end, int32_t value) noexcept nogil:
    cdef Py_ssize_t new_cap
    cdef Match* grown
    if buf.size == buf.cap:
        new_cap = buf.cap * 2 if buf.cap else 64
        grown = <Match*>realloc(buf.data, <size_t>new_cap * sizeof(Match))
        if grown == NULL:
            return -1
        buf.data = grown
        buf.cap = new_cap
    buf.data[buf.size].start = start
    buf.data[buf.size].end = end
    buf.data[buf.size].value = value
    buf.size += 1
    return 0


cdef int32_t* _alloc_i32(Py_ssize_t n) except NULL:
    cdef int32_t* p = <int32_t*>malloc(<size_t>(n if n > 0 else 1) * sizeof(int32_t))
    if p == NULL:
        raise MemoryError()
    return p


cdef int32_t* _copy_list(list values) except NULL:
    cdef Py_ssize_t i, n = len(values)
    cdef int32_t* p = _alloc_i32(n)
    for i in range(n):
        p[i] = <int32_t>values[i]
    return p


@cython.final
cdef class KeywordAutomaton:
    """Aho-Corasick automaton over folded code points (compiled).

    Args:
        patterns: Phrases to find; folded with ``fold`` at build time.
        values: One non-negative int32 per pattern, reported with its matches. Patterns that
            fold to the same string are allowed; each is reported with its own value.
        fold: The fold table; the built-in one when None.

    Raises:
        TypeError: If an argument has the wrong type (the message names the index).
        ValueError: If the lengths differ, a value is out of range, or a pattern folds to the
            empty string (the message names its index).
    """

    cdef tuple _patterns
    cdef tuple _values
    cdef object _fold
    # composed fold + alphabet table
    cdef int32_t* top
    cdef int32_t* blocks
    cdef Py_ssize_t n_blocks
    # automaton
    cdef Py_ssize_t n_states
    cdef Py_ssize_t n_symbols
    cdef int32_t* root
    cdef int32_t* edge_start
    cdef int32_t* edge_sym
    cdef int32_t* edge_tgt
    cdef int32_t* fail
    cdef int32_t* depth
    cdef int32_t* out_head
    cdef int32_t* out_next
    cdef int32_t* out_start
    cdef int32_t* out_value
    cdef Py_ssize_t ring_size

    def __cinit__(self):
        self.top = NULL
        self.blocks = NULL
        self.root = NULL
        self.edge_start = NULL
        self.edge_sym = NULL
        self.edge_tgt = NULL
        self.fail = NULL
        self.depth = NULL
        self.out_head = NULL
        self.out_next = NULL
        self.out_start = NULL
        self.out_value = NULL

    def __dealloc__(self):
        free(self.top)
        free(self.blocks)
        free(self.root)
        free(self.edge_start)
        free(self.edge_sym)
        free(self.edge_tgt)
        free(self.fail)
        free(self.depth)
        free(self.out_head)
        free(self.out_next)
        free(self.out_start)
        free(self.out_value)

    def __init__(self, patterns, values, fold=None):
        if self.top != NULL:
            raise TypeError("KeywordAutomaton is immutable; it cannot be re-initialised")
        pats, vals, table, folded = _validate(patterns, values, fold)
        self._build(folded, vals, table.mapping)
        self._patterns = pats
        self._values = vals
        self._fold = table

    cdef _build(self, list folded, tuple vals, fold_map):
        cdef Py_ssize_t i, j, s, n_states, n_sym
        # Alphabet: folded code points used by some pattern, ids in code point order.
        alphabet = sorted({cp for cps in folded for cp in cps})
        sym_of = {cp: k + 1 for k, cp in enumerate(alphabet)}
        n_sym = len(alphabet)
        if n_sym >= 2**31 - 1:
            raise ValueError("too many distinct code points")
        # Trie (build-time Python structures; the result is flattened into C arrays).
        goto = [{}]
        depth = [0]
        own = [[]]
        for i, cps in enumerate(folded):
            s = 0
            for cp in cps:
                sym = sym_of[cp]
                nxt = goto[s].get(sym)
                if nxt is None:
                    nxt = len(goto)
                    goto[s][sym] = nxt
                    goto.append({})
                    depth.append(depth[s] + 1)
                    own.append([])
                s = nxt
            own[s].append(i)
        n_states = len(goto)
        if n_states >= 2**31 - 1 or len(folded) >= 2**31 - 1:
            raise ValueError("too many patterns")
        fail = [0] * n_states
        order = [0]
        queue = deque(goto[0].values())
        while queue:
            s = queue.popleft()
            order.append(s)
            for sym, nxt in goto[s].items():
                f = fail[s]
                while f and sym not in goto[f]:
                    f = fail[f]
                fail[nxt] = goto[f].get(sym, 0) if s else 0
                queue.append(nxt)
        out_head = [-1] * n_states
        out_next = [-1] * n_states
        for s in order:
            if s == 0:
                continue
            # nearest proper suffix state with outputs
            f = fail[s]
            out_next[s] = out_head[f] if f else -1
            out_head[s] = s if own[s] else out_next[s]
        # Outputs per state, ordered by value then pattern index.
        out_start = [0] * (n_states + 1)
        out_value = []
        for s in range(n_states):
            out_start[s] = len(out_value)
            out_value.extend(sorted(vals[i] for i in own[s]))
        out_start[n_states] = len(out_value)
        edge_start = [0] * (n_states + 1)
        edge_sym = []
        edge_tgt = []
        for s in range(n_states):
            edge_start[s] = len(edge_sym)
            if s:
                for sym in sorted(goto[s]):
                    edge_sym.append(sym)
                    edge_tgt.append(goto[s][sym])
        edge_start[n_states] = len(edge_sym)
        root = [0] * (n_sym + 1)
        for sym, nxt in goto[0].items():
            root[sym] = nxt
        max_depth = max(depth)
        ring = 1
        while ring < max_depth:
            ring *= 2
        # Composed two-level table: fold then alphabet.
        rows = {}
        for cp, target in fold_map.items():
            sym = -1 if target == _SKIP else sym_of.get(target, 0)
            if sym:
                rows.setdefault(cp >> 8, {})[cp & 0xFF] = sym
        for cp, sym in sym_of.items():
            if cp not in fold_map:  # a fixed point folds to itself
                rows.setdefault(cp >> 8, {})[cp & 0xFF] = sym
        block_ids = {array("i", [0] * 256).tobytes(): 0}
        block_list = [[0] * 256]
        top = [0] * N_TOP
        for hi in sorted(rows):
            block = [0] * 256
            for lo, sym in rows[hi].items():
                block[lo] = sym
            key = array("i", block).tobytes()
            bid = block_ids.get(key)
            if bid is None:
                bid = len(block_list)
                block_ids[key] = bid
                block_list.append(block)
            top[hi] = bid * 256
        flat_blocks = [v for block in block_list for v in block]

        self.n_states = n_states
        self.n_symbols = n_sym
        self.ring_size = ring
        self.n_blocks = len(block_list)
        self.top = _copy_list(top)
        self.blocks = _copy_list(flat_blocks)
        self.root = _copy_list(root)
        self.edge_start = _copy_list(edge_start)
        self.edge_sym = _copy_list(edge_sym)
        self.edge_tgt = _copy_list(edge_tgt)
        self.fail = _copy_list(fail)
        self.depth = _copy_list(depth)
        self.out_head = _copy_list(out_head)
        self.out_next = _copy_list(out_next)
        self.out_start = _copy_list(out_start)
        self.out_value = _copy_list(out_value)

    # ------------------------------------------------------------------ scanning (nogil)

    cdef inline int32_t _step(self, int32_t state, int32_t sym) noexcept nogil:
        cdef int32_t lo, hi, mid, e, end
        while True:
            if state == 0:
                return self.root[sym]
            lo = self.edge_start[state]
            end = self.edge_start[state + 1]
            hi = end
            # Bisect towards the first edge >= sym, which lies in [lo, hi]:
            # hi itself may be it, so the scan below runs on to the state's end
            # (it stops at the first larger symbol).
            while hi - lo > LINEAR_EDGES:
                mid = lo + (hi - lo) // 2
                if self.edge_sym[mid] < sym:
                    lo = mid + 1
                else:
                    hi = mid
            for e in range(lo, end):
                if self.edge_sym[e] == sym:
                    return self.edge_tgt[e]
                if self.edge_sym[e] > sym:
                    break
            state = self.fail[state]

    cdef int _scan(self, int kind, const void* data, Py_ssize_t n, MatchBuf* buf) noexcept nogil:
        """Append the matches in one text to ``buf``; -1 when out of memory."""
        cdef Py_ssize_t stack_ring[STACK_RING]
        cdef Py_ssize_t* ring = stack_ring
        cdef Py_ssize_t mask = self.ring_size - 1
        cdef Py_ssize_t i, seen = 0
        cdef uint32_t cp
        cdef int32_t sym, state = 0, o, k, stop
        cdef int rc = 0
        if self.ring_size > STACK_RING:
            ring = <Py_ssize_t*>malloc(<size_t>self.ring_size * sizeof(Py_ssize_t))
            if ring == NULL:
                return -1
        for i in range(n):
            cp = PyUnicode_READ(kind, data, i)
            if cp > 0x10FFFF:  # impossible in a valid str; keeps the lookup in bounds anyway
                sym = 0
            else:
                sym = self.blocks[self.top[cp >> 8] + (cp & 0xFF)]
            if sym < 0:
                continue
            ring[seen & mask] = i
            seen += 1
            if sym == 0:
                state = 0
                continue
            state = self._step(state, sym)
            o = self.out_head[state]
            while o >= 0:
                # depth[o] <= seen and depth[o] <= ring_size, so the slot still holds it
                k = self.out_start[o]
                stop = self.out_start[o + 1]
                while k < stop:
                    if buf_push(buf, ring[(seen - self.depth[o]) & mask], i + 1,
                                self.out_value[k]) < 0:
                        rc = -1
                        break
                    k += 1
                if rc:
                    break
                o = self.out_next[o]
            if rc:
                break
        if ring != stack_ring:
            free(ring)
        return rc

    # ------------------------------------------------------------------ Python API

    def find_all(self, text):
        """Find every occurrence of every pattern in ``text``, overlapping ones included.

        Args:
            text: The text to scan.

        Returns:
            ``(start, end, value)`` triples in ``text``'s own indices, ordered by ``end``, then
            ``start``, then ``value``.

        Raises:
            TypeError: If ``text`` is not a str.
        """
        cdef MatchBuf buf
        cdef int kind, rc
        cdef const void* data
        cdef Py_ssize_t n
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        FN_UNICODE_READY(text)
        kind = PyUnicode_KIND(text)
        data = PyUnicode_DATA(text)
        n = PyUnicode_GET_LENGTH(text)
        buf.data = NULL
        buf.size = 0
        buf.cap = 0
        try:
            if n >= NOGIL_MIN_LEN:
                with nogil:
                    rc = self._scan(kind, data, n, &buf)
            else:
                rc = self._scan(kind, data, n, &buf)
            if rc < 0:
                raise MemoryError()
            return _to_list(buf.data, 0, buf.size)
        finally:
            free(buf.data)

    def find_batch(self, texts):
        """Run :meth:`find_all` on each text, scanning the whole batch without the GIL.

        Args:
            texts: The texts to scan.

        Returns:
            One result list per text, in order.

        Raises:
            TypeError: If ``texts`` is a single string or holds a non-str.
        """
        cdef MatchBuf buf
        cdef Py_ssize_t i, n_texts
        cdef int rc = 0
        cdef int* kinds = NULL
        cdef const void** datas = NULL
        cdef Py_ssize_t* lengths = NULL
        cdef Py_ssize_t* offsets = NULL
        if isinstance(texts, (str, bytes)):
            raise TypeError("texts must be a sequence of str, not a single string")
        items = list(texts)  # holds a reference to every text while the GIL is released
        n_texts = len(items)
        for i in range(n_texts):
            if not isinstance(items[i], str):
                raise TypeError(f"text {i} must be str, not {type(items[i]).__name__}")
        buf.data = NULL
        buf.size = 0
        buf.cap = 0
        try:
            kinds = <int*>PyMem_Malloc(<size_t>(n_texts + 1) * sizeof(int))
            datas = <const void**>PyMem_Malloc(<size_t>(n_texts + 1) * sizeof(void*))
            lengths = <Py_ssize_t*>PyMem_Malloc(<size_t>(n_texts + 1) * sizeof(Py_ssize_t))
            offsets = <Py_ssize_t*>PyMem_Malloc(<size_t>(n_texts + 1) * sizeof(Py_ssize_t))
            if kinds == NULL or datas == NULL or lengths == NULL or offsets == NULL:
                raise MemoryError()
            for i in range(n_texts):
                t = items[i]
                FN_UNICODE_READY(t)
                kinds[i] = PyUnicode_KIND(t)
                datas[i] = PyUnicode_DATA(t)
                lengths[i] = PyUnicode_GET_LENGTH(t)
            with nogil:
                for i in range(n_texts):
                    offsets[i] = buf.size
                    rc = self._scan(kinds[i], datas[i], lengths[i], &buf)
                    if rc < 0:
                        break
                offsets[n_texts] = buf.size
            if rc < 0:
                raise MemoryError()
            return [_to_list(buf.data, offsets[i], offsets[i + 1]) for i in range(n_texts)]
        finally:
            free(buf.data)
            PyMem_Free(kinds)
            PyMem_Free(datas)
            PyMem_Free(lengths)
            PyMem_Free(offsets)

    @property
    def count(self):
        """Number of patterns."""
        return len(self._patterns)

    @property
    def patterns(self):
        """The patterns as given (unfolded), in order."""
        return self._patterns

    @property
    def values(self):
        """The values, one per pattern."""
        return self._values

    @property
    def fold(self):
        """The fold table the automaton was built with."""
        return self._fold

    def __len__(self):
        return len(self._patterns)

    def __repr__(self):
        return f"KeywordAutomaton({len(self._patterns)} patterns)"

    def __reduce__(self):
        return (type(self), (self._patterns, self._values, self._fold))

    def _stats(self):
        """Sizes of the flat arrays, for tests and benchmarks (not public API)."""
        return {
            "states": self.n_states,
            "symbols": self.n_symbols,
            "edges": self.edge_start[self.n_states],
            "blocks": self.n_blocks,
            "ring": self.ring_size,
        }


cdef list _to_list(const Match* m, Py_ssize_t lo, Py_ssize_t hi):
    cdef Py_ssize_t i
    cdef list out = []
    for i in range(lo, hi):
        out.append((m[i].start, m[i].end, m[i].value))
    return out

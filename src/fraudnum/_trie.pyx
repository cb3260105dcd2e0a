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

# One validation for both twins: the pure-Python trie's checks and messages.
from fraudnum._pytrie import _validated

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

# Shared declarations of the digit trie, so the canonicaliser (_canon.pyx) can walk
# its flat arrays without Python calls: the class layout, the length bound and the
# walk itself (inline, defined here so every module that cimports it gets it).

from libc.stdint cimport int32_t, uint8_t, uint16_t

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


cdef class DigitTrie:
    cdef int32_t n_nodes
    cdef int32_t n_rules
    cdef uint16_t* mask
    cdef int32_t* first_child
    cdef int32_t* rule_start
    cdef uint16_t* rule_count
    cdef uint8_t* rule_min
    cdef uint8_t* rule_max
    cdef int32_t* rule_value

    cdef _build(self, list rows)
    cdef _compact(self, int32_t* dense, Py_ssize_t n, list rows, list node_of_row)

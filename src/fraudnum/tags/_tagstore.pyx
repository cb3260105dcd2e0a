# cython: boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The compiled tag-store core: lookups over a memory-mapped store, and the packer.

The layout is described in ``fraudnum.tags.format``; ``read_layout`` validates the
header and section table before a core is made, and :class:`TagCore` checks the
segment directory itself (counts, bit or byte offsets, the bitmap's rank) before any
lookup. Versions 1 and 2 keep a segment's code in one section and the tags and days
of all entries in two others; version 3 keeps each segment's code, tags and days in
one block (its records hold a suffix's low bits, tag byte and day side by side). After that every index the file can influence is bounded: a segment's
reads stay inside its own bit range, element indices stay below its count, and
the padding word keeps two-word reads inside the section. A store whose payload
bits are corrupt can give a wrong answer (``verify`` catches it via the
checksums) or raise :class:`TagStoreError`, never read out of bounds.
"""

from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc, qsort
from libc.string cimport memset

import numpy as np

from fraudnum.tags.format import CORRUPT_PAYLOAD, COUNT_BUCKETS, TagStoreError

cdef extern from *:
    """
    /* A store's reusable batch scratch is taken by one batch at a time. */
    static inline int fn_try_take(int* flag) { return __atomic_exchange_n(flag, 1, __ATOMIC_ACQUIRE) == 0; }
    static inline void fn_give_back(int* flag) { __atomic_store_n(flag, 0, __ATOMIC_RELEASE); }
    static inline int fn_popcount64(unsigned long long x) { return __builtin_popcountll(x); }
    static inline int fn_ctz64(unsigned long long x) { return __builtin_ctzll(x); }
    static inline void fn_prefetch(const void* p) { __builtin_prefetch(p, 0, 3); }
    static unsigned char fn_select8[256][8];
    static void fn_init_select(void) {
        for (int b = 0; b < 256; b++) {
            int k = 0;
            for (int i = 0; i < 8; i++)
                if (b >> i & 1) fn_select8[b][k++] = (unsigned char)i;
        }
    }
    /* Position of the k-th (from 0) set bit of x, which has more than k set bits:
       byte-wise popcount prefix sums find the byte, a table the bit in it
       (clearing k bits one by one cost up to 63 steps a lookup). */
    static inline int fn_select64(unsigned long long x, int k) {
        const unsigned long long ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
        unsigned long long s = x - ((x >> 1) & 0x5555555555555555ULL);
        s = (s & 0x3333333333333333ULL) + ((s >> 2) & 0x3333333333333333ULL);
        s = (s + (s >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
        unsigned long long cum = s * ones;
        unsigned long long le = (((unsigned long long)k * ones | highs) - cum) & highs;
        int byte = __builtin_popcountll(le);
        int before = byte ? (int)((cum >> (8 * byte - 8)) & 0xFF) : 0;
        return 8 * byte + fn_select8[(x >> (8 * byte)) & 0xFF][k - before];
    }
    """
    int fn_popcount64(unsigned long long x) noexcept nogil
    int fn_ctz64(unsigned long long x) noexcept nogil
    int fn_select64(unsigned long long x, int k) noexcept nogil
    void fn_prefetch(const void* p) noexcept nogil
    void fn_init_select() noexcept
    int fn_try_take(int* flag) noexcept nogil
    void fn_give_back(int* flag) noexcept nogil


cdef struct Seg:
    # Where the r-th present segment's bits lie (bit positions in the code words).
    uint64_t start       # entries before it
    uint64_t n           # its suffixes (1..10,000, checked)
    uint64_t lo_bits     # low bits a suffix
    uint64_t hb, he      # its high bits: [hb, he)
    uint64_t lowbase     # the first suffix's low bits (v3: its record)
    uint64_t stride      # bits from one suffix's low bits to the next's (v3: a record)


cdef struct Out:
    # Where a batch's results go; NULL columns are not filled.
    int64_t* index       # entry index, -1 where not found
    uint32_t* packed     # tag | day value << 8 (chunk-relative, for lookup_columns)
    uint8_t* tags        # the tag byte, 0 where not found (the lean form)
    uint8_t* days8       # the stored day value (day_bits <= 8), 0 where not found
    uint16_t* days16     # the same for day_bits == 16

cdef enum:
    N_SEGMENTS = 1000000
    BITMAP_WORDS = 15625
    UNIVERSE = 10000
    LEN_SHIFT = 57
    # Batches are radix-partitioned by segment in chunks of this many keys (the
    # record packs the key's place in its chunk into 22 bits).
    CHUNK_BITS = 21
    RADIX_BITS = 10
    RADIX = 1024
    # Below this many keys a batch is looked up in the caller's order. The sorted walk's
    # block prefetch keeps several keys' misses in flight, which pays from a few dozen
    # keys on (measured at 242 M numbers: 64 keys sorted 2.9 M/s, in order 1.5 M/s).
    PARTITION_MIN = 64
    # A compact directory entry: count in the low 14 bits, relative byte offset above.
    COMPACT_SHIFT = 14

# _past_zeros when the high bits end first.
cdef uint64_t RAN_OUT = <uint64_t>-1
cdef uint64_t VALUE_MASK = (<uint64_t>1 << LEN_SHIFT) - 1
cdef uint64_t MOBILE_LO = 10000000000ULL
cdef uint64_t MOBILE_HI = 20000000000ULL
cdef uint8_t EF_LOW[UNIVERSE + 1]
cdef uint32_t BUCKET_LOW[16]
cdef int64_t NAT = -9223372036854775807 - 1
for _i, _b in enumerate(COUNT_BUCKETS):
    BUCKET_LOW[_i] = _b

cdef void _init_tables() noexcept:
    cdef int n, lo
    EF_LOW[0] = 0
    for n in range(1, UNIVERSE + 1):
        lo = 0
        while (n << (lo + 1)) <= UNIVERSE:
            lo += 1
        EF_LOW[n] = lo

_init_tables()
fn_init_select()

# Intra-lookup prefetching (see _find_in_segment); the benchmark turns it off to compare.
cdef bint PREFETCH = True
# Version 3 lookups read the in-memory compact directory (see _build_compact); the
# benchmark turns it off to compare with the file's directory.
cdef bint COMPACT = True
# A sorted batch walks each segment's keys in suffix order with one moving cursor
# (see _walk_segment); the benchmark turns it off to compare with a search per key.
cdef bint MERGE_WALK = True


# A sorted version 3 batch asks for the blocks of the segments of the keys up to this
# many places ahead (see _prefetch_block); 0 turns it off (for side-by-side benchmarks).
cdef Py_ssize_t BATCH_AHEAD = 8


def _set_batch_ahead(Py_ssize_t n):
    """Look-ahead distance of the sorted batch's prefetch, 0 for none (benchmarks)."""
    global BATCH_AHEAD
    BATCH_AHEAD = n if n > 0 else 0


def _set_merge_walk(bint on):
    """Walk a sorted batch's segments with one cursor (on) or search per key (benchmarks)."""
    global MERGE_WALK
    MERGE_WALK = on


def _set_prefetch(bint on):
    """Turn the intra-lookup prefetch on or off (for side-by-side benchmarks)."""
    global PREFETCH
    PREFETCH = on


def _set_compact(bint on):
    """Make version 3 lookups read the compact directory (on) or the file's (for benchmarks)."""
    global COMPACT
    COMPACT = on


cdef int _cmp_u64(const void* x, const void* y) noexcept nogil:
    cdef uint64_t a = (<const uint64_t*>x)[0], b = (<const uint64_t*>y)[0]
    return (a > b) - (a < b)


cdef inline void _sort_group(uint64_t* a, Py_ssize_t k) noexcept nogil:
    # One segment's batch records into suffix order: insertion sort for the few keys
    # a segment usually gets (about 4 at 242 M numbers and 2 M keys a chunk), libc's
    # qsort when a batch piles many keys into one segment.
    cdef Py_ssize_t i, j
    cdef uint64_t x
    if k > 24:
        qsort(a, k, sizeof(uint64_t), _cmp_u64)
        return
    for i in range(1, k):
        x = a[i]
        j = i
        while j > 0 and a[j - 1] > x:
            a[j] = a[j - 1]
            j -= 1
        a[j] = x


cdef inline uint64_t _ef_bits(uint64_t n) noexcept nogil:
    cdef uint64_t lo = EF_LOW[n]
    return n * lo + n + ((UNIVERSE - 1) >> lo) + 1


cdef inline uint64_t _get64(const uint64_t* w, uint64_t pos) noexcept nogil:
    # The caller guarantees w[(pos >> 6) + 1] exists (the section's padding word).
    cdef uint64_t wi = pos >> 6
    cdef uint64_t sh = pos & 63
    if sh == 0:
        return w[wi]
    return (w[wi] >> sh) | (w[wi + 1] << (64 - sh))


cdef inline uint64_t _get_bits(const uint64_t* w, uint64_t pos, uint64_t width) noexcept nogil:
    if width == 0:
        return 0
    return _get64(w, pos) & ((<uint64_t>1 << width) - 1)


cdef class TagCore:
    """Lookups over one store's sections (the buffer is kept alive by the core).

    Args:
        buf: the whole file, as bytes, an mmap or a memoryview.
        layout: its validated :class:`~fraudnum.tags.format.Layout`.

    Raises:
        TagStoreError: the segment directory or bitmap is inconsistent.
    """

    cdef const uint64_t* bitmap
    cdef const uint32_t* cum
    cdef const uint64_t* bitpos
    cdef const uint32_t* dir
    cdef readonly int version
    # Entry index of the first entry the tags/days sections hold (v3: n_mobile).
    cdef uint64_t tag_base
    cdef const uint64_t* ef
    cdef const uint64_t* okeys
    cdef const uint8_t* tags
    cdef const uint8_t* days8
    cdef const uint16_t* days16
    cdef uint32_t rank[BITMAP_WORDS]
    # Version 3's compact directory, made at open from the checked file directory:
    # per bitmap word the byte offset of its first present segment's block, per
    # present segment count | offset from that base << COMPACT_SHIFT in 4 bytes
    # (0: too far from the base, read the file's directory). Half the file's 8
    # bytes a segment, and one read instead of two entries.
    cdef uint32_t wbase[BITMAP_WORDS]
    cdef uint32_t* cdir
    cdef uint64_t ef_words
    cdef readonly uint64_t n_mobile
    cdef readonly uint64_t n_other
    cdef readonly uint64_t n_segs
    cdef readonly int day_bits
    cdef readonly int day_step
    cdef int64_t base_day
    cdef int64_t base_period
    cdef int64_t max_day
    cdef object _arrays
    cdef list _tag_list
    cdef dict _tag_dict
    cdef object _tag_factory
    # Reusable radix scratch (2 * _scratch_n words), taken by one batch at a time
    # (fn_try_take); a batch that finds it taken mallocs its own.
    cdef uint64_t* _scratch
    cdef Py_ssize_t _scratch_n
    cdef int _scratch_busy

    def __init__(self, buf, layout):
        cdef const uint64_t[::1] bitmap_v
        cdef const uint32_t[::1] cum_v
        cdef const uint32_t[::1] dir_v
        cdef const uint64_t[::1] bitpos_v
        cdef const uint64_t[::1] ef_v
        cdef const uint64_t[::1] okeys_v
        cdef const uint8_t[::1] tags_v
        cdef const uint8_t[::1] days8_v
        cdef const uint16_t[::1] days16_v
        self.n_mobile = layout.n_mobile
        self.n_other = layout.n_other
        self.n_segs = layout.n_segs
        self.day_bits = layout.day_bits
        self.day_step = layout.day_step
        self.base_day = layout.base_day
        self.base_period = layout.base_day // layout.day_step
        self.max_day = layout.max_day
        self._tag_list = None
        self._tag_dict = {}
        self._tag_factory = self._no_factory
        self.version = layout.version
        v3 = self.version >= 3
        self.tag_base = self.n_mobile if v3 else 0
        arrays = {}
        day_dt = "<u2" if self.day_bits == 16 else "u1"
        if v3:
            names = (
                ("bitmap", "bitmap", "<u8"), ("seg_dir", "seg_dir", "<u4"), ("ef", "blocks", "<u8"),
                ("other_keys", "other_keys", "<u8"), ("tags", "other_tags", "u1"),
                ("days", "other_days", day_dt),
            )
        else:
            names = (
                ("bitmap", "bitmap", "<u8"), ("seg_cum", "seg_cum", "<u4"),
                ("seg_bitpos", "seg_bitpos", "<u8"), ("ef", "ef", "<u8"),
                ("other_keys", "other_keys", "<u8"), ("tags", "tags", "u1"),
                ("days", "days", day_dt),
            )
        for key, name, dtype in names:
            off, length, _ = layout.sections[name]
            item = np.dtype(dtype).itemsize
            # A one-element dummy keeps pointers valid for empty sections.
            if length == 0:
                arrays[key] = np.zeros(1, dtype=dtype)
            else:
                arrays[key] = np.frombuffer(buf, dtype=dtype, count=length // item, offset=off)
        for key in ("seg_cum", "seg_bitpos", "seg_dir"):
            arrays.setdefault(key, np.zeros(2, dtype="<u8" if key == "seg_bitpos" else "<u4"))
        self._arrays = (buf, arrays)
        bitmap_v = arrays["bitmap"]
        cum_v = arrays["seg_cum"]
        bitpos_v = arrays["seg_bitpos"]
        dir_v = arrays["seg_dir"]
        ef_v = arrays["ef"]
        okeys_v = arrays["other_keys"]
        tags_v = arrays["tags"]
        self.bitmap = &bitmap_v[0]
        self.cum = &cum_v[0]
        self.bitpos = &bitpos_v[0]
        self.dir = &dir_v[0]
        self.ef = &ef_v[0]
        self.okeys = &okeys_v[0]
        self.tags = &tags_v[0]
        self.ef_words = layout.sections["blocks" if v3 else "ef"][1] // 8
        self.days8 = NULL
        self.days16 = NULL
        if self.day_bits == 16:
            days16_v = arrays["days"]
            self.days16 = &days16_v[0]
        else:
            days8_v = arrays["days"]
            self.days8 = &days8_v[0]
        err = self._check_directory()
        if err:
            raise TagStoreError(f"corrupt segment directory: {err}")
        if self.version >= 3 and self.n_segs > 0:
            free(self.cdir)
            self.cdir = <uint32_t*>malloc(self.n_segs * sizeof(uint32_t))
            if self.cdir == NULL:
                raise MemoryError("no memory for the compact segment directory")
            with nogil:
                self._build_compact()

    cdef void _build_compact(self) noexcept nogil:
        # After _check_directory: every count is 1..10,000 (14 bits) and the blocks
        # of a word's segments follow each other, so a segment's block lies at its
        # word's base plus a relative offset that fits 18 bits unless the segments
        # before it in its word are dense (then 0: read the file's directory).
        cdef uint64_t r = 0, rel, base, w
        cdef uint64_t word
        for w in range(BITMAP_WORDS):
            word = self.bitmap[w]
            base = self._seg_bit(r) // 8 if word else 0
            self.wbase[w] = <uint32_t>base
            while word:
                word &= word - 1
                rel = self._seg_bit(r) // 8 - base
                if rel < (<uint64_t>1 << (32 - COMPACT_SHIFT)):
                    self.cdir[r] = <uint32_t>((rel << COMPACT_SHIFT)
                                              | (self._seg_start(r + 1) - self._seg_start(r)))
                else:
                    self.cdir[r] = 0
                r += 1

    def __dealloc__(self):
        free(self._scratch)
        free(self.cdir)

    def _no_factory(self, packed):
        return packed

    cdef str _check_directory(self):
        cdef uint64_t total = 0, i
        cdef int64_t bad = -1
        cdef int w
        for w in range(BITMAP_WORDS):
            self.rank[w] = <uint32_t>total
            total += fn_popcount64(self.bitmap[w])
        if total != self.n_segs:
            return "the bitmap's segments do not match the header"
        if self.n_segs == 0:
            return ""
        if self._seg_start(0) != 0 or self._seg_bit(0) != 0:
            return "it does not start at 0"
        with nogil:
            for i in range(self.n_segs):
                if not self._seg_ok(i):
                    bad = i
                    break
        if bad >= 0:
            return f"segment {bad} has a bad count or bit offset"
        if self._seg_start(self.n_segs) != self.n_mobile:
            return "the segment counts do not add up to the header's"
        if self.version >= 3 and (self._seg_bit(self.n_segs) // 8 + 7) // 8 + 1 != self.ef_words:
            return "the blocks section is longer than its segments' blocks"
        return ""

    cdef inline uint64_t _seg_start(self, uint64_t r) noexcept nogil:
        # Entries before the r-th present segment (r <= n_segs).
        return self.dir[2 * r] if self.version >= 3 else self.cum[r]

    cdef inline uint64_t _seg_bit(self, uint64_t r) noexcept nogil:
        # Bit offset of the r-th present segment's code (v3: its block's byte offset * 8).
        return <uint64_t>self.dir[2 * r + 1] * 8 if self.version >= 3 else self.bitpos[r]

    cdef inline void _seg(self, uint64_t r, Seg* g) noexcept nogil:
        # r < n_segs, after _check_directory: n is 1..10,000 and every position below
        # lies inside the segment's checked bit range.
        g.start = self._seg_start(r)
        g.n = self._seg_start(r + 1) - g.start
        g.lo_bits = EF_LOW[g.n]
        if self.version >= 3:
            g.hb = self._seg_bit(r)
            g.he = g.hb + g.n + ((UNIVERSE - 1) >> g.lo_bits) + 1
            g.lowbase = g.he
            g.stride = g.lo_bits + 8 + <uint64_t>self.day_bits
        else:
            g.lowbase = self.bitpos[r]
            g.stride = g.lo_bits
            g.hb = g.lowbase + g.n * g.lo_bits
            g.he = self.bitpos[r + 1]

    cdef inline void _seg_c(self, uint64_t r, uint64_t w, Seg* g) noexcept nogil:
        # _seg of the r-th present segment, in bitmap word w, from the compact
        # directory where it has the segment (version 3); g.start is not set there.
        cdef uint32_t e
        if self.cdir != NULL and COMPACT:
            e = self.cdir[r]
            if e != 0:
                g.n = e & ((1 << COMPACT_SHIFT) - 1)
                g.lo_bits = EF_LOW[g.n]
                g.hb = (<uint64_t>self.wbase[w] + (e >> COMPACT_SHIFT)) * 8
                g.he = g.hb + g.n + ((UNIVERSE - 1) >> g.lo_bits) + 1
                g.lowbase = g.he
                g.stride = g.lo_bits + 8 + <uint64_t>self.day_bits
                g.start = <uint64_t>-1
                return
        self._seg(r, g)

    def _compact_stats(self):
        """(segments in the compact directory, those of them it sends to the file's)."""
        cdef uint64_t r, escaped = 0
        if self.cdir == NULL:
            return (0, 0)
        for r in range(self.n_segs):
            escaped += self.cdir[r] == 0
        return (self.n_segs, escaped)

    cdef bint _seg_ok(self, uint64_t i) noexcept nogil:
        cdef uint64_t n, a, b, want
        a = self._seg_start(i)
        b = self._seg_start(i + 1)
        if b <= a or b - a > UNIVERSE:
            return False
        n = b - a
        a = self._seg_bit(i)
        b = self._seg_bit(i + 1)
        if self.version >= 3:
            # Whole bytes: the high bits, then n records of low bits, tag and day.
            want = (n + ((UNIVERSE - 1) >> EF_LOW[n]) + 1
                    + n * (EF_LOW[n] + 8 + <uint64_t>self.day_bits) + 7) // 8 * 8
        else:
            want = _ef_bits(n)
        if b < a or b - a != want:
            return False
        return b <= (self.ef_words - 1) * 64

    cdef inline int64_t _find_mobile(self, uint64_t v, bint ahead, bint want_index,
                                     int64_t* packed) noexcept nogil:
        cdef uint64_t seg = v // UNIVERSE - N_SEGMENTS
        cdef uint64_t word = self.bitmap[seg >> 6]
        cdef uint64_t b = seg & 63
        if not ((word >> b) & 1):
            return -1
        return self._find_in_segment(
            self.rank[seg >> 6] + <uint64_t>fn_popcount64(word & ((<uint64_t>1 << b) - 1)),
            seg >> 6,
            v % UNIVERSE,
            ahead,
            want_index,
            packed,
        )

    cdef inline uint64_t _past_zeros(self, uint64_t pos, uint64_t he, uint64_t need) noexcept nogil:
        # The bit position just past the need-th (need >= 1) zero of the high bits at or
        # after pos, or RAN_OUT when they end at he first (a corrupt payload).
        cdef uint64_t rem, chunk, z
        while pos < he:
            rem = he - pos
            chunk = ~_get64(self.ef, pos)
            if rem < 64:
                chunk &= (<uint64_t>1 << rem) - 1
            z = fn_popcount64(chunk)
            if z >= need:
                return pos + <uint64_t>fn_select64(chunk, <int>(need - 1)) + 1
            need -= z
            pos += 64 if rem >= 64 else rem
        return RAN_OUT

    cdef inline int64_t _find_in_segment(self, uint64_t r, uint64_t w, uint64_t s, bint ahead,
                                         bint want_index, int64_t* packed) noexcept nogil:
        # Entry index of suffix s in the r-th present segment (of bitmap word w), -1,
        # or -2 (corrupt); when found, *packed = tag | day value << 8. Without
        # want_index a found entry may return any index >= 0 (the compact directory
        # does not hold where a segment's entries start).
        cdef uint64_t h, lo, pos, idx, rec
        cdef uint64_t k, est
        cdef Seg g
        self._seg_c(r, w, &g)
        if ahead and PREFETCH:
            # Suffixes are near uniform in a segment: the entry is most likely near
            # s * n / 10000. Asking for its high bits, low bits, tag and day now
            # overlaps those cache misses with the high-bit scan instead of queueing
            # them after it (v3: the low bits, tag and day are one record).
            # (est < n by the checked count, so every address is inside its section.)
            # Single lookups only: in a batch the CPU already overlaps the lookups, and
            # the extra requests cost more than they save (measured).
            est = (s * g.n) // UNIVERSE
            fn_prefetch(&self.ef[(g.hb + est + (s >> g.lo_bits)) >> 6])
            fn_prefetch(&self.ef[(g.lowbase + est * g.stride) >> 6])
            if self.version < 3:
                fn_prefetch(&self.tags[g.start + est])
                if self.day_bits == 8:
                    fn_prefetch(&self.days8[g.start + est])
                elif self.day_bits == 16:
                    fn_prefetch(&self.days16[g.start + est])
                elif self.day_bits:
                    fn_prefetch(&self.days8[((g.start + est) * <uint64_t>self.day_bits) >> 3])
        h = s >> g.lo_bits
        lo = s & ((<uint64_t>1 << g.lo_bits) - 1)
        pos = g.hb
        if h > 0:
            pos = self._past_zeros(pos, g.he, h)
            if pos == RAN_OUT:
                return -2
        idx = (pos - g.hb) - h
        while pos < g.he and idx < g.n:
            if not ((self.ef[pos >> 6] >> (pos & 63)) & 1):
                return -1
            k = _get_bits(self.ef, g.lowbase + idx * g.stride, g.lo_bits)
            if k == lo:
                if self.version >= 3:
                    rec = _get_bits(self.ef, g.lowbase + idx * g.stride, g.stride) >> g.lo_bits
                    packed[0] = <int64_t>((rec & 0xFF) | ((rec >> 8) << 8))
                    if g.start == <uint64_t>-1:
                        return <int64_t>(self._seg_start(r) + idx) if want_index else <int64_t>idx
                else:
                    packed[0] = self._packed(<int64_t>(g.start + idx))
                return <int64_t>(g.start + idx)
            if k > lo:
                return -1
            idx += 1
            pos += 1
        return -1

    cdef inline int64_t _find(self, uint64_t key, bint ahead, bint want_index,
                              int64_t* packed) noexcept nogil:
        cdef uint64_t length = key >> LEN_SHIFT
        cdef uint64_t v = key & VALUE_MASK
        cdef uint64_t lo = 0, hi = self.n_other, mid
        if length == 0:
            length = 11
            key = (<uint64_t>11 << LEN_SHIFT) | v
        if length == 11 and v >= MOBILE_LO and v < MOBILE_HI:
            if self.n_segs == 0:
                return -1
            return self._find_mobile(v, ahead, want_index, packed)
        while lo < hi:
            mid = (lo + hi) >> 1
            if self.okeys[mid] < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < self.n_other and self.okeys[lo] == key:
            packed[0] = self._packed(<int64_t>(self.n_mobile + lo))
            return <int64_t>(self.n_mobile + lo)
        return -1

    cdef inline int _day_value(self, int64_t i) noexcept nogil:
        # The stored day value of entry i of the tags/days sections (tag_base <= i <
        # n_total; the days section holds ceil(entries * day_bits / 8) bytes).
        cdef uint64_t bit
        i -= <int64_t>self.tag_base
        if self.day_bits == 8:
            return self.days8[i]
        if self.day_bits == 16:
            return self.days16[i]
        if self.day_bits:
            bit = <uint64_t>i * <uint64_t>self.day_bits
            return (self.days8[bit >> 3] >> (bit & 7)) & ((1 << self.day_bits) - 1)
        return 0

    cdef inline int64_t _packed(self, int64_t i) noexcept nogil:
        # tag | day value << 8 of entry i of the tags/days sections (as _day_value).
        return self.tags[i - <int64_t>self.tag_base] | (<int64_t>self._day_value(i) << 8)

    cdef inline int64_t _day_number(self, int64_t value) noexcept nogil:
        # The last day a stored value can stand for (a period's end, not past max_day).
        cdef int64_t end
        if self.day_step == 1:
            return self.base_day + value
        end = (self.base_period + value + 1) * self.day_step - 1
        return end if end < self.max_day else self.max_day

    cdef int64_t _find_checked(self, uint64_t key, bint want_index, int64_t* packed) except -2:
        # _find of a single lookup (with its prefetch), raising on a corrupt payload.
        cdef int64_t i = self._find(key, True, want_index, packed)
        if i == -2:
            raise TagStoreError(CORRUPT_PAYLOAD)
        return i

    def find(self, uint64_t key):
        """Entry index of a numeric key, or -1."""
        cdef int64_t p
        return self._find_checked(key, True, &p)

    def lookup(self, uint64_t key):
        """``tag | day_offset << 8`` of a numeric key, or -1."""
        cdef int64_t p
        return -1 if self._find_checked(key, False, &p) < 0 else p

    def tag(self, uint64_t key):
        """The cached tag object of a numeric key (made by the tag factory once), or None."""
        cdef int64_t p
        if self._find_checked(key, False, &p) < 0:
            return None
        if self._tag_list is not None:
            # p < len(_tag_list) by construction: a tag byte and a day of day_bits <= 8.
            t = self._tag_list[p]
            if t is None:
                t = self._tag_factory(p)
                self._tag_list[p] = t
            return t
        t = self._tag_dict.get(p)
        if t is None:
            t = self._tag_factory(p)
            if len(self._tag_dict) < 1 << 16:
                self._tag_dict[p] = t
        return t

    def set_tag_factory(self, factory):
        """Use ``factory(tag | day_offset << 8)`` to make the objects :meth:`tag` returns."""
        self._tag_factory = factory
        if self.day_bits <= 8:
            self._tag_list = [None] * (256 << self.day_bits)
            self._tag_dict = None
        else:
            self._tag_list = None
            self._tag_dict = {}

    cdef inline int _put(self, Py_ssize_t i, int64_t found, int64_t p, Out* out) noexcept nogil:
        # Key i's result into every column asked for; 1 when the lookup met a corrupt
        # payload (-2, or a found entry whose tag byte is 0: no store defines category
        # 0), which counts as absent and makes the batch report it.
        cdef uint8_t t
        if found == -2:
            self._miss(i, out)
            return 1
        if out.index != NULL:
            out.index[i] = found
        if found < 0:
            if out.tags != NULL:
                self._miss(i, out)
            return 0
        if out.packed != NULL:
            out.packed[i] = <uint32_t>p
        if out.tags != NULL:
            t = <uint8_t>(p & 0xFF)
            out.tags[i] = t
            if out.days8 != NULL:
                out.days8[i] = <uint8_t>(p >> 8)
            elif out.days16 != NULL:
                out.days16[i] = <uint16_t>(p >> 8)
            if t == 0:
                return 1
        return 0

    cdef inline void _miss(self, Py_ssize_t i, Out* out) noexcept nogil:
        if out.index != NULL:
            out.index[i] = -1
        if out.tags != NULL:
            out.tags[i] = 0
            if out.days8 != NULL:
                out.days8[i] = 0
            elif out.days16 != NULL:
                out.days16[i] = 0

    cdef int _chunk(self, const uint64_t* keys, Py_ssize_t m, Out* out,
                    uint64_t* a, uint64_t* b) noexcept nogil:
        # Look up m <= 2**CHUNK_BITS keys. With scratch a, b (m words each) the mobile
        # keys are radix-sorted by segment first (two stable 10-bit passes), so the
        # lookups walk the directory, codes, tags and days in file order instead of
        # jumping across the whole file for every key. Returns 1 on a corrupt payload.
        cdef uint32_t h0[RADIX]
        cdef uint32_t h1[RADIX]
        cdef Py_ssize_t i, j, k, pf, ahead, cnt = 0
        cdef uint64_t key, v, length, seg, word, rec, r = 0, last_seg, pf_seg
        cdef uint32_t t0, t1, c
        cdef int64_t found, p = 0
        cdef int bad = 0
        if a == NULL:
            for i in range(m):
                found = self._find(keys[i], False, out.index != NULL, &p)
                bad |= self._put(i, found, p, out)
            return bad
        memset(h0, 0, sizeof(h0))
        memset(h1, 0, sizeof(h1))
        for i in range(m):
            key = keys[i]
            length = key >> LEN_SHIFT
            v = key & VALUE_MASK
            if (length == 0 or length == 11) and v >= MOBILE_LO and v < MOBILE_HI:
                self._miss(i, out)
                if self.n_segs == 0:
                    continue
                seg = v // UNIVERSE - N_SEGMENTS
                word = self.bitmap[seg >> 6]
                if (word >> (seg & 63)) & 1:
                    a[cnt] = (seg << 36) | ((v % UNIVERSE) << 22) | <uint64_t>i
                    h0[seg & (RADIX - 1)] += 1
                    h1[seg >> RADIX_BITS] += 1
                    cnt += 1
                continue
            found = self._find(key, False, out.index != NULL, &p)
            bad |= self._put(i, found, p, out)
        t0 = 0
        t1 = 0
        for j in range(RADIX):
            c = h0[j]
            h0[j] = t0
            t0 += c
            c = h1[j]
            h1[j] = t1
            t1 += c
        for j in range(cnt):
            rec = a[j]
            seg = rec >> 36
            b[h0[seg & (RADIX - 1)]] = rec
            h0[seg & (RADIX - 1)] += 1
        for j in range(cnt):
            rec = b[j]
            seg = rec >> 36
            a[h1[seg >> RADIX_BITS]] = rec
            h1[seg >> RADIX_BITS] += 1
        if MERGE_WALK:
            j = 0
            pf = 0
            pf_seg = N_SEGMENTS
            ahead = BATCH_AHEAD if self.cdir != NULL and COMPACT else 0
            while j < cnt:
                seg = a[j] >> 36
                k = j + 1
                while k < cnt and (a[k] >> 36) == seg:
                    k += 1
                if ahead:
                    # The blocks of the segments of the next few keys, so their misses
                    # overlap this segment's work instead of following it.
                    while pf < k + ahead and pf < cnt:
                        if (a[pf] >> 36) != pf_seg:
                            pf_seg = a[pf] >> 36
                            self._prefetch_block(pf_seg)
                        pf += 1
                _sort_group(a + j, k - j)
                word = self.bitmap[seg >> 6]
                r = self.rank[seg >> 6] + <uint64_t>fn_popcount64(
                    word & ((<uint64_t>1 << (seg & 63)) - 1))
                bad |= self._walk_segment(r, seg >> 6, a + j, k - j, out)
                j = k
            return bad
        last_seg = N_SEGMENTS
        for j in range(cnt):
            rec = a[j]
            seg = rec >> 36
            if seg != last_seg:
                word = self.bitmap[seg >> 6]
                r = self.rank[seg >> 6] + <uint64_t>fn_popcount64(
                    word & ((<uint64_t>1 << (seg & 63)) - 1))
                last_seg = seg
            i = <Py_ssize_t>(rec & ((1 << 22) - 1))
            found = self._find_in_segment(r, seg >> 6, (rec >> 22) & 0x3FFF, False,
                                           out.index != NULL, &p)
            bad |= self._put(i, found, p, out)
        return bad

    cdef inline void _prefetch_block(self, uint64_t seg) noexcept nogil:
        # Ask for every cache line of a present segment's block (v3, from the compact
        # directory): its high bits and records, which the walk reads next. The
        # blocks of a sorted batch's segments follow each other in the file, but
        # each is only a few hundred bytes to a few KB, so the hardware's own
        # prefetch keeps too few of them in flight. Every line is inside the block.
        cdef uint64_t w = seg >> 6, r, e, n, lo, hb, end, line
        r = self.rank[w] + <uint64_t>fn_popcount64(
            self.bitmap[w] & ((<uint64_t>1 << (seg & 63)) - 1))
        e = self.cdir[r]
        if e == 0:
            return
        n = e & ((1 << COMPACT_SHIFT) - 1)
        lo = EF_LOW[n]
        hb = (<uint64_t>self.wbase[w] + (e >> COMPACT_SHIFT)) * 8
        end = hb + n + ((UNIVERSE - 1) >> lo) + 1 + n * (lo + 8 + <uint64_t>self.day_bits)
        line = hb >> 9
        while line <= (end - 1) >> 9:
            fn_prefetch(&self.ef[line << 3])
            line += 1

    cdef int _walk_segment(self, uint64_t r, uint64_t w, const uint64_t* recs,
                           Py_ssize_t k, Out* out) noexcept nogil:
        # The k batch records of the r-th present segment (of bitmap word w), in
        # suffix order: one cursor moves through the high bits once for all of them
        # (where _find_in_segment starts at the block's first word for every key).
        # The cursor sits at the start of bucket hcur: pos is just past its hcur-th
        # zero, idx the first entry of that bucket. Answers equal _find_in_segment's
        # key by key: once the high bits run out (corrupt, -2) they run out for every
        # larger suffix too.
        cdef Seg g
        cdef uint64_t pos, hcur = 0, idx, h, lo, q, e, kk, rec, s
        cdef uint64_t lo_mask
        cdef int64_t found, p = 0
        cdef Py_ssize_t t, i
        cdef int bad = 0
        cdef bint want_index = out.index != NULL
        self._seg_c(r, w, &g)
        lo_mask = (<uint64_t>1 << g.lo_bits) - 1
        pos = g.hb
        for t in range(k):
            rec = recs[t]
            i = <Py_ssize_t>(rec & ((1 << 22) - 1))
            s = (rec >> 22) & 0x3FFF
            h = s >> g.lo_bits
            lo = s & lo_mask
            if h > hcur:
                pos = self._past_zeros(pos, g.he, h - hcur)
                if pos == RAN_OUT:
                    # Corrupt high bits: this key and every later one of the segment.
                    while t < k:
                        self._miss(<Py_ssize_t>(recs[t] & ((1 << 22) - 1)), out)
                        t += 1
                    return 1
                hcur = h
            found = -1
            q = pos
            idx = (pos - g.hb) - hcur
            while q < g.he and idx < g.n:
                if not ((self.ef[q >> 6] >> (q & 63)) & 1):
                    break
                kk = _get_bits(self.ef, g.lowbase + idx * g.stride, g.lo_bits)
                if kk == lo:
                    if self.version >= 3:
                        e = _get_bits(self.ef, g.lowbase + idx * g.stride, g.stride) >> g.lo_bits
                        p = <int64_t>((e & 0xFF) | ((e >> 8) << 8))
                        if g.start == <uint64_t>-1:
                            found = (<int64_t>(self._seg_start(r) + idx) if want_index
                                     else <int64_t>idx)
                        else:
                            found = <int64_t>(g.start + idx)
                    else:
                        p = self._packed(<int64_t>(g.start + idx))
                        found = <int64_t>(g.start + idx)
                    break
                if kk > lo:
                    break
                idx += 1
                q += 1
            bad |= self._put(i, found, p, out)
        return bad

    cdef uint64_t* _take_scratch(self, Py_ssize_t size, bint* own) noexcept nogil:
        # 2 * size words of radix scratch: the store's own when no other batch holds
        # it (kept between calls: fresh pages cost a page fault each on first write),
        # else a private malloc (*own is then set and the caller frees it). NULL: no memory.
        cdef uint64_t* p
        if fn_try_take(&self._scratch_busy):
            if self._scratch_n < size:
                free(self._scratch)
                self._scratch = <uint64_t*>malloc(2 * size * sizeof(uint64_t))
                self._scratch_n = size if self._scratch != NULL else 0
            if self._scratch != NULL:
                own[0] = False
                return self._scratch
            fn_give_back(&self._scratch_busy)
        own[0] = True
        return <uint64_t*>malloc(2 * size * sizeof(uint64_t))

    cdef int _batch(self, const uint64_t* keys, Py_ssize_t n, Out* out,
                    uint8_t* found, uint8_t* cats, uint32_t* counts, int64_t* days,
                    Py_ssize_t min_partition) noexcept nogil:
        # 0, 1 (corrupt payload) or -1 (out of memory). With cats != NULL every
        # column of lookup_columns is filled (out.index is then required); else the
        # columns of out.
        cdef Py_ssize_t step = 1 << CHUNK_BITS
        cdef Py_ssize_t size = n if n < step else step
        cdef Py_ssize_t off, m, i
        cdef uint64_t* a = NULL
        cdef uint32_t* packed = NULL
        cdef uint32_t p
        cdef int bad = 0
        cdef bint own = False
        cdef Out o
        if n == 0:
            return 0
        if n >= min_partition and self.n_segs > 0:
            a = self._take_scratch(size, &own)
            if a == NULL:
                return -1
        if cats != NULL:
            packed = <uint32_t*>malloc(size * sizeof(uint32_t))
            if packed == NULL:
                self._give_scratch(a, own)
                return -1
        off = 0
        while off < n:
            m = n - off if n - off < step else step
            o.index = out.index + off if out.index != NULL else NULL
            o.packed = packed
            o.tags = out.tags + off if out.tags != NULL else NULL
            o.days8 = out.days8 + off if out.days8 != NULL else NULL
            o.days16 = out.days16 + off if out.days16 != NULL else NULL
            bad |= self._chunk(keys + off, m, &o, a, a + size if a != NULL else NULL)
            if cats != NULL:
                for i in range(m):
                    if out.index[off + i] >= 0:
                        p = packed[i]
                        found[off + i] = 1
                        cats[off + i] = (p & 0xFF) >> 4
                        counts[off + i] = BUCKET_LOW[p & 15]
                        days[off + i] = self._day_number(p >> 8) if self.day_bits else NAT
                    else:
                        found[off + i] = 0
                        cats[off + i] = 0
                        counts[off + i] = 0
                        days[off + i] = NAT
            off += m
        self._give_scratch(a, own)
        free(packed)
        return bad

    cdef inline void _give_scratch(self, uint64_t* a, bint own) noexcept nogil:
        if a == NULL:
            return
        if own:
            free(a)
        else:
            fn_give_back(&self._scratch_busy)

    def lookup_batch(self, const uint64_t[::1] keys, int64_t[::1] out,
                     Py_ssize_t min_partition=PARTITION_MIN):
        """Entry index (or -1) of every key into ``out``, without the GIL.

        Batches of ``min_partition`` keys or more are sorted by segment first.
        """
        cdef Py_ssize_t n = keys.shape[0]
        cdef int err
        cdef Out o
        if out.shape[0] != n:
            raise ValueError("out must have one slot per key")
        if n == 0:
            return
        o.index = &out[0]
        o.packed = NULL
        o.tags = NULL
        o.days8 = NULL
        o.days16 = NULL
        with nogil:
            err = self._batch(&keys[0], n, &o, NULL, NULL, NULL, NULL, min_partition)
        self._raise_batch(err)

    def lookup_tags(self, const uint64_t[::1] keys, uint8_t[::1] tags, days=None,
                    Py_ssize_t min_partition=PARTITION_MIN):
        """Every key's tag byte (0 where not found) and stored day value, without the GIL.

        ``days``: None, or one slot per key (``uint8`` for day_bits <= 8, ``uint16``
        for 16) for the stored day value (0 where not found); leave it None for a
        store without days. Batches of ``min_partition`` keys or more are sorted by
        segment first. Nothing else is written: no index, no scratch but the sort's.
        """
        cdef Py_ssize_t n = keys.shape[0]
        cdef int err
        cdef Out o
        cdef uint8_t[::1] d8
        cdef uint16_t[::1] d16
        if tags.shape[0] != n:
            raise ValueError("tags must have one slot per key")
        o.index = NULL
        o.packed = NULL
        o.days8 = NULL
        o.days16 = NULL
        if days is not None:
            if self.day_bits == 0:
                raise ValueError("this store keeps no days")
            if self.day_bits == 16:
                d16 = days
                if d16.shape[0] != n:
                    raise ValueError("days must have one slot per key")
                if n:
                    o.days16 = &d16[0]
            else:
                d8 = days
                if d8.shape[0] != n:
                    raise ValueError("days must have one slot per key")
                if n:
                    o.days8 = &d8[0]
        if n == 0:
            return
        o.tags = &tags[0]
        with nogil:
            err = self._batch(&keys[0], n, &o, NULL, NULL, NULL, NULL, min_partition)
        self._raise_batch(err)

    def lookup_columns(self, const uint64_t[::1] keys, int64_t[::1] index, uint8_t[::1] found,
                       uint8_t[::1] categories, uint32_t[::1] counts, int64_t[::1] days,
                       Py_ssize_t min_partition=PARTITION_MIN):
        """Every key's entry index, found flag, category, count bucket and day, without the GIL.

        ``days`` are day numbers (days since 1970-01-01; ``INT64_MIN``, NaT, where
        not found or not stored); ``counts`` are the count buckets' lower bounds.
        (The previous ``lookup_batch`` output: kept for the side-by-side benchmark.)
        """
        cdef Py_ssize_t n = keys.shape[0]
        cdef int err
        cdef Out o
        if not (index.shape[0] == found.shape[0] == categories.shape[0] == counts.shape[0]
                == days.shape[0] == n):
            raise ValueError("every column must have one slot per key")
        if n == 0:
            return
        o.index = &index[0]
        o.packed = NULL
        o.tags = NULL
        o.days8 = NULL
        o.days16 = NULL
        with nogil:
            err = self._batch(&keys[0], n, &o, &found[0], &categories[0], &counts[0],
                              &days[0], min_partition)
        self._raise_batch(err)

    cdef _raise_batch(self, int err):
        if err == -1:
            raise MemoryError("no memory for the batch's scratch arrays")
        if err:
            raise TagStoreError(CORRUPT_PAYLOAD)

    cdef int _decode(self, uint64_t* out, uint8_t* tags_out, uint16_t* days_out,
                     uint32_t known, int64_t max_value) noexcept nogil:
        # Walk every segment; checks what the checksum would, structurally: -1 when
        # suffixes are not strictly increasing below 10,000, and in version 3 blocks
        # -3 when a tag's category is not a bit of known, -4 when a day value is past
        # max_value (both only when known is not 0). Fills each non-NULL output in
        # entry order.
        cdef uint64_t r = 0, wi, word, seg, prefix, pos, h, idx, value, prev, rec, i
        cdef int64_t p
        cdef bint first
        cdef Seg g
        for wi in range(BITMAP_WORDS):
            word = self.bitmap[wi]
            while word:
                seg = wi * 64 + <uint64_t>fn_ctz64(word)
                word &= word - 1
                prefix = (seg + N_SEGMENTS) * UNIVERSE
                self._seg(r, &g)
                pos = g.hb
                h = 0
                idx = 0
                first = True
                prev = 0
                while idx < g.n:
                    if pos >= g.he:
                        return -1
                    if (self.ef[pos >> 6] >> (pos & 63)) & 1:
                        value = (h << g.lo_bits) | _get_bits(
                            self.ef, g.lowbase + idx * g.stride, g.lo_bits)
                        if value >= UNIVERSE or (not first and value <= prev):
                            return -1
                        first = False
                        prev = value
                        if out != NULL:
                            out[g.start + idx] = (<uint64_t>11 << LEN_SHIFT) | (prefix + value)
                        if self.version >= 3:
                            rec = _get_bits(self.ef, g.lowbase + idx * g.stride,
                                            g.stride) >> g.lo_bits
                            p = <int64_t>((rec & 0xFF) | ((rec >> 8) << 8))
                            if known and not ((known >> ((p & 0xFF) >> 4)) & 1):
                                return -3
                            if known and self.day_bits and (p >> 8) > max_value:
                                return -4
                        elif tags_out != NULL:
                            p = self._packed(<int64_t>(g.start + idx))
                        if tags_out != NULL:
                            tags_out[g.start + idx] = <uint8_t>(p & 0xFF)
                            days_out[g.start + idx] = <uint16_t>(p >> 8)
                        idx += 1
                    else:
                        h += 1
                    pos += 1
                r += 1
        for i in range(self.n_other):
            if out != NULL:
                out[self.n_mobile + i] = self.okeys[i]
            if tags_out != NULL:
                p = self._packed(<int64_t>(self.n_mobile + i))
                tags_out[self.n_mobile + i] = <uint8_t>(p & 0xFF)
                days_out[self.n_mobile + i] = <uint16_t>(p >> 8)
        return 0

    cdef _raise_decode(self, int err):
        if err == -1:
            raise TagStoreError("corrupt segment payload: suffixes not strictly increasing")
        if err == -3:
            raise TagStoreError("a tag names a category the store does not define")
        if err == -4:
            raise TagStoreError("a last-marked day is past the header's newest")

    def decode_keys(self, uint64_t[::1] out):
        """Every entry's numeric key, in entry order, into ``out``."""
        if <uint64_t>out.shape[0] != self.n_mobile + self.n_other:
            raise ValueError("out must have one slot per entry")
        cdef uint64_t* p = &out[0] if out.shape[0] else NULL
        cdef int err = 0
        if p != NULL:
            with nogil:
                err = self._decode(p, NULL, NULL, 0, 0)
        self._raise_decode(err)

    def decode_tags(self, uint8_t[::1] tags, uint16_t[::1] days):
        """Every entry's tag byte and stored day value (0 without days), in entry order."""
        cdef uint64_t n = self.n_mobile + self.n_other
        cdef int err = 0
        if <uint64_t>tags.shape[0] != n or <uint64_t>days.shape[0] != n:
            raise ValueError("tags and days must have one slot per entry")
        if n:
            with nogil:
                err = self._decode(NULL, &tags[0], &days[0], 0, 0)
        self._raise_decode(err)

    def check_segments(self, uint32_t known=0, int64_t max_value=0):
        """Decode every segment, checking its suffixes are increasing and in range.

        In a version 3 store, when ``known`` is not 0, also every block's tags (their
        categories must be bits of ``known``) and days (at most ``max_value``).
        """
        cdef int err
        with nogil:
            err = self._decode(NULL, NULL, NULL, known, max_value)
        self._raise_decode(err)


def pack_ef(const uint16_t[::1] suffixes, const uint32_t[::1] cum,
            const uint64_t[::1] bitpos, uint64_t[::1] words):
    """Elias-Fano code each segment's sorted suffixes into ``words`` (zeroed).

    ``cum`` and ``bitpos`` are the segment directory (n_segs + 1 entries each);
    the caller has checked the suffixes are strictly increasing per segment.
    """
    cdef Py_ssize_t n_segs = cum.shape[0] - 1
    cdef Py_ssize_t r
    cdef uint64_t start, n, lo_bits, base, hb, idx, s, low, p, sh, q, nbits
    nbits = <uint64_t>words.shape[0] * 64
    if bitpos.shape[0] != cum.shape[0] or (n_segs > 0 and bitpos[n_segs] + 64 > nbits):
        raise ValueError("words too short for the directory")
    if n_segs > 0 and <uint64_t>suffixes.shape[0] < cum[n_segs]:
        raise ValueError("fewer suffixes than the directory counts")
    with nogil:
        for r in range(n_segs):
            start = cum[r]
            n = cum[r + 1] - start
            lo_bits = EF_LOW[n] if n <= UNIVERSE else 0
            base = bitpos[r]
            hb = base + n * lo_bits
            for idx in range(n):
                s = suffixes[start + idx]
                if lo_bits:
                    low = s & ((<uint64_t>1 << lo_bits) - 1)
                    p = base + idx * lo_bits
                    sh = p & 63
                    words[p >> 6] |= low << sh
                    if sh + lo_bits > 64:
                        words[(p >> 6) + 1] |= low >> (64 - sh)
                q = hb + (s >> lo_bits) + idx
                words[q >> 6] |= <uint64_t>1 << (q & 63)


cdef inline void _put_bits(uint64_t[::1] words, uint64_t p, uint64_t value,
                           uint64_t width) noexcept nogil:
    # OR width (< 64) bits of value in at bit p; the caller checked p + width fits.
    cdef uint64_t sh = p & 63
    if width == 0:
        return
    words[p >> 6] |= value << sh
    if sh + width > 64:
        words[(p >> 6) + 1] |= value >> (64 - sh)


def pack_blocks(const uint16_t[::1] suffixes, const uint8_t[::1] tags,
                const uint16_t[::1] days, const uint32_t[::1] seg_dir,
                uint64_t[::1] words, int day_bits):
    """Write version 3 segment blocks into ``words`` (zeroed): per segment its
    Elias-Fano high bits, then a record of low bits, tag byte and day value a suffix.

    ``seg_dir`` is (a slice of) the directory: entries before and byte offset of
    each segment, side by side, one pair more than segments; ``days`` holds the day
    values (empty with ``day_bits`` 0). The caller has checked the suffixes are
    strictly increasing per segment.
    """
    cdef Py_ssize_t n_segs = seg_dir.shape[0] // 2 - 1
    cdef Py_ssize_t r
    cdef uint64_t start, n, lo_bits, hb, rb, width, idx, s, rec, nbits
    nbits = <uint64_t>words.shape[0] * 64
    if day_bits not in (0, 1, 2, 4, 8, 16):
        raise ValueError("day_bits must be 0, 1, 2, 4, 8 or 16")
    if n_segs <= 0:
        return
    if <uint64_t>seg_dir[2 * n_segs + 1] * 8 + 64 > nbits:
        raise ValueError("words too short for the directory")
    for r in range(n_segs):
        if seg_dir[2 * r + 2] <= seg_dir[2 * r] or seg_dir[2 * r + 2] - seg_dir[2 * r] > UNIVERSE:
            raise ValueError("a segment of the directory has a bad count")
        n = seg_dir[2 * r + 2] - seg_dir[2 * r]
        if seg_dir[2 * r + 3] < seg_dir[2 * r + 1] or (
            <uint64_t>(seg_dir[2 * r + 3] - seg_dir[2 * r + 1]) * 8
            < n + ((UNIVERSE - 1) >> EF_LOW[n]) + 1 + n * (EF_LOW[n] + 8 + <uint64_t>day_bits)
        ):
            raise ValueError("a segment's block is shorter than its code")
    if (<uint64_t>suffixes.shape[0] < seg_dir[2 * n_segs]
            or <uint64_t>tags.shape[0] < seg_dir[2 * n_segs]
            or (day_bits and <uint64_t>days.shape[0] < seg_dir[2 * n_segs])):
        raise ValueError("fewer entries than the directory counts")
    with nogil:
        for r in range(n_segs):
            start = seg_dir[2 * r]
            n = seg_dir[2 * r + 2] - start
            lo_bits = EF_LOW[n]
            hb = <uint64_t>seg_dir[2 * r + 1] * 8
            rb = hb + n + ((UNIVERSE - 1) >> lo_bits) + 1
            width = lo_bits + 8 + <uint64_t>day_bits
            for idx in range(n):
                s = suffixes[start + idx]
                rec = (s & ((<uint64_t>1 << lo_bits) - 1)) | (<uint64_t>tags[start + idx] << lo_bits)
                if day_bits:
                    rec |= (<uint64_t>days[start + idx] & ((<uint64_t>1 << day_bits) - 1)) << (lo_bits + 8)
                _put_bits(words, rb + idx * width, rec, width)
                _put_bits(words, hb + (s >> lo_bits) + idx, 1, 1)

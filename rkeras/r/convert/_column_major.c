/* Transposing copy of a C-ordered (row-major) numpy array into R's column-major vector.
 *
 * A plain C library (no Python.h: it builds wherever a C compiler exists, without the
 * Python headers), loaded by rkeras/r/convert/column_major.py through cffi's ABI mode and
 * built at install time as an optional setuptools extension (setup.py). Without it,
 * to_r uses its numpy copy, 2-4x slower on large arrays (BENCHMARKS.md, Issue 15, §3).
 *
 * The source is taken as n rows of m elements (row i = src[i*m .. i*m+m-1]); element
 * (i, c) goes to dst[pos[c] + i], pos[c] being where R's column for c starts (c * n
 * for a matrix; for an N-d array R's order of the trailing axes, computed in Python).
 * Work is done in blocks of BLOCK_ROWS rows: within a block, each group of source
 * columns is read down the block's rows (the block stays in cache) and written as
 * contiguous runs of R's columns. What made it ~2x faster than plain blocked loops
 * (measured, BENCHMARKS.md): an 8x8 (int) / 4x4 (double) register transpose with AVX2,
 * prefetching the next block's rows while the current one is copied, and
 * non-temporal stores for large outputs (they skip reading each line before writing).
 *
 * Each function returns 1 if it saw an R NA marker: INT_MIN in int32 -> int32 (R's
 * NA_integer_, so the caller converts to double instead), any NaN in float -> double
 * (the caller turns NaN into R's NA_real_). Casts from other types cannot produce one.
 */
#include <stdint.h>
#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define RK_PREFETCH(p) __builtin_prefetch((const void *)(p), 0, 2)
#else
#define RK_PREFETCH(p) ((void)0)
#endif

#define BLOCK_ROWS 64
#define MIN(a, b) ((a) < (b) ? (a) : (b))

#define NA_NONE(v) 0
#define NA_INT(v) ((v) == INT32_MIN)
#define NA_NAN(v) ((v) != (v))

/* Portable kernel: rows [r0, r1), columns [0, ncols) of rows m elements apart, one by one. */
#define RK_SCALAR(NAME, ST, DT, NACHK)                                                      \
  static int NAME(const ST *src, DT *dst, int64_t m, int64_t ncols, const int64_t *pos,    \
                  int64_t r0, int64_t r1) {                                                 \
    int na = 0;                                                                             \
    const int64_t line = 64 / (int64_t)sizeof(ST);                                          \
    for (int64_t i0 = r0; i0 < r1; i0 += BLOCK_ROWS) {                                      \
      int64_t i1 = MIN(i0 + BLOCK_ROWS, r1), p1 = MIN(i1 + BLOCK_ROWS, r1);                 \
      for (int64_t c = 0; c < ncols; c++) {                                                 \
        DT *d = dst + pos[c];                                                               \
        const ST *s = src + c;                                                              \
        if (c % line == 0)                                                                  \
          for (int64_t i = i1; i < p1; i++) RK_PREFETCH(s + i * m);                         \
        for (int64_t i = i0; i < i1; i++) {                                                 \
          ST v = s[i * m];                                                                  \
          na |= NACHK(v);                                                                   \
          d[i] = (DT)v;                                                                     \
        }                                                                                   \
      }                                                                                     \
    }                                                                                       \
    return na;                                                                              \
  }

RK_SCALAR(scalar_i32_i32, int32_t, int32_t, NA_INT)
RK_SCALAR(scalar_f64_f64, double, double, NA_NAN)
RK_SCALAR(scalar_u8_i32, uint8_t, int32_t, NA_NONE)
RK_SCALAR(scalar_i8_i32, int8_t, int32_t, NA_NONE)
RK_SCALAR(scalar_u16_i32, uint16_t, int32_t, NA_NONE)
RK_SCALAR(scalar_i16_i32, int16_t, int32_t, NA_NONE)
RK_SCALAR(scalar_u32_i32, uint32_t, int32_t, NA_NONE)   /* the caller checked the range */
RK_SCALAR(scalar_i64_i32, int64_t, int32_t, NA_NONE)    /* the caller checked the range */
RK_SCALAR(scalar_u64_i32, uint64_t, int32_t, NA_NONE)   /* the caller checked the range */
RK_SCALAR(scalar_f32_f64, float, double, NA_NAN)
RK_SCALAR(scalar_i32_f64, int32_t, double, NA_NONE)
RK_SCALAR(scalar_u32_f64, uint32_t, double, NA_NONE)
RK_SCALAR(scalar_i64_f64, int64_t, double, NA_NONE)
RK_SCALAR(scalar_u64_f64, uint64_t, double, NA_NONE)
RK_SCALAR(scalar_i16_f64, int16_t, double, NA_NONE)
RK_SCALAR(scalar_u16_f64, uint16_t, double, NA_NONE)
RK_SCALAR(scalar_i8_f64, int8_t, double, NA_NONE)
RK_SCALAR(scalar_u8_f64, uint8_t, double, NA_NONE)

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(RK_NO_SIMD)
#include <immintrin.h>
#define RK_HAVE_AVX2 1

/* AVX2 kernels: rows [r0, r1) (a multiple of GROUP rows) and columns [0, mg) (a multiple
 * of GROUP), GROUP x GROUP elements at a time: GROUP rows loaded (and widened), transposed
 * in registers, stored as GROUP runs of R's columns. */

/* int32 out, 8 x 8; LOAD gives 8 int32 from 8 source elements. */
#define RK_AVX_I32(NAME, ST, LOAD, CHECK)                                                    \
  __attribute__((target("avx2"))) static int NAME(const ST *src, int32_t *dst, int64_t m,     \
                                                  int64_t mg, const int64_t *pos, int64_t r0, \
                                                  int64_t r1, int nt) {                       \
    const __m256i na = _mm256_set1_epi32(INT32_MIN);                                         \
    __m256i acc = _mm256_setzero_si256();                                                    \
    const int64_t line = 64 / (int64_t)sizeof(ST);                                           \
    for (int64_t i0 = r0; i0 < r1; i0 += BLOCK_ROWS) {                                       \
      int64_t i1 = MIN(i0 + BLOCK_ROWS, r1), p1 = MIN(i1 + BLOCK_ROWS, r1);                  \
      for (int64_t c = 0; c < mg; c += 8) {                                                  \
        int32_t *d[8];                                                                       \
        for (int k = 0; k < 8; k++) d[k] = dst + pos[c + k];                                 \
        const ST *s = src + c;                                                               \
        if (c % line < 8)                                                                    \
          for (int64_t i = i1; i < p1; i++) RK_PREFETCH(s + i * m);                          \
        for (int64_t i = i0; i < i1; i += 8) {                                               \
          __m256i r[8], t[8], u[8], o[8];                                                    \
          for (int k = 0; k < 8; k++) r[k] = LOAD(s + (i + k) * m);                          \
          for (int k = 0; k < 8; k += 2) {                                                   \
            t[k] = _mm256_unpacklo_epi32(r[k], r[k + 1]);                                    \
            t[k + 1] = _mm256_unpackhi_epi32(r[k], r[k + 1]);                                \
          }                                                                                  \
          for (int k = 0; k < 8; k += 4) {                                                   \
            u[k] = _mm256_unpacklo_epi64(t[k], t[k + 2]);                                    \
            u[k + 1] = _mm256_unpackhi_epi64(t[k], t[k + 2]);                                \
            u[k + 2] = _mm256_unpacklo_epi64(t[k + 1], t[k + 3]);                            \
            u[k + 3] = _mm256_unpackhi_epi64(t[k + 1], t[k + 3]);                            \
          }                                                                                  \
          for (int k = 0; k < 4; k++) {                                                      \
            o[k] = _mm256_permute2x128_si256(u[k], u[k + 4], 0x20);                          \
            o[k + 4] = _mm256_permute2x128_si256(u[k], u[k + 4], 0x31);                      \
          }                                                                                  \
          for (int k = 0; k < 8; k++) {                                                      \
            if (CHECK) acc = _mm256_or_si256(acc, _mm256_cmpeq_epi32(o[k], na));             \
            if (nt)                                                                          \
              _mm256_stream_si256((__m256i *)(d[k] + i), o[k]);                              \
            else                                                                             \
              _mm256_storeu_si256((__m256i *)(d[k] + i), o[k]);                              \
          }                                                                                  \
        }                                                                                    \
      }                                                                                      \
    }                                                                                        \
    if (nt) _mm_sfence();                                                                    \
    return !_mm256_testz_si256(acc, acc);                                                    \
  }

/* double out, 4 x 4; LOAD gives 4 doubles from 4 source elements; NaN checked. */
#define RK_AVX_F64(NAME, ST, LOAD)                                                           \
  __attribute__((target("avx2"))) static int NAME(const ST *src, double *dst, int64_t m,      \
                                                  int64_t mg, const int64_t *pos, int64_t r0, \
                                                  int64_t r1, int nt) {                       \
    __m256d acc = _mm256_setzero_pd();                                                       \
    const int64_t line = 64 / (int64_t)sizeof(ST);                                           \
    for (int64_t i0 = r0; i0 < r1; i0 += BLOCK_ROWS) {                                       \
      int64_t i1 = MIN(i0 + BLOCK_ROWS, r1), p1 = MIN(i1 + BLOCK_ROWS, r1);                  \
      for (int64_t c = 0; c < mg; c += 4) {                                                  \
        double *d0 = dst + pos[c], *d1 = dst + pos[c + 1], *d2 = dst + pos[c + 2],           \
               *d3 = dst + pos[c + 3];                                                       \
        const ST *s = src + c;                                                               \
        if (c % line < 4)                                                                    \
          for (int64_t i = i1; i < p1; i++) RK_PREFETCH(s + i * m);                          \
        for (int64_t i = i0; i < i1; i += 4) {                                               \
          __m256d a = LOAD(s + i * m), b = LOAD(s + (i + 1) * m);                            \
          __m256d e = LOAD(s + (i + 2) * m), f = LOAD(s + (i + 3) * m);                      \
          acc = _mm256_or_pd(acc, _mm256_or_pd(_mm256_or_pd(_mm256_cmp_pd(a, a, _CMP_UNORD_Q),  \
                                                            _mm256_cmp_pd(b, b, _CMP_UNORD_Q)), \
                                               _mm256_or_pd(_mm256_cmp_pd(e, e, _CMP_UNORD_Q),  \
                                                            _mm256_cmp_pd(f, f, _CMP_UNORD_Q)))); \
          __m256d t0 = _mm256_unpacklo_pd(a, b), t1 = _mm256_unpackhi_pd(a, b);              \
          __m256d t2 = _mm256_unpacklo_pd(e, f), t3 = _mm256_unpackhi_pd(e, f);              \
          __m256d o0 = _mm256_permute2f128_pd(t0, t2, 0x20);                                 \
          __m256d o1 = _mm256_permute2f128_pd(t1, t3, 0x20);                                 \
          __m256d o2 = _mm256_permute2f128_pd(t0, t2, 0x31);                                 \
          __m256d o3 = _mm256_permute2f128_pd(t1, t3, 0x31);                                 \
          if (nt) {                                                                          \
            _mm256_stream_pd(d0 + i, o0); _mm256_stream_pd(d1 + i, o1);                      \
            _mm256_stream_pd(d2 + i, o2); _mm256_stream_pd(d3 + i, o3);                      \
          } else {                                                                           \
            _mm256_storeu_pd(d0 + i, o0); _mm256_storeu_pd(d1 + i, o1);                      \
            _mm256_storeu_pd(d2 + i, o2); _mm256_storeu_pd(d3 + i, o3);                      \
          }                                                                                  \
        }                                                                                    \
      }                                                                                      \
    }                                                                                        \
    if (nt) _mm_sfence();                                                                    \
    return _mm256_movemask_pd(acc) != 0;                                                     \
  }

#define LOAD_I32(p) _mm256_loadu_si256((const __m256i *)(p))
#define LOAD_U8(p) _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(p)))
#define LOAD_I8(p) _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(p)))
#define LOAD_U16(p) _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p)))
#define LOAD_I16(p) _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(p)))
#define LOAD_F64(p) _mm256_loadu_pd(p)
#define LOAD_F32(p) _mm256_cvtps_pd(_mm_loadu_ps(p))

RK_AVX_I32(avx2_i32_i32, int32_t, LOAD_I32, 1)
RK_AVX_I32(avx2_u8_i32, uint8_t, LOAD_U8, 0)
RK_AVX_I32(avx2_i8_i32, int8_t, LOAD_I8, 0)
RK_AVX_I32(avx2_u16_i32, uint16_t, LOAD_U16, 0)
RK_AVX_I32(avx2_i16_i32, int16_t, LOAD_I16, 0)
RK_AVX_F64(avx2_f64_f64, double, LOAD_F64)
RK_AVX_F64(avx2_f32_f64, float, LOAD_F32)

static int have_avx2(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx2") ? 1 : 0;
  }
  return cached;
}

/* The AVX2 kernel for the aligned middle, the portable one for the rest: the rows before
 * the first row whose runs are 32-byte aligned (non-temporal stores need it), the rows
 * after the last full group, the columns after the last full group. */
#define RK_DISPATCH(NAME, ST, DT, SCALAR, AVX, GROUP)                                        \
  static int NAME(const ST *src, DT *dst, int64_t n, int64_t m, const int64_t *pos,          \
                  int64_t r0, int64_t r1, int nt) {                                          \
    if (!have_avx2() || r1 - r0 < 2 * GROUP || m < GROUP)                                    \
      return SCALAR(src, dst, m, m, pos, r0, r1);                                            \
    int64_t mg = m - m % GROUP, head = 0, es = (int64_t)sizeof(DT);                          \
    if (nt && (n * es) % 32 == 0 && ((uintptr_t)dst) % es == 0) {                            \
      uintptr_t a = (uintptr_t)(dst + r0) % 32;                                              \
      head = a ? (int64_t)((32 - a) / es) : 0;                                               \
    } else {                                                                                 \
      nt = 0;                                                                                \
    }                                                                                        \
    int64_t s0 = r0 + head, s1 = s0 + ((r1 - s0) / GROUP) * GROUP;                           \
    int na = SCALAR(src, dst, m, m, pos, r0, s0);                                            \
    na |= AVX(src, dst, m, mg, pos, s0, s1, nt);                                             \
    if (mg < m) na |= SCALAR(src + mg, dst, m, m - mg, pos + mg, s0, s1);                    \
    na |= SCALAR(src, dst, m, m, pos, s1, r1);                                               \
    return na;                                                                               \
  }
#else
#define RK_DISPATCH(NAME, ST, DT, SCALAR, AVX, GROUP)                                        \
  static int NAME(const ST *src, DT *dst, int64_t n, int64_t m, const int64_t *pos,          \
                  int64_t r0, int64_t r1, int nt) {                                          \
    (void)n; (void)nt;                                                                       \
    return SCALAR(src, dst, m, m, pos, r0, r1);                                              \
  }
#endif

RK_DISPATCH(copy_i32_i32, int32_t, int32_t, scalar_i32_i32, avx2_i32_i32, 8)
RK_DISPATCH(copy_u8_i32, uint8_t, int32_t, scalar_u8_i32, avx2_u8_i32, 8)
RK_DISPATCH(copy_i8_i32, int8_t, int32_t, scalar_i8_i32, avx2_i8_i32, 8)
RK_DISPATCH(copy_u16_i32, uint16_t, int32_t, scalar_u16_i32, avx2_u16_i32, 8)
RK_DISPATCH(copy_i16_i32, int16_t, int32_t, scalar_i16_i32, avx2_i16_i32, 8)
RK_DISPATCH(copy_f64_f64, double, double, scalar_f64_f64, avx2_f64_f64, 4)
RK_DISPATCH(copy_f32_f64, float, double, scalar_f32_f64, avx2_f32_f64, 4)

/* The kinds, numbered as in column_major.py's KINDS. */
int rk_c_to_f(int kind, const void *src, void *dst, int64_t n, int64_t m, const int64_t *pos,
              int64_t r0, int64_t r1, int nt) {
  switch (kind) {
    case 0: return copy_i32_i32((const int32_t *)src, (int32_t *)dst, n, m, pos, r0, r1, nt);
    case 1: return copy_f64_f64((const double *)src, (double *)dst, n, m, pos, r0, r1, nt);
    case 2: return copy_u8_i32((const uint8_t *)src, (int32_t *)dst, n, m, pos, r0, r1, nt);
    case 3: return copy_i8_i32((const int8_t *)src, (int32_t *)dst, n, m, pos, r0, r1, nt);
    case 4: return copy_u16_i32((const uint16_t *)src, (int32_t *)dst, n, m, pos, r0, r1, nt);
    case 5: return copy_i16_i32((const int16_t *)src, (int32_t *)dst, n, m, pos, r0, r1, nt);
    case 6: return scalar_u32_i32((const uint32_t *)src, (int32_t *)dst, m, m, pos, r0, r1);
    case 7: return scalar_i64_i32((const int64_t *)src, (int32_t *)dst, m, m, pos, r0, r1);
    case 8: return scalar_u64_i32((const uint64_t *)src, (int32_t *)dst, m, m, pos, r0, r1);
    case 9: return copy_f32_f64((const float *)src, (double *)dst, n, m, pos, r0, r1, nt);
    case 10: return scalar_i32_f64((const int32_t *)src, (double *)dst, m, m, pos, r0, r1);
    case 11: return scalar_u32_f64((const uint32_t *)src, (double *)dst, m, m, pos, r0, r1);
    case 12: return scalar_i64_f64((const int64_t *)src, (double *)dst, m, m, pos, r0, r1);
    case 13: return scalar_u64_f64((const uint64_t *)src, (double *)dst, m, m, pos, r0, r1);
    case 14: return scalar_i16_f64((const int16_t *)src, (double *)dst, m, m, pos, r0, r1);
    case 15: return scalar_u16_f64((const uint16_t *)src, (double *)dst, m, m, pos, r0, r1);
    case 16: return scalar_i8_f64((const int8_t *)src, (double *)dst, m, m, pos, r0, r1);
    case 17: return scalar_u8_f64((const uint8_t *)src, (double *)dst, m, m, pos, r0, r1);
    default: return -1;
  }
}

/* 1 when the AVX2 kernels are used on this CPU (for tests and benchmarks). */
int rk_simd(void) {
#ifdef RK_HAVE_AVX2
  return have_avx2();
#else
  return 0;
#endif
}

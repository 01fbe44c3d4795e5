// Code that makes clang emit post-MVP instructions, for scanCodeFeatures tests:
// auto-vectorized loops (SIMD), memcpy/memset (bulk memory), narrow casts
// (sign extension), float-to-int casts (saturating conversions), a tail call,
// and C11 atomics (threads).
// Built with:
//   clang --target=wasm32 -O3 -nostdlib -Wl,--no-entry -Wl,--export-dynamic -Wl,--import-memory \
//     -Wl,--shared-memory -Wl,--max-memory=1048576 -msimd128 -mbulk-memory -msign-ext \
//     -mnontrapping-fptoint -mtail-call -matomics features.c -o features.wasm
#include <stdatomic.h>

#define EXPORT __attribute__((visibility("default")))

EXPORT void add_arrays(float *restrict out, const float *restrict a, const float *restrict b, int n) {
  for (int i = 0; i < n; i++) out[i] = a[i] * 2.0f + b[i];
}

EXPORT void copy(char *restrict dst, const char *restrict src, unsigned long n) { __builtin_memcpy(dst, src, n); }

EXPORT void clear(char *dst, unsigned long n) { __builtin_memset(dst, 0, n); }

EXPORT int widen(int x) { return (signed char)x + (short)(x >> 8); }

EXPORT int to_int(float f) { return (int)f; }

static atomic_int counter;

EXPORT int bump(void) { return atomic_fetch_add(&counter, 1); }

__attribute__((noinline)) static int helper(int x) { return x * 3 + 1; }

EXPORT int tail(int x) { return helper(x ^ 0x55); }

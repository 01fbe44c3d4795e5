// Quicksort (median-of-three, insertion sort below 16) of pseudo-random
// 32-bit keys, repeated over fresh data; prints a position-weighted checksum.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t rng = 2463534242u;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static void insertion(uint32_t *a, long n) {
  for (long i = 1; i < n; i++) {
    uint32_t v = a[i];
    long j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void swap(uint32_t *a, long i, long j) {
  uint32_t t = a[i];
  a[i] = a[j];
  a[j] = t;
}

static void quicksort(uint32_t *a, long n) {
  while (n > 16) {
    long m = n / 2;
    if (a[m] < a[0]) swap(a, m, 0);
    if (a[n - 1] < a[0]) swap(a, n - 1, 0);
    if (a[n - 1] < a[m]) swap(a, n - 1, m);
    uint32_t pivot = a[m];
    long i = 0, j = n - 1;
    for (;;) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i >= j) break;
      swap(a, i, j);
      i++;
      j--;
    }
    // Recurse into the smaller half, loop on the larger: O(log n) stack.
    if (j + 1 < n - j - 1) {
      quicksort(a, j + 1);
      a += j + 1;
      n -= j + 1;
    } else {
      quicksort(a + j + 1, n - j - 1);
      n = j + 1;
    }
  }
  insertion(a, n);
}

int main(void) {
  const long n = 1000000;
  uint32_t *a = malloc(n * sizeof *a);
  uint64_t sum = 0;
  for (int round = 0; round < 18; round++) {
    for (long i = 0; i < n; i++) a[i] = next();
    quicksort(a, n);
    for (long i = 1; i < n; i++)
      if (a[i - 1] > a[i]) {
        printf("not sorted at %ld\n", i);
        return 1;
      }
    for (long i = 0; i < n; i += 997) sum = sum * 31 + a[i];
  }
  printf("quicksort %llu\n", (unsigned long long)sum);
  free(a);
  return 0;
}

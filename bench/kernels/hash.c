// Two byte-at-a-time and word-at-a-time hashes over a 16 MiB buffer: FNV-1a
// (32-bit) and a 64-bit multiply-rotate mix in the style of xxHash.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t fnv1a(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t mix64(const uint8_t *p, size_t n, uint64_t seed) {
  const uint64_t P1 = 0x9E3779B185EBCA87ull, P2 = 0xC2B2AE3D27D4EB4Full;
  uint64_t a = seed + P1 + P2, b = seed + P2, c = seed, d = seed - P1;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    uint64_t w[4];
    memcpy(w, p + i, 32);
    a = rotl(a + w[0] * P2, 31) * P1;
    b = rotl(b + w[1] * P2, 31) * P1;
    c = rotl(c + w[2] * P2, 31) * P1;
    d = rotl(d + w[3] * P2, 31) * P1;
  }
  uint64_t h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18);
  for (; i < n; i++) h = rotl(h ^ (p[i] * P1), 11) * P2;
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  return h;
}

int main(void) {
  const size_t n = 16u << 20;
  uint8_t *buf = malloc(n);
  uint32_t x = 12345;
  for (size_t i = 0; i < n; i++) {
    x = x * 1103515245u + 12345u;
    buf[i] = (uint8_t)(x >> 16);
  }
  uint32_t f = 0;
  uint64_t m = 0;
  for (int round = 0; round < 44; round++) {
    buf[round * 4099] ^= (uint8_t)f;
    f ^= fnv1a(buf, n);
    m ^= mix64(buf, n, m);
  }
  for (int round = 0; round < 116; round++) m ^= mix64(buf + round, n - 128, m);
  printf("hash %08x %016llx\n", f, (unsigned long long)m);
  free(buf);
  return 0;
}

// LZ77-style compression with a hash-chain match finder (LZ4-like token
// format: literal run, match offset and length), then decompression and a
// check of the round trip; prints the compressed size and a checksum.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HASH_BITS 15
#define MIN_MATCH 4
#define MAX_OFFSET 65535
#define MAX_CHAIN 16

static int32_t head[1 << HASH_BITS];
static int32_t *prev;

static uint32_t hash4(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return (v * 2654435761u) >> (32 - HASH_BITS);
}

static uint8_t *put_len(uint8_t *o, size_t n) {
  while (n >= 255) {
    *o++ = 255;
    n -= 255;
  }
  *o++ = (uint8_t)n;
  return o;
}

static size_t compress(const uint8_t *in, size_t n, uint8_t *out) {
  memset(head, -1, sizeof head);
  uint8_t *o = out;
  size_t anchor = 0, i = 0;
  while (i + MIN_MATCH <= n) {
    uint32_t h = hash4(in + i);
    int32_t cand = head[h];
    size_t best_len = 0, best_off = 0;
    for (int chain = 0; cand >= 0 && i - (size_t)cand <= MAX_OFFSET && chain < MAX_CHAIN; chain++) {
      size_t len = 0;
      while (i + len < n && in[cand + len] == in[i + len] && len < 255 + 15 + MIN_MATCH) len++;
      if (len > best_len) {
        best_len = len;
        best_off = i - (size_t)cand;
      }
      cand = prev[cand];
    }
    prev[i] = head[h];
    head[h] = (int32_t)i;
    if (best_len < MIN_MATCH) {
      i++;
      continue;
    }
    size_t lit = i - anchor, mlen = best_len - MIN_MATCH;
    *o++ = (uint8_t)((lit < 15 ? lit : 15) << 4 | (mlen < 15 ? mlen : 15));
    if (lit >= 15) o = put_len(o, lit - 15);
    memcpy(o, in + anchor, lit);
    o += lit;
    *o++ = (uint8_t)best_off;
    *o++ = (uint8_t)(best_off >> 8);
    if (mlen >= 15) o = put_len(o, mlen - 15);
    for (size_t k = 1; k < best_len && i + k + MIN_MATCH <= n; k++) {
      uint32_t hk = hash4(in + i + k);
      prev[i + k] = head[hk];
      head[hk] = (int32_t)(i + k);
    }
    i += best_len;
    anchor = i;
  }
  size_t lit = n - anchor;
  *o++ = (uint8_t)((lit < 15 ? lit : 15) << 4);
  if (lit >= 15) o = put_len(o, lit - 15);
  memcpy(o, in + anchor, lit);
  o += lit;
  return (size_t)(o - out);
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
  const uint8_t *end = in + n;
  uint8_t *o = out;
  while (in < end) {
    uint8_t token = *in++;
    size_t lit = token >> 4;
    if (lit == 15) {
      uint8_t b;
      do lit += b = *in++;
      while (b == 255);
    }
    memcpy(o, in, lit);
    o += lit;
    in += lit;
    if (in >= end) break;
    size_t off = in[0] | (size_t)in[1] << 8;
    in += 2;
    size_t mlen = token & 15;
    if (mlen == 15) {
      uint8_t b;
      do mlen += b = *in++;
      while (b == 255);
    }
    mlen += MIN_MATCH;
    const uint8_t *m = o - off;
    for (size_t k = 0; k < mlen; k++) o[k] = m[k];
    o += mlen;
  }
  return (size_t)(o - out);
}

int main(void) {
  const size_t n = 6u << 20;
  uint8_t *data = malloc(n), *packed = malloc(n + n / 255 + 64), *back = malloc(n);
  prev = malloc(n * sizeof *prev);
  // Compressible input: words from a small vocabulary with random noise.
  static const char *words[] = {"alpha ", "beta ", "gamma ", "delta ", "epsilon ", "zeta ", "eta ", "theta ", "iota ", "kappa "};
  uint32_t x = 3;
  size_t pos = 0;
  while (pos < n) {
    x = x * 1103515245u + 12345u;
    const char *w = words[(x >> 16) % 10];
    for (size_t k = 0; w[k] && pos < n; k++) data[pos++] = (uint8_t)w[k];
    if (((x >> 8) & 7) == 0 && pos < n) data[pos++] = (uint8_t)(x >> 24);
  }
  size_t packed_len = 0;
  uint32_t sum = 0;
  for (int round = 0; round < 13; round++) {
    packed_len = compress(data, n, packed);
    size_t m = decompress(packed, packed_len, back);
    if (m != n || memcmp(data, back, n) != 0) {
      printf("round trip failed\n");
      return 1;
    }
    for (size_t k = 0; k < packed_len; k += 7) sum = sum * 31 + packed[k];
    data[round * 777] ^= 1;
  }
  printf("lz %zu %08x\n", packed_len, sum);
  free(data);
  free(packed);
  free(back);
  free(prev);
  return 0;
}

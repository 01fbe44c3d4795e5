// CRC-32 (IEEE, reflected) with the slicing-by-4 table method over a 32 MiB
// buffer, several rounds; prints the CRCs.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t table[4][256];

static void init_tables(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int t = 1; t < 4; t++) table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
}

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  while (n >= 4) {
    crc ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    crc = table[3][crc & 0xff] ^ table[2][(crc >> 8) & 0xff] ^ table[1][(crc >> 16) & 0xff] ^ table[0][crc >> 24];
    p += 4;
    n -= 4;
  }
  while (n--) crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

int main(void) {
  init_tables();
  const size_t n = 32u << 20;
  uint8_t *buf = malloc(n);
  uint32_t x = 1;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    buf[i] = (uint8_t)x;
  }
  uint32_t crc = 0, all = 0;
  for (int round = 0; round < 36; round++) {
    crc = crc32(crc, buf + round, n - round);
    all ^= crc;
  }
  printf("crc32 %08x %08x %08x\n", crc32(0, (const uint8_t *)"123456789", 9), crc, all);
  free(buf);
  return 0;
}

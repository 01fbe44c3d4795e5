// Sieve of Eratosthenes over a byte array up to 40 million, repeated;
// prints the prime count and the sum of the last primes found.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  const uint32_t n = 40000000;
  uint8_t *composite = malloc(n + 1);
  uint64_t total = 0;
  uint32_t count = 0;
  for (int round = 0; round < 5; round++) {
    memset(composite, 0, n + 1);
    count = 0;
    for (uint32_t i = 2; i <= n; i++) {
      if (composite[i]) continue;
      count++;
      total += i;
      if ((uint64_t)i * i <= n)
        for (uint32_t j = i * i; j <= n; j += i) composite[j] = 1;
    }
  }
  printf("sieve %u %llu\n", count, (unsigned long long)total);
  free(composite);
  return 0;
}

// String processing: generate a text of pseudo-random words, count word
// frequencies in an open-addressing hash table, then run a naive substring
// search for a few needles; prints the distinct-word count, the top count and
// the match counts.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_BITS 16
#define TABLE_SIZE (1u << TABLE_BITS)

typedef struct {
  const char *word;
  uint32_t len;
  uint32_t count;
} Entry;

static Entry table[TABLE_SIZE];

static uint32_t hash(const char *s, uint32_t n) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
  return h;
}

static void add(const char *w, uint32_t n) {
  uint32_t i = hash(w, n) & (TABLE_SIZE - 1);
  for (;;) {
    Entry *e = &table[i];
    if (e->word == NULL) {
      e->word = w;
      e->len = n;
      e->count = 1;
      return;
    }
    if (e->len == n && memcmp(e->word, w, n) == 0) {
      e->count++;
      return;
    }
    i = (i + 1) & (TABLE_SIZE - 1);
  }
}

static long count_matches(const char *text, size_t n, const char *needle) {
  size_t m = strlen(needle);
  long found = 0;
  for (size_t i = 0; i + m <= n; i++) {
    size_t j = 0;
    while (j < m && text[i + j] == needle[j]) j++;
    if (j == m) found++;
  }
  return found;
}

int main(void) {
  static const char syllables[][4] = {"ka", "to", "ri", "ne", "su", "mo", "la", "vi", "de", "po", "zu", "he"};
  const size_t n = 24u << 20;
  char *text = malloc(n + 16);
  size_t pos = 0;
  uint32_t x = 99;
  while (pos < n) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    // Skewed word lengths (1-4 syllables) and syllables: a Zipf-ish vocabulary.
    int syl = 1 + (int)((x >> 3) % 4 * ((x >> 5) % 4)) / 3;
    for (int s = 0; s < syl; s++) {
      const char *p = syllables[((x >> (8 + 4 * s)) % 12) * ((x >> 28) % 2 + 1) / 2 % 12];
      text[pos++] = p[0];
      text[pos++] = p[1];
    }
    text[pos++] = (x & 15) == 0 ? '\n' : ' ';
  }
  size_t len = pos;
  long words = 0;
  for (int round = 0; round < 8; round++) {
    memset(table, 0, sizeof table);
    size_t i = 0;
    while (i < len) {
      while (i < len && (text[i] == ' ' || text[i] == '\n')) i++;
      size_t start = i;
      while (i < len && text[i] != ' ' && text[i] != '\n') i++;
      if (i > start) {
        add(text + start, (uint32_t)(i - start));
        words++;
      }
    }
  }
  uint32_t distinct = 0, top = 0;
  for (uint32_t i = 0; i < TABLE_SIZE; i++)
    if (table[i].word) {
      distinct++;
      if (table[i].count > top) top = table[i].count;
    }
  long a = count_matches(text, len, "kato ri");
  long b = count_matches(text, len, "nesu\n");
  long c = count_matches(text, len, "lavide");
  printf("word-freq %ld %u %u %ld %ld %ld\n", words, distinct, top, a, b, c);
  free(text);
  return 0;
}

// A small WASI program with libc (printf, qsort, malloc) for the parser's
// mutation tests: a realistic mix of imports, data, element and name sections.
// Built with: clang --target=wasm32-wasi -O2 -Wl,--strip-debug sort.c -o sort.wasm
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 16;
  int *values = malloc(sizeof(int) * (size_t)n);
  unsigned seed = 12345;
  for (int i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    values[i] = (int)(seed >> 16) % 1000;
  }
  qsort(values, (size_t)n, sizeof(int), compare);
  for (int i = 0; i < n; i++) printf("%d%c", values[i], i + 1 == n ? '\n' : ' ');
  free(values);
  return strlen(argv[0]) > 1000;
}

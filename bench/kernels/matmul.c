// Dense double-precision matrix multiply C = A * B with B transposed first,
// so the inner loop is a dot product of two contiguous rows. (A floating-point
// reduction: clang does not vectorize it without -ffast-math, so the native
// and the wasm32 build both run scalar code and compare like with like.)
#include <stdio.h>
#include <stdlib.h>

#define N 420

static void matmul(const double *a, const double *bt, double *c) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      const double *ar = a + i * N, *br = bt + j * N;
      double s = 0;
      for (int k = 0; k < N; k++) s += ar[k] * br[k];
      c[i * N + j] = s;
    }
}

int main(void) {
  double *a = malloc(sizeof(double) * N * N);
  double *bt = malloc(sizeof(double) * N * N);
  double *c = malloc(sizeof(double) * N * N);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i * N + j] = (double)((i * 7 + j * 3) % 17) / 17.0 - 0.5;
      bt[j * N + i] = (double)((i * 5 + j * 11) % 23) / 23.0 - 0.5;
    }
  double trace = 0;
  for (int round = 0; round < 22; round++) {
    matmul(a, bt, c);
    for (int i = 0; i < N; i++) trace += c[i * N + i];
    // Feed the product back so rounds are not identical.
    for (int i = 0; i < N * N; i++) a[i] = c[i] * 0.01 + a[i] * 0.99;
  }
  printf("matmul %.6f %.6f\n", trace, c[N * N / 2 + 17]);
  free(a);
  free(bt);
  free(c);
  return 0;
}

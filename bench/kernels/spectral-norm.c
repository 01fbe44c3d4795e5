// Spectral norm of the infinite matrix A(i,j) = 1/((i+j)(i+j+1)/2+i+1),
// truncated to n x n, by the power method; prints the norm.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double a(int i, int j) { return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1); }

static void mul_av(int n, const double *v, double *out) {
  for (int i = 0; i < n; i++) {
    double s = 0;
    for (int j = 0; j < n; j++) s += a(i, j) * v[j];
    out[i] = s;
  }
}

static void mul_atv(int n, const double *v, double *out) {
  for (int i = 0; i < n; i++) {
    double s = 0;
    for (int j = 0; j < n; j++) s += a(j, i) * v[j];
    out[i] = s;
  }
}

static void mul_atav(int n, const double *v, double *out, double *tmp) {
  mul_av(n, v, tmp);
  mul_atv(n, tmp, out);
}

int main(void) {
  const int n = 4700;
  double *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v), *t = malloc(n * sizeof *t);
  for (int i = 0; i < n; i++) u[i] = 1;
  for (int i = 0; i < 10; i++) {
    mul_atav(n, u, v, t);
    mul_atav(n, v, u, t);
  }
  double vbv = 0, vv = 0;
  for (int i = 0; i < n; i++) {
    vbv += u[i] * v[i];
    vv += v[i] * v[i];
  }
  printf("spectral-norm %.9f\n", sqrt(vbv / vv));
  free(u);
  free(v);
  free(t);
  return 0;
}

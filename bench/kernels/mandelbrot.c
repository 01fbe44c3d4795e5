// Mandelbrot set on a 3800x3800 grid, 80 iterations per point, bits packed
// eight to a byte as in the benchmarks game; prints a checksum of the bitmap.
#include <stdint.h>
#include <stdio.h>

int main(void) {
  const int size = 3800, iterations = 80;
  uint32_t sum = 0;
  for (int y = 0; y < size; y++) {
    double ci = 2.0 * y / size - 1.0;
    uint8_t bits = 0;
    for (int x = 0; x < size; x++) {
      double cr = 2.0 * x / size - 1.5;
      double zr = 0, zi = 0, tr = 0, ti = 0;
      int i = 0;
      for (; i < iterations && tr + ti <= 4.0; i++) {
        zi = 2.0 * zr * zi + ci;
        zr = tr - ti + cr;
        tr = zr * zr;
        ti = zi * zi;
      }
      bits = (uint8_t)((bits << 1) | (tr + ti <= 4.0));
      if ((x & 7) == 7) {
        sum = (sum * 33) ^ bits;
        bits = 0;
      }
    }
  }
  printf("mandelbrot %08x\n", sum);
  return 0;
}

// Fannkuch-redux: for every permutation of 1..n, count the pancake flips
// until 1 is in front; prints the checksum and the maximum flip count.
#include <stdio.h>

static int fannkuch(int n, int *max_flips_out) {
  int perm[16], perm1[16], count[16];
  int max_flips = 0, checksum = 0, permutations = 0, r = n;
  for (int i = 0; i < n; i++) perm1[i] = i;
  for (;;) {
    while (r != 1) {
      count[r - 1] = r;
      r--;
    }
    for (int i = 0; i < n; i++) perm[i] = perm1[i];
    int flips = 0;
    for (int k = perm[0]; k != 0; k = perm[0]) {
      for (int i = 0, j = k; i < j; i++, j--) {
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      flips++;
    }
    if (flips > max_flips) max_flips = flips;
    checksum += permutations % 2 == 0 ? flips : -flips;
    for (;;) {
      if (r == n) {
        *max_flips_out = max_flips;
        return checksum;
      }
      int first = perm1[0];
      for (int i = 0; i < r; i++) perm1[i] = perm1[i + 1];
      perm1[r] = first;
      count[r]--;
      if (count[r] > 0) break;
      r++;
    }
    permutations++;
  }
}

int main(void) {
  int checksum = 0, max_flips = 0;
  // Seven passes over n = 10 (3.6 million permutations each) rather than one
  // over n = 11, which would take ten times longer.
  for (int pass = 0; pass < 7; pass++) checksum += fannkuch(10, &max_flips);
  printf("fannkuch %d %d\n", checksum, max_flips);
  return 0;
}

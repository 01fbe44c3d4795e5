// Writes a big C program to stdout (12,000 distinct small functions called
// through a table): the worst case for lazy TurboFan, used to measure what
// `--compiler optimizing` costs a big module that runs every function once
// (README, Performance). Not part of the kernel suite.
//
//   node bench/kernels/big-module.mjs > /tmp/big.c
//   clang --target=wasm32-wasi -O2 /tmp/big.c -o /tmp/big.wasm      # ~2 min, 4.9 MB
//   node bin/wasmer-ts.js run --no-cache --compiler auto /tmp/big.wasm 1    # every function
//   node bin/wasmer-ts.js run --no-cache --compiler auto /tmp/big.wasm 10   # every 10th
const COUNT = 12000;
let seed = 1;
const random = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};
const out = ['#include <stdint.h>', '#include <stdio.h>', '#include <stdlib.h>', 'typedef uint32_t (*fn)(uint32_t);'];
for (let i = 0; i < COUNT; i++) {
  const a = 1 + random(2147483646);
  const b = 1 + random(30);
  const c = 3 + random(6);
  out.push(`__attribute__((noinline)) uint32_t f${i}(uint32_t x) {
  uint32_t h = x ^ ${a}u;
  for (int k = 0; k < ${c}; k++) {
    h = (h << ${b}) | (h >> ${32 - b});
    h = h * 2654435761u + ${i}u;
    if (h & 1) h ^= h >> 7; else h += h << 3;
    switch (h % 5) { case 0: h += ${a % 1000}; break; case 1: h ^= ${a % 777}; break; case 2: h *= 3; break; case 3: h -= ${i}; break; default: h = ~h; }
  }
  return h;
}`);
}
out.push(`static const fn table[] = {${Array.from({ length: COUNT }, (_, i) => `f${i}`).join(',')}};`);
out.push(`int main(int argc, char **argv) {
  int every = argc > 1 ? atoi(argv[1]) : 1;
  uint32_t h = 1;
  for (int i = 0; i < ${COUNT}; i += every) h = table[i](h);
  printf("%u\\n", h);
  return 0;
}`);
process.stdout.write(`${out.join('\n')}\n`);

// BLAKE3, ours (the addon's vector kernels in native/src/blake3.cc and the JavaScript of
// src/runtime/engine/blake3.ts) against @noble/hashes, a well-kept implementation of
// its own, over the lengths where the tree changes shape: a block (64 bytes), a chunk
// (1 KiB), the four, eight and sixteen chunks a kernel hashes at once, and the 1 MiB
// subtrees the addon hashes whole.
import { blake3 as reference } from '@noble/hashes/blake3.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blake3Js } from '../../../src/runtime/engine/blake3.js';
import { blake3, blake3Hex } from '../../../src/runtime/engine/hash.js';
import { type Blake3Kernel, nativeAddon, nativeStatus } from '../../../src/runtime/engine/native.js';
import { runChild } from '../cache/child.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Bytes that differ from chunk to chunk and block to block (a repeating pattern would hide a mixed-up lane). */
function input(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

const hexOf = (digest: Uint8Array) => Buffer.from(digest).toString('hex');

const SMALL_LENGTHS = [0, 1, 63, 64, 65, 1023, KiB, KiB + 1, 2 * KiB, 2 * KiB + 1, 3 * KiB + 7];
/** Around 4, 8 and 16 whole chunks and a 1 MiB subtree, and several of those with a tail. */
const LARGE_LENGTHS = [
  4 * KiB,
  5 * KiB - 1,
  8 * KiB + 1,
  15 * KiB,
  16 * KiB,
  17 * KiB + 100,
  31 * KiB + 1,
  100_000,
  MiB - 1,
  MiB,
  MiB + 1,
  MiB + KiB,
  2 * MiB + 1,
  3 * MiB + 21 * KiB + 5,
];

describe('BLAKE3 in JavaScript', () => {
  it('gives @noble/hashes’s digest at every length where the tree changes shape', () => {
    for (const length of [...SMALL_LENGTHS, ...LARGE_LENGTHS.filter((n) => n <= MiB + KiB)]) {
      const bytes = input(length);
      expect(hexOf(blake3Js(bytes)), `length ${length}`).toBe(hexOf(reference(bytes)));
    }
  });

  it('gives @noble/hashes’s digest for random inputs, and for a view into a larger buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 * KiB }), (bytes) => {
        expect(hexOf(blake3Js(bytes))).toBe(hexOf(reference(bytes)));
      }),
      { numRuns: 60 },
    );
    const whole = input(5 * KiB);
    const view = whole.subarray(3, 3 + 4 * KiB + 9);
    expect(hexOf(blake3Js(view))).toBe(hexOf(reference(view)));
  });
});

const addon = nativeAddon();
const best = addon?.status().blake3;
const KERNELS: readonly Blake3Kernel[] = ['portable', 'avx2', 'avx512'];
const runnable = best === undefined ? [] : KERNELS.slice(0, KERNELS.indexOf(best) + 1);

describe('BLAKE3 in the native addon', () => {
  it.skipIf(addon?.blake3 === undefined)('names the widest kernel this CPU runs (needs the native addon)', () => {
    expect(KERNELS).toContain(best);
    // The dispatch (hash.ts) hashes with the addon once it is loaded: the same digest.
    const bytes = input(MiB + 3);
    expect(blake3Hex(bytes)).toBe(hexOf(reference(bytes)));
    expect(hexOf(blake3(bytes))).toBe(hexOf(addon?.blake3?.(bytes) ?? new Uint8Array()));
  });

  for (const kernel of KERNELS) {
    const runs = runnable.includes(kernel);
    it.skipIf(!runs)(
      `gives @noble/hashes’s digest with the ${kernel} kernel${runs ? '' : ' (this CPU, or a build without the addon, has no such kernel)'}`,
      () => {
        for (const length of [...SMALL_LENGTHS, ...LARGE_LENGTHS]) {
          const bytes = input(length);
          expect(hexOf(addon?.blake3?.(bytes, kernel) ?? new Uint8Array()), `length ${length}`).toBe(
            hexOf(reference(bytes)),
          );
        }
        fc.assert(
          fc.property(fc.uint8Array({ minLength: 4 * KiB, maxLength: 40 * KiB }), (bytes) => {
            expect(hexOf(addon?.blake3?.(bytes, kernel) ?? new Uint8Array())).toBe(hexOf(reference(bytes)));
          }),
          { numRuns: 40 },
        );
      },
    );
  }

  it.skipIf(addon?.blake3 === undefined || best === 'avx512')(
    'refuses a kernel wider than the CPU runs, and one it does not know, with a TypeError (needs the addon, on a CPU without AVX-512)',
    () => {
      expect(() => addon?.blake3?.(input(10), 'avx512')).toThrow(TypeError);
    },
  );

  it.skipIf(addon?.blake3 === undefined)(
    'refuses an unknown kernel name with a TypeError (needs the native addon)',
    () => {
      expect(() => addon?.blake3?.(input(10), 'sse9' as Blake3Kernel)).toThrow(/kernel does not run on this CPU/);
    },
  );
});

describe('BLAKE3 dispatch', () => {
  it.skipIf(!nativeStatus().available)(
    'loads the addon for a large input, before anything else asked for it, and not for a small one (needs the native addon)',
    async () => {
      // process.dlopen is how native.ts loads the addon: counted from the child's start.
      const result = await runChild(
        `
        let opened = 0;
        const dlopen = process.dlopen;
        process.dlopen = (...args) => { opened++; return dlopen.apply(process, args); };
        const { blake3Hex } = await import(DIST + 'engine/hash.js');
        await import(DIST + 'engine/native.js');
        const small = blake3Hex(new Uint8Array(1000));
        const afterSmall = opened;
        const large = blake3Hex(new Uint8Array(1 << 20));
        console.log(JSON.stringify({ small, large, afterSmall, afterLarge: opened }));
        `,
        [],
      );
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        small: hexOf(reference(new Uint8Array(1000))),
        large: hexOf(reference(new Uint8Array(1 << 20))),
        afterSmall: 0,
        afterLarge: 1,
      });
    },
  );
});

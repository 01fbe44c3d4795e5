// Property, with jco as the oracle: for random worlds of named and anonymous types, the WIT we
// print is valid WIT that wasm-tools accepts, and the world it makes of it (embedded in a dummy
// component and printed back by jco) is the very text we printed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printWit } from '../../../src/runtime/component/wit.js';
import { hasJco, jcoWorldOf } from './jco.js';
import { randomWorld } from './wit-arbitrary.js';

describe('printWit against jco', () => {
  it.skipIf(!hasJco)(
    'prints random worlds that jco reads and prints back the same (needs jco)',
    async () => {
      await fc.assert(
        fc.asyncProperty(randomWorld, async (w) => {
          const text = printWit(w);
          expect(await jcoWorldOf(text, 'root')).toBe(text);
        }),
        { numRuns: 100, seed: 1315 },
      );
    },
    120_000,
  );
});

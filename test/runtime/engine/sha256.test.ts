import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/runtime/engine/hash.js';
import { SMALL_HASH_MAX_BYTES, sha256BytesJs, sha256HexJs } from '../../../src/runtime/engine/sha256.js';

const reference = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('sha256HexJs', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(sha256HexJs(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256HexJs(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('matches node:crypto at every length around the block and padding boundaries', () => {
    const bytes = new Uint8Array(300);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 0xff;
    for (let n = 0; n <= bytes.length; n++) {
      const slice = bytes.subarray(0, n);
      expect(sha256HexJs(slice)).toBe(reference(slice));
    }
  });

  it('matches node:crypto on random inputs, views into larger buffers included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat(16), (data, skip) => {
        const view = data.subarray(Math.min(skip, data.length));
        expect(sha256HexJs(view)).toBe(reference(view));
        expect(Buffer.from(sha256BytesJs(view)).toString('hex')).toBe(reference(view));
      }),
      { numRuns: 200 },
    );
  });

  it('is what sha256Hex uses below the threshold, and node:crypto above it gives the same', () => {
    for (const n of [0, 136, SMALL_HASH_MAX_BYTES, SMALL_HASH_MAX_BYTES + 1, 100_000]) {
      const bytes = new Uint8Array(n).map((_, i) => i * 7);
      expect(sha256Hex(bytes)).toBe(reference(bytes));
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { Trap } from '../../../../src/runtime/errors.js';
import { createWasiP2Host, type WasiP2Host } from '../../../../src/runtime/wasi/p2/host.js';
import { MAX_RANDOM_BYTES } from '../../../../src/runtime/wasi/p2/random.js';
import { p2 } from './helpers.js';

const hosts: WasiP2Host[] = [];
const api = () => {
  const host = createWasiP2Host();
  hosts.push(host);
  return p2(host);
};
afterEach(() => {
  for (const h of hosts.splice(0)) h.dispose();
});

describe('wasi:random', () => {
  it('gives as many random bytes as asked, different each time', () => {
    const { random, insecure } = api();
    const a = random.getRandomBytes(64n);
    const b = random.getRandomBytes(64n);
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.length).toBe(64);
    // 2^-512 odds of a false failure.
    expect(a).not.toEqual(b);
    expect(random.getRandomBytes(0n).length).toBe(0);
    expect(insecure.getInsecureRandomBytes(17n).length).toBe(17);
    // 4096 random bytes take more than a few distinct values.
    expect(new Set(random.getRandomBytes(4096n)).size).toBeGreaterThan(200);
  });

  it('gives u64s as bigints in range', () => {
    const { random, insecure } = api();
    const values = [random.getRandomU64(), random.getRandomU64(), insecure.getInsecureRandomU64()];
    for (const v of values) {
      expect(typeof v).toBe('bigint');
      expect(v >= 0n && v < 1n << 64n).toBe(true);
    }
    expect(new Set(values).size).toBe(3);
  });

  it('keeps one insecure seed per host', () => {
    const first = api().insecureSeed;
    const seed = first.insecureSeed();
    expect(seed).toHaveLength(2);
    expect(first.insecureSeed()).toEqual(seed);
    expect(api().insecureSeed.insecureSeed()).not.toEqual(seed);
  });

  it('traps on a request larger than one call returns', () => {
    const { random, insecure } = api();
    expect(() => random.getRandomBytes(BigInt(MAX_RANDOM_BYTES) + 1n)).toThrow(Trap);
    expect(() => insecure.getInsecureRandomBytes(1n << 63n)).toThrow(Trap);
  });
});

// GuestMemory.string (every path a guest names) and the random fill behind random_get, on a
// real WebAssembly.Memory and the real addon.
import { describe, expect, it } from 'vitest';
import { nativeAddon, nativeStatus } from '../../../src/runtime/engine/native.js';
import { ERRNO, Errno } from '../../../src/runtime/wasi/constants.js';
import { GuestMemory } from '../../../src/runtime/wasi/guest-memory.js';
import { kernelRandomFill } from '../../../src/runtime/wasi/host.js';
import { thrown } from '../../helpers/errors.js';

function guest(pages = 1): { mem: GuestMemory; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 4 });
  const mem = new GuestMemory(null);
  mem.memory = memory;
  mem.refresh();
  return { mem, memory };
}

/** The errno `f` threw as an Errno (not an Error: the hosts throw it on hot paths); the test fails on anything else. */
function errnoOf(f: () => unknown): number {
  const error = thrown(f);
  expect(error).toBeInstanceOf(Errno);
  return (error as Errno).errno;
}

describe('GuestMemory.string', () => {
  it('reads ASCII, UTF-8 and empty strings where they are, and after the memory grew', () => {
    const { mem, memory } = guest();
    const put = (at: number, bytes: Uint8Array) => new Uint8Array(memory.buffer).set(bytes, at);
    const utf8 = new TextEncoder().encode('dir/caf\u00e9/\u{1F600}.txt');
    put(100, new TextEncoder().encode('sub/data.bin'));
    put(200, utf8);
    expect(mem.string(100, 12)).toBe('sub/data.bin');
    expect(mem.string(104, 4)).toBe('data');
    expect(mem.string(200, utf8.length)).toBe('dir/caf\u00e9/\u{1F600}.txt');
    expect(mem.string(0, 0)).toBe('');
    memory.grow(1);
    mem.refresh();
    put(65536 + 10, new TextEncoder().encode('past the first page'));
    expect(mem.string(65536 + 10, 19)).toBe('past the first page');
    expect(mem.string(100, 12)).toBe('sub/data.bin');
  });

  it('gives EILSEQ for bytes that are not UTF-8 and EFAULT for a range outside memory', () => {
    const { mem, memory } = guest();
    new Uint8Array(memory.buffer).set([0x61, 0x62, 0xff, 0x63], 10);
    expect(errnoOf(() => mem.string(10, 4))).toBe(ERRNO.ILSEQ);
    // A lone continuation byte after ASCII, and a sequence cut short at the end.
    new Uint8Array(memory.buffer).set([0x61, 0x80], 20);
    expect(errnoOf(() => mem.string(20, 2))).toBe(ERRNO.ILSEQ);
    new Uint8Array(memory.buffer).set([0x61, 0xc3], 30);
    expect(errnoOf(() => mem.string(30, 2))).toBe(ERRNO.ILSEQ);
    expect(errnoOf(() => mem.string(65530, 10))).toBe(ERRNO.FAULT);
    // A pointer of 2^31 or more arrives negative.
    expect(errnoOf(() => mem.string(-8, 4))).toBe(ERRNO.FAULT);
  });
});

describe('random_get’s fill', () => {
  it('is node:crypto’s without the addon, and when the kernel gives no bytes', () => {
    expect(kernelRandomFill(undefined)).toBeUndefined();
    let asked = 0;
    const failing = kernelRandomFill(() => {
      asked++;
      return -38; /* ENOSYS */
    });
    for (let round = 0; round < 2; round++) {
      const bytes = new Uint8Array(64);
      failing?.(bytes, 16, 32);
      expect(bytes.subarray(0, 16).every((b) => b === 0)).toBe(true);
      expect(bytes.subarray(48).every((b) => b === 0)).toBe(true);
      expect(bytes.subarray(16, 48).some((b) => b !== 0)).toBe(true);
    }
    // Refused once, the kernel is not asked again.
    expect(asked).toBe(1);
  });

  it.runIf(nativeStatus().available)(
    'fills exactly the range asked from getrandom, and refuses one outside the bytes (needs the native addon)',
    () => {
      const fill = nativeAddon()?.randomFill;
      expect(fill).toBeTypeOf('function');
      const kernel = kernelRandomFill(fill);
      const a = new Uint8Array(4096);
      const b = new Uint8Array(4096);
      kernel?.(a, 8, 4000);
      kernel?.(b, 8, 4000);
      expect(a.subarray(0, 8).every((x) => x === 0)).toBe(true);
      expect(a.subarray(4008).every((x) => x === 0)).toBe(true);
      // 4000 random bytes: every value should turn up (the chance one is missing is about 1e-4 each).
      expect(new Set(a.subarray(8, 4008)).size).toBeGreaterThan(240);
      expect(Buffer.compare(a, b)).not.toBe(0);
      expect(fill?.(a, 0, 0)).toBe(0);
      expect(() => fill?.(a, 4000, 100)).toThrow(TypeError);
      expect(() => fill?.(a, 5000, 0)).toThrow(TypeError);
    },
  );
});

// Memory64 through our API (issue 12, item 3): `new Memory({ minimum: 1n, address: 'i64' })`,
// whose sizes and `grow` are bigints as V8's JS API has them (V8 13.6+ / Node 24+, measured:
// a number there is V8's TypeError, ours here), views on it, and 64-bit memories of modules.
// Node 20 and 22 ignore `address: 'i64'` (they make a 32-bit memory), so there it is our
// ERR_INVALID_OPTION naming the Node needed.
import { describe, expect, it } from 'vitest';
import { ArgumentError, LinkError } from '../../src/runtime/errors.js';
import { Instance, Memory, Module } from '../../src/runtime/index.js';
import { errorOf } from '../helpers/errors.js';

// (module (memory i64 0)): limits flags 0x04. Node 22 runs these, with the old JS API (numbers).
const hasMemory64Modules = WebAssembly.validate(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 4, 0]));
// The JS API's memory64 (`address: 'i64'`, bigint sizes): Node 24+.
const hasMemory64 = (() => {
  try {
    new WebAssembly.Memory({ initial: 0n as unknown as number, address: 'i64' } as WebAssembly.MemoryDescriptor);
    return true;
  } catch {
    return false;
  }
})();

function code(fn: () => unknown, errorCode: string): string {
  const e = errorOf(fn, ArgumentError);
  expect(e.code).toBe(errorCode);
  return e.message;
}

describe.skipIf(!hasMemory64)('memory64 (needs Node 24+)', () => {
  it('creates an i64 memory from bigint sizes; grow takes and returns bigints', () => {
    const m = new Memory({ minimum: 1n, maximum: 4n, address: 'i64' });
    expect(m.addressType).toBe('i64');
    expect(m.size).toBe(1);
    expect(m.maximum).toBe(4);
    const view = m.uint32View();
    view[16383] = 0xdeadbeef;
    expect(m.grow(2n)).toBe(1n);
    expect(m.size).toBe(3);
    expect(view.length).toBe(3 * 16384);
    expect(view[16383]).toBe(0xdeadbeef);
    expect(code(() => m.grow(2n), 'ERR_ARG_RANGE')).toBe(
      'memory.grow: cannot grow from 3 to 5 pages, the maximum is 4',
    );
    expect(code(() => m.grow(1), 'ERR_ARG_TYPE')).toBe(
      'memory.grow: pages must be a non-negative bigint (an i64 memory), got 1 (number)',
    );
    expect(code(() => m.grow(-1n), 'ERR_ARG_RANGE')).toContain('got -1n (bigint)');
    expect(m.size).toBe(3);
  });

  it('refuses number sizes for an i64 memory and bigints for an i32 one, with our errors', () => {
    expect(code(() => new Memory({ minimum: 1, address: 'i64' }), 'ERR_INVALID_OPTION')).toBe(
      'new Memory: minimum must be a bigint number of pages in [0n, 262144n] for an i64 memory (as the JS API takes them), got 1 (number)',
    );
    expect(code(() => new Memory({ minimum: 1n, maximum: 262145n, address: 'i64' }), 'ERR_INVALID_OPTION')).toContain(
      'maximum must be a bigint',
    );
    expect(code(() => new Memory({ minimum: 2n, maximum: 1n, address: 'i64' }), 'ERR_INVALID_OPTION')).toContain(
      'maximum must be at least minimum (2)',
    );
    expect(code(() => new Memory({ minimum: 1n }), 'ERR_INVALID_OPTION')).toContain('minimum must be an integer');
    expect(code(() => new Memory({ minimum: 1, address: 'i128' as 'i64' }), 'ERR_INVALID_OPTION')).toBe(
      "new Memory: address must be 'i32' or 'i64', got \"i128\" (string)",
    );
    const m32 = new Memory({ minimum: 1 });
    expect(m32.addressType).toBe('i32');
    expect(code(() => m32.grow(1n as unknown as number), 'ERR_ARG_TYPE')).toContain('got 1n (bigint)');
  });
});

describe.skipIf(!hasMemory64Modules)('memory64 modules (needs Node 22+)', () => {
  it("a module's 64-bit memory: Wasm stores at i64 addresses, JS reads and grows it by bigints", async () => {
    const m = await Module.compile(`(module
      (memory (export "mem") i64 1 8)
      (func (export "store") (param i64 i32) (i32.store (local.get 0) (local.get 1)))
      (func (export "pages") (result i64) (memory.size)))`);
    const i = new Instance<{ store(a: bigint, v: number): void; pages(): bigint; mem: Memory }>(m);
    i.exports.store(65532n, 77);
    const memory = i.memory as Memory;
    expect(memory.addressType).toBe('i64');
    expect(memory.uint32View(65532)[0]).toBe(77);
    expect(memory.grow(1n)).toBe(1n);
    expect(i.exports.pages()).toBe(2n);
    expect(code(() => memory.grow(1), 'ERR_ARG_TYPE')).toContain('non-negative bigint');
  });
});

describe.skipIf(!hasMemory64)('memory64 imports (needs Node 24+)', () => {
  it('an i64 memory import refuses our i32 Memory by its address type, and takes an i64 one', async () => {
    const m = await Module.compile('(module (import "env" "mem" (memory i64 1)))');
    const e = errorOf(() => new Instance(m, { env: { mem: new Memory({ minimum: 1 }) } }), LinkError);
    expect(e.code).toBe('ERR_IMPORT_TYPE');
    expect(e.message).toBe(
      "import env.mem must be a memory 1..∞ pages i64, but the memory given has i32 addresses (create it with address: 'i64')",
    );
    expect(new Instance(m, { env: { mem: new Memory({ minimum: 1n, address: 'i64' }) } }).module).toBe(m);
  });
});

it.runIf(!hasMemory64)(
  "address: 'i64' is our ERR_INVALID_OPTION naming the Node needed (this V8 has no memory64)",
  () => {
    const message = code(() => new Memory({ minimum: 1n, address: 'i64' }), 'ERR_INVALID_OPTION');
    expect(message).toMatch(/^new Memory: address: 'i64' \(memory64\) needs Node 24 or later \(this is Node 2[02]\./);
  },
);

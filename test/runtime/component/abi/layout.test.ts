// The layout in memory and the flat order, checked against guests that read and write memory
// at the offsets the spec gives (design/mvp/CanonicalABI.md), not against our own lowering.
import { describe, expect, it } from 'vitest';
import { liftFunction, liftValue, lowerFunction, lowerValue } from '../../../../src/runtime/component/abi/index.js';
import type { ValType } from '../../../../src/runtime/component/types.js';
import { CanonicalAbiError } from '../../../../src/runtime/errors.js';
import { expectCode } from '../../../helpers/errors.js';
import { funcType, guest } from './guest.js';

const p = (kind: string): ValType => ({ kind }) as ValType;

describe('memory layout', () => {
  it('lifts a record the guest laid out: u8 at 0, u64 at 8, string at 16, list<u16> at 24', async () => {
    const g = await guest(`
      (data (i32.const 256) "\\07\\00\\00\\00\\00\\00\\00\\00" "\\08\\07\\06\\05\\04\\03\\02\\01"
                            "\\00\\02\\00\\00\\02\\00\\00\\00" "\\08\\02\\00\\00\\02\\00\\00\\00")
      (data (i32.const 512) "hi")
      (data (i32.const 520) "\\01\\00\\02\\00")
      (func (export "get") (result i32) (i32.const 256))`);
    const type: ValType = {
      kind: 'record',
      fields: [
        { name: 'a', type: p('u8') },
        { name: 'b', type: p('u64') },
        { name: 'c', type: p('string') },
        { name: 'd', type: { kind: 'list', element: p('u16') } },
      ],
    };
    const get = liftFunction(funcType([], type), g.exports.get as () => number, g.context(), 'get');
    expect(get()).toEqual({ a: 7, b: 0x0102030405060708n, c: 'hi', d: new Uint16Array([1, 2]) });
  });

  it('lowers a list<u32> where the guest sums it, and a record param as flat values in field order', async () => {
    const g = await guest(`
      (func (export "sum") (param $ptr i32) (param $len i32) (result i32)
        (local $acc i32)
        (block $done (loop $next
          (br_if $done (i32.eqz (local.get $len)))
          (local.set $acc (i32.add (local.get $acc) (i32.load (local.get $ptr))))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
          (local.set $len (i32.sub (local.get $len) (i32.const 1)))
          (br $next)))
        (local.get $acc))
      (func (export "order") (param i32 i32) (result i32)
        (i32.add (i32.mul (local.get 0) (i32.const 1000)) (local.get 1)))`);
    const sum = liftFunction(
      funcType([{ kind: 'list', element: p('u32') }], p('u32')),
      g.exports.sum as (...a: unknown[]) => number,
      g.context(),
      'sum',
    );
    expect(sum([1, 2, 3, 400])).toBe(406);
    expect(sum(new Uint32Array([5, 6]))).toBe(11);
    const point: ValType = {
      kind: 'record',
      fields: [
        { name: 'x', type: p('u8') },
        { name: 'y', type: p('u32') },
      ],
    };
    const order = liftFunction(funcType([point], p('u32')), g.exports.order as () => number, g.context(), 'order');
    expect(order({ y: 2, x: 3 })).toBe(3002);
  });

  it('passes an option<u64> flat as an i32 case and an i64 payload', async () => {
    const g = await guest(`
      (func (export "f") (param $case i32) (param $val i64) (result i64)
        (if (result i64) (local.get $case)
          (then (i64.add (local.get $val) (i64.const 1)))
          (else (i64.const -1))))`);
    const f = liftFunction(
      funcType([{ kind: 'option', type: p('u64') }], p('s64')),
      g.exports.f as () => bigint,
      g.context(),
      'f',
    );
    expect(f(41n)).toBe(42n);
    expect(f(undefined)).toBe(-1n);
  });

  it('lifts a result<string, u32> laid out as a u8 case and a payload at offset 4', async () => {
    const g = await guest(`
      (data (i32.const 256) "\\00\\00\\00\\00\\00\\02\\00\\00\\03\\00\\00\\00")
      (data (i32.const 272) "\\01\\00\\00\\00\\2a\\00\\00\\00")
      (data (i32.const 512) "yes")
      (func (export "ok") (result i32) (i32.const 256))
      (func (export "err") (result i32) (i32.const 272))`);
    const type = funcType([], { kind: 'result', ok: p('string'), err: p('u32') });
    const ok = liftFunction(type, g.exports.ok as () => number, g.context(), 'ok');
    const err = liftFunction(type, g.exports.err as () => number, g.context(), 'err');
    expect(ok()).toBe('yes');
    expect(() => err()).toThrow(expect.objectContaining({ code: 'ERR_RESULT', payload: 42 }));
  });

  it('stores flags of 9 labels in two bytes', async () => {
    const g = await guest(`
      (func (export "bits") (param $ptr i32) (param $len i32) (result i32)
        (i32.load16_u (local.get $ptr)))`);
    const flags: ValType = { kind: 'flags', names: Array.from({ length: 9 }, (_, i) => `f${i}`) };
    const bits = liftFunction(
      funcType([{ kind: 'list', element: flags }], p('u32')),
      g.exports.bits as () => number,
      g.context(),
      'bits',
    );
    expect(bits([{ f0: true, f8: true }])).toBe(0b1_0000_0001);
  });

  it('writes a host result through the out-pointer at the spec offsets', async () => {
    // tuple<u8, u32, string>: u8 at 0, u32 at 4, string (pointer, length) at 8 and 12.
    const type = funcType([], { kind: 'tuple', types: [p('u8'), p('u32'), p('string')] });
    const g = await guest(
      `(func (export "run") (result i32)
         (call $get (i32.const 1024))
         (i32.add (i32.add (i32.load8_u (i32.const 1024)) (i32.load (i32.const 1028)))
                  (i32.add (i32.load (i32.const 1036)) (i32.load8_u (i32.load (i32.const 1032))))))`,
      {
        importDecls: '(import "host" "get" (func $get (param i32)))',
        imports: (context) => ({ host: { get: lowerFunction(type, () => [1, 20, 'abc'], context(), 'get') } }),
      },
    );
    // 1 + 20 + length 3 + 'a' (97)
    expect((g.exports.run as () => number)()).toBe(121);
  });

  it('encodes strings in UTF-16 and latin1+utf16 as the guest reads them', async () => {
    const g = await guest(`
      (func (export "first") (param $ptr i32) (param $units i32) (result i32)
        (i32.add (i32.mul (local.get $units) (i32.const 65536)) (i32.load16_u (local.get $ptr))))
      (func (export "tagged") (param $ptr i32) (param $units i32) (result i32) (local.get $units))
      (func (export "byte") (param $ptr i32) (param $units i32) (result i32) (i32.load8_u (local.get $ptr)))`);
    const type = funcType([p('string')], p('u32'));
    const bind = (name: string, encoding: 'utf16' | 'latin1+utf16') =>
      liftFunction(type, g.exports[name] as () => number, g.context({ encoding }), name);
    expect(bind('first', 'utf16')('\u{1F600}')).toBe(2 * 65536 + 0xd83d);
    expect(bind('tagged', 'latin1+utf16')('café')).toBe(4);
    expect(bind('byte', 'latin1+utf16')('é!')).toBe(0xe9);
    expect(bind('tagged', 'latin1+utf16')('a☃')).toBe((0x80000000 | 2) >>> 0);
    expect((bind('first', 'latin1+utf16')('a☃') as number) & 0xffff).toBe(0x61);
  });

  it('lifts strings the guest wrote in each encoding', async () => {
    const g = await guest(`
      (data (i32.const 256) "h\\00\\e9\\00")
      (data (i32.const 264) "caf\\e9")
      (func (export "utf16") (result i32)
        (i32.store (i32.const 1024) (i32.const 256)) (i32.store (i32.const 1028) (i32.const 2)) (i32.const 1024))
      (func (export "latin1") (result i32)
        (i32.store (i32.const 1024) (i32.const 264)) (i32.store (i32.const 1028) (i32.const 4)) (i32.const 1024))
      (func (export "tagged") (result i32)
        (i32.store (i32.const 1024) (i32.const 256)) (i32.store (i32.const 1028) (i32.const 0x80000002))
        (i32.const 1024))`);
    const type = funcType([], p('string'));
    const bind = (name: string, encoding: 'utf16' | 'latin1+utf16') =>
      liftFunction(type, g.exports[name] as () => number, g.context({ encoding }), name);
    expect(bind('utf16', 'utf16')()).toBe('hé');
    expect(bind('latin1', 'latin1+utf16')()).toBe('café');
    expect(bind('tagged', 'latin1+utf16')()).toBe('hé');
  });
});

describe('realloc and post-return', () => {
  it('allocates an ASCII string once and a non-ASCII one as the spec does (grow, then shrink)', async () => {
    const g = await guest('(func (export "len") (param i32 i32) (result i32) (local.get 1))');
    const len = liftFunction(funcType([p('string')], p('u32')), g.exports.len as () => number, g.context(), 'len');
    const before = g.global('reallocs');
    expect(len('plain')).toBe(5);
    expect(g.global('reallocs') - before).toBe(1);
    expect(len('é')).toBe(2);
    // allocate 1, grow to 3, shrink to 2
    expect(g.global('reallocs') - before).toBe(4);
  });

  it('calls post-return once per call, with the flat result', async () => {
    const g = await guest(`
      (func (export "f") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
      (func (export "post") (param i32)
        (global.set $posts (i32.add (global.get $posts) (i32.const 1)))
        (global.set $lastPost (local.get 0)))`);
    const f = liftFunction(
      funcType([p('u32')], p('u32')),
      g.exports.f as () => number,
      g.context({ postReturn: true }),
      'f',
    );
    expect(f(21)).toBe(42);
    expect(f(5)).toBe(10);
    expect([g.global('posts'), g.global('lastPost')]).toEqual([2, 10]);
  });

  it('grows memory during a call and keeps reading the new buffer', async () => {
    const g = await guest('(func (export "len") (param i32 i32) (result i32) (local.get 1))');
    const len = liftFunction(
      funcType([{ kind: 'list', element: p('u8') }], p('u32')),
      g.exports.len as () => number,
      g.context(),
      'len',
    );
    expect(len(new Uint8Array(200_000))).toBe(200_000);
    expect(g.memory.buffer.byteLength).toBeGreaterThan(200_000);
  });
});

describe('single values in memory', () => {
  it('stores a value where the guest reads it, and lifts what the guest wrote', async () => {
    const g = await guest(`
      (data (i32.const 512) "\\2a\\00\\00\\00\\00\\03\\00\\00\\02\\00\\00\\00")
      (data (i32.const 768) "ok")
      (func (export "second") (result i32) (i32.load8_u (i32.load (i32.const 256))))`);
    const type: ValType = { kind: 'tuple', types: [p('u32'), p('string')] };
    lowerValue(type, [7, 'xyz'], g.context(), 256 - 4);
    // [u32 at 252, string at 256]: the string's first byte is 'x'.
    expect((g.exports.second as () => number)()).toBe(0x78);
    expect(liftValue(type, g.context(), 252)).toEqual([7, 'xyz']);
    expect(liftValue({ kind: 'tuple', types: [p('u8'), p('string')] }, g.context(), 512)).toEqual([42, 'ok']);
    expectCode(() => liftValue(p('u32'), g.context(), 2), CanonicalAbiError, 'ERR_CANON_ALIGN');
    expectCode(() => lowerValue(p('u64'), 1n, g.context(), 65536), CanonicalAbiError, 'ERR_CANON_BOUNDS');
  });
});

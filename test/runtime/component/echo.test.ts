// Every value type through a real component both ways (fixtures/components/echo.wat): each
// export echo-T lowers its argument into the guest, which passes it to the host's echo-T
// (lifted for the host, whose result is lowered back), then lifts what it got for us.
import { describe, expect, it } from 'vitest';
import { markTransientBytes } from '../../../src/runtime/component/abi/lists.js';
import { Component } from '../../../src/runtime/component/component.js';
import { ResultError } from '../../../src/runtime/errors.js';
import { componentBytes } from './fixtures.js';

const component = new Component(componentBytes('echo'));

type Fn = (...args: unknown[]) => unknown;

/** The host: each echo-T returns what it was given, and records it. */
function echoHost(seen: unknown[]): Record<string, Fn> {
  const id: Fn = (x) => {
    seen.push(x);
    return x;
  };
  const names = component.imports[0]?.type.kind === 'instance' ? component.imports[0].type.exports : [];
  const host: Record<string, Fn> = {};
  for (const e of names) {
    if (e.type.kind !== 'func') continue;
    const camel = e.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    host[camel] = id;
  }
  // A result return is the ok value, or a thrown ResultError carrying the err payload.
  host.echoResult = (x) => {
    seen.push(x);
    const r = x as { tag: string; val: unknown };
    if (r.tag === 'err') throw new ResultError(r.val);
    return r.val;
  };
  host.echoResultUnit = host.echoResult;
  host.echoMany = (...args) => {
    seen.push(args);
    return args;
  };
  return host;
}

const seen: unknown[] = [];
const exports = component.instantiate({ 'test:echo/host': echoHost(seen) }).exports as Record<string, Fn>;

function echo(name: string, value: unknown): unknown {
  seen.length = 0;
  const out = (exports[name] as Fn)(value);
  // The host saw the value itself, not a copy of another shape.
  expect(seen).toEqual([value]);
  return out;
}

describe('every value type through a component and back', () => {
  const cases: [string, unknown][] = [
    ['echoBool', true],
    ['echoBool', false],
    ['echoS8', -128],
    ['echoU8', 255],
    ['echoS16', -32768],
    ['echoU16', 65535],
    ['echoS32', -2147483648],
    ['echoU32', 4294967295],
    ['echoS64', -9223372036854775808n],
    ['echoU64', 18446744073709551615n],
    ['echoF32', 1.5],
    ['echoF64', -0.1],
    ['echoChar', '🦀'],
    ['echoString', 'héllo, wörld ✓'],
    ['echoString', ''],
    ['echoS16s', Int16Array.of(-1, 2, -3)],
    ['echoU64s', BigUint64Array.of(0n, 2n ** 64n - 1n)],
    ['echoF32s', Float32Array.of(0.5, -2)],
    ['echoStrings', ['a', '', 'ünïcode']],
    ['echoPoint', { x: 3, y: -4 }],
    [
      'echoPoints',
      [
        { x: 1, y: 2 },
        { x: -1, y: -2 },
      ],
    ],
    ['echoTuple', [7, 'seven', 7n]],
    ['echoShape', { tag: 'circle', val: 2.5 }],
    ['echoShape', { tag: 'rect', val: { x: 1, y: 2 } }],
    ['echoShape', { tag: 'empty' }],
    ['echoColor', 'blue'],
    ['echoPerms', { read: true, write: false, exec: true }],
    ['echoOption', 5],
    ['echoOption', undefined],
    ['echoOptionString', 'some'],
    ['echoNestedOption', { tag: 'some', val: 3 }],
    ['echoNestedOption', { tag: 'some', val: undefined }],
    ['echoNestedOption', { tag: 'none' }],
    ['echoWide', Array.from({ length: 17 }, (_, i) => i * 1000)],
  ];
  it.each(cases)('%s(%o)', (name, value) => {
    expect(echo(name, value)).toEqual(value);
  });

  it('gives list<u8> as a Uint8Array both ways', () => {
    const out = echo('echoBytes', Uint8Array.of(0, 1, 255));
    expect(out).toBeInstanceOf(Uint8Array);
    expect(out).toEqual(Uint8Array.of(0, 1, 255));
  });

  it('rounds an f32 the way lowering does', () => {
    expect(exports.echoF32?.(0.1)).toBe(Math.fround(0.1));
  });

  it('returns an ok result and throws ResultError for an err one', () => {
    expect(echo('echoResult', { tag: 'ok', val: 'fine' })).toBe('fine');
    seen.length = 0;
    const error = (() => {
      try {
        exports.echoResult?.({ tag: 'err', val: 404 });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ResultError);
    expect((error as ResultError).payload).toBe(404);
    expect(seen).toEqual([{ tag: 'err', val: 404 }]);
  });

  it('passes several parameters and a tuple result', () => {
    seen.length = 0;
    expect(exports.echoMany?.(200, -300, 2n ** 40n, 'd', 0.25)).toEqual([200, -300, 2n ** 40n, 'd', 0.25]);
    expect(seen).toEqual([[200, -300, 2n ** 40n, 'd', 0.25]]);
  });

  it('refuses a value that does not fit the parameter type', () => {
    expect(() => exports.echoU8?.(256)).toThrow(expect.objectContaining({ code: 'ERR_ARG_RANGE' }));
    expect(() => exports.echoString?.(5)).toThrow(expect.objectContaining({ code: 'ERR_ARG_TYPE' }));
  });
});

describe('byte lists a host function reads only during the call (markTransientBytes)', () => {
  /** Instantiates echo with a host whose echo-bytes records how it saw its argument. */
  function bytesHost(mark: boolean) {
    const seen: { isView: boolean; copy: number[] }[] = [];
    const host = echoHost([]);
    host.echoBytes = (x) => {
      const bytes = x as Uint8Array;
      // A view of the guest's memory lives in a buffer of whole 64 KiB pages; a copy has its own.
      seen.push({ isView: bytes.buffer.byteLength !== bytes.byteLength, copy: [...bytes] });
      return bytes.slice();
    };
    if (mark) markTransientBytes(host.echoBytes);
    const fns = component.instantiate({ 'test:echo/host': host }).exports as Record<string, Fn>;
    return { seen, echoBytes: fns.echoBytes as Fn };
  }

  it('lifts a view of the guest memory for a marked host function, a copy otherwise, with the same bytes', () => {
    const marked = bytesHost(true);
    expect(marked.echoBytes(Uint8Array.of(7, 8, 9))).toEqual(Uint8Array.of(7, 8, 9));
    const plain = bytesHost(false);
    expect(plain.echoBytes(Uint8Array.of(7, 8, 9))).toEqual(Uint8Array.of(7, 8, 9));
    expect(marked.seen).toEqual([{ isView: true, copy: [7, 8, 9] }]);
    expect(plain.seen).toEqual([{ isView: false, copy: [7, 8, 9] }]);
  });

  it('still checks the bounds of a lent view: an empty list and a large one round-trip', () => {
    const marked = bytesHost(true);
    expect(marked.echoBytes(new Uint8Array(0))).toEqual(new Uint8Array(0));
    const big = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
    expect(marked.echoBytes(big)).toEqual(big);
  });
});

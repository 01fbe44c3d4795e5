// Resources across the boundary: one the guest defines (fixtures/components/counters.wat),
// a class in JS with its constructor, methods, static function and destructor; and one the
// host defines (host-resource.wat), whose objects the guest holds by handle.
import { describe, expect, it } from 'vitest';
import { Component } from '../../../src/runtime/component/component.js';
import { CanonicalAbiError } from '../../../src/runtime/errors.js';
import { errorOf } from '../../helpers/errors.js';
import { componentBytes } from './fixtures.js';

type Fn = (...args: unknown[]) => unknown;
interface Counter {
  get(): number;
  increment(by: number): void;
  [Symbol.dispose](): void;
}
interface CounterClass {
  new (init: number): Counter;
  zero(): Counter;
}
interface Counters {
  Counter: CounterClass;
  consume(c: Counter): number;
  dropped(): number;
}

function counters(): Counters {
  const exports = new Component(componentBytes('counters')).instantiate().exports as Record<string, unknown>;
  return exports['test:resources/counters'] as Counters;
}

describe('a resource the guest defines', () => {
  it('is a class: the constructor, methods and static function run in the guest', () => {
    const { Counter } = counters();
    const c = new Counter(5);
    expect(c).toBeInstanceOf(Counter);
    c.increment(2);
    expect(c.get()).toBe(7);
    const z = Counter.zero();
    expect(z).toBeInstanceOf(Counter);
    expect(z.get()).toBe(0);
    expect(c.get()).toBe(7);
  });

  it('runs the destructor when the host drops its handle, once', () => {
    const api = counters();
    const c = new api.Counter(1);
    expect(api.dropped()).toBe(0);
    c[Symbol.dispose]();
    expect(api.dropped()).toBe(1);
    expect(() => c.get()).toThrow(CanonicalAbiError);
    expect(() => c[Symbol.dispose]()).toThrow(expect.objectContaining({ code: 'ERR_CANON_HANDLE' }));
    expect(api.dropped()).toBe(1);
  });

  it('moves ownership into the guest: consume drops it there, and the object is spent', () => {
    const api = counters();
    const c = new api.Counter(9);
    expect(api.consume(c)).toBe(9);
    expect(api.dropped()).toBe(1);
    expect(() => c.get()).toThrow(expect.objectContaining({ code: 'ERR_CANON_HANDLE' }));
  });

  it('refuses an object that is not one of its handles', () => {
    const api = counters();
    expect(() => api.consume({} as Counter)).toThrow(expect.objectContaining({ code: 'ERR_ARG_TYPE' }));
  });

  it('keeps each instance apart: a handle of one is not a handle of another', () => {
    const a = counters();
    const b = counters();
    expect(() => b.consume(new a.Counter(1))).toThrow();
  });
});

class Blob {
  static made = 0;
  static disposed = 0;
  readonly text: string;
  constructor(text: string) {
    this.text = text;
    Blob.made++;
  }
  read(): string {
    return this.text;
  }
  static concat(a: Blob, b: Blob): Blob {
    return new Blob(a.text + b.text);
  }
  [Symbol.dispose](): void {
    Blob.disposed++;
  }
}

describe('a resource the host defines', () => {
  const component = new Component(componentBytes('host-resource'));
  const exports = component.instantiate({ 'test:host/blobs': { Blob } }).exports as Record<string, Fn>;

  it('is constructed, read and disposed through the host class', () => {
    Blob.made = 0;
    Blob.disposed = 0;
    expect(exports.roundtrip?.('payload')).toBe('payload');
    expect(Blob.made).toBe(1);
    expect(Blob.disposed).toBe(1);
  });

  it('passes borrows to a static function and drops every own handle', () => {
    Blob.made = 0;
    Blob.disposed = 0;
    expect(exports.joined?.('ab', 'cd')).toBe('abcd');
    expect(Blob.made).toBe(3);
    expect(Blob.disposed).toBe(3);
  });

  it('lends the guest a host object for one call, and gives an owned one back as the same object', () => {
    const mine = new Blob('lent');
    expect(exports.describe?.(mine)).toBe('lent');
    expect(exports.keep?.(mine)).toBe(mine);
  });

  it('traps when the guest returns still holding a borrow it was lent', () => {
    expect(() => exports.describeLeaky?.(new Blob('x'))).toThrow(
      expect.objectContaining({ code: 'ERR_CANON_HANDLE', message: expect.stringContaining('describe-leaky') }),
    );
  });

  it('needs the class for the resource', () => {
    expect(() => component.instantiate({ 'test:host/blobs': {} })).toThrow(
      expect.objectContaining({ code: 'ERR_MISSING_IMPORT', message: expect.stringContaining('class Blob') }),
    );
  });
});

// fixtures/components/generative.wat: one nested component defining `r`, instantiated twice.
describe('resource types are generative', () => {
  interface R {
    get(): number;
  }
  interface Box {
    R: new (v: number) => R;
    take(x: R): number;
  }
  interface Generative {
    same(): number;
    mixed(): number;
    a: Box;
    b: Box;
  }
  const generative = (): Generative =>
    new Component(componentBytes('generative')).instantiate().exports as unknown as Generative;

  it("traps when a handle of one nested instance's resource reaches another instance's function", () => {
    const g = generative();
    expect(g.same()).toBe(7);
    const error = errorOf(() => g.mixed(), CanonicalAbiError);
    expect(error.code).toBe('ERR_CANON_HANDLE');
    expect(error.message).toContain('of another component instance');
  });

  it('gives each nested instance its own class, refusing the other instance objects', () => {
    const { a, b } = generative();
    expect(a.R).not.toBe(b.R);
    const x = new a.R(3);
    expect(x).toBeInstanceOf(a.R);
    expect(x).not.toBeInstanceOf(b.R);
    expect(x.get()).toBe(3);
    expect(() => b.take(x)).toThrow(expect.objectContaining({ code: 'ERR_ARG_TYPE' }));
    // Refused before it moved: the object is still a's to use.
    expect(x.get()).toBe(3);
    expect(a.take(x)).toBe(3);
  });

  it('refuses, across two instantiations by the host, an object of the other one', () => {
    const component = new Component(componentBytes('generative'));
    const one = component.instantiate().exports as unknown as Generative;
    const two = component.instantiate().exports as unknown as Generative;
    expect(one.a.R).not.toBe(two.a.R);
    const x = new one.a.R(5);
    expect(() => two.a.take(x)).toThrow(expect.objectContaining({ code: 'ERR_ARG_TYPE' }));
    expect(one.a.take(x)).toBe(5);
  });
});

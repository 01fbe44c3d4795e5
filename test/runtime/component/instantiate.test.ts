// Instantiation of real components: core instances wired from canon lift/lower, post-return,
// interface exports, nested components, host imports matched by name and semver, and the
// errors for a missing or mistyped import and for what is not supported yet.
import { describe, expect, it } from 'vitest';
import { Component } from '../../../src/runtime/component/component.js';
import { CanonicalAbiError, LinkError, Trap } from '../../../src/runtime/errors.js';
import { componentBytes } from './fixtures.js';

type Fn = (...args: unknown[]) => unknown;

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}

describe('a component with a string function', () => {
  const component = new Component(componentBytes('greet'));

  it('lowers the argument, lifts the result and calls post-return once per call', () => {
    const { greet, postReturns } = component.instantiate().exports as Record<string, Fn>;
    expect(greet?.('world')).toBe('Hello, world!');
    expect(greet?.('wörld ✓')).toBe('Hello, wörld ✓!');
    expect(postReturns?.()).toBe(2);
  });

  it('gives each instance its own state', () => {
    const a = component.instantiate().exports as Record<string, Fn>;
    const b = component.instantiate().exports as Record<string, Fn>;
    a.greet?.('x');
    expect(a.postReturns?.()).toBe(1);
    expect(b.postReturns?.()).toBe(0);
  });

  it('is compiled the same way by Component.compile', async () => {
    const compiled = await Component.compile(componentBytes('greet'));
    expect((compiled.instantiate().exports as Record<string, Fn>).greet?.('async')).toBe('Hello, async!');
  });
});

describe('interface exports', () => {
  it('nests an exported interface under its full name, its functions in lowerCamelCase', () => {
    const exports = new Component(componentBytes('values')).instantiate().exports as Record<string, unknown>;
    const math = exports['test:values/math@1.0.0'] as Record<string, Fn>;
    expect(math.square?.(12)).toBe(144);
    expect(Object.isFrozen(exports)).toBe(true);
    expect(typeof exports.echoString).toBe('function');
  });
});

describe('nested components', () => {
  it('instantiates inner components and wires one into another with `with`', () => {
    const { add, add3 } = new Component(componentBytes('nested')).instantiate().exports as Record<string, Fn>;
    expect(add?.(2, 3)).toBe(5);
    expect(add3?.(1, 2, 3)).toBe(6);
  });
});

describe('host imports', () => {
  const component = new Component(componentBytes('semver'));
  const run = (imports: Record<string, unknown>) =>
    (component.instantiate(imports).exports as Record<string, Fn>).quadruple?.(5);

  it('calls host functions from the guest (canon lower)', () => {
    const calls: unknown[] = [];
    const double = (x: number) => {
      calls.push(x);
      return x * 2;
    };
    expect(run({ 'test:math/ops@0.2.3': { double }, offset: () => 1 })).toBe(21);
    expect(calls).toEqual([5, 10]);
  });

  it.each(['test:math/ops@0.2.0', 'test:math/ops@0.2.9', 'test:math/ops'])(
    'matches the import test:math/ops@0.2.3 with the host key %s',
    (key) => {
      expect(run({ [key]: { double: (x: number) => x * 2 }, offset: () => 0 })).toBe(20);
    },
  );

  it('prefers the highest compatible version', () => {
    const imports = {
      'test:math/ops@0.2.1': { double: () => 1 },
      'test:math/ops@0.2.7': { double: (x: number) => x * 2 },
      offset: () => 0,
    };
    expect(run(imports)).toBe(20);
  });

  it.each(['test:math/ops@0.3.0', 'test:math/ops@1.2.3', 'test:other/ops@0.2.3'])(
    'does not take %s for test:math/ops@0.2.3, and names what the host gave',
    (key) => {
      const error = thrown(() => run({ [key]: { double: (x: number) => x }, offset: () => 0 }));
      expect(error).toBeInstanceOf(LinkError);
      expect(error).toMatchObject({ code: 'ERR_MISSING_IMPORT' });
      expect((error as Error).message).toContain('"test:math/ops@0.2.3"');
      expect((error as Error).message).toContain(key);
    },
  );

  it('says which import is missing when the host gives nothing', () => {
    const error = thrown(() => component.instantiate());
    expect(error).toMatchObject({ code: 'ERR_MISSING_IMPORT' });
    expect((error as Error).message).toMatch(/imports "test:math\/ops@0\.2\.3".*the host gave no imports/);
  });

  it('names a missing member of an interface', () => {
    const error = thrown(() => component.instantiate({ 'test:math/ops@0.2.3': { triple: () => 0 }, offset: () => 0 }));
    expect(error).toMatchObject({ code: 'ERR_MISSING_IMPORT' });
    expect((error as Error).message).toContain('test:math/ops@0.2.3#double');
  });

  it('refuses a value of the wrong kind with ERR_IMPORT_TYPE', () => {
    const notFunction = thrown(() => component.instantiate({ 'test:math/ops@0.2.3': { double: 2 }, offset: () => 0 }));
    expect(notFunction).toMatchObject({ code: 'ERR_IMPORT_TYPE' });
    expect((notFunction as Error).message).toContain('must be a function, got 2 (number)');
    const notObject = thrown(() => component.instantiate({ 'test:math/ops@0.2.3': 5, offset: () => 0 }));
    expect(notObject).toMatchObject({ code: 'ERR_IMPORT_TYPE' });
  });

  it('lets a host error through a guest call unchanged', () => {
    const boom = new Error('host failed');
    const error = thrown(() =>
      run({
        'test:math/ops@0.2.3': {
          double: () => {
            throw boom;
          },
        },
        offset: () => 0,
      }),
    );
    expect(error).toBe(boom);
  });

  it('refuses a host function that calls back into the component while it runs', () => {
    let exports: Record<string, Fn> = {};
    const reenter = () => exports.quadruple?.(1);
    exports = component.instantiate({ 'test:math/ops@0.2.3': { double: reenter }, offset: () => 0 }).exports as Record<
      string,
      Fn
    >;
    const error = thrown(() => exports.quadruple?.(5));
    expect(error).toBeInstanceOf(CanonicalAbiError);
    expect(error).toMatchObject({ code: 'ERR_CANON_REENTRANCE' });
  });

  it('refuses imports that are not an object', () => {
    expect(thrown(() => component.instantiate(5 as never))).toMatchObject({ code: 'ERR_ARG_TYPE' });
  });
});

describe('what instantiation refuses or reports', () => {
  it('refuses an async built-in with a LinkError that says it is not supported yet', () => {
    const error = thrown(() => new Component(componentBytes('async')).instantiate());
    expect(error).toBeInstanceOf(LinkError);
    expect(error).toMatchObject({ code: 'ERR_LINK' });
    expect((error as Error).message).toMatch(/backpressure\.inc.*not support|not support.*backpressure\.inc/);
  });

  it('reports a canonical ABI trap during instantiation as CanonicalAbiError', () => {
    const logged: unknown[] = [];
    const error = thrown(() =>
      new Component(componentBytes('start-abi-trap')).instantiate({ log: (msg: unknown) => logged.push(msg) }),
    );
    expect(error).toBeInstanceOf(CanonicalAbiError);
    expect(error).toMatchObject({ code: 'ERR_CANON_STRING' });
    expect(logged).toEqual([]);
  });

  it('turns a core start function trap into our Trap', () => {
    const error = thrown(() => new Component(componentBytes('start-trap')).instantiate());
    expect(error).toBeInstanceOf(Trap);
    expect(error).toMatchObject({ code: 'ERR_TRAP' });
    expect((error as Trap).reason).toContain('unreachable');
  });
});

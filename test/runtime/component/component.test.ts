// The Component class: construction and async compile, validate, the typed imports and
// exports, the world as WIT, the core modules and custom sections, and the errors for bytes
// that are not a valid component.
import { describe, expect, it } from 'vitest';
import { Component } from '../../../src/runtime/component/component.js';
import { parseComponent } from '../../../src/runtime/component/parser/index.js';
import { CompileError, WasmParseError } from '../../../src/runtime/errors.js';
import { Component as PublicComponent } from '../../../src/runtime/index.js';
import { componentBytes } from './fixtures.js';

describe('Component', () => {
  it('is the public API', () => {
    expect(PublicComponent).toBe(Component);
  });

  it('describes its imports and exports with resolved types', () => {
    const component = new Component(componentBytes('semver'));
    expect(component.imports.map((i) => [i.name, i.type.kind])).toEqual([
      ['test:math/ops@0.2.3', 'instance'],
      ['offset', 'func'],
    ]);
    expect(component.exports).toEqual([
      {
        name: 'quadruple',
        type: {
          kind: 'func',
          params: [{ name: 'x', type: expect.objectContaining({ kind: 'u32' }) }],
          result: expect.objectContaining({ kind: 'u32' }),
          isAsync: false,
        },
      },
    ]);
  });

  it('prints its world as WIT', () => {
    expect(new Component(componentBytes('greet')).wit()).toBe(
      'package root:component;\n\nworld root {\n  export greet: func(name: string) -> string;\n  export post-returns: func() -> u32;\n}\n',
    );
  });

  it('lists its core modules, nested ones with their path, with V8 summaries', () => {
    const component = new Component(componentBytes('nested'));
    expect(component.coreModules).toEqual([
      {
        index: 0,
        path: [0],
        offset: expect.any(Number),
        byteLength: expect.any(Number),
        imports: [],
        exports: [{ name: 'add', kind: 'function' }],
      },
      {
        index: 0,
        path: [1],
        offset: expect.any(Number),
        byteLength: expect.any(Number),
        imports: [{ module: '', name: 'add', kind: 'function' }],
        exports: [{ name: 'add3', kind: 'function' }],
      },
    ]);
    const bytes = componentBytes('nested');
    for (const m of component.coreModules) {
      // Each offset and size is the module itself: its preamble is there.
      expect([...bytes.subarray(m.offset, m.offset + 8)]).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
      expect(WebAssembly.validate(bytes.subarray(m.offset, m.offset + m.byteLength))).toBe(true);
    }
  });

  it('gives its custom sections as copies', () => {
    const component = new Component(componentBytes('greet'));
    const names = component.customSections.map((s) => s.name);
    expect(names).toEqual(['component-name']);
    const first = component.customSections[0];
    expect(first?.data.byteLength).toBeGreaterThan(0);
    expect(first?.data.buffer).not.toBe(component.bytes.buffer);
  });

  it('compiles asynchronously to the same component', async () => {
    const compiled = await Component.compile(componentBytes('nested'));
    expect(compiled.exports).toEqual(new Component(componentBytes('nested')).exports);
    expect(compiled.coreModules.length).toBe(2);
  });

  it('keeps its own copy of the bytes', () => {
    const bytes = componentBytes('greet');
    const component = new Component(bytes);
    bytes.fill(0);
    expect((component.instantiate().exports as { greet(s: string): string }).greet('copy')).toBe('Hello, copy!');
  });
});

describe('bad input', () => {
  it('refuses a core module, pointing at Module', () => {
    const core = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(() => new Component(core)).toThrow(WasmParseError);
    expect(() => new Component(core)).toThrow(/core WebAssembly module.*Module/);
    expect(Component.validate(core)).toBe(false);
  });

  it('reports a truncated component with the parser offset', () => {
    const truncated = componentBytes('greet').subarray(0, 60);
    let error: unknown;
    try {
      new Component(truncated);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WasmParseError);
    expect((error as WasmParseError).offset).toBeLessThanOrEqual(60);
    expect(Component.validate(truncated)).toBe(false);
  });

  it('reports a core module V8 rejects with its index and an absolute offset', async () => {
    // fixtures/components/bad-core.wat: a well-formed component whose core module is ill-typed.
    const bytes = componentBytes('bad-core');
    const module = parseComponent(bytes).definitions.find((d) => d.kind === 'core-module');
    const moduleOffset = module?.offset ?? Number.NaN;
    let error: unknown;
    try {
      new Component(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompileError);
    expect(error).toMatchObject({ code: 'ERR_COMPILE' });
    expect((error as Error).message).toMatch(/^invalid core module 0: /);
    expect((error as CompileError).offset).toBeGreaterThan(moduleOffset);
    expect((error as CompileError).offset).toBeLessThan(bytes.byteLength);
    await expect(Component.compile(bytes)).rejects.toMatchObject({
      code: 'ERR_COMPILE',
      offset: (error as CompileError).offset,
    });
    expect(Component.validate(bytes)).toBe(false);
  });

  it('validates without throwing, whatever it is given', () => {
    expect(Component.validate(componentBytes('echo'))).toBe(true);
    for (const junk of [
      null,
      undefined,
      5,
      'text',
      {},
      new Uint8Array(0),
      new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 0xff]),
    ]) {
      expect(Component.validate(junk)).toBe(false);
    }
  });

  it('refuses what is not bytes with ERR_ARG_TYPE', () => {
    expect(() => new Component('greet.wasm' as never)).toThrow(expect.objectContaining({ code: 'ERR_ARG_TYPE' }));
  });
});

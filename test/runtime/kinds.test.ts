// The one text form of signatures and extern types (runtime/kinds.ts), which link
// errors, ArgumentErrors, `inspect` and the CLI's export lists all print.
import { describe, expect, it } from 'vitest';
import { LinkError, Module } from '../../src/runtime/index.js';
import { formatExternType, formatSignature, quoted, quoteName } from '../../src/runtime/kinds.js';
import type { ExternType } from '../../src/runtime/parser/types.js';

describe('formatSignature', () => {
  it('prints an anonymous type with the arrow always there', () => {
    expect(formatSignature({ params: ['i32', 'i32'], results: ['i32'] })).toBe('(i32, i32) -> i32');
    expect(formatSignature({ params: ['i32'], results: [] })).toBe('(i32) -> ()');
    expect(formatSignature({ params: [], results: ['i32', 'i64'] })).toBe('() -> (i32, i64)');
  });

  it('prints a named function, with parameter names when known', () => {
    expect(formatSignature({ params: ['i32', 'i32'], results: ['i32'] }, { name: 'sum' })).toBe('sum(i32, i32) -> i32');
    expect(formatSignature({ params: [], results: [] }, { name: 'init' })).toBe('init()');
    expect(formatSignature({ params: [], results: ['i32', 'i64'] }, { name: 'p' })).toBe('p() -> (i32, i64)');
    const sum = { params: ['i32', 'i32'], results: ['i32'] } as const;
    expect(formatSignature(sum, { name: 'sum', paramNames: ['x', 'y'] })).toBe('sum(x: i32, y: i32) -> i32');
    expect(formatSignature(sum, { name: 'sum', paramNames: [undefined, 'y'] })).toBe('sum(i32, y: i32) -> i32');
  });

  it('quotes a name that is not one word', () => {
    const type = { params: ['i32'], results: [] } as const;
    expect(formatSignature(type, { name: 'rb-eval: func(x: u32)' })).toBe('"rb-eval: func(x: u32)"(i32)');
  });
});

describe('quoteName', () => {
  it('leaves plain names alone and quotes the rest as JSON escapes quotes', () => {
    expect(['sum', 'rb-eval', 'a.b', '$x', 'größe', '_9'].map(quoteName)).toEqual([
      'sum',
      'rb-eval',
      'a.b',
      '$x',
      'größe',
      '_9',
    ]);
    expect(quoteName('has space')).toBe('"has space"');
    expect(quoteName('')).toBe('""');
    expect(quoteName('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(JSON.parse(quoted('say "hi"\\'))).toBe('say "hi"\\');
    // Control characters cannot reach a terminal: a hostile name cannot fake a line.
    expect(quoted('evil\u001b[31m\n\r\u009b')).toBe('"evil\\x1b[31m\\x0a\\x0d\\x9b"');
  });
});

describe('formatExternType', () => {
  it('names every kind with the text format words', () => {
    const func = { kind: 'func', params: ['i32'], results: [] } as const;
    expect(formatExternType({ kind: 'func', typeIndex: 0, type: func })).toBe('func (i32) -> ()');
    expect(formatExternType({ kind: 'tag', typeIndex: 0, type: func })).toBe('tag (i32)');
    const memory = (minimum: number, maximum: number | null, shared: boolean, index64: boolean): ExternType => ({
      kind: 'memory',
      type: { minimum, maximum, shared, index64 },
    });
    expect(formatExternType(memory(1, null, false, false))).toBe('memory 1..∞ pages');
    expect(formatExternType(memory(1, 2, true, true))).toBe('memory 1..2 pages shared i64');
    const table: ExternType = {
      kind: 'table',
      type: { minimum: 1, maximum: 1, elementType: 'funcref', index64: false },
    };
    expect(formatExternType(table)).toBe('table 1..1 funcref');
    expect(formatExternType({ kind: 'global', type: { type: 'i32', mutable: true } })).toBe('global mut i32');
  });

  it('is what a link error and inspect print for the same import', async () => {
    const module = await Module.compile('(module (import "env" "log" (func (param i32))))');
    const imp = module.info.imports[0];
    if (imp === undefined) throw new Error('the module has one import');
    expect(formatExternType(imp.desc)).toBe('func (i32) -> ()');
    expect(() => module.instantiate({})).toThrow(LinkError);
    expect(() => module.instantiate({})).toThrow(`missing import env.log: ${formatExternType(imp.desc)}`);
  });
});

// `(type (eq i))` imports and exports of function, instance and component types (wasm-tools
// accepts them): the extern's name stands for that type, later definitions may use it, and an
// instantiation argument for one is matched as an item of that type would be.
import { describe, expect, it } from 'vitest';
import { Component } from '../../../../src/runtime/component/component.js';
import { componentDeclarations } from '../../../../src/runtime/component/dts.js';
import { parseComponent } from '../../../../src/runtime/component/parser/index.js';
import { printWit } from '../../../../src/runtime/component/wit.js';
import { WasmParseError } from '../../../../src/runtime/errors.js';
import { errorOf } from '../../../helpers/errors.js';
import {
  type Bytes,
  component,
  componentType,
  exportOf,
  externDecl,
  func,
  funcExtern,
  instanceExtern,
  instanceType,
  instantiate,
  nested,
  SECTION,
  SORT,
  section,
  T,
  typeEq,
  u32,
  vec,
} from './component-binary.js';

const parseError = (bytes: Uint8Array): WasmParseError => errorOf(() => parseComponent(bytes), WasmParseError);
const componentExtern = (typeIndex: number): number[] => [0x04, ...u32(typeIndex)];

describe('(eq i) bounds of function, instance and component types', () => {
  it('imports a function type by name and declares a function of that imported type', () => {
    const bytes = component(
      section(SECTION.type, vec([func([['x', [T.u32]]], null)])),
      section(SECTION.import, vec([externDecl('t', typeEq(0))])),
      // Type 1 is the import "t".
      section(SECTION.import, vec([externDecl('f', funcExtern(1))])),
      section(SECTION.export, vec([exportOf('t2', SORT.type, 1)])),
    );
    const ast = parseComponent(bytes);
    expect(ast.type.imports.map((i) => [i.name, i.type.kind, i.type.kind === 'type' && i.type.type.kind])).toEqual([
      ['t', 'type', 'func'],
      ['f', 'func', false],
    ]);
    const t = ast.type.imports[0]?.type;
    expect(t?.kind === 'type' ? t.type : undefined).toBe(ast.type.imports[1]?.type);
    expect(ast.type.exports[0]?.type).toMatchObject({ kind: 'type', type: { kind: 'func' } });
    // WIT and TypeScript cannot express such a type: a comment, no declaration.
    expect(printWit(ast.type)).toContain('// import "t": func type (WIT cannot express it)');
    expect(() => componentDeclarations(ast.type)).not.toThrow();
  });

  it('imports instance and component types by name and imports an instance and a component of them', () => {
    const bytes = component(
      section(
        SECTION.type,
        vec([
          func([], null),
          instanceType([
            [0x01, ...func([], null)],
            [0x04, ...externDecl('g', funcExtern(0))],
          ]),
          componentType([]),
        ]),
      ),
      section(SECTION.import, vec([externDecl('it', typeEq(1)), externDecl('ct', typeEq(2))])),
      // Types 3 and 4 are the imports "it" and "ct".
      section(SECTION.import, vec([externDecl('i', instanceExtern(3)), externDecl('c', componentExtern(4))])),
    );
    const ast = parseComponent(bytes);
    expect(ast.type.imports.map((i) => (i.type.kind === 'type' ? `${i.type.type.kind} type` : i.type.kind))).toEqual([
      'instance type',
      'component type',
      'instance',
      'component',
    ]);
  });

  // The child imports "t": (type (eq (func (param "x" u32)))); the parent passes its type 0.
  const withTypeArg = (given: Bytes) =>
    component(
      section(SECTION.type, vec([given])),
      nested(
        section(SECTION.type, vec([func([['x', [T.u32]]], null)])),
        section(SECTION.import, vec([externDecl('t', typeEq(0))])),
      ),
      section(SECTION.instance, vec([instantiate(0, [['t', SORT.type, 0]])])),
    );

  it('matches a type argument for such an import as the function type it is', () => {
    expect(() => parseComponent(withTypeArg(func([['x', [T.u32]]], null)))).not.toThrow();
    const other = parseError(withTypeArg(func([['x', [T.u64]]], null)));
    expect(other.code).toBe('ERR_TYPE_MISMATCH');
    expect(other.message).toContain('argument "t" for component 0: parameter "x" has a different type');
    const value = parseError(withTypeArg([T.u32]));
    expect(value.message).toContain('argument "t" for component 0: it is a value type, expected a func type');
  });

  it('instantiates such a component: the host gives the function of the imported type, and its export calls it', () => {
    const bytes = component(
      section(SECTION.type, vec([func([['x', [T.u32]]], [T.u32])])),
      section(SECTION.import, vec([externDecl('t', typeEq(0))])),
      section(SECTION.import, vec([externDecl('f', funcExtern(1))])),
      section(SECTION.export, vec([exportOf('g', SORT.func, 0)])),
    );
    const { g } = new Component(bytes).instantiate({ f: (x: number) => x + 1 }).exports as Record<
      string,
      (x: number) => number
    >;
    expect(g?.(41)).toBe(42);
  });
});

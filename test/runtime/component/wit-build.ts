// Builds resolved component types by hand, for the WAVE, WIT and .d.ts tests, while the parser
// that turns component binaries into them is written on another branch.
import type {
  ComponentType,
  ExternDescriptor,
  ExternType,
  FuncType,
  InstanceType,
  PrimitiveTypeName,
  ResourceType,
  ValType,
} from '../../../src/runtime/component/types.js';

const prim = (kind: PrimitiveTypeName): ValType => ({ kind });

export const T = {
  bool: prim('bool'),
  s8: prim('s8'),
  u8: prim('u8'),
  s16: prim('s16'),
  u16: prim('u16'),
  s32: prim('s32'),
  u32: prim('u32'),
  s64: prim('s64'),
  u64: prim('u64'),
  f32: prim('f32'),
  f64: prim('f64'),
  char: prim('char'),
  string: prim('string'),
  list: (element: ValType, length?: number): ValType =>
    length === undefined ? { kind: 'list', element } : { kind: 'list', element, length },
  option: (type: ValType): ValType => ({ kind: 'option', type }),
  result: (ok?: ValType, err?: ValType): ValType => ({ kind: 'result', ok, err }),
  tuple: (...types: ValType[]): ValType => ({ kind: 'tuple', types }),
  record: (name: string | undefined, fields: Record<string, ValType>, interfaceName?: string): ValType =>
    named(
      { kind: 'record', fields: Object.entries(fields).map(([n, type]) => ({ name: n, type })) },
      name,
      interfaceName,
    ),
  variant: (name: string | undefined, cases: Record<string, ValType | undefined>, interfaceName?: string): ValType =>
    named(
      { kind: 'variant', cases: Object.entries(cases).map(([n, type]) => ({ name: n, type })) },
      name,
      interfaceName,
    ),
  enum: (name: string | undefined, names: string[], interfaceName?: string): ValType =>
    named({ kind: 'enum', names }, name, interfaceName),
  flags: (name: string | undefined, names: string[], interfaceName?: string): ValType =>
    named({ kind: 'flags', names }, name, interfaceName),
  alias: (name: string, type: ValType, interfaceName?: string): ValType => named({ ...type }, name, interfaceName),
  resource: (name: string, interfaceName?: string): ResourceType =>
    named({ kind: 'resource', origin: 'abstract' }, name, interfaceName),
  own: (resource: ResourceType): ValType => ({ kind: 'own', resource }),
  borrow: (resource: ResourceType): ValType => ({ kind: 'borrow', resource }),
};

function named<V extends object>(type: V, name: string | undefined, interfaceName: string | undefined): V {
  return {
    ...type,
    ...(name === undefined ? {} : { name }),
    ...(interfaceName === undefined ? {} : { interfaceName }),
  };
}

export function func(params: Record<string, ValType>, result?: ValType): FuncType {
  return {
    kind: 'func',
    params: Object.entries(params).map(([name, type]) => ({ name, type })),
    result,
    isAsync: false,
  };
}

/** A type extern: `(export "point" (type (eq ...)))` or a resource. */
export function typeExtern(type: ValType | ResourceType): ExternType {
  return { kind: 'type', type };
}

export function instance(exports: Record<string, ExternType>): InstanceType {
  return { kind: 'instance', exports: externs(exports) };
}

export function component(imports: Record<string, ExternType>, exports: Record<string, ExternType>): ComponentType {
  return { kind: 'component', imports: externs(imports), exports: externs(exports) };
}

function externs(map: Record<string, ExternType>): ExternDescriptor[] {
  return Object.entries(map).map(([name, type]) => ({ name, type }));
}

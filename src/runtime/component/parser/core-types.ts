/**
 * Core types inside a component (design/mvp/Binary.md "Type Definitions", `core:type`):
 * function types, WebAssembly 3.0 GC types (`rec`, `sub`, `struct`, `array`) and module
 * types with their import, type, alias and export declarations. Each becomes text in the
 * core text format's words, which is also how core externs of nested modules are described
 * (so a module's import and the function offered for it compare as strings).
 */
import { WasmParseError } from '../../errors.js';
import type { Reader } from '../../parser/reader.js';
import type {
  ExternType as CoreExternType,
  FuncType as CoreFuncType,
  ValType as CoreValType,
  Feature,
  MemoryType,
  TableType,
} from '../../parser/types.js';
import { readRefType, readValType } from '../../parser/value-types.js';
import { hex } from '../../units.js';
import type { CoreExternDescriptor, CoreModuleType } from '../types.js';
import type { CoreTypeEntry, Scope } from './scope.js';
import { badIndex } from './scope.js';

/** Many module types in a binary fit this; a larger count of anything is refused before allocating. */
const MAX_DECLS = 1_000_000;

/** `(func (param i32 i32) (result i32))`: the one spelling of a core function type. */
export function coreFuncText(params: readonly CoreValType[], results: readonly CoreValType[]): string {
  const p = params.length > 0 ? ` (param ${params.join(' ')})` : '';
  const r = results.length > 0 ? ` (result ${results.join(' ')})` : '';
  return `(func${p}${r})`;
}

/** A core extern of a module parsed by the core parser, in the same words as a module type's declarations. */
export function coreExternText(desc: CoreExternType): string {
  switch (desc.kind) {
    case 'func':
      return funcTypeText(desc.type);
    case 'tag':
      return `(tag ${funcTypeText(desc.type)})`;
    case 'table':
      return tableText(desc.type);
    case 'memory':
      return memoryText(desc.type);
    case 'global':
      return desc.type.mutable ? `(global (mut ${desc.type.type}))` : `(global ${desc.type.type})`;
  }
}

function funcTypeText(t: CoreFuncType): string {
  return coreFuncText(t.params, t.results);
}

function tableText(t: TableType): string {
  const max = t.maximum === null ? '' : ` ${t.maximum}`;
  return `(table${t.index64 ? ' i64' : ''} ${t.minimum}${max} ${t.elementType})`;
}

function memoryText(t: MemoryType): string {
  const max = t.maximum === null ? '' : ` ${t.maximum}`;
  return `(memory${t.index64 ? ' i64' : ''} ${t.minimum}${max}${t.shared ? ' shared' : ''})`;
}

/**
 * One `core:type`: the entries it adds to the core type space (a `rec` group adds one per
 * member, every other form one). Module types are read with an empty type space of their own
 * and may alias outer core types of `scope`.
 */
export function readCoreType(r: Reader, scope: Scope, features: Set<Feature>): CoreTypeEntry[] {
  const offset = r.offset;
  const b = r.readU8('a core type');
  switch (b) {
    case 0x60:
      return [readCompType(r, b, features)];
    case 0x5f:
    case 0x5e:
      return [readCompType(r, b, features)];
    case 0x4e: {
      const n = r.readCount('rec group members', MAX_DECLS);
      const out: CoreTypeEntry[] = [];
      for (let i = 0; i < n; i++) out.push(readSubType(r, r.readU8('a sub type'), features));
      return out;
    }
    case 0x00: {
      // The component binary's rule for a non-final `sub` at this level: 0x00 0x50 (a bare 0x50 is a module type).
      const at = r.offset;
      if (r.readU8('a sub type') !== 0x50) {
        r.fail('ERR_BAD_TYPE', 'a core sub type here must be encoded 0x00 0x50 (non-final sub)', at);
      }
      return [readSubType(r, 0x50, features)];
    }
    case 0x4f:
      return [readSubType(r, b, features)];
    case 0x50:
      return [{ kind: 'module', type: readModuleType(r, scope, features) }];
    default:
      return r.fail(
        'ERR_BAD_TYPE',
        `unknown core type form 0x${hex(b)} (expected 0x60 func, a GC type or 0x50 module)`,
        offset,
      );
  }
}

function readSubType(r: Reader, b: number, features: Set<Feature>): CoreTypeEntry {
  if (b !== 0x50 && b !== 0x4f) {
    const comp = readCompType(r, b, features);
    return comp;
  }
  const n = r.readCount('supertypes', 1);
  const supers: number[] = [];
  for (let i = 0; i < n; i++) supers.push(r.readU32('a supertype index'));
  const comp = readCompType(r, r.readU8('a composite type'), features);
  const head = b === 0x4f ? 'sub final' : 'sub';
  const sup = supers.length > 0 ? ` ${supers.join(' ')}` : '';
  return { kind: comp.kind === 'func' ? 'func' : 'gc', text: `(${head}${sup} ${comp.text})` } as CoreTypeEntry;
}

type TextEntry = { readonly kind: 'func' | 'gc'; readonly text: string };

function readCompType(r: Reader, b: number, features: Set<Feature>): TextEntry {
  const offset = r.offset - 1;
  if (b === 0x60) {
    const params = readValTypes(r, features, 'parameters');
    const results = readValTypes(r, features, 'results');
    return { kind: 'func', text: coreFuncText(params, results) };
  }
  if (b === 0x5f) {
    const n = r.readCount('struct fields', MAX_DECLS, 2);
    const fields: string[] = [];
    for (let i = 0; i < n; i++) fields.push(` (field ${readFieldType(r, features)})`);
    return { kind: 'gc', text: `(struct${fields.join('')})` };
  }
  if (b === 0x5e) return { kind: 'gc', text: `(array ${readFieldType(r, features)})` };
  return r.fail(
    'ERR_BAD_TYPE',
    `unknown composite type 0x${hex(b)} (expected 0x60 func, 0x5f struct, 0x5e array)`,
    offset,
  );
}

function readValTypes(r: Reader, features: Set<Feature>, what: string): CoreValType[] {
  const n = r.readCount(what, MAX_DECLS);
  const out: CoreValType[] = [];
  for (let i = 0; i < n; i++) out.push(readValType(r, features));
  return out;
}

function readFieldType(r: Reader, features: Set<Feature>): string {
  const b = r.peekU8('a storage type');
  let storage: string;
  if (b === 0x78 || b === 0x77) {
    r.offset++;
    storage = b === 0x78 ? 'i8' : 'i16';
  } else storage = readValType(r, features);
  const at = r.offset;
  const mut = r.readU8('a mutability flag');
  if (mut > 1) r.fail('ERR_BAD_VALUE', `mutability flag is 0x${hex(mut)} (expected 0x00 or 0x01)`, at);
  return mut === 1 ? `(mut ${storage})` : storage;
}

/** `core:moduletype`: `0x50 vec(core:moduledecl)`, the 0x50 already read. */
function readModuleType(r: Reader, scope: Scope, features: Set<Feature>): CoreModuleType {
  const types: CoreTypeEntry[] = [];
  const imports: CoreExternDescriptor[] = [];
  const exports: CoreExternDescriptor[] = [];
  const n = r.readCount('module type declarations', MAX_DECLS);
  for (let i = 0; i < n; i++) {
    const offset = r.offset;
    const tag = r.readU8('a module type declaration');
    switch (tag) {
      case 0x00: {
        const module = r.readName('an import module name');
        const name = r.readName('an import name');
        imports.push({ module, name, ...readCoreExternType(r, types) });
        break;
      }
      case 0x01: {
        const at = r.offset;
        const entries = readCoreType(r, scope, features);
        for (const e of entries) {
          if (e.kind === 'module') r.fail('ERR_INVALID', 'a module type cannot declare a module type inside it', at);
          types.push(e);
        }
        break;
      }
      case 0x02: {
        const at = r.offset;
        const sort = r.readU8('an alias sort');
        const kind = r.readU8('an alias kind');
        if (sort !== 0x10 || kind !== 0x01) {
          r.fail('ERR_INVALID', 'a module type may only alias outer core types (0x10 0x01)', at);
        }
        const count = r.readU32('an outer alias count');
        const index = r.readU32('an outer alias index');
        const target = count === 0 ? types : scope.outer(count - 1, at).coreTypes;
        const entry = target[index];
        if (entry === undefined) throw badIndex('core type', index, target.length, at);
        if (entry.kind === 'module') r.fail('ERR_INVALID', 'a module type cannot alias a module type', at);
        types.push(entry);
        break;
      }
      case 0x03: {
        const name = r.readName('an export name');
        exports.push({ name, ...readCoreExternType(r, types) });
        break;
      }
      default:
        r.fail('ERR_BAD_VALUE', `unknown module type declaration 0x${hex(tag)} (expected 0x00-0x03)`, offset);
    }
  }
  return { kind: 'module', imports, exports };
}

/** `core:externtype` inside a module type, its function types looked up in `types`. */
function readCoreExternType(
  r: Reader,
  types: readonly CoreTypeEntry[],
): { readonly kind: CoreExternDescriptor['kind']; readonly type: string } {
  const offset = r.offset;
  const b = r.readU8('a core extern type');
  const features = new Set<Feature>();
  switch (b) {
    case 0x00:
      return { kind: 'func', type: funcAt(r, types) };
    case 0x01: {
      const element = readRefType(r, features);
      const limits = readLimits(r, 'table');
      return { kind: 'table', type: `(table${limits.i64} ${limits.text} ${element})` };
    }
    case 0x02: {
      const limits = readLimits(r, 'memory');
      return { kind: 'memory', type: `(memory${limits.i64} ${limits.text}${limits.shared ? ' shared' : ''})` };
    }
    case 0x03: {
      const t = readValType(r, features);
      const at = r.offset;
      const mut = r.readU8('a mutability flag');
      if (mut > 1) r.fail('ERR_BAD_VALUE', `mutability flag is 0x${hex(mut)} (expected 0x00 or 0x01)`, at);
      return { kind: 'global', type: mut === 1 ? `(global (mut ${t}))` : `(global ${t})` };
    }
    case 0x04: {
      const at = r.offset;
      if (r.readU8('a tag attribute') !== 0) r.fail('ERR_BAD_VALUE', 'a tag attribute must be 0x00 (exception)', at);
      return { kind: 'tag', type: `(tag ${funcAt(r, types)})` };
    }
    default:
      return r.fail('ERR_BAD_TYPE', `unknown core extern type 0x${hex(b)} (expected 0x00-0x04)`, offset);
  }
}

function funcAt(r: Reader, types: readonly CoreTypeEntry[]): string {
  const at = r.offset;
  const index = r.readU32('a core type index');
  const t = types[index];
  if (t === undefined) throw badIndex('core type', index, types.length, at);
  if (t.kind !== 'func') {
    throw new WasmParseError('ERR_TYPE_MISMATCH', `core type ${index} is not a function type`, at);
  }
  return t.text;
}

/** Limits of a table or memory: flags (bit 0 max, bit 1 shared, bit 2 64-bit), minimum, maximum. */
function readLimits(
  r: Reader,
  what: string,
): { readonly text: string; readonly i64: string; readonly shared: boolean } {
  const at = r.offset;
  const flags = r.readU8(`${what} limits`);
  if (flags > 7) r.fail('ERR_BAD_VALUE', `${what} limits flags 0x${hex(flags)} are unknown (expected 0x00-0x07)`, at);
  const is64 = (flags & 4) !== 0;
  const min = is64 ? r.readU64Exact(`a ${what} minimum`) : r.readU32(`a ${what} minimum`);
  const max = flags & 1 ? (is64 ? r.readU64Exact(`a ${what} maximum`) : r.readU32(`a ${what} maximum`)) : null;
  return { text: max === null ? `${min}` : `${min} ${max}`, i64: is64 ? ' i64' : '', shared: (flags & 2) !== 0 };
}

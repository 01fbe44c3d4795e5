/**
 * Component type definitions (design/mvp/Binary.md "Type Definitions": `deftype`):
 * value types, function types, resource types, and component and instance types with
 * their declarators, each read into its resolved form. Also `externtype` and
 * `nameattributes`, which imports and exports share with the declarators.
 */
import { WasmParseError } from '../../errors.js';
import type { Reader } from '../../parser/reader.js';
import type { Feature } from '../../parser/types.js';
import { hex } from '../../units.js';
import type { ComponentType, ExternType, FuncType, InstanceType, Param, ValType } from '../types.js';
import { readAlias } from './alias.js';
import { readCoreType } from './core-types.js';
import { ExternList, NamedTypes } from './externs.js';
import { parseExternName, UniqueNames } from './names.js';
import { newResource } from './naming.js';
import type { TypeEntry } from './scope.js';
import { badIndex, Scope } from './scope.js';
import { containsBorrow, readDefValType, readLabel, readValType } from './val-types.js';

const MAX_DECLS = 1_000_000;
const MAX_PARAMS = 100_000;

/** `nameattributes`: the extern name (checked by `parseExternName`) and its attributes, which are read and dropped. */
export function readExternName(r: Reader, what: string): string {
  const offset = r.offset;
  const form = r.readU8(`${what} name form`);
  if (form > 2)
    r.fail('ERR_BAD_VALUE', `${what} name form 0x${hex(form)} is unknown (expected 0x00, 0x01 or 0x02)`, offset);
  const nameAt = r.offset;
  const name = r.readName(`${what} name`);
  if (parseExternName(name) === null) {
    r.fail(
      'ERR_BAD_NAME',
      `${what} name "${name}" is not a valid name: use a kebab-case label (my-func), [constructor]R, [method]R.f, [static]R.f, or an interface name (ns:pkg/iface@1.0.0)`,
      nameAt,
    );
  }
  if (form === 2) {
    const n = r.readCount('name attributes', 3, 2);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const at = r.offset;
      const kind = r.readU8('a name attribute');
      if (kind > 2) r.fail('ERR_BAD_VALUE', `name attribute 0x${hex(kind)} is unknown (expected 0x00-0x02)`, at);
      if (seen.has(kind)) r.fail('ERR_INVALID', `name "${name}" has attribute 0x${hex(kind)} twice`, at);
      seen.add(kind);
      r.readName('a name attribute value');
    }
  }
  return name;
}

/** The type at `index` of the type space, required to be of `kind`. */
function typeAt<K extends TypeEntry['kind']>(
  scope: Scope,
  index: number,
  kind: K,
  offset: number,
): Extract<TypeEntry, { kind: K }> {
  const t = scope.types[index];
  if (t === undefined) throw badIndex('type', index, scope.types.length, offset);
  if (t.kind !== kind) {
    throw new WasmParseError(
      'ERR_TYPE_MISMATCH',
      `type ${index} is a ${t.kind} type, where a ${kind} type is required`,
      offset,
    );
  }
  return t as Extract<TypeEntry, { kind: K }>;
}

/**
 * `externtype`, resolved in `scope`; a type bound `(sub resource)` makes a fresh abstract resource,
 * `(eq i)` names type `i`, whatever kind of type it is.
 */
export function readExternType(r: Reader, scope: Scope): ExternType {
  const offset = r.offset;
  const b = r.readU8('an extern type');
  switch (b) {
    case 0x00: {
      const at = r.offset;
      if (r.readU8('a core sort') !== 0x11)
        r.fail('ERR_BAD_VALUE', 'a core extern type must be a core module (0x00 0x11)', at);
      const indexAt = r.offset;
      const index = r.readU32('a core type index');
      const t = scope.coreTypes[index];
      if (t === undefined) throw badIndex('core type', index, scope.coreTypes.length, indexAt);
      if (t.kind !== 'module') {
        throw new WasmParseError('ERR_TYPE_MISMATCH', `core type ${index} is not a module type`, indexAt);
      }
      return t.type;
    }
    case 0x01: {
      const at = r.offset;
      return typeAt(scope, r.readU32('a type index'), 'func', at);
    }
    case 0x02: {
      const at = r.offset;
      const bound = r.readU8('a value bound');
      if (bound === 0x00) {
        const indexAt = r.offset;
        const index = r.readU32('a value index');
        const v = scope.values[index];
        if (v === undefined) throw badIndex('value', index, scope.values.length, indexAt);
        return { kind: 'value', type: v };
      }
      if (bound !== 0x01)
        r.fail('ERR_BAD_VALUE', `value bound 0x${hex(bound)} is unknown (expected 0x00 eq, 0x01 type)`, at);
      return { kind: 'value', type: readValType(r, scope) };
    }
    case 0x03: {
      const at = r.offset;
      const bound = r.readU8('a type bound');
      if (bound === 0x01) {
        const fresh = newResource('abstract');
        scope.markFresh(fresh);
        return { kind: 'type', type: fresh };
      }
      if (bound !== 0x00)
        r.fail('ERR_BAD_VALUE', `type bound 0x${hex(bound)} is unknown (expected 0x00 eq, 0x01 sub resource)`, at);
      const indexAt = r.offset;
      const index = r.readU32('a type index');
      const t = scope.types[index];
      if (t === undefined) throw badIndex('type', index, scope.types.length, indexAt);
      // Any type may be imported or exported by (eq i), a function, instance or component type too
      // (wasm-tools accepts them): the extern's name then stands for that type.
      return { kind: 'type', type: t };
    }
    case 0x04: {
      const at = r.offset;
      return typeAt(scope, r.readU32('a type index'), 'component', at);
    }
    case 0x05: {
      const at = r.offset;
      return typeAt(scope, r.readU32('a type index'), 'instance', at);
    }
    default:
      return r.fail('ERR_BAD_TYPE', `unknown extern type 0x${hex(b)} (expected 0x00-0x05)`, offset);
  }
}

/** `functype` after its opcode (0x40, or 0x43 for `async`). */
function readFuncType(r: Reader, scope: Scope, isAsync: boolean): FuncType {
  const n = r.readCount('parameters', MAX_PARAMS, 2);
  const names = new UniqueNames();
  const params: Param[] = [];
  for (let i = 0; i < n; i++) {
    const name = readLabel(r, names, 'parameter name');
    params.push({ name, type: readValType(r, scope) });
  }
  const at = r.offset;
  const form = r.readU8('a result list');
  let result: ValType | undefined;
  if (form === 0x00) {
    result = readValType(r, scope);
    if (containsBorrow(result, scope))
      r.fail('ERR_INVALID', 'a function result cannot contain a borrow handle (return own instead)', at);
  } else if (form === 0x01) {
    const z = r.offset;
    if (r.readU8('an empty result list') !== 0x00)
      r.fail('ERR_BAD_VALUE', 'named results are no longer allowed: expected 0x01 0x00', z);
    result = undefined;
  } else
    r.fail(
      'ERR_BAD_VALUE',
      `result list form 0x${hex(form)} is unknown (expected 0x00 one result, 0x01 0x00 none)`,
      at,
    );
  return { kind: 'func', params, result, isAsync };
}

/** One `type` definition (`deftype`) in `scope`. */
export function readDefType(r: Reader, scope: Scope, features: Set<Feature>): TypeEntry {
  const offset = r.offset;
  const b = r.readU8('a type');
  switch (b) {
    case 0x40:
    case 0x43:
      return readFuncType(r, scope, b === 0x43);
    case 0x41:
      return readComponentType(r, scope, features);
    case 0x42:
      return readInstanceType(r, scope, features);
    case 0x3f: {
      if (scope.kind !== 'component') {
        r.fail(
          'ERR_INVALID',
          'a resource type can be defined only in a component, not in a component or instance type',
          offset,
        );
      }
      const repAt = r.offset;
      const rep = r.readU8('a resource representation');
      if (rep !== 0x7f)
        r.fail('ERR_TYPE_MISMATCH', `a resource representation must be i32 (0x7f), not 0x${hex(rep)}`, repAt);
      const at = r.offset;
      const has = r.readU8('a destructor flag');
      if (has === 0x00) return newResource('defined');
      if (has !== 0x01) r.fail('ERR_BAD_VALUE', `destructor flag 0x${hex(has)} is unknown (expected 0x00 or 0x01)`, at);
      const fAt = r.offset;
      const f = r.readU32('a destructor core func index');
      const ft = scope.coreFuncs[f];
      if (f >= scope.coreFuncs.length) throw badIndex('core func', f, scope.coreFuncs.length, fAt);
      if (ft !== undefined && ft !== '(func (param i32))') {
        throw new WasmParseError(
          'ERR_TYPE_MISMATCH',
          `a resource destructor must have type (func (param i32)), core func ${f} has ${ft}`,
          fAt,
        );
      }
      return newResource('defined', f);
    }
    default:
      return readDefValType(r, scope, b, offset);
  }
}

/** `componenttype`: its own scope (outer aliases reach `parent`), its imports and exports. */
function readComponentType(r: Reader, parent: Scope, features: Set<Feature>): ComponentType {
  const scope = new Scope('component type', parent, r.offset - 1);
  const introductions = new NamedTypes(scope);
  const imports = new ExternList('import', introductions);
  const exports = new ExternList('export', introductions);
  const n = r.readCount('component type declarations', MAX_DECLS);
  for (let i = 0; i < n; i++) {
    const at = r.offset;
    if (r.peekU8('a declaration') === 0x03) {
      r.offset++;
      const nameAt = r.offset;
      const name = readExternName(r, 'import');
      imports.add(scope, name, readExternType(r, scope), nameAt);
    } else readInstanceDecl(r, scope, exports, features, at);
  }
  const type: ComponentType = { kind: 'component', imports: imports.items, exports: exports.items };
  parent.setIntroduced(type, { imports: imports.introduced, exports: exports.introduced });
  return type;
}

/** `instancetype`: its own scope and its exports. */
function readInstanceType(r: Reader, parent: Scope, features: Set<Feature>): InstanceType {
  const scope = new Scope('instance type', parent, r.offset - 1);
  const exports = new ExternList('export');
  const n = r.readCount('instance type declarations', MAX_DECLS);
  for (let i = 0; i < n; i++) readInstanceDecl(r, scope, exports, features, r.offset);
  const type: InstanceType = { kind: 'instance', exports: exports.items };
  parent.setIntroduced(type, { imports: [], exports: exports.introduced });
  return type;
}

function readInstanceDecl(r: Reader, scope: Scope, exports: ExternList, features: Set<Feature>, offset: number): void {
  const tag = r.readU8('a declaration');
  switch (tag) {
    case 0x00:
      for (const t of readCoreType(r, scope, features)) scope.coreTypes.push(t);
      break;
    case 0x01:
      scope.types.push(readDefType(r, scope, features));
      break;
    case 0x02:
      readAlias(r, scope, true);
      break;
    case 0x04: {
      const nameAt = r.offset;
      const name = readExternName(r, 'export');
      exports.add(scope, name, readExternType(r, scope), nameAt);
      break;
    }
    default:
      r.fail(
        'ERR_BAD_VALUE',
        `unknown declaration 0x${hex(tag)} (expected core type 0x00, type 0x01, alias 0x02, import 0x03 (component types only), export 0x04)`,
        offset,
      );
  }
}

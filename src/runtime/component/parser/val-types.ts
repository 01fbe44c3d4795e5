/**
 * Value types (design/mvp/Binary.md "Type Definitions": `valtype`, `defvaltype`) read
 * straight into their resolved form (../types.ts): a type index becomes the type it names,
 * so the result is a tree of data with no indices left.
 */
import { WasmParseError } from '../../errors.js';
import type { Reader } from '../../parser/reader.js';
import { hex } from '../../units.js';
import type { Case, Field, PrimitiveType, PrimitiveTypeName, ResourceType, ValType } from '../types.js';
import { isLabel, UniqueNames } from './names.js';
import type { Scope } from './scope.js';
import { badIndex, isValType } from './scope.js';
import { MAX_TYPE_SIZE } from './type-facts.js';

/** A record, variant, tuple, flags or enum this large is far beyond anything real; refuse it before allocating. */
const MAX_MEMBERS = 100_000;
/** design/mvp/Binary.md: flags have at most 32 labels. */
export const MAX_FLAGS = 32;
/**
 * How deeply value types may nest (`record` in `record`...): every walk over a type (the
 * canonical ABI's, WIT printing) recurses, and this keeps them far from the stack's limit.
 * Real interfaces nest a handful of levels.
 */
export const MAX_TYPE_DEPTH = 100;

/** Primitive value types by their opcode (0x7f bool down to 0x73 string, and 0x64 error-context). */
const PRIMITIVES: readonly (PrimitiveType | undefined)[] = (() => {
  const out: (PrimitiveType | undefined)[] = new Array(0x80).fill(undefined);
  const names: readonly [number, PrimitiveTypeName][] = [
    [0x7f, 'bool'],
    [0x7e, 's8'],
    [0x7d, 'u8'],
    [0x7c, 's16'],
    [0x7b, 'u16'],
    [0x7a, 's32'],
    [0x79, 'u32'],
    [0x78, 's64'],
    [0x77, 'u64'],
    [0x76, 'f32'],
    [0x75, 'f64'],
    [0x74, 'char'],
    [0x73, 'string'],
    [0x64, 'error-context'],
  ];
  // One frozen object per primitive: they carry no name, so every use can share it.
  for (const [code, kind] of names) out[code] = Object.freeze({ kind });
  return out;
})();

/** The primitive type of opcode `b`, or undefined when `b` is no primitive's. */
export function primitiveOf(b: number): PrimitiveType | undefined {
  return PRIMITIVES[b];
}

/**
 * `valtype ::= typeidx | primvaltype`. Type opcodes are negative SLEB128s and indices
 * non-negative, so one s33 read tells them apart. An index must name a value type.
 */
export function readValType(r: Reader, scope: Scope): ValType {
  const offset = r.offset;
  const v = r.readS33('a value type');
  if (v < 0) {
    const prim = v >= -0x40 ? PRIMITIVES[v + 0x80] : undefined;
    if (prim === undefined) r.fail('ERR_BAD_TYPE', `unknown value type 0x${hex((v + 0x80) & 0x7f)}`, offset);
    return prim;
  }
  const t = scope.types[v];
  if (t === undefined) throw badIndex('type', v, scope.types.length, offset);
  if (!isValType(t)) {
    throw new WasmParseError(
      'ERR_TYPE_MISMATCH',
      `type ${v} is a ${t.kind} type, where a value type is required (define a value type and refer to that)`,
      offset,
    );
  }
  return t;
}

/** `<T>?`: 0x00 for none, 0x01 then a value type. */
function readOptionalValType(r: Reader, scope: Scope, what: string): ValType | undefined {
  const offset = r.offset;
  const b = r.readU8(what);
  if (b === 0) return undefined;
  if (b !== 1)
    r.fail('ERR_BAD_VALUE', `${what} must start with 0x00 (absent) or 0x01 (present), not 0x${hex(b)}`, offset);
  return readValType(r, scope);
}

/** A `label` (`labellit`) that must be kebab-case and strongly-unique among `names`. */
export function readLabel(r: Reader, names: UniqueNames, what: string): string {
  const offset = r.offset;
  const label = r.readName(what);
  if (!isLabel(label)) {
    r.fail(
      'ERR_BAD_NAME',
      `${what} "${label}" is not a kebab-case label (words like a-b-c or ABC, starting with a letter)`,
      offset,
    );
  }
  const earlier = names.add(label);
  if (earlier !== null) {
    r.fail('ERR_DUPLICATE_NAME', `${what} "${label}" clashes with "${earlier}" (names compare ignoring case)`, offset);
  }
  return label;
}

function readCount(r: Reader, what: string, atLeastOne: boolean): number {
  const offset = r.offset;
  const n = r.readCount(what, MAX_MEMBERS);
  if (atLeastOne && n === 0) r.fail('ERR_INVALID', `a type with no ${what} is not allowed`, offset);
  return n;
}

/** The resource type `index` names, for `own`/`borrow` and the resource built-ins. */
export function resourceAt(scope: Scope, index: number, offset: number): ResourceType {
  const t = scope.types[index];
  if (t === undefined) throw badIndex('type', index, scope.types.length, offset);
  if (t.kind !== 'resource') {
    throw new WasmParseError('ERR_TYPE_MISMATCH', `type ${index} is a ${t.kind} type, not a resource type`, offset);
  }
  return t;
}

/** Whether `t` contains a `borrow` anywhere (refused in results, streams and futures). */
export function containsBorrow(t: ValType | undefined, scope: Scope): boolean {
  return t !== undefined && scope.facts.of(t).hasBorrow;
}

const KEY_TYPES = new Set(['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'char', 'string']);

/** `defvaltype` after its opcode `b` (already read at `offset`); `ERR_LIMIT` past `MAX_TYPE_DEPTH`. */
export function readDefValType(r: Reader, scope: Scope, b: number, offset: number): ValType {
  const t = readDefValTypeBody(r, scope, b, offset);
  const { depth, size } = scope.facts.of(t);
  if (depth > MAX_TYPE_DEPTH) {
    r.fail('ERR_LIMIT', `value types nest ${depth} deep, more than the ${MAX_TYPE_DEPTH} allowed`, offset);
  }
  if (size >= MAX_TYPE_SIZE) {
    r.fail(
      'ERR_LIMIT',
      `a ${t.kind} of ${size} bytes is larger than the canonical ABI allows (2^28 - 1 bytes)`,
      offset,
    );
  }
  return t;
}

function readDefValTypeBody(r: Reader, scope: Scope, b: number, offset: number): ValType {
  const prim = PRIMITIVES[b];
  if (prim !== undefined) return prim;
  switch (b) {
    case 0x72: {
      const n = readCount(r, 'fields', true);
      const names = new UniqueNames();
      const fields: Field[] = [];
      for (let i = 0; i < n; i++) {
        const name = readLabel(r, names, 'record field name');
        fields.push({ name, type: readValType(r, scope) });
      }
      return { kind: 'record', fields };
    }
    case 0x71: {
      const n = readCount(r, 'cases', true);
      const names = new UniqueNames();
      const cases: Case[] = [];
      for (let i = 0; i < n; i++) {
        const name = readLabel(r, names, 'variant case name');
        const type = readOptionalValType(r, scope, 'a case payload');
        const at = r.offset;
        // Was `refines`, dropped from the spec: only 0x00 (none) is valid now.
        if (r.readU8('the end of a variant case') !== 0)
          r.fail('ERR_BAD_VALUE', 'a variant case must end with 0x00', at);
        cases.push({ name, type });
      }
      return { kind: 'variant', cases };
    }
    case 0x70:
      return { kind: 'list', element: readValType(r, scope) };
    case 0x67: {
      const element = readValType(r, scope);
      const at = r.offset;
      const length = r.readU32('a fixed list length');
      if (length === 0) r.fail('ERR_INVALID', 'a fixed-length list must have a length above 0', at);
      return { kind: 'list', element, length };
    }
    case 0x6f: {
      const n = readCount(r, 'tuple members', true);
      const types: ValType[] = [];
      for (let i = 0; i < n; i++) types.push(readValType(r, scope));
      return { kind: 'tuple', types };
    }
    case 0x6e:
    case 0x6d: {
      const what = b === 0x6e ? 'flags' : 'enum cases';
      const at = r.offset;
      const n = readCount(r, what, true);
      if (b === 0x6e && n > MAX_FLAGS) r.fail('ERR_LIMIT', `${n} flags are more than the ${MAX_FLAGS} allowed`, at);
      const names = new UniqueNames();
      const labels: string[] = [];
      for (let i = 0; i < n; i++) labels.push(readLabel(r, names, b === 0x6e ? 'flag name' : 'enum case name'));
      return { kind: b === 0x6e ? 'flags' : 'enum', names: labels };
    }
    case 0x6b:
      return { kind: 'option', type: readValType(r, scope) };
    case 0x6a: {
      const ok = readOptionalValType(r, scope, 'a result ok type');
      const err = readOptionalValType(r, scope, 'a result error type');
      return { kind: 'result', ok, err };
    }
    case 0x69:
    case 0x68: {
      const at = r.offset;
      const resource = resourceAt(scope, r.readU32('a resource type index'), at);
      return { kind: b === 0x69 ? 'own' : 'borrow', resource };
    }
    case 0x66:
    case 0x65: {
      const kind = b === 0x66 ? 'stream' : 'future';
      const at = r.offset;
      const element = readOptionalValType(r, scope, `a ${kind} element type`);
      if (containsBorrow(element, scope))
        r.fail('ERR_INVALID', `a ${kind} element type cannot contain a borrow handle`, at);
      return { kind, element };
    }
    case 0x63: {
      const at = r.offset;
      const key = readValType(r, scope);
      if (!KEY_TYPES.has(key.kind)) {
        r.fail('ERR_TYPE_MISMATCH', `a map key must be bool, an integer, char or string, not ${key.kind}`, at);
      }
      return { kind: 'map', key, value: readValType(r, scope) };
    }
    default:
      return r.fail('ERR_BAD_TYPE', `unknown type 0x${hex(b)}`, offset);
  }
}

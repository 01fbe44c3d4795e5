/**
 * Canonical definitions (design/mvp/Binary.md "Canonical Definitions"; validation in
 * CanonicalABI.md "canonopt Validation", "canon lift", "canon lower"): lift and lower
 * with their options checked against the function type, the resource built-ins, and every
 * async, error-context and thread built-in decoded (immediates checked) as `other`.
 */
import { WasmParseError } from '../../errors.js';
import type { Reader } from '../../parser/reader.js';
import { hex } from '../../units.js';
import type { FuncType, ValType } from '../types.js';
import type { CanonDefinition, CanonOptions, StringEncoding } from './ast.js';
import { flatFuncType, needsMemory, spills } from './flatten.js';
import type { Scope } from './scope.js';
import { badIndex } from './scope.js';
import { MAX_FLAT_PARAMS } from './type-facts.js';
import { resourceAt } from './val-types.js';

const MAX_OPTIONS = 16;
const ENCODINGS: readonly StringEncoding[] = ['utf8', 'utf16', 'latin1+utf16'];

type Immediate = 'results' | 'opts' | 'valtype' | 'u32' | 'flag' | 'type' | 'memory' | 'core-type' | 'table';

/** The built-ins beyond lift, lower and resources: opcode to spec name and immediates, in order. */
const OTHER: ReadonlyMap<number, readonly [string, readonly Immediate[]]> = new Map([
  [0x24, ['backpressure.inc', []]],
  [0x25, ['backpressure.dec', []]],
  [0x09, ['task.return', ['results', 'opts']]],
  [0x05, ['task.cancel', []]],
  [0x0a, ['context.get', ['valtype', 'u32']]],
  [0x0b, ['context.set', ['valtype', 'u32']]],
  [0x06, ['subtask.cancel', ['flag']]],
  [0x0d, ['subtask.drop', []]],
  [0x0e, ['stream.new', ['type']]],
  [0x0f, ['stream.read', ['type', 'opts']]],
  [0x10, ['stream.write', ['type', 'opts']]],
  [0x11, ['stream.cancel-read', ['type', 'flag']]],
  [0x12, ['stream.cancel-write', ['type', 'flag']]],
  [0x13, ['stream.drop-readable', ['type']]],
  [0x14, ['stream.drop-writable', ['type']]],
  [0x15, ['future.new', ['type']]],
  [0x16, ['future.read', ['type', 'opts']]],
  [0x17, ['future.write', ['type', 'opts']]],
  [0x18, ['future.cancel-read', ['type', 'flag']]],
  [0x19, ['future.cancel-write', ['type', 'flag']]],
  [0x1a, ['future.drop-readable', ['type']]],
  [0x1b, ['future.drop-writable', ['type']]],
  [0x1c, ['error-context.new', ['opts']]],
  [0x1d, ['error-context.debug-message', ['opts']]],
  [0x1e, ['error-context.drop', []]],
  [0x1f, ['waitable-set.new', []]],
  [0x20, ['waitable-set.wait', ['flag', 'memory']]],
  [0x21, ['waitable-set.poll', ['flag', 'memory']]],
  [0x22, ['waitable-set.drop', []]],
  [0x23, ['waitable.join', []]],
  [0x26, ['thread.index', []]],
  [0x27, ['thread.new-indirect', ['core-type', 'table']]],
  [0x28, ['thread.resume-later', []]],
  [0x29, ['thread.suspend', ['flag']]],
  [0x0c, ['thread.yield', ['flag']]],
  [0x2a, ['thread.suspend-then-resume', ['flag']]],
  [0x2b, ['thread.yield-then-resume', ['flag']]],
  [0x2c, ['thread.suspend-then-promote', ['flag']]],
  [0x2d, ['thread.yield-then-promote', ['flag']]],
  [0x40, ['thread.spawn-ref', ['flag', 'core-type']]],
  [0x41, ['thread.spawn-indirect', ['flag', 'core-type', 'table']]],
  [0x42, ['thread.available-parallelism', ['flag']]],
]);

/** The core type of `realloc`: (old ptr, old size, align, new size) -> new ptr. */
const REALLOC_TYPE = '(func (param i32 i32 i32 i32) (result i32))';

interface RawOptions {
  readonly options: CanonOptions;
  readonly offset: number;
}

function coreFuncIndex(r: Reader, scope: Scope, what: string): number {
  const at = r.offset;
  const f = r.readU32(what);
  if (f >= scope.coreFuncs.length) throw badIndex('core func', f, scope.coreFuncs.length, at);
  return f;
}

/** `opts`: a vector of `canonopt`, each kind at most once (the three encodings count as one kind). */
function readOptions(r: Reader, scope: Scope): RawOptions {
  const offset = r.offset;
  const n = r.readCount('canonical options', MAX_OPTIONS);
  let stringEncoding: StringEncoding | undefined;
  let memory: number | undefined;
  let realloc: number | undefined;
  let postReturn: number | undefined;
  let isAsync = false;
  let callback: number | undefined;
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const at = r.offset;
    const b = r.readU8('a canonical option');
    const kind = b <= 0x02 ? 0 : b;
    if (seen.has(kind)) {
      const what =
        kind === 0
          ? 'string-encoding'
          : (['', '', '', 'memory', 'realloc', 'post-return', 'async', 'callback'][b] ?? '');
      r.fail('ERR_INVALID', `canonical option ${what} is given twice (or with a conflicting value): give it once`, at);
    }
    seen.add(kind);
    switch (b) {
      case 0x00:
      case 0x01:
      case 0x02:
        stringEncoding = ENCODINGS[b];
        break;
      case 0x03: {
        const mAt = r.offset;
        memory = r.readU32('a core memory index');
        if (memory >= scope.coreMemories.length) throw badIndex('core memory', memory, scope.coreMemories.length, mAt);
        break;
      }
      case 0x04:
        realloc = coreFuncIndex(r, scope, 'a realloc core func index');
        break;
      case 0x05:
        postReturn = coreFuncIndex(r, scope, 'a post-return core func index');
        break;
      case 0x06:
        isAsync = true;
        break;
      case 0x07:
        callback = coreFuncIndex(r, scope, 'a callback core func index');
        break;
      default:
        r.fail('ERR_BAD_VALUE', `unknown canonical option 0x${hex(b)} (expected 0x00-0x07)`, at);
    }
  }
  if (realloc !== undefined && memory === undefined) {
    r.fail('ERR_INVALID', 'canonical option realloc needs a memory option too: add (memory N)', offset);
  }
  if (realloc !== undefined) {
    const t = scope.coreFuncs[realloc];
    if (t !== undefined && t !== REALLOC_TYPE) {
      r.fail('ERR_TYPE_MISMATCH', `realloc core func ${realloc} has type ${t}, expected ${REALLOC_TYPE}`, offset);
    }
  }
  if (callback !== undefined && !isAsync)
    r.fail('ERR_INVALID', 'canonical option callback is allowed only with async', offset);
  if (isAsync && postReturn !== undefined)
    r.fail('ERR_INVALID', 'canonical options async and post-return cannot be used together', offset);
  return {
    options: { stringEncoding: stringEncoding ?? 'utf8', memory, realloc, postReturn, isAsync, callback },
    offset,
  };
}

/** The memory/realloc requirements of lifting or lowering `ft` (CanonicalABI.md "canon lift", "canon lower"). */
function checkRequiredOptions(
  r: Reader,
  scope: Scope,
  ft: FuncType,
  op: 'lift' | 'lower',
  raw: RawOptions,
  what: string,
): void {
  const { facts } = scope;
  const memoryIn = (t: ValType | undefined) => needsMemory(t, facts);
  const { options, offset } = raw;
  const params = ft.params.map((p) => p.type);
  const spill = spills(ft, facts);
  // lift(T) needs realloc for T with strings or lists; lower(T) needs memory for them.
  const paramsNeedRealloc = op === 'lift' && params.some(memoryIn);
  const resultNeedsRealloc = op === 'lower' && memoryIn(ft.result);
  const stringsOrLists = params.some(memoryIn) || memoryIn(ft.result);
  if (options.memory === undefined && stringsOrLists) {
    r.fail('ERR_INVALID', `${what}: its type has strings or lists, so canonical option (memory N) is required`, offset);
  }
  if (options.memory === undefined && (spill.params || spill.results)) {
    r.fail(
      'ERR_INVALID',
      `${what}: its parameters or results do not fit in core values, so (memory N) is required`,
      offset,
    );
  }
  if (options.realloc === undefined) {
    if (paramsNeedRealloc || resultNeedsRealloc) {
      r.fail(
        'ERR_INVALID',
        `${what}: strings or lists are passed into the callee's memory, so (realloc F) is required`,
        offset,
      );
    }
    if (op === 'lift' && spill.params) {
      r.fail(
        'ERR_INVALID',
        `${what}: more than ${MAX_FLAT_PARAMS} flat parameters go through memory, so (realloc F) is required`,
        offset,
      );
    }
  }
  if (options.isAsync && !ft.isAsync) {
    r.fail('ERR_INVALID', `${what}: canonical option async needs a func async type`, offset);
  }
}

/** One `canon` definition; adds its function to `scope`. */
export function readCanon(r: Reader, scope: Scope): CanonDefinition {
  const offset = r.offset;
  const op = r.readU8('a canonical definition');
  switch (op) {
    case 0x00:
    case 0x01: {
      const at = r.offset;
      if (r.readU8('a func sort') !== 0x00)
        r.fail('ERR_BAD_VALUE', `canon ${op === 0 ? 'lift' : 'lower'} must be followed by 0x00 (func)`, at);
      if (op === 0x00) return readLift(r, scope, offset);
      const fAt = r.offset;
      const func = r.readU32('a func index');
      const type = scope.funcs[func];
      if (type === undefined) throw badIndex('func', func, scope.funcs.length, fAt);
      const raw = readOptions(r, scope);
      if (raw.options.postReturn !== undefined)
        r.fail('ERR_INVALID', 'canonical option post-return is allowed only on canon lift', raw.offset);
      if (raw.options.callback !== undefined)
        r.fail('ERR_INVALID', 'canonical option callback is allowed only on canon lift', raw.offset);
      checkRequiredOptions(r, scope, type, 'lower', raw, `canon lower of func ${func}`);
      scope.coreFuncs.push(raw.options.isAsync ? undefined : flatFuncType(type, 'lower', scope.facts).text);
      return { kind: 'canon', offset, op: 'lower', func, options: raw.options, type };
    }
    case 0x02:
    case 0x03:
    case 0x04: {
      const name = op === 0x02 ? 'resource.new' : op === 0x03 ? 'resource.drop' : 'resource.rep';
      const at = r.offset;
      const typeIndex = r.readU32('a resource type index');
      const resource = resourceAt(scope, typeIndex, at);
      if (op !== 0x03 && resource.origin !== 'defined') {
        throw new WasmParseError(
          'ERR_TYPE_MISMATCH',
          `canon ${name} needs a resource defined in this component; type ${typeIndex} is an imported (abstract) resource`,
          at,
        );
      }
      scope.coreFuncs.push(op === 0x03 ? '(func (param i32))' : '(func (param i32) (result i32))');
      return { kind: 'canon', offset, op: name, typeIndex, resource };
    }
    default: {
      const known = OTHER.get(op);
      if (known === undefined) {
        return r.fail('ERR_BAD_VALUE', `unknown canonical definition 0x${hex(op)}`, offset);
      }
      const [name, immediates] = known;
      for (const imm of immediates) readImmediate(r, scope, imm, name);
      scope.coreFuncs.push(undefined);
      return { kind: 'canon', offset, op: 'other', opcode: op, name };
    }
  }
}

function readLift(r: Reader, scope: Scope, offset: number): CanonDefinition {
  const coreFunc = coreFuncIndex(r, scope, 'a core func index');
  const raw = readOptions(r, scope);
  const at = r.offset;
  const typeIndex = r.readU32('a type index');
  const type = scope.types[typeIndex];
  if (type === undefined) throw badIndex('type', typeIndex, scope.types.length, at);
  if (type.kind !== 'func') {
    throw new WasmParseError(
      'ERR_TYPE_MISMATCH',
      `canon lift needs a function type, type ${typeIndex} is a ${type.kind} type`,
      at,
    );
  }
  const what = `canon lift of core func ${coreFunc}`;
  checkRequiredOptions(r, scope, type, 'lift', raw, what);
  if (!raw.options.isAsync) {
    const ptr = memoryPtr(scope, raw.options.memory);
    const flat = flatFuncType(type, 'lift', scope.facts, ptr);
    const actual = scope.coreFuncs[coreFunc];
    if (actual !== undefined && actual !== flat.text) {
      throw new WasmParseError(
        'ERR_TYPE_MISMATCH',
        `${what}: the core function has type ${actual}, but lifting type ${typeIndex} needs ${flat.text}`,
        offset,
      );
    }
    const post = raw.options.postReturn;
    const postType = post === undefined ? undefined : scope.coreFuncs[post];
    const wanted = `(func${flat.results.length > 0 ? ` (param ${flat.results.join(' ')})` : ''})`;
    if (postType !== undefined && postType !== wanted) {
      throw new WasmParseError(
        'ERR_TYPE_MISMATCH',
        `${what}: post-return core func ${post} has type ${postType}, expected ${wanted}`,
        raw.offset,
      );
    }
  }
  scope.funcs.push(type);
  return { kind: 'canon', offset, op: 'lift', coreFunc, options: raw.options, typeIndex, type };
}

function memoryPtr(scope: Scope, memory: number | undefined): 'i32' | 'i64' {
  if (memory === undefined) return 'i32';
  return scope.coreMemories[memory]?.startsWith('(memory i64') ? 'i64' : 'i32';
}

function readImmediate(r: Reader, scope: Scope, imm: Immediate, name: string): void {
  const at = r.offset;
  switch (imm) {
    case 'results': {
      const form = r.readU8('a result list');
      if (form === 0x00) r.readS33('a value type');
      else if (form !== 0x01 || r.readU8('an empty result list') !== 0x00) {
        r.fail('ERR_BAD_VALUE', `canon ${name}: result list must be 0x00 T or 0x01 0x00`, at);
      }
      return;
    }
    case 'opts':
      readOptions(r, scope);
      return;
    case 'valtype': {
      const t = r.readU8('a core value type');
      if (t !== 0x7f) r.fail('ERR_BAD_TYPE', `canon ${name}: only i32 (0x7f) is allowed here, not 0x${hex(t)}`, at);
      return;
    }
    case 'u32':
      r.readU32('an index');
      return;
    case 'flag': {
      const f = r.readU8('a flag');
      if (f > 1) r.fail('ERR_BAD_VALUE', `canon ${name}: flag must be 0x00 or 0x01, not 0x${hex(f)}`, at);
      return;
    }
    case 'type': {
      const i = r.readU32('a type index');
      if (i >= scope.types.length) throw badIndex('type', i, scope.types.length, at);
      return;
    }
    case 'memory': {
      const i = r.readU32('a core memory index');
      if (i >= scope.coreMemories.length) throw badIndex('core memory', i, scope.coreMemories.length, at);
      return;
    }
    case 'core-type': {
      const i = r.readU32('a core type index');
      if (i >= scope.coreTypes.length) throw badIndex('core type', i, scope.coreTypes.length, at);
      return;
    }
    case 'table': {
      const i = r.readU32('a core table index');
      if (i >= scope.coreTables.length) throw badIndex('core table', i, scope.coreTables.length, at);
      return;
    }
  }
}

/**
 * Writes a JavaScript value of a component type as WAVE text (bytecodealliance/wasm-tools
 * crates/wasm-wave/README.md), the inverse of `parseWave`: `parseWave(formatWave(v, t), t)`
 * equals `v`. Output is deterministic: record fields and flags in the type's order, options and
 * results in their explicit form (`some(1)`, `ok(1)`), floats in their shortest exact form.
 */
import { ArgumentError } from '../errors.js';
import { lowerCamelCase } from './js-names.js';
import type { ValType } from './types.js';
import { describeType, INTEGER_RANGES, type IntegerKind } from './wave-shared.js';

/**
 * Formats `value`, in the canonical ABI's JS shape for `type` (see `parseWave`), as WAVE text.
 * A list takes a plain array or a typed array, a 64-bit integer a bigint or a safe integer
 * number, and an f32 any number (it is rounded to f32 first, as lowering does).
 *
 * @throws ArgumentError `ERR_ARG_TYPE` when the value does not have the type's shape (the
 *   message names where in the value), a string is not valid Unicode, or the type has no WAVE
 *   form (resources, streams, futures, maps); `ERR_ARG_RANGE` when an integer is out of range.
 */
export function formatWave(value: unknown, type: ValType): string {
  return write(value, type, 'value');
}

// Case and enum labels that WAVE reads as keywords must be written with `%`.
const KEYWORDS: ReadonlySet<string> = new Set(['true', 'false', 'inf', 'nan', 'some', 'none', 'ok', 'err']);

function label(name: string): string {
  return KEYWORDS.has(name) ? `%${name}` : name;
}

function write(value: unknown, type: ValType, path: string): string {
  switch (type.kind) {
    case 'bool':
      if (typeof value !== 'boolean') return mismatch(value, type, path);
      return value ? 'true' : 'false';
    case 's8':
    case 'u8':
    case 's16':
    case 'u16':
    case 's32':
    case 'u32':
    case 's64':
    case 'u64':
      return integer(value, type.kind, type, path);
    case 'f32':
    case 'f64':
      if (typeof value !== 'number') return mismatch(value, type, path);
      return float(type.kind === 'f32' ? Math.fround(value) : value, type.kind);
    case 'char': {
      if (typeof value !== 'string' || [...value].length !== 1 || LONE_SURROGATE.test(value)) {
        return mismatch(value, type, path, 'one Unicode scalar value');
      }
      return `'${escapeText(value, "'")}'`;
    }
    case 'string':
      if (typeof value !== 'string') return mismatch(value, type, path);
      if (LONE_SURROGATE.test(value)) return mismatch(value, type, path, 'valid Unicode (it has a lone surrogate)');
      return `"${escapeText(value, '"')}"`;
    case 'list': {
      const items = listItems(value);
      if (items === undefined) return mismatch(value, type, path, 'an array or typed array');
      if (type.length !== undefined && items.length !== type.length) {
        return mismatch(value, type, path, `${type.length} elements, not ${items.length}`);
      }
      return `[${items.map((v, i) => write(v, type.element, `${path}[${i}]`)).join(', ')}]`;
    }
    case 'tuple': {
      if (!Array.isArray(value) || value.length !== type.types.length) {
        return mismatch(value, type, path, `an array of ${type.types.length}`);
      }
      return `(${type.types.map((t, i) => write(value[i], t, `${path}[${i}]`)).join(', ')})`;
    }
    case 'record': {
      if (!isObject(value)) return mismatch(value, type, path, 'an object');
      if (type.fields.length === 0) return '{:}';
      const entries = type.fields.map((f) => {
        const key = lowerCamelCase(f.name);
        return `${f.name}: ${write(value[key], f.type, `${path}.${key}`)}`;
      });
      return `{${entries.join(', ')}}`;
    }
    case 'flags': {
      if (!isObject(value)) return mismatch(value, type, path, 'an object of booleans');
      const set: string[] = [];
      for (const name of type.names) {
        const key = lowerCamelCase(name);
        const flag = value[key];
        if (flag !== undefined && typeof flag !== 'boolean') {
          return mismatch(flag, type, `${path}.${key}`, 'true, false or undefined');
        }
        if (flag === true) set.push(name);
      }
      return `{${set.join(', ')}}`;
    }
    case 'enum':
      if (typeof value !== 'string' || !type.names.includes(value)) {
        return mismatch(value, type, path, `one of ${type.names.map((n) => JSON.stringify(n)).join(', ')}`);
      }
      return label(value);
    case 'variant': {
      const tag = isObject(value) ? value.tag : undefined;
      const found = type.cases.find((c) => c.name === tag);
      if (!isObject(value) || found === undefined) {
        return mismatch(value, type, path, `{ tag, val } with tag one of ${type.cases.map((c) => c.name).join(', ')}`);
      }
      if (found.type === undefined) return label(found.name);
      return `${label(found.name)}(${write(value.val, found.type, `${path}.val`)})`;
    }
    case 'option':
      if (type.type.kind === 'option') {
        // option<option<T>>: the outer option is tagged so that some(none) differs from none.
        const tag = isObject(value) ? value.tag : undefined;
        if (tag === 'none') return 'none';
        if (tag === 'some' && isObject(value)) return `some(${write(value.val, type.type, `${path}.val`)})`;
        return mismatch(value, type, path, "{ tag: 'none' } or { tag: 'some', val }");
      }
      return value === undefined ? 'none' : `some(${write(value, type.type, path)})`;
    case 'result': {
      const tag = isObject(value) ? value.tag : undefined;
      if (!isObject(value) || (tag !== 'ok' && tag !== 'err')) {
        return mismatch(value, type, path, "{ tag: 'ok' | 'err', val }");
      }
      const payload = tag === 'ok' ? type.ok : type.err;
      return payload === undefined ? tag : `${tag}(${write(value.val, payload, `${path}.val`)})`;
    }
    default:
      throw new ArgumentError('ERR_ARG_TYPE', `${describeType(type)} has no WAVE form (at ${path})`);
  }
}

function integer(value: unknown, kind: IntegerKind, type: ValType, path: string): string {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else return mismatch(value, type, path);
  const [min, max] = INTEGER_RANGES[kind];
  if (n < min || n > max) {
    throw new ArgumentError('ERR_ARG_RANGE', `expected ${describeType(type)} in [${min}, ${max}] at ${path}, got ${n}`);
  }
  return n.toString();
}

/**
 * The shortest decimal that reads back as the same float: `String(n)` is that for f64 (and
 * already a JSON number, as WAVE wants: `1e+21`, `5e-324`); for f32 the fewest significant digits
 * whose f32 rounding is `n`.
 */
function float(n: number, kind: 'f32' | 'f64'): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Number.POSITIVE_INFINITY) return 'inf';
  if (n === Number.NEGATIVE_INFINITY) return '-inf';
  if (Object.is(n, -0)) return '-0';
  if (kind === 'f64') return String(n);
  for (let digits = 1; digits < 9; digits++) {
    const shorter = Number(n.toPrecision(digits));
    if (Math.fround(shorter) === n) return String(shorter);
  }
  // Nine significant digits always identify an f32.
  return String(Number(n.toPrecision(9)));
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Escapes `\`, the quote, and control characters (line breaks as WAVE requires, the rest for readability). */
function escapeText(text: string, quote: "'" | '"'): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return out;
}

function listItems(value: unknown): readonly unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<unknown>);
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function mismatch(value: unknown, type: ValType, path: string, detail?: string): never {
  const expected = detail === undefined ? describeType(type) : `${describeType(type)} (${detail})`;
  throw new ArgumentError('ERR_ARG_TYPE', `expected ${expected} at ${path}, got ${show(value)}`);
}

/** A short rendering of a bad value for a message. */
function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === undefined || value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
}

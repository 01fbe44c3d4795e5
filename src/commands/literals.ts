/**
 * The command line's value grammar for function arguments: one literal per
 * parameter, parsed by the parameter's type (`run --invoke`, `call`), and
 * `--args-json`. Pure: no I/O; a bad literal is an `ArgumentError` naming the
 * signature and the parameter.
 */
import { ArgumentError } from '../runtime/errors.js';
import { formatSignature } from '../runtime/kinds.js';
import type { FuncType, ValType } from '../runtime/parser/types.js';

/** The function whose arguments are parsed: its export name and type, for messages and parameter types. */
export interface Callee {
  readonly name: string;
  readonly type: FuncType;
}

const INTEGER = /^([+-]?)(0x[0-9a-f]+|[0-9]+)$/i;
const DECIMAL_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const HEX_FLOAT = /^([+-]?)0x([0-9a-f]*)\.?([0-9a-f]*)(?:p([+-]?\d+))?$/i;
const LANES = /^(i8x16|i16x8|i32x4|i64x2|f32x4|f64x2):(.*)$/i;

/** Thrown by the literal parsers; the caller adds which function and parameter. */
class LiteralError extends Error {}

function parseInteger(text: string, bits: 32 | 64 | 128): bigint {
  const match = INTEGER.exec(text);
  if (match === null) throw new LiteralError(`expected an integer (decimal or 0x hex)`);
  const magnitude = BigInt(match[2] as string);
  const value = match[1] === '-' ? -magnitude : magnitude;
  // Signed and unsigned ranges are both accepted: -1 and 0xffffffff are the same i32.
  const min = -(1n << BigInt(bits - 1));
  const max = (1n << BigInt(bits)) - 1n;
  if (value < min || value > max) throw new LiteralError(`out of range for ${bits === 128 ? 'v128' : `i${bits}`}`);
  return BigInt.asIntN(bits, value);
}

/** f32/f64 literal: decimal, `1e10`, `nan`, `inf`, `-inf`, `-0`, or a hex float (`0x1.8p3`). */
function parseFloatLiteral(text: string, type: 'f32' | 'f64'): number {
  const lower = text.toLowerCase();
  let value: number;
  if (/^[+-]?nan$/.test(lower)) value = Number.NaN;
  else if (/^[+-]?inf(inity)?$/.test(lower)) value = lower.startsWith('-') ? -Infinity : Infinity;
  else if (DECIMAL_FLOAT.test(text)) value = Number(text);
  else {
    const hex = HEX_FLOAT.exec(text);
    if (hex === null || (hex[2] === '' && hex[3] === '')) {
      throw new LiteralError('expected a number such as 1.5, -0, 1e10, 0x1.8p3, nan, inf or -inf');
    }
    const magnitude = hexFloatMagnitude(`${hex[2]}${hex[3]}`, Number(hex[4] ?? '0') - 4 * (hex[3] as string).length);
    value = hex[1] === '-' ? -magnitude : magnitude;
  }
  // A finite literal too large for the type is an error (1e39 as f32, 1e309 as f32 or f64);
  // only nan/inf spell a non-finite value.
  const isNumeral = !/^[+-]?(nan|inf(inity)?)$/.test(lower);
  const result = type === 'f32' ? Math.fround(value) : value;
  if (isNumeral && !Number.isFinite(result)) throw new LiteralError(`out of range for ${type}`);
  return result;
}

/**
 * `digits` (hex) times 2^exponent, without the intermediate overflow of
 * `Number(digits) * 2 ** exponent` (which made 0x<300 digits>p-1200 NaN): the
 * digits are cut to 64 significant bits (plus a sticky bit for rounding) first.
 */
function hexFloatMagnitude(digits: string, exponent: number): number {
  let mantissa = BigInt(`0x${digits}`);
  if (mantissa === 0n) return 0;
  const excess = mantissa.toString(2).length - 64;
  if (excess > 0) {
    const sticky = mantissa & ((1n << BigInt(excess)) - 1n) ? 1n : 0n;
    mantissa = (mantissa >> BigInt(excess)) | sticky;
    exponent += excess;
  }
  // Scale in steps so that 2 ** exponent itself never overflows or underflows.
  let value = Number(mantissa);
  while (exponent > 0 && Number.isFinite(value)) {
    const step = Math.min(exponent, 1000);
    value *= 2 ** step;
    exponent -= step;
  }
  while (exponent < 0 && value !== 0) {
    const step = Math.max(exponent, -1000);
    value *= 2 ** step;
    exponent -= step;
  }
  return value;
}

/** v128: one 128-bit integer (decimal or 0x hex, little-endian lanes) or lanes, `i32x4:1,2,3,4`. */
function parseV128(text: string): bigint {
  const lanes = LANES.exec(text);
  if (lanes === null) return parseInteger(text, 128);
  const shape = (lanes[1] as string).toLowerCase();
  const [kind, countText] = shape.split('x') as [string, string];
  const count = Number(countText);
  const width = 128 / count;
  const parts = (lanes[2] as string).split(',').map((s) => s.trim());
  if (parts.length !== count)
    throw new LiteralError(`${shape} needs ${count} comma-separated lanes, got ${parts.length}`);
  let result = 0n;
  for (let i = count - 1; i >= 0; i--) {
    const part = parts[i] as string;
    let bits: bigint;
    if (kind.startsWith('i')) {
      const match = INTEGER.exec(part);
      if (match === null) throw new LiteralError(`lane ${i}: expected an integer`);
      const magnitude = BigInt(match[2] as string);
      const v = match[1] === '-' ? -magnitude : magnitude;
      if (v < -(1n << BigInt(width - 1)) || v > (1n << BigInt(width)) - 1n) {
        throw new LiteralError(`lane ${i}: out of range for i${width}`);
      }
      bits = BigInt.asUintN(width, v);
    } else {
      const x = parseFloatLiteral(part, width === 32 ? 'f32' : 'f64');
      const view = new DataView(new ArrayBuffer(8));
      if (width === 32) {
        view.setFloat32(0, x, true);
        bits = BigInt(view.getUint32(0, true));
      } else {
        view.setFloat64(0, x, true);
        bits = view.getBigUint64(0, true);
      }
    }
    result = (result << BigInt(width)) | bits;
  }
  return BigInt.asIntN(128, result);
}

/** A parameter value ready for the runtime: number (i32/f32/f64), bigint (i64, v128) or null (references). */
export type ArgValue = number | bigint | null;

/** Parses one command-line literal for a parameter of type `type`. */
export function parseLiteral(type: ValType, text: string): ArgValue {
  switch (type) {
    case 'i32':
      return Number(parseInteger(text, 32));
    case 'i64':
      return parseInteger(text, 64);
    case 'f32':
    case 'f64':
      return parseFloatLiteral(text, type as 'f32' | 'f64');
    case 'v128':
      return parseV128(text);
    default:
      if (text === 'null') return null;
      throw new LiteralError(`a ${type} parameter can only be given as null from the command line`);
  }
}

/**
 * Parses the arguments of `fn`, from command-line text or from `--args-json`
 * values (numbers, or strings holding any literal the command line accepts).
 * @throws ArgumentError ERR_ARG_COUNT or ERR_ARG_TYPE naming the signature and the parameter.
 */
export function parseArguments(fn: Callee, values: readonly unknown[]): ArgValue[] {
  const { params } = fn.type;
  // Only for a message: formatting it costs a first run its Unicode name pattern's compile.
  const signature = () => formatSignature(fn.type, { name: fn.name });
  if (values.length !== params.length) {
    const given =
      values.length === 0 ? 'none were given' : `${values.length} ${values.length === 1 ? 'was' : 'were'} given`;
    throw new ArgumentError(
      'ERR_ARG_COUNT',
      `${signature()} takes ${params.length} argument${params.length === 1 ? '' : 's'}, but ${given}`,
    );
  }
  return params.map((type, i) => {
    const value = values[i];
    const text = literalText(value);
    try {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new LiteralError('the JSON number is beyond the f64 range; write "inf" or the literal as a string');
      }
      if (text === null) throw new LiteralError('expected a number, a string or null');
      const isWide = type === 'i64' || type === 'v128';
      if (isWide && typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
        // JSON.parse already rounded it: refuse rather than pass a different number.
        throw new LiteralError('integers beyond 2^53 lose precision as JSON numbers; pass it as a string');
      }
      return parseLiteral(type, text);
    } catch (error) {
      if (!(error instanceof LiteralError)) throw error;
      throw new ArgumentError(
        'ERR_ARG_TYPE',
        `argument ${i + 1} of ${signature()}: ${showJson(value)} is not a valid ${type}: ${error.message}`,
      );
    }
  });
}

/**
 * A JSON value for a message: at most 60 characters, and never a throw. Values nested
 * deeper than `MAX_SHOWN_DEPTH` are named, not printed: JSON.stringify overflows the stack
 * on `[[[[...]]]]` a few thousand deep on V8 11, while V8 14 prints it, and the message
 * should be the same on every Node.
 */
function showJson(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    if (isNestedDeeperThan(value, MAX_SHOWN_DEPTH)) throw new RangeError('deeply nested');
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value) ? '[[[…]]] (a deeply nested array)' : '{…} (a deeply nested object)';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const MAX_SHOWN_DEPTH = 64;

/** True when arrays or objects nest more than `limit` deep (walked without recursion). */
function isNestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

function literalText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'bigint') return value.toString();
  if (value === null) return 'null';
  return null;
}

/** Parses `--args-json`: a JSON array. */
export function parseArgsJson(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ArgumentError('ERR_INVALID_OPTION', `--args-json ${showJson(text)}: not valid JSON`, {
      cause: error,
    });
  }
  if (!Array.isArray(value)) {
    throw new ArgumentError('ERR_INVALID_OPTION', `--args-json ${showJson(text)}: expected a JSON array`);
  }
  return value;
}

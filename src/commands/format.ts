/**
 * Text forms shared by the commands: Wasm values (results of `run --invoke` and
 * `call`), names made safe for a terminal, sizes. Signatures and extern types
 * are the runtime's (`formatSignature`, `formatExternType` in runtime/kinds.ts).
 * Pure functions: no I/O, no colour (callers colour what they print).
 */

import { WasmerError } from '../runtime/errors.js';
import { formatSignature, quoteName } from '../runtime/kinds.js';
import type { FuncType, ValType } from '../runtime/parser/types.js';
import { formatBytes } from '../runtime/units.js';
import { formatF32 as shortestF32 } from '../runtime/value.js';

// C0 controls, DEL and C1 controls (what a terminal may act on), and the bidirectional
// controls (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069), which reorder what a
// reader sees around them ("Trojan Source").
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `\x1b` for a C0/C1 control, `\u202e` for a bidirectional one. */
function escapeControl(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A name from a module (export, import, custom section, name section) made safe to
 * print: control characters become `\xNN`, so a hostile module cannot move the cursor,
 * change colours or fake output lines with ANSI escapes, `\r` or `\n` in its names.
 */
export function printable(name: string): string {
  return name.replace(CONTROL, escapeControl);
}

/** A module's name for a terminal: quoted when it is not a plain word (`quoteName`), and `printable`. */
export function shownName(name: string): string {
  return printable(quoteName(name));
}

/** `sum(i32, i32) -> i32`: an export's signature as the CLI shows it (the runtime's form, made `printable`). */
export function formatExportSignature(name: string, type: FuncType): string {
  return printable(formatSignature(type, { name }));
}

/** Message text for a terminal: like `printable`, but line breaks and tabs stay (messages have several lines). */
export function printableText(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\n' || c === '\t' ? c : escapeControl(c)));
}

/** The shortest decimal that reads back as the same f32 (`7.42`, not `7.420000076293945`), with Wasm's nan/inf/-0. */
export function formatF32(x: number): string {
  return formatSpecialFloat(x) ?? shortestF32(x);
}

/** The shortest decimal that reads back as the same f64 (JS's own `String`), with Wasm's nan/inf/-0. */
export function formatF64(x: number): string {
  return formatSpecialFloat(x) ?? String(x);
}

function formatSpecialFloat(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (Object.is(x, -0)) return '-0';
  return null;
}

/** A v128 as `0x` and 32 hex digits (the lane bytes read as one little-endian 128-bit integer). */
export function formatV128(value: bigint): string {
  return `0x${BigInt.asUintN(128, value).toString(16).padStart(32, '0')}`;
}

/** A JSON-safe value: i64 and v128 as strings, floats as numbers except nan/inf/-inf/-0 as strings. */
export type JsonValue = number | string | null;

/** One result (or argument) value in the text form printed by `run --invoke` and `call`. */
export function formatValue(type: ValType, value: unknown): string {
  switch (type) {
    case 'i32':
      return String(Number(value) | 0);
    case 'i64':
      return BigInt.asIntN(64, toBigInt(value)).toString();
    case 'f32':
      return formatF32(Number(value));
    case 'f64':
      return formatF64(Number(value));
    case 'v128':
      return formatV128(toBigInt(value));
    default:
      return formatReference(value);
  }
}

/** The same value for `--json`. */
export function jsonValue(type: ValType, value: unknown): JsonValue {
  switch (type) {
    case 'i32':
      return Number(value) | 0;
    case 'i64':
      return BigInt.asIntN(64, toBigInt(value)).toString();
    case 'f32':
    case 'f64': {
      const x = Number(value);
      const text = type === 'f32' ? formatF32(x) : formatF64(x);
      return Number.isFinite(x) && !Object.is(x, -0) ? Number(text) : text;
    }
    case 'v128':
      return formatV128(toBigInt(value));
    default:
      return value === null ? null : formatReference(value);
  }
}

/** One line per result. */
export function formatResults(type: FuncType, results: readonly unknown[]): string {
  return results.map((value, i) => `${formatValue(type.results[i] as ValType, value)}\n`).join('');
}

export interface JsonResult {
  readonly type: ValType;
  readonly value: JsonValue;
}

export function jsonResults(type: FuncType, results: readonly unknown[]): JsonResult[] {
  return results.map((value, i) => {
    const t = type.results[i] as ValType;
    return { type: t, value: jsonValue(t, value) };
  });
}

function formatReference(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'function') return `<funcref ${value.name || 'anonymous'}>`;
  return '<ref>';
}

/** Accepts what the runtime hands back for i64/v128: a bigint, a number, or a `Value` with a `value` field. */
function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'object' && value !== null && 'value' in value) return toBigInt(value.value);
  // Unreachable for a result of V8's: a bug, reported as internal (exit 1, with the stack).
  throw new WasmerError('ERR_INTERNAL', `expected an integer result, got ${typeof value}`);
}

/** `1.2 MiB`-style size for humans (bytes below 1 KiB shown exactly): the runtime's one formatter. */
export { formatBytes as formatSize } from '../runtime/units.js';

/**
 * The note for a program whose memory reached `--max-memory`: it cannot grow any
 * more, which a program rarely says itself (pandoc under 64MiB hung or trapped
 * with no word of why). On stderr when it is a terminal or with `--verbose`.
 */
export function memoryCapNote(capBytes: number): string {
  return `note: the program's memory reached the --max-memory cap (${formatBytes(capBytes)}); memory.grow beyond it returns -1\n`;
}

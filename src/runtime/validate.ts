/**
 * The checks of option values at the public edge (constructor options and the
 * like), one vocabulary for all: every failure is `ArgumentError`
 * `ERR_INVALID_OPTION`, worded as Node words its own,
 * `Wasi: options.env must be an object, got 5 (number)`. `name` is the field as
 * the caller wrote it, prefixed by who checks it (`new Memory: minimum`).
 * At the bottom of the layers (errors and describe only), so every layer checks alike.
 */
import { describe } from './describe.js';
import { ArgumentError } from './errors.js';

/** The error for `value` at `name`, which should have been `expected` ("a boolean"). */
export function invalidOption(name: string, expected: string, value: unknown): ArgumentError {
  return new ArgumentError('ERR_INVALID_OPTION', `${name} must be ${expected}, got ${describe(value)}`);
}

/** A plain object (not null, not an array). */
export function checkObject(
  value: unknown,
  name: string,
  expected = 'an object',
): asserts value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidOption(name, expected, value);
}

export function checkBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw invalidOption(name, 'a boolean', value);
}

export function checkFunction(value: unknown, name: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw invalidOption(name, 'a function', value);
}

/** A string; with `noNul`, one without NUL bytes (which C strings in the guest could not hold). */
export function checkString(value: unknown, name: string, noNul = false): asserts value is string {
  if (typeof value !== 'string') throw invalidOption(name, noNul ? 'a string without NUL bytes' : 'a string', value);
  if (noNul && value.includes('\0')) throw invalidOption(name, 'a string without NUL bytes', value);
}

/** An array of strings without NUL bytes. */
export function checkStringArray(value: unknown, name: string): asserts value is readonly string[] {
  if (!Array.isArray(value)) throw invalidOption(name, 'an array of strings', value);
  for (let i = 0; i < value.length; i++) checkString(value[i], `${name}[${i}]`, true);
}

/** An object whose values are strings without NUL bytes (`{ NAME: value }`). */
export function checkStringRecord(value: unknown, name: string): asserts value is Readonly<Record<string, string>> {
  checkObject(value, name, 'an object of strings');
  for (const [key, item] of Object.entries(value)) checkString(item, `${name}[${JSON.stringify(key)}]`, true);
}

/** One of `choices` (compared with ===). */
export function checkOneOf<const T>(value: unknown, name: string, choices: readonly T[]): asserts value is T {
  if (!choices.includes(value as T)) throw invalidOption(name, oneOf(choices), value);
}

/** `'a' or 'b'`, `one of 'a', 'b', 'c'`. */
export function oneOf(choices: readonly unknown[]): string {
  const words = choices.map((c) => (typeof c === 'string' ? `'${c}'` : String(c)));
  if (words.length <= 2) return words.join(' or ');
  return `one of ${words.join(', ')}`;
}

/** A finite number above 0. */
export function checkPositiveNumber(value: unknown, name: string): asserts value is number {
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    throw invalidOption(name, 'a positive number', value);
  }
}

/** A finite number of 0 or more. */
export function checkNonNegativeNumber(value: unknown, name: string): asserts value is number {
  if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
    throw invalidOption(name, 'a non-negative number', value);
  }
}

/** A safe integer of 1 or more; `unit` names what it counts (`bytes`). */
export function checkPositiveInteger(value: unknown, name: string, unit?: string): asserts value is number {
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 1)) {
    throw invalidOption(name, `a positive integer${unit === undefined ? '' : ` (${unit})`}`, value);
  }
}

/** An integer in [min, max]; `unit` names what it counts (`pages`). */
export function checkIntegerInRange(
  value: unknown,
  name: string,
  min: number,
  max: number,
  unit?: string,
): asserts value is number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) {
    throw invalidOption(name, `an integer${unit === undefined ? '' : ` number of ${unit}`} in [${min}, ${max}]`, value);
  }
}

/**
 * `ERR_INVALID_OPTION` for an option this Node's V8 lacks: `new Memory: address 'i64' (memory64)
 * needs Node 24 or later (this is Node 20.20.2, V8 11.3.244.8-node.38)`.
 */
export function needsNode(name: string, feature: string, node: number): ArgumentError {
  return new ArgumentError(
    'ERR_INVALID_OPTION',
    `${name}: ${feature} needs Node ${node} or later (this is Node ${process.versions.node}, V8 ${process.versions.v8})`,
  );
}

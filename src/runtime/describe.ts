/**
 * `describe(value)` for error messages: the value and its type. At the bottom
 * of the layers with errors.ts, so that every layer can name a bad value
 * alike. A class that knows a better description (`Value`) implements
 * `[DESCRIPTION]()`; describe.ts imports no class.
 */

/** The method an object implements to describe itself in messages (`5 (i32 Value)`). */
export const DESCRIPTION: unique symbol = Symbol('wasmer-ts.description');

interface SelfDescribing {
  [DESCRIPTION](): string;
}

/** `"abc" (string)`, `1.5 (number)`, `undefined`: the value and its type, for error messages. */
export function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  switch (typeof value) {
    case 'string':
      return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)} (string)`;
    case 'bigint':
      return `${value}n (bigint)`;
    case 'number':
    case 'boolean':
    case 'symbol':
      return `${String(value)} (${typeof value})`;
    case 'function':
      return 'a function';
    default:
      if (typeof (value as Partial<SelfDescribing>)[DESCRIPTION] === 'function') {
        return (value as SelfDescribing)[DESCRIPTION]();
      }
      return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  }
}

/**
 * How component names look in JS (the same spelling jco uses): functions and interface
 * members are lowerCamelCase of their kebab names (`make-point` is `makePoint`), resources
 * are UpperCamelCase classes (`output-stream` is `OutputStream`). Interfaces keep their
 * full name (`wasi:cli/run@0.2.3`) as the key of a nested object.
 */

/** `make-point` → `makePoint`, `get-HTTP-url` → `getHTTPUrl` (an all-caps word after the first stays). */
export function lowerCamelCase(kebab: string): string {
  const words = kebab.split('-');
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : upperFirst(w))).join('');
}

/** `output-stream` → `OutputStream`. */
export function upperCamelCase(kebab: string): string {
  return kebab
    .split('-')
    .map(upperFirst)
    .join('');
}

function upperFirst(word: string): string {
  return word.length === 0 ? word : word[0]!.toUpperCase() + word.slice(1);
}

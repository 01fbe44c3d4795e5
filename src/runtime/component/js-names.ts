/**
 * How kebab-case component names become JavaScript names: record fields and flags are
 * lowerCamelCase properties (`first-name` → `firstName`), functions lowerCamelCase methods,
 * and named types UpperCamelCase TypeScript types (`error-code` → `ErrorCode`). The canonical
 * ABI, WAVE and the `.d.ts` generator share these so a value means the same everywhere.
 */

/**
 * `first-name` → `firstName`, `HTTP-status` → `httpStatus`, `get-HTTP` → `getHTTP`: the first
 * word lowercased, each later word with its first letter uppercased (its other letters kept as
 * written, so an acronym stays one).
 */
export function lowerCamelCase(kebab: string): string {
  const words = kebab.split('-');
  let out = (words[0] ?? '').toLowerCase();
  for (let i = 1; i < words.length; i++) out += capitalize(words[i] ?? '');
  return out;
}

/** `error-code` → `ErrorCode`, `http-1` → `Http1`: every word capitalized, its first word's rest lowercased. */
export function upperCamelCase(kebab: string): string {
  return capitalize(lowerCamelCase(kebab));
}

function capitalize(word: string): string {
  return word.length === 0 ? word : word[0]?.toUpperCase() + word.slice(1);
}

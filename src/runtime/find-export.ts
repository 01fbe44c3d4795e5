/**
 * Finding an exported function by name, with the one message for a miss that
 * `Instance.getFunction` and the CLI (`run --invoke`, `call`) both give: the
 * exported functions, and the nearest name when the miss looks like a typo.
 * Works on `ModuleInfo`, so the CLI can check a name (and parse arguments by
 * its type) before it instantiates anything.
 */
import { ArgumentError } from './errors.js';
import { quoted, quoteName } from './kinds.js';
import type { FuncType, ModuleInfo } from './parser/types.js';

/** An exported function: its export name and type. */
export interface FunctionExportInfo {
  readonly name: string;
  readonly type: FuncType;
}

/** Every exported function, in export order. */
export function exportedFunctions(info: ModuleInfo): FunctionExportInfo[] {
  const functions: FunctionExportInfo[] = [];
  for (const e of info.exports) if (e.desc.kind === 'func') functions.push({ name: e.name, type: e.desc.type });
  return functions;
}

/** How many exported functions a message lists before `… N more`. */
const LISTED = 20;

/**
 * The exported function `name`.
 * @param where the module as messages name it (`add.wasm`): `export "x" not found in add.wasm`.
 * @throws ArgumentError ERR_NO_EXPORT, listing the exported functions (names with spaces or
 *   punctuation quoted) and the nearest name when one is close: `export "mian" not found
 *   (exports: main, add); did you mean "main"?`. An export of another kind says what it is.
 */
export function findFunctionExport(info: ModuleInfo, name: string, where?: string): FunctionExportInfo {
  const functions = exportedFunctions(info);
  const found = functions.find((f) => f.name === name);
  if (found !== undefined) return found;
  const other = info.exports.find((e) => e.name === name);
  if (other !== undefined) {
    const of = where === undefined ? '' : ` of ${where}`;
    throw new ArgumentError(
      'ERR_NO_EXPORT',
      `export ${quoted(name)}${of} is a ${other.desc.kind}, not a function${listFunctions(functions)}`,
    );
  }
  const nearest = nearestName(
    name,
    functions.map((f) => f.name),
  );
  const hint = nearest === null ? '' : `; did you mean ${quoted(nearest)}?`;
  const inWhere = where === undefined ? '' : ` in ${where}`;
  throw new ArgumentError(
    'ERR_NO_EXPORT',
    `export ${quoted(name)} not found${inWhere}${listFunctions(functions)}${hint}`,
  );
}

function listFunctions(functions: readonly FunctionExportInfo[]): string {
  if (functions.length === 0) return ' (it exports no functions)';
  const shown = functions.slice(0, LISTED).map((f) => quoteName(f.name));
  const more = functions.length > LISTED ? `, … ${functions.length - LISTED} more` : '';
  return ` (exports: ${shown.join(', ')}${more})`;
}

/**
 * The candidate closest to `name` by edit distance, if it is close enough to be a
 * likely typo. A candidate that is a whole signature (`rb-eval: func(str: string)`,
 * as old wit-bindgen names exports) is also matched by its leading word, so
 * `rb-eval` or `rb-evl` finds it.
 */
export function nearestName(name: string, candidates: readonly string[]): string | null {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const word = leadingWord(lower);
    const d = Math.min(distance(wanted, lower, limit), word === lower ? limit + 1 : distance(wanted, word, limit));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** The edit distance, or `limit + 1` at once when the lengths alone put it over `limit` (long names cost nothing). */
function distance(a: string, b: string, limit: number): number {
  return Math.abs(a.length - b.length) > limit ? limit + 1 : editDistance(a, b);
}

/** `rb-eval` of `rb-eval: func(str: string) -> u32`: the name up to the first space, colon or parenthesis. */
function leadingWord(name: string): string {
  const end = name.search(/[\s:(]/);
  return end <= 0 ? name : name.slice(0, end);
}

/** Damerau-Levenshtein (optimal string alignment), so a swap like mian/main costs 1. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}

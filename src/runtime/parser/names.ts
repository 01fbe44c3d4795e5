/**
 * The name section (https://webassembly.github.io/spec/core/appendix/custom.html#name-section):
 * the module name (subsection 0), function names (1) and local names (2). Names only word
 * messages and label traces, so a damaged name section never fails anything: each decoder
 * returns what it read before the damage.
 */
import { WasmParseError } from '../errors.js';
import { MAX_FUNCTIONS } from './limits.js';
import { Reader } from './reader.js';
import type { NameSection } from './types.js';

const MODULE_NAME = 0;
const FUNCTION_NAMES = 1;
const LOCAL_NAMES = 2;

/** Decodes the module name and the function names from the name section's payload `data`. */
export function decodeNameSection(data: Uint8Array): NameSection {
  let module: string | null = null;
  const functions = new Map<number, string>();
  const r = new Reader(data, 0, data.length, 'name section');
  try {
    while (!r.isAtEnd) {
      const id = r.readU8('a name subsection id');
      const size = r.readU32('a name subsection size');
      if (size > r.remaining) break;
      const end = r.offset + size;
      if (id === MODULE_NAME) {
        r.end = end;
        module = r.readName('the module name');
      } else if (id === FUNCTION_NAMES) {
        r.end = end;
        const n = r.readCount('function names', MAX_FUNCTIONS);
        for (let i = 0; i < n; i++) {
          const index = r.readU32('a function index');
          functions.set(index, r.readName('a function name'));
        }
      }
      r.offset = end;
      r.end = data.length;
    }
  } catch (error) {
    if (!(error instanceof WasmParseError)) throw error;
  }
  return { module, functions };
}

/**
 * The names of the first `count` locals (the parameters) of function `funcIndex`,
 * from the local names (https://webassembly.github.io/spec/core/appendix/custom.html#local-names).
 * Only called to word an error, so it scans the section then.
 */
export function decodeParamNames(
  nameSection: Uint8Array | undefined,
  funcIndex: number,
  count: number,
): (string | undefined)[] {
  const out = new Array<string | undefined>(count).fill(undefined);
  if (nameSection === undefined || count === 0) return out;
  const r = new Reader(nameSection, 0, nameSection.length, 'name section');
  try {
    while (!r.isAtEnd) {
      const id = r.readU8('a name subsection id');
      const size = r.readU32('a name subsection size');
      const end = r.offset + size;
      if (id !== LOCAL_NAMES) {
        r.offset = end;
        continue;
      }
      const functions = r.readU32('the count of functions with local names');
      for (let f = 0; f < functions; f++) {
        const index = r.readU32('a function index');
        const locals = r.readU32('the count of local names');
        for (let l = 0; l < locals; l++) {
          const local = r.readU32('a local index');
          const name = r.readName('a local name');
          if (index === funcIndex && local < count) out[local] = name;
        }
        if (index === funcIndex) return out;
      }
      return out;
    }
  } catch (e) {
    if (!(e instanceof WasmParseError)) throw e;
  }
  return out;
}

/**
 * The name section (https://webassembly.github.io/spec/core/appendix/custom.html#name-section):
 * the module name (subsection 0), function names (1), local names (2), and the extended name
 * section's type (4), table (5), memory (6), global (7), element (8), data (9), field (10) and
 * tag (11) names. Names only word
 * messages and label traces, so a damaged name section never fails anything: each decoder
 * returns what it read before the damage.
 */
import { WasmParseError } from '../errors.js';
import { MAX_FUNCTIONS, MAX_TYPES } from './limits.js';
import { Reader } from './reader.js';
import type { NameSection } from './types.js';

const MODULE_NAME = 0;
const FUNCTION_NAMES = 1;
const LOCAL_NAMES = 2;
const FIELD_NAMES = 10;

/**
 * The subsections that are a plain name map, by id, and the `NameSection` key each fills
 * (https://github.com/WebAssembly/extended-name-section, and 11 for tags from the exception-handling proposal).
 * Label names (3) are per-function like local names and nothing shows them, so they are skipped.
 */
const NAME_MAPS: Readonly<Record<number, MapKey>> = {
  [FUNCTION_NAMES]: 'functions',
  4: 'types',
  5: 'tables',
  6: 'memories',
  7: 'globals',
  8: 'elements',
  9: 'data',
  11: 'tags',
};

type MapKey = 'functions' | 'types' | 'tables' | 'memories' | 'globals' | 'elements' | 'data' | 'tags';

/** The maps of a name section while it is decoded: mutable, for `decodeNameSection` to fill. */
interface NameMaps {
  readonly maps: Record<MapKey, Map<number, string>>;
  readonly fields: Map<number, Map<number, string>>;
}

function emptyMaps(): NameMaps {
  const map = () => new Map<number, string>();
  return {
    maps: {
      functions: map(),
      types: map(),
      tables: map(),
      memories: map(),
      globals: map(),
      elements: map(),
      data: map(),
      tags: map(),
    },
    fields: new Map(),
  };
}

/** The name section of a module without one: every map empty. */
export function emptyNameSection(): NameSection {
  const { maps, fields } = emptyMaps();
  return { module: null, ...maps, fields };
}

/**
 * Decodes the name section's payload `data`: the module name, the name maps and the field names.
 * A damaged subsection keeps what was read before the damage, and the subsections after it are
 * still read when the damaged one's size was readable.
 */
export function decodeNameSection(data: Uint8Array): NameSection {
  let module: string | null = null;
  const { maps, fields } = emptyMaps();
  const r = new Reader(data, 0, data.length, 'name section');
  while (!r.isAtEnd) {
    try {
      const id = r.readU8('a name subsection id');
      const size = r.readU32('a name subsection size');
      if (size > r.remaining) break;
      r.end = r.offset + size;
      const key = NAME_MAPS[id];
      if (id === MODULE_NAME) module = r.readName('the module name');
      else if (key !== undefined) readNameMap(r, maps[key]);
      else if (id === FIELD_NAMES) readIndirectNameMap(r, fields);
    } catch (error) {
      if (!(error instanceof WasmParseError)) throw error;
      // An unreadable id or size: nothing after it can be found.
      if (r.end === data.length) break;
    }
    r.offset = r.end;
    r.end = data.length;
  }
  return { module, ...maps, fields };
}

/** A name map: a count, then (index, name) pairs. Bounded by the subsection's end. */
function readNameMap(r: Reader, into: Map<number, string>): void {
  const n = r.readCount('names', MAX_FUNCTIONS, 2);
  for (let i = 0; i < n; i++) {
    const index = r.readU32('an index');
    into.set(index, r.readName('a name'));
  }
}

/** An indirect name map: a count, then (index, name map) pairs (field names of each struct type). */
function readIndirectNameMap(r: Reader, into: Map<number, Map<number, string>>): void {
  const n = r.readCount('name maps', MAX_TYPES, 2);
  for (let i = 0; i < n; i++) {
    const index = r.readU32('an index');
    const names = new Map<number, string>();
    into.set(index, names);
    readNameMap(r, names);
  }
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

/**
 * The `component-name` custom section (design/mvp/Binary.md "Name Section"): the
 * component's own name and names for the indices of each sort. Like the core name
 * section it never fails a parse: a malformed one is ignored as a whole.
 */
import { WasmParseError } from '../../errors.js';
import { Reader } from '../../parser/reader.js';
import { readSort } from './alias.js';
import type { ComponentNames } from './ast.js';
import { sortKey } from './ast.js';

const EMPTY: ComponentNames = Object.freeze({ component: undefined, sorts: new Map() });

/** The names in a `component-name` section's payload (`data`, at absolute `offset`); empty names when it is malformed. */
export function decodeComponentNames(data: Uint8Array | undefined): ComponentNames {
  if (data === undefined) return EMPTY;
  try {
    return decode(new Reader(data, 0, data.length, 'component-name section'));
  } catch (e) {
    if (e instanceof WasmParseError) return EMPTY;
    throw e;
  }
}

function decode(r: Reader): ComponentNames {
  let component: string | undefined;
  const sorts = new Map<string, Map<number, string>>();
  let last = -1;
  while (!r.isAtEnd) {
    const id = r.readU8('a subsection id');
    const size = r.readU32('a subsection size');
    const end = r.offset + size;
    if (end > r.end) r.failEof('a subsection');
    const sub = new Reader(r.bytes, r.offset, end, 'name subsection');
    if (id === 0) {
      if (last >= 0) r.fail('ERR_SECTION_ORDER', 'the component name must come first');
      component = sub.readName('the component name');
    } else if (id === 1) {
      const key = sortKey(readSort(sub));
      if (sorts.has(key)) r.fail('ERR_SECTION_ORDER', `names for sort ${key} are given twice`);
      const map = new Map<number, string>();
      const n = sub.readCount('names', 1_000_000, 2);
      for (let i = 0; i < n; i++) {
        const index = sub.readU32('an index');
        map.set(index, sub.readName('a name'));
      }
      sorts.set(key, map);
    }
    // Other subsection ids are reserved for future use: skipped, as the core name section's are.
    if (id <= 1 && !sub.isAtEnd) r.fail('ERR_SECTION_SIZE', 'a name subsection has bytes after its contents');
    last = id;
    r.offset = end;
  }
  return { component, sorts };
}

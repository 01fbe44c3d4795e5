/**
 * The few facts about a Wasm module that an artifact header records: its name
 * (for `cache ls`), and the function counts that reading V8's serialized code
 * needs (./v8-serialized.ts). Read without a full parse, which takes about
 * 300 ms for a 56 MiB module of 620,000 functions (pandoc): section headers are
 * skipped by their sizes, and only the import section (through the parser, on
 * the bytes up to its end) and the name section's module name are decoded.
 */

import { WasmParseError } from '../errors.js';
import { parseModule } from '../parser/index.js';
import { Reader } from '../parser/reader.js';
import { SectionId } from '../parser/sections.js';

export interface ModuleFacts {
  /** The name section's module name (subsection 0), or null. */
  readonly moduleName: string | null;
  /** Functions imported, or null when the module could not be read. */
  readonly importedFunctions: number | null;
}

const IMPORT_SECTION = 2;
const CUSTOM_SECTION = 0;

/** Never throws: an unreadable module gives nulls. */
export function readModuleFacts(wasm: Uint8Array): ModuleFacts {
  let moduleName: string | null = null;
  let importEnd = 0;
  try {
    const r = new Reader(wasm, 8, wasm.length);
    while (!r.isAtEnd) {
      const id = r.readU8();
      const size = r.readU32();
      const end = r.offset + size;
      if (end > wasm.length) break;
      if (id === IMPORT_SECTION) importEnd = end;
      if (id === CUSTOM_SECTION && moduleName === null) {
        r.end = end;
        if (r.readName() === 'name') moduleName = readModuleName(r, end);
        r.end = wasm.length;
      }
      r.offset = end;
    }
  } catch {
    // A malformed module: keep what was read.
  }
  let importedFunctions: number | null = 0;
  if (importEnd > 0) {
    try {
      importedFunctions = parseModule(wasm.subarray(0, importEnd)).importedFunctionCount;
    } catch {
      importedFunctions = null;
    }
  }
  return { moduleName, importedFunctions };
}

/** Subsection 0 of a name section (https://webassembly.github.io/spec/core/appendix/custom.html#name-section). */
function readModuleName(r: Reader, end: number): string | null {
  while (r.offset < end) {
    const id = r.readU8();
    const size = r.readU32();
    if (id === 0) return r.readName();
    r.offset += size;
  }
  return null;
}

const WASM_MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const CODE_SECTION_ID = SectionId.code;
/** A section header: its id byte and a size of at most 5 LEB128 bytes. */
const SECTION_HEADER_MAX = 6;

/**
 * Up to `length` bytes of a module at `offset` (fewer only at its end): a view of
 * a module in memory, or a read of a file, so that a caller can find the code
 * section of a file without reading the whole file (src/commands/relaunch.ts).
 */
export type ReadAt = (offset: number, length: number) => Uint8Array;

/**
 * The code section's size, from the section headers alone (no full parse: it
 * runs on every `run` of every module, and a 70 MiB one has few sections), or
 * null when the headers do not read as a module (the real parse reports that).
 */
export function codeSectionSize(bytes: Uint8Array): number | null {
  return codeSectionSizeAt((offset, length) => bytes.subarray(offset, offset + length), bytes.byteLength);
}

/**
 * `codeSectionSize` of a module of `byteLength` bytes read through `readAt`: one
 * read of at most 6 bytes per section before the code section. Never throws for
 * bytes that are not a module (null); errors of `readAt` itself pass through.
 */
export function codeSectionSizeAt(readAt: ReadAt, byteLength: number): number | null {
  const preamble = readAt(0, WASM_MAGIC_AND_VERSION.length);
  if (!WASM_MAGIC_AND_VERSION.every((b, i) => preamble[i] === b)) return null;
  let offset = WASM_MAGIC_AND_VERSION.length;
  try {
    while (offset < byteLength) {
      const reader = new Reader(readAt(offset, SECTION_HEADER_MAX));
      const id = reader.readU8('a section id');
      const size = reader.readU32('a section size');
      if (id === CODE_SECTION_ID) return size;
      offset += reader.offset;
      if (size > byteLength - offset) return null;
      offset += size;
    }
    return 0;
  } catch (error) {
    if (error instanceof WasmParseError) return null;
    throw error;
  }
}

/**
 * Re-encoding the memory section so a module cannot grow past a memory cap
 * (what `runProgram`'s `maxMemoryBytes` and `run --max-memory` do to the module).
 */
import { ArgumentError } from '../errors.js';
import { parseModule } from '../parser/index.js';
import { MAX_MEMORY32_PAGES, PAGE_SIZE } from '../parser/limits.js';
import { SectionId } from '../parser/sections.js';
import type { MemoryType } from '../parser/types.js';
import { encodeU32, encodeU64 } from './leb128.js';

/** https://webassembly.github.io/spec/core/binary/types.html#memory-types, with the threads (shared) and memory64 flags. */
function encodeMemoryType(memory: MemoryType, maximum: number): number[] {
  const flags = 0x01 | (memory.shared ? 0x02 : 0) | (memory.index64 ? 0x04 : 0);
  const encode = memory.index64 ? encodeU64 : encodeU32;
  return [flags, ...encode(memory.minimum), ...encode(maximum)];
}

/**
 * A copy of `bytes` whose defined memories (not the imported ones: their host
 * sets them) declare `maximum = min(declared, maxPages)`, so `memory.grow`
 * past the cap returns -1 inside the guest instead of allocating. Everything
 * but the memory section is copied unchanged; shared and memory64 flags are kept.
 *
 * @param maxPages the cap in 64 KiB pages.
 * @throws ArgumentError `ERR_INVALID_OPTION` when `maxPages` is not a non-negative integer, or a memory's
 *   minimum already exceeds it (the module could not even start under the cap).
 * @throws WasmParseError when `bytes` is not a well-formed module.
 */
export function capMemoryMaximum(bytes: Uint8Array, maxPages: number): Uint8Array {
  if (!Number.isSafeInteger(maxPages) || maxPages < 0) {
    throw new ArgumentError(
      'ERR_INVALID_OPTION',
      `the memory cap must be a whole number of 64 KiB pages (0 or more), got ${String(maxPages)}`,
    );
  }
  const info = parseModule(bytes);
  const memorySection = info.sections.find((s) => s.id === SectionId.memory);
  if (memorySection === undefined) return bytes.slice();
  const content: number[] = [...encodeU32(info.memories.length)];
  info.memories.forEach((memory, i) => {
    if (memory.minimum > maxPages) {
      const index = info.importedMemoryCount + i;
      throw new ArgumentError(
        'ERR_INVALID_OPTION',
        `memory ${index} of the module needs ${memory.minimum} pages (${formatBytes(memory.minimum)}) at start, ` +
          `more than the cap of ${maxPages} pages (${formatBytes(maxPages)}); raise the memory limit`,
      );
    }
    // A 32-bit memory cannot declare more than 65536 pages (4 GiB): a larger cap means no change for it.
    const cap = memory.index64 ? maxPages : Math.min(maxPages, MAX_MEMORY32_PAGES);
    const maximum = memory.maximum === null ? cap : Math.min(memory.maximum, cap);
    content.push(...encodeMemoryType(memory, maximum));
  });
  const header = [SectionId.memory, ...encodeU32(content.length)];
  const end = memorySection.contentOffset + memorySection.size;
  const out = new Uint8Array(memorySection.offset + header.length + content.length + (bytes.length - end));
  out.set(bytes.subarray(0, memorySection.offset), 0);
  out.set(header, memorySection.offset);
  out.set(content, memorySection.offset + header.length);
  out.set(bytes.subarray(end), memorySection.offset + header.length + content.length);
  return out;
}

function formatBytes(pages: number): string {
  const mib = (pages * PAGE_SIZE) / (1024 * 1024);
  return mib >= 1 ? `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB` : `${pages * 64} KiB`;
}

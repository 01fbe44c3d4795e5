/**
 * What is inside the machine code V8 serialized for a module
 * (`CompiledWasmModule::Serialize()`): how many of the module's functions have
 * TurboFan code in it, and how many bytes of instructions that is. `cache ls`
 * shows it, because an entry filled after a run holds only the functions that
 * got hot, while `compile` produces every one.
 *
 * After its 16-byte header (magic, version hash, CPU features, flag hash), V8
 * writes a native-module header and then one record per function the module
 * defines, in order, each starting with a kind byte: `kLazyFunction` (2: never
 * ran), `kEagerFunction` (3: ran in Liftoff only; V8 serializes only TurboFan
 * code, so it compiles these again on load) or `kTurboFanFunction` (4: a code
 * header, then the instructions and their metadata). The layout is V8's internal
 * business and changes between versions (src/wasm/wasm-serialization.cc), so
 * this reads only layouts checked here, and trusts one only when it accounts for
 * every byte: every kind byte is known, the records and the trailer end exactly
 * at the end of the payload, and their instruction sizes add up to the total V8
 * wrote in its header. Anything else gives null ("unknown"), never a guess. It
 * is information only: loading never depends on it.
 */

/** The functions in serialized machine code, by what V8 stored for each. */
export interface MachineCodeSummary {
  /** Functions the module defines (V8 writes one record per function). */
  readonly functions: number;
  /** Functions with TurboFan code in the payload. */
  readonly turbofan: number;
  /** Functions that had run, but only in Liftoff code (which V8 does not serialize). */
  readonly liftoff: number;
  /** Bytes of TurboFan instructions (without relocation and other metadata). */
  readonly codeBytes: number;
}

const V8_HEADER_BYTES = 16;
const LAZY_FUNCTION = 2;
const EAGER_FUNCTION = 3;
const TURBOFAN_FUNCTION = 4;

interface Layout {
  /** Bytes of the native-module header after V8's header: the u64 total code size first, then this many more, plus one per imported function. */
  readonly moduleHeaderExtra: number;
  /** i32 fields of a TurboFan function's code header, after its kind byte. */
  readonly codeHeaderInts: number;
  /** Index among them of the instruction byte count; it and the fields after it are the byte counts of what follows. */
  readonly instructionsField: number;
  /** Bytes after the i32 fields (the tier). */
  readonly codeHeaderTail: number;
  /** Bytes after the records, per function (the tiering budgets). */
  readonly trailerPerFunction: number;
}

/**
 * V8 11.x as Node 20 ships it (11.3), worked out from its payloads and checked
 * by test/runtime/engine/v8-serialized.test.ts: the total code size (u64), a flag
 * byte, one byte per imported function; per TurboFan function 13 i32 fields
 * (offsets, sizes, stack slots...; the instruction size is the 8th, and it and
 * the 5 after it count the bytes of the runs that follow the header) and a tier
 * byte; after the records, a u32 tiering budget per function.
 */
const V8_11: Layout = {
  moduleHeaderExtra: 1,
  codeHeaderInts: 13,
  instructionsField: 7,
  codeHeaderTail: 1,
  trailerPerFunction: 4,
};

function layoutFor(v8Version: string): Layout | null {
  return Number.parseInt(v8Version, 10) === 11 ? V8_11 : null;
}

/**
 * The summary of `payload`, V8's serialized code for a module with
 * `importedFunctions` imported functions, written by V8 `v8Version`; null when
 * that layout is not one this reads or the payload does not fit it exactly.
 * Never throws.
 */
export function summarizeMachineCode(
  payload: Uint8Array,
  v8Version: string,
  importedFunctions: number,
): MachineCodeSummary | null {
  const layout = layoutFor(v8Version);
  if (layout === null) return null;
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const headerEnd = V8_HEADER_BYTES + 8 + layout.moduleHeaderExtra + importedFunctions;
  if (payload.length < headerEnd) return null;
  const total = view.getBigUint64(V8_HEADER_BYTES, true);
  const recordHeader = 1 + 4 * layout.codeHeaderInts + layout.codeHeaderTail;
  let at = headerEnd;
  let functions = 0;
  let turbofan = 0;
  let liftoff = 0;
  let codeBytes = 0;
  // Each step consumes at least one byte, so this ends.
  for (;;) {
    if (payload.length - at === layout.trailerPerFunction * functions && BigInt(codeBytes) === total) break;
    if (at >= payload.length) return null;
    const kind = payload[at] as number;
    functions++;
    if (kind === LAZY_FUNCTION || kind === EAGER_FUNCTION) {
      if (kind === EAGER_FUNCTION) liftoff++;
      at += 1;
      continue;
    }
    if (kind !== TURBOFAN_FUNCTION || at + recordHeader > payload.length) return null;
    let body = 0;
    for (let i = layout.instructionsField; i < layout.codeHeaderInts; i++) {
      const size = view.getInt32(at + 1 + 4 * i, true);
      if (size < 0) return null;
      body += size;
    }
    codeBytes += view.getInt32(at + 1 + 4 * layout.instructionsField, true);
    turbofan++;
    at += recordHeader + body;
  }
  return { functions, turbofan, liftoff, codeBytes };
}

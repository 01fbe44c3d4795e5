/**
 * WebAssembly text (.wat) to binary, with the `wabt` package loaded on first use
 * only (it is 700 KB of JS + Wasm that binary-only users never pay for).
 */
import { WatError } from './errors.js';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;

let wabt: Promise<Wabt> | undefined;

/** Every proposal wabt knows: V8 is the judge of what actually runs. (The test helpers build fixtures with it too.) */
export const ALL_FEATURES = {
  exceptions: true,
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  simd: true,
  threads: true,
  function_references: true,
  multi_value: true,
  tail_call: true,
  bulk_memory: true,
  reference_types: true,
  annotations: true,
  code_metadata: true,
  gc: true,
  memory64: true,
  extended_const: true,
  relaxed_simd: true,
  multi_memory: true,
};

async function loadWabt(): Promise<Wabt> {
  wabt ??= import('wabt').then((m) => m.default());
  return wabt;
}

/**
 * Converts WebAssembly text to a binary module, with a name section (so traps
 * name functions). Throws `WatError` with the converter's message (which names
 * the line and column) when the text is not valid.
 */
export async function watToWasm(text: string, filename = 'input.wat'): Promise<Uint8Array> {
  const w = await loadWabt();
  let parsed: ReturnType<Wabt['parseWat']> | undefined;
  try {
    parsed = w.parseWat(filename, text, ALL_FEATURES);
    parsed.resolveNames();
    let validation: unknown = null;
    try {
      parsed.validate();
    } catch (e) {
      validation = e;
    }
    const bytes = new Uint8Array(parsed.toBinary({ write_debug_names: true }).buffer);
    // wabt.js validates with its default feature set whatever the parse enabled
    // (it rejects shared memories, multi-memory...), so V8 has the last word; when
    // both reject, wabt's message (with line and column) is the more helpful one.
    if (validation !== null && !WebAssembly.validate(bytes)) throw validation;
    return bytes;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new WatError(`invalid WebAssembly text: ${message.trim()}`, { cause: e });
  } finally {
    parsed?.destroy();
  }
}

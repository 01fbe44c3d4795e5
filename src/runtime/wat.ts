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
 * wabt reports `parseWat failed:` then, for each error, `FILE:LINE:COL: error: what`, the
 * source line and a caret line: a page for a file that is not WebAssembly text at all.
 * The first error is the one to act on, so the message keeps it, as `FILE:LINE:COL: what`.
 */
function firstDiagnostic(report: string, filename: string): string {
  const lines = report.split('\n').map((line) => line.trim());
  const positioned = lines.filter((line) => line.startsWith(`${WABT_NAME}:`));
  const first = positioned[0];
  if (first === undefined) return lines.find((line) => line !== '' && !line.endsWith('failed:')) ?? report.trim();
  const more = positioned.length - 1;
  const rest = more === 0 ? '' : ` (and ${more} more error${more === 1 ? '' : 's'})`;
  const position = /^[^:]*:(\d+:\d+): (?:error: )?/;
  return `${first.replace(position, (_, at: string) => `${filename}:${at}: `)}${rest}`;
}

/**
 * The name wabt gets for the text. wabt.js copies the name it is given into its
 * memory wrongly for some lengths and for non-ASCII names (a 12-byte name comes
 * back with a stray byte), so it always gets this one and the messages get the
 * caller's name back.
 */
const WABT_NAME = 'input.wat';

/**
 * Converts WebAssembly text to a binary module, with a name section (so traps
 * name functions). Throws `WatError` when the text is not valid, with one line
 * naming the first error and its place: `invalid WebAssembly text: prog.wat:4:5:
 * unexpected token i32.bogus, expected ).` (`filename` names the text there).
 */
export async function watToWasm(text: string, filename = 'input.wat'): Promise<Uint8Array> {
  const w = await loadWabt();
  let parsed: ReturnType<Wabt['parseWat']> | undefined;
  try {
    parsed = w.parseWat(WABT_NAME, text, ALL_FEATURES);
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
    throw new WatError(
      `invalid WebAssembly text: ${firstDiagnostic(e instanceof Error ? e.message : String(e), filename)}`,
    );
  } finally {
    parsed?.destroy();
  }
}

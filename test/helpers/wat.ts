import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Promise<Wabt> | undefined;

/** Every proposal wabt knows, so fixtures can use SIMD, threads, exceptions, memory64... */
const ALL_FEATURES = {
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

/** Builds WebAssembly text into binary, with a name section (so traps and names can be tested). */
export async function wat(text: string, options: { names?: boolean } = {}): Promise<Uint8Array> {
  wabt ??= wabtInit();
  const w = await wabt;
  const parsed = w.parseWat('fixture.wat', text, ALL_FEATURES);
  try {
    parsed.resolveNames();
    parsed.validate();
    const { buffer } = parsed.toBinary({ write_debug_names: options.names ?? true });
    return new Uint8Array(buffer);
  } finally {
    parsed.destroy();
  }
}

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** Builds `fixtures/NAME.wat`. */
export async function fixture(name: string, options: { names?: boolean } = {}): Promise<Uint8Array> {
  return wat(readFileSync(`${FIXTURES}${name}.wat`, 'utf8'), options);
}

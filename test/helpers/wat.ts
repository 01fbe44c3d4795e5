import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
// Every proposal wabt knows, so fixtures can use SIMD, threads, exceptions, memory64...
import { ALL_FEATURES } from '../../src/runtime/wat.js';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Promise<Wabt> | undefined;

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

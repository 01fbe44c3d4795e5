// The committed component fixtures (fixtures/components/NAME.wat, built to NAME.wasm by
// scripts/build-components.js), read once per test file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../../fixtures/components/', import.meta.url));

/** The bytes of fixtures/components/NAME.wasm. */
export function componentBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${DIR}${name}.wasm`));
}

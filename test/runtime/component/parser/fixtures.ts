// The committed component fixtures (fixtures/components/NAME.wasm, built from NAME.wat by
// scripts/build-components.js with jco), read once per test file.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const COMPONENT_FIXTURES = fileURLToPath(new URL('../../../../fixtures/components/', import.meta.url));

/** The bytes of fixtures/components/NAME.wasm. */
export function componentFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${COMPONENT_FIXTURES}${name}.wasm`));
}

/** Every fixture's name (without .wasm), sorted. */
export function componentFixtureNames(): string[] {
  return readdirSync(COMPONENT_FIXTURES)
    .filter((f) => f.endsWith('.wasm'))
    .map((f) => f.slice(0, -'.wasm'.length))
    .sort();
}

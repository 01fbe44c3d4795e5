/**
 * Agreement with jco (wasm-tools compiled to JS), the tool that builds the fixtures: every
 * fixture text jco accepts, we accept too, and a real command component (a preview1 program
 * adapted by `jco new --wasi-command`) parses with its WASI 0.2 imports. jco is installed
 * outside the repository (scripts/build-components.js); without it these tests are skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseComponent } from '../../../../src/runtime/component/parser/index.js';
import { parseExternName } from '../../../../src/runtime/component/parser/names.js';
import { COMPONENT_FIXTURES } from './fixtures.js';

// Not $XDG_CACHE_HOME: the test setup points it at an empty directory per file.
const JCO = path.join(homedir(), '.cache', 'wasmer-ts-jco', 'node_modules', '.bin', 'jco');
const hasJco = existsSync(JCO);
const WASI_CHECKS = new URL('../../../../fixtures/wasi/checks.wasm', import.meta.url);
const work = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-jco-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function jco(...args: string[]): void {
  execFileSync(JCO, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

describe('agreement with jco', () => {
  it.skipIf(!hasJco)(
    'accepts every fixture text jco accepts, as jco builds it now (skipped without jco installed)',
    () => {
      const sources = readdirSync(COMPONENT_FIXTURES).filter((f) => f.endsWith('.wat'));
      expect(sources.length).toBeGreaterThanOrEqual(5);
      for (const source of sources) {
        const out = path.join(work, source.replace(/\.wat$/, '.wasm'));
        jco('parse', path.join(COMPONENT_FIXTURES, source), '-o', out);
        const bytes = new Uint8Array(readFileSync(out));
        expect(() => parseComponent(bytes), source).not.toThrow();
        // The committed binary is that build (scripts/build-components.js --check says the same).
        const committed = readFileSync(path.join(COMPONENT_FIXTURES, source.replace(/\.wat$/, '.wasm')));
        expect(bytes, source).toEqual(new Uint8Array(committed));
      }
    },
    120_000,
  );

  it.skipIf(!hasJco)(
    'parses a preview1 program adapted into a wasi:cli command by jco new (skipped without jco installed)',
    () => {
      const out = path.join(work, 'checks-command.wasm');
      jco('new', fileURLToPath(WASI_CHECKS), '--wasi-command', '-o', out);
      const ast = parseComponent(new Uint8Array(readFileSync(out)));
      const imports = ast.type.imports.map((i) => i.name);
      for (const wanted of ['wasi:cli/environment', 'wasi:cli/stdout', 'wasi:io/streams', 'wasi:filesystem/types']) {
        expect(
          imports.some((n) => n.startsWith(`${wanted}@`)),
          wanted,
        ).toBe(true);
      }
      for (const i of ast.type.imports) {
        expect(parseExternName(i.name)?.kind, i.name).toBe('interface');
        expect(i.type.kind, i.name).toBe('instance');
      }
      expect(ast.type.exports.map((e) => e.name.replace(/@.*/, ''))).toEqual(['wasi:cli/run']);
      // The adapter and the program are core modules; the streams interface names its resources.
      expect(ast.definitions.filter((d) => d.kind === 'core-module').length).toBeGreaterThanOrEqual(2);
      const streams = ast.type.imports.find((i) => i.name.startsWith('wasi:io/streams@'));
      const exports = streams?.type.kind === 'instance' ? streams.type.exports : [];
      expect(exports.find((e) => e.name === 'output-stream')?.type).toMatchObject({
        kind: 'type',
        type: { kind: 'resource', origin: 'abstract', name: 'output-stream', interfaceName: streams?.name },
      });
    },
    60_000,
  );
});

// jco as an oracle for instantiation: the same component (fixtures/components/echo.wat),
// transpiled by jco and run on the same host functions, gives the same JS values as ours for
// every value type, both ways. Skipped when jco is not installed (scripts/build-components.js).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Component } from '../../../src/runtime/component/component.js';
import { componentBytes } from './fixtures.js';
import { hasJco, JCO } from './jco.js';

type Fn = (...args: unknown[]) => unknown;

const CASES: readonly (readonly [string, unknown])[] = [
  ['echoBool', true],
  ['echoS8', -128],
  ['echoU32', 4294967295],
  ['echoS64', -9223372036854775808n],
  ['echoU64', 18446744073709551615n],
  ['echoF32', 1.5],
  ['echoF64', -0.1],
  ['echoChar', '🦀'],
  ['echoString', 'héllo ✓'],
  ['echoBytes', Uint8Array.of(0, 1, 255)],
  ['echoS16s', Int16Array.of(-1, 2)],
  ['echoU64s', BigUint64Array.of(0n, 2n ** 64n - 1n)],
  ['echoStrings', ['a', '', 'ü']],
  ['echoPoint', { x: 3, y: -4 }],
  ['echoPoints', [{ x: 1, y: 2 }]],
  ['echoTuple', [7, 'seven', 7n]],
  ['echoShape', { tag: 'rect', val: { x: 1, y: 2 } }],
  ['echoShape', { tag: 'circle', val: 2.5 }],
  ['echoColor', 'blue'],
  ['echoPerms', { read: true, write: false, exec: true }],
  ['echoOption', 5],
  ['echoOption', undefined],
  ['echoOptionString', 'x'],
  ['echoNestedOption', { tag: 'some', val: 3 }],
  ['echoWide', Array.from({ length: 17 }, (_, i) => i)],
];

/** The host functions echo.wasm imports, in lowerCamelCase. */
function hostNames(): string[] {
  const host = new Component(componentBytes('echo')).imports[0];
  const all = host?.type.kind === 'instance' ? host.type.exports.map((e) => e.name) : [];
  return all.map((n) => n.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()));
}

/** jco's transpile of echo.wasm in a temp directory, its host import mapped to a module of identity functions. */
async function jcoExports(): Promise<Record<string, Fn>> {
  const dir = mkdtempSync(join(tmpdir(), 'jco-echo-'));
  copyFileSync(new URL('../../../fixtures/components/echo.wasm', import.meta.url), join(dir, 'echo.wasm'));
  const names = CASES.map(([name]) => name).filter((n, i, all) => all.indexOf(n) === i);
  writeFileSync(
    join(dir, 'host.js'),
    `${hostNames()
      .map((n) => `export const ${n} = (...a) => (a.length === 1 ? a[0] : a);`)
      .join('\n')}\n`,
  );
  execFileSync(JCO, ['transpile', 'echo.wasm', '-o', 'out', '--map', 'test:echo/host=../host.js'], {
    cwd: dir,
    stdio: 'ignore',
  });
  const module = (await import(pathToFileURL(join(dir, 'out', 'echo.js')).href)) as Record<string, Fn>;
  expect(names.every((n) => typeof module[n] === 'function')).toBe(true);
  return module;
}

describe('agreement with jco transpile', () => {
  it.skipIf(!hasJco)(
    'gives the same values as jco for every value type (skipped without jco)',
    async () => {
      const theirs = await jcoExports();
      const id: Fn = (...a) => (a.length === 1 ? a[0] : a);
      const hostObject = Object.fromEntries(hostNames().map((n) => [n, id]));
      const ours = new Component(componentBytes('echo')).instantiate({ 'test:echo/host': hostObject })
        .exports as Record<string, Fn>;
      // Not two undefineds agreeing: jco's output really echoes.
      expect(theirs.echoString?.('jco')).toBe('jco');
      for (const [name, value] of CASES) {
        expect({ name, value: ours[name]?.(value) }).toEqual({ name, value: theirs[name]?.(value) });
      }
    },
    120_000,
  );
});

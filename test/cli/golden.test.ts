// Golden files: what the CLI prints, exactly, for each exit-code class and for
// every --help. A changed message fails here with a diff against
// test/cli/golden/NAME.txt. After an intended change, regenerate them all with
//
//   npx vitest run test/cli/golden.test.ts -u
//
// and review the diff of test/cli/golden/ like any other change. (With CI set,
// vitest writes no new file: a missing golden file fails there.)
// Temp paths, the version and the machine-code line of `compile --help` (it
// depends on the native addon) are normalized, so the files are the same on
// every machine.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { cli, fixtureDir } from './helpers.js';

const { dir, cleanup } = await fixtureDir();
afterAll(() => cleanup());
writeFileSync(join(dir, 'syntax.wat'), '(module (func $f (result i32) i32.const 1 i32.add)');
writeFileSync(join(dir, 'truncated.wasm'), Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60));

const VERSION = (await import('../../package.json', { with: { type: 'json' } })).default.version;

function normalize(text: string): string {
  return text
    .replaceAll(dir, '<dir>')
    .replaceAll(VERSION, '<version>')
    .replace(/^Machine code: .*$/m, 'Machine code: <depends on the native addon>');
}

const CASES: readonly (readonly [name: string, args: readonly string[]])[] = [
  // One per exit status.
  ['usage-unknown-flag', ['run', '--bogus', 'types.wasm']],
  ['usage-bad-value', ['run', '--timeout', '5', 'loop.wasm']],
  ['usage-missing-export', ['call', 'types.wasm', 'ad', '1', '2']],
  ['usage-argument', ['call', 'types.wasm', 'add', '1', 'x']],
  ['input-missing', ['inspect', 'missing.wasm']],
  ['input-directory', ['run', '.']],
  ['invalid-text', ['run', 'syntax.wat']],
  ['invalid-validate', ['validate', 'truncated.wasm', 'types.wasm']],
  // inspect: our parser's message (call's would be V8's, which differs between Node versions).
  ['invalid-binary', ['inspect', 'truncated.wasm']],
  ['link-error', ['call', 'link.wasm', 'main']],
  ['trap', ['call', 'trap.wasm', 'outer']],
  ['timeout', ['run', '--timeout', '200ms', 'loop.wasm']],
  ['wasi-exit', ['run', 'exit7.wasm']],
  // Help of every command, and the version.
  ['help', ['--help']],
  ['version', ['--version']],
  ...(['run', 'call', 'inspect', 'validate', 'compile', 'cache', 'types'] as const).map(
    (command) => [`help-${command}`, [command, '--help']] as const,
  ),
];

describe('CLI output against test/cli/golden/*.txt (update: npx vitest run test/cli/golden.test.ts -u)', () => {
  it.concurrent.for(CASES)('%s', async ([name, args], { expect }) => {
    const r = await cli(args, { cwd: dir });
    const text = `$ wasmer-ts ${args.join(' ')}\nexit status: ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
    await expect(normalize(text)).toMatchFileSnapshot(`golden/${name}.txt`);
    // Whatever the text becomes, each command's help shows how to use it.
    if (/^help-(run|call|inspect|validate|compile)$/.test(name)) {
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: wasmer-ts ${args[0]}`);
      expect(r.stdout.match(/^ {2}\$ wasmer-ts /gm)?.length, 'examples').toBeGreaterThanOrEqual(2);
    }
  });
});

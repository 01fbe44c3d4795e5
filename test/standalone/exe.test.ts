// The standalone executable itself (`npm run build:exe`, then
// `WASMER_TS_CLI=build/wasmer-ts npx vitest run test/cli test/standalone ...`, as
// .ci/run does): what the CLI suite cannot see from outside. Skipped, visibly,
// when no executable is under test.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXE, ROOT } from '../cli/helpers.js';

const home = mkdtempSync(join(tmpdir(), 'wasmer-ts-exe-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Runs the executable with nothing but `env`: no PATH to any Node, a cache and temp directory of its own. */
function bare(args: readonly string[], env: Record<string, string> = {}) {
  return spawnSync(EXE ?? 'false', args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: '/nonexistent', XDG_CACHE_HOME: join(home, 'cache'), TMPDIR: home, ...env },
  });
}

describe.runIf(EXE !== null)('the standalone executable (WASMER_TS_CLI is set)', () => {
  it('runs the README quickstart with no Node on PATH, from a copy anywhere', () => {
    const copy = join(home, 'wasmer-ts');
    copyFileSync(EXE ?? '', copy);
    const r = spawnSync(copy, ['run', 'fixtures/simple.wasm', '--invoke', 'sum', '5', '37'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: '/nonexistent', XDG_CACHE_HOME: join(home, 'cache-copy'), TMPDIR: home },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('42\n');
    expect(r.status).toBe(0);
  });

  it("holds the Node 26 that scripts/nodes.json pins, and reports the package's version", () => {
    const pinned = JSON.parse(readFileSync(join(ROOT, 'scripts/nodes.json'), 'utf8'))['26'];
    expect(bare(['--node-options=--version']).stdout.trim()).toBe(`v${pinned}`);
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    expect(bare(['--version']).stdout.trim()).toBe(version);
  });

  it('loads its own native addon, in itself and in its compile child, and runs the machine code it wrote', () => {
    const env = { XDG_CACHE_HOME: join(home, 'cache-addon') };
    const dir = JSON.parse(bare(['cache', 'dir', '--json'], env).stdout);
    expect(dir).toMatchObject({ machineCode: true, reason: null });
    // A compiled artifact needs the addon in the compile child (a child of the executable) and in `run`.
    const out = join(home, 'simple.wasmu');
    const compiled = bare(['compile', 'fixtures/simple.wasm', '-o', out], env);
    expect(compiled.stdout).toMatch(/^wrote .*simple\.wasmu \(\d+ B, machine code \d+ B\)$/m);
    const inspected = JSON.parse(bare(['inspect', out, '--json'], env).stdout);
    expect(inspected.artifact).toMatchObject({
      nodeVersion: expect.stringMatching(/^26\./),
      machineCodeUnusable: null,
    });
    expect(inspected.artifact.machineCodeSize).toBeGreaterThan(0);
    // The artifact wants the eager flags: `run` starts the executable again with them, and says nothing.
    const ran = bare(['run', out, '--invoke', 'sum', '5', '37'], env);
    expect(ran.stderr).toBe('');
    expect(ran.stdout).toBe('42\n');
  });

  it('runs a --timeout program in its worker, from the source inside it', () => {
    const r = bare(['run', '--timeout', '10s', 'fixtures/simple.wasm', '--invoke', 'sum', '1', '2']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('3\n');
  });
});
